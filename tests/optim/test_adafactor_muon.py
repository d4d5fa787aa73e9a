"""Adafactor and Muon against torch 2.13: trajectories of the harness MLP (float64 and
float32), resuming from a state_dict saved by torch, bad hyper-parameters, Muon's 2-D rule."""
import copy

import numpy as np
import pytest

from .harness import assert_same_trajectory, assert_state_equal, close, data, model, to_np

torch = pytest.importorskip('torch')
import ember  # noqa: E402

DTYPES = ['float64', 'float32']

# Adafactor's step is scale-free (update RMS clipped to d), so a large lr makes the run
# chaotic: 1-ulp gradient differences grow. lr <= 0.02 keeps 50 steps comparable.
ADAFACTOR = [dict(), dict(lr=0.02, weight_decay=0.1), dict(maximize=True),
             dict(eps=(1e-30, 1e-2), d=2.0, beta2_decay=-0.5), dict(foreach=True, lr=0.02),
             dict(eps=(1e-3, 1e-3))]


def _ids(o):
    return '-'.join(f'{k}={v}' for k, v in o.items()) or 'defaults'


def adafactor(options):
    return lambda lib, params: lib.optim.Adafactor(params, **options)


def muon(options):
    """Muon optimizes only the 2-D weights (biases stay as they are)."""
    return lambda lib, params: lib.optim.Muon([p for p in params if p.ndim == 2], **options)


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('options', ADAFACTOR, ids=_ids)
def test_adafactor_matches_torch(options, dtype):
    assert_same_trajectory(adafactor(options), dtype, negate=options.get('maximize', False))


@pytest.mark.parametrize('dtype', DTYPES)
def test_adafactor_tensor_lr(dtype):
    assert_same_trajectory(
        lambda lib, p: lib.optim.Adafactor([{'params': list(p), 'lr': lib.tensor(0.01)}]),
        dtype, steps=20)


def test_adafactor_factored_state_shapes_and_3d_param():
    """>=2-D parameters keep row/column factors over the last two dims (a 3-D one too)."""
    rng = np.random.default_rng(0)
    w0, g = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 4))
    out = []
    for lib in (ember, torch):
        w = lib.nn.Parameter(lib.tensor(w0))
        opt = lib.optim.Adafactor([w], lr=0.05, weight_decay=0.01)
        for k in range(3):
            w.grad = lib.tensor(g * (k + 1))
            opt.step()
        out.append((w, opt))
    (ew, eo), (tw, to) = out
    assert tuple(eo.state[ew]['row_var'].shape) == (2, 3, 1)
    assert tuple(eo.state[ew]['col_var'].shape) == (2, 1, 4)
    close(to_np(ew), to_np(tw), 1e-12, 'param')
    assert_state_equal(eo.state_dict(), to.state_dict(), 1e-12)


MUON = [dict(), dict(lr=0.02, momentum=0.9, nesterov=False),
        dict(lr=0.01, adjust_lr_fn='match_rms_adamw', weight_decay=0.0),
        dict(lr=0.01, ns_steps=3, ns_coefficients=(3.0, -3.2, 1.2), eps=1e-5,
             adjust_lr_fn='original')]


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('options', MUON, ids=_ids)
def test_muon_matches_torch(options, dtype):
    """Exact bfloat16 emulation of torch's Newton-Schulz; few steps so that a rounding tie
    flipped by an ulp of gradient difference cannot grow."""
    assert_same_trajectory(muon(options), dtype, steps=10)


def test_muon_newton_schulz_matches_torch_bfloat16():
    from torch.optim._muon import _zeropower_via_newtonschulz as torch_ns
    from ember.optim._muon import _zeropower_via_newtonschulz as ember_ns
    rng = np.random.default_rng(1)
    for shape in [(4, 8), (9, 3), (16, 16)]:
        g = rng.standard_normal(shape).astype(np.float32)
        want = torch_ns(torch.tensor(g), (3.4445, -4.775, 2.0315), 5, 1e-7).float().numpy()
        np.testing.assert_array_equal(ember_ns(g, (3.4445, -4.775, 2.0315), 5, 1e-7), want)


def _train(lib, build, dtype, opt=None, m=None, steps=5):
    m = m if m is not None else model(lib, dtype)
    x, y = data(lib, dtype)
    opt = opt if opt is not None else build(lib, m.parameters())
    for _ in range(steps):
        opt.zero_grad()
        ((m(x) - y) ** 2).mean().backward()
        opt.step()
    return m, opt


@pytest.mark.parametrize('build', [adafactor(dict(weight_decay=0.1)),
                                   muon(dict(lr=0.01))], ids=['Adafactor', 'Muon'])
def test_resume_from_torch_state_dict(build):
    """torch's state_dict (tensors converted) loads into ember and training continues alike."""
    tm, to = _train(torch, build, 'float64')
    em = model(ember, 'float64')
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    sd = copy.deepcopy(to.state_dict())
    for s in sd['state'].values():
        for k, v in s.items():
            s[k] = ember.tensor(v.numpy())
    eo = build(ember, em.parameters())
    eo.load_state_dict(sd)
    _train(ember, build, 'float64', eo, em)
    _train(torch, build, 'float64', to, tm)
    for (n, ep), tp in zip(em.named_parameters(), tm.parameters()):
        close(to_np(ep), to_np(tp), 1e-10, n)
    assert_state_equal(eo.state_dict(), to.state_dict(), 1e-10)


BAD = [('Adafactor', dict(lr=-1.0)), ('Adafactor', dict(beta2_decay=0.5)),
       ('Adafactor', dict(eps=(-1.0, 1e-3))), ('Adafactor', dict(eps=(None, -1.0))),
       ('Adafactor', dict(d=0.5)), ('Adafactor', dict(weight_decay=-0.1)),
       ('Muon', dict(lr=-1.0)), ('Muon', dict(momentum=-0.5)), ('Muon', dict(weight_decay=-1)),
       ('Muon', dict(adjust_lr_fn='rms'))]


@pytest.mark.parametrize('name,options', BAD, ids=[f'{n}-{_ids(o)}' for n, o in BAD])
def test_bad_hyper_parameters(name, options):
    with pytest.raises(ValueError) as want:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2, 2))], **options)
    with pytest.raises(ValueError) as got:
        getattr(ember.optim, name)([ember.nn.Parameter(ember.ones(2, 2))], **options)
    assert str(got.value) == str(want.value)


def test_muon_rejects_non_2d_params():
    with pytest.raises(ValueError) as want:
        torch.optim.Muon([torch.nn.Parameter(torch.ones(3))])
    with pytest.raises(ValueError) as got:
        ember.optim.Muon([ember.nn.Parameter(ember.ones(3))])
    assert str(got.value).startswith(str(want.value))
    with pytest.raises(TypeError):
        ember.optim.Muon([ember.nn.Parameter(ember.ones(2, 2))], foreach=True)


def test_defaults_and_repr_as_torch():
    for name in ('Adafactor', 'Muon'):
        e = getattr(ember.optim, name)([ember.nn.Parameter(ember.ones(2, 2))])
        t = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2, 2))])
        assert e.defaults == t.defaults
        assert repr(e) == repr(t)
    assert {'Adafactor', 'Muon', 'swa_utils'} <= set(ember.optim.__all__)
