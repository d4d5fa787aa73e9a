"""``F.multi_head_attention_forward``: the whole of ``nn.MultiheadAttention`` as a function.

Written with ember's differentiable ops (linear, reshape/transpose, baddbmm/bmm, softmax,
dropout), following PyTorch's steps: input projections (packed ``in_proj_weight`` or separate
``q/k/v_proj_weight``), ``bias_k``/``bias_v`` and ``add_zero_attn`` columns, the merged
additive mask (``key_padding_mask`` plus ``attn_mask``; boolean ``True`` = may NOT attend),
``softmax(q k^T / sqrt(head_dim) + mask)``, dropout on the weights, ``@ v`` and the output
projection. With ``need_weights=False`` PyTorch goes through ``scaled_dot_product_attention``
(rows whose every key is masked give 0 there, NaN with ``need_weights=True``).

>>> import ember.nn.functional as F
>>> x = ember.ones(2, 1, 4)                    # (L, N, E)
>>> w, b = ember.ones(12, 4) / 4, ember.zeros(12)
>>> out, attn = F.multi_head_attention_forward(x, x, x, 4, 2, w, b, None, None, False, 0.0,
...                                            ember.eye(4), ember.zeros(4))
>>> out.shape, attn
(torch.Size([2, 1, 4]), tensor([[[0.5000, 0.5000],
         [0.5000, 0.5000]]]))
"""
import math
import warnings

from ._base import Tensor, wrap, record, record_multi, xp_of, STATE, np
from ._elementwise import quieted
from ._autocast import AUTOCAST, lower_precision
from .fused_products import baddbmm
from .products import bmm
from .joining import cat
from .nn_linear import linear
from .nn_activation import f_softmax, _safe_softmax
from .nn_dropout import dropout
from .nn_padding import pad
from .._dtype import _BY_NP
from .._dtype import FLOATING, kind_of

__all__ = []
FUNCTIONAL = ['multi_head_attention_forward']


def _dt(t):
    return _BY_NP[t._data.dtype]


def _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """PyTorch's ``_mha_shape_check``: whether the input is batched (3-D) or not (2-D)."""
    qd, kd, vd = query.dim(), key.dim(), value.dim()
    if qd == 3:
        if kd != 3 or vd != 3:
            raise AssertionError('For batched (3-D) `query`, expected `key` and `value` to be 3-D'
                                 f' but found {kd}-D and {vd}-D tensors respectively')
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError('For batched (3-D) `query`, expected `key_padding_mask` to be '
                                 f'`None` or 2-D but found {key_padding_mask.dim()}-D tensor '
                                 'instead (shape (batch, source length), True = padding)')
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError('For batched (3-D) `query`, expected `attn_mask` to be `None`, '
                                 f'2-D or 3-D but found {attn_mask.dim()}-D tensor instead')
        return True
    if qd == 2:
        if kd != 2 or vd != 2:
            raise AssertionError('For unbatched (2-D) `query`, expected `key` and `value` to be '
                                 f'2-D but found {kd}-D and {vd}-D tensors respectively')
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError('For unbatched (2-D) `query`, expected `key_padding_mask` to be '
                                 f'`None` or 1-D but found {key_padding_mask.dim()}-D tensor '
                                 'instead')
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError('For unbatched (2-D) `query`, expected `attn_mask` to be '
                                     f'`None`, 2-D or 3-D but found {attn_mask.dim()}-D tensor '
                                     'instead')
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(f'Expected `attn_mask` shape to be {expected} but got '
                                         f'{attn_mask.shape}')
        return False
    raise AssertionError('query should be unbatched 2D or batched 3D tensor but received '
                         f'{qd}-D query tensor (expected (L, E) or (L, N, E); (N, L, E) with '
                         'batch_first=True)')


def _canonical_mask(mask, name, other, other_name, target, check_other=True, stacklevel=2):
    """PyTorch's ``_canonical_mask``: a boolean mask becomes an additive float mask (0 where
    allowed, -inf where True); float masks pass through; other dtypes are refused."""
    if mask is None:
        return None
    m = mask._data
    kind = kind_of(m.dtype)
    if kind != 'b' and kind != 'f':
        raise AssertionError(f'only bool and floating types of {name} are supported '
                             f'(got {_dt(mask)}; use mask.bool() with True = not allowed)')
    if check_other and other is not None and other._data.dtype != m.dtype:
        warnings.warn(f'Support for mismatched {name} and {other_name} is deprecated. Use same '
                      'type for both instead.', UserWarning, stacklevel=stacklevel)
    if kind == 'b':
        xp = xp_of(m)
        out = xp.zeros(m.shape, dtype=target._data.dtype)
        out[m] = -np.inf
        return wrap(out)
    return mask


