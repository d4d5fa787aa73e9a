"""Writing the pickle of a checkpoint (``data.pkl``) with PyTorch's names.

Tensors become calls of ``torch._utils._rebuild_tensor_v2``, Parameters of
``torch._utils._rebuild_parameter``, and storages persistent references
``('storage', torch.FloatStorage, key, location, numel)``. Tensors that view one block of
memory share one storage, as in PyTorch.
"""
import collections
import pickle

import numpy as np

from . import _dtype as D
from ._device import device as _device
from ._tensor import Size, Tensor, _make

STORAGE_OF = {'bool': 'BoolStorage', 'uint8': 'ByteStorage', 'int8': 'CharStorage',
              'int16': 'ShortStorage', 'int32': 'IntStorage', 'int64': 'LongStorage',
              'float16': 'HalfStorage', 'bfloat16': 'BFloat16Storage',
              'float32': 'FloatStorage', 'float64': 'DoubleStorage'}


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
_STORAGE_GLOBALS = {name: _Global('torch', s) for name, s in STORAGE_OF.items()}


class _StorageRef:
    """One storage to be written: a flat uint8 view of the memory several tensors may share."""
    __slots__ = ('key', 'dtype', 'location', 'flat')

    def __init__(self, key, dtype, location, flat):
        self.key, self.dtype, self.location, self.flat = key, dtype, location, flat


class Pickler(pickle._Pickler):
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
            other = D.from_numpy_dtype(arr.dtype)
            raise RuntimeError('Cannot save multiple tensors or storages that view the same data '
                               f'as different types ({ref.dtype} and {other}); save a .clone() '
                               'of one of them.')
        return ref, offset, stride


def _save_dtype(pickler, obj):
    pickler._write_global('torch', obj.name)
    pickler.memoize(obj)


Pickler.dispatch[D.dtype] = _save_dtype
Pickler.dispatch[_Global] = Pickler.save_global


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
