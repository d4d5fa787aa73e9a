"""Uniform floats and the transformations PyTorch applies to one uniform per element:
exponential, log-normal and Cauchy (spec sections 4.1 and 7)."""

import math

import numpy as np

from ._common import (_F32, _F64, _fused, _numel, _float_max, _ctype, _u24, _u53_draws, _libm,
                      _from_double)
from .fma import fma32, fma64
from .normal import _normal_scalar
from .._dtype import FLOATING


def uniform(gen, shape, dtype, low=0.0, high=1.0):
    """``torch.empty(shape, dtype=dtype).uniform_(low, high)``; ``rand`` is the
    special case ``[0, 1)``.

    Example::

        >>> from ember.random import Generator
        >>> uniform(Generator().manual_seed(0), (2,), 'float32')
        array([0.4962566, 0.7682218], dtype=float32)
    """
    dtype = np.dtype(dtype)
    if dtype not in FLOATING:
        raise TypeError(f'uniform_ is not implemented for dtype {dtype}')
    limit = _float_max(dtype)
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
        x = _u53_draws(gen, n)
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
    u = _u53_draws(gen, _numel(shape))
    vals = (-1.0 / float(lambd)) * _libm(math.log1p, -u)
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
