"""``Transformer`` and its parts: ``TransformerEncoderLayer``/``TransformerEncoder`` and
``TransformerDecoderLayer``/``TransformerDecoder`` ("Attention Is All You Need"), with
PyTorch's options, parameter order, initialization and inference-mode results.

>>> _ = ember.manual_seed(0)
>>> layer = ember.nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16)
>>> enc = ember.nn.TransformerEncoder(layer, num_layers=2)
>>> enc(ember.rand(5, 3, 8)).shape                 # (S, N, E)
torch.Size([5, 3, 8])
"""
import copy
import warnings

from ... import full, is_grad_enabled
from ..._ops._base import wrap
from ..._ops.nn_attention import _mha, _canonical_mask
from .. import functional as F, init
from .activation import ReLU, GELU
from .attention import MultiheadAttention, _fastpath_enabled
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = ['Transformer', 'TransformerEncoder', 'TransformerDecoder', 'TransformerEncoderLayer',
           'TransformerDecoderLayer']


def _generate_square_subsequent_mask(sz, device=None, dtype=None):
    return full((sz, sz), float('-inf'), dtype=dtype, device=device).triu(diagonal=1)


def _get_seq_len(src, batch_first):
    if src.dim() == 2:
        return src.shape[0]
    return src.shape[1 if batch_first else 0]


def _detect_is_causal_mask(mask, is_causal=None, size=None):
    """The ``is_causal`` hint as given, or (None) whether ``mask`` equals the causal mask."""
    make_causal = is_causal is True
    if is_causal is None and mask is not None:
        sz = size if size is not None else mask.shape[-2]
        causal = _generate_square_subsequent_mask(sz, device=mask.device, dtype=mask.dtype)
        if tuple(mask.shape) == tuple(causal.shape):
            make_causal = bool((mask == causal).all())
    return make_causal


def _get_activation_fn(activation):
    if activation == 'relu':
        return F.relu
    if activation == 'gelu':
        return F.gelu
    raise RuntimeError(f'activation should be relu/gelu, not {activation} (or pass a callable, '
                       'e.g. nn.SiLU())')


def _get_clones(module, n):
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


def _no_grad_needed(tensors):
    return not (is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors))


def _has_hooks(module):
    return any(m._forward_hooks or m._forward_pre_hooks for m in module.modules())


class Transformer(Module):
    """The encoder-decoder transformer: ``decoder(tgt, encoder(src))``, each a stack of layers
    with a final LayerNorm. Every parameter with more than one dimension is re-initialized
    with ``xavier_uniform_`` (PyTorch's order, so ``manual_seed`` gives its numbers).

    >>> _ = ember.manual_seed(0)
    >>> model = ember.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1,
    ...                              num_decoder_layers=1, dim_feedforward=16)
    >>> model(ember.rand(4, 2, 8), ember.rand(3, 2, 8)).shape
    torch.Size([3, 2, 8])
    """

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
                 dim_feedforward=2048, dropout=0.1, activation=F.relu, custom_encoder=None,
                 custom_decoder=None, layer_norm_eps=1e-5, batch_first=False, norm_first=False,
                 bias=True, device=None, dtype=None):
        fk = {'device': device, 'dtype': dtype}
        super().__init__()
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
                                            layer_norm_eps, batch_first, norm_first, bias, **fk)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **fk)
            self.encoder = TransformerEncoder(layer, num_encoder_layers, norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
                                            layer_norm_eps, batch_first, norm_first, bias, **fk)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **fk)
            self.decoder = TransformerDecoder(layer, num_decoder_layers, norm)
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
                src_key_padding_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        """Encode ``src``, decode ``tgt`` against it; masks as in ``MultiheadAttention``
        (boolean True = may not attend; float masks are added)."""
        is_batched = src.dim() == 3
        if is_batched and src.shape[0 if self.batch_first else 1] != \
                tgt.shape[0 if self.batch_first else 1]:
            raise RuntimeError('the batch number of src and tgt must be equal (src '
                               f'{list(src.shape)}, tgt {list(tgt.shape)}, batch_first='
                               f'{self.batch_first})')
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError('the feature number of src and tgt must be equal to d_model '
                               f'(src {list(src.shape)}, tgt {list(tgt.shape)}, d_model='
                               f'{self.d_model})')
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """The causal mask: ``-inf`` above the diagonal, 0 elsewhere.

        >>> ember.nn.Transformer.generate_square_subsequent_mask(3)
        tensor([[0., -inf, -inf],
                [0., 0., -inf],
                [0., 0., 0.]])
        """
        return _generate_square_subsequent_mask(sz, dtype=dtype, device=device)

    def _reset_parameters(self):
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)


