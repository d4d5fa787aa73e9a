"""Indexing: ``x[key]``, ``x[key] = v``, gather/scatter, the index_* and masked_* families,
take/put, nonzero, searchsorted/bucketize, histc and bincount.

Basic indexing (ints, slices, None, ...) returns a view sharing memory and the version
counter; advanced indexing (integer/bool tensors, lists, arrays) returns a copy whose
backward scatters the gradient back, adding duplicates.

>>> x = ember.arange(6.).view(2, 3)
>>> x[:, 1], x[x > 3]
(tensor([1., 4.]), tensor([4., 5.]))
"""
import math
import warnings

from ._base import (Tensor, wrap, record, STATE, xp_of, norm_dim, bump_version, inplace_result,
                    np)
from .shape import view_of
from .arith import apply_inplace, write_out, tname, record_not_implemented

__all__ = ['gather', 'scatter', 'scatter_add', 'scatter_reduce', 'index_select', 'index_add',
           'index_fill', 'index_copy', 'index_put', 'masked_fill', 'masked_scatter',
           'masked_select', 'take', 'take_along_dim', 'put', 'nonzero', 'argwhere',
           'searchsorted', 'bucketize', 'histc', 'bincount']

_FULL = slice(None)
_ELL = (Ellipsis,)
_INDEX_KINDS = 'iub'


# =========================================================================================
# helpers shared by every op here
# =========================================================================================
def _add_at(target, idx, vals):
    """``target[idx] += vals`` with repeated indices summed (NumPy or CuPy)."""
    if target.__class__ is np.ndarray:
        np.add.at(target, idx, vals)
    else:                                                  # pragma: no cover - GPU only
        import cupyx
        cupyx.scatter_add(target, idx, vals)


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


def _writable(arr, op):
    if arr.__class__ is np.ndarray and not arr.flags.writeable:
        raise RuntimeError(
            'unsupported operation: more than one element of the written-to tensor refers to a '
            'single memory location. Please clone() the tensor before performing the operation. '
            f'(in {op}: the tensor is an expand()ed view or a read-only NumPy array)')


_CTYPE = {'int8': 'int8_t', 'int16': 'int16_t', 'int32': 'int32_t', 'int64': 'int64_t',
          'uint8': 'uint8_t', 'float16': 'c10::Half', 'float32': 'float', 'float64': 'double'}


def _fill_value(dt, v, op):
    """A Python number as a value for an array of NumPy dtype ``dt`` (PyTorch's overflow error
    instead of NumPy's silent wrap-around)."""
    kind = dt.kind
    if kind == 'b' or v.__class__ is bool:
        return v
    if kind in 'iu':
        lo, hi = _ilimits(dt)
        if v.__class__ is not int and not isinstance(v, (int, np.integer)):
            v = float(v)
            if not (math.isfinite(v) and lo <= v <= hi):
                raise _overflow(dt, op)
            return int(v)              # truncation toward zero, as PyTorch's cast
        if not lo <= v <= hi:
            raise _overflow(dt, op)
        return v
    v = float(v)
    if dt.itemsize < 8 and math.isfinite(v) and abs(v) > _fmax(dt):
        raise _overflow(dt, op)
    return v


_FMAX = {}
_ILIM = {}


def _ilimits(dt):
    m = _ILIM.get(dt)
    if m is None:
        info = np.iinfo(dt)
        m = _ILIM[dt] = (int(info.min), int(info.max))
    return m


def _fmax(dt):
    m = _FMAX.get(dt)
    if m is None:
        m = _FMAX[dt] = float(np.finfo(dt).max)
    return m


def _overflow(dt, op):
    return RuntimeError(f'value cannot be converted to type {_CTYPE.get(dt.name, dt.name)} without '
                        f'overflow (in {op}: the value does not fit the tensor dtype)')


