"""Diagonals and triangles: diagonal (a view), diag, diagflat, diag_embed, tril and triu.

>>> ember.tensor([[1, 2], [3, 4]]).diagonal()
tensor([1, 4])
"""
import operator

from ._base import wrap, record, np, norm_dim, xp_of
from ._shape_helpers import _as_int, _write_out
from .shape import view_of, reshape

__all__ = ['diagonal', 'diag', 'diagflat', 'diag_embed', 'tril', 'triu']

_index = operator.index


# ------------------------------------------------------------------ diagonals
def _diag_view(arr, offset, d1, d2):
    """A strided view of the ``offset`` diagonal of dims ``d1``, ``d2`` (moved last), writable
    when ``arr`` is (NumPy hands out diagonals read-only by default)."""
    d = arr.diagonal(offset, d1, d2)
    if arr.__class__ is np.ndarray and arr.flags.writeable:
        d.flags.writeable = True
    return d


def _diag_dims(ndim, dim1, dim2):
    a, b = norm_dim(dim1, ndim), norm_dim(dim2, ndim)
    if a == b:
        raise RuntimeError(f'diagonal dimensions cannot be identical {dim1}, {dim2}')
    return a, b


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The ``offset`` diagonal of dims ``dim1``/``dim2``, appended as the last dim (a view).

    >>> ember.tensor([[1, 2], [3, 4]]).diagonal()
    tensor([1, 4])
    """
    x = input._data
    a, b = _diag_dims(x.ndim, dim1, dim2)
    offset = _index(offset)
    return view_of(input, _diag_view(x, offset, a, b), 'DiagonalBackward0', _diagonal_backward,
                   (offset, a, b))


def _diagonal_backward(node, grad):
    offset, a, b = node.ctx
    return _diag_scatter(grad, node.meta[0][0], offset, a, b, 'DiagonalBackwardBackward0')


def _diag_scatter(input, shape, offset, a, b, name):
    """Zeros of ``shape`` with ``input`` written on the ``offset`` diagonal of dims a, b."""
    x = input._data
    out = xp_of(x).zeros(shape, x.dtype)
    _diag_view(out, offset, a, b)[...] = x
    return record(wrap(out), name, _diag_scatter_backward, (input,), ctx=(offset, a, b))


def _diag_scatter_backward(node, grad):
    offset, a, b = node.ctx
    return diagonal(grad, offset, a, b)


def _diag_matrix(vec, k):
    """A square matrix with the 1-d ``vec`` on its ``k``-th diagonal."""
    m = vec._data.shape[0] + abs(k)
    return _diag_scatter(vec, (m, m), k, 0, 1, 'DiagEmbedBackward0')


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Tensors whose ``offset`` diagonals (in dims ``dim1``, ``dim2``) are the last dim of
    ``input``; zeros elsewhere.

    >>> ember.diag_embed(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    x = input._data
    offset = _index(offset)
    a, b = _diag_dims(x.ndim + 1, dim1, dim2)
    m = (x.shape[-1] if x.ndim else 1) + abs(offset)
    shape = list(x.shape[:-1])
    lo, hi = min(a, b), max(a, b)
    shape.insert(lo, m)
    shape.insert(hi, m)
    return _diag_scatter(input, tuple(shape), offset, a, b, 'DiagEmbedBackward0')


def diag(input, diagonal=0, *, out=None):
    """1-d input: a square matrix with it on the ``diagonal``-th diagonal. 2-d input: that
    diagonal as a 1-d copy.

    >>> ember.diag(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    x = input._data
    k = _as_int(diagonal, 'diag', 'diagonal', 2)
    if x.ndim == 1:
        res = _diag_matrix(input, k)
    elif x.ndim == 2:
        res = record(wrap(_diag_view(x, k, 0, 1).copy()), 'DiagonalBackward0_copy',
                     _diagonal_backward, (input,), ctx=(k, 0, 1))
    else:
        raise RuntimeError(f'diag(): Supports 1D or 2D tensors. Got {x.ndim}D')
    if out is not None:
        return _write_out(out, res)
    return res


def diagflat(input, offset=0):
    """A square matrix with the flattened input on the ``offset``-th diagonal.

    >>> ember.diagflat(ember.tensor([[1, 2]]))
    tensor([[1, 0],
            [0, 2]])
    """
    return _diag_matrix(reshape(input, (-1,)), _index(offset))


# ------------------------------------------------------------------ triangles
def _triangle(input, k, lower, op, out):
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f'{op}: input tensor must have at least 2 dimensions')
    k = _as_int(k, op, 'diagonal', 2)
    xp = xp_of(x)
    r, c = x.shape[-2:]
    mask = xp.tri(r, c, k, dtype=bool) if lower else ~xp.tri(r, c, k - 1, dtype=bool)
    res = wrap(xp.where(mask, x, xp.zeros((), x.dtype)))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'TrilBackward0' if lower else 'TriuBackward0', _triangle_backward,
                  (input,), ctx=(k, lower))


def _triangle_backward(node, grad):
    k, lower = node.ctx
    return tril(grad, k) if lower else triu(grad, k)


def tril(input, diagonal=0, *, out=None):
    """The lower triangle (on and below the ``diagonal``-th diagonal) of the last two dims;
    zeros elsewhere.

    >>> ember.tril(ember.ones(2, 2))
    tensor([[1., 0.],
            [1., 1.]])
    """
    return _triangle(input, diagonal, True, 'tril', out)


def triu(input, diagonal=0, *, out=None):
    """The upper triangle (on and above the ``diagonal``-th diagonal) of the last two dims.

    >>> ember.triu(ember.ones(2, 2))
    tensor([[1., 1.],
            [0., 1.]])
    """
    return _triangle(input, diagonal, False, 'triu', out)


def tril_(self, diagonal=0):
    """In-place ``tril``.

    >>> ember.ones(2, 2).tril_()
    tensor([[1., 0.],
            [1., 1.]])
    """
    from .arith import apply_inplace
    return apply_inplace(self, tril, 'tril_', diagonal)


def triu_(self, diagonal=0):
    """In-place ``triu``.

    >>> ember.ones(2, 2).triu_(1)
    tensor([[0., 1.],
            [0., 0.]])
    """
    from .arith import apply_inplace
    return apply_inplace(self, triu, 'triu_', diagonal)


METHODS = {'diagonal': diagonal, 'diag': diag, 'diagflat': diagflat, 'diag_embed': diag_embed,
           'tril': tril, 'triu': triu, 'tril_': tril_, 'triu_': triu_}
