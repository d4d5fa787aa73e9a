"""Indexing: ``x[key]``, ``x[key] = v`` and index_put, and the rebase of a view's base
after an in-place write through the view. The other indexing ops live in gather_scatter,
index_ops, masked and search.

Basic indexing (ints, slices, None, ...) returns a view sharing memory and the version
counter; advanced indexing (integer/bool tensors, lists, arrays) returns a copy whose
backward scatters the gradient back, adding duplicates.

>>> x = ember.arange(6.).view(2, 3)
>>> x[:, 1], x[x > 3]
(tensor([1., 4.]), tensor([4., 5.]))
"""
from ._base import Tensor, wrap, record, STATE, bump_version, inplace_result, np
from .shape import view_of
from .arith import tname
from ..autograd import engine
from ._index_common import (_ELL, _I32_64, _not_tensor, _writable, _fill_value, _number,
                            _contig_copy, _take_region, _take_region_backward, _empty_key,
                            _adv_error, _accumulate, _zero_region, _shape_error, _embed)
from ._index_key import _parse, _is_full, _type_name

__all__ = ['index_put']


# =========================================================================================
# x[key]
# =========================================================================================
def _basic_tuple(self, arr, key):
    """``x[key]`` for a tuple of ints, slices, None and one Ellipsis (a view), else None."""
    nd = arr.ndim
    shape = arr.shape
    name = 'AliasBackward0'
    dim = 0
    ell = False
    for i, k in enumerate(key):
        kc = k.__class__
        if kc is int:
            name = 'SelectBackward0'
            dim += 1
        elif kc is slice:
            if k.step is not None and k.step <= 0 or dim >= nd:
                return None
            if not (k.start is None and k.stop is None and k.step is None) and \
                    not _is_full(k, shape[dim]):
                name = 'SliceBackward0'
            dim += 1
        elif k is None:
            name = 'UnsqueezeBackward0'
        elif k is Ellipsis and not ell:
            ell = True
            rest = 0
            for r in key[i + 1:]:
                rc = r.__class__
                if rc is int or rc is slice:
                    rest += 1
            if nd - rest < dim:
                return None
            dim = nd - rest
        else:
            return None
    if dim > nd:
        return None
    vkey = key if ell else key + _ELL
    try:
        out = arr[vkey]
    except IndexError:
        return None                         # _parse raises PyTorch's message
    return record(view_of(self, out), name, _take_region_backward, (self,),
                  ctx=(vkey, None, False))


def getitem(self, key):
    """``self[key]``: basic indexing gives a view (SelectBackward0, SliceBackward0, ...),
    advanced indexing (integer/bool tensors, lists) a copy (IndexBackward0).

    >>> ember.arange(6).view(2, 3)[1, ::2]
    tensor([3, 5])
    """
    arr = self._data
    c = key.__class__
    if c is int:
        try:
            out = arr[key, ...]
        except IndexError:
            _parse(arr.shape, key)          # raises PyTorch's message
            raise
        return record(view_of(self, out), 'SelectBackward0', _take_region_backward, (self,),
                      ctx=((key, Ellipsis), None, False))
    if c is Tensor:
        idx = key._data
        k = idx.dtype.kind
        if idx.ndim and arr.ndim:
            if k == 'b':
                if idx.shape == arr.shape[:idx.ndim]:
                    return record(wrap(arr[idx]), 'IndexBackward0', _take_region_backward,
                                  (self,), ctx=(None, (idx,), False))
            elif k == 'i' and idx.dtype in _I32_64:
                try:
                    out = arr.take(idx, axis=0)
                except IndexError:
                    return _take_region(self, None, (idx,), 'IndexBackward0', True)
                return record(wrap(out), 'IndexBackward0', _take_region_backward, (self,),
                              ctx=(None, (idx,), True))
    elif c is slice:
        if arr.ndim and (key.step is None or key.step > 0):
            return record(view_of(self, arr[key]), 'SliceBackward0', _take_region_backward,
                          (self,), ctx=((key, Ellipsis), None, False))
    elif c is tuple:
        out = _basic_tuple(self, arr, key)
        if out is not None:
            return out
    elif key is None:
        return record(view_of(self, arr[None]), 'UnsqueezeBackward0', _take_region_backward,
                      (self,), ctx=((None, Ellipsis), None, False))
    vkey, akey, name, dup = _parse(arr.shape, key)
    return _take_region(self, vkey, akey, name + 'Backward0', dup)


