"""Flatten parameters into one vector and back (``parameters_to_vector``,
``vector_to_parameters``).

>>> lin = ember.nn.Linear(2, 1)
>>> v = ember.nn.utils.parameters_to_vector(lin.parameters()); v.shape
torch.Size([3])
>>> ember.nn.utils.vector_to_parameters(ember.arange(3.0), lin.parameters()); lin.bias
Parameter containing:
tensor([2.], requires_grad=True)
"""
from ..._tensor import Tensor

__all__ = ['parameters_to_vector', 'vector_to_parameters']


def parameters_to_vector(parameters):
    """One 1-D tensor holding every parameter, flattened and concatenated in order.

    >>> ember.nn.utils.parameters_to_vector([ember.ones(2, 2), ember.zeros(1)])
    tensor([1., 1., 1., 1., 0.])
    """
    import ember
    param_device = None
    vec = []
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        vec.append(param.view(-1))
    return ember.cat(vec)


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D ``vec`` into ``parameters`` (their ``.data`` becomes a
    view of ``vec``).

    >>> p = ember.nn.Parameter(ember.zeros(2, 2))
    >>> ember.nn.utils.vector_to_parameters(ember.arange(4.0), [p]); p.data
    tensor([[0., 1.],
            [2., 3.]])
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f'expected torch.Tensor, but got: {_typename(vec)} '
                        '(convert it with ember.tensor(...) first)')
    param_device = None
    pointer = 0
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        num_param = param.numel()
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param


def _typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(type(obj), '__module__', '') or ''
    module = '' if module == 'builtins' else module + '.'
    return module + type(obj).__qualname__


def _check_param_device(param, old_param_device):
    on_gpu = param.device.type == 'cuda'
    if old_param_device is None:
        return param.get_device() if on_gpu else -1
    warn = param.get_device() != old_param_device if on_gpu else old_param_device != -1
    if warn:
        raise TypeError('Found two parameters on different devices, this is currently not '
                        'supported. (Move the model to one device with model.to(device) first.)')
    return old_param_device
