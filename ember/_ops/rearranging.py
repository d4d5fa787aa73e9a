"""Copies that rearrange or repeat elements: flip (fliplr, flipud), roll, rot90, repeat, tile
and repeat_interleave.

Results are new tensors laid out like PyTorch's (a flipped transpose stays transposed).

>>> ember.tensor([1, 2, 3, 4]).roll(1)
tensor([4, 1, 2, 3])
"""
import operator

from ._base import Tensor, wrap, record, np, norm_dim, xp_of
from ._shape_helpers import _as_int, _shape_args, _dims_arg, _norm_dims, _type_word
from .shape import reshape, unflatten

__all__ = ['flip', 'fliplr', 'flipud', 'roll', 'rot90', 'repeat_interleave', 'tile']

_index = operator.index


# ------------------------------------------------------------------ flip / roll / rot90
def flip(input, *dims_args, dims=None):
    """Reverse the order of elements along ``dims`` (a copy, as in PyTorch).

    >>> ember.tensor([[1, 2], [3, 4]]).flip(0)
    tensor([[3, 4],
            [1, 2]])
    """
    x = input._data
    if dims is None and len(dims_args) == 1 and dims_args[0].__class__ is int:
        dims = (norm_dim(dims_args[0], x.ndim),)
    else:
        dims = _dims_arg(dims_args if dims is None else (dims,), 'flip')
        dims = _norm_dims(dims, x.ndim) if dims else ()
    out = wrap(_flip_copy(x, dims))
    if input._rg:
        record(out, 'FlipBackward0', _flip_backward, (input,), ctx=dims)
    return out


_REV = slice(None, None, -1)


_ALL = slice(None)


def _flip_copy(x, dims):
    """``x`` reversed along ``dims``, in a new array laid out like ``x`` (as PyTorch's
    flip, which preserves the memory format: a flipped transpose stays transposed)."""
    if not dims or not x.ndim:
        return x.copy(order='K')
    src = x[tuple(_REV if i in dims else _ALL for i in range(x.ndim))]
    if x.flags.c_contiguous:
        return src.copy()
    out = xp_of(x).empty_like(x)
    out[...] = src
    return out


def _flip_backward(node, grad):
    return flip(grad, node.ctx)


def fliplr(input):
    """Flip left-right (dim 1) of an at least 2-d tensor.

    >>> ember.tensor([[1, 2], [3, 4]]).fliplr()
    tensor([[2, 1],
            [4, 3]])
    """
    if input._data.ndim < 2:
        raise RuntimeError('Input must be >= 2-d.')
    return flip(input, (1,))


def flipud(input):
    """Flip up-down (dim 0) of an at least 1-d tensor.

    >>> ember.tensor([1, 2, 3]).flipud()
    tensor([3, 2, 1])
    """
    if input._data.ndim < 1:
        raise RuntimeError('Input must be >= 1-d.')
    return flip(input, (0,))


def roll(input, shifts, dims=None):
    """Shift elements circularly along ``dims`` (of the flattened tensor when None).

    >>> ember.tensor([1, 2, 3, 4]).roll(1)
    tensor([4, 1, 2, 3])
    """
    x = input._data
    sh = tuple(map(_index, shifts)) if isinstance(shifts, (tuple, list)) else (_index(shifts),)
    if dims is None:
        ds = None
        if len(sh) != 1:
            raise RuntimeError(f'shifts and dimensions must align. shifts: {len(sh)}, dims:0')
    else:
        ds = tuple(map(_index, dims)) if isinstance(dims, (tuple, list)) else (_index(dims),)
        if not sh:
            raise RuntimeError('`shifts` required')
        if len(sh) != len(ds):
            raise RuntimeError(f'shifts and dimensions must align. shifts: {len(sh)}, '
                               f'dims:{len(ds)}')
        ds = tuple(norm_dim(d, x.ndim) for d in ds)
    if x.ndim == 0 or x.size == 0:
        arr = x.copy()
    elif ds is None:
        arr = _roll1(x.reshape(-1), sh[0], 0).reshape(x.shape)
    else:
        arr = x
        for k, d in zip(sh, ds):
            arr = _roll1(arr, k, d)
    return record(wrap(arr), 'RollBackward0', _roll_backward, (input,), ctx=(sh, ds))


