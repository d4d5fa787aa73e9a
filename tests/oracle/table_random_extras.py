"""Oracle entries: gamma, Dirichlet and binomial sampling (ember/_ops/random_gamma.py),
compared bit for bit after manual_seed. Float64 Dirichlet samples are compared in float32
only: torch normalises by its own vectorised sum, whose order ember's sum does not follow."""
import numpy as np

from .harness import Sample
from .table_random import R


def _alphas(rng, dtype):
    return [Sample((rng.uniform(0.05, 12, (7,)).astype(dtype),), desc='mixed'),
            Sample((rng.uniform(0.1, 3, (2, 3)).astype(dtype),), desc='2d'),
            Sample((np.zeros((0,), dtype=dtype),), desc='empty')]


def _count_prob(rng, dtype):
    n = np.array([0, 3, 10, 50, 400, 1000, 7], dtype=dtype)
    p = np.array([0.5, 0.2, 0.9, 0.3, 0.02, 0.6, 1.0], dtype=dtype)
    return [Sample((n, p), desc='regimes')]


OPS = [
    R('_standard_gamma', lambda lib, a: lib._standard_gamma(a), _alphas,
      dtypes=('float32', 'float64')),
    R('_sample_dirichlet', lambda lib, a: lib._sample_dirichlet(a), _alphas, dtypes=('float32',)),
    R('binomial', lambda lib, n, p: lib.binomial(n, p), _count_prob),
]
