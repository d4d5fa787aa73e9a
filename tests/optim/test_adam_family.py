"""Adam, AdamW, Adamax, NAdam and RAdam against torch 2.13.

Every option combination in float64 and float32 (50 steps on the harness MLP), closures,
Tensor hyper-parameters, parameter groups, state_dict layout and resumption (from ember's own
dict and from PyTorch's), PyTorch's errors for bad hyper-parameters, and the update paths
that only big parameters take (NumPy's BLAS, several threads) for these optimizers and SGD.
"""
import copy
import itertools

import numpy as np
import pytest

from .harness import RTOL, assert_same_trajectory, assert_state_equal, close, data, model, \
    to_np

torch = pytest.importorskip('torch')
import ember  # noqa: E402
from ember.optim import _adam_common  # noqa: E402

NAMES = ['Adam', 'AdamW', 'Adamax', 'NAdam', 'RAdam']


def _ids(options):
    return '-'.join(f'{k}={v}' for k, v in options.items()) or 'defaults'


COMBOS = (
    [('Adam', dict(amsgrad=a, weight_decay=w, maximize=m, decoupled_weight_decay=d))
     for a, w, m, d in itertools.product((False, True), (0, 0.1), (False, True), (False, True))]
    + [('AdamW', dict(amsgrad=a, weight_decay=w, maximize=m))
       for a, w, m in itertools.product((False, True), (0.01, 0.1), (False, True))]
    + [('Adamax', dict(weight_decay=w, maximize=m))
       for w, m in itertools.product((0, 0.1), (False, True))]
    + [('NAdam', dict(weight_decay=w, maximize=m, decoupled_weight_decay=d, momentum_decay=md))
       for w, m, d, md in itertools.product((0, 0.1), (False, True), (False, True),
                                            (4e-3, 0.05))]
    + [('RAdam', dict(weight_decay=w, maximize=m, decoupled_weight_decay=d))
       for w, m, d in itertools.product((0, 0.1), (False, True), (False, True))]
    + [(name, dict(lr=0.02, betas=(0.85, 0.98), eps=1e-6)) for name in NAMES]
)


def builder(name, **options):
    options.setdefault('lr', 0.01)
    return lambda lib, params: getattr(lib.optim, name)(params, **options)


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('name,options', COMBOS,
                         ids=[f'{n}-{_ids(o)}' for n, o in COMBOS])
def test_matches_torch(name, options, dtype):
    assert_same_trajectory(builder(name, **options), dtype,
                           negate=options.get('maximize', False))


@pytest.mark.parametrize('name', NAMES)
def test_closure(name):
    assert_same_trajectory(builder(name, weight_decay=0.1), 'float64', closure=True)


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('name', NAMES)
def test_tensor_lr(name, dtype):
    # lr stays a float32 tensor: PyTorch's step-size arithmetic rounds to float32
    def build(lib, params):
        return getattr(lib.optim, name)(params, lr=lib.tensor(0.01), weight_decay=0.1)
    assert_same_trajectory(build, dtype)


FLAGS = [('Adam', dict(foreach=True)), ('Adam', dict(fused=True, amsgrad=True)),
         ('AdamW', dict(fused=True)), ('Adamax', dict(foreach=True)),
         ('NAdam', dict(foreach=True)), ('RAdam', dict(foreach=True))]


@pytest.mark.parametrize('name,options', FLAGS, ids=[f'{n}-{_ids(o)}' for n, o in FLAGS])
def test_device_flags_accepted(name, options):
    # PyTorch runs other kernels for these; the numbers agree to the tolerance
    for dtype in ('float64', 'float32'):
        assert_same_trajectory(builder(name, **options), dtype)


def test_adam_tensor_betas():
    def build(lib, params):
        return lib.optim.Adam(params, lr=0.01, betas=(lib.tensor(0.9), lib.tensor(0.99)))
    assert_same_trajectory(build, 'float32')
    # float64 parameters: PyTorch's float32 bias corrections go through MKL's sqrt, which is
    # not correctly rounded (1 float32 ulp apart from NumPy's in ~20% of cases)
    eo, to = [_train(lib, build, 'float64', 50)[1] for lib in (ember, torch)]
    assert_state_equal(eo.state_dict(), to.state_dict(), 1e-6)


