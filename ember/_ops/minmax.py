"""Max/min reductions: max, min (whole tensor, along a dim, or elementwise with a tensor),
amax, amin, aminmax, argmax, argmin. Along a dim they return PyTorch's named tuples; the
gradient of a tie is shared evenly (amax/amin, whole-tensor max/min) or goes to the returned
index (max/min along a dim).

>>> ember.tensor([[1., 5.], [3., 2.]]).max(dim=1).indices
tensor([1, 0])
"""
from ._base import Tensor, wrap, record, record_multi, STATE, np, xp_of
from ._reduce_helpers import (_structseq, _VI, _axes, _dim1, _zero_index, _write, _write_many,
                              _unsq, _check_nonempty, _const, _take_pair, _scalar_pair,
                              _evenly_backward)

__all__ = ['max', 'min', 'amax', 'amin', 'aminmax', 'argmax', 'argmin']

_RT_MAX, _RT_MIN = _structseq('max', _VI), _structseq('min', _VI)
_RT_AMINMAX = _structseq('aminmax', ('min', 'max'))


def max(input, dim=None, keepdim=False, *, other=None, out=None):
    """Largest element (0-d tensor); with ``dim``: named tuple ``(values, indices)``;
    with a tensor second argument: elementwise ``maximum``.

    >>> ember.max(ember.tensor([[1., 5.], [3., 2.]]), dim=1)
    torch.return_types.max(
    values=tensor([5., 3.]),
    indices=tensor([1, 0]))
    """
    return _extreme(input, dim, keepdim, other, out, 'max')


def min(input, dim=None, keepdim=False, *, other=None, out=None):
    """Smallest element (0-d tensor); with ``dim``: named tuple ``(values, indices)``;
    with a tensor second argument: elementwise ``minimum``.

    >>> ember.min(ember.tensor([3., 1., 2.]))
    tensor(1.)
    """
    return _extreme(input, dim, keepdim, other, out, 'min')


def _extreme(input, dim, keepdim, other, out, op):
    if other is None and isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        from . import binary
        fn = binary.maximum if op == 'max' else binary.minimum
        return fn(input, other) if out is None else fn(input, other, out=out)
    x = input._data
    if dim is None:
        if keepdim is not False:
            raise TypeError(f'{op}() received an invalid combination of arguments: keepdim= '
                            f'needs dim= ({op}(input, dim, keepdim=True))')
        if x.size == 0:
            raise _no_identity(op)
        res = wrap(x.max() if op == 'max' else x.min())
        if out is not None:
            return _write(out, res)
        return record(res, 'MaxBackward1' if op == 'max' else 'MinBackward1',
                      _evenly_backward, (input,), (input,), save_output=True)
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{op}(): argument 'dim' must be int, not tuple ({op} reduces one dim; "
                        f'for several dims use a{op}(input, dim=(..))')
    axis = _dim1(x, dim, op)
    _check_nonempty(x, (axis,) if x.ndim else None, op)
    cls, name = (_RT_MAX, 'MaxBackward0') if op == 'max' else (_RT_MIN, 'MinBackward0')
    if x.ndim == 0:
        return _scalar_pair(cls, input, name, out, op)
    xp = xp_of(x)
    idx = (xp.argmax if op == 'max' else xp.argmin)(x, axis=axis, keepdims=True)
    return _take_pair(cls, input, idx, axis, keepdim, name, out, op)


def _no_identity(op):
    """PyTorch's error for a whole-tensor max/min of an empty tensor."""
    return RuntimeError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0. "
                        f"Specify the reduction dim with the 'dim' argument.")


def amax(input, dim=(), keepdim=False, *, out=None):
    """Maximum over ``dim`` (int or tuple; all dims by default); ties share the gradient.

    >>> ember.amax(ember.tensor([[1., 5.], [3., 2.]]), dim=0)
    tensor([3., 5.])
    """
    return _amaxmin(input, dim, keepdim, out, 'amax')


def amin(input, dim=(), keepdim=False, *, out=None):
    """Minimum over ``dim`` (int or tuple; all dims by default).

    >>> ember.amin(ember.tensor([[1., 5.], [3., 2.]]), dim=0)
    tensor([1., 2.])
    """
    return _amaxmin(input, dim, keepdim, out, 'amin')


