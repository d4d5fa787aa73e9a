"""SGD against torch 2.13: every option combination, float64 and float32."""
import itertools

import pytest

from .harness import assert_same_trajectory

torch = pytest.importorskip('torch')

COMBOS = [dict(momentum=m, dampening=d, nesterov=n, weight_decay=w, maximize=x)
          for m, d, n, w, x in itertools.product((0, 0.9), (0, 0.1), (False, True), (0, 0.01),
                                                 (False, True))
          if not (n and (m == 0 or d != 0))]


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('options', COMBOS, ids=lambda o: '-'.join(f'{k}={v}' for k, v in o.items()))
def test_sgd_matches_torch(options, dtype):
    assert_same_trajectory(lambda lib, p: lib.optim.SGD(p, lr=0.05, **options), dtype,
                           negate=options['maximize'])
