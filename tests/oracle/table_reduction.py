"""Oracle entries: reductions, scans, sorting and unique (ember/_ops/reduction.py, minmax.py,
statistics.py, cumulative.py, sorting.py)."""
import math

import numpy as np

from .harness import Op, Sample, arr

INTS = ('int64', 'int32')
FLOATS = ('float32', 'float64')


def _arr(rng, shape, dtype, **kw):
    return np.asarray(arr(rng, shape, dtype, **kw))


def _distinct(rng, shape, dtype, low=-2.0, high=2.0):
    """Random values without ties (so max/sort/median are differentiable everywhere)."""
    n = int(np.prod(shape))
    if np.dtype(dtype).kind in 'iu':
        return np.asarray(rng.permutation(n).reshape(shape) - (n // 2 if np.dtype(
            dtype).kind == 'i' else 0)).astype(dtype)
    vals = np.linspace(low, high, n) + rng.uniform(-0.1, 0.1, n) * (high - low) / max(n, 1)
    return rng.permutation(vals).reshape(shape).astype(dtype)


def _ties(rng, shape, dtype):
    return np.asarray(rng.integers(0, 3, size=shape)).astype(dtype)


def _with_nan(rng, shape, dtype):
    a = arr(rng, shape, dtype)
    a[rng.random(shape) < 0.3] = np.nan
    return a


def _full_reduce(gen=arr, tuple_dims=True, whole=True):
    """Reductions taking ``dim`` (int or tuple) and ``keepdim``."""
    def samples(rng, dtype):
        a = lambda shape: np.asarray(gen(rng, shape, dtype))
        out = []
        if whole:
            out += [Sample((a((3, 4)),), desc='all'),
                    Sample((a(()),), desc='0d'),
                    Sample((a((2, 3)),), {'dim': None, 'keepdim': True}, desc='all-keepdim')]
        out += [Sample((a((3, 4)),), {'dim': 1}, desc='dim1'),
                Sample((a((2, 3, 4)),), {'dim': -1, 'keepdim': True}, desc='neg-keepdim'),
                Sample((a(()),), {'dim': 0}, desc='0d-dim'),
                Sample((np.asfortranarray(a((3, 4))),), {'dim': 0}, desc='noncontig'),
                Sample((a((0, 3)),), {'dim': 1}, desc='empty')]
        if tuple_dims:
            out += [Sample((a((2, 3, 4)),), {'dim': (0, 2)}, desc='tuple'),
                    Sample((a((2, 3, 4)),), {'dim': (-1, 0), 'keepdim': True},
                           desc='tuple-keepdim'),
                    Sample((a((2, 3)),), {'dim': ()}, desc='empty-tuple')]
        return out
    return samples


def _full_reduce_empty(rng, dtype):
    return [Sample((arr(rng, (0, 3), dtype),), desc='empty-all'),
            Sample((arr(rng, (2, 0), dtype),), {'dim': 0}, desc='empty-dim')]


def _with_zeros(rng, shape, dtype):
    a = arr(rng, shape, dtype)
    a[rng.random(shape) < 0.25] = 0
    return a


def _prod_samples(rng, dtype):
    arr = _arr
    z = np.array([[2., 0., 3.], [0., 0., 1.], [1., 2., 3.]], dtype)
    return [Sample((arr(rng, (3, 4), dtype),), desc='all'),
            Sample((arr(rng, (), dtype),), desc='0d'),
            Sample((arr(rng, (3, 4), dtype),), {'dim': 1}, desc='dim1'),
            Sample((arr(rng, (2, 3, 4), dtype),), {'dim': -2, 'keepdim': True}, desc='keepdim'),
            Sample((np.asfortranarray(arr(rng, (3, 4), dtype)),), {'dim': 0}, desc='noncontig'),
            Sample((arr(rng, (0, 3), dtype),), {'dim': 0}, desc='empty'),
            Sample((z,), {'dim': 1}, desc='zeros-dim'),
            Sample((z[0].copy(),), desc='one-zero'),
            Sample((z[1].copy(),), desc='two-zeros'),
            Sample((_with_zeros(rng, (3, 5), dtype),), {'dim': 0}, desc='random-zeros')]


