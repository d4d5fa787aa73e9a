"""Convolutions: ``conv1d/2d/3d``, ``conv_transpose1d/2d/3d``, ``convolution``, ``conv_tbc``,
and the patch operators ``unfold`` (im2col) / ``fold`` (col2im).

Every convolution is built from three bilinear array kernels (see ``_nn_conv_kernels``):
``F(x, w)`` the convolution, ``Gx(gy, w)`` its adjoint in ``x`` (= the transposed
convolution) and ``Gw(x, gy)`` its adjoint in ``w``. Their derivatives are again these three,

    d F(x, w)   : dx = Gx(g, w),    dw = Gw(x, g)
    d Gx(gy, w) : dgy = F(g, w),    dw = Gw(g, gy)
    d Gw(x, gy) : dx = Gx(gy, g),   dgy = F(x, g)

so higher-order gradients need no extra formula. The first-order backward (the hot path) runs
on arrays directly and reuses the forward's im2col matrix for the weight gradient.

>>> x = ember.ones(1, 1, 4, 4)
>>> ember.nn.functional.conv2d(x, ember.ones(1, 1, 3, 3)).shape
torch.Size([1, 1, 2, 2])
"""
import itertools

from ._base import Tensor, wrap, record, STATE, np, xp_of
from ._autocast import AUTOCAST, lower_precision
from . import _nn_conv_kernels as K

__all__ = ['conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d',
           'conv_transpose3d', 'convolution', 'conv_tbc']
FUNCTIONAL = ['conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d',
              'conv_transpose3d', 'conv_tbc', 'unfold', 'fold']
METHODS = {}

# the forward keeps its im2col matrix for the weight gradient up to this many elements
_KEEP_COLS = 1 << 23

_TNAME = {'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'int64': 'Long',
          'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte', 'bool': 'Bool'}
_CNAME = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'int64': 'long int',
          'int32': 'int', 'int16': 'short int', 'int8': 'signed char', 'uint8': 'unsigned char',
          'bool': 'bool'}


# ---- the three differentiable primitives ---------------------------------------------------
def _conv(input, weight, bias, geo):
    """``F(x, w) + b`` recorded as ``ConvolutionBackward0``."""
    keep = weight._rg and STATE.enabled
    x = input._data
    y, cols = K.conv_forward(x, weight._data, geo, None if bias is None else bias._data, keep)
    if cols is not None and cols.size > _KEEP_COLS:
        cols = None
    return record(wrap(y), 'ConvolutionBackward0', _conv_backward, (input, weight, bias),
                  (input, weight, cols), ctx=geo, save_if=(1, 0, 1))


def _bias_dims(grad):
    return (0,) + tuple(range(2, grad._data.ndim))


def _conv_backward(node, grad):
    x, w, cols = node.saved()
    geo = node.ctx
    nx, nw, nb = (e is not None for e in node.next)
    if STATE.enabled:                       # create_graph: compose differentiable ops
        return (_conv_gx(grad, w, geo) if nx else None,
                _conv_gw(x, grad, geo) if nw else None,
                grad.sum(_bias_dims(grad)) if nb else None)
    g = grad._data
    rows = K.grad_to_rows(g, geo.groups)
    gx = gw = gb = None
    if nx:
        gx = wrap(K.input_grad(rows, w._data, geo, g.shape[0]))
    if nw:
        if cols is None:
            cols = K.im2col(x._data, geo)
        gw = wrap(K.weight_grad(cols, rows, node.meta[1][0]))
    if nb:
        gb = wrap(rows.reshape(g.shape[1], -1).sum(1) if rows.size else
                  xp_of(g).zeros(g.shape[1], g.dtype))
    return gx, gw, gb


def _conv_gx(gy, w, geo):
    """``Gx(gy, w)``: the adjoint of ``F(., w)`` applied to ``gy``."""
    g = gy._data
    out = wrap(K.input_grad(K.grad_to_rows(g, geo.groups), w._data, geo, g.shape[0]))
    return record(out, 'ConvolutionBackwardBackward0', _gx_backward, (gy, w), (gy, w), ctx=geo,
                  save_if=(1, 0))


def _gx_backward(node, grad):
    gy, w = node.saved()
    geo = node.ctx
    return (_conv(grad, w, None, geo) if node.next[0] is not None else None,
            _conv_gw(grad, gy, geo) if node.next[1] is not None else None)


