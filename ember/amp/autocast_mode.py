"""``autocast``: regions where matmuls and convolutions run in float16/bfloat16 and losses in
float32, plus the state functions ``ember.is_autocast_enabled`` & co. (see ``_ops/_autocast``
for the per-op policy).

>>> with ember.autocast('cpu'):
...     (ember.ones(2, 3) @ ember.ones(3, 2)).dtype
torch.bfloat16
"""
import functools
import warnings

from .. import _dtype as D
from .._ops._autocast import AUTOCAST, clear_cache

__all__ = ['autocast', 'autocast_decorator', 'is_autocast_available', 'custom_fwd',
           'custom_bwd']

# torch accepts every device type it knows; ember computes on cpu and cuda only
_DEVICE_TYPES = ('cpu', 'cuda', 'ipu', 'xpu', 'mkldnn', 'opengl', 'opencl', 'ideep', 'hip',
                 've', 'fpga', 'maia', 'xla', 'lazy', 'vulkan', 'mps', 'meta', 'hpu', 'mtia',
                 'privateuseone')
_SUPPORTED = (D.float16, D.bfloat16)


def _check_device(device_type):
    if device_type not in _DEVICE_TYPES:
        raise RuntimeError(f'Expected one of {", ".join(_DEVICE_TYPES)} device type at start '
                           f'of device string: {device_type}')
    return device_type


def is_autocast_available(device_type):
    """Whether autocast can be used on ``device_type`` (any device type PyTorch knows).

    >>> ember.amp.is_autocast_available('cpu')
    True
    """
    return _check_device(device_type) in _DEVICE_TYPES


def _cuda_unavailable():
    from .. import cuda
    return not cuda.is_available()


def _state_key(device_type):
    return 'cpu' if device_type == 'cpu' else 'cuda'


def is_autocast_enabled(device_type=None):
    """Whether autocast is on for ``device_type`` (no argument: cuda, as PyTorch).

    >>> ember.is_autocast_enabled('cpu')
    False
    """
    return AUTOCAST.enabled.get(_check_device(device_type or 'cuda'), False)


def set_autocast_enabled(device_type, enabled=None):
    """``set_autocast_enabled(device_type, enabled)``, or the legacy ``(enabled)`` for cuda.

    >>> ember.set_autocast_enabled('cpu', False)
    """
    if enabled is None:
        device_type, enabled = 'cuda', device_type
    if not isinstance(enabled, bool):
        raise TypeError(f"set_autocast_enabled(): argument 'enabled' must be bool, not "
                        f'{type(enabled).__name__}')
    _check_device(device_type)
    if device_type in AUTOCAST.enabled:
        AUTOCAST.enabled[device_type] = enabled
        AUTOCAST.refresh()


def get_autocast_dtype(device_type):
    """The dtype autocast uses on ``device_type`` (bfloat16 on cpu, float16 on cuda).

    >>> ember.get_autocast_dtype('cpu')
    torch.bfloat16
    """
    return AUTOCAST.dtype.get(_check_device(device_type), D.float16)


def set_autocast_dtype(device_type, dtype):
    """Set the dtype autocast uses on ``device_type``.

    >>> ember.set_autocast_dtype('cpu', ember.bfloat16)
    """
    _check_device(device_type)
    AUTOCAST.dtype[_state_key(device_type)] = dtype


def _deprecated(old, new):
    warnings.warn(f'torch.{old}() is deprecated. Please use torch.{new} instead.',
                  DeprecationWarning, stacklevel=3)


def get_autocast_cpu_dtype():
    """Deprecated: ``get_autocast_dtype('cpu')``.

    >>> ember.get_autocast_cpu_dtype()
    torch.bfloat16
    """
    _deprecated('get_autocast_cpu_dtype', "get_autocast_dtype('cpu')")
    return AUTOCAST.dtype['cpu']


