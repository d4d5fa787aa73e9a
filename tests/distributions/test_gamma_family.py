"""Gamma, Dirichlet, Beta and Binomial (and the samplers ember._standard_gamma,
_sample_dirichlet, binomial) against torch 2.13: float32 samples bit for bit after
manual_seed, float64 samples bit for bit too, values, gradients and KL."""
import numpy as np
import pytest

import ember
from .helpers import check, grads, same_error, torch


def _gamma(lib, dtype):
    return lib.distributions.Gamma(lib.tensor([0.3, 1.0, 4.5], dtype=dtype),
                                   lib.tensor([1.0, 2.0, 0.5], dtype=dtype))


def _dirichlet(lib, dtype):
    return lib.distributions.Dirichlet(lib.tensor([[0.4, 1.0, 3.0], [2.0, 2.0, 0.7]],
                                                  dtype=dtype))


def _beta(lib, dtype):
    return lib.distributions.Beta(lib.tensor([0.5, 2.0], dtype=dtype),
                                  lib.tensor([1.5, 3.0], dtype=dtype))


def _binomial(lib, dtype):
    return lib.distributions.Binomial(lib.tensor([5.0, 30.0, 200.0], dtype=dtype),
                                      lib.tensor([0.3, 0.6, 0.05], dtype=dtype))


BUILDERS = [_gamma, _dirichlet, _beta, _binomial]


@pytest.mark.parametrize('build', BUILDERS)
def test_float32_samples_exact(build):
    check(lambda lib: (build(lib, lib.float32).sample(), build(lib, lib.float32).sample((4,)),
                       lib.rand(2)), exact=True)


@pytest.mark.parametrize('build', BUILDERS)
def test_float64_samples(build):
    check(lambda lib: (build(lib, lib.float64).sample((6,)), lib.rand(2, dtype=lib.float64)),
          exact=True)


def test_samplers_statistics():
    ember.manual_seed(1)
    a = ember.full((4000,), 2.5, dtype=ember.float64)
    g = ember._standard_gamma(a).numpy()
    assert abs(g.mean() - 2.5) < 0.1 and abs(g.var() - 2.5) < 0.3
    b = ember.binomial(ember.full((4000,), 40.0), ember.full((4000,), 0.3)).numpy()
    assert abs(b.mean() - 12) < 0.3 and abs(b.var() - 8.4) < 0.8


def test_values():
    def run(lib):
        out = []
        g = _gamma(lib, lib.float64)
        x = lib.tensor([0.2, 1.0, 7.0], dtype=lib.float64)
        out += [g.log_prob(x), g.entropy(), g.mean, g.mode, g.variance]
        d = _dirichlet(lib, lib.float64)
        v = lib.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]], dtype=lib.float64)
        out += [d.log_prob(v), d.entropy(), d.mean, d.mode, d.variance]
        b = _beta(lib, lib.float64)
        out += [b.log_prob(lib.tensor([0.3, 0.8], dtype=lib.float64)), b.entropy(), b.mean,
                b.variance, b.concentration1, b.concentration0]
        n = _binomial(lib, lib.float64)
        out += [n.log_prob(lib.tensor([2.0, 20.0, 9.0], dtype=lib.float64)), n.mean, n.mode,
                n.variance]
        h = lib.distributions.Binomial(10, logits=lib.tensor([0.3, -1.0], dtype=lib.float64))
        out += [h.entropy(), h.enumerate_support(), h.log_prob(lib.tensor([3.0, 0.0],
                                                                          dtype=lib.float64))]
        return out
    check(run, rtol=1e-9, atol=1e-12)


def test_grads():
    grads(lambda lib, a, r: lib.distributions.Gamma(a, r).log_prob(
        lib.tensor([0.5, 2.0], dtype=lib.float64)), [0.7, 3.0], [1.0, 2.0])
    grads(lambda lib, c: lib.distributions.Dirichlet(c).log_prob(
        lib.tensor([0.2, 0.3, 0.5], dtype=lib.float64)), [0.5, 1.0, 2.0])
    grads(lambda lib, p: lib.distributions.Binomial(10, p).log_prob(
        lib.tensor([3.0, 7.0], dtype=lib.float64)), [0.2, 0.6])


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_gamma_rsample_grad(dtype):
    # PyTorch's fitted approximation of d sample / d alpha, reproduced formula for formula
    def run(lib):
        a = lib.tensor([0.3, 1.0, 2.5, 7.0, 20.0], dtype=getattr(lib, dtype), requires_grad=True)
        r = lib.tensor([1.0, 2.0, 0.5, 1.0, 3.0], dtype=getattr(lib, dtype), requires_grad=True)
        x = lib.distributions.Gamma(a, r).rsample((3,))
        x.sum().backward()
        return x, a.grad, r.grad
    check(run, rtol=1e-6 if dtype == 'float32' else 1e-12, atol=0)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_dirichlet_beta_rsample_grad(dtype):
    def run(lib):
        f = getattr(lib, dtype)
        c = lib.tensor([[0.4, 1.0, 3.0], [2.0, 2.0, 0.7], [9.0, 12.0, 0.2]], dtype=f,
                       requires_grad=True)
        x = lib.distributions.Dirichlet(c).rsample((4,))
        (x * lib.arange(9, dtype=f).reshape(3, 3)).sum().backward()
        a = lib.tensor([0.5, 2.0, 8.0], dtype=f, requires_grad=True)
        b = lib.tensor([1.5, 3.0, 7.0], dtype=f, requires_grad=True)
        y = lib.distributions.Beta(a, b).rsample((5,))
        (y * y).sum().backward()
        return x, c.grad, y, a.grad, b.grad
    check(run, rtol=2e-6 if dtype == 'float32' else 1e-10, atol=0)


def test_dirichlet_rsample_graph():
    for lib in (ember, torch):
        c = lib.tensor([1.0, 2.0], requires_grad=True)
        assert lib.distributions.Dirichlet(c).rsample().grad_fn.name() == \
            '_DirichletBackward'
    # the raw sampler has no derivative (PyTorch: "derivative for aten::_sample_dirichlet
    # is not implemented")
    for lib in (ember, torch):
        c = lib.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match='derivative for aten::_sample_dirichlet'):
            lib._sample_dirichlet(c).sum().backward()


def test_kl_and_validation():
    def run(lib):
        D, f = lib.distributions, lib.float64
        kl = D.kl_divergence
        return (kl(_gamma(lib, f), D.Gamma(lib.tensor([1.0, 1.0, 1.0], dtype=f), 1.0)),
                kl(_dirichlet(lib, f), D.Dirichlet(lib.ones(3, dtype=f))),
                kl(_beta(lib, f), D.Beta(lib.tensor([1.0, 1.0], dtype=f), 2.0)),
                kl(D.Binomial(10, lib.tensor([0.3, 0.5])), D.Binomial(10, lib.tensor([0.5, 0.2]))))
    check(run, rtol=1e-6)
    for fn in (lambda lib: lib.distributions.Gamma(lib.tensor([-1.0]), 1.0),
               lambda lib: lib.distributions.Dirichlet(lib.tensor([1.0, 0.0])),
               lambda lib: lib.distributions.Binomial(lib.tensor([2.5]), lib.tensor([0.5])),
               lambda lib: lib.distributions.Beta(1.0, 1.0).log_prob(lib.tensor(1.5))):
        same_error(fn)
