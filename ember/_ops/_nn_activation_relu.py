"""The piecewise-linear and exponential-linear activations: relu/relu6/hardtanh, leaky_relu,
prelu, rrelu, threshold, elu/selu/celu (and their in-place forms).

>>> import ember.nn.functional as F
>>> F.leaky_relu(ember.tensor([-1., 2.]), 0.1)
tensor([-0.1000,  2.0000])
"""
from ._base import Tensor, wrap, record, STATE, xp_of, np
from ._elementwise import not_a_tensor, not_implemented_for
from ._nn_activation_common import (float_data, tr, mask_grad, scale_grad,
                                    where_mask, inplace_of, blend, factor)
from .pointwise import (relu as _relu, METHODS as _PW, opmath, opmath_compute,
                        _relu_backward)
from .. import _dtype as D
from .._distributions._common import _u53_draws
from .._dtype import FLOATING, HALF_FLOATING

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


# ---- relu / relu6 / hardtanh ----------------------------------------------------------------
relu_ = _PW['relu_']


def relu(input, inplace=False):
    """``max(input, 0)``; ``inplace=True`` writes into ``input``.

    >>> import ember.nn.functional as F
    >>> F.relu(ember.tensor([-1., 2.]))
    tensor([0., 2.])
    """
    if inplace:
        return relu_(input)
    x = getattr(input, '_data', None)
    if x.__class__ is np.ndarray and x.size >= _ZEROS_MIN and (x.dtype == _F32 or
                                                                x.dtype == _F64):
        y = np.maximum(x, _zeros(x))
        return record(wrap(y), 'ReluBackward0', _relu_node_backward, (input,), save_output=True)
    return _relu(input)


# NumPy's maximum against a scalar has no SIMD loop (~3x slower than against an array). The
# zeros come from one calloc'ed buffer per dtype whose untouched pages all map the kernel's
# single zero page, so reading them stays in cache.
_ZEROS_MIN, _ZEROS_MAX = 1 << 12, 1 << 24
_ZERO_BUFS = {}


def _zeros(x):
    """Read-only zeros shaped like ``x`` (a float ndarray), or the scalar 0 when very large."""
    n = x.size
    if n > _ZEROS_MAX:
        return 0
    buf = _ZERO_BUFS.get(x.dtype)
    if buf is None or buf.size < n:
        buf = np.zeros(max(n, 1 << 16), x.dtype)
        buf.flags.writeable = False
        _ZERO_BUFS[x.dtype] = buf
    return buf[:n].reshape(x.shape)


def _relu_node_backward(node, grad):
    (y,) = node.saved()
    return _relu_backward(grad, None, y)


def _hardtanh_data(input):
    try:
        x = input._data
    except AttributeError:
        raise not_a_tensor(input, 'hardtanh') from None
    if x.dtype.kind == 'b':
        raise RuntimeError('Bool inputs not supported for hardtanh')
    return x


def _hardtanh(input, min_val=-1.0, max_val=1.0):
    x = _hardtanh_data(input)
    t = x.dtype.type
    # astype: NumPy's clip promotes bfloat16 to float32
    res = wrap(xp_of(x).clip(x, t(min_val), t(max_val)).astype(x.dtype, copy=False))
    if not (input._rg and STATE.enabled):
        return res
    return record(res, 'HardtanhBackward0', _hardtanh_backward, (input,), (input,),
                  ctx=(min_val, max_val))


