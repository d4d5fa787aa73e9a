"""Reductions: sum, mean, max, std, norm, sort, topk, unique, ... over all elements or ``dim``.

``dim`` is an int or (where PyTorch accepts it) a tuple of ints, negative dims count from the
end, ``keepdim=True`` keeps reduced dims with size 1. Ops returning values and indices give
PyTorch's named tuples (``torch.return_types.max(values=..., indices=...)``); indices are
int64 and never carry a grad_fn.

>>> ember.tensor([[1., 2.], [3., 4.]]).sum(dim=0)
tensor([4., 6.])
"""
import math
import sys
import types
import warnings

from ._base import (Tensor, wrap, record, record_multi, STATE, np, norm_dim, norm_dims, xp_of,
                    default_float)
from .. import _dtype as D

__all__ = ['sum', 'mean', 'nansum', 'nanmean', 'prod', 'max', 'min', 'amax', 'amin', 'aminmax',
           'argmax', 'argmin', 'std', 'var', 'std_mean', 'var_mean', 'norm', 'logsumexp',
           'cumsum', 'cumprod', 'cummax', 'cummin', 'all', 'any', 'median', 'nanmedian', 'mode',
           'topk', 'kthvalue', 'sort', 'argsort', 'msort', 'unique', 'unique_consecutive',
           'count_nonzero']

_builtin_max, _builtin_any = max, any     # the module defines its own max/any


# ---- named tuples (torch.return_types) ---------------------------------------------------
return_types = types.ModuleType('ember.return_types',
                                'Named tuples returned by ops like max(dim), sort, topk.')


def _structseq(name, fields):
    """A tuple subclass like PyTorch's ``torch.return_types.<name>`` (fields by name or index)."""
    def __new__(cls, seq):
        seq = tuple(seq)
        if len(seq) != len(fields):
            raise TypeError(f'torch.return_types.{name}() takes a {len(fields)}-sequence '
                            f'({len(seq)}-sequence given)')
        return tuple.__new__(cls, seq)

    def __repr__(self):
        body = ',\n'.join(f'{f}={v!r}' for f, v in zip(fields, self))
        return f'torch.return_types.{name}(\n{body})'

    def __reduce__(self):
        return (cls, (tuple(self),))

    ns = {'__slots__': (), '__new__': __new__, '__repr__': __repr__, '__str__': __repr__,
          '__reduce__': __reduce__, 'n_fields': len(fields), 'n_sequence_fields': len(fields),
          'n_unnamed_fields': 0, '_fields': fields, '__module__': 'ember.return_types'}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, _i=i: tuple.__getitem__(self, _i))
    cls = type(name, (tuple,), ns)
    setattr(return_types, name, cls)
    return cls


_VI = ('values', 'indices')
_RT_MAX, _RT_MIN = _structseq('max', _VI), _structseq('min', _VI)
_RT_AMINMAX = _structseq('aminmax', ('min', 'max'))
_RT_CUMMAX, _RT_CUMMIN = _structseq('cummax', _VI), _structseq('cummin', _VI)
_RT_MEDIAN, _RT_NANMEDIAN = _structseq('median', _VI), _structseq('nanmedian', _VI)
_RT_MODE, _RT_KTH = _structseq('mode', _VI), _structseq('kthvalue', _VI)
_RT_TOPK, _RT_SORT = _structseq('topk', _VI), _structseq('sort', _VI)
sys.modules['ember.return_types'] = return_types
if 'ember' in sys.modules:           # ember.return_types, as torch.return_types
    sys.modules['ember'].return_types = return_types


# ---- argument helpers -----------------------------------------------------------------------
def _type_word(np_dtype):
    return {'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte',
            'bool': 'Bool', 'float32': 'Float', 'float64': 'Double', 'float16': 'Half'}.get(
        str(np_dtype), str(np_dtype))


def _axes(x, dim, op):
    """Sorted axes to reduce for ``dim`` (int, tuple or list), or None for all of them."""
    if dim.__class__ is int:
        d = norm_dim(dim, x.ndim)
        return (d,) if x.ndim else None
    if isinstance(dim, (tuple, list)):
        if not dim:
            return None
        for d in dim:
            if not isinstance(d, (int, np.integer)) or isinstance(d, bool):
                raise TypeError(f"{op}(): argument 'dim' must be tuple of ints, but found element "
                                f'of type {type(d).__name__}')
        axes = norm_dims(dim, x.ndim)
        return axes if x.ndim else None
    if isinstance(dim, np.integer):
        return _axes(x, int(dim), op)
    raise TypeError(f"{op}(): argument 'dim' must be int or tuple of ints, not "
                    f'{type(dim).__name__}')


def _dim1(x, dim, op):
    """A single wrapped dim (ops that accept only an int ``dim``)."""
    if dim.__class__ is not int:
        if isinstance(dim, np.integer):
            dim = int(dim)
        elif isinstance(dim, Tensor) and dim._data.ndim == 0 and dim._data.dtype.kind in 'iu':
            dim = int(dim._data)
        else:
            raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    return norm_dim(dim, x.ndim)


def _host(x):
    """A NumPy view of a backend array (copied from the GPU when needed)."""
    return x if x.__class__ is np.ndarray else x.get()


def _zero_index(x):
    return xp_of(x).zeros((), np.int64)


def _np_dtype(dtype):
    return None if dtype is None else D.to_dtype(dtype).np


def _write(out, res):
    from .arith import _write_out
    return _write_out(out, res)


def _write_many(out, results, op):
    if not isinstance(out, (tuple, list)) or len(out) != len(results):
        raise TypeError(f'{op}(): argument out must be a tuple of {len(results)} Tensors')
    for o, r in zip(out, results):
        _write(o, r)
    return tuple(out)


def _unsq(grad, axes, keepdim, ndim):
    """Re-insert reduced dims (size 1) so ``grad`` broadcasts against the input."""
    if keepdim or not ndim:
        return grad
    if axes is None:
        return grad.reshape((1,) * ndim)
    for a in axes:
        grad = grad.unsqueeze(a)
    return grad


def expand_reduced(grad, shape, axes, keepdim):
    """Broadcast a reduced gradient back to the input's ``shape``."""
    if axes is not None and not keepdim and shape:     # (a full reduction broadcasts as is)
        for a in axes:
            grad = grad.unsqueeze(a)
    return grad.expand(shape)


def _check_nonempty(x, axes, op):
    """PyTorch's IndexError for max-like reductions (no identity) over an empty dim."""
    if x.size:
        return
    for a in (range(x.ndim) if axes is None else axes):
        if x.shape[a] == 0:
            raise IndexError(f'{op}(): Expected reduction dim {a} to have non-zero size.')


def _float_only(x, op):
    if x.dtype.kind != 'f':
        raise RuntimeError(f'{op}(): expected input to have floating point or complex dtype '
                           f'but got {_type_word(x.dtype)}')


# ---- small differentiable helpers (backward formulas use these) --------------------------------
def _full_index(xp, index, axis):
    idx = []
    for a, n in enumerate(index.shape):
        if a == axis:
            idx.append(index)
        else:
            shape = [1] * index.ndim
            shape[a] = n
            idx.append(xp.arange(n).reshape(shape))
    return tuple(idx)


def _scatter(src, index, axis, shape, accumulate=False):
    """``zeros(shape)`` with ``src`` written (or summed) at ``index`` along ``axis``."""
    s = src._data
    xp = xp_of(s)
    out = xp.zeros(shape, s.dtype)
    if len(shape) == 0:
        out[...] = s
    elif not accumulate:
        out[_full_index(xp, index, axis)] = s
    elif xp is np:
        np.add.at(out, _full_index(xp, index, axis), s)
    else:
        import cupyx
        cupyx.scatter_add(out, _full_index(xp, index, axis), s)
    return record(wrap(out), 'ScatterAddBackward0' if accumulate else 'ScatterBackward0',
                  _scatter_backward, (src,), ctx=(index, axis))


def _scatter_backward(node, grad):
    index, axis = node.ctx
    return _gather(grad, index, axis)