def test_param_groups():
    def build(lib, params):
        params = list(params)
        return lib.optim.Adam([{'params': params[:2], 'lr': 0.05, 'amsgrad': True,
                                'betas': (0.8, 0.99)},
                               {'params': params[2:], 'weight_decay': 0.1}], lr=0.01)
    for dtype in ('float64', 'float32'):
        assert_same_trajectory(build, dtype)


def test_adamw_defaults_and_repr():
    w = [ember.nn.Parameter(ember.ones(2))]
    tw = [torch.nn.Parameter(torch.ones(2))]
    assert repr(ember.optim.AdamW(w)) == repr(torch.optim.AdamW(tw))
    assert repr(ember.optim.Adam(w)) == repr(torch.optim.Adam(tw))
    assert ember.optim.AdamW(w).defaults == torch.optim.AdamW(tw).defaults
    assert isinstance(ember.optim.AdamW(w), ember.optim.Adam)
    opt = ember.optim.AdamW(w)
    opt.load_state_dict({'state': {}, 'param_groups': [
        dict(opt.state_dict()['param_groups'][0], decoupled_weight_decay=False)]})
    assert opt.param_groups[0]['decoupled_weight_decay'] is True


@pytest.mark.parametrize('name', NAMES)
def test_defaults_match(name):
    w = [ember.nn.Parameter(ember.ones(2))]
    tw = [torch.nn.Parameter(torch.ones(2))]
    assert getattr(ember.optim, name)(w).defaults == getattr(torch.optim, name)(tw).defaults
    assert repr(getattr(ember.optim, name)(w)) == repr(getattr(torch.optim, name)(tw))


# ---- state and resumption --------------------------------------------------------------------
def _train(lib, build, dtype, steps, m=None, opt=None):
    m = m if m is not None else model(lib, dtype)
    opt = opt if opt is not None else build(lib, m.parameters())
    x, y = data(lib, dtype)
    for _ in range(steps):
        opt.zero_grad()
        ((m(x) - y) ** 2).mean().backward()
        opt.step()
    return m, opt


RESUME = [('Adam', dict(amsgrad=True, weight_decay=0.1)), ('AdamW', dict(amsgrad=True)),
          ('Adamax', dict(weight_decay=0.1)), ('NAdam', dict(decoupled_weight_decay=True,
                                                             weight_decay=0.1)),
          ('RAdam', dict(weight_decay=0.1))]


def _resume(lib, build, dtype, state_dicts):
    """A fresh model and optimizer loaded from ``state_dicts`` (model's, optimizer's)."""
    m = model(lib, dtype)
    m.load_state_dict(copy.deepcopy(state_dicts[0]))
    opt = build(lib, m.parameters())
    opt.load_state_dict(copy.deepcopy(state_dicts[1]))
    return m, opt


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('name,options', RESUME, ids=[n for n, _ in RESUME])
def test_resume_from_state_dict(name, options, dtype):
    build = builder(name, **options)
    runs = {}
    for lib in (ember, torch):
        m1, o1 = _train(lib, build, dtype, 20)
        m2, o2 = _resume(lib, build, dtype, (m1.state_dict(), o1.state_dict()))
        runs[lib] = _train(lib, build, dtype, 30, m2, o2)
    (em, eo), (tm, to) = runs[ember], runs[torch]
    for a, b in zip(em.parameters(), tm.parameters()):
        close(to_np(a), to_np(b), RTOL[dtype], name)
    assert_state_equal(eo.state_dict(), to.state_dict(), RTOL[dtype])
    # resuming changes nothing (except NAdam's mu_product, which loading casts to the
    # parameters' dtype, in PyTorch too)
    full_m, full_o = _train(ember, build, dtype, 50)
    if name == 'NAdam' and dtype == 'float64':
        return
    for a, b in zip(em.parameters(), full_m.parameters()):
        np.testing.assert_array_equal(to_np(a), to_np(b))
    assert_state_equal(eo.state_dict(), full_o.state_dict(), 0.0)


