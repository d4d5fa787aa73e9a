"""Vectorised Hurwitz zeta, polygamma and regularized incomplete gamma kernels (float64 work).

Each public function takes floating arrays and returns an array of their (common) dtype,
computed in float64 on flat arrays split by region, with no per-element Python loop.

* ``zeta(s, q)``: direct sum of (q + k)^-s until q + k >= s + 10, then the Euler-Maclaurin
  tail with Bernoulli numbers B_2 .. B_24 (the method of Cephes' ``zeta``).
* ``polygamma(n, x)``: digamma/trigamma kernels for n = 0, 1 and (-1)^(n+1) n! zeta(n+1, x)
  above, as PyTorch.
* ``igamma``/``igammac``: the power series of P(a, x) and the continued fraction of Q(a, x)
  (modified Lentz), with the prefactor x^a e^-x / Gamma(a) written around Stirling's series so
  that large a keeps full accuracy; for small a and x, Q's own series (regions as in Cephes).

>>> zeta(np.array([2.0, 3.0]), np.array([1.0, 1.0]))
array([1.64493407, 1.2020569 ])
"""
import math
from fractions import Fraction

import numpy as np
from .._dtype import FLOATING

from ._special import (_apply, _idx, _horner, _lgamma64, _lgamma_core, _digamma64, _trigamma64,
                       _STIRLING, _xp)

__all__ = ['zeta', 'polygamma', 'igamma', 'igammac']

_EPS = 1.1102230246251565e-16
_HALF_LOG_2PI = 0.9189385332046728


def _bernoulli_even(count):
    """B_2, B_4, ..., B_2count as Fractions (Akiyama-Tanigawa)."""
    a, out = [], []
    for m in range(2 * count + 1):
        a.append(Fraction(1, m + 1))
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
        if m >= 2 and m % 2 == 0:
            out.append(a[0])
    return out


# Euler-Maclaurin weights B_2j / (2j)! for j = 1 .. 12
_EM = tuple(float(b / math.factorial(2 * j)) for j, b in enumerate(_bernoulli_even(12), 1))


def _binary(a, b, core):
    """``core(flat_a, flat_b, xp)`` on float64 copies of the broadcast operands."""
    xp = _xp(a)
    a, b = xp.broadcast_arrays(xp.asarray(a), xp.asarray(b))
    dtype = np.result_type(a.dtype, b.dtype)
    if dtype not in FLOATING:
        dtype = np.dtype(np.float64)
    with np.errstate(all='ignore'):
        res = core(a.astype(np.float64).ravel(), b.astype(np.float64).ravel(), xp) \
            if a.size else xp.empty(0)
    return res.astype(dtype, copy=False).reshape(a.shape)


# ---------------------------------------------------------------- zeta

def _zeta64(s, q, xp):
    out = xp.full_like(s, np.nan)
    out[s == 1] = np.inf
    whole_q = (q <= 0) & (q == xp.floor(q))
    out[~(s < 1) & whole_q] = np.inf       # as Cephes: also for s = nan
    ok = (s > 1) & ~whole_q & ((q > 0) | (s == xp.floor(s))) & (q > -1e4) & (q < np.inf)
    i = _idx(xp, ok & (s == np.inf))      # the first term alone: q^-inf
    if i is not None:
        qi = q[i]
        out[i] = xp.where(qi < 1, np.inf, xp.where(qi == 1, 1.0, np.nan))   # as torch
    ok &= s < np.inf
    i = _idx(xp, ok)
    if i is None:
        return out
    s, q = s[i], q[i]
    # sum (q + k)^-s directly until a = q + n reaches s + 10: from there the Euler-Maclaurin
    # terms shrink by about ((s + 2j) / (2 pi a))^2 each
    n = xp.ceil(xp.minimum(s, 1000.0) + 10.0 - q)
    n = xp.maximum(n, 0.0)
    acc = xp.zeros_like(s)
    for k in range(int(n.max())):
        live = _idx(xp, n > k)
        acc[live] += xp.power(q[live] + k, -s[live])
    a = q + n
    inv_a = 1.0 / a
    p = xp.power(a, -s)
    tail = a * p / (s - 1.0) + 0.5 * p
    fac = s * p * inv_a
    inv_a2 = inv_a * inv_a
    for j, w in enumerate(_EM, 1):
        tail += w * fac
        fac *= (s + (2 * j - 1)) * (s + 2 * j) * inv_a2
    out[i] = acc + tail
    return out


