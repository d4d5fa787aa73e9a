"""``ExponentialFamily``: the base of distributions in the exponential family."""
import ember
from .distribution import Distribution

__all__ = ['ExponentialFamily']


class ExponentialFamily(Distribution):
    """Distributions of the form ``p(x) = h(x) exp(<t(x), theta> - F(theta))``: subclasses
    give the natural parameters ``theta`` (``_natural_params``), the log normaliser ``F``
    (``_log_normalizer``) and ``E[log h(x)]`` (``_mean_carrier_measure``). From these,
    :meth:`entropy` and the KL divergence between two members of one family follow as
    Bregman divergences of ``F``, its gradient taken by autograd.

    >>> import ember
    >>> from ember.distributions import Normal
    >>> issubclass(Normal, ExponentialFamily)
    True
    >>> ExponentialFamily.entropy(Normal(0.0, 1.0))
    tensor(1.4189, grad_fn=<SubBackward0>)
    """

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def _log_normalizer_and_mean_stats(self):
        """Detached natural parameters (leaves), ``F`` at them, and ``grad F`` there (the
        mean of the sufficient statistics), kept differentiable."""
        natural = [theta.detach().requires_grad_() for theta in self._natural_params]
        with ember.enable_grad():
            log_norm = self._log_normalizer(*natural)
            mean_stats = ember.autograd.grad(log_norm.sum(), natural, create_graph=True)
        return natural, log_norm, mean_stats

    def entropy(self):
        """``F(theta) - <theta, grad F(theta)> - E[log h(x)]``."""
        natural, log_norm, mean_stats = self._log_normalizer_and_mean_stats()
        result = log_norm - self._mean_carrier_measure
        for theta, stat in zip(natural, mean_stats):
            result = result - (theta * stat).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
