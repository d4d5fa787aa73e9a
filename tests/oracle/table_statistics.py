"""Oracle entries: quantiles, differences and the trapezoid rule, covariance, histograms,
p-norm ops, logcumsumexp and isin (ember/_ops/quantiles.py, finite_differences.py,
covariance.py, histograms.py, norm_ops.py, log_scans.py, membership.py)."""
import numpy as np

from .harness import Op, Sample, arr

FLOATS = ('float32', 'float64')
INTS = ('int64', 'int32')


def _distinct(rng, shape, dtype):
    """Values without ties, so sort-based ops are differentiable everywhere."""
    n = int(np.prod(shape))
    vals = np.linspace(-2, 2, n) + rng.uniform(-0.1, 0.1, n) * 4 / max(n, 1)
    return rng.permutation(vals).reshape(shape).astype(dtype)


def _quantile_call(name):
    def call(lib, x, q, **kw):
        if isinstance(q, lib.Tensor):
            q = q.to(x.dtype)
        return getattr(lib, name)(x, q, **kw)
    return call


def _quantile_samples(nan=False):
    def samples(rng, dtype):
        def a(shape):
            x = _distinct(rng, shape, dtype)
            if nan:
                x[rng.random(shape) < 0.25] = np.nan
            return x
        qs = np.array([0.12, 0.33, 0.46, 0.91], dtype)  # no rank lands on a whole number
        out = [Sample((a((7,)), 0.4), desc='all'),
               Sample((a((3, 5)), qs), {'dim': 1}, desc='dim1-qvec'),
               Sample((a((3, 5)), 0.25), {'dim': 0, 'keepdim': True}, desc='keepdim'),
               Sample((a((2, 3, 4)), qs), {'dim': None, 'keepdim': True}, desc='all-keepdim'),
               Sample((a(()), 0.5), desc='0d')]
        for mode in ('lower', 'higher', 'midpoint', 'nearest'):
            out.append(Sample((a((3, 6)), qs), {'dim': -1, 'interpolation': mode}, desc=mode))
        return out
    return samples


def _diff_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype)
    return [Sample((a((6,)),), desc='1d'),
            Sample((a((3, 5)),), {'n': 2, 'dim': 0}, desc='n2-dim0'),
            Sample((a((3, 5)),), {'n': 3, 'dim': -1}, desc='n3'),
            Sample((a((3, 4)),), {'prepend': a((3, 2)), 'append': a((3, 1))}, desc='ends'),
            Sample((a((4,)),), {'n': 6}, desc='n-past-size'),
            Sample((a((0, 3)),), {'dim': 1}, desc='empty')]


def _diff_ends_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype)
    return [Sample((a((3, 4)), 1, 1, a((3, 2)), a((3, 1))), desc='prepend-append-grad')]


def _trapezoid_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype)
    return [Sample((a((6,)),), desc='dx1'),
            Sample((a((3, 5)), a((5,))), desc='x-1d'),
            Sample((a((3, 5)), a((3, 5))), {'dim': 1}, desc='x-full'),
            Sample((a((4, 3)), a((4, 1))), {'dim': 0}, desc='x-bcast'),
            Sample((a((3, 4)),), {'dx': 0.5, 'dim': 0}, desc='dx'),
            Sample((a((3, 0)),), desc='empty')]


def _cov_samples(rng, dtype):
    a = lambda shape, **kw: arr(rng, shape, dtype, **kw)
    float_w = np.dtype(dtype).kind == 'f'
    out = [Sample((a((3, 6)),), desc='2d'),
           Sample((a((7,)),), desc='1d'),
           Sample((a((2, 5)),), {'correction': 0}, desc='correction0'),
           Sample((a((4, 3)),), {'correction': 2}, desc='correction2'),
           Sample((a((3, 5)),), {'fweights': rng.integers(1, 4, 5)}, desc='fweights')]
    if float_w:
        out += [Sample((a((3, 5)),), {'aweights': a((5,), positive=True)}, desc='aweights'),
                Sample((a((3, 5)),), {'fweights': rng.integers(1, 4, 5),
                                      'aweights': a((5,), positive=True), 'correction': 2},
                       desc='both-weights')]
    return out


