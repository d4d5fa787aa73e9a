"""Matrix products: matmul (``@``), mm, bmm, mv, dot, addmm and friends, einsum, tensordot,
kron, trace, cross, cdist, multi_dot; plus the legacy ``torch.det``/``inverse``/``svd``/... that
forward to :mod:`ember.linalg` (norms, solvers and decompositions live there).

Every product is one BLAS call on the backend arrays; its backward is written with these same
ops, so higher-order gradients work.

>>> a = ember.ones(2, 3, requires_grad=True)
>>> (a @ ember.ones(3, 4)).grad_fn
<MmBackward0 object at ...>
"""
import collections
import math
import warnings

from ._base import Tensor, wrap, record, STATE, xp_of, norm_dim, check_same_device, np
from .arith import _write_out, _generic_inplace
from .. import _dtype as D

__all__ = ['matmul', 'mm', 'bmm', 'mv', 'dot', 'vdot', 'inner', 'outer', 'ger', 'addmm',
           'addmv', 'addbmm', 'baddbmm', 'addr', 'einsum', 'tensordot', 'kron', 'trace',
           'cross', 'cdist', 'chain_matmul', 'det', 'logdet', 'slogdet', 'inverse', 'cholesky',
           'svd', 'qr', 'pinverse', 'matrix_power']

# C++ type names PyTorch prints in "expected m1 and m2 to have the same dtype" ...
_CNAME = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half',
          'bfloat16': 'c10::BFloat16', 'int64': 'long int', 'int32': 'int', 'int16': 'short int',
          'int8': 'signed char', 'uint8': 'unsigned char', 'bool': 'bool'}
# ... and the ScalarType names it prints elsewhere ("found Float and Double").
_TNAME = {'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'bfloat16': 'BFloat16',
          'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte',
          'bool': 'Bool'}


def _tname(x):
    return _TNAME.get(str(x.dtype), str(x.dtype))


def _dims(shape):
    return 'x'.join(str(s) for s in shape)


def _desc(x):
    return f'{D._BY_NP[x.dtype] if x.dtype in D._BY_NP else x.dtype} {list(x.shape)}'


def _dtype_help(op, xa, xb):
    return (f' (in {op}: {_desc(xa)} and {_desc(xb)}). Both operands of a matrix product must '
            "have the same dtype. The usual cause is NumPy's float64 default "
            '(torch.from_numpy(arr) and torch.tensor(arr) keep float64) or integer data; convert '
            'with .float() (or create the tensor with dtype=torch.float32).')


def _shape_help(op, xa, xb):
    return (f' (in {op}: input {list(xa.shape)}, other {list(xb.shape)}; the last dim of the '
            'first operand must equal the first (1-D) or second-to-last dim of the second. A '
            "Linear layer whose in_features doesn't match the input's last dim fails like this: "
            'flatten the input or fix in_features.)')


def _check_tensor(x, op, arg, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f'{type(x).__name__}')


def _check_kind(xa, xb, what):
    """Bool (and other non-numeric) products are not implemented in PyTorch."""
    for x in (xa, xb):
        if x.dtype.kind not in 'fiu':
            raise NotImplementedError(f'"{what}" not implemented for \'{_tname(x)}\'')


def _same_device(xa, xb, op):
    if xa.__class__ is not xb.__class__:
        check_same_device(xa, xb, op)


# ---- error messages of PyTorch's matmul dispatch ----------------------------------------
def _mm_errors(m1, m2, op, xa, xb):
    """Shape, then dtype, then bool checks of at::mm on the (possibly folded) operands."""
    if m1[1] != m2[0]:
        raise RuntimeError(f'mat1 and mat2 shapes cannot be multiplied ({_dims(m1)} and '
                           f'{_dims(m2)})' + _shape_help(op, xa, xb))


def _mm_dtype(d1, d2, op, xa, xb):
    if d1 != d2:
        raise RuntimeError(f'expected m1 and m2 to have the same dtype, but got: '
                           f'{_CNAME.get(str(d1), d1)} != {_CNAME.get(str(d2), d2)}'
                           + _dtype_help(op, xa, xb))


def _mv_errors(mat, vec, dmat, dvec, op, xa, xb):
    if mat[1] != vec[0]:
        raise RuntimeError(f'size mismatch, got input ({mat[0]}), mat ({_dims(mat)}), vec '
                           f'({vec[0]})' + _shape_help(op, xa, xb))
    if dmat != dvec:
        v, m = _TNAME.get(str(dvec)), _TNAME.get(str(dmat))
        raise RuntimeError(f'addmv input tensors must have the same dtype, but got {v}, {m}, and '
                           f'{v}' + _dtype_help(op, xa, xb))


def _dot_errors(xa, xb, op):
    if xa.dtype != xb.dtype:
        raise RuntimeError(f'dot : expected both vectors to have same dtype, but found '
                           f'{_tname(xa)} and {_tname(xb)}' + _dtype_help(op, xa, xb))
    if xa.shape[0] != xb.shape[0]:
        raise RuntimeError(f'inconsistent tensor size, expected tensor [{xa.shape[0]}] and src '
                           f'[{xb.shape[0]}] to have the same number of elements, but got '
                           f'{xa.shape[0]} and {xb.shape[0]} elements respectively')


def _bmm_errors(s1, s2, d1, d2, op, xa, xb):
    if s2[0] != s1[0] or s2[1] != s1[2]:
        raise RuntimeError(f'Expected size for first two dimensions of batch2 tensor to be: '
                           f'[{s1[0]}, {s1[2]}] but got: [{s2[0]}, {s2[1]}].'
                           + _shape_help(op, xa, xb))
    if d1 != d2:
        raise RuntimeError(f'expected scalar type {_TNAME.get(str(d1))} but found '
                           f'{_TNAME.get(str(d2))}' + _dtype_help(op, xa, xb))