def _hardtanh_backward(node, grad):
    (x,) = node.saved()
    lo, hi = node.ctx
    xd = x._data
    return mask_grad(grad, ~((xd <= lo) | (xd >= hi)), x)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``input`` clamped to ``[min_val, max_val]``.

    >>> import ember.nn.functional as F
    >>> F.hardtanh(ember.tensor([-3., 0.5, 3.]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError('min_val cannot be greater than max_val '
                         f'(got min_val={min_val}, max_val={max_val})')
    if inplace:
        return hardtanh_(input, min_val, max_val)
    return _hardtanh(input, min_val, max_val)


hardtanh_ = inplace_of(_hardtanh, 'hardtanh_',
                       '>>> ember.nn.functional.hardtanh_(ember.tensor([2.]))\n    tensor([1.])')


def relu6(input, inplace=False):
    """``min(max(input, 0), 6)`` (PyTorch computes it as ``hardtanh(input, 0, 6)``).

    >>> import ember.nn.functional as F
    >>> F.relu6(ember.tensor([-1., 3., 9.]))
    tensor([0., 3., 6.])
    """
    if inplace:
        return hardtanh_(input, 0.0, 6.0)
    return _hardtanh(input, 0.0, 6.0)


# ---- leaky_relu -----------------------------------------------------------------------------
def _leaky_relu(input, negative_slope=0.01, _result=False):
    x = float_data(input, 'leaky_relu_cpu', 'leaky_relu')
    res = wrap(_leaky(x, negative_slope))
    if not (input._rg and STATE.enabled):
        return res
    if _result:
        return record(res, 'LeakyReluBackward1', _leaky_relu_backward1, (input,),
                      ctx=negative_slope, save_output=True)
    return record(res, 'LeakyReluBackward0', _leaky_relu_backward, (input,), (input,),
                  ctx=negative_slope)


def _leaky(x, slope):
    """``x`` where positive, else ``slope * x`` (PyTorch's x * slope, in x's dtype)."""
    if x.dtype in HALF_FLOATING:       # PyTorch's opmath: float32, one rounding
        return _leaky(x.astype(_F32), slope).astype(x.dtype)
    s = x.dtype.type(slope)
    if x.__class__ is np.ndarray:
        return x * factor(x > 0, s, x.dtype)
    return xp_of(x).where(x > 0, x, x * s)


def _leaky_grad(grad, src, slope):
    g = grad._data
    if g.dtype in HALF_FLOATING:       # the slope and the product in float32, one rounding
        return scale_grad(grad.float(), factor(src._data > 0, _F32.type(slope), _F32),
                          src).to(g.dtype)
    return scale_grad(grad, factor(src._data > 0, g.dtype.type(slope), g.dtype), src)


def _leaky_relu_backward(node, grad):
    (x,) = node.saved()
    return _leaky_grad(grad, x, node.ctx)


def _leaky_relu_backward1(node, grad):
    (y,) = node.saved()
    if node.ctx < 0:
        raise RuntimeError(
            'In-place leakyReLu backward calculation is triggered with a negative slope which '
            'is not supported. This is caused by calling in-place forward function with a '
            'negative slope, please call out-of-place version instead. File an issue at '
            'https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu '
            'backward calculation with negative slope')
    return _leaky_grad(grad, y, node.ctx)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``input`` where positive, else ``negative_slope * input``.

    >>> import ember.nn.functional as F
    >>> F.leaky_relu(ember.tensor([-2., 3.]))
    tensor([-0.0200,  3.0000])
    """
    if inplace:
        return leaky_relu_(input, negative_slope)
    return _leaky_relu(input, negative_slope)


def _leaky_relu_result(input, negative_slope=0.01):
    return _leaky_relu(input, negative_slope, _result=True)


_leaky_relu_result.__name__ = 'leaky_relu'
leaky_relu_ = inplace_of(_leaky_relu_result, 'leaky_relu_',
                         '>>> ember.nn.functional.leaky_relu_(ember.tensor([-1.]), 0.5)\n'
                         '    tensor([-0.5000])')


# ---- prelu ----------------------------------------------------------------------------------
def prelu(input, weight):
    """``input`` where positive, else ``weight * input``; ``weight`` has one element or one
    per channel (dim 1 of ``input``).

    >>> ember.prelu(ember.tensor([-2., 3.]), ember.tensor([0.25]))
    tensor([-0.5000,  3.0000])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor(input, 'prelu')
    if not isinstance(weight, Tensor):
        raise not_a_tensor(weight, 'prelu', 'weight', 2)
    x, w = input._data, weight._data
    if x.dtype != w.dtype:
        raise RuntimeError(_promote_msg(x.dtype, w.dtype))
    if w.ndim > 1:
        raise RuntimeError('prelu: Expected `weight` to be a scalar or 1D tensor, but got: '
                           f'ndim = {w.ndim}')
    channels = x.shape[1] if x.ndim >= 2 else 1
    if w.size != 1 and w.size != channels:
        raise RuntimeError(
            'Mismatch of parameter numbers and input channel size. Found parameter numbers = '
            f'{w.size} and channel size = {channels}. (PReLU(num_parameters) must equal the '
            f'number of channels, dim 1 of the input of shape {list(x.shape)}, or be 1)')
    if x.dtype not in FLOATING:
        raise not_implemented_for('prelu_cpu', x.dtype)
    wb = _prelu_weight_view(w, x.ndim)
    res = wrap(x * factor(x > 0, wb, x.dtype))
    if not STATE.enabled or not (input._rg or weight._rg):
        return res
    return record(res, 'PreluKernelBackward0', _prelu_backward, (input, weight),
                  (input, weight))


def _promote_msg(a, b):
    from ._elementwise import tname
    return (f'prelu: Type promoting not supported. Got {tname(a)} and {tname(b)} (convert the '
            'weight with .to(input.dtype))')


def _prelu_weight_view(w, ndim):
    """The weight shaped to broadcast over dim 1 of an ``ndim``-d input."""
    if w.size == 1 or ndim < 2:
        return w.reshape(())
    return w.reshape((-1,) + (1,) * (ndim - 2))


def _prelu_backward(node, grad):
    x, w = node.saved()
    xd = x._data
    pos = xd > 0
    nxt = node.next
    gx = gw = None
    wshape = node.meta[1][0]
    wb = w.reshape(_prelu_weight_view(w._data, xd.ndim).shape)
    if nxt[0] is not None:
        gx = where_mask(pos, grad, grad * wb)
    if nxt[1] is not None:
        t = where_mask(pos, 0.0, grad * x)
        if len(wshape) == 0 or w._data.size == 1 or xd.ndim < 2:
            gw = t.sum().reshape(wshape)
        else:
            gw = t.sum([d for d in range(xd.ndim) if d != 1]).reshape(wshape)
    return gx, gw


# ---- rrelu ----------------------------------------------------------------------------------
def _rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None, _result=False):
    try:
        x = input._data
    except AttributeError:
        raise not_a_tensor(input, 'rrelu') from None
    if lower > upper:
        raise RuntimeError('Lower bound should be less than or equal to the upper bound '
                           f'(got lower={lower}, upper={upper})')
    if training:
        if x.dtype not in FLOATING or x.dtype.itemsize == 2:
            raise not_implemented_for('rrelu_with_noise_out_cpu', x.dtype)
        noise = _rrelu_noise(x, lower, upper, generator)
        res = wrap(x * noise)
    else:
        if x.dtype not in FLOATING:
            raise not_implemented_for('leaky_relu_cpu', x.dtype)
        res = wrap(_leaky(x, (lower + upper) / 2))
        noise = None
    if not (input._rg and STATE.enabled):
        return res
    ctx = (noise if training and upper - lower > 1e-6 else None, (lower + upper) / 2)
    if _result:
        return record(res, 'RreluWithNoiseBackward1', _rrelu_backward1, (input,), ctx=ctx,
                      save_output=True)
    return record(res, 'RreluWithNoiseBackward0', _rrelu_backward, (input,), (input,), ctx=ctx)


def _rrelu_noise(x, lower, upper, generator):
    """PyTorch's CPU rrelu_with_noise: one uniform(lower, upper) draw (random64, in double)
    per element <= 0 in C order; 1 elsewhere."""
    from ._random import _gen
    gen = _gen(generator)
    neg = np.asarray(x <= 0).reshape(-1) if x.__class__ is np.ndarray else (x <= 0).get()
    n = int(neg.sum())
    noise = np.ones(neg.shape, dtype=x.dtype)
    if n:
        if x.dtype != _F64:         # PyTorch passes the bounds as float (opmath) to a double draw
            lower, upper = float(np.float32(lower)), float(np.float32(upper))
        u = _u53_draws(gen, n)
        r = u * (float(upper) - float(lower)) + float(lower)
        noise[neg] = r.astype(x.dtype)
    noise = noise.reshape(x.shape)
    if x.__class__ is not np.ndarray:
        noise = xp_of(x).asarray(noise)
    return noise


def _rrelu_backward(node, grad):
    (x,) = node.saved()
    noise, slope = node.ctx
    if noise is not None:
        return scale_grad(grad, noise, x)
    return _leaky_grad(grad, x, slope)


def _rrelu_backward1(node, grad):
    (y,) = node.saved()
    noise, slope = node.ctx
    if noise is not None:
        return scale_grad(grad, noise, y)
    return _leaky_grad(grad, y, slope)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False, generator=None):
    """Randomized leaky ReLU: in training, each negative element gets a slope drawn uniformly
    from ``[lower, upper]`` (the same random numbers as PyTorch after ``manual_seed``); in
    eval the slope is ``(lower + upper) / 2``.

    ``torch.rrelu(input, lower, upper, training, generator)`` and
    ``F.rrelu(input, lower, upper, training, inplace)`` in one function.

    >>> ember.rrelu(ember.tensor([-3., 2.]))
    tensor([-0.6875,  2.0000])
    """
    if inplace is not False and inplace is not True:    # torch.rrelu(..., training, generator)
        inplace, generator = False, inplace
    if inplace:
        return rrelu_(input, lower, upper, training, generator=generator)
    return _rrelu(input, lower, upper, training, generator)


