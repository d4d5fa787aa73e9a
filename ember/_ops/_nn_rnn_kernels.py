"""The time loops of one recurrent layer in one direction, on backend arrays.

Layout. Inside the loops every per-step quantity is a ``(features, batch)`` block of a
``(T, features, B)`` buffer, so that each gate of a step is one contiguous block: the
element-wise calls of a step run on contiguous memory, which on small batches is what costs
(a NumPy call on a strided column slice is several times slower than on a contiguous block).
The hidden states live in ``HH`` of ``T + 1`` blocks: the outputs of every step plus one block
for the initial state, so that the state before each step is a block too. A packed batch uses
the same padded buffers, step ``t`` working on its first ``b_t`` columns; the unused columns
of the state buffers hold the initial states of the sequences that start later (reverse
direction), so no step ever joins arrays.

Forward: one matrix product for the input projections of all steps (the biases ride along as
a column of ones appended to the input), then per step one product ``W_hh @ h`` for all gates
and a few element-wise calls. Sigmoids are ``0.5 * tanh(x / 2) + 0.5`` with the ``1/2`` folded
into the weight rows of the sigmoid gates (an exact power-of-two scaling), and the gates are
reordered internally so that those are adjacent: all gates of a step take one ``tanh`` call.

Backward: the reverse loop does per step the element-wise chain rule and one product
``W_hh^T @ dG_t``; the gradients of the weights, biases and input are one product each over
all steps at the end.

>>> p = plan(None, 2, 1, False)
>>> [(t, y, prev) for t, b, y, prev in p.steps]
[(0, 1, 0), (1, 2, 1)]
"""
import numpy as np

from ._elementwise import quieted

__all__ = ['plan', 'forward', 'backward']

_PLANS = {}
_PERMS = {}


class Plan:
    """The schedule of one direction over a padded (``packed`` False) or packed batch.

    ``steps`` lists ``(t, b, y, prev)`` in processing order: time step, active sequences,
    the block of ``HH`` the step writes and the block holding the state before it.
    ``first[r]`` is the block holding row r's initial state, ``last[r]`` the one with its final
    state; ``rows`` (packed only) maps each packed row to ``(t, j)`` as ``t * B + j``.
    """
    __slots__ = ('T', 'B', 'N', 'steps', 'packed', 'reverse', 'first', 'last', 'rows',
                 't_idx', 'j_idx', 'cols', 'init', 'final')

    def __init__(self, T, B, N, steps, packed, reverse, first, last, rows):
        self.T, self.B, self.N, self.steps = T, B, N, steps
        self.packed, self.reverse = packed, reverse
        self.first, self.last, self.rows = first, last, rows
        if rows is not None:
            self.t_idx, self.j_idx = rows // B, rows % B
            self.cols = np.arange(B)
        self.init = T if reverse else 0          # the initial-state block of a padded batch
        self.final = 0 if reverse else T         # its final-state block


def plan(batch_sizes, T, B, reverse):
    """The (cached) :class:`Plan` of a padded batch (``batch_sizes`` None, ``T`` steps of
    ``B``) or a packed one (``batch_sizes`` a tuple of ints, decreasing)."""
    key = (batch_sizes, T, B, reverse)
    p = _PLANS.get(key)
    if p is None:
        if len(_PLANS) > 256:
            _PLANS.clear()
        p = _PLANS[key] = _make_plan(batch_sizes, T, B, reverse)
    return p


def _make_plan(batch_sizes, T, B, reverse):
    bs = [B] * T if batch_sizes is None else list(batch_sizes)
    T = len(bs)
    B = bs[0] if T else 0
    order = range(T - 1, -1, -1) if reverse else range(T)
    if reverse:
        steps = [(t, bs[t], t, t + 1) for t in order]
    else:
        steps = [(t, bs[t], t + 1, t) for t in order]
    if batch_sizes is None:
        return Plan(T, B, T * B, steps, False, reverse, None, None, None)
    lens = np.array([sum(1 for b in bs if b > r) for r in range(B)], dtype=np.int64)
    first = lens.copy() if reverse else np.zeros(B, dtype=np.int64)
    last = np.zeros(B, dtype=np.int64) if reverse else lens.copy()
    rows = np.concatenate([t * B + np.arange(b) for t, b in enumerate(bs)]).astype(np.int64)
    return Plan(T, B, int(sum(bs)), steps, True, reverse, first, last, rows)


