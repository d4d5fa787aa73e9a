"""Vectorised special functions on NumPy (or CuPy) floating arrays.

Every public function takes a floating array and returns an array of the same dtype and
shape. Work is done in float64 (float16/float32 inputs are widened, then rounded back), on
flat copies split into the regions each approximation covers, so there are no per-element
Python loops. Only array functions that NumPy and CuPy both provide are used.

Sources of the approximations:

* ``erf``/``erfc``/``erfcx``: W. J. Cody, "Rational Chebyshev approximations for the error
  function", Math. Comp. 23 (1969) 631-638, coefficients as in his CALERF routine (netlib
  specfun).
* ``erfinv``: M. Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011),
  single-precision polynomials as a first guess, then Halley steps on Cody's erf/erfc.
* ``lgamma``/``digamma``/``trigamma``: Stirling / de Moivre asymptotic series (Bernoulli
  numbers) for x >= 10, recurrences below, reflection for x < 0; ``lgamma`` on [1, 2.5]
  and ``digamma`` within 1/2 of its positive root use polynomials fitted for this module
  (Chebyshev interpolation in 50-digit arithmetic, converted to monomials).
* ``i0``/``i1`` (and the scaled ``i0e``/``i1e``): power series for |x| <= 8, and above it
  Chebyshev series in 16/x - 1 for sqrt(x) exp(-x) I_nu(x), fitted for this module.

>>> import numpy as np
>>> erf(np.array([0.0, 0.5, 3.0], dtype=np.float32))
array([0.       , 0.5204999, 0.9999779], dtype=float32)
"""
import numpy as np
from .._dtype import FLOATING

__all__ = ['sigmoid', 'erf', 'erfc', 'erfcx', 'erfinv', 'lgamma', 'digamma', 'trigamma',
           'i0', 'i0e', 'i1', 'i1e']

_PI = 3.141592653589793
_LOG_PI = 1.1447298858494002
_TWO_OVER_SQRT_PI = 1.1283791670955126
_ONE_OVER_SQRT_PI = 0.5641895835477563
_HALF_LOG_2PI_MINUS_HALF = 0.4189385332046727   # log(2 pi)/2 - 1/2

# ---------------------------------------------------------------- plumbing

_cupy = None
_CHUNK = 1 << 16


def _xp(x):
    """cupy for CuPy arrays, numpy for everything else."""
    global _cupy
    if type(x).__module__.partition('.')[0] != 'cupy':
        return np
    if _cupy is None:
        import cupy
        _cupy = cupy
    return _cupy


def _apply(x, core):
    """Run ``core(flat_float64, xp)`` and give back ``x``'s dtype and shape."""
    xp = _xp(x)
    x = xp.asarray(x)
    dtype = x.dtype if x.dtype in FLOATING else np.dtype(np.float64)
    flat = x.ravel()                     # cores never write to their argument
    n = flat.size
    with np.errstate(all='ignore'):
        if xp is not np or n <= _CHUNK:
            res = core(flat.astype(np.float64, copy=False), xp) if n else flat
            return res.astype(dtype, copy=False).reshape(x.shape)
        # Blocks that stay in cache; their temporaries are also recycled by malloc, where
        # whole-array temporaries would each be page-faulted in afresh.
        res = np.empty(n, dtype)
        for start in range(0, n, _CHUNK):
            block = flat[start:start + _CHUNK].astype(np.float64, copy=False)
            res[start:start + _CHUNK] = core(block, np)
    return res.reshape(x.shape)


def _idx(xp, cond):
    """Indices where ``cond`` holds, or None if nowhere.

    Regions are addressed by integer index arrays: in NumPy, gathering and scattering with
    them is several times faster than with a scattered boolean mask (or ``where``).
    """
    i = xp.flatnonzero(cond)
    return i if i.size else None


def _horner(z, coeffs):
    """Polynomial with ``coeffs`` highest degree first, evaluated in place."""
    p = z * coeffs[0]
    p += coeffs[1]
    for c in coeffs[2:]:
        p *= z
        p += c
    return p


def _clenshaw(s, coeffs):
    """sum c_k T_k(s), ``coeffs`` from c_n down to c_0 (c_0 not halved)."""
    b1 = s * 0.0
    b2 = s * 0.0
    s2 = s * 2.0
    for c in coeffs[:-1]:
        b0 = s2 * b1
        b0 -= b2
        b0 += c
        b2, b1 = b1, b0
    return s * b1 - b2 + coeffs[-1]


