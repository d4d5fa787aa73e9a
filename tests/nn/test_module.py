"""The Module system against torch 2.13: registration, traversal, state_dict, hooks, repr."""
import copy
from collections import OrderedDict

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def _net(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8))
            self.blocks = nn.ModuleList([nn.Linear(8, 8), nn.Tanh(), nn.Tanh()])
            self.heads = nn.ModuleDict({'cls': nn.Linear(8, 3), 'reg': nn.Linear(8, 1)})
            self.scale = nn.Parameter(lib.ones(1))
            self.register_buffer('steps', lib.zeros((), dtype=lib.int64))
            self.register_buffer('cache', lib.zeros(2), persistent=False)
            self.classifier = nn.Sequential(OrderedDict([('0', nn.Linear(8, 2)),
                                                         ('act', nn.Sigmoid())]))

        def forward(self, x):
            x = self.features(x)
            for b in self.blocks:
                x = b(x)
            return self.classifier(x * self.scale), self.heads['reg'](x)
    return Net()


def _both():
    ember.manual_seed(0)
    torch.manual_seed(0)
    return _net(ember), _net(torch)


def test_repr_state_dict_keys_and_named_members_match_torch():
    e, t = _both()
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert e.state_dict()._metadata == t.state_dict()._metadata
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    assert [n for n, _ in e.named_parameters(prefix='m', recurse=False)] == \
        [n for n, _ in t.named_parameters(prefix='m', recurse=False)]
    assert e.state_dict()['steps'].dtype == ember.int64


def test_default_parameters_equal_torch_bit_for_bit():
    e, t = _both()
    for (ne, pe), (nt, pt) in zip(e.named_parameters(), t.named_parameters()):
        assert ne == nt
        np.testing.assert_array_equal(pe.detach().numpy(), pt.detach().numpy())


def test_state_dict_through_numpy_loads_both_ways_and_outputs_match():
    e, t = _both()
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in e.state_dict().items()})
    e2 = _net(ember)
    e2.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    for a, b in zip(e2(ember.tensor(x)), t(torch.tensor(x))):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-6)


def test_load_state_dict_errors_keep_torch_text_and_add_a_hint():
    for lib in (ember, torch):
        lib.manual_seed(0)
    e, t = ember.nn.Linear(2, 3), torch.nn.Linear(2, 3)
    bad = {'weight': np.zeros((3, 3), np.float32), 'foo': np.zeros(1, np.float32)}
    msgs = []
    for lib, m in ((ember, e), (torch, t)):
        with pytest.raises(RuntimeError) as info:
            m.load_state_dict({k: lib.tensor(v) for k, v in bad.items()})
        msgs.append(str(info.value))
    assert msgs[0].startswith(msgs[1])
    assert 'Hint' in msgs[0][len(msgs[1]):]
    res_e = e.load_state_dict({'weight': ember.zeros(3, 2)}, strict=False)
    res_t = t.load_state_dict({'weight': torch.zeros(3, 2)}, strict=False)
    assert repr(res_e) == repr(res_t)
    assert repr(e.load_state_dict(e.state_dict())) == '<All keys matched successfully>'


def test_load_state_dict_hint_for_dataparallel_prefix():
    m = ember.nn.Linear(2, 1)
    sd = {'module.' + k: v for k, v in m.state_dict().items()}
    with pytest.raises(RuntimeError, match="strip it"):
        m.load_state_dict(sd)


def test_load_state_dict_rejects_non_tensor_values_like_torch():
    e, t = ember.nn.Linear(2, 3), torch.nn.Linear(2, 3)
    msgs = []
    for m, lib in ((e, ember), (t, torch)):
        with pytest.raises(RuntimeError) as info:
            m.load_state_dict({'weight': 3, 'bias': lib.zeros(3)})
        msgs.append(str(info.value).split('\n')[:2])
    assert msgs[0] == msgs[1]


