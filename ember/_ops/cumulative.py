"""Cumulative (scan) ops along one ``dim``: cumsum, cumprod, cummax, cummin. Their backward
formulas are scans too (a reverse cumsum; for cumprod also exact where the input has zeros).

>>> ember.tensor([1., 2., 3.]).cumsum(0)
tensor([1., 3., 6.])
"""
from ._base import wrap, record, STATE, np, xp_of
from ._elementwise import quiet
from .. import _dtype as D
from ._reduce_helpers import (_structseq, _VI, _dim1, _zero_index, _product, _write, _scatter,
                              _fill0, _const, _pair)
from .._dtype import FLOATING, BF16_NP

__all__ = ['cumsum', 'cumprod', 'cummax', 'cummin']

_RT_CUMMAX, _RT_CUMMIN = _structseq('cummax', _VI), _structseq('cummin', _VI)


def cumsum(input, dim, *, dtype=None, out=None):
    """Running sum along ``dim``. Integer and bool inputs give int64.

    >>> ember.cumsum(ember.tensor([1, 2, 3]), dim=0)
    tensor([1, 3, 6])
    """
    x = input._data
    axis = _dim1(x, dim, 'cumsum')
    dt = None if dtype is None else D.to_dtype(dtype).np
    if dt is None and x.dtype.kind in 'biu':
        dt = np.int64
    if x.ndim == 0:
        r = x.astype(dt or x.dtype, copy=True)
    elif dt is None and x.dtype is BF16_NP:         # PyTorch accumulates bfloat16 in float32
        r = xp_of(x).cumsum(x, axis=axis, dtype=np.float32).astype(x.dtype)
    else:
        r = quiet(xp_of(x).cumsum, x, axis, dt)
    res = wrap(r)
    if out is not None:
        return _write(out, res)
    if res._data.dtype not in FLOATING:
        return res
    return record(res, 'CumsumBackward0', _cumsum_backward, (input,), ctx=axis)


def _cumsum_backward(node, grad):
    if grad._data.ndim == 0:
        return grad
    return _rcumsum(grad, node.ctx)


