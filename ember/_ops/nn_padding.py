"""Padding: ``nn.functional.pad`` (constant, reflect, replicate, circular) and
``constant_pad_nd``.

Constant padding is a fill plus one slice copy; its gradient is constant padding by the
negated amounts (a crop), so it differentiates to any order. The other modes read the input
through one index map per padded dimension (``take`` along that axis); their gradient adds the
output gradient back through the same maps (a scatter-add whose own gradient is the gather).

>>> ember.nn.functional.pad(ember.tensor([[1., 2., 3.]]), (2, 1), mode='reflect')
tensor([[3., 2., 1., 2., 3., 2.]])
"""
import numpy as np

from ._base import Tensor, wrap, record, xp_of

__all__ = ['constant_pad_nd']
FUNCTIONAL = ['pad']
METHODS = {}

_TNAME = {'bool': 'Bool', 'float16': 'Half'}


def _pad_list(pad):
    if isinstance(pad, (tuple, list)) or (hasattr(pad, '__len__') and not isinstance(pad, Tensor)
                                          and not isinstance(pad, (str, bytes))):
        out = []
        for i, p in enumerate(pad):
            if isinstance(p, Tensor) and p.ndim == 0 and p.dtype.is_floating_point is False:
                p = int(p.item())
            if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
                raise TypeError("pad(): argument 'pad' (position 2) must be tuple of ints, but "
                                f'found element of type {type(p).__name__} at pos {i}')
            out.append(int(p))
        return out
    raise TypeError("pad(): argument 'pad' (position 2) must be tuple of ints, not "
                    f'{type(pad).__name__}')


def _check_length(pad, ndim):
    if len(pad) % 2:
        raise RuntimeError('Padding length must be divisible by 2')
    if len(pad) // 2 > ndim:
        raise RuntimeError(f'Padding length should be less than or equal to two times the input '
                           f'dimension but got padding length {len(pad)} and input of dimension '
                           f'{ndim} (pad lists (left, right) amounts for the last dimension first, '
                           'then the one before, ...)')


# ---- constant -------------------------------------------------------------------------------
def _fill_value(value, dtype):
    if dtype.kind == 'b':
        return bool(value)
    if dtype.kind in 'iu':
        return int(value)
    return value


_CONSTANT_PLANS = {}


