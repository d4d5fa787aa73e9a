"""Forward + backward of small models, ember vs PyTorch (issue 3's targets: MLP <= 1.2,
CNN <= 2.0).

Run: ``python benchmarks/nn_models.py`` and, for the single-thread comparison,
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/nn_models.py``.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))

from _timing import compare  # noqa: E402


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def lenet(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def training_step(build, shape):
    """A workload: forward, cross-entropy loss, backward on a fixed batch."""
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape).astype(np.float32)
    y_np = rng.integers(0, 10, shape[0])

    def workload(lib):
        lib.manual_seed(0)
        model = build(lib)
        x, y = lib.tensor(x_np), lib.tensor(y_np)
        loss_fn = lib.nn.CrossEntropyLoss()

        def step():
            model.zero_grad()
            loss_fn(model(x), y).backward()
        step()
        return step
    return workload


if __name__ == '__main__':
    compare('MLP 784-256-128-10, batch 64, forward+backward', training_step(mlp, (64, 784)),
            number=20, unit='ms')
    compare('LeNet CNN, batch 64 x 1x28x28, forward+backward',
            training_step(lenet, (64, 1, 28, 28)), number=5, unit='ms')
