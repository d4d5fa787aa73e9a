"""Sampling from distributions given by tensors: normal (tensor or number mean/std),
bernoulli, multinomial and poisson.

>>> _ = ember.manual_seed(0); ember.bernoulli(ember.full((4,), 0.5))
tensor([1., 0., 1., 1.])
"""
from ._base import Tensor, wrap, record, xp_of, bump_version, np
from ._random import (_tname, _not_implemented, _gen, _int_shape, _int_arg, _host, _like_device,
                      _fill_order, _store, _empty_like, _check_out, _resize_out, _float_samples,
                      _zeros_backward)
from .random_inplace import normal_, bernoulli_
from .. import _dtype as D
from .. import _distributions as K
from .._dtype import FLOATING

__all__ = ['normal', 'bernoulli', 'multinomial', 'poisson']


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False, pin_memory=False):
    """Normal samples: ``normal(mean_t, std_t)``, ``normal(mean_t, std=1.0)``,
    ``normal(mean, std_t)`` (elementwise, broadcast) or ``normal(mean, std, size)``.

    >>> _ = ember.manual_seed(0); ember.normal(2.0, 3.0, (2,))
    tensor([6.6230, 1.1197])
    """
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (mt or st):
        if size is None:
            raise TypeError('normal() received an invalid combination of arguments - got '
                            '(float, float): give a size, normal(mean, std, size), or tensors '
                            'for mean/std')
        return _float_samples('normal', _int_shape('normal', size), K.normal, normal_,
                              'normal_kernel_cpu', (mean, std), generator, out, dtype, device,
                              requires_grad)
    if size is not None or dtype is not None or device is not None or requires_grad:
        raise TypeError('normal() with tensor mean/std takes no size, dtype, device or '
                        'requires_grad (the result has the broadcast shape of mean and std, '
                        'and their dtype)')
    return _normal_tensors(mean, std, mt, st, _gen(generator), out)


def _normal_tensors(mean, std, mt, st, gen, out):
    base = mean if mt else std
    like = base._data
    if st:
        sarr = std._data
        if sarr.size and not bool((sarr >= 0).all()):
            raise RuntimeError('normal expects all elements of std >= 0.0')
    elif not std >= 0:
        raise RuntimeError(f'normal expects std >= 0.0, but found std {std:g}')
    if mt and st:
        try:
            shape = np.broadcast_shapes(mean._data.shape, std._data.shape)
        except ValueError:
            raise RuntimeError(_mismatch(mean._data.shape, std._data.shape)) from None
    else:
        shape = like.shape
    if out is not None:
        _check_out(out, 'normal')
        _resize_out(out, shape)
        target = out
    else:
        target = wrap(_like_device(np.empty(shape, like.dtype), like))
    arr = target._data
    if arr.dtype not in FLOATING:
        raise _not_implemented('normal_kernel_cpu', arr.dtype)
    order = _fill_order(arr, 'normal')
    draw = K.normal(gen, (arr.size,), arr.dtype, 0.0, std if not st else 1.0,
                    contiguous=bool(arr.flags.c_contiguous))
    noise = np.empty(shape, arr.dtype)
    _store(noise, order, draw)
    xp = xp_of(arr)
    noise = _like_device(noise, arr)
    if st:        # out.mul_(std): computed in the promoted dtype, rounded to out's dtype
        work = D.result_type(target, std).np
        noise = xp.multiply(noise, std._data, dtype=work).astype(arr.dtype, copy=False)
        m = mean._data if mt else xp.asarray(np.asarray(mean).astype(arr.dtype))
    else:
        m = mean._data
    work = D.result_type(target, mean).np if mt else arr.dtype
    arr[...] = xp.add(noise, m, dtype=work).astype(arr.dtype, copy=False)
    if out is not None:
        bump_version(out)
        return out
    name = 'NormalBackward3' if mt and st else ('NormalBackward1' if mt else 'NormalBackward2')
    inputs = (mean, std) if mt and st else ((mean,) if mt else (std,))
    return record(target, name, _zeros_backward, inputs)


