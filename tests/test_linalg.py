"""Matrix products and ember.linalg: grad_fn names, errors and API details against torch.

Values and gradients are compared in tests/oracle/table_linalg.py; this file checks what the
table cannot: the grad_fn a user sees, exception types and messages, named tuples, in-place and
out= forms.
"""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def _pair(shape, dtype='float32', requires_grad=False, seed=0):
    a = np.random.default_rng(seed).uniform(-1, 1, size=shape).astype(dtype)
    e, t = ember.tensor(a), torch.tensor(a)
    if requires_grad:
        e.requires_grad_()
        t.requires_grad_()
    return e, t


def _name(x):
    return None if x.grad_fn is None else x.grad_fn.name()


# ---- grad_fn names -----------------------------------------------------------------------------
MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)),
                 ((5, 2, 3), (3,)), ((3,), (5, 3, 2)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)),
                 ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (1, 3, 4)), ((2, 1, 2, 3), (5, 3, 4)),
                 ((0, 3), (3, 2)), ((2, 0), (0, 3))]


@pytest.mark.parametrize('sa,sb', MATMUL_SHAPES)
@pytest.mark.parametrize('rg', [(True, True), (True, False), (False, True)])
def test_matmul_grad_fn_names(sa, sb, rg):
    ea, ta = _pair(sa, requires_grad=rg[0])
    eb, tb = _pair(sb, requires_grad=rg[1], seed=1)
    assert _name(ea @ eb) == _name(ta @ tb)
    assert _name(ember.matmul(ea, eb)) == _name(torch.matmul(ta, tb))


def test_matmul_no_grad_fn_without_grad():
    ea, _ = _pair((2, 3))
    eb, _ = _pair((3, 4))
    assert (ea @ eb).grad_fn is None
    ea.requires_grad_()
    with ember.no_grad():
        assert (ea @ eb).grad_fn is None


def _names(case):
    fe, ft, shapes = case
    es, ts = zip(*[_pair(s, requires_grad=True, seed=i) for i, s in enumerate(shapes)])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        re, rt = fe(ember, *es), ft(torch, *ts)
    if isinstance(rt, tuple):
        return [_name(x) for x in re], [_name(x) for x in rt]
    return _name(re), _name(rt)


def _same(fn):
    return fn, fn


