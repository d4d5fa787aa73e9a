"""Datasets: map-style and iterable datasets and their combinators (``torch.utils.data.dataset``).

>>> ds = TensorDataset(ember.arange(4), ember.tensor([0, 1, 0, 1]))
>>> len(ds), ds[1]
(4, (tensor(1), tensor(1)))
"""
import bisect
import itertools
import math
import warnings
from typing import Generic, Iterable, TypeVar

from ember import default_generator, randperm

__all__ = ['ChainDataset', 'ConcatDataset', 'Dataset', 'IterableDataset', 'StackDataset',
           'Subset', 'TensorDataset', 'random_split']

_T = TypeVar('_T')
_T_co = TypeVar('_T_co', covariant=True)


class Dataset(Generic[_T_co]):
    """A map from keys (usually ``0..len-1``) to samples. Subclasses define ``__getitem__``
    and usually ``__len__``; they may define ``__getitems__(indices)`` to fetch a whole batch.
    ``a + b`` concatenates two datasets.

    >>> class Squares(Dataset):
    ...     def __len__(self): return 3
    ...     def __getitem__(self, i): return i * i
    >>> ds = Squares() + Squares()
    >>> len(ds), ds[4]
    (6, 1)
    """

    def __getitem__(self, index) -> _T_co:
        raise NotImplementedError('Subclasses of Dataset should implement __getitem__.')

    def __add__(self, other):
        return ConcatDataset([self, other])

    # No default __len__ (see Sampler): len() of a Dataset without one is a TypeError.


class IterableDataset(Dataset[_T_co], Iterable[_T_co]):
    """A stream of samples: subclasses define ``__iter__``. With ``num_workers > 0`` each
    worker holds its own copy; use ``get_worker_info()`` to split the work. ``a + b`` chains.

    >>> class Count(IterableDataset):
    ...     def __init__(self, n): self.n = n
    ...     def __iter__(self): return iter(range(self.n))
    >>> list(Count(2) + Count(3))
    [0, 1, 0, 1, 2]
    """

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are ``tuple(t[index] for t in tensors)``; all tensors share their first size.

    >>> TensorDataset(ember.tensor([[1, 2], [3, 4]]), ember.tensor([0, 1]))[1]
    (tensor([3, 4]), tensor(1))
    """

    def __init__(self, *tensors) -> None:
        if any(tensors[0].size(0) != tensor.size(0) for tensor in tensors):
            sizes = [tuple(t.shape) for t in tensors]
            raise AssertionError(f'Size mismatch between tensors: shapes {sizes}; every tensor '
                                 'needs the same size in dim 0 (one row per sample)')
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class StackDataset(Dataset):
    """Zips datasets of equal length: ``StackDataset(a, b)[i] == (a[i], b[i])`` and
    ``StackDataset(x=a, y=b)[i] == {'x': a[i], 'y': b[i]}``.

    >>> StackDataset([1, 2], 'ab')[1], StackDataset(x=[1, 2], y='ab')[0]
    ((2, 'b'), {'x': 1, 'y': 'a'})
    """

    def __init__(self, *args, **kwargs) -> None:
        if args:
            if kwargs:
                raise ValueError('Supported either ``tuple``- (via ``args``) or``dict``- (via '
                                 '``kwargs``) like input/output, but both types are given.')
            datasets = args
            parts = args
        elif kwargs:
            datasets = kwargs
            parts = list(kwargs.values())
        else:
            raise ValueError('At least one dataset should be passed')
        self._length = len(parts[0])
        if any(self._length != len(d) for d in parts):
            raise ValueError(f'Size mismatch between datasets: lengths {[len(d) for d in parts]}')
        self.datasets = datasets

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices: list):
        n = len(indices)
        as_dict = isinstance(self.datasets, dict)
        items = self.datasets.items() if as_dict else enumerate(self.datasets)
        columns = []
        for _, d in items:
            getitems = getattr(d, '__getitems__', None)
            if callable(getitems):
                col = getitems(indices)
                if len(col) != n:
                    raise ValueError("Nested dataset's output size mismatch. "
                                     f'Expected {n}, got {len(col)}')
            else:
                col = [d[i] for i in indices]
            columns.append(col)
        if as_dict:
            keys = list(self.datasets)
            return [dict(zip(keys, row)) for row in zip(*columns)]
        return list(zip(*columns)) if columns else [() for _ in indices]

    def __len__(self) -> int:
        return self._length


class ConcatDataset(Dataset):
    """Datasets one after another; ``cumulative_sizes[k]`` is the total length of the first
    k+1 datasets.

    >>> ds = ConcatDataset([[1, 2], [3, 4, 5]])
    >>> len(ds), ds.cumulative_sizes, ds[2], ds[-1]
    (5, [2, 5], 3, 5)
    """

    @staticmethod
    def cumsum(sequence):
        """Running totals of the lengths of ``sequence``'s datasets."""
        r, s = [], 0
        for e in sequence:
            s += len(e)
            r.append(s)
        return r

    def __init__(self, datasets) -> None:
        super().__init__()
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError('datasets should not be an empty iterable')
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError('ConcatDataset does not support IterableDataset; '
                                     'use ChainDataset to join streams')
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError('absolute value of index should not exceed dataset length '
                                 f'(index {idx}, length {len(self)})')
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        if dataset_idx == 0:
            sample_idx = idx
        else:
            sample_idx = idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]

    @property
    def cummulative_sizes(self):
        """Deprecated misspelling of ``cumulative_sizes``."""
        warnings.warn('`cummulative_sizes` attribute is renamed to `cumulative_sizes`',
                      FutureWarning, stacklevel=2)
        return self.cumulative_sizes