def _conv_gw(x, gy, geo):
    """``Gw(x, gy)``: the adjoint of ``F(x, .)`` applied to ``gy`` (a weight-shaped result)."""
    xd, g = x._data, gy._data
    wshape = (g.shape[1], xd.shape[1] // geo.groups) + geo.K
    out = wrap(K.weight_grad(K.im2col(xd, geo), K.grad_to_rows(g, geo.groups), wshape))
    return record(out, 'ConvolutionBackwardBackward0', _gw_backward, (x, gy), (x, gy), ctx=geo,
                  save_if=(1, 0))


def _gw_backward(node, grad):
    x, gy = node.saved()
    geo = node.ctx
    return (_conv_gx(gy, grad, geo) if node.next[0] is not None else None,
            _conv(x, grad, None, geo) if node.next[1] is not None else None)


def _conv_transposed(input, weight, bias, geo):
    """``Gx(x, w) + b`` (the transposed convolution) recorded as ``ConvolutionBackward0``."""
    y = K.conv_transpose_forward(input._data, weight._data, geo,
                                 None if bias is None else bias._data)
    return record(wrap(y), 'ConvolutionBackward0', _transposed_backward, (input, weight, bias),
                  (input, weight), ctx=geo, save_if=(1, 0))


def _transposed_backward(node, grad):
    x, w = node.saved()
    geo = node.ctx
    nx, nw, nb = (e is not None for e in node.next)
    if STATE.enabled:
        return (_conv(grad, w, None, geo) if nx else None,
                _conv_gw(grad, x, geo) if nw else None,
                grad.sum(_bias_dims(grad)) if nb else None)
    g = grad._data
    cols = K.im2col(g, geo) if nx or nw else None
    gx = gw = gb = None
    if nx:
        gx = wrap(K.conv_from_cols(cols, w._data, geo, g.shape[0]))
    if nw:
        gw = wrap(K.weight_grad(cols, K.grad_to_rows(x._data, geo.groups), node.meta[1][0]))
    if nb:
        gb = wrap(g.sum(_bias_dims(grad)))
    return gx, gw, gb


# ---- argument checks -------------------------------------------------------------------------
def _not_tensor(fname, input, weight, bias):
    got = ', '.join(type(a).__name__ if not isinstance(a, Tensor) else 'Tensor'
                    for a in (input, weight))
    if bias is not None and not isinstance(bias, Tensor):
        got += f', bias={type(bias).__name__}'
    return TypeError(f'{fname}() received an invalid combination of arguments - got ({got}), '
                     'but expected (Tensor input, Tensor weight, Tensor bias = None, ...)')


def _expand(v, d, what, fname):
    """An int or sequence argument as a tuple (an int repeated ``d`` times)."""
    if v.__class__ is int or isinstance(v, np.integer) and not isinstance(v, bool):
        return (int(v),) * d
    if isinstance(v, (tuple, list)):
        for i, e in enumerate(v):
            if isinstance(e, bool) or not isinstance(e, (int, np.integer)):
                raise TypeError(f"{fname}(): argument '{what}' must be tuple of ints, but found "
                                f'element of type {type(e).__name__} at pos {i}')
        return tuple(int(e) for e in v)
    raise TypeError(f"{fname}(): argument '{what}' must be tuple of ints, not "
                    f'{type(v).__name__}')


def _fit(t, k, what):
    if len(t) == k:
        return t
    if len(t) == 1:
        return t * k
    raise RuntimeError(f'expected {what} to be a single integer value or a list of {k} values to '
                       f'match the convolution dimensions, but got {what}={list(t)}')


def _rank_error(fname, d, x):
    shape = list(x.shape)
    msg = (f'Expected {d + 1}D (unbatched) or {d + 2}D (batched) input to {fname}, but got input '
           f'of size: {shape}')
    dims = ('L', 'H, W', 'D, H, W')[d - 1]
    if x.ndim < d + 1:
        need = d + 1 - x.ndim
        fix = 'x' + '.unsqueeze(0)' * need
        hint = (f' ({fname} takes (N, C, {dims}) or (C, {dims}); the input lacks '
                f'{"a channel dimension" if need == 1 else f"{need} dimensions"}: {fix} gives '
                f'{[1] * need + shape}, and {fix}.unsqueeze(0) gives {[1] * (need + 1) + shape} '
                '(a batch of one))')
    else:
        hint = (f' ({fname} takes (N, C, {dims}) or (C, {dims}); remove extra dimensions with '
                'squeeze() or reshape()')
        if x.ndim == d + 3 and d < 3 and 'transpose' not in fname:
            hint += f', or use conv{d + 1}d for {d + 1}-D data'
        hint += ')'
    return RuntimeError(msg + hint)


def _dtype_checks(x, w, b, fname, d):
    if x.dtype != w.dtype:
        raise RuntimeError(f'expected scalar type {_TNAME.get(x.dtype.name, x.dtype.name)} but '
                           f'found {_TNAME.get(w.dtype.name, w.dtype.name)} (in {fname}: input '
                           f'is {x.dtype.name} and weight is {w.dtype.name}; convert one with '
                           '.float() or .to(other.dtype))')
    if b is not None and b.dtype != x.dtype:
        raise RuntimeError(f'Input type ({_CNAME.get(x.dtype.name, x.dtype.name)}) and bias type '
                           f'({_CNAME.get(b.dtype.name, b.dtype.name)}) should be the same '
                           f'(in {fname}: convert the bias with .to({x.dtype.name}))')
    if x.dtype.kind == 'b':
        kern = f'slow_conv{d}d_cpu' if d > 1 else 'slow_conv2d_cpu'
        raise NotImplementedError(f'"{kern}" not implemented for \'Bool\'')


def _fmt(sizes):
    return ' x '.join(str(s) for s in sizes)


def _geometry(fname, x, w, b, stride, padding, dilation, groups, transposed, output_padding):
    """Check a batched convolution's arguments as PyTorch does and return its Geometry."""
    if w.ndim < 3:
        raise RuntimeError('weight should have at least three dimensions')
    k = w.ndim - 2
    stride = _fit(stride, k, 'stride')
    if not isinstance(padding, str):
        padding = _fit(padding, k, 'padding')
    dilation = _fit(dilation, k, 'dilation')
    output_padding = _fit(output_padding, k, 'output_padding')
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool):
        raise TypeError(f"{fname}(): argument 'groups' must be int, not {type(groups).__name__}")
    if groups <= 0:
        raise RuntimeError('non-positive groups is not supported')
    if isinstance(padding, str):
        if padding == 'valid':
            lo = hi = (0,) * k
        elif padding == 'same':
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions "
                                   f'(in {fname}: stride={list(stride)}; use an integer padding '
                                   "such as kernel_size // 2, or padding='valid')")
            total = tuple(dl * (kk - 1) for dl, kk in zip(dilation, w.shape[2:]))
            lo = tuple(t // 2 for t in total)
            hi = tuple(t - a for t, a in zip(total, lo))
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}' (use 'same', 'valid' or "
                               'integers)')
    else:
        lo = hi = padding
    if any(p < 0 for p in lo):
        raise RuntimeError('negative padding is not supported')
    if any(p < 0 for p in output_padding):
        raise RuntimeError('negative output_padding is not supported')
    if any(s <= 0 for s in stride):
        raise RuntimeError('non-positive stride is not supported')
    if any(dl < 0 for dl in dilation):
        raise RuntimeError(f'dilation should be greater than zero, but got {list(dilation)}')
    if x.ndim != w.ndim:
        raise RuntimeError(f'Expected {w.ndim}-dimensional input for {w.ndim}-dimensional weight '
                           f'{list(w.shape)}, but got {x.ndim}-dimensional input of size '
                           f'{list(x.shape)} instead')
    if w.shape[0] % groups:
        raise RuntimeError(f'Given groups={groups}, expected weight to be divisible by {groups} '
                           f'at dimension 0, but got weight of size [{list(w.shape)}] instead')
    ks = tuple(w.shape[2:])
    S = tuple(x.shape[2:])
    if not transposed:
        cin = w.shape[1] * groups
        if x.shape[1] != cin:
            raise RuntimeError(_channels_msg(fname, x, w, groups, cin, False))
        if b is not None and (b.ndim != 1 or b.shape[0] != w.shape[0]):
            raise RuntimeError(f'Given weight of size {list(w.shape)}, expected bias to be '
                               f'1-dimensional with {w.shape[0]} elements, but got bias of size '
                               f'{list(b.shape)} instead')
        padded = tuple(s + a + c for s, a, c in zip(S, lo, hi))
        eff = tuple(dl * (kk - 1) + 1 for dl, kk in zip(dilation, ks))
        if any(p < e for p, e in zip(padded, eff)):
            raise RuntimeError(
                f'Calculated padded input size per channel: ({_fmt(padded)}). Kernel size: '
                f"({_fmt(eff)}). Kernel size can't be greater than actual input size ({fname}: "
                f'the input of spatial size {list(S)} is smaller than the kernel; pad it, use a '
                'smaller kernel, or check that earlier layers (pooling, strides) have not '
                'shrunk it that much)')
        _check_dilation(dilation)
        return K.Geometry(S, ks, stride, dilation, lo, hi, groups)
    if x.shape[1] != w.shape[0]:
        raise RuntimeError(_channels_msg(fname, x, w, groups, w.shape[0], True))
    cout = w.shape[1] * groups
    if b is not None and (b.ndim != 1 or b.shape[0] != cout):
        raise RuntimeError(f'Given transposed=1, weight of size {list(w.shape)}, expected bias to '
                           f'be 1-dimensional with {cout} elements, but got bias of size '
                           f'{list(b.shape)} instead')
    if any(op >= s and op >= dl for op, s, dl in zip(output_padding, stride, dilation)):
        names = ('depth', 'height', 'width')[3 - k:] if k <= 3 else tuple(
            str(i) for i in range(k))
        parts = ' '.join(f'output_padding_{n}: {v}' for n, v in zip(names, output_padding))
        parts += ' ' + ' '.join(f'stride_{n}: {v}' for n, v in zip(names, stride))
        parts += ' ' + ' '.join(f'dilation_{n}: {v}' for n, v in zip(names, dilation))
        raise RuntimeError(f'output padding must be smaller than either stride or dilation, but '
                           f'got {parts}')
    _check_dilation(dilation, True)
    So = tuple((s - 1) * st - 2 * p + dl * (kk - 1) + op + 1
               for s, st, p, dl, kk, op in zip(S, stride, lo, dilation, ks, output_padding))
    if any(o - op < 0 for o, op in zip(So, output_padding)):
        shown_in = S if k > 1 else (1,) + S
        shown_out = So if k > 1 else (1,) + So
        raise RuntimeError(f'Given input size per channel: ({_fmt(shown_in)}). Calculated output '
                           f'size per channel: ({_fmt(shown_out)}). Output size is too small '
                           f'({fname}: reduce padding or use a larger stride/kernel)')
    return K.Geometry(So, ks, stride, dilation, lo, lo, groups, out=S)


