"""The zip container of PyTorch checkpoints: aligned uncompressed records, read and written.

A checkpoint is a zip archive whose records all live under one folder (``<name>/data.pkl``,
``<name>/data/0``, ...). Records are stored uncompressed and PyTorch pads each local header's
extra field so that record data starts at a multiple of 64 bytes, which lets readers map
storages straight out of the file. Reading checks every record against the CRC-32 in the
zip directory, so a damaged file raises instead of loading wrong numbers.

Host-side code only: NumPy is used directly, never a GPU backend.
"""
import io
import mmap as _mmap
import os
import struct
import tempfile
import zipfile
import zlib

import numpy as np

ALIGNMENT = 64
_LOCAL_HEADER = struct.Struct('<IHHHHHIIIHH')
_LOCAL_SIGNATURE = 0x04034b50
_ZIP64_EXTRA = 20                    # the zip64 extra field zipfile adds to big local headers
_DATE = (1980, 1, 1, 0, 0, 0)        # fixed, so equal objects give equal files
_CRC_IN_THREAD = 1 << 20             # records at least this big are checked on a worker thread
ZIP64_FROM = 1 << 31                 # records at least this big get zip64 headers


class CheckpointError(RuntimeError):
    """A checkpoint file is truncated, corrupt or not a checkpoint at all."""


def describe(f):
    """A short name for a path or file object, for error messages."""
    if isinstance(f, (str, bytes, os.PathLike)):
        return repr(os.fsdecode(f))
    name = getattr(f, 'name', None)
    return repr(name) if isinstance(name, str) else f'<{type(f).__name__}>'


# ---- writing --------------------------------------------------------------------------------
class RecordWriter:
    """Writes named records into a zip archive under ``prefix/``, data aligned to 64 bytes."""

    def __init__(self, fileobj, prefix):
        self._zip = zipfile.ZipFile(fileobj, 'w', zipfile.ZIP_STORED, allowZip64=True)
        self._fp = fileobj
        self._prefix = prefix

    def write(self, name, data):
        """Add one record; ``data`` is bytes or a contiguous NumPy uint8 array."""
        info = zipfile.ZipInfo(f'{self._prefix}/{name}', date_time=_DATE)
        info.compress_type = zipfile.ZIP_STORED
        size = len(data)
        big = size >= ZIP64_FROM
        start = self._fp.tell() + _LOCAL_HEADER.size + len(info.filename.encode()) + 4
        if big:
            start += _ZIP64_EXTRA
        pad = -start % ALIGNMENT
        info.extra = b'FB' + struct.pack('<H', pad) + b'Z' * pad
        with self._zip.open(info, 'w', force_zip64=big) as out:
            out.write(memoryview(data).cast('B') if size else b'')

    def close(self):
        self._zip.close()