def _dtype_call(name, target='float64'):
    def call(lib, x, *args, **kw):
        return getattr(lib, name)(x, *args, dtype=getattr(lib, target), **kw)
    return call


def _dim_samples(gen=_distinct, k_arg=None, zero_d=True, empty=True, default_dim=False):
    """Ops reducing one int ``dim`` (max(dim), median(dim), sort, cumsum, ...)."""
    def samples(rng, dtype):
        a = lambda shape: gen(rng, shape, dtype)
        pre = () if k_arg is None else (k_arg,)
        out = [Sample((a((3, 4)),) + pre, {'dim': 1}, desc='dim1'),
               Sample((a((2, 3, 4)),) + pre, {'dim': -2}, desc='neg'),
               Sample((a((2, 3, 4)),) + pre, {'dim': 0}, desc='dim0'),
               Sample((np.asfortranarray(a((3, 4))),) + pre, {'dim': 1}, desc='noncontig')]
        if zero_d:
            out.append(Sample((a(()),) + (() if k_arg is None else (1,)), {'dim': 0},
                              desc='0d'))
        if empty:
            out.append(Sample((a((0, 3)),) + pre, {'dim': 1}, desc='empty'))
        if default_dim:
            out.append(Sample((a((3, 4)),) + pre, desc='default-dim'))
        return out
    return samples


def _keepdim(samples):
    def gen(rng, dtype):
        out = samples(rng, dtype)
        extra = [Sample(s.args, dict(s.kwargs, keepdim=True), desc=s.desc + '-keepdim')
                 for s in out[:2]]
        return out + extra
    return gen


def _whole(gen=_distinct):
    def samples(rng, dtype):
        return [Sample((gen(rng, (3, 4), dtype),), desc='2d'),
                Sample((gen(rng, (), dtype),), desc='0d'),
                Sample((np.asfortranarray(gen(rng, (3, 5), dtype)),), desc='noncontig')]
    return samples


def _whole_ties(rng, dtype):
    return [Sample((np.array([[3., 1., 3.], [2., 2., 0.]], dtype),), desc='ties'),
            Sample((np.array([1., 2., 2., 3.], dtype),), desc='ties-median'),
            Sample((np.array([1., np.nan, 3., np.nan, 2.], dtype),), desc='nan')]


def _dim_ties(rng, dtype):
    return [Sample((_ties(rng, (3, 20), dtype),), {'dim': 1}, desc='ties'),
            Sample((_ties(rng, (20, 3), dtype),), {'dim': 0}, desc='ties-dim0')]


def _dim_ties_k(k):
    def gen(rng, dtype):
        return [Sample((_ties(rng, (3, 20), dtype), k), {'dim': 1}, desc='ties'),
                Sample((_ties(rng, (20, 3), dtype), k), {'dim': 0}, desc='ties-dim0'),
                Sample((_ties(rng, (2, 7), dtype), 2), {'dim': 1}, desc='ties-small')]
    return gen


def _nan_dim(rng, dtype):
    a = _distinct(rng, (4, 6), dtype)
    a[rng.random(a.shape) < 0.3] = np.nan
    a[1] = np.nan
    return [Sample((a,), {'dim': 1}, desc='nan'), Sample((a,), {'dim': 0}, desc='nan-dim0')]


