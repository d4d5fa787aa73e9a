"""What the loss functions share: the reduction argument (with PyTorch's legacy
``size_average``/``reduce`` mapping and the integer enum of the ``torch.xxx`` spellings),
the shape warnings, float32 transcendental helpers and two tiny scalar ops that carry
PyTorch's C++ grad_fn names (``MulBackward1``, ``DivBackward1``).

>>> reduction_of(None, None, 'sum')
'sum'
"""
import warnings

from ._base import Tensor, wrap, record, STATE, np
from ._elementwise import tname
from .. import _dtype as D
from .._dtype import FLOATING

_ENUM = {0: 'none', 1: 'mean', 2: 'sum'}
_VALID = ('none', 'mean', 'sum')
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_WIDEN_LIMIT = 1 << 16


# ---- the reduction argument ------------------------------------------------------------------
def legacy_reduction(size_average, reduce, stacklevel=4):
    """``_Reduction.legacy_get_string``: map the deprecated flags to a reduction, with
    PyTorch's warning."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        ret = 'mean'
    elif reduce:
        ret = 'sum'
    else:
        ret = 'none'
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{ret}' instead.", UserWarning, stacklevel=stacklevel)
    return ret


def check_reduction(reduction, stacklevel=4):
    """``_Reduction.get_enum`` as a string: validates ``reduction`` (ValueError as PyTorch)."""
    if reduction in _VALID:
        return reduction
    if reduction == 'elementwise_mean':
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                      'instead.', UserWarning, stacklevel=stacklevel)
        return 'mean'
    raise ValueError(f"{reduction} is not a valid value for reduction (use 'none', 'mean' or "
                     "'sum')")


def enum_reduction(op, reduction):
    """The reduction of a ``torch.xxx`` loss (an int: 0 none, 1 mean, 2 sum)."""
    if reduction.__class__ is not int:
        raise TypeError(f"{op}(): argument 'reduction' must be int, not "
                        f'{type(reduction).__name__} (torch.{op} takes 0, 1 or 2; '
                        f"F.{op} takes 'none', 'mean' or 'sum')")
    if reduction not in _ENUM:
        raise ValueError(f'{reduction} is not a valid value for reduction (0, 1 or 2)')
    return _ENUM[reduction]


def reduction_of(size_average, reduce, reduction, stacklevel=5):
    """The reduction a loss function uses: the legacy flags win when given (with their
    deprecation warning), else ``reduction`` validated.

    >>> reduction_of(None, None, 'sum')
    'sum'
    """
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce, stacklevel)
    return check_reduction(reduction, stacklevel)


def size_warning(input, target, stacklevel=4):
    """PyTorch's UserWarning when ``target``'s size differs from ``input``'s (the loss then
    broadcasts, which is rarely what was meant)."""
    if input.shape != target.shape:
        warnings.warn(f'Using a target size ({target.shape}) that is different to the input size '
                      f'({input.shape}). This will likely lead to incorrect results due to '
                      'broadcasting. Please ensure they have the same size.', UserWarning,
                      stacklevel=stacklevel)


def broadcast_shape(a, b, op):
    """The broadcast shape of two arrays, with PyTorch's RuntimeError when they don't."""
    sa, sb = a.shape, b.shape
    if sa == sb:
        return sa
    try:
        return np.broadcast_shapes(sa, sb)
    except ValueError:
        n = max(len(sa), len(sb))
        for i in range(1, n + 1):
            x = sa[-i] if i <= len(sa) else 1
            y = sb[-i] if i <= len(sb) else 1
            if x != y and x != 1 and y != 1:
                raise RuntimeError(
                    f'The size of tensor a ({x}) must match the size of tensor b ({y}) at '
                    f'non-singleton dimension {n - i} (in {op}: input shape {list(sa)}, target '
                    f'shape {list(sb)}; give the target the same shape as the input)') from None
        raise


def need_tensor(x, op, arg, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f'{type(x).__name__}')


def not_differentiable(op, arg, t):
    """PyTorch refuses an argument (a class weight, ...) that requires grad."""
    if t is not None and t._rg and STATE.enabled:
        raise RuntimeError(f"The function '{op}' is not differentiable with respect to argument "
                           f"'{arg}'. This input cannot have requires_grad True. (pass "
                           f'{arg}.detach())')


def float_result(input, target, kernel):
    """(x, t, dtype) with PyTorch's promoted dtype of ``input`` and ``target``; an integer
    result raises PyTorch's NotImplementedError."""
    xa, xb = input._data, target._data
    if xa.dtype is xb.dtype or xa.dtype == xb.dtype:
        dt = xa.dtype
    else:
        dt = D.result_type(input, target).np
        xa = xa.astype(dt) if xa.dtype != dt else xa
        xb = xb.astype(dt) if xb.dtype != dt else xb
    if dt not in FLOATING:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{tname(dt)}\' (the input '
                                  'of a loss must be a floating point tensor: call .float())')
    return xa, xb, dt


