"""RMSprop, Adagrad, Adadelta, ASGD, Rprop and SparseAdam against torch 2.13: every option
combination over 50 steps (float64 and float32), resuming from a state_dict, bad arguments,
capturable, differentiable."""
import copy
import importlib
import itertools

import numpy as np
import pytest

from .harness import assert_same_trajectory, assert_state_equal, close, data, model, to_np

torch = pytest.importorskip('torch')
import ember  # noqa: E402

DTYPES = ['float64', 'float32']


def _ids(o):
    return '-'.join(f'{k}={v}' for k, v in o.items()) or 'defaults'


def _product(**axes):
    keys = list(axes)
    return [dict(zip(keys, vals)) for vals in itertools.product(*axes.values())]


# lr small enough that the runs stay stable: in a chaotic run a 1-ulp difference in the
# gradients (ember's and torch's matmuls round differently) grows past float32's tolerance.
CASES = {
    'RMSprop': [dict(lr=0.002, **o) for o in _product(
        momentum=(0, 0.9), centered=(False, True), weight_decay=(0, 0.1),
        maximize=(False, True))]
    + [dict(lr=0.002, alpha=0.9, eps=1e-3), dict(lr=0.002, foreach=True, momentum=0.5),
       dict(lr=0.001, alpha=0.8)],
    'Adagrad': [dict(lr=0.05, **o) for o in _product(
        lr_decay=(0, 0.01), weight_decay=(0, 0.1), initial_accumulator_value=(0, 0.1),
        maximize=(False, True))]
    + [dict(lr=0.05, eps=1e-3), dict(lr=0.05, fused=True, weight_decay=0.1),
       dict(lr=0.05, foreach=True, lr_decay=0.1)],
    'Adadelta': [dict(**o) for o in _product(
        rho=(0.9, 0.5), weight_decay=(0, 0.1), maximize=(False, True))]
    + [dict(lr=0.5, eps=1e-4), dict(lr=0.3, foreach=True, rho=0.95)],
    'ASGD': [dict(lr=0.05, **o) for o in _product(
        t0=(1e6, 10), weight_decay=(0, 0.1), maximize=(False, True))]
    + [dict(lr=0.05, lambd=0.01, alpha=0.5, t0=5), dict(lr=0.05, lambd=0.0, t0=0),
       dict(lr=0.05, foreach=True, t0=20)],
    'Rprop': [dict(lr=0.01, **o) for o in _product(
        etas=((0.5, 1.2), (0.3, 1.5)), step_sizes=((1e-6, 50), (1e-4, 0.05)),
        maximize=(False, True))]
    + [dict(lr=0.001, foreach=True)],
    'SparseAdam': [dict(lr=0.01, **o) for o in _product(
        betas=((0.9, 0.999), (0.5, 0.9)), maximize=(False, True))]
    + [dict(lr=0.02, eps=1e-4)],
}
ALL = [(name, o) for name, combos in CASES.items() for o in combos]


def _sparsify(opt, args, kwargs):
    """torch's SparseAdam wants sparse-layout gradients: give it the dense ones as sparse."""
    for group in opt.param_groups:
        for p in group['params']:
            if p.grad is not None:
                p.grad = p.grad.to_sparse()


def builder(name, options):
    def build(lib, params):
        opt = getattr(lib.optim, name)(params, **options)
        if lib is torch and name == 'SparseAdam':
            opt.register_step_pre_hook(_sparsify)
        return opt
    return build


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('name,options', ALL, ids=[f'{n}-{_ids(o)}' for n, o in ALL])
def test_matches_torch(name, options, dtype):
    assert_same_trajectory(builder(name, options), dtype, negate=options.get('maximize', False))


@pytest.mark.parametrize('name,options', [
    ('RMSprop', dict(momentum=0.9, centered=True)), ('Adagrad', dict(lr_decay=0.01)),
    ('Adadelta', dict()), ('ASGD', dict(t0=5)), ('Rprop', dict(lr=0.001)),
    ('SparseAdam', dict())], ids=lambda x: x if isinstance(x, str) else _ids(x))
@pytest.mark.parametrize('dtype', DTYPES)
def test_tensor_lr(name, options, dtype):
    lr = {'Adagrad': 0.05, 'ASGD': 0.05, 'RMSprop': 0.002}.get(name, 0.01)
    build = builder(name, options)
    assert_same_trajectory(lambda lib, p: build(lib, [{'params': list(p),
                                                       'lr': lib.tensor(lr)}]), dtype)


@pytest.mark.parametrize('dtype', DTYPES)
def test_rmsprop_centered_small_alpha(dtype):
    """lerp's large-weight formula (1 - alpha >= 0.5); centered with a short window is
    ill-conditioned (sqrt of a small variance), so a few steps."""
    assert_same_trajectory(builder('RMSprop', dict(lr=0.001, alpha=0.4, centered=True)),
                           dtype, steps=5 if dtype == 'float32' else 10)


