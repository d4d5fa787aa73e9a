"""Oracle entries: activations, softmax family and scaled_dot_product_attention
(ember/_ops/nn_activation.py and its _nn_activation_* helpers).

Samples keep a distance from each op's kinks (0 for relu-like ops, +-lambd for shrinkage,
+-3 for the hard ops, the threshold) so finite differences are meaningful; separate
``*_kinks`` entries check values and gradients exactly at the kinks (no gradcheck).
In-place forms run on ``x * 1`` so the leaf input still receives a gradient.
"""
import numpy as np

from .harness import Op, Sample, arr

FLOATS = ('float32', 'float64')


def _F(name):
    return lambda lib, *a, **k: getattr(lib.nn.functional, name)(*a, **k)


def _away(x, kinks, gap=0.06):
    """``x`` with every element within ``gap`` of a kink moved by 2*gap."""
    x = np.array(x, copy=True)
    for k in kinks:
        near = np.abs(x - k) < gap
        x[near] = x[near] + 2 * gap
    return x


def _unary(kinks=(0.0,), low=-2.0, high=2.0, kwargs=None, empty=True):
    """0-d, 1-d, 2-d, 3-d non-contiguous and empty inputs, away from ``kinks``."""
    kw = kwargs or {}

    def gen(rng, dtype):
        def a(shape, **more):
            return _away(arr(rng, shape, dtype, low=low, high=high, **more), kinks)
        out = [Sample((a(()),), dict(kw), desc='0d'),
               Sample((a((5,)),), dict(kw), desc='1d'),
               Sample((a((3, 4)),), dict(kw), desc='2d'),
               Sample((a((2, 3, 4), noncontig=True),), dict(kw), desc='3d-noncontig')]
        if empty:
            out.append(Sample((arr(rng, (0, 3), dtype),), dict(kw), desc='empty'))
        return out
    return gen


def _at(values, kwargs=None):
    """Values exactly at the kinks (forward and backward only)."""
    def gen(rng, dtype):
        return [Sample((np.array(values, dtype=dtype),), dict(kwargs or {}), desc='kinks')]
    return gen


def _inplace(name, **fixed):
    return lambda lib, x, *a, **k: getattr(lib.nn.functional, name)(x * 1, *a, **fixed, **k)


def _top_inplace(name):
    return lambda lib, x, *a, **k: getattr(lib, name)(x * 1, *a, **k)


def _method(name):
    return lambda lib, x, *a, **k: getattr(x, name)(*a, **k)


# ---- softmax family ---------------------------------------------------------------------------
def _softmax_samples(rng, dtype):
    return [Sample((arr(rng, (3, 5), dtype), 1), desc='2d-last'),
            Sample((arr(rng, (3, 5), dtype), 0), desc='2d-first'),
            Sample((arr(rng, (2, 3, 4), dtype, noncontig=True), -2), desc='3d-mid'),
            Sample((arr(rng, (2, 3, 4), dtype, low=-30, high=30), -1), desc='wide-range'),
            Sample((arr(rng, (6,), dtype), 0), desc='1d'),
            Sample((arr(rng, (), dtype), 0), desc='0d'),
            Sample((arr(rng, (0, 4), dtype), 1), desc='empty')]


def _softmax_inf(rng, dtype):
    x = np.array([[0.0, -np.inf, 1.0], [-np.inf, -np.inf, 2.0]], dtype=dtype)
    return [Sample((x, 1), grad=(), desc='-inf')]


def _softmax_dtype(rng, dtype):
    return [Sample((arr(rng, (3, 4), 'float32'), 1), {'dtype': 'float64'}, desc='to-f64')]


def _dtype_call(fn):
    def call(lib, x, dim, dtype=None):
        return fn(lib)(x, dim, dtype=getattr(lib, dtype))
    return call


def _softmax_implicit(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype),), desc='2d'),
            Sample((arr(rng, (2, 3, 4), dtype),), desc='3d')]


def _implicit(name):
    def call(lib, x):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            return getattr(lib.nn.functional, name)(x)
    return call


# ---- parametrised samples ---------------------------------------------------------------------
def _prelu_samples(rng, dtype):
    return [Sample((_away(arr(rng, (2, 3, 4), dtype), (0,)), arr(rng, (3,), dtype)),
                   desc='per-channel'),
            Sample((_away(arr(rng, (2, 3), dtype), (0,)), arr(rng, (1,), dtype)), desc='shared'),
            Sample((_away(arr(rng, (5,), dtype), (0,)), arr(rng, (1,), dtype)), desc='1d'),
            Sample((_away(arr(rng, (2, 3, 2, 2), dtype, noncontig=True), (0,)),
                    arr(rng, (3,), dtype)), desc='4d'),
            Sample((_away(arr(rng, (2, 3), dtype), (0,)), arr(rng, (), dtype)), desc='0d-weight')]


