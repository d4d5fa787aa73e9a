"""Arithmetic operators: add, sub, mul, div and friends, with their Python operator forms.

>>> a = ember.tensor([1., 2.], requires_grad=True)
>>> (a * 3 + 1).grad_fn
<AddBackward0 object at ...>
"""
from ._base import (Tensor, wrap, record, STATE, operands, scalar_value, xp_of, check_inplace,
                    inplace_result, bump_version, default_float, np)
from .. import _dtype as D

__all__ = ['add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'true_divide',
           'floor_divide', 'neg', 'negative', 'pow', 'float_power', 'rsub', 'remainder', 'fmod',
           'square', 'reciprocal', 'positive']


def _is_tensor(x):
    return isinstance(x, Tensor)


# ---- add / sub -------------------------------------------------------------
def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with broadcasting and PyTorch's type promotion.

    >>> ember.add(ember.tensor([1, 2]), 0.5)
    tensor([1.5000, 2.5000])
    """
    xa, xb = operands(input, other, 'add')
    if alpha != 1:
        _check_alpha(xa, xb, alpha, 'add')
        xb = xb * alpha
    res = wrap(xa + xb)
    if out is not None:
        return _write_out(out, res)
    return record(res, 'AddBackward0', _add_backward, (input, other), ctx=alpha)


def _add_backward(node, grad):
    alpha = node.ctx
    return grad, (grad if alpha == 1 else grad * alpha)


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``.

    >>> ember.sub(ember.tensor([3., 4.]), 1)
    tensor([2., 3.])
    """
    if (isinstance(input, Tensor) and input._data.dtype.kind == 'b') or (
            isinstance(other, Tensor) and other._data.dtype.kind == 'b'):
        raise RuntimeError('Subtraction, the `-` operator, with a bool tensor is not supported. '
                           'If you are trying to invert a mask, use the `~` or `logical_not()` '
                           'operator instead.')
    xa, xb = operands(input, other, 'sub')
    if alpha != 1:
        _check_alpha(xa, xb, alpha, 'sub')
        xb = xb * alpha
    res = wrap(xa - xb)
    if out is not None:
        return _write_out(out, res)
    return record(res, 'SubBackward0', _sub_backward, (input, other), ctx=alpha)


def _sub_backward(node, grad):
    alpha = node.ctx
    return grad, (-grad if alpha == 1 else grad * -alpha)


def rsub(input, other, *, alpha=1):
    """``other - alpha * input`` (what ``number - tensor`` calls).

    >>> ember.rsub(ember.tensor([1.]), 3)
    tensor([2.])
    """
    xa, xb = operands(input, other, 'rsub')
    if alpha != 1:
        xa = xa * alpha
    res = wrap(xb - xa)
    return record(res, 'RsubBackward1' if not _is_tensor(other) else 'RsubBackward0',
                  _rsub_backward, (input, other), ctx=alpha)


def _rsub_backward(node, grad):
    alpha = node.ctx
    return (-grad if alpha == 1 else grad * -alpha), grad


def _check_alpha(xa, xb, alpha, op):
    kind = np.result_type(xa, xb).kind if not isinstance(xb, (int, float, bool)) else xa.dtype.kind
    if isinstance(alpha, float) and kind in 'iub':
        raise RuntimeError(f'For integral input tensors, argument alpha must not be a floating '
                           f'point number. (in {op})')


# ---- mul / div ---------------------------------------------------------------
def mul(input, other, *, out=None):
    """Elementwise product with broadcasting.

    >>> ember.mul(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor([3., 8.])
    """
    xa, xb = operands(input, other, 'mul')
    res = wrap(xa * xb)
    if out is not None:
        return _write_out(out, res)
    return record(res, 'MulBackward0', _mul_backward, (input, other), (input, other))


def _mul_backward(node, grad):
    a, b = node.saved()
    ga = grad * b if node.next[0] is not None else None
    gb = grad * a if node.next[1] is not None else None
    return ga, gb


def div(input, other, *, rounding_mode=None, out=None):
    """Division: true division by default (ints give floats), or ``'trunc'``/``'floor'``.

    >>> ember.div(ember.tensor([7, -7]), 2, rounding_mode='floor')
    tensor([ 3, -4])
    """
    xa, xb = operands(input, other, 'div')
    if rounding_mode is None:
        if _int_kind(xa) and _int_kind(xb):
            f = default_float()
            xa = xa.astype(f) if not isinstance(xa, (int, bool)) else xa
            xb = xb.astype(f) if not isinstance(xb, (int, bool)) else xb
        res = wrap(_true_div(xa, xb))
        if out is not None:
            return _write_out(out, res)
        return record(res, 'DivBackward0', _div_backward, (input, other), (input, other))
    if rounding_mode == 'trunc':
        res = wrap(_trunc_div(xa, xb))
        name = 'DivBackward2'
    elif rounding_mode == 'floor':
        res = wrap(_floor_div(xa, xb))
        name = 'DivBackward2'
    else:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    if out is not None:
        return _write_out(out, res)
    return record(res, name, _zero_backward, (input, other))


