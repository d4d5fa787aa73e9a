"""``parametrize``: make a parameter or buffer a function of other tensors, as
``torch.nn.utils.parametrize``.

``register_parametrization(module, 'weight', P)`` moves the tensor to
``module.parametrizations.weight.original`` and turns ``module.weight`` into a property that
returns ``P(original)`` on every access (or once per ``with cached():`` block).

>>> class Symmetric(ember.nn.Module):
...     def forward(self, X):
...         return X.triu() + X.triu(1).transpose(-1, -2)
>>> m = ember.nn.utils.parametrize.register_parametrization(ember.nn.Linear(3, 3), 'weight',
...                                                           Symmetric())
>>> bool((m.weight == m.weight.T).all()), type(m).__name__
(True, 'ParametrizedLinear')
"""
import collections.abc
import copyreg
from contextlib import contextmanager
from copy import deepcopy

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..modules.container import ModuleDict, ModuleList
from ..modules.module import Module
from ..parameter import Parameter

__all__ = ['cached', 'ParametrizationList', 'register_parametrization', 'is_parametrized',
           'remove_parametrizations', 'type_before_parametrizations',
           'transfer_parametrizations_and_params']

_cache_enabled = 0
_cache = {}


@contextmanager
def cached():
    """Inside this block every parametrized tensor is computed once and reused.

    >>> with ember.nn.utils.parametrize.cached():
    ...     pass
    """
    global _cache, _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache = {}


def _register_parameter_or_buffer(module, name, X):
    if isinstance(X, Parameter):
        module.register_parameter(name, X)
    else:
        module.register_buffer(name, X)


def _maybe_set(dest, src):
    # ``dest.set_(src)``: dest now shares src's memory, shape and strides
    dest.data = src


class ParametrizationList(ModuleList):
    """The chain of parametrizations of one tensor, holding the unparametrized ``original``
    (or ``original0``, ``original1``, ... when ``right_inverse`` returns several tensors).

    >>> class Double(ember.nn.Module):
    ...     def forward(self, X):
    ...         return 2 * X
    >>> ParametrizationList([Double()], ember.ones(2))()
    tensor([2., 2.])
    """

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError('ParametrizationList requires one or more modules.')
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape = original.shape
        original_dtype = original.dtype
        with no_grad():
            new = original
            for module in reversed(self):
                if hasattr(module, 'right_inverse'):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        if not isinstance(new, Tensor) and not isinstance(new, collections.abc.Sequence):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors "
                             f'(list, tuple...). Got {type(new).__name__}')
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if original.dtype != new.dtype:
                raise ValueError('When `right_inverse` outputs one tensor, it may not change the '
                                 f'dtype.\noriginal.dtype: {original.dtype}\n'
                                 f'right_inverse(original).dtype: {new.dtype}')
            if original.device != new.device:
                raise ValueError('When `right_inverse` outputs one tensor, it may not change the '
                                 f'device.\noriginal.device: {original.device}\n'
                                 f'right_inverse(original).device: {new.device}')
            with no_grad():
                _maybe_set(original, new)
            _register_parameter_or_buffer(self, 'original', original)
        else:
            for i, originali in enumerate(new):
                if not isinstance(originali, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of "
                                     f'tensors (list, tuple...). Got element {i} of the sequence '
                                     f'with type {type(originali).__name__}.')
                if isinstance(original, Parameter):
                    originali = Parameter(originali, original.requires_grad)
                originali.requires_grad_(original.requires_grad)
                _register_parameter_or_buffer(self, f'original{i}', originali)
        if not self.unsafe:
            Z = self()
            if not isinstance(Z, Tensor):
                raise ValueError(f'A parametrization must return a tensor. Got {type(Z).__name__}.')
            if Z.dtype != original_dtype:
                raise ValueError('Registering a parametrization may not change the dtype of the '
                                 'tensor, unless `unsafe` flag is enabled.\n'
                                 f'unparametrized dtype: {original_dtype}\n'
                                 f'parametrized dtype: {Z.dtype}')
            if Z.shape != original_shape:
                raise ValueError('Registering a parametrization may not change the shape of the '
                                 'tensor, unless `unsafe` flag is enabled.\n'
                                 f'unparametrized shape: {original_shape}\n'
                                 f'parametrized shape: {Z.shape}')

    def right_inverse(self, value):
        """Assigning to the parametrized tensor stores ``right_inverse(value)`` in ``original``."""
        with no_grad():
            for module in reversed(self):
                if hasattr(module, 'right_inverse'):
                    value = module.right_inverse(value)
                else:
                    raise RuntimeError(f'parametrization {type(module).__name__} does not '
                                       'implement right_inverse.')
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError('`right_inverse` should return a tensor. Got '
                                     f'{type(value).__name__}')
                if value.dtype != self.original.dtype:
                    raise ValueError(f'The tensor returned by `right_inverse` has dtype '
                                     f'{value.dtype} while `original` has dtype '
                                     f'{self.original.dtype}')
                _maybe_set(self.original, value)
            else:
                if not isinstance(value, collections.abc.Sequence):
                    raise ValueError("'right_inverse' must return a sequence of tensors. Got "
                                     f'{type(value).__name__}.')
                if len(value) != self.ntensors:
                    raise ValueError("'right_inverse' must return a sequence of tensors of "
                                     f'length {self.ntensors}. Got a sequence of length '
                                     f'{len(value)}.')
                for i, tensor in enumerate(value):
                    original_i = getattr(self, f'original{i}')
                    if not isinstance(tensor, Tensor):
                        raise ValueError("'right_inverse' must return a sequence of tensors or "
                                         f'reference-type opaques. Got element {i} of type '
                                         f'{type(tensor).__name__}.')
                    if original_i.dtype != tensor.dtype:
                        raise ValueError(f'Tensor {i} returned by `right_inverse` has dtype '
                                         f'{tensor.dtype} while `original{i}` has dtype '
                                         f'{original_i.dtype}')
                    _maybe_set(original_i, tensor)

    def forward(self):
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f'original{i}') for i in range(self.ntensors)))
        curr_idx = 1
        while hasattr(self, str(curr_idx)):
            x = self[curr_idx](x)
            curr_idx += 1
        return x


