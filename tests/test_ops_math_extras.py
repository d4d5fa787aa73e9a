"""Statistics, integer/float-bit math, windows, index generation, in-place and *_copy
aliases beyond the oracle table: errors, out=, integer dtypes, NaN handling and return types,
all against torch 2.13."""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402

nan, inf = float('nan'), float('inf')


def _run(lib, fn):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return fn(lib)


def _same(fn):
    """``fn(torch)`` and ``fn(ember)`` agree: same values, dtype and shape (tensors or tuples
    of tensors), or the same exception type."""
    try:
        expected = _run(torch, fn)
    except Exception as exc:                            # noqa: BLE001 - compare the type
        with pytest.raises(type(exc)):
            _run(ember, fn)
        return
    got = _run(ember, fn)
    exp_list = list(expected) if isinstance(expected, (tuple, list)) else [expected]
    got_list = list(got) if isinstance(got, (tuple, list)) else [got]
    assert len(exp_list) == len(got_list)
    for e, g in zip(exp_list, got_list):
        if not isinstance(e, torch.Tensor):
            assert e == g or (e != e and g != g)
            continue
        assert str(g.dtype) == str(e.dtype)
        assert tuple(g.shape) == tuple(e.shape)
        np.testing.assert_allclose(g.detach().numpy().astype(np.float64),
                                   e.detach().numpy().astype(np.float64),
                                   rtol=1e-6, atol=1e-7, equal_nan=True)


def T(lib, *args, **kw):
    return lib.tensor(*args, **kw)


X = [[1., nan, 3., 0.5], [2., 4., -1., 7.], [nan, nan, nan, nan]]