def _int_kind(x):
    if isinstance(x, bool) or isinstance(x, int):
        return True
    if isinstance(x, float):
        return False
    return x.dtype.kind in 'iub'


def _true_div(xa, xb):
    with np.errstate(divide='ignore', invalid='ignore'):
        return xa / xb


def _trunc_div(xa, xb):
    if _int_kind(xa) and _int_kind(xb):
        _check_int_zero(xb)
        return _int_trunc(xa, xb)
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.trunc(xa / xb)


def _int_trunc(xa, xb):
    q = np.floor_divide(xa, xb)
    fix = (np.remainder(xa, xb) != 0) & ((np.asarray(xa) < 0) != (np.asarray(xb) < 0))
    return q + fix.astype(q.dtype)


def _floor_div(xa, xb):
    if _int_kind(xa) and _int_kind(xb):
        _check_int_zero(xb)
        return np.floor_divide(xa, xb)
    with np.errstate(divide='ignore', invalid='ignore'):
        # PyTorch computes floor division of floats as floor(a / b) corrected like Python's //
        return np.floor_divide(xa, xb)


def _check_int_zero(xb):
    if (np.asarray(xb) == 0).any():
        raise RuntimeError('ZeroDivisionError')


def _div_backward(node, grad):
    a, b = node.saved()
    ga = grad / b if node.next[0] is not None else None
    gb = None
    if node.next[1] is not None:
        gb = -grad * a / (b * b)
    return ga, gb


def _zero_backward(node, grad):
    return tuple(None if e is None else grad * 0 for e in node.next)


def true_divide(input, other, *, out=None):
    """Alias of ``div`` without rounding."""
    return div(input, other, out=out)


def floor_divide(input, other, *, out=None):
    """``div(input, other, rounding_mode='floor')``.

    >>> ember.floor_divide(ember.tensor([7., -7.]), 2)
    tensor([ 3., -4.])
    """
    return div(input, other, rounding_mode='floor', out=out)


def remainder(input, other, *, out=None):
    """Python-style modulus: the result has the sign of the divisor.

    >>> ember.remainder(ember.tensor([-3., 3.]), 2)
    tensor([1., 1.])
    """
    xa, xb = operands(input, other, 'remainder')
    if _int_kind(xa) and _int_kind(xb):
        _check_int_zero(xb)
    with np.errstate(divide='ignore', invalid='ignore'):
        res = wrap(np.remainder(xa, xb))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'RemainderBackward0', _remainder_backward, (input, other), (input, other))


def _remainder_backward(node, grad):
    a, b = node.saved()
    gb = None
    if node.next[1] is not None:
        gb = -grad * div(a, b, rounding_mode='floor')
    return grad, gb


def fmod(input, other, *, out=None):
    """C-style modulus: the result has the sign of the dividend.

    >>> ember.fmod(ember.tensor([-3., 3.]), 2)
    tensor([-1.,  1.])
    """
    xa, xb = operands(input, other, 'fmod')
    if _int_kind(xa) and _int_kind(xb):
        _check_int_zero(xb)
    with np.errstate(divide='ignore', invalid='ignore'):
        res = wrap(np.fmod(xa, xb))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'FmodBackward0', _fmod_backward, (input, other), (input, other))


def _fmod_backward(node, grad):
    a, b = node.saved()
    gb = None
    if node.next[1] is not None:
        gb = -grad * div(a, b, rounding_mode='trunc')
    return grad, gb


# ---- neg / pow ----------------------------------------------------------------
def neg(input, *, out=None):
    """``-input``.

    >>> ember.neg(ember.tensor([1., -2.]))
    tensor([-1.,  2.])
    """
    x = input._data
    if x.dtype.kind == 'b':
        raise RuntimeError('Negation, the `-` operator, on a bool tensor is not supported. If you '
                           'are trying to invert a mask, use the `~` or `logical_not()` operator '
                           'instead.')
    res = wrap(-x)
    if out is not None:
        return _write_out(out, res)
    return record(res, 'NegBackward0', _neg_backward, (input,))


def _neg_backward(node, grad):
    return -grad


negative = neg


