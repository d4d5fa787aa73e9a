"""Oracle entries: binary/ternary elementwise ops (ember/_ops/binary.py, clamp.py)."""
import numpy as np

from .harness import Op, Sample, arr, binary_samples

FLOATS = ('float32', 'float64')
EXTREMA = ('maximum', 'minimum', 'fmax', 'fmin')


def _call(name):
    """``lib.<name>(*args, **kwargs)``, for an entry named otherwise than the op it runs."""
    return lambda lib, *a, **k: getattr(lib, name)(*a, **k)


def _tensors(**kw):
    """binary_samples without the tensor-number form (these ops take two tensors)."""
    return binary_samples(scalar=False, **kw)


def _mixed_dtypes(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype), arr(rng, (4,), 'int64')), desc='int-rhs'),
            Sample((arr(rng, (3,), 'int32'), arr(rng, (), dtype)), desc='0d-float')]


def _ties(rng, dtype):
    a = arr(rng, (3, 4), dtype)
    b = a.copy()
    b[:, ::2] += 1.0
    b[0, 1] -= 2.0
    return [Sample((a, b), desc='ties'), Sample((a, a[0]), desc='ties-bcast')]


def _nan_pairs(rng, dtype):
    a = np.array([np.nan, 1.0, np.nan, -2.0, 3.0], dtype=dtype)
    b = np.array([1.0, np.nan, np.nan, 5.0, -3.0], dtype=dtype)
    return [Sample((a, b), desc='nan')]


def _ints(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype), arr(rng, (4,), dtype)), desc='ints'),
            Sample((np.array([True, False, True]), np.array([False, False, True])),
                   desc='bools')]


def _where_samples(rng, dtype):
    def cond(shape):
        return np.asarray(rng.random(shape) > 0.5)
    return [Sample((cond((3, 4)), arr(rng, (3, 4), dtype), arr(rng, (3, 4), dtype)),
                   desc='same'),
            Sample((cond((3, 1)), arr(rng, (4,), dtype), arr(rng, (2, 1, 1), dtype)),
                   desc='bcast3'),
            Sample((cond((3,)), arr(rng, (3,), dtype), 0.0), desc='scalar-other'),
            Sample((cond((3,)), 1.5, arr(rng, (2, 3), dtype)), desc='scalar-input'),
            Sample((cond(()), arr(rng, (), dtype), arr(rng, (2,), dtype)), desc='0d'),
            Sample((cond((0, 3)), arr(rng, (0, 3), dtype), arr(rng, (3,), dtype)),
                   desc='empty'),
            Sample((cond((2, 3)), arr(rng, (2, 3), dtype), arr(rng, (2, 3), 'int64')),
                   desc='mixed-dtype'),
            Sample((cond((3, 4)), arr(rng, (3, 4), dtype, noncontig=True),
                    arr(rng, (4,), dtype)), desc='noncontig')]


def _where_scalars(rng, dtype):
    c = np.asarray(rng.random((2, 3)) > 0.5)
    return [Sample((c, 1, 0), desc='ints'), Sample((c, 1.0, 0), desc='float-int'),
            Sample((c, True, False), desc='bools'),
            Sample((c, np.array([1, 2, 3], dtype='int32'), 7), desc='int32-tensor')]


def _clamp_scalar(rng, dtype):
    x = arr(rng, (3, 4), dtype, low=-3, high=3)
    return [Sample((x,), {'min': -1.0, 'max': 1.5}, desc='both'),
            Sample((x,), {'min': -0.5}, desc='min'),
            Sample((x,), {'max': 0.25}, desc='max'),
            Sample((x,), {'min': 1.0, 'max': -1.0}, desc='min>max'),
            Sample((arr(rng, (), dtype),), {'min': 0.0, 'max': 0.5}, desc='0d'),
            Sample((arr(rng, (0, 2), dtype),), {'min': 0.0}, desc='empty'),
            Sample((arr(rng, (3, 4), dtype, noncontig=True),), {'min': -1, 'max': 1},
                   desc='noncontig-int-bounds')]


def _clamp_tensor(rng, dtype):
    x = arr(rng, (3, 4), dtype, low=-3, high=3)
    lo = arr(rng, (4,), dtype, low=-2, high=0)
    hi = arr(rng, (3, 1), dtype, low=0.1, high=2)
    return [Sample((x, lo, hi), desc='both-bcast'),
            Sample((x, lo), desc='min'),
            Sample((x,), {'max': hi}, desc='max-kw'),
            Sample((x, hi, lo), desc='min>max')]


