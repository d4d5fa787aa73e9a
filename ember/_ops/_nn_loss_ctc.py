"""ctc_loss: the Connectionist Temporal Classification loss (Graves et al. 2006).

The forward is the alpha recursion in log space, vectorised over the batch and the label
positions (one NumPy step per time step); float32 follows PyTorch's kernel step by step
(``log(exp(a1 - m) + exp(a2 - m) + exp(a3 - m)) + m + lp`` rounded as PyTorch rounds it). The
backward runs the beta recursion the same way and returns PyTorch's gradient
``exp(lp) - exp(log(alpha * beta) + nll - lp)`` (which assumes ``log_probs`` come from a
log_softmax, as PyTorch's does). As in PyTorch that gradient has no derivative itself.

>>> import ember.nn.functional as F
>>> lp = ember.tensor([[[0.5, 0.5]], [[0.5, 0.5]]]).log()
>>> F.ctc_loss(lp, ember.tensor([[1]]), [2], [1], reduction='sum')
tensor(0.2877)
"""
from ._base import Tensor, wrap, record, STATE, np
from ._autocast import AUTOCAST, full_precision
from ._elementwise import tname, record_not_implemented
from ._nn_loss_common import check_reduction
from .._dtype import FLOATING

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_CHECK = ' (while checking arguments for ctc_loss_allocate_outputs)'


def _lengths(v, name):
    if isinstance(v, Tensor):
        a = v._data
        if a.dtype.kind not in 'iu':
            raise RuntimeError(f'{name} must be integral (got {tname(a.dtype)}: use '
                               f'{name}.long())')
        return np.asarray(a).reshape(-1).astype(np.int64)
    if isinstance(v, (int, np.integer)):
        return np.array([int(v)], np.int64)
    return np.asarray([int(i) for i in v], np.int64).reshape(-1)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean',
             zero_infinity=False):
    """CTC loss of ``log_probs`` (T, N, C) or (T, C) against ``targets``, padded (N, S) or
    concatenated (sum(target_lengths),). ``input_lengths`` / ``target_lengths`` are tensors or
    tuples of ints. 'mean' divides each loss by its target length, then averages;
    ``zero_infinity`` zeroes infinite losses (and their gradients).

    >>> import ember.nn.functional as F
    >>> lp = ember.full((3, 1, 3), 1 / 3).log()
    >>> F.ctc_loss(lp, ember.tensor([1, 2]), [3], [2], reduction='none')
    tensor([1.6864])
    """
    if AUTOCAST.on:
        return full_precision(ctc_loss, log_probs, targets, input_lengths, target_lengths, blank,
                              reduction, zero_infinity)
    from .binary import where
    from .creation import zeros, tensor
    reduction = check_reduction(reduction)
    il = _lengths(input_lengths, 'input_lengths')
    tl = _lengths(target_lengths, 'target_lengths')
    batched = log_probs.dim() == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    res = _ctc(lp, targets, il, tl, blank, zero_infinity)
    if zero_infinity:
        res = where(res == float('inf'), zeros((), dtype=res.dtype), res)
    if reduction == 'mean':
        lengths = tensor(tl.tolist(), dtype=res.dtype).clamp_min(1)
        return (res / lengths).mean()
    if reduction == 'sum':
        return res.sum()
    return res if batched else res.squeeze(0)


def _check(x, t, il, tl, blank):
    if x.ndim != 3:
        raise RuntimeError(f'Expected 3-dimensional tensor, but got {x.ndim}-dimensional tensor '
                           f"for argument #1 'log_probs'{_CHECK}")
    if not 1 <= t.ndim <= 2:
        raise RuntimeError(f'Expected 1 to 2 dimensions, but got {t.ndim}-dimensional tensor for '
                           f"argument #2 'targets'{_CHECK}")
    if x.dtype not in FLOATING:
        raise NotImplementedError(f'"ctc_loss_cpu" not implemented for \'{tname(x.dtype)}\'')
    T, N, C = x.shape
    if not 0 <= blank < C:
        raise RuntimeError(f'blank must be in label range (blank={blank}, {C} classes)')
    if il.size != N:
        raise RuntimeError(f'input_lengths must be of size batch_size (got {il.size} lengths for '
                           f'a batch of {N})')
    if tl.size != N:
        raise RuntimeError(f'target_lengths must be of size batch_size (got {tl.size} lengths '
                           f'for a batch of {N})')
    for i in range(N):
        if tl[i] < 0:
            raise RuntimeError(f'Expected target_lengths to have value at least 0, but got value '
                               f'{tl[i]}{_CHECK}')
    smax = int(tl.max()) if N else 0
    if t.ndim == 1:
        if t.shape[0] != int(tl.sum()):
            raise RuntimeError(f'Expected tensor to have size {int(tl.sum())} at dimension 0, but '
                               f"got size {t.shape[0]} for argument #2 'targets'{_CHECK}")
    else:
        if t.shape[0] != N:
            raise RuntimeError(f'Expected tensor to have size {N} at dimension 0, but got size '
                               f"{t.shape[0]} for argument #2 'targets'{_CHECK}")
        if t.shape[1] < smax:
            raise RuntimeError(f'Expected tensor to have size at least {smax} at dimension 1, but '
                               f"got size {t.shape[1]} for argument #2 'targets'{_CHECK}")
    for b in range(N):
        if il[b] < 0:
            raise RuntimeError(f'Expected input_lengths to have value at least 0, but got value '
                               f'{il[b]}{_CHECK}')
        if il[b] > T:
            raise RuntimeError(f'Expected input_lengths to have value at most {T}, but got value '
                               f'{il[b]}{_CHECK}')
    return T, N, C, smax


