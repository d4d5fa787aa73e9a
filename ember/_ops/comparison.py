"""Comparisons, logical and bitwise operators (none are differentiable; results are bool
or integer tensors).

>>> ember.tensor([1, 2, 3]) > 1
tensor([False,  True,  True])
"""
import numbers

from ._base import Tensor, wrap, np, operands, bump_version, check_inplace, default_float
from ._elementwise import (inplace_doc, write_out, broadcast_call, broadcast_error,
                           not_implemented_for, need_tensor, tname)
from .._dtype import FLOATING

__all__ = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'greater', 'greater_equal', 'less', 'less_equal',
           'not_equal', 'logical_and', 'logical_or', 'logical_xor', 'logical_not',
           'bitwise_and', 'bitwise_or', 'bitwise_xor', 'bitwise_not', 'bitwise_left_shift',
           'bitwise_right_shift', 'isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'isreal',
           'isclose', 'allclose', 'equal', 'is_nonzero', 'is_tensor', 'is_floating_point',
           'numel', 'is_same_size']
METHODS = {}


def _inplace_write(self, res, name):
    """Write a comparison/logical/bitwise result into ``self`` (cast to its dtype)."""
    check_inplace(self, name)
    arr = self._data
    try:
        shape = np.broadcast_shapes(arr.shape, res.shape)
    except ValueError:
        shape = None
    if shape != arr.shape:
        raise RuntimeError(f"output with shape {list(arr.shape)} doesn't match the broadcast "
                           f'shape {list(shape or res.shape)} (in {name})')
    arr[...] = res
    bump_version(self)
    return self


def _new_or_out(res, out, name):
    """``res``, or ``out`` holding it when an ``out=`` tensor is given."""
    return res if out is None else write_out(out, res, (), name)


def _export(name, op, op_, aliases=()):
    """``op`` as ``ember.<name>`` and ``Tensor.<name>``, ``op_`` as ``Tensor.<name>_`` (the
    same for each alias)."""
    op_.__name__ = name + '_'
    op_.__doc__ = inplace_doc(name, name + '_')
    for n in (name,) + aliases:
        globals()[n] = METHODS[n] = op
        METHODS[n + '_'] = op_


def _is_operand(x):
    """Whether a Python operator should handle ``x`` (else it returns NotImplemented, so
    ``t == None`` is False and ``t < 'a'`` a TypeError, as in PyTorch)."""
    return isinstance(x, (Tensor, numbers.Number, np.generic)) or (
        isinstance(x, np.ndarray) and x.ndim == 0)


# the printed result of each op's docstring example (PyTorch 2.13's output for that input)
_DOC_OUTPUT = {
    'eq': 'tensor([False,  True])', 'ne': 'tensor([ True, False])',
    'lt': 'tensor([ True, False])', 'le': 'tensor([True, True])',
    'gt': 'tensor([False, False])', 'ge': 'tensor([False,  True])',
    'logical_and': 'tensor([ True, False])', 'logical_or': 'tensor([True, True])',
    'logical_xor': 'tensor([False,  True])',
    'bitwise_and': 'tensor([0])', 'bitwise_or': 'tensor([15])', 'bitwise_xor': 'tensor([15])',
    'bitwise_left_shift': 'tensor([96])', 'bitwise_right_shift': 'tensor([1])',
    'isnan': 'tensor([False, False,  True])', 'isinf': 'tensor([False,  True, False])',
    'isposinf': 'tensor([False,  True, False])', 'isneginf': 'tensor([False, False, False])',
    'isfinite': 'tensor([ True, False, False])',
}


def _compare(name, ufunc, dunder, aliases=()):
    def op(input, other, *, out=None):
        if not isinstance(input, Tensor):
            raise TypeError(
                f'{name}() received an invalid combination of arguments - got '
                f'({type(input).__name__}, {type(other).__name__}), but expected one of:\n'
                f' * (Tensor input, Tensor other, *, Tensor out = None)\n'
                f' * (Tensor input, Number other, *, Tensor out = None)')
        xa, xb = operands(input, other, name)
        try:                                 # inlined broadcast_call: ``x > 0`` is common
            res = wrap(ufunc(xa, xb))
        except ValueError:
            raise broadcast_error(name, xa, xb) from None
        if out is not None:
            return write_out(out, res, (), name)
        return res
    op.__name__ = name
    op.__doc__ = (f'Elementwise ``{name}`` comparison with broadcasting; returns a bool tensor.'
                  f'\n\n>>> ember.{name}(ember.tensor([1, 2]), 2)\n{_DOC_OUTPUT[name]}\n')

    def op_(self, other):
        xa, xb = operands(self, other, name + '_')
        return _inplace_write(self, ufunc(xa, xb), name + '_')

    def method(self, other):
        if isinstance(other, Tensor) or _is_operand(other):
            return op(self, other)
        return NotImplemented
    _export(name, op, op_, aliases)
    METHODS[dunder] = method


