"""Binary and ternary elementwise ops: maximum/minimum, clamp, where, lerp, addcmul, atan2, ...

Gradients split and mask exactly as PyTorch's: ``maximum``/``minimum`` share the gradient
equally on ties, ``clamp`` passes it at the bounds, ``fmax``/``fmin`` give ties to ``input``.

>>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=0, max=1)
tensor([0.0000, 0.5000, 1.0000])
"""
import warnings

from ._base import Tensor, wrap, record, operands, xp_of, np
from .. import _dtype as D
from .arith import (apply_inplace, write_out, quiet, tname, not_implemented_for, broadcast_error,
                    need_tensor, record_not_implemented, zeros_for, result_kind,
                    quiet_backward)

__all__ = ['maximum', 'minimum', 'fmax', 'fmin', 'atan2', 'arctan2', 'hypot', 'lerp', 'addcmul',
           'addcdiv', 'where', 'clamp', 'clip', 'clamp_min', 'clamp_max', 'copysign', 'xlogy',
           'logaddexp', 'logaddexp2', 'heaviside']

def _binary(op, input, other, fn):
    """``fn(xa, xb)`` on promoted operands, with PyTorch's broadcasting error."""
    xa, xb = operands(input, other, op)
    try:
        return xa, xb, quiet(fn, xa, xb)
    except ValueError:
        raise broadcast_error(op, xa, xb) from None


def _floats(xa, xb):
    """Operands of an op whose integer inputs give the default float dtype."""
    if result_kind(xa, xb) != 'f':
        f = D._default[0].np
        xa = xa.astype(f) if hasattr(xa, 'astype') else xa
        xb = xb.astype(f) if hasattr(xb, 'astype') else xb
    return xa, xb


def _mask(arr):
    return wrap(arr)


# ---- where ----------------------------------------------------------------------------
def where(condition, input=None, other=None, *, out=None):
    """``input`` where ``condition`` is True, else ``other`` (numbers allowed on either side).

    ``where(condition)`` alone is ``nonzero(condition, as_tuple=True)``.

    >>> ember.where(ember.tensor([True, False]), ember.tensor([1., 2.]), 0.)
    tensor([1., 0.])
    """
    need_tensor(condition, 'where', 'condition', 1)
    c = condition._data
    if input is None and other is None:
        return tuple(wrap(i.astype(np.int64, copy=False)) for i in xp_of(c).nonzero(c))
    if input is None or other is None:
        raise TypeError('where() takes a condition and two values (input, other), or the '
                        'condition alone')
    if c.dtype.kind != 'b':
        if c.dtype != np.uint8:
            raise RuntimeError(f'where expected condition to be a boolean tensor, but got a '
                               f'tensor with dtype {tname(c.dtype)}')
        warnings.warn('where received a uint8 condition tensor. This behavior is deprecated and '
                      'will be removed in a future version of PyTorch. Use a boolean condition '
                      'instead.', UserWarning, stacklevel=2)
        c = c.astype(bool)
        condition = wrap(c)
    if isinstance(input, Tensor) or isinstance(other, Tensor):
        xa, xb = operands(input, other, 'where')
        rt = None
    else:
        rt = D.result_type(input, other).np
        xa, xb = np.asarray(input, rt), np.asarray(other, rt)
    xp = xp_of(c)
    try:
        arr = xp.where(c, xa, xb)
    except ValueError:
        raise broadcast_error('where', c, xa, xb) from None
    if rt is not None and arr.dtype != rt:
        arr = arr.astype(rt)
    res = wrap(arr)
    if out is not None:
        return write_out(out, res, (input, other), 'where')
    return record(res, 'WhereBackward0', _where_backward, (condition, input, other), (condition,))


def _where_backward(node, grad):
    (c,) = node.saved()
    nxt = node.next
    ga = where(c, grad, 0.0) if nxt[1] is not None else None
    gb = where(c, 0.0, grad) if nxt[2] is not None else None
    return None, ga, gb


