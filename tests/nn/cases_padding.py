"""Module cases: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad (1d/2d/3d)."""
from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr


def _x(*shape):
    return lambda rng, dt: (arr(rng, shape, dt),)


_SHAPES = {1: ((2, 3, 5), (3, 5)), 2: ((2, 2, 4, 5), (2, 4, 5)),
           3: ((1, 2, 3, 4, 3), (2, 3, 4, 3))}
_PADS = {1: (2, (1, 3)), 2: (1, (2, 0, 1, 3)), 3: (1, (0, 2, 1, 1, 2, 0))}


def _cases(name, build):
    out = []
    for n in (1, 2, 3):
        batched, unbatched = _SHAPES[n]
        p_int, p_tuple = _PADS[n]
        out.append(ModuleCase(f'{name}{n}d', lambda nn, n=n, p=p_int: build(nn, n, p),
                              _x(*batched), desc='int'))
        out.append(ModuleCase(f'{name}{n}d', lambda nn, n=n, p=p_tuple: build(nn, n, p),
                              _x(*unbatched), desc='tuple-unbatched'))
    return out


CASES = (
    _cases('ZeroPad', lambda nn, n, p: getattr(nn, f'ZeroPad{n}d')(p))
    + _cases('ConstantPad', lambda nn, n, p: getattr(nn, f'ConstantPad{n}d')(p, 1.5))
    + _cases('ReflectionPad', lambda nn, n, p: getattr(nn, f'ReflectionPad{n}d')(p))
    + _cases('ReplicationPad', lambda nn, n, p: getattr(nn, f'ReplicationPad{n}d')(p))
    + _cases('CircularPad', lambda nn, n, p: getattr(nn, f'CircularPad{n}d')(p))
    + [ModuleCase('ZeroPad2d', lambda nn: nn.ZeroPad2d((-1, 2, 1, -2)), _x(1, 3, 4),
                  desc='negative'),
       ModuleCase('ConstantPad1d', lambda nn: nn.ConstantPad1d((1, 2), -3), _x(2, 4),
                  desc='int-value')]
)
