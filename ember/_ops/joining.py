"""Joining operators: cat, stack and their h/v/d/column variants, meshgrid, block_diag,
cartesian_prod, combinations.

Results are new tensors (copies); the backward of a join hands each input its slice of
the gradient.

>>> ember.cat([ember.zeros(1, 2), ember.ones(1, 2)]).shape
torch.Size([2, 2])
"""
import itertools
import operator
import warnings

from ._base import Tensor, wrap, record, np, norm_dim, xp_of
from ._autocast import AUTOCAST, promote
from ._shape_helpers import _tensor_list, _write_out
from .shape import reshape, expand, flatten, atleast_1d, atleast_2d, atleast_3d
from .splitting import _sliced, select
from .rearranging import _index_select
from .. import _dtype as D

__all__ = ['cat', 'concat', 'concatenate', 'stack', 'hstack', 'vstack', 'row_stack', 'dstack',
           'column_stack', 'meshgrid', 'block_diag', 'cartesian_prod', 'combinations']

_BY_NP = D._BY_NP


def _common_dtype(tensors):
    first = tensors[0]._data.dtype
    rt = None
    for t in tensors:
        if t._data.dtype != first:
            rt = _BY_NP[first]
            break
    if rt is None:
        return first
    for t in tensors:
        rt = D.promote_types(rt, _BY_NP[t._data.dtype])
    return rt.np


def _check_devices(arrays, op):
    cls = arrays[0].__class__
    for a in arrays:
        if a.__class__ is not cls:
            raise RuntimeError(f'Expected all tensors to be on the same device, but found at least '
                               f'two devices (in {op}: move them all with .to(device) first)')


def _as_dim(dim, op):
    try:
        return operator.index(dim)
    except TypeError:
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}") from None


# ------------------------------------------------------------------ cat
def cat(tensors, dim=0, *, axis=None, out=None):
    """Concatenate tensors along an existing dim (all other sizes must match). Legacy rule:
    1-d empty tensors are skipped.

    >>> ember.cat([ember.tensor([1, 2]), ember.tensor([3])])
    tensor([1, 2, 3])
    """
    if AUTOCAST.on:
        return promote(cat, tensors, dim, axis=axis, out=out)
    if tensors.__class__ is not list and tensors.__class__ is not tuple:
        tensors = _tensor_list(tensors, 'cat')
    if not tensors:
        raise ValueError('torch.cat(): expected a non-empty list of Tensors')
    if axis is not None:
        dim = axis
    d = dim if dim.__class__ is int else _as_dim(dim, 'cat')
    arrays = []
    ref = None
    rg = False
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            _tensor_list(tensors, 'cat')
        a = t._data
        if t._rg:
            rg = True
        if a.ndim == 0:
            raise RuntimeError(f'zero-dimensional tensor (at position {i}) cannot be concatenated '
                               '(use torch.stack, or reshape it to 1-d first)')
        if ref is None and (a.ndim != 1 or a.shape[0] != 0):
            ref = a
        arrays.append(a)
    dt = _common_dtype(tensors)
    if ref is None:                      # every input is a legacy empty 1-d tensor
        res = wrap(xp_of(arrays[0]).zeros((0,), dt))
        spans = [None] * len(arrays)
        d = 0
    else:
        d = norm_dim(d, ref.ndim)
        keep, spans = _cat_check(arrays, ref, d, dt)
        if len(keep) > 1:
            shape = list(ref.shape)
            shape[d] = spans[-1][1] if spans[-1] is not None else sum(a.shape[d] for a in keep)
            xp = xp_of(ref)
            res = xp.empty(tuple(shape), dt)          # C order even for transposed inputs
            xp.concatenate(keep, axis=d, out=res)
            res = wrap(res)
        else:
            res = wrap(keep[0].copy())
    if out is not None:
        return _write_out(out, res)
    if rg:
        record(res, 'CatBackward0', _cat_backward, tensors, ctx=(d, spans))
    return res


def _cat_check(arrays, ref, d, dt):
    """The arrays to join (legacy empties dropped, cast to ``dt``) and each input's span."""
    rs = ref.shape
    nd = ref.ndim
    keep, spans = [], []
    start = 0
    for i, a in enumerate(arrays):
        s = a.shape
        if len(s) == 1 and s[0] == 0:
            spans.append(None)
            continue
        if s != rs:
            if len(s) != nd:
                raise RuntimeError(f'Tensors must have same number of dimensions: got {nd} and '
                                   f'{len(s)}')
            for k in range(nd):
                if k != d and s[k] != rs[k]:
                    raise RuntimeError(
                        f'Sizes of tensors must match except in dimension {d}. Expected size '
                        f'{rs[k]} but got size {s[k]} for tensor number {i} in the list.')
        if a.dtype != dt:
            a = a.astype(dt)
        if a.__class__ is not ref.__class__:
            _check_devices([ref, a], 'cat')
        keep.append(a)
        spans.append((start, start + s[d]))
        start += s[d]
    return keep, spans


