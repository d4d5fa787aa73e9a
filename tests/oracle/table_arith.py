"""Oracle entries: arithmetic operators (ember/_ops/arith.py, power.py)."""
import numpy as np

from .harness import Op, Sample, arr, binary_samples, unary_samples

INTS = ('int64', 'int32')
FLOATS = ('float32', 'float64')


def _div_int_safe(rng, dtype):
    return binary_samples(rhs_positive=True, low=0.5)(rng, dtype)


def _bools(rng, dtype):
    """bool operands (``arr`` gives a NumPy scalar for a 0-d bool, so build them here)."""
    def b(shape):
        return np.asarray(rng.random(shape) > 0.5)
    return [Sample((b((3, 4)), b((4,))), desc='bcast'), Sample((b(()), b((3,))), desc='0d'),
            Sample((b((3,)), True), desc='bool-scalar'), Sample((b((3,)), 2), desc='int-scalar'),
            Sample((b((2,)), 2.5), desc='float-scalar')]


def _alpha(rng, dtype):
    alpha = 0.5 if np.dtype(dtype).kind == 'f' else 2
    return [Sample((arr(rng, (3, 4), dtype), arr(rng, (4,), dtype)), {'alpha': alpha},
                   desc='alpha'),
            Sample((arr(rng, (3,), dtype), 3), {'alpha': -2}, desc='alpha-scalar')]


def _mixed(rng, dtype):
    """Operands of different dtypes and a 0-d tensor: PyTorch's promotion decides."""
    return [Sample((arr(rng, (3, 4), dtype), arr(rng, (4,), 'int32')), desc='int-rhs'),
            Sample((arr(rng, (3,), 'int64'), arr(rng, (), dtype)), desc='0d-float'),
            Sample((arr(rng, (2, 3), dtype), True), desc='bool-scalar'),
            Sample((arr(rng, (2, 3), dtype), arr(rng, (2, 3), 'bool')), desc='bool-tensor')]


def _pow_samples(rng, dtype):
    out = [Sample((arr(rng, (3, 4), dtype, positive=True), e), desc=f'exp{e}')
           for e in (2, 3, 0.5, -1.5, 0, 1)]
    out.append(Sample((arr(rng, (3, 4), dtype, positive=True),
                       arr(rng, (4,), dtype, low=-1, high=2)), desc='tensor-exp'))
    # log(negative base) is NaN: only the base gets a gradient here
    out.append(Sample((arr(rng, (2, 3), dtype), arr(rng, (2, 3), dtype).round()), grad=(0,),
                      desc='negative-base-int-exp'))
    out.append(Sample((arr(rng, (), dtype, positive=True), arr(rng, (3,), dtype)), desc='0d-base'))
    out.append(Sample((arr(rng, (0, 3), dtype, positive=True), 2), desc='empty'))
    return out


def _int_pow_samples(rng, dtype):
    base = np.array([-3, -1, 0, 1, 2, 5], dtype=dtype)
    return [Sample((base, 3), desc='scalar-exp'),
            Sample((base, np.array([2, -1, 3, -2, 0, 1], dtype=dtype)), desc='neg-tensor-exp'),
            Sample((base, 2.5), desc='float-exp'),
            Sample((np.array([True, False]), 2), desc='bool-base')]


def _rpow_samples(rng, dtype):
    return [Sample((2.0, arr(rng, (3, 4), dtype)), desc='scalar-base'),
            Sample((0.0, arr(rng, (5,), dtype, positive=True)), desc='zero-base'),
            Sample((3, arr(rng, (), dtype)), desc='0d')]


def _int_rpow_samples(rng, dtype):
    return [Sample((2, np.array([-2, -1, 0, 1, 3], dtype=dtype)), desc='int-base'),
            Sample((-1, np.array([-3, -2, 0, 1, 3], dtype=dtype)), desc='minus-one'),
            Sample((1.5, np.array([-2, 0, 2], dtype=dtype)), desc='float-base')]


def _rounding(mode):
    def call(lib, a, b):
        return lib.div(a, b, rounding_mode=mode)
    return call


def _nonzero_rhs(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype, low=-5, high=5),
                    arr(rng, (4,), dtype, positive=True, low=0.5, high=3)), desc='bcast'),
            Sample((arr(rng, (3, 4), dtype, low=-5, high=5),
                    -arr(rng, (3, 1), dtype, positive=True, low=0.5, high=3)), desc='neg-rhs'),
            Sample((arr(rng, (5,), dtype, low=-5, high=5), 2), desc='scalar'),
            Sample((arr(rng, (), dtype, low=-5, high=5), -3), desc='0d-neg-scalar')]


def _mod_special(rng, dtype):
    """Zero, infinite and signed-zero operands (PyTorch's formula for remainder)."""
    a = np.array([5., -5., 0., -0., 3., -3.], dtype=dtype)
    b = np.array([np.inf, np.inf, 2., 2., 0., -np.inf], dtype=dtype)
    return [Sample((a, b), desc='special')]


def _scalar_first(rng, dtype):
    return [Sample((3, arr(rng, (4,), dtype, positive=True, low=0.5)), desc='number-tensor')]


