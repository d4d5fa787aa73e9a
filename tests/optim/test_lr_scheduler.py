"""LR schedulers against torch 2.13: lr (and momentum/betas) sequences over 120 steps with SGD
and Adam, ReduceLROnPlateau on fixed metric sequences, chained/sequential schedulers,
resumption from state_dict() in the middle, the deprecated step(epoch) closed forms, state
dicts, warnings and errors."""
import copy
import importlib.util
import re
import warnings

import numpy as np
import pytest

import ember
from ember.optim import lr_scheduler as ember_sched

torch = pytest.importorskip('torch')

from .harness import assert_state_equal  # noqa: E402

STEPS = 120
HAS_ADAM = importlib.util.find_spec('ember.optim.adam') is not None


# ---- building blocks (the same code runs on both libraries) --------------------------------
def _fake_adam(lib):
    """A do-nothing optimizer with Adam's ``betas`` default."""
    class Adam(lib.optim.Optimizer):
        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999)):
            super().__init__(params, dict(lr=lr, betas=betas))

        def step(self, closure=None):
            return None
    return Adam


def build(lib, kind):
    """Two parameter groups (lr 0.1 and 0.05), gradients set: SGD with momentum, or Adam."""
    rng = np.random.default_rng(3)
    w1 = lib.nn.Parameter(lib.tensor(rng.standard_normal(3), dtype=lib.float64))
    w2 = lib.nn.Parameter(lib.tensor(rng.standard_normal(2), dtype=lib.float64))
    w1.grad = lib.tensor(rng.standard_normal(3), dtype=lib.float64)
    w2.grad = lib.tensor(rng.standard_normal(2), dtype=lib.float64)
    groups = [{'params': [w1]}, {'params': [w2], 'lr': 0.05}]
    if kind == 'sgd':
        opt = lib.optim.SGD(groups, lr=0.1, momentum=0.9)
    elif kind == 'adam':
        opt = lib.optim.Adam(groups, lr=0.1, betas=(0.9, 0.99))
    elif kind == 'adam-like':
        opt = _fake_adam(lib)(groups, lr=0.1, betas=(0.9, 0.99))
    else:                                       # neither momentum nor betas
        opt = lib.optim.SGD(groups, lr=0.1)
    return opt, [w1, w2]


def _num(x):
    return float(x) if hasattr(x, 'item') else x


def record(opt, sched):
    """Everything a scheduler sets: each group's lr, momentum, betas, plus get_last_lr()."""
    row = []
    for g in opt.param_groups:
        row.append(_num(g['lr']))
        if 'momentum' in g:
            row.append(_num(g['momentum']))
        if 'betas' in g:
            row.extend(_num(b) for b in g['betas'])
    row.extend(_num(v) for v in sched.get_last_lr())
    row.append(getattr(sched, 'last_epoch', 0))
    return row


def run(lib, kind, make, steps=STEPS, metrics=None, resume_at=None):
    """``steps`` of ``optimizer.step(); scheduler.step()``; with ``resume_at`` the optimizer
    and scheduler are rebuilt from their (deep-copied) state dicts at that step."""
    S = lib.optim.lr_scheduler
    opt, params = build(lib, kind)
    sched = make(S, opt)
    rows = [record(opt, sched)]
    for i in range(steps):
        if i == resume_at:
            osd = copy.deepcopy(opt.state_dict())
            ssd = copy.deepcopy(sched.state_dict())
            opt, _ = build(lib, kind)
            opt.param_groups[0]['params'] = [params[0]]
            opt.param_groups[1]['params'] = [params[1]]
            sched = make(S, opt)
            opt.load_state_dict(osd)
            sched.load_state_dict(ssd)
        opt.step()
        if metrics is None:
            sched.step()
        else:
            m = metrics[i]
            sched.step(lib.tensor(m, dtype=lib.float64) if i % 3 == 0 else m)
        rows.append(record(opt, sched))
    return rows, opt, sched, params


