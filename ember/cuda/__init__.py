"""GPU support through CuPy (optional extra ``cuda``).

>>> device = 'cuda' if ember.cuda.is_available() else 'cpu'
>>> ember.ones(2, device=device).sum().item()
2.0
"""


def is_available():
    """True when CuPy is installed and sees at least one NVIDIA GPU.

    >>> ember.cuda.is_available() == (ember.cuda.device_count() > 0)
    True
    """
    try:
        from .._device import cupy_module
        cupy_module()
        return True
    except RuntimeError:
        return False


def device_count():
    """Number of visible GPUs (0 without CuPy).

    >>> isinstance(ember.cuda.device_count(), int)
    True
    """
    if not is_available():
        return 0
    from .._device import cupy_module
    return cupy_module().cuda.runtime.getDeviceCount()


def current_device():
    """Index of the selected GPU (needs CuPy).

    >>> ember.cuda.current_device() if ember.cuda.is_available() else 0
    0
    """
    from .._device import cupy_module
    return cupy_module().cuda.Device().id


def get_device_name(device=None):
    """The GPU's name (needs CuPy); ``device``: its index, default 0.

    >>> name = ember.cuda.get_device_name() if ember.cuda.is_available() else ""
    >>> isinstance(name, str)
    True
    """
    from .._device import cupy_module
    cp = cupy_module()
    return cp.cuda.runtime.getDeviceProperties(0 if device is None else int(device))['name'].decode()


def synchronize(device=None):
    """Wait for all queued GPU work to finish (nothing to do without a GPU).

    >>> ember.cuda.synchronize()
    """
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
    """Hand CuPy's cached, unused GPU memory back to the driver.

    >>> ember.cuda.empty_cache()
    """
    if is_available():
        from .._device import cupy_module
        cupy_module().get_default_memory_pool().free_all_blocks()


def is_bf16_supported():
    """Whether the GPU computes in bfloat16: ember reports False.

    >>> ember.cuda.is_bf16_supported()
    False
    """
    return False


from . import amp  # noqa: E402
