"""Loss functions of ``torch.nn.functional``.

Regression losses (l1, mse, smooth_l1, huber), binary cross entropy (on probabilities and on
logits), kl_div, poisson_nll_loss and gaussian_nll_loss live here; nll_loss / cross_entropy in
``_nn_loss_nll``, the margin and embedding losses in ``_nn_loss_margin``, ctc_loss in
``_nn_loss_ctc``. Every function takes ``reduction='none'|'mean'|'sum'`` and, where PyTorch
still does, the deprecated ``size_average``/``reduce`` flags (mapped as PyTorch's
``_Reduction.legacy_get_string``, with its warning). The top-level ``torch.xxx`` losses
(``torch.kl_div(input, target, 1)``) take the reduction as an int and, as in PyTorch, reduce
nothing by default; they are the ``TOP_LEVEL`` functions at the end of this module.

PyTorch's fused losses (mse, smooth_l1, huber, binary_cross_entropy[_with_logits],
soft_margin, nll, multi_margin, multilabel_margin, ctc) are one graph node with PyTorch's
grad_fn name; its composite losses are built from ember ops, so their graphs look the same.

>>> import ember.nn.functional as F
>>> F.mse_loss(ember.tensor([1., 2.]), ember.tensor([1., 4.]))
tensor(2.)
"""
import math

from ._base import Tensor, wrap, record, STATE, np
from ._autocast import AUTOCAST, full_precision
from ._elementwise import tname, quietly, quiet_backward
from .. import _dtype as D
from ._nn_loss_common import (reduction_of, check_reduction, enum_reduction, size_warning,
                              broadcast_shape, need_tensor, not_differentiable, float_result,
                              f32_exact, reduce_array, reduce_tensor, quiet_call, add_scalar,
                              mul_scalar)
from ._nn_loss_nll import nll_loss, cross_entropy, linear_cross_entropy
from ._nn_loss_margin import (soft_margin_loss, multilabel_soft_margin_loss, multi_margin_loss,
                              multilabel_margin_loss, hinge_embedding_loss, margin_ranking_loss,
                              cosine_embedding_loss, triplet_margin_loss,
                              triplet_margin_with_distance_loss, _margin_ranking, _triplet)
from ._nn_loss_ctc import ctc_loss
from .._dtype import FLOATING

__all__ = ['binary_cross_entropy_with_logits', 'cosine_embedding_loss', 'ctc_loss',
           'hinge_embedding_loss', 'kl_div', 'margin_ranking_loss', 'poisson_nll_loss',
           'triplet_margin_loss']
METHODS = {}
_F_NAMES = ['l1_loss', 'mse_loss', 'smooth_l1_loss', 'huber_loss', 'cross_entropy', 'nll_loss',
              'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'kl_div',
              'poisson_nll_loss', 'gaussian_nll_loss', 'cosine_embedding_loss',
              'margin_ranking_loss', 'hinge_embedding_loss', 'soft_margin_loss',
              'multilabel_soft_margin_loss', 'multi_margin_loss', 'multilabel_margin_loss',
              'triplet_margin_loss', 'triplet_margin_with_distance_loss', 'ctc_loss',
              'linear_cross_entropy']

_EPS = float(np.float32(1e-12))       # PyTorch's `constexpr float EPSILON = 1e-12`
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def _expanded(input, target):
    from .shape import broadcast_tensors
    if input.shape == target.shape:
        return input, target
    broadcast_shape(input._data, target._data, 'loss')
    return broadcast_tensors(input, target)


def _weighted_reduce(loss, weight, reduction, mean_by_weight=True):
    """The weighted l1/mse/huber paths (Python code in PyTorch)."""
    if reduction == 'none':
        return loss
    if reduction == 'sum':
        return loss.sum()
    if reduction == 'mean':
        return loss.sum() / weight.sum() if mean_by_weight else loss.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


def _check_weight_size(weight, input):
    if weight.shape != input.shape:
        raise ValueError(f'Weights and input must have the same size. (weight shape '
                         f'{list(weight.shape)}, input shape {list(input.shape)})')


