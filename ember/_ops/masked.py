"""Masked ops: masked_fill, masked_scatter, masked_select and their in-place forms. The
bool ``mask`` broadcasts against the input.

>>> x = ember.tensor([1., 2., 3.])
>>> x.masked_fill(x > 1, 0.)
tensor([1., 0., 0.])
"""
import math

from ._base import Tensor, wrap, record, STATE, xp_of, bump_version, np
from .arith import apply_inplace, write_out, tname
from ._index_common import (_not_tensor, _writable, _fill_scalar, _inplace_variant, _embed,
                            _shape_error)

__all__ = ['masked_fill', 'masked_scatter', 'masked_select']


def _mask_of(mask, op):
    if not isinstance(mask, Tensor):
        raise _not_tensor(mask, op, 'mask')
    m = mask._data
    if m.dtype.kind != 'b':
        if op == 'masked_select':
            raise RuntimeError('masked_select: expected BoolTensor for mask (got '
                               f'{tname(m.dtype)}; use mask.bool() or a comparison like x > 0)')
        name = {'uint8': 'unsigned char', 'float32': 'float', 'float64': 'double',
                'int64': 'long int', 'int32': 'int'}.get(m.dtype.name, m.dtype.name)
        if op.startswith('masked_scatter'):
            name = tname(m.dtype)
        raise RuntimeError(f'{op} only supports boolean masks, but got mask with dtype {name} '
                           '(use mask.bool() or a comparison like x > 0)')
    return m


def _bshape(a, b, op):
    try:
        return np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        from .arith import broadcast_error
        raise broadcast_error(op, a, b) from None


def masked_fill(input, mask, value):
    """``input`` with ``value`` where the bool ``mask`` (broadcast) is True.

    >>> ember.masked_fill(ember.zeros(3), ember.tensor([True, False, True]), 1.)
    tensor([1., 0., 1.])
    """
    m = _mask_of(mask, 'masked_fill_')
    x = input._data
    xp = xp_of(x)
    v = _fill_scalar(value, x.dtype, 'masked_fill')
    if not isinstance(value, Tensor):
        v = xp.asarray(v, dtype=x.dtype)
    if m.shape != x.shape:
        _bshape(m, x, 'masked_fill')
    res = wrap(xp.where(m, v, x))
    if isinstance(value, Tensor):
        return record(res, 'MaskedFillBackward1', _masked_fill_backward, (input, value),
                      ctx=mask)
    return record(res, 'MaskedFillBackward0', _masked_fill_backward, (input,), ctx=mask)


def _masked_fill_backward(node, grad):
    mask = node.ctx
    gs = masked_fill(grad, mask, 0) if node.next[0] is not None else None
    if len(node.next) == 1:
        return gs
    gv = masked_select(grad, mask).sum() if node.next[1] is not None else None
    return gs, gv


def masked_fill_(self, mask, value):
    """In-place :func:`masked_fill`; the mask must broadcast to ``self``'s shape.

    >>> ember.zeros(2).masked_fill_(ember.tensor([True, False]), 7)
    tensor([7., 0.])
    """
    if STATE.enabled and (self._rg or (isinstance(value, Tensor) and value._rg)):
        return apply_inplace(self, masked_fill, 'masked_fill_', mask, value)
    m = _mask_of(mask, 'masked_fill_')
    arr = self._data
    _writable(arr, 'masked_fill_')
    v = _fill_scalar(value, arr.dtype, 'masked_fill_')
    if m.shape != arr.shape:
        b = _bshape(arr, m, 'masked_fill_')
        if b != arr.shape:
            raise RuntimeError(f"output with shape {list(arr.shape)} doesn't match the broadcast "
                               f'shape {list(b)}')
        xp_of(arr).copyto(arr, v, where=m)
    else:
        xp_of(arr).putmask(arr, m, v)
    bump_version(self)
    return self


def _masked_scatter_prepare(input, mask, source, op):
    m = _mask_of(mask, op)
    if not isinstance(source, Tensor):
        raise _not_tensor(source, op, 'source')
    x, s = input._data, source._data
    if s.dtype != x.dtype:
        raise RuntimeError(f'masked_scatter: expected self and source to have same dtypes but '
                           f'got{tname(x.dtype)} and {tname(s.dtype)}')
    return m, s


def masked_scatter(input, mask, source):
    """``input`` with the True positions of ``mask`` filled, in order, from ``source``'s
    leading elements.

    >>> ember.masked_scatter(ember.zeros(3), ember.tensor([True, False, True]), ember.tensor([1., 2.]))
    tensor([1., 0., 2.])
    """
    m, s = _masked_scatter_prepare(input, mask, source, 'masked_scatter_')
    x = input._data
    xp = xp_of(x)
    shape = _bshape(m, x, 'masked_scatter') if m.shape != x.shape else x.shape
    res = xp.array(xp.broadcast_to(x, shape))
    mb = xp.broadcast_to(m, shape)
    k = int(mb.sum())
    if s.size < k:
        raise RuntimeError('Number of elements of source < number of ones in mask (in '
                           f'masked_scatter: {s.size} < {k})')
    res[mb] = s.reshape(-1)[:k]
    return record(wrap(res), 'MaskedScatterBackward0', _masked_scatter_backward,
                  (input, source), ctx=(mask, k))


def _masked_scatter_backward(node, grad):
    mask, k = node.ctx
    gs = gv = None
    if node.next[0] is not None:
        gs = masked_fill(grad, mask, 0)
    if node.next[1] is not None:
        sshape = node.meta[1][0]
        sel = masked_select(grad, mask)
        gv = _embed(sel, (math.prod(sshape),), (slice(0, k), Ellipsis), None,
                    False).reshape(sshape)
    return gs, gv


def _masked_scatter_direct(self, mask, source):
    m, s = _masked_scatter_prepare(self, mask, source, 'masked_scatter_')
    arr = self._data
    if m.shape != arr.shape:
        try:
            m = xp_of(arr).broadcast_to(m, arr.shape)
        except ValueError:
            raise _shape_error(m.shape, arr.shape, False) from None
    k = int(m.sum())
    if s.size < k:
        raise RuntimeError('Number of elements of source < number of ones in mask')
    arr[m] = s.reshape(-1)[:k]
    bump_version(self)
    return self


masked_scatter_ = _inplace_variant(masked_scatter, 'masked_scatter_', _masked_scatter_direct)


def masked_select(input, mask, *, out=None):
    """The elements of ``input`` where the bool ``mask`` (broadcast) is True, as a 1-D tensor.

    >>> ember.masked_select(ember.tensor([1, 2, 3]), ember.tensor([True, False, True]))
    tensor([1, 3])
    """
    m = _mask_of(mask, 'masked_select')
    x = input._data
    xp = xp_of(x)
    if m.shape == x.shape:
        res, shape = x[m], x.shape
    else:
        shape = _bshape(m, x, 'masked_select')
        mb = xp.broadcast_to(m, shape)
        res = xp.broadcast_to(x, shape)[mb]
    res = wrap(res)
    if out is not None:
        return write_out(out, res, (input,), 'masked_select')
    return record(res, 'MaskedSelectBackward0', _masked_select_backward, (input,),
                  ctx=(mask, shape))


def _masked_select_backward(node, grad):
    mask, shape = node.ctx
    m = mask._data
    if m.shape != shape:
        m = xp_of(m).broadcast_to(m, shape)
    return _embed(grad, shape, None, (m,), False)


METHODS = {'masked_fill': masked_fill, 'masked_fill_': masked_fill_,
           'masked_scatter': masked_scatter, 'masked_scatter_': masked_scatter_,
           'masked_select': masked_select}
