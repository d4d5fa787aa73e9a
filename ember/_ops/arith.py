"""Arithmetic operators: add, sub, mul, div, floor_divide, remainder, fmod, neg, with their
Python operator forms (``+ - * / // %``, reflected and in-place).

Powers (pow, square, reciprocal) live in ``power.py``; the helpers every elementwise module
shares (``out=``, in-place, PyTorch's messages) in ``_elementwise.py``.

>>> a = ember.tensor([1., 2.], requires_grad=True)
>>> (a * 3 + 1).grad_fn
<AddBackward0 object at ...>
"""
import operator

from ._base import Tensor, wrap, record, STATE, operands, bump_version, default_float, np, opmath
from ._elementwise import (_ERRSTATE, _IGNORE, apply_inplace, inplace_method, inplace_doc,
                           write_out, quiet, quiet_backward,
                           broadcast_call, broadcast_error, need_tensor, not_implemented_for,
                           record_not_implemented, result_kind, tname, pass_backward,
                           zero_backward)
from .power import reciprocal
from .._dtype import FLOATING, BF16_NP

# a bfloat16 scalar from operands: PyTorch's add/sub round a float scalar to bfloat16 as
# operands does, but mul/div keep it float32 (opmath)
_BF16S = BF16_NP.type if BF16_NP is not None else None

# Other modules import write_out, apply_inplace, tname, broadcast_error, not_implemented_for and
# record_not_implemented from here, and these two under their older names; all live in
# _elementwise.py.
_write_out = write_out
_generic_inplace = inplace_method

__all__ = ['add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'true_divide',
           'floor_divide', 'neg', 'negative', 'rsub', 'remainder', 'fmod', 'positive']

_SCALARS = (int, float, bool)


# ---- add / sub -------------------------------------------------------------
# add, sub, rsub, mul and div are the hottest ops: each spells out its few steps (operands,
# NumPy, broadcast error, record) instead of sharing a helper, whose call would cost ~0.1 us.
def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with broadcasting and PyTorch's type promotion.

    >>> ember.add(ember.tensor([1, 2]), 0.5)
    tensor([1.5000, 2.5000])
    """
    xa, xb = operands(input, other, 'add')
    if alpha != 1 or alpha is True:
        xb = _scale(xa, xb, alpha, 'add')
    try:
        res = wrap(xa + xb)
    except ValueError:
        raise broadcast_error('add', xa, xb) from None
    except RuntimeWarning:          # warnings are errors: see _elementwise.quiet
        res = wrap(quiet(np.add, xa, xb))
    if out is not None:
        return write_out(out, res, (input, other), 'add')
    return record(res, 'AddBackward0', _add_backward, (input, other), ctx=alpha)


def _add_backward(node, grad):
    alpha = node.ctx
    return grad, (grad if alpha == 1 else grad * alpha)


def _scale(xa, xb, alpha, op):
    """``alpha * xb`` with PyTorch's checks of ``alpha`` against the result dtype."""
    kind = result_kind(xa, xb)
    if alpha.__class__ is bool or isinstance(alpha, np.bool_):
        if kind != 'b':
            raise RuntimeError(f'Boolean alpha only supported for Boolean results. (in {op})')
    elif isinstance(alpha, (float, np.floating)) and kind in 'iub':
        raise RuntimeError(f'For integral input tensors, argument alpha must not be a floating '
                           f'point number. (in {op})')
    if kind == 'b':
        return np.logical_and(xb, bool(alpha))
    return quiet(operator.mul, xb, alpha)


def _is_bool(x):
    return x.__class__ is bool or (isinstance(x, Tensor) and x._data.dtype.kind == 'b')


