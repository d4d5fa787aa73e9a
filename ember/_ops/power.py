"""Powers: pow (tensor or number on either side), float_power, square, reciprocal.

>>> x = ember.tensor([1., 2.], requires_grad=True)
>>> (x ** 2).grad_fn, (2 ** x).grad_fn
(<PowBackward0 object at ...>, <PowBackward2 object at ...>)
"""
import math

from ._base import Tensor, wrap, record, operands, xp_of, default_float, np
from .. import _dtype as D
from ._elementwise import (apply_inplace, inplace_method, write_out, quiet, quiet_backward,
                           broadcast_error, need_tensor, not_implemented_for, result_kind, tname,
                           zeros_for)
from .binary import where
from .._dtype import FLOATING, kind_of

__all__ = ['pow', 'float_power', 'square', 'reciprocal']


def _int_pow(xa, xb):
    """Integer ``xa ** xb`` where exponents may be negative: PyTorch gives 1 for base 1,
    +-1 for base -1 and 0 otherwise (NumPy refuses)."""
    xp = xp_of(xb) if hasattr(xb, 'dtype') else np
    neg = xb < 0
    if not neg.any():
        return xa ** xb
    base = xp.asarray(xa)
    r = base ** xp.where(neg, 0, xb).astype(xb.dtype)
    odd = (xb % 2) != 0
    alt = xp.where(base == 1, 1, xp.where(base == -1, xp.where(odd, -1, 1), 0))
    return xp.where(neg, alt, r).astype(r.dtype)


def pow(input, exponent, *, out=None):
    """``input ** exponent`` elementwise (tensor or number on either side).

    >>> ember.pow(ember.tensor([1., 2., 3.]), 2)
    tensor([1., 4., 9.])
    """
    if not isinstance(input, Tensor):
        return _rpow(input, exponent, out)
    xa, xb = operands(input, exponent, 'pow')
    kind = result_kind(xa, xb)
    if kind in 'iub':
        if isinstance(exponent, Tensor):
            if kind == 'b':
                raise not_implemented_for('pow', np.bool_)
            arr = _int_pow(xa, xb)
        else:
            if xb < 0:
                raise RuntimeError('Integers to negative integer powers are not allowed.')
            arr = xa ** xb
    else:
        try:                                 # inlined broadcast_call: ``x ** 2`` is a hot op
            arr = quiet(np.power, xa, xb)
        except ValueError:
            raise broadcast_error('pow', xa, xb) from None
    res = wrap(arr)
    if out is not None:
        return write_out(out, res, (input, exponent), 'pow')
    if isinstance(exponent, Tensor):
        return record(res, 'PowBackward1', _pow_tensor_backward, (input, exponent),
                      (input, exponent), save_output=True)
    return record(res, 'PowBackward0', _pow_backward, (input,), (input,), ctx=xb)


@quiet_backward
def _pow_backward(node, grad):
    (x,) = node.saved()
    e = node.ctx
    if e == 0:
        return zeros_for(node, 0, grad)
    if e == 2:
        return grad * (2 * x)
    return grad * (e * x ** (e - 1))


@quiet_backward
def _pow_tensor_backward(node, grad):
    a, b, out = node.saved()
    ga = gb = None
    if node.next[0] is not None:
        ga = where(b == 0, 0.0, grad * (b * a ** (b - 1)))
    if node.next[1] is not None:
        gb = grad * where((a == 0) & (b >= 0), 0.0, out * a.log())
    return ga, gb


def _rpow(base, exponent, out=None):
    """``number ** tensor``."""
    need_tensor(exponent, 'pow', 'exponent', 2)
    xa, xb = operands(base, exponent, 'pow')
    kind = kind_of(xb.dtype)
    if kind == 'b':
        xb = xb.astype(np.int64)          # bool ** bool is refused, number ** bool is not
        kind = 'i'
    base_arr = np.asarray(xa, dtype=xb.dtype)
    if xb.__class__ is not np.ndarray:
        base_arr = xp_of(xb).asarray(base_arr)
    res = wrap(_int_pow(base_arr, xb) if kind in 'iu' else quiet(np.power, base_arr, xb))
    if out is not None:
        return write_out(out, res, (exponent,), 'pow')
    return record(res, 'PowBackward2', _rpow_backward, (base, exponent), (exponent,),
                  ctx=base, save_output=True)


@quiet_backward
def _rpow_backward(node, grad):
    e, out = node.saved()
    b = node.ctx
    lb = math.log(b) if b > 0 else (float('-inf') if b == 0 else float('nan'))
    if b == 0:
        return None, grad * where(e >= 0, 0.0, out * lb)
    return None, grad * (out * lb)


def float_power(input, exponent, *, out=None):
    """``pow`` computed in float64.

    >>> ember.float_power(ember.tensor([2]), 3)
    tensor([8.], dtype=torch.float64)
    """
    if out is not None and out.dtype is not D.float64:
        raise RuntimeError(f"the output given to float_power has dtype {tname(out._data.dtype)} "
                           "but the operation's result requires dtype Double")
    a = input.double() if isinstance(input, Tensor) else float(input)
    b = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b, out=out)


def float_power_(self, exponent):
    """In-place ``float_power`` (``self`` must be float64).

    >>> ember.tensor([2.], dtype=ember.float64).float_power_(2)
    tensor([4.], dtype=torch.float64)
    """
    if self._data.dtype != np.float64:
        raise RuntimeError(f'the base given to float_power_ has dtype {tname(self._data.dtype)} '
                           "but the operation's result requires dtype Double")
    return apply_inplace(self, float_power, 'float_power_', exponent)


def square(input, *, out=None):
    """``input * input`` (ints stay ints, bools become int64).

    >>> ember.square(ember.tensor([-2., 3.]))
    tensor([4., 9.])
    """
    if input._data.dtype.kind == 'b':
        input = wrap(input._data.astype(np.int64))
    return pow(input, 2, out=out)


def reciprocal(input, *, out=None):
    """``1 / input`` (ints give floats).

    >>> ember.reciprocal(ember.tensor([2., 4.]))
    tensor([0.5000, 0.2500])
    """
    x = input._data
    if x.dtype not in FLOATING:
        x = x.astype(default_float())
    res = wrap(quiet(np.reciprocal, x))
    if out is not None:
        return write_out(out, res, (input,), 'reciprocal')
    return record(res, 'ReciprocalBackward0', _reciprocal_backward, (input,), save_output=True)


@quiet_backward
def _reciprocal_backward(node, grad):
    (out,) = node.saved()
    return -grad * (out * out)


pow_ = inplace_method(pow, 'pow_')

METHODS = {
    'pow': pow, 'float_power': float_power, 'square': square, 'reciprocal': reciprocal,
    'pow_': pow_, 'float_power_': float_power_, 'square_': inplace_method(square, 'square_'),
    'reciprocal_': inplace_method(reciprocal, 'reciprocal_'),
    '__pow__': pow, '__rpow__': lambda self, other: pow(other, self), '__ipow__': pow_,
}
