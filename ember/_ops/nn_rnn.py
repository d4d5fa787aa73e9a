"""One recurrent layer (RNN tanh/relu, LSTM with optional projection, GRU) in one direction
over a whole sequence, as a single autograd operation.

The forward and backward time loops run on backend arrays (``_nn_rnn_kernels``): one matrix
product for the input projections of all steps, one per step for the hidden path, and in
backward one per step plus one product over all steps for each weight gradient. With
``create_graph=True`` the backward instead recomputes the layer with ember's differentiable
ops step by step and differentiates that, so higher-order gradients are exact.

``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` stack these layers; nothing here is exported as a
top-level function.

>>> x = ember.ones(3, 1, 2)                    # (T, B, features)
>>> w_ih, w_hh = ember.full((4, 2), 0.1), ember.full((4, 1), 0.1)
>>> y, h, c = rnn_layer('LSTM', x, None, None, w_ih, w_hh, None, None, None, None, False)
>>> y.shape, h.shape, c.shape
(torch.Size([3, 1, 1]), torch.Size([1, 1]), torch.Size([1, 1]))
"""
from ._base import wrap, record_multi, xp_of, STATE
from ._autocast import AUTOCAST, lower_precision, lower_precision_inputs
from . import _nn_rnn_kernels as K

__all__ = []

_N_GATES = {'LSTM': 4, 'GRU': 3, 'RNN_TANH': 1, 'RNN_RELU': 1}


def rnn_layer(mode, input, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes, reverse):
    """Run one direction of one layer.

    ``input`` is ``(T, B, F)`` (padded, time-major, any strides) or, with ``batch_sizes`` (a
    tuple of ints), packed ``(N, F)`` data. ``hx``/``cx`` are the initial states
    ``(B, H_out)``/``(B, H)`` or None (zeros). Returns ``(output, h_n, c_n)``: the output of
    every step (same leading shape as ``input``), the final hidden state (per sequence, at its
    own last step) and, for LSTM, the final cell state (None otherwise).
    """
    if AUTOCAST.on:
        # PyTorch's CPU GRU has no autocast kernel: its gate linears run in low precision,
        # then meet the float32 hidden state, so its results are float32
        run = lower_precision_inputs if mode == 'GRU' else lower_precision
        return run(rnn_layer, mode, input, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes,
                   reverse)
    x = input._data
    xp = xp_of(x)
    if batch_sizes is None:
        T, B = x.shape[0], x.shape[1]
    else:
        T, B = len(batch_sizes), batch_sizes[0]
    p = K.plan(batch_sizes, T, B, reverse)
    ws = (w_ih._data, w_hh._data, None if b_ih is None else b_ih._data,
          None if b_hh is None else b_hh._data, None if w_hr is None else w_hr._data)
    Y, hn, cn, cache = K.forward(mode, xp, x, None if hx is None else hx._data,
                                 None if cx is None else cx._data, *ws, p)
    y = wrap(Y)
    outs = (y, wrap(hn)) if cn is None else (y, wrap(hn), wrap(cn))
    if STATE.enabled:
        if batch_sizes is not None:
            name = 'CatBackward0'
        elif mode == 'LSTM' and w_hr is None and x.dtype.itemsize == 4:
            name = 'MkldnnRnnLayerBackward0'
        else:
            name = 'StackBackward0'
        inputs = (input, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr)
        record_multi(outs, name, _rnn_layer_backward, inputs, list(inputs) + [(cache, ws, p)],
                     ctx=(mode, batch_sizes, reverse))
    return outs if cn is not None else outs + (None,)


def _rnn_layer_backward(node, gy, ghn=None, gcn=None):
    if STATE.enabled:
        return _recompute_backward(node, (gy, ghn, gcn))
    cache, ws, p = node.saved()[8]
    xp = xp_of(cache[0])
    need = [e is not None for e in node.next]
    grads = K.backward(node.ctx[0], xp, cache, p, ws, None if gy is None else gy._data,
                       None if ghn is None else ghn._data, None if gcn is None else gcn._data,
                       need)
    out = [None if g is None or not n else wrap(g) for g, n in zip(grads, need)]
    if out[0] is not None:
        out[0] = wrap(grads[0].reshape(node.meta[0][0]))
    return tuple(out)