def _check_dilation(dilation, transposed=False):
    if any(dl <= 0 for dl in dilation):
        got = list(dilation)
        if transposed and len(dilation) <= 3:
            got = ', '.join(f'dilation_{n}: {v}' for n, v in
                            zip(('depth', 'height', 'width')[3 - len(dilation):], dilation))
        raise RuntimeError(f'dilation should be greater than zero, but got {got}')


def _channels_msg(fname, x, w, groups, expected, transposed):
    got = x.shape[1]
    head = (f'Given transposed=1, weight of size {list(w.shape)}' if transposed else
            f'Given groups={groups}, weight of size {list(w.shape)}')
    msg = (f'{head}, expected input{list(x.shape)} to have {expected} channels, but got {got} '
           'channels instead')
    if x.shape[-1] == expected and x.ndim >= 3:
        hint = (f' ({fname}: dim 1 of the input holds the channels, but its last dim is '
                f'{expected}: channels-last images (N, H, W, C) need '
                f'.permute(0, {x.ndim - 1}, {", ".join(str(i) for i in range(1, x.ndim - 1))}))')
    else:
        what = 'in_channels' if not transposed else 'in_channels of the transposed layer'
        hint = (f' ({fname}: the layer expects {expected} input channels ({what}={expected}) but '
                f'the input has {got}; build the layer with in_channels={got} or fix the previous '
                "layer's out_channels)")
    return msg + hint


