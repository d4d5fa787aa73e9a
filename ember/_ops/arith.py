"""Arithmetic operators: add, sub, mul, div and friends, with their Python operator forms.

Also the helpers every elementwise module shares: :func:`quiet` (NumPy without floating-point
warnings, as PyTorch never warns), :func:`apply_inplace` (``x.op_()`` from ``op``), ``out=``
writing and PyTorch's error messages.

>>> a = ember.tensor([1., 2.], requires_grad=True)
>>> (a * 3 + 1).grad_fn
<AddBackward0 object at ...>
"""
import math
import warnings

from ._base import (Tensor, wrap, record, STATE, operands, xp_of, check_inplace, inplace_result,
                    bump_version, default_float, np)
from .. import _dtype as D

__all__ = ['add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'true_divide',
           'floor_divide', 'neg', 'negative', 'pow', 'float_power', 'rsub', 'remainder', 'fmod',
           'square', 'reciprocal', 'positive']

_SCALARS = (int, float, bool)

# ---- shared helpers -----------------------------------------------------------------
try:
    # NumPy >= 2 keeps its floating-point error state in a context variable; setting it
    # directly costs ~0.2 us where ``with np.errstate(...)`` costs ~1 us per call.
    from numpy._core._ufunc_config import _extobj_contextvar as _ERRSTATE
    from numpy._core.umath import _make_extobj
    _IGNORE = _make_extobj(all='ignore')
except (ImportError, AttributeError, TypeError):          # pragma: no cover - older NumPy
    _ERRSTATE = None


def quiet(fn, *args):
    """``fn(*args)`` with NumPy's floating-point warnings off (inf/nan results are silent,
    as in PyTorch)."""
    if _ERRSTATE is None:
        with np.errstate(all='ignore'):
            return fn(*args)
    token = _ERRSTATE.set(_IGNORE)
    try:
        return fn(*args)
    finally:
        _ERRSTATE.reset(token)


# The hot ops (add, sub, mul, ...) call NumPy without ``quiet``; inf/nan/overflow there must not
# print NumPy's RuntimeWarnings either (PyTorch never warns). This filter only matches warnings
# raised from these modules and costs nothing per call.
warnings.filterwarnings('ignore', category=RuntimeWarning,
                        module=r'ember\._ops\.(arith|binary|pointwise|comparison)$')

_TNAMES = {np.dtype(k): v for k, v in (
    ('bool', 'Bool'), ('uint8', 'Byte'), ('int8', 'Char'), ('int16', 'Short'), ('int32', 'Int'),
    ('int64', 'Long'), ('float16', 'Half'), ('float32', 'Float'), ('float64', 'Double'),
    ('uint16', 'UInt16'), ('uint32', 'UInt32'), ('uint64', 'UInt64'))}


def tname(dtype):
    """PyTorch's scalar-type name of a NumPy dtype ('Float', 'Long', ...), used in messages."""
    return _TNAMES.get(np.dtype(dtype), str(dtype))


def not_implemented_for(kernel, dtype):
    """PyTorch's error for a dtype a kernel has no implementation for."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{tname(dtype)}\'')


def broadcast_error(op, *xs):
    """PyTorch's RuntimeError for shapes that do not broadcast (instead of NumPy's ValueError)."""
    shapes = [tuple(getattr(x, 'shape', ())) for x in xs]
    n = max(len(s) for s in shapes)
    for i in range(1, n + 1):
        sizes = [s[-i] for s in shapes if len(s) >= i and s[-i] != 1]
        if len(set(sizes)) > 1:
            k = [j for j, s in enumerate(shapes) if len(s) >= i and s[-i] != 1]
            names = 'abcdefgh'
            return RuntimeError(
                f'The size of tensor {names[k[0]]} ({sizes[0]}) must match the size of tensor '
                f'{names[k[1]]} ({sizes[1]}) at non-singleton dimension {n - i} (in {op}: shapes '
                + ', '.join(str(list(s)) for s in shapes) + ' do not broadcast)')
    return RuntimeError(f'{op}: shapes ' + ', '.join(str(list(s)) for s in shapes)
                        + ' do not broadcast')


def need_tensor(x, op, arg, pos):
    """PyTorch's TypeError for a number where the op only accepts a Tensor."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f'{type(x).__name__}')