def _labels(t, tl, n, smax):
    """(N, smax) targets, zero past each target length."""
    k = np.arange(smax)
    inside = k[None, :] < tl[:, None]
    if t.ndim == 1:
        offsets = np.concatenate([[0], np.cumsum(tl)[:-1]]).astype(np.int64)
        idx = np.where(inside, offsets[:, None] + k[None, :], 0)
        lab = t[idx] if t.size else np.zeros((n, smax), np.int64)
    else:
        lab = t[:, :smax]
    return np.where(inside, lab, 0).astype(np.int64)


class _Ops:
    """log/exp as PyTorch's scalar kernel rounds them (float32: computed in float64, rounded
    once; float64: NumPy)."""

    def __init__(self, dt):
        self.dt = dt
        self.f32 = dt == _F32

    def exp(self, x):
        return np.exp(x.astype(_F64)).astype(_F32) if self.f32 else np.exp(x)

    def log(self, x):
        return np.log(x.astype(_F64)).astype(_F32) if self.f32 else np.log(x)

    def lse3(self, a1, a2, a3):
        """``log(exp(a1-m) + exp(a2-m) + exp(a3-m)) + m`` with m the max (0 if all -inf)."""
        m = np.maximum(np.maximum(a1, a2), a3)
        m[m == -np.inf] = 0
        s = self.exp(a1 - m) + self.exp(a2 - m)
        s += self.exp(a3 - m)
        return self.log(s) + m


def _ctc(lp_t, targets, il, tl, blank, zero_infinity):
    x = lp_t._data
    t = targets._data
    if t.dtype.kind != 'i' or t.dtype != np.int64:
        t = t.astype(np.int64)
    T, N, C, smax = _check(x, t, il, tl, blank)
    dt = x.dtype
    lab = _labels(t, tl, N, smax)
    valid_lab = np.arange(smax)[None, :] < tl[:, None]
    if ((lab < 0) | (lab >= C))[valid_lab].any():
        bad = int(lab[valid_lab & ((lab < 0) | (lab >= C))][0])
        raise IndexError(f'ctc_loss: target label {bad} is out of range for {C} classes (labels '
                         f'must be in [0, {C - 1}], and should differ from blank={blank})')
    S = 2 * smax + 1
    ext = np.full((N, S), blank, np.int64)
    ext[:, 1::2] = lab
    s_idx = np.arange(S)
    valid = s_idx[None, :] <= 2 * tl[:, None]                     # (N, S)
    skip = np.zeros((N, S), bool)
    skip[:, 2:] = ext[:, 2:] != ext[:, :-2]
    lpe = np.take_along_axis(x, ext[None], axis=2) if T else np.zeros((0, N, S), dt)
    ops = _Ops(dt)
    neg = dt.type(-np.inf)
    alpha = np.full((T, N, S), neg, dt)
    with np.errstate(all='ignore'):
        if T:
            alpha[0, :, 0] = lpe[0, :, 0]
            if S > 1:
                alpha[0, :, 1] = np.where(tl > 0, lpe[0, :, 1], neg)
        a2 = np.full((N, S), neg, dt)
        a3 = np.full((N, S), neg, dt)
        for step in range(1, int(il.max()) if N else 0):
            prev = alpha[step - 1]
            a2[:, 1:] = prev[:, :-1]
            a3[:, 2:] = np.where(skip[:, 2:], prev[:, :-2], neg)
            alpha[step] = ops.lse3(prev, a2, a3) + lpe[step]
        nll = np.empty(N, dt)
        rows = np.arange(N)
        last = np.maximum(il - 1, 0)
        l1 = alpha[last, rows, 2 * tl]
        l2 = np.where(tl > 0, alpha[last, rows, np.maximum(2 * tl - 1, 0)], neg)
        m = np.maximum(l1, l2)
        m[m == -np.inf] = 0
        ll = ops.log(ops.exp(l1 - m) + ops.exp(l2 - m)) + m
        ll = np.where(tl == 0, l1, ll)
        nll[:] = -ll
        empty = il == 0
        if empty.any():
            nll[empty] = np.where(tl[empty] == 0, -dt.type(0), np.inf)
    res = wrap(nll)
    if not STATE.enabled or not lp_t._rg:
        return res
    ctx = (ext, valid, skip, lpe, alpha, nll, il, tl, blank, zero_infinity)
    return record(res, 'CtcLossBackward0', _ctc_backward, (lp_t,), (lp_t,), ctx=ctx)


