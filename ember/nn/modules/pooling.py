"""Pooling layers: ``MaxPool1d/2d/3d``, ``MaxUnpool1d/2d/3d``, ``AvgPool1d/2d/3d``, the
adaptive poolings, ``LPPool1d/2d/3d`` and ``FractionalMaxPool2d/3d`` (the math lives in
``ember._ops.nn_pooling``).

>>> ember.nn.MaxPool2d(2)
MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
>>> ember.nn.AvgPool1d(2)(ember.tensor([[1., 3., 5., 7.]]))
tensor([[2., 6.]])
"""
from ..._ops import nn_pooling as F
from .module import Module

__all__ = ['MaxPool1d', 'MaxPool2d', 'MaxPool3d', 'MaxUnpool1d', 'MaxUnpool2d', 'MaxUnpool3d',
           'AvgPool1d', 'AvgPool2d', 'AvgPool3d', 'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d',
           'AdaptiveAvgPool3d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'AdaptiveMaxPool3d',
           'LPPool1d', 'LPPool2d', 'LPPool3d', 'FractionalMaxPool2d', 'FractionalMaxPool3d']


def _single(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _ntuple(x, n):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,) * n


class _MaxPoolNd(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}'
                f', dilation={self.dilation}, ceil_mode={self.ceil_mode}')


