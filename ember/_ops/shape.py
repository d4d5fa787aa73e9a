"""Shape views: view, reshape, flatten, unflatten, squeeze, unsqueeze, expand and the
broadcasting helpers, atleast_nd; :func:`view_of`, which every view-making op uses.

Views share memory (and the version counter) with their base exactly where PyTorch's do,
so an in-place write through a view is seen by the base and vice versa. The other shape
families live next door: permutation (transpose, permute ...), splitting (narrow, select,
split ...), rearranging (flip, roll, repeat ...) and diagonals (diagonal, tril ...).

>>> x = ember.arange(6.).view(2, 3)
>>> x.reshape(3, 2).shape
torch.Size([3, 2])
"""
import operator

from ._base import Tensor, wrap, record, np, norm_dim, xp_of, Size
from ._elementwise import quietly
from ._shape_helpers import (_as_int, _shape_args, _norm_dims, _type_word, _meta_inplace,
                             _tensor_list)
from .. import _dtype as D

__all__ = ['reshape', 'flatten', 'ravel', 'unflatten', 'squeeze', 'unsqueeze', 'broadcast_to',
           'broadcast_tensors', 'broadcast_shapes', 'atleast_1d', 'atleast_2d', 'atleast_3d']

_index = operator.index


def view_of(input, arr, name=None, backward=None, ctx=None):
    """Wrap ``arr`` (a view of ``input``'s memory) so it shares ``input``'s version counter
    and base. Given the grad_fn ``name`` and ``backward``, also record the view in the graph
    when ``input`` requires grad.

    >>> x = ember.zeros(2, 3)
    >>> out = view_of(x, x._data.T)   # t() also passes 'TBackward0' and its backward
    >>> out.shape, out._base is x
    (torch.Size([3, 2]), True)
    """
    t = wrap(arr)
    vc = input._vc
    if vc is None:
        vc = input._vc = [0]
    t._vc = vc
    t._view_version = vc[0]
    base = input._base
    t._base = input if base is None else base
    if input._rg and name is not None:
        record(t, name, backward, (input,), ctx=ctx)
    return t


def _infer_shape(shape, numel, op):
    """Resolve one -1 in ``shape`` against ``numel`` elements (PyTorch's messages)."""
    infer = -1
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer >= 0:
                raise RuntimeError('only one dimension can be inferred')
            infer = i
        elif s < 0:
            raise RuntimeError(f'invalid shape dimension {s} at index {i} of shape {list(shape)}')
        else:
            known *= s
    if infer >= 0:
        if known == 0:
            if numel == 0:
                raise RuntimeError(f'cannot reshape tensor of 0 elements into shape {list(shape)} '
                                   'because the unspecified dimension size -1 can be any value '
                                   'and is ambiguous')
        elif numel % known == 0:
            return shape[:infer] + (numel // known,) + shape[infer + 1:]
    elif known == numel:
        return shape
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel} (in {op}: "
                       'the new shape must hold exactly as many elements as the tensor)')


def _reshape_backward(node, grad):
    return grad.reshape(node.meta[0][0])


# ------------------------------------------------------------------ view / reshape
def view(input, *shape, dtype=None, size=None):
    """A view with a new shape (no copy; fails when the memory layout does not allow it),
    or ``view(dtype)``: the same bytes reinterpreted as another dtype.

    >>> ember.arange(6).view(2, -1)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    if size is not None:
        shape = (size,)
    if len(shape) == 1:
        s0 = shape[0]
        if s0.__class__ is D.dtype:
            return _view_dtype(input, s0)
        if s0.__class__ is not int and not isinstance(s0, (tuple, list)):
            try:
                _index(s0)
            except TypeError:
                raise TypeError(f'view() received an invalid combination of arguments - got '
                                f'({type(s0).__name__}), but expected one of: (torch.dtype '
                                'dtype) or (tuple of ints size)') from None
    elif dtype is not None and not shape:
        return _view_dtype(input, dtype)
    x = input._data
    arr = _new_shape(x, _shape_args(shape), 'view')
    if arr is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at "
                           'least one dimension spans across two contiguous subspaces). Use '
                           '.reshape(...) instead.')
    return view_of(input, arr, 'ViewBackward0', _reshape_backward)


def _new_shape(x, shape, op):
    """A view of ``x`` with ``shape`` (one -1 allowed), or None when the strides do not allow
    one; PyTorch's errors for a bad shape."""
    if shape and min(shape) < -1:
        _infer_shape(shape, x.size, op)
    arr = x.view()
    try:
        arr.shape = shape
    except AttributeError:
        return None
    except ValueError:
        _infer_shape(shape, x.size, op)
        raise
    return arr


