"""GPU support through CuPy (optional extra ``cuda``).

>>> ember.cuda.is_available()
False
"""


def is_available():
    """True when CuPy is installed and sees at least one NVIDIA GPU."""
    try:
        from .._device import cupy_module
        cupy_module()
        return True
    except RuntimeError:
        return False


def device_count():
    """Number of visible GPUs (0 without CuPy)."""
    if not is_available():
        return 0
    from .._device import cupy_module
    return cupy_module().cuda.runtime.getDeviceCount()


def current_device():
    from .._device import cupy_module
    return cupy_module().cuda.Device().id


def get_device_name(device=None):
    from .._device import cupy_module
    cp = cupy_module()
    return cp.cuda.runtime.getDeviceProperties(0 if device is None else int(device))['name'].decode()


def synchronize(device=None):
    if is_available():
        from .._device import cupy_module
        cupy_module().cuda.Device().synchronize()


def manual_seed(seed):
    """Accepted for compatibility; changes nothing. ember draws GPU random numbers on the
    host from the CPU generator, which PyTorch's ``cuda.manual_seed`` leaves alone, so
    seeding it here would change the CPU stream that ``ember.manual_seed`` set.

    >>> ember.cuda.manual_seed(0)
    """


manual_seed_all = manual_seed


def empty_cache():
    if is_available():
        from .._device import cupy_module
        cupy_module().get_default_memory_pool().free_all_blocks()


def is_bf16_supported():
    return False


from . import amp  # noqa: E402
