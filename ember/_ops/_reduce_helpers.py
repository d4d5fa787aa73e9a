"""Helpers shared by the reduction family (reduction, minmax, statistics, cumulative, sorting):
PyTorch's named tuples (``torch.return_types``), ``dim`` parsing, ``out=`` writing, and the
small differentiable gather/scatter/mask operations their backward formulas are built from.
"""
import sys
import types

from ._base import Tensor, wrap, record, np, norm_dim, norm_dims, xp_of
from .. import _dtype as D
from .._dtype import FLOATING


# ---- named tuples (torch.return_types) ---------------------------------------------------
return_types = types.ModuleType('ember.return_types',
                                'Named tuples returned by ops like max(dim), sort, topk.')


def _structseq(name, fields):
    """A tuple subclass like PyTorch's ``torch.return_types.<name>`` (fields by name or index)."""
    def __new__(cls, seq):
        seq = tuple(seq)
        if len(seq) != len(fields):
            raise TypeError(f'torch.return_types.{name}() takes a {len(fields)}-sequence '
                            f'({len(seq)}-sequence given)')
        return tuple.__new__(cls, seq)

    def __repr__(self):
        body = ',\n'.join(f'{f}={v!r}' for f, v in zip(fields, self))
        return f'torch.return_types.{name}(\n{body})'

    def __reduce__(self):
        return (cls, (tuple(self),))

    ns = {'__slots__': (), '__new__': __new__, '__repr__': __repr__, '__str__': __repr__,
          '__reduce__': __reduce__, 'n_fields': len(fields), 'n_sequence_fields': len(fields),
          'n_unnamed_fields': 0, '_fields': fields, '__module__': 'ember.return_types'}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, _i=i: tuple.__getitem__(self, _i))
    cls = type(name, (tuple,), ns)
    setattr(return_types, name, cls)
    return cls


_VI = ('values', 'indices')
sys.modules['ember.return_types'] = return_types
if 'ember' in sys.modules:           # ember.return_types, as torch.return_types
    sys.modules['ember'].return_types = return_types


# ---- argument helpers -----------------------------------------------------------------------
def _type_word(np_dtype):
    return {'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte',
            'bool': 'Bool', 'float32': 'Float', 'float64': 'Double', 'float16': 'Half'}.get(
        str(np_dtype), str(np_dtype))


def _axes(x, dim, op):
    """Sorted axes to reduce for ``dim`` (int, tuple or list), or None for all of them."""
    if dim.__class__ is int:
        d = norm_dim(dim, x.ndim)
        return (d,) if x.ndim else None
    if isinstance(dim, (tuple, list)):
        if not dim:
            return None
        for d in dim:
            if not isinstance(d, (int, np.integer)) or isinstance(d, bool):
                raise TypeError(f"{op}(): argument 'dim' must be tuple of ints, but found element "
                                f'of type {type(d).__name__}')
        axes = norm_dims(dim, x.ndim)
        return axes if x.ndim else None
    if isinstance(dim, np.integer):
        return _axes(x, int(dim), op)
    raise TypeError(f"{op}(): argument 'dim' must be int or tuple of ints, not "
                    f'{type(dim).__name__}')


def _dim1(x, dim, op):
    """A single wrapped dim (ops that accept only an int ``dim``)."""
    if dim.__class__ is not int:
        if isinstance(dim, np.integer):
            dim = int(dim)
        elif isinstance(dim, Tensor) and dim._data.ndim == 0 and dim._data.dtype.kind in 'iu':
            dim = int(dim._data)
        else:
            raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    return norm_dim(dim, x.ndim)


def _zero_index(x):
    return xp_of(x).zeros((), np.int64)


def _cast(input, dtype):
    """``input`` converted (differentiably) to ``dtype``; as is when None or already that."""
    if dtype is not None:
        dt = D.to_dtype(dtype)
        if dt.np != input._data.dtype:
            return input.to(dt)
    return input


def _product(input, dtype, multiply):
    """Shared by prod and cumprod: ``input`` cast to ``dtype`` and ``multiply(x, acc)`` on its
    data, with bool and integers accumulating in int64 (a 0-d input is just copied)."""
    if dtype is not None:
        input = _cast(input, dtype)
    x = input._data
    acc = np.int64 if x.dtype.kind in 'biu' else None
    if x.ndim == 0:
        return input, x.astype(acc or x.dtype, copy=True)
    with np.errstate(over='ignore', invalid='ignore'):
        return input, multiply(x, acc)


def _write(out, res):
    from .arith import _write_out
    return _write_out(out, res)


def _write_many(out, results, op):
    if not isinstance(out, (tuple, list)) or len(out) != len(results):
        raise TypeError(f'{op}(): argument out must be a tuple of {len(results)} Tensors')
    for o, r in zip(out, results):
        _write(o, r)
    return tuple(out)