# ---- family 1: statistics -------------------------------------------------------------------
STATISTICS = {
    'quantile-int': lambda L: L.quantile(T(L, [1, 2]), 0.5),
    'quantile-q-dtype': lambda L: L.quantile(T(L, [1., 2.]), T(L, [0.5], dtype=L.float64)),
    'quantile-q-range': lambda L: L.quantile(T(L, [1., 2.]), 1.5),
    'quantile-q-tensor-range': lambda L: L.quantile(T(L, [1., 2.]), T(L, [0.5, -0.1])),
    'quantile-q-2d': lambda L: L.quantile(T(L, [1., 2.]), T(L, [[0.5]])),
    'quantile-mode': lambda L: L.quantile(T(L, [1., 2.]), 0.5, interpolation='foo'),
    'quantile-empty': lambda L: L.quantile(L.zeros(0), 0.5),
    'quantile-empty-dim': lambda L: L.quantile(L.zeros(2, 0), 0.5, dim=0),
    'quantile-nan': lambda L: L.quantile(T(L, X), T(L, [0.2, 0.7]), dim=1),
    'nanquantile-nan': lambda L: L.nanquantile(T(L, X), T(L, [0.2, 0.7]), dim=1),
    'nanquantile-nan-all': lambda L: L.nanquantile(T(L, X), 0.4),
    'nanquantile-method': lambda L: T(L, X).nanquantile(0.5, dim=0, interpolation='nearest'),
    'quantile-out': lambda L: L.quantile(T(L, [3., 1., 2.]), T(L, [0.5, 1.]),
                                         out=L.empty(2)),
    'diff-0d': lambda L: L.diff(T(L, 1.)),
    'diff-negative-n': lambda L: L.diff(T(L, [1, 2]), n=-1),
    'diff-bool': lambda L: L.diff(T(L, [True, False, False, True]), n=2),
    'diff-uint8-wraps': lambda L: L.diff(T(L, [5, 2, 4], dtype=L.uint8)),
    'diff-promotes-prepend': lambda L: L.diff(T(L, [1, 2, 4]), prepend=T(L, [0.5])),
    'diff-ndim-mismatch': lambda L: L.diff(T(L, [[1, 2]]), prepend=T(L, [1])),
    'diff-number-append': lambda L: L.diff(T(L, [1, 2]), append=3),
    'diff-out': lambda L: L.diff(T(L, [1, 3, 6]), out=L.empty(2, dtype=L.int64)),
    'trapezoid-int': lambda L: L.trapezoid(T(L, [1, 2, 4])),
    'trapezoid-int-empty': lambda L: L.trapezoid(L.zeros(3, 0, dtype=L.int32)),
    'trapezoid-0d': lambda L: L.trapezoid(T(L, 3.)),
    'trapezoid-bool': lambda L: L.trapezoid(T(L, [True, False])),
    'trapezoid-x-length': lambda L: L.trapezoid(T(L, [1., 2.]), T(L, [1., 2., 3.])),
    'trapezoid-int-x': lambda L: L.trapezoid(T(L, [1., 2., 3.]), T(L, [1, 2, 5])),
    'trapz-dx': lambda L: L.trapz(T(L, [[1., 2., 4.]]), dx=0.5),
    'cumulative-trapezoid-int': lambda L: L.cumulative_trapezoid(T(L, [1, 2, 4]), dx=2),
    'cumulative-trapezoid-empty': lambda L: L.cumulative_trapezoid(L.zeros(3, 0)),
    'cov-int': lambda L: L.cov(T(L, [[1, 2, 4], [0, 1, 1]])),
    'cov-3d': lambda L: L.cov(L.ones(2, 2, 2)),
    'cov-bool': lambda L: L.cov(T(L, [True, False])),
    'cov-fweights-float': lambda L: L.cov(L.ones(2, 3), fweights=T(L, [1., 2., 1.])),
    'cov-fweights-negative': lambda L: L.cov(L.ones(2, 3), fweights=T(L, [1, -2, 1])),
    'cov-aweights-int': lambda L: L.cov(L.ones(2, 3), aweights=T(L, [1, 2, 1])),
    'cov-aweights-negative': lambda L: L.cov(L.ones(2, 3), aweights=T(L, [1., -2., 1.])),
    'cov-aweights-numel': lambda L: L.cov(L.ones(2, 3), aweights=T(L, [1., 2.])),
    'cov-weights-zero': lambda L: L.cov(L.ones(2, 3), aweights=T(L, [0., 0., 0.])),
    'cov-one-observation': lambda L: L.cov(L.ones(2, 1)),
    'cov-method': lambda L: T(L, [[1., 2., 4.], [0., -1., 1.]]).cov(correction=0),
    'corrcoef-int': lambda L: L.corrcoef(T(L, [[1, 2, 4], [0, 1, 1]])),
    'corrcoef-constant-row': lambda L: L.corrcoef(T(L, [[1., 2., 4.], [3., 3., 3.]])),
    'corrcoef-1d': lambda L: L.corrcoef(T(L, [1., 2., 4.])),
    'histogram-int': lambda L: L.histogram(T(L, [1, 2]), 3),
    'histogram-bins-0': lambda L: L.histogram(T(L, [1., 2.]), 0),
    'histogram-range-order': lambda L: L.histogram(T(L, [1., 2.]), 3, range=(3., 1.)),
    'histogram-bins-dtype': lambda L: L.histogram(T(L, [1., 2.]), T(L, [0, 1, 2])),
    'histogram-weight-shape': lambda L: L.histogram(T(L, [1., 2.]), 3, weight=T(L, [1.])),
    'histogram-nan-range': lambda L: L.histogram(T(L, [1., nan]), 3),
    'histogram-nan-ignored': lambda L: L.histogram(T(L, [1., nan, inf]), 3, range=(0., 2.)),
    'histogram-constant': lambda L: L.histogram(T(L, [2., 2.]), 3),
    'histogram-empty': lambda L: L.histogram(L.zeros(0), 3),
    'histogram-method-2d': lambda L: T(L, [[1., 5.], [2., 2.5]]).histogram(3, density=True),
    'histogram-out': lambda L: L.histogram(T(L, [1., 5., 2.]), 2, out=(L.empty(0), L.empty(0))),
    'dist-int': lambda L: L.dist(T(L, [1, 2]), T(L, [1, 3])),
    'dist-promotes': lambda L: L.dist(T(L, [1., 2.]), T(L, [1., 3.], dtype=L.float64)),
    'dist-bcast-error': lambda L: L.dist(L.ones(2), L.ones(3)),
    'dist-p0': lambda L: T(L, [1., 2., 3.]).dist(T(L, [1., 0., 0.]), 0),
    'renorm-int': lambda L: L.renorm(T(L, [[1, 2], [3, 4]]), 2, 0, 1),
    'renorm-p': lambda L: L.renorm(T(L, [[1., 2.], [3., 4.]]), -1, 0, 3),
    'renorm-maxnorm': lambda L: L.renorm(T(L, [[1., 2.], [3., 4.]]), 2, 0, -3),
    'renorm-1d': lambda L: L.renorm(T(L, [1., 2.]), 2, 0, 3),
    'renorm-inplace': lambda L: T(L, [[1., 2.], [3., 4.]]).renorm_(2, 1, 3),
    'logcumsumexp-int': lambda L: L.logcumsumexp(T(L, [1, 2]), 0),
    'logcumsumexp-extremes': lambda L: L.logcumsumexp(T(L, [-1000., 0., -inf, 3., inf, nan]), 0),
    'logcumsumexp-0d': lambda L: L.logcumsumexp(T(L, 2.), 0),
    'logcumsumexp-out': lambda L: L.logcumsumexp(T(L, [1., 2.]), 0, out=L.empty(2)),
    'isin-bool': lambda L: L.isin(T(L, [True, False]), T(L, [1, 5])),
    'isin-numbers': lambda L: L.isin(1, 2),
    'isin-promotes': lambda L: L.isin(T(L, [1, 2, 3]), T(L, [2., 5.5])),
    'isin-nan': lambda L: L.isin(T(L, [1., nan]), T(L, [nan, 1.]), invert=True),
    'isin-scalar-element': lambda L: L.isin(2, T(L, [2, 5])),
}


