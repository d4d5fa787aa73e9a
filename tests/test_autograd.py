"""Autograd engine behaviour against PyTorch: accumulation, hooks, custom Functions,
grad modes, anomaly detection, higher order and the errors a learner meets."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def both(fn):
    """Run ``fn(lib)`` on ember and torch; return both results."""
    return fn(ember), fn(torch)


def close(e, t, tol=1e-6):
    np.testing.assert_allclose(np.asarray(e.detach().numpy(), dtype=np.float64),
                               t.detach().numpy().astype(np.float64), rtol=tol, atol=tol)


def test_grad_accumulates_over_backward_calls():
    def run(lib):
        w = lib.tensor(2.0, requires_grad=True)
        seen = []
        for _ in range(3):
            (2 * w).backward()
            seen.append(w.grad.item())
        return seen
    e, t = both(run)
    assert e == t == [2.0, 4.0, 6.0]


def test_shared_input_gradient_is_summed_and_not_aliased():
    a = ember.tensor([1., 2.], requires_grad=True)
    b = ember.tensor([3., 4.], requires_grad=True)
    (a + b).sum().backward()
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0]   # a.grad and b.grad must not share memory


def test_backward_twice_raises_unless_retained():
    x = ember.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]
    with pytest.raises(RuntimeError, match='backward through the graph a second time'):
        y.backward()


def test_non_scalar_backward_needs_gradient():
    x = ember.tensor([1., 2.], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match='grad can be implicitly created only for scalar outputs'):
        y.backward()
    y.backward(ember.tensor([1., 10.]))
    assert x.grad.tolist() == [2.0, 20.0]


def test_backward_without_grad_raises():
    x = ember.tensor([1., 2.])
    with pytest.raises(RuntimeError, match='does not require grad'):
        (x * 2).sum().backward()


def test_requires_grad_on_integer_tensor_raises():
    with pytest.raises(RuntimeError, match='floating point'):
        ember.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match='floating point'):
        ember.tensor([1, 2]).requires_grad_()


def test_inplace_on_saved_tensor_is_detected():
    x = ember.tensor([1., 2.], requires_grad=True)
    y = x.exp()
    z = (y * y).sum()
    y.add_(1)
    with pytest.raises(RuntimeError, match='modified by an inplace operation'):
        z.backward()


def test_inplace_on_saved_output_is_detected():
    x = ember.tensor([1., 2.], requires_grad=True)
    y = x.exp()          # exp saves its output
    y.mul_(2)
    with pytest.raises(RuntimeError, match='is at version 1; expected version 0'):
        y.sum().backward()


def test_inplace_on_leaf_requiring_grad_raises():
    w = ember.tensor([1., 2.], requires_grad=True)
    with pytest.raises(RuntimeError, match='leaf Variable that requires grad'):
        w.add_(1)
    with ember.no_grad():
        w.add_(1)
    assert w.tolist() == [2.0, 3.0]


def test_inplace_on_non_leaf_keeps_gradient_correct():
    def run(lib):
        x = lib.tensor([1., 2., 3.], requires_grad=True)
        y = x * 2
        y.mul_(x)
        y.add_(1)
        y.sum().backward()
        return x.grad, y.grad_fn.name()
    (eg, en), (tg, tn) = both(run)
    close(eg, tg)
    assert en == tn == 'AddBackward0'


def test_register_hook_on_leaf_and_non_leaf():
    def run(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        seen = []
        x.register_hook(lambda g: seen.append(g.tolist()))
        y = x * 3
        h = y.register_hook(lambda g: g * 10)
        y.sum().backward()
        h.remove()
        (x * 3).sum().backward()
        return x.grad.tolist(), seen
    assert both(run)[0] == both(run)[1]


def test_leaf_hook_sees_total_gradient_once():
    x = ember.tensor([1.], requires_grad=True)
    calls = []
    x.register_hook(lambda g: calls.append(g.item()))
    (x * 2 + x * 3).sum().backward()
    assert calls == [5.0]


def test_retain_grad():
    def run(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = x * x
        y.retain_grad()
        z = y.sum() * 3
        z.backward()
        return y.grad.tolist(), y.retains_grad, x.grad.tolist()
    e, t = both(run)
    assert e == t


def test_higher_order_gradients():
    def run(lib):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        y = (x.sin() * x ** 3).sum()
        g, = lib.autograd.grad(y, x, create_graph=True)
        g2, = lib.autograd.grad(g.sum(), x, create_graph=True)
        g3, = lib.autograd.grad(g2.sum(), x)
        return g, g2, g3
    e, t = both(run)
    for a, b in zip(e, t):
        close(a, b, 1e-5)


def test_autograd_grad_allow_unused_and_inputs():
    x = ember.tensor([1.], requires_grad=True)
    z = ember.tensor([1.], requires_grad=True)
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match='allow_unused=True'):
        ember.autograd.grad(y, [x, z], retain_graph=True)
    gx, gz = ember.autograd.grad(y, [x, z], allow_unused=True)
    assert gx.tolist() == [2.0] and gz is None
    assert x.grad is None                      # grad() does not accumulate


def test_backward_inputs_restricts_accumulation():
    a = ember.tensor([1.], requires_grad=True)
    b = ember.tensor([2.], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    assert a.grad.tolist() == [2.0] and b.grad is None


def test_grad_of_non_leaf_input():
    def run(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        h = x * 3
        y = (h * h).sum()
        return lib.autograd.grad(y, h)[0].tolist()
    e, t = both(run)
    assert e == t


def test_grad_modes_as_context_and_decorator():
    x = ember.tensor([1.], requires_grad=True)
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()

    @ember.no_grad()
    def f(t):
        return t * 2

    @ember.inference_mode()
    def g(t):
        return t * 2
    assert not f(x).requires_grad and not g(x).requires_grad
    ember.set_grad_enabled(False)
    assert not ember.is_grad_enabled()
    ember.set_grad_enabled(True)


def test_detach_shares_memory_and_leaves_graph():
    x = ember.tensor([1., 2.], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.grad_fn is None and not d.requires_grad and d.is_leaf
    d.numpy()[0] = 10
    assert y.tolist() == [10.0, 4.0]
    y.detach_()
    assert y.grad_fn is None and not y.requires_grad


class _Cube(ember.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        return x ** 3 * k

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2 * ctx.k, None


def test_custom_function():
    x = ember.tensor([1., 2.], requires_grad=True)
    y = _Cube.apply(x, 2.0)
    assert y.grad_fn.name() == '_CubeBackward'
    assert 'grad_fn=<_CubeBackward>' in repr(y)
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0]


def test_custom_function_non_differentiable_and_materialize():
    class SortWithIndex(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = ember.tensor(np.argsort(x.detach().numpy()))
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return x * 1, idx

        @staticmethod
        def backward(ctx, g, gidx):
            assert gidx is not None          # materialised as zeros
            return g * 2
    x = ember.tensor([3., 1., 2.], requires_grad=True)
    v, i = SortWithIndex.apply(x)
    assert not i.requires_grad and v.requires_grad
    v.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_custom_function_mark_dirty():
    class AddOneInplace(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g
    a = ember.tensor([1., 2.], requires_grad=True)
    b = a * 1
    c = AddOneInplace.apply(b)
    assert c is b and b.tolist() == [2.0, 3.0]
    c.sum().backward()
    assert a.grad.tolist() == [1.0, 1.0]


def test_custom_function_wrong_number_of_grads():
    class Bad(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g
    x = ember.tensor([1.], requires_grad=True)
    with pytest.raises(RuntimeError, match='incorrect number of gradients'):
        Bad.apply(x, x).sum().backward()


def test_needs_input_grad():
    seen = []

    class F(ember.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            seen.append(ctx.needs_input_grad)
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g, g
    F.apply(ember.ones(1, requires_grad=True), ember.ones(1))
    assert seen == [(True, False)]


def test_detect_anomaly_names_forward_op():
    x = ember.tensor([0.0], requires_grad=True)
    with pytest.warns(UserWarning):
        with ember.autograd.detect_anomaly():
            y = x.sqrt() * 0          # sqrt'(0) = inf, inf * 0 = nan
            with pytest.raises(RuntimeError) as err:
                y.sum().backward()
    msg = str(err.value)
    assert "Function 'SqrtBackward0' returned nan values" in msg or 'MulBackward0' in msg
    assert 'test_autograd.py' in msg          # where the forward op was called


def test_set_detect_anomaly_toggles():
    ember.autograd.set_detect_anomaly(True)
    assert ember.autograd.is_anomaly_enabled()
    ember.autograd.set_detect_anomaly(False)
    assert not ember.autograd.is_anomaly_enabled()


def test_gradcheck_and_gradgradcheck():
    x = ember.tensor(np.random.default_rng(0).standard_normal(4), requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: (t.exp() * t).sum(), (x,))
    assert ember.autograd.gradgradcheck(lambda t: t.tanh() * t, (x,))


def test_gradcheck_catches_wrong_backward():
    class Wrong(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, g):
            return g                     # should be 2 * x * g
    x = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match='Jacobian mismatch'):
        ember.autograd.gradcheck(Wrong.apply, (x,))


def test_grad_fn_names_and_next_functions():
    def run(lib):
        a = lib.tensor([1., 2.], requires_grad=True)
        b = a * 2
        c = b + a
        return (c.grad_fn.name(), [type(f).__name__ if f is not None else None
                                   for f, _ in c.grad_fn.next_functions],
                b.is_leaf, a.is_leaf)
    e, t = both(run)
    assert e[0] == t[0] and e[2:] == t[2:]
    assert e[1] == ['Node', 'AccumulateGrad'] and t[1] == ['MulBackward0', 'AccumulateGrad']


def test_deep_graph_has_no_recursion_limit():
    x = ember.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.sum().backward()
    assert abs(x.grad.item() - 1.0001 ** 5000) < 1e-2


def test_variable_is_a_noop_wrapper():
    t = ember.tensor([1.])
    assert ember.autograd.Variable(t) is t
    v = ember.autograd.Variable(ember.tensor([2.]), requires_grad=True)
    assert v.requires_grad


def test_post_accumulate_grad_hook():
    w = ember.tensor([1., 2.], requires_grad=True)
    seen = []
    h = w.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.tolist()))
    (w * 3).sum().backward()
    (w * 3).sum().backward()
    h.remove()
    (w * 3).sum().backward()
    assert seen == [[3.0, 3.0], [6.0, 6.0]]
    with pytest.raises(RuntimeError, match='non-leaf'):
        (w * 2).register_post_accumulate_grad_hook(lambda p: None)


def test_contains():
    t = ember.tensor([[1, 2], [3, 4]])
    assert 3 in t and 7 not in t


@pytest.mark.parametrize('case', ['base_changed', 'sibling_changed', 'base_joins_graph',
                                  'setitem_through_view'])
def test_views_follow_in_place_changes_of_their_base(case):
    """A view made before its base (or a sibling view) was modified in place takes its
    gradient from the new values, as PyTorch regenerates its grad_fn."""
    def run(lib):
        w = lib.tensor([1., 2., 3.], requires_grad=True)
        if case == 'base_changed':
            y = w * 1
            v = y[:2]
            y.mul_(2)
            (v * v).sum().backward()
        elif case == 'sibling_changed':
            y = w * 1
            a, b = y[:2], y[1:]
            a.mul_(3)
            (b * b).sum().backward()
        elif case == 'base_joins_graph':
            z = lib.zeros(3)
            v = z[:2]
            z.copy_(w)
            (v * v).sum().backward()
        else:
            y = w * 1
            row = y.view(3, 1)[1]
            row[0] = w[0] * 5
            (y * y).sum().backward()
        return w.grad.tolist()
    assert run(ember) == run(torch)


def test_detect_anomaly_check_nan_false_lets_nan_through():
    x = ember.tensor([0.0], requires_grad=True)
    with pytest.warns(UserWarning):
        with ember.autograd.detect_anomaly(check_nan=False):
            (x.sqrt() * 0).sum().backward()
    assert x.grad.isnan().all()


# ---- .grad may take over the incoming gradient without a copy only when nothing else sees it
def test_grad_not_aliased_between_leaves_sharing_one_gradient():
    a = ember.ones(3, requires_grad=True)
    b = ember.ones(3, requires_grad=True)
    (a + b).sum().backward()          # AddBackward0 hands the same gradient to both
    a.grad.add_(5)
    assert b.grad.tolist() == [1.0, 1.0, 1.0]
    (a + b).sum().backward()
    assert a.grad.tolist() == [7.0, 7.0, 7.0] and b.grad.tolist() == [2.0, 2.0, 2.0]


def test_grad_not_aliased_with_tensor_kept_by_a_hook():
    kept = []
    w = ember.ones(2, 2, requires_grad=True)
    w.register_hook(lambda g: kept.append(g))
    (w @ ember.ones(2, 2)).sum().backward()
    (w @ ember.ones(2, 2)).sum().backward()
    assert kept[0].tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert w.grad.tolist() == [[4.0, 4.0], [4.0, 4.0]]


def test_grad_not_aliased_with_user_gradient_argument():
    x = ember.ones(3, requires_grad=True)
    g = ember.tensor([1.0, 2.0, 3.0])
    x.backward(g)
    x.grad.mul_(0)
    assert g.tolist() == [1.0, 2.0, 3.0]


def test_linear_weight_grad_is_contiguous_and_owned():
    lin = ember.nn.Linear(3, 2)
    lin(ember.ones(4, 3)).sum().backward()
    assert lin.weight.grad.is_contiguous()
    before = lin.weight.grad.clone()
    lin(ember.ones(4, 3)).sum().backward()
    assert (lin.weight.grad == before * 2).all()


def test_none_gradient_into_an_inner_node_still_releases_its_inputs():
    """A backward returning None for an input made by another op: that op gets no gradient,
    and its own inputs still receive what other paths send them (as in PyTorch)."""
    class HalfGrad(ember.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * 2 + b.sum()

        @staticmethod
        def backward(ctx, g):
            return g * 2, None

    a = ember.ones(2, 2, requires_grad=True)
    b = ember.ones(2, 2, requires_grad=True)
    y = HalfGrad.apply(a, b.t()) + (b * 3).sum()
    y.sum().backward()
    assert a.grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert b.grad.tolist() == [[12.0, 12.0], [12.0, 12.0]]


def test_two_outputs_of_one_node_as_roots():
    """``grad((a, b), x)`` with ``a, b = x.chunk(2)``: both roots share one node."""
    x = ember.ones(4, requires_grad=True)
    a, b = x.chunk(2)
    (g,) = ember.autograd.grad((a, b), x, (ember.ones(2), ember.full((2,), 2.0)))
    assert g.tolist() == [1.0, 1.0, 2.0, 2.0]
    y = x * 3
    ember.autograd.backward(list(y.chunk(2)), [ember.ones(2), ember.ones(2)])
    assert x.grad.tolist() == [3.0, 3.0, 3.0, 3.0]