def compare(kind, make, steps=STEPS, metrics=None, resume_at=None):
    er, eo, es, ep = run(ember, kind, make, steps, metrics, resume_at)
    tr, to, ts, tp = run(torch, kind, make, steps, metrics, resume_at)
    assert [len(r) for r in er] == [len(r) for r in tr]
    e, t = np.array(er, dtype=np.float64), np.array(tr, dtype=np.float64)
    np.testing.assert_allclose(e, t, rtol=1e-12, atol=1e-15)
    for a, b in zip(ep, tp):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10)
    assert_state_equal(eo.state_dict()['param_groups'], to.state_dict()['param_groups'], 1e-12)
    assert_state_equal(es.state_dict(), ts.state_dict(), 1e-12, 'scheduler.state_dict')
    return er


def _scale(x):
    return 1.0 / (1.0 + 0.1 * x)


class _ScaleObj:
    """A callable object: CyclicLR saves its __dict__ in state_dict."""

    def __init__(self):
        self.k = 0.97

    def __call__(self, x):
        return self.k ** x


class _LambdaObj:
    def __init__(self, base):
        self.base = base

    def __call__(self, epoch):
        return self.base ** epoch


SCHEDULERS = {
    'LambdaLR': lambda S, o: S.LambdaLR(o, lambda e: 0.98 ** e),
    'LambdaLR-list': lambda S, o: S.LambdaLR(o, [lambda e: 1 / (1 + e), _LambdaObj(0.99)]),
    'MultiplicativeLR': lambda S, o: S.MultiplicativeLR(o, lambda e: 0.97 if e % 2 else 1.01),
    'MultiplicativeLR-list': lambda S, o: S.MultiplicativeLR(o, [lambda e: 0.99,
                                                                 _LambdaObj(0.999)]),
    'StepLR': lambda S, o: S.StepLR(o, step_size=7, gamma=0.5),
    'StepLR-default': lambda S, o: S.StepLR(o, 30),
    'MultiStepLR': lambda S, o: S.MultiStepLR(o, milestones=[10, 30, 30, 60, 100], gamma=0.3),
    'ConstantLR': lambda S, o: S.ConstantLR(o, factor=0.5, total_iters=20),
    'ConstantLR-default': lambda S, o: S.ConstantLR(o),
    'LinearLR': lambda S, o: S.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=30),
    'LinearLR-decay': lambda S, o: S.LinearLR(o, start_factor=1.0, end_factor=0.1,
                                              total_iters=100),
    'ExponentialLR': lambda S, o: S.ExponentialLR(o, gamma=0.97),
    'PolynomialLR': lambda S, o: S.PolynomialLR(o, total_iters=60, power=2.0),
    'PolynomialLR-sqrt': lambda S, o: S.PolynomialLR(o, total_iters=110, power=0.5),
    'CosineAnnealingLR': lambda S, o: S.CosineAnnealingLR(o, T_max=25, eta_min=0.001),
    'CosineAnnealingLR-zero': lambda S, o: S.CosineAnnealingLR(o, T_max=100),
    'WarmRestarts': lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=10),
    'WarmRestarts-mult': lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2,
                                                                    eta_min=1e-3),
    'CyclicLR': lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=10),
    'CyclicLR-tri2': lambda S, o: S.CyclicLR(o, [0.01, 0.02], [0.1, 0.3], step_size_up=7,
                                             step_size_down=13, mode='triangular2',
                                             base_momentum=0.7, max_momentum=0.95),
    'CyclicLR-exp': lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=9, mode='exp_range',
                                            gamma=0.99),
    'CyclicLR-fn': lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=8, scale_fn=_scale),
    'CyclicLR-fn-iter': lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=8,
                                                scale_fn=_ScaleObj(), scale_mode='iterations'),
    'CyclicLR-nomom': lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=5,
                                              cycle_momentum=False),
    'OneCycleLR': lambda S, o: S.OneCycleLR(o, max_lr=1.0, total_steps=STEPS),
    'OneCycleLR-linear': lambda S, o: S.OneCycleLR(o, max_lr=[1.0, 0.5], epochs=12,
                                                   steps_per_epoch=10, pct_start=0.25,
                                                   anneal_strategy='linear', div_factor=10.0,
                                                   final_div_factor=100.0),
    'OneCycleLR-3phase': lambda S, o: S.OneCycleLR(o, max_lr=0.8, total_steps=130,
                                                   three_phase=True, base_momentum=[0.8, 0.7],
                                                   max_momentum=0.9),
    'OneCycleLR-nomom': lambda S, o: S.OneCycleLR(o, max_lr=0.5, total_steps=STEPS,
                                                  cycle_momentum=False),
    'SequentialLR': lambda S, o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=10), S.CosineAnnealingLR(o, T_max=50)],
        milestones=[10]),
    'SequentialLR-3': lambda S, o: S.SequentialLR(
        o, [S.ConstantLR(o, factor=0.2, total_iters=5), S.ExponentialLR(o, gamma=0.95),
            S.LambdaLR(o, lambda e: 0.5 + 0.01 * e)], milestones=[15, 60]),
    'SequentialLR-step': lambda S, o: S.SequentialLR(
        o, [S.MultiplicativeLR(o, lambda e: 1.05), S.StepLR(o, step_size=10, gamma=0.5),
            S.PolynomialLR(o, total_iters=30)], milestones=[20, 70]),
    'ChainedScheduler': lambda S, o: S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.1, total_iters=4), S.ExponentialLR(o, gamma=0.97)]),
    'ChainedScheduler-3': lambda S, o: S.ChainedScheduler(
        [S.LinearLR(o, start_factor=0.5, total_iters=10), S.StepLR(o, 15, 0.5),
         S.CosineAnnealingLR(o, T_max=40, eta_min=0.01)], optimizer=o),
    'Sequential-of-chained': lambda S, o: S.SequentialLR(
        o, [S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=5),
                                S.ExponentialLR(o, gamma=0.9)]),
            S.CosineAnnealingWarmRestarts(o, T_0=12)], milestones=[25]),
}

