"""Module cases: BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, LayerNorm, GroupNorm, RMSNorm,
LocalResponseNorm.

The harness runs train then eval on the same module and compares the buffers after each
forward, so the running statistics (momentum, momentum=None's cumulative average,
num_batches_tracked) are checked as well as the outputs and gradients.
"""
from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr


def _x(*shape, low=-2.0, high=3.0):
    return lambda rng, dt: (arr(rng, shape, dt, low=low, high=high),)


def _twice(m, x):
    """Two forward passes (the second on shifted data): running statistics accumulate."""
    m(x * 0.5 + 1)
    return m(x)


CASES = [
    # ---- batch norm
    ModuleCase('BatchNorm1d', lambda nn: nn.BatchNorm1d(3), _x(4, 3), desc='2d'),
    ModuleCase('BatchNorm1d', lambda nn: nn.BatchNorm1d(3), _x(2, 3, 5), desc='3d'),
    ModuleCase('BatchNorm1d', lambda nn: nn.BatchNorm1d(3, momentum=None), _x(4, 3),
               call=_twice, desc='momentum-None'),
    ModuleCase('BatchNorm1d', lambda nn: nn.BatchNorm1d(3, affine=False), _x(5, 3),
               desc='affine-False'),
    ModuleCase('BatchNorm1d', lambda nn: nn.BatchNorm1d(3, track_running_stats=False),
               _x(5, 3), desc='no-running-stats'),
    ModuleCase('BatchNorm1d', lambda nn: nn.BatchNorm1d(3), _x(1, 3), modes=('eval',),
               desc='batch1-eval'),
    ModuleCase('BatchNorm1d', lambda nn: nn.BatchNorm1d(2, eps=1e-3, momentum=0.5),
               _x(1, 2, 4), desc='batch1-length4'),
    ModuleCase('BatchNorm2d', lambda nn: nn.BatchNorm2d(3), _x(2, 3, 4, 4), desc='plain'),
    ModuleCase('BatchNorm2d', lambda nn: nn.BatchNorm2d(3, momentum=None), _x(2, 3, 3, 2),
               call=_twice, desc='momentum-None'),
    ModuleCase('BatchNorm2d', lambda nn: nn.BatchNorm2d(2, bias=False), _x(1, 2, 3, 3),
               desc='nobias-batch1'),
    ModuleCase('BatchNorm2d', lambda nn: nn.BatchNorm2d(2, affine=False,
                                                        track_running_stats=False),
               _x(3, 2, 2, 2), desc='bare'),
    ModuleCase('BatchNorm2d', lambda nn: nn.BatchNorm2d(4), _x(8, 4, 5, 5, low=10, high=12),
               call=_twice, desc='offset-twice'),
    ModuleCase('BatchNorm3d', lambda nn: nn.BatchNorm3d(2), _x(2, 2, 2, 3, 2), desc='plain'),
    ModuleCase('BatchNorm3d', lambda nn: nn.BatchNorm3d(2, momentum=None, affine=False),
               _x(2, 2, 2, 2, 2), call=_twice, desc='momentum-None-noaffine'),
    # ---- instance norm
    ModuleCase('InstanceNorm1d', lambda nn: nn.InstanceNorm1d(3), _x(2, 3, 5), desc='plain'),
    ModuleCase('InstanceNorm1d', lambda nn: nn.InstanceNorm1d(3, affine=True), _x(3, 5),
               desc='unbatched-affine'),
    ModuleCase('InstanceNorm1d', lambda nn: nn.InstanceNorm1d(3, affine=True,
                                                              track_running_stats=True),
               _x(2, 3, 4), call=_twice, desc='running'),
    ModuleCase('InstanceNorm2d', lambda nn: nn.InstanceNorm2d(2, affine=True), _x(2, 2, 3, 3),
               desc='affine'),
    ModuleCase('InstanceNorm2d', lambda nn: nn.InstanceNorm2d(2, track_running_stats=True,
                                                              momentum=None),
               _x(1, 2, 3, 2), call=_twice, desc='running-momentum-None'),
    ModuleCase('InstanceNorm3d', lambda nn: nn.InstanceNorm3d(2), _x(2, 2, 2, 2, 3),
               desc='plain'),
    ModuleCase('InstanceNorm3d', lambda nn: nn.InstanceNorm3d(2, affine=True), _x(2, 2, 3, 2),
               desc='unbatched-affine'),
    # ---- layer / group / rms / local response norm
    ModuleCase('LayerNorm', lambda nn: nn.LayerNorm(5), _x(4, 5), desc='plain'),
    ModuleCase('LayerNorm', lambda nn: nn.LayerNorm((3, 4)), _x(2, 3, 4), desc='2-dims'),
    ModuleCase('LayerNorm', lambda nn: nn.LayerNorm([4], elementwise_affine=False),
               _x(2, 3, 4), desc='noaffine'),
    ModuleCase('LayerNorm', lambda nn: nn.LayerNorm(4, eps=1e-3, bias=False), _x(1, 4),
               desc='nobias-batch1'),
    ModuleCase('GroupNorm', lambda nn: nn.GroupNorm(2, 4), _x(2, 4, 3), desc='plain'),
    ModuleCase('GroupNorm', lambda nn: nn.GroupNorm(3, 6, affine=False), _x(2, 6, 2, 2),
               desc='noaffine-4d'),
    ModuleCase('GroupNorm', lambda nn: nn.GroupNorm(1, 3, eps=1e-3, bias=False), _x(1, 3, 4),
               desc='one-group-nobias'),
    ModuleCase('RMSNorm', lambda nn: nn.RMSNorm(4), _x(3, 4), desc='plain'),
    ModuleCase('RMSNorm', lambda nn: nn.RMSNorm((2, 3), eps=1e-3), _x(2, 2, 3), desc='2-dims'),
    ModuleCase('RMSNorm', lambda nn: nn.RMSNorm(3, elementwise_affine=False), _x(2, 3),
               desc='noaffine'),
    ModuleCase('LocalResponseNorm', lambda nn: nn.LocalResponseNorm(2), _x(2, 4, 5),
               desc='3d'),
    ModuleCase('LocalResponseNorm', lambda nn: nn.LocalResponseNorm(3, alpha=1e-2, beta=0.5,
                                                                    k=2.0),
               _x(1, 5, 2, 3), desc='4d'),
]
