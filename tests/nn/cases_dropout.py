"""Module cases: Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout.

``random=True``: both libraries are seeded before each forward, so the training-mode masks
must be PyTorch's bit for bit; eval mode is the identity. In-place layers run on ``x * 1``
(an in-place op on a leaf that requires grad is an error in both libraries).
"""
from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr


def _x(*shape):
    return lambda rng, dt: (arr(rng, shape, dt),)


def _copy(m, x):
    return m(x * 1)


CASES = [
    ModuleCase('Dropout', lambda nn: nn.Dropout(), _x(4, 5), random=True, desc='default'),
    ModuleCase('Dropout', lambda nn: nn.Dropout(0.2), _x(2, 3, 4), random=True, desc='p0.2'),
    ModuleCase('Dropout', lambda nn: nn.Dropout(0.3, inplace=True), _x(3, 4), random=True,
               call=_copy, desc='inplace'),
    ModuleCase('Dropout', lambda nn: nn.Dropout(0.0), _x(3,), random=True, desc='p0'),
    ModuleCase('Dropout', lambda nn: nn.Dropout(1.0), _x(3, 2), random=True, desc='p1'),
    ModuleCase('Dropout1d', lambda nn: nn.Dropout1d(0.4), _x(2, 3, 4), random=True,
               desc='batched'),
    ModuleCase('Dropout1d', lambda nn: nn.Dropout1d(0.4, inplace=True), _x(3, 4), random=True,
               call=_copy, desc='unbatched-inplace'),
    ModuleCase('Dropout2d', lambda nn: nn.Dropout2d(), _x(2, 3, 2, 2), random=True,
               desc='default'),
    ModuleCase('Dropout2d', lambda nn: nn.Dropout2d(0.3, inplace=True), _x(1, 4, 2, 3),
               random=True, call=_copy, desc='inplace'),
    ModuleCase('Dropout3d', lambda nn: nn.Dropout3d(0.5), _x(2, 2, 2, 1, 2), random=True,
               desc='batched'),
    ModuleCase('Dropout3d', lambda nn: nn.Dropout3d(0.5), _x(3, 2, 2, 2), random=True,
               desc='unbatched'),
    ModuleCase('AlphaDropout', lambda nn: nn.AlphaDropout(0.2), _x(4, 5), random=True,
               desc='p0.2'),
    ModuleCase('AlphaDropout', lambda nn: nn.AlphaDropout(0.5), _x(2, 3, 2), random=True,
               desc='p0.5'),
    ModuleCase('FeatureAlphaDropout', lambda nn: nn.FeatureAlphaDropout(0.3), _x(2, 3, 2, 2),
               random=True, desc='4d'),
]