def _constant_plan(shape, pad):
    """Output shape, the destination/source slices of the kept part, and the border slabs."""
    nd = len(shape)
    out_shape = list(shape)
    src = [slice(None)] * nd
    dst = [slice(0, n) for n in shape]
    for i in range(len(pad) // 2):
        ax = nd - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        n = shape[ax]
        if n + min(lo, 0) + min(hi, 0) < 0:
            raise RuntimeError(f'narrow(): length must be non-negative. (pad: dimension {ax} of '
                               f'size {n} cannot be cropped by ({lo}, {hi}))')
        out_shape[ax] = n + lo + hi
        s0, s1 = max(-lo, 0), n - max(-hi, 0)
        src[ax] = slice(s0, max(s1, s0))
        d0 = max(lo, 0)
        dst[ax] = slice(d0, d0 + max(s1 - s0, 0))
    slabs = []
    for ax in range(nd):               # the border slabs, each written once
        d = dst[ax]
        if d.start > 0:
            slabs.append(tuple(dst[:ax]) + (slice(0, d.start),))
        if d.stop < out_shape[ax]:
            slabs.append(tuple(dst[:ax]) + (slice(d.stop, None),))
    return tuple(out_shape), tuple(dst), tuple(src), slabs


def _constant(input, pad, value):
    x = input._data
    key = (x.shape, tuple(pad))
    plan = _CONSTANT_PLANS.get(key)
    if plan is None:
        plan = _constant_plan(x.shape, pad)
        if len(_CONSTANT_PLANS) > 512:
            _CONSTANT_PLANS.clear()
        _CONSTANT_PLANS[key] = plan
    shape, dst, src, slabs = plan
    xp = xp_of(x)
    out = xp.empty(shape, dtype=x.dtype)
    out[dst] = x[src]
    fill = _fill_value(value, x.dtype)
    for sl in slabs:
        out[sl] = fill
    return record(wrap(out), 'ConstantPadNdBackward0', _constant_backward, (input,), ctx=pad)


def _constant_backward(node, grad):
    return _constant(grad, [-p for p in node.ctx], 0)


def constant_pad_nd(input, pad, value=0):
    """Pad the last ``len(pad) // 2`` dims with ``value``; ``pad`` is (left, right) for the last
    dim first, negative amounts crop.

    >>> ember.constant_pad_nd(ember.ones(2), [1, 2], 9.)
    tensor([9., 1., 1., 9., 9.])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"constant_pad_nd(): argument 'input' (position 1) must be Tensor, not "
                        f'{type(input).__name__}')
    pad = _pad_list(pad)
    _check_length(pad, input._data.ndim)
    return _constant(input, pad, value)


# ---- reflect / replicate / circular ---------------------------------------------------------
_NAMES = {'reflect': 'ReflectionPad{}DBackward0', 'replicate': 'ReplicationPad{}DBackward0',
          'circular': 'CopySlices'}
_KERNEL = {'reflect': 'reflection_pad{}d', 'replicate': 'replication_pad{}d'}
_LETTER = 'DHW'


def _index_map(mode, n, lo, hi):
    """Input index read by each output position along one padded axis."""
    j = np.arange(-lo, n + hi)
    if mode == 'reflect':
        j = np.abs(j)
        return np.where(j > n - 1, 2 * (n - 1) - j, j)
    if mode == 'replicate':
        return np.clip(j, 0, n - 1)
    c0 = max(-lo, 0)
    nc = n - c0 - max(-hi, 0)
    if nc <= 0:
        return np.zeros(0, np.intp)
    return c0 + (np.arange(n + lo + hi) - max(lo, 0)) % nc


def _scatter_plan(idx, n):
    """Groups ``(dst, src)`` of the map with distinct destinations in each group, so a
    scatter-add is a few fancy-index adds (the first one a plain gather when it covers
    every input position in order)."""
    order = np.argsort(idx, kind='stable')
    srt = idx[order]
    first = np.searchsorted(srt, srt, side='left')
    rank = np.arange(len(srt)) - first
    plan = []
    for r in range(int(rank.max()) + 1 if len(rank) else 0):
        sel = rank == r
        plan.append((srt[sel], order[sel]))
    return plan


class _Maps:
    """The per-axis index maps of one non-constant pad; when no amount is negative, also the
    slice copies that do the same faster (``copies``: output shape, interior, border fills)."""
    __slots__ = ('axes', 'maps', 'sizes', 'plans', 'name', 'mode', 'amounts', 'copies')

    def __init__(self, axes, maps, sizes, name, mode, amounts, shape):
        self.axes, self.maps, self.sizes, self.name = axes, maps, sizes, name
        self.mode, self.amounts = mode, amounts
        self.plans = None
        self.copies = None if amounts is None else _copy_plan(shape, axes, amounts, sizes, mode)


def _edge_slices(mode, lo, hi, n):
    """(dst, src) slice pairs along one axis of the padded array that fill its borders from
    its interior ``[lo, lo + n)``."""
    if mode == 'reflect':
        right = lo + n - 2 - hi
        return ((slice(0, lo), slice(2 * lo, lo, -1)),
                (slice(lo + n, lo + n + hi), slice(lo + n - 2, right if right >= 0 else None, -1)))
    if mode == 'replicate':
        return ((slice(0, lo), slice(lo, lo + 1)), (slice(lo + n, lo + n + hi),
                                                    slice(lo + n - 1, lo + n)))
    return ((slice(0, lo), slice(n, n + lo)), (slice(lo + n, lo + n + hi), slice(lo, lo + hi)))


def _copy_plan(shape, axes, amounts, sizes, mode):
    out_shape = list(shape)
    for ax, (lo, hi) in zip(axes, amounts):
        out_shape[ax] += lo + hi
    region = [slice(None)] * len(shape)
    for ax, (lo, hi) in zip(axes, amounts):
        region[ax] = slice(lo, lo + shape[ax])
    interior = tuple(region)
    fills = []
    for ax, (lo, hi), n in zip(axes, amounts, sizes):
        region[ax] = slice(None)            # this axis and those before it: full extent
        for dst, src in _edge_slices(mode, lo, hi, n):
            if dst.stop > dst.start:
                d, sr = list(region), list(region)
                d[ax], sr[ax] = dst, src
                fills.append((tuple(d), tuple(sr)))
    folds = []
    for ax, (lo, hi), n in reversed(list(zip(axes, amounts, sizes))):
        pre = (slice(None),) * ax
        pairs = [(pre + (dst,), pre + (src,)) for dst, src in _edge_slices(mode, lo, hi, n)
                 if dst.stop > dst.start]
        folds.append((ax, pairs, pre + (slice(lo, lo + n),)))
    return tuple(out_shape), interior, fills, folds


def _pad_slices(x, maps):
    """Reflect/replicate/circular padding by slice copies (no negative amounts)."""
    shape, interior, fills, _ = maps.copies
    out = xp_of(x).empty(shape, x.dtype)
    out[interior] = x
    for dst, src in fills:
        out[dst] = out[src]
    return out


def _unpad_slices(g, maps):
    """The adjoint of :func:`_pad_slices`: fold the borders back, then crop."""
    xp = xp_of(g)
    g = g.copy()
    replicate = maps.mode == 'replicate'
    for ax, pairs, keep in maps.copies[3]:
        for dst, src in pairs:
            part = g[dst]
            if replicate:
                part = part.sum(axis=ax, keepdims=True)
            view = g[src]
            xp.add(view, part, out=view)
        g = g[keep]
    return xp.ascontiguousarray(g)


def _gather(x, maps):
    if maps.copies is not None:
        return _pad_slices(x, maps)
    xp = xp_of(x)
    for ax, idx in zip(maps.axes, maps.maps):
        x = xp.take(x, xp.asarray(idx) if xp is not np else idx, axis=ax)
    return xp.ascontiguousarray(x)


def _scatter(g, maps):
    if maps.copies is not None:
        return _unpad_slices(g, maps)
    xp = xp_of(g)
    if maps.plans is None:
        maps.plans = [_scatter_plan(idx, n) for idx, n in zip(maps.maps, maps.sizes)]
    for ax, n, plan in reversed(list(zip(maps.axes, maps.sizes, maps.plans))):
        shape = list(g.shape)
        shape[ax] = n
        pre = (slice(None),) * ax
        if xp is not np:
            plan = [(xp.asarray(dst), xp.asarray(src)) for dst, src in plan]
        if plan and len(plan[0][0]) == n:
            out = xp.take(g, plan[0][1], axis=ax)
            rest = plan[1:]
        else:
            out = xp.zeros(shape, g.dtype)
            rest = plan
        for dst, src in rest:
            out[pre + (dst,)] += xp.take(g, src, axis=ax)
        g = out
    return g


def _gather_op(input, maps):
    out = wrap(_gather(input._data, maps))
    return record(out, maps.name, _gather_backward, (input,), (input,), ctx=maps)


def _gather_backward(node, grad):
    (input,) = node.saved()
    return _scatter_op(grad, node.ctx, input)


def _scatter_op(grad, maps, input=None):
    """Scatter-add ``grad`` through ``maps``. As in PyTorch the result is also recorded as a
    function of the padded ``input`` (with a zero derivative)."""
    out = wrap(_scatter(grad._data, maps))
    name = maps.name.replace('Backward0', 'BackwardBackward0')
    return record(out, name, _scatter_backward, (grad, input), ctx=maps)


def _scatter_backward(node, grad):
    zero = None
    if node.next[1] is not None:
        shape, dtype = node.meta[1]
        zero = wrap(xp_of(grad._data).zeros(shape, dtype))
    return _gather_op(grad, node.ctx), zero


def _unsupported(k, nd):
    return NotImplementedError(
        f'Padding size {2 * k} is not supported for {nd}D input tensor.\n'
        'Supported combinations for non-constant padding:\n'
        '  - 2D or 3D input: padding size = 2 (pads last dimension)\n'
        '  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n'
        '  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)')


def _check_output_size(shape, pad, k):
    """PyTorch's errors for reflect/replicate padding that crops a dimension away."""
    nd = len(shape)
    ins = [shape[nd - 1 - i] for i in range(k)][::-1]
    outs = [shape[nd - 1 - i] + pad[2 * i] + pad[2 * i + 1] for i in range(k)][::-1]
    if all(o < 1 for o in outs):
        names = 'DHW'[3 - k:]
        raise RuntimeError(f'input ({", ".join(f"{a}: {b}" for a, b in zip(names, ins))}) is too '
                           f'small. Calculated output {" ".join(f"{a}: {b}" for a, b in zip(names, outs))}')
    if any(o < 0 for o in outs):
        out_shape = list(shape[:nd - k]) + outs
        raise RuntimeError(f'Trying to create tensor with negative dimension '
                           f'{next(o for o in outs if o < 0)}: {out_shape}')


_MAPS = {}


def _non_constant(input, pad, mode):
    x = input._data
    if x.dtype.kind == 'b' and mode != 'circular':
        raise NotImplementedError(f'"{_KERNEL[mode].format(len(pad) // 2)}" not implemented for '
                                  "'Bool'")
    key = (mode, x.shape, tuple(pad))
    maps = _MAPS.get(key)
    if maps is None:
        maps = _build_maps(x, pad, mode)
        if len(_MAPS) > 512:
            _MAPS.clear()
        _MAPS[key] = maps
    return _gather_op(input, maps)


def _build_maps(x, pad, mode):
    nd = x.ndim
    k = len(pad) // 2
    if k not in (1, 2, 3) or nd not in (k + 1, k + 2):
        raise _unsupported(k, nd)
    axes, maps, sizes = [], [], []
    if mode != 'circular':
        first = 1 if nd == k + 2 else 0
        if any(s == 0 for s in x.shape[first:]):
            b = 'batch mode'
            raise RuntimeError(f'Expected {k + 1}D or {k + 2}D ({b}) tensor with possibly 0 batch '
                               'size and other non-zero dimensions for input, but got: '
                               f'{list(x.shape)}')
    for i in range(k):
        ax = nd - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        n = x.shape[ax]
        if mode == 'reflect' and (lo >= n or hi >= n):
            raise RuntimeError(f'Argument #{4 + 2 * i}: Padding size should be less than the '
                               f'corresponding input dimension, but got: padding ({lo}, {hi}) at '
                               f'dimension {ax} of input {list(x.shape)}')
        if mode == 'circular':
            nc = n - max(-lo, 0) - max(-hi, 0)
            if lo > n or hi > n or (n + lo + hi > 0 and (lo > nc or hi > nc)):
                raise RuntimeError('Padding value causes wrapping around more than once. '
                                   f'(dimension {ax} has size {n}, padding ({lo}, {hi}))')
            if n + lo + hi < 0:
                raise RuntimeError('Negative padding value is resulting in an empty dimension '
                                   f'(dimension {ax} has size {n}, padding ({lo}, {hi}))')
        if lo == 0 and hi == 0:
            continue
        axes.append(ax)
        maps.append(_index_map(mode, n, lo, hi))
        sizes.append(n)
    if mode != 'circular':
        _check_output_size(x.shape, pad, k)
    name = _NAMES[mode].format(k)
    amounts = [(pad[2 * (nd - 1 - ax)], pad[2 * (nd - 1 - ax) + 1]) for ax in axes]
    if any(a < 0 or b < 0 for a, b in amounts):
        amounts = None
    return _Maps(axes, maps, sizes, name, mode, amounts, x.shape)


def pad(input, pad, mode='constant', value=None):
    """Pad a tensor. ``pad`` gives (left, right) amounts for the last dim, then (top, bottom)
    for the one before, ...; ``mode`` is 'constant' (with ``value``, default 0; negative
    amounts crop), 'reflect', 'replicate' or 'circular' (last 1, 2 or 3 dims of a batched or
    unbatched input).

    >>> ember.nn.functional.pad(ember.ones(1, 2, 2), (1, 1), value=0.).shape
    torch.Size([1, 2, 4])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not "
                        f'{type(input).__name__}')
    pad = _pad_list(pad)
    if mode == 'constant':
        _check_length(pad, input._data.ndim)
        return _constant(input, pad, 0 if value is None else value)
    if mode not in _NAMES:
        raise NotImplementedError(f'Unrecognised padding mode {mode} (use one of constant, '
                                  'reflect, replicate, circular)')
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if len(pad) % 2:
        raise RuntimeError('Padding length must be divisible by 2')
    return _non_constant(input, pad, mode)
