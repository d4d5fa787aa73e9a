"""Reductions beyond the oracle table: errors, named tuples, grad_fn names, tie-breaking,
warnings and edge values, all against torch 2.13."""
import math
import pickle
import warnings

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402
from ember._ops import cumulative, minmax, reduction, sorting, statistics  # noqa: E402

nan, inf = float('nan'), float('inf')


def _norm(lib):
    return lib.norm


# ---- errors: same exception type as torch -----------------------------------------------------
ERRORS = [
    ('sum-dim-range', lambda L: L.ones(2, 3).sum(2)),
    ('sum-dim-dup', lambda L: L.ones(2, 3).sum((0, 0))),
    ('sum-dim-str', lambda L: L.ones(2, 3).sum('a')),
    ('sum-0d-dim1', lambda L: L.tensor(3.).sum(1)),
    ('mean-int', lambda L: L.tensor([1, 2]).mean()),
    ('mean-dtype-int', lambda L: L.tensor([1., 2.]).mean(dtype=L.int64)),
    ('nanmean-int', lambda L: L.tensor([1, 2]).nanmean()),
    ('prod-tuple', lambda L: L.ones(2, 3).prod((0, 1))),
    ('max-empty', lambda L: L.zeros(0, 3).max()),
    ('max-empty-dim', lambda L: L.zeros(0, 3).max(0)),
    ('max-tuple', lambda L: L.ones(2, 3).max((0, 1))),
    ('max-dim-range', lambda L: L.ones(2, 3).max(2)),
    ('amax-empty', lambda L: L.zeros(0, 3).amax()),
    ('amax-empty-dim', lambda L: L.zeros(0, 3).amax(0)),
    ('aminmax-empty', lambda L: L.aminmax(L.zeros(0))),
    ('aminmax-tuple', lambda L: L.aminmax(L.ones(2, 2), dim=(0, 1))),
    ('argmax-bool', lambda L: L.tensor([True, False]).argmax()),
    ('argmax-empty', lambda L: L.zeros(0).argmax()),
    ('argmax-empty-dim', lambda L: L.zeros(0, 2).argmax(0)),
    ('argmax-tuple', lambda L: L.ones(2, 2).argmax((0,))),
    ('std-int', lambda L: L.tensor([1, 2]).std()),
    ('var-bool', lambda L: L.tensor([True]).var()),
    ('std_mean-int', lambda L: L.std_mean(L.tensor([1, 2]))),
    ('var-both', lambda L: L.var(L.ones(3), 0, unbiased=False, correction=1)),
    ('norm-int', lambda L: _norm(L)(L.tensor([1, 2]))),
    ('norm-bad-p', lambda L: _norm(L)(L.ones(2, 2), 'abc')),
    ('norm-fro-3dims', lambda L: _norm(L)(L.ones(2, 2, 2), 'fro', (0, 1, 2))),
    ('norm-inf-empty', lambda L: _norm(L)(L.zeros(0), inf)),
    ('norm-nuc-1d', lambda L: _norm(L)(L.ones(3), 'nuc')),
    ('norm-dtype-int', lambda L: _norm(L)(L.ones(3), dtype=L.int64)),
    ('norm-dtype-narrow', lambda L: _norm(L)(L.ones(3), dtype=L.float16)),
    ('logsumexp-nodim', lambda L: L.logsumexp(L.ones(3))),
    ('cumsum-nodim', lambda L: L.cumsum(L.ones(3))),
    ('cumsum-dim-range', lambda L: L.ones(3).cumsum(1)),
    ('median-bool', lambda L: L.tensor([True]).median()),
    ('median-empty-dim', lambda L: L.zeros(0, 2).median(0)),
    ('mode-empty', lambda L: L.zeros(0).mode()),
    ('kthvalue-k0', lambda L: L.ones(3).kthvalue(0)),
    ('kthvalue-k-big', lambda L: L.ones(3).kthvalue(4)),
    ('kthvalue-bool', lambda L: L.tensor([True]).kthvalue(1)),
    ('topk-k-big', lambda L: L.ones(3).topk(4)),
    ('topk-k-neg', lambda L: L.ones(3).topk(-1)),
    ('topk-bool', lambda L: L.tensor([True, False]).topk(1)),
    ('sort-dim-range', lambda L: L.ones(3).sort(2)),
    ('unique-dim-range', lambda L: L.tensor([1, 2]).unique(dim=1)),
    ('count_nonzero-dim-range', lambda L: L.ones(3).count_nonzero(3)),
]


