"""Module cases: MultiheadAttention (and NonDynamicallyQuantizableLinear).

Inputs are (L, N, E) unless ``batch_first``; masks come in as NumPy arrays (float masks are
finite so their gradients are compared too; boolean masks never mask a whole row here; rows
masked entirely are in tests/nn/test_attention.py).
"""
import numpy as np

from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr

L, S, N, E = 4, 5, 3, 8


def _self(shape):
    return lambda rng, dt: (arr(rng, shape, dt),)


def _kpm(rng, n, s):
    """A boolean padding mask (True = padding) that leaves each row at least 2 keys."""
    m = rng.random((n, s)) > 0.6
    m[:, :2] = False
    return m


def _amask(rng, l, s):
    m = rng.random((l, s)) > 0.6
    m[:, 0] = False
    return m


def _call_self(**kw):
    return lambda m, x, *masks: m(x, x, x, **_masks(kw, masks))


def _masks(kw, masks):
    kw = dict(kw)
    for name, value in zip(kw.pop('_names', ()), masks):
        kw[name] = value
    return kw


def _self_masked(names, make, **kw):
    """Self-attention of one input with the masks ``make(rng, dt)`` passed as ``names``."""
    def inputs(rng, dt):
        return (arr(rng, (L, N, E), dt),) + tuple(make(rng, dt))
    return inputs, (lambda m, x, *masks: m(x, x, x, **dict(zip(names, masks)), **kw))


def _case(desc, build, inputs, call=None, **kw):
    return ModuleCase('MultiheadAttention', build, inputs, desc=desc, call=call, **kw)


def _mha(**kw):
    return lambda nn: nn.MultiheadAttention(E, 2, **kw)


_kpm_in, _kpm_call = _self_masked(('key_padding_mask',), lambda rng, dt: (_kpm(rng, N, L),))
_kpmf_in, _kpmf_call = _self_masked(('key_padding_mask',),
                                    lambda rng, dt: (arr(rng, (N, L), dt),))
_am2_in, _am2_call = _self_masked(('attn_mask',), lambda rng, dt: (_amask(rng, L, L),))
_am3_in, _am3_call = _self_masked(('attn_mask',),
                                  lambda rng, dt: (arr(rng, (N * 2, L, L), dt),))
_both_in, _both_call = _self_masked(('attn_mask', 'key_padding_mask'),
                                    lambda rng, dt: (_amask(rng, L, L), _kpm(rng, N, L)))
_bothf_in, _bothf_call = _self_masked(('attn_mask', 'key_padding_mask'),
                                      lambda rng, dt: (arr(rng, (L, L), dt),
                                                       arr(rng, (N, L), dt)))
_nw_in, _nw_call = _self_masked(('attn_mask', 'key_padding_mask'),
                                lambda rng, dt: (_amask(rng, L, L), _kpm(rng, N, L)),
                                need_weights=False)
_avg_in, _avg_call = _self_masked(('key_padding_mask',), lambda rng, dt: (_kpm(rng, N, L),),
                                  average_attn_weights=False)


def _causal(rng, dt):
    return (np.triu(np.full((L, L), -np.inf, dt), 1),)


_causal_in, _causal_call = _self_masked(('attn_mask',), _causal, is_causal=True,
                                        need_weights=False)
_causalw_in, _causalw_call = _self_masked(('attn_mask',), _causal, is_causal=True)


def _cross(rng, dt):
    return arr(rng, (L, N, E), dt), arr(rng, (S, N, E), dt)


def _qkv(dq, dk, dv, bf=False):
    def inputs(rng, dt):
        shape = (lambda s: (N, s) if bf else (s, N))
        return (arr(rng, shape(L) + (dq,), dt), arr(rng, shape(S) + (dk,), dt),
                arr(rng, shape(S) + (dv,), dt))
    return inputs


def _unbatched_masks(rng, dt):
    kpm = np.zeros(S, bool)
    kpm[-1] = True
    return (arr(rng, (L, E), dt), arr(rng, (S, E), dt), arr(rng, (S, E), dt), kpm,
            arr(rng, (2, L, S), dt))


CASES = [
    ModuleCase('NonDynamicallyQuantizableLinear',
               lambda nn: getattr(nn.modules, 'attention', nn.modules.linear)
               .NonDynamicallyQuantizableLinear(4, 3), _self((2, 4))),
    _case('self', _mha(), _self((L, N, E)), _call_self()),
    _case('self-batch_first', _mha(batch_first=True), _self((N, L, E)), _call_self()),
    _case('self-4heads', lambda nn: nn.MultiheadAttention(E, 4), _self((L, N, E)),
          _call_self()),
    _case('self-1head-nobias', lambda nn: nn.MultiheadAttention(E, 1, bias=False),
          _self((L, N, E)), _call_self()),
    _case('cross-kv', _mha(), _cross, lambda m, q, kv: m(q, kv, kv)),
    _case('cross-kv-batch_first', _mha(batch_first=True),
          lambda rng, dt: (arr(rng, (N, L, E), dt), arr(rng, (N, S, E), dt)),
          lambda m, q, kv: m(q, kv, kv)),
    _case('qkv', _mha(), _qkv(E, E, E)),
    _case('qkv-batch_first', _mha(batch_first=True), _qkv(E, E, E, bf=True)),
    _case('kdim-vdim', _mha(kdim=5, vdim=3), _qkv(E, 5, 3)),
    _case('kdim-vdim-batch_first-nobias', _mha(kdim=6, vdim=6, batch_first=True, bias=False),
          _qkv(E, 6, 6, bf=True)),
    _case('add_bias_kv', _mha(add_bias_kv=True), _self((L, N, E)), _call_self()),
    _case('add_zero_attn', _mha(add_zero_attn=True), _qkv(E, E, E)),
    _case('bias_kv-zero_attn-masks', _mha(add_bias_kv=True, add_zero_attn=True), _both_in,
          _both_call),
    _case('kpm-bool', _mha(), _kpm_in, _kpm_call),
    _case('kpm-float', _mha(), _kpmf_in, _kpmf_call),
    _case('attn_mask-2d-bool', _mha(), _am2_in, _am2_call),
    _case('attn_mask-3d-float', _mha(), _am3_in, _am3_call),
    _case('both-bool', _mha(), _both_in, _both_call),
    _case('both-float', _mha(), _bothf_in, _bothf_call),
    _case('need_weights-False', _mha(), _nw_in, _nw_call),
    _case('per-head-weights', _mha(), _avg_in, _avg_call),
    _case('is_causal', _mha(), _causal_in, _causal_call),
    _case('is_causal-need_weights', _mha(), _causalw_in, _causalw_call),
    _case('unbatched', _mha(), _self((L, E)), _call_self()),
    _case('unbatched-masks-kdim', _mha(kdim=E, vdim=E), _unbatched_masks,
          lambda m, q, k, v, kpm, am: m(q, k, v, key_padding_mask=kpm, attn_mask=am,
                                        average_attn_weights=False)),
    _case('dropout', _mha(dropout=0.3), _kpm_in, _kpm_call, random=True, modes=('train',)),
    _case('dropout-need_weights-False', _mha(dropout=0.3), _nw_in, _nw_call, random=True,
          modes=('train',)),
    _case('dropout-eval', _mha(dropout=0.5, batch_first=True), _self((N, L, E)), _call_self(),
          modes=('eval',)),
]
