"""Optimizer oracle: the same small MLP, data and optimizer in ember and torch 2.13.

``trajectory(build, dtype)`` trains both for ``steps`` steps and returns the two lists of
final parameters; ``assert_same_trajectory`` compares them (float64: rtol 1e-10, float32:
rtol 1e-5) and the optimizers' state dicts.
"""
import numpy as np

RTOL = {'float64': 1e-10, 'float32': 1e-5}


def model(lib, dtype):
    """A 4-8-3 tanh MLP with fixed weights (same in both libraries)."""
    rng = np.random.default_rng(42)
    nn = lib.nn
    m = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    with lib.no_grad():
        for p in m.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)) * 0.5))
    return m.to(getattr(lib, dtype))


def data(lib, dtype):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((16, 4))
    y = rng.standard_normal((16, 3))
    return lib.tensor(x, dtype=getattr(lib, dtype)), lib.tensor(y, dtype=getattr(lib, dtype))


def trajectory(lib, build, dtype, steps=50, closure=False, scheduler=None, negate=False):
    """Train with ``build(lib, params) -> optimizer``; return (model, optimizer, losses).

    ``negate`` trains on minus the loss (for ``maximize=True``, so the run stays stable).
    """
    m = model(lib, dtype)
    x, y = data(lib, dtype)
    opt = build(lib, m.parameters())
    sched = scheduler(lib, opt) if scheduler else None
    losses = []

    def loss_fn():
        opt.zero_grad()
        loss = ((m(x) - y) ** 2).mean()
        if negate:
            loss = -loss
        loss.backward()
        return loss
    for _ in range(steps):
        if closure:
            loss = opt.step(loss_fn)
        else:
            loss = loss_fn()
            opt.step()
        if sched is not None:
            sched.step()
        losses.append(float(loss))
    return m, opt, losses


def to_np(t):
    return np.asarray(t.detach().cpu().numpy()) if hasattr(t, 'detach') else t


def close(a, b, rtol, what):
    """Equal to ``rtol`` relative to the tensor's scale (its largest magnitude)."""
    scale = float(np.max(np.abs(b))) if np.size(b) else 0.0
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale, err_msg=what)


def assert_state_equal(es, ts, rtol, path='state_dict'):
    """Same structure, keys, types and values (tensors to ``rtol``)."""
    if isinstance(ts, dict):
        assert isinstance(es, dict), f'{path}: {type(es)} is not a dict'
        assert list(es) == list(ts), f'{path}: keys {list(es)} != {list(ts)}'
        for k in ts:
            assert_state_equal(es[k], ts[k], rtol, f'{path}[{k!r}]')
    elif isinstance(ts, (list, tuple)):
        assert type(es) is type(ts) and len(es) == len(ts), f'{path}: {es!r} != {ts!r}'
        for i, (a, b) in enumerate(zip(es, ts)):
            assert_state_equal(a, b, rtol, f'{path}[{i}]')
    elif hasattr(ts, 'detach'):
        assert hasattr(es, 'detach'), f'{path}: {type(es)} is not a tensor'
        assert str(es.dtype) == str(ts.dtype), f'{path}: dtype {es.dtype} != {ts.dtype}'
        assert tuple(es.shape) == tuple(ts.shape), f'{path}: shape'
        close(to_np(es), to_np(ts), rtol, path)
    else:
        assert es == ts or (es != es and ts != ts), f'{path}: {es!r} != {ts!r}'


def assert_same_trajectory(build, dtype, steps=50, closure=False, scheduler=None,
                           negate=False):
    """Train in both libraries and compare parameters, losses and optimizer state."""
    import ember
    import torch
    em, eo, el = trajectory(ember, build, dtype, steps, closure, scheduler, negate)
    tm, to, tl = trajectory(torch, build, dtype, steps, closure, scheduler, negate)
    rtol = RTOL[dtype]
    np.testing.assert_allclose(el, tl, rtol=rtol * 10, atol=rtol * 1e-3)
    for (n, ep), (_, tp) in zip(em.named_parameters(), tm.named_parameters()):
        close(to_np(ep), to_np(tp), rtol, n)
    assert_state_equal(eo.state_dict(), to.state_dict(), rtol)
    assert repr(eo) == repr(to)
    return eo, to
