"""What pooling, unpooling and resampling share: argument checks, window geometry, and
internal linear operators whose backwards are each other (or themselves, transposed), so
that every pooling backward is itself differentiable (double backward) without a second
formula.

* :func:`window_sum` / :func:`window_scatter`: the sum over regular (strided, padded) windows
  and its transpose (add each window's value back into the window's cells).
* :func:`plane_gather` / :func:`plane_scatter`: pick cells of each spatial plane by flat index
  and its transpose (add or write values at flat indices).
* :func:`separable`: one matrix per trailing dimension (adaptive averages, interpolation); its
  transpose is the same operator with the transposed matrices.

Windows are walked by kernel offset (a strided view per offset, a few NumPy calls each), never
by output pixel.

>>> geom = window_geometry('avg_pool2d', (1, 4, 4), (2, 2), (2, 2), (0, 0), (1, 1), False)
>>> geom.out
(2, 2)
"""
import itertools
import math

from ._base import Tensor, wrap, record, xp_of, np, STATE
from ._elementwise import not_implemented_for
from .._dtype import FLOATING

_INT = (int, np.integer)


# ---- argument normalisation ----------------------------------------------------------------
_COUNT = {2: 'two', 3: 'three'}
_PHRASE = {'kernel_size': 'must either be a single int', 'stride': 'must either be omitted, a '
           'single int', 'padding': 'must either be a single int',
           'dilation': 'must be either a single int'}
_PHRASE_3D_AVG = {'kernel_size': 'must be a single int', 'stride': 'must be omitted, a single int',
                  'padding': 'must be a single int'}
_PHRASE_MAX1D = {'kernel_size': 'must be an int, list of ints or', 'stride': 'must be None, an '
                 'int, list of ints, or', 'padding': 'must be an int, list of ints, or',
                 'dilation': 'must be an int, list of ints or'}
_POSITION = {'kernel_size': 2, 'stride': 3, 'padding': 4, 'dilation': 5}


def int_tuple(value, n, op, what):
    """``value`` (an int or a sequence of 1 or ``n`` ints) as a tuple of ``n`` ints."""
    if isinstance(value, _INT) and not isinstance(value, bool):
        return (int(value),) * n
    if isinstance(value, (tuple, list)):
        vals = tuple(value)
        if all(isinstance(v, _INT) and not isinstance(v, bool) for v in vals):
            if len(vals) == 1:
                return (int(vals[0]),) * n
            if len(vals) == n:
                return tuple(int(v) for v in vals)
            if op == 'max_pool1d':
                raise RuntimeError(f'{op}() {what} {_PHRASE_MAX1D[what]} tuple of ints of size 1 '
                                   f'but got size {len(vals)}')
            if n == 1:
                raise RuntimeError(f"{op}() argument '{what}' should contain one int "
                                   f'(got {len(vals)})')
            phrase = (_PHRASE_3D_AVG if op == 'avg_pool3d' else _PHRASE).get(
                what, 'must be a single int')
            raise RuntimeError(f'{op}: {what} {phrase}, or a tuple of {_COUNT.get(n, n)} ints '
                               f'(got {list(vals)})')
    kind = 'float' if isinstance(value, float) else type(value).__name__
    pos = _POSITION.get(what)
    where = f' (position {pos})' if pos else ''
    raise TypeError(f"{op}(): argument '{what}'{where} must be tuple of ints, not {kind}")


def stride_tuple(stride, kernel, n, op):
    """``stride=None`` (or an empty sequence) means the kernel size, as in PyTorch."""
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        return kernel
    return int_tuple(stride, n, op, 'stride')


def fmt_shape(shape):
    return 'x'.join(str(s) for s in shape)


