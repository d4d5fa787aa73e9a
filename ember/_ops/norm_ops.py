"""Ops built on the vector p-norm: dist (the norm of a difference) and renorm (cap the norm
of each sub-tensor along a dim). Composites of ``linalg.vector_norm`` and elementwise ops, so
they differentiate like PyTorch's formulas, to any order.

>>> ember.dist(ember.tensor([0., 0.]), ember.tensor([3., 4.]))
tensor(5.)
"""
import numbers

from ._base import Tensor, norm_dim
from ._elementwise import apply_inplace, inplace_doc, need_tensor, tname, write_out
from ._linalg_norms import vector_norm
from .binary import where
from .._dtype import FLOATING

__all__ = ['dist', 'renorm']


def dist(input, other, p=2):
    """The ``p``-norm of ``input - other`` (broadcast), as a 0-d tensor.

    >>> ember.dist(ember.tensor([1., 2.]), ember.tensor([2., 4.]), p=1)
    tensor(3.)
    """
    need_tensor(input, 'dist', 'input', 1)
    need_tensor(other, 'dist', 'other', 2)
    diff = input - other
    if diff._data.dtype not in FLOATING:
        raise RuntimeError(f'norm(): input dtype should be either floating point or complex. '
                           f'Got {tname(diff._data.dtype)} instead. (dist: convert the inputs '
                           'with .float())')
    return vector_norm(diff, float(p.item() if isinstance(p, Tensor) else p))


def renorm(input, p, dim, maxnorm, *, out=None):
    """Each sub-tensor ``input.select(dim, i)`` whose ``p``-norm exceeds ``maxnorm`` is scaled
    down to norm ``maxnorm``; the others are unchanged.

    >>> ember.renorm(ember.tensor([[3., 4.], [0.3, 0.4]]), p=2, dim=0, maxnorm=1.)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    need_tensor(input, 'renorm', 'input', 1)
    x = input._data
    if isinstance(maxnorm, Tensor):
        maxnorm = maxnorm.item()
    if isinstance(p, Tensor):
        p = p.item()
    if not isinstance(p, numbers.Real) or p <= 0:
        raise RuntimeError('renorm: non-positive-norm not supported')
    if maxnorm < 0:
        raise RuntimeError(f'renorm: expected maxnorm to be >= 0 but got {maxnorm}')
    if x.ndim <= 1:
        raise RuntimeError(f'renorm: input needs at least 2 dimensions, got {x.ndim} dimensions')
    d = norm_dim(dim, x.ndim)
    others = tuple(i for i in range(x.ndim) if i != d)
    norm = vector_norm(input, p, others, keepdim=True)
    factor = where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    res = input * factor
    if out is not None:
        return write_out(out, res, (input,), 'renorm')
    return res


def renorm_(self, p, dim, maxnorm):
    return apply_inplace(self, renorm, 'renorm_', p, dim, maxnorm)


renorm_.__doc__ = inplace_doc('renorm', 'renorm_')

METHODS = {'dist': dist, 'renorm': renorm, 'renorm_': renorm_}
