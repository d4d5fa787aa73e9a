"""nll_loss, cross_entropy (= log_softmax + nll_loss, as PyTorch) and linear_cross_entropy.

The nll forward is a gather of the target classes' log-probabilities plus PyTorch's
cascade sum (so a float32 mean loss has PyTorch's bits); its backward scatters ``-w / total``
into a zero tensor. Both are a couple of NumPy calls, no Python loop over the batch. The
backward is itself a recorded op whose derivative is ``nll_loss`` again, so double backward
works (the cross-entropy Hessian goes through log_softmax).

>>> import ember.nn.functional as F
>>> F.cross_entropy(ember.tensor([[2., 0., 0.]]), ember.tensor([0]))
tensor(0.2395)
"""
from ._base import wrap, record, STATE, xp_of, np
from ._autocast import AUTOCAST, full_precision
from ._elementwise import tname, quiet
from ._nn_loss_common import reduction_of, not_differentiable, mul_scalar, div_scalar
from .nn_activation import log_softmax
from .._dtype import FLOATING

_LEVELS = 8                # PyTorch's cascade_sum_num_levels
_I64 = np.dtype(np.int64)
_U64 = np.dtype(np.uint64)
_accumulate = np.add.accumulate
_umax = np.maximum.reduce
_POWER = 4                 # level_power for fewer than 2**40 elements: pushes every 16


# ---- PyTorch's cascade sum of the nll kernels ---------------------------------------------------
def _seq(vals, zero):
    """``0 + vals[0] + vals[1] + ...`` strictly left to right."""
    if vals.size == 0:
        return zero
    if vals.size == 1:
        return zero + vals[0]
    return zero + np.add.accumulate(vals)[-1]


