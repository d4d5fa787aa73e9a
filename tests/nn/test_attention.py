"""MultiheadAttention and the Transformer modules against torch 2.13 where the module oracle
(cases_attention.py, cases_transformer.py) cannot reach: inference fast paths (eval + no_grad,
nested-tensor padding), rows whose every key is masked, errors, warnings, the causal mask,
return shapes and grad_fn names.
"""
import copy
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')

LIBS = (torch, ember)


def _np(t):
    return t.detach().numpy() if t is not None else None


def _same(a, b, atol=1e-5):
    a, b = _np(a), _np(b)
    assert a.shape == b.shape
    assert np.array_equal(np.isnan(a), np.isnan(b)), 'NaN positions differ'
    np.testing.assert_allclose(np.nan_to_num(a), np.nan_to_num(b), atol=atol, rtol=1e-5)


def _pair(build, seed=0):
    """The module built in both libraries, ember's with torch's state."""
    mods = []
    for lib in LIBS:
        lib.manual_seed(seed)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            mods.append(build(lib.nn))
    tm, em = mods
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in
                        tm.state_dict().items()})
    return tm, em


def _randomize(tm, em, seed=1):
    """Non-zero biases (the default init zeroes them) in both modules."""
    rng = np.random.default_rng(seed)
    state = {k: rng.standard_normal(tuple(v.shape)).astype('float32')
             for k, v in tm.state_dict().items()}
    tm.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
    em.load_state_dict({k: ember.tensor(v) for k, v in state.items()})


def _t(lib, a):
    return None if a is None else lib.tensor(a)


# ------------------------------------------------------------------ fully masked rows
_X = np.random.default_rng(0).standard_normal((2, 3, 8)).astype('float32')
_KPM_ALL = np.array([[False, False, True], [True, True, True]])
_AM3 = np.array([[[0, 0, 0], [1, 0, 0], [1, 1, 1]]] * 4, bool)


@pytest.mark.parametrize('need_weights', [True, False])
@pytest.mark.parametrize('grad', [True, False], ids=['grad', 'no_grad'])
@pytest.mark.parametrize('mode', ['train', 'eval'])
@pytest.mark.parametrize('masks', ['kpm', 'attn3d', 'both'])
def test_mha_fully_masked_rows(need_weights, grad, mode, masks):
    """NaN with need_weights=True or in PyTorch's inference kernel (eval, no grad, batch_first
    self-attention); 0 from scaled_dot_product_attention otherwise."""
    tm, em = _pair(lambda nn: nn.MultiheadAttention(8, 2, batch_first=True))
    _randomize(tm, em)
    kpm = _KPM_ALL if masks != 'attn3d' else None
    am = _AM3 if masks != 'kpm' else None
    outs = []
    for lib, m in zip(LIBS, (tm, em)):
        m.train(mode == 'train')
        x = lib.tensor(_X)
        with lib.set_grad_enabled(grad):
            outs.append(m(x, x, x, key_padding_mask=_t(lib, kpm), attn_mask=_t(lib, am),
                          need_weights=need_weights))
    (to, tw), (eo, ew) = outs
    _same(eo, to)
    assert (ew is None) == (tw is None)
    if tw is not None:
        _same(ew, tw)


