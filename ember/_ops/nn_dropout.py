"""Dropout as functions: dropout, dropout1d/2d/3d (whole channels), alpha_dropout and
feature_alpha_dropout (for SELU networks), their in-place forms and ``native_dropout``.

The masks are PyTorch's, bit for bit after ``manual_seed``: one Bernoulli draw per element
(per channel for the feature variants) from the default generator, as ``bernoulli_(1 - p)``
(see ``ember._distributions.dropout_mask``). The output is ``input * noise`` (MulBackward0),
plus a shift for the alpha variants (AddBackward0), so gradients of any order follow.
Outside training, or with ``p == 0``, the input itself is returned and nothing is drawn.

>>> _ = ember.manual_seed(0)
>>> ember.nn.functional.dropout(ember.ones(4), p=0.5)
tensor([0., 0., 2., 0.])
"""
import math
import warnings

from ._base import Tensor, wrap, record, xp_of, np
from ._elementwise import not_a_tensor
from .._distributions import dropout_mask, bernoulli_scalar
from .. import random as _random
from ._random import _perm
from .._dtype import FLOATING

__all__ = ['dropout', 'dropout_', 'alpha_dropout', 'alpha_dropout_', 'feature_dropout',
           'feature_dropout_', 'feature_alpha_dropout', 'feature_alpha_dropout_',
           'native_dropout']
METHODS = {}
FUNCTIONAL = ['dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'alpha_dropout',
              'feature_alpha_dropout']

_ALPHA = 1.7580993408473766     # -SELU's negative saturation: scale * alpha


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f'dropout probability has to be between 0 and 1, but got {p} '
                         '(p is the probability of zeroing an element, e.g. 0.1 or 0.5)')


def _on_device(arr, like):
    return arr if like.__class__ is np.ndarray else xp_of(like).asarray(arr)


def _apply(input, p, train, feature, alpha, inplace, name):
    """PyTorch's ``_dropout_impl``: the common body of every dropout variant."""
    if not isinstance(input, Tensor):
        raise not_a_tensor(input, name)
    x = input._data
    if p == 0 or not train or x.size == 0:
        return input
    dt = x.dtype
    if x.dtype not in FLOATING:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f'{_tname(dt)} ({name} needs a floating point input: use '
                           'input.float())')
    if feature:
        if x.ndim < 2:
            raise RuntimeError('Feature dropout requires at least 2 dimensions in the input '
                               f'(got shape {list(x.shape)}; it drops whole channels of an '
                               '(N, C, ...) input)')
        shape = x.shape[:2] + (1,) * (x.ndim - 2)
    else:
        shape = x.shape
    order = None if feature else _fill_order(x)
    if order is not None:           # PyTorch draws into empty_like(input): memory order
        shape = tuple(shape[d] for d in order)
    if p == 1:
        noise = np.zeros((), dt)
        shift = None
        order = None
    elif alpha:
        keep = bernoulli_scalar(_random.default_generator, shape, 1 - p, dt)
        a = 1. / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
        # PyTorch: b = (noise - 1) * (alpha * a) + alpha * a * p; noise *= a (scalars in dtype)
        shift = (keep - dt.type(1)) * dt.type(_ALPHA * a) + dt.type(_ALPHA * a * p)
        keep *= dt.type(a)
        noise = keep
    else:
        noise = dropout_mask(_random.default_generator, shape, p, dt)
        shift = None
    if order is not None:
        back = np.argsort(order)
        noise = noise.transpose(back)
        if shift is not None:
            shift = shift.transpose(back)
    noise_t = wrap(_on_device(noise, x))
    if inplace:
        out = input.mul_(noise_t)
        if shift is not None:
            out = out.add_(wrap(_on_device(shift, x)))
        return out
    out = input * noise_t
    if shift is not None:
        out = out + wrap(_on_device(shift, x))
    return out