def _broadcast_error(s1, s2):
    """PyTorch's infer_size message for two shapes that do not broadcast."""
    n = max(len(s1), len(s2))
    for i in range(n - 1, -1, -1):
        a = s1[i - n + len(s1)] if i - n + len(s1) >= 0 else 1
        b = s2[i - n + len(s2)] if i - n + len(s2) >= 0 else 1
        if a != b and a != 1 and b != 1:
            raise RuntimeError(f'The size of tensor a ({a}) must match the size of tensor b ({b}) '
                               f'at non-singleton dimension {i}')


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
        _mm_errors(m1, sb, op, xa, xb)
        _mm_dtype(ta, tb, op, xa, xb)
        _check_kind(xa, xb, 'addmm_impl_cpu_')
    elif _should_fold(xa, xb, input._rg, other._rg):
        if da >= db:
            t1s, t2s, d1, d2 = sa, sb, ta, tb
        else:
            t1s = sb[:-2] + (sb[-1], sb[-2])
            t2s, d1, d2 = (sa[::-1] if da == 2 else sa), tb, ta
        rows = int(np.prod(t1s[:-1]))
        if len(t2s) == 2:
            _mm_errors((rows, t1s[-1]), t2s, op, xa, xb)
            _mm_dtype(d1, d2, op, xa, xb)
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


# ---- matmul -------------------------------------------------------------------------------
def matmul(input, other, *, out=None):
    """Matrix product with NumPy/PyTorch broadcasting: 1-D operands are vectors, batch dims
    broadcast. Both operands must have the same dtype.

    >>> ember.matmul(ember.ones(2, 3), ember.ones(3)).shape
    torch.Size([2])
    """
    try:
        xa = input._data
        xb = other._data
    except AttributeError:
        _check_tensor(input, 'matmul', 'input', 1)
        _check_tensor(other, 'matmul', 'other', 2)
        raise
    dt = xa.dtype
    da, db = xa.ndim, xb.ndim
    if dt is not xb.dtype or dt.kind not in 'fiu' or xa.__class__ is not xb.__class__:
        if dt != xb.dtype or dt.kind not in 'fiu' or xa.__class__ is not xb.__class__:
            _matmul_errors(input, other)
    if da == 2 and db == 2:
        try:
            r = xa @ xb
        except ValueError:
            _matmul_errors(input, other)
            raise
        res = wrap(r)
        if out is not None:
            return _write_out(out, res)
        return record(res, 'MmBackward0', _mm_backward, (input, other), (input, other))
    if da == 0 or db == 0:
        _matmul_errors(input, other)
    try:
        if da >= 3 and db == 2 and xa.shape[-1] == xb.shape[0]:
            # fold the batch into one GEMM (a Linear layer on a sequence)
            rows = xa.size // xa.shape[-1] if xa.shape[-1] else int(np.prod(xa.shape[:-1]))
            r = (xa.reshape(rows, xa.shape[-1]) @ xb).reshape(xa.shape[:-1] + (xb.shape[1],))
        else:
            r = xa @ xb
    except ValueError:
        _matmul_errors(input, other)
        raise
    res = wrap(r)
    if out is not None:
        return _write_out(out, res)
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
    ga = mm(grad, b.t()) if node.next[0] is not None else None
    gb = mm(a.t(), grad) if node.next[1] is not None else None
    return ga, gb


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
    _check_tensor(input, 'mm', 'input', 1)
    _check_tensor(mat2, 'mm', 'mat2', 2)
    xa, xb = input._data, mat2._data
    if xa.ndim != 2:
        raise RuntimeError('self must be a matrix')
    if xb.ndim != 2:
        raise RuntimeError('mat2 must be a matrix')
    if xa.dtype is not xb.dtype or xa.shape[1] != xb.shape[0] or xa.dtype.kind not in 'fiu':
        _same_device(xa, xb, 'mm')
        _mm_errors(xa.shape, xb.shape, 'mm', xa, xb)
        _mm_dtype(xa.dtype, xb.dtype, 'mm', xa, xb)
        _check_kind(xa, xb, 'addmm_impl_cpu_')
    res = wrap(xa @ xb)
    if out is not None:
        return _write_out(out, res)
    return record(res, 'MmBackward0', _mm_backward, (input, mat2), (input, mat2))


def bmm(input, mat2, *, out=None):
    """Batched matrix product of two 3-D tensors ``(b, n, m) @ (b, m, p)``.

    >>> ember.bmm(ember.ones(5, 2, 3), ember.ones(5, 3, 4)).shape
    torch.Size([5, 2, 4])
    """
    _check_tensor(input, 'bmm', 'input', 1)
    _check_tensor(mat2, 'bmm', 'mat2', 2)
    xa, xb = input._data, mat2._data
    if xa.ndim != 3:
        raise RuntimeError('batch1 must be a 3D tensor')
    if xb.ndim != 3:
        raise RuntimeError('batch2 must be a 3D tensor')
    _same_device(xa, xb, 'bmm')
    _bmm_errors(xa.shape, xb.shape, xa.dtype, xb.dtype, 'bmm', xa, xb)
    _check_kind(xa, xb, 'bmm')
    res = wrap(xa @ xb)
    if out is not None:
        return _write_out(out, res)
    return record(res, 'BmmBackward0', _bmm_backward, (input, mat2), (input, mat2))


def _bmm_backward(node, grad):
    a, b = node.saved()
    ga = bmm(grad, b.transpose(1, 2)) if node.next[0] is not None else None
    gb = bmm(a.transpose(1, 2), grad) if node.next[1] is not None else None
    return ga, gb


def mv(input, vec, *, out=None):
    """Matrix-vector product ``(n, m) @ (m,)``.

    >>> ember.mv(ember.ones(2, 3), ember.ones(3))
    tensor([3., 3.])
    """
    _check_tensor(input, 'mv', 'input', 1)
    _check_tensor(vec, 'mv', 'vec', 2)
    xa, xb = input._data, vec._data
    if xa.ndim != 2 or xb.ndim != 1:
        raise RuntimeError(f'vector + matrix @ vector expected, got 1, {xa.ndim}, {xb.ndim}')
    _same_device(xa, xb, 'mv')
    _mv_errors(xa.shape, xb.shape, xa.dtype, xb.dtype, 'mv', xa, xb)
    _check_kind(xa, xb, 'addmv_impl_cpu')
    res = wrap(xa @ xb)
    if out is not None:
        return _write_out(out, res)
    return record(res, 'MvBackward0', _mv_backward, (input, vec), (input, vec))


