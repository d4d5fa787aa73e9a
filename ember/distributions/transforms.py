"""Invertible transforms with log-Jacobians, as ``torch.distributions.transforms``: the
building blocks of :class:`TransformedDistribution` (e.g. LogNormal = Normal + ExpTransform).

>>> import ember
>>> t = ExpTransform()
>>> t(ember.tensor([0.0, 1.0])), t.inv(ember.tensor([1.0]))
(tensor([1.0000, 2.7183]), tensor([0.]))
"""
import functools
import math
import numbers
import operator
import weakref

import ember
from ember.nn.functional import softplus
from . import constraints
from .utils import _sum_rightmost, broadcast_all, lazy_property

__all__ = ['Transform', 'ComposeTransform', 'ExpTransform', 'AffineTransform',
           'SigmoidTransform', 'TanhTransform', 'PowerTransform', 'AbsTransform',
           'identity_transform']


class Transform:
    """An invertible (``bijective``) map ``y = t(x)`` from ``domain`` to ``codomain`` with
    ``log_abs_det_jacobian(x, y)``. ``cache_size=1`` remembers the last pair, so that
    ``t.inv(t(x))`` returns ``x`` itself.

    >>> Transform().event_dim
    0
    """
    bijective = False
    domain = constraints.real
    codomain = constraints.real

    def __init__(self, cache_size=0):
        if cache_size == 1:
            self._cached_x_y = None, None
        elif cache_size != 0:
            raise ValueError('cache_size must be 0 or 1')
        self._cache_size = cache_size
        self._inv = None

    @property
    def event_dim(self):
        if self.domain.event_dim == self.codomain.event_dim:
            return self.domain.event_dim
        raise ValueError('Please use either .domain.event_dim or .codomain.event_dim')

    @property
    def inv(self):
        """The inverse transform (``inv(y) == x``)."""
        inv = None if self._inv is None else self._inv()
        if inv is None:
            inv = _InverseTransform(self)
            self._inv = weakref.ref(inv)
        return inv

    @property
    def sign(self):
        """The sign of the Jacobian determinant (+1 or -1) of a monotone transform."""
        raise NotImplementedError

    def with_cache(self, cache_size=1):
        if self._cache_size == cache_size:
            return self
        if type(self).__init__ is Transform.__init__:
            return type(self)(cache_size=cache_size)
        raise NotImplementedError(f'{type(self)}.with_cache is not implemented')

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return id(self)

    def __call__(self, x):
        return self._through_cache(x, forward=True)

    def _inv_call(self, y):
        return self._through_cache(y, forward=False)

    def _through_cache(self, value, forward):
        """``_call`` (``forward``) or ``_inverse`` of ``value``; with ``cache_size=1`` the
        last (x, y) pair answers again when ``value`` is the same object."""
        compute = self._call if forward else self._inverse
        if self._cache_size == 0:
            return compute(value)
        x_old, y_old = self._cached_x_y
        if value is (x_old if forward else y_old):
            return y_old if forward else x_old
        result = compute(value)
        self._cached_x_y = (value, result) if forward else (result, value)
        return result

    def _call(self, x):
        raise NotImplementedError

    def _inverse(self, y):
        raise NotImplementedError

    def log_abs_det_jacobian(self, x, y):
        """``log |dy/dx|`` elementwise (summed over the transform's event dims)."""
        raise NotImplementedError

    def forward_shape(self, shape):
        """The output shape for an input of ``shape``."""
        return shape

    def inverse_shape(self, shape):
        """The input shape for an output of ``shape``."""
        return shape

    def __repr__(self):
        return self.__class__.__name__ + '()'


class _InverseTransform(Transform):
    """The inverse of a transform (what ``t.inv`` returns)."""

    def __init__(self, transform):
        super().__init__(cache_size=transform._cache_size)
        self._inv = transform

    domain = property(lambda self: self._inv.codomain)
    codomain = property(lambda self: self._inv.domain)
    bijective = property(lambda self: self._inv.bijective)
    sign = property(lambda self: self._inv.sign)

    @property
    def inv(self):
        return self._inv

    def with_cache(self, cache_size=1):
        return self._inv.with_cache(cache_size).inv

    def __eq__(self, other):
        return isinstance(other, _InverseTransform) and self._inv == other._inv

    __hash__ = Transform.__hash__

    def __repr__(self):
        return f'{self.__class__.__name__}({self._inv!r})'

    def __call__(self, x):
        return self._inv._inv_call(x)

    def log_abs_det_jacobian(self, x, y):
        return -self._inv.log_abs_det_jacobian(y, x)

    def forward_shape(self, shape):
        return self._inv.inverse_shape(shape)

    def inverse_shape(self, shape):
        return self._inv.forward_shape(shape)