# 'adam-like': an optimizer whose defaults have ``betas`` (beta1 cycling without depending on
# ember's Adam); 'adam': the real one, once ember.optim.Adam exists
KINDS = ['sgd', 'adam-like']
ALL_KINDS = KINDS + (['adam'] if HAS_ADAM else [])


# a ChainedScheduler inside SequentialLR steps its members during construction: PyTorch warns
pytestmark = pytest.mark.filterwarnings('ignore:Detected call of:UserWarning')


@pytest.mark.parametrize('kind', ALL_KINDS)
@pytest.mark.parametrize('name', list(SCHEDULERS))
def test_sequence_matches_torch(name, kind):
    rows = compare(kind, SCHEDULERS[name])
    assert len(rows) == STEPS + 1
    assert len({r[0] for r in rows}) > 1 or name.startswith('StepLR-default')


@pytest.mark.parametrize('kind', ALL_KINDS)
@pytest.mark.parametrize('name', list(SCHEDULERS))
def test_resume_from_state_dict_matches_torch(name, kind):
    resumed = compare(kind, SCHEDULERS[name], resume_at=40)
    straight = compare(kind, SCHEDULERS[name])
    np.testing.assert_allclose(resumed, straight, rtol=1e-12, atol=1e-15)


@pytest.mark.filterwarnings('ignore:Converting a tensor with requires_grad')
def test_scheduler_drives_the_training_trajectory():
    from .harness import assert_same_trajectory
    assert_same_trajectory(
        lambda lib, p: lib.optim.SGD(p, lr=0.05, momentum=0.9), 'float64', steps=40,
        scheduler=lambda lib, o: lib.optim.lr_scheduler.OneCycleLR(o, 0.2, total_steps=40))
    assert_same_trajectory(
        lambda lib, p: lib.optim.SGD(p, lr=0.05), 'float32', steps=30,
        scheduler=lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10))


