"""The tensor-level random API (ember/_ops/random_*.py, ember/random.py): generators,
state round trips, memory-order fills, autograd bookkeeping and errors.

Values are compared bit for bit with torch where it is installed; the golden-vector replay
lives in tests/test_rng.py and the per-op oracle entries in tests/oracle/table_random.py.
"""
import struct
import warnings

import numpy as np
import pytest

import ember


@pytest.fixture(scope='module')
def torch():
    return pytest.importorskip('torch')


def _same(e, t):
    en, tn = np.ascontiguousarray(e.detach().numpy()), np.ascontiguousarray(t.detach().numpy())
    assert en.dtype == tn.dtype and en.shape == tn.shape
    assert en.tobytes() == tn.tobytes()


def _probe(lib):
    return lib.empty((), dtype=lib.int64).random_().item()


# ---------------------------------------------------------------- generators
def test_generator_isolation():
    ember.manual_seed(11)
    before = ember.get_rng_state().numpy().tobytes()
    g = ember.Generator().manual_seed(3)
    a = [ember.rand(4, generator=g), ember.randn(20, generator=g), ember.randn(3, generator=g),
         ember.randint(0, 9, (5,), generator=g), ember.randperm(7, generator=g),
         ember.normal(ember.zeros(3), ember.ones(3), generator=g),
         ember.normal(0.0, 1.0, (4,), generator=g),
         ember.bernoulli(ember.full((5,), 0.5), generator=g),
         ember.multinomial(ember.ones(4), 2, generator=g), ember.poisson(ember.ones(3), g),
         ember.rand_like(ember.zeros(3), generator=g),
         ember.randn_like(ember.zeros(3), generator=g),
         ember.randint_like(ember.zeros(3), 5, generator=g),
         ember.empty(3).uniform_(generator=g), ember.empty(3).normal_(generator=g),
         ember.empty(3).random_(generator=g), ember.empty(3).random_(4, generator=g),
         ember.empty(3).exponential_(generator=g), ember.empty(3).bernoulli_(generator=g),
         ember.empty(3).geometric_(0.5, generator=g), ember.empty(3).log_normal_(generator=g),
         ember.empty(3).cauchy_(generator=g)]
    assert ember.get_rng_state().numpy().tobytes() == before
    g2 = ember.Generator().manual_seed(3)
    assert (ember.rand(4, generator=g2) == a[0]).all()
    assert (ember.randn(20, generator=g2) == a[1]).all()
    assert g.get_state().numpy().tobytes() != g2.get_state().numpy().tobytes()


def test_explicit_generator_matches_torch(torch):
    for seed in (0, 123, 2**40 + 7):
        e, t = ember.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
        _same(ember.rand(5, generator=e), torch.rand(5, generator=t))
        _same(ember.randn(3, 7, generator=e), torch.randn(3, 7, generator=t))
        _same(ember.randn(3, generator=e, dtype=ember.float64),
              torch.randn(3, generator=t, dtype=torch.float64))
        _same(ember.randperm(30, generator=e), torch.randperm(30, generator=t))
        _same(ember.empty(4, 5).t().cauchy_(generator=e),
              torch.empty(4, 5).t().cauchy_(generator=t))
        assert e.initial_seed() == t.initial_seed()
        assert e.get_state().numpy().tobytes() == t.get_state().numpy().tobytes()


def test_generator_type_checked():
    with pytest.raises(TypeError, match='Generator'):
        ember.randn(3, generator=5)
    with pytest.raises(TypeError, match='Generator'):
        ember.empty(3).uniform_(generator='g')
    with pytest.raises(RuntimeError, match='cpu'):
        ember.Generator(device='cuda')
    assert ember.Generator().device == ember.device('cpu')


