"""nn.utils fusion (conv/linear + BatchNorm), skip_init and stateless.functional_call against
torch 2.13."""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402
from tests.oracle.harness import assert_same  # noqa: E402


def _copy_state(em, tm):
    em.load_state_dict({k: ember.tensor(v.detach().numpy().copy())
                        for k, v in tm.state_dict().items()})


def _bn_pair(make):
    """The same BatchNorm (random affine and running statistics) in both libraries, eval mode."""
    tm = make(torch.nn)
    rng = np.random.default_rng(0)
    with torch.no_grad():
        for t in (tm.weight, tm.bias, tm.running_mean):
            if t is not None:
                t.copy_(torch.tensor(rng.standard_normal(t.shape)))
        tm.running_var.copy_(torch.tensor(rng.uniform(0.5, 2, tm.running_var.shape)))
    em = make(ember.nn)
    _copy_state(em, tm)
    return em.eval(), tm.eval()


def _layer_pair(make):
    torch.manual_seed(0)
    tm = make(torch.nn)
    em = make(ember.nn)
    _copy_state(em, tm)
    return em.eval(), tm.eval()


CONV_CASES = [
    (lambda nn: nn.Conv2d(3, 4, 3), lambda nn: nn.BatchNorm2d(4), (2, 3, 5, 5), False),
    (lambda nn: nn.Conv1d(2, 3, 2, bias=False), lambda nn: nn.BatchNorm1d(3, affine=False),
     (2, 2, 6), False),
    (lambda nn: nn.ConvTranspose2d(3, 4, 2, groups=1), lambda nn: nn.BatchNorm2d(4),
     (1, 3, 3, 3), True),
    (lambda nn: nn.Conv3d(2, 2, 1), lambda nn: nn.BatchNorm3d(2), (1, 2, 2, 2, 2), False),
]


@pytest.mark.parametrize('conv,bn,shape,transpose', CONV_CASES)
def test_fuse_conv_bn_eval(conv, bn, shape, transpose):
    (ec, tc), (eb, tb) = _layer_pair(conv), _bn_pair(bn)
    ef = ember.nn.utils.fuse_conv_bn_eval(ec, eb, transpose)
    tf = torch.nn.utils.fuse_conv_bn_eval(tc, tb, transpose)
    assert repr(ef) == repr(tf) and ef is not ec
    assert isinstance(ef.weight, ember.nn.Parameter)
    assert ef.bias.requires_grad == tf.bias.requires_grad
    for name in ('weight', 'bias'):
        assert_same(getattr(ef, name), getattr(tf, name), 1e-6, 1e-5, name)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    assert_same(ef(ember.tensor(x)), tb(tc(torch.tensor(x))), 1e-5, 1e-4, 'fused output')
    assert (ec.bias is None) == (tc.bias is None)        # the original is untouched


@pytest.mark.parametrize('features', [4, 1])
def test_fuse_linear_bn_eval(features):
    (el, tl), (eb, tb) = _layer_pair(lambda nn: nn.Linear(3, 4)), _bn_pair(
        lambda nn: nn.BatchNorm1d(features))
    ef, tf = ember.nn.utils.fuse_linear_bn_eval(el, eb), torch.nn.utils.fuse_linear_bn_eval(tl, tb)
    for name in ('weight', 'bias'):
        assert_same(getattr(ef, name), getattr(tf, name), 1e-6, 1e-5, name)
        assert type(getattr(ef, name)).__name__ == 'Parameter'


def test_fuse_weights_functions():
    rng = np.random.default_rng(2)
    w, rm = rng.standard_normal((4, 2, 3)), rng.standard_normal(4)
    rv, g = rng.uniform(0.5, 2, 4), rng.standard_normal(4)
    for transpose in (False, True):
        ww = w if not transpose else w.transpose(1, 0, 2).copy()
        outs = [lib.nn.utils.fuse_conv_bn_weights(lib.tensor(ww), None, lib.tensor(rm),
                                                  lib.tensor(rv), 1e-3, lib.tensor(g), None,
                                                  transpose) for lib in (ember, torch)]
        for e, t in zip(*outs):
            assert_same(e, t, 1e-10, 1e-10, 'fused')
            assert e.requires_grad == t.requires_grad
    lw = rng.standard_normal((4, 5))
    outs = [lib.nn.utils.fuse_linear_bn_weights(lib.tensor(lw), lib.tensor(rm), lib.tensor(rm),
                                                lib.tensor(rv), 1e-5, lib.tensor(g),
                                                lib.tensor(rm)) for lib in (ember, torch)]
    for e, t in zip(*outs):
        assert_same(e, t, 1e-10, 1e-10, 'fused linear')


