"""Upsampling layers: ``Upsample`` and the deprecated ``UpsamplingNearest2d`` /
``UpsamplingBilinear2d`` (the math lives in ``ember._ops.nn_sampling``).

>>> ember.nn.Upsample(scale_factor=2)
Upsample(scale_factor=2.0, mode='nearest')
"""
from ..._ops import nn_sampling as F
from .module import Module

__all__ = ['Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d']


class Upsample(Module):
    """Resize the spatial dims of (N, C, *spatial) inputs to ``size`` or by ``scale_factor``
    with ``F.interpolate``'s modes.

    >>> ember.nn.Upsample(scale_factor=2)(ember.tensor([[[1., 2.]]]))
    tensor([[[1., 1., 2., 2.]]])
    """

    def __init__(self, size=None, scale_factor=None, mode='nearest', align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def __setstate__(self, state):
        if 'recompute_scale_factor' not in state:
            state['recompute_scale_factor'] = True
        super().__setstate__(state)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = 'scale_factor=' + repr(self.scale_factor)
        else:
            info = 'size=' + repr(self.size)
        return info + ', mode=' + repr(self.mode)


class UpsamplingNearest2d(Upsample):
    """``Upsample(size, scale_factor, mode='nearest')`` for 4-d input (deprecated in PyTorch
    in favour of ``F.interpolate``).

    >>> ember.nn.UpsamplingNearest2d(scale_factor=2)
    UpsamplingNearest2d(scale_factor=2.0, mode='nearest')
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode='nearest')


class UpsamplingBilinear2d(Upsample):
    """``Upsample(size, scale_factor, mode='bilinear', align_corners=True)`` for 4-d input.

    >>> ember.nn.UpsamplingBilinear2d(size=3)(ember.tensor([[[[0., 2.]]]])).flatten()
    tensor([0., 1., 2., 0., 1., 2., 0., 1., 2.])
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode='bilinear', align_corners=True)