def _gather(src, index, axis):
    s = src._data
    out = s.copy() if s.ndim == 0 else xp_of(s).take_along_axis(s, index, axis)
    return record(wrap(out), 'GatherBackward0', _gather_backward, (src,), ctx=(index, axis))


def _gather_backward(node, grad):
    index, axis = node.ctx
    return _scatter(grad, index, axis, node.meta[0][0], accumulate=True)


def _fill0(t, mask):
    """``t.masked_fill(mask, 0)`` for a constant boolean array ``mask`` (broadcastable)."""
    x = t._data
    out = xp_of(x).where(mask, x.dtype.type(0), x)
    return record(wrap(out), 'MaskedFillBackward0', _fill0_backward, (t,), ctx=mask)


def _fill0_backward(node, grad):
    return _fill0(grad, node.ctx)


def _const(arr):
    return wrap(arr)


def _flip(t, axis):
    x = t._data
    out = xp_of(x).ascontiguousarray(xp_of(x).flip(x, axis))
    return record(wrap(out), 'FlipBackward0', _flip_backward, (t,), ctx=axis)


def _flip_backward(node, grad):
    return _flip(grad, node.ctx)


def _shift(t, axis, reverse):
    """Shift by one along ``axis`` (forward: ``[1, x0, .., x(n-2)]``; reverse:
    ``[x1, .., x(n-1), 1]``); the vacated slot is 1 (0 in the backward)."""
    x = t._data
    out = _shift_array(x, axis, reverse, 1)
    return record(wrap(out), 'CatBackward0', _shift_backward, (t,), ctx=(axis, reverse))


def _shift_array(x, axis, reverse, fill):
    out = xp_of(x).empty_like(x)
    lead = (slice(None),) * axis
    if reverse:
        out[lead + (slice(0, -1),)] = x[lead + (slice(1, None),)]
        out[lead + (-1,)] = fill
    else:
        out[lead + (slice(1, None),)] = x[lead + (slice(0, -1),)]
        out[lead + (0,)] = fill
    return out


def _shift_backward(node, grad):
    axis, reverse = node.ctx
    g = grad._data
    out = _shift_array(g, axis, not reverse, 0)
    return record(wrap(out), 'CatBackward0', _shift0_backward, (grad,), ctx=(axis, not reverse))


def _shift0_backward(node, grad):
    axis, reverse = node.ctx
    out = _shift_array(grad._data, axis, not reverse, 0)
    return record(wrap(out), 'CatBackward0', _shift0_backward, (grad,), ctx=(axis, not reverse))


def _rcumsum(t, axis):
    """Reverse cumulative sum (``flip(cumsum(flip(t)))``), the backward of cumsum."""
    return _flip(cumsum(_flip(t, axis), axis), axis)


_ndarray, _add_reduce = np.ndarray, np.add.reduce


# ---- sum / mean / nansum / nanmean / prod ------------------------------------------------------
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum of all elements, or over ``dim`` (int or tuple). Integer and bool inputs give int64.

    >>> ember.sum(ember.tensor([[1, 2], [3, 4]]), dim=1)
    tensor([3, 7])
    """
    x = input._data
    axes = None if dim is None else _axes(x, dim, 'sum')
    if dtype is None:
        k = x.dtype.kind
        acc = None if k == 'f' and x.dtype.itemsize > 2 else (
            np.int64 if k in 'biu' else np.float32)
    else:
        acc = D.to_dtype(dtype).np
    if x.__class__ is _ndarray:         # ufunc.reduce directly: skips ndarray.sum's wrapper
        r = _add_reduce(x, axes, acc, None, keepdim)
    else:
        r = x.sum(axis=axes, dtype=acc, keepdims=keepdim)
    if dtype is None and acc is np.float32:         # float16: accumulate in float32
        r = r.astype(x.dtype)
    res = wrap(r)
    if out is not None:
        return _write(out, res)
    if not input._rg or res._data.dtype.kind != 'f':
        return res
    return record(res, 'SumBackward0' if dim is None else 'SumBackward1', _sum_backward,
                  (input,), ctx=(axes, keepdim))


def _sum_backward(node, grad):
    axes, keepdim = node.ctx
    return expand_reduced(grad, node.meta[0][0], axes, keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean (floating inputs only, as PyTorch; or pass ``dtype=``).

    >>> ember.tensor([1., 2., 3., 4.]).mean()
    tensor(2.5000)
    """
    x = input._data
    if dtype is not None:
        dt = D.to_dtype(dtype).np
        if np.dtype(dt).kind != 'f':
            raise RuntimeError('mean(): could not infer output dtype. Optional dtype must be '
                               f'either a floating point or complex dtype. Got: {_type_word(dt)}')
        x = x.astype(dt)
    elif x.dtype.kind != 'f':
        raise RuntimeError('mean(): could not infer output dtype. Input dtype must be either a '
                           f'floating point or complex dtype. Got: {_type_word(x.dtype)} (use '
                           '.float() first, or pass dtype=torch.float32)')
    axes = None if dim is None else _axes(x, dim, 'mean')
    # sum / n (cheaper than ndarray.mean); float16 accumulates in float32 as PyTorch
    acc = np.float32 if x.dtype.itemsize == 2 else None
    r = (_add_reduce(x, axes, acc, None, keepdim) if x.__class__ is _ndarray else
         x.sum(axis=axes, keepdims=keepdim, dtype=acc))
    n = x.size // r.size if r.size else 0
    if n:
        r = r / n
    elif r.size:                                    # mean over an empty dim: nan
        with np.errstate(invalid='ignore'):
            r = r / r.dtype.type(0)
    res = wrap(r if r.dtype == x.dtype else r.astype(x.dtype))
    if out is not None:
        return _write(out, res)
    if not input._rg:
        return res
    return record(res, 'MeanBackward0' if dim is None else 'MeanBackward1', _mean_backward,
                  (input,), ctx=(axes, keepdim, n))


