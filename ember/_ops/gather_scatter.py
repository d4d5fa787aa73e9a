"""Gather and scatter along a dim: gather, take_along_dim, scatter, scatter_add,
scatter_reduce and their in-place forms.

``index`` has the input's number of dims; along ``dim`` it names positions, the other
coordinates are those of each index element.

>>> ember.tensor([[1, 2], [3, 4]]).gather(1, ember.tensor([[1], [0]]))
tensor([[2],
        [3]])
"""
import warnings

from ._base import Tensor, wrap, record, STATE, xp_of, norm_dim, bump_version, np
from .arith import apply_inplace, write_out, tname, record_not_implemented
from ._index_common import (_ELL, _I64D, _I32_64, _zeros, _contig_copy, _add_at, _positions,
                            _bounds, _not_tensor, _writable, _fill_value, _number, _inplace_variant,
                            _write_contiguous, _take_region, _embed)
from .masked import masked_fill
from .._dtype import FLOATING

__all__ = ['gather', 'scatter', 'scatter_add', 'scatter_reduce', 'take_along_dim']


def _ufunc_at(name, target, idx, vals):
    """``target[idx] = ufunc(target[idx], vals)`` unbuffered (duplicates all applied)."""
    if target.__class__ is np.ndarray:
        getattr(np, name).at(target, idx, vals)
        return
    import cupyx                                           # pragma: no cover - GPU only
    if name == 'add':
        cupyx.scatter_add(target, idx, vals)
    elif name in ('maximum', 'minimum'):
        getattr(cupyx, 'scatter_max' if name == 'maximum' else 'scatter_min')(target, idx, vals)
    else:
        host = target.get()
        getattr(np, name).at(host, idx.get(), vals.get())
        target[...] = xp_of(target).asarray(host)


def _gs_prepare(input, dim, index, src, op):
    """Validate a gather/scatter call; returns (dim, index array, shape used)."""
    if not isinstance(index, Tensor):
        raise _not_tensor(index, op, 'index')
    x = input._data
    idx = index._data
    if idx.dtype not in _I32_64:
        raise RuntimeError(f'{"gather" if op == "gather" else "scatter"}(): Expected dtype '
                           f'int32/int64 for index (got {tname(idx.dtype)}; use index.long())')
    nd = max(x.ndim, 1)
    dim = norm_dim(dim, x.ndim)
    if max(idx.ndim, 1) != nd:
        raise RuntimeError('Index tensor must have the same number of dimensions as '
                           f'{"input" if op == "gather" else "self"} tensor (in {op}: index '
                           f'{list(idx.shape)}, input {list(x.shape)})')
    shape = x.shape if x.ndim else (1,)
    if idx.ndim == 0:
        idx = idx.reshape(1)
    if src is not None:
        s = src._data
        if max(s.ndim, 1) != nd:
            raise RuntimeError('Index tensor must have the same number of dimensions as src '
                               'tensor')
        sshape = s.shape if s.ndim else (1,)
        if any(idx.shape[d] > shape[d] and d != dim or idx.shape[d] > sshape[d]
               for d in range(nd)):
            raise RuntimeError(f'Expected index {list(index.shape)} to be no larger than self '
                               f'{list(x.shape)} apart from dimension {dim} and to be no larger '
                               f'size than src {list(s.shape)}')
        if s.dtype != x.dtype:
            raise RuntimeError(f'scatter(): Expected self.dtype to be equal to src.dtype (got '
                               f'{tname(x.dtype)} and {tname(s.dtype)})')
    else:
        for d in range(nd):
            if d != dim and idx.shape[d] > shape[d]:
                if op == 'gather':
                    raise RuntimeError(f'Size does not match at dimension {d} expected index '
                                       f'{list(index.shape)} to be no larger than self '
                                       f'{list(x.shape)} apart from dimension {dim}')
                raise RuntimeError(f'Expected index {list(index.shape)} to be no larger than '
                                   f'self {list(x.shape)} apart from dimension {dim}')
    _bounds(idx, shape[dim], dim)
    return dim, idx, shape