_SYM = lambda lib, a: a @ a.mT + 3 * lib.eye(3)          # noqa: E731
NAME_CASES = {
    'mm': (_same(lambda L, a, b: L.mm(a, b)), [(2, 3), (3, 4)]),
    'bmm': (_same(lambda L, a, b: L.bmm(a, b)), [(2, 2, 3), (2, 3, 4)]),
    'mv': (_same(lambda L, a, b: L.mv(a, b)), [(2, 3), (3,)]),
    'dot': (_same(lambda L, a, b: L.dot(a, b)), [(3,), (3,)]),
    'vdot': (_same(lambda L, a, b: L.vdot(a, b)), [(3,), (3,)]),
    'inner': (_same(lambda L, a, b: L.inner(a, b)), [(2, 3), (4, 3)]),
    'inner0d': (_same(lambda L, a, b: L.inner(a, b)), [(), (4, 3)]),
    'outer': (_same(lambda L, a, b: L.outer(a, b)), [(3,), (2,)]),
    'ger': (_same(lambda L, a, b: L.ger(a, b)), [(3,), (2,)]),
    'addmm': (_same(lambda L, c, a, b: L.addmm(c, a, b)), [(4,), (2, 3), (3, 4)]),
    'addmv': (_same(lambda L, c, a, b: L.addmv(c, a, b)), [(2,), (2, 3), (3,)]),
    'addbmm': (_same(lambda L, c, a, b: L.addbmm(c, a, b)), [(2, 4), (3, 2, 3), (3, 3, 4)]),
    'baddbmm': (_same(lambda L, c, a, b: L.baddbmm(c, a, b)), [(3, 2, 4), (3, 2, 3), (3, 3, 4)]),
    'addr': (_same(lambda L, c, a, b: L.addr(c, a, b)), [(2, 3), (2,), (3,)]),
    'tensordot': (_same(lambda L, a, b: L.tensordot(a, b)), [(2, 3, 4), (3, 4, 5)]),
    'kron': (_same(lambda L, a, b: L.kron(a, b)), [(2, 3), (2, 2)]),
    'trace': (_same(lambda L, a: L.trace(a)), [(3, 4)]),
    'cross': (_same(lambda L, a, b: L.cross(a, b, dim=1)), [(2, 3), (2, 3)]),
    'linalg.cross': (_same(lambda L, a, b: L.linalg.cross(a, b)), [(2, 3), (2, 3)]),
    'cdist': (_same(lambda L, a, b: L.cdist(a, b)), [(4, 3), (5, 3)]),
    'cdist-mm': (_same(lambda L, a, b: L.cdist(a, b)), [(30, 3), (5, 3)]),
    'cdist-p1': (_same(lambda L, a, b: L.cdist(a, b, p=1)), [(30, 3), (5, 3)]),
    'multi_dot': (_same(lambda L, a, b, c: L.linalg.multi_dot([a, b, c])),
                  [(2, 3), (3, 4), (4, 2)]),
    'multi_dot2': (_same(lambda L, a, b: L.linalg.multi_dot([a, b])), [(2, 3), (3, 4)]),
    'chain_matmul': (_same(lambda L, a, b, c: L.chain_matmul(a, b, c)),
                     [(2, 3), (3, 4), (4, 2)]),
    'vecdot': (_same(lambda L, a, b: L.linalg.vecdot(a, b)), [(2, 3), (2, 3)]),
    'det': (_same(lambda L, a: L.linalg.det(a)), [(3, 3)]),
    'tdet': (_same(lambda L, a: L.det(a)), [(3, 3)]),
    'logdet': (_same(lambda L, a: L.logdet(_SYM(L, a))), [(3, 3)]),
    'slogdet': (_same(lambda L, a: tuple(L.linalg.slogdet(a))), [(3, 3)]),
    'inv': (_same(lambda L, a: L.linalg.inv(a)), [(3, 3)]),
    'inverse': (_same(lambda L, a: L.inverse(a)), [(3, 3)]),
    'solve': (_same(lambda L, a, b: L.linalg.solve(_SYM(L, a), b)), [(3, 3), (3,)]),
    'eigh': (_same(lambda L, a: tuple(L.linalg.eigh(_SYM(L, a)))), [(3, 3)]),
    'eigvalsh': (_same(lambda L, a: L.linalg.eigvalsh(_SYM(L, a))), [(3, 3)]),
    'svd': (_same(lambda L, a: tuple(L.linalg.svd(a))), [(3, 4)]),
    'tsvd': (_same(lambda L, a: tuple(L.svd(a))), [(3, 4)]),
    'svdvals': (_same(lambda L, a: L.linalg.svdvals(a)), [(3, 4)]),
    'qr': (_same(lambda L, a: tuple(L.linalg.qr(a))), [(4, 3)]),
    'cholesky': (_same(lambda L, a: L.linalg.cholesky(_SYM(L, a))), [(3, 3)]),
    'tcholesky': (_same(lambda L, a: L.cholesky(_SYM(L, a))), [(3, 3)]),
    'pinv': (_same(lambda L, a: L.linalg.pinv(a)), [(3, 4)]),
    'matrix_power': (_same(lambda L, a: L.linalg.matrix_power(a, 3)), [(3, 3)]),
    'matrix_power1': (_same(lambda L, a: L.linalg.matrix_power(a, 1)), [(3, 3)]),
    'matrix_power0': (_same(lambda L, a: L.linalg.matrix_power(a, 0)), [(3, 3)]),
    'lstsq': (_same(lambda L, a, b: L.linalg.lstsq(a, b).solution), [(4, 3), (4, 2)]),
    'vector_norm': (_same(lambda L, a: L.linalg.vector_norm(a, 3)), [(3, 4)]),
    'norm': (_same(lambda L, a: L.linalg.norm(a)), [(3, 4)]),
    'norm-ord2': (_same(lambda L, a: L.linalg.norm(a, 2)), [(3, 4)]),
    'norm-ord-2': (_same(lambda L, a: L.linalg.norm(a, -2)), [(3, 4)]),
    'norm-nuc': (_same(lambda L, a: L.linalg.norm(a, 'nuc')), [(3, 4)]),
    'norm-inf': (_same(lambda L, a: L.linalg.matrix_norm(a, float('inf'))), [(3, 4)]),
    'norm-ninf': (_same(lambda L, a: L.linalg.matrix_norm(a, -float('inf'))), [(3, 4)]),
}
EINSUM_CASES = [('ij,jk->ik', [(2, 3), (3, 4)]), ('ij,jk', [(2, 3), (3, 4)]),
                ('ii', [(3, 3)]), ('ii->i', [(3, 3)]), ('ij->ji', [(3, 3)]), ('ij->ij', [(2, 3)]),
                ('ij->', [(3, 3)]), ('i,j->ij', [(3,), (2,)]), ('i,i->', [(3,), (3,)]),
                ('ij,ij->ij', [(2, 3), (2, 3)]), ('ij,jk,kl->il', [(2, 3), (3, 4), (4, 5)]),
                ('i,i,i->i', [(3,)] * 3), ('bn,anm,bm->ba', [(2, 3), (4, 3, 5), (2, 5)])]
