"""Lazy modules and uninitialized parameters against torch 2.13: the same random draws at the
first forward pass, the class they become, state_dict before and after, and the errors."""
import copy

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402
from tests.oracle.harness import assert_same  # noqa: E402

# (constructor, input shape): every lazy layer, batched and unbatched
LAYERS = [
    (lambda nn: nn.LazyLinear(3), (2, 5)),
    (lambda nn: nn.LazyLinear(2, bias=False), (4, 3, 7)),
    (lambda nn: nn.LazyConv1d(4, 3), (2, 3, 6)),
    (lambda nn: nn.LazyConv2d(4, 3, stride=2, groups=2), (1, 2, 6, 6)),
    (lambda nn: nn.LazyConv3d(2, 2, bias=False), (3, 3, 3, 3)),
    (lambda nn: nn.LazyConvTranspose1d(3, 2), (2, 5, 4)),
    (lambda nn: nn.LazyConvTranspose2d(4, 3, groups=2, dilation=2), (1, 4, 3, 3)),
    (lambda nn: nn.LazyConvTranspose3d(2, 2), (2, 2, 2, 2)),
    (lambda nn: nn.LazyBatchNorm1d(), (4, 3)),
    (lambda nn: nn.LazyBatchNorm2d(eps=1e-3), (2, 3, 2, 2)),
    (lambda nn: nn.LazyBatchNorm3d(track_running_stats=False), (2, 2, 2, 2, 2)),
    (lambda nn: nn.LazyInstanceNorm1d(), (2, 3, 4)),
    (lambda nn: nn.LazyInstanceNorm2d(affine=False), (1, 3, 2, 2)),
    (lambda nn: nn.LazyInstanceNorm3d(bias=False), (1, 2, 2, 2, 2)),
]


def _both(make):
    out = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        out.append(make(lib.nn))
    return out


def _state_repr(m):
    return [(k, repr(v) if type(v).__name__.startswith('Uninit') else tuple(v.shape))
            for k, v in m.state_dict().items()]


@pytest.mark.parametrize('make,shape', LAYERS, ids=[f'{i}' for i in range(len(LAYERS))])
def test_first_forward_matches_torch(make, shape):
    em, tm = _both(make)
    assert repr(em) == repr(tm)
    assert _state_repr(em) == _state_repr(tm)
    assert em.has_uninitialized_params() and tm.has_uninitialized_params()
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    ember.manual_seed(1)
    torch.manual_seed(1)        # the initialisation draws come from the global generator
    eo, to = em(ember.tensor(x)), tm(torch.tensor(x))
    assert type(em).__name__ == type(tm).__name__ and not type(em).__name__.startswith('Lazy')
    assert repr(em) == repr(tm)
    assert not any(ember.nn.parameter.is_lazy(t) for t in em.state_dict().values())
    assert_same(eo, to, 1e-5, 1e-5, 'output')
    es, ts = em.state_dict(), tm.state_dict()
    assert list(es) == list(ts)
    for k in ts:
        assert_same(es[k], ts[k], 1e-6, 1e-6, k)
        assert type(es[k]).__name__ == type(ts[k]).__name__ == 'Tensor'
    assert [type(p).__name__ for p in em.parameters()] == [
        type(p).__name__ for p in tm.parameters()]


def test_uninitialized_parameter_api():
    for lib in (ember, torch):
        p = lib.nn.parameter.UninitializedParameter()
        b = lib.nn.UninitializedBuffer(dtype=lib.float64)
        assert repr(p) == '<UninitializedParameter>' and repr(b) == '<UninitializedBuffer>'
        assert (p.requires_grad, b.requires_grad, str(p.dtype), str(b.dtype)) == (
            True, False, 'torch.float32', 'torch.float64')
        assert lib.nn.parameter.is_lazy(p) and not lib.nn.parameter.is_lazy(lib.ones(1))
        with pytest.raises(ValueError, match='Attempted to use an uninitialized parameter'):
            p + 1
        with pytest.raises(RuntimeError, match="Can't access the shape"):
            p.shape
        p.materialize((2, 3))
        b.materialize(4)
        assert type(p).__name__ == 'Parameter' and tuple(p.shape) == (2, 3) and p.requires_grad
        assert type(b) is lib.Tensor and b.dtype == lib.float64 and tuple(b.shape) == (4,)
        with pytest.raises(AttributeError):
            p.materialize((2, 3))


def test_use_before_forward_raises():
    for lib in (ember, torch):
        lin = lib.nn.LazyLinear(3)
        with pytest.raises(ValueError, match='uninitialized parameter'):
            lib.nn.functional.linear(lib.ones(2, 2), lin.weight)


@pytest.mark.parametrize('make,shape,exc', [
    (lambda nn: nn.LazyConv2d(4, 3), (2, 3), RuntimeError),
    (lambda nn: nn.LazyConv2d(4, 3, groups=2), (1, 3, 5, 5), ValueError),
    (lambda nn: nn.LazyConvTranspose1d(4, 3), (1, 1, 2, 3, 5), RuntimeError),
])
def test_bad_first_input(make, shape, exc):
    msgs = []
    for lib in (ember, torch):
        with pytest.raises(exc) as e:
            make(lib.nn)(lib.zeros(shape))
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_load_state_dict_materializes():
    src = torch.nn.Linear(2, 3)
    state = {k: ember.tensor(v.detach().numpy()) for k, v in src.state_dict().items()}
    lazy = ember.nn.LazyLinear(3)
    assert str(lazy.load_state_dict(state)) == '<All keys matched successfully>'
    assert type(lazy.weight).__name__ == 'Parameter' and repr(lazy).startswith('LazyLinear')
    x = np.ones((1, 2), np.float32)
    assert_same(lazy(ember.tensor(x)), src(torch.tensor(x)), 1e-6, 1e-6, 'output')
    assert repr(lazy) == repr(src) == 'Linear(in_features=2, out_features=3, bias=True)'


def test_load_uninitialized_into_initialized_raises():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="Can't access the shape"):
            lib.nn.Linear(2, 3).load_state_dict(lib.nn.LazyLinear(3).state_dict())


def test_conversion_and_copy_before_forward():
    for lib in (ember, torch):
        bn = lib.nn.LazyBatchNorm1d().double()
        bn(lib.zeros(2, 3, dtype=lib.float64))
        assert bn.weight.dtype == bn.running_mean.dtype == lib.float64
        lin = lib.nn.LazyLinear(2)
        clone = copy.deepcopy(lin)      # torch cannot deepcopy an UninitializedBuffer
        lin(lib.zeros(1, 3))
        assert clone.has_uninitialized_params() and repr(clone).startswith('LazyLinear')
        clone(lib.zeros(1, 4))
        assert tuple(clone.weight.shape) == (2, 4)


def test_lazy_inside_a_model_trains():
    ember.manual_seed(0)
    torch.manual_seed(0)
    x = np.random.default_rng(1).standard_normal((4, 6)).astype(np.float32)
    grads = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.LazyLinear(5), lib.nn.ReLU(), lib.nn.LazyLinear(1))
        model(lib.tensor(x)).sum().backward()
        grads.append([p.grad for p in model.parameters()])
    for e, t in zip(*grads):
        assert_same(e, t, 1e-5, 1e-5, 'grad')