def test_mha_fast_path_same_numbers():
    """eval + no_grad (PyTorch's fused kernel) equals the math path for ordinary masks."""
    tm, em = _pair(lambda nn: nn.MultiheadAttention(8, 4, batch_first=True))
    _randomize(tm, em)
    kpm = np.array([[False, False, True], [False, True, True]])
    am = np.array([[False, True, False], [False, False, True], [True, False, False]])
    for m in (tm, em):
        m.eval()
    for kw in ({}, {'key_padding_mask': kpm}, {'attn_mask': am},
               {'attn_mask': am, 'key_padding_mask': kpm, 'average_attn_weights': False}):
        res = []
        for lib, m in zip(LIBS, (tm, em)):
            x = lib.tensor(_X)
            args = {k: (_t(lib, v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
            with lib.no_grad():
                res.append(m(x, x, x, **args))
            res.append(m(x, x, x, **args))
        t_fast, t_slow, e_fast, e_slow = res
        for a, b in ((e_fast, t_fast), (e_slow, t_slow), (e_fast, e_slow)):
            _same(a[0], b[0])
            _same(a[1], b[1])


def test_mha_fast_path_ignores_is_causal_hint():
    """PyTorch's inference kernel uses attn_mask as given, never the is_causal hint."""
    tm, em = _pair(lambda nn: nn.MultiheadAttention(8, 2, batch_first=True))
    _randomize(tm, em)
    am = np.array([[False, True, False], [False, False, False], [True, False, False]])
    res = []
    for lib, m in zip(LIBS, (tm, em)):
        m.eval()
        x = lib.tensor(_X)
        with lib.no_grad():
            res.append(m(x, x, x, attn_mask=lib.tensor(am), is_causal=True,
                         need_weights=False)[0])
        res.append(m(x, x, x, attn_mask=lib.tensor(am), is_causal=True,
                     need_weights=False)[0])
    _same(res[2], res[0])
    _same(res[3], res[1])
    assert not np.allclose(_np(res[0]), _np(res[1]))


# ------------------------------------------------------------------ encoder fast paths
def _encoder(nn, batch_first=True, norm_first=False, nested=True):
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=batch_first,
                                       norm_first=norm_first)
    return nn.TransformerEncoder(layer, 2, nn.LayerNorm(8), enable_nested_tensor=nested)


_XS = np.random.default_rng(1).standard_normal((3, 5, 8)).astype('float32')
_LEFT = np.array([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0], [0, 1, 1, 1, 1]], bool)
_NOT_LEFT = np.array([[0, 1, 0, 0, 1], [0, 0, 0, 0, 0], [0, 1, 1, 1, 1]], bool)


@pytest.mark.parametrize('kpm', ['left', 'not-left', 'float'])
@pytest.mark.parametrize('grad', [True, False], ids=['grad', 'no_grad'])
@pytest.mark.parametrize('nested', [True, False])
def test_encoder_nested_padding(kpm, grad, nested):
    """In inference PyTorch runs left-aligned padded batches as nested tensors: the padded
    positions come back as zeros (before the final norm)."""
    tm, em = _pair(lambda nn: _encoder(nn, nested=nested))
    _randomize(tm, em)
    mask = {'left': _LEFT, 'not-left': _NOT_LEFT,
            'float': np.where(_LEFT, -1.5, 0.0).astype('float32')}[kpm]
    res = []
    for lib, m in zip(LIBS, (tm, em)):
        m.eval()
        with lib.set_grad_enabled(grad):
            res.append(m(lib.tensor(_XS), src_key_padding_mask=lib.tensor(mask)))
    _same(res[1], res[0])


def test_encoder_layer_fast_path_masks():
    """TransformerEncoderLayer's inference kernel: float and boolean masks alike give NaN for a
    query row with no allowed key (the math path gives 0 there), and it blocks every nonzero
    entry of a float mask (the math path adds it)."""
    tm, em = _pair(lambda nn: nn.TransformerEncoderLayer(8, 2, 16, batch_first=True))
    am = np.zeros((5, 5), bool)
    am[2] = True
    for grad in (True, False):
        for mode in ('train', 'eval'):
            res = []
            for lib, m in zip(LIBS, (tm, em)):
                m.train(mode == 'train')
                bm = lib.tensor(am)
                fm = lib.zeros(5, 5).masked_fill(bm, float('-inf'))
                finite = lib.zeros(5, 5).masked_fill(lib.tensor(~am), -0.7)
                kpm = lib.tensor(np.where(_LEFT, 2.0, 0.0).astype('float32'))
                with lib.set_grad_enabled(grad):
                    if mode == 'train':
                        lib.manual_seed(0)
                    res.append((m(lib.tensor(_XS), src_mask=bm),
                                m(lib.tensor(_XS), src_mask=fm),
                                m(lib.tensor(_XS), src_mask=finite),
                                m(lib.tensor(_XS), src_key_padding_mask=kpm)))
            for e, t in zip(res[1], res[0]):
                _same(e, t)


def test_encoder_layer_hooks_disable_fast_path():
    tm, em = _pair(lambda nn: nn.TransformerEncoderLayer(8, 2, 16, batch_first=True))
    am = np.zeros((5, 5), bool)
    am[2] = True
    res = []
    for lib, m in zip(LIBS, (tm, em)):
        m.eval()
        m.linear1.register_forward_hook(lambda mod, i, o: None)
        with lib.no_grad():
            res.append(m(lib.tensor(_XS), src_mask=lib.tensor(am)))
    _same(res[1], res[0])
    assert not np.isnan(_np(res[1])).any()


# ------------------------------------------------------------------ shapes and names
@pytest.mark.parametrize('batch_first', [False, True])
def test_mha_outputs_and_grad_fn(batch_first):
    res = []
    for lib in LIBS:
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(4, 2, batch_first=batch_first)
        x = lib.randn(3, 2, 4)
        o, w = m(x, x, x)
        o2, w2 = m(x, x, x, need_weights=False)
        o3, w3 = m(x[0], x[0], x[0], average_attn_weights=False)
        res.append([(tuple(t.shape), t.grad_fn.name()) if t is not None else None
                    for t in (o, w, o2, w2, o3, w3)])
    assert res[0] == res[1]


def test_generate_square_subsequent_mask():
    for kw in ({}, {'dtype': 'float64'}):
        t = torch.nn.Transformer.generate_square_subsequent_mask(
            4, **{k: getattr(torch, v) for k, v in kw.items()})
        e = ember.nn.Transformer.generate_square_subsequent_mask(
            4, **{k: getattr(ember, v) for k, v in kw.items()})
        assert str(e.dtype) == str(t.dtype)
        assert np.array_equal(e.numpy(), t.numpy())
        assert repr(e) == repr(t)


def test_causal_mask_detected_and_boolean_masks():
    """TransformerEncoder/Decoder detect the causal float mask; boolean masks (True = blocked)
    give the same result as the equivalent float mask."""
    tm, em = _pair(lambda nn: nn.Transformer(8, 2, 1, 1, 16, dropout=0.0))
    rng = np.random.default_rng(2)
    src = rng.standard_normal((5, 2, 8)).astype('float32')
    tgt = rng.standard_normal((4, 2, 8)).astype('float32')
    bool_causal = np.triu(np.ones((4, 4), bool), 1)
    res = []
    for lib, m in zip(LIBS, (tm, em)):
        causal = lib.nn.Transformer.generate_square_subsequent_mask(4)
        res.append([m(lib.tensor(src), lib.tensor(tgt), tgt_mask=causal),
                    m(lib.tensor(src), lib.tensor(tgt), tgt_mask=lib.tensor(bool_causal)),
                    m(lib.tensor(src), lib.tensor(tgt), tgt_mask=causal, tgt_is_causal=True)])
    for e, t in zip(res[1], res[0]):
        _same(e, t)
    _same(res[1][0], res[1][1])


def test_encoder_clones_are_independent_copies():
    layer = ember.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True)
    enc = ember.nn.TransformerEncoder(layer, 2)
    a, b = enc.layers
    assert a is not layer and a is not b
    assert a.linear1.weight is not b.linear1.weight
    assert np.array_equal(a.linear1.weight.detach().numpy(), b.linear1.weight.detach().numpy())
    assert len(list(enc.parameters())) == 2 * len(list(layer.parameters()))


