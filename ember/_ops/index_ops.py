"""Ops that address whole slices along one dim with a 1-D index (index_select, index_add,
index_fill, index_copy) or single elements of the flattened tensor (take, put), with their
in-place forms.

>>> x = ember.tensor([[1, 2], [3, 4]])
>>> x.index_select(0, ember.tensor([1, 1])), x.take(ember.tensor([0, 3]))
(tensor([[3, 4],
        [3, 4]]), tensor([1, 4]))
"""
import math

from ._base import Tensor, wrap, record, xp_of, norm_dim, bump_version
from ._autocast import AUTOCAST, promote
from .arith import write_out, tname
from ._index_common import (_FULL, _I64D, _I32_64, _I64, _zeros, _contig_copy, _add_at,
                            _positions, _bounds, _not_tensor, _fill_scalar, _inplace_variant,
                            _write_contiguous, _embed, _zero_region)

__all__ = ['index_select', 'index_add', 'index_fill', 'index_copy', 'take', 'put']


def _index_vector(index, op, allowed, dtype_msg, dim_msg, exc=RuntimeError, dim_exc=IndexError):
    if not isinstance(index, Tensor):
        raise _not_tensor(index, op, 'index')
    idx = index._data
    if idx.dtype not in allowed:
        raise exc(dtype_msg.format(tname(idx.dtype)))
    if idx.ndim > 1:
        raise dim_exc(dim_msg.format(idx.ndim, tname(idx.dtype), list(idx.shape)))
    return idx.reshape(-1)


def index_select(input, dim, index, *, out=None):
    """The slices of ``input`` along ``dim`` at the positions in the 1-D ``index``.

    >>> ember.index_select(ember.tensor([[1, 2], [3, 4]]), 0, ember.tensor([1]))
    tensor([[3, 4]])
    """
    idx = index._data if index.__class__ is Tensor else None
    if idx is None or idx.dtype not in _I32_64 or idx.ndim > 1:
        idx = _index_vector(index, 'index_select', _I32_64,
                            'index_select(): Expected dtype int32 or int64 for index (got {})',
                            'index_select(): Index is supposed to be a vector')
    x = input._data
    d = norm_dim(dim, x.ndim)
    if x.ndim == 0:
        if idx.size != 1 or int(idx.reshape(-1)[0]) != 0:
            raise IndexError('index out of range in self')
        res = wrap(x.copy())
    else:
        if idx.ndim == 0:
            idx = idx.reshape(1)
        try:
            r = x.take(idx, axis=d)
            if idx.size and idx.min() < 0:
                raise IndexError
        except IndexError:
            n = x.shape[d]
            raise IndexError(f'index out of range in self (index_select: an index is outside '
                             f'[0, {n - 1}] for dimension {d} of size {n})') from None
        res = wrap(r)
    if out is not None:
        return write_out(out, res, (input,), 'index_select')
    return record(res, 'IndexSelectBackward0', _index_select_backward, (input,), ctx=(d, index))


def _index_select_backward(node, grad):
    d, index = node.ctx
    shape, dt = node.meta[0]
    z = wrap(_zeros(shape, grad._data.dtype, grad._data))
    if not shape:
        return grad.reshape(())
    return index_add(z, d, index.reshape(-1), grad)


def _grad_slices(grad, d, index):
    """The slices of ``grad`` at ``index`` along ``d`` (a 0-d grad read as 1-D): the gradient
    of what was written there."""
    return index_select(grad if grad._data.ndim else grad.reshape(1), d, index)


def _along(d, idx):
    """A NumPy key selecting ``idx`` along dim ``d``."""
    return (_FULL,) * d + (idx,)


