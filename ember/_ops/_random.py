"""Helpers shared by the random-sampling operators (random_ops, random_inplace,
random_distributions): argument parsing with PyTorch's messages, the generator argument,
the memory order PyTorch fills tensors in, ``out=`` handling and the zero gradient."""
import operator
import warnings

from ._base import Tensor, wrap, STATE, xp_of, np
from .creation import _finish
from .. import _dtype as D
from .. import random as _random

_TORCH_NAMES = {'bool': 'Bool', 'uint8': 'Byte', 'int8': 'Char', 'int16': 'Short',
                'int32': 'Int', 'int64': 'Long', 'float16': 'Half', 'bfloat16': 'BFloat16',
                'float32': 'Float', 'float64': 'Double'}
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


# ---------------------------------------------------------------- argument helpers
def _tname(np_dtype):
    """PyTorch's scalar-type name ('Long', 'Float', ...) for messages."""
    return _TORCH_NAMES[D._BY_NP[np_dtype].name]


def _not_implemented(kernel, np_dtype):
    """PyTorch's error for a dtype its kernel ``kernel`` is not built for."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{_tname(np_dtype)}\'')


def _gen(generator):
    """The generator to draw from: the ``generator=`` argument or the default one."""
    if generator is None:
        return _random.default_generator
    if not isinstance(generator, _random.Generator):
        raise TypeError(f"expected a torch.Generator for argument 'generator', got "
                        f"{type(generator).__name__} (create one with torch.Generator()"
                        '.manual_seed(s))')
    return generator


def _shape(name, size, kwargs):
    """The shape from ``*size`` (ints, or one tuple/list/Size) or a ``size=`` keyword."""
    if kwargs:
        if 'size' not in kwargs or len(kwargs) > 1:
            bad = next(k for k in kwargs if k != 'size')
            raise TypeError(f"{name}() got an unexpected keyword argument '{bad}'")
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (kwargs['size'],)
    if not size:
        raise TypeError(f"{name}() missing the size argument: pass the shape, e.g. "
                        f'{name}(2, 3) or {name}((2, 3))')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return _int_shape(name, size)


def _int_shape(name, size):
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{name}(): argument 'size' must be a tuple of ints, not "
                        f'{type(size).__name__} (e.g. size=(3,))')
    shape = []
    for s in size:
        if s.__class__ is not int:
            try:
                s = operator.index(s)
            except TypeError:
                raise TypeError(f"{name}(): argument 'size' must be a tuple of ints, but found "
                                f'an element of type {type(s).__name__} (sizes are whole '
                                'numbers: use int(...))') from None
        if s < 0:
            raise RuntimeError(f'Trying to create tensor with negative dimension {s}: '
                               f'{[int(v) for v in size]}')
        shape.append(s)
    return tuple(shape)


def _int_arg(name, argname, pos, v):
    """An int64 argument (PyTorch rejects floats and values beyond int64)."""
    if v.__class__ is not int:
        try:
            v = operator.index(v)
        except TypeError:
            raise TypeError(f"{name}(): argument '{argname}' (position {pos}) must be int, not "
                            f'{type(v).__name__}') from None
    if not _INT64_MIN <= v <= _INT64_MAX:
        raise ValueError('Overflow when unpacking long long')
    return v


def _float_dtype(dtype, kernel):
    dt = D._default[0] if dtype is None else D.to_dtype(dtype)
    if not dt.is_floating_point:
        raise _not_implemented(kernel, dt.np)
    return dt


def _host(arr):
    """A NumPy array for ``arr`` (CuPy arrays are copied to the host)."""
    return arr if arr.__class__ is np.ndarray else arr.get()


def _like_device(arr, like):
    """``arr`` (a host array) on the device of the backend array ``like``."""
    if like.__class__ is np.ndarray:
        return arr
    return xp_of(like).asarray(arr)


# ---------------------------------------------------------------- memory order
def _perm(arr):
    """Dimensions from fastest to slowest as TensorIterator orders them (strides ascending;
    equal strides put the smaller size first; zero strides are left where they are)."""
    ndim = arr.ndim
    strides = [abs(s) for s in arr.strides]
    shape = arr.shape
    perm = list(range(ndim - 1, -1, -1))
    for i in range(1, ndim):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            a, b = perm[d0], perm[d1]
            sa, sb = strides[a], strides[b]
            if sa == 0 or sb == 0:
                continue
            if sa > sb or (sa == sb and shape[a] > shape[b]):
                perm[d0], perm[d1] = b, a
                d1 = d0
            elif sa < sb:
                break
    return perm


def _fill_order(arr, name):
    """The axis order whose C order is the order PyTorch writes ``arr`` in (None: plain C
    order). Raises PyTorch's error for outputs that overlap themselves or are read-only."""
    flags = arr.flags
    contiguous = flags.c_contiguous
    if not contiguous:
        for sh, st in zip(arr.shape, arr.strides):
            if st == 0 and sh > 1:
                raise RuntimeError(f'unsupported operation: more than one element of the '
                                   f'written-to tensor refers to a single memory location. '
                                   f'Please clone() the tensor before performing the operation. '
                                   f'(in {name}: the tensor comes from expand() or broadcasting)')
    if not getattr(flags, 'writeable', True):
        raise RuntimeError(f'{name}: the tensor is a read-only view (a read-only NumPy array); '
                           'call .clone() first')
    if contiguous or arr.ndim < 2:
        return None
    order = _perm(arr)[::-1]
    return None if order == list(range(arr.ndim)) else order