# ---- resume from a state_dict ------------------------------------------------------------------
def _resumed(lib, build, dtype, first=20, then=30):
    """``first`` steps, state_dicts copied, a fresh model + optimizer loads them, ``then`` more."""
    m = model(lib, dtype)
    x, y = data(lib, dtype)

    def train(m, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            ((m(x) - y) ** 2).mean().backward()
            opt.step()
    opt = build(lib, m.parameters())
    train(m, opt, first)
    msd, osd = copy.deepcopy(m.state_dict()), copy.deepcopy(opt.state_dict())
    m2 = model(lib, dtype)
    m2.load_state_dict(msd)
    opt2 = build(lib, m2.parameters())
    opt2.load_state_dict(osd)
    train(m2, opt2, then)
    return m2, opt2


def _uninterrupted(lib, build, dtype, steps=50):
    m = model(lib, dtype)
    x, y = data(lib, dtype)
    opt = build(lib, m.parameters())
    for _ in range(steps):
        opt.zero_grad()
        ((m(x) - y) ** 2).mean().backward()
        opt.step()
    return m, opt


RESUME = [('RMSprop', dict(lr=0.002, momentum=0.9, centered=True)),
          ('Adagrad', dict(lr=0.05, lr_decay=0.01, initial_accumulator_value=0.1)),
          ('Adadelta', dict(weight_decay=0.1)), ('ASGD', dict(lr=0.05, t0=10)),
          ('Rprop', dict(lr=0.01)), ('SparseAdam', dict(lr=0.01))]


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('name,options', RESUME, ids=[n for n, _ in RESUME])
def test_resume_from_state_dict(name, options, dtype):
    build = builder(name, options)
    rtol = {'float64': 1e-10, 'float32': 1e-5}[dtype]
    em, eo = _resumed(ember, build, dtype)
    tm, to = _resumed(torch, build, dtype)
    for (n, ep), tp in zip(em.named_parameters(), tm.parameters()):
        close(to_np(ep), to_np(tp), rtol, n)
    assert_state_equal(eo.state_dict(), to.state_dict(), rtol)
    # the same as never stopping
    um, _ = _uninterrupted(ember, build, dtype)
    for (n, ep), up in zip(em.named_parameters(), um.parameters()):
        close(to_np(ep), to_np(up), rtol, n)


def test_asgd_load_casts_eta_mu_like_torch():
    em, eo = _resumed(ember, builder('ASGD', dict(lr=0.05, t0=10)), 'float64', 3, 1)
    tm, to = _resumed(torch, builder('ASGD', dict(lr=0.05, t0=10)), 'float64', 3, 1)
    for k in ('step', 'eta', 'mu'):
        e, t = eo.state_dict()['state'][0][k], to.state_dict()['state'][0][k]
        assert str(e.dtype) == str(t.dtype) and float(e) == float(t)


def test_old_checkpoint_numeric_step_becomes_tensor():
    """A state dict whose ``step`` is a Python number (old PyTorch) loads as a float32 tensor."""
    for name in ('RMSprop', 'Adagrad', 'Adadelta', 'ASGD', 'Rprop'):
        out = []
        for lib in (ember, torch):
            m = model(lib, 'float64')
            opt = getattr(lib.optim, name)(m.parameters())
            x, y = data(lib, 'float64')
            ((m(x) - y) ** 2).mean().backward()
            opt.step()
            sd = copy.deepcopy(opt.state_dict())
            for s in sd['state'].values():
                s['step'] = 1
                if name == 'ASGD':
                    s['eta'], s['mu'] = 0.01, 1.0
            opt.load_state_dict(sd)
            out.append({k: (v.dtype, float(v)) for k, v in opt.state[m[0].weight].items()
                        if v.ndim == 0})
        assert {k: (str(d), v) for k, (d, v) in out[0].items()} == \
            {k: (str(d), v) for k, (d, v) in out[1].items()}, name


# ---- construction -------------------------------------------------------------------------------
def test_adagrad_state_made_in_constructor():
    for lib in (ember, torch):
        m = model(lib, 'float32')
        opt = lib.optim.Adagrad(m.parameters(), initial_accumulator_value=0.3)
        if lib is ember:
            es = copy.deepcopy(opt.state_dict())
        else:
            assert_state_equal(es, opt.state_dict(), 1e-7)


def test_adagrad_group_added_later_uses_default_accumulator():
    out = []
    for lib in (ember, torch):
        a = lib.nn.Parameter(lib.ones(2))
        b = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.Adagrad([a], initial_accumulator_value=0.5)
        opt.add_param_group({'params': [b], 'initial_accumulator_value': 2.0})
        (a.sum() + (b * b).sum()).backward()
        opt.step()
        out.append((to_np(b).copy(), to_np(opt.state[b]['sum']).copy(), opt.state[b]['step']))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-6)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-6)
    assert float(out[0][2]) == float(out[1][2])