def _view_dtype(input, dtype):
    """``view(dtype)``: reinterpret the bytes; not differentiable, shares the memory."""
    dt = D.to_dtype(dtype)
    x = input._data
    old, new = x.itemsize, dt.itemsize
    if old != new:
        what = f'to view {_type_word(x.dtype)} as {_type_word(dt.np)} (different element sizes)'
        if x.ndim == 0:
            raise RuntimeError(f'self.dim() cannot be 0 {what}')
        if new > old:
            ratio = new // old
            if x.shape[-1] % ratio:
                raise RuntimeError(f'self.size(-1) must be divisible by {ratio} {what}, but got '
                                   f'{x.shape[-1]}')
            off = input.storage_offset()
            if off % ratio:
                raise RuntimeError(f'self.storage_offset() must be divisible by {ratio} {what}, '
                                   f'but got {off}')
        if x.strides[-1] != old:
            raise RuntimeError(f'self.stride(-1) must be 1 {what}, but got {x.strides[-1] // old}')
        if new > old:
            for i, st in enumerate(x.strides[:-1]):
                if (st // old) % ratio:
                    raise RuntimeError(f'self.stride({i}) must be divisible by {ratio} {what}, '
                                       f'but got {st // old}')
    t = view_of(input, x.view(dt.np))
    t._base = None                       # not a differentiable view: nothing to rebase onto
    return t


def reshape(input, *shape_args, shape=None):
    """A tensor with the same values in a new shape (a view when possible, else a copy).

    >>> ember.reshape(ember.arange(4), (2, 2))
    tensor([[0, 1],
            [2, 3]])
    """
    if shape is not None:
        shape_args = (shape,)
    shape = shape_args
    x = input._data
    shape = _shape_args(shape, 'reshape')
    arr = _new_shape(x, shape, 'reshape')
    if arr is not None:
        return view_of(input, arr, 'ViewBackward0', _reshape_backward)
    out = wrap(x.reshape(_infer_shape(shape, x.size, 'reshape')))
    if input._rg:
        record(out, 'UnsafeViewBackward0', _reshape_backward, (input,))
    return out


def view_as(input, other):
    """``input.view(other.shape)``.

    >>> ember.zeros(6).view_as(ember.zeros(2, 3)).shape
    torch.Size([2, 3])
    """
    return view(input, other._data.shape)


def reshape_as(input, other):
    """``input.reshape(other.shape)``.

    >>> ember.zeros(6).reshape_as(ember.zeros(3, 2)).shape
    torch.Size([3, 2])
    """
    return reshape(input, other._data.shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim..end_dim`` into one (a view when possible).

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


def ravel(input):
    """A 1-d tensor of all elements (a view of contiguous input, else a copy).

    >>> ember.tensor([[1, 2], [3, 4]]).ravel()
    tensor([1, 2, 3, 4])
    """
    x = input._data
    if x.flags.c_contiguous:
        return view(input, -1)
    return record(wrap(x.reshape(-1)), 'ViewBackward0', _reshape_backward, (input,))


def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one entry may be -1); a view.

    >>> ember.zeros(2, 12).unflatten(1, (3, 4)).shape
    torch.Size([2, 3, 4])
    """
    shape = input._data.shape
    d = norm_dim(dim, len(shape))
    sizes = _shape_args((sizes,), 'unflatten')
    if not sizes:
        raise RuntimeError('unflatten: sizes must be non-empty')
    try:
        sizes = _infer_shape(sizes, shape[d], 'unflatten')
    except RuntimeError as e:
        if 'only one dimension' in str(e):
            raise
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f'size of dim {dim} ({shape[d]}) in the input tensor') from None
    return view(input, shape[:d] + sizes + shape[d + 1:])


# ------------------------------------------------------------------ squeeze / unsqueeze
def squeeze(input, dim=None):
    """Remove dims of size 1 (all, or only those in ``dim``: an int or a tuple).

    >>> ember.zeros(1, 2, 1).squeeze().shape
    torch.Size([2])
    """
    x = input._data
    if dim is None:
        axes = tuple(i for i, s in enumerate(x.shape) if s == 1)
        name = 'SqueezeBackward0'
    elif isinstance(dim, (tuple, list)):
        dims = _norm_dims(dim, x.ndim)
        axes = tuple(d for d in dims if x.ndim and x.shape[d] == 1)
        name = 'SqueezeBackward2'
    else:
        d = norm_dim(_as_int(dim, 'squeeze', 'dim', 1), x.ndim)
        axes = (d,) if x.ndim and x.shape[d] == 1 else ()
        name = 'SqueezeBackward1'
    return view_of(input, x.squeeze(axes) if axes else x.view(), name, _reshape_backward)


def unsqueeze(input, dim):
    """Insert a dim of size 1 at ``dim`` (a view).

    >>> ember.zeros(3).unsqueeze(0).shape
    torch.Size([1, 3])
    """
    x = input._data
    d = norm_dim(_as_int(dim, 'unsqueeze', 'dim', 1), x.ndim + 1)
    return view_of(input, x[(slice(None),) * d + (None,)], 'UnsqueezeBackward0',
                   _reshape_backward)


def _squeeze_inplace_name(self, dim=None):
    return ('SqueezeBackward3' if dim is None else
            'SqueezeBackward5' if isinstance(dim, (tuple, list)) else 'SqueezeBackward4')


def squeeze_(self, dim=None):
    """In-place ``squeeze``: changes the shape of ``self`` and returns it.

    >>> ember.zeros(1, 3).squeeze_().shape
    torch.Size([3])
    """
    return _meta_inplace(squeeze, 'squeeze_', _squeeze_inplace_name(self, dim))(self, dim)


unsqueeze_ = _meta_inplace(unsqueeze, 'unsqueeze_', 'UnsqueezeBackward1',
                          'ember.zeros(3).unsqueeze_(0).shape\n    torch.Size([1, 3])')


# ------------------------------------------------------------------ expand / broadcast
def expand(input, *sizes, size=None):
    """A broadcast view with larger size (-1 keeps a dim); no memory is copied.

    >>> ember.tensor([[1], [2]]).expand(2, 3)
    tensor([[1, 1, 1],
            [2, 2, 2]])
    """
    x = input._data
    sizes = _shape_args(sizes if size is None else (size,), 'expand')
    xs = x.shape
    if len(sizes) < len(xs):
        raise RuntimeError(f'expand({input.type()}{{{list(xs)}}}, size={list(sizes)}): the number '
                           f'of sizes provided ({len(sizes)}) must be greater or equal to the '
                           f'number of dimensions in the tensor ({len(xs)})')
    lead = len(sizes) - len(xs)
    shape = list(sizes)
    ones = True                         # only size-1 dims get added: a plain reshape view
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   f'leading, non-existing dimension {i}')
            if s != 1:
                ones = False
            continue
        cur = xs[i - lead]
        if s == -1:
            shape[i] = cur
        elif s != cur:
            if cur != 1 or s < 0:
                raise RuntimeError(f'The expanded size of the tensor ({s}) must match the '
                                   f'existing size ({cur}) at non-singleton dimension {i}.  '
                                   f'Target sizes: {list(sizes)}.  Tensor sizes: {list(xs)}')
            ones = False
    shape = tuple(shape)
    if ones:
        arr = x.view() if shape == xs else x.reshape(shape)
    else:
        arr = _broadcast_view(x, shape, lead)
    return view_of(input, arr, 'ExpandBackward0', _expand_backward)


def expand_scalar(input, shape):
    """``input.expand(shape)`` without expand's argument checks, for the backward of full
    reductions (sum, mean), whose 0-d gradient is broadcast to the input's ``shape``."""
    x = input._data
    if x.ndim or shape.count(1) == len(shape):
        return expand(input, shape)
    return view_of(input, _broadcast_view(x, shape, len(shape)), 'ExpandBackward0',
                   _expand_backward)


def _broadcast_view(x, shape, lead):
    """A read-only broadcast view of ``x`` (``numpy.broadcast_to`` costs ~2us; a strided
    ndarray over the same buffer ~0.5us)."""
    if x.__class__ is np.ndarray and x.flags.c_contiguous and x.size:
        if lead == len(shape):          # a 0-d x: every stride is 0
            strides = (0,) * lead
        else:
            xs, st = x.shape, x.strides
            strides = tuple(0 if i < lead or (xs[i - lead] == 1 and s != 1) else st[i - lead]
                            for i, s in enumerate(shape))
        try:
            arr = np.ndarray(shape, x.dtype, x, 0, strides)
        except (TypeError, ValueError):   # a dtype without buffer support (e.g. bfloat16)
            return np.broadcast_to(x, shape)
        arr.flags.writeable = False
        return arr
    return xp_of(x).broadcast_to(x, shape)


def _expand_backward(node, grad):
    return sum_to_size(grad, node.meta[0][0])


def expand_as(input, other):
    """``input.expand(other.shape)``.

    >>> ember.zeros(3).expand_as(ember.zeros(2, 3)).shape
    torch.Size([2, 3])
    """
    return expand(input, other._data.shape)


def broadcast_to(input, size):
    """``input.expand(size)``.

    >>> ember.broadcast_to(ember.tensor([1, 2]), (2, 2)).shape
    torch.Size([2, 2])
    """
    return expand(input, tuple(size))


def broadcast_shapes(*shapes):
    """The shape that tensors of ``shapes`` broadcast to.

    >>> ember.broadcast_shapes((2,), (3, 1), (1, 1, 1))
    torch.Size([1, 3, 2])
    """
    shapes = [(s,) if isinstance(s, (int, np.integer)) else s for s in shapes if s is not None]
    if not shapes:
        return Size(())
    for s in shapes:
        if not isinstance(s, (tuple, list)):
            raise RuntimeError('Input shapes should be of type ints, a tuple of ints, or a list of '
                               f'ints, got {s}')
    out = [1] * max(len(s) for s in shapes)
    for k, s in enumerate(shapes):
        for i in range(-1, -1 - len(s), -1):
            n = s[i]
            if n == out[i]:
                continue
            if out[i] == 1:
                if n < 0:
                    raise ValueError('Attempting to broadcast a dimension with negative length!')
                out[i] = n
            elif n != 1:
                raise RuntimeError(f'Attempting to broadcast a dimension of length {n} at {i}! '
                                   f'Mismatching argument at index {k} had {tuple(s)}; but '
                                   f'expected shape should be broadcastable to {out}')
    return Size(out)


def broadcast_tensors(*tensors):
    """Expand all tensors to their common broadcast shape (views).

    >>> a, b = ember.broadcast_tensors(ember.zeros(3, 1), ember.zeros(2))
    >>> a.shape, b.shape
    (torch.Size([3, 2]), torch.Size([3, 2]))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    _tensor_list(tensors, 'broadcast_tensors')
    shape = ()
    for i, x in enumerate(tensors):
        xs = x._data.shape
        if xs == shape:
            continue
        n = max(len(shape), len(xs))
        a = (1,) * (n - len(shape)) + shape
        b = (1,) * (n - len(xs)) + xs
        res = []
        for d in range(n):
            if a[d] == b[d] or b[d] == 1:
                res.append(a[d])
            elif a[d] == 1:
                res.append(b[d])
            else:
                raise RuntimeError(f'The size of tensor a ({a[d]}) must match the size of tensor '
                                   f'b ({b[d]}) at non-singleton dimension {d}')
        shape = tuple(res)
    return tuple(x if x._data.shape == shape else expand(x, shape) for x in tensors)


def reduce_to_shape(arr, shape):
    """Sum a broadcast array back down to ``shape`` (the inverse of broadcasting)."""
    lead = arr.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and arr.shape[i + lead] != 1)
    if axes:
        try:
            arr = arr.sum(axis=axes, keepdims=True)
        except RuntimeWarning:  # inf + -inf with warnings as errors: see _elementwise.quiet
            with quietly():
                arr = arr.sum(axis=axes, keepdims=True)
        if lead:
            arr = arr.reshape(shape)
    return arr


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (which it must be broadcastable from).

    >>> ember.ones(2, 3).sum_to_size(1, 3)
    tensor([[2., 2., 2.]])
    """
    shape = _shape_args(size, 'sum_to_size')
    x = input._data
    if x.shape == shape:
        return input
    ok = len(shape) <= x.ndim and all(
        s == 1 or s == xs for s, xs in zip(shape[::-1], x.shape[::-1]))
    if not ok:
        raise RuntimeError(f'size {{{list(shape)}}} is not expandable to size {{{list(x.shape)}}}.')
    arr = reduce_to_shape(x, shape)
    if arr.dtype.kind in 'biu' and arr.dtype != np.int64:
        arr = arr.astype(np.int64)
    return record(wrap(arr), 'SumBackward1', _sum_to_size_backward, (input,))


def _sum_to_size_backward(node, grad):
    return expand(grad, node.meta[0][0])


# ------------------------------------------------------------------ atleast_nd
def _atleast(args, fn, name):
    if len(args) == 1 and isinstance(args[0], Tensor):
        return fn(args[0])
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    for a in args:
        if not isinstance(a, Tensor):
            raise TypeError(f'{name}() received an invalid combination of arguments - got '
                            f'({type(a).__name__}), but expected one of: (Tensor input) or '
                            '(tuple of Tensors tensors)')
    return tuple(fn(a) for a in args)


def _at1(x):
    return reshape(x, (1,)) if x._data.ndim == 0 else x


def _at2(x):
    n = x._data.ndim
    return reshape(x, (1, 1)) if n == 0 else unsqueeze(x, 0) if n == 1 else x


def _at3(x):
    n = x._data.ndim
    if n == 0:
        return reshape(x, (1, 1, 1))
    if n == 1:
        return unsqueeze(unsqueeze(x, 0), -1)
    return unsqueeze(x, -1) if n == 2 else x


def atleast_1d(*tensors):
    """Each input viewed with at least one dim (0-d -> shape (1,)).

    >>> ember.atleast_1d(ember.tensor(1.))
    tensor([1.])
    """
    return _atleast(tensors, _at1, 'atleast_1d')


def atleast_2d(*tensors):
    """Each input viewed with at least two dims (1-d -> (1, n)).

    >>> ember.atleast_2d(ember.tensor([1., 2.])).shape
    torch.Size([1, 2])
    """
    return _atleast(tensors, _at2, 'atleast_2d')


def atleast_3d(*tensors):
    """Each input viewed with at least three dims (1-d -> (1, n, 1), 2-d -> (m, n, 1)).

    >>> ember.atleast_3d(ember.zeros(2, 3)).shape
    torch.Size([2, 3, 1])
    """
    return _atleast(tensors, _at3, 'atleast_3d')


METHODS = {'view': view, 'reshape': reshape, 'view_as': view_as, 'reshape_as': reshape_as,
           'flatten': flatten, 'ravel': ravel, 'unflatten': unflatten, 'squeeze': squeeze,
           'unsqueeze': unsqueeze, 'squeeze_': squeeze_, 'unsqueeze_': unsqueeze_,
           'expand': expand, 'expand_as': expand_as, 'broadcast_to': broadcast_to,
           'sum_to_size': sum_to_size}
