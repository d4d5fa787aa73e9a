"""``weight_norm``: reparametrize a weight as ``g * v / ||v||`` (hook-based, as
``torch.nn.utils.weight_norm``).

The module gets parameters ``<name>_g`` (the norms, kept dims of size 1) and ``<name>_v`` (the
direction), and a forward pre-hook recomputes ``<name>`` before every call.

>>> import warnings; warnings.simplefilter('ignore', FutureWarning)
>>> m = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
>>> m.weight_g.shape, m.weight_v.shape
(torch.Size([2, 1]), torch.Size([2, 3]))
"""
import warnings

from ..parameter import Parameter, UninitializedParameter

__all__ = ['WeightNorm', 'weight_norm', 'remove_weight_norm']


def _norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over every dimension except ``dim`` (kept with size 1);
    ``dim=-1`` is the norm of the whole tensor (a scalar), as ``torch.norm_except_dim``."""
    import ember
    if dim == -1:
        return ember.linalg.vector_norm(v, pow)
    nd = v.dim()
    d = dim + nd if dim < 0 else dim
    others = tuple(i for i in range(nd) if i != d)
    if not others:
        return v.abs() if pow else v
    return ember.linalg.vector_norm(v, pow, dim=others, keepdim=True)


def _weight_norm(v, g, dim=0):
    """``v * (g / norm_except_dim(v, 2, dim))``, differentiable in ``v`` and ``g``."""
    return v * (g / _norm_except_dim(v, 2, dim))


class WeightNorm:
    """The forward pre-hook behind :func:`weight_norm`.

    >>> WeightNorm('weight', 0).dim
    0
    """

    def __init__(self, name, dim):
        if dim is None:
            dim = -1
        self.name = name
        self.dim = dim

    def compute_weight(self, module):
        g = getattr(module, self.name + '_g')
        v = getattr(module, self.name + '_v')
        return _weight_norm(v, g, self.dim)

    @staticmethod
    def apply(module, name, dim):
        warnings.warn('`torch.nn.utils.weight_norm` is deprecated in favor of '
                      '`torch.nn.utils.parametrizations.weight_norm`.', FutureWarning,
                      stacklevel=3)
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f'Cannot register two weight_norm hooks on the same parameter '
                                   f'{name}')
        if dim is None:
            dim = -1
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `WeightNorm` can't have uninitialized "
                             'parameters. Make sure to run the dummy forward before applying '
                             'weight normalization')
        if name not in module._parameters:
            raise KeyError(f'{name!r} is not a parameter of {type(module).__name__} (weight_norm '
                           f'needs the name of a registered parameter, e.g. name="weight")')
        del module._parameters[name]
        module.register_parameter(name + '_g', Parameter(_norm_except_dim(weight, 2, dim).data))
        module.register_parameter(name + '_v', Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + '_g']
        del module._parameters[self.name + '_v']
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name='weight', dim=0):
    """Apply weight normalization to ``module.<name>`` (deprecated in PyTorch in favour of
    ``parametrizations.weight_norm``; warns FutureWarning as PyTorch does).

    ``dim`` is the dimension that keeps its own norm (``None``: one norm for the whole tensor).

    >>> import warnings; warnings.simplefilter('ignore', FutureWarning)
    >>> m = ember.nn.utils.weight_norm(ember.nn.Linear(4, 2), dim=None); m.weight_g.shape
    torch.Size([])
    """
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name='weight'):
    """Undo :func:`weight_norm`: ``<name>`` becomes a plain Parameter again.

    >>> import warnings; warnings.simplefilter('ignore', FutureWarning)
    >>> m = ember.nn.utils.remove_weight_norm(ember.nn.utils.weight_norm(ember.nn.Linear(3, 2)))
    >>> [n for n, _ in m.named_parameters()]
    ['bias', 'weight']
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
