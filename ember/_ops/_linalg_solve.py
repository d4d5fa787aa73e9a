"""ember.linalg determinants, inverses and solvers: ``det``, ``slogdet`` (and the legacy
``logdet``), ``inv``, ``inv_ex``, ``solve``, ``solve_ex`` and ``matrix_power``. Their backward
formulas all go through the inverse: e.g. ``inv``: ``-A^{-T} G A^{-T}``.

>>> ember.linalg.solve(ember.eye(2) * 2, ember.tensor([2., 4.]))
tensor([1., 2.])
"""
import numpy as np

from ._base import wrap, record, record_multi, xp_of
from .arith import _write_out
from .products import matmul
from ._linalg_common import (_tname, _dtype_help, _broadcast_error, _result, LinAlgError,
                             linalg_slogdet, slogdet_type, linalg_inv_ex, linalg_solve_ex,
                             _square_matrix, _square, _batch_prefix, _first_bad, _infos, _eye)


# ---- determinants -----------------------------------------------------------------------------
def det(A, *, out=None):
    """Determinant of a (batch of) square matrices.

    >>> ember.linalg.det(ember.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    a = _square(A, 'linalg.det')
    xp = xp_of(a)
    return _result(wrap(xp.asarray(xp.linalg.det(a), dtype=a.dtype)), out, 'LinalgDetBackward0',
                   _det_backward, (A,), (A,), save_output=True)


def _det_backward(node, grad):
    A, d = node.saved()
    a = A._data
    xp = xp_of(a)
    sing = xp.asarray(d._data == 0)
    if a.size and sing.any():
        # PyTorch's det(A) A^{-T} is 0 for a singular matrix: invert the identity there instead
        s = wrap(sing[..., None, None].astype(a.dtype))
        A = A * (1 - s) + _eye(a.shape[-1], a.shape[-1], A) * s
    return _inv_t(A) * (grad * d).unsqueeze(-1).unsqueeze(-1)


def _inv_t(A):
    return inv(A).mT


def _slogdet(A, name):
    a = _square(A, 'linalg.slogdet')
    xp = xp_of(a)
    sign, logabs = xp.linalg.slogdet(a)
    outs = (wrap(xp.asarray(sign, dtype=a.dtype)), wrap(xp.asarray(logabs, dtype=a.dtype)))
    record_multi(outs, 'LinalgSlogdetBackward0', _slogdet_backward, (A,), (A,))
    return (linalg_slogdet if name == 'slogdet_linalg' else slogdet_type)(*outs)


def _slogdet_backward(node, g_sign, g_logabs):
    (A,) = node.saved()
    if g_logabs is None:
        return None
    return _inv_t(A) * g_logabs.unsqueeze(-1).unsqueeze(-1)


def slogdet(A, *, out=None):
    """``(sign, logabsdet)`` of the determinant, stable where ``det`` under/overflows.

    >>> ember.linalg.slogdet(ember.eye(2) * 2).logabsdet
    tensor(1.3863)
    """
    return _slogdet(A, 'slogdet_linalg')


def _logdet(A):
    a = _square(A, 'linalg.slogdet')
    xp = xp_of(a)
    sign, logabs = xp.linalg.slogdet(a)
    r = xp.where(sign < 0, xp.nan, logabs).astype(a.dtype)
    return record(wrap(xp.asarray(r)), 'WhereBackward0', _logdet_backward, (A,), (A,),
                  ctx=sign >= 0)


def _logdet_backward(node, grad):
    (A,) = node.saved()
    ok = wrap(xp_of(A._data).asarray(node.ctx, dtype=A._data.dtype))
    return _inv_t(A) * (grad * ok).unsqueeze(-1).unsqueeze(-1)


# ---- inverse and solve ------------------------------------------------------------------------
def _zero_pivot(m):
    """1-based index of the first zero pivot of LU with partial pivoting (0 if none)."""
    a = np.array(m, dtype=np.float64)
    n = a.shape[0]
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if a[p, k] == 0:
            return k + 1
        a[[k, p]] = a[[p, k]]
        a[k + 1:, k:] -= np.outer(a[k + 1:, k] / a[k, k], a[k, k:])
    return 0


def _singular_inv(a, op='linalg.inv'):
    i, k = _first_bad(a, _zero_pivot)
    return LinAlgError(f'{op}: {_batch_prefix(a, i)}The diagonal element {k} is zero, the '
                       'inversion could not be completed because the input matrix is singular.')


def inv(A, *, out=None):
    """Inverse of a (batch of) square matrices; raises ``LinAlgError`` if one is singular.

    >>> ember.linalg.inv(ember.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    a = _square(A, 'linalg.inv')
    xp = xp_of(a)
    try:
        r = xp.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise _singular_inv(a) from None
    return _result(wrap(r), out, 'LinalgInvExBackward0', _inv_backward, (A,), save_output=True)


def _inv_backward(node, grad):
    (ainv,) = node.saved()
    t = ainv.mT
    return -matmul(t, matmul(grad, t))


def inv_ex(A, *, check_errors=False, out=None):
    """``(inverse, info)``: info is 0, or k > 0 when the k-th pivot is zero (singular).

    >>> ember.linalg.inv_ex(ember.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
    a = _square(A, 'linalg.inv_ex')
    xp = xp_of(a)
    try:
        res = inv(A)
        info = xp.zeros(a.shape[:-2], dtype=np.int32)
    except LinAlgError:
        if check_errors:
            raise _singular_inv(a, 'linalg.inv_ex') from None
        info = _infos(a, _zero_pivot)
        with np.errstate(all='ignore'):
            res = wrap(xp.full(a.shape, xp.nan, dtype=a.dtype))
    return linalg_inv_ex(res, wrap(info))


def _is_vector_rhs(a, b):
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


def solve(A, B, *, left=True, out=None):
    """The solution ``X`` of ``A X = B`` (or ``X A = B`` with ``left=False``); ``B`` may be a
    (batch of) vectors.

    >>> ember.linalg.solve(ember.eye(2) * 2, ember.tensor([2., 4.]))
    tensor([1., 2.])
    """
    a = _square(A, 'linalg.solve')
    b = B._data
    if b.dtype != a.dtype:
        raise RuntimeError(f'linalg.solve: Expected A and B to have the same dtype, but found A '
                           f'of type {_tname(a)} and B of type {_tname(b)} instead'
                           + _dtype_help('linalg.solve', a, b))
    vec = _is_vector_rhs(a, b)
    bm = b[..., None] if vec else b
    n = a.shape[-1]
    if bm.ndim < 2 or (bm.shape[-2] if left else bm.shape[-1]) != n:
        shape = (b.shape[-1], 1) if vec else bm.shape[-2:]
        raise RuntimeError(f'linalg.solve: Incompatible shapes of A and B for the equation '
                           f'{"AX = B" if left else "XA = B"} ({n}x{n} and {shape[0]}x{shape[1]})')
    _broadcast_error(a.shape[:-2], bm.shape[:-2])
    xp = xp_of(a)
    try:
        if left:
            x = xp.linalg.solve(a, bm)
        else:
            x = xp.swapaxes(xp.linalg.solve(xp.swapaxes(a, -1, -2), xp.swapaxes(bm, -1, -2)),
                            -1, -2)
    except np.linalg.LinAlgError:
        raise LinAlgError('torch.linalg.solve: The solver failed because the input matrix is '
                          'singular.') from None
    if vec:
        x = x[..., 0]
    return _result(wrap(xp.ascontiguousarray(x)), out, 'LinalgSolveExBackward0', _solve_backward,
                   (A, B), (A,), ctx=(left, vec), save_output=True)


def _solve_backward(node, grad):
    A, X = node.saved()
    left, vec = node.ctx
    if vec:
        grad, X = grad.unsqueeze(-1), X.unsqueeze(-1)
    gB = solve(A.mT, grad, left=left)
    gA = None
    if node.next[0] is not None:
        gA = -matmul(gB, X.mT) if left else -matmul(X.mT, gB)
    if node.next[1] is None:
        gB = None
    elif vec:
        gB = gB.squeeze(-1)
    return gA, gB


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """``(result, info)`` of :func:`solve` (info 0 on success).

    >>> ember.linalg.solve_ex(ember.eye(2), ember.ones(2)).info
    tensor(0, dtype=torch.int32)
    """
    res = solve(A, B, left=left)
    return linalg_solve_ex(res, wrap(xp_of(A._data).zeros(A._data.shape[:-2], dtype=np.int32)))


def matrix_power(A, n, *, out=None):
    """``A`` multiplied by itself ``n`` times; ``n < 0`` uses the inverse, ``n = 0`` the identity.

    >>> ember.linalg.matrix_power(ember.eye(2) * 2, 3)[0, 0]
    tensor(8.)
    """
    a = _square_matrix(A, 'linalg.matrix_power')
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    n = int(n)
    if n == 0:
        xp = xp_of(a)
        res = wrap(xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape).copy())
        res = record(res, 'torch::autograd::CopyBackwards', _zero_grad, (A,))
    elif n == 1:
        res = A.clone()
    elif n == -1:
        res = inv(A)
    else:
        base = inv(A) if n < 0 else A
        n = abs(n)
        if n == 2:
            res = matmul(base, base)
        elif n == 3:
            res = matmul(matmul(base, base), base)
        else:
            z = res = None
            while n > 0:
                bit = n % 2
                n //= 2
                z = base if z is None else matmul(z, z)
                if bit:
                    res = z if res is None else matmul(res, z)
    return res if out is None else _write_out(out, res)


def _zero_grad(node, grad):
    return grad * 0