def _unsq(grad, axes, keepdim, ndim):
    """Re-insert reduced dims (size 1) so ``grad`` broadcasts against the input."""
    if keepdim or not ndim:
        return grad
    if axes is None:
        return grad.reshape((1,) * ndim)
    for a in axes:
        grad = grad.unsqueeze(a)
    return grad


def expand_reduced(grad, shape, axes, keepdim):
    """Broadcast a reduced gradient back to the input's ``shape``."""
    if axes is not None and not keepdim and shape:     # (a full reduction broadcasts as is)
        for a in axes:
            grad = grad.unsqueeze(a)
    return grad.expand(shape)


def _check_nonempty(x, axes, op):
    """PyTorch's IndexError for max-like reductions (no identity) over an empty dim."""
    if x.size:
        return
    for a in (range(x.ndim) if axes is None else axes):
        if x.shape[a] == 0:
            raise IndexError(f'{op}(): Expected reduction dim {a} to have non-zero size.')


# ---- small differentiable helpers (backward formulas use these) --------------------------------
def _full_index(xp, index, axis):
    idx = []
    for a, n in enumerate(index.shape):
        if a == axis:
            idx.append(index)
        else:
            shape = [1] * index.ndim
            shape[a] = n
            idx.append(xp.arange(n).reshape(shape))
    return tuple(idx)


def _scatter(src, index, axis, shape, accumulate=False):
    """``zeros(shape)`` with ``src`` written (or summed) at ``index`` along ``axis``."""
    s = src._data
    xp = xp_of(s)
    out = xp.zeros(shape, s.dtype)
    if len(shape) == 0:
        out[...] = s
    elif not accumulate:
        out[_full_index(xp, index, axis)] = s
    elif xp is np:
        np.add.at(out, _full_index(xp, index, axis), s)
    else:
        import cupyx
        cupyx.scatter_add(out, _full_index(xp, index, axis), s)
    return record(wrap(out), 'ScatterAddBackward0' if accumulate else 'ScatterBackward0',
                  _scatter_backward, (src,), ctx=(index, axis))


def _scatter_backward(node, grad):
    index, axis = node.ctx
    return _gather(grad, index, axis)


def _gather(src, index, axis):
    s = src._data
    out = s.copy() if s.ndim == 0 else xp_of(s).take_along_axis(s, index, axis)
    return record(wrap(out), 'GatherBackward0', _gather_backward, (src,), ctx=(index, axis))


def _gather_backward(node, grad):
    index, axis = node.ctx
    return _scatter(grad, index, axis, node.meta[0][0], accumulate=True)


def _fill0(t, mask):
    """``t.masked_fill(mask, 0)`` for a constant boolean array ``mask`` (broadcastable)."""
    x = t._data
    out = xp_of(x).where(mask, x.dtype.type(0), x)
    return record(wrap(out), 'MaskedFillBackward0', _fill0_backward, (t,), ctx=mask)


def _fill0_backward(node, grad):
    return _fill0(grad, node.ctx)


def _const(arr):
    return wrap(arr)


# ---- (values, indices) results ----------------------------------------------------------------
def _select(input, vals, idx, axis, keepdim, name):
    """Values picked at ``idx`` (kept dims) along ``axis``; gradient flows back to them."""
    if axis is not None and not keepdim:
        vals = vals.squeeze(axis)
    res = wrap(vals)
    return record(res, name, _select_backward, (input,), ctx=(idx, axis, keepdim))


def _select_backward(node, grad):
    idx, axis, keepdim = node.ctx
    if axis is None:
        return grad
    if not keepdim:
        grad = grad.unsqueeze(axis)
    return _scatter(grad, idx, axis, node.meta[0][0])


def _pair(cls, values, indices, out, op):
    ind = wrap(indices if indices.dtype == np.int64 else indices.astype(np.int64))
    if out is not None:
        return cls(_write_many(out, (values, ind), op))
    return cls((values, ind))


def _take_pair(cls, input, idx, axis, keepdim, name, out, op):
    """Named tuple ``(values, indices)`` of ``input`` at ``idx`` (a backend index array with
    the reduced ``axis`` kept, size 1 unless a sort/topk); ``keepdim=False`` squeezes it."""
    x = input._data
    vals = xp_of(x).take_along_axis(x, idx, axis)
    res = _select(input, vals, idx, axis, keepdim, name)
    return _pair(cls, res, idx if keepdim else idx.squeeze(axis), out, op)


def _scalar_pair(cls, input, name, out, op):
    """Named tuple ``(values, indices)`` of a 0-d ``input``: itself, at index 0."""
    x = input._data
    idx = _zero_index(x)
    return _pair(cls, _select(input, x.copy(), idx, None, False, name), idx, out, op)


def _evenly_backward(node, grad):
    """Gradient of a whole-tensor max/min/median: shared evenly among the tied elements."""
    x, value = node.saved()
    xa, v = x._data, value._data
    xp = xp_of(xa)
    mask = xp.isnan(xa) if v.dtype in FLOATING and xp.isnan(v) else (xa == v)
    return grad * _const((mask / mask.sum()).astype(grad._data.dtype))
