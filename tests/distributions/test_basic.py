"""Normal, Bernoulli, Categorical, Uniform, OneHotCategorical and Independent against torch
2.13: samples after manual_seed (bit for bit), values, shapes, gradients, validation, KL and
repr."""
import math

import pytest

import ember
from .helpers import check, grads, same_error, torch

SHAPES = [(), (3,), (2, 3)]


def _normal(lib, batch=(2,)):
    return lib.distributions.Normal(lib.linspace(-1, 1, math.prod(batch)).reshape(batch),
                                    lib.linspace(0.5, 2, math.prod(batch)).reshape(batch))


@pytest.mark.parametrize('shape', SHAPES)
def test_normal_samples(shape):
    check(lambda lib: (_normal(lib).sample(shape), _normal(lib).rsample(shape),
                       _normal(lib, (20,)).sample(), lib.rand(1)), exact=True)


def test_normal_values():
    x = [-0.3, 1.7]
    check(lambda lib: [
        _normal(lib).log_prob(lib.tensor(x)), _normal(lib).cdf(lib.tensor(x)),
        _normal(lib).icdf(lib.tensor([0.1, 0.8])), _normal(lib).entropy(),
        _normal(lib).mean, _normal(lib).variance, _normal(lib).stddev, _normal(lib).mode,
        _normal(lib).perplexity()])
    check(lambda lib: lib.distributions.Normal(0.0, 2.0).log_prob(lib.tensor(1.0)))


def test_normal_grads():
    grads(lambda lib, m, s: lib.distributions.Normal(m, s).rsample((4,)), [0.1, -2], [1.0, 3])
    grads(lambda lib, m, s: lib.distributions.Normal(m, s).log_prob(lib.tensor([0.5, 1.0])),
          [0.1, -2], [1.0, 3])
    grads(lambda lib, m, s: lib.distributions.Normal(m, s).cdf(lib.tensor([0.5, 1.0])),
          [0.1, -2], [1.0, 3])


def test_normal_shapes_and_expand():
    d = ember.distributions.Normal(ember.zeros(3, 1), ember.ones(1, 2))
    assert d.batch_shape == (3, 2) and d.event_shape == ()
    assert d.sample((4, 5)).shape == (4, 5, 3, 2)
    e = d.expand((6, 3, 2))
    assert e.batch_shape == (6, 3, 2) and e.rsample().shape == (6, 3, 2)
    assert ember.distributions.Normal(0.0, 1.0).batch_shape == ()
    assert d.sample().requires_grad is False


def test_repr():
    for lib in (ember, torch):
        D = lib.distributions
        reprs = [repr(D.Normal(lib.zeros(2), lib.ones(2))), repr(D.Normal(0.0, 1.0)),
                 repr(D.Bernoulli(logits=lib.zeros(3))), repr(D.Categorical(lib.ones(4))),
                 repr(D.Uniform(0.0, lib.ones(2, 2))),
                 repr(D.Independent(D.Normal(lib.zeros(2), lib.ones(2)), 1)),
                 repr(D.OneHotCategorical(lib.ones(3))),
                 repr(D.constraints.interval(0.0, 1.0)), repr(D.constraints.real_vector),
                 repr(D.constraints.positive), repr(D.constraints.simplex),
                 repr(D.constraints.integer_interval(0, 3))]
        if lib is ember:
            mine = reprs
    assert mine == reprs


def test_validation_errors():
    for fn in (
            lambda lib: lib.distributions.Normal(lib.tensor([0.0]), lib.tensor([-1.0])),
            lambda lib: lib.distributions.Bernoulli(lib.tensor([1.5])),
            lambda lib: lib.distributions.Bernoulli(probs=lib.tensor(0.5), logits=lib.tensor(0.)),
            lambda lib: lib.distributions.Categorical(lib.tensor([0.5, -0.2])),
            lambda lib: lib.distributions.Uniform(lib.tensor([1.0]), lib.tensor([0.0])),
            lambda lib: lib.distributions.Normal(0.0, 1.0).log_prob(1.0),
            lambda lib: lib.distributions.Bernoulli(lib.tensor(0.3)).log_prob(lib.tensor(0.5)),
            lambda lib: lib.distributions.Normal(lib.zeros(3), 1.0).log_prob(lib.zeros(2)),
            lambda lib: lib.distributions.Categorical(lib.ones(3)).log_prob(lib.tensor(3)),
            lambda lib: lib.distributions.Independent(lib.distributions.Normal(0.0, 1.0), 1)):
        same_error(fn)


