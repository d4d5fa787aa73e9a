"""Oracle entries: padding (ember/_ops/nn_padding.py)."""
from .harness import Op, Sample, arr

FI = ('float32', 'float64', 'int64')


def _pad_call(lib, *args, **kwargs):
    return lib.nn.functional.pad(*args, **kwargs)


def _pad(rng, dt):
    s = []
    for mode in ('constant', 'reflect', 'replicate', 'circular'):
        s += [Sample((arr(rng, (2, 3, 5), dt), (2, 1)), dict(mode=mode), desc=f'{mode}-1d'),
              Sample((arr(rng, (3, 4), dt), (1, 2)), dict(mode=mode), desc=f'{mode}-1d-unbatched'),
              Sample((arr(rng, (2, 2, 4, 5), dt), (1, 2, 3, 0)), dict(mode=mode),
                     desc=f'{mode}-2d'),
              Sample((arr(rng, (2, 4, 5), dt), (0, 1, 2, 1)), dict(mode=mode),
                     desc=f'{mode}-2d-unbatched'),
              Sample((arr(rng, (1, 2, 3, 4, 3), dt), (1, 1, 2, 0, 1, 2)), dict(mode=mode),
                     desc=f'{mode}-3d'),
              Sample((arr(rng, (2, 3, 4, 3), dt), (2, 1, 1, 2, 0, 1)), dict(mode=mode),
                     desc=f'{mode}-3d-unbatched'),
              Sample((arr(rng, (2, 3, 6), dt), (-1, 2)), dict(mode=mode), desc=f'{mode}-neg'),
              Sample((arr(rng, (1, 2, 5, 4), dt), (2, -1, -2, 1)), dict(mode=mode),
                     desc=f'{mode}-mixed-neg')]
    s += [Sample((arr(rng, (3,), dt), (1, 2)), dict(value=2.5), desc='constant-value-1d'),
          Sample((arr(rng, (2, 3, 4, 2, 2), dt), (1, 0, 0, 1, 1, 1, 2, 0)), desc='constant-4d'),
          Sample((arr(rng, (2, 3, 4), dt), (-1, -1, 0, 2)), dict(value=-1.), desc='constant-crop'),
          Sample((arr(rng, (2, 3), dt), ()), desc='constant-empty-pad'),
          Sample((arr(rng, (2, 4, 3), dt), (1, 1)), dict(mode='reflect', value=0),
                 desc='reflect-value0'),
          Sample((arr(rng, (2, 3), dt, noncontig=True), (2, 2)), dict(mode='replicate'),
                 desc='replicate-noncontig'),
          Sample((arr(rng, (1, 2, 3), dt), (3, 3)), dict(mode='circular'),
                 desc='circular-full-wrap'),
          Sample((arr(rng, (2, 2, 3), dt), (5, 4)), dict(mode='replicate'),
                 desc='replicate-wide'),
          Sample((arr(rng, (0, 2, 3), dt), (1, 1)), dict(mode='reflect'), desc='empty-batch')]
    return s


def _constant_pad_nd(rng, dt):
    return [Sample((arr(rng, (2, 3), dt), [1, 2]), desc='default'),
            Sample((arr(rng, (2, 3, 4), dt), [1, -1, 2, 0], 3), desc='value'),
            Sample((arr(rng, (2, 3), dt), (0, 0, 1, 1)), dict(value=-2), desc='kw')]


OPS = [
    Op('F.pad', _pad, call=_pad_call, dtypes=FI),
    Op('constant_pad_nd', _constant_pad_nd, dtypes=FI),
]
