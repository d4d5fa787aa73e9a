"""Module cases: TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer,
TransformerDecoder and Transformer (small sizes: d_model 8, 2 heads, feed-forward 16).

Cases with dropout run in train mode only with ``random=True`` (both libraries draw the same
masks); the others use ``dropout=0.0`` so train and eval are compared. In eval mode with
parameters requiring grad PyTorch takes its math path; the inference fast paths are compared
in tests/nn/test_attention.py.
"""
import numpy as np

from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr

S, T, N, D, H, FF = 5, 4, 3, 8, 2, 16


def _x(*shape):
    return lambda rng, dt: (arr(rng, shape, dt),)


def _kpm(rng, n, s):
    m = rng.random((n, s)) > 0.6
    m[:, :2] = False
    return m


def _causal(n, dt):
    return np.triu(np.full((n, n), -np.inf, dt), 1)


def _enc_layer(**kw):
    kw.setdefault('dropout', 0.0)
    return lambda nn: nn.TransformerEncoderLayer(D, H, FF, **kw)


def _dec_layer(**kw):
    kw.setdefault('dropout', 0.0)
    return lambda nn: nn.TransformerDecoderLayer(D, H, FF, **kw)


def _encoder(n=2, norm=True, **kw):
    kw.setdefault('dropout', 0.0)

    def build(nn):
        layer = nn.TransformerEncoderLayer(D, H, FF, **kw)
        return nn.TransformerEncoder(layer, n, nn.LayerNorm(D) if norm else None,
                                     enable_nested_tensor=False)
    return build


def _decoder(n=2, **kw):
    kw.setdefault('dropout', 0.0)
    return lambda nn: nn.TransformerDecoder(nn.TransformerDecoderLayer(D, H, FF, **kw), n,
                                            nn.LayerNorm(D))


def _transformer(**kw):
    kw.setdefault('dropout', 0.0)
    return lambda nn: nn.Transformer(D, H, 2, 2, FF, **kw)


def _src_masks(rng, dt):
    return arr(rng, (S, N, D), dt), _kpm(rng, N, S), arr(rng, (S, S), dt)


def _src_bf_kpm(rng, dt):
    return arr(rng, (N, S, D), dt), _kpm(rng, N, S)


def _src_causal(rng, dt):
    return arr(rng, (S, N, D), dt), _causal(S, dt)


def _tgt_mem(bf=False):
    def inputs(rng, dt):
        if bf:
            return arr(rng, (N, T, D), dt), arr(rng, (N, S, D), dt)
        return arr(rng, (T, N, D), dt), arr(rng, (S, N, D), dt)
    return inputs


def _tgt_mem_masks(rng, dt):
    return (arr(rng, (T, N, D), dt), arr(rng, (S, N, D), dt), _causal(T, dt),
            _kpm(rng, N, T), _kpm(rng, N, S), arr(rng, (T, S), dt))


def _dec_masks_call(m, tgt, mem, tm, tkpm, mkpm, mm):
    return m(tgt, mem, tgt_mask=tm, memory_mask=mm, tgt_key_padding_mask=tkpm,
             memory_key_padding_mask=mkpm)


def _src_tgt(bf=False):
    def inputs(rng, dt):
        if bf:
            return arr(rng, (N, S, D), dt), arr(rng, (N, T, D), dt)
        return arr(rng, (S, N, D), dt), arr(rng, (T, N, D), dt)
    return inputs


def _src_tgt_masks(rng, dt):
    return (arr(rng, (S, N, D), dt), arr(rng, (T, N, D), dt), _causal(T, dt),
            _kpm(rng, N, S), _kpm(rng, N, T))


def _tr_masks_call(m, src, tgt, tm, skpm, tkpm):
    return m(src, tgt, tgt_mask=tm, src_key_padding_mask=skpm, tgt_key_padding_mask=tkpm,
             memory_key_padding_mask=skpm)


def _enc(desc, build, inputs, call=None, **kw):
    return ModuleCase('TransformerEncoderLayer', build, inputs, desc=desc, call=call, **kw)


def _train_random(**kw):
    return dict(random=True, modes=('train',), **kw)


