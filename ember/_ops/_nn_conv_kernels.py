"""Array kernels of convolution (any number of spatial dims), on NumPy or CuPy arrays.

Layout: the im2col matrix is built from the input moved to channels-first, batch-last order
``(C, *S, N)``, so a kernel window copy moves runs of ``OW * N`` contiguous elements and the
whole convolution is one (or one per group) matrix product

    cols (G, Cg*prod(K), prod(O)*N)      weight (G, OCg, Cg*prod(K))
    y    = weight @ cols  -> (OC, *O, N) -> moved to (N, OC, *O)

The gradient of the weight reuses ``cols``; the gradient of the input is ``weight^T @ grad``
scattered back (col2im) with one strided add per kernel position.

>>> g = Geometry((5,), (3,), (1,), (1,), (0,), (0,), 1)
>>> g.out
(3,)
"""
import itertools
import sys
import threading

import numpy as np

from ._base import xp_of


class Geometry:
    """Shape arithmetic of one convolution: input spatial size ``S`` (unpadded), kernel
    size ``K``, stride, dilation, padding before (``lo``) and after (``hi``), groups, and
    the output spatial size ``out``."""
    __slots__ = ('S', 'K', 'stride', 'dil', 'lo', 'hi', 'groups', 'out', 'pad')

    def __init__(self, S, K, stride, dil, lo, hi, groups, out=None):
        self.S, self.K, self.stride, self.dil = S, K, stride, dil
        self.lo, self.hi, self.groups = lo, hi, groups
        self.pad = any(lo) or any(hi)
        if out is None:
            out = tuple((s + a + b - d * (k - 1) - 1) // st + 1
                        for s, k, st, d, a, b in zip(S, K, stride, dil, lo, hi))
        self.out = out

    def padded(self):
        return tuple(s + a + b for s, a, b in zip(self.S, self.lo, self.hi))


# ---- scratch buffers ---------------------------------------------------------------------------
# The big temporaries (im2col matrices, products before their final transposition) are taken
# from a per-thread pool and reused once nothing else references them (checked by reference
# count, so a matrix the graph still holds for backward is never handed out twice). Fresh
# allocations of a few MB cost more than the copies themselves: every page is faulted in and
# zeroed by the kernel.
_local = threading.local()
_POOL_BYTES = 1 << 27          # pooled memory per thread before the pool is dropped
_POOL_MAX_ITEM = 1 << 25       # larger arrays are not pooled
_POOL_PER_SHAPE = 8
_FREE = None                   # reference count of an unused pooled array (measured below)


def _pool():
    pool = getattr(_local, 'pool', None)
    if pool is None:
        pool = _local.pool = {}
        _local.nbytes = 0
    return pool


def scratch(xp, shape, dtype, zero=False):
    """A C-contiguous array of ``shape`` whose previous contents are garbage (zeros if
    ``zero``); it may be a pooled buffer no one else references any more."""
    if xp is not np:
        return xp.zeros(shape, dtype) if zero else xp.empty(shape, dtype)
    dtype = np.dtype(dtype)
    key = (shape, dtype)
    pool = _pool()
    entries = pool.get(key)
    if entries is not None:
        for a in entries:
            if sys.getrefcount(a) == _FREE:
                if zero:
                    a.fill(0)
                return a
    a = np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
    if a.nbytes <= _POOL_MAX_ITEM:
        if _local.nbytes + a.nbytes > _POOL_BYTES:
            pool.clear()
            _local.nbytes = 0
            entries = None
        if entries is None:
            entries = pool[key] = []
        if len(entries) < _POOL_PER_SHAPE:
            entries.append(a)
            _local.nbytes += a.nbytes
    return a


def release_scratch():
    """Drop this thread's pooled buffers (arrays still in use stay valid)."""
    _pool().clear()
    _local.nbytes = 0


def _measure_free():
    global _FREE
    _FREE = 1 << 30
    probe = scratch(np, (1,), np.uint8)
    del probe
    entries = _pool()[((1,), np.dtype(np.uint8))]
    for a in entries:                    # the same references as in scratch()
        _FREE = sys.getrefcount(a)
    entries.clear()


_measure_free()


def _as_strided(xp, arr, shape, strides):
    if xp is np:
        return np.lib.stride_tricks.as_strided(arr, shape, strides, writeable=False)
    return xp.lib.stride_tricks.as_strided(arr, shape, strides)


