"""Unary pointwise math (exp, log, sin, tanh, sigmoid, relu, ...), one table row per op.

Each row gives the NumPy forward and the backward ``(grad, x, y) -> grad_x`` (x the input,
y the output), written with ember ops so higher-order gradients work.

>>> ember.exp(ember.tensor([0., 1.]))
tensor([1.0000, 2.7183])
"""
import math

from ._base import Tensor, wrap, record, default_float, xp_of, np
from ._elementwise import (inplace_method, write_out, quiet, quiet_backward,
                           not_a_tensor, not_implemented_for, zeros_for, zero_backward)
from .binary import where
from . import _special
from ._nn_activation_common import masked, compute
from .._dtype import FLOATING, HALF_FLOATING, kind_of

__all__ = []
METHODS = {}

_PI = math.pi
_F32 = np.dtype(np.float32)
BFLOAT16_ONLY = HALF_FLOATING - {np.dtype(np.float16)}


# ---- PyTorch's opmath for float16/bfloat16: float32 math, one rounding per op -----------------
def opmath(formula, dtypes=HALF_FLOATING):
    """``formula(grad, *args)``, a backward written with ember ops, computed in float32 for
    float16/bfloat16 gradients and rounded once to their dtype (PyTorch's CPU backward
    kernels do this; the composite would round after every op). ``dtypes`` narrows this to
    the ones PyTorch widens for the op. Tensor arguments are upcast, others passed as they
    are; the result stays differentiable (double backward)."""
    def run(grad, *args):
        if grad._data.dtype in dtypes:
            return formula(grad.float(), *[a.float() if isinstance(a, Tensor) else a
                                           for a in args]).to(grad.dtype)
        return formula(grad, *args)
    run.__name__ = getattr(formula, '__name__', 'opmath')
    return run


def opmath_compute(fn, x, *args):
    """``compute(fn, x, *args)`` (NumPy warnings off) with float16/bfloat16 arrays computed in
    float32 and rounded once to their dtype."""
    if x.dtype in HALF_FLOATING:
        return compute(fn, x.astype(_F32), *args).astype(x.dtype)
    return compute(fn, x, *args)


# the printed result of each op's docstring example (PyTorch 2.13's output for that input)
_DOC_INPUT = {'acosh': '1.5'}
_DOC_OUTPUT = {
    'exp': '[1.6487]', 'exp2': '[1.4142]', 'expm1': '[0.6487]', 'log': '[-0.6931]',
    'log2': '[-1.]', 'log10': '[-0.3010]', 'log1p': '[0.4055]', 'sqrt': '[0.7071]',
    'rsqrt': '[1.4142]', 'sin': '[0.4794]', 'cos': '[0.8776]', 'tan': '[0.5463]',
    'asin': '[0.5236]', 'acos': '[1.0472]', 'atan': '[0.4636]', 'sinh': '[0.5211]',
    'cosh': '[1.1276]', 'tanh': '[0.4621]', 'asinh': '[0.4812]', 'acosh': '[0.9624]',
    'atanh': '[0.5493]', 'sigmoid': '[0.6225]', 'erf': '[0.5205]', 'erfc': '[0.4795]',
    'erfinv': '[0.4769]', 'lgamma': '[0.5724]', 'digamma': '[-1.9635]', 'relu': '[0.5000]',
    'abs': '[0.5000]', 'sign': '[1.]', 'sgn': '[1.]', 'floor': '[0.]', 'ceil': '[1.]',
    'trunc': '[0.]', 'frac': '[0.5000]', 'i0': '[1.0635]', 'sinc': '[0.6366]',
}


