"""Adaptive pooling (average and max over near-equal bins) and fractional max pooling
(``torch.nn.functional``); exported through ``nn_pooling``.

>>> ember.adaptive_avg_pool1d(ember.tensor([[1., 2., 3., 4.]]), 2)
tensor([[1.5000, 3.5000]])
"""
from ._base import Tensor, wrap, record, STATE, xp_of, np
from ._elementwise import not_implemented_for
from ._nn_pooling_core import (window_geometry, max_windows, sum_windows, window_scatter,
                               PlaneIndex, separable, apply_mats, NAME as _NAME, check_input,
                               check_1d, max_pool_backward, input_if_graph)


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
    check_input(input, op, n, 'adaptive')
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
                              like=input_if_graph(node))
    return separable(grad, mats, node.name()[:-1] + 'Backward0', like=input_if_graph(node))


def adaptive_avg_pool1d(input, output_size):
    """Mean over ``output_size`` near-equal bins of the last dim (bins may overlap by one).

    >>> ember.adaptive_avg_pool1d(ember.tensor([[1., 2., 3., 4., 5.]]), 2)
    tensor([[2., 4.]])
    """
    op = 'adaptive_avg_pool1d'
    check_1d(input, op)
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
    check_input(input, op, n, 'adaptive')
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
        record(out, f'AdaptiveMaxPool{_NAME[n]}Backward0', max_pool_backward, (input,),
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
    check_1d(input, op)
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