# ---- l1 / mse / smooth_l1 / huber ------------------------------------------------------------
def l1_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None):
    """Mean absolute error ``|input - target|`` (``weight``: per-element weights, 'mean'
    divides by their sum).

    >>> import ember.nn.functional as F
    >>> F.l1_loss(ember.tensor([1., 2.]), ember.tensor([2., 4.]))
    tensor(1.5000)
    """
    if AUTOCAST.on:
        return full_precision(l1_loss, input, target, size_average, reduce, reduction, weight)
    size_warning(input, target)
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    ei, et = _expanded(input, target)
    if weight is not None:
        _check_weight_size(weight, input)
        return _weighted_reduce((ei - et).abs() * weight, weight, reduction)
    return reduce_tensor((ei - et).abs(), check_reduction(reduction))


def mse_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None):
    """Mean squared error ``(input - target) ** 2`` (``weight``: per-element weights, 'mean'
    divides by their sum).

    >>> import ember.nn.functional as F
    >>> F.mse_loss(ember.tensor([0., 0.]), ember.tensor([1., 3.]), reduction='sum')
    tensor(10.)
    """
    if AUTOCAST.on:
        return full_precision(mse_loss, input, target, size_average, reduce, reduction, weight)
    size_warning(input, target)
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    if weight is not None:
        ei, et = _expanded(input, target)
        _check_weight_size(weight, input)
        return _weighted_reduce((ei - et).pow(2) * weight, weight, reduction)
    reduction = check_reduction(reduction)
    x, t, dt = float_result(input, target, 'mse_cpu')
    shape = broadcast_shape(x, t, 'mse_loss')
    with quietly():                     # PyTorch is silent about inf - inf and overflow
        d = x - t
        res = wrap(reduce_array(d * d, reduction))
    if not STATE.enabled or not (input._rg or target._rg):
        return res
    n = _numel(shape)
    norm = (2. / n if n else math.inf) if reduction == 'mean' else 2.
    return record(res, 'MseLossBackward0', _mse_backward, (input, target), (input, target),
                  ctx=norm)


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


@quiet_backward
def _mse_backward(node, grad):
    x, t = node.saved()
    nxt = node.next
    if STATE.enabled:                  # create_graph: in ember ops, so it can be differentiated
        g = (x - t) * node.ctx * grad
        return (g if nxt[0] is not None else None), (-g if nxt[1] is not None else None)
    xa, ta, _ = float_result(x, t, 'mse_backward')
    g = (xa - ta) * xa.dtype.type(node.ctx) * grad._data
    return (wrap(g) if nxt[0] is not None else None), (wrap(-g) if nxt[1] is not None else None)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0):
    """Smooth L1: ``0.5 * d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 * beta``.

    >>> import ember.nn.functional as F
    >>> F.smooth_l1_loss(ember.tensor([0., 0.]), ember.tensor([0.5, 3.]), reduction='none')
    tensor([0.1250, 2.5000])
    """
    if AUTOCAST.on:
        return full_precision(smooth_l1_loss, input, target, size_average, reduce, reduction, beta)
    size_warning(input, target)
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    if beta == 0.0:
        return l1_loss(*_expanded(input, target), reduction=reduction)
    reduction = check_reduction(reduction)
    if beta < 0:
        raise RuntimeError('smooth_l1_loss does not support negative values for beta. (got '
                           f'beta={beta})')
    x, t, dt = float_result(input, target, 'smooth_l1_cpu')
    shape = broadcast_shape(x, t, 'smooth_l1_loss')
    b = dt.type(beta)
    half = dt.type(0.5)
    with quietly():
        z = np.abs(x - t)
        loss = np.where(z < b, half * z * z / b, z - half * b)
        res = wrap(reduce_array(loss, reduction))
    if not STATE.enabled or not (input._rg or target._rg):
        return res
    n = _numel(shape)
    norm = 1. / n if reduction == 'mean' and n else 1.
    return record(res, 'SmoothL1LossBackward0', _smooth_l1_backward, (input, target),
                  (input, target), ctx=(norm, beta))


def _piecewise(x, edge, outer):
    """(``|x| < edge`` mask, ``±outer`` by the sign of ``x``) for the smooth l1 / huber
    backward."""
    d = x._data
    inside = np.abs(d) < edge
    sign = np.where(d > 0, d.dtype.type(outer), d.dtype.type(-outer))
    return inside, wrap(sign)


@quiet_backward
def _smooth_l1_backward(node, grad):
    norm, beta = node.ctx
    return _piecewise_backward(node, grad, norm, beta, 1.0, beta)


