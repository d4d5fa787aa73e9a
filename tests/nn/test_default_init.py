"""Default initialization of the layers, bit for bit: after ``manual_seed(s)``, building a layer
(or a model of several layers) in ember gives exactly PyTorch's parameters and buffers, and
leaves the random stream in the same place.

Two sources of truth: the golden vectors of tests/data/rng_vectors.json (spec/rng.md section 8,
no torch needed), and live torch 2.13 for every other layer and configuration.

A layer that ember does not have yet is skipped (with its name), not failed.
"""
import json
import math
import warnings

import numpy as np
import pytest

import ember
from tests.test_rng import VECTORS, check_array

# ----------------------------------------------------------------------------- golden vectors
_GOLDEN_OPS = {'linear_init', 'conv2d_init', 'embedding_init'}


def _golden_cases():
    if not VECTORS.exists():
        return []
    cases = [c for c in json.loads(VECTORS.read_text())['cases']
             if c['op'] in _GOLDEN_OPS and c['capability'] == 'avx2']
    return [pytest.param(c, id=c['id']) for c in cases]


def _need(name):
    if not hasattr(ember.nn, name):
        pytest.skip(f'ember.nn.{name} is not implemented yet')
    return getattr(ember.nn, name)


def _probe():
    return ember.empty((), dtype=ember.int64).random_().item()


@pytest.mark.parametrize('case', _golden_cases())
def test_golden_layer_init(case):
    """The recorded ``torch.manual_seed(s); nn.Linear/Conv2d/Embedding(...)`` results."""
    p, res = case['params'], case['result']
    ember.manual_seed(case['seed'])
    if case['op'] == 'linear_init':
        m = _need('Linear')(p['in_features'], p['out_features'])
    elif case['op'] == 'conv2d_init':
        k = p['kernel_size']
        m = _need('Conv2d')(p['in_channels'], p['out_channels'], tuple(k) if isinstance(k, list)
                            else k)
    else:
        m = _need('Embedding')(p['num_embeddings'], p['embedding_dim'])
    check_array(m.weight.detach().numpy(), res['weight'], 'weight')
    if 'bias' in res:
        check_array(m.bias.detach().numpy(), res['bias'], 'bias')
    assert _probe() == case['probe_after'], 'a different number of random words was used'


def test_seed_document_linear_1_1():
    """``torch.manual_seed(777); nn.Linear(1, 1)``: w = -0.8362, b = -0.0177 (spec 8)."""
    ember.manual_seed(777)
    m = ember.nn.Linear(1, 1)
    assert f'{m.weight.item():.4f}' == '-0.8362' and f'{m.bias.item():.4f}' == '-0.0177'


# ----------------------------------------------------------------------------- live torch
torch = pytest.importorskip('torch')