def _check_key_padding_mask(kpm, src_len, bsz):
    if kpm.shape[0] != bsz:
        raise AssertionError(f'Expected key_padded_mask.shape[0] to be {bsz}, but got '
                             f'{kpm.shape[0]} (key_padding_mask is (batch, source length))')
    if kpm.shape[1] != src_len:
        raise AssertionError(f'Expected key_padded_mask.shape[1] to be {src_len}, but got '
                             f'{kpm.shape[1]} (key_padding_mask is (batch, source length))')


def _in_projection(q, k, v, w_q, w_k, w_v, b_q, b_k, b_v):
    eq, ek, ev = q.shape[-1], k.shape[-1], v.shape[-1]
    for what, w, shape in (('query', w_q, (eq, eq)), ('key', w_k, (eq, ek)),
                           ('value', w_v, (eq, ev))):
        if tuple(w.shape) != shape:
            raise AssertionError(f'expecting {what} weights shape of {shape}, but got {w.shape}')
    for what, b in (('query', b_q), ('key', b_k), ('value', b_v)):
        if b is not None and tuple(b.shape) != (eq,):
            raise AssertionError(f'expecting {what} bias shape of {(eq,)}, but got {b.shape}')
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)


def _heads(x, n, bh, hd):
    """(S, N, E) -> (N*H, S, hd), as PyTorch's ``view(S, N*H, hd).transpose(0, 1)``."""
    return x.reshape(n, bh, hd).transpose(0, 1)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """Multi-head attention of ``query`` (L, N, E) over ``key``/``value`` (S, N, E); 2-D inputs
    are one unbatched sequence. Returns ``(attn_output, attn_weights)``; the weights are
    averaged over heads unless ``average_attn_weights=False``, and None when
    ``need_weights=False``.

    >>> import ember.nn.functional as F
    >>> x = ember.ones(3, 4)                       # unbatched (L, E)
    >>> out, w = F.multi_head_attention_forward(x, x, x, 4, 1, ember.ones(12, 4), None, None,
    ...                                         None, False, 0.0, ember.eye(4), None)
    >>> out.shape, w.shape
    (torch.Size([3, 4]), torch.Size([3, 3]))
    """
    if AUTOCAST.on:
        return lower_precision(multi_head_attention_forward, query, key, value, embed_dim_to_check,
                               num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v,
                               add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training,
                               key_padding_mask, need_weights, attn_mask, use_separate_proj_weight,
                               q_proj_weight, k_proj_weight, v_proj_weight, static_k, static_v,
                               average_attn_weights, is_causal)
    return _mha(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                training, key_padding_mask, need_weights, attn_mask, use_separate_proj_weight,
                q_proj_weight, k_proj_weight, v_proj_weight, static_k, static_v,
                average_attn_weights, is_causal)


