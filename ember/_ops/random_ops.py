"""Random sampling: rand, randn, randint, randperm, normal, bernoulli, multinomial, poisson,
the ``*_like`` factories and the in-place fills (``Tensor.uniform_``, ``normal_``, ``random_``,
``exponential_``, ``bernoulli_``, ``geometric_``, ``log_normal_``, ``cauchy_``).

Every value comes from an :class:`ember.random.Generator` (the default one, or the
``generator=`` argument) through the kernels of :mod:`ember._distributions`, so after
``manual_seed`` the numbers are PyTorch's, bit for bit (``shared/spec/rng.md``). An in-place
fill visits a non-contiguous tensor in memory order, as PyTorch's TensorIterator does, and
``*_like`` results keep the input's memory layout (``empty_like``'s preserve_format).

>>> _ = ember.manual_seed(0); ember.rand(2)
tensor([0.4963, 0.7682])
"""
import operator
import warnings

from ._base import Tensor, wrap, record, STATE, xp_of, check_inplace, bump_version, np
from ._base import _rebase_view
from .creation import _finish
from .. import _dtype as D
from .. import _distributions as K
from .. import random as _random

__all__ = ['rand', 'randn', 'randint', 'randperm', 'normal', 'bernoulli', 'multinomial',
           'poisson', 'rand_like', 'randn_like', 'randint_like']

_TORCH_NAMES = {'bool': 'Bool', 'uint8': 'Byte', 'int8': 'Char', 'int16': 'Short',
                'int32': 'Int', 'int64': 'Long', 'float16': 'Half', 'bfloat16': 'BFloat16',
                'float32': 'Float', 'float64': 'Double'}
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


# ---------------------------------------------------------------- argument helpers
def _tname(np_dtype):
    """PyTorch's scalar-type name ('Long', 'Float', ...) for messages."""
    return _TORCH_NAMES[D._BY_NP[np_dtype].name]


def _not_implemented(kernel, np_dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{_tname(np_dtype)}\'')


def _gen(generator):
    if generator is None:
        return _random.default_generator
    if not isinstance(generator, _random.Generator):
        raise TypeError(f"expected a torch.Generator for argument 'generator', got "
                        f"{type(generator).__name__} (create one with torch.Generator()"
                        '.manual_seed(s))')
    return generator


def _shape(name, size, kwargs):
    """The shape from ``*size`` (ints, or one tuple/list/Size) or a ``size=`` keyword."""
    if kwargs:
        if 'size' not in kwargs or len(kwargs) > 1:
            bad = next(k for k in kwargs if k != 'size')
            raise TypeError(f"{name}() got an unexpected keyword argument '{bad}'")
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (kwargs['size'],)
    if not size:
        raise TypeError(f"{name}() missing the size argument: pass the shape, e.g. "
                        f'{name}(2, 3) or {name}((2, 3))')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return _int_shape(name, size)


def _int_shape(name, size):
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{name}(): argument 'size' must be a tuple of ints, not "
                        f'{type(size).__name__} (e.g. size=(3,))')
    shape = []
    for s in size:
        if s.__class__ is not int:
            try:
                s = operator.index(s)
            except TypeError:
                raise TypeError(f"{name}(): argument 'size' must be a tuple of ints, but found "
                                f'an element of type {type(s).__name__} (sizes are whole '
                                'numbers: use int(...))') from None
        if s < 0:
            raise RuntimeError(f'Trying to create tensor with negative dimension {s}: '
                               f'{[int(v) for v in size]}')
        shape.append(s)
    return tuple(shape)


def _int_arg(name, argname, pos, v):
    """An int64 argument (PyTorch rejects floats and values beyond int64)."""
    if v.__class__ is not int:
        try:
            v = operator.index(v)
        except TypeError:
            raise TypeError(f"{name}(): argument '{argname}' (position {pos}) must be int, not "
                            f'{type(v).__name__}') from None
    if not _INT64_MIN <= v <= _INT64_MAX:
        raise ValueError('Overflow when unpacking long long')
    return v