for _eq, _shapes in EINSUM_CASES:
    NAME_CASES['einsum ' + _eq] = (_same(lambda L, *ops, _eq=_eq: L.einsum(_eq, *ops)), _shapes)


@pytest.mark.parametrize('case', list(NAME_CASES))
def test_grad_fn_names(case):
    (fe, ft), shapes = NAME_CASES[case]
    e, t = _names((fe, ft, shapes))
    assert e == t


# ---- errors ------------------------------------------------------------------------------------
def _arr(shape, dtype):
    return np.ones(shape, dtype=dtype) if dtype in ('int64', 'int32', 'bool') else \
        np.random.default_rng(0).uniform(-1, 1, size=shape).astype(dtype)


def _raises_like(fn, *specs, **kw):
    """Run ``fn(lib, *tensors)`` on both libraries; ember must raise the same exception type
    (LinAlgError counts as RuntimeError) and start its message with torch's first line."""
    args = [_arr(s, d) for s, d in specs]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(Exception) as te:
            fn(torch, *[torch.tensor(a) for a in args])
        with pytest.raises(Exception) as ee:
            fn(ember, *[ember.tensor(a) for a in args])
    ttype = RuntimeError if issubclass(te.type, RuntimeError) else te.type
    assert issubclass(ee.type, ttype), (ee.type, te.type, str(ee.value))
    tmsg = str(te.value).split('\n')[0]
    assert str(ee.value).startswith(tmsg), f'\nember: {ee.value}\ntorch: {tmsg}'
    return str(ee.value)


