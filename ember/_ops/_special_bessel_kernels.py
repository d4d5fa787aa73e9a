"""Vectorised Bessel functions J0, J1, Y0, Y1, K0, K1 (and exp(x) K0, exp(x) K1) and the
Airy function Ai, on NumPy (or CuPy) floating arrays, with ``_special``'s plumbing.

Work is done in float64 on flat copies split into regions, as in ``_special``:

* J and Y for |x| <= 5: power series (Y from Neumann's series, A&S 9.1.11). Beyond: Hankel's
  form sqrt(2 / (pi x)) (P cos(chi) - Q sin(chi)), chi = x - (2 nu + 1) pi / 4, with P and xQ
  as Chebyshev series in 50/x^2 - 1.
* K for x <= 2: power series (A&S 9.6.11/13); beyond: sqrt(x) exp(x) K as a Chebyshev series
  in 4/x - 1.
* Ai for |x| < 2: Maclaurin series; x >= 2: exp(-zeta) / (2 sqrt(pi) x^(1/4)) times a
  Chebyshev series in 2 zeta(2) / zeta - 1 (zeta = 2/3 |x|^(3/2)); -8 <= x <= -2: Chebyshev
  series of Ai in x; x < -8: the modulus/phase form (sin(phi) f - cos(phi) g) / (sqrt(pi)
  |x|^(1/4)), phi = zeta + pi/4, f and zeta g as Chebyshev series in 2 (zeta(8) / zeta)^2 - 1.

The Chebyshev series were fitted for this module (interpolation at Chebyshev nodes of
mpmath's besselj/bessely/besselk/airyai/airybi in 40-digit arithmetic; relative error below
2.5e-16, absolute near the zeros). PyTorch's oscillating forms round the phase x - pi/4 (and
zeta + pi/4) in the input's dtype before taking cos/sin; so do these kernels, which makes
large arguments (where that rounding dominates) agree with PyTorch in float32 and float64.

>>> bessel_j0(np.array([0.0, 1.0, 10.0]))
array([ 1.        ,  0.76519769, -0.24593576])
"""
import numpy as np

from ._special import _apply, _idx, _horner, _clenshaw, _series_coeffs
from .._dtype import FLOATING

__all__ = ['bessel_j0', 'bessel_j1', 'bessel_y0', 'bessel_y1', 'modified_bessel_k0',
           'modified_bessel_k1', 'scaled_modified_bessel_k0', 'scaled_modified_bessel_k1',
           'airy_ai']

_PI = 3.141592653589793
_EULER_GAMMA = 0.5772156649015329
_SQRT_2_OVER_PI = 0.7978845608028654
_ONE_OVER_SQRT_PI = 0.5641895835477563
_TWO_OVER_PI = 0.6366197723675814
_AIRY_ZETA_2 = 1.8856180831641267     # 2/3 * 2^(3/2)
_AIRY_ZETA_8 = 15.084944665313014     # 2/3 * 8^(3/2)
_AIRY_CUTOFF = 103.892                # PyTorch's Ai is 0 beyond (Ai there is subnormal)

# ---------------------------------------------------------------- series coefficients


def _harmonic_series(nu, terms):
    """Coefficients of sum_k (H_k + H_(k+nu)) q^k / (k! (k + nu)!), highest degree first
    (H_k the harmonic numbers): the logarithm-free parts of Y_nu and K_nu."""
    plain = _series_coeffs(nu, terms)[::-1]
    harmonic = [sum(1.0 / j for j in range(1, k + 1)) for k in range(terms + nu)]
    return tuple(c * (harmonic[k] + harmonic[k + nu]) for k, c in enumerate(plain))[::-1]


_S0 = _series_coeffs(0, 22)        # sum q^k / (k!)^2: J0 = S0(-x^2/4), I0 = S0(x^2/4)
_S1 = _series_coeffs(1, 22)        # J1 = x/2 S1(-x^2/4), I1 = x/2 S1(x^2/4)
_H0 = _harmonic_series(0, 22)
_H1 = _harmonic_series(1, 22)


def _airy_coeffs(first, terms):
    """Maclaurin coefficients of Ai's even-like (first=1) or odd-like (first=2) part in x^3."""
    out, c = [], 1.0
    for k in range(1, terms + 1):
        out.append(c)
        c /= (3 * k + first - 2) * (3 * k + first - 1)
    return tuple(reversed(out))


