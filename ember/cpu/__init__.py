"""The CPU device module (``torch.cpu``): always available, one device.

>>> ember.cpu.is_available(), ember.cpu.device_count()
(True, 1)
"""
from . import amp

__all__ = ['is_available', 'device_count', 'current_device', 'synchronize', 'amp']


def is_available():
    """Always True: ember always computes on the CPU.

    >>> ember.cpu.is_available()
    True
    """
    return True


def device_count():
    """1: PyTorch counts the CPU as one device.

    >>> ember.cpu.device_count()
    1
    """
    return 1


def current_device():
    """``'cpu'``, as PyTorch.

    >>> ember.cpu.current_device()
    'cpu'
    """
    return 'cpu'


def synchronize(device=None):
    """Nothing to wait for: CPU work is synchronous.

    >>> ember.cpu.synchronize()
    """