def _chain_end_constraint(walk, near, far):
    """The ``near`` constraint ('domain' or 'codomain') of the last transform of ``walk``
    (a chain listed from its ``far`` end), widened to the event dimensions that the chain
    consumes there."""
    event_dim = getattr(walk[0], far).event_dim
    for part in walk:
        near_dim = getattr(part, near).event_dim
        event_dim = max(event_dim + near_dim - getattr(part, far).event_dim, near_dim)
    end = getattr(walk[-1], near)
    if event_dim > end.event_dim:
        end = constraints.independent(end, event_dim - end.event_dim)
    return end


class ComposeTransform(Transform):
    """Apply ``parts`` in order.

    >>> t = ComposeTransform([AffineTransform(1.0, 2.0), ExpTransform()])
    >>> t(ember.tensor([0.0]))
    tensor([2.7183])
    """

    def __init__(self, parts, cache_size=0):
        if cache_size:
            parts = [part.with_cache(cache_size) for part in parts]
        super().__init__(cache_size=cache_size)
        self.parts = parts

    def __eq__(self, other):
        return isinstance(other, ComposeTransform) and self.parts == other.parts

    __hash__ = Transform.__hash__

    @property
    def domain(self):
        if not self.parts:
            return constraints.real
        return _chain_end_constraint(self.parts[::-1], 'domain', 'codomain')

    @property
    def codomain(self):
        if not self.parts:
            return constraints.real
        return _chain_end_constraint(self.parts, 'codomain', 'domain')

    @property
    def bijective(self):
        return all(p.bijective for p in self.parts)

    @property
    def sign(self):
        sign = 1
        for p in self.parts:
            sign = sign * p.sign
        return sign

    @property
    def inv(self):
        inv = None if self._inv is None else self._inv()
        if inv is None:
            inv = ComposeTransform([p.inv for p in reversed(self.parts)])
            self._inv = weakref.ref(inv)
            inv._inv = weakref.ref(self)
        return inv

    def with_cache(self, cache_size=1):
        if self._cache_size == cache_size:
            return self
        return ComposeTransform(self.parts, cache_size=cache_size)

    def __call__(self, x):
        for part in self.parts:
            x = part(x)
        return x

    def log_abs_det_jacobian(self, x, y):
        if not self.parts:
            return ember.zeros_like(x)
        xs = [x]
        for part in self.parts[:-1]:
            xs.append(part(xs[-1]))
        xs.append(y)
        terms = []
        event_dim = self.domain.event_dim
        for part, a, b in zip(self.parts, xs[:-1], xs[1:]):
            terms.append(_sum_rightmost(part.log_abs_det_jacobian(a, b),
                                        event_dim - part.domain.event_dim))
            event_dim += part.codomain.event_dim - part.domain.event_dim
        return functools.reduce(operator.add, terms)

    def forward_shape(self, shape):
        for part in self.parts:
            shape = part.forward_shape(shape)
        return shape

    def inverse_shape(self, shape):
        for part in reversed(self.parts):
            shape = part.inverse_shape(shape)
        return shape

    def __repr__(self):
        return (self.__class__.__name__ + '(\n    '
                + ',\n    '.join(repr(p) for p in self.parts) + '\n)')


identity_transform = ComposeTransform([])


class _IncreasingBijection(Transform):
    """Base of the parameterless increasing bijections of the real line (exp, sigmoid,
    tanh): equal to any instance of the same public class."""
    domain = constraints.real
    bijective = True
    sign = +1

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if _IncreasingBijection in cls.__bases__:
            cls._family = cls

    def __eq__(self, other):
        return isinstance(other, self._family)

    __hash__ = Transform.__hash__


class ExpTransform(_IncreasingBijection):
    """``y = exp(x)``.

    >>> ExpTransform().log_abs_det_jacobian(ember.tensor(2.0), None)
    tensor(2.)
    """
    codomain = constraints.positive

    def _call(self, x):
        return x.exp()

    def _inverse(self, y):
        return y.log()

    def log_abs_det_jacobian(self, x, y):
        return x


class SigmoidTransform(_IncreasingBijection):
    """``y = sigmoid(x)``, clamped into the open unit interval.

    >>> SigmoidTransform()(ember.tensor([0.0]))
    tensor([0.5000])
    """
    codomain = constraints.unit_interval

    def _call(self, x):
        finfo = ember.finfo(x.dtype)
        return ember.clamp(ember.sigmoid(x), min=finfo.tiny, max=1.0 - finfo.eps)

    def _inverse(self, y):
        finfo = ember.finfo(y.dtype)
        y = y.clamp(min=finfo.tiny, max=1.0 - finfo.eps)
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x, y):
        return -softplus(-x) - softplus(x)