_AIRY_F = _airy_coeffs(1, 16)      # 1 + x^3/(2*3) + x^6/(2*3*5*6) + ...
_AIRY_G = _airy_coeffs(2, 16)      # 1 + x^3/(3*4) + x^6/(3*4*6*7) + ...
_AI0 = 0.3550280538878172          # Ai(0)
_MINUS_AIP0 = 0.2588194037928068   # -Ai'(0)

# ---------------------------------------------------------------- fitted Chebyshev series
# c_n .. c_0 for _clenshaw. J/Y (x > 5), in t = 50/x^2 - 1: P_nu and x Q_nu.
_P0 = (
    -3.629905673795297e-18, 1.0942187869810236e-17, -3.410936210498114e-17,
    1.103023177871277e-16, -3.714050821413154e-16, 1.3078555195901338e-15,
    -4.841483019175697e-15, 1.8959456362961828e-14, -7.914641501338115e-14,
    3.5557750052411783e-13, -1.7401405706283885e-12, 9.423105578391987e-12,
    -5.765747662655223e-11, 4.103246366872386e-10, -3.5409678948019087e-09,
    3.948825587093808e-08, -6.319367118733069e-07, 1.761305551290559e-05, -0.00132937162125028,
    0.9986523398776954,
)
_XQ0 = (
    5.862959235519177e-19, -1.544369143900366e-18, 4.16320426537859e-18,
    -1.150518178532616e-17, 3.2658161943648366e-17, -9.542905011731343e-17,
    2.877768906557925e-16, -8.982151171303344e-16, 2.9115274918592e-15, -9.84005757254373e-15,
    3.4837635776889786e-14, -1.2993242656059178e-13, 5.140127162427605e-13,
    -2.1751206043008833e-12, 9.950713667806645e-12, -4.988908027652833e-11,
    2.79085713479036e-10, -1.785075905119705e-09, 1.3513032763134409e-08,
    -1.2743289742032805e-07, 1.6237093205642789e-06, -3.218799121266175e-05,
    0.0013190194049922607, -0.12364702582167493,
)
_P1 = (
    3.832473906744907e-18, -1.1572356053251518e-17, 3.614078564738109e-17,
    -1.171117080126803e-16, 3.9523601713314257e-16, -1.3953502148258493e-15,
    5.180421738900549e-15, -2.03544697865723e-14, 8.529914525779044e-14,
    -3.849703387824105e-13, 1.8943274995111034e-12, -1.0327344567640412e-11,
    6.373158962859246e-11, -4.586773977170972e-10, 4.020515478419001e-09,
    -4.589685232343401e-08, 7.639181732533905e-07, -2.3071018862548286e-05,
    0.0022437352958079985, 1.00226762068534,
)
_XQ1 = (
    1.6214444005747313e-18, -4.376388902428328e-18, 1.2110503970221687e-17,
    -3.4426306619813246e-17, 1.0075487579997493e-16, -3.0436450667050517e-16,
    9.518051831081499e-16, -3.091784202917912e-15, 1.0474063117829167e-14,
    -3.7181516752164614e-14, 1.390972848139383e-13, -5.522046856541826e-13,
    2.346352831758894e-12, -1.0786652192538468e-11, 5.440233592059753e-11,
    -3.065981449437696e-10, 1.979922260589517e-09, -1.5183398644673165e-08,
    1.458816510742199e-07, -1.914402839085632e-06, 4.0056994520460306e-05,
    -0.0018705189681051477, 0.37308734621468637,
)
# sqrt(x) exp(x) K_nu(x), x > 2, in 4/x - 1
_K0_BIG = (
    5.3004337711773354e-18, -1.6475805939842632e-17, 5.2103917776435543e-17,
    -1.6782311257549006e-16, 5.5120559994043335e-16, -1.848593377920907e-15,
    6.340076476276646e-15, -2.2275133267462965e-14, 8.032890775068375e-14,
    -2.9800969231481784e-13, 1.1403405882073441e-12, -4.514597883374519e-12,
    1.8559491149549264e-11, -7.957489244477396e-11, 3.5773972814003283e-10,
    -1.6975345093890614e-09, 8.574034017414225e-09, -4.660489897687948e-08,
    2.766813639445015e-07, -1.8317555227191195e-06, 1.39498137188765e-05,
    -0.00012849549581627802, 0.0015698838857300533, -0.0314481013119645, 1.2201515410329777,
)
_K1_BIG = (
    -5.7567444820733025e-18, 1.7940510478863572e-17, -5.689462849193648e-17,
    1.8380935752430455e-16, -6.057047270643018e-16, 2.038703166239861e-15,
    -7.0198370892147685e-15, 2.4771544242195988e-14, -8.976705182010146e-14,
    3.348419666052243e-13, -1.2891739609498229e-12, 5.139639673482343e-12,
    -2.129967838427791e-11, 9.218315187605315e-11, -4.1903547593419254e-10,
    2.0150497551970347e-09, -1.0345762465678097e-08, 5.7410841254500495e-08,
    -3.5019606030878126e-07, 2.406484947837217e-06, -1.936197974166083e-05,
    0.00019521551847135162, -0.002857816859622779, 0.10392373657681724, 1.3603130952422213,
)
# 2 sqrt(pi) x^(1/4) exp(zeta) Ai(x), x >= 2, in 2 zeta(2) / zeta - 1
_AI_POS = (
    4.2613499074124e-18, -1.2969972135960937e-17, 4.015126334015871e-17,
    -1.265583225645289e-16, 4.066582046456231e-16, -1.3338094674756683e-15,
    4.472340393300025e-15, -1.5356466802223836e-14, 5.4101162570683925e-14,
    -1.9599793911089723e-13, 7.320712095125598e-13, -2.827706782319351e-12,
    1.1336099808224236e-11, -4.737267332192277e-11, 2.0745855483677591e-10,
    -9.583863708112733e-10, 4.709793440054328e-09, -2.489319422322096e-08,
    1.436225340438052e-07, -9.237229735403982e-07, 6.83476697557269e-06, -6.12595423417825e-05,
    0.0007327177465426715, -0.014792784850104199, 0.9844053049171552,
)
# Ai(x), -8 <= x <= -2, in -(x + 5) / 3
_AI_MID = (
    3.910625186875424e-18, 2.325193994495019e-17, -4.408086925735383e-17,
    -1.1056455607876884e-15, -3.476548497354827e-15, 2.32324887640088e-14,
    2.1670484634796728e-13, 1.7214179063364052e-13, -5.811387953316283e-12,
    -2.7580389520277003e-11, 5.198749925127941e-11, 8.825753229745724e-10,
    1.8259126177951898e-09, -1.3454447592537027e-08, -8.001874692970888e-08,
    1.6890546691311816e-08, 1.4587700868917968e-06, 3.6344179149395517e-06,
    -1.2447733966111957e-05, -7.803666115062975e-05, -1.948638705413569e-05,
    0.0008024965246025223, 0.0016515217920118114, -0.00392522918742804, -0.01741150467717718,
    0.0012108490180038633, 0.08483873684822452, 0.06789145818277069, -0.18526566701769376,
    -0.1851850924086498, 0.12436666036834287, -0.09365605237669514, 0.0709902874410081,
    0.0728797289203074, 0.008211707665311681,
)
# f and zeta g of Ai(x), x < -8, in 2 (zeta(8) / zeta)^2 - 1
_AI_NEG_F = (
    4.600692858267513e-18, -1.0809146475761038e-16, 3.225040209748759e-15,
    -1.2902774343407968e-13, 7.48184186508309e-12, -7.085584714312658e-10,
    1.3475665984689078e-07, -8.104660923669418e-05, 0.9999188179179308,
)
_AI_NEG_ZG = (
    -1.8787767960871875e-18, 3.279803636500588e-17, -6.875999019684054e-16,
    1.7924891244638023e-14, -6.087352091889245e-13, 2.87339259334291e-11,
    -2.074236853681907e-09, 2.672091950986567e-07, -8.239286225558228e-05, 0.0693617822693956,
)