def _mv_backward(node, grad):
    a, v = node.saved()
    ga = grad.unsqueeze(1) * v if node.next[0] is not None else None
    gv = mv(a.t(), grad) if node.next[1] is not None else None
    return ga, gv


def _vector_args(input, other, op):
    _check_tensor(input, op, 'input', 1)
    _check_tensor(other, op, 'tensor', 2)
    xa, xb = input._data, other._data
    if xa.ndim != 1 or xb.ndim != 1:
        raise RuntimeError(f'1D tensors expected, but got {xa.ndim}D and {xb.ndim}D tensors')
    _same_device(xa, xb, op)
    _dot_errors(xa, xb, op)
    _check_kind(xa, xb, 'dot')
    return xa, xb


def dot(input, tensor, *, out=None):
    """Inner product of two 1-D tensors of the same dtype (a 0-d result).

    >>> ember.dot(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor(11.)
    """
    xa, xb = _vector_args(input, tensor, 'dot')
    res = wrap(xp_of(xa).dot(xa, xb))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'DotBackward0', _dot_backward, (input, tensor), (input, tensor))


def _dot_backward(node, grad):
    a, b = node.saved()
    return (grad * b if node.next[0] is not None else None,
            grad * a if node.next[1] is not None else None)


def vdot(input, other, *, out=None):
    """``dot`` with the first argument conjugated (the same as dot for real tensors).

    >>> ember.vdot(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor(11.)
    """
    xa, xb = _vector_args(input, other, 'vdot')
    res = wrap(xp_of(xa).dot(xa, xb))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'VdotBackward0', _dot_backward, (input, other), (input, other))


# ---- fused multiply-adds ----------------------------------------------------------------------
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


def _add_scaled(prod, input, beta, alpha, op):
    """``beta * input + alpha * prod`` on arrays, written into the fresh ``prod``."""
    xi = input._data
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


def _addx_backward(prod):
    """Backward of ``beta * input + alpha * prod(m1, m2)`` given the product's backward."""
    def backward(node, grad):
        beta, alpha = node.ctx
        m1, m2 = node.saved()
        gi = None
        if node.next[0] is not None:
            gi = grad * beta if beta != 1 else grad
        g = grad * alpha if alpha != 1 else grad
        g1, g2 = prod(node, g, m1, m2)
        return gi, g1, g2
    return backward


def _mm_pair(node, g, m1, m2):
    return (mm(g, m2.t()) if node.next[1] is not None else None,
            mm(m1.t(), g) if node.next[2] is not None else None)


def _mv_pair(node, g, m, v):
    return (g.unsqueeze(-1) * v if node.next[1] is not None else None,
            mv(m.t(), g) if node.next[2] is not None else None)


def _bmm_pair(node, g, b1, b2):
    return (bmm(g, b2.transpose(1, 2)) if node.next[1] is not None else None,
            bmm(b1.transpose(1, 2), g) if node.next[2] is not None else None)


def _addbmm_pair(node, g, b1, b2):
    g = g.unsqueeze(0)
    return (matmul(g, b2.transpose(1, 2)) if node.next[1] is not None else None,
            matmul(b1.transpose(1, 2), g) if node.next[2] is not None else None)


def _outer_pair(node, g, v1, v2):
    return (mv(g, v2) if node.next[1] is not None else None,
            mv(g.t(), v1) if node.next[2] is not None else None)


_addmm_backward = _addx_backward(_mm_pair)
_addmv_backward = _addx_backward(_mv_pair)
_baddbmm_backward = _addx_backward(_bmm_pair)
_addbmm_backward = _addx_backward(_addbmm_pair)
_addr_backward = _addx_backward(_outer_pair)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)`` in one GEMM (what a Linear layer computes).

    >>> ember.addmm(ember.zeros(2), ember.ones(3, 2), ember.ones(2, 2)).shape
    torch.Size([3, 2])
    """
    _check_tensor(input, 'addmm', 'input', 1)
    _check_tensor(mat1, 'addmm', 'mat1', 2)
    _check_tensor(mat2, 'addmm', 'mat2', 3)
    x1, x2 = mat1._data, mat2._data
    if x1.ndim != 2 or x2.ndim != 2:
        which, x = ('mat1', x1) if x1.ndim != 2 else ('mat2', x2)
        raise RuntimeError(f'{which} must be a matrix, got {x.ndim}-D tensor')
    if x1.dtype is not x2.dtype or x1.shape[1] != x2.shape[0] or x1.dtype.kind not in 'fiu':
        _same_device(x1, x2, 'addmm')
        _mm_errors(x1.shape, x2.shape, 'addmm', x1, x2)
        _mm_dtype(x1.dtype, x2.dtype, 'addmm', x1, x2)
        _check_kind(x1, x2, 'addmm_impl_cpu_')
    _same_dtype_input(input._data, x1, 'addmm')
    beta, alpha = _scalars(x1, beta, alpha)
    res = wrap(_add_scaled(x1 @ x2, input, beta, alpha, 'addmm'))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'AddmmBackward0', _addmm_backward, (input, mat1, mat2), (mat1, mat2),
                  ctx=(beta, alpha))


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``.

    >>> ember.addmv(ember.zeros(2), ember.ones(2, 3), ember.ones(3))
    tensor([3., 3.])
    """
    _check_tensor(input, 'addmv', 'input', 1)
    _check_tensor(mat, 'addmv', 'mat', 2)
    _check_tensor(vec, 'addmv', 'vec', 3)
    xi, xm, xv = input._data, mat._data, vec._data
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
    beta, alpha = _scalars(xm, beta, alpha)
    res = wrap(_add_scaled(xm @ xv, input, beta, alpha, 'addmv'))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'AddmvBackward0', _addmv_backward, (input, mat, vec), (mat, vec),
                  ctx=(beta, alpha))


