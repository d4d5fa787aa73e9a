"""ember.autograd.graph (saved_tensors_hooks, save_on_cpu, disable_saved_tensors_hooks, Node,
register_multi_grad_hook, increment_version) against PyTorch."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def both(fn):
    return fn(ember), fn(torch)


def values(ts):
    return [None if t is None else np.asarray(t.detach().numpy()).tolist() for t in ts]


def test_pack_and_unpack_hooks_see_saved_tensors():
    def run(lib):
        log = []

        def pack(t):
            log.append(('pack', tuple(t.shape)))
            return t.detach().clone()

        def unpack(t):
            log.append(('unpack', tuple(t.shape)))
            return t
        a = lib.tensor([0.5, 1.5], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
            b = a * 1
            c = b * b
            d = c.exp()                     # saves its output
        b.add_(1)                           # the packed copies do not see this
        d.sum().backward()
        return sorted(log), values([a.grad])
    e, t = both(run)
    assert e == t


def test_innermost_hooks_win_and_nothing_is_packed_outside():
    def run(lib):
        log = []
        G = lib.autograd.graph
        a = lib.tensor([2.0], requires_grad=True)
        with G.saved_tensors_hooks(lambda t: log.append('outer') or t, lambda t: t):
            with G.saved_tensors_hooks(lambda t: log.append('inner') or t, lambda t: t):
                y = a * a
            z = a.sin()
        w = a * a
        (y + z + w).sum().backward()
        return log, values([a.grad])
    e, t = both(run)
    assert e == t


def test_unpacked_value_is_what_backward_uses():
    def run(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t.detach() * 10, lambda t: t):
            y = (a * a).sum()
        y.backward()
        return values([a.grad])
    e, t = both(run)
    assert e == t


def test_save_on_cpu_and_custom_function_saved_tensors():
    def run(lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 3 * x ** 2 * g
        a = lib.tensor([1.0, -2.0], requires_grad=True)
        with lib.autograd.graph.save_on_cpu(pin_memory=False):
            y = (Cube.apply(a) * a.tanh()).sum()
        y.backward()
        return values([y, a.grad])
    e, t = both(run)
    np.testing.assert_allclose(e[1], t[1], rtol=1e-6)


def test_freed_graph_still_raises_with_hooks():
    msgs = []
    for lib in (ember, torch):
        a = lib.tensor([1.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            y = (a * a).sum()
        y.backward()
        with pytest.raises(RuntimeError) as info:
            y.backward()
        msgs.append(str(info.value).split('.')[0])
    assert msgs[0] == msgs[1]


def test_disable_saved_tensors_hooks():
    for lib in (ember, torch):
        G = lib.autograd.graph
        with G.disable_saved_tensors_hooks('no hooks in here'):
            with pytest.raises(RuntimeError, match='no hooks in here'):
                with G.saved_tensors_hooks(lambda t: t, lambda t: t):
                    pass
        with G.saved_tensors_hooks(lambda t: t, lambda t: t):   # allowed again
            pass


def test_node_type_and_methods():
    def run(lib):
        Node = lib.autograd.graph.Node
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (a * 2).sum()
        fn = y.grad_fn
        fn.metadata['tag'] = 1
        acc = fn.next_functions[0][0].next_functions[0][0]
        seen = []
        fn.register_prehook(lambda go: seen.append(('pre', len(go))))
        fn.register_hook(lambda gi, go: seen.append(('post', len(gi), len(go))))
        y.backward()
        return (isinstance(fn, Node), isinstance(acc, Node), isinstance(a, Node),
                fn.name(), acc.name(), fn.metadata, seen)
    e, t = both(run)
    assert e == t


@pytest.mark.parametrize('which', ['both', 'only_a', 'non_leaf'])
def test_multi_grad_hook_all(which):
    def run(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0], requires_grad=True)
        calls = []
        mid = a * 3
        group = (a, b) if which != 'non_leaf' else (mid, b)
        h = lib.autograd.graph.register_multi_grad_hook(
            group, lambda grads: calls.append(values(grads)))
        loss = (mid * b).sum() if which != 'only_a' else mid.sum()
        loss.backward()
        (a * 2).sum().backward()
        h.remove()
        (mid.detach() * b).sum().backward()
        return calls
    e, t = both(run)
    assert e == t


def test_multi_grad_hook_any_fires_once_per_pass():
    def run(lib):
        a = lib.tensor([1.0], requires_grad=True)
        b = lib.tensor([2.0], requires_grad=True)
        calls = []
        lib.autograd.graph.register_multi_grad_hook(
            (a, b), lambda g: calls.append(values([g])), mode='any')
        (a * b).sum().backward()
        (b * 5).sum().backward()
        return len(calls), calls[1]
    e, t = both(run)
    assert e == t


def test_multi_grad_hook_bad_mode():
    for lib in (ember, torch):
        with pytest.raises(ValueError):
            lib.autograd.graph.register_multi_grad_hook((lib.ones(1, requires_grad=True),),
                                                        print, mode='some')


def test_increment_version_breaks_saved_tensor_check():
    msgs = []
    for lib in (ember, torch):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = a * 1
        y = (b * b).sum()
        v = b._version
        lib.autograd.graph.increment_version(b)
        assert b._version == v + 1
        with pytest.raises(RuntimeError) as info:
            y.backward()
        msgs.append(str(info.value).split(':')[0])
    assert msgs[0] == msgs[1]