def _piecewise_backward(node, grad, norm, edge, outer, scale):
    """``where(|d| < edge, d / scale, ±outer) * norm * grad`` for input and -that for target
    (smooth l1: scale beta, outer 1; huber: scale 1, outer delta)."""
    x, t = node.saved()
    nxt = node.next
    if STATE.enabled:                  # create_graph: in ember ops, so it can be differentiated
        from .binary import where
        d = x - t
        inside, sign = _piecewise(d, edge, outer)
        g = where(wrap(inside), d / scale if scale != 1.0 else d, sign) * norm * grad
        return (g if nxt[0] is not None else None), (-g if nxt[1] is not None else None)
    xa, ta, dt = float_result(x, t, 'loss_backward')
    d = xa - ta
    sel = np.where(np.abs(d) < edge, d / dt.type(scale) if scale != 1.0 else d,
                   np.where(d > 0, dt.type(outer), dt.type(-outer)))
    g = sel * dt.type(norm) * grad._data
    return (wrap(g) if nxt[0] is not None else None), (wrap(-g) if nxt[1] is not None else None)


def huber_loss(input, target, reduction='mean', delta=1.0, weight=None):
    """Huber loss: ``0.5 * d**2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 * delta)``.

    >>> import ember.nn.functional as F
    >>> F.huber_loss(ember.tensor([0., 0.]), ember.tensor([0.5, 3.]), reduction='none')
    tensor([0.1250, 2.5000])
    """
    if AUTOCAST.on:
        return full_precision(huber_loss, input, target, reduction, delta, weight)
    size_warning(input, target)
    if weight is not None:
        _check_weight_size(weight, input)
        return _weighted_reduce(huber_loss(*_expanded(input, target), 'none', delta) * weight,
                                weight, reduction, mean_by_weight=False)
    reduction = check_reduction(reduction)
    if not delta > 0:
        raise RuntimeError('huber_loss does not support non-positive values for delta. (got '
                           f'delta={delta})')
    x, t, dt = float_result(input, target, 'huber_cpu')
    shape = broadcast_shape(x, t, 'huber_loss')
    dl = dt.type(delta)
    half = dt.type(0.5)
    with quietly():
        z = np.abs(x - t)
        loss = np.where(z < dl, half * z * z, dl * (z - half * dl))
        res = wrap(reduce_array(loss, reduction))
    if not STATE.enabled or not (input._rg or target._rg):
        return res
    n = _numel(shape)
    norm = 1. / n if reduction == 'mean' and n else 1.
    return record(res, 'HuberLossBackward0', _huber_backward, (input, target),
                  (input, target), ctx=(norm, delta))


@quiet_backward
def _huber_backward(node, grad):
    x, t = node.saved()
    norm, delta = node.ctx
    if x._data.dtype != t._data.dtype:          # PyTorch's backward kernel needs one dtype
        raise RuntimeError(f'Found dtype {tname(t._data.dtype)} but expected '
                           f'{tname(x._data.dtype)} (huber_loss backward: give the target the '
                           f'input\'s dtype, e.g. target.to(input.dtype))')
    return _piecewise_backward(node, grad, norm, delta, delta, 1.0)