def _batch_pair(b1, b2, op):
    _check_tensor(b1, op, 'batch1', 2)
    _check_tensor(b2, op, 'batch2', 3)
    x1, x2 = b1._data, b2._data
    if x1.ndim != 3:
        raise RuntimeError('batch1 must be a 3D tensor')
    if x2.ndim != 3:
        raise RuntimeError('batch2 must be a 3D tensor')
    _same_device(x1, x2, op)
    if x2.shape[0] != x1.shape[0] or x2.shape[1] != x1.shape[2]:
        _bmm_errors(x1.shape, x2.shape, x1.dtype, x2.dtype, op, x1, x2)
    return x1, x2


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``.

    >>> ember.baddbmm(ember.zeros(2, 2, 4), ember.ones(2, 2, 3), ember.ones(2, 3, 4)).shape
    torch.Size([2, 2, 4])
    """
    _check_tensor(input, 'baddbmm', 'input', 1)
    x1, x2 = _batch_pair(batch1, batch2, 'baddbmm')
    xi = input._data
    if not xi.dtype == x1.dtype == x2.dtype:
        raise RuntimeError(f'Input dtypes must be the same, got: input {_CNAME.get(str(xi.dtype))}'
                           f', batch1: {_CNAME.get(str(x1.dtype))}, batch2: '
                           f'{_CNAME.get(str(x2.dtype))}' + _dtype_help('baddbmm', x1, x2))
    _check_kind(x1, x2, 'bmm')
    beta, alpha = _scalars(x1, beta, alpha)
    res = wrap(_add_scaled(x1 @ x2, input, beta, alpha, 'baddbmm'))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'BaddbmmBackward0', _baddbmm_backward, (input, batch1, batch2),
                  (batch1, batch2), ctx=(beta, alpha))


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])`` (one GEMM over the whole batch).

    >>> ember.addbmm(ember.zeros(2, 4), ember.ones(5, 2, 3), ember.ones(5, 3, 4)).shape
    torch.Size([2, 4])
    """
    _check_tensor(input, 'addbmm', 'input', 1)
    x1, x2 = _batch_pair(batch1, batch2, 'addbmm')
    if x1.dtype != x2.dtype:
        _bmm_errors(x1.shape, x2.shape, x1.dtype, x2.dtype, 'addbmm', x1, x2)
    _same_dtype_input(input._data, x1, 'addbmm')
    _check_kind(x1, x2, 'bmm')
    beta, alpha = _scalars(x1, beta, alpha)
    b, n, m = x1.shape
    p = x2.shape[2]
    prod = x1.transpose(1, 0, 2).reshape(n, b * m) @ x2.reshape(b * m, p)
    res = wrap(_add_scaled(prod, input, beta, alpha, 'addbmm'))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'AddbmmBackward0', _addbmm_backward, (input, batch1, batch2),
                  (batch1, batch2), ctx=(beta, alpha))


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)`` (dtypes promote as in ``mul``/``add``).

    >>> ember.addr(ember.zeros(2, 3), ember.ones(2), ember.ones(3)).shape
    torch.Size([2, 3])
    """
    _check_tensor(input, 'addr', 'input', 1)
    _check_tensor(vec1, 'addr', 'vec1', 2)
    _check_tensor(vec2, 'addr', 'vec2', 3)
    for name, v in (('vec1', vec1), ('vec2', vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f'addr: Expected 1-D argument {name}, but got {v._data.ndim}-D')
    dt = D.result_type(input, vec1, vec2).np
    xi, x1, x2 = (t._data if t._data.dtype == dt else t._data.astype(dt)
                  for t in (input, vec1, vec2))
    _same_device(x1, x2, 'addr')
    beta, alpha = _scalars(x1, beta, alpha)
    prod = xp_of(x1).multiply.outer(x1, x2)
    res = wrap(_add_scaled(prod, wrap(xi), beta, alpha, 'addr'))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'AddrBackward0', _addr_backward, (input, vec1, vec2), (vec1, vec2),
                  ctx=(beta, alpha))


# ---- products built from the ones above ---------------------------------------------------------
def outer(input, vec2, *, out=None):
    """Outer product of two vectors: ``input[i] * vec2[j]`` (dtypes promote as in ``mul``).

    >>> ember.outer(ember.tensor([1., 2.]), ember.tensor([1., 0., -1.])).shape
    torch.Size([2, 3])
    """
    _check_tensor(input, 'outer', 'input', 1)
    _check_tensor(vec2, 'outer', 'vec2', 2)
    for name, v in (('self', input), ('vec2', vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f'outer: Expected 1-D argument {name}, but got {v._data.ndim}-D')
    res = input.reshape(input._data.shape[0], 1) * vec2
    if out is not None:
        return _write_out(out, res)
    return res


ger = outer


def _int_list(dims):
    return [int(d) for d in dims]


def tensordot(a, b, dims=2, out=None):
    """Sum of products over the ``dims`` last dims of ``a`` and first dims of ``b`` (an int), or
    over the pairs of dims given as two lists.

    >>> ember.tensordot(ember.ones(2, 3, 4), ember.ones(3, 4, 5)).shape
    torch.Size([2, 5])
    """
    _check_tensor(a, 'tensordot', 'a', 1)
    _check_tensor(b, 'tensordot', 'b', 2)
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        dims = int(dims)
        if dims < 0:
            raise RuntimeError(f'tensordot expects dims >= 0, but got dims={dims}')
        if dims > min(a._data.ndim, b._data.ndim):
            raise RuntimeError(f'tensordot expects dims < ndim_a or ndim_b, but got dims={dims}')
        da, db = list(range(-dims, 0)), list(range(dims))
    else:
        if len(dims) != 2:
            raise RuntimeError('tensordot expects dims to be an int or a pair of dim lists')
        da, db = dims
        da = [da] if isinstance(da, (int, np.integer)) else _int_list(da)
        db = [db] if isinstance(db, (int, np.integer)) else _int_list(db)
    res = _tensordot(a, b, da, db)
    if out is not None:
        return _write_out(out, res)
    return res


def _tensordot(a, b, dims1, dims2):
    if len(dims1) != len(dims2):
        raise RuntimeError('both dimension lists should have same length')
    xa, xb = a._data, b._data
    if xa.dtype != xb.dtype:
        raise RuntimeError('both inputs should have same dtype' + _dtype_help('tensordot', xa, xb))
    na, nb = xa.ndim, xb.ndim
    ca = [norm_dim(d, na) for d in dims1]
    cb = [norm_dim(d, nb) for d in dims2]
    t1, t2 = a, b
    csize = 1
    for d1, d2, i1, i2 in zip(dims1, dims2, ca, cb):
        s1, s2 = xa.shape[i1], xb.shape[i2]
        if s2 == 1:
            t1 = t1.sum(i1, keepdim=True)
        elif s1 == 1:
            t2 = t2.sum(i2, keepdim=True)
        else:
            if s1 != s2:
                raise RuntimeError(f'contracted dimensions need to match, but first has size {s1} '
                                   f'in dim {d1} and second has size {s2} in dim {d2}')
            csize *= s1
    free1 = [i for i in range(na) if i not in ca]
    free2 = [i for i in range(nb) if i not in cb]
    sh1, sh2 = t1._data.shape, t2._data.shape
    rsizes = [sh1[i] for i in free1] + [sh2[i] for i in free2]
    size1 = int(np.prod([sh1[i] for i in free1]))
    size2 = int(np.prod([sh2[i] for i in free2]))
    m1 = t1.permute(free1 + ca).reshape(size1, csize)
    m2 = t2.permute(cb + free2).reshape(csize, size2)
    return mm(m1, m2).reshape(rsizes)


def inner(input, other, *, out=None):
    """Sum of products over the last dim of both tensors (a plain product if one is 0-d).

    >>> ember.inner(ember.ones(2, 3), ember.ones(4, 3)).shape
    torch.Size([2, 4])
    """
    _check_tensor(input, 'inner', 'input', 1)
    _check_tensor(other, 'inner', 'other', 2)
    xa, xb = input._data, other._data
    if xa.ndim == 0 or xb.ndim == 0:
        res = input * other
    else:
        if xa.shape[-1] != xb.shape[-1]:
            raise RuntimeError(f'inner() the last dimension must match on both input tensors but '
                               f'got shapes {list(xa.shape)} and {list(xb.shape)}')
        res = _tensordot(input, other, [-1], [-1])
    if out is not None:
        return _write_out(out, res)
    return res


def _unsafe_view(input, shape):
    out = wrap(input._data.reshape(shape))
    return record(out, 'UnsafeViewBackward0', _view_back_backward, (input,))


def _view_back_backward(node, grad):
    return grad.reshape(node.meta[0][0])


def kron(input, other, *, out=None):
    """Kronecker product: blocks ``input[i, j] * other`` (dims are right-aligned).

    >>> ember.kron(ember.eye(2), ember.ones(2, 2)).shape
    torch.Size([4, 4])
    """
    _check_tensor(input, 'kron', 'input', 1)
    _check_tensor(other, 'kron', 'other', 2)
    sa, sb = input._data.shape, other._data.shape
    n = max(len(sa), len(sb))
    sa = (1,) * (n - len(sa)) + sa
    sb = (1,) * (n - len(sb)) + sb
    ra, rb = [], []
    for x, y in zip(sa, sb):
        ra += [x, 1]
        rb += [1, y]
    res = _unsafe_view(input.reshape(ra) * other.reshape(rb),
                       tuple(x * y for x, y in zip(sa, sb)))
    if out is not None:
        return _write_out(out, res)
    return res


def trace(input):
    """Sum of the main diagonal of a 2-D tensor (integers sum to int64).

    >>> ember.trace(ember.tensor([[1., 2.], [3., 4.]]))
    tensor(5.)
    """
    x = input._data
    if x.ndim != 2:
        raise RuntimeError(f'trace: expected a matrix, but got tensor with dim {x.ndim}')
    if x.dtype.kind == 'b':
        raise NotImplementedError('"trace" not implemented for \'Bool\'')
    res = wrap(xp_of(x).trace(x, dtype=np.int64 if x.dtype.kind in 'iu' else x.dtype))
    return record(res, 'TraceBackward0', _trace_backward, (input,))


def _trace_backward(node, grad):
    shape, dtype = node.meta[0]
    xp = xp_of(grad._data)
    return grad * wrap(xp.eye(shape[0], shape[1], dtype=dtype))


_cross_warned = [False]


def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along ``dim`` (default: the first dim of size 3; prefer
    ``ember.linalg.cross``, which uses the last dim).

    >>> ember.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]), dim=0)
    tensor([0., 0., 1.])
    """
    if dim is None:
        if not _cross_warned[0]:
            _cross_warned[0] = True
            warnings.warn('Using torch.cross without specifying the dim arg is deprecated.\n'
                          'Please either pass the dim explicitly or simply use '
                          'torch.linalg.cross.\nThe default value of dim will change to agree '
                          'with that of linalg.cross in a future release.', UserWarning)
        shape = np.broadcast_shapes(input._data.shape, other._data.shape) \
            if input._data.ndim == other._data.ndim else input._data.shape
        dims = [i for i, s in enumerate(shape) if s == 3]
        if not dims:
            raise RuntimeError('no dimension of size 3 in input')
        dim = dims[0]
    res = linalg_cross(input, other, dim=dim)
    if out is not None:
        return _write_out(out, res)
    return res


