"""Helpers shared by the kernels: dtype facts, words to uniform floats, glibc math."""

import math
import sys

import numpy as np
from .._dtype import FLOATING

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_MASK53 = np.uint64((1 << 53) - 1)
_TWO_PI = 2.0 * math.pi

_package = sys.modules[__package__]     # holds CAPABILITY (tests and users set it there)


def _fused():
    """True when emulating the avx2 kernels (fused multiply-add), False for 'default'."""
    return _package.CAPABILITY != 'default'


def _numel(shape):
    return math.prod(shape)


# ---------------------------------------------------------------- dtype facts
def _is_bfloat16(dtype):
    """bfloat16 (from ml_dtypes): NumPy has no finfo for it. Unverified against torch."""
    return dtype in FLOATING and dtype.itemsize == 2 and dtype != _F16


def _reduced_digits(dtype):
    """Significand bits of a 16-bit float dtype (float16: 11, bfloat16: 8)."""
    return 11 if dtype == _F16 else 8


def _float_digits(dtype):
    """Significand bits (std::numeric_limits<T>::digits) of a float dtype."""
    return np.finfo(dtype).nmant + 1 if dtype.itemsize > 2 else _reduced_digits(dtype)


_FLOAT_MAX = {}     # dtype -> its largest finite value (filled on first use)


def _float_max(dtype):
    """The largest finite value of a float dtype (std::numeric_limits<T>::max())."""
    limit = _FLOAT_MAX.get(dtype)
    if limit is None:
        limit = _FLOAT_MAX[dtype] = (3.3895313892515355e+38 if _is_bfloat16(dtype)
                                     else float(np.finfo(dtype).max))
    return limit


def _ctype(dtype):
    """The C++ type name PyTorch prints in its bounds messages ('long int', 'float', ...)."""
    if _is_bfloat16(dtype):
        return 'c10::BFloat16'
    return _CTYPES.get(dtype, str(dtype))


_CTYPES = {np.dtype(np.bool_): 'bool', np.dtype(np.uint8): 'unsigned char',
           np.dtype(np.int8): 'signed char', np.dtype(np.int16): 'short int',
           np.dtype(np.int32): 'int', np.dtype(np.int64): 'long int', _F16: 'c10::Half',
           _F32: 'float', _F64: 'double'}


# ---------------------------------------------------------------- words to values
def _u24(w):
    """float32 in [0, 1) from 32-bit words (spec section 2)."""
    return (w & np.uint32(0xFFFFFF)).astype(np.float32) * np.float32(2.0**-24)


def _u53(w):
    """float64 in [0, 1) from random64 values (spec section 2)."""
    return (w & _MASK53).astype(np.float64) * 2.0**-53


def _u53_draws(gen, n):
    """``uniform_real_distribution<double>(0, 1)``: U53 of one random64 per value."""
    return _u53(gen._next_u64(n))


def _libm(fn, x, dtype=_F64):
    """Apply a scalar C math function elementwise. Python's ``math`` functions are glibc's
    on Linux, which PyTorch calls (NumPy's ufuncs differ in the last bit; spec section 3)."""
    x = np.asarray(x, dtype=dtype)
    return np.fromiter(map(fn, x.ravel().tolist()), dtype=dtype, count=x.size).reshape(x.shape)


def _from_double(vals, dtype):
    """static_cast<scalar_t>(double): reduced floats go through float32 first."""
    if dtype in FLOATING and dtype.itemsize == 2:
        return vals.astype(np.float32).astype(dtype)
    return vals.astype(dtype)
