"""Array-level helpers shared by the optimizers: in-place updates on parameters' arrays.

Optimizers work on the backend arrays directly (their step runs under no_grad and needs no
graph), update in place with ``out=``, and bump each parameter's version counter so autograd
still notices a parameter saved for backward that changed.

>>> import numpy as np
>>> p = ember.ones(2); add_scaled_(p._data, np.ones(2, np.float32), -0.5); p
tensor([0.5000, 0.5000])
"""
import numpy as np

from .._ops._base import bump_version
from .._tensor import Tensor

__all__ = ['add_scaled_', 'bump_version', 'check_lr', 'scalar', 'grads_of']


def scalar(x, like):
    """A hyper-parameter as a scalar of ``like``'s dtype (how PyTorch casts ``alpha``)."""
    if isinstance(x, Tensor):
        x = x.item()
    return like.dtype.type(x)


def add_scaled_(target, source, alpha, tmp=None):
    """``target += alpha * source`` in place (``tmp``: optional scratch array)."""
    if alpha == 1:
        np.add(target, source, out=target)
        return target
    tmp = np.multiply(source, scalar(alpha, target), out=tmp)
    np.add(target, tmp, out=target)
    return target


def check_lr(lr):
    """PyTorch's learning-rate checks."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError('Tensor lr must be 1-element')
    if lr < 0.0:
        raise ValueError(f'Invalid learning rate: {lr}')


def grads_of(group):
    """``(param, grad array)`` for the group's parameters that have a gradient."""
    out = []
    for p in group['params']:
        g = p.grad
        if g is not None:
            if g.is_sparse if hasattr(g, 'is_sparse') else False:
                raise RuntimeError('sparse gradients are not supported')
            out.append((p, g._data))
    return out
