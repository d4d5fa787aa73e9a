"""``ember.utils.data``: datasets, samplers, collation and the DataLoader, as torch.utils.data.

>>> from ember.utils.data import TensorDataset, BatchSampler
>>> len(TensorDataset(ember.zeros(3, 2)))
3
"""
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset,
                      Subset, TensorDataset, random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)
from .distributed import DistributedSampler
from ._collate import default_collate, default_convert
from .dataloader import DataLoader
from ._worker import get_worker_info

__all__ = ['BatchSampler', 'ChainDataset', 'ConcatDataset', 'DataLoader', 'Dataset',
           'DistributedSampler', 'get_worker_info',
           'IterableDataset', 'RandomSampler', 'Sampler', 'SequentialSampler', 'StackDataset',
           'Subset', 'SubsetRandomSampler', 'TensorDataset', 'WeightedRandomSampler',
           'default_collate', 'default_convert', 'random_split']
