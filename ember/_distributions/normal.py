"""Normal samples (spec sections 4.2 - 4.7): the scalar Box-Muller path with the
generator's cached value, and the vectorised 16-wide blocks with the AVX2 float32 log and
sincos replayed op by op."""

import ctypes
import ctypes.util
import math

import numpy as np

from ._common import _F32, _F64, _TWO_PI, _fused, _numel, _u24, _u53, _u53_draws, _libm, _from_double
from .fma import fma32, fma64
from .._dtype import FLOATING


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
    return lambda x: _libm(fn, x, _F32)


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
            return _u53_draws(gen, k)
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
    if dtype not in FLOATING:
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
