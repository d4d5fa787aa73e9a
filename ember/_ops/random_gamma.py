"""Gamma, Dirichlet and binomial samples: ``ember._standard_gamma``,
``ember._sample_dirichlet`` and ``ember.binomial``, drawn as PyTorch's CPU kernels draw
them (one element at a time in C order, double-precision uniforms of one random64 each and
the generator's cached Box-Muller normal), so the values follow ``manual_seed``.

``_standard_gamma`` is differentiable (the reparameterised gradient d sample / d alpha,
computed from the regularised incomplete gamma function; PyTorch uses a fitted
approximation of the same quantity, so gradients agree to about 1e-3 relative).

>>> _ = ember.manual_seed(0); ember._standard_gamma(ember.tensor([0.5, 2.0, 9.0]))
tensor([7.8936e-04, 6.3154e-01, 9.1474e+00])
"""
import math

from ._base import Tensor, wrap, record, np
from ._random import _not_implemented, _gen, _host, _like_device, _zeros_backward
from ._special import lgamma as _lgamma, digamma as _digamma
from .._distributions.normal import _normal_scalar
from .._distributions._common import _MASK53
from .._dtype import FLOATING

__all__ = ['_standard_gamma', '_sample_dirichlet', 'binomial']

_F32 = np.dtype(np.float32)


def _uniform(gen):
    """at::uniform_real_distribution<double>(0, 1): one random64."""
    return float(int(gen._next_u64(1)[0]) & int(_MASK53)) * 2.0 ** -53


def _normal(gen):
    """at::normal_distribution<double>(0, 1), sharing the generator's cached sample."""
    return float(_normal_scalar(gen, 1, 0.0, 1.0)[0])


# The kernel's float literals 1.0f / 3.0f and 0.0331f, also in its double version.
_THIRD_F = np.float32(1.0) / np.float32(3.0)
_SQUEEZE_F = float(np.float32(0.0331))


def _gamma_one(gen, alpha, single):
    """ATen's sample_gamma (Marsaglia and Tsang, boosted below alpha = 1) in double, with
    float32 rounding where the float kernel computes in ``scalar_t``."""
    f = np.float32 if single else float
    alpha = f(alpha)
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0:
            return 0.0
        scale *= math.pow(1.0 - _uniform(gen), float(f(1.0) / alpha))
        alpha = f(alpha + f(1.0))
    d = float(alpha - _THIRD_F) if single else alpha - float(_THIRD_F)
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = _normal(gen)
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1.0 - _uniform(gen)
        xx = x * x
        if u < 1.0 - _SQUEEZE_F * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def _tiny(dtype):
    return float(np.finfo(dtype).tiny)


def _standard_gamma_kernel(gen, alpha):
    out = np.empty(alpha.size, dtype=alpha.dtype)
    single = alpha.dtype == _F32
    tiny = _tiny(alpha.dtype)
    for i, a in enumerate(alpha.ravel().tolist()):
        out[i] = max(tiny, float(alpha.dtype.type(_gamma_one(gen, a, single))))
    return out.reshape(alpha.shape)


def _gamma_grad_alpha(alpha, x):
    """d x / d alpha for x ~ Gamma(alpha, 1) held at its CDF value: -(dP/dalpha) / pdf, with
    P(alpha, x) = sum_n x^(alpha+n) e^-x / Gamma(alpha+n+1) summed in float64."""
    a = alpha.astype(np.float64).ravel()
    x = np.maximum(x.astype(np.float64).ravel(), 1e-300)
    n_terms = int(np.max(x, initial=0.0) + 12 * math.sqrt(np.max(x, initial=0.0)) + 40)
    n = np.arange(n_terms, dtype=np.float64)[:, None]
    logx = np.log(x)
    log_terms = (a + n) * logx - x - _lgamma(a + n + 1)
    terms = np.exp(log_terms)
    dP = (terms * (logx - _digamma(a + n + 1))).sum(0)
    log_pdf = (a - 1) * logx - x - _lgamma(a)
    with np.errstate(over='ignore', invalid='ignore'):
        res = -dP / np.exp(log_pdf)
    return np.nan_to_num(res, nan=0.0).reshape(alpha.shape)


def _standard_gamma_backward(node, grad):
    alpha, sample = node.saved()
    g = _gamma_grad_alpha(_host(alpha._data), _host(sample._data))
    return (grad * wrap(_like_device(g.astype(alpha._data.dtype), alpha._data)),)


def _standard_gamma(input, generator=None):
    """Samples from Gamma(``input``, 1), one per element (float dtypes).

    >>> _ = ember.manual_seed(0); ember._standard_gamma(ember.tensor([1.0, 1.0]))
    tensor([2.8824, 0.4546])
    """
    alpha = _host(input._data)
    if alpha.dtype not in FLOATING:
        raise _not_implemented('gamma_cpu', alpha.dtype)
    res = wrap(_like_device(_standard_gamma_kernel(_gen(generator), alpha), input._data))
    return record(res, 'StandardGammaBackward0', _standard_gamma_backward, (input,),
                  saved=(input,), save_output=True)


