"""Bessel functions of ``ember.special`` (only there, as in torch): the exponentially scaled
``i0e``, ``i1`` and ``i1e`` (differentiable, with PyTorch's formulas), and
``modified_bessel_i0/i1`` and ``spherical_bessel_j0``, which, as in PyTorch, record no gradient.
Kernels: ``_special.py`` (Chebyshev/power series of I0 and I1).

>>> ember.special.i1(ember.tensor([1.0]))
tensor([0.5652])
"""
from ._base import wrap, np
from ._special_common import unary_op, nograd_unary_op
from .binary import where
from . import _special

__all__ = []
METHODS = {}


def _nan_at_inf(kernel):
    """``kernel`` with nan at +-inf, as PyTorch's i0/i1 (which overflow there)."""
    def run(x):
        xp = _special._xp(x)
        return xp.where(xp.isinf(x), xp.asarray(np.nan, x.dtype), kernel(x))
    return run


def _at_zero(x, value, other):
    """``other``, with ``value`` where ``x`` is 0 (the limit of a 0/0 formula)."""
    return where(wrap(x._data == 0), value, other)


def _nonzero(x):
    """``x`` with 1 in place of 0: a divisor whose 0/0 branch has no nan gradient either."""
    return _at_zero(x, 1.0, x)


i0e = unary_op(
    'i0e', _special.i0e, 'SpecialI0EBackward0',
    lambda g, x, y: g * (i1e(x) - x.sgn() * y), saves='xy',
    doc="""Exponentially scaled modified Bessel function of order 0: exp(-|x|) I0(x).

    >>> ember.special.i0e(ember.tensor([0.0, 1.0, 10.0]))
    tensor([1.0000, 0.4658, 0.1278])
    """)

i1 = unary_op(
    'i1', _nan_at_inf(_special.i1), 'SpecialI1Backward0',
    lambda g, x, y: g * _at_zero(x, 0.5, x.i0() - y / _nonzero(x)), saves='xy',
    doc="""Modified Bessel function of the first kind of order 1.

    >>> ember.special.i1(ember.tensor([0.0, 1.0, -3.0]))
    tensor([ 0.0000,  0.5652, -3.9534])
    """)

i1e = unary_op(
    'i1e', _special.i1e, 'SpecialI1EBackward0',
    lambda g, x, y: g * _at_zero(x, 0.5, i0e(x) - y * (x.sgn() + _nonzero(x).reciprocal())),
    saves='xy',
    doc="""Exponentially scaled modified Bessel function of order 1: exp(-|x|) I1(x).

    >>> ember.special.i1e(ember.tensor([0.0, 1.0, -10.0]))
    tensor([ 0.0000,  0.2079, -0.1213])
    """)

modified_bessel_i0 = nograd_unary_op(
    'modified_bessel_i0', _nan_at_inf(_special.i0),
    doc="""Modified Bessel function of the first kind of order 0 (no gradient, as torch).

    >>> ember.special.modified_bessel_i0(ember.tensor([0.0, 1.0]))
    tensor([1.0000, 1.2661])
    """)

modified_bessel_i1 = nograd_unary_op(
    'modified_bessel_i1', _nan_at_inf(_special.i1),
    doc="""Modified Bessel function of the first kind of order 1 (no gradient, as torch).

    >>> ember.special.modified_bessel_i1(ember.tensor([0.0, 1.0]))
    tensor([0.0000, 0.5652])
    """)


def _spherical_j0(x):
    xp = _special._xp(x)
    xd = x.astype(np.float64)
    with np.errstate(all='ignore'):
        z = xd * xd
        # 1 - x^2/6 + x^4/120 - x^6/5040 + x^8/362880: below 1/2 the next term is < 1e-17
        series = 1.0 + z * (-1 / 6 + z * (1 / 120 + z * (-1 / 5040 + z * (1 / 362880))))
        res = xp.where(xp.abs(xd) < 0.5, series, xp.sin(xd) / xd)
        res = xp.where(xp.isinf(xd), 0.0, res)
    return res.astype(x.dtype)


spherical_bessel_j0 = nograd_unary_op(
    'spherical_bessel_j0', _spherical_j0,
    doc="""Spherical Bessel function of the first kind of order 0: sin(x) / x.

    >>> ember.special.spherical_bessel_j0(ember.tensor([0.0, 3.0]))
    tensor([1.0000, 0.0470])
    """)
