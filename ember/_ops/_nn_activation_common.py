"""What the activation modules share: input checks with PyTorch's messages, float32 math
with one rounding, masked gradients and the in-place wrapper.

>>> _float_data(ember.tensor([1, 2]), 'elu_cpu', 'elu')
Traceback (most recent call last):
NotImplementedError: "elu_cpu" not implemented for 'Long'
"""
from ._base import Tensor, wrap, record, xp_of, np
from ._elementwise import not_implemented_for, not_a_tensor, apply_inplace, quiet, zeros_for
from ._elementwise import _ERRSTATE, _IGNORE
from .._dtype import FLOATING

_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
_add_reduce = np.add.reduce
WIDEN_LIMIT = 1 << 16


def float_data(input, kernel, op):
    """The array of a floating tensor; PyTorch's NotImplementedError for other dtypes."""
    try:
        x = input._data
    except AttributeError:
        raise not_a_tensor(input, op) from None
    if x.dtype not in FLOATING:
        raise not_implemented_for(kernel, x.dtype)
    return x


_float_data = float_data


def compute(fn, x, *args):
    """``fn(x, *args)`` with NumPy's warnings off; float16 in float32 (PyTorch's opmath).
    ``fn`` does its arithmetic in the array's dtype, as PyTorch's kernels, and takes its
    transcendentals from :func:`tr`."""
    if x.dtype == _F16:
        return quiet(fn, x.astype(_F32), *args).astype(_F16)
    return quiet(fn, x, *args)


def tr(fn, v):
    """A transcendental ``fn(v)`` rounded once to float32 (computed in float64) for float32
    arrays up to WIDEN_LIMIT elements: PyTorch's float32 kernels are nearly correctly
    rounded, NumPy's are not. Other dtypes (and big arrays) use ``fn`` directly."""
    if v.dtype == _F32 and v.size <= WIDEN_LIMIT:
        return fn(v.astype(_F64)).astype(_F32)
    return fn(v)


# NumPy's ``where`` is slow on large float arrays (~10x an arithmetic pass here), so large
# selections blend arithmetically: ``a * m + b * ~m``, exact for finite values; a non-finite
# result (an inf or nan in the branch not taken) falls back to ``where``.
_BLEND_MIN = 2048


def _xp(a):
    return np if a.__class__ is np.ndarray or isinstance(a, np.generic) else xp_of(a)


def blend(m, a, b):
    """``where(m, a, b)`` for a bool array ``m`` and same-dtype arrays or scalars."""
    if m.__class__ is not np.ndarray or m.size < _BLEND_MIN:
        return _xp(m).where(m, a, b)
    token = _ERRSTATE.set(_IGNORE)
    try:
        r = np.multiply(a, m)
        r += np.multiply(b, ~m)
        if not np.isfinite(_add_reduce(r, None)):
            return np.where(m, a, b)
    finally:
        _ERRSTATE.reset(token)
    return r


def masked(g, m):
    """``g`` where ``m`` else +0 (``g * m``, which is exact and fast, with PyTorch's +0 and
    no nan from 0 * inf)."""
    if g.__class__ is not np.ndarray or m.size < _BLEND_MIN:
        return _xp(g).where(m, g, g.dtype.type(0))
    token = _ERRSTATE.set(_IGNORE)
    try:
        r = np.multiply(g, m)
        r += 0                          # -0.0 -> +0.0, as PyTorch's literal zero
        if not np.isfinite(_add_reduce(r, None)):
            return np.where(m, g, g.dtype.type(0))
    finally:
        _ERRSTATE.reset(token)
    return r


def factor(m, other, dtype):
    """``where(m, 1, other)`` as ``m + ~m * other`` (exact: 1 + 0 and 0 + other)."""
    r = np.multiply(~m, other, dtype=dtype)
    r += m
    return r


def mask_grad(grad, mask, src=None):
    """``grad`` where ``mask`` (a bool array) else 0: the gradient of a piecewise-linear op.
    Differentiable in ``grad``; tied to ``src`` (the op's saved input or output) with a zero
    derivative, as PyTorch's ``*BackwardBackward`` nodes, so second-order gradients exist."""
    res = wrap(masked(grad._data, mask))
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
    """``where(mask, a, b)`` for a bool array ``mask`` and tensors (or a number) ``a``, ``b``:
    an ember op differentiable in both (the :func:`blend` forward)."""
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    like = a if ta else b
    dt = like._data.dtype
    xa = a._data if ta else dt.type(a)
    xb = b._data if tb else dt.type(b)
    shape = np.broadcast_shapes(mask.shape, np.shape(xa), np.shape(xb))
    m = mask if mask.shape == shape else np.broadcast_to(mask, shape)
    res = wrap(blend(m, xa, xb))
    return record(res, 'WhereBackward0', _where_mask_backward, (a, b), ctx=m)


def _where_mask_backward(node, grad):
    nxt, m = node.next, node.ctx
    return (mask_grad(grad, m) if nxt[0] is not None else None,
            mask_grad(grad, ~m) if nxt[1] is not None else None)


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
