"""Normalization layers as functions: batch_norm, instance_norm, layer_norm, group_norm,
rms_norm, local_response_norm and normalize.

batch/layer/group norm are single operators (NativeBatchNormBackward0, ...): the forward is a
few NumPy calls and the first-order backward a few more. When the backward itself is recorded
(``create_graph=True``) the same gradient is computed with ember operations, statistics
included, so higher-order gradients work. instance_norm, rms_norm, local_response_norm and
normalize are compositions of ember operations, as in PyTorch.

float32 batch_norm follows PyTorch's CPU kernel bit for bit on inputs up to 65536 elements:
statistics summed in double, ``x * alpha + beta`` with one rounding (a fused multiply-add),
running statistics blended in float32 as PyTorch does (the variance blend fused). Layer and
group norm agree with PyTorch to the last bit or two (PyTorch's Welford moments are not
reproduced).

>>> x = ember.tensor([[1., 2.], [3., 6.]])
>>> ember.nn.functional.batch_norm(x, None, None, training=True)
tensor([[-1.0000, -1.0000],
        [ 1.0000,  1.0000]])
"""
import inspect
import numbers

from ._base import Tensor, wrap, record, STATE, xp_of, np, bump_version
from ._elementwise import not_implemented_for, tname, quieted, quiet_backward
from ..autograd.grad_mode import no_grad
from .._dtype import FLOATING, HALF_FLOATING

__all__ = ['batch_norm', 'native_batch_norm', 'instance_norm', 'layer_norm',
           'native_layer_norm', 'group_norm', 'native_group_norm', 'rms_norm']
METHODS = {}
FUNCTIONAL = ['batch_norm', 'instance_norm', 'layer_norm', 'group_norm', 'rms_norm',
              'local_response_norm', 'normalize']

_F32 = np.dtype(np.float32)
# float32 tensors up to this size get PyTorch's exact arithmetic (double accumulation, fused
# multiply-add emulated in double); bigger ones use plain float32 NumPy (last-bit differences)
_EXACT_LIMIT = 1 << 16


# ---------------------------------------------------------------- shared helpers
def _float_input(input, kernel):
    if not isinstance(input, Tensor):
        raise TypeError(f"{kernel}(): argument 'input' (position 1) must be Tensor, not "
                        f'{type(input).__name__}')
    x = input._data
    if x.dtype not in FLOATING:
        raise not_implemented_for(kernel, x.dtype)
    return x


def _same_dtype(x, params, kernel):
    for p in params:
        if p is not None and p._data.dtype != x.dtype:
            raise RuntimeError(
                'mixed dtype (CPU): all inputs must share same datatype. '
                f'({kernel}: the input is {tname(x.dtype)} but a weight, bias or running '
                f'statistic is {tname(p._data.dtype)}; convert them with .to(input.dtype), '
                'or the model with .float()/.double())')


def _fma(a, b, c):
    """``a * b + c`` rounded once (PyTorch's kernels fuse it); float32 via double."""
    if a.dtype == _F32:
        r = xp_of(a).multiply(a, b, dtype=np.float64)
        r += c
        return r.astype(np.float32)
    return a * b + c


def _rest(shape, start=2):
    """The product of ``shape[start:]`` (explicit, so empty tensors reshape too)."""
    n = 1
    for v in shape[start:]:
        n *= v
    return n


def _rsum(a, axis, keepdims=False):
    """Sum over ``axis`` (ufunc.reduce directly for NumPy: no Python wrapper)."""
    if a.__class__ is np.ndarray:
        return np.add.reduce(a, axis, None, None, keepdims)
    return a.sum(axis, keepdims=keepdims)


def _exact(x):
    return x.dtype == _F32 and x.size <= _EXACT_LIMIT and x.__class__ is np.ndarray


def _graph_input_grad(gw, x, dims, eps):
    """d(normalized x)/dx applied to ``gw`` with ember ops (differentiable: used when the
    backward is itself recorded). ``dims`` are the statistics' dims; returns (dx, xhat)."""
    mean = x.mean(dims, keepdim=True)
    xc = x - mean
    invstd = ((xc * xc).mean(dims, keepdim=True) + eps).rsqrt()
    xhat = xc * invstd
    dx = (gw - gw.mean(dims, keepdim=True) - xhat * (gw * xhat).mean(dims, keepdim=True)) * invstd
    return dx, xhat


def _shape_list(shape):
    return '[' + ', '.join(str(s) for s in shape) + ']'


