"""PyTorch's CPU summation order for a full reduction, so float sums match its bits.

PyTorch adds a contiguous float tensor of n elements (n < 32768, one thread) like this
(aten/src/ATen/native/cpu/SumKernel.cpp, checked bit for bit against torch 2.13):
- n < W (W = 8 floats or 4 doubles, one AVX2 vector): a scalar "row sum" with 4
  interleaved accumulators: x0..x3 start them, the rest is added to the first, then
  ``((a0 + a1) + a2) + a3``.
- otherwise the n // W whole vectors get the same row sum lane-wise, where the 4
  accumulators take vectors 4i..4i+3 and are summed in blocks of 16 rows that cascade
  through up to 4 levels; the last n % W elements are added one by one to 0, then the W
  lanes are added one by one.
Larger tensors are split between threads by PyTorch, so their last bits depend on the
thread count; there ember keeps NumPy's pairwise sum.

>>> from ember._ops._cascade import cascade_sum
>>> float(cascade_sum(np.array([0.1, 0.2, 0.3, 0.4, 0.5], dtype=np.float32)))
1.5
"""
import numpy as np

THREAD_SPLIT = 32768          # at::internal::GRAIN_SIZE: above it PyTorch splits the sum
_LEVELS = 4


def _sequential(rows, start):
    """``start + rows[0] + rows[1] + ...`` strictly left to right, in the rows' dtype."""
    if not len(rows):
        return start
    return np.add.accumulate(np.concatenate([start[None], rows]), axis=0)[-1]


def _multi_row_sum(rows):
    """PyTorch's multi_row_sum: rows (size, 4, W) -> the 4 accumulators (4, W)."""
    size = rows.shape[0]
    zero = np.zeros(rows.shape[1:], rows.dtype)
    power = max(4, (int(size - 1).bit_length() if size > 1 else 0) // _LEVELS)
    step = 1 << power
    full = size // step
    # each full block of `step` rows is summed from zero, then pushed up the levels
    blocks = np.add.accumulate(rows[:full * step].reshape((full, step) + rows.shape[1:]),
                               axis=1)[:, -1] if full else rows[:0]
    levels = [zero] * _LEVELS
    carry = blocks
    for level in range(1, _LEVELS):
        if level == _LEVELS - 1:
            levels[level] = _sequential(carry, zero)
            break
        groups = len(carry) // step
        done = (np.add.accumulate(carry[:groups * step].reshape((groups, step) + zero.shape),
                                  axis=1)[:, -1] if groups else carry[:0])
        levels[level] = _sequential(carry[groups * step:], zero)
        carry = done
    acc = _sequential(rows[full * step:], zero)
    for level in range(1, _LEVELS):
        acc = acc + levels[level]
    return acc


def _row_sum(vals):
    """PyTorch's row_sum with 4 interleaved accumulators: vals (size, W) -> (W,)."""
    size = vals.shape[0]
    n4 = size // 4
    if n4:
        acc = _multi_row_sum(vals[:n4 * 4].reshape((n4, 4) + vals.shape[1:]))
    else:
        acc = np.zeros((4,) + vals.shape[1:], vals.dtype)
    first = _sequential(vals[n4 * 4:], acc[0])
    return ((first + acc[1]) + acc[2]) + acc[3]


# below one vector, the 4-accumulator row sum equals a left-to-right sum in this order:
# ((x0 + x4 + x5 + ...) + x1) + x2) + x3
_SMALL_ORDER = [np.array([0] + list(range(4, n)) + [i for i in (1, 2, 3) if i < n], np.intp)
                for n in range(8)]


def cascade_sum(x):
    """The sum of a 1-d float array in PyTorch's order (a 0-d array of x's dtype)."""
    width = 32 // x.itemsize
    n = x.size
    if n < width:
        if n == 0:
            return np.zeros((), x.dtype)
        return np.add.accumulate(x[_SMALL_ORDER[n]])[-1]
    whole = n // width
    lanes = _row_sum(x[:whole * width].reshape(whole, width))
    total = _sequential(x[whole * width:], np.zeros((), x.dtype))
    return _sequential(lanes, total)