def _number(value, strict=False):
    """``value`` as a Python number if it is one (not a Tensor), else None. ``strict`` is
    PyTorch's rule for ``x[i] = v``: NumPy integers and float64 pass, other NumPy scalars
    do not."""
    c = value.__class__
    if c is int or c is float or c is bool:
        return value
    if isinstance(value, float):                      # np.float64
        return float(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if not strict and isinstance(value, (np.floating, np.bool_)):
        return value.item()
    return None


# dtype.name is computed in Python by NumPy (~5 us): compare dtype objects instead
_I64D = np.dtype(np.int64)
_I32_64 = (_I64D, np.dtype(np.int32))
_I64 = (_I64D,)


def _zeros(shape, dtype, like):
    return xp_of(like).zeros(shape, dtype)


def _contig_copy(arr):
    return arr.copy()                           # ndarray.copy() is C-ordered


# =========================================================================================
# x[key]: parsing the key
# =========================================================================================
_INT, _SLICE, _NONE, _ELLIPSIS, _IARR, _BARR, _BOOL = range(7)


def _seq_as_tuple(seq):
    """PyTorch's (NumPy's old) rule: a short list holding sequences, slices, tensors, None or
    Ellipsis is read as a tuple of indices."""
    if len(seq) >= 32:
        return False
    for o in seq:
        if o is None or o is Ellipsis or isinstance(o, (Tensor, slice, list, tuple, range,
                                                         np.ndarray)):
            return True
    return False


def _array_index(a, what):
    """An index array from a list/tuple/range/ndarray (floats cast to int64 as PyTorch does)."""
    try:
        arr = np.asarray(a)
    except ValueError:
        raise IndexError(f'could not convert the index {what} to a tensor (ragged nested '
                         'lists)') from None
    if arr.size == 0 and not isinstance(a, np.ndarray):
        return arr.astype(np.int64)
    k = arr.dtype.kind
    if k == 'f':
        return arr.astype(np.int64)
    if k not in _INDEX_KINDS:
        raise IndexError('tensors used as indices must be long, int, byte or bool tensors')
    return arr


def _classify(k):
    """(kind, value, consumed dims) for one item of an index."""
    c = k.__class__
    if c is int:
        return _INT, k, 1
    if c is slice:
        return _SLICE, k, 1
    if k is None:
        return _NONE, None, 0
    if k is Ellipsis:
        return _ELLIPSIS, None, 0
    if c is bool or c is np.bool_:
        return _BOOL, bool(k), 0
    if isinstance(k, Tensor):
        return _classify_array(k._data, True)
    if isinstance(k, np.ndarray):
        return _classify_array(_array_index(k, 'array'), False)
    if isinstance(k, np.integer):
        return _INT, int(k), 1
    if isinstance(k, (list, tuple, range)):
        return _classify_array(_array_index(k, 'list'), False)
    if isinstance(k, str):
        raise TypeError("new(): invalid data type 'str'")
    if hasattr(k, '__index__') and not isinstance(k, float):
        return _INT, k.__index__(), 1
    raise IndexError('only integers, slices (`:`), ellipsis (`...`), None and long or byte '
                     f'Variables are valid indices (got {_type_name(k)})')


def _type_name(k):
    t = type(k)
    return t.__name__ if t.__module__ == 'builtins' else f'{t.__module__.split(".")[0]}.{t.__name__}'


def _classify_array(a, from_tensor):
    dt = a.dtype
    k = dt.kind
    if k == 'b' or dt == np.uint8:
        if k != 'b':
            warnings.warn('indexing with dtype torch.uint8 is now deprecated, please use a dtype '
                          'torch.bool instead.', UserWarning, stacklevel=4)
            a = a.astype(bool)
        if a.ndim == 0:
            return _BOOL, bool(a), 0
        return _BARR, a, a.ndim
    if k not in 'iu' or (from_tensor and dt not in _I32_64):
        raise IndexError('tensors used as indices must be long, int, byte or bool tensors')
    if a.ndim == 0:
        return _INT, int(a), 1
    return _IARR, a, 1


def _is_full(s, size):
    """PyTorch skips a slice that keeps the whole dim (start 0, step 1, stop past the end)."""
    a, b, c = s.start, s.stop, s.step
    return (a is None or a == 0) and (c is None or c == 1) and (b is None or b >= size)


def _parse(shape, key, setting=False):
    """Split ``key`` into a basic part (a NumPy key giving a view) and an advanced part.

    Returns ``(vkey, akey, name, dup)``: ``vkey`` is None when the basic part is the whole
    tensor; ``akey`` (None without advanced indices) indexes that view; ``name`` is the
    grad_fn PyTorch gives the basic part; ``dup`` says the advanced part may repeat positions.
    """
    single_slice = single = False
    if key.__class__ is not tuple:
        if key.__class__ is list and _seq_as_tuple(key):
            warnings.warn('Using a non-tuple sequence for multidimensional indexing is deprecated '
                          'and will be changed in pytorch 2.9; use x[tuple(seq)] instead of '
                          'x[seq].', UserWarning, stacklevel=3)
            key = tuple(key)
        else:
            single_slice = key.__class__ is slice and not setting
            single = True
            key = (key,)
    items = []
    consumed = 0
    for k in key:
        item = _classify(k)
        consumed += item[2]
        items.append(item)
    ndim = len(shape)
    if consumed > ndim:
        if ndim == 0 and single and items[0][0] == _INT:
            raise IndexError('invalid index of a 0-dim tensor. Use `tensor.item()` in Python or '
                             '`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number')
        if ndim == 0 and single and items[0][0] == _SLICE:
            raise IndexError('slice() cannot be applied to a 0-dim tensor.')
        raise IndexError(f'too many indices for tensor of dimension {ndim}')
    vkey = []
    akey = []
    adv = False
    trivial = True
    dup = False
    name = 'Alias'
    skip = False                 # a False scalar index in x[...] = v: nothing is written
    dim = 0                      # input dim the next item applies to
    ell_done = False
    # a scalar bool in x[...] = v is a plain new axis unless other advanced indices exist
    bool_basic = setting and not any(it[0] == _IARR or it[0] == _BARR for it in items)
    for real, (kind, v, n) in enumerate(items):      # PyTorch's messages number the items
        if kind == _INT:
            size = shape[dim]
            if not -size <= v < size:
                raise IndexError(f'index {v} is out of bounds for dimension {real} with size '
                                 f'{size}')
            vkey.append(v)
            trivial = False
            name = 'Select'
            dim += 1
        elif kind == _SLICE:
            if v.step is not None and v.step <= 0:
                if v.step == 0:
                    raise ValueError('slice step cannot be zero')
                raise ValueError('step must be greater than zero (negative steps are not '
                                 'supported; use x.flip(dim) instead)')
            vkey.append(v)
            akey.append(_FULL)
            if single_slice or not _is_full(v, shape[dim]):
                trivial = False
                name = 'Slice'
            dim += 1
        elif kind == _NONE:
            vkey.append(None)
            akey.append(_FULL)
            trivial = False
            name = 'Unsqueeze'
        elif kind == _ELLIPSIS:
            m = ndim - consumed
            if ell_done and m and any(it[0] != _ELLIPSIS for it in items[real + 1:]):
                n_ell = sum(1 for it in items if it[0] == _ELLIPSIS)
                adv_any = any(it[0] in (_IARR, _BARR) for it in items)
                raise IndexError(f'too many indices for tensor of dimension {ndim}'
                                 + (f' (got {consumed + n_ell * m})' if adv_any else '')
                                 + ' (more than one ... in the index)')
            if ell_done:
                m = 0
            ell_done = True
            vkey.extend((_FULL,) * m)
            akey.extend((_FULL,) * m)
            dim += m
        elif kind == _BOOL:
            vkey.append(None)
            trivial = False
            if bool_basic:
                if not v:
                    skip = True
                akey.append(_FULL)
                name = 'Unsqueeze'
            else:
                akey.append(np.array([v]))
                adv = True
        elif kind == _IARR:
            vkey.append(_FULL)
            akey.append(v)
            adv = dup = True
            dim += 1
        else:                                              # bool mask over n dims
            have = shape[dim:dim + n]
            for j in range(n):
                if v.shape[j] != have[j]:
                    raise IndexError(f'The shape of the mask {list(v.shape)} at index {j} does '
                                     f'not match the shape of the indexed tensor {list(shape)} '
                                     f'at index {dim + j}')
            vkey.extend((_FULL,) * n)
            akey.append(v)
            adv = True
            dim += n
    if adv:
        while akey[-1] is _FULL:
            akey.pop()
        akey = tuple(akey)
    else:
        akey = None
    vkey = None if trivial else tuple(vkey) + _ELL
    if setting and skip:
        name = None
    return vkey, akey, name, dup


def _adv_error(err, akey):
    """Rewrite NumPy's advanced-indexing IndexError in PyTorch's words and dim numbering."""
    msg = str(err)
    if 'out of bounds for axis' in msg:
        import re
        m = re.match(r'index (-?\d+) is out of bounds for axis (\d+) with size (\d+)', msg)
        if m:
            axis = int(m.group(2))
            view_axis = 0
            adv_dims = 0
            for a in akey:
                if view_axis == axis:
                    break
                n = 1 if a is _FULL or a.dtype.kind != 'b' else a.ndim
                view_axis += n
                if a is not _FULL:
                    adv_dims += n
            return IndexError(f'index {m.group(1)} is out of bounds for dimension {adv_dims} '
                              f'with size {m.group(3)}')
    if 'shape mismatch' in msg:
        shapes = [list(a.shape) for a in akey if a is not _FULL and a.dtype.kind != 'b']
        shapes += [[int(a.sum())] for a in akey if a is not _FULL and a.dtype.kind == 'b']
        return IndexError('shape mismatch: indexing tensors could not be broadcast together '
                          'with shapes ' + ', '.join(str(s) for s in shapes))
    return IndexError(msg)


# =========================================================================================
# x[key]
# =========================================================================================
def _take(t, vkey, akey, name, dup=True):
    """``t[vkey][akey]`` recorded as one node (a view when there is no advanced part)."""
    arr = t._data
    view = arr if vkey is None else arr[vkey]
    if akey is None:
        return record(view_of(t, view if vkey is not None else arr.view()), name,
                      _take_backward, (t,), ctx=(vkey, None, False))
    try:
        out = view[akey]
    except IndexError as e:
        if view.size:
            raise _adv_error(e, akey) from None
        akey = _empty_key(view, akey)
        try:
            out = view[akey]
        except IndexError as e2:
            raise _adv_error(e2, akey) from None
    return record(wrap(out), 'IndexBackward0', _take_backward, (t,), ctx=(vkey, akey, dup))


def _empty_key(view, akey):
    """PyTorch checks no bounds when indexing an empty tensor (unless the indexed dim itself
    has size 0): the same key with in-range indices gives the right empty result."""
    out = []
    axis = 0
    for a in akey:
        if a is _FULL or a.dtype.kind == 'b':
            out.append(a)
            axis += 1 if a is _FULL else a.ndim
            continue
        if view.shape[axis] == 0 and a.size:
            raise IndexError('index is out of bounds for dimension with size 0')
        out.append(xp_of(a).zeros_like(a))
        axis += 1
    return tuple(out)


def _take_backward(node, grad):
    vkey, akey, dup = node.ctx
    return _embed(grad, node.meta[0][0], vkey, akey, dup)


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
    return record(view_of(self, out), name, _take_backward, (self,), ctx=(vkey, None, False))


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
        return record(view_of(self, out), 'SelectBackward0', _take_backward, (self,),
                      ctx=((key, Ellipsis), None, False))
    if c is Tensor:
        idx = key._data
        k = idx.dtype.kind
        if idx.ndim and arr.ndim:
            if k == 'b':
                if idx.shape == arr.shape[:idx.ndim]:
                    return record(wrap(arr[idx]), 'IndexBackward0', _take_backward, (self,),
                                  ctx=(None, (idx,), False))
            elif k == 'i' and idx.dtype in _I32_64:
                try:
                    out = arr.take(idx, axis=0)
                except IndexError:
                    return _take(self, None, (idx,), 'IndexBackward0', True)
                return record(wrap(out), 'IndexBackward0', _take_backward, (self,),
                              ctx=(None, (idx,), True))
    elif c is slice:
        if arr.ndim and (key.step is None or key.step > 0):
            return record(view_of(self, arr[key]), 'SliceBackward0', _take_backward, (self,),
                          ctx=((key, Ellipsis), None, False))
    elif c is tuple:
        out = _basic_tuple(self, arr, key)
        if out is not None:
            return out
    elif key is None:
        return record(view_of(self, arr[None]), 'UnsqueezeBackward0', _take_backward, (self,),
                      ctx=((None, Ellipsis), None, False))
    vkey, akey, name, dup = _parse(arr.shape, key)
    return _take(self, vkey, akey, name + 'Backward0', dup)


# =========================================================================================
# writing into a region: the shared machinery of x[key] = v, index_put and the backwards
# =========================================================================================
def _accumulate(z, vkey, akey, vals):
    """``z[vkey][akey] += vals`` with repeated positions summed; ``z`` is C-contiguous."""
    xp = xp_of(z)
    if vkey is None and len(akey) == 1 and akey[0].dtype.kind != 'b':
        idx = akey[0]
        n = z.shape[0]
        if idx.size and idx.min() < 0:
            idx = xp.where(idx < 0, idx + n, idx)
        inner = z.size // n if n else 0
        rshape = idx.shape + z.shape[1:]
        if inner == 1:
            flat = idx.reshape(-1)
        else:
            flat = (idx.reshape(-1, 1) * inner + xp.arange(inner)).reshape(-1)
        _add_at(z.reshape(-1), flat, xp.broadcast_to(vals, rshape).reshape(-1))
        return
    pos = xp.arange(z.size).reshape(z.shape)
    if vkey is not None:
        pos = pos[vkey]
    pos = pos[akey]
    _add_at(z.reshape(-1), pos.reshape(-1), xp.broadcast_to(vals, pos.shape).reshape(-1))


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


def _shape_error(vshape, region, adv, dtype=np.float32):
    if adv:
        return RuntimeError(f'shape mismatch: value tensor of shape {list(vshape)} cannot be '
                            f'broadcast to indexing result of shape {list(region)}')
    v = list(vshape)
    while len(v) > len(region) and v[0] == 1:
        v.pop(0)
    if len(v) > len(region):
        return RuntimeError(f'expand(torch.{tname(dtype)}Tensor{{{list(vshape)}}}, '
                            f'size={list(region)}): the '
                            f'number of sizes provided ({len(region)}) must be greater or equal to '
                            f'the number of dimensions in the tensor ({len(vshape)})')
    lead = len(region) - len(v)
    for i in range(len(v) - 1, -1, -1):
        if v[i] != 1 and v[i] != region[lead + i]:
            return RuntimeError(f'The expanded size of the tensor ({region[lead + i]}) must match '
                                f'the existing size ({v[i]}) at non-singleton dimension '
                                f'{lead + i}.  Target sizes: {list(region)}.  Tensor sizes: '
                                f'{list(vshape)}')
    return RuntimeError(f'cannot assign a value of shape {list(vshape)} to a region of shape '
                        f'{list(region)}')


def _embed(src, shape, vkey, akey, dup):
    """Zeros of ``shape`` with ``src`` added at the region (the backward of indexing)."""
    x = src._data
    z = _zeros(shape, x.dtype, x)
    if akey is None:
        if vkey is None:
            z[...] = x
        else:
            z[vkey] = x
    elif dup:
        _accumulate(z, vkey, akey, x)
    else:
        (z if vkey is None else z[vkey])[akey] = x
    return record(wrap(z), 'IndexPutBackward0', _embed_backward, (src,), ctx=(vkey, akey, dup))


def _embed_backward(node, grad):
    vkey, akey, dup = node.ctx
    return _take(grad, vkey, akey, 'AliasBackward0', dup)


def _zero_region(t, vkey, akey):
    """A copy of ``t`` with the region set to zero (differentiable; its own backward)."""
    out = _contig_copy(t._data)
    target = out if vkey is None else out[vkey]
    if akey is None:
        target[...] = 0
    else:
        target[akey] = 0
    return record(wrap(out), 'IndexPutBackward0', _zero_region_backward, (t,), ctx=(vkey, akey))


def _zero_region_backward(node, grad):
    vkey, akey = node.ctx
    return _zero_region(grad, vkey, akey)


def _put_backward(node, grad):
    """Backward of every region write (setitem, index_put): the overwritten part of the
    destination gets no gradient, the value gets the gradient of its region."""
    vkey, akey, accumulate, dup = node.ctx
    gs = gv = None
    if node.next[0] is not None:
        gs = grad if accumulate else _zero_region(grad, vkey, akey)
    if len(node.next) > 1 and node.next[1] is not None:
        gv = _take(grad, vkey, akey, 'AliasBackward0', dup)
        vshape = node.meta[1][0]
        n = gv._data.ndim
        if len(vshape) > n:                 # a value with extra leading 1-dims
            gv = gv.sum_to_size(vshape[len(vshape) - n:]).reshape(vshape)
    return gs, gv


# =========================================================================================
# x[key] = value
# =========================================================================================
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
        gname = 'CopySlices'
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
    node_out = record(wrap(base._data), 'CopySlices', _rebase_backward, (base, new_view),
                      ctx=(pos,))
    base.grad_fn = node_out.grad_fn
    base._rg = True
    base._out_nr = 0


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
        gv = _take(flat, None, (pos,), 'AliasBackward0', True)
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
        raise TypeError(f"{op}(): argument 'values' (position 3) must be Tensor, not "
                        f'{type(values).__name__}')
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
    """In-place :func:`index_put`."""
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


# =========================================================================================
# gather / scatter family
# =========================================================================================
def _positions(shape, dim, idx):
    """Flat positions in a C-contiguous array of ``shape`` addressed by ``idx`` along ``dim``
    (the other coordinates are those of each index element)."""
    xp = xp_of(idx)
    nd = len(shape)
    strides = [1] * nd
    for d in range(nd - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    flat = idx.astype(np.int64) * strides[dim] if strides[dim] != 1 else idx.astype(np.int64)
    for d in range(nd):
        if d != dim and idx.shape[d] > 1 and strides[d]:
            r = xp.arange(idx.shape[d]) * strides[d]
            flat = flat + r.reshape((1,) * d + (-1,) + (1,) * (nd - d - 1))
    return flat


def _bounds(idx, size, dim, exc=RuntimeError, negative=False, prefix=''):
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        low = -size if negative else 0
        if lo < low or hi >= size:
            bad = lo if lo < low else hi
            raise exc(f'{prefix}index {bad} is out of bounds for dimension {dim} with size {size}')


def _gs_prepare(input, dim, index, src, op):
    """Validate a gather/scatter call; returns (dim, index array, shape used)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
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


def _src_part(src, idx):
    """The leading block of ``src`` matching ``idx``'s shape."""
    s = src._data
    if s.ndim == 0:
        s = s.reshape(1)
    if s.shape != idx.shape:
        s = s[tuple(slice(0, n) for n in idx.shape)]
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
        vals = _fill_value(x.dtype, _number(value) if _number(value) is not None else
                           float(value), op)
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
        if reduce is not None and isinstance(src, Tensor):
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
        g = _embed(g, src_shape, tuple(slice(0, n) for n in g._data.shape) + _ELL, None, False)
    return g


def scatter_add(input, dim, index, src, *, out=None):
    """Add ``src`` into ``input`` at the positions ``index`` gives along ``dim``
    (repeated positions add up).

    >>> ember.scatter_add(ember.zeros(3), 0, ember.tensor([0, 0]), ember.tensor([1., 2.]))
    tensor([3., 0., 0.])
    """
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add(): argument 'src' (position 4) must be Tensor, not "
                        f'{type(src).__name__}')
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
        raise TypeError(f"scatter_reduce(): argument 'src' (position 4) must be Tensor, not "
                        f'{type(src).__name__}')
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
            if o.dtype.kind == 'f':
                o /= cnt.astype(o.dtype)
            else:
                o[...] = xp.floor_divide(o, cnt).astype(o.dtype)
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (input, src), 'scatter_reduce')
    if res._data.dtype.kind != 'f':
        return res
    saved = (input, src, res) if reduce in ('prod', 'amax', 'amin') else None
    return record(res, 'ScatterReduceBackward0', _scatter_reduce_backward, (input, src),
                  saved=saved, ctx=(dim, index, reduce, include_self))