# ---- resuming with last_epoch (optimizer already carries initial_lr) -----------------------
@pytest.mark.parametrize('name', ['StepLR', 'MultiStepLR', 'ExponentialLR', 'LinearLR',
                                  'PolynomialLR', 'CosineAnnealingLR', 'ConstantLR',
                                  'WarmRestarts', 'CyclicLR', 'OneCycleLR'])
def test_last_epoch_construction_matches_torch(name):
    make = SCHEDULERS[name]

    def run_lib(lib):
        S = lib.optim.lr_scheduler
        opt, _ = build(lib, 'sgd')
        first = make(S, opt)
        for _ in range(30):
            opt.step()
            first.step()
        sched = _rebuild(S, opt, name, dict(last_epoch=29))
        rows = [record(opt, sched)]
        for _ in range(40):
            opt.step()
            sched.step()
            rows.append(record(opt, sched))
        return rows
    np.testing.assert_allclose(run_lib(ember), run_lib(torch), rtol=1e-12, atol=1e-15)


def _rebuild(S, opt, name, kw):
    return {
        'StepLR': lambda: S.StepLR(opt, step_size=7, gamma=0.5, **kw),
        'MultiStepLR': lambda: S.MultiStepLR(opt, [10, 30, 30, 60, 100], gamma=0.3, **kw),
        'ExponentialLR': lambda: S.ExponentialLR(opt, gamma=0.97, **kw),
        'LinearLR': lambda: S.LinearLR(opt, 0.25, 0.9, total_iters=30, **kw),
        'PolynomialLR': lambda: S.PolynomialLR(opt, total_iters=60, power=2.0, **kw),
        'CosineAnnealingLR': lambda: S.CosineAnnealingLR(opt, T_max=25, eta_min=0.001, **kw),
        'ConstantLR': lambda: S.ConstantLR(opt, factor=0.5, total_iters=20, **kw),
        'WarmRestarts': lambda: S.CosineAnnealingWarmRestarts(opt, T_0=10, **kw),
        'CyclicLR': lambda: S.CyclicLR(opt, 0.01, 0.1, step_size_up=10, **kw),
        'OneCycleLR': lambda: S.OneCycleLR(opt, max_lr=1.0, total_steps=STEPS, **kw),
    }[name]()


# ---- ReduceLROnPlateau on fixed metric sequences -------------------------------------------
def _losses():
    """A loss near 50: fast progress, a plateau with noise (new bests by less than the
    relative threshold but more than the absolute one), slow progress, then a plateau."""
    rng = np.random.default_rng(11)
    t = np.arange(STEPS)
    trend = 50.0 * (1 + 0.2 * np.exp(-t / 12.0))
    trend[60:80] -= np.linspace(0, 0.05, 20)
    trend[80:] -= 0.05
    return [float(x) for x in trend + rng.uniform(-0.003, 0.003, STEPS)]


LOSSES = _losses()
ACCURACIES = [100.0 - x for x in LOSSES]        # for mode='max'
PLATEAU = [dict(mode=mode, threshold_mode=tm, cooldown=cd, min_lr=ml, patience=2, factor=0.5)
           for mode in ('min', 'max') for tm in ('rel', 'abs') for cd in (0, 3)
           for ml in (0, 0.004, [0.01, 0.001])]
PLATEAU += [dict(), dict(factor=0.5, patience=0, threshold=0.05),
            dict(factor=0.9, eps=0.004, patience=1),
            dict(mode='max', factor=0.7, threshold=1e-3, threshold_mode='abs', patience=4,
                 cooldown=1, min_lr=[0.02, 0.0])]


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('opts', PLATEAU, ids=lambda o: '-'.join(f'{k}={v}' for k, v in o.items())
                         or 'defaults')
def test_reduce_on_plateau_matches_torch(opts, kind):
    metrics = LOSSES if opts.get('mode', 'min') == 'min' else ACCURACIES
    make = lambda S, o: S.ReduceLROnPlateau(o, **opts)  # noqa: E731
    rows = compare(kind, make, metrics=metrics)
    assert rows[-1][0] < rows[0][0]                    # it did reduce
    resumed = compare(kind, make, metrics=metrics, resume_at=55)
    np.testing.assert_allclose(resumed, rows, rtol=1e-12, atol=1e-15)