_compare('eq', np.equal, '__eq__')
_compare('ne', np.not_equal, '__ne__', ('not_equal',))
_compare('lt', np.less, '__lt__', ('less',))
_compare('le', np.less_equal, '__le__', ('less_equal',))
_compare('gt', np.greater, '__gt__', ('greater',))
_compare('ge', np.greater_equal, '__ge__', ('greater_equal',))


def _logical(name, ufunc):
    def op(input, other, *, out=None):
        need_tensor(input, name, 'input', 1)
        need_tensor(other, name, 'other', 2)
        return _new_or_out(wrap(broadcast_call(name, ufunc, input._data, other._data)), out, name)
    op.__name__ = name
    op.__doc__ = (f'Elementwise ``{name}`` (nonzero is True); returns a bool tensor.\n\n'
                  f'>>> ember.{name}(ember.tensor([True, False]), ember.tensor([True, True]))\n'
                  f'{_DOC_OUTPUT[name]}\n')

    def op_(self, other):
        need_tensor(other, name + '_', 'other', 1)
        return _inplace_write(self, ufunc(self._data, other._data), name + '_')
    _export(name, op, op_)


_logical('logical_and', np.logical_and)
_logical('logical_or', np.logical_or)
_logical('logical_xor', np.logical_xor)


def logical_not(input, *, out=None):
    """Elementwise NOT (nonzero is True); returns a bool tensor.

    >>> ember.logical_not(ember.tensor([0, 1]))
    tensor([ True, False])
    """
    need_tensor(input, 'logical_not', 'input', 1)
    return _new_or_out(wrap(np.logical_not(input._data)), out, 'logical_not')


def _logical_not_(self):
    """In-place ``logical_not`` (``self`` keeps its dtype).

    >>> ember.tensor([0., 2.]).logical_not_()
    tensor([1., 0.])
    """
    return _inplace_write(self, np.logical_not(self._data), 'logical_not_')


_KERNELS = {'bitwise_left_shift': 'lshift_cpu', 'bitwise_right_shift': 'rshift_cpu'}


def _bitwise(name, ufunc, dunder):
    kernel = _KERNELS.get(name, name + '_cpu')

    def compute(input, other):
        xa, xb = operands(input, other, name)
        for x in (xa, xb):
            if x.__class__ is float or getattr(x, 'dtype', np.dtype(bool)) in FLOATING:
                raise not_implemented_for(
                    kernel, x.dtype if hasattr(x, 'dtype') else default_float())
        return broadcast_call(name, ufunc, xa, xb)

    def op(input, other, *, out=None):
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            need_tensor(input, name, 'input', 1)
        return _new_or_out(wrap(compute(input, other)), out, name)
    op.__name__ = name
    op.__doc__ = (f'Elementwise ``{name}`` of integer or bool tensors.\n\n'
                  f'>>> ember.{name}(ember.tensor([12]), 3)\n{_DOC_OUTPUT[name]}\n')

    def op_(self, other):
        return _inplace_write(self, compute(self, other), name + '_')

    def method(self, other):
        return op(self, other) if _is_operand(other) else NotImplemented

    def rmethod(self, other):
        return op(other, self) if _is_operand(other) else NotImplemented

    def imethod(self, other):
        return op_(self, other) if _is_operand(other) else NotImplemented
    _export(name, op, op_)
    METHODS.update({f'__{dunder}__': method, f'__r{dunder}__': rmethod,
                    f'__i{dunder}__': imethod})


_bitwise('bitwise_and', np.bitwise_and, 'and')
_bitwise('bitwise_or', np.bitwise_or, 'or')
_bitwise('bitwise_xor', np.bitwise_xor, 'xor')
_bitwise('bitwise_left_shift', np.left_shift, 'lshift')
_bitwise('bitwise_right_shift', np.right_shift, 'rshift')


def bitwise_not(input, *, out=None):
    """Elementwise NOT of an integer (bitwise) or bool (logical) tensor.

    >>> ~ember.tensor([True, False])
    tensor([False,  True])
    """
    need_tensor(input, 'bitwise_not', 'input', 1)
    x = input._data
    if x.dtype in FLOATING:
        raise not_implemented_for('bitwise_not_cpu', x.dtype)
    return _new_or_out(wrap(np.invert(x)), out, 'bitwise_not')


def _invert(self):
    if self._data.dtype in FLOATING:
        raise TypeError('~ (operator.invert) is only implemented on integer and Boolean-type '
                        'tensors (use logical_not() for a mask, or 1 - x)')
    return bitwise_not(self)


