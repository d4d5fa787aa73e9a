"""``F.embedding_bag``: sums, means or maxima of bags of embedding rows (EmbeddingBackward0's
pooled sibling, EmbeddingBagBackward0).

Bags are given either by a 2-D ``input`` (one bag per row) or by a 1-D ``input`` and the start
``offsets`` of each bag. Entries equal to ``padding_idx`` are left out of their bag (a mean
divides by the number of entries kept); an empty bag gives zeros. The forward pass reduces the
looked-up rows bag by bag in one backend call; the backward pass is written with ember's own
differentiable ops (row lookup, ``scatter_add``, ``index_add``), so it has gradients itself.

>>> w = ember.tensor([[1., 2.], [3., 4.], [5., 6.]])
>>> ember.nn.functional.embedding_bag(ember.tensor([0, 2, 1]), w, ember.tensor([0, 2]))
tensor([[3., 4.],
        [3., 4.]])
"""
from ._base import Tensor, wrap, record, xp_of, np
from ._elementwise import not_a_tensor
from .index_ops import index_add, index_select
from .gather_scatter import scatter_add
from .nn_embedding import _check_indices, _dense_backward, embedding_renorm_

__all__ = []
METHODS = {}
FUNCTIONAL = ['embedding_bag']

_MODES = ('sum', 'mean', 'max')


def _flatten_bags(input, offsets, per_sample_weights, include_last_offset):
    """``(indices, offsets, per_sample_weights, include_last_offset)`` for 1-D bags."""
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError('if input is 2D, then offsets has to be None, as input is treated '
                             'is a mini-batch of fixed length sequences. However, found offsets '
                             f'of type {type(offsets)}')
        n, per_bag = input.shape
        offsets = wrap(xp_of(input._data).arange(0, n * per_bag, max(per_bag, 1),
                                                 dtype=input._data.dtype)[:n])
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        return input.reshape(-1), offsets, per_sample_weights, False
    if input.dim() == 1:
        if offsets is None:
            raise ValueError('offsets has to be a 1D Tensor but got None')
        if not isinstance(offsets, Tensor):
            raise not_a_tensor(offsets, 'embedding_bag', 'offsets', 3)
        if offsets.dim() != 1:
            raise ValueError('offsets has to be a 1D Tensor')
        return input, offsets, per_sample_weights, include_last_offset
    raise ValueError(f'input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}')


def _bag_layout(idx, offs, include_last_offset, padding_idx):
    """Positions in ``idx`` of the entries that count, the bag of each, and the bag count."""
    xp = xp_of(idx)
    n = idx.shape[0]
    offs = offs.astype(np.int64)
    if offs.size and int(offs[0]) != 0:
        raise RuntimeError('offsets[0] has to be 0, i.e., the first sequence in the mini-batch '
                           f'has to start from position 0. However, got {int(offs[0])}')
    if offs.size and int(offs[-1]) > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got "
                           f'offsets[-1] of {int(offs[-1])}')
    if include_last_offset:
        starts, end = offs[:-1], (int(offs[-1]) if offs.size else 0)
    else:
        starts, end = offs, n
    num_bags = starts.shape[0]
    sizes = xp.diff(xp.concatenate([starts, xp.asarray([end], np.int64)]))
    if (sizes < 0).any():
        raise RuntimeError('embedding_bag: offsets must be non-decreasing (each bag starts '
                           f'where the previous one ends; got {offs.tolist()})')
    positions = xp.arange(end if num_bags else 0)
    bag_of = xp.repeat(xp.arange(num_bags), sizes)
    if padding_idx is not None:
        keep = idx[positions] != padding_idx
        positions, bag_of = positions[keep], bag_of[keep]
    return positions, bag_of, num_bags


