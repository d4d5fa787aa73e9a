"""bfloat16 tensors against torch 2.13 on the same bits: dtypes, requires_grad, values
(bit-exact where PyTorch rounds once per op, at most 1 bf16 ulp where the float32
accumulation order differs) and gradients."""
import numpy as np
import pytest

ml_dtypes = pytest.importorskip('ml_dtypes')
torch = pytest.importorskip('torch')
import ember  # noqa: E402

F = ember.nn.functional


def to_torch(e):
    a = e.detach().numpy()
    return torch.from_numpy(a.copy().view(np.int16)).view(torch.bfloat16).reshape(a.shape)


def bits(t):
    if isinstance(t, torch.Tensor):
        if t.dtype == torch.bfloat16:
            return t.detach().contiguous().view(torch.int16).numpy().astype(np.int64)
        return t.detach().numpy()
    a = t.detach().numpy()
    return a.copy().view(np.int16).reshape(a.shape).astype(np.int64) if t.dtype == ember.bfloat16 else a


def bf16(*shape, positive=False):
    x = ember.randn(*shape)
    return (x.abs() + 0.1 if positive else x).to(ember.bfloat16)


ember.manual_seed(0)
X, Y, P, M, V = bf16(4, 5), bf16(4, 5), bf16(4, 5, positive=True), bf16(5, 3), bf16(5)