F32, F64, I64, I32, B = 'float32', 'float64', 'int64', 'int32', 'bool'
ERROR_CASES = {
    'mm shape': (lambda L, a, b: L.mm(a, b), ((3, 2), F32), ((3, 1), F32)),
    'matmul 2d shape': (lambda L, a, b: a @ b, ((3, 2), F32), ((3, 1), F32)),
    'matmul 1d1d': (lambda L, a, b: a @ b, ((3,), F32), ((2,), F32)),
    'matmul 2d1d': (lambda L, a, b: a @ b, ((3, 2), F32), ((3,), F32)),
    'matmul 1d2d': (lambda L, a, b: a @ b, ((3,), F32), ((2, 4), F32)),
    'matmul 3d2d': (lambda L, a, b: a @ b, ((5, 3, 2), F32), ((3, 4), F32)),
    'matmul 3d1d': (lambda L, a, b: a @ b, ((5, 3, 2), F32), ((3,), F32)),
    'matmul 1d3d': (lambda L, a, b: a @ b, ((2,), F32), ((5, 3, 4), F32)),
    'matmul 2d3d': (lambda L, a, b: a @ b, ((2, 2), F32), ((5, 3, 4), F32)),
    'matmul 3d3d': (lambda L, a, b: a @ b, ((5, 2, 3), F32), ((5, 4, 4), F32)),
    'matmul batch': (lambda L, a, b: a @ b, ((5, 2, 3), F32), ((4, 3, 4), F32)),
    'matmul 4d1d': (lambda L, a, b: a @ b, ((2, 5, 2, 3), F32), ((4,), F32)),
    'matmul 0d': (lambda L, a, b: L.matmul(a, b), ((), F32), ((3,), F32)),
    'matmul 0d right': (lambda L, a, b: L.matmul(a, b), ((3,), F32), ((), F32)),
    'matmul long float': (lambda L, a, b: a @ b, ((3, 2), I64), ((2, 2), F32)),
    'matmul float long': (lambda L, a, b: a @ b, ((3, 2), F32), ((2, 2), I64)),
    'matmul float double': (lambda L, a, b: a @ b, ((3, 2), F32), ((2, 2), F64)),
    'matmul int float': (lambda L, a, b: a @ b, ((3, 2), I32), ((2, 2), F32)),
    'matmul 1d1d dtype': (lambda L, a, b: a @ b, ((3,), F32), ((3,), F64)),
    'matmul 2d1d dtype': (lambda L, a, b: a @ b, ((2, 3), F32), ((3,), F64)),
    'matmul 1d2d dtype': (lambda L, a, b: a @ b, ((3,), F32), ((3, 3), F64)),
    'matmul 3d2d dtype': (lambda L, a, b: a @ b, ((4, 2, 3), F32), ((3, 3), F64)),
    'matmul 3d3d dtype': (lambda L, a, b: a @ b, ((4, 2, 3), F32), ((4, 3, 3), F64)),
    'matmul 3d1d dtype': (lambda L, a, b: a @ b, ((4, 3, 2), I64), ((2,), F32)),
    'matmul bool': (lambda L, a, b: a @ b, ((3, 2), B), ((2, 2), B)),
    'matmul bool 1d': (lambda L, a, b: a @ b, ((3,), B), ((3,), B)),
    'matmul bool float': (lambda L, a, b: a @ b, ((3, 2), B), ((2, 2), F32)),
    'matmul number': (lambda L, a: L.matmul(a, 2), ((3,), F32)),
    'mm number': (lambda L, a: L.mm(a, 2), ((3, 3), F32)),
    'mm 1d': (lambda L, a, b: L.mm(a, b), ((3,), F32), ((3, 2), F32)),
    'mm 3d other': (lambda L, a, b: L.mm(a, b), ((3, 3), F32), ((2, 3, 2), F32)),
    'mm dtype': (lambda L, a, b: L.mm(a, b), ((3, 2), F64), ((2, 2), F32)),
    'mm dtype+shape': (lambda L, a, b: L.mm(a, b), ((3, 2), F64), ((3, 3), F32)),
    'mm bool': (lambda L, a, b: L.mm(a, b), ((3, 2), B), ((2, 2), B)),
    'mv shape': (lambda L, a, b: L.mv(a, b), ((3, 2), F32), ((3,), F32)),
    'mv ndim': (lambda L, a, b: L.mv(a, b), ((3, 3), F32), ((3, 1), F32)),
    'mv dtype': (lambda L, a, b: L.mv(a, b), ((3, 2), I64), ((2,), F32)),
    'dot shape': (lambda L, a, b: L.dot(a, b), ((3,), F32), ((2,), F32)),
    'dot 2d': (lambda L, a, b: L.dot(a, b), ((3, 1), F32), ((3,), F32)),
    'dot dtype': (lambda L, a, b: L.dot(a, b), ((3,), F32), ((3,), F64)),
    'vdot 2d': (lambda L, a, b: L.vdot(a, b), ((2, 2), F32), ((2, 2), F32)),
    'bmm shape': (lambda L, a, b: L.bmm(a, b), ((2, 3, 4), F32), ((2, 3, 4), F32)),
    'bmm batch': (lambda L, a, b: L.bmm(a, b), ((2, 3, 4), F32), ((3, 4, 4), F32)),
    'bmm 2d': (lambda L, a, b: L.bmm(a, b), ((3, 4), F32), ((4, 4), F32)),
    'bmm 2d other': (lambda L, a, b: L.bmm(a, b), ((2, 3, 4), F32), ((4, 4), F32)),
    'bmm dtype': (lambda L, a, b: L.bmm(a, b), ((2, 3, 4), F32), ((2, 4, 4), F64)),
    'bmm bool': (lambda L, a, b: L.bmm(a, b), ((2, 2, 2), B), ((2, 2, 2), B)),
    'addmm shape': (lambda L, c, a, b: L.addmm(c, a, b), ((2, 2), F32), ((2, 3), F32),
                    ((2, 2), F32)),
    'addmm input': (lambda L, c, a, b: L.addmm(c, a, b), ((3,), F32), ((2, 2), F32),
                    ((2, 2), F32)),
    'addmm input 3d': (lambda L, c, a, b: L.addmm(c, a, b), ((1, 2, 2), F32), ((2, 2), F32),
                       ((2, 2), F32)),
    'addmm input dtype': (lambda L, c, a, b: L.addmm(c, a, b), ((2, 2), F64), ((2, 2), F32),
                          ((2, 2), F32)),
    'addmm 1d': (lambda L, c, a, b: L.addmm(c, a, b), ((2,), F32), ((2,), F32), ((2, 2), F32)),
    'addmv shape': (lambda L, c, a, b: L.addmv(c, a, b), ((2,), F32), ((2, 3), F32),
                    ((2,), F32)),
    'addmv input': (lambda L, c, a, b: L.addmv(c, a, b), ((3,), F32), ((2, 2), F32),
                    ((2,), F32)),
    'addmv dtype': (lambda L, c, a, b: L.addmv(c, a, b), ((2,), F64), ((2, 3), F32),
                    ((3,), F32)),
    'baddbmm shape': (lambda L, c, a, b: L.baddbmm(c, a, b), ((2, 2, 2), F32), ((2, 2, 3), F32),
                      ((2, 2, 2), F32)),
    'baddbmm input': (lambda L, c, a, b: L.baddbmm(c, a, b), ((3, 2, 2), F32),
                      ((2, 2, 3), F32), ((2, 3, 2), F32)),
    'baddbmm dtype': (lambda L, c, a, b: L.baddbmm(c, a, b), ((2, 2, 2), F64),
                      ((2, 2, 2), F32), ((2, 2, 2), F32)),
    'addbmm dtype': (lambda L, c, a, b: L.addbmm(c, a, b), ((2, 2), F64), ((2, 2, 2), F32),
                     ((2, 2, 2), F32)),
    'addr 2d': (lambda L, c, a, b: L.addr(c, a, b), ((2, 3), F32), ((2, 1), F32), ((3,), F32)),
    'outer 2d': (lambda L, a, b: L.outer(a, b), ((2, 1), F32), ((3,), F32)),
    'inner mismatch': (lambda L, a, b: L.inner(a, b), ((2, 3), F32), ((2, 4), F32)),
    'inner dtype': (lambda L, a, b: L.inner(a, b), ((3,), F32), ((3,), F64)),
    'tensordot mismatch': (lambda L, a, b: L.tensordot(a, b, dims=1), ((2, 3), F32),
                           ((4, 5), F32)),
    'tensordot neg': (lambda L, a, b: L.tensordot(a, b, dims=-1), ((2, 3), F32), ((3, 5), F32)),
    'tensordot lists': (lambda L, a, b: L.tensordot(a, b, dims=([1], [0, 1])), ((2, 3), F32),
                        ((3, 5), F32)),
    'tensordot dtype': (lambda L, a, b: L.tensordot(a, b, dims=1), ((2, 3), F32), ((3, 5), F64)),
    'tensordot toomany': (lambda L, a, b: L.tensordot(a, b, dims=3), ((2, 3), F32),
                          ((3, 5), F32)),
    'trace 3d': (lambda L, a: L.trace(a), ((2, 2, 2), F32)),
    'trace bool': (lambda L, a: L.trace(a), ((2, 2), B)),
    'cross length': (lambda L, a, b: L.linalg.cross(a, b), ((4,), F32), ((4,), F32)),
    'cross ndim': (lambda L, a, b: L.linalg.cross(a, b), ((2, 1, 3), F32), ((4, 3), F32)),
    'cross dtype': (lambda L, a, b: L.linalg.cross(a, b), ((3,), F32), ((3,), F64)),
    'cdist 1d': (lambda L, a, b: L.cdist(a, b), ((3,), F32), ((3,), F32)),
    'cdist cols': (lambda L, a, b: L.cdist(a, b), ((2, 3), F32), ((2, 4), F32)),
    'cdist p': (lambda L, a, b: L.cdist(a, b, p=-1), ((2, 3), F32), ((2, 3), F32)),
    'cdist long': (lambda L, a, b: L.cdist(a, b), ((2, 3), I64), ((2, 3), I64)),
    'cdist dtype': (lambda L, a, b: L.cdist(a, b), ((2, 3), F32), ((2, 3), F64)),
    'cdist batch': (lambda L, a, b: L.cdist(a, b), ((2, 2, 3), F32), ((3, 2, 3), F32)),
    'einsum size': (lambda L, a, b: L.einsum('ij,jk->ik', a, b), ((2, 3), F32), ((4, 5), F32)),
    'einsum fewer': (lambda L, a: L.einsum('ij,jk->ik', a), ((2, 3), F32)),
    'einsum more': (lambda L, a, b: L.einsum('ij->ij', a, b), ((2, 3), F32), ((2, 3), F32)),
    'einsum ndim': (lambda L, a: L.einsum('ijk->i', a), ((2, 3), F32)),
    'einsum ellipsis ndim': (lambda L, a: L.einsum('...ijk->i', a), ((2, 3), F32)),
    'einsum out repeated': (lambda L, a: L.einsum('ij->ii', a), ((2, 2), F32)),
    'einsum out unknown': (lambda L, a: L.einsum('ij->k', a), ((2, 2), F32)),
    'einsum diag': (lambda L, a: L.einsum('ii->i', a), ((2, 3), F32)),
    'einsum char': (lambda L, a: L.einsum('i1->i', a), ((2, 2), F32)),
    'einsum dtype': (lambda L, a, b: L.einsum('i,i->', a, b), ((3,), F32), ((3,), F64)),
    'multi_dot one': (lambda L, a: L.linalg.multi_dot([a]), ((2, 3), F32)),
    'multi_dot shapes': (lambda L, a, b: L.linalg.multi_dot([a, b]), ((2, 3), F32),
                         ((4, 4), F32)),
    'multi_dot last 3d': (lambda L, a, b: L.linalg.multi_dot([a, b]), ((2, 3), F32),
                          ((3, 4, 4), F32)),
    'multi_dot first 3d': (lambda L, a, b: L.linalg.multi_dot([a, b]), ((2, 2, 3), F32),
                           ((3, 4), F32)),
    'multi_dot dtype': (lambda L, a, b: L.linalg.multi_dot([a, b]), ((2, 3), F32),
                        ((3, 4), F64)),
    'inv nonsquare': (lambda L, a: L.linalg.inv(a), ((2, 3), F32)),
    'inv 1d': (lambda L, a: L.linalg.inv(a), ((3,), F32)),
    'inv long': (lambda L, a: L.linalg.inv(a), ((2, 2), I64)),
    'inv half': (lambda L, a: L.linalg.inv(a), ((2, 2), 'float16')),
    'inv singular': (lambda L, a: L.linalg.inv(a * 0), ((3, 3), F32)),
    'inv singular batch': (lambda L, a: L.linalg.inv(L.stack([L.eye(2), a * 0])), ((2, 2), F32)),
    'solve shape': (lambda L, a, b: L.linalg.solve(a, b), ((3, 3), F32), ((2,), F32)),
    'solve shape right': (lambda L, a, b: L.linalg.solve(a, b, left=False), ((3, 3), F32),
                          ((2, 2), F32)),
    'solve dtype': (lambda L, a, b: L.linalg.solve(a, b), ((3, 3), F32), ((3,), F64)),
    'solve nonsquare': (lambda L, a, b: L.linalg.solve(a, b), ((3, 2), F32), ((3,), F32)),
    'solve singular': (lambda L, a, b: L.linalg.solve(a * 0, b), ((2, 2), F32), ((2,), F32)),
    'det nonsquare': (lambda L, a: L.linalg.det(a), ((3, 2), F32)),
    'det 1d': (lambda L, a: L.linalg.det(a), ((3,), F32)),
    'det long': (lambda L, a: L.linalg.det(a), ((2, 2), I64)),
    'slogdet long': (lambda L, a: L.linalg.slogdet(a), ((2, 2), I64)),
    'cholesky not pd': (lambda L, a: L.linalg.cholesky(a - 2 * L.eye(2)), ((2, 2), F32)),
    'cholesky not pd batch': (lambda L, a: L.linalg.cholesky(
        L.stack([L.eye(2), L.tensor([[1., 2.], [2., 1.]])])), ((1,), F32)),
    'cholesky nonsquare': (lambda L, a: L.linalg.cholesky(a), ((3, 2), F32)),
    'cholesky long': (lambda L, a: L.linalg.cholesky(a), ((2, 2), I64)),
    'eigh nonsquare': (lambda L, a: L.linalg.eigh(a), ((3, 2), F32)),
    'eigh uplo': (lambda L, a: L.linalg.eigh(a, UPLO='X'), ((3, 3), F32)),
    'eigh long': (lambda L, a: L.linalg.eigh(a), ((2, 2), I64)),
    'eigvalsh nonsquare': (lambda L, a: L.linalg.eigvalsh(a), ((3, 2), F32)),
    'svd 1d': (lambda L, a: L.linalg.svd(a), ((3,), F32)),
    'svd long': (lambda L, a: L.linalg.svd(a), ((2, 2), I64)),
    'svdvals long': (lambda L, a: L.linalg.svdvals(a), ((2, 2), I64)),
    'qr mode': (lambda L, a: L.linalg.qr(a, mode='x'), ((3, 3), F32)),
    'qr 1d': (lambda L, a: L.linalg.qr(a), ((3,), F32)),
    'qr long': (lambda L, a: L.linalg.qr(a), ((2, 2), I64)),
    'pinv 1d': (lambda L, a: L.linalg.pinv(a), ((3,), F32)),
    'pinv long': (lambda L, a: L.linalg.pinv(a), ((2, 2), I64)),
    'matrix_rank long': (lambda L, a: L.linalg.matrix_rank(a), ((2, 2), I64)),
    'matrix_power nonsquare': (lambda L, a: L.linalg.matrix_power(a, 2), ((2, 3), F32)),
    'matrix_power singular': (lambda L, a: L.linalg.matrix_power(a * 0, -1), ((2, 2), F32)),
    'vector_norm long': (lambda L, a: L.linalg.vector_norm(a), ((3,), I64)),
    'vector_norm str': (lambda L, a: L.linalg.vector_norm(a, ord='fro'), ((3,), F32)),
    'vector_norm inf empty': (lambda L, a: L.linalg.vector_norm(a, ord=float('inf')),
                              ((0, 3), F32)),
    'vector_norm inf empty dim': (lambda L, a: L.linalg.vector_norm(a, float('inf'), 0),
                                  ((0, 3), F32)),
    'vector_norm -1 empty': (lambda L, a: L.linalg.vector_norm(a, ord=-1), ((0, 3), F32)),
    'vector_norm int dtype': (lambda L, a: L.linalg.vector_norm(a, dtype=L.long), ((3,), F32)),
    'vector_norm narrowing': (lambda L, a: L.linalg.vector_norm(a, dtype=L.float32),
                              ((3,), F64)),
    'matrix_norm 1d': (lambda L, a: L.linalg.matrix_norm(a), ((3,), F32)),
    'matrix_norm ord3': (lambda L, a: L.linalg.matrix_norm(a, ord=3), ((3, 3), F32)),
    'matrix_norm ord str': (lambda L, a: L.linalg.matrix_norm(a, ord='abc'), ((3, 3), F32)),
    'matrix_norm same dims': (lambda L, a: L.linalg.matrix_norm(a, dim=(0, 0)), ((3, 3), F32)),
    'matrix_norm long': (lambda L, a: L.linalg.matrix_norm(a), ((2, 2), I64)),
    'norm 3d ord': (lambda L, a: L.linalg.norm(a, ord=2), ((2, 3, 3), F32)),
    'norm str 1d': (lambda L, a: L.linalg.norm(a, ord='fro'), ((3,), F32)),
    'norm dim3': (lambda L, a: L.linalg.norm(a, dim=(0, 1, 2)), ((2, 3, 3), F32)),
    'vecdot long': (lambda L, a, b: L.linalg.vecdot(a, b), ((3,), I64), ((3,), I64)),
    'vecdot dtype': (lambda L, a, b: L.linalg.vecdot(a, b), ((3,), F32), ((3,), F64)),
}