def test_activation_module_is_a_child():
    tm, em = _pair(lambda nn: nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU()))
    assert repr(em) == repr(tm)
    assert em.activation_relu_or_gelu == tm.activation_relu_or_gelu == 2
    tm, em = _pair(lambda nn: nn.TransformerEncoderLayer(8, 2, 16, activation='relu'))
    assert em.activation is ember.nn.functional.relu
    assert em.activation_relu_or_gelu == 1


def test_deepcopy_and_state_dict_keys():
    tm, em = _pair(lambda nn: nn.MultiheadAttention(6, 3, kdim=4, vdim=5, add_bias_kv=True))
    assert list(em.state_dict()) == list(tm.state_dict())
    assert em._qkv_same_embed_dim is False and em.in_proj_weight is None
    c = copy.deepcopy(em)
    assert list(c.state_dict()) == list(em.state_dict())


def test_functional_matches_module():
    """``F.multi_head_attention_forward`` with the module's parameters is the module."""
    ember.manual_seed(0)
    m = ember.nn.MultiheadAttention(8, 2, add_zero_attn=True)
    x = ember.randn(3, 2, 8)
    o, w = m(x, x, x)
    o2, w2 = ember.nn.functional.multi_head_attention_forward(
        x, x, x, 8, 2, m.in_proj_weight, m.in_proj_bias, None, None, True, 0.0,
        m.out_proj.weight, m.out_proj.bias)
    assert np.array_equal(o.detach().numpy(), o2.detach().numpy())
    assert np.array_equal(w.detach().numpy(), w2.detach().numpy())


