"""clamp (alias clip), clamp_min and clamp_max, with bounds given as numbers or tensors.

The gradient passes where the input lies within the bounds, including at the bounds
themselves; NaN inputs pass none.

>>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=0, max=1)
tensor([0.0000, 0.5000, 1.0000])
"""
from ._base import Tensor, wrap, record, xp_of, np
from .. import _dtype as D
from ._elementwise import inplace_method, write_out, broadcast_error, need_tensor
from .binary import where, route_grad

__all__ = ['clamp', 'clip', 'clamp_min', 'clamp_max']


def _clamp_args_error(input, min, max, op):
    kinds = [(k, 'Tensor' if isinstance(v, Tensor) else type(v).__name__)
             for k, v in (('min', min), ('max', max)) if v is not None]
    got = ', '.join(['Tensor'] + [f'{k}={t}' for k, t in kinds])
    return TypeError(f'{op}() received an invalid combination of arguments - got ({got}), but '
                     'expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, '
                     '*, Tensor out = None)\n * (Tensor input, Number min = None, Number max = '
                     'None, *, Tensor out = None)\n(give both bounds as numbers or both as '
                     'tensors)')


def _clamp_forward(input, lo, hi, op):
    """The clamped array: max(input, lo) then min(., hi), in the promoted dtype."""
    need_tensor(input, op, 'input', 1)
    bounds = [b for b in (lo, hi) if b is not None]
    rt = D.result_type(input, *bounds).np
    x = input._data
    if x.dtype != rt:
        x = x.astype(rt)
    xp = xp_of(x)
    try:
        if lo is not None:
            x = xp.maximum(x, lo._data.astype(rt, copy=False) if isinstance(lo, Tensor)
                           else np.asarray(lo).astype(rt)[()])
        if hi is not None:
            x = xp.minimum(x, hi._data.astype(rt, copy=False) if isinstance(hi, Tensor)
                           else np.asarray(hi).astype(rt)[()])
    except ValueError:
        raise broadcast_error(op, *([input] + bounds)) from None
    if x is input._data:
        x = x.copy()
    return x


def clamp(input, min=None, max=None, *, out=None):
    """Limit values to ``[min, max]`` (numbers or tensors; either bound may be None).

    >>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=0, max=1)
    tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tmin, tmax = isinstance(min, Tensor), isinstance(max, Tensor)
    if (tmin or tmax) and ((min is not None and not tmin) or (max is not None and not tmax)):
        raise _clamp_args_error(input, min, max, 'clamp')
    res = wrap(_clamp_forward(input, min, max, 'clamp'))
    if out is not None:
        return write_out(out, res, (input, min, max), 'clamp')
    if tmin or tmax:
        return record(res, 'ClampBackward0', _clamp_tensor_backward, (input, min, max),
                      (input, min, max))
    return record(res, 'ClampBackward1', _clamp_backward, (input,), (input,), ctx=(min, max))


clip = clamp


def _inside(x, lo, hi):
    """Bool tensor: lo <= x <= hi (bounds given may be None); NaN is outside."""
    xd = x._data
    m = None
    if lo is not None:
        m = xd >= (lo._data if isinstance(lo, Tensor) else lo)
    if hi is not None:
        h = xd <= (hi._data if isinstance(hi, Tensor) else hi)
        m = h if m is None else m & h
    return wrap(m)


def _clamp_backward(node, grad):
    (x,) = node.saved()
    lo, hi = node.ctx
    return where(_inside(x, lo, hi), grad, 0.0)


def _clamp_tensor_backward(node, grad):
    x, lo, hi = node.saved()
    nxt = node.next
    gx = where(_inside(x, lo, hi), grad, 0.0) if nxt[0] is not None else None
    gmin = gmax = None
    xd = x._data
    if lo is not None and nxt[1] is not None:
        m = xd < lo._data
        if hi is not None:
            m = m & (lo._data < hi._data)          # with min > max the result is max
        gmin = where(wrap(m), grad, 0.0)
    if hi is not None and nxt[2] is not None:
        m = xd > hi._data
        if lo is not None:
            m = m | (hi._data < lo._data)
        gmax = where(wrap(m), grad, 0.0)
    return gx, gmin, gmax


def clamp_min(input, min):
    """``clamp(input, min=min)``.

    >>> ember.clamp_min(ember.tensor([-1., 2.]), 0)
    tensor([0., 2.])
    """
    return _clamp_one_side('clamp_min', input, min, None, 'ClampMinBackward0', 'ClampMinBackward1')


def clamp_max(input, max):
    """``clamp(input, max=max)``.

    >>> ember.clamp_max(ember.tensor([-1., 2.]), 0)
    tensor([-1.,  0.])
    """
    return _clamp_one_side('clamp_max', input, None, max, 'ClampMaxBackward0', 'ClampMaxBackward1')


def _clamp_one_side(op, input, lo, hi, number_grad_fn, tensor_grad_fn):
    """clamp_min (``hi`` None) or clamp_max (``lo`` None)."""
    res = wrap(_clamp_forward(input, lo, hi, op))
    bound = hi if lo is None else lo
    if isinstance(bound, Tensor):
        return record(res, tensor_grad_fn, _clamp_bound_backward, (input, bound), (input, bound),
                      ctx=1 if hi is None else -1)
    return record(res, number_grad_fn, _clamp_backward, (input,), (input,), ctx=(lo, hi))


def _clamp_bound_backward(node, grad):
    # ctx: 1 for clamp_min, -1 for clamp_max; at the bound the gradient goes to the input
    x, b = node.saved()
    xd, bd = x._data, b._data
    keep = (xd >= bd) if node.ctx > 0 else (xd <= bd)
    return route_grad(grad, wrap(keep), node.next)


METHODS = {'clamp': clamp, 'clip': clamp, 'clamp_min': clamp_min, 'clamp_max': clamp_max}
for _name in ('clamp', 'clip', 'clamp_min', 'clamp_max'):
    METHODS[_name + '_'] = inplace_method(METHODS[_name], _name + '_')
del _name