def _glu_samples(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype),), desc='last'),
            Sample((arr(rng, (4, 3), dtype), 0), desc='dim0'),
            Sample((arr(rng, (2, 6, 2), dtype, noncontig=True), 1), desc='3d'),
            Sample((arr(rng, (0, 4), dtype),), desc='empty')]


def _gumbel_samples(rng, dtype):
    return [Sample((arr(rng, (3, 5), dtype),), desc='soft'),
            Sample((arr(rng, (3, 5), dtype),), {'tau': 0.5, 'dim': 0}, desc='tau-dim0')]


def _gumbel_hard(rng, dtype):
    return [Sample((arr(rng, (2, 4), dtype),), {'hard': True}, desc='hard'),
            Sample((arr(rng, (3, 4), dtype),), {'hard': True, 'dim': 0}, desc='hard-dim0')]


def _sdpa_samples(rng, dtype):
    def a(*shape):
        return arr(rng, shape, dtype)
    bool_mask = np.array([[True, False, True, True, False, True]] * 4)
    bool_mask[2] = [True] * 6
    return [Sample((a(2, 3, 4, 5), a(2, 3, 6, 5), a(2, 3, 6, 7)), desc='plain'),
            Sample((a(2, 4, 5), a(2, 4, 5), a(2, 4, 3)), {'is_causal': True}, desc='causal'),
            Sample((a(1, 2, 4, 5), a(1, 2, 6, 5), a(1, 2, 6, 3)), {'attn_mask': bool_mask},
                   desc='bool-mask'),
            Sample((a(1, 2, 4, 5), a(1, 2, 6, 5), a(1, 2, 6, 3), a(4, 6)), desc='float-mask'),
            Sample((a(3, 5), a(4, 5), a(4, 2)), {'scale': 0.7}, desc='2d-scale'),
            Sample((a(1, 4, 3, 5), a(1, 2, 3, 5), a(1, 2, 3, 5)), {'enable_gqa': True},
                   desc='gqa')]


def _sdpa_masked_rows(rng, dtype):
    mask = np.ones((3, 4), dtype=bool)
    mask[1] = False                                   # a fully masked row gives 0, not nan
    return [Sample((arr(rng, (3, 5), dtype), arr(rng, (4, 5), dtype), arr(rng, (4, 2), dtype)),
                   {'attn_mask': mask}, desc='masked-row')]


def _sdpa_dropout(rng, dtype):
    return [Sample((arr(rng, (2, 2, 4, 5), dtype), arr(rng, (2, 2, 6, 5), dtype),
                    arr(rng, (2, 2, 6, 3), dtype)), {'dropout_p': 0.4}, desc='dropout')]


def _rrelu_train(rng, dtype):
    return [Sample((_away(arr(rng, (4, 5), dtype), (0,)),), desc='2d'),
            Sample((_away(arr(rng, (2, 3, 4), dtype, noncontig=True), (0,)),), desc='3d')]


def _large(kinks=(0.0,), low=-3.0, high=3.0, kwargs=None):
    """Inputs above 2048 elements (where selections blend arithmetically instead of using
    NumPy's where), plus the same with inf/nan mixed in (forward only)."""
    def gen(rng, dtype):
        x = _away(arr(rng, (50, 60), dtype, low=low, high=high), kinks)
        y = x.copy()
        y[::7, ::5] = np.inf
        y[3::7, 1::5] = -np.inf
        y[5::11, 2::3] = np.nan
        return [Sample((x,), dict(kwargs or {}), desc='large'),
                Sample((y,), dict(kwargs or {}), grad=(), desc='large-inf-nan')]
    return gen


def _large_inf_grad(kinks=(0.0,), kwargs=None):
    """A large input whose output gradient holds inf/nan where the op masks it out."""
    def gen(rng, dtype):
        return [Sample((_away(arr(rng, (50, 60), dtype), kinks),), dict(kwargs or {}),
                       desc='large')]
    return gen


def _with_inf_grad(name, **fixed):
    def call(lib, x, **k):
        y = getattr(lib.nn.functional, name)(x, **fixed, **k)
        w = lib.ones_like(y)
        w[::3] = float('inf')
        w[1::3] = float('nan')
        return y * w
    return call


