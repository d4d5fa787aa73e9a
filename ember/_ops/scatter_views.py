"""Scatter into a view: ``slice_scatter``, ``select_scatter``, ``diagonal_scatter``,
``as_strided_scatter`` (a copy of ``input`` with ``src`` written where the view would be) and
``index_reduce`` (``scatter_reduce`` along a 1-D index).

The four view scatters share one kernel: the view is taken of ``arange(numel)`` to find the
flat positions it covers; the result is ``input`` with ``src`` written there, the gradient of
``input`` is ``grad`` with those positions zeroed and that of ``src`` is ``grad`` read there.

>>> ember.slice_scatter(ember.zeros(2, 3), ember.ones(2, 1), 1, 1, 2)
tensor([[0., 1., 0.],
        [0., 1., 0.]])
"""
from ._base import Tensor, wrap, record, xp_of, norm_dim, np
from .arith import tname
from .gather_scatter import scatter_reduce
from ._index_common import _contig_copy, _zero_region, _take_region, _inplace_variant
from .strided import storage_positions

__all__ = ['slice_scatter', 'select_scatter', 'diagonal_scatter', 'as_strided_scatter',
           'index_reduce']


def _check_tensor(x, op, arg, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f'{type(x).__name__}')


def _scatter_positions(input, src, pos, name):
    """``input`` with ``src`` written at the flat positions ``pos`` (shaped like the view)."""
    if tuple(src._data.shape) != pos.shape:
        raise RuntimeError(f'expected src to have a size equal to the slice of self. src size = '
                           f'{list(src._data.shape)}, slice size = {list(pos.shape)}')
    x = input._data
    out = _contig_copy(x)
    xp = xp_of(x)
    if pos.size:
        out.reshape(-1)[xp.asarray(pos)] = src._data.astype(x.dtype, copy=False)
    return record(wrap(out), name, _scatter_positions_backward, (input, src),
                  ctx=(xp.asarray(pos), src._data.dtype))


def _scatter_positions_backward(node, grad):
    pos, src_dtype = node.ctx
    flat = grad.reshape(-1)
    g_in = g_src = None
    if node.next[0] is not None:
        g_in = _zero_region(flat, None, (pos,)).reshape(grad.shape)
    if node.next[1] is not None:
        g_src = _take_region(flat, None, (pos,), 'IndexBackward0', False)
        if g_src._data.dtype != src_dtype:
            g_src = g_src.to(src_dtype)
    return g_in, g_src


def _flat_index(x):
    return np.arange(x.size, dtype=np.int64).reshape(x.shape)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of ``input`` with ``src`` written into ``input[..., start:end:step, ...]`` (the
    slice along ``dim``).

    >>> ember.slice_scatter(ember.zeros(3), ember.ones(2), 0, 1)
    tensor([0., 1., 1.])
    """
    _check_tensor(input, 'slice_scatter', 'input', 1)
    _check_tensor(src, 'slice_scatter', 'src', 2)
    x = input._data
    d = norm_dim(dim, x.ndim)
    if step <= 0:
        raise RuntimeError('slice step must be positive')
    key = (slice(None),) * d + (slice(start, end, step),)
    return _scatter_positions(input, src, _flat_index(x)[key], 'SliceScatterBackward0')


def select_scatter(input, src, dim, index):
    """A copy of ``input`` with ``src`` written into ``input.select(dim, index)``.

    >>> ember.select_scatter(ember.zeros(2, 2), ember.ones(2), 0, 1)
    tensor([[0., 0.],
            [1., 1.]])
    """
    _check_tensor(input, 'select_scatter', 'input', 1)
    _check_tensor(src, 'select_scatter', 'src', 2)
    x = input._data
    if x.ndim == 0:
        raise IndexError('select() cannot be applied to a 0-dim tensor.')
    d = norm_dim(dim, x.ndim)
    n = x.shape[d]
    if not -n <= index < n:
        raise IndexError(f'select(): index {index} out of range for tensor of size '
                         f'{list(x.shape)} at dimension {dim}')
    key = (slice(None),) * d + (index,)
    return _scatter_positions(input, src, _flat_index(x)[key], 'SelectScatterBackward0')


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of ``input`` with ``src`` written into ``input.diagonal(offset, dim1, dim2)``.

    >>> ember.diagonal_scatter(ember.zeros(2, 2), ember.tensor([1., 2.]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    _check_tensor(input, 'diagonal_scatter', 'input', 1)
    _check_tensor(src, 'diagonal_scatter', 'src', 2)
    pos = wrap(_flat_index(input._data)).diagonal(offset, dim1, dim2)._data
    return _scatter_positions(input, src, pos, 'DiagonalScatterBackward0')


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of ``input`` with ``src`` written into ``input.as_strided(size, stride,
    storage_offset)`` (positions counted in the memory of a copy of ``input``).

    >>> ember.as_strided_scatter(ember.zeros(4), ember.ones(2), (2,), (2,))
    tensor([1., 0., 1., 0.])
    """
    _check_tensor(input, 'as_strided_scatter', 'input', 1)
    _check_tensor(src, 'as_strided_scatter', 'src', 2)
    x = input._data
    # the memory order of the copy (clone keeps the stride order of a dense input)
    logical = np.empty_like(np.empty(x.shape, np.int8), dtype=np.int64,
                            order='K') if x.flags.c_contiguous else \
        np.empty_like(np.lib.stride_tricks.as_strided(np.empty(1, x.dtype), x.shape,
                                                      x.strides), dtype=np.int64, order='K')
    logical[...] = _flat_index(x)
    by_storage = logical.ravel(order='K')
    pos = storage_positions(size, stride, storage_offset or 0, by_storage.size, x.itemsize)
    return _scatter_positions(input, src, by_storage[pos], 'AsStridedScatterBackward0')