def _var_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype)
    return [Sample((a((3, 4)),), desc='all'),
            Sample((a((3, 4)),), {'dim': 1}, desc='dim'),
            Sample((a((2, 3, 4)),), {'dim': (0, 2), 'keepdim': True}, desc='tuple-keepdim'),
            Sample((a((3, 4)),), {'dim': -1, 'correction': 0}, desc='correction0'),
            Sample((a((3, 5)),), {'dim': 1, 'correction': 2}, desc='correction2'),
            Sample((a((3, 4)),), {'dim': 0, 'unbiased': False}, desc='unbiased-false'),
            Sample((a((3, 4)),), {'dim': None, 'keepdim': True}, desc='all-keepdim'),
            Sample((np.asfortranarray(a((3, 4))),), {'dim': 0}, desc='noncontig'),
            Sample((a((0, 3)),), {'dim': 1}, desc='empty')]


def _norm_call(lib, x, *args, **kw):
    return lib.norm(x, *args, **kw)


def _norm_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype, low=-2, high=2)
    out = []
    for p in (2, 3, 1.5, 0.5, -1, 'fro'):
        out.append(Sample((a((3, 4)), p), desc=f'p{p}'))
    out += [Sample((a((3, 4)), 2, 1), desc='dim'),
            Sample((a((2, 3, 4)), 3, (0, 2), True), desc='tuple-keepdim'),
            Sample((a((2, 3, 4)), 'fro', (1, 2)), desc='fro-dims'),
            Sample((a(()),), desc='0d'),
            Sample((np.asfortranarray(a((3, 4))),), {'dim': 0}, desc='noncontig'),
            Sample((a((0, 3)),), {'dim': 1}, desc='empty'),
            Sample((a((3, 4)),), {'keepdim': True}, desc='keepdim'),
            Sample((np.array([3., 0., -4.], dtype),), desc='p2-with-zero')]
    return out


def _norm_linear_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype, low=-2, high=2)
    return [Sample((a((3, 4)), 1), desc='p1'),
            Sample((a((3, 4)), math.inf), desc='inf'),
            Sample((a((3, 4)), -math.inf), desc='-inf'),
            Sample((a((3, 4)), math.inf, -1, True), desc='inf-dim'),
            Sample((a((2, 3)), 1, (0, 1)), desc='p1-dims'),
            Sample((np.array([2., -2., 1.], dtype), math.inf), desc='inf-ties')]


def _norm_p0(rng, dtype):
    return [Sample((np.array([[1., 0., -2.], [0., 0., 3.]], dtype), 0), desc='p0'),
            Sample((np.array([[1., 0., -2.], [0., 0., 3.]], dtype), 0, 1), desc='p0-dim')]


def _lse_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype, low=-3, high=3)
    out = [Sample((a((3, 4)), 1), desc='dim'),
           Sample((a((2, 3, 4)), (0, 2), True), desc='tuple-keepdim'),
           Sample((a((2, 3)), -1), desc='neg'),
           Sample((a(()), 0), desc='0d'),
           Sample((np.asfortranarray(a((3, 4))), 0), desc='noncontig'),
           Sample((a((0, 3)), 1), desc='empty')]
    if np.dtype(dtype).kind == 'f':
        out.append(Sample((np.array([1000., 1000.5, -1000.], dtype), 0), desc='large'))
    return out


def _cum_samples(rng, dtype):
    a = lambda shape: np.asarray(arr(rng, shape, dtype))
    return [Sample((a((3, 4)), 1), desc='dim'),
            Sample((a((2, 3, 4)), -2), desc='neg'),
            Sample((a(()), 0), desc='0d'),
            Sample((np.asfortranarray(a((3, 4))), 0), desc='noncontig'),
            Sample((a((0, 3)), 1), desc='empty')]


def _cumprod_samples(rng, dtype):
    out = _cum_samples(rng, dtype)
    out += [Sample((np.array([[2., 0., 3., 0., 4.], [2., 3., 0., 4., 5.], [0., 1., 2., 3., 4.]],
                             dtype), 1), desc='zeros'),
            Sample((_with_zeros(rng, (5, 3), dtype), 0), desc='random-zeros')]
    return out


