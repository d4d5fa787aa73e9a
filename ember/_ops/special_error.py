"""Error-function and normal-distribution special functions (``ember.special`` only, as in
torch): ``ndtr``, ``ndtri``, ``log_ndtr``, ``erfcx``, plus ``entr`` and ``xlog1py``.

Kernels are in ``_special.py`` (erfcx) and ``_special_normal.py``; backward formulas are
PyTorch's, written with ember ops (so they differentiate again). ``ndtr`` is, as in PyTorch,
the composite (1 + erf(x / sqrt 2)) / 2.

>>> ember.special.ndtri(ember.tensor([0.975]))
tensor([1.9600])
"""
import math

from ._base import Tensor, wrap, record, operands
from ._elementwise import (write_out, quiet_backward, broadcast_call, float_operands,
                           need_tensor)
from ._special_common import unary_op, same_dtype_arrays
from .binary import where
from . import _special, _special_normal as K

__all__ = []
METHODS = {}

_SQRT1_2 = math.sqrt(0.5)
_SQRT_2PI = math.sqrt(2 * math.pi)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def ndtr(input, *, out=None):
    """Standard normal cumulative distribution function (1 + erf(x / sqrt 2)) / 2.

    >>> ember.special.ndtr(ember.tensor([-1.0, 0.0, 3.0]))
    tensor([0.1587, 0.5000, 0.9987])
    """
    if not isinstance(input, Tensor):
        need_tensor(input, 'special_ndtr', 'input', 1)
    res = ((input * _SQRT1_2).erf() + 1) * 0.5
    if out is not None:
        return write_out(out, res, (input,), 'special_ndtr')
    return res


ndtri = unary_op(
    'ndtri', K.ndtri, 'SpecialNdtriBackward0',
    lambda g, x, y: g * (_SQRT_2PI * (y * y * 0.5).exp()), saves='xy',
    doc="""Inverse of the standard normal CDF: -inf at 0, +inf at 1, nan outside [0, 1].

    >>> ember.special.ndtri(ember.tensor([0.0, 0.5, 0.975]))
    tensor([  -inf, 0.0000, 1.9600])
    """)

log_ndtr = unary_op(
    'log_ndtr', K.log_ndtr, 'SpecialLogNdtrBackward0',
    lambda g, x, y: g * ((-(y + x * x * 0.5)).exp() / _SQRT_2PI), saves='xy',
    doc="""log of the standard normal CDF, finite far into the left tail.

    >>> ember.special.log_ndtr(ember.tensor([-40.0, 0.0]))
    tensor([-8.0461e+02, -6.9315e-01])
    """)

erfcx = unary_op(
    'erfcx', _special.erfcx, 'SpecialErfcxBackward0',
    lambda g, x, y: g * (2.0 * x * y - _TWO_OVER_SQRT_PI), saves='xy',
    doc="""Scaled complementary error function exp(x^2) * erfc(x).

    >>> ember.special.erfcx(ember.tensor([-1.0, 0.0, 30.0]))
    tensor([5.0090, 1.0000, 0.0188])
    """)

entr = unary_op(
    'entr', K.entr, 'SpecialEntrBackward0',
    lambda g, x, y: g * -(x.log() + 1),
    doc="""Elementwise entropy -x log x (0 at 0, -inf for negative x).

    >>> ember.special.entr(ember.tensor([-1.0, 0.0, 0.5]))
    tensor([  -inf, 0.0000, 0.3466])
    """)


def _xlog1py_arr(x, y):
    xp = _special._xp(x)
    res = x * xp.log1p(y)
    return xp.where((x == 0) & (y == y), xp.zeros((), res.dtype), res)


def xlog1py(input, other, *, out=None):
    """``input * log1p(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN).

    >>> ember.special.xlog1py(ember.tensor([0., 2.]), ember.tensor([-1., 1.]))
    tensor([0.0000, 1.3863])
    """
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        need_tensor(input, 'special_xlog1py', 'self', 1)
    xa, xb = same_dtype_arrays(*float_operands(*operands(input, other, 'special_xlog1py')))
    res = wrap(broadcast_call('special_xlog1py', _xlog1py_arr, xa, xb, silent=True))
    if out is not None:
        return write_out(out, res, (input, other), 'special_xlog1py')
    name = ('SpecialXlog1PyBackward1' if not isinstance(input, Tensor) else
            'SpecialXlog1PyBackward2' if not isinstance(other, Tensor) else
            'SpecialXlog1PyBackward0')
    return record(res, name, _xlog1py_backward, (input, other), (input, other))


@quiet_backward
def _xlog1py_backward(node, grad):
    x, y = node.saved()
    gx = gy = None
    if node.next[0] is not None:
        yd = y._data if isinstance(y, Tensor) else y
        gx = where(wrap((x._data == 0) & (yd <= -1)), 0.0, xlog1py(grad, y))
    if node.next[1] is not None:
        gy = grad * x / (y + 1)
    return gx, gy
