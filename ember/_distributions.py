"""NumPy kernels that draw random numbers exactly as PyTorch 2.13 does on CPU.

Every function takes an :class:`ember.random.Generator` and returns a new
C-ordered NumPy array. The rules (which words are drawn, in which order, and
the exact floating-point arithmetic) are those of ``shared/spec/rng.md``; the
section numbers in the comments refer to it. Values are produced in the order
PyTorch fills the output, which is C order for contiguous tensors (memory
order for a non-contiguous one: the caller scatters them).

``CAPABILITY`` selects which PyTorch CPU kernels to emulate: ``'avx2'`` (the
default; what every x86 CPU since 2013 runs, AVX512 included) or
``'default'`` (PyTorch started with ``ATEN_CPU_CAPABILITY=default``: no fused
multiply-add). See spec section 3.

Example::

    >>> from ember.random import Generator
    >>> g = Generator().manual_seed(0)
    >>> normal(g, (3,), 'float32')
    array([ 1.5409961, -0.2934289, -2.1787894], dtype=float32)
"""

import ctypes
import ctypes.util
import math
import warnings
from fractions import Fraction

import numpy as np

__all__ = ['CAPABILITY', 'fma32', 'fma64', 'uniform', 'normal', 'normal_tensor', 'randint',
           'random_', 'randperm', 'bernoulli_scalar', 'bernoulli_tensor', 'dropout_mask',
           'exponential', 'geometric', 'log_normal', 'cauchy', 'poisson', 'multinomial']

CAPABILITY = 'avx2'

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_MASK53 = np.uint64((1 << 53) - 1)
_TWO_PI = 2.0 * math.pi


def _fused():
    return CAPABILITY != 'default'


# ----------------------------------------------------------------------------
# Fused multiply-add emulation (spec section 3)
# ----------------------------------------------------------------------------
def fma32(a, b, c, tiny=True):
    """float32 ``a*b + c`` with a single rounding, like the FMA instruction.

    The float32 product is exact in float64, so ``s = p + c`` in float64 is
    the exact result rounded once. Rounding s again to float32 can only go
    wrong when s lands exactly on a float32 midpoint (or in the subnormal
    range); those few elements are recomputed with round-to-odd.
    ``tiny=False`` skips the subnormal test where the caller knows that no
    result lies below 2**-125 other than an exact zero.

    Example::

        >>> fma32(np.float32(1 + 2**-23), np.float32(1 - 2**-23), np.float32(-1))
        np.float32(-1.4210855e-14)
    """
    s = np.multiply(a, b, dtype=np.float64)
    if s.__class__ is np.ndarray and (c.__class__ is not np.ndarray or c.shape == s.shape):
        np.add(s, c, out=s)                      # c is widened inside the loop, exactly
    else:
        s = np.asarray(np.add(s, c, dtype=np.float64))
    bits = s.view(np.int64)
    suspect = (bits & 0x1FFFFFFF) == 0x10000000
    if tiny:
        suspect |= np.abs(s) < 2.0**-125
    if suspect.any():
        p = np.multiply(a, b, dtype=np.float64)
        p, c = np.broadcast_arrays(p, np.asarray(c, dtype=np.float64))
        s[suspect] = _round_to_odd_sum(p[suspect], c[suspect])
    out = s.astype(np.float32)
    return out if out.ndim else out[()]


def _split(x):
    """Veltkamp split: x == hi + lo with both halves 26 bits wide."""
    t = 134217729.0 * x   # 2**27 + 1
    hi = t - (t - x)
    return hi, x - hi


def _round_to_odd_sum(x, y):
    """x + y rounded to odd (truncate toward zero, then set the last bit if inexact)."""
    s = x + y
    with np.errstate(invalid='ignore'):
        bv = s - x
        e = (x - (s - bv)) + (y - bv)
    inexact = (e != 0) & np.isfinite(s)
    toward_zero = inexact & ((e < 0) != (s < 0))
    bits = s.view(np.int64) - toward_zero
    bits |= inexact
    return bits.view(np.float64)


def _fma64_exact(a, b, c):
    """One correctly rounded fma from exact rationals (for the rare extreme inputs)."""
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    if a == 0.0 or b == 0.0:
        return a * b + c          # exact product is a signed zero
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    if exact == 0:
        return 0.0
    try:
        return float(exact)       # int / int true division rounds correctly
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