def _identity(reduce, dt):
    if reduce in ('sum', 'mean'):
        return 0
    if reduce == 'prod':
        return 1
    if dt.kind == 'f':
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
    elif reduce == 'prod':
        x, src, result = node.saved()
        s = src if tuple(src.shape) == tuple(index.shape) else \
            _take(src, tuple(slice(0, k) for k in index.shape) + _ELL, None, 'SliceBackward0')
        masked_x = masked_fill(x, x == 0, 1)
        masked_x_result = scatter_reduce(masked_x, dim, index, s, 'prod',
                                         include_self=include_self)
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
        gv = masked_fill(a, single.logical_not(), 0) + masked_fill(b, single, 0)
        if tuple(sshape) != tuple(index.shape):
            gv = _embed(gv, sshape, tuple(slice(0, k) for k in gv.shape) + _ELL, None, False)
    else:                                                   # amax / amin
        x, src, result = node.saved()
        s = src if tuple(src.shape) == tuple(index.shape) else \
            _take(src, tuple(slice(0, k) for k in index.shape) + _ELL, None, 'SliceBackward0')
        value = gather(result, dim, index)
        self_is = (x == result).to(grad.dtype)
        src_is = (s == value).to(grad.dtype)
        n = scatter_add(self_is, dim, index, src_is)
        dist = grad / n
        gs = self_is * dist
        gv = src_is * gather(dist, dim, index)
        if tuple(sshape) != tuple(index.shape):
            gv = _embed(gv, sshape, tuple(slice(0, k) for k in gv.shape) + _ELL, None, False)
    if not include_self:
        gs = scatter(gs, dim, index, value=0)
    return (gs if node.next[0] is not None else None), (gv if node.next[1] is not None else None)


