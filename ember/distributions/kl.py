"""Kullback-Leibler divergence ``KL(p || q)`` between distributions, dispatched on the
pair of types (the most specific registered pair wins), as ``torch.distributions.kl``.

>>> import ember
>>> from ember.distributions import Bernoulli
>>> kl_divergence(Bernoulli(ember.tensor(0.5)), Bernoulli(ember.tensor(0.25)))
tensor(0.1438)
"""
import functools
import math
import warnings

import ember
from ember.nn.functional import softplus
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .normal import Normal
from .bernoulli import Bernoulli
from .categorical import Categorical
from .uniform import Uniform
from .one_hot_categorical import OneHotCategorical
from .independent import Independent
from .multivariate_normal import MultivariateNormal, _batch_mahalanobis
from .exponential import Exponential
from .laplace import Laplace
from .poisson import Poisson
from .geometric import Geometric
from .transformed_distribution import TransformedDistribution
from .gamma import Gamma
from .beta import Beta
from .dirichlet import Dirichlet
from .binomial import Binomial
from .utils import _sum_rightmost

__all__ = ['register_kl', 'kl_divergence']

_KL_REGISTRY = {}   # (type_p, type_q) -> function: the registered pairs
_KL_MEMOIZE = {}    # (type(p), type(q)) -> the function dispatch chose


def register_kl(type_p, type_q):
    """Decorator registering ``fun(p, q)`` as the KL divergence between instances of
    ``type_p`` and ``type_q`` (and of their subclasses, unless a more specific pair is
    registered).

    >>> from ember.distributions import Normal
    >>> class MyNormal(Normal):
    ...     pass
    >>> @register_kl(MyNormal, MyNormal)
    ... def _kl_mine(p, q):
    ...     return ember.zeros(())
    >>> kl_divergence(MyNormal(0.0, 1.0), MyNormal(1.0, 1.0))
    tensor(0.)
    """
    for t in (type_p, type_q):
        if not (isinstance(t, type) and issubclass(t, Distribution)):
            raise TypeError(f'Expected type_p and type_q to be Distribution subclasses but '
                            f'got {t}')

    def decorator(fun):
        _KL_REGISTRY[type_p, type_q] = fun
        _KL_MEMOIZE.clear()         # the lookup order may have changed
        return fun
    return decorator


@functools.total_ordering
class _Match:
    """Orders registered pairs: a pair is smaller when it is more specific."""
    __slots__ = ['types']

    def __init__(self, *types):
        self.types = types

    def __eq__(self, other):
        return self.types == other.types

    def __le__(self, other):
        for x, y in zip(self.types, other.types):
            if not issubclass(x, y):
                return False
            if x is not y:
                break
        return True


def _dispatch_kl(type_p, type_q):
    matches = [(sp, sq) for sp, sq in _KL_REGISTRY
               if issubclass(type_p, sp) and issubclass(type_q, sq)]
    if not matches:
        return NotImplemented
    left_p, left_q = min(_Match(*m) for m in matches).types
    right_q, right_p = min(_Match(*reversed(m)) for m in matches).types
    left_fun, right_fun = _KL_REGISTRY[left_p, left_q], _KL_REGISTRY[right_p, right_q]
    if left_fun is not right_fun:
        warnings.warn(f'Ambiguous kl_divergence({type_p.__name__}, {type_q.__name__}). '
                      f'Please register_kl({left_p.__name__}, {right_q.__name__})',
                      RuntimeWarning, stacklevel=2)
    return left_fun


def kl_divergence(p, q):
    """``KL(p || q)``, batched over the distributions' batch shape.

    >>> from ember.distributions import Normal
    >>> kl_divergence(Normal(ember.zeros(2), ember.ones(2)), Normal(ember.ones(2), ember.ones(2)))
    tensor([0.5000, 0.5000])
    """
    try:
        fun = _KL_MEMOIZE[type(p), type(q)]
    except KeyError:
        fun = _KL_MEMOIZE[type(p), type(q)] = _dispatch_kl(type(p), type(q))
    if fun is NotImplemented:
        raise NotImplementedError(f'No KL(p || q) is implemented for p type '
                                  f'{p.__class__.__name__} and q type {q.__class__.__name__}')
    return fun(p, q)


def _infinite_like(tensor):
    return ember.full_like(tensor, math.inf)


def _x_log_x(tensor):
    return ember.xlogy(tensor, tensor)      # 0 at x = 0


def _batch_trace_XXT(bmat):
    """The trace of ``bmat @ bmat.mT`` for a batch of matrices."""
    n, m = bmat.size(-1), bmat.size(-2)
    return bmat.reshape(-1, m * n).pow(2).sum(-1).reshape(bmat.shape[:-2])