# ---------------------------------------------------------------- batch norm
def _check_channels(x, tensors, kernel):
    if x.ndim < 2:
        raise IndexError(
            f'Dimension out of range (expected to be in range of [-1, 0], but got 1) '
            f'({kernel} expects an input of shape (N, C, ...) with the channels in dim 1, '
            f'got shape {_shape_list(x.shape)}; for a single sample use input.unsqueeze(0))')
    c = x.shape[1]
    for name, t in tensors:
        if t is not None and t._data.size != c:
            raise RuntimeError(
                f'{name} should contain {c} elements not {t._data.size} (the input has {c} '
                f'channels in dim 1, shape {_shape_list(x.shape)}, but the layer was built '
                f'for {t._data.size} features: use num_features={c}, or check the layer '
                'before it)')


def _bn_forward(input, weight, bias, running_mean, running_var, training, momentum, eps,
                kernel, saved_dtype=None):
    """(out, mean, invstd, x3) of batch norm; updates the running statistics in place.
    ``saved_dtype``: the batch statistics are rounded to it (after the running update)
    before they normalize, as PyTorch saves them for a float16/bfloat16 input."""
    x = _float_input(input, kernel)
    _check_channels(x, (('running_mean', running_mean), ('running_var', running_var),
                        ('weight', weight), ('bias', bias)), kernel)
    _same_dtype(x, (weight, bias, running_mean, running_var), kernel)
    n_b, c = x.shape[0], x.shape[1]
    x3 = x.reshape(n_b, c, _rest(x.shape))
    n = n_b * x3.shape[2]
    dt = x.dtype
    xp = xp_of(x)
    exact = _exact(x)
    if training:
        if n == 0:
            mean = xp.zeros(c, dt)
            invstd = xp.full(c, np.nan, dt)
        else:
            if exact:     # PyTorch's sums in double, bit for bit
                mean = (x3.sum((0, 2), np.float64) / n).astype(dt)
                d = x3 - mean[:, None]
                d *= d
                var_sum = d.sum((0, 2), np.float64).astype(dt)
            else:         # einsum: SIMD sums, as accurate as NumPy's pairwise ones here
                mean = xp.einsum('ncs->c', x3) / dt.type(n)
                d = x3 - mean[:, None]
                var_sum = xp.einsum('ncs,ncs->c', d, d)
            if eps > 0:
                invstd = (1 / xp.sqrt(var_sum.astype(np.float64) / n + eps)).astype(dt)
            else:
                with np.errstate(divide='ignore', invalid='ignore'):
                    invstd = (1 / xp.sqrt(var_sum.astype(np.float64) / n + eps)).astype(dt)
            if running_mean is not None or running_var is not None:
                if momentum is None:
                    raise TypeError("batch_norm(): argument 'momentum' must be float, not "
                                    'NoneType (momentum=None, the cumulative average, is an '
                                    'option of the BatchNorm modules; pass 1/num_batches)')
                # PyTorch's arithmetic: momentum in the input's dtype, the variance blend
                # fused
                m = dt.type(momentum)
                m1 = dt.type(1) - m
                if running_mean is not None:
                    _update_running(running_mean,
                                    m * mean + m1 * running_mean._data.reshape(-1))
                if running_var is not None:
                    if n > 1:
                        unbiased = var_sum / dt.type(n - 1)
                    else:
                        with np.errstate(divide='ignore', invalid='ignore'):
                            unbiased = var_sum / dt.type(n - 1)
                    _update_running(running_var, _fma(unbiased, m, m1 * running_var._data
                                                      .reshape(-1)))
            if saved_dtype is not None:
                mean = mean.astype(saved_dtype).astype(dt)
                invstd = invstd.astype(saved_dtype).astype(dt)
    else:
        if running_mean is None:
            raise RuntimeError('running_mean must be defined in evaluation mode '
                               '(pass running statistics, or training=True to normalize with '
                               'the batch statistics)')
        if running_var is None:
            raise RuntimeError('running_var must be defined in evaluation mode '
                               '(pass running statistics, or training=True to normalize with '
                               'the batch statistics)')
        mean = running_mean._data.reshape(-1)
        with np.errstate(divide='ignore', invalid='ignore'):   # a zero or negative variance
            invstd = 1 / xp.sqrt(running_var._data.reshape(-1) + dt.type(eps))
    alpha = invstd if weight is None else invstd * weight._data.reshape(-1)
    b = 0 if bias is None else bias._data.reshape(-1)
    if exact:
        beta = _fma(-mean, alpha, b)
        out = _fma(x3, alpha[:, None], beta[:, None])
    else:
        beta = b - mean * alpha
        out = x3 * alpha[:, None]
        out += beta[:, None]
    return out.reshape(x.shape), mean, invstd, x3


