"""Relaxed (concrete / Gumbel-sigmoid) Bernoulli distributions with a ``temperature``."""
import ember
from . import constraints
from .distribution import Distribution
from .transformed_distribution import _RelaxedFromBase
from .transforms import SigmoidTransform
from ._probs_logits import _ProbsOrLogits
from .utils import broadcast_all, clamp_probs

__all__ = ['LogitRelaxedBernoulli', 'RelaxedBernoulli']


class LogitRelaxedBernoulli(_ProbsOrLogits, Distribution):
    """The logit of a :class:`RelaxedBernoulli` sample (Maddison et al., 2017).

    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> LogitRelaxedBernoulli(ember.tensor(0.5), ember.tensor([0.3])).sample()
    tensor([-1.7245])
    """
    arg_constraints = {'probs': constraints.unit_interval, 'logits': constraints.real}
    support = constraints.real

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = temperature
        self._set_probs_or_logits(probs, logits)
        super().__init__(self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(LogitRelaxedBernoulli, batch_shape, _instance,
                              temperature=self.temperature,
                              **self._expanded_probs_logits(batch_shape))

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        probs = clamp_probs(self.probs.expand(shape))
        uniforms = clamp_probs(ember.rand(shape, dtype=probs.dtype))
        return (uniforms.log() - (-uniforms).log1p() + probs.log()
                - (-probs).log1p()) / self.temperature

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value.mul(self.temperature)
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class RelaxedBernoulli(_RelaxedFromBase):
    """A continuous relaxation of the Bernoulli on ``(0, 1)``: ``sigmoid`` of a
    :class:`LogitRelaxedBernoulli` sample; reparameterised.

    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> RelaxedBernoulli(ember.tensor(0.5), ember.tensor([0.3])).sample()
    tensor([0.1513])
    """
    arg_constraints = {'probs': constraints.unit_interval, 'logits': constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base_dist = LogitRelaxedBernoulli(temperature, probs, logits)
        super().__init__(base_dist, SigmoidTransform(), validate_args=validate_args)