# ---- array helpers -------------------------------------------------------------------------
def f32_exact(fn, x):
    """``fn(x)`` rounded once for small float32 arrays (computed in float64): agrees with
    PyTorch's nearly correctly rounded float32 kernels far more often than NumPy's."""
    if x.dtype == _F32 and x.size <= _WIDEN_LIMIT and x.__class__ is np.ndarray:
        return fn(x.astype(_F64)).astype(_F32)
    return fn(x)


def reduce_array(arr, reduction):
    """``arr.mean()`` / ``arr.sum()`` as ember's (PyTorch-ordered) reductions, or ``arr``."""
    if reduction == 'none':
        return arr
    from .reduction import mean, sum as sum_
    t = wrap(arr)
    return (mean(t) if reduction == 'mean' else sum_(t))._data


def reduce_tensor(loss, reduction):
    """``apply_loss_reduction``: ``loss.mean()``, ``loss.sum()`` or ``loss``."""
    if reduction == 'mean':
        return loss.mean()
    if reduction == 'sum':
        return loss.sum()
    return loss


def quiet_call(fn, *args):
    from ._elementwise import quiet
    return quiet(fn, *args)


# ---- scalar ops with PyTorch's C++ node names -----------------------------------------------
def mul_scalar(t, s):
    """``t * s`` for a Python number ``s``, recorded as ``MulBackward1`` (a C++ mul by a
    Scalar in PyTorch)."""
    x = t._data
    res = wrap(x * x.dtype.type(s) if x.dtype in FLOATING else x * s)
    return record(res, 'MulBackward1', _mul_scalar_backward, (t,), ctx=s)


def _mul_scalar_backward(node, grad):
    return mul_scalar(grad, node.ctx)


def add_scalar(t, s):
    """``t + s`` for a Python number ``s``, recorded as ``AddBackward1``."""
    x = t._data
    res = wrap(x + x.dtype.type(s) if x.dtype in FLOATING else x + s)
    return record(res, 'AddBackward1', _pass_backward, (t,))


def sub_scalar(t, s):
    """``t - s`` for a Python number ``s``, recorded as ``SubBackward1``."""
    x = t._data
    res = wrap(x - x.dtype.type(s) if x.dtype in FLOATING else x - s)
    return record(res, 'SubBackward1', _pass_backward, (t,))


def _pass_backward(node, grad):
    return grad


def div_scalar(t, s):
    """``t / s`` for a Python number ``s``, recorded as ``DivBackward1``."""
    x = t._data
    res = wrap(x / x.dtype.type(s) if x.dtype in FLOATING else x / s)
    return record(res, 'DivBackward1', _div_scalar_backward, (t,), ctx=s)


def _div_scalar_backward(node, grad):
    return div_scalar(grad, node.ctx)
