"""Pooling of ``torch.nn.functional``: max, average, adaptive, power-average (LP) pooling and
max unpooling, in 1, 2 and 3 spatial dims.

Forward passes walk the kernel offsets (one strided view and one NumPy call per offset, over
the whole batch); backwards are the internal linear operators of ``_nn_pooling_core`` (a
scatter by the saved argmax indices for max pooling, the transposed window sum for average
pooling), themselves differentiable, so double backward works. 1-d poolings run the 2-d
kernels on an unsqueezed input, as PyTorch does (hence ``SqueezeBackward1`` on top).

>>> ember.max_pool1d(ember.tensor([[1., 3., 2., 0.]]), 2)
tensor([[3., 2.]])
"""
import math

from ._base import wrap, record, STATE, xp_of, np
from ._autocast import AUTOCAST, full_precision
from ._elementwise import not_implemented_for
from ._nn_pooling_core import (int_tuple, stride_tuple, window_geometry, max_windows,
                               sum_windows, window_scatter, PlaneIndex, plane_scatter, fmt_shape,
                               out_size, NAME as _NAME, check_input, check_1d, max_pool_backward,
                               input_if_graph)
from ._nn_pooling_adaptive import (adaptive_avg_pool1d, adaptive_avg_pool2d,  # noqa: F401
                                   adaptive_avg_pool3d, adaptive_max_pool1d,
                                   adaptive_max_pool2d, adaptive_max_pool3d,
                                   adaptive_max_pool1d_with_indices,
                                   adaptive_max_pool2d_with_indices,
                                   adaptive_max_pool3d_with_indices, fractional_max_pool2d,
                                   fractional_max_pool3d, fractional_max_pool2d_with_indices,
                                   fractional_max_pool3d_with_indices)
from .._dtype import FLOATING

__all__ = ['max_pool1d', 'max_pool2d', 'max_pool3d', 'max_pool1d_with_indices', 'avg_pool1d',
           'adaptive_avg_pool1d']
METHODS = {}
FUNCTIONAL = ['max_pool1d', 'max_pool2d', 'max_pool3d', 'max_pool1d_with_indices',
              'max_pool2d_with_indices', 'max_pool3d_with_indices', 'max_unpool1d',
              'max_unpool2d', 'max_unpool3d', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d',
              'adaptive_avg_pool1d', 'adaptive_avg_pool2d', 'adaptive_avg_pool3d',
              'adaptive_max_pool1d', 'adaptive_max_pool2d', 'adaptive_max_pool3d',
              'adaptive_max_pool1d_with_indices', 'adaptive_max_pool2d_with_indices',
              'adaptive_max_pool3d_with_indices', 'lp_pool1d', 'lp_pool2d', 'lp_pool3d',
              'fractional_max_pool2d', 'fractional_max_pool3d',
              'fractional_max_pool2d_with_indices', 'fractional_max_pool3d_with_indices']

# ---- max pooling -----------------------------------------------------------------------------
def _max_pool(input, n, kernel_size, stride, padding, dilation, ceil_mode, want_idx, op):
    k = int_tuple(kernel_size, n, op, 'kernel_size')
    s = stride_tuple(stride, k, n, op)
    p = int_tuple(padding, n, op, 'padding')
    d = int_tuple(dilation, n, op, 'dilation')
    check_input(input, op, n)
    x = input._data
    geom = window_geometry(op, x.shape, k, s, p, d, bool(ceil_mode))
    rg = input._rg and STATE.enabled
    whole = rg and not want_idx and x.__class__ is np.ndarray
    m, rel = max_windows(x, geom, want_idx or rg, whole)
    out = wrap(m)
    if rg:
        pidx = (PlaneIndex.of_flat if whole else PlaneIndex)(rel, x.shape, n, geom.disjoint)
        record(out, f'MaxPool{_NAME[n]}WithIndicesBackward0', max_pool_backward, (input,),
               saved=(input,), ctx=(pidx, f'MaxPool{_NAME[n]}WithIndicesBackwardBackward0'))
    return (out, wrap(rel)) if want_idx else out


def _max_pool1d_fast_checks(input, k, s, p, d):
    """The checks (and messages) of PyTorch's no-grad ``max_pool1d`` kernel."""
    op = 'max_pool1d'
    shape = input._data.shape
    if len(shape) not in (2, 3) or 0 in shape[-2:]:
        raise RuntimeError(f'max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 '
                           f'dim batch size for input, but got:{list(shape)} (the input must be '
                           '(C, L) or (N, C, L))')
    for val, what in ((k, 'kernel_size'), (s, 'stride'), (d, 'dilation')):
        if val <= 0:
            raise RuntimeError(f'{op}() {what} must be greater than zero, but got {val}')
    if p < 0:
        raise RuntimeError(f'{op}() padding must be non-negative, but got {p}')
    if p > k // 2:
        raise RuntimeError(f'{op}() padding should be at most half of kernel size, but got '
                           f'padding={p} and kernel_size={k}')


