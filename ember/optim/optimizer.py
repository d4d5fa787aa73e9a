"""``Optimizer``: the base class of every optimizer (param groups, state, state_dict, hooks).

A subclass passes its hyper-parameters as ``defaults`` and implements ``step``; everything
else (parameter groups, ``zero_grad``, ``state_dict``/``load_state_dict`` in PyTorch's
layout, step hooks, ``repr``) lives here.

>>> w = ember.nn.Parameter(ember.ones(2))
>>> opt = ember.optim.SGD([w], lr=0.1)
>>> opt.state_dict()['param_groups'][0]['params']
[0]
"""
from collections import OrderedDict, defaultdict
import copy
import functools
import itertools
import warnings

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from .._ops._elementwise import quietly
from ..utils.hooks import RemovableHandle

__all__ = ['Optimizer', 'required', 'register_optimizer_step_pre_hook',
           'register_optimizer_step_post_hook']


class _RequiredParameter:
    """Singleton marking a hyper-parameter with no default (e.g. SGD's lr in old PyTorch)."""

    def __repr__(self):
        return '<required parameter>'


required = _RequiredParameter()

_GLOBAL_PRE_HOOKS = OrderedDict()
_GLOBAL_POST_HOOKS = OrderedDict()


def register_optimizer_step_pre_hook(hook):
    """``hook(optimizer, args, kwargs)`` runs before every optimizer's ``step``.

    >>> h = ember.optim.optimizer.register_optimizer_step_pre_hook(lambda o, a, k: None)
    >>> h.remove()
    """
    handle = RemovableHandle(_GLOBAL_PRE_HOOKS)
    _GLOBAL_PRE_HOOKS[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    """``hook(optimizer, args, kwargs)`` runs after every optimizer's ``step``.

    >>> h = ember.optim.optimizer.register_optimizer_step_post_hook(lambda o, a, k: None)
    >>> h.remove()
    """
    handle = RemovableHandle(_GLOBAL_POST_HOOKS)
    _GLOBAL_POST_HOOKS[handle.id] = hook
    return handle


def _with_hooks(step):
    """Wrap a subclass's ``step``: no_grad, step pre/post hooks, and the flag that the LR
    scheduler reads to warn about ``scheduler.step()`` before ``optimizer.step()``."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for hook in itertools.chain(_GLOBAL_PRE_HOOKS.values(),
                                    self._optimizer_step_pre_hooks.values()):
            res = hook(self, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError(f'{hook} must return None or a tuple of (new_args, '
                                       f'new_kwargs), but got {res}.')
                args, kwargs = res
        self._opt_called = True
        # an inf/nan gradient (what GradScaler skips) gives inf/nan silently, as in PyTorch,
        # not NumPy's "invalid value encountered in divide"
        with quietly():
            if self.defaults.get('differentiable', False):
                out = step(self, *args, **kwargs)
            else:
                with no_grad():
                    out = step(self, *args, **kwargs)
        for hook in itertools.chain(self._optimizer_step_post_hooks.values(),
                                    _GLOBAL_POST_HOOKS.values()):
            hook(self, args, kwargs)
        return out
    wrapper._ember_hooked = True
    return wrapper


def _typename(x):
    return x.type() if isinstance(x, Tensor) else type(x).__name__


class Optimizer:
    """Base class for optimizers: ``Optimizer(params, defaults)``.

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (parameter
    groups with their own options).

    >>> w = ember.nn.Parameter(ember.ones(1))
    >>> ember.optim.SGD([{'params': [w], 'lr': 0.5}], lr=0.1).param_groups[0]['lr']
    0.5
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get('step')
        if step is not None and not getattr(step, '_ember_hooked', False):
            cls.step = _with_hooks(step)

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError('params argument given to the optimizer should be an iterable of '
                            f'Tensors or dicts, but got {_typename(params)}')
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError('optimizer got an empty parameter list')
        if not isinstance(param_groups[0], dict):
            param_groups = [{'params': param_groups}]
        for group in param_groups:
            self.add_param_group(dict(group))

    # ---- groups ----------------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (missing ones take the defaults).

        >>> a, b = ember.nn.Parameter(ember.ones(1)), ember.nn.Parameter(ember.ones(1))
        >>> opt = ember.optim.SGD([a], lr=0.1); opt.add_param_group({'params': [b], 'lr': 1.0})
        >>> [g['lr'] for g in opt.param_groups]
        [0.1, 1.0]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f'param_group must be a dict, but got {type(param_group).__name__}')
        params = param_group['params']
        if isinstance(params, Tensor):
            param_group['params'] = [params]
        elif isinstance(params, set):
            raise TypeError('optimizer parameters need to be organized in ordered collections, '
                            'but the ordering of tensors in sets will change between runs. '
                            'Please use a list instead.')
        else:
            param_group['params'] = list(params)
        extracted, names = [], []
        for p in param_group['params']:
            if isinstance(p, tuple) and len(p) == 2:
                names.append(p[0])
                extracted.append(p[1])
            else:
                extracted.append(p)
        if names:
            if len(names) != len(extracted):
                raise ValueError('all optimizer params should be with/without names. Some param '
                                 'names are missing')
            param_group['param_names'] = names
        param_group['params'] = extracted
        for p in extracted:
            if not isinstance(p, Tensor):
                raise TypeError('optimizer can only optimize Tensors, but one of the params is '
                                + _typename(p))
            if not self.defaults.get('differentiable', None) and not (
                    p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f'optimization parameter {name}')
            param_group.setdefault(name, default)
        ids = [id(p) for p in extracted]
        if len(set(ids)) != len(ids):
            warnings.warn('optimizer contains a parameter group with duplicate parameters; in '
                          'future, this will cause an error; see '
                          'github.com/pytorch/pytorch/issues/40967 for more information',
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group['params'])
            if ('param_names' in group) != ('param_names' in param_group):
                current = 'named' if 'param_names' in param_group else 'unnamed'
                existing = 'named' if 'param_names' in group else 'unnamed'
                raise ValueError(f'all optimizer param groups should be with/without names. '
                                 f'cannot add param group {current} to the optimizer with '
                                 f'{existing} param groups')
        if not seen.isdisjoint(ids):
            raise ValueError('some parameters appear in more than one parameter group')
        self.param_groups.append(param_group)

    # ---- gradients and steps ------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Reset the gradients of every optimized tensor (to None by default).

        >>> w = ember.nn.Parameter(ember.ones(1)); (w * 2).sum().backward()
        >>> opt = ember.optim.SGD([w], lr=0.1); opt.zero_grad(); w.grad is None
        True
        """
        for group in self.param_groups:
            for p in group['params']:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if g.grad_fn is not None:
                        g = p.grad = g.detach()
                    else:
                        g.requires_grad_(False)
                    g.zero_()

    def step(self, closure=None):
        """Update the parameters once (implemented by each optimizer)."""
        raise NotImplementedError

    @staticmethod
    def _closure_loss(closure):
        """Evaluate ``closure`` with grad mode on (optimizers step under no_grad)."""
        if closure is None:
            return None
        from ..autograd.grad_mode import enable_grad
        with enable_grad():
            return closure()

    # ---- hooks ------------------------------------------------------------------------------
    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` before ``step``; may return new (args, kwargs).

        >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=0.1)
        >>> opt.register_step_pre_hook(lambda o, a, k: None).remove()
        """
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` after ``step``.

        >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=0.1)
        >>> opt.register_step_post_hook(lambda o, a, k: None).remove()
        """
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    def _register(self, store, hook, prepend):
        handle = RemovableHandle(store)
        store[handle.id] = hook
        if prepend:
            store.move_to_end(handle.id, last=False)
        return handle

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer)`` before ``state_dict``."""
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict)`` after ``state_dict``; may return a new dict."""
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict)`` before loading; may return a new dict."""
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer)`` after loading."""
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---- state dict ---------------------------------------------------------------------------
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}`` as
        PyTorch lays it out (parameters replaced by their position across all groups).

        >>> w = ember.nn.Parameter(ember.ones(1))
        >>> ember.optim.SGD([w], lr=0.1).state_dict()['state']
        {}
        """
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        mapping = {}
        start = 0
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != 'params'}
            for i, p in enumerate(group['params'], start):
                mapping.setdefault(id(p), i)
            packed['params'] = [mapping[id(p)] for p in group['params']]
            start += len(packed['params'])
            groups.append(packed)
        state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                 for k, v in self.state.items()}
        result = {'state': state, 'param_groups': groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            out = hook(self, result)
            if out is not None:
                result = out
        return result

    @staticmethod
    def _cast_state(param, value, key=None):
        """State loaded for ``param``: floats follow its dtype/device, ``step`` stays as is."""
        if isinstance(value, Tensor):
            if key == 'step':
                return value
            if param.is_floating_point():
                return value.to(dtype=param.dtype, device=param.device)
            return value.to(device=param.device)
        if isinstance(value, dict):
            return {k: Optimizer._cast_state(param, v, k) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(Optimizer._cast_state(param, v) for v in value)
        return value

    def load_state_dict(self, state_dict):
        """Restore state and hyper-parameters saved by :meth:`state_dict`.

        >>> w = ember.nn.Parameter(ember.ones(1)); opt = ember.optim.SGD([w], lr=0.1)
        >>> opt.load_state_dict(opt.state_dict())
        """
        state_dict = dict(state_dict)
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            out = hook(self, state_dict)
            if out is not None:
                state_dict = out
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict['param_groups'])
        if len(groups) != len(saved_groups):
            raise ValueError('loaded state dict has a different number of parameter groups '
                             f'(the optimizer has {len(groups)}, the state dict '
                             f'{len(saved_groups)})')
        for g, s in zip(groups, saved_groups):
            if len(g['params']) != len(s['params']):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group (the optimizer's group "
                                 f"has {len(g['params'])} parameters, the saved one "
                                 f"{len(s['params'])})")
        id_map = dict(zip(itertools.chain.from_iterable(s['params'] for s in saved_groups),
                          itertools.chain.from_iterable(g['params'] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict['state'].items():
            if k in id_map:
                param = id_map[k]
                state[param] = self._cast_state(param, v)
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved['params'] = group['params']
            if 'param_names' in group and 'param_names' not in saved:
                saved['param_names'] = group['param_names']
            new_groups.append(saved)
        self.__setstate__({'state': state, 'param_groups': new_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    def __getstate__(self):
        return {'defaults': self.defaults, 'state': self.state,
                'param_groups': self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ('_optimizer_step_pre_hooks', '_optimizer_step_post_hooks',
                     '_optimizer_state_dict_pre_hooks', '_optimizer_state_dict_post_hooks',
                     '_optimizer_load_state_dict_pre_hooks',
                     '_optimizer_load_state_dict_post_hooks'):
            if name not in self.__dict__:
                self.__dict__[name] = OrderedDict()

    def __repr__(self):
        text = type(self).__name__ + ' ('
        for i, group in enumerate(self.param_groups):
            text += f'\nParameter Group {i}\n'
            for key in sorted(group):
                if key != 'params':
                    text += f'    {key}: {group[key]}\n'
        return text + ')'

