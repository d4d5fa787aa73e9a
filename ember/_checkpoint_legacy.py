"""PyTorch's legacy (pre-1.6) checkpoint stream, still written by
``torch.save(..., _use_new_zipfile_serialization=False)``.

The stream is five pickles in a row (magic number, protocol version 1001, system info, the
object, the sorted storage keys) followed by every storage as an int64 element count and its
raw little-endian bytes. Storages are created empty while the object is unpickled and filled
afterwards, so tensors (views of them) see their data once :meth:`LegacyStorages.fill` ran.

Host-side code only: NumPy is used directly.
"""
import pickle

import numpy as np

from ._checkpoint_zip import CheckpointError

MAGIC = 0x1950a86a20f9469cfc6c
PROTOCOL_VERSION = 1001
_SYS_INFO = {'protocol_version': PROTOCOL_VERSION, 'little_endian': True,
             'type_sizes': {'short': 2, 'int': 4, 'long': 4}}


def is_legacy(fileobj):
    """True when the stream at the current position starts with the legacy magic number."""
    start = fileobj.tell()
    try:
        return _PlainUnpickler(fileobj).load() == MAGIC
    except Exception:
        return False
    finally:
        fileobj.seek(start)


def read_header(fileobj, name):
    """Consume the magic number, protocol version and system information."""
    plain = _PlainUnpickler
    if plain(fileobj).load() != MAGIC:
        raise CheckpointError(f'{name}: invalid magic number; the file is corrupt')
    version = plain(fileobj).load()
    if version != PROTOCOL_VERSION:
        raise CheckpointError(f'{name}: unsupported legacy protocol version {version!r}')
    info = plain(fileobj).load()
    if isinstance(info, dict) and info.get('little_endian') is False:
        raise NotImplementedError(f'{name} was saved on a big-endian machine')


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles the stream's plain values (numbers, strings, lists, dicts) and nothing else."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f'unexpected global {module}.{name} in a checkpoint header')


class LegacyStorages:
    """Storages of a legacy stream: allocated during unpickling, filled from the data after."""

    def __init__(self, fileobj, name):
        self._fp = fileobj
        self.name = name
        self._budget = _remaining(fileobj)

    def allocate(self, key, dtype, numel):
        """An uninitialized host array for storage ``key`` (its bytes follow the pickle)."""
        nbytes = numel * dtype.itemsize
        if nbytes > self._budget:
            raise CheckpointError(f'{self.name} is truncated or corrupt: storage {key!r} claims '
                                  f'{nbytes} bytes, more than the file holds')
        self._budget -= nbytes
        return np.empty(numel, dtype)

    def fill(self, arrays):
        """Read the storage keys, then each storage's bytes into ``arrays[key] = (host,
        final)``: the host array handed out, and where map_location put it."""
        keys = _PlainUnpickler(self._fp).load()
        if not isinstance(keys, list) or sorted(keys) != sorted(arrays):
            raise CheckpointError(f'{self.name}: the storage list does not match the pickled '
                                  'object; the file is corrupt')
        for key in keys:
            host, final = arrays[key]
            head = self._fp.read(8)
            if len(head) != 8:
                raise self._truncated(key)
            count = np.frombuffer(head, '<i8')[0]
            if count != host.size:
                raise CheckpointError(f'{self.name}: storage {key!r} holds {count} elements, '
                                      f'the pickled object expects {host.size}; the file is '
                                      'corrupt')
            view = host.view(np.uint8)
            if self._fp.readinto(view) != view.size:
                raise self._truncated(key)
            if final is not host:
                final.set(host)               # a GPU copy made by map_location

    def _truncated(self, key):
        return CheckpointError(f'{self.name} is truncated: the data of storage {key!r} ends past '
                               'the end of the file. Save or copy the checkpoint again.')


def _remaining(fileobj):
    here = fileobj.tell()
    end = fileobj.seek(0, 2)
    fileobj.seek(here)
    return end - here


def write(fileobj, pickled_object, storages, protocol):
    """Write a legacy stream: header pickles, the object's pickle, keys and storage data.

    ``storages`` maps key -> (flat uint8 array, element size).
    """
    for value in (MAGIC, PROTOCOL_VERSION, _SYS_INFO):
        pickle.dump(value, fileobj, protocol=protocol)
    fileobj.write(pickled_object)
    keys = sorted(storages)
    pickle.dump(keys, fileobj, protocol=protocol)
    for key in keys:
        flat, itemsize = storages[key]
        fileobj.write(np.array([flat.size // itemsize], '<i8').tobytes())
        fileobj.write(memoryview(flat))