def _index_add_prepare(input, dim, index, source, op):
    idx = _index_vector(index, op, _I32_64,
                        op + '(): Expected dtype int32/int64 for index but got: {}',
                        op + '(): Index is supposed to be a vector, but got dim: {} with type: '
                        '{} and size: {}')
    if not isinstance(source, Tensor):
        raise _not_tensor(source, op, 'source')
    x, s = input._data, source._data
    d = norm_dim(dim, x.ndim)
    if s.dtype != x.dtype:
        raise RuntimeError(f'{op}(): self ({tname(x.dtype)}) and source ({tname(s.dtype)}) must '
                           'have the same scalar type')
    if x.ndim == 0:
        xs, ss = (1,), s.reshape(-1).shape
    else:
        xs, ss = x.shape, s.shape
        if s.ndim and s.ndim <= d:
            raise RuntimeError(f'{op}(): Indexing dim {d} is out of bounds of the source tensor '
                               f'with dim {s.ndim}')
    sn = ss[d] if s.ndim else 1
    if idx.size != sn:
        raise RuntimeError(f'{op}(): Number of indices ({idx.size}) should be equal to '
                           f'source.size(dim): ({sn}), for dim: {d}')
    if s.ndim and x.ndim and (len(ss) != len(xs) or any(
            a != b for i, (a, b) in enumerate(zip(ss, xs)) if i != d)):
        raise RuntimeError(f'source tensor shape must match self tensor shape, excluding the '
                           f'specified dimension. Got self.shape = {list(xs)} source.shape = '
                           f'{list(ss)}')
    _bounds(idx, xs[d], d)
    return d, idx, xs


def _index_add_into(out, d, idx, s, alpha, xs):
    """``out`` (C-contiguous, shape xs) += alpha * s placed at ``idx`` along ``d``."""
    xp = xp_of(out)
    if not idx.size:
        return
    s = s.reshape(xs[:d] + (idx.size,) + xs[d + 1:]) if s.ndim != len(xs) else s
    if alpha != 1:
        s = s * alpha
    full = xp.broadcast_to(idx.reshape((1,) * d + (-1,) + (1,) * (len(xs) - d - 1)), s.shape)
    flat = _positions(xs, d, full).reshape(-1)
    _add_at(out.reshape(-1), flat, s.reshape(-1).astype(out.dtype, copy=False))


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """Add ``alpha * source`` to the slices of ``input`` at ``index`` along ``dim``
    (repeated indices add up).

    >>> ember.index_add(ember.zeros(3), 0, ember.tensor([0, 0]), ember.tensor([1., 2.]))
    tensor([3., 0., 0.])
    """
    d, idx, xs = _index_add_prepare(input, dim, index, source, 'index_add_')
    res = _contig_copy(input._data)
    _index_add_into(res.reshape(xs), d, idx, source._data, alpha, xs)
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (input, source), 'index_add')
    return record(res, 'IndexAddBackward0', _index_add_backward, (input, source),
                  ctx=(d, index, alpha))


def _index_add_backward(node, grad):
    d, index, alpha = node.ctx
    gv = None
    if node.next[1] is not None:
        sshape = node.meta[1][0]
        gv = _grad_slices(grad, d, index.reshape(-1))
        if alpha != 1:
            gv = gv * alpha
        gv = gv.reshape(sshape)
    return grad, gv


def _index_add_direct(self, dim, index, source, *, alpha=1):
    d, idx, xs = _index_add_prepare(self, dim, index, source, 'index_add_')
    return _write_contiguous(self, lambda arr: _index_add_into(arr.reshape(xs), d, idx,
                                                               source._data, alpha, xs))


index_add_ = _inplace_variant(index_add, 'index_add_', _index_add_direct)


def _index_fill_prepare(input, dim, index, value):
    idx = _index_vector(index, 'index_fill_', _I64, 'index_fill_(): Expected dtype int64 for '
                        'index. (got {}; use index.long())', 'Index has to be a vector/scalar',
                        exc=IndexError, dim_exc=RuntimeError)
    x = input._data
    d = norm_dim(dim, x.ndim)
    n = x.shape[d] if x.ndim else 1
    _bounds(idx, n, d, IndexError, negative=True)
    return d, idx, _fill_scalar(value, x.dtype, 'index_fill')


def _fill_slices(arr, d, idx, v):
    """``arr``'s slices at ``idx`` along ``d`` set to ``v`` (in place)."""
    if arr.ndim:
        arr[_along(d, idx)] = v
    elif idx.size:
        arr[...] = v