def _update_running(t, value):
    """Write ``value`` into the running-statistic buffer ``t`` (in place, version bumped)."""
    arr = t._data
    arr[...] = value.reshape(arr.shape)
    bump_version(t)


def _low_precision(input):
    x = getattr(input, '_data', None)
    return x is not None and x.dtype in HALF_FLOATING


def _saved_dtype(x, tensors, kernel):
    """The dtype PyTorch saves a float16/bfloat16 norm's statistics in: the input's, or
    float32 when the weights (and running statistics) are all float32 (its mixed-dtype
    mode). Other combinations are refused, as PyTorch does."""
    dts = {t._data.dtype for t in tensors if t is not None}
    if not dts or dts == {x.dtype}:
        return x.dtype
    if dts == {_F32}:
        return _F32
    other = next(d for d in dts if d != x.dtype)
    raise RuntimeError(
        f'mixed dtype (CPU): expect parameter to have scalar type of Float ({kernel}: the '
        f'input is {tname(x.dtype)}, so weight, bias and running statistics must all be '
        f'{tname(x.dtype)} or all Float, got {tname(other)}; convert them with .to())')


def _in_float32(fn, input, params, stats, *args, **kwargs):
    """Run a norm on a float16/bfloat16 input in float32 (PyTorch computes these in float),
    casting the output back once (its gradient too); running statistics are updated in
    their own dtype. The saved statistics are rounded in place to PyTorch's saved dtype
    (the backward then uses the rounded values, as PyTorch's) and returned in it."""
    def f32(t):
        return None if t is None else t.float()
    saved = _saved_dtype(input._data, params + stats, kwargs.get('kernel', fn.__name__))
    stats32 = [None if t is None else wrap(t._data.astype(np.float32)) for t in stats]
    res = fn(input.float(), *[f32(p) for p in params], *stats32, *args, **kwargs)
    for t, t32 in zip(stats, stats32):
        if t is not None:
            _update_running(t, t32._data.astype(t._data.dtype))
    if saved == _F32:
        return (res[0].to(input.dtype),) + tuple(res[1:])
    for a in res[1:]:
        a[...] = a.astype(saved)
    return (res[0].to(input.dtype),) + tuple(a.astype(saved) for a in res[1:])


@quieted
def _native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
                       eps, kernel='batch_norm', saved_dtype=None):
    if _low_precision(input):
        dt = _saved_dtype(input._data, (weight, bias, running_mean, running_var), kernel)
        return _in_float32(_native_batch_norm, input, (weight, bias),
                           (running_mean, running_var), training, momentum, eps,
                           kernel=kernel, saved_dtype=None if dt == _F32 else dt)
    out, mean, invstd, _ = _bn_forward(input, weight, bias, running_mean, running_var,
                                       training, momentum, eps, kernel, saved_dtype)
    res = wrap(out)
    if STATE.enabled and (input._rg or (weight is not None and weight._rg)
                          or (bias is not None and bias._rg)):
        record(res, 'NativeBatchNormBackward0', _batch_norm_backward, (input, weight, bias),
               (input, weight), ctx=(mean, invstd, training, eps))
    return res, mean, invstd