def _inplace_variant(fn, name, fast=None):
    """``self.<name>(...)``: the out-of-place ``fn`` written into ``self`` (through
    apply_inplace when a graph is recorded; ``fast`` writes directly otherwise)."""
    def op_(self, *args, **kwargs):
        if fast is not None and not (STATE.enabled and (
                self._rg or any(isinstance(a, Tensor) and a._rg for a in args)
                or any(isinstance(a, Tensor) and a._rg for a in kwargs.values()))):
            _writable(self._data, name)
            return fast(self, *args, **kwargs)
        if self._data.__class__ is np.ndarray and not self._data.flags.writeable:
            _writable(self._data, name)
        return apply_inplace(self, fn, name, *args, **kwargs)
    op_.__name__ = name
    op_.__doc__ = f'In-place ``{fn.__name__}``: writes the result into ``self`` and returns it.'
    return op_


def _direct(fn, name):
    """A no-graph in-place path: compute into a contiguous copy when needed, then write."""
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


def _scatter_direct(self, dim, index, src=None, *, value=None, reduce=None):
    res, dim, s, idx = _scatter_common(self, dim, index, src, value, reduce, 'scatter_')
    self._data[...] = res
    bump_version(self)
    return self


def _scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    """In-place :func:`scatter`: ``self.scatter_(dim, index, src_or_value)``."""
    if not (STATE.enabled and (self._rg or (isinstance(src, Tensor) and src._rg))):
        _writable(self._data, 'scatter_')
        return _scatter_direct(self, dim, index, src, value=value, reduce=reduce)
    return apply_inplace(self, scatter, 'scatter_', dim, index, src, value=value, reduce=reduce)


