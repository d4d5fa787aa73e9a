"""Geometry of vectors: the cross product (``cross``, ``linalg.cross``) and pairwise
distances between rows (``cdist``).

>>> ember.linalg.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]))
tensor([0., 0., 1.])
"""
import math
import warnings

import numpy as np

from ._base import wrap, record, xp_of, norm_dim
from .arith import _write_out
from .products import matmul
from ._linalg_common import (_tname, _dtype_help, _operands, _same_device, _result,
                             _broadcast_error)
from .._dtype import FLOATING

__all__ = ['cross', 'cdist']


# ---- cross products ---------------------------------------------------------------------------
_cross_warned = [False]


def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along ``dim`` (default: the first dim of size 3; prefer
    ``ember.linalg.cross``, which uses the last dim).

    >>> ember.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]), dim=0)
    tensor([0., 0., 1.])
    """
    if dim is None:
        if not _cross_warned[0]:
            _cross_warned[0] = True
            warnings.warn('Using torch.cross without specifying the dim arg is deprecated.\n'
                          'Please either pass the dim explicitly or simply use '
                          'torch.linalg.cross.\nThe default value of dim will change to agree '
                          'with that of linalg.cross in a future release.', UserWarning)
        shape = np.broadcast_shapes(input._data.shape, other._data.shape) \
            if input._data.ndim == other._data.ndim else input._data.shape
        dims = [i for i, s in enumerate(shape) if s == 3]
        if not dims:
            raise RuntimeError('no dimension of size 3 in input')
        dim = dims[0]
    res = linalg_cross(input, other, dim=dim)
    return res if out is None else _write_out(out, res)


def linalg_cross(input, other, *, dim=-1, out=None):
    """``ember.linalg.cross``: cross product of 3-vectors along ``dim`` with broadcasting.

    >>> ember.linalg.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]))
    tensor([0., 0., 1.])
    """
    xa, xb = _operands(input, other, 'linalg_cross')
    if xa.ndim != xb.ndim:
        raise RuntimeError('linalg.cross: inputs must have the same number of dimensions.')
    d = norm_dim(dim, xa.ndim)
    if xa.shape[d] != 3 or xb.shape[d] != 3:
        raise RuntimeError(f'linalg.cross: inputs dimension {dim} must have length 3. Got '
                           f'{xa.shape[d]} and {xb.shape[d]}')
    _same_device(xa, xb, 'cross')
    if xa.dtype != xb.dtype:
        raise RuntimeError(f'expected scalar type {_tname(xa)} but found {_tname(xb)}'
                           + _dtype_help('cross', xa, xb))
    try:
        np.broadcast_shapes(xa.shape, xb.shape)
    except ValueError:
        _broadcast_error(xa.shape, xb.shape)
    return _result(wrap(xp_of(xa).cross(xa, xb, axis=d)), out, 'LinalgCrossBackward0',
                   _cross_backward, (input, other), (input, other), ctx=d)


def _cross_backward(node, grad):
    a, b = node.saved()
    d = node.ctx
    return (linalg_cross(b, grad, dim=d) if node.next[0] is not None else None,
            linalg_cross(grad, a, dim=d) if node.next[1] is not None else None)


# ---- cdist --------------------------------------------------------------------------------------
def cdist(x1, x2, p=2.0, compute_mode='use_mm_for_euclid_dist_if_necessary'):
    """p-norm distances between each row of ``x1`` ``(*, P, M)`` and each row of ``x2``
    ``(*, R, M)``: a ``(*, P, R)`` tensor.

    >>> ember.cdist(ember.zeros(1, 2), ember.tensor([[3., 4.]]))
    tensor([[5.]])
    """
    a, b = _operands(x1, x2, 'cdist', ('x1', 'x2'))
    if a.ndim < 2:
        raise RuntimeError(f'cdist only supports at least 2D tensors, X1 got: {a.ndim}D')
    if b.ndim < 2:
        raise RuntimeError(f'cdist only supports at least 2D tensors, X2 got: {b.ndim}D')
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f'X1 and X2 must have the same number of columns. X1: {a.shape[-1]} '
                           f'X2: {b.shape[-1]}')
    for name, x in (('X1', a), ('X2', b)):
        if x.dtype not in FLOATING:
            raise RuntimeError(f'cdist only supports floating-point dtypes, {name} got: '
                               f'{_tname(x)}')
    if a.dtype != b.dtype:
        raise RuntimeError(f'expected scalar type {_tname(a)} but found {_tname(b)}'
                           + _dtype_help('cdist', a, b))
    p = float(p)
    if p < 0 or math.isnan(p):
        raise RuntimeError('cdist only supports non-negative p values')
    modes = ('use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist',
             'donot_use_mm_for_euclid_dist')
    if compute_mode not in modes:
        raise ValueError(f'{compute_mode} is not a valid value for compute_mode')
    _same_device(a, b, 'cdist')
    _broadcast_error(a.shape[:-2], b.shape[:-2])
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    P, R = a.shape[-2], b.shape[-2]
    use_mm = p == 2 and (compute_mode == modes[1] or (compute_mode == modes[0] and
                                                      (P > 25 or R > 25)))
    xp = xp_of(a)
    if use_mm:
        an = (a * a).sum(-1)[..., :, None]
        bn = (b * b).sum(-1)[..., None, :]
        d2 = xp.matmul(a * -2, xp.swapaxes(b, -1, -2)) + an + bn
        d = xp.sqrt(xp.maximum(d2, 0))
        name = 'ViewBackward0'
    else:
        diff = xp.abs(a[..., :, None, :] - b[..., None, :, :])
        if p == 2:
            d = xp.sqrt((diff * diff).sum(-1))
        elif p == 1:
            d = diff.sum(-1)
        elif p == 0:
            d = (diff != 0).sum(-1).astype(a.dtype)
        elif math.isinf(p):
            d = diff.max(-1) if diff.shape[-1] else xp.zeros(diff.shape[:-1], a.dtype)
        else:
            d = (diff ** p).sum(-1) ** (1 / p)
        name = 'CdistBackward0'
    d = d.astype(a.dtype, copy=False)
    if d.shape[:-2] != batch:
        d = xp.broadcast_to(d, batch + d.shape[-2:]).copy()
    res = wrap(d)
    return record(res, name, _cdist_backward, (x1, x2), (x1, x2), ctx=p, save_output=True)


def _cdist_backward(node, grad):
    x1, x2, d = node.saved()
    p = node.ctx
    if p == 0:
        return (None if node.next[0] is None else x1 * 0,
                None if node.next[1] is None else x2 * 0)
    zero = d == 0
    if p == 2:
        w = grad / (d + zero) * (~zero)                         # 0 where the distance is 0
        g1 = x1 * w.sum(-1, keepdim=True) - matmul(w, x2) if node.next[0] is not None else None
        g2 = (x2 * w.sum(-2).unsqueeze(-1) - matmul(w.mT, x1)
              if node.next[1] is not None else None)
        return g1, g2
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)               # (*, P, R, M)
    g = grad.unsqueeze(-1)
    if p == 1:
        t = g * diff.sign()
    elif math.isinf(p):
        t = g * diff.sign() * (diff.abs() == d.unsqueeze(-1))
    else:
        scale = g / (d + zero).pow(p - 1).unsqueeze(-1) * (~zero).unsqueeze(-1)
        t = scale * diff.sign() * diff.abs().pow(p - 1)
    return (t.sum(-2) if node.next[0] is not None else None,
            -t.sum(-3) if node.next[1] is not None else None)


METHODS = {'cross': cross}