def zeta(s, q):
    """Hurwitz zeta function sum_k (q + k)^-s; inf at s = 1 and at poles q = 0, -1, ...; nan for
    s < 1 (and for q < 0 unless s is an integer).

    >>> zeta(np.array([2.0, 2.0]), np.array([2.0, 0.0]))
    array([0.64493407,        inf])
    """
    return _binary(s, q, _zeta64)


def polygamma(n, x):
    """n-th derivative of digamma at ``x`` (``n`` a non-negative Python int).

    >>> polygamma(2, np.array([1.0, 0.5]))
    array([ -2.40411381, -16.82879664])
    """
    if n == 0:
        return _apply(x, _digamma64)
    if n == 1:
        return _apply(x, _trigamma64)
    scale = (-1.0) ** (n + 1) * math.exp(math.lgamma(n + 1)) if n < 171 else math.inf
    return _apply(x, lambda v, xp: scale * _zeta64(xp.full_like(v, n + 1.0), v, xp))


# ---------------------------------------------------------------- incomplete gamma

def _log1pmx(d, xp):
    """log(1 + d) - d, accurate for small d."""
    out = xp.log1p(d) - d
    i = _idx(xp, xp.abs(d) < 0.3)
    if i is not None:
        t = d[i]
        acc = xp.zeros_like(t)
        for k in range(40, 1, -1):      # -d^2/2 + d^3/3 - ...: |d|^40 < 1e-20 for |d| < 0.3
            acc = acc * -t + (1.0 / k)
        out[i] = -t * t * acc
    return out


def _log_prefactor(a, x, xp):
    """log(x^a e^-x / Gamma(a)); for a >= 10 and x near a (where the direct form cancels),
    around Stirling's series."""
    out = a * xp.log(x) - x - _lgamma64(a, xp)
    i = _idx(xp, (a >= 10.0) & (xp.abs(x - a) < 0.5 * a))
    if i is not None:
        ab, xb = a[i], x[i]
        z = 1.0 / ab
        corr = z * _horner(z * z, _STIRLING)
        out[i] = ab * _log1pmx((xb - ab) / ab, xp) + 0.5 * xp.log(ab) - _HALF_LOG_2PI - corr
    return out


def _iterate(step, state, done, xp, limit=100000):
    """Run ``step(state, k)`` on the unconverged rows until ``done(state)``; ``state`` is a
    dict of equal-length arrays updated in place."""
    live = xp.arange(next(iter(state.values())).size)
    cur = dict(state)
    for k in range(1, limit):
        cur = step(cur, k)
        fin = done(cur)
        j = _idx(xp, fin)
        if j is not None:
            for key in state:
                state[key][live[j]] = cur[key][j]
            keep = _idx(xp, ~fin)
            if keep is None:
                return state
            live = live[keep]
            cur = {key: v[keep] for key, v in cur.items()}
    for key in state:
        state[key][live] = cur[key]
    return state


def _p_series(a, x, xp):
    """P(a, x) = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1) ... (a + n))."""
    def step(st, k):
        st['c'] = st['c'] * x_[st['i']] / (a_[st['i']] + k)
        st['sum'] = st['sum'] + st['c']
        return st

    a_, x_ = a, x
    st = {'c': xp.ones_like(a), 'sum': xp.ones_like(a), 'i': xp.arange(a.size)}
    st = _iterate(step, st, lambda s: s['c'] <= _EPS * s['sum'], xp)
    return st['sum'] * xp.exp(_log_prefactor(a, x, xp)) / a


