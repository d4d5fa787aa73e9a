"""Oracle entries: top-level forms of in-place Tensor methods (ember/_ops/inplace_aliases.py)
and the ``*_copy`` variants of view ops (ember/_ops/copy_variants.py)."""
import numpy as np

from .harness import Op, Sample, arr

FLOATS = ('float32', 'float64')


def _unit(rng, dtype, low=0.1, high=0.9):
    """Two small samples inside (low, high): every op below is defined there."""
    return [Sample((arr(rng, (3, 4), dtype, low=low, high=high),), desc='2d'),
            Sample((arr(rng, (), dtype, low=low, high=high),), desc='0d')]


def _on_clone(name, *extra, **kw):
    """``lib.<name>(x.clone(), *extra)``: the in-place form on a non-leaf copy."""
    def call(lib, x, *args):
        return getattr(lib, name)(x.clone(), *(args or extra), **kw)
    return call


def _shifted(low, high):
    return lambda rng, dtype: _unit(rng, dtype, low, high)


_UNARY_INPLACE = (
    'abs_', 'acos_', 'asin_', 'asinh_', 'atan_', 'atanh_', 'arccos_', 'arcsin_', 'arcsinh_',
    'arctan_', 'arctanh_', 'ceil_', 'cos_', 'cosh_', 'erf_', 'erfc_', 'exp2_', 'exp_', 'expm1_',
    'fix_', 'floor_', 'frac_', 'i0_', 'log10_', 'log1p_', 'log2_', 'log_', 'logit_',
    'nan_to_num_', 'neg_', 'negative_', 'reciprocal_', 'round_', 'rsqrt_', 'sigmoid_', 'sin_',
    'sinc_', 'sinh_', 'sqrt_', 'square_', 'tan_', 'tanh_', 'trunc_', 'zero_', 'detach_')


def _two_args(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype, positive=True), arr(rng, (3, 4), dtype,
                                                                 positive=True)), desc='2d')]


def _addmv(rng, dtype):
    return [Sample((arr(rng, (3,), dtype), arr(rng, (3, 4), dtype), arr(rng, (4,), dtype)),
                   desc='mv')]


def _view_source(rng, dtype):
    return [Sample((arr(rng, (2, 3, 4), dtype),), desc='3d')]


def _copy(name, *args, **kw):
    def call(lib, x):
        return getattr(lib, name)(x, *args, **kw)
    return call


# PyTorch has no derivative for these in-place forms (ember has): compared forward only.
_NO_TORCH_GRAD = {'asinh_', 'arcsinh_', 'atanh_', 'arctanh_', 'detach_'}

OPS = [Op(n, _unit, call=_on_clone(n), differentiable=n not in _NO_TORCH_GRAD)
       for n in _UNARY_INPLACE] + [
    Op('acosh_', _shifted(1.2, 3.0), call=_on_clone('acosh_'), covers=('arccosh_',),
       differentiable=False),
    Op('clamp_', _unit, call=_on_clone('clamp_', 0.3, 0.6), covers=('clip_',)),
    Op('clamp_max_', _unit, call=_on_clone('clamp_max_', 0.5)),
    Op('clamp_min_', _unit, call=_on_clone('clamp_min_', 0.5)),
    Op('fill_', _unit, call=_on_clone('fill_', 2.5)),
    Op('fill', _unit, call=_copy('fill', 2.5), dtypes=FLOATS + ('int64',)),
    Op('xlogy_', _two_args, call=_on_clone('xlogy_')),
    Op('addmv_', _addmv, call=_on_clone('addmv_')),
    Op('detach', _unit, differentiable=False),
    Op('is_signed', _unit, dtypes=FLOATS + ('int64', 'uint8', 'bool'), differentiable=False),
    Op('is_complex', _unit, dtypes=FLOATS + ('int64', 'bool'), differentiable=False),
    Op('alias_copy', _view_source),
    Op('detach_copy', _view_source, differentiable=False),
    Op('diagonal_copy', _view_source, call=_copy('diagonal_copy', 1, 1, 2)),
    Op('expand_copy', _view_source, call=_copy('expand_copy', (3, 2, 3, 4))),
    Op('permute_copy', _view_source, call=_copy('permute_copy', (2, 0, 1))),
    Op('select_copy', _view_source, call=_copy('select_copy', 1, -1)),
    Op('slice_copy', _view_source, call=_copy('slice_copy', 2, 1, 4, 2)),
    Op('split_copy', _view_source, call=_copy('split_copy', 3, 2)),
    Op('split_with_sizes_copy', _view_source, call=_copy('split_with_sizes_copy', [1, 2], 1)),
    Op('squeeze_copy', _view_source,
       call=lambda lib, x: lib.squeeze_copy(x.unsqueeze(1), 1)),
    Op('t_copy', _view_source, call=lambda lib, x: lib.t_copy(x[0])),
    Op('transpose_copy', _view_source, call=_copy('transpose_copy', 0, 2)),
    Op('unbind_copy', _view_source, call=_copy('unbind_copy', 1)),
    Op('unfold_copy', _view_source, call=_copy('unfold_copy', 2, 2, 1)),
    Op('unsqueeze_copy', _view_source, call=_copy('unsqueeze_copy', -1)),
    Op('view_copy', _view_source, call=_copy('view_copy', (4, 6))),
]
