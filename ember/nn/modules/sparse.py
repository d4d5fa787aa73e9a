"""``Embedding``: a lookup table of ``num_embeddings`` vectors of size ``embedding_dim``;
``EmbeddingBag``: the sums, means or maxima of bags of its rows.

Both are initialised with ``normal_(0, 1)`` (PyTorch's random stream) and the ``padding_idx``
row set to zero; that row receives no gradient.

>>> emb = ember.nn.Embedding(10, 3, padding_idx=0)
>>> emb
Embedding(10, 3, padding_idx=0)
>>> emb(ember.tensor([0]))
tensor([[0., 0., 0.]], grad_fn=<EmbeddingBackward0>)
"""
from ... import empty, no_grad
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ['Embedding', 'EmbeddingBag']


def _check_padding_idx(padding_idx, num_embeddings, what='Padding_idx'):
    if padding_idx is not None:
        if not -num_embeddings <= padding_idx < max(num_embeddings, 1):
            raise AssertionError(f'{what} must be within num_embeddings (got '
                                 f'padding_idx={padding_idx} with num_embeddings='
                                 f'{num_embeddings})')
        if padding_idx < 0:
            padding_idx = num_embeddings + padding_idx
    return padding_idx


def _init_weight(module, weight, requires_grad, device, dtype):
    """The ``(num_embeddings, embedding_dim)`` weight of an Embedding/EmbeddingBag: drawn by
    ``reset_parameters`` or, when given, ``weight`` itself after a shape check."""
    shape = [module.num_embeddings, module.embedding_dim]
    if weight is None:
        module.weight = Parameter(empty(shape, device=device, dtype=dtype),
                                  requires_grad=requires_grad)
        module.reset_parameters()
        return
    if list(weight.shape) != shape:
        raise AssertionError('Shape of weight does not match num_embeddings and embedding_dim '
                             f'(got {list(weight.shape)}, expected {shape})')
    module.weight = Parameter(weight, requires_grad=requires_grad)


class Embedding(Module):
    """Map integer indices to rows of a learned ``(num_embeddings, embedding_dim)`` matrix.

    ``padding_idx``: that row starts at zero and gets no gradient. ``max_norm``: looked-up
    rows with a larger ``norm_type``-norm are rescaled in place to ``max_norm``.
    ``scale_grad_by_freq``: gradients divided by each index's count in the batch.

    >>> _ = ember.manual_seed(0)
    >>> ember.nn.Embedding(4, 2)(ember.tensor([[1, 3]])).shape
    torch.Size([1, 2, 2])
    """
    __constants__ = ['num_embeddings', 'embedding_dim', 'padding_idx', 'max_norm', 'norm_type',
                     'scale_grad_by_freq', 'sparse']

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, device=None, dtype=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = _check_padding_idx(padding_idx, num_embeddings)
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        _init_weight(self, _weight, not _freeze, device, dtype)
        self.sparse = sparse

    def reset_parameters(self):
        """Weight from ``normal_(0, 1)``, then the padding row zeroed."""
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self):
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = f'{self.num_embeddings}, {self.embedding_dim}'
        if self.padding_idx is not None:
            s += f', padding_idx={self.padding_idx}'
        if self.max_norm is not None:
            s += f', max_norm={self.max_norm}'
        if self.norm_type != 2:
            s += f', norm_type={self.norm_type}'
        if self.scale_grad_by_freq is not False:
            s += f', scale_grad_by_freq={self.scale_grad_by_freq}'
        if self.sparse is not False:
            s += ', sparse=True'
        return s

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        """An Embedding whose weight is ``embeddings`` (2-D); frozen unless
        ``freeze=False``.

        >>> emb = ember.nn.Embedding.from_pretrained(ember.tensor([[1., 2.], [3., 4.]]))
        >>> emb(ember.tensor([1])), emb.weight.requires_grad
        (tensor([[3., 4.]]), False)
        """
        if embeddings.dim() != 2:
            raise AssertionError('Embeddings parameter is expected to be 2-dimensional (got '
                                 f'shape {list(embeddings.shape)})')
        rows, cols = embeddings.shape
        return cls(num_embeddings=rows, embedding_dim=cols, _weight=embeddings, _freeze=freeze,
                   padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


class EmbeddingBag(Module):
    """Sums (``mode='sum'``), means (``'mean'``, the default) or maxima (``'max'``) of bags of
    rows of a learned ``(num_embeddings, embedding_dim)`` matrix, without building the
    per-index lookups (``F.embedding_bag``).

    ``forward(input, offsets=None, per_sample_weights=None)``: a 2-D ``input`` is one bag per
    row; a 1-D ``input`` is cut into bags at ``offsets``. ``padding_idx`` entries are left
    out of their bag; ``include_last_offset=True`` reads ``offsets`` as bag boundaries with
    the end of the last bag included (CSR style).

    >>> _ = ember.manual_seed(0)
    >>> bag = ember.nn.EmbeddingBag(10, 3, mode='sum')
    >>> bag
    EmbeddingBag(10, 3, mode='sum')
    >>> bag(ember.tensor([1, 2, 4, 5, 4]), ember.tensor([0, 2])).shape
    torch.Size([2, 3])
    """
    __constants__ = ['num_embeddings', 'embedding_dim', 'max_norm', 'norm_type',
                     'scale_grad_by_freq', 'mode', 'sparse', 'include_last_offset',
                     'padding_idx']

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, mode='mean', sparse=False, _weight=None,
                 include_last_offset=False, padding_idx=None, device=None, dtype=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.padding_idx = _check_padding_idx(padding_idx, num_embeddings, 'padding_idx')
        _init_weight(self, _weight, True, device, dtype)
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset

    reset_parameters = Embedding.reset_parameters
    _fill_padding_idx_with_zero = Embedding._fill_padding_idx_with_zero

    def forward(self, input, offsets=None, per_sample_weights=None):
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse,
                               per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self):
        s = f'{self.num_embeddings!r}, {self.embedding_dim!r}'
        if self.max_norm is not None:
            s += f', max_norm={self.max_norm!r}'
        if self.norm_type != 2:
            s += f', norm_type={self.norm_type!r}'
        if self.scale_grad_by_freq is not False:
            s += f', scale_grad_by_freq={self.scale_grad_by_freq!r}'
        s += f', mode={self.mode!r}'
        if self.padding_idx is not None:
            s += f', padding_idx={self.padding_idx!r}'
        return s

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, mode='mean', sparse=False,
                        include_last_offset=False, padding_idx=None):
        """An EmbeddingBag whose weight is ``embeddings`` (2-D); frozen unless
        ``freeze=False``.

        >>> bag = ember.nn.EmbeddingBag.from_pretrained(ember.tensor([[1., 2.], [3., 4.]]))
        >>> bag(ember.tensor([[1, 0]]))
        tensor([[2., 3.]])
        """
        if embeddings.dim() != 2:
            raise AssertionError('Embeddings parameter is expected to be 2-dimensional (got '
                                 f'shape {list(embeddings.shape)})')
        rows, cols = embeddings.shape
        bag = cls(num_embeddings=rows, embedding_dim=cols, _weight=embeddings,
                  max_norm=max_norm, norm_type=norm_type,
                  scale_grad_by_freq=scale_grad_by_freq, mode=mode, sparse=sparse,
                  include_last_offset=include_last_offset, padding_idx=padding_idx)
        bag.weight.requires_grad = not freeze
        return bag
