"""kl_divergence against torch 2.13 for every registered pair among the families below
(values, shapes, infinities), gradients for a few cross-family pairs, and the registry
itself: every pair torch registers between families ember has is registered."""
import itertools
import warnings

import pytest

import ember
from .helpers import check, grads, torch

PARAMS = {   # name -> (family, parameters); Uniform2/Pareto2 reach the infinite branches
    'Normal': ('Normal', [[0.3, -1.0], [0.8, 2.0]]),
    'Beta': ('Beta', [[0.7, 2.0], [1.5, 3.0]]),
    'ContinuousBernoulli': ('ContinuousBernoulli', [[0.2, 0.7]]),
    'Exponential': ('Exponential', [[0.5, 2.0]]),
    'Gamma': ('Gamma', [[0.7, 3.0], [1.5, 0.5]]),
    'Gumbel': ('Gumbel', [[0.3, -1.0], [0.8, 2.0]]),
    'Laplace': ('Laplace', [[0.3, -1.0], [0.8, 2.0]]),
    'Pareto': ('Pareto', [[0.2, 1.5], [2.5, 3.0]]),
    'Pareto2': ('Pareto', [[0.1, 2.0], [0.5, 1.5]]),
    'Uniform': ('Uniform', [[0.1, 0.3], [0.6, 0.9]]),
    'Uniform2': ('Uniform', [[-0.1, 0.3], [0.6, 1.9]]),
    'Uniform3': ('Uniform', [[-3.0, -1.0], [3.0, 2.0]]),
    'Poisson': ('Poisson', [[0.5, 2.0]]),
    'Bernoulli': ('Bernoulli', [[0.3, 0.6]]),
    'HalfNormal': ('HalfNormal', [[0.8, 2.0]]),
    'Cauchy': ('Cauchy', [[0.3, -1.0], [0.8, 2.0]]),
}


def _make(lib, name):
    family, params = PARAMS[name]
    return getattr(lib.distributions, family)(*[lib.tensor(v, dtype=lib.float64)
                                                for v in params])


def _pairs():
    found = []
    for a, b in itertools.product(PARAMS, PARAMS):
        try:
            torch.distributions.kl_divergence(_make(torch, a), _make(torch, b))
        except NotImplementedError:
            continue
        found.append((a, b))
    return found


def test_kl_values_match_torch():
    pairs = _pairs()
    assert len(pairs) > 100
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check(lambda lib: [lib.distributions.kl_divergence(_make(lib, a), _make(lib, b))
                           for a, b in pairs], rtol=1e-9, atol=1e-12)


def test_torch_pairs_are_registered():
    from ember.distributions.kl import _KL_REGISTRY
    ours = {(p.__name__, q.__name__) for p, q in _KL_REGISTRY}
    families = set(ember.distributions.__all__)
    theirs = {(p.__name__, q.__name__) for p, q in torch.distributions.kl._KL_REGISTRY
              if p.__name__ in families and q.__name__ in families}
    assert theirs - ours == set()


@pytest.mark.parametrize('p, q', [('Gamma', 'Gumbel'), ('Uniform', 'Beta'),
                                  ('Pareto', 'Normal'), ('Normal', 'Laplace'),
                                  ('Beta', 'ContinuousBernoulli'), ('Gumbel', 'Gumbel')])
def test_kl_gradients(p, q):
    (pf, pv), (qf, qv) = PARAMS[p], PARAMS[q]

    def kl(lib, *leaves):
        D = lib.distributions
        return D.kl_divergence(getattr(D, pf)(*leaves[:len(pv)]),
                               getattr(D, qf)(*leaves[len(pv):]))
    grads(kl, *pv, *qv)


EXP_FAMILIES = [
    ('Normal', [[0.3, -1.0], [0.8, 2.0]], [[0.0, 1.0], [1.5, 0.5]]),
    ('Bernoulli', [[0.3, 0.6]], [[0.5, 0.1]]),
    ('Exponential', [[0.5, 2.0]], [[1.5, 0.2]]),
    ('Poisson', [[0.5, 2.0]], [[1.5, 4.0]]),
    ('Gamma', [[0.7, 3.0], [1.5, 0.5]], [[2.0, 1.0], [1.0, 2.0]]),
    ('Chi2', [[0.7, 3.0]], [[2.0, 5.0]]),
    ('Beta', [[0.7, 2.0], [1.5, 3.0]], [[1.0, 1.0], [2.0, 0.5]]),
    ('Dirichlet', [[[0.7, 2.0, 1.0], [1.5, 3.0, 0.5]]], [[[1.0, 1.0, 1.0], [2.0, 0.5, 4.0]]]),
    ('ContinuousBernoulli', [[0.2, 0.7, 0.5]], [[0.6, 0.3, 0.5]]),
]


@pytest.mark.parametrize('family, p_params, q_params', EXP_FAMILIES)
def test_exponential_family_bregman_fallback(family, p_params, q_params):
    """The generic Bregman KL and entropy (what a new exponential family gets) agree with
    torch's, values and gradients."""
    def build(lib, params):
        return getattr(lib.distributions, family)(*params)

    def run(lib, *leaves):
        fallback = (ember.distributions.kl._kl_expfamily_expfamily if lib is ember
                    else torch.distributions.kl._kl_expfamily_expfamily)
        n = len(p_params)
        return fallback(build(lib, leaves[:n]), build(lib, leaves[n:]))
    grads(run, *p_params, *q_params)
    check(lambda lib: run(lib, *[lib.tensor(v, dtype=lib.float64)
                                 for v in p_params + q_params]), rtol=1e-9, atol=1e-12)
    if family not in ('Beta', 'Dirichlet', 'Poisson'):   # these lack a carrier measure
        check(lambda lib: lib.distributions.ExponentialFamily.entropy(build(
            lib, [lib.tensor(v, dtype=lib.float64) for v in p_params])), rtol=1e-9)


def test_exponential_family_fallback_errors():
    def run(lib):
        D = lib.distributions
        D.kl._kl_expfamily_expfamily(D.Exponential(lib.tensor(1.0)), D.Poisson(lib.tensor(1.0)))
    e, t = [], []
    for lib, out in ((ember, e), (torch, t)):
        with pytest.raises(NotImplementedError) as info:
            run(lib)
        out.append(' '.join(str(info.value).split()))
    assert e == t
