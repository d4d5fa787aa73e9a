"""Sorting and selection along a dim: sort, argsort, msort, topk, kthvalue, median, nanmedian,
mode, and unique / unique_consecutive. Values and indices come as PyTorch's named tuples,
with the same index as PyTorch's CPU kernels among equal elements (see ``_tiebreak``).

>>> ember.tensor([[3., 1., 2.]]).sort(dim=1).indices
tensor([[1, 2, 0]])
"""
from ._base import wrap, record, STATE, np, xp_of, default_float
from ._reduce_helpers import (_structseq, _VI, _dim1, _write, _check_nonempty, _take_pair,
                              _scalar_pair, _evenly_backward)
from ._tiebreak import (_EMULATE_MAX, _lt, _asc, _desc, _stl_sort, _nth_element, _heap_select,
                        _sort_heap, _quickselect_index, _keyed, _stl_sort_order, _has_ties)
from .._dtype import FLOATING

__all__ = ['sort', 'argsort', 'msort', 'topk', 'kthvalue', 'median', 'nanmedian', 'mode',
           'unique', 'unique_consecutive']

_RT_SORT, _RT_TOPK = _structseq('sort', _VI), _structseq('topk', _VI)
_RT_MEDIAN, _RT_NANMEDIAN = _structseq('median', _VI), _structseq('nanmedian', _VI)
_RT_MODE, _RT_KTH = _structseq('mode', _VI), _structseq('kthvalue', _VI)


# ---- rows: the sorted dim moved last, on the host -------------------------------------------
def _host(x):
    """A NumPy view of a backend array (copied from the GPU when needed)."""
    return x if x.__class__ is np.ndarray else x.get()


def _rows(x, axis):
    """``x`` with ``axis`` moved last and flattened to rows (host array)."""
    xm = np.moveaxis(_host(x), axis, -1)
    return xm.reshape(-1, xm.shape[-1]) if xm.size else xm.reshape(-1, xm.shape[-1] if
                                                                     xm.ndim else 1)


def _from_rows(rows, shape, axis):
    """Inverse of :func:`_rows` for a result with ``shape`` (``axis`` in its place)."""
    moved = list(shape)
    n = moved.pop(axis)
    moved.append(n)
    return np.moveaxis(rows.reshape(moved), -1, axis)


def _stable_order(rows, descending):
    """Stable argsort of each row (NaN last ascending, first descending)."""
    if not descending:
        return np.argsort(rows, axis=1, kind='stable')
    n = rows.shape[1]
    return (n - 1 - np.argsort(rows[:, ::-1], axis=1, kind='stable'))[:, ::-1]


# ---- sort / argsort / msort / topk --------------------------------------------------------------
def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """Sorted values and their original indices along ``dim`` (named tuple). ``stable=True``
    keeps equal elements in their original order; NaN sorts as the largest value.

    >>> ember.sort(ember.tensor([3, 1, 2]))
    torch.return_types.sort(
    values=tensor([1, 2, 3]),
    indices=tensor([1, 2, 0]))
    """
    x = input._data
    axis = _dim1(x, dim, 'sort')
    name = 'SortBackward1' if stable else 'SortBackward0'
    if x.ndim == 0:
        return _scalar_pair(_RT_SORT, input, name, out, 'sort')
    idx = xp_of(x).asarray(_sort_indices(x, axis, descending, bool(stable)))
    return _take_pair(_RT_SORT, input, idx, axis, True, name, out, 'sort')


def _sort_indices(x, axis, descending, stable):
    if x.ndim == 0:
        return np.zeros((), np.int64)
    rows = _rows(x, axis)
    order = _stable_order(rows, descending)
    n = rows.shape[1]
    if not stable and n > 16 and rows.size <= _EMULATE_MAX:
        comp = _desc if descending else _asc
        for r in np.nonzero(_has_ties(rows))[0]:
            order[r] = _stl_sort_order(rows[r], comp)
    return _from_rows(order.astype(np.int64, copy=False), x.shape, axis)


