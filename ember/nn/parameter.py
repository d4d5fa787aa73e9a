"""``nn.Parameter``: a leaf tensor that a Module registers as one of its parameters.

>>> p = ember.nn.Parameter(ember.ones(2))
>>> p
Parameter containing:
tensor([1., 1.], requires_grad=True)
"""
import numpy as np

from .._tensor import Tensor, _make
from .._printing import parameter_repr

__all__ = ['Parameter', 'Buffer', 'UninitializedParameter', 'is_lazy']


class Parameter(Tensor):
    """A tensor that is a module parameter: assigning one to a Module attribute registers it.

    It shares memory with ``data`` and requires grad by default.

    >>> lin = ember.nn.Linear(2, 1)
    >>> isinstance(lin.weight, ember.nn.Parameter)
    True
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _make(np.empty((0,), np.float32))
        p = object.__new__(cls)
        p._data = data._data            # a new leaf sharing data's memory (never its graph)
        if data._vc is not None:
            p._vc = data._vc
        p._rg = bool(requires_grad)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return parameter_repr(self)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(_make(self._data.copy()), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol):
        return (type(self), (_make(self._data), self.requires_grad))


class Buffer:
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute.

    >>> m = ember.nn.Module(); m.stat = ember.nn.Buffer(ember.zeros(2)); list(m.state_dict())
    ['stat']
    """

    def __new__(cls, data=None, *, persistent=True):
        from .. import empty
        t = data if data is not None else empty(0)
        t._ember_buffer_persistent = persistent
        return t


class UninitializedParameter(Parameter):
    """Placeholder kept for API compatibility (lazy modules are not supported)."""


def is_lazy(param):
    """Whether ``param`` is an uninitialized (lazy) parameter.

    >>> is_lazy(ember.nn.Parameter(ember.ones(1)))
    False
    """
    return isinstance(param, UninitializedParameter)