def _roll1(x, shift, d):
    """``roll`` along one dim with two block copies (``numpy.roll`` is several times slower)."""
    n = x.shape[d]
    k = shift % n
    out = x.copy() if k == 0 else xp_of(x).empty(x.shape, x.dtype)
    if k:
        pre = (slice(None),) * d
        out[pre + (slice(k, None),)] = x[pre + (slice(None, n - k),)]
        out[pre + (slice(None, k),)] = x[pre + (slice(n - k, None),)]
    return out


def _roll_backward(node, grad):
    sh, ds = node.ctx
    return roll(grad, tuple(-s for s in sh), ds)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first towards the
    second).

    >>> ember.tensor([[1, 2], [3, 4]]).rot90()
    tensor([[2, 4],
            [1, 3]])
    """
    x = input._data
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f'expected total rotation dims == 2, but got dims = {len(dims)}')
    if x.ndim < 2:
        raise RuntimeError(f'expected total dims >= 2, but got total dims = {x.ndim}')
    d0, d1 = _index(dims[0]), _index(dims[1])
    a, b = norm_dim(d0, x.ndim), norm_dim(d1, x.ndim)
    if a == b:
        raise RuntimeError(f'expected rotation dims to be different, but got dim0 = {d0} and '
                           f'dim1 = {d1}')
    k = _index(k)
    m = k % 4
    if m == 1:
        arr = _flip_copy(x, (b,)).swapaxes(a, b)
    elif m == 2:
        arr = _flip_copy(x, (a, b))
    elif m == 3:
        arr = _flip_copy(x, (a,)).swapaxes(a, b)
    else:
        arr = x.copy()
    return record(wrap(arr), 'Rot90Backward0', _rot90_backward, (input,), ctx=(k, (d0, d1)))


def _rot90_backward(node, grad):
    k, dims = node.ctx
    return rot90(grad, -k, dims)


# ------------------------------------------------------------------ repeat / tile
def repeat(input, *sizes, repeats=None):
    """Tile the tensor ``sizes[i]`` times along each dim (``len(sizes) >= input.dim()``).

    >>> ember.tensor([1, 2]).repeat(2)
    tensor([1, 2, 1, 2])
    """
    if repeats is not None:
        sizes = (repeats,)
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    x = input._data
    reps = _shape_args(sizes, 'repeat')
    if len(reps) < x.ndim:
        raise RuntimeError('Number of dimensions of repeat dims can not be smaller than number '
                           'of dimensions of tensor')
    padded = (1,) * (len(reps) - x.ndim) + x.shape
    shape = [r * s for r, s in zip(reps, padded)]
    if any(r < 0 for r in reps):
        raise RuntimeError(f'Trying to create tensor with negative dimension '
                           f'{next(s for s in shape if s < 0)}: {shape}')
    if any(r != 1 for r in reps):
        arr = xp_of(x).tile(x, reps)
    else:                                # numpy.tile would keep a transposed layout here
        arr = x.reshape(tuple(shape)).copy()
    return record(wrap(arr), 'RepeatBackward0', _repeat_backward, (input,), ctx=(reps, padded))


def _repeat_backward(node, grad):
    reps, padded = node.ctx
    split, axes = [], []
    for r, s in zip(reps, padded):
        if r != 1:
            axes.append(len(split))
            split.append(r)
        split.append(s)
    if axes:
        grad = reshape(grad, tuple(split)).sum(dim=tuple(axes))
    return reshape(grad, node.meta[0][0])


def tile(input, *dims_args, dims=None):
    """Repeat the tensor along each dim; ``dims`` shorter than ``input.dim()`` is padded with
    leading ones (NumPy's ``tile``).

    >>> ember.tensor([[1, 2]]).tile((2,))
    tensor([[1, 2, 1, 2]])
    """
    reps = _shape_args(dims_args if dims is None else (dims,), 'tile')
    n = input._data.ndim
    if len(reps) < n:
        reps = (1,) * (n - len(reps)) + reps
    if not reps:
        return record(wrap(input._data.copy()), 'RepeatBackward0', _repeat_backward, (input,),
                      ctx=((), ()))
    return repeat(input, reps)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times (an int, or one count per element along ``dim``);
    ``dim=None`` works on the flattened input. ``repeat_interleave(counts)`` alone gives the
    indices ``0..n-1`` repeated by ``counts``.

    >>> ember.tensor([1, 2]).repeat_interleave(2)
    tensor([1, 1, 2, 2])
    """
    if repeats is None:
        return _repeat_index(input, output_size)
    x = input._data
    if dim is None:
        src = reshape(input, (-1,))
        d = 0
    else:
        if x.ndim == 0:
            raise IndexError('Dimension out of range (expected to be in range of [-1, 0], but got '
                             '1)')
        src = input
        d = norm_dim(_as_int(dim, 'repeat_interleave', 'dim', 3), x.ndim)
    n = src._data.shape[d]
    if isinstance(repeats, Tensor):
        idx = _repeat_positions(_repeat_counts(repeats, n), output_size)
        return _index_select(src, d, idx)
    r = _index(repeats)
    if r < 0:
        raise RuntimeError('Repeats must be non-negative')
    if output_size is not None and output_size != n * r:
        raise RuntimeError(f'repeat_interleave: Invalid output_size, expected {n * r} but got '
                           f'{output_size}')
    s = src._data
    out = wrap(xp_of(s).repeat(s, r, axis=d))
    return record(out, 'ViewBackward0', _repeat_interleave_backward, (src,), ctx=(d, n, r))


def _repeat_interleave_backward(node, grad):
    d, n, r = node.ctx
    return unflatten(grad, d, (n, r)).sum(dim=d + 1)


def _host_counts(counts):
    """The host array of a ``repeats`` tensor, which must hold integers."""
    a = counts._data
    if a.__class__ is not np.ndarray:
        a = a.get()
    if a.dtype.kind not in 'iu':
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for '
                                  f"'{_type_word(a.dtype)}' (repeats must be an integer tensor)")
    return a


