"""Helpers shared by the indexing family (indexing, gather_scatter, index_ops, masked):
checking and converting fill values, index dtypes, scatter-add primitives, the in-place
wrappers, and the differentiable region ops that every indexing backward is built from
(``_take_region`` reads ``t[vkey][akey]``, ``_embed`` writes a gradient into zeros,
``_zero_region`` clears a region).
"""
import math

from ._base import Tensor, wrap, record, STATE, xp_of, bump_version, np
from .arith import apply_inplace, tname
from ._elementwise import inplace_doc
from .shape import view_of
from .. import _dtype as D

_FULL = slice(None)
_ELL = (Ellipsis,)


# =========================================================================================
# values, dtypes and scatter primitives
# =========================================================================================
# dtype.name is computed in Python by NumPy (~5 us): compare dtype objects instead
_I64D = np.dtype(np.int64)
_I32_64 = (_I64D, np.dtype(np.int32))
_I64 = (_I64D,)


def _zeros(shape, dtype, like):
    return xp_of(like).zeros(shape, dtype)


def _contig_copy(arr):
    return arr.copy()                           # ndarray.copy() is C-ordered


def _add_at(target, idx, vals):
    """``target[idx] += vals`` with repeated indices summed (NumPy or CuPy)."""
    if target.__class__ is np.ndarray:
        np.add.at(target, idx, vals)
    else:                                                  # pragma: no cover - GPU only
        import cupyx
        cupyx.scatter_add(target, idx, vals)


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


def _not_tensor(value, op, name, position=None):
    """PyTorch's TypeError for a non-Tensor ``value`` passed as argument ``name`` of ``op``."""
    where = f"'{name}'" if position is None else f"'{name}' (position {position})"
    return TypeError(f'{op}(): argument {where} must be Tensor, not {type(value).__name__}')


def _writable(arr, op):
    if arr.__class__ is np.ndarray and not arr.flags.writeable:
        raise RuntimeError(
            'unsupported operation: more than one element of the written-to tensor refers to a '
            'single memory location. Please clone() the tensor before performing the operation. '
            f'(in {op}: the tensor is an expand()ed view or a read-only NumPy array)')


_CTYPE = {'int8': 'int8_t', 'int16': 'int16_t', 'int32': 'int32_t', 'int64': 'int64_t',
          'uint8': 'uint8_t', 'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16',
          'float32': 'float', 'float64': 'double'}


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
        # ember's finfo: NumPy's has no bfloat16 (an ml_dtypes type)
        m = _FMAX[dt] = float(D.finfo(D.from_numpy_dtype(dt)).max)
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


def _fill_scalar(value, dt, op):
    """The ``value`` of a fill op (a number or a 0-d tensor) for an array of dtype ``dt``:
    a backend array for a tensor, a checked Python number otherwise."""
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f'{op.rstrip("_")}_ only supports a 0-dimensional value tensor, '
                               f'but got tensor with {value._data.ndim} dimension(s).')
        return value._data.astype(dt)
    num = _number(value)
    if num is None:
        raise TypeError(f"{op}(): argument 'value' must be Number or Tensor, not "
                        f'{type(value).__name__}')
    return _fill_value(dt, num, op)


# =========================================================================================
# in-place variants
# =========================================================================================
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
    op_.__doc__ = inplace_doc(fn.__name__, name)
    return op_


def _write_contiguous(self, write):
    """Run ``write(arr)`` on ``self``'s array (through a C-contiguous copy when it is not
    contiguous), then bump the version: the no-graph path of an in-place op."""
    arr = self._data
    if arr.flags.c_contiguous:
        write(arr)
    else:
        tmp = _contig_copy(arr)
        write(tmp)
        arr[...] = tmp
    bump_version(self)
    return self


# =========================================================================================
# regions t[vkey][akey]: the differentiable reads and writes behind every backward
# =========================================================================================
def _take_region(t, vkey, akey, name, dup=True):
    """``t[vkey][akey]`` recorded as one node (a view when there is no advanced part)."""
    arr = t._data
    view = arr if vkey is None else arr[vkey]
    if akey is None:
        return record(view_of(t, view if vkey is not None else arr.view()), name,
                      _take_region_backward, (t,), ctx=(vkey, None, False))
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
    return record(wrap(out), 'IndexBackward0', _take_region_backward, (t,),
                  ctx=(vkey, akey, dup))


def _take_region_backward(node, grad):
    vkey, akey, dup = node.ctx
    return _embed(grad, node.meta[0][0], vkey, akey, dup)


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
    return _take_region(grad, vkey, akey, 'AliasBackward0', dup)


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
