"""Shape operators: views (view, reshape, transpose, permute, expand, narrow, select, split,
diagonal ...) and copies that rearrange data (flip, roll, rot90, tril/triu, repeat, tile ...).

Views share memory (and the version counter) with their base exactly where PyTorch's do,
so an in-place write through a view is seen by the base and vice versa.

>>> x = ember.arange(6.).view(2, 3)
>>> x.t().shape
torch.Size([3, 2])
"""
import operator
import warnings

from ._base import (Tensor, wrap, record, record_multi, STATE, np, norm_dim, xp_of,
                    Size, bump_version, check_inplace)
from .. import _dtype as D

__all__ = ['reshape', 'flatten', 'ravel', 'unflatten', 'squeeze', 'unsqueeze', 'transpose',
           'swapaxes', 'swapdims', 'permute', 't', 'adjoint', 'movedim', 'moveaxis',
           'broadcast_to', 'broadcast_tensors', 'broadcast_shapes', 'atleast_1d', 'atleast_2d',
           'atleast_3d', 'narrow', 'narrow_copy', 'select', 'unbind', 'split', 'split_with_sizes',
           'unsafe_split', 'unsafe_split_with_sizes', 'unsafe_chunk', 'chunk', 'tensor_split',
           'hsplit', 'vsplit', 'dsplit', 'flip', 'fliplr', 'flipud', 'roll', 'rot90', 'diagonal',
           'diag', 'diagflat', 'diag_embed', 'tril', 'triu', 'repeat_interleave', 'tile']

_index = operator.index
_new = object.__new__
_BY_NP = D._BY_NP


# ------------------------------------------------------------------ helpers
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


def _as_int(v, op, arg, pos):
    """``v`` as a Python int (ints, NumPy ints, one-element integer tensors), else
    PyTorch's TypeError."""
    try:
        return _index(v)
    except TypeError:
        raise TypeError(f"{op}(): argument '{arg}' (position {pos}) must be int, not "
                        f'{type(v).__name__}') from None


def _shape_args(shape, op='view'):
    """The int tuple of ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(torch.Size)``."""
    if len(shape) == 1 and shape[0].__class__ is not int and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    try:
        return tuple(map(_index, shape))
    except TypeError:
        for i, s in enumerate(shape):
            try:
                _index(s)
            except TypeError:
                raise TypeError(f"{op}(): argument 'size' (position 1) must be tuple of ints, "
                                f'but found element of type {type(s).__name__} at pos {i}'
                                ) from None
        raise


def _dims_arg(dims, op):
    """``f(0, 1)``, ``f((0, 1))``, ``f([0, 1])`` or ``f(0)`` -> tuple of ints."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    try:
        return tuple(map(_index, dims))
    except TypeError:
        raise TypeError(f"{op}(): argument 'dims' must be tuple of ints, not "
                        f'{type(dims).__name__}') from None


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


def _norm_dims(dims, ndim):
    """Wrapped dims (sorted), with PyTorch's message for a repeated dim."""
    out = []
    for d in dims:
        w = norm_dim(_index(d), ndim)
        if w in out:
            raise RuntimeError(f'dim {w} appears multiple times in the list of dims')
        out.append(w)
    return tuple(sorted(out))


def _zeros(shape, like):
    return wrap(xp_of(like).zeros(shape, like.dtype))


def _type_word(np_dtype):
    return _TYPE_WORDS.get(str(np_dtype), str(np_dtype))


_TYPE_WORDS = {'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char',
               'uint8': 'Byte', 'bool': 'Bool', 'float32': 'Float', 'float64': 'Double',
               'float16': 'Half', 'bfloat16': 'BFloat16'}


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
    out = view_of(input, arr)
    if input._rg:
        record(out, 'ViewBackward0', _reshape_backward, (input,))
    return out


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
    t = wrap(x.view(dt.np))
    vc = input._vc
    if vc is None:
        vc = input._vc = [0]
    t._vc = vc
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
        out = view_of(input, arr)
        if input._rg:
            record(out, 'ViewBackward0', _reshape_backward, (input,))
        return out
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
    out = view_of(input, x.squeeze(axes) if axes else x.view())
    if input._rg:
        record(out, name, _reshape_backward, (input,))
    return out


