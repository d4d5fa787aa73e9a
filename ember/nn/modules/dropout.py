"""``Dropout``, ``Dropout1d``/``2d``/``3d`` (whole channels), ``AlphaDropout`` and
``FeatureAlphaDropout``. Active in training mode only; the masks are PyTorch's after
``manual_seed``.

>>> drop = ember.nn.Dropout(p=0.5)
>>> drop.eval()(ember.ones(3))
tensor([1., 1., 1.])
"""
from .. import functional as F
from .module import Module

__all__ = ['Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout',
           'FeatureAlphaDropout']


class _DropoutNd(Module):
    __constants__ = ['p', 'inplace']

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f'dropout probability has to be between 0 and 1, but got {p} '
                             '(p is the probability of zeroing an element, e.g. 0.1 or 0.5)')
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f'p={self.p}, inplace={self.inplace}'


class Dropout(_DropoutNd):
    """Zero each element with probability ``p`` during training; scale the rest by
    ``1/(1-p)``.

    >>> _ = ember.manual_seed(0)
    >>> ember.nn.Dropout(0.5)(ember.ones(4))
    tensor([0., 0., 2., 0.])
    """

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zero whole channels of ``(N, C, L)`` or ``(C, L)`` input during training.

    >>> ember.nn.Dropout1d(0.2)
    Dropout1d(p=0.2, inplace=False)
    """

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels of ``(N, C, H, W)`` input during training.

    >>> ember.nn.Dropout2d().eval()(ember.ones(1, 2, 1, 1)).shape
    torch.Size([1, 2, 1, 1])
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input during training.

    >>> ember.nn.Dropout3d(inplace=True)
    Dropout3d(p=0.5, inplace=True)
    """

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks: keeps zero mean and unit variance.

    >>> ember.nn.AlphaDropout(0.2)
    AlphaDropout(p=0.2, inplace=False)
    """

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """:class:`AlphaDropout` of whole channels.

    >>> ember.nn.FeatureAlphaDropout(0.2)
    FeatureAlphaDropout(p=0.2, inplace=False)
    """

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)