def result_kind(xa, xb):
    """dtype kind ('b', 'i', 'u', 'f') of a binary op's result, given ``operands``' output."""
    d = getattr(xa, 'dtype', None)
    return d.kind if d is not None else xb.dtype.kind


def quiet_backward(fn):
    """Run a backward formula without NumPy warnings (its masked-out branches may compute
    0 * inf or 0 / 0 that ``where`` then discards)."""
    def run(node, grad):
        return quiet(fn, node, grad)
    run.__name__ = fn.__name__
    return run


def _no_derivative(node, *grads):
    raise RuntimeError(f'derivative for aten::{node.ctx} is not implemented')


def record_not_implemented(out, aten, inputs):
    """Mark ``out`` as PyTorch does for ops without a derivative (floor_divide, heaviside):
    it requires grad, and backward through it raises."""
    return record(out, 'torch::autograd::NotImplemented', _no_derivative, inputs, ctx=aten)


def zeros_for(node, i, like=None):
    """A zero gradient with input ``i``'s shape and dtype (PyTorch's ``zeros_like``), on the
    backend of ``like`` (a Tensor) when given."""
    shape, dtype = node.meta[i]
    xp = np if like is None else xp_of(like._data)
    return wrap(xp.zeros(shape, dtype))


# ---- add / sub -------------------------------------------------------------
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
    return xb * alpha


def _is_bool(x):
    return x.__class__ is bool or (isinstance(x, Tensor) and x._data.dtype.kind == 'b')


