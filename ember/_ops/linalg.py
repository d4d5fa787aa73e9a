"""The legacy ``torch.*`` spellings of ember.linalg routines: ``det``, ``slogdet``, ``logdet``,
``inverse``, ``cholesky``, ``svd``, ``qr``, ``pinverse``, ``matrix_power`` (and their Tensor
methods). Each forwards to the ember.linalg implementation (``ember/_ops/_linalg_*.py``);
only the argument conventions differ (``svd`` returns ``V``, ``qr`` takes ``some=``).

>>> ember.inverse(ember.eye(2) * 2)
tensor([[0.5000, 0.0000],
        [0.0000, 0.5000]])
"""
from . import _linalg_decomp, _linalg_pinv, _linalg_solve

__all__ = ['det', 'logdet', 'slogdet', 'inverse', 'cholesky', 'svd', 'qr', 'pinverse',
           'matrix_power']


def det(input):
    """Determinant of a (batch of) square matrices; see ``ember.linalg.det``.

    >>> ember.det(ember.eye(2) * 3)
    tensor(9.)
    """
    return _linalg_solve.det(input)


def slogdet(input):
    """(sign, log|det|) of a (batch of) square matrices; see ``ember.linalg.slogdet``.

    >>> ember.slogdet(-ember.eye(2)).sign
    tensor(1.)
    """
    return _linalg_solve._slogdet(input, 'slogdet')


def logdet(input):
    """Log of the determinant: nan for a negative determinant, -inf for a singular matrix.

    >>> ember.logdet(ember.eye(2) * 2)
    tensor(1.3863)
    """
    return _linalg_solve._logdet(input)


def inverse(input, *, out=None):
    """Inverse of a (batch of) square matrices; see ``ember.linalg.inv``.

    >>> ember.inverse(ember.eye(2) * 2)
    tensor([[0.5000, 0.0000],
            [0.0000, 0.5000]])
    """
    return _linalg_solve.inv(input, out=out)


def cholesky(input, upper=False, *, out=None):
    """Legacy Cholesky factor (prefer ``ember.linalg.cholesky``).

    >>> ember.cholesky(ember.eye(2) * 4)
    tensor([[2., 0.],
            [0., 2.]])
    """
    return _linalg_decomp._cholesky(input, upper, 'CholeskyBackward0', 'cholesky', out)


def svd(input, some=True, compute_uv=True, *, out=None):
    """Legacy SVD returning ``(U, S, V)`` with ``V`` (not ``Vh``); ``some=True`` is reduced.

    >>> ember.svd(ember.eye(2)).S
    tensor([1., 1.])
    """
    return _linalg_decomp._legacy_svd(input, some, compute_uv)


def qr(input, some=True, *, out=None):
    """Legacy QR; ``some=True`` is ``mode='reduced'``.

    >>> ember.qr(ember.eye(2)).R.shape
    torch.Size([2, 2])
    """
    return _linalg_decomp._qr(input, 'reduced' if some else 'complete', 'qr')


def pinverse(input, rcond=1e-15):
    """Moore-Penrose pseudo-inverse (``ember.linalg.pinv`` with ``rtol=rcond``).

    >>> ember.pinverse(ember.eye(2) * 2)
    tensor([[0.5000, 0.0000],
            [0.0000, 0.5000]])
    """
    return _linalg_pinv.pinv(input, rtol=rcond)


def matrix_power(input, n):
    """``input`` multiplied by itself ``n`` times (negative ``n`` uses the inverse).

    >>> ember.matrix_power(ember.eye(2) * 2, 3)
    tensor([[8., 0.],
            [0., 8.]])
    """
    return _linalg_solve.matrix_power(input, n)


METHODS = {
    'det': det, 'logdet': logdet, 'slogdet': slogdet, 'inverse': inverse, 'cholesky': cholesky,
    'svd': svd, 'qr': qr, 'pinverse': pinverse, 'matrix_power': matrix_power,
}