def _ix(xp, a):
    return a if xp is np else xp.asarray(a)


def _perm(mode, H):
    """Internal gate order (sigmoid gates first): LSTM ``o, i, f, g``; GRU and RNN as is."""
    key = (mode, H)
    p = _PERMS.get(key)
    if p is None:
        if mode == 'LSTM':
            p = np.concatenate([np.arange(3 * H, 4 * H), np.arange(0, 3 * H)])
            p = (p, np.argsort(p))
        else:
            p = (None, None)
        _PERMS[key] = p
    return p


def _augment(xp, X, p, dt):
    """The input as ``(T, B, F + 1)`` with a column of ones (padded with zeros if packed)."""
    F = X.shape[-1]
    if p.packed:
        Xa = xp.zeros((p.T * p.B, F + 1), dtype=dt)
        rows = _ix(xp, p.rows)
        Xa[rows, :F] = X
        Xa[rows, F] = 1
        return Xa.reshape(p.T, p.B, F + 1)
    Xa = xp.empty((p.T, p.B, F + 1), dtype=dt)
    Xa[:, :, :F] = X
    Xa[:, :, F] = 1
    return Xa


def _weights_aug(xp, w_ih, bias, rows_scale, perm, dt):
    """``[W_ih | b]`` in the internal gate order with the sigmoid rows halved."""
    G, F = w_ih.shape
    Wa = xp.empty((G, F + 1), dtype=dt)
    if perm is None:
        Wa[:, :F] = w_ih
        if bias is None:
            Wa[:, F] = 0
        else:
            Wa[:, F] = bias
    else:
        ip = _ix(xp, perm)
        Wa[:, :F] = w_ih[ip]
        if bias is None:
            Wa[:, F] = 0
        else:
            Wa[:, F] = bias[ip]
    if rows_scale:
        Wa[:rows_scale] *= 0.5
    return Wa


def _states(xp, p, width, state, dt, extra_row=False, extra=0):
    """The ``(T + 1, width, B)`` state buffer with the initial state in place (``extra``
    more rows per block, left to the caller; ``extra_row``: one more row of ones)."""
    if extra_row:
        extra = 1
    rows = width + extra
    if p.packed:
        HH = xp.zeros((p.T + 1, rows, p.B), dtype=dt)
        if state is not None:
            HH[_ix(xp, p.first), :width, _ix(xp, p.cols)] = state
    else:
        HH = xp.empty((p.T + 1, rows, p.B), dtype=dt)
        if state is None:
            HH[p.init, :width] = 0
        else:
            HH[p.init, :width] = state.T
    if extra_row:
        HH[:, width] = 1
    return HH


def _states_inputs(xp, p, width, state, X, dt):
    """The ``(T + 1, width + F + 1, B)`` buffer ``[h; x; 1]``: the state buffer of
    :func:`_states` whose blocks also hold the input of the step that reads them and a row
    of ones, so that one product per step gives a step's gates, input and bias included."""
    F = X.shape[-1]
    Z = _states(xp, p, width, state, dt, extra=F + 1)
    if p.packed:
        _prev_blocks(Z, p)[_ix(xp, p.t_idx), width:width + F, _ix(xp, p.j_idx)] = X
    else:
        _prev_blocks(Z, p)[:, width:width + F] = X.transpose(0, 2, 1)
        Z[p.final, width:width + F] = 0
    Z[:, width + F] = 1
    return Z


def _buffer(xp, p, shape, dt):
    """A per-step buffer; zero-filled for a packed batch (its unused columns stay finite)."""
    return xp.zeros(shape, dtype=dt) if p.packed else xp.empty(shape, dtype=dt)


def _final(xp, HH, p, width):
    """The final state of every sequence, ``(B, width)``."""
    if p.packed:
        return HH[_ix(xp, p.last), :width, _ix(xp, p.cols)]
    return HH[p.final, :width].T.copy()