def atomic_write(path, write):
    """Call ``write(fileobj)`` on a temporary file next to ``path``, then move it into place.

    The data is flushed and fsynced before the rename, so an interruption at any point leaves
    either the old file or the complete new one at ``path``, never a partial file.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise RuntimeError(f'Parent directory {folder} does not exist.')
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.' + os.path.basename(path) + '.',
                               suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_folder(folder)


def _fsync_folder(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:                       # not possible everywhere (e.g. Windows)
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- reading --------------------------------------------------------------------------------
class RecordReader:
    """Reads the records of a checkpoint archive; every storage read is CRC-checked.

    ``name`` is used in error messages; ``use_mmap`` maps storages from the file instead of
    copying them (then the CRC check is skipped, since it would read every page).
    """

    def __init__(self, fileobj, name, use_mmap=False):
        self.name = name
        self._fp = fileobj
        try:
            self._zip = zipfile.ZipFile(fileobj)
        except zipfile.BadZipFile as ex:
            raise CheckpointError(
                f'{name} is truncated or corrupt: its zip directory cannot be read ({ex}). '
                'The file was probably cut short while saving or copying; save or copy it '
                'again.') from None
        names = self._zip.namelist()
        if not names:
            raise CheckpointError(f'{name} is an empty zip archive, not a checkpoint.')
        self.prefix = names[0].split('/', 1)[0]
        self._infos = {n[len(self.prefix) + 1:]: i for n, i in
                       ((i.filename, i) for i in self._zip.infolist())
                       if n.startswith(self.prefix + '/')}
        self._map = None
        if use_mmap:
            self._map = _mmap.mmap(fileobj.fileno(), 0, access=_mmap.ACCESS_COPY)
        self._pending = []
        self._pool = None

    def has(self, record):
        return record in self._infos

    def read(self, record):
        """A small record's bytes (CRC-checked by zipfile)."""
        info = self._info(record)
        try:
            return self._zip.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as ex:
            raise CheckpointError(f'{self.name}: record {record!r} is corrupt ({ex}).') from None

    def read_array(self, record, dtype, count):
        """A record as a 1-D NumPy array of ``count`` items of ``dtype`` (checked, not trusted)."""
        info = self._info(record)
        nbytes = count * dtype.itemsize
        if info.file_size != nbytes:
            raise CheckpointError(
                f'{self.name}: record {record!r} holds {info.file_size} bytes, but the pickled '
                f'object expects {count} x {dtype} = {nbytes} bytes; the file is corrupt.')
        if info.compress_type != zipfile.ZIP_STORED:
            return np.frombuffer(bytearray(self.read(record)), dtype)
        start = self._data_start(info, record)
        if self._map is not None:
            if start + nbytes > len(self._map):
                raise self._truncated(record)
            return np.frombuffer(self._map, dtype, count, start)
        out = np.empty(count, dtype)
        view = out.view(np.uint8)
        self._fp.seek(start)
        got = self._fp.readinto(view) if nbytes else 0
        if got != nbytes:
            raise self._truncated(record)
        self._check_crc(view, info, record)
        return out

    def finish(self):
        """Wait for the CRC checks still running; raise if a record was damaged."""
        pending, self._pending = self._pending, []
        for future, info, record in pending:
            if future.result() != info.CRC:
                raise self._bad_crc(record)
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _check_crc(self, view, info, record):
        if info.CRC == 0 and len(view):   # written with PyTorch's crc32 option turned off
            return
        if len(view) < _CRC_IN_THREAD:
            if zlib.crc32(view) != info.CRC:
                raise self._bad_crc(record)
            return
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor
            self._pool = ThreadPoolExecutor(1, thread_name_prefix='ember-load-crc')
        self._pending.append((self._pool.submit(zlib.crc32, view), info, record))

    def _info(self, record):
        try:
            return self._infos[record]
        except KeyError:
            raise CheckpointError(f'{self.name} has no record {self.prefix}/{record}: the file '
                                  'is corrupt or was not written by torch.save/ember.save.'
                                  ) from None

    def _data_start(self, info, record):
        self._fp.seek(info.header_offset)
        head = self._fp.read(_LOCAL_HEADER.size)
        if len(head) != _LOCAL_HEADER.size:
            raise self._truncated(record)
        fields = _LOCAL_HEADER.unpack(head)
        if fields[0] != _LOCAL_SIGNATURE:
            raise CheckpointError(f'{self.name}: the zip directory points record {record!r} at '
                                  'bytes that are not a record header; the file is corrupt.')
        return info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]

    def _truncated(self, record):
        return CheckpointError(f'{self.name} is truncated: record {record!r} ends past the end '
                               'of the file. Save or copy the checkpoint again.')

    def _bad_crc(self, record):
        return CheckpointError(f'{self.name} is corrupt: the data of record {record!r} does '
                               'not match its CRC-32 checksum (the file was modified or damaged '
                               'after saving).')

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        self._zip.close()


def seekable(fileobj):
    """``fileobj`` itself when it can seek, else its remaining bytes in a BytesIO."""
    try:
        if fileobj.seekable():
            return fileobj
    except AttributeError:
        pass
    return io.BytesIO(fileobj.read())
