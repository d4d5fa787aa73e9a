"""Quantiles: quantile and nanquantile, with PyTorch's five interpolation modes.

Both sort the values along ``dim`` (NaN last), turn each ``q`` into a fractional rank and
read the sorted values there; differentiable through sort, gather and lerp, as PyTorch's
composite implementation.

>>> ember.quantile(ember.tensor([1., 2., 3., 4.]), 0.5)
tensor(2.5000)
"""
from ._base import Tensor, wrap, np, xp_of, norm_dim
from ._elementwise import write_out
from .binary import where

__all__ = ['quantile', 'nanquantile']

_MODES = ('linear', 'lower', 'higher', 'midpoint', 'nearest')


def _q_array(input, q, op):
    """``q`` as a 0-d or 1-d array of the input's dtype, checked as PyTorch checks it."""
    x = input._data
    if isinstance(q, Tensor):
        qa = q._data
        if qa.ndim > 1:
            raise RuntimeError(f'{op}() q must be a scalar or 1D tensor')
        if qa.dtype != x.dtype:
            raise RuntimeError(f'{op}() q tensor must be same dtype as the input tensor')
        if qa.size and not bool(((qa >= 0) & (qa <= 1)).all()):
            raise RuntimeError(f'{op}() q values must be in the range [0, 1]')
        return qa
    if isinstance(q, bool) or not isinstance(q, (int, float, np.integer, np.floating)):
        raise TypeError(f'{op}() received an invalid combination of arguments - got q of type '
                        f'{type(q).__name__}; expected a float or a Tensor')
    if not 0 <= q <= 1:
        raise RuntimeError(f'{op}() q must be in the range [0, 1] but got {q}')
    return xp_of(x).asarray(q, dtype=x.dtype)


def _quantile(input, q, dim, keepdim, interpolation, out, ignore_nan, op):
    x = input._data
    if x.dtype not in (np.float32, np.float64):
        raise RuntimeError(f'{op}() input tensor must be either float or double dtype')
    qa = _q_array(input, q, op)
    if interpolation not in _MODES:
        raise RuntimeError(f'{op}() interpolation must be one of linear, lower, higher, '
                           f'midpoint or nearest, but got {interpolation}')
    if x.size == 0:
        raise RuntimeError(f'{op}() input tensor must be non-empty')
    xp = xp_of(x)
    if dim is None:
        values = input.reshape(-1)
        out_shape = (1,) * x.ndim if keepdim else ()
    else:
        d = norm_dim(dim, x.ndim)
        values = input.unsqueeze(-1).transpose(d, -1) if x.ndim else input.reshape(1)
        out_shape = tuple(1 if i == d else s for i, s in enumerate(x.shape)) if keepdim else \
            tuple(s for i, s in enumerate(x.shape) if i != d)
    ordered = values.sort(dim=-1).values                 # NaN sorts last, as in PyTorch
    sa = ordered._data
    nan = xp.isnan(sa)
    # ranks = q * (index of the last value that counts), per slice: shape (..., k)
    if ignore_nan:
        last = (sa.shape[-1] - nan.sum(-1, keepdims=True) - 1).astype(sa.dtype)
        fixed = last < 0                    # all NaN: rank 0, which reads a NaN
    else:
        last = xp.full(sa.shape[:-1] + (1,), sa.shape[-1] - 1, dtype=sa.dtype)
        fixed = nan.any(-1, keepdims=True)  # a NaN: the last rank, which reads a NaN
    fixed_rank = xp.zeros_like(last) if ignore_nan else last
    q_t = q.reshape(-1) if isinstance(q, Tensor) else wrap(qa.reshape(-1))
    ranks_t = where(wrap(fixed), wrap(fixed_rank), q_t * wrap(last))  # differentiable in q
    ranks = ranks_t._data
    if interpolation == 'lower':
        ranks = xp.floor(ranks)
    elif interpolation == 'higher':
        ranks = xp.ceil(ranks)
    elif interpolation == 'nearest':
        ranks = xp.round(ranks)
    below = ranks.astype(np.int64)
    result = ordered.gather(-1, wrap(below))
    if interpolation in ('linear', 'midpoint'):
        weights = (wrap(xp.full_like(ranks, 0.5)) if interpolation == 'midpoint'
                   else ranks_t - wrap(below.astype(ranks.dtype)))
        above = ordered.gather(-1, wrap(xp.ceil(ranks).astype(np.int64)))
        result = result.lerp(above, weights)
    # result: (..., k); PyTorch puts the q dim first and drops it for a scalar q
    result = result.movedim(-1, 0).reshape((-1,) + out_shape) if qa.ndim else \
        result.reshape(out_shape)
    if out is not None:
        return write_out(out, result, (input,), op)
    return result


def quantile(input, q, dim=None, keepdim=False, *, interpolation='linear', out=None):
    """The ``q``-th quantiles (``q`` a float or a 0-d/1-d tensor in [0, 1]) of all values or
    along ``dim``; a NaN in a slice makes its quantiles NaN. ``interpolation`` between the
    two nearest values: 'linear', 'lower', 'higher', 'midpoint' or 'nearest'.

    >>> ember.quantile(ember.tensor([[0., 1., 2.], [4., 6., 9.]]), 0.25, dim=1)
    tensor([0.5000, 5.0000])
    """
    return _quantile(input, q, dim, keepdim, interpolation, out, False, 'quantile')


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation='linear', out=None):
    """:func:`quantile` ignoring NaN values (a slice of only NaN gives NaN).

    >>> ember.nanquantile(ember.tensor([1., float('nan'), 3.]), 0.5)
    tensor(2.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, out, True, 'nanquantile')


METHODS = {'quantile': quantile, 'nanquantile': nanquantile}
