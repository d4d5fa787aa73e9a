"""ember.linalg matrix functions and helpers built on the solvers: ``matrix_exp``,
``cholesky_solve`` / ``cholesky_inverse`` (the legacy ``torch.*`` ops, with PyTorch's full
(not triangle-projected) gradient for the factor), ``vander``, ``tensorinv``, ``tensorsolve``,
``cond`` and ``householder_product``.

``matrix_exp`` is scaling and squaring with a degree-18 Taylor polynomial; its backward is the
upper-right block of ``exp([[A^T, G], [0, A^T]])``, so it is differentiable again.

>>> ember.linalg.matrix_exp(ember.zeros(2, 2))
tensor([[1., 0.],
        [0., 1.]])
"""
import numpy as np

from ._base import wrap, record, xp_of
from .arith import _write_out
from .joining import cat
from .products import matmul
from ._linalg_common import _tname, _matrix, _float, _square, _eye
from ._linalg_lu import _trsolve
from ._linalg_norms import matrix_norm
from ._linalg_decomp import svdvals
from ._linalg_solve import inv, solve

_TAYLOR_DEGREE = 18


# ---- matrix exponential ------------------------------------------------------------------------
def _expm(a):
    xp = xp_of(a)
    n = a.shape[-1]
    eye = xp.eye(n, dtype=a.dtype)
    norm = xp.abs(a).sum(-2).max(-1) if a.size else xp.zeros(a.shape[:-2], a.dtype)
    with np.errstate(divide='ignore'):
        s = xp.maximum(0, xp.ceil(xp.log2(xp.maximum(norm, 1e-300) / 0.5))).astype(np.int64)
    x = a / (2.0 ** s).astype(a.dtype)[..., None, None]
    res = eye + x / _TAYLOR_DEGREE
    for k in range(_TAYLOR_DEGREE - 1, 0, -1):       # Horner: I + X/k (I + X/(k+1) (...))
        res = eye + (x @ res) / k
    for i in range(int(s.max()) if s.size else 0):
        res = xp.where((s > i)[..., None, None], res @ res, res)
    return res.astype(a.dtype)


def matrix_exp(A):
    """The matrix exponential ``sum_k A^k / k!`` of a (batch of) square matrices.

    >>> ember.linalg.matrix_exp(ember.tensor([[0., 1.], [0., 0.]]))
    tensor([[1., 1.],
            [0., 1.]])
    """
    a = _square(A, 'linalg.matrix_exp')
    return record(wrap(_expm(a)), 'LinalgMatrixExpBackward0', _matrix_exp_backward, (A,), (A,))


def _matrix_exp_backward(node, grad):
    (A,) = node.saved()
    n = A._data.shape[-1]
    At = A.mT
    top = cat([At, grad], -1)
    bottom = cat([At * 0, At], -1)
    return matrix_exp(cat([top, bottom], -2)).narrow(-2, 0, n).narrow(-1, n, n)


# ---- Cholesky-based solves ---------------------------------------------------------------------
def _chol_inverse_array(c, upper):
    """``(C C^T)^{-1}`` (``(C^T C)^{-1}`` if upper) from the factor's triangle."""
    xp = xp_of(c)
    n = c.shape[-1]
    ident = xp.broadcast_to(xp.eye(n, dtype=c.dtype), c.shape)
    cinv = _trsolve(c, ident, upper, False)                   # C^{-1}
    cinv_t = xp.swapaxes(cinv, -1, -2)
    return cinv @ cinv_t if upper else cinv_t @ cinv


def cholesky_solve(B, L, upper=False, *, out=None):
    """The solution ``X`` of ``A X = B`` given the Cholesky factor of ``A`` (``A = L L^T``, or
    ``A = U^T U`` with ``upper=True``).

    >>> ember.cholesky_solve(ember.tensor([[4.], [8.]]), ember.eye(2) * 2)
    tensor([[1.],
            [2.]])
    """
    b, c = _matrix(B, 'cholesky_solve'), _float(_matrix(L, 'cholesky_solve'), 'cholesky_solve')
    if b.dtype != c.dtype:
        raise RuntimeError(f'Expected b and A to have the same dtype, but found b of type '
                           f'{_tname(b)} and A of type {_tname(c)} instead.')
    if c.shape[-1] != c.shape[-2] or b.shape[-2] != c.shape[-1]:
        raise RuntimeError(f'Incompatible matrix sizes for cholesky_solve: each A matrix is '
                           f'{c.shape[-2]} by {c.shape[-1]} but each b matrix is '
                           f'{b.shape[-2]} by {b.shape[-1]}')
    xp = xp_of(c)
    ct = xp.swapaxes(c, -1, -2)
    if upper:          # U^T U X = B
        x = _trsolve(c, _trsolve(ct, b, False, False), True, False)
    else:              # L L^T X = B
        x = _trsolve(ct, _trsolve(c, b, False, False), True, False)
    res = wrap(xp.ascontiguousarray(x))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'CholeskySolveBackward0', _cholesky_solve_backward, (B, L), (L,),
                  ctx=upper, save_output=True)


def _cholesky_solve_backward(node, grad):
    L, X = node.saved()
    gB = cholesky_solve(grad, L, node.ctx)
    gL = None
    if node.next[1] is not None:
        common = matmul(gB, X.mT)
        common = common + common.mT
        gL = -matmul(L, common) if node.ctx else -matmul(common, L)
    return (gB if node.next[0] is not None else None), gL


def cholesky_inverse(L, upper=False, *, out=None):
    """The inverse of ``A`` given its Cholesky factor (``A = L L^T``, or ``U^T U`` with
    ``upper=True``).

    >>> ember.cholesky_inverse(ember.eye(2) * 2)
    tensor([[0.2500, 0.0000],
            [0.0000, 0.2500]])
    """
    c = _square(L, 'cholesky_inverse')
    res = wrap(_chol_inverse_array(c, upper))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'CholeskyInverseBackward0', _cholesky_inverse_backward, (L,), (L,),
                  ctx=upper, save_output=True)