CASES = [
    _enc('relu', _enc_layer(), _x(S, N, D)),
    _enc('gelu-batch_first', _enc_layer(activation='gelu', batch_first=True), _x(N, S, D)),
    _enc('callable-activation', _enc_layer(activation=lambda x: x.tanh()), _x(S, N, D)),
    _enc('GELU-module-norm_first', lambda nn: nn.TransformerEncoderLayer(
        D, H, FF, 0.0, nn.GELU(), norm_first=True), _x(S, N, D)),
    _enc('nobias-eps', _enc_layer(bias=False, layer_norm_eps=1e-3), _x(S, N, D)),
    _enc('masks', _enc_layer(), _src_masks,
         lambda m, x, kpm, mask: m(x, src_mask=mask, src_key_padding_mask=kpm)),
    _enc('kpm-batch_first', _enc_layer(batch_first=True), _src_bf_kpm,
         lambda m, x, kpm: m(x, src_key_padding_mask=kpm)),
    _enc('is_causal', _enc_layer(), _src_causal,
         lambda m, x, mask: m(x, src_mask=mask, is_causal=True)),
    _enc('unbatched', _enc_layer(norm_first=True), _x(S, D)),
    _enc('dropout', _enc_layer(dropout=0.2), _src_masks,
         lambda m, x, kpm, mask: m(x, src_mask=mask, src_key_padding_mask=kpm),
         **_train_random()),
    _enc('dropout-gelu-norm_first-batch_first', _enc_layer(
        dropout=0.3, activation='gelu', norm_first=True, batch_first=True), _x(N, S, D),
        **_train_random()),

    ModuleCase('TransformerEncoder', _encoder(), _x(S, N, D), desc='2-layers-norm'),
    ModuleCase('TransformerEncoder', _encoder(3, norm=False, batch_first=True), _src_bf_kpm,
               desc='3-layers-batch_first-kpm',
               call=lambda m, x, kpm: m(x, src_key_padding_mask=kpm)),
    ModuleCase('TransformerEncoder', _encoder(norm_first=True), _src_causal,
               desc='causal-detected', call=lambda m, x, mask: m(x, mask=mask)),
    ModuleCase('TransformerEncoder', _encoder(), _src_masks, desc='masks',
               call=lambda m, x, kpm, mask: m(x, mask=mask, src_key_padding_mask=kpm)),
    ModuleCase('TransformerEncoder', _encoder(dropout=0.1, activation='gelu'), _src_masks,
               desc='dropout', call=lambda m, x, kpm, mask: m(x, mask=mask,
                                                               src_key_padding_mask=kpm),
               **_train_random()),

    ModuleCase('TransformerDecoderLayer', _dec_layer(), _tgt_mem(), desc='relu'),
    ModuleCase('TransformerDecoderLayer', _dec_layer(activation='gelu', norm_first=True,
                                                     batch_first=True),
               _tgt_mem(bf=True), desc='gelu-norm_first-batch_first'),
    ModuleCase('TransformerDecoderLayer', _dec_layer(), _tgt_mem_masks, desc='masks',
               call=_dec_masks_call),
    ModuleCase('TransformerDecoderLayer', _dec_layer(), lambda rng, dt: (
        arr(rng, (T, N, D), dt), arr(rng, (S, N, D), dt), _causal(T, dt)), desc='causal',
        call=lambda m, t, mem, tm: m(t, mem, tgt_mask=tm, tgt_is_causal=True)),
    ModuleCase('TransformerDecoderLayer', _dec_layer(dropout=0.25), _tgt_mem_masks,
               desc='dropout', call=_dec_masks_call, **_train_random()),

    ModuleCase('TransformerDecoder', _decoder(), _tgt_mem(), desc='2-layers'),
    ModuleCase('TransformerDecoder', _decoder(batch_first=True, norm_first=True),
               _tgt_mem(bf=True), desc='batch_first-norm_first'),
    ModuleCase('TransformerDecoder', _decoder(), _tgt_mem_masks, desc='masks',
               call=_dec_masks_call),

    ModuleCase('Transformer', _transformer(), _src_tgt(), desc='2+2'),
    ModuleCase('Transformer', _transformer(batch_first=True, activation='gelu'),
               _src_tgt(bf=True), desc='batch_first-gelu'),
    ModuleCase('Transformer', _transformer(norm_first=True), _src_tgt_masks, desc='masks',
               call=_tr_masks_call),
    ModuleCase('Transformer', _transformer(dropout=0.1), _src_tgt_masks, desc='dropout',
               call=_tr_masks_call, **_train_random()),
    ModuleCase('Transformer', lambda nn: nn.Transformer(D, H, 1, 1, FF, 0.0, bias=False),
               _src_tgt(), desc='nobias'),
    ModuleCase('Transformer', lambda nn: nn.Transformer(D, H, 1, 1, FF, 0.0, norm_first=True),
               lambda rng, dt: (arr(rng, (S, D), dt), arr(rng, (T, D), dt), _causal(T, dt)),
               desc='unbatched', call=lambda m, s, t, tm: m(s, t, tgt_mask=tm)),
    ModuleCase('TransformerDecoder', _decoder(1), lambda rng, dt: (
        arr(rng, (T, D), dt), arr(rng, (S, D), dt), _kpm(rng, 1, S)[0]), desc='unbatched-kpm',
        call=lambda m, t, mem, mkpm: m(t, mem, memory_key_padding_mask=mkpm)),
]
