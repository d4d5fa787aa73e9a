"""ember.linalg: norms, solvers and decompositions (torch.linalg).

Each function runs one backend LAPACK call (``numpy.linalg``/``cupy.linalg``) and records a
node whose backward is the standard formula written with ember ops (so it is differentiable
again): e.g. ``inv``: ``-A^{-T} G A^{-T}``; ``eigh``: ``V (diag(gL) + skew(V^T gV) / E) V^T``.

>>> A = ember.tensor([[2., 0.], [0., 4.]])
>>> ember.linalg.det(A), ember.linalg.inv(A)[1, 1]
(tensor(8.), tensor(0.2500))
"""
import math

import numpy as np

from . import _dtype as D
from ._ops._base import Tensor, wrap, record, record_multi, STATE, xp_of, norm_dim, norm_dims
from ._ops.arith import _write_out
from ._ops.joining import cat
from ._ops.linalg import (matmul, multi_dot, linalg_cross as cross, _tname, _dtype_help,
                          _broadcast_error, _return_type)

__all__ = ['norm', 'vector_norm', 'matrix_norm', 'det', 'slogdet', 'inv', 'inv_ex', 'solve',
           'solve_ex', 'eigh', 'eigvalsh', 'svd', 'svdvals', 'qr', 'cholesky', 'cholesky_ex',
           'pinv', 'matrix_rank', 'lstsq', 'matrix_power', 'multi_dot', 'cross', 'matmul',
           'vecdot', 'diagonal']


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed (singular matrix, not positive-definite, ...)."""


linalg_eigh = _return_type('linalg_eigh', ('eigenvalues', 'eigenvectors'), __name__)
linalg_svd = _return_type('linalg_svd', ('U', 'S', 'Vh'), __name__)
svd_type = _return_type('svd', ('U', 'S', 'V'), __name__, 'svd_type')
linalg_qr = _return_type('linalg_qr', ('Q', 'R'), __name__)
qr_type = _return_type('qr', ('Q', 'R'), __name__, 'qr_type')
linalg_slogdet = _return_type('linalg_slogdet', ('sign', 'logabsdet'), __name__)
slogdet_type = _return_type('slogdet', ('sign', 'logabsdet'), __name__, 'slogdet_type')
linalg_inv_ex = _return_type('linalg_inv_ex', ('inverse', 'info'), __name__)
linalg_cholesky_ex = _return_type('linalg_cholesky_ex', ('L', 'info'), __name__)
linalg_solve_ex = _return_type('linalg_solve_ex', ('result', 'info'), __name__)
linalg_lstsq = _return_type('linalg_lstsq', ('solution', 'residuals', 'rank',
                                             'singular_values'), __name__)


# ---- argument checks -----------------------------------------------------------------------
def _matrix(A, op):
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}(): argument 'A' (position 1) must be Tensor, not "
                        f'{type(A).__name__}')
    x = A._data
    if x.ndim < 2:
        raise RuntimeError(f'{op}: The input tensor A must have at least 2 dimensions.')
    return x


def _float(x, op):
    if x.dtype.kind != 'f':
        raise RuntimeError(f'{op}: Expected a floating point or complex tensor as input. Got '
                           f'{_tname(x)} (convert with .float())')
    if x.dtype.itemsize < 4:
        raise RuntimeError(f'{op}: Low precision dtypes not supported. Got {_tname(x)} '
                           '(convert with .float())')
    return x


def _square(A, op):
    x = _matrix(A, op)
    if x.shape[-1] != x.shape[-2]:
        raise RuntimeError(f'{op}: A must be batches of square matrices, but they are '
                           f'{x.shape[-2]} by {x.shape[-1]} matrices')
    return _float(x, op)


def _batch_prefix(x, index):
    if x.ndim <= 2:
        return ''
    return f'(Batch element {index}): '


def _first_bad(x, bad):
    """Flat index of the first batch element for which ``bad(matrix)`` holds."""
    flat = x.reshape((-1,) + x.shape[-2:])
    for i in range(flat.shape[0]):
        k = bad(np.asarray(flat[i]))
        if k:
            return i, k
    return 0, 1


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


def _not_pd_order(m):
    """Order of the first leading minor that is not positive-definite (0 if none)."""
    for k in range(1, m.shape[0] + 1):
        try:
            np.linalg.cholesky(m[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return 0


# ---- differentiable helpers used by the backward formulas -------------------------------------
def _eye(n, m, like):
    x = like._data
    return wrap(xp_of(x).eye(n, m, dtype=x.dtype))


def _amax(x, dim, keepdim, largest=True):
    return x.amax(dim, keepdim) if largest else x.amin(dim, keepdim)


# ---- norms ------------------------------------------------------------------------------------
def _ord_str(o):
    return str(int(o)) if float(o).is_integer() else str(o)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The ``ord``-norm of ``x`` as a vector (over ``dim``, or all elements): ``ord`` may be
    any real, ``inf``, ``-inf`` or 0 (the number of non-zeros).

    >>> ember.linalg.vector_norm(ember.tensor([3., -4.]))
    tensor(5.)
    """
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.number)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not "
                        f'{type(ord).__name__}')
    a = x._data
    if a.dtype.kind != 'f':
        raise RuntimeError(f'linalg.vector_norm: Expected a floating point or complex tensor as '
                           f'input. Got {_tname(a)} (convert with .float())')
    if dtype is not None:
        dt = D.to_dtype(dtype)
        if not dt.is_floating_point:
            raise RuntimeError(f'linalg.vector_norm: dtype should be floating point or complex, '
                               f'but got {_tname(np.empty(0, dt.np))}')
        if a.dtype != dt.np:
            if D.promote_types(D._BY_NP[a.dtype], dt) is not dt:
                raise RuntimeError(f'linalg.vector_norm: the dtype of the input '
                                   f'({_tname(a)}) should be convertible without narrowing to '
                                   f'the specified dtype ({_tname(np.empty(0, dt.np))})')
            a = a.astype(dt.np)
    p = float(ord)
    if dim is not None and not isinstance(dim, (int, np.integer)) and len(dim) == 0:
        dim = None
    axes = None if dim is None or a.ndim == 0 else norm_dims(dim, a.ndim)
    if (math.isinf(p) and p > 0) or p < 0:
        if axes is None and a.size == 0:
            raise RuntimeError(f'linalg.vector_norm cannot compute the {_ord_str(p)} norm on an '
                               'empty tensor because the operation does not have an identity')
        for d in axes or ():
            if a.shape[d] == 0:
                raise RuntimeError(f'linalg.vector_norm cannot compute the {_ord_str(p)} norm on '
                                   f'the dimension {d}because this dimension is empty and the '
                                   'operation does not have an identity')
    xp = xp_of(a)
    kd = keepdim
    with np.errstate(divide='ignore', over='ignore', invalid='ignore'):
        if p == 2:
            r = xp.sqrt(xp.sum(a * a, axis=axes, keepdims=kd))
        elif p == 1:
            r = xp.sum(xp.abs(a), axis=axes, keepdims=kd)
        elif p == math.inf:
            r = xp.max(xp.abs(a), axis=axes, keepdims=kd)
        elif p == -math.inf:
            r = xp.min(xp.abs(a), axis=axes, keepdims=kd)
        elif p == 0:
            r = xp.sum(a != 0, axis=axes, keepdims=kd)
        else:
            r = xp.sum(xp.abs(a) ** p, axis=axes, keepdims=kd) ** (1.0 / p)
    res = wrap(xp.asarray(r, dtype=a.dtype))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'LinalgVectorNormBackward0', _vector_norm_backward, (x,), (x,),
                  ctx=(p, axes, keepdim, a.dtype), save_output=True)


