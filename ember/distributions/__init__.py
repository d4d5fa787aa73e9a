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
from .lowrank_multivariate_normal import LowRankMultivariateNormal
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
from .multinomial import Multinomial
from .chi2 import Chi2
from .studentT import StudentT
from .half_normal import HalfNormal
from .half_cauchy import HalfCauchy
from .gumbel import Gumbel
from .weibull import Weibull
from .pareto import Pareto
from .continuous_bernoulli import ContinuousBernoulli
from .negative_binomial import NegativeBinomial
from .relaxed_bernoulli import RelaxedBernoulli
from .relaxed_categorical import RelaxedOneHotCategorical
from .mixture_same_family import MixtureSameFamily
from .kl import kl_divergence, register_kl

__all__ = ['constraints', 'Distribution', 'ExponentialFamily', 'Normal', 'Bernoulli',
           'Categorical', 'Uniform', 'OneHotCategorical', 'OneHotCategoricalStraightThrough',
           'Independent', 'MultivariateNormal', 'LowRankMultivariateNormal',
           'Exponential', 'Laplace', 'Cauchy', 'Poisson',
           'Geometric', 'transforms', 'TransformedDistribution', 'LogNormal', 'Gamma', 'Dirichlet',
           'Beta', 'Binomial', 'Multinomial', 'Chi2', 'StudentT', 'HalfNormal', 'HalfCauchy',
           'Gumbel', 'Weibull', 'Pareto', 'ContinuousBernoulli', 'NegativeBinomial',
           'RelaxedBernoulli', 'RelaxedOneHotCategorical', 'MixtureSameFamily',
           'kl_divergence',
           'register_kl']
