"""The Cauchy (Lorentz) distribution."""
import math

import ember
from ._location_scale import _LocScale

__all__ = ['Cauchy']


class Cauchy(_LocScale):
    """Cauchy distribution with median ``loc`` and half width ``scale`` (no mean or
    variance: they are nan and inf).

    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> Cauchy(ember.tensor([0.0]), ember.tensor([1.0])).sample()
    tensor([10.5977])
    """

    @property
    def mean(self):
        return ember.full(self._extended_shape(), math.nan, dtype=self.loc.dtype)

    @property
    def variance(self):
        return ember.full(self._extended_shape(), math.inf, dtype=self.loc.dtype)

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        eps = self.loc.new_empty(shape).cauchy_()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (-math.log(math.pi) - self.scale.log()
                - (((value - self.loc) / self.scale) ** 2).log1p())

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return ember.atan((value - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, value):
        return ember.tan(math.pi * (value - 0.5)) * self.scale + self.loc

    def entropy(self):
        return math.log(4 * math.pi) + self.scale.log()