@pytest.mark.parametrize('name,fn', ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, fn):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(Exception) as te:
            fn(torch)
        with pytest.raises(Exception) as ee:
            fn(ember)
    assert issubclass(ee.type, te.type), f'{name}: ember raised {ee.type}, torch {te.type}'


def test_error_messages_are_torch_like():
    with pytest.raises(RuntimeError, match='Expected reduction dim to be specified'):
        ember.zeros(0).max()
    with pytest.raises(IndexError, match='Expected reduction dim 0 to have non-zero size'):
        ember.zeros(0, 2).max(0)
    with pytest.raises(RuntimeError, match='could not infer output dtype.*Got: Long'):
        ember.tensor([1]).mean()
    with pytest.raises(RuntimeError, match='selected number k out of range'):
        ember.ones(3).kthvalue(5)
    with pytest.raises(IndexError, match=r'Dimension out of range \(expected to be in range of '
                                         r'\[-2, 1\], but got 2\)'):
        ember.ones(2, 2).sum(2)


def test_unique_has_no_derivative():
    for fn, what in ((lambda x: x.unique(), '_unique2'),
                     (lambda x: x.unique(dim=0), 'unique_dim'),
                     (lambda x: x.unique_consecutive(), 'unique_consecutive')):
        x = ember.tensor([[3., 1.], [3., 1.]], requires_grad=True)
        y = fn(x)
        with pytest.raises(NotImplementedError, match=f"derivative for '{what}'"):
            y.sum().backward()


# ---- named tuples -------------------------------------------------------------------------------
def _both(fn, *arrays):
    return fn(ember, *[ember.tensor(a) for a in arrays]), fn(torch, *[torch.tensor(a) for a in
                                                                     arrays])


@pytest.mark.parametrize('fn', [
    lambda L, x: x.max(0), lambda L, x: x.min(1, keepdim=True), lambda L, x: L.aminmax(x),
    lambda L, x: x.cummax(0), lambda L, x: x.cummin(1), lambda L, x: x.median(0),
    lambda L, x: x.nanmedian(1), lambda L, x: x.mode(), lambda L, x: x.kthvalue(1),
    lambda L, x: x.topk(1), lambda L, x: x.sort(), lambda L, x: L.sort(x, dim=0, stable=True),
])
def test_named_tuple_repr_and_fields(fn):
    a = np.array([[1., 3.], [3., 1.]], np.float32)
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    e, t = fn(ember, xe), fn(torch, xt)
    assert repr(e) == repr(t)
    assert str(e) == str(t)
    assert type(e).__name__ == type(t).__name__
    assert len(e) == len(t) == 2
    for f in ('values', 'indices', 'min', 'max'):
        if hasattr(t, f):
            np.testing.assert_array_equal(getattr(e, f).detach().numpy(),
                                          getattr(t, f).detach().numpy())
    if hasattr(t, 'indices'):
        assert e.indices.grad_fn is None and not e.indices.requires_grad
        assert e.indices.dtype == ember.int64
        assert e[0] is e.values and e[-1] is e.indices


def test_return_types_module_and_pickle():
    r = ember.tensor([1., 3.]).max(0)
    assert isinstance(r, ember.return_types.max)
    assert isinstance(r, tuple)
    values, indices = r
    assert values.item() == 3. and indices.item() == 1
    r2 = pickle.loads(pickle.dumps(r))
    assert type(r2) is type(r) and r2.indices.item() == 1
    assert repr(ember.return_types.max((1, 2))) == repr(torch.return_types.max((1, 2)))


# ---- grad_fn names ------------------------------------------------------------------------------
GRAD_FNS = [
    lambda L, x: x.sum(), lambda L, x: x.sum(0), lambda L, x: x.sum(()),
    lambda L, x: x.mean(), lambda L, x: x.mean(1), lambda L, x: x.nansum(0),
    lambda L, x: x.nanmean(), lambda L, x: x.prod(), lambda L, x: x.prod(0),
    lambda L, x: x.max(), lambda L, x: x.max(0)[0], lambda L, x: x.min(), lambda L, x: x.min(1)[0],
    lambda L, x: x.amax(), lambda L, x: x.amin(0), lambda L, x: L.aminmax(x)[1],
    lambda L, x: x.std(), lambda L, x: x.var(0), lambda L, x: L.std_mean(x)[0],
    lambda L, x: L.var_mean(x, 0)[1], lambda L, x: _norm(L)(x), lambda L, x: _norm(L)(x, 1, 0),
    lambda L, x: _norm(L)(x, 'nuc'), lambda L, x: x.logsumexp(0), lambda L, x: x.cumsum(0),
    lambda L, x: x.cumprod(1), lambda L, x: x.cummax(0)[0], lambda L, x: x.cummin(0)[0],
    lambda L, x: x.median(), lambda L, x: x.median(0)[0], lambda L, x: x.nanmedian(),
    lambda L, x: x.nanmedian(1)[0], lambda L, x: x.mode(0)[0], lambda L, x: x.topk(1)[0],
    lambda L, x: x.kthvalue(1)[0], lambda L, x: x.sort()[0], lambda L, x: L.sort(x, stable=True)[0],
    lambda L, x: x.msort(), lambda L, x: x.unique(), lambda L, x: x.unique(dim=0),
    lambda L, x: x.unique_consecutive(),
]


