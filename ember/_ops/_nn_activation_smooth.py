"""Smooth and hard-sigmoid activations, shrinkage and gating: gelu, silu, mish, logsigmoid,
softplus, softsign, hardsigmoid, hardswish, hardshrink, softshrink, tanhshrink, glu.

>>> import ember.nn.functional as F
>>> F.silu(ember.tensor([0., 1.]))
tensor([0.0000, 0.7311])
"""
import math

from ._base import Tensor, wrap, record, STATE, norm_dim, np
from ._elementwise import not_a_tensor
from ._nn_activation_common import (float_data, compute, tr, mask_grad, where_mask,
                                    inplace_of, blend, masked)
from ._special import erf as _erf
from .pointwise import opmath, opmath_compute
from .joining import cat

_SQRT1_2 = math.sqrt(0.5)
_BETA = math.sqrt(2.0 / math.pi)          # sqrt(2) * 2/sqrt(pi) * 0.5
_KAPPA = 0.044715
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SIXTH_F = float(np.float32(1.0) / np.float32(6.0))


def _unary(input, kernel, op, forward, grad_name, backward, *args):
    """The common shape of these ops: a float-only forward and a backward on the input;
    float16/bfloat16 in float32, rounded once (``backward`` is an :func:`opmath` formula
    ``(grad, x, *args)``)."""
    x = float_data(input, kernel, op)
    res = wrap(opmath_compute(forward, x, *args))
    if not (input._rg and STATE.enabled):
        return res
    return record(res, grad_name, _unary_backward, (input,), (input,), ctx=(backward, args))


def _unary_backward(node, grad):
    (x,) = node.saved()
    formula, args = node.ctx
    return formula(grad, x, *args)


# ---- gelu -----------------------------------------------------------------------------------
def _gelu_forward(x, approximate):
    """PyTorch's kernel arithmetic in the input dtype (float16 in float32), with erf / tanh
    evaluated in float64 and rounded once: bit-identical to PyTorch for ~99% of float32
    elements with approximate='tanh' (its erf is not correctly rounded: ~65% for 'none')."""
    t = x.dtype.type
    if approximate == 'tanh':
        inner = t(_BETA) * (x + t(_KAPPA) * (x * x * x))
        th = np.tanh(inner.astype(np.float64)).astype(x.dtype, copy=False)
        r = (t(0.5) * x) * (t(1) + th)
    else:
        v = x * t(_SQRT1_2)
        er = _erf(v.astype(np.float64)).astype(x.dtype, copy=False)
        r = (x * t(0.5)) * (t(1) + er)
    return r


def gelu(input, approximate='none'):
    """``x * Phi(x)`` (Phi the standard normal CDF); ``approximate='tanh'`` uses
    ``0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))``.

    >>> import ember.nn.functional as F
    >>> F.gelu(ember.tensor([-1., 1.]))
    tensor([-0.1587,  0.8413])
    """
    if approximate not in ('none', 'tanh'):
        raise RuntimeError("approximate argument must be either none or tanh. (got "
                           f"{approximate!r})")
    x = float_data(input, 'GeluKernelImpl', 'gelu')
    res = wrap(opmath_compute(_gelu_forward, x, approximate))
    if not (input._rg and STATE.enabled):
        return res
    return record(res, 'GeluBackward0', _unary_backward, (input,), (input,),
                  ctx=(_gelu_backward, (approximate,)))


@opmath
def _gelu_backward(grad, x, approximate):
    if approximate == 'tanh':
        inner = _BETA * (x + _KAPPA * x * x * x)
        t = inner.tanh()
        left = 0.5 * x
        dleft = 0.5 * (1 + t)
        dright = left * (1 - t * t) * (_BETA * (1 + 3 * _KAPPA * x * x))
        return grad * (dleft + dright)
    cdf = 0.5 * (1 + (x * _SQRT1_2).erf())
    pdf = (-0.5 * x * x).exp() * _INV_SQRT_2PI
    return grad * (cdf + x * pdf)


# ---- silu / mish ----------------------------------------------------------------------------
def _silu_forward(x):
    return x / (1 + tr(np.exp, -x))


def _silu(input):
    return _unary(input, 'silu_cpu', 'silu', _silu_forward, 'SiluBackward0', _silu_backward)


_silu.__name__ = 'silu'


@opmath
def _silu_backward(grad, x):
    s = x.sigmoid()
    return grad * (s * (1 + x * (1 - s)))


def silu(input, inplace=False):
    """``x * sigmoid(x)`` (also called swish).

    >>> import ember.nn.functional as F
    >>> F.silu(ember.tensor([-1., 1.]))
    tensor([-0.2689,  0.7311])
    """
    return _silu_(input) if inplace else _silu(input)


