"""Oracle entries: unary pointwise math (ember/_ops/pointwise.py)."""
import numpy as np

from .harness import Op, Sample, arr, unary_samples

FLOATS = ('float32', 'float64')
INTS = ('int64', 'int32', 'uint8')


def _special_values(dtype):
    return np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], dtype=dtype)


def _with_special(gen):
    """``gen``'s samples plus NaN/inf/signed zeros (forward values only)."""
    def samples(rng, dtype):
        out = gen(rng, dtype)
        if np.dtype(dtype).kind == 'f':
            out.append(Sample((_special_values(dtype),), grad=(), desc='nan-inf'))
        return out
    return samples


def _ints(rng, dtype):
    lo = 0 if np.dtype(dtype).kind == 'u' else -4
    return [Sample((np.arange(lo, lo + 8).astype(dtype),), desc='ints'),
            Sample((np.asarray(np.array(3).astype(dtype)),), desc='0d')]


def _bools(rng, dtype):
    return [Sample((np.array([True, False, True]),), desc='bools')]


def _entry(name, gen, dtypes=FLOATS, **kw):
    return Op(name, _with_special(gen), dtypes=dtypes, **kw)


def _rounding_samples(rng, dtype):
    out = unary_samples(low=-4, high=4)(rng, dtype)
    out.append(Sample((np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5], dtype=dtype),), desc='halves'))
    return out


def _round_decimals(rng, dtype):
    x = arr(rng, (3, 4), dtype, low=-50, high=50)
    return [Sample((x,), {'decimals': d}, desc=f'dec{d}') for d in (0, 1, 2, -1)]


def _logit_eps(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype, low=0.02, high=0.98),), {'eps': 0.1}, desc='eps'),
            Sample((np.array([-0.5, 0.0, 0.3, 1.0, 1.5], dtype=dtype),), {'eps': 0.2}, grad=(),
                   desc='outside')]


def _logit_outside(rng, dtype):
    # gradient of logit outside [0, 1] is NaN in PyTorch (no eps)
    return [Sample((np.array([-0.5, 0.25, 0.5, 1.5], dtype=dtype),), desc='outside')]


def _nan_to_num(rng, dtype):
    x = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0], dtype=dtype)
    return [Sample((x,), desc='defaults'),
            Sample((x,), {'nan': 1.0, 'posinf': 9.0, 'neginf': -9.0}, desc='values'),
            Sample((arr(rng, (3, 4), dtype),), desc='finite')]


def _relu_samples(rng, dtype):
    out = unary_samples()(rng, dtype)
    out.append(Sample((np.array([-1.0, 0.0, 2.0], dtype=dtype),), desc='zero',
                      grad=()))
    return out


def _abs_at_zero(rng, dtype):
    return [Sample((np.array([-1.5, 0.0, 2.0], dtype=dtype),), desc='zero')]