# ---------------------------------------------------------------- sigmoid

def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), without overflow for large |x|.

    >>> sigmoid(np.array([-1000.0, 0.0, 2.0]))
    array([0.        , 0.5       , 0.88079708])
    """
    def core(x, xp):
        # exp(min(x, 0)) / (1 + exp(-|x|)): both exponents are <= 0
        return xp.exp(xp.minimum(x, 0.0)) / (1.0 + xp.exp(-xp.abs(x)))
    return _apply(x, core)


# ---------------------------------------------------------------- erf, erfc

# Cody's coefficients, highest degree first; denominators are monic.
_ERF_A = (1.85777706184603153e-1, 3.16112374387056560e00, 1.13864154151050156e02,
          3.77485237685302021e02, 3.20937758913846947e03)
_ERF_B = (1.0, 2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
          2.84423683343917062e03)
_ERFC_C = (2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00,
           6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02,
           1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03)
_ERFC_D = (1.0, 1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
           1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
           3.43936767414372164e03, 1.23033935480374942e03)
_ERFC_P = (1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
           1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4)
_ERFC_Q = (1.0, 2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
           6.05183413124413191e-2, 2.33520497626869185e-3)
_ERF_SMALL = 0.46875


def _erf_small(x):
    """erf(x) for |x| <= 0.46875."""
    z = x * x
    return x * _horner(z, _ERF_A) / _horner(z, _ERF_B)


def _exp_neg_sq(y, xp):
    """exp(-y*y) without the error of rounding y*y: y = hi + rest, hi on a 1/16 grid."""
    hi = xp.floor(y * 16.0) * 0.0625
    rest = (y - hi) * (y + hi)
    return xp.exp(-hi * hi) * xp.exp(-rest)


def _erfc_pos(y, xp):
    """erfc(y) for y >= 0.46875 (nan and +inf allowed)."""
    out = xp.empty_like(y)
    mid = y <= 4.0
    i = _idx(xp, mid)
    if i is not None:
        ym = y[i]
        out[i] = _horner(ym, _ERFC_C) / _horner(ym, _ERFC_D) * _exp_neg_sq(ym, xp)
    i = _idx(xp, ~mid)
    if i is not None:
        # erfc underflows to 0 from y ~ 27.3 on; clamping keeps inf from making nan
        yt = xp.minimum(y[i], 30.0)
        z = 1.0 / (yt * yt)
        r = z * _horner(z, _ERFC_P) / _horner(z, _ERFC_Q)
        out[i] = (_ONE_OVER_SQRT_PI - r) / yt * _exp_neg_sq(yt, xp)
    return out


def _erf64(x, xp):
    ax = xp.abs(x)
    out = xp.empty_like(x)
    small = ax <= _ERF_SMALL
    i = _idx(xp, small)
    if i is not None:
        out[i] = _erf_small(x[i])
    i = _idx(xp, ~small)
    if i is not None:
        out[i] = xp.copysign(1.0 - _erfc_pos(ax[i], xp), x[i])
    return out


def _erfc64(x, xp):
    ax = xp.abs(x)
    out = xp.empty_like(x)
    small = ax <= _ERF_SMALL
    i = _idx(xp, small)
    if i is not None:
        out[i] = 1.0 - _erf_small(x[i])
    i = _idx(xp, ~small)
    if i is not None:
        e = _erfc_pos(ax[i], xp)
        j = _idx(xp, x[i] < 0)
        if j is not None:
            e[j] = 2.0 - e[j]
        out[i] = e
    return out


def erf(x):
    """Error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt.

    >>> erf(np.array([-1.0, 0.0, 0.5]))
    array([-0.84270079,  0.        ,  0.52049988])
    """
    return _apply(x, _erf64)


def erfc(x):
    """Complementary error function 1 - erf(x), accurate in the tail.

    >>> erfc(np.array([0.0, 5.0, 20.0]))
    array([1.00000000e+000, 1.53745979e-012, 5.39586561e-176])
    """
    return _apply(x, _erfc64)


def _exp_sq(y, xp):
    """exp(y*y) without the error of rounding y*y (as ``_exp_neg_sq``)."""
    hi = xp.floor(y * 16.0) * 0.0625
    rest = (y - hi) * (y + hi)
    return xp.exp(hi * hi) * xp.exp(rest)


def _erfcx64(x, xp):
    """exp(x^2) erfc(x): Cody's erfc without its exp(-x^2) factor, so no underflow."""
    ax = xp.abs(x)
    out = xp.full_like(x, np.nan)
    i = _idx(xp, ax <= _ERF_SMALL)
    if i is not None:
        out[i] = _exp_sq(ax[i], xp) * (1.0 - _erf_small(ax[i]))
    i = _idx(xp, (ax > _ERF_SMALL) & (ax <= 4.0))
    if i is not None:
        ym = ax[i]
        out[i] = _horner(ym, _ERFC_C) / _horner(ym, _ERFC_D)
    i = _idx(xp, ax > 4.0)
    if i is not None:
        yb = ax[i]
        z = 1.0 / (yb * yb)
        out[i] = (_ONE_OVER_SQRT_PI - z * _horner(z, _ERFC_P) / _horner(z, _ERFC_Q)) / yb
    i = _idx(xp, x < 0)
    if i is not None:
        # erfcx(-y) = 2 exp(y^2) - erfcx(y); exp(y^2) overflows from y ~ 26.6 on
        out[i] = 2.0 * _exp_sq(xp.minimum(ax[i], 30.0), xp) - out[i]
    return out