@pytest.mark.parametrize('action', ['assign_tensor_to_param', 'bad_buffer_name', 'add_int',
                                    'missing_attr', 'submodule', 'not_module', 'train_int',
                                    'before_init', 'buffer_exists'])
def test_registration_errors_match_torch(action):
    def run(lib):
        nn = lib.nn
        m = nn.Sequential(nn.Linear(2, 3))
        if action == 'assign_tensor_to_param':
            m[0].weight = lib.zeros(2)
        elif action == 'bad_buffer_name':
            m.register_buffer('a.b', None)
        elif action == 'add_int':
            m.add_module('x', 3)
        elif action == 'missing_attr':
            return m[0].foo
        elif action == 'submodule':
            m.get_submodule('0.foo')
        elif action == 'not_module':
            m.get_submodule('0.weight')
        elif action == 'train_int':
            m.train(3)
        elif action == 'before_init':
            class Bad(nn.Module):
                def __init__(self):
                    self.a = nn.Linear(1, 1)
            Bad()
        elif action == 'buffer_exists':
            m[0].register_buffer('weight', lib.zeros(1))
    errors = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:
            run(lib)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]


def test_parameter_repr_and_type():
    p = ember.nn.Parameter(ember.tensor([1., 2.]))
    q = torch.nn.Parameter(torch.tensor([1., 2.]))
    assert repr(p) == repr(q)
    assert isinstance(p, ember.Tensor) and p.requires_grad and p.is_leaf
    assert repr(ember.nn.Parameter(ember.ones(1), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.ones(1), requires_grad=False))
    assert (p * 2).__class__ is ember.Tensor


def test_containers_match_torch():
    def build(lib):
        nn = lib.nn
        s = nn.Sequential(nn.ReLU())
        s.insert(0, nn.Tanh())
        s.append(nn.ReLU())
        s.extend([nn.Sigmoid()])
        del s[1]
        s2 = s + nn.Sequential(nn.Identity())
        ml = nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.ReLU(), nn.Tanh()])
        ml.insert(1, nn.Sigmoid())
        md = nn.ModuleDict({'b': nn.ReLU(), 'a': nn.Tanh()})
        md.update([('c', nn.Identity())])
        pl = nn.ParameterList([nn.Parameter(lib.zeros(2, 3)), lib.zeros(3, dtype=lib.float64)])
        pd = nn.ParameterDict({'a': nn.Parameter(lib.zeros(2)), 'b': lib.zeros(1, 2)})
        return [repr(x) for x in (s, s[1:], s[-1], s2, ml, ml[1:3], md, pl, pd)] + \
            [list(md.keys()), len(s), list(pl.state_dict()), list(pd.state_dict())]
    assert build(ember) == build(torch)


def test_sequential_runs_layers_in_order_and_int_index():
    ember.manual_seed(0)
    torch.manual_seed(0)
    e = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.ReLU(), ember.nn.Linear(4, 1))
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(),
                               t(torch.tensor(x)).detach().numpy(), rtol=1e-6)
    assert repr(e[0]) == repr(t[0])
    with pytest.raises(IndexError):
        e[3]


def test_train_eval_zero_grad_requires_grad_apply():
    m = _net(ember)
    m.eval()
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    out, reg = m(ember.ones(2, 4))
    (out.sum() + reg.sum()).backward()
    assert m.scale.grad is not None
    m.zero_grad(set_to_none=False)
    assert float(m.scale.grad.abs().sum()) == 0.0
    m.zero_grad()
    assert m.scale.grad is None
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen[-1] == 'Net' and seen[0] == 'Linear'


def test_to_double_keeps_parameter_identity_and_int_buffers():
    m = _net(ember)
    p = m.scale
    m.double()
    assert m.scale is p and p.dtype == ember.float64
    assert m.steps.dtype == ember.int64
    m.to(ember.float32)
    assert p.dtype == ember.float32
    m.half().float()
    assert m.features[0].weight.dtype == ember.float32
    with pytest.raises(TypeError, match='floating point'):
        m.to(ember.int32)
    assert m.to('cpu') is m and m.cpu() is m


