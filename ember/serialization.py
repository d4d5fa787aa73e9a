"""``ember.save`` / ``ember.load`` in PyTorch's own checkpoint format.

A checkpoint is a zip archive (see :mod:`ember._checkpoint_zip`) holding ``data.pkl``, a
pickle of the saved object in which every tensor is a call of
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)`` and
every storage a persistent reference ``('storage', torch.FloatStorage, key, location, numel)``
to the raw little-endian record ``data/<key>``. ember writes exactly these names, so PyTorch
loads ember's files (``weights_only=True`` included) without ember installed, and ember maps
them back to its own functions when loading, without PyTorch installed.

Loading is restricted by default (``weights_only=True``): the unpickler admits only tensors,
containers and primitive values, plus what :func:`add_safe_globals` allows. Nothing else in
the file is imported or called.

>>> import io
>>> buf = io.BytesIO()
>>> ember.save({'w': ember.arange(3.)}, buf)
>>> _ = buf.seek(0)
>>> ember.load(buf)
{'w': tensor([0., 1., 2.])}
"""
import _compat_pickle
import collections
import contextlib
import io
import os
import pickle
import pickletools

import numpy as np

from . import _checkpoint_legacy
from . import _dtype as D
from ._checkpoint_zip import (CheckpointError, RecordReader, RecordWriter, atomic_write,
                              describe, seekable)
from ._device import device as _device
from ._tensor import Size, Tensor, _make

__all__ = ['save', 'load', 'add_safe_globals', 'get_safe_globals', 'clear_safe_globals',
           'safe_globals', 'get_unsafe_globals_in_checkpoint', 'CheckpointError']

_STORAGE_OF = {'bool': 'BoolStorage', 'uint8': 'ByteStorage', 'int8': 'CharStorage',
               'int16': 'ShortStorage', 'int32': 'IntStorage', 'int64': 'LongStorage',
               'float16': 'HalfStorage', 'bfloat16': 'BFloat16Storage',
               'float32': 'FloatStorage', 'float64': 'DoubleStorage'}
_FORMAT_RECORDS = (('.format_version', b'1'), ('.storage_alignment', b'64'),
                   ('byteorder', b'little'))


# ---- saving ---------------------------------------------------------------------------------
class _Global:
    """Stands for a PyTorch global (``torch._utils._rebuild_tensor_v2``) in ember's pickles."""
    __slots__ = ('module', 'name')

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):        # pickle insists that reduce functions be callable
        raise TypeError(f'{self.module}.{self.name} exists only in PyTorch')


_REBUILD_TENSOR = _Global('torch._utils', '_rebuild_tensor_v2')
_REBUILD_PARAMETER = _Global('torch._utils', '_rebuild_parameter')
_TORCH_DEVICE = _Global('torch', 'device')
_TORCH_SIZE = _Global('torch', 'Size')
_STORAGE_GLOBALS = {name: _Global('torch', s) for name, s in _STORAGE_OF.items()}


class _StorageRef:
    """One storage to be written: a flat uint8 view of the memory several tensors may share."""
    __slots__ = ('key', 'dtype', 'location', 'flat')

    def __init__(self, key, dtype, location, flat):
        self.key, self.dtype, self.location, self.flat = key, dtype, location, flat


