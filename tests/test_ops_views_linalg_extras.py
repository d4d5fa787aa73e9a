"""Behaviour of the storage-level views, scatter variants and extra linear-algebra ops beyond
what the oracle table compares: memory sharing, in-place semantics, errors, return types."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def _raises_like(fn_ember, fn_torch):
    """Both raise the same exception type with the same first words."""
    with pytest.raises(Exception) as te:
        fn_torch(torch)
    with pytest.raises(type(te.value)) as ee:
        fn_ember(ember)
    first = str(te.value).split('(')[0].split('\n')[0][:40]
    assert str(ee.value).startswith(first), (str(ee.value), str(te.value))


# ---- as_strided ------------------------------------------------------------------------------
def test_as_strided_shares_memory_and_storage_offset():
    for lib in (ember, torch):
        x = lib.arange(8.)
        v = x[2:].as_strided((2, 2), (1, 2))
        assert v.storage_offset() == 2
        v[0, 1] = 100.
        assert x[4].item() == 100.
        w = x.as_strided((3,), (2,), 1)
        assert w.tolist() == [1., 3., 5.]
        x[1] = -1.
        assert w[0].item() == -1.


def test_as_strided_errors():
    for fn in [lambda lib: lib.as_strided(lib.zeros(4), (10,), (2,)),
               lambda lib: lib.as_strided(lib.zeros(4), (2,), (-1,)),
               lambda lib: lib.as_strided(lib.zeros(4), (2, 2), (1,)),
               lambda lib: lib.as_strided(lib.zeros(4), (2,), (1,), -1)]:
        _raises_like(fn, fn)


def test_as_strided_inplace():
    for lib in (ember, torch):
        leaf = lib.zeros(4, requires_grad=True)
        with pytest.raises(RuntimeError, match='leaf Variable that requires grad'):
            leaf.as_strided_((2,), (1,))
        x = lib.arange(4.)
        assert x.as_strided_((2,), (2,), 1) is x and x.tolist() == [1., 3.]


def test_as_strided_write_through_view_reaches_base_gradient():
    grads = []
    for lib in (ember, torch):
        a = lib.arange(6., requires_grad=True)
        b = a * 2
        v = b.as_strided((2,), (3,))
        v.mul_(10)
        (b * lib.arange(6.)).sum().backward()
        grads.append(a.grad.tolist())
    assert grads[0] == grads[1]


# ---- nbytes, itemsize, new_empty_strided, resize_, fill_diagonal_, is_inference -------------
def test_nbytes_itemsize():
    for dt in ('float32', 'float64', 'int16', 'bool'):
        e = ember.zeros(3, 2, dtype=getattr(ember, dt))
        t = torch.zeros(3, 2, dtype=getattr(torch, dt))
        assert (e.nbytes, e.itemsize) == (t.nbytes, t.itemsize)
    assert ember.zeros(3).expand(4, 3).nbytes == torch.zeros(3).expand(4, 3).nbytes


def test_new_empty_strided():
    for lib in (ember, torch):
        x = lib.zeros(1, dtype=lib.float64)
        y = x.new_empty_strided((2, 3), (1, 2))
        assert y.stride() == (1, 2) and y.shape == (2, 3) and y.dtype == lib.float64
        z = x.new_empty_strided((2,), (1,), dtype=lib.int32, requires_grad=False)
        assert z.dtype == lib.int32


def test_resize_keeps_flat_prefix_and_memory():
    out = []
    for lib in (ember, torch):
        x = lib.arange(6.)
        y = x.view(2, 3)
        assert x.resize_(2, 2) is x
        x[0, 0] = 50.
        snap = [x.tolist(), y[0, 0].item()]
        x.resize_(3, 3)
        snap.append(x.flatten()[:6].tolist())
        x.resize_as_(lib.zeros(5))
        snap.append(x.shape == (5,))
        out.append(snap)
    assert out[0] == out[1]


def test_resize_requires_grad_error():
    fn = lambda lib: lib.zeros(3, requires_grad=True).resize_(2)   # noqa: E731
    _raises_like(fn, fn)


@pytest.mark.parametrize('shape,wrap', [((3, 4), False), ((7, 3), True), ((7, 3), False),
                                        ((3, 3, 3), False), ((2, 5), True)])
def test_fill_diagonal_(shape, wrap):
    e = ember.zeros(*shape).fill_diagonal_(2.5, wrap=wrap)
    t = torch.zeros(*shape).fill_diagonal_(2.5, wrap=wrap)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_fill_diagonal_errors_and_grad():
    for fn in [lambda lib: lib.zeros(3).fill_diagonal_(1),
               lambda lib: lib.zeros(2, 3, 3).fill_diagonal_(1)]:
        _raises_like(fn, fn)
    grads = []
    for lib in (ember, torch):
        a = lib.ones(3, 3, requires_grad=True)
        b = (a * 3).fill_diagonal_(0.)
        b.sum().backward()
        grads.append(a.grad.tolist())
    assert grads[0] == grads[1]


def test_is_inference():
    assert ember.ones(2).is_inference() is torch.ones(2).is_inference() is False
    assert ember.is_inference(ember.ones(2)) is False


# ---- scatter variants ------------------------------------------------------------------------
def test_scatter_errors():
    for fn in [lambda lib: lib.slice_scatter(lib.zeros(3, 4), lib.ones(3, 3), 1, 0, 2),
               lambda lib: lib.select_scatter(lib.zeros(3, 4), lib.ones(3), 0, 0),
               lambda lib: lib.select_scatter(lib.zeros(3, 4), lib.ones(4), 0, 5),
               lambda lib: lib.diagonal_scatter(lib.zeros(3, 4), lib.ones(4)),
               lambda lib: lib.as_strided_scatter(lib.zeros(3), lib.ones(2), (3,), (1,)),
               lambda lib: lib.index_reduce(lib.zeros(3), 0, lib.tensor([0]), lib.ones(1),
                                            'sum'),
               lambda lib: lib.index_reduce(lib.zeros(3), 0, lib.tensor([0.]), lib.ones(1),
                                            'prod'),
               lambda lib: lib.index_reduce(lib.zeros(3), 0, lib.tensor([0, 1]), lib.ones(1),
                                            'prod'),
               lambda lib: lib.index_reduce(lib.zeros(3, 4), 0, lib.tensor([0]),
                                            lib.ones(1, 3), 'prod'),
               lambda lib: lib.index_reduce(lib.zeros(3), 0, lib.tensor([5]), lib.ones(1),
                                            'prod'),
               lambda lib: lib.index_reduce(lib.zeros(3), 0, lib.tensor([0]),
                                            lib.ones(1, dtype=lib.float64), 'prod')]:
        _raises_like(fn, fn)


def test_scatter_results_are_copies_and_cast():
    for lib in (ember, torch):
        x = lib.zeros(3, 4)
        y = lib.slice_scatter(x, lib.ones(3, 2, dtype=lib.float64), 1, 0, None, 2)
        assert y.dtype == lib.float32 and x.sum().item() == 0 and y.sum().item() == 6


def test_index_reduce_inplace_and_int_mean():
    for lib in (ember, torch):
        x = lib.ones(3, dtype=lib.long)
        r = x.index_reduce_(0, lib.tensor([0, 0]), lib.tensor([3, 4]), 'mean')
        assert r is x and x.tolist() == [2, 1, 1]


def test_as_strided_scatter_gradient_is_the_true_derivative():
    # torch 2.13's backward here is wrong (it fails its own gradcheck); ember's is checked
    # numerically and against the equivalent slice_scatter, whose torch gradient is right
    x = ember.randn(3, 3, dtype=ember.float64, requires_grad=True)
    s = ember.randn(2, 2, dtype=ember.float64, requires_grad=True)
    f = lambda a, b: ember.as_strided_scatter(a, b, (2, 2), (3, 1))   # noqa: E731
    assert ember.autograd.gradcheck(f, (x, s))
    assert ember.autograd.gradgradcheck(f, (x, s))
    g = np.arange(9.).reshape(3, 3)
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    ts = torch.tensor(s.detach().numpy(), requires_grad=True)
    inner = torch.slice_scatter(tx[:2], ts, 1, 0, 2)
    tg = torch.autograd.grad(torch.cat([inner, tx[2:]]), (tx, ts), torch.tensor(g))
    eg = ember.autograd.grad(f(x, s), (x, s), ember.tensor(g))
    for e, t in zip(eg, tg):
        np.testing.assert_allclose(e.numpy(), t.numpy())


# ---- linear algebra --------------------------------------------------------------------------
def test_return_types():
    A = [[0., 1.], [2., 0.]]
    for lib in (ember, torch):
        a = lib.tensor(A)
        LU, piv = lib.lu(a)
        assert type(lib.lu(a)) is tuple and len(lib.lu(a, get_infos=True)) == 3
        assert piv.dtype == lib.int32 and piv.tolist() == [2, 2]
        assert type(lib.lu_unpack(LU, piv)).__name__ == 'lu_unpack'
        r = lib.triangular_solve(lib.ones(2, 1), a.triu())
        assert type(r).__name__ == 'triangular_solve'
        assert r.cloned_coefficient.tolist() == a.triu().tolist()
        assert type(lib.linalg.lu_factor_ex(a)).__name__ == 'linalg_lu_factor_ex'
        assert [x.shape for x in lib.linalg.lu(a)] == [(2, 2)] * 3 and lib.linalg.lu(a).U.shape
    assert repr(ember.linalg.lu_factor(ember.tensor(A))).startswith(
        'torch.return_types.linalg_lu_factor(')


def test_lu_singular_info_and_errors():
    s = [[1., 2.], [2., 4.]]
    e, t = ember.linalg.lu_factor_ex(ember.tensor(s)), torch.linalg.lu_factor_ex(torch.tensor(s))
    assert e.info.item() == t.info.item() == 2
    np.testing.assert_allclose(e.LU.numpy(), t.LU.numpy())
    for fn in [lambda lib: lib.linalg.lu_factor(lib.tensor(s)),
               lambda lib: lib.linalg.lu_factor(lib.tensor([s, s])),
               lambda lib: lib.linalg.lu_factor(lib.ones(3)),
               lambda lib: lib.linalg.lu_factor(lib.ones(2, 2, dtype=lib.long)),
               lambda lib: lib.linalg.solve_triangular(lib.eye(3), lib.ones(2, 1), upper=True),
               lambda lib: lib.matrix_rank(lib.eye(2)),
               lambda lib: lib.frobenius_norm(lib.ones(2, 2, 2), (0, 1, 2)),
               lambda lib: lib.linalg.tensorinv(lib.ones(2, 3), ind=1)]:
        _raises_like(fn, fn)


def test_solve_triangular_casts_B_to_A_dtype():
    for lib in (ember, torch):
        x = lib.linalg.solve_triangular(lib.eye(2) * 2, lib.ones(2, 1, dtype=lib.float64),
                                        upper=True)
        assert x.dtype == lib.float32 and x.tolist() == [[0.5], [0.5]]


def test_solve_triangular_singular_gives_inf_like_lapack():
    A = [[1., 0.], [1., 0.]]
    e = ember.linalg.solve_triangular(ember.tensor(A), ember.ones(2, 1), upper=False)
    t = torch.linalg.solve_triangular(torch.tensor(A), torch.ones(2, 1), upper=False)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_methods_match_functions():
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)
    b = rng.uniform(-1, 1, (3, 2))
    for lib in (ember, torch):
        A, B = lib.tensor(a), lib.tensor(b)
        LU, piv = A.lu()
        np.testing.assert_allclose(B.lu_solve(LU, piv).numpy(), np.linalg.solve(a, b))
        np.testing.assert_allclose(B.triangular_solve(A.triu())[0].numpy(),
                                   np.linalg.solve(np.triu(a), b))
        L = lib.linalg.cholesky(A @ A.mT)
        np.testing.assert_allclose(B.cholesky_solve(L).numpy(), np.linalg.solve(a @ a.T, b))
        np.testing.assert_allclose(L.cholesky_inverse().numpy(), np.linalg.inv(a @ a.T))
        np.testing.assert_allclose(A.matrix_exp().numpy(),
                                   torch.linalg.matrix_exp(torch.tensor(a)).numpy())