def _bitwise_not_(self):
    """In-place ``bitwise_not``.

    >>> t = ember.tensor([0, 1]); t.bitwise_not_()
    tensor([-1, -2])
    """
    return _inplace_write(self, bitwise_not(self)._data, 'bitwise_not_')


def _unary_test(name, fn, default):
    def op(input):
        need_tensor(input, name, 'input', 1)
        x = input._data
        if x.dtype in FLOATING:
            return wrap(fn(x))
        return wrap(np.full(x.shape, default, bool))
    op.__name__ = name
    op.__doc__ = (f'Elementwise ``{name}`` test; returns a bool tensor (integers give '
                  f'{default}).\n\n>>> ember.{name}(ember.tensor([1., float("inf"), '
                  f'float("nan")]))\n{_DOC_OUTPUT[name]}\n')
    globals()[name] = op
    METHODS[name] = op


_unary_test('isnan', np.isnan, False)
_unary_test('isinf', np.isinf, False)
_unary_test('isposinf', np.isposinf, False)
_unary_test('isneginf', np.isneginf, False)
_unary_test('isfinite', np.isfinite, True)


def isreal(input):
    """All True (ember has no complex tensors).

    >>> ember.isreal(ember.tensor([1.]))
    tensor([True])
    """
    need_tensor(input, 'isreal', 'input', 1)
    return wrap(np.ones(input._data.shape, bool))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` elementwise (PyTorch's algorithm).

    >>> ember.isclose(ember.tensor([1.0]), ember.tensor([1.0 + 1e-9]))
    tensor([True])
    """
    need_tensor(input, 'isclose', 'input', 1)
    need_tensor(other, 'isclose', 'other', 2)
    a, b = input._data, other._data
    if a.dtype != b.dtype:
        raise RuntimeError(f'{tname(a.dtype)} did not match {tname(b.dtype)} (isclose needs '
                           'both tensors of one dtype: convert one with .to())')
    if rtol < 0:
        raise RuntimeError(f'rtol must be greater than or equal to zero, but got {rtol}')
    if atol < 0:
        raise RuntimeError(f'atol must be greater than or equal to zero, but got {atol}')
    try:
        close = a == b
    except ValueError:
        raise broadcast_error('isclose', a, b) from None
    if equal_nan and a.dtype in FLOATING:
        close |= np.isnan(a) & np.isnan(b)
    if rtol == 0 and atol == 0:
        return wrap(np.asarray(close))
    if a.dtype.kind == 'b':
        a, b = a.astype(default_float()), b.astype(default_float())
    fb = b if b.dtype in FLOATING else b.astype(default_float())
    with np.errstate(all='ignore'):
        allowed = atol + np.abs(rtol * fb)
        actual = np.abs(a - b)
        if actual.dtype != allowed.dtype:
            actual = actual.astype(allowed.dtype)
        close = close | (np.isfinite(actual) & (actual <= allowed))
    return wrap(np.asarray(close))


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
    need_tensor(input, 'equal', 'input', 1)
    need_tensor(other, 'equal', 'other', 2)
    a, b = input._data, other._data
    return a.shape == b.shape and bool((a == b).all())


def is_nonzero(input):
    """The truth value of a one-element tensor.

    >>> ember.is_nonzero(ember.tensor([1.]))
    True
    """
    n = input._data.size
    if n == 0:
        raise RuntimeError('Boolean value of Tensor with no values is ambiguous')
    if n != 1:
        raise RuntimeError('Boolean value of Tensor with more than one value is ambiguous')
    return bool(input._data.reshape(()))


def is_tensor(obj):
    """Whether ``obj`` is an ember Tensor.

    >>> ember.is_tensor(ember.zeros(1)), ember.is_tensor([1])
    (True, False)
    """
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """Whether the tensor has a floating dtype.

    >>> ember.is_floating_point(ember.tensor([1.]))
    True
    """
    return input._data.dtype in FLOATING


def numel(input):
    """Number of elements.

    >>> ember.numel(ember.zeros(2, 3))
    6
    """
    return input._data.size


def is_same_size(input, other):
    """Whether two tensors have the same shape.

    >>> ember.is_same_size(ember.zeros(2), ember.zeros(2))
    True
    """
    return input._data.shape == other._data.shape


METHODS.update({
    'logical_not': logical_not, 'logical_not_': _logical_not_, 'bitwise_not': bitwise_not,
    'bitwise_not_': _bitwise_not_, 'isreal': isreal, 'isclose': isclose,
    'allclose': allclose, 'equal': equal, 'is_nonzero': is_nonzero,
    'is_same_size': is_same_size, '__invert__': _invert,
})
