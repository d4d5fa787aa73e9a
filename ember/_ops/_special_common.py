"""What the special-function operator modules share: float promotion and a unary-op factory.

:func:`float_data` gives an op's input as a floating array (integers and bools become the
default float dtype, as in PyTorch); :func:`unary_op` builds ``op(input, *, out=None)`` from an
array kernel and a backward written with ember ops.

>>> erfc_like = unary_op('erfc_like', lambda a: 1.0 - a, 'ErfcLikeBackward0',
...                      lambda g, x, y: -g, doc='1 - x.\\n')
>>> erfc_like(ember.tensor([1, 2]))
tensor([ 0., -1.])
"""
from ._base import wrap, record, default_float, np
from ._elementwise import write_out, quiet, quiet_backward, not_a_tensor
from .._dtype import FLOATING

__all__ = ['float_data', 'same_dtype_arrays', 'unary_op', 'nograd_unary_op']


def float_data(input, op, arg='input', pos=1):
    """``input``'s array, as a floating array; PyTorch's TypeError for a non-tensor."""
    try:
        x = input._data
    except AttributeError:
        raise not_a_tensor(input, op, arg, pos) from None
    return x if x.dtype in FLOATING else x.astype(default_float())


def same_dtype_arrays(xa, xb):
    """``operands``' output with a number operand as a 0-d array of the other's dtype (so a
    float64 kernel rounds back to the tensor's dtype, not NumPy's float64)."""
    if not hasattr(xa, 'dtype'):
        xa = np.asarray(xa, dtype=xb.dtype)
    elif not hasattr(xb, 'dtype'):
        xb = np.asarray(xb, dtype=xa.dtype)
    return xa, xb


def unary_op(name, kernel, grad_name, backward, saves='x', doc=''):
    """Elementwise ``name(input, *, out=None)``: ``kernel`` on the float array, and
    ``backward(grad, x, y)`` (``y`` the output; ``saves='xy'`` keeps it) for the gradient."""
    def op(input, *, out=None):
        res = wrap(quiet(kernel, float_data(input, name)))
        if out is not None:
            return write_out(out, res, (input,), name)
        return record(res, grad_name, _bw, (input,), (input,), save_output=saves == 'xy')

    @quiet_backward
    def _bw(node, grad):
        saved = node.saved()
        return backward(grad, saved[0], saved[1] if len(saved) > 1 else None)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


def nograd_unary_op(name, kernel, doc=''):
    """Elementwise ``name(input, *, out=None)`` that, as in PyTorch, records no gradient."""
    def op(input, *, out=None):
        res = wrap(quiet(kernel, float_data(input, name)))
        if out is not None:
            return write_out(out, res, (), name)
        return res

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op