# ---- public convolutions ---------------------------------------------------------------------
_GEOMETRIES = {}            # checked geometries by (shapes, arguments)


def _key_part(v):
    if v.__class__ is int or v.__class__ is tuple:
        return v
    return tuple(v) if v.__class__ is list else (v.__class__, v)


def _cached_geometry(fname, d, x, w, b, stride, padding, dilation, groups, transposed,
                     output_padding):
    try:
        key = (fname, x.shape, w.shape, None if b is None else b.shape, _key_part(stride),
               _key_part(padding), _key_part(dilation), groups, _key_part(output_padding))
        geo = _GEOMETRIES.get(key)
    except TypeError:                   # unhashable arguments: checked below, not cached
        key, geo = None, None
    if geo is None:
        geo = _geometry(fname, x, w, b, _expand(stride, d, 'stride', fname),
                        padding if isinstance(padding, str) and not transposed else
                        _expand(padding, d, 'padding', fname),
                        _expand(dilation, d, 'dilation', fname), groups, transposed,
                        _expand(output_padding, d, 'output_padding', fname))
        if key is not None:
            if len(_GEOMETRIES) > 512:
                _GEOMETRIES.clear()
            _GEOMETRIES[key] = geo
    return geo


def _convnd(fname, d, input, weight, bias, stride, padding, dilation, groups):
    try:
        x = input._data
        w = weight._data
        b = None if bias is None else bias._data
    except AttributeError:
        raise _not_tensor(fname, input, weight, bias) from None
    if x.ndim != d + 2:
        if x.ndim != d + 1:
            raise _rank_error(fname, d, x)
        return _convnd(fname, d, input.unsqueeze(0), weight, bias, stride, padding, dilation,
                       groups).squeeze(0)
    geo = _cached_geometry(fname, d, x, w, b, stride, padding, dilation, groups, False, 0)
    if x.dtype is not w.dtype or (b is not None and b.dtype is not x.dtype) or \
            x.dtype.kind == 'b':
        _dtype_checks(x, w, b, fname, d)
    return _conv(input, weight, bias, geo)