@pytest.mark.parametrize('name', STATISTICS)
def test_statistics_match_torch(name):
    _same(STATISTICS[name])


def test_histogram_return_type():
    r = ember.histogram(ember.tensor([1., 2., 1.]), 2)
    assert isinstance(r, ember.return_types.histogram)
    assert r.hist is r[0] and r.bin_edges is r[1]
    assert repr(r) == repr(torch.histogram(torch.tensor([1., 2., 1.]), 2))


def test_quantile_grad_reaches_q():
    grads = []
    for lib in (torch, ember):
        x = lib.tensor([3., 1., 4., 1.5, 9.], requires_grad=True)
        q = lib.tensor([0.3, 0.8], requires_grad=True)
        lib.quantile(x, q).sum().backward()
        grads.append((x.grad.numpy(), q.grad.numpy()))
    np.testing.assert_allclose(grads[1][0], grads[0][0], rtol=1e-6)
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-6)


def test_cov_warns_on_no_degrees_of_freedom():
    with pytest.warns(UserWarning, match='degrees of freedom'):
        ember.cov(ember.ones(2, 1))


# ---- family 2: elementwise extras ----------------------------------------------------------
ELEMENTWISE = {
    'signbit-float': lambda L: L.signbit(T(L, [-0., 0., -1., nan, -nan, -inf])),
    'signbit-int': lambda L: L.signbit(T(L, [-1, 0, 2])),
    'signbit-bool': lambda L: T(L, [True, False]).signbit(),
    'signbit-out': lambda L: L.signbit(T(L, [-1., 2.]), out=L.empty(2, dtype=L.bool)),
    'deg2rad-int': lambda L: L.deg2rad(T(L, [180, 90])),
    'deg2rad-bool': lambda L: L.deg2rad(T(L, [True])),
    'deg2rad-inplace-int': lambda L: T(L, [180]).deg2rad_(),
    'rad2deg-float64': lambda L: T(L, [1.5, -3.], dtype=L.float64).rad2deg(),
    'rad2deg-inplace': lambda L: L.rad2deg_(T(L, [1.5, -3.])),
    'frexp-int': lambda L: L.frexp(T(L, [8])),
    'frexp-special': lambda L: tuple(L.frexp(T(L, [8., 0.3, 0., -5., inf, nan]))),
    'frexp-method': lambda L: tuple(T(L, [1e-30, 3e30], dtype=L.float64).frexp()),
    'ldexp-int': lambda L: L.ldexp(T(L, [1, 2]), T(L, [3, -4])),
    'ldexp-number': lambda L: L.ldexp(T(L, [1., 2.]), 3),
    'ldexp-0d-float64': lambda L: L.ldexp(T(L, 2., dtype=L.float64), T(L, [1, 2])),
    'ldexp-inplace-int': lambda L: T(L, [1, 2]).ldexp_(T(L, [3, 4])),
    'gcd-float': lambda L: L.gcd(T(L, [12.]), T(L, [8.])),
    'gcd-bool': lambda L: L.gcd(T(L, [True]), T(L, [True])),
    'gcd-number': lambda L: L.gcd(T(L, [12]), 8),
    'gcd-promotes': lambda L: L.gcd(T(L, [12], dtype=L.int32), T(L, [8])),
    'gcd-shapes': lambda L: L.gcd(T(L, [1, 2]), T(L, [1, 2, 3])),
    'lcm-negative-int8': lambda L: L.lcm(T(L, [-12], dtype=L.int8), T(L, [8], dtype=L.int8)),
    'lcm-uint8': lambda L: L.lcm(T(L, [12], dtype=L.uint8), T(L, [8], dtype=L.uint8)),
    'lcm-inplace': lambda L: T(L, [12, 9]).lcm_(T(L, [8, 6])),
    'gcd-out': lambda L: L.gcd(T(L, [12, 9]), T(L, [8, 6]), out=L.empty(2, dtype=L.int64)),
    'nextafter-step': lambda L: L.nextafter(T(L, [1., 2.]), T(L, [2., 1.])) - T(L, [1., 2.]),
    'nextafter-promotes': lambda L: L.nextafter(T(L, [1., 2.]), T(L, [2., 1.], dtype=L.float64)),
    'nextafter-int': lambda L: L.nextafter(T(L, [1, 2]), T(L, [2, 1])),
    'nextafter-number': lambda L: L.nextafter(T(L, [1., 2.]), 3.),
    'nextafter-inplace': lambda L: T(L, [1., 2.]).nextafter_(T(L, [2., 1.])) - 1,
}