# =========================================================================================
# x[key] = value
# =========================================================================================
def _write(arr, vkey, akey, vals, accumulate, dup, op, _retry=True):
    """Write ``vals`` into the region ``arr[vkey][akey]`` of ``arr`` (in place)."""
    target = arr if vkey is None else arr[vkey]
    try:
        if akey is None:
            if accumulate:
                target += vals
            else:
                target[...] = vals
        elif not accumulate:
            target[akey] = vals
        elif not dup:
            target[akey] += vals
        elif target.flags.c_contiguous and vkey is None:
            _accumulate(target, None, akey, vals)
        else:
            tmp = target.copy()
            _accumulate(tmp, None, akey, vals)
            target[...] = tmp
    except IndexError as e:
        if target.size or not _retry:
            raise _adv_error(e, akey) from None
        # an empty tensor: no bounds checks, as PyTorch (the other errors still apply)
        _write(arr, vkey, _empty_key(target, akey), vals, accumulate, dup, op, False)
    except ValueError as e:
        if 'read-only' in str(e):
            _writable(arr, op)
        vshape = tuple(getattr(vals, 'shape', ()))
        region = target.shape if akey is None else target[akey].shape
        raise _shape_error(vshape, region, akey is not None,
                           getattr(vals, 'dtype', np.float32)) from None


def _check_overlap(dst, src):
    """PyTorch's error when the value partly overlaps the memory it is written to."""
    if dst.shape == src.shape and dst.strides == src.strides and \
            dst.__array_interface__['data'][0] == src.__array_interface__['data'][0]:
        return
    try:
        overlap = np.shares_memory(dst, src, max_work=10 ** 6)
    except np.exceptions.TooHardError:
        overlap = True
    if overlap:
        raise RuntimeError('unsupported operation: some elements of the input tensor and the '
                           'written-to tensor refer to a single memory location. Please clone() '
                           'the tensor before performing the operation. (x[key] = v where v is '
                           'a view overlapping the written region: use v.clone())')


def _put_backward(node, grad):
    """Backward of every region write (setitem, index_put): the overwritten part of the
    destination gets no gradient, the value gets the gradient of its region."""
    vkey, akey, accumulate, dup = node.ctx
    gs = gv = None
    if node.next[0] is not None:
        gs = grad if accumulate else _zero_region(grad, vkey, akey)
    if len(node.next) > 1 and node.next[1] is not None:
        gv = _take_region(grad, vkey, akey, 'AliasBackward0', dup)
        vshape = node.meta[1][0]
        n = gv._data.ndim
        if len(vshape) > n:                 # a value with extra leading 1-dims
            gv = gv.sum_to_size(vshape[len(vshape) - n:]).reshape(vshape)
    return gs, gv


def setitem(self, key, value):
    """``self[key] = value`` in place: a number, or a tensor broadcast to the region and cast
    to ``self``'s dtype. Differentiable (CopySlices / IndexPutBackward0).

    >>> x = ember.zeros(3); x[1] = 5; x
    tensor([0., 5., 0.])
    """
    arr = self._data
    num = _number(value, True)
    if num is None:
        if not isinstance(value, Tensor):
            what = _type_name(value)
            hint = ' (use float(v) / int(v))' if isinstance(value, np.generic) else \
                ' (wrap it: torch.tensor(values))' if isinstance(value, (list, tuple,
                                                                           np.ndarray)) else ''
            raise TypeError(f"can't assign a {what} to a {self.type()}{hint}")
        vals = value._data
        vt = value
    else:
        vals = _fill_value(arr.dtype, num, '__setitem__')
        vt = None
    c = key.__class__
    vkey = akey = None
    if c is int:
        if arr.ndim and -arr.shape[0] <= key < arr.shape[0]:
            vkey, dup = (key, Ellipsis), False
    elif c is Tensor:
        idx = key._data
        if idx.ndim and arr.ndim:
            if idx.dtype.kind == 'b':
                if idx.shape == arr.shape[:idx.ndim]:
                    akey, dup = (idx,), False
            elif idx.dtype in _I32_64:
                akey, dup = (idx,), True
    if vkey is None and akey is None:
        vkey, akey, name, dup = _parse(arr.shape, key, True)
        if name is None:
            return
    grad = STATE.enabled and (self._rg or (vt is not None and vt._rg))
    if STATE.enabled and self._rg and self.grad_fn is None:
        which = 'a view of a leaf Variable' if vkey is not None else 'a leaf Variable'
        raise RuntimeError(f'{which} that requires grad is being used in an in-place operation. '
                           '(in x[...] = v: do it under `with torch.no_grad():`, or clone '
                           'first: x = x.clone())')
    if vt is not None and vals.__class__ is np.ndarray and np.may_share_memory(arr, vals):
        _check_overlap(arr if akey is not None or vkey is None else arr[vkey], vals)
    if vt is not None and vals.dtype != arr.dtype:
        with np.errstate(invalid='ignore', over='ignore'):
            vals = vals.astype(arr.dtype)
    _write(arr, vkey, akey, vals, False, dup, '__setitem__')
    if not grad:
        bump_version(self)
        return
    if vkey is not None:
        gname = 'torch::autograd::CopySlices'   # PyTorch's name(); printed as CopySlices
    elif akey is not None:
        gname = 'IndexPutBackward0'
    elif vt is not None and vt._data.ndim:
        gname = 'CopyBackwards'
    else:
        gname = 'FillBackward3'
    res = record(wrap(arr), gname, _put_backward, (self, value), ctx=(vkey, akey, False, dup))
    inplace_result(self, res, '__setitem__')