def _vector_norm_backward(node, grad):
    x, norm = node.saved()
    p, axes, keepdim, dt = node.ctx
    if x._data.dtype != dt:
        x = x.to(D._BY_NP[dt])
    if p == 0:
        return wrap(xp_of(x._data).zeros(x._data.shape, dtype=dt))
    if not keepdim and x._data.ndim:
        for d in (axes if axes is not None else range(x._data.ndim)):
            grad, norm = grad.unsqueeze(d), norm.unsqueeze(d)
    if p == 1:
        return x.sgn() * grad
    zero = norm == 0
    if p == 2:
        return grad * (x / (norm + zero))           # x is 0 wherever its norm is 0
    if math.isinf(p):
        ax = x.abs()
        mask = (ax == norm).logical_or(ax.isnan())
        count = mask.sum(axes, keepdim=True) if axes is not None else mask.sum()
        return x.sgn() * (grad / count * mask)
    if p < 1:
        ax = x.abs()
        scaled = x.sgn() * (ax + (x == 0)).pow(p - 1)
        return scaled * grad * norm.pow(1 - p)
    scale = grad / (norm + zero).pow(p - 1) * zero.logical_not()
    if p < 2:
        return x.sgn() * x.abs().pow(p - 1) * scale
    return x * x.abs().pow(p - 2) * scale