def _trace_tril_solve(tril, X):
    """``trace(Y Y^T)`` for ``Y = tril^-1 X``, batches broadcast (``tril`` lower
    triangular): the trace term of the Gaussian KL divergences."""
    batch = ember.broadcast_shapes(tril.shape[:-2], X.shape[:-2])
    n = tril.size(-1)
    return _batch_trace_XXT(ember.linalg.solve_triangular(
        tril.expand(batch + (n, n)), X.expand(batch + X.shape[-2:]), upper=False))


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    t1 = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    t1[q.probs == 0] = math.inf
    t1[p.probs == 0] = 0
    t2 = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    t2[q.probs == 1] = math.inf
    t2[p.probs == 1] = 0
    return t1 + t2


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    t = p.probs * (p.logits - q.logits)
    t[(q.probs == 0).expand_as(t)] = math.inf
    t[(p.probs == 0).expand_as(t)] = 0
    return t.sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehotcategorical_onehotcategorical(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    result = ((q.high - q.low) / (p.high - p.low)).log()
    result[(q.low > p.low) | (q.high < p.high)] = math.inf
    return result


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    result = kl_divergence(p.base_dist, q.base_dist)
    return _sum_rightmost(result, p.reinterpreted_batch_ndims)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_multivariatenormal_multivariatenormal(p, q):
    if p.event_shape != q.event_shape:
        raise ValueError('KL-divergence between two Multivariate Normals with different event '
                         'shapes cannot be computed')
    p_tril, q_tril = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    half_term1 = q._half_log_det() - p._half_log_det()
    term2 = _trace_tril_solve(q_tril, p_tril)
    term3 = _batch_mahalanobis(q_tril, q.loc - p.loc)
    return half_term1 + 0.5 * (term2 + term3 - p.event_shape[0])


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    rate_ratio = q.rate / p.rate
    return -rate_ratio.log() + rate_ratio - 1


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p, q):
    scale_ratio = p.scale / q.scale
    loc_abs_diff = (p.loc - q.loc).abs()
    t1 = -scale_ratio.log()
    t2 = loc_abs_diff / q.scale
    t3 = scale_ratio * ember.exp(-loc_abs_diff / p.scale)
    return t1 + t2 + t3 - 1


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p, q):
    return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)


@register_kl(Geometric, Geometric)
def _kl_geometric_geometric(p, q):
    return -p.entropy() - ember.log1p(-q.probs) / p.probs - q.logits


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p, q):
    if p.transforms != q.transforms or p.event_shape != q.event_shape:
        raise NotImplementedError
    return kl_divergence(p.base_dist, q.base_dist)


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p, q):
    t1 = q.concentration * (p.rate / q.rate).log()
    t2 = ember.lgamma(q.concentration) - ember.lgamma(p.concentration)
    t3 = (p.concentration - q.concentration) * ember.digamma(p.concentration)
    t4 = (q.rate - p.rate) * (p.concentration / p.rate)
    return t1 + t2 + t3 + t4


@register_kl(Beta, Beta)
def _kl_beta_beta(p, q):
    sum_p = p.concentration1 + p.concentration0
    sum_q = q.concentration1 + q.concentration0
    t1 = q.concentration1.lgamma() + q.concentration0.lgamma() + sum_p.lgamma()
    t2 = p.concentration1.lgamma() + p.concentration0.lgamma() + sum_q.lgamma()
    t3 = (p.concentration1 - q.concentration1) * ember.digamma(p.concentration1)
    t4 = (p.concentration0 - q.concentration0) * ember.digamma(p.concentration0)
    t5 = (sum_q - sum_p) * ember.digamma(sum_p)
    return t1 - t2 + t3 + t4 + t5


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p, q):
    sum_p = p.concentration.sum(-1)
    sum_q = q.concentration.sum(-1)
    t1 = sum_p.lgamma() - sum_q.lgamma()
    t2 = (p.concentration.lgamma() - q.concentration.lgamma()).sum(-1)
    t3 = p.concentration - q.concentration
    t4 = p.concentration.digamma() - sum_p.digamma().unsqueeze(-1)
    return t1 - t2 + (t3 * t4).sum(-1)


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p, q):
    if (p.total_count < q.total_count).any():
        raise NotImplementedError('KL between Binomials where q.total_count > p.total_count '
                                  'is not implemented')
    kl = p.total_count * (p.probs * (p.logits - q.logits) + (-p.probs).log1p()
                          - (-q.probs).log1p())
    kl[p.total_count > q.total_count] = math.inf
    return kl



@register_kl(ExponentialFamily, ExponentialFamily)
def _kl_expfamily_expfamily(p, q):
    """The Bregman divergence of the log normaliser between ``q``'s and ``p``'s natural
    parameters (members of one family only)."""
    if type(p) is not type(q):
        raise NotImplementedError('The cross KL-divergence between different exponential '
                                  'families cannot be computed using Bregman divergences')
    p_natural, p_log_norm, p_mean_stats = p._log_normalizer_and_mean_stats()
    q_natural = q._natural_params
    result = q._log_normalizer(*q_natural) - p_log_norm
    for p_theta, q_theta, stat in zip(p_natural, q_natural, p_mean_stats):
        result = result - _sum_rightmost((q_theta - p_theta) * stat, len(q.event_shape))
    return result


from . import _kl_cross  # noqa: E402,F401  (registers the cross-family pairs)
from . import _kl_lowrank  # noqa: E402,F401  (the low-rank multivariate normal pairs)
