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

from ._base import Tensor, wrap, record, STATE, xp_of, np
from ._elementwise import not_implemented_for
from ._nn_pooling_core import (int_tuple, stride_tuple, window_geometry, max_windows,
                               sum_windows, window_scatter, PlaneIndex, plane_scatter,
                               separable, apply_mats, fmt_shape, out_size)

__all__ = ['max_pool1d', 'max_pool2d', 'max_pool3d', 'max_pool1d_with_indices', 'avg_pool1d',
           'adaptive_avg_pool1d']
METHODS = {}
FUNCTIONAL = ['max_pool1d', 'max_pool2d', 'max_pool3d', 'max_pool1d_with_indices',
              'max_pool2d_with_indices', 'max_pool3d_with_indices', 'max_unpool1d',
              'max_unpool2d', 'max_unpool3d', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d',
              'adaptive_avg_pool1d', 'adaptive_avg_pool2d', 'adaptive_avg_pool3d',
              'adaptive_max_pool1d', 'adaptive_max_pool2d', 'adaptive_max_pool3d',
              'adaptive_max_pool1d_with_indices', 'adaptive_max_pool2d_with_indices',
              'adaptive_max_pool3d_with_indices', 'lp_pool1d', 'lp_pool2d', 'lp_pool3d']

_NAME = {2: '2D', 3: '3D'}


def _rank_error(op, shape, n):
    return RuntimeError(
        f'non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input (in {op}: got '
        f'shape {list(shape)}; the input must be (C, *spatial) or (N, C, *spatial) with {n} '
        'spatial dims)')


def _check_input(input, op, n, kind='pool'):
    """Rank and emptiness checks shared by the n-d poolings (PyTorch's messages)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f'{type(input).__name__}')
    shape = input._data.shape
    nd = len(shape)
    if nd != n + 1 and nd != n + 2:
        if kind == 'avg2d' and nd > n + 2:
            raise RuntimeError(f'Expected {n + 1}D or {n + 2}D (batch mode) tensor with optional 0 '
                               f'dim batch size for input, but got:{list(shape)} (in {op}: the '
                               'input must be (C, H, W) or (N, C, H, W))')
        if kind == 'avg2d' and nd < 3:
            raise IndexError(f'Dimension out of range (expected to be in range of [{-nd}, '
                             f'{nd - 1}], but got -3) (in {op}: the input must be (C, H, W) or '
                             f'(N, C, H, W), got shape {list(shape)})')
        if kind == 'adaptive':
            raise RuntimeError(f'{op}(): Expected {n + 1}D or {n + 2}D tensor, but got '
                               f'{list(shape)} (the input must be (C, *spatial) or '
                               f'(N, C, *spatial) with {n} spatial dims)')
        raise _rank_error(op, shape, n)
    if 0 in shape[nd - n - 1:]:
        if kind == 'adaptive':
            dim = next(i for i in range(nd - n - 1, nd) if shape[i] == 0)
            raise RuntimeError(f'{op}(): Expected input to have non-zero size for non-batch '
                               f'dimensions, but input has sizes {list(shape)} with dimension '
                               f'{dim} being empty')
        raise RuntimeError(f'Expected {n + 1}D or {n + 2}D (batch mode) tensor with optional 0 '
                           f'dim batch size for input, but got:{list(shape)}')
    k = input._data.dtype.kind
    if k == 'b' or k == 'c':
        raise not_implemented_for(op, input._data.dtype)


def _check_1d(input, op):
    shape = input._data.shape if isinstance(input, Tensor) else None
    if shape is None or len(shape) not in (2, 3):
        got = len(shape) if shape is not None else type(input).__name__
        raise RuntimeError(f'Expected 2 to 3 dimensions, but got {got}-dimensional tensor for '
                           f"argument #1 'self' (while checking arguments for {op}) (the input "
                           'must be (C, L) or (N, C, L))')


# ---- max pooling -----------------------------------------------------------------------------
def _max_pool(input, n, kernel_size, stride, padding, dilation, ceil_mode, want_idx, op):
    k = int_tuple(kernel_size, n, op, 'kernel_size')
    s = stride_tuple(stride, k, n, op)
    p = int_tuple(padding, n, op, 'padding')
    d = int_tuple(dilation, n, op, 'dilation')
    _check_input(input, op, n)
    x = input._data
    geom = window_geometry(op, x.shape, k, s, p, d, bool(ceil_mode))
    rg = input._rg and STATE.enabled
    m, rel = max_windows(x, geom, want_idx or rg)
    out = wrap(m)
    if rg:
        pidx = PlaneIndex(rel, x.shape, n, geom.disjoint)
        record(out, f'MaxPool{_NAME[n]}WithIndicesBackward0', _max_pool_backward, (input,),
               saved=(input,), ctx=(pidx, f'MaxPool{_NAME[n]}WithIndicesBackwardBackward0'))
    return (out, wrap(rel)) if want_idx else out


def _max_pool_backward(node, grad):
    pidx, name = node.ctx
    return plane_scatter(grad, pidx, name, like=_input_if_graph(node))


def _input_if_graph(node):
    """The op's input, for the zero-gradient edge PyTorch's pooling backwards have; only
    needed (and only looked up) when the backward itself is being recorded."""
    return node.saved()[0] if STATE.enabled else None


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
        _check_1d(input, op)
    else:
        _max_pool1d_fast_checks(input, k, s, p, d)
        L = input._data.shape[-1]
        o = out_size(L, k, s, p, d, bool(ceil_mode))
        if o <= 0:
            raise RuntimeError(f'{op}() Invalid computed output size: {o} (the window, '
                               f'kernel_size={k} with dilation={d} and padding={p}, does not '
                               f'fit into the input length {L})')
        if input._data.dtype.kind != 'f' and not (input._rg and STATE.enabled):
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
    return _max_unpool(input, indices, 2, kernel_size, stride, padding, output_size,
                       'max_unpool2d')


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool3d`.

    >>> v, i = ember.max_pool3d(ember.arange(8.).reshape(1, 2, 2, 2), 2, return_indices=True)
    >>> ember.nn.functional.max_unpool3d(v, i, 2).sum()
    tensor(7.)
    """
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
    _check_input(input, op, n, 'avg2d' if n == 2 else 'pool')
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError('divisor must be not zero')
    x = input._data
    geom = window_geometry(op, x.shape, k, s, p, (1,) * n, bool(ceil_mode), small)
    total = sum_windows(x, geom)
    div = _divisor(geom, count_include_pad, divisor_override)
    xp = xp_of(x)
    if x.dtype.kind == 'f':
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
    return window_scatter(grad / div, geom, name, like=_input_if_graph(node))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """Mean over sliding windows of the last dim of a (C, L) or (N, C, L) input.

    ``count_include_pad=False`` leaves the zero padding out of the mean's denominator.

    >>> ember.avg_pool1d(ember.tensor([[1., 2., 3., 4.]]), 2)
    tensor([[1.5000, 3.5000]])
    """
    op = 'avg_pool1d'
    _check_1d(input, op)
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
    op = 'avg_pool3d'
    k = int_tuple(kernel_size, 3, op, 'kernel_size')

    def small(inp, out):
        return (f'input image (T: {inp[0]} H: {inp[1]} W: {inp[2]}) smaller than kernel size '
                f'(kT: {k[0]} kH: {k[1]} kW: {k[2]}) (in avg_pool3d: use a smaller kernel or '
                'pad the input)')
    return _avg_pool(input, 3, k, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, op, small)


