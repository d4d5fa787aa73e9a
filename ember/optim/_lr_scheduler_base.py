"""``LRScheduler``: the base of every learning-rate scheduler (re-exported by ``lr_scheduler``).

A scheduler owns an optimizer and rewrites ``group['lr']`` of each parameter group once per
``step()``. The constructor records ``initial_lr`` in every group (``base_lrs``) and makes the
first step itself (epoch 0), exactly as PyTorch does, so ``last_epoch`` counts the steps taken.

>>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=0.1)
>>> sched = ember.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
>>> sched.last_epoch, sched.base_lrs, opt.param_groups[0]['initial_lr']
(0, [0.1], 0.1)
"""
import functools
import warnings
import weakref

from .._tensor import Tensor
from .optimizer import Optimizer

__all__ = ['LRScheduler', '_LRScheduler', 'EPOCH_DEPRECATION_WARNING']

EPOCH_DEPRECATION_WARNING = (
    'The epoch parameter in `scheduler.step()` was not necessary and is being '
    'deprecated where possible. Please use `scheduler.step()` to step the '
    'scheduler. During the deprecation, if epoch is different from None, the '
    'closed form is used instead of the new chainable form, where available. '
    'Please open an issue if you are unable to replicate your use case: '
    'https://github.com/pytorch/pytorch/issues/new/choose.'
)

_HOW_TO = 'https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate'


def _check_optimizer(optimizer, who='the scheduler'):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f'{type(optimizer).__name__} is not an Optimizer (pass the optimizer '
                        f'itself to {who}, e.g. StepLR(optimizer, step_size=10), not the model '
                        'or its parameters)')


def _to_scalar(x):
    """A 1-element tensor hyper-parameter as a 0-d tensor; anything else as is."""
    if isinstance(x, Tensor) and x.dim() != 0:
        return x.squeeze()
    return x


def _format_param(name, optimizer, param):
    """One value per parameter group: a scalar is repeated, a list must match in length."""
    if isinstance(param, (list, tuple)):
        if len(param) != len(optimizer.param_groups):
            raise ValueError(
                f'{name} must have the same length as optimizer.param_groups. '
                f'{name} has {len(param)} values, param_groups has '
                f'{len(optimizer.param_groups)}.')
    else:
        param = [param] * len(optimizer.param_groups)
    return [p.clone() if isinstance(p, Tensor) else p for p in param]


def _param_groups_val_list(optimizer, key):
    """``[group[key] for each group]``, tensors cloned so callers cannot alias them."""
    return [g[key].clone() if isinstance(g[key], Tensor) else g[key]
            for g in optimizer.param_groups]


def _update_param_group_val(group, key, val):
    """Set ``group[key]``; a tensor-valued entry is filled in place (keeps its identity)."""
    if isinstance(group[key], Tensor):
        group[key].fill_(_to_scalar(val))
    else:
        group[key] = val


def _set_lrs(sched, values):
    """Write one lr per parameter group and remember them as ``sched._last_lr``."""
    groups = sched.optimizer.param_groups
    if len(values) != len(groups):
        which = 'longer' if len(values) > len(groups) else 'shorter'
        raise ValueError(f'zip() argument 2 is {which} than argument 1 '
                         f'({type(sched).__name__} computed {len(values)} learning rates for '
                         f'{len(groups)} parameter groups; was a group added after the '
                         'scheduler was created?)')
    for group, lr in zip(groups, values):
        _update_param_group_val(group, 'lr', lr)
    sched._last_lr = _param_groups_val_list(sched.optimizer, 'lr')


def _warn_get_lr_called_within_step(sched):
    if not sched._get_lr_called_within_step:
        warnings.warn('To get the last learning rate computed by the scheduler, '
                      'please use `get_last_lr()`.', UserWarning, stacklevel=3)


class _enable_get_lr_call:
    """Marks ``get_lr()`` calls made by ``step`` (no "use get_last_lr" warning)."""

    __slots__ = ('o',)

    def __init__(self, o):
        self.o = o

    def __enter__(self):
        self.o._get_lr_called_within_step = True
        return self

    def __exit__(self, *exc):
        self.o._get_lr_called_within_step = False


class _initial_mode:
    """Marks the constructor's own first step (recursive forms leave the lr as it is)."""

    __slots__ = ('o',)

    def __init__(self, o):
        self.o = o

    def __enter__(self):
        self.o._is_initial = True

    def __exit__(self, *exc):
        self.o._is_initial = False


