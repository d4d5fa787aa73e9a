"""float16 activations and norms against torch 2.13 on the same bits: computed in float32 and
rounded once per op (forward and backward), as PyTorch's CPU kernels."""
import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402


def _f(m):
    return ember.nn.functional if m is ember else m.nn.functional


# name: (function of (module, x), ulps allowed in the result, ulps in the gradient)
CASES = {
    'relu6': (lambda m, a: _f(m).relu6(a * 3), 0, 0),
    'leaky_relu': (lambda m, a: _f(m).leaky_relu(a, 0.1), 0, 0),
    'elu': (lambda m, a: _f(m).elu(a, 1.3), 0, 0),
    'selu': (lambda m, a: _f(m).selu(a), 0, 0),
    'celu': (lambda m, a: _f(m).celu(a, 0.7), 0, 0),
    'sigmoid': (lambda m, a: m.sigmoid(a * 3), 0, 0),
    'tanh': (lambda m, a: m.tanh(a), 0, 0),
    'hardtanh': (lambda m, a: _f(m).hardtanh(a, -0.5, 0.7), 0, 0),
    'hardswish': (lambda m, a: _f(m).hardswish(a * 3), 0, 0),
    'softplus_beta': (lambda m, a: _f(m).softplus(a, 2.0, 1.0), 0, 0),
    # float32 transcendentals (erf, exp, tanh) one float32 step apart can round apart: 1 step
    'gelu': (lambda m, a: _f(m).gelu(a * 3), 3, 2),
    'gelu_tanh': (lambda m, a: _f(m).gelu(a * 3, approximate='tanh'), 3, 2),
    'silu': (lambda m, a: _f(m).silu(a * 3), 0, 1),
    'mish': (lambda m, a: _f(m).mish(a * 3), 0, 1),
    'softplus': (lambda m, a: _f(m).softplus(a * 3), 0, 1),
    # measured, not reproduced: PyTorch's float16 log_sigmoid/hardsigmoid backward kernels
    # round differently (float16 constants or steps) near zero gradients
    'logsigmoid': (lambda m, a: _f(m).logsigmoid(a * 3), 0, 3),
    'hardsigmoid': (lambda m, a: _f(m).hardsigmoid(a * 3), 0, 2),
    # PyTorch's float32 sums run in another order: one step
    'layer_norm': (lambda m, a: _f(m).layer_norm(a, (8,)), 1, 1),
    'group_norm': (lambda m, a: _f(m).group_norm(a.reshape(2, 6, 4), 3), 1, 1),
    'instance_norm': (lambda m, a: _f(m).instance_norm(a.reshape(4, 3, 4)), 1, 1),
    'batch_norm': (lambda m, a: _f(m).batch_norm(a.reshape(4, 3, 4), None, None,
                                                 training=True), 1, 1),
    'rms_norm': (lambda m, a: _f(m).rms_norm(a, (8,)), 1, 1),
}


def _steps(a, b):
    """float16 steps between two arrays (ordered bit patterns, so -0 == +0)."""
    def ordered(v):
        i = v.view(np.int16).astype(np.int64)
        return np.where(i < 0, -(i & 0x7fff), i)
    return np.abs(ordered(a) - ordered(b)).max(initial=0)


@pytest.mark.parametrize('name', list(CASES))
def test_float16_matches_torch(name):
    fn, ulps, gulps = CASES[name]
    ember.manual_seed(3)
    x = ember.randn(6, 8).half()
    ex = x.detach().requires_grad_()
    tx = torch.from_numpy(x.numpy().copy()).requires_grad_()
    er, tr = fn(ember, ex), fn(torch, tx)
    assert str(er.dtype) == str(tr.dtype) == 'torch.float16'
    assert _steps(er.detach().numpy(), tr.detach().numpy()) <= ulps
    g = ember.randn(tuple(er.shape)).half()
    er.backward(g)
    tr.backward(torch.from_numpy(g.numpy().copy()))
    assert ex.grad.dtype == ember.float16
    assert _steps(ex.grad.numpy(), tx.grad.numpy()) <= gulps


def test_batch_norm_running_stats_and_mixed_float32_parameters():
    ember.manual_seed(4)
    x = ember.randn(4, 3, 5).half()
    w, b = ember.randn(3), ember.randn(3)
    rm, rv = ember.randn(3), ember.rand(3) + 0.5
    trm, trv = torch.from_numpy(rm.numpy().copy()), torch.from_numpy(rv.numpy().copy())
    tw, tb = torch.from_numpy(w.numpy()), torch.from_numpy(b.numpy())
    for training in (True, False):
        e = ember.native_batch_norm(x, w, b, rm, rv, training, 0.1, 1e-5)
        t = torch.native_batch_norm(torch.from_numpy(x.numpy().copy()), tw, tb, trm, trv,
                                    training, 0.1, 1e-5)
        assert [str(a.dtype) for a in e] == [str(a.dtype) for a in t]
        assert _steps(e[0].numpy(), t[0].numpy()) <= 1
        np.testing.assert_array_equal(rm.numpy(), trm.numpy())
        np.testing.assert_array_equal(rv.numpy(), trv.numpy())


def test_saved_statistics_dtype_and_refused_mixes():
    x = ember.randn(2, 4).half()
    tx = torch.from_numpy(x.numpy().copy())
    for w in (None, ember.ones(4).half(), ember.ones(4)):
        e = ember.native_layer_norm(x, [4], w, None, 1e-5)
        t = torch.native_layer_norm(tx, [4], None if w is None else
                                    torch.from_numpy(w.numpy().copy()), None, 1e-5)
        assert [str(a.dtype) for a in e] == [str(a.dtype) for a in t]
    with pytest.raises(RuntimeError, match='mixed dtype'):
        ember.nn.functional.layer_norm(x, (4,), ember.ones(4).bfloat16())
    with pytest.raises(RuntimeError):
        torch.nn.functional.layer_norm(tx, (4,), torch.ones(4).bfloat16())