def _conv_transposend(fname, d, input, weight, bias, stride, padding, output_padding, groups,
                      dilation):
    try:
        x = input._data
        w = weight._data
        b = None if bias is None else bias._data
    except AttributeError:
        raise _not_tensor(fname, input, weight, bias) from None
    if x.ndim != d + 2:
        if x.ndim != d + 1:
            raise _rank_error(fname, d, x)
        return _conv_transposend(fname, d, input.unsqueeze(0), weight, bias, stride, padding,
                                 output_padding, groups, dilation).squeeze(0)
    geo = _cached_geometry(fname, d, x, w, b, stride, padding, dilation, groups, True,
                           output_padding)
    if x.dtype is not w.dtype or (b is not None and b.dtype is not x.dtype) or \
            x.dtype.kind == 'b':
        _dtype_checks(x, w, b, fname, d)
    return _conv_transposed(input, weight, bias, geo)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C, L) or unbatched (C, L) input; weight (OC, C/groups, k).

    ``padding`` is an int, a tuple, ``'valid'`` or ``'same'``.

    >>> ember.conv1d(ember.ones(1, 2, 5), ember.ones(3, 2, 3)).shape
    torch.Size([1, 3, 3])
    """
    if AUTOCAST.on:
        return lower_precision(conv1d, input, weight, bias, stride, padding, dilation, groups)
    return _convnd('conv1d', 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over (N, C, H, W) or unbatched (C, H, W) input; weight
    (OC, C/groups, kH, kW).

    >>> ember.conv2d(ember.ones(1, 1, 4, 4), ember.ones(2, 1, 3, 3), padding=1).shape
    torch.Size([1, 2, 4, 4])
    """
    if AUTOCAST.on:
        return lower_precision(conv2d, input, weight, bias, stride, padding, dilation, groups)
    return _convnd('conv2d', 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution over (N, C, D, H, W) or unbatched (C, D, H, W) input.

    >>> ember.conv3d(ember.ones(1, 1, 3, 3, 3), ember.ones(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 2, 2, 2])
    """
    if AUTOCAST.on:
        return lower_precision(conv3d, input, weight, bias, stride, padding, dilation, groups)
    return _convnd('conv3d', 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 1-D convolution ("deconvolution"); weight (C, OC/groups, k).

    >>> ember.conv_transpose1d(ember.ones(1, 2, 3), ember.ones(2, 1, 3), stride=2).shape
    torch.Size([1, 1, 7])
    """
    if AUTOCAST.on:
        return lower_precision(conv_transpose1d, input, weight, bias, stride, padding,
                               output_padding, groups, dilation)
    return _conv_transposend('conv_transpose1d', 1, input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 2-D convolution; weight (C, OC/groups, kH, kW).

    >>> ember.conv_transpose2d(ember.ones(1, 2, 3, 3), ember.ones(2, 4, 2, 2), stride=2).shape
    torch.Size([1, 4, 6, 6])
    """
    if AUTOCAST.on:
        return lower_precision(conv_transpose2d, input, weight, bias, stride, padding,
                               output_padding, groups, dilation)
    return _conv_transposend('conv_transpose2d', 2, input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 3-D convolution; weight (C, OC/groups, kD, kH, kW).

    >>> ember.conv_transpose3d(ember.ones(1, 1, 2, 2, 2), ember.ones(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 3, 3, 3])
    """
    if AUTOCAST.on:
        return lower_precision(conv_transpose3d, input, weight, bias, stride, padding,
                               output_padding, groups, dilation)
    return _conv_transposend('conv_transpose3d', 3, input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    """The general convolution every ``conv*`` calls (no unbatched inputs, no string padding).

    >>> ember.convolution(ember.ones(1, 1, 4), ember.ones(1, 1, 2), None, [1], [0], [1],
    ...                   False, [0], 1).shape
    torch.Size([1, 1, 3])
    """
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor) or (
            bias is not None and not isinstance(bias, Tensor)):
        raise _not_tensor('convolution', input, weight, bias)
    x, w = input._data, weight._data
    b = None if bias is None else bias._data
    d = max(w.ndim - 2, 1)
    geo = _geometry('convolution', x, w, b, _expand(stride, 1, 'stride', 'convolution'),
                    _expand(padding, 1, 'padding', 'convolution'),
                    _expand(dilation, 1, 'dilation', 'convolution'), groups, bool(transposed),
                    _expand(output_padding, 1, 'output_padding', 'convolution'))
    _dtype_checks(x, w, b, 'convolution', d)
    if transposed:
        return _conv_transposed(input, weight, bias, geo)
    return _conv(input, weight, bias, geo)


# ---- conv_tbc --------------------------------------------------------------------------------
def conv_tbc(input, weight, bias, pad=0):
    """1-D convolution of a (time, batch, channels) sequence with a (k, C, OC) weight.

    >>> ember.conv_tbc(ember.ones(5, 2, 3), ember.ones(3, 3, 4), ember.zeros(4), 1).shape
    torch.Size([5, 2, 4])
    """
    if AUTOCAST.on:
        return lower_precision(conv_tbc, input, weight, bias, pad)
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor) or \
            not isinstance(bias, Tensor):
        raise _not_tensor('conv_tbc', input, weight, bias)
    x, w, b = input._data, weight._data, bias._data
    if x.ndim != 3:
        raise RuntimeError('Input must have 3 dims: time, batch, in_channel')
    if w.ndim != 3:
        raise RuntimeError('Weight tensor must have 3 dims: kernel_width, in_channels, '
                           'out_channels.')
    if b.ndim != 1:
        raise RuntimeError('Bias must be 1-D')
    if x.shape[2] != w.shape[1]:
        raise RuntimeError('Input dim 2 (input channels) is not == dim 1 in the weight tensor '
                           f'(input {list(x.shape)}, weight {list(w.shape)})')
    if w.shape[2] != b.shape[0]:
        raise RuntimeError('Bias size must equal dim 2 in the weight tensor (output channels).')
    pad = int(pad)
    geo = K.Geometry((x.shape[0],), (w.shape[0],), (1,), (1,), (pad,), (pad,), 1)
    if geo.out[0] < 0:
        raise RuntimeError(f'conv_tbc: the sequence of length {x.shape[0]} (padded by {pad}) is '
                           f'shorter than the kernel width {w.shape[0]}')
    _dtype_checks(x, w, b, 'conv_tbc', 1)
    y, _ = K.conv_forward(x.transpose(1, 2, 0), w.transpose(2, 1, 0), geo, b)
    out = wrap(xp_of(y).ascontiguousarray(y.transpose(2, 0, 1)))
    return record(out, 'ConvTbcBackward0', _tbc_backward, (input, weight, bias), (input, weight),
                  ctx=geo, save_if=(1, 0))


def _tbc_backward(node, grad):
    x, w = node.saved()
    geo = node.ctx
    g = grad.permute(1, 2, 0)
    gx = gw = gb = None
    if node.next[0] is not None:
        gx = _conv_gx(g, w.permute(2, 1, 0), geo).permute(2, 0, 1)
    if node.next[1] is not None:
        gw = _conv_gw(x.permute(1, 2, 0), g, geo).permute(2, 1, 0)
    if node.next[2] is not None:
        gb = grad.sum((0, 1))
    return gx, gw, gb


# ---- unfold / fold ---------------------------------------------------------------------------
def _pair(v, what, fname):
    t = _expand(v, 2, what, fname)
    if len(t) != 2:
        raise RuntimeError(f'It is expected {what} equals to 2, but got size {len(t)}')
    return t


class _Patches:
    """Geometry of unfold/fold on (N, C, H, W) images."""
    __slots__ = ('S', 'K', 'dil', 'pad', 'stride', 'out')

    def __init__(self, S, K, dil, pad, stride):
        self.S, self.K, self.dil, self.pad, self.stride = S, K, dil, pad, stride
        self.out = tuple((s + 2 * p - d * (k - 1) - 1) // st + 1
                         for s, k, d, p, st in zip(S, K, dil, pad, stride))


def _im2col(x, pt):
    """(N, C, H, W) -> (N, C*kh*kw, L) (unbatched (C, H, W) -> (C*kh*kw, L))."""
    xp = xp_of(x)
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    n, c = x.shape[:2]
    if any(pt.pad):
        (ph, pw), (h, w) = pt.pad, pt.S
        buf = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), x.dtype)
        buf[:, :, ph:ph + h, pw:pw + w] = x
        x = buf
    else:
        x = xp.ascontiguousarray(x)
    st = x.strides
    view = K.strided_view(x, (n, c) + pt.K + pt.out,
                         (st[0], st[1], st[2] * pt.dil[0], st[3] * pt.dil[1],
                          st[2] * pt.stride[0], st[3] * pt.stride[1]))
    out = xp.ascontiguousarray(view).reshape(n, c * pt.K[0] * pt.K[1], pt.out[0] * pt.out[1])
    return out[0] if unbatched else out


