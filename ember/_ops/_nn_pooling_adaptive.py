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
from .._dtype import FLOATING


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
    if x.dtype not in FLOATING:
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
    if x.dtype not in FLOATING:
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
    """Max and first-argmax over adaptive bins: one gather per offset inside the largest bin
    (offsets past a bin's end repeat its last cell, which cannot change the result)."""
    xp = xp_of(x)
    n = len(inp)
    strides = _strides(inp)
    bins = [_bins(L, o) for L, o in zip(inp, sizes)]
    kmax = [int((e - s).max()) for s, e in bins]
    positions = []
    for js in np.ndindex(*kmax):
        pos = None
        for i, (j, (s, e)) in enumerate(zip(js, bins)):
            shape = [1] * n
            shape[i] = len(s)
            term = (np.minimum(s + j, e - 1) * strides[i]).reshape(shape)
            pos = term if pos is None else pos + term
        positions.append(xp.asarray(np.ascontiguousarray(np.broadcast_to(pos, sizes))))
    return max_at(x, n, positions)


def _strides(inp):
    out, acc = [], 1
    for L in reversed(inp):
        out.append(acc)
        acc *= L
    return out[::-1]


def max_at(x, n, positions):
    """Max of ``x``'s planes (last ``n`` dims) over cells listed per output, and the in-plane
    index of PyTorch's pick (first maximum; the last NaN if any).

    ``positions``: one int array per candidate, of shape ``out`` (the same cells in every
    plane) or ``lead + out``.
    """
    xp = xp_of(x)
    lead = x.shape[:x.ndim - n]
    flat = x.reshape(lead + (-1,)) if x.size else x.reshape(lead + (int(np.prod(
        x.shape[x.ndim - n:])),))

    def take(pos):
        if pos.ndim == n:
            return flat[..., pos]
        k = pos.reshape(lead + (-1,))
        return xp.take_along_axis(flat, k, axis=-1).reshape(pos.shape)
    m = take(positions[0]).copy()
    out_shape = m.shape
    jt = np.uint8 if len(positions) < 256 else np.int32
    j = xp.zeros(out_shape, dtype=jt)
    vals = [None] * len(positions)
    for i, pos in enumerate(positions[1:], 1):
        v = take(pos)
        vals[i] = v
        upd = (v > m).view(np.uint8)
        xp.maximum(m, v, out=m)
        j += upd * (jt(i) - j)
    if m.dtype in FLOATING and bool(xp.isnan(m).any()):
        vals[0] = take(positions[0])
        for i, v in enumerate(vals):
            j[xp.isnan(v)] = i
    rel = xp.zeros(out_shape, dtype=np.int64)
    for i, pos in enumerate(positions):
        rel += (j == i) * pos
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


# ---- fractional max pooling ------------------------------------------------------------------
def _intervals(samples, L, O, k):
    """PyTorch's pseudo-random window starts (``generate_intervals``) for each sample, in the
    samples' precision: shape ``samples.shape + (O,)``."""
    dt = samples.dtype.type
    res = np.empty(samples.shape + (O,), dtype=np.int64)
    if O > 1:
        alpha = dt(L - k) / dt(O - 1)
        i = np.arange(O - 1).astype(samples.dtype)
        s = samples[..., None]
        res[..., :O - 1] = (np.trunc((i + s) * alpha).astype(np.int64)
                            - np.trunc(s * alpha).astype(np.int64))
    if O > 0:
        res[..., O - 1] = L - k
    return res


_AXIS = {2: 'height', 3: 'time'}
_FRAC_DIMS = {2: ('height', 'width'), 3: ('time', 'height', 'width')}