def test_reprs_and_defaults():
    for name in CASES:
        e = getattr(ember.optim, name)([ember.nn.Parameter(ember.ones(1))])
        t = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))])
        assert repr(e) == repr(t)
        assert e.defaults == t.defaults


BAD = [
    ('RMSprop', dict(lr=-1)), ('RMSprop', dict(eps=-1)), ('RMSprop', dict(momentum=-1)),
    ('RMSprop', dict(weight_decay=-1)), ('RMSprop', dict(alpha=-1)),
    ('RMSprop', dict(lr='tensor2')),
    ('Adagrad', dict(lr=-1)), ('Adagrad', dict(lr_decay=-1)), ('Adagrad', dict(weight_decay=-1)),
    ('Adagrad', dict(initial_accumulator_value=-1)), ('Adagrad', dict(eps=-1)),
    ('Adagrad', dict(fused=True, differentiable=True)), ('Adagrad', dict(fused=True, foreach=True)),
    ('Adadelta', dict(lr=-1)), ('Adadelta', dict(rho=1.5)), ('Adadelta', dict(rho=-0.1)),
    ('Adadelta', dict(eps=-1)), ('Adadelta', dict(weight_decay=-1)),
    ('ASGD', dict(lr=-1)), ('ASGD', dict(weight_decay=-1)),
    ('Rprop', dict(lr=-1)), ('Rprop', dict(etas=(1.5, 1.2))), ('Rprop', dict(etas=(0.5, 0.9))),
    ('Rprop', dict(etas=(0.0, 1.2))),
    ('SparseAdam', dict(lr=0.0)), ('SparseAdam', dict(eps=0.0)),
    ('SparseAdam', dict(betas=(1.0, 0.9))), ('SparseAdam', dict(betas=(0.9, -0.1))),
]


@pytest.mark.parametrize('name,options', BAD, ids=[f'{n}-{_ids(o)}' for n, o in BAD])
def test_bad_arguments_raise_like_torch(name, options):
    errors = []
    for lib in (ember, torch):
        opts = {k: (lib.tensor([0.1, 0.2]) if v == 'tensor2' else v) for k, v in options.items()}
        with pytest.raises(Exception) as info:
            getattr(lib.optim, name)([lib.nn.Parameter(lib.ones(2))], **opts)
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1])
    assert str(errors[0]).startswith(str(errors[1]))


def test_empty_and_non_tensor_params():
    for name in CASES:
        with pytest.raises(ValueError, match='empty parameter list'):
            getattr(ember.optim, name)([])


# ---- capturable ---------------------------------------------------------------------------------
CAPTURABLE = [('RMSprop', dict(lr=0.002, momentum=0.9, centered=True)),
              ('Adadelta', dict(weight_decay=0.1)), ('ASGD', dict(lr=0.05, t0=10)),
              ('Rprop', dict(lr=0.01))]


@pytest.mark.parametrize('name,options', CAPTURABLE, ids=[n for n, _ in CAPTURABLE])
def test_capturable_on_cpu_raises_like_torch(name, options):
    errors = []
    for lib in (ember, torch):
        m = model(lib, 'float32')
        opt = getattr(lib.optim, name)(m.parameters(), capturable=True, **options)
        x, y = data(lib, 'float32')
        ((m(x) - y) ** 2).mean().backward()
        with pytest.raises(AssertionError) as info:
            opt.step()
        errors.append(str(info.value))
    assert errors[0].startswith(errors[1])


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('name,options', CAPTURABLE, ids=[n for n, _ in CAPTURABLE])
def test_capturable_math_matches_torch(name, options, dtype, monkeypatch):
    """With 'cpu' declared capturable in both libraries, the capturable code paths agree."""
    import torch.optim.optimizer as topt
    import ember.optim._functional as ermsprop
    real = topt._get_capturable_supported_devices

    def devices(supports_xla=True):
        return ['cpu'] + real(supports_xla)
    monkeypatch.setattr(importlib.import_module(f'torch.optim.{name.lower()}'),
                        '_get_capturable_supported_devices', devices)
    monkeypatch.setattr(ermsprop, '_capturable_supported_devices', lambda: devices())
    assert_same_trajectory(builder(name, dict(options, capturable=True)), dtype)


