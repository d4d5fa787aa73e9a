"""ember.autocast against torch 2.13 on CPU: per-op dtypes and values, a model's forward and
backward, nesting, the decorator, the state functions and the deprecated spellings."""
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')
needs_bf16 = pytest.mark.skipif(not ember._dtype.HAS_BFLOAT16, reason='needs ml_dtypes')


def _pair(*shape, seed=0):
    arr = np.random.default_rng(seed + len(shape)).standard_normal(shape).astype(np.float32)
    return ember.tensor(arr), torch.tensor(arr)


def _low(x, like):
    """``x`` (computed in float32) in ``like``'s dtype."""
    return x.to(like.dtype)


def _close(e, t, dtype, ulps=1):
    """Values within ``ulps`` of the low dtype: torch rounds once from a float32 accumulator,
    and so does ember (summation order may differ by float32 rounding only)."""
    assert repr(e.dtype) == repr(t.dtype)
    ev, tv = e.float().detach().numpy(), t.float().detach().numpy()
    eps = ulps * {'torch.bfloat16': 2. ** -7, 'torch.float16': 2. ** -10}.get(repr(dtype), 1e-6)
    np.testing.assert_allclose(ev, tv, rtol=eps, atol=eps * 1e-2)


LOWER_OPS = [
    ('mm', lambda L, a, b, c: L.mm(a, b)),
    ('matmul', lambda L, a, b, c: L.matmul(a, b)),
    ('bmm', lambda L, a, b, c: L.bmm(a.unsqueeze(0), b.unsqueeze(0))),
    ('addmm', lambda L, a, b, c: L.addmm(c, a, b)),
    ('baddbmm', lambda L, a, b, c: L.baddbmm(c.unsqueeze(0), a.unsqueeze(0), b.unsqueeze(0))),
    ('addbmm', lambda L, a, b, c: L.addbmm(c, a.unsqueeze(0), b.unsqueeze(0))),
    ('linear', lambda L, a, b, c: L.nn.functional.linear(a, b.t(), c[0])),
    ('vecdot', lambda L, a, b, c: L.linalg.vecdot(a, b[:5])),
    ('conv1d', lambda L, a, b, c: L.nn.functional.conv1d(a.unsqueeze(0), b[:3, :5].unsqueeze(-1))),
    ('conv2d', lambda L, a, b, c: L.nn.functional.conv2d(a.reshape(1, 1, 5, 6),
                                                         b[:2, :4].reshape(2, 1, 2, 2))),
    ('conv_transpose1d', lambda L, a, b, c: L.nn.functional.conv_transpose1d(
        a.unsqueeze(0), b[:5, :2].unsqueeze(-1))),
]
FP32_OPS = [
    ('mse_loss', lambda L, a, b, c: L.nn.functional.mse_loss(a, c)),
    ('l1_loss', lambda L, a, b, c: L.nn.functional.l1_loss(a, c)),
    ('smooth_l1_loss', lambda L, a, b, c: L.nn.functional.smooth_l1_loss(a, c)),
    ('huber_loss', lambda L, a, b, c: L.nn.functional.huber_loss(a, c)),
    ('cross_entropy', lambda L, a, b, c: L.nn.functional.cross_entropy(a, L.arange(5))),
    ('nll_loss', lambda L, a, b, c: L.nn.functional.nll_loss(a, L.arange(5))),
    ('bce_logits', lambda L, a, b, c: L.nn.functional.binary_cross_entropy_with_logits(
        a, _low(c.float().sigmoid(), c))),
    ('bce', lambda L, a, b, c: L.nn.functional.binary_cross_entropy(
        _low(a.float().sigmoid(), a), _low(c.float().sigmoid(), c))),
    ('kl_div', lambda L, a, b, c: L.nn.functional.kl_div(
        a, _low(c.float().softmax(-1), c), reduction='batchmean')),
]