# =========================================================================================
# in-place writes through a view: the base moves onto a CopySlices node
# =========================================================================================
def rebase_view(view, fn, out_nr=0):
    """After an in-place op wrote into ``view`` (its result recorded by node ``fn``), move the
    view's base onto a ``CopySlices`` node: the base's gradient flows to its old value outside
    the view's region and to ``fn`` inside it (PyTorch's semantics for ``x[0] += v``).

    Meant to be called by ``_base._rebase_view``; the view keeps ``fn`` as its grad_fn.
    """
    base = view._base
    if base._rg and base.grad_fn is None:
        raise RuntimeError('a view of a leaf Variable that requires grad is being used in an '
                           'in-place operation. (do it under `with torch.no_grad():`, or clone '
                           'the leaf first)')
    if base._data.itemsize != view._data.itemsize or base._data.__class__ is not np.ndarray:
        raise RuntimeError('in-place modification of this view (a dtype view or a device '
                           'array) inside the graph is not supported; clone it first')
    pos = _view_positions(base._data, view._data)
    new_view = wrap(view._data)
    new_view.grad_fn, new_view._rg, new_view._out_nr = fn, True, out_nr
    node_out = record(wrap(base._data), 'torch::autograd::CopySlices', _rebase_backward,
                      (base, new_view), ctx=(pos,))
    base.grad_fn = node_out.grad_fn
    base._rg = True
    base._out_nr = 0
    view._view_version = view._vc[0]


def refresh_view(view):
    """Re-derive ``view``'s grad_fn from its base after the base or another view of it was
    modified in place (PyTorch regenerates such a view as ``AsStridedBackward0``), so the
    gradient follows the values the view holds now.

    Called by the engine when a stale view is used in a recorded op.
    """
    base = view._base
    vc = view._vc
    if (base._rg and base._data.__class__ is np.ndarray
            and base._data.itemsize == view._data.itemsize):
        pos = _view_positions(base._data, view._data)
        fresh = record(wrap(view._data), 'AsStridedBackward0', _as_strided_backward, (base,),
                       ctx=(pos,))
        if fresh.grad_fn is not None:
            view.grad_fn, view._rg, view._out_nr = fresh.grad_fn, True, 0
    view._view_version = vc[0]


def _as_strided_backward(node, grad):
    (pos,) = node.ctx
    shape = node.meta[0][0]
    numel = int(np.prod(shape, dtype=np.int64))
    return _embed(grad, (numel,), None, (pos,), True).reshape(shape)


