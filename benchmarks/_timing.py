"""Shared timing loop: run ember's and PyTorch's step functions in alternation, best of runs.

Alternating the libraries lets machine noise hit both alike; the best run is the least noisy.
"""
import timeit


def libraries():
    """``{'ember': ember, 'PyTorch': torch}`` (PyTorch only when installed)."""
    import ember
    libs = {'ember': ember}
    try:
        import torch
        libs['PyTorch'] = torch
    except ImportError:
        print('PyTorch not installed: no ratio')
    return libs


def compare(title, workload, number, repeat=21, unit='us'):
    """Time ``workload(lib)()`` for each library; print times and the ember/PyTorch ratio."""
    libs = libraries()
    steps = {name: workload(lib) for name, lib in libs.items()}
    scale = {'us': 1e6, 'ms': 1e3}[unit]
    best = {name: float('inf') for name in libs}
    for _ in range(repeat):
        for name, step in steps.items():
            t = timeit.timeit(step, number=number) / number * scale
            best[name] = min(best[name], t)
    print(title)
    for name, t in best.items():
        extra = f' (threads={libs[name].get_num_threads()})'
        print(f'  {name:8s}: {t:9.2f} {unit}/iter{extra}')
    ratio = best['ember'] / best['PyTorch'] if 'PyTorch' in best else None
    if ratio is not None:
        print(f'  ratio ember/PyTorch: {ratio:.2f}')
    return ratio
