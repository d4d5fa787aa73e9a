"""``nn.Parameter``: a leaf tensor that a Module registers as one of its parameters.

>>> p = ember.nn.Parameter(ember.ones(2))
>>> p
Parameter containing:
tensor([1., 1.], requires_grad=True)
"""
import numpy as np

from .._tensor import Tensor, _make
from .._printing import parameter_repr

__all__ = ['Parameter', 'Buffer', 'UninitializedTensorMixin', 'UninitializedParameter',
           'UninitializedBuffer', 'is_lazy']


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


# the storage slot of every Tensor; an uninitialized tensor hides it behind a property that
# raises, so that any operator reading the data fails with PyTorch's message
_SLOT = Tensor.__dict__['_data']

_USE_ERROR = ('Attempted to use an uninitialized parameter in {}. This error happens when you are '
              'using a `LazyModule` or explicitly manipulating '
              '`torch.nn.parameter.UninitializedParameter` objects. When using LazyModules Call '
              '`forward` with a dummy batch to initialize the parameters before calling torch '
              'functions')


class UninitializedTensorMixin:
    """A tensor without a shape yet: only its dtype, device and ``requires_grad`` are known.

    :meth:`materialize` gives it a shape and turns it into ``cls_to_become``; until then every
    operation on its data raises ValueError, and ``shape`` raises RuntimeError.

    >>> p = ember.nn.UninitializedParameter()
    >>> p.materialize((2, 3)); type(p).__name__, p.shape
    ('Parameter', torch.Size([2, 3]))
    """
    __slots__ = ()
    cls_to_become = None

    def _init_placeholder(self, requires_grad, device, dtype):
        from .. import empty
        _SLOT.__set__(self, empty(0, device=device, dtype=dtype)._data)
        self._rg = bool(requires_grad)

    @property
    def _data(self):
        raise ValueError(_USE_ERROR.format('an operation'))

    @_data.setter
    def _data(self, arr):
        _SLOT.__set__(self, arr)

    def _placeholder(self):
        return _make(_SLOT.__get__(self))

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually "
            'happens in `load_state_dict` when trying to load an uninitialized parameter into an '
            'initialized one. Call `forward` to initialize the parameters before accessing their '
            'attributes.')

    def size(self, dim=None):
        return self._placeholder().size(dim)

    @property
    def dtype(self):
        return self._placeholder().dtype

    @property
    def device(self):
        return self._placeholder().device

    @property
    def data(self):
        return self._placeholder()

    @data.setter
    def data(self, other):
        _SLOT.__set__(self, _SLOT.__get__(other) if isinstance(other, Tensor) else other)

    def is_floating_point(self):
        return self._placeholder().is_floating_point()

    def is_complex(self):
        return self._placeholder().is_complex()

    def _converted(self, convert):
        out = object.__new__(type(self))
        _SLOT.__set__(out, convert(self._placeholder())._data)
        out._rg = self._rg
        return out

    def to(self, *args, **kwargs):
        return self._converted(lambda t: t.to(*args, **kwargs))

    def float(self):
        return self._converted(lambda t: t.float())

    def double(self):
        return self._converted(lambda t: t.double())

    def half(self):
        return self._converted(lambda t: t.half())

    def cpu(self):
        return self._converted(lambda t: t.cpu())

    def cuda(self, *args, **kwargs):
        return self._converted(lambda t: t.cuda(*args, **kwargs))

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor ``shape`` (uninitialized memory of its dtype and device, or the
        ones given) and make it a ``cls_to_become`` (Parameter or Tensor) in place."""
        from .. import empty
        placeholder = self._placeholder()
        arr = empty(shape, device=device if device is not None else placeholder.device,
                    dtype=dtype if dtype is not None else placeholder.dtype)._data
        self.__class__ = self.cls_to_become
        self._data = arr

    def __repr__(self):
        return f'<{type(self).__name__}>'

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = self._converted(lambda t: t.clone())
        return memo[id(self)]

    def __reduce_ex__(self, protocol):
        return (type(self), (self._rg,))


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape a lazy module infers at its first forward pass
    (``nn.LazyLinear``, ``nn.LazyConv2d``, ...); it becomes a :class:`Parameter`.

    >>> p = ember.nn.UninitializedParameter(); p
    <UninitializedParameter>
    >>> p + 1
    Traceback (most recent call last):
    ...
    ValueError: Attempted to use an uninitialized parameter in an operation. ...
    """
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        p = object.__new__(cls)
        p._init_placeholder(requires_grad, device, dtype)
        return p

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape a lazy module infers at its first forward pass; it becomes a
    plain Tensor.

    >>> b = ember.nn.UninitializedBuffer(); b.materialize(3); type(b).__name__, b.shape
    ('Tensor', torch.Size([3]))
    """
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        b = object.__new__(cls)
        b._init_placeholder(requires_grad, device, dtype)
        return b

    def __init__(self, requires_grad=False, device=None, dtype=None):
        pass


def is_lazy(param):
    """Whether ``param`` is an uninitialized (lazy) parameter or buffer.

    >>> is_lazy(ember.nn.Parameter(ember.ones(1))), is_lazy(ember.nn.UninitializedParameter())
    (False, True)
    """
    return isinstance(param, UninitializedTensorMixin)
