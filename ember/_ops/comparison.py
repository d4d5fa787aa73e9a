"""Comparisons, logical and bitwise operators (none are differentiable; results are bool
or integer tensors).

>>> ember.tensor([1, 2, 3]) > 1
tensor([False,  True,  True])
"""
from ._base import Tensor, wrap, np, operands, STATE, bump_version, check_inplace
from .. import _dtype as D

__all__ = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'greater', 'greater_equal', 'less', 'less_equal',
           'not_equal', 'logical_and', 'logical_or', 'logical_xor', 'logical_not',
           'bitwise_and', 'bitwise_or', 'bitwise_xor', 'bitwise_not', 'bitwise_left_shift',
           'bitwise_right_shift', 'isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'isreal',
           'isclose', 'allclose', 'equal', 'is_nonzero', 'is_tensor', 'is_floating_point',
           'numel', 'is_same_size']
METHODS = {}


def _compare(name, ufunc, aliases=()):
    def op(input, other, *, out=None):
        xa, xb = operands(input, other, name)
        res = wrap(ufunc(xa, xb))
        if out is not None:
            out._data = res._data
            return out
        return res
    op.__name__ = name
    op.__doc__ = (f'Elementwise ``{name}`` comparison with broadcasting; returns a bool tensor.'
                  f'\n\n>>> ember.{name}(ember.tensor([1, 2]), 2)')

    def op_(self, other):
        check_inplace(self, name + '_')
        res = op(self, other)
        self._data[...] = res._data
        bump_version(self)
        return self
    globals()[name] = op
    METHODS[name] = op
    METHODS[name + '_'] = op_
    for a in aliases:
        globals()[a] = op
        METHODS[a] = op
        METHODS[a + '_'] = op_
    return op


_compare('eq', np.equal)
_compare('ne', np.not_equal, ('not_equal',))
_compare('lt', np.less, ('less',))
_compare('le', np.less_equal, ('less_equal',))
_compare('gt', np.greater, ('greater',))
_compare('ge', np.greater_equal, ('greater_equal',))


def _logical(name, ufunc):
    def op(input, other, *, out=None):
        xa = input._data if isinstance(input, Tensor) else np.asarray(input)
        xb = other._data if isinstance(other, Tensor) else np.asarray(other)
        res = wrap(ufunc(xa, xb))
        if out is not None:
            out._data = res._data.astype(out._data.dtype)
            return out
        return res
    op.__name__ = name
    op.__doc__ = f'Elementwise ``{name}`` (nonzero is True); returns a bool tensor.'

    def op_(self, other):
        check_inplace(self, name + '_')
        self._data[...] = op(self, other)._data
        bump_version(self)
        return self
    globals()[name] = op
    METHODS[name] = op
    METHODS[name + '_'] = op_


_logical('logical_and', np.logical_and)
_logical('logical_or', np.logical_or)
_logical('logical_xor', np.logical_xor)


def logical_not(input, *, out=None):
    """Elementwise NOT (nonzero is True); returns a bool tensor.

    >>> ember.logical_not(ember.tensor([0, 1]))
    tensor([ True, False])
    """
    return wrap(np.logical_not(input._data))


def _logical_not_(self):
    self._data[...] = np.logical_not(self._data)
    bump_version(self)
    return self


def _bitwise(name, ufunc):
    def op(input, other, *, out=None):
        xa, xb = operands(input, other, name)
        for x in (xa, xb):
            if isinstance(x, float) or (hasattr(x, 'dtype') and x.dtype.kind == 'f'):
                raise RuntimeError(f'"{name}_cpu" not implemented for \'Float\' (bitwise ops '
                                   'need integer or bool tensors)')
        return wrap(ufunc(xa, xb))
    op.__name__ = name
    op.__doc__ = f'Elementwise ``{name}`` of integer or bool tensors.'

    def op_(self, other):
        check_inplace(self, name + '_')
        self._data[...] = op(self, other)._data
        bump_version(self)
        return self
    globals()[name] = op
    METHODS[name] = op
    METHODS[name + '_'] = op_
    return op, op_


_and, _iand = _bitwise('bitwise_and', np.bitwise_and)
_or, _ior = _bitwise('bitwise_or', np.bitwise_or)
_xor, _ixor = _bitwise('bitwise_xor', np.bitwise_xor)
_lshift, _ilshift = _bitwise('bitwise_left_shift', np.left_shift)
_rshift, _irshift = _bitwise('bitwise_right_shift', np.right_shift)


