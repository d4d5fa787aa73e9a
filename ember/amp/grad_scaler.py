"""``GradScaler``: loss scaling for float16 training. The loss is multiplied by a large scale
before ``backward`` so small gradients do not flush to zero; ``step`` divides the gradients
back, skips the optimizer step when any is inf/nan, and ``update`` lowers the scale after an
overflow and raises it after ``growth_interval`` clean steps.

>>> scaler = ember.amp.GradScaler('cpu', init_scale=8.)
>>> scaler.scale(ember.tensor(1.5))
tensor(12.)
"""
import enum
import warnings

from .. import _dtype as D
from .._tensor import Tensor
from .._ops._base import xp_of as _xp, bump_version

__all__ = ['GradScaler', 'OptState']


class OptState(enum.Enum):
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _fresh_state():
    return {'stage': OptState.READY, 'found_inf_per_device': {}}


def _unscale_and_check(grads, found_inf, inv_scale):
    """Multiply every gradient by ``inv_scale`` in place; set ``found_inf`` to 1 when any
    gradient holds an inf or nan (PyTorch's _amp_foreach_non_finite_check_and_unscale_)."""
    inv = inv_scale._data
    for g in grads:
        arr = g._data
        xp = _xp(arr)
        if not bool(xp.isfinite(arr).all()):
            found_inf._data[...] = 1.0
        if inv != 1.0:
            arr *= inv.astype(arr.dtype)
        bump_version(g)


