"""Binary and ternary elementwise ops: where, maximum/minimum, fmax/fmin, atan2, hypot, lerp,
addcmul, addcdiv, copysign, xlogy, logaddexp, heaviside (clamp is in ``clamp.py``).

Gradients split and mask exactly as PyTorch's: ``maximum``/``minimum`` share the gradient
equally on ties, ``fmax``/``fmin`` give ties to ``input``.

>>> ember.maximum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
tensor([3., 5.])
"""
import warnings

from ._base import Tensor, wrap, record, operands, xp_of, np
from .. import _dtype as D
from ._elementwise import (inplace_method, write_out, quiet, quiet_backward, broadcast_call,
                           broadcast_error, float_operands, need_tensor, not_implemented_for,
                           record_not_implemented, result_kind, tname, zeros_for)
from .._dtype import FLOATING

__all__ = ['maximum', 'minimum', 'fmax', 'fmin', 'atan2', 'arctan2', 'hypot', 'lerp', 'addcmul',
           'addcdiv', 'where', 'copysign', 'xlogy', 'logaddexp', 'logaddexp2', 'heaviside']


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
    try:                                     # inlined broadcast_call: many backwards use where
        arr = xp_of(c).where(c, xa, xb)
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
    return (None,) + route_grad(grad, c, node.next[1:])


def route_grad(grad, mask, nxt):
    """The gradients of an op that picks its first input where ``mask`` is True and its second
    elsewhere (``nxt``: the two inputs' edges; None where an input needs no gradient)."""
    return (where(mask, grad, 0.0) if nxt[0] is not None else None,
            where(mask, 0.0, grad) if nxt[1] is not None else None)


# ---- ops of two tensors: maximum, minimum, fmax, fmin, atan2, hypot, logaddexp ------------
def _tensor_pair_op(name, fn, grad_fn, backward, doc, *, kernel=None, floats=False, ctx=None,
                    save_output=False):
    """``ember.<name>(input, other, *, out=None)``: ``fn`` on two tensors (PyTorch refuses a
    number here), recorded with both inputs saved. Integer inputs raise PyTorch's
    NotImplementedError for ``kernel`` when given, or become the default float dtype when
    ``floats``."""
    def op(input, other, *, out=None):
        need_tensor(input, name, 'input', 1)
        need_tensor(other, name, 'other', 2)
        xa, xb = operands(input, other, name)
        if kernel is not None and result_kind(xa, xb) != 'f':
            raise not_implemented_for(kernel, xa.dtype)
        if floats:
            xa, xb = float_operands(xa, xb)
        try:
            res = wrap(quiet(fn, xa, xb))
        except ValueError:
            raise broadcast_error(name, xa, xb) from None
        if out is not None:
            return write_out(out, res, (input, other), name)
        return record(res, grad_fn, backward, (input, other), (input, other), ctx=ctx,
                      save_output=save_output)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


def _extremum_backward(node, grad):
    # ctx: 1 for maximum, -1 for minimum. Ties share the gradient; NaN sends it to both.
    a, b = node.saved()
    xa, xb = a._data, b._data
    half = where(wrap(xa == xb), grad / 2, grad)
    lose_a, lose_b = (xa < xb, xa > xb) if node.ctx > 0 else (xa > xb, xa < xb)
    nxt = node.next
    return (where(wrap(lose_a), 0.0, half) if nxt[0] is not None else None,
            where(wrap(lose_b), 0.0, half) if nxt[1] is not None else None)


def _fmax_backward(node, grad):
    # ctx: 1 for fmax, -1 for fmin. Ties go to input, and so does a NaN ``other``.
    a, b = node.saved()
    xa, xb = a._data, b._data
    with np.errstate(invalid='ignore'):
        wins = ((xa >= xb) if node.ctx > 0 else (xa <= xb)) | (xb != xb)
    return route_grad(grad, wrap(wins), node.next)


maximum = _tensor_pair_op('maximum', np.maximum, 'MaximumBackward0', _extremum_backward, ctx=1,
                          doc="""Elementwise maximum; NaN wins (see ``fmax`` to ignore NaN).

    >>> ember.maximum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
    tensor([3., 5.])
    """)
minimum = _tensor_pair_op('minimum', np.minimum, 'MinimumBackward0', _extremum_backward, ctx=-1,
                          doc="""Elementwise minimum; NaN wins (see ``fmin`` to ignore NaN).

    >>> ember.minimum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
    tensor([1., 2.])
    """)