class TransformerEncoder(Module):
    """``num_layers`` deep copies of ``encoder_layer`` applied in turn, then ``norm``.

    In inference (eval mode, no gradient needed, ``batch_first`` layers, a left-aligned
    ``src_key_padding_mask`` and no ``mask``) PyTorch packs the sequences into a nested tensor:
    the padded positions then come out as zeros (before ``norm``), and so they do here.

    >>> layer = ember.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True)
    >>> ember.nn.TransformerEncoder(layer, 3).num_layers
    3
    """
    __constants__ = ['norm']

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
                 mask_check=True):
        super().__init__()
        self.layers = _get_clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        why = _why_not_nested(encoder_layer)
        if enable_nested_tensor and why:
            warnings.warn(f'enable_nested_tensor is True, but self.use_nested_tensor is False '
                          f'because {why}', UserWarning, stacklevel=2)
            self.use_nested_tensor = False

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        """Pass ``src`` through every layer (masks as in ``TransformerEncoderLayer``)."""
        src_key_padding_mask = _canonical_mask(src_key_padding_mask, 'src_key_padding_mask',
                                               mask, 'mask', src)
        mask = _canonical_mask(mask, 'mask', None, '', src, False)
        first = self.layers[0]
        batch_first = first.self_attn.batch_first
        padded = None
        kpm = src_key_padding_mask
        if (getattr(self, 'use_nested_tensor', False) and not first.training
                and src.dim() == 3 and kpm is not None and mask is None
                and _fastpath_enabled()):
            pad = kpm._data != 0                # nested tensors keep the positions where 0
            if ((not getattr(self, 'mask_check', True) or _left_aligned(pad))
                    and _no_grad_needed(_fast_tensors(src, first))):
                padded = pad
        seq_len = _get_seq_len(src, batch_first)
        is_causal = _detect_is_causal_mask(mask, is_causal, seq_len)
        output = src
        if padded is not None:          # nested: padded keys are gone, whatever their value
            _nested_warning()
            drop = _blocked(kpm, src)
            for mod in self.layers:
                output = mod._forward(output, None, drop, False, fast=True)
            output = output.masked_fill(wrap(padded[..., None]), 0.0)
        else:
            for mod in self.layers:
                output = mod(output, src_mask=mask, is_causal=is_causal,
                             src_key_padding_mask=kpm)
        if self.norm is not None:
            output = self.norm(output)
        return output


_WARNED = []


def _nested_warning():
    """PyTorch's one-time warning when its encoder packs a padded batch as a nested tensor."""
    if not _WARNED:
        _WARNED.append(True)
        warnings.warn('The PyTorch API of nested tensors is in prototype stage and will change '
                      'in the near future. We recommend specifying layout=torch.jagged when '
                      'constructing a nested tensor, as this layout receives active '
                      'development, has better operator coverage, and works with '
                      'torch.compile.', UserWarning, stacklevel=3)


def _blocked(mask, like):
    """-inf where ``mask`` is nonzero, 0 elsewhere (how PyTorch's fused encoder kernel reads
    a float mask)."""
    if mask is None:
        return None
    return _canonical_mask(wrap(mask._data != 0), 'mask', None, '', like, False)


def _left_aligned(pad):
    """Whether every row's kept positions (pad False) come first."""
    keep = ~pad
    return bool((keep[:, 1:] <= keep[:, :-1]).all())


def _fast_tensors(src, layer):
    a = layer.self_attn
    return (src, a.in_proj_weight, a.in_proj_bias, a.out_proj.weight, a.out_proj.bias,
            layer.norm1.weight, layer.norm1.bias, layer.norm2.weight, layer.norm2.bias,
            layer.linear1.weight, layer.linear1.bias, layer.linear2.weight, layer.linear2.bias)


def _why_not_nested(layer):
    name = 'encoder_layer'
    if not isinstance(layer, TransformerEncoderLayer):
        return f'{name} was not TransformerEncoderLayer'
    if layer.norm_first:
        return f'{name}.norm_first was True'
    if not layer.self_attn.batch_first:
        return (f'{name}.self_attn.batch_first was not True(use batch_first for better '
                'inference performance)')
    if not layer.self_attn._qkv_same_embed_dim:
        return f'{name}.self_attn._qkv_same_embed_dim was not True'
    if layer.self_attn.in_proj_bias is None:
        return f'{name}.self_attn was passed bias=False'
    if not layer.activation_relu_or_gelu:
        return f'{name}.activation_relu_or_gelu was not True'
    if layer.norm1.eps != layer.norm2.eps:
        return f'{name}.norm1.eps was not equal to {name}.norm2.eps'
    if layer.self_attn.num_heads % 2 == 1:
        return f'{name}.self_attn.num_heads is odd'
    return ''