def linalg_cross(input, other, *, dim=-1, out=None):
    """``ember.linalg.cross``: cross product of 3-vectors along ``dim`` with broadcasting.

    >>> ember.linalg.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]))
    tensor([0., 0., 1.])
    """
    _check_tensor(input, 'linalg_cross', 'input', 1)
    _check_tensor(other, 'linalg_cross', 'other', 2)
    xa, xb = input._data, other._data
    if xa.ndim != xb.ndim:
        raise RuntimeError('linalg.cross: inputs must have the same number of dimensions.')
    d = norm_dim(dim, xa.ndim)
    if xa.shape[d] != 3 or xb.shape[d] != 3:
        raise RuntimeError(f'linalg.cross: inputs dimension {dim} must have length 3. Got '
                           f'{xa.shape[d]} and {xb.shape[d]}')
    _same_device(xa, xb, 'cross')
    if xa.dtype != xb.dtype:
        raise RuntimeError(f'expected scalar type {_tname(xa)} but found {_tname(xb)}'
                           + _dtype_help('cross', xa, xb))
    try:
        np.broadcast_shapes(xa.shape, xb.shape)
    except ValueError:
        _broadcast_error(xa.shape, xb.shape)
    res = wrap(xp_of(xa).cross(xa, xb, axis=d))
    if out is not None:
        return _write_out(out, res)
    return record(res, 'LinalgCrossBackward0', _cross_backward, (input, other), (input, other),
                  ctx=d)


