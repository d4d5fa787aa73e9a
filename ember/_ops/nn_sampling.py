"""Resampling of ``torch.nn.functional``: ``interpolate`` (nearest, nearest-exact, linear,
bilinear, bicubic, trilinear, area) and its deprecated ``upsample*`` spellings,
``grid_sample`` (bilinear/nearest/bicubic, zeros/border/reflection padding) and
``affine_grid``.

Interpolation is separable: each spatial dim gets its own index table (nearest) or weight
matrix (linear, cubic), built with PyTorch's coordinate rules and float32/float64 rounding;
backwards are the transposed operators, differentiable again. ``grid_sample``'s kernels live
in ``_nn_pooling_grid``; its backward is written with ember ops (gathers, scatters, tap
weights), so double backward works.

>>> ember.nn.functional.interpolate(ember.tensor([[[1., 2.]]]), scale_factor=2)
tensor([[[1., 1., 2., 2.]]])
"""
import math
import warnings

from ._base import Tensor, wrap, record, STATE, xp_of, np
from ._elementwise import not_implemented_for, quiet
from ._nn_pooling_core import PlaneIndex, plane_gather, separable, apply_mats
from ._nn_pooling_grid import grid_plan, grid_forward, grid_backward, host
from .._dtype import FLOATING, kind_of

__all__ = ['grid_sampler', 'grid_sampler_2d', 'grid_sampler_3d', 'affine_grid_generator']
METHODS = {}
FUNCTIONAL = ['interpolate', 'upsample', 'upsample_nearest', 'upsample_bilinear', 'grid_sample',
              'affine_grid']

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_DIMS = ('D', 'H', 'W')