# ---------------------------------------------------------------- state
def test_state_round_trip_through_tensors():
    ember.manual_seed(5)
    ember.randn(3)                                   # leaves the cached normal set
    state = ember.get_rng_state()
    assert isinstance(state, ember.Tensor) and state.dtype == ember.uint8
    assert state.shape == (5056,)
    a = (ember.randn(5), ember.rand(700), ember.randperm(9))
    ember.set_rng_state(state)
    b = (ember.randn(5), ember.rand(700), ember.randperm(9))
    assert all((x == y).all() for x, y in zip(a, b))
    g = ember.Generator()
    assert g.set_state(state) is g
    s2 = g.get_state()
    assert isinstance(s2, ember.Tensor) and s2.numpy().tobytes() == state.numpy().tobytes()
    assert struct.unpack_from('<Q', state.numpy().tobytes(), 0)[0] == 5 == g.initial_seed()
    # the state tensor is a copy: changing it does not touch the generator
    state.zero_()
    assert ember.get_rng_state().numpy().any()


def test_state_interop_with_torch(torch):
    torch.manual_seed(77)
    torch.randn(1, dtype=torch.float64)
    ember.set_rng_state(ember.tensor(torch.get_rng_state().numpy()))
    _same(ember.randn(5), torch.randn(5))
    _same(ember.empty(3, 6).t().normal_(), torch.empty(3, 6).t().normal_())
    torch.set_rng_state(torch.from_numpy(ember.get_rng_state().numpy().copy()))
    _same(ember.rand(40, dtype=ember.float64), torch.rand(40, dtype=torch.float64))
    assert _probe(ember) == _probe(torch)


def test_bad_states_rejected():
    with pytest.raises(TypeError, match='ByteTensor'):
        ember.set_rng_state(ember.zeros(5056))
    with pytest.raises(RuntimeError, match='of size 5056'):
        ember.set_rng_state(ember.zeros(50, dtype=ember.uint8))
    with pytest.raises(TypeError, match='ByteTensor'):
        ember.set_rng_state([1, 2, 3])
    bad = ember.get_rng_state()
    bad.numpy()[8:12] = 0                            # left = 0
    with pytest.raises(RuntimeError, match='Invalid mt19937 state'):
        ember.Generator().set_state(bad)


def test_fork_rng():
    ember.manual_seed(0)
    with ember.random.fork_rng():
        inner = ember.rand(3)
    assert (ember.rand(3) == inner).all()
    with ember.random.fork_rng(enabled=False):
        ember.rand(1)
    ember.manual_seed(0)
    ember.rand(4)
    again = ember.rand(2)
    ember.manual_seed(0)
    with ember.random.fork_rng():
        ember.rand(50)
    ember.rand(4)
    assert (ember.rand(2) == again).all()


# ---------------------------------------------------------------- memory order and layout
@pytest.mark.parametrize('fill', ['uniform_', 'normal_', 'random_', 'exponential_', 'bernoulli_',
                                  'geometric_', 'log_normal_', 'cauchy_'])
@pytest.mark.parametrize('view', ['t', 'permute', 'cols', 'rows'])
def test_noncontiguous_fills_follow_memory_order(torch, fill, view):
    args = {'geometric_': (0.3,)}.get(fill, ())
    make = {'t': lambda lib: lib.zeros(4, 8, dtype=lib.float64).t(),
            'permute': lambda lib: lib.zeros(2, 3, 5, dtype=lib.float64).permute(2, 0, 1),
            'cols': lambda lib: lib.zeros(4, 10, dtype=lib.float64)[:, ::2],
            'rows': lambda lib: lib.zeros(10, 4, dtype=lib.float64)[::2]}[view]
    out = []
    for lib in (ember, torch):
        lib.manual_seed(9)
        v = make(lib)
        assert getattr(v, fill)(*args) is v
        out.append((v, _probe(lib)))
    _same(out[0][0], out[1][0])
    assert out[0][1] == out[1][1]


def test_fill_writes_through_views_to_base():
    ember.manual_seed(0)
    base = ember.zeros(3, 4)
    v = base.t()
    v.uniform_()
    assert (base > 0).all() and (v.t() == base).all()


