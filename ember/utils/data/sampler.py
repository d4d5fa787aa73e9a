"""Samplers: the index streams a DataLoader walks (``torch.utils.data.sampler``).

Every random choice is drawn from ember's generator in exactly the order PyTorch 2.13 draws it,
so after the same ``manual_seed`` the indices are identical to PyTorch's.

>>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
[[0, 1], [2, 3], [4]]
"""
import itertools
from typing import Generic, Iterator, Sequence, Sized, TypeVar

import ember

__all__ = ['BatchSampler', 'RandomSampler', 'Sampler', 'SequentialSampler',
           'SubsetRandomSampler', 'WeightedRandomSampler']

_T_co = TypeVar('_T_co', covariant=True)


class Sampler(Generic[_T_co]):
    """Base class of all samplers: a subclass provides ``__iter__`` (indices, or lists of
    indices for a batch sampler) and usually ``__len__``.

    >>> class Evens(Sampler[int]):
    ...     def __init__(self, n): self.n = n
    ...     def __iter__(self): return iter(range(0, self.n, 2))
    ...     def __len__(self): return (self.n + 1) // 2
    >>> list(Evens(5))
    [0, 2, 4]
    """

    def __iter__(self) -> Iterator[_T_co]:
        raise NotImplementedError

    # No default __len__, as in PyTorch: list(sampler) must be able to fall back on __iter__.


class SequentialSampler(Sampler[int]):
    """Yields ``0, 1, ..., len(data_source) - 1``, always in that order.

    >>> list(SequentialSampler(range(3)))
    [0, 1, 2]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def _fresh_generator():
    """PyTorch's private per-epoch generator: a seed drawn as ``random_()`` on an int64 scalar
    from the default generator (one 64-bit draw), then a new Generator seeded with it."""
    seed = int(ember.empty((), dtype=ember.int64).random_().item())
    g = ember.Generator()
    g.manual_seed(seed)
    return g


class RandomSampler(Sampler[int]):
    """Samples elements in random order: a shuffled permutation, or with ``replacement=True``
    ``num_samples`` independent draws.

    Without a ``generator`` each pass draws a fresh seed from the default generator, as
    PyTorch does, so ``manual_seed`` makes the order reproducible.

    >>> g = ember.Generator().manual_seed(0)
    >>> list(RandomSampler(range(5), generator=g))
    [4, 0, 1, 3, 2]
    """

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples=None, generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError('replacement should be a boolean value, but got '
                            f'replacement={self.replacement}')
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError('num_samples should be a positive integer value, but got '
                             f'num_samples={self.num_samples}'
                             + (' (the dataset is empty: a RandomSampler needs at least one '
                                'sample)' if num_samples is None and self.num_samples == 0
                                else ''))

    @property
    def num_samples(self) -> int:
        """``num_samples`` if given, else the data source's current length."""
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        generator = _fresh_generator() if self.generator is None else self.generator
        num_samples = self.num_samples
        if self.replacement:
            # PyTorch draws in chunks of 32 (then the remainder, possibly empty)
            for _ in range(num_samples // 32):
                yield from ember.randint(high=n, size=(32,), dtype=ember.int64,
                                         generator=generator).tolist()
            yield from ember.randint(high=n, size=(num_samples % 32,), dtype=ember.int64,
                                     generator=generator).tolist()
        else:
            for _ in range(num_samples // n):
                yield from ember.randperm(n, generator=generator).tolist()
            # PyTorch always draws this last permutation, even when it keeps none of it
            yield from ember.randperm(n, generator=generator).tolist()[:num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """Yields the given ``indices`` in random order (a fresh permutation each pass).

    >>> g = ember.Generator().manual_seed(0)
    >>> list(SubsetRandomSampler([10, 20, 30], generator=g))
    [30, 10, 20]
    """

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        indices = self.indices
        for i in ember.randperm(len(indices), generator=self.generator).tolist():
            yield indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """Samples ``num_samples`` indices from ``[0, len(weights))`` with probabilities
    proportional to ``weights`` (``ember.multinomial``).

    >>> g = ember.Generator().manual_seed(0)
    >>> list(WeightedRandomSampler([0.0, 1.0, 0.0], 3, generator=g))
    [1, 1, 1]
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator=None) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError('num_samples should be a positive integer value, but got '
                             f'num_samples={num_samples}')
        if not isinstance(replacement, bool):
            raise ValueError('replacement should be a boolean value, but got '
                             f'replacement={replacement}')
        weights_tensor = ember.as_tensor(weights, dtype=ember.double)
        if len(weights_tensor.shape) != 1:
            raise ValueError('weights should be a 1d sequence but given weights have shape '
                             f'{tuple(weights_tensor.shape)}')
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        rand_tensor = ember.multinomial(self.weights, self.num_samples, self.replacement,
                                        generator=self.generator)
        yield from iter(rand_tensor.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list]):
    """Groups the indices of another sampler (any iterable) into lists of ``batch_size``;
    ``drop_last=True`` drops a final short batch.

    >>> list(BatchSampler(range(5), batch_size=2, drop_last=True))
    [[0, 1], [2, 3]]
    """

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError('batch_size should be a positive integer value, but got '
                             f'batch_size={batch_size}')
        if not isinstance(drop_last, bool):
            raise ValueError('drop_last should be a boolean value, but got '
                             f'drop_last={drop_last}')
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list]:
        it = iter(self.sampler)
        size = self.batch_size
        if self.drop_last:
            # zip over the same iterator `size` times takes `size` consecutive items per tuple
            for batch in zip(*([it] * size)):
                yield [*batch]
        else:
            islice = itertools.islice
            batch = [*islice(it, size)]
            while batch:
                yield batch
                batch = [*islice(it, size)]

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