def _run(lib, fn, dtype, low_inputs):
    e = lib is ember
    a, b, c = (_pair(5, 6, seed=1), _pair(6, 6, seed=2), _pair(5, 6, seed=3))
    a, b, c = (p[0] if e else p[1] for p in (a, b, c))
    if low_inputs:
        a, c = a.to(dtype), c.to(dtype)
    with lib.autocast('cpu', dtype=dtype):
        return fn(lib, a, b, c)


@pytest.mark.parametrize('low', ['bfloat16', 'float16'])
@pytest.mark.parametrize('name,fn', LOWER_OPS + FP32_OPS,
                         ids=[n for n, _ in LOWER_OPS + FP32_OPS])
def test_op_dtype_and_value(name, fn, low):
    if low == 'bfloat16' and not ember._dtype.HAS_BFLOAT16:
        pytest.skip('needs ml_dtypes')
    low_inputs = (name, fn) in FP32_OPS      # fp32 ops: feed them low-precision inputs
    t = _run(torch, fn, getattr(torch, low), low_inputs)
    e = _run(ember, fn, getattr(ember, low), low_inputs)
    # torch's vecdot rounds each product to the low dtype before summing; ember rounds once
    _close(e, t, t.dtype, ulps=4 if name == 'vecdot' else 1)


@needs_bf16
def test_promote_ops_and_untouched_float64():
    for lib in (torch, ember):
        a = lib.ones(2, dtype=lib.bfloat16)
        b = lib.ones(2)
        f64, i64 = lib.eye(2, dtype=lib.float64), lib.eye(2, dtype=lib.int64)
        with lib.autocast('cpu'):
            got = [repr(lib.cat([a, b]).dtype), repr(lib.stack([a, b]).dtype),
                   repr(lib.mm(f64, f64).dtype), repr(lib.mm(i64, i64).dtype),
                   repr((lib.ones(2) + 1).dtype)]
        if lib is torch:
            expect = got
        else:
            assert got == expect


@needs_bf16
def test_model_forward_backward_matches_torch():
    def build(lib):
        lib.manual_seed(0)
        return lib.nn.Sequential(lib.nn.Linear(6, 8), lib.nn.ReLU(), lib.nn.Linear(8, 3))

    x, xt = _pair(4, 6, seed=7)
    y = [0, 2, 1, 0]
    res = {}
    for lib, inp in ((torch, xt), (ember, x)):
        model = build(lib)
        with lib.autocast('cpu'):
            out = model(inp)
            loss = lib.nn.functional.cross_entropy(out, lib.tensor(y))
        loss.backward()
        res[lib] = (out, loss, [p.grad for p in model.parameters()])
    (eo, el, eg), (to, tl, tg) = res[ember], res[torch]
    assert repr(eo.dtype) == repr(to.dtype) == 'torch.bfloat16'
    assert repr(el.dtype) == repr(tl.dtype) == 'torch.float32'
    np.testing.assert_allclose(el.item(), tl.item(), rtol=2e-2)
    for g, h in zip(eg, tg):
        assert repr(g.dtype) == repr(h.dtype) == 'torch.float32'
        np.testing.assert_allclose(g.numpy(), h.numpy(), rtol=5e-2, atol=2e-2)


@needs_bf16
def test_conv_module_and_gradient_to_float32_input():
    x, xt = _pair(1, 2, 5, 5, seed=3)
    outs = []
    for lib, inp in ((torch, xt), (ember, x)):
        lib.manual_seed(0)
        conv = lib.nn.Conv2d(2, 3, 3)
        inp = inp.clone().requires_grad_(True)
        with lib.autocast('cpu'):
            out = conv(inp)
        out.float().sum().backward()
        outs.append((out, inp.grad))
    (t, tg), (e, eg) = outs
    _close(e, t, t.dtype)
    assert repr(eg.dtype) == 'torch.float32'
    np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=2e-2, atol=2e-2)


