"""Oracle entries: arithmetic operators (ember/_ops/arith.py)."""
import numpy as np

from .harness import Op, Sample, arr, binary_samples, unary_samples

INTS = ('int64', 'int32')


def _int_binary(rng, dtype):
    return binary_samples()(rng, dtype)


def _div_int_safe(rng, dtype):
    return binary_samples(rhs_positive=True, low=0.5)(rng, dtype)


def _alpha(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype), arr(rng, (4,), dtype)), {'alpha': 2}, desc='alpha')]


def _pow_samples(rng, dtype):
    out = [Sample((arr(rng, (3, 4), dtype, positive=True), e), desc=f'exp{e}')
           for e in (2, 3, 0.5, -1.5)]
    out.append(Sample((arr(rng, (3, 4), dtype, positive=True),
                       arr(rng, (4,), dtype, low=-1, high=2)), desc='tensor-exp'))
    return out


def _rpow_samples(rng, dtype):
    return [Sample((2.0, arr(rng, (3, 4), dtype)), desc='scalar-base')]


def _rounding(mode):
    def call(lib, a, b):
        return lib.div(a, b, rounding_mode=mode)
    return call


def _nonzero_rhs(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype, low=-5, high=5),
                    arr(rng, (4,), dtype, positive=True, low=0.5, high=3)), desc='bcast'),
            Sample((arr(rng, (5,), dtype, low=-5, high=5), 2), desc='scalar')]


OPS = [
    Op('add', binary_samples(), dtypes=('float32', 'float64') + INTS),
    Op('add', _alpha, dtypes=('float32', 'float64', 'int64')),
    Op('sub', binary_samples(), dtypes=('float32', 'float64') + INTS, covers=('subtract',)),
    Op('mul', binary_samples(), dtypes=('float32', 'float64') + INTS, covers=('multiply',)),
    Op('div', _div_int_safe, dtypes=('float32', 'float64') + INTS,
       covers=('divide', 'true_divide')),
    Op('div_floor', _nonzero_rhs, call=_rounding('floor'), dtypes=('float32', 'float64', 'int64'),
       covers=('floor_divide',), gradcheck=False, gradgrad=False),
    Op('div_trunc', _nonzero_rhs, call=_rounding('trunc'), dtypes=('float32', 'float64', 'int64'),
       gradcheck=False, gradgrad=False),
    Op('remainder', _nonzero_rhs, dtypes=('float32', 'float64', 'int64'), gradcheck=False),
    Op('fmod', _nonzero_rhs, dtypes=('float32', 'float64', 'int64'), gradcheck=False),
    Op('neg', unary_samples(), dtypes=('float32', 'float64') + INTS, covers=('negative',)),
    Op('positive', unary_samples(), dtypes=('float32', 'float64', 'int64')),
    Op('pow', _pow_samples),
    Op('pow_scalar_base', _rpow_samples, call=lambda lib, b, e: lib.pow(b, e)),
    Op('float_power', _pow_samples, atol=1e-9),
    Op('square', unary_samples(), dtypes=('float32', 'float64', 'int64')),
    Op('reciprocal', unary_samples(positive=True, low=0.5)),
    Op('rsub', binary_samples()),
]