# ---- interpolate -----------------------------------------------------------------------------
def _is_integer(x):
    if isinstance(x, Tensor):
        return not x.is_floating_point()
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of an (N, C, *spatial) input to ``size`` or by
    ``scale_factor``.

    Modes: 'nearest' (PyTorch's floor rule), 'nearest-exact' (pixel centres), 'linear' (3-d
    input), 'bilinear' and 'bicubic' (4-d), 'trilinear' (5-d), 'area' (adaptive average).
    ``align_corners=True`` maps corner pixel centres onto each other.

    >>> x = ember.tensor([[[[1., 2.], [3., 4.]]]])
    >>> ember.nn.functional.interpolate(x, size=3, mode='bilinear', align_corners=True)
    tensor([[[[1.0000, 1.5000, 2.0000],
              [2.0000, 2.5000, 3.0000],
              [3.0000, 3.5000, 4.0000]]]])
    """
    if mode in ('nearest', 'area', 'nearest-exact'):
        if align_corners is not None:
            raise ValueError('align_corners option can only be set with the interpolating '
                             'modes: linear | bilinear | bicubic | trilinear')
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError('only one of size or scale_factor should be defined')
    if size is not None:
        scales = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    'Input and output must have the same number of spatial dimensions, but got '
                    f'input with spatial dimensions of {list(input.shape[2:])} and output size of '
                    f'{size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and '
                    'output size in (o1, o2, ...,oK) format.')
            if not all(_is_integer(v) for v in size):
                raise TypeError('expected size to be one of int or Tuple[int] or Tuple[int, int] '
                                'or Tuple[int, int, int], but got size with types '
                                f'{[type(v) for v in size]}')
            out_size = [int(v) for v in size]
        else:
            if not _is_integer(size):
                raise TypeError(f'{_kernel_label(mode, dim)}() received an invalid combination '
                                f'of arguments: size must be an int or a tuple of ints, got '
                                f'{type(size).__name__}')
            out_size = [int(size)] * dim
    elif scale_factor is not None:
        out_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    'Input and scale_factor must have the same number of spatial dimensions, but '
                    f'got input with spatial dimensions of {list(input.shape[2:])} and '
                    f'scale_factor of shape {scale_factor}. Please provide input tensor in '
                    '(N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.')
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
    else:
        raise ValueError('either size or scale_factor should be defined')
    if recompute_scale_factor and size is not None:
        raise ValueError('recompute_scale_factor is not meaningful with an explicit size.')
    if mode == 'area' and out_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        out_size = [int(input.shape[i + 2] * scales[i]) for i in range(dim)]
        scales = None
    if antialias and not (mode in ('bilinear', 'bicubic', 'lanczos') and input.dim() == 4):
        raise ValueError('Anti-alias option is restricted to bilinear, bicubic, and lanczos '
                         'modes and requires a 4-D tensor as input')
    if antialias:
        raise NotImplementedError('interpolate(antialias=True) is not supported by ember; use '
                                  'antialias=False (the default)')
    need = {'linear': 1, 'bilinear': 2, 'bicubic': 2, 'trilinear': 3}
    if mode in ('nearest', 'nearest-exact', 'area') and 1 <= dim <= 3:
        pass
    elif mode in need and dim == need[mode]:
        pass
    elif mode in need and mode != 'bicubic' and 1 <= dim <= 3:
        raise NotImplementedError(f'Got {dim + 2}D input, but {mode} mode needs '
                                  f'{need[mode] + 2}D input')
    else:
        raise NotImplementedError(
            f'Input Error: Only 3D, 4D and 5D input Tensors supported (got {dim + 2}D) for the '
            'modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | '
            f'nearest-exact (got {mode})')
    if mode == 'area':
        from . import nn_pooling as P
        fn = (P.adaptive_avg_pool1d, P.adaptive_avg_pool2d, P.adaptive_avg_pool3d)[dim - 1]
        return fn(input, out_size if dim > 1 else out_size[0])
    if out_size is None:
        out_size = [int(input.shape[i + 2] * scales[i]) for i in range(dim)]
    return _upsample(input, mode, tuple(out_size), scales, align_corners)


def _kernel_label(mode, dim):
    base = {'nearest': 'upsample_nearest', 'nearest-exact': '_upsample_nearest_exact',
            'linear': 'upsample_linear', 'bilinear': 'upsample_bilinear',
            'bicubic': 'upsample_bicubic', 'trilinear': 'upsample_trilinear'}.get(mode, mode)
    return f'{base}{dim}d'


_GRAD_NAME = {'nearest': 'UpsampleNearest{}DBackward0',
              'nearest-exact': 'UpsampleNearestExact{}DBackward0',
              'linear': 'UpsampleLinear1DBackward0', 'bilinear': 'UpsampleBilinear2DBackward0',
              'bicubic': 'UpsampleBicubic2DBackward0', 'trilinear': 'UpsampleTrilinear3DBackward0'}


def _upsample(input, mode, out_size, scales, align_corners):
    x = input._data
    n = len(out_size)
    inp = x.shape[2:]
    if min(inp) <= 0 or min(out_size) <= 0:
        names = _DIMS[3 - n:]
        i_s = ', '.join(f'{c}: {v}' for c, v in zip(names, inp))
        o_s = ', '.join(f'{c}: {v}' for c, v in zip(names, out_size))
        raise RuntimeError(f'Input and output sizes should be greater than 0, but got input '
                           f'({i_s}) output ({o_s}) (in interpolate: check size/scale_factor)')
    if x.shape[1] == 0:
        raise RuntimeError(f'Non-empty {n + 2}D data tensor expected but got a tensor with '
                           f'sizes {list(x.shape)}')
    name = _GRAD_NAME[mode].format(n)
    kind = kind_of(x.dtype)
    if kind != 'f':
        if n == 2 and mode in ('nearest', 'nearest-exact', 'bilinear'):
            label = f'upsample_{"nearest" if mode != "bilinear" else "bilinear"}2d_channels_last'
        else:
            label = 'compute_indices_weights_' + {'nearest-exact': 'nearest', 'bicubic': 'cubic',
                                                  'bilinear': 'linear', 'trilinear': 'linear'
                                                  }.get(mode, mode)
        if x.dtype != np.uint8 or mode not in ('nearest', 'nearest-exact'):
            if x.dtype == np.uint8 and n == 2:
                raise NotImplementedError(f"interpolate(mode='{mode}') on uint8 images is not "
                                          'supported by ember; convert with .float() first')
            raise not_implemented_for(label, x.dtype)
    if mode in ('nearest', 'nearest-exact'):
        xp = xp_of(x)
        idx = None
        strides, acc = [], 1
        for L in reversed(inp):
            strides.append(acc)
            acc *= L
        for i, (L, O, st) in enumerate(zip(inp, out_size, strides[::-1])):
            s = None if scales is None else scales[i]
            src = _nearest_index(L, O, s, mode == 'nearest-exact', n == 2)
            shape = [1] * n
            shape[i] = O
            term = (src * st).reshape(shape)
            idx = term if idx is None else idx + term
        idx = np.ascontiguousarray(np.broadcast_to(idx, out_size))
        if xp is not np:
            idx = xp.asarray(idx)
        pidx = PlaneIndex(idx, x.shape, n, False)
        return plane_gather(input, pidx, name)
    cubic = mode == 'bicubic'
    # PyTorch's linear kernels copy a dim whose size does not change (even when a scale_factor
    # like 1.1 was given); its bicubic kernel interpolates with the given scale.
    mats = tuple(None if L == O and (not cubic or _unit_scale(scales, i, align_corners))
                 else _interp_matrix(L, O, None if scales is None else scales[i], align_corners,
                                     cubic, x.dtype)
                 for i, (L, O) in enumerate(zip(inp, out_size)))
    out = wrap(apply_mats(x, mats))
    if input._rg and STATE.enabled:
        record(out, name, _upsample_backward, (input,),
               ctx=tuple(None if m is None else m.T for m in mats))
    return out


def _upsample_backward(node, grad):
    return separable(grad, node.ctx)


def _unit_scale(scales, i, align_corners):
    s = None if scales is None else scales[i]
    return align_corners or s is None or s <= 0 or 1.0 / s == 1.0


def _nearest_index(L, O, scale, exact, shortcut):
    """PyTorch's source index of each output cell (float32 arithmetic, as its kernels).

    PyTorch's 2-d 'nearest' kernel copies when the size is unchanged and halves indices when
    it doubles; its 1-d and 3-d kernels always use the (given or derived) scale.
    """
    o = np.arange(O, dtype=np.int64)
    if shortcut and not exact:
        if O == L:
            return o
        if O == 2 * L:
            return o >> 1
    if scale is not None and scale > 0:
        s = np.float32(1.0 / scale)
    else:
        s = np.float32(L) / np.float32(O)
    if exact:       # (o + 0.5) is a double in PyTorch's kernel; floorf rounds it to float
        pos = ((o + 0.5) * np.float64(s)).astype(np.float32)
    else:
        pos = o.astype(np.float32) * s
    return np.minimum(np.floor(pos).astype(np.int64), L - 1)


def _interp_matrix(L, O, scale, align_corners, cubic, dtype):
    """The (O, L) weight matrix of linear or cubic interpolation along one dim.

    Source coordinates and weights use PyTorch's opmath precision (float32 for float32
    data) and its rules: clamped indices at the borders, cubic coefficients with A = -0.75.
    """
    ot = np.float64 if dtype == _F64 else np.float32
    if align_corners:
        ratio = ot(L - 1) / ot(O - 1) if O > 1 else ot(0)
    elif scale is not None and scale > 0:
        ratio = ot(1.0 / scale)
    else:
        ratio = ot(L) / ot(O)
    o = np.arange(O)
    if align_corners:
        real = (ratio * o.astype(ot)).astype(ot)
    else:
        real = (np.float64(ratio) * (o + 0.5) - 0.5).astype(ot)
        if not cubic:
            real = np.maximum(real, ot(0))
    base = np.minimum(np.floor(real).astype(np.int64), L - 1)
    lam = np.clip(real - base.astype(ot), ot(0), ot(1)).astype(ot)
    m = np.zeros((O, L), dtype=np.float64)
    if cubic:
        A = ot(-0.75)
        one = ot(1)

        def conv1(t):
            return ((A + 2) * t - (A + 3)) * t * t + one

        def conv2(t):
            return ((A * t - 5 * A) * t + 8 * A) * t - 4 * A
        coeffs = [conv2(lam + one), conv1(lam), conv1(one - lam), conv2((one - lam) + one)]
        for j, c in enumerate(coeffs):
            np.add.at(m, (o, np.clip(base - 1 + j, 0, L - 1)), c.astype(np.float64))
    else:
        nxt = np.where(base < L - 1, base + 1, base)
        np.add.at(m, (o, base), (ot(1) - lam).astype(np.float64))
        np.add.at(m, (o, nxt), lam.astype(np.float64))
    return m.astype(dtype)


def upsample(input, size=None, scale_factor=None, mode='nearest', align_corners=None):
    """Deprecated spelling of :func:`interpolate` (warns, as PyTorch does).

    >>> import warnings; warnings.simplefilter('ignore')
    >>> ember.nn.functional.upsample(ember.tensor([[[1., 2.]]]), scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    """
    warnings.warn('`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` '
                  'instead.', stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(input, size, scale_factor, mode='nearest')``.

    >>> import warnings; warnings.simplefilter('ignore')
    >>> ember.nn.functional.upsample_nearest(ember.tensor([[[1., 2.]]]), 4)
    tensor([[[1., 1., 2., 2.]]])
    """
    warnings.warn('`nn.functional.upsample_nearest` is deprecated. Use '
                  '`nn.functional.interpolate` instead.', stacklevel=2)
    return interpolate(input, size, scale_factor, mode='nearest')


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``.

    >>> import warnings; warnings.simplefilter('ignore')
    >>> ember.nn.functional.upsample_bilinear(ember.tensor([[[[0., 2.]]]]), (1, 3))
    tensor([[[[0., 1., 2.]]]])
    """
    warnings.warn('`nn.functional.upsample_bilinear` is deprecated. Use '
                  '`nn.functional.interpolate` instead.', stacklevel=2)
    return interpolate(input, size, scale_factor, mode='bilinear', align_corners=True)


# ---- grid_sample -----------------------------------------------------------------------------
_MODES = {'bilinear': 0, 'nearest': 1, 'bicubic': 2}
_PADS = {'zeros': 0, 'border': 1, 'reflection': 2}
_ALIGN_WARNING = ('Default grid_sample and affine_grid behavior has changed to '
                  'align_corners=False since 1.3.0. Please specify align_corners=True if the old '
                  'behavior is desired. See the documentation of grid_sample for details.')


def grid_sample(input, grid, mode='bilinear', padding_mode='zeros', align_corners=None):
    """Sample ``input`` (N, C, H, W) at the normalised (x, y) positions of ``grid``
    (N, H_out, W_out, 2) in [-1, 1] (also 5-d input with (x, y, z) grids).

    ``mode`` 'bilinear', 'nearest' or 'bicubic' (4-d only); ``padding_mode`` says what lies
    outside: 'zeros', 'border' (clamped) or 'reflection'.

    >>> img = ember.tensor([[[[1., 2.], [3., 4.]]]])
    >>> ember.nn.functional.grid_sample(img, ember.zeros(1, 1, 1, 2), align_corners=True)
    tensor([[[[2.5000]]]])
    """
    if mode not in _MODES:
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in _PADS:
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    return grid_sampler(input, grid, _MODES[mode], _PADS[padding_mode], align_corners)


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """``torch.grid_sampler``: :func:`grid_sample` with integer mode codes
    (interpolation 0 bilinear, 1 nearest, 2 bicubic; padding 0 zeros, 1 border, 2 reflection).

    >>> ember.grid_sampler(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), 0, 0, False)
    tensor([[[[1.]]]])
    """
    return _grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners, None)


def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    """``torch.grid_sampler_2d``: :func:`grid_sampler` for 4-d input only.

    >>> ember.grid_sampler_2d(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), 0, 0, False)
    tensor([[[[1.]]]])
    """
    return _grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners, 2)


def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners):
    """``torch.grid_sampler_3d``: :func:`grid_sampler` for 5-d input only.

    >>> ember.grid_sampler_3d(ember.ones(1, 1, 2, 2, 2), ember.zeros(1, 1, 1, 1, 3), 0, 0,
    ...                       False).shape
    torch.Size([1, 1, 1, 1, 1])
    """
    return _grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners, 3)


def _grid_checks(input, grid, mode, only):
    x, g = input._data, grid._data
    if x.dtype != g.dtype:
        from .arith import tname
        raise RuntimeError(f'expected scalar type {tname(x.dtype).capitalize()} but found '
                           f'{tname(g.dtype).capitalize()} (in grid_sampler: input and grid must '
                           'have the same dtype)')
    n = x.ndim - 2
    want = only or (n if n in (2, 3) else 2)
    if x.ndim != want + 2 or g.ndim != x.ndim:
        raise RuntimeError(f'grid_sampler(): expected {want + 2}D input and grid with same number '
                           f'of dimensions, but got input with sizes {list(x.shape)} and grid with '
                           f'sizes {list(g.shape)}')
    if x.shape[0] != g.shape[0]:
        raise RuntimeError(f'grid_sampler(): expected grid and input to have same batch size, '
                           f'but got input with sizes {list(x.shape)} and grid with sizes '
                           f'{list(g.shape)}')
    if g.shape[-1] != n:
        raise RuntimeError(f'grid_sampler(): expected grid to have size {n} in last dimension, '
                           f'but got grid with sizes {list(g.shape)}')
    for i in range(2, x.ndim):
        if x.shape[i] == 0:
            raise RuntimeError(f'grid_sampler(): expected input to have non-empty spatial '
                               f'dimensions, but input has sizes {list(x.shape)} with dimension '
                               f'{i} being empty')
    if mode == 2 and n == 3:
        raise RuntimeError('grid_sampler(): bicubic interpolation only supports 4D input')
    if x.dtype not in FLOATING:
        raise not_implemented_for(f'grid_sampler_{n}d_cpu_kernel_impl', x.dtype)
    return n


def _grid_sampler(input, grid, mode, padding_mode, align_corners, only):
    n = _grid_checks(input, grid, mode, only)
    x, g = input._data, grid._data
    plan = quiet(grid_plan, host(g), x.shape[2:], mode, padding_mode, bool(align_corners))
    out = wrap(quiet(grid_forward, x, plan))
    if (input._rg or grid._rg) and STATE.enabled:
        record(out, f'GridSampler{n}DBackward0', grid_backward, (input, grid),
               saved=(input, grid), ctx=plan)
    return out


# ---- affine_grid -----------------------------------------------------------------------------
def affine_grid(theta, size, align_corners=None):
    """The sampling grid (N, H, W, 2) (or (N, D, H, W, 3)) of the affine maps ``theta``
    (N, 2, 3) (or (N, 3, 4)) for an output of ``size``, ready for :func:`grid_sample`.

    >>> ember.nn.functional.affine_grid(ember.tensor([[[1., 0., 0.], [0., 1., 0.]]]),
    ...                                 (1, 1, 1, 2), align_corners=False)
    tensor([[[[-0.5000,  0.0000],
              [ 0.5000,  0.0000]]]])
    """
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f'Expected theta to have floating point type, but got {theta.dtype}')
    size = list(size) if not isinstance(size, tuple) else size
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f'Expected a batch of 2D affine matrices of shape Nx2x3 for size '
                             f'{size}. Got {theta.shape}.')
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f'Expected a batch of 3D affine matrices of shape Nx3x4 for size '
                             f'{size}. Got {theta.shape}.')
        spatial = size[-3:]
    else:
        raise NotImplementedError('affine_grid only supports 4D and 5D sizes, for 2D and 3D '
                                  f'affine transforms, respectively. Got size {size}.')
    if align_corners and min(spatial) == 1:
        warnings.warn('Since version 1.3.0, affine_grid behavior has changed for unit-size grids '
                      'when align_corners=True. This is not an intended use case of affine_grid. '
                      'See the documentation of affine_grid for details.', stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f'Expected non-zero, positive output size. Got {size}')
    return affine_grid_generator(theta, size, align_corners)


def _linspace(steps, align, dtype):
    if steps <= 1:
        return np.zeros(max(steps, 0), dtype)
    t = dtype.type
    i = np.arange(steps)
    step = t(2) / t(steps - 1)
    r = np.where(i < steps // 2, t(-1) + step * i.astype(dtype),
                 t(1) - step * (steps - 1 - i).astype(dtype)).astype(dtype)
    if not align:
        r = (r * dtype.type(steps - 1)) / dtype.type(steps)
    return r.astype(dtype)


def _base_grid(spatial, align, dtype):
    """(prod(spatial), n + 1) rows of (x, y[, z], 1) in PyTorch's order."""
    n = len(spatial)
    axes = [_linspace(L, align, dtype) for L in spatial]
    mesh = np.meshgrid(*axes, indexing='ij')
    cols = [mesh[k].reshape(-1) for k in range(n - 1, -1, -1)]
    cols.append(np.ones(math.prod(spatial), dtype))
    return np.stack(cols, axis=1)