def _check_padding_idx(padding_idx, n):
    if padding_idx is None:
        return None
    if not -n <= padding_idx < n:
        raise RuntimeError('padding_idx must be within the number of embeddings, '
                           f'{-n} through {n - 1}, but got {padding_idx}')
    return padding_idx + n if padding_idx < 0 else padding_idx


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode='mean', sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    """Reduce bags of embedding rows with ``mode`` ``'sum'``, ``'mean'`` (default) or
    ``'max'``, without materialising the looked-up rows per entry.

    ``input`` 2-D ``(B, N)``: B bags of N indices (``offsets`` must be None). ``input`` 1-D:
    bag ``b`` is ``input[offsets[b]:offsets[b + 1]]`` (the last bag runs to the end, or ends
    at ``offsets[-1]`` with ``include_last_offset=True``). ``per_sample_weights`` (same shape
    as ``input``, ``mode='sum'`` only) scales each row before summing. Returns ``(B, dim)``.

    >>> w = ember.tensor([[1., 2.], [3., 4.], [5., 6.]])
    >>> ember.nn.functional.embedding_bag(ember.tensor([[0, 2], [1, 1]]), w, mode='max')
    tensor([[5., 6.],
            [3., 4.]])
    """
    for arg, name, pos in ((input, 'input', 1), (weight, 'weight', 2)):
        if not isinstance(arg, Tensor):
            raise not_a_tensor(arg, 'embedding_bag', name, pos)
    if per_sample_weights is not None and input.shape != per_sample_weights.shape:
        raise ValueError(f'embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is '
                         f'not None, then it must have the same shape as the input ({input.shape})')
    if weight.dim() != 2:
        raise ValueError(f'weight has to be a 2D Tensor, but got Tensor of dimension '
                         f'{weight.dim()}')
    input, offsets, per_sample_weights, include_last_offset = _flatten_bags(
        input, offsets, per_sample_weights, include_last_offset)
    if mode not in _MODES:
        raise ValueError('mode has to be one of sum, mean or max')
    if mode == 'max' and scale_grad_by_freq:
        raise ValueError('max mode does not support scaling the gradient by the frequency')
    if mode == 'max' and sparse:
        raise ValueError('max mode does not support sparse weights')
    if max_norm is not None:
        embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != 'sum':
        raise NotImplementedError(
            'embedding_bag: per_sample_weights was not None. per_sample_weights is only '
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            'GitHub.')
    if sparse:
        raise NotImplementedError('embedding_bag(sparse=True): ember has no sparse tensors; use '
                                  'sparse=False (the dense gradient has the same values)')
    idx = _check_indices(input, 'embedding_bag')
    _check_indices(offsets, 'embedding_bag', "#2 'offsets'")
    w = weight._data
    n = w.shape[0]
    bad = (idx < 0) | (idx >= n)
    if bad.any():
        k = int(xp_of(idx).argmax(bad))
        raise RuntimeError(f'Index {k} of input takes value {int(idx[k])} which is not in the '
                           f'valid range [0, {n}) (embedding_bag over {n} embeddings)')
    padding_idx = _check_padding_idx(padding_idx, n)
    positions, bag_of, num_bags = _bag_layout(idx, offsets._data, include_last_offset,
                                              padding_idx)
    ids = idx[positions]
    if mode == 'max':
        return _bag_max(weight, ids, bag_of, num_bags)
    freq = _freq_scale(idx, n) if scale_grad_by_freq else None
    return _bag_sum(weight, input, ids, positions, bag_of, num_bags, mode == 'mean',
                    per_sample_weights, freq)


def _freq_scale(idx, n):
    """The factor ``scale_grad_by_freq`` puts on each row's gradient, as PyTorch 2.13's CPU
    kernel computes it: the i-th smallest distinct index gets ``1 / count(sorted_indices[i])``.
    That is ``1 / count(own index)`` while no index repeats before it, and otherwise the count
    of an earlier index (a PyTorch quirk, kept so gradients match)."""
    xp = xp_of(idx)
    flat = idx.reshape(-1).astype(np.int64)
    counts = xp.bincount(flat, minlength=n)
    uniq = xp.unique(flat)
    scale = xp.zeros(n, np.float64)
    scale[uniq] = 1.0 / counts[xp.sort(flat)[:uniq.shape[0]]]
    return scale