def _to_ember(value):
    if isinstance(value, torch.Tensor):
        return ember.tensor(value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: _to_ember(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_ember(v) for v in value)
    return value


@pytest.mark.parametrize('name,options', RESUME, ids=[n for n, _ in RESUME])
def test_load_torch_state_dict(name, options):
    build = builder(name, **options)
    tm, to = _train(torch, build, 'float64', 20)
    saved = (tm.state_dict(), to.state_dict())
    em, eo = _resume(ember, build, 'float64', _to_ember(saved))
    tm, to = _resume(torch, build, 'float64', saved)
    assert_state_equal(eo.state_dict(), to.state_dict(), 0.0)
    _train(torch, build, 'float64', 30, tm, to)
    _train(ember, build, 'float64', 30, em, eo)
    for a, b in zip(em.parameters(), tm.parameters()):
        close(to_np(a), to_np(b), 1e-10, name)
    assert_state_equal(eo.state_dict(), to.state_dict(), 1e-10)


@pytest.mark.parametrize('name', NAMES)
def test_state_layout(name):
    eo = _train(ember, builder(name), 'float32', 3)[1]
    to = _train(torch, builder(name), 'float32', 3)[1]
    es, ts = eo.state_dict()['state'][0], to.state_dict()['state'][0]
    assert list(es) == list(ts)
    for key in ts:
        assert str(es[key].dtype) == str(ts[key].dtype) and es[key].shape == ts[key].shape
    assert es['step'].item() == 3.0 and es['step'].dim() == 0


@pytest.mark.parametrize('name', ['Adam', 'NAdam'])
def test_state_scalars_follow_default_dtype(name):
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        assert_same_trajectory(builder(name), 'float64', steps=5)
        eo = _train(ember, builder(name, fused=True) if name == 'Adam' else builder(name),
                    'float64', 1)[1]
        want = 'torch.float32' if name == 'Adam' else 'torch.float64'
        assert str(eo.state_dict()['state'][0]['step'].dtype) == want
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize('name', NAMES)
def test_parameters_without_grad_are_skipped(name):
    def run(lib):
        m = model(lib, 'float64')
        m[0].bias.requires_grad_(False)
        opt = builder(name)(lib, m.parameters())
        return _train(lib, None, 'float64', 10, m, opt)
    (em, eo), (tm, to) = run(ember), run(torch)
    assert 1 not in eo.state_dict()['state']
    assert_state_equal(eo.state_dict(), to.state_dict(), 1e-10)
    for a, b in zip(em.parameters(), tm.parameters()):
        close(to_np(a), to_np(b), 1e-10, name)


def test_old_state_with_python_step():
    opt = _train(ember, builder('NAdam'), 'float64', 2)[1]
    state = opt.state_dict()
    for s in state['state'].values():
        s['step'], s['mu_product'] = 2.0, s['mu_product'].item()
    opt.load_state_dict(state)
    s = opt.state_dict()['state'][0]
    assert str(s['step'].dtype) == 'torch.float32' and s['step'].item() == 2.0
    assert str(s['mu_product'].dtype) == 'torch.float32'


def test_differentiable_in_place_on_leaf():
    w = ember.nn.Parameter(ember.ones(2))
    w.grad = ember.ones(2)
    opt = ember.optim.Adam([w], differentiable=True)
    with pytest.raises(RuntimeError, match='a leaf Variable that requires grad is being used '
                                           'in an in-place operation'):
        opt.step()


# ---- bad hyper-parameters ---------------------------------------------------------------
BAD = [(name, kw) for name in NAMES for kw in (
    dict(lr=-1.0), dict(eps=-1e-3), dict(betas=(1.0, 0.999)), dict(betas=(0.9, 1.0)),
    dict(betas=(-0.1, 0.999)), dict(weight_decay=-0.1))] + [
    ('NAdam', dict(momentum_decay=-1.0)),
    ('Adam', dict(betas=(0, 0.99))),
    ('Adam', dict(fused=True, differentiable=True)),
    ('Adam', dict(fused=True, foreach=True)),
]


@pytest.mark.parametrize('name,kw', BAD, ids=[f'{n}-{_ids(k)}' for n, k in BAD])
def test_bad_hyper_parameters(name, kw):
    with pytest.raises(Exception) as want:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2))], **kw)
    with pytest.raises(want.type) as got:
        getattr(ember.optim, name)([ember.nn.Parameter(ember.ones(2))], **kw)
    assert str(got.value).startswith(str(want.value)), (got.value, want.value)