def _cross_backward(node, grad):
    a, b = node.saved()
    d = node.ctx
    return (linalg_cross(b, grad, dim=d) if node.next[0] is not None else None,
            linalg_cross(grad, a, dim=d) if node.next[1] is not None else None)


# ---- cdist --------------------------------------------------------------------------------------
def cdist(x1, x2, p=2.0, compute_mode='use_mm_for_euclid_dist_if_necessary'):
    """p-norm distances between each row of ``x1`` ``(*, P, M)`` and each row of ``x2``
    ``(*, R, M)``: a ``(*, P, R)`` tensor.

    >>> ember.cdist(ember.zeros(1, 2), ember.tensor([[3., 4.]]))
    tensor([[5.]])
    """
    _check_tensor(x1, 'cdist', 'x1', 1)
    _check_tensor(x2, 'cdist', 'x2', 2)
    a, b = x1._data, x2._data
    if a.ndim < 2:
        raise RuntimeError(f'cdist only supports at least 2D tensors, X1 got: {a.ndim}D')
    if b.ndim < 2:
        raise RuntimeError(f'cdist only supports at least 2D tensors, X2 got: {b.ndim}D')
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f'X1 and X2 must have the same number of columns. X1: {a.shape[-1]} '
                           f'X2: {b.shape[-1]}')
    for name, x in (('X1', a), ('X2', b)):
        if x.dtype.kind != 'f':
            raise RuntimeError(f'cdist only supports floating-point dtypes, {name} got: '
                               f'{_tname(x)}')
    if a.dtype != b.dtype:
        raise RuntimeError(f'expected scalar type {_tname(a)} but found {_tname(b)}'
                           + _dtype_help('cdist', a, b))
    p = float(p)
    if p < 0 or math.isnan(p):
        raise RuntimeError('cdist only supports non-negative p values')
    modes = ('use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist',
             'donot_use_mm_for_euclid_dist')
    if compute_mode not in modes:
        raise ValueError(f'{compute_mode} is not a valid value for compute_mode')
    _same_device(a, b, 'cdist')
    _broadcast_error(a.shape[:-2], b.shape[:-2])
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    P, R = a.shape[-2], b.shape[-2]
    use_mm = p == 2 and (compute_mode == modes[1] or (compute_mode == modes[0] and
                                                      (P > 25 or R > 25)))
    xp = xp_of(a)
    if use_mm:
        an = (a * a).sum(-1)[..., :, None]
        bn = (b * b).sum(-1)[..., None, :]
        d2 = xp.matmul(a * -2, xp.swapaxes(b, -1, -2)) + an + bn
        d = xp.sqrt(xp.maximum(d2, 0))
        name = 'ViewBackward0'
    else:
        diff = xp.abs(a[..., :, None, :] - b[..., None, :, :])
        if p == 2:
            d = xp.sqrt((diff * diff).sum(-1))
        elif p == 1:
            d = diff.sum(-1)
        elif p == 0:
            d = (diff != 0).sum(-1).astype(a.dtype)
        elif math.isinf(p):
            d = diff.max(-1) if diff.shape[-1] else xp.zeros(diff.shape[:-1], a.dtype)
        else:
            d = (diff ** p).sum(-1) ** (1 / p)
        name = 'CdistBackward0'
    d = d.astype(a.dtype, copy=False)
    if d.shape[:-2] != batch:
        d = xp.broadcast_to(d, batch + d.shape[-2:]).copy()
    res = wrap(d)
    return record(res, name, _cdist_backward, (x1, x2), (x1, x2), ctx=p, save_output=True)


def _cdist_backward(node, grad):
    x1, x2, d = node.saved()
    p = node.ctx
    if p == 0:
        return (None if node.next[0] is None else x1 * 0,
                None if node.next[1] is None else x2 * 0)
    zero = d == 0
    if p == 2:
        w = grad / (d + zero) * (~zero)                         # 0 where the distance is 0
        g1 = x1 * w.sum(-1, keepdim=True) - matmul(w, x2) if node.next[0] is not None else None
        g2 = (x2 * w.sum(-2).unsqueeze(-1) - matmul(w.mT, x1)
              if node.next[1] is not None else None)
        return g1, g2
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)               # (*, P, R, M)
    g = grad.unsqueeze(-1)
    if p == 1:
        t = g * diff.sign()
    elif math.isinf(p):
        t = g * diff.sign() * (diff.abs() == d.unsqueeze(-1))
    else:
        scale = g / (d + zero).pow(p - 1).unsqueeze(-1) * (~zero).unsqueeze(-1)
        t = scale * diff.sign() * diff.abs().pow(p - 1)
    return (t.sum(-2) if node.next[0] is not None else None,
            -t.sum(-3) if node.next[1] is not None else None)


# ---- multi_dot ----------------------------------------------------------------------------------
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


# ---- einsum -------------------------------------------------------------------------------------
_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'


