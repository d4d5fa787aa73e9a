"""``optimizer.step()`` on a ~1M-parameter MLP, ember vs PyTorch (issue 4's target: ratio at
most 1.0 for Adam and for SGD with momentum).

The MLP is 784-1024-256-10 (1,068,810 float32 parameters); gradients are filled once and the
timed call is ``optimizer.step()`` alone.

Unlike ``_timing.compare``, each timed batch starts after a pause: both libraries leave
threads spinning after their work (NumPy's OpenBLAS for ~0.1 s, PyTorch's OpenMP) and on a
small machine those would steal the cores the other library is timed on.

Run: ``python benchmarks/optim_step.py`` and, for the single-thread comparison,
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/optim_step.py``.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))

import time  # noqa: E402
import timeit  # noqa: E402

from _timing import libraries  # noqa: E402


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


def compare(title, workload, number, repeat=11, unit='ms', pause=0.3):
    """``_timing.compare`` with a pause before every batch (see the module docstring)."""
    libs = libraries()
    steps = {name: workload(lib) for name, lib in libs.items()}
    scale = {'us': 1e6, 'ms': 1e3}[unit]
    best = {name: float('inf') for name in libs}
    for _ in range(repeat):
        for name, step in steps.items():
            time.sleep(pause)
            step()
            best[name] = min(best[name], timeit.timeit(step, number=number) / number * scale)
    print(title)
    for name, t in best.items():
        extra = f' (threads={libs[name].get_num_threads()})' if name == 'PyTorch' else ''
        print(f'  {name:8s}: {t:9.2f} {unit}/iter{extra}')
    ratio = best['ember'] / best['PyTorch'] if 'PyTorch' in best else None
    if ratio is not None:
        print(f'  ratio ember/PyTorch: {ratio:.2f}')
    return ratio


def training_step(make, batch=64):
    """A workload: zero_grad, forward, cross-entropy, backward and ``step`` on a fixed batch
    (the optimizer step as it runs in practice, right after the BLAS-heavy backward)."""
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch, 784)).astype(np.float32)
    y_np = rng.integers(0, 10, batch)

    def workload(lib):
        lib.manual_seed(0)
        model = mlp(lib)
        opt = make(lib, model.parameters())
        x, y = lib.tensor(x_np), lib.tensor(y_np)
        loss_fn = lib.nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
        step()
        return step
    return workload


def adam(lib, params):
    return lib.optim.Adam(params, lr=1e-4)


def sgd_momentum(lib, params):
    return lib.optim.SGD(params, lr=1e-4, momentum=0.9)


if __name__ == '__main__':
    n = sum(p.numel() for p in mlp(__import__('ember')).parameters())
    compare(f'Adam step, MLP 784-1024-256-10 ({n:,} parameters)', optimizer_step(adam),
            number=50)
    compare(f'SGD(momentum=0.9) step, MLP 784-1024-256-10 ({n:,} parameters)',
            optimizer_step(sgd_momentum), number=200)
    compare('Training step (forward, backward, Adam step), batch 64', training_step(adam),
            number=20)
    compare('Training step (forward, backward, SGD(momentum=0.9) step), batch 64',
            training_step(sgd_momentum), number=20)