def _q_fraction(a, x, xp):
    """Q(a, x) by the continued fraction of Gamma(a, x) (modified Lentz), for x > 1, x > a."""
    tiny = 1e-300
    b = x + 1.0 - a
    st = {'b': b, 'c': xp.full_like(a, 1.0 / tiny), 'd': 1.0 / b, 'h': 1.0 / b,
          'delta': xp.zeros_like(a), 'i': xp.arange(a.size)}

    def step(s, k):
        an = -k * (k - a[s['i']])
        s['b'] = s['b'] + 2.0
        d = an * s['d'] + s['b']
        d = xp.where(xp.abs(d) < tiny, tiny, d)
        c = s['b'] + an / s['c']
        c = xp.where(xp.abs(c) < tiny, tiny, c)
        s['d'] = 1.0 / d
        s['c'] = c
        s['delta'] = c * s['d']
        s['h'] = s['h'] * s['delta']
        return s

    st = _iterate(step, st, lambda s: xp.abs(s['delta'] - 1.0) <= _EPS, xp)
    return st['h'] * xp.exp(_log_prefactor(a, x, xp))


def _q_series(a, x, xp):
    """Q(a, x) for small a and x <= 1/2: 1 - x^a / Gamma(a + 1) + x^a / Gamma(a) *
    sum_n (-x)^n / (n! (a + n)), the leading part via expm1 (no cancellation)."""
    st = {'fac': xp.ones_like(a), 'sum': xp.zeros_like(a), 'term': xp.ones_like(a),
          'i': xp.arange(a.size)}

    def step(s, k):
        s['fac'] = s['fac'] * -x[s['i']] / k
        s['term'] = s['fac'] / (a[s['i']] + k)
        s['sum'] = s['sum'] + s['term']
        return s

    st = _iterate(step, st, lambda s: xp.abs(s['term']) <= _EPS * xp.abs(s['sum']), xp)
    logx = xp.log(x)
    lead = -xp.expm1(a * logx - _lgamma_core(a - 1.0, a))      # lgamma(1 + a), a exact
    return lead - xp.exp(a * logx - _lgamma64(a, xp)) * st['sum']


def _edges(a, x, xp, upper):
    """PyTorch's values at the edges of the domain (tested in its order, so e.g. P(nan, 0) is
    0), and the mask of the ordinary points left to compute."""
    lo, hi = (1.0, 0.0) if upper else (0.0, 1.0)      # the value at x = 0 and at x = inf
    out = xp.full_like(a, np.nan)
    todo = ~((x < 0) | (a < 0))
    for cond, value in (((a == 0), None), ((x == 0), lo), ((a == np.inf), 'a_inf'),
                        ((x == np.inf), hi)):
        hit = _idx(xp, todo & cond)
        if hit is not None:
            if value is None:           # a == 0: P = 1 for x > 0 (Q = 0), else nan
                out[hit] = xp.where(x[hit] > 0, hi, np.nan)
            elif value == 'a_inf':
                out[hit] = xp.where(x[hit] == np.inf, np.nan, lo)
            else:
                out[hit] = value
        todo &= ~cond
    return out, todo & (a == a) & (x == x)


def _igamma64(a, x, xp):
    out, ok = _edges(a, x, xp, False)
    upper = ok & (x > 1.0) & (x > a)
    i = _idx(xp, upper)
    if i is not None:
        out[i] = 1.0 - _q_fraction(a[i], x[i], xp)
    i = _idx(xp, ok & ~upper)
    if i is not None:
        out[i] = _p_series(a[i], x[i], xp)
    return out


def _igammac64(a, x, xp):
    out, ok = _edges(a, x, xp, True)
    frac = ok & (x > 1.1) & (x >= a)
    small = ok & (((x <= 0.5) & (a <= -0.4 / xp.log(x)))
                  | ((x > 0.5) & (x <= 1.1) & (a <= 1.1 * x)))
    i = _idx(xp, frac)
    if i is not None:
        out[i] = _q_fraction(a[i], x[i], xp)
    i = _idx(xp, small)
    if i is not None:
        out[i] = _q_series(a[i], x[i], xp)
    i = _idx(xp, ok & ~frac & ~small)
    if i is not None:
        out[i] = 1.0 - _p_series(a[i], x[i], xp)
    return out


def igamma(a, x):
    """Regularized lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a).

    >>> igamma(np.array([1.0, 2.0]), np.array([1.0, 3.0]))
    array([0.63212056, 0.80085173])
    """
    return _binary(a, x, _igamma64)


def igammac(a, x):
    """Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x).

    >>> igammac(np.array([1.0, 2.0]), np.array([1.0, 3.0]))
    array([0.36787944, 0.19914827])
    """
    return _binary(a, x, _igammac64)
