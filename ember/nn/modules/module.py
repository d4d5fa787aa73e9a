"""``nn.Module``: the base class of every layer and model.

Assigning a Parameter, a Module or a registered buffer to an attribute registers it; the
module then finds it for ``parameters()``, ``state_dict()``, ``to()``, ``repr`` and so on.

>>> class Net(ember.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.fc = ember.nn.Linear(4, 2)
...     def forward(self, x):
...         return self.fc(x)
>>> Net()
Net(
  (fc): Linear(in_features=4, out_features=2, bias=True)
)
"""
from collections import OrderedDict, namedtuple
import functools

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...utils.hooks import RemovableHandle
from ..parameter import Parameter
from ._module_hooks import call_with_hooks, annotate_error, global_hooks
from ._module_state import (save_to_state_dict, load_from_state_dict, load_state_dict_into,
                            state_dict_of)

__all__ = ['Module', 'register_module_forward_pre_hook', 'register_module_forward_hook',
           'register_module_full_backward_hook', 'register_module_full_backward_pre_hook']

_set = object.__setattr__


class _IncompatibleKeys(namedtuple('IncompatibleKeys', ['missing_keys', 'unexpected_keys'])):
    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return '<All keys matched successfully>'
        return super().__repr__()

    __str__ = __repr__


def _addindent(s, num_spaces):
    lines = s.split('\n')
    if len(lines) == 1:
        return s
    pad = ' ' * num_spaces
    return lines[0] + '\n' + '\n'.join(pad + line for line in lines[1:])


def _tensor_typename(value):
    return value.type() if isinstance(value, Tensor) else type(value).__name__


