"""Margin and embedding losses: soft_margin, multilabel_soft_margin, multi_margin,
multilabel_margin, hinge_embedding, margin_ranking, cosine_embedding, triplet_margin and
triplet_margin_with_distance.

soft_margin, multi_margin and multilabel_margin are PyTorch kernels (one node each, with
PyTorch's summation order); the others are PyTorch composites rebuilt from ember ops, so
their graphs (and grad_fn names) match.

>>> import ember.nn.functional as F
>>> F.margin_ranking_loss(ember.tensor([1., 2.]), ember.tensor([2., 1.]), ember.tensor([1., 1.]))
tensor(0.5000)
"""
from ._base import wrap, record, STATE, np
from ._autocast import AUTOCAST, full_precision
from ._elementwise import tname, record_not_implemented, quietly, quiet_backward
from ._nn_loss_common import (reduction_of, need_tensor, f32_exact, reduce_array,
                              reduce_tensor, quiet_call, not_differentiable, add_scalar,
                              sub_scalar)
from .._dtype import FLOATING

_F64 = np.dtype(np.float64)


# ---- soft margin ---------------------------------------------------------------------------
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    """Two-class logistic loss ``log(1 + exp(-target * input))`` for targets ±1.

    >>> import ember.nn.functional as F
    >>> F.soft_margin_loss(ember.tensor([0., 2.]), ember.tensor([1., -1.]), reduction='none')
    tensor([0.6931, 2.1269])
    """
    if AUTOCAST.on:
        return full_precision(soft_margin_loss, input, target, size_average, reduce, reduction)
    need_tensor(input, 'soft_margin_loss', 'input', 1)
    need_tensor(target, 'soft_margin_loss', 'target', 2)
    reduction = reduction_of(size_average, reduce, reduction)
    not_differentiable('soft_margin_loss', 'target', target)
    x, t = input._data, target._data
    if x.dtype not in FLOATING:
        raise NotImplementedError(f'"neg_cpu" not implemented for \'{tname(x.dtype)}\' (call '
                                  '.float() on the input)')
    z = ((-x) * t).astype(x.dtype, copy=False)
    loss = quiet_call(f32_exact, np.log1p, quiet_call(f32_exact, np.exp, z))
    res = wrap(reduce_array(loss, reduction))
    if not STATE.enabled or not input._rg:
        return res
    norm = 1. / x.size if reduction == 'mean' and x.size else 1.
    return record(res, 'SoftMarginLossBackward0', _soft_margin_backward, (input, target),
                  (input, target), ctx=norm)


def _soft_margin_backward(node, grad):
    x, t = node.saved()
    z = ((-t) * x).exp()
    return t * z * (-node.ctx) / (z + 1) * grad, None


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction='mean'):
    """Multi-label one-versus-all logistic loss, averaged over the classes (last dim).

    >>> import ember.nn.functional as F
    >>> F.multilabel_soft_margin_loss(ember.tensor([[0., 0.]]), ember.tensor([[1., 0.]]))
    tensor(0.6931)
    """
    from .nn_activation import logsigmoid
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    c = input.size(class_dim)
    loss = loss.sum(dim=class_dim) / c
    if reduction == 'none':
        return loss
    if reduction == 'mean':
        return loss.mean()
    if reduction == 'sum':
        return loss.sum()
    raise ValueError(reduction + ' is not valid')


# ---- multi margin ----------------------------------------------------------------------------
def _frames(x, op):
    nd = x.ndim
    if not ((nd == 2 and x.shape[1] != 0) or (nd == 1 and x.shape[0] != 0) or nd == 0):
        raise RuntimeError('Expected non-empty vector or matrix with optional 0-dim batch size, '
                           f'but got: {list(x.shape)} (in {op})')
    if nd <= 1:
        return 1, (1 if nd == 0 else x.shape[0])
    return x.shape[0], x.shape[1]


