"""Matrix and vector products: ``matmul`` (``@``), ``mm``, ``bmm``, ``mv``, ``dot``, ``vdot``,
``outer``, and the chains ``linalg.multi_dot`` / ``chain_matmul`` (plus ``linalg.vecdot``).

Every product is one BLAS call on the backend arrays; its backward is written with these same
ops, so higher-order gradients work. Errors replay PyTorch's dispatch (which check fails first)
and add what the user usually has to fix.

>>> a = ember.ones(2, 3, requires_grad=True)
>>> (a @ ember.ones(3, 4)).grad_fn
<MmBackward0 object at ...>
"""
import numpy as np

from ._base import Tensor, wrap, record, STATE, xp_of
from ._autocast import AUTOCAST, lower_precision
from .arith import _write_out
from ._linalg_common import (gemm, _CNAME, _tname, _dtype_help, _operands, _check_kind, _same_device,
                             _result, _mm_errors, _mv_errors, _dot_errors, _bmm_errors,
                             _broadcast_error)
from .._dtype import FLOATING, NUMERIC

__all__ = ['matmul', 'mm', 'bmm', 'mv', 'dot', 'vdot', 'outer', 'ger', 'chain_matmul']


# ---- PyTorch's matmul dispatch, replayed for its error messages ---------------------------------
def _should_fold(xa, xb, rg_a, rg_b):
    """PyTorch's should_fold: whether matmul folds the batch into one mm/mv."""
    a_larger = xa.ndim >= xb.ndim
    t1 = xa if a_larger else np.swapaxes(xb, -1, -2)
    d2 = xb.ndim if a_larger else xa.ndim
    if not (t1.ndim >= 3 and d2 <= 2):
        return False
    if rg_b if a_larger else rg_a:
        return True
    if xa.ndim == 2:
        return False
    if t1.size == 0:
        return True
    st, sh = t1.strides, t1.shape
    return all(st[i] == st[i + 1] * sh[i + 1] for i in range(t1.ndim - 2))


def _matmul_errors(input, other, op='matmul'):
    """Raise the error PyTorch's matmul raises for these operands (no-op if they are fine)."""
    xa, xb = input._data, other._data
    da, db = xa.ndim, xb.ndim
    _same_device(xa, xb, op)
    if da == 0 or db == 0:
        raise RuntimeError(f'both arguments to matmul need to be at least 1D, but they are {da}D '
                           f'and {db}D')
    sa, sb, ta, tb = xa.shape, xb.shape, xa.dtype, xb.dtype
    if da == 1 and db == 1:
        _dot_errors(xa, xb, op)
        _check_kind(xa, xb, 'dot')
    elif da == 2 and db == 1:
        _mv_errors(sa, sb, ta, tb, op, xa, xb)
        _check_kind(xa, xb, 'addmv_impl_cpu')
    elif da <= 2 and db == 2:
        m1 = sa if da == 2 else (1,) + sa
        _mm_errors(m1, sb, ta, tb, op, xa, xb)
        _check_kind(xa, xb, 'addmm_impl_cpu_')
    elif _should_fold(xa, xb, input._rg, other._rg):
        if da >= db:
            t1s, t2s, d1, d2 = sa, sb, ta, tb
        else:
            t1s = sb[:-2] + (sb[-1], sb[-2])
            t2s, d1, d2 = (sa[::-1] if da == 2 else sa), tb, ta
        rows = int(np.prod(t1s[:-1]))
        if len(t2s) == 2:
            _mm_errors((rows, t1s[-1]), t2s, d1, d2, op, xa, xb)
            _check_kind(xa, xb, 'addmm_impl_cpu_')
        else:
            _mv_errors((rows, t1s[-1]), t2s, d1, d2, op, xa, xb)
            _check_kind(xa, xb, 'addmv_impl_cpu')
    else:
        n = sa[-2] if da > 1 else 1
        m1 = sa[-1]
        m2 = sb[-2] if db > 1 else sb[0]
        p = sb[-1] if db > 1 else 1
        ba, bb = sa[:max(da - 2, 0)], sb[:max(db - 2, 0)]
        _broadcast_error(ba, bb)
        batch = int(np.prod(np.broadcast_shapes(ba, bb)))
        _bmm_errors((batch, n, m1), (batch, m2, p), ta, tb, op, xa, xb)
        _check_kind(xa, xb, 'bmm')


