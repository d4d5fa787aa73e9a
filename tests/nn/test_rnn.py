"""RNN / LSTM / GRU and the cells beyond the module oracle (tests/nn/cases_rnn.py): packed
sequences and their index bookkeeping, states, parameter bookkeeping, errors and warnings,
gradcheck of the fused backward and double backward (gradgradcheck, and against torch)."""
import copy
import pickle
import warnings

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402
from ember._ops.nn_rnn import rnn_layer, compose  # noqa: E402


def _pair(build, dtype='float64'):
    """The same module in both libraries, ember holding torch's parameters."""
    mods = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            m = build(lib.nn)
        mods.append(m.double() if dtype == 'float64' else m)
    em, tm = mods
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    return em, tm


def _np(t):
    return t.detach().numpy()


def _close(e, t, atol=1e-10, what=''):
    assert tuple(e.shape) == tuple(t.shape), (what, tuple(e.shape), tuple(t.shape))
    np.testing.assert_allclose(_np(e), _np(t), atol=atol, rtol=1e-9, err_msg=what)


def _tensors(lib, arrays, grad=True):
    return [lib.tensor(a, requires_grad=grad) for a in arrays]


# ----------------------------------------------------------------------------- packed input
@pytest.mark.parametrize('kind', ['LSTM', 'GRU', 'RNN'])
@pytest.mark.parametrize('enforce_sorted', [True, False])
def test_packed_sequence_like_torch(kind, enforce_sorted):
    """pack_sequence of unequal lengths: the output PackedSequence (data, batch_sizes,
    sorted/unsorted indices), the final states in the original order, every gradient."""
    rng = np.random.default_rng(1)
    lengths = [5, 3, 3, 1] if enforce_sorted else [2, 5, 1, 3]
    seqs = [rng.standard_normal((n, 3)) for n in lengths]
    build = {'LSTM': lambda nn: nn.LSTM(3, 4, num_layers=2, bidirectional=True),
             'GRU': lambda nn: nn.GRU(3, 4, bidirectional=True),
             'RNN': lambda nn: nn.RNN(3, 4, num_layers=2, nonlinearity='relu')}[kind]
    em, tm = _pair(build)
    res = []
    for lib, m in ((ember, em), (torch, tm)):
        xs = _tensors(lib, seqs)
        packed = lib.nn.utils.rnn.pack_sequence(xs, enforce_sorted=enforce_sorted)
        out, hn = m(packed)
        assert isinstance(out, lib.nn.utils.rnn.PackedSequence)
        states = hn if isinstance(hn, tuple) else (hn,)
        loss = (out.data * out.data).sum() + sum((s * s * 0.5).sum() for s in states)
        loss.backward()
        res.append((out, states, xs, m))
    (eo, es, ex, em), (to, ts, tx, tm) = res
    _close(eo.data, to.data, what='data')
    assert eo.batch_sizes.tolist() == to.batch_sizes.tolist()
    for a, b in ((eo.sorted_indices, to.sorted_indices), (eo.unsorted_indices,
                                                           to.unsorted_indices)):
        assert (a is None) == (b is None)
        if a is not None:
            assert a.tolist() == b.tolist()
    for e, t in zip(es, ts):
        _close(e, t, what='final state')
    for e, t in zip(ex, tx):
        _close(e.grad, t.grad, what='sequence grad')
    for (n, p), (_, q) in zip(em.named_parameters(), tm.named_parameters()):
        _close(p.grad, q.grad, what=n)