def get_autocast_gpu_dtype():
    """Deprecated: ``get_autocast_dtype('cuda')``.

    >>> ember.get_autocast_gpu_dtype()
    torch.float16
    """
    _deprecated('get_autocast_gpu_dtype', "get_autocast_dtype('cuda')")
    return AUTOCAST.dtype['cuda']


def is_autocast_cpu_enabled():
    """Deprecated: ``is_autocast_enabled('cpu')``.

    >>> ember.is_autocast_cpu_enabled()
    False
    """
    _deprecated('is_autocast_cpu_enabled', "is_autocast_enabled('cpu')")
    return AUTOCAST.enabled['cpu']


def set_autocast_cpu_enabled(enabled):
    """Deprecated: ``set_autocast_enabled('cpu', enabled)``.

    >>> ember.set_autocast_cpu_enabled(True)
    >>> ember.is_autocast_cpu_enabled()
    True
    >>> ember.set_autocast_cpu_enabled(False)
    """
    _deprecated('set_autocast_cpu_enabled', "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled('cpu', enabled)


def set_autocast_cpu_dtype(dtype):
    """Deprecated: ``set_autocast_dtype('cpu', dtype)``.

    >>> ember.set_autocast_cpu_dtype(ember.float16)
    >>> ember.get_autocast_cpu_dtype()
    torch.float16
    >>> ember.set_autocast_cpu_dtype(ember.bfloat16)
    """
    _deprecated('set_autocast_cpu_dtype', "set_autocast_dtype('cpu', dtype)")
    AUTOCAST.dtype['cpu'] = dtype


def clear_autocast_cache():
    """Drop the casts of weights that autocast keeps while a region is open.

    >>> ember.clear_autocast_cache()
    >>> ember.is_autocast_cache_enabled()
    True
    """
    clear_cache()


def is_autocast_cache_enabled():
    """Whether autocast caches the casts of weights (True unless switched off).

    >>> ember.is_autocast_cache_enabled()
    True
    """
    return AUTOCAST.cache_enabled


def set_autocast_cache_enabled(enabled):
    """Switch autocast's cache of weight casts on or off.

    >>> ember.set_autocast_cache_enabled(False)
    >>> ember.is_autocast_cache_enabled()
    False
    >>> ember.set_autocast_cache_enabled(True)
    """
    AUTOCAST.cache_enabled = bool(enabled)


def autocast_increment_nesting():
    """Count one more open autocast region; returns the new depth.

    >>> ember.autocast_increment_nesting()
    1
    >>> ember.autocast_decrement_nesting()
    0
    """
    AUTOCAST.nesting += 1
    return AUTOCAST.nesting


def autocast_decrement_nesting():
    """Count one region closed; returns the new depth (0: the cast cache may be cleared).

    >>> ember.autocast_increment_nesting()
    1
    >>> ember.autocast_decrement_nesting()
    0
    """
    AUTOCAST.nesting -= 1
    return AUTOCAST.nesting


def _need_bfloat16():
    if not D.HAS_BFLOAT16:
        raise RuntimeError('autocast on cpu computes in bfloat16, which needs the optional '
                           'ml_dtypes package: pip install "ember[bfloat16]" (or pass '
                           'dtype=torch.float16)')


def autocast_decorator(autocast_instance, func):
    @functools.wraps(func)
    def decorate_autocast(*args, **kwargs):
        with autocast_instance:
            return func(*args, **kwargs)
    return decorate_autocast


class autocast:
    """A region (context manager or decorator) where ops run in mixed precision: matmuls,
    linear layers, convolutions and attention in ``dtype`` (bfloat16 on cpu, float16 on cuda
    by default), losses in float32. Gradients still reach float32 parameters in float32.

    >>> lin = ember.nn.Linear(3, 2)
    >>> with ember.autocast('cpu'):
    ...     out = lin(ember.ones(4, 3))
    ...     loss = out.float().pow(2).mean()
    >>> out.dtype, loss.dtype
    (torch.bfloat16, torch.float32)
    >>> with ember.autocast('cpu', enabled=False):
    ...     lin(ember.ones(4, 3)).dtype
    torch.float32
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f'Expected `device_type` of type `str`, got: `{type(device_type)}`')
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(device_type):
            raise RuntimeError('User specified an unsupported autocast device_type '
                               f"'{device_type}'")
        self._cache_enabled = (is_autocast_cache_enabled() if cache_enabled is None
                               else cache_enabled)
        if enabled:
            name = device_type.upper()
            if device_type == 'cuda':
                if _cuda_unavailable():
                    warnings.warn('CUDA is not available or torch_xla is imported. Disabling '
                                  'autocast.', stacklevel=2)
                    enabled = False
                elif self.fast_dtype is D.bfloat16:
                    raise RuntimeError('Current CUDA Device does not support bfloat16. Please '
                                       'switch dtype to float16.')
            elif self.fast_dtype not in _SUPPORTED:
                warnings.warn(f'In {name} autocast, but the target dtype is not supported. '
                              f'Disabling autocast.\n{name} Autocast only supports dtypes of '
                              f'{", ".join(map(repr, _SUPPORTED))} currently.', stacklevel=2)
                enabled = False
            elif device_type not in AUTOCAST.enabled:
                warnings.warn(f'ember computes on cpu and cuda only: autocast on '
                              f"'{device_type}' changes nothing.", stacklevel=2)
        self._enabled = enabled

    def __enter__(self):
        if self._enabled and self.fast_dtype is D.bfloat16:
            _need_bfloat16()
        self.prev_cache_enabled = is_autocast_cache_enabled()
        self.prev = is_autocast_enabled(self.device)
        self.prev_fastdtype = get_autocast_dtype(self.device)
        set_autocast_enabled(self.device, self._enabled)
        set_autocast_dtype(self.device, self.fast_dtype)
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        set_autocast_enabled(self.device, self.prev)
        set_autocast_dtype(self.device, self.prev_fastdtype)
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(
                f'autocast()(func) requires a callable, but got {type(func).__name__}. '
                'Did you mean to use autocast as a context manager? For example:\n'
                '    with torch.autocast(device_type=...):\n'
                '        output = model(input)')
        return autocast_decorator(self, func)


def _cast(value, device_type, dtype):
    """``value`` with its eligible floating tensors (not float64) cast to ``dtype``."""
    from .._tensor import Tensor
    if isinstance(value, Tensor):
        eligible = (value.dtype.is_floating_point and value.device.type == device_type
                    and value.dtype is not D.float64)
        return value.to(dtype) if eligible else value
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, dict):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, device_type, dtype) for v in value)
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for a custom ``autograd.Function.forward``: with ``cast_inputs``, the
    forward runs with autocast off on inputs cast to that dtype (when autocast is on);
    without it, the forward runs under the surrounding autocast state, and
    :func:`custom_bwd` replays that state in backward.

    >>> class Square(ember.autograd.Function):
    ...     @staticmethod
    ...     @custom_fwd(device_type='cpu', cast_inputs=ember.float32)
    ...     def forward(ctx, x):
    ...         return x * x
    >>> with ember.autocast('cpu'):
    ...     Square.apply(ember.ones(2, dtype=ember.bfloat16)).dtype
    torch.float32
    """
    if not isinstance(device_type, str):
        raise ValueError(f'Expected `device_type` of type `str`, got: `{type(device_type)}`')
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            args[0]._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        autocast_context = is_autocast_enabled(device_type)
        args[0]._fwd_used_autocast = False
        if autocast_context:
            with autocast(device_type=device_type, enabled=False):
                return fwd(*_cast(args, device_type, cast_inputs),
                           **_cast(kwargs, device_type, cast_inputs))
        return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for a custom ``autograd.Function.backward``: runs it under the autocast
    state its forward saw (see :func:`custom_fwd`).

    >>> custom_bwd(device_type='cpu')(lambda ctx, g: g) is not None
    True
    """
    if not isinstance(device_type, str):
        raise ValueError(f'Expected `device_type` of type `str`, got: `{type(device_type)}`')
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast,
                      dtype=args[0]._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd
