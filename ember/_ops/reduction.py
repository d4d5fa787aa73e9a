"""Reductions: sum, mean, nansum, nanmean, prod, all, any, count_nonzero over all elements or
``dim``. Their relatives live next door: max/min/argmax in ``minmax``, std/var/norm/logsumexp in
``statistics``, cumsum/cumprod/cummax in ``cumulative``, sort/topk/median/unique in ``sorting``.

``dim`` is an int or (where PyTorch accepts it) a tuple of ints, negative dims count from the
end, ``keepdim=True`` keeps reduced dims with size 1. Ops returning values and indices give
PyTorch's named tuples (``torch.return_types.max(values=..., indices=...)``); indices are
int64 and never carry a grad_fn.

>>> ember.tensor([[1., 2.], [3., 4.]]).sum(dim=0)
tensor([4., 6.])
"""
from ._base import wrap, record, np, xp_of
from ._elementwise import quiet
from .. import _dtype as D
from ._reduce_helpers import (_type_word, _axes, _dim1, _product, _write, _unsq, expand_reduced,
                              _const)
from .cumulative import _exclusive_prod
from .shape import expand_scalar
# Imported from here by ember/__init__.py.
from ._reduce_helpers import return_types  # noqa: F401
from ._cascade import cascade_sum, THREAD_SPLIT
from .._dtype import FLOATING

__all__ = ['sum', 'mean', 'nansum', 'nanmean', 'prod', 'all', 'any', 'count_nonzero']

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
        dt = x.dtype
        acc = None if dt in FLOATING and dt.itemsize > 2 else (
            np.int64 if dt.kind in 'biu' else np.float32)
    else:
        acc = D.to_dtype(dtype).np
    try:                                # _sum_arrays, inlined: sum is a hot op
        if axes is None and acc is None and not keepdim and x.size > 3 and _in_torch_order(x):
            r = cascade_sum(x.reshape(-1, order='A'))
        elif x.__class__ is _ndarray:   # ufunc.reduce directly: skips ndarray.sum's wrapper
            r = _add_reduce(x, axes, acc, None, keepdim)
        else:
            r = x.sum(axis=axes, dtype=acc, keepdims=keepdim)
    except RuntimeWarning:              # inf + -inf with warnings as errors: see _elementwise
        r = quiet(_sum_arrays, x, axes, acc, keepdim)
    if dtype is None and acc is np.float32:         # float16: accumulate in float32
        r = quiet(r.astype, x.dtype)                # a sum past 65504 becomes inf silently
    res = wrap(r)
    if out is not None:
        return _write(out, res)
    if not input._rg or res._data.dtype not in FLOATING:
        return res
    return record(res, 'SumBackward0' if dim is None else 'SumBackward1', _sum_backward,
                  (input,), ctx=(axes, keepdim))


def _sum_arrays(x, axes, acc, keepdim):
    """The sum of array ``x`` over ``axes`` (None: all) accumulated in ``acc`` (None: x's
    dtype), in PyTorch's order where it matters."""
    if axes is None and acc is None and not keepdim and x.size > 3 and _in_torch_order(x):
        return cascade_sum(x.reshape(-1, order='A'))
    if x.__class__ is _ndarray:
        return _add_reduce(x, axes, acc, None, keepdim)
    return x.sum(axis=axes, dtype=acc, keepdims=keepdim)


def _in_torch_order(x):
    """Whether a full float sum of ``x`` should follow PyTorch's summation order (see
    _cascade): a whole-memory host array of 4 to 32767 elements (below 4 NumPy already adds
    left to right, like PyTorch)."""
    return (x.__class__ is _ndarray and 4 <= x.size < THREAD_SPLIT
            and (x.flags.c_contiguous or x.flags.f_contiguous))


def _sum_backward(node, grad):
    axes, keepdim = node.ctx
    shape = node.meta[0][0]
    return expand_scalar(grad, shape) if axes is None else expand_reduced(grad, shape, axes,
                                                                          keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean (floating inputs only, as PyTorch; or pass ``dtype=``).

    >>> ember.tensor([1., 2., 3., 4.]).mean()
    tensor(2.5000)
    """
    x = input._data
    if dtype is not None:
        dt = D.to_dtype(dtype).np
        if np.dtype(dt) not in FLOATING:
            raise RuntimeError('mean(): could not infer output dtype. Optional dtype must be '
                               f'either a floating point or complex dtype. Got: {_type_word(dt)}')
        x = quiet(x.astype, dt)         # out of float16's range: inf, silently as PyTorch
    elif x.dtype not in FLOATING:
        raise RuntimeError('mean(): could not infer output dtype. Input dtype must be either a '
                           f'floating point or complex dtype. Got: {_type_word(x.dtype)} (use '
                           '.float() first, or pass dtype=torch.float32)')
    axes = None if dim is None else _axes(x, dim, 'mean')
    # sum / n (cheaper than ndarray.mean); float16 accumulates in float32 as PyTorch
    acc = np.float32 if x.dtype.itemsize == 2 else None
    try:
        r = _sum_arrays(x, axes, acc, keepdim)
    except RuntimeWarning:
        r = quiet(_sum_arrays, x, axes, acc, keepdim)
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
    shape = node.meta[0][0]
    return (expand_scalar(grad, shape) if axes is None else
            expand_reduced(grad, shape, axes, keepdim)) / n


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
        r = quiet(xp_of(x).nansum, x, axes, None, None, keepdim)
    res = wrap(r if r.dtype == x.dtype or x.dtype not in FLOATING else r.astype(x.dtype))
    if out is not None:
        return _write(out, res)
    if res._data.dtype not in FLOATING:
        return res
    return record(res, 'NansumBackward0', _nansum_backward, (input,),
                  ctx=(axes, keepdim, xp_of(x).isnan(x)))


def _nansum_backward(node, grad):
    axes, keepdim, nan = node.ctx
    # grad * ~isnan(x), as PyTorch (so an inf/nan incoming gradient stays nan at NaN inputs)
    keep = _const((~nan).astype(grad._data.dtype))
    with np.errstate(invalid='ignore'):
        return _unsq(grad, axes, keepdim, len(node.meta[0][0])) * keep


def _float_only(x, op):
    if x.dtype not in FLOATING:
        raise RuntimeError(f'{op}(): expected input to have floating point or complex dtype '
                           f'but got {_type_word(x.dtype)}')


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
    input, r = _product(input, dtype,
                        lambda a, acc: a.prod(axis=axis, dtype=acc, keepdims=keepdim))
    res = wrap(r)
    if out is not None:
        return _write(out, res)
    if res._data.dtype not in FLOATING:
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


METHODS = {name: globals()[name] for name in __all__}
