"""The ``torch.*`` spellings of the LU, triangular and Cholesky solvers and of two legacy
norms: ``lu``, ``lu_unpack``, ``lu_solve``, ``triangular_solve``, ``cholesky_solve``,
``cholesky_inverse``, ``matrix_exp``, ``nuclear_norm``, ``frobenius_norm`` (and
``matrix_rank``, which PyTorch keeps only to say it was removed). The implementations live in
``_linalg_lu.py`` and ``_linalg_funcs.py``.

>>> ember.triangular_solve(ember.tensor([[2.], [4.]]), ember.eye(2) * 2).solution
tensor([[1.],
        [2.]])
"""
from ._linalg_common import _return_type
from . import _linalg_lu
from ._linalg_funcs import matrix_exp, cholesky_solve, cholesky_inverse
from ._linalg_norms import matrix_norm, vector_norm

__all__ = ['lu', 'lu_unpack', 'lu_solve', 'triangular_solve', 'cholesky_solve',
           'cholesky_inverse', 'matrix_exp', 'nuclear_norm', 'frobenius_norm', 'matrix_rank']

_HERE = __name__
lu_unpack_type = _return_type('lu_unpack', ('P', 'L', 'U'), _HERE, 'lu_unpack_type')
triangular_solve_type = _return_type('triangular_solve', ('solution', 'cloned_coefficient'),
                                     _HERE, 'triangular_solve_type')


def lu(A, pivot=True, get_infos=False, out=None):
    """Legacy LU: ``(LU, pivots)`` (plus ``infos`` with ``get_infos=True``) as
    ``ember.linalg.lu_factor_ex``.

    >>> ember.lu(ember.tensor([[0., 1.], [2., 0.]]))[1]
    tensor([2, 2], dtype=torch.int32)
    """
    LU, piv, info = _linalg_lu.lu_factor_ex(A, pivot=pivot)
    return (LU, piv, info) if get_infos else (LU, piv)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``(P, L, U)`` with ``A = P L U`` from a packed LU factorisation.

    >>> LU, piv = ember.lu(ember.tensor([[0., 1.], [2., 0.]]))
    >>> ember.lu_unpack(LU, piv).P
    tensor([[0., 1.],
            [1., 0.]])
    """
    return _linalg_lu.lu_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots)


def lu_solve(b, LU_data, LU_pivots, *, out=None):
    """Legacy: the solution of ``A X = b`` from ``A``'s LU factorisation (``ember.lu``).

    >>> LU, piv = ember.lu(ember.eye(2) * 2)
    >>> ember.lu_solve(ember.tensor([[2.], [4.]]), LU, piv)
    tensor([[1.],
            [2.]])
    """
    return _linalg_lu.lu_solve(LU_data, LU_pivots, b, out=out)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """Legacy: ``(solution, cloned_coefficient)`` of ``op(A) X = b`` for a triangular ``A``
    (``op(A) = A^T`` with ``transpose=True``); prefer ``ember.linalg.solve_triangular``.

    >>> ember.triangular_solve(ember.tensor([[3.], [4.]]), ember.tensor([[2., 1.], [0., 4.]]))[0]
    tensor([[1.],
            [1.]])
    """
    coef = A.mT if transpose else A
    x = _linalg_lu.solve_triangular(coef, b, upper=upper != transpose,
                                    unitriangular=unitriangular)
    batch = tuple(x.shape[:-2])
    cloned = A.expand(*batch, *A.shape[-2:]).clone()
    return triangular_solve_type(x, cloned)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """The nuclear norm (sum of singular values) over ``dim`` (default the last two dims);
    deprecated in PyTorch for ``ember.linalg.matrix_norm(A, 'nuc')``.

    >>> ember.nuclear_norm(ember.eye(2) * 3)
    tensor(6.)
    """
    if isinstance(dim, bool):                  # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    return matrix_norm(input, 'nuc', (-2, -1) if dim is None else dim, keepdim, out=out)


def frobenius_norm(input, dim, keepdim=False, *, out=None):
    """The 2-norm of all elements over ``dim`` (one or two dims).

    >>> ember.frobenius_norm(ember.tensor([[3., 4.]]), (0, 1))
    tensor(5.)
    """
    dims = [dim] if isinstance(dim, int) else list(dim)
    if len(dims) > 2:
        raise RuntimeError(f'Expected at most 2 dimensions, but got {len(dims)} dimensions '
                           'instead.')
    return vector_norm(input, 2, dims, keepdim, out=out)


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    """Removed from PyTorch: raises, pointing to ``ember.linalg.matrix_rank``.

    >>> ember.matrix_rank(ember.eye(2))
    Traceback (most recent call last):
    RuntimeError: This function was deprecated since version 1.9 and is now removed...
    """
    raise RuntimeError("This function was deprecated since version 1.9 and is now removed.\n"
                       "Please use the `torch.linalg.matrix_rank` function instead. The "
                       "parameter 'symmetric' was renamed in `torch.linalg.matrix_rank()` to "
                       "'hermitian'.")


METHODS = {'lu': lu, 'lu_solve': lu_solve, 'triangular_solve': triangular_solve,
           'cholesky_solve': cholesky_solve, 'cholesky_inverse': cholesky_inverse,
           'matrix_exp': matrix_exp}