def _define(name, grad_name, forward, backward, saves='x', keep_int=False, refuse='',
            refuse_error=None, kernel=None, warns=True, half_in_float=False):
    """Create ``ember.<name>``, ``Tensor.<name>`` and ``Tensor.<name>_`` from one row.

    ``backward=None`` means a zero gradient (floor, sign, ...). Inputs whose dtype kind is in
    ``refuse`` raise PyTorch's NotImplementedError; other integer inputs become the default
    float dtype unless ``keep_int``. ``warns=False`` skips silencing NumPy for ops that cannot
    produce inf/nan warnings (a small saving on hot ops).
    """
    kernel = kernel or name + '_cpu'

    def prepare(x):
        kind = kind_of(x.dtype)
        if kind in refuse:
            raise refuse_error() if refuse_error else not_implemented_for(kernel, x.dtype)
        return x if keep_int or kind == 'f' else x.astype(default_float())

    def op(input, *, out=None):
        try:
            x = input._data
        except AttributeError:
            raise not_a_tensor(input, name) from None
        if x.dtype not in FLOATING:
            x = prepare(x)
        if half_in_float and x.dtype in HALF_FLOATING:    # one rounding, PyTorch's opmath
            res = wrap(quiet(forward, x.astype(_F32)).astype(x.dtype))
        else:
            res = wrap(quiet(forward, x) if warns else forward(x))
        if out is not None:
            return write_out(out, res, (input,), name)
        if saves == 'y':
            return record(res, grad_name, _bw, (input,), save_output=True)
        return record(res, grad_name, _bw, (input,), (input,) if saves == 'x' else None)

    # one backward per saved-value layout, so the hot ones (exp, tanh, sigmoid) unpack nothing
    # they do not use
    if backward is None:
        _bw = zero_backward
    elif saves == 'y':
        def _bw(node, grad):
            (y,) = node.saved()
            return backward(grad, None, y)
    elif saves == 'x':
        def _bw(node, grad):
            (x,) = node.saved()
            return backward(grad, x, None)
    else:
        def _bw(node, grad):
            return backward(grad, None, None)
    if warns and backward is not None:
        _bw = quiet_backward(_bw)
    op.__name__ = name
    op.__qualname__ = name
    op.__doc__ = (f'Elementwise ``{name}``.\n\n>>> ember.{name}(ember.tensor('
                  f'[{_DOC_INPUT.get(name, "0.5")}]))\ntensor({_DOC_OUTPUT[name]})\n')
    globals()[name] = METHODS[name] = op
    __all__.append(name)
    globals()[name + '_'] = METHODS[name + '_'] = inplace_method(op, name + '_')
    return op


# PyTorch's float32 transcendental kernels (Intel MKL's vector maths here) are nearly
# correctly rounded; NumPy's float32 kernels are not: e.g. exp differs from PyTorch in the last
# bit for ~39% of inputs, tanh ~34%, log ~16%, and log10(100) gives 2.0000002. Computing in
# float64 and rounding once agrees with PyTorch for ~99% of inputs (exp, tanh, log1p, cosh,
# log2: >99%; log, sin, cos, asin: 92-95%). It costs ~0.6 us per call on small tensors and
# up to ~10x on big ones, so big tensors (where printed values matter least) keep NumPy's
# float32 kernels.
_WIDEN_LIMIT = 1 << 16


def _via_f64(fn):
    """``fn`` evaluated in float64 and rounded once for float32 inputs up to _WIDEN_LIMIT."""
    def run(x):
        if x.dtype == np.float32 and x.size <= _WIDEN_LIMIT:
            return fn(x.astype(np.float64)).astype(np.float32)
        return fn(x)
    run.__name__ = fn.__name__
    return run


def _sigmoid(x):
    if x.dtype == np.float32 and x.size <= _WIDEN_LIMIT:
        # PyTorch: 1 / (1 + expf(-x)) in float32 with a nearly correctly rounded expf; this
        # agrees with its bits for >99.9% of inputs of small tensors (~96% of large ones,
        # which PyTorch computes with SLEEF's exp), NumPy's float32 exp for ~84%
        e = np.exp(np.negative(x, dtype=np.float64)).astype(np.float32)
        return np.reciprocal(e + np.float32(1))
    t = np.exp(np.negative(x))
    if t.__class__ is np.ndarray:
        t += 1
        return np.reciprocal(t, out=t)
    return 1 / (1 + t)