def _inject_new_class(module):
    cls = module.__class__

    def default_deepcopy(self, memo):
        obj = memo.get(id(self), None)
        if obj is not None:
            return obj
        replica = self.__new__(self.__class__)
        memo[id(self)] = replica
        replica.__dict__ = deepcopy(self.__dict__, memo)
        for slot in copyreg._slotnames(self.__class__):
            if hasattr(self, slot):
                setattr(replica, slot, deepcopy(getattr(self, slot), memo))
        return replica

    def getstate(self):
        raise RuntimeError('Serialization of parametrized modules is only supported through '
                           'state_dict(). See:\nhttps://pytorch.org/tutorials/beginner/'
                           'saving_loading_models.html#saving-loading-a-general-checkpoint-for-'
                           'inference-and-or-resuming-training')

    dct = {'__getstate__': getstate}
    if not hasattr(cls, '__deepcopy__'):
        dct['__deepcopy__'] = default_deepcopy
    module.__class__ = type(f'Parametrized{cls.__name__}', (cls,), dct)


def _inject_property(module, tensor_name):
    if hasattr(module, tensor_name):
        raise AssertionError(f"Module already has an attribute named '{tensor_name}'")

    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if _cache_enabled:
            key = (id(module), tensor_name)
            tensor = _cache.get(key)
            if tensor is None:
                tensor = parametrization()
                _cache[key] = tensor
            return tensor
        return parametrization()

    def set_original(self, value):
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make ``module.<tensor_name>`` the output of ``parametrization`` applied to the stored
    original (several registrations chain).

    >>> class Positive(ember.nn.Module):
    ...     def forward(self, X):
    ...         return X.exp()
    >>> m = register_parametrization(ember.nn.Linear(2, 2), 'bias', Positive())
    >>> bool((m.bias > 0).all()), [n for n, _ in m.named_parameters()]
    (True, ['weight', 'parametrizations.bias.original'])
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            Y = getattr(module, tensor_name)
            X = parametrization(Y)
            if not isinstance(X, Tensor):
                raise ValueError(f'A parametrization must return a tensor. Got {type(X).__name__}.')
            if X.dtype != Y.dtype:
                raise ValueError('Registering a parametrization may not change the dtype of the '
                                 'tensor, unless the `unsafe` flag is enabled.\n'
                                 f'module.{tensor_name}.dtype: {Y.dtype}\n'
                                 f'parametrization(module.{tensor_name}).dtype: {X.dtype}')
            if X.shape != Y.shape:
                raise ValueError('Registering a parametrization may not change the shape of the '
                                 'tensor, unless the `unsafe` flag is enabled.\n'
                                 f'module.{tensor_name}.shape: {Y.shape}\n'
                                 f'parametrization(module.{tensor_name}).shape: {X.shape}')
            if hasattr(parametrization, 'right_inverse'):
                try:
                    Z = parametrization.right_inverse(X)
                except NotImplementedError:
                    pass
                else:
                    if not isinstance(Z, Tensor):
                        raise ValueError('parametrization.right_inverse must return a tensor. '
                                         f'Got: {type(Z).__name__}')
                    if Z.dtype != Y.dtype:
                        raise ValueError('The tensor returned by parametrization.right_inverse '
                                         'must have the same dtype as '
                                         f'module.{tensor_name}, unless the `unsafe` flag is '
                                         f'enabled.\nmodule.{tensor_name}.dtype: {Y.dtype}\n'
                                         f'returned dtype: {Z.dtype}')
                    if Z.shape != Y.shape:
                        raise ValueError('The tensor returned by parametrization.right_inverse '
                                         'must have the same shape as '
                                         f'module.{tensor_name}, unless the `unsafe` flag is '
                                         f'enabled.\nmodule.{tensor_name}.shape: {Y.shape}\n'
                                         f'returned shape: {Z.shape}')
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = parametrizations
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                         f"parametrized element with name '{tensor_name}'")
    return module