def _clamp_bounds_hit(rng, dtype):
    x = np.array([-1.0, -0.5, 0.0, 1.0, 1.5, 2.0], dtype=dtype)
    return [Sample((x,), {'min': -0.5, 'max': 1.5}, desc='scalar-bounds'),
            Sample((x, np.full(6, -0.5, dtype=dtype), np.full(6, 1.5, dtype=dtype)),
                   desc='tensor-bounds')]


def _clamp_int(rng, dtype):
    x = arr(rng, (3, 4), dtype)
    return [Sample((x,), {'min': -1, 'max': 2}, desc='int-bounds'),
            Sample((x,), {'min': 0.5}, desc='float-bound'),
            Sample((x, arr(rng, (4,), dtype)), desc='tensor-bound')]


def _clamp_nan(rng, dtype):
    x = np.array([np.nan, -1.0, 2.0], dtype=dtype)
    return [Sample((x,), {'min': 0.0, 'max': 1.0}, desc='nan-input'),
            Sample((x[1:],), {'min': float('nan')}, desc='nan-bound')]


def _clamp_one(rng, dtype):
    x = arr(rng, (3, 4), dtype, low=-3, high=3)
    return [Sample((x, 0.5), desc='scalar'), Sample((x, arr(rng, (4,), dtype)), desc='tensor'),
            Sample((arr(rng, (), dtype), -0.1), desc='0d')]


def _lerp_samples(rng, dtype):
    s, e = arr(rng, (3, 4), dtype), arr(rng, (3, 4), dtype)
    return [Sample((s, e, 0.3), desc='w<0.5'), Sample((s, e, 0.75), desc='w>0.5'),
            Sample((s, arr(rng, (4,), dtype), -1.5), desc='bcast-neg-weight'),
            Sample((s, e, arr(rng, (3, 4), dtype, low=-1, high=2)), desc='tensor-weight'),
            Sample((arr(rng, (2, 1, 4), dtype), e, arr(rng, (4,), dtype)), desc='bcast3'),
            Sample((arr(rng, (), dtype), arr(rng, (), dtype), 0.5), desc='0d'),
            Sample((arr(rng, (0, 4), dtype), arr(rng, (4,), dtype), 0.5), desc='empty')]


def _addc_samples(positive_rhs):
    def gen(rng, dtype):
        t2 = dict(positive=True, low=0.5) if positive_rhs else {}
        x = arr(rng, (3, 4), dtype)
        return [Sample((x, arr(rng, (3, 4), dtype), arr(rng, (3, 4), dtype, **t2)),
                       desc='same'),
                Sample((x, arr(rng, (4,), dtype), arr(rng, (3, 1), dtype, **t2)),
                       {'value': 0.5}, desc='bcast-value'),
                Sample((arr(rng, (4,), dtype), arr(rng, (2, 1, 4), dtype),
                        arr(rng, (), dtype, **t2)), {'value': -2}, desc='bcast3'),
                Sample((arr(rng, (0, 4), dtype), arr(rng, (4,), dtype),
                        arr(rng, (4,), dtype, **t2)), desc='empty')]
    return gen


def _addcmul_int(rng, dtype):
    x = arr(rng, (3, 4), dtype)
    return [Sample((x, arr(rng, (4,), dtype), arr(rng, (3, 4), dtype)), {'value': 2},
                   desc='int'),
            Sample((x, x, x), {'value': 0.5}, desc='float-value-truncated'),
            Sample((arr(rng, (3,), 'float32'), x[0, :3], x[1, :3]), desc='float-input')]


def _copysign_samples(rng, dtype):
    out = binary_samples()(rng, dtype)
    out.append(Sample((arr(rng, (3,), dtype), -2), desc='int-scalar'))
    if np.dtype(dtype).kind == 'f':
        out.append(Sample((np.array([1.5, -2.0, 3.0], dtype=dtype),
                           np.array([-0.0, 0.0, np.nan], dtype=dtype)), grad=(0,),
                          desc='signed-zero'))
    return out


def _xlogy_samples(rng, dtype):
    x = arr(rng, (3, 4), dtype)
    x[0, :2] = 0
    return [Sample((x, arr(rng, (4,), dtype, positive=True)), desc='bcast-with-zeros'),
            Sample((arr(rng, (3,), dtype), 2.5), desc='scalar-other'),
            Sample((3.0, arr(rng, (2, 3), dtype, positive=True)), desc='scalar-self'),
            Sample((arr(rng, (), dtype), arr(rng, (3,), dtype, positive=True)), desc='0d'),
            Sample((arr(rng, (0, 3), dtype), arr(rng, (3,), dtype, positive=True)),
                   desc='empty')]


def _xlogy_special(rng, dtype):
    x = np.array([0.0, 0.0, 2.0, 1.0, -1.0], dtype=dtype)
    y = np.array([0.0, np.nan, 0.0, np.inf, 2.0], dtype=dtype)
    return [Sample((x, y), desc='special')]