def unsqueeze(input, dim):
    """Insert a dim of size 1 at ``dim`` (a view).

    >>> ember.zeros(3).unsqueeze(0).shape
    torch.Size([1, 3])
    """
    x = input._data
    d = norm_dim(_as_int(dim, 'unsqueeze', 'dim', 1), x.ndim + 1)
    out = view_of(input, x[(slice(None),) * d + (None,)])
    if input._rg:
        record(out, 'UnsqueezeBackward0', _reshape_backward, (input,))
    return out


# ------------------------------------------------------------------ transpose / permute
def transpose(input, dim0, dim1):
    """Swap two dims (a view).

    >>> ember.zeros(2, 3).transpose(0, 1).shape
    torch.Size([3, 2])
    """
    x = input._data
    a, b = norm_dim(dim0, x.ndim), norm_dim(dim1, x.ndim)
    out = view_of(input, x.swapaxes(a, b) if x.ndim else x.view())
    if input._rg:
        record(out, 'TransposeBackward0', _transpose_backward, (input,), ctx=(a, b))
    return out


def _transpose_backward(node, grad):
    a, b = node.ctx
    return transpose(grad, a, b)


swapaxes = swapdims = transpose


def t(input):
    """Transpose a matrix (0-d and 1-d tensors come back unchanged, as views).

    >>> ember.zeros(2, 3).t().shape
    torch.Size([3, 2])
    """
    x = input._data
    if x.ndim > 2:
        raise RuntimeError(f't() expects a tensor with <= 2 dimensions, but self is {x.ndim}D '
                           '(use .transpose(dim0, dim1) or .mT for batches of matrices)')
    return record(view_of(input, x.T), 'TBackward0', _t_backward, (input,))


def _t_backward(node, grad):
    return t(grad)


def permute(input, *dims_args, dims=None):
    """Reorder the dims (a view).

    >>> ember.zeros(2, 3, 4).permute(2, 0, 1).shape
    torch.Size([4, 2, 3])
    """
    x = input._data
    dims = _dims_arg(dims_args if dims is None else (dims,), 'permute')
    try:
        if len(dims) != x.ndim:
            raise ValueError
        arr = x.transpose(dims)
    except ValueError:                   # numpy.AxisError is a ValueError
        _check_permutation(dims, x.ndim)
        raise
    out = view_of(input, arr)
    if input._rg:
        record(out, 'PermuteBackward0', _permute_backward, (input,), ctx=dims)
    return out


def _check_permutation(dims, n):
    if len(dims) != n:
        raise RuntimeError(f'permute(sparse_coo): number of dimensions in the tensor input does '
                           f'not match the length of the desired ordering of dimensions i.e. '
                           f'input.dim() = {n} is not equal to len(dims) = {len(dims)}')
    dims = [norm_dim(d, n) for d in dims]
    if len(set(dims)) != len(dims):
        raise RuntimeError('permute(): duplicate dims are not allowed.')


def _permute_backward(node, grad):
    n = len(node.ctx)
    inv = [0] * n
    for i, d in enumerate(node.ctx):
        inv[d % n] = i
    return permute(grad, inv)


def movedim(input, source, destination):
    """Move dims ``source`` to positions ``destination`` (ints or tuples); a view.

    >>> ember.zeros(2, 3, 4).movedim(0, -1).shape
    torch.Size([3, 4, 2])
    """
    n = input._data.ndim
    src = list(source) if isinstance(source, (tuple, list)) else [source]
    dst = list(destination) if isinstance(destination, (tuple, list)) else [destination]
    if len(src) != len(dst):
        raise RuntimeError(f'movedim: Invalid source or destination dims: source ({src} dims) '
                           f'should contain the same number of dims as destination ({dst} dims)')
    s = [norm_dim(_index(d), n) for d in src]
    e = [norm_dim(_index(d), n) for d in dst]
    if len(set(s)) != len(s):
        raise RuntimeError(f'movedim: repeated dim in `source` ({src})')
    if len(set(e)) != len(e):
        raise RuntimeError(f'movedim: repeated dim in `destination` ({dst})')
    order = [d for d in range(n) if d not in s]
    for to, frm in sorted(zip(e, s)):
        order.insert(to, frm)
    return permute(input, order)


moveaxis = movedim


def _warn(msg):
    warnings.warn(msg, UserWarning, stacklevel=3)


def _T(input):
    n = input._data.ndim
    if n != 2:
        if n == 0:
            _warn('Tensor.T is deprecated on 0-D tensors. This function is the identity in these '
                  'cases.')
        else:
            _warn('The use of `x.T` on tensors of dimension other than 2 to reverse their shape is '
                  'deprecated and it will throw an error in a future release. Consider `x.mT` to '
                  'transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` '
                  'to reverse the dimensions of a tensor.')
    return permute(input, tuple(range(n - 1, -1, -1)))