def _fill_order(x):
    """None for C order; else the axis order (slowest first) that ``torch.empty_like(input)``
    keeps (the input's dimension order, dense or not) and ``bernoulli_`` fills in."""
    if x.ndim < 2 or x.flags.c_contiguous:
        return None
    order = _perm(x)[::-1]
    return None if order == list(range(x.ndim)) else order


def _tname(dt):
    from ._elementwise import tname
    return tname(dt)


def _train(training, train):
    return training if train is None else train


def dropout(input, p=0.5, training=True, inplace=False, *, train=None):
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)``.

    ``F.dropout(input, p=0.5, training=True, inplace=False)``; PyTorch's top-level
    ``torch.dropout(input, p, train)`` is the same call (``train`` may be given by name).

    >>> _ = ember.manual_seed(0)
    >>> ember.dropout(ember.ones(4), 0.5, True)
    tensor([0., 0., 2., 0.])
    """
    _check_p(p)
    return _apply(input, p, _train(training, train), False, False, inplace, 'dropout')


def dropout_(input, p, train):
    """In-place :func:`dropout` (``torch.dropout_(input, p, train)``).

    >>> x = ember.ones(3); ember.dropout_(x, 0., True) is x
    True
    """
    _check_p(p)
    return _apply(input, p, train, False, False, True, 'dropout_')


def alpha_dropout(input, p=0.5, training=False, inplace=False, *, train=None):
    """Dropout that keeps SELU's zero mean and unit variance: dropped elements become
    the negative saturation value, then everything is scaled and shifted. Note
    ``training=False`` by default, as in PyTorch.

    >>> ember.nn.functional.alpha_dropout(ember.ones(2))
    tensor([1., 1.])
    """
    _check_p(p)
    return _apply(input, p, _train(training, train), False, True, inplace, 'alpha_dropout')


def alpha_dropout_(input, p, train):
    """In-place :func:`alpha_dropout` (``torch.alpha_dropout_(input, p, train)``).

    >>> x = ember.ones(3); ember.alpha_dropout_(x, 0.5, False) is x
    True
    """
    _check_p(p)
    return _apply(input, p, train, False, True, True, 'alpha_dropout_')


def feature_dropout(input, p, train):
    """Dropout of whole channels of an ``(N, C, ...)`` input (``torch.feature_dropout``).

    >>> ember.feature_dropout(ember.ones(1, 2, 2), 0.5, False)
    tensor([[[1., 1.],
             [1., 1.]]])
    """
    _check_p(p)
    return _apply(input, p, train, True, False, False, 'feature_dropout')


def feature_dropout_(input, p, train):
    """In-place :func:`feature_dropout`.

    >>> x = ember.ones(1, 2, 2); ember.feature_dropout_(x, 0.5, False) is x
    True
    """
    _check_p(p)
    return _apply(input, p, train, True, False, True, 'feature_dropout_')


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False, *, train=None):
    """:func:`alpha_dropout` of whole channels of an ``(N, C, ...)`` input.

    >>> ember.nn.functional.feature_alpha_dropout(ember.ones(1, 2, 1))
    tensor([[[1.],
             [1.]]])
    """
    _check_p(p)
    return _apply(input, p, _train(training, train), True, True, inplace,
                  'feature_alpha_dropout')


def feature_alpha_dropout_(input, p, train):
    """In-place :func:`feature_alpha_dropout`.

    >>> x = ember.ones(1, 2, 2); ember.feature_alpha_dropout_(x, 0.5, False) is x
    True
    """
    _check_p(p)
    return _apply(input, p, train, True, True, True, 'feature_alpha_dropout_')


def _channel_dropout(input, p, training, inplace, batched_dims, name):
    """dropout1d / dropout3d: add a batch dim to unbatched input, drop channels."""
    _check_p(p)
    if not isinstance(input, Tensor):
        raise not_a_tensor(input, name)
    is_batched = input.dim() == batched_dims
    if not is_batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    res = _apply(input, p, training, True, False, inplace, name)
    if not is_batched:
        res = res.squeeze_(0) if inplace else res.squeeze(0)
    return res


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a ``(N, C, L)`` or ``(C, L)`` input with probability ``p``.

    >>> ember.nn.functional.dropout1d(ember.ones(2, 3), training=False).shape
    torch.Size([2, 3])
    """
    _check_p(p)
    nd = input.dim()
    if nd not in (2, 3):
        raise RuntimeError(
            f'dropout1d: Expected 2D or 3D input, but received a {nd}D input. Note that '
            'dropout1d exists to provide channel-wise dropout on inputs with 1 spatial '
            'dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D '
            f'inputs). (got shape {list(input.shape)})')
    return _channel_dropout(input, p, training, inplace, 3, 'dropout1d')


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a ``(N, C, H, W)`` input with probability ``p``. A 3D input
    is taken as ``(N, C, L)`` (with a warning), as in PyTorch.

    >>> ember.nn.functional.dropout2d(ember.ones(1, 2, 2, 2), training=False).shape
    torch.Size([1, 2, 2, 2])
    """
    _check_p(p)
    nd = input.dim()
    if nd not in (3, 4):
        warnings.warn(
            f'dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will '
            'result in an error in a future release. To retain the behavior and silence this '
            'warning, please use dropout instead. Note that dropout2d exists to provide '
            'channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, '
            'and an optional batch dimension (i.e. 3D or 4D inputs).', stacklevel=2)
    if nd == 3:
        warnings.warn(
            'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D '
            'dropout behavior is desired - input is interpreted as shape (N, C, L), where C is '
            'the channel dim. This behavior will change in a future release to interpret the '
            'input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D '
            'channel-wise dropout behavior, please switch to using dropout1d instead.',
            stacklevel=2)
    return _apply(input, p, training, True, False, inplace, 'dropout2d')


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    >>> ember.nn.functional.dropout3d(ember.ones(2, 1, 1, 1), training=False).shape
    torch.Size([2, 1, 1, 1])
    """
    _check_p(p)
    nd = input.dim()
    if nd not in (4, 5):
        warnings.warn(
            f'dropout3d: Received a {nd}-D input to dropout3d, which is deprecated and will '
            'result in an error in a future release. To retain the behavior and silence this '
            'warning, please use dropout instead. Note that dropout3d exists to provide '
            'channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, '
            'and an optional batch dimension (i.e. 4D or 5D inputs).', stacklevel=2)
    return _channel_dropout(input, p, training, inplace, 5, 'dropout3d')


