"""The time loops of one recurrent layer in one direction, on backend arrays.

Layout. The input ``X`` is time-major and flat, ``(N, features)``: step ``t`` owns the rows
``o_t : o_t + b_t`` (``b_t`` sequences still running; ``b_t = B`` for a padded batch,
PyTorch's ``batch_sizes`` for a packed one). Hidden states live in one buffer ``HH`` of
``N + B`` rows: the outputs of every step plus one block for the initial state, placed so that
for a padded batch the states *before* each step are a contiguous slice of ``HH`` too (the
weight gradient ``dW_hh = dG.T @ H_prev`` is then one matrix product without a copy).
The cell states of an LSTM use the same layout (``CC``).

Forward: one matrix product for the input projections of all steps, then per step one
product ``h @ W_hh.T`` for all gates and a few element-wise calls. Sigmoids are computed as
``0.5 * tanh(x / 2) + 0.5`` with the ``1/2`` folded into the gate rows of the weights (an exact
power-of-two scaling), so all gates of a step take one ``tanh`` call.

Backward: the reverse loop does per step the element-wise chain rule and one product
``dG_t @ W_hh``; the weight and input gradients are one product each over all steps.

>>> import numpy as np
>>> p = plan(None, 2, 1, False)
>>> [(o, b) for o, b, _ in p.steps]
[(0, 1), (1, 1)]
"""
import numpy as np

__all__ = ['plan', 'forward', 'backward']

_PLANS = {}
_CONSTS = {}


class Plan:
    """Where each step's rows are: ``steps`` lists ``(o, b, prev)`` in processing order, with
    ``prev`` the rows of ``HH`` holding the state before the step (a slice, or two slices to
    join when a packed batch grows in the reverse direction)."""
    __slots__ = ('N', 'B', 'steps', 'shift', 'init', 'prev_rows', 'last_rows', 'out_rows')

    def __init__(self, N, B, steps, shift, init, prev_rows, last_rows, out_rows):
        self.N, self.B, self.steps, self.shift, self.init = N, B, steps, shift, init
        self.prev_rows, self.last_rows, self.out_rows = prev_rows, last_rows, out_rows


def plan(batch_sizes, T, B, reverse):
    """The (cached) :class:`Plan` of a padded batch (``batch_sizes`` None, ``T`` steps of
    ``B``) or of a packed one (``batch_sizes`` a tuple of ints)."""
    key = (batch_sizes, T, B, reverse)
    p = _PLANS.get(key)
    if p is None:
        p = _make_plan(batch_sizes, T, B, reverse)
        if len(_PLANS) > 256:
            _PLANS.clear()
        _PLANS[key] = p
    return p


def _make_plan(batch_sizes, T, B, reverse):
    if batch_sizes is None:
        N = T * B
        if reverse:        # h0 after the outputs; the state before step t is step t+1's
            steps = [(t * B, B, slice((t + 1) * B, (t + 2) * B)) for t in range(T - 1, -1, -1)]
            return Plan(N, B, steps, 0, N, slice(B, N + B), slice(0, B), slice(0, N))
        steps = [(t * B, B, slice(t * B, (t + 1) * B)) for t in range(T)]
        return Plan(N, B, steps, B, 0, slice(0, N), slice(N, N + B), slice(B, N + B))
    bs = list(batch_sizes)
    T = len(bs)
    B = bs[0]
    offs = [0] * T
    for t in range(1, T):
        offs[t] = offs[t - 1] + bs[t - 1]
    N = offs[-1] + bs[-1]
    prev_idx = np.empty(N, dtype=np.int64)
    if not reverse:
        steps = []
        for t in range(T):
            o, b = offs[t], bs[t]
            start = N if t == 0 else offs[t - 1]
            steps.append((o, b, slice(start, start + b)))
            prev_idx[o:o + b] = np.arange(start, start + b)
        lens = np.array([sum(1 for b in bs if b > r) for r in range(B)], dtype=np.int64)
        last = np.asarray(offs, dtype=np.int64)[lens - 1] + np.arange(B)
        return Plan(N, B, steps, 0, N, prev_idx, last, slice(0, N))
    steps = []
    for t in range(T - 1, -1, -1):
        o, b = offs[t], bs[t]
        if t == T - 1:
            prev = slice(N, N + b)
            prev_idx[o:o + b] = np.arange(N, N + b)
        else:
            q, bq = offs[t + 1], bs[t + 1]
            prev_idx[o:o + bq] = np.arange(q, q + bq)
            prev_idx[o + bq:o + b] = np.arange(N + bq, N + b)
            prev = slice(q, q + b) if b == bq else (slice(q, q + bq), slice(N + bq, N + b))
        steps.append((o, b, prev))
    return Plan(N, B, steps, 0, N, prev_idx, slice(0, B), slice(0, N))


