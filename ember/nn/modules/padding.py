"""Padding layers: ``ZeroPad``, ``ConstantPad``, ``ReflectionPad``, ``ReplicationPad`` and
``CircularPad``, each in 1, 2 and 3 dimensions (thin wrappers over ``F.pad``).

>>> ember.nn.ZeroPad2d(1)
ZeroPad2d((1, 1, 1, 1))
"""
from .. import functional as F
from .module import Module

__all__ = ['CircularPad1d', 'CircularPad2d', 'CircularPad3d', 'ConstantPad1d', 'ConstantPad2d',
           'ConstantPad3d', 'ReflectionPad1d', 'ReflectionPad2d', 'ReflectionPad3d',
           'ReplicationPad1d', 'ReplicationPad2d', 'ReplicationPad3d', 'ZeroPad1d', 'ZeroPad2d',
           'ZeroPad3d']


def _amounts(padding, n):
    """An int repeated ``2 * n`` times, or the given sequence as a tuple."""
    if isinstance(padding, (tuple, list)) or hasattr(padding, '__iter__'):
        return tuple(padding)
    return (padding,) * (2 * n)


class _PadNd(Module):
    _mode = 'constant'
    _n = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _amounts(padding, self._n)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f'{self.padding}'


class _CircularPadNd(_PadNd):
    _mode = 'circular'

    def _check_input_dim(self, input):
        n = self._n
        if input.dim() not in (n + 1, n + 2):
            raise ValueError(f'expected {n + 1}D or {n + 2}D input (got {input.dim()}D input)')

    def forward(self, input):
        self._check_input_dim(input)
        return F.pad(input, self.padding, 'circular')


class CircularPad1d(_CircularPadNd):
    """Pad the last dim by wrapping around: ``(left, right)`` or one int.

    >>> ember.nn.CircularPad1d(1)(ember.tensor([[1., 2., 3.]]))
    tensor([[3., 1., 2., 3., 1.]])
    """
    _n = 1


class CircularPad2d(_CircularPadNd):
    """Pad the last 2 dims by wrapping around: ``(left, right, top, bottom)`` or one int.

    >>> ember.nn.CircularPad2d(1)(ember.ones(1, 2, 2)).shape
    torch.Size([1, 4, 4])
    """
    _n = 2


class CircularPad3d(_CircularPadNd):
    """Pad the last 3 dims by wrapping around (6 amounts or one int).

    >>> ember.nn.CircularPad3d(1)(ember.ones(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 4, 4, 4])
    """
    _n = 3


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, 'constant', self.value)

    def extra_repr(self):
        return f'padding={self.padding}, value={self.value}'


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with ``value``: ``(left, right)`` or one int.

    >>> ember.nn.ConstantPad1d(1, 3.5)(ember.zeros(1, 2))
    tensor([[3.5000, 0.0000, 0.0000, 3.5000]])
    """
    _n = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with ``value``: ``(left, right, top, bottom)`` or one int.

    >>> ember.nn.ConstantPad2d((1, 0, 0, 1), 2.)
    ConstantPad2d(padding=(1, 0, 0, 1), value=2.0)
    """
    _n = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with ``value`` (6 amounts or one int).

    >>> ember.nn.ConstantPad3d(1, 0.)(ember.ones(1, 1, 1, 1)).shape
    torch.Size([1, 3, 3, 3])
    """
    _n = 3


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros.

    >>> ember.nn.ZeroPad1d((1, 2))(ember.ones(1, 2))
    tensor([[0., 1., 1., 0., 0.]])
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f'{self.padding}'


class ZeroPad2d(ConstantPad2d):
    """Pad the last 2 dims with zeros: ``(left, right, top, bottom)`` or one int.

    >>> ember.nn.ZeroPad2d((1, 1, 0, 0))(ember.ones(1, 1, 2)).shape
    torch.Size([1, 1, 4])
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f'{self.padding}'


class ZeroPad3d(ConstantPad3d):
    """Pad the last 3 dims with zeros.

    >>> ember.nn.ZeroPad3d(1)(ember.ones(1, 1, 1, 1)).shape
    torch.Size([1, 3, 3, 3])
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f'{self.padding}'


class _ReflectionPadNd(_PadNd):
    _mode = 'reflect'


class ReflectionPad1d(_ReflectionPadNd):
    """Pad the last dim with its reflection (the edge is not repeated).

    >>> ember.nn.ReflectionPad1d(2)(ember.tensor([[0., 1., 2., 3.]]))
    tensor([[2., 1., 0., 1., 2., 3., 2., 1.]])
    """
    _n = 1


class ReflectionPad2d(_ReflectionPadNd):
    """Pad the last 2 dims with their reflection: ``(left, right, top, bottom)`` or one int.

    >>> ember.nn.ReflectionPad2d(1)(ember.ones(1, 3, 3)).shape
    torch.Size([1, 5, 5])
    """
    _n = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Pad the last 3 dims with their reflection.

    >>> ember.nn.ReflectionPad3d(1)(ember.ones(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 4, 4, 4])
    """
    _n = 3


class _ReplicationPadNd(_PadNd):
    _mode = 'replicate'


class ReplicationPad1d(_ReplicationPadNd):
    """Pad the last dim by repeating its edge values.

    >>> ember.nn.ReplicationPad1d((2, 1))(ember.tensor([[1., 2.]]))
    tensor([[1., 1., 1., 2., 2.]])
    """
    _n = 1


class ReplicationPad2d(_ReplicationPadNd):
    """Pad the last 2 dims by repeating their edge values.

    >>> ember.nn.ReplicationPad2d(1)(ember.ones(1, 2, 2)).shape
    torch.Size([1, 4, 4])
    """
    _n = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Pad the last 3 dims by repeating their edge values.

    >>> ember.nn.ReplicationPad3d(1)(ember.ones(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 4, 4, 4])
    """
    _n = 3