def argsort(input, dim=-1, descending=False, stable=False):
    """Indices that sort ``input`` along ``dim`` (``sort(...).indices``).

    >>> ember.argsort(ember.tensor([3, 1, 2]))
    tensor([1, 2, 0])
    """
    x = input._data
    axis = _dim1(x, dim, 'argsort')
    return wrap(xp_of(x).asarray(_sort_indices(x, axis, descending, bool(stable))))


def msort(input):
    """``sort(input, dim=0).values``.

    >>> ember.msort(ember.tensor([[2, 1], [1, 3]]))
    tensor([[1, 1],
            [2, 3]])
    """
    return sort(input, 0)[0]


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices (named tuple).

    >>> ember.topk(ember.tensor([1., 5., 3.]), 2)
    torch.return_types.topk(
    values=tensor([5., 3.]),
    indices=tensor([1, 2]))
    """
    x = input._data
    axis = _dim1(x, dim, 'topk')
    if x.dtype.kind == 'b':
        raise RuntimeError('topk does not support bool dtypes on CPU (use .int() first)')
    n = x.shape[axis] if x.ndim else 1
    k = int(k)
    if not 0 <= k <= n:
        raise RuntimeError(f'selected index k out of range (k={k}, size of dim {axis} is {n})')
    if x.ndim == 0:
        return _scalar_pair(_RT_TOPK, input, 'TopkBackward0', out, 'topk')
    rows = _rows(x, axis)
    order = _stable_order(rows, largest)[:, :k].copy()
    if k and rows.size <= _EMULATE_MAX:
        comp = _desc if largest else _asc
        partial = k * 64 <= n
        todo = np.nonzero(_has_ties(rows) | (not partial and not sorted))[0]
        for r in todo:
            v = _keyed(rows[r])
            if partial:
                _heap_select(v, 0, k, n, comp)
                _sort_heap(v, 0, k, comp)
            else:
                _nth_element(v, 0, k - 1, n, comp)
                if sorted:
                    _stl_sort(v, 0, k - 1, comp)
            order[r] = [i for _, i in v[:k]]
    shape = list(x.shape)
    shape[axis] = k
    idx = xp_of(x).asarray(_from_rows(order.astype(np.int64, copy=False), shape, axis))
    return _take_pair(_RT_TOPK, input, idx, axis, True, 'TopkBackward0', out, 'topk')


# ---- median / nanmedian / mode / kthvalue -----------------------------------------------------
def median(input, dim=None, keepdim=False, *, out=None):
    """Lower median of all elements (0-d tensor), or named tuple ``(values, indices)`` along
    ``dim``. NaN propagates (see ``nanmedian``).

    >>> ember.median(ember.tensor([1., 4., 2., 3.]))
    tensor(2.)
    """
    return _median(input, dim, keepdim, out, 'median')


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """Like ``median`` but ignoring NaN values.

    >>> ember.nanmedian(ember.tensor([1., float('nan'), 3., 2.]))
    tensor(2.)
    """
    return _median(input, dim, keepdim, out, 'nanmedian')


def _median(input, dim, keepdim, out, op):
    x = input._data
    if x.dtype.kind == 'b':
        raise NotImplementedError(f'"{op}_cpu" not implemented for \'Bool\'')
    isf = x.dtype in FLOATING
    if dim is None:
        flat = _host(x).reshape(-1)
        if isf and op == 'nanmedian':
            flat = flat[~np.isnan(flat)]
        if flat.size == 0:
            r = np.asarray(np.nan, x.dtype if isf else default_float())
        elif isf and op == 'median' and np.isnan(flat).any():
            r = np.asarray(np.nan, x.dtype)
        else:
            k = (flat.size - 1) // 2
            r = np.partition(flat, k)[k]
        res = wrap(xp_of(x).asarray(r, dtype=x.dtype if isf or flat.size else r.dtype))
        if out is not None:
            return _write(out, res)
        return record(res, 'MedianBackward0' if op == 'median' else 'NanmedianBackward0',
                      _evenly_backward, (input,), (input,), save_output=True)
    axis = _dim1(x, dim, op)
    cls = _RT_MEDIAN if op == 'median' else _RT_NANMEDIAN
    name = 'MedianBackward1' if op == 'median' else 'NanmedianBackward1'
    if x.ndim == 0:
        return _scalar_pair(cls, input, name, out, op)
    _check_nonempty(x, (axis,), op)
    rows = _rows(x, axis)
    n = rows.shape[1]
    order = np.argsort(rows, axis=1, kind='stable')    # NaN last
    if isf:
        nan = np.isnan(rows)
        cnt = nan.sum(axis=1)
        if op == 'median':
            k = np.full(rows.shape[0], (n - 1) // 2)
            pick = np.take_along_axis(order, k[:, None], 1)[:, 0]
            pick = np.where(cnt > 0, np.argmax(nan, axis=1), pick)
        else:
            m = n - cnt
            k = np.where(m > 0, (m - 1) // 2, 0)
            pick = np.take_along_axis(order, k[:, None], 1)[:, 0]
            if (m == 0).any():          # all NaN: where std::nth_element leaves index 0
                pick = np.where(m == 0, _all_nan_index(n), pick)
    else:
        pick = order[:, (n - 1) // 2]
    return _pick_result(input, x, pick, axis, keepdim, name, cls, out, op)


def _all_nan_index(n):
    v = [(0, i) for i in range(n)]
    _nth_element(v, 0, 0, n, lambda a, b: False)
    return v[0][1]


def _pick_result(input, x, pick, axis, keepdim, name, cls, out, op):
    """The named tuple for one picked index per row of :func:`_rows`."""
    shape = list(x.shape)
    shape[axis] = 1
    idx = xp_of(x).asarray(_from_rows(pick.astype(np.int64)[:, None], shape, axis))
    return _take_pair(cls, input, idx, axis, keepdim, name, out, op)


def mode(input, dim=-1, keepdim=False, *, out=None):
    """Most frequent value along ``dim`` (the smallest among equally frequent ones) and an
    index where it occurs (named tuple).

    >>> ember.mode(ember.tensor([1, 2, 2, 3]))
    torch.return_types.mode(
    values=tensor(2),
    indices=tensor(2))
    """
    x = input._data
    axis = _dim1(x, dim, 'mode')
    if x.ndim == 0:
        return _scalar_pair(_RT_MODE, input, 'ModeBackward0', out, 'mode')
    _check_nonempty(x, (axis,), 'mode')
    rows = _rows(x, axis)
    n = rows.shape[1]
    picks = np.zeros(rows.shape[0], np.int64)
    isf = x.dtype in FLOATING
    for r in range(rows.shape[0]):
        row = rows[r]
        has_nan = isf and np.isnan(row).any()
        if has_nan or n > 16:
            if not has_nan and not _has_ties(row[None])[0]:
                order = np.argsort(row, kind='stable')
            else:
                order = np.array(_stl_sort_order(row, _lt), np.int64)
        else:
            order = np.argsort(row, kind='stable')
        s = row[order]
        ends = np.nonzero(np.append(s[1:] != s[:-1], True))[0]
        counts = np.diff(np.append(-1, ends))
        picks[r] = order[ends[int(np.argmax(counts))]]
    return _pick_result(input, x, picks, axis, keepdim, 'ModeBackward0', _RT_MODE, out, 'mode')


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The ``k``-th smallest element along ``dim`` (1-based) and its index (named tuple).

    >>> ember.kthvalue(ember.tensor([3., 1., 2.]), 2)
    torch.return_types.kthvalue(
    values=tensor(2.),
    indices=tensor(2))
    """
    x = input._data
    if x.dtype.kind == 'b':
        raise NotImplementedError('"kthvalue_cpu" not implemented for \'Bool\'')
    axis = _dim1(x, dim, 'kthvalue')
    n = x.shape[axis] if x.ndim else 1
    k = int(k)
    if not 1 <= k <= n:
        raise RuntimeError(f'kthvalue(): selected number k out of range for dimension {axis} '
                           f'(k={k}, size {n})')
    if x.ndim == 0:
        return _scalar_pair(_RT_KTH, input, 'KthvalueBackward0', out, 'kthvalue')
    rows = _rows(x, axis)
    kv = np.partition(rows, k - 1, axis=1)[:, k - 1:k]
    eq = rows == kv
    if x.dtype in FLOATING:
        eq |= np.isnan(rows) & np.isnan(kv)
    pick = np.argmax(eq, axis=1)
    for r in np.nonzero(eq.sum(axis=1) > 1)[0]:
        pick[r] = _quickselect_index(rows[r].tolist(), k - 1)
    return _pick_result(input, x, pick, axis, keepdim, 'KthvalueBackward0', _RT_KTH, out,
                        'kthvalue')


