"""What the activation modules share: input checks with PyTorch's messages, float32 math
with one rounding, masked gradients and the in-place wrapper.

>>> _float_data(ember.tensor([1, 2]), 'elu_cpu', 'elu')
Traceback (most recent call last):
NotImplementedError: "elu_cpu" not implemented for 'Long'
"""
from ._base import wrap, record, np
from ._elementwise import not_implemented_for, not_a_tensor, apply_inplace, quiet, zeros_for
from .binary import where

_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
WIDEN_LIMIT = 1 << 16


def float_data(input, kernel, op):
    """The array of a floating tensor; PyTorch's NotImplementedError for other dtypes."""
    try:
        x = input._data
    except AttributeError:
        raise not_a_tensor(input, op) from None
    if x.dtype.kind != 'f':
        raise not_implemented_for(kernel, x.dtype)
    return x


_float_data = float_data


def compute(fn, x, *args):
    """``fn(x, *args)`` in float64 for float32 arrays up to WIDEN_LIMIT elements (one
    rounding, as PyTorch's nearly correctly rounded float32 kernels), in float32 for
    float16 (PyTorch's opmath), else in the input dtype; NumPy warnings off."""
    dt = x.dtype
    if dt == _F32 and x.size <= WIDEN_LIMIT:
        return quiet(fn, x.astype(_F64), *args).astype(_F32)
    if dt == _F16:
        return quiet(fn, x.astype(_F32), *args).astype(_F16)
    return quiet(fn, x, *args)


def mask_grad(grad, mask, src=None):
    """``grad`` where ``mask`` (a bool array) else 0: the gradient of a piecewise-linear op.
    Differentiable in ``grad``; tied to ``src`` (the op's saved input or output) with a zero
    derivative, as PyTorch's ``*BackwardBackward`` nodes, so second-order gradients exist."""
    g = grad._data
    res = wrap(np.where(mask, g, g.dtype.type(0)))
    return record(res, 'ThresholdBackwardBackward0', _mask_grad_backward,
                  (grad,) if src is None else (grad, src),
                  ctx=mask)


def _mask_grad_backward(node, grad):
    nxt = node.next
    g = mask_grad(grad, node.ctx) if nxt[0] is not None else None
    if len(nxt) == 1:
        return g
    return g, (zeros_for(node, 1, grad) if nxt[1] is not None else None)


def scale_grad(grad, factor, src=None):
    """``grad * factor`` for a constant array ``factor``; differentiable in ``grad`` and tied to
    ``src`` with a zero derivative (see :func:`mask_grad`)."""
    g = grad._data
    res = wrap(g * factor.astype(g.dtype, copy=False))
    return record(res, 'LeakyReluBackwardBackward0', _scale_grad_backward,
                  (grad,) if src is None else (grad, src),
                  ctx=factor)


def _scale_grad_backward(node, grad):
    nxt = node.next
    g = scale_grad(grad, node.ctx) if nxt[0] is not None else None
    if len(nxt) == 1:
        return g
    return g, (zeros_for(node, 1, grad) if nxt[1] is not None else None)


def where_mask(mask, a, b):
    """``where`` on a bool array (ember op, differentiable in ``a`` and ``b``)."""
    return where(wrap(mask), a, b)


def inplace_of(fn, name, example):
    """``F.xxx_`` / ``Tensor.xxx_``: ``fn`` computed out of place and written into the input
    (PyTorch's errors for a leaf requiring grad; version bump; new grad_fn); ``example`` is
    the docstring's doctest (a ``>>>`` line and its output)."""
    def op_(input, *args, **kwargs):
        try:
            input._data
        except AttributeError:
            raise not_a_tensor(input, name) from None
        return apply_inplace(input, fn, name, *args, **kwargs)
    op_.__name__ = op_.__qualname__ = name
    op_.__doc__ = (f'In-place ``{fn.__name__}``: writes the result into ``input`` and returns '
                   f'it.\n\n    {example}\n    ')
    return op_