def _ctc_backward(node, grad):
    (lp_t,) = node.saved()
    ext, valid, skip, lpe, alpha, nll, il, tl, blank, zero_infinity = node.ctx
    x = lp_t._data
    T, N, C = x.shape
    S = ext.shape[1]
    dt = x.dtype
    ops = _Ops(dt)
    neg = dt.type(-np.inf)
    rows = np.arange(N)
    beta = np.full((T, N, S), neg, dt)
    with np.errstate(all='ignore'):
        init = np.full((N, S), neg, dt)
        last = np.maximum(il - 1, 0)
        init[rows, 2 * tl] = lpe[last, rows, 2 * tl]
        has = tl > 0
        init[rows[has], 2 * tl[has] - 1] = lpe[last[has], rows[has], 2 * tl[has] - 1]
        b2 = np.full((N, S), neg, dt)
        b3 = np.full((N, S), neg, dt)
        invalid = ~valid
        skip2 = skip[:, 2:]
        starts = {}                                  # time step -> rows whose beta starts there
        for b in range(N):
            if il[b] > 0:
                starts.setdefault(int(il[b]) - 1, []).append(b)
        started = np.zeros(N, bool)
        for step in range(T - 1, -1, -1):
            if step == T - 1:
                cur = np.full((N, S), neg, dt)
            else:
                nxt = beta[step + 1]
                b2[:, :-1] = nxt[:, 1:]
                b3[:, :-2] = np.where(skip2, nxt[:, 2:], neg)
                cur = ops.lse3(nxt, b2, b3) + lpe[step]
                cur[invalid] = neg
            rows_now = starts.get(step)
            if rows_now is not None:
                cur[rows_now] = init[rows_now]
                started[rows_now] = True
            if not started.all():
                cur[~started] = neg
            beta[step] = cur
        # collect alpha * beta per class, in float64
        ab = alpha.astype(_F64) + beta.astype(_F64)                  # (T, N, S)
        ab[:, ~valid] = -np.inf
        # PyTorch writes (not log-adds) the last label's term at t = input_length - 1, so a
        # last label equal to blank overwrites the blank's term there
        same = has & (ext[rows, np.maximum(2 * tl - 1, 0)] == blank) & (il > 0)
        if same.any():
            ab[last[same], rows[same], 2 * tl[same]] = -np.inf
        m = ab.max(axis=2, keepdims=True) if S else np.zeros((T, N, 1))
        m[~np.isfinite(m)] = 0
        e = np.exp(ab - m)
        onehot = np.zeros((N, S, C))
        onehot[rows[:, None], np.arange(S)[None, :], ext] = 1.0
        coll = np.matmul(e.transpose(1, 0, 2), onehot).transpose(1, 0, 2)   # (T, N, C)
        lcab = np.log(coll) + m
        lp64 = x.astype(_F64)
        nll64 = nll.astype(_F64)[None, :, None]
        g = grad._data.astype(_F64).reshape(1, N, 1)
        out = (np.exp(lp64) - np.exp(lcab + nll64 - lp64)) * g
    keep = np.arange(T)[:, None] < il[None, :]                       # (T, N)
    if zero_infinity:
        keep = keep & (nll != np.inf)[None, :]
    out = np.where(keep[:, :, None], out, 0.0).astype(dt)
    res = wrap(out)
    return record_not_implemented(res, '_ctc_loss_backward', (grad, lp_t))