# ---- adaptive pooling ------------------------------------------------------------------------
def _adaptive_sizes(output_size, shape, n, op):
    if output_size is None:
        raise TypeError("object of type 'NoneType' has no len()")
    if isinstance(output_size, (int, np.integer)) and not isinstance(output_size, bool):
        sizes = (int(output_size),) * n
    elif isinstance(output_size, (tuple, list)):
        vals = list(output_size)
        if n == 1 and len(vals) != 1:
            raise RuntimeError(f"{op}() argument 'output_size' should contain one int "
                               f'(got {len(vals)})')
        if len(vals) != n:
            raise RuntimeError(f'{op}: output_size must be {n} (got {vals})')
        sizes = tuple(shape[len(shape) - n + i] if v is None else int(v)
                      for i, v in enumerate(vals))
    else:
        raise TypeError(f"{op}(): argument 'output_size' (position 2) must be tuple of ints, "
                        f'not {type(output_size).__name__}')
    if min(sizes) < 0:
        raise RuntimeError(f'{op}: elements of output_size must be greater than or equal to 0 '
                           f'but received {{{", ".join(str(v) for v in sizes)}}}')
    return sizes


def _bins(L, O):
    """Start and end (exclusive) of PyTorch's adaptive bins of a length-L dim into O bins."""
    o = np.arange(O, dtype=np.int64)
    return (o * L) // O, ((o + 1) * L + O - 1) // O


def _bin_matrix(L, O):
    start, end = _bins(L, O)
    j = np.arange(L)
    return ((j >= start[:, None]) & (j < end[:, None])).astype(np.float64), end - start


