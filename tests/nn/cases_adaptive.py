"""Module cases: AdaptiveLogSoftmaxWithLoss (forward with targets in every cluster, unbatched,
head bias, one cluster, log_prob and predict through ``call``)."""
import numpy as np

from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr

_NAME = 'AdaptiveLogSoftmaxWithLoss'


def _batch(n, features, targets):
    """``n`` rows of ``features`` and int64 targets (a list, or ``n_classes`` to draw them)."""
    def gen(rng, dt):
        t = rng.integers(0, targets, size=n) if isinstance(targets, int) else targets
        return arr(rng, (n, features), dt), np.asarray(t, dtype=np.int64)
    return gen


def _unbatched(features, target):
    return lambda rng, dt: (arr(rng, (features,), dt), np.asarray(target, dtype=np.int64))


def _x(*shape):
    return lambda rng, dt: (arr(rng, shape, dt),)


def _asm(*args, **kw):
    return lambda nn: nn.AdaptiveLogSoftmaxWithLoss(*args, **kw)


_SMALL = _asm(8, 10, [3, 6], div_value=2.0)

CASES = [
    ModuleCase(_NAME, _SMALL, _batch(6, 8, [0, 4, 7, 9, 2, 5]), desc='every-cluster'),
    ModuleCase(_NAME, _asm(16, 12, [4, 8]), _batch(9, 16, 12), desc='random-targets'),
    ModuleCase(_NAME, _asm(6, 7, [2], head_bias=True), _batch(5, 6, [0, 1, 6, 3, 1]),
               desc='head-bias'),
    ModuleCase(_NAME, _SMALL, _batch(4, 8, [0, 1, 2, 1]), desc='shortlist-only'),
    ModuleCase(_NAME, _SMALL, _batch(3, 8, [7, 8, 9]), desc='one-cluster-only'),
    ModuleCase(_NAME, _SMALL, _batch(1, 8, [5]), desc='batch1'),
    ModuleCase(_NAME, _SMALL, _unbatched(8, 8), desc='unbatched-tail'),
    ModuleCase(_NAME, _SMALL, _unbatched(8, 1), desc='unbatched-head'),
    ModuleCase(_NAME, _SMALL, _x(5, 8), desc='log_prob', call=lambda m, x: m.log_prob(x)),
    ModuleCase(_NAME, _asm(8, 9, [2, 5], div_value=2.0, head_bias=True), _x(12, 8),
               desc='predict', call=lambda m, x: m.predict(x)),
]
