"""The negative binomial distribution: failures before ``total_count`` successes."""
import ember
from ember.nn.functional import logsigmoid
from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from ._probs_logits import _ProbsOrLogits
from .utils import lazy_property

__all__ = ['NegativeBinomial']


class NegativeBinomial(_ProbsOrLogits, Distribution):
    """Negative binomial distribution: the number of successes (probability ``probs``)
    before ``total_count`` failures; sampled as a gamma-Poisson mixture, as torch.

    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> NegativeBinomial(5, ember.tensor([0.5])).sample()
    tensor([9.])
    """
    arg_constraints = {'total_count': constraints.greater_than_eq(0),
                       'probs': constraints.half_open_interval(0.0, 1.0),
                       'logits': constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        self.total_count, = self._set_probs_or_logits(probs, logits, total_count)
        super().__init__(self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(NegativeBinomial, batch_shape, _instance,
                              total_count=self.total_count.expand(batch_shape),
                              **self._expanded_probs_logits(batch_shape))

    @property
    def mean(self):
        return self.total_count * ember.exp(self.logits)

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        return self.mean / ember.sigmoid(-self.logits)

    @lazy_property
    def _gamma(self):
        return Gamma(concentration=self.total_count, rate=ember.exp(-self.logits),
                     validate_args=False)

    def sample(self, sample_shape=ember.Size()):
        with ember.no_grad():
            return ember.poisson(self._gamma.sample(sample_shape=sample_shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_unnormalized_prob = (self.total_count * logsigmoid(-self.logits)
                                 + value * logsigmoid(self.logits))
        log_normalization = (-ember.lgamma(self.total_count + value) + ember.lgamma(1.0 + value)
                             + ember.lgamma(self.total_count))
        log_normalization = log_normalization.masked_fill(self.total_count + value == 0.0, 0.0)
        return log_unnormalized_prob - log_normalization