def _segment_sums(vals, ends):
    """Left-to-right sums of the segments ``(ends[k-1], ends[k]]`` of ``vals``."""
    n = ends.size
    if n == 0:
        return vals[:0]
    starts = np.empty(n, np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lens = ends - starts + 1
    width = int(lens.max())
    if width == 1:
        return vals[ends]
    mat = np.zeros((n, width), vals.dtype)
    count = int(ends[-1]) + 1
    rows = np.repeat(np.arange(n), lens)
    cols = np.arange(count) - np.repeat(starts, lens)
    mat[rows, cols] = vals[:count]
    return np.add.accumulate(mat, axis=1)[:, -1]


def _simulate(vals, pos, level, sums):
    """PyTorch's loop from ``level`` up, one element at a time (few elements only)."""
    zero = sums[0] * 0
    for v, b in zip(vals, pos.tolist()):
        sums[level] = sums[level] + v
        for j in range(level, _LEVELS - 1):
            if b & (15 << (_POWER * j)):
                break
            sums[j + 1] = sums[j + 1] + sums[j]
            sums[j] = zero


def _cascade_small(vals, zero):
    """cascade_sum of at most 256 contributions at positions 0..n-1: element 0 is pushed to the
    top partial sum, the 16-element blocks after it are added to the second one as they end,
    the rest stays in the first: ``(rest + blocks) + vals[0]``."""
    n = vals.size
    acc = _accumulate
    k = (n - 1) >> 4
    if not k:
        return (zero + acc(vals[1:])[-1] if n > 1 else zero) + vals[0]
    end = 1 + 16 * k
    blocks = acc(vals[1:end].reshape(k, 16), axis=1)[:, 15]
    rest = zero + acc(vals[end:])[-1] if end < n else zero
    return (rest + (zero + (acc(blocks)[-1] if k > 1 else blocks[0]))) + vals[0]


def cascade_sum(vals, pos=None):
    """The sum of ``vals`` in the order of PyTorch's nll_loss / nll_loss2d kernels.

    They add the contributions one by one into 8 partial sums, pushing the lowest ones up
    whenever the element's linear index ``pos`` has its low 4, 8, 12... bits zero, then add
    the 8 partial sums. ``pos`` (the linear indices of the contributions, skipping ignored
    targets) defaults to ``arange(len(vals))``.

    >>> float(cascade_sum(np.arange(20, dtype=np.float32)))
    190.0
    """
    dt = vals.dtype
    zero = dt.type(0)
    n = vals.size
    if n == 0:
        return zero
    if pos is None and n <= 256:
        return _cascade_small(vals, zero)
    sums = [zero] * _LEVELS
    if pos is None:
        # regular positions: segments [0], [1..16], [17..32], ...
        k = (n - 1) // 16
        if k:
            blocks = np.add.accumulate(vals[1:1 + 16 * k].reshape(k, 16), axis=1)[:, -1]
            seg = np.concatenate([vals[:1], blocks])
        else:
            seg = vals[:1]
        sums[0] = _seq(vals[1 + 16 * k:], zero)
        seg_pos = np.arange(k + 1, dtype=np.int64) * 16
    else:
        flags = (pos & 15) == 0
        ends = np.flatnonzero(flags)
        last = int(ends[-1]) if ends.size else -1
        sums[0] = _seq(vals[last + 1:], zero)
        seg = _segment_sums(vals, ends)
        seg_pos = pos[ends]
    level = 1
    while seg.size > 256 and level < _LEVELS - 1:
        flags = (seg_pos & (15 << (_POWER * level))) == 0
        ends = np.flatnonzero(flags)
        last = int(ends[-1]) if ends.size else -1
        sums[level] = _seq(seg[last + 1:], zero)
        seg, seg_pos = _segment_sums(seg, ends), seg_pos[ends]
        level += 1
    _simulate(seg, seg_pos, level, sums)
    total = zero
    for s in sums:
        total = total + s
    return total


# ---- nll_loss --------------------------------------------------------------------------------
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction='mean'):
    """Negative log likelihood of the target classes: ``-input[n, target[n]] * weight[...]``.

    ``input`` holds log-probabilities, shape (N, C), (C,) or (N, C, d1, ...); ``target`` class
    indices (N,), () or (N, d1, ...). 'mean' divides by the summed weights of the targets that
    are not ``ignore_index``.

    >>> import ember.nn.functional as F
    >>> F.nll_loss(ember.tensor([[-1., -2.], [-3., -4.]]), ember.tensor([1, 0]))
    tensor(2.5000)
    """
    if AUTOCAST.on:
        return full_precision(nll_loss, input, target, weight, size_average, ignore_index, reduce,
                              reduction)
    reduction = reduction_of(size_average, reduce, reduction)
    return nll(input, target, weight, reduction, ignore_index)


def _batch_error(x, t):
    return ValueError(f'Expected input batch_size ({x.shape[0]}) to match target batch_size '
                      f'({t.shape[0]}). (input shape {list(x.shape)}, target shape '
                      f'{list(t.shape)}: the loss needs one target per sample, check that the '
                      'model output and the labels come from the same batch)')


def nll(input, target, weight, reduction, ignore_index):
    """nll_loss_nd with an already validated reduction."""
    x = input._data
    t = target._data
    nd = x.ndim
    if nd < 1:
        raise ValueError(f'Expected 1 or more dimensions (got {nd})')
    if nd != 1 and (t.ndim == 0 or x.shape[0] != t.shape[0]):
        if t.ndim == 0:
            raise RuntimeError('0D or 1D target tensor expected, multi-target not supported')
        raise _batch_error(x, t)
    if nd == 3 or nd > 4:
        n, c = x.shape[0], x.shape[1]
        want = (n,) + x.shape[2:]
        if t.shape[1:] != x.shape[2:]:
            raise RuntimeError(f'Expected target size {list(want)}, got {list(t.shape)}')
        flat = input.reshape(n, c, 1, -1) if x.size else input.reshape(n, c, 0, 0)
        tflat = target.reshape(n, 1, -1) if t.size else target.reshape(n, 0, 0)
        out = _nll_core(flat, tflat, weight, reduction, ignore_index)
        return out.view(want) if reduction == 'none' else out
    return _nll_core(input, target, weight, reduction, ignore_index)