@quiet_backward
def _batch_norm_backward(node, grad):
    x_t, w_t = node.saved()
    mean, invstd, training, eps = node.ctx
    need_x, need_w, need_b = (e is not None for e in node.next)
    if STATE.enabled:                 # create_graph: differentiable formula
        return _batch_norm_graph_backward(grad, x_t, w_t, mean, invstd, training, eps,
                                          need_x, need_w, need_b)
    x = x_t._data
    g = grad._data
    n_b, c = x.shape[0], x.shape[1]
    x3 = x.reshape(n_b, c, _rest(x.shape))
    g3 = g.reshape(x3.shape)
    n = n_b * x3.shape[2]
    dt = x.dtype
    xp = xp_of(x)
    if n == 0:                      # empty batch: zero gradients, as PyTorch
        zc = xp.zeros(c, dt)
        return (wrap(xp.zeros_like(x)) if need_x else None,
                wrap(zc.reshape(node.meta[1][0])) if need_w else None,
                wrap(zc.reshape(node.meta[2][0])) if need_b else None)
    xc = x3 - mean[:, None]
    need_dotp = need_w or (need_x and training)
    if _exact(x):           # PyTorch sums in double
        sum_g = g3.sum((0, 2), np.float64).astype(dt)
        dotp = (xc * g3).sum((0, 2), np.float64).astype(dt) if need_dotp else None
    else:
        sum_g = xp.einsum('ncs->c', g3)
        dotp = xp.einsum('ncs,ncs->c', xc, g3) if need_dotp else None
    gx = gw = gb = None
    if need_x:
        scale = invstd if w_t is None else invstd * w_t._data.reshape(-1)
        if training:
            # dx = (g - mean(g) - xc * invstd^2 * mean(g * xc)) * invstd * w
            k = dotp * invstd * invstd / dt.type(n)
            xc *= (k * scale)[:, None]
            d = g3 * scale[:, None]
            d -= xc
            d -= (sum_g / dt.type(n) * scale)[:, None]
        else:
            d = g3 * scale[:, None]
        gx = wrap(d.reshape(x.shape))
    if need_w:
        gw = wrap((dotp * invstd).reshape(node.meta[1][0]))
    if need_b:
        gb = wrap(sum_g.reshape(node.meta[2][0]))
    return gx, gw, gb


def _batch_norm_graph_backward(grad, x, w, mean, invstd, training, eps, need_x, need_w, need_b):
    nd = x.dim()
    dims = (0,) + tuple(range(2, nd))
    bshape = (1, -1) + (1,) * (nd - 2)
    wb = None if w is None else w.reshape(bshape)
    gx = gw = gb = None
    if training:
        gwx = grad if wb is None else grad * wb
        dx, xhat = _graph_input_grad(gwx, x, dims, eps)
        if need_x:
            gx = dx
    else:
        inv = wrap(invstd.reshape(bshape))
        xhat = (x - wrap(mean.reshape(bshape))) * inv
        if need_x:
            gx = grad * inv if wb is None else grad * (wb * inv)
    if need_w:
        gw = (grad * xhat).sum(dims).reshape(w.shape)
    if need_b:
        gb = grad.sum(dims)
    return gx, gw, gb


def _verify_batch_size(size, kernel='batch_norm'):
    prod = size[0] if len(size) else 1
    for s in size[2:]:
        prod *= s
    if prod == 1:
        from .._tensor import Size
        raise ValueError(
            f'Expected more than 1 value per channel when training, got input size '
            f'{Size(size)!r} ({kernel} normalizes each channel with the statistics of the '
            'batch, which needs at least 2 values: use a batch of 2 or more, or call '
            'model.eval() to use the running statistics)')


def _f_batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
                  momentum=0.1, eps=1e-5):
    if training:
        _verify_batch_size(tuple(input.shape))
        if eps <= 0.0:
            raise ValueError(f'batch_norm eps must be positive during training, but got {eps}')
    elif eps < 0.0:
        raise ValueError(f'batch_norm eps must be non-negative, but got {eps}')
    if (running_mean is None) != (running_var is None):
        raise ValueError('running_mean and running_var must either both be None or neither '
                         'be None')
    return _native_batch_norm(input, weight, bias, running_mean, running_var, training,
                              momentum, eps)[0]


def _torch_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
                      cudnn_enabled):
    return _native_batch_norm(input, weight, bias, running_mean, running_var, training,
                              momentum, eps)[0]


def batch_norm(input, *args, **kwargs):
    """Batch normalization over dim 1 of ``(N, C, ...)`` inputs.

    ``F.batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
    momentum=0.1, eps=1e-05)``; also ``torch.batch_norm(input, weight, bias, running_mean,
    running_var, training, momentum, eps, cudnn_enabled)`` (PyTorch's top-level order, told
    apart by its nine arguments). In training the batch statistics are used and the running
    statistics (when given) are updated in place with the unbiased variance.

    >>> x = ember.tensor([[1., 2.], [3., 6.]])
    >>> ember.nn.functional.batch_norm(x, ember.zeros(2), ember.ones(2))
    tensor([[1.0000, 2.0000],
            [3.0000, 6.0000]])
    """
    if len(args) == 8 or 'cudnn_enabled' in kwargs:
        return _torch_batch_norm(input, *args, **kwargs)
    return _f_batch_norm(input, *args, **kwargs)


