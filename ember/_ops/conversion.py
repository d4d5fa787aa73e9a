"""Copies and conversions: clone, contiguous, dtype/device casts.

>>> ember.tensor([1, 2]).to(ember.float64).grad_fn is None
True
"""
from ._base import Tensor, wrap, record, STATE, check_inplace, bump_version, np
from .._device import move
from ._elementwise import pass_backward

__all__ = ['clone']


def to_copy(input, device=None, dtype=None):
    """A copy of ``input`` on ``device`` and/or with ``dtype``; what ``Tensor.to``, ``.float()``
    and ``.cuda()`` call. Differentiable, except to a non-float dtype (the result then simply
    does not require grad).

    >>> ember.tensor([1., 2.], requires_grad=True).to(ember.float64).grad_fn
    <ToCopyBackward0 object at ...>
    """
    arr = input._data
    if dtype is not None:
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

    >>> ember.clone(ember.tensor([1., 2.], requires_grad=True))
    tensor([1., 2.], grad_fn=<CloneBackward0>)
    """
    return record(wrap(input._data.copy()), 'CloneBackward0', pass_backward, (input,))


def contiguous(input, memory_format=None):
    """``input`` itself if C-contiguous, else a contiguous copy (CloneBackward0).

    >>> ember.zeros(2, 3).t().contiguous().is_contiguous()
    True
    """
    if input._data.flags.c_contiguous:
        return input
    return clone(input)


METHODS = {'clone': clone, 'contiguous': contiguous}


# ---- in-place overwrites: fill_, zero_, copy_ --------------------------------------------
def _record_overwrite(self, grad_fn, backward, sources):
    """Put ``self``, just overwritten in place from ``sources``, on the graph: a new node whose
    inputs are ``self``'s previous value and the tensors in ``sources``."""
    before = wrap(self._data)
    before.grad_fn, before._rg, before._out_nr = self.grad_fn, self._rg, self._out_nr
    res = record(wrap(self._data), grad_fn, backward, (before,) + sources)
    self.grad_fn, self._rg, self._out_nr = res.grad_fn, True, 0


def _fill_backward(node, grad):
    return (grad * 0,) + ((grad.sum(),) if len(node.next) > 1 else ())


def fill_(self, value):
    """Set every element to ``value`` (a number or a 0-d tensor), in place.

    >>> ember.zeros(2).fill_(3)
    tensor([3., 3.])
    """
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
        if isinstance(value, Tensor):
            _record_overwrite(self, 'FillBackward1', _fill_backward, (value,))
        else:
            _record_overwrite(self, 'FillBackward0', _fill_backward, ())
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

    >>> a = ember.zeros(2); _ = a.copy_(ember.tensor([1, 2])); a
    tensor([1., 2.])
    """
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
        _record_overwrite(self, 'CopyBackwards', _copy_backward, (src,))
    return self


METHODS.update({'fill_': fill_, 'zero_': zero_, 'copy_': copy_})
