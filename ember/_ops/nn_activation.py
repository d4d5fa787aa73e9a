"""Activations of ``torch.nn.functional``: softmax family, ReLU family, smooth and hard
activations, shrinkage, gating (glu) and ``scaled_dot_product_attention``.

Each op computes its forward with a few NumPy calls and records a backward written with
ember's own ops (so double backward works); grad_fn names are PyTorch's.

>>> ember.softmax(ember.tensor([1., 2., 3.]), dim=0)
tensor([0.0900, 0.2447, 0.6652])
"""
import warnings

from ._base import Tensor, wrap, record, norm_dim, xp_of, STATE, np
from ._elementwise import not_implemented_for, quiet
from .. import _dtype as D

__all__ = ['softmax', 'log_softmax']
METHODS = {}
FUNCTIONAL = ['softmax', 'log_softmax', 'softmin']

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_WIDEN_LIMIT = 1 << 16


# ---- softmax / log_softmax / softmin ---------------------------------------------------------
def _softmax_dim(name, ndim, stacklevel):
    """PyTorch's implicit dim choice (deprecated) when F.softmax & co. get no ``dim``."""
    warnings.warn(f'Implicit dimension choice for {name} has been deprecated. Change the call '
                  'to include dim=X as an argument.', UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _sm_input(input, dim, dtype, kernel):
    """(input possibly cast to ``dtype``, its array, the wrapped dim) for the softmax ops."""
    if dtype is not None:
        input = input.to(dtype)
    x = input._data
    if x.dtype.kind != 'f':
        raise not_implemented_for(kernel, x.dtype)
    d = norm_dim(dim, x.ndim)
    return input, x, d


def _exp_shifted(x, d):
    """(x - max(x, d), exp of it) with PyTorch's float32 rounding (exp in float64, one
    rounding) for small tensors."""
    xp = xp_of(x)
    z = x - x.max(axis=d, keepdims=True)
    if z.dtype == _F32 and z.size <= _WIDEN_LIMIT and xp is np:
        e = np.exp(z.astype(_F64)).astype(_F32)
    else:
        e = xp.exp(z)
    return z, e


def _softmax_array(x, d):
    if x.size == 0:
        return x.copy()
    if x.ndim == 0:
        return xp_of(x).ones_like(x)
    half = x.dtype.itemsize == 2
    if half:
        x = x.astype(_F32)
    _, e = _exp_shifted(x, d)
    s = e.sum(axis=d, keepdims=True)
    if d == x.ndim - 1:
        e *= 1 / s             # PyTorch's last-dim kernel multiplies by the reciprocal
    else:
        e /= s
    return e.astype(np.float16) if half else e


def _log_softmax_array(x, d):
    if x.size == 0:
        return x.copy()
    if x.ndim == 0:
        return xp_of(x).zeros_like(x)
    half = x.dtype.itemsize == 2
    if half:
        x = x.astype(_F32)
    z, e = _exp_shifted(x, d)
    s = e.sum(axis=d, keepdims=True)
    if s.dtype == _F32 and s.size <= _WIDEN_LIMIT:
        ls = np.log(s.astype(_F64)).astype(_F32)
    else:
        ls = xp_of(s).log(s)
    z -= ls
    return z.astype(np.float16) if half else z


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x) / exp(x).sum(dim)``, computed stably; ``dtype`` casts the input first.

    ``torch.softmax(input, dim, dtype=None)`` and
    ``F.softmax(input, dim=None, _stacklevel=3, dtype=None)`` in one function.

    >>> ember.softmax(ember.tensor([[0., 1.], [2., 2.]]), dim=1)
    tensor([[0.2689, 0.7311],
            [0.5000, 0.5000]])
    """
    if _stacklevel.__class__ is not int:         # torch.softmax(x, dim, dtype) positional
        dtype, _stacklevel = _stacklevel, 3
    if dim is None:
        dim = _softmax_dim('softmax', input.dim(), _stacklevel + 1)
    input, x, d = _sm_input(input, dim, dtype, 'softmax_lastdim_kernel_impl'
                            if _is_last(input, dim) else 'softmax_kernel_impl')
    res = wrap(quiet(_softmax_array, x, d))
    if not (input._rg and STATE.enabled):
        return res
    return record(res, 'SoftmaxBackward0', _softmax_backward, (input,), ctx=d,
                  save_output=True)


def _is_last(input, dim):
    n = input._data.ndim
    return dim == -1 or dim == n - 1 or n <= 1


def _softmax_backward(node, grad):
    (y,) = node.saved()
    d = node.ctx
    if y._data.ndim == 0:
        return grad * 0.0
    return (grad - (grad * y).sum(d, keepdim=True)) * y


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``log(softmax(input, dim))`` computed stably as ``x - max - log(sum(exp(x - max)))``.

    ``torch.log_softmax(input, dim, dtype=None)`` and
    ``F.log_softmax(input, dim=None, _stacklevel=3, dtype=None)`` in one function.

    >>> ember.log_softmax(ember.tensor([0., 0.]), dim=0)
    tensor([-0.6931, -0.6931])
    """
    if _stacklevel.__class__ is not int:
        dtype, _stacklevel = _stacklevel, 3
    if dim is None:
        dim = _softmax_dim('log_softmax', input.dim(), _stacklevel + 1)
    input, x, d = _sm_input(input, dim, dtype, 'log_softmax_lastdim_kernel_impl'
                            if _is_last(input, dim) else 'log_softmax_kernel_impl')
    res = wrap(quiet(_log_softmax_array, x, d))
    if not (input._rg and STATE.enabled):
        return res
    return record(res, 'LogSoftmaxBackward0', _log_softmax_backward, (input,), ctx=d,
                  save_output=True)


def _log_softmax_backward(node, grad):
    (y,) = node.saved()
    d = node.ctx
    if y._data.ndim == 0:
        return grad * 0.0
    return grad - y.exp() * grad.sum(d, keepdim=True)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-input, dim)``.

    >>> import ember.nn.functional as F
    >>> F.softmin(ember.tensor([1., 2., 3.]), dim=0)
    tensor([0.6652, 0.2447, 0.0900])
    """
    if dim is None:
        dim = _softmax_dim('softmin', input.dim(), _stacklevel + 1)
    return softmax(-input, dim, dtype=dtype)


def _softmax_method(self, dim, dtype=None):
    """``Tensor.softmax(dim, dtype=None)``.

    >>> ember.tensor([1., 1.]).softmax(0)
    tensor([0.5000, 0.5000])
    """
    return softmax(self, dim, dtype=dtype)


def _log_softmax_method(self, dim, dtype=None):
    """``Tensor.log_softmax(dim, dtype=None)``.

    >>> ember.tensor([1., 1.]).log_softmax(0)
    tensor([-0.6931, -0.6931])
    """
    return log_softmax(self, dim, dtype=dtype)


_softmax_method.__name__ = 'softmax'
_log_softmax_method.__name__ = 'log_softmax'
METHODS.update(softmax=_softmax_method, log_softmax=_log_softmax_method)
