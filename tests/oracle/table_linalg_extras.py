"""Oracle entries: LU and triangular solvers (ember/_ops/_linalg_lu.py), matrix functions
(ember/_ops/_linalg_funcs.py) and their torch.* spellings (ember/_ops/linalg_solvers.py)."""
import numpy as np

from .harness import Op, Sample, arr

D4 = dict(atol=1e-4, rtol=1e-4)


def _lin(name):
    def call(lib, *args, **kwargs):
        return getattr(lib.linalg, name)(*args, **kwargs)
    return call


def _wellcond(rng, shape, dtype):
    n = shape[-1]
    a = rng.uniform(-1, 1, size=shape) + n * np.eye(n)
    return a.astype(dtype)


def _general(rng, shape, dtype):
    """Random matrices (rows get swapped by the pivoting) with a well-conditioned U."""
    a = rng.uniform(-1, 1, size=shape)
    k = min(shape[-2:])
    for i in range(k):
        a[..., i, i] += 3.0 * (-1) ** i
    a = a[..., ::-1, :]                        # forces row swaps
    return np.ascontiguousarray(a).astype(dtype)


def _lu_samples(rng, dtype):
    return [Sample((_general(rng, (3, 3), dtype),), desc='square'),
            Sample((_general(rng, (2, 3, 3), dtype),), desc='batch'),
            Sample((_general(rng, (2, 4), dtype),), desc='wide'),
            Sample((_general(rng, (4, 2), dtype),), desc='tall'),
            Sample((np.ascontiguousarray(_general(rng, (3, 3), dtype).T).T,), desc='noncontig')]


def _square_lu_samples(rng, dtype):
    return _lu_samples(rng, dtype)[:2] + _lu_samples(rng, dtype)[4:]


def _lu_solve_samples(rng, dtype):
    A = lambda *s: _general(rng, s, dtype)     # noqa: E731
    return [Sample((A(3, 3), arr(rng, (3, 2), dtype)), desc='left'),
            Sample((A(2, 3, 3), arr(rng, (2, 3, 1), dtype)), {'adjoint': True}, desc='adjoint'),
            Sample((A(3, 3), arr(rng, (2, 3), dtype)), {'left': False}, desc='right'),
            Sample((A(3, 3), arr(rng, (2, 3), dtype)), {'left': False, 'adjoint': True},
                   desc='right-adjoint')]


def _linalg_lu_solve(lib, a, b, **kw):
    LU, piv = lib.linalg.lu_factor(a)
    return lib.linalg.lu_solve(LU, piv, b, **kw)


def _legacy_lu_solve(lib, a, b, **kw):
    LU, piv = lib.lu(a)
    return lib.lu_solve(b, LU, piv)


def _lu_unpack(lib, a):
    LU, piv = lib.linalg.lu_factor(a)
    return lib.lu_unpack(LU, piv)


def _tri_samples(rng, dtype):
    A = lambda *s: _wellcond(rng, s, dtype)     # noqa: E731
    return [Sample((A(3, 3), arr(rng, (3, 2), dtype)), {'upper': True}, desc='upper'),
            Sample((A(3, 3), arr(rng, (3, 2), dtype)), {'upper': False}, desc='lower'),
            Sample((A(2, 3, 3), arr(rng, (3, 1), dtype)), {'upper': True, 'unitriangular': True},
                   desc='unit-bcast'),
            Sample((A(3, 3), arr(rng, (2, 3), dtype)), {'upper': False, 'left': False},
                   desc='right'),
            Sample((A(3, 3), arr(rng, (3, 0), dtype)), {'upper': True}, desc='empty')]


def _legacy_tri_samples(rng, dtype):
    A = lambda *s: _wellcond(rng, s, dtype)     # noqa: E731
    return [Sample((arr(rng, (3, 2), dtype), A(3, 3)), desc='default'),
            Sample((arr(rng, (2, 3, 2), dtype), A(3, 3)), {'upper': False, 'transpose': True},
                   desc='lower-transpose-bcast'),
            Sample((arr(rng, (3, 1), dtype), A(3, 3)), {'unitriangular': True}, desc='unit')]


def _chol_samples(rng, dtype):
    A = lambda *s: _wellcond(rng, s, dtype)     # noqa: E731
    return [Sample((arr(rng, (3, 2), dtype), A(3, 3)), desc='lower'),
            Sample((arr(rng, (2, 3, 1), dtype), A(3, 3)), {'upper': True}, desc='upper-bcast')]


def _chol_inv_samples(rng, dtype):
    return [Sample((_wellcond(rng, (3, 3), dtype),), desc='lower'),
            Sample((_wellcond(rng, (2, 3, 3), dtype),), {'upper': True}, desc='upper-batch')]


# the factor is read as a triangle: pass one, so that torch's full-matrix gradient (which
# treats the factor as a dense matrix) and the numerical one agree
def _cholesky_solve(lib, b, c, upper=False):
    return lib.cholesky_solve(b, c.triu() if upper else c.tril(), upper)


def _cholesky_inverse(lib, c, upper=False):
    return lib.cholesky_inverse(c.triu() if upper else c.tril(), upper)