def _sublist_equation(args):
    """Convert einsum's sublist form ``(op1, [0, 1], op2, [1, 2], [0, 2])`` to a string."""
    def term(sub):
        s = ''
        for v in sub:
            if v is Ellipsis:
                s += '...'
            else:
                v = int(v)
                if not 0 <= v < 52:
                    raise RuntimeError(f'einsum(): expected subscript to be within the range '
                                       f'[0, 52), but got {v}')
                s += _LETTERS[v]
        return s
    ops = list(args[0::2][:len(args) // 2])
    subs = list(args[1::2][:len(args) // 2])
    eq = ','.join(term(s) for s in subs)
    if len(args) % 2:
        eq += '->' + term(args[-1])
    return eq, ops


def _parse_einsum(equation, shapes):
    """Validate an equation against operand shapes; return explicit per-operand label strings
    (ellipsis replaced by fresh letters), the output labels and each label's size."""
    eq = equation.replace(' ', '')
    for i, c in enumerate(eq):
        if not (c.isascii() and c.isalpha()) and c not in '.,->':
            raise RuntimeError(f'einsum(): invalid subscript given at index {i} in the equation '
                               'string, subscripts must be in [a-zA-Z]')
    lhs, arrow, rhs = eq.partition('->')
    terms = lhs.split(',')
    if len(terms) > len(shapes):
        raise RuntimeError('einsum(): fewer operands were provided than specified in the equation')
    if len(terms) < len(shapes):
        raise RuntimeError('einsum(): more operands were provided than specified in the equation')
    used = set(c for c in eq if c.isalpha())
    free = [c for c in _LETTERS if c not in used]
    ell_n = 0
    for t, shape in zip(terms, shapes):
        if '...' in t:
            ell_n = max(ell_n, len(shape) - (len(t) - 3))
    ell = ''.join(free[:ell_n])
    out_terms = []
    sizes = {}
    for k, (t, shape) in enumerate(zip(terms, shapes)):
        if '...' in t:
            if t.count('...') > 1 or t.replace('...', '').count('.'):
                raise RuntimeError('einsum(): found \'.\' for operand ' + str(k) +
                                   ' that is not part of any ellipsis')
            n_ell = len(shape) - (len(t) - 3)
            if n_ell < 0:
                raise RuntimeError(f'einsum(): the number of subscripts in the equation '
                                   f'({len(t) - 3}) is more than the number of dimensions '
                                   f'({len(shape)}) for operand {k}')
            t = t.replace('...', ell[ell_n - n_ell:])
        elif '.' in t:
            raise RuntimeError(f"einsum(): found '.' for operand {k} that is not part of any "
                               'ellipsis')
        elif len(t) != len(shape):
            raise RuntimeError(f'einsum(): the number of subscripts in the equation ({len(t)}) '
                               f'does not match the number of dimensions ({len(shape)}) for '
                               f'operand {k} and no ellipsis was given')
        seen = {}
        for c, s in zip(t, shape):
            if c in seen and seen[c] != s:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the "
                                   f"sizes don't match, {s} != {seen[c]}")
            seen[c] = s
            prev = sizes.get(c)
            if prev is None or prev == 1:
                sizes[c] = s
            elif s != prev and s != 1:
                raise RuntimeError(f'einsum(): subscript {c} has size {s} for operand {k} which '
                                   f'does not broadcast with previously seen size {prev}')
        out_terms.append(t)
    if arrow:
        if '...' in rhs:
            rhs = rhs.replace('...', ell)
        for c in rhs:
            if c == '.':
                raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was "
                                   'already found')
            if c not in sizes:
                raise RuntimeError(f'einsum(): output subscript {c} does not appear in the '
                                   'equation for any input operand')
            if rhs.count(c) > 1:
                raise RuntimeError(f'einsum(): output subscript {c} appears more than once in '
                                   'the output')
        out = rhs
    else:
        counts = collections.Counter(''.join(out_terms))
        out = ell + ''.join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    return out_terms, out, sizes


def einsum(*args):
    """Einstein summation: ``einsum('ij,jk->ik', a, b)`` is ``a @ b``. Supports implicit
    output, ``...``, repeated subscripts (diagonals), the sublist form and a list of operands.

    >>> ember.einsum('bij,bjk->bik', ember.ones(2, 3, 4), ember.ones(2, 4, 5)).shape
    torch.Size([2, 3, 5])
    """
    if not args:
        raise TypeError('einsum(): must specify the equation string and at least one operand, '
                        'or at least one operand and its subscripts list')
    if isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    for i, op in enumerate(operands):
        if not isinstance(op, Tensor):
            raise TypeError(f'einsum(): argument \'operands\' must be tuple of Tensors, but found '
                            f'element of type {type(op).__name__} at pos {i}')
    arrays = [op._data for op in operands]
    terms, out, sizes = _parse_einsum(equation, [a.shape for a in arrays])
    dt = arrays[0].dtype
    for a in arrays[1:]:
        if a.dtype != dt:
            raise RuntimeError(f'expected scalar type {_tname(arrays[0])} but found {_tname(a)}'
                               + _dtype_help('einsum', arrays[0], a))
    res = wrap(_einsum_arrays(terms, out, arrays))
    if not STATE.enabled:
        return res
    summed = any(c not in out for t in terms for c in t)
    if len(arrays) == 1:
        name = 'SumBackward1' if summed else 'PermuteBackward0'
    else:
        name = 'ViewBackward0' if summed else 'MulBackward0'
    return record(res, name, _einsum_backward, operands, operands, ctx=(terms, out, sizes))


def _einsum_arrays(terms, out, arrays):
    xp = xp_of(arrays[0])
    if len(arrays) == 2 and all(len(set(t)) == len(t) for t in terms):
        r = _contract_pair(terms[0], terms[1], out, arrays[0], arrays[1], xp)
        if r is not None:
            return r
    eq = ','.join(terms) + '->' + out
    big = len(arrays) > 2 or sum(a.size for a in arrays) > 4096
    r = xp.einsum(eq, *arrays, optimize=big)
    return xp.asarray(r)


def _contract_pair(ta, tb, out, a, b, xp):
    """Two-operand einsum as one (batched) matmul, the way PyTorch evaluates it."""
    sa = dict(zip(ta, a.shape))
    sb = dict(zip(tb, b.shape))
    # labels summed out of only one operand go first
    only_a = [c for c in ta if c not in tb and c not in out]
    only_b = [c for c in tb if c not in ta and c not in out]
    if only_a:
        a = a.sum(axis=tuple(ta.index(c) for c in only_a))
        ta = ''.join(c for c in ta if c not in only_a)
    if only_b:
        b = b.sum(axis=tuple(tb.index(c) for c in only_b))
        tb = ''.join(c for c in tb if c not in only_b)
    batch = [c for c in out if c in ta and c in tb]
    left = [c for c in out if c in ta and c not in tb]
    right = [c for c in out if c in tb and c not in ta]
    contract = [c for c in ta if c in tb and c not in out]
    if any(sa[c] != sb[c] for c in contract):
        return None                 # broadcasting a contracted size-1 dim: leave it to einsum
    pa = [ta.index(c) for c in batch + left + contract]
    pb = [tb.index(c) for c in batch + contract + right]
    bs_a = [sa[c] for c in batch]
    bs_b = [sb[c] for c in batch]
    L = int(np.prod([sa[c] for c in left]))
    C = int(np.prod([sa[c] for c in contract]))
    R = int(np.prod([sb[c] for c in right]))
    am = a.transpose(pa).reshape(bs_a + [L, C])
    bm = b.transpose(pb).reshape(bs_b + [C, R])
    r = xp.matmul(am, bm)
    bshape = list(r.shape[:len(batch)])
    r = r.reshape(bshape + [sa[c] for c in left] + [sb[c] for c in right])
    order = batch + left + right
    perm = [order.index(c) for c in out]
    r = r.transpose(perm)
    return r if r.flags.c_contiguous else xp.ascontiguousarray(r)


def _einsum_backward(node, grad):
    ops = node.saved()
    terms, out, sizes = node.ctx
    grads = []
    for i, t in enumerate(terms):
        if node.next[i] is None:
            grads.append(None)
            continue
        # repeated labels (a diagonal): rename the repeats and tie them with identity matrices
        seen, target, extra_terms, extra_ops = set(), '', [], []
        fresh = iter(c for c in _LETTERS if c not in sizes and c not in out)
        for c in t:
            if c in seen:
                f = next(fresh)
                target += f
                extra_terms.append(c + f)
                extra_ops.append(wrap(xp_of(grad._data).eye(sizes[c], dtype=grad._data.dtype)))
            else:
                seen.add(c)
                target += c
        others = [terms[j] for j in range(len(terms)) if j != i]
        avail = set(out).union(*others, *extra_terms)
        lone = [c for c in target if c not in avail]        # summed out of this operand only
        sub = ''.join(c for c in target if c not in lone)
        g = einsum(','.join([out] + others + extra_terms) + '->' + sub, grad,
                   *[ops[j] for j in range(len(ops)) if j != i], *extra_ops)
        full = tuple(sizes[o] for o in t)
        if lone:
            it = iter(g._data.shape)
            g = g.reshape([1 if c in lone else next(it) for c in target])
        if g._data.shape != full:       # lone labels, or dims broadcast from size 1 elsewhere
            g = g.expand(full)
        grads.append(g)
    return tuple(grads)


def _return_type(name, fields, module, qualname=None):
    """A named tuple printing like PyTorch's ``torch.return_types.<name>``; ``module`` and
    ``qualname`` say where it is defined (so that it pickles)."""
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ',\n'.join(f'{f}={v!r}' for f, v in zip(self._fields, self))
        return f'torch.return_types.{name}(\n{body})'
    return type(name, (base,), {'__slots__': (), '__repr__': __repr__, '__module__': module,
                                '__qualname__': qualname or name})


# ---- legacy torch.* wrappers of ember.linalg ----------------------------------------------------
def _L():
    from .. import linalg
    return linalg


def det(input):
    """Determinant of a (batch of) square matrices; see ``ember.linalg.det``.

    >>> ember.det(ember.eye(2) * 3)
    tensor(9.)
    """
    return _L().det(input)


def slogdet(input):
    """(sign, log|det|) of a (batch of) square matrices; see ``ember.linalg.slogdet``.

    >>> ember.slogdet(-ember.eye(2)).sign
    tensor(1.)
    """
    return _L()._slogdet(input, 'slogdet')


def logdet(input):
    """Log of the determinant: nan for a negative determinant, -inf for a singular matrix.

    >>> ember.logdet(ember.eye(2) * 2)
    tensor(1.3863)
    """
    return _L()._logdet(input)


def inverse(input, *, out=None):
    """Inverse of a (batch of) square matrices; see ``ember.linalg.inv``.

    >>> ember.inverse(ember.eye(2) * 2)
    tensor([[0.5000, 0.0000],
            [0.0000, 0.5000]])
    """
    return _L().inv(input, out=out)


def cholesky(input, upper=False, *, out=None):
    """Legacy Cholesky factor (prefer ``ember.linalg.cholesky``).

    >>> ember.cholesky(ember.eye(2) * 4)
    tensor([[2., 0.],
            [0., 2.]])
    """
    return _L()._cholesky(input, upper, 'CholeskyBackward0', 'cholesky', out)


def svd(input, some=True, compute_uv=True, *, out=None):
    """Legacy SVD returning ``(U, S, V)`` with ``V`` (not ``Vh``); ``some=True`` is reduced.

    >>> ember.svd(ember.eye(2)).S
    tensor([1., 1.])
    """
    return _L()._legacy_svd(input, some, compute_uv)


def qr(input, some=True, *, out=None):
    """Legacy QR; ``some=True`` is ``mode='reduced'``.

    >>> ember.qr(ember.eye(2)).R.shape
    torch.Size([2, 2])
    """
    return _L()._qr(input, 'reduced' if some else 'complete', 'qr')


def pinverse(input, rcond=1e-15):
    """Moore-Penrose pseudo-inverse (``ember.linalg.pinv`` with ``rtol=rcond``).

    >>> ember.pinverse(ember.eye(2) * 2)
    tensor([[0.5000, 0.0000],
            [0.0000, 0.5000]])
    """
    return _L().pinv(input, rtol=rcond)


def matrix_power(input, n):
    """``input`` multiplied by itself ``n`` times (negative ``n`` uses the inverse).

    >>> ember.matrix_power(ember.eye(2) * 2, 3)
    tensor([[8., 0.],
            [0., 8.]])
    """
    return _L().matrix_power(input, n)


METHODS = {
    'matmul': matmul, 'mm': mm, 'bmm': bmm, 'mv': mv, 'dot': dot, 'vdot': vdot, 'inner': inner,
    'outer': outer, 'ger': ger, 'addmm': addmm, 'addmv': addmv, 'addbmm': addbmm,
    'baddbmm': baddbmm, 'addr': addr, 'kron': kron, 'trace': trace, 'cross': cross,
    'det': det, 'logdet': logdet, 'slogdet': slogdet, 'inverse': inverse, 'cholesky': cholesky,
    'svd': svd, 'qr': qr, 'pinverse': pinverse, 'matrix_power': matrix_power,
    'addmm_': _generic_inplace(addmm, 'addmm_'), 'addmv_': _generic_inplace(addmv, 'addmv_'),
    'addbmm_': _generic_inplace(addbmm, 'addbmm_'),
    'baddbmm_': _generic_inplace(baddbmm, 'baddbmm_'), 'addr_': _generic_inplace(addr, 'addr_'),
    '__matmul__': _matmul_method, '__rmatmul__': _rmatmul,
}