def _mT(input):
    n = input._data.ndim
    if n < 2:
        if n == 0:
            _warn('Tensor.mT is deprecated on 0-D tensors. This function is the identity in these '
                  'cases.')
            return input
        raise RuntimeError('tensor.mT is only supported on matrices or batches of matrices. Got '
                           '1-D tensor.')
    return transpose(input, -2, -1)


def _mH(input):
    n = input._data.ndim
    if n < 2:
        if n == 0:
            _warn('Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().')
            return input
        raise RuntimeError('tensor.mH is only supported on matrices or batches of matrices. Got '
                           '1-D tensor.')
    return transpose(input, -2, -1)


def _H(input):
    n = input._data.ndim
    if n == 0:
        _warn('Tensor.H is deprecated on 0-D tensors. Consider using x.conj().')
        return input
    if n != 2:
        hint = ' For batches of matrices, consider using tensor.mH' if n > 2 else ''
        raise RuntimeError(f'tensor.H is only supported on matrices (2-D tensors). Got {n}-D '
                           f'tensor.{hint}')
    return transpose(input, 0, 1)


def adjoint(input):
    """The conjugate transpose of the last two dims (for real tensors: ``transpose(-2, -1)``).

    >>> ember.zeros(2, 3).adjoint().shape
    torch.Size([3, 2])
    """
    n = input._data.ndim
    if n < 2:
        if n == 0:
            _warn('adjoint() is deprecated on 0-D tensors. Consider using x.conj().')
            return input
        raise RuntimeError('tensor.adjoint() is only supported on matrices or batches of '
                           'matrices. Got 1-D tensor.')
    return transpose(input, -2, -1)


# ------------------------------------------------------------------ in-place shape changes
def _meta_inplace(fn, name, grad_name):
    """``x.squeeze_()`` and friends: ``x`` itself takes the new shape (same memory)."""
    def op_(self, *args, **kwargs):
        check_inplace(self, name)
        res = fn(self, *args, **kwargs)
        self._data = res._data
        bump_version(self)
        node = res.grad_fn
        if node is not None and STATE.enabled:
            node._name = grad_name
            self.grad_fn = node
            self._rg = True
            self._out_nr = 0
        return self
    op_.__name__ = name
    op_.__doc__ = f'In-place ``{fn.__name__}``: changes the shape of ``self`` and returns it.'
    return op_


def _squeeze_inplace_name(self, dim=None):
    return ('SqueezeBackward3' if dim is None else
            'SqueezeBackward5' if isinstance(dim, (tuple, list)) else 'SqueezeBackward4')


def squeeze_(self, dim=None):
    """In-place ``squeeze``."""
    return _meta_inplace(squeeze, 'squeeze_', _squeeze_inplace_name(self, dim))(self, dim)


unsqueeze_ = _meta_inplace(unsqueeze, 'unsqueeze_', 'UnsqueezeBackward1')
transpose_ = _meta_inplace(transpose, 'transpose_', 'TransposeBackward1')
swapaxes_ = _meta_inplace(transpose, 'swapaxes_', 'TransposeBackward1')
swapdims_ = _meta_inplace(transpose, 'swapdims_', 'TransposeBackward1')
t_ = _meta_inplace(t, 't_', 'TBackward1')


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
    out = view_of(input, arr)
    if input._rg:
        record(out, 'ExpandBackward0', _expand_backward, (input,))
    return out


def _broadcast_view(x, shape, lead):
    """A read-only broadcast view of ``x`` (``numpy.broadcast_to`` costs ~10us; a strided
    ndarray over the same buffer ~1us)."""
    if x.__class__ is np.ndarray and x.flags.c_contiguous and x.size:
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
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f'expected Tensor as element {i} in argument 0, but got '
                            f'{type(x).__name__}')
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


# ------------------------------------------------------------------ slicing views
def _sliced(input, key, name='SliceBackward0'):
    """``input[key]`` for a basic-index ``key`` (slices/ints), as a differentiable view."""
    out = view_of(input, input._data[key])
    if input._rg:
        record(out, name, _sliced_backward, (input,), ctx=(key, name))
    return out


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
    return [g if g is not None else _zeros(s, like._data) for g, s in zip(grads, shapes)]


