"""Unary pointwise math (exp, log, sin, tanh, sigmoid, relu, ...), one table row per op.

Each row gives the NumPy forward and the backward ``(grad, x, y) -> grad_x`` (x the input,
y the output), written with ember ops so higher-order gradients work.

>>> ember.exp(ember.tensor([0., 1.]))
tensor([1.0000, 2.7183])
"""
import math

from ._base import Tensor, wrap, record, STATE, default_float, np
from .arith import apply_inplace
from . import _special

__all__ = []
METHODS = {}


def _float_input(x):
    return x if x.dtype.kind == 'f' else x.astype(default_float())


def _define(name, grad_name, forward, backward, saves='x', keep_int=False, inplace=True,
            doc=None):
    """Create ``ember.<name>``, ``Tensor.<name>`` and ``Tensor.<name>_`` from one row."""
    def op(input, *, out=None):
        x = input._data
        if not keep_int:
            x = _float_input(x)
        with np.errstate(all='ignore'):
            res = wrap(forward(x))
        if out is not None:
            from .arith import _write_out
            return _write_out(out, res)
        if saves == 'y':
            return record(res, grad_name, _bw, (input,), save_output=True)
        return record(res, grad_name, _bw, (input,), (input,) if saves == 'x' else None)

    if saves == 'y':
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
    op.__name__ = name
    op.__qualname__ = name
    op.__doc__ = doc or f'Elementwise ``{name}``.\n\n>>> ember.{name}(ember.tensor([0.5]))'
    globals()[name] = op
    __all__.append(name)
    METHODS[name] = op
    if inplace:
        def op_(self):
            return apply_inplace(self, op, name + '_')
        op_.__name__ = name + '_'
        op_.__doc__ = f'In-place ``{name}``.'
        METHODS[name + '_'] = op_
        globals()[name + '_'] = op_
    return op


_LN2, _LN10 = math.log(2.0), math.log(10.0)

# name, grad_fn name, forward, backward(grad, x, y), saves
_define('exp', 'ExpBackward0', np.exp, lambda g, x, y: g * y, 'y')
_define('exp2', 'Exp2Backward0', np.exp2, lambda g, x, y: g * y * _LN2, 'y')
_define('expm1', 'Expm1Backward0', np.expm1, lambda g, x, y: g * (y + 1), 'y')
_define('log', 'LogBackward0', np.log, lambda g, x, y: g / x)
_define('log2', 'Log2Backward0', np.log2, lambda g, x, y: g / (x * _LN2))
_define('log10', 'Log10Backward0', np.log10, lambda g, x, y: g / (x * _LN10))
_define('log1p', 'Log1PBackward0', np.log1p, lambda g, x, y: g / (x + 1))
_define('sqrt', 'SqrtBackward0', np.sqrt, lambda g, x, y: g / (2 * y), 'y')
_define('rsqrt', 'RsqrtBackward0', lambda x: 1 / np.sqrt(x), lambda g, x, y: -0.5 * g * y * y * y, 'y')
_define('sin', 'SinBackward0', np.sin, lambda g, x, y: g * x.cos())
_define('cos', 'CosBackward0', np.cos, lambda g, x, y: -g * x.sin())
_define('tan', 'TanBackward0', np.tan, lambda g, x, y: g * (1 + y * y), 'y')
_define('asin', 'AsinBackward0', np.arcsin, lambda g, x, y: g * (1 - x * x).rsqrt())
_define('acos', 'AcosBackward0', np.arccos, lambda g, x, y: -g * (1 - x * x).rsqrt())
_define('atan', 'AtanBackward0', np.arctan, lambda g, x, y: g / (1 + x * x))
_define('sinh', 'SinhBackward0', np.sinh, lambda g, x, y: g * x.cosh())
_define('cosh', 'CoshBackward0', np.cosh, lambda g, x, y: g * x.sinh())
_define('tanh', 'TanhBackward0', np.tanh, lambda g, x, y: g * (1 - y * y), 'y')
_define('asinh', 'AsinhBackward0', np.arcsinh, lambda g, x, y: g * (x * x + 1).rsqrt())
_define('acosh', 'AcoshBackward0', np.arccosh, lambda g, x, y: g * (x * x - 1).rsqrt())
_define('atanh', 'AtanhBackward0', np.arctanh, lambda g, x, y: g / (1 - x * x))
_define('sigmoid', 'SigmoidBackward0', _special.sigmoid, lambda g, x, y: g * y * (1 - y), 'y')
_define('erf', 'ErfBackward0', _special.erf,
        lambda g, x, y: g * (2 / math.sqrt(math.pi)) * (-(x * x)).exp())
_define('erfc', 'ErfcBackward0', _special.erfc,
        lambda g, x, y: g * (-2 / math.sqrt(math.pi)) * (-(x * x)).exp())
_define('erfinv', 'ErfinvBackward0', _special.erfinv,
        lambda g, x, y: g * (math.sqrt(math.pi) / 2) * (y * y).exp(), 'y')