# ---- binary cross entropy ----------------------------------------------------------------------
def _bce_range_error(what, arr):
    bad = arr[~((arr >= 0) & (arr <= 1))]
    first = bad.reshape(-1)[0] if bad.size else float('nan')
    hint = (' (found {!r}). Probabilities are expected: apply torch.sigmoid to the model '
            'output first, or better use BCEWithLogitsLoss / '
            'F.binary_cross_entropy_with_logits on the raw logits, which is numerically '
            'stabler').format(float(first))
    if what == 'target':
        hint = f' (found {float(first)!r}); targets are probabilities or 0/1 labels'
    return RuntimeError(f'all elements of {what} should be between 0 and 1{hint}')


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction='mean'):
    """``-(t * log(x) + (1 - t) * log(1 - x))`` for probabilities ``x``; the logs are
    clamped at -100 as in PyTorch.

    >>> import ember.nn.functional as F
    >>> F.binary_cross_entropy(ember.tensor([0.5, 0.9]), ember.tensor([1., 1.]))
    tensor(0.3993)
    """
    if AUTOCAST.on:
        return full_precision(binary_cross_entropy, input, target, weight, size_average, reduce,
                              reduction)
    need_tensor(input, 'binary_cross_entropy', 'input', 1)
    need_tensor(target, 'binary_cross_entropy', 'target', 2)
    reduction = reduction_of(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f'Using a target size ({target.shape}) that is different to the input '
                         f'size ({input.shape}) is deprecated. Please ensure they have the same '
                         'size.')
    x, t = input._data, target._data
    if x.dtype not in FLOATING:
        raise NotImplementedError(f'"binary_cross_entropy" not implemented for '
                                  f"'{tname(x.dtype)}' (call .float() on the input)")
    if t.dtype != x.dtype:
        raise RuntimeError(f'Found dtype {tname(t.dtype)} but expected {tname(x.dtype)} (the '
                           'target of binary_cross_entropy must have the input\'s dtype: use '
                           f'target.{_cast_name(x.dtype)}())')
    w = None
    if weight is not None:
        w = weight._data
        try:
            shape = np.broadcast_shapes(t.shape, w.shape)
        except ValueError:
            raise RuntimeError(_expand_error(w.shape, t.shape)) from None
        if shape != t.shape:
            raise RuntimeError(_expand_error(w.shape, t.shape))
        not_differentiable('binary_cross_entropy', 'weight', weight)
    if not ((x >= 0) & (x <= 1)).all():
        raise _bce_range_error('input', x)
    if not ((t >= 0) & (t <= 1)).all():
        raise _bce_range_error('target', t)
    one = x.dtype.type(1)
    neg100 = x.dtype.type(-100)
    log_x = np.maximum(quiet_call(f32_exact, np.log, x), neg100)
    log_1mx = np.maximum(quiet_call(f32_exact, np.log1p, -x), neg100)
    loss = (t - one) * log_1mx - t * log_x
    if w is not None:
        loss = (loss * w).astype(x.dtype, copy=False)
    res = wrap(reduce_array(loss, reduction))
    if not STATE.enabled or not (input._rg or target._rg):
        return res
    n = x.size
    return record(res, 'BinaryCrossEntropyBackward0', _bce_backward, (input, target),
                  (input, target, weight), ctx=(reduction == 'mean', n))


def _cast_name(dt):
    return {'float32': 'float', 'float64': 'double', 'float16': 'half'}.get(str(dt), 'float')


def _expand_error(wshape, tshape):
    return (f'Attempting to broadcast a dimension of length {wshape[-1] if wshape else 1} at -1! '
            f'Mismatching argument at index 1 had torch.Size({list(wshape)}); but expected '
            f'shape should be broadcastable to {list(tshape)} (the weight of '
            'binary_cross_entropy must broadcast to the target\'s shape)')