# ---------------------------------------------------------------- plumbing


def _apply_typed(x, core):
    """``_apply`` for a ``core(flat_float64, xp, dtype)`` that needs the input's dtype."""
    dtype = x.dtype if x.dtype in FLOATING else np.dtype(np.float64)
    return _apply(x, lambda v, xp: core(v, xp, dtype))


def _phase(a, shift, dtype):
    """``a - shift`` rounded in ``dtype``, as PyTorch computes the phase, then widened."""
    a = a.astype(dtype)
    return (a - dtype.type(shift)).astype(np.float64)


# ---------------------------------------------------------------- J and Y


def _j_small(a, xp, nu):
    q = -0.25 * a * a
    return _horner(q, _S1) * (0.5 * a) if nu else _horner(q, _S0)


def _y_small(a, xp, nu):
    q = -0.25 * a * a
    log_term = (xp.log(0.5 * a) + _EULER_GAMMA) * _j_small(a, xp, nu)
    if nu == 0:
        return _TWO_OVER_PI * (log_term - 0.5 * _horner(q, _H0))
    return _TWO_OVER_PI * (log_term - 1.0 / a - 0.25 * a * _horner(q, _H1))


def _hankel(a, xp, nu, dtype, second):
    """J_nu (or Y_nu if ``second``) for a > 5 from P, Q and the phase."""
    t = 50.0 / (a * a) - 1.0
    p = _clenshaw(t, _P1 if nu else _P0)
    q = _clenshaw(t, _XQ1 if nu else _XQ0) / a
    chi = _phase(a, (2 * nu + 1) * _PI / 4, dtype)
    c, s = xp.cos(chi), xp.sin(chi)
    v = p * s + q * c if second else p * c - q * s
    return v * (_SQRT_2_OVER_PI / xp.sqrt(a))


