"""Gamma, Dirichlet and binomial samples: ``ember._standard_gamma``,
``ember._sample_dirichlet`` and ``ember.binomial``, drawn as PyTorch's CPU kernels draw
them (one element at a time in C order, double-precision uniforms of one random64 each and
the generator's cached Box-Muller normal), so the values follow ``manual_seed``.

``_standard_gamma`` is differentiable: the reparameterised gradient d sample / d alpha is
``_standard_gamma_grad``, ATen's fitted approximation (Taylor series, Rice saddle point,
rational fit) evaluated the same way. ``_dirichlet_grad`` is its Beta/Dirichlet
counterpart, used by ``Dirichlet.rsample``; ``_sample_dirichlet`` itself, as in PyTorch,
has no derivative. Both gradients agree with PyTorch to rounding; in float32 the kernel's
float logf/powf (glibc) differ from ours by an ulp now and then, which can reach ~1e-4
relative where the formula cancels (x within a few ulps of 1, nearly equal concentrations).

>>> _ = ember.manual_seed(0); ember._standard_gamma(ember.tensor([0.5, 2.0, 9.0]))
tensor([7.8936e-04, 6.3154e-01, 9.1474e+00])
"""
import math

from ._base import Tensor, wrap, record, np
from ._random import _not_implemented, _gen, _host, _like_device, _zeros_backward
from .._distributions.normal import _normal_scalar
from .._distributions._common import _MASK53
from .._dtype import FLOATING

__all__ = ['_standard_gamma', '_standard_gamma_grad', '_sample_dirichlet', '_dirichlet_grad',
           'binomial']

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


def _standard_gamma_backward(node, grad):
    alpha, sample = node.saved()
    return (grad * _standard_gamma_grad(alpha, sample),)


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
    raise RuntimeError('derivative for aten::_sample_dirichlet is not implemented; '
                       'Dirichlet.rsample (and Beta.rsample) differentiate the sample')


# ------------------------------------------------------------ reparameterised gradients
# ATen's fitted approximations of d sample / d concentration (Distributions.h), evaluated
# per branch on the elements that take it. ``f`` is the tensor's scalar type: the kernels
# compute some branches in it and the rest in double.

def _f32(v):
    """A float literal written ``v f`` in the kernels (float32, used in double arithmetic)."""
    return float(np.float32(v))


def _by_branch(shape, dtype, branches):
    """Fill an array of ``shape`` from ``(mask, thunk)`` pairs, first matching mask wins;
    ``thunk(index)`` computes the values at the masked positions."""
    out = np.zeros(shape, dtype)
    free = np.ones(shape, bool)
    with np.errstate(all='ignore'):
        for mask, thunk in branches:
            take = np.nonzero(free & mask)
            if take[0].size:
                out[take] = thunk(take)
            free &= ~mask
    return out


def _log(x):
    """logf / log: taken in double and rounded, as glibc's correctly rounded logf does
    (NumPy's own float32 log can be an ulp or more off)."""
    return np.log(x.astype(np.float64)).astype(x.dtype)


def _pow(x, y):
    """powf / pow, taken in double and rounded like ``_log``."""
    return (x.astype(np.float64) ** y.astype(np.float64)).astype(x.dtype)


def _nan_to_zero(v):
    return np.where(np.isnan(v), 0, v)


_GAMMA_UV = np.array([
    [0.16009398, -0.094634809, 0.025146376, -0.0030648343,
     1, 0.32668115, 0.10406089, 0.0014179084],
    [0.53487893, 0.1298071, 0.065735949, -0.0015649758,
     0.16639465, 0.020070113, -0.0035938915, -0.00058392623],
    [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777,
     0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07]])


def _gamma_grad_small_x(a, x):
    """Taylor series of the incomplete gamma function in x (x < 0.8)."""
    numer, denom = np.ones_like(x), a
    s1, s2 = numer / denom, numer / (denom * denom)
    for i in range(1, 6):
        numer = numer * (-x / i)
        denom = denom + 1
        s1, s2 = s1 + numer / denom, s2 + numer / (denom * denom)
    pow_x_a = x ** a
    pdf = x ** (a - 1) * np.exp(-x)
    cdf_a = (np.log(x) - _digamma_one(a, np.float64)) * (pow_x_a * s1) - pow_x_a * s2
    return _nan_to_zero(-cdf_a / pdf)


def _gamma_grad_near_mean(a, x):
    """Rice's saddle-point expansion at x within 10% of a large alpha."""
    numer = (1 + 24 * a * (1 + 12 * a)) * (1440 * (a * a) + 6 * x * (53 - 120 * x)
                                          - 65 * x * x / a + a * (107 + 3600 * x))
    return numer / (1244160 * (a * a) * (a * a))


def _gamma_grad_large_alpha(a, x):
    """Rice's saddle-point expansion for alpha > 8 away from the mean."""
    denom = np.sqrt(8 * a)
    term2 = denom / (a - x)
    term3 = (x - a - a * np.log(x / a)) ** -1.5
    term23 = np.where(x < a, term2 - term3, term2 + term3)
    term1 = np.log(x / a) * term23 - np.sqrt(2 / a) * (a + x) / ((a - x) * (a - x))
    stirling = 1 + 1 / (12 * a) * (1 + 1 / (24 * a))
    return -stirling * (x * term1) / denom


