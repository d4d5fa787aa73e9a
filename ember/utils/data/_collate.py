"""Collation: turning a list of samples into a batch (``torch.utils.data._utils.collate``).

``default_collate`` stacks tensors and NumPy arrays along a new first dim (one NumPy call per
field), turns Python numbers into tensors, keeps strings as lists, and recurses into dicts,
named tuples, tuples and lists; ``default_convert`` only turns NumPy data into tensors.

>>> default_collate([(ember.tensor([1., 2.]), 0), (ember.tensor([3., 4.]), 1)])
[tensor([[1., 2.],
        [3., 4.]]), tensor([0, 1])]
"""
import collections.abc
import copy
import functools
import re

import numpy as np

import ember
from ember._ops._base import Tensor, wrap, STATE
from ember._dtype import from_numpy_dtype

__all__ = ['collate', 'default_collate', 'default_collate_fn_map', 'default_convert',
           'collate_tensor_fn', 'collate_numpy_array_fn', 'collate_numpy_scalar_fn',
           'collate_float_fn', 'collate_int_fn', 'collate_str_fn']

np_str_obj_array_pattern = re.compile(r'[SaUO]')

default_collate_err_msg_format = ('default_collate: batch must contain tensors, numpy arrays, '
                                  'numbers, dicts or lists; found {}')

_Mapping = collections.abc.Mapping
_MutableMapping = collections.abc.MutableMapping
_Sequence = collections.abc.Sequence
_MutableSequence = collections.abc.MutableSequence
_ndarray = np.ndarray