# ---- unique / unique_consecutive ----------------------------------------------------------------
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Sorted unique elements (of the flattened input, or unique slices along ``dim``), with
    optional inverse indices and counts. NaNs are all distinct, as in PyTorch.

    >>> ember.unique(ember.tensor([3, 1, 3, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    x = input._data
    xp = xp_of(x)
    a = _host(x)
    if dim is None:
        flat = a.reshape(-1)
        vals, inv, cnt = np.unique(flat, return_inverse=True, return_counts=True,
                                   equal_nan=False)
        inv = inv.reshape(a.shape)
        name, what = 'Unique2Backward0', '_unique2'
    else:
        axis = _unique_axis(x, dim, 'unique')
        if a.shape[axis] == 0:
            vals, inv, cnt = a, np.zeros(0, np.int64), np.zeros(0, np.int64)
        else:
            vals, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
            inv = inv.reshape(-1)
        name, what = 'UniqueDimBackward0', 'unique_dim'
    return _unique_result(input, xp, vals, inv, cnt, return_inverse, return_counts, name, what)


def _unique_axis(x, dim, op):
    """``dim`` of unique / unique_consecutive, wrapped; a 0-d input has no dim to take."""
    axis = _dim1(x, dim, op)
    if x.ndim == 0:
        raise IndexError('Dimension out of range (expected to be in range of [-1, 0], but '
                         f'got {dim})')
    return axis


def _unique_result(input, xp, vals, inv, cnt, return_inverse, return_counts, name, what):
    out = wrap(xp.asarray(vals))
    if STATE.enabled and input._rg:
        record(out, name, _no_derivative, (input,), ctx=what)
    if not return_inverse and not return_counts:
        return out
    res = [out]
    if return_inverse:
        res.append(wrap(xp.asarray(inv, dtype=np.int64)))
    if return_counts:
        res.append(wrap(xp.asarray(cnt, dtype=np.int64)))
    return tuple(res)


def _no_derivative(node, grad):
    raise NotImplementedError(f"the derivative for '{node.ctx}' is not implemented.")


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive elements (or slices along ``dim``) to one.

    >>> ember.unique_consecutive(ember.tensor([1, 1, 2, 2, 1]))
    tensor([1, 2, 1])
    """
    x = input._data
    xp = xp_of(x)
    a = _host(x)
    if dim is None:
        flat = a.reshape(-1)
        new = np.ones(flat.shape, bool)
        new[1:] = flat[1:] != flat[:-1]
        vals = flat[new]
        inv = (np.cumsum(new) - 1).reshape(a.shape)
    else:
        axis = _unique_axis(x, dim, 'unique_consecutive')
        m = np.moveaxis(a, axis, 0).reshape(a.shape[axis], -1)
        new = np.ones(a.shape[axis], bool)
        new[1:] = (m[1:] != m[:-1]).any(axis=1) if m.shape[1] else False
        vals = np.compress(new, a, axis=axis)
        inv = np.cumsum(new) - 1
    starts = np.nonzero(new)[0]
    cnt = np.diff(np.append(starts, new.size))
    return _unique_result(input, xp, vals, inv, cnt, return_inverse, return_counts,
                          'UniqueConsecutiveBackward0', 'unique_consecutive')


METHODS = {name: globals()[name] for name in __all__}
