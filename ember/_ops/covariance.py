"""Covariance and correlation of variables (rows) over observations (columns): cov and
corrcoef, built from differentiable ember ops as PyTorch's composite versions.

>>> ember.cov(ember.tensor([[0., 1., 2.], [2., 1., 0.]]))
tensor([[ 1., -1.],
        [-1.,  1.]])
"""
import warnings

from ._base import wrap, xp_of, np
from .arith import tname
from .._dtype import FLOATING

__all__ = ['cov', 'corrcoef']


def _check_weights(w, name, n_obs, integral):
    wa = w._data
    if wa.ndim > 1:
        raise RuntimeError(f'cov(): expected {name} to have one or fewer dimensions but got '
                           f'{name} with {wa.ndim} dimensions')
    if integral and wa.dtype.kind not in 'iu':
        raise RuntimeError(f'cov(): expected {name} to have integral dtype but got {name} '
                           f'with {tname(wa.dtype)} dtype')
    if not integral and wa.dtype not in FLOATING:
        raise RuntimeError(f'cov(): expected {name} to have floating point dtype but got '
                           f'{name} with {tname(wa.dtype)} dtype')
    if wa.size != n_obs:
        raise RuntimeError(f'cov(): expected {name} to have the same numel as there are '
                           f'observations in the input but got {wa.size} != {n_obs}')
    if wa.size and bool((wa < 0).any()):
        raise RuntimeError(f'cov(): {name} cannot be negative')


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance matrix of the variables in the rows of ``input`` (a 1-D input is one
    variable); ``fweights`` (integer repeat counts) and ``aweights`` (float importance) weigh
    the observations, ``correction=1`` is Bessel's correction.

    >>> ember.cov(ember.tensor([1., 2., 4.]))
    tensor(2.3333)
    """
    x = input._data
    if x.ndim > 2:
        raise RuntimeError(f'cov(): expected input to have two or fewer dimensions but got an '
                           f'input with {x.ndim} dimensions')
    if x.dtype.kind == 'b':
        raise RuntimeError('cov(): bool dtype is not supported for input')
    rows = input if x.ndim == 2 else input.reshape(1, -1)
    n_obs = rows._data.shape[1]
    w = None
    if fweights is not None:
        _check_weights(fweights, 'fweights', n_obs, integral=True)
        w = fweights
    if aweights is not None:
        _check_weights(aweights, 'aweights', n_obs, integral=False)
        w = aweights if w is None else w * aweights
    if w is None:
        w_sum = wrap(xp_of(x).asarray(n_obs, dtype=np.int64))
    else:
        w_sum = w.sum()
        if not bool(w_sum._data != 0):
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    mean = (rows if w is None else rows * w).sum(1) / w_sum
    if w is not None and correction != 0 and aweights is not None:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if bool(norm._data <= 0):
        warnings.warn('cov(): degrees of freedom is <= 0. Correction should be strictly less '
                      'than the number of observations.', UserWarning, stacklevel=2)
        norm = norm * 0
    centred = rows - mean.unsqueeze(1)
    c = centred.mm((centred if w is None else centred * w).t())
    return c.true_divide(norm).squeeze()


def corrcoef(input):
    """Pearson correlation coefficients of the variables in the rows of ``input``
    (clipped to [-1, 1]).

    >>> ember.corrcoef(ember.tensor([[1., 2., 4.], [2., 4., 8.]]))
    tensor([[1., 1.],
            [1., 1.]])
    """
    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    std = c.diagonal().sqrt()
    c = c / std.reshape(-1, 1)
    c = c / std.reshape(1, -1)
    return c.clip(-1, 1)


METHODS = {'cov': cov, 'corrcoef': corrcoef}