# ---- index_reduce ---------------------------------------------------------------------------
_INDEX_REDUCES = ('prod', 'mean', 'amax', 'amin')


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """Reduce the slices of ``source`` into ``input`` at the positions ``index`` (a vector)
    gives along ``dim``, with ``reduce`` in 'prod', 'mean', 'amax', 'amin'
    (``include_self=False`` ignores the old values where something is reduced).

    >>> ember.index_reduce(ember.ones(3), 0, ember.tensor([0, 0]), ember.tensor([2., 3.]), 'prod')
    tensor([6., 1., 1.])
    """
    op = 'index_reduce_'
    if reduce not in _INDEX_REDUCES:
        raise RuntimeError(f'index_reduce(): Expected reduce to be one of prod, mean, amax or '
                           f'amin but got {reduce}.')
    _check_tensor(index, 'index_reduce', 'index', 3)
    _check_tensor(source, 'index_reduce', 'source', 4)
    x, idx, s = input._data, index._data, source._data
    d = norm_dim(dim, x.ndim)
    if idx.dtype.kind not in 'iu' or idx.dtype.itemsize < 4:
        raise RuntimeError(f'{op}(): Expected dtype int32/int64 for index but got: '
                           f'{tname(idx.dtype)}')
    if idx.ndim > 1:
        raise IndexError(f'{op}(): Index is supposed to be a vector, but got dim: {idx.ndim} '
                         f'with type: {tname(idx.dtype)} and size: {list(idx.shape)}')
    xs, ss = x.shape or (1,), s.shape or (1,)
    if len(xs) != len(ss) or any(a != b for i, (a, b) in enumerate(zip(xs, ss)) if i != d):
        raise RuntimeError(f'source tensor shape must match self tensor shape, excluding the '
                           f'specified dimension. Got self.shape = {list(x.shape)} '
                           f'source.shape = {list(s.shape)}')
    if idx.size != ss[d]:
        raise RuntimeError(f'{op}(): Number of indices ({idx.size}) should be equal to '
                           f'source.size(dim): ({ss[d]}), for dim: {dim}')
    if s.dtype != x.dtype:
        raise RuntimeError(f'{op}(): self ({tname(x.dtype)}) and source ({tname(s.dtype)}) must '
                           'have the same scalar type')
    if idx.size and (idx.min() < -xs[d] or idx.max() >= xs[d]):
        raise IndexError('index out of range in self')
    xp = xp_of(idx)
    lead = [1] * len(ss)
    lead[d] = idx.size
    full = xp.ascontiguousarray(xp.broadcast_to(
        xp.where(idx < 0, idx + xs[d], idx).astype(np.int64).reshape(lead), ss))
    res = scatter_reduce(input, d, wrap(full), source, reduce, include_self=include_self,
                         out=out)
    fn = res.grad_fn
    if fn is not None and out is None:
        fn._name = 'IndexReduceBackward0'
    return res


index_reduce_ = _inplace_variant(index_reduce, 'index_reduce_')

METHODS = {'slice_scatter': slice_scatter, 'select_scatter': select_scatter,
           'diagonal_scatter': diagonal_scatter, 'as_strided_scatter': as_strided_scatter,
           'index_reduce': index_reduce, 'index_reduce_': index_reduce_}