def _backshift(d0, d1, ndim):
    return [i for i in range(ndim) if i not in (d0, d1)] + [d0, d1]


def matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """A matrix norm over the two dims ``dim``: ``'fro'``, ``'nuc'``, ``inf``, ``-inf``, ``1``,
    ``-1``, ``2`` (largest singular value) or ``-2`` (smallest).

    >>> ember.linalg.matrix_norm(ember.eye(2))
    tensor(1.4142)
    """
    if isinstance(dim, (int, np.integer)):
        raise TypeError('linalg_matrix_norm(): argument \'dim\' must be tuple of ints, not int')
    a = _matrix(A, 'linalg.matrix_norm')
    dim = list(dim)
    if len(dim) != 2:
        raise RuntimeError(f'linalg.matrix_norm: dim must be a 2-tuple. Got '
                           f'{" ".join(str(d) for d in dim)}')
    d0, d1 = norm_dim(dim[0], a.ndim), norm_dim(dim[1], a.ndim)
    if d0 == d1:
        raise RuntimeError(f'linalg.matrix_norm: dims must be different. Got ({dim[0]}, '
                           f'{dim[1]})')
    if a.dtype.kind != 'f':
        raise RuntimeError(f'linalg.matrix_norm: Expected a floating point or complex tensor as '
                           f'input. Got {_tname(a)} (convert with .float())')
    if isinstance(ord, str):
        if ord == 'fro':
            res = vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
        elif ord == 'nuc':
            res = _svd_reduce(A, d0, d1, keepdim, dtype, None)
        else:
            raise RuntimeError(f'linalg.matrix_norm: Order {ord} not supported.')
    else:
        o = float(ord)
        if abs(o) == 2:
            res = _svd_reduce(A, d0, d1, keepdim, dtype, o > 0)
        elif abs(o) in (1, math.inf):
            if abs(o) == math.inf:
                d0, d1 = d1, d0
            if not keepdim and d0 < d1:
                d1 -= 1
            res = _amax(vector_norm(A, 1.0, d0, keepdim, dtype=dtype), d1, keepdim, o > 0)
        else:
            raise RuntimeError(f'linalg.matrix_norm: Order {_ord_str(o)} not supported.')
    if out is not None:
        return _write_out(out, res)
    return res