def fma64(a, b, c):
    """float64 ``a*b + c`` with a single rounding (vectorised, correctly rounded).

    Boldo and Melquiond's emulation: an exact product (Dekker), an exact sum
    with ``c`` (TwoSum), the two low parts added with round-to-odd, and one
    final rounding. Inputs whose product or factors are near the underflow or
    overflow limits, or that are not finite, fall back to exact rationals.

    Example::

        >>> float(fma64(0.1, 10.0, -1.0))
        5.551115123125783e-17
    """
    a, b, c = (np.asarray(v, dtype=np.float64) for v in (a, b, c))
    shape = np.broadcast_shapes(a.shape, b.shape, c.shape)
    a, b, c = (np.broadcast_to(v, shape).reshape(-1) for v in (a, b, c))
    with np.errstate(over='ignore', invalid='ignore', under='ignore'):
        ph = a * b
        ah, al = _split(a)
        bh, bl = _split(b)
        pl = ((ah * bh - ph) + ah * bl + al * bh) + al * bl        # ph + pl == a*b
        th = c + ph
        bv = th - c
        tl = (c - (th - bv)) + (ph - bv)                          # th + tl == c + ph
        out = th + _round_to_odd_sum(tl, pl)
        out = np.where(ph == 0, c + ph, out)                       # keeps fma's signed zeros
        aph = np.abs(ph)
        safe = ((np.abs(a) < 2.0**995) & (np.abs(b) < 2.0**995) & (aph < 2.0**1020)
                & (np.abs(c) < 2.0**1020) & ((aph > 2.0**-960) | (a == 0) | (b == 0)))
    if not safe.all():
        for i in np.flatnonzero(~safe).tolist():
            out[i] = _fma64_exact(float(a[i]), float(b[i]), float(c[i]))
    return out.reshape(shape) if shape else out[0]


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------
def _numel(shape):
    return math.prod(shape)


def _is_bfloat16(dtype):
    """bfloat16 (from ml_dtypes): NumPy has no finfo for it. Unverified against torch."""
    return dtype.kind == 'f' and dtype.itemsize == 2 and dtype != _F16


def _reduced_digits(dtype):
    """Significand bits of a 16-bit float dtype (float16: 11, bfloat16: 8)."""
    return 11 if dtype == _F16 else 8


def _u24(w):
    """float32 in [0, 1) from 32-bit words (spec section 2)."""
    return (w & np.uint32(0xFFFFFF)).astype(np.float32) * np.float32(2.0**-24)


def _u53(w):
    """float64 in [0, 1) from random64 values (spec section 2)."""
    return (w & _MASK53).astype(np.float64) * 2.0**-53


def _libm(fn, x):
    """Apply a ``math`` function elementwise: on Linux it is glibc's, which
    PyTorch calls (NumPy's ufuncs differ in the last bit; spec section 3)."""
    x = np.asarray(x, dtype=np.float64)
    return np.fromiter(map(fn, x.ravel().tolist()), dtype=np.float64, count=x.size).reshape(x.shape)


def _from_double(vals, dtype):
    """static_cast<scalar_t>(double): reduced floats go through float32 first."""
    if dtype.kind == 'f' and dtype.itemsize == 2:
        return vals.astype(np.float32).astype(dtype)
    return vals.astype(dtype)


# ----------------------------------------------------------------------------
# Uniform (spec section 4.1)
# ----------------------------------------------------------------------------
_FLOAT_MAX = {}     # dtype -> its largest finite value (filled on first use)


def uniform(gen, shape, dtype, low=0.0, high=1.0):
    """``torch.empty(shape, dtype=dtype).uniform_(low, high)``; ``rand`` is the
    special case ``[0, 1)``.

    Example::

        >>> from ember.random import Generator
        >>> uniform(Generator().manual_seed(0), (2,), 'float32')
        array([0.4962566, 0.7682218], dtype=float32)
    """
    dtype = np.dtype(dtype)
    limit = _FLOAT_MAX.get(dtype)
    if limit is None:
        if dtype.kind != 'f':
            raise TypeError(f'uniform_ is not implemented for dtype {dtype}')
        limit = _FLOAT_MAX[dtype] = (3.3895313892515355e+38 if _is_bfloat16(dtype)
                                     else float(np.finfo(dtype).max))
    n = _numel(shape)
    low, high = float(low), float(high)
    if not (-limit <= low <= limit and -limit <= high <= limit):
        name = 'from' if not -limit <= low <= limit else 'to'
        raise RuntimeError(f'{name} is out of bounds for {_ctype(dtype)}')
    if not low <= high:
        raise RuntimeError(f'uniform_ expects to return a [from, to) range, but found '
                           f'from={low:g} > to={high:g}')
    if high - low > limit:
        raise RuntimeError(f'uniform_ expects to-from <= std::numeric_limits<{_ctype(dtype)}>'
                           f'::max(), but found to={high:g} and from={low:g} which result in '
                           'to-from to exceed the limit')
    if dtype == _F64:
        x = _u53(gen._next_u64(n))
        if low == 0.0 and high == 1.0:
            return x.reshape(shape)
        d = high - low
        vals = fma64(x, d, low) if _fused() else x * d + low
        vals[vals == high] = low
        return vals.reshape(shape)

    # float32; Half runs the same float32 arithmetic (checked against torch;
    # bfloat16 assumed alike).
    x = _u24(gen._next_u32(n))
    frm, to = np.float32(low), np.float32(high)
    d = np.float32(to - frm)
    if frm == 0 and to == 1:
        vals = x
    else:
        vals = fma32(x, d, frm) if _fused() else (x * d) + frm
        vals[vals == to] = frm
    if dtype != _F32:
        # Rounded to the dtype, then the `to` -> `from` rule applies once more.
        vals = vals.astype(dtype)
        vals[vals == np.asarray(high).astype(dtype)] = np.asarray(low).astype(dtype)
    return vals.reshape(shape)