def _gamma_grad_rational(a, x):
    """A bivariate rational fit in (log(x / alpha), log(alpha))."""
    u, v = np.log(x / a), np.log(a)
    c = _GAMMA_UV[0][:, None] + u * (_GAMMA_UV[1][:, None] + u * _GAMMA_UV[2][:, None])
    p = c[0] + v * (c[1] + v * (c[2] + v * c[3]))
    q = c[4] + v * (c[5] + v * (c[6] + v * c[7]))
    return np.exp(p / q)


def _gamma_grad(alpha, x):
    """ATen's standard_gamma_grad_one, in double: d x / d alpha for x ~ Gamma(alpha, 1)."""
    a, x = (np.asarray(v, np.float64) for v in np.broadcast_arrays(alpha, x))
    large = a > 8.0
    near = large & (_f32(0.9) * a <= x) & (x <= _f32(1.1) * a)
    branches = [(x < _f32(0.8), _gamma_grad_small_x), (near, _gamma_grad_near_mean),
                (large, _gamma_grad_large_alpha), (np.True_, _gamma_grad_rational)]
    return _by_branch(a.shape, np.float64, [
        (mask, lambda i, fn=fn: fn(a[i], x[i])) for mask, fn in branches])


_PSI_10 = 2.25175258906672110764
_DIGAMMA_ASYM = (8.33333333333333333333E-2, -2.10927960927960927961E-2,
                 7.57575757575757575758E-3, -4.16666666666666666667E-3,
                 3.96825396825396825397E-3, -8.33333333333333333333E-3,
                 8.33333333333333333333E-2)


def _digamma_one(v, f):
    """ATen's digamma_one<f, double> for v > 0: the argument and its steps up to 10 stay in
    the scalar type ``f`` (as do log and 1/x), the sums are double, the result is ``f``."""
    x = np.array(v, f)
    result = np.zeros(x.shape)
    while True:
        low = x < 10
        if not low.any():
            break
        result -= np.where(low, 1 / x, 0).astype(np.float64)
        x = np.where(low, x + 1, x)
    z = 1.0 / (x * x).astype(np.float64)
    y = np.zeros(x.shape)
    for coef in _DIGAMMA_ASYM:
        y = y * z + coef
    y = np.where(x < _f32(1e17), z * y, 0.0)
    asym = result + _log(x).astype(np.float64) - (f(0.5) / x).astype(np.float64) - y
    out = np.where(x == 10, result + _PSI_10, asym)
    return np.where(np.asarray(v) == 0, np.inf, out).astype(f)


def _beta_grad_alpha_small(x, a, b, f):
    """Taylor series for a Beta(a, b) sample x near 0, in the scalar type ``f``."""
    factor = _digamma_one(a, f) - _digamma_one(a + b, f) - _log(x)
    numer = np.ones_like(x)
    series = numer / a * (factor + 1 / a)
    for i in range(1, 11):
        i = f(i)
        numer = numer * ((i - b) * x / i)
        denom = a + i
        series = series + numer / denom * (factor + 1 / denom)
    return _nan_to_zero(x * _pow(1 - x, -b) * series)


def _beta_grad_beta_small(x, a, b, f):
    """d x / d b, Taylor series for a Beta(a, b) sample x near 0, in ``f``."""
    factor = _digamma_one(a + b, f) - _digamma_one(b, f)
    numer, betas, dbetas, series = np.ones_like(x), np.ones_like(x), np.zeros_like(x), factor / a
    for i in range(1, 9):
        i = f(i)
        numer = numer * (-x / i)
        dbetas = dbetas * (b - i) + betas
        betas = betas * (b - i)
        series = series + numer / (a + i) * (dbetas + factor * betas)
    return _nan_to_zero(-_pow(1 - x, 1 - b) * series)


def _beta_grad_alpha_mid(x, a, b):
    """Rice's saddle-point expansion for large a and b, in double."""
    total = a + b
    mean = a / total
    std = np.sqrt(a * b / (total + 1)) / total
    near = (mean - 0.1 * std <= x) & (x <= mean + 0.1 * std)
    return np.where(near, _beta_grad_mid_near_mean(x, a, b, total),
                    _beta_grad_mid_tails(x, a, b, total, mean))


def _beta_grad_mid_near_mean(x, a, b, total):
    bb = b * b
    poly = 47 * x * bb * bb + a * (
        (43 + 20 * (16 + 27 * b) * x) * bb * b + a * (
            3 * (59 + 180 * b - 90 * x) * bb + a * (
                (453 + 1620 * b * (1 - x) - 455 * x) * b + a * (8 * (1 - x) * (135 * b - 11)))))
    pre_num = (1 + 12 * a) * (1 + 12 * b) / (total * total)
    pre_den = 12960 * a * a * a * b * b * (1 + 12 * total)
    return pre_num / (1 - x) * poly / pre_den