def _outputs(xp, HH, p, width):
    """Every step's output in the caller's layout: ``(T, B, width)`` or packed ``(N, width)``."""
    Y = HH[1:, :width] if not p.reverse else HH[:-1, :width]
    if p.packed:
        return Y[_ix(xp, p.t_idx), :, _ix(xp, p.j_idx)]
    return xp.ascontiguousarray(Y.transpose(0, 2, 1))


def _prev_blocks(HH, p):
    return HH[1:] if p.reverse else HH[:-1]


def _y_blocks(HH, p):
    return HH[:-1] if p.reverse else HH[1:]


# --------------------------------------------------------------------------- forward
@quieted            # inf/nan inputs give inf/nan silently, as in PyTorch
def forward(mode, xp, X, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, p):
    """Run the layer over ``X`` (``(T, B, F)``, or packed ``(N, F)``); returns
    ``(Y, h_n, c_n, cache)``: the outputs in the layout of ``X``, the final states ``(B, .)``
    (``c_n`` None unless LSTM) and what :func:`backward` needs."""
    if mode == 'LSTM':
        return _lstm_forward(xp, X, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, p)
    if mode == 'GRU':
        return _gru_forward(xp, X, h0, w_ih, w_hh, b_ih, b_hh, p)
    return _rnn_forward(xp, X, h0, w_ih, w_hh, b_ih, b_hh, p, mode == 'RNN_RELU')


def _lstm_forward(xp, X, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, p):
    dt = X.dtype
    H = w_hh.shape[0] // 4
    P = w_hh.shape[1]
    F = w_ih.shape[1]
    H2, H3 = 2 * H, 3 * H
    ip = _ix(xp, _perm('LSTM', H)[0])
    # [W_hh | W_ih | b] in the internal gate order (o, i, f, g), sigmoid rows halved,
    # against each step's [h; x; 1]: one product per step gives all its gates
    Wj = xp.empty((4 * H, P + F + 1), dtype=dt)
    Wj[:, :P] = w_hh[ip]
    Wj[:, P:P + F] = w_ih[ip]
    if b_ih is None:
        Wj[:, P + F] = 0
    else:
        xp.add(b_ih[ip], b_hh[ip], out=Wj[:, P + F])
    Wj[:H3] *= 0.5
    ZZ = _states_inputs(xp, p, P, h0, X, dt)
    CC = _states(xp, p, H, c0, dt)
    A = _buffer(xp, p, (p.T, 4 * H, p.B), dt)  # per step: gates o, i, f, g
    TC = _buffer(xp, p, (p.T, H, p.B), dt)
    proj = w_hr is not None
    if proj:
        HC = _buffer(xp, p, (p.T, H, p.B), dt)
    ct = xp.empty((H, p.B), dtype=dt)
    tanh, mul, mm, add = xp.tanh, xp.multiply, xp.matmul, xp.add
    full = not p.packed
    for t, b, y, prev in p.steps:
        if full:
            a, zp, cp, c, tc, cb = A[t], ZZ[prev], CC[prev], CC[y], TC[t], ct
        else:
            a, zp, cp, c, tc, cb = (A[t, :, :b], ZZ[prev, :, :b], CC[prev, :, :b],
                                    CC[y, :, :b], TC[t, :, :b], ct[:, :b])
        mm(Wj, zp, a)
        tanh(a, a)
        s = a[:H3]
        mul(s, 0.5, s)
        add(s, 0.5, s)
        mul(a[H2:H3], cp, c)
        mul(a[H:H2], a[H3:], cb)
        add(c, cb, c)
        tanh(c, tc)
        if proj:
            hc = HC[t] if full else HC[t, :, :b]
            mul(a[:H], tc, hc)
            mm(w_hr, hc, ZZ[y, :P] if full else ZZ[y, :P, :b])
        else:
            mul(a[:H], tc, ZZ[y, :P] if full else ZZ[y, :P, :b])
    cache = (ZZ, A, CC, TC, HC if proj else None)
    return _outputs(xp, ZZ, p, P), _final(xp, ZZ, p, P), _final(xp, CC, p, H), cache


