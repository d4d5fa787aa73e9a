"""Bit-exact checks of ember's random numbers against PyTorch 2.13 (CPU, avx2).

The golden vectors (tests/data/rng_vectors.json, a copy of shared/spec/rng_vectors.json;
layout in shared/spec/rng.md section 0) are replayed twice:

* at the NumPy level through ember.random and ember._distributions: every "avx2" case,
  including the nn-init and DataLoader recipes of spec sections 8 and 9, and every
  "default"-capability case with ember._distributions.CAPABILITY = 'default';
* through ember's public tensor API (``ember.rand``, ``Tensor.uniform_``, ...): every
  "avx2" case except the nn-init and DataLoader ones (tested with those modules).

The generator, the FMA emulations and the kernels' edge cases (and comparisons with live
torch) are in tests/test_rng_kernels.py.
"""

import hashlib
import json
import math
import struct
from pathlib import Path

import numpy as np
import pytest

import ember
import ember.random as R
import ember._distributions as D

# The copy shipped with the tests, else the shared spec's original.
VECTORS = Path(__file__).resolve().parent / 'data' / 'rng_vectors.json'
if not VECTORS.exists():
    VECTORS = Path(__file__).resolve().parents[2] / 'shared' / 'spec' / 'rng_vectors.json'


def _load_cases(capability):
    if not VECTORS.exists():
        return []
    cases = json.loads(VECTORS.read_text())['cases']
    seen = {}
    out = []
    for case in cases:
        if case['capability'] != capability:
            continue
        cid = case['id']
        seen[cid] = seen.get(cid, 0) + 1
        if seen[cid] > 1:   # a few ids repeat with different params
            cid = f'{cid}#{seen[cid]}'
        out.append(pytest.param(case, id=cid))
    return out


CASES = _load_cases('avx2')
DEFAULT_CASES = _load_cases('default')   # PyTorch without AVX2 (optional in ember, spec 3)
needs_vectors = pytest.mark.skipif(not VECTORS.exists(),
                                   reason=f'golden vectors not found at {VECTORS}')


# ----------------------------------------------------------------------------- helpers
def _encode(arr):
    flat = np.asarray(arr).ravel()
    if flat.dtype.kind == 'f':
        return [float(v).hex() for v in flat.tolist()]
    return [int(v) for v in flat.tolist()]


def _normalise(values):
    return [float.fromhex(v).hex() if isinstance(v, str) else v for v in values]


def check_array(arr, expected, what='result'):
    """Compare a NumPy array with a golden array record (spec section 0)."""
    arr = np.asarray(arr)
    assert arr.dtype == np.dtype(expected['dtype']), f'{what}: dtype {arr.dtype}'
    assert list(arr.shape) == list(expected['shape']), f'{what}: shape {arr.shape}'
    got = _encode(arr)
    if 'values' in expected:
        assert got == _normalise(expected['values']), f'{what}: values differ'
    else:
        assert got[:len(expected['head'])] == _normalise(expected['head']), f'{what}: head differs'
        tail = expected['tail']
        assert got[len(got) - len(tail):] == _normalise(tail), f'{what}: tail differs'
    raw = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder('<')).tobytes()
    assert hashlib.sha256(raw).hexdigest() == expected['sha256'], f'{what}: sha256 differs'


def _check_state_bytes(raw, expected):
    """Compare a 5056-byte generator state with a golden rng_state record (spec section 1)."""
    seed, left, seeded, nxt = struct.unpack_from('<QiiQ', raw, 0)
    assert (seed, left, seeded, nxt) == (expected['the_initial_seed'], expected['left'],
                                         expected['seeded'], expected['next'])
    assert hashlib.sha256(raw).hexdigest() == expected['sha256']


def _probe():
    """What PyTorch's probe does: an unbounded int64 random_() on the default generator."""
    return int(D.random_(R.default_generator, (), np.int64))


