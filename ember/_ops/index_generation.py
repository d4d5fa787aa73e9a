"""Index tensors and index-derived matrices: tril_indices, triu_indices (coordinates of a
triangle), unravel_index (flat index to coordinates) and vander (Vandermonde matrix).

>>> ember.triu_indices(2, 2)
tensor([[0, 0, 1],
        [0, 1, 1]])
"""
import numpy as np

from ._base import wrap, xp_of
from .. import _dtype as D
from ._elementwise import need_tensor, not_implemented_for
from .creation import _result
from .joining import cat
from .._dtype import FLOATING

__all__ = ['tril_indices', 'triu_indices', 'unravel_index', 'vander']


def _triangle(name, numpy_fn, row, col, offset, dtype, device):
    if row < 0 or col < 0:
        raise RuntimeError(f'{name}: row and col must be non-negative, got row={row}, col={col}')
    dt = D.to_dtype(dtype) if dtype is not None else D.int64
    if dt not in (D.int64, D.int32):
        raise not_implemented_for(name, dt.np)
    rows, cols = numpy_fn(row, offset, col)
    return _result(np.stack([rows, cols]).astype(dt.np).reshape(2, -1), None, device, False)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """Coordinates (a 2 x N tensor) of the lower triangle of a ``row`` x ``col`` matrix,
    including the diagonal shifted by ``offset``.

    >>> ember.tril_indices(3, 3, -1)
    tensor([[1, 2, 2],
            [0, 0, 1]])
    """
    return _triangle('tril_indices', np.tril_indices, row, col, offset, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """Coordinates (a 2 x N tensor) of the upper triangle of a ``row`` x ``col`` matrix,
    including the diagonal shifted by ``offset``.

    >>> ember.triu_indices(2, 3, 1)
    tensor([[0, 0, 1],
            [1, 2, 2]])
    """
    return _triangle('triu_indices', np.triu_indices, row, col, offset, dtype, device)


def unravel_index(indices, shape):
    """The coordinates in a tensor of ``shape`` of each flat (row-major) index, as a tuple
    of int64 tensors of ``indices``' shape.

    >>> ember.unravel_index(ember.tensor([5, 7]), (2, 4))
    (tensor([1, 1]), tensor([1, 3]))
    """
    if not hasattr(indices, '_data'):
        from ._base import as_tensor_arg
        indices = as_tensor_arg(indices)
    x = indices._data
    if x.dtype.kind not in 'iu':
        raise TypeError(f'expected \'indices\' to be integer dtype, but got {indices.dtype}')
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got "
                         f'{tuple(shape)}')
    # like PyTorch, indices wrap around (floor modulo per dim; -1 is the last element)
    xp = xp_of(x)
    flat = x.astype(np.int64)
    coords = []
    for s in reversed(shape):
        coords.append(flat % s if s else flat)
        flat = flat // s if s else flat
    return tuple(wrap(c) for c in reversed(coords))


def vander(x, N=None, increasing=False):
    """Vandermonde matrix of a 1-D ``x``: columns ``x**(N-1), ..., x, 1`` (reversed when
    ``increasing``); integer and bool inputs give int64.

    >>> ember.vander(ember.tensor([1, 2, 3]), N=3)
    tensor([[1, 1, 1],
            [4, 2, 1],
            [9, 3, 1]])
    """
    need_tensor(x, 'vander', 'x', 1)
    if x._data.ndim != 1:
        raise RuntimeError('x must be a one-dimensional tensor.')
    n = x._data.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError('N must be non-negative.')
    if x._data.dtype not in FLOATING:
        x = x.to(D.int64)
    rows = x._data.shape[0]
    ones = wrap(xp_of(x._data).ones((rows, min(n, 1)), x._data.dtype))
    if n > 1:
        res = cat([ones, x.unsqueeze(1).expand(rows, n - 1).cumprod(1)], 1)
    else:
        res = ones
    return res if increasing else res.flip(1)


METHODS = {}
