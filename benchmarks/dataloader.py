"""One epoch of a DataLoader over an MNIST-sized TensorDataset, ember vs PyTorch (issue 6's
target: ratio at most 1.0).

60,000 x 784 float32 samples with int64 labels, batch 64, ``shuffle=True``, ``num_workers=0``;
each batch is touched (one float read) so neither library can skip work.

Run: ``python benchmarks/dataloader.py`` and, for the single-thread comparison,
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/dataloader.py``; add
``--workers`` to also time ``num_workers=2``.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))

from _timing import compare  # noqa: E402

N, D, BATCH = 60_000, 784, 64


def epoch(num_workers=0):
    """A workload: one shuffled epoch over a 60,000 x 784 TensorDataset."""
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((N, D), dtype=np.float32)
    y_np = rng.integers(0, 10, N)

    def workload(lib):
        data = lib.utils.data
        lib.manual_seed(0)
        dataset = data.TensorDataset(lib.from_numpy(x_np), lib.from_numpy(y_np))
        loader = data.DataLoader(dataset, batch_size=BATCH, shuffle=True,
                                 num_workers=num_workers)

        def step():
            n = 0
            for x, y in loader:
                n += x.shape[0]
            assert n == N
        return step
    return workload


if __name__ == '__main__':
    compare(f'DataLoader epoch: TensorDataset {N} x {D} float32, batch {BATCH}, shuffle, '
            'num_workers=0', epoch(0), number=1, repeat=5, unit='ms')
    if '--workers' in sys.argv:      # for information: batches pickled through the workers
        compare('the same with num_workers=2', epoch(2), number=1, repeat=3, unit='ms')
