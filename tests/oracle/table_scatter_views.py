"""Oracle entries: scatter into views and index_reduce (ember/_ops/scatter_views.py), and the
storage-level views (ember/_ops/strided.py)."""
import numpy as np

from .harness import Op, Sample, arr

F = ('float32', 'float64')
FI = F + ('int64',)


def _slice_samples(rng, dtype):
    x = arr(rng, (4, 5), dtype)
    return [Sample((x, arr(rng, (2, 5), dtype)), {'start': 1, 'end': 3}, desc='dim0'),
            Sample((x, arr(rng, (4, 2), dtype)), {'dim': 1, 'start': 0, 'step': 3},
                   desc='dim1-step'),
            Sample((arr(rng, (4, 5), dtype, noncontig=True), arr(rng, (4, 1), dtype)),
                   {'dim': -1, 'start': -1}, desc='negative-noncontig'),
            Sample((x, arr(rng, (0, 5), dtype)), {'start': 2, 'end': 2}, desc='empty')]


def _select_samples(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype), arr(rng, (4,), dtype), 0, 1), desc='dim0'),
            Sample((arr(rng, (2, 3, 4), dtype), arr(rng, (2, 4), dtype), 1, -1),
                   desc='dim1-neg'),
            Sample((arr(rng, (3,), dtype), arr(rng, (), dtype), 0, 2), desc='1d')]


def _diagonal_samples(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype), arr(rng, (3,), dtype)), desc='2d'),
            Sample((arr(rng, (3, 4), dtype), arr(rng, (2,), dtype), -1), desc='offset-neg'),
            Sample((arr(rng, (2, 3, 3), dtype), arr(rng, (2, 2), dtype)),
                   {'offset': 1, 'dim1': 1, 'dim2': 2}, desc='batched'),
            Sample((arr(rng, (3, 2, 3), dtype, noncontig=True), arr(rng, (2, 3), dtype)),
                   {'dim1': 0, 'dim2': 2}, desc='noncontig')]


def _as_strided_scatter_samples(rng, dtype):
    return [Sample((arr(rng, (3, 3), dtype), arr(rng, (2, 2), dtype), (2, 2), (3, 1)),
                   desc='block'),
            Sample((arr(rng, (9,), dtype), arr(rng, (3,), dtype), (3,), (4,)), {'storage_offset': 0},
                   desc='diagonal'),
            Sample((arr(rng, (2, 4), dtype), arr(rng, (2,), dtype), (2,), (1,), 5),
                   desc='offset'),
            Sample((arr(rng, (3, 4), dtype, noncontig=True), arr(rng, (2, 2), dtype), (2, 2),
                    (1, 3)), desc='noncontig')]


def _index_reduce_samples(rng, dtype):
    out = []
    idx = np.array([0, 2, 0, 3])
    for reduce in ('prod', 'mean', 'amax', 'amin'):
        for include_self in (True, False):
            out.append(Sample((arr(rng, (4, 3), dtype, low=0.5), 0, idx,
                               arr(rng, (4, 3), dtype, low=0.5), reduce),
                              {'include_self': include_self}, grad=(0, 3),
                              desc=f'{reduce}-{include_self}'))
    out.append(Sample((arr(rng, (2, 5), dtype), 1, np.array([4, 1, 1]), arr(rng, (2, 3), dtype),
                       'amax'), grad=(0, 3), desc='dim1'))
    out.append(Sample((arr(rng, (2, 5), dtype), -1, np.array([], np.int64),
                       arr(rng, (2, 0), dtype), 'prod'), grad=(0, 3), desc='empty-index'))
    return out


def _as_strided_samples(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype), (2, 2), (4, 1)), desc='block'),
            Sample((arr(rng, (3, 4), dtype), (3,), (5,), 0), desc='diagonal'),
            Sample((arr(rng, (6,), dtype), (2, 3), (1, 1), 1), desc='overlapping-out'),
            Sample((arr(rng, (4, 3), dtype, noncontig=True), (2, 3), (1, 4)),
                   desc='noncontig-input')]


def _as_strided_inplace(lib, x, *args):
    return (x * 1).as_strided_(*args)


def _is_inference(rng, dtype):
    return [Sample((arr(rng, (2,), dtype),), desc='plain')]


OPS = [
    Op('slice_scatter', _slice_samples, dtypes=FI),
    Op('select_scatter', _select_samples, dtypes=FI),
    Op('diagonal_scatter', _diagonal_samples, dtypes=FI),
    # torch 2.13's derivative of as_strided_scatter w.r.t. input is wrong (it passes the
    # gradient inside the region, fails torch's own gradcheck): forward only here; ember's
    # gradient is checked numerically in tests/test_ops_views_linalg_extras.py
    Op('as_strided_scatter', _as_strided_scatter_samples, dtypes=FI, differentiable=False),
    Op('index_reduce', _index_reduce_samples, dtypes=FI),
    Op('index_reduce_', _index_reduce_samples,
       call=lambda lib, x, *a, **k: (x * 1).index_reduce_(*a, **k)),
    Op('as_strided', _as_strided_samples, dtypes=FI),
    Op('as_strided_', _as_strided_samples, call=_as_strided_inplace),
    Op('is_inference', _is_inference, differentiable=False),
]
