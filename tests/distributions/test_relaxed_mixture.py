"""RelaxedBernoulli, RelaxedOneHotCategorical (and their logit / log-space bases) and
MixtureSameFamily against torch 2.13: samples after manual_seed, log_prob, gradients
through rsample, moments, validation and repr."""
import pytest

from .helpers import check, grads, same_error


def _relaxed(lib, name):
    mod_b = lib.distributions.relaxed_bernoulli
    mod_c = lib.distributions.relaxed_categorical
    t = lib.tensor([0.5, 2.0])
    return {
        'LogitRelaxedBernoulli': lambda: mod_b.LogitRelaxedBernoulli(t, lib.tensor([0.3, 0.9])),
        'RelaxedBernoulli': lambda: mod_b.RelaxedBernoulli(t, logits=lib.tensor([0.3, -2.0])),
        'ExpRelaxedCategorical': lambda: mod_c.ExpRelaxedCategorical(
            lib.tensor(0.7), lib.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])),
        'RelaxedOneHotCategorical': lambda: mod_c.RelaxedOneHotCategorical(
            lib.tensor(0.7), logits=lib.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])),
    }[name]()


RELAXED = ['LogitRelaxedBernoulli', 'RelaxedBernoulli', 'ExpRelaxedCategorical',
           'RelaxedOneHotCategorical']


@pytest.mark.parametrize('name', RELAXED)
def test_relaxed(name):
    def run(lib):
        d = _relaxed(lib, name)
        x = d.sample((3,))
        return (x, d.rsample(), d.expand((4, 2)).sample(), d.log_prob(x), repr(d),
                d.batch_shape, d.event_shape, d.probs, d.logits, lib.rand(1))
    # float32 log / log1p of torch's vectorised kernels may differ in the last bit
    check(run, rtol=1e-5, atol=1e-5)


def test_relaxed_grads():
    grads(lambda lib, t, lg: lib.distributions.RelaxedBernoulli(t, logits=lg).rsample((3,)),
          [0.5, 2.0], [0.3, -1.0])
    grads(lambda lib, t, lg: lib.distributions.RelaxedOneHotCategorical(t, logits=lg)
          .rsample((2,)) * lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64), [0.7], [0.2, 0.3, 0.5])
    grads(lambda lib, t, p: lib.distributions.RelaxedBernoulli(t, p).log_prob(
        lib.tensor([0.2, 0.9], dtype=lib.float64)), [0.5, 2.0], [0.3, 0.6])


def _gmm(lib):
    D = lib.distributions
    mix = D.Categorical(lib.tensor([[0.3, 0.7], [0.5, 0.5]]))
    comp = D.Independent(D.Normal(lib.tensor([[[0.0, 1.0], [2.0, -1.0]], [[1.0, 1.0], [0.0, 0.0]]]),
                                  lib.tensor([[[1.0, 0.5], [2.0, 1.0]], [[1.0, 1.0], [0.3, 0.3]]])),
                         1)
    return D.MixtureSameFamily(mix, comp)


def test_mixture_same_family():
    def run(lib):
        D = lib.distributions
        g = _gmm(lib)
        x = lib.tensor([[0.5, 0.5], [1.0, -2.0]])
        uni = D.MixtureSameFamily(D.Categorical(lib.tensor([0.2, 0.8])),
                                  D.Normal(lib.tensor([-1.0, 2.0]), lib.tensor([1.0, 0.5])))
        return (g.sample((3,)), g.log_prob(x), g.mean, g.variance, g.batch_shape, g.event_shape,
                g.expand((4, 2)).sample(), repr(g), repr(g.support), uni.sample((5,)),
                uni.cdf(lib.tensor([0.0, 1.5])), uni.log_prob(lib.tensor([[0.0], [1.5]])),
                uni.mean, uni.variance, lib.rand(1))
    check(run, exact=False)
    check(lambda lib: (_gmm(lib).sample((4,)),), exact=True)
    grads(lambda lib, loc: lib.distributions.MixtureSameFamily(
        lib.distributions.Categorical(lib.tensor([0.2, 0.8], dtype=lib.float64)),
        lib.distributions.Normal(loc, 1.0)).log_prob(lib.tensor([0.3, 1.0], dtype=lib.float64)
                                                     .unsqueeze(-1).squeeze(-1)), [-1.0, 2.0])


@pytest.mark.parametrize('fn', [
    lambda lib: lib.distributions.MixtureSameFamily(
        lib.distributions.Normal(0.0, 1.0), lib.distributions.Normal(lib.zeros(2), 1.0)),
    lambda lib: lib.distributions.MixtureSameFamily(
        lib.distributions.Categorical(lib.ones(3)), lib.distributions.Normal(lib.zeros(2), 1.0)),
    lambda lib: lib.distributions.MixtureSameFamily(
        lib.distributions.Categorical(lib.ones(2, 2)),
        lib.distributions.Normal(lib.zeros(3, 2), 1.0)),
    lambda lib: lib.distributions.RelaxedBernoulli(lib.tensor(1.0), lib.tensor([1.5])),
    lambda lib: lib.distributions.RelaxedOneHotCategorical(lib.tensor(1.0),
                                                           lib.tensor([0.5, -0.5])),
    lambda lib: _gmm(lib).log_prob(lib.tensor([float('nan'), 0.0])),
])
def test_validation(fn):
    same_error(fn)
