"""Random tensor factories: rand, randn, randint, randperm and rand_like, randn_like,
randint_like.

Every value comes from an :class:`ember.random.Generator` (the default one, or the
``generator=`` argument) through the kernels of :mod:`ember._distributions`, so after
``manual_seed`` the numbers are PyTorch's, bit for bit (``shared/spec/rng.md``). ``*_like``
results keep the input's memory layout (``empty_like``'s preserve_format). The in-place fills
live in :mod:`.random_inplace`; normal, bernoulli, multinomial and poisson in
:mod:`.random_distributions`.

>>> _ = ember.manual_seed(0); ember.rand(2)
tensor([0.4963, 0.7682])
"""
from ._base import bump_version, np
from ._random import (_tname, _not_implemented, _gen, _shape, _int_shape, _int_arg, _store,
                      _empty_like, _check_out, _resize_out, _float_samples)
from .creation import _finish
from .random_inplace import uniform_, normal_, random_
from .. import _dtype as D
from .. import _distributions as K
from .._dtype import FLOATING

__all__ = ['rand', 'randn', 'randint', 'randperm', 'rand_like', 'randn_like', 'randint_like']


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False, **kwargs):
    """Uniform samples from [0, 1) with the given shape (default dtype float32).

    >>> _ = ember.manual_seed(0); ember.rand(2, 2)
    tensor([[0.4963, 0.7682],
            [0.0885, 0.1320]])
    """
    return _float_samples('rand', _shape('rand', size, kwargs), K.uniform, uniform_,
                          'check_uniform_bounds', (), generator, out, dtype, device,
                          requires_grad)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, **kwargs):
    """Standard normal samples with the given shape (default dtype float32).

    >>> _ = ember.manual_seed(0); ember.randn(3)
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    return _float_samples('randn', _shape('randn', size, kwargs), K.normal, normal_,
                          'normal_kernel_cpu', (), generator, out, dtype, device, requires_grad)


def _randint_args(name, args, low, high, size):
    """(low, high, size) from randint's overloads: (high, size) and (low, high, size)."""
    args = list(args)
    if size is None:
        if not args:
            raise TypeError(f"{name}() missing required argument 'size' (e.g. {name}(10, (3,)))")
        size = args.pop()
    if len(args) == 2:
        if low is not None or high is not None:
            raise TypeError(f'{name}() got multiple values for low/high')
        low, high = args
    elif len(args) == 1:
        if high is not None:
            if low is not None:
                raise TypeError(f'{name}() got multiple values for low/high')
            low = args[0]
        else:
            high = args[0]
    elif args:
        raise TypeError(f'{name}() takes at most 3 positional arguments (low, high, size)')
    if high is None:
        raise TypeError(f"{name}() missing required argument 'high'")
    low = 0 if low is None else _int_arg(name, 'low', 1, low)
    high = _int_arg(name, 'high', 2 if low else 1, high)
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{name}(): argument 'size' must be a tuple of ints, not "
                        f'{type(size).__name__} (write {name}({low}, {high}, ({size},)) for a '
                        '1-d result)')
    return low, high, _int_shape(name, size)


def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None,
            layout=None, device=None, requires_grad=False, pin_memory=False):
    """Integers drawn uniformly from [low, high): ``randint(high, size)`` or
    ``randint(low, high, size)``; dtype int64 unless given.

    >>> _ = ember.manual_seed(0); ember.randint(0, 10, (5,))
    tensor([4, 9, 3, 0, 3])
    """
    low, high, shape = _randint_args('randint', args, low, high, size)
    if out is not None:
        _check_out(out, 'randint', dtype)
        _resize_out(out, shape)
        return random_(out, low, high, generator=generator)
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    arr = K.randint(_gen(generator), shape, dt.np, low, high)
    return _finish(arr, device=device, requires_grad=requires_grad)


def _randperm_limit(n, dt):
    if dt.np.kind == 'b':
        raise _not_implemented('randperm', dt.np)
    if dt.is_floating_point:
        digits = K._float_digits(dt.np)
        if n > (1 << digits) + 1:
            raise RuntimeError(f'n cannot be greater than {(1 << digits) + 1} for '
                               f'{_tname(dt.np)} type.')
    elif n > 0 and n - 1 > int(np.iinfo(dt.np).max):
        raise RuntimeError(f'value cannot be converted to type {dt.np.name}_t without overflow')


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """A random permutation of 0..n-1 (int64 unless ``dtype`` is given).

    >>> _ = ember.manual_seed(0); ember.randperm(5)
    tensor([4, 0, 1, 3, 2])
    """
    n = _int_arg('randperm', 'n', 1, n)
    if n < 0:
        raise RuntimeError(f'Trying to create tensor with negative dimension {n}: [{n}]')
    if out is not None:
        _check_out(out, 'randperm', dtype)
        dt = D._BY_NP[out._data.dtype]
    else:
        dt = D.int64 if dtype is None else D.to_dtype(dtype)
    _randperm_limit(n, dt)
    arr = K.randperm(_gen(generator), n, dt.np)
    if out is not None:
        _resize_out(out, (n,))
        _store(out._data, None, arr)
        bump_version(out)
        return out
    return _finish(arr, device=device, requires_grad=requires_grad)


# ---------------------------------------------------------------- *_like
def _like_dtype(input, dtype):
    return input._data.dtype if dtype is None else D.to_dtype(dtype).np


def _like_finish(input, buf, device, requires_grad):
    if device is None and input._data.__class__ is not np.ndarray:
        device = input.device
    return _finish(buf, device=device, requires_grad=requires_grad)


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None):
    """Uniform [0, 1) samples shaped like ``input`` (its dtype, device and layout).

    >>> _ = ember.manual_seed(0); ember.rand_like(ember.zeros(2))
    tensor([0.4963, 0.7682])
    """
    npdt = _like_dtype(input, dtype)
    if npdt not in FLOATING:
        raise _not_implemented('check_uniform_bounds', npdt)
    buf, order = _empty_like(input._data, npdt, memory_format)
    _store(buf, order, K.uniform(_gen(generator), (buf.size,), npdt))
    return _like_finish(input, buf, device, requires_grad)


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None):
    """Standard normal samples shaped like ``input`` (its dtype, device and layout).

    >>> _ = ember.manual_seed(0); ember.randn_like(ember.zeros(3))
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    npdt = _like_dtype(input, dtype)
    if npdt not in FLOATING:
        raise _not_implemented('normal_kernel_cpu', npdt)
    buf, order = _empty_like(input._data, npdt, memory_format)
    vals = K.normal(_gen(generator), (buf.size,), npdt,
                    contiguous=bool(buf.flags.c_contiguous))
    _store(buf, order, vals)
    return _like_finish(input, buf, device, requires_grad)


def randint_like(input, *args, low=None, high=None, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None):
    """Integers from [low, high) shaped like ``input`` (its dtype unless ``dtype``):
    ``randint_like(x, high)`` or ``randint_like(x, low, high)``.

    >>> _ = ember.manual_seed(0); ember.randint_like(ember.zeros(3), 10)
    tensor([4., 9., 3.])
    """
    low, high, _ = _randint_args('randint_like', args, low, high, ())
    npdt = _like_dtype(input, dtype)
    buf, order = _empty_like(input._data, npdt, memory_format)
    _store(buf, order, K.randint(_gen(generator), (buf.size,), npdt, low, high))
    return _like_finish(input, buf, device, requires_grad)
