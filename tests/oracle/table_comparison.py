"""Oracle entries: comparisons, logical and bitwise ops (ember/_ops/comparison.py).

None of these is differentiable; results are bool (or integer for bitwise ops).
"""
import numpy as np

from .harness import Op, Sample, arr

ALL = ('float32', 'float64', 'int64', 'int32', 'int8', 'uint8', 'float16')
INTS = ('int64', 'int32', 'int16', 'int8', 'uint8')


def _cmp_samples(rng, dtype):
    a = arr(rng, (3, 4), dtype)
    b = a.copy()
    b[0] += 1                             # some equal, some different elements
    s = 1.5 if np.dtype(dtype).kind == 'f' else 2
    return [Sample((a, b), desc='same-shape'),
            Sample((arr(rng, (2, 3, 4), dtype), arr(rng, (4,), dtype)), desc='bcast'),
            Sample((arr(rng, (3, 1), dtype), arr(rng, (1, 4), dtype)), desc='outer'),
            Sample((arr(rng, (), dtype), arr(rng, (3,), dtype)), desc='0d'),
            Sample((arr(rng, (3, 4), dtype, noncontig=True), a), desc='noncontig'),
            Sample((arr(rng, (0, 4), dtype), arr(rng, (4,), dtype)), desc='empty'),
            Sample((a, s), desc='scalar'),
            Sample((a, 2.5), desc='float-scalar'),
            Sample((a, arr(rng, (4,), 'float64')), desc='mixed-dtype')]


def _nan_samples(rng, dtype):
    a = np.array([np.nan, 1.0, np.inf, -np.inf, 0.0, -0.0], dtype=dtype)
    b = np.array([np.nan, np.nan, np.inf, 1.0, -0.0, 0.0], dtype=dtype)
    return [Sample((a, b), desc='nan-inf')]


def _logical_samples(rng, dtype):
    def mixed(shape):
        a = arr(rng, shape, dtype)
        if a.ndim:
            a.flat[::2] = 0
        return a
    return [Sample((mixed((3, 4)), mixed((4,))), desc='bcast'),
            Sample((mixed(()), mixed((3,))), desc='0d'),
            Sample((mixed((3, 4)), np.asarray(rng.random((3, 4)) > 0.5)), desc='with-bool'),
            Sample((mixed((0, 2)), mixed((2,))), desc='empty')]


def _logical_not_samples(rng, dtype):
    return [Sample((_logical_samples(rng, dtype)[0].args[0],), desc='2d'),
            Sample((np.array([np.nan, 0.0, -0.0, 2.0], dtype='float32'),), desc='nan')]


def _bitwise_samples(rng, dtype):
    a = arr(rng, (3, 4), dtype)
    return [Sample((a, arr(rng, (4,), dtype)), desc='bcast'),
            Sample((a, 3), desc='scalar'),
            Sample((arr(rng, (), dtype), a), desc='0d'),
            Sample((a, np.asarray(rng.random((3, 4)) > 0.5)), desc='with-bool')]


def _bool_bitwise(rng, dtype):
    b = np.asarray(rng.random((3, 4)) > 0.5)
    return [Sample((b, np.asarray(rng.random(4) > 0.5)), desc='bools'),
            Sample((b, True), desc='bool-scalar')]


def _shift_samples(rng, dtype):
    kind = np.dtype(dtype).kind
    a = np.array([1, 3, 7, 100] if kind == 'u' else [1, -3, 7, -100], dtype=dtype)
    return [Sample((a, np.array([0, 1, 2, 3], dtype=dtype)), desc='tensor-shift'),
            Sample((a, 2), desc='scalar-shift')]


def _unary_float(rng, dtype):
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -1.5, 3.0], dtype=dtype)
    return [Sample((x,), desc='special'), Sample((arr(rng, (2, 3), dtype),), desc='2d'),
            Sample((arr(rng, (), dtype),), desc='0d')]


def _unary_int(rng, dtype):
    return [Sample((arr(rng, (2, 3), dtype),), desc='ints')]