def test_reduce_on_plateau_new_group():
    def run_lib(lib, min_lr):
        opt, _ = build(lib, 'sgd')
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=min_lr)
        sched.step(1.0)
        opt.add_param_group({'params': [lib.nn.Parameter(lib.ones(1))], 'lr': 0.3})
        sched.step(2.0)
        return [g['lr'] for g in opt.param_groups], sched.min_lrs
    assert run_lib(ember, 0.001) == run_lib(torch, 0.001)
    e, t = _raised(lambda: run_lib(ember, [0.0, 0.0])), _raised(lambda: run_lib(torch, [0, 0]))
    assert e[0] is t[0] is RuntimeError and e[1] == t[1]


# ---- deprecated step(epoch): the closed forms ---------------------------------------------
EPOCHS = [0, 3, 7, 7, 12, 5, 20, 40, 33, 61, 100, 2, 119, 1]


@pytest.mark.parametrize('name', ['LambdaLR', 'StepLR', 'MultiStepLR', 'ConstantLR', 'LinearLR',
                                  'ExponentialLR', 'PolynomialLR', 'CosineAnnealingLR',
                                  'MultiplicativeLR', 'CyclicLR', 'OneCycleLR'])
def test_step_with_epoch_matches_torch(name):
    def run_lib(lib):
        opt, _ = build(lib, 'sgd')
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        rows = []
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            for e in EPOCHS:
                opt.step()
                sched.step(e)
                rows.append(record(opt, sched))
        return rows, [str(x.message) for x in w]
    (er, ew), (tr, tw) = run_lib(ember), run_lib(torch)
    np.testing.assert_allclose(er, tr, rtol=1e-12, atol=1e-15)
    assert ew == tw and len(ew) == len(EPOCHS)


@pytest.mark.parametrize('T_mult', [1, 2, 3])
def test_warm_restarts_fractional_epochs(T_mult):
    def run_lib(lib):
        opt, _ = build(lib, 'sgd')
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=T_mult,
                                                                   eta_min=0.001)
        rows = []
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            for i in range(60):
                opt.step()
                sched.step(i * 0.37 if i % 5 else None)
                rows.append(record(opt, sched) + [float(sched.T_cur), sched.T_i])
        return rows, [str(x.message) for x in w]
    (er, ew), (tr, tw) = run_lib(ember), run_lib(torch)
    np.testing.assert_allclose(er, tr, rtol=1e-12, atol=1e-15)
    assert ew == tw == []


# ---- tensor learning rates ----------------------------------------------------------------
@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('name', ['StepLR', 'ExponentialLR', 'CosineAnnealingLR', 'LinearLR',
                                  'CyclicLR', 'OneCycleLR'])
def test_tensor_lr(name, dtype):
    def run_lib(lib):
        w = lib.nn.Parameter(lib.ones(2, dtype=lib.float64))
        lr = lib.tensor(0.1, dtype=getattr(lib, dtype))
        opt = lib.optim.SGD([w], lr=lr, momentum=0.9)
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        rows = []
        for _ in range(40):
            opt.step()
            sched.step()
            last = sched.get_last_lr()[0]
            assert hasattr(last, 'item') and opt.param_groups[0]['lr'] is lr
            rows.append([lr.item(), last.item(), opt.param_groups[0]['initial_lr'].item()
                         if hasattr(opt.param_groups[0]['initial_lr'], 'item')
                         else opt.param_groups[0]['initial_lr']])
        return rows
    np.testing.assert_allclose(run_lib(ember), run_lib(torch),
                               rtol=1e-12 if dtype == 'float64' else 1e-6)


# ---- warnings -----------------------------------------------------------------------------
def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        fn()
    return [(x.category, str(x.message)) for x in w]


@pytest.mark.parametrize('case', ['ordered', 'sched_first', 'overridden', 'get_lr',
                                  'epoch', 'plateau_epoch', 'sequential', 'chained'])