def _adaptive_avg(input, n, output_size, op):
    _check_input(input, op, n, 'adaptive')
    x = input._data
    if x.dtype.kind != 'f':
        raise not_implemented_for(op, x.dtype)
    sizes = _adaptive_sizes(output_size, x.shape, n, op)
    inp = x.shape[-n:]
    if all(o == 1 for o in sizes):
        return input.mean(tuple(range(-1, -n - 1, -1)), keepdim=True)
    xp = xp_of(x)
    name = f'AdaptiveAvgPool{_NAME[n]}Backward0'
    if all(o and L % o == 0 for L, o in zip(inp, sizes)):
        k = tuple(L // o for L, o in zip(inp, sizes))
        geom = window_geometry(op, x.shape, k, k, (0,) * n, (1,) * n, False)
        total = sum_windows(x, geom)
        for kk in k:
            if kk != 1:
                total /= kk
        out = wrap(total)
        if input._rg and STATE.enabled:
            record(out, name, _adaptive_avg_backward, (input,), saved=(input,),
                   ctx=(geom, k, None))
        return out
    mats, counts = [], []
    for i, (L, o) in enumerate(zip(inp, sizes)):
        if L == o:
            mats.append(None)
            counts.append(None)
            continue
        m, cnt = _bin_matrix(L, o)
        mats.append(m)
        shape = [1] * n
        shape[i] = o
        counts.append(xp.asarray(cnt.reshape(shape).astype(x.dtype)))
    total = apply_mats(x, mats)
    for c in counts:
        if c is not None:
            total /= c
    out = wrap(total)
    if input._rg and STATE.enabled:
        record(out, name, _adaptive_avg_backward, (input,), saved=(input,),
               ctx=(None, counts, tuple(None if m is None else m.T for m in mats)))
    return out


def _adaptive_avg_backward(node, grad):
    geom, divs, mats = node.ctx
    for c in divs:
        if c.__class__ is int:
            if c != 1:
                grad = grad / c
        elif c is not None:
            grad = grad / wrap(c)
    if geom is not None:
        return window_scatter(grad, geom, node.name()[:-1] + 'Backward0',
                              like=_input_if_graph(node))
    return separable(grad, mats, node.name()[:-1] + 'Backward0', like=_input_if_graph(node))


def adaptive_avg_pool1d(input, output_size):
    """Mean over ``output_size`` near-equal bins of the last dim (bins may overlap by one).

    >>> ember.adaptive_avg_pool1d(ember.tensor([[1., 2., 3., 4., 5.]]), 2)
    tensor([[2., 4.]])
    """
    op = 'adaptive_avg_pool1d'
    _check_1d(input, op)
    size = _adaptive_sizes(output_size, input.shape, 1, op)
    return _adaptive_avg(input.unsqueeze(-2), 2, (1,) + size,
                         'adaptive_avg_pool2d').squeeze(-2)


def adaptive_avg_pool2d(input, output_size):
    """Mean over an ``output_size`` grid of near-equal bins of the last two dims; ``None`` in
    ``output_size`` keeps that dim's size.

    >>> ember.nn.functional.adaptive_avg_pool2d(ember.arange(16.).reshape(1, 4, 4), 1)
    tensor([[[7.5000]]])
    """
    return _adaptive_avg(input, 2, output_size, 'adaptive_avg_pool2d')


def adaptive_avg_pool3d(input, output_size):
    """Mean over an ``output_size`` grid of near-equal bins of the last three dims.

    >>> ember.nn.functional.adaptive_avg_pool3d(ember.arange(8.).reshape(1, 2, 2, 2), 1)
    tensor([[[[3.5000]]]])
    """
    return _adaptive_avg(input, 3, output_size, 'adaptive_avg_pool3d')


def _adaptive_max(input, n, output_size, op):
    if not isinstance(input, Tensor) or input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f'{op}(): Expected {n + 1}D or {n + 2}D tensor, but got: '
                           f'{list(input.shape)} (the input must be (C, *spatial) or '
                           f'(N, C, *spatial) with {n} spatial dims)')
    _check_input(input, op, n, 'adaptive')
    x = input._data
    if x.dtype.kind != 'f':
        raise not_implemented_for(op, x.dtype)
    sizes = _adaptive_sizes(output_size, x.shape, n, op)
    inp = x.shape[-n:]
    xp = xp_of(x)
    rg = input._rg and STATE.enabled
    if all(o and L % o == 0 for L, o in zip(inp, sizes)):
        k = tuple(L // o for L, o in zip(inp, sizes))
        geom = window_geometry(op, x.shape, k, k, (0,) * n, (1,) * n, False)
        m, rel = max_windows(x, geom, True)
        unique = True
    elif min(sizes) == 0:
        shape = x.shape[:x.ndim - n] + sizes
        m, rel, unique = xp.empty(shape, x.dtype), xp.empty(shape, np.int64), True
    else:
        m, rel = _adaptive_max_windows(x, inp, sizes)
        unique = False
    out = wrap(m)
    if rg:
        pidx = PlaneIndex(rel, x.shape, n, unique)
        record(out, f'AdaptiveMaxPool{_NAME[n]}Backward0', _max_pool_backward, (input,),
               saved=(input,), ctx=(pidx, f'AdaptiveMaxPool{_NAME[n]}BackwardBackward0'))
    return out, wrap(rel)


def _adaptive_max_windows(x, inp, sizes):
    """Max and first-argmax over adaptive bins: one gather per offset inside the largest bin."""
    xp = xp_of(x)
    n = len(inp)
    strides, acc = [], 1
    for L in reversed(inp):
        strides.append(acc)
        acc *= L
    strides = strides[::-1]
    bins = [_bins(L, o) for L, o in zip(inp, sizes)]
    kmax = [int((e - s).max()) for s, e in bins]
    flat_x = x.reshape(x.shape[:x.ndim - n] + (acc,))
    positions = []
    for js in np.ndindex(*kmax):
        pos = None
        for i, (j, (s, e)) in enumerate(zip(js, bins)):
            shape = [1] * n
            shape[i] = len(s)
            term = (np.minimum(s + j, e - 1) * strides[i]).reshape(shape)
            pos = term if pos is None else pos + term
        positions.append(xp.asarray(np.broadcast_to(pos, sizes)))
    vals = [flat_x[..., p] for p in positions]
    m = vals[0].copy()
    for v in vals[1:]:
        xp.maximum(m, v, out=m)
    rel = xp.broadcast_to(positions[-1], m.shape).copy()
    for v, p in zip(vals[-2::-1], positions[-2::-1]):
        xp.copyto(rel, p, where=v == m)
    if bool(xp.isnan(m).any()):
        for v, p in zip(vals, positions):
            xp.copyto(rel, p, where=xp.isnan(v))
    return m, rel


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """Max and its index over ``output_size`` near-equal bins of the last dim (always a pair).

    ``torch.adaptive_max_pool1d`` is this function.

    >>> ember.adaptive_max_pool1d(ember.tensor([[1., 5., 2., 4.]]), 2)[1]
    tensor([[1, 3]])
    """
    op = 'adaptive_max_pool1d'
    _check_1d(input, op)
    size = _adaptive_sizes(output_size, input.shape, 1, op)
    v, i = _adaptive_max(input.unsqueeze(-2), 2, (1,) + size, 'adaptive_max_pool2d')
    return v.squeeze(-2), i.squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max over ``output_size`` near-equal bins of the last dim of a (C, L) or (N, C, L) input.

    >>> ember.nn.functional.adaptive_max_pool1d(ember.tensor([[1., 5., 2., 4.]]), 2)
    tensor([[5., 4.]])
    """
    res = adaptive_max_pool1d_with_indices(input, output_size)
    return res if return_indices else res[0]


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """Max and its flat (h * W + w) index over an ``output_size`` grid of bins (a pair).

    >>> x = ember.arange(4.).reshape(1, 2, 2)
    >>> ember.nn.functional.adaptive_max_pool2d_with_indices(x, 1)[1]
    tensor([[[3]]])
    """
    return _adaptive_max(input, 2, output_size, 'adaptive_max_pool2d')


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max over an ``output_size`` grid of near-equal bins of the last two dims.

    >>> ember.nn.functional.adaptive_max_pool2d(ember.arange(16.).reshape(1, 4, 4), 2)
    tensor([[[ 5.,  7.],
             [13., 15.]]])
    """
    res = _adaptive_max(input, 2, output_size, 'adaptive_max_pool2d')
    return res if return_indices else res[0]


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """Max and its flat index over an ``output_size`` grid of 3-d bins (a pair).

    >>> x = ember.arange(8.).reshape(1, 2, 2, 2)
    >>> ember.nn.functional.adaptive_max_pool3d_with_indices(x, 1)[1]
    tensor([[[[7]]]])
    """
    return _adaptive_max(input, 3, output_size, 'adaptive_max_pool3d')


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max over an ``output_size`` grid of near-equal bins of the last three dims.

    >>> ember.nn.functional.adaptive_max_pool3d(ember.arange(8.).reshape(1, 2, 2, 2), 1)
    tensor([[[[7.]]]])
    """
    res = _adaptive_max(input, 3, output_size, 'adaptive_max_pool3d')
    return res if return_indices else res[0]


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
