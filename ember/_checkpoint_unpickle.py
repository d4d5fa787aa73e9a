"""Reading the pickle of a checkpoint: PyTorch's names mapped to ember's objects.

With ``weights_only`` only tensors, containers and primitive values (and what
``add_safe_globals`` allows) can be named by the pickle; nothing else is imported or called.
Storages come from a ``fetch(key, dtype, numel)`` callable (zip records or a legacy stream)
and are moved by ``map_location`` as in PyTorch.
"""
import _compat_pickle
import collections
import pickle

import numpy as np

from . import _dtype as D
from ._checkpoint_pickle import STORAGE_OF
from ._checkpoint_zip import CheckpointError
from ._device import device as _device
from ._tensor import Size, Tensor, _make


class _StorageType:
    """What ``torch.FloatStorage`` (and friends) become while loading: their element dtype."""
    __slots__ = ('dtype', 'name')

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype


class _LoadedStorage:
    """A storage read from a checkpoint, as ``map_location`` callables receive it."""
    __slots__ = ('array', 'dtype')

    def __init__(self, array, dtype):
        self.array, self.dtype = array, dtype

    @property
    def device(self):
        return _device('cpu') if self.array.__class__ is np.ndarray else _device('cuda')

    def nbytes(self):
        return self.array.nbytes

    def cpu(self):
        return self if self.array.__class__ is np.ndarray else \
            _LoadedStorage(self.array.get(), self.dtype)

    def cuda(self, device=None, non_blocking=False):
        dev = _device('cuda', device) if device is None or isinstance(device, int) else \
            _device(device)
        return _LoadedStorage(_to_device(self.array, dev), self.dtype)

    def to(self, device=None, non_blocking=False):
        return _LoadedStorage(_to_device(self.array, _device(device)), self.dtype)


def _to_device(arr, dev):
    if dev.type == 'cpu':
        return arr if arr.__class__ is np.ndarray else arr.get()
    if dev.type != 'cuda':
        raise RuntimeError(f'ember.load: cannot place tensors on device {dev}')
    from . import cuda
    if not cuda.is_available():
        raise RuntimeError('Attempting to deserialize object on a CUDA device but '
                           'torch.cuda.is_available() is False. If you are running on a CPU-only '
                           'machine, please use torch.load with map_location=torch.device(\'cpu\') '
                           'to map your storages to the CPU.')
    from ._device import cupy_module
    cp = cupy_module()
    with cp.cuda.Device(dev.index or 0):
        return cp.asarray(arr)


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad=False,
                    backward_hooks=None, metadata=None):
    return _tensor_from(storage, storage_offset, size, stride, requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):
    if not isinstance(dtype, D.dtype):
        raise TypeError(f'ember.load: bad tensor dtype {dtype!r} in the checkpoint')
    arr = storage.array
    if arr.nbytes % dtype.itemsize:
        raise CheckpointError('ember.load: a storage does not hold whole elements of '
                              f'{dtype}; the file is corrupt')
    return _tensor_from(_LoadedStorage(arr.view(dtype.np), dtype), storage_offset, size, stride,
                        requires_grad)


def _rebuild_tensor_old(storage, storage_offset, size, stride):
    return _tensor_from(storage, storage_offset, size, stride, False)


def _tensor_from(storage, offset, size, stride, requires_grad):
    if not isinstance(storage, _LoadedStorage):
        raise CheckpointError(f'ember.load: a tensor refers to {type(storage).__name__}, not to '
                              'a storage; the file is corrupt')
    size, stride = _ints(size, 'size'), _ints(stride, 'stride')
    offset = _ints((offset,), 'storage offset')[0]
    arr = storage.array
    if len(size) != len(stride):
        raise CheckpointError(f'ember.load: tensor size {size} and stride {stride} differ in '
                              'length; the file is corrupt')
    numel = 1
    for s in size:
        numel *= s
    if numel:
        last = offset + sum((n - 1) * st for n, st in zip(size, stride))
        if last >= arr.shape[0]:
            raise CheckpointError(f'ember.load: a tensor of size {list(size)} at offset '
                                  f'{offset} with stride {list(stride)} reaches past the end of '
                                  f'its storage of {arr.shape[0]} elements; the file is corrupt')
        view = _strided(arr, offset, size, stride, numel)
    else:
        view = arr[:0].reshape(size)
    t = _make(view)
    if requires_grad:
        if not t.dtype.is_floating_point:
            raise RuntimeError('Only Tensors of floating point dtype can require gradients '
                               f'(got {t.dtype} in the checkpoint)')
        t._rg = True
    return t