_silu_ = inplace_of(_silu, 'silu_', '>>> ember.nn.functional.silu(ember.tensor([1.]), '
                    'inplace=True)\n    tensor([0.7311])')


def _mish_forward(x):
    return x * tr(np.tanh, tr(np.log1p, tr(np.exp, x)))


def _mish(input):
    return _unary(input, 'mish_cpu', 'mish', _mish_forward, 'MishBackward0', _mish_backward)


_mish.__name__ = 'mish'


@opmath
def _mish_backward(grad, x):
    tsp = softplus(x).tanh()
    return grad * (tsp + x * x.sigmoid() * (1 - tsp * tsp))


def mish(input, inplace=False):
    """``x * tanh(softplus(x))``.

    >>> import ember.nn.functional as F
    >>> F.mish(ember.tensor([-1., 1.]))
    tensor([-0.3034,  0.8651])
    """
    return _mish_(input) if inplace else _mish(input)


_mish_ = inplace_of(_mish, 'mish_', '>>> ember.nn.functional.mish(ember.tensor([1.]), '
                    'inplace=True)\n    tensor([0.8651])')


# ---- logsigmoid / softplus / softsign / tanhshrink --------------------------------------------
def _logsigmoid_forward(x):
    return np.minimum(x, 0) - tr(np.log1p, tr(np.exp, -np.abs(x)))


def logsigmoid(input):
    """``log(sigmoid(x))``, computed stably.

    >>> import ember.nn.functional as F
    >>> F.logsigmoid(ember.tensor([0.]))
    tensor([-0.6931])
    """
    return _unary(input, 'log_sigmoid_cpu', 'log_sigmoid', _logsigmoid_forward,
                  'LogSigmoidBackward0', _logsigmoid_backward)


@opmath
def _logsigmoid_backward(grad, x):
    return grad * (-x).sigmoid()


