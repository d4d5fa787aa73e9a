"""Activations of ``torch.nn.functional``: softmax family, ReLU family, smooth and hard
activations, shrinkage, gating (glu) and ``scaled_dot_product_attention``.

Each op computes its forward with a few NumPy calls and records a backward written with
ember's own ops (so double backward works); grad_fn names are PyTorch's.

>>> ember.softmax(ember.tensor([1., 2., 3.]), dim=0)
tensor([0.0900, 0.2447, 0.6652])
"""
import math
import warnings

from ._base import Tensor, wrap, record, norm_dim, xp_of, STATE, np
from ._elementwise import not_implemented_for, not_a_tensor, quiet
from .pointwise import sigmoid, tanh
from ._nn_activation_relu import (relu, relu_, relu6, hardtanh, hardtanh_, leaky_relu,
                                  leaky_relu_, prelu, rrelu, rrelu_, threshold, threshold_,
                                  elu, elu_, selu, selu_, celu, celu_)
from ._nn_activation_smooth import (gelu, silu, mish, logsigmoid, softplus, softsign,
                                    tanhshrink, hardsigmoid, hardswish, hardshrink, softshrink,
                                    glu)
from .._dtype import FLOATING, HALF_FLOATING

__all__ = ['softmax', 'log_softmax', 'relu_', 'prelu', 'rrelu', 'rrelu_', 'selu', 'selu_',
           'celu', 'celu_', 'threshold', 'threshold_', 'hardshrink']
FUNCTIONAL = ['relu', 'relu_', 'relu6', 'leaky_relu', 'leaky_relu_', 'prelu', 'rrelu', 'rrelu_',
              'elu', 'elu_', 'selu', 'selu_', 'celu', 'celu_', 'gelu', 'silu', 'mish', 'sigmoid',
              'logsigmoid', 'tanh', 'hardtanh', 'hardtanh_', 'hardsigmoid', 'hardswish',
              'hardshrink', 'softshrink', 'tanhshrink', 'softplus', 'softsign', 'threshold',
              'threshold_', 'glu', 'softmax', 'softmin', 'log_softmax', 'gumbel_softmax',
              'scaled_dot_product_attention']
METHODS = {'prelu': prelu, 'hardshrink': hardshrink}

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
    if dim.__class__ is not int and not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{kernel.split('_kernel')[0].replace('_lastdim', '')}(): argument "
                        f"'dim' (position 2) must be int, not {type(dim).__name__}")
    if dtype is not None:
        input = input.to(dtype)
    x = input._data
    if x.dtype not in FLOATING:
        raise not_implemented_for(kernel, x.dtype)
    d = norm_dim(dim, x.ndim)
    return input, x, d


_max_reduce, _add_reduce = np.maximum.reduce, np.add.reduce
_LANES = 16          # float lanes of PyTorch's AVX512 kernels (reduce_all's summation order)


def _exp_shifted(x, d):
    """(x - max(x, d), exp of it, that max); float32 exp in float64 with one rounding (as
    PyTorch's nearly correctly rounded kernels) for small tensors."""
    if x.__class__ is np.ndarray:
        m = _max_reduce(x, d, None, None, True)
        z = x - m
        if z.dtype == _F32 and z.size <= _WIDEN_LIMIT:
            return z, np.exp(z.astype(_F64)).astype(_F32), m
        return z, np.exp(z), m
    xp = xp_of(x)
    m = x.max(axis=d, keepdims=True)
    z = x - m
    return z, xp.exp(z), m


def _row_sum(e, d):
    """Sum over ``d``, in PyTorch's order where that is cheap: along a last dim shorter than
    its 16-lane vectors, left to right (NumPy pairs up from 8 elements on); other dims are
    summed left to right by NumPy as by PyTorch. Longer last dims keep NumPy's (pairwise)
    order: PyTorch's lane order costs several times the sum itself to reproduce."""
    n = e.shape[d]
    if 8 <= n < _LANES and d == e.ndim - 1 and e.__class__ is np.ndarray:
        return np.add.accumulate(e, d)[..., -1:]
    return _add_reduce(e, d, None, None, True)


