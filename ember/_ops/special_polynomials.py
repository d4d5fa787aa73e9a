"""Classical orthogonal polynomials of ``ember.special`` (only there, as in torch): Chebyshev
T/U/V/W and their shifted forms (x -> 2x - 1), Hermite H/He, Laguerre L and Legendre P.

``f(input, n, *, out=None)``: either argument may be a number; ``n`` is truncated to an integer
(negative or nan n gives 0), both broadcast, and integer results become the default float
dtype. Values come from the three-term recurrences in float64; as in PyTorch, none of these
functions records a gradient.

>>> ember.special.legendre_polynomial_p(ember.tensor([0.5, 1.0]), 2)
tensor([-0.1250,  1.0000])
"""
from ._base import Tensor, wrap, operands, np
from ._elementwise import write_out, quiet, broadcast_call, float_operands, need_tensor
from ._special_common import same_dtype_arrays

__all__ = []
METHODS = {}


def _evaluate(x, n, first, step):
    """p_n(x) from p_0 = 1, p_1 = first(x) and p_{k+1} = step(x, k, p_k, p_{k-1})."""
    x, n = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(n, np.float64))
    order = np.where(np.isnan(n), -1.0, np.trunc(n)).astype(np.int64)
    out = np.where(order < 0, 0.0, 1.0)
    live = np.flatnonzero(order >= 1)
    if live.size:
        xs, nk = x.ravel()[live], order.ravel()[live]
        prev, cur = np.ones_like(xs), first(xs)
        for k in range(1, int(nk.max())):
            more = np.flatnonzero(nk > k)
            if more.size < nk.size:      # finished rows leave the loop
                out.ravel()[live[nk == k]] = cur[nk == k]
                live, xs, nk, prev, cur = live[more], xs[more], nk[more], prev[more], cur[more]
            prev, cur = cur, step(xs, k, cur, prev)
        out.ravel()[live] = cur
    return out


_RECURRENCES = {
    'chebyshev_polynomial_t': (lambda x: x, lambda x, k, p, q: 2 * x * p - q),
    'chebyshev_polynomial_u': (lambda x: 2 * x, lambda x, k, p, q: 2 * x * p - q),
    'chebyshev_polynomial_v': (lambda x: 2 * x - 1, lambda x, k, p, q: 2 * x * p - q),
    'chebyshev_polynomial_w': (lambda x: 2 * x + 1, lambda x, k, p, q: 2 * x * p - q),
    'hermite_polynomial_h': (lambda x: 2 * x, lambda x, k, p, q: 2 * x * p - 2 * k * q),
    'hermite_polynomial_he': (lambda x: x, lambda x, k, p, q: x * p - k * q),
    'laguerre_polynomial_l': (lambda x: 1 - x,
                              lambda x, k, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1)),
    'legendre_polynomial_p': (lambda x: x,
                              lambda x, k, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1)),
}


def _kernel(name, shifted):
    first, step = _RECURRENCES[name]

    def run(x, n):
        xd = x.astype(np.float64)
        if shifted:
            xd = xd + xd - 1.0
        res = _evaluate(xd, n, first, step)
        return res.astype(np.result_type(x.dtype, n.dtype), copy=False)
    return run


def _make(name, shifted=False):
    public = ('shifted_' + name) if shifted else name
    kernel = _kernel(name, shifted)

    def op(input, n, *, out=None):
        if not isinstance(input, Tensor) and not isinstance(n, Tensor):
            need_tensor(input, f'special_{public}', 'x', 1)
        xa, xb = same_dtype_arrays(*float_operands(*operands(input, n, f'special_{public}')))
        res = wrap(broadcast_call(f'special_{public}', lambda a, b: quiet(kernel, a, b), xa,
                                  xb))
        if out is not None:
            return write_out(out, res, (), f'special_{public}')
        return res

    what = 'shifted (x -> 2x - 1) ' if shifted else ''
    op.__name__ = op.__qualname__ = public
    op.__doc__ = (f'The {what}{name.replace("_polynomial_", " polynomial ")} of degree ``n`` '
                  f'at ``input``.\n\n    >>> ember.special.{public}(ember.tensor([0.25]), 3)'
                  f'\n    tensor([{_DOC[public]}])\n    ')
    return op


_DOC = {
    'chebyshev_polynomial_t': '-0.6875', 'chebyshev_polynomial_u': '-0.8750',
    'chebyshev_polynomial_v': '-0.1250', 'chebyshev_polynomial_w': '-1.6250',
    'shifted_chebyshev_polynomial_t': '1.', 'shifted_chebyshev_polynomial_u': '1.',
    'shifted_chebyshev_polynomial_v': '1.', 'shifted_chebyshev_polynomial_w': '1.',
    'hermite_polynomial_h': '-2.8750', 'hermite_polynomial_he': '-0.7344',
    'laguerre_polynomial_l': '0.3411', 'legendre_polynomial_p': '-0.3359',
}

chebyshev_polynomial_t = _make('chebyshev_polynomial_t')
chebyshev_polynomial_u = _make('chebyshev_polynomial_u')
chebyshev_polynomial_v = _make('chebyshev_polynomial_v')
chebyshev_polynomial_w = _make('chebyshev_polynomial_w')
shifted_chebyshev_polynomial_t = _make('chebyshev_polynomial_t', shifted=True)
shifted_chebyshev_polynomial_u = _make('chebyshev_polynomial_u', shifted=True)
shifted_chebyshev_polynomial_v = _make('chebyshev_polynomial_v', shifted=True)
shifted_chebyshev_polynomial_w = _make('chebyshev_polynomial_w', shifted=True)
hermite_polynomial_h = _make('hermite_polynomial_h')
hermite_polynomial_he = _make('hermite_polynomial_he')
laguerre_polynomial_l = _make('laguerre_polynomial_l')
legendre_polynomial_p = _make('legendre_polynomial_p')