@pytest.mark.parametrize('name', ELEMENTWISE)
def test_elementwise_extras_match_torch(name):
    _same(ELEMENTWISE[name])


def test_frexp_return_type_and_grad():
    r = ember.frexp(ember.tensor([8., -3.], requires_grad=True))
    assert isinstance(r, ember.return_types.frexp)
    assert r.exponent.dtype == ember.int32 and not r.exponent.requires_grad
    assert repr(r).startswith('torch.return_types.frexp(')


def test_nextafter_has_no_derivative():
    x = ember.tensor([1., 2.], requires_grad=True)
    y = ember.nextafter(x, ember.tensor([2., 1.]))
    assert y.requires_grad
    with pytest.raises(RuntimeError, match='not implemented'):
        y.sum().backward()


# ---- family 4: in-place forms, copies, small API -------------------------------------------
API = {
    'exp_-number': lambda L: L.exp_(1.),
    'exp_-returns-self': lambda L: L.exp_(T(L, [0., 1.])),
    'clamp_-int': lambda L: L.clamp_(T(L, [1, 5, 9]), 2, 6),
    'sqrt_-int': lambda L: L.sqrt_(T(L, [4, 9])),
    'fill-int-float-value': lambda L: L.fill(T(L, [1, 2]), 2.7),
    'fill-tensor-value': lambda L: L.fill(T(L, [1., 2.]), T(L, 2.5, dtype=L.float64)),
    'is_signed-uint8': lambda L: L.is_signed(T(L, [1], dtype=L.uint8)),
    'is_signed-int': lambda L: L.is_signed(T(L, [1])),
    'is_complex-number': lambda L: L.is_complex(1.),
    'cumsum_': lambda L: T(L, [[1., 2.], [3., 4.]]).cumsum_(1),
    'cumsum_-int': lambda L: T(L, [1, 2, 3], dtype=L.int32).cumsum_(0),
    'cumprod_': lambda L: T(L, [[1, 2], [3, 4]]).cumprod_(0),
    'slice_copy-default': lambda L: L.slice_copy(L.arange(10.)),
    'slice_copy-step': lambda L: L.slice_copy(L.arange(10), 0, 2, 8, 3),
    'split_copy': lambda L: L.split_copy(L.arange(5), 2),
    'unbind_copy': lambda L: L.unbind_copy(L.arange(6).reshape(2, 3), 1),
    'view_copy-dtype': lambda L: L.view_copy(L.arange(4.), L.int32),
    'view_copy-bad-shape': lambda L: L.view_copy(L.arange(4.), (3, 2)),
    'permute_copy-out': lambda L: L.permute_copy(L.arange(6).reshape(2, 3), (1, 0),
                                                 out=L.empty(3, 2, dtype=L.int64)),
    'expand_copy-bad': lambda L: L.expand_copy(L.ones(2, 3), (4, 3)),
}


@pytest.mark.parametrize('name', API)
def test_api_completions_match_torch(name):
    _same(API[name])


def test_copy_variants_own_their_memory():
    base = ember.arange(6.).reshape(2, 3)
    for copy in (ember.t_copy(base), ember.select_copy(base, 0, 1),
                 ember.alias_copy(base), ember.expand_copy(base[:1], (2, 3))):
        copy.zero_()
    assert base.tolist() == [[0., 1., 2.], [3., 4., 5.]]


def test_inplace_function_is_the_tensor_method():
    t = ember.tensor([0.25, 4.])
    assert ember.sqrt_(t) is t and t.tolist() == [0.5, 2.]
    assert ember.is_complex(t) is False


# ---- family 3: windows and index generation -------------------------------------------------
CREATION = {
    'hann-int-dtype': lambda L: L.hann_window(4, dtype=L.int64),
    'hamming-negative': lambda L: L.hamming_window(-1),
    'kaiser-default-dtype': lambda L: L.kaiser_window(6),
    'tril_indices-float': lambda L: L.tril_indices(3, 3, dtype=L.float32),
    'triu_indices-negative': lambda L: L.triu_indices(-1, 3),
    'unravel_index-wraps': lambda L: L.unravel_index(T(L, [8, -1]), (2, 4)),
    'unravel_index-float': lambda L: L.unravel_index(T(L, [1.]), (2, 4)),
    'unravel_index-negative-shape': lambda L: L.unravel_index(T(L, [1]), (2, -4)),
    'vander-2d': lambda L: L.vander(T(L, [[1.]])),
    'vander-int32': lambda L: L.vander(T(L, [1, 2], dtype=L.int32)),
    'vander-bool': lambda L: L.vander(T(L, [True, False]), N=3, increasing=True),
}


@pytest.mark.parametrize('name', CREATION)
def test_creation_extras_match_torch(name):
    _same(CREATION[name])