def test_packed_with_initial_state_unsorted():
    """hx given in the caller's order is permuted into sorted order and back."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3, 2))
    h = rng.standard_normal((2, 3, 3))
    c = rng.standard_normal((2, 3, 3))
    em, tm = _pair(lambda nn: nn.LSTM(2, 3, bidirectional=True))
    res = []
    for lib, m in ((ember, em), (torch, tm)):
        xt, ht, ct = _tensors(lib, (x, h, c))
        p = lib.nn.utils.rnn.pack_padded_sequence(xt, lib.tensor([2, 4, 3]),
                                                  enforce_sorted=False)
        out, (hn, cn) = m(p, (ht, ct))
        padded, lens = lib.nn.utils.rnn.pad_packed_sequence(out, total_length=5)
        (padded.sum() + (hn * cn).sum()).backward()
        res.append((padded, lens, hn, cn, xt.grad, ht.grad, ct.grad))
    for k, (e, t) in enumerate(zip(*res)):
        _close(e, t, what=f'item {k}')


# ----------------------------------------------------------------------------- states
@pytest.mark.parametrize('which', ['h', 'c', 'out'])
def test_only_one_result_used(which):
    """Backward from only h_n, only c_n or only the output (others get no gradient)."""
    em, tm = _pair(lambda nn: nn.LSTM(3, 4, num_layers=2, batch_first=True))
    x = np.random.default_rng(3).standard_normal((2, 5, 3))
    res = []
    for lib, m in ((ember, em), (torch, tm)):
        m.zero_grad()
        xt = lib.tensor(x, requires_grad=True)
        out, (h, c) = m(xt)
        {'h': h, 'c': c, 'out': out}[which].sum().backward()
        res.append([xt.grad] + [p.grad for p in m.parameters()])
    for e, t in zip(*res):
        _close(e, t)


def test_input_without_grad_and_no_grad_mode():
    """The input need not require grad (only the weights get gradients); under no_grad
    nothing is recorded and the results are the same."""
    em, tm = _pair(lambda nn: nn.GRU(3, 4, batch_first=True), 'float32')
    x = np.random.default_rng(4).standard_normal((3, 6, 3)).astype(np.float32)
    out, h = em(ember.tensor(x))
    tout, th = tm(torch.tensor(x))
    out[:, -1].sum().backward()
    tout[:, -1].sum().backward()
    for p, q in zip(em.parameters(), tm.parameters()):
        _close(p.grad, q.grad, atol=1e-5)
    with ember.no_grad():
        o2, h2 = em(ember.tensor(x))
    assert o2.grad_fn is None and not o2.requires_grad
    _close(o2, tout, atol=1e-5)


def test_zero_batch_and_empty_sequence():
    for lib in (ember, torch):
        out, (h, c) = lib.nn.LSTM(3, 4)(lib.zeros(5, 0, 3))
        assert tuple(out.shape) == (5, 0, 4) and tuple(h.shape) == (1, 0, 4)
    with pytest.raises(RuntimeError, match='Expected sequence length to be larger than 0'):
        ember.nn.GRU(3, 4)(ember.zeros(0, 2, 3))


def test_output_written_in_place_after_forward():
    """The output is a fresh tensor: writing into it does not corrupt the backward."""
    em, tm = _pair(lambda nn: nn.LSTM(2, 3))
    x = np.random.default_rng(5).standard_normal((4, 2, 2))
    res = []
    for lib, m in ((ember, em), (torch, tm)):
        xt = lib.tensor(x, requires_grad=True)
        out, (h, c) = m(xt)
        h.sum().backward()
        res.append(xt.grad)
    _close(*res)


def test_grad_fn_names_like_torch():
    x = np.random.default_rng(6).standard_normal((4, 2, 3)).astype(np.float32)
    builds = [lambda nn: nn.LSTM(3, 4), lambda nn: nn.GRU(3, 4), lambda nn: nn.RNN(3, 4),
              lambda nn: nn.LSTM(3, 4, bidirectional=True),
              lambda nn: nn.LSTM(3, 4, proj_size=2)]
    for build in builds:
        names = []
        for lib in (ember, torch):
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                out, hn = build(lib.nn)(lib.tensor(x))
            names.append((out.grad_fn.name(), (hn[0] if isinstance(hn, tuple) else hn)
                          .grad_fn.name()))
        assert names[0] == names[1]
    for build, inp in ((lambda nn: nn.LSTMCell(3, 4), (2, 3)), (lambda nn: nn.GRUCell(3, 4),
                                                                 (2, 3)),
                       (lambda nn: nn.RNNCell(3, 4, nonlinearity='relu'), (2, 3))):
        names = []
        for lib in (ember, torch):
            r = build(lib.nn)(lib.ones(*inp))
            names.append([t.grad_fn.name() for t in (r if isinstance(r, tuple) else (r,))])
        assert names[0] == names[1]


# ----------------------------------------------------------------------------- bookkeeping
def test_parameter_bookkeeping_like_torch():
    build = lambda nn: nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)  # noqa
    em, tm = _pair(build)
    assert em._flat_weights_names == tm._flat_weights_names
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [[tuple(w.shape) for w in ws] for ws in em.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in tm.all_weights]
    assert all(a is getattr(em, n) for a, n in zip(em._flat_weights, em._flat_weights_names))
    assert em.flatten_parameters() is None
    em.double()
    assert all(a is getattr(em, n) for a, n in zip(em._flat_weights, em._flat_weights_names))


def test_replaced_weight_is_used():
    """Assigning a new Parameter (or a plain tensor after del) changes the computation, as
    in torch (weight-drop style regularizers rely on this)."""
    em, tm = _pair(lambda nn: nn.GRU(2, 3))
    w = np.random.default_rng(7).standard_normal((9, 3))
    x = np.random.default_rng(8).standard_normal((4, 1, 2))
    outs = []
    for lib, m in ((ember, em), (torch, tm)):
        m.weight_hh_l0 = lib.nn.Parameter(lib.tensor(w))
        outs.append(m(lib.tensor(x))[0])
        del m.weight_hh_l0
        setattr(m, 'weight_hh_l0', lib.tensor(w * 0.5))
        outs.append(m(lib.tensor(x))[0])
    _close(outs[0], outs[2])
    _close(outs[1], outs[3])


def test_copy_and_pickle():
    m = ember.nn.LSTM(2, 3, num_layers=2)
    x = ember.randn(4, 1, 2)
    ref = m(x)[0]
    for m2 in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        _close(m2(x)[0], ref)
        assert all(a is getattr(m2, n) for a, n in zip(m2._flat_weights,
                                                       m2._flat_weights_names))


@pytest.mark.parametrize('build', [
    lambda nn: nn.RNN(3, 4, 2, 'relu', False, True, 0.5, True),
    lambda nn: nn.LSTM(3, 4, 3, False, True, 0.25, True, 2),
    lambda nn: nn.GRU(3, 4, dropout=0.1, num_layers=2),
    lambda nn: nn.LSTM(10, 20),
    lambda nn: nn.RNNCell(3, 4, False, 'relu'),
    lambda nn: nn.LSTMCell(3, 4, bias=False),
    lambda nn: nn.GRUCell(3, 4)])
def test_repr_like_torch(build):
    assert repr(build(ember.nn)) == repr(build(torch.nn))


def test_dropout_warning_like_torch():
    msgs = []
    for lib in (ember, torch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            lib.nn.LSTM(3, 4, dropout=0.5)
        assert len(w) == 1 and w[0].category is UserWarning
        msgs.append(str(w[0].message))
    assert msgs[0] == msgs[1]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ember.nn.GRU(3, 4, num_layers=2, dropout=0.5)


# ----------------------------------------------------------------------------- errors
def _first_sentence(msg):
    msg = msg.split('\n')[0].strip()
    cut = msg.find('. ')
    return msg if cut < 0 else msg[:cut + 1]


def _same_error(fn, exact_type=True):
    with pytest.raises(Exception) as t:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            fn(torch)
    with pytest.raises(Exception) as e:
        fn(ember)
    assert type(e.value) is type(t.value), (type(e.value), e.value, type(t.value), t.value)
    if exact_type:
        first = _first_sentence(str(t.value))
        assert str(e.value).startswith(first), (str(e.value), first)
    return e.value


def _r(lib, *shape):
    return lib.zeros(*shape)


ERRORS = {
    'proj_size on RNN': lambda lib: lib.nn.RNN(3, 4, proj_size=2),
    'proj_size on GRU': lambda lib: lib.nn.GRU(3, 4, proj_size=2),
    'proj_size >= hidden': lambda lib: lib.nn.LSTM(3, 4, proj_size=4),
    'proj_size < 0': lambda lib: lib.nn.LSTM(3, 4, proj_size=-1),
    'dropout > 1': lambda lib: lib.nn.LSTM(3, 4, dropout=1.5),
    'dropout bool': lambda lib: lib.nn.GRU(3, 4, dropout=True),
    'hidden 0': lambda lib: lib.nn.LSTM(3, 0),
    'input 0': lambda lib: lib.nn.LSTM(0, 3),
    'layers 0': lambda lib: lib.nn.LSTM(3, 4, 0),
    'input float': lambda lib: lib.nn.LSTM(3.0, 4),
    'hidden float': lambda lib: lib.nn.GRU(3, 4.0),
    'bias int': lambda lib: lib.nn.LSTM(3, 4, bias=1),
    'batch_first int': lambda lib: lib.nn.RNN(3, 4, batch_first=1),
    'nonlinearity': lambda lib: lib.nn.RNN(3, 4, nonlinearity='sigmoid'),
    'unknown kwarg': lambda lib: lib.nn.LSTM(3, 4, foo=1),
    'input size': lambda lib: lib.nn.LSTM(3, 4)(_r(lib, 5, 2, 4)),
    'input size packed': lambda lib: lib.nn.GRU(4, 4)(
        lib.nn.utils.rnn.pack_sequence([_r(lib, 3, 3), _r(lib, 2, 3)])),
    'LSTM 4-D': lambda lib: lib.nn.LSTM(3, 4)(_r(lib, 5, 2, 3, 1)),
    'RNN 4-D': lambda lib: lib.nn.RNN(3, 4)(_r(lib, 5, 2, 3, 1)),
    'GRU 1-D': lambda lib: lib.nn.GRU(3, 4)(_r(lib, 3)),
    'input dtype': lambda lib: lib.nn.LSTM(3, 4)(_r(lib, 5, 2, 3).double()),
    'h0 batch': lambda lib: lib.nn.LSTM(3, 4)(_r(lib, 5, 2, 3), (_r(lib, 1, 3, 4),
                                                                  _r(lib, 1, 2, 4))),
    'c0 batch': lambda lib: lib.nn.LSTM(3, 4)(_r(lib, 5, 2, 3), (_r(lib, 1, 2, 4),
                                                                  _r(lib, 1, 3, 4))),
    'h0 layers': lambda lib: lib.nn.GRU(3, 4, 2)(_r(lib, 5, 2, 3), _r(lib, 1, 2, 4)),
    'h0 size proj': lambda lib: lib.nn.LSTM(3, 4, proj_size=2)(
        _r(lib, 5, 2, 3), (_r(lib, 1, 2, 4), _r(lib, 1, 2, 4))),
    'h0 batch_first': lambda lib: lib.nn.RNN(3, 4, batch_first=True)(
        _r(lib, 2, 5, 3), _r(lib, 1, 5, 4)),
    'h0 2-D for 3-D input': lambda lib: lib.nn.GRU(3, 4)(_r(lib, 5, 2, 3), _r(lib, 2, 4)),
    'h0 3-D for 2-D input': lambda lib: lib.nn.RNN(3, 4)(_r(lib, 5, 3), _r(lib, 1, 1, 4)),
    'LSTM hx 2-D for 3-D': lambda lib: lib.nn.LSTM(3, 4)(_r(lib, 5, 2, 3),
                                                        (_r(lib, 2, 4), _r(lib, 1, 2, 4))),
    'LSTM hx 3-D for 2-D': lambda lib: lib.nn.LSTM(3, 4)(_r(lib, 5, 3),
                                                        (_r(lib, 1, 2, 4), _r(lib, 1, 2, 4))),
    'h0 dtype': lambda lib: lib.nn.RNN(3, 4)(_r(lib, 5, 2, 3), _r(lib, 1, 2, 4).double()),
    'cell input size': lambda lib: lib.nn.LSTMCell(3, 4)(_r(lib, 2, 5)),
    'cell batch': lambda lib: lib.nn.LSTMCell(3, 4)(_r(lib, 2, 3), (_r(lib, 3, 4),
                                                                    _r(lib, 3, 4))),
    'cell hidden size': lambda lib: lib.nn.LSTMCell(3, 4)(_r(lib, 2, 3), (_r(lib, 2, 5),
                                                                          _r(lib, 2, 4))),
    'cell c size': lambda lib: lib.nn.LSTMCell(3, 4)(_r(lib, 2, 3), (_r(lib, 2, 4),
                                                                     _r(lib, 2, 5))),
    'GRUCell hidden size': lambda lib: lib.nn.GRUCell(3, 4)(_r(lib, 2, 3), _r(lib, 2, 5)),
    'GRUCell batch': lambda lib: lib.nn.GRUCell(3, 4)(_r(lib, 2, 3), _r(lib, 3, 4)),
    'RNNCell 3-D': lambda lib: lib.nn.RNNCell(3, 4)(_r(lib, 2, 3, 1)),
    'RNNCell hx 3-D': lambda lib: lib.nn.RNNCell(3, 4)(_r(lib, 2, 3), _r(lib, 2, 4, 1)),
    'RNNCell unbatched hx': lambda lib: lib.nn.RNNCell(3, 4)(_r(lib, 3), _r(lib, 2, 4)),
    'RNNCell nonlinearity': lambda lib: lib.nn.RNNCell(3, 4, nonlinearity='foo')(
        _r(lib, 2, 3)),
    'cell dtype': lambda lib: lib.nn.RNNCell(3, 4)(_r(lib, 2, 3).double()),
    'LSTMCell hx tensor': lambda lib: lib.nn.LSTMCell(3, 4)(_r(lib, 2, 3), _r(lib, 2, 4)),
    'LSTMCell one state': lambda lib: lib.nn.LSTMCell(3, 4)(_r(lib, 2, 3), (_r(lib, 2, 4),)),
}

# PyTorch's own message is an internal detail here; the type matches, the message is ours
_TYPE_ONLY = {'LSTM hx 2-D for 3-D', 'unknown kwarg', 'h0 dtype'}


@pytest.mark.parametrize('name', list(ERRORS))
def test_errors_like_torch(name):
    _same_error(ERRORS[name], exact_type=name not in _TYPE_ONLY)


def test_lstm_hx_not_a_pair():
    for hx in (ember.zeros(1, 2, 4), (ember.zeros(1, 2, 4),)):
        with pytest.raises(IndexError, match='LSTM expects hx as a tuple'):
            ember.nn.LSTM(3, 4)(ember.zeros(5, 2, 3), hx)


def test_error_names_the_fix():
    with pytest.raises(RuntimeError, match='the last dimension of the input holds the features'):
        ember.nn.LSTM(3, 4, batch_first=True)(ember.zeros(2, 3, 5))
    with pytest.raises(RuntimeError, match='the batch is dim 1 even with batch_first=True'):
        ember.nn.GRU(3, 4, batch_first=True)(ember.zeros(2, 5, 3), ember.zeros(2, 1, 4))


# ----------------------------------------------------------------------------- gradients
_MODES = [('LSTM', 4, False), ('LSTM', 4, True), ('GRU', 3, False), ('RNN_TANH', 1, False),
          ('RNN_RELU', 1, False)]


def _layer_inputs(rng, mode, gates, proj, packed):
    F, H = 2, 3
    P = 2 if proj else H
    bs = (3, 2, 2, 1) if packed else None
    x = rng.standard_normal((8, F)) if packed else rng.standard_normal((3, 2, F))
    B = 3 if packed else 2
    h0 = rng.standard_normal((B, P))
    c0 = rng.standard_normal((B, H)) if mode == 'LSTM' else None
    w = [rng.uniform(-0.6, 0.6, s) for s in ((gates * H, F), (gates * H, P), (gates * H,),
                                             (gates * H,))]
    w_hr = rng.uniform(-0.6, 0.6, (P, H)) if proj else None
    if mode == 'RNN_RELU':
        x = np.abs(x) + 0.5                    # keep pre-activations away from the kink
        w = [np.abs(a) * 0.5 + 0.05 for a in w]
        h0 = np.abs(h0)
    return bs, x, h0, c0, w, w_hr


@pytest.mark.parametrize('packed', [False, True])
@pytest.mark.parametrize('reverse', [False, True])
@pytest.mark.parametrize('mode,gates,proj', _MODES)
def test_fused_backward_gradcheck(mode, gates, proj, reverse, packed):
    """The NumPy backward through time against finite differences (float64), every input."""
    rng = np.random.default_rng(10)
    bs, x, h0, c0, w, w_hr = _layer_inputs(rng, mode, gates, proj, packed)
    args = [ember.tensor(a, requires_grad=True) for a in [x, h0] + w]
    cx = ember.tensor(c0, requires_grad=True) if c0 is not None else None
    hr = ember.tensor(w_hr, requires_grad=True) if w_hr is not None else None
    extra = [t for t in (cx, hr) if t is not None]

    def fn(x, h0, w_ih, w_hh, b_ih, b_hh, *rest):
        rest = list(rest)
        c = rest.pop(0) if cx is not None else None
        r = rest.pop(0) if hr is not None else None
        y, h, cn = rnn_layer(mode, x, h0, c, w_ih, w_hh, b_ih, b_hh, r, bs, reverse)
        return (y, h) if cn is None else (y, h, cn)
    assert ember.autograd.gradcheck(fn, args + extra, eps=1e-6, atol=1e-6)


@pytest.mark.parametrize('mode,gates,proj', _MODES)
def test_double_backward_gradgradcheck(mode, gates, proj):
    """create_graph=True recomputes through ember's ops: second derivatives are exact."""
    rng = np.random.default_rng(11)
    bs, x, h0, c0, w, w_hr = _layer_inputs(rng, mode, gates, proj, True)
    x = x[:5]
    bs = (2, 2, 1)
    h0 = h0[:2]
    c0 = c0[:2] if c0 is not None else None
    args = [ember.tensor(a, requires_grad=True) for a in (x, h0, w[0], w[1])]
    cx = ember.tensor(c0) if c0 is not None else None
    b = [ember.tensor(a) for a in w[2:]]
    r = ember.tensor(w_hr) if w_hr is not None else None

    def fn(x, h0, w_ih, w_hh):
        y, h, _ = rnn_layer(mode, x, h0, cx, w_ih, w_hh, b[0], b[1], r, bs, True)
        return y * 1, h                        # two roots on distinct graph nodes
    assert ember.autograd.gradgradcheck(fn, args, eps=1e-6, atol=1e-5)