def _max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, want_idx):
    op = 'max_pool1d'
    k = int_tuple(kernel_size, 1, op, 'kernel_size')[0]
    s = stride_tuple(stride, (k,), 1, op)[0]
    p = int_tuple(padding, 1, op, 'padding')[0]
    d = int_tuple(dilation, 1, op, 'dilation')[0]
    if want_idx:
        check_1d(input, op)
    else:
        _max_pool1d_fast_checks(input, k, s, p, d)
        L = input._data.shape[-1]
        o = out_size(L, k, s, p, d, bool(ceil_mode))
        if o <= 0:
            raise RuntimeError(f'{op}() Invalid computed output size: {o} (the window, '
                               f'kernel_size={k} with dilation={d} and padding={p}, does not '
                               f'fit into the input length {L})')
        if input._data.dtype not in FLOATING and not (input._rg and STATE.enabled):
            raise not_implemented_for('max_pool1d_impl', input._data.dtype)
    res = _max_pool(input.unsqueeze(-2), 2, (1, k), (1, s), (0, p), (1, d), ceil_mode,
                    want_idx, op)
    if want_idx:
        return res[0].squeeze(-2), res[1].squeeze(-2)
    return res.squeeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over sliding windows of the last dim of a (C, L) or (N, C, L) input.

    ``return_indices=True`` also returns each maximum's position (for ``max_unpool1d``).

    >>> ember.max_pool1d(ember.tensor([[1., 5., 2., 4., 3.]]), 2, stride=1)
    tensor([[5., 5., 4., 4.]])
    """
    return _max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode,
                       return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """:func:`max_pool1d` that always returns ``(values, indices)``.

    >>> ember.max_pool1d_with_indices(ember.tensor([[1., 5., 2., 4.]]), 2)[1]
    tensor([[1, 3]])
    """
    return _max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over sliding windows of the last two dims of a (C, H, W) or (N, C, H, W) input.

    ``stride`` defaults to ``kernel_size``; ``padding`` adds -inf borders (at most half the
    window); ``ceil_mode`` keeps partial windows at the end; ``return_indices=True`` also
    returns the flat (h * W + w) position of each maximum.

    >>> ember.max_pool2d(ember.arange(16.).reshape(1, 4, 4), 2)
    tensor([[[ 5.,  7.],
             [13., 15.]]])
    """
    return _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, 'max_pool2d')


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """:func:`max_pool2d` that always returns ``(values, indices)``.

    >>> ember.nn.functional.max_pool2d_with_indices(ember.arange(4.).reshape(1, 2, 2), 2)[1]
    tensor([[[3]]])
    """
    return _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode, True,
                     'max_pool2d')


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over sliding windows of the last three dims of a (C, D, H, W) or (N, C, D, H, W)
    input.

    >>> ember.max_pool3d(ember.arange(8.).reshape(1, 2, 2, 2), 2)
    tensor([[[[7.]]]])
    """
    if AUTOCAST.on:
        return full_precision(max_pool3d, input, kernel_size, stride, padding, dilation, ceil_mode,
                              return_indices)
    return _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, 'max_pool3d')


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """:func:`max_pool3d` that always returns ``(values, indices)``.

    >>> ember.nn.functional.max_pool3d_with_indices(ember.arange(8.).reshape(1, 2, 2, 2), 2)[1]
    tensor([[[[7]]]])
    """
    return _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode, True,
                     'max_pool3d')


# ---- max unpooling ---------------------------------------------------------------------------
def _unpool_output_size(input, k, s, p, output_size):
    """PyTorch's default (and checked explicit) output size of max_unpool."""
    n = len(k)
    shape = input.shape
    default = [(shape[len(shape) - n + i] - 1) * s[i] + k[i] - 2 * p[i] for i in range(n)]
    if output_size is None:
        ret = default
    else:
        output_size = list(output_size)
        if len(output_size) == n + 2:
            output_size = output_size[2:]
        if len(output_size) != n:
            raise ValueError(f'output_size should be a sequence containing {n} or {n + 2} '
                             f'elements, but it has a length of \'{len(output_size)}\'')
        for i in range(n):
            lo, hi = default[i] - s[i], default[i] + s[i]
            if not lo < output_size[i] < hi:
                raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {i} must be '
                                 f'between {lo} and {hi})')
        ret = [int(v) for v in output_size]
    for i, v in enumerate(ret):
        if v < 0:
            raise ValueError(f'max_unpooling: output_size must contain non-negative spatial '
                             f'dimensions, but got output_size[{i}]={v}')
    return tuple(ret)