_define('lgamma', 'LgammaBackward0', _special.lgamma, lambda g, x, y: g * x.digamma())
_define('digamma', 'DigammaBackward0', _special.digamma, lambda g, x, y: g * _special_polygamma1(x))
_define('relu', 'ReluBackward0', lambda x: np.maximum(x, 0).astype(x.dtype, copy=False),
        lambda g, x, y: g * (y > 0), 'y', keep_int=True)
_define('abs', 'AbsBackward0', np.abs, lambda g, x, y: g * x.sign(), keep_int=True)
_define('sign', 'SignBackward0', np.sign, lambda g, x, y: g * 0, None, keep_int=True)
_define('sgn', 'SgnBackward0', np.sign, lambda g, x, y: g * 0, None, keep_int=True)
_define('floor', 'FloorBackward0', np.floor, lambda g, x, y: g * 0, None, keep_int=True)
_define('ceil', 'CeilBackward0', np.ceil, lambda g, x, y: g * 0, None, keep_int=True)
_define('trunc', 'TruncBackward0', np.trunc, lambda g, x, y: g * 0, None, keep_int=True)
_define('frac', 'FracBackward0', lambda x: x - np.trunc(x), lambda g, x, y: g)
_define('i0', 'I0Backward0', np.i0, lambda g, x, y: g * _special.i1(x))
_define('sinc', 'SincBackward0', np.sinc,
        lambda g, x, y: g * ((math.pi * x).cos() - y) / x.masked_fill(x == 0, 1) * (x != 0))

fix = globals()['trunc']
METHODS['fix'] = fix
__all__.append('fix')
absolute = globals()['abs']
METHODS['absolute'] = absolute
METHODS['absolute_'] = METHODS['abs_']
__all__.append('absolute')
for _alias, _orig in (('arcsin', 'asin'), ('arccos', 'acos'), ('arctan', 'atan'),
                      ('arcsinh', 'asinh'), ('arccosh', 'acosh'), ('arctanh', 'atanh')):
    globals()[_alias] = globals()[_orig]
    METHODS[_alias] = METHODS[_orig]
    METHODS[_alias + '_'] = METHODS[_orig + '_']
    __all__.append(_alias)


def _special_polygamma1(x):
    return wrap(_special.trigamma(x._data))


def round(input, *, decimals=0, out=None):
    """Round half to even, optionally to ``decimals`` decimal places.

    >>> ember.round(ember.tensor([0.5, 1.5, 2.567]), decimals=0)
    tensor([0., 2., 3.])
    """
    x = input._data
    if decimals == 0:
        res = wrap(np.round(x))
    else:
        scale = 10.0 ** decimals
        res = wrap((np.round(x * x.dtype.type(scale)) / x.dtype.type(scale)).astype(x.dtype))
    if out is not None:
        from .arith import _write_out
        return _write_out(out, res)
    return record(res, 'RoundBackward1' if decimals else 'RoundBackward0',
                  lambda node, g: g * 0, (input,))


def _round_(self, *, decimals=0):
    return apply_inplace(self, round, 'round_', decimals=decimals)


def logit(input, eps=None):
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given.

    >>> ember.logit(ember.tensor([0.5]))
    tensor([0.])
    """
    x = _float_input(input._data)
    z = np.clip(x, eps, 1 - eps) if eps is not None else x
    with np.errstate(all='ignore'):
        res = wrap(np.log(z / (1 - z)))
    return record(res, 'LogitBackward0', _logit_backward, (input,), (input,), ctx=eps)


def _logit_backward(node, grad):
    (x,) = node.saved()
    eps = node.ctx
    g = grad / (x * (1 - x))
    if eps is not None:
        g = g * ((x >= eps) & (x <= 1 - eps))
    return g


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN, +inf and -inf by finite numbers (the dtype's extremes by default).

    >>> ember.nan_to_num(ember.tensor([float('nan'), float('inf')]))
    tensor([0.0000e+00, 3.4028e+38])
    """
    x = input._data
    res = wrap(np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf) if x.dtype.kind == 'f'
               else x.copy())
    if out is not None:
        from .arith import _write_out
        return _write_out(out, res)
    return record(res, 'NanToNumBackward0', _nan_to_num_backward, (input,), (input,))


def _nan_to_num_backward(node, grad):
    (x,) = node.saved()
    return grad * x.isfinite()


def _logit_(self, eps=None):
    return apply_inplace(self, logit, 'logit_', eps)


def _nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    return apply_inplace(self, nan_to_num, 'nan_to_num_', nan, posinf, neginf)


__all__ += ['round', 'logit', 'nan_to_num']
METHODS.update({'round': round, 'round_': _round_, 'logit': logit, 'logit_': _logit_,
                'nan_to_num': nan_to_num, 'nan_to_num_': _nan_to_num_,
                '__abs__': absolute})