def _lead_key(shape):
    """The key of the leading block of size ``shape``: ``[:shape[0], :shape[1], ...]``."""
    return tuple(slice(0, n) for n in shape) + _ELL


def _pad_to(g, shape):
    """``g`` placed in the leading block of zeros of ``shape`` (differentiable)."""
    return _embed(g, shape, _lead_key(g._data.shape), None, False)


def _src_part(src, idx):
    """The leading block of ``src`` matching ``idx``'s shape."""
    s = src._data
    if s.ndim == 0:
        s = s.reshape(1)
    if s.shape != idx.shape:
        s = s[_lead_key(idx.shape)]
    return s


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """``out[i][j] = input[index[i][j]][j]`` for dim=0 (and likewise for other dims).

    >>> ember.gather(ember.tensor([[1, 2], [3, 4]]), 1, ember.tensor([[0, 0], [1, 0]]))
    tensor([[1, 1],
            [4, 3]])
    """
    dim, idx, shape = _gs_prepare(input, dim, index, None, 'gather')
    x = input._data
    xp = xp_of(x)
    if x.ndim == 0:
        x = x.reshape(1)
    if idx.size:
        res = xp.take(x, _positions(shape, dim, idx)).reshape(index._data.shape)
    else:
        res = xp.zeros(index._data.shape, x.dtype)
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (input,), 'gather')
    return record(res, 'GatherBackward0', _gather_backward, (input,), ctx=(dim, index))


def _gather_backward(node, grad):
    dim, index = node.ctx
    shape, dt = node.meta[0]
    z = wrap(_zeros(shape, grad._data.dtype, grad._data))
    return scatter_add(z, dim, index, grad)


def _scatter_kernel(out, dim, idx, vals, mode):
    """In place on C-contiguous ``out``: write/add/multiply/max/min ``vals`` at the positions."""
    if not idx.size:
        return
    flat = _positions(out.shape if out.ndim else (1,), dim, idx).reshape(-1)
    o = out.reshape(-1)
    if vals.__class__ is not np.ndarray and not hasattr(vals, 'shape'):
        vals = xp_of(out).asarray(vals, dtype=out.dtype)
    v = xp_of(out).broadcast_to(vals, idx.shape).reshape(-1)
    if mode is None:
        o[flat] = v
    else:
        _ufunc_at(mode, o, flat, v)


def _scatter_common(input, dim, index, src, value, reduce, op):
    x = input._data
    if src is not None and not isinstance(src, Tensor):
        value, src = src, None
    dim, idx, shape = _gs_prepare(input, dim, index, src, op)
    if reduce is not None and reduce not in ('add', 'multiply'):
        raise RuntimeError('reduce argument must be either add or multiply.')
    out = _contig_copy(x)
    if src is not None:
        vals = _src_part(src, idx)
    else:
        if value is None:
            raise TypeError(f'{op}() missing the src tensor or value')
        num = _number(value)
        vals = _fill_value(x.dtype, float(value) if num is None else num, op)
    mode = None if reduce is None else ('add' if reduce == 'add' else 'multiply')
    _scatter_kernel(out.reshape(shape), dim, idx, vals, mode)
    return out, dim, src, idx


def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """Copy ``src`` (a tensor, or the number ``value``) into ``input`` at the positions
    ``index`` gives along ``dim`` (out of place).

    >>> ember.scatter(ember.zeros(3), 0, ember.tensor([2]), ember.tensor([5.]))
    tensor([0., 0., 5.])
    """
    res, dim, src, idx = _scatter_common(input, dim, index, src, value, reduce, 'scatter')
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (input, src), 'scatter')
    if reduce is not None:
        if isinstance(src, Tensor):
            warnings.warn('The reduce argument of torch.scatter with Tensor src is deprecated and '
                          'will be removed in a future PyTorch release. Use torch.scatter_reduce '
                          'instead for more reduction options.', UserWarning, stacklevel=2)
        return record_not_implemented(res, 'scatter', (input, src))
    if src is not None:
        return record(res, 'ScatterBackward0', _scatter_backward, (input, src),
                      ctx=(dim, index))
    return record(res, 'ScatterBackward1', _scatter_backward, (input,), ctx=(dim, index))


