"""Array kernels of convolution (any number of spatial dims), on NumPy or CuPy arrays.

Layout: the im2col matrix is built from the input moved to channels-first, batch-last order
``(C, *S, N)``, so a kernel window copy moves runs of ``OW * N`` contiguous elements and the
whole convolution is one (or one per group) matrix product

    cols (G, Cg*prod(K), prod(O)*N)      weight (G, OCg, Cg*prod(K))
    y    = weight @ cols  -> (OC, *O, N) -> moved to (N, OC, *O)

The gradient of the weight reuses ``cols``; the gradient of the input is ``weight^T @ grad``
scattered back (col2im) with one strided add per kernel position. A strided convolution keeps
its padded input in phase-major order ("space to depth": position ``p`` of a dim with stride
``s`` is stored at phase ``p % s``, row ``p // s``), so every window is a block of whole rows
there too.

>>> g = Geometry((5,), (3,), (1,), (1,), (0,), (0,), 1)
>>> g.out
(3,)
"""
import itertools
import sys
import threading

import numpy as np

from ._base import xp_of
from ._elementwise import quietly

_ALL = slice(None)


def _prod(t):
    p = 1
    for v in t:
        p *= v
    return p


class Geometry:
    """Shape arithmetic of one convolution: input spatial size ``S`` (unpadded), kernel
    size ``K``, stride, dilation, padding before (``lo``) and after (``hi``), groups, and
    the output spatial size ``out``; plus the index plans the kernels use (computed once:
    geometries are cached by the callers)."""
    __slots__ = ('S', 'K', 'stride', 'dil', 'lo', 'hi', 'groups', 'out', 'pad', 'strided',
                 'padded', 'grid', 'interior', 'offsets', 'phases', 'overlap', 'nk', 'nout',
                 'back', 'views')

    def __init__(self, S, K, stride, dil, lo, hi, groups, out=None):
        self.S, self.K, self.stride, self.dil = S, K, stride, dil
        self.lo, self.hi, self.groups = lo, hi, groups
        self.pad = any(lo) or any(hi)
        if out is None:
            out = tuple((s + a + b - d * (k - 1) - 1) // st + 1
                        for s, k, st, d, a, b in zip(S, K, stride, dil, lo, hi))
        self.out = out
        d = len(K)
        self.nk, self.nout = _prod(K), _prod(out)
        self.back = (d + 1, 0) + tuple(range(1, d + 1))      # (C, *S, N) -> (N, C, *S)
        self.padded = tuple(s + a + b for s, a, b in zip(S, lo, hi))
        self.interior = (_ALL,) + tuple(slice(a, a + s) for a, s in zip(lo, S))
        self.strided = any(st != 1 for st in stride)
        # phase-major grid: rows per phase
        self.grid = tuple(-(-p // st) for p, st in zip(self.padded, stride))
        per_dim = [[((k * dl) % st, (k * dl) // st) for k in range(kk)]
                   for kk, dl, st in zip(K, dil, stride)]
        self.offsets = []
        for kpos in itertools.product(*[range(k) for k in K]):
            offs = [per_dim[i][k] for i, k in enumerate(kpos)]
            phase = tuple(o[0] for o in offs) if self.strided else ()
            rows = tuple(slice(o[1], o[1] + n) for o, n in zip(offs, out))
            self.offsets.append(((_ALL,) + kpos, (_ALL,) + phase + rows))
        self.phases = []
        if self.strided:
            for r in itertools.product(*[range(st) for st in stride]):
                rows, src = [], []
                for ri, st, a, size in zip(r, stride, lo, S):
                    q0 = max(-(-(a - ri) // st), 0)        # first row at or after lo
                    j0 = q0 * st + ri - a                  # its input index
                    cnt = max(-(-(size - j0) // st), 0) if j0 < size else 0
                    rows.append(slice(q0, q0 + cnt))
                    src.append(slice(j0, j0 + (cnt - 1) * st + 1 if cnt else j0, st))
                self.phases.append(((_ALL,) + r + tuple(rows), (_ALL, _ALL) + tuple(src)))
        self.overlap = not (out and all(o == 1 or st >= (kk - 1) * dl + 1 for o, st, kk, dl in
                                        zip(out, stride, K, dil)))
        self.views = {}

    def window_view(self, xt):
        """The (C, *K, *O, N) window view of the contiguous padded (C, *Sp, N) array."""
        key = (xt.shape, xt.itemsize)
        spec = self.views.get(key)
        if spec is None:
            st = xt.strides
            sp = st[1:-1]
            spec = self.views[key] = (
                (xt.shape[0],) + self.K + self.out + (xt.shape[-1],),
                (st[0],) + tuple(s * dl for s, dl in zip(sp, self.dil)) + sp + (st[-1],))
        if xt.__class__ is np.ndarray:
            return np.ndarray(spec[0], xt.dtype, xt, 0, spec[1])
        return xp_of(xt).lib.stride_tricks.as_strided(xt, spec[0], spec[1])


def strided_view(arr, shape, strides):
    """A read view of ``arr`` with the given shape and byte strides."""
    if arr.__class__ is np.ndarray:
        return np.lib.stride_tricks.as_strided(arr, shape, strides, writeable=False)
    return xp_of(arr).lib.stride_tricks.as_strided(arr, shape, strides)


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
    probe = scratch(np, (1,), np.dtype(np.uint8))
    del probe
    entries = _pool()[((1,), np.dtype(np.uint8))]
    for a in entries:                    # the same references as in scratch()
        _FREE = sys.getrefcount(a)
    release_scratch()


_measure_free()


# ---- layouts ----------------------------------------------------------------------------------
def _to_last(ndim):
    """(N, C, *S) -> (C, *S, N) permutation."""
    return tuple(range(1, ndim)) + (0,)


# Transposing between (N, M) and (M, N) is the one copy the batch-last layout costs. NumPy
# copies a large transposed 2-D array element by element with one side far apart in memory;
# a tile of a few rows (or columns) at a time keeps both sides in the L1 cache, and avoids
# the cache-set aliasing of a row stride that is a multiple of 4 KiB.
_TILE_BYTES = 1 << 15


def to_batch_last(x):
    """A contiguous (C, *S, N) copy of the (N, C, *S) array ``x`` (a scratch buffer)."""
    xp = xp_of(x)
    src = x.transpose(_to_last(x.ndim))
    out = scratch(xp, src.shape, x.dtype)
    n = x.shape[0]
    if xp is np and n > 8 and x.flags.c_contiguous and x.strides[0] % 4096 == 0:
        s2, o2 = x.reshape(n, -1), out.reshape(-1, n)
        for i in range(0, n, 8):
            o2[:, i:i + 8] = s2[i:i + 8].T
    else:
        out[...] = src
    return out


def to_batch_first(a, back):
    """A contiguous (N, C, *S) copy of the contiguous (C, *S, N) array ``a`` (``back`` is the
    permutation that moves N first)."""
    xp = xp_of(a)
    n = a.shape[-1]
    m = a.size // n if n else 0
    tile = max(_TILE_BYTES // (n * a.itemsize), 1) if n else 0
    if xp is not np or m <= tile or n < 8:
        return xp.ascontiguousarray(a.transpose(back))
    out = np.empty((n,) + a.shape[:-1], a.dtype)
    s2, o2 = a.reshape(m, n), out.reshape(n, m)
    for j in range(0, m, tile):
        o2[:, j:j + tile] = s2[j:j + tile].T
    return out


def channels_last_padded(x, geo):
    """The input as a contiguous zero-padded ``(C, *Sp, N)`` array; for a strided geometry
    the phase-major ``(C, *stride, *grid, N)`` layout."""
    xp = xp_of(x)
    c, n = x.shape[1], x.shape[0]
    if geo.strided:
        buf = scratch(xp, (c,) + geo.stride + geo.grid + (n,), x.dtype, zero=True)
        perm = _to_last(x.ndim)
        for dst, src in geo.phases:
            buf[dst] = x[src].transpose(perm)
        return buf
    if not geo.pad:
        return to_batch_last(x)
    xt = x.transpose(_to_last(x.ndim))
    buf = scratch(xp, (c,) + geo.padded + (n,), x.dtype, zero=True)
    buf[geo.interior] = xt
    return buf


def im2col(x, geo):
    """``cols`` of shape (G, Cg*prod(K), prod(O)*N) for input ``x`` (N, C, *S)."""
    xp = xp_of(x)
    xt = channels_last_padded(x, geo)
    c, n = x.shape[1], x.shape[0]
    cols = scratch(xp, (c,) + geo.K + geo.out + (n,), x.dtype)
    if geo.strided:
        for dst, src in geo.offsets:     # one block of whole phase rows per kernel position
            cols[dst] = xt[src]
    else:
        cols[...] = geo.window_view(xt)
    del xt
    g = geo.groups
    return cols.reshape(g, c // g * geo.nk, geo.nout * n)


def grad_to_rows(gy, groups):
    """Output-shaped ``gy`` (N, OC, *O) as a contiguous (G, OCg, prod(O)*N) array."""
    gt = to_batch_last(gy)
    oc = gy.shape[1]
    return gt.reshape(groups, oc // groups, gt.size // oc if oc else 0)


def _mm(a, b, pooled=True):
    """Per-group matrix product of (G, m, k) @ (G, k, n) (a plain GEMM for one group); the
    result is a scratch buffer unless ``pooled`` is false."""
    xp = xp_of(a)
    shape = (a.shape[0], a.shape[1], b.shape[2])
    out = scratch(xp, shape, a.dtype) if pooled else xp.empty(shape, a.dtype)
    with quietly():             # inf * 0 in the inputs: nan silently, as in PyTorch
        if shape[0] == 1:
            xp.matmul(a[0], b[0], out=out[0])
        else:
            xp.matmul(a, b, out=out)
    return out


# ---- the three kernels ------------------------------------------------------------------------
def conv_forward(x, w, geo, bias=None, keep_cols=False):
    """y = conv(x, w) (+ bias) as (N, OC, *O); also returns ``cols`` when ``keep_cols``."""
    cols = im2col(x, geo)
    y = conv_from_cols(cols, w, geo, x.shape[0], bias)
    return y, (cols if keep_cols else None)


def conv_from_cols(cols, w, geo, n, bias=None):
    """The convolution given the input's ``cols`` (see :func:`im2col`)."""
    g = geo.groups
    oc = w.shape[0]
    rows = _mm(w.reshape(g, oc // g, cols.shape[1]), cols)
    if bias is not None:
        rows = rows.reshape(oc, rows.shape[-1])
        rows += bias.reshape(oc, 1)
    return to_batch_first(rows.reshape((oc,) + geo.out + (n,)), geo.back)


def weight_grad(cols, gy_rows, wshape):
    """Gradient of the weight: (G, OCg, LN) @ (G, LN, CgK) -> weight shape."""
    return _mm(gy_rows, cols.transpose(0, 2, 1), pooled=False).reshape(wshape)


def col2im(gcols, geo, n, c):
    """Scatter-add ``gcols`` (G, Cg*prod(K), prod(O)*N) back to an input (N, C, *S)."""
    xp = xp_of(gcols)
    gcols = gcols.reshape((c,) + geo.K + geo.out + (n,))
    if geo.strided:
        buf = scratch(xp, (c,) + geo.stride + geo.grid + (n,), gcols.dtype, zero=True)
    else:
        buf = scratch(xp, (c,) + geo.padded + (n,), gcols.dtype, zero=True)
    if geo.overlap:
        add = xp.add
        for src, dst in geo.offsets:
            view = buf[dst]
            add(view, gcols[src], out=view)
    else:                           # windows do not overlap: each position is written once
        for src, dst in geo.offsets:
            buf[dst] = gcols[src]
    if geo.strided:
        out = xp.empty((n, c) + geo.S, gcols.dtype)
        for rows, dst in geo.phases:
            out[dst] = buf[rows].transpose(geo.back)
        return out
    if geo.pad:
        return xp.ascontiguousarray(buf[geo.interior].transpose(geo.back))
    return to_batch_first(buf, geo.back)


def input_grad(gy_rows, w, geo, n):
    """Gradient of the input of conv(x, w) for ``gy_rows`` (G, OCg, LN)."""
    g = geo.groups
    oc = w.shape[0]
    gcols = _mm(w.reshape(g, oc // g, w.size // oc if oc else 0).transpose(0, 2, 1), gy_rows)
    return col2im(gcols, geo, n, w.shape[1] * g)


def conv_transpose_forward(x, w, geo, bias=None):
    """The adjoint of conv(., w) applied to ``x`` (N, Cin, *Si): output (N, Cout, *So)."""
    out = input_grad(grad_to_rows(x, geo.groups), w, geo, x.shape[0])
    if bias is not None:
        out += bias.reshape((-1,) + (1,) * len(geo.K))
    return out