# name: (function of (module, *tensors), inputs, ulps allowed in the result, ulps in the grads)
CASES = {
    'add': (lambda m, a, b: a + b, [X, Y], 0, 0),
    'sub': (lambda m, a, b: a - b, [X, Y], 0, 0),
    'mul': (lambda m, a, b: a * b, [X, Y], 0, 0),
    'div': (lambda m, a, b: a / b, [X, P], 0, 2),
    'add_scalar': (lambda m, a: a + 1.3, [X], 0, 0),
    'rsub_scalar': (lambda m, a: 2.5 - a, [X], 0, 0),
    'mul_scalar': (lambda m, a: a * 0.7, [X], 0, 0),
    'div_scalar': (lambda m, a: a / 3.1, [X], 0, 0),
    'pow2': (lambda m, a: a ** 2, [X], 0, 0),
    'exp': (lambda m, a: a.exp(), [X], 0, 0),
    'log': (lambda m, a: a.log(), [P], 0, 0),
    'sqrt': (lambda m, a: a.sqrt(), [P], 0, 1),
    'sin': (lambda m, a: a.sin(), [X], 0, 0),
    'abs_neg': (lambda m, a: -a.abs(), [X], 0, 0),
    'relu': (lambda m, a: m.relu(a), [X], 0, 0),
    'sum': (lambda m, a: a.sum(), [X], 0, 0),
    'sum_dim': (lambda m, a: a.sum(1), [X], 0, 0),
    'mean': (lambda m, a: a.mean(), [X], 0, 0),
    'mean_dim': (lambda m, a: a.mean(0), [X], 0, 0),
    'prod': (lambda m, a: a.prod(), [P], 0, 0),
    'max': (lambda m, a: a.max(), [X], 0, 0),
    'amax': (lambda m, a: a.amax(1), [X], 0, 0),
    'matmul': (lambda m, a, b: a @ b, [X, M], 0, 0),
    'mv': (lambda m, a, b: a @ b, [X, V], 0, 0),
    'dot': (lambda m, a, b: a @ b, [V, V], 0, 0),
    'mm': (lambda m, a, b: m.mm(a, b), [X, M], 0, 0),
    'bmm': (lambda m, a, b: m.bmm(a.unsqueeze(0), b.unsqueeze(0)), [X, M], 0, 0),
    'addmm': (lambda m, a, b, c: m.addmm(c, a, b), [X, M, bf16(4, 3)], 0, 0),
    'linear': (lambda m, a, w: F.linear(a, w) if m is ember else m.nn.functional.linear(a, w),
               [X, Y], 0, 0),
    'linear_bias': (lambda m, a, w, b: (F if m is ember else m.nn.functional).linear(a, w, b),
                    [X, Y, bf16(4)], 0, 0),
    'softmax': (lambda m, a: a.softmax(1), [X], 0, 1),
    # the 1-step forward difference (float32 exp/log rounding) is amplified where the
    # gradient grad - exp(y) * sum(grad) cancels: at most one bf16 eps of the largest gradient
    'log_softmax': (lambda m, a: a.log_softmax(1), [X], 1, 2.0 ** -7),
    'conv2d': (lambda m, a, w: (F if m is ember else m.nn.functional).conv2d(
        a.reshape(1, 1, 4, 5), w.reshape(1, 1, 4, 5)[:, :, :2, :2]), [X, Y], 0, 4),
    'mse': (lambda m, a, b: (F if m is ember else m.nn.functional).mse_loss(a, b), [X, Y], 0, 0),
    'where': (lambda m, a, b: m.where(a > 0, a, b), [X, Y], 0, 0),
    'clamp': (lambda m, a: a.clamp(-0.5, 0.5), [X], 0, 0),
    'maximum': (lambda m, a, b: m.maximum(a, b), [X, Y], 0, 0),
    'clone': (lambda m, a: a.clone(), [X], 0, 0),
    'index': (lambda m, a: a[1:3, ::2], [X], 0, 0),
    'fancy_index': (lambda m, a: a[[0, 2]], [X], 0, 0),
    'cat': (lambda m, a, b: m.cat([a, b], 1), [X, Y], 0, 0),
    'stack': (lambda m, a, b: m.stack([a, b]), [X, Y], 0, 0),
    'transpose': (lambda m, a: a.t().contiguous(), [X], 0, 0),
    'to_float32': (lambda m, a: a.float(), [X], 0, 0),
    'to_float16': (lambda m, a: a.half(), [X], 0, 0),
    'to_int64': (lambda m, a: a.long(), [X], 0, 0),
    'type_float64': (lambda m, a: a.type(m.float64), [X], 0, 0),
    'float32_to_bf16': (lambda m, a: (a.float() * 1.7).bfloat16(), [X], 0, 0),
    'mixed_float32': (lambda m, a: a + a.float(), [X], 0, 0),
    'lt': (lambda m, a, b: a < b, [X, Y], 0, 0),
    'eq': (lambda m, a: a == a, [X], 0, 0),
    'sort': (lambda m, a: a.sort(1).values, [X], 0, 0),
    'topk': (lambda m, a: a.topk(2).values, [X], 0, 0),
    'var': (lambda m, a: a.var(1), [X], 1, 0),
    'cumsum': (lambda m, a: a.cumsum(1), [X], 0, 1),
}


def _f(m):
    return F if m is ember else m.nn.functional


