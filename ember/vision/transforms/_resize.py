"""Tensor resizing for ``ember.vision.transforms``, including torchvision's default antialiasing.

``F.resize`` on a tensor calls ``torch.nn.functional.interpolate(..., antialias=True)`` for
bilinear and bicubic modes. ember's ``interpolate`` has no antialiasing, so the separable
antialiased resampler lives here: per output pixel a filter window (triangle for bilinear,
Keys cubic with a = -0.5 for bicubic, widened by the downscale factor) with weights computed
in the image's float dtype exactly as ATen does, applied along the width and then the height.

>>> from ember.vision.transforms._resize import resize
>>> resize(ember.ones(1, 4, 4), [2, 2], 'bilinear', True)
tensor([[[1., 1.],
         [1., 1.]]])
"""
import numpy as np

import ember
from ember._device import xp_of
from ember._tensor import _make

from ._functional_tensor import _assert_image_tensor, _cast_squeeze_in, _cast_squeeze_out


def _fma(a, b, c, dtype):
    """a * b + c rounded once to float32 (computed exactly in float64, then rounded)."""
    if dtype == np.float32:
        return (a.astype(np.float64) * b + c).astype(np.float32)
    return a * b + c


def _bilinear_filter(x):
    x = np.abs(x)
    return np.where(x < 1.0, 1.0 - x, 0.0).astype(x.dtype)


def _bicubic_filter(x):
    # Keys' cubic convolution with a = -0.5 (PIL's and ATen's antialiasing coefficient);
    # ATen's compiled kernel fuses these multiply-adds, so they round once here as well
    dt = x.dtype
    t = dt.type
    a = t(-0.5)
    x = np.abs(x)
    near = _fma(_fma(x, a + t(2), -(a + t(3)), dt) * x, x, t(1), dt)
    far = _fma(_fma(_fma(x, a, -(t(5) * a), dt), x, t(8) * a, dt), x, -(t(4) * a), dt)
    return np.where(x < 1.0, near, np.where(x < 2.0, far, t(0))).astype(dt)


_FILTERS = {'bilinear': (2, _bilinear_filter), 'bicubic': (4, _bicubic_filter)}
_WEIGHTS_CACHE = {}


def _aa_weights(in_size, out_size, mode, np_dtype):
    """(first input index, taps used, weights) of each output pixel along one axis, in ATen's
    float arithmetic."""
    key = (in_size, out_size, mode, np_dtype)
    hit = _WEIGHTS_CACHE.get(key)
    if hit is not None:
        return hit
    interp_size, filt = _FILTERS[mode]
    t = np_dtype.type
    scale = t(in_size) / t(out_size)
    if scale >= 1.0:
        support = t((interp_size * 0.5) * float(scale))
        invscale = t(1.0 / float(scale))
    else:
        support = t(interp_size * 0.5)
        invscale = t(1.0)
    taps = int(np.ceil(support)) * 2 + 1
    i = np.arange(out_size)
    center = (float(scale) * (i + 0.5)).astype(np_dtype)
    xmin = np.maximum(np.trunc((center - support).astype(np.float64) + 0.5).astype(np.int64), 0)
    xmax = np.trunc((center + support).astype(np.float64) + 0.5).astype(np.int64)
    xsize = np.clip(np.minimum(xmax, in_size) - xmin, 0, taps)
    w = np.zeros((out_size, taps), np_dtype)
    for j in range(taps):
        d = ((j + xmin).astype(np_dtype) - center).astype(np.float64)
        arg = ((d + 0.5) * float(invscale)).astype(np_dtype)
        w[:, j] = np.where(j < xsize, filt(arg), 0)
    total = w[:, 0].copy()
    for j in range(1, taps):
        total += w[:, j]
    safe = np.where(total != 0, total, 1).astype(np_dtype)
    w /= safe[:, None]
    used = max(int(xsize.max()) if out_size else 1, 1)
    hit = (xmin, xsize, w[:, :used])
    _WEIGHTS_CACHE[key] = hit
    if len(_WEIGHTS_CACHE) > 256:
        _WEIGHTS_CACHE.pop(next(iter(_WEIGHTS_CACHE)))
    return hit