def _check_bool_sub(input, other):
    """PyTorch refuses ``-`` with a bool operand (a mask is inverted with ``~``)."""
    a, b = _is_bool(input), _is_bool(other)
    if a and b and isinstance(input, Tensor) and isinstance(other, Tensor):
        raise RuntimeError('Subtraction, the `-` operator, with two bool tensors is not '
                           'supported. Use the `^` or `logical_xor()` operator instead.')
    if a or b:
        raise RuntimeError('Subtraction, the `-` operator, with a bool tensor is not supported. '
                           'If you are trying to invert a mask, use the `~` or `logical_not()` '
                           'operator instead.')


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``.

    >>> ember.sub(ember.tensor([3., 4.]), 1)
    tensor([2., 3.])
    """
    # _check_bool_sub's test, inlined: sub is a hot op and bool operands are rare
    if input.__class__ is bool or other.__class__ is bool or (
            isinstance(input, Tensor) and input._data.dtype.kind == 'b') or (
            isinstance(other, Tensor) and other._data.dtype.kind == 'b'):
        _check_bool_sub(input, other)
    xa, xb = operands(input, other, 'sub')
    if alpha != 1 or alpha is True:
        xb = _scale(xa, xb, alpha, 'sub')
    try:
        res = wrap(xa - xb)
    except ValueError:
        raise broadcast_error('sub', xa, xb) from None
    except RuntimeWarning:
        res = wrap(quiet(np.subtract, xa, xb))
    if out is not None:
        return write_out(out, res, (input, other), 'sub')
    return record(res, 'SubBackward0', _sub_backward, (input, other), ctx=alpha)


def _sub_backward(node, grad):
    alpha = node.ctx
    return grad, (-grad if alpha == 1 else grad * -alpha)


def rsub(input, other, *, alpha=1):
    """``other - alpha * input`` (what ``number - tensor`` calls).

    >>> ember.rsub(ember.tensor([1.]), 3)
    tensor([2.])
    """
    # as in sub (``1 - y`` is in the sigmoid and tanh backward formulas)
    if input.__class__ is bool or other.__class__ is bool or (
            isinstance(input, Tensor) and input._data.dtype.kind == 'b') or (
            isinstance(other, Tensor) and other._data.dtype.kind == 'b'):
        _check_bool_sub(input, other)
    xa, xb = operands(input, other, 'rsub')
    if alpha != 1 or alpha is True:
        xa = _scale(xb, xa, alpha, 'rsub')
    try:
        res = wrap(xb - xa)
    except ValueError:
        raise broadcast_error('rsub', xa, xb) from None
    except RuntimeWarning:
        res = wrap(quiet(np.subtract, xb, xa))
    return record(res, 'RsubBackward0' if isinstance(other, Tensor) else 'RsubBackward1',
                  _rsub_backward, (input, other), ctx=alpha)


def _rsub_backward(node, grad):
    alpha = node.ctx
    return (-grad if alpha == 1 else grad * -alpha), grad


# ---- mul / div ---------------------------------------------------------------
def mul(input, other, *, out=None):
    """Elementwise product with broadcasting.

    >>> ember.mul(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor([3., 8.])
    """
    xa, xb = operands(input, other, 'mul')
    try:
        res = wrap(xa * xb if xa.__class__ is not _BF16S is not xb.__class__
                   else opmath(np.multiply, xa, xb, input, other))
    except ValueError:
        raise broadcast_error('mul', xa, xb) from None
    except RuntimeWarning:
        res = wrap(quiet(_multiply, xa, xb, input, other))
    if out is not None:
        return write_out(out, res, (input, other), 'mul')
    # as PyTorch, save an operand only for the other one's gradient: ``d * 5`` does not save
    # ``d``, so changing ``d`` in place afterwards is allowed
    return record(res, 'MulBackward0', _mul_backward, (input, other), (input, other),
                  save_if=(1, 0))


def _multiply(xa, xb, input, other):
    """mul's arrays (the expression ``mul`` inlines)."""
    return (xa * xb if xa.__class__ is not _BF16S is not xb.__class__
            else opmath(np.multiply, xa, xb, input, other))


def _mul_backward(node, grad):
    a, b = node.saved()
    nxt = node.next
    return (grad * b if nxt[0] is not None else None), (grad * a if nxt[1] is not None else None)


def div(input, other, *, rounding_mode=None, out=None):
    """Division: true division by default (ints give floats), or ``'trunc'``/``'floor'``.

    >>> ember.div(ember.tensor([7, -7]), 2, rounding_mode='floor')
    tensor([ 3, -4])
    """
    xa, xb = operands(input, other, 'div')
    if rounding_mode is None:
        if result_kind(xa, xb) != 'f':
            f = default_float()
            if xa.__class__ not in _SCALARS:
                xa = xa.astype(f)
            if xb.__class__ not in _SCALARS:
                xb = xb.astype(f)
        try:
            res = wrap(quiet(np.true_divide, xa, xb) if xa.__class__ is not _BF16S is not xb.__class__
                       else quiet(opmath, np.true_divide, xa, xb, input, other))
        except ValueError:
            raise broadcast_error('div', xa, xb) from None
        if out is not None:
            return write_out(out, res, (input, other), 'div')
        # as mul: ``input`` is saved only for the divisor's gradient
        return record(res, 'DivBackward0', _div_backward, (input, other), (input, other),
                      save_if=(1, None))
    if rounding_mode == 'trunc':
        res = wrap(_rounded_div(xa, xb, 'div_trunc', _trunc_div))
    elif rounding_mode == 'floor':
        res = wrap(_rounded_div(xa, xb, 'div_floor', np.floor_divide))
    else:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                         f"but found '{rounding_mode}'")
    if out is not None:
        return write_out(out, res, (input, other), 'div')
    return record(res, 'DivBackward2', zero_backward, (input, other))


