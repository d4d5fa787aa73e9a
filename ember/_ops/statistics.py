"""Statistics over all elements or ``dim``: var, std, var_mean, std_mean (``correction=1``,
Bessel's, by default), the vector/matrix ``norm`` and ``logsumexp``.

>>> ember.tensor([[1., 2.], [3., 5.]]).std(dim=1)
tensor([0.7071, 1.4142])
"""
import math
import warnings

from ._base import Tensor, wrap, record, record_multi, STATE, np, norm_dim, xp_of, default_float
from .. import _dtype as D
from ._reduce_helpers import (_type_word, _axes, _cast, _write, _unsq, expand_reduced, _fill0,
                              _const)

__all__ = ['std', 'var', 'std_mean', 'var_mean', 'norm', 'logsumexp']


# ---- std / var / std_mean / var_mean ----------------------------------------------------------
def _var_args(input, dim, unbiased, correction, op):
    x = input._data
    if x.dtype.kind != 'f':
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
    with np.errstate(invalid='ignore', divide='ignore'):
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
    ``dim``; ``'nuc'`` is the nuclear norm of matrices.

    >>> ember.norm(ember.tensor([3., 4.]))
    tensor(5.)
    """
    if isinstance(p, Tensor):
        p = p.item()
    if isinstance(dim, int) and not isinstance(dim, bool):
        dims = (dim,)
    elif dim is None:
        dims = None
    else:
        dims = tuple(dim)
    if isinstance(p, str):
        if p == 'fro' and (dims is None or len(dims) <= 2):
            res = _vector_norm(input, 2.0, dims, keepdim, dtype)
        else:
            res = _matrix_norm(input, p, dims, keepdim, dtype)
    else:
        res = _vector_norm(input, 2.0 if p is None else float(p), dims, keepdim, dtype)
    return res if out is None else _write(out, res)


def _vector_norm(input, p, dims, keepdim, dtype):
    x = input._data
    if x.dtype.kind != 'f':
        raise RuntimeError('linalg.vector_norm: Expected a floating point or complex tensor as '
                           f'input. Got {_type_word(x.dtype)} (use .float() first)')
    if dtype is not None:
        dt = D.to_dtype(dtype)
        if np.dtype(dt.np).kind != 'f':
            raise RuntimeError('linalg.vector_norm: dtype should be floating point or complex, '
                               f'but got {_type_word(np.dtype(dt.np))}')
        if np.dtype(dt.np).itemsize < x.dtype.itemsize:
            raise RuntimeError(f'linalg.vector_norm: the dtype of the input '
                               f'({_type_word(x.dtype)}) should be convertible without '
                               f'narrowing to the specified dtype ({_type_word(np.dtype(dt.np))})')
        input = _cast(input, dt)
        x = input._data
    axes = None if dims is None else _axes(x, dims, 'linalg.vector_norm')
    xp = xp_of(x)
    if (math.isinf(p) or p < 0) and x.size == 0 and (
            axes is None or any(x.shape[a] == 0 for a in axes)):
        raise RuntimeError(f'linalg.vector_norm cannot compute the {_fmt_p(p)} norm on an empty '
                           f'tensor because the operation does not have an identity')
    with np.errstate(all='ignore'):
        if p == 2.0:
            r = xp.sqrt((x * x).sum(axis=axes, keepdims=keepdim))
        elif p == 1.0:
            r = xp.abs(x).sum(axis=axes, keepdims=keepdim)
        elif p == math.inf:
            r = xp.abs(x).max(axis=axes, keepdims=keepdim)
        elif p == -math.inf:
            r = xp.abs(x).min(axis=axes, keepdims=keepdim)
        elif p == 0.0:
            r = (x != 0).sum(axis=axes, keepdims=keepdim).astype(x.dtype)
        else:
            r = (xp.abs(x) ** p).sum(axis=axes, keepdims=keepdim) ** (1.0 / p)
    res = wrap(xp.asarray(r, dtype=x.dtype))
    return record(res, 'LinalgVectorNormBackward0', _norm_backward, (input,), (input,),
                  ctx=(p, axes, keepdim), save_output=True)


def _fmt_p(p):
    if math.isinf(p):
        return '-inf' if p < 0 else 'inf'
    return str(int(p)) if p == int(p) else str(p)


def _norm_backward(node, grad):
    x, n = node.saved()
    p, axes, keepdim = node.ctx
    ndim = x._data.ndim
    g = _unsq(grad, axes, keepdim, ndim)
    n = _unsq(n, axes, keepdim, ndim)
    nd = n._data
    if p == 0.0:
        return None
    if p == 1.0:
        return x.sgn() * g
    with np.errstate(all='ignore'):
        if p == 2.0:
            return g * _fill0(x / n, nd == 0)
        if math.isinf(p):
            xa = xp_of(x._data).abs(x._data)
            mask = (xa == nd) | xp_of(xa).isnan(xa)
            scale = mask / mask.sum(axis=axes, keepdims=True)
            return x.sgn() * (g * _const(scale.astype(x._data.dtype)))
        if p < 1.0:
            scaled = x.sgn() * _fill0(x.abs() ** (p - 1), x._data == 0)
            return scaled * g * n ** (1 - p)
        if p < 2.0:
            scaled = x.sgn() * x.abs() ** (p - 1)
        else:
            scaled = x * x.abs() ** (p - 2)
        return scaled * _fill0(g / n ** (p - 1), nd == 0)


def _matrix_norm(input, p, dims, keepdim, dtype):
    x = input._data
    if p not in ('fro', 'nuc'):
        raise RuntimeError(f'linalg.matrix_norm: Order {p} not supported.')
    if x.ndim < 2:
        raise RuntimeError('linalg.matrix_norm: The input tensor A must have at least 2 '
                           'dimensions.')
    if dims is None:
        dims = tuple(range(x.ndim))
    if len(dims) != 2:
        raise RuntimeError('linalg.matrix_norm: dim must be a 2-tuple. Got '
                           + ' '.join(str(d) for d in dims))
    if p == 'fro':
        return _vector_norm(input, 2.0, dims, keepdim, dtype)
    if x.dtype.kind != 'f':
        raise RuntimeError('linalg.matrix_norm: Expected a floating point or complex tensor as '
                           f'input. Got {_type_word(x.dtype)}')
    input = _cast(input, dtype)
    x = input._data
    d0, d1 = (norm_dim(d, x.ndim) for d in dims)
    if d0 == d1:
        raise RuntimeError(f'linalg.matrix_norm: dims must be different. Got ({d0}, {d1})')
    xp = xp_of(x)
    moved = xp.moveaxis(x, (d0, d1), (-2, -1))
    u, s, vh = xp.linalg.svd(moved, full_matrices=False)
    r = s.sum(-1)
    if keepdim:
        r = xp.expand_dims(r, tuple(sorted((d0, d1))))
    res = wrap(xp.asarray(r, dtype=x.dtype))
    uv = xp.moveaxis(u @ vh, (-2, -1), (d0, d1)).astype(x.dtype)
    return record(res, 'SumBackward1', _nuc_backward, (input,),
                  ctx=(uv, tuple(sorted((d0, d1))), keepdim))


def _nuc_backward(node, grad):
    # d||A||_* / dA = U V^H; U V^H is treated as a constant (first derivative only).
    uv, axes, keepdim = node.ctx
    return _unsq(grad, axes, keepdim, uv.ndim) * _const(uv.astype(grad._data.dtype))


def logsumexp(input, dim, keepdim=False, *, out=None):
    """``log(sum(exp(input), dim))`` computed stably; the gradient is ``softmax``.

    >>> ember.logsumexp(ember.tensor([0., 0.]), dim=0)
    tensor(0.6931)
    """
    x = input._data
    if x.dtype.kind != 'f':
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
