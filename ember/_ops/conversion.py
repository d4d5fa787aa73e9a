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


def _fill_backward(node, grad):
    return (grad * 0,) + ((grad.sum(),) if len(node.next) > 1 else ())


def fill_(self, value):
    """Set every element to ``value`` (a number or a 0-d tensor), in place.

    >>> ember.zeros(2).fill_(3)
    tensor([3., 3.])
    """
    from ._base import check_inplace, bump_version, STATE
    check_inplace(self, 'fill_')
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f'fill_ only supports 0-dimension value tensor but got tensor '
                               f'with {value._data.ndim} dimensions.')
        v = value._data
    else:
        v = value
    self._data[...] = v
    bump_version(self)
    if STATE.enabled and (self._rg or (isinstance(value, Tensor) and value._rg)):
        inputs = (self, value) if isinstance(value, Tensor) else (self,)
        old = self.grad_fn
        tmp = wrap(self._data)
        tmp.grad_fn, tmp._rg, tmp._out_nr = old, self._rg, self._out_nr
        res = record(wrap(self._data), 'FillBackward0' if len(inputs) == 1 else 'FillBackward1',
                     _fill_backward, (tmp,) + inputs[1:])
        self.grad_fn, self._rg, self._out_nr = res.grad_fn, True, 0
    return self


def zero_(self):
    """Set every element to zero, in place.

    >>> ember.ones(2).zero_()
    tensor([0., 0.])
    """
    return fill_(self, 0)


def _copy_backward(node, grad):
    return grad * 0, grad


def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast, cast to this dtype/device) into this tensor, in place.

    >>> a = ember.zeros(2); a.copy_(ember.tensor([1, 2])); a
    tensor([1., 2.])
    """
    from ._base import check_inplace, bump_version, STATE
    check_inplace(self, 'copy_')
    arr = self._data
    s = src._data if isinstance(src, Tensor) else np.asarray(src)
    if s.__class__ is not arr.__class__:
        s = move(s, self.device)
    try:
        arr[...] = s
    except ValueError:
        raise RuntimeError(f'The size of tensor a ({arr.shape[-1] if arr.ndim else 1}) must match '
                           f'the size of tensor b ({s.shape[-1] if s.ndim else 1}): copy_ from '
                           f'shape {list(s.shape)} into shape {list(arr.shape)}') from None
    bump_version(self)
    if STATE.enabled and (self._rg or (isinstance(src, Tensor) and src._rg)):
        tmp = wrap(arr)
        tmp.grad_fn, tmp._rg, tmp._out_nr = self.grad_fn, self._rg, self._out_nr
        res = record(wrap(arr), 'CopyBackwards', _copy_backward, (tmp, src))
        self.grad_fn, self._rg, self._out_nr = res.grad_fn, True, 0
    return self


METHODS.update({'fill_': fill_, 'zero_': zero_, 'copy_': copy_})