def _mean_backward(node, grad):
    axes, keepdim, n = node.ctx
    return expand_reduced(grad, node.meta[0][0], axes, keepdim) / n


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum treating NaN as zero.

    >>> ember.nansum(ember.tensor([1., float('nan'), 2.]))
    tensor(3.)
    """
    x = input._data
    axes = None if dim is None else _axes(x, dim, 'nansum')
    if dtype is not None:
        x = x.astype(D.to_dtype(dtype).np)
    if x.dtype.kind in 'biu':
        r = x.sum(axis=axes, dtype=np.int64, keepdims=keepdim)
    else:
        r = xp_of(x).nansum(x, axis=axes, keepdims=keepdim)
    res = wrap(r if r.dtype == x.dtype or x.dtype.kind != 'f' else r.astype(x.dtype))
    if out is not None:
        return _write(out, res)
    if res._data.dtype.kind != 'f':
        return res
    return record(res, 'NansumBackward0', _nansum_backward, (input,),
                  ctx=(axes, keepdim, xp_of(x).isnan(x)))


def _nansum_backward(node, grad):
    axes, keepdim, nan = node.ctx
    # grad * ~isnan(x), as PyTorch (so an inf/nan incoming gradient stays nan at NaN inputs)
    keep = _const((~nan).astype(grad._data.dtype))
    with np.errstate(invalid='ignore'):
        return _unsq(grad, axes, keepdim, len(node.meta[0][0])) * keep


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean over the non-NaN elements.

    >>> ember.nanmean(ember.tensor([1., float('nan'), 2.]))
    tensor(1.5000)
    """
    x = input._data
    _float_only(x, 'nanmean')
    axes = None if dim is None else _axes(x, dim, 'nanmean')
    count = wrap((~xp_of(x).isnan(x)).sum(axis=axes, keepdims=keepdim, dtype=np.int64))
    from .arith import div
    with np.errstate(invalid='ignore', divide='ignore'):
        res = div(nansum(input, dim, keepdim, dtype=dtype), count)
    if out is not None:
        return _write(out, res.detach())
    return res


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product of all elements, or over one ``dim``. Integer and bool inputs give int64.

    >>> ember.prod(ember.tensor([[1., 2.], [3., 4.]]), 1)
    tensor([ 2., 12.])
    """
    x = input._data
    if dim is None:
        if keepdim:
            raise TypeError('prod() received an invalid combination of arguments: keepdim= needs '
                            'dim= (use prod(input, dim, keepdim=True))')
        axis = None
    else:
        if isinstance(dim, (tuple, list)):
            raise TypeError('prod() received an invalid combination of arguments - got (tuple), '
                            'but expected one of: (*, dtype), (int dim, bool keepdim=False, *, '
                            'dtype) (prod reduces one dim at a time)')
        axis = _dim1(x, dim, 'prod')
    if dtype is not None:
        dt = D.to_dtype(dtype)
        if dt.np != x.dtype:
            input = input.to(dt)
            x = input._data
    acc = np.int64 if x.dtype.kind in 'biu' else None
    if x.ndim == 0:
        r = x.astype(acc or x.dtype, copy=True)
    else:
        with np.errstate(over='ignore', invalid='ignore'):
            r = x.prod(axis=axis, dtype=acc, keepdims=keepdim)
    res = wrap(r)
    if out is not None:
        return _write(out, res)
    if res._data.dtype.kind != 'f':
        return res
    return record(res, 'ProdBackward0' if dim is None else 'ProdBackward1', _prod_backward,
                  (input,), (input,), ctx=(axis, keepdim), save_output=True)


def _prod_backward(node, grad):
    x, result = node.saved()
    axis, keepdim = node.ctx
    if x._data.ndim == 0:
        return grad
    if axis is None:
        grad = grad.reshape((1,) * x._data.ndim)
        result = result.reshape((1,) * x._data.ndim)
    elif not keepdim:
        grad, result = grad.unsqueeze(axis), result.unsqueeze(axis)
    if not (x._data == 0).any():
        return grad * (result / x)
    if axis is None:
        flat = x.reshape(-1)
        return grad * _exclusive_prod(flat, 0).reshape(x.shape)
    return grad * _exclusive_prod(x, axis)


def _exclusive_prod(x, axis):
    """Product of all other elements along ``axis`` (exact with zeros, differentiable)."""
    before = cumprod(_shift(x, axis, False), axis)
    after = _flip(cumprod(_flip(_shift(x, axis, True), axis), axis), axis)
    return before * after


# ---- max / min / amax / amin / aminmax / argmax / argmin ---------------------------------------
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
            raise RuntimeError(f"{op}(): Expected reduction dim to be specified for input.numel() "
                               f"== 0. Specify the reduction dim with the 'dim' argument.")
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
    if x.ndim == 0:
        vals, idx = x.copy(), _zero_index(x)
        res = _select(input, vals, idx, None, False, 'MaxBackward0' if op == 'max' else
                      'MinBackward0')
        return _pair(_RT_MAX if op == 'max' else _RT_MIN, res, idx, out, op)
    xp = xp_of(x)
    idx = (xp.argmax if op == 'max' else xp.argmin)(x, axis=axis, keepdims=True)
    vals = xp.take_along_axis(x, idx, axis)
    res = _select(input, vals, idx, axis, keepdim, 'MaxBackward0' if op == 'max' else
                  'MinBackward0')
    return _pair(_RT_MAX if op == 'max' else _RT_MIN, res, idx if keepdim else
                 idx.squeeze(axis), out, op)


def _select(input, vals, idx, axis, keepdim, name):
    """Values picked at ``idx`` (kept dims) along ``axis``; gradient flows back to them."""
    if axis is not None and not keepdim:
        vals = vals.squeeze(axis)
    res = wrap(vals)
    return record(res, name, _select_backward, (input,), ctx=(idx, axis, keepdim))


def _select_backward(node, grad):
    idx, axis, keepdim = node.ctx
    if axis is None:
        return grad
    if not keepdim:
        grad = grad.unsqueeze(axis)
    return _scatter(grad, idx, axis, node.meta[0][0])


def _pair(cls, values, indices, out, op):
    ind = wrap(indices if indices.dtype == np.int64 else indices.astype(np.int64))
    if out is not None:
        return cls(_write_many(out, (values, ind), op))
    return cls((values, ind))


def _evenly_backward(node, grad):
    """Gradient of a whole-tensor max/min/median: shared evenly among the tied elements."""
    x, value = node.saved()
    xa, v = x._data, value._data
    xp = xp_of(xa)
    mask = xp.isnan(xa) if v.dtype.kind == 'f' and xp.isnan(v) else (xa == v)
    return grad * _const((mask / mask.sum()).astype(grad._data.dtype))


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
            raise RuntimeError(f"{op}(): Expected reduction dim to be specified for "
                               f"input.numel() == 0. Specify the reduction dim with the 'dim' "
                               f'argument.')
        _check_nonempty(x, axes, op)
    r = (x.max if op == 'amax' else x.min)(axis=axes, keepdims=keepdim)
    res = wrap(r)
    if out is not None:
        return _write(out, res)
    return record(res, 'AmaxBackward0' if op == 'amax' else 'AminBackward0', _amax_backward,
                  (input,), (input,), ctx=(axes, keepdim), save_output=True)


def _amax_mask_scale(x, value, axes, keepdim, dtype):
    xa = x._data
    v = value._data
    if not keepdim and xa.ndim:
        v = v.reshape([1 if axes is None or a in axes else n for a, n in enumerate(xa.shape)])
    mask = xa == v
    with np.errstate(invalid='ignore', divide='ignore'):
        return (mask / mask.sum(axis=axes, keepdims=True)).astype(dtype)


def _amax_backward(node, grad):
    x, value = node.saved()
    axes, keepdim = node.ctx
    scale = _amax_mask_scale(x, value, axes, keepdim, grad._data.dtype)
    return _unsq(grad, axes, keepdim, x._data.ndim) * _const(scale)


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
        part = _unsq(g, axes, keepdim, x._data.ndim) * _const(
            _amax_mask_scale(x, v, axes, keepdim, g._data.dtype))
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


# ---- std / var / std_mean / var_mean ----------------------------------------------------------
def _var_args(input, dim, unbiased, correction, op):
    x = input._data
    if x.dtype.kind != 'f':
        raise RuntimeError(f'{op} only support floating point and complex dtypes'
                           if op.endswith('_mean') else
                           'std and var only support floating point and complex dtypes')
    if isinstance(dim, bool):               # var(input, unbiased)
        if unbiased is not None:
            raise TypeError(f'{op}() received an invalid combination of arguments')
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f'{op}() received an invalid combination of arguments - got both '
                        f'unbiased= and correction=; use only correction= (unbiased=False is '
                        f'correction=0)')
    if correction is None:
        correction = 0 if unbiased is False else 1
    axes = None if dim is None else _axes(x, dim, op)
    n = x.size if axes is None else math.prod(x.shape[a] for a in axes)
    return x, axes, n, correction


def _var_forward(x, axes, n, correction, keepdim, op):
    xp = xp_of(x)
    dof = n - correction
    if dof <= 0:
        warnings.warn(f'{op}(): degrees of freedom is <= 0. Correction should be strictly less '
                      'than the reduction factor (input numel divided by output numel).',
                      UserWarning, stacklevel=4)
    with np.errstate(invalid='ignore', divide='ignore'):
        m = x.mean(axis=axes, keepdims=True)
        d = x - m
        v = (d * d).sum(axis=axes, keepdims=keepdim) / _builtin_max(dof, 0)
        if not keepdim:
            m = m.reshape(v.shape)
    return xp.asarray(v, dtype=x.dtype), xp.asarray(m, dtype=x.dtype)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over all elements or ``dim``; ``correction=1`` (Bessel) by default.

    >>> ember.var(ember.tensor([1., 2., 3., 4.]))
    tensor(1.6667)
    """
    x, axes, n, c = _var_args(input, dim, unbiased, correction, 'var')
    v, _ = _var_forward(x, axes, n, c, keepdim, 'var')
    res = wrap(v)
    if out is not None:
        return _write(out, res)
    return record(res, 'VarBackward0', _var_backward, (input,), (input,),
                  ctx=(axes, keepdim, n - c))


def _var_grad(grad, x, axes, keepdim, dof):
    g = _unsq(grad, axes, keepdim, x._data.ndim)
    scale = 2.0 / dof if dof else math.inf
    return g * scale * (x - x.mean(axes if axes is not None else None, keepdim=True)
                        if x._data.ndim else x - x)


