"""Argument parsing of ``Module.to`` (device, dtype, tensor, non_blocking, memory_format).

>>> parse_to((ember.float64,), {})
(None, torch.float64)
"""
from ..._tensor import Tensor
from ... import _dtype as D
from ..._device import device as _device

__all__ = ['parse_to']


def parse_to(args, kwargs):
    """Return ``(device or None, dtype or None)`` from ``Module.to``'s arguments."""
    kwargs = dict(kwargs)
    kwargs.pop('non_blocking', None)
    kwargs.pop('memory_format', None)
    device = kwargs.pop('device', None)
    dtype = kwargs.pop('dtype', None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got unexpected "
                        f"keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, bool):
            continue                      # non_blocking given positionally
        elif isinstance(a, (str, int, _device)):
            device = a
        else:
            raise TypeError(f'to() received an invalid combination of arguments - got '
                            f'({type(a).__name__})')
    if dtype is not None and not (dtype.is_floating_point or dtype.is_complex):
        raise TypeError('nn.Module.to only accepts floating point or complex dtypes, but got '
                        f'desired dtype={dtype}')
    if device is not None and not isinstance(device, _device):
        device = _device(device)
    return device, dtype
