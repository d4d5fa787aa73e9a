"""Adversarial checks of today's core changes against torch 2.13: the autograd engine's fast
path and gradient stealing, autocast, float16/bfloat16 op coverage and the
RuntimeWarning-retry in the hot ops. Each test runs the same program on both libraries."""
import math
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')

BOTH = pytest.mark.parametrize('lib', [ember, torch], ids=['ember', 'torch'])


def _same(build):
    """``build(lib)`` on both libraries; the results must compare equal."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        got, want = build(ember), build(torch)
    assert got == want


# ---- autograd: leaf gradients never alias a tensor the caller holds -------------------------
def test_grad_not_aliased_to_user_gradient():
    def build(lib):
        out = []
        for make in (lambda x: x * 2, lambda x: x + 0, lambda x: x.clone(), lambda x: x):
            x = lib.ones(3, requires_grad=True)
            g = lib.ones(3)
            make(x).backward(g)
            g.mul_(5)
            out.append(x.grad.tolist())
        return out
    _same(build)


@pytest.mark.parametrize('root', ['hook', 'leaf', 'view'])
def test_create_graph_grad_is_a_copy(root):
    # with create_graph, .grad must not be the incoming gradient itself: the next backward
    # accumulates into .grad in place and would change the caller's tensor
    def build(lib):
        x = lib.ones(3, requires_grad=True)
        held = lib.full((3,), 7.)
        if root == 'hook':
            x.register_hook(lambda g: held)
            (x * 2).sum().backward(create_graph=True)
        elif root == 'leaf':
            x.backward(held, create_graph=True)
        else:
            x.view(3).backward(held, create_graph=True)
        first = x.grad is held
        (x * 2).sum().backward()
        return first, held.tolist(), x.grad.tolist()
    _same(build)


def test_accumulation_after_stolen_grad_and_hooks():
    def build(lib):
        x = lib.ones(3, requires_grad=True)
        (x * 2).sum().backward()
        first = x.grad
        (x * 3).sum().backward()
        out = [x.grad.tolist(), first is x.grad, first.tolist()]
        w = lib.ones(3, requires_grad=True)
        held = lib.full((3,), 7.)
        w.register_hook(lambda g: held)
        (w * 2).sum().backward()
        held.mul_(2)
        (w * 2).sum().backward()
        out += [w.grad.tolist(), held.tolist()]
        mine = lib.zeros(3)
        v = lib.ones(3, requires_grad=True)
        v.grad = mine
        (v * 2).sum().backward()
        return out + [mine.tolist(), v.grad is mine]
    _same(build)


def test_hooks_retain_grad_and_retain_graph():
    def build(lib):
        x = lib.tensor([1., 2., 3.], requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: g * 10)
        y.retain_grad()
        z = (y * y).sum()
        z.backward(retain_graph=True)
        out = [x.grad.tolist(), y.grad.tolist()]
        z.backward()
        out += [x.grad.tolist(), y.grad.tolist()]
        try:
            z.backward()
        except RuntimeError:
            out.append('freed')
        seen = []
        x.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.tolist()))
        (x * x + x).sum().backward()
        return out + seen
    _same(build)


def test_double_backward_through_sum_and_mean():
    def build(lib):
        x = lib.tensor([1., 2., 3.], requires_grad=True)
        gx, = lib.autograd.grad((x ** 3).mean(), x, create_graph=True)
        gx.sum().backward()
        out = [x.grad.tolist()]
        x = lib.tensor([1., 2., 3.], requires_grad=True)
        (x ** 3).sum().backward(create_graph=True)
        first = x.grad.detach().clone()
        x.grad.sum().backward()
        return out + [first.tolist(), x.grad.tolist(), x.grad.requires_grad]
    _same(build)


def test_backward_inside_hook_and_multi_grad_hook():
    def build(lib):
        x = lib.ones(2, requires_grad=True)
        w = lib.ones(2, requires_grad=True)

        def inner(g):
            with lib.enable_grad():
                (w * 3).sum().backward()
            return g * 2
        x.register_hook(inner)
        (x * 2).sum().backward()
        out = [x.grad.tolist(), w.grad.tolist()]
        a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        got = []
        lib.autograd.graph.register_multi_grad_hook(
            (a, b), lambda gs: got.append([None if g is None else g.tolist() for g in gs]))
        (a * 2).sum().backward()
        (a * 2 + b).sum().backward()
        return out + got
    _same(build)


def test_multi_grad_hook_with_a_nested_backward_in_a_tensor_hook():
    # the nested pass gets its own BackwardPass: neither hook sees the other's gradients
    def build(lib):
        graph = lib.autograd.graph
        a, b, c = (lib.ones(2, requires_grad=True) for _ in range(3))
        outer, inner = [], []
        graph.register_multi_grad_hook(
            (a, b), lambda gs: outer.append([None if g is None else g.tolist() for g in gs]))
        graph.register_multi_grad_hook((c,), lambda gs: inner.append(gs[0].tolist()))

        def nested(g):
            with lib.enable_grad():
                (c * 4).sum().backward()
        a.register_hook(nested)
        (a * 2 + b * 3).sum().backward()
        return outer, inner, a.grad.tolist(), c.grad.tolist()
    _same(build)


def test_grad_allow_unused_inputs_and_saved_tensor_hooks():
    def build(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        z = lib.tensor([1.], requires_grad=True)
        gx, gz = lib.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
        out = [gx.tolist(), gz]
        try:
            lib.autograd.grad((x * 2).sum(), [x, z])
        except RuntimeError:
            out.append('unused')
        a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        (a * b).sum().backward(inputs=[a])
        out += [a.grad.tolist(), b.grad]
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t * 1, lambda t: t * 2):
            y = (x * x).sum()
        y.backward()
        return out + [x.grad.tolist()]
    _same(build)


@pytest.mark.parametrize('dtype', ['float64', 'float16', 'bfloat16', 'float32'])
def test_implicit_seed_per_dtype(dtype):
    def build(lib):
        dt = getattr(lib, dtype)
        out = []
        for _ in range(2):                # the cached seed must not be reused in place
            x = lib.tensor(2., dtype=dt, requires_grad=True)
            (x * 3).backward()
            y = x * x
            y.backward()
            out.append((str(x.grad.dtype), tuple(x.grad.shape), x.grad.item()))
            v = lib.tensor([1.5], dtype=dt, requires_grad=True)
            (v * 2).backward()
            out.append((str(v.grad.dtype), v.grad.tolist()))
        return out
    _same(build)


def test_anomaly_mode_and_nonscalar_root():
    def build(lib):
        out = []
        x = lib.ones(2, requires_grad=True)
        try:
            (x * 2).backward()
        except RuntimeError:
            out.append('needs gradient')
        (x * 2).backward(lib.tensor([1., 3.]))
        out.append(x.grad.tolist())
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            with lib.autograd.detect_anomaly():
                x = lib.tensor([0., 1.], requires_grad=True)
                try:
                    x.sqrt().sum().backward()
                    out.append(x.grad.tolist())
                except RuntimeError:
                    out.append('nan')
        return out
    _same(build)


# ---- autocast --------------------------------------------------------------------------------
def test_autocast_no_grad_cast_is_not_reused_with_grad():
    def build(lib):
        w = lib.nn.Parameter(lib.tensor([[1., 2.], [3., 4.]]))
        x = lib.tensor([[1., 1.]])
        with lib.autocast('cpu', dtype=lib.bfloat16):
            with lib.no_grad():
                y0 = lib.mm(x, w)
            y = lib.mm(x, w)
        y.float().sum().backward()
        return y0.requires_grad, y.requires_grad, str(y.dtype), w.grad.tolist()
    _same(build)


def test_autocast_out_argument_is_left_alone():
    def build(lib):
        w = lib.tensor([[1., 2.], [3., 4.]])
        x = lib.tensor([[1., 1.]])
        o = lib.empty(1, 2)
        with lib.autocast('cpu', dtype=lib.bfloat16):
            r = lib.mm(x, w, out=o)
            c = lib.cat([x.bfloat16(), x], out=lib.empty(2, 2))
        return r is o, str(o.dtype), o.tolist(), str(c.dtype), c.tolist()
    _same(build)


def test_autocast_nesting_integers_and_in_place_updates():
    def build(lib):
        w = lib.nn.Parameter(lib.tensor([[1., 2.], [3., 4.]]))
        x = lib.tensor([[1., 1.]])
        with lib.autocast('cpu', dtype=lib.bfloat16):
            a = lib.mm(x, w)
            with lib.autocast('cpu', dtype=lib.float16):
                b = lib.mm(x, w.detach())
            with lib.autocast('cpu', enabled=False):
                c = lib.mm(x, w)
            i = lib.mm(lib.ones(2, 2, dtype=lib.int64), lib.ones(2, 2, dtype=lib.int64))
            f = lib.mm(x.double(), w.double())
            with lib.no_grad():
                w.mul_(2)
            stale = lib.mm(x, w)      # PyTorch's cache is per region: the old cast is reused
        return ([str(t.dtype) for t in (a, b, c, i, f, stale)],
                [t.float().tolist() for t in (a, b, c, stale)])
    _same(build)


# ---- float16 / bfloat16 coverage ---------------------------------------------------------------
_LOW_OPS = {
    'where': lambda lib, x, y: lib.where(x > 0, x, y),
    'clamp': lambda lib, x, y: lib.clamp(x, -1, 1),
    'lerp': lambda lib, x, y: lib.lerp(x, y, 0.25),
    'addcmul': lambda lib, x, y: lib.addcmul(x, x, y, value=0.5),
    'norm': lambda lib, x, y: x.norm(dim=1),
    'cumprod': lambda lib, x, y: lib.cumprod(x, 1),
    'sort': lambda lib, x, y: lib.sort(x, 1)[0],
    'topk': lambda lib, x, y: lib.topk(x, 2)[0],
    'max_dim': lambda lib, x, y: lib.max(x, 1)[0],
    'index_select': lambda lib, x, y: lib.index_select(x, 1, lib.tensor([2, 0])),
    'gather': lambda lib, x, y: lib.gather(x, 1, lib.tensor([[0, 2, 1], [1, 0, 0]])),
    'scatter_add': lambda lib, x, y: y.scatter_add(1, lib.tensor([[0, 2, 1], [1, 0, 0]]), x),
    'masked_fill': lambda lib, x, y: x.masked_fill(x < 0, 0.0),
    'pad': lambda lib, x, y: lib.nn.functional.pad(x, (1, 1)),
    'interpolate': lambda lib, x, y: lib.nn.functional.interpolate(
        x.unsqueeze(0), scale_factor=2, mode='linear'),
    'bilinear': lambda lib, x, y: lib.nn.functional.interpolate(
        x[None, None], scale_factor=2, mode='bilinear'),
    'dropout': lambda lib, x, y: lib.nn.functional.dropout(x, 0.5, training=False),
    'embedding': lambda lib, x, y: lib.nn.functional.embedding(lib.tensor([1, 0]), x),
    'cross_entropy': lambda lib, x, y: lib.nn.functional.cross_entropy(x, lib.tensor([0, 2])),
    'mse_loss': lambda lib, x, y: lib.nn.functional.mse_loss(x, y),
}


@pytest.mark.parametrize('dtype', ['float16', 'bfloat16'])
@pytest.mark.parametrize('op', sorted(_LOW_OPS))
def test_low_precision_ops_keep_dtype_and_grad(op, dtype):
    def build(lib):
        dt = getattr(lib, dtype)
        x = lib.tensor([[0.5, -1.5, 2.0], [3.0, 0.25, -0.75]], dtype=dt, requires_grad=True)
        y = lib.tensor([[1.0, 2.0, -1.0], [0.5, 0.5, 0.5]], dtype=dt)
        r = _LOW_OPS[op](lib, x, y)
        r.float().sum().backward()
        return (str(r.dtype), r.requires_grad, tuple(r.shape), str(x.grad.dtype),
                np.round(r.detach().double().numpy(), 2).tolist(),
                np.round(x.grad.double().numpy(), 2).tolist())
    _same(build)


@BOTH
@pytest.mark.parametrize('dtype, ctype', [('float16', 'Half'), ('bfloat16', 'BFloat16')])
def test_low_precision_fill_overflow_names_the_type(lib, dtype, ctype):
    x = lib.zeros(2, dtype=getattr(lib, dtype))
    with pytest.raises(RuntimeError, match=f'{ctype} without overflow'):
        x.masked_fill_(x == 0, 1e39)
    x.masked_fill_(x == 0, 1024.)
    assert x.tolist() == [1024., 1024.]


# ---- RuntimeWarnings raised as errors: the quiet retry --------------------------------------
_INF = math.inf


def _warning_cases(lib):
    a = lib.tensor([_INF, 1., -_INF, 3e38])
    b = lib.tensor([-_INF, 2., -_INF, 3e38])
    h = lib.tensor([60000., 60000., -_INF, _INF], dtype=lib.float16)
    m1, m2 = lib.tensor([[_INF, 0.], [1., 2.]]), lib.tensor([[0., 1.], [1., _INF]])
    return {
        'add': lambda: a + b, 'add_alpha': lambda: lib.add(a, b, alpha=1e38),
        'sub': lambda: a - b, 'rsub': lambda: lib.rsub(a, b), 'mul': lambda: a * b,
        'sum': lambda: a.sum(), 'sum_dim': lambda: lib.stack([a, b]).sum(0),
        'sum_f16': lambda: h[:2].sum(), 'mean_f16': lambda: h.mean(),
        'mean_dtype': lambda: lib.mean(lib.tensor([1e6, 1.]), dtype=lib.float16),
        'mean': lambda: a.mean(), 'mm': lambda: m1 @ m2, 'cumsum': lambda: a.cumsum(0),
        'mse': lambda: lib.nn.functional.mse_loss(a, b), 'mul_f16': lambda: h * h,
        'bad_add': lambda: a + lib.ones(3), 'bad_sub': lambda: a - lib.ones(3),
        'bad_mul': lambda: a * lib.ones(3), 'bad_mm': lambda: m1 @ lib.ones(3, 2),
        'bad_rsub': lambda: lib.rsub(a, lib.ones(3)), 'bad_sum': lambda: a.sum(5),
        'bad_inf_add': lambda: lib.tensor([_INF, -_INF]) + lib.tensor([-_INF, _INF, 1.]),
    }


def _outcomes(lib, action):
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter(action)
        for name, f in _warning_cases(lib).items():
            try:
                r = f()
                out[name] = (str(r.dtype), [str(v) for v in r.double().flatten().tolist()])
            except Exception as e:              # noqa: BLE001 - the type is what is compared
                out[name] = type(e).__name__
    return out


def test_warnings_as_errors_retry_gives_the_normal_results():
    strict = _outcomes(ember, 'error')
    assert strict == _outcomes(ember, 'ignore')
    assert strict == _outcomes(torch, 'error')