def _close_samples(rng, dtype):
    a = arr(rng, (3, 4), dtype)
    b = a + np.asarray(rng.uniform(-1e-5, 1e-5, a.shape), dtype=dtype)
    b[0, 0] = a[0, 0] + 1
    out = [Sample((a, b), desc='near'),
           Sample((a, b), {'rtol': 0.0, 'atol': 1e-3}, desc='atol-only'),
           Sample((a, arr(rng, (4,), dtype)), {'rtol': 0.5}, desc='bcast')]
    if np.dtype(dtype).kind == 'f':
        x = np.array([np.nan, np.inf, -np.inf, 1.0, np.nan], dtype=dtype)
        y = np.array([np.nan, np.inf, np.inf, np.nan, 1.0], dtype=dtype)
        out += [Sample((x, y), desc='nan-inf'),
                Sample((x, y), {'equal_nan': True}, desc='equal-nan')]
    return out


def _equal_samples(rng, dtype):
    a = arr(rng, (3, 4), dtype)
    return [Sample((a, a.copy()), desc='equal'), Sample((a, a[:2]), desc='shape'),
            Sample((a, a + 1), desc='values'), Sample((a[:0], a[:0]), desc='empty')]


def _cmp(name, **kw):
    return [Op(name, _cmp_samples, dtypes=ALL, differentiable=False, **kw),
            Op(f'{name}_nan', _nan_samples, call=lambda lib, a, b, _n=name: getattr(lib, _n)(a, b),
               dtypes=('float32', 'float64'), differentiable=False)]


def _dunder(sym):
    import operator
    fn = {'<': operator.lt, '<=': operator.le, '>': operator.gt, '>=': operator.ge,
          '==': operator.eq, '!=': operator.ne}[sym]
    return Op(f'operator{sym}', _cmp_samples, call=lambda lib, a, b: fn(a, b),
              dtypes=('float32', 'int64', 'uint8'), differentiable=False)


OPS = (
    _cmp('eq') + _cmp('ne', covers=('not_equal',)) + _cmp('lt', covers=('less',))
    + _cmp('le', covers=('less_equal',)) + _cmp('gt', covers=('greater',))
    + _cmp('ge', covers=('greater_equal',))
    + [_dunder(s) for s in ('<', '<=', '>', '>=', '==', '!=')]
    + [Op(n, _logical_samples, dtypes=('float32', 'int64', 'uint8'), differentiable=False)
       for n in ('logical_and', 'logical_or', 'logical_xor')]
    + [Op('logical_not', _logical_not_samples, dtypes=('float32', 'int64'), differentiable=False)]
    + [Op(n, _bitwise_samples, dtypes=INTS, differentiable=False)
       for n in ('bitwise_and', 'bitwise_or', 'bitwise_xor')]
    + [Op(f'{n}_bool', _bool_bitwise, call=lambda lib, a, b, _n=n: getattr(lib, _n)(a, b),
          dtypes=('bool',), differentiable=False)
       for n in ('bitwise_and', 'bitwise_or', 'bitwise_xor')]
    + [Op(n, _shift_samples, dtypes=INTS, differentiable=False)
       for n in ('bitwise_left_shift', 'bitwise_right_shift')]
    + [Op('bitwise_not', _unary_int, dtypes=INTS, differentiable=False),
       Op('bitwise_not_bool', lambda rng, dt: [Sample((np.array([True, False]),))],
          call=lambda lib, x: lib.bitwise_not(x), dtypes=('bool',), differentiable=False)]
    + [Op(n, _unary_float, dtypes=('float32', 'float64', 'float16'), differentiable=False)
       for n in ('isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'isreal')]
    + [Op(f'{n}_int', _unary_int, call=lambda lib, x, _n=n: getattr(lib, _n)(x),
          dtypes=('int64', 'uint8'), differentiable=False)
       for n in ('isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'isreal')]
    + [Op('isclose', _close_samples, dtypes=('float32', 'float64', 'int64'),
          differentiable=False),
       Op('allclose', _close_samples, dtypes=('float32', 'float64', 'int64'),
          differentiable=False),
       Op('equal', _equal_samples, dtypes=('float32', 'int64'), differentiable=False)]
)
