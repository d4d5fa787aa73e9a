"""Oracle entries: the common ops on inf, -inf, nan, huge values and zeros.

PyTorch computes ``inf - inf``, ``0 * inf``, ``log(-1)`` or an overflow silently; with the
harness turning NumPy's RuntimeWarnings into errors on ember's side, these samples check that
ember does too (and gets the same nan/inf values and gradients). Finite differences mean
nothing here, so there is no gradcheck.
"""
import numpy as np

from .harness import Op, Sample


def _F(name):
    return lambda lib, *a, **k: getattr(lib.nn.functional, name)(*a, **k)


def specials(dtype):
    """inf, -inf, nan, values whose sum or square overflows, zeros of both signs, a plain one."""
    big = np.finfo(dtype).max / 2
    return np.array([np.inf, -np.inf, np.nan, big, -big, 0.0, -0.0, 1.5], dtype)


def _no_nan(dtype):
    """Special values without nan (so an inf - inf or overflow is the only way to get one)."""
    big = np.finfo(dtype).max / 2
    return np.array([[np.inf, -np.inf, 1.0, 2.0], [big, big, big, 1.0],
                     [0.0, np.inf, 0.0, -2.0], [-big, 3.0, -big, 0.5]], dtype)


def _unary(rng, dtype):
    x = specials(dtype)
    return [Sample((x,), desc='specials'), Sample((x.reshape(2, 4),), desc='specials-2d'),
            Sample((_no_nan(dtype),), desc='no-nan')]


def _reduction(rng, dtype):
    """Whole, per-dim and long (PyTorch's vectorised summation order) reductions."""
    m = _no_nan(dtype)
    long = np.tile(m.ravel(), 3)                  # 48 elements: several 8-float vectors
    return [Sample((m,), desc='all'), Sample((m, 0), desc='dim0'), Sample((m, 1), desc='dim1'),
            Sample((specials(dtype),), desc='with-nan'), Sample((long,), desc='long'),
            Sample((np.array([np.inf, -np.inf], dtype),), desc='inf-minus-inf')]


def _scan(rng, dtype):
    m = _no_nan(dtype)
    return [Sample((m, 0), desc='dim0'), Sample((m, 1), desc='dim1'),
            Sample((specials(dtype), 0), desc='with-nan')]


def _pairs(rng, dtype):
    """Every pair of special values (an outer broadcast)."""
    x = specials(dtype)
    return [Sample((x[:, None], x[None, :]), desc='all-pairs'),
            Sample((_no_nan(dtype), _no_nan(dtype).T), desc='no-nan')]


def _matmul(rng, dtype):
    m = _no_nan(dtype)
    zeros = np.zeros((4, 3), dtype)
    return [Sample((m, m.T), desc='no-nan'), Sample((m, zeros), desc='inf-times-zero'),
            Sample((specials(dtype).reshape(2, 4), _no_nan(dtype)), desc='with-nan')]


def _logits(rng, dtype):
    m = _no_nan(dtype)
    return [Sample((m, 1), desc='dim1'), Sample((m, 0), desc='dim0'),
            Sample((specials(dtype).reshape(2, 4), 1), desc='with-nan')]


def _regression(rng, dtype):
    m = _no_nan(dtype)
    return [Sample((m, m.T), dict(reduction=r), desc=r) for r in ('mean', 'sum', 'none')] + [
        Sample((specials(dtype), specials(dtype)[::-1].copy()), desc='with-nan')]


def _classification(rng, dtype):
    target = np.array([0, 1, 2, 3], np.int64)
    return [Sample((_no_nan(dtype), target), dict(reduction=r), desc=r)
            for r in ('mean', 'sum', 'none')]


def _probabilities(rng, dtype):
    """binary_cross_entropy at the edges of its domain: log(0) is clamped to -100."""
    x = np.array([[0.0, 1.0, 0.5, 1.0], [0.0, 0.25, 1.0, 0.0]], dtype)
    y = np.array([[0.0, 1.0, 1.0, 0.0], [1.0, 0.5, 1.0, 0.0]], dtype)
    return [Sample((x, y), dict(reduction=r), grad=(0,), desc=r) for r in ('mean', 'sum', 'none')]


def _kl(rng, dtype):
    m = _no_nan(dtype)
    target = np.abs(_no_nan(dtype).T)
    return [Sample((m, target), dict(reduction='sum'), desc='sum'),
            Sample((m, np.log(target + 1)), dict(reduction='sum', log_target=True),
                   desc='log-target')]


