"""Per-op overhead on tiny tensors: ``c = (a*b + a).sum(); c.backward()``, ember vs PyTorch.

Run: ``python benchmarks/op_overhead.py`` (PyTorch optional; without it only ember's time
is printed). Prints microseconds per iteration and the ember/PyTorch ratio.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))

from _timing import compare  # noqa: E402


def workload(lib):
    a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = lib.tensor([4.0, 5.0, 6.0], requires_grad=True)

    def step():
        c = (a * b + a).sum()
        c.backward()
    step()
    return step


if __name__ == '__main__':
    compare('(a*b + a).sum().backward() on 3-element tensors', workload, number=5000)