def _hex_array(values, dtype):
    return np.array([float.fromhex(v) for v in values], dtype=dtype)


def _run_simple_step(gen, op, size, dtype):
    if op == 'rand':
        return D.uniform(gen, tuple(size), dtype)
    if op == 'randn':
        return D.normal(gen, tuple(size), dtype)
    raise AssertionError(f'unknown step {op}')


def _kaiming_bounds(fan_in):
    """nn.Linear / nn.ConvNd reset_parameters bounds, computed as PyTorch writes them (spec 8)."""
    a = math.sqrt(5)
    gain = math.sqrt(2.0 / (1 + a ** 2))
    std = gain / math.sqrt(fan_in)
    return math.sqrt(3.0) * std, 1 / math.sqrt(fan_in)


def _dataloader_epochs(params):
    """DataLoader(range(n), shuffle=True, batch_size) epochs at NumPy level (spec 9)."""
    n, bs = params['n'], params['batch_size']
    g_default = R.default_generator
    loader_gen = None
    if 'loader_generator_seed' in params:
        loader_gen = R.Generator().manual_seed(params['loader_generator_seed'])
    epochs = []
    for _ in range(params['epochs']):
        D.random_(loader_gen or g_default, (), np.int64)           # the iterator's _base_seed
        if loader_gen is None:
            seed = int(D.random_(g_default, (), np.int64))
            perm = D.randperm(R.Generator().manual_seed(seed), n)
        else:
            perm = D.randperm(loader_gen, n)
            D.randperm(loader_gen, n)       # the sampler's trailing randperm(n)[:0]
        perm = perm.tolist()
        epochs.append([perm[i:i + bs] for i in range(0, n, bs)])
    return epochs


