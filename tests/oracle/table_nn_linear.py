"""Oracle entries: F.linear, F.bilinear."""
from .harness import Op, Sample, arr


def _linear_samples(rng, dt):
    w, b = arr(rng, (3, 4), dt), arr(rng, (3,), dt)
    return [Sample((arr(rng, (5, 4), dt), w, b), desc='2d'),
            Sample((arr(rng, (2, 5, 4), dt), w, b), desc='3d'),
            Sample((arr(rng, (4,), dt), w, b), desc='1d'),
            Sample((arr(rng, (5, 4), dt), w), desc='nobias'),
            Sample((arr(rng, (4, 5), dt, noncontig=True).T, w, b), desc='noncontig'),
            Sample((arr(rng, (0, 4), dt), w, b), desc='empty')]


def _bilinear_samples(rng, dt):
    w, b = arr(rng, (2, 3, 4), dt), arr(rng, (2,), dt)
    return [Sample((arr(rng, (5, 3), dt), arr(rng, (5, 4), dt), w, b), desc='2d'),
            Sample((arr(rng, (2, 5, 3), dt), arr(rng, (2, 5, 4), dt), w), desc='3d-nobias')]


OPS = [
    Op('F.linear', _linear_samples,
       call=lambda lib, *a, **k: lib.nn.functional.linear(*a, **k)),
    Op('bilinear', _bilinear_samples, covers=('F.bilinear',)),
]