def _col2im(cols, pt):
    """(N, C*kh*kw, L) -> (N, C, H, W), summing overlapping patches (unbatched: no N)."""
    xp = xp_of(cols)
    unbatched = cols.ndim == 2
    if unbatched:
        cols = cols[None]
    n = cols.shape[0]
    (kh, kw), (oh, ow) = pt.K, pt.out
    c = cols.shape[1] // (kh * kw)
    cols = cols.reshape(n, c, kh, kw, oh, ow)
    (ph, pw), (h, w) = pt.pad, pt.S
    buf = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), cols.dtype)
    (dh, dw), (sh, sw) = pt.dil, pt.stride
    for i, j in itertools.product(range(kh), range(kw)):
        buf[:, :, i * dh:i * dh + (oh - 1) * sh + 1:sh,
            j * dw:j * dw + (ow - 1) * sw + 1:sw] += cols[:, :, i, j]
    if ph or pw:
        buf = xp.ascontiguousarray(buf[:, :, ph:ph + h, pw:pw + w])
    return buf[0] if unbatched else buf


def _unfold_op(input, pt):
    out = wrap(_im2col(input._data, pt))
    return record(out, 'Im2ColBackward0', _unfold_backward, (input,), ctx=pt)


def _unfold_backward(node, grad):
    return _fold_op(grad, node.ctx)