# ---- maximum / minimum / fmax / fmin --------------------------------------------------
def maximum(input, other, *, out=None):
    """Elementwise maximum; NaN wins (see ``fmax`` to ignore NaN).

    >>> ember.maximum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
    tensor([3., 5.])
    """
    need_tensor(input, 'maximum', 'input', 1)
    need_tensor(other, 'maximum', 'other', 2)
    _, _, arr = _binary('maximum', input, other, np.maximum)
    if out is not None:
        return write_out(out, wrap(arr), (input, other), 'maximum')
    return record(wrap(arr), 'MaximumBackward0', _maximum_backward, (input, other),
                  (input, other))


def minimum(input, other, *, out=None):
    """Elementwise minimum; NaN wins (see ``fmin`` to ignore NaN).

    >>> ember.minimum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
    tensor([1., 2.])
    """
    need_tensor(input, 'minimum', 'input', 1)
    need_tensor(other, 'minimum', 'other', 2)
    _, _, arr = _binary('minimum', input, other, np.minimum)
    if out is not None:
        return write_out(out, wrap(arr), (input, other), 'minimum')
    return record(wrap(arr), 'MinimumBackward0', _minimum_backward, (input, other),
                  (input, other))


def _extremum_backward(node, grad, sign):
    a, b = node.saved()
    xa, xb = a._data, b._data
    half = where(_mask(xa == xb), grad / 2, grad)         # ties share the gradient
    nxt = node.next
    lose_a = (xa < xb) if sign > 0 else (xa > xb)
    lose_b = (xa > xb) if sign > 0 else (xa < xb)
    ga = where(_mask(lose_a), 0.0, half) if nxt[0] is not None else None
    gb = where(_mask(lose_b), 0.0, half) if nxt[1] is not None else None
    return ga, gb


def _maximum_backward(node, grad):
    return _extremum_backward(node, grad, 1)


def _minimum_backward(node, grad):
    return _extremum_backward(node, grad, -1)


def fmax(input, other, *, out=None):
    """Elementwise maximum ignoring NaN (NaN only where both are NaN).

    >>> ember.fmax(ember.tensor([1., float('nan')]), ember.tensor([3., 2.]))
    tensor([3., 2.])
    """
    need_tensor(input, 'fmax', 'input', 1)
    need_tensor(other, 'fmax', 'other', 2)
    _, _, arr = _binary('fmax', input, other, np.fmax)
    if out is not None:
        return write_out(out, wrap(arr), (input, other), 'fmax')
    return record(wrap(arr), 'FmaxBackward0', _fmax_backward, (input, other), (input, other),
                  ctx=1)


def fmin(input, other, *, out=None):
    """Elementwise minimum ignoring NaN (NaN only where both are NaN).

    >>> ember.fmin(ember.tensor([1., float('nan')]), ember.tensor([3., 2.]))
    tensor([1., 2.])
    """
    need_tensor(input, 'fmin', 'input', 1)
    need_tensor(other, 'fmin', 'other', 2)
    _, _, arr = _binary('fmin', input, other, np.fmin)
    if out is not None:
        return write_out(out, wrap(arr), (input, other), 'fmin')
    return record(wrap(arr), 'FminBackward0', _fmax_backward, (input, other), (input, other),
                  ctx=-1)


def _fmax_backward(node, grad):
    a, b = node.saved()
    xa, xb = a._data, b._data
    with np.errstate(invalid='ignore'):
        wins = ((xa >= xb) if node.ctx > 0 else (xa <= xb)) | (xb != xb)   # input wins ties
    wins = _mask(wins)
    nxt = node.next
    ga = where(wins, grad, 0.0) if nxt[0] is not None else None
    gb = where(wins, 0.0, grad) if nxt[1] is not None else None
    return ga, gb


# ---- clamp ------------------------------------------------------------------------------
def _clamp_args_error(input, min, max, op):
    kinds = [(k, 'Tensor' if isinstance(v, Tensor) else type(v).__name__)
             for k, v in (('min', min), ('max', max)) if v is not None]
    got = ', '.join(['Tensor'] + [f'{k}={t}' for k, t in kinds])
    return TypeError(f'{op}() received an invalid combination of arguments - got ({got}), but '
                     'expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, '
                     '*, Tensor out = None)\n * (Tensor input, Number min = None, Number max = '
                     'None, *, Tensor out = None)\n(give both bounds as numbers or both as '
                     'tensors)')


