"""inf/nan/overflow outside the oracle ops: no NumPy RuntimeWarning, and torch 2.13's values.

PyTorch computes ``inf - inf``, ``0 * inf`` or an overflow silently. Every test here runs
ember with RuntimeWarnings turned into errors (the oracle harness does the same for every op).
"""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402

INF, NAN = float('inf'), float('nan')
X = [[INF, -INF, NAN, 1e38], [0.0, 1.0, -2.0, 3e38]]


@pytest.fixture(autouse=True)
def strict():
    with warnings.catch_warnings():
        warnings.simplefilter('error', RuntimeWarning)
        yield


def _same(e, t):
    np.testing.assert_allclose(e.detach().numpy().astype(np.float64),
                               t.detach().numpy().astype(np.float64), rtol=1e-5, atol=1e-6,
                               equal_nan=True)


def _pair(name, *args):
    """The same layer in both libraries, torch's parameters copied from ember's."""
    em, tm = getattr(ember.nn, name)(*args), getattr(torch.nn, name)(*args)
    with torch.no_grad():
        for p, q in zip(em.parameters(), tm.parameters()):
            q.copy_(torch.from_numpy(p.detach().numpy().copy()))
    return em, tm


# the normalisation layers' values still differ from torch's here (a float32 variance that
# overflows is nan in torch, ember computes it in float64): for them only no warning is checked
@pytest.mark.parametrize('name,args,shape,compare', [
    ('Linear', (4, 3), (2, 4), True), ('LayerNorm', (4,), (2, 4), False),
    ('BatchNorm1d', (4,), (2, 4), False), ('GroupNorm', (2, 4), (2, 4), False),
    ('Conv1d', (2, 2, 2), (1, 2, 4), True)])
def test_layers_with_inf_inputs(name, args, shape, compare):
    em, tm = _pair(name, *args)
    xe = ember.tensor(X).reshape(shape).requires_grad_()
    xt = torch.tensor(X).reshape(shape).requires_grad_()
    ye, yt = em(xe), tm(xt)
    ye.sum().backward()
    yt.sum().backward()
    if compare:
        _same(ye, yt)
        _same(xe.grad, xt.grad)


def test_recurrent_and_attention_layers_with_inf_inputs():
    for layer, call in ((ember.nn.LSTM(4, 3), lambda m, x: m(x)[0]),
                        (ember.nn.GRU(4, 3), lambda m, x: m(x)[0]),
                        (ember.nn.MultiheadAttention(4, 2), lambda m, x: m(x, x, x)[0])):
        x = ember.tensor(X)[None].requires_grad_()
        out = call(layer, x)
        out.sum().backward()
        assert ember.isnan(out).any() and x.grad.shape == x.shape


@pytest.mark.parametrize('name,kw', [('SGD', dict(lr=0.1, momentum=0.9)), ('Adam', dict(lr=0.1)),
                                     ('AdamW', dict(lr=0.1)), ('RMSprop', dict(lr=0.1)),
                                     ('Adagrad', dict(lr=0.1))])
def test_optimizers_with_inf_grads(name, kw):
    params = []
    for lib in (ember, torch):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0, 3.0, 4.0]))
        opt = getattr(lib.optim, name)([p], **kw)
        for g in ([INF, -INF, NAN, 1.0], [1e38, 0.0, 3e38, 1.0]):
            p.grad = lib.tensor(g)
            opt.step()
        params.append(p)
    _same(*params)


def test_grad_scaler_skips_an_inf_step():
    results = []
    for lib in (ember, torch):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        opt = lib.optim.SGD([p], lr=0.1)
        scaler = lib.amp.GradScaler('cpu')
        scaler.scale((p * lib.tensor([INF, 1.0])).sum()).backward()
        scaler.step(opt)
        scaler.update()
        results.append((p.detach().numpy().tolist(), scaler.get_scale()))
    assert results[0] == results[1] == ([1.0, 2.0], 32768.0)


