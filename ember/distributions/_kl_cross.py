"""KL divergences between distributions of different families, and between the newer
families, registered with :func:`register_kl` (the pairs ``torch.distributions.kl``
registers).

Across families ``KL(p || q) = H(p, q) - H(p)``: the cross entropy ``H(p, q) =
-E_p[log q(x)]`` is written once per ``q`` family in terms of a few expectations under
``p`` (its mean, second moment, ``E[log x]``, ``E[exp(t x)]``), each given once per ``p``
family. Where ``q``'s support does not cover ``p``'s the divergence is infinite.

>>> import ember
>>> from ember.distributions import Exponential, Normal, kl_divergence
>>> kl_divergence(Exponential(ember.tensor(1.0)), Normal(0.0, 1.0))
tensor(0.9189)
"""
import math

import ember
from .beta import Beta
from .bernoulli import Bernoulli
from .binomial import Binomial
from .cauchy import Cauchy
from .continuous_bernoulli import ContinuousBernoulli
from .exponential import Exponential
from .gamma import Gamma
from .gumbel import Gumbel
from .half_normal import HalfNormal
from .kl import register_kl, _kl_normal_normal, _x_log_x
from .laplace import Laplace
from .normal import Normal
from .pareto import Pareto
from .poisson import Poisson
from .uniform import Uniform
from .utils import euler_constant

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _where_inf(mask, result):
    return ember.where(mask, ember.full_like(result, math.inf), result)


# ---- expectations under p ------------------------------------------------------------
def _second_moment(p):
    return p.variance + p.mean.pow(2)


def _uniform_mean_log(low, high):
    width = high - low
    return (_x_log_x(high) - _x_log_x(low)) / width - 1


def _mean_log(p):
    """``E_p[log x]``."""
    if isinstance(p, Beta):
        return p.concentration1.digamma() - (p.concentration1 + p.concentration0).digamma()
    if isinstance(p, Gamma):
        return p.concentration.digamma() - p.rate.log()
    if isinstance(p, Exponential):
        return -euler_constant - p.rate.log()
    if isinstance(p, Pareto):
        return p.scale.log() + p.alpha.reciprocal()
    return _uniform_mean_log(p.low, p.high)


def _mgf(p, t):
    """``E_p[exp(t x)]`` (for ``t < 0`` here)."""
    if isinstance(p, Exponential):
        return p.rate / (p.rate - t)
    if isinstance(p, Gamma):
        return (1 - t / p.rate).pow(-p.concentration)
    if isinstance(p, Normal):
        return ember.exp(t * p.loc + 0.5 * (t * p.scale).pow(2))
    return (ember.exp(t * p.high) - ember.exp(t * p.low)) / (t * (p.high - p.low))


# ---- cross entropies H(p, q), one per q family ----------------------------------------
def _ce_normal(p, q):
    centred = _second_moment(p) - 2 * q.loc * p.mean + q.loc.pow(2)
    return _HALF_LOG_2PI + q.scale.log() + centred / (2 * q.scale.pow(2))


def _ce_exponential(p, q):
    return q.rate * p.mean - q.rate.log()


def _ce_gamma(p, q):
    k = q.concentration
    return k.lgamma() - k * q.rate.log() - (k - 1) * _mean_log(p) + q.rate * p.mean


def _ce_gumbel(p, q):
    z = q.loc / q.scale
    return (q.scale.log() + p.mean / q.scale - z
            + ember.exp(z) * _mgf(p, -q.scale.reciprocal()))


def _ce_pareto(p, q):
    return (q.alpha + 1) * _mean_log(p) - q.alpha.log() - q.alpha * q.scale.log()


def _ce_beta(p, q):
    a, b = q.concentration1, q.concentration0
    log_beta_fn = a.lgamma() + b.lgamma() - (a + b).lgamma()
    mean_log1m = _uniform_mean_log(1 - p.high, 1 - p.low)       # p is Uniform here
    return log_beta_fn - (a - 1) * _mean_log(p) - (b - 1) * mean_log1m


def _ce_continuous_bernoulli(p, q):
    return -(p.mean * q.logits + (-q.probs).log1p() + q._cont_bern_log_norm())


def _ce_uniform(p, q):
    return (q.high - q.low).log()


def _ce_laplace(p, q):
    """For a normal ``p``: ``E|x - loc|`` of a normal in closed form."""
    d = p.loc - q.loc
    mean_abs = (p.scale * math.sqrt(2 / math.pi) * ember.exp(-0.5 * (d / p.scale).pow(2))
                + d * ember.erf(d / (p.scale * math.sqrt(2))))
    return (2 * q.scale).log() + mean_abs / q.scale