@pytest.mark.parametrize('name', NAMES)
def test_bad_tensor_lr(name):
    for lib in (torch, ember):
        with pytest.raises(ValueError, match='Tensor lr must be 1-element'):
            getattr(lib.optim, name)([lib.nn.Parameter(lib.ones(2))],
                                     lr=lib.tensor([0.1, 0.2]))
    with pytest.raises(ValueError, match='lr as a Tensor is not supported for '
                                         'capturable=False and foreach=True'):
        ember.optim.Adam([ember.nn.Parameter(ember.ones(2))], lr=ember.tensor(0.1),
                         foreach=True)


def test_empty_parameter_list():
    with pytest.raises(ValueError, match='optimizer got an empty parameter list'):
        ember.optim.Adam([])


# ---- the paths only big parameters take -------------------------------------------------
def _big(lib, dtype):
    rng = np.random.default_rng(3)
    m = lib.nn.Sequential(lib.nn.Linear(40, 64), lib.nn.Tanh(), lib.nn.Linear(64, 30))
    with lib.no_grad():
        for p in m.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)) * 0.3))
    m = m.to(getattr(lib, dtype))
    x = lib.tensor(rng.standard_normal((32, 40)), dtype=getattr(lib, dtype))
    y = lib.tensor(rng.standard_normal((32, 30)), dtype=getattr(lib, dtype))
    return m, x, y


BIG = [('Adam', dict(amsgrad=True, weight_decay=0.1)), ('Adam', dict(maximize=True)),
       ('AdamW', dict()), ('Adamax', dict(weight_decay=0.1)), ('NAdam', dict()),
       ('RAdam', dict(decoupled_weight_decay=True, weight_decay=0.1)),
       ('SGD', dict(momentum=0.9)), ('SGD', dict(momentum=0.9, dampening=0.1, maximize=True)),
       ('SGD', dict(momentum=0.9, nesterov=True, weight_decay=0.1)), ('SGD', dict())]


@pytest.fixture(params=['blas', 'numpy', 'threads'])
def path(request, monkeypatch):
    if request.param == 'numpy':
        monkeypatch.setattr(_adam_common, '_BLAS', None)
    elif request.param == 'blas' and _adam_common._load_blas() is None:
        pytest.skip("NumPy's bundled OpenBLAS was not found")
    elif request.param == 'threads':       # always split, over 3 threads
        monkeypatch.setattr(ember._threads, 'count', 3)
        monkeypatch.setattr(_adam_common, '_PAR_MIN', 1)
        monkeypatch.setattr(_adam_common, '_SAMPLES', 10 ** 6)
        monkeypatch.setattr(_adam_common, '_PROBE', 10 ** 7)
    return request.param


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('name,options', BIG, ids=[f'{n}-{_ids(o)}' for n, o in BIG])
def test_big_parameters(name, options, dtype, path):
    results = []
    for lib in (ember, torch):
        m, x, y = _big(lib, dtype)
        opt = getattr(lib.optim, name)(m.parameters(), lr=0.01, **options)
        sign = -1 if options.get('maximize') else 1
        for _ in range(15):
            opt.zero_grad()
            (sign * ((m(x) - y) ** 2).mean()).backward()
            opt.step()
        results.append((m, opt))
    (em, eo), (tm, to) = results
    for (n, a), b in zip(em.named_parameters(), tm.parameters()):
        close(to_np(a), to_np(b), RTOL[dtype], n)
    assert_state_equal(eo.state_dict(), to.state_dict(), RTOL[dtype])


def test_split_covers_every_element():
    items = [((np.zeros(n),), None) for n in (7, 1, 30, 2, 9)]
    for parts in (2, 3, 5):
        for lead in (0, 4, 100):
            cut = _adam_common._split(items, parts, lead)
            assert len(cut) == parts
            sizes = [sum(a[0].size for a, _ in part) for part in cut]
            assert sum(sizes) == 49


def test_worker_errors_reach_the_caller(monkeypatch):
    monkeypatch.setattr(ember._threads, 'count', 2)
    pool = _adam_common._pool()

    def fail():
        raise ValueError('in a helper')
    with pytest.raises(ValueError, match='in a helper'):
        pool.run([lambda: None, fail])
    pool.run([lambda: None, lambda: None])       # still usable