def _mha(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
         bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training,
         key_padding_mask, need_weights, attn_mask, use_separate_proj_weight, q_proj_weight,
         k_proj_weight, v_proj_weight, static_k, static_v, average_attn_weights, is_causal,
         fast=False):
    """The body of :func:`multi_head_attention_forward`; ``fast=True`` is PyTorch's inference
    fast path (same numbers, but fully masked rows give NaN even without weights)."""
    for i, t in enumerate((query, key, value)):
        if not isinstance(t, Tensor):
            raise TypeError(f'multi_head_attention_forward(): argument '
                            f"'{('query', 'key', 'value')[i]}' (position {i + 1}) must be "
                            f'Tensor, not {type(t).__name__}')
    is_batched = _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, 'key_padding_mask', attn_mask,
                                       'attn_mask', query, stacklevel=4)
    if is_causal and attn_mask is None:
        raise RuntimeError('Need attn_mask if specifying the is_causal hint. You may use the '
                           'Transformer module method `generate_square_subsequent_mask` to '
                           'create this mask.')
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None                    # the hint alone: a causal mask of the right size
    else:
        attn_mask = _canonical_mask(attn_mask, 'attn_mask', None, '', query, False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f'was expecting embedding dimension of {embed_dim_to_check}, but '
                             f'got {embed_dim} (the last dimension of query)')
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f'embed_dim {embed_dim} not divisible by num_heads {num_heads}')
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match "
                                 f"value's {value.shape[:2]}")
    elif tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f'key shape {key.shape} does not match value shape {value.shape}')

    # ---- input projections
    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError('use_separate_proj_weight is False but in_proj_weight is None')
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        for what, w in (('q', q_proj_weight), ('k', k_proj_weight), ('v', v_proj_weight)):
            if w is None:
                raise AssertionError(f'use_separate_proj_weight is True but {what}_proj_weight '
                                     'is None')
        b_q = b_k = b_v = None
        if in_proj_bias is not None:
            b_q, b_k, b_v = in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight,
                                 v_proj_weight, b_q, b_k, b_v)

    # ---- masks to 3-D
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f'The shape of the 2D attn_mask is {attn_mask.shape}, but '
                                   f'should be {(tgt_len, src_len)}.')
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f'The shape of the 3D attn_mask is {attn_mask.shape}, but '
                                   f'should be {(bsz * num_heads, tgt_len, src_len)}. (A 3-D '
                                   'mask has one (L, S) slice per batch element and head, '
                                   'batch-major.)')
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    # ---- bias_k / bias_v: one more key and value position
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError('bias cannot be added to static key.')
        if static_v is not None:
            raise AssertionError('bias cannot be added to static value.')
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    elif bias_k is not None:
        raise AssertionError('bias_k is set but bias_v is None')
    elif bias_v is not None:
        raise AssertionError('bias_v is set but bias_k is None')

    # ---- heads: (N*H, S, head_dim)
    bh = bsz * num_heads
    q = _heads(q, tgt_len, bh, head_dim)
    if static_k is None:
        k = _heads(k, k.shape[0], bh, head_dim)
    else:
        _check_static(static_k, 'static_k', bh, head_dim)
        k = static_k
    if static_v is None:
        v = _heads(v, v.shape[0], bh, head_dim)
    else:
        _check_static(static_v, 'static_v', bh, head_dim)
        v = static_v
    if add_zero_attn:
        from .creation import zeros
        z = zeros((bh, 1, head_dim), dtype=_dt(k), device=k.device)
        k = cat([k, z], dim=1)
        z = zeros((bh, 1, head_dim), dtype=_dt(v), device=v.device)
        v = cat([v, z], dim=1)
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    src_len = k.shape[1]

    # ---- merge key_padding_mask into attn_mask
    if key_padding_mask is not None:
        _check_key_padding_mask(key_padding_mask, src_len, bsz)
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len).expand(
            -1, num_heads, -1, -1).reshape(bh, 1, src_len)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0

    # ---- attention
    if is_causal and attn_mask is None:
        from .creation import ones
        causal = ones((tgt_len, src_len), dtype=bool, device=q.device).triu(1)
        attn_mask = _canonical_mask(causal, 'attn_mask', None, '', q, False).unsqueeze(0)
    safe = not (need_weights or fast)
    if _fusable(q, k, v, attn_mask):
        out = _attention(q, k, v, attn_mask, dropout_p, safe, need_weights)
        if need_weights:
            out, weights = out
    else:
        out, weights = _attention_ops(q, k, v, attn_mask, dropout_p, safe)
    out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias)
    out = out.view(tgt_len, bsz, out.shape[1])
    if not need_weights:
        return (out if is_batched else out.squeeze(1)), None
    weights = weights.view(bsz, num_heads, tgt_len, src_len)
    if average_attn_weights:
        weights = weights.mean(dim=1)
    if not is_batched:
        return out.squeeze(1), weights.squeeze(0)
    return out, weights


# ---- the attention core: softmax(q k^T * scale + mask) (dropped out) @ v ------------------
def _fusable(q, k, v, mask):
    dt = q._data.dtype
    return (k._data.dtype == dt and v._data.dtype == dt and dt in FLOATING
            and (mask is None or mask._data.dtype == dt))


def _attention_ops(q, k, v, mask, dropout_p, safe):
    """The core written with ember's ops, as PyTorch's math path (any dtype mix raises what
    bmm/baddbmm raise); also the graph that second derivatives of :func:`_attention` use."""
    scale = math.sqrt(1.0 / float(q.shape[-1]))
    if mask is not None:
        w = baddbmm(mask, q * scale, k.transpose(-2, -1))
    else:
        w = bmm(q * scale, k.transpose(-2, -1))
    w = _safe_softmax(w, -1) if safe else f_softmax(w, -1)
    if dropout_p > 0.0:
        w = dropout(w, p=dropout_p)
    return bmm(w, v), w


def _rowmax(a, xp):
    """max over the last axis, keepdims: pairwise halving is several times faster than
    NumPy's reduce along a short contiguous axis."""
    n = a.shape[-1]
    if n > 128:
        return a.max(-1, keepdims=True)
    while n > 1:
        h = n >> 1
        b = xp.maximum(a[..., :h], a[..., h:2 * h])
        if n & 1:
            xp.maximum(b[..., :1], a[..., 2 * h:], out=b[..., :1])
        a, n = b, h
    return a


