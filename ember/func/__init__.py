"""``ember.func``: function transforms (grad, vjp, jacrev, hessian, vmap, functional_call), as
``torch.func``.

>>> from ember.func import grad, vmap
>>> vmap(grad(lambda x: (x ** 3).sum()))(ember.tensor([[1., 2.], [3., 4.]]))
tensor([[ 3., 12.],
        [27., 48.]])
"""
from ._autodiff import grad, grad_and_value, vjp, jacrev, jacfwd, hessian
from ._vmap import vmap

__all__ = ['grad', 'grad_and_value', 'vjp', 'jacrev', 'jacfwd', 'hessian', 'vmap',
           'functional_call']


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with its parameters/buffers replaced by the given dict (or
    tuple of dicts) for this call only; gradients flow to the given tensors.

    >>> lin = ember.nn.Linear(2, 1)
    >>> params = {'weight': ember.ones(1, 2), 'bias': ember.zeros(1)}
    >>> functional_call(lin, params, (ember.ones(1, 2),))
    tensor([[2.]])
    """
    from ..nn.utils.stateless import call_reparametrized
    if isinstance(parameter_and_buffer_dicts, dict):
        merged = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, (list, tuple)):
        counts = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, c in counts.items() if c > 1]
        if repeated:
            raise ValueError(f'{repeated} appeared in multiple dictionaries; behavior of '
                             'functional call is ambiguous')
        merged = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError(f'Expected parameter_and_buffer_dicts to be a dict, or a list/tuple '
                         f'of dicts, but got {type(parameter_and_buffer_dicts)}')
    return call_reparametrized(module, merged, args, kwargs, tie_weights, strict)