def _cat_backward(node, grad):
    d, spans = node.ctx
    pre = (slice(None),) * d
    res = []
    for e, span in zip(node.next, spans):
        if e is None:
            res.append(None)
        elif span is None:
            res.append(wrap(xp_of(grad._data).zeros((0,), grad._data.dtype)))
        else:
            res.append(_sliced(grad, pre + (slice(span[0], span[1]),)))
    return tuple(res)


concat = concatenate = cat


# ------------------------------------------------------------------ stack
def stack(tensors, dim=0, *, out=None):
    """Join equally shaped tensors along a new dim ``dim``.

    >>> ember.stack([ember.tensor([1, 2]), ember.tensor([3, 4])], dim=1)
    tensor([[1, 3],
            [2, 4]])
    """
    if AUTOCAST.on:
        return promote(stack, tensors, dim, out=out)
    tensors = _tensor_list(tensors, 'stack')
    if not tensors:
        raise RuntimeError('stack expects a non-empty TensorList')
    arrays = [t._data for t in tensors]
    s0 = arrays[0].shape
    for i, a in enumerate(arrays):
        if a.shape != s0:
            raise RuntimeError(f'stack expects each tensor to be equal size, but got {list(s0)} at '
                               f'entry 0 and {list(a.shape)} at entry {i}')
    d = norm_dim(_as_dim(dim, 'stack'), len(s0) + 1)
    dt = _common_dtype(tensors)
    if arrays[0].__class__ is not np.ndarray:
        _check_devices(arrays, 'stack')
    # filling a preallocated result is ~2x faster than numpy.stack (and casts on the way)
    arr = xp_of(arrays[0]).empty(s0[:d] + (len(arrays),) + s0[d:], dt)
    pre = (slice(None),) * d
    for i, a in enumerate(arrays):
        arr[pre + (i,)] = a
    res = wrap(arr)
    if out is not None:
        return _write_out(out, res)
    return record(res, 'StackBackward0', _stack_backward, tensors, ctx=d)


def _stack_backward(node, grad):
    d = node.ctx
    return tuple(None if e is None else select(grad, d, i) for i, e in enumerate(node.next))


def _nonempty(tensors, op):
    tensors = _tensor_list(tensors, op)
    if not tensors:
        raise RuntimeError(f'{op} expects a non-empty TensorList')
    return tensors


def hstack(tensors, *, out=None):
    """Concatenate horizontally: along dim 1, or dim 0 for 1-d tensors.

    >>> ember.hstack([ember.tensor([1, 2]), ember.tensor([3])])
    tensor([1, 2, 3])
    """
    ts = atleast_1d(_nonempty(tensors, 'hstack'))
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """Concatenate vertically (along dim 0) after making every input at least 2-d.

    >>> ember.vstack([ember.tensor([1, 2]), ember.tensor([3, 4])])
    tensor([[1, 2],
            [3, 4]])
    """
    return cat(atleast_2d(_nonempty(tensors, 'vstack')), 0, out=out)


def row_stack(tensors, *, out=None):
    """Alias of ``vstack``.

    >>> ember.row_stack([ember.tensor([1]), ember.tensor([2])]).shape
    torch.Size([2, 1])
    """
    return cat(atleast_2d(_nonempty(tensors, 'row_stack')), 0, out=out)


def dstack(tensors, *, out=None):
    """Concatenate depth-wise (along dim 2) after making every input at least 3-d.

    >>> ember.dstack([ember.tensor([1, 2]), ember.tensor([3, 4])]).shape
    torch.Size([1, 2, 2])
    """
    return cat(atleast_3d(_nonempty(tensors, 'dstack')), 2, out=out)


def column_stack(tensors, *, out=None):
    """Join as columns: 0-d and 1-d inputs become ``(n, 1)`` columns, then concatenate along
    dim 1.

    >>> ember.column_stack([ember.tensor([1, 2]), ember.tensor([3, 4])])
    tensor([[1, 3],
            [2, 4]])
    """
    ts = _nonempty(tensors, 'column_stack')
    ts = [reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t for t in ts]
    return cat(ts, 1, out=out)


