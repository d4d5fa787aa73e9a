"""``ember.special``: special functions, as ``torch.special``.

Every name is the operator ember defines once elsewhere: many are the top-level ops under
SciPy-style names (``expit`` is ``ember.sigmoid``, ``gammaln`` is ``ember.lgamma``,
``gammainc`` is ``ember.igamma``, ``multigammaln`` is ``ember.mvlgamma``, ...); the rest live
in ``ember/_ops/special_*.py`` (kernels in ``ember/_ops/_special*.py``, NumPy only).

>>> ember.special.expit(ember.tensor([0.0]))
tensor([0.5000])
>>> ember.special.gammaln(ember.tensor([4.0]))
tensor([1.7918])
"""
from .._ops.pointwise import (digamma, erf, erfc, erfinv, exp2, expm1, i0, lgamma as gammaln,
                              log1p, logit, round as _round, sigmoid as expit, sinc)
from .._ops._elementwise import not_implemented_for as _not_implemented_for
from .._dtype import FLOATING
from .._ops.binary import xlogy
from .._ops.nn_activation import softmax, log_softmax
from .._ops.statistics import logsumexp
from .._ops.special_gamma import (polygamma, mvlgamma as multigammaln, igamma as gammainc,
                                  igammac as gammaincc, zeta)
from .._ops.special_error import ndtr, ndtri, log_ndtr, erfcx, entr, xlog1py
from .._ops.special_bessel import (
    i0e, i1, i1e, modified_bessel_i0, modified_bessel_i1, spherical_bessel_j0, bessel_j0,
    bessel_j1, bessel_y0, bessel_y1, modified_bessel_k0, modified_bessel_k1,
    scaled_modified_bessel_k0, scaled_modified_bessel_k1, airy_ai)
from .._ops.special_polynomials import (
    chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v,
    chebyshev_polynomial_w, shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u,
    shifted_chebyshev_polynomial_v, shifted_chebyshev_polynomial_w, hermite_polynomial_h,
    hermite_polynomial_he, laguerre_polynomial_l, legendre_polynomial_p)

psi = digamma


def round(input, *, decimals=0, out=None):
    """``ember.round``, except that, as ``torch.special.round``, integer tensors are refused.

    >>> ember.special.round(ember.tensor([0.5, 1.5, 2.567]), decimals=1)
    tensor([0.5000, 1.5000, 2.6000])
    """
    data = getattr(input, '_data', None)
    if data is not None and data.dtype not in FLOATING:
        raise _not_implemented_for('round_vml_cpu' if not decimals else 'round_cpu', data.dtype)
    return _round(input, decimals=decimals, out=out)

__all__ = [
    'digamma', 'entr', 'erf', 'erfc', 'erfcx', 'erfinv', 'exp2', 'expit', 'expm1', 'gammainc',
    'gammaincc', 'gammaln', 'i0', 'log1p', 'log_ndtr', 'log_softmax', 'logit', 'logsumexp',
    'multigammaln', 'ndtr', 'ndtri', 'polygamma', 'psi', 'round', 'sinc', 'softmax', 'xlog1py',
    'xlogy', 'zeta', 'i0e', 'i1', 'i1e', 'modified_bessel_i0', 'modified_bessel_i1',
    'spherical_bessel_j0', 'bessel_j0', 'bessel_j1', 'bessel_y0', 'bessel_y1',
    'modified_bessel_k0', 'modified_bessel_k1', 'scaled_modified_bessel_k0',
    'scaled_modified_bessel_k1', 'airy_ai', 'chebyshev_polynomial_t', 'chebyshev_polynomial_u',
    'chebyshev_polynomial_v', 'chebyshev_polynomial_w', 'shifted_chebyshev_polynomial_t',
    'shifted_chebyshev_polynomial_u', 'shifted_chebyshev_polynomial_v',
    'shifted_chebyshev_polynomial_w', 'hermite_polynomial_h', 'hermite_polynomial_he',
    'laguerre_polynomial_l', 'legendre_polynomial_p',
]
