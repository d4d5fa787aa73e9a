"""ember.linalg LU and triangular solvers: ``lu_factor``/``lu_factor_ex``, ``lu``,
``lu_unpack``, ``lu_solve`` and ``solve_triangular``.

The LU factorisation is LAPACK's getrf (partial pivoting, the first largest pivot, 1-based
int32 pivots, ``info`` = first zero pivot) written as one loop over columns, vectorised over
the batch. Backward formulas are the standard ones, written with ember ops: for a square
``A = P L U``: ``P L^{-T} (tril(L^T gL, -1) + triu(gU U^T)) U^{-T}``.

>>> ember.linalg.lu_factor(ember.tensor([[1., 2.], [3., 4.]])).pivots
tensor([2, 2], dtype=torch.int32)
"""
import numpy as np

from ._base import wrap, record, record_multi, xp_of
from .arith import _write_out
from .joining import cat
from .products import matmul
from ._linalg_common import (_return_type, _tname, _broadcast_error, LinAlgError,
                             _matrix, _float, _batch_prefix, _eye)
from .._dtype import FLOATING

_PUBLIC = 'ember.linalg'
linalg_lu_factor = _return_type('linalg_lu_factor', ('LU', 'pivots'), _PUBLIC)
linalg_lu_factor_ex = _return_type('linalg_lu_factor_ex', ('LU', 'pivots', 'info'), _PUBLIC)
linalg_lu = _return_type('linalg_lu', ('P', 'L', 'U'), _PUBLIC)