def _consts(xp, H, dtype, n_gates):
    """Scale (1/2 on sigmoid gates, 1 on tanh gates) and offset (1/2 on sigmoid gates)."""
    key = (xp.__name__, H, np.dtype(dtype).str, n_gates)
    c = _CONSTS.get(key)
    if c is None:
        if n_gates == 4:           # LSTM: i, f sigmoid; g tanh; o sigmoid
            sig = [True, True, False, True]
        else:                      # GRU r, z (the n gate is handled apart)
            sig = [True, True]
        scale = np.concatenate([np.full(H, 0.5 if s else 1.0) for s in sig]).astype(dtype)
        off = np.concatenate([np.full(H, 0.5 if s else 0.0) for s in sig]).astype(dtype)
        c = (xp.asarray(scale), xp.asarray(off))
        _CONSTS[key] = c
    return c


def _rows(buf, sel, xp):
    return buf[sel] if sel.__class__ is slice else xp.take(buf, xp.asarray(sel), axis=0)


def _prev(buf, prev, xp):
    if prev.__class__ is slice:
        return buf[prev]
    return xp.concatenate((buf[prev[0]], buf[prev[1]]))


def _init_state(xp, rows, width, init, B, state, dtype):
    buf = xp.empty((rows, width), dtype=dtype)
    if state is None:
        buf[init:init + B] = 0
    else:
        buf[init:init + B] = state
    return buf


# --------------------------------------------------------------------------- forward
def forward(mode, xp, X, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, p):
    """Run the layer over ``X`` ``(N, F)``; returns ``(Y, h_n, c_n, cache)`` where ``Y`` is
    ``(N, H_out)``, ``h_n``/``c_n`` are ``(B, .)`` (``c_n`` None unless LSTM) and ``cache``
    holds what :func:`backward` needs."""
    if mode == 'LSTM':
        return _lstm_forward(xp, X, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, p)
    if mode == 'GRU':
        return _gru_forward(xp, X, h0, w_ih, w_hh, b_ih, b_hh, p)
    return _rnn_forward(xp, X, h0, w_ih, w_hh, b_ih, b_hh, p, mode == 'RNN_RELU')


