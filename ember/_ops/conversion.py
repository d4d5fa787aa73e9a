"""Copies and conversions: clone, contiguous, dtype/device casts.

>>> ember.tensor([1, 2]).to(ember.float64).grad_fn is None
True
"""
from ._base import Tensor, wrap, record, np
from .. import _dtype as D
from .._device import move, CPU

__all__ = ['clone']


def to_copy(input, device=None, dtype=None):
    """A copy of ``input`` on ``device`` and/or with ``dtype`` (differentiable).

    >>> ember.to_copy  # used by Tensor.to / .float() / .cuda()
    """
    arr = input._data
    if dtype is not None:
        if input._rg and not dtype.is_floating_point:
            pass                       # allowed: the result simply does not require grad
        arr = arr.astype(dtype.np)
    if device is not None:
        arr = move(arr, device)
    elif dtype is None:
        arr = arr.copy()
    res = wrap(arr)
    if dtype is not None and not dtype.is_floating_point:
        return res
    return record(res, 'ToCopyBackward0', _to_copy_backward, (input,),
                  ctx=(input.device if device is not None else None))


def _to_copy_backward(node, grad):
    dev = node.ctx
    return grad.to(dev) if dev is not None else grad


def clone(input, *, memory_format=None):
    """A copy with its own memory that stays in the graph.

    >>> b = ember.clone(a)
    """
    return record(wrap(input._data.copy()), 'CloneBackward0', _identity_backward, (input,))


def _identity_backward(node, grad):
    return grad


def contiguous(input, memory_format=None):
    """``input`` itself if C-contiguous, else a contiguous copy (CloneBackward0)."""
    if input._data.flags.c_contiguous:
        return input
    return clone(input)


METHODS = {'clone': clone, 'contiguous': contiguous}