def _svd_reduce(A, d0, d1, keepdim, dtype, largest):
    """Nuclear norm (``largest is None``) or the largest/smallest singular value."""
    if dtype is not None:
        A = A.to(D.to_dtype(dtype))
    perm = _backshift(d0, d1, A._data.ndim)
    s = svdvals(A.permute(perm))
    if largest is None:
        r = s.sum(-1, keepdim=keepdim)
    else:
        r = _amax(s, -1, keepdim, largest)
    if keepdim:
        inv = [0] * len(perm)
        for i, p in enumerate(perm):
            inv[p] = i
        r = r.unsqueeze(-1).permute(inv)
    return r


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """A vector norm (``dim`` an int, or 1-D input) or matrix norm (``dim`` a pair, or 2-D input
    with ``ord`` given); with ``ord=None`` the 2-norm of all elements.

    >>> ember.linalg.norm(ember.tensor([[3., 4.]]))
    tensor(5.)
    """
    a = A._data
    if dim is not None:
        dims = [dim] if isinstance(dim, (int, np.integer)) else list(dim)
        if len(dims) not in (1, 2):
            raise RuntimeError(f'linalg.norm: If dim is specified, it must be of length 1 or 2. '
                               f'Got {dims}')
    else:
        dims = None
        if ord is not None and a.ndim not in (1, 2):
            raise RuntimeError(f'linalg.norm: If dim is not specified but ord is, the input must '
                               f'be 1D or 2D. Got {a.ndim}D.')
    if isinstance(ord, str):
        res = matrix_norm(A, ord, dims if dims is not None else (0, 1), keepdim, dtype=dtype)
    elif ord is not None and ((dims is not None and len(dims) == 2) or
                              (dims is None and a.ndim == 2)):
        res = matrix_norm(A, ord, dims if dims is not None else (0, 1), keepdim, dtype=dtype)
    else:
        res = vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
    if out is not None:
        return _write_out(out, res)
    return res


def vecdot(x, y, *, dim=-1, out=None):
    """Dot product of vectors along ``dim`` (with broadcasting).

    >>> ember.linalg.vecdot(ember.ones(2, 3), ember.ones(3))
    tensor([3., 3.])
    """
    xa, xb = x._data, y._data
    for t in (xa, xb):
        if t.dtype.kind != 'f':
            raise RuntimeError(f'linalg.vecdot: Expected a floating point or complex tensor as '
                               f'input. Got {_tname(t)}')
    if xa.dtype != xb.dtype:
        raise RuntimeError(f'linalg.vecdot: Expected x and y to have the same dtype, but found x '
                           f'of type {_tname(xa)} and y of type {_tname(xb)} instead'
                           + _dtype_help('linalg.vecdot', xa, xb))
    res = (x * y).sum(dim)
    if out is not None:
        return _write_out(out, res)
    return res


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """``A.diagonal(offset, dim1, dim2)``: the (batched) diagonals of matrices.

    >>> ember.linalg.diagonal(ember.eye(2) * 3)
    tensor([3., 3.])
    """
    return A.diagonal(offset, dim1, dim2)


