"""The constructor and ``expand`` shared by distributions with a ``loc`` and a ``scale``."""
import numbers

import ember
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all


class _LocScale(Distribution):
    """Base for Laplace and Cauchy: real ``loc``, positive ``scale``, real support."""
    arg_constraints = {'loc': constraints.real, 'scale': constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        if isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number):
            batch_shape = ember.Size()
        else:
            batch_shape = self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(type(self), batch_shape, _instance,
                              loc=self.loc.expand(batch_shape),
                              scale=self.scale.expand(batch_shape))

    @property
    def mode(self):
        return self.loc
