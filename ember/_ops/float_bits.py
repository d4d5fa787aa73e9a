"""Ops on the parts of a floating-point number: signbit, frexp (mantissa and exponent),
ldexp (``input * 2**other``) and nextafter (the next representable value).

>>> ember.frexp(ember.tensor([8.]))
torch.return_types.frexp(
mantissa=tensor([0.5000]),
exponent=tensor([4], dtype=torch.int32))
"""
import math

from ._base import wrap, record, operands, np, xp_of, default_float
from .. import _dtype as D
from ._elementwise import (apply_inplace, inplace_doc, inplace_method, need_tensor, write_out,
                           not_implemented_for, record_not_implemented, broadcast_call,
                           result_kind)
from ._reduce_helpers import _structseq, _write_many
from .power import pow
from .._dtype import FLOATING, kind_of

__all__ = ['signbit', 'frexp', 'ldexp', 'ldexp_', 'nextafter']

_RT_FREXP = _structseq('frexp', ('mantissa', 'exponent'))
_LN2 = math.log(2.0)


def signbit(input, *, out=None):
    """True where the sign bit is set: negative numbers, -0.0 and NaNs with a sign.

    >>> ember.signbit(ember.tensor([-1., -0., 0., 2.]))
    tensor([ True,  True, False, False])
    """
    need_tensor(input, 'signbit', 'input', 1)
    x = input._data
    xp = xp_of(x)
    kind = kind_of(x.dtype)
    res = wrap(xp.signbit(x) if kind == 'f' else (x < 0) if kind == 'i' else
               xp.zeros(x.shape, bool))
    if out is not None:
        return write_out(out, res, (), 'signbit')
    return res


def frexp(input, *, out=None):
    """``input = mantissa * 2**exponent`` with ``0.5 <= |mantissa| < 1``; the exponent is
    int32 (a named tuple ``(mantissa, exponent)``).

    >>> ember.frexp(ember.tensor([-5., 0.3])).exponent
    tensor([ 3, -1], dtype=torch.int32)
    """
    need_tensor(input, 'frexp', 'input', 1)
    x = input._data
    if x.dtype not in FLOATING:
        raise RuntimeError('torch.frexp() only supports floating-point dtypes (convert with '
                           '.float())')
    mantissa, exponent = xp_of(x).frexp(x)
    mantissa, exponent = wrap(mantissa), wrap(exponent.astype(np.int32, copy=False))
    if out is not None:
        return _RT_FREXP(_write_many(out, (mantissa, exponent), 'frexp'))
    record(mantissa, 'FrexpBackward0', _frexp_backward, (input,), ctx=exponent)
    return _RT_FREXP((mantissa, exponent))


def _frexp_backward(node, grad):
    return grad / node.ctx.to(grad.dtype).exp2()


def ldexp(input, other, *, out=None):
    """``input * 2**other`` (integer inputs give the default float dtype).

    >>> ember.ldexp(ember.tensor([1., 3.]), ember.tensor([3, -1]))
    tensor([8.0000, 1.5000])
    """
    need_tensor(input, 'ldexp', 'input', 1)
    need_tensor(other, 'ldexp', 'other', 2)
    rt = D.result_type(input, other).np
    if rt not in FLOATING:
        rt = default_float()
    powers = pow(2.0, other.detach())._data
    res = wrap(broadcast_call('ldexp', np.multiply, input._data.astype(rt, copy=False),
                              powers.astype(rt, copy=False), silent=True))
    if out is not None:
        return write_out(out, res, (input, other), 'ldexp')
    return record(res, 'LdexpBackward0', _ldexp_backward, (input, other), (input, other))


def _ldexp_backward(node, grad):
    x, e = node.saved()
    ea = e._data
    if ea.dtype in FLOATING:
        scale = pow(2.0, e)
    else:       # PyTorch scales by 2**other in integer arithmetic: 0 for negative exponents
        xp = xp_of(ea)
        scale = wrap(xp.where(ea >= 0, xp.left_shift(1, xp.clip(ea, 0, 62).astype(np.int64)), 0))
    nxt = node.next
    return (grad * scale if nxt[0] is not None else None,
            grad * x * scale * _LN2 if nxt[1] is not None else None)


def ldexp_(input, other):
    return apply_inplace(input, ldexp, 'ldexp_', other)


ldexp_.__doc__ = inplace_doc('ldexp', 'ldexp_')


def nextafter(input, other, *, out=None):
    """The next floating-point value after ``input`` in the direction of ``other``.

    >>> ember.nextafter(ember.tensor([1.], dtype=ember.float64), ember.tensor([2.], dtype=ember.float64)) - 1
    tensor([2.2204e-16], dtype=torch.float64)
    """
    need_tensor(input, 'nextafter', 'input', 1)
    need_tensor(other, 'nextafter', 'other', 2)
    xa, xb = operands(input, other, 'nextafter')
    if result_kind(xa, xb) != 'f':
        raise not_implemented_for('nextafter_cpu', xa.dtype)
    res = wrap(broadcast_call('nextafter', xp_of(xa).nextafter, xa, xb))
    if out is not None:
        return write_out(out, res, (input, other), 'nextafter')
    if input._rg or other._rg:
        return record_not_implemented(res, 'nextafter', (input, other))
    return res


METHODS = {'signbit': signbit, 'frexp': frexp, 'ldexp': ldexp, 'ldexp_': ldexp_,
           'nextafter': nextafter, 'nextafter_': inplace_method(nextafter, 'nextafter_')}