def _var_backward(node, grad):
    (x,) = node.saved()
    axes, keepdim, dof = node.ctx
    return _var_grad(grad, x, axes, keepdim, dof)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation over all elements or ``dim``; ``correction=1`` by default.

    >>> ember.std(ember.tensor([1., 2., 3., 4.]))
    tensor(1.2910)
    """
    x, axes, n, c = _var_args(input, dim, unbiased, correction, 'std')
    v, _ = _var_forward(x, axes, n, c, keepdim, 'std')
    res = wrap(xp_of(v).sqrt(v))
    if out is not None:
        return _write(out, res)
    return record(res, 'StdBackward0', _std_backward, (input,), (input,),
                  ctx=(axes, keepdim, n - c), save_output=True)


def _std_grad(grad, x, result, axes, keepdim, dof):
    with np.errstate(invalid='ignore', divide='ignore'):
        gv = _fill0(grad / (result * 2), result._data == 0)
    return _var_grad(gv, x, axes, keepdim, dof)


def _std_backward(node, grad):
    x, result = node.saved()
    axes, keepdim, dof = node.ctx
    return _std_grad(grad, x, result, axes, keepdim, dof)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` in one pass.

    >>> ember.var_mean(ember.tensor([1., 2., 3., 4.]))
    (tensor(1.6667), tensor(2.5000))
    """
    return _stat_mean(input, dim, unbiased, keepdim, correction, 'var_mean')


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` in one pass.

    >>> ember.std_mean(ember.tensor([1., 2., 3., 4.]))
    (tensor(1.2910), tensor(2.5000))
    """
    return _stat_mean(input, dim, unbiased, keepdim, correction, 'std_mean')


def _stat_mean(input, dim, unbiased, keepdim, correction, op):
    x, axes, n, c = _var_args(input, dim, unbiased, correction, op)
    v, m = _var_forward(x, axes, n, c, keepdim, op)
    first = wrap(xp_of(v).sqrt(v) if op == 'std_mean' else v)
    second = wrap(m)
    if STATE.enabled and input._rg:
        record_multi((first, second), 'StdMeanBackward0' if op == 'std_mean' else
                     'VarMeanBackward0', _stat_mean_backward, (input,),
                     (input, first.detach()), ctx=(axes, keepdim, n - c, n, op))
    return first, second


def _stat_mean_backward(node, g_stat, g_mean):
    x, result = node.saved()
    axes, keepdim, dof, n, op = node.ctx
    if STATE.enabled and op == 'std_mean':      # create_graph: the std must stay differentiable
        result = std(x, axes, keepdim=keepdim, correction=n - dof)
    total = None
    if g_stat is not None:
        total = (_std_grad(g_stat, x, result, axes, keepdim, dof) if op == 'std_mean' else
                 _var_grad(g_stat, x, axes, keepdim, dof))
    if g_mean is not None:
        gm = expand_reduced(g_mean, x._data.shape, axes, keepdim) / (n if n else math.nan)
        total = gm if total is None else total + gm
    return total


# ---- norm / logsumexp ---------------------------------------------------------------------
def norm(input, p='fro', dim=None, keepdim=False, out=None, dtype=None):
    """Vector p-norm (``p`` a number, ``inf``, ``-inf``, 0 or ``'fro'``) over all elements or
    ``dim``; ``'nuc'`` is the nuclear norm of matrices.

    >>> ember.norm(ember.tensor([3., 4.]))
    tensor(5.)
    """
    if isinstance(p, Tensor):
        p = p.item()
    if isinstance(dim, int) and not isinstance(dim, bool):
        dims = (dim,)
    elif dim is None:
        dims = None
    else:
        dims = tuple(dim)
    if isinstance(p, str):
        if p == 'fro' and (dims is None or len(dims) <= 2):
            res = _vector_norm(input, 2.0, dims, keepdim, dtype)
        else:
            res = _matrix_norm(input, p, dims, keepdim, dtype)
    else:
        res = _vector_norm(input, 2.0 if p is None else float(p), dims, keepdim, dtype)
    return res if out is None else _write(out, res)


def _vector_norm(input, p, dims, keepdim, dtype):
    x = input._data
    if x.dtype.kind != 'f':
        raise RuntimeError('linalg.vector_norm: Expected a floating point or complex tensor as '
                           f'input. Got {_type_word(x.dtype)} (use .float() first)')
    if dtype is not None:
        dt = D.to_dtype(dtype)
        if np.dtype(dt.np).kind != 'f':
            raise RuntimeError('linalg.vector_norm: dtype should be floating point or complex, '
                               f'but got {_type_word(np.dtype(dt.np))}')
        if np.dtype(dt.np).itemsize < x.dtype.itemsize:
            raise RuntimeError(f'linalg.vector_norm: the dtype of the input '
                               f'({_type_word(x.dtype)}) should be convertible without '
                               f'narrowing to the specified dtype ({_type_word(np.dtype(dt.np))})')
        if np.dtype(dt.np) != x.dtype:
            input = input.to(dt)
            x = input._data
    axes = None if dims is None else _axes(x, dims, 'linalg.vector_norm')
    xp = xp_of(x)
    if (math.isinf(p) or p < 0) and x.size == 0 and (
            axes is None or _builtin_any(x.shape[a] == 0 for a in axes)):
        raise RuntimeError(f'linalg.vector_norm cannot compute the {_fmt_p(p)} norm on an empty '
                           f'tensor because the operation does not have an identity')
    with np.errstate(all='ignore'):
        if p == 2.0:
            r = xp.sqrt((x * x).sum(axis=axes, keepdims=keepdim))
        elif p == 1.0:
            r = xp.abs(x).sum(axis=axes, keepdims=keepdim)
        elif p == math.inf:
            r = xp.abs(x).max(axis=axes, keepdims=keepdim)
        elif p == -math.inf:
            r = xp.abs(x).min(axis=axes, keepdims=keepdim)
        elif p == 0.0:
            r = (x != 0).sum(axis=axes, keepdims=keepdim).astype(x.dtype)
        else:
            r = (xp.abs(x) ** p).sum(axis=axes, keepdims=keepdim) ** (1.0 / p)
    res = wrap(xp.asarray(r, dtype=x.dtype))
    return record(res, 'LinalgVectorNormBackward0', _norm_backward, (input,), (input,),
                  ctx=(p, axes, keepdim), save_output=True)



def _fmt_p(p):
    if math.isinf(p):
        return '-inf' if p < 0 else 'inf'
    return str(int(p)) if p == int(p) else str(p)


def _norm_backward(node, grad):
    x, n = node.saved()
    p, axes, keepdim = node.ctx
    ndim = x._data.ndim
    g = _unsq(grad, axes, keepdim, ndim)
    n = _unsq(n, axes, keepdim, ndim)
    nd = n._data
    if p == 0.0:
        return None
    if p == 1.0:
        return x.sgn() * g
    with np.errstate(all='ignore'):
        if p == 2.0:
            return g * _fill0(x / n, nd == 0)
        if math.isinf(p):
            xa = xp_of(x._data).abs(x._data)
            mask = (xa == nd) | xp_of(xa).isnan(xa)
            scale = mask / mask.sum(axis=axes, keepdims=True)
            return x.sgn() * (g * _const(scale.astype(x._data.dtype)))
        if p < 1.0:
            scaled = x.sgn() * _fill0(x.abs() ** (p - 1), x._data == 0)
            return scaled * g * n ** (1 - p)
        if p < 2.0:
            scaled = x.sgn() * x.abs() ** (p - 1)
        else:
            scaled = x * x.abs() ** (p - 2)
        return scaled * _fill0(g / n ** (p - 1), nd == 0)


def _matrix_norm(input, p, dims, keepdim, dtype):
    x = input._data
    if p not in ('fro', 'nuc'):
        raise RuntimeError(f'linalg.matrix_norm: Order {p} not supported.')
    if x.ndim < 2:
        raise RuntimeError('linalg.matrix_norm: The input tensor A must have at least 2 '
                           'dimensions.')
    if dims is None:
        dims = tuple(range(x.ndim))
    if len(dims) != 2:
        raise RuntimeError('linalg.matrix_norm: dim must be a 2-tuple. Got '
                           + ' '.join(str(d) for d in dims))
    if p == 'fro':
        return _vector_norm(input, 2.0, dims, keepdim, dtype)
    if x.dtype.kind != 'f':
        raise RuntimeError('linalg.matrix_norm: Expected a floating point or complex tensor as '
                           f'input. Got {_type_word(x.dtype)}')
    if dtype is not None and D.to_dtype(dtype).np != x.dtype:
        input = input.to(dtype)
        x = input._data
    d0, d1 = (norm_dim(d, x.ndim) for d in dims)
    if d0 == d1:
        raise RuntimeError(f'linalg.matrix_norm: dims must be different. Got ({d0}, {d1})')
    xp = xp_of(x)
    moved = xp.moveaxis(x, (d0, d1), (-2, -1))
    u, s, vh = xp.linalg.svd(moved, full_matrices=False)
    r = s.sum(-1)
    if keepdim:
        r = xp.expand_dims(r, tuple(sorted((d0, d1))))
    res = wrap(xp.asarray(r, dtype=x.dtype))
    uv = xp.moveaxis(u @ vh, (-2, -1), (d0, d1)).astype(x.dtype)
    return record(res, 'SumBackward1', _nuc_backward, (input,),
                  ctx=(uv, tuple(sorted((d0, d1))), keepdim))


def _nuc_backward(node, grad):
    # d||A||_* / dA = U V^H; U V^H is treated as a constant (first derivative only).
    uv, axes, keepdim = node.ctx
    return _unsq(grad, axes, keepdim, uv.ndim) * _const(uv.astype(grad._data.dtype))


def logsumexp(input, dim, keepdim=False, *, out=None):
    """``log(sum(exp(input), dim))`` computed stably; the gradient is ``softmax``.

    >>> ember.logsumexp(ember.tensor([0., 0.]), dim=0)
    tensor(0.6931)
    """
    x = input._data
    if x.dtype.kind != 'f':
        x = x.astype(default_float())
    axes = _axes(x, dim, 'logsumexp')
    xp = xp_of(x)
    with np.errstate(all='ignore'):
        if x.size == 0:
            r = xp.log(xp.exp(x).sum(axis=axes, keepdims=keepdim))
        else:
            m = x.max(axis=axes, keepdims=True)
            m = xp.where(xp.isinf(m), m.dtype.type(0), m)
            r = xp.log(xp.exp(x - m).sum(axis=axes, keepdims=True)) + m
            if not keepdim:
                r = r.reshape([n for a, n in enumerate(x.shape)
                               if not (axes is None or a in axes)])
    res = wrap(xp.asarray(r, dtype=x.dtype))
    if out is not None:
        return _write(out, res)
    return record(res, 'LogsumexpBackward0', _logsumexp_backward, (input,), (input,),
                  ctx=(axes, keepdim), save_output=True)


def _logsumexp_backward(node, grad):
    x, result = node.saved()
    axes, keepdim = node.ctx
    ndim = x._data.ndim
    return _unsq(grad, axes, keepdim, ndim) * (x - _unsq(result, axes, keepdim, ndim)).exp()


# ---- cumulative ops ---------------------------------------------------------------------------
def cumsum(input, dim, *, dtype=None, out=None):
    """Running sum along ``dim``. Integer and bool inputs give int64.

    >>> ember.cumsum(ember.tensor([1, 2, 3]), dim=0)
    tensor([1, 3, 6])
    """
    x = input._data
    axis = _dim1(x, dim, 'cumsum')
    dt = _np_dtype(dtype)
    if dt is None and x.dtype.kind in 'biu':
        dt = np.int64
    if x.ndim == 0:
        r = x.astype(dt or x.dtype, copy=True)
    else:
        r = xp_of(x).cumsum(x, axis=axis, dtype=dt)
    res = wrap(r)
    if out is not None:
        return _write(out, res)
    if res._data.dtype.kind != 'f':
        return res
    return record(res, 'CumsumBackward0', _cumsum_backward, (input,), ctx=axis)


def _cumsum_backward(node, grad):
    if grad._data.ndim == 0:
        return grad
    return _rcumsum(grad, node.ctx)


def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along ``dim``; its gradient is exact also where the input has zeros.

    >>> ember.cumprod(ember.tensor([1., 2., 3.]), dim=0)
    tensor([1., 2., 6.])
    """
    x = input._data
    axis = _dim1(x, dim, 'cumprod')
    if dtype is not None and D.to_dtype(dtype).np != x.dtype:
        input = input.to(dtype)
        x = input._data
    dt = np.int64 if x.dtype.kind in 'biu' else None
    if x.ndim == 0:
        r = x.astype(dt or x.dtype, copy=True)
    else:
        with np.errstate(over='ignore', invalid='ignore'):
            r = xp_of(x).cumprod(x, axis=axis, dtype=dt)
    res = wrap(r)
    if out is not None:
        return _write(out, res)
    if res._data.dtype.kind != 'f':
        return res
    return record(res, 'CumprodBackward0', _cumprod_backward, (input,), (input,), ctx=axis,
                  save_output=True)


def _cumprod_backward(node, grad):
    x, out = node.saved()
    axis = node.ctx
    xa = x._data
    if xa.ndim == 0 or xa.size == 0:
        return grad
    xp = xp_of(xa)
    zero = xa == 0
    if not zero.any():
        with np.errstate(all='ignore'):
            return _rcumsum(grad * out, axis) / x
    if STATE.enabled:
        return _cumprod_backward_graph(grad, x, axis)
    # Positions before a slice's first zero: the usual formula (the division is safe there).
    # At the first zero z: sum_{j>=z} g_j * prod_{i<=j, i!=z} x_i, i.e. the reverse cumsum of
    # g * cumprod(x with x_z := 1). Past the first zero the gradient is 0.
    first = zero & (xp.cumsum(zero, axis=axis) == 1)
    before = xp.cumsum(zero, axis=axis) == 0
    safe = x * _const(before.astype(xa.dtype)) + _const((~before).astype(xa.dtype))
    with np.errstate(all='ignore'):
        part1 = _fill0(_rcumsum(grad * out, axis) / safe, ~before)
    y = x * _const((~first).astype(xa.dtype)) + _const(first.astype(xa.dtype))
    part2 = _fill0(_rcumsum(grad * cumprod(y, axis), axis), ~first)
    return part1 + part2


def _cumprod_backward_graph(grad, x, axis):
    """O(n^2) cumprod gradient for inputs with zeros that stays differentiable in ``x``
    (used under create_graph): grad_k = prod_{i<k} x_i * sum_{j>=k} g_j prod_{k<i<=j} x_i."""
    xa = x._data
    xp = xp_of(xa)
    nd, n = xa.ndim, xa.shape[axis]
    perm = [i for i in range(nd) if i != axis] + [axis]
    back = [perm.index(i) for i in range(nd)]
    xt, gt = x.permute(perm), grad.permute(perm)
    before = cumprod(_shift(xt, nd - 1, False), -1)
    upper = xp.triu(xp.ones((n, n), bool), 1)            # [k, j]: j > k
    x2 = xt.unsqueeze(-2) * _const(upper.astype(xa.dtype)) + _const((~upper).astype(xa.dtype))
    after = cumprod(x2, -1)                               # prod_{k<i<=j} x_i
    ge = _const(xp.triu(xp.ones((n, n), xa.dtype), 0))   # j >= k
    return (before * (gt.unsqueeze(-2) * after * ge).sum(-1)).permute(back)


def cummax(input, dim, *, out=None):
    """Running maximum along ``dim`` and the index where it was reached (named tuple).

    >>> ember.cummax(ember.tensor([1, 3, 2, 5]), dim=0)
    torch.return_types.cummax(
    values=tensor([1, 3, 3, 5]),
    indices=tensor([0, 1, 1, 3]))
    """
    return _cumext(input, dim, out, 'cummax')


def cummin(input, dim, *, out=None):
    """Running minimum along ``dim`` and the index where it was reached (named tuple).

    >>> ember.cummin(ember.tensor([3, 1, 2, 0]), dim=0).indices
    tensor([0, 1, 1, 3])
    """
    return _cumext(input, dim, out, 'cummin')


def _cumext(input, dim, out, op):
    x = input._data
    axis = _dim1(x, dim, op)
    cls = _RT_CUMMAX if op == 'cummax' else _RT_CUMMIN
    name = 'CummaxBackward0' if op == 'cummax' else 'CumminBackward0'
    if x.ndim == 0:
        vals, idx = x.copy(), _zero_index(x)
    else:
        xp = xp_of(x)
        vals = (xp.maximum if op == 'cummax' else xp.minimum).accumulate(x, axis=axis)
        # PyTorch moves the index on ties (>=) and on every NaN.
        hit = vals == x
        if x.dtype.kind == 'f':
            hit |= xp.isnan(x)
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        pos = xp.arange(x.shape[axis], dtype=np.int64).reshape(shape)
        idx = xp.maximum.accumulate(xp.where(hit, pos, 0), axis=axis) if x.size else \
            xp.zeros(x.shape, np.int64)
    res = wrap(vals)
    if STATE.enabled and input._rg and x.dtype.kind == 'f':
        record(res, name, _cumext_backward, (input,), ctx=(idx, axis))
    return _pair(cls, res, idx, out, op)


def _cumext_backward(node, grad):
    idx, axis = node.ctx
    if grad._data.ndim == 0:
        return grad
    return _scatter(grad, idx, axis, node.meta[0][0], accumulate=True)


# ---- all / any / count_nonzero ---------------------------------------------------------------
def all(input, dim=None, keepdim=False, *, out=None):
    """Whether every element is nonzero (bool; uint8 inputs give uint8, as PyTorch).

    >>> ember.all(ember.tensor([[True, False], [True, True]]), dim=1)
    tensor([False,  True])
    """
    return _logical_reduce(input, dim, keepdim, out, 'all')


def any(input, dim=None, keepdim=False, *, out=None):
    """Whether any element is nonzero (bool; uint8 inputs give uint8, as PyTorch).

    >>> ember.any(ember.tensor([0, 0, 1]))
    tensor(True)
    """
    return _logical_reduce(input, dim, keepdim, out, 'any')


def _logical_reduce(input, dim, keepdim, out, op):
    x = input._data
    axes = None if dim is None else _axes(x, dim, op)
    xp = xp_of(x)
    r = (xp.all if op == 'all' else xp.any)(x, axis=axes, keepdims=keepdim)
    r = xp.asarray(r, dtype=np.uint8 if x.dtype == np.uint8 else np.bool_)
    res = wrap(r)
    return res if out is None else _write(out, res)


def count_nonzero(input, dim=None):
    """Number of nonzero elements, over all elements or ``dim`` (int or tuple); int64.

    >>> ember.count_nonzero(ember.tensor([[0, 1], [2, 3]]), dim=0)
    tensor([1, 2])
    """
    x = input._data
    axes = None if dim is None else _axes(x, dim, 'count_nonzero')
    xp = xp_of(x)
    return wrap(xp.asarray((x != 0).sum(axis=axes), dtype=np.int64))


# ---- PyTorch's CPU tie-breaking -----------------------------------------------------------------
# Where PyTorch's CPU kernels use an unstable algorithm (std::sort, std::nth_element,
# std::partial_sort, its own quickselect), which of several equal elements ends up first is
# decided by that algorithm. To print the same indices as PyTorch, slices that contain ties are
# re-ordered by a faithful re-implementation of the algorithm (libstdc++'s introsort /
# introselect / heap select); slices without ties take the fast NumPy path, which gives the same
# answer there. Above _EMULATE_MAX elements ember keeps NumPy's stable order instead.
_EMULATE_MAX = 20000


def _lt(a, b):
    return a < b


def _asc(a, b):                      # PyTorch's KeyValueCompAsc: NaN sorts last
    return (a < b) or (b != b and a == a)


def _desc(a, b):                     # KeyValueCompDesc: NaN sorts first
    return (a > b) or (a != a and b == b)


def _unguarded_linear_insert(v, last, comp):
    val = v[last]
    nxt = last - 1
    while comp(val[0], v[nxt][0]):
        v[last] = v[nxt]
        last = nxt
        nxt -= 1
    v[last] = val


def _insertion_sort(v, first, last, comp):
    if first == last:
        return
    for i in range(first + 1, last):
        if comp(v[i][0], v[first][0]):
            val = v[i]
            v[first + 1:i + 1] = v[first:i]
            v[first] = val
        else:
            _unguarded_linear_insert(v, i, comp)


def _move_median_to_first(v, result, a, b, c, comp):
    ka, kb, kc = v[a][0], v[b][0], v[c][0]
    if comp(ka, kb):
        if comp(kb, kc):
            m = b
        elif comp(ka, kc):
            m = c
        else:
            m = a
    elif comp(ka, kc):
        m = a
    elif comp(kb, kc):
        m = c
    else:
        m = b
    v[result], v[m] = v[m], v[result]


def _unguarded_partition(v, first, last, pivot, comp):
    pk = v[pivot][0]
    while True:
        while comp(v[first][0], pk):
            first += 1
        last -= 1
        while comp(pk, v[last][0]):
            last -= 1
        if not first < last:
            return first
        v[first], v[last] = v[last], v[first]
        first += 1


def _partition_pivot(v, first, last, comp):
    mid = first + (last - first) // 2
    _move_median_to_first(v, first, first + 1, mid, last - 1, comp)
    return _unguarded_partition(v, first + 1, last, first, comp)


def _adjust_heap(v, first, hole, length, value, comp):
    top = hole
    second = hole
    while second < (length - 1) // 2:
        second = 2 * (second + 1)
        if comp(v[first + second][0], v[first + second - 1][0]):
            second -= 1
        v[first + hole] = v[first + second]
        hole = second
    if (length & 1) == 0 and second == (length - 2) // 2:
        second = 2 * (second + 1)
        v[first + hole] = v[first + second - 1]
        hole = second - 1
    parent = (hole - 1) // 2
    while hole > top and comp(v[first + parent][0], value[0]):
        v[first + hole] = v[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    v[first + hole] = value


def _heap_select(v, first, middle, last, comp):
    length = middle - first
    if length >= 2:
        parent = (length - 2) // 2
        while True:
            _adjust_heap(v, first, parent, length, v[first + parent], comp)
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if comp(v[i][0], v[first][0]):
            value = v[i]
            v[i] = v[first]
            _adjust_heap(v, first, 0, length, value, comp)


def _sort_heap(v, first, last, comp):
    while last - first > 1:
        last -= 1
        value = v[last]
        v[last] = v[first]
        _adjust_heap(v, first, 0, last - first, value, comp)


def _stl_sort(v, first, last, comp):
    """std::sort (libstdc++ introsort) on ``v[first:last]``, a list of (key, index)."""
    if last - first < 2:
        return
    _introsort_loop(v, first, last, 2 * ((last - first).bit_length() - 1), comp)
    if last - first > 16:
        _insertion_sort(v, first, first + 16, comp)
        for i in range(first + 16, last):
            _unguarded_linear_insert(v, i, comp)
    else:
        _insertion_sort(v, first, last, comp)


def _introsort_loop(v, first, last, depth, comp):
    while last - first > 16:
        if depth == 0:
            _heap_select(v, first, last, last, comp)
            _sort_heap(v, first, last, comp)
            return
        depth -= 1
        cut = _partition_pivot(v, first, last, comp)
        _introsort_loop(v, cut, last, depth, comp)
        last = cut


def _nth_element(v, first, nth, last, comp):
    """std::nth_element (libstdc++ introselect)."""
    if first == last or nth == last:
        return
    depth = 2 * ((last - first).bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(v, first, nth + 1, last, comp)
            v[first], v[nth] = v[nth], v[first]
            return
        depth -= 1
        cut = _partition_pivot(v, first, last, comp)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(v, first, last, comp)


def _gt_or_nan(a, b):
    return (a > b) or (a != a and b == b)


def _quickselect_index(vals, k):
    """PyTorch's quick_select_template (kthvalue): the index that lands at position k."""
    arr = list(vals)
    idx = list(range(len(arr)))
    gt = _gt_or_nan

    def swap(a, b):
        arr[a], arr[b] = arr[b], arr[a]
        idx[a], idx[b] = idx[b], idx[a]
    lo, hi = 0, len(arr) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(arr[lo], arr[hi]):
                swap(lo, hi)
            break
        mid = lo + (hi - lo) // 2
        swap(mid, lo + 1)
        if gt(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if gt(arr[lo], arr[hi]):
            swap(lo, hi)
        if gt(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j, piv = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while gt(piv, arr[i]):
                i += 1
            j -= 1
            while gt(arr[j], piv):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return idx[k]


def _has_ties(rows):
    """Per row of a 2-d array: whether two elements are equal (NaNs count as equal)."""
    if rows.shape[1] < 2:
        return np.zeros(rows.shape[0], bool)
    s = np.sort(rows, axis=1)
    eq = s[:, 1:] == s[:, :-1]
    if rows.dtype.kind == 'f':
        eq |= np.isnan(s[:, 1:]) & np.isnan(s[:, :-1])
    return eq.any(axis=1)


def _rows(x, axis):
    """``x`` with ``axis`` moved last and flattened to rows (host array)."""
    xm = np.moveaxis(_host(x), axis, -1)
    return xm.reshape(-1, xm.shape[-1]) if xm.size else xm.reshape(-1, xm.shape[-1] if
                                                                     xm.ndim else 1)


def _from_rows(rows, shape, axis):
    """Inverse of :func:`_rows` for a result with ``shape`` (``axis`` in its place)."""
    moved = list(shape)
    n = moved.pop(axis)
    moved.append(n)
    return np.moveaxis(rows.reshape(moved), -1, axis)


def _stable_order(rows, descending):
    """Stable argsort of each row (NaN last ascending, first descending)."""
    if not descending:
        return np.argsort(rows, axis=1, kind='stable')
    n = rows.shape[1]
    return (n - 1 - np.argsort(rows[:, ::-1], axis=1, kind='stable'))[:, ::-1]


# ---- sort / argsort / msort / topk --------------------------------------------------------------
def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """Sorted values and their original indices along ``dim`` (named tuple). ``stable=True``
    keeps equal elements in their original order; NaN sorts as the largest value.

    >>> ember.sort(ember.tensor([3, 1, 2]))
    torch.return_types.sort(
    values=tensor([1, 2, 3]),
    indices=tensor([1, 2, 0]))
    """
    x = input._data
    axis = _dim1(x, dim, 'sort')
    xp = xp_of(x)
    idx = xp.asarray(_sort_indices(x, axis, descending, bool(stable)))
    name = 'SortBackward1' if stable else 'SortBackward0'
    if x.ndim == 0:
        res = _select(input, x.copy(), idx, None, False, name)
    else:
        vals = xp.take_along_axis(x, idx, axis)
        res = _select(input, vals, idx, axis, True, name)
    return _pair(_RT_SORT, res, idx, out, 'sort')


def _sort_indices(x, axis, descending, stable):
    if x.ndim == 0:
        return np.zeros((), np.int64)
    rows = _rows(x, axis)
    order = _stable_order(rows, descending)
    n = rows.shape[1]
    if not stable and n > 16 and rows.size <= _EMULATE_MAX:
        comp = _desc if descending else _asc
        for r in np.nonzero(_has_ties(rows))[0]:
            v = list(zip(rows[r].tolist(), range(n)))
            _stl_sort(v, 0, n, comp)
            order[r] = [i for _, i in v]
    return _from_rows(order.astype(np.int64, copy=False), x.shape, axis)


def argsort(input, dim=-1, descending=False, stable=False):
    """Indices that sort ``input`` along ``dim`` (``sort(...).indices``).

    >>> ember.argsort(ember.tensor([3, 1, 2]))
    tensor([1, 2, 0])
    """
    x = input._data
    axis = _dim1(x, dim, 'argsort')
    return wrap(xp_of(x).asarray(_sort_indices(x, axis, descending, bool(stable))))


def msort(input):
    """``sort(input, dim=0).values``.

    >>> ember.msort(ember.tensor([[2, 1], [1, 3]]))
    tensor([[1, 1],
            [2, 3]])
    """
    return sort(input, 0)[0]


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices (named tuple).

    >>> ember.topk(ember.tensor([1., 5., 3.]), 2)
    torch.return_types.topk(
    values=tensor([5., 3.]),
    indices=tensor([1, 2]))
    """
    x = input._data
    axis = _dim1(x, dim, 'topk')
    if x.dtype.kind == 'b':
        raise RuntimeError('topk does not support bool dtypes on CPU (use .int() first)')
    n = x.shape[axis] if x.ndim else 1
    k = int(k)
    if not 0 <= k <= n:
        raise RuntimeError(f'selected index k out of range (k={k}, size of dim {axis} is {n})')
    if x.ndim == 0:
        idx = _zero_index(x)
        res = _select(input, x.copy(), idx, None, False, 'TopkBackward0')
        return _pair(_RT_TOPK, res, idx, out, 'topk')
    rows = _rows(x, axis)
    order = _stable_order(rows, largest)[:, :k].copy()
    if k and rows.size <= _EMULATE_MAX:
        comp = _desc if largest else _asc
        partial = k * 64 <= n
        todo = np.nonzero(_has_ties(rows) | (not partial and not sorted))[0]
        for r in todo:
            v = list(zip(rows[r].tolist(), range(n)))
            if partial:
                _heap_select(v, 0, k, n, comp)
                _sort_heap(v, 0, k, comp)
            else:
                _nth_element(v, 0, k - 1, n, comp)
                if sorted:
                    _stl_sort(v, 0, k - 1, comp)
            order[r] = [i for _, i in v[:k]]
    shape = list(x.shape)
    shape[axis] = k
    idx = _from_rows(order.astype(np.int64, copy=False), shape, axis)
    xp = xp_of(x)
    idx = xp.asarray(idx)
    vals = xp.take_along_axis(x, idx, axis)
    res = _select(input, vals, idx, axis, True, 'TopkBackward0')
    return _pair(_RT_TOPK, res, idx, out, 'topk')


# ---- median / nanmedian / mode / kthvalue -----------------------------------------------------
def median(input, dim=None, keepdim=False, *, out=None):
    """Lower median of all elements (0-d tensor), or named tuple ``(values, indices)`` along
    ``dim``. NaN propagates (see ``nanmedian``).

    >>> ember.median(ember.tensor([1., 4., 2., 3.]))
    tensor(2.)
    """
    return _median(input, dim, keepdim, out, 'median')


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """Like ``median`` but ignoring NaN values.

    >>> ember.nanmedian(ember.tensor([1., float('nan'), 3., 2.]))
    tensor(2.)
    """
    return _median(input, dim, keepdim, out, 'nanmedian')


def _median(input, dim, keepdim, out, op):
    x = input._data
    if x.dtype.kind == 'b':
        raise NotImplementedError(f'"{op}_cpu" not implemented for \'Bool\'')
    isf = x.dtype.kind == 'f'
    if dim is None:
        flat = _host(x).reshape(-1)
        if isf and op == 'nanmedian':
            flat = flat[~np.isnan(flat)]
        if flat.size == 0:
            r = np.asarray(np.nan, x.dtype if isf else default_float())
        elif isf and op == 'median' and np.isnan(flat).any():
            r = np.asarray(np.nan, x.dtype)
        else:
            k = (flat.size - 1) // 2
            r = np.partition(flat, k)[k]
        res = wrap(xp_of(x).asarray(r, dtype=x.dtype if isf or flat.size else r.dtype))
        if out is not None:
            return _write(out, res)
        return record(res, 'MedianBackward0' if op == 'median' else 'NanmedianBackward0',
                      _evenly_backward, (input,), (input,), save_output=True)
    axis = _dim1(x, dim, op)
    cls = _RT_MEDIAN if op == 'median' else _RT_NANMEDIAN
    name = 'MedianBackward1' if op == 'median' else 'NanmedianBackward1'
    if x.ndim == 0:
        idx = _zero_index(x)
        return _pair(cls, _select(input, x.copy(), idx, None, False, name), idx, out, op)
    _check_nonempty(x, (axis,), op)
    rows = _rows(x, axis)
    n = rows.shape[1]
    order = np.argsort(rows, axis=1, kind='stable')    # NaN last
    if isf:
        nan = np.isnan(rows)
        cnt = nan.sum(axis=1)
        if op == 'median':
            k = np.full(rows.shape[0], (n - 1) // 2)
            pick = np.take_along_axis(order, k[:, None], 1)[:, 0]
            pick = np.where(cnt > 0, np.argmax(nan, axis=1), pick)
        else:
            m = n - cnt
            k = np.where(m > 0, (m - 1) // 2, 0)
            pick = np.take_along_axis(order, k[:, None], 1)[:, 0]
            if (m == 0).any():          # all NaN: where std::nth_element leaves index 0
                pick = np.where(m == 0, _all_nan_index(n), pick)
    else:
        pick = order[:, (n - 1) // 2]
    return _pick_result(input, x, pick, axis, keepdim, name, cls, out, op)


def _all_nan_index(n):
    v = [(0, i) for i in range(n)]
    _nth_element(v, 0, 0, n, lambda a, b: False)
    return v[0][1]


def _pick_result(input, x, pick, axis, keepdim, name, cls, out, op):
    shape = list(x.shape)
    shape[axis] = 1
    xp = xp_of(x)
    idx = xp.asarray(_from_rows(pick.astype(np.int64)[:, None], shape, axis))
    vals = xp.take_along_axis(x, idx, axis)
    res = _select(input, vals, idx, axis, keepdim, name)
    return _pair(cls, res, idx if keepdim else idx.squeeze(axis), out, op)


def mode(input, dim=-1, keepdim=False, *, out=None):
    """Most frequent value along ``dim`` (the smallest among equally frequent ones) and an
    index where it occurs (named tuple).

    >>> ember.mode(ember.tensor([1, 2, 2, 3]))
    torch.return_types.mode(
    values=tensor(2),
    indices=tensor(2))
    """
    x = input._data
    axis = _dim1(x, dim, 'mode')
    if x.ndim == 0:
        idx = _zero_index(x)
        return _pair(_RT_MODE, _select(input, x.copy(), idx, None, False, 'ModeBackward0'),
                     idx, out, 'mode')
    _check_nonempty(x, (axis,), 'mode')
    rows = _rows(x, axis)
    n = rows.shape[1]
    picks = np.zeros(rows.shape[0], np.int64)
    isf = x.dtype.kind == 'f'
    for r in range(rows.shape[0]):
        row = rows[r]
        has_nan = isf and np.isnan(row).any()
        if has_nan or n > 16:
            if not has_nan and not _has_ties(row[None])[0]:
                order = np.argsort(row, kind='stable')
            else:
                v = list(zip(row.tolist(), range(n)))
                _stl_sort(v, 0, n, _lt)
                order = np.array([i for _, i in v], np.int64)
        else:
            order = np.argsort(row, kind='stable')
        s = row[order]
        ends = np.nonzero(np.append(s[1:] != s[:-1], True))[0]
        counts = np.diff(np.append(-1, ends))
        picks[r] = order[ends[int(np.argmax(counts))]]
    return _pick_result(input, x, picks, axis, keepdim, 'ModeBackward0', _RT_MODE, out, 'mode')


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The ``k``-th smallest element along ``dim`` (1-based) and its index (named tuple).

    >>> ember.kthvalue(ember.tensor([3., 1., 2.]), 2)
    torch.return_types.kthvalue(
    values=tensor(2.),
    indices=tensor(2))
    """
    x = input._data
    if x.dtype.kind == 'b':
        raise NotImplementedError('"kthvalue_cpu" not implemented for \'Bool\'')
    axis = _dim1(x, dim, 'kthvalue')
    n = x.shape[axis] if x.ndim else 1
    k = int(k)
    if not 1 <= k <= n:
        raise RuntimeError(f'kthvalue(): selected number k out of range for dimension {axis} '
                           f'(k={k}, size {n})')
    if x.ndim == 0:
        idx = _zero_index(x)
        return _pair(_RT_KTH, _select(input, x.copy(), idx, None, False, 'KthvalueBackward0'),
                     idx, out, 'kthvalue')
    rows = _rows(x, axis)
    kv = np.partition(rows, k - 1, axis=1)[:, k - 1:k]
    eq = rows == kv
    if x.dtype.kind == 'f':
        eq |= np.isnan(rows) & np.isnan(kv)
    pick = np.argmax(eq, axis=1)
    for r in np.nonzero(eq.sum(axis=1) > 1)[0]:
        pick[r] = _quickselect_index(rows[r].tolist(), k - 1)
    return _pick_result(input, x, pick, axis, keepdim, 'KthvalueBackward0', _RT_KTH, out,
                        'kthvalue')


# ---- unique / unique_consecutive ----------------------------------------------------------------
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Sorted unique elements (of the flattened input, or unique slices along ``dim``), with
    optional inverse indices and counts. NaNs are all distinct, as in PyTorch.

    >>> ember.unique(ember.tensor([3, 1, 3, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    x = input._data
    xp = xp_of(x)
    a = _host(x)
    if dim is None:
        flat = a.reshape(-1)
        vals, inv, cnt = np.unique(flat, return_inverse=True, return_counts=True,
                                   equal_nan=False)
        inv = inv.reshape(a.shape)
        name, what = 'Unique2Backward0', '_unique2'
    else:
        axis = _dim1(x, dim, 'unique')
        if a.ndim == 0:
            raise IndexError('Dimension out of range (expected to be in range of [-1, 0], but '
                             f'got {dim})')
        if a.shape[axis] == 0:
            vals, inv, cnt = a, np.zeros(0, np.int64), np.zeros(0, np.int64)
        else:
            vals, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
            inv = inv.reshape(-1)
        name, what = 'UniqueDimBackward0', 'unique_dim'
    return _unique_result(input, xp, vals, inv, cnt, return_inverse, return_counts, name, what)


def _unique_result(input, xp, vals, inv, cnt, return_inverse, return_counts, name, what):
    out = wrap(xp.asarray(vals))
    if STATE.enabled and input._rg:
        record(out, name, _no_derivative, (input,), ctx=what)
    if not return_inverse and not return_counts:
        return out
    res = [out]
    if return_inverse:
        res.append(wrap(xp.asarray(inv, dtype=np.int64)))
    if return_counts:
        res.append(wrap(xp.asarray(cnt, dtype=np.int64)))
    return tuple(res)


def _no_derivative(node, grad):
    raise NotImplementedError(f"the derivative for '{node.ctx}' is not implemented.")


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive elements (or slices along ``dim``) to one.

    >>> ember.unique_consecutive(ember.tensor([1, 1, 2, 2, 1]))
    tensor([1, 2, 1])
    """
    x = input._data
    xp = xp_of(x)
    a = _host(x)
    if dim is None:
        flat = a.reshape(-1)
        new = np.ones(flat.shape, bool)
        new[1:] = flat[1:] != flat[:-1]
        vals = flat[new]
        inv = (np.cumsum(new) - 1).reshape(a.shape)
    else:
        axis = _dim1(x, dim, 'unique_consecutive')
        if a.ndim == 0:
            raise IndexError('Dimension out of range (expected to be in range of [-1, 0], but '
                             f'got {dim})')
        m = np.moveaxis(a, axis, 0).reshape(a.shape[axis], -1)
        new = np.ones(a.shape[axis], bool)
        new[1:] = (m[1:] != m[:-1]).any(axis=1) if m.shape[1] else False
        vals = np.compress(new, a, axis=axis)
        inv = np.cumsum(new) - 1
    starts = np.nonzero(new)[0]
    cnt = np.diff(np.append(starts, new.size))
    return _unique_result(input, xp, vals, inv, cnt, return_inverse, return_counts,
                          'UniqueConsecutiveBackward0', 'unique_consecutive')


METHODS = {name: globals()[name] for name in __all__}