def _rrelu_result(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _rrelu(input, lower, upper, training, generator, _result=True)


_rrelu_result.__name__ = 'rrelu'
rrelu_ = inplace_of(_rrelu_result, 'rrelu_',
                    '>>> ember.rrelu_(ember.tensor([-3., 2.]))\n    tensor([-0.6875,  2.0000])')


# ---- threshold ------------------------------------------------------------------------------
def _threshold(input, threshold, value, _result=False):
    try:
        x = input._data
    except AttributeError:
        raise not_a_tensor(input, 'threshold') from None
    if x.dtype.kind == 'b':
        raise not_implemented_for('threshold_cpu', x.dtype)
    t = x.dtype.type
    res = wrap(blend(x <= t(threshold), t(value), x))
    if not (input._rg and STATE.enabled):
        return res
    # ThresholdBackward1 (threshold_) also masks by the input before the write, as PyTorch
    return record(res, 'ThresholdBackward1' if _result else 'ThresholdBackward0',
                  _threshold_backward, (input,), (input,), ctx=threshold)


def _threshold_backward(node, grad):
    (x,) = node.saved()
    return mask_grad(grad, ~(x._data <= node.ctx), x)


def threshold(input, threshold, value, inplace=False):
    """``value`` where ``input <= threshold``, else ``input``.

    >>> ember.threshold(ember.tensor([0.5, 2.]), 1., -1.)
    tensor([-1.,  2.])
    """
    if inplace:
        return threshold_(input, threshold, value)
    return _threshold(input, threshold, value)


def _threshold_result(input, threshold, value):
    return _threshold(input, threshold, value, _result=True)


_threshold_result.__name__ = 'threshold'
threshold_ = inplace_of(_threshold_result, 'threshold_',
                        '>>> ember.threshold_(ember.tensor([0.5, 2.]), 1., 0.)\n'
                        '    tensor([0., 2.])')


# ---- elu / selu / celu ----------------------------------------------------------------------
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _elu_forward(x, negcoef, poscoef, negiptcoef):
    # x * poscoef where positive, else expm1(x * negiptcoef) * negcoef, in x's dtype: each
    # side is +0 where the other applies, so their sum selects without a (slow) where
    t = x.dtype.type
    r = np.maximum(x, 0) * t(poscoef)
    r += tr(np.expm1, np.minimum(x, 0) * t(negiptcoef)) * t(negcoef)
    return r


def _elu(input, alpha, scale, input_scale, name, kernel_name, grad_name):
    x = float_data(input, 'elu_cpu', kernel_name)
    if x.dtype == _F32 or x.dtype.itemsize == 2:
        f = np.float32
        negcoef = float(f(alpha) * f(scale))
        poscoef, negipt = float(f(scale)), float(f(input_scale))
    else:
        negcoef, poscoef, negipt = alpha * scale, scale, input_scale
    if x.__class__ is np.ndarray:
        res = wrap(opmath_compute(_elu_forward, x, negcoef, poscoef, negipt))
    else:
        xp = xp_of(x)
        res = wrap(xp.where(x > 0, x * poscoef, xp.expm1(x * negipt) * negcoef))
    if not (input._rg and STATE.enabled):
        return res
    ctx = (negcoef, poscoef, negipt)
    if name.startswith('celu'):     # PyTorch's derivative formula uses 1.0 / alpha.toFloat()
        ctx = (negcoef, poscoef, 1.0 / float(np.float32(alpha)))
    if name.endswith('1'):
        return record(res, grad_name, _elu_backward1, (input,), ctx=ctx, save_output=True)
    return record(res, grad_name, _elu_backward, (input,), (input,), ctx=ctx)


def _elu_backward(node, grad):
    (x,) = node.saved()
    return _elu_grad(grad, x, *node.ctx)


@opmath
def _elu_grad(grad, x, negcoef, poscoef, negipt):
    neg = grad * (negipt * negcoef) * (x * negipt).exp()
    return where_mask(x._data > 0, grad * poscoef, neg)


def _elu_backward1(node, grad):
    (y,) = node.saved()
    return _elu_grad1(grad, y, *node.ctx)


@opmath
def _elu_grad1(grad, y, negcoef, poscoef, negipt):
    return where_mask(y._data > 0, grad * poscoef, grad * negipt * (y + negcoef))


def elu(input, alpha=1.0, inplace=False):
    """``input`` where positive, else ``alpha * (exp(input) - 1)``.

    >>> import ember.nn.functional as F
    >>> F.elu(ember.tensor([-1., 2.]))
    tensor([-0.6321,  2.0000])
    """
    if inplace:
        return elu_(input, alpha)
    return _elu(input, alpha, 1.0, 1.0, 'elu', 'elu', 'EluBackward0')


def _elu_result(input, alpha=1.0):
    return _elu(input, alpha, 1.0, 1.0, 'elu1', 'elu', 'EluBackward1')


_elu_result.__name__ = 'elu'
elu_ = inplace_of(_elu_result, 'elu_',
                  '>>> ember.nn.functional.elu_(ember.tensor([-1., 2.]))\n'
                  '    tensor([-0.6321,  2.0000])')


def selu(input, inplace=False):
    """``scale * elu(input, alpha)`` with the self-normalising constants
    ``alpha = 1.6733``, ``scale = 1.0507``.

    >>> ember.selu(ember.tensor([-1., 1.]))
    tensor([-1.1113,  1.0507])
    """
    if inplace:
        return selu_(input)
    return _elu(input, _SELU_ALPHA, _SELU_SCALE, 1.0, 'selu', 'selu', 'EluBackward0')


def _selu_result(input):
    return _elu(input, _SELU_ALPHA, _SELU_SCALE, 1.0, 'selu1', 'selu', 'EluBackward1')


_selu_result.__name__ = 'selu'
selu_ = inplace_of(_selu_result, 'selu_',
                   '>>> ember.selu_(ember.tensor([-1., 1.]))\n    tensor([-1.1113,  1.0507])')


def _celu_check(alpha):
    if alpha == 0:
        raise RuntimeError('ZeroDivisionError: alpha cannot be 0 for CELU')


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    >>> ember.celu(ember.tensor([-1., 2.]), alpha=2.)
    tensor([-0.7869,  2.0000])
    """
    if inplace:
        return celu_(input, alpha)
    _celu_check(alpha)
    return _elu(input, alpha, 1.0, 1.0 / alpha, 'celu', 'celu', 'CeluBackward0')


def _celu_result(input, alpha=1.0):
    _celu_check(alpha)
    return _elu(input, alpha, 1.0, 1.0 / alpha, 'celu1', 'celu', 'CeluBackward1')


_celu_result.__name__ = 'celu'
celu_ = inplace_of(_celu_result, 'celu_',
                   '>>> ember.celu_(ember.tensor([-1., 2.]))\n    tensor([-0.6321,  2.0000])')
