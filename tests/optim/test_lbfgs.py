"""LBFGS against torch 2.13: trajectories with and without the strong-Wolfe line search,
closure call counts, state (types and values), resuming, bad arguments, the line search's
helpers.

L-BFGS amplifies rounding: ember's and torch's gradients differ in the last bit (their matmuls
round differently), and torch run twice with a 1-ulp change to the loss separates at the same
rate. So the long (50-step) comparisons use settings where the iteration stays well
conditioned, converging runs (max_iter=20) are compared over a few steps, and float32 over
fewer steps than float64. The derived state (curvature pairs, ``al``, ``ro``) is compared
with a looser tolerance than the parameters: ``y = g_new - g_old`` cancels digits.
"""
import copy

import numpy as np
import pytest

from .harness import close, data, model, to_np

torch = pytest.importorskip('torch')
import ember  # noqa: E402
from ember.optim import lbfgs as elbfgs  # noqa: E402

RTOL = {'float64': 1e-10, 'float32': 1e-5}
STATE_RTOL = {'float64': 1e-7, 'float32': 1e-3}


def run(lib, dtype, options, steps, m=None, opt=None):
    """Train the harness MLP with LBFGS; returns (model, optimizer, losses, calls per step)."""
    m = m if m is not None else model(lib, dtype)
    x, y = data(lib, dtype)
    opt = opt if opt is not None else lib.optim.LBFGS(m.parameters(), **options)
    calls = [0]

    def closure():
        calls[0] += 1
        opt.zero_grad()
        loss = ((m(x) - y) ** 2).mean()
        loss.backward()
        return loss
    losses, per_step = [], []
    for _ in range(steps):
        before = calls[0]
        losses.append(float(opt.step(closure)))
        per_step.append(calls[0] - before)
    return m, opt, losses, per_step


def _is_tensor(v):
    return hasattr(v, 'detach')


def assert_state_close(es, ts, rtol, path='state'):
    """Same keys (in order), types and values; tensors relative to their scale, a list of
    0-d tensors relative to the list's largest entry, Python floats to ``rtol``."""
    if isinstance(ts, dict):
        assert list(es) == list(ts), f'{path}: keys {list(es)} != {list(ts)}'
        for k in ts:
            assert_state_close(es[k], ts[k], rtol, f'{path}[{k!r}]')
    elif isinstance(ts, list):
        assert isinstance(es, list) and len(es) == len(ts), f'{path}: {es!r} != {ts!r}'
        scalars = [abs(float(v)) for v in ts if _is_tensor(v) and v.ndim == 0]
        scale = max(scalars) if scalars else None
        for i, (a, b) in enumerate(zip(es, ts)):
            if scale is not None and _is_tensor(b):
                assert _is_tensor(a) and str(a.dtype) == str(b.dtype), f'{path}[{i}]'
                assert abs(float(a) - float(b)) <= rtol * scale, f'{path}[{i}]: {a} != {b}'
            else:
                assert_state_close(a, b, rtol, f'{path}[{i}]')
    elif _is_tensor(ts):
        assert _is_tensor(es), f'{path}: {type(es)} is not a tensor'
        assert str(es.dtype) == str(ts.dtype), f'{path}: dtype {es.dtype} != {ts.dtype}'
        assert tuple(es.shape) == tuple(ts.shape), f'{path}: shape'
        close(to_np(es), to_np(ts), rtol, path)
    elif isinstance(ts, float):
        assert type(es) is float, f'{path}: {type(es)} is not a float'
        assert abs(es - ts) <= rtol * max(abs(ts), 1e-30), f'{path}: {es} != {ts}'
    else:
        assert type(es) is type(ts) and es == ts, f'{path}: {es!r} != {ts!r}'


def assert_same_lbfgs(options, dtype, steps):
    em, eo, el, ec = run(ember, dtype, options, steps)
    tm, to, tl, tc = run(torch, dtype, options, steps)
    assert ec == tc, f'closure calls per step {ec} != {tc}'
    rtol = RTOL[dtype]
    np.testing.assert_allclose(el, tl, rtol=rtol * 10, atol=rtol * 1e-3)
    for (n, ep), tp in zip(em.named_parameters(), tm.parameters()):
        close(to_np(ep), to_np(tp), rtol, n)
    esd, tsd = eo.state_dict(), to.state_dict()
    assert esd['param_groups'] == tsd['param_groups']
    assert_state_close(esd['state'], tsd['state'], STATE_RTOL[dtype])
    assert repr(eo) == repr(to)
    return ec