def test_validate_args_switch():
    D = ember.distributions
    D.Normal(ember.tensor([0.0]), ember.tensor([-1.0]), validate_args=False)
    try:
        D.Distribution.set_default_validate_args(False)
        D.Normal(ember.tensor([0.0]), ember.tensor([-1.0]))
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args(3)


@pytest.mark.parametrize('kind', ['probs', 'logits'])
def test_bernoulli(kind):
    p = [[0.1, 0.5, 0.9], [0.0, 1.0, 0.3]] if kind == 'probs' else [[-2.0, 0.0, 3.0]] * 2

    def run(lib):
        d = lib.distributions.Bernoulli(**{kind: lib.tensor(p)})
        v = lib.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
        return (d.sample(), d.sample((4,)), d.log_prob(v), d.entropy(), d.mean, d.variance,
                d.mode, d.probs, d.logits, d.enumerate_support(), d.enumerate_support(False))
    check(run, exact=False)
    check(lambda lib: lib.distributions.Bernoulli(**{kind: lib.tensor(p)}).sample((5,)),
          exact=True)
    grads(lambda lib, x: lib.distributions.Bernoulli(**{kind: x}).log_prob(
        lib.tensor([1.0, 0.0])), [0.3, 0.6])
    grads(lambda lib, x: lib.distributions.Bernoulli(**{kind: x}).entropy(), [0.3, 0.6])


@pytest.mark.parametrize('kind', ['probs', 'logits'])
def test_categorical(kind):
    p = [[0.1, 0.2, 0.7, 0.0], [1.0, 2.0, 3.0, 4.0]] if kind == 'probs' else \
        [[-1.0, 0.0, 2.0, 0.5], [0.3, 0.3, -4.0, 1.0]]

    def run(lib):
        d = lib.distributions.Categorical(**{kind: lib.tensor(p)})
        return (d.sample(), d.sample((3, 2)), d.log_prob(lib.tensor([2, 1])),
                d.log_prob(lib.tensor([[0], [3]])), d.entropy(), d.mean, d.variance, d.mode,
                d.probs, d.logits, d.enumerate_support(), d.expand((5, 2)).sample())
    check(run)
    check(lambda lib: lib.distributions.Categorical(**{kind: lib.tensor(p)}).sample((7,)),
          exact=True)
    grads(lambda lib, x: lib.distributions.Categorical(**{kind: x}).log_prob(
        lib.tensor([2, 0])), [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    grads(lambda lib, x: lib.distributions.Categorical(**{kind: x}).entropy(),
          [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])


def test_one_hot_categorical():
    def run(lib):
        D = lib.distributions
        d = D.OneHotCategorical(logits=lib.tensor([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]]))
        st = D.OneHotCategoricalStraightThrough(lib.tensor([0.2, 0.8]))
        return (d.sample((4,)), d.mode, d.enumerate_support(), d.event_shape, d.batch_shape,
                st.rsample((3,)), d.expand((3, 2)).sample())
    check(run, exact=True)
    check(lambda lib: lib.distributions.OneHotCategorical(
        logits=lib.tensor([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]])).log_prob(
            lib.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])))
    check(lambda lib: (lambda d: (d.log_prob(lib.eye(3)[1]), d.entropy(), d.mean, d.variance))(
        lib.distributions.OneHotCategorical(logits=lib.tensor([0.0, 1.0, -1.0]))))
    grads(lambda lib, p: lib.distributions.OneHotCategoricalStraightThrough(p).rsample((2,))
          * lib.tensor([1.0, 3.0, 2.0]), [0.2, 0.3, 0.5])