def _cholesky_inverse_backward(node, grad):
    L, inverse = node.saved()
    common = matmul(inverse, matmul(grad + grad.mT, inverse))
    return -matmul(L, common) if node.ctx else -matmul(common, L)


# ---- built from other ops ---------------------------------------------------------------------
def vander(x, *, N=None):
    """The Vandermonde matrix ``[1, x, x^2, ..., x^(N-1)]`` of each vector (columns of
    increasing powers).

    >>> ember.linalg.vander(ember.tensor([1., 2., 3.]))
    tensor([[1., 1., 1.],
            [1., 2., 4.],
            [1., 3., 9.]])
    """
    a = x._data
    if a.ndim == 0:
        raise RuntimeError('linalg.vander: x must have at least one dimension.')
    n = a.shape[-1] if N is None else N
    if n <= 1:
        if n < 0 or N is not None and N < 0:
            raise RuntimeError('N must be greater than 1.')
        return x.unsqueeze(-1).expand(*a.shape, max(n, 0)) ** 0
    cols = x.unsqueeze(-1).expand(*a.shape, n - 1)
    ones = wrap(xp_of(a).ones(a.shape + (1,), a.dtype))
    return cat([ones, cols], -1).cumprod(-1)


def _prod(shape):
    return int(np.prod(shape, dtype=np.int64))


def tensorinv(A, ind=2, *, out=None):
    """The inverse of ``A`` for :func:`ember.tensordot` over the last ``A.ndim - ind`` dims.

    >>> ember.linalg.tensorinv(ember.eye(4).reshape(4, 2, 2), ind=1).shape
    torch.Size([2, 2, 4])
    """
    if ind <= 0:
        raise RuntimeError(f'Expected a strictly positive integer for \'ind\', but got {ind}')
    shape = tuple(A.shape)
    rows, cols = _prod(shape[:ind]), _prod(shape[ind:])
    if rows != cols:
        raise RuntimeError(f'Expected self to satisfy the requirement prod(self.shape[ind:]) == '
                           f'prod(self.shape[:ind]), but got {cols} != {rows}')
    res = inv(A.reshape(rows, cols)).reshape(shape[ind:] + shape[:ind])
    return res if out is None else _write_out(out, res)


def tensorsolve(A, B, dims=None, *, out=None):
    """The ``X`` with ``tensordot(A, X, X.ndim) == B`` (``dims`` of ``A`` moved to the end
    first).

    >>> ember.linalg.tensorsolve(ember.eye(6).reshape(2, 3, 6), ember.ones(2, 3)).shape
    torch.Size([6])
    """
    if dims is not None:
        nd = A.ndim
        moved = [d % nd for d in dims]
        A = A.permute([d for d in range(nd) if d not in moved] + moved)
    shape = tuple(A.shape)
    lead = shape[:B.ndim]
    rest = shape[B.ndim:]
    if lead != tuple(B.shape) or _prod(rest) != _prod(lead):
        raise RuntimeError(f'Expected self to satisfy the requirement prod(self.shape[other.ndim:'
                           f']) == prod(self.shape[:other.ndim]), but got {_prod(rest)} != '
                           f'{_prod(lead)}')
    res = solve(A.reshape(_prod(lead), _prod(rest)), B.reshape(-1)).reshape(rest)
    return res if out is None else _write_out(out, res)


def cond(A, p=None, *, out=None):
    """The condition number of ``A`` in the ``p``-norm (None or 2: the ratio of the largest to
    the smallest singular value; also -2, 1, -1, inf, -inf, 'fro', 'nuc').

    >>> ember.linalg.cond(ember.tensor([[1., 0.], [0., 4.]]))
    tensor(4.)
    """
    _matrix(A, 'linalg.cond')
    if p is None or (not isinstance(p, str) and abs(p) == 2):
        s = svdvals(A)
        big, small = s.narrow(-1, 0, 1).squeeze(-1), s.narrow(-1, -1, 1).squeeze(-1)
        res = small / big if p is not None and p < 0 else big / small
    else:
        _square(A, 'linalg.cond')
        res = matrix_norm(A, p) * matrix_norm(inv(A), p)
    return res if out is None else _write_out(out, res)


def householder_product(A, tau, *, out=None):
    """The first ``n`` columns of ``H_1 ... H_k`` with ``H_i = I - tau_i v_i v_i^T`` and ``v_i``
    the ``i``-th column of ``A`` below the diagonal, with a 1 on it (LAPACK's orgqr).

    >>> ember.linalg.householder_product(ember.eye(2), ember.zeros(2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    a = _float(_matrix(A, 'linalg.householder_product'), 'linalg.householder_product')
    m, n = a.shape[-2:]
    k = tau._data.shape[-1]
    if n > m:
        raise RuntimeError('torch.linalg.householder_product: input.shape[-2] must be greater '
                           'than or equal to input.shape[-1]')
    if k > n:
        raise RuntimeError('torch.linalg.householder_product: input.shape[-1] must be greater '
                           'than or equal to tau.shape[-1]')
    V = A.tril(-1) + _eye(m, n, A)
    Q = _eye(m, m, A).expand(*a.shape[:-2], m, m)
    for i in range(k - 1, -1, -1):
        v = V.narrow(-1, i, 1)
        t = tau.narrow(-1, i, 1).unsqueeze(-1)
        Q = Q - t * matmul(v, matmul(v.mT, Q))
    res = Q.narrow(-1, 0, n)
    return res if out is None else _write_out(out, res)