def _bce_backward(node, grad):
    x, t, w = node.saved()
    mean, n = node.ctx
    nxt = node.next
    gx = gt = None
    if nxt[0] is not None:
        gx = grad * (x - t) / ((1 - x) * x).clamp_min(_EPS)
        if w is not None:
            gx = gx * w
        if mean:
            gx = gx / n
    if nxt[1] is not None:
        gt = -x.logit() * grad
        if w is not None:
            gt = gt * w
        if mean:
            gt = gt / n
    return gx, gt


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction='mean', pos_weight=None):
    """Binary cross entropy on logits: ``sigmoid`` and the loss in one numerically stable step
    (``pos_weight`` weighs the positive class, ``weight`` each element).

    >>> import ember.nn.functional as F
    >>> F.binary_cross_entropy_with_logits(ember.tensor([0., 2.]), ember.tensor([1., 1.]))
    tensor(0.4100)
    """
    if AUTOCAST.on:
        return full_precision(FUNCTIONAL['binary_cross_entropy_with_logits'], input, target,
                              weight, size_average, reduce, reduction, pos_weight)
    need_tensor(input, 'binary_cross_entropy_with_logits', 'input', 1)
    need_tensor(target, 'binary_cross_entropy_with_logits', 'target', 2)
    reduction = reduction_of(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f'Target size ({target.shape}) must be the same as input size '
                         f'({input.shape})')
    not_differentiable('binary_cross_entropy_with_logits', 'weight', weight)
    not_differentiable('binary_cross_entropy_with_logits', 'pos_weight', pos_weight)
    x, t = input._data, target._data
    if x.dtype not in FLOATING:
        raise NotImplementedError(f'"log_sigmoid_cpu" not implemented for \'{tname(x.dtype)}\' '
                                  '(call .float() on the input)')
    if t.dtype.kind == 'b':
        raise RuntimeError('Subtraction, the `-` operator, with two bool tensors is not '
                           'supported. Use the `^` or `logical_xor()` operator instead. (the '
                           'target of binary_cross_entropy_with_logits must be float: use '
                           'target.float())')
    if t.dtype not in FLOATING:
        rt = D.result_type(input, target).np
        raise RuntimeError(f"result type {tname(rt)} can't be cast to the desired output type "
                           f'{tname(t.dtype)} (the target of binary_cross_entropy_with_logits '
                           'must be float: use target.float())')
    td = t.dtype
    with quietly():                     # inf logits or targets: inf - inf, 0 * inf
        ls = _log_sigmoid_array(x)
        if pos_weight is not None:
            pw = pos_weight._data
            lw = _bcast('binary_cross_entropy_with_logits', lambda: (pw - 1) * t + 1, pw, t)
            ls = _bcast('binary_cross_entropy_with_logits', lambda: ls * lw, ls, lw)
            ls = ls.astype(x.dtype, copy=False)
        loss = ((1 - t) * x).astype(td, copy=False)
        loss = (loss - ls).astype(td, copy=False)
        if weight is not None:
            w = weight._data
            loss = _bcast('binary_cross_entropy_with_logits', lambda: loss * w, loss, w)
            loss = loss.astype(td, copy=False)
        res = wrap(reduce_array(loss, reduction))
    if not STATE.enabled or not (input._rg or target._rg):
        return res
    return record(res, 'BinaryCrossEntropyWithLogitsBackward0', _bcel_backward,
                  (input, target), (input, target, weight, pos_weight),
                  ctx=(reduction == 'mean', x.size))


def _bcast(op, fn, *arrays):
    from ._elementwise import broadcast_call
    return broadcast_call(op, lambda *a: fn(), *arrays)


def _log_sigmoid_array(x):
    """``min(x, 0) - log1p(exp(-|x|))`` rounded step by step as PyTorch's log_sigmoid kernel."""
    if x.dtype == _F32 and x.size <= 65536 and x.__class__ is np.ndarray:
        e = np.exp(-np.abs(x).astype(_F64)).astype(_F32)
        return np.minimum(x, _F32.type(0)) - np.log1p(e.astype(_F64)).astype(_F32)
    return quiet_call(lambda v: np.minimum(v, v.dtype.type(0)) - np.log1p(np.exp(-np.abs(v))),
                      x)


@quiet_backward
def _bcel_backward(node, grad):
    x, t, w, pw = node.saved()
    mean, n = node.ctx
    nxt = node.next
    gx = gt = None
    if nxt[0] is not None and not STATE.enabled and pw is None:
        from .pointwise import _sigmoid            # PyTorch's float32 sigmoid bits
        xa = x._data
        g = (quiet_call(_sigmoid, xa) - t._data) * grad._data
        if w is not None:
            g = g * w._data
        gx = wrap(g / n if mean else g)
    elif nxt[0] is not None:
        if pw is not None:
            pt = pw * t
            gx = (pt + 1 - t) * x.sigmoid() - pt
        else:
            gx = x.sigmoid() - t
        gx = gx * grad
        if w is not None:
            gx = gx * w
        if mean:
            gx = gx / n
    if nxt[1] is not None:
        if pw is not None:
            from .nn_activation import logsigmoid
            gt = (logsigmoid(-x) - logsigmoid(x) * pw) * grad
        else:
            gt = -x * grad
        if w is not None:
            gt = gt * w
        if mean:
            gt = gt / n
    return gx, gt


