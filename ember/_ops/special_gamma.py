"""Gamma-family special functions: polygamma, mvlgamma, igamma/igammac (gammainc/gammaincc)
and the Hurwitz zeta (``ember.special.zeta`` only, as in torch).

Kernels are in ``_special_gamma.py``; gradients as PyTorch defines them:
polygamma(n)' = polygamma(n + 1); mvlgamma' = sum_i digamma(x - i/2); igamma and igammac only
with respect to ``x`` (d/dx P(a, x) = x^(a-1) e^-x / Gamma(a)); zeta only with respect to ``q``
(d/dq zeta(s, q) = -s zeta(s + 1, q)).

>>> ember.polygamma(1, ember.tensor([1.0]))
tensor([1.6449])
"""
import math

from ._base import Tensor, wrap, record, operands, np
from ._elementwise import (write_out, quiet, quiet_backward, broadcast_call, float_operands,
                           inplace_method, not_implemented_for, need_tensor)
from ._special_common import float_data, same_dtype_arrays
from ._inplace_examples import EXAMPLES as INPLACE_EXAMPLES
from . import _special, _special_gamma as K
from .._dtype import FLOATING

__all__ = ['polygamma', 'mvlgamma', 'igamma', 'igammac']

_LOG_PI = math.log(math.pi)


def polygamma(n, input, *, out=None):
    """The ``n``-th derivative of the digamma function (``n = 0`` is digamma itself).

    >>> ember.polygamma(2, ember.tensor([1.0, 0.5]))
    tensor([ -2.4041, -16.8288])
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not "
                        f'{type(n).__name__}')
    n = int(n)
    if n < 0:
        raise RuntimeError('polygamma(n, x) does not support negative n.')
    res = wrap(quiet(K.polygamma, n, float_data(input, 'polygamma', 'input', 2)))
    if out is not None:
        return write_out(out, res, (input,), 'polygamma')
    return record(res, 'PolygammaBackward0', _polygamma_backward, (input,), (input,), ctx=n)


@quiet_backward
def _polygamma_backward(node, grad):
    (x,) = node.saved()
    return grad * polygamma(node.ctx + 1, x)


def mvlgamma(input, p, *, out=None):
    """Multivariate log-gamma of dimension ``p``: log(pi) p(p-1)/4 + sum_i lgamma(x - i/2).

    >>> ember.mvlgamma(ember.tensor([2.5, 3.0]), 2)
    tensor([0.8570, 1.5502])
    """
    if p < 1:
        raise RuntimeError('p has to be greater than or equal to 1')
    x = float_data(input, 'mvlgamma')
    acc = np.zeros(x.shape, np.float64) + (_LOG_PI * p * (p - 1) / 4)
    for i in range(p):
        acc += quiet(_special.lgamma, x.astype(np.float64) - 0.5 * i)
    res = wrap(acc.astype(x.dtype))
    if out is not None:
        return write_out(out, res, (input,), 'mvlgamma')
    return record(res, 'MvlgammaBackward0', _mvlgamma_backward, (input,), (input,), ctx=p)


@quiet_backward
def _mvlgamma_backward(node, grad):
    (x,) = node.saved()
    total = x.digamma()
    for i in range(1, node.ctx):
        total = total + (x - 0.5 * i).digamma()
    return grad * total


def _incomplete(name, kernel, grad_name, sign, input, other, out):
    for arg, pos, value in (('input', 1, input), ('other', 2, other)):
        need_tensor(value, name, arg, pos)
    xa, xb = operands(input, other, name)
    if xa.dtype not in FLOATING:
        raise not_implemented_for(f'{name}_cpu', xa.dtype)
    res = wrap(broadcast_call(name, kernel, xa, xb, silent=True))
    if out is not None:
        return write_out(out, res, (input, other), name)
    return record(res, grad_name, _incomplete_backward, (input, other), (input, other),
                  ctx=(name, sign))


@quiet_backward
def _incomplete_backward(node, grad):
    a, x = node.saved()
    name, sign = node.ctx
    if node.next[0] is not None:
        raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
    density = ((a - 1) * x.log() - x - a.lgamma()).exp()
    return None, grad * (density if sign > 0 else -density)


def igamma(input, other, *, out=None):
    """Regularized lower incomplete gamma function P(input, other).

    >>> ember.igamma(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 3.0]))
    tensor([0.6321, 0.8009])
    """
    return _incomplete('igamma', K.igamma, 'IgammaBackward0', 1, input, other, out)


def igammac(input, other, *, out=None):
    """Regularized upper incomplete gamma function Q(input, other) = 1 - P(input, other).

    >>> ember.igammac(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 3.0]))
    tensor([0.3679, 0.1991])
    """
    return _incomplete('igammac', K.igammac, 'IgammacBackward0', -1, input, other, out)


def zeta(input, other, *, out=None):
    """Hurwitz zeta function sum_k (other + k)^-input (``ember.special.zeta``).

    Either argument may be a number.

    >>> ember.special.zeta(2.0, ember.tensor([1.0, 2.0]))
    tensor([1.6449, 0.6449])
    """
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        need_tensor(input, 'special_zeta', 'self', 1)
    xa, xb = same_dtype_arrays(*float_operands(*operands(input, other, 'special_zeta')))
    res = wrap(broadcast_call('special_zeta', K.zeta, xa, xb, silent=True))
    if out is not None:
        return write_out(out, res, (input, other), 'special_zeta')
    if not isinstance(input, Tensor):
        return record(res, 'SpecialZetaBackward1', _zeta_backward, (input, other),
                      (input, other))
    if not isinstance(other, Tensor):
        return record(res, 'SpecialZetaBackward2', _zeta_backward, (input, other),
                      (input, other))
    return record(res, 'SpecialZetaBackward0', _zeta_backward, (input, other), (input, other))


@quiet_backward
def _zeta_backward(node, grad):
    s, q = node.saved()
    if node.next[0] is not None:
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")
    return None, grad * -s * zeta(s + 1.0, q)


def _polygamma_method(self, n):
    return polygamma(n, self)


def _mvlgamma_method(self, p):
    return mvlgamma(self, p)


def _igamma_method(self, other):
    return igamma(self, other)


def _igammac_method(self, other):
    return igammac(self, other)


for _f, _name in ((_polygamma_method, 'polygamma'), (_mvlgamma_method, 'mvlgamma'),
                  (_igamma_method, 'igamma'), (_igammac_method, 'igammac')):
    _f.__name__ = _name
    _given, _args, _printed = INPLACE_EXAMPLES[_name + '_']     # same values, out of place
    _f.__doc__ = (f'``Tensor.{_name}``: see ``ember.{_name}``.\n\n'
                  f'    >>> ember.tensor({_given}).{_name}({_args})\n    {_printed}\n    ')
METHODS = {
    'polygamma': _polygamma_method, 'mvlgamma': _mvlgamma_method,
    'igamma': _igamma_method, 'igammac': _igammac_method,
    'polygamma_': inplace_method(_polygamma_method, 'polygamma_'),
    'mvlgamma_': inplace_method(_mvlgamma_method, 'mvlgamma_'),
    'igamma_': inplace_method(_igamma_method, 'igamma_'),
    'igammac_': inplace_method(_igammac_method, 'igammac_'),
}
del _f, _name
