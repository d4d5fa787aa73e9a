"""Vectorised kernels of the standard normal distribution and of entropy (float64 work).

* ``log_ndtr``: log(erfcx(-x/sqrt 2)/2) - x^2/2 below x = -1 (no underflow), else
  log1p(-erfc(x/sqrt 2)/2).
* ``ndtri``: sqrt(2) erfinv(2p - 1) for p >= 1/4 (2p - 1 is exact there); below, Newton's
  method on log_ndtr(y) = log p from the Abramowitz-Stegun 26.2.23 estimate, which keeps
  relative accuracy down to the smallest subnormal p.
* ``entr``: -x log x, 0 at 0 and -inf for x < 0.

>>> ndtri(np.array([0.025, 0.5, 0.975]))
array([-1.95996398,  0.        ,  1.95996398])
"""
import numpy as np

from ._special import _apply, _idx, _erfc64, _erfcx64, _erfinv64

__all__ = ['log_ndtr', 'ndtri', 'entr']

_SQRT1_2 = 0.7071067811865476
_SQRT2 = 1.4142135623730951
_INV_SQRT_2PI = 0.3989422804014327
# Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4), highest degree first
_AS_NUM = (0.010328, 0.802853, 2.515517)
_AS_DEN = (0.001308, 0.189269, 1.432788, 1.0)


def _log_ndtr64(x, xp):
    t = x * _SQRT1_2
    out = xp.full_like(x, np.nan)
    low = x < -1.0
    i = _idx(xp, low)
    if i is not None:
        ti = t[i]
        out[i] = xp.log(0.5 * _erfcx64(-ti, xp)) - ti * ti
    i = _idx(xp, x >= -1.0)
    if i is not None:
        out[i] = xp.log1p(-0.5 * _erfc64(t[i], xp))
    return out


def _poly(z, coeffs):
    p = z * 0.0 + coeffs[0]
    for c in coeffs[1:]:
        p = p * z + c
    return p


def _ndtri64(p, xp):
    out = xp.full_like(p, np.nan)
    out[p == 0] = -np.inf
    out[p == 1] = np.inf
    i = _idx(xp, (p >= 0.25) & (p < 1.0))
    if i is not None:
        out[i] = _SQRT2 * _erfinv64(2.0 * p[i] - 1.0, xp)
    i = _idx(xp, (p > 0) & (p < 0.25))
    if i is not None:
        log_p = xp.log(p[i])
        t = xp.sqrt(-2.0 * log_p)
        y = _poly(t, _AS_NUM) / _poly(t, _AS_DEN) - t
        # Newton on f(y) = log_ndtr(y) - log p, f' = pdf(y) / ndtr(y): quadratic convergence
        # from 4.5e-4 needs three steps; a fourth absorbs rounding
        for _ in range(4):
            lnd = _log_ndtr64(y, xp)
            y = y - (lnd - log_p) / (_INV_SQRT_2PI * xp.exp(-0.5 * y * y - lnd))
        out[i] = y
    return out


def _entr64(x, xp):
    out = -x * xp.log(x)
    out[x == 0] = 0.0
    out[x < 0] = -np.inf
    return out


def log_ndtr(x):
    """log(ndtr(x)), finite far into the left tail.

    >>> log_ndtr(np.array([-40.0, 0.0]))
    array([-8.04608442e+02, -6.93147181e-01])
    """
    return _apply(x, _log_ndtr64)


def ndtri(p):
    """Inverse of ``ndtr``: -inf at 0, +inf at 1, nan outside [0, 1].

    >>> ndtri(np.array([0.0, 1e-300, 0.5]))
    array([       -inf, -37.0470963,   0.       ])
    """
    return _apply(p, _ndtri64)


def entr(x):
    """Elementwise entropy term -x log x (0 at 0, -inf for negative x).

    >>> entr(np.array([-1.0, 0.0, 0.5]))
    array([      -inf, 0.        , 0.34657359])
    """
    return _apply(x, _entr64)