# ------------------------------------------------------------------ meshgrid & co
def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-d tensors (views expanded to the grid shape). ``indexing='ij'``
    (matrix, the default) or ``'xy'`` (Cartesian: the first two grid dims swapped).

    >>> xs, ys = ember.meshgrid(ember.tensor([1, 2]), ember.tensor([3, 4, 5]), indexing='ij')
    >>> xs.shape
    torch.Size([2, 3])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    tensors = list(_tensor_list(tensors, 'meshgrid'))
    if indexing is None:
        warnings.warn('torch.meshgrid: in an upcoming release, it will be required to pass the '
                      'indexing argument.', UserWarning, stacklevel=2)
        indexing = 'ij'
    return _meshgrid(tensors, indexing)


def _meshgrid(tensors, indexing):
    if not tensors:
        raise RuntimeError('meshgrid expects a non-empty TensorList')
    dt = tensors[0]._data.dtype
    for t in tensors:
        if t._data.dtype != dt:
            raise RuntimeError('meshgrid expects all tensors to have the same dtype')
        if t._data.ndim > 1:
            raise RuntimeError(f'torch.meshgrid: Expected 0D or 1D tensor in the tensor list but '
                               f'got a tensor of shape {list(t._data.shape)}')
    if indexing not in ('ij', 'xy'):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           f'{indexing}')
    swap = indexing == 'xy' and len(tensors) >= 2
    if swap:
        tensors[0], tensors[1] = tensors[1], tensors[0]
    shape = tuple(t._data.size for t in tensors)
    n = len(tensors)
    grids = [expand(reshape(t, (1,) * i + (-1,) + (1,) * (n - i - 1)), shape)
             for i, t in enumerate(tensors)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors):
    """The Cartesian product of 1-d tensors, one combination per row.

    >>> ember.cartesian_prod(ember.tensor([1, 2]), ember.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    tensors = list(_tensor_list(tensors, 'cartesian_prod'))
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f'Expect a 1D vector, but got shape {list(t._data.shape)}')
    if len(tensors) == 1:
        return tensors[0]
    grids = _meshgrid(tensors, 'ij')
    return stack([flatten(g) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """All length-``r`` combinations of the elements of a 1-d tensor (like
    ``itertools.combinations``), one per row.

    >>> ember.combinations(ember.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    x = input._data
    if x.ndim != 1:
        raise RuntimeError(f'Expect a 1D vector, but got shape {list(x.shape)}')
    r = operator.index(r)
    if r < 0:
        raise RuntimeError(f'Expect a non-negative number, but got {r}')
    if r == 0:
        return wrap(xp_of(x).zeros((0,), x.dtype))
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(gen(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return stack([_index_select(input, 0, idx[:, j].copy(), 'IndexBackward0')
                  for j in range(r)], 1)


def block_diag(*tensors):
    """A block-diagonal matrix from the inputs (0-d -> 1x1, 1-d -> one row), zeros elsewhere.

    >>> ember.block_diag(ember.tensor([[1]]), ember.tensor([[2, 3]]))
    tensor([[1, 0, 0],
            [0, 2, 3]])
    """
    tensors = _tensor_list(tensors, 'block_diag')
    shapes = []
    for i, t in enumerate(tensors):
        a = t._data
        if a.ndim > 2:
            raise RuntimeError(f'torch.block_diag: Input tensors must have 2 or fewer dimensions. '
                               f'Input {i} has {a.ndim} dimensions')
        shapes.append((1, 1) if a.ndim == 0 else (1, a.shape[0]) if a.ndim == 1 else a.shape)
    if not tensors:
        return wrap(np.zeros((1, 0), D.get_default_dtype().np))
    dt = _common_dtype(tensors)
    rows = sum(s[0] for s in shapes)
    cols = sum(s[1] for s in shapes)
    first = tensors[0]._data
    out = xp_of(first).zeros((rows, cols), dt)
    keys = []
    r = c = 0
    for t, s in zip(tensors, shapes):
        key = (slice(r, r + s[0]), slice(c, c + s[1]))
        out[key] = t._data.reshape(s)
        keys.append(key)
        r += s[0]
        c += s[1]
    return record(wrap(out), 'BlockDiagBackward0', _block_diag_backward, tensors, ctx=keys)


def _block_diag_backward(node, grad):
    return tuple(None if e is None else reshape(_sliced(grad, key), meta[0])
                 for e, key, meta in zip(node.next, node.ctx, node.meta))


METHODS = {}
