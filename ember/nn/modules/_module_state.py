"""``state_dict`` and ``load_state_dict``: PyTorch's keys, order, metadata and error texts.

>>> sd = ember.nn.Linear(2, 1).state_dict(); list(sd), dict(sd._metadata)
(['weight', 'bias'], {'': {'version': 1}})
"""
from collections import OrderedDict

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad

__all__ = ['state_dict_of', 'save_to_state_dict', 'load_from_state_dict', 'load_state_dict_into']

_EXTRA_STATE_KEY_SUFFIX = '_extra_state'


def _has_extra_state(module):
    from .module import Module
    return type(module).get_extra_state is not Module.get_extra_state


def save_to_state_dict(module, destination, prefix, keep_vars):
    """Put this module's own parameters and persistent buffers into ``destination``."""
    for name, param in module._parameters.items():
        if param is not None:
            destination[prefix + name] = param if keep_vars else param.detach()
    skip = module._non_persistent_buffers_set
    for name, buf in module._buffers.items():
        if buf is not None and name not in skip:
            destination[prefix + name] = buf if keep_vars else buf.detach()
    if _has_extra_state(module):
        destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = module.get_extra_state()


def state_dict_of(module, destination=None, prefix='', keep_vars=False):
    """The module's state dict (recursively), with ``_metadata`` holding each module's version."""
    if destination is None:
        destination = OrderedDict()
        destination._metadata = OrderedDict()
    local_metadata = dict(version=module._version)
    if hasattr(destination, '_metadata'):
        destination._metadata[prefix[:-1]] = local_metadata
    for hook in module._state_dict_pre_hooks.values():
        hook(module, prefix, keep_vars)
    module._save_to_state_dict(destination, prefix, keep_vars)
    for name, child in module._modules.items():
        if child is not None:
            child.state_dict(destination=destination, prefix=prefix + name + '.',
                             keep_vars=keep_vars)
    for hook in module._state_dict_hooks.values():
        res = hook(module, destination, prefix, local_metadata)
        if res is not None:
            destination = res
    return destination


def _is_tensor_like(x):
    return isinstance(x, Tensor)


def load_from_state_dict(module, state_dict, prefix, local_metadata, strict, missing_keys,
                         unexpected_keys, error_msgs, assign=False):
    """Copy this module's own entries from ``state_dict`` (PyTorch's checks and messages)."""
    for hook in module._load_state_dict_pre_hooks.values():
        hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
             error_msgs)
    skip = module._non_persistent_buffers_set
    local = [(k, v) for k, v in module._buffers.items() if k not in skip]
    local = [(k, v) for k, v in list(module._parameters.items()) + local if v is not None]
    assign = assign or local_metadata.get('assign_to_params_buffers', False)
    for name, param in local:
        key = prefix + name
        if key not in state_dict:
            if strict:
                missing_keys.append(key)
            continue
        value = state_dict[key]
        if not _is_tensor_like(value):
            error_msgs.append(f'While copying the parameter named "{key}", expected torch.Tensor '
                              'or Tensor-like object from checkpoint but received '
                              f'{type(value)}')
            continue
        if value.shape != param.shape:
            error_msgs.append(f'size mismatch for {key}: copying a param with shape {value.shape} '
                              'from checkpoint, the shape in current model is '
                              f'{param.shape}.')
            continue
        try:
            with no_grad():
                if assign:
                    _assign(module, name, param, value)
                else:
                    param.copy_(value)
        except Exception as ex:     # noqa: BLE001 - reported like PyTorch
            action = 'swapping' if assign else 'copying'
            error_msgs.append(f'While {action} the parameter named "{key}", whose dimensions in '
                              f'the model are {param.size()} and whose dimensions in the '
                              f'checkpoint are {value.size()}, an exception occurred : '
                              f'{ex.args}.')
    extra_key = prefix + _EXTRA_STATE_KEY_SUFFIX
    if _has_extra_state(module):
        if extra_key in state_dict:
            module.set_extra_state(state_dict[extra_key])
        elif strict:
            missing_keys.append(extra_key)
    elif strict and extra_key in state_dict:
        unexpected_keys.append(extra_key)
    if strict:
        for key in state_dict:
            if key.startswith(prefix) and key != extra_key:
                name = key[len(prefix):].split('.', 1)[0]
                if (name not in module._modules and name not in module._parameters
                        and name not in module._buffers):
                    unexpected_keys.append(key)
                elif name in skip and '.' not in key[len(prefix):]:
                    unexpected_keys.append(key)