def _lstm_forward(xp, X, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, p):
    dt = X.dtype
    H = w_hh.shape[0] // 4
    P = w_hh.shape[1]
    N, B, shift = p.N, p.B, p.shift
    S, OFF = _consts(xp, H, dt, 4)
    Sc = S[:, None]
    G = X @ (w_ih * Sc).T                      # all input projections, sigmoid rows halved
    if b_ih is not None:
        G += (b_ih + b_hh) * S
    whhT = (w_hh * Sc).T
    HH = _init_state(xp, N + B, P, p.init, B, h0, dt)
    CC = _init_state(xp, N + B, H, p.init, B, c0, dt)
    TC = xp.empty((N, H), dtype=dt)
    proj = w_hr is not None
    if proj:
        HC = xp.empty((N, H), dtype=dt)
        whrT = w_hr.T
    tmp = xp.empty((B, 4 * H), dtype=dt)
    ctmp = xp.empty((B, H), dtype=dt)
    tanh, mul, mm = xp.tanh, xp.multiply, xp.matmul
    H2, H3 = 2 * H, 3 * H
    first = h0 is None
    for o, b, prev in p.steps:
        g = G[o:o + b]
        if first:
            first = False
        else:
            t = tmp[:b]
            mm(_prev(HH, prev, xp), whhT, out=t)
            g += t
        tanh(g, out=g)
        g *= S
        g += OFF
        y = o + shift
        c = CC[y:y + b]
        mul(g[:, H:H2], _prev(CC, prev, xp), out=c)
        ct = ctmp[:b]
        mul(g[:, :H], g[:, H2:H3], out=ct)
        c += ct
        tc = TC[o:o + b]
        tanh(c, out=tc)
        if proj:
            hc = HC[o:o + b]
            mul(g[:, H3:], tc, out=hc)
            mm(hc, whrT, out=HH[y:y + b])
        else:
            mul(g[:, H3:], tc, out=HH[y:y + b])
    cache = (X, G, HH, CC, TC, HC if proj else None)
    return HH[p.out_rows], _rows(HH, p.last_rows, xp), _rows(CC, p.last_rows, xp), cache


def _gru_forward(xp, X, h0, w_ih, w_hh, b_ih, b_hh, p):
    dt = X.dtype
    H = w_hh.shape[0] // 3
    N, B, shift = p.N, p.B, p.shift
    S, OFF = _consts(xp, H, dt, 2)
    H2 = 2 * H
    s3 = xp.concatenate((S, xp.ones(H, dtype=dt)))
    G = X @ (w_ih * s3[:, None]).T             # r, z rows halved; n rows as they are
    if b_ih is not None:
        G[:, :H2] += (b_ih[:H2] + b_hh[:H2]) * S
        G[:, H2:] += b_ih[H2:]
        b_hn = b_hh[H2:]
    whhT = (w_hh * s3[:, None]).T
    HH = _init_state(xp, N + B, H, p.init, B, h0, dt)
    GHN = xp.empty((N, H), dtype=dt)           # W_hn h + b_hn of every step (for dr)
    tmp = xp.empty((B, 3 * H), dtype=dt)
    ntmp = xp.empty((B, H), dtype=dt)
    tanh, mul, mm = xp.tanh, xp.multiply, xp.matmul
    first = h0 is None
    for o, b, prev in p.steps:
        g = G[o:o + b]
        rz = g[:, :H2]
        ghn = GHN[o:o + b]
        hp = _prev(HH, prev, xp)
        if first:
            first = False
            if b_ih is not None:
                ghn[...] = b_hn
            else:
                ghn[...] = 0
        else:
            t = tmp[:b]
            mm(hp, whhT, out=t)
            rz += t[:, :H2]
            if b_ih is not None:
                xp.add(t[:, H2:], b_hn, out=ghn)
            else:
                ghn[...] = t[:, H2:]
        tanh(rz, out=rz)
        rz *= S
        rz += OFF
        n = g[:, H2:]
        nt = ntmp[:b]
        mul(g[:, :H], ghn, out=nt)
        n += nt
        tanh(n, out=n)
        y = o + shift
        h = HH[y:y + b]
        xp.subtract(hp, n, out=h)              # h' = (h - n) * z + n, as PyTorch
        h *= g[:, H:H2]
        h += n
    cache = (X, G, HH, GHN)
    return HH[p.out_rows], _rows(HH, p.last_rows, xp), None, cache


def _rnn_forward(xp, X, h0, w_ih, w_hh, b_ih, b_hh, p, relu):
    dt = X.dtype
    N, B, shift = p.N, p.B, p.shift
    G = X @ w_ih.T
    if b_ih is not None:
        G += b_ih + b_hh
    whhT = w_hh.T
    HH = _init_state(xp, N + B, w_hh.shape[0], p.init, B, h0, dt)
    mm = xp.matmul
    act = None if relu else xp.tanh
    first = h0 is None
    for o, b, prev in p.steps:
        y = o + shift
        h = HH[y:y + b]
        if first:
            first = False
            h[...] = G[o:o + b]
        else:
            mm(_prev(HH, prev, xp), whhT, out=h)
            h += G[o:o + b]
        if relu:
            xp.maximum(h, 0, out=h)
        else:
            act(h, out=h)
    cache = (X, HH)
    return HH[p.out_rows], _rows(HH, p.last_rows, xp), None, cache


