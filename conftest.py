"""Test-session setup: one BLAS/OpenMP thread for NumPy and the PyTorch oracle.

On a small CI machine several threads per library only fight over the cores; the suite
runs about twice as fast single-threaded. Must run before NumPy is imported.
"""
import os

for _var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ.setdefault(_var, '1')

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    pass


import pytest


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    """Docstring examples use ``ember`` and ``np`` without importing them; an example that
    changes the default dtype cannot leak it into later tests."""
    import numpy
    import ember
    doctest_namespace['ember'] = ember
    doctest_namespace['np'] = numpy
    yield
    if ember.get_default_dtype() is not ember.float32:
        ember.set_default_dtype(ember.float32)