def _mismatch(a, b):
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            return (f'The size of tensor a ({x}) must match the size of tensor b ({y}) at '
                    f'non-singleton dimension {max(len(a), len(b)) - i}')
    return f'shapes {list(a)} and {list(b)} are not broadcastable'


def _no_derivative(node, grad):
    raise RuntimeError('derivative for aten::bernoulli is not implemented (bernoulli(input, p) '
                       'with a float p has no gradient; use bernoulli(probs) for a zero '
                       'gradient, or detach the input)')


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 samples: 1 with probability ``input[i]`` (or with the number ``p`` for every
    element of a tensor shaped like ``input``). The result has ``input``'s dtype.

    >>> _ = ember.manual_seed(0); ember.bernoulli(ember.full((4,), 0.5))
    tensor([1., 0., 1., 1.])
    """
    gen = _gen(generator)
    if p is not None:
        if isinstance(p, Tensor):
            raise TypeError('bernoulli() received an invalid combination of arguments - got '
                            '(Tensor, p=Tensor): p must be a number; for per-element '
                            'probabilities call bernoulli(probs)')
        if out is not None:
            raise TypeError('bernoulli() with a number p takes no out= argument')
        arr = input._data
        vals = K.bernoulli_scalar(gen, arr.shape, p, arr.dtype)
        res = wrap(_like_device(vals, arr))
        return record(res, 'NotImplemented', _no_derivative, (input,))
    parr = _host(input._data)
    if parr.dtype not in FLOATING:
        raise _not_implemented('bernoulli_tensor_cpu_p_', parr.dtype)
    if out is not None:
        _check_out(out, 'bernoulli')
        _resize_out(out, parr.shape)
        return bernoulli_(out, input, generator=generator)
    vals = K.bernoulli_tensor(gen, parr)
    res = wrap(_like_device(vals, input._data))
    return record(res, 'BernoulliBackward0', _zeros_backward, (input,))


def _bernoulli_method(self, p=None, *, generator=None):
    """``Tensor.bernoulli(p=None)``: see :func:`bernoulli`.

    >>> _ = ember.manual_seed(0); ember.tensor([0., 1.]).bernoulli()
    tensor([0., 1.])
    """
    return bernoulli(self, p, generator=generator)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from the categorical distribution(s) given by the rows of ``input``
    (non-negative weights, 1-d or 2-d); int64.

    >>> _ = ember.manual_seed(0); ember.multinomial(ember.tensor([0.1, 0.0, 0.9]), 4, True)
    tensor([2, 2, 2, 2])
    """
    k = _int_arg('multinomial', 'num_samples', 2, num_samples)
    probs = _host(input._data)
    if probs.dtype not in FLOATING:
        raise RuntimeError('multinomial only supports floating-point dtypes for input, got: '
                           f'{_tname(probs.dtype)}')
    gen = _gen(generator)

    def draw_q(dtype):      # at::empty_like(input).exponential_(1): input's memory layout
        q, order = _empty_like(probs, dtype, None)
        _store(q, order, K.exponential(gen, (q.size,), dtype, 1.0))
        return q
    idx = K.multinomial(gen, probs, k, bool(replacement), draw_q=draw_q)
    if out is not None:
        _check_out(out, 'multinomial')
        _resize_out(out, idx.shape)
        _store(out._data, None, idx.astype(out._data.dtype).reshape(-1))
        bump_version(out)
        return out
    return wrap(_like_device(idx, input._data))


def poisson(input, generator=None):
    """Poisson samples with rates ``input`` (float dtypes), PyTorch's algorithm and words.

    >>> _ = ember.manual_seed(0); ember.poisson(ember.tensor([0.5, 4.0, 30.0]))
    tensor([ 2.,  5., 26.])
    """
    rates = _host(input._data)
    if rates.dtype not in FLOATING:
        raise _not_implemented('poisson_cpu', rates.dtype)
    vals = K.poisson(_gen(generator), rates)
    res = wrap(_like_device(vals, input._data))
    return record(res, 'PoissonBackward0', _zeros_backward, (input,))


METHODS = {'bernoulli': _bernoulli_method, 'multinomial': multinomial}