# ------------------------------------------------------------------ warnings
def _warnings(fn):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter('always')
        fn()
    return [str(w.message) for w in rec]


def test_warnings_match():
    def mismatched(lib):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(4, 2)
        x = lib.randn(3, 2, 4)
        m(x, x, x, key_padding_mask=lib.zeros(2, 3, dtype=lib.bool), attn_mask=lib.zeros(3, 3))

    def nested(lib, **kw):
        return lambda: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, 8, **kw),
                                                 1)
    for fn in (mismatched,):
        assert _warnings(lambda: fn(ember)) == _warnings(lambda: fn(torch))
    for kw in ({}, {'batch_first': True}, {'batch_first': True, 'norm_first': True},
               {'batch_first': True, 'activation': lambda x: x}, {'batch_first': True,
                                                                  'bias': False}):
        assert _warnings(nested(ember, **kw)) == _warnings(nested(torch, **kw))
    assert _warnings(lambda: ember.nn.TransformerEncoder(
        ember.nn.TransformerEncoderLayer(4, 2, 8), 1, enable_nested_tensor=False)) == []


# ------------------------------------------------------------------ errors
def _raises_like(fn):
    """Both libraries raise the same exception type; ember's message starts with torch's."""
    errs = []
    for lib in LIBS:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            with pytest.raises(Exception) as info:
                fn(lib)
        errs.append(info.value)
    t, e = errs
    assert type(e) is type(t), f'{type(e).__name__}: {e} vs torch {type(t).__name__}: {t}'
    assert str(e).startswith(str(t)), f'{e!s} vs torch {t!s}'


def _mha_call(x_shape, k_shape=None, v_shape=None, bf=False, **kw):
    def fn(lib):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(4, 2, batch_first=bf)
        x = lib.randn(*x_shape)
        k = lib.randn(*k_shape) if k_shape else x
        v = lib.randn(*v_shape) if v_shape else k
        args = {n: (lib.tensor(a) if isinstance(a, np.ndarray) else a) for n, a in kw.items()}
        return m(x, k, v, **args)
    return fn


