"""The intra-op thread count: ``ember.get_num_threads`` / ``ember.set_num_threads``.

Two things in ember use threads: matrix products (through the OpenBLAS that NumPy ships
with) and the optimizers' update pool for big parameter groups. Both start from
``OMP_NUM_THREADS`` when set (as PyTorch does), else from the CPUs this process may use;
``set_num_threads`` changes both at run time.

>>> n = ember.get_num_threads()
>>> ember.set_num_threads(1); ember.get_num_threads()
1
>>> ember.set_num_threads(n)
"""
import ctypes
import glob
import os

import numpy as np


def default_count():
    """``OMP_NUM_THREADS`` if set, else the number of CPUs this process may run on."""
    env = os.environ.get('OMP_NUM_THREADS', '')
    try:
        n = int(env) if env.strip() else len(os.sched_getaffinity(0))
    except (ValueError, AttributeError):
        n = os.cpu_count() or 1
    return max(1, n)


count = default_count()            # read by the optimizers' thread pool on every step


def openblas_libraries():
    """The OpenBLAS shared libraries bundled with NumPy (wheel layouts of Linux and macOS)."""
    root = os.path.dirname(np.__file__)
    paths = []
    for where in (os.path.join(root, os.pardir, 'numpy.libs'), os.path.join(root, '.dylibs')):
        paths += sorted(glob.glob(os.path.join(where, '*openblas*')))
    libs = []
    for path in paths:
        try:
            libs.append(ctypes.CDLL(path))
        except OSError:
            continue
    return libs


def _blas_thread_setter():
    for lib in openblas_libraries():
        for name in ('scipy_openblas_set_num_threads64_', 'openblas_set_num_threads64_',
                     'scipy_openblas_set_num_threads', 'openblas_set_num_threads'):
            fn = getattr(lib, name, None)
            if fn is not None:
                fn.argtypes, fn.restype = [ctypes.c_int], None
                return fn
    return None


def get_num_threads():
    """The number of threads ember's ops may use.

    >>> ember.get_num_threads() >= 1
    True
    """
    return count


def set_num_threads(n):
    """Use ``n`` threads for matrix products and optimizer updates (as ``torch.set_num_threads``).

    >>> ember.set_num_threads(0)
    Traceback (most recent call last):
    ...
    RuntimeError: set_num_threads expects a positive integer (got 0)
    """
    global count
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise RuntimeError(f'set_num_threads expects a positive integer (got {n!r})')
    setter = _blas_thread_setter()
    if setter is not None:
        setter(n)
    count = n
