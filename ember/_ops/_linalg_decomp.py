"""ember.linalg decompositions: ``eigh``/``eigvalsh``, ``svd``/``svdvals``, ``qr`` and
``cholesky``/``cholesky_ex`` (plus the helpers behind the legacy ``torch.svd``/``qr``/
``cholesky``). Backward formulas are the standard ones, written with ember ops: e.g. ``eigh``:
``V (diag(gL) + skew(V^T gV) / E) V^T``.

>>> ember.linalg.eigh(ember.tensor([[2., 0.], [0., 1.]])).eigenvalues
tensor([1., 2.])
"""
import numpy as np

from ._base import wrap, record_multi, STATE, xp_of
from .arith import _write_out
from .joining import cat
from .products import matmul
from ._linalg_common import (_tname, _result, LinAlgError, linalg_eigh, linalg_svd, svd_type,
                             linalg_qr, qr_type, linalg_cholesky_ex, _matrix, _float,
                             _square_matrix, _square, _batch_prefix, _first_bad, _infos, _eye)
from ._linalg_solve import solve
from .._dtype import FLOATING


# ---- eigenvalues and singular values ------------------------------------------------------------
def eigh(A, UPLO='L', *, out=None):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix, reading only
    the lower (``UPLO='L'``) or upper triangle.

    >>> ember.linalg.eigh(ember.tensor([[2., 0.], [0., 1.]])).eigenvalues
    tensor([1., 2.])
    """
    a = _eigh_input(A, UPLO)
    xp = xp_of(a)
    w, v = xp.linalg.eigh(a, UPLO=UPLO)
    outs = (wrap(w), wrap(v))
    record_multi(outs, 'LinalgEighBackward0', _eigh_backward, (A,), outs)
    return linalg_eigh(*outs)


def _eigh_input(A, UPLO):
    if UPLO not in ('L', 'U'):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    a = _square_matrix(A, 'linalg.eigh')
    if a.dtype not in FLOATING or a.dtype.itemsize < 4:
        raise NotImplementedError(f'"linalg_eigh_cpu" not implemented for \'{_tname(a)}\'')
    return a


def _eigh_backward(node, gL, gV):
    L, V = node.saved()
    if gV is None:
        return matmul(V * gL.unsqueeze(-2), V.mT)
    VgV = matmul(V.mT, gV)
    VgV = (VgV - VgV.mT) * 0.5
    n = L._data.shape[-1]
    E = L.unsqueeze(-2) - L.unsqueeze(-1) + _eye(n, n, L)   # L_j - L_i, 1 on the diagonal
    ret = VgV / E
    if gL is not None:
        ret = ret + gL.diag_embed()
    return matmul(V, matmul(ret, V.mT))


def eigvalsh(A, UPLO='L', *, out=None):
    """Eigenvalues (ascending) of a symmetric matrix.

    >>> ember.linalg.eigvalsh(ember.tensor([[2., 0.], [0., 1.]]))
    tensor([1., 2.])
    """
    a = _eigh_input(A, UPLO)
    if STATE.enabled and A._rg:
        res = eigh(A, UPLO).eigenvalues
    else:
        res = wrap(xp_of(a).linalg.eigvalsh(a, UPLO=UPLO))
    return res if out is None else _write_out(out, res)


def _svd_input(A, op='linalg.svd'):
    return _float(_matrix(A, op), op)


def svd(A, full_matrices=True, *, driver=None, out=None):
    """``A = U diag(S) Vh`` with singular values ``S`` in descending order. The gradient needs
    distinct singular values (and uses only the first min(m, n) columns of U / rows of Vh).

    >>> ember.linalg.svd(ember.eye(2) * 3).S
    tensor([3., 3.])
    """
    a = _svd_input(A)
    if driver is not None:
        raise RuntimeError('torch.linalg.svd: keyword argument `driver=` is only supported on '
                           'CUDA inputs with cuSOLVER backend.')
    xp = xp_of(a)
    u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices)
    outs = (wrap(u), wrap(s), wrap(vh))
    record_multi(outs, 'LinalgSvdBackward0', _svd_backward, (A,), outs, ctx=full_matrices)
    return linalg_svd(*outs)


def _svd_backward(node, gU, gS, gVh):
    U, S, Vh = node.saved()
    k = S._data.shape[-1]
    if node.ctx:                     # full_matrices: only the first k vectors matter
        U, Vh = U.narrow(-1, 0, k), Vh.narrow(-2, 0, k)
        gU = None if gU is None else gU.narrow(-1, 0, k)
        gVh = None if gVh is None else gVh.narrow(-2, 0, k)
    m, n = U._data.shape[-2], Vh._data.shape[-1]
    if gU is None and gVh is None:
        if gS is None:
            return None
        return matmul(U, gS.unsqueeze(-1) * Vh) if m >= n else matmul(U * gS.unsqueeze(-2), Vh)
    S2 = S * S
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + _eye(k, k, S)
    if gU is not None:
        UgU = matmul(U.mT, gU)
        UgU = UgU - UgU.mT
    if gVh is not None:
        VgV = matmul(Vh, gVh.mT)
        VgV = VgV - VgV.mT
    if gU is not None and gVh is not None:
        gA = (UgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VgV) / E
    elif gU is not None:
        gA = UgU * (S.unsqueeze(-2) / E)
    else:
        gA = S.unsqueeze(-1) * VgV / E
    if gS is not None:
        gA = gA + gS.diag_embed()
    if m > n and gU is not None:
        gA = matmul(U, gA)
        gUSinv = gU / S.unsqueeze(-2)
        gA = gA + gUSinv - matmul(U, matmul(U.mT, gUSinv))
        gA = matmul(gA, Vh)
    elif m < n and gVh is not None:
        gA = matmul(gA, Vh)
        SinvgVh = gVh / S.unsqueeze(-1)
        gA = gA + SinvgVh - matmul(matmul(SinvgVh, Vh.mT), Vh)
        gA = matmul(U, gA)
    else:
        gA = matmul(U, matmul(gA, Vh)) if m >= n else matmul(matmul(U, gA), Vh)
    return gA


def svdvals(A, *, driver=None, out=None):
    """Singular values in descending order.

    >>> ember.linalg.svdvals(ember.tensor([[3., 0.], [0., -4.]]))
    tensor([4., 3.])
    """
    a = _svd_input(A)
    if STATE.enabled and A._rg:
        res = svd(A, full_matrices=False).S
    else:
        res = wrap(xp_of(a).linalg.svd(a, compute_uv=False))
    return res if out is None else _write_out(out, res)


def _legacy_svd(A, some=True, compute_uv=True):
    if not compute_uv:
        s = svdvals(A)
        a = A._data
        xp = xp_of(a)
        m, n = a.shape[-2:]
        u = wrap(xp.zeros(a.shape[:-2] + (m, m), dtype=a.dtype))
        v = wrap(xp.zeros(a.shape[:-2] + (n, n), dtype=a.dtype))
        return svd_type(u, s, v)
    U, S, Vh = svd(A, full_matrices=not some)
    return svd_type(U, S, Vh.mT)


def qr(A, mode='reduced', *, out=None):
    """``A = Q R`` with orthonormal ``Q`` and upper-triangular ``R`` (``mode`` 'reduced',
    'complete', or 'r' for R only).

    >>> ember.linalg.qr(ember.eye(2)).R.shape
    torch.Size([2, 2])
    """
    return _qr(A, mode, 'linalg_qr')


def _qr(A, mode, kind):
    if mode not in ('reduced', 'complete', 'r'):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    a = _float(_matrix(A, 'linalg.qr'), 'linalg.qr')
    xp = xp_of(a)
    if mode == 'r':
        r = xp.linalg.qr(a, mode='r')
        outs = (wrap(xp.zeros((0,), dtype=a.dtype)), wrap(r))
    else:
        q, r = xp.linalg.qr(a, mode=mode)
        outs = (wrap(q), wrap(r))
    record_multi(outs, 'LinalgQrBackward0', _qr_backward, (A,), outs, ctx=mode)
    return (linalg_qr if kind == 'linalg_qr' else qr_type)(*outs)


def _copyltu(M):
    """Symmetric matrix from the lower triangle of ``M``."""
    low = M.tril(-1)
    return low + low.mT + M.diagonal(0, -2, -1).diag_embed()


def _qr_square_backward(Q, R, gQ, gR):
    """Gradient for A = QR with m >= n (R square)."""
    M = 0
    if gR is not None:
        M = matmul(R, gR.mT)
    if gQ is not None:
        M = M - matmul(gQ.mT, Q)
    B = matmul(Q, _copyltu(M))
    if gQ is not None:
        B = B + gQ
    return solve(R.mT, B, left=False)           # B R^{-T}


def _qr_backward(node, gQ, gR):
    Q, R = node.saved()
    mode = node.ctx
    if mode == 'r':
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                           "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                           'differentiate through linalg.qr.')
    m, n = Q._data.shape[-2], R._data.shape[-1]
    if mode == 'complete' and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                           'nrows > ncols.')
    if m >= n:
        return _qr_square_backward(Q, R, gQ, gR)
    # m < n: A = Q [X | Y] with X square; Y = Q^T A[:, m:] also depends on Q
    X = R.narrow(-1, 0, m)
    gX = None if gR is None else gR.narrow(-1, 0, m)
    gY = None if gR is None else gR.narrow(-1, m, n - m)
    A2 = matmul(Q, R.narrow(-1, m, n - m))
    if gY is not None:
        extra = matmul(A2, gY.mT)
        gQ = extra if gQ is None else gQ + extra
    gA1 = _qr_square_backward(Q, X, gQ, gX)
    if gY is None:
        shape = gA1._data.shape[:-1] + (n - m,)
        return cat([gA1, wrap(xp_of(gA1._data).zeros(shape, dtype=gA1._data.dtype))], -1)
    return cat([gA1, matmul(Q, gY)], -1)


# ---- Cholesky -----------------------------------------------------------------------------------
def _not_pd_order(m):
    """Order of the first leading minor that is not positive-definite (0 if none)."""
    for k in range(1, m.shape[0] + 1):
        try:
            np.linalg.cholesky(m[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return 0


def _cholesky(A, upper, name, op, out=None):
    a = _square(A, op)
    xp = xp_of(a)
    try:
        low = xp.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        i, k = _first_bad(a, _not_pd_order)
        raise LinAlgError(f'{op}: {_batch_prefix(a, i)}The factorization could not be completed '
                          'because the input is not positive-definite (the leading minor of order '
                          f'{k} is not positive-definite).') from None
    r = xp.ascontiguousarray(xp.swapaxes(low, -1, -2)) if upper else low
    return _result(wrap(r), out, name, _cholesky_backward, (A,), ctx=upper, save_output=True)


def _cholesky_backward(node, grad):
    (L,) = node.saved()
    if node.ctx:
        L, grad = L.mT, grad.mT
    P = matmul(L.mT, grad).tril()
    P = (P + P.tril(-1).mT) * 0.5
    X = solve(L.mT, P)                      # L^{-T} P
    return solve(L, X, left=False)          # L^{-T} P L^{-1}


def cholesky(A, *, upper=False, out=None):
    """Lower-triangular ``L`` with ``A = L L^T`` for a symmetric positive-definite ``A`` (or the
    upper factor with ``upper=True``); raises ``LinAlgError`` if ``A`` is not positive-definite.

    >>> ember.linalg.cholesky(ember.eye(2) * 4)
    tensor([[2., 0.],
            [0., 2.]])
    """
    return _cholesky(A, upper, 'LinalgCholeskyExBackward0', 'linalg.cholesky', out)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """``(L, info)``: info is 0, or the order of the first non-positive-definite leading minor.

    >>> ember.linalg.cholesky_ex(ember.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
    a = _square(A, 'linalg.cholesky_ex')
    xp = xp_of(a)
    try:
        L = cholesky(A, upper=upper)
        info = xp.zeros(a.shape[:-2], dtype=np.int32)
    except LinAlgError:
        if check_errors:
            raise
        info = _infos(a, _not_pd_order)
        L = wrap(xp.zeros(a.shape, dtype=a.dtype))
    return linalg_cholesky_ex(L, wrap(info))