def positive(input):
    """Returns ``input`` itself (``+input``)."""
    if input._data.dtype.kind == 'b':
        raise TypeError('The `+` operator, on a bool tensor is not supported.')
    return input


def pow(input, exponent, *, out=None):
    """``input ** exponent`` elementwise (tensor or number on either side).

    >>> ember.pow(ember.tensor([1., 2., 3.]), 2)
    tensor([1., 4., 9.])
    """
    if not isinstance(input, Tensor):
        return _rpow(input, exponent)
    xa, xb = operands(input, exponent, 'pow')
    if isinstance(xb, (int, bool)) and xa.dtype.kind in 'iu' and xb < 0:
        raise RuntimeError('Integers to negative integer powers are not allowed.')
    if not isinstance(xb, (int, float, bool)) and xa.dtype.kind in 'iu' and xb.dtype.kind in 'iu' \
            and (xb < 0).any():
        raise RuntimeError('Integers to negative integer powers are not allowed.')
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        res = wrap(xa ** xb)
    if out is not None:
        return _write_out(out, res)
    if isinstance(exponent, Tensor):
        return record(res, 'PowBackward1', _pow_tensor_backward, (input, exponent),
                      (input, exponent), save_output=True)
    return record(res, 'PowBackward0', _pow_backward, (input,), (input,), ctx=xb)


def _pow_backward(node, grad):
    (x,) = node.saved()
    e = node.ctx
    if e == 0:
        return grad * 0
    if e == 2:
        return grad * 2 * x
    return grad * e * x ** (e - 1)


def _pow_tensor_backward(node, grad):
    a, b, out = node.saved()
    ga = gb = None
    if node.next[0] is not None:
        ga = grad * b * a ** (b - 1)
        ga = ga.masked_fill(b == 0, 0)
    if node.next[1] is not None:
        la = a.log()
        gb = grad * out * la.masked_fill((a == 0) & (b >= 0), 0)
    return ga, gb


def _rpow(base, exponent):
    """``number ** tensor``."""
    xa, xb = operands(base, exponent, 'pow')
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        res = wrap(np.power(xa, xb) if not isinstance(xa, (int, float, bool)) else
                   np.power(np.asarray(xa, dtype=xb.dtype), xb))
    return record(res, 'PowBackward2', _rpow_backward, (base, exponent), save_output=True,
                  ctx=base)


def _rpow_backward(node, grad):
    (out,) = node.saved()
    import math
    b = node.ctx
    lb = math.log(b) if b > 0 else (float('-inf') if b == 0 else float('nan'))
    return None, grad * out * lb


def float_power(input, exponent):
    """``pow`` computed in float64.

    >>> ember.float_power(ember.tensor([2]), 3)
    tensor([8.], dtype=torch.float64)
    """
    a = input.double() if isinstance(input, Tensor) else float(input)
    b = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b)


def square(input):
    """``input * input`` (ints stay ints, bools become int64).

    >>> ember.square(ember.tensor([-2., 3.]))
    tensor([4., 9.])
    """
    if input._data.dtype.kind == 'b':
        input = input.long()
    return pow(input, 2)


def reciprocal(input):
    """``1 / input`` (ints give floats).

    >>> ember.reciprocal(ember.tensor([2., 4.]))
    tensor([0.5000, 0.2500])
    """
    x = input._data
    if x.dtype.kind != 'f':
        x = x.astype(default_float())
    with np.errstate(divide='ignore'):
        res = wrap(1 / x)
    return record(res, 'ReciprocalBackward0', _reciprocal_backward, (input,), save_output=True)


def _reciprocal_backward(node, grad):
    (out,) = node.saved()
    return -grad * out * out


# ---- out= and in-place --------------------------------------------------------
def _write_out(out, res):
    if STATE.enabled and (res._rg or out._rg):
        raise RuntimeError('out= arguments do not support automatic differentiation')
    if out._data.shape != res._data.shape:
        out._data = res._data.astype(out._data.dtype, copy=False)
    else:
        out._data[...] = res._data
    bump_version(out)
    return out


def apply_inplace(t, fn, name, *args, **kwargs):
    """Run the out-of-place ``fn(t, *args)`` and write the result into ``t`` (PyTorch's
    ``x.op_()`` semantics: same memory, bumped version, new grad_fn)."""
    check_inplace(t, name)
    if STATE.enabled and (t._rg or any(isinstance(a, Tensor) and a._rg for a in args)):
        src = wrap(t._data.copy())          # the value before the write, for the backward
        src.grad_fn, src._rg, src._out_nr = t.grad_fn, t._rg, t._out_nr
        return inplace_result(t, fn(src, *args, **kwargs), name)
    prev = STATE.enabled
    STATE.enabled = False
    try:
        res = fn(t, *args, **kwargs)
    finally:
        STATE.enabled = prev
    return inplace_result(t, res, name)