def default_convert(data):
    """Convert NumPy arrays and scalars inside ``data`` to tensors, recursing into mappings,
    named tuples, tuples (which become lists) and sequences; anything else is returned as is.
    It is the DataLoader's ``collate_fn`` when automatic batching is off.

    >>> default_convert({'x': np.array([1, 2]), 'n': 3})
    {'x': tensor([1, 2]), 'n': 3}
    """
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if (elem_type.__module__ == 'numpy' and elem_type.__name__ != 'str_'
            and elem_type.__name__ != 'string_'):
        # arrays of strings and objects stay as they are
        if (elem_type.__name__ == 'ndarray'
                and np_str_obj_array_pattern.search(data.dtype.str) is not None):
            return data
        if isinstance(data, np.generic) and not isinstance(data, np.object_):
            return ember.from_numpy(np.asarray(data))  # keeps the scalar's dtype (int16, ...)
        return ember.as_tensor(data)
    if isinstance(data, _Mapping):
        try:
            if isinstance(data, _MutableMapping):
                # a copy keeps the mapping type's extra attributes
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            # a mapping type without copy()/update() or a dict constructor
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, '_fields'):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # PyTorch's choice: tuples become lists
    if isinstance(data, _Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, _MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            # a sequence type without copy()/__setitem__ or a list constructor (e.g. range)
            return [default_convert(d) for d in data]
    return data


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` (a list of samples) recursively. ``collate_fn_map`` maps an element
    type (or tuple of types) to ``fn(batch, *, collate_fn_map)``; the exact type is looked up
    first, then each key in insertion order with ``isinstance``.

    >>> collate([1, 2], collate_fn_map={int: lambda b, *, collate_fn_map: sum(b)})
    3
    """
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        fn = collate_fn_map.get(elem_type)
        if fn is not None:
            return fn(batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)

    if isinstance(elem, _Mapping):
        try:
            if isinstance(elem, _MutableMapping):
                clone = copy.copy(elem)
                clone.update({key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                              for key in elem})
                return clone
            return elem_type({key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                              for key in elem})
        except TypeError:
            return {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                    for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, '_fields'):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map)
                           for samples in zip(*batch)))
    if isinstance(elem, _Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            sizes = sorted({len(e) for e in batch})
            raise RuntimeError('each element in list of batch should be of equal size (got '
                               f'lengths {sizes}; pad the samples or pass a collate_fn that '
                               'handles variable lengths)')
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
        try:
            if isinstance(elem, _MutableSequence):
                clone = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = collate(samples, collate_fn_map=collate_fn_map)
                return clone
            return elem_type([collate(samples, collate_fn_map=collate_fn_map)
                              for samples in transposed])
        except TypeError:
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]

    raise TypeError(default_collate_err_msg_format.format(elem_type))


def _stack_arrays(arrays):
    """One NumPy call stacking equally shaped, equally typed host arrays, or None when they
    differ (the caller then goes through ``ember.stack`` for promotion and PyTorch's errors)."""
    a0 = arrays[0]
    try:
        out = np.array(arrays)
    except ValueError:  # ragged
        return None
    if out.dtype != a0.dtype or out.shape[1:] != a0.shape:
        return None
    return out


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Stack a batch of tensors along a new dim 0 (one NumPy call on the host).

    >>> collate_tensor_fn([ember.tensor([1, 2]), ember.tensor([3, 4])])
    tensor([[1, 2],
            [3, 4]])
    """
    try:
        arrays = [t._data for t in batch]
    except AttributeError:  # a non-tensor in the batch: ember.stack names it
        return ember.stack(batch, 0)
    if arrays[0].__class__ is _ndarray and not (STATE.enabled and any(t._rg for t in batch)):
        out = _stack_arrays(arrays)
        if out is not None:
            return wrap(out)
    return ember.stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    """Stack a batch of NumPy arrays into one tensor (arrays of strings or objects are an
    error, as in PyTorch).

    >>> collate_numpy_array_fn([np.zeros(2, np.float32), np.ones(2, np.float32)])
    tensor([[0., 0.],
            [1., 1.]])
    """
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    if all(b.__class__ is _ndarray for b in batch):
        out = _stack_arrays(batch)
        if out is not None:
            return ember.from_numpy(out)
    return collate([ember.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    """A batch of NumPy scalars becomes a 1-d tensor of their dtype.

    >>> collate_numpy_scalar_fn([np.float32(1), np.float32(2)])
    tensor([1., 2.])
    """
    t0 = batch[0].__class__
    if all(b.__class__ is t0 for b in batch):
        return ember.from_numpy(np.array(batch))
    try:  # mixed scalar types: PyTorch promotes their dtypes with its own rules
        dt = functools.reduce(ember.promote_types, {from_numpy_dtype(b.dtype) for b in batch})
    except (AttributeError, TypeError):
        return ember.as_tensor(batch)
    return ember.from_numpy(np.array(batch, dtype=dt.np))


def collate_float_fn(batch, *, collate_fn_map=None):
    """Python floats become a float64 tensor (PyTorch's rule, not the default dtype).

    >>> collate_float_fn([0.5, 1.0])
    tensor([0.5000, 1.0000], dtype=torch.float64)
    """
    return ember.tensor(batch, dtype=ember.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    """Python ints (and bools) become a tensor as ``ember.tensor`` infers it (int64, bool).

    >>> collate_int_fn([1, 2])
    tensor([1, 2])
    """
    return ember.tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    """Strings and bytes are kept as the list they came in.

    >>> collate_str_fn(['a', 'b'])
    ['a', 'b']
    """
    return batch


default_collate_fn_map = {Tensor: collate_tensor_fn,
                          np.ndarray: collate_numpy_array_fn,  # ndarray and np.memmap
                          (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
                          float: collate_float_fn,
                          int: collate_int_fn,
                          str: collate_str_fn,
                          bytes: collate_str_fn}


def default_collate(batch):
    """Put a list of samples into a batch with a new leading dim of size ``len(batch)``.

    Tensors and NumPy arrays are stacked, NumPy scalars and Python ints become tensors,
    Python floats a float64 tensor, strings and bytes stay a list; mappings, named tuples and
    sequences are collated field by field (a tuple comes back as a list).

    >>> default_collate([{'x': 1.5, 'y': 'a'}, {'x': 2.5, 'y': 'b'}])
    {'x': tensor([1.5000, 2.5000], dtype=torch.float64), 'y': ['a', 'b']}
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