def test_like_keeps_layout(torch):
    for make in (lambda lib: lib.zeros(4, 3).t(), lambda lib: lib.zeros(2, 3, 4).permute(1, 2, 0),
                 lambda lib: lib.zeros(4, 6)[:, ::2], lambda lib: lib.zeros(6, 8).t()[::2]):
        for fn in ('rand_like', 'randn_like'):
            res = []
            for lib in (ember, torch):
                lib.manual_seed(2)
                res.append(getattr(lib, fn)(make(lib)))
            _same(*res)
            assert res[0].stride() == res[1].stride()
    x = ember.zeros(4, 3).t()
    assert ember.rand_like(x, memory_format='torch.contiguous_format').is_contiguous()


def test_overlapping_or_readonly_targets_raise():
    with pytest.raises(RuntimeError, match='single memory location'):
        ember.ones(3, 1).expand(3, 4).uniform_()
    a = np.zeros(3, np.float32)
    a.flags.writeable = False
    with pytest.raises(RuntimeError, match='read-only'):
        ember.from_numpy(a).normal_()


# ---------------------------------------------------------------- autograd bookkeeping
def test_inplace_bumps_version_and_checks_leaves():
    x = ember.zeros(3)
    for i, fill in enumerate([lambda t: t.uniform_(), lambda t: t.normal_(),
                              lambda t: t.random_(3), lambda t: t.bernoulli_(0.5)]):
        fill(x)
        assert x._version == i + 1
    w = ember.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match='leaf Variable that requires grad'):
        w.uniform_()
    with pytest.raises(RuntimeError, match='leaf Variable that requires grad'):
        w.normal_()
    with ember.no_grad():
        w.uniform_(-1, 1)
    assert w.requires_grad and w.grad_fn is None and w._version == 1


def test_grad_fn_names_match_torch(torch):
    fills = {'uniform_': (), 'normal_': (), 'exponential_': (), 'geometric_': (0.5,),
             'log_normal_': (), 'cauchy_': (), 'bernoulli_': (0.5,)}
    for name, args in fills.items():
        names = []
        for lib in (ember, torch):
            x = lib.ones(3, requires_grad=True) * 2
            getattr(x, name)(*args)
            names.append(x.grad_fn.name())
        assert names[0] == names[1], (name, names)
    for call in (lambda lib, x: x.random_(), lambda lib, x: x.random_(5),
                 lambda lib, x: x.random_(1, 5), lambda lib, x: x.bernoulli_(lib.rand(3))):
        names = []
        for lib in (ember, torch):
            x = lib.ones(3, requires_grad=True) * 2
            call(lib, x)
            names.append(x.grad_fn.name())
        assert names[0] == names[1]
    for call in (lambda lib, m, s: lib.normal(m, s), lambda lib, m, s: lib.normal(m, 1.0),
                 lambda lib, m, s: lib.normal(0.5, s),
                 lambda lib, m, s: lib.bernoulli(s * 0 + 0.5),
                 lambda lib, m, s: lib.poisson(s)):
        names = []
        for lib in (ember, torch):
            m = lib.zeros(3, requires_grad=True)
            s = lib.ones(3, requires_grad=True)
            y = call(lib, m, s)
            names.append(y.grad_fn.name())
        assert names[0] == names[1]


def test_sample_gradients_are_zero():
    m = ember.zeros(2, 3, requires_grad=True)
    s = ember.ones(3, requires_grad=True)
    y = ember.normal(m, s)
    assert y.requires_grad and y.grad_fn.name() == 'NormalBackward3'
    y.sum().backward()
    assert (m.grad == 0).all() and m.grad.shape == (2, 3)
    assert (s.grad == 0).all() and s.grad.shape == (3,)
    x = ember.ones(3, requires_grad=True)
    z = (x * 2).uniform_()
    (z * 5).sum().backward()
    assert (x.grad == 0).all()
    assert not ember.normal(m.detach(), s.detach()).requires_grad
    assert ember.rand(2, requires_grad=True).is_leaf