@quiet_backward
def _div_backward(node, grad):
    a, b = node.saved()
    nxt = node.next
    ga = grad / b if nxt[0] is not None else None
    gb = -grad * a / (b * b) if nxt[1] is not None else None
    return ga, gb


def _check_divisor(xa, xb, kernel):
    """PyTorch's errors of the division-like ops: no bool kernel, and an integer division by
    zero raises (NumPy would give 0). Returns whether the result is integral."""
    kind = result_kind(xa, xb)
    if kind == 'b':
        raise not_implemented_for(kernel, np.bool_)
    ints = kind in 'iu'
    if ints and (np.asarray(xb) == 0).any():
        raise RuntimeError('ZeroDivisionError')
    return ints


def _rounded_div(xa, xb, kernel, fn):
    ints = _check_divisor(xa, xb, kernel + '_cpu')
    return broadcast_call(kernel, fn, xa, xb, silent=not ints)


def _trunc_div(xa, xb):
    if result_kind(xa, xb) in 'iu':
        q = np.floor_divide(xa, xb)
        # floor and trunc differ where the division is inexact and the signs differ
        fix = (np.remainder(xa, xb) != 0) & ((np.asarray(xa) < 0) != (np.asarray(xb) < 0))
        return q + fix.astype(q.dtype)
    return np.trunc(np.true_divide(xa, xb))


def true_divide(input, other, *, out=None):
    """Alias of ``div`` without rounding.

    >>> ember.true_divide(ember.tensor([3]), 2)
    tensor([1.5000])
    """
    return div(input, other, out=out)


def floor_divide(input, other, *, out=None):
    """Division rounded down (``//``); PyTorch gives it no derivative.

    >>> ember.floor_divide(ember.tensor([7., -7.]), 2)
    tensor([ 3., -4.])
    """
    xa, xb = operands(input, other, 'floor_divide')
    res = wrap(_rounded_div(xa, xb, 'div_floor', np.floor_divide))
    if out is not None:
        return write_out(out, res, (input, other), 'floor_divide')
    return record_not_implemented(res, 'floor_divide', (input, other))


def _py_remainder(a, b):
    # fmod, moved to the divisor's sign (PyTorch's formula: keeps -0. and x % inf == inf for x<0)
    m = np.fmod(a, b)
    return np.where((m != 0) & ((np.asarray(b) < 0) != (m < 0)), m + b, m)


def remainder(input, other, *, out=None):
    """Python-style modulus: the result has the sign of the divisor.

    >>> ember.remainder(ember.tensor([-3., 3.]), 2)
    tensor([1., 1.])
    """
    xa, xb = operands(input, other, 'remainder')
    ints = _check_divisor(xa, xb, 'remainder_cpu')
    res = wrap(broadcast_call('remainder', np.remainder if ints else _py_remainder, xa, xb,
                              silent=not ints))
    if out is not None:
        return write_out(out, res, (input, other), 'remainder')
    if not isinstance(input, Tensor):
        return record_not_implemented(res, 'remainder', (input, other))
    if isinstance(other, Tensor):
        return record(res, 'RemainderBackward1', _mod_backward, (input, other), (input, other),
                      ctx='floor')
    return record(res, 'RemainderBackward0', pass_backward, (input,))


def _mod_backward(node, grad):
    # a mod b = a - b * round(a / b), with ctx the rounding: 'floor' (remainder), 'trunc' (fmod)
    a, b = node.saved()
    gb = -grad * div(a, b, rounding_mode=node.ctx) if node.next[1] is not None else None
    return grad, gb


def fmod(input, other, *, out=None):
    """C-style modulus: the result has the sign of the dividend.

    >>> ember.fmod(ember.tensor([-3., 3.]), 2)
    tensor([-1.,  1.])
    """
    need_tensor(input, 'fmod', 'input', 1)
    xa, xb = operands(input, other, 'fmod')
    _check_divisor(xa, xb, 'fmod_cpu')
    res = wrap(broadcast_call('fmod', np.fmod, xa, xb, silent=True))
    if out is not None:
        return write_out(out, res, (input, other), 'fmod')
    if isinstance(other, Tensor):
        return record(res, 'FmodBackward1', _mod_backward, (input, other), (input, other),
                      ctx='trunc')
    return record(res, 'FmodBackward0', pass_backward, (input,))


