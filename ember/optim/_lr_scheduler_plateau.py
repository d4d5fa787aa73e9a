"""``ReduceLROnPlateau``: lower the lr when a watched metric stops improving.

Re-exported by :mod:`ember.optim.lr_scheduler`.

>>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=1.0)
>>> sched = ember.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
>>> for loss in [3.0, 2.0, 2.0, 2.0]:
...     opt.step(); sched.step(loss)
>>> sched.get_last_lr()
[0.5]
"""
import math
import warnings

from ._lr_scheduler_base import (EPOCH_DEPRECATION_WARNING, LRScheduler, _check_optimizer,
                                 _param_groups_val_list, _update_param_group_val)

__all__ = ['ReduceLROnPlateau']


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by ``factor`` after ``patience`` epochs without improvement of the
    metric passed to ``step(metrics)`` (``mode='min'``: lower is better; ``'max'``: higher).

    An epoch improves on the best value by more than ``threshold`` (relative:
    ``best * (1 - threshold)``, or absolute: ``best - threshold``); after a reduction the
    scheduler waits ``cooldown`` epochs; the lr never goes below ``min_lr`` and changes smaller
    than ``eps`` are skipped.

    >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=1.0)
    >>> sched = ember.optim.lr_scheduler.ReduceLROnPlateau(opt, mode='max', patience=0)
    >>> opt.step(); sched.step(0.5); opt.step(); sched.step(0.4); sched.get_last_lr()
    [0.1]
    """

    def __init__(self, optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8):
        if factor >= 1.0:
            raise ValueError(f'Factor should be < 1.0. Got factor={factor}; the lr is '
                             'multiplied by it, so use e.g. 0.1 or 0.5.')
        self.factor = factor
        _check_optimizer(optimizer, 'ReduceLROnPlateau')
        self.optimizer = optimizer
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(f'expected {n} min_lrs, got {len(min_lr)} (one per parameter '
                                 'group, or a single number for all)')
            self.default_min_lr = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * n
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = _param_groups_val_list(self.optimizer, 'lr')
        self._init_is_better(mode=mode, threshold=threshold, threshold_mode=threshold_mode)
        self._reset()

    def _reset(self):
        """Forget the best value, the bad-epoch count and the cooldown."""
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def step(self, metrics, epoch=None):
        """Record this epoch's metric (a number or a 0-d tensor) and reduce the lr if needed.

        >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=1.0)
        >>> s = ember.optim.lr_scheduler.ReduceLROnPlateau(opt)
        >>> s.step(ember.tensor(1.0)); s.best
        1.0
        """
        current = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0                 # bad epochs in cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr(epoch)
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = _param_groups_val_list(self.optimizer, 'lr')

    def _reduce_lr(self, epoch):
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(
                    f'The number of param groups in the `optimizer` ({len(groups)}) differs '
                    f'from when `ReduceLROnPlateau` was initialized ({len(self.min_lrs)}), '
                    'usually due to a new param group being added to the optimizer. Please '
                    'modify the `min_lrs` field to match the length of the `optimizer` param '
                    'groups.')
            self.min_lrs = [self.default_min_lr] * len(groups)
        for i, group in enumerate(groups):
            old_lr = float(group['lr'])
            new_lr = max(old_lr * self.factor, self.min_lrs[i])
            if old_lr - new_lr > self.eps:
                _update_param_group_val(group, 'lr', new_lr)

    @property
    def in_cooldown(self):
        """True while epochs after a reduction are still being ignored.

        >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=1.0)
        >>> ember.optim.lr_scheduler.ReduceLROnPlateau(opt).in_cooldown
        False
        """
        return self.cooldown_counter > 0

    def _is_better(self, a, best):
        if self.mode == 'min':
            if self.threshold_mode == 'rel':
                return a < best * (1.0 - self.threshold)
            return a < best - self.threshold
        if self.threshold_mode == 'rel':
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def _init_is_better(self, mode, threshold, threshold_mode):
        if mode not in {'min', 'max'}:
            raise ValueError('mode ' + mode + " is unknown! (use 'min' or 'max')")
        if threshold_mode not in {'rel', 'abs'}:
            raise ValueError('threshold mode ' + threshold_mode
                             + " is unknown! (use 'rel' or 'abs')")
        self.mode_worse = math.inf if mode == 'min' else -math.inf
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode

    def load_state_dict(self, state_dict):
        """Restore the attributes saved by ``state_dict()`` (and re-check the mode).

        >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=1.0)
        >>> s = ember.optim.lr_scheduler.ReduceLROnPlateau(opt); s.load_state_dict(s.state_dict())
        """
        self.__dict__.update(state_dict)
        self._init_is_better(mode=self.mode, threshold=self.threshold,
                             threshold_mode=self.threshold_mode)