def _fold_op(input, pt):
    out = wrap(_col2im(input._data, pt))
    return record(out, 'Col2ImBackward0', _fold_backward, (input,), ctx=pt)


def _fold_backward(node, grad):
    return _unfold_op(grad, node.ctx)


def _patch_args(fname, kernel_size, dilation, padding, stride):
    ks = _pair(kernel_size, 'kernel_size', fname)
    dil = _pair(dilation, 'dilation', fname)
    pad = _pair(padding, 'padding', fname)
    st = _pair(stride, 'stride', fname)
    if any(k <= 0 for k in ks):
        raise RuntimeError(f'kernel size should be greater than zero, but got kernel_height: '
                           f'{ks[0]} kernel_width: {ks[1]}')
    if any(s <= 0 for s in st):
        raise RuntimeError(f'stride should be greater than zero, but got stride_height: {st[0]} '
                           f'stride_width: {st[1]}')
    if any(d <= 0 for d in dil):
        raise RuntimeError(f'dilation should be greater than zero, but got dilation_height: '
                           f'{dil[0]} dilation_width: {dil[1]}')
    if any(p < 0 for p in pad):
        raise RuntimeError(f'padding should be non-negative, but got pad_height: {pad[0]} '
                           f'pad_width: {pad[1]}')
    return ks, dil, pad, st