def _clamp_forward(input, lo, hi, op):
    """The clamped array: max(input, lo) then min(., hi), in the promoted dtype."""
    need_tensor(input, op, 'input', 1)
    bounds = [b for b in (lo, hi) if b is not None]
    rt = D.result_type(input, *bounds).np
    x = input._data
    if x.dtype != rt:
        x = x.astype(rt)
    xp = xp_of(x)
    try:
        if lo is not None:
            x = xp.maximum(x, lo._data.astype(rt, copy=False) if isinstance(lo, Tensor)
                           else np.asarray(lo).astype(rt)[()])
        if hi is not None:
            x = xp.minimum(x, hi._data.astype(rt, copy=False) if isinstance(hi, Tensor)
                           else np.asarray(hi).astype(rt)[()])
    except ValueError:
        raise broadcast_error(op, *([input] + bounds)) from None
    if x is input._data:
        x = x.copy()
    return x


def clamp(input, min=None, max=None, *, out=None):
    """Limit values to ``[min, max]`` (numbers or tensors; either bound may be None).

    >>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=0, max=1)
    tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tmin, tmax = isinstance(min, Tensor), isinstance(max, Tensor)
    if (tmin or tmax) and ((min is not None and not tmin) or (max is not None and not tmax)):
        raise _clamp_args_error(input, min, max, 'clamp')
    res = wrap(_clamp_forward(input, min, max, 'clamp'))
    if out is not None:
        return write_out(out, res, (input, min, max), 'clamp')
    if tmin or tmax:
        return record(res, 'ClampBackward0', _clamp_tensor_backward, (input, min, max),
                      (input, min, max))
    return record(res, 'ClampBackward1', _clamp_backward, (input,), (input,), ctx=(min, max))


clip = clamp


def _inside(x, lo, hi):
    """Bool tensor: lo <= x <= hi (bounds given may be None); NaN is outside."""
    xd = x._data
    m = None
    if lo is not None:
        m = xd >= (lo._data if isinstance(lo, Tensor) else lo)
    if hi is not None:
        h = xd <= (hi._data if isinstance(hi, Tensor) else hi)
        m = h if m is None else m & h
    return wrap(m)


def _clamp_backward(node, grad):
    (x,) = node.saved()
    lo, hi = node.ctx
    return where(_inside(x, lo, hi), grad, 0.0)


def _clamp_tensor_backward(node, grad):
    x, lo, hi = node.saved()
    nxt = node.next
    gx = where(_inside(x, lo, hi), grad, 0.0) if nxt[0] is not None else None
    gmin = gmax = None
    xd = x._data
    if lo is not None and nxt[1] is not None:
        m = xd < lo._data
        if hi is not None:
            m = m & (lo._data < hi._data)          # with min > max the result is max
        gmin = where(_mask(m), grad, 0.0)
    if hi is not None and nxt[2] is not None:
        m = xd > hi._data
        if lo is not None:
            m = m | (hi._data < lo._data)
        gmax = where(_mask(m), grad, 0.0)
    return gx, gmin, gmax


def clamp_min(input, min):
    """``clamp(input, min=min)``.

    >>> ember.clamp_min(ember.tensor([-1., 2.]), 0)
    tensor([0., 2.])
    """
    res = wrap(_clamp_forward(input, min, None, 'clamp_min'))
    if isinstance(min, Tensor):
        return record(res, 'ClampMinBackward1', _clamp_bound_backward, (input, min), (input, min),
                      ctx=1)
    return record(res, 'ClampMinBackward0', _clamp_backward, (input,), (input,), ctx=(min, None))


def clamp_max(input, max):
    """``clamp(input, max=max)``.

    >>> ember.clamp_max(ember.tensor([-1., 2.]), 0)
    tensor([-1.,  0.])
    """
    res = wrap(_clamp_forward(input, None, max, 'clamp_max'))
    if isinstance(max, Tensor):
        return record(res, 'ClampMaxBackward1', _clamp_bound_backward, (input, max), (input, max),
                      ctx=-1)
    return record(res, 'ClampMaxBackward0', _clamp_backward, (input,), (input,), ctx=(None, max))


def _clamp_bound_backward(node, grad):
    x, b = node.saved()
    xd, bd = x._data, b._data
    keep = (xd >= bd) if node.ctx > 0 else (xd <= bd)
    keep = _mask(keep)
    nxt = node.next
    gx = where(keep, grad, 0.0) if nxt[0] is not None else None
    gb = where(keep, 0.0, grad) if nxt[1] is not None else None
    return gx, gb


# ---- atan2 / hypot ---------------------------------------------------------------------
def atan2(input, other, *, out=None):
    """Angle of the point (other, input), in (-pi, pi].

    >>> ember.atan2(ember.tensor([1.]), ember.tensor([1.]))
    tensor([0.7854])
    """
    need_tensor(input, 'atan2', 'input', 1)
    need_tensor(other, 'atan2', 'other', 2)
    xa, xb = _floats(*operands(input, other, 'atan2'))
    try:
        res = wrap(quiet(np.arctan2, xa, xb))
    except ValueError:
        raise broadcast_error('atan2', xa, xb) from None
    if out is not None:
        return write_out(out, res, (input, other), 'atan2')
    return record(res, 'Atan2Backward0', _atan2_backward, (input, other), (input, other))


@quiet_backward
def _atan2_backward(node, grad):
    a, b = node.saved()
    r = (a * a + b * b).reciprocal()
    nxt = node.next
    return (grad * b * r if nxt[0] is not None else None,
            grad * -a * r if nxt[1] is not None else None)


arctan2 = atan2


def hypot(input, other, *, out=None):
    """``sqrt(input**2 + other**2)`` without intermediate overflow.

    >>> ember.hypot(ember.tensor([3.]), ember.tensor([4.]))
    tensor([5.])
    """
    need_tensor(input, 'hypot', 'input', 1)
    need_tensor(other, 'hypot', 'other', 2)
    xa, xb = operands(input, other, 'hypot')
    if result_kind(xa, xb) != 'f':
        raise not_implemented_for('hypot_cpu', xa.dtype)
    try:
        res = wrap(quiet(np.hypot, xa, xb))
    except ValueError:
        raise broadcast_error('hypot', xa, xb) from None
    if out is not None:
        return write_out(out, res, (input, other), 'hypot')
    return record(res, 'HypotBackward0', _hypot_backward, (input, other), (input, other),
                  save_output=True)


@quiet_backward
def _hypot_backward(node, grad):
    a, b, out = node.saved()
    nxt = node.next
    return (grad * a / out if nxt[0] is not None else None,
            grad * b / out if nxt[1] is not None else None)


# ---- lerp / addcmul / addcdiv ------------------------------------------------------------
_CNAMES = {'Float': 'float', 'Double': 'double', 'Half': 'c10::Half', 'Long': 'long int',
           'Int': 'int', 'Short': 'short int', 'Char': 'signed char', 'Byte': 'unsigned char',
           'Bool': 'bool'}


def _same_dtype(x, t, what, op):
    if t._data.dtype != x._data.dtype:
        a, b = tname(x._data.dtype), tname(t._data.dtype)
        raise RuntimeError(f'expected dtype {_CNAMES.get(a, a)} for `{what}` but got dtype '
                           f'{_CNAMES.get(b, b)} (in {op}: convert it with .to({x.dtype}))')


def lerp(input, end, weight, *, out=None):
    """Linear interpolation ``input + weight * (end - input)``.

    >>> ember.lerp(ember.tensor([0., 10.]), ember.tensor([10., 20.]), 0.5)
    tensor([ 5., 15.])
    """
    need_tensor(input, 'lerp', 'input', 1)
    need_tensor(end, 'lerp', 'end', 2)
    _same_dtype(input, end, 'end', 'lerp')
    tw = isinstance(weight, Tensor)
    if tw:
        _same_dtype(input, weight, 'weight', 'lerp')
    s, e = input._data, end._data
    if s.dtype.kind != 'f':
        raise not_implemented_for('lerp_kernel_tensor' if tw else 'lerp_kernel_scalar', s.dtype)
    dtype = s.dtype
    if dtype == np.float16:                  # computed in float32, as PyTorch's opmath
        s, e = s.astype(np.float32), e.astype(np.float32)
    try:
        d = e - s
        if tw:
            w = weight._data.astype(s.dtype, copy=False)
            arr = np.where(np.abs(w) < 0.5, s + w * d, e - d * (1 - w))
        else:
            w = float(weight)
            arr = s + w * d if abs(w) < 0.5 else e - d * (1 - w)
    except ValueError:
        raise broadcast_error('lerp', *((s, e, weight._data) if tw else (s, e))) from None
    res = wrap(np.asarray(arr).astype(dtype, copy=False))
    if out is not None:
        return write_out(out, res, (input, end, weight), 'lerp')
    if tw:
        return record(res, 'LerpBackward1', _lerp_tensor_backward, (input, end, weight),
                      (input, end, weight))
    return record(res, 'LerpBackward0', _lerp_backward, (input, end), ctx=w)


def _lerp_backward(node, grad):
    w = node.ctx
    nxt = node.next
    return (grad * (1 - w) if nxt[0] is not None else None,
            grad * w if nxt[1] is not None else None)


def _lerp_tensor_backward(node, grad):
    s, e, w = node.saved()
    nxt = node.next
    return (grad * (1 - w) if nxt[0] is not None else None,
            grad * w if nxt[1] is not None else None,
            grad * (e - s) if nxt[2] is not None else None)


def _three(op, input, tensor1, tensor2):
    need_tensor(input, op, 'input', 1)
    need_tensor(tensor1, op, 'tensor1', 2)
    need_tensor(tensor2, op, 'tensor2', 3)
    rt = D.result_type(input, tensor1, tensor2).np
    return tuple(t._data if t._data.dtype == rt else t._data.astype(rt)
                 for t in (input, tensor1, tensor2))


def _value(value, dtype):
    """``value`` converted to the op's dtype as PyTorch does (0.5 becomes 0 for ints)."""
    if dtype.kind in 'iu':
        return int(value)
    if dtype.kind == 'b':
        return bool(value)
    return float(value)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2``.

    >>> ember.addcmul(ember.tensor([1.]), ember.tensor([2.]), ember.tensor([3.]), value=0.5)
    tensor([4.])
    """
    x, a, b = _three('addcmul', input, tensor1, tensor2)
    v = _value(value, x.dtype)
    try:
        arr = quiet(lambda: x + (v * a) * b if v != 1 else x + a * b)
    except ValueError:
        raise broadcast_error('addcmul', x, a, b) from None
    res = wrap(arr.astype(x.dtype, copy=False))
    if out is not None:
        return write_out(out, res, (input, tensor1, tensor2), 'addcmul')
    return record(res, 'AddcmulBackward0', _addcmul_backward, (input, tensor1, tensor2),
                  (tensor1, tensor2), ctx=v)


def _addcmul_backward(node, grad):
    a, b = node.saved()
    v = node.ctx
    nxt = node.next
    return (grad,
            grad * b * v if nxt[1] is not None else None,
            grad * a * v if nxt[2] is not None else None)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2``.

    >>> ember.addcdiv(ember.tensor([1.]), ember.tensor([3.]), ember.tensor([2.]), value=2)
    tensor([4.])
    """
    need_tensor(tensor1, 'addcdiv', 'tensor1', 2)
    need_tensor(tensor2, 'addcdiv', 'tensor2', 3)
    if tensor1._data.dtype.kind in 'biu' and tensor2._data.dtype.kind in 'biu':
        raise RuntimeError(
            'Integer division with addcdiv is no longer supported, and in a future  release '
            'addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv '
            'behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))'
            '.to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) '
            'for float inputs. The future addcdiv behavior is just the latter implementation: '
            '(input + value * tensor1 / tensor2), for all dtypes.')
    x, a, b = _three('addcdiv', input, tensor1, tensor2)
    v = _value(value, x.dtype)
    try:
        arr = quiet(lambda: x + (v * a) / b)
    except ValueError:
        raise broadcast_error('addcdiv', x, a, b) from None
    res = wrap(arr.astype(x.dtype, copy=False))
    if out is not None:
        return write_out(out, res, (input, tensor1, tensor2), 'addcdiv')
    return record(res, 'AddcdivBackward0', _addcdiv_backward, (input, tensor1, tensor2),
                  (tensor1, tensor2), ctx=v)