def _check(x, t, w, nd, ignore_index):
    if t.dtype != np.int64 and t.dtype != np.uint8:
        raise RuntimeError(f'expected target dtype to be Long or Byte, but got {tname(t.dtype)} '
                           '(class-index targets must be integers: use target.long(); targets '
                           'of class probabilities must have the input\'s shape)')
    if x.dtype not in FLOATING:
        kernel = 'nll_loss2d_forward_out_frame' if nd == 4 else 'nll_loss_out_frame'
        raise NotImplementedError(f'"{kernel}" not implemented for \'{tname(x.dtype)}\' (the '
                                  'input of nll_loss holds log-probabilities: a float tensor)')
    c = x.shape[0] if nd == 1 else x.shape[1]
    if nd == 4:
        if t.ndim != 3:
            raise RuntimeError('only batches of spatial targets supported (3D tensors) but got '
                               f'targets of dimension: {t.ndim}')
        if t.shape != (x.shape[0],) + x.shape[2:]:
            raise RuntimeError(f'size mismatch (got input: {list(x.shape)} , target: '
                               f'{list(t.shape)}')
        if w is not None and w.size != c:
            raise RuntimeError('weight tensor should be defined either for all or no classes '
                               f'(got {w.size} weights for {c} classes)')
    else:
        if t.ndim > 1:
            raise RuntimeError('0D or 1D target tensor expected, multi-target not supported')
        if nd == 1 and t.ndim == 1 and t.shape[0] != 1:
            raise ValueError('For 1D input, 1D target must have size 1, but got target size: '
                             f'{t.shape[0]}')
        if w is not None and (w.ndim != 1 or w.size != c):
            raise RuntimeError(f'weight tensor should be defined either for all {c} classes or '
                               f'no classes but got weight tensor of shape: {list(w.shape)}')
    if w is not None and w.dtype != x.dtype:
        raise RuntimeError(f'expected scalar type {tname(x.dtype)} but found {tname(w.dtype)} '
                           f'(give the class weights the input\'s dtype: '
                           f'weight.to({_dtname(x.dtype)}))')
    return c


def _dtname(dt):
    return 'torch.' + str(np.dtype(dt))


def _out_of_bounds(t, valid, c, x, nd):
    bad = valid & ((t < 0) | (t >= c))
    if bad.any():
        v = int(t.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]])
        raise IndexError(
            f'Target {v} is out of bounds. The model outputs {c} classes (input shape '
            f'{list(x.shape)}, classes on dim {0 if nd == 1 else 1}), so class-index targets must '
            f'be in [0, {c - 1}] (or equal ignore_index). Check the number of outputs of the last '
            'layer against the labels (labels starting at 1 instead of 0?).')