# ---- the factorisation ------------------------------------------------------------------------
def _getrf(a):
    """``(lu, pivots, info)`` of a batch of matrices (arrays)."""
    xp = xp_of(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    lu = xp.array(a, dtype=a.dtype).reshape((-1, m, n))
    piv = xp.zeros((lu.shape[0], k), np.int32)
    info = xp.zeros(lu.shape[0], np.int32)
    rows = xp.arange(lu.shape[0])
    for j in range(k):
        p = j + xp.argmax(xp.abs(lu[:, j:, j]), axis=1)
        piv[:, j] = p + 1
        top = lu[rows, j].copy()
        lu[rows, j] = lu[rows, p]
        lu[rows, p] = top
        pivot = lu[:, j, j]
        zero = pivot == 0
        info = xp.where((info == 0) & zero, j + 1, info).astype(np.int32)
        col = lu[:, j + 1:, j] / xp.where(zero, 1, pivot)[:, None]
        lu[:, j + 1:, j] = col
        lu[:, j + 1:, j + 1:] -= col[:, :, None] * lu[:, j, None, j + 1:]
    return lu.reshape(a.shape), piv.reshape(batch + (k,)), info.reshape(batch)


def _lu_input(A, op):
    if hasattr(A, '_data') and A._data.ndim < 2:
        raise RuntimeError(f'torch.lu_factor: Expected tensor with 2 or more dimensions. Got '
                           f'size: {list(A._data.shape)} instead')
    a = _matrix(A, op)
    if a.dtype not in FLOATING or a.dtype.itemsize < 4:
        raise NotImplementedError(f'"lu_cpu" not implemented for \'{_tname(a)}\'')
    return a


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """``(LU, pivots, info)``: the compact LU factorisation of :func:`lu_factor` and, per
    matrix, 0 or the 1-based index of the first zero pivot (a singular ``U``).

    >>> ember.linalg.lu_factor_ex(ember.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
    a = _lu_input(A, 'linalg.lu_factor_ex')
    if not pivot:
        raise RuntimeError('linalg.lu_factor: LU without pivoting is not implemented on the CPU')
    lu, piv, info = _getrf(a)
    if check_errors and info.size and int(info.max()) > 0:
        i = int(np.argmax(np.asarray(info).reshape(-1) > 0))
        raise LinAlgError(f'torch.linalg.lu_factor_ex: {_batch_prefix(a, i)}The factorization '
                          f'could not be completed because the input is singular (zero pivot '
                          f'{int(np.asarray(info).reshape(-1)[i])}).')
    LU = record(wrap(lu), 'LinalgLuFactorExBackward0', _lu_factor_backward, (A,),
                ctx=piv, save_output=True)
    return linalg_lu_factor_ex(LU, wrap(piv), wrap(info))


def lu_factor(A, *, pivot=True, out=None):
    """``(LU, pivots)`` with ``A = P L U``: ``L`` (unit lower) and ``U`` packed in ``LU``,
    ``pivots`` the 1-based row swaps (LAPACK's getrf). Raises for a singular matrix.

    >>> ember.linalg.lu_factor(ember.tensor([[0., 1.], [2., 0.]])).LU
    tensor([[2., 0.],
            [0., 1.]])
    """
    LU, piv, info = lu_factor_ex(A, pivot=pivot)
    if info._data.size and int(info._data.max()) > 0:
        a = A._data
        flat = np.asarray(info._data).reshape(-1)
        i = int(np.argmax(flat > 0))
        k = flat[i]
        raise RuntimeError(f'torch.linalg.lu_factor: {_batch_prefix(a, i)}U[{k},{k}] is zero and '
                           'using it on lu_solve would result in a division by zero. If you '
                           'still want to perform the factorization, consider calling '
                           'linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)')
    return linalg_lu_factor(LU, piv)


def _lu_factor_backward(node, grad):
    (LU,) = node.saved()
    P, L, U = lu_unpack(LU, wrap(node.ctx))
    m, n = LU._data.shape[-2:]
    k = min(m, n)
    return _lu_backward(P, L, U, grad.narrow(-1, 0, k).tril(-1), grad.narrow(-2, 0, k).triu())


def _lu_backward(P, L, U, gL, gU):
    """Gradient of A = P L U (m x n, k = min(m, n)) from those of L (m x k) and U (k x n)."""
    m, n = L._data.shape[-2], U._data.shape[-1]
    k = min(m, n)
    if m <= n:                          # square or wide: U = [U1 | U2]
        U1 = U.narrow(-1, 0, k)
        phi = matmul(L.mT, gL) if gL is not None else None
        if gU is not None:
            term = matmul(gU.triu(), U.mT)
            phi = -term if phi is None else phi - term
        g = solve_triangular(U1.mT, phi.tril(-1), upper=False, left=False)
        if gU is not None:
            g = cat([g + gU.narrow(-1, 0, k).triu(), gU.narrow(-1, k, n - k)], -1)
        g = solve_triangular(L.mT, g, upper=True, unitriangular=True)
        if gU is None and n > k:
            g = cat([g, U.narrow(-1, k, n - k) * 0], -1)
        return matmul(P, g)
    L1 = L.narrow(-2, 0, k)             # tall: L = [L1; L2]
    phi = matmul(gU, U.mT) if gU is not None else None
    if gL is not None:
        term = matmul(L.mT, gL.tril(-1))
        phi = -term if phi is None else phi - term
    g = solve_triangular(L1.mT, phi.triu(), upper=True, unitriangular=True)
    if gL is not None:
        g = cat([g + gL.narrow(-2, 0, k).tril(-1), gL.narrow(-2, k, m - k)], -2)
    g = solve_triangular(U.mT, g, upper=False, left=False)
    if gL is None:
        g = cat([g, L.narrow(-2, k, m - k) * 0], -2)
    return matmul(P, g)


def lu(A, *, pivot=True, out=None):
    """``(P, L, U)`` with ``A = P L U``: a permutation ``P``, unit lower-triangular ``L``
    (m x k) and upper-triangular ``U`` (k x n), k = min(m, n).

    >>> ember.linalg.lu(ember.tensor([[0., 1.], [2., 0.]])).P
    tensor([[0., 1.],
            [1., 0.]])
    """
    a = _lu_input(A, 'linalg.lu')
    if not pivot:
        raise RuntimeError('linalg.lu: LU without pivoting is not implemented on the CPU')
    lu_arr, piv, _ = _getrf(a)
    P, L, U = (t.detach() for t in lu_unpack(wrap(lu_arr), wrap(piv)))
    record_multi((P, L, U), 'LinalgLuBackward0', _linalg_lu_backward, (A,), (P, L, U))
    return linalg_lu(P, L, U)


def _linalg_lu_backward(node, gP, gL, gU):
    P, L, U = node.saved()
    if gL is None and gU is None:
        return None
    return _lu_backward(P, L, U, gL, gU)


# ---- unpacking ----------------------------------------------------------------------------------
def _permutation(piv, m, dtype, xp):
    """The permutation matrices ``P`` (A = P L U) of a batch of LAPACK pivots."""
    p = np.asarray(piv if xp is np else piv.get()).reshape(-1, piv.shape[-1]) - 1
    perm = np.tile(np.arange(m), (p.shape[0], 1))
    rows = np.arange(p.shape[0])
    for j in range(p.shape[1]):
        top = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p[:, j]]
        perm[rows, p[:, j]] = top
    P = np.zeros((p.shape[0], m, m), dtype)
    P[rows[:, None], perm, np.arange(m)] = 1
    return xp.asarray(P.reshape(piv.shape[:-1] + (m, m)))


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``(P, L, U)`` from the packed LU factorisation of :func:`lu_factor` (empty tensors for
    the parts not asked for).

    >>> LU, piv = ember.linalg.lu_factor(ember.tensor([[0., 1.], [2., 0.]]))
    >>> ember.lu_unpack(LU, piv).U
    tensor([[2., 0.],
            [0., 1.]])
    """
    from .linalg_solvers import lu_unpack_type
    a = LU_data._data
    piv = LU_pivots._data
    if piv.dtype != np.int32:
        raise RuntimeError(f'torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of '
                           f'torch.int32 dtype. Note: this function is intended to be used with '
                           f'the output produced by torch.linalg.lu_factor (got {_tname(piv)})')
    xp = xp_of(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    empty = wrap(xp.zeros((0,), a.dtype))
    if unpack_data:
        L = LU_data.narrow(-1, 0, k).tril(-1) + _eye(m, k, LU_data)
        U = LU_data.narrow(-2, 0, k).triu()
    else:
        L = U = empty
    P = wrap(_permutation(piv, m, a.dtype, xp)) if unpack_pivots else empty
    return lu_unpack_type(P, L, U)


# ---- solving ------------------------------------------------------------------------------------
def _substitute(a, b, upper):
    """Forward/back substitution (for singular triangular matrices: inf/nan as LAPACK)."""
    xp = xp_of(a)
    n = a.shape[-1]
    x = xp.zeros(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:], a.dtype)
    order = range(n - 1, -1, -1) if upper else range(n)
    with np.errstate(divide='ignore', invalid='ignore'):
        for i in order:
            acc = b[..., i, :] - xp.einsum('...j,...jk->...k', a[..., i, :], x)
            x[..., i, :] = acc / a[..., i, i, None]
    return x


def _trsolve(a, b, upper, unit):
    """``a^{-1} b`` for (batches of) triangular ``a`` (only its triangle read)."""
    xp = xp_of(a)
    tri = xp.triu(a) if upper else xp.tril(a)
    if unit:
        n = a.shape[-1]
        tri = tri * (1 - xp.eye(n, dtype=a.dtype)) + xp.eye(n, dtype=a.dtype)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    tri = xp.broadcast_to(tri, batch + a.shape[-2:])
    b = xp.broadcast_to(b, batch + b.shape[-2:])
    if b.size == 0 or a.shape[-1] == 0:
        return xp.zeros(b.shape, a.dtype)
    try:
        return xp.linalg.solve(tri, b)
    except np.linalg.LinAlgError:
        return _substitute(tri, b, upper)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``) for a triangular
    ``A``: only its upper (``upper=True``) or lower triangle is read, its diagonal taken as
    ones with ``unitriangular=True``.

    >>> ember.linalg.solve_triangular(ember.tensor([[2., 1.], [0., 4.]]),
    ...                               ember.tensor([[3.], [4.]]), upper=True)
    tensor([[1.],
            [1.]])
    """
    op = 'linalg.solve_triangular'
    a = _float(_matrix(A, op), op)
    b = _matrix(B, op)
    if b.dtype != a.dtype:                   # PyTorch casts B to A's dtype
        B = B.to(A.dtype)
        b = B._data
    n = a.shape[-1]
    if a.shape[-2] != n:
        raise RuntimeError(f'{op}: A must be batches of square matrices, but they are '
                           f'{a.shape[-2]} by {n} matrices')
    if (b.shape[-2] if left else b.shape[-1]) != n:
        raise RuntimeError(f'{op}: Incompatible shapes of A and B for the equation '
                           f'{"AX = B" if left else "XA = B"} ({n}x{n} and '
                           f'{b.shape[-2]}x{b.shape[-1]})')
    _broadcast_error(a.shape[:-2], b.shape[:-2])
    xp = xp_of(a)
    if left:
        x = _trsolve(a, b, upper, unitriangular)
    else:
        x = xp.swapaxes(_trsolve(xp.swapaxes(a, -1, -2), xp.swapaxes(b, -1, -2), not upper,
                                 unitriangular), -1, -2)
    res = wrap(xp.ascontiguousarray(x))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'LinalgSolveTriangularBackward0', _solve_triangular_backward, (A, B),
                  (A,), ctx=(upper, left, unitriangular), save_output=True)


def _solve_triangular_backward(node, grad):
    A, X = node.saved()
    upper, left, unit = node.ctx
    gB = solve_triangular(A.mT, grad, upper=not upper, left=left, unitriangular=unit)
    gA = None
    if node.next[0] is not None:
        gA = -matmul(gB, X.mT) if left else -matmul(X.mT, gB)
        gA = gA.triu(int(unit)) if upper else gA.tril(-int(unit))
    return gA, (gB if node.next[1] is not None else None)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``; ``A^T`` for ``A``
    with ``adjoint=True``) given ``A``'s LU factorisation from :func:`lu_factor`.

    >>> LU, piv = ember.linalg.lu_factor(ember.tensor([[0., 1.], [2., 0.]]))
    >>> ember.linalg.lu_solve(LU, piv, ember.tensor([[1.], [4.]]))
    tensor([[2.],
            [1.]])
    """
    op = 'linalg.lu_solve'
    lu_arr, b = _matrix(LU, op), _matrix(B, op)
    n = lu_arr.shape[-1]
    if lu_arr.shape[-2] != n:
        raise RuntimeError(f'{op}: A must be batches of square matrices, but they are '
                           f'{lu_arr.shape[-2]} by {n} matrices')
    if (b.shape[-2] if left else b.shape[-1]) != n:
        raise RuntimeError(f'{op}: Incompatible shapes of A and B for the equation '
                           f'{"AX = B" if left else "XA = B"} ({n}x{n} and '
                           f'{b.shape[-2]}x{b.shape[-1]})')
    P, L, U = lu_unpack(LU, pivots)
    if left and not adjoint:            # X = U^-1 L^-1 P^T B
        y = solve_triangular(L, matmul(P.mT, B), upper=False, unitriangular=True)
        res = solve_triangular(U, y, upper=True)
    elif left:                          # A^T X = B: X = P L^-T U^-T B
        y = solve_triangular(U.mT, B, upper=False)
        res = matmul(P, solve_triangular(L.mT, y, upper=True, unitriangular=True))
    elif not adjoint:                   # X A = B: X = B U^-1 L^-1 P^T
        y = solve_triangular(U, B, upper=True, left=False)
        res = matmul(solve_triangular(L, y, upper=False, left=False, unitriangular=True), P.mT)
    else:                               # X A^T = B: X = B P L^-T U^-T
        y = solve_triangular(L.mT, matmul(B, P), upper=True, left=False, unitriangular=True)
        res = solve_triangular(U.mT, y, upper=False, left=False)
    return res if out is None else _write_out(out, res)