# ---- kl_div / poisson / gaussian -------------------------------------------------------------
def kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False):
    """Kullback-Leibler divergence ``target * (log(target) - input)`` for log-probabilities
    ``input`` (``log_target=True``: the target is given as log-probabilities too).
    ``reduction='batchmean'`` divides the sum by the batch size (the mathematical KL);
    ``'mean'`` divides by the number of elements (PyTorch warns about it).

    >>> import ember.nn.functional as F
    >>> p = ember.tensor([[0.5, 0.5]])
    >>> F.kl_div(ember.tensor([[0.25, 0.75]]).log(), p, reduction='batchmean')
    tensor(0.1438)
    """
    if AUTOCAST.on:
        return full_precision(FUNCTIONAL['kl_div'], input, target, size_average, reduce,
                              reduction, log_target)
    if size_average is not None or reduce is not None:
        red = reduction_of(size_average, reduce, reduction)
    elif reduction == 'mean':
        import warnings
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", UserWarning, stacklevel=2)
    batchmean = reduction == 'batchmean'
    if size_average is None and reduce is None:
        red = 'sum' if batchmean else check_reduction(reduction)
    out = _kl_div(input, target, red, log_target)
    if batchmean and input.dim() != 0:             # (even with the legacy flags, as PyTorch)
        out = out / input.shape[0]
    return out


def _kl_div(input, target, reduction, log_target):
    if input._data.dtype not in FLOATING or target._data.dtype not in FLOATING:
        raise RuntimeError('kl_div: Integral inputs not supported. (call .float() on the '
                           f'{"input" if input._data.dtype not in FLOATING else "target"})')
    from .binary import xlogy
    if log_target:
        out = target.exp() * (target - input)
    else:
        out = xlogy(target, target) - target * input
    return reduce_tensor(out, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction='mean'):
    """Poisson negative log likelihood: ``exp(input) - target * input`` (``log_input=True``)
    or ``input - target * log(input + eps)``; ``full`` adds the Stirling term.

    >>> import ember.nn.functional as F
    >>> F.poisson_nll_loss(ember.tensor([0., 1.]), ember.tensor([1., 2.]))
    tensor(0.8591)
    """
    if AUTOCAST.on:
        return full_precision(FUNCTIONAL['poisson_nll_loss'], input, target, log_input, full,
                              size_average, eps, reduce, reduction)
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f'{reduction} is not a valid value for reduction')
    return _poisson_nll(input, target, log_input, full, eps, reduction)


def _poisson_nll(input, target, log_input, full, eps, reduction):
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * add_scalar(input, eps).log()
    if full:
        from ._elementwise import quiet
        stirling = quiet(lambda: (target * target.log() - target
                                  + mul_scalar(mul_scalar(target, 2 * math.pi).log(), 0.5)))
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return reduce_tensor(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean'):
    """Gaussian negative log likelihood ``0.5 * (log(var) + (input - target)**2 / var)``
    (``var`` clamped at ``eps``; a float, or a tensor of the input's shape, one dimension
    short, or broadcastable in one dimension).

    >>> import ember.nn.functional as F
    >>> F.gaussian_nll_loss(ember.tensor([1., 2.]), ember.tensor([1., 3.]), 1.0)
    tensor(0.2500)
    """
    from .creation import ones_like
    if not isinstance(var, Tensor):
        if var < 0:
            raise ValueError('var has negative entry/entries')
        var = var * ones_like(input)
    elif bool((var._data < 0).any()):
        raise ValueError('var has negative entry/entries')
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif input.dim() == var.dim() and sum(
                y for x, y in zip(input.shape, var.shape) if x != y) == 1:
            pass
        else:
            raise ValueError(f'var is of incorrect size (var shape {list(var.shape)}, input '
                             f'shape {list(input.shape)}: give var the input\'s shape, the '
                             'input\'s shape without its last dimension, or size 1 in one '
                             'dimension)')
    if reduction != 'none' and reduction != 'mean' and reduction != 'sum':
        raise ValueError(reduction + ' is not valid')
    from ..autograd.grad_mode import no_grad
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_tensor(loss, reduction)


# ---- the torch.xxx spellings -------------------------------------------------------------------
# PyTorch's top-level functions take the reduction as an int (0 none, 1 mean, 2 sum) and, as
# its argument parser reads their ``reduction=Mean`` default, reduce nothing by default:
# ``torch.kl_div(x, y)`` is elementwise. ``TOP_LEVEL`` maps each name to its torch.xxx form.
def _top_bce_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    """``torch.binary_cross_entropy_with_logits`` (reduction as an int, default 0: none).

    >>> ember.binary_cross_entropy_with_logits(ember.tensor([0.]), ember.tensor([1.]))
    tensor([0.6931])
    """
    red = enum_reduction('binary_cross_entropy_with_logits', reduction)
    return FUNCTIONAL['binary_cross_entropy_with_logits'](input, target, weight, reduction=red,
                                                          pos_weight=pos_weight)


def _top_cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """``torch.cosine_embedding_loss`` (reduction as an int, default 0: none).

    >>> ember.cosine_embedding_loss(ember.tensor([[1., 0.]]), ember.tensor([[1., 0.]]),
    ...                             ember.tensor([1]))
    tensor([0.])
    """
    red = enum_reduction('cosine_embedding_loss', reduction)
    return FUNCTIONAL['cosine_embedding_loss'](input1, input2, target, margin, reduction=red)


def _top_ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0,
                  zero_infinity=False):
    """``torch.ctc_loss`` (reduction as an int, default 0: none).

    >>> lp = ember.full((2, 1, 2), 0.5).log()
    >>> ember.ctc_loss(lp, ember.tensor([[1]]), [2], [1])
    tensor([0.2877])
    """
    red = enum_reduction('ctc_loss', reduction)
    return FUNCTIONAL['ctc_loss'](log_probs, targets, input_lengths, target_lengths, blank, red,
                                  zero_infinity)


