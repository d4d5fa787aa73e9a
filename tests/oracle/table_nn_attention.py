"""Oracle entries: F.multi_head_attention_forward (ember/_ops/nn_attention.py).

Samples put every tensor that may receive a gradient in ``args``; the ``_layout`` keyword
tells the call wrapper how to spread them over the function's parameters (self-attention
passes one tensor as query, key and value, so PyTorch's packed-projection shortcuts run).
"""
import numpy as np

from .harness import Op, Sample, arr

L, S, N, E, H = 3, 4, 2, 6, 2


def _mhaf(lib, *a, **kw):
    out, weights = _call(lib, *a, **kw)
    return out if weights is None else (out, weights)     # the harness wants tensors only


def _call(lib, *a, _layout='qkv', **kw):
    f = lib.nn.functional.multi_head_attention_forward
    if _layout == 'self':                      # x, w, b, ow, ob
        x, w, b, ow, ob = a
        return f(x, x, x, E, H, w, b, None, None, False, kw.pop('dropout_p', 0.0), ow, ob,
                 **kw)
    if _layout == 'kv':                        # q, kv, w, b, ow, ob
        q, kv, w, b, ow, ob = a
        return f(q, kv, kv, E, H, w, b, None, None, False, 0.0, ow, ob, **kw)
    if _layout == 'separate':                  # q, k, v, qw, kw, vw, b, ow, ob
        q, k, v, qw, kw_, vw, b, ow, ob = a
        return f(q, k, v, E, H, None, b, None, None, False, 0.0, ow, ob,
                 use_separate_proj_weight=True, q_proj_weight=qw, k_proj_weight=kw_,
                 v_proj_weight=vw, **kw)
    if _layout == 'bias_kv':                   # q, k, v, w, b, bk, bv, ow, ob
        q, k, v, w, b, bk, bv, ow, ob = a
        return f(q, k, v, E, H, w, b, bk, bv, kw.pop('add_zero_attn', False), 0.0, ow, ob,
                 **kw)
    if _layout == 'static':                    # q, k, v, w, b, sk, sv, ow, ob
        q, k, v, w, b, sk, sv, ow, ob = a
        return f(q, k, v, E, H, w, b, None, None, False, 0.0, ow, ob, static_k=sk,
                 static_v=sv, **kw)
    q, k, v, w, b, ow, ob = a
    return f(q, k, v, E, H, w, b, None, None, False, 0.0, ow, ob, **kw)


def _proj(rng, dt, e=E):
    return (arr(rng, (3 * E, e), dt, -0.6, 0.6), arr(rng, (3 * E,), dt),
            arr(rng, (E, E), dt, -0.6, 0.6), arr(rng, (E,), dt))


def _kpm(rng, n, s):
    m = rng.random((n, s)) > 0.5
    m[:, 0] = False
    return m


def _samples(rng, dt):
    w, b, ow, ob = _proj(rng, dt)
    q, k, v = arr(rng, (L, N, E), dt), arr(rng, (S, N, E), dt), arr(rng, (S, N, E), dt)
    x = arr(rng, (L, N, E), dt)
    amask = rng.random((L, S)) > 0.6
    amask[:, 1] = False
    out = [
        Sample((q, k, v, w, b, ow, ob), desc='qkv'),
        Sample((x, w, b, ow, ob), {'_layout': 'self'}, desc='self'),
        Sample((x, w, b, ow, ob), {'_layout': 'self', 'need_weights': False,
                                   'key_padding_mask': _kpm(rng, N, L)}, desc='self-nw'),
        Sample((q, k, w, b, ow, ob), {'_layout': 'kv', 'key_padding_mask': _kpm(rng, N, S),
                                      'attn_mask': amask}, desc='kv-bool-masks'),
        Sample((q, k, v, w, b, ow, ob), {'attn_mask': arr(rng, (N * H, L, S), dt),
                                         'key_padding_mask': arr(rng, (N, S), dt),
                                         'average_attn_weights': False}, desc='float-masks'),
        Sample((q, k, v, w, None, ow, None), {'need_weights': False}, desc='nobias-nw'),
        Sample((q[:, 0], k[:, 0], v[:, 0], w, b, ow, ob),
               {'key_padding_mask': _kpm(rng, 1, S)[0], 'attn_mask': amask},
               desc='unbatched'),
        Sample((x, w, b, ow, ob), {'_layout': 'self', 'need_weights': False, 'is_causal': True,
                                   'attn_mask': np.triu(np.ones((L, L), bool), 1)},
               desc='causal'),
        Sample((q, arr(rng, (S, N, 4), dt), arr(rng, (S, N, 5), dt),
                arr(rng, (E, E), dt), arr(rng, (E, 4), dt), arr(rng, (E, 5), dt), b, ow, ob),
               {'_layout': 'separate', 'key_padding_mask': _kpm(rng, N, S)}, desc='separate'),
        Sample((q, k, v, w, b, arr(rng, (1, 1, E), dt), arr(rng, (1, 1, E), dt), ow, ob),
               {'_layout': 'bias_kv', 'add_zero_attn': True, 'attn_mask': amask,
                'key_padding_mask': _kpm(rng, N, S)}, desc='bias_kv-zero_attn'),
        Sample((q, k, v, w, b, arr(rng, (N * H, 5, E // H), dt),
                arr(rng, (N * H, 5, E // H), dt), ow, ob), {'_layout': 'static'},
               desc='static_kv'),
    ]
    return out


def _with_weights(gen):
    return lambda rng, dt: [s for s in gen(rng, dt) if s.kwargs.get('need_weights', True)]


def _without_weights(gen):
    return lambda rng, dt: [s for s in gen(rng, dt) if not s.kwargs.get('need_weights', True)]


def _dropout_samples(rng, dt):
    w, b, ow, ob = _proj(rng, dt)
    x = arr(rng, (L, N, E), dt)
    return [Sample((x, w, b, ow, ob), {'_layout': 'self', 'dropout_p': 0.4},
                   desc='dropout-weights'),
            Sample((x, w, b, ow, ob), {'_layout': 'self', 'dropout_p': 0.4,
                                       'need_weights': False}, desc='dropout-sdpa'),
            Sample((x, w, b, ow, ob), {'_layout': 'self', 'dropout_p': 0.4, 'training': False},
                   desc='dropout-eval')]


# need_weights=False runs PyTorch's fused CPU attention, which has no second derivative
OPS = [
    Op('F.multi_head_attention_forward', _with_weights(_samples), call=_mhaf, atol=2e-5),
    Op('F.mha_need_weights_false', _without_weights(_samples), call=_mhaf, atol=2e-5,
       gradgrad=False),
    Op('F.mha_dropout', _with_weights(_dropout_samples), call=_mhaf, random=True, atol=2e-5),
    Op('F.mha_dropout_need_weights_false', _without_weights(_dropout_samples), call=_mhaf,
       random=True, atol=2e-5, gradgrad=False),
]