def _scatter_add_direct(self, dim, index, src):
    arr = self._data
    dim, idx, shape = _gs_prepare(self, dim, index, src, 'scatter_add_')
    if arr.flags.c_contiguous:
        _scatter_kernel(arr.reshape(shape), dim, idx, _src_part(src, idx), 'add')
    else:
        tmp = _contig_copy(arr)
        _scatter_kernel(tmp.reshape(shape), dim, idx, _src_part(src, idx), 'add')
        arr[...] = tmp
    bump_version(self)
    return self


scatter_ = _scatter_
scatter_add_ = _inplace_variant(scatter_add, 'scatter_add_', _scatter_add_direct)
scatter_reduce_ = _inplace_variant(scatter_reduce, 'scatter_reduce_',
                                   _direct(scatter_reduce, 'scatter_reduce_'))


# =========================================================================================
# index_select / index_add / index_fill / index_copy
# =========================================================================================
def _index_vector(index, op, allowed, dtype_msg, dim_msg, exc=RuntimeError, dim_exc=IndexError):
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
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


def _along(ndim, d, idx):
    """A NumPy key selecting ``idx`` along dim ``d``."""
    return (_FULL,) * d + (idx,)


def _index_add_prepare(input, dim, index, source, op):
    idx = _index_vector(index, op, _I32_64,
                        op + '(): Expected dtype int32/int64 for index but got: {}',
                        op + '(): Index is supposed to be a vector, but got dim: {} with type: '
                        '{} and size: {}')
    if not isinstance(source, Tensor):
        raise TypeError(f"{op}(): argument 'source' must be Tensor, not {type(source).__name__}")
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
        g = grad if grad._data.ndim else grad.reshape(1)
        gv = index_select(g, d, index.reshape(-1))
        if alpha != 1:
            gv = gv * alpha
        gv = gv.reshape(sshape)
    return grad, gv


def _index_add_direct(self, dim, index, source, *, alpha=1):
    d, idx, xs = _index_add_prepare(self, dim, index, source, 'index_add_')
    arr = self._data
    if arr.flags.c_contiguous:
        _index_add_into(arr.reshape(xs), d, idx, source._data, alpha, xs)
    else:
        tmp = _contig_copy(arr)
        _index_add_into(tmp.reshape(xs), d, idx, source._data, alpha, xs)
        arr[...] = tmp
    bump_version(self)
    return self


index_add_ = _inplace_variant(index_add, 'index_add_', _index_add_direct)


def _index_fill_prepare(input, dim, index, value):
    idx = _index_vector(index, 'index_fill_', _I64, 'index_fill_(): Expected dtype int64 for '
                        'index. (got {}; use index.long())', 'Index has to be a vector/scalar',
                        exc=IndexError, dim_exc=RuntimeError)
    x = input._data
    d = norm_dim(dim, x.ndim)
    n = x.shape[d] if x.ndim else 1
    _bounds(idx, n, d, IndexError, negative=True)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError('index_fill_ only supports a 0-dimensional value tensor, but got '
                               f'tensor with {value._data.ndim} dimension(s).')
        v = value._data.astype(x.dtype)
    else:
        num = _number(value)
        if num is None:
            raise TypeError(f"index_fill(): argument 'value' must be Number or Tensor, not "
                            f'{type(value).__name__}')
        v = _fill_value(x.dtype, num, 'index_fill')
    return d, idx, v


def index_fill(input, dim, index, value):
    """``input`` with the slices at ``index`` along ``dim`` set to ``value``.

    >>> ember.index_fill(ember.zeros(2, 2), 1, ember.tensor([0]), 7.)
    tensor([[7., 0.],
            [7., 0.]])
    """
    d, idx, v = _index_fill_prepare(input, dim, index, value)
    x = input._data
    res = _contig_copy(x)
    if x.ndim:
        res[_along(x.ndim, d, idx)] = v
    elif idx.size:
        res[...] = v
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
        g = grad if grad._data.ndim else grad.reshape(1)
        i = index._data.reshape(-1)
        uniq = wrap(xp_of(i).unique(i))           # PyTorch sums each filled slice once
        gv = index_select(g, d, uniq).sum()
    return gs, gv