def _softmax_array(x, d, safe=False):
    if x.size == 0:
        return x.copy()
    if x.ndim == 0:
        return xp_of(x).ones_like(x)
    half = x.dtype if x.dtype.itemsize == 2 else None     # float16/bfloat16: float32 math
    if half is not None:
        x = x.astype(_F32)
    _, e, m = _exp_shifted(x, d)
    s = _row_sum(e, d)
    if d == x.ndim - 1:
        e *= 1 / s             # PyTorch's last-dim kernel multiplies by the reciprocal
    else:
        e /= s
    if safe:                   # _safe_softmax: rows of -inf give 0, not nan
        e[np.broadcast_to(m == -np.inf, e.shape)] = 0
    return e.astype(half) if half is not None else e


def _log_softmax_array(x, d):
    if x.size == 0:
        return x.copy()
    if x.ndim == 0:
        return xp_of(x).zeros_like(x)
    half = x.dtype if x.dtype.itemsize == 2 else None     # float16/bfloat16: float32 math
    if half is not None:
        x = x.astype(_F32)
    z, e, _ = _exp_shifted(x, d)
    s = _row_sum(e, d)
    if s.dtype == _F32 and s.size <= _WIDEN_LIMIT:
        ls = np.log(s.astype(_F64)).astype(_F32)
    else:
        ls = xp_of(s).log(s)
    z -= ls
    return z.astype(half) if half is not None else z


def f_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x) / exp(x).sum(dim)``, computed stably; ``dtype`` casts the input first.

    ``F.softmax(input, dim=None, _stacklevel=3, dtype=None)``; without ``dim`` it picks one
    with PyTorch's deprecation warning.

    >>> ember.softmax(ember.tensor([[0., 1.], [2., 2.]]), dim=1)
    tensor([[0.2689, 0.7311],
            [0.5000, 0.5000]])
    """
    if _stacklevel.__class__ is not int:         # torch.softmax(x, dim, dtype) positional
        dtype, _stacklevel = _stacklevel, 3
    if not isinstance(input, Tensor):
        raise not_a_tensor(input, 'softmax')
    if dim is None:
        dim = _softmax_dim('softmax', input.dim(), _stacklevel)
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
    dt = grad.dtype
    if grad._data.dtype in HALF_FLOATING:             # float32 math, one rounding (PyTorch)
        g32, y32 = grad.float(), y.float()
        return ((g32 - (g32 * y32).sum(d, keepdim=True)) * y32).to(dt)
    return (grad - (grad * y).sum(d, keepdim=True)) * y


def f_log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``log(softmax(input, dim))`` computed stably as ``x - max - log(sum(exp(x - max)))``.

    ``F.log_softmax(input, dim=None, _stacklevel=3, dtype=None)``.

    >>> ember.log_softmax(ember.tensor([0., 0.]), dim=0)
    tensor([-0.6931, -0.6931])
    """
    if _stacklevel.__class__ is not int:
        dtype, _stacklevel = _stacklevel, 3
    if not isinstance(input, Tensor):
        raise not_a_tensor(input, 'log_softmax')
    if dim is None:
        dim = _softmax_dim('log_softmax', input.dim(), _stacklevel)
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
    dt = grad.dtype
    if grad._data.dtype in HALF_FLOATING:             # float32 math, one rounding (PyTorch)
        g32 = grad.float()
        return (g32 - y.float().exp() * g32.sum(d, keepdim=True)).to(dt)
    return grad - y.exp() * grad.sum(d, keepdim=True)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-input, dim)``.

    >>> import ember.nn.functional as F
    >>> F.softmin(ember.tensor([1., 2., 3.]), dim=0)
    tensor([0.6652, 0.2447, 0.0900])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor(input, 'softmin')
    if dim is None:
        dim = _softmax_dim('softmin', input.dim(), _stacklevel)
    return softmax(-input, dim, dtype=dtype)


def softmax(input, dim, dtype=None):
    """``torch.softmax(input, dim, dtype=None)`` and ``Tensor.softmax``: ``dim`` is required.

    >>> ember.tensor([1., 1.]).softmax(0)
    tensor([0.5000, 0.5000])
    """
    return f_softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, dtype=None):
    """``torch.log_softmax(input, dim, dtype=None)`` and ``Tensor.log_softmax``.

    >>> ember.tensor([1., 1.]).log_softmax(0)
    tensor([-0.6931, -0.6931])
    """
    return f_log_softmax(input, dim, dtype=dtype)


f_softmax.__name__ = f_softmax.__qualname__ = 'softmax'
f_log_softmax.__name__ = f_log_softmax.__qualname__ = 'log_softmax'
METHODS.update(softmax=softmax, log_softmax=log_softmax)