# ---- neg / positive -----------------------------------------------------------
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
        return write_out(out, res, (input,), 'neg')
    return record(res, 'NegBackward0', _neg_backward, (input,))


def _neg_backward(node, grad):
    return -grad


negative = neg


def positive(input):
    """Returns ``input`` itself (``+input``).

    >>> ember.positive(ember.tensor([-1.]))
    tensor([-1.])
    """
    if input._data.dtype.kind == 'b':
        raise RuntimeError('The `+` operator, on a bool tensor is not supported.')
    return input


# ---- in-place and reflected forms ---------------------------------------------------
def _inplace_binary(ufunc, fn, name, example=None):
    """add_/sub_/mul_: ``ufunc(self, other, out=self)`` when no graph is recorded and ``self``
    can hold the result as it is; else ``apply_inplace`` (the general path)."""
    def op_(self, other, **kwargs):
        if kwargs or (STATE.enabled and (self._rg or (isinstance(other, Tensor) and other._rg))):
            return apply_inplace(self, fn, name, other, **kwargs)
        arr = self._data
        xa, xb = operands(self, other, name)
        if xa is not arr or not arr.flags.writeable or arr.dtype.kind == 'b' \
                or xb.__class__ is bool:
            return apply_inplace(self, fn, name, other)
        if xb.__class__ not in _SCALARS and xb.dtype != arr.dtype:
            return apply_inplace(self, fn, name, other)
        token = _ERRSTATE.set(_IGNORE)      # PyTorch is silent about inf * 0 and the like
        try:
            ufunc(arr, xb, out=arr)
        except ValueError:
            return apply_inplace(self, fn, name, other)
        finally:
            _ERRSTATE.reset(token)
        bump_version(self)
        return self
    op_.__name__ = name
    op_.__doc__ = inplace_doc(fn.__name__, name, example)
    return op_


add_ = _inplace_binary(np.add, add, 'add_', ('3', 'tensor([4., 5.])'))
sub_ = _inplace_binary(np.subtract, sub, 'sub_', ('3', 'tensor([-2., -1.])'))
mul_ = _inplace_binary(np.multiply, mul, 'mul_', ('3', 'tensor([3., 6.])'))


def div_(self, other, *, rounding_mode=None):
    """In-place ``div``.

    >>> ember.tensor([3., 4.]).div_(2)
    tensor([1.5000, 2.0000])
    """
    if self._data.dtype not in FLOATING and rounding_mode is None:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f'{tname(self._data.dtype)} (in div_: integer tensors cannot hold '
                           'a true division; use div_(..., rounding_mode=\'floor\') or .float())')
    return apply_inplace(self, div, 'div_', other, rounding_mode=rounding_mode)


true_divide_ = div_


def _rdiv(self, other):
    """``number / tensor``: PyTorch records it as reciprocal then mul."""
    if isinstance(other, Tensor):
        return div(other, self)
    return mul(reciprocal(self), other)


neg_ = inplace_method(neg, 'neg_')
floor_divide_ = inplace_method(floor_divide, 'floor_divide_')
remainder_ = inplace_method(remainder, 'remainder_')

METHODS = {
    'add': add, 'sub': sub, 'subtract': sub, 'mul': mul, 'multiply': mul, 'div': div,
    'divide': div, 'true_divide': true_divide, 'floor_divide': floor_divide, 'neg': neg,
    'negative': neg, 'remainder': remainder, 'fmod': fmod, 'positive': positive,
    'add_': add_, 'sub_': sub_, 'subtract_': sub_, 'mul_': mul_, 'multiply_': mul_, 'div_': div_,
    'divide_': div_, 'true_divide_': true_divide_, 'floor_divide_': floor_divide_, 'neg_': neg_,
    'negative_': neg_, 'remainder_': remainder_, 'fmod_': inplace_method(fmod, 'fmod_'),
    '__add__': add, '__radd__': lambda self, other: add(other, self),
    '__sub__': sub, '__rsub__': rsub,
    '__mul__': mul, '__rmul__': lambda self, other: mul(other, self),
    '__truediv__': div, '__rtruediv__': _rdiv, '__div__': div, '__rdiv__': _rdiv,
    '__floordiv__': floor_divide, '__rfloordiv__': lambda self, other: floor_divide(other, self),
    '__mod__': remainder, '__rmod__': lambda self, other: remainder(other, self),
    '__neg__': neg, '__pos__': positive,
    '__iadd__': add_, '__isub__': sub_, '__imul__': mul_, '__itruediv__': div_,
    '__ifloordiv__': floor_divide_, '__imod__': remainder_,
}

subtract = sub
multiply = mul
divide = div
