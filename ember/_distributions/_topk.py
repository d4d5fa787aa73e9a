"""topk with PyTorch's tie order, for multinomial without replacement: libstdc++'s
nth_element / sort / partial_sort replayed on Python lists."""

import numpy as np


def _topk_rows(r, k):
    """Indices of the k largest values of each row, largest first, as PyTorch's CPU topk
    orders them. Rows without ties among the values that decide the result take a NumPy
    sort; rows with ties (zero probabilities, mostly) replay PyTorch's std:: algorithms."""
    order = np.argsort(-r, axis=1, kind='stable')
    idx = order[:, :k].copy()
    for i in range(r.shape[0]):
        v = r[i, order[i, :k + 1]]
        if (v[1:] == v[:-1]).any():
            idx[i] = _std_topk(r[i].tolist(), k)
    return idx


def _std_topk(values, k):
    """ATen's topk_impl_loop (largest=True, sorted=True) on one row of Python floats."""
    q = [(v, j) for j, v in enumerate(values)]
    if k * 64 <= len(q):
        _heap_select(q, 0, k, len(q))
        _sort_heap(q, 0, k)
    else:
        _nth_element(q, k - 1)
        _std_sort(q, 0, k - 1)
    return [j for _, j in q[:k]]


def _gt(x, y):
    """The comparator: NaN first, then larger values first."""
    a, b = x[0], y[0]
    return (a != a and b == b) or a > b


def _lg(n):
    return n.bit_length() - 1


def _nth_element(a, nth):
    first, last = 0, len(a)
    if first == last or nth == last:
        return
    depth = _lg(last - first) * 2
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last)


def _std_sort(a, first, last):
    if first != last:
        _introsort_loop(a, first, last, _lg(last - first) * 2)
        if last - first > 16:
            _insertion_sort(a, first, first + 16)
            for i in range(first + 16, last):
                _linear_insert(a, i)
        else:
            _insertion_sort(a, first, last)


def _introsort_loop(a, first, last, depth):
    while last - first > 16:
        if depth == 0:
            _heap_select(a, first, last, last)
            _sort_heap(a, first, last)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        _introsort_loop(a, cut, last, depth)
        last = cut


def _partition_pivot(a, first, last):
    mid = first + (last - first) // 2
    x, y, z = first + 1, mid, last - 1          # move the median of three to `first`
    if _gt(a[x], a[y]):
        m = y if _gt(a[y], a[z]) else (z if _gt(a[x], a[z]) else x)
    else:
        m = x if _gt(a[x], a[z]) else (z if _gt(a[y], a[z]) else y)
    a[first], a[m] = a[m], a[first]
    pivot = a[first]
    lo, hi = first + 1, last
    while True:
        while _gt(a[lo], pivot):
            lo += 1
        hi -= 1
        while _gt(pivot, a[hi]):
            hi -= 1
        if not lo < hi:
            return lo
        a[lo], a[hi] = a[hi], a[lo]
        lo += 1


def _insertion_sort(a, first, last):
    if first == last:
        return
    for i in range(first + 1, last):
        if _gt(a[i], a[first]):
            val = a[i]
            a[first + 1:i + 1] = a[first:i]
            a[first] = val
        else:
            _linear_insert(a, i)


def _linear_insert(a, last):
    val = a[last]
    nxt = last - 1
    while _gt(val, a[nxt]):
        a[last] = a[nxt]
        last = nxt
        nxt -= 1
    a[last] = val


def _adjust_heap(a, first, hole, length, value):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if _gt(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if length & 1 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and _gt(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value


def _heap_select(a, first, middle, last):
    length = middle - first
    if length >= 2:
        parent = (length - 2) // 2
        while True:
            _adjust_heap(a, first, parent, length, a[first + parent])
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if _gt(a[i], a[first]):
            value = a[i]
            a[i] = a[first]
            _adjust_heap(a, first, 0, length, value)


def _sort_heap(a, first, last):
    while last - first > 1:
        last -= 1
        value = a[last]
        a[last] = a[first]
        _adjust_heap(a, first, 0, last - first, value)
