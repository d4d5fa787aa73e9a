"""Reductions: sum, mean, ... over all elements or over ``dim`` (int or tuple), ``keepdim``.

>>> ember.tensor([[1., 2.], [3., 4.]]).sum(dim=0)
tensor([4., 6.])
"""
from ._base import Tensor, wrap, record, np, norm_dims, xp_of
from .. import _dtype as D

__all__ = ['sum', 'mean']


def _reduce_args(x, dim):
    """Axes to reduce (None for all) and whether ``dim`` was given."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    return norm_dims(dim, x.ndim) if x.ndim else None


def _sum_dtype(x, dtype):
    if dtype is not None:
        return D.to_dtype(dtype).np
    return np.int64 if x.dtype.kind in 'biu' else None


def expand_reduced(grad, shape, axes, keepdim):
    """Broadcast a reduced gradient back to the input's ``shape``."""
    if axes is not None and not keepdim and len(shape):
        for a in axes:
            grad = grad.unsqueeze(a)
    return grad.expand(shape)


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum of all elements, or over ``dim``. Integer and bool inputs give int64.

    >>> ember.sum(ember.tensor([[1, 2], [3, 4]]), dim=1)
    tensor([3, 7])
    """
    x = input._data
    axes = _reduce_args(x, dim)
    res = wrap(x.sum(axis=axes, keepdims=keepdim and axes is not None,
                     dtype=_sum_dtype(x, dtype)) if x.ndim else
               x.astype(_sum_dtype(x, dtype) or x.dtype, copy=True))
    if keepdim and axes is None and x.ndim and dim is not None:
        res = wrap(res._data.reshape((1,) * x.ndim))
    if out is not None:
        from .arith import _write_out
        return _write_out(out, res)
    if res._data.dtype.kind != 'f':
        return res
    return record(res, 'SumBackward0' if dim is None else 'SumBackward1', _sum_backward,
                  (input,), ctx=(axes, keepdim))


def _sum_backward(node, grad):
    axes, keepdim = node.ctx
    return expand_reduced(grad, node.meta[0][0], axes, keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean (floating inputs only, as PyTorch).

    >>> ember.tensor([1., 2., 3., 4.]).mean()
    tensor(2.5000)
    """
    x = input._data
    if dtype is not None:
        x = x.astype(D.to_dtype(dtype).np)
    elif x.dtype.kind != 'f':
        raise RuntimeError('mean(): could not infer output dtype. Input dtype must be either a '
                           f'floating point or complex dtype. Got: {_type_word(x.dtype)} (use '
                           '.float() first, or pass dtype=torch.float32)')
    axes = _reduce_args(x, dim)
    with np.errstate(invalid='ignore', divide='ignore'):
        r = x.mean(axis=axes, keepdims=keepdim and axes is not None) if x.ndim else x.copy()
    res = wrap(r if r.dtype == x.dtype else r.astype(x.dtype))
    if out is not None:
        from .arith import _write_out
        return _write_out(out, res)
    return record(res, 'MeanBackward0' if dim is None else 'MeanBackward1', _mean_backward,
                  (input,), ctx=(axes, keepdim, x.size // max(res._data.size, 1) if x.size else 0))


def _mean_backward(node, grad):
    axes, keepdim, n = node.ctx
    return expand_reduced(grad, node.meta[0][0], axes, keepdim) / n


def _type_word(np_dtype):
    return {'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte',
            'bool': 'Bool', 'float32': 'Float', 'float64': 'Double', 'float16': 'Half'}.get(
        str(np_dtype), str(np_dtype))


METHODS = {'sum': sum, 'mean': mean}
