"""Fused multiply-add emulation (spec section 3): ``a*b + c`` with a single rounding, as
the FMA instruction of PyTorch's avx2 kernels computes it."""

import math
from fractions import Fraction

import numpy as np


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