# ---- geometry of regular windows -----------------------------------------------------------
class Geometry:
    """Where the windows of a strided, padded, dilated pooling lie in the last ``n`` dims.

    ``out``: output sizes; ``pad_lo``/``pad_hi``: padding to add before/after each dim so that
    every window lies inside the padded array (``pad_hi`` covers ceil_mode's partial windows);
    ``offsets``: (index tuple, slices) for each kernel offset, in PyTorch's scan order.
    """
    __slots__ = ('n', 'inp', 'k', 's', 'p', 'd', 'out', 'pad_lo', 'pad_hi', 'padded', 'disjoint',
                 '_offsets', '_lut', '_origin', '_flat_origin')

    def __init__(self, inp, k, s, p, d, out):
        self.n, self.inp, self.k, self.s, self.p, self.d, self.out = len(k), inp, k, s, p, d, out
        hi = tuple(max(0, (o - 1) * si + di * (ki - 1) + 1 - L - pi)
                   for L, ki, si, pi, di, o in zip(inp, k, s, p, d, out))
        self.pad_lo, self.pad_hi = p, hi
        self.padded = any(p) or any(hi)
        self.disjoint = all(si >= di * (ki - 1) + 1 for ki, si, di in zip(k, s, d))
        self._offsets = self._lut = self._origin = None
        self._flat_origin = {}

    @property
    def lut(self):
        """In-plane flat index of each kernel offset relative to its window's origin."""
        if self._lut is None:
            strides = _plane_strides(self.inp)
            self._lut = [sum((j * di - pi) * st for j, di, pi, st in
                             zip(js, self.d, self.p, strides)) for js, _ in self.offsets]
        return self._lut

    @property
    def origin(self):
        """In-plane flat index of each window's unpadded origin (shape ``out``)."""
        if self._origin is None:
            strides = _plane_strides(self.inp)
            res = np.zeros(self.out, dtype=np.int64)
            for i, (o, si, st) in enumerate(zip(self.out, self.s, strides)):
                shape = [1] * self.n
                shape[i] = o
                res = res + (np.arange(o, dtype=np.int64) * (si * st)).reshape(shape)
            self._origin = res
        return self._origin

    def flat_origin(self, lead):
        """Flat index into a whole ``lead + inp`` array of each window's unpadded origin
        (shape ``lead + out``), cached per ``lead``."""
        res = self._flat_origin.get(lead)
        if res is None:
            nplanes, plane = math.prod(lead), math.prod(self.inp)
            base = np.arange(nplanes, dtype=np.int64).reshape((nplanes,) + (1,) * self.n)
            res = (base * plane + self.origin).reshape(lead + self.out)
            if len(self._flat_origin) > 8:
                self._flat_origin.clear()
            self._flat_origin[lead] = res
        return res

    @property
    def offsets(self):
        if self._offsets is None:
            res = []
            for js in itertools.product(*(range(ki) for ki in self.k)):
                sl = tuple(slice(j * di, j * di + (o - 1) * si + 1, si)
                           for j, di, si, o in zip(js, self.d, self.s, self.out))
                res.append((js, (Ellipsis,) + sl))
            self._offsets = res
        return self._offsets