class MaxPool1d(_MaxPoolNd):
    """Max over sliding windows of the last dim; input (N, C, L) or (C, L).

    >>> ember.nn.MaxPool1d(2)(ember.tensor([[1., 3., 2., 0.]]))
    tensor([[3., 2.]])
    """

    def forward(self, input):
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """Max over sliding windows of the last two dims; input (N, C, H, W) or (C, H, W).

    >>> ember.nn.MaxPool2d(2)(ember.arange(16.).reshape(1, 1, 4, 4))
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """Max over sliding windows of the last three dims; input (N, C, D, H, W) or (C, D, H, W).

    >>> ember.nn.MaxPool3d(2)(ember.arange(8.).reshape(1, 1, 2, 2, 2)).flatten()
    tensor([7.])
    """

    def forward(self, input):
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class _MaxUnpoolNd(Module):
    _n = 1

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, self._n)
        self.stride = _ntuple(stride if (stride is not None) else kernel_size, self._n)
        self.padding = _ntuple(padding, self._n)

    def extra_repr(self):
        return f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}'


class MaxUnpool1d(_MaxUnpoolNd):
    """Partial inverse of :class:`MaxPool1d` (needs its ``return_indices=True`` indices).

    >>> v, i = ember.nn.MaxPool1d(2, return_indices=True)(ember.tensor([[1., 3., 2., 0.]]))
    >>> ember.nn.MaxUnpool1d(2)(v, i)
    tensor([[0., 3., 2., 0.]])
    """
    _n = 1

    def forward(self, input, indices, output_size=None):
        return F.max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class MaxUnpool2d(_MaxUnpoolNd):
    """Partial inverse of :class:`MaxPool2d`: values back at their indices, zeros elsewhere.

    >>> ember.nn.MaxUnpool2d(2)
    MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))
    """
    _n = 2

    def forward(self, input, indices, output_size=None):
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class MaxUnpool3d(_MaxUnpoolNd):
    """Partial inverse of :class:`MaxPool3d`.

    >>> ember.nn.MaxUnpool3d(2)
    MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0))
    """
    _n = 3

    def forward(self, input, indices, output_size=None):
        return F.max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class _AvgPoolNd(Module):
    def extra_repr(self):
        return f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}'


class AvgPool1d(_AvgPoolNd):
    """Mean over sliding windows of the last dim; input (N, C, L) or (C, L).

    >>> ember.nn.AvgPool1d(3, stride=2, padding=1)
    AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class AvgPool2d(_AvgPoolNd):
    """Mean over sliding windows of the last two dims; input (N, C, H, W) or (C, H, W).

    >>> ember.nn.AvgPool2d(2)(ember.arange(4.).reshape(1, 1, 2, 2))
    tensor([[[[1.5000]]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AvgPool3d(AvgPool2d):
    """Mean over sliding windows of the last three dims; input (N, C, D, H, W) or
    (C, D, H, W).

    >>> ember.nn.AvgPool3d(2)(ember.arange(8.).reshape(1, 1, 2, 2, 2)).flatten()
    tensor([3.5000])
    """

    def forward(self, input):
        return F.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class _AdaptiveAvgPoolNd(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f'output_size={self.output_size}'


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Mean over ``output_size`` near-equal bins of the last dim.

    >>> ember.nn.AdaptiveAvgPool1d(1)(ember.tensor([[1., 2., 6.]]))
    tensor([[3.]])
    """

    def forward(self, input):
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Mean over an ``output_size`` grid of bins (``None`` keeps a dim's size); the usual
    'global average pooling' is ``AdaptiveAvgPool2d(1)`` or ``((1, 1))``.

    >>> ember.nn.AdaptiveAvgPool2d((1, 1))(ember.arange(4.).reshape(1, 1, 2, 2))
    tensor([[[[1.5000]]]])
    """

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Mean over an ``output_size`` grid of 3-d bins.

    >>> ember.nn.AdaptiveAvgPool3d(1)(ember.arange(8.).reshape(1, 1, 2, 2, 2)).flatten()
    tensor([3.5000])
    """

    def forward(self, input):
        return F.adaptive_avg_pool3d(input, self.output_size)


class _AdaptiveMaxPoolNd(Module):
    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def extra_repr(self):
        return f'output_size={self.output_size}'


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max over ``output_size`` near-equal bins of the last dim.

    >>> ember.nn.AdaptiveMaxPool1d(1)(ember.tensor([[1., 2., 6.]]))
    tensor([[6.]])
    """

    def forward(self, input):
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max over an ``output_size`` grid of bins of the last two dims.

    >>> ember.nn.AdaptiveMaxPool2d(1)(ember.arange(4.).reshape(1, 1, 2, 2))
    tensor([[[[3.]]]])
    """

    def forward(self, input):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max over an ``output_size`` grid of 3-d bins.

    >>> ember.nn.AdaptiveMaxPool3d(1)(ember.arange(8.).reshape(1, 1, 2, 2, 2)).flatten()
    tensor([7.])
    """

    def forward(self, input):
        return F.adaptive_max_pool3d(input, self.output_size, self.return_indices)


class _LPPoolNd(Module):
    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f'norm_type={self.norm_type}, kernel_size={self.kernel_size}, '
                f'stride={self.stride}, ceil_mode={self.ceil_mode}')


class LPPool1d(_LPPoolNd):
    """Power-average pooling ``(sum of x ** p) ** (1 / p)`` over windows of the last dim.

    >>> ember.nn.LPPool1d(2, 2)(ember.tensor([[3., 4.]]))
    tensor([[5.]])
    """

    def forward(self, input):
        return F.lp_pool1d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)


class LPPool2d(_LPPoolNd):
    """Power-average pooling over 2-d windows.

    >>> ember.nn.LPPool2d(2, 2)
    LPPool2d(norm_type=2, kernel_size=2, stride=None, ceil_mode=False)
    """

    def forward(self, input):
        return F.lp_pool2d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)


class LPPool3d(_LPPoolNd):
    """Power-average pooling over 3-d windows.

    >>> ember.nn.LPPool3d(1, 2)(ember.ones(1, 1, 2, 2, 2)).flatten()
    tensor([8.])
    """

    def forward(self, input):
        return F.lp_pool3d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)


class _FractionalMaxPoolNd(Module):
    _n = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        n = self._n
        name = type(self).__name__
        if n == 3 and ((isinstance(kernel_size, int) and kernel_size <= 0) or (
                isinstance(kernel_size, (tuple, list)) and not all(k > 0 for k in kernel_size))):
            raise ValueError(f'kernel_size must be greater than 0, but got {kernel_size}')
        self.kernel_size = _ntuple(kernel_size, n)
        self.return_indices = return_indices
        self.register_buffer('_random_samples', _random_samples)
        self.output_size = _ntuple(output_size, n) if output_size is not None else None
        self.output_ratio = _ntuple(output_ratio, n) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f'{name} requires specifying either an output size, or a pooling '
                             'ratio')
        if output_size is not None and output_ratio is not None:
            raise ValueError('only one of output_size and output_ratio may be specified')
        if self.output_ratio is not None:
            if not all(0 < r < 1 for r in self.output_ratio):
                raise ValueError(f'output_ratio must be between 0 and 1 (got {output_ratio})')


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Max over pseudo-randomly placed windows (Graham's fractional max pooling), to a given
    ``output_size`` or ``output_ratio``; the windows are redrawn at every call.

    >>> m = ember.nn.FractionalMaxPool2d(2, output_size=2)
    >>> m(ember.arange(16.).reshape(1, 1, 4, 4)).shape
    torch.Size([1, 1, 2, 2])
    """
    _n = 2

    def forward(self, input):
        return F.fractional_max_pool2d(input, self.kernel_size, self.output_size,
                                       self.output_ratio, self.return_indices,
                                       _random_samples=self._random_samples)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling over the last three dims.

    >>> ember.nn.FractionalMaxPool3d(2, output_ratio=0.5)
    FractionalMaxPool3d()
    """
    _n = 3

    def forward(self, input):
        return F.fractional_max_pool3d(input, self.kernel_size, self.output_size,
                                       self.output_ratio, self.return_indices,
                                       _random_samples=self._random_samples)