class TransformerDecoder(Module):
    """``num_layers`` deep copies of ``decoder_layer`` applied in turn to ``tgt`` (each
    attending to ``memory``), then ``norm``.

    >>> layer = ember.nn.TransformerDecoderLayer(4, 2, 8)
    >>> dec = ember.nn.TransformerDecoder(layer, 2)
    >>> dec(ember.rand(3, 1, 4), ember.rand(5, 1, 4)).shape
    torch.Size([3, 1, 4])
    """
    __constants__ = ['norm']

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = _get_clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        """Pass ``tgt`` through every layer against ``memory``."""
        output = tgt
        seq_len = _get_seq_len(tgt, self.layers[0].self_attn.batch_first)
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, seq_len)
        for mod in self.layers:
            output = mod(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                         tgt_key_padding_mask=tgt_key_padding_mask,
                         memory_key_padding_mask=memory_key_padding_mask,
                         tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block (``linear2(dropout(activation(linear1(x))))``),
    each with a residual connection and LayerNorm (after, or before with ``norm_first``).

    >>> layer = ember.nn.TransformerEncoderLayer(d_model=4, nhead=2, dim_feedforward=8,
    ...                                          activation='gelu', batch_first=True)
    >>> layer(ember.rand(2, 5, 4)).shape
    torch.Size([2, 5, 4])
    """
    __constants__ = ['norm_first']

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu,
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=None):
        fk = {'device': device, 'dtype': dtype}
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, **fk)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **fk)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **fk)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **fk)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **fk)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        if isinstance(activation, str):
            activation = _get_activation_fn(activation)
        if activation is F.relu or isinstance(activation, ReLU):
            self.activation_relu_or_gelu = 1
        elif activation is F.gelu or isinstance(activation, GELU):
            self.activation_relu_or_gelu = 2
        else:
            self.activation_relu_or_gelu = 0
        self.activation = activation

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, 'activation'):
            self.activation = F.relu

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        """One encoder layer; boolean masks are True where attention is NOT allowed."""
        src_key_padding_mask = _canonical_mask(src_key_padding_mask, 'src_key_padding_mask',
                                               src_mask, 'src_mask', src)
        src_mask = _canonical_mask(src_mask, 'src_mask', None, '', src, False)
        a = self.self_attn
        fast = (src.dim() == 3 and not self.training and a.batch_first
                and a.in_proj_bias is not None and a._qkv_same_embed_dim
                and self.activation_relu_or_gelu and self.norm1.eps == self.norm2.eps
                and a.num_heads % 2 == 0 and _fastpath_enabled()
                and _no_grad_needed(_fast_tensors(src, self)) and not _has_hooks(self))
        if fast:                        # PyTorch's kernel blocks every nonzero mask entry
            src_mask = _blocked(src_mask, src)
            src_key_padding_mask = _blocked(src_key_padding_mask, src)
        return self._forward(src, src_mask, src_key_padding_mask, is_causal, fast)

    def _forward(self, x, src_mask, kpm, is_causal, fast):
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, kpm, is_causal, fast)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, kpm, is_causal, fast))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal=False, fast=False):
        if fast:                        # PyTorch's fused inference kernel (no hooks, no hint)
            a = self.self_attn
            t = x.transpose(1, 0)
            out = _mha(t, t, t, a.embed_dim, a.num_heads, a.in_proj_weight, a.in_proj_bias,
                       None, None, False, 0.0, a.out_proj.weight, a.out_proj.bias, False,
                       key_padding_mask, False, attn_mask, False, None, None, None, None,
                       None, True, False, True)[0]
            return out.transpose(1, 0)
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerDecoderLayer(Module):
    """Self-attention, attention over the encoder's ``memory``, then a feed-forward block,
    each with a residual connection and LayerNorm (after, or before with ``norm_first``).

    >>> layer = ember.nn.TransformerDecoderLayer(d_model=4, nhead=2, dim_feedforward=8)
    >>> layer(ember.rand(3, 2, 4), ember.rand(5, 2, 4)).shape
    torch.Size([3, 2, 4])
    """
    __constants__ = ['norm_first']

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu,
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=None):
        fk = {'device': device, 'dtype': dtype}
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout,
                                            batch_first=batch_first, bias=bias, **fk)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout,
                                                 batch_first=batch_first, bias=bias, **fk)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **fk)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **fk)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **fk)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **fk)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **fk)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = _get_activation_fn(activation) if isinstance(activation, str) \
            else activation

    def __setstate__(self, state):
        state.setdefault('activation', F.relu)
        super().__setstate__(state)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        """One decoder layer over ``tgt`` attending to ``memory``."""
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask,
                                    memory_key_padding_mask, memory_is_causal)
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask,
                                           memory_is_causal))
        return self.norm3(x + self._ff_block(x))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal=False):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           is_causal=is_causal, need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal=False):
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask,
                                key_padding_mask=key_padding_mask, is_causal=is_causal,
                                need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x):
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout3(x)
