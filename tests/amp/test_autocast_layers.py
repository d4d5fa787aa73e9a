"""Layers under ``autocast('cpu', dtype=float16)`` against torch 2.13: MultiheadAttention,
TransformerEncoderLayer, RNN, LSTM and GRU. Same weights, same float32 input; forward inside
autocast, backward outside it through a float32 loss (outputs cast up, weighted by fixed
random numbers). Compared: the output dtypes, the output values and the gradients of the
input and of every parameter (all float32 leaves, so float32 gradients).

Tolerance: torch rounds every intermediate (each linear/bmm output) to float16 while ember's
fused layers compute from float16-rounded inputs in float32 and round once, so values differ
by float16 rounding: measured at most 2.0e-3 of the largest magnitude (LSTM; a float16 ulp
is 2**-10); the tests allow 4e-3 (bfloat16: measured 1.3e-2, allowed 3e-2).

GRU: PyTorch's CPU GRU has no autocast kernel (its gate linears run in float16 and meet the
float32 hidden state), so its outputs are float32; ember matches that.
"""
import contextlib

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')
needs_bf16 = pytest.mark.skipif(not ember._dtype.HAS_BFLOAT16, reason='needs ml_dtypes')
TOL = {'float16': 4e-3, 'bfloat16': 3e-2}    # bfloat16: 3 fewer mantissa bits


def _mha(nn):
    return nn.MultiheadAttention(8, 2)


def _tel(nn):
    return nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)


def _tel_norm_first(nn):
    return nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, norm_first=True, batch_first=True)


def _lstm(nn):
    return nn.LSTM(6, 8, 2)


def _gru(nn):
    return nn.GRU(6, 8, bidirectional=True)


def _rnn(nn):
    return nn.RNN(6, 8)


def _self_attention(m, x):
    return m(x, x, x)


def _plain(m, x):
    return m(x)


# name: (build, call, input shape)
LAYERS = {
    'MultiheadAttention': (_mha, _self_attention, (5, 3, 8)),
    'TransformerEncoderLayer': (_tel, _plain, (5, 3, 8)),
    'TransformerEncoderLayer-norm_first': (_tel_norm_first, _plain, (3, 5, 8)),
    'LSTM': (_lstm, _plain, (5, 3, 6)),
    'GRU': (_gru, _plain, (5, 3, 6)),
    'RNN': (_rnn, _plain, (5, 3, 6)),
}


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [] if out is None else [out]


def _modules(build):
    torch.manual_seed(0)
    tm = build(torch.nn)
    em = build(ember.nn)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    return em, tm


def _torch_context(name, dtype):
    # On CPUs whose oneDNN has no float16 LSTM (this one: "could not create a primitive
    # descriptor"), torch's LSTM fails under float16 autocast; its non-oneDNN path runs.
    if name == 'LSTM' and dtype == 'float16':
        return torch.backends.mkldnn.flags(enabled=False)
    return contextlib.nullcontext()


def _run(lib, m, call, x, dtype, context):
    """Outputs (forward in autocast) and the gradients of a float32 loss."""
    xt = lib.tensor(x, requires_grad=True)
    with context, lib.autocast('cpu', dtype=getattr(lib, dtype)):
        outs = _flat(call(m, xt))
    rng = np.random.default_rng(1)
    loss = sum((o.float() * lib.tensor(rng.standard_normal(tuple(o.shape)).astype(np.float32)))
               .sum() for o in outs)
    assert loss.dtype == lib.float32
    loss.backward()
    grads = {'input': xt.grad}
    grads.update((k, p.grad) for k, p in m.named_parameters())
    return outs, grads


def _numpy(t):
    return t.detach().float().numpy()


def _assert_close(e, t, tol, what):
    """|ember - torch| within ``tol`` of the largest |torch| value."""
    ev, tv = _numpy(e), _numpy(t)
    assert ev.shape == tv.shape, what
    scale = max(np.abs(tv).max(), 1e-6)
    err = np.abs(ev - tv).max() / scale
    assert err <= tol, f'{what}: max error {err:.2e} of max |value| {scale:.3g}'


def _compare(name, dtype, check_dtypes=True):
    build, call, shape = LAYERS[name]
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    em, tm = _modules(build)
    eouts, egrads = _run(ember, em, call, x, dtype, contextlib.nullcontext())
    touts, tgrads = _run(torch, tm, call, x, dtype, _torch_context(name, dtype))
    assert len(eouts) == len(touts)
    if check_dtypes:
        assert [repr(o.dtype) for o in eouts] == [repr(o.dtype) for o in touts]
    for k, (e, t) in enumerate(zip(eouts, touts)):
        _assert_close(e, t, TOL[dtype], f'{name} output {k}')
    assert list(egrads) == list(tgrads)
    for k in tgrads:
        assert repr(egrads[k].dtype) == repr(tgrads[k].dtype) == 'torch.float32', k
        _assert_close(egrads[k], tgrads[k], TOL[dtype], f'{name} grad of {k}')
    return eouts, touts


@pytest.mark.parametrize('name', ['MultiheadAttention', 'TransformerEncoderLayer',
                                  'TransformerEncoderLayer-norm_first', 'RNN'])
def test_float16_matches_torch(name):
    eouts, _ = _compare(name, 'float16')
    expected = {'MultiheadAttention': ['float16', 'float16'], 'RNN': ['float16', 'float16']}
    expected = expected.get(name, ['float32'])     # encoder layers end in a float32 LayerNorm
    assert [repr(o.dtype) for o in eouts] == [f'torch.{d}' for d in expected]


@pytest.mark.filterwarnings('ignore:TF32 acceleration')
def test_float16_lstm():
    # torch's default CPU path, oneDNN's mkldnn_rnn_layer, is a lower-precision autocast op
    # (float16 outputs; see test_bfloat16_lstm_matches_torch for the same policy in
    # bfloat16), but it cannot run in float16 here; its fallback computes the cell state in
    # float32 and returns float32. ember follows the oneDNN policy: float16 out, same values.
    eouts, touts = _compare('LSTM', 'float16', check_dtypes=False)
    assert [repr(o.dtype) for o in eouts] == ['torch.float16'] * 3
    assert [repr(o.dtype) for o in touts] == ['torch.float32'] * 3


def test_float16_gru_values():
    _compare('GRU', 'float16', check_dtypes=False)


def test_float16_gru_dtypes():
    eouts, _ = _compare('GRU', 'float16')
    assert [repr(o.dtype) for o in eouts] == ['torch.float32'] * 2


@needs_bf16
def test_bfloat16_lstm_matches_torch():
    eouts, _ = _compare('LSTM', 'bfloat16')
    assert [repr(o.dtype) for o in eouts] == ['torch.bfloat16'] * 3


@needs_bf16
def test_bfloat16_attention_backward():
    eouts, _ = _compare('MultiheadAttention', 'bfloat16')
    assert [repr(o.dtype) for o in eouts] == ['torch.bfloat16'] * 2