def _long_target(t, op):
    if t.dtype != np.int64:
        raise RuntimeError(f'expected scalar type Long but found {tname(t.dtype)} (the target '
                           f'of {op} holds class indices: use target.long())')


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction='mean'):
    """Multi-class hinge loss: ``sum_{j != y} max(0, margin - x[y] + x[j]) ** p / C``.

    >>> import ember.nn.functional as F
    >>> F.multi_margin_loss(ember.tensor([[0.1, 0.2, 0.4]]), ember.tensor([2]))
    tensor(0.5000)
    """
    if AUTOCAST.on:
        return full_precision(multi_margin_loss, input, target, p, margin, weight, size_average,
                              reduce, reduction)
    reduction = reduction_of(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError('only p == 1 and p == 2 supported')
    if weight is not None and weight.dim() != 1:
        raise ValueError(f'weight must be one-dimensional (got shape {list(weight.shape)})')
    x, t = input._data, target._data
    nframe, dim = _frames(x, 'multi_margin_loss')
    if not (t.ndim <= 1 and t.size == nframe):
        raise RuntimeError('multi_margin_loss: target tensor should be 1-D with size equal to the '
                           'number of input samples (batch size). Expected target size '
                           f'[{nframe}], but got {list(t.shape)}. Input has shape '
                           f'{list(x.shape)}.')
    if x.dtype not in FLOATING:
        raise NotImplementedError('"multi_margin_loss_cpu_kernel" not implemented for '
                                  f"'{tname(x.dtype)}'")
    _long_target(t, 'multi_margin_loss')
    if weight is not None and weight._data.dtype != x.dtype:
        raise RuntimeError(f'expected scalar type {tname(x.dtype)} but found '
                           f'{tname(weight._data.dtype)}')
    dt = x.dtype
    xm = x.reshape(nframe, dim)
    tt = t.reshape(nframe)
    if tt.size and (tt.min() < 0 or tt.max() >= dim):
        raise RuntimeError(f'target out of range (targets must be class indices in [0, '
                           f'{dim - 1}] for {dim} classes)')
    with quietly():                     # inf scores: inf - inf
        rows = np.arange(nframe)
        xt = xm[rows, tt]
        z = (dt.type(margin) - xt)[:, None] + xm
        on = z > 0
        on[rows, tt] = False
        h = z if p == 1 else z * z
        w = None if weight is None else weight._data
        if w is not None:
            h = h * w[tt][:, None]
        h = np.where(on, h, dt.type(0))
        per = (np.add.accumulate(h, axis=1)[:, -1] if dim > 1 else h[:, 0]) / dt.type(dim)
        if reduction == 'none' and t.ndim > 0:
            out = per
        elif reduction == 'none':
            out = np.asarray(per[0])
        else:
            total = np.add.accumulate(per.astype(_F64))[-1] if nframe else 0.0
            if reduction == 'mean':
                total = total / nframe
            out = np.asarray(total, dtype=dt)
    res = wrap(out)
    if not STATE.enabled or not input._rg:
        return res
    not_differentiable('multi_margin_loss', 'weight', weight)
    return record(res, 'MultiMarginLossBackward0', _multi_margin_backward, (input,), (input,),
                  ctx=(tt, on, z, w, p, reduction, nframe, dim))


@quiet_backward
def _multi_margin_backward(node, grad):
    (inp,) = node.saved()
    tt, on, z, w, p, reduction, nframe, dim = node.ctx
    dt = z.dtype
    g = dt.type(1. / (nframe * dim) if reduction == 'mean' else 1. / dim)
    h = np.broadcast_to(g, z.shape) if p == 1 else (dt.type(2) * g) * z
    if w is not None:
        h = h * w[tt][:, None]
    h = np.where(on, h, dt.type(0))
    rows = np.arange(nframe)
    gi = h.copy() if h.base is not None or not h.flags.writeable else h
    gi[rows, tt] = -(np.add.accumulate(h, axis=1)[:, -1] if dim > 1 else h[:, 0])
    go = grad._data
    gi = gi * (go.reshape(nframe, 1) if go.ndim and go.size == nframe else go)
    out = wrap(np.ascontiguousarray(gi.reshape(node.meta[0][0]), dtype=dt))
    return record_not_implemented(out, 'multi_margin_loss_backward', (grad, inp))


# ---- multilabel margin --------------------------------------------------------------------------
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    """Multi-label hinge loss: for each target class ``j`` (the target row lists them, ended
    by -1) and each non-target class ``i``: ``max(0, 1 - x[j] + x[i])``, over the classes.

    >>> import ember.nn.functional as F
    >>> F.multilabel_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]),
    ...                          ember.tensor([[3, 0, -1, 1]]))
    tensor(0.8500)
    """
    if AUTOCAST.on:
        return full_precision(multilabel_margin_loss, input, target, size_average, reduce,
                              reduction)
    reduction = reduction_of(size_average, reduce, reduction)
    x, t = input._data, target._data
    nd = x.ndim
    if not ((nd == 2 and x.shape[1] != 0) or (nd == 1 and x.shape[0] != 0) or nd == 0):
        raise RuntimeError('Expected non-empty vector or matrix with optional 0-dim batch size, '
                           f'but got: {list(x.shape)}')
    if nd <= 1:
        nframe, dim = 1, (1 if nd == 0 else x.shape[0])
        ok = t.ndim <= 1 and t.size == dim
    else:
        nframe, dim = x.shape
        ok = t.ndim == 2 and t.shape == (nframe, dim)
    if not ok:
        raise RuntimeError(f'inconsistent target size: {list(t.shape)} for input of size: '
                           f'{list(x.shape)} (the target has the input\'s shape: class indices '
                           'padded with -1)')
    if x.dtype not in FLOATING:
        raise NotImplementedError('"multilabel_margin_loss_forward_out_frame" not implemented '
                                  f"for '{tname(x.dtype)}'")
    _long_target(t, 'multilabel_margin_loss')
    dt = x.dtype
    xm = x.reshape(nframe, dim)
    tm = t.reshape(nframe, dim)
    if tm.size and (tm.min() < -1 or tm.max() >= dim):
        raise RuntimeError(f"argument #2 'target' is out of range (class indices must be in "
                           f'[0, {dim - 1}], padded with -1)')
    neg = tm < 0
    first = np.where(neg.any(axis=1), neg.argmax(axis=1), dim)
    jvalid = np.arange(dim)[None, :] < first[:, None]
    tc = np.where(jvalid, tm, 0)
    is_target = np.zeros((nframe, dim), bool)
    r, j = np.nonzero(jvalid)
    is_target[r, tc[r, j]] = True
    xt = np.take_along_axis(xm, tc, axis=1)
    z = (dt.type(1) - xt)[:, :, None] + xm[:, None, :]
    on = jvalid[:, :, None] & ~is_target[:, None, :] & (z > 0)
    # PyTorch adds the z > 0 terms of a sample one by one in double, then the samples
    terms = np.where(on, z, dt.type(0)).astype(_F64).reshape(nframe, dim * dim)
    per = np.add.accumulate(terms, axis=1)[:, -1].astype(dt)     # each sample's sum: float
    if reduction == 'none' and t.ndim > 1:
        out = per / dt.type(dim)
    elif reduction == 'none':
        out = np.asarray(per[0] / dt.type(dim))
    else:
        total = np.add.accumulate(per.astype(_F64))[-1] / dim
        if reduction == 'mean':
            total = total / nframe
        out = np.asarray(total, dtype=dt)
    res = wrap(out)
    if not STATE.enabled or not input._rg:
        return res
    return record(res, 'MultilabelMarginLossBackward0', _multilabel_margin_backward, (input,),
                  (input,), ctx=(tc, on, reduction, nframe, dim))


def _multilabel_margin_backward(node, grad):
    (inp,) = node.saved()
    tc, on, reduction, nframe, dim = node.ctx
    dt = np.dtype(node.meta[0][1])
    g = dt.type(1. / (nframe * dim) if reduction == 'mean' else 1. / dim)
    # PyTorch adds +g to a non-target class and -g to a target class once per violated pair,
    # one by one in float: k additions give steps[k]
    up = on.sum(axis=1)                                           # (nframe, dim) per class d
    down = np.zeros((nframe, dim), np.int64)
    rows = np.repeat(np.arange(nframe), dim)
    np.add.at(down, (rows, tc.reshape(-1)), on.sum(axis=2).reshape(-1))
    most = int(max(up.max(initial=0), down.max(initial=0)))
    steps = np.concatenate([[dt.type(0)], np.add.accumulate(np.full(most, g, dt))]).astype(dt)
    gi = steps[up] - steps[down]
    go = grad._data
    gi = gi * (go.reshape(nframe, 1) if go.ndim and go.size == nframe else go)
    out = wrap(np.ascontiguousarray(gi.reshape(node.meta[0][0]), dtype=dt))
    return record_not_implemented(out, 'multilabel_margin_loss_backward', (grad, inp))


# ---- hinge / margin ranking / cosine embedding --------------------------------------------
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction='mean'):
    """``input`` where the target is 1, ``max(0, margin - input)`` where it is -1.

    >>> import ember.nn.functional as F
    >>> F.hinge_embedding_loss(ember.tensor([0.3, 0.4]), ember.tensor([1., -1.]), reduction='none')
    tensor([0.3000, 0.6000])
    """
    if AUTOCAST.on:
        return full_precision(hinge_embedding_loss, input, target, margin, size_average, reduce,
                              reduction)
    from .creation import zeros_like
    from .binary import where
    reduction = reduction_of(size_average, reduce, reduction)
    zeros = zeros_like(input)
    margin_clamp = (margin - input).clamp_min(0)
    output_margin = where(target != 1, margin_clamp, zeros)
    output_self = where(target != -1, input, zeros)
    return reduce_tensor(output_margin + output_self, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction='mean'):
    """``max(0, -target * (input1 - input2) + margin)``: ranks input1 above input2 where the
    target is 1 (and below where it is -1).

    >>> import ember.nn.functional as F
    >>> F.margin_ranking_loss(ember.tensor([1.]), ember.tensor([2.]), ember.tensor([1.]))
    tensor(1.)
    """
    if AUTOCAST.on:
        return full_precision(margin_ranking_loss, input1, input2, target, margin, size_average,
                              reduce, reduction)
    reduction = reduction_of(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f'margin_ranking_loss : All input tensors should have same dimension '
                           f'but got sizes: input1: {input1.shape}, input2: {input2.shape}, '
                           f'target: {target.shape} ')
    return _margin_ranking(input1, input2, target, margin, reduction)