# ----------------------------------------------------------------------------- golden cases
def run_case(case):
    """Replay one golden case on the default generator and check its result."""
    op, p, res = case['op'], case['params'], case['result']
    R.manual_seed(case['seed'])
    g = R.default_generator
    size = tuple(p.get('size', ()))
    dtype = p.get('dtype')

    if op == 'rand':
        check_array(D.uniform(g, size, dtype), res)
    elif op == 'randn':
        check_array(D.normal(g, size, dtype), res)
    elif op == 'uniform_':
        check_array(D.uniform(g, size, dtype, p['from'], p['to']), res)
    elif op == 'normal_':
        check_array(D.normal(g, size, dtype, p['mean'], p['std']), res)
    elif op == 'randint':
        check_array(D.randint(g, size, dtype, p['low'], p['high']), res)
    elif op == 'random_':
        check_array(D.random_(g, size, dtype), res)
    elif op == 'randperm':
        check_array(D.randperm(g, p['n']), res)
    elif op == 'bernoulli_scalar':
        check_array(D.bernoulli_scalar(g, size, p['p'], dtype), res)
    elif op == 'bernoulli_tensor':
        check_array(D.bernoulli_tensor(g, _hex_array(p['p'], p['p_dtype'])), res)
    elif op == 'dropout':
        x = np.ones(size, dtype=np.float32)
        check_array(x * D.dropout_mask(g, size, p['p'], np.float32), res)
    elif op == 'exponential_':
        check_array(D.exponential(g, size, dtype, p['lambd']), res)
    elif op == 'multinomial':
        probs = _hex_array(p['probs'], np.float32)
        check_array(D.multinomial(g, probs, p['num_samples'], p['replacement']), res)
    elif op == 'normal_tensor':
        mean = _hex_array(p['mean'], np.float32)
        std = _hex_array(p['std'], np.float32)
        check_array(D.normal_tensor(g, mean, std, np.float32), res)
    elif op == 'sequence':
        assert len(p['steps']) == len(res['steps'])
        for k, ((step, ssize, sdtype), expected) in enumerate(zip(p['steps'], res['steps'])):
            check_array(_run_simple_step(g, step, ssize, sdtype), expected, f'step {k}')
    elif op == 'rng_state':
        for step, ssize, sdtype in p['steps']:
            _run_simple_step(g, step, ssize, sdtype)
        state = R.default_generator._get_state_array()
        assert state.dtype == np.uint8 and state.size == res['nbytes']
        _check_state_bytes(state.tobytes(), res)
        _, normal_y, _, valid = struct.unpack_from('<dddi', state, 5016)
        assert valid == res['normal_is_valid']
        assert normal_y.hex() == float.fromhex(res['normal_y']).hex()
    elif op == 'explicit_generator':
        eg = R.Generator().manual_seed(p['gen_seed'])
        check_array(D.uniform(eg, (5,), np.float32), res['rand'], 'rand')
        check_array(D.normal(eg, (20,), np.float32), res['randn'], 'randn')
        check_array(D.randperm(eg, 10), res['randperm'], 'randperm')
    elif op == 'linear_init':
        fan_in, out = p['in_features'], p['out_features']
        bound, bias_bound = _kaiming_bounds(fan_in)
        check_array(D.uniform(g, (out, fan_in), np.float32, -bound, bound), res['weight'], 'weight')
        check_array(D.uniform(g, (out,), np.float32, -bias_bound, bias_bound), res['bias'], 'bias')
    elif op == 'conv2d_init':
        k = p['kernel_size']
        kh, kw = (k, k) if isinstance(k, int) else k
        cin, cout = p['in_channels'], p['out_channels']
        bound, bias_bound = _kaiming_bounds(cin * kh * kw)
        check_array(D.uniform(g, (cout, cin, kh, kw), np.float32, -bound, bound), res['weight'],
                    'weight')
        check_array(D.uniform(g, (cout,), np.float32, -bias_bound, bias_bound), res['bias'], 'bias')
    elif op == 'embedding_init':
        shape = (p['num_embeddings'], p['embedding_dim'])
        check_array(D.normal(g, shape, np.float32, 0.0, 1.0), res['weight'], 'weight')
    elif op == 'dataloader':
        assert _dataloader_epochs(p) == res['epochs']
    else:
        raise AssertionError(f'unhandled golden op {op!r}')
    assert _probe() == case['probe_after'], 'probe_after: a different number of words was used'


@needs_vectors
@pytest.mark.parametrize('case', CASES)
def test_golden(case):
    run_case(case)


@needs_vectors
@pytest.mark.parametrize('case', DEFAULT_CASES)
def test_golden_default_capability(case, monkeypatch):
    monkeypatch.setattr(D, 'CAPABILITY', 'default')
    run_case(case)


@needs_vectors
def test_golden_covers_every_avx2_op():
    ops = {c.values[0]['op'] for c in CASES}
    assert len(CASES) == 399 and len(ops) == 20, (len(CASES), sorted(ops))


# ----------------------------------------------------------------------------- golden, tensor API
_MODULE_CASES = {'linear_init', 'conv2d_init', 'embedding_init', 'dataloader'}
TENSOR_CASES = [c for c in CASES if c.values[0]['op'] not in _MODULE_CASES]


def _tensor_probe():
    return ember.empty((), dtype=ember.int64).random_().item()


def _edtype(name):
    return None if name is None else getattr(ember, name)


def _simple_step(op, size, dtype, **kw):
    fn = ember.rand if op == 'rand' else ember.randn
    return fn(*size, dtype=_edtype(dtype), **kw)


def _check_tensor(t, expected, what='result'):
    assert isinstance(t, ember.Tensor), f'{what}: not a Tensor but {type(t).__name__}'
    check_array(t.numpy(), expected, what)