def _gru_forward(xp, X, h0, w_ih, w_hh, b_ih, b_hh, p):
    dt = X.dtype
    H = w_hh.shape[0] // 3
    H2 = 2 * H
    Xa = _augment(xp, X, p, dt)
    bias = None
    if b_ih is not None:
        bias = b_ih.copy()
        bias[:H2] += b_hh[:H2]
    Wa = _weights_aug(xp, w_ih, bias, H2, None, dt)
    A = xp.matmul(Wa, Xa.transpose(0, 2, 1))  # (T, 3H, B): x-parts of r, z, n
    Whh = xp.empty((3 * H, H + 1), dtype=dt)   # [W_hh | b_hn] against [h; 1]
    Whh[:, :H] = w_hh
    Whh[:H2, H] = 0
    if b_hh is None:
        Whh[H2:, H] = 0
    else:
        Whh[H2:, H] = b_hh[H2:]
    Whh[:H2] *= 0.5
    HH = _states(xp, p, H, h0, dt, extra_row=True)
    GH = _buffer(xp, p, (p.T, 3 * H, p.B), dt)  # W_hh h + b_hn per step (n part kept)
    nt = xp.empty((H, p.B), dtype=dt)
    tanh, mul, mm, add = xp.tanh, xp.multiply, xp.matmul, xp.add
    skip = h0 is None
    full = not p.packed
    for t, b, y, prev in p.steps:
        if full:
            a, g, hp, h, n_tmp = A[t], GH[t], HH[prev], HH[y, :H], nt
        else:
            a, g, hp, h, n_tmp = (A[t, :, :b], GH[t, :, :b], HH[prev, :, :b], HH[y, :H, :b],
                                  nt[:, :b])
        rz = a[:H2]
        if skip:
            skip = False
            g[...] = Whh[:, H:]                 # h0 = 0: only the bias
        else:
            mm(Whh, hp, g)
            add(rz, g[:H2], rz)
        tanh(rz, rz)
        mul(rz, 0.5, rz)
        add(rz, 0.5, rz)
        n = a[H2:]
        mul(a[:H], g[H2:], n_tmp)
        add(n, n_tmp, n)
        tanh(n, n)
        xp.subtract(hp[:H], n, h)          # h' = (h - n) * z + n, as PyTorch
        mul(h, a[H:H2], h)
        add(h, n, h)
    cache = (Xa, A, HH, GH)
    return _outputs(xp, HH, p, H), _final(xp, HH, p, H), None, cache


def _rnn_forward(xp, X, h0, w_ih, w_hh, b_ih, b_hh, p, relu):
    dt = X.dtype
    Hd = w_hh.shape[0]
    Xa = _augment(xp, X, p, dt)
    Wa = _weights_aug(xp, w_ih, None if b_ih is None else b_ih + b_hh, 0, None, dt)
    A = xp.matmul(Wa, Xa.transpose(0, 2, 1))  # (T, H, B)
    HH = _states(xp, p, Hd, h0, dt)
    mm = xp.matmul
    skip = h0 is None
    full = not p.packed
    for t, b, y, prev in p.steps:
        if full:
            a, hp, h = A[t], HH[prev], HH[y]
        else:
            a, hp, h = A[t, :, :b], HH[prev, :, :b], HH[y, :, :b]
        if skip:
            skip = False
            h[...] = a
        else:
            mm(w_hh, hp, h)
            xp.add(h, a, h)
        if relu:
            xp.maximum(h, 0, out=h)
        else:
            xp.tanh(h, h)
    cache = (Xa, HH)
    return _outputs(xp, HH, p, Hd), _final(xp, HH, p, Hd), None, cache


# --------------------------------------------------------------------------- backward
@quieted
def backward(mode, xp, cache, p, weights, dY, dhn, dcn, need):
    """Gradients ``(dX, dh0, dc0, dW_ih, dW_hh, db_ih, db_hh, dW_hr)`` (None where ``need[i]``
    is false) from the gradients of the outputs (``dY`` in the layout of the outputs),
    ``dhn`` and ``dcn`` (each may be None)."""
    if mode == 'LSTM':
        return _lstm_backward(xp, cache, p, weights, dY, dhn, dcn, need)
    if mode == 'GRU':
        return _gru_backward(xp, cache, p, weights, dY, dhn, need)
    return _rnn_backward(xp, cache, p, weights, dY, dhn, need, mode == 'RNN_RELU')


