"""The deprecated per-device spellings ``ember.cuda.amp`` / ``ember.cpu.amp``: subclasses
that warn (FutureWarning, as PyTorch) and pass the device type on.

>>> import warnings
>>> with warnings.catch_warnings(record=True) as w:
...     warnings.simplefilter('always')
...     _ = ember.cpu.amp.GradScaler()
>>> w[0].category.__name__
'FutureWarning'
"""
import functools
import warnings

from .. import _dtype as D
from .autocast_mode import autocast as _autocast, custom_fwd as _custom_fwd
from .autocast_mode import custom_bwd as _custom_bwd
from .grad_scaler import GradScaler as _GradScaler


def _warn(old, new):
    warnings.warn(f'`{old}(args...)` is deprecated. Please use `{new}` instead.', FutureWarning,
                  stacklevel=3)


def device_autocast(device_type, default_dtype):
    """An ``autocast`` subclass fixed to ``device_type`` (``torch.<dev>.amp.autocast``)."""
    class autocast(_autocast):
        __doc__ = (f'Deprecated: ``ember.amp.autocast({device_type!r}, ...)``.\n\n'
                   f'    >>> ember.{device_type}.amp.autocast  # doctest: +ELLIPSIS\n'
                   f"    <class '...autocast'>\n")

        def __init__(self, enabled=True, dtype=default_dtype, cache_enabled=True):
            _warn(f'torch.{device_type}.amp.autocast',
                  f"torch.amp.autocast('{device_type}', args...)")
            super().__init__(device_type, enabled=enabled, dtype=dtype,
                             cache_enabled=cache_enabled)
    autocast.__module__ = f'ember.{device_type}.amp.autocast_mode'
    return autocast


def device_grad_scaler(device_type):
    """A ``GradScaler`` subclass fixed to ``device_type`` (``torch.<dev>.amp.GradScaler``)."""
    class GradScaler(_GradScaler):
        __doc__ = (f'Deprecated: ``ember.amp.GradScaler({device_type!r}, ...)``.\n\n'
                   f'    >>> ember.{device_type}.amp.GradScaler  # doctest: +ELLIPSIS\n'
                   f"    <class '...GradScaler'>\n")

        def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                     growth_interval=2000, enabled=True):
            _warn(f'torch.{device_type}.amp.GradScaler',
                  f"torch.amp.GradScaler('{device_type}', args...)")
            super().__init__(device_type, init_scale=init_scale, growth_factor=growth_factor,
                             backoff_factor=backoff_factor, growth_interval=growth_interval,
                             enabled=enabled)
    GradScaler.__module__ = f'ember.{device_type}.amp.grad_scaler'
    return GradScaler


def cuda_custom_fwd(fwd=None, *, cast_inputs=None):
    """Deprecated: ``ember.amp.custom_fwd(device_type='cuda')``."""
    _warn('torch.cuda.amp.custom_fwd', "torch.amp.custom_fwd(args..., device_type='cuda')")
    return functools.partial(_custom_fwd, device_type='cuda')(fwd=fwd, cast_inputs=cast_inputs)


def cuda_custom_bwd(bwd):
    """Deprecated: ``ember.amp.custom_bwd(device_type='cuda')``."""
    _warn('torch.cuda.amp.custom_bwd', "torch.amp.custom_bwd(args..., device_type='cuda')")
    return functools.partial(_custom_bwd, device_type='cuda')(bwd)


CudaAutocast = device_autocast('cuda', D.float16)
CpuAutocast = device_autocast('cpu', D.bfloat16)
CudaGradScaler = device_grad_scaler('cuda')
CpuGradScaler = device_grad_scaler('cpu')