def _beta_grad_mid_tails(x, a, b, total, mean):
    def stirling(t):
        return 1 + 1 / (12 * t) + 1 / (288 * t * t)
    prefactor = -x / np.sqrt(2 * a * b / total)
    axbx = a * (x - 1) + b * x
    term1 = ((2 * (a * a) * (x - 1) + a * b * (x - 1) - x * (b * b))
             / (np.sqrt(2 * a / b) * total ** 1.5 * axbx * axbx))
    term2 = 0.5 * np.log(a / (total * x))
    term3 = np.sqrt(8 * a * b / total) / (b * x + a * (x - 1))
    term4 = (b * np.log(b / (total * (1 - x))) + a * np.log(a / (total * x))) ** -1.5
    term1234 = term1 + term2 * (term3 + np.where(x < mean, term4, -term4))
    return stirling(a) * stirling(b) / stirling(total) * prefactor * term1234


_DIRICHLET_C = np.array([
    [[[1.003668233, -0.01061107488, -0.0657888334, 0.01201642863],
      [0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033],
      [-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013]],
     [[0.221950385, -0.3187676331, 0.01799915743, 0.01074823814],
      [-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057],
      [0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05]],
     [[-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565],
      [0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181],
      [0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05]]],
    [[[1, -0.02924021934, -0.04438342661, 0.007285809825],
      [0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521],
      [-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149]],
     [[0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273],
      [0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956],
      [-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05]],
     [[0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05],
      [0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05],
      [-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06]]]])


def _beta_grad_rational(x, a, total, f):
    """A rational correction (in log x, log(a / x), log(total) - that) to the analytic
    approximation x (digamma(total) - digamma(a)) / (total - a), in double."""
    u = np.log(x)
    la = np.log(a) - u
    lb = np.log(total) - la
    c = _DIRICHLET_C
    poly = c[..., 0, None] + lb * (c[..., 1, None] + lb * (c[..., 2, None]
                                                            + lb * c[..., 3, None]))
    weights = np.stack([np.ones_like(u), u, u * u])[:, None] * np.stack(
        [np.ones_like(la), la, la * la])[None]                  # (i, j, n): u^i a^j
    p, q = (poly * weights).sum((1, 2))
    dg = (_digamma_one(total, f) - _digamma_one(a, f)).astype(np.float64)
    return p / q * (x * dg / (total - a))


def _dirichlet_grad_values(x, alpha, total):
    """ATen's dirichlet_grad_one: -(d/d alpha) cdf / pdf / (1 - x) of x ~ Beta(alpha,
    total - alpha), so that the Dirichlet gradient is built from Betas."""
    f = x.dtype.type
    x, alpha, total = np.broadcast_arrays(x, alpha.astype(f), total.astype(f))
    beta = total - alpha
    boundary = total * x * (1 - x)
    x64, a64, t64 = (v.astype(np.float64) for v in (x, alpha, total))
    b64 = t64 - a64
    return _by_branch(x.shape, x.dtype, [
        ((x <= 0.5) & (boundary < 2.5),
         lambda i: _beta_grad_alpha_small(x[i], alpha[i], beta[i], f)),
        ((x >= 0.5) & (boundary < 0.75),
         lambda i: -_beta_grad_beta_small(1 - x[i], beta[i], alpha[i], f)),
        ((alpha > 6) & (beta > 6), lambda i: _beta_grad_alpha_mid(x64[i], a64[i], b64[i])),
        (np.True_, lambda i: _beta_grad_rational(x64[i], a64[i], t64[i], f))])


def _standard_gamma_grad(input, output):
    """d ``output`` / d ``input`` for ``output = _standard_gamma(input)`` (the
    reparameterised gradient), by PyTorch's fitted approximation.

    >>> ember._standard_gamma_grad(ember.tensor([0.5, 2.0, 20.0]), ember.tensor([0.3, 1.5, 21.0]))
    tensor([1.0098, 0.9366, 1.0332])
    """
    a = _host(input._data)
    g = _gamma_grad(a, _host(output._data)).astype(a.dtype)
    return wrap(_like_device(g, input._data))


def _dirichlet_grad(x, alpha, total):
    """The reparameterised gradient factor of a Dirichlet sample ``x`` (as PyTorch's
    ``Dirichlet`` backward uses it): per element, the gradient of a Beta(``alpha``,
    ``total - alpha``) sample ``x`` in ``alpha``, divided by ``1 - x``.

    >>> x = ember.tensor([0.2, 0.7])
    >>> ember._dirichlet_grad(x, ember.tensor([1.0, 3.0]), ember.tensor([4.0, 4.0]))
    tensor([0.2822, 0.2774])
    """
    xs = _host(x._data)
    if xs.dtype not in FLOATING:
        raise _not_implemented('_dirichlet_grad_cpu', xs.dtype)
    g = _dirichlet_grad_values(xs, _host(alpha._data), _host(total._data))
    return wrap(_like_device(g, x._data))


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