def _amaxmin(input, dim, keepdim, out, op):
    x = input._data
    axes = None if dim is None else _axes(x, dim, op)
    if x.size == 0:
        if axes is None:
            raise _no_identity(op)
        _check_nonempty(x, axes, op)
    r = (x.max if op == 'amax' else x.min)(axis=axes, keepdims=keepdim)
    res = wrap(r)
    if out is not None:
        return _write(out, res)
    return record(res, 'AmaxBackward0' if op == 'amax' else 'AminBackward0', _amax_backward,
                  (input,), (input,), ctx=(axes, keepdim), save_output=True)


def _amax_backward(node, grad):
    x, value = node.saved()
    axes, keepdim = node.ctx
    return _amax_grad(grad, x, value, axes, keepdim)


def _amax_grad(grad, x, value, axes, keepdim):
    """``grad`` of a reduced max/min ``value``, shared evenly among the elements equal to it."""
    xa = x._data
    v = value._data
    if not keepdim and xa.ndim:
        v = v.reshape([1 if axes is None or a in axes else n for a, n in enumerate(xa.shape)])
    mask = xa == v
    with np.errstate(invalid='ignore', divide='ignore'):
        scale = (mask / mask.sum(axis=axes, keepdims=True)).astype(grad._data.dtype)
    return _unsq(grad, axes, keepdim, xa.ndim) * _const(scale)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """Named tuple ``(min, max)`` over all elements or one ``dim``.

    >>> ember.aminmax(ember.tensor([3, 1, 2]))
    torch.return_types.aminmax(
    min=tensor(1),
    max=tensor(3))
    """
    x = input._data
    if dim is None:
        axes = None
    else:
        if isinstance(dim, (tuple, list)):
            raise TypeError("aminmax(): argument 'dim' must be int, not tuple")
        axes = (_dim1(x, dim, 'aminmax'),) if x.ndim else None
    if x.size == 0 and (axes is None or x.shape[axes[0]] == 0):
        raise RuntimeError('aminmax(): cannot compute aminmax over an empty dimension as the '
                           'operation has no identity.')
    kd = keepdim if dim is not None else False
    lo = wrap(x.min(axis=axes, keepdims=kd))
    hi = wrap(x.max(axis=axes, keepdims=kd))
    if out is not None:
        return _RT_AMINMAX(_write_many(out, (lo, hi), 'aminmax'))
    if STATE.enabled and input._rg:
        record_multi((lo, hi), 'AminmaxBackward0', _aminmax_backward, (input,),
                     (input, lo.detach(), hi.detach()), ctx=(axes, kd))
    return _RT_AMINMAX((lo, hi))


def _aminmax_backward(node, g_min, g_max):
    x, lo, hi = node.saved()
    axes, keepdim = node.ctx
    total = None
    for g, v in ((g_min, lo), (g_max, hi)):
        if g is None:
            continue
        part = _amax_grad(g, x, v, axes, keepdim)
        total = part if total is None else total + part
    return total


def argmax(input, dim=None, keepdim=False, *, out=None):
    """Index of the (first) largest element; flattened when ``dim`` is None.

    >>> ember.argmax(ember.tensor([1, 3, 3, 2]))
    tensor(1)
    """
    return _argext(input, dim, keepdim, out, 'argmax')


def argmin(input, dim=None, keepdim=False, *, out=None):
    """Index of the (first) smallest element; flattened when ``dim`` is None.

    >>> ember.argmin(ember.tensor([[2, 1], [0, 5]]), dim=1)
    tensor([1, 0])
    """
    return _argext(input, dim, keepdim, out, 'argmin')


def _argext(input, dim, keepdim, out, op):
    x = input._data
    if x.dtype.kind == 'b':
        raise RuntimeError(f'{op}(): does not support bool input (use .int() or .float() first)')
    xp = xp_of(x)
    fn = xp.argmax if op == 'argmax' else xp.argmin
    if dim is None:
        if x.size == 0:
            raise IndexError(f'{op}(): Expected reduction dim to be specified for '
                             f'input.numel() == 0.')
        r = np.asarray(fn(x), dtype=np.int64) if xp is np else fn(x).astype(np.int64)
        if keepdim:
            r = r.reshape((1,) * x.ndim)
    else:
        if isinstance(dim, (tuple, list)):
            raise TypeError(f"{op}(): argument 'dim' (position 1) must be int, not tuple")
        axis = _dim1(x, dim, op)
        if x.ndim == 0:
            r = _zero_index(x)
        else:
            _check_nonempty(x, (axis,), op)
            r = fn(x, axis=axis, keepdims=keepdim).astype(np.int64, copy=False)
    res = wrap(r)
    return res if out is None else _write(out, res)


METHODS = {name: globals()[name] for name in __all__}