@quiet_backward
def _addcdiv_backward(node, grad):
    a, b = node.saved()
    v = node.ctx
    nxt = node.next
    return (grad,
            grad * v / b if nxt[1] is not None else None,
            -grad * v * a / (b * b) if nxt[2] is not None else None)


# ---- copysign / xlogy / logaddexp / heaviside ----------------------------------------------
def copysign(input, other, *, out=None):
    """``|input|`` with the sign of ``other`` (a float result, also for ints).

    >>> ember.copysign(ember.tensor([1., -2.]), -1)
    tensor([-1., -2.])
    """
    need_tensor(input, 'copysign', 'input', 1)
    xa, xb = _floats(*operands(input, other, 'copysign'))
    try:
        res = wrap(np.copysign(xa, xb))
    except ValueError:
        raise broadcast_error('copysign', xa, xb) from None
    if out is not None:
        return write_out(out, res, (input, other), 'copysign')
    if isinstance(other, Tensor):
        return record(res, 'CopysignBackward0', _copysign_backward, (input, other), (input,),
                      save_output=True)
    return record(res, 'CopysignBackward1', _copysign_backward, (input,), (input,),
                  save_output=True)


@quiet_backward
def _copysign_backward(node, grad):
    x, out = node.saved()
    ratio = where(_mask(x._data == 0), 0.0, out / x)
    gx = grad * ratio if node.next[0] is not None else None
    if len(node.next) == 1:
        return gx
    return gx, (zeros_for(node, 1, grad) if node.next[1] is not None else None)


