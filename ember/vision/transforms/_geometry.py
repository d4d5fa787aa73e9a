"""Rotation and affine warps of tensor images (torchvision's grid-sample based tensor path).

The inverse affine matrix maps each output pixel centre back into the input; the sampling
grid is built in the image's float dtype and read with ``grid_sample`` (nearest or bilinear,
zeros outside), then the outside area gets the ``fill`` colour through an extra mask channel.

>>> from ember.vision.transforms._geometry import inverse_affine_matrix
>>> [round(v, 6) for v in inverse_affine_matrix([0.0, 0.0], 90.0, [0.0, 0.0], 1.0, [0.0, 0.0])]
[0.0, 1.0, 0.0, -1.0, 0.0, 0.0]
"""
import math

import numpy as np

import ember

from ._functional_tensor import _assert_image_tensor, _cast_squeeze_in, _cast_squeeze_out, \
    get_dimensions


def inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    """The 2x3 matrix (row-major list) of ``T * C * R(angle) * S(scale) * Shear * C^-1``
    or, when ``inverted``, of its inverse (which is what PIL and grid sampling want)."""
    rot = math.radians(angle)
    sx = math.radians(shear[0])
    sy = math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    # rotation-shear block without scale: R(rot) * SHy(sy) * SHx(sx)
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    if inverted:
        m = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]   # det of the block is 1
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
        m[2] += cx
        m[5] += cy
    else:
        m = [x * scale for x in (a, b, 0.0, c, d, 0.0)]
        m[2] += m[0] * (-cx) + m[1] * (-cy)
        m[5] += m[3] * (-cx) + m[4] * (-cy)
        m[2] += cx + tx
        m[5] += cy + ty
    return m


def _assert_grid_inputs(img, matrix, interpolation, fill):
    if not isinstance(img, ember.Tensor):
        raise TypeError('Input img should be Tensor')
    _assert_image_tensor(img)
    if matrix is not None and len(matrix) != 6:
        raise ValueError('Argument matrix should have 6 float values')
    channels = get_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != channels:
        raise ValueError("The number of elements in 'fill' cannot broadcast to match the number "
                         f'of channels of the image ({len(fill)} != {channels})')
    if interpolation not in ('nearest', 'bilinear'):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input "
                         "(use 'nearest' or 'bilinear')")


def _affine_grid(theta, w, h, ow, oh):
    # output pixel centres relative to the output centre, mapped by theta, normalised by the
    # input half-size (so "expand" can use an output larger than the input)
    dtype = theta.dtype
    xs = ember.linspace(-ow * 0.5 + 0.5, ow * 0.5 - 0.5, steps=ow, dtype=dtype)
    ys = ember.linspace(-oh * 0.5 + 0.5, oh * 0.5 - 0.5, steps=oh, dtype=dtype)
    base = ember.stack((xs.expand(oh, ow), ys.unsqueeze(-1).expand(oh, ow),
                        ember.ones(oh, ow, dtype=dtype)), dim=-1)
    rescaled = theta.transpose(1, 2) / ember.tensor([0.5 * w, 0.5 * h], dtype=dtype)
    return base.view(1, oh * ow, 3).bmm(rescaled).view(1, oh, ow, 2)


def _apply_grid(img, grid, mode, fill):
    out, need_cast, need_squeeze, out_dtype = _cast_squeeze_in(img, [grid.dtype])
    shape = out.shape
    if out.ndim > 4:
        out = out.reshape(-1, *shape[-3:])
    n = out.shape[0]
    if n > 1:
        grid = grid.expand(n, grid.shape[1], grid.shape[2], grid.shape[3])
    if fill is not None:        # an all-ones channel marks where the image lands
        mask = ember.ones((n, 1, out.shape[2], out.shape[3]), dtype=out.dtype)
        out = ember.cat((out, mask), dim=1)
    out = ember.nn.functional.grid_sample(out, grid, mode=mode, padding_mode='zeros',
                                          align_corners=False)
    if fill is not None:
        mask = out[:, -1:, :, :]
        out = out[:, :-1, :, :]
        mask = mask.expand_as(out)
        fills = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = ember.tensor(fills, dtype=out.dtype).view(1, len(fills), 1, 1).expand_as(out)
        if mode == 'nearest':
            out = ember.where(mask < 0.5, fill_img, out)
        else:
            out = out * mask + (1.0 - mask) * fill_img
    if len(shape) > 4:
        out = out.reshape(*shape[:-2], *out.shape[-2:])
    return _cast_squeeze_out(out, need_cast, need_squeeze, out_dtype)


def affine(img, matrix, interpolation='nearest', fill=None):
    _assert_grid_inputs(img, matrix, interpolation, fill)
    dtype = img.dtype if img.is_floating_point() else ember.float32
    theta = ember.tensor(matrix, dtype=dtype).reshape(1, 2, 3)
    w, h = img.shape[-1], img.shape[-2]
    return _apply_grid(img, _affine_grid(theta, w, h, w, h), interpolation, fill)


def _affine_output_size(matrix, w, h):
    # where the four corners land (image centre at the origin), as float32 like torchvision
    pts = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                    [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]], np.float32)
    theta = np.array(matrix, np.float32).reshape(2, 3)
    new = pts @ theta.T
    lo = new.min(axis=0) + np.array([w * 0.5, h * 0.5], np.float32)
    hi = new.max(axis=0) + np.array([w * 0.5, h * 0.5], np.float32)
    tol = np.float32(1e-4)          # drop ~1e-15 noise before ceil/floor
    cmax = np.ceil(np.trunc(hi / tol) * tol)
    cmin = np.floor(np.trunc(lo / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def rotate(img, matrix, interpolation='nearest', expand=False, fill=None):
    _assert_grid_inputs(img, matrix, interpolation, fill)
    w, h = img.shape[-1], img.shape[-2]
    ow, oh = _affine_output_size(matrix, w, h) if expand else (w, h)
    dtype = img.dtype if img.is_floating_point() else ember.float32
    theta = ember.tensor(matrix, dtype=dtype).reshape(1, 2, 3)
    return _apply_grid(img, _affine_grid(theta, w, h, ow, oh), interpolation, fill)