def erfcx(x):
    """Scaled complementary error function exp(x^2) * erfc(x), finite for large x.

    >>> erfcx(np.array([-1.0, 0.0, 30.0]))
    array([5.00898008, 1.        , 0.01879589])
    """
    return _apply(x, _erfcx64)


# ---------------------------------------------------------------- erfinv

# Giles' single-precision polynomials (in w - 2.5 and sqrt(w) - 3), highest degree first.
_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                  0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
               0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _halley(y, resid, xp):
    """One Halley step for erf(y) = target, given resid = erf(y) - target."""
    t = resid / (_TWO_OVER_SQRT_PI * xp.exp(-y * y))
    return y - t / (1.0 + y * t)


def _erfinv_refine(y, a, xp):
    """Halley step on y ~ erfinv(a), 0 <= a < 1.

    Above a = 1/2 the residual is (1 - a) - erfc(y): 1 - a is exact there and erfc keeps
    relative accuracy, whereas erf(y) - a is only good to ulp(1), which would cap the
    accuracy of y at ulp(1) / erf'(y) near a = 1.
    """
    low = a <= 0.5
    i = _idx(xp, low)
    if i is not None:
        y[i] = _halley(y[i], _erf64(y[i], xp) - a[i], xp)
    i = _idx(xp, ~low)
    if i is not None:
        y[i] = _halley(y[i], (1.0 - a[i]) - _erfc_pos(y[i], xp), xp)
    return y


def _erfinv64(x, xp):
    a = xp.abs(x)
    out = xp.full_like(x, np.nan)
    out[a == 1.0] = np.inf
    k = _idx(xp, a < 1.0)
    if k is None:
        return xp.copysign(out, x)
    a = a[k]
    w = -xp.log((1.0 - a) * (1.0 + a))
    y = xp.empty_like(a)
    # Giles' guesses are good to ~2e-7 relative; one Halley step (cubic convergence) then
    # leaves only the rounding error of erf
    i = _idx(xp, w < 5.0)
    if i is not None:
        y[i] = _horner(w[i] - 2.5, _GILES_CENTRAL) * a[i]
    i = _idx(xp, (w >= 5.0) & (w < 16.0))
    if i is not None:
        y[i] = _horner(xp.sqrt(w[i]) - 3.0, _GILES_TAIL) * a[i]
    i = _idx(xp, w >= 16.0)
    if i is not None:
        # Giles' polynomials stop at the float32 range (1 - a >= 6e-8); beyond it solve
        # erfc(y) ~ exp(-y^2) / (y sqrt(pi)) * (1 - 1/(2 y^2)) = 1 - a by fixed point
        # (good to ~1e-4) and spend one more Halley step
        log_c = -xp.log(1.0 - a[i])
        yf = xp.sqrt(log_c)
        for _ in range(3):
            yf = xp.sqrt(log_c - xp.log(1.7724538509055159 * yf) + xp.log1p(-0.5 / (yf * yf)))
        y[i] = _erfinv_refine(yf, a[i], xp)
    out[k] = _erfinv_refine(y, a, xp)
    i = _idx(xp, out < 1e-9)
    if i is not None:
        # erfinv(a) = a sqrt(pi) / 2 (1 + pi a^2 / 12 + ...): one rounding, which also
        # keeps subnormal results exact
        out[i] = 0.886226925452758 * xp.abs(x[i])
    return xp.copysign(out, x)