@needs_bf16
def test_nesting_enabled_false_and_decorator():
    for lib in (torch, ember):
        a = lib.ones(2, 2)
        seen = []
        with lib.autocast('cpu'):
            seen.append(lib.mm(a, a).dtype)
            with lib.autocast('cpu', enabled=False):
                seen.append(lib.mm(a, a).dtype)
                seen.append(lib.is_autocast_enabled('cpu'))
            with lib.autocast('cpu', dtype=lib.float16):
                seen.append(lib.mm(a, a).dtype)
            seen.append(lib.mm(a, a).dtype)
        seen.append(lib.mm(a, a).dtype)

        @lib.autocast('cpu')
        def f(x):
            return lib.mm(x, x)
        seen += [f(a).dtype, lib.is_autocast_enabled('cpu')]
        seen = [repr(s) for s in seen]
        if lib is torch:
            expect = seen
    assert seen == expect


def test_state_functions_as_torch():
    def states(lib):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            out = [lib.is_autocast_enabled(), lib.is_autocast_enabled('cpu'),
                   lib.get_autocast_dtype('cpu'), lib.get_autocast_dtype('cuda'),
                   lib.get_autocast_cpu_dtype(), lib.get_autocast_gpu_dtype(),
                   lib.is_autocast_cpu_enabled(), lib.is_autocast_cache_enabled(),
                   lib.autocast_increment_nesting(), lib.autocast_decrement_nesting()]
            lib.set_autocast_enabled('cpu', True)
            lib.set_autocast_dtype('cpu', lib.float16)
            out += [lib.is_autocast_enabled('cpu'), lib.get_autocast_dtype('cpu'),
                    lib.mm(lib.ones(1, 1), lib.ones(1, 1)).dtype]
            lib.set_autocast_cpu_enabled(False)
            lib.set_autocast_cpu_dtype(lib.bfloat16)
            lib.set_autocast_cache_enabled(False)
            out += [lib.is_autocast_enabled('cpu'), lib.is_autocast_cache_enabled()]
            lib.set_autocast_cache_enabled(True)
            lib.clear_autocast_cache()
            out += [lib.GradScaler is lib.amp.GradScaler, lib.autocast is lib.amp.autocast,
                    lib.amp.is_autocast_available('cpu'), lib.amp.is_autocast_available('cuda')]
        return [repr(o) for o in out]
    assert states(ember) == states(torch)
    with pytest.warns(DeprecationWarning, match='get_autocast_dtype'):
        ember.get_autocast_cpu_dtype()


def test_errors_and_warnings_as_torch():
    for lib in (torch, ember):
        with pytest.raises(ValueError, match='device_type'):
            lib.autocast(3)
        with pytest.raises(RuntimeError, match='device type'):
            lib.autocast('meh')
        with pytest.raises(TypeError, match='requires a callable'):
            lib.autocast('cpu')(3)
        with pytest.warns(UserWarning, match='target dtype is not supported'):
            with lib.autocast('cpu', dtype=lib.float32):
                assert not lib.is_autocast_enabled('cpu')
        with pytest.warns(UserWarning, match='CUDA is not available'):
            with lib.autocast('cuda'):
                assert not lib.is_autocast_enabled('cuda')


def test_custom_fwd_casts_inputs():
    class Square(ember.autograd.Function):
        @staticmethod
        @ember.amp.custom_fwd(device_type='cpu', cast_inputs=ember.float32)
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @ember.amp.custom_bwd(device_type='cpu')
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g
    x = ember.tensor([1., 2.], requires_grad=True)
    with ember.autocast('cpu', dtype=ember.float16):
        y = Square.apply(x.half())
    assert y.dtype is ember.float32
    y.sum().backward()
    assert x.grad.tolist() == [2., 4.]


def test_bfloat16_autocast_without_ml_dtypes_names_the_extra():
    code = ("import sys; sys.modules['ml_dtypes'] = None\n"
            "import ember\n"
            "with ember.autocast('cpu', dtype=ember.float16):\n"
            "    assert ember.mm(ember.ones(1, 1), ember.ones(1, 1)).dtype is ember.float16\n"
            "try:\n"
            "    with ember.autocast('cpu'):\n"
            "        pass\n"
            "except RuntimeError as ex:\n"
            "    assert 'pip install \"ember[bfloat16]\"' in str(ex), ex\n"
            "    print('ok')\n")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == 'ok', out.stderr