_UNARY = ('exp', 'log', 'sqrt', 'rsqrt', 'reciprocal', 'log1p', 'expm1', 'sigmoid', 'tanh',
          'square', 'abs', 'neg', 'sin', 'cos', 'log2', 'log10', 'exp2')
_REDUCTIONS = ('sum', 'mean', 'prod', 'var', 'std', 'norm', 'amax', 'nansum')
_BINARY = ('mul', 'div', 'add', 'sub', 'pow', 'maximum', 'atan2', 'hypot', 'xlogy')
_ACTIVATIONS = ('relu', 'gelu', 'silu', 'elu', 'leaky_relu', 'softplus', 'mish', 'logsigmoid',
                'selu', 'celu', 'softsign', 'hardtanh', 'hardswish', 'hardsigmoid', 'relu6',
                'tanhshrink', 'softshrink', 'hardshrink')
_REGRESSION_LOSSES = ('mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss')

OPS = [
    *[Op(f'{n}_special_values', _unary, call=lambda lib, x, n=n: getattr(lib, n)(x),
         gradcheck=False) for n in _UNARY],
    *[Op(f'{n}_special_values', _reduction, call=lambda lib, x, *dim, n=n: getattr(lib, n)(
        x, **({'dim': dim[0]} if dim else {})), gradcheck=False) for n in _REDUCTIONS],
    Op('logsumexp_special_values', _scan, call=lambda lib, x, d: lib.logsumexp(x, d),
       gradcheck=False),
    *[Op(f'{n}_special_values', _scan, call=lambda lib, x, d, n=n: getattr(lib, n)(x, d),
         gradcheck=False) for n in ('cumsum', 'cumprod', 'logcumsumexp')],
    *[Op(f'{n}_special_values', _pairs, call=lambda lib, a, b, n=n: getattr(lib, n)(a, b),
         gradcheck=False) for n in _BINARY],
    Op('matmul_special_values', _matmul, call=lambda lib, a, b: lib.matmul(a, b),
       gradcheck=False),
    *[Op(f'{n}_special_values', _logits, call=lambda lib, x, d, n=n: getattr(lib, n)(x, d),
         gradcheck=False) for n in ('softmax', 'log_softmax')],
    *[Op(f'F.{n}_special_values', _unary, call=_F(n), gradcheck=False) for n in _ACTIVATIONS],
    *[Op(f'F.{n}_special_values', _regression, call=_F(n), gradcheck=False)
      for n in _REGRESSION_LOSSES],
    *[Op(f'F.{n}_special_values', _classification, call=_F(n), gradcheck=False)
      for n in ('cross_entropy', 'nll_loss', 'multi_margin_loss')],
    Op('F.binary_cross_entropy_special_values', _probabilities, call=_F('binary_cross_entropy'),
       gradcheck=False),
    Op('F.binary_cross_entropy_with_logits_special_values', _regression,
       call=_F('binary_cross_entropy_with_logits'), gradcheck=False),
    Op('F.kl_div_special_values', _kl, call=_F('kl_div'), gradcheck=False),
]

# torch has no second derivative for these
for _op in OPS:
    if _op.name in ('F.hardsigmoid_special_values', 'F.multi_margin_loss_special_values'):
        _op.gradgrad = False

# Where ember's nan/inf values or gradients still differ from torch 2.13 at these special values
# (an inf/nan gradient where torch gives a number or the reverse, overflow in another order):
# these checks only make sure no NumPy warning escapes.
_VALUE_DIFFS = {
    'std': ('forward', 'backward'), 'matmul': ('forward', 'backward'),
    'prod': ('backward', 'second_order'), 'cumprod': ('backward', 'second_order'),
    'div': ('backward', 'second_order'), 'atan2': ('backward',), 'xlogy': ('second_order',),
    'F.gelu': ('forward', 'second_order'), 'F.mish': ('second_order',),
    'F.elu': ('backward', 'second_order'), 'F.celu': ('backward', 'second_order'),
    'F.selu': ('backward', 'second_order'), 'F.relu': ('backward',), 'F.relu6': ('backward',),
    'F.hardtanh': ('backward',), 'F.hardshrink': ('backward',), 'F.softshrink': ('backward',),
    'F.softsign': ('backward',), 'F.huber_loss': ('backward',), 'F.smooth_l1_loss': ('backward',),
    'F.binary_cross_entropy': ('second_order',),
}
for _op in OPS:
    _op.warnings_only = _VALUE_DIFFS.get(_op.name[:-len('_special_values')], ())
