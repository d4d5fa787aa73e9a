"""Bessel functions of ``ember.special`` (only there, as in torch): the exponentially scaled
``i0e``, ``i1`` and ``i1e`` (differentiable, with PyTorch's formulas), and
``modified_bessel_i0/i1``, ``spherical_bessel_j0``, ``bessel_j0/j1/y0/y1``,
``modified_bessel_k0/k1``, ``scaled_modified_bessel_k0/k1`` and ``airy_ai``, which, as in
PyTorch, record no gradient and (as its CPU kernels) refuse float16 and bfloat16.
Kernels: ``_special.py`` (I0 and I1), ``_special_bessel_kernels.py`` (J, Y, K, Ai).

>>> ember.special.i1(ember.tensor([1.0]))
tensor([0.5652])
"""
from ._base import wrap, np
from ._elementwise import not_implemented_for
from .._dtype import HALF_FLOATING
from ._special_common import unary_op, nograd_unary_op as _nograd_unary_op
from .binary import where
from . import _special, _special_bessel_kernels as _kernels

__all__ = []
METHODS = {}


def nograd_unary_op(name, kernel, doc=''):
    """``_special_common.nograd_unary_op``, refusing half precision as PyTorch's CPU kernels."""
    op = _nograd_unary_op(name, kernel, doc)

    def checked(input, *, out=None):
        data = getattr(input, '_data', None)
        if data is not None and data.dtype in HALF_FLOATING:
            raise not_implemented_for(f'{name}_cpu', data.dtype)
        return op(input, out=out)

    checked.__name__ = checked.__qualname__ = name
    checked.__doc__ = doc
    return checked


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


bessel_j0 = nograd_unary_op(
    'bessel_j0', _kernels.bessel_j0,
    doc="""Bessel function of the first kind of order 0 (no gradient, as torch).

    >>> ember.special.bessel_j0(ember.tensor([0.0, 1.0, -10.0]))
    tensor([ 1.0000,  0.7652, -0.2459])
    """)

bessel_j1 = nograd_unary_op(
    'bessel_j1', _kernels.bessel_j1,
    doc="""Bessel function of the first kind of order 1 (no gradient, as torch).

    >>> ember.special.bessel_j1(ember.tensor([0.0, 1.0, -10.0]))
    tensor([ 0.0000,  0.4401, -0.0435])
    """)

bessel_y0 = nograd_unary_op(
    'bessel_y0', _kernels.bessel_y0,
    doc="""Bessel function of the second kind of order 0: -inf at 0, nan below (no gradient).

    >>> ember.special.bessel_y0(ember.tensor([0.0, 1.0, -1.0]))
    tensor([  -inf, 0.0883,    nan])
    """)

bessel_y1 = nograd_unary_op(
    'bessel_y1', _kernels.bessel_y1,
    doc="""Bessel function of the second kind of order 1: -inf at 0, nan below (no gradient).

    >>> ember.special.bessel_y1(ember.tensor([0.0, 1.0, -1.0]))
    tensor([   -inf, -0.7812,     nan])
    """)

modified_bessel_k0 = nograd_unary_op(
    'modified_bessel_k0', _kernels.modified_bessel_k0,
    doc="""Modified Bessel function of the second kind of order 0: inf at 0, nan below.

    >>> ember.special.modified_bessel_k0(ember.tensor([0.0, 1.0, 3.0]))
    tensor([   inf, 0.4210, 0.0347])
    """)

modified_bessel_k1 = nograd_unary_op(
    'modified_bessel_k1', _kernels.modified_bessel_k1,
    doc="""Modified Bessel function of the second kind of order 1: inf at 0, nan below.

    >>> ember.special.modified_bessel_k1(ember.tensor([0.0, 1.0, 3.0]))
    tensor([   inf, 0.6019, 0.0402])
    """)

scaled_modified_bessel_k0 = nograd_unary_op(
    'scaled_modified_bessel_k0', _kernels.scaled_modified_bessel_k0,
    doc="""exp(x) K0(x), finite for large x where K0 underflows (no gradient).

    >>> ember.special.scaled_modified_bessel_k0(ember.tensor([1.0, 1000.0]))
    tensor([1.1445, 0.0396])
    """)

scaled_modified_bessel_k1 = nograd_unary_op(
    'scaled_modified_bessel_k1', _kernels.scaled_modified_bessel_k1,
    doc="""exp(x) K1(x), finite for large x where K1 underflows (no gradient).

    >>> ember.special.scaled_modified_bessel_k1(ember.tensor([1.0, 1000.0]))
    tensor([1.6362, 0.0396])
    """)

airy_ai = nograd_unary_op(
    'airy_ai', _kernels.airy_ai,
    doc="""Airy function Ai (no gradient, as torch; nan at +-inf as torch).

    >>> ember.special.airy_ai(ember.tensor([0.0, 1.0, -3.0]))
    tensor([ 0.3550,  0.1353, -0.3788])
    """)