def _softmax_rows(s, safe):
    """softmax over the last axis of a fresh float array ``s`` (may be overwritten). Shifted
    by the global max when every row then keeps a normal-range sum (one cheap reduce), else
    by each row's max; rows of only -inf give NaN, or 0 when ``safe``."""
    if s.size == 0:
        return s
    xp = xp_of(s)
    ones = xp.ones(s.shape[-1], dtype=s.dtype)
    m = s.max()
    if m == m and m != np.inf and m != -np.inf:
        e = xp.exp(s - m)
        tot = e @ ones
        if tot.min() > _TINY.get(s.dtype.char, 1e-30):
            e *= (1 / tot)[..., None]
            return e
    with np.errstate(invalid='ignore', divide='ignore'):
        rm = _rowmax(s, xp)
        e = xp.exp(xp.subtract(s, rm, out=s), out=s)
        e *= (1 / (e @ ones))[..., None]
    if safe:
        dead = rm == -np.inf
        if dead.any():
            e[xp.broadcast_to(dead, e.shape)] = 0
    return e


_TINY = {'f': 1e-30, 'd': 1e-290, 'e': 1e-4}


@quieted            # inf/huge scores: inf/nan silently, as in PyTorch
def _attention(q, k, v, mask, dropout_p, safe, need_weights):
    """The fused core over (B, L, d) queries, (B, S, d) keys and values and an additive mask
    broadcastable to (B, L, S): returns the output (B, L, d), and the (dropped-out) weights
    when ``need_weights``."""
    xq, xk, xv = q._data, k._data, v._data
    xp = xp_of(xq)
    scale = math.sqrt(1.0 / float(xq.shape[-1]))
    s = xp.matmul(xq * xq.dtype.type(scale), xk.swapaxes(-1, -2))
    if mask is not None:
        s += mask._data
    p = _softmax_rows(s, safe).astype(xq.dtype, copy=False)   # NumPy's bf16 products are f32
    noise = None
    if dropout_p > 0.0:
        from .._distributions import dropout_mask
        from ._random import _gen
        noise = dropout_mask(_gen(None), p.shape, dropout_p, p.dtype)
        if xp is not np:
            noise = xp.asarray(noise)
        pd = p * noise
    else:
        pd = p
    out = wrap(xp.matmul(pd, xv).astype(xq.dtype, copy=False))
    ctx = (p, pd, noise, dropout_p, safe)
    if not need_weights:
        return record(out, 'AttentionBackward', _attention_backward, (q, k, v, mask),
                      (q, k, v, mask), ctx=ctx)
    w = wrap(pd if noise is not None else p.copy())
    return record_multi((out, w), 'AttentionBackward', _attention_backward, (q, k, v, mask),
                        (q, k, v, mask), ctx=ctx)


@quieted
def _attention_backward(node, grad, gw=None):
    q, k, v, mask = node.saved()
    p, pd, noise, dropout_p, safe = node.ctx
    scale = math.sqrt(1.0 / float(q.shape[-1]))
    if STATE.enabled:                   # create_graph: weights as a function of q, k, mask
        noise_t = None if noise is None else wrap(noise)
        w = _attention_ops(q, k, v, mask, 0.0, safe)[1]
        p_t, pd_t = w, (w if noise_t is None else w * noise_t)
    else:
        noise_t = None if noise is None else wrap(noise)
        p_t, pd_t = wrap(p), wrap(pd)
    dv = None
    if grad is not None:
        dpd = grad.matmul(v.transpose(-2, -1))
        dv = pd_t.transpose(-2, -1).matmul(grad)
        if gw is not None:
            dpd = dpd + gw
    else:                   # only the weights were used: v still gets a (zero) gradient
        dpd = gw
        dv = wrap(xp_of(p).zeros(v.shape, dtype=p.dtype))
    dp = dpd if noise_t is None else dpd * noise_t
    ds = p_t * (dp - (dp * p_t).sum(-1, keepdim=True))
    dq = ds.matmul(k) * scale
    dk = ds.transpose(-2, -1).matmul(q) * scale
    return dq, dk, dv, (ds if mask is not None else None)


def _check_static(t, name, bh, head_dim):
    if t.shape[0] != bh:
        raise AssertionError(f'expecting {name}.size(0) of {bh}, but got {t.shape[0]}')
    if t.shape[2] != head_dim:
        raise AssertionError(f'expecting {name}.size(2) of {head_dim}, but got {t.shape[2]}')


def _in_projection_packed(q, k, v, w, b):
    """q, k, v projected by the packed (3E, E) weight: one product for self-attention, two
    for encoder-decoder attention (k is v), three otherwise."""
    e = q.shape[-1]
    if k is v:
        if q is k:
            proj = linear(q, w, b)
            return proj[..., :e], proj[..., e:2 * e], proj[..., 2 * e:]
        w_q, w_kv = w.split([e, 2 * e])
        b_q = b_kv = None
        if b is not None:
            b_q, b_kv = b.split([e, 2 * e])
        kv = linear(k, w_kv, b_kv)
        return linear(q, w_q, b_q), kv[..., :e], kv[..., e:]
    w_q, w_k, w_v = w.chunk(3)
    b_q = b_k = b_v = None
    if b is not None:
        b_q, b_k, b_v = b.chunk(3)
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)