_ERRORS = {
    'embed_dim-0': lambda lib: lib.nn.MultiheadAttention(0, 2),
    'heads-0': lambda lib: lib.nn.MultiheadAttention(4, 0),
    'not-divisible': lambda lib: lib.nn.MultiheadAttention(6, 4),
    'query-4d': _mha_call((1, 3, 2, 4)),
    'key-2d-for-3d-query': _mha_call((3, 2, 4), (3, 4)),
    'key-3d-for-2d-query': _mha_call((3, 4), (3, 2, 4)),
    'kpm-3d': _mha_call((3, 2, 4), key_padding_mask=np.zeros((2, 3, 1), bool)),
    'kpm-2d-unbatched': _mha_call((3, 4), key_padding_mask=np.zeros((1, 3), bool)),
    'kpm-wrong-batch': _mha_call((3, 2, 4), key_padding_mask=np.zeros((3, 3), bool)),
    'kpm-wrong-length': _mha_call((3, 2, 4), key_padding_mask=np.zeros((2, 4), bool)),
    'attn_mask-4d': _mha_call((3, 2, 4), attn_mask=np.zeros((1, 4, 3, 3), bool)),
    'attn_mask-2d-shape': _mha_call((3, 2, 4), attn_mask=np.zeros((3, 4), bool)),
    'attn_mask-3d-shape': _mha_call((3, 2, 4), attn_mask=np.zeros((2, 3, 3), bool)),
    'attn_mask-3d-unbatched': _mha_call((3, 4), attn_mask=np.zeros((1, 3, 3), bool)),
    'int-mask': _mha_call((3, 2, 4), attn_mask=np.zeros((3, 3), np.int64)),
    'int-kpm': _mha_call((3, 2, 4), key_padding_mask=np.zeros((2, 3), np.int64)),
    'is_causal-no-mask': _mha_call((3, 2, 4), is_causal=True),
    'embed-mismatch': _mha_call((3, 2, 5)),
    'key-value-mismatch': _mha_call((3, 2, 4), (3, 2, 4), (4, 2, 4)),
    'activation': lambda lib: lib.nn.TransformerEncoderLayer(4, 2, 8, activation='tanh'),
    'decoder-activation': lambda lib: lib.nn.TransformerDecoderLayer(4, 2, 8,
                                                                     activation='swish'),
    'transformer-batch': lambda lib: lib.nn.Transformer(4, 2, 1, 1, 8)(
        lib.zeros(3, 2, 4), lib.zeros(3, 5, 4)),
    'transformer-batch-bf': lambda lib: lib.nn.Transformer(4, 2, 1, 1, 8, batch_first=True)(
        lib.zeros(2, 3, 4), lib.zeros(5, 3, 4)),
    'transformer-d_model': lambda lib: lib.nn.Transformer(4, 2, 1, 1, 8)(
        lib.zeros(3, 2, 4), lib.zeros(3, 2, 6)),
    'static_k-size': lambda lib: lib.nn.functional.multi_head_attention_forward(
        lib.zeros(3, 2, 4), lib.zeros(3, 2, 4), lib.zeros(3, 2, 4), 4, 2, lib.zeros(12, 4),
        None, None, None, False, 0.0, lib.zeros(4, 4), None, static_k=lib.zeros(3, 3, 2)),
    'bias_k-without-bias_v': lambda lib: lib.nn.functional.multi_head_attention_forward(
        lib.zeros(3, 2, 4), lib.zeros(3, 2, 4), lib.zeros(3, 2, 4), 4, 2, lib.zeros(12, 4),
        None, lib.zeros(1, 1, 4), None, False, 0.0, lib.zeros(4, 4), None),
    'separate-without-weights': lambda lib: lib.nn.functional.multi_head_attention_forward(
        lib.zeros(3, 2, 4), lib.zeros(3, 2, 4), lib.zeros(3, 2, 4), 4, 2, None, None, None,
        None, False, 0.0, lib.zeros(4, 4), None, use_separate_proj_weight=True),
    'separate-weight-shape': lambda lib: lib.nn.functional.multi_head_attention_forward(
        lib.zeros(3, 2, 4), lib.zeros(3, 2, 3), lib.zeros(3, 2, 4), 4, 2, None, None, None,
        None, False, 0.0, lib.zeros(4, 4), None, use_separate_proj_weight=True,
        q_proj_weight=lib.zeros(4, 4), k_proj_weight=lib.zeros(4, 4),
        v_proj_weight=lib.zeros(4, 4)),
}