@pytest.mark.parametrize('case', list(ERROR_CASES))
def test_errors_match_torch(case):
    fn, *specs = ERROR_CASES[case]
    _raises_like(fn, *specs)


def test_dtype_error_explains_the_fix():
    for a_dt, b_dt in ((I64, F32), (F32, F64)):
        msg = _raises_like(lambda L, a, b: a @ b, ((3, 2), a_dt), ((2, 2), b_dt))
        assert '.float()' in msg and 'float64' in msg and 'NumPy' in msg
    msg = _raises_like(lambda L, a, b: L.mm(a, b), ((3, 2), F32), ((3, 1), F32))
    assert 'in_features' in msg
    msg = _raises_like(lambda L, a, b: L.linalg.inv(a), ((2, 2), I64), ((1,), F32))
    assert '.float()' in msg


def test_linalg_error_class():
    with pytest.raises(ember.linalg.LinAlgError) as e:
        ember.linalg.inv(ember.zeros(2, 2))
    assert isinstance(e.value, RuntimeError)
    assert 'diagonal element 1 is zero' in str(e.value)


# ---- dtypes and values that the table does not cover ---------------------------------------------
def test_integer_products_match_torch():
    for dt in (np.int64, np.int32, np.int16, np.int8, np.uint8):
        a = np.arange(6, dtype=dt).reshape(2, 3)
        b = np.arange(12, dtype=dt).reshape(3, 4) % 5
        e, t = ember.tensor(a) @ ember.tensor(b), torch.tensor(a) @ torch.tensor(b)
        assert str(e.dtype) == str(t.dtype)
        np.testing.assert_array_equal(e.numpy(), t.numpy())
    e = ember.dot(ember.tensor([1, 2, 3]), ember.tensor([4, 5, 6]))
    assert e.dtype == ember.int64 and e.item() == 32 and e.shape == ()


