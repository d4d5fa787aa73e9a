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
import contextlib
import io
import os
import pickle
import pickletools

from . import _checkpoint_legacy
from ._checkpoint_pickle import Pickler
from ._checkpoint_unpickle import (SAFE_GLOBALS, Unpickler, allowed_globals, python3_name,
                                   restorer, safe_global_names)
from ._checkpoint_zip import (CheckpointError, RecordReader, RecordWriter, atomic_write,
                              describe, seekable)

__all__ = ['save', 'load', 'add_safe_globals', 'get_safe_globals', 'clear_safe_globals',
           'safe_globals', 'get_unsafe_globals_in_checkpoint', 'CheckpointError']

_FORMAT_RECORDS = (('.format_version', b'1'), ('.storage_alignment', b'64'),
                   ('byteorder', b'little'))


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
    pickler = Pickler(pickler_buf, pickle_protocol, legacy=not _use_new_zipfile_serialization)
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
        unpickler = Unpickler(io.BytesIO(data), name, fetch, restorer(map_location),
                               weights_only, **_unpickle_kwargs(pickle_load_args))
        result = _unpickle(unpickler, name)
        reader.finish()
        return result
    finally:
        reader.close()


def _load_legacy(fh, name, map_location, weights_only, pickle_load_args):
    _checkpoint_legacy.read_header(fh, name)
    storages = _checkpoint_legacy.LegacyStorages(fh, name)
    unpickler = Unpickler(fh, name, lambda key, dtype, numel: storages.allocate(key, dtype, numel),
                           restorer(map_location), weights_only,
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
    SAFE_GLOBALS.extend(safe_globals)


def get_safe_globals():
    """The entries added with :func:`add_safe_globals`.

    >>> ember.serialization.get_safe_globals()
    []
    """
    return list(SAFE_GLOBALS)


def clear_safe_globals():
    """Forget every entry added with :func:`add_safe_globals`.

    >>> ember.serialization.clear_safe_globals()
    """
    SAFE_GLOBALS.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """Within the ``with`` block, also allow these globals in weights-only loading.

    >>> import collections
    >>> with ember.serialization.safe_globals([collections.defaultdict]):
    ...     pass
    """
    before = list(SAFE_GLOBALS)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        SAFE_GLOBALS[:] = before


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
    allowed, safe = allowed_globals(), safe_global_names()
    return sorted(g for g in _globals_in_pickle(data) if g not in allowed and g not in safe)


def _globals_in_pickle(data):
    """Every ``module.name`` a pickle refers to, without unpickling it."""
    found, strings, memo, last, memo_count = set(), [], {}, None, 0
    for op, arg, _ in pickletools.genops(data):
        pushed = None
        if op.name in ('GLOBAL', 'INST'):
            found.add('.'.join(python3_name(*arg.split(' ', 1))))
        elif op.name == 'STACK_GLOBAL' and len(strings) >= 2:
            found.add('.'.join(python3_name(strings[-2], strings[-1])))
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