def _view_positions(b, v):
    """Logical (C-order) positions in ``b`` of the elements of its view ``v``."""
    isz = b.itemsize
    if v.ndim == 0:
        strides = ()
    else:
        strides = tuple(st // isz for st in v.strides)
    off = (v.__array_interface__['data'][0] - b.__array_interface__['data'][0]) // isz
    if b.flags.c_contiguous:
        lin = np.arange(b.size, dtype=np.int64)
    else:                                   # memory offset -> logical index of b
        bst = [st // isz for st in b.strides]
        grid = np.zeros(b.shape, np.int64)
        for d, n in enumerate(b.shape):
            grid = grid + (np.arange(n) * bst[d]).reshape((-1,) + (1,) * (b.ndim - d - 1))
        low = int(grid.min()) if grid.size else 0
        lin = np.full(int(grid.max()) - low + 1 if grid.size else 1, -1, np.int64)
        lin[(grid - low).reshape(-1)] = np.arange(b.size)
        off -= low
    pos = np.lib.stride_tricks.as_strided(lin[off:], v.shape, tuple(st * 8 for st in strides))
    return np.array(pos)


def _rebase_backward(node, grad):
    (pos,) = node.ctx
    shape = grad._data.shape
    flat = grad.reshape(-1)
    gb = gv = None
    if node.next[0] is not None:
        gb = _zero_region(flat, None, (pos,)).reshape(shape)
    if node.next[1] is not None:
        gv = _take_region(flat, None, (pos,), 'AliasBackward0', True)
    return gb, gv


# =========================================================================================
# index_put
# =========================================================================================
def _put_key(input, indices, op):
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{op}(): argument 'indices' must be tuple of Tensors, not "
                        f'{type(indices).__name__}')
    arr = input._data
    akey = []
    dup = False
    dims = 0
    for i, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f'expected Tensor as element {i} in argument 1, but got '
                            f'{type(t).__name__}')
        a = t._data
        k = a.dtype.kind
        if k == 'b' or a.dtype == np.uint8:
            a = a.astype(bool, copy=False)
            have = arr.shape[dims:dims + a.ndim]
            if a.shape != have:
                j = next((j for j in range(a.ndim) if j >= len(have) or a.shape[j] != have[j]),
                         0)
                raise IndexError(f'The shape of the mask {list(a.shape)} at index {j} does not '
                                 f'match the shape of the indexed tensor {list(arr.shape)} at '
                                 f'index {dims + j}')
            dims += max(a.ndim, 1)
        elif a.dtype in _I32_64:
            dup = True
            dims += 1
        else:
            raise IndexError('tensors used as indices must be long, int, byte or bool tensors')
        akey.append(a)
    if dims > arr.ndim:
        raise IndexError(f'too many indices for tensor of dimension {arr.ndim} (got {dims})')
    if not akey:
        raise RuntimeError(f'{op}(): indices must not be empty')
    return tuple(akey), dup


def _put_values(input, values, op):
    if not isinstance(values, Tensor):
        raise _not_tensor(values, op, 'values', 3)
    if values._data.dtype != input._data.dtype:
        raise RuntimeError(f'Index put requires the source and destination dtypes match, got '
                           f'{tname(input._data.dtype)} for the destination and '
                           f'{tname(values._data.dtype)} for the source.')


def index_put(input, indices, values, accumulate=False):
    """Out-of-place ``input[indices] = values`` (``+=`` with accumulate=True, duplicates
    summed); ``indices`` is a tuple of index tensors.

    >>> ember.index_put(ember.zeros(3), (ember.tensor([0, 0]),), ember.tensor(1.), True)
    tensor([2., 0., 0.])
    """
    akey, dup = _put_key(input, indices, 'index_put')
    _put_values(input, values, 'index_put')
    out = _contig_copy(input._data)
    _write(out, None, akey, values._data, accumulate, dup, 'index_put')
    return record(wrap(out), 'IndexPutBackward0', _put_backward, (input, values),
                  ctx=(None, akey, bool(accumulate), dup))


def index_put_(self, indices, values, accumulate=False):
    """In-place :func:`index_put`.

    >>> ember.zeros(3).index_put_((ember.tensor([1]),), ember.tensor(5.))
    tensor([0., 5., 0.])
    """
    akey, dup = _put_key(self, indices, 'index_put_')
    _put_values(self, values, 'index_put_')
    _check_leaf(self, 'index_put_')
    v = values._data
    if v.__class__ is np.ndarray and np.may_share_memory(self._data, v):
        _check_overlap(self._data, v)
    _write(self._data, None, akey, v, accumulate, dup, 'index_put_')
    return _finish_inplace(self, values, 'IndexPutBackward0', _put_backward,
                           (None, akey, bool(accumulate), dup), 'index_put_')


def _check_leaf(t, op):
    if STATE.enabled and t._rg and t.grad_fn is None:
        raise RuntimeError('a leaf Variable that requires grad is being used in an in-place '
                           f'operation. (in {op}: wrap it in `with torch.no_grad():` or use the '
                           'out-of-place form)')


def _finish_inplace(self, other, name, backward, ctx, op):
    """After writing into ``self``'s memory: bump the version and, when a graph is recorded,
    move ``self`` onto a new node whose inputs are (old self, other). Only for ops whose
    backward needs neither old values nor the result."""
    if STATE.enabled and (self._rg or (isinstance(other, Tensor) and other._rg)):
        res = record(wrap(self._data), name, backward, (self, other), ctx=ctx)
        return inplace_result(self, res, op)
    bump_version(self)
    return self


METHODS = {'__getitem__': getitem, '__setitem__': setitem, 'index_put': index_put,
           'index_put_': index_put_}


engine._refresh_view = refresh_view
