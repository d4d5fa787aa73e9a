"""MultivariateNormal, Exponential, Laplace, Cauchy, LogNormal (transforms), Poisson and
Geometric against torch 2.13: samples after manual_seed (bit for bit), values, gradients,
validation and KL."""
import pytest

from .helpers import check, grads, same_error

X = [0.3, 1.7, 4.0]


def _scalar_family(lib, name):
    D = lib.distributions
    if name == 'Exponential':
        return D.Exponential(lib.tensor([0.5, 1.0, 3.0]))
    if name == 'LogNormal':
        return D.LogNormal(lib.tensor([0.0, 0.5, -1.0]), lib.tensor([1.0, 0.3, 2.0]))
    return getattr(D, name)(lib.tensor([0.0, 0.5, -1.0]), lib.tensor([1.0, 0.3, 2.0]))


FAMILIES = ['Exponential', 'Laplace', 'Cauchy', 'LogNormal']


@pytest.mark.parametrize('name', FAMILIES)
def test_samples(name):
    check(lambda lib: (_scalar_family(lib, name).sample(), _scalar_family(lib, name).rsample(
        (2, 4)), _scalar_family(lib, name).expand((2, 3)).sample(), lib.rand(1)), exact=True)


@pytest.mark.parametrize('name', FAMILIES)
def test_values(name):
    def run(lib):
        d = _scalar_family(lib, name)
        x = lib.tensor(X)
        out = [d.log_prob(x), d.cdf(x), d.icdf(lib.tensor([0.1, 0.5, 0.95])), d.entropy(),
               d.mean, d.mode, d.variance, d.stddev, d.batch_shape]
        return out
    check(run)


@pytest.mark.parametrize('name', FAMILIES)
def test_grads(name):
    def build(lib, a, b):
        if name == 'Exponential':
            return lib.distributions.Exponential(a * b)
        return getattr(lib.distributions, name)(a, b)
    grads(lambda lib, a, b: build(lib, a, b).rsample((3,)), [0.2, 1.5], [0.5, 2.0])
    grads(lambda lib, a, b: build(lib, a, b).log_prob(lib.tensor([0.7, 2.0])), [0.2, 1.5],
          [0.5, 2.0])
    grads(lambda lib, a, b: build(lib, a, b).entropy(), [0.2, 1.5], [0.5, 2.0])


def _mvn(lib, kind):
    A = lib.tensor([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]], dtype=lib.float64)
    loc = lib.tensor([[0.0, 1.0, -1.0], [0.5, 0.5, 0.5]], dtype=lib.float64)
    if kind == 'covariance_matrix':
        return lib.distributions.MultivariateNormal(loc, covariance_matrix=A)
    if kind == 'precision_matrix':
        return lib.distributions.MultivariateNormal(loc, precision_matrix=A)
    return lib.distributions.MultivariateNormal(loc, scale_tril=lib.linalg.cholesky(A))


@pytest.mark.parametrize('kind', ['covariance_matrix', 'precision_matrix', 'scale_tril'])
def test_multivariate_normal(kind):
    def run(lib):
        d = _mvn(lib, kind)
        x = lib.tensor([[[0.1, 0.2, 0.3]], [[1.0, -1.0, 0.0]]], dtype=lib.float64)
        return (d.batch_shape, d.event_shape, d.log_prob(x), d.entropy(), d.mean, d.variance,
                d.covariance_matrix, d.precision_matrix, d.scale_tril, d.mode,
                d.expand((4, 2)).batch_shape)
    check(run, rtol=1e-9, atol=1e-10)
    check(lambda lib: (_mvn(lib, kind).sample((5,)), _mvn(lib, kind).rsample()),
          rtol=1e-12, atol=1e-12)


def test_multivariate_normal_float32_samples_and_grads():
    check(lambda lib: lib.distributions.MultivariateNormal(
        lib.zeros(2), lib.eye(2)).sample((3,)), exact=True)
    grads(lambda lib, m, L: lib.distributions.MultivariateNormal(m, scale_tril=L.tril()).rsample(
        (3,)), [0.1, 0.2], [[1.0, 0.0], [0.5, 2.0]])
    grads(lambda lib, m, L: lib.distributions.MultivariateNormal(m, scale_tril=L.tril()).log_prob(
        lib.tensor([[0.3, -1.0], [1.0, 2.0]], dtype=lib.float64)), [0.1, 0.2],
        [[1.0, 0.0], [0.5, 2.0]])


def test_multivariate_normal_errors():
    for fn in (lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2)),
               lambda lib: lib.distributions.MultivariateNormal(lib.tensor(0.0), lib.eye(2)),
               lambda lib: lib.distributions.MultivariateNormal(
                   lib.zeros(2), lib.tensor([[1.0, 2.0], [2.0, 1.0]])),
               lambda lib: lib.distributions.MultivariateNormal(
                   lib.zeros(2), scale_tril=lib.tensor([[1.0, 1.0], [0.0, 1.0]])),
               lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2),
                                                                scale_tril=lib.ones(2))):
        same_error(fn)