# activations and norms: float32 math rounded once, as PyTorch's kernels (bit-exact); gelu's
# float32 erf/tanh differ in their tails, where the result is tiny: bounded by the largest
ACTIVATIONS = {
    'relu6': lambda m, a: _f(m).relu6(a * 3),
    'leaky_relu': lambda m, a: _f(m).leaky_relu(a, 0.1),
    'elu': lambda m, a: _f(m).elu(a, 1.3),
    'selu': lambda m, a: _f(m).selu(a),
    'celu': lambda m, a: _f(m).celu(a, 0.7),
    'silu': lambda m, a: _f(m).silu(a * 3),
    'mish': lambda m, a: _f(m).mish(a * 3),
    'sigmoid': lambda m, a: m.sigmoid(a * 3),
    'tanh': lambda m, a: m.tanh(a),
    'hardtanh': lambda m, a: _f(m).hardtanh(a, -0.5, 0.7),
    'hardswish': lambda m, a: _f(m).hardswish(a * 3),
    'hardsigmoid': lambda m, a: _f(m).hardsigmoid(a * 3),
    'softplus': lambda m, a: _f(m).softplus(a * 3),
    'softplus_beta': lambda m, a: _f(m).softplus(a, 2.0, 1.0),
    'layer_norm': lambda m, a: _f(m).layer_norm(a, (5,)),
    'group_norm': lambda m, a: _f(m).group_norm(a.reshape(2, 2, 5), 1),
    'instance_norm': lambda m, a: _f(m).instance_norm(a.reshape(2, 2, 5)),
    'rms_norm': lambda m, a: _f(m).rms_norm(a, (5,)),
}
CASES.update({name: (fn, [X], 0, 0) for name, fn in ACTIVATIONS.items()})
CASES.update({
    'gelu': (lambda m, a: _f(m).gelu(a * 3), [X], 2.0 ** -12, 2.0 ** -12),
    'gelu_tanh': (lambda m, a: _f(m).gelu(a * 3, approximate='tanh'), [X], 2.0 ** -12,
                  2.0 ** -12),
    'logsigmoid': (lambda m, a: _f(m).logsigmoid(a * 3), [X], 0, 1),
    # PyTorch's weight gradient sums in another order: 2 steps
    'layer_norm_affine': (lambda m, a, w, b: _f(m).layer_norm(a, (5,), w, b), [X, V, V * 2], 0, 2),
    # bfloat16 batch norm: PyTorch's saved invstd is sometimes one step off the rounded float32
    # one (its variance path is not reproduced): a few steps, gradients within 4 eps
    'batch_norm': (lambda m, a: _f(m).batch_norm(a.reshape(2, 2, 5), None, None, training=True),
                   [X], 2, 2.0 ** -5),
    'group_norm_affine': (lambda m, a, w: _f(m).group_norm(a.reshape(1, 4, 5), 2, w, w),
                          [X, bf16(4)], 0, 0),
    'rms_norm_weight': (lambda m, a, w: _f(m).rms_norm(a, (5,), w), [X, V], 0, 0),
    'batch_norm_affine': (lambda m, a, w: _f(m).batch_norm(a.reshape(2, 2, 5), None, None, w, w,
                                                           training=True), [X, bf16(2)], 6,
                          2.0 ** -5),
})


def _close(e, t, ulps, what):
    """At most ``ulps`` bf16 steps apart; a float ``ulps`` is instead an error bound relative
    to the largest magnitude (for results that cancel, where steps near zero mean nothing)."""
    if isinstance(ulps, float):
        a, b = e.detach().float().numpy(), t.detach().float().numpy()
        assert np.abs(a - b).max(initial=0) <= ulps * np.abs(b).max(initial=0), (what, e, t)
        return
    a, b = bits(e), bits(t)
    assert a.shape == b.shape, what
    if a.dtype == np.int64 and b.dtype == np.int64:
        assert np.abs(a - b).max(initial=0) <= ulps, (what, e, t)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


@pytest.mark.parametrize('name', list(CASES))
def test_op_matches_torch(name):
    fn, args, ulps, gulps = CASES[name]
    ea = [a.detach().requires_grad_(True) for a in args]
    ta = [to_torch(a).requires_grad_(True) for a in args]
    er, tr = fn(ember, *ea), fn(torch, *ta)
    assert str(er.dtype) == str(tr.dtype)
    assert er.requires_grad == tr.requires_grad
    _close(er, tr, ulps, 'forward')
    if tr.requires_grad:
        ember.manual_seed(1)            # the same upstream gradient whatever ran before
        g = ember.randn(tuple(er.shape)).to(er.dtype)
        er.backward(g)
        tr.backward(to_torch(g) if g.dtype == ember.bfloat16 else torch.from_numpy(g.numpy()))
        for i, (x, y) in enumerate(zip(ea, ta)):
            assert str(x.grad.dtype) == str(y.grad.dtype)
            _close(x.grad, y.grad, gulps, f'grad {i}')


