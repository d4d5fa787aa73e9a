"""Module cases: the lazy layers (LazyLinear, LazyConv*, LazyConvTranspose*, LazyBatchNorm*,
LazyInstanceNorm*), each run once on a zero batch inside ``build`` so that the compared module
is the regular layer it became (its initialisation draws are checked in tests/nn/test_lazy.py).
"""
import importlib

from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr


def _warm(make, shape):
    """Build the lazy layer and run it on zeros of ``shape`` (initializes it)."""
    def build(nn):
        lib = importlib.import_module(nn.__name__.split('.')[0])
        m = make(nn)
        m(lib.zeros(shape))
        return m
    return build


def _x(*shape):
    return lambda rng, dt: (arr(rng, shape, dt),)


CASES = [
    ModuleCase('LazyLinear', _warm(lambda nn: nn.LazyLinear(3), (2, 5)), _x(4, 5)),
    ModuleCase('LazyConv1d', _warm(lambda nn: nn.LazyConv1d(4, 3, padding=1), (1, 2, 6)),
               _x(2, 2, 6)),
    ModuleCase('LazyConv2d', _warm(lambda nn: nn.LazyConv2d(4, 2, groups=2, bias=False),
                                   (1, 6, 4, 4)), _x(2, 6, 4, 4)),
    ModuleCase('LazyConv3d', _warm(lambda nn: nn.LazyConv3d(2, 2), (3, 3, 3, 3)),
               _x(3, 3, 3, 3), desc='unbatched'),
    ModuleCase('LazyConvTranspose1d', _warm(lambda nn: nn.LazyConvTranspose1d(3, 3, stride=2),
                                            (1, 2, 4)), _x(2, 2, 4)),
    ModuleCase('LazyConvTranspose2d', _warm(lambda nn: nn.LazyConvTranspose2d(4, 3, groups=2),
                                            (1, 4, 3, 3)), _x(2, 4, 3, 3)),
    ModuleCase('LazyConvTranspose3d', _warm(lambda nn: nn.LazyConvTranspose3d(2, 2),
                                            (1, 2, 2, 2, 2)), _x(1, 2, 2, 2, 2)),
    ModuleCase('LazyBatchNorm1d', _warm(lambda nn: nn.LazyBatchNorm1d(), (4, 3)), _x(5, 3)),
    ModuleCase('LazyBatchNorm2d', _warm(lambda nn: nn.LazyBatchNorm2d(momentum=None),
                                        (2, 3, 2, 2)), _x(2, 3, 4, 4)),
    ModuleCase('LazyBatchNorm3d', _warm(lambda nn: nn.LazyBatchNorm3d(affine=False),
                                        (2, 2, 2, 2, 2)), _x(2, 2, 3, 2, 2)),
    ModuleCase('LazyInstanceNorm1d', _warm(lambda nn: nn.LazyInstanceNorm1d(), (2, 3, 4)),
               _x(2, 3, 5)),
    ModuleCase('LazyInstanceNorm2d', _warm(lambda nn: nn.LazyInstanceNorm2d(
        affine=False), (1, 3, 2, 2)), _x(2, 3, 4, 4)),
    ModuleCase('LazyInstanceNorm3d', _warm(lambda nn: nn.LazyInstanceNorm3d(bias=False),
                                           (1, 2, 2, 2, 2)), _x(2, 2, 3, 2, 2)),
]
