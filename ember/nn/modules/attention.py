"""``MultiheadAttention`` and the ``NonDynamicallyQuantizableLinear`` it projects its output
with (torch keeps both in ``torch.nn.modules.activation``/``linear``; ember gives attention its
own family file).

>>> mha = ember.nn.MultiheadAttention(8, 2)
>>> mha
MultiheadAttention(
  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
)
"""
from ... import empty, is_grad_enabled
from ..._ops.nn_attention import _mha, _canonical_mask
from .. import init
from ..parameter import Parameter
from .linear import Linear
from .module import Module
from ..._dtype import FLOATING

__all__ = ['MultiheadAttention']      # NonDynamicallyQuantizableLinear is not in torch.nn


class NonDynamicallyQuantizableLinear(Linear):
    """A ``Linear`` under another name: PyTorch's output projection of ``MultiheadAttention``
    (the name tells its quantization tools to leave it alone).

    >>> ember.nn.modules.attention.NonDynamicallyQuantizableLinear(4, 2)
    NonDynamicallyQuantizableLinear(in_features=4, out_features=2, bias=True)
    """


def _fastpath_enabled():
    from ... import backends
    mha = getattr(backends, 'mha', None)
    return mha is None or mha.get_fastpath_enabled()


class MultiheadAttention(Module):
    """Attention over ``num_heads`` subspaces of ``embed_dim`` features ("Attention Is All You
    Need"): ``concat(head_1..head_h) @ W_out`` with
    ``head_i = softmax(q_i k_i^T / sqrt(head_dim) + mask) v_i``.

    Inputs are (L, N, E) (``batch_first=True``: (N, L, E)) or unbatched (L, E). Boolean masks
    mark positions that may NOT be attended (True); float masks are added to the scores.
    ``forward`` returns ``(attn_output, attn_weights)``, the weights averaged over heads
    (``average_attn_weights=False``: per head) or None with ``need_weights=False``.

    >>> mha = ember.nn.MultiheadAttention(4, 2, batch_first=True)
    >>> x = ember.ones(3, 5, 4)
    >>> out, w = mha(x, x, x)
    >>> out.shape, w.shape
    (torch.Size([3, 5, 4]), torch.Size([3, 5, 5]))
    """
    __constants__ = ['batch_first']

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError('embed_dim and num_heads must be greater than 0, got '
                             f'embed_dim={embed_dim} and num_heads={num_heads} instead')
        fk = {'device': device, 'dtype': dtype}
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise AssertionError(f'embed_dim must be divisible by num_heads (got embed_dim='
                                 f'{embed_dim}, num_heads={num_heads})')
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), **fk))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), **fk))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), **fk))
            self.register_parameter('in_proj_weight', None)
        else:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **fk))
            self.register_parameter('q_proj_weight', None)
            self.register_parameter('k_proj_weight', None)
            self.register_parameter('v_proj_weight', None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **fk))
        else:
            self.register_parameter('in_proj_bias', None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **fk)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), **fk))
            self.bias_v = Parameter(empty((1, 1, embed_dim), **fk))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def __setstate__(self, state):
        state.setdefault('_qkv_same_embed_dim', True)
        super().__setstate__(state)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        """``(attn_output, attn_weights)`` for query/key/value (see the class docstring)."""
        float_mask = ((attn_mask is not None and attn_mask._data.dtype in FLOATING)
                      or (key_padding_mask is not None
                          and key_padding_mask._data.dtype in FLOATING))
        is_batched = query.dim() == 3
        key_padding_mask = _canonical_mask(key_padding_mask, 'key_padding_mask', attn_mask,
                                           'attn_mask', query)
        attn_mask = _canonical_mask(attn_mask, 'attn_mask', None, '', query, False)
        fast = (not float_mask and is_batched and self.batch_first and not self.training
                and query is key and key is value and self._qkv_same_embed_dim
                and self.in_proj_bias is not None and self.bias_k is None
                and self.bias_v is None and not self.add_zero_attn and self.num_heads % 2 == 0
                and query._data.dtype == self.in_proj_weight._data.dtype
                and query._data.dtype == self.in_proj_bias._data.dtype
                and not (is_grad_enabled() and (
                    query.requires_grad or self.in_proj_weight.requires_grad
                    or self.in_proj_bias.requires_grad or self.out_proj.weight.requires_grad
                    or (self.out_proj.bias is not None and self.out_proj.bias.requires_grad)))
                and _fastpath_enabled())
        if fast:                        # PyTorch's inference kernel ignores the is_causal hint
            is_causal = False
        if self.batch_first and is_batched:
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = query.transpose(1, 0), key.transpose(1, 0)
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        separate = not self._qkv_same_embed_dim
        out, weights = _mha(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, self.training, key_padding_mask,
            need_weights, attn_mask, separate, self.q_proj_weight if separate else None,
            self.k_proj_weight if separate else None, self.v_proj_weight if separate else None,
            None, None, average_attn_weights, is_causal, fast)
        if self.batch_first and is_batched:
            return out.transpose(1, 0), weights
        return out, weights

    def merge_masks(self, attn_mask, key_padding_mask, query):
        """PyTorch's helper for its inference kernel: ``(merged_mask, mask_type)`` with the
        masks expanded to (N, num_heads, L, L) and added (type 2), only the padding mask
        (type 1) or neither (None, None).

        >>> mha = ember.nn.MultiheadAttention(4, 2, batch_first=True)
        >>> mha.merge_masks(None, ember.zeros(3, 5), ember.ones(3, 5, 4))[1]
        1
        """
        mask_type = merged = None
        if key_padding_mask is not None:
            mask_type, merged = 1, key_padding_mask
        if attn_mask is not None:
            n, l, _ = query.shape
            mask_type = 2
            if attn_mask.dim() == 3:
                merged = attn_mask.view(n, -1, l, l)
            else:
                merged = attn_mask.view(1, 1, l, l).expand(n, self.num_heads, -1, -1)
            if key_padding_mask is not None:
                merged = merged + key_padding_mask.view(n, 1, 1, l).expand(
                    -1, self.num_heads, -1, -1)
        return merged, mask_type