def _cumext_samples(rng, dtype):
    return _dim_samples(empty=False)(rng, dtype)


def _cumext_empty(rng, dtype):
    return [Sample((arr(rng, (0, 3), dtype),), {'dim': 1}, desc='empty'),
            Sample((arr(rng, (2, 0), dtype),), {'dim': 0}, desc='empty-other')]


def _cumext_ties(rng, dtype):
    return _dim_ties(rng, dtype) + [
        Sample((np.array([1., np.nan, 3., 0., np.nan, 5.], dtype),), {'dim': 0}, desc='nan'),
        Sample((np.array([[np.nan, 1., np.nan, 2.]], dtype),), {'dim': 1}, desc='nan-first')]


def _logical_samples(rng, dtype):
    a = lambda shape: np.asarray(arr(rng, shape, dtype) * (rng.random(shape) < 0.7)).astype(dtype)
    return [Sample((a((3, 4)),), desc='all'),
            Sample((a((3, 4)),), {'dim': 1}, desc='dim'),
            Sample((a((2, 3, 4)),), {'dim': (0, 2), 'keepdim': True}, desc='tuple-keepdim'),
            Sample((a((2, 3)),), {'dim': -1, 'keepdim': True}, desc='keepdim'),
            Sample((a(()),), desc='0d'),
            Sample((a((0, 3)),), desc='empty'),
            Sample((a((0, 3)),), {'dim': 0}, desc='empty-dim')]


def _cnz_samples(rng, dtype):
    a = lambda shape: np.asarray(arr(rng, shape, dtype) * (rng.random(shape) < 0.6)).astype(dtype)
    return [Sample((a((3, 4)),), desc='all'), Sample((a((3, 4)),), {'dim': 1}, desc='dim'),
            Sample((a((2, 3, 4)),), {'dim': (0, -1)}, desc='tuple'),
            Sample((a(()),), desc='0d'), Sample((a((0, 3)),), {'dim': 0}, desc='empty')]


def _arg_samples(rng, dtype):
    out = []
    for gen in (_distinct, _ties):
        a = lambda shape: gen(rng, shape, dtype)
        out += [Sample((a((3, 4)),), desc='all'),
                Sample((a((3, 4)),), {'dim': 1}, desc='dim'),
                Sample((a((2, 3, 4)),), {'dim': -2, 'keepdim': True}, desc='keepdim'),
                Sample((a((2, 3)),), {'keepdim': True}, desc='all-keepdim'),
                Sample((a(()),), desc='0d'), Sample((a(()),), {'dim': 0}, desc='0d-dim'),
                Sample((a((0, 3)),), {'dim': 1}, desc='empty')]
    if np.dtype(dtype).kind == 'f':
        out.append(Sample((np.array([1., np.nan, 5., np.nan], dtype),), desc='nan'))
    return out


def _aminmax_samples(rng, dtype):
    a = lambda shape: _distinct(rng, shape, dtype)
    return [Sample((a((3, 4)),), desc='all'), Sample((a((3, 4)),), {'dim': 1}, desc='dim'),
            Sample((a((2, 3, 4)),), {'dim': -1, 'keepdim': True}, desc='keepdim'),
            Sample((a(()),), desc='0d'), Sample((a((0, 3)),), {'dim': 1}, desc='empty')]


def _topk_samples(rng, dtype):
    a = lambda shape: _distinct(rng, shape, dtype)
    return [Sample((a((3, 5)), 2), desc='k2'),
            Sample((a((3, 5)), 3), {'dim': 0, 'largest': False}, desc='smallest'),
            Sample((a((2, 3, 4)), 4), {'dim': -1, 'sorted': True}, desc='k=n'),
            Sample((a((2, 6)), 3), {'sorted': False}, desc='unsorted'),
            Sample((a((2, 200)), 2), {'dim': 1}, desc='partial-sort'),
            Sample((a((3, 4)), 0), desc='k0'),
            Sample((a(()), 1), desc='0d'),
            Sample((np.asfortranarray(a((3, 4))), 2), {'dim': 0}, desc='noncontig')]