def _unbind_backward(node, *grads):
    d = node.ctx
    like = next(g for g in grads if g is not None)
    shape = like._data.shape
    from .joining import stack
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
    out = view_of(input, arr)
    if input._rg:
        record(out, 'UnfoldBackward0', _unfold_backward, (input,), ctx=(d, size, step))
    return out


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
    from .joining import cat
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


# ------------------------------------------------------------------ diagonals / triangles
def _diag_view(arr, offset, d1, d2):
    """A strided view of the ``offset`` diagonal of dims ``d1``, ``d2`` (moved last), writable
    when ``arr`` is (NumPy hands out diagonals read-only by default)."""
    d = arr.diagonal(offset, d1, d2)
    if arr.__class__ is np.ndarray and arr.flags.writeable:
        d.flags.writeable = True
    return d


def _diag_dims(ndim, dim1, dim2):
    a, b = norm_dim(dim1, ndim), norm_dim(dim2, ndim)
    if a == b:
        raise RuntimeError(f'diagonal dimensions cannot be identical {dim1}, {dim2}')
    return a, b


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The ``offset`` diagonal of dims ``dim1``/``dim2``, appended as the last dim (a view).

    >>> ember.tensor([[1, 2], [3, 4]]).diagonal()
    tensor([1, 4])
    """
    x = input._data
    a, b = _diag_dims(x.ndim, dim1, dim2)
    offset = _index(offset)
    out = view_of(input, _diag_view(x, offset, a, b))
    return record(out, 'DiagonalBackward0', _diagonal_backward, (input,), ctx=(offset, a, b))


def _diagonal_backward(node, grad):
    offset, a, b = node.ctx
    return _diag_scatter(grad, node.meta[0][0], offset, a, b, 'DiagonalBackwardBackward0')


def _diag_scatter(input, shape, offset, a, b, name):
    """Zeros of ``shape`` with ``input`` written on the ``offset`` diagonal of dims a, b."""
    x = input._data
    out = xp_of(x).zeros(shape, x.dtype)
    _diag_view(out, offset, a, b)[...] = x
    return record(wrap(out), name, _diag_scatter_backward, (input,), ctx=(offset, a, b))


def _diag_scatter_backward(node, grad):
    offset, a, b = node.ctx
    return diagonal(grad, offset, a, b)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Tensors whose ``offset`` diagonals (in dims ``dim1``, ``dim2``) are the last dim of
    ``input``; zeros elsewhere.

    >>> ember.diag_embed(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    x = input._data
    offset = _index(offset)
    a, b = _diag_dims(x.ndim + 1, dim1, dim2)
    m = (x.shape[-1] if x.ndim else 1) + abs(offset)
    shape = list(x.shape[:-1])
    lo, hi = min(a, b), max(a, b)
    shape.insert(lo, m)
    shape.insert(hi, m)
    return _diag_scatter(input, tuple(shape), offset, a, b, 'DiagEmbedBackward0')


def diag(input, diagonal=0, *, out=None):
    """1-d input: a square matrix with it on the ``diagonal``-th diagonal. 2-d input: that
    diagonal as a 1-d copy.

    >>> ember.diag(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    x = input._data
    k = _as_int(diagonal, 'diag', 'diagonal', 2)
    if x.ndim == 1:
        m = x.shape[0] + abs(k)
        res = _diag_scatter(input, (m, m), k, 0, 1, 'DiagEmbedBackward0')
    elif x.ndim == 2:
        res = record(wrap(_diag_view(x, k, 0, 1).copy()), 'DiagonalBackward0_copy',
                     _diagonal_backward, (input,), ctx=(k, 0, 1))
    else:
        raise RuntimeError(f'diag(): Supports 1D or 2D tensors. Got {x.ndim}D')
    if out is not None:
        from .arith import _write_out
        return _write_out(out, res)
    return res


def diagflat(input, offset=0):
    """A square matrix with the flattened input on the ``offset``-th diagonal.

    >>> ember.diagflat(ember.tensor([[1, 2]]))
    tensor([[1, 0],
            [0, 2]])
    """
    flat = reshape(input, (-1,))
    m = flat._data.shape[0] + abs(_index(offset))
    return _diag_scatter(flat, (m, m), _index(offset), 0, 1, 'DiagEmbedBackward0')


def _triangle(input, k, lower, op, out):
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f'{op}: input tensor must have at least 2 dimensions')
    k = _as_int(k, op, 'diagonal', 2)
    xp = xp_of(x)
    r, c = x.shape[-2:]
    mask = xp.tri(r, c, k, dtype=bool) if lower else ~xp.tri(r, c, k - 1, dtype=bool)
    res = wrap(xp.where(mask, x, xp.zeros((), x.dtype)))
    if out is not None:
        from .arith import _write_out
        return _write_out(out, res)
    return record(res, 'TrilBackward0' if lower else 'TriuBackward0', _triangle_backward,
                  (input,), ctx=(k, lower))