@pytest.mark.parametrize('k', range(len(GRAD_FNS)))
def test_grad_fn_names(k):
    a = np.array([[1., 3., 2.], [4., 0.5, 6.]], np.float32)
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    e, t = GRAD_FNS[k](ember, xe), GRAD_FNS[k](torch, xt)
    assert e.grad_fn.name() == t.grad_fn.name()


def test_non_differentiable_results_have_no_grad_fn():
    x = ember.tensor([[1., 3.], [2., 0.]], requires_grad=True)
    for r in (x.argmax(), x.argmin(0), x.argsort(), x.all(), x.any(0), x.count_nonzero(),
              x.unique(return_inverse=True)[1], x.sort().indices, x.topk(1).indices):
        assert r.grad_fn is None and not r.requires_grad
    assert x.sum(dtype=ember.int64).grad_fn is None


# ---- values, dtypes and gradients at special points ---------------------------------------------
CASES = [
    ('max-ties', lambda L, x: x.max(), [[3., 1., 3.], [2., 2., 0.]]),
    ('min-ties', lambda L, x: x.min(), [[0., 1., 0.], [2., 2., 0.]]),
    ('max-nan', lambda L, x: x.max(), [1., nan, 3., nan]),
    ('max-dim-ties', lambda L, x: x.max(1)[0], [[3., 1., 3.], [2., 2., 0.]]),
    ('amax-ties', lambda L, x: x.amax(1), [[3., 1., 3.], [2., 2., 0.]]),
    ('amax-nan', lambda L, x: x.amax(1), [[3., nan, 3.], [2., 2., 0.]]),
    ('aminmax-ties', lambda L, x: L.aminmax(x, dim=0)[0] * 2 + L.aminmax(x, dim=0)[1],
     [[3., 1., 3.], [3., 1., 0.]]),
    ('median-ties', lambda L, x: x.median(), [1., 2., 2., 3.]),
    ('median-nan', lambda L, x: x.median(), [1., nan, 2.]),
    ('nanmedian-allnan', lambda L, x: x.nanmedian(), [nan, nan]),
    ('nanmedian-dim-allnan', lambda L, x: x.nanmedian(1)[0], [[nan] * 5, [1., nan, 2., 3., 0.]]),
    ('median-empty', lambda L, x: x.median(), np.zeros(0)),
    ('std-single', lambda L, x: x.std(), [1.]),
    ('var-single', lambda L, x: x.var(), [1.]),
    ('var-correction-big', lambda L, x: x.var(0, correction=3), [[1., 2.], [3., 5.]]),
    ('std-constant', lambda L, x: x.std(0), [[2., 1.], [2., 3.]]),
    ('std_mean-single', lambda L, x: L.std_mean(x)[0] + L.std_mean(x)[1], [1.]),
    ('var-empty', lambda L, x: x.var(0), np.zeros((0, 2))),
    ('norm2-zero', lambda L, x: _norm(L)(x), [0., 0., 0.]),
    ('norm3-zero', lambda L, x: _norm(L)(x, 3), [0., 0., 0.]),
    ('norm1-zero-elem', lambda L, x: _norm(L)(x, 1), [0., 1., -2.]),
    ('norm0.5-zero-elem', lambda L, x: _norm(L)(x, 0.5), [1., 0., 2.]),
    ('norm-1-zero-elem', lambda L, x: _norm(L)(x, -1), [1., 0., 2.]),
    ('norm-inf-ties', lambda L, x: _norm(L)(x, -inf), [1., -1., 2.]),
    ('norm-empty', lambda L, x: _norm(L)(x), np.zeros(0)),
    ('lse-neginf', lambda L, x: x.logsumexp(0), [-inf, -inf]),
    ('lse-posinf', lambda L, x: x.logsumexp(0), [inf, 1.]),
    ('lse-empty', lambda L, x: x.logsumexp(0), np.zeros((0, 2))),
    ('cumprod-zeros', lambda L, x: x.cumprod(1), [[2., 0., 3., 0., 4.], [0., 0., 1., 2., 3.]]),
    ('prod-two-zeros', lambda L, x: x.prod(), [[2., 0., 0.]]),
    ('nanmean-allnan', lambda L, x: x.nanmean(1), [[nan, nan], [1., 2.]]),
    ('nansum-nan', lambda L, x: x.nansum(0), [[nan, 1.], [2., 3.]]),
    ('cummin-nan', lambda L, x: x.cummin(0)[0], [1., nan, 3., 0., nan]),
    ('cummax-ties', lambda L, x: x.cummax(1)[0], [[3., 1., 3.], [2., 2., 0.]]),
    ('mode-nan', lambda L, x: x.mode()[0], [1., nan, nan, 2.]),
    ('topk-nan', lambda L, x: x.topk(2)[0], [1., nan, 3.]),
    ('topk-nan-smallest', lambda L, x: x.topk(2, largest=False)[0], [1., nan, 3.]),
    ('sort-nan-desc', lambda L, x: x.sort(descending=True)[0], [3., nan, 1., 2.]),
    ('sort-neg-zero', lambda L, x: x.sort(descending=True)[0], [0., -0., 0.]),
    ('sum-f16', lambda L, x: x.half().sum().float(), np.full(3000, 0.1)),
]