def test_fill_of_a_view_in_the_graph(torch):
    grads = []
    for lib in (ember, torch):
        w = lib.ones(2, 3, requires_grad=True)
        x = w * 2
        x[0].uniform_()
        x.t()[1].normal_()
        (x * lib.arange(6.).reshape(2, 3)).sum().backward()
        grads.append((w.grad, x.grad_fn.name()))
    _same(grads[0][0], grads[1][0])
    assert grads[0][1] == grads[1][1] == 'torch::autograd::CopySlices'


def test_bernoulli_with_float_p_has_no_derivative():
    p = ember.rand(3, requires_grad=True)
    y = ember.bernoulli(p, 0.5)
    assert y.grad_fn.name() == 'NotImplemented'
    with pytest.raises(RuntimeError, match='derivative for aten::bernoulli is not implemented'):
        y.sum().backward()


# ---------------------------------------------------------------- signatures, out=, dtypes
def test_size_forms_and_keywords():
    for shape in [(2, 3), ((2, 3),), ([2, 3],), (ember.Size([2, 3]),)]:
        assert ember.rand(*shape).shape == (2, 3)
    assert ember.randn(size=(4,)).shape == (4,)
    assert ember.rand([]).shape == ()
    assert ember.rand(ember.tensor(3)).shape == (3,)
    assert ember.randint(5, (2,)).dtype == ember.int64
    assert ember.randint(3, 10, size=(2,)).shape == (2,)
    assert ember.randint(low=2, high=4, size=(3,)).min() >= 2
    assert ember.randint(high=4, size=[3]).shape == (3,)
    assert ember.normal(0.0, 1.0, size=(2, 2)).shape == (2, 2)
    assert ember.normal(mean=ember.zeros(3)).shape == (3,)
    assert ember.randperm(4, dtype=ember.float32).dtype == ember.float32
    assert ember.empty(3).random_(to=5).max() < 5
    assert ember.empty(3).random_(2, to=5).min() >= 2
    assert ember.empty(3).uniform_(**{'from': 2, 'to': 3}).min() >= 2
    assert ember.randint_like(ember.zeros(3), low=3, high=4).eq(3).all()
    r = ember.rand(2, 3, dtype=ember.float64, requires_grad=True)
    assert r.dtype == ember.float64 and r.requires_grad and r.is_leaf


def test_out_arguments(torch):
    for lib in (ember, torch):
        lib.manual_seed(4)
    o = ember.empty(3)
    assert ember.rand(3, out=o) is o
    t = torch.empty(3)
    torch.rand(3, out=t)
    _same(o, t)
    o, t = ember.empty(2, 3).t(), torch.empty(2, 3).t()
    ember.randn(3, 2, out=o)
    torch.randn(3, 2, out=t)
    _same(o, t)
    o, t = ember.empty(5, dtype=ember.int64), torch.empty(5, dtype=torch.int64)
    ember.randint(2, 9, (5,), out=o)
    torch.randint(2, 9, (5,), out=t)
    _same(o, t)
    o, t = ember.empty(3), torch.empty(3)
    ember.normal(ember.zeros(3), ember.ones(3), out=o)
    torch.normal(torch.zeros(3), torch.ones(3), out=t)
    _same(o, t)
    o, t = ember.empty(0, dtype=ember.int64), torch.empty(0, dtype=torch.int64)
    ember.multinomial(ember.ones(4), 2, out=o)
    torch.multinomial(torch.ones(4), 2, out=t)
    _same(o, t)
    o, t = ember.empty(0, dtype=ember.int64), torch.empty(0, dtype=torch.int64)
    ember.randperm(6, out=o)
    torch.randperm(6, out=t)
    _same(o, t)
    with pytest.warns(UserWarning, match='resized'):
        o = ember.empty(5)
        ember.rand(3, out=o)
    assert o.shape == (3,)
    with pytest.raises(RuntimeError, match='dtype Double does not match dtype of out parameter'):
        ember.rand(3, out=ember.empty(3), dtype=ember.float64)
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic"):
        ember.rand(3, out=ember.empty(3, requires_grad=True))
    with pytest.raises(NotImplementedError, match='check_uniform_bounds'):
        ember.rand(3, out=ember.empty(3, dtype=ember.int64))