def index_fill(input, dim, index, value):
    """``input`` with the slices at ``index`` along ``dim`` set to ``value``.

    >>> ember.index_fill(ember.zeros(2, 2), 1, ember.tensor([0]), 7.)
    tensor([[7., 0.],
            [7., 0.]])
    """
    d, idx, v = _index_fill_prepare(input, dim, index, value)
    res = _contig_copy(input._data)
    _fill_slices(res, d, idx, v)
    res = wrap(res)
    if isinstance(value, Tensor):
        return record(res, 'IndexFillBackward1', _index_fill_backward, (input, value),
                      ctx=(d, index))
    return record(res, 'IndexFillBackward0', _index_fill_backward, (input,), ctx=(d, index))


def _index_fill_backward(node, grad):
    d, index = node.ctx
    gs = index_fill(grad, d, index, 0) if node.next[0] is not None else None
    if len(node.next) == 1:
        return gs
    gv = None
    if node.next[1] is not None:
        i = index._data.reshape(-1)
        uniq = wrap(xp_of(i).unique(i))           # PyTorch sums each filled slice once
        gv = _grad_slices(grad, d, uniq).sum()
    return gs, gv


def _index_fill_direct(self, dim, index, value):
    d, idx, v = _index_fill_prepare(self, dim, index, value)
    _fill_slices(self._data, d, idx, v)
    bump_version(self)
    return self


index_fill_ = _inplace_variant(index_fill, 'index_fill_', _index_fill_direct)


def _index_copy_prepare(input, dim, index, source):
    if not isinstance(index, Tensor):
        raise _not_tensor(index, 'index_copy', 'index')
    idx = index._data
    if idx.ndim > 1:
        raise IndexError(f'index_copy_(): Index should have dimension 1 or 0 (got {idx.ndim})')
    if idx.dtype != _I64D:
        raise RuntimeError(f'index_copy_(): Expected a long tensor for index, but got '
                           f'{tname(idx.dtype)}')
    idx = idx.reshape(-1)
    if not isinstance(source, Tensor):
        raise _not_tensor(source, 'index_copy', 'source')
    x, s = input._data, source._data
    d = norm_dim(dim, x.ndim)
    if s.dtype != x.dtype:
        raise RuntimeError(f'index_copy_(): self and source expected to have the same dtype, but '
                           f'got (self) {tname(x.dtype)} and (source) {tname(s.dtype)}')
    xs = x.shape if x.ndim else (1,)
    ss = s.shape if s.ndim else (1,)
    sn = ss[d] if len(ss) > d else 1
    if idx.size != sn:
        raise IndexError(f'index_copy_(): Number of indices ({idx.size}) should be equal to '
                         f'source.size(dim) ({sn})')
    if len(ss) != len(xs) or any(a != b for i, (a, b) in enumerate(zip(ss, xs)) if i != d):
        for i, (a, b) in enumerate(zip(ss, xs)):
            if i != d and a != b:
                raise RuntimeError(f'index_copy_(): Source/destination tensor must have same '
                                   f'slice shapes. Destination slice shape: {b} at dimension {i} '
                                   f'and source slice shape: {a} at dimension {i}.')
        raise RuntimeError(f'index_copy_(): When source and destination are not scalars, their '
                           f'dimensionality must match. Source dimensionality ({len(ss)}), '
                           f'destination dimensionality ({len(xs)})')
    _bounds(idx, xs[d], d, IndexError, prefix='index_copy_(): ')
    return d, idx, xs, s.reshape(ss)


def index_copy(input, dim, index, source):
    """``input`` with the slices at ``index`` along ``dim`` replaced by ``source``'s.

    >>> ember.index_copy(ember.zeros(3), 0, ember.tensor([2]), ember.tensor([5.]))
    tensor([0., 0., 5.])
    """
    if AUTOCAST.on:
        return promote(index_copy, input, dim, index, source)
    d, idx, xs, s = _index_copy_prepare(input, dim, index, source)
    res = _contig_copy(input._data)
    res.reshape(xs)[_along(d, idx)] = s
    return record(wrap(res), 'IndexCopyBackward0', _index_copy_backward, (input, source),
                  ctx=(d, index))


def _index_copy_backward(node, grad):
    d, index = node.ctx
    gs = gv = None
    if node.next[0] is not None:
        gs = index_fill(grad, d, index, 0)
    if node.next[1] is not None:
        gv = _grad_slices(grad, d, index.reshape(-1)).reshape(node.meta[1][0])
    return gs, gv


