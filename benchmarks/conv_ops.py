"""Convolution micro-benchmarks, ember vs PyTorch: the two LeNet convolutions (forward and
forward+backward), a strided/padded 3x3 convolution, a transposed convolution, and the
LeNet training step written with functionals (conv, relu, max_pool2d, linear, cross_entropy).

Run: ``python benchmarks/conv_ops.py`` and, single-threaded,
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/conv_ops.py``.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))

from _timing import compare  # noqa: E402


def conv_step(xs, ws, backward, transposed=False, **kw):
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(xs).astype(np.float32)
    w_np = rng.standard_normal(ws).astype(np.float32)
    oc = ws[1] if transposed else ws[0]
    b_np = rng.standard_normal(oc).astype(np.float32)

    def workload(lib):
        F = lib.nn.functional
        fn = F.conv_transpose2d if transposed else F.conv2d
        x = lib.tensor(x_np, requires_grad=backward and xs[1] > 1)
        w = lib.tensor(w_np, requires_grad=backward)
        b = lib.tensor(b_np, requires_grad=backward)
        if not backward:
            def step():
                with lib.no_grad():
                    fn(x, w, b, **kw)
            return step
        g = lib.ones_like(fn(x, w, b, **kw))

        def step():
            w.grad = b.grad = x.grad = None
            fn(x, w, b, **kw).backward(g)
        return step
    return workload


def lenet_functional(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((64, 1, 28, 28)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 64))
    F = lib.nn.functional
    lib.manual_seed(0)
    shapes = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 256), (120,), (84, 120), (84,),
              (10, 84), (10,)]
    p = [(lib.randn(*s) * 0.1).requires_grad_() for s in shapes]

    def step():
        for t in p:
            t.grad = None
        h = F.max_pool2d(F.relu(F.conv2d(x, p[0], p[1])), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, p[2], p[3])), 2).flatten(1)
        h = F.relu(F.linear(h, p[4], p[5]))
        h = F.relu(F.linear(h, p[6], p[7]))
        F.cross_entropy(F.linear(h, p[8], p[9]), y).backward()
    step()
    return step


if __name__ == '__main__':
    for bw in (False, True):
        what = 'forward+backward' if bw else 'forward'
        compare(f'conv2d 1->6 5x5 on 64x1x28x28, {what}',
                conv_step((64, 1, 28, 28), (6, 1, 5, 5), bw), number=10)
        compare(f'conv2d 6->16 5x5 on 64x6x12x12, {what}',
                conv_step((64, 6, 12, 12), (16, 6, 5, 5), bw), number=10)
    compare('conv2d 32->64 3x3 stride 2 pad 1 on 16x32x32x32, forward+backward',
            conv_step((16, 32, 32, 32), (64, 32, 3, 3), True, stride=2, padding=1), number=3)
    compare('conv_transpose2d 32->16 4x4 stride 2 pad 1 on 16x32x16x16, forward+backward',
            conv_step((16, 32, 16, 16), (32, 16, 4, 4), True, transposed=True, stride=2,
                      padding=1), number=3)
    compare('LeNet (functional), batch 64, forward+backward', lenet_functional, number=5,
            unit='ms')
