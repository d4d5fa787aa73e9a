"""Slices along one dim: narrow, select, unbind, unfold and the split family (split, chunk,
tensor_split, h/v/dsplit and their ``unsafe_`` forms).

Results are views of the input (``narrow_copy`` and the ``unsafe_`` forms excepted); the
backward of a slice writes the gradient into zeros of the input's shape.

>>> [p.tolist() for p in ember.arange(5).split(2)]
[[0, 1], [2, 3], [4]]
"""
import operator

from ._base import Tensor, wrap, record, record_multi, STATE, np, norm_dim, xp_of
from ._shape_helpers import _as_int, _type_word
from .shape import view_of

__all__ = ['narrow', 'narrow_copy', 'select', 'unbind', 'split', 'split_with_sizes',
           'unsafe_split', 'unsafe_split_with_sizes', 'unsafe_chunk', 'chunk', 'tensor_split',
           'hsplit', 'vsplit', 'dsplit']

_index = operator.index
_new = object.__new__


# ------------------------------------------------------------------ slicing views
def _sliced(input, key, name='SliceBackward0'):
    """``input[key]`` for a basic-index ``key`` (slices/ints), as a differentiable view."""
    return view_of(input, input._data[key], name, _sliced_backward, (key, name))


def _sliced_backward(node, grad):
    key, name = node.ctx
    return _embed(grad, node.meta[0][0], key, name)


def _embed(grad, shape, key, name):
    """Zeros of ``shape`` with ``grad`` written at ``key`` (the backward of a slice)."""
    g = grad._data
    out = xp_of(g).zeros(shape, g.dtype)
    out[key] = g
    return record(wrap(out), name.replace('Backward0', 'BackwardBackward0'), _embed_backward,
                  (grad,), ctx=(key, name))


def _embed_backward(node, grad):
    key, name = node.ctx
    return _sliced(grad, key, name)


def _narrow_key(x, dim, start, length):
    if x.ndim == 0:
        raise RuntimeError('narrow() cannot be applied to a 0-dim tensor.')
    d = norm_dim(_index(dim), x.ndim)
    start, length = _index(start), _as_int(length, 'narrow', 'length', 3)
    if length < 0:
        raise RuntimeError('narrow(): length must be non-negative.')
    n = x.shape[d]
    if not -n <= start <= n:
        raise IndexError(f'start out of range (expected to be in range of [{-n}, {n}], but got '
                         f'{start})')
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(f'start ({start}) + length ({length}) exceeds dimension size ({n}).')
    return (slice(None),) * d + (slice(start, start + length),)


def narrow(input, dim, start, length):
    """The slice ``start:start+length`` of dim ``dim`` (a view).

    >>> ember.arange(6).narrow(0, 2, 3)
    tensor([2, 3, 4])
    """
    return _sliced(input, _narrow_key(input._data, dim, start, length))


def narrow_copy(input, dim, start, length):
    """Like ``narrow`` but returns a copy.

    >>> ember.arange(6).narrow_copy(0, 1, 2)
    tensor([1, 2])
    """
    key = _narrow_key(input._data, dim, start, length)
    return record(wrap(input._data[key].copy()), 'NarrowCopyBackward0', _sliced_backward,
                  (input,), ctx=(key, 'SliceBackward0'))


def select(input, dim, index):
    """The sub-tensor at ``index`` along ``dim``, with that dim removed (a view).

    >>> ember.tensor([[1, 2], [3, 4]]).select(1, 0)
    tensor([1, 3])
    """
    x = input._data
    if x.ndim == 0:
        raise IndexError('select() cannot be applied to a 0-dim tensor.')
    d = norm_dim(dim, x.ndim)
    i = _as_int(index, 'select', 'index', 2)
    n = x.shape[d]
    if not -n <= i < n:
        raise IndexError(f'select(): index {i} out of range for tensor of size {list(x.shape)} at '
                         f'dimension {dim}')
    if i < 0:
        i += n
    return _sliced(input, (slice(None),) * d + (i, Ellipsis), 'SelectBackward0')


