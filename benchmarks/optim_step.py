"""``optimizer.step()`` on a ~1M-parameter MLP, ember vs PyTorch (issue 4's target: ratio at
most 1.0 for Adam and for SGD with momentum).

The MLP is 784-1024-256-10 (1,068,810 float32 parameters); gradients are filled once and the
timed call is ``optimizer.step()`` alone.

Run: ``python benchmarks/optim_step.py`` and, for the single-thread comparison,
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/optim_step.py``.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))

from _timing import compare  # noqa: E402


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def optimizer_step(make):
    """A workload: ``make(lib, params)``'s ``step()`` with fixed gradients."""
    def workload(lib):
        lib.manual_seed(0)
        model = mlp(lib)
        rng = np.random.default_rng(0)
        for p in model.parameters():
            p.grad = lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32))
        opt = make(lib, model.parameters())
        opt.step()
        return opt.step
    return workload


def adam(lib, params):
    return lib.optim.Adam(params, lr=1e-4)


def sgd_momentum(lib, params):
    return lib.optim.SGD(params, lr=1e-4, momentum=0.9)


if __name__ == '__main__':
    n = sum(p.numel() for p in mlp(__import__('ember')).parameters())
    compare(f'Adam step, MLP 784-1024-256-10 ({n:,} parameters)', optimizer_step(adam),
            number=20, unit='ms')
    compare(f'SGD(momentum=0.9) step, MLP 784-1024-256-10 ({n:,} parameters)',
            optimizer_step(sgd_momentum), number=50, unit='ms')
