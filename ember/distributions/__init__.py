"""``ember.distributions``: probability distributions, as ``torch.distributions``.

Samples equal PyTorch's after the same ``manual_seed``; ``rsample`` is reparameterised
(gradients flow to the parameters).

>>> import ember
>>> from ember.distributions import Normal, kl_divergence
>>> p, q = Normal(0.0, 1.0), Normal(1.0, 1.0)
>>> kl_divergence(p, q)
tensor(0.5000)
"""
from . import constraints
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .normal import Normal
from .bernoulli import Bernoulli
from .categorical import Categorical
from .uniform import Uniform
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .independent import Independent
from .multivariate_normal import MultivariateNormal
from .exponential import Exponential
from .laplace import Laplace
from .cauchy import Cauchy
from .poisson import Poisson
from .geometric import Geometric
from . import transforms
from .transformed_distribution import TransformedDistribution
from .log_normal import LogNormal
from .gamma import Gamma
from .dirichlet import Dirichlet
from .beta import Beta
from .binomial import Binomial
from .kl import kl_divergence, register_kl

__all__ = ['constraints', 'Distribution', 'ExponentialFamily', 'Normal', 'Bernoulli',
           'Categorical', 'Uniform', 'OneHotCategorical', 'OneHotCategoricalStraightThrough',
           'Independent', 'MultivariateNormal', 'Exponential', 'Laplace', 'Cauchy', 'Poisson',
           'Geometric', 'transforms', 'TransformedDistribution', 'LogNormal', 'Gamma', 'Dirichlet',
           'Beta', 'Binomial', 'kl_divergence',
           'register_kl']