def _index_fill_direct(self, dim, index, value):
    d, idx, v = _index_fill_prepare(self, dim, index, value)
    arr = self._data
    if arr.ndim:
        arr[_along(arr.ndim, d, idx)] = v
    elif idx.size:
        arr[...] = v
    bump_version(self)
    return self


index_fill_ = _inplace_variant(index_fill, 'index_fill_', _index_fill_direct)


def _index_copy_prepare(input, dim, index, source):
    if not isinstance(index, Tensor):
        raise TypeError(f"index_copy(): argument 'index' must be Tensor, not {type(index).__name__}")
    idx = index._data
    if idx.ndim > 1:
        raise IndexError(f'index_copy_(): Index should have dimension 1 or 0 (got {idx.ndim})')
    if idx.dtype != _I64D:
        raise RuntimeError(f'index_copy_(): Expected a long tensor for index, but got '
                           f'{tname(idx.dtype)}')
    idx = idx.reshape(-1)
    if not isinstance(source, Tensor):
        raise TypeError(f"index_copy(): argument 'source' must be Tensor, not "
                        f'{type(source).__name__}')
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
    d, idx, xs, s = _index_copy_prepare(input, dim, index, source)
    res = _contig_copy(input._data)
    res.reshape(xs)[_along(len(xs), d, idx)] = s
    return record(wrap(res), 'IndexCopyBackward0', _index_copy_backward, (input, source),
                  ctx=(d, index))


def _index_copy_backward(node, grad):
    d, index = node.ctx
    gs = gv = None
    if node.next[0] is not None:
        gs = index_fill(grad, d, index, 0)
    if node.next[1] is not None:
        g = grad if grad._data.ndim else grad.reshape(1)
        gv = index_select(g, d, index.reshape(-1)).reshape(node.meta[1][0])
    return gs, gv


def _index_copy_direct(self, dim, index, source):
    d, idx, xs, s = _index_copy_prepare(self, dim, index, source)
    self._data.reshape(xs)[_along(len(xs), d, idx)] = s
    bump_version(self)
    return self


index_copy_ = _inplace_variant(index_copy, 'index_copy_', _index_copy_direct)


# =========================================================================================
# masked_fill / masked_scatter / masked_select
# =========================================================================================
def _mask_of(mask, op, word='Bool'):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    m = mask._data
    if m.dtype.kind != 'b':
        if op == 'masked_select':
            raise RuntimeError('masked_select: expected BoolTensor for mask (got '
                               f'{tname(m.dtype)}; use mask.bool() or a comparison like x > 0)')
        name = {'uint8': 'unsigned char', 'float32': 'float', 'float64': 'double',
                'int64': 'long int', 'int32': 'int'}.get(m.dtype.name, m.dtype.name)
        if op.startswith('masked_scatter'):
            name = tname(m.dtype)
        raise RuntimeError(f'{op} only supports boolean masks, but got mask with dtype {name} '
                           '(use mask.bool() or a comparison like x > 0)')
    return m


def _bshape(a, b, op):
    try:
        return np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        from .arith import broadcast_error
        raise broadcast_error(op, a, b) from None


def masked_fill(input, mask, value):
    """``input`` with ``value`` where the bool ``mask`` (broadcast) is True.

    >>> ember.masked_fill(ember.zeros(3), ember.tensor([True, False, True]), 1.)
    tensor([1., 0., 1.])
    """
    m = _mask_of(mask, 'masked_fill_')
    x = input._data
    xp = xp_of(x)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError('masked_fill_ only supports a 0-dimensional value tensor, but got '
                               f'tensor with {value._data.ndim} dimension(s).')
        v = value._data.astype(x.dtype)
    else:
        num = _number(value)
        if num is None:
            raise TypeError(f"masked_fill(): argument 'value' must be Number or Tensor, not "
                            f'{type(value).__name__}')
        v = xp.asarray(_fill_value(x.dtype, num, 'masked_fill'), dtype=x.dtype)
    if m.shape != x.shape:
        _bshape(m, x, 'masked_fill')
    res = wrap(xp.where(m, v, x))
    if isinstance(value, Tensor):
        return record(res, 'MaskedFillBackward1', _masked_fill_backward, (input, value),
                      ctx=mask)
    return record(res, 'MaskedFillBackward0', _masked_fill_backward, (input,), ctx=mask)


def _masked_fill_backward(node, grad):
    mask = node.ctx
    gs = masked_fill(grad, mask, 0) if node.next[0] is not None else None
    if len(node.next) == 1:
        return gs
    gv = masked_select(grad, mask).sum() if node.next[1] is not None else None
    return gs, gv


def masked_fill_(self, mask, value):
    """In-place :func:`masked_fill`; the mask must broadcast to ``self``'s shape."""
    if STATE.enabled and (self._rg or (isinstance(value, Tensor) and value._rg)):
        return apply_inplace(self, masked_fill, 'masked_fill_', mask, value)
    m = _mask_of(mask, 'masked_fill_')
    arr = self._data
    _writable(arr, 'masked_fill_')
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError('masked_fill_ only supports a 0-dimensional value tensor, but got '
                               f'tensor with {value._data.ndim} dimension(s).')
        v = value._data.astype(arr.dtype)
    else:
        num = _number(value)
        if num is None:
            raise TypeError(f"masked_fill_(): argument 'value' must be Number or Tensor, not "
                            f'{type(value).__name__}')
        v = _fill_value(arr.dtype, num, 'masked_fill_')
    if m.shape != arr.shape:
        b = _bshape(arr, m, 'masked_fill_')
        if b != arr.shape:
            raise RuntimeError(f"output with shape {list(arr.shape)} doesn't match the broadcast "
                               f'shape {list(b)}')
        xp_of(arr).copyto(arr, v, where=m)
    else:
        xp_of(arr).putmask(arr, m, v)
    bump_version(self)
    return self


def _masked_scatter_prepare(input, mask, source, op):
    m = _mask_of(mask, op)
    if not isinstance(source, Tensor):
        raise TypeError(f"{op}(): argument 'source' must be Tensor, not {type(source).__name__}")
    x, s = input._data, source._data
    if s.dtype != x.dtype:
        raise RuntimeError(f'masked_scatter: expected self and source to have same dtypes but '
                           f'got{tname(x.dtype)} and {tname(s.dtype)}')
    return m, s