def _scatter_backward(node, grad):
    dim, index = node.ctx
    gs = scatter(grad, dim, index, value=0) if node.next[0] is not None else None
    if len(node.next) == 1 or node.next[1] is None:
        return gs
    return gs, _gather_src(grad, dim, index, node.meta[1][0])


def _gather_src(grad, dim, index, src_shape):
    """``grad.gather(dim, index)`` padded with zeros up to ``src``'s shape (src may be larger
    than index)."""
    g = gather(grad, dim, index)
    if tuple(index._data.shape) != tuple(src_shape) and len(src_shape):
        g = _pad_to(g, src_shape)
    return g


def scatter_add(input, dim, index, src, *, out=None):
    """Add ``src`` into ``input`` at the positions ``index`` gives along ``dim``
    (repeated positions add up).

    >>> ember.scatter_add(ember.zeros(3), 0, ember.tensor([0, 0]), ember.tensor([1., 2.]))
    tensor([3., 0., 0.])
    """
    if not isinstance(src, Tensor):
        raise _not_tensor(src, 'scatter_add', 'src', 4)
    dim, idx, shape = _gs_prepare(input, dim, index, src, 'scatter_add')
    res = _contig_copy(input._data)
    _scatter_kernel(res.reshape(shape), dim, idx, _src_part(src, idx), 'add')
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (input, src), 'scatter_add')
    return record(res, 'ScatterAddBackward0', _scatter_add_backward, (input, src),
                  ctx=(dim, index))


def _scatter_add_backward(node, grad):
    dim, index = node.ctx
    gv = _gather_src(grad, dim, index, node.meta[1][0]) if node.next[1] is not None else None
    return grad, gv


_REDUCES = ('sum', 'prod', 'mean', 'amax', 'amin')


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """Reduce ``src`` into ``input`` at the positions ``index`` gives along ``dim`` with
    ``reduce`` in 'sum', 'prod', 'mean', 'amax', 'amin' (``include_self=False`` ignores the
    old values where something is scattered).

    >>> ember.scatter_reduce(ember.zeros(2), 0, ember.tensor([0, 0]), ember.tensor([1., 3.]), 'amax')
    tensor([3., 0.])
    """
    if reduce == 'max':
        reduce = 'amax'
    elif reduce == 'min':
        reduce = 'amin'
    if reduce not in _REDUCES:
        raise RuntimeError(f'reduce argument must be either sum, prod, mean, amax or amin, got '
                           f'{reduce}')
    if not isinstance(src, Tensor):
        raise _not_tensor(src, 'scatter_reduce', 'src', 4)
    dim, idx, shape = _gs_prepare(input, dim, index, src, 'scatter_reduce')
    x = input._data
    xp = xp_of(x)
    res = _contig_copy(x)
    r = res.reshape(shape)
    vals = _src_part(src, idx)
    if idx.size:
        flat = _positions(shape, dim, idx).reshape(-1)
        o = r.reshape(-1)
        v = vals.reshape(-1)
        if not include_self:
            o[flat] = _identity(reduce, x.dtype)
        if reduce in ('sum', 'mean'):
            _add_at(o, flat, v)
        else:
            _ufunc_at({'prod': 'multiply', 'amax': 'maximum', 'amin': 'minimum'}[reduce],
                      o, flat, v)
        if reduce == 'mean':
            cnt = xp.zeros(o.shape, np.int64)
            _add_at(cnt, flat, xp.ones(flat.shape, np.int64))
            if include_self:
                cnt += 1
            cnt[cnt == 0] = 1
            if o.dtype in FLOATING:
                o /= cnt.astype(o.dtype)
            else:
                o[...] = xp.floor_divide(o, cnt).astype(o.dtype)
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (input, src), 'scatter_reduce')
    if res._data.dtype not in FLOATING:
        return res
    saved = (input, src, res) if reduce in ('prod', 'amax', 'amin') else None
    return record(res, 'ScatterReduceBackward0', _scatter_reduce_backward, (input, src),
                  saved=saved, ctx=(dim, index, reduce, include_self))


