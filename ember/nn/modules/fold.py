"""``Fold`` (col2im) and ``Unfold`` (im2col), wrappers over ``F.fold`` / ``F.unfold``.

>>> ember.nn.Unfold(kernel_size=(2, 3))
Unfold(kernel_size=(2, 3), dilation=1, padding=0, stride=1)
"""
from .. import functional as F
from .module import Module

__all__ = ['Fold', 'Unfold']


class Fold(Module):
    """Sum sliding blocks (N, C*kh*kw, L) back into images (N, C, H, W).

    >>> ember.nn.Fold(output_size=(3, 3), kernel_size=2)(ember.ones(1, 4, 4))[0, 0]
    tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self):
        return (f'output_size={self.output_size}, kernel_size={self.kernel_size}, '
                f'dilation={self.dilation}, padding={self.padding}, stride={self.stride}')


class Unfold(Module):
    """Extract sliding blocks of images (N, C, H, W) as columns (N, C*kh*kw, L).

    >>> ember.nn.Unfold(kernel_size=2)(ember.ones(1, 3, 4, 4)).shape
    torch.Size([1, 12, 9])
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f'kernel_size={self.kernel_size}, dilation={self.dilation}, '
                f'padding={self.padding}, stride={self.stride}')