def test_uniform():
    def run(lib):
        d = lib.distributions.Uniform(lib.tensor([0.0, -2.0]), lib.tensor([1.0, 3.0]))
        v = lib.tensor([0.5, 2.0])
        return (d.sample(), d.rsample((3,)), d.log_prob(v), d.cdf(v),
                d.icdf(lib.tensor([0.2, 0.9])), d.entropy(), d.mean, d.variance, d.stddev)
    check(run)
    check(lambda lib: lib.distributions.Uniform(-1.0, lib.tensor([1.0, 3.0])).sample((3,)),
          exact=True)
    check(lambda lib: lib.distributions.Uniform(0.0, 2.0, validate_args=False).log_prob(
        lib.tensor([-1.0, 1.0, 3.0])))
    grads(lambda lib, lo, hi: lib.distributions.Uniform(lo, hi).rsample((3,)), [0.0, 1.0],
          [2.0, 5.0])


def test_independent():
    def run(lib):
        D = lib.distributions
        base = D.Normal(lib.zeros(2, 3), lib.linspace(0.5, 3, 6).reshape(2, 3))
        d = D.Independent(base, 1)
        v = lib.linspace(-1, 1, 6).reshape(2, 3)
        return (d.batch_shape, d.event_shape, d.sample((2,)), d.log_prob(v), d.entropy(),
                d.mean, d.variance, d.expand((4, 2)).batch_shape, d.has_rsample,
                D.Independent(base, 2).log_prob(v))
    check(run, exact=False)
    assert repr(ember.distributions.Independent(ember.distributions.Normal(
        ember.zeros(2), ember.ones(2)), 1).support) == 'IndependentConstraint(Real(), 1)'


def test_kl_basic():
    def run(lib):
        D = lib.distributions
        kl = D.kl_divergence
        n1, n2 = _normal(lib), D.Normal(lib.tensor([0.3, 0.1]), lib.tensor([1.0, 0.7]))
        b1, b2 = D.Bernoulli(lib.tensor([0.2, 0.0, 1.0])), D.Bernoulli(lib.tensor([0.5, 0.3, 0.0]))
        c1 = D.Categorical(lib.tensor([[0.2, 0.8, 0.0], [0.3, 0.3, 0.4]]))
        c2 = D.Categorical(logits=lib.tensor([[0.0, 1.0, 2.0], [0.5, 0.0, 0.0]]))
        u1, u2 = D.Uniform(lib.tensor([0.0, 0.0]), 1.0), D.Uniform(lib.tensor([-1.0, 0.5]), 2.0)
        return (kl(n1, n2), kl(b1, b2), kl(c1, c2), kl(c2, c1), kl(u1, u2), kl(u2, u1),
                kl(D.OneHotCategorical(c1.probs), D.OneHotCategorical(c2.probs)),
                kl(D.Independent(n1, 1), D.Independent(n2, 1)))
    check(run)
    grads(lambda lib, m, s: lib.distributions.kl_divergence(
        lib.distributions.Normal(m, s), lib.distributions.Normal(0.0, 1.0)), [0.5, -1], [0.3, 2])


def test_kl_dispatch():
    D = ember.distributions
    same_error(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.Normal(0.0, 1.0), lib.distributions.Categorical(lib.ones(2))),
        NotImplementedError)

    class MyNormal(D.Normal):
        pass
    assert float(D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0))) == 0.5

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return ember.tensor(7.0)
    assert float(D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0))) == 7.0
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)


def test_constraints():
    def run(lib):
        C = lib.distributions.constraints
        x = lib.tensor([[-1.0, 0.0, 0.5], [0.3, 0.7, 0.0]])
        eye = lib.eye(2)
        return (C.real.check(x), C.positive.check(x), C.nonnegative.check(x),
                C.unit_interval.check(x), C.simplex.check(x), C.boolean.check(x),
                C.interval(-1, 0.3).check(x), C.half_open_interval(0, 0.5).check(x),
                C.greater_than(0.2).check(x), C.less_than(0.2).check(x),
                C.integer_interval(0, 1).check(x), C.nonnegative_integer.check(x),
                C.real_vector.check(x), C.independent(C.positive, 1).check(x),
                C.lower_cholesky.check(eye), C.lower_triangular.check(x[:, :2]),
                C.positive_definite.check(eye), C.symmetric.check(eye), C.one_hot.check(eye),
                C.multinomial(3).check(x), C.is_dependent(C.dependent),
                C.real.is_discrete, C.simplex.event_dim, C.positive_integer.check(x))
    check(run)