def _grad_states(xp, p, width, dY, dn, dt, cell=False):
    """``(T + 1, width, B)`` with the output gradients in the output blocks and the final-state
    gradients added at each sequence's last block; zeros elsewhere. For the cell state
    (``cell``, no output gradient) of a padded batch only the final block is set: every
    other block is written by the step that consumes it before it is read."""
    if p.packed:
        dHH = xp.zeros((p.T + 1, width, p.B), dtype=dt)
        if dY is not None:
            _y_blocks(dHH, p)[_ix(xp, p.t_idx), :, _ix(xp, p.j_idx)] = dY
        if dn is not None:
            dHH[_ix(xp, p.last), :, _ix(xp, p.cols)] += dn
        return dHH
    dHH = xp.empty((p.T + 1, width, p.B), dtype=dt)
    if cell:
        if dn is None:
            dHH[p.final] = 0
        else:
            dHH[p.final] = dn.T
        return dHH
    if dY is not None:
        _y_blocks(dHH, p)[...] = dY.transpose(0, 2, 1)
    else:
        _y_blocks(dHH, p)[...] = 0
    dHH[p.init] = 0
    if dn is not None:
        dHH[p.final] += dn.T
    return dHH


def _grad_initial(xp, dHH, p, width):
    """The gradient of the initial state, ``(B, width)``."""
    if p.packed:
        return dHH[_ix(xp, p.first), :width, _ix(xp, p.cols)]
    return dHH[p.init, :width].T.copy()


def _flat(xp, a):
    """``(T, K, B)`` as ``(K, T * B)`` (columns in (t, b) order)."""
    T, K, B = a.shape
    return xp.ascontiguousarray(a.transpose(1, 0, 2)).reshape(K, T * B)


def _rows_tb(xp, a):
    """``(T, K, B)`` as ``(T * B, K)``."""
    T, K, B = a.shape
    return xp.ascontiguousarray(a.transpose(0, 2, 1)).reshape(T * B, K)


def _input_grad(xp, p, G2, w_ih, perm):
    """The input's gradient, in the input's layout, from the gate gradients ``G2``."""
    dX = G2.T @ (w_ih if perm is None else w_ih[_ix(xp, perm)])
    return dX[_ix(xp, p.rows)] if p.packed else dX.reshape(p.T, p.B, w_ih.shape[1])


def _finish(xp, p, dG, Xa, w_ih, need, perm, perm_inv):
    """dX, dW_ih and db (the ones column's weight) from the gate gradients ``dG`` (T, G, B);
    also returns ``dG`` as ``(G, T * B)`` for the recurrent weight's gradient."""
    G2 = _flat(xp, dG)
    F = Xa.shape[-1] - 1
    dX = _input_grad(xp, p, G2, w_ih, perm) if need[0] else None
    dW_ih = db = None
    if need[3] or need[5] or need[6]:
        dWa = G2 @ Xa.reshape(p.T * p.B, F + 1)
        if perm_inv is not None:
            dWa = dWa[_ix(xp, perm_inv)]
        dW_ih = dWa[:, :F] if need[3] else None
        db = dWa[:, F] if (need[5] or need[6]) else None
    return G2, dX, dW_ih, db