OPS = [
    _entry('exp', unary_samples(), dtypes=FLOATS + ('float16',) + INTS),
    _entry('exp2', unary_samples(), dtypes=FLOATS + ('int64',)),
    _entry('expm1', unary_samples(), dtypes=FLOATS + ('int64',)),
    _entry('log', unary_samples(positive=True), dtypes=FLOATS + ('int64',)),
    _entry('log2', unary_samples(positive=True)),
    _entry('log10', unary_samples(positive=True)),
    _entry('log1p', unary_samples(low=-0.5)),
    _entry('sqrt', unary_samples(positive=True), dtypes=FLOATS + ('int64',)),
    _entry('rsqrt', unary_samples(positive=True)),
    _entry('sin', unary_samples()),
    _entry('cos', unary_samples()),
    _entry('tan', unary_samples(low=-1.2, high=1.2)),
    _entry('asin', unary_samples(low=-0.9, high=0.9), covers=('arcsin',)),
    _entry('acos', unary_samples(low=-0.9, high=0.9), covers=('arccos',)),
    _entry('atan', unary_samples(low=-3, high=3), covers=('arctan',)),
    _entry('sinh', unary_samples()),
    _entry('cosh', unary_samples()),
    _entry('tanh', unary_samples(low=-3, high=3), dtypes=FLOATS + ('float16', 'int64')),
    _entry('asinh', unary_samples(low=-3, high=3), covers=('arcsinh',)),
    _entry('acosh', unary_samples(low=1.2, high=3), covers=('arccosh',)),
    _entry('atanh', unary_samples(low=-0.9, high=0.9), covers=('arctanh',)),
    _entry('sigmoid', unary_samples(low=-6, high=6), dtypes=FLOATS + ('float16', 'int64')),
    Op('sigmoid_extremes', lambda rng, dt: [Sample((np.array([-100., -50., 0., 50., 100.],
                                                            dtype=dt),), grad=())],
       call=lambda lib, x: lib.sigmoid(x), differentiable=False),
    _entry('logit', unary_samples(low=0.05, high=0.95)),
    Op('logit_eps', _logit_eps, call=lambda lib, x, **k: lib.logit(x, **k)),
    # finite differences of NaN make no sense: values and backward only
    Op('logit_outside', _logit_outside, call=lambda lib, x: lib.logit(x), gradcheck=False,
       gradgrad=False),
    _entry('relu', _relu_samples, dtypes=FLOATS + ('int64', 'int8')),
    _entry('erf', unary_samples(low=-3, high=3)),
    _entry('erfc', unary_samples(low=-3, high=3)),
    _entry('erfinv', unary_samples(low=-0.9, high=0.9)),
    _entry('lgamma', unary_samples(positive=True, high=5)),
    Op('lgamma_negative', lambda rng, dt: [Sample((np.array([-2.5, -1.3, -0.4], dtype=dt),))],
       call=lambda lib, x: lib.lgamma(x)),
    _entry('digamma', unary_samples(positive=True, low=0.3, high=12)),
    Op('digamma_negative', lambda rng, dt: [Sample((np.array([-2.5, -1.3, -0.4], dtype=dt),))],
       call=lambda lib, x: lib.digamma(x)),
    _entry('i0', unary_samples(low=-3, high=3)),
    _entry('sinc', unary_samples(low=-3, high=3), dtypes=FLOATS + ('float16',)),
    Op('sinc_at_zero', lambda rng, dt: [Sample((np.array([0.0, 1.0, -0.5], dtype=dt),))],
       call=lambda lib, x: lib.sinc(x)),
    # PyTorch's second derivative of abs is a ZeroTensor, which the harness cannot convert to
    # NumPy: 'abs_second_order' adds `0 * x * x` to make it an ordinary zero tensor.
    _entry('abs', unary_samples(), dtypes=FLOATS + ('int64', 'int8'), covers=('absolute',),
           gradgrad=False),
    Op('abs_second_order', unary_samples(), call=lambda lib, x: lib.abs(x) + 0 * x * x),
    # |x| has a kink at 0: PyTorch's gradient there is 0 (no finite differences)
    Op('abs_at_zero', _abs_at_zero, call=lambda lib, x: lib.abs(x) + 0 * x * x,
       gradcheck=False),
    # sign/sgn have zero gradients; PyTorch returns ZeroTensors, hence the `+ 0 * x`
    _entry('sign', unary_samples(), dtypes=FLOATS + INTS + ('int8',),
           call=lambda lib, x: lib.sign(x) + 0 * x),
    Op('sign_bool', _bools, call=lambda lib, x: lib.sign(x), dtypes=('bool',),
       differentiable=False, covers=('sgn',)),
    _entry('sgn', unary_samples(), dtypes=FLOATS + ('int64',),
           call=lambda lib, x: lib.sgn(x) + 0 * x),
    _entry('floor', _rounding_samples, dtypes=FLOATS + ('int64',)),
    _entry('ceil', _rounding_samples, dtypes=FLOATS + ('int64',)),
    # the 'halves' sample sits on round's jumps: no finite differences there
    _entry('round', _rounding_samples, dtypes=FLOATS + ('int64', 'float16'), gradcheck=False),
    Op('round_decimals', _round_decimals, call=lambda lib, x, **k: lib.round(x, **k)),
    _entry('trunc', _rounding_samples, dtypes=FLOATS + ('int64',), covers=('fix',)),
    _entry('frac', _rounding_samples),
    Op('nan_to_num', _nan_to_num, dtypes=FLOATS + ('float16',)),
    Op('nan_to_num_int', _ints, call=lambda lib, x: lib.nan_to_num(x), dtypes=('int64',),
       differentiable=False),
    Op('float_ops_on_ints', _ints, call=lambda lib, x: (lib.exp(x), lib.sin(x), lib.sqrt(x.abs()),
                                                        lib.sigmoid(x), lib.erf(x)),
       dtypes=INTS + ('int8',), differentiable=False),
    Op('int_preserving_ops', _ints, call=lambda lib, x: (lib.abs(x), lib.sign(x), lib.floor(x),
                                                         lib.ceil(x), lib.trunc(x), lib.round(x),
                                                         lib.relu(x), lib.neg(x)),
       dtypes=INTS + ('int8', 'int16'), differentiable=False),
]