def test_compose_matches_fused():
    """The step-by-step composition (double-backward path) equals the fused forward."""
    rng = np.random.default_rng(12)
    for mode, gates, proj in _MODES:
        for packed in (False, True):
            for reverse in (False, True):
                bs, x, h0, c0, w, w_hr = _layer_inputs(rng, mode, gates, proj, packed)
                args = [ember.tensor(x), ember.tensor(h0),
                        ember.tensor(c0) if c0 is not None else None] + \
                    [ember.tensor(a) for a in w] + \
                    [ember.tensor(w_hr) if w_hr is not None else None]
                fused = rnn_layer(mode, *args, bs, reverse)
                comp = compose(mode, *args, bs, reverse)
                for f, c in zip(fused, comp):
                    if f is not None:
                        _close(f, c, atol=1e-12)


@pytest.mark.parametrize('build', [
    lambda nn: nn.LSTM(2, 3, num_layers=2, bidirectional=True, batch_first=True),
    lambda nn: nn.GRU(2, 3, bidirectional=True),
    lambda nn: nn.RNN(2, 3, num_layers=2)])
def test_gradient_penalty_like_torch(build):
    """A double-backward program (gradient penalty on the input) gives torch's gradients."""
    em, tm = _pair(build)
    x = np.random.default_rng(13).standard_normal((2, 4, 2))
    res = []
    for lib, m in ((ember, em), (torch, tm)):
        xt = lib.tensor(x, requires_grad=True)
        out = m(xt)[0]
        (g,) = lib.autograd.grad(out.pow(2).sum(), xt, create_graph=True)
        (out.sum() + (g * g).sum()).backward()
        res.append([g] + [p.grad for p in m.parameters()] + [xt.grad])
    for e, t in zip(*res):
        _close(e, t, atol=1e-9)


def test_cells_match_the_layer():
    """An LSTMCell / GRUCell / RNNCell stepped in a loop equals the one-layer module."""
    rng = np.random.default_rng(14)
    x = ember.tensor(rng.standard_normal((5, 2, 3)))
    for layer, cell_cls in ((ember.nn.LSTM, ember.nn.LSTMCell), (ember.nn.GRU, ember.nn.GRUCell),
                            (ember.nn.RNN, ember.nn.RNNCell)):
        m = layer(3, 4).double()
        cell = cell_cls(3, 4).double()
        cell.load_state_dict({k[:-3]: v for k, v in m.state_dict().items()})
        out, _ = m(x)
        state = None
        for t in range(5):
            state = cell(x[t], state)
            h = state[0] if isinstance(state, tuple) else state
            _close(h, out[t], atol=1e-12)