def affine_grid_generator(theta, size, align_corners):
    """``torch.affine_grid_generator``: :func:`affine_grid` without the argument checks.

    >>> ember.affine_grid_generator(ember.tensor([[[1., 0., 0.], [0., 1., 0.]]]),
    ...                             [1, 1, 1, 1], False)
    tensor([[[[0., 0.]]]])
    """
    th = theta._data
    spatial = tuple(int(s) for s in size[2:])
    N = int(size[0])
    if th.shape[0] != N:
        raise RuntimeError(f'Expected size for first two dimensions of batch2 tensor to be: '
                           f'[{N}, {th.shape[-1]}] but got: [{th.shape[0]}, {th.shape[-1]}]. '
                           f'(in affine_grid: theta has {th.shape[0]} matrices for a batch of {N})')
    base = _base_grid(spatial, bool(align_corners), th.dtype)
    xp = xp_of(th)
    b = base if xp is np else xp.asarray(base)
    out = wrap((b @ th.swapaxes(1, 2)).reshape((N,) + spatial + (len(spatial),)))
    if theta._rg and STATE.enabled:
        record(out, 'AffineGridGeneratorBackward0', _affine_grid_backward, (theta,),
               ctx=(b, N, spatial))
    return out


def _affine_grid_backward(node, grad):
    b, N, spatial = node.ctx
    n = len(spatial)
    return grad.reshape(N, math.prod(spatial), n).transpose(1, 2).matmul(wrap(b))
