"""Stochastic Weight Averaging and EMA of weights, as ``torch.optim.swa_utils``.

``AveragedModel`` keeps a running average (SWA by default, EMA with ``get_ema_*``) of a
model's parameters, ``SWALR`` anneals the learning rate to a constant ``swa_lr``, and
``update_bn`` recomputes BatchNorm statistics for the averaged weights.

>>> model = ember.nn.Linear(2, 1)
>>> swa = ember.optim.swa_utils.AveragedModel(model)
>>> swa.update_parameters(model); int(swa.n_averaged)
1
"""
import itertools
import math
from copy import deepcopy

from .._dtype import int64
from .._ops.creation import tensor
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..nn.modules.module import Module
from ..nn.modules.batchnorm import _BatchNorm
from ._lr_scheduler_base import LRScheduler, _format_param, _warn_get_lr_called_within_step

__all__ = ['AveragedModel', 'update_bn', 'SWALR', 'get_ema_multi_avg_fn',
           'get_swa_multi_avg_fn', 'get_ema_avg_fn', 'get_swa_avg_fn']


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f'Invalid decay value {decay} provided. Please provide a value in '
                         '[0,1] range.')


def _is_float_or_complex(t):
    return t.is_floating_point() or t.is_complex()


def get_ema_multi_avg_fn(decay=0.999):
    """In-place EMA over lists of tensors: ``avg = decay * avg + (1 - decay) * current``.

    >>> avg, cur = [ember.zeros(2)], [ember.ones(2)]
    >>> ember.optim.swa_utils.get_ema_multi_avg_fn(0.9)(avg, cur, 1); avg[0]
    tensor([0.1000, 0.1000])
    """
    _check_decay(decay)

    def ema_update(ema_param_list, current_param_list, _):
        with no_grad():
            if _is_float_or_complex(ema_param_list[0]):
                for p_ema, p_model in zip(ema_param_list, current_param_list):
                    p_ema.lerp_(p_model, 1 - decay)
            else:
                for p_ema, p_model in zip(ema_param_list, current_param_list):
                    p_ema.copy_(p_ema * decay + p_model * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """In-place running mean over lists of tensors: ``avg += (current - avg) / (n + 1)``.

    >>> avg, cur = [ember.zeros(2)], [ember.ones(2)]
    >>> ember.optim.swa_utils.get_swa_multi_avg_fn()(avg, cur, 1); avg[0]
    tensor([0.5000, 0.5000])
    """
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        with no_grad():
            if _is_float_or_complex(averaged_param_list[0]):
                weight = 1 / (num_averaged + 1)
                if isinstance(weight, Tensor):
                    weight = weight.item()
                for p_avg, p_model in zip(averaged_param_list, current_param_list):
                    p_avg.lerp_(p_model, weight)
            else:
                for p_avg, p_model in zip(averaged_param_list, current_param_list):
                    diff = p_model - p_avg
                    if isinstance(num_averaged, Tensor):
                        p_avg.addcdiv_(diff, num_averaged + 1)
                    else:
                        p_avg.add_(diff, alpha=1.0 / (num_averaged + 1))
    return swa_update


def get_ema_avg_fn(decay=0.999):
    """EMA of one tensor, returned: ``decay * avg + (1 - decay) * current``.

    >>> ember.optim.swa_utils.get_ema_avg_fn(0.5)(ember.zeros(1), ember.ones(1), 1)
    tensor([0.5000])
    """
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    """Running mean of one tensor, returned: ``avg + (current - avg) / (n + 1)``.

    >>> ember.optim.swa_utils.get_swa_avg_fn()(ember.zeros(1), ember.ones(1), 3)
    tensor([0.2500])
    """
    def swa_update(averaged_param, current_param, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


class AveragedModel(Module):
    """A copy of ``model`` whose parameters are the average of ``model``'s over the calls to
    :meth:`update_parameters` (SWA by default; ``avg_fn``/``multi_avg_fn`` for others, e.g.
    EMA). ``n_averaged`` (an int64 buffer) counts the updates; the state dict holds the copy
    under ``module.`` and ``n_averaged``. ``use_buffers=True`` averages buffers too (else
    they are copied from ``model``).

    >>> swa = ember.optim.swa_utils.AveragedModel(ember.nn.Linear(2, 1))
    >>> list(swa.state_dict())
    ['n_averaged', 'module.weight', 'module.bias']
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError('Only one of avg_fn and multi_avg_fn should be provided')
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer('n_averaged', tensor(0, dtype=int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        """Run the averaged copy of the model."""
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        """Fold ``model``'s current parameters into the average (the first call copies them).

        >>> m = ember.nn.Linear(1, 1); swa = ember.optim.swa_utils.AveragedModel(m)
        >>> swa.update_parameters(m); int(swa.n_averaged)
        1
        """
        if self.use_buffers:
            mine = itertools.chain(self.module.parameters(), self.module.buffers())
            theirs = itertools.chain(model.parameters(), model.buffers())
        else:
            mine, theirs = self.parameters(), model.parameters()
        averaged, current = [], []
        first = bool(self.n_averaged == 0)
        for p_avg, p_model in zip(mine, theirs):
            p_model = p_model.detach().to(p_avg.device)
            averaged.append(p_avg.detach())
            current.append(p_model)
            if first:
                p_avg.detach().copy_(p_model)
        if self.n_averaged > 0:
            self._average(averaged, current)
        if not self.use_buffers:
            for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                b_swa.detach().copy_(b_model.detach().to(b_swa.device))
        self.n_averaged += 1

    def _average(self, averaged, current):
        n = self.n_averaged
        if self.multi_avg_fn is not None:
            for group_avg, group_cur in _by_device_and_dtype(averaged, current):
                self.multi_avg_fn(group_avg, group_cur, n.to(group_avg[0].device))
            return
        avg_fn = self.avg_fn or get_swa_avg_fn()   # PyTorch's CPU path: one tensor at a time
        for p_avg, p_model in zip(averaged, current):
            p_avg.copy_(avg_fn(p_avg, p_model, n.to(p_avg.device)))


def _by_device_and_dtype(averaged, current):
    """Pairs of lists grouped by (device, dtype), in first-seen order (as torch's foreach)."""
    groups = {}
    for a, c in zip(averaged, current):
        key = (str(a.device), a.dtype)
        groups.setdefault(key, ([], []))
        groups[key][0].append(a)
        groups[key][1].append(c)
    return list(groups.values())


def update_bn(loader, model, device=None):
    """Recompute the BatchNorm running statistics of ``model`` with one pass over ``loader``
    (a cumulative average: ``momentum=None`` during the pass). Items of ``loader`` that are
    lists or tuples give their first element as the input.

    >>> model = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.BatchNorm1d(2))
    >>> ember.optim.swa_utils.update_bn([ember.ones(4, 2)], model)
    >>> int(model[1].num_batches_tracked)
    1
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to ``swa_lr`` over ``anneal_epochs`` steps (``'cos'`` or
    ``'linear'``), then hold it there.

    >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=1.0)
    >>> sched = ember.optim.swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=2,
    ...                                     anneal_strategy='linear')
    >>> [round(g['lr'], 4) for g in opt.param_groups]
    [1.0]
    >>> opt.step(); sched.step(); sched.get_last_lr()
    [0.55]
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy='cos',
                 last_epoch=-1):
        swa_lrs = _format_param('swa_lr', optimizer, swa_lr)
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group['swa_lr'] = lr
        if anneal_strategy not in ['cos', 'linear']:
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f'{anneal_strategy}')
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f'anneal_epochs must be equal or greater than 0, got '
                             f'{anneal_epochs}')
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = (self._cosine_anneal if anneal_strategy == 'cos'
                            else self._linear_anneal)

    def get_lr(self):
        """The lrs of this step: the pre-annealing lr recovered from the current one, then
        moved a fraction ``anneal_func(step / anneal_epochs)`` of the way to ``swa_lr``."""
        _warn_get_lr_called_within_step(self)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(g['lr'], g['swa_lr'], prev_alpha)
                    for g in self.optimizer.param_groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [g['swa_lr'] * alpha + lr * (1 - alpha)
                for g, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def state_dict(self):
        """Every attribute except the optimizer and the annealing function."""
        return {k: v for k, v in self.__dict__.items() if k not in ('optimizer', 'anneal_func')}

    def load_state_dict(self, state_dict):
        """Restore the attributes saved by :meth:`state_dict`."""
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