def test_clip_grad_norm_of_inf_grads():
    norms = []
    for lib in (ember, torch):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        p.grad = lib.tensor([INF, 1e38])
        norms.append(float(lib.nn.utils.clip_grad_norm_([p], 1.0)))
    assert norms[0] == norms[1] == INF


@pytest.mark.parametrize('make,value', [
    (lambda D, t: D.Bernoulli(probs=t([0.0, 1.0])), [1.0, 0.0]),
    (lambda D, t: D.Categorical(probs=t([0.0, 1.0])), [0, 1]),
    (lambda D, t: D.Normal(0.0, 1.0), [INF, -INF]),
    (lambda D, t: D.Exponential(1.0), [0.0, INF]),
    (lambda D, t: D.Gamma(1.0, 1.0), [0.0, INF]),
    (lambda D, t: D.Beta(1.0, 1.0), [0.0, 1.0]),
    (lambda D, t: D.Poisson(t([0.0, 1.0])), [0.0, 1.0]),
    (lambda D, t: D.Binomial(3, probs=t([0.0, 1.0])), [0.0, 3.0]),
    (lambda D, t: D.LogNormal(0.0, 1.0), [1e-45, 1e38])])
def test_distributions_at_support_edges(make, value):
    de, dt = make(ember.distributions, ember.tensor), make(torch.distributions, torch.tensor)
    _same(de.log_prob(ember.tensor(value)), dt.log_prob(torch.tensor(value)))
    try:
        entropy = dt.entropy()
    except NotImplementedError:         # Poisson, Binomial with probs 0 and 1 in torch
        return
    _same(de.entropy(), entropy)


@pytest.mark.parametrize('name', ['gammaln', 'digamma', 'erfinv', 'logit', 'i0', 'i1e', 'ndtri',
                                  'log_ndtr', 'entr', 'sinc', 'expit', 'erfcx', 'bessel_y0'])
def test_special_at_poles(name):
    v = [0.0, -1.0, -2.0, 1.0, INF, -INF, NAN, 1e38]
    _same(getattr(ember.special, name)(ember.tensor(v)), getattr(torch.special, name)(
        torch.tensor(v)))


def test_special_two_argument_at_poles():
    v = [0.0, -1.0, 1.0, INF, -INF, NAN]
    for name in ('xlog1py', 'zeta', 'xlogy'):
        _same(getattr(ember.special, name)(ember.tensor(v), ember.tensor(v[::-1])),
              getattr(torch.special, name)(torch.tensor(v), torch.tensor(v[::-1])))


def test_dataloader_collates_inf_and_nan():
    from ember.utils.data import DataLoader
    rows = [np.array([np.inf, np.nan]), np.array([1e308, -np.inf])]
    (batch,) = list(DataLoader(rows, batch_size=2))
    np.testing.assert_array_equal(batch.numpy(), np.stack(rows))


@pytest.mark.parametrize('values,dtype', [
    (X, 'float32'), ([INF, NAN, 1e-30, 1e30], 'float32'), ([1e38, 3e38, -INF], 'float32'),
    ([NAN], 'float32'), ([1e-45, 0.0], 'float32'), ([INF, -INF], 'float64'),
    ([65504.0, INF], 'float16'), ([[1e-40, 1e10], [NAN, 0.0]], 'float32')])
def test_printing_inf_and_nan(values, dtype):
    e = ember.tensor(values, dtype=getattr(ember, dtype))
    t = torch.tensor(values, dtype=getattr(torch, dtype))
    assert repr(e) == repr(t)
    assert str(e) == str(t)


def test_hot_ops_without_the_module_filter():
    """sum/cumsum/mul/matmul of inf - inf and 0 * inf: nan, silently."""
    a = ember.tensor([INF, -INF])
    assert ember.isnan(a.sum()) and ember.isnan(a.cumsum(0)[1])
    assert ember.isnan(a * 0).all()
    assert ember.isnan(ember.tensor([[INF, 1.0]]) @ ember.tensor([[0.0], [1.0]]))
    assert ember.isnan(ember.tensor([INF, -INF, 1.0, 2.0, 3.0]).mean())