def _sign(x):
    if x.dtype.kind == 'b':
        return x.copy()
    r = np.sign(x)
    if x.dtype in FLOATING:
        r = np.where(x != x, 0, r).astype(x.dtype, copy=False)   # PyTorch: sign(nan) == 0
    return r


def _i0(x):
    return np.where(np.isinf(x), np.nan, _special.i0(x)).astype(x.dtype, copy=False)  # as torch


def _where(cond, a, b):
    """``where`` on a boolean array ``cond``."""
    return where(wrap(cond), a, b)


def _relu_backward(g, x, y):
    # PyTorch's threshold_backward: its own node, so a create_graph gradient depends on y
    mask = y._data > 0
    res = wrap(masked(g._data, mask))
    return record(res, 'ThresholdBackwardBackward0', _threshold_backward_backward, (g, y),
                  ctx=mask)


def _threshold_backward_backward(node, grad):
    nxt = node.next
    return (_where(node.ctx, grad, 0.0) if nxt[0] is not None else None,
            zeros_for(node, 1, grad) if nxt[1] is not None else None)


def _sinc_backward(g, x, y):
    px = _PI * x
    d = (px * px.cos() - px.sin()) / (px * x)
    return _where(x._data == 0, 0.0, d) * g


_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_SQRTPI = 2 / math.sqrt(math.pi)

# name, grad_fn name, forward, backward(grad, x, y), saves
_define('exp', 'ExpBackward0', _via_f64(np.exp), lambda g, x, y: g * y, 'y')
_define('exp2', 'Exp2Backward0', _via_f64(np.exp2), lambda g, x, y: g * (y * _LN2), 'y')
_define('expm1', 'Expm1Backward0', _via_f64(np.expm1), lambda g, x, y: g * (y + 1), 'y')
_define('log', 'LogBackward0', _via_f64(np.log), lambda g, x, y: g / x)
_define('log2', 'Log2Backward0', _via_f64(np.log2), lambda g, x, y: g / (x * _LN2))
_define('log10', 'Log10Backward0', _via_f64(np.log10), lambda g, x, y: g / (x * _LN10))
_define('log1p', 'Log1PBackward0', _via_f64(np.log1p), lambda g, x, y: g / (x + 1))
_define('sqrt', 'SqrtBackward0', np.sqrt, lambda g, x, y: g / (2 * y), 'y')
_define('rsqrt', 'RsqrtBackward0', lambda x: 1 / np.sqrt(x),
        lambda g, x, y: -0.5 * g * y * y * y, 'y')
_define('sin', 'SinBackward0', _via_f64(np.sin), lambda g, x, y: g * x.cos())
_define('cos', 'CosBackward0', _via_f64(np.cos), lambda g, x, y: g * -x.sin())
_define('tan', 'TanBackward0', _via_f64(np.tan), lambda g, x, y: g * (1 + y * y), 'y')
_define('asin', 'AsinBackward0', _via_f64(np.arcsin), lambda g, x, y: g * (-x * x + 1).rsqrt())
_define('acos', 'AcosBackward0', _via_f64(np.arccos), lambda g, x, y: g * -(-x * x + 1).rsqrt())
_define('atan', 'AtanBackward0', _via_f64(np.arctan), lambda g, x, y: g / (x * x + 1), warns=False)
_define('sinh', 'SinhBackward0', _via_f64(np.sinh), lambda g, x, y: g * x.cosh())
_define('cosh', 'CoshBackward0', _via_f64(np.cosh), lambda g, x, y: g * x.sinh())
_define('tanh', 'TanhBackward0', _via_f64(np.tanh),
        opmath(lambda g, x, y: g * (1 - y * y)), 'y', warns=False, half_in_float=True)
_define('asinh', 'AsinhBackward0', np.arcsinh, lambda g, x, y: g * (x * x + 1).rsqrt())
_define('acosh', 'AcoshBackward0', np.arccosh, lambda g, x, y: g * (x * x - 1).rsqrt())
_define('atanh', 'AtanhBackward0', _via_f64(np.arctanh), lambda g, x, y: g / (-x * x + 1))
# PyTorch's sigmoid_backward: (g * (1 - y)) * y, float16 in float16, bfloat16 in float32
_define('sigmoid', 'SigmoidBackward0', _sigmoid,
        opmath(lambda g, x, y: g * (1 - y) * y, BFLOAT16_ONLY), 'y', half_in_float=True)
_define('erf', 'ErfBackward0', _special.erf,
        lambda g, x, y: g * (_TWO_SQRTPI * (-(x * x)).exp()))
_define('erfc', 'ErfcBackward0', _special.erfc,
        lambda g, x, y: g * (-_TWO_SQRTPI * (-(x * x)).exp()))
_define('erfinv', 'ErfinvBackward0', _special.erfinv,
        lambda g, x, y: g * ((math.sqrt(math.pi) / 2) * (y * y).exp()), 'y')
_define('lgamma', 'LgammaBackward0', _special.lgamma, lambda g, x, y: g * x.digamma())
_define('digamma', 'DigammaBackward0', _special.digamma, lambda g, x, y: g * _trigamma(x))
_define('relu', 'ReluBackward0', lambda x: np.maximum(x, 0),
        _relu_backward, 'y', keep_int=True, warns=False, refuse='b',
        refuse_error=lambda: RuntimeError('Boolean inputs not supported for relu'))
_define('abs', 'AbsBackward0', np.abs, lambda g, x, y: g * x.sgn(), keep_int=True, refuse='b',
        warns=False)
_define('sign', 'SignBackward0', _sign, None, None, keep_int=True, warns=False)
_define('sgn', 'SgnBackward0', _sign, None, None, keep_int=True, warns=False)
_define('floor', 'FloorBackward0', np.floor, None, None, keep_int=True, refuse='b',
        kernel='floor_vml_cpu', warns=False)
_define('ceil', 'CeilBackward0', np.ceil, None, None, keep_int=True, refuse='b',
        kernel='ceil_vml_cpu', warns=False)
_define('trunc', 'TruncBackward0', np.trunc, None, None, keep_int=True, refuse='b',
        kernel='trunc_vml_cpu', warns=False)
_define('frac', 'FracBackward0', lambda x: x - np.trunc(x), lambda g, x, y: g, None,
        refuse='biu')
_define('i0', 'I0Backward0', _i0, lambda g, x, y: g * _i1(x))
_define('sinc', 'SincBackward0', lambda x: np.sinc(x).astype(x.dtype, copy=False),
        _sinc_backward, half_in_float=True)

for _alias, _orig in (('fix', 'trunc'), ('absolute', 'abs'), ('arcsin', 'asin'),
                      ('arccos', 'acos'), ('arctan', 'atan'), ('arcsinh', 'asinh'),
                      ('arccosh', 'acosh'), ('arctanh', 'atanh')):
    globals()[_alias] = globals()[_orig]
    METHODS[_alias] = METHODS[_orig]
    METHODS[_alias + '_'] = METHODS[_orig + '_']
    __all__.append(_alias)


# ---- private differentiable helpers for higher-order gradients --------------------------
def _tetragamma(x):
    """psi''(x) on an array: recurrence up to x >= 10, then the asymptotic series; the
    reflection formula for x < 0.5."""
    xp = xp_of(x)
    x = x.astype(np.float64)
    refl = x < 0.5
    z = xp.where(refl, 1 - x, x)
    acc = xp.zeros_like(z)
    for _ in range(10):
        small = z < 10
        acc -= xp.where(small, 2 / z ** 3, 0)
        z = xp.where(small, z + 1, z)
    r = 1 / (z * z)
    series = -1 / z ** 2 - 1 / z ** 3 - r * r * (0.5 - r * (1 / 6 - r * (1 / 6 - r * (
        0.3 - r * (5 / 6 - r * (691 / 210))))))
    res = series + acc
    if refl.any():
        s = xp.sin(_PI * x)
        res = xp.where(refl, res - 2 * _PI ** 3 * xp.cos(_PI * x) / (s * s * s), res)
    return res


def _trigamma(x):
    res = wrap(_special.trigamma(x._data))
    return record(res, 'PolygammaBackward0', _trigamma_backward, (x,), (x,))


@quiet_backward
def _trigamma_backward(node, grad):
    (x,) = node.saved()
    return grad * wrap(quiet(_tetragamma, x._data).astype(x._data.dtype))


def _i1(x):
    res = wrap(_special.i1(x._data))
    return record(res, 'SpecialI1Backward0', _i1_backward, (x,), (x,), save_output=True)


@quiet_backward
def _i1_backward(node, grad):
    x, y = node.saved()
    d = x.i0() - y / x
    return _where(x._data == 0, 0.5, d) * grad


# ---- ops with arguments -------------------------------------------------------------------
def round(input, *, decimals=None, out=None):
    """Round half to even, optionally to ``decimals`` decimal places.

    >>> ember.round(ember.tensor([0.5, 1.5, 2.567]))
    tensor([0., 2., 3.])
    """
    try:
        x = input._data
    except AttributeError:
        raise not_a_tensor(input, 'round') from None
    kind = kind_of(x.dtype)
    if kind != 'f':
        if kind == 'b':
            raise not_implemented_for('round_vml_cpu' if not decimals else 'round_cpu', x.dtype)
        if decimals:
            raise not_implemented_for('round_cpu', x.dtype)
    if not decimals or kind != 'f':
        res = wrap(np.round(x) if kind == 'f' else x.copy())
    else:
        arr = x.astype(np.float32) if x.dtype == np.float16 else x
        t = arr.dtype.type
        if decimals > 0:
            p = t(10.0 ** decimals)
            r = quiet(lambda: np.round(arr * p) / p)
        else:
            p = t(10.0 ** -decimals)
            r = quiet(lambda: np.round(arr / p) * p)
        res = wrap(np.asarray(r).astype(x.dtype, copy=False))
    if out is not None:
        return write_out(out, res, (input,), 'round')
    return record(res, 'RoundBackward1' if decimals is not None else 'RoundBackward0',
                  zero_backward, (input,))


def logit(input, eps=None, *, out=None):
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given.

    >>> ember.logit(ember.tensor([0.5]))
    tensor([0.])
    """
    try:
        x = input._data
    except AttributeError:
        raise not_a_tensor(input, 'logit') from None
    if x.dtype not in FLOATING:
        x = x.astype(default_float())
    z = np.clip(x, x.dtype.type(eps), x.dtype.type(1 - eps)) if eps is not None else x
    res = wrap(quiet(lambda: np.log(z / (1 - z))))
    if out is not None:
        return write_out(out, res, (input,), 'logit')
    return record(res, 'LogitBackward0', _logit_backward, (input,), (input,), ctx=eps)


@quiet_backward
def _logit_backward(node, grad):
    (x,) = node.saved()
    eps = node.ctx
    g = grad / (x * (1 - x))
    xd = x._data
    if eps is None:
        return _where((xd < 0) | (xd > 1), float('nan'), g)
    return _where((xd < eps) | (xd > 1 - eps), 0.0, g)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN, +inf and -inf by finite numbers (the dtype's extremes by default).

    >>> ember.nan_to_num(ember.tensor([float('nan'), float('inf')]))
    tensor([0.0000e+00, 3.4028e+38])
    """
    try:
        x = input._data
    except AttributeError:
        raise not_a_tensor(input, 'nan_to_num') from None
    res = wrap(np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf) if x.dtype in FLOATING
               else x.copy())
    if out is not None:
        return write_out(out, res, (input,), 'nan_to_num')
    return record(res, 'NanToNumBackward0', _nan_to_num_backward, (input,), (input,))


def _nan_to_num_backward(node, grad):
    (x,) = node.saved()
    return grad * wrap(np.isfinite(x._data))


__all__ += ['round', 'logit', 'nan_to_num']
METHODS.update({'round': round, 'logit': logit, 'nan_to_num': nan_to_num,
                '__abs__': METHODS['abs']})
for _name in ('round', 'logit', 'nan_to_num'):
    METHODS[_name + '_'] = inplace_method(METHODS[_name], _name + '_')
del _name
