"""Grid sampling kernels for ``nn_sampling.grid_sample`` (kept with the pooling helpers, which
provide the gather/scatter operators they use).

A sampling *plan* holds, per spatial dim, the source coordinate of each output cell and its
derivative with respect to the grid value (PyTorch's unnormalisation, border clamping and
reflection, with their gradient multipliers). The *taps* of a plan are the input cells each
output reads: 1 (nearest), 2**n (bilinear) or 4**n (bicubic), each with a flat in-plane
index, a validity mask (zeros padding) and per-dim weight functions of the fractional
coordinate. The same weight functions run on NumPy arrays (forward) and on ember tensors
(backward), so the backward is ember ops and differentiates again.

>>> plan = grid_plan(np.zeros((1, 1, 1, 2), np.float32), (2, 2), 0, 0, True)
>>> [float(c[0, 0, 0]) for c in plan.coords]
[0.5, 0.5]
"""
import math

from ._base import wrap, xp_of, np
from ._nn_pooling_core import PlaneIndex, plane_gather, plane_scatter


def host(a):
    """A NumPy copy of a device array (the sampling plan is built on the host)."""
    return a if a.__class__ is np.ndarray else a.get()


def dev(a, xp):
    return a if xp is np else xp.asarray(a)


# ---- coordinates -----------------------------------------------------------------------------
def _unnormalize(coord, L, align):
    if align:
        return (coord + 1) / 2 * (L - 1), (L - 1) / 2
    return ((coord + 1) * L - 1) / 2, L / 2


def _reflect(c, lo2, hi2):
    """PyTorch's reflect_coordinates with its derivative sign (twice the bounds given)."""
    if lo2 == hi2:
        return np.zeros_like(c), np.zeros_like(c)
    lo = lo2 / 2
    span = (hi2 - lo2) / 2
    d = c - lo
    sign = np.where(d < 0, -1, 1).astype(c.dtype)
    d = np.abs(d)
    extra = np.fmod(d, span)
    flips = np.floor(d / span)
    even = (flips % 2) == 0
    res = np.where(even, extra + lo, span - extra + lo).astype(c.dtype)
    return res, np.where(even, sign, -sign).astype(c.dtype)


def _pad_coord(c, L, padding_mode, align):
    """PyTorch's compute_coordinates: (coordinate, derivative multiplier)."""
    mult = np.ones_like(c)
    if padding_mode == 1 or padding_mode == 2:
        if padding_mode == 2:
            c, sgn = _reflect(c, 0, 2 * (L - 1)) if align else _reflect(c, -1, 2 * L - 1)
            mult = mult * sgn
        mult = mult * ((c > 0) & (c < L - 1))
        c = np.clip(c, 0, L - 1).astype(c.dtype)
    return c, mult


class Plan:
    __slots__ = ('mode', 'inp', 'coords', 'slopes', 'padding_mode', 'align')

    def __init__(self, mode, inp, coords, slopes, padding_mode, align):
        self.mode, self.inp, self.coords, self.slopes = mode, inp, coords, slopes
        self.padding_mode, self.align = padding_mode, align


def grid_plan(g, inp, mode, padding_mode, align):
    """Source coordinates (dims in D, H, W order) and d(coordinate)/d(grid) of a grid."""
    n = len(inp)
    coords, slopes = [], []
    for k in range(n):
        L = inp[k]
        c, a = _unnormalize(g[..., n - 1 - k], L, align)
        c = c.astype(g.dtype)
        slope = np.full(c.shape, a, dtype=g.dtype)
        if mode != 2:              # bicubic pads each tap instead of the coordinate
            c, mult = _pad_coord(c, L, padding_mode, align)
            slope = slope * mult
        coords.append(c)
        slopes.append(slope)
    return Plan(mode, tuple(inp), coords, slopes, padding_mode, align)


# ---- weights ---------------------------------------------------------------------------------
_A = -0.75


def _cc1(x):
    return ((_A + 2) * x - (_A + 3)) * x * x + 1


def _cc2(x):
    return ((_A * x - 5 * _A) * x + 8 * _A) * x - 4 * _A


def _dcc1(x):
    return (3 * (_A + 2) * x - 2 * (_A + 3)) * x


def _dcc2(x):
    return (3 * _A * x - 10 * _A) * x + 8 * _A


def weight(mode, k, t):
    """Weight of tap ``k`` at fractional coordinate ``t`` (arrays or ember tensors)."""
    if mode == 0:
        return t if k else 1 - t
    if k == 0:
        return _cc2(t + 1)
    if k == 1:
        return _cc1(t)
    if k == 2:
        return _cc1(1 - t)
    return _cc2(2 - t)


def dweight(mode, k, t):
    """d weight / dt."""
    if mode == 0:
        return 1 if k else -1
    if k == 0:
        return _dcc2(t + 1)
    if k == 1:
        return _dcc1(t)
    if k == 2:
        return -_dcc1(1 - t)
    return -_dcc2(2 - t)


