"""Devices and their array backends: NumPy on ``cpu``, CuPy on ``cuda``.

>>> ember.device('cpu')
device(type='cpu')
"""
import numpy as np

__all__ = ['device']


class device:
    """Where a tensor lives, as ``torch.device``: ``device('cpu')``, ``device('cuda', 0)``.

    >>> str(ember.device('cuda:1'))
    'cuda:1'
    """
    __slots__ = ('type', 'index')

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            type, index = 'cuda', type
        elif ':' in type:
            type, _, idx = type.partition(':')
            if not idx.isdigit():
                raise RuntimeError(f'Invalid device string: {type}:{idx!r}')
            index = int(idx)
        if type not in ('cpu', 'cuda', 'meta'):
            raise RuntimeError(f"Expected one of cpu, cuda, meta device type at start of device "
                               f"string: {type}")
        self.type, self.index = type, index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f'{self.type}:{self.index}'

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


CPU = device('cpu')
CUDA0 = device('cuda', 0)


def _raise_malloc_thresholds():
    """Let glibc's malloc keep freed memory instead of returning it to the OS at once.

    Layers allocate and free buffers of a few hundred KB on every call. With glibc's initial
    thresholds (mmap above 128 KB, heap trimmed above 128 KB free) each call then maps fresh
    pages and faults them in, which doubles the time of a small LSTM. glibc raises both
    thresholds by itself the first time a large mapped block is freed; freeing one untouched
    16 MB block at import (one mmap/munmap, no page touched) does that up front. Importing
    PyTorch has the same effect, so without this, benchmarks run next to PyTorch would
    flatter ember. Harmless with other allocators.
    """
    block = np.empty(16 << 20, dtype=np.uint8)
    del block


_raise_malloc_thresholds()
_cupy = []


def cupy_module():
    """Import CuPy or explain how to get it (the ``cuda`` extra)."""
    if not _cupy:
        try:
            import cupy
        except ImportError:
            raise RuntimeError(
                "CUDA is not available: ember runs on the GPU through CuPy, which is not "
                "installed. Install it with `pip install ember[cuda]` (or `pip install "
                "cupy-cuda12x`) on a machine with an NVIDIA GPU, or keep the tensor on 'cpu'.") from None
        try:
            if cupy.cuda.runtime.getDeviceCount() < 1:
                raise RuntimeError
        except Exception:
            raise RuntimeError("CUDA is not available: CuPy is installed but found no usable "
                               "NVIDIA GPU. Keep the tensor on 'cpu'.") from None
        _cupy.append(cupy)
    return _cupy[0]


def to_device(d):
    """Normalise a device argument (str, int, device or None) to a device object."""
    if d is None or d.__class__ is device:
        return d
    return device(d)


def backend(dev):
    """The array module for a device: numpy for cpu, cupy for cuda."""
    if dev is None or dev.type == 'cpu':
        return np
    if dev.type == 'cuda':
        return cupy_module()
    raise RuntimeError(f'unsupported device {dev}')


def array_device(arr):
    """The device an array lives on."""
    if arr.__class__ is np.ndarray:
        return CPU
    idx = getattr(getattr(arr, 'device', None), 'id', 0)
    return CUDA0 if idx == 0 else device('cuda', idx)


def xp_of(arr):
    """The array module (numpy or cupy) that owns ``arr``."""
    return np if arr.__class__ is np.ndarray else cupy_module()


def move(arr, dev):
    """Copy ``arr`` to device ``dev`` (no copy if it is already there)."""
    if dev.type == 'cpu':
        return arr if arr.__class__ is np.ndarray else arr.get()
    cp = cupy_module()
    with cp.cuda.Device(dev.index or 0):
        return cp.asarray(arr)