fmax = _tensor_pair_op('fmax', np.fmax, 'FmaxBackward0', _fmax_backward, ctx=1,
                       doc="""Elementwise maximum ignoring NaN (NaN only where both are NaN).

    >>> ember.fmax(ember.tensor([1., float('nan')]), ember.tensor([3., 2.]))
    tensor([3., 2.])
    """)
fmin = _tensor_pair_op('fmin', np.fmin, 'FminBackward0', _fmax_backward, ctx=-1,
                       doc="""Elementwise minimum ignoring NaN (NaN only where both are NaN).

    >>> ember.fmin(ember.tensor([1., float('nan')]), ember.tensor([3., 2.]))
    tensor([1., 2.])
    """)


@quiet_backward
def _atan2_backward(node, grad):
    a, b = node.saved()
    r = (a * a + b * b).reciprocal()
    nxt = node.next
    return (grad * b * r if nxt[0] is not None else None,
            grad * -a * r if nxt[1] is not None else None)


@quiet_backward
def _hypot_backward(node, grad):
    a, b, out = node.saved()
    nxt = node.next
    return (grad * a / out if nxt[0] is not None else None,
            grad * b / out if nxt[1] is not None else None)


@quiet_backward
def _logaddexp_backward(node, grad):
    # d/da log(e^a + e^b) = 1 / (e^(b - a) + 1); ctx 'exp2' gives logaddexp2's (base 2)
    a, b = node.saved()
    exp = getattr(Tensor, node.ctx)
    nxt = node.next
    return (grad / (exp(b - a) + 1) if nxt[0] is not None else None,
            grad / (exp(a - b) + 1) if nxt[1] is not None else None)


atan2 = _tensor_pair_op('atan2', np.arctan2, 'Atan2Backward0', _atan2_backward, floats=True,
                        doc="""Angle of the point (other, input), in (-pi, pi].

    >>> ember.atan2(ember.tensor([1.]), ember.tensor([1.]))
    tensor([0.7854])
    """)
arctan2 = atan2
hypot = _tensor_pair_op('hypot', np.hypot, 'HypotBackward0', _hypot_backward,
                        kernel='hypot_cpu', save_output=True,
                        doc="""``sqrt(input**2 + other**2)`` without intermediate overflow.

    >>> ember.hypot(ember.tensor([3.]), ember.tensor([4.]))
    tensor([5.])
    """)
logaddexp = _tensor_pair_op('logaddexp', np.logaddexp, 'LogaddexpBackward0', _logaddexp_backward,
                            kernel='logaddexp_cpu', ctx='exp',
                            doc="""``log(exp(input) + exp(other))`` without overflow.

    >>> ember.logaddexp(ember.tensor([0.]), ember.tensor([0.]))
    tensor([0.6931])
    """)
logaddexp2 = _tensor_pair_op('logaddexp2', np.logaddexp2, 'Logaddexp2Backward0',
                             _logaddexp_backward, kernel='logaddexp2_cpu', ctx='exp2',
                             doc="""``log2(2**input + 2**other)`` without overflow.

    >>> ember.logaddexp2(ember.tensor([1.]), ember.tensor([1.]))
    tensor([2.])
    """)


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
    if s.dtype not in FLOATING:
        raise not_implemented_for('lerp_kernel_tensor' if tw else 'lerp_kernel_scalar', s.dtype)
    dtype = s.dtype
    if dtype == np.float16:                  # computed in float32, as PyTorch's opmath
        s, e = s.astype(np.float32), e.astype(np.float32)
    # PyTorch's formula counts from the nearer end, so that weight 1 gives ``end`` exactly
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


def _value(value, dtype):
    """``value`` converted to the op's dtype as PyTorch does (0.5 becomes 0 for ints)."""
    if dtype.kind in 'iu':
        return int(value)
    if dtype.kind == 'b':
        return bool(value)
    return float(value)