def _check_bool_sub(input, other):
    if _is_bool(input) or _is_bool(other):
        if isinstance(input, Tensor) and isinstance(other, Tensor) and _is_bool(input) \
                and _is_bool(other):
            raise RuntimeError('Subtraction, the `-` operator, with two bool tensors is not '
                               'supported. Use the `^` or `logical_xor()` operator instead.')
        raise RuntimeError('Subtraction, the `-` operator, with a bool tensor is not supported. '
                           'If you are trying to invert a mask, use the `~` or `logical_not()` '
                           'operator instead.')


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``.

    >>> ember.sub(ember.tensor([3., 4.]), 1)
    tensor([2., 3.])
    """
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
        res = wrap(xa * xb)
    except ValueError:
        raise broadcast_error('mul', xa, xb) from None
    if out is not None:
        return write_out(out, res, (input, other), 'mul')
    return record(res, 'MulBackward0', _mul_backward, (input, other), (input, other))


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
            res = wrap(quiet(np.true_divide, xa, xb))
        except ValueError:
            raise broadcast_error('div', xa, xb) from None
        if out is not None:
            return write_out(out, res, (input, other), 'div')
        return record(res, 'DivBackward0', _div_backward, (input, other), (input, other))
    if rounding_mode == 'trunc':
        res = wrap(_rounded_div(xa, xb, 'div_trunc', _trunc_div))
    elif rounding_mode == 'floor':
        res = wrap(_rounded_div(xa, xb, 'div_floor', _floor_div))
    else:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                         f"but found '{rounding_mode}'")
    if out is not None:
        return write_out(out, res, (input, other), 'div')
    return record(res, 'DivBackward2', _zero_backward, (input, other))


@quiet_backward
def _div_backward(node, grad):
    a, b = node.saved()
    nxt = node.next
    ga = grad / b if nxt[0] is not None else None
    gb = -grad * a / (b * b) if nxt[1] is not None else None
    return ga, gb


def _zero_backward(node, grad):
    return tuple(None if e is None else zeros_for(node, i, grad) for i, e in enumerate(node.next))


def _rounded_div(xa, xb, kernel, fn):
    kind = result_kind(xa, xb)
    if kind == 'b':
        raise not_implemented_for(kernel + '_cpu', np.bool_)
    if kind in 'iu':
        if (np.asarray(xb) == 0).any():
            raise RuntimeError('ZeroDivisionError')
        return fn(xa, xb)
    try:
        return quiet(fn, xa, xb)
    except ValueError:
        raise broadcast_error(kernel, xa, xb) from None


def _trunc_div(xa, xb):
    if result_kind(xa, xb) in 'iu':
        q = np.floor_divide(xa, xb)
        # floor and trunc differ where the division is inexact and the signs differ
        fix = (np.remainder(xa, xb) != 0) & ((np.asarray(xa) < 0) != (np.asarray(xb) < 0))
        return q + fix.astype(q.dtype)
    return np.trunc(np.true_divide(xa, xb))


def _floor_div(xa, xb):
    return np.floor_divide(xa, xb)


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
    res = wrap(_rounded_div(xa, xb, 'div_floor', _floor_div))
    if out is not None:
        return write_out(out, res, (input, other), 'floor_divide')
    return record_not_implemented(res, 'floor_divide', (input, other))


def _int_zero_check(xa, xb):
    if result_kind(xa, xb) in 'iu' and (np.asarray(xb) == 0).any():
        raise RuntimeError('ZeroDivisionError')


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
    kind = result_kind(xa, xb)
    if kind == 'b':
        raise not_implemented_for('remainder_cpu', np.bool_)
    _int_zero_check(xa, xb)
    try:
        arr = np.remainder(xa, xb) if kind in 'iu' else quiet(_py_remainder, xa, xb)
    except ValueError:
        raise broadcast_error('remainder', xa, xb) from None
    res = wrap(arr)
    if out is not None:
        return write_out(out, res, (input, other), 'remainder')
    if not isinstance(input, Tensor):
        return record_not_implemented(res, 'remainder', (input, other))
    if isinstance(other, Tensor):
        return record(res, 'RemainderBackward1', _remainder_backward, (input, other),
                      (input, other))
    return record(res, 'RemainderBackward0', _pass_backward, (input,))


def _pass_backward(node, grad):
    return grad


def _remainder_backward(node, grad):
    a, b = node.saved()
    gb = -grad * div(a, b, rounding_mode='floor') if node.next[1] is not None else None
    return grad, gb


def fmod(input, other, *, out=None):
    """C-style modulus: the result has the sign of the dividend.

    >>> ember.fmod(ember.tensor([-3., 3.]), 2)
    tensor([-1.,  1.])
    """
    need_tensor(input, 'fmod', 'input', 1)
    xa, xb = operands(input, other, 'fmod')
    if result_kind(xa, xb) == 'b':
        raise not_implemented_for('fmod_cpu', np.bool_)
    _int_zero_check(xa, xb)
    try:
        res = wrap(quiet(np.fmod, xa, xb))
    except ValueError:
        raise broadcast_error('fmod', xa, xb) from None
    if out is not None:
        return write_out(out, res, (input, other), 'fmod')
    if isinstance(other, Tensor):
        return record(res, 'FmodBackward1', _fmod_backward, (input, other), (input, other))
    return record(res, 'FmodBackward0', _pass_backward, (input,))


def _fmod_backward(node, grad):
    a, b = node.saved()
    gb = -grad * div(a, b, rounding_mode='trunc') if node.next[1] is not None else None
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
        try:
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
    kind = xb.dtype.kind
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
    """In-place ``float_power`` (``self`` must be float64)."""
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
    if x.dtype.kind != 'f':
        x = x.astype(default_float())
    res = wrap(quiet(np.reciprocal, x))
    if out is not None:
        return write_out(out, res, (input,), 'reciprocal')
    return record(res, 'ReciprocalBackward0', _reciprocal_backward, (input,), save_output=True)


@quiet_backward
def _reciprocal_backward(node, grad):
    (out,) = node.saved()
    return -grad * (out * out)


# ---- out= and in-place --------------------------------------------------------
def write_out(out, res, inputs=(), op='op'):
    """Write ``res`` into the ``out=`` tensor (PyTorch's dtype check; resized if needed)."""
    if STATE.enabled and (out._rg or any(isinstance(t, Tensor) and t._rg for t in inputs)):
        raise RuntimeError(f"{op}(): functions with out=... arguments don't support automatic "
                           'differentiation, but one of the arguments requires grad.')
    arr, src = out._data, res._data
    if src.dtype != arr.dtype and not D.can_cast(D._BY_NP[src.dtype], D._BY_NP[arr.dtype]):
        raise RuntimeError(f"result type {tname(src.dtype)} can't be cast to the desired output "
                           f'type {tname(arr.dtype)}')
    if arr.shape != src.shape:
        out._data = src.astype(arr.dtype, copy=True)
    else:
        arr[...] = src
    bump_version(out)
    return out


_write_out = write_out        # older name, still used by other modules


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
        if xa is not arr or not arr.flags.writeable or arr.dtype.kind == 'b' \
                or xb.__class__ is bool:
            return apply_inplace(self, fn, name, other)
        if xb.__class__ not in _SCALARS and xb.dtype != arr.dtype:
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
                           f'{tname(self._data.dtype)} (in div_: integer tensors cannot hold '
                           'a true division; use div_(..., rounding_mode=\'floor\') or .float())')
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


