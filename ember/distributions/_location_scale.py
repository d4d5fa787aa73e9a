"""Bases shared by distributions centred on ``loc`` (Normal, Laplace, Cauchy and the
multivariate normals)."""
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, _standard_normal


class _CenteredAtLoc:
    """Mixin: ``mean`` and ``mode`` are ``loc``; reparameterised draws start from standard
    normal noise of the sample's shape."""

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    def _standard_normal_noise(self, sample_shape):
        return _standard_normal(self._extended_shape(sample_shape), dtype=self.loc.dtype)


class _LocScale(_CenteredAtLoc, Distribution):
    """Base for Normal, Laplace and Cauchy: real ``loc`` and positive ``scale`` broadcast
    together, real support."""
    arg_constraints = {'loc': constraints.real, 'scale': constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if _LocScale in cls.__bases__:
            cls._family = cls       # what expand() builds, as each public class would name itself

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(self._family, batch_shape, _instance,
                              loc=self.loc.expand(batch_shape),
                              scale=self.scale.expand(batch_shape))
