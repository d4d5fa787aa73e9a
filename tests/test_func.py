"""ember.func (grad, grad_and_value, vjp, jacrev, jacfwd, hessian, vmap, functional_call)
against torch.func: values, result structure, composition and errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def assert_same(e, t):
    """Same nesting (tuple/list/dict), shapes, dtypes, values and requires_grad."""
    if isinstance(t, (tuple, list)):
        assert type(e) is type(t) and len(e) == len(t)
        for a, b in zip(e, t):
            assert_same(a, b)
    elif isinstance(t, dict):
        assert isinstance(e, dict) and list(e) == list(t)
        for k in t:
            assert_same(e[k], t[k])
    elif isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), type(e)
        assert tuple(e.shape) == tuple(t.shape)
        assert str(e.dtype) == str(t.dtype)
        assert e.requires_grad == t.requires_grad
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)
    else:
        assert e == t


def both(fn):
    assert_same(fn(ember), fn(torch))


def rand(lib, *shape, seed=0):
    return lib.tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def test_grad_argnums_aux_and_trees():
    def run(lib):
        F = lib.func
        x, y = rand(lib, 3), rand(lib, 3, seed=1)
        f = lambda a, b: (a.sin() * b).sum()
        tree = {'w': x, 'b': (y,)}
        g_tree = F.grad(lambda p: (p['w'] * p['b'][0] ** 2).sum())(tree)
        return (F.grad(f)(x, y), F.grad(f, argnums=1)(x, y), F.grad(f, argnums=(0, 1))(x, y),
                F.grad(f, argnums=-1)(x, y),
                F.grad(lambda a: ((a ** 2).sum(), a.mean()), has_aux=True)(x),
                F.grad_and_value(f)(x, y),
                F.grad_and_value(lambda a: ((a ** 2).sum(), {'m': a * 2}), has_aux=True)(x),
                g_tree, F.grad(lambda a, b: (a * 2).sum())(x, y),
                F.grad(lambda a: lib.ones(()))(x))
    both(run)


def test_grad_ignores_outer_no_grad_and_keeps_outer_graph():
    def run(lib):
        x = rand(lib, 3)
        with lib.no_grad():
            g = lib.func.grad(lambda a: (a ** 3).sum())(x)
        w = rand(lib, 3, seed=2).requires_grad_()
        gw = lib.func.grad(lambda a: (a ** 2 * w).sum())(w)
        gw.sum().backward()
        return g, gw, w.grad
    both(run)


def test_vjp_returns_output_and_function():
    def run(lib):
        x, y = rand(lib, 2, 3), rand(lib, 3, seed=1)
        out, fn = lib.func.vjp(lambda a, b: (a @ b, a.sum()), x, y)
        out2, fn2, aux = lib.func.vjp(lambda a: (a.exp(), a.cos()), y, has_aux=True)
        return out, fn((lib.ones(2), lib.tensor(2.))), fn((lib.ones(2), lib.tensor(0.))), \
            out2, fn2(rand(lib, 3, seed=3)), aux
    both(run)


@pytest.mark.parametrize('transform', ['jacrev', 'jacfwd'])
def test_jacobians(transform):
    def run(lib):
        J = getattr(lib.func, transform)
        x, y = rand(lib, 2, 2), rand(lib, 2, seed=1)
        f = lambda a, b: (a @ b, (a ** 2).sum())
        return (J(f)(x, y), J(f, argnums=(0, 1))(x, y), J(lambda a: a.tanh())(y),
                J(lambda p: p['a'] * p['b'])({'a': y, 'b': y * 2}),
                J(lambda a: (a.exp(), a.sum()), has_aux=True)(y))
    both(run)


def test_hessian_and_nested_jacrev():
    def run(lib):
        F = lib.func
        x, y = rand(lib, 3), rand(lib, 3, seed=1)
        f = lambda a: (a.sin() * a ** 2).sum()
        g = lambda a, b: (a * b ** 3).sum()
        return (F.hessian(f)(x), F.jacrev(F.jacrev(f))(x), F.hessian(g, argnums=(0, 1))(x, y),
                F.jacrev(F.jacrev(lambda a: a ** 3))(x), F.grad(F.grad(lambda a: a ** 4))(x[0]))
    both(run)


def test_vmap_basic_dims_and_trees():
    def run(lib):
        vmap = lib.func.vmap
        x, y = rand(lib, 4, 3), rand(lib, 3, 4, seed=1)
        return (vmap(lambda a: a.sum())(x),
                vmap(lambda a, b: a * b, in_dims=(0, 1))(x, y),
                vmap(lambda a, b: a * b, in_dims=(0, None))(x, x[0]),
                vmap(lambda a: a * 2, in_dims=-1)(y),
                vmap(lambda a: (a, a.sum()), out_dims=(1, 0))(x),
                vmap(lambda a: a.outer(a), out_dims=-1)(x),
                vmap(lambda d: d['p'] + d['q'][0], in_dims=({'p': 0, 'q': (1,)},))(
                    {'p': x, 'q': (y,)}),
                vmap(lambda a, s: a * s, in_dims=(0, None))(x, 3.0),
                vmap(lambda a, s: a * s, in_dims=(0, None), out_dims=(0))(x, 2),
                vmap(lambda a: a + 1, chunk_size=2)(x),
                vmap(lambda a: {'sq': a ** 2, 'n': a.norm()})(x))
    both(run)


def test_nested_vmap_and_composition_with_grad():
    def run(lib):
        F = lib.func
        x, y = rand(lib, 2, 3), rand(lib, 4, 3, seed=1)
        pairwise = F.vmap(F.vmap(lambda a, b: (a * b).sum(), in_dims=(None, 0)), in_dims=(0, None))
        per_sample = F.vmap(F.grad(lambda w, s: (w * s).sin().sum()), in_dims=(None, 0))
        jac_batch = F.vmap(F.jacrev(lambda a: a ** 2))(x)
        via_grad = F.grad(lambda a: F.vmap(lambda r: r.exp().sum())(a).sum())(x)
        return pairwise(x, y), per_sample(x[0], y), jac_batch, via_grad
    both(run)


def test_vmap_randomness_modes():
    x = ember.ones(3, 2)
    with pytest.raises(RuntimeError) as e_info:
        ember.func.vmap(lambda a: a + ember.randn(2))(x)
    with pytest.raises(RuntimeError) as t_info:
        torch.func.vmap(lambda a: a + torch.randn(2))(torch.ones(3, 2))
    assert str(e_info.value) == str(t_info.value)
    ember.randn(1)            # the default generator is back after the error
    ember.manual_seed(0)
    same = ember.func.vmap(lambda a: a + ember.rand(2), randomness='same')(x)
    np.testing.assert_array_equal(same[0].numpy(), same[1].numpy())
    ember.manual_seed(0)
    expected = ember.rand(2)                # 'same' draws what one unbatched call draws
    np.testing.assert_array_equal(same[2].numpy(), (expected + 1).numpy())
    after_same = ember.rand(1)
    ember.manual_seed(0)
    ember.rand(2)
    np.testing.assert_array_equal(after_same.numpy(), ember.rand(1).numpy())
    diff = ember.func.vmap(lambda a: a + ember.rand(2), randomness='different')(x)
    assert not np.array_equal(diff[0].numpy(), diff[1].numpy())


ERRORS = {
    'grad_non_scalar': lambda lib: lib.func.grad(lambda x: x)(lib.ones(2)),
    'grad_non_tensor_out': lambda lib: lib.func.grad(lambda x: 1.0)(lib.ones(2)),
    'grad_bad_aux': lambda lib: lib.func.grad(lambda x: x.sum(), has_aux=True)(lib.ones(2)),
    'grad_argnum_range': lambda lib: lib.func.grad(lambda x: x.sum(), argnums=3)(lib.ones(2)),
    'grad_argnums_type': lambda lib: lib.func.grad(lambda x: x.sum(), argnums=[0])(lib.ones(2)),
    'grad_argnums_repeat': lambda lib: lib.func.grad(lambda x, y: x.sum(), argnums=(0, 0))(
        lib.ones(2), lib.ones(2)),
    'grad_argnums_empty': lambda lib: lib.func.grad(lambda x: x.sum(), argnums=())(lib.ones(2)),
    'grad_non_tensor_in': lambda lib: lib.func.grad(lambda x: x.sum())(2.0),
    'vjp_non_tensor_out': lambda lib: lib.func.vjp(lambda x: 1.0, lib.ones(2)),
    'vmap_sizes': lambda lib: lib.func.vmap(lambda a, b: a + b)(lib.ones(2), lib.ones(3)),
    'vmap_non_tensor': lambda lib: lib.func.vmap(lambda a, s: a)(lib.ones(2), 1.0),
    'vmap_dim_range': lambda lib: lib.func.vmap(lambda a: a, in_dims=2)(lib.ones(2, 2)),
    'vmap_no_mapped': lambda lib: lib.func.vmap(lambda a: a, in_dims=(None,))(lib.ones(2)),
    'vmap_in_dims_none': lambda lib: lib.func.vmap(lambda a: a, in_dims=None)(lib.ones(2)),
    'vmap_in_dims_structure': lambda lib: lib.func.vmap(lambda a, b: a, in_dims=(0,))(
        lib.ones(2), lib.ones(2)),
    'vmap_returns_float': lambda lib: lib.func.vmap(lambda a: 1.0)(lib.ones(2)),
    'vmap_randomness_flag': lambda lib: lib.func.vmap(lambda a: a, randomness='maybe'),
    'vmap_no_inputs': lambda lib: lib.func.vmap(lambda: 1)(),
    'jacrev_chunk': lambda lib: lib.func.jacrev(lambda a: a, chunk_size=0),
}


@pytest.mark.parametrize('case', ERRORS)
def test_errors_match_torch(case):
    got = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:
            ERRORS[case](lib)
        got.append((info.type, str(info.value)))
    (etype, emsg), (ttype, tmsg) = got
    assert etype is ttype
    # the tree structures inside the message are printed differently (TreeSpec in torch)
    assert emsg.split(' has structure')[0] == tmsg.split(' has structure')[0]


def test_functional_call_with_grad():
    def run(lib):
        lib.manual_seed(0)
        model = lib.nn.Linear(3, 2)
        params = {k: v.detach() for k, v in model.named_parameters()}
        x = rand(lib, 4, 3)

        def loss(p, inp):
            return lib.func.functional_call(model, p, (inp,)).pow(2).sum()
        per_sample = lib.func.vmap(lib.func.grad(loss), in_dims=(None, 0))(params, x)
        split = ({'weight': params['weight']}, {'bias': params['bias']})
        return (lib.func.grad(loss)(params, x), per_sample,
                lib.func.functional_call(model, split, x), model.weight.grad)
    both(run)


def test_functional_call_rejects_repeated_keys():
    lin = ember.nn.Linear(1, 1)
    p = {'weight': ember.ones(1, 1)}
    with pytest.raises(ValueError, match='appeared in multiple dictionaries'):
        ember.func.functional_call(lin, (p, p), ember.ones(1, 1))