class GradScaler:
    """Scales the loss, unscales gradients, skips steps with inf/nan gradients and adapts
    the scale (PyTorch's ``torch.amp.GradScaler``).

    >>> model = ember.nn.Linear(2, 1)
    >>> opt = ember.optim.SGD(model.parameters(), lr=0.1)
    >>> scaler = ember.GradScaler('cpu')
    >>> scaler.scale(model(ember.ones(1, 2)).sum()).backward()
    >>> scaler.step(opt)
    >>> scaler.update()
    >>> scaler.get_scale()
    65536.0
    """

    def __init__(self, device='cuda', init_scale=2.0 ** 16, growth_factor=2.0,
                 backoff_factor=0.5, growth_interval=2000, enabled=True):
        self._device = device
        self._enabled = enabled
        if self._device == 'cuda':
            from .. import cuda
            if enabled and not cuda.is_available():
                warnings.warn('torch.cuda.amp.GradScaler is enabled, but CUDA is not '
                              'available.  Disabling.', stacklevel=2)
                self._enabled = False
        if self._enabled:
            if not growth_factor > 1.0:
                raise AssertionError('The growth factor must be > 1.0.')
            if not backoff_factor < 1.0:
                raise AssertionError('The backoff factor must be < 1.0.')
            self._init_scale = init_scale
            self._scale = None
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            self._growth_tracker = None
            self._per_optimizer_states = {}

    def _optimizer_state(self, optimizer):
        state = self._per_optimizer_states.get(id(optimizer))
        if state is None:
            state = self._per_optimizer_states[id(optimizer)] = _fresh_state()
        return state

    def _check_scale_growth_tracker(self, funcname):
        fix = ('This may indicate your script did not use scaler.scale(loss or outputs) '
               'earlier in the iteration.')
        if self._scale is None:
            raise AssertionError(f'Attempted {funcname} but _scale is None.  ' + fix)
        if self._growth_tracker is None:
            raise AssertionError(f'Attempted {funcname} but _growth_tracker is None.  ' + fix)
        return self._scale, self._growth_tracker

    def _lazy_init_scale_growth_tracker(self, dev):
        from .._ops.creation import full
        self._scale = full((), self._init_scale, dtype=D.float32, device=dev)
        self._growth_tracker = full((), self._init_growth_tracker, dtype=D.int32, device=dev)

    def scale(self, outputs):
        """``outputs`` (a tensor, or nested lists/tuples/iterables of them) times the scale.

        >>> ember.GradScaler('cpu', init_scale=4.).scale([ember.tensor(1.), ember.tensor(2.)])
        [tensor(4.), tensor(8.)]
        """
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            if self._scale is None:
                self._lazy_init_scale_growth_tracker(outputs.device)
            return outputs * self._scale.to(device=outputs.device)
        return self._scale_iterable(outputs)

    def _scale_iterable(self, val):
        if isinstance(val, Tensor):
            if self._scale is None:
                self._lazy_init_scale_growth_tracker(val.device)
            return val * self._scale.to(device=val.device)
        if isinstance(val, (list, tuple)):
            return type(val)(self._scale_iterable(v) for v in val)
        if hasattr(val, '__iter__'):
            return map(self._scale_iterable, val)
        raise ValueError('outputs must be a Tensor or an iterable of Tensors')

    def _unscale_grads_(self, optimizer, inv_scale, found_inf, allow_fp16):
        grads = []
        for group in optimizer.param_groups:
            for param in group['params']:
                if param.grad is None:
                    continue
                if not allow_fp16 and param.grad.dtype is D.float16:
                    raise ValueError('Attempting to unscale FP16 gradients.')
                grads.append(param.grad)
        _unscale_and_check(grads, found_inf, inv_scale)
        return {found_inf.device: found_inf}

    def unscale_(self, optimizer):
        """Divide ``optimizer``'s gradients by the scale in place (call before clipping);
        records whether any is inf/nan so :meth:`step` can skip. Once per ``update``.

        >>> p = ember.nn.Parameter(ember.ones(2)); opt = ember.optim.SGD([p], lr=1.)
        >>> scaler = ember.GradScaler('cpu', init_scale=4.)
        >>> scaler.scale(p.sum()).backward(); scaler.unscale_(opt); p.grad
        tensor([1., 1.])
        """
        if not self._enabled:
            return
        self._check_scale_growth_tracker('unscale_')
        state = self._optimizer_state(optimizer)
        if state['stage'] is OptState.UNSCALED:
            raise RuntimeError('unscale_() has already been called on this optimizer since the '
                               'last update().')
        if state['stage'] is OptState.STEPPED:
            raise RuntimeError('unscale_() is being called after step().')
        from .._ops.creation import full
        inv_scale = self._scale.double().reciprocal().float()
        found_inf = full((), 0.0, dtype=D.float32, device=self._scale.device)
        state['found_inf_per_device'] = self._unscale_grads_(optimizer, inv_scale, found_inf,
                                                             False)
        state['stage'] = OptState.UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """Unscale (unless :meth:`unscale_` already did) and run ``optimizer.step(*args,
        **kwargs)`` unless a gradient is inf/nan; returns what ``optimizer.step`` returned."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if 'closure' in kwargs:
            raise RuntimeError('Closure use is not currently supported if GradScaler is '
                               'enabled.')
        self._check_scale_growth_tracker('step')
        state = self._optimizer_state(optimizer)
        if state['stage'] is OptState.STEPPED:
            raise RuntimeError('step() has already been called since the last update().')
        if state['stage'] is OptState.READY:
            self.unscale_(optimizer)
        if not state['found_inf_per_device']:
            raise AssertionError('No inf checks were recorded for this optimizer.')
        retval = None
        if not sum(v.item() for v in state['found_inf_per_device'].values()):
            retval = optimizer.step(*args, **kwargs)
        state['stage'] = OptState.STEPPED
        return retval

    def update(self, new_scale=None):
        """Adapt the scale: times ``backoff_factor`` after a skipped step, times
        ``growth_factor`` after ``growth_interval`` clean ones, or ``new_scale`` if given."""
        if not self._enabled:
            return
        scale, tracker = self._check_scale_growth_tracker('update')
        if new_scale is not None:
            if isinstance(new_scale, float):
                scale.fill_(new_scale)
            else:
                reason = ('new_scale should be a float or a 1-element torch.cuda.FloatTensor or '
                          'torch.FloatTensor with requires_grad=False.')
                if not (isinstance(new_scale, Tensor) and new_scale.device.type == self._device
                        and new_scale.numel() == 1 and new_scale.requires_grad is False):
                    raise AssertionError(reason)
                scale.copy_(new_scale.reshape(()))
        else:
            found = [f for s in self._per_optimizer_states.values()
                     for f in s['found_inf_per_device'].values()]
            if not found:
                raise AssertionError('No inf checks were recorded prior to update.')
            self._update_scale(sum(f.item() for f in found))
        self._per_optimizer_states = {}

    def _update_scale(self, found_inf):
        """PyTorch's _amp_update_scale_: back off and reset the tracker on an overflow;
        otherwise count the clean step and grow the scale after growth_interval of them
        (unless the grown scale would be inf)."""
        scale, tracker = self._scale._data, self._growth_tracker._data
        if found_inf:
            scale[...] = scale * D.float32.np.type(self._backoff_factor)
            tracker[...] = 0
            return
        clean = int(tracker) + 1
        if clean == self._growth_interval:
            grown = scale * D.float32.np.type(self._growth_factor)
            if _xp(scale).isfinite(grown):
                scale[...] = grown
            clean = 0
        tracker[...] = clean

    def _get_scale_async(self):
        return self._scale

    def get_scale(self):
        """The current scale as a Python float (1.0 when disabled)."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else self._scale.item()

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        if not self._enabled:
            return 0
        if self._growth_tracker is None:
            return self._init_growth_tracker
        return self._growth_tracker.item()

    def is_enabled(self):
        return self._enabled

    def state_dict(self):
        """The scale, the factors, the interval and the growth tracker ({} when disabled)."""
        if not self._enabled:
            return {}
        return {'scale': self.get_scale(), 'growth_factor': self._growth_factor,
                'backoff_factor': self._backoff_factor,
                'growth_interval': self._growth_interval,
                '_growth_tracker': self._get_growth_tracker()}

    def load_state_dict(self, state_dict):
        """Restore what :meth:`state_dict` returned."""
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError('The source state dict is empty, possibly because it was saved '
                               'from a disabled instance of GradScaler.')
        self._init_scale = state_dict['scale']
        if self._scale is not None:
            self._scale.fill_(state_dict['scale'])
        self._growth_factor = state_dict['growth_factor']
        self._backoff_factor = state_dict['backoff_factor']
        self._growth_interval = state_dict['growth_interval']
        self._init_growth_tracker = state_dict['_growth_tracker']
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(state_dict['_growth_tracker'])