def _params(name, args, kwargs, names, defaults):
    """Positional and keyword arguments (some named like Python keywords, e.g. 'from')."""
    if len(args) > len(names):
        raise TypeError(f'{name}() takes at most {len(names)} arguments ({len(args)} given)')
    vals = list(args) + list(defaults[len(args):])
    for k, v in kwargs.items():
        if k not in names:
            raise TypeError(f"{name}() got an unexpected keyword argument '{k}'")
        i = names.index(k)
        if i < len(args):
            raise TypeError(f"{name}() got multiple values for argument '{k}'")
        vals[i] = v
    return vals


def _float_dtype(dtype, kernel):
    dt = D._default[0] if dtype is None else D.to_dtype(dtype)
    if not dt.is_floating_point:
        raise _not_implemented(kernel, dt.np)
    return dt


def _host(arr):
    """A NumPy array for ``arr`` (CuPy arrays are copied to the host)."""
    return arr if arr.__class__ is np.ndarray else arr.get()


def _like_device(arr, like):
    """``arr`` (a host array) on the device of the backend array ``like``."""
    if like.__class__ is np.ndarray:
        return arr
    return xp_of(like).asarray(arr)


# ---------------------------------------------------------------- memory order
def _perm(arr):
    """Dimensions from fastest to slowest as TensorIterator orders them (strides ascending;
    equal strides put the smaller size first; zero strides are left where they are)."""
    ndim = arr.ndim
    strides = [abs(s) for s in arr.strides]
    shape = arr.shape
    perm = list(range(ndim - 1, -1, -1))
    for i in range(1, ndim):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            a, b = perm[d0], perm[d1]
            sa, sb = strides[a], strides[b]
            if sa == 0 or sb == 0:
                continue
            if sa > sb or (sa == sb and shape[a] > shape[b]):
                perm[d0], perm[d1] = b, a
                d1 = d0
            elif sa < sb:
                break
    return perm


def _fill_order(arr, name):
    """The axis order whose C order is the order PyTorch writes ``arr`` in (None: plain C
    order). Raises PyTorch's error for outputs that overlap themselves or are read-only."""
    flags = arr.flags
    contiguous = flags.c_contiguous
    if not contiguous:
        for sh, st in zip(arr.shape, arr.strides):
            if st == 0 and sh > 1:
                raise RuntimeError(f'unsupported operation: more than one element of the '
                                   f'written-to tensor refers to a single memory location. '
                                   f'Please clone() the tensor before performing the operation. '
                                   f'(in {name}: the tensor comes from expand() or broadcasting)')
    if not getattr(flags, 'writeable', True):
        raise RuntimeError(f'{name}: the tensor is a read-only view (a read-only NumPy array); '
                           'call .clone() first')
    if contiguous or arr.ndim < 2:
        return None
    order = _perm(arr)[::-1]
    return None if order == list(range(arr.ndim)) else order


def _store(arr, order, vals):
    """Write ``vals`` (in fill order) into ``arr``."""
    if arr.__class__ is not np.ndarray:
        vals = xp_of(arr).asarray(vals)
    view = arr if order is None else arr.transpose(order)
    view[...] = vals.reshape(view.shape)


def _empty_like(arr, np_dtype, memory_format):
    """A host array shaped like ``arr`` with its layout (dimension order) kept, as
    ``torch.empty_like(..., memory_format=torch.preserve_format)``; and its fill order."""
    if arr.ndim < 2 or arr.flags.c_contiguous or not (
            memory_format is None or 'preserve' in str(memory_format)):
        return np.empty(arr.shape, np_dtype), None
    order = _perm(arr)[::-1]
    buf = np.empty([arr.shape[d] for d in order], np_dtype)
    return buf.transpose(np.argsort(order)), order


# ---------------------------------------------------------------- out= and autograd
def _check_out(out, name, dtype=None):
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if dtype is not None:
        want = D.to_dtype(dtype).np
        if want != out._data.dtype:
            raise RuntimeError(f'dtype {_tname(want)} does not match dtype of out parameter '
                               f'({_tname(out._data.dtype)})')
    if out._rg and STATE.enabled:
        raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support "
                           'automatic differentiation, but one of the arguments requires grad.')