def _ints(values, what):
    if not isinstance(values, (tuple, list)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        raise CheckpointError(f'ember.load: bad tensor {what} {values!r}; the file is corrupt')
    return tuple(values)


def _strided(arr, offset, size, stride, numel):
    expect, contiguous = 1, True
    for n, st in zip(reversed(size), reversed(stride)):
        if n != 1 and st != expect:
            contiguous = False
            break
        expect *= n
    if contiguous:
        return arr[offset:offset + numel].reshape(size)
    item = arr.itemsize
    xp_lib = np.lib.stride_tricks if arr.__class__ is np.ndarray else \
        __import__('cupy').lib.stride_tricks
    return xp_lib.as_strided(arr[offset:], size, tuple(s * item for s in stride))


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    from .nn.parameter import Parameter
    if not isinstance(data, Tensor):
        raise CheckpointError(f'ember.load: a Parameter holds {type(data).__name__}, not a tensor')
    p = Parameter(data, requires_grad)
    for k, v in (state or {}).items():
        setattr(p, k, v)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    from .nn.parameter import Parameter
    ret = func(*args)
    if new_type is Parameter and not isinstance(ret, Parameter):
        ret = Parameter(ret, ret.requires_grad)
    if state:
        for k, v in (state.items() if isinstance(state, dict) else ()):
            setattr(ret, k, v)
    return ret


def _unsupported(what):
    def refuse(*args, **kwargs):
        raise NotImplementedError(f'ember.load: the checkpoint contains {what}, which ember does '
                                  'not support; convert them to dense CPU tensors in PyTorch and '
                                  'save again')
    return refuse


def _torch_globals():
    """PyTorch's globals that tensor checkpoints use, mapped to ember's objects."""
    import ember
    from .nn.parameter import Parameter
    g = {'torch._utils._rebuild_tensor_v2': _rebuild_tensor,
         'torch._utils._rebuild_tensor_v3': _rebuild_tensor_v3,
         'torch._utils._rebuild_tensor': _rebuild_tensor_old,
         'torch._utils._rebuild_parameter': _rebuild_parameter,
         'torch._utils._rebuild_parameter_with_state': _rebuild_parameter,
         'torch._tensor._rebuild_from_type_v2': _rebuild_from_type_v2,
         'torch.Tensor': Tensor, 'torch.nn.parameter.Parameter': Parameter,
         'torch.Size': Size, 'torch.device': _device,
         'torch.storage.UntypedStorage': _StorageType('UntypedStorage', D.uint8),
         'collections.OrderedDict': collections.OrderedDict,
         'collections.Counter': collections.Counter,
         'builtins.set': set, 'builtins.complex': complex, 'builtins.bytearray': bytearray,
         '_codecs.encode': _codecs_encode}
    for dt in D.ALL:
        g[f'torch.{dt.name}'] = dt
        g[f'torch.{STORAGE_OF[dt.name]}'] = _StorageType(STORAGE_OF[dt.name], dt)
        legacy = getattr(ember, STORAGE_OF[dt.name].replace('Storage', 'Tensor'), None)
        if legacy is not None:
            g['torch.' + STORAGE_OF[dt.name].replace('Storage', 'Tensor')] = legacy
    for what, names in (('sparse tensors', ('_rebuild_sparse_tensor',)),
                        ('quantized tensors', ('_rebuild_qtensor',)),
                        ('nested tensors', ('_rebuild_nested_tensor',)),
                        ('meta tensors', ('_rebuild_meta_tensor_no_storage',)),
                        ('tensor subclasses', ('_rebuild_wrapper_subclass',)),
                        ('device tensors saved from NumPy',
                         ('_rebuild_device_tensor_from_numpy',
                          '_rebuild_device_tensor_from_cpu_tensor'))):
        for n in names:
            g[f'torch._utils.{n}'] = _unsupported(what)
    g['torch.serialization._get_layout'] = _unsupported('sparse layouts')
    return g


def _codecs_encode(obj, encoding='utf-8', errors='strict'):
    import codecs
    return codecs.encode(obj, encoding, errors)


_TORCH_GLOBALS = None
SAFE_GLOBALS = []


def allowed_globals():
    global _TORCH_GLOBALS
    if _TORCH_GLOBALS is None:
        _TORCH_GLOBALS = _torch_globals()
    return _TORCH_GLOBALS


def _unsupported_dtype_global(full):
    return (full.startswith('torch.') and full.endswith('Storage')) or full in (
        'torch.complex64', 'torch.complex128', 'torch.complex32', 'torch.uint16', 'torch.uint32',
        'torch.uint64', 'torch.float8_e4m3fn', 'torch.float8_e5m2', 'torch.bfloat16')


def safe_global_names():
    out = {}
    for entry in SAFE_GLOBALS:
        if isinstance(entry, tuple):
            obj, name = entry
        else:
            obj, name = entry, f'{entry.__module__}.{entry.__qualname__}'
        out[name] = obj
    return out


def _weights_only_error(full, filename):
    short = full.rsplit('.', 1)[-1]
    return pickle.UnpicklingError(
        f'Weights only load failed: {filename} refers to the global {full}, which '
        'ember.load(weights_only=True) does not load by default (it admits only tensors, '
        'containers and primitive values). Nothing from the file was imported or called. '
        'If you trust the source of this file, either load it with '
        'ember.load(f, weights_only=False) -- this can run arbitrary code from the file -- or '
        f'allow this one global with ember.serialization.add_safe_globals([{short}]) or the '
        f'ember.serialization.safe_globals([{short}]) context manager.')


def python3_name(module, name):
    """Protocol-2 pickles name builtins as Python 2 did (``__builtin__.set``)."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


class Unpickler(pickle.Unpickler):
    """Unpickles ``data.pkl``: PyTorch's names become ember's; storages come from records."""

    def __init__(self, file, name, fetch, restore, weights_only, **kwargs):
        super().__init__(file, **kwargs)
        self._name = name
        self._fetch = fetch           # fetch(key, numpy dtype, numel) -> host array
        self._restore = restore
        self._weights_only = weights_only
        self._storages = {}
        self.arrays = {}              # key -> (host array, array after map_location)

    def find_class(self, module, name):
        module, name = python3_name(module, name)
        full = f'{module}.{name}'
        allowed = allowed_globals().get(full)
        if allowed is not None:
            return allowed
        if _unsupported_dtype_global(full):
            if 'BFloat16' in full or full == 'torch.bfloat16':
                raise NotImplementedError(f'ember.load: {self._name} holds bfloat16 tensors, '
                                          'which need the optional ml_dtypes package: pip '
                                          'install "ember[bfloat16]"')
            raise NotImplementedError(f'ember.load: {self._name} holds tensors of a dtype '
                                      f'ember does not support ({full}); convert them in PyTorch '
                                      '(e.g. .float()) and save again')
        if self._weights_only:
            safe = safe_global_names().get(full)
            if safe is not None:
                return safe
            raise _weights_only_error(full, self._name)
        if module == 'torch' or module.startswith('torch.'):
            raise RuntimeError(f'ember.load: {self._name} pickles the PyTorch object '
                               f'{full}, which ember cannot rebuild. Save plain tensors or a '
                               'state_dict() in PyTorch (torch.save(model.state_dict(), path)) '
                               'and load that with model.load_state_dict(ember.load(path)).')
        return super().find_class(module, name)

    def persistent_load(self, pid):
        # zip files: ('storage', type, key, location, numel); legacy streams add view metadata
        if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == 'storage'
                and isinstance(pid[1], _StorageType) and isinstance(pid[2], str)
                and isinstance(pid[3], str) and isinstance(pid[4], int) and pid[4] >= 0
                and (len(pid) == 5 or pid[5] is None)):
            raise CheckpointError(f'ember.load: {self._name} has a malformed or unsupported '
                                  f'storage reference {pid!r}')
        kind, key, location, numel = pid[1:5]
        storage = self._storages.get(key)
        if storage is None:
            arr = self._fetch(key, np.dtype(kind.dtype.np), numel)
            storage = self._restore(_LoadedStorage(arr, kind.dtype), location)
            self._storages[key] = storage
            self.arrays[key] = (arr, storage.array)
        elif storage.dtype is not kind.dtype:
            storage = _LoadedStorage(storage.array.view(kind.dtype.np), kind.dtype)
        return storage


def restorer(map_location):
    """``restore(storage, location) -> storage`` implementing torch.load's ``map_location``."""
    def default(storage, location):
        if location == 'cpu':
            return storage
        if not location.startswith('cuda'):
            raise RuntimeError(f'ember.load: unknown storage location {location!r} in the '
                               'checkpoint; pass map_location="cpu"')
        return _LoadedStorage(_to_device(storage.array, _device(location)), storage.dtype)

    if map_location is None:
        return default
    if isinstance(map_location, (str, _device)):
        target = str(_device(map_location))
        return lambda storage, location: default(storage, target)
    if isinstance(map_location, dict):
        def remap(storage, location):
            target = map_location.get(location, location)
            return default(storage, str(_device(target)))
        return remap
    if callable(map_location):
        def call(storage, location):
            result = map_location(storage, location)
            if result is None:
                return default(storage, location)
            if not isinstance(result, _LoadedStorage):
                raise TypeError('map_location must return a storage (the one it was given, or '
                                f'storage.cuda(...)/.cpu()) or None, not {type(result).__name__}')
            return result
        return call
    raise ValueError('map_location should be either None, a string, a device, a dict or a '
                     f'callable, not {type(map_location).__name__}')