def _safe_softmax(input, dim):
    """PyTorch's ``_safe_softmax``: softmax whose rows of only ``-inf`` give 0 (not nan)."""
    x = input._data
    d = norm_dim(dim, x.ndim)
    res = wrap(quiet(_softmax_array, x, d, True))
    if not (input._rg and STATE.enabled):
        return res
    return record(res, 'SafeSoftmaxBackward0', _softmax_backward, (input,), ctx=d,
                  save_output=True)


# ---- gumbel_softmax -------------------------------------------------------------------------
def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """Samples from the Gumbel-softmax distribution: ``softmax((logits + g) / tau)`` with
    Gumbel noise ``g`` (the same numbers as PyTorch after ``manual_seed``); ``hard=True``
    returns one-hot vectors whose gradient is the soft sample's.

    >>> import ember.nn.functional as F
    >>> _ = ember.manual_seed(0)
    >>> F.gumbel_softmax(ember.tensor([1., 2., 3.]), hard=True)
    tensor([0., 0., 1.])
    """
    if eps != 1e-10:
        warnings.warn('`eps` parameter is deprecated and has no effect.', stacklevel=2)
    from .creation import empty_like, zeros_like
    gumbels = -empty_like(logits).exponential_().log()
    gumbels = (logits + gumbels) / tau
    y_soft = softmax(gumbels, dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


# ---- scaled_dot_product_attention ------------------------------------------------------------
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """``softmax(query @ key.T * scale + mask) @ value`` (PyTorch's math path).

    ``attn_mask`` is boolean (True = take part) or additive float; ``is_causal`` masks the
    upper triangle; ``scale`` defaults to ``1/sqrt(query.size(-1))``; ``dropout_p`` drops
    attention weights with PyTorch's random numbers; ``enable_gqa`` repeats key/value heads.

    >>> import ember.nn.functional as F
    >>> q = ember.ones(1, 2, 4)
    >>> F.scaled_dot_product_attention(q, q, ember.tensor([[[1.], [3.]]]))
    tensor([[[2.],
             [2.]]])
    """
    for i, t in enumerate((query, key, value)):
        if not isinstance(t, Tensor):
            raise not_a_tensor(t, 'scaled_dot_product_attention',
                               ('query', 'key', 'value')[i], i + 1)
    from .creation import ones
    e = query.shape[-1]
    sc = scale if scale is not None else 1.0 / math.sqrt(e)
    sf = math.sqrt(abs(sc))
    q = query * (-sf if sc < 0 else sf)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError('_scaled_dot_product_attention: Explicit attn_mask should not be '
                               'set when is_causal=True (pass one or the other)')
        attn_mask = ones(query.shape[-2], key.shape[-2], dtype=bool).tril()
    if attn_mask is not None:
        m = attn_mask._data
        if m.dtype.kind == 'b':
            xp = xp_of(m)
            attn_mask = wrap(xp.where(m, 0.0, -np.inf).astype(query._data.dtype))
        elif m.dtype != query._data.dtype:
            attn_mask = attn_mask.to(query.dtype)
    if enable_gqa:
        key, value = _gqa_expand(query, key, value)
    attn = q.matmul(key.transpose(-2, -1) * sf)
    if attn_mask is not None:
        attn = attn + attn_mask
    attn = _safe_softmax(attn, -1)
    if dropout_p > 0.0:
        from .._distributions import dropout_mask
        from ._random import _gen
        a = attn._data
        noise = dropout_mask(_gen(None), a.shape, dropout_p, a.dtype)
        attn = attn * wrap(xp_of(a).asarray(noise) if a.__class__ is not np.ndarray else noise)
    return attn.matmul(value)


def _gqa_expand(query, key, value):
    hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
    if hq % hk or hq % hv:
        raise RuntimeError('Number of heads in key and value must divide the number of heads in '
                           f'query (query has {hq} heads, key {hk}, value {hv})')
    if hq != hk:
        key = key.repeat_interleave(hq // hk, -3)
    if hq != hv:
        value = value.repeat_interleave(hq // hv, -3)
    return key, value


# F's softmax/log_softmax take an optional dim (and _stacklevel): other functions than torch's
FUNCTIONAL = {name: globals()[name] for name in FUNCTIONAL}
FUNCTIONAL.update(softmax=f_softmax, log_softmax=f_log_softmax)