def unbind(input, dim=0):
    """All slices along ``dim``, as a tuple of views (what iterating a tensor gives).

    >>> ember.unbind(ember.tensor([[1, 2], [3, 4]]))
    (tensor([1, 2]), tensor([3, 4]))
    """
    x = input._data
    if x.ndim == 0:
        raise IndexError('Dimension specified as 0 but tensor has no dimensions')
    if dim == 0 and x.ndim > 1:
        arrs = list(x)
        d = 0
    else:
        d = norm_dim(dim, x.ndim)
        pre = (slice(None),) * d
        arrs = [x[pre + (i, Ellipsis)] for i in range(x.shape[d])]
    # view_of, inlined: iterating over a tensor makes one view per row
    vc = input._vc
    if vc is None:
        vc = input._vc = [0]
    base = input._base
    if base is None:
        base = input
    outs = []
    for a in arrs:
        t = _new(Tensor)
        t._data = a
        t._vc = vc
        t._base = base
        outs.append(t)
    outs = tuple(outs)
    if input._rg and outs and STATE.enabled:
        record_multi(outs, 'UnbindBackward0', _unbind_backward, (input,), ctx=d)
    return outs


def _fill_missing(grads, shapes, like):
    """``grads``, with zeros of ``shapes`` for the outputs that got no gradient."""
    a = like._data
    xp = xp_of(a)
    return [g if g is not None else wrap(xp.zeros(s, a.dtype)) for g, s in zip(grads, shapes)]


def _unbind_backward(node, *grads):
    d = node.ctx
    like = next(g for g in grads if g is not None)
    shape = like._data.shape
    from .joining import stack           # on use: joining imports this module
    return stack(_fill_missing(grads, [shape] * len(grads), like), d)


