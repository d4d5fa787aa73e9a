"""Oracle entries: pooling and unpooling (ember/_ops/nn_pooling.py).

Max-pooling samples hold distinct values (a shuffled ramp), so the argmax, and with it the
gradient, is unambiguous; the 'ties' samples (ReLU-like zeros) only compare forward values and
indices (PyTorch keeps the first maximum of a window).
"""
import numpy as np

from .harness import Op, Sample, arr

F = ('float32', 'float64')
FI = F + ('int64',)


def _fn(name, **fixed):
    def call(lib, *args, **kwargs):
        return getattr(lib.nn.functional, name)(*args, **kwargs, **fixed)
    return call


def _distinct(rng, shape, dtype, low=-2.0, high=2.0):
    """Values without ties: a shuffled ramp with a little jitter (ints: a permutation)."""
    n = int(np.prod(shape))
    if np.dtype(dtype).kind in 'iu':
        return (rng.permutation(n) - n // 2).reshape(shape).astype(dtype)
    vals = np.linspace(low, high, n) + rng.uniform(-0.2, 0.2, n) * (high - low) / max(n, 1)
    return rng.permutation(vals).reshape(shape).astype(dtype)


def _ties(rng, shape, dtype):
    return np.maximum(arr(rng, shape, dtype), 0).astype(dtype)


def _s(rng, dt, shape, desc, gen=_distinct, **kw):
    return Sample((gen(rng, shape, dt),), kw, desc=desc)


def _max1d(rng, dt):
    return [_s(rng, dt, (2, 3, 8), 'basic', kernel_size=2),
            _s(rng, dt, (2, 2, 9), 'stride-pad', kernel_size=3, stride=2, padding=1),
            _s(rng, dt, (1, 2, 10), 'dilation', kernel_size=3, stride=1, dilation=2),
            _s(rng, dt, (3, 7), 'unbatched-ceil', kernel_size=2, ceil_mode=True),
            _s(rng, dt, (1, 1, 5), 'batch1-whole', kernel_size=5)]


def _max2d(rng, dt):
    out = [_s(rng, dt, (2, 3, 6, 6), 'basic', kernel_size=2),
           _s(rng, dt, (1, 2, 7, 8), 'stride-pad', kernel_size=3, stride=2, padding=1),
           _s(rng, dt, (2, 2, 7, 7), 'dilation-overlap', kernel_size=2, stride=1, dilation=2),
           _s(rng, dt, (1, 3, 7, 5), 'ceil-asym', kernel_size=(3, 2), stride=(2, 1),
              padding=(1, 0), ceil_mode=True),
           _s(rng, dt, (3, 5, 5), 'unbatched-ceil', kernel_size=2, ceil_mode=True),
           _s(rng, dt, (1, 1, 5, 5), 'batch1-whole', kernel_size=5),
           _s(rng, dt, (2, 2, 5, 7), 'odd-floor', kernel_size=2, stride=(2, 3)),
           _s(rng, dt, (0, 2, 4, 4), 'empty-batch', kernel_size=2)]
    if np.dtype(dt).kind == 'f':
        out.append(Sample((_ties(rng, (2, 2, 6, 6), dt),), {'kernel_size': 3, 'stride': 1,
                                                              'padding': 1}, grad=(),
                          desc='ties'))
    return out


def _max3d(rng, dt):
    return [_s(rng, dt, (1, 2, 4, 4, 4), 'basic', kernel_size=2),
            _s(rng, dt, (2, 1, 5, 4, 5), 'stride-pad-ceil', kernel_size=3, stride=2, padding=1,
               ceil_mode=True),
            _s(rng, dt, (2, 4, 5, 4), 'unbatched-dilation', kernel_size=(2, 2, 1), stride=1,
               dilation=(1, 2, 1))]


def _avg1d(rng, dt):
    return [_s(rng, dt, (2, 3, 8), 'basic', arr, kernel_size=2),
            _s(rng, dt, (2, 2, 9), 'pad', arr, kernel_size=3, stride=2, padding=1),
            _s(rng, dt, (2, 2, 9), 'pad-exclude-ceil', arr, kernel_size=3, stride=2, padding=1,
               ceil_mode=True, count_include_pad=False),
            _s(rng, dt, (3, 7), 'unbatched-ceil', arr, kernel_size=2, ceil_mode=True)]


def _avg2d(rng, dt):
    return [_s(rng, dt, (2, 3, 6, 6), 'basic', arr, kernel_size=2),
            _s(rng, dt, (1, 2, 7, 8), 'stride-pad', arr, kernel_size=3, stride=2, padding=1),
            _s(rng, dt, (2, 2, 6, 7), 'exclude-pad-ceil', arr, kernel_size=3, stride=2,
               padding=1, ceil_mode=True, count_include_pad=False),
            _s(rng, dt, (2, 2, 6, 7), 'include-pad-ceil', arr, kernel_size=3, stride=2,
               padding=1, ceil_mode=True),
            _s(rng, dt, (3, 5, 6), 'unbatched-divisor', arr, kernel_size=(2, 3), stride=1,
               divisor_override=5),
            _s(rng, dt, (1, 1, 5, 5), 'batch1-overlap', arr, kernel_size=3, stride=1)]


def _avg3d(rng, dt):
    return [_s(rng, dt, (1, 2, 4, 4, 4), 'basic', arr, kernel_size=2),
            _s(rng, dt, (2, 1, 5, 4, 5), 'pad-exclude-ceil', arr, kernel_size=3, stride=2,
               padding=1, ceil_mode=True, count_include_pad=False),
            _s(rng, dt, (2, 4, 5, 4), 'unbatched-divisor', arr, kernel_size=(2, 2, 1), stride=1,
               divisor_override=3)]


def _aavg1d(rng, dt):
    return [Sample((arr(rng, (2, 3, 8), dt), 4), desc='divisible'),
            Sample((arr(rng, (2, 3, 7), dt), 3), desc='uneven'),
            Sample((arr(rng, (3, 3), dt), 5), desc='unbatched-upsize'),
            Sample((arr(rng, (1, 2, 6), dt), 1), desc='global')]


def _aavg2d(rng, dt):
    return [Sample((arr(rng, (2, 3, 6, 6), dt), 3), desc='divisible'),
            Sample((arr(rng, (2, 2, 7, 5), dt), (3, 2)), desc='uneven'),
            Sample((arr(rng, (3, 5, 4), dt), (None, 3)), desc='unbatched-none'),
            Sample((arr(rng, (1, 2, 3, 3), dt), 5), desc='upsize'),
            Sample((arr(rng, (2, 3, 4, 5), dt), 1), desc='global')]


def _aavg3d(rng, dt):
    return [Sample((arr(rng, (1, 2, 4, 4, 4), dt), 2), desc='divisible'),
            Sample((arr(rng, (2, 1, 5, 3, 4), dt), (2, 2, 3)), desc='uneven'),
            Sample((arr(rng, (2, 3, 3, 3), dt), 1), desc='unbatched-global')]


def _amax1d(rng, dt):
    return [Sample((_distinct(rng, (2, 3, 8), dt), 4), desc='divisible'),
            Sample((_distinct(rng, (2, 3, 7), dt), 3), desc='uneven'),
            Sample((_distinct(rng, (3, 3), dt), 5), desc='unbatched-upsize')]


def _amax2d(rng, dt):
    return [Sample((_distinct(rng, (2, 3, 6, 6), dt), 3), desc='divisible'),
            Sample((_distinct(rng, (2, 2, 7, 5), dt), (3, 2)), desc='uneven'),
            Sample((_distinct(rng, (3, 5, 4), dt), (None, 3)), desc='unbatched-none'),
            Sample((_distinct(rng, (1, 2, 3, 3), dt), 5), desc='upsize')]


def _amax3d(rng, dt):
    return [Sample((_distinct(rng, (1, 2, 4, 4, 4), dt), 2), desc='divisible'),
            Sample((_distinct(rng, (2, 1, 5, 3, 4), dt), (2, 2, 3)), desc='uneven')]


def _lp1d(rng, dt):
    return [Sample((arr(rng, (2, 3, 8), dt), 2, 2), desc='p2'),
            Sample((arr(rng, (2, 3, 9), dt, positive=True), 3, 3), {'stride': 2}, desc='p3'),
            Sample((arr(rng, (3, 7), dt, positive=True), 1.5, 2), {'ceil_mode': True},
                   desc='unbatched-ceil'),
            Sample((_distinct(rng, (2, 2, 6), dt), float('inf'), 2), desc='inf')]


def _lp2d(rng, dt):
    return [Sample((arr(rng, (2, 3, 6, 6), dt), 2, 2), desc='p2'),
            Sample((arr(rng, (1, 2, 7, 6), dt, positive=True), 3, (3, 2)), {'stride': (2, 1)},
                   desc='p3-stride'),
            Sample((arr(rng, (3, 5, 5), dt, positive=True), 1.5, 2), {'ceil_mode': True},
                   desc='unbatched-ceil'),
            Sample((_distinct(rng, (2, 2, 4, 4), dt), float('inf'), 2), desc='inf')]


def _lp3d(rng, dt):
    return [Sample((arr(rng, (1, 2, 4, 4, 4), dt), 2, 2), desc='p2'),
            Sample((arr(rng, (2, 3, 4, 3), dt, positive=True), 3, (2, 2, 1)), desc='unbatched')]


def _unpool_idx(rng, lead, pooled, k, out):
    """Indices of a random cell inside each (k-strided) window, flat in ``out``-sized planes."""
    n = len(pooled)
    strides = [int(np.prod(out[i + 1:])) for i in range(n)]
    idx = np.zeros(lead + pooled, np.int64)
    for i, (p, kk, st) in enumerate(zip(pooled, k, strides)):
        shape = [1] * (len(lead) + n)
        shape[len(lead) + i] = p
        pos = np.arange(p).reshape(shape) * kk + rng.integers(0, kk, size=lead + pooled)
        idx += pos * st
    return idx


def _unpool(n):
    def samples(rng, dt):
        k = (2,) * n
        pooled = (3, 2, 2)[:n]
        out = tuple(p * 2 for p in pooled)
        res = []
        for lead, desc, kw, osz in (((2, 3), 'basic', {}, out),
                                    ((2,), 'unbatched', {}, out),
                                    ((1, 2), 'output-size', {'output_size': tuple(
                                        o + 1 for o in out)}, tuple(o + 1 for o in out))):
            idx = _unpool_idx(rng, lead, pooled, k, osz)
            res.append(Sample((arr(rng, lead + pooled, dt), idx, 2), kw, grad=(0,), desc=desc))
        return res
    return samples


def _frac(n):
    def samples(rng, dt):
        sp, lead = ((7, 6), (2, 3)) if n == 2 else ((6, 5, 5), (1, 2))
        smp = rng.random(lead + (n,)).astype(dt)
        return [Sample((_distinct(rng, lead + sp, dt), 2), {'output_size': 3}, desc='size'),
                Sample((_distinct(rng, lead[1:] + sp, dt), (3, 2, 2)[:n]),
                       {'output_ratio': (0.5,) * n}, desc='ratio-unbatched'),
                Sample((_distinct(rng, lead + sp, dt), 2),
                       {'output_size': (4, 3, 2)[:n], '_random_samples': smp},
                       desc='given-samples')]
    return samples


OPS = [
    Op('max_pool1d', _max1d, covers=('F.max_pool1d',)),
    Op('F.max_pool1d_indices', _max1d, call=_fn('max_pool1d', return_indices=True),
       dtypes=FI, nondiff_outputs=(1,)),
    Op('max_pool1d_with_indices', _max1d, dtypes=FI, nondiff_outputs=(1,),
       covers=('F.max_pool1d_with_indices',)),
    Op('max_pool2d', _max2d, dtypes=FI, covers=('F.max_pool2d',)),
    Op('F.max_pool2d_indices', _max2d, call=_fn('max_pool2d', return_indices=True),
       dtypes=FI, nondiff_outputs=(1,)),
    Op('F.max_pool2d_with_indices', _max2d, call=_fn('max_pool2d_with_indices'),
       nondiff_outputs=(1,)),
    Op('max_pool3d', _max3d, covers=('F.max_pool3d',)),
    Op('F.max_pool3d_with_indices', _max3d, call=_fn('max_pool3d_with_indices'),
       nondiff_outputs=(1,)),
    Op('F.max_unpool1d', _unpool(1), call=_fn('max_unpool1d')),
    Op('F.max_unpool2d', _unpool(2), call=_fn('max_unpool2d')),
    Op('F.max_unpool3d', _unpool(3), call=_fn('max_unpool3d')),
    Op('avg_pool1d', _avg1d, dtypes=FI, covers=('F.avg_pool1d',)),
    Op('F.avg_pool2d', _avg2d, call=_fn('avg_pool2d'), dtypes=FI),
    Op('F.avg_pool3d', _avg3d, call=_fn('avg_pool3d')),
    Op('adaptive_avg_pool1d', _aavg1d, covers=('F.adaptive_avg_pool1d',)),
    Op('F.adaptive_avg_pool2d', _aavg2d, call=_fn('adaptive_avg_pool2d')),
    Op('F.adaptive_avg_pool3d', _aavg3d, call=_fn('adaptive_avg_pool3d')),
    Op('adaptive_max_pool1d', _amax1d, nondiff_outputs=(1,)),
    Op('F.adaptive_max_pool1d', _amax1d, call=_fn('adaptive_max_pool1d')),
    Op('F.adaptive_max_pool1d_with_indices', _amax1d,
       call=_fn('adaptive_max_pool1d_with_indices'), nondiff_outputs=(1,)),
    Op('F.adaptive_max_pool2d', _amax2d, call=_fn('adaptive_max_pool2d', return_indices=True),
       nondiff_outputs=(1,)),
    Op('F.adaptive_max_pool2d_with_indices', _amax2d,
       call=_fn('adaptive_max_pool2d_with_indices'), nondiff_outputs=(1,)),
    Op('F.adaptive_max_pool3d', _amax3d, call=_fn('adaptive_max_pool3d')),
    Op('F.adaptive_max_pool3d_with_indices', _amax3d,
       call=_fn('adaptive_max_pool3d_with_indices'), nondiff_outputs=(1,)),
    Op('F.lp_pool1d', _lp1d, call=_fn('lp_pool1d')),
    Op('F.lp_pool2d', _lp2d, call=_fn('lp_pool2d')),
    Op('F.lp_pool3d', _lp3d, call=_fn('lp_pool3d')),
    Op('F.fractional_max_pool2d', _frac(2), call=_fn('fractional_max_pool2d'), random=True),
    Op('F.fractional_max_pool2d_with_indices', _frac(2), random=True, nondiff_outputs=(1,),
       call=_fn('fractional_max_pool2d_with_indices')),
    Op('F.fractional_max_pool3d', _frac(3), call=_fn('fractional_max_pool3d', return_indices=True),
       random=True, nondiff_outputs=(1,)),
    Op('F.fractional_max_pool3d_with_indices', _frac(3), random=True, nondiff_outputs=(1,),
       call=_fn('fractional_max_pool3d_with_indices')),
]
