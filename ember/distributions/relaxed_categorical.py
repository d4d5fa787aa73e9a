"""Relaxed (concrete / Gumbel-softmax) one-hot categorical distributions."""
import ember
from . import constraints
from .categorical import _FromCategorical
from .distribution import Distribution
from .transformed_distribution import _RelaxedFromBase
from .transforms import ExpTransform
from .utils import broadcast_all, clamp_probs

__all__ = ['ExpRelaxedCategorical', 'RelaxedOneHotCategorical']


class ExpRelaxedCategorical(_FromCategorical, Distribution):
    """The log of a :class:`RelaxedOneHotCategorical` sample (the Gumbel-softmax scores,
    normalised in log space).

    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> ExpRelaxedCategorical(ember.tensor(1.0), ember.tensor([0.2, 0.8])).sample()
    tensor([-2.4535, -0.0899])
    """
    arg_constraints = {'probs': constraints.simplex, 'logits': constraints.real_vector}
    support = constraints.real_vector   # the true support is a submanifold of this
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = temperature
        self._init_categorical(probs, logits, validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(ExpRelaxedCategorical, batch_shape, _instance,
                              temperature=self.temperature,
                              _categorical=self._categorical.expand(batch_shape))

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        uniforms = clamp_probs(ember.rand(shape, dtype=self.logits.dtype))
        gumbels = -((-(uniforms.log())).log())
        scores = (self.logits + gumbels) / self.temperature
        return scores - scores.logsumexp(dim=-1, keepdim=True)

    def log_prob(self, value):
        K = self._categorical._num_events
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_scale = (ember.full_like(self.temperature, float(K)).lgamma()
                     - self.temperature.log().mul(-(K - 1)))
        score = logits - value.mul(self.temperature)
        score = (score - score.logsumexp(dim=-1, keepdim=True)).sum(-1)
        return score + log_scale


class RelaxedOneHotCategorical(_RelaxedFromBase):
    """A continuous relaxation of :class:`OneHotCategorical` on the simplex (Gumbel-softmax
    with ``temperature``); reparameterised.

    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> RelaxedOneHotCategorical(ember.tensor(1.0), ember.tensor([0.2, 0.8])).sample()
    tensor([0.0860, 0.9140])
    """
    arg_constraints = {'probs': constraints.simplex, 'logits': constraints.real_vector}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base_dist = ExpRelaxedCategorical(temperature, probs, logits,
                                          validate_args=validate_args)
        super().__init__(base_dist, ExpTransform(), validate_args=validate_args)