def _inplace_binary(ufunc, fn, name):
    def op_(self, other, **kwargs):
        if kwargs or (STATE.enabled and (self._rg or (isinstance(other, Tensor) and other._rg))):
            return apply_inplace(self, fn, name, other, **kwargs)
        arr = self._data
        xa, xb = operands(self, other, name)
        if xa is not arr or not arr.flags.writeable:
            return apply_inplace(self, fn, name, other)
        if not isinstance(xb, (int, float, bool)) and xb.dtype != arr.dtype:
            return apply_inplace(self, fn, name, other)
        try:
            ufunc(arr, xb, out=arr)
        except ValueError:
            return apply_inplace(self, fn, name, other)
        bump_version(self)
        return self
    op_.__name__ = name
    op_.__doc__ = f'In-place ``{fn.__name__}``: writes the result into ``self`` and returns it.'
    return op_


add_ = _inplace_binary(np.add, add, 'add_')
sub_ = _inplace_binary(np.subtract, sub, 'sub_')
mul_ = _inplace_binary(np.multiply, mul, 'mul_')


def div_(self, other, *, rounding_mode=None):
    """In-place ``div``."""
    if self._data.dtype.kind != 'f' and rounding_mode is None:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{self.dtype.name.capitalize()} (in div_)")
    return apply_inplace(self, div, 'div_', other, rounding_mode=rounding_mode)


def _generic_inplace(fn, name):
    def op_(self, *args, **kwargs):
        return apply_inplace(self, fn, name, *args, **kwargs)
    op_.__name__ = name
    op_.__doc__ = f'In-place ``{fn.__name__}``: writes the result into ``self`` and returns it.'
    return op_


neg_ = _generic_inplace(neg, 'neg_')
pow_ = _generic_inplace(pow, 'pow_')
remainder_ = _generic_inplace(remainder, 'remainder_')
fmod_ = _generic_inplace(fmod, 'fmod_')
square_ = _generic_inplace(square, 'square_')
reciprocal_ = _generic_inplace(reciprocal, 'reciprocal_')
floor_divide_ = _generic_inplace(floor_divide, 'floor_divide_')
true_divide_ = div_


def _r(fn):
    def rop(self, other):
        return fn(other, self)
    rop.__name__ = '__r' + fn.__name__ + '__'
    return rop


METHODS = {
    'add': add, 'sub': sub, 'subtract': sub, 'mul': mul, 'multiply': mul, 'div': div,
    'divide': div, 'true_divide': true_divide, 'floor_divide': floor_divide, 'neg': neg,
    'negative': neg, 'pow': pow, 'float_power': float_power, 'remainder': remainder,
    'fmod': fmod, 'square': square, 'reciprocal': reciprocal, 'positive': positive,
    'add_': add_, 'sub_': sub_, 'subtract_': sub_, 'mul_': mul_, 'multiply_': mul_, 'div_': div_,
    'divide_': div_, 'true_divide_': true_divide_, 'floor_divide_': floor_divide_, 'neg_': neg_,
    'negative_': neg_, 'pow_': pow_, 'remainder_': remainder_, 'fmod_': fmod_,
    'square_': square_, 'reciprocal_': reciprocal_,
    '__add__': add, '__radd__': lambda self, other: add(other, self),
    '__sub__': sub, '__rsub__': lambda self, other: rsub(self, other),
    '__mul__': mul, '__rmul__': lambda self, other: mul(other, self),
    '__truediv__': div, '__rtruediv__': lambda self, other: div(other, self) if isinstance(other, Tensor) else _rdiv_scalar(self, other),
    '__floordiv__': floor_divide, '__rfloordiv__': lambda self, other: floor_divide(other, self),
    '__mod__': remainder, '__rmod__': lambda self, other: remainder(other, self),
    '__pow__': pow, '__rpow__': lambda self, other: pow(other, self),
    '__neg__': neg, '__pos__': positive,
    '__iadd__': add_, '__isub__': sub_, '__imul__': mul_, '__itruediv__': div_,
    '__ifloordiv__': floor_divide_, '__imod__': remainder_, '__ipow__': pow_,
}


def _rdiv_scalar(self, other):
    """``number / tensor``: PyTorch records it as reciprocal then mul."""
    return mul(reciprocal(self), other)


subtract = sub
multiply = mul
divide = div