class Module:
    """Base class for all neural network modules; subclass it and define ``forward``.

    >>> m = ember.nn.Module()
    >>> m.training
    True
    """
    dump_patches = False
    _version = 1
    training: bool
    call_super_init = False

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f'{type(self).__name__}.__init__() got an unexpected argument; '
                            'Module.__init__ takes no arguments')
        _set(self, 'training', True)
        _set(self, '_parameters', {})
        _set(self, '_buffers', {})
        _set(self, '_non_persistent_buffers_set', set())
        _set(self, '_modules', {})
        _set(self, '_forward_hooks', OrderedDict())
        _set(self, '_forward_hooks_with_kwargs', OrderedDict())
        _set(self, '_forward_hooks_always_called', OrderedDict())
        _set(self, '_forward_pre_hooks', OrderedDict())
        _set(self, '_forward_pre_hooks_with_kwargs', OrderedDict())
        _set(self, '_backward_hooks', OrderedDict())
        _set(self, '_backward_pre_hooks', OrderedDict())
        _set(self, '_state_dict_hooks', OrderedDict())
        _set(self, '_state_dict_pre_hooks', OrderedDict())
        _set(self, '_load_state_dict_pre_hooks', OrderedDict())
        _set(self, '_load_state_dict_post_hooks', OrderedDict())
        _set(self, '_is_full_backward_hook', None)

    def forward(self, *input):
        """Compute the output; every subclass overrides this.

        >>> ember.nn.Identity()(ember.ones(1))
        tensor([1.])
        """
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')

    # ---- calling ------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if (self._forward_hooks or self._forward_pre_hooks or self._backward_hooks
                or self._backward_pre_hooks or self._forward_hooks_always_called
                or global_hooks.any):
            return call_with_hooks(self, args, kwargs)
        try:
            return self.forward(*args, **kwargs)
        except (RuntimeError, ValueError, IndexError, TypeError, NotImplementedError) as exc:
            annotate_error(exc, self)
            raise

    _call_impl = __call__

    # ---- registration ---------------------------------------------------------------------
    def register_buffer(self, name, tensor, persistent=True):
        """Register a tensor that is state but not a parameter (e.g. BatchNorm's running mean).

        >>> m = ember.nn.Module(); m.register_buffer('mean', ember.zeros(2)); m.mean
        tensor([0., 0.])
        """
        if '_buffers' not in self.__dict__:
            raise AttributeError('cannot assign buffer before Module.__init__() call')
        if not isinstance(name, str):
            raise TypeError(f'buffer name should be a string. Got {type(name).__name__}')
        if '.' in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == '':
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_tensor_typename(tensor)}' object to buffer "
                            f"'{name}' (torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name, param):
        """Register ``param`` (a Parameter or None) under ``name``.

        >>> m = ember.nn.Module(); m.register_parameter('w', ember.nn.Parameter(ember.ones(1)))
        >>> [n for n, _ in m.named_parameters()]
        ['w']
        """
        if '_parameters' not in self.__dict__:
            raise AttributeError('cannot assign parameter before Module.__init__() call')
        if not isinstance(name, str):
            raise TypeError(f'parameter name should be a string. Got {type(name).__name__}')
        if '.' in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == '':
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_tensor_typename(param)}' object to parameter "
                            f"'{name}' (torch.nn.Parameter or None required)")
        if param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model "
                             f"parameters must be created explicitly. To express '{name}' as a "
                             'function of another Tensor, compute the value in the forward() '
                             'method.')
        self._parameters[name] = param

    def add_module(self, name, module):
        """Register a child module under ``name`` (same as attribute assignment).

        >>> m = ember.nn.Module(); m.add_module('fc', ember.nn.Linear(1, 1)); m
        Module(
          (fc): Linear(in_features=1, out_features=1, bias=True)
        )
        """
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f'{type(module).__name__} is not a Module subclass')
        if not isinstance(name, str):
            raise TypeError(f'module name should be a string. Got {type(name).__name__}')
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if '.' in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == '':
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    def register_module(self, name, module):
        """Alias of :meth:`add_module`.

        >>> m = ember.nn.Module(); m.register_module('act', ember.nn.ReLU())
        """
        self.add_module(name, module)

    def get_submodule(self, target):
        """The submodule at dotted path ``target`` (``''`` is the module itself).

        >>> ember.nn.Sequential(ember.nn.Linear(1, 1)).get_submodule('0')
        Linear(in_features=1, out_features=1, bias=True)
        """
        if target == '':
            return self
        mod = self
        for item in target.split('.'):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + ' has no attribute `' + item + '`')
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError('`' + item + '` is not an nn.Module')
        return mod

    def set_submodule(self, target, module, strict=False):
        """Replace the submodule at dotted path ``target``.

        >>> m = ember.nn.Sequential(ember.nn.ReLU()); m.set_submodule('0', ember.nn.Tanh()); m[0]
        Tanh()
        """
        if target == '':
            raise ValueError('Cannot set the submodule without a target name!')
        *path, last = target.split('.')
        parent = self.get_submodule('.'.join(path))
        if strict and not hasattr(parent, last):
            raise AttributeError(parent._get_name() + ' has no attribute `' + last + '`')
        setattr(parent, last, module)

    def _get_leaf(self, target, kind, store):
        module_path, _, name = target.rpartition('.')
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(mod._get_name() + ' has no attribute `' + name + '`')
        if name not in getattr(mod, store):
            raise AttributeError('`' + name + f'` is not {kind}')
        return getattr(mod, name)

    def get_parameter(self, target):
        """The parameter at dotted path ``target``.

        >>> ember.nn.Sequential(ember.nn.Linear(1, 1)).get_parameter('0.bias').shape
        torch.Size([1])
        """
        return self._get_leaf(target, 'an nn.Parameter', '_parameters')

    def get_buffer(self, target):
        """The buffer at dotted path ``target``.

        >>> m = ember.nn.Module(); m.register_buffer('b', ember.ones(1)); m.get_buffer('b')
        tensor([1.])
        """
        return self._get_leaf(target, 'a buffer', '_buffers')

    def get_extra_state(self):
        """Extra state for ``state_dict`` (override together with :meth:`set_extra_state`)."""
        raise RuntimeError('Reached a code path in Module.get_extra_state() that should never '
                           'be called.')

    def set_extra_state(self, state):
        """Restore what :meth:`get_extra_state` returned."""
        raise RuntimeError('Reached a code path in Module.set_extra_state() that should never '
                           'be called.')

    # ---- attribute protocol ---------------------------------------------------------------
    def __getattr__(self, name):
        d = self.__dict__
        for store in ('_parameters', '_buffers', '_modules'):
            s = d.get(store)
            if s is not None and name in s:
                return s[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get('_parameters')
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError('cannot assign parameters before Module.__init__() call')
            self._forget(name, d, params)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_tensor_typename(value)}' as parameter "
                                f"'{name}' (torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        else:
            modules = d.get('_modules')
            if isinstance(value, Module):
                if modules is None:
                    raise AttributeError('cannot assign module before Module.__init__() call')
                self._forget(name, d, params)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(f"cannot assign '{_tensor_typename(value)}' as child module "
                                    f"'{name}' (torch.nn.Module or None expected)")
                modules[name] = value
            else:
                buffers = d.get('_buffers')
                if getattr(value, '_ember_buffer_persistent', None) is not None:
                    persistent = value.__dict__.pop('_ember_buffer_persistent')
                    self._forget(name, d, params)
                    self.register_buffer(name, value, persistent)
                elif buffers is not None and name in buffers:
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(f"cannot assign '{_tensor_typename(value)}' as buffer "
                                        f"'{name}' (torch.nn.Buffer, torch.Tensor or None "
                                        'expected)')
                    buffers[name] = value
                else:
                    _set(self, name, value)

    def _forget(self, name, d, params):
        d.pop(name, None)
        for store in (params, d.get('_buffers'), d.get('_modules')):
            if store is not None:
                store.pop(name, None)
        d.get('_non_persistent_buffers_set', set()).discard(name)

    def __delattr__(self, name):
        d = self.__dict__
        for store in ('_parameters', '_buffers', '_modules'):
            if name in d.get(store, ()):
                del d[store][name]
                d['_non_persistent_buffers_set'].discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = set(dir(type(self))) | set(self.__dict__)
        keys |= set(self._parameters) | set(self._buffers) | set(self._modules)
        return sorted(k for k in keys if not k[0].isdigit())

    def __setstate__(self, state):
        self.__dict__.update(state)
        for key in ('_forward_hooks_with_kwargs', '_forward_hooks_always_called',
                    '_forward_pre_hooks_with_kwargs', '_state_dict_pre_hooks',
                    '_load_state_dict_post_hooks', '_backward_pre_hooks'):
            self.__dict__.setdefault(key, OrderedDict())
        self.__dict__.setdefault('_non_persistent_buffers_set', set())
        self.__dict__.setdefault('_is_full_backward_hook', None)

    # ---- traversal --------------------------------------------------------------------------
    def _named_members(self, get_members, prefix='', recurse=True, remove_duplicate=True):
        memo = set()
        modules = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                   if recurse else [(prefix, self)])
        for module_prefix, module in modules:
            for k, v in get_members(module):
                if v is None or (remove_duplicate and id(v) in memo):
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield (module_prefix + ('.' if module_prefix else '') + k, v)

    def named_parameters(self, prefix='', recurse=True, remove_duplicate=True):
        """``(name, parameter)`` pairs, sub-modules' with dotted names.

        >>> [n for n, _ in ember.nn.Linear(2, 1).named_parameters()]
        ['weight', 'bias']
        """
        return self._named_members(lambda m: m._parameters.items(), prefix, recurse,
                                   remove_duplicate)

    def parameters(self, recurse=True):
        """The module's parameters (each once), in registration order.

        >>> sum(p.numel() for p in ember.nn.Linear(2, 1).parameters())
        3
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix='', recurse=True, remove_duplicate=True):
        """``(name, buffer)`` pairs.

        >>> m = ember.nn.Module(); m.register_buffer('b', ember.ones(1))
        >>> [n for n, _ in m.named_buffers()]
        ['b']
        """
        return self._named_members(lambda m: m._buffers.items(), prefix, recurse,
                                   remove_duplicate)

    def buffers(self, recurse=True):
        """The module's buffers.

        >>> list(ember.nn.Linear(1, 1).buffers())
        []
        """
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_children(self):
        """``(name, module)`` for the direct children.

        >>> [n for n, _ in ember.nn.Sequential(ember.nn.ReLU()).named_children()]
        ['0']
        """
        memo = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in memo:
                memo.add(id(module))
                yield name, module

    def children(self):
        """The direct children.

        >>> len(list(ember.nn.Sequential(ember.nn.ReLU(), ember.nn.Tanh()).children()))
        2
        """
        for _, module in self.named_children():
            yield module

    def named_modules(self, memo=None, prefix='', remove_duplicate=True):
        """``(name, module)`` for this module and all its descendants (pre-order).

        >>> [n for n, _ in ember.nn.Sequential(ember.nn.ReLU()).named_modules()]
        ['', '0']
        """
        if memo is None:
            memo = set()
        stack = [(prefix, self)]           # iterative pre-order: no generator per level
        while stack:
            name, module = stack.pop()
            if id(module) in memo:
                continue
            if remove_duplicate:
                memo.add(id(module))
            yield name, module
            sep = '.' if name else ''
            stack.extend(reversed([(name + sep + key, child)
                                   for key, child in module._modules.items()
                                   if child is not None]))

    def modules(self):
        """This module and all its descendants.

        >>> len(list(ember.nn.Sequential(ember.nn.ReLU()).modules()))
        2
        """
        for _, module in self.named_modules():
            yield module

    # ---- modes and grads ----------------------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (dropout active, batch norm uses batch statistics).

        >>> ember.nn.Dropout().train(False).training
        False
        """
        if not isinstance(mode, bool):
            raise ValueError('training mode is expected to be boolean')
        for module in self.modules():
            _set(module, 'training', mode)
        return self

    def eval(self):
        """Evaluation mode: same as ``train(False)``.

        >>> ember.nn.Linear(1, 1).eval().training
        False
        """
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Switch gradient tracking of every parameter (e.g. to freeze a backbone).

        >>> m = ember.nn.Linear(1, 1).requires_grad_(False); m.weight.requires_grad
        False
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters (to None by default).

        >>> m = ember.nn.Linear(1, 1); m(ember.ones(1)).sum().backward(); m.zero_grad()
        >>> m.weight.grad is None
        True
        """
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    g = p.grad
                    if g.grad_fn is not None:
                        g = p.grad = g.detach()
                    else:
                        g.requires_grad_(False)
                    g.zero_()

    def apply(self, fn):
        """Call ``fn`` on every submodule (children first) and on this module; returns self.

        >>> names = []; _ = ember.nn.Sequential(ember.nn.ReLU()).apply(
        ...     lambda m: names.append(type(m).__name__)); names
        ['ReLU', 'Sequential']
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def share_memory(self):
        """No-op kept for API compatibility (returns self)."""
        return self

    # ---- conversion -------------------------------------------------------------------------
    def _apply(self, fn, recurse=True):
        if recurse:
            for module in self.children():
                module._apply(fn)
        for key, param in self._parameters.items():
            if param is None:
                continue
            with no_grad():
                applied = fn(param)
            # keep the same Parameter object so optimizers built earlier still see it
            param.data = applied
            if param.grad is not None:
                with no_grad():
                    param.grad.data = fn(param.grad)
        for key, buf in self._buffers.items():
            if buf is not None:
                self._buffers[key] = fn(buf)
        return self

    def to(self, *args, **kwargs):
        """Move/cast parameters and buffers: ``to(device)``, ``to(dtype)``, ``to(tensor)``.

        Only floating-point tensors change dtype; integer buffers keep theirs.

        >>> ember.nn.Linear(1, 1).to(ember.float64).weight.dtype
        torch.float64
        """
        from ._module_convert import parse_to
        device, dtype = parse_to(args, kwargs)

        def convert(t):
            if dtype is not None and (t.is_floating_point() or t.is_complex()):
                return t.to(device, dtype)
            return t.to(device) if device is not None else t
        return self._apply(convert)

    def _cast_floats(self, dtype):
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def float(self):
        """Cast floating-point parameters and buffers to float32.

        >>> ember.nn.Linear(1, 1).double().float().weight.dtype
        torch.float32
        """
        from ... import float32
        return self._cast_floats(float32)

    def double(self):
        """Cast floating-point parameters and buffers to float64.

        >>> ember.nn.Linear(1, 1).double().bias.dtype
        torch.float64
        """
        from ... import float64
        return self._cast_floats(float64)

    def half(self):
        """Cast floating-point parameters and buffers to float16.

        >>> ember.nn.Linear(1, 1).half().weight.dtype
        torch.float16
        """
        from ... import float16
        return self._cast_floats(float16)

    def bfloat16(self):
        """Cast floating-point parameters and buffers to bfloat16 (needs ml_dtypes)."""
        from ... import bfloat16
        return self._cast_floats(bfloat16)

    def type(self, dst_type):
        """Cast all parameters and buffers to ``dst_type``.

        >>> ember.nn.Linear(1, 1).type(ember.float64).weight.dtype
        torch.float64
        """
        return self._apply(lambda t: t.type(dst_type))

    def cpu(self):
        """Move parameters and buffers to the CPU.

        >>> ember.nn.Linear(1, 1).cpu().weight.device
        device(type='cpu')
        """
        return self._apply(lambda t: t.cpu())

    def cuda(self, device=None):
        """Move parameters and buffers to a CUDA device (needs CuPy)."""
        return self._apply(lambda t: t.cuda(device))

    def to_empty(self, *, device, recurse=True):
        """Move to ``device`` with uninitialized storage.

        >>> ember.nn.Linear(1, 1).to_empty(device='cpu').weight.shape
        torch.Size([1, 1])
        """
        from ... import empty_like
        return self._apply(lambda t: empty_like(t, device=device), recurse)

    # ---- hooks ---------------------------------------------------------------------------------
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """``hook(module, args)`` (or ``hook(module, args, kwargs)``) runs before forward.

        >>> h = ember.nn.ReLU().register_forward_pre_hook(lambda m, a: None); h.remove()
        """
        handle = RemovableHandle(self._forward_pre_hooks,
                                 extra_dict=self._forward_pre_hooks_with_kwargs)
        _insert(self._forward_pre_hooks, handle.id, hook, prepend)
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        return handle

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False,
                              always_call=False):
        """``hook(module, args, output)`` runs after forward; a non-None result replaces output.

        >>> h = ember.nn.ReLU().register_forward_hook(lambda m, a, o: None); h.remove()
        """
        handle = RemovableHandle(self._forward_hooks,
                                 extra_dict=[self._forward_hooks_with_kwargs,
                                             self._forward_hooks_always_called])
        _insert(self._forward_hooks, handle.id, hook, prepend)
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        return handle

    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output)`` runs when the inputs' gradients are ready.

        >>> h = ember.nn.ReLU().register_full_backward_hook(lambda m, gi, go: None); h.remove()
        """
        if self._is_full_backward_hook is False:
            raise RuntimeError('Cannot use both regular backward hooks and full backward hooks '
                               'on a single Module. Please use only one of them.')
        _set(self, '_is_full_backward_hook', True)
        handle = RemovableHandle(self._backward_hooks)
        _insert(self._backward_hooks, handle.id, hook, prepend)
        return handle

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output)`` runs before the module's gradients are computed.

        >>> h = ember.nn.ReLU().register_full_backward_pre_hook(lambda m, go: None); h.remove()
        """
        handle = RemovableHandle(self._backward_pre_hooks)
        _insert(self._backward_pre_hooks, handle.id, hook, prepend)
        return handle

    def register_backward_hook(self, hook):
        """Deprecated in PyTorch; here it behaves like :meth:`register_full_backward_hook`."""
        if self._is_full_backward_hook is True:
            raise RuntimeError('Cannot use both regular backward hooks and full backward hooks '
                               'on a single Module. Please use only one of them.')
        handle = RemovableHandle(self._backward_hooks)
        self._backward_hooks[handle.id] = hook
        return handle

    def register_state_dict_pre_hook(self, hook):
        """``hook(module, prefix, keep_vars)`` runs before ``state_dict`` collects this module."""
        handle = RemovableHandle(self._state_dict_pre_hooks)
        self._state_dict_pre_hooks[handle.id] = hook
        return handle

    def register_state_dict_post_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata)`` runs after ``state_dict``."""
        handle = RemovableHandle(self._state_dict_hooks)
        self._state_dict_hooks[handle.id] = hook
        return handle

    _register_state_dict_hook = register_state_dict_post_hook

    def register_load_state_dict_pre_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata, strict, missing, unexpected,
        errors)`` runs before this module loads its entries."""
        handle = RemovableHandle(self._load_state_dict_pre_hooks)
        self._load_state_dict_pre_hooks[handle.id] = functools.partial(hook, self)
        return handle

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        handle = RemovableHandle(self._load_state_dict_pre_hooks)
        self._load_state_dict_pre_hooks[handle.id] = (functools.partial(hook, self)
                                                      if with_module else hook)
        return handle

    def register_load_state_dict_post_hook(self, hook):
        """``hook(module, incompatible_keys)`` runs after ``load_state_dict``."""
        handle = RemovableHandle(self._load_state_dict_post_hooks)
        self._load_state_dict_post_hooks[handle.id] = hook
        return handle

    # ---- state dict -----------------------------------------------------------------------------
    def state_dict(self, *args, destination=None, prefix='', keep_vars=False):
        """An OrderedDict of parameters and persistent buffers by dotted name, as PyTorch's.

        >>> list(ember.nn.Sequential(ember.nn.Linear(1, 1)).state_dict())
        ['0.weight', '0.bias']
        """
        if args:
            destination, prefix, keep_vars = (list(args) + [destination, prefix, keep_vars])[:3]
        return state_dict_of(self, destination, prefix, keep_vars)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        save_to_state_dict(self, destination, prefix, keep_vars)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                             unexpected_keys, error_msgs)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy parameters and buffers from ``state_dict``; returns missing/unexpected keys.

        With ``strict=True`` any mismatch raises a RuntimeError listing every problem.

        >>> a, b = ember.nn.Linear(2, 1), ember.nn.Linear(2, 1)
        >>> b.load_state_dict(a.state_dict())
        <All keys matched successfully>
        """
        missing, unexpected = load_state_dict_into(self, state_dict, strict, assign)
        return _IncompatibleKeys(missing, unexpected)

    # ---- printing -------------------------------------------------------------------------------
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        """The text inside the parentheses of ``repr`` (override in layers).

        >>> ember.nn.Linear(2, 3).extra_repr()
        'in_features=2, out_features=3, bias=True'
        """
        return ''

    def __repr__(self):
        extra_lines = []
        extra = self.extra_repr()
        if extra:
            extra_lines = extra.split('\n')
        child_lines = []
        for key, module in self._modules.items():
            mod_str = _addindent(repr(module), 2)
            child_lines.append('(' + key + '): ' + mod_str)
        lines = extra_lines + child_lines
        main = self._get_name() + '('
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += '\n  ' + '\n  '.join(lines) + '\n'
        return main + ')'

    def compile(self, *args, **kwargs):
        """No-op kept for API compatibility (ember runs eagerly)."""
        return None


def _insert(hooks, key, hook, prepend):
    hooks[key] = hook
    if prepend:
        hooks.move_to_end(key, last=False)


def _global_register(kind):
    def register(hook, **kwargs):
        handle = RemovableHandle(global_hooks.dicts[kind])
        global_hooks.dicts[kind][handle.id] = hook
        return handle
    register.__name__ = f'register_module_{kind}_hook'
    register.__doc__ = (f'Register a {kind} hook that runs for every module.\n\n'
                        f'>>> h = ember.nn.modules.module.register_module_{kind}_hook('
                        'lambda *a: None); h.remove()')
    return register


register_module_forward_pre_hook = _global_register('forward_pre')
register_module_forward_hook = _global_register('forward')
register_module_full_backward_hook = _global_register('full_backward')
register_module_full_backward_pre_hook = _global_register('full_backward_pre')
