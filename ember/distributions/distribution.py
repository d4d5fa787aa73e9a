"""The base class of every distribution (``torch.distributions.Distribution``)."""
import warnings

import ember
from . import constraints
from .utils import lazy_property

__all__ = ['Distribution']


def _size(shape):
    return shape if isinstance(shape, ember.Size) else ember.Size(shape)


class Distribution:
    """Abstract base class for probability distributions: ``batch_shape`` (independent,
    differently parameterised copies) and ``event_shape`` (one draw).

    Parameters are checked against ``arg_constraints`` when ``validate_args`` is on (the
    default, as in torch; turn it off globally with
    :meth:`Distribution.set_default_validate_args`).

    >>> import ember
    >>> from ember.distributions import Normal
    >>> Normal(ember.zeros(2), ember.ones(2))
    Normal(loc: torch.Size([2]), scale: torch.Size([2]))
    """
    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value):
        """Turn argument validation on or off for every distribution built afterwards.

        >>> Distribution.set_default_validate_args(True)
        """
        if value not in [True, False]:
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=ember.Size(), event_shape=ember.Size(), validate_args=None):
        self._batch_shape = _size(batch_shape)
        self._event_shape = _size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            try:
                arg_constraints = self.arg_constraints
            except NotImplementedError:
                arg_constraints = {}
                warnings.warn(f'{self.__class__} does not define `arg_constraints`. Please set '
                              '`arg_constraints = {}` or initialize the distribution with '
                              '`validate_args=False` to turn off validation.', stacklevel=2)
            for param, constraint in arg_constraints.items():
                if constraints.is_dependent(constraint):
                    continue
                if param not in self.__dict__ and isinstance(getattr(type(self), param),
                                                             lazy_property):
                    continue        # a lazily built parameter (e.g. probs from logits)
                value = getattr(self, param)
                if not bool(constraint.check(value).all()):
                    raise ValueError(
                        f'Expected parameter {param} ({type(value).__name__} of shape '
                        f'{tuple(value.shape)}) of distribution {self!r} to satisfy the '
                        f'constraint {constraint!r}, but found invalid values:\n{value}')

    def expand(self, batch_shape, _instance=None):
        """A new distribution with parameters expanded to ``batch_shape`` (no copy)."""
        raise NotImplementedError

    @property
    def batch_shape(self):
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self):
        """The shape of a single sample (without batching)."""
        return self._event_shape

    @property
    def arg_constraints(self):
        """Constraints each tensor parameter must satisfy, by name."""
        raise NotImplementedError

    @property
    def support(self):
        """The constraint samples satisfy."""
        raise NotImplementedError

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError(f'{self.__class__} does not implement mode')

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        """The standard deviation: ``variance.sqrt()``."""
        return self.variance.sqrt()

    def sample(self, sample_shape=ember.Size()):
        """Draw ``sample_shape`` samples (without gradient)."""
        with ember.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=ember.Size()):
        """Draw reparameterised samples (gradients flow to the parameters)."""
        raise NotImplementedError

    def sample_n(self, n):
        """Deprecated: ``sample((n,))``."""
        warnings.warn('`sample_n(n)` will be deprecated. Use `sample((n,))` instead.',
                      FutureWarning, stacklevel=2)
        return self.sample(ember.Size((n,)))

    def log_prob(self, value):
        """The log of the density / mass function at ``value``."""
        raise NotImplementedError

    def cdf(self, value):
        """The cumulative distribution function at ``value``."""
        raise NotImplementedError

    def icdf(self, value):
        """The inverse cumulative distribution function at ``value``."""
        raise NotImplementedError

    def enumerate_support(self, expand=True):
        """All values of a discrete distribution's support, along dimension 0."""
        raise NotImplementedError

    def entropy(self):
        """The entropy, batched over ``batch_shape``."""
        raise NotImplementedError

    def perplexity(self):
        """``exp(entropy())``."""
        return ember.exp(self.entropy())

    def _extended_shape(self, sample_shape=ember.Size()):
        return ember.Size(tuple(sample_shape) + tuple(self._batch_shape)
                          + tuple(self._event_shape))

    def _validate_sample(self, value):
        if not isinstance(value, ember.Tensor):
            raise ValueError('The value argument to log_prob must be a Tensor')
        event_dim_start = value.dim() - len(self._event_shape)
        if value.size()[event_dim_start:] != self._event_shape:
            raise ValueError('The right-most size of value must match event_shape: '
                             f'{value.size()} vs {self._event_shape}.')
        actual_shape = value.size()
        expected_shape = self._batch_shape + self._event_shape
        for i, j in zip(reversed(actual_shape), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise ValueError('Value is not broadcastable with batch_shape+event_shape: '
                                 f'{actual_shape} vs {expected_shape}.')
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(f'{self.__class__} does not define `support` to enable sample '
                          'validation. Please initialize the distribution with '
                          '`validate_args=False` to turn off validation.', stacklevel=2)
            return
        if not bool(support.check(value).all()):
            raise ValueError(
                f'Expected value argument ({type(value).__name__} of shape '
                f'{tuple(value.shape)}) to be within the support ({support!r}) of the '
                f'distribution {self!r}, but found invalid values:\n{value}')

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f'Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom '
                '__init__ method must also define a custom .expand() method.')
        return self.__new__(type(self)) if _instance is None else _instance

    def _expanded(self, cls, batch_shape, _instance, **params):
        """The body of most ``expand`` methods: a new instance of ``cls`` holding the
        already-expanded ``params``, sharing this one's validation setting."""
        new = self._get_checked_instance(cls, _instance)
        new.__dict__.update(params)
        Distribution.__init__(new, ember.Size(batch_shape), self._event_shape,
                              validate_args=False)
        new._validate_args = self._validate_args
        return new

    def __repr__(self):
        parts = []
        for name in self.arg_constraints:
            if name in self.__dict__:
                value = self.__dict__[name]
                parts.append(f'{name}: {value if value.numel() == 1 else value.size()}')
        return self.__class__.__name__ + '(' + ', '.join(parts) + ')'