def test_int_addmm_truncates_float_scalars_like_torch():
    for kw in ({'beta': 0.5}, {'alpha': 0.5}, {'alpha': 1.5, 'beta': 2.5}):
        args = [np.full((2, 2), v, np.int64) for v in (3, 1, 2)]
        e = ember.addmm(*[ember.tensor(a) for a in args], **kw)
        t = torch.addmm(*[torch.tensor(a) for a in args], **kw)
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_addmm_beta_zero_ignores_nan():
    c = ember.full((2, 2), float('nan'))
    r = ember.addmm(c, ember.ones(2, 2), ember.ones(2, 2), beta=0)
    assert not ember.isnan(r).any()


def test_half_matmul():
    a = np.random.default_rng(0).uniform(-1, 1, (2, 3)).astype(np.float16)
    b = np.random.default_rng(1).uniform(-1, 1, (3, 2)).astype(np.float16)
    e = ember.tensor(a) @ ember.tensor(b)
    assert e.dtype == ember.float16
    np.testing.assert_allclose(e.numpy(), (torch.tensor(a) @ torch.tensor(b)).numpy(), atol=2e-3)


def test_rmatmul_and_non_tensor_operands():
    a = ember.ones(2, 2)
    with pytest.raises(TypeError):
        a @ 2
    with pytest.raises(TypeError):
        2 @ a
    assert a.__rmatmul__(ember.ones(3, 2)).shape == (3, 2)


