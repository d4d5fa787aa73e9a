"""isin: whether each element of a tensor occurs in a set of test values.

>>> ember.isin(ember.tensor([1, 2, 3]), ember.tensor([2, 5]))
tensor([False,  True, False])
"""
from ._base import Tensor, wrap, xp_of, operands

__all__ = ['isin']


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """A bool tensor of ``elements``' shape: True where the element equals one of
    ``test_elements`` (either may be a number; compared after type promotion); ``invert``
    negates it. ``assume_unique`` (a speed hint in PyTorch) is accepted and ignored.

    >>> ember.isin(ember.tensor([1., 2.]), 2, invert=True)
    tensor([ True, False])
    """
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError('isin() received an invalid combination of arguments - got (' +
                        type(elements).__name__ + ', ' + type(test_elements).__name__ +
                        '), but expected one of: (Tensor elements, Tensor test_elements), '
                        '(Number element, Tensor test_elements), (Tensor elements, Number '
                        'test_element)')
    for t in (elements, test_elements):
        if isinstance(t, Tensor) and t._data.dtype.kind == 'b':
            raise RuntimeError('Unsupported input type encountered for isin(): Bool (compare '
                               'bool tensors with eq/ne, or convert them with .int())')
    a, b = operands(elements, test_elements, 'isin')
    like = a if isinstance(elements, Tensor) else b
    xp = xp_of(like)
    a, b = xp.asarray(a, dtype=like.dtype), xp.asarray(b, dtype=like.dtype)
    return wrap(xp.asarray(xp.isin(a, b, invert=invert)))


METHODS = {}
