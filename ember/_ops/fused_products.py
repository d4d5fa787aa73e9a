"""Fused multiply-adds, BLAS style: ``beta * input + alpha * product`` in one call, for the
products ``mat1 @ mat2`` (addmm), ``mat @ vec`` (addmv), ``bmm`` (baddbmm), the sum of a
batch of products (addbmm) and ``outer`` (addr); with their in-place methods (``addmm_``...).

>>> ember.addmm(ember.zeros(2), ember.ones(3, 2), ember.ones(2, 2))
tensor([[2., 2.],
        [2., 2.],
        [2., 2.]])
"""
from ._base import wrap, record, xp_of, np
from ._elementwise import quiet, quieted
from ._autocast import AUTOCAST, lower_precision
from .arith import _write_out, _generic_inplace
from .products import matmul, mv, _mm_checks, _mm_grads, _mv_grads, _bmm_grads, _batches
from ._linalg_common import (_CNAME, _tname, _dims, _dtype_help, _shape_help, _check_tensor,
                             _operands, _check_kind, _same_device, _bmm_errors)
from .. import _dtype as D
from .._dtype import NUMERIC

__all__ = ['addmm', 'addmv', 'baddbmm', 'addbmm', 'addr']


def _scalars(x, beta, alpha):
    """PyTorch truncates float beta/alpha to integers for integer tensors."""
    if x.dtype.kind in 'iub':
        return int(beta), int(alpha)
    return beta, alpha


def _expand_error(src, target, op):
    """PyTorch's expand() message when ``src`` cannot broadcast to ``target``."""
    if len(src) > len(target):
        raise RuntimeError(f'expand(torch.FloatTensor{{{list(src)}}}, size={list(target)}): the '
                           f'number of sizes provided ({len(target)}) must be greater or equal to '
                           f'the number of dimensions in the tensor ({len(src)}) (in {op})')
    lead = len(target) - len(src)
    for i in range(len(target) - 1, lead - 1, -1):
        s = src[i - lead]
        if s != 1 and s != target[i]:
            raise RuntimeError(f'The expanded size of the tensor ({target[i]}) must match the '
                               f'existing size ({s}) at non-singleton dimension {i}.  Target '
                               f'sizes: {list(target)}.  Tensor sizes: {list(src)} (in {op}: '
                               'input must broadcast to the shape of the product)')


def _add_scaled(prod, xi, beta, alpha, op):
    """``beta * xi + alpha * prod`` on arrays, written into the fresh ``prod``."""
    if xi.shape != prod.shape:
        _expand_error(xi.shape, prod.shape, op)
    if alpha != 1:
        prod *= alpha
    if beta == 1:
        prod += xi
    elif beta != 0:             # beta == 0 ignores input (its nan/inf do not propagate)
        prod += xi * beta
    return prod


def _same_dtype_input(xi, xm, op):
    if xi.dtype != xm.dtype:
        raise RuntimeError(f'self and mat2 must have the same dtype, but got {_tname(xi)} and '
                           f'{_tname(xm)}' + _dtype_help(op, xi, xm))


@quieted
def _fused(prod, xi, beta, alpha, out, op, name, backward, input, m1, m2):
    """The result ``beta * input + alpha * prod`` of ``op(input, m1, m2)`` (``xi``: input's
    array, already promoted for addr): written to ``out=``, or recorded with ``backward``."""
    beta, alpha = _scalars(prod, beta, alpha)
    r = _add_scaled(prod, xi, beta, alpha, op)
    dt = m1._data.dtype
    res = wrap(r if r.dtype is dt else r.astype(dt))   # bfloat16: accumulated in float32
    if out is not None:
        return _write_out(out, res)
    return record(res, name, backward, (input, m1, m2), (m1, m2), ctx=(beta, alpha))


