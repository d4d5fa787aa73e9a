"""The half-normal distribution: ``|X|`` for ``X ~ Normal(0, scale)``."""
import math

from ._folded import _Folded
from .normal import Normal

__all__ = ['HalfNormal']


class HalfNormal(_Folded):
    """Half-normal distribution with ``scale``.

    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> HalfNormal(ember.tensor([1.0])).sample()
    tensor([1.5410])
    """
    base_class = Normal

    @property
    def mean(self):
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self):
        return self.scale.pow(2) * (1 - 2 / math.pi)