def test_deepcopy_and_duplicate_parameters():
    nn = ember.nn
    lin = nn.Linear(2, 2)
    shared = nn.Sequential(lin, lin)
    assert len(list(shared.parameters())) == 2
    assert len(list(shared.named_parameters(remove_duplicate=False))) == 4
    c = copy.deepcopy(shared)
    assert c[0] is c[1] and c[0].weight is not lin.weight
    np.testing.assert_array_equal(c[0].weight.detach().numpy(), lin.weight.detach().numpy())


def test_forward_hooks_and_pre_hooks_match_torch():
    def run(lib):
        lib.manual_seed(0)
        nn = lib.nn
        m = nn.Linear(2, 2)
        log = []
        h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        h2 = m.register_forward_hook(lambda mod, args, out: out + 1)
        m.register_forward_hook(lambda mod, args, kwargs, out: log.append(sorted(kwargs)),
                                with_kwargs=True)
        y1 = m(lib.ones(1, 2)).detach().numpy().copy()
        h1.remove()
        h2.remove()
        y2 = m(lib.ones(1, 2)).detach().numpy().copy()
        return y1, y2, log
    (a1, a2, la), (b1, b2, lb) = run(ember), run(torch)
    np.testing.assert_allclose(a1, b1, rtol=1e-6)
    np.testing.assert_allclose(a2, b2, rtol=1e-6)
    assert la == lb


def test_full_backward_hooks_match_torch():
    def run(lib):
        lib.manual_seed(0)
        nn = lib.nn
        m = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
        seen = []

        def hook(mod, gin, gout):
            seen.append(('hook', type(mod).__name__,
                         [None if g is None else g.numpy().round(5).tolist() for g in gin],
                         [g.numpy().round(5).tolist() for g in gout]))

        def pre(mod, gout):
            seen.append(('pre', type(mod).__name__))
            return (gout[0] * 2,)
        m[0].register_full_backward_hook(hook)
        m[1].register_full_backward_hook(hook)
        m[1].register_full_backward_pre_hook(pre)
        x = lib.tensor([[1., 2., 3.]], requires_grad=True)
        m(x).sum().backward()
        m(lib.tensor([[1., 0., 1.]])).sum().backward()
        return seen, x.grad.numpy().round(5).tolist()
    assert run(ember) == run(torch)


def test_error_inside_a_submodule_names_its_path():
    nn = ember.nn
    model = nn.Sequential(nn.Flatten(0), nn.Sequential(nn.Linear(784, 10)))
    model.classifier = nn.Sequential(nn.Linear(10, 3))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.classifier = nn.Sequential(nn.Linear(784, 10))

        def forward(self, x):
            return self.classifier(x)
    with pytest.raises(RuntimeError) as info:
        Net()(ember.ones(64, 1, 28, 28))
    msg = str(info.value)
    assert msg.startswith('mat1 and mat2 shapes cannot be multiplied (1792x28 and 784x10)')
    assert 'model.classifier.0' in msg and 'flatten' in msg


def test_custom_module_attribute_errors():
    class M(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = ember.nn.Linear(1, 1)
    m = M()
    with pytest.raises(AttributeError, match="'M' object has no attribute 'nope'"):
        m.nope
    with pytest.raises(TypeError, match='cannot assign'):
        m.lin = 3
    del m.lin
    assert not hasattr(m, 'lin')
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        ember.nn.Module()(1)


def test_get_submodule_parameter_buffer():
    e, t = _both()
    assert repr(e.get_submodule('heads.cls')) == repr(t.get_submodule('heads.cls'))
    assert e.get_parameter('features.0.bias').shape == t.get_parameter('features.0.bias').shape
    assert e.get_buffer('steps').dtype == ember.int64