def _rdiv(self, other):
    """``number / tensor``: PyTorch records it as reciprocal then mul."""
    if isinstance(other, Tensor):
        return div(other, self)
    return mul(reciprocal(self), other)


def _rsub(self, other):
    return rsub(self, other)


METHODS = {
    'add': add, 'sub': sub, 'subtract': sub, 'mul': mul, 'multiply': mul, 'div': div,
    'divide': div, 'true_divide': true_divide, 'floor_divide': floor_divide, 'neg': neg,
    'negative': neg, 'pow': pow, 'float_power': float_power, 'remainder': remainder,
    'fmod': fmod, 'square': square, 'reciprocal': reciprocal, 'positive': positive,
    'add_': add_, 'sub_': sub_, 'subtract_': sub_, 'mul_': mul_, 'multiply_': mul_, 'div_': div_,
    'divide_': div_, 'true_divide_': true_divide_, 'floor_divide_': floor_divide_, 'neg_': neg_,
    'negative_': neg_, 'pow_': pow_, 'remainder_': remainder_, 'fmod_': fmod_,
    'square_': square_, 'reciprocal_': reciprocal_, 'float_power_': float_power_,
    '__add__': add, '__radd__': lambda self, other: add(other, self),
    '__sub__': sub, '__rsub__': _rsub,
    '__mul__': mul, '__rmul__': lambda self, other: mul(other, self),
    '__truediv__': div, '__rtruediv__': _rdiv, '__div__': div, '__rdiv__': _rdiv,
    '__floordiv__': floor_divide, '__rfloordiv__': lambda self, other: floor_divide(other, self),
    '__mod__': remainder, '__rmod__': lambda self, other: remainder(other, self),
    '__pow__': pow, '__rpow__': lambda self, other: pow(other, self),
    '__neg__': neg, '__pos__': positive,
    '__iadd__': add_, '__isub__': sub_, '__imul__': mul_, '__itruediv__': div_,
    '__ifloordiv__': floor_divide_, '__imod__': remainder_, '__ipow__': pow_,
}

subtract = sub
multiply = mul
divide = div

# binary.py imports the helpers above, so its ``where`` (used by the pow backwards) comes last.
from .binary import where  # noqa: E402
