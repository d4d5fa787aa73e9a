"""``ember.nn.utils.parametrizations`` (weight_norm, spectral_norm, orthogonal) against
``torch.nn.utils.parametrizations``: repr, state_dict keys and values, forward, gradients of the
originals, buffers after power iteration, assignment through ``right_inverse``, errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')

import ember.nn.utils.parametrizations as EP  # noqa: E402
import torch.nn.utils.parametrizations as TP  # noqa: E402
from ember.nn.utils import parametrize as eparam  # noqa: E402
from ember.nn.utils.parametrizations import _householder_product, _matrix_exp  # noqa: E402

P = {torch: TP, ember: EP}


def _np(t):
    return t.detach().numpy()


def _batched(nn, shape, dtype):
    class Batched(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch_or_ember(nn).randn(*shape, dtype=dtype))

        def forward(self, x):
            return x @ self.weight
    return Batched()


def torch_or_ember(nn):
    return torch if nn is torch.nn else ember


def _dt(lib, dtype):
    return getattr(lib, dtype)


def _build(lib, fn, make, dtype, kw, seed=0):
    lib.manual_seed(seed)
    m = make(lib.nn, _dt(lib, dtype))
    return getattr(P[lib], fn)(m, **kw)


def _close(a, b, dtype, what, scale=1.0):
    tol = (2e-5 if dtype == 'float32' else 1e-10) * scale
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=what)


def _check_state(t, e, dtype):
    ts, es = t.state_dict(), e.state_dict()
    assert list(es) == list(ts)
    for k in ts:
        _close(_np(es[k]), _np(ts[k]), dtype, k)


def _check_pair(t, e, x, dtype):
    """Same repr and state; then forward/backward in train and eval mode."""
    assert repr(e) == repr(t)
    _check_state(t, e, dtype)
    for mode in (True, False):
        t.train(mode)
        e.train(mode)
        yt = t(torch.tensor(x))
        ye = e(ember.tensor(x))
        _close(_np(ye), _np(yt), dtype, f'forward train={mode}')
        yt.square().sum().backward()
        ye.square().sum().backward()
        for (nt, pt), (ne, pe) in zip(t.named_parameters(), e.named_parameters()):
            assert ne == nt
            _close(pe.grad.numpy(), pt.grad.numpy(), dtype, f'grad {nt} train={mode}', 10)
        _check_state(t, e, dtype)


LIN = lambda i, o: (lambda nn, dt: nn.Linear(i, o, dtype=dt))  # noqa: E731

CASES = [
    ('weight_norm', LIN(4, 3), (2, 4), {}),
    ('weight_norm', LIN(4, 3), (2, 4), {'dim': None}),
    ('weight_norm', LIN(4, 3), (2, 4), {'dim': 1}),
    ('weight_norm', lambda nn, dt: nn.Conv2d(2, 3, 3, dtype=dt), (2, 2, 5, 5), {}),
    ('weight_norm', LIN(4, 3), (2, 4), {'name': 'bias'}),
    ('spectral_norm', LIN(4, 3), (2, 4), {}),
    ('spectral_norm', LIN(4, 3), (2, 4), {'n_power_iterations': 3, 'eps': 1e-6}),
    ('spectral_norm', LIN(4, 3), (2, 4), {'dim': -1}),
    ('spectral_norm', LIN(4, 3), (2, 4), {'name': 'bias'}),
    ('spectral_norm', lambda nn, dt: nn.Conv2d(2, 3, 3, dtype=dt), (2, 2, 5, 5), {}),
    ('spectral_norm', lambda nn, dt: nn.ConvTranspose2d(2, 3, 3, dtype=dt), (2, 2, 4, 4), {}),
    ('orthogonal', LIN(4, 4), (2, 4), {}),
    ('orthogonal', LIN(4, 4), (2, 4), {'orthogonal_map': 'cayley'}),
    ('orthogonal', LIN(4, 4), (2, 4), {'orthogonal_map': 'householder'}),
    ('orthogonal', LIN(4, 6), (2, 4), {}),
    ('orthogonal', LIN(6, 4), (2, 6), {'orthogonal_map': 'matrix_exp'}),
    ('orthogonal', LIN(4, 6), (2, 4), {'orthogonal_map': 'cayley'}),
    ('orthogonal', LIN(4, 6), (2, 4), {'use_trivialization': False}),
    ('orthogonal', LIN(6, 4), (2, 6), {'use_trivialization': False}),
    ('orthogonal', LIN(4, 4), (2, 4), {'orthogonal_map': 'matrix_exp',
                                       'use_trivialization': False}),
    ('orthogonal', LIN(4, 4), (2, 4), {'orthogonal_map': 'cayley', 'use_trivialization': False}),
    ('orthogonal', lambda nn, dt: _batched(nn, (2, 3, 5), dt), (2, 4, 3), {}),
    ('orthogonal', lambda nn, dt: _batched(nn, (2, 4, 4), dt), (2, 2, 4), {}),
    ('orthogonal', lambda nn, dt: _batched(nn, (2, 3, 5), dt), (2, 4, 3),
     {'orthogonal_map': 'cayley'}),
]


def _id(case):
    fn, _, _, kw = case
    return fn + ''.join(f'-{k}={v}' for k, v in kw.items())


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('case', CASES, ids=[_id(c) for c in CASES])
def test_matches_torch(case, dtype):
    fn, make, xshape, kw = case
    t = _build(torch, fn, make, dtype, kw)
    e = _build(ember, fn, make, dtype, kw)
    x = np.random.RandomState(1).randn(*xshape).astype(dtype)
    _check_pair(t, e, x, dtype)


@pytest.mark.parametrize('case', [c for c in CASES if c[0] != 'weight_norm'][:12],
                         ids=[_id(c) for c in CASES if c[0] != 'weight_norm'][:12])
def test_sgd_steps_match_torch(case):
    """A few plain SGD steps move the originals away from their start (non-zero skew matrices,
    new power-iteration vectors); every step agrees with torch."""
    fn, make, xshape, kw = case
    dtype = 'float64'
    t = _build(torch, fn, make, dtype, kw)
    e = _build(ember, fn, make, dtype, kw)
    x = np.random.RandomState(2).randn(*xshape)
    for _ in range(3):
        for lib, m in ((torch, t), (ember, e)):
            m.zero_grad()
            m(lib.tensor(x)).square().sum().backward()
            with lib.no_grad():
                for p in m.parameters():
                    p -= 0.05 * p.grad
    _check_state(t, e, dtype)
    _close(_np(e.weight), _np(t.weight), dtype, 'weight')


def test_state_dict_keys_and_repr():
    torch.manual_seed(0)
    ember.manual_seed(0)
    e = EP.spectral_norm(ember.nn.Linear(3, 2))
    assert list(e.state_dict()) == ['bias', 'parametrizations.weight.original',
                                    'parametrizations.weight.0._u',
                                    'parametrizations.weight.0._v']
    e = EP.weight_norm(ember.nn.Linear(3, 2))
    assert list(e.state_dict()) == ['bias', 'parametrizations.weight.original0',
                                    'parametrizations.weight.original1']
    assert repr(e) == ('ParametrizedLinear(\n  in_features=3, out_features=2, bias=True\n'
                       '  (parametrizations): ModuleDict(\n    (weight): ParametrizationList(\n'
                       '      (0): _WeightNorm()\n    )\n  )\n)')
    e = EP.orthogonal(ember.nn.Linear(3, 3))
    assert 'parametrizations.weight.0.base' in e.state_dict()
    assert type(e).__name__ == 'ParametrizedLinear'


def test_spectral_norm_eval_keeps_buffers():
    ember.manual_seed(0)
    e = EP.spectral_norm(ember.nn.Linear(4, 3)).eval()
    u = e.parametrizations.weight[0]._u.clone()
    e(ember.ones(1, 4))
    assert ember.equal(u, e.parametrizations.weight[0]._u)
    e.train()
    e(ember.ones(1, 4))
    assert not ember.equal(u, e.parametrizations.weight[0]._u)


def test_spectral_norm_two_forwards_backward():
    """u and v are cloned before use, so backward through two training forwards works."""
    ember.manual_seed(0)
    e = EP.spectral_norm(ember.nn.Linear(4, 3))
    x = ember.ones(2, 4)
    (e(x).sum() - e(2 * x).sum()).backward()
    assert e.parametrizations.weight.original.grad is not None


@pytest.mark.parametrize('kw,value', [
    ({}, 'nonorth'), ({}, 'orth'), ({'orthogonal_map': 'cayley'}, 'nonorth'),
    ({'orthogonal_map': 'householder', 'use_trivialization': False}, 'nonorth'),
])
def test_orthogonal_assignment(kw, value):
    rs = np.random.RandomState(3)
    a = rs.randn(4, 4)
    if value == 'orth':
        a = np.linalg.qr(a)[0]
    mods = {}
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = P[lib].orthogonal(lib.nn.Linear(4, 4, dtype=lib.float64), **kw)
        m.weight = lib.tensor(a)
        mods[lib] = m
    _check_state(mods[torch], mods[ember], 'float64')
    _close(_np(mods[ember].weight), _np(mods[torch].weight), 'float64', 'weight')


def test_orthogonal_assignment_wide_uses_randn():
    mods = {}
    a = np.random.RandomState(4).randn(3, 5)
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = P[lib].orthogonal(lib.nn.Linear(5, 3, dtype=lib.float64))
        lib.manual_seed(1)
        m.weight = lib.tensor(a)
        mods[lib] = m
    _check_state(mods[torch], mods[ember], 'float64')


def test_weight_norm_and_spectral_norm_assignment():
    a = np.random.RandomState(5).randn(3, 4).astype('float32')
    for fn in ('weight_norm', 'spectral_norm'):
        mods = {}
        for lib in (torch, ember):
            lib.manual_seed(0)
            m = getattr(P[lib], fn)(lib.nn.Linear(4, 3))
            m.weight = lib.tensor(a)
            mods[lib] = m
        _check_state(mods[torch], mods[ember], 'float32')


def test_weight_norm_loads_old_state_dict():
    """State dicts of the hook-based ``weight_norm`` (``weight_g``/``weight_v``) still load."""
    ember.manual_seed(0)
    old = ember.nn.Linear(3, 2)
    old.register_parameter('weight_g', ember.nn.Parameter(ember.ones(2, 1) * 2))
    old.register_parameter('weight_v', ember.nn.Parameter(ember.randn(2, 3)))
    sd = {'bias': old.bias, 'weight_g': old.weight_g, 'weight_v': old.weight_v}
    m = EP.weight_norm(ember.nn.Linear(3, 2))
    m.load_state_dict(sd)
    assert ember.equal(m.parametrizations.weight.original0, old.weight_g)
    row_norms = ember.linalg.vector_norm(m.weight, dim=1)
    assert ember.allclose(row_norms, ember.full((2,), 2.0))


@pytest.mark.parametrize('fn', ['weight_norm', 'spectral_norm', 'orthogonal'])
def test_remove_parametrizations(fn):
    ember.manual_seed(0)
    m = getattr(EP, fn)(ember.nn.Linear(3, 3)).eval()
    w = m.weight.detach().clone()
    eparam.remove_parametrizations(m, 'weight')
    assert type(m).__name__ == 'Linear'
    assert ember.allclose(m.weight, w)


@pytest.mark.parametrize('scale', [1e-3, 0.2, 0.9, 2.0, 4.0, 8.0])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_matrix_exp_helper(scale, dtype):
    rs = np.random.RandomState(int(scale * 1000))
    a = (rs.randn(2, 4, 4) * scale).astype(dtype)
    g = rs.randn(2, 4, 4).astype(dtype)
    ta = torch.tensor(a, requires_grad=True)
    ea = ember.tensor(a, requires_grad=True)
    yt, ye = torch.matrix_exp(ta), _matrix_exp(ea)
    yt.backward(torch.tensor(g))
    ye.backward(ember.tensor(g))
    big = max(1.0, float(np.abs(_np(yt)).max()))
    _close(_np(ye) / big, _np(yt) / big, dtype, 'matrix_exp', 5)
    gbig = max(1.0, float(np.abs(ta.grad.numpy()).max()))
    _close(ea.grad.numpy() / gbig, ta.grad.numpy() / gbig, dtype, 'matrix_exp grad', 20)


@pytest.mark.parametrize('shape', [(5, 3), (4, 4), (2, 6, 2)])
def test_householder_product_helper(shape):
    rs = np.random.RandomState(0)
    a, tau, g = rs.randn(*shape), rs.rand(*shape[:-2], shape[-1]) * 2, rs.randn(*shape)
    ta, tt = torch.tensor(a, requires_grad=True), torch.tensor(tau, requires_grad=True)
    ea, et = ember.tensor(a, requires_grad=True), ember.tensor(tau, requires_grad=True)
    yt = torch.linalg.householder_product(ta, tt)
    ye = _householder_product(ea, et)
    yt.backward(torch.tensor(g))
    ye.backward(ember.tensor(g))
    _close(_np(ye), _np(yt), 'float64', 'householder_product')
    _close(ea.grad.numpy(), ta.grad.numpy(), 'float64', 'grad A')
    _close(et.grad.numpy(), tt.grad.numpy(), 'float64', 'grad tau')


def test_second_order_gradients():
    x = ember.tensor(np.random.RandomState(0).randn(3, 3), requires_grad=True)
    assert ember.autograd.gradgradcheck(_matrix_exp, (x,))
    tau = ember.tensor([0.5, 1.5], dtype=ember.float64, requires_grad=True)
    a = ember.tensor(np.random.RandomState(1).randn(3, 2), requires_grad=True)
    assert ember.autograd.gradgradcheck(_householder_product, (a, tau))


# ------------------------------------------------------------------ errors
def _raises_like(call):
    with pytest.raises(Exception) as te:
        call(torch)
    with pytest.raises(type(te.value)) as ee:
        call(ember)
    first = str(te.value).split('. ')[0].split('\n')[0]
    assert str(ee.value).startswith(first), (str(ee.value), str(te.value))


@pytest.mark.parametrize('name,call', [
    ('orthogonal-1d', lambda L: P[L].orthogonal(L.nn.Linear(3, 3), 'bias')),
    ('orthogonal-map', lambda L: P[L].orthogonal(L.nn.Linear(3, 3), orthogonal_map='qr')),
    ('orthogonal-missing', lambda L: P[L].orthogonal(L.nn.Linear(3, 3), 'foo')),
    ('orthogonal-assign-shape',
     lambda L: setattr(P[L].orthogonal(L.nn.Linear(3, 3)), 'weight', L.eye(2))),
    ('orthogonal-assign-expm-no-trivialization',
     lambda L: setattr(P[L].orthogonal(L.nn.Linear(3, 3), use_trivialization=False),
                       'weight', L.eye(3))),
    ('spectral-missing', lambda L: P[L].spectral_norm(L.nn.Linear(3, 3), 'foo')),
    ('spectral-dim', lambda L: P[L].spectral_norm(L.nn.Linear(3, 3), dim=2)),
    ('spectral-iters', lambda L: P[L].spectral_norm(L.nn.Linear(3, 3), n_power_iterations=0)),
    ('weight-norm-missing', lambda L: P[L].weight_norm(L.nn.Linear(3, 3), 'foo')),
])
def test_errors_match_torch(name, call):
    _raises_like(call)