def _lstm_backward(xp, cache, p, weights, dY, dhn, dcn, need):
    ZZ, A, CC, TC, HC = cache
    w_ih, w_hh, w_hr = weights[0], weights[1], weights[4]
    dt = A.dtype
    H = w_hh.shape[0] // 4
    P = w_hh.shape[1]
    H2, H3 = 2 * H, 3 * H
    perm, perm_inv = _perm('LSTM', H)
    o, i, f, g = A[:, :H], A[:, H:H2], A[:, H2:H3], A[:, H3:]
    S = 1 - A[:, :H3]                          # sigmoid'(.) = a (1 - a) for o, i, f
    S *= A[:, :H3]
    M = xp.empty((p.T, H3, p.B), dtype=dt)     # dG_{i,f,g} = dc * M
    mul = xp.multiply
    mul(g, S[:, H:H2], M[:, :H])
    mul(_prev_blocks(CC, p), S[:, H2:], M[:, H:H2])
    gg = g * g
    xp.subtract(1, gg, gg)
    mul(i, gg, M[:, H2:])
    TCD = TC * S[:, :H]                        # dG_o = dh * tanh(c) * o (1 - o)
    OT = TC * TC                               # dc += dh * o * (1 - tanh(c)^2)
    xp.subtract(1, OT, OT)
    OT *= o
    dHH = _grad_states(xp, p, P, dY, dhn, dt)
    dCC = _grad_states(xp, p, H, None, dcn, dt, cell=True)
    dG = _buffer(xp, p, (p.T, 4 * H, p.B), dt)
    WhhT = xp.ascontiguousarray(w_hh[_ix(xp, perm)].T)
    proj = w_hr is not None
    if proj:
        WhrT = xp.ascontiguousarray(w_hr.T)
        dhc_buf = xp.empty((H, p.B), dtype=dt)
    tH = xp.empty((H, p.B), dtype=dt)
    tP = xp.empty((P, p.B), dtype=dt)
    mm, add = xp.matmul, xp.add
    full = not p.packed
    for t, b, y, prev in reversed(p.steps):
        if full:
            dh, dc, dg, dcp, dhp, th, tp = dHH[y], dCC[y], dG[t], dCC[prev], dHH[prev], tH, tP
            ot, tcd, m, ft = OT[t], TCD[t], M[t], f[t]
        else:
            dh, dc, dg, dcp, dhp = (dHH[y, :, :b], dCC[y, :, :b], dG[t, :, :b],
                                    dCC[prev, :, :b], dHH[prev, :, :b])
            th, tp = tH[:, :b], tP[:, :b]
            ot, tcd, m, ft = OT[t, :, :b], TCD[t, :, :b], M[t, :, :b], f[t, :, :b]
        if proj:
            dhc = dhc_buf if full else dhc_buf[:, :b]
            mm(WhrT, dh, dhc)
        else:
            dhc = dh
        mul(dhc, ot, th)
        add(dc, th, dc)
        mul(dhc, tcd, dg[:H])
        mul(dc, m[:H], dg[H:H2])
        mul(dc, m[H:H2], dg[H2:H3])
        mul(dc, m[H2:], dg[H3:])
        mul(dc, ft, dcp)
        mm(WhhT, dg, tp)
        add(dhp, tp, dhp)
    G2 = _flat(xp, dG)
    dX = _input_grad(xp, p, G2, w_ih, perm) if need[0] else None
    dW_ih = dW_hh = db = None
    if need[3] or need[4] or need[5] or need[6]:
        # one product for the weights of [h; x; 1]: W_hh, W_ih and the bias column
        F = w_ih.shape[1]
        dWj = (G2 @ _rows_tb(xp, _prev_blocks(ZZ, p)))[_ix(xp, perm_inv)]
        # contiguous, as the optimizers' fast paths want their gradients
        dW_hh = xp.ascontiguousarray(dWj[:, :P]) if need[4] else None
        dW_ih = xp.ascontiguousarray(dWj[:, P:P + F]) if need[3] else None
        db = dWj[:, P + F] if (need[5] or need[6]) else None
    dW_hr = None
    if proj and need[7]:
        dW_hr = _flat(xp, _y_blocks(dHH, p)) @ _rows_tb(xp, HC)
    dh0 = _grad_initial(xp, dHH, p, P) if need[1] else None
    dc0 = _grad_initial(xp, dCC, p, H) if need[2] else None
    db_ih = db if need[5] else None
    db_hh = (db.copy() if need[5] else db) if need[6] else None
    return dX, dh0, dc0, dW_ih, dW_hh, db_ih, db_hh, dW_hr