class _Pickler(pickle._Pickler):
    """A pickler that writes tensors, dtypes, devices and sizes under PyTorch's names.

    The pure-Python pickler is used because it lets us write a GLOBAL opcode for a name
    (``torch.FloatStorage``) that is not importable here.
    """
    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file, protocol, legacy=False):
        super().__init__(file, protocol)
        self.storages = {}            # id(root array) -> _StorageRef
        self._keep = []               # keeps the roots alive while their ids are keys
        self._legacy = legacy

    def persistent_id(self, obj):
        if obj.__class__ is _StorageRef:
            numel = len(obj.flat) // obj.dtype.itemsize
            pid = ('storage', _STORAGE_GLOBALS[obj.dtype.name], obj.key, obj.location, numel)
            return pid + (None,) if self._legacy else pid   # legacy: no view metadata
        return None

    def reducer_override(self, obj):
        cls = obj.__class__
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if cls is _device:
            return _TORCH_DEVICE, ((obj.type,) if obj.index is None else (obj.type, obj.index))
        if cls is Size:
            return _TORCH_SIZE, (tuple(obj),)
        return NotImplemented

    def save_global(self, obj, name=None):
        if obj.__class__ is _Global:
            self._write_global(obj.module, obj.name)
            self.memoize(obj)
            return
        super().save_global(obj, name)

    def _write_global(self, module, name):
        if self.proto >= 4:
            self.save(module)
            self.save(name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f'{module}\n{name}\n'.encode('utf-8'))

    def _reduce_tensor(self, t):
        from .nn.parameter import Parameter
        if isinstance(t, Parameter):
            return _REBUILD_PARAMETER, (_make(t._data), t.requires_grad, collections.OrderedDict())
        storage, offset, stride = self._storage_of(t)
        return _REBUILD_TENSOR, (storage, offset, tuple(t.shape), stride, t.requires_grad,
                                 collections.OrderedDict())

    def _storage_of(self, t):
        arr = t._data
        location = str(t.device)
        if arr.__class__ is not np.ndarray:
            arr = arr.get()               # a CuPy array: written from a host copy
        root = arr
        while isinstance(root.base, np.ndarray):
            root = root.base
        itemsize = arr.dtype.itemsize
        offset, stride = _view_into(arr, root)
        if offset is None:                # not expressible as a view: a storage of its own
            root = np.ascontiguousarray(arr)
            offset, stride = 0, tuple(s // itemsize for s in root.strides)
        ref = self.storages.get(id(root))
        if ref is None:
            dt = D.from_numpy_dtype(arr.dtype)
            flat = root.reshape(-1, order='A').view(np.uint8) if root.size else \
                np.empty(0, np.uint8)
            ref = _StorageRef(str(len(self.storages)), dt, location, flat)
            self.storages[id(root)] = ref
            self._keep.append(root)
        elif ref.dtype.np != arr.dtype:
            raise RuntimeError('Cannot save multiple tensors or storages that view the same data '
                               f'as different types ({ref.dtype} and {D.from_numpy_dtype(arr.dtype)}'
                               '); save a .clone() of one of them.')
        return ref, offset, stride


def _save_dtype(pickler, obj):
    pickler._write_global('torch', obj.name)
    pickler.memoize(obj)


_Pickler.dispatch[D.dtype] = _save_dtype
_Pickler.dispatch[_Global] = _Pickler.save_global


def _view_into(arr, root):
    """(element offset, element strides) of ``arr`` inside contiguous ``root``, or (None, None)."""
    itemsize = arr.dtype.itemsize
    if arr.size == 0 or root.nbytes % itemsize or not (root.flags.c_contiguous or
                                                       root.flags.f_contiguous):
        return None, None
    delta = arr.__array_interface__['data'][0] - root.__array_interface__['data'][0]
    if delta % itemsize or any(s < 0 or s % itemsize for s in arr.strides):
        return None, None
    return delta // itemsize, tuple(s // itemsize for s in arr.strides)


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` to ``f`` (a path or a binary file object) in PyTorch's checkpoint format.

    Tensors of every dtype, Parameters, state_dicts of modules and optimizers, nested
    containers, numbers and strings; PyTorch's ``torch.load`` reads the file. Tensors that
    share memory (views) are written once and stay shared after loading. Saving to a path is
    atomic: the file is written next to it, synced, then renamed over it.

    >>> import io
    >>> buf = io.BytesIO()
    >>> ember.save(ember.nn.Linear(2, 1).state_dict(), buf)
    >>> buf.getvalue()[:4]
    b'PK\\x03\\x04'
    """
    pickler_buf = io.BytesIO()
    pickler = _Pickler(pickler_buf, pickle_protocol, legacy=not _use_new_zipfile_serialization)
    pickler.dump(obj)
    if not _use_new_zipfile_serialization:
        storages = {ref.key: (ref.flat, ref.dtype.itemsize) for ref in pickler.storages.values()}

        def write(fileobj, prefix):
            _checkpoint_legacy.write(fileobj, pickler_buf.getvalue(), storages, pickle_protocol)
    else:
        records = [('data.pkl', pickler_buf.getvalue())]
        records += [r for r in _FORMAT_RECORDS if not (_disable_byteorder_record and r[0] ==
                                                       'byteorder')]
        records += [(f'data/{ref.key}', ref.flat) for ref in pickler.storages.values()]
        records += [('version', b'3\n'), ('.data/serialization_id', _serialization_id())]

        def write(fileobj, prefix):
            writer = RecordWriter(fileobj, prefix)
            for name, data in records:
                writer.write(name, data)
            writer.close()

    if isinstance(f, (str, os.PathLike)):
        prefix = os.path.splitext(os.path.basename(os.fspath(f)))[0] or 'archive'
        atomic_write(f, lambda fh: write(fh, prefix))
    else:
        if not hasattr(f, 'write'):
            raise AttributeError(f"expected 'f' to be string, path, or a file-like object with a "
                                 f"'write' attribute, got {type(f).__name__}")
        if _can_seek(f):
            write(f, 'archive')
        else:                             # a pipe or socket: zip needs to seek back
            buf = io.BytesIO()
            write(buf, 'archive')
            f.write(buf.getvalue())


def _can_seek(f):
    try:
        return f.seekable()
    except (AttributeError, ValueError):
        return False


def _serialization_id():
    return ''.join(str(b % 10) for b in os.urandom(40)).encode()


# ---- loading --------------------------------------------------------------------------------
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
        g[f'torch.{_STORAGE_OF[dt.name]}'] = _StorageType(_STORAGE_OF[dt.name], dt)
        legacy = getattr(ember, _STORAGE_OF[dt.name].replace('Storage', 'Tensor'), None)
        if legacy is not None:
            g['torch.' + _STORAGE_OF[dt.name].replace('Storage', 'Tensor')] = legacy
    for what, names in (('sparse tensors', ('_rebuild_sparse_tensor',)),
                        ('quantized tensors', ('_rebuild_qtensor',)),
                        ('nested tensors', ('_rebuild_nested_tensor',)),
                        ('meta tensors', ('_rebuild_meta_tensor_no_storage',)),
                        ('tensor subclasses', ('_rebuild_wrapper_subclass',)),
                        ('device tensors saved from NumPy', ('_rebuild_device_tensor_from_numpy',
                                                             '_rebuild_device_tensor_from_cpu_tensor'))):
        for n in names:
            g[f'torch._utils.{n}'] = _unsupported(what)
    g['torch.serialization._get_layout'] = _unsupported('sparse layouts')
    return g


def _codecs_encode(obj, encoding='utf-8', errors='strict'):
    import codecs
    return codecs.encode(obj, encoding, errors)


_TORCH_GLOBALS = None
_SAFE_GLOBALS = []


def _allowed():
    global _TORCH_GLOBALS
    if _TORCH_GLOBALS is None:
        _TORCH_GLOBALS = _torch_globals()
    return _TORCH_GLOBALS


def _unsupported_dtype_global(full):
    return (full.startswith('torch.') and full.endswith('Storage')) or full in (
        'torch.complex64', 'torch.complex128', 'torch.complex32', 'torch.uint16', 'torch.uint32',
        'torch.uint64', 'torch.float8_e4m3fn', 'torch.float8_e5m2', 'torch.bfloat16')


def _safe_global_names():
    out = {}
    for entry in _SAFE_GLOBALS:
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


def _python3_name(module, name):
    """Protocol-2 pickles name builtins as Python 2 did (``__builtin__.set``)."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


class _Unpickler(pickle.Unpickler):
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
        module, name = _python3_name(module, name)
        full = f'{module}.{name}'
        allowed = _allowed().get(full)
        if allowed is not None:
            return allowed
        if _unsupported_dtype_global(full):
            raise NotImplementedError(f'ember.load: {self._name} holds tensors of a dtype '
                                      f'ember does not support ({full}); convert them in PyTorch '
                                      '(e.g. .float()) and save again')
        if self._weights_only:
            safe = _safe_global_names().get(full)
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


def _restorer(map_location):
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


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Load an object saved by ``ember.save`` or PyTorch's ``torch.save``.

    ``f`` is a path or a binary file object. ``map_location`` (a device, a string, a dict
    from saved to wanted locations, or ``fn(storage, location)``) moves tensors as in
    PyTorch. ``weights_only=True`` (the default) loads only tensors, containers and
    primitive values; use ``weights_only=False`` only for files you trust. ``mmap=True`` maps
    storages from the file instead of reading them.

    >>> import io
    >>> buf = io.BytesIO(); ember.save([ember.tensor(1), 'a'], buf); _ = buf.seek(0)
    >>> ember.load(buf, map_location='cpu')
    [tensor(1), 'a']
    """
    if weights_only is None:
        weights_only = pickle_module is None
    elif weights_only and pickle_module is not None:
        raise RuntimeError('Can not safely load weights when explicit pickle_module is '
                           'specified')
    if isinstance(f, (str, os.PathLike)):
        with open(f, 'rb') as fh:
            return _load_file(fh, describe(f), map_location, weights_only, mmap,
                              pickle_load_args)
    if not hasattr(f, 'read'):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a "
                             f"'read' attribute, got {type(f).__name__}")
    if mmap:
        try:
            f.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):
            raise ValueError('f must be a file path or a real file in order to use the mmap '
                             'argument') from None
    return _load_file(seekable(f), describe(f), map_location, weights_only, mmap,
                      pickle_load_args)


def _load_file(fh, name, map_location, weights_only, use_mmap, pickle_load_args):
    start = fh.tell()
    head = fh.read(4)
    fh.seek(start)
    if head != b'PK\x03\x04':
        if _checkpoint_legacy.is_legacy(fh):
            if use_mmap:
                raise RuntimeError('mmap can only be used with files saved with '
                                   '`torch.save(_use_new_zipfile_serialization=True)`, please '
                                   'torch.save your checkpoint with this option in order to use '
                                   'mmap.')
            return _load_legacy(fh, name, map_location, weights_only, pickle_load_args)
        raise _not_a_checkpoint(name, head)
    reader = RecordReader(fh, name, use_mmap=bool(use_mmap))
    try:
        if reader.has('constants.pkl') and not reader.has('data/0') and reader.has('code'):
            raise RuntimeError(f'{name} is a TorchScript archive (torch.jit.save); ember loads '
                               'checkpoints written by torch.save')
        if reader.has('byteorder') and reader.read('byteorder') not in (b'little', b''):
            raise NotImplementedError(f'ember.load: {name} was saved on a big-endian machine')
        data = reader.read('data.pkl')

        def fetch(key, dtype, numel):
            return reader.read_array(f'data/{key}', dtype, numel)
        unpickler = _Unpickler(io.BytesIO(data), name, fetch, _restorer(map_location),
                               weights_only, **_unpickle_kwargs(pickle_load_args))
        result = _unpickle(unpickler, name)
        reader.finish()
        return result
    finally:
        reader.close()


def _load_legacy(fh, name, map_location, weights_only, pickle_load_args):
    _checkpoint_legacy.read_header(fh, name)
    storages = _checkpoint_legacy.LegacyStorages(fh, name)
    unpickler = _Unpickler(fh, name, lambda key, dtype, numel: storages.allocate(key, dtype, numel),
                           _restorer(map_location), weights_only,
                           **_unpickle_kwargs(pickle_load_args))
    result = _unpickle(unpickler, name)
    storages.fill(unpickler.arrays)
    return result


def _unpickle(unpickler, name):
    try:
        return unpickler.load()
    except (pickle.UnpicklingError, EOFError, CheckpointError, NotImplementedError,
            RuntimeError, AttributeError, ImportError, TypeError):
        raise
    except Exception as ex:
        raise CheckpointError(f'ember.load: {name}: its pickled object cannot be read '
                              f'({type(ex).__name__}: {ex}); the file is corrupt') from ex


def _unpickle_kwargs(args):
    kwargs = {'encoding': args.pop('encoding', 'utf-8')}
    if 'errors' in args:
        kwargs['errors'] = args.pop('errors')
    if args:
        raise TypeError(f'load() got unexpected keyword arguments {sorted(args)}')
    return kwargs


def _not_a_checkpoint(name, head):
    if not head:
        return EOFError(f'{name} is empty: it is not a checkpoint (was the save interrupted '
                        'before anything was written?)')
    return CheckpointError(f'{name} is not a PyTorch/ember checkpoint: a checkpoint is a zip '
                           f"archive starting with b'PK\\x03\\x04', this file starts with "
                           f'{head!r}')


# ---- safe globals ---------------------------------------------------------------------------
def add_safe_globals(safe_globals):
    """Allow these classes/functions in ``ember.load(weights_only=True)``.

    Entries are objects (allowed by their ``module.qualname``) or ``(object, 'module.name')``
    pairs.

    >>> import collections
    >>> ember.serialization.add_safe_globals([collections.defaultdict])
    >>> ember.serialization.clear_safe_globals()
    """
    if not isinstance(safe_globals, list):
        raise TypeError(f'add_safe_globals expects a list, got {type(safe_globals).__name__}')
    for entry in safe_globals:
        if isinstance(entry, tuple) and not (len(entry) == 2 and isinstance(entry[1], str)):
            raise TypeError(f'add_safe_globals: expected (object, "module.name"), got {entry!r}')
    _SAFE_GLOBALS.extend(safe_globals)


def get_safe_globals():
    """The entries added with :func:`add_safe_globals`.

    >>> ember.serialization.get_safe_globals()
    []
    """
    return list(_SAFE_GLOBALS)


def clear_safe_globals():
    """Forget every entry added with :func:`add_safe_globals`.

    >>> ember.serialization.clear_safe_globals()
    """
    _SAFE_GLOBALS.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """Within the ``with`` block, also allow these globals in weights-only loading.

    >>> import collections
    >>> with ember.serialization.safe_globals([collections.defaultdict]):
    ...     pass
    """
    before = list(_SAFE_GLOBALS)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _SAFE_GLOBALS[:] = before


def get_unsafe_globals_in_checkpoint(f):
    """Names of the globals in a checkpoint that weights-only loading would refuse.

    >>> import io
    >>> buf = io.BytesIO(); ember.save({'a': ember.ones(1)}, buf); _ = buf.seek(0)
    >>> ember.serialization.get_unsafe_globals_in_checkpoint(buf)
    []
    """
    if isinstance(f, (str, os.PathLike)):
        with open(f, 'rb') as fh:
            return get_unsafe_globals_in_checkpoint(fh)
    reader = RecordReader(seekable(f), describe(f))
    try:
        data = reader.read('data.pkl')
    finally:
        reader.close()
    allowed, safe = _allowed(), _safe_global_names()
    return sorted(g for g in _globals_in_pickle(data) if g not in allowed and g not in safe)


def _globals_in_pickle(data):
    """Every ``module.name`` a pickle refers to, without unpickling it."""
    found, strings, memo, last, memo_count = set(), [], {}, None, 0
    for op, arg, _ in pickletools.genops(data):
        pushed = None
        if op.name in ('GLOBAL', 'INST'):
            found.add('.'.join(_python3_name(*arg.split(' ', 1))))
        elif op.name == 'STACK_GLOBAL' and len(strings) >= 2:
            found.add('.'.join(_python3_name(strings[-2], strings[-1])))
        elif isinstance(arg, str) and ('UNICODE' in op.name or 'STRING' in op.name):
            pushed = arg
        elif op.name in ('BINPUT', 'LONG_BINPUT', 'PUT', 'MEMOIZE'):
            index = memo_count if op.name == 'MEMOIZE' else arg
            memo_count += op.name == 'MEMOIZE'
            if last is not None:
                memo[index] = last
            continue
        elif op.name in ('BINGET', 'LONG_BINGET', 'GET'):
            pushed = memo.get(arg)
        if pushed is not None:
            strings.append(pushed)
        last = pushed
    return found