def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along ``dim``; its gradient is exact also where the input has zeros.

    >>> ember.cumprod(ember.tensor([1., 2., 3.]), dim=0)
    tensor([1., 2., 6.])
    """
    axis = _dim1(input._data, dim, 'cumprod')
    input, r = _product(input, dtype, lambda a, acc: xp_of(a).cumprod(a, axis=axis, dtype=acc))
    res = wrap(r)
    if out is not None:
        return _write(out, res)
    if res._data.dtype not in FLOATING:
        return res
    return record(res, 'CumprodBackward0', _cumprod_backward, (input,), (input,), ctx=axis,
                  save_output=True)


def _cumprod_backward(node, grad):
    x, out = node.saved()
    axis = node.ctx
    xa = x._data
    if xa.ndim == 0 or xa.size == 0:
        return grad
    xp = xp_of(xa)
    zero = xa == 0
    if not zero.any():
        with np.errstate(all='ignore'):
            return _rcumsum(grad * out, axis) / x
    if STATE.enabled:
        return _cumprod_backward_graph(grad, x, axis)
    # Positions before a slice's first zero: the usual formula (the division is safe there).
    # At the first zero z: sum_{j>=z} g_j * prod_{i<=j, i!=z} x_i, i.e. the reverse cumsum of
    # g * cumprod(x with x_z := 1). Past the first zero the gradient is 0.
    first = zero & (xp.cumsum(zero, axis=axis) == 1)
    before = xp.cumsum(zero, axis=axis) == 0
    safe = x * _const(before.astype(xa.dtype)) + _const((~before).astype(xa.dtype))
    with np.errstate(all='ignore'):
        part1 = _fill0(_rcumsum(grad * out, axis) / safe, ~before)
    y = x * _const((~first).astype(xa.dtype)) + _const(first.astype(xa.dtype))
    part2 = _fill0(_rcumsum(grad * cumprod(y, axis), axis), ~first)
    return part1 + part2


def _cumprod_backward_graph(grad, x, axis):
    """O(n^2) cumprod gradient for inputs with zeros that stays differentiable in ``x``
    (used under create_graph): grad_k = prod_{i<k} x_i * sum_{j>=k} g_j prod_{k<i<=j} x_i."""
    xa = x._data
    xp = xp_of(xa)
    nd, n = xa.ndim, xa.shape[axis]
    perm = [i for i in range(nd) if i != axis] + [axis]
    back = [perm.index(i) for i in range(nd)]
    xt, gt = x.permute(perm), grad.permute(perm)
    before = cumprod(_shift(xt, nd - 1, False), -1)
    upper = xp.triu(xp.ones((n, n), bool), 1)            # [k, j]: j > k
    x2 = xt.unsqueeze(-2) * _const(upper.astype(xa.dtype)) + _const((~upper).astype(xa.dtype))
    after = cumprod(x2, -1)                               # prod_{k<i<=j} x_i
    ge = _const(xp.triu(xp.ones((n, n), xa.dtype), 0))   # j >= k
    return (before * (gt.unsqueeze(-2) * after * ge).sum(-1)).permute(back)


def cummax(input, dim, *, out=None):
    """Running maximum along ``dim`` and the index where it was reached (named tuple).

    >>> ember.cummax(ember.tensor([1, 3, 2, 5]), dim=0)
    torch.return_types.cummax(
    values=tensor([1, 3, 3, 5]),
    indices=tensor([0, 1, 1, 3]))
    """
    return _cumext(input, dim, out, 'cummax')


def cummin(input, dim, *, out=None):
    """Running minimum along ``dim`` and the index where it was reached (named tuple).

    >>> ember.cummin(ember.tensor([3, 1, 2, 0]), dim=0).indices
    tensor([0, 1, 1, 3])
    """
    return _cumext(input, dim, out, 'cummin')


def _cumext(input, dim, out, op):
    x = input._data
    axis = _dim1(x, dim, op)
    cls, name = ((_RT_CUMMAX, 'CummaxBackward0') if op == 'cummax' else
                 (_RT_CUMMIN, 'CumminBackward0'))
    if x.ndim == 0:
        vals, idx = x.copy(), _zero_index(x)
    else:
        xp = xp_of(x)
        vals = (xp.maximum if op == 'cummax' else xp.minimum).accumulate(x, axis=axis)
        # PyTorch moves the index on ties (>=) and on every NaN.
        hit = vals == x
        if x.dtype in FLOATING:
            hit |= xp.isnan(x)
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        pos = xp.arange(x.shape[axis], dtype=np.int64).reshape(shape)
        idx = xp.maximum.accumulate(xp.where(hit, pos, 0), axis=axis) if x.size else \
            xp.zeros(x.shape, np.int64)
    res = wrap(vals)
    if STATE.enabled and input._rg and x.dtype in FLOATING:
        record(res, name, _cumext_backward, (input,), ctx=(idx, axis))
    return _pair(cls, res, idx, out, op)


def _cumext_backward(node, grad):
    idx, axis = node.ctx
    if grad._data.ndim == 0:
        return grad
    return _scatter(grad, idx, axis, node.meta[0][0], accumulate=True)


# ---- differentiable scan helpers (also used by prod's backward) ----------------------
def _flip(t, axis):
    x = t._data
    out = xp_of(x).ascontiguousarray(xp_of(x).flip(x, axis))
    return record(wrap(out), 'FlipBackward0', _flip_backward, (t,), ctx=axis)


def _flip_backward(node, grad):
    return _flip(grad, node.ctx)


def _shift(t, axis, reverse, fill=1):
    """Shift by one along ``axis`` (forward: ``[fill, x0, .., x(n-2)]``; reverse:
    ``[x1, .., x(n-1), fill]``); the backward shifts the other way, filling 0."""
    x = t._data
    out = xp_of(x).empty_like(x)
    lead = (slice(None),) * axis
    if reverse:
        out[lead + (slice(0, -1),)] = x[lead + (slice(1, None),)]
        out[lead + (-1,)] = fill
    else:
        out[lead + (slice(1, None),)] = x[lead + (slice(0, -1),)]
        out[lead + (0,)] = fill
    return record(wrap(out), 'CatBackward0', _shift_backward, (t,), ctx=(axis, reverse))


def _shift_backward(node, grad):
    axis, reverse = node.ctx
    return _shift(grad, axis, not reverse, 0)


def _rcumsum(t, axis):
    """Reverse cumulative sum (``flip(cumsum(flip(t)))``), the backward of cumsum."""
    return _flip(cumsum(_flip(t, axis), axis), axis)


def _exclusive_prod(x, axis):
    """Product of all other elements along ``axis`` (exact with zeros, differentiable)."""
    before = cumprod(_shift(x, axis, False), axis)
    after = _flip(cumprod(_flip(_shift(x, axis, True), axis), axis), axis)
    return before * after


METHODS = {name: globals()[name] for name in __all__}
