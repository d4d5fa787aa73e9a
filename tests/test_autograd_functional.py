"""ember.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp) against PyTorch: values,
nesting of tuple results, create_graph, strict-mode and argument errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def assert_same(e, t):
    """Same nesting (tuple/tensor), shapes, dtypes, values and requires_grad."""
    if isinstance(t, (tuple, list)):
        assert type(e) is type(t) and len(e) == len(t)
        for a, b in zip(e, t):
            assert_same(a, b)
        return
    assert isinstance(e, ember.Tensor), type(e)
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype) == str(t.dtype)
    assert e.requires_grad == t.requires_grad
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)


def inputs(lib, shapes, seed=0):
    rng = np.random.default_rng(seed)
    return tuple(lib.tensor(rng.standard_normal(s).astype(np.float32)) for s in shapes)


def one(x):
    return x if len(x) > 1 else x[0]


# (function of the lib, input shapes); functions take *tensors
FUNCS = {
    'exp': (lambda lib: lambda x: x.exp(), [(3,)]),
    'matrix_scalar': (lambda lib: lambda x: (x.tanh() ** 2).sum(), [(2, 3)]),
    'two_in_one_out': (lambda lib: lambda x, y: x * y.sin(), [(3,), (3,)]),
    'one_in_two_out': (lambda lib: lambda x: (x.sum() * x, x ** 3), [(2, 2)]),
    'two_in_two_out': (lambda lib: lambda x, y: (x @ y, (x ** 2).sum()), [(2, 3), (3,)]),
    'unused_input': (lambda lib: lambda x, y: x.exp(), [(2,), (3,)]),
}


@pytest.mark.parametrize('name', FUNCS)
@pytest.mark.parametrize('create_graph', [False, True])
def test_jacobian_matches_torch(name, create_graph):
    make, shapes = FUNCS[name]

    def run(lib):
        args = inputs(lib, shapes)
        return lib.autograd.functional.jacobian(make(lib), one(args), create_graph=create_graph)
    assert_same(run(ember), run(torch))


def test_jacobian_vectorize_and_forward_mode_vectorized_give_the_same_result():
    make, shapes = FUNCS['two_in_two_out']
    for kw in ({'vectorize': True}, {'vectorize': True, 'strategy': 'forward-mode'}):
        e = ember.autograd.functional.jacobian(make(ember), inputs(ember, shapes), **kw)
        t = torch.autograd.functional.jacobian(make(torch), inputs(torch, shapes), **kw)
        assert_same(e, t)


def test_jacobian_create_graph_gives_a_differentiable_result():
    def run(lib):
        x = lib.tensor([1., 2.], requires_grad=True)
        jac = lib.autograd.functional.jacobian(lambda a: a ** 3, x, create_graph=True)
        jac.sum().backward()
        return x.grad
    assert_same(run(ember), run(torch))


SCALAR_FUNCS = {
    'cube': (lambda x: (x ** 3).sum(), [(3,)]),
    'mixed': (lambda x, y: (x.exp() * y ** 2).sum(), [(2,), (2,)]),
    'matrix': (lambda x: (x @ x).trace(), [(2, 2)]),
}


@pytest.mark.parametrize('name', SCALAR_FUNCS)
def test_hessian_hvp_vhp_match_torch(name):
    fn, shapes = SCALAR_FUNCS[name]

    def run(lib):
        F = lib.autograd.functional
        x = one(inputs(lib, shapes))
        v = one(inputs(lib, shapes, seed=1))
        return F.hessian(fn, x), F.hvp(fn, x, v), F.vhp(fn, x, v)
    assert_same(run(ember), run(torch))


@pytest.mark.parametrize('name', ['exp', 'two_in_one_out', 'one_in_two_out', 'two_in_two_out'])
def test_vjp_and_jvp_match_torch(name):
    make, shapes = FUNCS[name]

    def run(lib):
        F = lib.autograd.functional
        fn = make(lib)
        x = one(inputs(lib, shapes))
        outs = fn(*(x if isinstance(x, tuple) else (x,)))
        out_shapes = [o.shape for o in (outs if isinstance(outs, tuple) else (outs,))]
        v_out = one(inputs(lib, out_shapes, seed=2))
        v_in = one(inputs(lib, shapes, seed=3))
        return F.vjp(fn, x, v_out), F.jvp(fn, x, v_in)
    assert_same(run(ember), run(torch))


def test_products_with_create_graph_keep_the_graph():
    def run(lib):
        F = lib.autograd.functional
        x = lib.tensor([0.5, -1.0], requires_grad=True)
        v = lib.tensor([1.0, 2.0])
        _, a = F.vjp(lambda t: t.sin(), x, v, create_graph=True)
        _, b = F.jvp(lambda t: t.sin(), x, v, create_graph=True)
        _, c = F.hvp(lambda t: (t ** 4).sum(), x, v, create_graph=True)
        (a.sum() + b.sum() + c.sum()).backward()
        return a, b, c, x.grad
    assert_same(run(ember), run(torch))


def test_scalar_v_may_be_omitted():
    def run(lib):
        F = lib.autograd.functional
        x = lib.tensor([2.0])
        return (F.vjp(lambda t: (t ** 2).sum(), x), F.jvp(lambda t: t ** 2, x),
                F.hvp(lambda t: (t ** 3).sum(), x), F.vhp(lambda t: (t ** 3).sum(), x))
    assert_same(run(ember), run(torch))


def errors(fn):
    """The (type, message) that ``fn(lib)`` raises on ember and on torch."""
    out = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:
            fn(lib)
        out.append((info.type, str(info.value)))
    return out


ERROR_CASES = {
    'vjp_v_missing': lambda lib: lib.autograd.functional.vjp(lambda x: x * 2, lib.ones(3)),
    'jvp_v_missing': lambda lib: lib.autograd.functional.jvp(lambda x: x * 2, lib.ones(3)),
    'v_wrong_size': lambda lib: lib.autograd.functional.vjp(lambda x: x * 2, lib.ones(3),
                                                            lib.ones(2)),
    'v_wrong_length': lambda lib: lib.autograd.functional.jvp(
        lambda x, y: x * y, (lib.ones(2), lib.ones(2)), (lib.ones(2),)),
    'v_entry_size': lambda lib: lib.autograd.functional.jvp(
        lambda x, y: x * y, (lib.ones(2), lib.ones(2)), (lib.ones(2), lib.ones(3))),
    'input_not_tensor': lambda lib: lib.autograd.functional.jacobian(lambda x: x, 3.0),
    'input_tuple_not_tensor': lambda lib: lib.autograd.functional.jacobian(
        lambda x, y: x, (lib.ones(1), 2)),
    'output_not_tensor': lambda lib: lib.autograd.functional.vjp(lambda x: 1.0, lib.ones(1)),
    'hessian_tuple_output': lambda lib: lib.autograd.functional.hessian(
        lambda x: (x.sum(), x.sum()), lib.ones(2)),
    'hessian_vector_output': lambda lib: lib.autograd.functional.hessian(
        lambda x: x ** 2, lib.ones(2)),
    'hvp_vector_output': lambda lib: lib.autograd.functional.hvp(
        lambda x: x ** 2, lib.ones(2), lib.ones(2)),
    'strict_independent_output': lambda lib: lib.autograd.functional.jacobian(
        lambda x: lib.ones(2), lib.ones(2), strict=True),
    'strict_unused_input': lambda lib: lib.autograd.functional.jacobian(
        lambda x, y: x * 2, (lib.ones(2), lib.ones(2)), strict=True),
    'strict_vjp_unused': lambda lib: lib.autograd.functional.vjp(
        lambda x, y: (x * 2).sum(), (lib.ones(2), lib.ones(2)), strict=True),
    'strict_linear_hessian': lambda lib: lib.autograd.functional.hessian(
        lambda x: x.sum(), lib.ones(2), strict=True),
    'strict_vectorize': lambda lib: lib.autograd.functional.jacobian(
        lambda x: x * 2, lib.ones(2), strict=True, vectorize=True),
    'bad_strategy': lambda lib: lib.autograd.functional.jacobian(
        lambda x: x, lib.ones(1), strategy='sideways'),
    'forward_mode_without_vectorize': lambda lib: lib.autograd.functional.jacobian(
        lambda x: x, lib.ones(1), strategy='forward-mode'),
    'forward_mode_create_graph': lambda lib: lib.autograd.functional.jacobian(
        lambda x: x, lib.ones(1), strategy='forward-mode', create_graph=True, vectorize=True),
    'forward_mode_strict': lambda lib: lib.autograd.functional.jacobian(
        lambda x: x, lib.ones(1), strategy='forward-mode', strict=True, vectorize=True),
}


@pytest.mark.parametrize('case', ERROR_CASES)
def test_errors_match_torch(case):
    (etype, emsg), (ttype, tmsg) = errors(ERROR_CASES[case])
    assert etype is ttype
    assert emsg == tmsg


def test_non_strict_independent_parts_are_zeros():
    def run(lib):
        F = lib.autograd.functional
        return (F.jacobian(lambda x: lib.ones(2), lib.ones(2)),
                F.vjp(lambda x, y: (x * 2).sum(), (lib.ones(2), lib.ones(3))),
                F.hessian(lambda x: x.sum(), lib.ones(2)))
    assert_same(run(ember), run(torch))
