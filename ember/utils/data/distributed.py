"""``DistributedSampler``: each of ``num_replicas`` processes reads its own share of a dataset
(``torch.utils.data.distributed``).

>>> list(DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False))
[1, 3, 0]
"""
import math

import ember
from .sampler import Sampler

__all__ = ['DistributedSampler']


class DistributedSampler(Sampler):
    """Restricts sampling to the share of replica ``rank`` out of ``num_replicas``.

    With ``shuffle=True`` the order is ``randperm(len(dataset))`` from a Generator seeded with
    ``seed + epoch`` (the same in every process): call ``set_epoch(epoch)`` before each epoch
    to get a new order. Without ``drop_last`` the list is padded by repeating its start so
    every replica gets ``ceil(len / num_replicas)`` indices; with it the tail is dropped.
    Replica ``rank`` takes every ``num_replicas``-th index starting at ``rank``.

    ember has no process group yet, so ``num_replicas`` and ``rank`` must be given.

    >>> s = DistributedSampler(range(6), num_replicas=2, rank=0, seed=0)
    >>> s.set_epoch(1); len(s)
    3
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False) -> None:
        if num_replicas is None or rank is None:
            missing = ' and '.join(n for n, v in (('num_replicas', num_replicas),
                                                  ('rank', rank)) if v is None)
            raise ValueError(
                'Default process group has not been initialized, please make sure to call '
                'init_process_group. ember has no distributed process group yet, so '
                f'DistributedSampler cannot look up {missing}: pass them explicitly, e.g. '
                'DistributedSampler(dataset, num_replicas=world_size, rank=rank).')
        if rank >= num_replicas or rank < 0:
            raise ValueError(f'Invalid rank {rank}, rank should be in the interval '
                             f'[0, {num_replicas - 1}]')
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(self.dataset)
        if self.drop_last and n % self.num_replicas != 0:
            # the largest per-replica count that needs no padding
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            g = ember.Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = ember.randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        total = self.total_size
        if not self.drop_last:
            pad = total - len(indices)
            if pad <= len(indices):
                indices += indices[:pad]
            else:
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        else:
            indices = indices[:total]
        if len(indices) != total:
            raise AssertionError(f'Number of indices ({len(indices)}) does not match total_size '
                                 f'({total})')
        indices = indices[self.rank:total:self.num_replicas]
        if len(indices) != self.num_samples:
            raise AssertionError(f'Number of subsampled indices ({len(indices)}) does not match '
                                 f'num_samples ({self.num_samples})')
        return iter(indices)

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch: with ``shuffle=True`` the next pass uses the order of ``seed + epoch``.

        >>> s = DistributedSampler(range(4), num_replicas=1, rank=0); s.set_epoch(3); s.epoch
        3
        """
        self.epoch = epoch