def _to_last(x):
    """(N, C, *S) -> (C, *S, N) permutation tuple."""
    n = x.ndim
    return tuple(range(1, n)) + (0,)


def _phase_grid(geo):
    """Per dim: the stride ``s`` and ``Q = ceil(padded / s)``. Position ``p`` of the padded
    input lives at phase ``p % s``, row ``p // s`` of the phase-major layout."""
    return tuple(-(-p // st) for p, st in zip(geo.padded(), geo.stride))


def _phase_slices(geo, r):
    """For phase ``r`` (a tuple): slices of the phase rows and of the unpadded input that
    hold the same elements."""
    rows, src = [], []
    for ri, st, a, size in zip(r, geo.stride, geo.lo, geo.S):
        q0 = max(-(-(a - ri) // st), 0)           # first row whose position is >= lo
        j0 = q0 * st + ri - a                     # its input index
        cnt = max(-(-(size - j0) // st), 0) if j0 < size else 0
        rows.append(slice(q0, q0 + cnt))
        src.append(slice(j0, j0 + (cnt - 1) * st + 1 if cnt else j0, st))
    return tuple(rows), tuple(src)


def _strided(geo):
    return any(st != 1 for st in geo.stride)


def channels_last_padded(x, geo):
    """The input as a contiguous zero-padded ``(C, *Sp, N)`` array; for a strided geometry
    the phase-major ``(C, *stride, *Q, N)`` layout (see :func:`_phase_grid`)."""
    xp = xp_of(x)
    c, n = x.shape[1], x.shape[0]
    if _strided(geo):
        buf = scratch(xp, (c,) + geo.stride + _phase_grid(geo) + (n,), x.dtype, zero=True)
        full = (slice(None),)
        for r in itertools.product(*[range(st) for st in geo.stride]):
            rows, src = _phase_slices(geo, r)
            buf[full + r + rows] = x[full + full + src].transpose(_to_last(x))
        return buf
    xt = x.transpose(_to_last(x))
    if not geo.pad:
        buf = scratch(xp, xt.shape, x.dtype)
        buf[...] = xt
        return buf
    shape = (c,) + geo.padded() + (n,)
    buf = scratch(xp, shape, x.dtype, zero=True)
    buf[(slice(None),) + tuple(slice(a, a + s) for a, s in zip(geo.lo, geo.S))] = xt
    return buf


def _kernel_offsets(geo):
    """Per kernel position: its phase and first row in the phase-major layout."""
    per_dim = [[((k * dl) % st, (k * dl) // st) for k in range(kk)]
               for kk, dl, st in zip(geo.K, geo.dil, geo.stride)]
    for kpos in itertools.product(*[range(k) for k in geo.K]):
        offs = [per_dim[i][k] for i, k in enumerate(kpos)]
        yield (kpos, tuple(o[0] for o in offs),
               tuple(slice(o[1], o[1] + out) for o, out in zip(offs, geo.out)))


def im2col(x, geo):
    """``cols`` of shape (G, Cg*prod(K), prod(O)*N) for input ``x`` (N, C, *S)."""
    xp = xp_of(x)
    xt = channels_last_padded(x, geo)
    d = len(geo.K)
    shape = (xt.shape[0],) + geo.K + geo.out + (xt.shape[-1],)
    cols = scratch(xp, shape, x.dtype)
    if _strided(geo):
        # one copy per kernel position, each a block of whole rows of a phase
        full = (slice(None),)
        for kpos, phase, rows in _kernel_offsets(geo):
            cols[full + kpos] = xt[full + phase + rows]
    else:
        st = xt.strides
        sp = st[1:1 + d]
        view = _as_strided(xp, xt, shape,
                           (st[0],) + tuple(s * dl for s, dl in zip(sp, geo.dil))
                           + sp + (st[-1],))
        cols[...] = view
        del view
    del xt
    g = geo.groups
    return cols.reshape(g, x.shape[1] // g * _prod(geo.K), _prod(geo.out) * x.shape[0])


def _prod(t):
    p = 1
    for v in t:
        p *= v
    return p


def grad_to_rows(gy, groups):
    """Output-shaped ``gy`` (N, OC, *O) as a contiguous (G, OCg, prod(O)*N) array."""
    xp = xp_of(gy)
    src = gy.transpose(_to_last(gy))
    gt = scratch(xp, src.shape, gy.dtype)
    gt[...] = src
    return gt.reshape(groups, gy.shape[1] // groups, gt.size // gy.shape[1] if gy.shape[1] else 0)


def rows_to_output(y, oc, out, n):
    """(G, OCg, prod(O)*N) product -> contiguous (N, OC, *O)."""
    xp = xp_of(y)
    y = y.reshape((oc,) + out + (n,))
    d = len(out)
    return xp.ascontiguousarray(y.transpose((d + 1, 0) + tuple(range(1, d + 1))))


def _mm(a, b, pooled=True):
    """Per-group matrix product of (G, m, k) @ (G, k, n) (a plain GEMM for one group); the
    result is a scratch buffer unless ``pooled`` is false."""
    xp = xp_of(a)
    shape = (a.shape[0], a.shape[1], b.shape[2])
    dtype = np.result_type(a.dtype, b.dtype)
    out = scratch(xp, shape, dtype) if pooled else xp.empty(shape, dtype)
    if a.shape[0] == 1:
        xp.matmul(a[0], b[0], out=out[0])
    else:
        xp.matmul(a, b, out=out)
    return out


def conv_forward(x, w, geo, bias=None, keep_cols=False):
    """y = conv(x, w) (+ bias) as (N, OC, *O); also returns ``cols`` when ``keep_cols``."""
    cols = im2col(x, geo)
    y = conv_from_cols(cols, w, geo, x.shape[0], bias)
    return y, (cols if keep_cols else None)


def conv_from_cols(cols, w, geo, n, bias=None):
    """The convolution given the input's ``cols`` (see :func:`im2col`)."""
    g = geo.groups
    oc = w.shape[0]
    rows = _mm(w.reshape(g, oc // g, -1), cols)
    if bias is not None:
        rows = rows.reshape(oc, rows.shape[-1])
        rows += bias.reshape(oc, 1)
    return rows_to_output(rows, oc, geo.out, n)


def weight_grad(cols, gy_rows, wshape):
    """Gradient of the weight: (G, OCg, LN) @ (G, LN, CgK) -> weight shape."""
    return _mm(gy_rows, cols.transpose(0, 2, 1), pooled=False).reshape(wshape)


def col2im(gcols, geo, n, c):
    """Scatter-add ``gcols`` (G, Cg*prod(K), prod(O)*N) back to an input (N, C, *S)."""
    xp = xp_of(gcols)
    d = len(geo.K)
    gcols = gcols.reshape((c,) + geo.K + geo.out + (n,))
    strided = _strided(geo)
    full = (slice(None),)
    if strided:
        buf = scratch(xp, (c,) + geo.stride + _phase_grid(geo) + (n,), gcols.dtype, zero=True)
    else:
        buf = scratch(xp, (c,) + geo.padded() + (n,), gcols.dtype, zero=True)
    overlap = not (geo.out and all(o == 1 or st >= (kk - 1) * dl + 1 for o, st, kk, dl in
                                   zip(geo.out, geo.stride, geo.K, geo.dil)))
    for kpos, phase, rows in _kernel_offsets(geo):
        sl = full + (phase if strided else ()) + rows
        if overlap:
            buf[sl] += gcols[full + kpos]
        else:                       # windows do not overlap: each position is written once
            buf[sl] = gcols[full + kpos]
    back = (d + 1, 0) + tuple(range(1, d + 1))
    if strided:
        out = xp.empty((n, c) + geo.S, gcols.dtype)
        for r in itertools.product(*[range(st) for st in geo.stride]):
            rows, src = _phase_slices(geo, r)
            out[full + full + src] = buf[full + r + rows].transpose(back)
        return out
    if geo.pad:
        buf = buf[full + tuple(slice(a, a + s) for a, s in zip(geo.lo, geo.S))]
    return xp.ascontiguousarray(buf.transpose(back))


def input_grad(gy_rows, w, geo, n):
    """Gradient of the input of conv(x, w) for ``gy_rows`` (G, OCg, LN)."""
    g = geo.groups
    oc = w.shape[0]
    gcols = _mm(w.reshape(g, oc // g, -1).transpose(0, 2, 1), gy_rows)
    return col2im(gcols, geo, n, w.shape[1] * g)


def conv_transpose_forward(x, w, geo, bias=None):
    """The adjoint of conv(., w) applied to ``x`` (N, Cin, *Si): output (N, Cout, *So)."""
    out = input_grad(grad_to_rows(x, geo.groups), w, geo, x.shape[0])
    if bias is not None:
        out += bias.reshape((-1,) + (1,) * len(geo.K))
    return out