def out_size(L, k, s, p, d, ceil):
    """PyTorch's pooling output length (``pooling_output_shape``)."""
    o = (L + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (o - 1) * s >= L + p:
        o -= 1
    return o


_LETTERS = ('T', 'H', 'W')
_GEOM_CACHE = {}


def _named(prefix, vals):
    letters = _LETTERS[3 - len(vals):] if len(vals) <= 3 else [str(i) for i in range(len(vals))]
    return ' '.join(f'{prefix}{c}: {v}' for c, v in zip(letters, vals))


def window_geometry(op, shape, k, s, p, d, ceil, small=None):
    """Check a pooling's arguments against the input ``shape`` and return its Geometry.

    Raises PyTorch's errors (same type and first sentence) with the shapes spelled out.
    ``small(inp, out)`` builds the message for an empty output when PyTorch words it
    differently from 'Given input size: ...'.
    """
    n = len(k)
    inp = tuple(shape[-n:])
    key = (inp, k, s, p, d, ceil)
    geom = _GEOM_CACHE.get(key)
    if geom is not None:
        return geom
    if 0 in s:
        raise RuntimeError('stride should not be zero')
    for pi in p:
        if pi < 0:
            raise RuntimeError(f'pad must be non-negative, but got pad: {pi}')
    if min(k) <= 0:
        raise RuntimeError(f'kernel size should be greater than zero, but got '
                           f'{_named("k", k)}')
    if min(s) <= 0:
        raise RuntimeError(f'stride should be greater than zero, but got {_named("d", s)}')
    if min(d) <= 0:
        raise RuntimeError(f'dilation should be greater than zero, but got '
                           f'{_named("dilation", d)}')
    for ki, pi, di in zip(k, p, d):
        if pi > ((ki - 1) * di + 1) // 2:
            raise RuntimeError(
                f'pad should be at most half of effective kernel size, but got pad={pi}, '
                f'kernel_size={ki} and dilation={di} (in {op}: the padding on each side may be '
                f'at most half the window, {((ki - 1) * di + 1) // 2} here; lower padding or '
                'enlarge kernel_size)')
    out = tuple(out_size(L, ki, si, pi, di, ceil)
                for L, ki, si, pi, di in zip(inp, k, s, p, d))
    if min(out) < 1:
        planes = tuple(shape[-n - 1:-n]) if len(shape) > n else ()
        if small is not None:
            raise RuntimeError(small(inp, out))
        raise RuntimeError(
            f'Given input size: ({fmt_shape(planes + inp)}). Calculated output size: '
            f'({fmt_shape(planes + out)}). Output size is too small (in {op}: the window, '
            f'kernel_size={list(k)} with dilation={list(d)} and padding={list(p)}, does not fit '
            f"into the input's spatial size {list(inp)}; use a smaller kernel or pad the input)")
    geom = Geometry(inp, k, s, p, d, out)
    if len(_GEOM_CACHE) > 256:
        _GEOM_CACHE.clear()
    _GEOM_CACHE[key] = geom
    return geom


# ---- array kernels ---------------------------------------------------------------------------
def pad_array(x, geom, fill):
    """``x`` padded with ``fill`` by the geometry's pad_lo/pad_hi (``x`` itself when none)."""
    if not geom.padded:
        return x
    n = geom.n
    xp = xp_of(x)
    lead = x.shape[:-n]
    full = lead + tuple(L + a + b for L, a, b in zip(geom.inp, geom.pad_lo, geom.pad_hi))
    buf = xp.full(full, fill, dtype=x.dtype)
    buf[(Ellipsis,) + tuple(slice(a, a + L) for a, L in zip(geom.pad_lo, geom.inp))] = x
    return buf


def crop_array(buf, geom):
    if not geom.padded:
        return buf
    return buf[(Ellipsis,) + tuple(slice(a, a + L) for a, L in zip(geom.pad_lo, geom.inp))]


def lowest(dtype):
    if dtype in FLOATING:
        return -np.inf
    if dtype.kind == 'b':
        return False
    return np.iinfo(dtype).min


def max_windows(x, geom, need_idx, whole=False):
    """(max over each window, flat in-plane index of the maximum or None); with ``whole``
    (NumPy only) the index is flat into the whole array instead, which is what the backward's
    scatter needs.

    The index follows PyTorch's scan: a later cell wins only if strictly greater (or NaN), so
    ties go to the first cell of the window. The offsets are combined pairwise in a tree
    (neighbours first), where the right half wins only if strictly greater: that keeps the
    first maximum and needs about half the array passes of a running scan. Masked writes are
    slow in NumPy, so the winner's offset is kept with arithmetic: ``j = jl + s * (jr - jl)``.
    """
    xp = xp_of(x)
    xpad = pad_array(x, geom, lowest(x.dtype))
    offs = geom.offsets
    if len(offs) == 1:
        m = xpad[offs[0][1]].copy()
        if whole:
            return m, geom.flat_origin(x.shape[:-geom.n]).copy()
        return m, (xp.broadcast_to(_origin(geom, xp), m.shape).copy() if need_idx else None)
    if not need_idx:
        m = xp.maximum(xpad[offs[0][1]], xpad[offs[1][1]])
        for _, sl in offs[2:]:
            xp.maximum(m, xpad[sl], out=m)
        return m, None
    # strided views are slow operands (no SIMD, short inner loops): compare contiguous copies
    views = [xp.ascontiguousarray(xpad[sl]) for _, sl in offs]
    m, rel = _first_max_tree(xp, views, geom.lut)
    if m.dtype in FLOATING and bool(xp.isnan(m).any()):
        for v, d in zip(views, geom.lut):      # PyTorch keeps the last NaN of a window
            rel[xp.isnan(v)] = d
    if whole:
        return m, geom.flat_origin(x.shape[:-geom.n]) + rel
    return m, _origin(geom, xp) + rel


def _first_max_tree(xp, views, labels):
    """(elementwise max of ``views``, the label (an int) of the first view holding it, as an
    int32 array)."""
    items = list(zip(views, labels))            # (values, label: an int or an array)
    while len(items) > 1:
        paired = []
        for a in range(0, len(items) - 1, 2):
            (ml, jl), (mr, jr) = items[a], items[a + 1]
            s = (mr > ml).view(np.uint8)
            m = xp.maximum(ml, mr)
            if jr.__class__ is int and jl.__class__ is int:     # two leaves
                j = s * np.int32(jr - jl)
            else:
                j = jr - jl
                j *= s
            j += jl
            paired.append((m, j))
        if len(items) % 2:
            paired.append(items[-1])
        items = paired
    m, j = items[0]
    return m, j


def _origin(geom, xp):
    origin = geom.origin
    return origin if xp is np else xp.asarray(origin)


def _plane_strides(inp):
    st, acc = [], 1
    for L in reversed(inp):
        st.append(acc)
        acc *= L
    return st[::-1]


def sum_windows(x, geom):
    xp = xp_of(x)
    xpad = pad_array(x, geom, 0)
    offs = geom.offsets
    if len(offs) == 1:
        return xpad[offs[0][1]].copy()
    s = xp.add(xpad[offs[0][1]], xpad[offs[1][1]])
    for _, sl in offs[2:]:
        s += xpad[sl]
    return s


def scatter_windows(g, geom):
    """Transpose of :func:`sum_windows`: add each window's value into all its cells."""
    xp = xp_of(g)
    lead = g.shape[:-geom.n]
    full = lead + tuple(L + a + b for L, a, b in zip(geom.inp, geom.pad_lo, geom.pad_hi))
    buf = xp.zeros(full, dtype=g.dtype)
    if geom.disjoint:
        for _, sl in geom.offsets:
            buf[sl] = g
    else:
        for _, sl in geom.offsets:
            buf[sl] += g
    return crop_array(buf, geom)


# ---- differentiable internal operators ------------------------------------------------------
def window_sum(x, geom, name='WindowSumBackward0'):
    """Sum of ``x`` over each window (a Tensor op; backward: :func:`window_scatter`)."""
    out = wrap(sum_windows(x._data, geom))
    return record(out, name, _window_sum_backward, (x,), ctx=geom)


def _window_sum_backward(node, grad):
    return window_scatter(grad, node.ctx)


def window_scatter(g, geom, name='WindowScatterBackward0', like=None):
    """Transpose of :func:`window_sum` (a Tensor op; backward: :func:`window_sum`).

    ``like``: the pooling's input, which PyTorch's pooling backward also takes (its gradient
    is zero); passing it gives the result a graph even when ``g`` has none, as in PyTorch.
    """
    out = wrap(scatter_windows(g._data, geom))
    return record(out, name, _window_scatter_backward, (g, like), ctx=geom)


def _window_scatter_backward(node, grad):
    return window_sum(grad, node.ctx), _zeros_for(node, 1, grad)


def _zeros_for(node, i, grad):
    """A zero gradient for input ``i`` of ``node`` (None when it needs none)."""
    if node.next[i] is None:
        return None
    shape, dtype = node.meta[i]
    return wrap(xp_of(grad._data).zeros(shape, dtype))


class PlaneIndex:
    """Flat indices into the planes (last ``len(inp)`` dims) of a tensor of ``full_shape``.

    ``idx`` holds in-plane flat indices, with shape ``lead + out`` (one set per plane) or
    ``out`` (shared by every plane); ``unique`` says no two entries of one plane are equal.
    """
    __slots__ = ('idx', 'full_shape', 'nsp', 'out', 'unique', '_flat')

    def __init__(self, idx, full_shape, nsp, unique):
        self.idx, self.full_shape, self.nsp, self.unique = idx, tuple(full_shape), nsp, unique
        self.out = tuple(idx.shape[idx.ndim - nsp:]) if nsp else ()
        self._flat = None

    @property
    def lead(self):
        return self.full_shape[:len(self.full_shape) - self.nsp]

    @classmethod
    def of_flat(cls, flat, full_shape, nsp, unique):
        """The PlaneIndex of global flat indices (shape ``lead + out``) already computed."""
        pidx = cls(flat, full_shape, nsp, unique)
        pidx._flat = flat.reshape(-1)
        return pidx

    def flat(self):
        """Global flat indices (1-D) into the whole tensor, in output order."""
        if self._flat is None:
            xp = xp_of(self.idx)
            nplanes = math.prod(self.lead)
            per = math.prod(self.out)
            plane = math.prod(self.full_shape[len(self.full_shape) - self.nsp:])
            base = xp.arange(nplanes, dtype=np.int64).reshape(nplanes, 1) * plane
            k = self.idx.reshape(1 if self.idx.ndim == self.nsp else nplanes, per)
            self._flat = (base + k).reshape(-1)
        return self._flat


def plane_gather(x, pidx, name='PlaneGatherBackward0'):
    """``x`` of shape ``pidx.full_shape`` read at the indices: shape ``lead + out``."""
    res = x._data.reshape(-1)[pidx.flat()].reshape(pidx.lead + pidx.out)
    return record(wrap(res), name, _plane_gather_backward, (x,), ctx=pidx)


def _plane_gather_backward(node, grad):
    return plane_scatter(grad, node.ctx)


def plane_scatter(src, pidx, name='PlaneScatterBackward0', assign=False, like=None):
    """Zeros of shape ``pidx.full_shape`` with ``src`` added (or written, ``assign=True``) at
    the indices; ``like`` as for :func:`window_scatter`."""
    return record(wrap(scatter_array(src._data, pidx, assign)), name, _plane_scatter_backward,
                  (src, like), ctx=pidx)


def scatter_array(arr, pidx, assign=False):
    xp = xp_of(arr)
    full = pidx.full_shape
    total = math.prod(full)
    flat = pidx.flat()
    if assign or pidx.unique:
        res = xp.zeros(total, dtype=arr.dtype)
        res[flat] = arr.reshape(-1)
    else:
        res = xp.bincount(flat, weights=arr.reshape(-1), minlength=total)
        if res.dtype != arr.dtype:
            res = res.astype(arr.dtype)
    return res.reshape(full)


def _plane_scatter_backward(node, grad):
    return plane_gather(grad, node.ctx), _zeros_for(node, 1, grad)


def separable(x, mats, name='SeparableBackward0', like=None):
    """Apply one matrix per trailing dim (``mats[i]`` of shape (out_i, in_i), or None for
    identity) to ``x``: a linear Tensor op whose backward uses the transposed matrices;
    ``like`` as for :func:`window_scatter`."""
    out = wrap(apply_mats(x._data, mats))
    return record(out, name, _separable_backward, (x, like), ctx=mats)


def _separable_backward(node, grad):
    return (separable(grad, tuple(None if m is None else m.T for m in node.ctx)),
            _zeros_for(node, 1, grad))


def apply_mats(x, mats):
    n = len(mats)
    xp = xp_of(x)
    dtype = x.dtype
    for i, m in enumerate(mats):
        if m is None:
            continue
        if m.dtype != x.dtype:
            m = m.astype(x.dtype)
        if xp is not np and m.__class__ is np.ndarray:
            m = xp.asarray(m)
        ax = x.ndim - n + i
        if ax == x.ndim - 1:
            x = x @ m.T
        else:
            moved = xp.moveaxis(x, ax, -1)
            x = xp.moveaxis(moved @ m.T, -1, ax)
    if x.dtype != dtype:    # NumPy's bfloat16 matmul gives float32: round once at the end
        x = x.astype(dtype)
    return xp.ascontiguousarray(x)


# ---- input checks shared by the pooling functionals ---------------------------------------
NAME = {2: '2D', 3: '3D'}


def rank_error(op, shape, n):
    return RuntimeError(
        f'non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input (in {op}: got '
        f'shape {list(shape)}; the input must be (C, *spatial) or (N, C, *spatial) with {n} '
        'spatial dims)')


def check_input(input, op, n, kind='pool'):
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
        raise rank_error(op, shape, n)
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


def check_1d(input, op):
    shape = input._data.shape if isinstance(input, Tensor) else None
    if shape is None or len(shape) not in (2, 3):
        got = len(shape) if shape is not None else type(input).__name__
        raise RuntimeError(f'Expected 2 to 3 dimensions, but got {got}-dimensional tensor for '
                           f"argument #1 'self' (while checking arguments for {op}) (the input "
                           'must be (C, L) or (N, C, L))')


def max_pool_backward(node, grad):
    pidx, name = node.ctx
    return plane_scatter(grad, pidx, name, like=input_if_graph(node))


def input_if_graph(node):
    """The op's input, for the zero-gradient edge PyTorch's pooling backwards have; only
    needed (and only looked up) when the backward itself is being recorded."""
    return node.saved()[0] if STATE.enabled else None