# --------------------------------------------------------------------------- backward
def backward(mode, xp, cache, p, weights, dY, dhn, dcn, need):
    """Gradients ``(dX, dh0, dc0, dW_ih, dW_hh, db_ih, db_hh, dW_hr)`` (None where ``need[i]``
    is false) from the output gradients ``dY`` ``(N, H_out)``, ``dhn``, ``dcn`` (each may be
    None)."""
    if mode == 'LSTM':
        return _lstm_backward(xp, cache, p, weights, dY, dhn, dcn, need)
    if mode == 'GRU':
        return _gru_backward(xp, cache, p, weights, dY, dhn, need)
    return _rnn_backward(xp, cache, p, weights, dY, dhn, need, mode == 'RNN_RELU')


def _state_grad(xp, d, B, width, dt):
    if d is None:
        return xp.zeros((B, width), dtype=dt)
    return xp.array(d, dtype=dt, order='C', copy=True)


def _finish(xp, X, dG, dGh, hprev, w_ih, need, b_shared):
    """The gradients that are one product over all steps: dX, dW_ih, dW_hh, db_ih, db_hh."""
    dX = dG @ w_ih if need[0] else None
    dW_ih = dG.T @ X if need[3] else None
    dW_hh = dGh.T @ hprev if need[4] else None
    db_ih = db_hh = None
    if need[5] or need[6]:
        db_ih = dG.sum(0) if need[5] else None
        if need[6]:
            db_hh = (db_ih if db_ih is not None else dG.sum(0)) if b_shared else dGh.sum(0)
            if db_hh is db_ih:
                db_hh = db_ih.copy()
    return dX, dW_ih, dW_hh, db_ih, db_hh


def _lstm_backward(xp, cache, p, weights, dY, dhn, dcn, need):
    X, A, HH, CC, TC, HC = cache
    w_ih, w_hh, w_hr = weights[0], weights[1], weights[4]
    dt = X.dtype
    H = w_hh.shape[0] // 4
    P = w_hh.shape[1]
    N, B = p.N, p.B
    H2, H3 = 2 * H, 3 * H
    D = 1 - A                                  # a (1 - a) for the sigmoid gates ...
    D *= A
    gg = A[:, H2:H3]                           # ... and 1 - g^2 for the cell gate
    xp.multiply(gg, gg, out=D[:, H2:H3])
    xp.subtract(1, D[:, H2:H3], out=D[:, H2:H3])
    OT = TC * TC                               # o (1 - tanh(c)^2)
    xp.subtract(1, OT, out=OT)
    OT *= A[:, H3:]
    cprev = _rows(CC, p.prev_rows, xp)
    dG = xp.empty((N, 4 * H), dtype=dt)
    dh = _state_grad(xp, dhn, B, P, dt)
    dc = _state_grad(xp, dcn, B, H, dt)
    proj = w_hr is not None
    if proj:
        DH = xp.empty((N, P), dtype=dt)
        hbuf = xp.empty((B, H), dtype=dt)
    tmp = xp.empty((B, H), dtype=dt)
    mul, mm = xp.multiply, xp.matmul
    for o, b, _ in reversed(p.steps):
        dhb = dh[:b]
        if dY is not None:
            dhb += dY[o:o + b]
        if proj:
            DH[o:o + b] = dhb
            dhc = hbuf[:b]
            mm(dhb, w_hr, out=dhc)
        else:
            dhc = dhb
        a = A[o:o + b]
        g = dG[o:o + b]
        dcb = dc[:b]
        t = tmp[:b]
        mul(dhc, OT[o:o + b], out=t)
        dcb += t
        mul(dhc, TC[o:o + b], out=g[:, H3:])
        mul(dcb, a[:, H2:H3], out=g[:, :H])
        mul(dcb, cprev[o:o + b], out=g[:, H:H2])
        mul(dcb, a[:, :H], out=g[:, H2:H3])
        g *= D[o:o + b]
        dcb *= a[:, H:H2]
        mm(g, w_hh, out=dhb)
    hprev = _rows(HH, p.prev_rows, xp)
    dX, dW_ih, dW_hh, db_ih, db_hh = _finish(xp, X, dG, dG, hprev, w_ih, need, True)
    dW_hr = DH.T @ HC if proj and need[7] else None
    return (dX, dh if need[1] else None, dc if need[2] else None, dW_ih, dW_hh, db_ih, db_hh,
            dW_hr)