def erfinv(x):
    """Inverse error function on [-1, 1]: ``erf(erfinv(x)) == x``; +-inf at +-1, nan outside.

    >>> erfinv(np.array([-1.0, 0.0, 0.5, 2.0]))
    array([      -inf, 0.        , 0.47693628,        nan])
    """
    return _apply(x, _erfinv64)


# ---------------------------------------------------------------- lgamma

# lgamma(2 + t) / (t (t + 1)) on -1 <= t <= 0.5, monomials in s = t + 1/4, highest
# degree first. Dividing out both zeros keeps relative accuracy at x = 1 and x = 2.
_LGAMMA_CORE = (
    -5.0333679908980265e-08, 9.11277895517167e-08, 1.8847734392676648e-08,
    -3.336913537804954e-08, -2.386040832536453e-07, 4.346200532078776e-07,
    -5.128211509102332e-07, 9.424957587698116e-07, -1.9066804238023735e-06,
    3.516434844428187e-06, -6.434822788014993e-06, 1.194597872164936e-05,
    -2.228191217665965e-05, 4.170624738675929e-05, -7.846167352252309e-05,
    0.00014851664114522942, -0.0002831906297104388, 0.0005448970025495887,
    -0.0010605660749412342, 0.0020955338792364464, -0.004226194125928346, 0.008776370425277888,
    -0.019053957830247412, 0.04452044719850941, -0.11948158662524275, 0.4501393121092563,
)
# Stirling series of lgamma(x) - (x - 1/2) log x + x - log(2 pi)/2, times x, in z = 1/x^2:
# B_2k / (2k (2k - 1)) for k = 8 .. 1.
_STIRLING = (-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260,
             -1 / 360, 1 / 12)


def _lgamma_core(t, t1):
    """lgamma(2 + t) for -1 <= t <= 0.5, given t1 = t + 1 (exact where it is small)."""
    return t * t1 * _horner(t + 0.25, _LGAMMA_CORE)


def _lgamma_from1(y, xp, out):
    """lgamma(y) for y >= 1 (and +inf) into ``out``."""
    i = _idx(xp, y >= 10.0)
    if i is not None:
        yb = y[i]
        z = 1.0 / yb
        out[i] = ((yb - 0.5) * (xp.log(yb) - 1.0) + _HALF_LOG_2PI_MINUS_HALF
                  + z * _horner(z * z, _STIRLING))
    i = _idx(xp, (y >= 2.5) & (y < 10.0))
    if i is not None:
        # lgamma(y) = lgamma(y - n) + log((y - 1) ... (y - n)) with y - n in [1, 2): the
        # factors used are exactly those >= 1, so max(y - k, 1) selects them
        ym = y[i]
        prod = ym - 1.0
        fk = xp.empty_like(ym)
        for k in range(2, 9):
            xp.subtract(ym, k, out=fk)
            xp.maximum(fk, 1.0, out=fk)
            prod *= fk
        n = xp.floor(ym) - 1.0
        out[i] = _lgamma_core(ym - (n + 2.0), ym - (n + 1.0)) + xp.log(prod)
    i = _idx(xp, (y >= 1.0) & (y < 2.5))
    if i is not None:
        yc = y[i]
        out[i] = _lgamma_core(yc - 2.0, yc - 1.0) + 0.0    # +0, not -0, at y = 1
    return out


