"""``ChannelShuffle``: interleave channel groups, as in ShuffleNet (the math lives in
``ember._ops.nn_pixel``).

>>> ember.nn.ChannelShuffle(2)
ChannelShuffle(groups=2)
"""
from ..._ops import nn_pixel as F
from .module import Module

__all__ = ['ChannelShuffle']


class ChannelShuffle(Module):
    """Split the C channels of (N, C, *) into ``groups`` and interleave them.

    >>> ember.nn.ChannelShuffle(2)(ember.arange(4.).reshape(1, 4, 1)).flatten()
    tensor([0., 2., 1., 3.])
    """

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f'groups={self.groups}'