def _not_for(kernel, dtype):
    return NotImplementedError(f'"{kernel}" not implemented for '
                               f"'{_TNAME.get(dtype.name, dtype.name)}'")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding local blocks: (N, C, H, W) -> (N, C*kh*kw, L) (im2col).

    >>> ember.nn.functional.unfold(ember.ones(1, 2, 4, 4), 2).shape
    torch.Size([1, 8, 9])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"unfold(): argument 'input' must be Tensor, not {type(input).__name__}")
    x = input._data
    if x.ndim < 3:
        raise IndexError(f'Dimension out of range (expected to be in range of [{-max(x.ndim, 1)}, '
                         f'{max(x.ndim, 1) - 1}], but got 2) (unfold takes (N, C, H, W) or '
                         f'(C, H, W) images; the input has size {list(x.shape)}: add a channel '
                         'dimension with unsqueeze(0))')
    ks, dil, pad, st = _patch_args('unfold', kernel_size, dilation, padding, stride)
    if x.ndim > 4 or 0 in x.shape[-3:]:
        raise RuntimeError('Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and '
                           f'other non-zero dimensions for input, but got: {list(x.shape)}')
    if x.dtype.kind in 'iu':
        raise _not_for('im2col_out_cpu', x.dtype)
    pt = _Patches(tuple(x.shape[-2:]), ks, dil, pad, st)
    if any(o < 1 for o in pt.out):
        raise RuntimeError(
            f'Given input with spatial size ({pt.S[0]}, {pt.S[1]}), kernel_size=({ks[0]}, '
            f'{ks[1]}), dilation=({dil[0]}, {dil[1]}), padding=({pad[0]}, {pad[1]}), calculated '
            f'shape of the array of sliding blocks as ({pt.out[0]}, {pt.out[1]}), but its '
            'components must be at least one.')
    return _unfold_op(input, pt)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Combine sliding local blocks into an image, summing overlaps: (N, C*kh*kw, L) ->
    (N, C, H, W) (col2im; the adjoint of :func:`unfold`).

    >>> ember.nn.functional.fold(ember.ones(1, 8, 9), (4, 4), 2)[0, 0]
    tensor([[1., 2., 2., 1.],
            [2., 4., 4., 2.],
            [2., 4., 4., 2.],
            [1., 2., 2., 1.]])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"fold(): argument 'input' must be Tensor, not {type(input).__name__}")
    x = input._data
    osz = _pair(output_size, 'output_size', 'fold')
    ks, dil, pad, st = _patch_args('fold', kernel_size, dilation, padding, stride)
    if x.ndim not in (2, 3) or 0 in x.shape[-2:]:
        raise RuntimeError('Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch '
                           f'size and non-zero dimensions for input, but got: {list(x.shape)}')
    if x.dtype.kind in 'iub':
        raise _not_for('col2im_out_cpu', x.dtype)
    c_k = x.shape[-2]
    if c_k % (ks[0] * ks[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f'of kernel_size, but got input.size(1)={c_k} and '
                           f'kernel_size=({ks[0]}, {ks[1]}).')
    pt = _Patches(osz, ks, dil, pad, st)
    L = pt.out[0] * pt.out[1]
    if x.shape[-1] != L or pt.out[0] < 1 or pt.out[1] < 1:
        raise RuntimeError(
            f'Given output_size=({osz[0]}, {osz[1]}), kernel_size=({ks[0]}, {ks[1]}), '
            f'dilation=({dil[0]}, {dil[1]}), padding=({pad[0]}, {pad[1]}), stride=({st[0]}, '
            f"{st[1]}), expected size of input's dimension 2 to match the calculated number of "
            f'sliding blocks {pt.out[0]} * {pt.out[1]} = {L}, but got input.size(2)='
            f'{x.shape[-1]}.')
    return _fold_op(input, pt)