# ----------------------------------------------------------------------------
# Normal (spec sections 4.2 - 4.7)
# ----------------------------------------------------------------------------
def _scale_f64(v, std, mean):
    """``v*std + mean`` in double: fused on avx2 (and in the float64 block, always)."""
    if std == 1.0 and mean == 0.0:
        return v + 0.0          # fma(v, 1, 0) == v, except that -0 becomes +0
    return fma64(v, std, mean)


def _normal_scalar(gen, n, mean, std):
    """The per-element Box-Muller path with the shared double cache (spec 4.2).
    Returns float64 values, ``fma(v, std, mean)`` already applied."""
    out = np.empty(n, dtype=np.float64)
    start = 0
    if n and gen._normal_y is not None:
        out[0] = gen._normal_y
        gen._normal_y = None
        start = 1
    rem = n - start
    if rem > 0:
        pairs = (rem + 1) // 2
        w = gen._next_u64(2 * pairs)
        u1 = _u53(w[0::2])
        u2 = _u53(w[1::2])
        r = np.sqrt(-2.0 * _libm(math.log1p, -u2))   # really log1p, not log(1-u)
        theta = _TWO_PI * u1
        cos = r * _libm(math.cos, theta)
        sin = r * _libm(math.sin, theta)
        both = np.empty(2 * pairs, dtype=np.float64)
        both[0::2] = cos
        both[1::2] = sin
        out[start:] = both[:rem]
        if rem % 2:
            gen._normal_y = float(sin[-1])   # the unused sine waits for the next call
    if _fused():
        return _scale_f64(out, float(std), float(mean))
    return out * float(std) + float(mean)


def _c32(bits):
    """A float32 constant from its bit pattern."""
    return np.float32(np.array(bits, dtype=np.uint32).view(np.float32))


# Constants of the AVX2 float32 log / sincos (spec section 4.4), as float32 bit patterns.
_SQRTHF = _c32(0x3F3504F3)
_LOG_P = [_c32(b) for b in (0x3D9021BB, 0xBDEBD1B8, 0x3DEF251A, 0xBDFE5D4F, 0x3E11E9BF,
                            0xBE2AAE50, 0x3E4CCEAC, 0xBE7FFFFC, 0x3EAAAAAA)]
_LOG_Q1 = _c32(0xB95E8083)
_LOG_Q2 = _c32(0x3F318000)
_TWO_PI_F = _c32(0x40C90FDB)
_FOPI = _c32(0x3FA2F983)
_DP1, _DP2, _DP3 = _c32(0xBF490000), _c32(0xB97DA000), _c32(0xB3222169)
_COS_C = [_c32(b) for b in (0x37CCF5CE, 0xBAB6061A, 0x3D2AAAA5)]
_SIN_C = [_c32(b) for b in (0xB94CA1F9, 0x3C08839E, 0xBE2AAAA3)]


def _log_avx2(u):
    """The float32 log of PyTorch's AVX2 normal kernel, op by op (spec 4.4)."""
    f1 = np.float32(1)
    bits = u.view(np.uint32)
    e = ((bits >> 23).astype(np.int32) - 127).astype(np.float32) + f1
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(np.float32)
    small = m < _SQRTHF
    e = np.where(small, e - f1, e)
    x = (m - f1) + np.where(small, m, np.float32(0))
    z = x * x
    y = fma32(_LOG_P[0], x, _LOG_P[1], False)
    for p in _LOG_P[2:]:
        y = fma32(y, x, p, False)
    y = x * y
    y = fma32(y, z, e * _LOG_Q1, False)
    y = y - np.float32(0.5) * z
    return fma32(e, _LOG_Q2, x + y, False)


