"""Distances between vectors: cosine_similarity, pairwise_distance and pdist.

cosine_similarity and pairwise_distance are compositions of ember operations exactly as
PyTorch writes them (so their gradients of every order come for free); pdist is one operator
(PdistBackward0) over all row pairs ``i < j``.

>>> ember.cosine_similarity(ember.tensor([[1., 0.]]), ember.tensor([[1., 1.]]))
tensor([0.7071])
"""
from ._base import Tensor, wrap, record, xp_of, np, norm_dim
from ._elementwise import not_a_tensor, tname
from ..autograd.grad_mode import no_grad
from .. import _dtype as D
from .._dtype import FLOATING

__all__ = ['cosine_similarity', 'pairwise_distance', 'pdist']
METHODS = {}
FUNCTIONAL = ['cosine_similarity', 'pairwise_distance', 'pdist']

_TORCH_NAME = {'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char',
               'uint8': 'Byte', 'bool': 'Bool'}


def _pair(x1, x2, op):
    if not isinstance(x1, Tensor):
        raise not_a_tensor(x1, op, 'x1')
    if not isinstance(x2, Tensor):
        raise not_a_tensor(x2, op, 'x2', 2)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (broadcasting), each
    norm clamped to at least ``eps``.

    >>> ember.nn.functional.cosine_similarity(ember.tensor([3., 4.]), ember.tensor([3., 4.]),
    ...                                       dim=0)
    tensor(1.)
    """
    from ._linalg_norms import vector_norm
    _pair(x1, x2, 'cosine_similarity')
    common = D.result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(
            'expected common dtype to be floating point, yet common dtype is '
            f'{_TORCH_NAME.get(common.name, common.name)} (convert the inputs with .float())')
    if x1._data.dtype not in FLOATING:
        x1 = x1.to(common)
    if x2._data.dtype not in FLOATING:
        x2 = x2.to(common)
    s1, s2 = tuple(x1.shape), tuple(x2.shape)
    if s1 != s2:
        try:
            shape = np.broadcast_shapes(s1, s2)
        except ValueError:
            from ._elementwise import broadcast_error
            raise broadcast_error('cosine_similarity', x1._data, x2._data) from None
        x1 = x1.expand(shape) if s1 != shape else x1
        x2 = x2.expand(shape) if s2 != shape else x2
    n1 = vector_norm(x1, 2, dim, keepdim=True).clone()
    n2 = vector_norm(x2, 2, dim, keepdim=True).clone()
    with no_grad():
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``p``-norm of ``x1 - x2 + eps`` over the last dim (broadcasting).

    >>> ember.nn.functional.pairwise_distance(ember.tensor([[0., 0.]]), ember.tensor([[3., 4.]]))
    tensor([5.0000])
    """
    from .statistics import norm
    _pair(x1, x2, 'pairwise_distance')
    nd = max(x1.dim(), x2.dim())
    return norm(x1 - x2 + eps, p, nd - 1, keepdim)


def pdist(input, p=2):
    """``p``-norm distances between every pair of rows ``i < j`` of a 2-D input, in the
    order of the upper triangle: ``N * (N - 1) / 2`` values.

    >>> ember.pdist(ember.tensor([[0., 0.], [3., 4.], [6., 8.]]))
    tensor([ 5., 10.,  5.])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor(input, 'pdist')
    x = input._data
    if x.ndim != 2:
        raise RuntimeError(f'pdist only supports 2D tensors, got: {x.ndim}D (pass an (N, M) '
                           'matrix of N row vectors)')
    if x.dtype not in FLOATING:
        raise RuntimeError(f'pdist only supports floating-point dtypes (got '
                           f'{tname(x.dtype)}: use input.float())')
    p = float(p)
    if p < 0:
        raise RuntimeError(f'pdist only supports non-negative p values (got p={p})')
    xp = xp_of(x)
    n = x.shape[0]
    if n <= 1:
        res = wrap(xp.zeros((0,), x.dtype))
    else:
        i, j = np.triu_indices(n, 1)
        if xp is not np:
            i, j = xp.asarray(i), xp.asarray(j)
        if x.shape[1] == 0:
            res = wrap(xp.zeros(i.shape, x.dtype))
        else:
            res = wrap(_row_norms(x[i] - x[j], p, xp))
    return record(res, 'PdistBackward0', _pdist_backward, (input,), (input,), ctx=p,
                  save_output=True)


def _row_norms(d, p, xp):
    a = xp.abs(d)
    if p == 2:
        return xp.sqrt(xp.einsum('ij,ij->i', d, d))
    if p == 1:
        return a.sum(1)
    if p == float('inf'):
        return a.max(1)
    if p == 0:
        return (a != 0).sum(1).astype(d.dtype)
    return (a ** p).sum(1) ** (1.0 / p)


def _pdist_backward(node, grad):
    x, dist = node.saved()
    p = node.ctx
    n = x.shape[0]
    if n <= 1 or x.shape[1] == 0 or p == 0:
        return x * 0
    from .binary import where
    i, j = np.triu_indices(n, 1)
    xp = xp_of(x._data)
    if xp is not np:
        i, j = xp.asarray(i), xp.asarray(j)
    it, jt = wrap(i), wrap(j)
    diff = x.index_select(0, it) - x.index_select(0, jt)
    d = dist.unsqueeze(1)
    g = grad.unsqueeze(1)
    zero = d == 0
    if p == 1:
        c = g * diff.sign()
    elif p == 2:
        c = where(zero, 0., g * diff / where(zero, 1., d))
    elif p == float('inf'):
        c = g * diff.sign() * (diff.abs() == d)
    elif p < 2:
        bad = zero | ((diff == 0) & (p < 1))
        safe_d = where(zero, 1., d)
        safe_a = where(diff == 0, 1., diff.abs())
        c = where(bad, 0., diff.sign() * safe_a.pow(p - 1) * g / safe_d.pow(p - 1))
    else:
        c = where(zero, 0., diff * diff.abs().pow(p - 2) * g / where(zero, 1., d).pow(p - 1))
    out = (x * 0).index_add(0, it, c)
    return out.index_add(0, jt, -c)


del norm_dim