batch_norm.__signature__ = inspect.signature(_f_batch_norm)


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """``(output, save_mean, save_invstd)`` of batch norm (PyTorch's ``native_batch_norm``).

    >>> out, mean, invstd = ember.native_batch_norm(ember.tensor([[1.], [3.]]), None, None,
    ...                                              None, None, True, 0.1, 1e-5)
    >>> mean
    tensor([2.])
    """
    out, mean, invstd = _native_batch_norm(input, weight, bias, running_mean, running_var,
                                           training, momentum, eps)
    if training:
        return out, wrap(mean.copy()), wrap(invstd.copy())
    return out, wrap(mean[:0].copy()), wrap(invstd[:0].copy())


# ---------------------------------------------------------------- instance norm
def _torch_instance_norm(input, weight, bias, running_mean, running_var, use_input_stats,
                         momentum, eps, cudnn_enabled=True):
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError('Expected running_mean and running_var to be defined when '
                           'use_input_stats is false')
    x = _float_input(input, 'instance_norm')
    if x.ndim < 2:
        raise IndexError('Dimension out of range (expected to be in range of [-1, 0], but got '
                         f'1) (instance_norm expects (N, C, ...) input, got shape '
                         f'{_shape_list(x.shape)})')
    b, c = x.shape[0], x.shape[1]
    _check_channels(x, (('running_mean', running_mean), ('running_var', running_var),
                        ('weight', weight), ('bias', bias)), 'instance_norm')
    shape = (1, b * c) + x.shape[2:]
    w = None if weight is None else weight.repeat(b)
    bb = None if bias is None else bias.repeat(b)
    rm = rv = None
    if running_mean is not None:
        rm = wrap(xp_of(x).tile(running_mean._data.reshape(-1), b))
        rv = wrap(xp_of(x).tile(running_var._data.reshape(-1), b))
    out = _native_batch_norm(input.contiguous().view(shape), w, bb, rm, rv, use_input_stats,
                             momentum, eps, 'instance_norm')[0]
    if running_mean is not None:
        for t, r in ((running_mean, rm), (running_var, rv)):
            t._data[...] = r._data.reshape(b, c).mean(0).reshape(t._data.shape)
            bump_version(t)
    return out.view(x.shape)


def _f_instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                     use_input_stats=True, momentum=0.1, eps=1e-5):
    if use_input_stats:
        size = tuple(input.shape)
        prod = 1
        for s in size[2:]:
            prod *= s
        if prod == 1:
            from .._tensor import Size
            raise ValueError(
                f'Expected more than 1 spatial element when training, got input size '
                f'{Size(size)!r} (instance_norm normalizes each channel of each sample over '
                'its spatial positions, which needs at least 2 of them)')
    return _torch_instance_norm(input, weight, bias, running_mean, running_var,
                                use_input_stats, momentum, eps)


def instance_norm(input, *args, **kwargs):
    """Instance normalization: each channel of each sample over its spatial dims.

    ``F.instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
    use_input_stats=True, momentum=0.1, eps=1e-05)``; also PyTorch's top-level
    ``torch.instance_norm(input, weight, bias, running_mean, running_var, use_input_stats,
    momentum, eps, cudnn_enabled)`` (nine arguments).

    >>> ember.nn.functional.instance_norm(ember.tensor([[[1., 3.]]]))
    tensor([[[-1.0000,  1.0000]]])
    """
    if len(args) == 8 or 'cudnn_enabled' in kwargs:
        return _torch_instance_norm(input, *args, **kwargs)
    return _f_instance_norm(input, *args, **kwargs)


instance_norm.__signature__ = inspect.signature(_f_instance_norm)


# ---------------------------------------------------------------- layer norm
def _normalized_shape(normalized_shape):
    if isinstance(normalized_shape, numbers.Integral):
        return (int(normalized_shape),)
    return tuple(int(s) for s in normalized_shape)


def _check_layer_norm(x, ns, weight, bias, kernel):
    k = len(ns)
    if k == 0:
        raise RuntimeError('Expected normalized_shape to be at least 1-dimensional, i.e., '
                           'containing at least one element, but got normalized_shape = []')
    for name, t in (('weight', weight), ('bias', bias)):
        if t is not None and tuple(t._data.shape) != ns:
            raise RuntimeError(
                f'Expected {name} to be of same shape as normalized_shape, but got {name} of '
                f'shape {_shape_list(t._data.shape)} and normalized_shape = {_shape_list(ns)}')
    if x.ndim < k or tuple(x.shape[x.ndim - k:]) != ns:
        raise RuntimeError(
            f'Given normalized_shape={_shape_list(ns)}, expected input with shape '
            f'[*, {", ".join(str(s) for s in ns)}], but got input of size'
            f'{_shape_list(x.shape)} ({kernel} normalizes over the last {k} dim(s): they must '
            f'equal normalized_shape; check the layer size or the layout of the input)')


