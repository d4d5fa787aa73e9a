"""Parsing the key of ``x[key]`` / ``x[key] = v`` into a basic part (a NumPy key giving a
view) and an advanced part (integer/bool index arrays), with PyTorch's rules and errors.
"""
import warnings

from ._base import Tensor, np
from ._index_common import _FULL, _ELL, _I32_64

_INDEX_KINDS = 'iub'
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