@pytest.mark.parametrize('name,fn,data', CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_torch(name, fn, data):
    a = np.asarray(data, np.float64)
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        e, t = fn(ember, xe), fn(torch, xt)
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-6,
                               equal_nan=True)
    if not t.requires_grad:
        return
    w = np.random.default_rng(0).standard_normal(tuple(t.shape))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        (e * ember.tensor(w)).sum().backward()
        (t * torch.tensor(w)).sum().backward()
    if xt.grad is None:
        assert xe.grad is None or not np.any(xe.grad.numpy())
    else:
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-6, atol=1e-9,
                                   equal_nan=True, err_msg=name)


def test_degrees_of_freedom_warning():
    with pytest.warns(UserWarning, match=r'var\(\): degrees of freedom is <= 0'):
        assert math.isnan(ember.tensor([1.]).var().item())
    with pytest.warns(UserWarning, match=r'std_mean\(\): degrees of freedom'):
        ember.std_mean(ember.tensor([1.]))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ember.tensor([1., 2.]).var()
        ember.tensor([1.]).var(correction=0)


DTYPES = [
    lambda L: L.tensor([1, 2], dtype=L.int32).sum(),
    lambda L: L.tensor([True, True]).sum(),
    lambda L: L.tensor([1, 2], dtype=L.uint8).prod(),
    lambda L: L.tensor([1, 2], dtype=L.uint8).cumsum(0),
    lambda L: L.tensor([True, False]).cumprod(0),
    lambda L: L.tensor([1, 2], dtype=L.int32).sum(dtype=L.float64),
    lambda L: L.tensor([1, 2], dtype=L.int32).cumsum(0, dtype=L.float32),
    lambda L: L.tensor([1, 2], dtype=L.int32).mean(dtype=L.float64),
    lambda L: L.tensor([1, 0], dtype=L.uint8).all(),
    lambda L: L.tensor([[1, 0]], dtype=L.uint8).any(1),
    lambda L: L.tensor([1., 0.]).all(),
    lambda L: L.tensor([1, 2], dtype=L.int16).max(),
    lambda L: L.tensor([1, 2], dtype=L.int16).amax(0),
    lambda L: L.tensor([1, 2], dtype=L.int32).logsumexp(0),
    lambda L: L.tensor([1, 2], dtype=L.int32).median(),
    lambda L: L.tensor([1, 2], dtype=L.int32).nansum(),
    lambda L: L.tensor([[1, 2]]).sum(None, keepdim=True),
    lambda L: L.tensor([[1, 2]]).sum((), keepdim=True),
    lambda L: L.tensor([[1., 2.]]).std(None, keepdim=True),
    lambda L: L.tensor([[1, 2]]).argmax(keepdim=True),
    lambda L: L.tensor([[0, 2]]).count_nonzero((0, 1)),
    lambda L: L.tensor(3.).sum(0, keepdim=True),
    lambda L: L.tensor(5).unique(return_inverse=True)[1],
    lambda L: L.tensor(5).unique(return_inverse=True)[0],
    lambda L: L.tensor([2, 0]).unique(sorted=False),
    lambda L: L.tensor([[3, 1], [2, 3]]).unique(return_inverse=True)[1],
]


