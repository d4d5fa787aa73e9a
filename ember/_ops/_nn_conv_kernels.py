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


def _as_strided(xp, arr, shape, strides):
    if xp is np:
        return np.lib.stride_tricks.as_strided(arr, shape, strides, writeable=False)
    return xp.lib.stride_tricks.as_strided(arr, shape, strides)


def _to_last(x):
    """(N, C, *S) -> (C, *S, N) permutation tuple."""
    n = x.ndim
    return tuple(range(1, n)) + (0,)


def channels_last_padded(x, geo):
    """The input as a contiguous ``(C, *Sp, N)`` array with the zero padding applied."""
    xp = xp_of(x)
    xt = x.transpose(_to_last(x))
    if not geo.pad:
        return xp.ascontiguousarray(xt)
    shape = (x.shape[1],) + geo.padded() + (x.shape[0],)
    buf = xp.zeros(shape, x.dtype)
    buf[(slice(None),) + tuple(slice(a, a + s) for a, s in zip(geo.lo, geo.S))] = xt
    return buf


def im2col(x, geo):
    """``cols`` of shape (G, Cg*prod(K), prod(O)*N) for input ``x`` (N, C, *S)."""
    xp = xp_of(x)
    xt = channels_last_padded(x, geo)
    st = xt.strides
    d = len(geo.K)
    sp = st[1:1 + d]
    view = _as_strided(xp, xt, (xt.shape[0],) + geo.K + geo.out + (xt.shape[-1],),
                       (st[0],) + tuple(s * dl for s, dl in zip(sp, geo.dil))
                       + tuple(s * t for s, t in zip(sp, geo.stride)) + (st[-1],))
    cols = xp.ascontiguousarray(view)
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
    gt = xp.ascontiguousarray(gy.transpose(_to_last(gy)))
    return gt.reshape(groups, gy.shape[1] // groups, gt.size // gy.shape[1] if gy.shape[1] else 0)


def rows_to_output(y, oc, out, n):
    """(G, OCg, prod(O)*N) product -> contiguous (N, OC, *O)."""
    xp = xp_of(y)
    y = y.reshape((oc,) + out + (n,))
    d = len(out)
    return xp.ascontiguousarray(y.transpose((d + 1, 0) + tuple(range(1, d + 1))))


def _mm(a, b):
    """Per-group matrix product of (G, m, k) @ (G, k, n) (a plain GEMM for one group)."""
    if a.shape[0] == 1:
        return (a[0] @ b[0])[None]
    return xp_of(a).matmul(a, b)


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
    return _mm(gy_rows, cols.transpose(0, 2, 1)).reshape(wshape)


def col2im(gcols, geo, n, c):
    """Scatter-add ``gcols`` (G, Cg*prod(K), prod(O)*N) back to an input (N, C, *S)."""
    xp = xp_of(gcols)
    d = len(geo.K)
    gcols = gcols.reshape((c,) + geo.K + geo.out + (n,))
    buf = xp.zeros((c,) + geo.padded() + (n,), gcols.dtype)
    spans = [[slice(k * dl, k * dl + (o - 1) * st + 1, st) for k in range(kk)]
             for kk, dl, o, st in zip(geo.K, geo.dil, geo.out, geo.stride)]
    full = slice(None)
    if geo.out and all(o == 1 or st >= (kk - 1) * dl + 1
                       for o, st, kk, dl in zip(geo.out, geo.stride, geo.K, geo.dil)):
        # windows do not overlap: every position is written at most once
        for kpos in itertools.product(*[range(k) for k in geo.K]):
            sl = (full,) + tuple(spans[i][kpos[i]] for i in range(d))
            buf[sl] = gcols[(full,) + kpos]
    else:
        for kpos in itertools.product(*[range(k) for k in geo.K]):
            sl = (full,) + tuple(spans[i][kpos[i]] for i in range(d))
            buf[sl] += gcols[(full,) + kpos]
    if geo.pad:
        buf = buf[(full,) + tuple(slice(a, a + s) for a, s in zip(geo.lo, geo.S))]
    return xp.ascontiguousarray(buf.transpose((d + 1, 0) + tuple(range(1, d + 1))))


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