def _reciprocal_samples(rng, dtype):
    return unary_samples(positive=True, low=0.5)(rng, dtype) + [
        Sample((np.array([0., -0., 2.], dtype=dtype),), grad=(), desc='zeros')]


OPS = [
    Op('add', binary_samples(), dtypes=FLOATS + INTS + ('int8', 'uint8', 'float16')),
    Op('add_bool', _bools, call=lambda lib, a, b: lib.add(a, b), dtypes=('bool',),
       differentiable=False),
    Op('mul_bool', _bools, call=lambda lib, a, b: lib.mul(a, b), dtypes=('bool',),
       differentiable=False),
    Op('div_bool', _bools, call=lambda lib, a, b: lib.div(a, b), dtypes=('bool',),
       differentiable=False),
    Op('add_alpha', _alpha, call=lambda lib, a, b, **k: lib.add(a, b, **k),
       dtypes=FLOATS + ('int64',)),
    Op('add_mixed', _mixed, call=lambda lib, a, b: lib.add(a, b)),
    Op('sub', binary_samples(), dtypes=FLOATS + INTS + ('int8', 'uint8'), covers=('subtract',)),
    Op('sub_alpha', _alpha, call=lambda lib, a, b, **k: lib.sub(a, b, **k),
       dtypes=FLOATS + ('int64',)),
    Op('sub_number_first', _scalar_first, call=lambda lib, a, b: lib.sub(a, b)),
    Op('mul', binary_samples(), dtypes=FLOATS + INTS + ('int16', 'float16'),
       covers=('multiply',)),
    Op('mul_mixed', _mixed, call=lambda lib, a, b: lib.mul(a, b)),
    Op('div', _div_int_safe, dtypes=FLOATS + INTS + ('uint8',), covers=('divide', 'true_divide')),
    Op('div_mixed', _mixed, call=lambda lib, a, b: lib.div(a, b + 3)),
    Op('div_number_first', _scalar_first, call=lambda lib, a, b: lib.div(a, b)),
    Op('rdiv_operator', _scalar_first, call=lambda lib, a, b: a / b),
    # rounded division is piecewise constant: zero gradient, finite differences jump
    Op('div_floor', _nonzero_rhs, call=_rounding('floor'), dtypes=FLOATS + ('int64', 'int32'),
       gradcheck=False, gradgrad=False),
    Op('div_trunc', _nonzero_rhs, call=_rounding('trunc'), dtypes=FLOATS + ('int64', 'int16'),
       gradcheck=False, gradgrad=False),
    # floor_divide has no derivative in PyTorch (grad_fn NotImplemented)
    Op('floor_divide', _nonzero_rhs, dtypes=FLOATS + ('int64',), differentiable=False),
    # remainder/fmod jump where input/other crosses an integer: no finite differences
    Op('remainder', _nonzero_rhs, dtypes=FLOATS + ('int64', 'int8'), gradcheck=False),
    Op('remainder_special', _mod_special, call=lambda lib, a, b: lib.remainder(a, b),
       differentiable=False),
    Op('remainder_number_first', _scalar_first, call=lambda lib, a, b: lib.remainder(a, b),
       differentiable=False),
    Op('fmod', _nonzero_rhs, dtypes=FLOATS + ('int64', 'int8'), gradcheck=False),
    Op('fmod_special', _mod_special, call=lambda lib, a, b: lib.fmod(a, b), differentiable=False),
    Op('neg', unary_samples(), dtypes=FLOATS + INTS + ('int8', 'float16'), covers=('negative',)),
    Op('positive', unary_samples(), dtypes=FLOATS + ('int64',)),
    Op('pow', _pow_samples),
    Op('pow_int', _int_pow_samples, call=lambda lib, a, b: lib.pow(a, b),
       dtypes=('int64', 'int32', 'int8'), differentiable=False),
    Op('pow_scalar_base', _rpow_samples, call=lambda lib, b, e: lib.pow(b, e)),
    Op('pow_scalar_base_int', _int_rpow_samples, call=lambda lib, b, e: lib.pow(b, e),
       dtypes=('int64', 'int32'), differentiable=False),
    Op('rpow_operator', _rpow_samples, call=lambda lib, b, e: b ** e),
    Op('float_power', _pow_samples, atol=1e-9),
    Op('float_power_int', _int_pow_samples, call=lambda lib, a, b: lib.float_power(a, b),
       dtypes=('int64',), differentiable=False),
    Op('square', unary_samples(), dtypes=FLOATS + ('int64',)),
    Op('square_bool', _bools, call=lambda lib, a, b: lib.square(a), dtypes=('bool',),
       differentiable=False),
    Op('reciprocal', _reciprocal_samples, dtypes=FLOATS + ('int64',)),
    Op('rsub', binary_samples(), dtypes=FLOATS + ('int64',)),
    Op('rsub_alpha', _alpha, call=lambda lib, a, b, **k: lib.rsub(a, b, **k), dtypes=FLOATS),
    Op('rsub_operator', _scalar_first, call=lambda lib, a, b: a - b),
]