def unfold(input, dimension, size, step):
    """All windows of ``size`` elements along ``dimension``, ``step`` apart, as a new last
    dim (a strided view; windows overlap when ``step < size``).

    >>> ember.arange(5).unfold(0, 2, 2)
    tensor([[0, 1],
            [2, 3]])
    """
    x = input._data
    src = x.reshape(1) if x.ndim == 0 else x
    d = norm_dim(_index(dimension), x.ndim)
    size, step = _index(size), _index(step)
    n = src.shape[d]
    if size > n:
        raise RuntimeError(f'maximum size for tensor at dimension {d} is {n} but size is {size}')
    if step <= 0:
        raise RuntimeError(f'step is {step} but must be > 0')
    if size < 0:
        raise RuntimeError(f'size is {size} but must be >= 0')
    st = src.strides
    shape = src.shape[:d] + ((n - size) // step + 1,) + src.shape[d + 1:] + (size,)
    strides = st[:d] + (st[d] * step,) + st[d + 1:] + (st[d],)
    arr = xp_of(src).lib.stride_tricks.as_strided(src, shape, strides)
    if x.ndim == 0:
        arr = arr.reshape((size,))
    return view_of(input, arr, 'UnfoldBackward0', _unfold_backward, (d, size, step))


def _unfold_backward(node, grad):
    d, size, step = node.ctx
    return _fold(grad, node.meta[0][0], d, size, step)


def _fold(grad, shape, d, size, step):
    """Sum each window of ``grad`` back into zeros of ``shape`` (unfold's adjoint)."""
    g = grad._data
    x_shape = shape if shape else (1,)
    out = xp_of(g).zeros(x_shape, g.dtype)
    if not shape:
        g = g.reshape((1, size))
    n_win = g.shape[d]
    pre = (slice(None),) * d
    for k in range(size):
        stop = k + step * (n_win - 1) + 1 if n_win else k
        out[pre + (slice(k, stop, step),)] += g[..., k]
    return record(wrap(out.reshape(shape)), 'UnfoldBackwardBackward0', _fold_backward, (grad,),
                  ctx=(d, size, step))


def _fold_backward(node, grad):
    d, size, step = node.ctx
    return unfold(grad, d, size, step)


# ------------------------------------------------------------------ split family
def _pieces(input, d, sizes, name):
    """Views of consecutive pieces of ``sizes`` along ``d``; one node with ``name``."""
    x = input._data
    pre = (slice(None),) * d
    outs = []
    start = 0
    make = wrap if name[0] == 'U' else lambda a: view_of(input, a)   # unsafe_*: not views
    for s in sizes:
        outs.append(make(x[pre + (slice(start, start + s),)]))
        start += s
    outs = tuple(outs)
    if input._rg and STATE.enabled:
        record_multi(outs, name, _pieces_backward, (input,), ctx=(d, tuple(sizes)))
    return outs


def _pieces_backward(node, *grads):
    d, sizes = node.ctx
    like = next(g for g in grads if g is not None)
    shape = node.meta[0][0]
    shapes = [shape[:d] + (s,) + shape[d + 1:] for s in sizes]
    from .joining import cat             # on use: joining imports this module
    return cat(_fill_missing(grads, shapes, like), d)


def _split_sizes(x, split_size, d):
    n = x.shape[d]
    if split_size < 0:
        raise RuntimeError(f'split expects split_size be non-negative, but got '
                           f'split_size={split_size}')
    if split_size == 0:
        if n != 0:
            raise RuntimeError(f'split_size can only be 0 if dimension size is 0, but got '
                               f'dimension size of {n}')
        return [0]
    k = max((n + split_size - 1) // split_size, 1)
    return [split_size] * (k - 1) + [n - split_size * (k - 1)]


def _check_sizes(x, sizes, d):
    sizes = [_index(s) for s in sizes]
    if any(s < 0 for s in sizes):
        raise RuntimeError(f'split_with_sizes expects split_sizes have only non-negative entries, '
                           f'but got split_sizes={sizes}')
    if sum(sizes) != x.shape[d]:
        raise RuntimeError(f'split_with_sizes expects split_sizes to sum exactly to {x.shape[d]} '
                           f"(input tensor's size at dimension {d}), but got split_sizes={sizes}")
    return sizes


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or pieces of the
    listed sizes. Views.

    >>> [p.tolist() for p in ember.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    """
    x = tensor._data
    if x.ndim == 0:
        raise RuntimeError('split expects at least a 1-dimensional tensor')
    d = norm_dim(dim, x.ndim)
    if isinstance(split_size_or_sections, (tuple, list)):
        return _pieces(tensor, d, _check_sizes(x, split_size_or_sections, d),
                       'SplitWithSizesBackward0')
    return _pieces(tensor, d, _split_sizes(x, _index(split_size_or_sections), d),
                   'SplitBackward0')


def _split_method(self, split_size, dim=0):
    return split(self, split_size, dim)


_split_method.__doc__ = split.__doc__


def split_with_sizes(input, split_sizes, dim=0):
    """Pieces of the given sizes along ``dim`` (they must add up to its size). Views.

    >>> [p.tolist() for p in ember.arange(5).split_with_sizes([1, 4])]
    [[0], [1, 2, 3, 4]]
    """
    x = input._data
    d = norm_dim(dim, x.ndim)
    return _pieces(input, d, _check_sizes(x, split_sizes, d), 'SplitWithSizesBackward0')


def unsafe_split(input, split_size, dim=0):
    """``split`` whose outputs are not tracked as views (same values).

    >>> len(ember.arange(5).unsafe_split(2))
    3
    """
    x = input._data
    d = norm_dim(dim, x.ndim)
    return _pieces(input, d, _split_sizes(x, _index(split_size), d), 'UnsafeSplitBackward0')


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """``split_with_sizes`` whose outputs are not tracked as views.

    >>> len(ember.unsafe_split_with_sizes(ember.arange(5), [2, 3]))
    2
    """
    x = input._data
    d = norm_dim(dim, x.ndim)
    return _pieces(input, d, _check_sizes(x, split_sizes, d),
                   'UnsafeSplitWithSizesBackward0')


def _chunk_sizes(x, chunks, d):
    chunks = _index(chunks)
    if chunks <= 0:
        raise RuntimeError(f'chunk expects `chunks` to be greater than 0, got: {chunks}')
    n = x.shape[d]
    size = (n + chunks - 1) // chunks
    if size == 0 and n == 0:
        return [0] * chunks, True
    return _split_sizes(x, size, d), False


def chunk(input, chunks, dim=0):
    """Split into ``chunks`` nearly equal pieces along ``dim`` (maybe fewer). Views.

    >>> [c.tolist() for c in ember.arange(5).chunk(3)]
    [[0, 1], [2, 3], [4]]
    """
    x = input._data
    if x.ndim == 0:
        raise RuntimeError('chunk expects at least a 1-dimensional tensor')
    d = norm_dim(dim, x.ndim)
    sizes, with_sizes = _chunk_sizes(x, chunks, d)
    return _pieces(input, d, sizes, 'SplitWithSizesBackward0' if with_sizes else 'SplitBackward0')


def unsafe_chunk(input, chunks, dim=0):
    """``chunk`` whose outputs are not tracked as views.

    >>> len(ember.arange(5).unsafe_chunk(2))
    2
    """
    x = input._data
    d = norm_dim(dim, x.ndim)
    sizes, with_sizes = _chunk_sizes(x, chunks, d)
    return _pieces(input, d, sizes, 'UnsafeSplitWithSizesBackward0' if with_sizes
                   else 'UnsafeSplitBackward0')


def _split_spec(spec):
    """``tensor_split``'s sections (an int) or indices (a list) from any accepted form."""
    if isinstance(spec, Tensor):
        a = spec._data
        if a.dtype != np.int64:
            raise RuntimeError('tensor_split expected tensor_indices_or_sections to have dtype of '
                               f'long, but got {_type_word(a.dtype)}')
        if a.ndim > 1:
            raise RuntimeError('tensor_split expected tensor_indices_or_sections to be a '
                               'zero-dimensional or one-dimensional tensor, but got a tensor with '
                               f'{a.ndim} dims')
        return int(a) if a.ndim == 0 else [int(i) for i in a.tolist()]
    if isinstance(spec, (tuple, list)):
        return [_index(i) for i in spec]
    try:
        return _index(spec)
    except TypeError:
        raise TypeError(f'tensor_split() received an invalid combination of arguments - got '
                        f'({type(spec).__name__}, ...), but expected one of: (int sections, int '
                        'dim), (tuple of ints indices, int dim) or (Tensor '
                        'tensor_indices_or_sections, int dim)') from None


def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                 tensor_indices_or_sections=None):
    """Split into ``sections`` nearly equal pieces, or at the given ``indices``, along
    ``dim`` (NumPy's ``array_split``). Views.

    >>> [p.tolist() for p in ember.arange(7).tensor_split(3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    """
    for v in (sections, indices, tensor_indices_or_sections):
        if v is not None:
            indices_or_sections = v
    x = input._data
    if x.ndim == 0:
        raise RuntimeError('tensor_split expected at least a 1-dimensional tensor, but got a '
                           'tensor with 0 dims')
    d = norm_dim(dim, x.ndim)
    spec = _split_spec(indices_or_sections)
    pre = (slice(None),) * d
    if isinstance(spec, list):
        bounds = [0] + spec + [None]
    else:
        if spec <= 0:
            raise RuntimeError(f'number of sections must be larger than 0, got {spec}')
        n = x.shape[d]
        q, r = divmod(n, spec)
        bounds = [0]
        for i in range(spec):
            bounds.append(bounds[-1] + q + (1 if i < r else 0))
    return tuple(_sliced(input, pre + (slice(bounds[i], bounds[i + 1]),))
                 for i in range(len(bounds) - 1))


def _dir_split(input, spec, d, need, op):
    x = input._data
    if x.ndim < need:
        raise RuntimeError(f'torch.{op} requires a tensor with at least {need} dimension, but got '
                           f'a tensor with {x.ndim} dimensions!')
    if not isinstance(spec, (tuple, list, Tensor)):
        spec = _index(spec)
        if spec == 0 or x.shape[d] % spec:
            raise RuntimeError(f'torch.{op} attempted to split along dimension {d}, but the size '
                               f'of the dimension {x.shape[d]} is not divisible by the '
                               f'split_size {spec}!')
    return tensor_split(input, spec, d)


def hsplit(input, indices_or_sections):
    """``tensor_split`` along dim 1 (dim 0 for 1-d input); sections must divide evenly.

    >>> [p.shape for p in ember.zeros(2, 4).hsplit(2)]
    [torch.Size([2, 2]), torch.Size([2, 2])]
    """
    return _dir_split(input, indices_or_sections, 1 if input._data.ndim > 1 else 0, 1, 'hsplit')


def vsplit(input, indices_or_sections):
    """``tensor_split`` along dim 0 of an at least 2-d tensor.

    >>> [p.shape for p in ember.zeros(4, 2).vsplit(2)]
    [torch.Size([2, 2]), torch.Size([2, 2])]
    """
    return _dir_split(input, indices_or_sections, 0, 2, 'vsplit')


def dsplit(input, indices_or_sections):
    """``tensor_split`` along dim 2 of an at least 3-d tensor.

    >>> [p.shape for p in ember.zeros(1, 1, 4).dsplit([1])]
    [torch.Size([1, 1, 1]), torch.Size([1, 1, 3])]
    """
    return _dir_split(input, indices_or_sections, 2, 3, 'dsplit')


METHODS = {'narrow': narrow, 'narrow_copy': narrow_copy, 'select': select, 'unbind': unbind,
           'unfold': unfold, 'split': _split_method, 'split_with_sizes': split_with_sizes,
           'unsafe_split': unsafe_split, 'unsafe_split_with_sizes': unsafe_split_with_sizes,
           'chunk': chunk, 'unsafe_chunk': unsafe_chunk, 'tensor_split': tensor_split,
           'hsplit': hsplit, 'vsplit': vsplit, 'dsplit': dsplit}