def _gru_backward(xp, cache, p, weights, dY, dhn, need):
    Xa, A, HH, GH = cache
    w_ih, w_hh = weights[0], weights[1]
    dt = A.dtype
    H = w_hh.shape[0] // 3
    H2 = 2 * H
    r, z, n = A[:, :H], A[:, H:H2], A[:, H2:]
    hprev = _prev_blocks(HH, p)
    mul = xp.multiply
    P1 = n * n                                 # dn = dh (1 - z)(1 - n^2)
    xp.subtract(1, P1, P1)
    omz = 1 - z
    P1 *= omz
    Q = 1 - r                                  # dr = dn * ghn * r (1 - r)
    Q *= r
    Q *= GH[:, H2:]
    Z2 = hprev[:, :H] - n                      # dz = dh (h - n) z (1 - z)
    omz *= z
    Z2 *= omz
    dHH = _grad_states(xp, p, H, dY, dhn, dt)
    dGI = _buffer(xp, p, (p.T, 3 * H, p.B), dt)
    dGH = _buffer(xp, p, (p.T, 3 * H, p.B), dt)
    WhhT = xp.ascontiguousarray(w_hh.T)
    tH = xp.empty((H, p.B), dtype=dt)
    tZ = xp.empty((H, p.B), dtype=dt)
    mm, add = xp.matmul, xp.add
    full = not p.packed
    for t, b, y, prev in reversed(p.steps):
        if full:
            dh, gi, gh, dhp, th, tz = dHH[y], dGI[t], dGH[t], dHH[prev], tH, tZ
            p1, q, z2, rt, zt = P1[t], Q[t], Z2[t], r[t], z[t]
        else:
            dh, gi, gh, dhp = dHH[y, :, :b], dGI[t, :, :b], dGH[t, :, :b], dHH[prev, :, :b]
            th, tz = tH[:, :b], tZ[:, :b]
            p1, q, z2, rt, zt = P1[t, :, :b], Q[t, :, :b], Z2[t, :, :b], r[t, :, :b], z[t, :, :b]
        dn = gi[H2:]
        mul(dh, p1, dn)
        mul(dn, q, gh[:H])
        mul(dh, z2, gh[H:H2])
        mul(dn, rt, gh[H2:])
        mm(WhhT, gh, th)
        mul(dh, zt, tz)
        add(dhp, tz, dhp)
        add(dhp, th, dhp)
    dGI[:, :H2] = dGH[:, :H2]
    G2, dX, dW_ih, db_ih = _finish(xp, p, dGI, Xa, w_ih, need, None, None)
    dW_hh = db_hh = None
    if need[4] or need[6]:
        dWh = _flat(xp, dGH) @ _rows_tb(xp, hprev)
        dW_hh = dWh[:, :H] if need[4] else None
        db_hh = dWh[:, H] if need[6] else None
    dh0 = _grad_initial(xp, dHH, p, H) if need[1] else None
    return dX, dh0, None, dW_ih, dW_hh, db_ih if need[5] else None, db_hh, None


def _rnn_backward(xp, cache, p, weights, dY, dhn, need, relu):
    Xa, HH = cache
    w_ih, w_hh = weights[0], weights[1]
    dt = HH.dtype
    Hd = w_hh.shape[0]
    Y = _y_blocks(HH, p)
    if relu:
        D = (Y > 0).astype(dt)
    else:
        D = Y * Y
        xp.subtract(1, D, D)
    dHH = _grad_states(xp, p, Hd, dY, dhn, dt)
    dG = _buffer(xp, p, (p.T, Hd, p.B), dt)
    WhhT = xp.ascontiguousarray(w_hh.T)
    tP = xp.empty((Hd, p.B), dtype=dt)
    mul, mm, add = xp.multiply, xp.matmul, xp.add
    full = not p.packed
    for t, b, y, prev in reversed(p.steps):
        if full:
            dh, g, dhp, tp, d = dHH[y], dG[t], dHH[prev], tP, D[t]
        else:
            dh, g, dhp, tp, d = (dHH[y, :, :b], dG[t, :, :b], dHH[prev, :, :b], tP[:, :b],
                                 D[t, :, :b])
        mul(dh, d, g)
        mm(WhhT, g, tp)
        add(dhp, tp, dhp)
    G2, dX, dW_ih, db = _finish(xp, p, dG, Xa, w_ih, need, None, None)
    dW_hh = G2 @ _rows_tb(xp, _prev_blocks(HH, p)) if need[4] else None
    dh0 = _grad_initial(xp, dHH, p, Hd) if need[1] else None
    db_ih = db if need[5] else None
    db_hh = (db.copy() if need[5] else db) if need[6] else None
    return dX, dh0, None, dW_ih, dW_hh, db_ih, db_hh, None