def _lgamma64(x, xp):
    out = xp.full_like(x, np.nan)
    i = _idx(xp, x >= 1.0)
    if i is not None:
        out[i] = _lgamma_from1(x[i], xp, xp.empty(i.size))
    i = _idx(xp, (x >= 0.5) & (x < 1.0))
    if i is not None:
        # lgamma(x) = lgamma(x + 1) - log(x); x - 1 is exact here, x + 1 would not be
        xo = x[i]
        out[i] = _lgamma_core(xo - 1.0, xo) - xp.log(xo)
    i = _idx(xp, (xp.abs(x) < 0.5) & (x != 0))
    if i is not None:
        # lgamma(x) = lgamma(x + 2) - log|x| - log(1 + x)
        xs = x[i]
        out[i] = _lgamma_core(xs, xs + 1.0) - xp.log(xp.abs(xs)) - xp.log1p(xs)
    whole = (x == xp.floor(x)) & (x <= 0)       # poles: 0, -0, negative integers, -inf
    i = _idx(xp, whole)
    if i is not None:
        out[i] = np.inf
    i = _idx(xp, (x <= -0.5) & ~whole)
    if i is not None:
        # reflection: lgamma(x) = log(pi / |sin(pi x)|) - lgamma(1 - x), with
        # |sin(pi x)| = sin(pi g) = 2u / (1 + u^2), u = tan(pi g / 2), g in (0, 1/2]
        xn = x[i]
        f = xn - xp.floor(xn)
        u = xp.tan(0.5 * _PI * xp.minimum(f, 1.0 - f))
        lg = _lgamma_from1(1.0 - xn, xp, xp.empty(i.size))
        out[i] = (_LOG_PI + xp.log((1.0 + u * u) / (u + u))) - lg
    return out


def lgamma(x):
    """Natural log of |Gamma(x)|; +inf at 0 and the negative integers.

    >>> lgamma(np.array([0.5, 1.0, 3.0, -0.5, 0.0]))
    array([0.57236494, 0.        , 0.69314718, 1.26551212,        inf])
    """
    return _apply(x, _lgamma64)


# ---------------------------------------------------------------- digamma, trigamma

_PSI_ROOT_HI = 1.4616321449683622
_PSI_ROOT_LO = 9.549995429965697e-17
# digamma(x0 + t) / t on [-0.5, 0.5] around the positive root x0, highest degree first.
_PSI_ROOT = (
    -0.0001578708767010151, 0.00023074936133772155, -0.00010046489379880724,
    0.00014684369076362278, -0.00037003799780105286, 0.0005408655402784555,
    -0.000731976608972523, 0.0010699175302111218, -0.0015779224762597032,
    0.0023065670650834627, -0.0033696960990168942, 0.004926627111018408, -0.007204541791035277,
    0.010538802439531734, -0.015424765576803686, 0.02259764775259027, -0.03316112648340483,
    0.04880428817665098, -0.07219956125633967, 0.10782405069109421, -0.16394270544240713,
    0.2584997609556519, -0.4427631689835921, 0.9676722454476212,
)
# digamma(x) ~ log x - 1/(2x) - z * S(z), z = 1/x^2, S's terms B_2k / (2k): k = 8 .. 1.
_PSI_ASYM = (-3617 / 8160, 1 / 12, -691 / 32760, 1 / 132, -1 / 240, 1 / 252, -1 / 120,
             1 / 12)
# trigamma(x) ~ (1 + 1/(2x) + z * S(z)) / x, S's terms B_2k: k = 8 .. 1.
_PSI1_ASYM = (-3617 / 510, 7 / 6, -691 / 2730, 5 / 66, -1 / 30, 1 / 42, -1 / 30, 1 / 6)
_ASYM_FROM = 10    # the asymptotic series are used from here on; below, y is moved up by 10


def _power_sum(y, xp, square):
    """sum_{k=0}^{9} (y + k)**-1 (or **-2), smallest terms first."""
    acc = xp.zeros_like(y)
    buf = xp.empty_like(y)
    for k in range(_ASYM_FROM - 1, -1, -1):
        xp.add(y, float(k), out=buf)
        if square:
            buf *= buf
        xp.divide(1.0, buf, out=buf)
        acc += buf
    return acc


def _digamma_asym(y, xp):
    z = 1.0 / (y * y)
    return xp.log(y) - 0.5 / y - z * _horner(z, _PSI_ASYM)


def _psi_root_fit(y, xp):
    t = (y - _PSI_ROOT_HI) - _PSI_ROOT_LO
    return t * _horner(t, _PSI_ROOT)


