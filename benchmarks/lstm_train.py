"""Training steps of an LSTM, ember vs PyTorch (issue 7's target: ratio at most 1.5).

``nn.LSTM(32, 64, batch_first=True)`` over sequences of 20 steps, batch 32, a linear head on
the last step, cross-entropy, ``Adam``: one timed step is zero_grad, forward, backward and
``optimizer.step()``. A second line times forward+backward alone, a third the forward in
``no_grad`` (inference).

Run: ``python benchmarks/lstm_train.py`` and, for the single-thread comparison,
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/lstm_train.py``.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))

from _timing import compare  # noqa: E402

BATCH, SEQ, FEATURES, HIDDEN, CLASSES = 32, 20, 32, 64, 10


def model(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(FEATURES, HIDDEN, batch_first=True)
            self.head = nn.Linear(HIDDEN, CLASSES)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(out[:, -1])
    return Net()


def _data():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((BATCH, SEQ, FEATURES)).astype(np.float32),
            rng.integers(0, CLASSES, BATCH))


def training_step(with_optimizer=True):
    """A workload: one Adam training step (or forward+backward only) on a fixed batch."""
    x_np, y_np = _data()

    def workload(lib):
        lib.manual_seed(0)
        net = model(lib)
        x, y = lib.tensor(x_np), lib.tensor(y_np)
        loss_fn = lib.nn.CrossEntropyLoss()
        opt = lib.optim.Adam(net.parameters(), lr=1e-3)

        def step():
            opt.zero_grad()
            loss_fn(net(x), y).backward()
            if with_optimizer:
                opt.step()
        step()
        return step
    return workload


def inference(lib):
    """A workload: the forward pass under no_grad."""
    x_np, _ = _data()
    lib.manual_seed(0)
    net = model(lib).eval()
    x = lib.tensor(x_np)

    def step():
        with lib.no_grad():
            net(x)
    step()
    return step


if __name__ == '__main__':
    compare(f'LSTM({FEATURES}, {HIDDEN}) seq {SEQ} batch {BATCH} + Linear head, Adam training '
            'step', training_step(), number=20, unit='ms')
    compare('  the same, forward+backward only', training_step(False), number=20, unit='ms')
    compare('  forward only (no_grad)', inference, number=50, unit='ms')
