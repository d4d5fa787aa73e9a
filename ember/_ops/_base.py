"""What every operator module shares: wrapping arrays, operand promotion, graph recording.

An operator is one function: it computes its result on backend arrays, wraps it with
:func:`wrap`, and calls :func:`record` with the name PyTorch gives its grad_fn and a backward
function written next to it. ``record`` is a no-op (one flag test) when grad mode is off or
no input requires grad.

>>> def square(input):
...     out = wrap(input._data * input._data)
...     return record(out, 'PowBackward0', _square_backward, (input,), (input,))
>>> def _square_backward(node, grad):
...     (x,) = node.saved()
...     return grad * 2 * x
"""
import numbers

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _make, Size
from ..autograd.engine import record, record_multi
from ..autograd.grad_mode import STATE
from .._dtype import FLOATING

__all__ = ['Tensor', 'wrap', 'record', 'record_multi', 'STATE', 'operands', 'as_tensor_arg',
           'scalar_value', 'xp_of', 'norm_dim', 'norm_dims', 'Size', 'check_same_device',
           'default_float', 'float_array', 'bump_version', 'check_inplace', 'inplace_result',
           'opmath', 'np']

wrap = _make
_BY_NP = D._BY_NP
_BF16 = D.BF16_NP
_BF16_TYPE = _BF16.type if _BF16 is not None else None


def xp_of(arr):
    """numpy for host arrays, cupy for device arrays."""
    if arr.__class__ is np.ndarray:
        return np
    from .._device import xp_of as _xp
    return _xp(arr)


def default_float():
    return D._default[0].np


def scalar_value(x):
    """A plain Python number for a NumPy scalar / 0-d array argument; Tensors pass through."""
    if x.__class__ in (bool, int, float):
        return x
    if isinstance(x, (np.generic, np.ndarray)) and np.ndim(x) == 0:
        return x.item()
    if isinstance(x, numbers.Number):
        if isinstance(x, complex):
            raise TypeError('ember does not support complex numbers')
        return float(x) if isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral) else int(x)
    raise TypeError(f'expected a Tensor or a number, got {type(x).__name__}')


def _scalar_fits(dt, s):
    """Whether a Python scalar keeps a tensor of dtype ``dt`` at its own dtype (PyTorch rules)."""
    if s.__class__ is float:
        return dt in FLOATING
    if s.__class__ is bool:
        return True
    return dt.kind != 'b'               # int scalar: fine for int and float tensors


def check_same_device(xa, xb, op):
    if xa.__class__ is not xb.__class__ and xa.ndim and xb.ndim:
        from .._device import array_device
        a, b = array_device(xa), array_device(xb)
        raise RuntimeError(f'Expected all tensors to be on the same device, but found at least '
                           f'two devices, {b} and {a}! (in {op}: move both with .to(device))')


def operands(a, b, op='op'):
    """Backend operands of a binary op with PyTorch's result dtype already applied.

    Returns ``(xa, xb)``: arrays (or a Python scalar on one side) whose NumPy result dtype
    equals the dtype PyTorch gives ``op(a, b)``.
    """
    if isinstance(a, Tensor):
        xa = a._data
        if isinstance(b, Tensor):
            xb = b._data
            if xa.dtype is xb.dtype or xa.dtype == xb.dtype:
                if xa.__class__ is not xb.__class__:
                    check_same_device(xa, xb, op)
                return xa, xb
            if xa.__class__ is not xb.__class__:
                check_same_device(xa, xb, op)
            rt = D.result_type(a, b).np
            if xa.dtype != rt:
                xa = xa.astype(rt)
            if xb.dtype != rt:
                xb = xb.astype(rt)
            return xa, xb
        if b.__class__ is np.ndarray and b.ndim:
            return operands(a, _make(b), op)
        b = scalar_value(b)
        if not _scalar_fits(xa.dtype, b):
            xa = xa.astype(D._default[0].np if b.__class__ is float else np.int64)
        elif b.__class__ is float and xa.dtype is _BF16:
            b = _BF16_TYPE(b)           # NumPy would promote bfloat16 with a float to float32
        elif b.__class__ is int and xa.dtype.kind in 'iu':
            info = np.iinfo(xa.dtype)
            if not info.min <= b <= info.max:      # PyTorch wraps out-of-range ints
                b = np.array(b).astype(xa.dtype)[()]
        return xa, b
    if a.__class__ is np.ndarray and a.ndim:
        return operands(_make(a), b, op)
    xb = b._data
    a = scalar_value(a)
    if not _scalar_fits(xb.dtype, a):
        xb = xb.astype(D._default[0].np if a.__class__ is float else np.int64)
    elif a.__class__ is float and xb.dtype is _BF16:
        a = _BF16_TYPE(a)
    return a, xb


