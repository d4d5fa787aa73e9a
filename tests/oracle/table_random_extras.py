"""Oracle entries: gamma, Dirichlet and binomial sampling (ember/_ops/random_gamma.py),
compared bit for bit after manual_seed. Float64 Dirichlet samples are compared in float32
only: torch normalises by its own vectorised sum, whose order ember's sum does not follow.
Also the reparameterised-gradient approximations ``_standard_gamma_grad`` and
``_dirichlet_grad``, on grids that reach every branch of ATen's formulas."""
import itertools

import numpy as np

from .harness import Op, Sample
from .table_random import R


def _alphas(rng, dtype):
    return [Sample((rng.uniform(0.05, 12, (7,)).astype(dtype),), desc='mixed'),
            Sample((rng.uniform(0.1, 3, (2, 3)).astype(dtype),), desc='2d'),
            Sample((np.zeros((0,), dtype=dtype),), desc='empty')]


def _count_prob(rng, dtype):
    n = np.array([0, 3, 10, 50, 400, 1000, 7], dtype=dtype)
    p = np.array([0.5, 0.2, 0.9, 0.3, 0.02, 0.6, 1.0], dtype=dtype)
    return [Sample((n, p), desc='regimes')]


def _gamma_grad_grid(rng, dtype):
    # alpha below / above 8; x below 0.8, near alpha (Rice, within 10%) and away from it
    alpha, x = np.meshgrid([0.05, 0.3, 1.0, 2.5, 7.9, 9.0, 30.0],
                           [0.01, 0.5, 0.79, 0.81, 2.0, 8.5, 9.5, 28.0, 31.0, 60.0])
    return [Sample((alpha.astype(dtype), x.astype(dtype)), desc='branches')]


def _dirichlet_grad_grid(rng, dtype):
    # x near 0 / near 1 / in between, alpha and beta small and both large (> 6)
    conc = [0.05, 0.5, 1.5, 4.0, 7.0, 20.0]
    x, alpha, beta = np.array(list(itertools.product(
        [0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999], conc, conc)), dtype=dtype).T
    return [Sample((x, alpha, alpha + beta), desc='branches')]


OPS = [
    Op('_standard_gamma_grad', _gamma_grad_grid, differentiable=False),
    Op('_dirichlet_grad', _dirichlet_grad_grid, differentiable=False),
    R('_standard_gamma', lambda lib, a: lib._standard_gamma(a), _alphas,
      dtypes=('float32', 'float64')),
    R('_sample_dirichlet', lambda lib, a: lib._sample_dirichlet(a), _alphas, dtypes=('float32',)),
    R('binomial', lambda lib, n, p: lib.binomial(n, p), _count_prob),
]