def _digamma_pos(y, xp, out):
    """digamma(y) for y > 0 (and +inf) into ``out``."""
    # Within 1.5 of the root x0 use the fit, after one step of the recurrence if needed:
    # no cancellation there, unlike digamma(y + 10) - sum 1 / (y + k).
    t = y - _PSI_ROOT_HI
    near = xp.abs(t) < 0.5
    i = _idx(xp, near)
    if i is not None:
        out[i] = _psi_root_fit(y[i], xp)
    above = (t >= 0.5) & (t < 1.5)
    i = _idx(xp, above)
    if i is not None:
        ya = y[i] - 1.0                         # exact
        out[i] = _psi_root_fit(ya, xp) + 1.0 / ya
    below = t <= -0.5
    i = _idx(xp, below)
    if i is not None:
        yb = y[i]
        out[i] = _psi_root_fit(yb + 1.0, xp) - 1.0 / yb
    big = y >= _ASYM_FROM
    i = _idx(xp, big)
    if i is not None:
        out[i] = _digamma_asym(y[i], xp)
    i = _idx(xp, ~(near | above | below | big))
    if i is not None:
        ys = y[i]
        out[i] = _digamma_asym(ys + _ASYM_FROM, xp) - _power_sum(ys, xp, False)
    return out


def _digamma64(x, xp):
    out = xp.full_like(x, np.nan)
    i = _idx(xp, x == 0)
    if i is not None:
        out[i] = xp.copysign(np.inf, -x[i])
    i = _idx(xp, x > 0)
    if i is not None:
        out[i] = _digamma_pos(x[i], xp, xp.empty(i.size))
    i = _idx(xp, (x < 0) & (x != xp.floor(x)))      # negative integers and -inf stay nan
    if i is not None:
        # reflection: digamma(x) = digamma(1 - x) - pi / tan(pi x), tan taken on x - rint(x)
        xn = x[i]
        r = xn - xp.rint(xn)
        out[i] = _digamma_pos(1.0 - xn, xp, xp.empty(i.size)) - _PI / xp.tan(_PI * r)
    return out


def digamma(x):
    """Logarithmic derivative of Gamma; -inf at +0, +inf at -0, nan at negative integers.

    >>> digamma(np.array([1.0, 0.5, -0.5, 0.0, -1.0]))
    array([-0.57721566, -1.96351003,  0.03648997,        -inf,         nan])
    """
    return _apply(x, _digamma64)


def _trigamma_asym(y, xp):
    inv = 1.0 / y
    z = inv * inv
    return (1.0 + 0.5 * inv + z * _horner(z, _PSI1_ASYM)) * inv


def _trigamma_pos(y, xp, out):
    """trigamma(y) for y > 0 (and +inf) into ``out``."""
    big = y >= _ASYM_FROM
    i = _idx(xp, big)
    if i is not None:
        out[i] = _trigamma_asym(y[i], xp)
    i = _idx(xp, ~big)
    if i is not None:
        ys = y[i]
        out[i] = _trigamma_asym(ys + _ASYM_FROM, xp) + _power_sum(ys, xp, True)
    return out


def _trigamma64(x, xp):
    out = xp.full_like(x, np.nan)
    i = _idx(xp, x > 0)
    if i is not None:
        out[i] = _trigamma_pos(x[i], xp, xp.empty(i.size))
    whole = (x == xp.floor(x)) & (x <= 0)
    i = _idx(xp, whole & (x > -np.inf))     # poles; -inf stays nan
    if i is not None:
        out[i] = np.inf
    i = _idx(xp, (x < 0) & ~whole)
    if i is not None:
        # reflection: trigamma(x) = pi^2 / sin^2(pi x) - trigamma(1 - x), with
        # 1 / sin^2 = 1 + 1 / tan^2 and tan taken on x - rint(x)
        xn = x[i]
        t = xp.tan(_PI * (xn - xp.rint(xn)))
        refl = _PI * _PI * (1.0 + 1.0 / (t * t))
        out[i] = refl - _trigamma_pos(1.0 - xn, xp, xp.empty(i.size))
    return out


def trigamma(x):
    """Derivative of digamma (``polygamma(1, x)``); +inf at 0 and the negative integers.

    >>> trigamma(np.array([1.0, 0.5, -0.5]))
    array([1.64493407, 4.9348022 , 8.9348022 ])
    """
    return _apply(x, _trigamma64)


# ---------------------------------------------------------------- modified Bessel I0, I1

def _series_coeffs(nu, terms):
    """Coefficients of sum_k q^k / (k! (k + nu)!), highest degree first."""
    out, c = [], 1.0
    for k in range(nu):
        c /= k + 1
    for k in range(terms):
        out.append(c)
        c /= (k + 1) * (k + 1 + nu)
    return tuple(reversed(out))