def _resize_out(out, shape):
    """PyTorch's resize_output: a differently shaped ``out`` is reallocated (with a warning
    unless it was empty)."""
    arr = out._data
    if arr.shape == tuple(shape):
        return
    if arr.size:
        warnings.warn(f'An output with one or more elements was resized since it had shape '
                      f'{list(arr.shape)}, which does not match the required output shape '
                      f'{list(shape)}. This behavior is deprecated, and in a future PyTorch '
                      'release outputs will not be resized unless they have zero elements. You '
                      'can explicitly reuse an out tensor t by resizing it, inplace, to zero '
                      'elements with t.resize_(0).', UserWarning, stacklevel=4)
    out._data = xp_of(arr).empty(shape, arr.dtype)


def _zeros_backward(node, grad):
    """Random samples do not depend on their parameters: PyTorch's gradient is zero."""
    xp = xp_of(grad._data)
    return tuple(None if m is None else wrap(xp.zeros(m[0], m[1])) for m in node.meta)


def _no_derivative(node, grad):
    raise RuntimeError('derivative for aten::bernoulli is not implemented (bernoulli(input, p) '
                       'with a float p has no gradient; use bernoulli(probs) for a zero '
                       'gradient, or detach the input)')


def _fill_target(t, name, others=()):
    """Checks before an in-place fill draws anything; returns the fill order of ``t``."""
    base = t._base
    if (base is not None and base._rg and base.grad_fn is None and STATE.enabled
            and (t._rg or any(o._rg for o in others))):
        raise RuntimeError('a view of a leaf Variable that requires grad is being used in an '
                           f'in-place operation. (in {name}: fill the parameter under '
                           '`with torch.no_grad():`)')
    return _fill_order(t._data, name)


def _finish_fill(t, order, vals, grad_name, others=()):
    """Store an in-place fill's values, bump the version and move ``t`` onto the graph
    (a view's base then continues through PyTorch's CopySlices)."""
    _store(t._data, order, vals)
    bump_version(t)
    if STATE.enabled and (t._rg or any(o._rg for o in others)):
        record(t, grad_name, _zeros_backward, (t,) + tuple(others))
        if t._base is not None:
            _rebase_view(t, t.grad_fn, 0)
    return t


# ---------------------------------------------------------------- in-place fills
def uniform_(self, *args, generator=None, **kwargs):
    """Fill with uniform samples from ``[from, to)`` (float dtypes).

    >>> _ = ember.manual_seed(0); ember.empty(2).uniform_(-1, 1)
    tensor([-0.0075,  0.5364])
    """
    frm, to = _params('uniform_', args, kwargs, ('from', 'to'), (0.0, 1.0))
    check_inplace(self, 'uniform_')
    arr = self._data
    if arr.dtype.kind != 'f':
        raise _not_implemented('check_uniform_bounds', arr.dtype)
    order = _fill_target(self, 'uniform_')
    vals = K.uniform(_gen(generator), (arr.size,), arr.dtype, frm, to)
    return _finish_fill(self, order, vals, 'UniformBackward0')


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with normal samples N(mean, std**2) (float dtypes). Contiguous tensors of 16 or
    more elements take PyTorch's vectorised path, others the scalar one (spec 4.2).

    >>> _ = ember.manual_seed(0); ember.empty(3).normal_()
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    check_inplace(self, 'normal_')
    arr = self._data
    if arr.dtype.kind != 'f':
        raise _not_implemented('normal_kernel_cpu', arr.dtype)
    order = _fill_target(self, 'normal_')
    vals = K.normal(_gen(generator), (arr.size,), arr.dtype, mean, std,
                    contiguous=bool(arr.flags.c_contiguous))
    return _finish_fill(self, order, vals, 'NormalBackward0')