def _assign(module, name, param, value):
    from ..parameter import Parameter
    if name in module._parameters:
        new = value if isinstance(value, Parameter) else Parameter(value, param.requires_grad)
        module._parameters[name] = new
    else:
        module._buffers[name] = value


def load_state_dict_into(model, state_dict, strict=True, assign=False):
    """Load ``state_dict`` into ``model`` and its children; raise on errors if ``strict``."""
    if not hasattr(state_dict, 'keys') or not hasattr(state_dict, '__getitem__'):
        raise TypeError(f'Expected state_dict to be dict-like, got {type(state_dict)}.')
    missing, unexpected, errors = [], [], []
    metadata = getattr(state_dict, '_metadata', None)
    state_dict = OrderedDict(state_dict)
    if metadata is not None:
        state_dict._metadata = metadata

    def load(module, local_state, prefix=''):
        local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
        if assign:
            local_metadata['assign_to_params_buffers'] = assign
        module._load_from_state_dict(local_state, prefix, local_metadata, True, missing,
                                     unexpected, errors)
        for name, child in module._modules.items():
            if child is not None:
                child_prefix = prefix + name + '.'
                child_state = {k: v for k, v in local_state.items() if k.startswith(child_prefix)}
                load(child, child_state, child_prefix)

    load(model, state_dict)
    for hook in model._load_state_dict_post_hooks.values():
        hook(model, (missing, unexpected))
    if strict:
        if unexpected:
            errors.insert(0, 'Unexpected key(s) in state_dict: {}. '.format(
                ', '.join(f'"{k}"' for k in unexpected)))
        if missing:
            errors.insert(0, 'Missing key(s) in state_dict: {}. '.format(
                ', '.join(f'"{k}"' for k in missing)))
    if errors:
        message = 'Error(s) in loading state_dict for {}:\n\t{}'.format(
            model._get_name(), '\n\t'.join(errors))
        hint = _hint(model, state_dict, missing, unexpected, errors)
        raise RuntimeError(message + (f'\n{hint}' if hint else ''))
    return missing, unexpected


def _hint(model, state_dict, missing, unexpected, errors):
    """What PyTorch does not say: the likely cause of a failed load."""
    hints = []
    keys = list(state_dict)
    for wrapper in ('module.', '_orig_mod.', 'model.'):
        if unexpected and all(k.startswith(wrapper) for k in keys):
            stripped = [k[len(wrapper):] for k in keys]
            if any(k in missing for k in stripped):
                hints.append(f"Hint: every checkpoint key starts with '{wrapper}' (saved from a "
                             'wrapped model, e.g. DataParallel or torch.compile); strip it: '
                             f"{{k.removeprefix('{wrapper}'): v for k, v in sd.items()}}.")
                break
    if any(e.startswith('size mismatch') for e in errors):
        hints.append('Hint: the checkpoint was saved from a model with different layer sizes; '
                     'build the model with the same arguments, or load with strict=False after '
                     'removing the mismatched keys.')
    if not hints and (missing or unexpected):
        hints.append('Hint: the checkpoint does not match this model definition; '
                     'load_state_dict(sd, strict=False) returns the missing and unexpected keys '
                     'instead of raising.')
    return '\n'.join(hints)