def _nll_core(input, target, weight, reduction, ignore_index):
    """nll_loss (1-D or 2-D input) or nll_loss2d (4-D input) as one node."""
    x = input._data
    t = target._data
    nd = x.ndim
    if (nd == 2 and weight is None and reduction != 'none' and t.dtype == _I64 and t.ndim == 1
            and x.dtype in FLOATING and x.__class__ is np.ndarray and t.size):
        # the classifier's case, in a handful of NumPy calls
        n, c = x.shape
        if _umax(t.view(_U64)) < c and not 0 <= ignore_index < c:     # 0 <= t < c
            picks = x[np.arange(n), t]
            dt = x.dtype
            total = dt.type(n)
            out = cascade_sum(-picks)
            if reduction == 'mean':
                out = out / total
            res = wrap(np.asarray(out, dtype=dt))
            if not STATE.enabled or not input._rg:
                return res
            ctx = (t, None, True, None, total, reduction, x.shape, nd)
            return record(res, 'NllLossBackward0', _nll_backward, (input,), (input,), ctx=ctx)
    w = None if weight is None else weight._data
    c = _check(x, t, w, nd, ignore_index)
    if nd == 1:
        t = t.reshape(1)
    else:
        t = t if t.dtype == np.int64 else t.astype(np.int64)
    valid = t != ignore_index
    all_valid = bool(valid.all())
    if all_valid:
        tc = t
        if t.size and (t.min() < 0 or t.max() >= c):
            _out_of_bounds(t, valid, c, x, nd)
    else:
        _out_of_bounds(t, valid, c, x, nd)
        tc = np.where(valid, t, 0)
    xp = xp_of(x)
    # the target classes' log-probabilities, shape of the target
    if nd == 1:
        picks = x[tc]
    elif nd == 2:
        picks = x[np.arange(x.shape[0]), tc]
    else:
        picks = xp.take_along_axis(x, tc[:, None], axis=1)[:, 0]
    wt = None if w is None else w[tc]
    dt = x.dtype
    if reduction == 'none':
        vals = -picks if wt is None else -picks * wt
        if not all_valid:
            vals = xp.where(valid, vals, dt.type(0))
        out = vals[0] if nd == 1 else vals
        total = None
    else:
        total, out = _reduced(picks, wt, valid, all_valid, reduction, dt)
    res = wrap(xp.asarray(out, dtype=dt) if nd == 1 or reduction != 'none' else out)
    if not STATE.enabled or not input._rg:
        return res
    not_differentiable('nll_loss_forward' if nd != 4 else 'nll_loss2d_forward', 'weight', weight)
    name = 'NllLoss2DBackward0' if nd == 4 else 'NllLossBackward0'
    ctx = (tc, valid, all_valid, wt, total, reduction, x.shape, nd)
    return record(res, name, _nll_backward, (input,), (input,), ctx=ctx)


def _reduced(picks, wt, valid, all_valid, reduction, dt):
    """(total weight, loss) of a 'mean'/'sum' reduction in PyTorch's summation order."""
    if picks.size == 0:
        return dt.type(0), (dt.type(np.nan) if reduction == 'mean' else dt.type(0))
    flat = picks.reshape(-1)
    if all_valid:
        pos = None
        contrib = -flat if wt is None else -(flat * wt.reshape(-1))
        wts = None if wt is None else wt.reshape(-1)
        count = flat.size
    else:
        keep = valid.reshape(-1)
        pos = np.flatnonzero(keep)
        contrib = -flat[pos] if wt is None else -(flat[pos] * wt.reshape(-1)[pos])
        wts = None if wt is None else wt.reshape(-1)[pos]
        count = pos.size
    loss = cascade_sum(contrib, pos)
    total = dt.type(count) if wts is None else cascade_sum(wts, pos)
    if reduction == 'mean':
        loss = quiet(np.divide, loss, total)
    return total, loss


def _nll_backward(node, grad):
    (inp,) = node.saved()
    return (_nll_grad(grad, node.ctx, inp),)


def _nll_grad(grad, ctx, inp=None):
    """The input gradient of nll_loss: ``-w[t] * grad`` ('none'), ``-w[t] * grad / total``
    ('mean') or ``-w[t] * grad`` ('sum') at the target classes, zero elsewhere."""
    tc, valid, all_valid, wt, total, reduction, shape, nd = ctx
    g = grad._data
    dt = np.dtype(g.dtype)
    xp = xp_of(g)
    if reduction == 'none':
        gv = g.reshape(tc.shape)
        vals = -gv if wt is None else -wt * gv
    else:
        if reduction == 'mean':
            s = -(g / total) if total else -quiet(np.divide, g, total)
        else:
            s = -g
        vals = s if wt is None else wt * s
    if not all_valid:
        vals = xp.where(valid, vals, dt.type(0))
    out = xp.zeros(shape, dt)
    if nd == 2:
        out[np.arange(shape[0]), tc] = vals
    elif nd == 1:
        out[tc[0]] = vals.reshape(-1)[0]
    else:
        xp.put_along_axis(out, tc[:, None], vals[:, None] if xp.ndim(vals) else vals, axis=1)
    res = wrap(out)
    # as PyTorch's nll_loss_backward, the result depends on the input too (with a zero
    # derivative), so a create_graph gradient is connected to it
    inputs = (grad,) if inp is None else (grad, inp)
    return record(res, 'NllLossBackwardBackward0', _nll_grad_backward, inputs, ctx=ctx)


