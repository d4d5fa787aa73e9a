"""A small transformer training step, ember vs PyTorch: ``nn.TransformerEncoder`` of 2 layers
(d_model 64, 4 heads, batch_first), a batch of 16 sequences of 32, forward + MSE loss +
backward + ``Adam`` step; with the default feed-forward width (2048) and with 256. Then
``nn.MultiheadAttention`` alone (self-attention, forward + backward, both need_weights).

Run: ``python benchmarks/transformer.py`` and, for the single-thread comparison,
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/transformer.py``.
"""
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))

from _timing import compare  # noqa: E402

D, HEADS, SEQ, BATCH = 64, 4, 32, 16


def encoder_step(dim_feedforward=2048, dropout=0.1):
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((BATCH, SEQ, D)).astype(np.float32)
    y_np = rng.standard_normal((BATCH, SEQ, D)).astype(np.float32)

    def workload(lib):
        nn = lib.nn
        lib.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            layer = nn.TransformerEncoderLayer(D, HEADS, dim_feedforward, dropout,
                                               batch_first=True)
            model = nn.TransformerEncoder(layer, 2)
        opt = lib.optim.Adam(model.parameters(), lr=1e-3)
        x, y = lib.tensor(x_np), lib.tensor(y_np)
        loss_fn = nn.MSELoss()

        def step():
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
        step()
        return step
    return workload


def mha_step(need_weights):
    x_np = np.random.default_rng(0).standard_normal((BATCH, SEQ, D)).astype(np.float32)

    def workload(lib):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(D, HEADS, batch_first=True)
        x = lib.tensor(x_np, requires_grad=True)

        def step():
            m(x, x, x, need_weights=need_weights)[0].sum().backward()
        step()
        return step
    return workload


if __name__ == '__main__':
    compare(f'TransformerEncoder 2 layers, d_model {D}, {HEADS} heads, ff 2048, dropout 0.1, '
            f'batch {BATCH} x seq {SEQ}: forward+backward+Adam', encoder_step(), number=5,
            unit='ms')
    compare(f'TransformerEncoder 2 layers, d_model {D}, {HEADS} heads, ff 256, dropout 0.1, '
            f'batch {BATCH} x seq {SEQ}: forward+backward+Adam', encoder_step(256), number=10,
            unit='ms')
    compare(f'TransformerEncoder 2 layers, d_model {D}, {HEADS} heads, ff 256, dropout 0, '
            f'batch {BATCH} x seq {SEQ}: forward+backward+Adam', encoder_step(256, 0.0),
            number=10, unit='ms')
    for nw in (True, False):
        compare(f'MultiheadAttention({D}, {HEADS}) self-attention, batch {BATCH} x seq {SEQ}, '
                f'need_weights={nw}: forward+backward', mha_step(nw), number=20)