class TanhTransform(_IncreasingBijection):
    """``y = tanh(x)``.

    >>> TanhTransform()(ember.tensor([0.0]))
    tensor([0.])
    """
    codomain = constraints.interval(-1.0, 1.0)

    def _call(self, x):
        return x.tanh()

    def _inverse(self, y):
        return ember.atanh(y)

    def log_abs_det_jacobian(self, x, y):
        return 2.0 * (math.log(2.0) - x - softplus(-2.0 * x))


class AffineTransform(Transform):
    """``y = loc + scale * x`` (``event_dim`` rightmost dims form one event).

    >>> AffineTransform(1.0, 2.0)(ember.tensor([3.0]))
    tensor([7.])
    """
    bijective = True

    def __init__(self, loc, scale, event_dim=0, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.loc, self.scale = loc, scale
        self._event_dim = event_dim

    @property
    def event_dim(self):
        return self._event_dim

    @property
    def domain(self):
        if self._event_dim == 0:
            return constraints.real
        return constraints.independent(constraints.real, self._event_dim)

    codomain = domain

    def with_cache(self, cache_size=1):
        if self._cache_size == cache_size:
            return self
        return AffineTransform(self.loc, self.scale, self._event_dim, cache_size=cache_size)

    def __eq__(self, other):
        if not isinstance(other, AffineTransform):
            return False
        for a, b in ((self.loc, other.loc), (self.scale, other.scale)):
            if isinstance(a, numbers.Number) and isinstance(b, numbers.Number):
                if a != b:
                    return False
            elif not bool((ember.as_tensor(a) == ember.as_tensor(b)).all()):
                return False
        return True

    __hash__ = Transform.__hash__

    @property
    def sign(self):
        if isinstance(self.scale, numbers.Real):
            return 1 if float(self.scale) > 0 else -1 if float(self.scale) < 0 else 0
        return self.scale.sign()

    def _call(self, x):
        return self.loc + self.scale * x

    def _inverse(self, y):
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x, y):
        shape = x.shape
        if isinstance(self.scale, numbers.Number):
            result = ember.full_like(x, math.log(abs(self.scale)))
        else:
            result = ember.abs(self.scale).log()
        if self._event_dim:
            result = result.reshape(tuple(result.size()[:-self._event_dim]) + (-1,)).sum(-1)
            shape = shape[:-self._event_dim]
        return result.expand(shape)

    def forward_shape(self, shape):
        return ember.broadcast_shapes(shape, getattr(self.loc, 'shape', ()),
                                      getattr(self.scale, 'shape', ()))

    inverse_shape = forward_shape


class PowerTransform(Transform):
    """``y = x ** exponent`` on the positive reals.

    >>> PowerTransform(ember.tensor(2.0))(ember.tensor([3.0]))
    tensor([9.])
    """
    domain = constraints.positive
    codomain = constraints.positive
    bijective = True

    def __init__(self, exponent, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.exponent, = broadcast_all(exponent)

    def with_cache(self, cache_size=1):
        if self._cache_size == cache_size:
            return self
        return PowerTransform(self.exponent, cache_size=cache_size)

    @lazy_property
    def sign(self):
        return self.exponent.sign()

    def __eq__(self, other):
        if not isinstance(other, PowerTransform):
            return False
        return self.exponent.eq(other.exponent).all().item()

    __hash__ = Transform.__hash__

    def _call(self, x):
        return x.pow(self.exponent)

    def _inverse(self, y):
        return y.pow(1 / self.exponent)

    def log_abs_det_jacobian(self, x, y):
        return (self.exponent * y / x).abs().log()

    def forward_shape(self, shape):
        return ember.broadcast_shapes(shape, getattr(self.exponent, 'shape', ()))

    inverse_shape = forward_shape


class AbsTransform(Transform):
    """``y = |x|`` (not bijective: the inverse picks the non-negative root).

    >>> AbsTransform()(ember.tensor([-2.0, 3.0]))
    tensor([2., 3.])
    """
    domain = constraints.real
    codomain = constraints.positive

    def __eq__(self, other):
        return isinstance(other, AbsTransform)

    __hash__ = Transform.__hash__

    def _call(self, x):
        return x.abs()

    def _inverse(self, y):
        return y