# name -> build(nn) for the layer families named by the issue, and a few more configurations
LAYERS = {
    'Linear(3,2)': lambda nn: nn.Linear(3, 2),
    'Linear(20,7)': lambda nn: nn.Linear(20, 7),
    'Linear(64,33)': lambda nn: nn.Linear(64, 33),
    'Linear(5,4,nobias)': lambda nn: nn.Linear(5, 4, bias=False),
    'Linear(0,3)': lambda nn: nn.Linear(0, 3),
    'Bilinear(3,4,5)': lambda nn: nn.Bilinear(3, 4, 5),
    'Bilinear(2,2,1,nobias)': lambda nn: nn.Bilinear(2, 2, 1, bias=False),
    'Conv1d(3,4,5)': lambda nn: nn.Conv1d(3, 4, 5),
    'Conv1d(4,6,3,g2)': lambda nn: nn.Conv1d(4, 6, 3, groups=2),
    'Conv2d(1,2,3)': lambda nn: nn.Conv2d(1, 2, 3),
    'Conv2d(3,4,(3,5))': lambda nn: nn.Conv2d(3, 4, (3, 5), stride=2, padding=1),
    'Conv2d(4,8,3,g4,nobias)': lambda nn: nn.Conv2d(4, 8, 3, groups=4, bias=False),
    'Conv2d(16,32,3)': lambda nn: nn.Conv2d(16, 32, 3),
    'Conv3d(2,3,(2,3,2))': lambda nn: nn.Conv3d(2, 3, (2, 3, 2)),
    'ConvTranspose1d(3,5,3)': lambda nn: nn.ConvTranspose1d(3, 5, 3),
    'ConvTranspose2d(3,5,3)': lambda nn: nn.ConvTranspose2d(3, 5, 3),
    'ConvTranspose2d(4,6,(2,3),g2)': lambda nn: nn.ConvTranspose2d(4, 6, (2, 3), groups=2),
    'ConvTranspose3d(2,2,2)': lambda nn: nn.ConvTranspose3d(2, 2, 2),
    'Embedding(10,3)': lambda nn: nn.Embedding(10, 3),
    'Embedding(4,4)': lambda nn: nn.Embedding(4, 4),
    'Embedding(20,5,pad2)': lambda nn: nn.Embedding(20, 5, padding_idx=2),
    'Embedding(7,3,pad-1)': lambda nn: nn.Embedding(7, 3, padding_idx=-1),
    'BatchNorm1d(5)': lambda nn: nn.BatchNorm1d(5),
    'BatchNorm2d(3)': lambda nn: nn.BatchNorm2d(3),
    'BatchNorm2d(3,noaffine)': lambda nn: nn.BatchNorm2d(3, affine=False),
    'BatchNorm3d(2)': lambda nn: nn.BatchNorm3d(2),
    'LayerNorm(4)': lambda nn: nn.LayerNorm(4),
    'LayerNorm((2,3),noaffine)': lambda nn: nn.LayerNorm((2, 3), elementwise_affine=False),
    'LayerNorm(4,nobias)': lambda nn: nn.LayerNorm(4, bias=False),
    'GroupNorm(2,4)': lambda nn: nn.GroupNorm(2, 4),
    'InstanceNorm2d(3,affine)': lambda nn: nn.InstanceNorm2d(3, affine=True),
    'PReLU()': lambda nn: nn.PReLU(),
    'PReLU(3,0.1)': lambda nn: nn.PReLU(3, init=0.1),
    'RNN(3,4,2)': lambda nn: nn.RNN(3, 4, num_layers=2),
    'LSTM(3,4,bi)': lambda nn: nn.LSTM(3, 4, bidirectional=True),
    'GRU(2,3,batch_first)': lambda nn: nn.GRU(2, 3, batch_first=True),
    'LSTM(3,5,proj2,2)': lambda nn: nn.LSTM(3, 5, num_layers=2, proj_size=2),
    'LSTM(4,3,bi,proj1,nobias)': lambda nn: nn.LSTM(4, 3, bias=False, bidirectional=True,
                                                    proj_size=1),
    'RNN(3,4,relu,bi)': lambda nn: nn.RNN(3, 4, nonlinearity='relu', bidirectional=True),
    'GRU(3,2,3,nobias)': lambda nn: nn.GRU(3, 2, num_layers=3, bias=False),
    'RNNCell(3,4)': lambda nn: nn.RNNCell(3, 4),
    'RNNCell(3,4,relu,nobias)': lambda nn: nn.RNNCell(3, 4, bias=False, nonlinearity='relu'),
    'LSTMCell(5,3)': lambda nn: nn.LSTMCell(5, 3),
    'GRUCell(2,6)': lambda nn: nn.GRUCell(2, 6),
    'MultiheadAttention(8,2)': lambda nn: nn.MultiheadAttention(8, 2),
    'MultiheadAttention(6,3,kdim4,vdim5)': lambda nn: nn.MultiheadAttention(6, 3, kdim=4, vdim=5),
    'MultiheadAttention(8,2,bias_kv)': lambda nn: nn.MultiheadAttention(8, 2, add_bias_kv=True),
    'MultiheadAttention(4,1,nobias)': lambda nn: nn.MultiheadAttention(4, 1, bias=False),
    'TransformerEncoderLayer(8,2,16)': lambda nn: nn.TransformerEncoderLayer(8, 2, 16),
    'TransformerDecoderLayer(8,2,16,nobias)': lambda nn: nn.TransformerDecoderLayer(
        8, 2, 16, bias=False),
}

MODELS = {
    'mlp': lambda nn: nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128),
                                    nn.ReLU(), nn.Linear(128, 10)),
    'lenet': lambda nn: nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)),
    'mixed': lambda nn: nn.Sequential(
        nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.PReLU(8), nn.Conv2d(8, 4, 1, bias=False),
        nn.Flatten(), nn.LayerNorm(16), nn.Linear(16, 6), nn.Bilinear(6, 6, 2)),
    'embed_linear': lambda nn: nn.Sequential(nn.Embedding(50, 16), nn.Linear(16, 50)),
    'transformer_encoder': lambda nn: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(16, 4, 32, batch_first=True), 2, nn.LayerNorm(16)),
    'transformer': lambda nn: nn.Transformer(16, 4, 2, 2, 32),
    'embed_transformer_lm': lambda nn: nn.Sequential(
        nn.Embedding(30, 16), nn.TransformerEncoderLayer(16, 2, 32), nn.Linear(16, 30)),
}

SEEDS = [0, 1, 42, 777]


def _build(lib, build, seed, **kw):
    lib.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            m = build(lib.nn, **kw)
        except AttributeError as ex:
            if lib is ember:
                pytest.skip(f'not implemented yet in ember.nn: {ex}')
            raise
    nxt = lib.rand(5, dtype=lib.float64).numpy()
    state = [(k, v.detach().numpy().copy()) for k, v in m.state_dict().items()]
    return state, nxt


def _bits(a):
    a = np.ascontiguousarray(a)
    return a.view(f'u{a.dtype.itemsize}') if a.dtype.kind == 'f' else a


