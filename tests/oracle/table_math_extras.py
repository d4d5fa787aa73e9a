"""Oracle entries: float-bit ops, integer math and angle conversions (ember/_ops/float_bits.py,
integer_math.py, angles.py)."""
import numpy as np

from .harness import Op, Sample, arr, unary_samples, binary_samples

FLOATS = ('float32', 'float64')
INTS = ('int64', 'int32')


def _inplace(name):
    """``lib.<name>`` applied to a clone (in-place on a leaf that requires grad is an error)."""
    def call(lib, x, *args):
        return getattr(lib, name)(x.clone(), *args)
    return call


def _ldexp_samples(int_exponent):
    def samples(rng, dtype):
        a = lambda shape: arr(rng, shape, dtype)
        e = (lambda shape: rng.integers(-4, 5, size=shape)) if int_exponent else a
        return [Sample((a((3, 4)), e((3, 4))), desc='same'),
                Sample((a((2, 3)), e((3,))), desc='bcast'),
                Sample((a(()), e((4,))), desc='0d'),
                Sample((a((0, 3)), e((3,))), desc='empty')]
    return samples


def _same_shape(samples):
    """Samples whose first argument has the broadcast shape (valid for in-place ops)."""
    def gen(rng, dtype):
        return [s for s in samples(rng, dtype)
                if np.broadcast_shapes(*(np.shape(a) for a in s.args)) == np.shape(s.args[0])]
    return gen


def _integer_pair_samples(rng, dtype):
    a = lambda shape: rng.integers(-30, 31, size=shape).astype(dtype)
    return [Sample((a((3, 4)), a((3, 4))), desc='same'),
            Sample((a((2, 3, 4)), a((4,))), desc='bcast'),
            Sample((a(()), a((5,))), desc='0d'),
            Sample((np.zeros(3, dtype), np.array([0, 4, -6], dtype)), desc='zeros'),
            Sample((a((0, 2)), a((2,))), desc='empty')]


def _nextafter_samples(rng, dtype):
    a = lambda shape: arr(rng, shape, dtype)
    return [Sample((a((3, 4)), a((3, 4))), desc='same'),
            Sample((a((2, 3)), a((3,))), desc='bcast'),
            Sample((np.array([0., 1., -1.], dtype), np.array([1., 1., 0.], dtype)),
                   desc='equal-and-zero')]


def _signbit_samples(rng, dtype):
    out = unary_samples()(rng, dtype)
    if np.dtype(dtype).kind == 'f':
        out.append(Sample((np.array([-0., 0., np.nan, -np.nan, -np.inf], dtype),),
                          desc='signed-zero-nan'))
    return out


OPS = [
    Op('signbit', _signbit_samples, dtypes=FLOATS + INTS + ('bool',), differentiable=False),
    Op('deg2rad', unary_samples(low=-360, high=360), dtypes=FLOATS + ('int64',)),
    Op('rad2deg', unary_samples(), dtypes=FLOATS + ('int64',)),
    Op('deg2rad_', unary_samples(low=-360, high=360), call=_inplace('deg2rad_')),
    Op('rad2deg_', unary_samples(), call=_inplace('rad2deg_')),
    Op('frexp', unary_samples(low=-100, high=100), nondiff_outputs=(1,)),
    Op('ldexp', _ldexp_samples(False), dtypes=FLOATS + ('int64',)),
    # PyTorch's gradient for an integer exponent is grad * 2**other in integer arithmetic (0
    # for negative exponents), not the true derivative: compared with torch, not gradcheck.
    Op('ldexp_int_exponent', _ldexp_samples(True), call=lambda lib, *a: lib.ldexp(*a),
       gradcheck=False),
    Op('ldexp_', _same_shape(_ldexp_samples(False)), call=_inplace('ldexp_')),
    Op('gcd', _integer_pair_samples, dtypes=INTS + ('int16',), differentiable=False),
    Op('lcm', _integer_pair_samples, dtypes=INTS + ('int16',), differentiable=False),
    Op('gcd_', _same_shape(_integer_pair_samples), call=_inplace('gcd_'), dtypes=INTS,
       differentiable=False),
    Op('lcm_', _same_shape(_integer_pair_samples), call=_inplace('lcm_'), dtypes=INTS,
       differentiable=False),
    Op('nextafter', _nextafter_samples, differentiable=False),
]