def _triangle_backward(node, grad):
    k, lower = node.ctx
    return tril(grad, k) if lower else triu(grad, k)


def tril(input, diagonal=0, *, out=None):
    """The lower triangle (on and below the ``diagonal``-th diagonal) of the last two dims;
    zeros elsewhere.

    >>> ember.tril(ember.ones(2, 2))
    tensor([[1., 0.],
            [1., 1.]])
    """
    return _triangle(input, diagonal, True, 'tril', out)


def triu(input, diagonal=0, *, out=None):
    """The upper triangle (on and above the ``diagonal``-th diagonal) of the last two dims.

    >>> ember.triu(ember.ones(2, 2))
    tensor([[1., 1.],
            [0., 1.]])
    """
    return _triangle(input, diagonal, False, 'triu', out)


def tril_(self, diagonal=0):
    """In-place ``tril``."""
    from .arith import apply_inplace
    return apply_inplace(self, tril, 'tril_', diagonal)


def triu_(self, diagonal=0):
    """In-place ``triu``."""
    from .arith import apply_inplace
    return apply_inplace(self, triu, 'triu_', diagonal)


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
        counts = _repeat_counts(repeats, n)
        idx = np.repeat(np.arange(n), counts)
        if output_size is not None and output_size != idx.size:
            raise RuntimeError('allocated size does not match required size')
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


def _repeat_counts(repeats, n):
    a = repeats._data
    if a.__class__ is not np.ndarray:
        a = a.get()
    if a.dtype.kind not in 'iu':
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for '
                                  f"'{_type_word(a.dtype)}' (repeats must be an integer tensor)")
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
    a = counts._data
    if a.ndim != 1:
        raise RuntimeError('repeat_interleave only accept 1D vector as repeat')
    host = a if a.__class__ is np.ndarray else a.get()
    if host.dtype.kind not in 'iu':
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for '
                                  f"'{_type_word(host.dtype)}' (repeats must be an integer tensor)")
    if (host < 0).any():
        raise RuntimeError('repeats can not be negative')
    idx = np.repeat(np.arange(host.size, dtype=host.dtype), host)
    if output_size is not None and output_size != idx.size:
        raise RuntimeError('allocated size does not match required size')
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


METHODS = {'view': view, 'reshape': reshape, 'view_as': view_as, 'reshape_as': reshape_as,
           'flatten': flatten, 'ravel': ravel, 'unflatten': unflatten, 'squeeze': squeeze,
           'unsqueeze': unsqueeze, 'transpose': transpose, 'swapaxes': swapaxes,
           'swapdims': swapdims, 't': t, 'permute': permute, 'adjoint': adjoint,
           'movedim': movedim, 'moveaxis': moveaxis, 'expand': expand, 'expand_as': expand_as,
           'broadcast_to': broadcast_to, 'sum_to_size': sum_to_size, 'narrow': narrow,
           'narrow_copy': narrow_copy, 'select': select, 'unbind': unbind, 'unfold': unfold,
           'split': _split_method, 'split_with_sizes': split_with_sizes,
           'unsafe_split': unsafe_split, 'unsafe_split_with_sizes': unsafe_split_with_sizes,
           'chunk': chunk, 'unsafe_chunk': unsafe_chunk, 'tensor_split': tensor_split,
           'hsplit': hsplit, 'vsplit': vsplit, 'dsplit': dsplit, 'flip': flip,
           'fliplr': fliplr, 'flipud': flipud, 'roll': roll, 'rot90': rot90,
           'diagonal': diagonal, 'diag': diag, 'diagflat': diagflat, 'diag_embed': diag_embed,
           'tril': tril, 'triu': triu, 'tril_': tril_, 'triu_': triu_, 'repeat': repeat,
           'tile': tile, 'repeat_interleave': repeat_interleave,
           'squeeze_': squeeze_, 'unsqueeze_': unsqueeze_, 'transpose_': transpose_,
           'swapaxes_': swapaxes_, 'swapdims_': swapdims_, 't_': t_,
           'T': property(_T), 'mT': property(_mT), 'mH': property(_mH), 'H': property(_H)}