def _nll_grad_backward(node, gg):
    """The nll gradient is linear in ``grad``; its derivative is ``nll_loss(gg, target)``
    (and zero for the input)."""
    from ._elementwise import zeros_for
    nxt = node.next
    g_in = (zeros_for(node, 1, gg) if len(nxt) > 1 and nxt[1] is not None else None)
    if nxt[0] is None:
        return None, g_in
    tc, valid, all_valid, wt, total, reduction, shape, nd = node.ctx
    x = gg._data
    if nd == 1:
        picks = x[tc]
    elif nd == 2:
        picks = x[np.arange(shape[0]), tc]
    else:
        picks = xp_of(x).take_along_axis(x, tc[:, None], axis=1)[:, 0]
    dt = x.dtype
    if reduction == 'none':
        vals = -picks if wt is None else -picks * wt
        if not all_valid:
            vals = np.where(valid, vals, dt.type(0))
        out = vals.reshape(() if nd == 1 else tc.shape)
    else:
        _, out = _reduced(picks, wt, valid, all_valid, 'sum', dt)
        if reduction == 'mean':
            out = quiet(np.divide, out, total)
        out = np.asarray(out, dtype=dt)
    res = record(wrap(out), 'NllLossBackward0', _nll_backward_linear, (gg,), ctx=node.ctx)
    return res, g_in


def _nll_backward_linear(node, grad):
    return (_nll_grad(grad, node.ctx),)


# ---- cross_entropy -------------------------------------------------------------------------
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction='mean', label_smoothing=0.0):
    """``nll_loss(log_softmax(input, class_dim), target)`` for class-index targets; for
    targets of class probabilities (same shape as ``input``) ``-sum(target * log_softmax)``.
    ``label_smoothing`` mixes the target with the uniform distribution.

    >>> import ember.nn.functional as F
    >>> F.cross_entropy(ember.tensor([[1., 1.]]), ember.tensor([1]))
    tensor(0.6931)
    """
    if AUTOCAST.on:
        return full_precision(cross_entropy, input, target, weight, size_average, ignore_index,
                              reduce, reduction, label_smoothing)
    reduction = reduction_of(size_average, reduce, reduction)
    class_dim = 0 if input.dim() == 1 else 1
    if input.shape == target.shape:
        if target._data.dtype not in FLOATING:
            raise RuntimeError('Expected floating point type for target with class '
                               f'probabilities, got {tname(target._data.dtype)} (class-index '
                               'targets have one dimension less than the input: shape [N] for '
                               'an input [N, C])')
        if ignore_index >= 0:
            raise RuntimeError('ignore_index is not supported for floating point target')
        return _ce_probabilities(input, target, weight, reduction, label_smoothing, class_dim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f'label_smoothing must be between 0.0 and 1.0. Got: '
                               f'{label_smoothing}')
        return _ce_smoothed(input, target, weight, reduction, ignore_index, label_smoothing,
                            class_dim)
    return nll(log_softmax(input, class_dim), target, weight, reduction, ignore_index)


def _class_view(weight, ndim, class_dim):
    if ndim <= 1:
        return weight
    shape = [1] * ndim
    shape[class_dim] = weight.shape[0]
    return weight.view(shape)