def _mexp_samples(rng, dtype):
    return [Sample((arr(rng, (3, 3), dtype),), desc='small'),
            Sample((arr(rng, (2, 3, 3), dtype) * 3,), desc='batch-scaled'),
            Sample((arr(rng, (1, 1), dtype),), desc='1x1'),
            Sample((np.zeros((2, 2), dtype),), desc='zero')]


def _norm_samples(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype),), desc='2d'),
            Sample((arr(rng, (2, 3, 3), dtype), (0, 2)), desc='dims'),
            Sample((arr(rng, (3, 4), dtype), (0, 1), True), desc='keepdim')]


def _fro_samples(rng, dtype):
    return [Sample((arr(rng, (3, 4), dtype), (0, 1)), desc='2d'),
            Sample((arr(rng, (2, 3, 4), dtype), 1, True), desc='one-dim-keepdim')]


def _vander_samples(rng, dtype):
    return [Sample((arr(rng, (3,), dtype),), desc='1d'),
            Sample((arr(rng, (2, 3), dtype),), {'N': 4}, desc='batch-N')]


def _tensorinv_samples(rng, dtype):
    return [Sample((_wellcond(rng, (4, 4), dtype).reshape(4, 2, 2),), {'ind': 1}, desc='ind1'),
            Sample((_wellcond(rng, (6, 6), dtype).reshape(2, 3, 6),), desc='ind2')]


def _tensorsolve_samples(rng, dtype):
    return [Sample((_wellcond(rng, (6, 6), dtype).reshape(2, 3, 6), arr(rng, (2, 3), dtype)),
                   desc='plain'),
            Sample((_wellcond(rng, (6, 6), dtype).reshape(6, 2, 3), arr(rng, (6,), dtype)),
                   desc='plain-2')]


def _cond_samples(rng, dtype):
    A = _general(rng, (3, 3), dtype)
    return [Sample((A,), desc='2-norm'), Sample((A, -2), desc='-2'),
            Sample((_general(rng, (2, 2, 3), dtype),), desc='rectangular')]


def _cond_norm_samples(rng, dtype):
    A = _general(rng, (3, 3), dtype)
    return [Sample((A, 1), desc='1'), Sample((A, 'fro'), desc='fro'),
            Sample((A, float('-inf')), desc='-inf')]


def _householder_samples(rng, dtype):
    return [Sample((arr(rng, (4, 3), dtype), arr(rng, (3,), dtype)), desc='full'),
            Sample((arr(rng, (2, 3, 2), dtype), arr(rng, (2, 1), dtype)), desc='batch-k1')]


OPS = [
    # LU
    Op('linalg.lu_factor', _lu_samples, call=_lin('lu_factor'), nondiff_outputs=(1,), **D4),
    Op('linalg.lu_factor_ex', _lu_samples, call=_lin('lu_factor_ex'), nondiff_outputs=(1, 2),
       covers=('lu',), **D4),
    Op('lu_legacy', _lu_samples, call=lambda lib, a: lib.lu(a, get_infos=True),
       nondiff_outputs=(1, 2), **D4),
    Op('linalg.lu', _lu_samples, call=_lin('lu'), nondiff_outputs=(0,), **D4),
    Op('lu_unpack', _lu_samples, call=_lu_unpack, nondiff_outputs=(0,), **D4),
    Op('linalg.lu_solve', _lu_solve_samples, call=_linalg_lu_solve, **D4),
    Op('lu_solve', lambda rng, dt: _lu_solve_samples(rng, dt)[:1], call=_legacy_lu_solve, **D4),
    # triangular and Cholesky solvers
    Op('linalg.solve_triangular', _tri_samples, call=_lin('solve_triangular'), **D4),
    Op('triangular_solve', _legacy_tri_samples, **D4),
    Op('cholesky_solve', _chol_samples, call=_cholesky_solve, **D4),
    Op('cholesky_inverse', _chol_inv_samples, call=_cholesky_inverse, **D4),
    # matrix functions; torch.matrix_rank only raises (tested in
    # tests/test_ops_views_linalg_extras.py)
    Op('matrix_exp', _mexp_samples, covers=('linalg.matrix_exp',), **D4),
    Op('nuclear_norm', _norm_samples, **D4),
    Op('frobenius_norm', _fro_samples, covers=('matrix_rank',), **D4),
    Op('linalg.vander', _vander_samples, call=_lin('vander'), **D4),
    Op('linalg.tensorinv', _tensorinv_samples, call=_lin('tensorinv'), **D4),
    Op('linalg.tensorsolve', _tensorsolve_samples, call=_lin('tensorsolve'), **D4),
    Op('linalg.cond', _cond_samples, call=_lin('cond'), **D4),
    # torch 2.13's backward of cond for these norms fails (it writes into inv's saved output)
    Op('linalg.cond_norms', _cond_norm_samples, call=_lin('cond'), differentiable=False, **D4),
    Op('linalg.householder_product', _householder_samples, call=_lin('householder_product'),
       **D4),
]