def _bessel_jy(x, xp, dtype, nu, second):
    ax = xp.abs(x)
    out = xp.empty_like(x)
    small = ax <= 5.0
    i = _idx(xp, small)
    if i is not None:
        out[i] = (_y_small if second else _j_small)(ax[i], xp, nu)
    i = _idx(xp, ~small)            # nan included: it stays nan
    if i is not None:
        out[i] = _hankel(ax[i], xp, nu, dtype, second)
    if second:                     # Y: -inf at 0, nan for x < 0
        out = xp.where(x == 0, -np.inf, xp.where(x < 0, np.nan, out))
    elif nu:                       # J1 is odd (and -0.0 at -0.0)
        out = xp.where(xp.signbit(x), -out, out)
    return out


def bessel_j0(x):
    """Bessel function of the first kind, order 0 (even).

    >>> bessel_j0(np.array([0.0, 2.0, -2.0]))
    array([1.        , 0.22389078, 0.22389078])
    """
    return _apply_typed(x, lambda v, xp, dt: _bessel_jy(v, xp, dt, 0, False))


def bessel_j1(x):
    """Bessel function of the first kind, order 1 (odd).

    >>> bessel_j1(np.array([0.0, 2.0, -2.0]))
    array([ 0.        ,  0.57672481, -0.57672481])
    """
    return _apply_typed(x, lambda v, xp, dt: _bessel_jy(v, xp, dt, 1, False))


def bessel_y0(x):
    """Bessel function of the second kind, order 0: -inf at 0, nan for x < 0.

    >>> bessel_y0(np.array([0.0, 2.0, -2.0]))
    array([      -inf, 0.51037567,        nan])
    """
    return _apply_typed(x, lambda v, xp, dt: _bessel_jy(v, xp, dt, 0, True))


def bessel_y1(x):
    """Bessel function of the second kind, order 1: -inf at 0, nan for x < 0.

    >>> bessel_y1(np.array([0.0, 2.0, -2.0]))
    array([       -inf, -0.10703243,         nan])
    """
    return _apply_typed(x, lambda v, xp, dt: _bessel_jy(v, xp, dt, 1, True))


# ---------------------------------------------------------------- K


def _k_small(a, xp, nu):
    q = 0.25 * a * a
    if nu == 0:
        i0 = _horner(q, _S0)
        return 0.5 * _horner(q, _H0) - (xp.log(0.5 * a) + _EULER_GAMMA) * i0
    i1 = _horner(q, _S1) * (0.5 * a)
    return 1.0 / a + (xp.log(0.5 * a) + _EULER_GAMMA) * i1 - 0.25 * a * _horner(q, _H1)


