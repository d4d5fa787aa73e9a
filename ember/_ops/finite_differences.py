"""Differences along a dim and the trapezoid rule: diff, trapezoid (trapz),
cumulative_trapezoid. Built from narrow, sub, sum and cumsum, so they differentiate (to any
order) like PyTorch's composite versions.

>>> ember.diff(ember.tensor([1, 4, 9, 16]))
tensor([3, 5, 7])
"""
import numbers

from ._base import Tensor, norm_dim
from ._elementwise import write_out, need_tensor
from .joining import cat
from .._dtype import FLOATING

__all__ = ['diff', 'trapezoid', 'trapz', 'cumulative_trapezoid']


# ---- diff -----------------------------------------------------------------------------------
def _with_ends(input, dim, prepend, append):
    """``input`` with ``prepend`` / ``append`` concatenated along ``dim`` (dtypes promote)."""
    parts = []
    for name, t in (('prepend', prepend), (None, input), ('append', append)):
        if t is None:
            continue
        if name is not None:
            need_tensor(t, 'diff', name, 4 if name == 'prepend' else 5)
            if t._data.ndim != input._data.ndim:
                raise RuntimeError('diff expects prepend or append to be the same dimension as '
                                   f'input (input has {input._data.ndim} dims, {name} has '
                                   f'{t._data.ndim})')
        parts.append(t)
    return cat(parts, dim) if len(parts) > 1 else input


def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """The ``n``-th forward difference along ``dim`` (``x[i+1] - x[i]``; exclusive or for
    bool), after concatenating ``prepend`` and ``append`` along ``dim``.

    >>> ember.diff(ember.tensor([[1., 3.], [2., 7.]]), dim=0)
    tensor([[1., 4.]])
    """
    need_tensor(input, 'diff', 'input', 1)
    if input._data.ndim == 0:
        raise RuntimeError('diff expects input to be at least one-dimensional')
    if n < 0:
        raise RuntimeError(f'order must be non-negative but got {n}')
    d = norm_dim(dim, input._data.ndim)
    res = _with_ends(input, d, prepend, append)
    if n == 0:
        res = res.clone()
    is_bool = res._data.dtype.kind == 'b'
    for _ in range(min(n, res._data.shape[d])):
        length = res._data.shape[d] - 1
        hi, lo = res.narrow(d, 1, length), res.narrow(d, 0, length)
        res = hi.logical_xor(lo) if is_bool else hi - lo
    if out is not None:
        return write_out(out, res, (input,), 'diff')
    return res


# ---- trapezoid rule -----------------------------------------------------------------------
def _trapezoid_args(y, x, dx, dim, op):
    need_tensor(y, op, 'y', 1)
    if x is not None and dx is not None:
        raise TypeError(f'{op}() received an invalid combination of arguments - got both x '
                        'and dx; pass sample points x or a spacing dx, not both')
    if x is not None and not isinstance(x, Tensor):
        raise TypeError(f'{op}() received an invalid combination of arguments - got x of type '
                        f'{type(x).__name__}; x must be a Tensor (use dx= for a constant '
                        'spacing)')
    d = norm_dim(dim, y._data.ndim) if y._data.ndim else None
    if d is None:
        raise IndexError(f'Dimension specified as {dim} but tensor has no dimensions')
    if y._data.dtype.kind == 'b' or (x is not None and x._data.dtype.kind == 'b'):
        raise RuntimeError(f'{op}: received a bool input for `y` or `x`, but bool is not '
                           'supported')
    if dx is None:
        dx = 1
    elif x is None and (isinstance(dx, bool) or not isinstance(dx, numbers.Real)):
        raise RuntimeError(f'{op}: Currently, we only support dx as a real number.')
    return d, dx


def _spacing(y, x, d, op):
    """``x[i+1] - x[i]`` along ``d``, shaped to broadcast against the pairs of ``y``."""
    ny = y._data.ndim
    xs = x._data.shape
    if len(xs) == 1:
        if xs[0] != y._data.shape[d]:
            raise RuntimeError(f'{op}: There must be one `x` value for each sample point '
                               f'(x has {xs[0]}, y has {y._data.shape[d]} along dim {d})')
        x = x.reshape(tuple(xs[0] if i == d else 1 for i in range(ny)))
    elif len(xs) < ny:
        x = x.reshape((1,) * (ny - len(xs)) + tuple(xs))
    length = x._data.shape[d] - 1
    return x.narrow(d, 1, length) - x.narrow(d, 0, length)


def _pair_sums(y, d):
    length = y._data.shape[d] - 1
    return y.narrow(d, 0, length) + y.narrow(d, 1, length)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """Integral of ``y`` along ``dim`` by the trapezoid rule, with sample points ``x`` (a
    tensor) or a constant spacing ``dx`` (default 1).

    >>> ember.trapezoid(ember.tensor([1., 2., 3.]), ember.tensor([0., 1., 3.]))
    tensor(6.5000)
    """
    d, dx = _trapezoid_args(y, x, dx, dim, 'trapezoid')
    if y._data.shape[d] == 0:
        return y.sum(d) * 0 if y._data.dtype in FLOATING else y.sum(d).to(y.dtype) * 0
    if x is None:
        return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * float(dx)
    return ((_spacing(y, x, d, 'trapezoid') * _pair_sums(y, d)) / 2.0).sum(d)


def trapz(y, x=None, *, dx=None, dim=-1):
    """Alias of :func:`trapezoid`.

    >>> ember.trapz(ember.tensor([1., 2., 3.]), dx=2.)
    tensor(8.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """Running integral of ``y`` along ``dim`` by the trapezoid rule (one value fewer than
    ``y`` along ``dim``).

    >>> ember.cumulative_trapezoid(ember.tensor([1., 2., 3.]))
    tensor([1.5000, 4.0000])
    """
    d, dx = _trapezoid_args(y, x, dx, dim, 'cumulative_trapezoid')
    if y._data.shape[d] == 0:
        return y.clone() if y._data.dtype in FLOATING else y.float()
    if x is None:
        return (float(dx) / 2.0 * _pair_sums(y, d)).cumsum(d)
    return ((_spacing(y, x, d, 'cumulative_trapezoid') * _pair_sums(y, d)) / 2.0).cumsum(d)


METHODS = {'diff': diff}
