"""swa_utils against torch 2.13: averaged weights (SWA, EMA, custom fns, buffers), the SWALR
learning-rate sequence, update_bn's running statistics, state_dict keys and values."""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402


def net(lib, dtype='float64'):
    """Linear -> BatchNorm1d -> Linear with fixed weights (same in both libraries)."""
    rng = np.random.default_rng(3)
    nn = lib.nn
    m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    with lib.no_grad():
        for p in m.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape))))
    return m.to(getattr(lib, dtype))


def batches(lib, n=4, dtype='float64'):
    rng = np.random.default_rng(5)
    return [lib.tensor(rng.standard_normal((8, 3)), dtype=getattr(lib, dtype))
            for _ in range(n)]


def averaged_run(lib, make_avg, steps=6, dtype='float64'):
    """SGD on the net, folding the weights into the average after every step."""
    m = net(lib, dtype)
    avg = make_avg(lib, m)
    opt = lib.optim.SGD(m.parameters(), lr=0.1, momentum=0.5)
    for x in batches(lib, steps, dtype):
        opt.zero_grad()
        (m(x) ** 2).mean().backward()
        opt.step()
        avg.update_parameters(m)
    return avg


def assert_same_state(es, ts, rtol=1e-12):
    assert list(es) == list(ts)
    for k in ts:
        e, t = es[k], ts[k]
        assert str(e.dtype) == str(t.dtype), k
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=rtol, atol=rtol, err_msg=k)


AVG = {
    'swa': lambda lib, m: lib.optim.swa_utils.AveragedModel(m),
    'swa-buffers': lambda lib, m: lib.optim.swa_utils.AveragedModel(m, use_buffers=True),
    'ema-multi': lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, multi_avg_fn=lib.optim.swa_utils.get_ema_multi_avg_fn(0.9)),
    'ema-multi-buffers': lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, multi_avg_fn=lib.optim.swa_utils.get_ema_multi_avg_fn(0.7), use_buffers=True),
    'swa-multi': lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, multi_avg_fn=lib.optim.swa_utils.get_swa_multi_avg_fn()),
    'ema-avg': lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, avg_fn=lib.optim.swa_utils.get_ema_avg_fn(0.8)),
    'swa-avg': lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, avg_fn=lib.optim.swa_utils.get_swa_avg_fn()),
    'custom-avg': lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, avg_fn=lambda a, c, n: 0.5 * a + 0.5 * c),
}


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('kind', list(AVG))
def test_averaged_model_matches_torch(kind, dtype):
    e = averaged_run(ember, AVG[kind], dtype=dtype)
    t = averaged_run(torch, AVG[kind], dtype=dtype)
    assert_same_state(e.state_dict(), t.state_dict(), 1e-12 if dtype == 'float64' else 1e-6)
    x = batches(ember, 1, dtype)[0]
    e.eval(), t.eval()
    np.testing.assert_allclose(e(x).detach().numpy(),
                               t(torch.tensor(x.numpy())).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_state_dict_keys_and_interchange():
    t = averaged_run(torch, AVG['swa'])
    e = ember.optim.swa_utils.AveragedModel(net(ember))
    assert list(e.state_dict()) == list(t.state_dict())
    assert list(e.state_dict())[0] == 'n_averaged'
    assert str(e.n_averaged.dtype) == 'torch.int64' and int(e.n_averaged) == 0
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    assert int(e.n_averaged) == 6
    assert_same_state(e.state_dict(), t.state_dict())
    # one more update continues the same running average in both
    for lib, avg in ((ember, e), (torch, t)):
        m = net(lib)
        avg.update_parameters(m)
    assert_same_state(e.state_dict(), t.state_dict())


def lr_sequence(lib, groups, epochs=12, **kwargs):
    params = [lib.nn.Parameter(lib.ones(1)) for _ in groups]
    opt = lib.optim.SGD([{'params': [p], 'lr': lr} for p, lr in zip(params, groups)])
    sched = lib.optim.swa_utils.SWALR(opt, **kwargs)
    out = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr())
    return out, sched


@pytest.mark.parametrize('kwargs', [
    dict(swa_lr=0.05), dict(swa_lr=0.05, anneal_strategy='linear', anneal_epochs=4),
    dict(swa_lr=[0.01, 0.2], anneal_epochs=3), dict(swa_lr=0.3, anneal_epochs=0),
    dict(swa_lr=0.02, anneal_epochs=1, anneal_strategy='linear')], ids=str)