_I0_SERIES = _series_coeffs(0, 25)    # I0(x) = S0(x^2 / 4)
_I1_SERIES = _series_coeffs(1, 25)    # I1(x) = x/2 * S1(x^2 / 4)
# sqrt(x) exp(-x) I_nu(x) for x > 8 as Chebyshev series in s = 16/x - 1, c_25 .. c_0.
_I0_BIG = (
    9.921475412161323e-19, -7.233180487873652e-18, -4.830504485944371e-18,
    4.465621420296738e-17, 3.461222867697477e-17, -2.8276239805165836e-16,
    -3.4254856196772195e-16, 1.7725601330565263e-15, 3.8116806693526224e-15,
    -9.554846698828307e-15, -4.150569347287222e-14, 1.54008621752141e-14,
    3.8527783827421426e-13, 7.180124451383666e-13, -1.7941785315068062e-12,
    -1.3215811840447713e-11, -3.1499165279632416e-11, 1.1889147107846439e-11,
    4.94060238822497e-10, 3.3962320257083865e-09, 2.266668990498178e-08,
    2.0489185894690638e-07, 2.8913705208347567e-06, 6.889758346916825e-05,
    0.0033691164782556943, 0.4022452055070544,
)
_I1_BIG = (
    -9.314178867314006e-19, 7.51729631084099e-18, 4.414348323071889e-18,
    -4.650305368489336e-17, -3.2095259219934404e-17, 2.96262899764595e-16,
    3.3082023109209285e-16, -1.8803547755107825e-15, -3.8144030724370075e-15,
    1.0420276984128802e-14, 4.272440016711951e-14, -2.1015418427726643e-14,
    -4.0835511110921974e-13, -7.198551776245908e-13, 2.0356285441470896e-12,
    1.4125807436613782e-11, 3.2526035830154884e-11, -1.8974958123505413e-11,
    -5.589743462196584e-10, -3.835380385964237e-09, -2.6314688468895196e-08,
    -2.512236237870209e-07, -3.882564808877691e-06, -0.00011058893876262371,
    -0.009761097491361469, 0.38928811750914005,
)


def _bessel_i(x, xp, nu, scaled):
    ax = xp.abs(x)
    out = xp.empty_like(x)
    small = ax <= 8.0
    i = _idx(xp, small)
    if i is not None:
        a = ax[i]
        q = 0.25 * a * a
        v = _horner(q, _I1_SERIES) * (0.5 * a) if nu else _horner(q, _I0_SERIES)
        out[i] = v * xp.exp(-a) if scaled else v
    i = _idx(xp, ~small)
    if i is not None:
        a = ax[i]
        if not scaled:
            # I_nu overflows from ~714 on; clamping keeps inf from making nan
            a = xp.minimum(a, 800.0)
        v = _clenshaw(16.0 / a - 1.0, _I1_BIG if nu else _I0_BIG) / xp.sqrt(a)
        if not scaled:
            h = xp.exp(0.5 * a)     # exp(a) alone would overflow before I_nu(a) does
            v *= h
            v *= h
        out[i] = v
    return xp.copysign(out, x) if nu else out


def i0(x):
    """Modified Bessel function of the first kind, order 0.

    >>> i0(np.array([0.0, 1.0, 3.0]))
    array([1.        , 1.26606588, 4.88079259])
    """
    return _apply(x, lambda v, xp: _bessel_i(v, xp, 0, False))


def i0e(x):
    """Exponentially scaled ``i0``: exp(-|x|) * I0(x).

    >>> i0e(np.array([0.0, 1.0, 10.0]))
    array([1.        , 0.46575961, 0.12783334])
    """
    return _apply(x, lambda v, xp: _bessel_i(v, xp, 0, True))


def i1(x):
    """Modified Bessel function of the first kind, order 1 (odd in x).

    >>> i1(np.array([0.0, 1.0, -3.0]))
    array([ 0.        ,  0.5651591 , -3.95337022])
    """
    return _apply(x, lambda v, xp: _bessel_i(v, xp, 1, False))


def i1e(x):
    """Exponentially scaled ``i1``: exp(-|x|) * I1(x).

    >>> i1e(np.array([0.0, 1.0, -10.0]))
    array([ 0.        ,  0.20791042, -0.12126268])
    """
    return _apply(x, lambda v, xp: _bessel_i(v, xp, 1, True))