def opmath(ufunc, xa, xb, input, other):
    """``ufunc(xa, xb)`` on :func:`operands`' output. For a bfloat16 array with a Python float
    the scalar stays float32 (not rounded to bfloat16 first) and the result is rounded once,
    as PyTorch's CPU kernels compute in float32 ("opmath")."""
    if xb.__class__ is _BF16_TYPE and other.__class__ is float:
        return ufunc(xa, np.float32(other)).astype(_BF16)
    if xa.__class__ is _BF16_TYPE and input.__class__ is float:
        return ufunc(np.float32(input), xb).astype(_BF16)
    return ufunc(xa, xb)


def as_tensor_arg(x, like=None):
    """A Tensor for an argument that may be a number (on ``like``'s device)."""
    if isinstance(x, Tensor):
        return x
    x = scalar_value(x)
    arr = np.asarray(x, dtype=D.scalar_dtype(x).np)
    if like is not None and like._data.__class__ is not np.ndarray:
        arr = xp_of(like._data).asarray(arr)
    return _make(arr)


def float_array(arr):
    """``arr`` as a floating array (ints and bools become the default float dtype)."""
    return arr if arr.dtype in FLOATING else arr.astype(D._default[0].np)


def norm_dim(dim, ndim):
    """Wrap a possibly negative dim, raising PyTorch's IndexError when out of range."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f'Dimension out of range (expected to be in range of [{-n}, {n - 1}], '
                         f'but got {dim})')
    return dim + n if dim < 0 else dim


def norm_dims(dim, ndim):
    """A sorted tuple of wrapped dims for ``dim`` given as None, int, list or tuple."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (norm_dim(int(dim), ndim),)
    dims = tuple(norm_dim(int(d), ndim) for d in dim)
    if len(set(dims)) != len(dims):
        dup = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f'dim {dup} appears multiple times in the list of dims')
    return tuple(sorted(dims))


def bump_version(t):
    """Record an in-place modification of ``t`` (and of every view sharing its counter)."""
    vc = t._vc
    if vc is None:
        t._vc = [1]
    else:
        vc[0] += 1


def check_inplace(t, op):
    """PyTorch's errors for in-place ops on a leaf that requires grad."""
    if t._rg and t.grad_fn is None and STATE.enabled:
        raise RuntimeError(
            'a leaf Variable that requires grad is being used in an in-place operation. '
            f'(in {op}: wrap parameter updates in `with torch.no_grad():`, or use the '
            'out-of-place form)')


def inplace_result(t, result, op):
    """Finish an in-place op computed out of place: write ``result`` into ``t``'s memory,
    bump the version counter and move ``t`` to the new node of the graph."""
    arr = t._data
    res = result._data
    if res.dtype != arr.dtype:
        if not D.can_cast(_BY_NP[res.dtype], _BY_NP[arr.dtype]):
            from .arith import tname
            raise RuntimeError(f"result type {tname(res.dtype)} can't be cast "
                               f"to the desired output type {tname(arr.dtype)}"
                               f' (in {op})')
    if res.shape != arr.shape:
        try:
            np.broadcast_shapes(res.shape, arr.shape)
            ok = np.broadcast_shapes(res.shape, arr.shape) == arr.shape
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(f"output with shape {list(arr.shape)} doesn't match the broadcast "
                               f'shape {list(np.broadcast_shapes(res.shape, arr.shape)) if ok else list(res.shape)}'
                               f' (in {op})')
    if res is not arr:
        if arr.flags.writeable:
            arr[...] = res
        else:
            raise RuntimeError(f'{op}: the tensor is a read-only view (an expand() or a NumPy '
                               'read-only array); call .clone() first')
    bump_version(t)
    fn = result.grad_fn
    if fn is not None:
        if t._base is not None and STATE.enabled:
            _rebase_view(t, fn, result._out_nr)
        t.grad_fn = fn
        t._rg = True
        t._out_nr = result._out_nr
    return t


def _rebase_view(view, fn, out_nr=0):
    """Move the base of ``view`` onto the graph after an in-place op wrote into the view."""
    from .indexing import rebase_view
    rebase_view(view, fn, out_nr)