def _topk_ties(rng, dtype):
    out = []
    for k, sorted_ in ((3, True), (5, False), (1, True)):
        out.append(Sample((_ties(rng, (3, 20), dtype), k), {'sorted': sorted_},
                          desc=f'ties-k{k}'))
    out.append(Sample((_ties(rng, (2, 300), dtype), 3), {'largest': False}, desc='ties-partial'))
    return out


def _sort_samples(rng, dtype):
    a = lambda shape: _distinct(rng, shape, dtype)
    return [Sample((a((3, 5)),), desc='default'),
            Sample((a((3, 5)),), {'dim': 0, 'descending': True}, desc='desc'),
            Sample((a((2, 3, 4)),), {'dim': -2, 'stable': True}, desc='stable'),
            Sample((a(()),), desc='0d'),
            Sample((a((0, 3)),), desc='empty'),
            Sample((np.asfortranarray(a((3, 4))),), {'dim': 0}, desc='noncontig')]


def _sort_ties(rng, dtype):
    out = []
    for desc in (False, True):
        for stable in (False, True):
            out.append(Sample((_ties(rng, (3, 40), dtype),),
                              {'descending': desc, 'stable': stable},
                              desc=f'ties-{desc}-{stable}'))
    if np.dtype(dtype).kind == 'f':
        out.append(Sample((np.array([3., np.nan, 1., 2., np.nan, 1.], dtype),), desc='nan'))
        out.append(Sample((np.array([3., np.nan, 1., 2., np.nan, 1.], dtype),),
                          {'descending': True}, desc='nan-desc'))
    return out


def _unique_samples(rng, dtype):
    a = lambda shape: np.asarray(rng.integers(0, 4, size=shape)).astype(dtype)
    out = []
    for inv, cnt in ((False, False), (True, False), (False, True), (True, True)):
        out.append(Sample((a((3, 5)),), {'return_inverse': inv, 'return_counts': cnt},
                          desc=f'inv{inv}-cnt{cnt}'))
    out += [Sample((a((4, 2)),), {'dim': 0, 'return_inverse': True, 'return_counts': True},
                   desc='dim0'),
            Sample((a((2, 5)),), {'dim': 1, 'return_inverse': True}, desc='dim1'),
            Sample((a(()),), {'return_inverse': True, 'return_counts': True}, desc='0d'),
            Sample((a((0, 3)),), {'return_inverse': True, 'return_counts': True}, desc='empty'),
            Sample((a((3, 5)),), {'sorted': False}, desc='unsorted')]
    if np.dtype(dtype).kind == 'f':
        out.append(Sample((np.array([np.nan, 1., np.nan, 1.], dtype),),
                          {'return_inverse': True, 'return_counts': True}, desc='nan'))
    return out


def _uc_samples(rng, dtype):
    a = lambda shape: np.asarray(rng.integers(0, 2, size=shape)).astype(dtype)
    out = []
    for inv, cnt in ((False, False), (True, True)):
        out.append(Sample((a((12,)),), {'return_inverse': inv, 'return_counts': cnt},
                          desc=f'inv{inv}'))
    out += [Sample((a((3, 4)),), {'return_inverse': True}, desc='2d'),
            Sample((np.array([[1, 2], [1, 2], [3, 4], [1, 2]]).astype(dtype),),
                   {'dim': 0, 'return_inverse': True, 'return_counts': True}, desc='dim0'),
            Sample((a((2, 6)),), {'dim': 1, 'return_counts': True}, desc='dim1'),
            Sample((a(()),), {'return_inverse': True, 'return_counts': True}, desc='0d'),
            Sample((a((0,)),), {'return_counts': True}, desc='empty')]
    return out


