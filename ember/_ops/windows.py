"""Window functions for signal processing: bartlett, blackman, hamming, hann and kaiser
(``periodic=True`` gives the window for spectral analysis: one of ``N + 1`` points dropped).

>>> ember.hann_window(4)
tensor([0.0000, 0.5000, 1.0000, 0.5000])
"""
import math

import numpy as np

from .creation import _float_dtype, _result

__all__ = ['bartlett_window', 'blackman_window', 'hamming_window', 'hann_window',
           'kaiser_window']


def _window(name, window_length, periodic, dtype, device, requires_grad, shape):
    """``shape(n, m)`` evaluated at n = 0..length-1 with m the symmetric length - 1."""
    dt = _float_dtype(dtype)
    if not dt.is_floating_point:
        raise RuntimeError(f'{name} expects floating point dtypes, got: {dt}')
    if window_length < 0:
        raise RuntimeError(f'{name} requires non-negative window_length, got '
                           f'window_length={window_length}')
    if window_length <= 1:
        arr = np.ones(window_length, dt.np)
    else:
        m = window_length if periodic else window_length - 1
        arr = shape(np.arange(window_length, dtype=np.float64), m).astype(dt.np)
    return _result(arr, None, device, requires_grad)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    requires_grad=False):
    """Triangular window ``1 - |2n / (N - 1) - 1|``.

    >>> ember.bartlett_window(5, periodic=False)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _window('bartlett_window', window_length, periodic, dtype, device, requires_grad,
                   lambda n, m: 1 - np.abs(2 * n / m - 1))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    requires_grad=False):
    """Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``.

    >>> ember.blackman_window(5, periodic=False)[1:4]
    tensor([0.3400, 1.0000, 0.3400])
    """
    return _window('blackman_window', window_length, periodic, dtype, device, requires_grad,
                   lambda n, m: 0.42 - 0.5 * np.cos(2 * math.pi * n / m)
                   + 0.08 * np.cos(4 * math.pi * n / m))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, requires_grad=False):
    """Generalised Hamming window ``alpha - beta cos(2 pi n / (N - 1))``.

    >>> ember.hamming_window(3, periodic=False)
    tensor([0.0800, 1.0000, 0.0800])
    """
    return _window('hamming_window', window_length, periodic, dtype, device, requires_grad,
                   lambda n, m: alpha - beta * np.cos(2 * math.pi * n / m))


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                requires_grad=False):
    """Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))``.

    >>> ember.hann_window(3, periodic=False)
    tensor([0., 1., 0.])
    """
    return _window('hann_window', window_length, periodic, dtype, device, requires_grad,
                   lambda n, m: 0.5 - 0.5 * np.cos(2 * math.pi * n / m))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, requires_grad=False):
    """Kaiser window ``I0(beta sqrt(1 - (2n / (N - 1) - 1)^2)) / I0(beta)``.

    >>> ember.kaiser_window(3, periodic=False, beta=0.)
    tensor([1., 1., 1.])
    """
    return _window('kaiser_window', window_length, periodic, dtype, device, requires_grad,
                   lambda n, m: np.i0(beta * np.sqrt(np.clip(1 - (2 * n / m - 1) ** 2, 0, None)))
                   / np.i0(beta))


METHODS = {}
