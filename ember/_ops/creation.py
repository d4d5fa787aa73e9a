"""Tensor creation: tensor, as_tensor, from_numpy, zeros, ones, full, arange, linspace, ...

>>> ember.tensor([[1, 2], [3, 4]]).dtype
torch.int64
>>> ember.zeros(2, 3).shape
torch.Size([2, 3])
"""
import itertools
import math
import numbers
import warnings

from ._base import Tensor, wrap, np
from .. import _dtype as D
from .._device import to_device, move

__all__ = ['tensor', 'as_tensor', 'asarray', 'from_numpy', 'zeros', 'ones', 'full', 'empty',
           'eye', 'arange', 'range', 'linspace', 'logspace', 'zeros_like', 'ones_like',
           'full_like', 'empty_like', 'scalar_tensor', 'empty_strided', 'frombuffer']

_builtin_range = range


def _finish(arr, device=None, requires_grad=False):
    """Apply the common creation keywords (device, requires_grad) to a new host array."""
    if device is not None:
        device = to_device(device)
        if device.type != 'cpu':
            arr = move(arr, device)
    t = wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _array_from_data(data, dtype=None):
    """A fresh NumPy array from nested lists / numbers / arrays with PyTorch's dtype inference."""
    if isinstance(data, Tensor):
        arr = np.array(data.__array__())
    elif isinstance(data, np.ndarray):
        arr = np.array(data)
        D.from_numpy_dtype(arr.dtype)      # rejects unsupported dtypes with torch's message
    else:
        try:
            arr = np.array(data)
        except ValueError:
            _raise_bad_data(data)
        if arr.dtype == object:
            _raise_bad_data(data)
        kind = arr.dtype.kind
        if arr.dtype == np.uint64:
            raise ValueError('Overflow when unpacking long long (an integer does not fit in '
                             'int64)')
        if arr.dtype == np.float64 and dtype is None:
            # Python floats give the default dtype, NumPy float64 scalars float64, and NumPy
            # float32/float16 scalars mixed with Python numbers their own type: NumPy's
            # float64 alone cannot tell these apart. (Integer and smaller float results are
            # PyTorch's already: only NumPy scalars produce them, promoted as PyTorch does.)
            if data.__class__ is float:
                want = D._default[0]
            elif arr.size <= _EXACT_LIMIT or _holds_numpy(data):
                want = D._default[0] if _python_numbers_only(data) else _inferred_dtype(data)
            else:
                want = D._default[0]
            if want is not None and want.np != arr.dtype:
                arr = arr.astype(want.np)
        elif kind in 'US':
            raise TypeError("new(): invalid data type 'str'")
        elif kind == 'c':
            raise TypeError('ember does not support complex numbers')
    if dtype is not None:
        dtype = D.to_dtype(dtype)
        if arr.dtype != dtype.np:
            arr = arr.astype(dtype.np)
    return arr


def _holds_numpy(data):
    """Whether nested lists hold NumPy scalars, arrays or Tensors (judged by the first element),
    whose dtype is kept instead of Python's float -> default dtype, int -> int64."""
    x = data
    while isinstance(x, (list, tuple)) and x:
        x = x[0]
    return isinstance(x, (np.generic, np.ndarray, Tensor))


_EXACT_LIMIT = 1 << 16    # float data up to this size has its leaf types checked exactly
_PY_NUMBERS = frozenset((bool, int, float))
_SEQUENCES = frozenset((list, tuple))
_chain = itertools.chain.from_iterable


def _python_numbers_only(data):
    """Whether the leaves of nested lists/tuples are all Python bools, ints and floats (the
    common case, where NumPy's inference plus the int64/default-float rules are PyTorch's).
    Types are collected level by level with ``map(type, ...)`` at C speed."""
    level = data if isinstance(data, (list, tuple)) else (data,)
    while level:
        types = set(map(type, level))
        if types <= _PY_NUMBERS:
            return True
        if not types <= _SEQUENCES:
            return False
        level = list(_chain(level))
    return True


