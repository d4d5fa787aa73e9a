"""Per-op overhead on tiny tensors: ``c = (a*b + a).sum(); c.backward()``, ember vs PyTorch.

Run: ``python benchmarks/op_overhead.py`` (PyTorch optional; without it only ember's time
is printed). Prints microseconds per iteration and the ember/PyTorch ratio.
"""
import os
import sys
import timeit

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))


def workload(lib):
    a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = lib.tensor([4.0, 5.0, 6.0], requires_grad=True)

    def step():
        c = (a * b + a).sum()
        c.backward()
    step()
    return step


def main(number=5000, repeat=21):
    """Time both libraries in alternation (so machine noise hits both alike); best of runs."""
    import ember
    libs = {'ember': ember}
    try:
        import torch
        libs['PyTorch'] = torch
    except ImportError:
        print('PyTorch not installed: no ratio')
    steps = {name: workload(lib) for name, lib in libs.items()}
    best = {name: float('inf') for name in libs}
    for _ in range(repeat):
        for name, step in steps.items():
            t = timeit.timeit(step, number=number) / number * 1e6
            best[name] = min(best[name], t)
    for name, t in best.items():
        extra = f' (threads={libs[name].get_num_threads()})' if name == 'PyTorch' else ''
        print(f'{name:8s}: {t:7.2f} us/iter{extra}')
    if 'PyTorch' in best:
        print(f'ratio ember/PyTorch: {best["ember"] / best["PyTorch"]:.2f}')


if __name__ == '__main__':
    main()