def is_parametrized(module, tensor_name=None):
    """Whether ``module`` (or its ``tensor_name``) has a parametrization.

    >>> is_parametrized(ember.nn.Linear(2, 2))
    False
    """
    parametrizations = getattr(module, 'parametrizations', None)
    if parametrizations is None or not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Remove the parametrizations of ``tensor_name``; it becomes a plain parameter/buffer again,
    holding the parametrized value (``leave_parametrized=True``) or the original.

    >>> class Neg(ember.nn.Module):
    ...     def forward(self, X):
    ...         return -X
    >>> m = register_parametrization(ember.nn.Linear(2, 2), 'weight', Neg())
    >>> type(remove_parametrizations(m, 'weight')).__name__
    'Linear'
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f'Module {module} does not have a parametrization on {tensor_name}')
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                t = getattr(module, tensor_name)
                _maybe_set(original, t)
    else:
        if leave_parametrized:
            t = getattr(module, tensor_name)
            original = Parameter(t.detach()) if t.requires_grad else t
        else:
            raise ValueError('Cannot leave unparametrized (`leave_parametrized=False`) a tensor '
                             'that is parametrized in terms of a sequence of tensors.')
    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, 'parametrizations')
        module.__class__ = module.__class__.__bases__[0]
    return module


def type_before_parametrizations(module):
    """The module's class before parametrizations were registered.

    >>> type_before_parametrizations(ember.nn.Linear(1, 1)).__name__
    'Linear'
    """
    if is_parametrized(module):
        return module.__class__.__bases__[0]
    return type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Copy the parametrizations (and their originals) of ``from_module`` to ``to_module``.

    >>> a, b = ember.nn.Linear(2, 2), ember.nn.Linear(2, 2)
    >>> transfer_parametrizations_and_params(a, b) is b
    True
    """
    if is_parametrized(from_module):
        names = from_module.parametrizations if tensor_name is None else [tensor_name]
        for parameter_name in names:
            if not hasattr(to_module, parameter_name):
                setattr(to_module, parameter_name,
                        Parameter(getattr(from_module, parameter_name)))
            for param_func in from_module.parametrizations[parameter_name]:
                register_parametrization(to_module, parameter_name, param_func)
            src = from_module.parametrizations[parameter_name]
            dst = to_module.parametrizations[parameter_name]
            if hasattr(src, 'original'):
                dst.original = src.original
            else:
                num = 0
                while hasattr(src, f'original{num}'):
                    setattr(dst, f'original{num}', getattr(src, f'original{num}'))
                    num += 1
    return to_module