def _aa_axis(arr, axis, out_size, mode):
    """Antialiased resampling of ``arr`` (a float NumPy/CuPy array) along ``axis``.

    Each output is ``sum_j src[xmin + j] * w[j]`` accumulated in order; ATen's compiled loop
    adds the taps of its 4-way unrolled part with separate roundings and the remaining taps
    with fused multiply-adds, which is reproduced so float32 results match bit for bit."""
    xp = xp_of(arr)
    in_size = arr.shape[axis]
    xmin, xsize, w = _aa_weights(in_size, out_size, mode, arr.dtype)
    src = xp.moveaxis(arr, axis, -1)
    idx = np.minimum(xmin[:, None] + np.arange(w.shape[1]), in_size - 1)
    unrolled = 4 * ((xsize - 1) // 4)          # taps 1..unrolled: multiply, then add
    fused = arr.dtype == np.float32
    if xp is not np:
        idx, w, unrolled = xp.asarray(idx), xp.asarray(w), xp.asarray(unrolled)
    out = src[..., idx[:, 0]] * w[:, 0]
    for j in range(1, w.shape[1]):
        s = src[..., idx[:, j]]
        plain = out + s * w[:, j]
        if fused:
            fma = (s.astype(xp.float64) * w[:, j] + out).astype(xp.float32)
            out = xp.where(j <= unrolled, plain, fma)
        else:
            out = plain
    return xp.moveaxis(out, -1, axis)


def _dense_weights(in_size, out_size, mode, np_dtype):
    xmin, _, w = _aa_weights(in_size, out_size, mode, np_dtype)
    m = np.zeros((out_size, in_size), np_dtype)
    cols = np.minimum(xmin[:, None] + np.arange(w.shape[1]), in_size - 1)
    np.add.at(m, (np.repeat(np.arange(out_size), w.shape[1]), cols.ravel()), w.ravel())
    return m


def _interpolate_aa_differentiable(img, size, mode):
    # the same weights as two matrix products, so gradients flow (values within an ulp)
    np_dtype = img._data.dtype
    out = img
    if out.shape[-1] != size[1]:
        ww = ember.from_numpy(_dense_weights(out.shape[-1], size[1], mode, np_dtype))
        out = out @ ww.to(img.device).t()
    if out.shape[-2] != size[0]:
        wh = ember.from_numpy(_dense_weights(out.shape[-2], size[0], mode, np_dtype))
        out = wh.to(img.device) @ out
    return out


def _interpolate_aa(img, size, mode):
    if img.requires_grad and ember.is_grad_enabled():
        return _interpolate_aa_differentiable(img, size, mode)
    arr = img._data
    if arr.shape[-1] != size[1]:
        arr = _aa_axis(arr, -1, size[1], mode)
    if arr.shape[-2] != size[0]:
        arr = _aa_axis(arr, -2, size[0], mode)
    return _make(xp_of(arr).ascontiguousarray(arr))


def resize(img, size, interpolation='bilinear', antialias=True):
    """Resize a (..., H, W) tensor to ``size`` = [h, w] as torchvision's tensor backend does."""
    _assert_image_tensor(img)
    size = list(size)
    if antialias is None:
        antialias = False
    if antialias and interpolation not in ('bilinear', 'bicubic'):
        antialias = False           # irrelevant for the other modes, as in torchvision
    shape = img.shape
    if img.ndim > 4:                 # interpolate works on (N, C, H, W)
        img = img.reshape(-1, *shape[-3:])
    out, need_cast, need_squeeze, out_dtype = _cast_squeeze_in(img, [ember.float32, ember.float64])
    if img.ndim == 2:
        out = out.unsqueeze(0)
    if antialias:
        out = _interpolate_aa(out, size, interpolation)
    else:
        align = False if interpolation in ('bilinear', 'bicubic') else None
        out = ember.nn.functional.interpolate(out, size=size, mode=interpolation,
                                              align_corners=align)
    if interpolation == 'bicubic' and out_dtype == ember.uint8:
        out = out.clamp(min=0, max=255)
    if img.ndim == 2:
        out = out.squeeze(0)
    out = _cast_squeeze_out(out, need_cast, need_squeeze, out_dtype)
    if len(shape) > 4:
        out = out.reshape(*shape[:-2], *out.shape[-2:])
    return out