def masked_scatter(input, mask, source):
    """``input`` with the True positions of ``mask`` filled, in order, from ``source``'s
    leading elements.

    >>> ember.masked_scatter(ember.zeros(3), ember.tensor([True, False, True]), ember.tensor([1., 2.]))
    tensor([1., 0., 2.])
    """
    m, s = _masked_scatter_prepare(input, mask, source, 'masked_scatter_')
    x = input._data
    xp = xp_of(x)
    shape = _bshape(m, x, 'masked_scatter') if m.shape != x.shape else x.shape
    res = xp.array(xp.broadcast_to(x, shape))
    mb = xp.broadcast_to(m, shape)
    k = int(mb.sum())
    if s.size < k:
        raise RuntimeError('Number of elements of source < number of ones in mask (in '
                           f'masked_scatter: {s.size} < {k})')
    res[mb] = s.reshape(-1)[:k]
    return record(wrap(res), 'MaskedScatterBackward0', _masked_scatter_backward,
                  (input, source), ctx=(mask, k))


def _masked_scatter_backward(node, grad):
    mask, k = node.ctx
    gs = gv = None
    if node.next[0] is not None:
        gs = masked_fill(grad, mask, 0)
    if node.next[1] is not None:
        sshape = node.meta[1][0]
        n = 1
        for d in sshape:
            n *= d
        sel = masked_select(grad, mask)
        gv = _embed(sel, (n,), (slice(0, k), Ellipsis), None, False).reshape(sshape)
    return gs, gv


def _masked_scatter_direct(self, mask, source):
    m, s = _masked_scatter_prepare(self, mask, source, 'masked_scatter_')
    arr = self._data
    if m.shape != arr.shape:
        try:
            m = xp_of(arr).broadcast_to(m, arr.shape)
        except ValueError:
            raise _shape_error(m.shape, arr.shape, False) from None
    k = int(m.sum())
    if s.size < k:
        raise RuntimeError('Number of elements of source < number of ones in mask')
    arr[m] = s.reshape(-1)[:k]
    bump_version(self)
    return self


masked_scatter_ = _inplace_variant(masked_scatter, 'masked_scatter_', _masked_scatter_direct)


def masked_select(input, mask, *, out=None):
    """The elements of ``input`` where the bool ``mask`` (broadcast) is True, as a 1-D tensor.

    >>> ember.masked_select(ember.tensor([1, 2, 3]), ember.tensor([True, False, True]))
    tensor([1, 3])
    """
    m = _mask_of(mask, 'masked_select')
    x = input._data
    xp = xp_of(x)
    if m.shape == x.shape:
        res, shape = x[m], x.shape
    else:
        shape = _bshape(m, x, 'masked_select')
        mb = xp.broadcast_to(m, shape)
        res = xp.broadcast_to(x, shape)[mb]
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (input,), 'masked_select')
    return record(res, 'MaskedSelectBackward0', _masked_select_backward, (input,),
                  ctx=(mask, shape))


def _masked_select_backward(node, grad):
    mask, shape = node.ctx
    m = mask._data
    if m.shape != shape:
        m = xp_of(m).broadcast_to(m, shape)
    return _embed(grad, shape, None, (m,), False)


# =========================================================================================
# take / put / take_along_dim
# =========================================================================================
def _flat_index(input, index, op):
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
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
    n = 1
    for d in shape:
        n *= d
    return _embed(grad, (n,), None, (idx,), True).reshape(shape)


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
        raise TypeError(f"put_(): argument 'source' must be Tensor, not {type(source).__name__}")
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
    arr = self._data
    if arr.flags.c_contiguous:
        _put_into(arr.reshape(-1), idx, s, accumulate)
    else:
        tmp = _contig_copy(arr)
        _put_into(tmp.reshape(-1), idx, s, accumulate)
        arr[...] = tmp
    bump_version(self)
    return self


put_ = _inplace_variant(put, 'put_', _put_direct)