def native_dropout(input, p, train):
    """``(output, mask)``: PyTorch's ``native_dropout``, ``input * mask * (1/(1-p))`` with a
    boolean keep-mask (NativeDropoutBackward0).

    >>> _ = ember.manual_seed(0)
    >>> ember.native_dropout(ember.ones(4), 0.5, True)[1]
    tensor([False, False,  True, False])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor(input, 'native_dropout')
    x = input._data
    xp = xp_of(x)
    if x.size == 0:
        return input, wrap(xp.empty_like(x))
    if train is None or train:
        q = 1. - p
        scale = 0. if q == 0 else 1. / q
        keep = bernoulli_scalar(_random.default_generator, x.shape, q, x.dtype)
        keep = _on_device(keep, x)
        factor = keep * x.dtype.type(scale)
        out = wrap((x * keep) * x.dtype.type(scale))
        mask = wrap(keep != 0)
        record(out, 'NativeDropoutBackward0', _native_dropout_backward, (input,),
               ctx=factor)
        return out, mask
    out = wrap(x.copy())
    record(out, 'NativeDropoutBackward0', _native_dropout_backward, (input,),
           ctx=xp.ones((), x.dtype))
    return out, wrap(xp.ones(x.shape, bool))


def _native_dropout_backward(node, grad):
    return grad * wrap(node.ctx)