# (options, float64 steps, float32 steps)
CASES = [
    (dict(max_iter=1), 50, 5),
    (dict(lr=0.2, max_iter=2, history_size=3), 50, 5),
    (dict(lr=0.05, max_iter=2, line_search_fn='strong_wolfe'), 50, 10),
    (dict(max_iter=2, history_size=4, line_search_fn='strong_wolfe'), 50, 5),
    (dict(lr=0.5, max_iter=3, history_size=2), 15, 5),
    (dict(), 3, 1),             # float32: 20 iterations reach torch's own 1-ulp sensitivity
    (dict(line_search_fn='strong_wolfe'), 3, 1),
    (dict(max_iter=5, history_size=3), 8, 2),
    (dict(max_iter=5, history_size=3, line_search_fn='strong_wolfe'), 8, 2),
    (dict(lr=0.1, max_iter=4, max_eval=6, history_size=10), 10, 3),
    (dict(max_iter=10, max_eval=7, line_search_fn='strong_wolfe'), 5, 2),
    (dict(max_iter=10, tolerance_grad=1e-3, tolerance_change=1e-4), 50, 1),
    (dict(max_iter=10, tolerance_grad=1e-3, tolerance_change=1e-4,
          line_search_fn='strong_wolfe'), 50, 1),
]


def _ids(o):
    return '-'.join(f'{k}={v}' for k, v in o.items()) or 'defaults'


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('options,steps64,steps32', CASES, ids=[_ids(c[0]) for c in CASES])
def test_lbfgs_matches_torch(options, steps64, steps32, dtype):
    steps = steps64 if dtype == 'float64' else steps32
    calls = assert_same_lbfgs(options, dtype, steps)
    if options.get('max_iter', 20) > 1:
        assert max(calls) > 1       # the closure really is re-evaluated within a step


def test_line_search_evaluates_more_often():
    plain = run(ember, 'float64', dict(max_iter=4), 3)[3]
    wolfe = run(ember, 'float64', dict(max_iter=4, line_search_fn='strong_wolfe'), 3)[3]
    assert plain == [4, 4, 4] and run(torch, 'float64', dict(max_iter=4), 3)[3] == plain
    assert wolfe == run(torch, 'float64', dict(max_iter=4, line_search_fn='strong_wolfe'), 3)[3]


def test_tensor_lr():
    opts = dict(max_iter=2, history_size=3)
    out = []
    for lib in (ember, torch):
        m = model(lib, 'float64')
        opt = lib.optim.LBFGS(m.parameters(), lr=lib.tensor(0.2), **opts)
        out.append(run(lib, 'float64', opts, 20, m, opt))
    (em, eo, el, ec), (tm, to, tl, tc) = out
    assert ec == tc
    for ep, tp in zip(em.parameters(), tm.parameters()):
        close(to_np(ep), to_np(tp), 1e-10, 'param')
    assert_state_close(eo.state_dict()['state'], to.state_dict()['state'], 1e-7)


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('options', [dict(max_iter=2, history_size=3),
                                     dict(lr=0.05, max_iter=2, line_search_fn='strong_wolfe')],
                         ids=_ids)
def test_resume_from_state_dict(options, dtype):
    first, then = (20, 30) if dtype == 'float64' else (3, 2)
    results = []
    for lib in (ember, torch):
        m, opt, _, _ = run(lib, dtype, options, first)
        msd, osd = copy.deepcopy(m.state_dict()), copy.deepcopy(opt.state_dict())
        m2 = model(lib, dtype)
        m2.load_state_dict(msd)
        opt2 = lib.optim.LBFGS(m2.parameters(), **options)
        opt2.load_state_dict(osd)
        results.append(run(lib, dtype, options, then, m2, opt2))
    (em, eo, _, ec), (tm, to, _, tc) = results
    assert ec == tc
    for ep, tp in zip(em.parameters(), tm.parameters()):
        close(to_np(ep), to_np(tp), RTOL[dtype], 'param')
    assert_state_close(eo.state_dict()['state'], to.state_dict()['state'], STATE_RTOL[dtype])
    # resuming gives exactly the uninterrupted run
    um = run(ember, dtype, options, first + then)[0]
    for ep, up in zip(em.parameters(), um.parameters()):
        np.testing.assert_array_equal(to_np(ep), to_np(up))


def test_unused_parameter_gets_zero_gradient_like_torch():
    out = []
    for lib in (ember, torch):
        m = model(lib, 'float64')
        extra = lib.nn.Parameter(lib.ones(3, dtype=lib.float64))     # never receives a grad
        opt = lib.optim.LBFGS(list(m.parameters()) + [extra], max_iter=3)
        out.append(run(lib, 'float64', {}, 5, m, opt) + (extra,))
    (em, eo, _, ec, ex), (tm, to, _, tc, tx) = out
    assert ec == tc
    np.testing.assert_array_equal(to_np(ex), np.ones(3))
    assert to_np(eo.state[next(em.parameters())]['d']).shape == (67 + 3,)
    for ep, tp in zip(em.parameters(), tm.parameters()):
        close(to_np(ep), to_np(tp), 1e-10, 'param')