# ---- matmul, mm, bmm, mv ------------------------------------------------------------------------
def matmul(input, other, *, out=None):
    """Matrix product with NumPy/PyTorch broadcasting: 1-D operands are vectors, batch dims
    broadcast. Both operands must have the same dtype.

    >>> ember.matmul(ember.ones(2, 3), ember.ones(3)).shape
    torch.Size([2])
    """
    if AUTOCAST.on:
        return lower_precision(matmul, input, other, out=out)
    try:
        xa = input._data
        xb = other._data
    except AttributeError:
        _operands(input, other, 'matmul')
        raise
    dt = xa.dtype
    da, db = xa.ndim, xb.ndim
    if dt is not xb.dtype or dt not in NUMERIC or xa.__class__ is not xb.__class__:
        if dt != xb.dtype or dt not in NUMERIC or xa.__class__ is not xb.__class__:
            _matmul_errors(input, other)
    if da == 0 or db == 0:
        _matmul_errors(input, other)
    try:
        if da >= 3 and db == 2 and xa.shape[-1] == xb.shape[0]:
            # fold the batch into one GEMM (a Linear layer on a sequence)
            rows = xa.size // xa.shape[-1] if xa.shape[-1] else int(np.prod(xa.shape[:-1]))
            r = gemm(xa.reshape(rows, xa.shape[-1]), xb).reshape(xa.shape[:-1] + (xb.shape[1],))
        else:
            r = gemm(xa, xb)
    except ValueError:
        _matmul_errors(input, other)
        raise
    res = wrap(r)
    if out is not None:
        return _write_out(out, res)
    if da == 2 and db == 2:
        return record(res, 'MmBackward0', _mm_backward, (input, other), (input, other))
    if not STATE.enabled:
        return res
    if da == 1:
        name = 'DotBackward0' if db == 1 else ('SqueezeBackward4' if db == 2 else
                                               'UnsafeViewBackward0')
    elif db == 1 and da == 2:
        name = 'MvBackward0'
    elif da == 2 and input._rg:
        name = 'CloneBackward0'     # PyTorch folds, multiplies and copies the transposed result
    else:
        name = 'UnsafeViewBackward0'
    return record(res, name, _matmul_backward, (input, other), (input, other))


def _mm_backward(node, grad):
    a, b = node.saved()
    return _mm_grads(grad, a, b, node.next[0] is not None, node.next[1] is not None)


def _matmul_backward(node, grad):
    a, b = node.saved()
    da, db = a._data.ndim, b._data.ndim
    if db == 1:
        b = b.unsqueeze(-1)
        grad = grad.unsqueeze(-1)
    if da == 1:
        a = a.unsqueeze(0)
        grad = grad.unsqueeze(-2)
    ga = gb = None
    if node.next[0] is not None:
        ga = matmul(grad, b.mT)            # the engine sums broadcast batch dims
        if da == 1:
            ga = ga.squeeze(-2)
    if node.next[1] is not None:
        if b._data.ndim == 2 and a._data.ndim >= 3:   # fold: one GEMM instead of a batch
            k, n = a._data.shape[-1], grad._data.shape[-1]
            rows = int(np.prod(a._data.shape[:-1]))
            gb = mm(a.reshape(rows, k).t(), grad.reshape(rows, n))
        else:
            gb = matmul(a.mT, grad)
        if db == 1:
            gb = gb.squeeze(-1)
    return ga, gb


