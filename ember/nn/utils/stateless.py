"""``functional_call``: run a module with some parameters and buffers replaced for one call.

>>> lin = ember.nn.Linear(2, 1)
>>> functional_call(lin, {'weight': ember.ones(1, 2), 'bias': ember.zeros(1)}, ember.ones(1, 2))
tensor([[2.]])
"""
import contextlib
import warnings

from ..._tensor import Tensor

__all__ = ['functional_call']

_MISSING = object()


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True,
                    strict=False):
    """``module(*args, **kwargs)`` with the tensors of ``parameters_and_buffers`` (dotted
    names, as in ``state_dict``) standing in for the module's own; everything is restored
    afterwards. Gradients flow to the given tensors.

    ``tie_weights``: a parameter shared under several names is replaced under all of them
    when one name is given. ``strict``: the names must be exactly the module's parameters and
    buffers. Deprecated in PyTorch 2.0 in favour of ``torch.func.functional_call`` (it warns,
    as PyTorch does).

    >>> lin = ember.nn.Linear(1, 1, bias=False)
    >>> w = ember.tensor([[3.]], requires_grad=True)
    >>> functional_call(lin, {'weight': w}, (ember.ones(1, 1),)).sum().backward(); w.grad
    tensor([[1.]])
    """
    warnings.warn('`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 '
                  'and will be removed in a future version of PyTorch. Please use '
                  '`torch.func.functional_call` instead which is a drop-in replacement.',
                  FutureWarning, stacklevel=2)
    return call_reparametrized(module, parameters_and_buffers, args, kwargs, tie_weights, strict)


def call_reparametrized(module, tensors, args, kwargs, tie_weights, strict):
    """``module(*args, **kwargs)`` with the named parameters/buffers in ``tensors`` swapped
    in for the call (``args``: a tuple, one value, or None). Shared by the functional_calls.

    >>> lin = ember.nn.Linear(1, 1)
    >>> call_reparametrized(lin, {'weight': ember.ones(1, 1), 'bias': ember.zeros(1)},
    ...                     ember.ones(1, 1), None, True, False)
    tensor([[1.]])
    """
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize(module, tensors, tie_weights, strict):
        return module(*args, **kwargs)


def _tied_names(module):
    """For every parameter/buffer name, all the names of that same tensor object."""
    by_id = {}
    members = list(module.named_parameters(remove_duplicate=False)) + list(
        module.named_buffers(remove_duplicate=False))
    for name, t in members:
        by_id.setdefault(id(t), []).append(name)
    return {name: by_id[id(t)] for name, t in members}


def _expand_tied(module, values):
    tied = _tied_names(module)
    out = dict(values)
    for name, group in tied.items():
        if len(group) < 2 or name not in values:
            continue
        given = [n for n in group if n in values]
        if any(values[n] is not values[given[0]] for n in given):
            raise ValueError(f'functional_call got multiple values for keys {sorted(given)}, '
                             'which are tied. Consider using tie_weights=False')
        for n in group:
            out.setdefault(n, values[name])
    return out


def _check_strict(module, values):
    expected = {n for n, _ in module.named_parameters(remove_duplicate=False)}
    expected |= {n for n, _ in module.named_buffers(remove_duplicate=False)}
    missing = sorted(expected - set(values))
    unexpected = sorted(set(values) - expected)
    lines = []
    if unexpected:
        lines.append('Unexpected key(s): ' + ', '.join(f"'{k}'" for k in unexpected) + '.')
    if missing:
        lines.append('Missing key(s): ' + ', '.join(f"'{k}'" for k in missing) + '.')
    if lines:
        raise RuntimeError(f'Error(s) in reparametrizing for {module._get_name()}:\n\t'
                           + '\n\t'.join(lines))


def _swap(module, name, value):
    """Put ``value`` under the dotted ``name``; return what was there (or _MISSING)."""
    *path, leaf = name.split('.')
    for part in path:
        module = getattr(module, part)
    if value is not _MISSING and not isinstance(value, Tensor):
        raise TypeError(f'{value} is not an instance of torch.Tensor')
    for store in (module._parameters, module._buffers):
        if leaf in store:
            old = store[leaf]
            if value is _MISSING:
                del store[leaf]
            else:
                store[leaf] = value
            return old
    old = module.__dict__.get(leaf, _MISSING)
    if value is _MISSING:
        module.__dict__.pop(leaf, None)
    else:
        module.__dict__[leaf] = value
    return old


@contextlib.contextmanager
def _reparametrize(module, values, tie_weights, strict):
    if tie_weights:
        values = _expand_tied(module, values)
    if strict:
        _check_strict(module, values)
    originals = {}
    try:
        for name, value in values.items():
            originals[name] = _swap(module, name, value)
        yield
    finally:
        for name, old in originals.items():
            _swap(module, name, old)
