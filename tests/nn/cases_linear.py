"""Module cases: Identity, Linear, Bilinear, Flatten, Unflatten, containers."""
from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr


def _x(*shape):
    return lambda rng, dt: (arr(rng, shape, dt),)


def _two(s1, s2):
    return lambda rng, dt: (arr(rng, s1, dt), arr(rng, s2, dt))


CASES = [
    ModuleCase('Identity', lambda nn: nn.Identity(3, foo=1), _x(2, 3)),
    ModuleCase('Linear', lambda nn: nn.Linear(4, 3), _x(5, 4), desc='2d'),
    ModuleCase('Linear', lambda nn: nn.Linear(4, 3), _x(2, 5, 4), desc='3d'),
    ModuleCase('Linear', lambda nn: nn.Linear(4, 3), _x(4), desc='1d'),
    ModuleCase('Linear', lambda nn: nn.Linear(4, 3, bias=False), _x(5, 4), desc='nobias'),
    ModuleCase('Linear', lambda nn: nn.Linear(4, 3, bias=False), _x(2, 5, 4), desc='nobias3d'),
    ModuleCase('Linear', lambda nn: nn.Linear(4, 2), _x(1, 4), desc='batch1'),
    ModuleCase('Bilinear', lambda nn: nn.Bilinear(3, 4, 2), _two((5, 3), (5, 4))),
    ModuleCase('Bilinear', lambda nn: nn.Bilinear(3, 4, 2, bias=False), _two((2, 5, 3), (2, 5, 4)),
               desc='nobias3d'),
    ModuleCase('Flatten', lambda nn: nn.Flatten(), _x(2, 3, 4)),
    ModuleCase('Flatten', lambda nn: nn.Flatten(0, 1), _x(2, 3, 4), desc='0-1'),
    ModuleCase('Unflatten', lambda nn: nn.Unflatten(1, (2, 3)), _x(4, 6)),
]