def test_fusion_errors():
    for lib in (ember, torch):
        conv, bn = lib.nn.Conv2d(1, 2, 1), lib.nn.BatchNorm2d(2)
        with pytest.raises(AssertionError, match='Fusion only for eval!'):
            lib.nn.utils.fuse_conv_bn_eval(conv, bn.eval())
        with pytest.raises(AssertionError, match='bn.running_mean and bn.running_var'):
            lib.nn.utils.fuse_conv_bn_eval(conv.eval(), lib.nn.BatchNorm2d(
                2, track_running_stats=False).eval())
        with pytest.raises(AssertionError, match='To fuse, linear.out_features'):
            lib.nn.utils.fuse_linear_bn_eval(lib.nn.Linear(2, 3).eval(),
                                             lib.nn.BatchNorm1d(2).eval())


def test_skip_init():
    for lib in (ember, torch):
        lib.manual_seed(0)
        expected = lib.rand(3).tolist()
        lib.manual_seed(0)
        lin = lib.nn.utils.skip_init(lib.nn.Linear, 5, 2, bias=False)
        assert lib.rand(3).tolist() == expected       # no random numbers drawn
        assert tuple(lin.weight.shape) == (2, 5) and lin.bias is None
        assert repr(lin) == 'Linear(in_features=5, out_features=2, bias=False)'
        with pytest.raises(RuntimeError, match='Expected a Module'):
            lib.nn.utils.skip_init(int)
        with pytest.raises(RuntimeError, match="Module must support a 'device' arg"):
            lib.nn.utils.skip_init(lib.nn.ReLU)


def _call(lib, module, values, *args, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        out = lib.nn.utils.stateless.functional_call(module, values, *args, **kw)
    assert [w.category for w in caught] == [FutureWarning]
    return out


def test_functional_call_values_and_gradients():
    (el, tl) = _layer_pair(lambda nn: nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)))
    el.train(), tl.train()
    rng = np.random.default_rng(3)
    w, x = rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal((4, 3))
    results = []
    for lib, m in ((ember, el), (torch, tl)):
        weight = lib.tensor(w, requires_grad=True)
        rm = lib.zeros(2)
        out = _call(lib, m, {'0.weight': weight, '1.running_mean': rm},
                    (lib.tensor(x, dtype=lib.float32),))
        out.pow(2).sum().backward()
        assert type(m[0].weight).__name__ == 'Parameter' and m[0].weight is not weight
        assert m[0].weight.grad is None and m[0].bias.grad is not None
        results.append((out, weight.grad, rm, m[1].running_mean))
    for e, t in zip(*results):
        assert_same(e, t, 1e-5, 1e-5, 'functional_call')


def test_functional_call_kwargs_and_strict():
    for lib in (ember, torch):
        lin = lib.nn.Linear(2, 2)
        zero = {'weight': lib.zeros(2, 2), 'bias': lib.ones(2)}
        out = _call(lib, lin, zero, kwargs={'input': lib.ones(1, 2)})
        assert out.tolist() == [[1.0, 1.0]]
        with pytest.raises(RuntimeError) as e:
            _call(lib, lin, {'weight': lib.zeros(2, 2), 'foo': lib.ones(1)}, lib.ones(1, 2),
                  strict=True)
        assert str(e.value) == ("Error(s) in reparametrizing for Linear:\n\tUnexpected "
                                "key(s): 'foo'.\n\tMissing key(s): 'bias'.")
        with pytest.raises(TypeError, match='is not an instance of torch.Tensor'):
            _call(lib, lin, {'weight': 3}, lib.ones(1, 2))


def test_functional_call_tied_weights():
    outs = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        seq = lib.nn.Sequential(lib.nn.Linear(2, 2, bias=False), lib.nn.Linear(2, 2, bias=False))
        seq[1].weight = seq[0].weight
        x = lib.ones(1, 2)
        two = lib.eye(2) * 2
        tied = _call(lib, seq, {'0.weight': two}, x)
        untied = _call(lib, seq, {'0.weight': two}, x, tie_weights=False)
        with pytest.raises(ValueError, match='which are tied'):
            _call(lib, seq, {'0.weight': two, '1.weight': lib.eye(2)}, x)
        both = _call(lib, seq, {'0.weight': two, '1.weight': lib.eye(2)}, x, tie_weights=False)
        outs.append([tied, untied, both])
        assert tied.tolist() == [[4.0, 4.0]] and both.tolist() == [[2.0, 2.0]]
    for e, t in zip(*outs):
        assert_same(e, t, 1e-6, 1e-6, 'tied')