def _gru_backward(xp, cache, p, weights, dY, dhn, need):
    X, A, HH, GHN = cache
    w_ih, w_hh = weights[0], weights[1]
    dt = X.dtype
    H = w_hh.shape[0] // 3
    N, B = p.N, p.B
    H2 = 2 * H
    r, z, n = A[:, :H], A[:, H:H2], A[:, H2:]
    hprev = _rows(HH, p.prev_rows, xp)
    P1 = n * n                                 # dn = dh (1 - z)(1 - n^2)
    xp.subtract(1, P1, out=P1)
    P1 *= 1 - z
    Q = 1 - r                                  # dr = dn * ghn * r (1 - r)
    Q *= r
    Q *= GHN
    Z2 = hprev - n                             # dz = dh (h - n) z (1 - z)
    Z2 *= z
    Z2 *= 1 - z
    dGI = xp.empty((N, 3 * H), dtype=dt)
    dGH = xp.empty((N, 3 * H), dtype=dt)
    dh = _state_grad(xp, dhn, B, H, dt)
    tmp = xp.empty((B, H), dtype=dt)
    mul, mm = xp.multiply, xp.matmul
    for o, b, _ in reversed(p.steps):
        dhb = dh[:b]
        if dY is not None:
            dhb += dY[o:o + b]
        gi = dGI[o:o + b]
        gh = dGH[o:o + b]
        dn = gi[:, H2:]
        mul(dhb, P1[o:o + b], out=dn)
        mul(dn, Q[o:o + b], out=gi[:, :H])
        mul(dhb, Z2[o:o + b], out=gi[:, H:H2])
        gh[:, :H2] = gi[:, :H2]
        mul(dn, r[o:o + b], out=gh[:, H2:])
        t = tmp[:b]
        mm(gh, w_hh, out=t)
        dhb *= z[o:o + b]
        dhb += t
    dX, dW_ih, dW_hh, db_ih, db_hh = _finish(xp, X, dGI, dGH, hprev, w_ih, need, False)
    return dX, dh if need[1] else None, None, dW_ih, dW_hh, db_ih, db_hh, None


def _rnn_backward(xp, cache, p, weights, dY, dhn, need, relu):
    X, HH = cache
    w_ih, w_hh = weights[0], weights[1]
    dt = X.dtype
    N, B = p.N, p.B
    Y = HH[p.out_rows]
    if relu:
        D = (Y > 0).astype(dt)
    else:
        D = Y * Y
        xp.subtract(1, D, out=D)
    dG = xp.empty((N, w_hh.shape[0]), dtype=dt)
    dh = _state_grad(xp, dhn, B, w_hh.shape[1], dt)
    mul, mm = xp.multiply, xp.matmul
    for o, b, _ in reversed(p.steps):
        dhb = dh[:b]
        if dY is not None:
            dhb += dY[o:o + b]
        g = dG[o:o + b]
        mul(dhb, D[o:o + b], out=g)
        mm(g, w_hh, out=dhb)
    hprev = _rows(HH, p.prev_rows, xp)
    dX, dW_ih, dW_hh, db_ih, db_hh = _finish(xp, X, dG, dG, hprev, w_ih, need, True)
    return dX, dh if need[1] else None, None, dW_ih, dW_hh, db_ih, db_hh, None