def _identity(reduce, dt):
    if reduce in ('sum', 'mean'):
        return 0
    if reduce == 'prod':
        return 1
    if dt in FLOATING:
        return -np.inf if reduce == 'amax' else np.inf
    info = np.iinfo(dt) if dt.kind in 'iu' else None
    if info is None:
        return reduce == 'amin'
    return info.min if reduce == 'amax' else info.max


def _scatter_reduce_backward(node, grad):
    dim, index, reduce, include_self = node.ctx
    sshape = node.meta[1][0] if node.meta[1] is not None else tuple(index._data.shape)
    if reduce == 'sum':
        gs, gv = grad, _gather_src(grad, dim, index, sshape)
    elif reduce == 'mean':
        shape, dt = node.meta[0]
        n = wrap(xp_of(grad._data).full(shape, 1 if include_self else 0, grad._data.dtype))
        ones = wrap(xp_of(grad._data).ones(index._data.shape, grad._data.dtype))
        n = scatter_add(n, dim, index, ones)
        n = masked_fill(n, n == 0, 1)
        gs = grad / n
        gv = _gather_src(gs, dim, index, sshape)
    else:                                       # prod, amax, amin: they need the values
        x, src, result = node.saved()
        s = src if tuple(src.shape) == tuple(index.shape) else \
            _take_region(src, _lead_key(index.shape), None, 'SliceBackward0')
        grads = _prod_grads if reduce == 'prod' else _extremum_grads
        gs, gv = grads(grad, x, s, result, dim, index, include_self)
        if tuple(sshape) != tuple(index.shape):
            gv = _pad_to(gv, sshape)
    if not include_self:
        gs = scatter(gs, dim, index, value=0)
    return (gs if node.next[0] is not None else None), (gv if node.next[1] is not None else None)


def _prod_grads(grad, x, s, result, dim, index, include_self):
    """Gradients of a 'prod' scatter_reduce, exact where zeros were multiplied in."""
    masked_x = masked_fill(x, x == 0, 1)
    masked_x_result = scatter_reduce(masked_x, dim, index, s, 'prod', include_self=include_self)
    gs = grad * masked_x_result / masked_x
    src_zero = s == 0
    n_zeros = gather(scatter_add(wrap(xp_of(x._data).zeros(x._data.shape, x._data.dtype)),
                                 dim, index, src_zero.to(x.dtype)), dim, index)
    single = src_zero & (n_zeros == 1)
    masked_src = masked_fill(s, single, 1)
    masked_src_result = scatter_reduce(x, dim, index, masked_src, 'prod',
                                       include_self=include_self)
    a = gather(grad * masked_src_result, dim, index)
    b = gather(grad * result, dim, index) / masked_fill(s, src_zero, 1)
    return gs, masked_fill(a, single.logical_not(), 0) + masked_fill(b, single, 0)


def _extremum_grads(grad, x, s, result, dim, index, include_self):
    """Gradients of an 'amax'/'amin' scatter_reduce: split evenly among the tied winners."""
    value = gather(result, dim, index)
    self_is = (x == result).to(grad.dtype)
    src_is = (s == value).to(grad.dtype)
    n = scatter_add(self_is, dim, index, src_is)
    dist = grad / n
    return self_is * dist, src_is * gather(dist, dim, index)


