"""The geometric distribution: failures before the first success."""
import ember
from ember.nn.functional import binary_cross_entropy_with_logits
from . import constraints
from .distribution import Distribution
from ._probs_logits import _ProbsOrLogits
from .utils import broadcast_all

__all__ = ['Geometric']


class Geometric(_ProbsOrLogits, Distribution):
    """Number of failures before the first success in Bernoulli trials with success
    probability ``probs`` (or ``sigmoid(logits)``).

    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> Geometric(ember.tensor([0.3])).sample()
    tensor([1.])
    """
    arg_constraints = {'probs': constraints.unit_interval, 'logits': constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._set_probs_or_logits(probs, logits)
        super().__init__(self._param.size(), validate_args=validate_args)
        if self._validate_args and probs is not None:
            value = self.probs
            valid = value > 0
            if not bool(valid.all()):
                raise ValueError(
                    f'Expected parameter probs ({type(value).__name__} of shape '
                    f'{tuple(value.shape)}) of distribution {self!r} to be positive but found '
                    f'invalid values:\n{value.detach()[~valid]}')

    def expand(self, batch_shape, _instance=None):
        return self._expanded(Geometric, batch_shape, _instance,
                              **self._expanded_probs_logits(batch_shape))

    @property
    def mean(self):
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        return ember.zeros_like(self.probs)

    @property
    def variance(self):
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        tiny = ember.finfo(self.probs.dtype).tiny
        with ember.no_grad():
            u = self.probs.new_empty(shape).uniform_(tiny, 1)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        probs = probs.clone()
        probs[(probs == 1) & (value == 0)] = 0      # 0 * log(0) is 0 here
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        return binary_cross_entropy_with_logits(self.logits, self.probs,
                                                reduction='none') / self.probs