def test_backward_through_linear_style_matmul():
    x, tx = _pair((4, 5, 3), requires_grad=True)
    w, tw = _pair((3, 2), requires_grad=True, seed=1)
    (x @ w).pow(2).sum().backward()
    (tx @ tw).pow(2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_matmul_result_owns_its_memory():
    a = ember.ones(2, 3)
    r = a @ ember.ones(3, 2)
    assert r.is_contiguous()
    b = ember.ones(2, 2, 3)
    assert (b @ ember.ones(3, 4)).is_contiguous()


# ---- named tuples, in-place, out= ---------------------------------------------------------------
def test_named_tuples_print_like_torch():
    A = np.array([[2., 1.], [1., 3.]], np.float32)
    for name in ('eigh', 'slogdet', 'qr'):
        e = getattr(ember.linalg, name)(ember.tensor(A))
        t = getattr(torch.linalg, name)(torch.tensor(A))
        assert type(e).__name__ == type(t).__name__
        assert e._fields == tuple(t._fields) if hasattr(t, '_fields') else True
        assert repr(e).split('(')[0] == repr(t).split('(')[0]
    e, t = ember.linalg.svd(ember.tensor(A)), torch.linalg.svd(torch.tensor(A))
    assert [f for f in e._fields] == ['U', 'S', 'Vh']
    U, S, V = ember.svd(ember.tensor(A))
    np.testing.assert_allclose((U @ ember.diag_embed(S) @ V.mT).numpy() if hasattr(
        ember, 'diag_embed') else (U * S) @ V.mT.numpy(), A, atol=1e-5)
    assert ember.slogdet(ember.tensor(A)).__class__.__name__ == 'slogdet'


def test_inplace_and_out_forms():
    c = ember.zeros(2, 2)
    r = c.addmm_(ember.ones(2, 3), ember.ones(3, 2))
    assert r is c and c[0, 0].item() == 3
    c = ember.zeros(2, 2, 2)
    c.baddbmm_(ember.ones(2, 2, 3), ember.ones(2, 3, 2), alpha=2)
    assert c[0, 0, 0].item() == 6
    out = ember.empty(2, 2)
    ember.mm(ember.ones(2, 3), ember.ones(3, 2), out=out)
    assert out[1, 1].item() == 3
    out = ember.empty(2)
    ember.matmul(ember.ones(2, 3), ember.ones(3), out=out)
    assert out.tolist() == [3.0, 3.0]


def test_tensor_methods_exist():
    for name in ('matmul', 'mm', 'bmm', 'mv', 'dot', 'vdot', 'inner', 'outer', 'ger', 'addmm',
                 'addmm_', 'addmv', 'addmv_', 'addbmm', 'addbmm_', 'baddbmm', 'baddbmm_', 'addr',
                 'addr_', 'kron', 'trace', 'cross', 'det', 'logdet', 'slogdet', 'inverse',
                 'cholesky', 'svd', 'qr', 'pinverse', 'matrix_power', '__matmul__',
                 '__rmatmul__'):
        assert hasattr(ember.Tensor, name), name


def test_det_gradient_of_singular_matrix():
    a = np.array([[1., 2.], [2., 4.]])
    e = ember.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    ember.linalg.det(e).backward()
    torch.linalg.det(t).backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), atol=1e-10)