def _top_hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    """``torch.hinge_embedding_loss`` (reduction as an int, default 0: none).

    >>> ember.hinge_embedding_loss(ember.tensor([0.5]), ember.tensor([-1.]))
    tensor([0.5000])
    """
    red = enum_reduction('hinge_embedding_loss', reduction)
    return FUNCTIONAL['hinge_embedding_loss'](input, target, margin, reduction=red)


def _top_kl_div(input, target, reduction=0, *, log_target=False):
    """``torch.kl_div`` (reduction as an int, default 0: none; no 'batchmean').

    >>> ember.kl_div(ember.tensor([0.]), ember.tensor([1.]))
    tensor([0.])
    """
    return _kl_div(input, target, enum_reduction('kl_div', reduction), log_target)


def _top_margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """``torch.margin_ranking_loss`` (reduction as an int, default 0: none).

    >>> ember.margin_ranking_loss(ember.tensor([1.]), ember.tensor([2.]), ember.tensor([1.]))
    tensor([1.])
    """
    red = enum_reduction('margin_ranking_loss', reduction)
    return _margin_ranking(input1, input2, target, margin, red)


def _top_poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """``torch.poisson_nll_loss`` (every argument required, reduction as an int).

    >>> ember.poisson_nll_loss(ember.tensor([0.]), ember.tensor([1.]), True, False, 1e-8, 1)
    tensor(1.)
    """
    red = enum_reduction('poisson_nll_loss', reduction)
    return _poisson_nll(input, target, log_input, full, eps, red)


def _top_triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                             reduction=0):
    """``torch.triplet_margin_loss`` (reduction as an int, default 0: none).

    >>> a = ember.tensor([[0., 0.]])
    >>> ember.triplet_margin_loss(a, ember.tensor([[0., 1.]]), ember.tensor([[0., 1.5]]))
    tensor([0.5000])
    """
    red = enum_reduction('triplet_margin_loss', reduction)
    return _triplet(anchor, positive, negative, margin, p, eps, swap, red)


# F.xxx are the functions above; ember.xxx (this module's attribute, exported through
# ``__all__``) the torch.xxx spelling where the two differ.
FUNCTIONAL = {_name: globals()[_name] for _name in _F_NAMES}
TOP_LEVEL = {}
for _name, _fn in (('binary_cross_entropy_with_logits', _top_bce_with_logits),
                   ('cosine_embedding_loss', _top_cosine_embedding_loss),
                   ('ctc_loss', _top_ctc_loss),
                   ('hinge_embedding_loss', _top_hinge_embedding_loss),
                   ('kl_div', _top_kl_div),
                   ('margin_ranking_loss', _top_margin_ranking_loss),
                   ('poisson_nll_loss', _top_poisson_nll_loss),
                   ('triplet_margin_loss', _top_triplet_margin_loss)):
    _fn.__name__ = _fn.__qualname__ = _name
    TOP_LEVEL[_name] = _fn
globals().update(TOP_LEVEL)
del _name, _fn
