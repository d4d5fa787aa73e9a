"""Fetchers: turn the sampler's index (or list of indices) into a collated batch.

Used alike by the single-process iterator and by every worker process.

A map-style batch is ``collate_fn([dataset[i] for i in indices])``, or
``collate_fn(dataset.__getitems__(indices))`` when the dataset defines ``__getitems__``
(as torch). A :class:`TensorDataset` (also inside a :class:`Subset`) collated by
``default_collate`` takes a fast path: one fancy index per tensor, ``[t[indices] for t in
tensors]``, which is exactly what stacking the samples gives.

>>> from ember.utils.data import TensorDataset
>>> f = create_fetcher(_DatasetKind.Map, TensorDataset(ember.arange(6).reshape(3, 2)), True,
...                    None, False)
>>> f.fetch([2, 0])
[tensor([[4, 5],
        [0, 1]])]
"""
import numpy as np


class _DatasetKind:
    Map = 0
    Iterable = 1


def _default_collate():
    from ._collate import default_collate
    return default_collate


def _tensor_source(dataset):
    """``(tensors, index_map)`` when a batch of ``dataset`` is a plain fancy index of its
    tensors (a TensorDataset, possibly inside Subsets), else None."""
    from .dataset import Subset, TensorDataset
    index_map = None
    while type(dataset) is Subset:
        idx = np.asarray(dataset.indices if not hasattr(dataset.indices, 'numpy')
                         else dataset.indices.numpy())
        if idx.ndim != 1 or idx.dtype.kind not in 'iu':
            return None
        index_map = idx if index_map is None else idx[index_map]
        dataset = dataset.dataset
    if type(dataset) is not TensorDataset:
        return None
    tensors = tuple(dataset.tensors)
    if not tensors or any(getattr(t, 'requires_grad', True) for t in tensors):
        return None     # stacking would record a different graph: take the generic path
    if not all(hasattr(t, 'numpy') for t in tensors):
        return None
    return tensors, index_map


class _MapDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last

    def fetch(self, possibly_batched_index):
        if self.auto_collation:
            getitems = getattr(self.dataset, '__getitems__', None)
            if getitems:
                data = getitems(possibly_batched_index)
            else:
                dataset = self.dataset
                data = [dataset[i] for i in possibly_batched_index]
        else:
            data = self.dataset[possibly_batched_index]
        return self.collate_fn(data)


class _TensorBatchFetcher:
    """``default_collate`` of a TensorDataset batch, as one fancy index per tensor."""

    def __init__(self, dataset, tensors, index_map, collate_fn):
        self.dataset = dataset
        self.tensors = tensors
        self.index_map = index_map
        self.collate_fn = collate_fn
        self.slow = _MapDatasetFetcher(dataset, True, collate_fn, False)

    def fetch(self, indices):
        n = len(indices)
        if n == 0:      # default_collate([]) raises torch's error: keep it
            return self.slow.fetch(indices)
        idx = np.fromiter(indices, dtype=np.int64, count=n) if type(indices) is list \
            else np.asarray(indices, dtype=np.int64)
        if self.index_map is not None:
            idx = self.index_map[idx]
        for t in self.tensors:
            if t.requires_grad:      # changed after the loader was made
                return self.slow.fetch(indices)
        return [t[idx] for t in self.tensors]


class _IterableDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index):
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            it = self.dataset_iter
            for _ in possibly_batched_index:
                try:
                    data.append(next(it))
                except StopIteration:
                    self.ended = True
                    break
            if not data or (self.drop_last and len(data) < len(possibly_batched_index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
    """The fetcher for ``dataset`` (``collate_fn=None`` means ``default_collate``)."""
    if kind == _DatasetKind.Iterable:
        return _IterableDatasetFetcher(dataset, auto_collation, collate_fn, drop_last)
    default_collate = _default_collate()
    if collate_fn is None:
        collate_fn = default_collate
    if auto_collation and collate_fn is default_collate:
        source = _tensor_source(dataset)
        if source is not None:
            return _TensorBatchFetcher(dataset, source[0], source[1], collate_fn)
    return _MapDatasetFetcher(dataset, auto_collation, collate_fn, drop_last)