def run_case_tensor(case):
    """Evaluate one golden case through ember's public API, as its ``call`` does in torch."""
    op, p, res = case['op'], case['params'], case['result']
    ember.manual_seed(case['seed'])
    size = tuple(p.get('size', ()))
    dt = _edtype(p.get('dtype'))

    if op == 'rand':
        _check_tensor(ember.rand(*size, dtype=dt), res)
    elif op == 'randn':
        _check_tensor(ember.randn(size, dtype=dt), res)
    elif op == 'uniform_':
        _check_tensor(ember.empty(size, dtype=dt).uniform_(p['from'], p['to']), res)
    elif op == 'normal_':
        _check_tensor(ember.empty(*size, dtype=dt).normal_(p['mean'], p['std']), res)
    elif op == 'randint':
        _check_tensor(ember.randint(p['low'], p['high'], size, dtype=dt), res)
    elif op == 'random_':
        _check_tensor(ember.empty(size, dtype=dt).random_(), res)
    elif op == 'randperm':
        _check_tensor(ember.randperm(p['n']), res)
    elif op == 'bernoulli_scalar':
        _check_tensor(ember.empty(size, dtype=dt).bernoulli_(p['p']), res)
    elif op == 'bernoulli_tensor':
        probs = ember.tensor(_hex_array(p['p'], p['p_dtype']))
        _check_tensor(ember.bernoulli(probs), res)
    elif op == 'dropout':
        # F.dropout(ones, p, training=True) on CPU is ones * (bernoulli_(1-p) / (1-p)) (spec 6).
        q = 1 - p['p']
        mask = ember.empty(size).bernoulli_(q)
        _check_tensor(ember.ones(size) * mask.div_(q), res)
    elif op == 'exponential_':
        _check_tensor(ember.empty(size, dtype=dt).exponential_(p['lambd']), res)
    elif op == 'multinomial':
        probs = ember.tensor(_hex_array(p['probs'], np.float32))
        _check_tensor(ember.multinomial(probs, p['num_samples'], replacement=p['replacement']),
                      res)
    elif op == 'normal_tensor':
        mean = ember.tensor(_hex_array(p['mean'], np.float32))
        std = ember.tensor(_hex_array(p['std'], np.float32))
        _check_tensor(ember.normal(mean, std), res)
    elif op == 'sequence':
        for k, ((step, ssize, sdtype), expected) in enumerate(zip(p['steps'], res['steps'])):
            _check_tensor(_simple_step(step, ssize, sdtype), expected, f'step {k}')
    elif op == 'rng_state':
        for step, ssize, sdtype in p['steps']:
            _simple_step(step, ssize, sdtype)
        state = ember.get_rng_state()
        assert isinstance(state, ember.Tensor) and state.dtype == ember.uint8
        assert state.shape == (res['nbytes'],)
        raw = state.numpy().tobytes()
        _check_state_bytes(raw, res)
        ember.set_rng_state(state)          # a round trip through the tensor changes nothing
        assert ember.get_rng_state().numpy().tobytes() == raw
    elif op == 'explicit_generator':
        before = ember.get_rng_state().numpy().tobytes()
        g = ember.Generator().manual_seed(p['gen_seed'])
        _check_tensor(ember.rand(5, generator=g), res['rand'], 'rand')
        _check_tensor(ember.randn(20, generator=g), res['randn'], 'randn')
        _check_tensor(ember.randperm(10, generator=g), res['randperm'], 'randperm')
        assert ember.get_rng_state().numpy().tobytes() == before
    else:
        raise AssertionError(f'unhandled golden op {op!r}')
    assert _tensor_probe() == case['probe_after'], 'probe_after: a different number of words was used'


@needs_vectors
@pytest.mark.parametrize('case', TENSOR_CASES)
def test_golden_tensor_api(case):
    run_case_tensor(case)


@needs_vectors
def test_golden_tensor_api_covers_every_reachable_case():
    ops = {c.values[0]['op'] for c in TENSOR_CASES}
    assert len(TENSOR_CASES) == 399 - 25 and len(ops) == 16, (len(TENSOR_CASES), sorted(ops))
