"""Finding positions and counting values: nonzero, argwhere, searchsorted, bucketize, histc
and bincount. None of them is differentiable.

>>> ember.tensor([0, 3, 0, 4]).nonzero().view(-1)
tensor([1, 3])
"""
import math

from ._base import Tensor, wrap, xp_of, np
from .arith import write_out, tname, record_not_implemented
from ._index_common import _I64D
from .._dtype import FLOATING

__all__ = ['nonzero', 'argwhere', 'searchsorted', 'bucketize', 'histc', 'bincount']


def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the nonzero elements: an (n, ndim) int64 tensor, or with ``as_tuple=True``
    one 1-D tensor per dim.

    >>> ember.nonzero(ember.tensor([0, 3, 0, 4]))
    tensor([[1],
            [3]])
    """
    x = input._data
    xp = xp_of(x)
    if as_tuple:
        if x.ndim == 0:
            return (wrap(xp.zeros(1 if bool(x) else 0, np.int64)),)
        return tuple(wrap(a.astype(np.int64, copy=False)) for a in xp.nonzero(x))
    res = wrap(xp.argwhere(x).astype(np.int64, copy=False))
    if out is not None:
        return write_out(out, res, (), 'nonzero')
    return res


def argwhere(input):
    """``nonzero(input)``: an (n, ndim) tensor of the indices of nonzero elements.

    >>> ember.argwhere(ember.tensor([[0, 1], [2, 0]]))
    tensor([[0, 1],
            [1, 0]])
    """
    return nonzero(input)


def _host(a):
    """``a`` as a NumPy array (these ops run on the host)."""
    return a if a.__class__ is np.ndarray else a.get()


def _to_device(res, like, out, op):
    """The host result ``res`` as a tensor on ``like``'s device (or written into ``out``)."""
    if like.__class__ is not np.ndarray:
        res = xp_of(like).asarray(res)
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (), op)
    return res


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None, out=None):
    """For each value of ``input``, the index where it would be inserted into the sorted
    last dim of ``sorted_sequence`` (``right=True`` / side='right': after equal values).

    >>> ember.searchsorted(ember.tensor([1, 3, 5]), ember.tensor([3, 6]))
    tensor([1, 3])
    """
    if side is not None:
        if side not in ('left', 'right'):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got "
                               f'{side}')
        if right and side == 'left':
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               'got side of left while right was True')
        right = side == 'right'
    seq = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    vals = np.asarray(input) if scalar else input._data
    if seq.ndim == 0:
        raise RuntimeError('torch.searchsorted(): boundaries tensor should have positive '
                           'dimension, but got 0 dimension')
    if scalar and seq.ndim != 1:
        raise RuntimeError(f"torch.searchsorted(): input value can be a scalar only when "
                           f"boundaries tensor dimension is 1, but we got boundaries tensor "
                           f"dim({seq.ndim}) and input value's dim(0) numel(1)")
    if seq.ndim > 1 and (vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(f'torch.searchsorted(): boundaries tensor should be 1 dimension or the '
                           f'first N-1 dimensions of boundaries tensor and input value tensor must '
                           f'match, but we got boundaries tensor {list(seq.shape)} and input value '
                           f'tensor {list(vals.shape)}')
    s = _host(seq)
    v = _host(vals)
    if sorter is not None:
        so = sorter._data
        if so.dtype != _I64D:
            raise RuntimeError(f'torch.searchsorted(): sorter must be a tensor of long dtype but '
                               f'got dtype {tname(so.dtype)}')
        if so.shape != seq.shape:
            raise RuntimeError('torch.searchsorted(): boundary and sorter must have the same size, '
                               f'but got boundary tensor {list(seq.shape)}and got sorter tensor '
                               f'{list(so.shape)}')
        so = _host(so)
        if so.size and (so.min() < 0 or so.max() >= s.shape[-1]):
            raise RuntimeError('torch.searchsorted(): sorter index out of range')
        s = np.take_along_axis(s, so, axis=-1)
    sd = 'right' if right else 'left'
    if s.ndim == 1:
        res = np.searchsorted(s, v, side=sd)
    else:
        rows_s = s.reshape(-1, s.shape[-1])
        rows_v = v.reshape(-1, v.shape[-1])
        res = np.empty(rows_v.shape, np.int64)
        for i in range(rows_s.shape[0]):
            res[i] = np.searchsorted(rows_s[i], rows_v[i], side=sd)
        res = res.reshape(v.shape)
    return _to_device(np.asarray(res, np.int32 if out_int32 else np.int64), seq, out,
                      'searchsorted')


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The index of the bucket of each value given the sorted 1-D ``boundaries``
    (``right=True``: a value equal to a boundary goes to the next bucket).

    >>> ember.bucketize(ember.tensor([1, 5, 9]), ember.tensor([2, 6]))
    tensor([0, 1, 2])
    """
    if boundaries._data.ndim != 1:
        raise RuntimeError(f'boundaries tensor must be 1 dimension, but got '
                           f'dim({boundaries._data.ndim})')
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


def histc(input, bins=100, min=0, max=0, *, out=None):
    """Histogram of the values with ``bins`` equal-width bins over [min, max] (the data's
    range when both are 0); values outside are ignored. Floating inputs only.

    >>> ember.histc(ember.tensor([1., 2., 1.]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    x = input._data
    if x.dtype not in FLOATING:
        from .arith import not_implemented_for
        raise not_implemented_for('histogram_cpu', x.dtype)
    if bins <= 0:
        raise RuntimeError(f'torch.histogram(): bins must be > 0, but got {bins} for dimension 0')
    h = _host(x).reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and h.size:
        lo, hi = float(h.min()), float(h.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError('torch.histc: max must be larger than min')
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f'torch.histc: range of [{_g(lo)}, {_g(hi)}] is not finite')
    dt = x.dtype.type
    with np.errstate(invalid='ignore'):
        keep = h[(h >= dt(lo)) & (h <= dt(hi))]
    pos = ((keep - dt(lo)) * dt(bins) / (dt(hi) - dt(lo))).astype(np.int64)
    pos[pos >= bins] = bins - 1
    return _to_device(np.bincount(pos, minlength=bins)[:bins].astype(x.dtype), x, out, 'histc')


def _g(v):
    """``v`` printed as PyTorch's message prints it (whole numbers without a '.0')."""
    return int(v) if math.isfinite(v) and v == int(v) else v


def bincount(input, weights=None, minlength=0):
    """Count of each value of a 1-D non-negative integer tensor (or the sum of ``weights``
    per value); the result has max(input) + 1 or ``minlength`` entries.

    >>> ember.bincount(ember.tensor([0, 1, 1, 3]))
    tensor([1, 2, 0, 1])
    """
    x = input._data
    if x.dtype.kind not in 'iu':
        from .arith import not_implemented_for
        raise not_implemented_for('bincount_cpu', x.dtype)
    if minlength < 0:
        raise RuntimeError('minlength should be >= 0')
    if x.ndim != 1 or (x.size and int(x.min()) < 0):
        raise RuntimeError('bincount only supports 1-d non-negative integral inputs.')
    xp = xp_of(x)
    if weights is None:
        return wrap(xp.bincount(x, minlength=minlength).astype(np.int64, copy=False))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != x.shape[0]:
        raise RuntimeError('weights should be 1-d and have the same length as input')
    dt = w.dtype if w.dtype in FLOATING and w.dtype.itemsize >= 4 else np.dtype(np.float64)
    res = wrap(xp.bincount(x, weights=w.astype(np.float64), minlength=minlength).astype(dt))
    return record_not_implemented(res, '_bincount', (weights,)) if weights._rg else res


METHODS = {'nonzero': nonzero, 'argwhere': argwhere, 'histc': histc, 'bincount': bincount}
