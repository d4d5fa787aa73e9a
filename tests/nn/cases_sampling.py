"""Module cases: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle,
PixelUnshuffle, ChannelShuffle."""
from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr


def _x(*shape):
    return lambda rng, dt: (arr(rng, shape, dt),)


CASES = [
    ModuleCase('Upsample', lambda nn: nn.Upsample(scale_factor=2), _x(2, 3, 4, 5),
               desc='nearest-x2'),
    ModuleCase('Upsample', lambda nn: nn.Upsample(size=7), _x(2, 3, 5), desc='nearest-1d-size'),
    ModuleCase('Upsample', lambda nn: nn.Upsample(scale_factor=1.5, mode='nearest-exact'),
               _x(1, 2, 3, 4, 3), desc='nearest-exact-3d'),
    ModuleCase('Upsample', lambda nn: nn.Upsample(scale_factor=(2, 0.5), mode='bilinear'),
               _x(2, 2, 3, 6), desc='bilinear-tuple'),
    ModuleCase('Upsample', lambda nn: nn.Upsample(size=(5, 3), mode='bilinear',
                                                  align_corners=True), _x(1, 2, 4, 4),
               desc='bilinear-ac'),
    ModuleCase('Upsample', lambda nn: nn.Upsample(scale_factor=2, mode='bicubic'),
               _x(1, 2, 3, 4), desc='bicubic', atol=2e-5),
    ModuleCase('Upsample', lambda nn: nn.Upsample(scale_factor=1.7, mode='linear',
                                                  recompute_scale_factor=True), _x(2, 3, 5),
               desc='linear-recompute'),
    ModuleCase('Upsample', lambda nn: nn.Upsample(size=(2, 5, 3), mode='trilinear'),
               _x(1, 2, 3, 4, 3), desc='trilinear'),
    ModuleCase('UpsamplingNearest2d', lambda nn: nn.UpsamplingNearest2d(scale_factor=2),
               _x(2, 3, 3, 4), desc='scale'),
    ModuleCase('UpsamplingNearest2d', lambda nn: nn.UpsamplingNearest2d(size=(5, 7)),
               _x(1, 2, 3, 4), desc='size'),
    ModuleCase('UpsamplingBilinear2d', lambda nn: nn.UpsamplingBilinear2d(scale_factor=2),
               _x(2, 3, 3, 4), desc='scale'),
    ModuleCase('UpsamplingBilinear2d', lambda nn: nn.UpsamplingBilinear2d(size=(5, 2)),
               _x(1, 2, 3, 4), desc='size'),
    ModuleCase('PixelShuffle', lambda nn: nn.PixelShuffle(2), _x(2, 8, 3, 4), desc='r2'),
    ModuleCase('PixelShuffle', lambda nn: nn.PixelShuffle(3), _x(9, 2, 2), desc='r3-unbatched'),
    ModuleCase('PixelUnshuffle', lambda nn: nn.PixelUnshuffle(2), _x(2, 3, 4, 6), desc='r2'),
    ModuleCase('PixelUnshuffle', lambda nn: nn.PixelUnshuffle(3), _x(1, 6, 9),
               desc='r3-unbatched'),
    ModuleCase('ChannelShuffle', lambda nn: nn.ChannelShuffle(2), _x(2, 6, 3, 3), desc='g2'),
    ModuleCase('ChannelShuffle', lambda nn: nn.ChannelShuffle(3), _x(1, 6, 4), desc='g3-3d'),
]