def _sincos_avx2(theta):
    """The float32 sincos of PyTorch's AVX2 normal kernel, for theta >= 0 (spec 4.4)."""
    j = (theta * _FOPI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(np.float32)
    x = fma32(y, _DP1, theta, False)
    x = fma32(_DP2, y, x, False)
    x = fma32(y, _DP3, x, False)
    z = x * x
    c = fma32(fma32(_COS_C[0], z, _COS_C[1], False), z, _COS_C[2], False)
    c = fma32(z, z * c, -(np.float32(0.5) * z), False) + np.float32(1)
    s = fma32(fma32(_SIN_C[0], z, _SIN_C[1], False), z, _SIN_C[2], False)
    s = fma32(x, z * s, x, False)
    swap = (j & 2) != 0
    sin = np.where(swap, c, s)
    cos = np.where(swap, s, c)
    sin = np.where((j & 4) != 0, -sin, sin)
    cos = np.where(((j - 2) & 4) == 0, -cos, cos)
    return sin, cos


def _scale_f32(v, std, mean):
    if std == 1 and mean == 0:
        return v + np.float32(0)     # fma(v, 1, 0): only -0 changes
    return fma32(v, std, mean)


_libm_f = None


def _glibc_f32(name):
    """glibc's float32 function ``name`` (logf, sinf, cosf) through ctypes, for
    the 'default' capability only (spec 4.5)."""
    global _libm_f
    if _libm_f is None:
        _libm_f = ctypes.CDLL(ctypes.util.find_library('m') or 'libm.so.6')
    fn = getattr(_libm_f, name)
    fn.restype = ctypes.c_float
    fn.argtypes = [ctypes.c_float]

    def apply(x):
        x = np.asarray(x, dtype=np.float32)
        return np.fromiter(map(fn, x.ravel().tolist()), dtype=np.float32,
                           count=x.size).reshape(x.shape)
    return apply


def _block_f32(d, mean, std):
    """Transform float32 uniforms shaped (blocks, 16) into normals (spec 4.4 / 4.5)."""
    a, b = d[:, :8], d[:, 8:]
    out = np.empty_like(d)
    if _fused():
        radius = np.sqrt(_log_avx2(np.float32(1) - a) * np.float32(-2))
        sin, cos = _sincos_avx2(_TWO_PI_F * b)
        out[:, :8] = _scale_f32(radius * cos, std, mean)
        out[:, 8:] = _scale_f32(radius * sin, std, mean)
    else:
        radius = np.sqrt(np.float32(-2) * _glibc_f32('logf')(np.float32(1) - a))
        theta = (_TWO_PI * b.astype(np.float64)).astype(np.float32)
        out[:, :8] = fma32(radius * _glibc_f32('cosf')(theta), std, mean)
        out[:, 8:] = fma32(radius * _glibc_f32('sinf')(theta), std, mean)
    return out


def _block_f64(d, mean, std):
    """Transform float64 uniforms shaped (blocks, 16) into normals (spec 4.6)."""
    a, b = d[:, :8], d[:, 8:]
    radius = np.sqrt(-2.0 * _libm(math.log, 1.0 - a))
    theta = _TWO_PI * b
    out = np.empty_like(d)
    out[:, :8] = _scale_f64(radius * _libm(math.cos, theta), std, mean)
    out[:, 8:] = _scale_f64(radius * _libm(math.sin, theta), std, mean)
    return out


_CHUNK_BLOCKS = 4096       # 16 values each: 65536 values per transform call


def _normal_fill(gen, n, dtype, mean, std):
    """The n >= 16 contiguous path (spec 4.3): uniforms first, then blocks of 16;
    a ragged end re-draws a whole 16-wide window over the last 16 elements.

    Half (and, assumed alike, bfloat16) runs the float32 kernel and rounds at
    the end, but its first draw covers only the full blocks: floor(n/16)*16
    words, not n (checked against torch 2.13)."""
    if dtype == _F64:
        def draw(k):
            return _u53(gen._next_u64(k))
        mean, std = float(mean), float(std)

        def transform(d):
            return _block_f64(d, mean, std)
    else:
        def draw(k):
            return _u24(gen._next_u32(k))
        mean, std = np.float32(mean), np.float32(std)

        def transform(d):
            return _block_f32(d, mean, std)
    full = n // 16 * 16
    data = draw(n if dtype in (_F32, _F64) else full)
    out = np.empty(n, dtype=_F64 if dtype == _F64 else _F32)
    blocks = data[:full].reshape(-1, 16)
    rows = out[:full].reshape(-1, 16)
    # Cache-sized chunks: the transform's many temporaries then stay small and warm
    # (fresh multi-megabyte temporaries cost more in page faults than the arithmetic).
    for i in range(0, len(blocks), _CHUNK_BLOCKS):
        rows[i:i + _CHUNK_BLOCKS] = transform(blocks[i:i + _CHUNK_BLOCKS])
    if n % 16:
        out[n - 16:] = transform(draw(16).reshape(1, 16)).reshape(-1)
    return out.astype(dtype, copy=False)


def normal(gen, shape, dtype, mean=0.0, std=1.0, contiguous=True):
    """``torch.empty(shape, dtype=dtype).normal_(mean, std)`` (also ``randn``).

    ``contiguous=False`` selects the scalar path PyTorch uses for
    non-contiguous outputs; values then come in memory order.

    Example::

        >>> from ember.random import Generator
        >>> normal(Generator().manual_seed(0), (16,), 'float32')[:3]
        array([-1.1258398 , -1.1523602 , -0.25057858], dtype=float32)
    """
    dtype = np.dtype(dtype)
    if dtype.kind != 'f':
        raise TypeError(f'normal_ expects a floating point dtype, got {dtype}')
    if std < 0:
        raise RuntimeError(f'normal expects std >= 0.0, but found std {std:g}')
    n = _numel(shape)
    if n >= 16 and contiguous:
        return _normal_fill(gen, n, dtype, mean, std).reshape(shape)
    return _from_double(_normal_scalar(gen, n, mean, std), dtype).reshape(shape)


def normal_tensor(gen, mean, std, dtype):
    """``torch.normal(mean, std)`` where at least one of mean/std is an array:
    draw ``normal_(0, 1)`` over the broadcast shape, then ``*std`` and ``+mean``
    each rounded in ``dtype`` (spec 4.7). With a scalar std the draw is
    ``normal_(0, std)`` instead, as in PyTorch.

    Example::

        >>> from ember.random import Generator
        >>> m = np.zeros(3, np.float32); s = np.ones(3, np.float32)
        >>> normal_tensor(Generator().manual_seed(0), m, s, np.float32)
        array([ 1.5409961, -0.2934289, -2.1787894], dtype=float32)
    """
    dtype = np.dtype(dtype)
    mean_is_arr = isinstance(mean, np.ndarray)
    std_is_arr = isinstance(std, np.ndarray)
    if std_is_arr:
        if std.size and not (std >= 0).all():
            raise RuntimeError('normal expects all elements of std >= 0.0')
    elif std < 0:
        raise RuntimeError(f'normal expects std >= 0.0, but found std {std}')
    if mean_is_arr and not std_is_arr:
        out = normal(gen, mean.shape, dtype, 0.0, std)
        return np.add(out, mean, dtype=dtype)
    shape = np.broadcast_shapes(np.shape(mean), std.shape)
    out = normal(gen, shape, dtype, 0.0, 1.0)
    out = np.multiply(out, std, dtype=dtype)
    return np.add(out, mean if mean_is_arr else np.asarray(mean).astype(dtype), dtype=dtype)


# ----------------------------------------------------------------------------
# Integers (spec section 5)
# ----------------------------------------------------------------------------
def _ctype(dtype):
    """The C++ type name PyTorch prints in its bounds messages ('long int', 'float', ...)."""
    if _is_bfloat16(dtype):
        return 'c10::BFloat16'
    return _CTYPES.get(dtype, str(dtype))


_CTYPES = {np.dtype(np.bool_): 'bool', np.dtype(np.uint8): 'unsigned char',
           np.dtype(np.int8): 'signed char', np.dtype(np.int16): 'short int',
           np.dtype(np.int32): 'int', np.dtype(np.int64): 'long int', _F16: 'c10::Half',
           _F32: 'float', _F64: 'double'}


def _float_digits(dtype):
    """Significand bits (std::numeric_limits<T>::digits) of a float dtype."""
    return np.finfo(dtype).nmant + 1 if dtype.itemsize > 2 else _reduced_digits(dtype)


def _check_int_dtype_range(low, high, dtype):
    """PyTorch's check_from_to_in_range: ``low`` and ``high`` (inclusive) must fit the dtype.
    For float dtypes, values beyond 2**digits only warn (they cannot all be represented)."""
    name = _ctype(dtype)
    if dtype.kind == 'f':
        top = 3.3895313892515355e+38 if _is_bfloat16(dtype) else float(np.finfo(dtype).max)
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
    if dtype.kind == 'f':
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
    if dtype.kind == 'f':
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
        elif dtype.kind == 'f' and dtype.itemsize == 2:    # bfloat16
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
        if dtype.kind == 'f':
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


# ----------------------------------------------------------------------------
# Bernoulli and dropout (spec section 6)
# ----------------------------------------------------------------------------
def bernoulli_scalar(gen, shape, p, dtype):
    """``torch.empty(shape, dtype=dtype).bernoulli_(p)`` for a scalar p.

    Example::

        >>> from ember.random import Generator
        >>> bernoulli_scalar(Generator().manual_seed(0), (4,), 0.5, np.float32)
        array([0., 0., 1., 0.], dtype=float32)
    """
    if not 0 <= p <= 1:
        raise RuntimeError(f'bernoulli_ expects p to be in [0, 1], but got p={p:g}')
    u = _u53(gen._next_u64(_numel(shape)))
    return (u < float(p)).astype(np.dtype(dtype)).reshape(shape)


def bernoulli_tensor(gen, p, dtype=None):
    """``torch.bernoulli(p)`` (or ``out.bernoulli_(p)`` with ``dtype``): one
    draw per element of ``p``; float64 p uses random64, other floats one word
    compared in float32.

    Example::

        >>> from ember.random import Generator
        >>> bernoulli_tensor(Generator().manual_seed(0), np.full(4, 0.5, np.float32))
        array([1., 0., 1., 1.], dtype=float32)
    """
    p = np.asarray(p, order='C')
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError('Expected p_in >= 0 && p_in <= 1 to be true, but got false.')
    dtype = p.dtype if dtype is None else np.dtype(dtype)
    if p.dtype == _F64:
        hit = _u53(gen._next_u64(p.size)) < p.ravel()
    else:
        hit = _u24(gen._next_u32(p.size)) < p.ravel().astype(np.float32)
    return hit.astype(dtype).reshape(p.shape)


def dropout_mask(gen, shape, p, dtype):
    """The factor ``F.dropout`` multiplies its input by: ``bernoulli_(1-p)``
    divided by ``1-p`` in float32 (float64 for double inputs). Draws nothing
    when p is 0 or 1.

    Example::

        >>> from ember.random import Generator
        >>> dropout_mask(Generator().manual_seed(0), (4,), 0.5, np.float32)
        array([0., 0., 2., 0.], dtype=float32)
    """
    dtype = np.dtype(dtype)
    if p == 0:
        return np.ones(shape, dtype=dtype)
    if p == 1:
        return np.zeros(shape, dtype=dtype)
    q = 1.0 - p
    mask = bernoulli_scalar(gen, shape, q, dtype)
    if dtype == _F64:
        return mask / q
    return (mask.astype(np.float32) / np.float32(q)).astype(dtype, copy=False)


# ----------------------------------------------------------------------------
# Exponential and multinomial (spec section 7)
# ----------------------------------------------------------------------------
def exponential(gen, shape, dtype, lambd=1.0):
    """``torch.empty(shape, dtype=dtype).exponential_(lambd)``: one random64 per element,
    ``(-1/lambd) * log1p(-u)`` in double (glibc), cast to the dtype. (Spec section 7 says
    ``log(1 - u)``; PyTorch 2.13's CPU transformation really calls log1p, which the float64
    results show in a few percent of the elements.)

    Example::

        >>> from ember.random import Generator
        >>> exponential(Generator().manual_seed(0), (2,), np.float64)
        array([3.50832619, 1.23038476])
    """
    if not lambd > 0:
        raise RuntimeError(f'exponential_ expects lambda > 0.0, but found lambda={lambd:g}')
    u = _u53(gen._next_u64(_numel(shape)))
    vals = (-1.0 / float(lambd)) * _libm(math.log1p, -u)
    return _from_double(vals, np.dtype(dtype)).reshape(shape)


def _u53_draws(gen, n):
    """``uniform_real_distribution<double>(0, 1)``: U53 of one random64 per value."""
    return _u53(gen._next_u64(n))


def geometric(gen, shape, dtype, p):
    """``torch.empty(shape, dtype=dtype).geometric_(p)``: one random64 per element;
    ``ceil(log(u) / log1p(-p))`` in double (glibc), cast to the dtype.

    Example::

        >>> from ember.random import Generator
        >>> geometric(Generator().manual_seed(0), (4,), np.float32, 0.5)
        array([1., 1., 2., 1.], dtype=float32)
    """
    if not 0 < p < 1:
        raise RuntimeError(f'geometric_ expects p to be in (0, 1), but got p={p:g}')
    u = _u53_draws(gen, _numel(shape)).tolist()
    denom = math.log1p(-float(p))
    log = math.log
    vals = np.array([math.ceil(log(x) / denom) if x else math.inf for x in u], dtype=np.float64)
    with np.errstate(invalid='ignore'):
        return _from_double(vals, np.dtype(dtype)).reshape(shape)


def log_normal(gen, shape, dtype, mean=1.0, std=2.0):
    """``torch.empty(shape, dtype=dtype).log_normal_(mean, std)``: ``exp`` of the scalar
    (double, cached) normal path of spec 4.2 whatever the size, then cast.

    Example::

        >>> from ember.random import Generator
        >>> log_normal(Generator().manual_seed(0), (2,), np.float64, 0.0, 1.0)
        array([4.66923902, 0.74570224])
    """
    if not std > 0:
        raise RuntimeError(f'log_normal_ expects std > 0.0, but found std={std:g}')
    v = _normal_scalar(gen, _numel(shape), mean, std)
    return _from_double(_libm(math.exp, v), np.dtype(dtype)).reshape(shape)


def cauchy(gen, shape, dtype, median=0.0, sigma=1.0):
    """``torch.empty(shape, dtype=dtype).cauchy_(median, sigma)``: one random64 per
    element; ``median + sigma * tan(pi * (u - 0.5))`` in double (fused on avx2).

    Example::

        >>> from ember.random import Generator
        >>> cauchy(Generator().manual_seed(0), (2,), np.float64)
        array([10.59772933,  0.76476726])
    """
    if not sigma > 0:
        raise RuntimeError(f'cauchy_ expects sigma > 0.0, but found sigma={sigma:g}')
    u = _u53_draws(gen, _numel(shape))
    t = _libm(math.tan, math.pi * (u - 0.5))
    median, sigma = float(median), float(sigma)
    vals = fma64(sigma, t, median) if _fused() else median + sigma * t
    return _from_double(np.asarray(vals, dtype=np.float64), np.dtype(dtype)).reshape(shape)


def _poisson_one(gen, lam):
    """ATen's sample_poisson for one rate: the transformed rejection method (Hoermann 1993)
    for lam >= 10, multiplied uniforms below. Plain double arithmetic (not an AVX2 kernel)."""
    if lam >= 10:
        slam = math.sqrt(lam)
        loglam = math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            w = gen._next_u64(2)
            u = float(w[0] & _MASK53) * 2.0**-53 - 0.5
            v = float(w[1] & _MASK53) * 2.0**-53
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if v > 0 and (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                          <= -lam + k * loglam - math.lgamma(k + 1.0)):
                return k
    if lam == 0:
        return 0
    enlam = math.exp(-lam)
    x = 0
    prod = 1.0
    while True:
        prod *= float(gen._next_u64(1)[0] & _MASK53) * 2.0**-53
        if prod > enlam:
            x += 1
        else:
            return x


def poisson(gen, rates):
    """``torch.poisson(rates)``: one sample per element in C order, as floats of the rates'
    dtype. Each sample draws a data-dependent number of random64 values.

    Example::

        >>> from ember.random import Generator
        >>> poisson(Generator().manual_seed(0), np.array([0.5, 4.0, 30.0]))
        array([ 2.,  5., 26.])
    """
    rates = np.asarray(rates, order='C')
    if rates.size and not (rates >= 0).all():
        raise RuntimeError('invalid Poisson rate, expected rate to be non-negative')
    vals = [_poisson_one(gen, r) for r in rates.astype(np.float64).ravel().tolist()]
    return np.array(vals, dtype=np.float64).astype(rates.dtype).reshape(rates.shape)


# ----------------------------------------------------------------------------
# topk with PyTorch's tie order: libstdc++'s nth_element / sort / partial_sort
# ----------------------------------------------------------------------------
def _topk_rows(r, k):
    """Indices of the k largest values of each row, largest first, as PyTorch's CPU topk
    orders them. Rows without ties among the values that decide the result take a NumPy
    sort; rows with ties (zero probabilities, mostly) replay PyTorch's std:: algorithms."""
    order = np.argsort(-r, axis=1, kind='stable')
    idx = order[:, :k].copy()
    for i in range(r.shape[0]):
        v = r[i, order[i, :k + 1]]
        if (v[1:] == v[:-1]).any():
            idx[i] = _std_topk(r[i].tolist(), k)
    return idx


def _std_topk(values, k):
    """ATen's topk_impl_loop (largest=True, sorted=True) on one row of Python floats."""
    q = [(v, j) for j, v in enumerate(values)]
    if k * 64 <= len(q):
        _heap_select(q, 0, k, len(q))
        _sort_heap(q, 0, k)
    else:
        _nth_element(q, k - 1)
        _std_sort(q, 0, k - 1)
    return [j for _, j in q[:k]]


def _gt(x, y):
    """The comparator: NaN first, then larger values first."""
    a, b = x[0], y[0]
    return (a != a and b == b) or a > b


def _lg(n):
    return n.bit_length() - 1


def _nth_element(a, nth):
    first, last = 0, len(a)
    if first == last or nth == last:
        return
    depth = _lg(last - first) * 2
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last)