def _bag_starts(xp, bag_of, num_bags):
    counts = xp.bincount(bag_of, minlength=num_bags)
    return counts, xp.cumsum(counts) - counts


def _bag_sum(weight, input, ids, positions, bag_of, num_bags, mean, psw, freq):
    w = weight._data
    xp = xp_of(w)
    looked_up = w.take(ids, axis=0)
    if psw is not None:
        looked_up = looked_up * psw._data.reshape(-1)[positions].astype(w.dtype)[:, None]
    counts, starts = _bag_starts(xp, bag_of, num_bags)
    out = xp.zeros((num_bags, w.shape[1]), w.dtype)
    full = counts > 0
    if ids.size and w.shape[1]:
        out[full] = xp.add.reduceat(looked_up, starts[full], axis=0)
    scale = None
    if mean:
        scale = (1.0 / xp.maximum(counts, 1)).astype(w.dtype)
        out *= scale[:, None]
    res = wrap(out)
    return record(res, 'EmbeddingBagBackward0', _bag_sum_backward, (weight, psw),
                  (psw, weight), save_if=(0, 1),
                  ctx=(input.numel(), ids, positions, bag_of, scale, w.shape[0], freq))


def _bag_sum_backward(node, grad):
    psw, weight = node.saved()
    n_input, ids, positions, bag_of, scale, n, freq = node.ctx
    per_entry = index_select(grad, 0, wrap(bag_of))            # each kept entry's bag gradient
    if scale is not None:
        per_entry = per_entry * wrap(scale[bag_of][:, None])
    gw = gpsw = None
    if node.next[0] is not None:
        scaled = per_entry
        if psw is not None:
            scaled = per_entry * index_select(psw.reshape(-1), 0, wrap(positions)).reshape(-1, 1)
        if freq is not None:
            scaled = scaled * wrap(freq[ids][:, None].astype(scaled._data.dtype))
        gw = _dense_backward(scaled, wrap(ids), n, -1, False)
    if psw is not None and node.next[1] is not None:
        dots = (per_entry * index_select(weight, 0, wrap(ids))).sum(1)
        gpsw = index_add(grad.new_zeros((n_input,)), 0, wrap(positions), dots)
        gpsw = gpsw.reshape(psw.shape)
    return gw, gpsw


def _bag_max(weight, ids, bag_of, num_bags):
    w = weight._data
    xp = xp_of(w)
    dim = w.shape[1]
    looked_up = w.take(ids, axis=0)
    counts, starts = _bag_starts(xp, bag_of, num_bags)
    full = xp.nonzero(counts > 0)[0]
    out = xp.zeros((num_bags, dim), w.dtype)
    winners = xp.zeros((full.shape[0], dim), np.int64)
    if ids.size and dim:
        best = xp.maximum.reduceat(looked_up, starts[full], axis=0)
        out[full] = best
        # the first entry of each bag that reaches the maximum gets the gradient, as in PyTorch
        first = xp.where(looked_up == best.repeat(counts[full], axis=0),
                         xp.arange(ids.shape[0])[:, None], ids.shape[0])
        winners = ids[xp.minimum.reduceat(first, starts[full], axis=0)]
    res = wrap(out)
    return record(res, 'EmbeddingBagBackward0', _bag_max_backward, (weight,),
                  ctx=(full, winners, w.shape[0]))


def _bag_max_backward(node, grad):
    full, winners, n = node.ctx
    dim = grad.shape[1]
    picked = index_select(grad, 0, wrap(full))
    return (scatter_add(grad.new_zeros((n, dim)), 0, wrap(winners), picked),)