def test_normal_mixed_dtypes_match_torch(torch):
    cases = [lambda lib: lib.normal(lib.zeros(20), lib.linspace(0.1, 2, 20, dtype=lib.float64)),
             lambda lib: lib.normal(lib.zeros(5, dtype=lib.float64), lib.ones(5) * 0.3),
             lambda lib: lib.normal(lib.zeros(4), lib.tensor([1, 2, 3, 4])),
             lambda lib: lib.normal(3, lib.ones(3, dtype=lib.float64)),
             lambda lib: lib.normal(lib.full((), 1.5), lib.ones(2, 3))]
    for make in cases:
        res = []
        for lib in (ember, torch):
            lib.manual_seed(6)
            res.append(make(lib))
        _same(*res)


def test_float_random_bounds_warn_and_round_like_torch(torch):
    for dt, lo, hi in (('float32', 0, 2**30), ('float32', -(2**40) - 3, 2**40 + 5),
                       ('float64', 3, 2**60 + 1), ('float16', 0, 5000)):
        res = []
        for lib in (ember, torch):
            lib.manual_seed(1)
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter('always')
                res.append(lib.empty(50, dtype=getattr(lib, dt)).random_(lo, hi))
            assert any('out of bounds' in str(x.message) for x in w)
        _same(*res)