def test_poisson_and_geometric():
    def run(lib):
        D = lib.distributions
        p = D.Poisson(lib.tensor([0.5, 4.0, 30.0]))
        g = D.Geometric(lib.tensor([0.2, 0.5, 1.0]))
        gl = D.Geometric(logits=lib.tensor([-1.0, 0.0, 2.0]))
        k = lib.tensor([0.0, 3.0, 25.0])
        return (p.sample((2,)), p.log_prob(k), p.mean, p.mode, p.variance,
                g.sample((3,)), g.log_prob(lib.tensor([0.0, 2.0, 0.0])), g.entropy(), g.mean,
                g.variance, g.mode, gl.sample(), gl.log_prob(k), gl.probs)
    check(run)
    check(lambda lib: (lib.distributions.Poisson(lib.tensor([2.0, 15.0])).sample((4,)),
                       lib.distributions.Geometric(lib.tensor([0.3, 0.9])).sample((4,))),
          exact=True)
    grads(lambda lib, r: lib.distributions.Poisson(r).log_prob(lib.tensor([1.0, 4.0])),
          [0.5, 3.0])
    grads(lambda lib, p: lib.distributions.Geometric(p).log_prob(lib.tensor([1.0, 4.0])),
          [0.5, 0.1])


def test_discrete_validation():
    for fn in (lambda lib: lib.distributions.Poisson(lib.tensor([-1.0])),
               lambda lib: lib.distributions.Geometric(lib.tensor([0.0, 0.5])),
               lambda lib: lib.distributions.Poisson(lib.tensor(2.0)).log_prob(lib.tensor(0.5)),
               lambda lib: lib.distributions.Exponential(lib.tensor(2.0)).log_prob(
                   lib.tensor(-0.5))):
        same_error(fn)


def test_transforms():
    def run(lib):
        T = lib.distributions.transforms
        x = lib.tensor([-1.0, 0.0, 2.0])
        out = []
        for t in (T.ExpTransform(), T.SigmoidTransform(), T.TanhTransform(),
                  T.AffineTransform(1.0, -2.0), T.AffineTransform(lib.tensor([1.0, 2.0, 3.0]), 3.0),
                  T.ComposeTransform([T.AffineTransform(0.5, 2.0), T.ExpTransform()])):
            y = t(x)
            out += [y, t.inv(y), t.log_abs_det_jacobian(x, y), t.inv.log_abs_det_jacobian(y, x),
                    repr(t.codomain), t.bijective]
        out.append(T.ExpTransform() == T.ExpTransform())
        out.append(T.ExpTransform().inv == T.ExpTransform().inv)
        return out
    check(run, rtol=1e-6)

    def transformed(lib):
        D, T = lib.distributions, lib.distributions.transforms
        d = D.TransformedDistribution(D.Normal(lib.zeros(2), lib.ones(2)),
                                      [T.AffineTransform(1.0, -2.0), T.SigmoidTransform()])
        x = lib.tensor([0.2, 0.7])
        return (d.sample((3,)), d.log_prob(x), d.cdf(x), d.icdf(x), d.batch_shape,
                repr(d.support))
    check(transformed, rtol=1e-5)


def test_kl_continuous():
    def run(lib):
        D = lib.distributions
        kl = D.kl_divergence
        e1, e2 = D.Exponential(lib.tensor([1.0, 2.0])), D.Exponential(lib.tensor([0.5, 3.0]))
        l1 = D.Laplace(lib.tensor([0.0, 1.0]), lib.tensor([1.0, 0.5]))
        l2 = D.Laplace(lib.tensor([0.5, -1.0]), lib.tensor([2.0, 0.5]))
        p1, p2 = D.Poisson(lib.tensor([1.0, 5.0])), D.Poisson(lib.tensor([2.0, 4.0]))
        g1, g2 = D.Geometric(lib.tensor([0.2, 0.7])), D.Geometric(lib.tensor([0.5, 0.5]))
        n1 = D.LogNormal(lib.tensor([0.0, 1.0]), lib.tensor([1.0, 0.5]))
        n2 = D.LogNormal(lib.tensor([0.5, 0.0]), lib.tensor([2.0, 1.5]))
        return (kl(e1, e2), kl(l1, l2), kl(p1, p2), kl(g1, g2), kl(n1, n2),
                kl(_mvn(lib, 'covariance_matrix'), _mvn(lib, 'precision_matrix')))
    check(run)


def test_compose_transform_event_dims():
    def run(lib):
        T = lib.distributions.transforms
        chains = [[T.ExpTransform(), T.AffineTransform(0., lib.ones(2), event_dim=1),
                   T.SigmoidTransform()],
                  [T.AffineTransform(0., lib.ones(2), event_dim=2), T.ExpTransform()]]
        return [(repr(c.domain), repr(c.codomain), c.domain.event_dim, c.codomain.event_dim)
                for c in map(T.ComposeTransform, chains)]
    check(run)