# ---- determinants -----------------------------------------------------------------------------
def det(A, *, out=None):
    """Determinant of a (batch of) square matrices.

    >>> ember.linalg.det(ember.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    a = _square(A, 'linalg.det')
    xp = xp_of(a)
    res = wrap(xp.asarray(xp.linalg.det(a), dtype=a.dtype))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'LinalgDetBackward0', _det_backward, (A,), (A,), save_output=True)


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
    res = wrap(r)
    if out is not None:
        return _write_out(out, res)
    return record(res, 'LinalgInvExBackward0', _inv_backward, (A,), save_output=True)


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
        flat = a.reshape((-1,) + a.shape[-2:])
        info = xp.asarray([_zero_pivot(np.asarray(m)) for m in flat],
                          dtype=np.int32).reshape(a.shape[:-2])
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
    res = wrap(xp.ascontiguousarray(x))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'LinalgSolveExBackward0', _solve_backward, (A, B), (A,), ctx=(left, vec),
                  save_output=True)


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
    a = _matrix(A, 'linalg.matrix_power')
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f'linalg.matrix_power: A must be batches of square matrices, but they '
                           f'are {a.shape[-2]} by {a.shape[-1]} matrices')
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
    if out is not None:
        return _write_out(out, res)
    return res


def _zero_grad(node, grad):
    return grad * 0


# ---- eigen and singular value decompositions --------------------------------------------------
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
    a = _matrix(A, 'linalg.eigh')
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f'linalg.eigh: A must be batches of square matrices, but they are '
                           f'{a.shape[-2]} by {a.shape[-1]} matrices')
    if a.dtype.kind != 'f' or a.dtype.itemsize < 4:
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
    if out is not None:
        return _write_out(out, res)
    return res


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
    if out is not None:
        return _write_out(out, res)
    return res


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
    res = wrap(r)
    if out is not None:
        return _write_out(out, res)
    return record(res, name, _cholesky_backward, (A,), ctx=upper, save_output=True)


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
        flat = a.reshape((-1,) + a.shape[-2:])
        info = xp.asarray([_not_pd_order(np.asarray(m)) for m in flat],
                          dtype=np.int32).reshape(a.shape[:-2])
        L = wrap(xp.zeros(a.shape, dtype=a.dtype))
    return linalg_cholesky_ex(L, wrap(info))



# ---- pseudo-inverse, rank, least squares --------------------------------------------------------
def _tolerances(a, atol, rtol):
    if atol is None and rtol is None:
        return 0.0, np.finfo(a.dtype).eps * max(a.shape[-2:])
    atol = 0.0 if atol is None else atol
    if rtol is None:
        rtol = np.finfo(a.dtype).eps * max(a.shape[-2:]) if atol <= 0 else 0.0
    return atol, rtol


def _as_array(v, a):
    if isinstance(v, Tensor):
        return v._data[..., None]
    return v


def pinv(A, *, atol=None, rtol=None, hermitian=False, rcond=None, out=None):
    """Moore-Penrose pseudo-inverse via the SVD; singular values below
    ``max(atol, rtol * largest)`` count as zero.

    >>> ember.linalg.pinv(ember.tensor([[2., 0.], [0., 0.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]])
    """
    a = A._data
    if a.ndim < 2 or a.dtype.kind != 'f':
        raise RuntimeError(f'linalg.pinv({_tname(a)}{{{list(a.shape)}}}): expected a tensor with '
                           '2 or more dimensions of float, double, cfloat or cdouble types')
    if rcond is not None:
        atol, rtol = 0.0, rcond
    atol, rtol = _tolerances(a, atol, rtol)
    xp = xp_of(a)
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    smax = s[..., :1] if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
    tol = xp.maximum(_as_array(atol, a), _as_array(rtol, a) * smax)
    with np.errstate(divide='ignore'):
        sinv = xp.where(s > tol, 1 / s, 0).astype(a.dtype)
    r = xp.matmul(xp.swapaxes(vh, -1, -2) * sinv[..., None, :], xp.swapaxes(u, -1, -2))
    res = wrap(r)
    if out is not None:
        return _write_out(out, res)
    return record(res, 'LinalgPinvBackward0', _pinv_backward, (A,), (A,), save_output=True)


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
    if a.dtype.kind != 'f':
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
    smax = s[..., :1] if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
    tolv = xp.maximum(_as_array(atol, a), _as_array(rtol, a) * smax)
    res = wrap(xp.asarray((s > tolv).sum(-1), dtype=np.int64))
    if out is not None:
        return _write_out(out, res)
    return res


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
    eps = np.finfo(a.dtype).eps * max(a.shape[-2:]) if rcond is None else rcond
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    smax = s[..., :1] if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
    keep = s > eps * smax
    with np.errstate(divide='ignore'):
        sinv = xp.where(keep, 1 / s, 0).astype(a.dtype)
    pa = xp.matmul(xp.swapaxes(vh, -1, -2) * sinv[..., None, :], xp.swapaxes(u, -1, -2))
    x = xp.matmul(pa, bm)
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
