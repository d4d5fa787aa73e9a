"""Tensor contractions: ``einsum``, ``tensordot``, ``inner``, ``trace`` and the Kronecker
product ``kron``. A two-operand ``einsum`` and ``tensordot`` run as one (batched) matrix
product, the way PyTorch evaluates them, so results and rounding match.

>>> ember.einsum('ij,jk->ik', ember.ones(2, 3), ember.ones(3, 4)).shape
torch.Size([2, 4])
"""
import collections

import numpy as np

from ._base import Tensor, wrap, record, STATE, xp_of, norm_dim
from ._autocast import AUTOCAST, full_precision
from .arith import _write_out
from .products import mm
from ._linalg_common import _tname, _dtype_help, _operands

__all__ = ['einsum', 'tensordot', 'inner', 'kron', 'trace']


# ---- tensordot, inner, kron, trace ------------------------------------------------------------
def _int_list(dims):
    return [int(d) for d in dims]


def tensordot(a, b, dims=2, out=None):
    """Sum of products over the ``dims`` last dims of ``a`` and first dims of ``b`` (an int), or
    over the pairs of dims given as two lists.

    >>> ember.tensordot(ember.ones(2, 3, 4), ember.ones(3, 4, 5)).shape
    torch.Size([2, 5])
    """
    _operands(a, b, 'tensordot', ('a', 'b'))
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
    return res if out is None else _write_out(out, res)


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
    xa, xb = _operands(input, other, 'inner')
    if xa.ndim == 0 or xb.ndim == 0:
        res = input * other
    else:
        if xa.shape[-1] != xb.shape[-1]:
            raise RuntimeError(f'inner() the last dimension must match on both input tensors but '
                               f'got shapes {list(xa.shape)} and {list(xb.shape)}')
        res = _tensordot(input, other, [-1], [-1])
    return res if out is None else _write_out(out, res)


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
    xa, xb = _operands(input, other, 'kron')
    sa, sb = xa.shape, xb.shape
    n = max(len(sa), len(sb))
    sa = (1,) * (n - len(sa)) + sa
    sb = (1,) * (n - len(sb)) + sb
    ra, rb = [], []
    for x, y in zip(sa, sb):
        ra += [x, 1]
        rb += [1, y]
    res = _unsafe_view(input.reshape(ra) * other.reshape(rb),
                       tuple(x * y for x, y in zip(sa, sb)))
    return res if out is None else _write_out(out, res)


def trace(input):
    """Sum of the main diagonal of a 2-D tensor (integers sum to int64).

    >>> ember.trace(ember.tensor([[1., 2.], [3., 4.]]))
    tensor(5.)
    """
    if AUTOCAST.on:
        return full_precision(trace, input)
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


METHODS = {'inner': inner, 'kron': kron, 'trace': trace}