@pytest.mark.parametrize('k', range(len(DTYPES)))
def test_result_dtypes_and_shapes(k):
    e, t = DTYPES[k](ember), DTYPES[k](torch)
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


# ---- tie-breaking: same indices as PyTorch's CPU kernels ----------------------------------------
def test_tie_breaking_matches_torch():
    rng = np.random.default_rng(7)
    for trial in range(60):
        n = int(rng.integers(1, 80))
        a = rng.integers(0, int(rng.integers(1, 5)), size=(2, n)).astype(np.float32)
        if trial % 3 == 0:
            a[rng.random(a.shape) < 0.15] = np.nan
        k = int(rng.integers(1, n + 1))
        E, T = ember.tensor(a), torch.tensor(a)
        ops = [lambda x: x.sort(1), lambda x: x.sort(1, descending=True),
               lambda x: x.sort(dim=1, stable=True), lambda x: x.topk(k, 1),
               lambda x: x.topk(k, 1, largest=False), lambda x: x.topk(k, 1, sorted=False),
               lambda x: x.mode(1), lambda x: x.kthvalue(k, 1), lambda x: x.median(1),
               lambda x: x.nanmedian(1), lambda x: x.cummax(1), lambda x: x.cummin(1),
               lambda x: x.max(1), lambda x: x.min(1)]
        for i, op in enumerate(ops):
            e, t = op(E), op(T)
            np.testing.assert_array_equal(e.indices.numpy(), t.indices.numpy(),
                                          err_msg=f'op {i} on {a.tolist()}')
            np.testing.assert_array_equal(e.values.numpy(), t.values.numpy())
        assert E.argmax().item() == T.argmax().item()
        np.testing.assert_array_equal(E.argsort(1).numpy(), T.argsort(1).numpy())


def test_max_dim_gradient_goes_to_chosen_index():
    a = [[3., 1., 3.], [2., 2., 0.]]
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    xe.max(1).values.sum().backward()
    xt.max(1).values.sum().backward()
    np.testing.assert_array_equal(xe.grad.numpy(), xt.grad.numpy())


# ---- out=, methods, aliases --------------------------------------------------------------------
def test_out_arguments():
    o = ember.empty(2)
    r = ember.sum(ember.ones(2, 3), 1, out=o)
    assert r is o and o.tolist() == [3., 3.]
    v, i = ember.empty(2), ember.empty(2, dtype=ember.int64)
    r = ember.max(ember.tensor([[1., 4.], [3., 2.]]), 1, out=(v, i))
    assert r.values is v and v.tolist() == [4., 3.] and i.tolist() == [1, 0]


def test_methods_attached():
    x = ember.tensor([[1., 2.], [3., 4.]])
    for mod in (reduction, minmax, statistics, cumulative, sorting):
        for name in mod.__all__:
            assert callable(getattr(x, name)), name
    assert x.max(x * 0 + 2.5).tolist() == [[2.5, 2.5], [3., 4.]]
    assert ember.min(x, other=x * 0 + 2.5).tolist() == [[1., 2.], [2.5, 2.5]]


def test_nuclear_norm_first_order():
    a = np.random.default_rng(0).standard_normal((3, 4))
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ember.norm(xe, 'nuc').backward()
    assert xe.norm('nuc').grad_fn.name() == 'SumBackward1'
    xe.grad = None
    xe.norm(p='nuc').backward()
    torch.norm(xt, 'nuc').backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('n', [4, 5, 7, 8, 9, 31, 100, 511, 512, 513, 640, 4097, 32767])
def test_full_sum_and_mean_are_bit_identical_to_torch(n, dtype):
    """Losses are means: they print the same digits only if the summation order is
    PyTorch's (NumPy's pairwise order differs in the last bit for most inputs)."""
    rng = np.random.default_rng(n)
    for _ in range(5):
        x = rng.standard_normal(n).astype(dtype)
        for shape in ((n,), (1, n)):
            e, t = ember.tensor(x.reshape(shape)), torch.tensor(x.reshape(shape))
            assert e.sum().item() == t.sum().item()
            assert e.mean().item() == t.mean().item()
    m = rng.standard_normal((8, 64)).astype(dtype)
    assert ember.tensor(m).t().sum().item() == torch.tensor(m).t().sum().item()