def _margin_ranking(input1, input2, target, margin, reduction):
    return reduce_tensor(add_scalar(-target * (input1 - input2), margin).clamp_min(0),
                         reduction)


_EPS = float(np.float32(1e-12))


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction='mean'):
    """``1 - cos(x1, x2)`` where the target is 1, ``max(0, cos(x1, x2) - margin)`` where it is
    -1 (cosine over the last dim).

    >>> import ember.nn.functional as F
    >>> F.cosine_embedding_loss(ember.tensor([[1., 0.]]), ember.tensor([[0., 1.]]),
    ...                         ember.tensor([1]))
    tensor(1.)
    """
    if AUTOCAST.on:
        return full_precision(cosine_embedding_loss, input1, input2, target, margin, size_average,
                              reduce, reduction)
    from .creation import zeros_like
    from .binary import where
    reduction = reduction_of(size_average, reduce, reduction)
    td = target.dim()
    if td not in (0, 1):
        raise RuntimeError('0D or 1D target tensor expected, multi-target not supported')
    if td == 1 and not (input1.dim() == 2 and input2.dim() == 2):
        raise RuntimeError(f'1D target tensor expects 2D input tensors, but found inputs with '
                           f'sizes {list(input1.shape)} and {list(input2.shape)}.')
    if td == 0 and not (input1.dim() == 1 and input2.dim() == 1):
        raise RuntimeError(f'0D target tensor expects 1D input tensors, but found inputs with '
                           f'sizes {list(input1.shape)} and {list(input2.shape)}.')
    prod_sum = (input1 * input2).sum(td)
    mag_square1 = add_scalar((input1 * input1).sum(td), _EPS)
    mag_square2 = add_scalar((input2 * input2).sum(td), _EPS)
    denom = (mag_square1 * mag_square2).sqrt()
    cos = prod_sum / denom
    zeros = zeros_like(cos)
    pos = 1 - cos
    neg = sub_scalar(cos, margin).clamp_min(0)
    output_pos = where(target == 1, pos, zeros)
    output_neg = where(target == -1, neg, zeros)
    return reduce_tensor(output_pos + output_neg, reduction)