def _max_unpool(input, indices, n, kernel_size, stride, padding, output_size, op, lift=False):
    k = int_tuple(kernel_size, n, op, 'kernel_size')
    s = stride_tuple(stride, k, n, op)
    p = int_tuple(padding, n, op, 'padding')
    size = _unpool_output_size(input, k, s, p, output_size)
    if lift:                        # max_unpool1d: PyTorch runs 2-d unpooling on (L, 1) planes
        input, indices, size, n = input.unsqueeze(-1), indices.unsqueeze(-1), size + (1,), 2
    x, idx = input._data, indices._data
    name = f'max_unpooling{n}d'
    if x.ndim not in (n + 1, n + 2):
        raise RuntimeError(f'Input to {name} should be a {n + 1}d or {n + 2}d Tensor, but got a '
                           f'tensor with {x.ndim} dimensions.')
    if idx.dtype != np.int64:
        from .arith import tname
        raise RuntimeError(f'elements in indices should be type int64 but got: '
                           f'{tname(idx.dtype).capitalize()}')
    if idx.shape != x.shape:
        raise RuntimeError(f'Expected shape of indices to be same as that of the input tensor '
                           f'({list(x.shape)}) but got indices tensor with shape: '
                           f'{list(idx.shape)}')
    plane = math.prod(size)
    if idx.size:
        bad = (idx < 0) | (idx >= plane)
        if bool(bad.any()):
            flat = bad.reshape(-1)
            last = int(idx.reshape(-1)[flat.size - 1 - int(flat[::-1].argmax())])
            raise RuntimeError(f'Found an invalid max index: {last} (output volumes are of size '
                               f'{fmt_shape(size)}) (in {op}: indices must come from the '
                               'matching max_pool with return_indices=True and the same '
                               'kernel_size/stride/padding)')
    full = x.shape[:x.ndim - n] + size
    pidx = PlaneIndex(idx, full, n, True)
    out = plane_scatter(input, pidx, f'MaxUnpool{_NAME[n]}Backward0', assign=True)
    return out.squeeze(-1) if lift else out


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool1d`: put each value back at its index, zeros elsewhere.

    >>> v, i = ember.max_pool1d(ember.tensor([[1., 5., 2., 4.]]), 2, return_indices=True)
    >>> ember.nn.functional.max_unpool1d(v, i, 2)
    tensor([[0., 5., 0., 4.]])
    """
    return _max_unpool(input, indices, 1, kernel_size, stride, padding, output_size,
                       'max_unpool1d', lift=True)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool2d`: each value goes back to its flat index in an
    (H, W) plane of zeros; ``output_size`` resolves the ambiguity of odd input sizes.

    >>> v, i = ember.max_pool2d(ember.arange(4.).reshape(1, 2, 2), 2, return_indices=True)
    >>> ember.nn.functional.max_unpool2d(v, i, 2)
    tensor([[[0., 0.],
             [0., 3.]]])
    """
    if AUTOCAST.on:
        return full_precision(max_unpool2d, input, indices, kernel_size, stride, padding,
                              output_size)
    return _max_unpool(input, indices, 2, kernel_size, stride, padding, output_size,
                       'max_unpool2d')


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool3d`.

    >>> v, i = ember.max_pool3d(ember.arange(8.).reshape(1, 2, 2, 2), 2, return_indices=True)
    >>> ember.nn.functional.max_unpool3d(v, i, 2).sum()
    tensor(7.)
    """
    if AUTOCAST.on:
        return full_precision(max_unpool3d, input, indices, kernel_size, stride, padding,
                              output_size)
    return _max_unpool(input, indices, 3, kernel_size, stride, padding, output_size,
                       'max_unpool3d')


# ---- average pooling -------------------------------------------------------------------------
def _divisor(geom, count_include_pad, divisor_override):
    """PyTorch's divide factor per output cell: a number, or an int array of shape ``out``."""
    if divisor_override is not None:
        return int(divisor_override)
    if not geom.padded:
        return math.prod(geom.k)
    res = None
    for i, (L, k, s, p, o) in enumerate(zip(geom.inp, geom.k, geom.s, geom.p, geom.out)):
        start = np.arange(o, dtype=np.int64) * s - p
        end = np.minimum(start + k, L + p)
        if count_include_pad:
            cnt = end - start
        else:
            cnt = np.minimum(end, L) - np.maximum(start, 0)
        shape = [1] * geom.n
        shape[i] = o
        cnt = cnt.reshape(shape)
        res = cnt if res is None else res * cnt
    if (res == res.flat[0]).all():
        return int(res.flat[0])
    return res