def _addx_backward(prod_grads):
    """Backward of ``beta * input + alpha * prod(m1, m2)`` given the product's gradients."""
    def backward(node, grad):
        beta, alpha = node.ctx
        m1, m2 = node.saved()
        gi = None
        if node.next[0] is not None:
            gi = grad * beta if beta != 1 else grad
        g = grad * alpha if alpha != 1 else grad
        g1, g2 = prod_grads(g, m1, m2, node.next[1] is not None, node.next[2] is not None)
        return gi, g1, g2
    return backward


def _addbmm_grads(g, b1, b2, need1, need2):
    g = g.unsqueeze(0)
    return (matmul(g, b2.transpose(1, 2)) if need1 else None,
            matmul(b1.transpose(1, 2), g) if need2 else None)


def _outer_grads(g, v1, v2, need1, need2):
    return mv(g, v2) if need1 else None, mv(g.t(), v1) if need2 else None


_addmm_backward = _addx_backward(_mm_grads)
_addmv_backward = _addx_backward(_mv_grads)
_baddbmm_backward = _addx_backward(_bmm_grads)
_addbmm_backward = _addx_backward(_addbmm_grads)
_addr_backward = _addx_backward(_outer_grads)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)`` in one GEMM (what a Linear layer computes).

    >>> ember.addmm(ember.zeros(2), ember.ones(3, 2), ember.ones(2, 2)).shape
    torch.Size([3, 2])
    """
    if AUTOCAST.on:
        return lower_precision(addmm, input, mat1, mat2, beta=beta, alpha=alpha, out=out)
    _check_tensor(input, 'addmm', 'input', 1)
    x1, x2 = _operands(mat1, mat2, 'addmm', ('mat1', 'mat2'), 2)
    if x1.ndim != 2 or x2.ndim != 2:
        which, x = ('mat1', x1) if x1.ndim != 2 else ('mat2', x2)
        raise RuntimeError(f'{which} must be a matrix, got {x.ndim}-D tensor')
    if x1.dtype is not x2.dtype or x1.shape[1] != x2.shape[0] or x1.dtype not in NUMERIC:
        _mm_checks(x1, x2, 'addmm')
    xi = input._data
    _same_dtype_input(xi, x1, 'addmm')
    return _fused(quiet(np.matmul, x1, x2), xi, beta, alpha, out, 'addmm', 'AddmmBackward0', _addmm_backward,
                  input, mat1, mat2)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``.

    >>> ember.addmv(ember.zeros(2), ember.ones(2, 3), ember.ones(3))
    tensor([3., 3.])
    """
    _check_tensor(input, 'addmv', 'input', 1)
    xm, xv = _operands(mat, vec, 'addmv', ('mat', 'vec'), 2)
    xi = input._data
    if xm.ndim != 2 or xv.ndim != 1 or xi.ndim > 1:
        raise RuntimeError(f'vector + matrix @ vector expected, got {xi.ndim}, {xm.ndim}, '
                           f'{xv.ndim}')
    _same_device(xm, xv, 'addmv')
    n = xi.shape[0] if xi.ndim == 1 and xi.shape[0] != 1 else xm.shape[0]
    if n != xm.shape[0] or xm.shape[1] != xv.shape[0]:
        raise RuntimeError(f'size mismatch, got input ({n}), mat ({_dims(xm.shape)}), vec '
                           f'({xv.shape[0]})' + _shape_help('addmv', xm, xv))
    if not xi.dtype == xm.dtype == xv.dtype:
        raise RuntimeError(f'addmv input tensors must have the same dtype, but got {_tname(xi)}, '
                           f'{_tname(xm)}, and {_tname(xv)}' + _dtype_help('addmv', xm, xv))
    _check_kind(xm, xv, 'addmv_impl_cpu')
    return _fused(xm @ xv, xi, beta, alpha, out, 'addmv', 'AddmvBackward0', _addmv_backward,
                  input, mat, vec)