# ---- differentiable -----------------------------------------------------------------------------
# (centered RMSprop and Rprop modify tensors their earlier steps saved for backward: in both
# libraries only a single step can be differentiated)
DIFF = [('RMSprop', dict(momentum=0.9, centered=True, weight_decay=0.1), 1),
        ('RMSprop', dict(momentum=0.9, weight_decay=0.1), 3), ('RMSprop', dict(maximize=True), 3),
        ('Adagrad', dict(lr_decay=0.1, weight_decay=0.1), 3),
        ('Adadelta', dict(weight_decay=0.1), 3),
        ('ASGD', dict(t0=1, weight_decay=0.1), 3), ('ASGD', dict(maximize=True), 3),
        ('Rprop', dict(lr=0.05), 1), ('Rprop', dict(maximize=True), 1)]


def _differentiable_run(lib, name, options, steps):
    rng = np.random.default_rng(3)
    w = lib.tensor(rng.standard_normal(5), requires_grad=True)
    g = lib.tensor(rng.standard_normal(5), requires_grad=True)
    p = w.clone()
    opt = getattr(lib.optim, name)([p], differentiable=True, **options)
    for k in range(steps):
        p.grad = g * (1.0 + k) * (-1) ** k
        opt.step()
    extra = [v for v in opt.state[p].values() if isinstance(v, lib.Tensor) and v.requires_grad]
    out = (p * p).sum() + sum((v * v).sum() for v in extra)
    out.backward()
    return [to_np(t) for t in (p, w.grad, g.grad)]


@pytest.mark.parametrize('name,options,steps', DIFF,
                         ids=[f'{n}-{_ids(o)}-{k}' for n, o, k in DIFF])
def test_differentiable_step_matches_torch(name, options, steps):
    for a, b in zip(_differentiable_run(ember, name, options, steps),
                    _differentiable_run(torch, name, options, steps)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize('name,options', [('RMSprop', dict(centered=True)), ('Rprop', {})])
def test_differentiable_second_step_modified_inplace_like_torch(name, options):
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match='modified by an inplace operation'):
            _differentiable_run(lib, name, options, 2)


def test_differentiable_with_leaf_params_raises_like_torch():
    for lib in (ember, torch):
        w = lib.nn.Parameter(lib.ones(2))
        (w * w).sum().backward()
        with pytest.raises(RuntimeError, match='leaf Variable that requires grad'):
            lib.optim.RMSprop([w], differentiable=True).step()


# ---- SparseAdam on an embedding ---------------------------------------------------------------
def _embedding_run(lib, steps=30, maximize=False):
    rng = np.random.default_rng(5)
    # torch: sparse gradients; ember: the dense gradient (zero rows where not looked up)
    emb = lib.nn.Embedding(10, 4, sparse=lib is torch).double()
    with lib.no_grad():
        emb.weight.copy_(lib.tensor(rng.standard_normal((10, 4))))
    head = lib.tensor(rng.standard_normal(4))
    idx = [lib.tensor(rng.integers(0, 6, size=5)) for _ in range(steps)]   # rows 6..9 unused
    target = lib.tensor(rng.standard_normal(5))
    opt = lib.optim.SparseAdam(emb.parameters(), lr=0.05, maximize=maximize)
    for i in range(steps):
        opt.zero_grad()
        out = lib.relu(emb(idx[i]) * head).sum(-1)     # relu: some gradient entries are 0
        loss = ((out - target) ** 2).mean()
        (-loss if maximize else loss).backward()
        opt.step()
    return emb.weight, opt


@pytest.mark.parametrize('maximize', [False, True])
def test_sparse_adam_updates_only_present_rows_like_torch(maximize):
    ew, eo = _embedding_run(ember, maximize=maximize)
    tw, to = _embedding_run(torch, maximize=maximize)
    close(to_np(ew), to_np(tw), 1e-10, 'weight')
    assert_state_equal(eo.state_dict(), to.state_dict(), 1e-10)
    w0 = _embedding_run(ember, steps=0)[0]
    np.testing.assert_array_equal(to_np(ew)[6:], to_np(w0)[6:])     # never looked up


def test_sparse_adam_zero_gradient_skips_but_counts_step():
    w = ember.nn.Parameter(ember.ones(3, 2))
    opt = ember.optim.SparseAdam([w])
    w.grad = ember.zeros(3, 2)
    opt.step()
    assert opt.state[w]['step'] == 1
    np.testing.assert_array_equal(to_np(w), np.ones((3, 2)))
    s = ember.nn.Parameter(ember.tensor(2.0))
    opt = ember.optim.SparseAdam([s], lr=0.5)
    s.grad = ember.tensor(1.0)
    opt.step()
    assert abs(s.item() - 1.5) < 1e-6


def test_step_returns_closure_loss():
    for name in CASES:
        w = ember.nn.Parameter(ember.tensor([1.0, 2.0]))
        opt = getattr(ember.optim, name)([w])

        def closure():
            opt.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            return loss
        assert opt.step(closure).item() == 5.0