def _ce_poisson(p, q):
    """For a Bernoulli ``p`` (``E[log x!]`` is 0 on {0, 1})."""
    return q.rate - p.mean * q.rate.log()


def _register_cross(p_type, q_type, cross_entropy, infinite_where=None):
    def kl(p, q):
        result = cross_entropy(p, q) - p.entropy()
        return result if infinite_where is None else _where_inf(infinite_where(p, q), result)
    kl.__name__ = f'_kl_{p_type.__name__.lower()}_{q_type.__name__.lower()}'
    register_kl(p_type, q_type)(kl)


for _p in (Beta, ContinuousBernoulli, Exponential, Gamma, Gumbel, Laplace, Uniform):
    _register_cross(_p, Normal, _ce_normal)
for _p in (Beta, ContinuousBernoulli, Gamma):
    _register_cross(_p, Exponential, _ce_exponential)
for _p in (Beta, Exponential):
    _register_cross(_p, Gamma, _ce_gamma)
for _p in (Exponential, Gamma, Normal, Uniform):
    _register_cross(_p, Gumbel, _ce_gumbel)
_register_cross(Beta, ContinuousBernoulli, _ce_continuous_bernoulli)
_register_cross(Normal, Laplace, _ce_laplace)
_register_cross(Bernoulli, Poisson, _ce_poisson)
_register_cross(Pareto, Normal, _ce_normal, lambda p, q: p.alpha <= 2)
_register_cross(Pareto, Exponential, _ce_exponential, lambda p, q: p.alpha <= 1)
_register_cross(Pareto, Gamma, _ce_gamma, lambda p, q: p.alpha <= 1)
_register_cross(Uniform, Exponential, _ce_exponential, lambda p, q: p.low < 0)
_register_cross(Uniform, Gamma, _ce_gamma, lambda p, q: p.low < 0)
_register_cross(Uniform, Pareto, _ce_pareto, lambda p, q: p.low < q.scale)
_register_cross(Uniform, Beta, _ce_beta, lambda p, q: (p.high > 1) | (p.low < 0))
# torch counts touching the boundary of the continuous Bernoulli's support as outside it
_register_cross(Uniform, ContinuousBernoulli, _ce_continuous_bernoulli,
                lambda p, q: (p.high >= 1) | (p.low <= 0))
_register_cross(Beta, Uniform, _ce_uniform, lambda p, q: (q.low > 0) | (q.high < 1))
_register_cross(ContinuousBernoulli, Uniform, _ce_uniform,
                lambda p, q: (q.low >= 0) | (q.high <= 1))


# ---- q's support misses part of p's: infinite, shaped like p's parameter ---------------
_INFINITE = {
    Normal: ('loc', (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform)),
    Gumbel: ('loc', (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform)),
    Laplace: ('loc', (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform)),
    Exponential: ('rate', (Beta, ContinuousBernoulli, Pareto, Uniform)),
    Gamma: ('concentration', (Beta, ContinuousBernoulli, Pareto, Uniform)),
    Pareto: ('scale', (Beta, ContinuousBernoulli, Uniform)),
    Poisson: ('rate', (Bernoulli, Binomial)),
    Beta: ('concentration0', (Pareto,)),
    ContinuousBernoulli: ('probs', (Pareto,)),
}


def _infinite_kl(param):
    def kl(p, q):
        return ember.full_like(getattr(p, param), math.inf)
    return kl


for _p, (_param, _qs) in _INFINITE.items():
    for _q in _qs:
        register_kl(_p, _q)(_infinite_kl(_param))


# ---- the newer families among themselves ----------------------------------------------
@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_continuous_bernoulli_continuous_bernoulli(p, q):
    return _ce_continuous_bernoulli(p, q) - p.entropy()


@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(p, q):
    # E_p[exp(-(x - q.loc) / q.scale)] = exp((q.loc - p.loc) / q.scale) * Gamma(1 + r)
    r = p.scale / q.scale
    shift = (q.loc - p.loc) / q.scale
    return (-r.log() - shift + r * euler_constant
            + ember.exp(shift + (1 + r).lgamma()) - (1 + euler_constant))


@register_kl(HalfNormal, HalfNormal)
def _kl_halfnormal_halfnormal(p, q):
    return _kl_normal_normal(p.base_dist, q.base_dist)


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p, q):
    result = _ce_pareto(p, q) - p.entropy()
    return _where_inf(p.scale < q.scale, result)


@register_kl(Cauchy, Cauchy)
def _kl_cauchy_cauchy(p, q):
    spread = (p.scale + q.scale).pow(2) + (p.loc - q.loc).pow(2)
    return (spread / (4 * p.scale * q.scale)).log()
