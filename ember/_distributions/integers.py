"""Integers (spec section 5): randint, random_ in its three forms, randperm."""

import warnings

import numpy as np

from ._common import _F32, _F64, _numel, _float_digits, _float_max, _ctype
from .._dtype import FLOATING


def _check_int_dtype_range(low, high, dtype):
    """PyTorch's check_from_to_in_range: ``low`` and ``high`` (inclusive) must fit the dtype.
    For float dtypes, values beyond 2**digits only warn (they cannot all be represented)."""
    name = _ctype(dtype)
    if dtype in FLOATING:
        top = _float_max(dtype)
        lo, hi = -top, top
    elif dtype.kind in 'iu':
        info = np.iinfo(dtype)
        lo, hi = int(info.min), int(info.max)
    elif dtype.kind == 'b':
        lo, hi = 0, 1
    else:
        raise TypeError(f'random_ is not implemented for dtype {dtype}')
    if low < lo or low > hi:
        raise RuntimeError(f'from is out of bounds for {name}')
    if high < lo or high > hi:
        raise RuntimeError(f'to - 1 is out of bounds for {name}')
    if dtype in FLOATING:
        d = _float_digits(dtype)
        for what, v in (('from', low), ('to - 1', high)):
            if not -(1 << d) <= v <= 1 << d:
                warnings.warn(f'{what} is out of bounds [-(2^{d}), 2^{d}]. Due to precision '
                              f'limitations {name} can support discrete uniform distribution '
                              'only within this range. This warning will become an error in '
                              'version 1.7 release, please fix the code in advance',
                              UserWarning, stacklevel=4)


def _from_to(gen, n, dtype, low, range_):
    """``(w mod range) + low`` as int64 (two's complement), then cast."""
    if range_ >= 1 << 28:          # 64-bit words from 2**28 on, not 2**32
        w = gen._next_u64(n)
    else:
        w = gen._next_u32(n).astype(np.uint64)
    v = (w % np.uint64(range_) + np.uint64(low & 0xFFFFFFFFFFFFFFFF)).view(np.int64)
    return v.astype(dtype)


def randint(gen, shape, dtype, low, high):
    """``torch.randint(low, high, shape, dtype=dtype)``: integers in [low, high).

    Example::

        >>> from ember.random import Generator
        >>> randint(Generator().manual_seed(0), (5,), np.int64, 0, 10)
        array([4, 9, 3, 0, 3])
    """
    dtype = np.dtype(dtype)
    low, high = int(low), int(high)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    if dtype in FLOATING:
        low, high = _update_from(low, dtype), _update_to(high, dtype)
        if low >= high:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than 'to' "
                               f"casted to dtype, but got from={low} >= to={high}")
    _check_int_dtype_range(low, high - 1, dtype)
    return _from_to(gen, _numel(shape), dtype, low, high - low).reshape(shape)


def _to_float_and_back(v, dtype):
    """static_cast<int64_t>(static_cast<scalar_t>(v)) (round to nearest, then exact)."""
    f = np.array(v, dtype=np.int64).astype(_F32 if dtype.itemsize == 2 else dtype)
    if dtype.itemsize == 2:
        f = f.astype(dtype).astype(_F32)
    return int(f)


def _update_from(frm, dtype):
    """PyTorch's update_from: move ``from`` up to a value the float dtype represents."""
    fp1 = _to_float_and_back(frm + 1, dtype)
    if fp1 < frm:
        n = abs(frm + 1).bit_length() - 1
        frm = fp1 + (1 << (n - _float_digits(dtype) + 1))
    return frm


def _update_to(to, dtype):
    """PyTorch's update_to: move ``to`` down to a value the float dtype represents."""
    tm1 = _to_float_and_back(to - 1, dtype)
    if tm1 >= to:
        n = abs(to - 1).bit_length() - 1
        to = tm1 - (1 << (n - _float_digits(dtype) + 1))
    return to