class ChainDataset(IterableDataset):
    """Iterable datasets one after another, chained on the fly.

    >>> class Two(IterableDataset):
    ...     def __iter__(self): return iter('ab')
    ...     def __len__(self): return 2
    >>> ds = ChainDataset([Two(), Two()])
    >>> list(ds), len(ds)
    (['a', 'b', 'a', 'b'], 4)
    """

    def __init__(self, datasets) -> None:
        super().__init__()
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError('ChainDataset only supports IterableDataset; use '
                                     f'ConcatDataset for map-style datasets (got {type(d).__name__})')
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError('ChainDataset only supports IterableDataset; use '
                                     f'ConcatDataset for map-style datasets (got {type(d).__name__})')
            total += len(d)
        return total


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    >>> s = Subset('abcde', [4, 0])
    >>> len(s), s[0], s[1]
    (2, 'e', 'a')
    """

    def __init__(self, dataset, indices) -> None:
        self.dataset = dataset
        self.indices = indices
        cls = type(self)
        if cls.__getitem__ is not Subset.__getitem__ and cls.__getitems__ is Subset.__getitems__:
            raise NotImplementedError(
                f'{cls.__name__} overrides __getitem__ but not __getitems__. When subclassing '
                'Subset and overriding __getitem__, you must also override __getitems__ to ensure '
                'DataLoader works correctly with your custom logic. A simple implementation:\n\n'
                'def __getitems__(self, indices):\n'
                '    return [self.__getitem__(idx) for idx in indices]')

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        own = self.indices
        getitems = getattr(self.dataset, '__getitems__', None)
        if callable(getitems):
            return getitems([own[i] for i in indices])
        ds = self.dataset
        return [ds[own[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset, lengths, generator=default_generator):
    """Split ``dataset`` into non-overlapping random Subsets of the given ``lengths``, or of
    fractions summing to 1 (``floor(frac * len)`` each, the remainder handed out one by one
    from the first split on). The order comes from ``randperm(len(dataset), generator)``.

    >>> a, b = random_split(range(10), [0.7, 0.3], generator=ember.Generator().manual_seed(0))
    >>> len(a), len(b), sorted(list(a) + list(b)) == list(range(10))
    (7, 3, True)
    """
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        n = len(dataset)
        counts = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f'Fraction at index {i} is not between 0 and 1 (got {frac})')
            counts.append(math.floor(n * frac))
        remainder = n - sum(counts)
        for i in range(remainder):
            counts[i % len(counts)] += 1
        lengths = counts
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f'Length of split at index {i} is 0. '
                              'This might result in an empty dataset.', stacklevel=2)
    if sum(lengths) != len(dataset):
        raise ValueError('Sum of input lengths does not equal the length of the input dataset! '
                         f'(lengths {list(lengths)} sum to {sum(lengths)}, the dataset has '
                         f'{len(dataset)} samples; fractions must sum to 1)')
    indices = randperm(sum(lengths), generator=generator).tolist()
    return [Subset(dataset, indices[offset - length:offset])
            for offset, length in zip(itertools.accumulate(lengths), lengths)]