def test_already_optimal_returns_after_one_evaluation():
    for lib in (ember, torch):
        w = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        opt = lib.optim.LBFGS([w], tolerance_grad=10.0)

        def closure():
            opt.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            return loss
        assert float(opt.step(closure)) == 5.0
        assert dict(opt.state[w]) == {'func_evals': 1, 'n_iter': 0}
        assert w.tolist() == [1.0, 2.0]


def test_bad_arguments_raise_like_torch():
    for kwargs, exc, msg in [(dict(lr=-1.0), ValueError, 'Invalid learning rate: -1.0'),
                             (dict(lr='t2'), ValueError, 'Tensor lr must be 1-element')]:
        for lib in (ember, torch):
            lr = lib.tensor([0.1, 0.2]) if kwargs['lr'] == 't2' else kwargs['lr']
            with pytest.raises(exc, match=msg):
                lib.optim.LBFGS([lib.nn.Parameter(lib.ones(1))], lr=lr)
    for lib in (ember, torch):
        a, b = lib.nn.Parameter(lib.ones(1)), lib.nn.Parameter(lib.ones(1))
        with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
            lib.optim.LBFGS([{'params': [a]}, {'params': [b]}])
        opt = lib.optim.LBFGS([a], line_search_fn='wolfe')

        def closure():
            opt.zero_grad()
            loss = (a * a).sum()
            loss.backward()
            return loss
        with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
            opt.step(closure)
        with pytest.raises(TypeError):
            opt.step()


def test_defaults_and_repr():
    e = ember.optim.LBFGS([ember.nn.Parameter(ember.ones(1))], max_iter=8)
    t = torch.optim.LBFGS([torch.nn.Parameter(torch.ones(1))], max_iter=8)
    assert e.defaults == t.defaults and e.defaults['max_eval'] == 10
    assert repr(e) == repr(t)


# ---- the line search's pieces ------------------------------------------------------------------
def test_cubic_interpolate_matches_torch():
    from torch.optim.lbfgs import _cubic_interpolate as tci
    rng = np.random.default_rng(0)
    for _ in range(200):
        x1, x2 = (float(v) for v in rng.uniform(-2, 2, 2))
        f1, f2 = (float(v) for v in rng.standard_normal(2))
        g1, g2 = rng.standard_normal(2)
        bounds = None if rng.random() < 0.5 else tuple(sorted(rng.uniform(-3, 3, 2).tolist()))
        ours = elbfgs._cubic_interpolate(x1, f1, np.float64(g1), x2, f2, np.float64(g2),
                                         bounds)
        theirs = tci(x1, f1, torch.tensor(g1), x2, f2, torch.tensor(g2), bounds)
        assert abs(float(ours) - float(theirs)) <= 1e-12 * max(1.0, abs(float(theirs)))


@pytest.mark.parametrize('t0', [0.01, 1.0, 5.0, 40.0])
def test_strong_wolfe_matches_torch(t0):
    """A non-convex 1-d function along a direction: bracketing, extrapolation and zoom."""
    from torch.optim.lbfgs import _strong_wolfe as tsw
    x0 = np.array([0.3, -0.2, 1.1])

    def f_and_g(x):
        return float(np.sum(x ** 4 - 3 * x ** 2 + x)), 4 * x ** 3 - 6 * x + 1

    f, g = f_and_g(x0)
    d = -g
    calls = []

    def ours(x, t, d):
        calls.append('e')
        return f_and_g(x + t * d)

    def theirs(x, t, d):
        calls.append('t')
        fv, gv = f_and_g(x.numpy() + float(t) * d.numpy())
        return fv, torch.tensor(gv)
    a = elbfgs._strong_wolfe(ours, x0, t0, d, f, g, g.dot(d))
    b = tsw(theirs, torch.tensor(x0), t0, torch.tensor(d), f, torch.tensor(g),
            torch.tensor(g).dot(torch.tensor(d)))
    assert a[3] == b[3] and calls.count('e') == calls.count('t')
    assert abs(a[0] - b[0]) <= 1e-12 * abs(b[0])
    assert abs(float(a[2]) - float(b[2])) <= 1e-12 * abs(float(b[2]))
    np.testing.assert_allclose(a[1], b[1].numpy(), rtol=1e-12)