OPS = [
    # softmax family
    Op('softmax', _softmax_samples, covers=('F.softmax',)),
    Op('log_softmax', _softmax_samples, covers=('F.log_softmax',)),
    Op('F.softmin', _softmax_samples, call=_F('softmin')),
    Op('softmax_method', _softmax_samples, call=lambda lib, x, d: x.softmax(d)),
    Op('log_softmax_method', _softmax_samples, call=lambda lib, x, d: x.log_softmax(dim=d)),
    Op('softmax_inf', _softmax_inf, call=lambda lib, x, d: (lib.softmax(x, d),
                                                           lib.log_softmax(x, d))),
    Op('softmax_dtype', _softmax_dtype, dtypes=('float32',),
       call=_dtype_call(lambda lib: lib.softmax)),
    Op('log_softmax_dtype', _softmax_dtype, dtypes=('float32',),
       call=_dtype_call(lambda lib: lib.log_softmax)),
    Op('softmin_dtype', _softmax_dtype, dtypes=('float32',),
       call=_dtype_call(lambda lib: lib.nn.functional.softmin)),
    Op('softmax_implicit_dim', _softmax_implicit, call=_implicit('softmax')),
    Op('log_softmax_implicit_dim', _softmax_implicit, call=_implicit('log_softmax')),
    Op('softmin_implicit_dim', _softmax_implicit, call=_implicit('softmin')),
    Op('softmax_float16', _softmax_samples, dtypes=('float16',), differentiable=False,
       call=lambda lib, x, d: (lib.softmax(x, d), lib.log_softmax(x, d))),
    # relu family
    Op('F.relu', _unary(), call=_F('relu'), dtypes=FLOATS + ('int64',)),
    Op('F.relu_inplace', _unary(), call=_inplace('relu', inplace=True)),
    Op('relu_', _unary(), call=_top_inplace('relu_'), covers=('F.relu_',)),
    Op('F.relu6', _unary(kinks=(0.0, 6.0), low=-3, high=9), call=_F('relu6'),
       dtypes=FLOATS + ('int64',)),
    Op('F.relu6_inplace', _unary(kinks=(0.0, 6.0), low=-3, high=9),
       call=_inplace('relu6', inplace=True)),
    Op('F.hardtanh', _unary(kinks=(-1.0, 1.0)), call=_F('hardtanh'), dtypes=FLOATS + ('int64',)),
    Op('F.hardtanh_args', _unary(kinks=(-0.5, 1.5), kwargs={'min_val': -0.5, 'max_val': 1.5}),
       call=_F('hardtanh')),
    Op('F.hardtanh_', _unary(kinks=(-1.0, 1.0)), call=_inplace('hardtanh_')),
    Op('F.hardtanh_kinks', _at([-1.0, 1.0, 0.0, -2.0, 2.0]), call=_F('hardtanh'),
       gradcheck=False),
    Op('F.leaky_relu', _unary(), call=_F('leaky_relu')),
    Op('F.leaky_relu_slope', _unary(kwargs={'negative_slope': 0.2}), call=_F('leaky_relu')),
    Op('F.leaky_relu_', _unary(kwargs={'negative_slope': 0.2}), call=_inplace('leaky_relu_')),
    Op('F.leaky_relu_inplace', _unary(), call=_inplace('leaky_relu', inplace=True)),
    Op('F.leaky_relu_kinks', _at([0.0, -0.0, 1.0, -1.0]), call=_F('leaky_relu'),
       gradcheck=False),
    Op('prelu', _prelu_samples, covers=('F.prelu',)),
    Op('prelu_method', _prelu_samples, call=lambda lib, x, w: x.prelu(w)),
    Op('F.rrelu', _unary(), call=_F('rrelu')),
    Op('F.rrelu_args', _unary(kwargs={'lower': 0.2, 'upper': 0.4}), call=_F('rrelu')),
    Op('rrelu', _unary(), covers=('F.rrelu',)),
    Op('F.rrelu_train', _rrelu_train, call=_F('rrelu'), random=True,
       covers=('F.rrelu_',)),
    Op('rrelu_train_top', _rrelu_train, random=True,
       call=lambda lib, x: lib.rrelu(x, 0.1, 0.5, True)),
    Op('F.rrelu_train_inplace', _rrelu_train, random=True,
       call=lambda lib, x: lib.nn.functional.rrelu(x * 1, training=True, inplace=True)),
    Op('F.rrelu_', _rrelu_train, random=True,
       call=lambda lib, x: lib.nn.functional.rrelu_(x * 1, training=True)),
    Op('rrelu_', _unary(), call=_top_inplace('rrelu_')),
    Op('F.rrelu_generator', _rrelu_train, random=True, gradcheck=False, gradgrad=False,
       call=lambda lib, x: lib.rrelu(x, 0.1, 0.3, True, lib.Generator().manual_seed(3))),
    Op('F.elu', _unary(low=-3, high=3), call=_F('elu')),
    Op('F.elu_alpha', _unary(kwargs={'alpha': 0.5}), call=_F('elu')),
    Op('F.elu_', _unary(low=-3, high=3), call=_inplace('elu_')),
    Op('F.elu_inplace', _unary(kwargs={'alpha': 2.0}), call=_inplace('elu', inplace=True)),
    Op('selu', _unary(low=-3, high=3), covers=('F.selu',)),
    Op('selu_', _unary(), call=_top_inplace('selu_'), covers=('F.selu_',)),
    Op('F.selu_inplace', _unary(), call=_inplace('selu', inplace=True)),
    Op('celu', _unary(low=-3, high=3), covers=('F.celu',)),
    Op('F.celu_alpha', _unary(kwargs={'alpha': 0.7}), call=_F('celu')),
    Op('celu_', _unary(), call=_top_inplace('celu_'), covers=('F.celu_',)),
    Op('F.celu_inplace', _unary(kwargs={'alpha': 2.0}), call=_inplace('celu', inplace=True)),
    Op('threshold', _unary(kinks=(0.1,), kwargs={'threshold': 0.1, 'value': 20.0}),
       covers=('F.threshold',), dtypes=FLOATS + ('int64',)),
    Op('threshold_', _unary(kinks=(0.1,), kwargs={'threshold': 0.1, 'value': -3.0}),
       call=_top_inplace('threshold_'), covers=('F.threshold_',)),
    Op('F.threshold_inplace', _unary(kinks=(0.5,), kwargs={'threshold': 0.5, 'value': 2.0}),
       call=_inplace('threshold', inplace=True)),
    Op('threshold_kinks', _at([0.1, 0.0, 1.0], {'threshold': 0.1, 'value': 20.0}),
       call=_F('threshold'), gradcheck=False),
    # smooth activations
    Op('F.gelu', _unary(low=-4, high=4), call=_F('gelu')),
    Op('F.gelu_tanh', _unary(low=-4, high=4, kwargs={'approximate': 'tanh'}), call=_F('gelu')),
    Op('F.silu', _unary(low=-5, high=5), call=_F('silu')),
    Op('F.silu_inplace', _unary(), call=_inplace('silu', inplace=True)),
    Op('F.mish', _unary(low=-5, high=5), call=_F('mish')),
    Op('F.mish_inplace', _unary(), call=_inplace('mish', inplace=True)),
    Op('F.sigmoid', _unary(low=-5, high=5), call=_F('sigmoid')),
    Op('F.tanh', _unary(low=-3, high=3), call=_F('tanh')),
    Op('F.logsigmoid', _unary(low=-6, high=6), call=_F('logsigmoid')),
    Op('F.logsigmoid_extremes', _at([-100.0, -30.0, 0.0, 30.0, 100.0]), call=_F('logsigmoid')),
    Op('F.softplus', _unary(low=-5, high=5), call=_F('softplus')),
    Op('F.softplus_args', _unary(kinks=(2.0,), low=-3, high=3,
                                 kwargs={'beta': 2.0, 'threshold': 4.0}),
       call=_F('softplus')),
    Op('F.softsign', _unary(low=-3, high=3), call=_F('softsign')),
    Op('F.tanhshrink', _unary(low=-3, high=3), call=_F('tanhshrink')),
    # PyTorch has no second derivative for hardsigmoid (ember's is zero)
    Op('F.hardsigmoid', _unary(kinks=(-3.0, 3.0), low=-5, high=5), call=_F('hardsigmoid'),
       gradgrad=False),
    Op('F.hardsigmoid_inplace', _unary(kinks=(-3.0, 3.0), low=-5, high=5),
       call=_inplace('hardsigmoid', inplace=True), gradgrad=False),
    Op('F.hardsigmoid_kinks', _at([-3.0, 3.0, 0.0]), call=_F('hardsigmoid'), gradcheck=False,
       gradgrad=False),
    Op('F.hardswish', _unary(kinks=(-3.0, 3.0), low=-5, high=5), call=_F('hardswish')),
    Op('F.hardswish_inplace', _unary(kinks=(-3.0, 3.0), low=-5, high=5),
       call=_inplace('hardswish', inplace=True)),
    Op('F.hardswish_kinks', _at([-3.0, 3.0, 0.0]), call=_F('hardswish'), gradcheck=False),
    Op('hardshrink', _unary(kinks=(-0.5, 0.5)), covers=('F.hardshrink',)),
    Op('hardshrink_lambd', _unary(kinks=(-1.0, 1.0), kwargs={'lambd': 1.0}),
       call=lambda lib, x, **k: lib.hardshrink(x, **k)),
    Op('hardshrink_method', _unary(kinks=(-0.5, 0.5)), call=_method('hardshrink')),
    Op('hardshrink_kinks', _at([-0.5, 0.5, 0.0, 1.0]), call=lambda lib, x: lib.hardshrink(x),
       gradcheck=False),
    Op('F.softshrink', _unary(kinks=(-0.5, 0.5)), call=_F('softshrink')),
    Op('F.softshrink_lambd', _unary(kinks=(-1.0, 1.0), kwargs={'lambd': 1.0}),
       call=_F('softshrink')),
    Op('F.softshrink_kinks', _at([-0.5, 0.5, 0.0, 1.0]), call=_F('softshrink'), gradcheck=False),
    Op('F.glu', _glu_samples, call=_F('glu')),
    # large inputs: the arithmetic selection paths and their inf/nan fallbacks
    *[Op(f'F.{name}_large', _large(**kw), call=_F(name), gradcheck=False,
         gradgrad=name != 'hardsigmoid')
      for name, kw in (('leaky_relu', {}), ('elu', {}), ('selu', {}), ('celu', {}),
                       ('hardtanh', {'kinks': (-1.0, 1.0)}), ('relu6', {'kinks': (0.0, 6.0)}),
                       ('hardshrink', {'kinks': (-0.5, 0.5)}),
                       ('softshrink', {'kinks': (-0.5, 0.5)}),
                       ('softplus', {'low': -30.0, 'high': 30.0}),
                       ('hardsigmoid', {'kinks': (-3.0, 3.0)}),
                       ('hardswish', {'kinks': (-3.0, 3.0)}), ('rrelu', {}),
                       ('threshold', {'kinks': (0.1,), 'kwargs': {'threshold': 0.1,
                                                                 'value': -2.0}}))],
    Op('prelu_large', lambda rng, dt: [Sample((_away(arr(rng, (40, 3, 20), dt), (0,)),
                                               arr(rng, (3,), dt)), desc='large')],
       call=lambda lib, x, w: lib.prelu(x, w), gradcheck=False),
    Op('softmax_large', lambda rng, dt: [Sample((arr(rng, (30, 100), dt, low=-20, high=20), 1),
                                                desc='large')],
       call=lambda lib, x, d: (lib.softmax(x, d), lib.log_softmax(x, d)), gradcheck=False),
    *[Op(f'F.{name}_masked_inf_grad', _large_inf_grad(**kw), call=_with_inf_grad(name),
         gradcheck=False, gradgrad=False)
      for name, kw in (('hardtanh', {'kinks': (-1.0, 1.0)}), ('hardshrink', {'kinks': (-0.5, 0.5)}),
                       ('leaky_relu', {}), ('elu', {}))],
    # float16 runs in float32 (PyTorch's opmath) with one rounding
    Op('F.activations_float16', _unary(low=-4, high=4), dtypes=('float16',), differentiable=False,
       call=lambda lib, x: tuple(getattr(lib.nn.functional, n)(x) for n in (
           'relu6', 'hardtanh', 'leaky_relu', 'rrelu', 'elu', 'selu', 'celu', 'silu', 'mish',
           'logsigmoid', 'softplus', 'softsign', 'tanhshrink', 'hardsigmoid', 'hardswish',
           'hardshrink', 'softshrink', 'gelu'))),
    # random composites
    Op('F.gumbel_softmax', _gumbel_samples, call=_F('gumbel_softmax'), random=True),
    # hard=True: y_hard - y_soft.detach() + y_soft has y_soft's gradient by construction, which
    # finite differences (seeing a constant one-hot) cannot reproduce
    Op('F.gumbel_softmax_hard', _gumbel_hard, call=_F('gumbel_softmax'), random=True,
       gradcheck=False),
    # attention
    # PyTorch runs these on its fused CPU kernel, which has no second derivative; the math-path
    # entries below (2-d, dropout) check second order
    Op('F.scaled_dot_product_attention', _sdpa_samples, call=_F('scaled_dot_product_attention'),
       atol=2e-5, gradgrad=False),
    Op('F.sdpa_masked_rows', _sdpa_masked_rows, call=_F('scaled_dot_product_attention')),
    Op('F.sdpa_dropout', _sdpa_dropout, call=_F('scaled_dot_product_attention'), random=True,
       atol=2e-5),
]
