"""histogram: counts (or summed weights, or a density) of values in bins given by a count
over a range or by explicit edges; returns ``torch.return_types.histogram(hist, bin_edges)``.
(``histc``, the older count-only form, lives in ``search``.)

>>> ember.histogram(ember.tensor([1., 2., 1.]), bins=2, range=(0., 2.)).hist
tensor([0., 3.])
"""
import math

from ._base import Tensor, wrap, np, xp_of
from ._elementwise import not_implemented_for, need_tensor, tname, write_out
from ._reduce_helpers import _structseq
from .creation import _linspace
from .._dtype import FLOATING

__all__ = ['histogram']

_RT_HISTOGRAM = _structseq('histogram', ('hist', 'bin_edges'))


def _edges(x, bins, range):
    """The bin edges (an array of ``x``'s dtype) for an int ``bins`` over ``range``."""
    if bins <= 0:
        raise RuntimeError(f'torch.histogram(): bins must be > 0, but got {bins} for dimension 0')
    if range is not None:
        lo, hi = float(range[0]), float(range[1])
    elif x.size:
        lo, hi = float(x.min()), float(x.max())
    else:
        lo, hi = 0.0, 1.0
    if lo > hi:
        raise RuntimeError(f'torch.histogramdd: min should not exceed max, but got min {_g(lo)} '
                           f'max {_g(hi)} for dimension 0')
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f'torch.histogramdd: dimension 0\'s range [{_g(lo)}, {_g(hi)}] is '
                           'not finite')
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    work = np.float32 if x.dtype.itemsize < 4 else x.dtype.type
    return xp_of(x).asarray(_linspace(lo, hi, bins + 1, work).astype(x.dtype))


def _g(v):
    return int(v) if math.isfinite(v) and v == int(v) else v


def histogram(input, bins, *, range=None, weight=None, density=False, out=None):
    """Histogram of the values of ``input``: ``bins`` equal-width bins over ``range`` (the
    data's min and max by default), or the edges in a 1-D tensor ``bins``. Bins are
    half-open ``[left, right)`` except the last, which includes its right edge; values
    outside are ignored. ``weight`` sums weights instead of counting; ``density=True``
    normalises to a probability density.

    >>> ember.histogram(ember.tensor([1., 2., 1.]), ember.tensor([0., 1.5, 3.]))
    torch.return_types.histogram(
    hist=tensor([2., 1.]),
    bin_edges=tensor([0.0000, 1.5000, 3.0000]))
    """
    need_tensor(input, 'histogram', 'input', 1)
    x = input._data
    if x.dtype not in FLOATING:
        raise not_implemented_for('histogramdd', x.dtype)
    xp = xp_of(x)
    if isinstance(bins, Tensor):
        edges = bins._data
        if edges.dtype != x.dtype:
            raise RuntimeError(f'torch.histogramdd: input tensor and bins tensors should have '
                               f'the same dtype, but got input with dtype {tname(x.dtype)} and '
                               f'bins for dimension 0 with dtype {tname(edges.dtype)}')
        if edges.ndim != 1 or edges.size < 1:
            raise RuntimeError('torch.histogramdd: bins tensor should have one dimension and at '
                               f'least 1 entry, but got {edges.ndim} dimensions and '
                               f'{edges.size} entries')
    else:
        edges = _edges(x, int(bins), range)
    flat = x.reshape(-1)
    w = None
    if weight is not None:
        w = weight._data
        if w.shape != x.shape:
            raise RuntimeError('torch.histogramdd: if weight tensor is provided it should have '
                               'the same shape as the input tensor excluding its innermost '
                               f'dimension, but got input with shape {list(x.shape) + [1]} and '
                               f'weight with shape {list(w.shape)}')
        if w.dtype != x.dtype:
            raise RuntimeError('torch.histogramdd: if weight tensor is provided, it should have '
                               'the same dtype as the input tensor')
        w = w.reshape(-1)
    n_bins = edges.size - 1
    inside = (flat >= edges[0]) & (flat <= edges[-1])
    pos = xp.searchsorted(edges, flat[inside], side='right') - 1
    pos = xp.minimum(pos, n_bins - 1)               # the last bin includes its right edge
    counts = xp.bincount(pos, weights=None if w is None else w[inside].astype(np.float64),
                         minlength=max(n_bins, 0))[:max(n_bins, 0)]
    hist = counts.astype(x.dtype)
    if density:
        with np.errstate(invalid='ignore', divide='ignore'):
            hist = (hist / (hist.sum() * xp.diff(edges))).astype(x.dtype)
    result = _RT_HISTOGRAM((wrap(hist), wrap(xp.array(edges, copy=True))))
    if out is not None:
        write_out(out[0], result[0], (), 'histogram')
        write_out(out[1], result[1], (), 'histogram')
        return _RT_HISTOGRAM(tuple(out))
    return result


METHODS = {'histogram': histogram}