@quieted
def _native_layer_norm(input, normalized_shape, weight, bias, eps, kernel='layer_norm'):
    if _low_precision(input):
        return _in_float32(lambda x, w, b, kernel: _native_layer_norm(
                           x, normalized_shape, w, b, eps, kernel),
                           input, (weight, bias), (), kernel=kernel)
    x = _float_input(input, kernel)
    ns = _normalized_shape(normalized_shape)
    _check_layer_norm(x, ns, weight, bias, kernel)
    _same_dtype(x, (weight, bias), kernel)
    kk = 1
    for s in ns:
        kk *= s
    x2 = x.reshape(-1, kk)
    dt = x.dtype
    xp = xp_of(x)
    if x2.shape[0] == 0 or kk == 0:
        mean = xp.zeros((x2.shape[0], 1), dt)
        rstd = xp.full((x2.shape[0], 1), np.nan if kk == 0 else 0, dt)
        out = x2.copy()
    else:
        mean = _rsum(x2, 1, True) / dt.type(kk)
        out = x2 - mean
        var = xp.einsum('ij,ij->i', out, out)[:, None] / dt.type(kk)
        rstd = 1 / xp.sqrt(var + dt.type(eps))
        out *= rstd
        if weight is not None:
            out *= weight._data.reshape(1, -1)
        if bias is not None:
            out += bias._data.reshape(1, -1)
    res = wrap(out.reshape(x.shape))
    if STATE.enabled and (input._rg or (weight is not None and weight._rg)
                          or (bias is not None and bias._rg)):
        record(res, 'NativeLayerNormBackward0', _layer_norm_backward, (input, weight, bias),
               (input, weight), ctx=(mean, rstd, len(ns), kk, eps))
    return res, mean, rstd