def _index_copy_direct(self, dim, index, source):
    d, idx, xs, s = _index_copy_prepare(self, dim, index, source)
    self._data.reshape(xs)[_along(d, idx)] = s
    bump_version(self)
    return self


index_copy_ = _inplace_variant(index_copy, 'index_copy_', _index_copy_direct)


# =========================================================================================
# take / put: the tensor read as 1-D
# =========================================================================================
def _flat_index(input, index, op):
    if not isinstance(index, Tensor):
        raise _not_tensor(index, op, 'index')
    idx = index._data
    if idx.dtype != _I64D:
        raise RuntimeError(f'{op}(): Expected a long tensor for index, but got {tname(idx.dtype)}')
    n = input._data.size
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < -n or hi >= n:
            raise IndexError(f'out of range: tried to access index {lo if lo < -n else hi} on a '
                             f'tensor of {n} elements.')
        if lo < 0:
            idx = xp_of(idx).where(idx < 0, idx + n, idx)
    return idx


def take(input, index, *, out=None):
    """The elements of ``input`` (read as 1-D) at ``index``; the result has index's shape.

    >>> ember.take(ember.tensor([[1, 2], [3, 4]]), ember.tensor([0, 3]))
    tensor([1, 4])
    """
    idx = _flat_index(input, index, 'take')
    x = input._data
    res = wrap(xp_of(x).take(x.reshape(-1), idx))
    if out is not None:
        return write_out(out, res, (input,), 'take')
    return record(res, 'TakeBackward0', _take_flat_backward, (input,), ctx=idx)


def _take_flat_backward(node, grad):
    idx = node.ctx
    shape = node.meta[0][0]
    return _embed(grad, (math.prod(shape),), None, (idx,), True).reshape(shape)


def put(input, index, source, accumulate=False):
    """Out-of-place ``put_``: ``input`` (read as 1-D) with ``source`` written (or added) at
    ``index``.

    >>> ember.tensor([1., 2., 3.]).put(ember.tensor([0]), ember.tensor([9.]))
    tensor([9., 2., 3.])
    """
    idx, s = _put_prepare(input, index, source)
    res = _contig_copy(input._data)
    _put_into(res.reshape(-1), idx, s, accumulate)
    return record(wrap(res), 'PutBackward0', _put_flat_backward, (input, source),
                  ctx=(index, idx, bool(accumulate)))


def _put_prepare(input, index, source):
    idx = _flat_index(input, index, 'put_')
    if not isinstance(source, Tensor):
        raise _not_tensor(source, 'put_', 'source')
    s = source._data
    if s.dtype != input._data.dtype:
        raise RuntimeError(f'put_(): self and source expected to have the same dtype, but got '
                           f'self.dtype = {tname(input._data.dtype)} and source.dtype = '
                           f'{tname(s.dtype)}')
    if s.size != idx.size:
        raise IndexError(f'put_(): Expected source and index to have the same number of elements, '
                         f'but got source.numel() = {s.size}, index.numel() = {idx.size}')
    return idx, s


def _put_into(flat, idx, s, accumulate):
    if accumulate:
        _add_at(flat, idx.reshape(-1), s.reshape(-1))
    else:
        flat[idx.reshape(-1)] = s.reshape(-1)


def _put_flat_backward(node, grad):
    index, idx, accumulate = node.ctx
    gs = gv = None
    if node.next[0] is not None:
        if accumulate:
            gs = grad
        else:
            shape = grad._data.shape
            gs = _zero_region(grad.reshape(-1), None, (idx.reshape(-1),)).reshape(shape)
    if node.next[1] is not None:
        gv = take(grad, index).reshape(node.meta[1][0])
    return gs, gv


def _put_direct(self, index, source, accumulate=False):
    idx, s = _put_prepare(self, index, source)
    return _write_contiguous(self, lambda arr: _put_into(arr.reshape(-1), idx, s, accumulate))


put_ = _inplace_variant(put, 'put_', _put_direct)


METHODS = {'index_select': index_select, 'index_add': index_add, 'index_add_': index_add_,
           'index_fill': index_fill, 'index_fill_': index_fill_, 'index_copy': index_copy,
           'index_copy_': index_copy_, 'take': take, 'put': put, 'put_': put_}