def _patch_track_step_called(sched, opt):
    """Wrap ``opt.step`` (once per optimizer) so it records that it ran, as PyTorch does;
    replacing ``opt.step`` afterwards is detected by the missing marker."""
    if hasattr(opt.step, '_wrapped_by_lr_sched'):
        return
    opt_ref = weakref.ref(sched.optimizer)
    step = opt.step
    func = getattr(step, '__func__', None)

    if func is None:        # a plain callable was assigned to opt.step
        @functools.wraps(step)
        def wrapper(*args, **kwargs):
            opt_ref()._opt_called = True
            return step(*args, **kwargs)
    else:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            o = opt_ref()
            o._opt_called = True
            return func(o, *args, **kwargs)
    wrapper._wrapped_by_lr_sched = True
    opt.step = wrapper


class LRScheduler:
    """Base class of the learning-rate schedulers: ``LRScheduler(optimizer, last_epoch=-1)``.

    A subclass implements ``get_lr()`` (the lrs for ``self.last_epoch``, usually from the
    current ``group['lr']``: the chainable form) and may add ``_get_closed_form_lr()`` (the
    lrs from ``base_lrs`` alone, used by the deprecated ``step(epoch)``).

    >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=1.0)
    >>> class Halve(ember.optim.lr_scheduler.LRScheduler):
    ...     def get_lr(self):
    ...         return [b * 0.5 ** self.last_epoch for b in self.base_lrs]
    >>> sched = Halve(opt)
    >>> opt.step(); sched.step(); sched.get_last_lr()
    [0.5]
    """

    _get_lr_called_within_step = False
    _is_initial = False

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                initial_lr = group['lr']
                if isinstance(initial_lr, Tensor):
                    initial_lr = initial_lr.clone()
                group.setdefault('initial_lr', initial_lr)
        else:
            for i, group in enumerate(optimizer.param_groups):
                if 'initial_lr' not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when "
                        'resuming scheduler with last_epoch >= 0.\n'
                        'This typically happens when:\n'
                        "1. You're trying to resume training from a checkpoint but haven't "
                        'properly loaded the optimizer state\n'
                        "2. You're using last_epoch >= 0 for a fresh training run (not "
                        'recommended)')
        self.base_lrs = _param_groups_val_list(optimizer, 'initial_lr')
        self.last_epoch = last_epoch
        _patch_track_step_called(self, optimizer)
        self._initial_step()

    def _initial_step(self):
        """The constructor's step to epoch ``last_epoch + 1`` (no warnings)."""
        self._step_count = 0
        with _initial_mode(self):
            self.step()

    def state_dict(self):
        """Every attribute except the optimizer (``{'last_epoch': ..., 'base_lrs': ...}``).

        >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=0.1)
        >>> ember.optim.lr_scheduler.StepLR(opt, 3).state_dict()['last_epoch']
        0
        """
        return {k: v for k, v in self.__dict__.items() if k != 'optimizer'}

    def load_state_dict(self, state_dict):
        """Restore the attributes saved by :meth:`state_dict`.

        >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=0.1)
        >>> s = ember.optim.lr_scheduler.StepLR(opt, 3); s.load_state_dict({'last_epoch': 7})
        >>> s.last_epoch
        7
        """
        self.__dict__.update(state_dict)

    def get_last_lr(self):
        """The learning rates set by the last ``step()``, one per parameter group.

        >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=0.1)
        >>> ember.optim.lr_scheduler.StepLR(opt, 3).get_last_lr()
        [0.1]
        """
        return self._last_lr

    def get_lr(self):
        """The learning rates for ``self.last_epoch`` (implemented by each scheduler)."""
        raise NotImplementedError

    def step(self, epoch=None):
        """Advance one epoch (or, deprecated, jump to ``epoch``) and set each group's lr.

        >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=1.0)
        >>> s = ember.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.1)
        >>> opt.step(); s.step(); s.last_epoch
        1
        """
        if self._step_count == 1:
            if not hasattr(self.optimizer.step, '_wrapped_by_lr_sched'):
                warnings.warn(
                    'Seems like `optimizer.step()` has been overridden after learning rate '
                    'scheduler initialization. Please, make sure to call `optimizer.step()` '
                    'before `lr_scheduler.step()`. See more details at ' + _HOW_TO,
                    UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, '_opt_called', False):
                warnings.warn(
                    'Detected call of `lr_scheduler.step()` before `optimizer.step()`. '
                    'In PyTorch 1.1.0 and later, you should call them in the opposite order: '
                    '`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this '
                    'will result in PyTorch skipping the first value of the learning rate '
                    'schedule. See more details at ' + _HOW_TO, UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        with _enable_get_lr_call(self):
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed = getattr(self, '_get_closed_form_lr', None)
                values = closed() if closed is not None else self.get_lr()
        _set_lrs(self, values)


class _LRScheduler(LRScheduler):
    """The old name of :class:`LRScheduler` (kept for backward compatibility).

    >>> issubclass(ember.optim.lr_scheduler._LRScheduler, ember.optim.lr_scheduler.LRScheduler)
    True
    """