def _addc(op, fn, grad_fn, backward, input, tensor1, tensor2, value, out):
    """addcmul/addcdiv: ``fn(input, tensor1, tensor2, value)`` on the three tensors in their
    promoted dtype."""
    need_tensor(input, op, 'input', 1)
    need_tensor(tensor1, op, 'tensor1', 2)
    need_tensor(tensor2, op, 'tensor2', 3)
    rt = D.result_type(input, tensor1, tensor2).np
    x, a, b = (t._data if t._data.dtype == rt else t._data.astype(rt)
               for t in (input, tensor1, tensor2))
    v = _value(value, x.dtype)
    arr = broadcast_call(op, lambda x, a, b: fn(x, a, b, v), x, a, b, silent=True)
    res = wrap(arr.astype(x.dtype, copy=False))
    if out is not None:
        return write_out(out, res, (input, tensor1, tensor2), op)
    return record(res, grad_fn, backward, (input, tensor1, tensor2), (tensor1, tensor2), ctx=v)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2``.

    >>> ember.addcmul(ember.tensor([1.]), ember.tensor([2.]), ember.tensor([3.]), value=0.5)
    tensor([4.])
    """
    return _addc('addcmul', _addcmul_arr, 'AddcmulBackward0', _addcmul_backward,
                 input, tensor1, tensor2, value, out)


def _addcmul_arr(x, a, b, v):
    return x + (v * a) * b if v != 1 else x + a * b


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
    return _addc('addcdiv', _addcdiv_arr, 'AddcdivBackward0', _addcdiv_backward,
                 input, tensor1, tensor2, value, out)


def _addcdiv_arr(x, a, b, v):
    return x + (v * a) / b


@quiet_backward
def _addcdiv_backward(node, grad):
    a, b = node.saved()
    v = node.ctx
    nxt = node.next
    return (grad,
            grad * v / b if nxt[1] is not None else None,
            -grad * v * a / (b * b) if nxt[2] is not None else None)


# ---- copysign / xlogy / heaviside ----------------------------------------------------------
def copysign(input, other, *, out=None):
    """``|input|`` with the sign of ``other`` (a float result, also for ints).

    >>> ember.copysign(ember.tensor([1., -2.]), -1)
    tensor([-1., -2.])
    """
    need_tensor(input, 'copysign', 'input', 1)
    xa, xb = float_operands(*operands(input, other, 'copysign'))
    res = wrap(broadcast_call('copysign', np.copysign, xa, xb))
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
    ratio = where(wrap(x._data == 0), 0.0, out / x)
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
    xa, xb = float_operands(*operands(input, other, 'xlogy'))
    # a number operand as a 0-d array of the result dtype (np.log of a float gives float64)
    if not hasattr(xa, 'dtype'):
        xa = np.asarray(xa, dtype=xb.dtype)
    elif not hasattr(xb, 'dtype'):
        xb = np.asarray(xb, dtype=xa.dtype)
    res = wrap(broadcast_call('xlogy', _xlogy_arr, xa, xb, silent=True))
    if out is not None:
        return write_out(out, res, (input, other), 'xlogy')
    if not isinstance(input, Tensor):
        return record(res, 'XlogyBackward1', _xlogy_backward, (input, other), (input, other))
    if not isinstance(other, Tensor):
        return record(res, 'XlogyBackward2', _xlogy_backward, (input,), (input, other))
    return record(res, 'XlogyBackward0', _xlogy_backward, (input, other), (input, other))


@quiet_backward
def _xlogy_backward(node, grad):
    x, y = node.saved()
    nxt = node.next
    gx = None
    if nxt[0] is not None:
        # PyTorch: xlogy(grad, other), zero where self == 0 and other <= 0
        yd = y._data if isinstance(y, Tensor) else y
        gx = where(wrap((x._data == 0) & (yd <= 0)), 0.0, xlogy(grad, y))
    if len(nxt) == 1:                      # XlogyBackward2: ``other`` was a number
        return gx
    return gx, (grad * x / y if nxt[1] is not None else None)


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
    arr = broadcast_call('heaviside', lambda x, v: xp_of(x).where(x == 0, v, x > 0), x, v)
    res = wrap(arr.astype(x.dtype, copy=False))
    if out is not None:
        return write_out(out, res, (input, values), 'heaviside')
    return record_not_implemented(res, 'heaviside', (input, values))


def _where_method(self, condition, other):
    """``where(condition, self, other)``.

    >>> ember.tensor([1., 2.]).where(ember.tensor([True, False]), 0.)
    tensor([1., 0.])
    """
    return where(condition, self, other)


METHODS = {
    'maximum': maximum, 'minimum': minimum, 'fmax': fmax, 'fmin': fmin, 'atan2': atan2,
    'arctan2': atan2, 'hypot': hypot, 'lerp': lerp, 'addcmul': addcmul, 'addcdiv': addcdiv,
    'where': _where_method, 'copysign': copysign, 'xlogy': xlogy, 'logaddexp': logaddexp,
    'logaddexp2': logaddexp2, 'heaviside': heaviside,
}
for _name in ('atan2', 'arctan2', 'hypot', 'lerp', 'addcmul', 'addcdiv', 'copysign', 'xlogy',
              'heaviside'):
    METHODS[_name + '_'] = inplace_method(METHODS[_name], _name + '_')
del _name