def _repeat_positions(counts, output_size, dtype=np.int64):
    """``0..len(counts)-1``, each position ``i`` repeated ``counts[i]`` times (host array)."""
    idx = np.repeat(np.arange(counts.size, dtype=dtype), counts)
    if output_size is not None and output_size != idx.size:
        raise RuntimeError('allocated size does not match required size')
    return idx


def _repeat_counts(repeats, n):
    """One non-negative count per element of a dim of size ``n`` (a single count is
    broadcast)."""
    a = _host_counts(repeats)
    if a.ndim > 1:
        raise RuntimeError('repeats must be 0-dim or 1-dim tensor')
    if a.ndim == 0 or a.size == 1:
        a = np.full(n, a.reshape(()).item(), dtype=np.int64)
    elif a.shape[0] != n:
        raise RuntimeError(f'repeats must have the same size as input along dim, but got '
                           f'repeats.size(0) = {a.shape[0]} and input.size(0) = {n}')
    if (a < 0).any():
        raise RuntimeError('repeats can not be negative')
    return a


def _repeat_index(counts, output_size):
    """``repeat_interleave(counts)``: the indices ``0..n-1`` repeated by ``counts``."""
    a = counts._data
    if a.ndim != 1:
        raise RuntimeError('repeat_interleave only accept 1D vector as repeat')
    host = _host_counts(counts)
    if (host < 0).any():
        raise RuntimeError('repeats can not be negative')
    idx = _repeat_positions(host, output_size, host.dtype)
    return wrap(idx if a.__class__ is np.ndarray else xp_of(a).asarray(idx))


def _index_select(input, d, idx, name='IndexSelectBackward0'):
    """``input`` gathered at host indices ``idx`` along ``d`` (a copy); backward adds back."""
    x = input._data
    xp = xp_of(x)
    if xp is not np:
        idx = xp.asarray(idx)
    out = wrap(xp.take(x, idx, axis=d))
    return record(out, name, _index_select_backward, (input,), ctx=(d, idx))


def _index_select_backward(node, grad):
    d, idx = node.ctx
    return _index_add(grad, node.meta[0][0], d, idx)


def _index_add(grad, shape, d, idx):
    g = grad._data
    xp = xp_of(g)
    out = xp.zeros(shape, g.dtype)
    key = (slice(None),) * d + (idx,)
    if xp is np:
        np.add.at(out, key, g)
    else:
        import cupyx
        cupyx.scatter_add(out, key, g)
    return record(wrap(out), 'IndexAddBackward0', _index_add_backward, (grad,), ctx=(d, idx))


def _index_add_backward(node, grad):
    d, idx = node.ctx
    return _index_select(grad, d, idx)


METHODS = {'flip': flip, 'fliplr': fliplr, 'flipud': flipud, 'roll': roll, 'rot90': rot90,
           'repeat': repeat, 'tile': tile, 'repeat_interleave': repeat_interleave}
