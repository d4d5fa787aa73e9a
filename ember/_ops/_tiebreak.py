"""PyTorch's CPU tie-breaking, for the sorting ops.

Where PyTorch's CPU kernels use an unstable algorithm (std::sort, std::nth_element,
std::partial_sort, its own quickselect), which of several equal elements ends up first is
decided by that algorithm. To print the same indices as PyTorch, slices that contain ties are
re-ordered by a faithful re-implementation of the algorithm (libstdc++'s introsort /
introselect / heap select); slices without ties take the fast NumPy path, which gives the same
answer there. Above ``_EMULATE_MAX`` elements ember keeps NumPy's stable order instead.

The algorithms work in place on a list of ``(key, index)`` pairs (see ``_keyed``) with a
less-than ``comp`` on keys, exactly as libstdc++ does on iterators.
"""
from ._base import np
from .._dtype import FLOATING

_EMULATE_MAX = 20000


def _lt(a, b):
    return a < b


def _asc(a, b):                      # PyTorch's KeyValueCompAsc: NaN sorts last
    return (a < b) or (b != b and a == a)


def _desc(a, b):                     # KeyValueCompDesc: NaN sorts first
    return (a > b) or (a != a and b == b)


def _unguarded_linear_insert(v, last, comp):
    val = v[last]
    nxt = last - 1
    while comp(val[0], v[nxt][0]):
        v[last] = v[nxt]
        last = nxt
        nxt -= 1
    v[last] = val


def _insertion_sort(v, first, last, comp):
    if first == last:
        return
    for i in range(first + 1, last):
        if comp(v[i][0], v[first][0]):
            val = v[i]
            v[first + 1:i + 1] = v[first:i]
            v[first] = val
        else:
            _unguarded_linear_insert(v, i, comp)


def _move_median_to_first(v, result, a, b, c, comp):
    ka, kb, kc = v[a][0], v[b][0], v[c][0]
    if comp(ka, kb):
        if comp(kb, kc):
            m = b
        elif comp(ka, kc):
            m = c
        else:
            m = a
    elif comp(ka, kc):
        m = a
    elif comp(kb, kc):
        m = c
    else:
        m = b
    v[result], v[m] = v[m], v[result]


def _unguarded_partition(v, first, last, pivot, comp):
    pk = v[pivot][0]
    while True:
        while comp(v[first][0], pk):
            first += 1
        last -= 1
        while comp(pk, v[last][0]):
            last -= 1
        if not first < last:
            return first
        v[first], v[last] = v[last], v[first]
        first += 1


def _partition_pivot(v, first, last, comp):
    mid = first + (last - first) // 2
    _move_median_to_first(v, first, first + 1, mid, last - 1, comp)
    return _unguarded_partition(v, first + 1, last, first, comp)


def _adjust_heap(v, first, hole, length, value, comp):
    top = hole
    second = hole
    while second < (length - 1) // 2:
        second = 2 * (second + 1)
        if comp(v[first + second][0], v[first + second - 1][0]):
            second -= 1
        v[first + hole] = v[first + second]
        hole = second
    if (length & 1) == 0 and second == (length - 2) // 2:
        second = 2 * (second + 1)
        v[first + hole] = v[first + second - 1]
        hole = second - 1
    parent = (hole - 1) // 2
    while hole > top and comp(v[first + parent][0], value[0]):
        v[first + hole] = v[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    v[first + hole] = value


def _heap_select(v, first, middle, last, comp):
    length = middle - first
    if length >= 2:
        parent = (length - 2) // 2
        while True:
            _adjust_heap(v, first, parent, length, v[first + parent], comp)
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if comp(v[i][0], v[first][0]):
            value = v[i]
            v[i] = v[first]
            _adjust_heap(v, first, 0, length, value, comp)


def _sort_heap(v, first, last, comp):
    while last - first > 1:
        last -= 1
        value = v[last]
        v[last] = v[first]
        _adjust_heap(v, first, 0, last - first, value, comp)


def _stl_sort(v, first, last, comp):
    """std::sort (libstdc++ introsort) on ``v[first:last]``, a list of (key, index)."""
    if last - first < 2:
        return
    _introsort_loop(v, first, last, 2 * ((last - first).bit_length() - 1), comp)
    if last - first > 16:
        _insertion_sort(v, first, first + 16, comp)
        for i in range(first + 16, last):
            _unguarded_linear_insert(v, i, comp)
    else:
        _insertion_sort(v, first, last, comp)


def _introsort_loop(v, first, last, depth, comp):
    while last - first > 16:
        if depth == 0:
            _heap_select(v, first, last, last, comp)
            _sort_heap(v, first, last, comp)
            return
        depth -= 1
        cut = _partition_pivot(v, first, last, comp)
        _introsort_loop(v, cut, last, depth, comp)
        last = cut


def _nth_element(v, first, nth, last, comp):
    """std::nth_element (libstdc++ introselect)."""
    if first == last or nth == last:
        return
    depth = 2 * ((last - first).bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(v, first, nth + 1, last, comp)
            v[first], v[nth] = v[nth], v[first]
            return
        depth -= 1
        cut = _partition_pivot(v, first, last, comp)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(v, first, last, comp)


def _gt_or_nan(a, b):
    return (a > b) or (a != a and b == b)


def _quickselect_index(vals, k):
    """PyTorch's quick_select_template (kthvalue): the index that lands at position k."""
    arr = list(vals)
    idx = list(range(len(arr)))
    gt = _gt_or_nan

    def swap(a, b):
        arr[a], arr[b] = arr[b], arr[a]
        idx[a], idx[b] = idx[b], idx[a]
    lo, hi = 0, len(arr) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(arr[lo], arr[hi]):
                swap(lo, hi)
            break
        mid = lo + (hi - lo) // 2
        swap(mid, lo + 1)
        if gt(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if gt(arr[lo], arr[hi]):
            swap(lo, hi)
        if gt(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j, piv = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while gt(piv, arr[i]):
                i += 1
            j -= 1
            while gt(arr[j], piv):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return idx[k]


def _keyed(row):
    """A row (1-d host array) as the ``(key, index)`` list the algorithms above reorder."""
    return list(zip(row.tolist(), range(len(row))))


def _stl_sort_order(row, comp):
    """The indices of ``row`` in the order std::sort with ``comp`` leaves them."""
    v = _keyed(row)
    _stl_sort(v, 0, len(v), comp)
    return [i for _, i in v]


def _has_ties(rows):
    """Per row of a 2-d array: whether two elements are equal (NaNs count as equal)."""
    if rows.shape[1] < 2:
        return np.zeros(rows.shape[0], bool)
    s = np.sort(rows, axis=1)
    eq = s[:, 1:] == s[:, :-1]
    if rows.dtype in FLOATING:
        eq |= np.isnan(s[:, 1:]) & np.isnan(s[:, :-1])
    return eq.any(axis=1)