# ---- triplet losses --------------------------------------------------------------------------
def _pairwise_distance(x1, x2, p=2.0, eps=1e-6):
    from .nn_distance import pairwise_distance
    return pairwise_distance(x1, x2, p, eps)


def _dims_check(a, p, n):
    if not (a.dim() == p.dim() == n.dim()):
        raise RuntimeError(f'The anchor, positive, and negative tensors are expected to have the '
                           f'same number of dimensions, but got: anchor {a.dim()}D, positive '
                           f'{p.dim()}D, and negative {n.dim()}D inputs')


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction='mean'):
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` with the p-norm
    pairwise distance ``d`` (``swap``: use the smaller of d(a, n) and d(p, n)).

    >>> import ember.nn.functional as F
    >>> a = ember.tensor([[0., 0.]])
    >>> F.triplet_margin_loss(a, ember.tensor([[0., 1.]]), ember.tensor([[0., 1.5]]))
    tensor(0.5000)
    """
    if AUTOCAST.on:
        return full_precision(triplet_margin_loss, anchor, positive, negative, margin, p, eps,
                              swap, size_average, reduce, reduction)
    reduction = reduction_of(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f'margin must be greater than 0, got {margin}')
    return _triplet(anchor, positive, negative, margin, p, eps, swap, reduction)


def _triplet(anchor, positive, negative, margin, p, eps, swap, reduction):
    _dims_check(anchor, positive, negative)
    from .binary import minimum
    from .clamp import clamp_min
    dist_pos = _pairwise_distance(anchor, positive, p, eps)
    dist_neg = _pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = minimum(dist_neg, _pairwise_distance(positive, negative, p, eps))
    return reduce_tensor(clamp_min(add_scalar(dist_pos, margin) - dist_neg, 0), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction='mean'):
    """Triplet loss with any ``distance_function(x1, x2)`` (default: pairwise_distance).

    >>> import ember.nn.functional as F
    >>> a = ember.tensor([[0., 0.]])
    >>> F.triplet_margin_with_distance_loss(a, ember.tensor([[0., 1.]]),
    ...                                     ember.tensor([[0., 1.5]]))
    tensor(0.5000)
    """
    from .binary import minimum
    from .clamp import clamp_min
    if reduction not in ('mean', 'sum', 'none'):
        raise ValueError(f'{reduction} is not a valid value for reduction')
    if margin <= 0:
        raise ValueError(f'margin must be greater than 0, got {margin}')
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not (a_dim == p_dim and p_dim == n_dim):
        raise RuntimeError(f'The anchor, positive, and negative tensors are expected to have the '
                           f'same number of dimensions, but got: anchor {a_dim}D, positive '
                           f'{p_dim}D, and negative {n_dim}D inputs')
    if distance_function is None:
        distance_function = _pairwise_distance
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        dist_neg = minimum(dist_neg, distance_function(positive, negative))
    loss = clamp_min(margin + dist_pos - dist_neg, 0)
    if reduction == 'sum':
        return loss.sum()
    if reduction == 'mean':
        return loss.mean()
    return loss