def test_floating_point_predicates():
    x = ember.randn(3, requires_grad=True)
    y = x.to(ember.bfloat16)
    assert y.is_floating_point() and ember.is_floating_point(y) and y.dtype.is_floating_point
    s = y.sum()
    assert s.requires_grad and s.dtype == ember.bfloat16
    s.backward()
    assert x.grad.dtype == ember.float32
    np.testing.assert_array_equal(x.grad.numpy(), np.ones(3, np.float32))
    z = ember.zeros(2, dtype=ember.bfloat16).requires_grad_()
    assert z.requires_grad
    with pytest.raises(RuntimeError):
        ember.zeros(2, dtype=ember.int64).requires_grad_()


def test_finfo_matches_torch():
    for name in ('bfloat16', 'float16', 'float32', 'float64'):
        e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
        assert repr(e) == repr(t)
        assert (e.eps, e.max, e.tiny, e.resolution, e.bits) == (t.eps, t.max, t.tiny, t.resolution, t.bits)


def test_tensor_constructor_and_printing():
    vals = [[1.5, -2.25, 3.1415, 1e-3], [100.7, 0.0, -0.0, 7.0]]
    e, t = ember.tensor(vals, dtype=ember.bfloat16), torch.tensor(vals, dtype=torch.bfloat16)
    _close(e, t, 0, 'tensor()')
    assert repr(e) == repr(t)
    assert repr(e[0, 0]) == repr(t[0, 0])
    s = ember.tensor(2.5, dtype=ember.bfloat16, requires_grad=True)
    assert repr(s * 2) == repr(torch.tensor(2.5, dtype=torch.bfloat16, requires_grad=True) * 2)


def test_mlp_sgd_step_in_bfloat16():
    ember.manual_seed(1)
    em = ember.nn.Sequential(ember.nn.Linear(6, 8), ember.nn.ReLU(), ember.nn.Linear(8, 3))
    em = em.to(ember.bfloat16)
    tm = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    tm = tm.to(torch.bfloat16)
    with torch.no_grad():
        for pe, pt in zip(em.parameters(), tm.parameters()):
            pt.copy_(to_torch(pe))
    x, target = bf16(5, 6), [0, 1, 2, 0, 1]
    el = F.mse_loss(em(x), ember.zeros(5, 3, dtype=ember.bfloat16))
    tl = torch.nn.functional.mse_loss(tm(to_torch(x)), torch.zeros(5, 3, dtype=torch.bfloat16))
    _close(el, tl, 0, 'loss')
    el.backward()
    tl.backward()
    for pe, pt in zip(em.parameters(), tm.parameters()):
        assert pe.grad.dtype == ember.bfloat16
        _close(pe.grad, pt.grad, 1, 'grad')
    ember.optim.SGD(em.parameters(), lr=0.1).step()
    torch.optim.SGD(tm.parameters(), lr=0.1).step()
    for pe, pt in zip(em.parameters(), tm.parameters()):
        _close(pe, pt, 1, 'parameter after step')
    ce = F.cross_entropy(em(x), ember.tensor(target))
    ct = torch.nn.functional.cross_entropy(tm(to_torch(x)), torch.tensor(target))
    _close(ce, ct, 1, 'cross entropy')


def test_autocast_linear_relu_linear_backward():
    ember.manual_seed(2)
    m = ember.nn.Sequential(ember.nn.Linear(4, 5), ember.nn.ReLU(), ember.nn.Linear(5, 2))
    t = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    with torch.no_grad():
        for pe, pt in zip(m.parameters(), t.parameters()):
            pt.copy_(torch.from_numpy(pe.detach().numpy()))
    x = ember.randn(3, 4)
    with ember.autocast('cpu'):
        out = m(x)
    with torch.autocast('cpu'):
        tout = t(torch.from_numpy(x.numpy()))
    assert out.dtype == ember.bfloat16 and str(tout.dtype) == str(out.dtype)
    _close(out, tout, 1, 'autocast forward')
    out.sum().backward()
    tout.sum().backward()
    for pe, pt in zip(m.parameters(), t.parameters()):
        assert pe.grad.dtype == ember.float32
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-2, atol=1e-2)