def random_(self, *args, generator=None, **kwargs):
    """Fill with integers: ``random_()`` over the dtype's range, ``random_(to)`` over
    ``[0, to)``, ``random_(from, to)`` over ``[from, to)`` (``to=None``: up to the max).

    >>> _ = ember.manual_seed(0); ember.empty(3, dtype=ember.int64).random_(10)
    tensor([4, 9, 3])
    """
    n = len(args)
    if n > 2:
        raise TypeError(f'random_() takes at most 2 arguments ({n} given)')
    for k in kwargs:
        if k not in ('from', 'to'):
            raise TypeError(f"random_() got an unexpected keyword argument '{k}'")
    if n == 2 or 'from' in kwargs or (n == 1 and 'to' in kwargs):
        frm, to = _params('random_', args, kwargs, ('from', 'to'), (None, None))
        if frm is None:
            raise TypeError("random_() missing required argument 'from'")
        frm = _int_arg('random_', 'from', 1, frm)
        to = None if to is None else _int_arg('random_', 'to', 2, to)
        low, high, grad_name = frm, to, 'RandomBackward0'
    elif n == 1 or 'to' in kwargs:
        to = args[0] if n else kwargs['to']
        low, high, grad_name = None, _int_arg('random_', 'to', 1, to), 'RandomBackward1'
    else:
        low = high = None
        grad_name = 'RandomBackward2'
    check_inplace(self, 'random_')
    arr = self._data
    order = _fill_target(self, 'random_')
    vals = K.random_(_gen(generator), (arr.size,), arr.dtype, low, high)
    return _finish_fill(self, order, vals, grad_name)


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with exponential samples of rate ``lambd`` (float dtypes).

    >>> _ = ember.manual_seed(0); ember.empty(2).exponential_()
    tensor([3.5083, 1.2304])
    """
    check_inplace(self, 'exponential_')
    arr = self._data
    if arr.dtype.kind != 'f':
        raise RuntimeError('Exponential distribution is a continuous probability distribution. '
                           f'dtype must be a floating point but you specified {_tname(arr.dtype)}')
    order = _fill_target(self, 'exponential_')
    vals = K.exponential(_gen(generator), (arr.size,), arr.dtype, lambd)
    return _finish_fill(self, order, vals, 'ExponentialBackward0')


def geometric_(self, p, *, generator=None):
    """Fill with geometric samples (number of Bernoulli(p) trials up to the first success).

    >>> _ = ember.manual_seed(0); ember.empty(4).geometric_(0.5)
    tensor([1., 1., 2., 1.])
    """
    check_inplace(self, 'geometric_')
    arr = self._data
    if arr.dtype.kind == 'b':
        raise _not_implemented('geometric_cpu', arr.dtype)
    order = _fill_target(self, 'geometric_')
    vals = K.geometric(_gen(generator), (arr.size,), arr.dtype, p)
    return _finish_fill(self, order, vals, 'GeometricBackward0')


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with log-normal samples ``exp(N(mean, std**2))`` (float dtypes).

    >>> _ = ember.manual_seed(0); ember.empty(2).log_normal_(0, 1)
    tensor([4.6692, 0.7457])
    """
    check_inplace(self, 'log_normal_')
    arr = self._data
    if arr.dtype.kind != 'f':
        raise _not_implemented('log_normal_cpu', arr.dtype)
    order = _fill_target(self, 'log_normal_')
    vals = K.log_normal(_gen(generator), (arr.size,), arr.dtype, mean, std)
    return _finish_fill(self, order, vals, 'LogNormalBackward0')


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with Cauchy samples ``median + sigma * tan(pi * (u - 1/2))`` (float dtypes).

    >>> _ = ember.manual_seed(0); ember.empty(2).cauchy_()
    tensor([10.5977,  0.7648])
    """
    check_inplace(self, 'cauchy_')
    arr = self._data
    if arr.dtype.kind != 'f':
        raise RuntimeError('Cauchy distribution is a continuous probability distribution. '
                           f'dtype must be a floating point but you specified {_tname(arr.dtype)}')
    order = _fill_target(self, 'cauchy_')
    vals = K.cauchy(_gen(generator), (arr.size,), arr.dtype, median, sigma)
    return _finish_fill(self, order, vals, 'CauchyBackward0')


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 samples, 1 with probability ``p`` (a number, or a tensor broadcast to
    this tensor's shape). Works for every dtype.

    >>> _ = ember.manual_seed(0); ember.empty(4).bernoulli_(0.5)
    tensor([0., 0., 1., 0.])
    """
    check_inplace(self, 'bernoulli_')
    arr = self._data
    if not isinstance(p, Tensor):
        order = _fill_target(self, 'bernoulli_')
        vals = K.bernoulli_scalar(_gen(generator), (arr.size,), p, arr.dtype)
        return _finish_fill(self, order, vals, 'BernoulliBackward2')
    parr = _host(p._data)
    if parr.dtype.kind != 'f':
        raise _not_implemented('bernoulli_tensor_cpu_p_', parr.dtype)
    try:
        pb = np.broadcast_to(parr, arr.shape)
    except ValueError:
        raise RuntimeError(f'expand: the probabilities p of shape {list(parr.shape)} cannot be '
                           f'expanded to the shape {list(arr.shape)} of the tensor being filled '
                           '(bernoulli_ broadcasts p to self, never the other way)') from None
    order = _fill_target(self, 'bernoulli_', (p,))
    pv = pb if order is None else pb.transpose(order)
    vals = K.bernoulli_tensor(_gen(generator), np.asarray(pv, order='C'), arr.dtype)
    return _finish_fill(self, order, vals.reshape(-1), 'BernoulliBackward1', (p,))