def _fractional_max(input, n, kernel_size, output_size, output_ratio, samples, op):
    from ._nn_pooling_core import int_tuple
    if output_size is None and output_ratio is None:
        raise ValueError(f'{op} requires specifying either an output_size or an output_ratio')
    x = input._data
    if x.ndim < n + 1:
        raise IndexError(f'Dimension out of range (expected to be in range of [{-x.ndim}, '
                         f'{x.ndim - 1}], but got {-n - 1}) (in {op}: the input must be '
                         f'(C, *spatial) or (N, C, *spatial) with {n} spatial dims)')
    if output_size is None:
        if n == 2 and len(output_ratio) > 2:
            raise ValueError('fractional_max_pool2d requires output_ratio to either be a single '
                             'Int or tuple of Ints.')
        ratio = (tuple(output_ratio) if isinstance(output_ratio, (tuple, list))
                 else (output_ratio,) * n)
        if len(ratio) == 1:
            ratio = ratio * n
        output_size = [int(x.shape[x.ndim - n + i] * ratio[i]) for i in range(n)]
    if samples is None:
        from .. import rand
        nb = 1 if x.ndim == n + 1 else x.shape[0]
        samples = rand(nb, x.shape[x.ndim - n - 1], n, dtype=input.dtype, device=input.device)
    name = op if n == 2 else op + '_out'
    if x.ndim != n + 1 and x.ndim != n + 2:
        raise RuntimeError(f'{name}(): Expected {n + 1}D or {n + 2}D tensor, but got: '
                           f'{list(x.shape)}')
    k = int_tuple(kernel_size, n, op, 'kernel_size')
    out = int_tuple(output_size, n, op, 'output_size')
    if 0 in x.shape[x.ndim - n - 1:]:
        dim = next(i for i in range(x.ndim - n - 1, x.ndim) if x.shape[i] == 0)
        raise RuntimeError(f'{name}(): Expected input to have non-zero size for non-batch '
                           f'dimensions, but got{list(x.shape)} with dimension {dim} being '
                           'empty.')
    if x.dtype not in FLOATING:
        raise not_implemented_for(name, x.dtype)
    smp = samples._data
    if smp.dtype != x.dtype:
        raise RuntimeError('Expect _random_samples to have the same dtype as input')
    if smp.ndim != 3:
        raise RuntimeError(f'Expect _random_samples to have 3 dimensions, got {smp.ndim}')
    batched = x.ndim == n + 2
    N = x.shape[0] if batched else 1
    C = x.shape[x.ndim - n - 1]
    if smp.shape[0] < N:
        raise RuntimeError('Expect _random_samples.size(0) no less then input batch size.')
    if smp.shape[1] != C:
        raise RuntimeError('Expect _random_samples.size(1) equals to input channel size.')
    if smp.shape[2] != n:
        raise RuntimeError(f'Expect _random_samples.size(2) equals to {n}; got {smp.shape[2]}.')
    inp = x.shape[x.ndim - n:]
    for dim_name, L, kk, o in zip(_FRAC_DIMS[n], inp, k, out):
        if o < 0:
            raise RuntimeError(f'Trying to create tensor with negative dimension {o}: '
                               f'{list(x.shape[:x.ndim - n]) + list(out)}')
        if o + kk - 1 > L or (n == 3 and o + kk - 1 == L):    # PyTorch's 3-d check is strict
            raise RuntimeError(f'{name}(): pool {dim_name} {kk} too large relative to input '
                               f'{dim_name} {L} (in {op}: output_size + kernel_size - 1 must not '
                               'exceed the input size)')
    if min(k) <= 0:
        raise RuntimeError(f'{op}: kernel_size must be greater than zero, got {list(k)}')
    host = smp if smp.__class__ is np.ndarray else smp.get()
    host = host[:N]                                      # (N, C, n)
    strides = _strides(inp)
    seqs = []
    for i in range(n):
        col = (n - 1 - i) if n == 2 else i             # 2-d samples are (w, h); 3-d (t, h, w)
        seq = _intervals(host[..., col], inp[i], out[i], k[i])    # (N, C, O_i)
        shape = [N, C] + [1] * n
        shape[2 + i] = out[i]
        seqs.append((seq.reshape(shape), strides[i]))
    xp = xp_of(x)
    lead = (N, C) if batched else (C,)
    xb = x.reshape((N, C) + tuple(inp))
    if min(out) == 0:
        shape = lead + tuple(out)
        m, rel = xp.empty(shape, x.dtype), xp.empty(shape, np.int64)
    else:
        positions = []
        for js in np.ndindex(*k):
            pos = None
            for j, (seq, st) in zip(js, seqs):
                term = (seq + j) * st
                pos = term if pos is None else pos + term
            positions.append(xp.asarray(np.ascontiguousarray(
                np.broadcast_to(pos, (N, C) + tuple(out)))))
        m, rel = max_at(xb, n, positions)
        m, rel = m.reshape(lead + tuple(out)), rel.reshape(lead + tuple(out))
    res = wrap(m)
    if input._rg and STATE.enabled:
        pidx = PlaneIndex(rel, x.shape, n, False)
        record(res, f'FractionalMaxPool{_NAME[n]}Backward0', max_pool_backward, (input,),
               saved=(input,), ctx=(pidx, f'FractionalMaxPool{_NAME[n]}BackwardBackward0'))
    return res, wrap(rel)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """Max over pseudo-randomly placed ``kernel_size`` windows giving ``output_size`` (or
    ``output_ratio`` of the input size); always returns ``(values, indices)``. Window starts
    come from ``_random_samples`` (N, C, 2) in [0, 1), drawn with ``rand`` when not given.

    >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
    >>> s = ember.full((1, 1, 2), 0.5)
    >>> ember.nn.functional.fractional_max_pool2d_with_indices(x, 2, 2, _random_samples=s)[1]
    tensor([[[[ 5,  7],
              [13, 15]]]])
    """
    return _fractional_max(input, 2, kernel_size, output_size, output_ratio, _random_samples,
                           'fractional_max_pool2d')


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """Fractional max pooling (Graham, 2014) over the last two dims; see
    :func:`fractional_max_pool2d_with_indices`.

    >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
    >>> ember.nn.functional.fractional_max_pool2d(x, 2, output_size=2,
    ...                                           _random_samples=ember.full((1, 1, 2), 0.5))
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    res = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio,
                                             return_indices, _random_samples)
    return res if return_indices else res[0]


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """Fractional max pooling over the last three dims (samples (N, C, 3)); always returns
    ``(values, indices)``.

    >>> x = ember.arange(27.).reshape(1, 1, 3, 3, 3)
    >>> ember.nn.functional.fractional_max_pool3d_with_indices(x, 2, 1)[1]
    tensor([[[[[26]]]]])
    """
    return _fractional_max(input, 3, kernel_size, output_size, output_ratio, _random_samples,
                           'fractional_max_pool3d')


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """Fractional max pooling over the last three dims.

    >>> ember.nn.functional.fractional_max_pool3d(ember.arange(27.).reshape(1, 3, 3, 3), 2, 1)
    tensor([[[[26.]]]])
    """
    res = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio,
                                             return_indices, _random_samples)
    return res if return_indices else res[0]