def _sample_dirichlet(input, generator=None):
    """Samples from Dirichlet(``input``) over the last dimension: gammas drawn in double,
    normalised, clamped into (tiny, 1).

    >>> _ = ember.manual_seed(0); ember._sample_dirichlet(ember.tensor([1.0, 1.0]))
    tensor([0.8638, 0.1362])
    """
    alpha = _host(input._data)
    if alpha.dtype not in FLOATING:
        raise _not_implemented('dirichlet', alpha.dtype)
    gen = _gen(generator)
    gammas = np.array([max(_tiny(np.float64), _gamma_one(gen, a, False))
                       for a in alpha.astype(np.float64).ravel().tolist()],
                      dtype=np.float64).reshape(alpha.shape)
    ratio = gammas / gammas.sum(-1, keepdims=True)
    top = np.nextafter(alpha.dtype.type(1.0), alpha.dtype.type(0.0))
    vals = np.minimum(top, np.maximum(_tiny(alpha.dtype), ratio.astype(alpha.dtype)))
    res = wrap(_like_device(vals, input._data))
    return record(res, 'SampleDirichletBackward0', _dirichlet_backward, (input,))


def _dirichlet_backward(node, grad):
    raise NotImplementedError('the reparameterised gradient of _sample_dirichlet '
                              '(Dirichlet/Beta rsample) is not implemented in ember yet; '
                              'use sample() and a score-function estimator, or Gamma.rsample')


_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                  0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                  0.0118967099458917, 0.0104112652619720, 0.009255462182712733,
                  0.008330563433362871)


def _stirling_tail(k):
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _binomial_inversion(gen, count, prob, f):
    geom_sum, num_geom = 0.0, 0
    logprob = float(f(math.log1p(-prob)))       # log1pf for float32
    while True:
        geom_sum += math.ceil(math.log(_uniform(gen)) / logprob)
        if geom_sum > count:
            return num_geom
        num_geom += 1


def _btrs(gen, count, prob, f):
    """Hormann's transformed rejection with squeeze (BTRS), as ATen writes it; ``f`` rounds
    what the kernel computes in ``scalar_t``."""
    count, prob = f(count), f(prob)
    stddev = float(f(math.sqrt(f(f(count * prob) * f(1 - prob)))))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * float(prob)
    c = float(f(count * prob)) + 0.5
    v_r = 0.92 - 4.2 / b
    r = float(f(prob / f(1 - prob)))
    alpha = (2.83 + 5.1 / b) * stddev
    m = float(math.floor(f(f(count + 1) * prob)))
    count = float(count)
    while True:
        u = _uniform(gen) - 0.5
        v = _uniform(gen)
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + c)
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = math.log(v * alpha / (a / (us * us) + b))
        upper = ((m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
                 + (count + 1) * math.log((count - m + 1) / (count - k + 1))
                 + (k + 0.5) * math.log(r * (count - k + 1) / (k + 1))
                 + _stirling_tail(m) + _stirling_tail(count - m)
                 - _stirling_tail(k) - _stirling_tail(count - k))
        if v <= upper:
            return k


def _binomial_one(gen, count, prob, f):
    if count <= 0.0 or prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return count
    if prob <= 0.5:
        if f(count * prob) >= 10.0:
            return _btrs(gen, count, prob, f)
        return _binomial_inversion(gen, count, prob, f)
    if prob > 0.5:
        q = float(f(1.0 - prob))
        if f(count * q) >= 10.0:
            return count - _btrs(gen, count, q, f)
        return count - _binomial_inversion(gen, count, q, f)
    return math.nan


def binomial(count, prob, generator=None):
    """Binomial samples: successes in ``count`` trials of probability ``prob`` (same-shaped
    float tensors).

    >>> _ = ember.manual_seed(0)
    >>> ember.binomial(ember.tensor([10.0, 100.0]), ember.tensor([0.5, 0.2]))
    tensor([ 7., 21.])
    """
    c, p = _host(count._data), _host(prob._data)
    if c.dtype not in FLOATING:
        raise _not_implemented('binomial_cpu', c.dtype)
    if c.shape != p.shape:
        raise RuntimeError(f'binomial: count and prob must have the same shape, got '
                           f'{tuple(c.shape)} and {tuple(p.shape)} (expand them first)')
    gen = _gen(generator)
    p = p.astype(c.dtype)
    f = np.float32 if c.dtype == _F32 else float
    vals = [_binomial_one(gen, n, q, f) for n, q in zip(c.ravel().tolist(), p.ravel().tolist())]
    res = wrap(_like_device(np.array(vals, dtype=c.dtype).reshape(c.shape), count._data))
    return record(res, 'BinomialBackward0', _zeros_backward, (count, prob))
