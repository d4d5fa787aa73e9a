"""``ExponentialFamily``: the base of distributions in the exponential family."""
from .distribution import Distribution

__all__ = ['ExponentialFamily']


class ExponentialFamily(Distribution):
    """Distributions of the form ``p(x) = h(x) exp(<t(x), theta> - F(theta))``. ember's
    subclasses give their entropy in closed form.

    >>> from ember.distributions import Normal
    >>> issubclass(Normal, ExponentialFamily)
    True
    """