def _ce_probabilities(input, target, weight, reduction, label_smoothing, class_dim):
    c = input.shape[class_dim]
    if weight is not None and (weight.dim() != 1 or weight.numel() != c):
        raise RuntimeError(f'cross_entropy: weight tensor should be defined either for all {c} '
                           'classes or no classes but got weight tensor of shape: '
                           f'{list(weight.shape)}')
    lsm = log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f'label_smoothing must be between 0.0 and 1.0. Got: '
                               f'{label_smoothing}')
        target = target * (1 - label_smoothing) + label_smoothing / c
    prod = lsm * target
    if weight is not None:
        prod = prod * _class_view(weight, input.dim(), class_dim)
    if reduction == 'none':
        return -prod.sum(class_dim)
    total = -prod.sum()
    if reduction == 'sum':
        return total
    n = input.numel() // c if c else 0
    if n == 0:
        return quiet(div_scalar, total, 0.0)
    return div_scalar(total, n)


def _ce_smoothed(input, target, weight, reduction, ignore_index, label_smoothing, class_dim):
    lsm = log_softmax(input, class_dim)
    nll_part = nll(lsm, target, weight, reduction, ignore_index)
    c = lsm.shape[class_dim]
    if weight is not None:
        smooth = -(lsm * _class_view(weight, lsm.dim(), class_dim)).sum(class_dim)
    else:
        smooth = -lsm.sum(class_dim)
    ignore_mask = target == ignore_index
    smooth = smooth.masked_fill(ignore_mask.reshape(smooth.shape), 0.0)
    if reduction == 'mean':
        if weight is not None:
            picked = target.masked_select(~ignore_mask).flatten()
            ret = smooth.sum() / weight.gather(0, picked).sum()
        else:
            ret = smooth.sum() / (~ignore_mask).sum()
    elif reduction == 'sum':
        ret = smooth.sum()
    else:
        ret = smooth
    return mul_scalar(nll_part, 1 - label_smoothing) + mul_scalar(ret, label_smoothing / c)


# ---- linear_cross_entropy -------------------------------------------------------------------
def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction='mean', ignore_index=None, label_smoothing=0.0, options=None):
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)`` (PyTorch's
    reference path; ``options`` selects PyTorch's memory-saving chunked kernel, which gives
    the same values, so ember accepts and ignores it).

    >>> import ember.nn.functional as F
    >>> F.linear_cross_entropy(ember.tensor([[1., 0.]]), ember.eye(2), ember.tensor([0]))
    tensor(0.3133)
    """
    from .nn_linear import linear
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f'expected input with dimensionality 1 or 2, got {input.dim()}')
    if linear_weight.dim() < 2:
        raise RuntimeError('expected linear_weight with dimensionality at least 2, got '
                           f'{linear_weight.dim()}')
    batches = tuple(input.shape[:-1])
    in_features = input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError('expected equal input and linear_weight last dimensions '
                           f'(in_features), got {input.shape[-1]} and {linear_weight.shape[-1]}, '
                           'respectively')
    num_classes = linear_weight.shape[0]
    out_features = tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes,) + out_features:
        raise RuntimeError(f'expected linear_bias shape {(num_classes,) + out_features}, got '
                           f'{tuple(linear_bias.shape)}')
    if out_features and not batches:
        raise RuntimeError(f'K-dimensional loss defined by linear_weight shape '
                           f'{tuple(linear_weight.shape)} requires batched input, (N, '
                           f'{in_features}), got unbatched input with shape {tuple(input.shape)}')
    logits_shape = batches + (num_classes,) + out_features
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError('ignore_index cannot be specified when target contains probabilities')
    ignore_index = -100 if ignore_index is None else ignore_index
    if out_features:
        m = num_classes
        for f in out_features:
            m *= f
        linear_weight = linear_weight.reshape(m, in_features)
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(m)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=ignore_index, label_smoothing=label_smoothing)


__all__ = ['nll_loss', 'cross_entropy', 'linear_cross_entropy', 'cascade_sum']