def _corrcoef_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype)
    return [Sample((a((3, 6)),), desc='2d'), Sample((a((5,)),), desc='1d')]


def _histogram_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype)
    return [Sample((a((20,)), 5), desc='bins-int'),
            Sample((a((4, 5)), 4), {'range': (-1.0, 1.0), 'density': True}, desc='range-density'),
            Sample((a((20,)), np.array([-2., -0.5, 0., 1.5, 2.], dtype)), desc='bins-tensor'),
            Sample((a((20,)), 3), {'weight': arr(rng, (20,), dtype, positive=True)},
                   desc='weight'),
            Sample((a((0,)), 3), desc='empty')]


def _dist_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype)
    return [Sample((a((3, 4)), a((3, 4))), desc='p2'),
            Sample((a((3, 4)), a((4,))), {'p': 1}, desc='p1-bcast'),
            Sample((a((5,)), a((5,))), {'p': 3}, desc='p3'),
            Sample((a((5,)), a((5,))), {'p': 0.5}, desc='p0.5'),
            Sample((a(()), a((3,))), {'p': 4}, desc='0d')]


def _dist_inf_samples(rng, dtype):
    a = lambda shape: _distinct(rng, shape, dtype)
    return [Sample((a((3, 4)), np.zeros((3, 4), dtype)), {'p': float('inf')}, desc='inf')]


def _renorm_samples(rng, dtype):
    def a(shape):
        return arr(rng, shape, dtype, low=-3, high=3)
    return [Sample((a((3, 4)), 2, 0, 2.0), desc='p2-dim0'),
            Sample((a((3, 4)), 1, 1, 2.5), desc='p1-dim1'),
            Sample((a((2, 3, 4)), 3, -1, 1.5), desc='p3-3d'),
            Sample((a((4, 2)), 2, 0, 100.0), desc='all-below')]


def _logcumsumexp_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype, low=-5, high=5)
    return [Sample((a((6,)), 0), desc='1d'),
            Sample((a((3, 5)), 1), desc='dim1'),
            Sample((a((3, 4, 2)), -3), desc='dim0-3d'),
            Sample((a(()), 0), desc='0d'),
            Sample((a((0, 3)), 1), desc='empty')]


def _isin_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype)
    return [Sample((a((3, 4)), a((5,))), desc='tensors'),
            Sample((a((3, 4)), a((5,))), {'invert': True}, desc='invert'),
            Sample((a((6,)), a((2, 2))), {'assume_unique': True}, desc='assume-unique'),
            Sample((a((6,)), 2), desc='scalar-test'),
            Sample((2, a((6,))), desc='scalar-element'),
            Sample((a((0,)), a((3,))), desc='empty')]


OPS = [
    Op('quantile', _quantile_samples(), call=_quantile_call('quantile')),
    Op('nanquantile', _quantile_samples(nan=True), call=_quantile_call('nanquantile')),
    Op('diff', _diff_samples, dtypes=FLOATS + INTS + ('bool', 'uint8')),
    Op('diff_prepend_append', _diff_ends_samples, call=lambda lib, *a: lib.diff(*a)),
    Op('trapezoid', _trapezoid_samples, dtypes=FLOATS + INTS, covers=('trapz',)),
    Op('trapz', _trapezoid_samples, dtypes=FLOATS),
    Op('cumulative_trapezoid', _trapezoid_samples, dtypes=FLOATS + ('int64',)),
    Op('cov', _cov_samples, dtypes=FLOATS + ('int64',)),
    Op('corrcoef', _corrcoef_samples, dtypes=FLOATS + ('int64',)),
    Op('histogram', _histogram_samples, differentiable=False),
    Op('dist', _dist_samples),
    Op('dist_inf', _dist_inf_samples, call=lambda lib, *a, **k: lib.dist(*a, **k),
       gradgrad=False),
    Op('renorm', _renorm_samples),
    Op('logcumsumexp', _logcumsumexp_samples),
    Op('isin', _isin_samples, dtypes=FLOATS + INTS, differentiable=False),
]
