"""``skip_init``: build a module without running its parameter initialisation.

>>> lin = skip_init(ember.nn.Linear, 3, 2)
>>> lin.weight.shape
torch.Size([2, 3])
"""
import inspect

from ..modules.module import Module
from ...random import fork_rng

__all__ = ['skip_init']


def skip_init(module_cls, *args, **kwargs):
    """Instantiate ``module_cls(*args, **kwargs)`` with uninitialized parameters and buffers
    on ``device`` (default cpu), leaving the global random stream where it was, as PyTorch's
    meta-device construction does. The class must take a ``device`` argument.

    >>> _ = ember.manual_seed(0); a = ember.rand(1)
    >>> _ = ember.manual_seed(0); _ = skip_init(ember.nn.Linear, 4, 4); bool(ember.rand(1) == a)
    True
    """
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f'Expected a Module; got {module_cls}')
    if 'device' not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop('device', 'cpu')
    with fork_rng():
        module = module_cls(*args, **kwargs)
    return module.to_empty(device=final_device)