def test_half_and_small_int_dtypes_match_torch(torch):
    for dt in ('float16', 'int8', 'int16', 'uint8', 'bool'):
        res = []
        for lib in (ember, torch):
            lib.manual_seed(3)
            t = lib.empty(40, dtype=getattr(lib, dt))
            t.random_()
            u = lib.empty(40, dtype=getattr(lib, dt)).bernoulli_(0.4)
            res.append((t, u, _probe(lib)))
        _same(res[0][0], res[1][0])
        _same(res[0][1], res[1][1])
        assert res[0][2] == res[1][2]


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize('call,exc,match', [
    (lambda: ember.rand(3, dtype=ember.int64), NotImplementedError,
     '"check_uniform_bounds" not implemented for \'Long\''),
    (lambda: ember.randn(3, dtype=ember.int64), NotImplementedError,
     '"normal_kernel_cpu" not implemented for \'Long\''),
    (lambda: ember.randn(3, dtype=ember.bool), NotImplementedError, "'Bool'"),
    (lambda: ember.rand_like(ember.ones(3, dtype=ember.int64)), NotImplementedError,
     'check_uniform_bounds'),
    (lambda: ember.randn_like(ember.ones(3, dtype=ember.int32)), NotImplementedError, "'Int'"),
    (lambda: ember.zeros(3, dtype=ember.int64).uniform_(), NotImplementedError,
     'check_uniform_bounds'),
    (lambda: ember.zeros(3, dtype=ember.int64).normal_(), NotImplementedError,
     'normal_kernel_cpu'),
    (lambda: ember.zeros(3, dtype=ember.int64).exponential_(), RuntimeError,
     'continuous probability distribution'),
    (lambda: ember.zeros(3, dtype=ember.int64).cauchy_(), RuntimeError,
     'continuous probability distribution'),
    (lambda: ember.zeros(3, dtype=ember.int64).log_normal_(), NotImplementedError,
     '"log_normal_cpu" not implemented'),
    (lambda: ember.zeros(3, dtype=ember.bool).geometric_(0.5), NotImplementedError,
     '"geometric_cpu" not implemented for \'Bool\''),
    (lambda: ember.bernoulli(ember.ones(3, dtype=ember.int64)), NotImplementedError,
     'bernoulli_tensor_cpu_p_'),
    (lambda: ember.zeros(3).bernoulli_(ember.ones(3, dtype=ember.int64)), NotImplementedError,
     'bernoulli_tensor_cpu_p_'),
    (lambda: ember.poisson(ember.ones(3, dtype=ember.int64)), NotImplementedError,
     '"poisson_cpu" not implemented'),
    (lambda: ember.multinomial(ember.ones(3, dtype=ember.int64), 2), RuntimeError,
     'multinomial only supports floating-point dtypes for input, got: Long'),
    (lambda: ember.randperm(5, dtype=ember.bool), NotImplementedError, '"randperm"'),
    (lambda: ember.randperm(2050, dtype=ember.float16), RuntimeError,
     'n cannot be greater than 2049 for Half type'),
    (lambda: ember.randperm(129, dtype=ember.int8), RuntimeError, 'without overflow'),
    (lambda: ember.randperm(-1), RuntimeError, 'negative dimension'),
    (lambda: ember.randint(10, (3,), dtype=ember.bool), RuntimeError,
     'to - 1 is out of bounds for bool'),
    (lambda: ember.randint(300, (3,), dtype=ember.uint8), RuntimeError,
     'to - 1 is out of bounds for unsigned char'),
    (lambda: ember.randint(5, 5, (3,)), RuntimeError, "expects 'from' to be less than 'to'"),
    (lambda: ember.randint(10.5, (3,)), TypeError, "argument 'high'"),
    (lambda: ember.randint(0, 10, 3), TypeError, 'tuple of ints'),
    (lambda: ember.randint(0, 2**63, (3,)), ValueError, 'Overflow'),
    (lambda: ember.randint(10, (3,), requires_grad=True), RuntimeError,
     'floating point and complex dtype can require gradients'),
    (lambda: ember.rand(2, -3), RuntimeError, 'negative dimension -3'),
    (lambda: ember.rand(2.0, 3), TypeError, 'tuple of ints'),
    (lambda: ember.rand(), TypeError, 'size'),
    (lambda: ember.rand(3, bogus=1), TypeError, 'unexpected keyword'),
    (lambda: ember.normal(0.0, 1.0), TypeError, 'size'),
    (lambda: ember.normal(ember.zeros(3), 1.0, (3,)), TypeError, 'size'),
    (lambda: ember.normal(0.0, -1.0, (3,)), RuntimeError, 'normal expects std >= 0.0'),
    (lambda: ember.normal(ember.zeros(3), -1.0), RuntimeError, 'normal expects std >= 0.0'),
    (lambda: ember.normal(ember.zeros(3), -ember.ones(3)), RuntimeError,
     'normal expects all elements of std >= 0.0'),
    (lambda: ember.normal(ember.zeros(4), ember.ones(3)), RuntimeError,
     r'The size of tensor a \(4\) must match the size of tensor b \(3\)'),
    (lambda: ember.normal(ember.zeros(3, dtype=ember.int64), 1.0), NotImplementedError,
     'normal_kernel_cpu'),
    (lambda: ember.empty(3).normal_(0, -1), RuntimeError, 'normal expects std >= 0.0'),
    (lambda: ember.empty(3).uniform_(1, 0), RuntimeError,
     r'uniform_ expects to return a \[from, to\) range'),
    (lambda: ember.empty(3).uniform_(a=1), TypeError, 'unexpected keyword'),
    (lambda: ember.empty(3).bernoulli_(1.5), RuntimeError,
     r'bernoulli_ expects p to be in \[0, 1\], but got p=1.5'),
    (lambda: ember.empty(3).bernoulli_(ember.full((3,), 1.5)), RuntimeError,
     'Expected p_in >= 0 && p_in <= 1'),
    (lambda: ember.empty(3).bernoulli_(ember.rand(2, 3)), RuntimeError, 'expand'),
    (lambda: ember.bernoulli(ember.rand(3), p=ember.rand(3)), TypeError, 'p must be a number'),
    (lambda: ember.empty(3).geometric_(0), RuntimeError,
     r'geometric_ expects p to be in \(0, 1\), but got p=0'),
    (lambda: ember.empty(3).geometric_(1), RuntimeError, 'geometric_ expects p'),
    (lambda: ember.empty(3).log_normal_(0, 0), RuntimeError,
     'log_normal_ expects std > 0.0, but found std=0'),
    (lambda: ember.empty(3).cauchy_(0, -1), RuntimeError,
     'cauchy_ expects sigma > 0.0, but found sigma=-1'),
    (lambda: ember.empty(3).exponential_(0), RuntimeError,
     'exponential_ expects lambda > 0.0, but found lambda=0'),
    (lambda: ember.empty(3, dtype=ember.int64).random_(5, 2), RuntimeError,
     "expects 'from' to be less than 'to', but got from=5 >= to=2"),
    (lambda: ember.empty(3, dtype=ember.uint8).random_(-1, 5), RuntimeError,
     'from is out of bounds for unsigned char'),
    (lambda: ember.empty(3, dtype=ember.int32).random_(0, 2**40), RuntimeError,
     'to - 1 is out of bounds for int'),
    (lambda: ember.empty(3).random_(1.5, 4), TypeError, 'must be int'),
    (lambda: ember.empty(3).random_(-5), RuntimeError, "expects 'from' to be less than 'to'"),
    (lambda: ember.empty(3).random_(1, 2, 3), TypeError, 'at most 2'),
    (lambda: ember.multinomial(ember.ones(3), 4), RuntimeError,
     'cannot sample n_sample > prob_dist.size'),
    (lambda: ember.multinomial(ember.ones(3), 0), RuntimeError, 'cannot sample n_sample <= 0'),
    (lambda: ember.multinomial(ember.ones(3), 2.0), TypeError, "'num_samples'"),
    (lambda: ember.multinomial(ember.ones(2, 2, 2), 1), RuntimeError, 'prob_dist must be 1 or 2'),
    (lambda: ember.multinomial(ember.zeros(3), 1), RuntimeError, 'sum of probabilities <= 0'),
    (lambda: ember.multinomial(ember.tensor([-1.0, 2.0]), 1), RuntimeError,
     'contains either `inf`, `nan` or element < 0'),
    (lambda: ember.poisson(-ember.ones(2)), RuntimeError, 'invalid Poisson rate'),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_errors_draw_nothing():
    """A rejected call must not consume random words (PyTorch checks before drawing)."""
    ember.manual_seed(0)
    before = ember.get_rng_state().numpy().tobytes()
    for call in (lambda: ember.empty(3).uniform_(1, 0), lambda: ember.empty(3).normal_(0, -1),
                 lambda: ember.randint(5, 5, (2,)), lambda: ember.empty(3).geometric_(2),
                 lambda: ember.ones(3, 1).expand(3, 4).normal_(),
                 lambda: ember.zeros(3, requires_grad=True).uniform_(),
                 lambda: ember.ones(2, 3, requires_grad=True)[0].uniform_()):
        with pytest.raises((RuntimeError, TypeError)):
            call()
    assert ember.get_rng_state().numpy().tobytes() == before


# ---------------------------------------------------------------- multinomial ties
def test_multinomial_tie_order_matches_torch(torch):
    """Without replacement, zero-probability categories tie; PyTorch's topk leaves them in
    the order libstdc++'s nth_element/sort produce, which ember replays."""
    rng = np.random.default_rng(1)
    for trial in range(60):
        n = int(rng.choice([3, 5, 8, 20, 100, 300]))
        p = np.where(rng.random((2, n)) < 0.6, 0.0, rng.random((2, n))).astype(np.float32)
        p[:, 0] += 0.1
        k = int(rng.integers(1, n + 1)) if trial % 3 else max(1, n // 64)
        res = []
        for lib in (ember, torch):
            lib.manual_seed(trial)
            res.append(lib.multinomial(lib.tensor(p), k).tolist())
        assert res[0] == res[1], (n, k)


def test_topk_replay_matches_torch(torch):
    from ember._distributions._topk import _topk_rows
    rng = np.random.default_rng(2)
    for _ in range(200):
        n = int(rng.choice([2, 17, 64, 130, 1000]))
        k = int(rng.integers(1, n + 1)) if rng.random() < 0.5 else max(1, n // 64)
        v = rng.integers(0, 4, n).astype(np.float32)
        assert (_topk_rows(v[None], k)[0].tolist()
                == torch.topk(torch.from_numpy(v), k).indices.tolist())