# dtype -> (uses random64, modulus) for random_() without bounds (spec section 5).
_RANDOM_TABLE = {
    np.dtype(np.int64): (True, 1 << 63),
    np.dtype(np.int32): (False, 1 << 31),
    np.dtype(np.int16): (False, 1 << 15),
    np.dtype(np.int8): (False, 1 << 7),
    np.dtype(np.uint8): (False, 1 << 8),
    np.dtype(np.float64): (True, (1 << 53) + 1),
    np.dtype(np.float32): (False, (1 << 24) + 1),
    np.dtype(np.float16): (False, (1 << 11) + 1),
}


def random_(gen, shape, dtype, low=None, high=None):
    """``Tensor.random_()``, ``random_(high)`` or ``random_(low, high)``.
    ``high=None`` with a ``low`` means up to the dtype's maximum, inclusive.

    Example::

        >>> from ember.random import Generator
        >>> random_(Generator().manual_seed(0), (2,), np.int64)
        array([ 900450186894289455, 3969543146641149120])
    """
    dtype = np.dtype(dtype)
    n = _numel(shape)
    if low is None and high is None:
        if dtype == np.bool_:
            return (gen._next_u32(n) & np.uint32(1)).astype(np.bool_).reshape(shape)
        if dtype in _RANDOM_TABLE:
            wide, mod = _RANDOM_TABLE[dtype]
        elif dtype in FLOATING and dtype.itemsize == 2:    # bfloat16
            wide, mod = False, (1 << 8) + 1
        else:
            raise TypeError(f'random_ is not implemented for dtype {dtype}')
        w = gen._next_u64(n) if wide else gen._next_u32(n).astype(np.uint64)
        return (w % np.uint64(mod)).astype(dtype).reshape(shape)
    if high is None:
        low = int(low)
        if low == -(1 << 63):                 # the full 64-bit range
            if dtype not in (np.dtype(np.int64), _F64, _F32) and dtype.itemsize != 2:
                raise RuntimeError('random_full_64_bits_range_kernel_cpu handles only int64, '
                                   'double, float and bfloat16')
            return gen._next_u64(n).view(np.int64).astype(dtype).reshape(shape)
        if dtype in FLOATING:
            to_inc = 1 << _float_digits(dtype)
        elif dtype == np.bool_:
            to_inc = 1
        else:
            to_inc = int(np.iinfo(dtype).max)
        if low > to_inc:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or "
                               f"equal to 'to_inc' casted to dtype, but got from={low} > "
                               f"to_inc={to_inc}")
        _check_int_dtype_range(low, to_inc, dtype)
        return _from_to(gen, n, dtype, low, to_inc - low + 1).reshape(shape)
    return randint(gen, shape, dtype, 0 if low is None else low, high)


def randperm(gen, n, dtype=np.int64):
    """``torch.randperm(n)`` (spec section 5, both algorithms).

    Example::

        >>> from ember.random import Generator
        >>> randperm(Generator().manual_seed(0), 10)
        array([4, 1, 7, 5, 3, 9, 0, 8, 6, 2])
    """
    n = int(n)
    if n < 0:
        raise RuntimeError(f'n must be non-negative, got{n}')
    if n < 214748364:   # floor((2**32 - 1) / 20)
        perm = list(range(n))
        if n > 1:
            i = np.arange(n - 1, dtype=np.int64)
            targets = (i + gen._next_u32(n - 1).astype(np.int64) % (n - i)).tolist()
            for i, j in enumerate(targets):       # the swap loop is inherently serial
                perm[i], perm[j] = perm[j], perm[i]
    else:
        # The inside-out shuffle used for huge n.
        z = (gen._next_u64(n) % np.arange(1, n + 1, dtype=np.uint64)).tolist()
        perm = [0] * n
        for i, zi in enumerate(z):
            perm[i] = perm[zi]
            perm[zi] = i
    return np.array(perm, dtype=np.int64).astype(dtype, copy=False)
