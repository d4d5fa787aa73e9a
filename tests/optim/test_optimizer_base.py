"""The Optimizer base against torch 2.13: groups, errors, state_dict layout, hooks, repr."""
import copy
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')

from .harness import assert_state_equal, model  # noqa: E402


def _raised(fn):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - compared with torch's
            return type(e), str(e)
    return None


@pytest.mark.parametrize('case', ['empty', 'tensor', 'set', 'non_leaf', 'not_tensor',
                                  'two_groups', 'negative_lr', 'negative_momentum',
                                  'negative_wd', 'nesterov', 'group_not_dict'])
def test_errors_match_torch(case):
    def run(lib):
        w = lib.nn.Parameter(lib.ones(2))
        SGD = lib.optim.SGD
        if case == 'empty':
            SGD([], lr=0.1)
        elif case == 'tensor':
            SGD(w, lr=0.1)
        elif case == 'set':
            SGD([{'params': {w}}], lr=0.1)
        elif case == 'non_leaf':
            SGD([w * 2], lr=0.1)
        elif case == 'not_tensor':
            SGD([1.0], lr=0.1)
        elif case == 'two_groups':
            SGD([{'params': [w]}, {'params': [w]}], lr=0.1)
        elif case == 'negative_lr':
            SGD([w], lr=-1)
        elif case == 'negative_momentum':
            SGD([w], lr=0.1, momentum=-0.5)
        elif case == 'negative_wd':
            SGD([w], lr=0.1, weight_decay=-1)
        elif case == 'nesterov':
            SGD([w], lr=0.1, nesterov=True)
        elif case == 'group_not_dict':
            SGD([w], lr=0.1).add_param_group([w])
    e, t = _raised(lambda: run(ember)), _raised(lambda: run(torch))
    assert t is not None
    assert e[0] is t[0]
    assert e[1].startswith(t[1].split(' (')[0].split(', but got')[0])


def test_duplicate_parameter_warns_like_torch():
    for lib in (ember, torch):
        w = lib.nn.Parameter(lib.ones(1))
        with pytest.warns(UserWarning, match='duplicate parameters'):
            lib.optim.SGD([w, w], lr=0.1)


def _groups(lib):
    lib.manual_seed(0)
    m = model(lib, 'float64')
    opt = lib.optim.SGD([{'params': m[0].parameters(), 'lr': 0.1},
                         {'params': m[2].parameters()}], lr=0.01, momentum=0.9)
    return m, opt


def _step(lib, m, opt, n=3):
    x = lib.ones(5, 4, dtype=lib.float64)
    for _ in range(n):
        opt.zero_grad()
        m(x).pow(2).sum().backward()
        opt.step()


def test_state_dict_layout_repr_and_groups_match_torch():
    (em, eo), (tm, to) = _groups(ember), _groups(torch)
    assert repr(eo) == repr(to)
    assert_state_equal(eo.state_dict(), to.state_dict(), 1e-12)
    _step(ember, em, eo)
    _step(torch, tm, to)
    es, ts = eo.state_dict(), to.state_dict()
    assert_state_equal(es, ts, 1e-12)
    assert list(es['state']) == [0, 1, 2, 3]
    assert [g['params'] for g in es['param_groups']] == [[0, 1], [2, 3]]
    assert repr(eo) == repr(to)


def test_add_param_group_and_defaults():
    for lib in (ember, torch):
        a = lib.nn.Parameter(lib.ones(1))
        b = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.SGD([a], lr=0.1, momentum=0.5)
        opt.add_param_group({'params': b, 'lr': 1.0})
        assert [g['lr'] for g in opt.param_groups] == [0.1, 1.0]
        assert opt.param_groups[1]['momentum'] == 0.5
        assert opt.defaults['lr'] == 0.1


def test_load_state_dict_continues_identically_and_checks_sizes():
    em, eo = _groups(ember)
    _step(ember, em, eo, 2)
    # state dicts share memory with the live tensors (as in PyTorch): copy to keep them
    saved_model, saved_opt = copy.deepcopy(em.state_dict()), copy.deepcopy(eo.state_dict())
    _step(ember, em, eo, 3)
    fm, fo = _groups(ember)
    fm.load_state_dict(saved_model)
    fo.load_state_dict(saved_opt)
    _step(ember, fm, fo, 3)
    for a, b in zip(em.parameters(), fm.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    other = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=0.1)
    with pytest.raises(ValueError, match='different number of parameter groups'):
        other.load_state_dict(saved_opt)


def test_load_torch_state_dict_into_ember():
    (em, eo), (tm, to) = _groups(ember), _groups(torch)
    _step(torch, tm, to, 2)
    sd = to.state_dict()
    converted = {'state': {k: {n: ember.tensor(v.numpy()) for n, v in s.items()}
                           for k, s in sd['state'].items()},
                 'param_groups': sd['param_groups']}
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    eo.load_state_dict(converted)
    _step(ember, em, eo, 2)
    _step(torch, tm, to, 2)
    for a, b in zip(em.parameters(), tm.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12)


def test_zero_grad_closure_and_hooks():
    calls = []
    for lib in (ember, torch):
        w = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        opt = lib.optim.SGD([w], lr=0.1)

        def closure():
            opt.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            return loss
        pre = opt.register_step_pre_hook(lambda o, a, k: calls.append((lib.__name__, 'pre')))
        opt.register_step_post_hook(lambda o, a, k: calls.append((lib.__name__, 'post')))
        loss = opt.step(closure)
        assert float(loss.detach()) == 5.0
        pre.remove()
        opt.step(closure)
        assert w.detach().numpy().tolist() == pytest.approx([0.64, 1.28])
        opt.zero_grad(set_to_none=False)
        assert w.grad.numpy().tolist() == [0.0, 0.0]
        opt.zero_grad()
        assert w.grad is None
    assert calls == [('ember', 'pre'), ('ember', 'post'), ('ember', 'post'),
                     ('torch', 'pre'), ('torch', 'post'), ('torch', 'post')]


def test_named_parameters_give_param_names():
    for lib in (ember, torch):
        m = lib.nn.Linear(2, 1)
        opt = lib.optim.SGD(m.named_parameters(), lr=0.1)
        assert opt.param_groups[0]['param_names'] == ['weight', 'bias']
        assert opt.state_dict()['param_groups'][0]['param_names'] == ['weight', 'bias']


def test_step_runs_without_recording_a_graph():
    w = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
    (w * 3).sum().backward()
    opt.step()
    assert w.is_leaf and w.grad_fn is None
    assert opt.state[w]['momentum_buffer'].grad_fn is None