def _binary_max_samples(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype), arr(rng, (4,), dtype)), desc='bcast')]


def _kth_samples(rng, dtype):
    a = lambda shape: _distinct(rng, shape, dtype)
    return [Sample((a((3, 5)), 2), desc='default-dim'),
            Sample((a((3, 5)), 1), {'dim': 0}, desc='dim0'),
            Sample((a((2, 3, 4)), 4), {'dim': -1, 'keepdim': True}, desc='keepdim'),
            Sample((a(()), 1), desc='0d'),
            Sample((a((0, 3)), 1), {'dim': 1}, desc='empty'),
            Sample((np.asfortranarray(a((3, 4))), 3), {'dim': 0}, desc='noncontig')]


def _mode_samples(rng, dtype):
    out = [Sample((_ties(rng, (3, 6), dtype),), desc='default-dim'),
           Sample((_ties(rng, (5, 3), dtype),), {'dim': 0, 'keepdim': True}, desc='dim0'),
           Sample((_ties(rng, (2, 30), dtype),), {'dim': 1}, desc='long'),
           Sample((np.array(2, dtype),), desc='0d'),
           Sample((_ties(rng, (3, 0), dtype),), {'dim': 0}, desc='empty-other')]
    if np.dtype(dtype).kind == 'f':
        out.append(Sample((np.array([[1., np.nan, np.nan, 2.], [np.nan, 3., 3., 1.]], dtype),),
                          desc='nan'))
    return out