def test_swalr_sequence_matches_torch(kwargs):
    e, es = lr_sequence(ember, [0.5, 0.1], **kwargs)
    t, ts = lr_sequence(torch, [0.5, 0.1], **kwargs)
    np.testing.assert_allclose(e, t, rtol=1e-14, atol=0)
    esd, tsd = es.state_dict(), ts.state_dict()
    for k in ('anneal_epochs', '_anneal_strategy', 'last_epoch', '_step_count', 'base_lrs'):
        assert esd[k] == tsd[k], k
    assert 'anneal_func' not in esd and 'optimizer' not in esd


def test_swalr_load_state_dict_restores_anneal_function():
    _, es = lr_sequence(ember, [0.5], epochs=2, swa_lr=0.1, anneal_strategy='linear')
    p = ember.nn.Parameter(ember.ones(1))
    other = ember.optim.swa_utils.SWALR(ember.optim.SGD([p], lr=0.5), swa_lr=0.1)
    other.load_state_dict(es.state_dict())
    assert other.anneal_func(0.25) == 0.25


def test_get_lr_outside_step_warns():
    _, es = lr_sequence(ember, [0.5], epochs=1, swa_lr=0.1)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        es.get_lr()
    assert any('get_last_lr()' in str(x.message) for x in w)


@pytest.mark.parametrize('loader_kind', ['tensors', 'pairs'])
def test_update_bn_matches_torch(loader_kind):
    out = []
    for lib in (ember, torch):
        m = net(lib)
        m[1].momentum = 0.3
        m.eval()
        xs = batches(lib, 5)
        loader = xs if loader_kind == 'tensors' else [(x, x.sum(1)) for x in xs]
        lib.optim.swa_utils.update_bn(loader, m)
        assert m.training is False and m[1].momentum == 0.3
        out.append(m[1])
    e, t = out
    for name in ('running_mean', 'running_var', 'num_batches_tracked'):
        np.testing.assert_allclose(getattr(e, name).numpy(), getattr(t, name).numpy(),
                                   rtol=1e-12, err_msg=name)


def test_update_bn_with_dataloader_and_no_bn_model():
    xs = batches(ember, 3)
    ds = ember.utils.data.TensorDataset(ember.cat(xs))
    m = net(ember)
    ember.optim.swa_utils.update_bn(ember.utils.data.DataLoader(ds, batch_size=8), m)
    want = net(torch)
    torch.optim.swa_utils.update_bn(
        [torch.tensor(x.numpy()) for x in xs], want)
    np.testing.assert_allclose(m[1].running_var.numpy(), want[1].running_var.numpy(),
                               rtol=1e-12)
    plain = ember.nn.Linear(2, 2)
    ember.optim.swa_utils.update_bn([ember.ones(1, 2)], plain)   # nothing to do


@pytest.mark.parametrize('call', [
    lambda lib: lib.optim.swa_utils.get_ema_avg_fn(1.5),
    lambda lib: lib.optim.swa_utils.get_ema_multi_avg_fn(-0.1),
    lambda lib: lib.optim.swa_utils.SWALR(
        lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=1.0), swa_lr=0.1,
        anneal_strategy='exp'),
    lambda lib: lib.optim.swa_utils.SWALR(
        lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=1.0), swa_lr=0.1,
        anneal_epochs=-1),
    lambda lib: lib.optim.swa_utils.SWALR(
        lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=1.0), swa_lr=[0.1, 0.2]),
])
def test_errors_as_torch(call):
    with pytest.raises(Exception) as want:
        call(torch)
    with pytest.raises(type(want.value)) as got:
        call(ember)
    assert str(got.value) == str(want.value)


def test_both_avg_fns_rejected():
    for lib in (ember, torch):
        with pytest.raises(AssertionError, match='Only one of avg_fn and multi_avg_fn'):
            lib.optim.swa_utils.AveragedModel(
                lib.nn.Linear(1, 1), avg_fn=lib.optim.swa_utils.get_swa_avg_fn(),
                multi_avg_fn=lib.optim.swa_utils.get_swa_multi_avg_fn())
