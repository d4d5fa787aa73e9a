"""Shape operators: view, reshape, expand, transpose, permute, squeeze, unsqueeze, flatten ...

Views share memory (and the version counter) with their base, as in PyTorch.

>>> x = ember.arange(6.).view(2, 3)
>>> x.t().shape
torch.Size([3, 2])
"""
from ._base import Tensor, wrap, record, np, norm_dim, norm_dims, xp_of, Size

__all__ = ['reshape', 'flatten', 'squeeze', 'unsqueeze', 'transpose', 'swapaxes', 'swapdims',
           'permute', 't', 'broadcast_to', 'sum_to_size']


def view_of(input, arr):
    """Wrap ``arr`` (a view of ``input``'s memory) so it shares the version counter."""
    t = wrap(arr)
    vc = input._vc
    if vc is None:
        vc = input._vc = [0]
    t._vc = vc
    base = input._base
    t._base = input if base is None else base
    return t


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _infer_shape(shape, numel, op):
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError('only one dimension can be inferred')
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f'invalid shape dimension {s}')
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}"
                           f' (in {op})')
    return shape


def view(input, *shape):
    """A view with a new shape (no copy; fails when the memory layout does not allow it).

    >>> ember.arange(6).view(2, -1)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list, Size)) and shape[0] is not None:
        return input.to(shape[0]) if False else _view_dtype(input, shape[0])
    x = input._data
    shape = _infer_shape(_shape_args(shape), x.size, 'view')
    try:
        arr = x.view()
        arr.shape = shape
    except AttributeError:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at "
                           'least one dimension spans across two contiguous subspaces). Use '
                           '.reshape(...) instead.') from None
    return record(view_of(input, arr), 'ViewBackward0', _reshape_backward, (input,))


def _view_dtype(input, dtype):
    from .. import _dtype as D
    dt = D.to_dtype(dtype)
    return view_of(input, input._data.view(dt.np))


def _reshape_backward(node, grad):
    return grad.reshape(node.meta[0][0])


def reshape(input, *shape):
    """A tensor with the same values in a new shape (a view when possible, else a copy).

    >>> ember.reshape(ember.arange(4), (2, 2))
    tensor([[0, 1],
            [2, 3]])
    """
    x = input._data
    shape = _infer_shape(_shape_args(shape), x.size, 'reshape')
    try:
        arr = x.view()
        arr.shape = shape
        name = 'ViewBackward0'
        out = view_of(input, arr)
    except AttributeError:
        out = wrap(x.reshape(shape))
        name = 'UnsafeViewBackward0'
    return record(out, name, _reshape_backward, (input,))


def view_as(input, other):
    """``input.view(other.shape)``."""
    return view(input, other._data.shape)


def reshape_as(input, other):
    """``input.reshape(other.shape)``."""
    return reshape(input, other._data.shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim..end_dim`` into one.

    >>> ember.zeros(2, 3, 4).flatten(1).shape
    torch.Size([2, 12])
    """
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    s, e = norm_dim(start_dim, len(shape)), norm_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError('flatten() has invalid args: start_dim cannot come after end_dim')
    if s == e:
        return input
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one entry may be -1).

    >>> ember.zeros(2, 12).unflatten(1, (3, 4)).shape
    torch.Size([2, 3, 4])
    """
    shape = input._data.shape
    d = norm_dim(dim, len(shape))
    sizes = tuple(sizes)
    sizes = _infer_shape(sizes, shape[d], 'unflatten')
    return view(input, shape[:d] + sizes + shape[d + 1:]) if input._data.flags.c_contiguous \
        else reshape(input, shape[:d] + sizes + shape[d + 1:])


def squeeze(input, dim=None):
    """Remove dims of size 1 (all, or only those in ``dim``).

    >>> ember.zeros(1, 2, 1).squeeze().shape
    torch.Size([2])
    """
    x = input._data
    if dim is None:
        axes = tuple(i for i, s in enumerate(x.shape) if s == 1)
        name = 'SqueezeBackward0'
    else:
        dims = norm_dims(dim, x.ndim) if x.ndim else ()
        axes = tuple(d for d in dims if x.shape[d] == 1)
        name = 'SqueezeBackward1' if isinstance(dim, int) else 'SqueezeBackward2'
    out = view_of(input, x.squeeze(axes) if axes else x.view())
    return record(out, name, _reshape_backward, (input,))


def unsqueeze(input, dim):
    """Insert a dim of size 1 at ``dim``.

    >>> ember.zeros(3).unsqueeze(0).shape
    torch.Size([1, 3])
    """
    x = input._data
    d = norm_dim(dim, x.ndim + 1)
    out = view_of(input, np.expand_dims(x, d) if x.__class__ is np.ndarray
                  else xp_of(x).expand_dims(x, d))
    return record(out, 'UnsqueezeBackward0', _reshape_backward, (input,))


def transpose(input, dim0, dim1):
    """Swap two dims (a view).

    >>> ember.zeros(2, 3).transpose(0, 1).shape
    torch.Size([3, 2])
    """
    x = input._data
    if x.ndim == 0:
        return view_of(input, x.view())
    a, b = norm_dim(dim0, x.ndim), norm_dim(dim1, x.ndim)
    out = view_of(input, x.swapaxes(a, b))
    return record(out, 'TransposeBackward0', _transpose_backward, (input,), ctx=(a, b))


def _transpose_backward(node, grad):
    a, b = node.ctx
    return grad.transpose(a, b)


swapaxes = swapdims = transpose


def t(input):
    """Transpose a matrix (0-d and 1-d tensors are returned as they are).

    >>> ember.zeros(2, 3).t().shape
    torch.Size([3, 2])
    """
    x = input._data
    if x.ndim > 2:
        raise RuntimeError(f't() expects a tensor with <= 2 dimensions, but self is {x.ndim}D')
    out = view_of(input, x.T)
    return record(out, 'TBackward0', _t_backward, (input,))


def _t_backward(node, grad):
    return grad.t()


def permute(input, *dims):
    """Reorder the dims (a view).

    >>> ember.zeros(2, 3, 4).permute(2, 0, 1).shape
    torch.Size([4, 2, 3])
    """
    x = input._data
    dims = _shape_args(dims)
    if len(dims) != x.ndim:
        raise RuntimeError(f'permute(sparse_coo): number of dimensions in the tensor input does '
                           f'not match the length of the desired ordering of dimensions i.e. '
                           f'input.dim() = {x.ndim} is not equal to len(dims) = {len(dims)}')
    dims = tuple(norm_dim(d, x.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError('permute(): duplicate dims are not allowed.')
    out = view_of(input, x.transpose(dims))
    return record(out, 'PermuteBackward0', _permute_backward, (input,), ctx=dims)


def _permute_backward(node, grad):
    inv = [0] * len(node.ctx)
    for i, d in enumerate(node.ctx):
        inv[d] = i
    return grad.permute(inv)


def _T(input):
    x = input._data
    if x.ndim < 2:
        return input
    return permute(input, tuple(range(x.ndim - 1, -1, -1)))


def _mT(input):
    if input._data.ndim < 2:
        raise RuntimeError('tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.')
    return transpose(input, -2, -1)


def expand(input, *sizes):
    """A broadcast view with larger size (-1 keeps a dim); no memory is copied.

    >>> ember.tensor([[1], [2]]).expand(2, 3)
    tensor([[1, 1, 1],
            [2, 2, 2]])
    """
    x = input._data
    sizes = _shape_args(sizes)
    if len(sizes) < x.ndim:
        raise RuntimeError(f'expand(torch.FloatTensor{{{list(x.shape)}}}, size={list(sizes)}): the '
                           'number of sizes provided ({}) must be greater or equal to the number '
                           'of dimensions in the tensor ({})'.format(len(sizes), x.ndim))
    lead = len(sizes) - x.ndim
    shape = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f'The expanded size of the tensor (-1) isn\'t allowed in a '
                                   f'leading, non-existing dimension {i}')
            shape.append(s)
        else:
            cur = x.shape[i - lead]
            if s == -1:
                s = cur
            elif cur != s and cur != 1:
                raise RuntimeError(f'The expanded size of the tensor ({s}) must match the existing '
                                   f'size ({cur}) at non-singleton dimension {i}.  Target sizes: '
                                   f'{list(sizes)}.  Tensor sizes: {list(x.shape)}')
            shape.append(s)
    shape = tuple(shape)
    if shape == x.shape:
        out = view_of(input, x.view())
    else:
        out = view_of(input, xp_of(x).broadcast_to(x, shape))
    return record(out, 'ExpandBackward0', _expand_backward, (input,))


def _expand_backward(node, grad):
    return grad.sum_to_size(node.meta[0][0])


def expand_as(input, other):
    """``input.expand(other.shape)``."""
    return expand(input, other._data.shape)


def broadcast_to(input, size):
    """``input.expand(size)``.

    >>> ember.broadcast_to(ember.tensor([1, 2]), (2, 2)).shape
    torch.Size([2, 2])
    """
    return expand(input, tuple(size))


def reduce_to_shape(arr, shape):
    """Sum a broadcast array back down to ``shape`` (the inverse of broadcasting)."""
    lead = arr.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and arr.shape[i + lead] != 1)
    if axes:
        arr = arr.sum(axis=axes, keepdims=True)
        if lead:
            arr = arr.reshape(shape)
    return arr


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (which it must be broadcastable from).

    >>> ember.ones(2, 3).sum_to_size(1, 3)
    tensor([[2., 2., 2.]])
    """
    shape = _shape_args(size)
    x = input._data
    if x.shape == shape:
        return input
    try:
        if np.broadcast_shapes(shape, x.shape) != x.shape:
            raise ValueError
    except ValueError:
        raise RuntimeError(f'size {{{list(shape)}}} is not expandable to size {{{list(x.shape)}}}.') from None
    out = wrap(reduce_to_shape(x, shape))
    return record(out, 'SumBackward1', _sum_to_size_backward, (input,))


def _sum_to_size_backward(node, grad):
    return grad.expand(node.meta[0][0])


__all__ += ['view_as', 'reshape_as', 'unflatten', 'expand_as']

METHODS = {'view': view, 'reshape': reshape, 'view_as': view_as, 'reshape_as': reshape_as,
           'flatten': flatten, 'unflatten': unflatten, 'squeeze': squeeze,
           'unsqueeze': unsqueeze, 'transpose': transpose, 'swapaxes': swapaxes,
           'swapdims': swapdims, 't': t, 'permute': permute, 'expand': expand,
           'expand_as': expand_as, 'broadcast_to': broadcast_to, 'sum_to_size': sum_to_size,
           'T': property(_T), 'mT': property(_mT), 'mH': property(_mT), 'H': property(_T)}
