"""Module cases: MaxPool, MaxUnpool, AvgPool, AdaptiveAvgPool, AdaptiveMaxPool, LPPool."""
import numpy as np

from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr


def _distinct(rng, shape, dt):
    n = int(np.prod(shape))
    vals = np.linspace(-2, 2, n) + rng.uniform(-0.1, 0.1, n) * 4 / n
    return rng.permutation(vals).reshape(shape).astype(dt)


def _d(*shape):
    return lambda rng, dt: (_distinct(rng, shape, dt),)


def _x(*shape, **kw):
    return lambda rng, dt: (arr(rng, shape, dt, **kw),)


def _unpool_inputs(lead, pooled, out, k=2):
    """Pooled values and the flat indices of one random cell per window in ``out`` planes."""
    def inputs(rng, dt):
        n = len(pooled)
        idx = np.zeros(lead + pooled, np.int64)
        for i, p in enumerate(pooled):
            shape = [1] * (len(lead) + n)
            shape[len(lead) + i] = p
            pos = np.arange(p).reshape(shape) * k + rng.integers(0, k, size=lead + pooled)
            idx += pos * int(np.prod(out[i + 1:]))
        return arr(rng, lead + pooled, dt), idx
    return inputs


CASES = [
    ModuleCase('MaxPool1d', lambda nn: nn.MaxPool1d(2), _d(2, 3, 8), desc='basic'),
    ModuleCase('MaxPool1d', lambda nn: nn.MaxPool1d(3, 2, 1, 2, True, True), _d(3, 11),
               desc='all-args-unbatched'),
    ModuleCase('MaxPool2d', lambda nn: nn.MaxPool2d(2), _d(2, 3, 6, 6), desc='basic'),
    ModuleCase('MaxPool2d', lambda nn: nn.MaxPool2d((3, 2), stride=(2, 1), padding=1,
                                                    ceil_mode=True), _d(1, 2, 7, 5),
               desc='stride-pad-ceil'),
    ModuleCase('MaxPool2d', lambda nn: nn.MaxPool2d(2, 1, dilation=2, return_indices=True),
               _d(2, 6, 6), desc='dilation-indices-unbatched'),
    ModuleCase('MaxPool3d', lambda nn: nn.MaxPool3d(2), _d(1, 2, 4, 4, 4), desc='basic'),
    ModuleCase('MaxPool3d', lambda nn: nn.MaxPool3d(3, 2, 1, return_indices=True),
               _d(2, 5, 4, 5), desc='pad-indices-unbatched'),
    ModuleCase('MaxUnpool1d', lambda nn: nn.MaxUnpool1d(2), _unpool_inputs((2, 3), (4,), (8,)),
               grad=(0,), desc='basic'),
    ModuleCase('MaxUnpool2d', lambda nn: nn.MaxUnpool2d(2),
               _unpool_inputs((2, 3), (3, 2), (6, 4)), grad=(0,), desc='basic'),
    ModuleCase('MaxUnpool2d', lambda nn: nn.MaxUnpool2d(2, stride=2),
               _unpool_inputs((3,), (2, 2), (5, 5)), grad=(0,), desc='output-size-unbatched',
               call=lambda m, x, i: m(x, i, output_size=(5, 5))),
    ModuleCase('MaxUnpool3d', lambda nn: nn.MaxUnpool3d(2),
               _unpool_inputs((1, 2), (2, 2, 2), (4, 4, 4)), grad=(0,), desc='basic'),
    ModuleCase('AvgPool1d', lambda nn: nn.AvgPool1d(2), _x(2, 3, 8), desc='basic'),
    ModuleCase('AvgPool1d', lambda nn: nn.AvgPool1d(3, 2, 1, True, False), _x(3, 9),
               desc='all-args-unbatched'),
    ModuleCase('AvgPool2d', lambda nn: nn.AvgPool2d(2), _x(2, 3, 6, 6), desc='basic'),
    ModuleCase('AvgPool2d', lambda nn: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True,
                                                    count_include_pad=False), _x(1, 2, 7, 6),
               desc='pad-exclude-ceil'),
    ModuleCase('AvgPool2d', lambda nn: nn.AvgPool2d((2, 3), stride=1, divisor_override=4),
               _x(2, 4, 5), desc='divisor-unbatched'),
    ModuleCase('AvgPool3d', lambda nn: nn.AvgPool3d(2), _x(1, 2, 4, 4, 4), desc='basic'),
    ModuleCase('AvgPool3d', lambda nn: nn.AvgPool3d(3, 2, 1, count_include_pad=False),
               _x(2, 5, 4, 5), desc='pad-unbatched'),
    ModuleCase('AdaptiveAvgPool1d', lambda nn: nn.AdaptiveAvgPool1d(3), _x(2, 3, 7),
               desc='uneven'),
    ModuleCase('AdaptiveAvgPool2d', lambda nn: nn.AdaptiveAvgPool2d((1, 1)), _x(2, 3, 5, 4),
               desc='global'),
    ModuleCase('AdaptiveAvgPool2d', lambda nn: nn.AdaptiveAvgPool2d((None, 3)), _x(3, 6, 7),
               desc='none-unbatched'),
    ModuleCase('AdaptiveAvgPool2d', lambda nn: nn.AdaptiveAvgPool2d(2), _x(1, 2, 6, 4),
               desc='divisible'),
    ModuleCase('AdaptiveAvgPool3d', lambda nn: nn.AdaptiveAvgPool3d((2, 3, 2)),
               _x(1, 2, 5, 4, 3), desc='uneven'),
    ModuleCase('AdaptiveMaxPool1d', lambda nn: nn.AdaptiveMaxPool1d(3), _d(2, 3, 7),
               desc='uneven'),
    ModuleCase('AdaptiveMaxPool2d', lambda nn: nn.AdaptiveMaxPool2d((3, 2), True),
               _d(2, 2, 7, 5), desc='indices'),
    ModuleCase('AdaptiveMaxPool2d', lambda nn: nn.AdaptiveMaxPool2d(2), _d(3, 6, 6),
               desc='divisible-unbatched'),
    ModuleCase('AdaptiveMaxPool3d', lambda nn: nn.AdaptiveMaxPool3d(2), _d(1, 2, 5, 4, 4),
               desc='uneven'),
    ModuleCase('LPPool1d', lambda nn: nn.LPPool1d(2, 3, stride=2), _x(2, 3, 9), desc='p2'),
    ModuleCase('LPPool2d', lambda nn: nn.LPPool2d(2, 2), _x(2, 3, 6, 6), desc='p2'),
    ModuleCase('LPPool2d', lambda nn: nn.LPPool2d(1.5, (3, 2), stride=(2, 1), ceil_mode=True),
               _x(3, 7, 5, positive=True), desc='p1.5-ceil-unbatched'),
    ModuleCase('LPPool3d', lambda nn: nn.LPPool3d(3, 2), _x(1, 2, 4, 4, 4, positive=True),
               desc='p3'),
    ModuleCase('FractionalMaxPool2d', lambda nn: nn.FractionalMaxPool2d(2, output_size=3),
               _d(2, 3, 7, 6), random=True, desc='size'),
    ModuleCase('FractionalMaxPool2d', lambda nn: nn.FractionalMaxPool2d(
        (3, 2), output_ratio=0.6, return_indices=True), _d(2, 8, 7), random=True,
        desc='ratio-indices-unbatched'),
    ModuleCase('FractionalMaxPool3d', lambda nn: nn.FractionalMaxPool3d(2, output_ratio=0.5),
               _d(1, 2, 6, 5, 6), random=True, desc='ratio'),
]