def _batch_pair(b1, b2, op):
    x1, x2 = _batches(b1, b2, op, ('batch1', 'batch2'), 2)
    if x2.shape[0] != x1.shape[0] or x2.shape[1] != x1.shape[2]:
        _bmm_errors(x1.shape, x2.shape, x1.dtype, x2.dtype, op, x1, x2)
    return x1, x2


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``.

    >>> ember.baddbmm(ember.zeros(2, 2, 4), ember.ones(2, 2, 3), ember.ones(2, 3, 4)).shape
    torch.Size([2, 2, 4])
    """
    if AUTOCAST.on:
        return lower_precision(baddbmm, input, batch1, batch2, beta=beta, alpha=alpha, out=out)
    _check_tensor(input, 'baddbmm', 'input', 1)
    x1, x2 = _batch_pair(batch1, batch2, 'baddbmm')
    xi = input._data
    if not xi.dtype == x1.dtype == x2.dtype:
        raise RuntimeError(f'Input dtypes must be the same, got: input {_CNAME.get(str(xi.dtype))}'
                           f', batch1: {_CNAME.get(str(x1.dtype))}, batch2: '
                           f'{_CNAME.get(str(x2.dtype))}' + _dtype_help('baddbmm', x1, x2))
    _check_kind(x1, x2, 'bmm')
    return _fused(quiet(np.matmul, x1, x2), xi, beta, alpha, out, 'baddbmm', 'BaddbmmBackward0',
                  _baddbmm_backward, input, batch1, batch2)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])`` (one GEMM over the whole batch).

    >>> ember.addbmm(ember.zeros(2, 4), ember.ones(5, 2, 3), ember.ones(5, 3, 4)).shape
    torch.Size([2, 4])
    """
    if AUTOCAST.on:
        return lower_precision(addbmm, input, batch1, batch2, beta=beta, alpha=alpha, out=out)
    _check_tensor(input, 'addbmm', 'input', 1)
    x1, x2 = _batch_pair(batch1, batch2, 'addbmm')
    if x1.dtype != x2.dtype:
        _bmm_errors(x1.shape, x2.shape, x1.dtype, x2.dtype, 'addbmm', x1, x2)
    xi = input._data
    _same_dtype_input(xi, x1, 'addbmm')
    _check_kind(x1, x2, 'bmm')
    b, n, m = x1.shape
    p = x2.shape[2]
    prod = x1.transpose(1, 0, 2).reshape(n, b * m) @ x2.reshape(b * m, p)
    return _fused(prod, xi, beta, alpha, out, 'addbmm', 'AddbmmBackward0', _addbmm_backward,
                  input, batch1, batch2)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)`` (dtypes promote as in ``mul``/``add``).

    >>> ember.addr(ember.zeros(2, 3), ember.ones(2), ember.ones(3)).shape
    torch.Size([2, 3])
    """
    _check_tensor(input, 'addr', 'input', 1)
    _operands(vec1, vec2, 'addr', ('vec1', 'vec2'), 2)
    for name, v in (('vec1', vec1), ('vec2', vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f'addr: Expected 1-D argument {name}, but got {v._data.ndim}-D')
    dt = D.result_type(input, vec1, vec2).np
    xi, x1, x2 = (t._data if t._data.dtype == dt else t._data.astype(dt)
                  for t in (input, vec1, vec2))
    _same_device(x1, x2, 'addr')
    return _fused(xp_of(x1).multiply.outer(x1, x2), xi, beta, alpha, out, 'addr',
                  'AddrBackward0', _addr_backward, input, vec1, vec2)


METHODS = {
    'addmm': addmm, 'addmv': addmv, 'addbmm': addbmm, 'baddbmm': baddbmm, 'addr': addr,
    'addmm_': _generic_inplace(addmm, 'addmm_'), 'addmv_': _generic_inplace(addmv, 'addmv_'),
    'addbmm_': _generic_inplace(addbmm, 'addbmm_'),
    'baddbmm_': _generic_inplace(baddbmm, 'baddbmm_'), 'addr_': _generic_inplace(addr, 'addr_'),
}