def _bessel_k(x, xp, nu, scaled):
    out = xp.empty_like(x)
    small = x <= 2.0
    i = _idx(xp, small)
    if i is not None:
        a = x[i]
        v = _k_small(a, xp, nu)
        out[i] = v * xp.exp(a) if scaled else v
    i = _idx(xp, ~small)
    if i is not None:
        a = x[i]
        v = _clenshaw(4.0 / a - 1.0, _K1_BIG if nu else _K0_BIG) / xp.sqrt(a)
        out[i] = v if scaled else v * xp.exp(-a)
    return xp.where(x == 0, np.inf, xp.where(x < 0, np.nan, out))


def modified_bessel_k0(x):
    """Modified Bessel function of the second kind, order 0: inf at 0, nan for x < 0.

    >>> modified_bessel_k0(np.array([0.0, 1.0, 10.0]))
    array([           inf, 4.21024438e-01, 1.77800623e-05])
    """
    return _apply(x, lambda v, xp: _bessel_k(v, xp, 0, False))


def modified_bessel_k1(x):
    """Modified Bessel function of the second kind, order 1: inf at 0, nan for x < 0.

    >>> modified_bessel_k1(np.array([0.0, 1.0, 10.0]))
    array([           inf, 6.01907230e-01, 1.86487735e-05])
    """
    return _apply(x, lambda v, xp: _bessel_k(v, xp, 1, False))


def scaled_modified_bessel_k0(x):
    """exp(x) K0(x).

    >>> scaled_modified_bessel_k0(np.array([1.0, 10.0]))
    array([1.14446308, 0.39163193])
    """
    return _apply(x, lambda v, xp: _bessel_k(v, xp, 0, True))


def scaled_modified_bessel_k1(x):
    """exp(x) K1(x).

    >>> scaled_modified_bessel_k1(np.array([1.0, 10.0]))
    array([1.63615349, 0.41076657])
    """
    return _apply(x, lambda v, xp: _bessel_k(v, xp, 1, True))


# ---------------------------------------------------------------- Airy Ai


def _airy_small(a):
    z = a * a * a
    return _AI0 * _horner(z, _AIRY_F) - _MINUS_AIP0 * a * _horner(z, _AIRY_G)


def _airy_positive(a, xp):
    zeta = (2.0 / 3.0) * a * xp.sqrt(a)
    v = _clenshaw(2.0 * _AIRY_ZETA_2 / zeta - 1.0, _AI_POS)
    return v * xp.exp(-zeta) * (0.5 * _ONE_OVER_SQRT_PI) / xp.sqrt(xp.sqrt(a))


def _airy_negative(a, xp, dtype):
    y = -a
    zeta = (2.0 / 3.0) * y * xp.sqrt(y)
    r = _AIRY_ZETA_8 / zeta
    s = 2.0 * r * r - 1.0
    f = _clenshaw(s, _AI_NEG_F)
    g = _clenshaw(s, _AI_NEG_ZG) / zeta
    # PyTorch's phase: -2 x sqrt(-x) / 3 + pi / 4, rounded in the input's dtype
    xd = a.astype(dtype)
    phi = ((dtype.type(-2.0) * xd * xp.sqrt(-xd)) / dtype.type(3.0)
           + dtype.type(0.25) * dtype.type(_PI)).astype(np.float64)
    return (xp.sin(phi) * f - xp.cos(phi) * g) * _ONE_OVER_SQRT_PI / xp.sqrt(xp.sqrt(y))


def _airy_ai(x, xp, dtype):
    out = xp.zeros_like(x)          # 0 beyond the cutoff, as PyTorch
    for cond, region in ((xp.abs(x) < 2.0, lambda a: _airy_small(a)),
                         ((x >= 2.0) & (x <= _AIRY_CUTOFF), lambda a: _airy_positive(a, xp)),
                         ((x >= -8.0) & (x <= -2.0),
                          lambda a: _clenshaw(-(a + 5.0) / 3.0, _AI_MID)),
                         (x < -8.0, lambda a: _airy_negative(a, xp, dtype))):
        i = _idx(xp, cond)
        if i is not None:
            out[i] = region(x[i])
    return xp.where(xp.isinf(x) | xp.isnan(x), np.nan, out)


def airy_ai(x):
    """Airy function Ai (PyTorch's: nan at +-inf, 0 beyond x = 103.892).

    >>> airy_ai(np.array([0.0, 1.0, -1.0]))
    array([0.35502805, 0.13529242, 0.53556088])
    """
    return _apply_typed(x, _airy_ai)
