"""``make_tensor``: a random tensor for tests, drawing the same numbers as ``torch.testing``.

>>> _ = ember.manual_seed(0); make_tensor(2, 2, dtype=ember.float32, device='cpu')
tensor([[-0.0674,  4.8280],
        [-7.4074, -6.6235]])
"""
import collections.abc
import math
import warnings

from .. import _dtype
from .._ops.creation import empty
from .._ops.random_ops import randint

__all__ = ['make_tensor']

_INTEGRAL = ('uint8', 'int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'uint64')
_FLOATING = ('float16', 'bfloat16', 'float32', 'float64')
_COMPLEX = ('complex32', 'complex64', 'complex128')


def _name(dtype):
    return str(dtype).rsplit('.', 1)[-1]


def _bounds(low, high, dtype, lowest, highest, default_low, default_high):
    """``low``/``high`` checked and clamped to what ``dtype`` holds (PyTorch's rules)."""
    name = _name(dtype)
    low = default_low if low is None else low
    high = default_high if high is None else high
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        raise ValueError(f'`low` and `high` cannot be NaN, but got low={low} and high={high}')
    if low == high and name in _FLOATING + _COMPLEX:
        warnings.warn('Passing `low==high` to `torch.testing.make_tensor` for floating or '
                      'complex types is deprecated since 2.1 and will be removed in 2.3. Use '
                      '`torch.full(...)` instead.', FutureWarning, stacklevel=3)
    elif low >= high:
        raise ValueError(f'`low` must be less than `high`, but got {low} >= {high}')
    elif high < lowest or low >= highest:
        raise ValueError(f'The value interval specified by `low` and `high` is [{low}, '
                         f'{high}), but {dtype} only supports [{lowest}, {highest})')
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    if name == 'bool' or name in _INTEGRAL:
        return math.ceil(low), math.ceil(high)
    return low, high


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A tensor of ``shape`` filled with uniform random values in ``[low, high)``
    (default ``[-9, 9)``; integers ``[-9, 10)``; bool ``{False, True}``), the same numbers
    as ``torch.testing.make_tensor`` after the same ``manual_seed``.

    ``noncontiguous=True`` returns a strided view, ``exclude_zero=True`` replaces zeros
    (by 1, or the smallest normal float), ``memory_format`` clones into that layout.

    >>> _ = ember.manual_seed(0); make_tensor(4, dtype=ember.bool, device='cpu')
    tensor([False,  True,  True, False])
    """
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError('The parameters `noncontiguous` and `memory_format` are mutually '
                         f'exclusive, but got noncontiguous={noncontiguous} and '
                         f'memory_format={memory_format}')
    name = _name(dtype)
    integral = name == 'bool' or name in _INTEGRAL
    if requires_grad and integral:
        raise ValueError('`requires_grad=True` is not supported for boolean and integral '
                         f'dtypes, but got dtype={dtype}')
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:
        shape = (*shape[:-1], 2 * shape[-1])
    if name == 'bool':
        low, high = _bounds(low, high, dtype, 0, 2, 0, 2)
        result = randint(low, high, shape, device=device, dtype=dtype)
    elif integral:
        info = _dtype.iinfo(dtype)
        low, high = _bounds(low, high, dtype, info.min,
                            info.max + (1 if name != 'int64' else 0), -9, 10)
        result = randint(low, high, shape, device=device, dtype=dtype)
    elif name in _FLOATING:
        info = _dtype.finfo(dtype)
        low, high = _bounds(low, high, dtype, info.min, info.max, -9, 9)
        result = empty(shape, device=device, dtype=dtype)
        if high - low >= info.max:      # the span overflows: draw half of it and double
            result.uniform_(low / 2, high / 2).mul_(2)
        else:
            result.uniform_(low, high)
    else:
        raise TypeError(f"The requested dtype '{dtype}' is not supported by "
                        'torch.testing.make_tensor(). To request support, file an issue at: '
                        'https://github.com/pytorch/pytorch/issues')
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = 1 if integral else _dtype.finfo(dtype).tiny
    if name in _FLOATING:
        result.requires_grad = requires_grad
    return result