def _store(arr, order, vals):
    """Write ``vals`` (in fill order) into ``arr``."""
    if arr.__class__ is not np.ndarray:
        vals = xp_of(arr).asarray(vals)
    view = arr if order is None else arr.transpose(order)
    view[...] = vals.reshape(view.shape)


def _empty_like(arr, np_dtype, memory_format):
    """A host array shaped like ``arr`` with its layout (dimension order) kept, as
    ``torch.empty_like(..., memory_format=torch.preserve_format)``; and its fill order."""
    if arr.ndim < 2 or arr.flags.c_contiguous or not (
            memory_format is None or 'preserve' in str(memory_format)):
        return np.empty(arr.shape, np_dtype), None
    order = _perm(arr)[::-1]
    buf = np.empty([arr.shape[d] for d in order], np_dtype)
    return buf.transpose(np.argsort(order)), order


# ---------------------------------------------------------------- out=, new tensors, autograd
def _check_out(out, name, dtype=None):
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if dtype is not None:
        want = D.to_dtype(dtype).np
        if want != out._data.dtype:
            raise RuntimeError(f'dtype {_tname(want)} does not match dtype of out parameter '
                               f'({_tname(out._data.dtype)})')
    if out._rg and STATE.enabled:
        raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support "
                           'automatic differentiation, but one of the arguments requires grad.')


def _resize_out(out, shape, stacklevel=4):
    """PyTorch's resize_output: a differently shaped ``out`` is reallocated (with a warning
    unless it was empty)."""
    arr = out._data
    if arr.shape == tuple(shape):
        return
    if arr.size:
        warnings.warn(f'An output with one or more elements was resized since it had shape '
                      f'{list(arr.shape)}, which does not match the required output shape '
                      f'{list(shape)}. This behavior is deprecated, and in a future PyTorch '
                      'release outputs will not be resized unless they have zero elements. You '
                      'can explicitly reuse an out tensor t by resizing it, inplace, to zero '
                      'elements with t.resize_(0).', UserWarning, stacklevel=stacklevel)
    out._data = xp_of(arr).empty(shape, arr.dtype)


def _float_samples(name, shape, kernel, fill_, kernel_name, params, generator, out, dtype,
                   device, requires_grad):
    """The body of rand, randn and normal(mean, std, size): ``kernel(gen, shape, dtype,
    *params)`` as a new tensor of a float ``dtype`` (PyTorch names ``kernel_name`` when it is
    not one), or the in-place ``fill_(out, *params)`` into ``out=``."""
    if out is not None:
        _check_out(out, name, dtype)
        _resize_out(out, shape, stacklevel=5)
        return fill_(out, *params, generator=generator)
    dt = _float_dtype(dtype, kernel_name)
    arr = kernel(_gen(generator), shape, dt.np, *params)
    return _finish(arr, device=device, requires_grad=requires_grad)


def _zeros_backward(node, grad):
    """Random samples do not depend on their parameters: PyTorch's gradient is zero."""
    xp = xp_of(grad._data)
    return tuple(None if m is None else wrap(xp.zeros(m[0], m[1])) for m in node.meta)