def test_warnings_match_torch(case):
    def run_lib(lib):
        opt, _ = build(lib, 'sgd')
        S = lib.optim.lr_scheduler
        if case == 'plateau_epoch':
            sched = S.ReduceLROnPlateau(opt)
        elif case == 'sequential':
            sched = S.SequentialLR(opt, [S.StepLR(opt, 3), S.ExponentialLR(opt, 0.9)], [5])
        elif case == 'chained':
            sched = S.ChainedScheduler([S.StepLR(opt, 3), S.ExponentialLR(opt, 0.9)])
        else:
            sched = S.StepLR(opt, 3)

        def body():
            if case == 'ordered':
                for _ in range(3):
                    opt.step()
                    sched.step()
            elif case in ('sched_first', 'sequential', 'chained'):
                sched.step()
                opt.step()
                sched.step()
            elif case == 'overridden':
                opt.step = lambda closure=None: None
                opt.step()
                sched.step()
            elif case == 'get_lr':
                sched.get_lr()
            elif case == 'epoch':
                opt.step()
                sched.step(4)
            elif case == 'plateau_epoch':
                sched.step(1.0, epoch=3)
        return _warnings_of(body)
    e, t = run_lib(ember), run_lib(torch)
    assert e == t
    expected = {'ordered': 0, 'sched_first': 1, 'overridden': 1, 'get_lr': 1, 'epoch': 1,
                'plateau_epoch': 1, 'sequential': 1, 'chained': 2}[case]
    assert len(e) == expected


def test_sched_first_warning_text():
    opt, _ = build(ember, 'sgd')
    sched = ember_sched.StepLR(opt, 3)
    with pytest.warns(UserWarning, match=r'Detected call of `lr_scheduler.step\(\)` before '
                                         r'`optimizer.step\(\)`'):
        sched.step()


def test_optimizer_step_is_wrapped_once():
    opt, _ = build(ember, 'sgd')
    ember_sched.StepLR(opt, 3)
    wrapped = opt.step
    ember_sched.ExponentialLR(opt, 0.9)
    assert opt.step is wrapped and wrapped._wrapped_by_lr_sched
    opt.step()
    assert opt._opt_called


# ---- state dicts ------------------------------------------------------------------------
def test_state_dicts_keep_callables_out():
    def run_lib(lib):
        opt, _ = build(lib, 'sgd')
        S = lib.optim.lr_scheduler
        lam = S.LambdaLR(opt, [lambda e: 1.0, _LambdaObj(0.9)])
        cyc = S.CyclicLR(opt, 0.01, 0.1, scale_fn=_ScaleObj())
        return lam.state_dict(), cyc.state_dict()
    (el, ec), (tl, tc) = run_lib(ember), run_lib(torch)
    assert_state_equal(el, tl, 0)
    assert_state_equal(ec, tc, 0)
    assert el['lr_lambdas'] == [None, {'base': 0.9}] and ec['_scale_fn_custom'] == {'k': 0.97}


def test_load_state_dict_restores_callable_objects():
    opt, _ = build(ember, 'sgd')
    obj = _LambdaObj(0.9)
    lam = ember_sched.LambdaLR(opt, [lambda e: 1.0, obj])
    sd = lam.state_dict()
    sd['lr_lambdas'][1] = {'base': 0.5}
    lam.load_state_dict(sd)
    assert obj.base == 0.5 and 'lr_lambdas' in sd


def test_initial_lr_and_base_lrs():
    for lib in (ember, torch):
        opt, _ = build(lib, 'sgd')
        S = lib.optim.lr_scheduler
        s = S.StepLR(opt, 3)
        assert [g['initial_lr'] for g in opt.param_groups] == [0.1, 0.05] == s.base_lrs
        assert s.last_epoch == 0 and s._step_count == 1 and s.get_last_lr() == [0.1, 0.05]
        S.ExponentialLR(opt, 0.5)               # initial_lr is kept (setdefault)
        assert [g['initial_lr'] for g in opt.param_groups] == [0.1, 0.05]