def _softplus_forward(x, beta, threshold):
    t = x.dtype.type
    z = x * t(beta)
    soft = tr(np.log1p, tr(np.exp, np.minimum(z, t(threshold)))) / t(beta)
    return blend(z > t(threshold), x, soft)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``.

    >>> import ember.nn.functional as F
    >>> F.softplus(ember.tensor([0., 30.]))
    tensor([ 0.6931, 30.0000])
    """
    return _unary(input, 'softplus_cpu', 'softplus', _softplus_forward, 'SoftplusBackward0',
                  _softplus_backward, beta, threshold)


@opmath
def _softplus_backward(grad, x, beta, threshold):
    z = x * beta
    return where_mask(z._data > threshold, grad, grad * z.sigmoid())


def softsign(input):
    """``x / (1 + |x|)``.

    >>> import ember.nn.functional as F
    >>> F.softsign(ember.tensor([-1., 3.]))
    tensor([-0.5000,  0.7500])
    """
    return input / (input.abs() + 1)


def tanhshrink(input):
    """``x - tanh(x)``.

    >>> import ember.nn.functional as F
    >>> F.tanhshrink(ember.tensor([1.]))
    tensor([0.2384])
    """
    return input - input.tanh()


# ---- hardsigmoid / hardswish ----------------------------------------------------------------
def _hardsigmoid_forward(x):
    return np.minimum(np.maximum(x + 3, 0), 6) / 6


def _hardsigmoid(input):
    x = float_data(input, 'hardsigmoid_cpu', 'hardsigmoid')
    res = wrap(opmath_compute(_hardsigmoid_forward, x))
    if not (input._rg and STATE.enabled):
        return res
    return record(res, 'HardsigmoidBackward0', _hardsigmoid_backward, (input,), (input,))


_hardsigmoid.__name__ = 'hardsigmoid'


def _hardsigmoid_backward(node, grad):
    (x,) = node.saved()
    xd = x._data
    # PyTorch multiplies by the float literal 1.0f / 6.0f, for double too
    return mask_grad(grad, (xd > -3) & (xd < 3), x) * _SIXTH_F


def hardsigmoid(input, inplace=False):
    """``relu6(x + 3) / 6``.

    >>> import ember.nn.functional as F
    >>> F.hardsigmoid(ember.tensor([-4., 0., 4.]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    return _hardsigmoid_(input) if inplace else _hardsigmoid(input)


_hardsigmoid_ = inplace_of(_hardsigmoid, 'hardsigmoid_',
                           '>>> ember.nn.functional.hardsigmoid(ember.tensor([0.]), '
                           'inplace=True)\n    tensor([0.5000])')


def _hardswish_forward(x):
    return x * np.minimum(np.maximum(x + 3, 0), 6) / 6


def _hardswish(input):
    x = float_data(input, 'hardswish_cpu', 'hardswish')
    res = wrap(opmath_compute(_hardswish_forward, x))
    if not (input._rg and STATE.enabled):
        return res
    return record(res, 'HardswishBackward0', _unary_backward, (input,), (input,),
                  ctx=(_hardswish_backward, ()))


_hardswish.__name__ = 'hardswish'


@opmath
def _hardswish_backward(grad, x):
    xd = x._data
    mid = grad * (x / 3 + 0.5)
    return where_mask(xd <= -3, 0.0, where_mask(xd < 3, mid, grad))     # +0, as PyTorch


def hardswish(input, inplace=False):
    """``x * relu6(x + 3) / 6``.

    >>> import ember.nn.functional as F
    >>> F.hardswish(ember.tensor([-4., 1., 4.]))
    tensor([-0.0000, 0.6667, 4.0000])
    """
    return _hardswish_(input) if inplace else _hardswish(input)


_hardswish_ = inplace_of(_hardswish, 'hardswish_',
                         '>>> ember.nn.functional.hardswish(ember.tensor([1.]), '
                         'inplace=True)\n    tensor([0.6667])')


# ---- hardshrink / softshrink ----------------------------------------------------------------
def hardshrink(input, lambd=0.5):
    """``0`` where ``|x| <= lambd``, else ``x``.

    >>> ember.hardshrink(ember.tensor([-1., 0.3, 0.6]))
    tensor([-1.0000,  0.0000,  0.6000])
    """
    x = float_data(input, 'hardshrink_cpu', 'hardshrink')
    t = x.dtype.type
    inside = (x >= t(-lambd)) & (x <= t(lambd))
    res = wrap(masked(x, ~inside))
    if not (input._rg and STATE.enabled):
        return res
    return record(res, 'HardshrinkBackward0', _shrink_backward, (input,), (input,),
                  ctx=lambd)


def _shrink_backward(node, grad):
    (x,) = node.saved()
    xd = x._data
    t = xd.dtype.type
    return mask_grad(grad, ~((xd >= t(-node.ctx)) & (xd <= t(node.ctx))), x)


def softshrink(input, lambd=0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0.

    >>> import ember.nn.functional as F
    >>> F.softshrink(ember.tensor([-1., 0.3, 2.]))
    tensor([-0.5000,  0.0000,  1.5000])
    """
    x = float_data(input, 'softshrink_check', 'softshrink')
    top = float(np.finfo(x.dtype).max)
    if not 0 <= lambd <= top:
        raise RuntimeError(f'lambda must be in range [0, {top:g}] for input dtype '
                           f'{_TNAME.get(x.dtype.name, x.dtype.name)}, but found {lambd:g}')
    t = x.dtype.type
    lam = t(lambd)
    # x - lambd above, x + lambd below, 0 between: x minus x clamped to [-lambd, lambd]
    res = wrap(x - np.clip(x, -lam, lam))
    if not (input._rg and STATE.enabled):
        return res
    return record(res, 'SoftshrinkBackward0', _shrink_backward, (input,), (input,),
                  ctx=lambd)


_TNAME = {'float16': 'Half', 'float32': 'Float', 'float64': 'Double'}


# ---- glu ------------------------------------------------------------------------------------
def glu(input, dim=-1):
    """Gated linear unit: split ``input`` in halves ``a, b`` along ``dim``; ``a * sigmoid(b)``.

    >>> import ember.nn.functional as F
    >>> F.glu(ember.tensor([1., 2., 0., 0.]))
    tensor([0.5000, 1.0000])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor(input, 'glu')
    x = input._data
    if x.ndim == 0:
        raise RuntimeError('glu does not support scalars because halving size must be even')
    d = norm_dim(dim, x.ndim)
    n = x.shape[d]
    if n % 2:
        raise RuntimeError(f'Halving dimension must be even, but dimension {d} is size {n}')
    x = float_data(input, 'glu_cpu', 'glu')
    h = n // 2
    a = x[(slice(None),) * d + (slice(0, h),)]
    b = x[(slice(None),) * d + (slice(h, n),)]
    res = wrap(compute(_glu_forward, a, b) if a.size else a.copy())
    if not (input._rg and STATE.enabled):
        return res
    return record(res, 'GluBackward0', _glu_backward, (input,), (input,), ctx=(d, h))


def _glu_forward(a, b):
    b = b.astype(a.dtype, copy=False)
    return a * (1 / (1 + tr(np.exp, -b)))


def _glu_backward(node, grad):
    (x,) = node.saved()
    d, h = node.ctx
    a = x.narrow(d, 0, h)
    b = x.narrow(d, h, h)
    s = b.sigmoid()
    ga = grad * s
    return cat([ga, ga * a * (1 - s)], d)