def take_along_dim(input, indices, dim=None, *, out=None):
    """``gather`` with broadcasting: picks along ``dim`` the entries ``indices`` give (as
    returned by argmax/argsort); with dim=None both are read as 1-D. As PyTorch, indices are
    taken modulo the size of ``dim``.

    >>> ember.take_along_dim(ember.tensor([[1, 9], [8, 2]]), ember.tensor([[1], [0]]), dim=1)
    tensor([[9],
            [8]])
    """
    if not isinstance(indices, Tensor):
        raise TypeError(f"take_along_dim(): argument 'indices' must be Tensor, not "
                        f'{type(indices).__name__}')
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
# nonzero / argwhere
# =========================================================================================
def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the nonzero elements: an (n, ndim) int64 tensor, or with ``as_tuple=True``
    one 1-D tensor per dim.

    >>> ember.nonzero(ember.tensor([0, 3, 0, 4]))
    tensor([[1],
            [3]])
    """
    x = input._data
    xp = xp_of(x)
    if as_tuple:
        if x.ndim == 0:
            return (wrap(xp.zeros(1 if bool(x) else 0, np.int64)),)
        return tuple(wrap(a.astype(np.int64, copy=False)) for a in xp.nonzero(x))
    res = wrap(xp.argwhere(x).astype(np.int64, copy=False))
    if out is not None:
        return write_out(out, res, (), 'nonzero')
    return res


def argwhere(input):
    """``nonzero(input)``: an (n, ndim) tensor of the indices of nonzero elements.

    >>> ember.argwhere(ember.tensor([[0, 1], [2, 0]]))
    tensor([[0, 1],
            [1, 0]])
    """
    return nonzero(input)


# =========================================================================================
# searchsorted / bucketize / histc / bincount
# =========================================================================================
def _host(a):
    return a if a.__class__ is np.ndarray else a.get()


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None, out=None):
    """For each value of ``input``, the index where it would be inserted into the sorted
    last dim of ``sorted_sequence`` (``right=True`` / side='right': after equal values).

    >>> ember.searchsorted(ember.tensor([1, 3, 5]), ember.tensor([3, 6]))
    tensor([1, 3])
    """
    if side is not None:
        if side not in ('left', 'right'):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got "
                               f'{side}')
        if right and side == 'left':
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               'got side of left while right was True')
        right = side == 'right'
    seq = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    vals = np.asarray(input) if scalar else input._data
    if seq.ndim == 0:
        raise RuntimeError('torch.searchsorted(): boundaries tensor should have positive '
                           'dimension, but got 0 dimension')
    if scalar and seq.ndim != 1:
        raise RuntimeError(f"torch.searchsorted(): input value can be a scalar only when "
                           f"boundaries tensor dimension is 1, but we got boundaries tensor "
                           f"dim({seq.ndim}) and input value's dim(0) numel(1)")
    if seq.ndim > 1 and (vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(f'torch.searchsorted(): boundaries tensor should be 1 dimension or the '
                           f'first N-1 dimensions of boundaries tensor and input value tensor must '
                           f'match, but we got boundaries tensor {list(seq.shape)} and input value '
                           f'tensor {list(vals.shape)}')
    s = _host(seq)
    v = _host(vals)
    if sorter is not None:
        so = sorter._data
        if so.dtype != _I64D:
            raise RuntimeError(f'torch.searchsorted(): sorter must be a tensor of long dtype but '
                               f'got dtype {tname(so.dtype)}')
        if so.shape != seq.shape:
            raise RuntimeError('torch.searchsorted(): boundary and sorter must have the same size, '
                               f'but got boundary tensor {list(seq.shape)}and got sorter tensor '
                               f'{list(so.shape)}')
        so = _host(so)
        if so.size and (so.min() < 0 or so.max() >= s.shape[-1]):
            raise RuntimeError('torch.searchsorted(): sorter index out of range')
        s = np.take_along_axis(s, so, axis=-1)
    sd = 'right' if right else 'left'
    if s.ndim == 1:
        res = np.searchsorted(s, v, side=sd)
    else:
        rows_s = s.reshape(-1, s.shape[-1])
        rows_v = v.reshape(-1, v.shape[-1])
        res = np.empty(rows_v.shape, np.int64)
        for i in range(rows_s.shape[0]):
            res[i] = np.searchsorted(rows_s[i], rows_v[i], side=sd)
        res = res.reshape(v.shape)
    res = np.asarray(res, np.int32 if out_int32 else np.int64)
    if seq.__class__ is not np.ndarray:
        res = xp_of(seq).asarray(res)
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (), 'searchsorted')
    return res


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The index of the bucket of each value given the sorted 1-D ``boundaries``
    (``right=True``: a value equal to a boundary goes to the next bucket).

    >>> ember.bucketize(ember.tensor([1, 5, 9]), ember.tensor([2, 6]))
    tensor([0, 1, 2])
    """
    if boundaries._data.ndim != 1:
        raise RuntimeError(f'boundaries tensor must be 1 dimension, but got '
                           f'dim({boundaries._data.ndim})')
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


def histc(input, bins=100, min=0, max=0, *, out=None):
    """Histogram of the values with ``bins`` equal-width bins over [min, max] (the data's
    range when both are 0); values outside are ignored. Floating inputs only.

    >>> ember.histc(ember.tensor([1., 2., 1.]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    x = input._data
    if x.dtype.kind != 'f':
        from .arith import not_implemented_for
        raise not_implemented_for('histogram_cpu', x.dtype)
    if bins <= 0:
        raise RuntimeError(f'torch.histogram(): bins must be > 0, but got {bins} for dimension 0')
    h = _host(x).reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and h.size:
        lo, hi = float(h.min()), float(h.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError('torch.histc: max must be larger than min')
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f'torch.histc: range of [{_g(lo)}, {_g(hi)}] is not finite')
    dt = x.dtype.type
    with np.errstate(invalid='ignore'):
        keep = h[(h >= dt(lo)) & (h <= dt(hi))]
    pos = ((keep - dt(lo)) * dt(bins) / (dt(hi) - dt(lo))).astype(np.int64)
    pos[pos >= bins] = bins - 1
    res = np.bincount(pos, minlength=bins)[:bins].astype(x.dtype)
    if x.__class__ is not np.ndarray:
        res = xp_of(x).asarray(res)
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (), 'histc')
    return res


def _g(v):
    return int(v) if math.isfinite(v) and v == int(v) else v


def bincount(input, weights=None, minlength=0):
    """Count of each value of a 1-D non-negative integer tensor (or the sum of ``weights``
    per value); the result has max(input) + 1 or ``minlength`` entries.

    >>> ember.bincount(ember.tensor([0, 1, 1, 3]))
    tensor([1, 2, 0, 1])
    """
    x = input._data
    if x.dtype.kind not in 'iu':
        from .arith import not_implemented_for
        raise not_implemented_for('bincount_cpu', x.dtype)
    if minlength < 0:
        raise RuntimeError('minlength should be >= 0')
    if x.ndim != 1 or (x.size and int(x.min()) < 0):
        raise RuntimeError('bincount only supports 1-d non-negative integral inputs.')
    xp = xp_of(x)
    if weights is None:
        return wrap(xp.bincount(x, minlength=minlength).astype(np.int64, copy=False))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != x.shape[0]:
        raise RuntimeError('weights should be 1-d and have the same length as input')
    dt = w.dtype if w.dtype.kind == 'f' and w.dtype.itemsize >= 4 else np.dtype(np.float64)
    res = wrap(xp.bincount(x, weights=w.astype(np.float64), minlength=minlength).astype(dt))
    return record_not_implemented(res, '_bincount', (weights,)) if weights._rg else res


# =========================================================================================
METHODS = {
    '__getitem__': getitem, '__setitem__': setitem,
    'gather': gather, 'scatter': scatter, 'scatter_': scatter_, 'scatter_add': scatter_add,
    'scatter_add_': scatter_add_, 'scatter_reduce': scatter_reduce,
    'scatter_reduce_': scatter_reduce_, 'index_select': index_select, 'index_add': index_add,
    'index_add_': index_add_, 'index_fill': index_fill, 'index_fill_': index_fill_,
    'index_copy': index_copy, 'index_copy_': index_copy_, 'index_put': index_put,
    'index_put_': index_put_, 'masked_fill': masked_fill, 'masked_fill_': masked_fill_,
    'masked_scatter': masked_scatter, 'masked_scatter_': masked_scatter_,
    'masked_select': masked_select, 'take': take, 'take_along_dim': take_along_dim,
    'put': put, 'put_': put_, 'nonzero': nonzero, 'argwhere': argwhere, 'histc': histc,
    'bincount': bincount,
}
