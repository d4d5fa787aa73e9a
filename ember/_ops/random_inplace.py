"""In-place random sampling: ``Tensor.uniform_``, ``normal_``, ``random_``, ``exponential_``,
``geometric_``, ``log_normal_``, ``cauchy_`` and ``bernoulli_``.

A fill visits a non-contiguous tensor in memory order, as PyTorch's TensorIterator does, so
after ``manual_seed`` every element gets PyTorch's value (``shared/spec/rng.md``).

>>> _ = ember.manual_seed(0); ember.empty(2).uniform_()
tensor([0.4963, 0.7682])
"""
from ._base import Tensor, record, STATE, check_inplace, bump_version, np, _rebase_view
from ._random import (_tname, _not_implemented, _gen, _int_arg, _host, _fill_order, _store,
                      _zeros_backward)
from .. import _distributions as K
from .._dtype import FLOATING

__all__ = []      # Tensor methods only (METHODS below)


def _not_continuous(distribution, np_dtype):
    """PyTorch's error for exponential_ / cauchy_ on an integer or bool tensor."""
    return RuntimeError(f'{distribution} distribution is a continuous probability distribution. '
                        f'dtype must be a floating point but you specified {_tname(np_dtype)}')


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
            _rebase_view(t, t.grad_fn)
    return t


def _fill(t, name, grad_name, kernel, generator, *params, **kwargs):
    """Fill ``t`` with ``kernel(gen, (numel,), dtype, *params, **kwargs)`` in memory order."""
    arr = t._data
    order = _fill_target(t, name)
    vals = kernel(_gen(generator), (arr.size,), arr.dtype, *params, **kwargs)
    return _finish_fill(t, order, vals, grad_name)


def uniform_(self, *args, generator=None, **kwargs):
    """Fill with uniform samples from ``[from, to)`` (float dtypes).

    >>> _ = ember.manual_seed(0); ember.empty(2).uniform_(-1, 1)
    tensor([-0.0075,  0.5364])
    """
    frm, to = _params('uniform_', args, kwargs, ('from', 'to'), (0.0, 1.0))
    check_inplace(self, 'uniform_')
    if self._data.dtype not in FLOATING:
        raise _not_implemented('check_uniform_bounds', self._data.dtype)
    return _fill(self, 'uniform_', 'UniformBackward0', K.uniform, generator, frm, to)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with normal samples N(mean, std**2) (float dtypes). Contiguous tensors of 16 or
    more elements take PyTorch's vectorised path, others the scalar one (spec 4.2).

    >>> _ = ember.manual_seed(0); ember.empty(3).normal_()
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    check_inplace(self, 'normal_')
    arr = self._data
    if arr.dtype not in FLOATING:
        raise _not_implemented('normal_kernel_cpu', arr.dtype)
    return _fill(self, 'normal_', 'NormalBackward0', K.normal, generator, mean, std,
                 contiguous=bool(arr.flags.c_contiguous))


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
    return _fill(self, 'random_', grad_name, K.random_, generator, low, high)


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with exponential samples of rate ``lambd`` (float dtypes).

    >>> _ = ember.manual_seed(0); ember.empty(2).exponential_()
    tensor([3.5083, 1.2304])
    """
    check_inplace(self, 'exponential_')
    if self._data.dtype not in FLOATING:
        raise _not_continuous('Exponential', self._data.dtype)
    return _fill(self, 'exponential_', 'ExponentialBackward0', K.exponential, generator, lambd)


def geometric_(self, p, *, generator=None):
    """Fill with geometric samples (number of Bernoulli(p) trials up to the first success).

    >>> _ = ember.manual_seed(0); ember.empty(4).geometric_(0.5)
    tensor([1., 1., 2., 1.])
    """
    check_inplace(self, 'geometric_')
    if self._data.dtype.kind == 'b':
        raise _not_implemented('geometric_cpu', self._data.dtype)
    return _fill(self, 'geometric_', 'GeometricBackward0', K.geometric, generator, p)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with log-normal samples ``exp(N(mean, std**2))`` (float dtypes).

    >>> _ = ember.manual_seed(0); ember.empty(2).log_normal_(0, 1)
    tensor([4.6692, 0.7457])
    """
    check_inplace(self, 'log_normal_')
    if self._data.dtype not in FLOATING:
        raise _not_implemented('log_normal_cpu', self._data.dtype)
    return _fill(self, 'log_normal_', 'LogNormalBackward0', K.log_normal, generator, mean, std)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with Cauchy samples ``median + sigma * tan(pi * (u - 1/2))`` (float dtypes).

    >>> _ = ember.manual_seed(0); ember.empty(2).cauchy_()
    tensor([10.5977,  0.7648])
    """
    check_inplace(self, 'cauchy_')
    if self._data.dtype not in FLOATING:
        raise _not_continuous('Cauchy', self._data.dtype)
    return _fill(self, 'cauchy_', 'CauchyBackward0', K.cauchy, generator, median, sigma)


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
    if parr.dtype not in FLOATING:
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


METHODS = {
    'uniform_': uniform_, 'normal_': normal_, 'random_': random_,
    'exponential_': exponential_, 'geometric_': geometric_, 'log_normal_': log_normal_,
    'cauchy_': cauchy_, 'bernoulli_': bernoulli_,
}