@quiet_backward
def _layer_norm_backward(node, grad):
    x_t, w_t = node.saved()
    mean, rstd, k, kk, eps = node.ctx
    need_x, need_w, need_b = (e is not None for e in node.next)
    if STATE.enabled:
        nd = x_t.dim()
        dims = tuple(range(nd - k, nd))
        lead = tuple(range(nd - k))
        gwx = grad if w_t is None else grad * w_t
        dx, xhat = _graph_input_grad(gwx, x_t, dims, eps)
        gw = gb = None
        if need_w:
            gw = (grad * xhat).sum(lead) if lead else grad * xhat
        if need_b:
            gb = grad.sum(lead) if lead else grad
        return (dx if need_x else None), gw, gb
    x = x_t._data
    xp = xp_of(x)
    x2 = x.reshape(mean.shape[0], kk)
    g2 = grad._data.reshape(x2.shape)
    gx = gw = gb = None
    if need_w or need_x:
        xhat = x2 - mean
        xhat *= rstd
    if need_w:
        gw = wrap(xp.einsum('ij,ij->j', g2, xhat).reshape(w_t.shape))
    if need_b:
        gb = wrap(_rsum(g2, 0).reshape(node.meta[2][0]))
    if need_x:
        gwx = g2 if w_t is None else g2 * w_t._data.reshape(1, -1)
        if kk:
            ds = xp.einsum('ij,ij->i', gwx, xhat)[:, None] / kk
            db = _rsum(gwx, 1, True) / kk
            xhat *= ds
            d = gwx - db
            d -= xhat
            d *= rstd
        else:
            d = gwx.copy()
        gx = wrap(d.reshape(x.shape))
    return gx, gw, gb


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    """Normalize over the last ``len(normalized_shape)`` dims, then scale and shift.

    >>> ember.nn.functional.layer_norm(ember.tensor([[1., 3.]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    return _native_layer_norm(input, normalized_shape, weight, bias, eps)[0]


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """``(output, mean, rstd)`` of layer norm (PyTorch's ``native_layer_norm``).

    >>> ember.native_layer_norm(ember.tensor([[1., 3.]]), [2], None, None, 1e-5)[1]
    tensor([[2.]])
    """
    out, mean, rstd = _native_layer_norm(input, normalized_shape, weight, bias, eps)
    nd = input.dim()
    k = len(_normalized_shape(normalized_shape))
    shape = tuple(input.shape[:nd - k]) + (1,) * k
    return out, wrap(mean.reshape(shape)), wrap(rstd.reshape(shape))


# ---------------------------------------------------------------- group norm
@quieted
def _native_group_norm(input, weight, bias, num_groups, eps, kernel='group_norm'):
    if _low_precision(input):
        return _in_float32(lambda x, w, b, kernel: _native_group_norm(
                           x, w, b, num_groups, eps, kernel),
                           input, (weight, bias), (), kernel=kernel)
    x = _float_input(input, kernel)
    if x.ndim < 2:
        raise RuntimeError(f'Expected at least 2 dimensions for input tensor but received '
                           f'{x.ndim}')
    n_b, c = x.shape[0], x.shape[1]
    g = num_groups
    if g <= 0 or c % g:
        raise RuntimeError(
            f'Expected number of channels in input to be divisible by num_groups, but got '
            f'input of shape {_shape_list(x.shape)} and num_groups={g}')
    for name, t in (('weight', weight), ('bias', bias)):
        if t is not None and (t._data.ndim != 1 or t._data.size != c):
            raise RuntimeError(
                f'Expected {name} to be a vector of size equal to the number of channels in '
                f'input, but got {name} of shape {_shape_list(t._data.shape)} and input of '
                f'shape {_shape_list(x.shape)}')
    _same_dtype(x, (weight, bias), kernel)
    dt = x.dtype
    xp = xp_of(x)
    x3 = x.reshape(n_b, g, _rest(x.shape, 1) // g)
    if x3.shape[2] == 0 or n_b == 0:
        mean = xp.zeros((n_b, g, 1), dt)
        rstd = xp.full((n_b, g, 1), np.nan, dt)
        out = x.copy()
    else:
        mean = x3.mean(2, keepdims=True)
        xc = x3 - mean
        var = xp.einsum('ijk,ijk->ij', xc, xc)[:, :, None] / dt.type(x3.shape[2])
        rstd = 1 / xp.sqrt(var + dt.type(eps))
        xc *= rstd
        out = xc.reshape(n_b, c, _rest(x.shape))
        if weight is not None:
            out *= weight._data.reshape(1, c, 1)
        if bias is not None:
            out += bias._data.reshape(1, c, 1)
        out = out.reshape(x.shape)
    res = wrap(out)
    if STATE.enabled and (input._rg or (weight is not None and weight._rg)
                          or (bias is not None and bias._rg)):
        record(res, 'NativeGroupNormBackward0', _group_norm_backward, (input, weight, bias),
               (input, weight), ctx=(mean, rstd, g, eps))
    return res, mean, rstd


@quiet_backward
def _group_norm_backward(node, grad):
    x_t, w_t = node.saved()
    mean, rstd, g, eps = node.ctx
    need_x, need_w, need_b = (e is not None for e in node.next)
    shape = tuple(x_t.shape)
    n_b, c = shape[0], shape[1]
    if STATE.enabled:
        bshape = (1, c) + (1,) * (len(shape) - 2)
        gwx = grad if w_t is None else grad * w_t.reshape(bshape)
        dx, xhat = _graph_input_grad(gwx.reshape(n_b, g, c // g * _rest(shape)),
                                     x_t.reshape(n_b, g, c // g * _rest(shape)), (2,),
                                     eps)
        rdims = (0,) + tuple(range(2, len(shape)))
        gw = (grad * xhat.reshape(shape)).sum(rdims) if need_w else None
        gb = grad.sum(rdims) if need_b else None
        return (dx.reshape(shape) if need_x else None), gw, gb
    x3 = x_t._data.reshape(n_b, g, c // g * _rest(shape))
    xp = xp_of(x3)
    g3c = grad._data.reshape(n_b, c, _rest(shape))
    gx = gw = gb = None
    xhat = x3 - mean
    xhat *= rstd
    if need_w:
        gw = wrap((g3c * xhat.reshape(g3c.shape)).sum((0, 2)))
    if need_b:
        gb = wrap(g3c.sum((0, 2)))
    if need_x:
        gwx = g3c if w_t is None else g3c * w_t._data.reshape(1, c, 1)
        gwx = gwx.reshape(x3.shape)
        m = x3.shape[2]
        if m:
            ds = xp.einsum('ijk,ijk->ij', gwx, xhat)[:, :, None] / m
            db = gwx.mean(2, keepdims=True)
            xhat *= ds
            d = gwx - db
            d -= xhat
            d *= rstd
        else:
            d = gwx.copy()
        gx = wrap(d.reshape(shape))
    return gx, gw, gb


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    """Split the channels into ``num_groups`` groups and normalize each group of each
    sample, then scale and shift per channel.

    >>> ember.nn.functional.group_norm(ember.tensor([[[1.], [3.]]]), 1)
    tensor([[[-1.0000],
             [ 1.0000]]])
    """
    if not isinstance(input, Tensor):
        _float_input(input, 'group_norm')
    if input.dim() < 2:
        raise RuntimeError(f'Expected at least 2 dimensions for input tensor but received '
                           f'{input.dim()}')
    shape = tuple(input.shape)
    if num_groups > 0:
        _verify_batch_size([shape[0] * shape[1] // num_groups, num_groups] + list(shape[2:]),
                           'group_norm')
    return _native_group_norm(input, weight, bias, num_groups, eps)[0]


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """``(output, mean, rstd)`` of group norm (PyTorch's ``native_group_norm``); mean and
    rstd have shape ``(N, group)``.

    >>> ember.native_group_norm(ember.tensor([[[1.], [3.]]]), None, None, 1, 2, 1, 1, 1e-5)[1]
    tensor([[2.]])
    """
    out, mean, rstd = _native_group_norm(input, weight, bias, group, eps)
    return out, wrap(mean.reshape(N, group)), wrap(rstd.reshape(N, group))


# ---------------------------------------------------------------- rms norm
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Divide by the root mean square over the last dims, then scale by ``weight``.
    ``eps`` defaults to the machine epsilon of the input's dtype.

    >>> ember.nn.functional.rms_norm(ember.tensor([[3., 4.]]), (2,))
    tensor([[0.8485, 1.1314]])
    """
    x = _float_input(input, 'rms_norm')
    ns = _normalized_shape(normalized_shape)
    _check_layer_norm(x, ns, weight, None, 'rms_norm')
    if eps is None:
        eps = float(np.finfo(np.float32 if x.dtype.itemsize < 4 else x.dtype).eps)
    if x.dtype in HALF_FLOATING:      # float32 math, one rounding (PyTorch's fused kernel)
        w32 = None if weight is None else weight.float()
        return rms_norm(input.float(), normalized_shape, w32, eps).to(input.dtype)
    dims = tuple(range(x.ndim - len(ns), x.ndim))
    rs = input.pow(2).mean(dims, keepdim=True).add(eps).rsqrt()
    out = input * rs
    if weight is not None:
        out = out * weight
    return out


# ---------------------------------------------------------------- local response norm
def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Normalize each position by the squares of ``size`` neighbouring channels:
    ``x / (k + alpha * mean(x[c-size//2 : c+(size-1)//2]**2))**beta``.

    >>> ember.nn.functional.local_response_norm(ember.ones(1, 2, 1), 2, alpha=1., k=1.)
    tensor([[[0.7378],
             [0.5946]]])
    """
    _float_input(input, 'local_response_norm')
    dim = input.dim()
    if dim < 3:
        raise ValueError(f'Expected 3D or higher dimensionality                          '
                         f'input (got {dim} dimensions) (local_response_norm works across '
                         'the channels (dim 1) of an (N, C, ...) input)')
    if input.numel() == 0:
        return input
    sq = input.mul(input)
    shape = tuple(input.shape)
    c = shape[1]
    flat = sq.reshape(shape[0], c, -1)
    before, after = size // 2, (size - 1) // 2
    from .joining import cat
    from .creation import zeros
    parts = []
    if before:
        parts.append(zeros((shape[0], before, flat.shape[2]), dtype=input.dtype))
    parts.append(flat)
    if after:
        parts.append(zeros((shape[0], after, flat.shape[2]), dtype=input.dtype))
    padded = cat(parts, 1) if len(parts) > 1 else flat
    total = padded.shape[1]
    acc = None
    for i in range(size):                 # window sum, as avg_pool does it (in order)
        lo = i
        hi = lo + total - size + 1
        sl = padded[:, lo:hi]
        acc = sl if acc is None else acc + sl
    div = (acc / size).reshape(shape)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


# ---------------------------------------------------------------- normalize
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """Divide by the ``p``-norm over ``dim`` (at least ``eps``).

    >>> ember.nn.functional.normalize(ember.tensor([[3., 4.]]))
    tensor([[0.6000, 0.8000]])
    """
    from .statistics import norm
    if out is None:
        denom = norm(input, p, dim, keepdim=True).clamp_min(eps).expand_as(input)
        return input / denom
    from .arith import div
    with no_grad():
        denom = norm(input, p, dim, keepdim=True).clamp_min_(eps).expand_as(input)
    return div(input, denom, out=out)