def _xlogy_arr(x, y):
    xp = xp_of(x) if hasattr(x, 'dtype') else xp_of(y)
    r = x * xp.log(y)
    r = xp.where(xp.asarray(x) == 0, 0, r)
    return xp.where(xp.asarray(y) != y, y, r).astype(r.dtype, copy=False)


def xlogy(input, other, *, out=None):
    """``input * log(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN).

    >>> ember.xlogy(ember.tensor([0., 2.]), ember.tensor([0., 1.]))
    tensor([0., 0.])
    """
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        need_tensor(input, 'xlogy', 'self', 1)
    xa, xb = _floats(*operands(input, other, 'xlogy'))
    # a number operand as a 0-d array of the result dtype (np.log of a float gives float64)
    if not hasattr(xa, 'dtype'):
        xa = np.asarray(xa, dtype=xb.dtype)
    elif not hasattr(xb, 'dtype'):
        xb = np.asarray(xb, dtype=xa.dtype)
    try:
        res = wrap(quiet(_xlogy_arr, xa, xb))
    except ValueError:
        raise broadcast_error('xlogy', xa, xb) from None
    if out is not None:
        return write_out(out, res, (input, other), 'xlogy')
    if not isinstance(input, Tensor):
        return record(res, 'XlogyBackward1', _xlogy_other_backward, (input, other),
                      (input, other))
    if not isinstance(other, Tensor):
        return record(res, 'XlogyBackward2', _xlogy_self_backward, (input,), (input, other))
    return record(res, 'XlogyBackward0', _xlogy_backward, (input, other), (input, other))


def _xlogy_grad_self(grad, x, y):
    # PyTorch: xlogy(grad, other), zero where self == 0 and other <= 0
    yd = y._data if isinstance(y, Tensor) else y
    return where(_mask((x._data == 0) & (yd <= 0)), 0.0, xlogy(grad, y))


@quiet_backward
def _xlogy_self_backward(node, grad):
    x, y = node.saved()
    return _xlogy_grad_self(grad, x, y)


@quiet_backward
def _xlogy_other_backward(node, grad):
    x, y = node.saved()
    return None, grad * x / y


@quiet_backward
def _xlogy_backward(node, grad):
    x, y = node.saved()
    nxt = node.next
    return (_xlogy_grad_self(grad, x, y) if nxt[0] is not None else None,
            grad * x / y if nxt[1] is not None else None)


def _float_binary(op, kernel, input, other, fn):
    need_tensor(input, op, 'input', 1)
    need_tensor(other, op, 'other', 2)
    xa, xb = operands(input, other, op)
    if result_kind(xa, xb) != 'f':
        raise not_implemented_for(kernel, xa.dtype)
    try:
        return wrap(quiet(fn, xa, xb))
    except ValueError:
        raise broadcast_error(op, xa, xb) from None


def logaddexp(input, other, *, out=None):
    """``log(exp(input) + exp(other))`` without overflow.

    >>> ember.logaddexp(ember.tensor([0.]), ember.tensor([0.]))
    tensor([0.6931])
    """
    res = _float_binary('logaddexp', 'logaddexp_cpu', input, other, np.logaddexp)
    if out is not None:
        return write_out(out, res, (input, other), 'logaddexp')
    return record(res, 'LogaddexpBackward0', _logaddexp_backward, (input, other), (input, other))


@quiet_backward
def _logaddexp_backward(node, grad):
    a, b = node.saved()
    nxt = node.next
    return (grad / ((b - a).exp() + 1) if nxt[0] is not None else None,
            grad / ((a - b).exp() + 1) if nxt[1] is not None else None)


def logaddexp2(input, other, *, out=None):
    """``log2(2**input + 2**other)`` without overflow.

    >>> ember.logaddexp2(ember.tensor([1.]), ember.tensor([1.]))
    tensor([2.])
    """
    res = _float_binary('logaddexp2', 'logaddexp2_cpu', input, other, np.logaddexp2)
    if out is not None:
        return write_out(out, res, (input, other), 'logaddexp2')
    return record(res, 'Logaddexp2Backward0', _logaddexp2_backward, (input, other),
                  (input, other))


@quiet_backward
def _logaddexp2_backward(node, grad):
    a, b = node.saved()
    nxt = node.next
    return (grad / ((b - a).exp2() + 1) if nxt[0] is not None else None,
            grad / ((a - b).exp2() + 1) if nxt[1] is not None else None)


def heaviside(input, values, *, out=None):
    """Step function: 0 for negative input, 1 for positive, ``values`` where input is 0.

    >>> ember.heaviside(ember.tensor([-1., 0., 2.]), ember.tensor(0.5))
    tensor([0.0000, 0.5000, 1.0000])
    """
    need_tensor(input, 'heaviside', 'input', 1)
    need_tensor(values, 'heaviside', 'values', 2)
    x, v = input._data, values._data
    if x.dtype != v.dtype:
        raise RuntimeError('heaviside is not yet implemented for tensors with different dtypes. '
                           f'(got {input.dtype} and {values.dtype}: convert one with .to())')
    xp = xp_of(x)
    try:
        arr = xp.where(x == 0, v, x > 0).astype(x.dtype, copy=False)
    except ValueError:
        raise broadcast_error('heaviside', x, v) from None
    res = wrap(arr)
    if out is not None:
        return write_out(out, res, (input, values), 'heaviside')
    return record_not_implemented(res, 'heaviside', (input, values))


def _where_method(self, condition, other):
    """``where(condition, self, other)``.

    >>> ember.tensor([1., 2.]).where(ember.tensor([True, False]), 0.)
    tensor([1., 0.])
    """
    return where(condition, self, other)


def _inplace(fn, name):
    def op_(self, *args, **kwargs):
        return apply_inplace(self, fn, name, *args, **kwargs)
    op_.__name__ = name
    op_.__doc__ = f'In-place ``{fn.__name__}``: writes the result into ``self`` and returns it.'
    return op_


METHODS = {
    'maximum': maximum, 'minimum': minimum, 'fmax': fmax, 'fmin': fmin, 'atan2': atan2,
    'arctan2': atan2, 'hypot': hypot, 'lerp': lerp, 'addcmul': addcmul, 'addcdiv': addcdiv,
    'where': _where_method,
    'clamp': clamp, 'clip': clamp, 'clamp_min': clamp_min, 'clamp_max': clamp_max,
    'copysign': copysign, 'xlogy': xlogy, 'logaddexp': logaddexp, 'logaddexp2': logaddexp2,
    'heaviside': heaviside,
}
for _name in ('atan2', 'arctan2', 'hypot', 'lerp', 'addcmul', 'addcdiv', 'clamp', 'clip',
              'clamp_min', 'clamp_max', 'copysign', 'xlogy', 'heaviside'):
    METHODS[_name + '_'] = _inplace(METHODS[_name], _name + '_')
del _name