def _std_sort(a, first, last):
    if first != last:
        _introsort_loop(a, first, last, _lg(last - first) * 2)
        if last - first > 16:
            _insertion_sort(a, first, first + 16)
            for i in range(first + 16, last):
                _linear_insert(a, i)
        else:
            _insertion_sort(a, first, last)


def _introsort_loop(a, first, last, depth):
    while last - first > 16:
        if depth == 0:
            _heap_select(a, first, last, last)
            _sort_heap(a, first, last)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        _introsort_loop(a, cut, last, depth)
        last = cut


def _partition_pivot(a, first, last):
    mid = first + (last - first) // 2
    x, y, z = first + 1, mid, last - 1          # move the median of three to `first`
    if _gt(a[x], a[y]):
        m = y if _gt(a[y], a[z]) else (z if _gt(a[x], a[z]) else x)
    else:
        m = x if _gt(a[x], a[z]) else (z if _gt(a[y], a[z]) else y)
    a[first], a[m] = a[m], a[first]
    pivot = a[first]
    lo, hi = first + 1, last
    while True:
        while _gt(a[lo], pivot):
            lo += 1
        hi -= 1
        while _gt(pivot, a[hi]):
            hi -= 1
        if not lo < hi:
            return lo
        a[lo], a[hi] = a[hi], a[lo]
        lo += 1


