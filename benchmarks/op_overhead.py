"""Per-op overhead on tiny tensors: ``c = (a*b + a).sum(); c.backward()``, ember vs PyTorch.

Run: ``python benchmarks/op_overhead.py`` (PyTorch optional; without it only ember's time
is printed). Prints microseconds per iteration and the ember/PyTorch ratio.
"""
import os
import sys
import timeit

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))


def bench(lib, number=20000, repeat=5):
    a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = lib.tensor([4.0, 5.0, 6.0], requires_grad=True)

    def step():
        c = (a * b + a).sum()
        c.backward()
    step()
    return min(timeit.repeat(step, number=number, repeat=repeat)) / number * 1e6


def main():
    import ember
    t_ember = bench(ember)
    print(f'ember   : {t_ember:7.2f} us/iter')
    try:
        import torch
    except ImportError:
        print('PyTorch not installed: no ratio')
        return
    t_torch = bench(torch)
    print(f'PyTorch : {t_torch:7.2f} us/iter (threads={torch.get_num_threads()})')
    print(f'ratio ember/PyTorch: {t_ember / t_torch:.2f}')


if __name__ == '__main__':
    main()