# ---- taps ------------------------------------------------------------------------------------
def taps(plan):
    """([(flat in-plane index, validity, tap index per dim)...], fractional parts or None)."""
    inp, coords = plan.inp, plan.coords
    n = len(inp)
    strides, acc = [], 1
    for L in reversed(inp):
        strides.append(acc)
        acc *= L
    strides = strides[::-1]
    shape = coords[0].shape
    if plan.mode == 1:
        idx = [np.rint(c).astype(np.int64) for c in coords]
        valid = np.ones(shape, bool)
        flat = np.zeros(shape, np.int64)
        for i, L, st in zip(idx, inp, strides):
            valid &= (i >= 0) & (i < L)
            flat += np.clip(i, 0, L - 1) * st
        return [(flat, valid, ())], None
    base = [np.floor(c) for c in coords]
    frac = [(c - b).astype(c.dtype) for c, b in zip(coords, base)]
    base = [b.astype(np.int64) for b in base]
    width = 2 if plan.mode == 0 else 4
    # per dim and tap offset: (clamped index, validity)
    cells = []
    for i0, L, c in zip(base, inp, coords):
        per = []
        for k in range(width):
            i = i0 + k if plan.mode == 0 else i0 + (k - 1)
            if plan.mode == 2:     # PyTorch pads each bicubic tap, then truncates
                pc, _ = _pad_coord(i.astype(c.dtype), L, plan.padding_mode, plan.align)
                i = np.trunc(pc).astype(np.int64)
            per.append((np.clip(i, 0, L - 1), (i >= 0) & (i < L)))
        cells.append(per)
    res = []
    for ks in np.ndindex(*(width,) * n):
        valid = np.ones(shape, bool)
        flat = np.zeros(shape, np.int64)
        for k, per, st in zip(ks, cells, strides):
            i, ok = per[k]
            valid &= ok
            flat += i * st
        res.append((flat, valid, ks))
    return res, frac


# ---- forward and backward --------------------------------------------------------------------
def grid_forward(x, plan):
    xp = xp_of(x)
    N, C = x.shape[:2]
    out_sp = plan.coords[0].shape[1:]
    P, O = math.prod(plan.inp), math.prod(out_sp)
    # channels-last rows: each tap is one row gather (contiguous C values per cell)
    rows = xp.ascontiguousarray(x.reshape(N, C, P).transpose(0, 2, 1)).reshape(N * P, C)
    base = np.arange(N, dtype=np.int64).reshape(N, 1) * P
    tap_list, frac = taps(plan)
    out = None
    for flat, valid, ks in tap_list:
        v = rows.take(dev((flat.reshape(N, O) + base).reshape(-1), xp), axis=0)
        w = valid.astype(x.dtype)
        for k, t in zip(ks, frac or ()):
            w = w * weight(plan.mode, k, t)
        term = v.reshape(N, O, C) * dev(w.reshape(N, O, 1).astype(x.dtype), xp)
        out = term if out is None else out + term
    return xp.ascontiguousarray(out.transpose(0, 2, 1)).reshape((N, C) + out_sp)


def grid_backward(node, grad):
    """Gradients of grid sampling, written with ember ops (so they differentiate again)."""
    input, grid = node.saved()
    plan = node.ctx
    x = input._data
    xp = xp_of(x)
    N, C = x.shape[:2]
    n = len(plan.inp)
    out_sp = plan.coords[0].shape[1:]
    P, O = math.prod(plan.inp), math.prod(out_sp)
    tap_list, frac = taps(plan)
    need_in, need_grid = node.next[0] is not None, node.next[1] is not None
    ts = None
    if frac is not None:
        # t as an ember function of the grid, exact in value and first derivative:
        # t = slope * g + (t_value - slope * g_value)
        g_host = host(grid._data)
        ts = []
        for k in range(n):
            s = plan.slopes[k]
            const = frac[k] - s * g_host[..., n - 1 - k]
            t = grid[..., n - 1 - k] * wrap(dev(s, xp)) + wrap(dev(const, xp))
            ts.append(t.unsqueeze(1))
    grad_in = None
    dts = [None] * n
    for flat, valid, ks in tap_list:
        pidx = PlaneIndex(dev(np.ascontiguousarray(np.broadcast_to(
            flat.reshape(N, 1, O), (N, C, O))), xp), (N, C, P), 1, False)
        vmask = wrap(dev(valid.astype(x.dtype).reshape((N, 1) + out_sp), xp))
        ws = [weight(plan.mode, k, t) for k, t in zip(ks, ts)] if ts is not None else []
        w = vmask
        for f in ws:
            w = w * f
        if need_in:
            term = plane_scatter((grad * w).reshape(N, C, O), pidx).reshape(x.shape)
            grad_in = term if grad_in is None else grad_in + term
        if need_grid and ts is not None:
            v = plane_gather(input.reshape(N, C, P), pidx).reshape((N, C) + out_sp) * vmask
            gv = (grad * v).sum(1, keepdim=True)
            for d in range(n):
                term = gv * dweight(plan.mode, ks[d], ts[d])
                for e, f in enumerate(ws):
                    if e != d:
                        term = term * f
                dts[d] = term if dts[d] is None else dts[d] + term
    grad_grid = None
    if need_grid:
        if ts is None:
            grad_grid = wrap(xp.zeros(grid._data.shape, grid._data.dtype))
        else:
            from .joining import stack
            parts = [dts[d].squeeze(1) * wrap(dev(plan.slopes[d], xp)) for d in range(n)]
            grad_grid = stack(parts[::-1], -1)
    return grad_in, grad_grid
