"""ember.linalg: norms, solvers and decompositions (torch.linalg).

Each function runs one backend LAPACK call (``numpy.linalg``/``cupy.linalg``) and records a
node whose backward is the standard formula written with ember ops (so it is differentiable
again): e.g. ``inv``: ``-A^{-T} G A^{-T}``; ``eigh``: ``V (diag(gL) + skew(V^T gV) / E) V^T``.
The implementations live in ``ember/_ops``: ``_linalg_norms.py``, ``_linalg_solve.py``
(determinants, inverses, solvers), ``_linalg_decomp.py`` (eigh, svd, qr, cholesky),
``_linalg_pinv.py`` (pinv, matrix_rank, lstsq), ``_linalg_lu.py`` (LU, triangular solves),
``_linalg_funcs.py`` (matrix_exp, cond, vander, tensorinv/solve, householder_product), and the
products in ``products.py`` and ``geometry.py``.

>>> A = ember.tensor([[2., 0.], [0., 4.]])
>>> ember.linalg.det(A), ember.linalg.inv(A)[1, 1]
(tensor(8.), tensor(0.2500))
"""
# the error class and the named tuples are found (and pickled) under ember.linalg
from ._ops._linalg_common import (  # noqa: F401
    LinAlgError, linalg_eigh, linalg_svd, svd_type, linalg_qr, qr_type, linalg_slogdet,
    slogdet_type, linalg_inv_ex, linalg_cholesky_ex, linalg_solve_ex, linalg_lstsq)
from ._ops._linalg_norms import norm, vector_norm, matrix_norm
from ._ops._linalg_solve import det, slogdet, inv, inv_ex, solve, solve_ex, matrix_power
from ._ops._linalg_decomp import eigh, eigvalsh, svd, svdvals, qr, cholesky, cholesky_ex
from ._ops._linalg_pinv import pinv, matrix_rank, lstsq
from ._ops.products import matmul, multi_dot, vecdot
from ._ops.geometry import linalg_cross as cross
from ._ops._linalg_lu import (lu_factor, lu_factor_ex, lu, lu_solve, solve_triangular,
                              linalg_lu_factor, linalg_lu_factor_ex, linalg_lu)  # noqa: F401
from ._ops._linalg_funcs import (matrix_exp, vander, tensorinv, tensorsolve, cond,
                                 householder_product)

__all__ = ['norm', 'vector_norm', 'matrix_norm', 'det', 'slogdet', 'inv', 'inv_ex', 'solve',
           'solve_ex', 'eigh', 'eigvalsh', 'svd', 'svdvals', 'qr', 'cholesky', 'cholesky_ex',
           'pinv', 'matrix_rank', 'lstsq', 'matrix_power', 'multi_dot', 'cross', 'matmul',
           'vecdot', 'diagonal', 'lu_factor', 'lu_factor_ex', 'lu', 'lu_solve',
           'solve_triangular', 'matrix_exp', 'vander', 'tensorinv', 'tensorsolve', 'cond',
           'householder_product']


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """``A.diagonal(offset, dim1, dim2)``: the (batched) diagonals of matrices.

    >>> ember.linalg.diagonal(ember.eye(2) * 3)
    tensor([3., 3.])
    """
    return A.diagonal(offset, dim1, dim2)