def test_names_and_aliases():
    assert set(ember_sched.__all__) == set(torch.optim.lr_scheduler.__all__)
    assert issubclass(ember_sched._LRScheduler, ember_sched.LRScheduler)
    assert ember_sched._LRScheduler.__name__ == '_LRScheduler'
    for name in ember_sched.__all__:
        assert issubclass(getattr(ember_sched, name), ember_sched.LRScheduler)
    assert ember.optim.lr_scheduler is ember_sched
    with pytest.raises(NotImplementedError):
        opt, _ = build(ember, 'sgd')
        ember_sched.LRScheduler(opt)


# ---- errors -----------------------------------------------------------------------------
def _raised(fn):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - compared with torch's
            return type(e), str(e.args[0]) if e.args else ''
    return None


def _first_sentence(s):
    return re.split(r'(?<=[.!])\s', s, maxsplit=1)[0]


def _plain(lib):
    class Plain(lib.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, dict(lr=0.1))

        def step(self, closure=None):
            return None
    return Plain


def _step_n(sched, n):
    for _ in range(n):
        sched.optimizer.step()
        sched.step()


def _added_group(sched):
    opt = sched.optimizer
    opt.add_param_group({'params': [type(opt.param_groups[0]['params'][0])(
        opt.param_groups[0]['params'][0].detach().clone())], 'lr': 0.5})
    return sched


