"""Statistics over all elements or ``dim``: var, std, var_mean, std_mean (``correction=1``,
Bessel's, by default), the vector/matrix ``norm`` and ``logsumexp``.

>>> ember.tensor([[1., 2.], [3., 5.]]).std(dim=1)
tensor([0.7071, 1.4142])
"""
import math
import warnings

from ._base import Tensor, wrap, record, record_multi, STATE, np, xp_of, default_float
from ._reduce_helpers import _axes, _write, _unsq, expand_reduced, _fill0
from .._dtype import FLOATING

__all__ = ['std', 'var', 'std_mean', 'var_mean', 'norm', 'logsumexp']


# ---- std / var / std_mean / var_mean ----------------------------------------------------------
def _var_args(input, dim, unbiased, correction, op):
    x = input._data
    if x.dtype not in FLOATING:
        raise RuntimeError(f'{op} only support floating point and complex dtypes'
                           if op.endswith('_mean') else
                           'std and var only support floating point and complex dtypes')
    if isinstance(dim, bool):               # var(input, unbiased)
        if unbiased is not None:
            raise TypeError(f'{op}() received an invalid combination of arguments')
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f'{op}() received an invalid combination of arguments - got both '
                        f'unbiased= and correction=; use only correction= (unbiased=False is '
                        f'correction=0)')
    if correction is None:
        correction = 0 if unbiased is False else 1
    axes = None if dim is None else _axes(x, dim, op)
    n = x.size if axes is None else math.prod(x.shape[a] for a in axes)
    return x, axes, n, correction


def _var_forward(x, axes, n, correction, keepdim, op):
    xp = xp_of(x)
    dof = n - correction
    if dof <= 0:
        warnings.warn(f'{op}(): degrees of freedom is <= 0. Correction should be strictly less '
                      'than the reduction factor (input numel divided by output numel).',
                      UserWarning, stacklevel=4)
    with np.errstate(all='ignore'):        # inf - inf, an overflowing square
        m = x.mean(axis=axes, keepdims=True)
        d = x - m
        v = (d * d).sum(axis=axes, keepdims=keepdim) / max(dof, 0)
        if not keepdim:
            m = m.reshape(v.shape)
    return xp.asarray(v, dtype=x.dtype), xp.asarray(m, dtype=x.dtype)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over all elements or ``dim``; ``correction=1`` (Bessel) by default.

    >>> ember.var(ember.tensor([1., 2., 3., 4.]))
    tensor(1.6667)
    """
    x, axes, n, c = _var_args(input, dim, unbiased, correction, 'var')
    v, _ = _var_forward(x, axes, n, c, keepdim, 'var')
    res = wrap(v)
    if out is not None:
        return _write(out, res)
    return record(res, 'VarBackward0', _var_backward, (input,), (input,),
                  ctx=(axes, keepdim, n - c))


def _var_grad(grad, x, axes, keepdim, dof):
    g = _unsq(grad, axes, keepdim, x._data.ndim)
    scale = 2.0 / dof if dof else math.inf
    return g * scale * (x - x.mean(axes if axes is not None else None, keepdim=True)
                        if x._data.ndim else x - x)


def _var_backward(node, grad):
    (x,) = node.saved()
    axes, keepdim, dof = node.ctx
    return _var_grad(grad, x, axes, keepdim, dof)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation over all elements or ``dim``; ``correction=1`` by default.

    >>> ember.std(ember.tensor([1., 2., 3., 4.]))
    tensor(1.2910)
    """
    x, axes, n, c = _var_args(input, dim, unbiased, correction, 'std')
    v, _ = _var_forward(x, axes, n, c, keepdim, 'std')
    res = wrap(xp_of(v).sqrt(v))
    if out is not None:
        return _write(out, res)
    return record(res, 'StdBackward0', _std_backward, (input,), (input,),
                  ctx=(axes, keepdim, n - c), save_output=True)


def _std_grad(grad, x, result, axes, keepdim, dof):
    with np.errstate(invalid='ignore', divide='ignore'):
        gv = _fill0(grad / (result * 2), result._data == 0)
    return _var_grad(gv, x, axes, keepdim, dof)