def _inferred_dtype(data):
    """PyTorch's dtype for nested data: every leaf's type (bool, int -> int64, float -> the
    default dtype, a NumPy scalar/array or Tensor -> its dtype) combined by type promotion;
    None when a leaf is of another kind (the caller then reports it)."""
    result, stack = None, [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
            continue
        if isinstance(x, (np.ndarray, np.generic)):       # before float: np.float64 is one
            try:
                d = D.from_numpy_dtype(x.dtype)
            except TypeError:
                return None
        elif isinstance(x, bool):
            d = D.bool
        elif isinstance(x, int):
            d = D.int64
        elif isinstance(x, float):
            d = D._default[0]
        elif isinstance(x, Tensor):
            d = x.dtype
        else:
            return None
        result = d if result is None else D.promote_types(result, d)
    return result


def _raise_bad_data(data):
    def walk(x, depth):
        if isinstance(x, (list, tuple)):
            lens = {len(e) if isinstance(e, (list, tuple)) else -1 for e in x}
            if len(lens) > 1 and -1 not in lens:
                first = len(x[0])
                for e in x:
                    if len(e) != first:
                        raise ValueError(f'expected sequence of length {first} at dim {depth + 1} '
                                         f'(got {len(e)})')
            for e in x:
                walk(e, depth + 1)
        elif isinstance(x, int) and not -2**63 <= x < 2**64:
            raise RuntimeError('Overflow when unpacking long')
        elif not isinstance(x, (numbers.Number, np.generic, Tensor)):
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    walk(data, 0)
    raise ValueError('could not build a tensor from the given data')


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (lists, numbers, NumPy arrays).

    Python floats give the default dtype (float32), ints give int64, bools give bool; a
    NumPy array keeps its dtype.

    >>> ember.tensor([[1.], [2.]])
    tensor([[1.],
            [2.]])
    """
    if isinstance(data, Tensor):
        warnings.warn('To copy construct from a tensor, it is recommended to use '
                      'sourceTensor.detach().clone() or sourceTensor.detach().clone()'
                      '.requires_grad_(True), rather than torch.tensor(sourceTensor).',
                      UserWarning, stacklevel=2)
    return _finish(_array_from_data(data, dtype), device=device, requires_grad=requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a NumPy array or Tensor when it can.

    >>> a = np.ones(2); ember.as_tensor(a).numpy() is a
    True
    """
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype or device) else data
    if isinstance(data, np.ndarray):
        D.from_numpy_dtype(data.dtype)
        arr = data if dtype is None else data.astype(D.to_dtype(dtype).np, copy=False)
        return _finish(arr, device=device)
    return _finish(_array_from_data(data, dtype), device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``torch.asarray``: shares memory when possible unless ``copy=True``.

    >>> ember.asarray([1, 2]).dtype
    torch.int64
    """
    if copy:
        t = tensor(obj.detach() if isinstance(obj, Tensor) else obj, dtype=dtype, device=device)
    else:
        t = as_tensor(obj, dtype=dtype, device=device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray`` (writes show on both sides).

    >>> a = np.zeros(2, dtype=np.float32); t = ember.from_numpy(a); a[0] = 5; t
    tensor([5., 0.])

    >>> ember.frombuffer(bytearray(8), dtype=ember.int32)
    tensor([0, 0], dtype=torch.int32)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f'expected np.ndarray (got {type(ndarray).__name__})')
    D.from_numpy_dtype(ndarray.dtype)
    return wrap(ndarray)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-d tensor viewing a Python buffer.

    >>> ember.frombuffer(bytearray([1, 2, 3]), dtype=ember.uint8)
    tensor([1, 2, 3], dtype=torch.uint8)
    """
    arr = np.frombuffer(buffer, dtype=D.to_dtype(dtype).np, count=count, offset=offset)
    return _finish(arr, requires_grad=requires_grad)


def size_args(size):
    """Normalise ``*size`` (ints, or one tuple/list/Size) to a tuple of ints."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        shape = tuple(int(s) if not isinstance(s, Tensor) else int(s.item()) for s in size)
    except TypeError:
        raise TypeError(f'size must be a tuple of ints, got {size!r}') from None
    for s in shape:
        if s < 0:
            raise RuntimeError(f'Trying to create tensor with negative dimension {s}: {list(shape)}')
    return shape


def _float_dtype(dtype):
    return D._default[0] if dtype is None else D.to_dtype(dtype)


def _result(arr, out, device, requires_grad):
    """The new tensor of a factory, or ``out`` holding ``arr`` (resized if needed) when given."""
    if out is None:
        return _finish(arr, device=device, requires_grad=requires_grad)
    if out._data.shape != arr.shape:
        out._data = arr.astype(out._data.dtype, copy=False)
    if out._data is not arr:
        out._data[...] = arr
    return out


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    """A tensor of zeros (default dtype float32).

    >>> ember.zeros(2)
    tensor([0., 0.])
    """
    return _result(np.zeros(size_args(size), _float_dtype(dtype).np), out, device, requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, memory_format=None):
    """A tensor of ones.

    >>> ember.ones(2, dtype=ember.int64)
    tensor([1, 1])
    """
    return _result(np.ones(size_args(size), _float_dtype(dtype).np), out, device, requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    """An uninitialised tensor (its values are arbitrary).

    >>> ember.empty(2, 3).shape
    torch.Size([2, 3])

    >>> ember.empty_strided((2, 3), (3, 1)).shape
    torch.Size([2, 3])
    """
    return _result(np.empty(size_args(size), _float_dtype(dtype).np), out, device, requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False, **kwargs):
    """An uninitialised tensor (strides are not honoured beyond C order).

    >>> ember.empty_strided((2, 3), (3, 1)).shape
    torch.Size([2, 3])
    """
    return empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def _scalar_fill_dtype(value):
    if isinstance(value, Tensor):
        value = value.item()
    return D.scalar_dtype(value)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """A tensor filled with ``fill_value``; its dtype follows the value (bool, int64, float).

    >>> ember.full((2,), 7)
    tensor([7, 7])

    >>> ember.scalar_tensor(3)
    tensor(3.)
    """
    dt = D.to_dtype(dtype) if dtype is not None else _scalar_fill_dtype(fill_value)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    arr = np.full(size_args((size,)), fill_value, dt.np)
    return _result(arr, out, device, requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False, **kwargs):
    """A 0-d tensor holding ``s`` (default float dtype).

    >>> ember.scalar_tensor(3)
    tensor(3.)
    """
    return _finish(np.array(s, _float_dtype(dtype).np), device=device, requires_grad=requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
        pin_memory=False):
    """The n x m identity matrix.

    >>> ember.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    arr = np.eye(n, n if m is None else m, dtype=_float_dtype(dtype).np)
    return _result(arr, out, device, requires_grad)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Values from ``start`` up to (not including) ``end`` by ``step``.

    Integer arguments give int64, any float gives the default float dtype.

    >>> ember.arange(5)
    tensor([0, 1, 2, 3, 4])

    >>> ember.range(1, 3)
    tensor([1., 2., 3.])
    """
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError('step must be nonzero')
    if (end - start) * step < 0 and end != start:
        raise RuntimeError('upper bound and larger bound inconsistent with step sign')
    if dtype is None:
        dt = D.int64 if all(isinstance(v, (int, np.integer)) for v in (start, end, step)) \
            else D._default[0]
    else:
        dt = D.to_dtype(dtype)
    n = max(int(math.ceil((end - start) / step)), 0)
    if dt.is_floating_point:
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    else:
        arr = (np.arange(n, dtype=np.int64) * int(step) + int(start)).astype(dt.np) \
            if all(isinstance(v, (int, np.integer)) for v in (start, step)) \
            else np.floor(start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    return _result(arr, out, device, requires_grad)


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False, **kwargs):
    """Deprecated ``torch.range``: like arange but includes ``end``, default float dtype.

    >>> ember.range(1, 2, 0.5)
    tensor([1.0000, 1.5000, 2.0000])
    """
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    dt = _float_dtype(dtype)
    arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    return _finish(arr, device=device, requires_grad=requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    >>> ember.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    start, end = _num(start), _num(end)
    if steps < 0:
        raise RuntimeError('number of steps must be non-negative')
    dt = _float_dtype(dtype)
    work = dt.np.type if dt.is_floating_point else np.float64
    if dt.is_floating_point and dt.itemsize < 4:
        work = np.float32
    arr = _linspace(start, end, steps, work).astype(dt.np, copy=False)
    return _result(arr, out, device, requires_grad)


def _linspace(start, end, steps, work):
    """PyTorch's two-sided formula: the first half counts up from start, the rest down from
    end; ``start + step * i`` is fused (one rounding) as PyTorch's compiled kernel does, which
    we get for float32 by computing in float64."""
    if steps == 1:
        return np.array([start], dtype=work)
    s, e = work(start), work(end)
    step = (e - s) / work(steps - 1)
    wide = np.float64
    i = np.arange(steps, dtype=wide)
    half = steps // 2
    lo = wide(s) + wide(step) * i[:half]
    hi = wide(e) - wide(step) * (steps - 1 - i[half:])
    return np.concatenate([lo, hi]).astype(work)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """``base ** linspace(start, end, steps)``.

    >>> ember.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    dt = _float_dtype(dtype)
    exps = _linspace(_num(start), _num(end), steps, np.float64)
    arr = np.power(float(base), exps).astype(dt.np)
    return _result(arr, out, device, requires_grad)


def _like(fill, input, dtype, device, requires_grad, *value):
    """``fill(shape, dtype, *value)`` with ``input``'s shape, and its dtype and device unless
    given."""
    dt = input.dtype if dtype is None else D.to_dtype(dtype)
    dev = input.device if device is None else to_device(device)
    arr = fill(input._data.shape, *value, dt.np)
    return _finish(arr, device=dev if dev.type != 'cpu' else None, requires_grad=requires_grad)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """Zeros with ``input``'s shape, dtype and device.

    >>> ember.zeros_like(ember.ones(2, dtype=ember.int32))
    tensor([0, 0], dtype=torch.int32)

    >>> ember.ones_like(ember.zeros(2, dtype=ember.int64))
    tensor([1, 1])
    """
    return _like(np.zeros, input, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """Ones with ``input``'s shape, dtype and device.

    >>> ember.empty_like(ember.zeros(2, 3)).shape
    torch.Size([2, 3])
    """
    return _like(np.ones, input, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """An uninitialised tensor with ``input``'s shape, dtype and device.

    >>> e = ember.empty_like(ember.zeros(2, 3, dtype=ember.int64))
    >>> e.shape, e.dtype
    (torch.Size([2, 3]), torch.int64)
    """
    return _like(np.empty, input, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """``fill_value`` everywhere, with ``input``'s shape, dtype and device.

    >>> ember.full_like(ember.zeros(2), 3)
    tensor([3., 3.])
    """
    return _like(np.full, input, dtype, device, requires_grad, _num(fill_value))


# ---- Tensor.new_*: dtype and device default to ``self``'s --------------------------------
def _new(self, make, dtype, device, requires_grad):
    arr = make(self.dtype if dtype is None else D.to_dtype(dtype))
    return _finish(arr, device=device or (self.device if self.is_cuda else None),
                   requires_grad=requires_grad)


def _new_factory(fill, what):
    def new(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
        return _new(self, lambda dt: fill(size_args(size), dt.np), dtype, device, requires_grad)
    new.__doc__ = (f'A new tensor of {what} with ``self``\'s dtype and device.\n\n'
                   f'    >>> ember.ones(2, dtype=ember.int32).new_{fill.__name__}(3).dtype\n'
                   '    torch.int32\n    ')
    return new


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, **kw):
    """A new tensor filled with ``fill_value``, with ``self``'s dtype and device.

    >>> ember.zeros(1, dtype=ember.int64).new_full((2,), 7)
    tensor([7, 7])
    """
    return _new(self, lambda dt: np.full(size_args((size,)), fill_value, dt.np), dtype, device,
                requires_grad)


def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **kw):
    """A new tensor holding ``data``, with ``self``'s dtype and device.

    >>> ember.zeros(1, dtype=ember.float64).new_tensor([1, 2]).dtype
    torch.float64
    """
    if isinstance(data, Tensor):
        data = data.detach().__array__()
    return _new(self, lambda dt: _array_from_data(data, dt), dtype, device, requires_grad)


METHODS = {'new_zeros': _new_factory(np.zeros, 'zeros'),
           'new_ones': _new_factory(np.ones, 'ones'),
           'new_empty': _new_factory(np.empty, 'uninitialised values'), 'new_full': _new_full, 'new_tensor': _new_tensor}