ERRORS = {
    'not_optimizer': lambda S, o, lib: S.StepLR([1.0], 3),
    'not_optimizer_cyclic': lambda S, o, lib: S.CyclicLR(None, 0.1, 1.0),
    'not_optimizer_onecycle': lambda S, o, lib: S.OneCycleLR('x', 0.1, total_steps=3),
    'not_optimizer_plateau': lambda S, o, lib: S.ReduceLROnPlateau(3),
    'no_initial_lr': lambda S, o, lib: S.StepLR(o, 3, last_epoch=5),
    'lambdas_count': lambda S, o, lib: S.LambdaLR(o, [lambda e: 1.0]),
    'mult_lambdas_count': lambda S, o, lib: S.MultiplicativeLR(o, [lambda e: 1.0] * 3),
    'mult_not_callable': lambda S, o, lib: S.MultiplicativeLR(o, 0.5),
    'constant_factor': lambda S, o, lib: S.ConstantLR(o, factor=1.5),
    'constant_factor_neg': lambda S, o, lib: S.ConstantLR(o, factor=-0.1),
    'linear_start': lambda S, o, lib: S.LinearLR(o, start_factor=0),
    'linear_end': lambda S, o, lib: S.LinearLR(o, end_factor=1.5),
    'warm_T0': lambda S, o, lib: S.CosineAnnealingWarmRestarts(o, T_0=0),
    'warm_T0_float': lambda S, o, lib: S.CosineAnnealingWarmRestarts(o, T_0=2.0),
    'warm_Tmult': lambda S, o, lib: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    'warm_eta': lambda S, o, lib: S.CosineAnnealingWarmRestarts(o, T_0=2, eta_min='0'),
    'warm_neg_epoch': lambda S, o, lib: S.CosineAnnealingWarmRestarts(o, T_0=2).step(-1),
    'cyclic_mode': lambda S, o, lib: S.CyclicLR(o, 0.1, 1.0, mode='triangle'),
    'cyclic_lr_count': lambda S, o, lib: S.CyclicLR(o, [0.1], 1.0),
    'cyclic_max_count': lambda S, o, lib: S.CyclicLR(o, 0.1, [1.0, 2.0, 3.0]),
    'cyclic_no_momentum': lambda S, o, lib: S.CyclicLR(
        _plain(lib)([lib.nn.Parameter(lib.ones(1))]), 0.1, 1.0),
    'onecycle_no_total': lambda S, o, lib: S.OneCycleLR(o, 1.0),
    'onecycle_total0': lambda S, o, lib: S.OneCycleLR(o, 1.0, total_steps=0),
    'onecycle_total_float': lambda S, o, lib: S.OneCycleLR(o, 1.0, total_steps=10.0),
    'onecycle_epochs': lambda S, o, lib: S.OneCycleLR(o, 1.0, epochs=0, steps_per_epoch=3),
    'onecycle_spe': lambda S, o, lib: S.OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=-3),
    'onecycle_pct': lambda S, o, lib: S.OneCycleLR(o, 1.0, total_steps=10, pct_start=1.5),
    'onecycle_pct_int': lambda S, o, lib: S.OneCycleLR(o, 1.0, total_steps=10, pct_start=1),
    'onecycle_anneal': lambda S, o, lib: S.OneCycleLR(o, 1.0, total_steps=10,
                                                      anneal_strategy='exp'),
    'onecycle_max_count': lambda S, o, lib: S.OneCycleLR(o, [1.0], total_steps=10),
    'onecycle_no_momentum': lambda S, o, lib: S.OneCycleLR(
        _plain(lib)([lib.nn.Parameter(lib.ones(1))]), 1.0, total_steps=10),
    'onecycle_overstep': lambda S, o, lib: _step_n(S.OneCycleLR(o, 1.0, total_steps=3), 4),
    'plateau_factor': lambda S, o, lib: S.ReduceLROnPlateau(o, factor=1.0),
    'plateau_mode': lambda S, o, lib: S.ReduceLROnPlateau(o, mode='minimum'),
    'plateau_tmode': lambda S, o, lib: S.ReduceLROnPlateau(o, threshold_mode='relative'),
    'plateau_min_lrs': lambda S, o, lib: S.ReduceLROnPlateau(o, min_lr=[0.1]),
    'sequential_empty': lambda S, o, lib: S.SequentialLR(o, [], []),
    'sequential_milestones': lambda S, o, lib: S.SequentialLR(
        o, [S.StepLR(o, 2), S.StepLR(o, 3)], [1, 2]),
    'sequential_plateau': lambda S, o, lib: S.SequentialLR(
        o, [S.StepLR(o, 2), S.ReduceLROnPlateau(o)], [3]),
    'sequential_not_sched': lambda S, o, lib: S.SequentialLR(o, [S.StepLR(o, 2), 3], [3]),
    'sequential_other_opt': lambda S, o, lib: S.SequentialLR(
        o, [S.StepLR(o, 2), S.StepLR(build(lib, 'sgd')[0], 3)], [3]),
    'chained_empty': lambda S, o, lib: S.ChainedScheduler([]),
    'chained_plateau': lambda S, o, lib: S.ChainedScheduler([S.ReduceLROnPlateau(o)]),
    'chained_other_opt': lambda S, o, lib: S.ChainedScheduler(
        [S.StepLR(o, 2), S.StepLR(build(lib, 'sgd')[0], 3)]),
    'lambda_new_group': lambda S, o, lib: _step_n(_added_group(S.LambdaLR(o, lambda e: 0.9)),
                                                  1),
    'warm_new_group': lambda S, o, lib: _step_n(_added_group(
        S.CosineAnnealingWarmRestarts(o, T_0=3)), 1),
    'verbose_gone': lambda S, o, lib: S.StepLR(o, 3, verbose=True),
}


@pytest.mark.parametrize('case', list(ERRORS))
def test_errors_match_torch(case):
    def run_lib(lib):
        opt, _ = build(lib, 'nomomentum' if 'momentum' in case else 'sgd')
        ERRORS[case](lib.optim.lr_scheduler, opt, lib)
    e, t = _raised(lambda: run_lib(ember)), _raised(lambda: run_lib(torch))
    assert t is not None and e is not None, (e, t)
    assert e[0] is t[0], (e, t)
    if case in ('sequential_other_opt', 'chained_other_opt'):    # message has the repr
        assert e[1].split(' at index')[0] == t[1].split(' at index')[0]
    elif case.endswith('new_group'):
        assert e[1].startswith(t[1])
    elif case == 'verbose_gone':
        assert e[1].endswith(t[1].split('()')[-1])
    else:
        assert e[1].startswith(_first_sentence(t[1]).rstrip('.')), (e[1], t[1])
