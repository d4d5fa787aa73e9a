"""ember.linalg norms: ``vector_norm``, ``matrix_norm`` and ``norm`` (which picks one of them).
``ember.norm`` / ``Tensor.norm`` (ember/_ops/statistics.py) are computed by these too.

>>> ember.linalg.norm(ember.tensor([[3., 4.]]))
tensor(5.)
"""
import math

import numpy as np

from ._base import wrap, xp_of, norm_dim, norm_dims
from .arith import _write_out
from ._linalg_common import _tname, _matrix, _result
from ._linalg_decomp import svdvals
from .. import _dtype as D
from .._dtype import FLOATING


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
    if a.dtype not in FLOATING:
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
    return _result(wrap(xp.asarray(r, dtype=a.dtype)), out, 'LinalgVectorNormBackward0',
                   _vector_norm_backward, (x,), (x,), ctx=(p, axes, keepdim, a.dtype),
                   save_output=True)


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


def _amax(x, dim, keepdim, largest=True):
    return x.amax(dim, keepdim) if largest else x.amin(dim, keepdim)


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
    if a.dtype not in FLOATING:
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
    return res if out is None else _write_out(out, res)


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
    if isinstance(ord, str) or (ord is not None and (len(dims) == 2 if dims is not None else
                                                     a.ndim == 2)):
        res = matrix_norm(A, ord, dims if dims is not None else (0, 1), keepdim, dtype=dtype)
    else:
        res = vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
    return res if out is None else _write_out(out, res)