def test_eigh_reads_one_triangle():
    a = np.array([[2., 100.], [1., 3.]])
    for uplo in ('L', 'U'):
        e = ember.linalg.eigvalsh(ember.tensor(a), UPLO=uplo)
        t = torch.linalg.eigvalsh(torch.tensor(a), UPLO=uplo)
        np.testing.assert_allclose(e.numpy(), t.numpy())


def test_cross_default_dim_warns_and_matches():
    a, ta = _pair((3, 4))
    b, tb = _pair((3, 4), seed=1)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter('always')
        e = ember.cross(a, b)
        t = torch.cross(ta, tb)
    np.testing.assert_allclose(e.numpy(), t.numpy(), atol=1e-6)


def test_matrix_power_zero_has_zero_gradient():
    a = ember.eye(2, requires_grad=True)
    ember.linalg.matrix_power(a, 0).sum().backward()
    assert a.grad.abs().sum().item() == 0


def test_named_tuples_and_error_class_live_in_ember_linalg():
    import pickle
    A = ember.tensor([[2., 1.], [1., 3.]])
    for res in (ember.linalg.eigh(A), ember.linalg.svd(A), ember.svd(A), ember.linalg.qr(A),
                ember.qr(A), ember.linalg.slogdet(A), ember.slogdet(A), ember.linalg.inv_ex(A)):
        assert type(res).__module__ == 'ember.linalg'
        assert type(pickle.loads(pickle.dumps(res))) is type(res)
    assert ember.linalg.LinAlgError.__module__ == 'ember.linalg'


def test_vector_norm_inf_of_0d_tensor_backward():
    e = ember.tensor(-2.5, requires_grad=True)
    t = torch.tensor(-2.5, requires_grad=True)
    ember.linalg.vector_norm(e, float('inf'), dim=(0,)).backward()
    torch.linalg.vector_norm(t, float('inf'), dim=(0,)).backward()
    assert e.grad.item() == t.grad.item() == -1.0