def _std_backward(node, grad):
    x, result = node.saved()
    axes, keepdim, dof = node.ctx
    return _std_grad(grad, x, result, axes, keepdim, dof)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` in one pass.

    >>> ember.var_mean(ember.tensor([1., 2., 3., 4.]))
    (tensor(1.6667), tensor(2.5000))
    """
    return _stat_mean(input, dim, unbiased, keepdim, correction, 'var_mean')


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` in one pass.

    >>> ember.std_mean(ember.tensor([1., 2., 3., 4.]))
    (tensor(1.2910), tensor(2.5000))
    """
    return _stat_mean(input, dim, unbiased, keepdim, correction, 'std_mean')


def _stat_mean(input, dim, unbiased, keepdim, correction, op):
    x, axes, n, c = _var_args(input, dim, unbiased, correction, op)
    v, m = _var_forward(x, axes, n, c, keepdim, op)
    first = wrap(xp_of(v).sqrt(v) if op == 'std_mean' else v)
    second = wrap(m)
    if STATE.enabled and input._rg:
        record_multi((first, second), 'StdMeanBackward0' if op == 'std_mean' else
                     'VarMeanBackward0', _stat_mean_backward, (input,),
                     (input, first.detach()), ctx=(axes, keepdim, n - c, n, op))
    return first, second


def _stat_mean_backward(node, g_stat, g_mean):
    x, result = node.saved()
    axes, keepdim, dof, n, op = node.ctx
    if STATE.enabled and op == 'std_mean':      # create_graph: the std must stay differentiable
        result = std(x, axes, keepdim=keepdim, correction=n - dof)
    total = None
    if g_stat is not None:
        total = (_std_grad(g_stat, x, result, axes, keepdim, dof) if op == 'std_mean' else
                 _var_grad(g_stat, x, axes, keepdim, dof))
    if g_mean is not None:
        gm = expand_reduced(g_mean, x._data.shape, axes, keepdim) / (n if n else math.nan)
        total = gm if total is None else total + gm
    return total


# ---- norm / logsumexp ---------------------------------------------------------------------
def norm(input, p='fro', dim=None, keepdim=False, out=None, dtype=None):
    """Vector p-norm (``p`` a number, ``inf``, ``-inf``, 0 or ``'fro'``) over all elements or
    ``dim``; ``'nuc'`` is the nuclear norm of matrices. Computed by ``ember.linalg``'s
    vector_norm / matrix_norm, as PyTorch does.

    >>> ember.norm(ember.tensor([3., 4.]))
    tensor(5.)
    """
    from ._linalg_norms import vector_norm, matrix_norm
    if isinstance(p, Tensor):
        p = p.item()
    if isinstance(dim, int) and not isinstance(dim, bool):
        dims = (dim,)
    elif dim is None:
        dims = None
    else:
        dims = tuple(dim)
    if p == 'fro' and (dims is None or len(dims) <= 2):
        res = vector_norm(input, 2.0, dims, keepdim, dtype=dtype)
    elif isinstance(p, str):
        res = matrix_norm(input, p, dims if dims is not None else (-2, -1), keepdim, dtype=dtype)
    else:
        res = vector_norm(input, 2.0 if p is None else p, dims, keepdim, dtype=dtype)
    return res if out is None else _write(out, res)


def logsumexp(input, dim, keepdim=False, *, out=None):
    """``log(sum(exp(input), dim))`` computed stably; the gradient is ``softmax``.

    >>> ember.logsumexp(ember.tensor([0., 0.]), dim=0)
    tensor(0.6931)
    """
    x = input._data
    if x.dtype not in FLOATING:
        x = x.astype(default_float())
    axes = _axes(x, dim, 'logsumexp')
    xp = xp_of(x)
    with np.errstate(all='ignore'):
        if x.size == 0:
            r = xp.log(xp.exp(x).sum(axis=axes, keepdims=keepdim))
        else:
            m = x.max(axis=axes, keepdims=True)
            m = xp.where(xp.isinf(m), m.dtype.type(0), m)
            r = xp.log(xp.exp(x - m).sum(axis=axes, keepdims=True)) + m
            if not keepdim:
                r = r.reshape([n for a, n in enumerate(x.shape)
                               if not (axes is None or a in axes)])
    res = wrap(xp.asarray(r, dtype=x.dtype))
    if out is not None:
        return _write(out, res)
    return record(res, 'LogsumexpBackward0', _logsumexp_backward, (input,), (input,),
                  ctx=(axes, keepdim), save_output=True)


def _logsumexp_backward(node, grad):
    x, result = node.saved()
    axes, keepdim = node.ctx
    ndim = x._data.ndim
    return _unsq(grad, axes, keepdim, ndim) * (x - _unsq(result, axes, keepdim, ndim)).exp()




METHODS = {name: globals()[name] for name in __all__}
