"""Oracle entries: window functions and index generation (ember/_ops/windows.py,
index_generation.py)."""
import numpy as np

from .harness import Op, Sample, arr

FLOATS = ('float32', 'float64')


def _window_call(name, **kw):
    def call(lib, n, periodic, dtype_name):
        return getattr(lib, name)(n, periodic, dtype=getattr(lib, dtype_name), **kw)
    return call


def _window_samples(rng, dtype):
    return [Sample((n, periodic, dtype), desc=f'{n}-{periodic}')
            for n in (0, 1, 2, 7, 16) for periodic in (True, False)]


def _triangle_samples(rng, dtype):
    return [Sample((r, c, o), {'dtype': dtype}, desc=f'{r}x{c}{o:+d}')
            for r, c, o in ((3, 3, 0), (3, 5, 1), (5, 2, -2), (0, 3, 0), (4, 4, -9))]


def _triangle_call(name):
    def call(lib, r, c, o, dtype):
        return getattr(lib, name)(r, c, o, dtype=getattr(lib, dtype))
    return call


def _unravel_samples(rng, dtype):
    return [Sample((rng.integers(0, 24, size=(3, 4)).astype(dtype), (2, 3, 4)), desc='3d'),
            Sample((np.array(7, dtype), (8,)), desc='0d'),
            Sample((np.array([-1, 5], dtype), (2, 3)), desc='negative')]


def _vander_samples(rng, dtype):
    a = lambda n: arr(rng, (n,), dtype)
    return [Sample((a(4),), desc='default'),
            Sample((a(3),), {'N': 5}, desc='wide'),
            Sample((a(3),), {'N': 2, 'increasing': True}, desc='increasing'),
            Sample((a(3),), {'N': 0}, desc='N0'),
            Sample((a(0),), desc='empty')]


OPS = [
    Op('bartlett_window', _window_samples, call=_window_call('bartlett_window'),
       differentiable=False),
    Op('blackman_window', _window_samples, call=_window_call('blackman_window'),
       differentiable=False),
    Op('hamming_window', _window_samples, call=_window_call('hamming_window'),
       differentiable=False),
    Op('hamming_window_alpha_beta', _window_samples, differentiable=False,
       call=lambda lib, n, p, d: lib.hamming_window(n, p, 0.6, 0.35, dtype=getattr(lib, d))),
    Op('hann_window', _window_samples, call=_window_call('hann_window'), differentiable=False),
    Op('kaiser_window', _window_samples, call=_window_call('kaiser_window'),
       differentiable=False),
    Op('kaiser_window_beta', _window_samples, call=_window_call('kaiser_window', beta=4.5),
       differentiable=False),
    Op('tril_indices', _triangle_samples, call=_triangle_call('tril_indices'),
       dtypes=('int64', 'int32'), differentiable=False),
    Op('triu_indices', _triangle_samples, call=_triangle_call('triu_indices'),
       dtypes=('int64', 'int32'), differentiable=False),
    Op('unravel_index', _unravel_samples, dtypes=('int64', 'int32'), differentiable=False),
    # torch 2.13's own vander backward fails (its cumprod_ modifies a saved tensor), so there
    # is no torch gradient to compare with: forward only.
    Op('vander', _vander_samples, dtypes=FLOATS + ('int64', 'int32', 'bool'),
       differentiable=False),
]