def _avg_pool(input, n, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override, op, small=None):
    k = int_tuple(kernel_size, n, op, 'kernel_size')
    s = stride_tuple(stride, k, n, op)
    p = int_tuple(padding, n, op, 'padding')
    check_input(input, op, n, 'avg2d' if n == 2 else 'pool')
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError('divisor must be not zero')
    x = input._data
    geom = window_geometry(op, x.shape, k, s, p, (1,) * n, bool(ceil_mode), small)
    total = sum_windows(x, geom)
    div = _divisor(geom, count_include_pad, divisor_override)
    xp = xp_of(x)
    if x.dtype in FLOATING:
        if div.__class__ is not int:
            div = xp.asarray(div.astype(x.dtype))
        total /= div
        out = wrap(total)
    else:                                       # integer division truncates, as PyTorch's
        out = wrap((xp.sign(total) * (xp.abs(total) // div)).astype(x.dtype))
    if input._rg and STATE.enabled:
        record(out, f'AvgPool{_NAME[n]}Backward0', _avg_pool_backward, (input,),
               saved=(input,), ctx=(geom, div, f'AvgPool{_NAME[n]}BackwardBackward0'))
    return out


def _avg_pool_backward(node, grad):
    geom, div, name = node.ctx
    if div.__class__ is not int:
        div = wrap(div)
    return window_scatter(grad / div, geom, name, like=input_if_graph(node))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """Mean over sliding windows of the last dim of a (C, L) or (N, C, L) input.

    ``count_include_pad=False`` leaves the zero padding out of the mean's denominator.

    >>> ember.avg_pool1d(ember.tensor([[1., 2., 3., 4.]]), 2)
    tensor([[1.5000, 3.5000]])
    """
    op = 'avg_pool1d'
    check_1d(input, op)
    k = int_tuple(kernel_size, 1, op, 'kernel_size')[0]
    s = stride_tuple(stride, (k,), 1, op)[0]
    p = int_tuple(padding, 1, op, 'padding')[0]
    return _avg_pool(input.unsqueeze(-2), 2, (1, k), (1, s), (0, p), ceil_mode,
                     count_include_pad, None, op).squeeze(-2)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over sliding windows of the last two dims of a (C, H, W) or (N, C, H, W) input.

    ``divisor_override`` replaces the window size as the denominator.

    >>> ember.nn.functional.avg_pool2d(ember.arange(16.).reshape(1, 4, 4), 2)
    tensor([[[ 2.5000,  4.5000],
             [10.5000, 12.5000]]])
    """
    return _avg_pool(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 'avg_pool2d')


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over sliding windows of the last three dims of a (C, D, H, W) or (N, C, D, H, W)
    input.

    >>> ember.nn.functional.avg_pool3d(ember.arange(8.).reshape(1, 2, 2, 2), 2)
    tensor([[[[3.5000]]]])
    """
    if AUTOCAST.on:
        return full_precision(avg_pool3d, input, kernel_size, stride, padding, ceil_mode,
                              count_include_pad, divisor_override)
    op = 'avg_pool3d'
    k = int_tuple(kernel_size, 3, op, 'kernel_size')

    def small(inp, out):
        return (f'input image (T: {inp[0]} H: {inp[1]} W: {inp[2]}) smaller than kernel size '
                f'(kT: {k[0]} kH: {k[1]} kW: {k[2]}) (in avg_pool3d: use a smaller kernel or '
                'pad the input)')
    return _avg_pool(input, 3, k, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, op, small)


# ---- power-average (LP) pooling --------------------------------------------------------------
def _lp_pool(input, n, norm_type, kernel_size, stride, ceil_mode, max_pool, avg_pool):
    if isinstance(norm_type, (int, float)) and abs(norm_type) == math.inf:
        if norm_type > 0:
            return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if n == 1:
        size = int_tuple(kernel_size, 1, 'lp_pool1d', 'kernel_size')[0]
    else:
        size = math.prod(int_tuple(kernel_size, n, f'lp_pool{n}d', 'kernel_size'))
    out = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(size).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: ``(sum over the window of x ** p) ** (1 / p)`` along the last dim.

    >>> ember.nn.functional.lp_pool1d(ember.tensor([[3., 4.]]), 2, 2)
    tensor([[5.]])
    """
    return _lp_pool(input, 1, norm_type, kernel_size, stride, ceil_mode, max_pool1d, avg_pool1d)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over 2-d windows: ``(sum of x ** p) ** (1 / p)``.

    >>> ember.nn.functional.lp_pool2d(ember.ones(1, 2, 2), 1, 2)
    tensor([[[4.]]])
    """
    return _lp_pool(input, 2, norm_type, kernel_size, stride, ceil_mode, max_pool2d, avg_pool2d)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over 3-d windows.

    >>> ember.nn.functional.lp_pool3d(ember.ones(1, 2, 2, 2), 1, 2)
    tensor([[[[8.]]]])
    """
    return _lp_pool(input, 3, norm_type, kernel_size, stride, ceil_mode, max_pool3d, avg_pool3d)