@pytest.mark.parametrize('name', list(_ERRORS))
def test_errors(name):
    _raises_like(_ERRORS[name])


# ------------------------------------------------------------------ the fused core
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('need_weights', [True, False])
def test_mha_wide_score_range(dtype, need_weights):
    """Scores spanning thousands (rows far below the global maximum) keep their softmax.
    Compared with PyTorch's math path (need_weights=True): its fused CPU kernel, used for
    need_weights=False, is off by ~3e-3 in float32 on this input's gradient."""
    tm, em = _pair(lambda nn: nn.MultiheadAttention(8, 2))
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((4, 3, 8)) * np.array([1, 30, 300])[None, :, None]).astype(dtype)
    res = []
    for lib, m, nw in ((torch, tm, True), (ember, em, need_weights)):
        m.to(getattr(lib, dtype))
        xt = lib.tensor(x, requires_grad=True)
        o, w = m(xt, xt, xt, need_weights=nw)
        o.sum().backward()
        res.append((o, xt.grad, m.in_proj_weight.grad, w))
    assert (res[1][3] is None) == (not need_weights)
    for e, t in zip(res[1], res[0]):
        if e is not None:
            np.testing.assert_allclose(_np(e), _np(t), rtol=1e-5, atol=1e-5)


def test_mha_second_order_without_weights():
    """need_weights=False (PyTorch: no second derivative) gives the second derivatives of the
    need_weights=True path."""
    ember.manual_seed(0)
    m = ember.nn.MultiheadAttention(6, 2, dropout=0.3).double()
    x = ember.randn(3, 2, 6, dtype=ember.float64, requires_grad=True)
    kpm = ember.tensor([[False, False, True], [False, True, False]])
    res = []
    for nw in (True, False):
        ember.manual_seed(1)
        out = m(x, x, x, key_padding_mask=kpm, need_weights=nw)[0]
        (g,) = ember.autograd.grad((out * out).sum(), [x], create_graph=True)
        (gg,) = ember.autograd.grad(g.pow(2).sum(), [x])
        res.append((out, g, gg))
    for a, b in zip(*res):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-10, atol=1e-12)


def test_nested_tensor_warning_once():
    """PyTorch warns once per process when its encoder first packs a padded batch."""
    from ember.nn.modules import transformer
    transformer._WARNED.clear()
    m = _encoder(ember.nn).eval()
    x, kpm = ember.tensor(_XS), ember.tensor(_LEFT)
    with ember.no_grad():
        first = _warnings(lambda: m(x, src_key_padding_mask=kpm))
        again = _warnings(lambda: m(x, src_key_padding_mask=kpm))
    assert len(first) == 1 and first[0].startswith('The PyTorch API of nested tensors is in '
                                                   'prototype stage')
    assert again == []


def test_backends_mha_fastpath_switch_matches_torch():
    """A fully masked row: NaN on torch's inference fast path, zeros on the math path."""
    outs = {}
    for lib in (ember, torch):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(4, 2, batch_first=True).eval()
        x = lib.ones(1, 3, 4)
        mask = lib.tensor([[True, True, True]])
        with lib.no_grad():
            fast = m(x, x, x, key_padding_mask=mask, need_weights=False)[0]
            lib.backends.mha.set_fastpath_enabled(False)
            try:
                assert not lib.backends.mha.get_fastpath_enabled()
                slow = m(x, x, x, key_padding_mask=mask, need_weights=False)[0]
            finally:
                lib.backends.mha.set_fastpath_enabled(True)
        outs[lib.__name__] = (fast.numpy(), slow.numpy())
    for e, t in zip(outs['ember'], outs['torch']):
        np.testing.assert_array_equal(np.isnan(e), np.isnan(t))
        np.testing.assert_allclose(np.nan_to_num(e), np.nan_to_num(t), atol=1e-6)
    assert np.isnan(outs['ember'][0]).all() and not np.isnan(outs['ember'][1]).any()
