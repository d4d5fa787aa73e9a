"""Discrete samples (spec sections 6 and 7): Bernoulli and the dropout mask, geometric,
Poisson and multinomial."""

import math

import numpy as np

from ._common import _F64, _MASK53, _numel, _u24, _u53_draws, _from_double
from ._topk import _topk_rows
from .continuous import exponential
from .._dtype import FLOATING


def bernoulli_scalar(gen, shape, p, dtype):
    """``torch.empty(shape, dtype=dtype).bernoulli_(p)`` for a scalar p.

    Example::

        >>> from ember.random import Generator
        >>> bernoulli_scalar(Generator().manual_seed(0), (4,), 0.5, np.float32)
        array([0., 0., 1., 0.], dtype=float32)
    """
    if not 0 <= p <= 1:
        raise RuntimeError(f'bernoulli_ expects p to be in [0, 1], but got p={p:g}')
    u = _u53_draws(gen, _numel(shape))
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
        hit = _u53_draws(gen, p.size) < p.ravel()
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
    if probs.dtype not in FLOATING:
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
            u = _u53_draws(gen, k)
            idx[i] = np.searchsorted(cum.astype(np.float64), u, side='left')
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    return idx.reshape(k) if probs.ndim == 1 else idx