def _assert_same_state(t, e):
    (ts, tn), (es, en) = t, e
    assert [k for k, _ in es] == [k for k, _ in ts], 'state_dict keys differ'
    for (k, a), (_, b) in zip(ts, es):
        assert b.dtype == a.dtype and b.shape == a.shape, f'{k}: {b.dtype}{b.shape} vs ' \
                                                          f'{a.dtype}{a.shape}'
        assert np.array_equal(_bits(a), _bits(b)), f'{k}: values differ from PyTorch'
    assert np.array_equal(tn, en), 'the random stream was consumed differently'


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('name', list(LAYERS))
def test_layer_default_init(name, seed):
    build = LAYERS[name]
    t = _build(torch, build, seed)
    e = _build(ember, build, seed)
    _assert_same_state(t, e)


@pytest.mark.parametrize('name', ['Linear(3,2)', 'Bilinear(3,4,5)', 'Conv2d(3,4,(3,5))',
                                  'ConvTranspose2d(3,5,3)', 'Embedding(10,3)',
                                  'BatchNorm2d(3)', 'LayerNorm(4)', 'PReLU(3,0.1)',
                                  'GRU(2,3,batch_first)'])
def test_layer_default_init_float64(name):
    """``dtype=float64``: the float64 streams (2 words per normal, 53-bit uniforms)."""
    if name.startswith('PReLU'):
        build = lambda nn, dtype: nn.PReLU(3, init=0.1, dtype=dtype)  # noqa: E731
    else:
        base = LAYERS[name]
        src = {'Linear(3,2)': lambda nn, dtype: nn.Linear(3, 2, dtype=dtype),
               'Bilinear(3,4,5)': lambda nn, dtype: nn.Bilinear(3, 4, 5, dtype=dtype),
               'Conv2d(3,4,(3,5))': lambda nn, dtype: nn.Conv2d(3, 4, (3, 5), dtype=dtype),
               'ConvTranspose2d(3,5,3)': lambda nn, dtype: nn.ConvTranspose2d(3, 5, 3,
                                                                              dtype=dtype),
               'Embedding(10,3)': lambda nn, dtype: nn.Embedding(10, 3, dtype=dtype),
               'BatchNorm2d(3)': lambda nn, dtype: nn.BatchNorm2d(3, dtype=dtype),
               'LayerNorm(4)': lambda nn, dtype: nn.LayerNorm(4, dtype=dtype),
               'GRU(2,3,batch_first)': lambda nn, dtype: nn.GRU(2, 3, batch_first=True,
                                                                dtype=dtype)}
        build = src[name]
        assert base is not None
    for seed in (0, 3):
        t = _build(torch, lambda nn: build(nn, torch.float64), seed)
        e = _build(ember, lambda nn: build(nn, ember.float64), seed)
        _assert_same_state(t, e)


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('name', list(MODELS))
def test_model_default_init(name, seed):
    """Several layers built in sequence draw from one stream in PyTorch's order."""
    t = _build(torch, MODELS[name], seed)
    e = _build(ember, MODELS[name], seed)
    _assert_same_state(t, e)


def test_reset_parameters_redraws_like_torch():
    """``reset_parameters()`` after construction draws again, in the same order."""
    res = []
    for lib in (torch, ember):
        lib.manual_seed(5)
        m = lib.nn.Linear(6, 4)
        m.reset_parameters()
        res.append((m.weight.detach().numpy().copy(), m.bias.detach().numpy().copy(),
                    lib.rand(3).numpy()))
    for a, b in zip(*res):
        assert np.array_equal(a, b)


def test_user_init_after_build():
    """The common pattern: build, then apply() a custom init (xavier weight, zero bias)."""
    def init_weights(lib):
        def fn(m):
            if isinstance(m, lib.nn.Linear):
                lib.nn.init.xavier_uniform_(m.weight, gain=lib.nn.init.calculate_gain('relu'))
                lib.nn.init.zeros_(m.bias)
        return fn
    res = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(), lib.nn.Linear(8, 2))
        m.apply(init_weights(lib))
        res.append([v.numpy().copy() for v in m.state_dict().values()])
    for a, b in zip(*res):
        assert np.array_equal(_bits(a), _bits(b))


def test_kaiming_bound_as_written():
    """The bound is sqrt(3) * (gain / sqrt(fan_in)) with a = sqrt(5), not 1/sqrt(fan_in)."""
    a = math.sqrt(5)
    gain = ember.nn.init.calculate_gain('leaky_relu', a)
    assert gain == math.sqrt(2.0 / (1 + a ** 2))
    for fan_in in (1, 3, 7, 784):
        w = ember.empty(2, fan_in)
        ember.manual_seed(0)
        ember.nn.init.kaiming_uniform_(w, a=a)
        tw = torch.empty(2, fan_in)
        torch.manual_seed(0)
        torch.nn.init.kaiming_uniform_(tw, a=a)
        assert np.array_equal(_bits(w.numpy()), _bits(tw.numpy()))