def _recompute_backward(node, grads):
    """create_graph=True: differentiate a step-by-step recomputation made of ember ops."""
    from ..autograd import grad as autograd_grad
    saved = node.saved()
    mode, batch_sizes, reverse = node.ctx
    inputs = saved[:8]
    need = [e is not None for e in node.next]
    # fresh aliases as differentiation targets: the inner pass then stops at them and runs
    # no hook of the caller's tensors
    args = [t.view_as(t) if n else t for t, n in zip(inputs, need)]
    outs = compose(mode, *args, batch_sizes, reverse)
    pairs = [(o, g) for o, g in zip(outs, grads) if g is not None and o is not None]
    targets = [a for a, n in zip(args, need) if n]
    res = autograd_grad([o for o, _ in pairs], targets, [g for _, g in pairs],
                        create_graph=True, allow_unused=True)
    it = iter(res)
    return tuple(next(it) if n else None for n in need)


def compose(mode, input, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes, reverse):
    """:func:`rnn_layer` written with ember's differentiable ops, one step at a time (the
    double-backward path; also a readable statement of the math).

    >>> x = ember.ones(2, 1, 1)
    >>> w = ember.full((1, 1), 0.5)
    >>> compose('RNN_RELU', x, None, None, w, w, None, None, None, None, False)[0].flatten()
    tensor([0.5000, 0.7500])
    """
    from .nn_linear import linear
    from .pointwise import sigmoid, tanh
    from ._nn_activation_relu import relu
    from .joining import cat
    from .products import matmul
    shape = input.shape
    if batch_sizes is None:
        T, B = shape[0], shape[1]
        bs = [B] * T
    else:
        bs = list(batch_sizes)
        T, B = len(bs), bs[0]
    offs = [0] * T
    for t in range(1, T):
        offs[t] = offs[t - 1] + bs[t - 1]
    n_gates = _N_GATES[mode]
    H = w_hh.shape[0] // n_gates
    H_out = w_hh.shape[1]
    gx = linear(input.reshape(-1, shape[-1]), w_ih, b_ih)
    if hx is None:
        hx = wrap(xp_of(input._data).zeros((B, H_out), dtype=input._data.dtype))
    if mode == 'LSTM' and cx is None:
        cx = wrap(xp_of(input._data).zeros((B, H), dtype=input._data.dtype))
    h, c = hx, cx
    outs = [None] * T
    done_h, done_c = [], []
    order = range(T - 1, -1, -1) if reverse else range(T)
    first = True
    for t in order:
        b, o = bs[t], offs[t]
        if first:
            h = h[:b]
            c = c[:b] if c is not None else None
            first = False
        elif h.shape[0] > b:                     # sequences that ended: keep their states
            done_h.append(h[b:])
            h = h[:b]
            if c is not None:
                done_c.append(c[b:])
                c = c[:b]
        elif h.shape[0] < b:                     # reverse direction: sequences that start
            h = cat([h, hx[h.shape[0]:b]])
            if c is not None:
                c = cat([c, cx[c.shape[0]:b]])
        gi = gx[o:o + b]
        gh = linear(h, w_hh, b_hh)
        if mode == 'LSTM':
            i, f, g, og = (gi + gh).chunk(4, 1)
            c = sigmoid(f) * c + sigmoid(i) * tanh(g)
            h = sigmoid(og) * tanh(c)
            if w_hr is not None:
                h = matmul(h, w_hr.t())
        elif mode == 'GRU':
            ir, iz, inn = gi.chunk(3, 1)
            hr, hz, hn = gh.chunk(3, 1)
            r = sigmoid(ir + hr)
            z = sigmoid(iz + hz)
            n = tanh(inn + r * hn)
            h = (h - n) * z + n
        elif mode == 'RNN_TANH':
            h = tanh(gi + gh)
        else:
            h = relu(gi + gh)
        outs[t] = h
    y = cat(outs).reshape(shape[:-1] + (H_out,))
    h_n = cat([h] + done_h[::-1]) if done_h else h
    c_n = None
    if c is not None:
        c_n = cat([c] + done_c[::-1]) if done_c else c
    return y, h_n, c_n
