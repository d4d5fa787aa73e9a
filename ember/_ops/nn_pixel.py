"""Rearranging ops of ``torch.nn.functional``: ``pixel_shuffle``/``pixel_unshuffle`` (channels
to and from space, for sub-pixel convolution) and ``channel_shuffle`` (ShuffleNet).

Each is one reshape/transpose copy; its backward is the inverse rearrangement.

This module also exports ``torch.adaptive_max_pool1d``, whose top-level form always returns
``(values, indices)`` while ``F.adaptive_max_pool1d`` returns the values only: ember's
top-level names come from ``__all__`` and the functional ones from ``FUNCTIONAL``, so the two
spellings must live in different modules.

>>> ember.pixel_shuffle(ember.arange(4.).reshape(1, 4, 1, 1), 2)
tensor([[[[0., 1.],
          [2., 3.]]]])
"""
from ._base import Tensor, wrap, record, STATE, xp_of
from .nn_pooling import adaptive_max_pool1d_with_indices as adaptive_max_pool1d

__all__ = ['pixel_shuffle', 'pixel_unshuffle', 'channel_shuffle', 'native_channel_shuffle',
           'adaptive_max_pool1d']
METHODS = {}
FUNCTIONAL = ['pixel_shuffle', 'pixel_unshuffle', 'channel_shuffle', 'native_channel_shuffle']


def _factor(value, op, what):
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            import numpy as np
            if isinstance(value, np.integer):
                return int(value)
        except ImportError:      # pragma: no cover
            pass
        raise TypeError(f"{op}(): argument '{what}' (position 2) must be int, not "
                        f'{type(value).__name__}')
    return value


def _shuffle_array(x, r):
    lead = x.shape[:-3]
    c, h, w = x.shape[-3:]
    oc = c // (r * r)
    n = len(lead)
    y = x.reshape(lead + (oc, r, r, h, w))
    perm = tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2)
    return xp_of(x).ascontiguousarray(y.transpose(perm)).reshape(lead + (oc, h * r, w * r))


def _unshuffle_array(x, r):
    lead = x.shape[:-3]
    c, h, w = x.shape[-3:]
    n = len(lead)
    y = x.reshape(lead + (c, h // r, r, w // r, r))
    perm = tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3)
    return xp_of(x).ascontiguousarray(y.transpose(perm)).reshape(
        lead + (c * r * r, h // r, w // r))


def pixel_shuffle(input, upscale_factor):
    """(*, C * r**2, H, W) -> (*, C, H * r, W * r): each group of r**2 channels becomes an
    r x r block of pixels.

    >>> ember.pixel_shuffle(ember.zeros(1, 8, 2, 3), 2).shape
    torch.Size([1, 2, 4, 6])
    """
    r = _factor(upscale_factor, 'pixel_shuffle', 'upscale_factor')
    x = input._data
    if x.ndim < 3:
        raise RuntimeError(f'pixel_shuffle expects input to have at least 3 dimensions, but got '
                           f'input with {x.ndim} dimension(s)')
    if r <= 0:
        raise RuntimeError(f'pixel_shuffle expects a positive upscale_factor, but got {r}')
    c = x.shape[-3]
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f'divisible by the square of upscale_factor, but input.size(-3)={c} is '
                           f'not divisible by {r * r} (the input has {c} channels; use '
                           f'{r * r}*k channels, e.g. a conv with out_channels=C*{r * r})')
    out = wrap(_shuffle_array(x, r))
    if input._rg and STATE.enabled:
        record(out, 'PixelShuffleBackward0', _pixel_shuffle_backward, (input,), ctx=r)
    return out


def _pixel_shuffle_backward(node, grad):
    return pixel_unshuffle(grad, node.ctx)


def pixel_unshuffle(input, downscale_factor):
    """Inverse of :func:`pixel_shuffle`: (*, C, H * r, W * r) -> (*, C * r**2, H, W).

    >>> ember.pixel_unshuffle(ember.zeros(1, 2, 4, 6), 2).shape
    torch.Size([1, 8, 2, 3])
    """
    r = _factor(downscale_factor, 'pixel_unshuffle', 'downscale_factor')
    x = input._data
    if x.ndim < 3:
        raise RuntimeError(f'pixel_unshuffle expects input to have at least 3 dimensions, but '
                           f'got input with {x.ndim} dimension(s)')
    if r <= 0:
        raise RuntimeError(f'pixel_unshuffle expects a positive downscale_factor, but got {r}')
    h, w = x.shape[-2:]
    if h % r:
        raise RuntimeError(f'pixel_unshuffle expects height to be divisible by downscale_factor, '
                           f'but input.size(-2)={h} is not divisible by {r}')
    if w % r:
        raise RuntimeError(f'pixel_unshuffle expects width to be divisible by downscale_factor, '
                           f'but input.size(-1)={w} is not divisible by {r}')
    out = wrap(_unshuffle_array(x, r))
    if input._rg and STATE.enabled:
        record(out, 'PixelUnshuffleBackward0', _pixel_unshuffle_backward, (input,), ctx=r)
    return out


def _pixel_unshuffle_backward(node, grad):
    return pixel_shuffle(grad, node.ctx)


def _channel_shuffle_array(x, g):
    n, c = x.shape[:2]
    rest = x.shape[2:]
    y = x.reshape((n, g, c // g) + rest).swapaxes(1, 2)
    return xp_of(x).ascontiguousarray(y).reshape(x.shape)


def _check_channel_shuffle(input, groups):
    groups = _factor(groups, 'channel_shuffle', 'groups')
    x = input._data
    if x.ndim <= 2:
        raise RuntimeError(f'channel_shuffle expects input with > 2 dims, but got input with '
                           f'sizes {list(x.shape)}')
    if groups <= 0:
        raise RuntimeError(f'Number of groups to divide channels in must be positive. Value of '
                           f'groups:{groups}')
    c = x.shape[1]
    if c % groups:
        raise RuntimeError(f'Number of channels must be divisible by groups. Got {c} channels and '
                           f'{groups} groups.')
    return x, groups


def channel_shuffle(input, groups):
    """Interleave the channels of (N, C, *) in ``groups``: channel ``g * (C // groups) + i``
    moves to ``i * groups + g`` (ShuffleNet).

    >>> ember.channel_shuffle(ember.arange(4.).reshape(1, 4, 1), 2).flatten()
    tensor([0., 2., 1., 3.])
    """
    x, g = _check_channel_shuffle(input, groups)
    out = wrap(_channel_shuffle_array(x, g))
    if input._rg and STATE.enabled:
        record(out, 'ChannelShuffleBackward0', _channel_shuffle_backward, (input,),
               ctx=(g, x.shape[1]))
    return out


def _channel_shuffle_backward(node, grad):
    g, c = node.ctx
    return channel_shuffle(grad, c // g)


def native_channel_shuffle(input, groups):
    """:func:`channel_shuffle` without a derivative (as PyTorch's native kernel).

    >>> ember.native_channel_shuffle(ember.arange(4.).reshape(1, 4, 1), 2).flatten()
    tensor([0., 2., 1., 3.])
    """
    x, g = _check_channel_shuffle(input, groups)
    out = wrap(_channel_shuffle_array(x, g))
    if input._rg and STATE.enabled:
        record(out, 'torch::autograd::NotImplemented', _not_implemented, (input,))
    return out


def _not_implemented(node, grad):
    raise RuntimeError('derivative for aten::native_channel_shuffle is not implemented (use '
                       'channel_shuffle, which has one)')


del Tensor