# ---------------------------------------------------------------- factories
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False, **kwargs):
    """Uniform samples from [0, 1) with the given shape (default dtype float32).

    >>> _ = ember.manual_seed(0); ember.rand(2, 2)
    tensor([[0.4963, 0.7682],
            [0.0885, 0.1320]])
    """
    shape = _shape('rand', size, kwargs)
    if out is not None:
        _check_out(out, 'rand', dtype)
        _resize_out(out, shape)
        return uniform_(out, generator=generator)
    dt = _float_dtype(dtype, 'check_uniform_bounds')
    arr = K.uniform(_gen(generator), shape, dt.np)
    return _finish(arr, device=device, requires_grad=requires_grad)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, **kwargs):
    """Standard normal samples with the given shape (default dtype float32).

    >>> _ = ember.manual_seed(0); ember.randn(3)
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    shape = _shape('randn', size, kwargs)
    if out is not None:
        _check_out(out, 'randn', dtype)
        _resize_out(out, shape)
        return normal_(out, generator=generator)
    dt = _float_dtype(dtype, 'normal_kernel_cpu')
    arr = K.normal(_gen(generator), shape, dt.np)
    return _finish(arr, device=device, requires_grad=requires_grad)


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


# ---------------------------------------------------------------- normal
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
        shape = _int_shape('normal', size)
        if out is not None:
            _check_out(out, 'normal', dtype)
            _resize_out(out, shape)
            return normal_(out, mean, std, generator=generator)
        dt = _float_dtype(dtype, 'normal_kernel_cpu')
        arr = K.normal(_gen(generator), shape, dt.np, mean, std)
        return _finish(arr, device=device, requires_grad=requires_grad)
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
    if arr.dtype.kind != 'f':
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


# ---------------------------------------------------------------- bernoulli, multinomial, poisson
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
    if parr.dtype.kind != 'f':
        raise _not_implemented('bernoulli_tensor_cpu_p_', parr.dtype)
    if out is not None:
        _check_out(out, 'bernoulli')
        _resize_out(out, parr.shape)
        return bernoulli_(out, input, generator=generator)
    vals = K.bernoulli_tensor(gen, parr)
    res = wrap(_like_device(vals, input._data))
    return record(res, 'BernoulliBackward0', _zeros_backward, (input,))


def _bernoulli_method(self, p=None, *, generator=None):
    """``Tensor.bernoulli(p=None)``: see :func:`bernoulli`."""
    return bernoulli(self, p, generator=generator)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from the categorical distribution(s) given by the rows of ``input``
    (non-negative weights, 1-d or 2-d); int64.

    >>> _ = ember.manual_seed(0); ember.multinomial(ember.tensor([0.1, 0.0, 0.9]), 4, True)
    tensor([2, 2, 2, 2])
    """
    k = _int_arg('multinomial', 'num_samples', 2, num_samples)
    probs = _host(input._data)
    if probs.dtype.kind != 'f':
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
    if rates.dtype.kind != 'f':
        raise _not_implemented('poisson_cpu', rates.dtype)
    vals = K.poisson(_gen(generator), rates)
    res = wrap(_like_device(vals, input._data))
    return record(res, 'PoissonBackward0', _zeros_backward, (input,))


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
    if npdt.kind != 'f':
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
    if npdt.kind != 'f':
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


METHODS = {
    'uniform_': uniform_, 'normal_': normal_, 'random_': random_,
    'exponential_': exponential_, 'geometric_': geometric_, 'log_normal_': log_normal_,
    'cauchy_': cauchy_, 'bernoulli_': bernoulli_, 'bernoulli': _bernoulli_method,
    'multinomial': multinomial,
}