def take_along_dim(input, indices, dim=None, *, out=None):
    """``gather`` with broadcasting: picks along ``dim`` the entries ``indices`` give (as
    returned by argmax/argsort); with dim=None both are read as 1-D. As PyTorch, indices are
    taken modulo the size of ``dim``.

    >>> ember.take_along_dim(ember.tensor([[1, 9], [8, 2]]), ember.tensor([[1], [0]]), dim=1)
    tensor([[9],
            [8]])
    """
    if not isinstance(indices, Tensor):
        raise _not_tensor(indices, 'take_along_dim', 'indices')
    x, idx = input._data, indices._data
    if idx.dtype != _I64D:
        raise RuntimeError(f'torch.take_along_dim(): dtype of indices should be Long but got '
                           f'{tname(idx.dtype)}')
    if dim is None:
        flat_in = input.reshape(-1)
        n = x.size
        ind = indices.reshape(-1)
        if n:
            ind = wrap(xp_of(idx).mod(ind._data, n))
        res = gather(flat_in, 0, ind)
    else:
        if x.ndim != idx.ndim:
            raise RuntimeError(f'torch.take_along_dim(): input and indices should have the same '
                               f'number of dimensions, but got {x.ndim} dimensions for input, and '
                               f'{idx.ndim} dimensions for indices')
        d = norm_dim(dim, x.ndim)
        xs, ids = list(x.shape), list(idx.shape)
        xs[d] = ids[d] = 1
        try:
            b = list(np.broadcast_shapes(tuple(xs), tuple(ids)))
        except ValueError:
            from types import SimpleNamespace as NS
            from .arith import broadcast_error
            raise broadcast_error('take_along_dim', NS(shape=xs), NS(shape=ids)) from None
        bi = b.copy()
        bi[d] = idx.shape[d] if idx.ndim else 1
        bx = b.copy()
        bx[d] = x.shape[d] if x.ndim else 1
        n = bx[d] if x.ndim else 1
        ind = idx if tuple(bi) == idx.shape else xp_of(idx).broadcast_to(idx, tuple(bi))
        if n:
            ind = xp_of(idx).mod(ind, n)
        src = input if tuple(bx) == x.shape else input.expand(tuple(bx))
        res = gather(src, d, wrap(xp_of(idx).ascontiguousarray(ind)))
    if out is not None:
        return write_out(out, res, (input,), 'take_along_dim')
    return res


# =========================================================================================
# in-place forms
# =========================================================================================
def _direct(fn, name):
    """A no-graph in-place path: ``fn`` computed out of place without recording a graph, then
    written into ``self``."""
    def run(self, *args, **kwargs):
        arr = self._data
        prev = STATE.enabled
        STATE.enabled = False
        try:
            res = fn(self, *args, **kwargs)._data
        finally:
            STATE.enabled = prev
        if res.shape != arr.shape:
            raise RuntimeError(f"output with shape {list(arr.shape)} doesn't match the broadcast "
                               f'shape {list(res.shape)} (in {name})')
        arr[...] = res
        bump_version(self)
        return self
    return run


def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    """In-place :func:`scatter`: ``self.scatter_(dim, index, src_or_value)``.

    >>> ember.zeros(3).scatter_(0, ember.tensor([2]), ember.tensor([9.]))
    tensor([0., 0., 9.])
    """
    if not (STATE.enabled and (self._rg or (isinstance(src, Tensor) and src._rg))):
        _writable(self._data, 'scatter_')
        res = _scatter_common(self, dim, index, src, value, reduce, 'scatter_')[0]
        self._data[...] = res
        bump_version(self)
        return self
    return apply_inplace(self, scatter, 'scatter_', dim, index, src, value=value, reduce=reduce)


def _scatter_add_direct(self, dim, index, src):
    if not isinstance(src, Tensor):
        raise _not_tensor(src, 'scatter_add_', 'src', 3)
    dim, idx, shape = _gs_prepare(self, dim, index, src, 'scatter_add_')
    return _write_contiguous(self, lambda arr: _scatter_kernel(
        arr.reshape(shape), dim, idx, _src_part(src, idx), 'add'))


scatter_add_ = _inplace_variant(scatter_add, 'scatter_add_', _scatter_add_direct)
scatter_reduce_ = _inplace_variant(scatter_reduce, 'scatter_reduce_',
                                   _direct(scatter_reduce, 'scatter_reduce_'))


METHODS = {'gather': gather, 'scatter': scatter, 'scatter_': scatter_, 'scatter_add': scatter_add,
           'scatter_add_': scatter_add_, 'scatter_reduce': scatter_reduce,
           'scatter_reduce_': scatter_reduce_, 'take_along_dim': take_along_dim}
