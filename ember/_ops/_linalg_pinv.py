"""ember.linalg routines built on a rank-revealing SVD: ``pinv`` (Moore-Penrose
pseudo-inverse), ``matrix_rank`` and ``lstsq``. Singular values at or below a cutoff
(``max(atol, rtol * largest)``) count as zero.

>>> ember.linalg.matrix_rank(ember.tensor([[1., 2.], [2., 4.]]))
tensor(1)
"""
import numpy as np

from ._base import Tensor, wrap, record, xp_of
from .arith import _write_out
from .products import matmul
from ._linalg_common import _tname, _dtype_help, _result, linalg_lstsq, _matrix, _float
from .._dtype import FLOATING


def _eps_rtol(a):
    """The default relative cutoff: machine epsilon times the larger matrix dim."""
    return np.finfo(a.dtype).eps * max(a.shape[-2:])


def _tolerances(a, atol, rtol):
    if atol is None and rtol is None:
        return 0.0, _eps_rtol(a)
    atol = 0.0 if atol is None else atol
    if rtol is None:
        rtol = _eps_rtol(a) if atol <= 0 else 0.0
    return atol, rtol


def _as_array(v, a):
    if isinstance(v, Tensor):
        return v._data[..., None]
    return v


def _largest(s, xp):
    """Each matrix's largest singular value as a trailing dim of size 1 (0 if it has none)."""
    return s[..., :1] if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), dtype=s.dtype)


def _cutoff(s, atol, rtol, a, xp):
    """``max(atol, rtol * largest)``, broadcastable against the singular values ``s``."""
    return xp.maximum(_as_array(atol, a), _as_array(rtol, a) * _largest(s, xp))


def _pinv_arrays(u, s, vh, keep, dtype, xp):
    """``V diag(1 / s) U^T`` from an SVD, with the singular values not in ``keep`` as zero."""
    with np.errstate(divide='ignore'):
        sinv = xp.where(keep, 1 / s, 0).astype(dtype)
    return xp.matmul(xp.swapaxes(vh, -1, -2) * sinv[..., None, :], xp.swapaxes(u, -1, -2))


def pinv(A, *, atol=None, rtol=None, hermitian=False, rcond=None, out=None):
    """Moore-Penrose pseudo-inverse via the SVD; singular values below
    ``max(atol, rtol * largest)`` count as zero.

    >>> ember.linalg.pinv(ember.tensor([[2., 0.], [0., 0.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]])
    """
    a = A._data
    if a.ndim < 2 or a.dtype not in FLOATING:
        raise RuntimeError(f'linalg.pinv({_tname(a)}{{{list(a.shape)}}}): expected a tensor with '
                           '2 or more dimensions of float, double, cfloat or cdouble types')
    if rcond is not None:
        atol, rtol = 0.0, rcond
    atol, rtol = _tolerances(a, atol, rtol)
    xp = xp_of(a)
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    r = _pinv_arrays(u, s, vh, s > _cutoff(s, atol, rtol, a, xp), a.dtype, xp)
    return _result(wrap(r), out, 'LinalgPinvBackward0', _pinv_backward, (A,), (A,),
                   save_output=True)


def _pinv_grad(grad, pinvA, A):
    m, n = A._data.shape[-2:]
    pinvAh = pinvA.mT
    gradh = grad.mT
    if m <= n:
        K = matmul(gradh, pinvA)
        KpinvAh = matmul(K, pinvAh)
        return (-matmul(pinvA, K).mT + KpinvAh - matmul(matmul(A, pinvA), KpinvAh)
                + matmul(matmul(pinvAh, pinvA), gradh - matmul(K, A)))
    K = matmul(pinvA, gradh)
    pinvAhK = matmul(pinvAh, K)
    return (-matmul(K, pinvA).mT + matmul(matmul(gradh - matmul(A, K), pinvA), pinvAh)
            + pinvAhK - matmul(matmul(pinvAhK, pinvA), A))


def _pinv_backward(node, grad):
    A, pinvA = node.saved()
    return _pinv_grad(grad, pinvA, A)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None, out=None):
    """Number of singular values above ``max(atol, rtol * largest)`` (int64).

    >>> ember.linalg.matrix_rank(ember.tensor([[1., 2.], [2., 4.]]))
    tensor(1)
    """
    a = _matrix(A, 'linalg.matrix_rank')
    if a.dtype not in FLOATING:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    atol, rtol = _tolerances(a, atol, rtol)
    xp = xp_of(a)
    if hermitian:
        s = xp.abs(xp.linalg.eigvalsh(a))
        s = -xp.sort(-s, axis=-1)
    else:
        s = xp.linalg.svd(a, compute_uv=False)
    res = wrap(xp.asarray((s > _cutoff(s, atol, rtol, a, xp)).sum(-1), dtype=np.int64))
    return res if out is None else _write_out(out, res)


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B`` as ``(solution, residuals, rank, singular_values)``;
    like PyTorch's default CPU driver ('gelsy'), only ``solution`` and ``rank`` are filled.

    >>> ember.linalg.lstsq(ember.tensor([[2.], [0.]]), ember.tensor([[4.], [1.]])).solution
    tensor([[2.]])
    """
    a = _float(_matrix(A, 'torch.linalg.lstsq'), 'torch.linalg.lstsq')
    b = B._data
    if b.dtype != a.dtype:
        raise RuntimeError(f'torch.linalg.lstsq: Expected input and other to have the same '
                           f'dtype, but got input\'s dtype {_tname(a)} and other\'s dtype '
                           f'{_tname(b)}' + _dtype_help('linalg.lstsq', a, b))
    vec = b.ndim == a.ndim - 1
    bm = b[..., None] if vec else b
    if bm.shape[-2] != a.shape[-2]:
        raise RuntimeError(f'torch.linalg.lstsq: input.size(-2) should match other.size(-2). '
                           f'Got {a.shape[-2]} and {bm.shape[-2]}')
    xp = xp_of(a)
    eps = _eps_rtol(a) if rcond is None else rcond
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    keep = s > eps * _largest(s, xp)
    x = xp.matmul(_pinv_arrays(u, s, vh, keep, a.dtype, xp), bm)
    if vec:
        x = x[..., 0]
    sol = wrap(xp.ascontiguousarray(x))
    record(sol, 'LinalgLstsqBackward0', _lstsq_backward, (A, B), (A, B), ctx=vec)
    rank = wrap(xp.asarray(keep.sum(-1), dtype=np.int64))
    empty = wrap(xp.zeros((0,), dtype=a.dtype))
    return linalg_lstsq(sol, empty, rank, wrap(xp.zeros((0,), dtype=a.dtype)))


def _lstsq_backward(node, grad):
    A, B = node.saved()
    if node.ctx:
        grad, B = grad.unsqueeze(-1), B.unsqueeze(-1)
    pinvA = pinv(A)
    gA = gB = None
    if node.next[0] is not None:
        gA = _pinv_grad(matmul(grad, B.mT), pinvA, A)
    if node.next[1] is not None:
        gB = matmul(pinvA.mT, grad)
        if node.ctx:
            gB = gB.squeeze(-1)
    return gA, gB