def bitwise_not(input, *, out=None):
    """Elementwise NOT of an integer (bitwise) or bool (logical) tensor.

    >>> ~ember.tensor([True, False])
    tensor([False,  True])
    """
    x = input._data
    if x.dtype.kind == 'f':
        raise RuntimeError('"bitwise_not_cpu" not implemented for \'Float\'')
    return wrap(np.invert(x))


def isnan(input):
    """True where the value is NaN.

    >>> ember.isnan(ember.tensor([1., float('nan')]))
    tensor([False,  True])
    """
    x = input._data
    return wrap(np.isnan(x) if x.dtype.kind == 'f' else np.zeros(x.shape, bool))


def isinf(input):
    """True where the value is +inf or -inf."""
    x = input._data
    return wrap(np.isinf(x) if x.dtype.kind == 'f' else np.zeros(x.shape, bool))


def isposinf(input):
    """True where the value is +inf."""
    x = input._data
    return wrap(np.isposinf(x) if x.dtype.kind == 'f' else np.zeros(x.shape, bool))


def isneginf(input):
    """True where the value is -inf."""
    x = input._data
    return wrap(np.isneginf(x) if x.dtype.kind == 'f' else np.zeros(x.shape, bool))


def isfinite(input):
    """True where the value is neither NaN nor infinite."""
    x = input._data
    return wrap(np.isfinite(x) if x.dtype.kind == 'f' else np.ones(x.shape, bool))


def isreal(input):
    """All True (ember has no complex tensors)."""
    return wrap(np.ones(input._data.shape, bool))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` elementwise.

    >>> ember.isclose(ember.tensor([1.0]), ember.tensor([1.0 + 1e-9]))
    tensor([True])
    """
    xa, xb = operands(input, other, 'isclose')
    if isinstance(input, Tensor) and isinstance(other, Tensor) and input.dtype != other.dtype:
        raise RuntimeError(f'{input.dtype} did not match {other.dtype}')
    return wrap(np.isclose(xa, xb, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element pair is close (see ``isclose``).

    >>> ember.allclose(ember.tensor([1., 2.]), ember.tensor([1., 2.]))
    True
    """
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other):
    """True when both tensors have the same shape and values.

    >>> ember.equal(ember.tensor([1, 2]), ember.tensor([1, 2]))
    True
    """
    a, b = input._data, other._data
    return a.shape == b.shape and bool((a == b).all())


def is_nonzero(input):
    """The truth value of a one-element tensor."""
    if input._data.size != 1:
        raise RuntimeError('Boolean value of Tensor with more than one value is ambiguous')
    return bool(input._data.reshape(()))


def is_tensor(obj):
    """Whether ``obj`` is an ember Tensor.

    >>> ember.is_tensor(ember.zeros(1)), ember.is_tensor([1])
    (True, False)
    """
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """Whether the tensor has a floating dtype."""
    return input._data.dtype.kind == 'f'


def numel(input):
    """Number of elements."""
    return input._data.size


def is_same_size(input, other):
    """Whether two tensors have the same shape."""
    return input._data.shape == other._data.shape


def _r(op):
    return lambda self, other: op(other, self)


def _iop(op):
    def run(self, other):
        check_inplace(self, op.__name__)
        self._data[...] = op(self, other)._data
        bump_version(self)
        return self
    return run


METHODS.update({
    'logical_not': logical_not, 'logical_not_': _logical_not_, 'bitwise_not': bitwise_not,
    'isnan': isnan, 'isinf': isinf, 'isposinf': isposinf, 'isneginf': isneginf,
    'isfinite': isfinite, 'isreal': isreal, 'isclose': isclose, 'allclose': allclose,
    'equal': equal, 'is_nonzero': is_nonzero, 'is_same_size': is_same_size,
    '__eq__': globals()['eq'], '__ne__': globals()['ne'], '__lt__': globals()['lt'],
    '__le__': globals()['le'], '__gt__': globals()['gt'], '__ge__': globals()['ge'],
    '__and__': _and, '__or__': _or, '__xor__': _xor, '__rand__': _r(_and),
    '__ror__': _r(_or), '__rxor__': _r(_xor), '__iand__': _iand, '__ior__': _ior,
    '__ixor__': _ixor, '__invert__': bitwise_not, '__lshift__': _lshift,
    '__rshift__': _rshift, '__ilshift__': _ilshift, '__irshift__': _irshift,
    '__rlshift__': _r(_lshift), '__rrshift__': _r(_rshift),
})
