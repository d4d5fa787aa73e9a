"""``PixelShuffle`` and ``PixelUnshuffle``: channels to space and back (the math lives in
``ember._ops.nn_pixel``).

>>> ember.nn.PixelShuffle(2)(ember.zeros(1, 4, 3, 3)).shape
torch.Size([1, 1, 6, 6])
"""
from ..._ops import nn_pixel as F
from .module import Module

__all__ = ['PixelShuffle', 'PixelUnshuffle']


class PixelShuffle(Module):
    """(*, C * r**2, H, W) -> (*, C, H * r, W * r) with ``r = upscale_factor``.

    >>> ember.nn.PixelShuffle(3)
    PixelShuffle(upscale_factor=3)
    """

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f'upscale_factor={self.upscale_factor}'


class PixelUnshuffle(Module):
    """(*, C, H * r, W * r) -> (*, C * r**2, H, W) with ``r = downscale_factor``.

    >>> ember.nn.PixelUnshuffle(2)(ember.zeros(1, 1, 4, 4)).shape
    torch.Size([1, 4, 2, 2])
    """

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f'downscale_factor={self.downscale_factor}'