def _insertion_sort(a, first, last):
    if first == last:
        return
    for i in range(first + 1, last):
        if _gt(a[i], a[first]):
            val = a[i]
            a[first + 1:i + 1] = a[first:i]
            a[first] = val
        else:
            _linear_insert(a, i)


def _linear_insert(a, last):
    val = a[last]
    nxt = last - 1
    while _gt(val, a[nxt]):
        a[last] = a[nxt]
        last = nxt
        nxt -= 1
    a[last] = val


def _adjust_heap(a, first, hole, length, value):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if _gt(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if length & 1 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and _gt(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value


def _heap_select(a, first, middle, last):
    length = middle - first
    if length >= 2:
        parent = (length - 2) // 2
        while True:
            _adjust_heap(a, first, parent, length, a[first + parent])
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if _gt(a[i], a[first]):
            value = a[i]
            a[i] = a[first]
            _adjust_heap(a, first, 0, length, value)


def _sort_heap(a, first, last):
    while last - first > 1:
        last -= 1
        value = a[last]
        a[last] = a[first]
        _adjust_heap(a, first, 0, last - first, value)


def multinomial(gen, probs, num_samples, replacement=False, draw_q=None):
    """``torch.multinomial(probs, num_samples, replacement)`` for 1-D or 2-D
    ``probs``; returns int64 indices. ``draw_q(dtype)``, if given, supplies the Exp(1)
    draws of the race (shaped like probs).

    Example::

        >>> from ember.random import Generator
        >>> p = np.array([0.1, 0.0, 0.9], np.float32)
        >>> multinomial(Generator().manual_seed(0), p, 4, True)
        array([2, 2, 2, 2])
    """
    probs = np.asarray(probs)
    if probs.ndim not in (1, 2):
        raise RuntimeError('prob_dist must be 1 or 2 dim')
    if probs.dtype.kind != 'f':
        raise RuntimeError(f'multinomial only supports floating-point dtypes for input, '
                           f'got: {probs.dtype}')
    k = int(num_samples)
    if k <= 0:
        raise RuntimeError('cannot sample n_sample <= 0 samples')
    ncat = probs.shape[-1]
    if not replacement and k > ncat:
        raise RuntimeError('cannot sample n_sample > prob_dist.size(-1) samples without '
                           'replacement')
    rows = probs.reshape(-1, ncat)
    if not replacement or k == 1:
        # Exponential race: argmax / top-k of p / q with q ~ Exp(1).
        if not (np.isfinite(rows).all() and (rows >= 0).all()):
            raise RuntimeError('probability tensor contains either `inf`, `nan` or element < 0')
        if (rows.sum(axis=1) == 0).any():
            raise RuntimeError('invalid multinomial distribution (sum of probabilities <= 0)')
        if draw_q is None:
            q = exponential(gen, rows.shape, rows.dtype, 1.0)
        else:       # the caller draws q in the probabilities' memory layout (empty_like)
            q = draw_q(rows.dtype).reshape(rows.shape)
        r = np.divide(rows, q, dtype=rows.dtype)
        if k == 1:
            idx = np.argmax(r, axis=1)[:, None]
        else:
            idx = _topk_rows(r, k)
    else:
        idx = np.empty((rows.shape[0], k), dtype=np.int64)
        for i, row in enumerate(rows):
            if (row < 0).any() or not np.isfinite(row).all():
                raise RuntimeError('invalid multinomial distribution (encountering probability '
                                   'entry < 0)')
            cum = np.cumsum(row, dtype=row.dtype)        # sequential running sum
            total = cum[-1]
            if not total > 0:
                raise RuntimeError('invalid multinomial distribution (sum of probabilities <= 0)')
            cum = np.divide(cum, total, dtype=row.dtype)
            cum[-1] = 1
            u = _u53(gen._next_u64(k))
            idx[i] = np.searchsorted(cum.astype(np.float64), u, side='left')
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    return idx.reshape(k) if probs.ndim == 1 else idx