OPS = [
    Op('sum', _full_reduce(), dtypes=FLOATS + INTS + ('bool', 'float16')),
    Op('sum_dtype', _full_reduce(whole=False), call=_dtype_call('sum'), dtypes=FLOATS + INTS),
    Op('mean', _full_reduce()),
    Op('mean_dtype', _full_reduce(whole=False), call=_dtype_call('mean'), dtypes=FLOATS + INTS),
    Op('nansum', _full_reduce(gen=_with_nan), dtypes=FLOATS),
    Op('nansum_int', _full_reduce(), call=lambda lib, *a, **k: lib.nansum(*a, **k),
       dtypes=INTS + ('bool',)),
    Op('nansum_dtype', _full_reduce(gen=_with_nan, whole=False), call=_dtype_call('nansum')),
    Op('nanmean', _full_reduce(gen=_with_nan)),
    Op('nanmean_dtype', _full_reduce(gen=_with_nan, whole=False), call=_dtype_call('nanmean')),
    Op('prod', _prod_samples, dtypes=FLOATS + INTS + ('bool',)),
    Op('prod_dtype', _dim_samples(gen=arr), call=_dtype_call('prod'), dtypes=FLOATS + INTS),
    # max / min: whole, along a dim, binary form
    Op('max', _whole(), dtypes=FLOATS + INTS + ('bool',)),
    Op('min', _whole(), dtypes=FLOATS + INTS),
    # Ties and NaN: the gradient is split evenly (not differentiable there, so no gradcheck).
    Op('max_ties', _whole_ties, call=lambda lib, x: lib.max(x), gradcheck=False),
    Op('min_ties', _whole_ties, call=lambda lib, x: lib.min(x), gradcheck=False),
    Op('max_dim', _keepdim(_dim_samples()), call=lambda lib, x, **k: lib.max(x, **k),
       dtypes=FLOATS + INTS, nondiff_outputs=(1,)),
    Op('min_dim', _keepdim(_dim_samples()), call=lambda lib, x, **k: lib.min(x, **k),
       dtypes=FLOATS + INTS, nondiff_outputs=(1,)),
    Op('max_dim_ties', _dim_ties, call=lambda lib, x, **k: lib.max(x, **k), gradcheck=False,
       nondiff_outputs=(1,), dtypes=FLOATS + INTS),
    Op('max_binary', _binary_max_samples, call=lambda lib, a, b: lib.max(a, b)),
    Op('min_binary', _binary_max_samples, call=lambda lib, a, b: lib.min(a, b)),
    Op('amax', _full_reduce(gen=_distinct, whole=False), dtypes=FLOATS + INTS),
    Op('amin', _full_reduce(gen=_distinct, whole=False), dtypes=FLOATS + INTS),
    Op('amax_all', lambda rng, dt: [Sample((_distinct(rng, (3, 4), dt),), desc='all')],
       call=lambda lib, x: lib.amax(x)),
    Op('amax_ties', _dim_ties, call=lambda lib, x, **k: lib.amax(x, **k), gradcheck=False),
    Op('amin_ties', _whole_ties, call=lambda lib, x: lib.amin(x, dim=(0,)), gradcheck=False),
    Op('aminmax', _aminmax_samples, dtypes=FLOATS + INTS + ('bool',)),
    Op('aminmax_ties', _dim_ties, call=lambda lib, x, **k: lib.aminmax(x, **k),
       gradcheck=False),
    Op('argmax', _arg_samples, dtypes=FLOATS + INTS, differentiable=False),
    Op('argmin', _arg_samples, dtypes=FLOATS + INTS, differentiable=False),
    Op('std', _var_samples), Op('var', _var_samples),
    Op('std_mean', _var_samples), Op('var_mean', _var_samples),
    Op('norm', _norm_samples, call=_norm_call),
    # p=1, inf, -inf are piecewise linear: the second derivative is 0 and torch returns a
    # ZeroTensor the harness cannot convert, so only first order is compared.
    Op('norm_piecewise_linear', _norm_linear_samples, call=_norm_call, gradgrad=False),
    # p=0 counts nonzeros: piecewise constant, PyTorch gives no gradient at all.
    Op('norm_p0', _norm_p0, call=_norm_call, gradcheck=False, gradgrad=False),
    Op('norm_dtype', lambda rng, dt: [Sample((arr(rng, (3, 4), 'float32'),), desc='f32->f64')],
       call=lambda lib, x: _norm_call(lib, x, dtype=lib.float64), dtypes=('float32',)),
    # ember treats U V^H of the nuclear norm's gradient as a constant: no second order yet.
    Op('norm_nuc', lambda rng, dt: [Sample((arr(rng, (3, 4), dt),), desc='2d'),
                                    Sample((arr(rng, (2, 3, 4), dt), 'nuc', (0, 2)),
                                           desc='dims')],
       call=lambda lib, x, p='nuc', dim=None: _norm_call(lib, x, p, dim), gradgrad=False),
    Op('logsumexp', _lse_samples, dtypes=FLOATS + INTS),
    Op('cumsum', _cum_samples, dtypes=FLOATS + INTS + ('bool',)),
    Op('cumsum_dtype', _cum_samples, call=_dtype_call('cumsum'), dtypes=FLOATS + ('int64',)),
    Op('cumprod', _cumprod_samples, dtypes=FLOATS + INTS + ('bool',)),
    Op('cumprod_dtype', _cum_samples, call=_dtype_call('cumprod'), dtypes=FLOATS + ('int64',)),
    Op('cummax', _cumext_samples, dtypes=FLOATS + INTS + ('bool',), nondiff_outputs=(1,)),
    Op('cummin', _cumext_samples, dtypes=FLOATS + INTS, nondiff_outputs=(1,)),
    # Ties move the running index: no finite differences there.
    # torch marks the (constant, empty) first gradient as requiring grad: nothing to compare.
    Op('cummax_empty', _cumext_empty, call=lambda lib, x, dim: lib.cummax(x, dim),
       gradgrad=False, nondiff_outputs=(1,)),
    Op('cummin_empty', _cumext_empty, call=lambda lib, x, dim: lib.cummin(x, dim),
       gradgrad=False, nondiff_outputs=(1,)),
    Op('cummax_ties', _cumext_ties, call=lambda lib, x, dim: lib.cummax(x, dim),
       gradcheck=False, nondiff_outputs=(1,)),
    Op('cummin_ties', _cumext_ties, call=lambda lib, x, dim: lib.cummin(x, dim),
       gradcheck=False, nondiff_outputs=(1,)),
    Op('all', _logical_samples, dtypes=('bool', 'uint8', 'float32', 'int64'),
       differentiable=False),
    Op('any', _logical_samples, dtypes=('bool', 'uint8', 'float32', 'int64'),
       differentiable=False),
    Op('count_nonzero', _cnz_samples, dtypes=('float32', 'int64', 'bool'),
       differentiable=False),
    Op('median', _whole(), dtypes=FLOATS + INTS),
    Op('median_dim', _keepdim(_dim_samples()), call=lambda lib, x, **k: lib.median(x, **k),
       dtypes=FLOATS + INTS, nondiff_outputs=(1,)),
    # Ties (gradient split evenly / index chosen as PyTorch) and NaN: not differentiable.
    Op('median_ties', _whole_ties, call=lambda lib, x: lib.median(x), gradcheck=False),
    Op('median_dim_ties', _dim_ties, call=lambda lib, x, **k: lib.median(x, **k),
       gradcheck=False, nondiff_outputs=(1,), dtypes=FLOATS + INTS),
    Op('median_dim_nan', _nan_dim, call=lambda lib, x, **k: lib.median(x, **k),
       gradcheck=False, nondiff_outputs=(1,)),
    Op('nanmedian', _whole_ties, gradcheck=False),
    Op('nanmedian_dim', _nan_dim, call=lambda lib, x, **k: lib.nanmedian(x, **k),
       gradcheck=False, nondiff_outputs=(1,)),
    Op('nanmedian_dim_clean', _keepdim(_dim_samples()),
       call=lambda lib, x, **k: lib.nanmedian(x, **k), nondiff_outputs=(1,)),
    # mode needs repeated values, where finite differences break the tie.
    Op('mode', _mode_samples, dtypes=FLOATS + INTS + ('bool',), gradcheck=False,
       nondiff_outputs=(1,)),
    Op('kthvalue', _kth_samples, dtypes=FLOATS + INTS, nondiff_outputs=(1,)),
    Op('kthvalue_ties', _dim_ties_k(7), call=lambda lib, x, k, **kw: lib.kthvalue(x, k, **kw),
       gradcheck=False, nondiff_outputs=(1,), dtypes=FLOATS + INTS),
    Op('topk', _topk_samples, dtypes=FLOATS + INTS, nondiff_outputs=(1,)),
    Op('topk_ties', _topk_ties, call=lambda lib, x, k, **kw: lib.topk(x, k, **kw),
       gradcheck=False, nondiff_outputs=(1,), dtypes=FLOATS + INTS),
    Op('sort', _sort_samples, dtypes=FLOATS + INTS + ('bool',), nondiff_outputs=(1,)),
    Op('sort_ties', _sort_ties, call=lambda lib, x, **kw: lib.sort(x, **kw), gradcheck=False,
       nondiff_outputs=(1,),
       dtypes=FLOATS + INTS),
    Op('argsort', lambda rng, dt: _sort_samples(rng, dt) + _sort_ties(rng, dt),
       dtypes=FLOATS + INTS, differentiable=False),
    Op('msort', lambda rng, dt: [Sample((_distinct(rng, (4, 3), dt),), desc='2d'),
                                 Sample((_distinct(rng, (5,), dt),), desc='1d'),
                                 Sample((_distinct(rng, (), dt),), desc='0d')],
       dtypes=FLOATS + INTS),
    # torch: "the derivative for '_unique2' is not implemented"
    Op('unique', _unique_samples, dtypes=FLOATS + INTS + ('bool',), differentiable=False),
    Op('unique_consecutive', _uc_samples, dtypes=FLOATS + INTS, differentiable=False),
]
