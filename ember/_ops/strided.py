"""Storage-level views and in-place reshapes: ``as_strided`` / ``as_strided_`` (a view of the
tensor's memory with any sizes, strides and storage offset), ``new_empty_strided``,
``resize_`` / ``resize_as_``, ``fill_diagonal_`` and ``is_inference``.

Positions are counted in elements of the storage, the flat memory block the tensor's array
lives in (its outermost NumPy/CuPy base), exactly as ``Tensor.storage_offset()`` counts them.

>>> x = ember.arange(6.)
>>> x.as_strided((2, 2), (1, 2), 1)
tensor([[1., 3.],
        [2., 4.]])
"""
from ._base import wrap, xp_of, bump_version, check_inplace, np
from .shape import view_of
from ._index_common import _embed, _take_region

__all__ = ['as_strided', 'as_strided_', 'is_inference']

_as_tensor = wrap            # fill_diagonal_'s argument `wrap` hides the name


# ---- the storage ---------------------------------------------------------------------------
def _storage(arr):
    """``(flat, offset)``: a 1-D array of ``arr``'s dtype over the whole memory block ``arr``
    lives in, and the position of ``arr``'s first element in it."""
    root = arr
    while isinstance(root.base, type(arr)):
        root = root.base
    xp = xp_of(arr)
    flat = xp.lib.stride_tricks.as_strided(root, (root.nbytes // root.itemsize,),
                                           (root.itemsize,))
    if flat.dtype != arr.dtype:
        flat = flat.view(np.uint8)[:flat.nbytes - flat.nbytes % arr.itemsize].view(arr.dtype)
    ptr = (arr.ctypes.data - root.ctypes.data) if xp is np else (arr.data.ptr - root.data.ptr)
    return flat, ptr // arr.itemsize


def _geometry(size, stride, op='as_strided'):
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError('mismatch in length of strides and shape')
    if any(s < 0 for s in stride):
        raise RuntimeError(f'{op}: Negative strides are not supported at the moment, got '
                           f'strides: {list(stride)}')
    if any(s < 0 for s in size):
        raise RuntimeError(f'Trying to create tensor with negative dimension {min(size)}: '
                           f'{list(size)}')
    return size, stride


def storage_positions(size, stride, offset, storage_numel, itemsize):
    """Storage positions (an int64 array of shape ``size``) of the elements of the view with
    ``size``, ``stride`` and ``offset``; PyTorch's error if it does not fit the storage."""
    size, stride = _geometry(size, stride)
    if offset < 0:
        raise RuntimeError(f'Tensor: invalid storage offset {offset}')
    needed = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if needed > storage_numel:
        raise RuntimeError(f'setStorage: sizes {list(size)}, strides {list(stride)}, storage '
                           f'offset {offset}, and itemsize {itemsize} requiring a storage size '
                           f'of {needed * itemsize} are out of bounds for storage of size '
                           f'{storage_numel * itemsize} (in as_strided: the view must stay '
                           'inside the tensor\'s memory)')
    pos = np.full(size, offset, np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        pos += (np.arange(n, dtype=np.int64) * s).reshape((n,) + (1,) * (len(size) - d - 1))
    return pos


def _strided_view(arr, size, stride, offset):
    """The backend view of ``arr``'s storage; returns ``(view, positions, input positions)``."""
    flat, own = _storage(arr)
    if offset is None:
        offset = own
    pos = storage_positions(size, stride, offset, flat.size, arr.itemsize)
    isz = arr.itemsize
    xp = xp_of(arr)
    start = flat[min(offset, flat.size):]
    view = xp.lib.stride_tricks.as_strided(start, tuple(pos.shape),
                                           tuple(int(s) * isz for s in stride))
    in_pos = storage_positions(arr.shape, [s // isz for s in arr.strides], own, flat.size, isz) \
        if all(s >= 0 for s in arr.strides) else None
    return view, pos, in_pos


# ---- as_strided ----------------------------------------------------------------------------
def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s memory with the given sizes, strides (in elements) and storage
    offset (default: ``input``'s own); writes through it are seen by ``input``.

    >>> ember.arange(4.).as_strided((2, 2), (1, 1))
    tensor([[0., 1.],
            [1., 2.]])
    """
    view, pos, in_pos = _strided_view(input._data, size, stride, storage_offset)
    return view_of(input, view, 'AsStridedBackward0', _as_strided_backward, ctx=(pos, in_pos))


def _as_strided_backward(node, grad):
    """Sum the gradient into the storage, then read it back where the input lies (averaged
    where the input itself overlaps, as PyTorch's as_strided_backward)."""
    pos, in_pos = node.ctx
    if in_pos is None:
        raise RuntimeError('as_strided: the backward needs an input with non-negative strides')
    low = min(int(pos.min()) if pos.size else 0, int(in_pos.min()) if in_pos.size else 0)
    high = max(int(pos.max()) if pos.size else 0, int(in_pos.max()) if in_pos.size else 0)
    xp = xp_of(grad._data)
    out_key = (xp.asarray(pos.reshape(-1) - low),)
    in_key = (xp.asarray(in_pos - low),)
    buf = _embed(grad.reshape(-1), (high - low + 1,), None, out_key, True)
    counts = np.bincount((in_pos - low).reshape(-1), minlength=high - low + 1)
    overlap = bool(counts.max() > 1) if counts.size else False
    if overlap:
        buf = buf / wrap(xp.asarray(np.maximum(counts, 1).astype(grad._data.dtype)))
    return _take_region(buf, None, in_key, 'IndexBackward0', overlap)


def as_strided_(self, size, stride, storage_offset=None):
    """In-place :func:`as_strided`: ``self`` becomes the strided view of its own memory.

    >>> ember.arange(4.).as_strided_((2,), (2,))
    tensor([0., 2.])
    """
    check_inplace(self, 'as_strided_')
    res = as_strided(self, size, stride, storage_offset)
    self._data = res._data
    if res.grad_fn is not None:
        res.grad_fn._name = 'AsStridedBackward1'
        self.grad_fn, self._out_nr = res.grad_fn, 0
    bump_version(self)
    return self


# ---- new storage for a tensor --------------------------------------------------------------
def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None,
                      requires_grad=False, pin_memory=False):
    """An uninitialised tensor with the given sizes and strides (``self``'s dtype and device
    unless given).

    >>> ember.zeros(1).new_empty_strided((2, 3), (1, 2)).stride()
    (1, 2)
    """
    from .. import _dtype as D
    size, stride = _geometry(size, stride, 'new_empty_strided')
    dt = D.to_dtype(dtype).np if dtype is not None else self._data.dtype
    like = self._data if device is None else self.new_empty(0, device=device)._data
    numel = 0 if 0 in size else 1 + sum((n - 1) * s for n, s in zip(size, stride))
    flat = xp_of(like).empty(max(numel, 1), dt)
    out = wrap(xp_of(like).lib.stride_tricks.as_strided(
        flat, size, tuple(s * flat.itemsize for s in stride)))
    return out.requires_grad_(True) if requires_grad else out


def resize_(self, *sizes, memory_format=None):
    """Give ``self`` the shape ``sizes`` in place, C-contiguous: its memory keeps the flat
    prefix of the values (new elements beyond the old storage are zeros here, uninitialised
    in PyTorch).

    >>> ember.arange(6.).resize_(2, 2)
    tensor([[0., 1.],
            [2., 3.]])
    """
    if len(sizes) == 1 and not isinstance(sizes[0], int):
        sizes = tuple(sizes[0])
    size, _ = _geometry(sizes, sizes, 'resize_')
    if self._rg:
        raise RuntimeError('cannot resize variables that require grad (resize a .detach()ed '
                           'tensor, or build a new one)')
    arr = self._data
    numel = int(np.prod(size, dtype=np.int64))
    flat, offset = _storage(arr)
    if offset + numel <= flat.size:
        new = flat[offset:offset + numel].reshape(size)     # same memory, as PyTorch
    else:                                                   # a new storage, old one copied in
        new = xp_of(arr).zeros(size, arr.dtype)
        new.reshape(-1)[:flat.size - offset] = flat[offset:]
    self._data = new
    bump_version(self)
    return self


def resize_as_(self, the_template, memory_format=None):
    """:meth:`resize_` to ``the_template``'s shape.

    >>> ember.zeros(4).resize_as_(ember.zeros(2, 2)).shape
    torch.Size([2, 2])
    """
    return resize_(self, tuple(the_template.shape))


def fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal (all indices equal) with ``fill_value`` in place; a tall matrix
    with ``wrap=True`` restarts the diagonal every ``ncols + 1`` rows.

    >>> ember.zeros(2, 3).fill_diagonal_(5.)
    tensor([[5., 0., 0.],
            [0., 5., 0.]])
    """
    shape = tuple(self._data.shape)
    if len(shape) < 2:
        raise RuntimeError('dimensions must larger than 1')
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError('all dimensions of input must be of equal length')
    numel = int(np.prod(shape))
    step = sum(int(np.prod(shape[d + 1:])) for d in range(len(shape)))
    if len(shape) == 2 and (wrap or shape[0] <= shape[1]):
        stop = numel if wrap else shape[0] * shape[1]
    else:
        stop = min(shape) * step
    mask = np.zeros(numel, bool)
    mask[0:stop:step] = True
    mask = xp_of(self._data).asarray(mask.reshape(shape))
    return self.masked_fill_(_as_tensor(mask), fill_value)


def is_inference(input):
    """Whether ``input`` is an inference tensor: always False, since ember has no separate
    inference tensors (``inference_mode`` works like ``no_grad``).

    >>> ember.is_inference(ember.ones(1))
    False
    """
    return False


METHODS = {'as_strided': as_strided, 'as_strided_': as_strided_,
           'new_empty_strided': new_empty_strided, 'resize_': resize_, 'resize_as_': resize_as_,
           'fill_diagonal_': fill_diagonal_, 'is_inference': is_inference}