def _rmatmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _matmul_method(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


def mm(input, mat2, *, out=None):
    """Product of two matrices (2-D only; see :func:`matmul` for broadcasting).

    >>> ember.mm(ember.ones(2, 3), ember.ones(3, 4)).shape
    torch.Size([2, 4])
    """
    if AUTOCAST.on:
        return lower_precision(mm, input, mat2, out=out)
    xa, xb = _operands(input, mat2, 'mm', ('input', 'mat2'))
    if xa.ndim != 2:
        raise RuntimeError('self must be a matrix')
    if xb.ndim != 2:
        raise RuntimeError('mat2 must be a matrix')
    if xa.dtype is not xb.dtype or xa.shape[1] != xb.shape[0] or xa.dtype not in NUMERIC:
        _mm_checks(xa, xb, 'mm')
    return _result(wrap(gemm(xa, xb)), out, 'MmBackward0', _mm_backward, (input, mat2), (input, mat2))


def _mm_checks(xa, xb, op):
    """at::mm's checks of two matrices, in PyTorch's order: device, shapes, dtype, kind."""
    _same_device(xa, xb, op)
    _mm_errors(xa.shape, xb.shape, xa.dtype, xb.dtype, op, xa, xb)
    _check_kind(xa, xb, 'addmm_impl_cpu_')


def _mm_grads(grad, a, b, need_a, need_b):
    """Gradients of ``a @ b`` (matrices) for the operands that need one."""
    return mm(grad, b.t()) if need_a else None, mm(a.t(), grad) if need_b else None


def bmm(input, mat2, *, out=None):
    """Batched matrix product of two 3-D tensors ``(b, n, m) @ (b, m, p)``.

    >>> ember.bmm(ember.ones(5, 2, 3), ember.ones(5, 3, 4)).shape
    torch.Size([5, 2, 4])
    """
    if AUTOCAST.on:
        return lower_precision(bmm, input, mat2, out=out)
    xa, xb = _batches(input, mat2, 'bmm', ('input', 'mat2'), 1)
    _bmm_errors(xa.shape, xb.shape, xa.dtype, xb.dtype, 'bmm', xa, xb)
    _check_kind(xa, xb, 'bmm')
    return _result(wrap(gemm(xa, xb)), out, 'BmmBackward0', _bmm_backward, (input, mat2),
                   (input, mat2))


def _batches(b1, b2, op, names, pos):
    """The arrays of two 3-D Tensor arguments on one device (bmm, baddbmm, addbmm)."""
    x1, x2 = _operands(b1, b2, op, names, pos)
    if x1.ndim != 3:
        raise RuntimeError('batch1 must be a 3D tensor')
    if x2.ndim != 3:
        raise RuntimeError('batch2 must be a 3D tensor')
    _same_device(x1, x2, op)
    return x1, x2


def _bmm_backward(node, grad):
    a, b = node.saved()
    return _bmm_grads(grad, a, b, node.next[0] is not None, node.next[1] is not None)


def _bmm_grads(grad, a, b, need_a, need_b):
    """Gradients of ``bmm(a, b)`` for the operands that need one."""
    return (bmm(grad, b.transpose(1, 2)) if need_a else None,
            bmm(a.transpose(1, 2), grad) if need_b else None)


def mv(input, vec, *, out=None):
    """Matrix-vector product ``(n, m) @ (m,)``.

    >>> ember.mv(ember.ones(2, 3), ember.ones(3))
    tensor([3., 3.])
    """
    xa, xb = _operands(input, vec, 'mv', ('input', 'vec'))
    if xa.ndim != 2 or xb.ndim != 1:
        raise RuntimeError(f'vector + matrix @ vector expected, got 1, {xa.ndim}, {xb.ndim}')
    _same_device(xa, xb, 'mv')
    _mv_errors(xa.shape, xb.shape, xa.dtype, xb.dtype, 'mv', xa, xb)
    _check_kind(xa, xb, 'addmv_impl_cpu')
    return _result(wrap(gemm(xa, xb)), out, 'MvBackward0', _mv_backward, (input, vec), (input, vec))


def _mv_backward(node, grad):
    a, v = node.saved()
    return _mv_grads(grad, a, v, node.next[0] is not None, node.next[1] is not None)


def _mv_grads(grad, m, v, need_m, need_v):
    """Gradients of ``mv(m, v)`` for the operands that need one."""
    return grad.unsqueeze(-1) * v if need_m else None, mv(m.t(), grad) if need_v else None


# ---- vector products ---------------------------------------------------------------------------
def dot(input, tensor, *, out=None):
    """Inner product of two 1-D tensors of the same dtype (a 0-d result).

    >>> ember.dot(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor(11.)
    """
    return _dot(input, tensor, out, 'dot', 'DotBackward0')


def vdot(input, other, *, out=None):
    """``dot`` with the first argument conjugated (the same as dot for real tensors).

    >>> ember.vdot(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor(11.)
    """
    return _dot(input, other, out, 'vdot', 'VdotBackward0')


def _dot(input, other, out, op, name):
    xa, xb = _operands(input, other, op, ('input', 'tensor'))
    if xa.ndim != 1 or xb.ndim != 1:
        raise RuntimeError(f'1D tensors expected, but got {xa.ndim}D and {xb.ndim}D tensors')
    _same_device(xa, xb, op)
    _dot_errors(xa, xb, op)
    _check_kind(xa, xb, 'dot')
    return _result(wrap(gemm(xa, xb)), out, name, _dot_backward, (input, other),
                   (input, other))


def _dot_backward(node, grad):
    a, b = node.saved()
    return (grad * b if node.next[0] is not None else None,
            grad * a if node.next[1] is not None else None)


def outer(input, vec2, *, out=None):
    """Outer product of two vectors: ``input[i] * vec2[j]`` (dtypes promote as in ``mul``).

    >>> ember.outer(ember.tensor([1., 2.]), ember.tensor([1., 0., -1.])).shape
    torch.Size([2, 3])
    """
    _operands(input, vec2, 'outer', ('input', 'vec2'))
    for name, v in (('self', input), ('vec2', vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f'outer: Expected 1-D argument {name}, but got {v._data.ndim}-D')
    res = input.reshape(input._data.shape[0], 1) * vec2
    if out is not None:
        return _write_out(out, res)
    return res


ger = outer


# ---- chains of products -------------------------------------------------------------------------
def multi_dot(tensors, *, out=None):
    """``ember.linalg.multi_dot``: the product of a chain of matrices in the cheapest order
    (the first/last may be vectors).

    >>> ember.linalg.multi_dot([ember.ones(2, 3), ember.ones(3, 4), ember.ones(4)]).shape
    torch.Size([2])
    """
    tensors = list(tensors)
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f'multi_dot(): expected at least 2 tensors but got {n}')
    first, last = tensors[0]._data.ndim, tensors[-1]._data.ndim
    if first not in (1, 2):
        raise RuntimeError(f'multi_dot(): the first tensor must be 1D or 2D but got {first}D')
    if last not in (1, 2):
        raise RuntimeError(f'multi_dot(): the last tensor must be 1D or 2D but got {last}D')
    for i in range(1, n - 1):
        if tensors[i]._data.ndim != 2:
            raise RuntimeError(f'multi_dot(): tensor {i} must be 2D but got '
                               f'{tensors[i]._data.ndim}D')
    dt = tensors[0]._data.dtype
    for i, t in enumerate(tensors):
        if t._data.dtype != dt:
            raise RuntimeError(f'multi_dot(): all tensors must have be the same dtype but tensor '
                               f'0 is {_CNAME.get(str(dt))} and tensor {i} '
                               f'{_CNAME.get(str(t._data.dtype))}'
                               + _dtype_help('multi_dot', tensors[0]._data, t._data))
    mats = list(tensors)
    if first == 1:
        mats[0] = mats[0].unsqueeze(0)
    if last == 1:
        mats[-1] = mats[-1].unsqueeze(-1)
    for i in range(n - 1):
        sa, sb = mats[i]._data.shape, mats[i + 1]._data.shape
        if sa[1] != sb[0]:
            raise RuntimeError(f'multi_dot(): tensors {i} and {i + 1} with shapes {list(sa)} '
                               f'and {list(sb)} cannot be multiplied')
    res = mm(mats[0], mats[1]) if n == 2 else _chain(mats)
    shape = ()
    if first == 2:
        shape += (res._data.shape[0],)
    if last == 2:
        shape += (res._data.shape[1],)
    res = res.reshape(shape)
    if out is not None:
        return _write_out(out, res)
    return res


def _chain(mats):
    """Multiply 2-D tensors in the order of least scalar multiplications (as PyTorch)."""
    n = len(mats)
    if n == 3:
        a, b = mats[0]._data.shape
        c, d = mats[2]._data.shape
        cost1 = (a * c) * (b + d)
        cost2 = (b * d) * (a + c)
        if cost1 > cost2:
            return mm(mats[0], mm(mats[1], mats[2]))
        return mm(mm(mats[0], mats[1]), mats[2])
    p = [m._data.shape[0] for m in mats] + [mats[-1]._data.shape[1]]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                q = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if cost[i][j] is None or q < cost[i][j]:
                    cost[i][j], split[i][j] = q, k

    def build(i, j):
        if i == j:
            return mats[i]
        k = split[i][j]
        return mm(build(i, k), build(k + 1, j))
    return build(0, n - 1)


def chain_matmul(*matrices, out=None):
    """Deprecated alias of ``ember.linalg.multi_dot`` for 2-D tensors.

    >>> ember.chain_matmul(ember.ones(2, 3), ember.ones(3, 4)).shape
    torch.Size([2, 4])
    """
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = matrices[0]
    if len(matrices) == 1:
        return matrices[0].clone()
    for m in matrices:
        if m._data.ndim != 2:
            raise RuntimeError(f'Tensor dimension is {m._data.ndim}, expected 2 instead.')
    return multi_dot(matrices, out=out)


def vecdot(x, y, *, dim=-1, out=None):
    """Dot product of vectors along ``dim`` (with broadcasting).

    >>> ember.linalg.vecdot(ember.ones(2, 3), ember.ones(3))
    tensor([3., 3.])
    """
    if AUTOCAST.on:
        return lower_precision(vecdot, x, y, dim=dim, out=out)
    xa, xb = x._data, y._data
    for t in (xa, xb):
        if t.dtype not in FLOATING:
            raise RuntimeError(f'linalg.vecdot: Expected a floating point or complex tensor as '
                               f'input. Got {_tname(t)}')
    if xa.dtype != xb.dtype:
        raise RuntimeError(f'linalg.vecdot: Expected x and y to have the same dtype, but found x '
                           f'of type {_tname(xa)} and y of type {_tname(xb)} instead'
                           + _dtype_help('linalg.vecdot', xa, xb))
    res = (x * y).sum(dim)
    if out is not None:
        return _write_out(out, res)
    return res


METHODS = {
    'matmul': matmul, 'mm': mm, 'bmm': bmm, 'mv': mv, 'dot': dot, 'vdot': vdot, 'outer': outer,
    'ger': ger, '__matmul__': _matmul_method, '__rmatmul__': _rmatmul,
}