def _logaddexp_extremes(rng, dtype):
    a = np.array([np.inf, -np.inf, -np.inf, 100.0, -100.0], dtype=dtype)
    b = np.array([np.inf, -np.inf, 1.0, 100.0, 50.0], dtype=dtype)
    return [Sample((a, b), desc='extremes')]


def _heaviside_samples(rng, dtype):
    x = arr(rng, (3, 4), dtype)
    x[0, :2] = 0
    return [Sample((x, arr(rng, (4,), dtype)), desc='bcast'),
            Sample((x, np.asarray(np.array(0.5).astype(dtype))), desc='0d-values'),
            Sample((np.array([np.nan, -0.0, 1.0], dtype='float32'),
                    np.array([7.0, 7.0, 7.0], dtype='float32')), desc='nan')]


OPS = [
    Op('maximum', _tensors(), dtypes=FLOATS + ('int64', 'uint8', 'float16')),
    Op('minimum', _tensors(), dtypes=FLOATS + ('int64', 'uint8', 'float16')),
    Op('fmax', _tensors(), dtypes=FLOATS + ('int64',)),
    Op('fmin', _tensors(), dtypes=FLOATS + ('int64',)),
    # at ties the result has a kink: PyTorch's split gradient is checked, not finite differences
    *[Op(f'{n}_ties', _ties, call=_call(n), gradcheck=False) for n in EXTREMA],
    # NaN makes finite differences meaningless: values and backward only
    *[Op(f'{n}_nan', _nan_pairs, call=_call(n), gradcheck=False, gradgrad=False)
      for n in EXTREMA],
    Op('maximum_mixed', _mixed_dtypes, call=_call('maximum')),
    Op('maximum_int_bool', _ints, call=lambda lib, a, b: (lib.maximum(a, b), lib.minimum(a, b),
                                                          lib.fmax(a, b), lib.fmin(a, b)),
       dtypes=('int64', 'int8'), differentiable=False),
    Op('atan2', _tensors(), dtypes=FLOATS, covers=('arctan2',)),
    Op('atan2_int', _ints, call=_call('atan2'), dtypes=('int64',), differentiable=False),
    Op('hypot', _tensors(), dtypes=FLOATS + ('float16',)),
    Op('lerp', _lerp_samples, dtypes=FLOATS + ('float16',)),
    Op('addcmul', _addc_samples(False)),
    Op('addcmul_int', _addcmul_int, call=_call('addcmul'), dtypes=('int64',),
       differentiable=False),
    Op('addcdiv', _addc_samples(True)),
    Op('where', _where_samples, dtypes=FLOATS + ('int64',)),
    Op('where_scalars', _where_scalars, call=_call('where'), differentiable=False),
    Op('where_nonzero', lambda rng, dt: [Sample((np.asarray(rng.random((3, 4)) > 0.5),))],
       call=lambda lib, c: lib.where(c), differentiable=False),
    Op('clamp', _clamp_scalar, dtypes=FLOATS + ('float16',), covers=('clip',)),
    Op('clamp_tensor', _clamp_tensor, call=_call('clamp')),
    Op('clip_tensor', _clamp_tensor, call=_call('clip')),
    # at the bounds the gradient is PyTorch's subgradient: no finite differences
    Op('clamp_at_bounds', _clamp_bounds_hit, call=_call('clamp'), gradcheck=False),
    Op('clamp_int', _clamp_int, call=_call('clamp'), dtypes=('int64', 'int32', 'uint8'),
       differentiable=False),
    Op('clamp_nan', _clamp_nan, call=_call('clamp'), gradcheck=False, gradgrad=False),
    Op('clamp_min', _clamp_one),
    Op('clamp_max', _clamp_one),
    Op('copysign', _copysign_samples, dtypes=FLOATS + ('int64',)),
    Op('xlogy', _xlogy_samples, dtypes=FLOATS + ('int64',)),
    # NaN/0/inf: values and backward only
    Op('xlogy_special', _xlogy_special, call=_call('xlogy'), gradcheck=False, gradgrad=False),
    Op('logaddexp', _tensors(), dtypes=FLOATS + ('float16',)),
    Op('logaddexp2', _tensors(), dtypes=FLOATS),
    Op('logaddexp_extremes', _logaddexp_extremes,
       call=lambda lib, a, b: (lib.logaddexp(a, b), lib.logaddexp2(a, b)),
       differentiable=False),
    # heaviside has no derivative in PyTorch
    Op('heaviside', _heaviside_samples, dtypes=FLOATS + ('int64',), differentiable=False),
]
