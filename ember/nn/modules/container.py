"""Containers: ``Sequential``, ``ModuleList``, ``ModuleDict``, ``ParameterList``, ``ParameterDict``.

>>> ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.ReLU())[1]
ReLU()
"""
from collections import OrderedDict
import operator

from ..._tensor import Tensor
from ..parameter import Parameter
from .module import Module, _addindent

__all__ = ['Container', 'Sequential', 'ModuleList', 'ModuleDict', 'ParameterList',
           'ParameterDict']


def _index(idx, n, kind):
    """``idx`` as a position in ``range(n)``, or PyTorch's IndexError."""
    idx = operator.index(idx)
    if not -n <= idx < n:
        raise IndexError(f'index {idx} is out of range')
    return idx % n


class Container(Module):
    """Deprecated base kept for old code: children are given as keyword arguments.

    >>> c = ember.nn.Container(fc=ember.nn.Linear(2, 1))
    >>> [name for name, _ in c.named_children()]
    ['fc']
    """

    def __init__(self, **kwargs):
        super().__init__()
        for key, value in kwargs.items():
            self.add_module(key, value)


class Sequential(Module):
    """Modules applied one after the other; built from modules or an OrderedDict.

    >>> model = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU())
    >>> model(ember.ones(4, 3)).shape
    torch.Size([4, 2])
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for idx, module in enumerate(args):
                self.add_module(str(idx), module)

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        keys = list(self._modules)
        return self._modules[keys[_index(idx, len(keys), 'Sequential')]]

    def __setitem__(self, idx, module):
        keys = list(self._modules)
        setattr(self, keys[_index(idx, len(keys), 'Sequential')], module)

    def __delitem__(self, idx):
        keys = list(self._modules)
        if isinstance(idx, slice):
            for key in keys[idx]:
                delattr(self, key)
        else:
            delattr(self, keys[_index(idx, len(keys), 'Sequential')])
        # keep the numbering contiguous, as PyTorch does
        self._renumber()

    def _renumber(self):
        items = list(self._modules.values())
        self._modules.clear()
        for i, m in enumerate(items):
            self._modules[str(i)] = m

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __add__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError('add operator supports only objects of Sequential class, but '
                             f'{type(other)} is given.')
        return Sequential(*self, *other)

    def __iadd__(self, other):
        return self.extend(other)

    def __mul__(self, other):
        if not isinstance(other, int) or other <= 0:
            raise ValueError(f'Non-positive multiplication factor {other} for {type(self)}')
        return Sequential(*(list(self) * other))

    __rmul__ = __mul__

    def __dir__(self):
        return [k for k in super().__dir__() if not k.isdigit()]

    def append(self, module):
        """Add ``module`` at the end; returns self.

        >>> len(ember.nn.Sequential().append(ember.nn.ReLU()))
        1
        """
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index, module):
        """Insert ``module`` before position ``index``.

        >>> ember.nn.Sequential(ember.nn.ReLU()).insert(0, ember.nn.Tanh())[0]
        Tanh()
        """
        if not isinstance(module, Module):
            raise AssertionError(f'module should be of type: {Module}')
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f'Index out of range: {index}')
        if index < 0:
            index += n
        items = list(self._modules.values())
        items.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(items):
            self._modules[str(i)] = m
        return self

    def extend(self, sequential):
        """Append every module of ``sequential``.

        >>> len(ember.nn.Sequential().extend([ember.nn.ReLU(), ember.nn.Tanh()]))
        2
        """
        for layer in sequential:
            self.append(layer)
        return self

    def pop(self, key):
        """Remove and return the module at ``key``.

        >>> ember.nn.Sequential(ember.nn.ReLU()).pop(0)
        ReLU()
        """
        v = self[key]
        del self[key]
        return v


class ModuleList(Module):
    """A list of modules whose parameters the parent module sees.

    >>> layers = ember.nn.ModuleList([ember.nn.Linear(2, 2) for _ in range(3)])
    >>> len(list(layers.parameters()))
    6
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self += modules

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[str(_index(idx, len(self._modules), 'ModuleList'))]

    def __setitem__(self, idx, module):
        setattr(self, str(_index(idx, len(self._modules), 'ModuleList')), module)

    def __delitem__(self, idx):
        if isinstance(idx, slice):
            for k in range(len(self._modules))[idx]:
                delattr(self, str(k))
        else:
            delattr(self, str(_index(idx, len(self._modules), 'ModuleList')))
        Sequential._renumber(self)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        return ModuleList(list(self) + list(other))

    def __dir__(self):
        return [k for k in super().__dir__() if not k.isdigit()]

    def insert(self, index, module):
        """Insert ``module`` before position ``index``.

        >>> ember.nn.ModuleList([ember.nn.ReLU()]).insert(0, ember.nn.Tanh())
        """
        for i in range(len(self._modules), index, -1):
            self._modules[str(i)] = self._modules[str(i - 1)]
        self._modules[str(index)] = module

    def append(self, module):
        """Add ``module`` at the end; returns self.

        >>> len(ember.nn.ModuleList().append(ember.nn.ReLU()))
        1
        """
        self.add_module(str(len(self)), module)
        return self

    def pop(self, key):
        """Remove and return the module at ``key``.

        >>> ember.nn.ModuleList([ember.nn.ReLU()]).pop(0)
        ReLU()
        """
        v = self[key]
        del self[key]
        return v

    def extend(self, modules):
        """Append every module of the iterable ``modules``.

        >>> len(ember.nn.ModuleList().extend([ember.nn.ReLU()]))
        1
        """
        if not hasattr(modules, '__iter__'):
            raise TypeError('ModuleList.extend should be called with an iterable, but got '
                            + type(modules).__name__)
        offset = len(self)
        for i, module in enumerate(modules):
            self.add_module(str(offset + i), module)
        return self

    def __repr__(self):
        reprs = [repr(m) for m in self]
        if not reprs:
            return self._get_name() + '()'
        blocks = []                      # [start, end, repr] of runs of identical reprs
        for i, r in enumerate(reprs):
            if blocks and blocks[-1][2] == r:
                blocks[-1][1] = i
            else:
                blocks.append([i, i, r])
        lines = []
        for start, end, r in blocks:
            line = (f'({start}): {r}' if start == end
                    else f'({start}-{end}): {end - start + 1} x {r}')
            lines.append(_addindent(line, 2))
        return self._get_name() + '(\n  ' + '\n  '.join(lines) + '\n)'

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')


class ModuleDict(Module):
    """An ordered dict of modules whose parameters the parent module sees.

    >>> d = ember.nn.ModuleDict({'act': ember.nn.ReLU()}); d['act']
    ReLU()
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def clear(self):
        """Remove every module."""
        self._modules.clear()

    def pop(self, key):
        """Remove and return the module under ``key``.

        >>> ember.nn.ModuleDict({'a': ember.nn.ReLU()}).pop('a')
        ReLU()
        """
        v = self[key]
        del self[key]
        return v

    def keys(self):
        """The names, in insertion order."""
        return self._modules.keys()

    def items(self):
        """``(name, module)`` pairs."""
        return self._modules.items()

    def values(self):
        """The modules."""
        return self._modules.values()

    def update(self, modules):
        """Add modules from a mapping or an iterable of ``(name, module)`` pairs.

        >>> d = ember.nn.ModuleDict(); d.update([('a', ember.nn.ReLU())]); list(d)
        ['a']
        """
        if hasattr(modules, 'items'):
            for key, module in modules.items():
                self[key] = module
            return
        for j, m in enumerate(modules):
            if not isinstance(m, (list, tuple)):
                raise TypeError(f'ModuleDict update sequence element #{j} should be Iterable; '
                                f'is {type(m).__name__}')
            if len(m) != 2:
                raise ValueError(f'ModuleDict update sequence element #{j} has length {len(m)}; '
                                 '2 is required')
            self[m[0]] = m[1]

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')


def _param_line(key, p, typename):
    if isinstance(p, Tensor):
        size = 'x'.join(str(s) for s in p.size())
        dev = f' ({p.device})' if p.device.type == 'cuda' else ''
        kind = 'Parameter' if isinstance(p, Parameter) else 'Tensor'
        return f'  ({key}): {kind} containing: [{typename(p)} of size {size}{dev}]'
    return f'  ({key}): Object of type: {type(p).__name__}'


def _as_parameter(value):
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


class ParameterList(Module):
    """A list of parameters (plain tensors are turned into Parameters).

    >>> ember.nn.ParameterList([ember.nn.Parameter(ember.zeros(2))])
    ParameterList(  (0): Parameter containing: [torch.float32 of size 2])
    """

    def __init__(self, values=None):
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ParameterList([self[i] for i in range(len(self))[idx]])
        return getattr(self, str(_index(idx, len(self), 'ParameterList')))

    def __setitem__(self, idx, param):
        idx = _index(idx, len(self), 'ParameterList')
        setattr(self, str(idx), _as_parameter(param))

    def __len__(self):
        return self._size

    def __iter__(self):
        return iter(self[i] for i in range(len(self)))

    def __iadd__(self, parameters):
        return self.extend(parameters)

    def __dir__(self):
        return [k for k in super().__dir__() if not k.isdigit()]

    def append(self, value):
        """Add ``value`` at the end; returns self.

        >>> len(ember.nn.ParameterList().append(ember.zeros(1)))
        1
        """
        new_idx = len(self)
        self._size += 1
        setattr(self, str(new_idx), _as_parameter(value))
        return self

    def extend(self, values):
        """Append every value of the iterable.

        >>> len(ember.nn.ParameterList().extend([ember.zeros(1), ember.ones(1)]))
        2
        """
        if not hasattr(values, '__iter__') or isinstance(values, Tensor):
            raise TypeError('ParameterList.extend should be called with an iterable, but got '
                            + type(values).__name__)
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        return '\n'.join(_param_line(k, p, lambda t: str(t.dtype)) for k, p in enumerate(self))

    def __call__(self, *args, **kwargs):
        raise RuntimeError('ParameterList should not be called.')


class ParameterDict(Module):
    """An ordered dict of parameters (plain tensors are turned into Parameters).

    >>> d = ember.nn.ParameterDict({'w': ember.zeros(2)}); list(d.state_dict())
    ['w']
    """

    def __init__(self, parameters=None):
        super().__init__()
        self._keys = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        return getattr(self, key)

    def __setitem__(self, key, value):
        if not isinstance(key, str):
            raise TypeError(f'ParameterDict keys must be strings, got {type(key).__name__}')
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key):
        del self._keys[key]
        delattr(self, key)

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __contains__(self, key):
        return key in self._keys

    def keys(self):
        """The names, in insertion order."""
        return self._keys.keys()

    def items(self):
        """``(name, parameter)`` pairs."""
        return ((k, self[k]) for k in self._keys)

    def values(self):
        """The parameters."""
        return (self[k] for k in self._keys)

    def get(self, key, default=None):
        """The parameter under ``key``, or ``default``."""
        return self[key] if key in self else default

    def pop(self, key):
        """Remove and return the parameter under ``key``."""
        v = self[key]
        del self[key]
        return v

    def clear(self):
        """Remove every parameter."""
        for k in list(self._keys):
            del self[k]

    def update(self, parameters):
        """Add parameters from a mapping or an iterable of ``(name, tensor)`` pairs.

        >>> d = ember.nn.ParameterDict(); d.update({'b': ember.ones(1)}); list(d)
        ['b']
        """
        items = parameters.items() if hasattr(parameters, 'items') else parameters
        for j, kv in enumerate(items):
            if len(kv) != 2:
                raise ValueError(f'ParameterDict update sequence element #{j} has length '
                                 f'{len(kv)}; 2 is required')
            self[kv[0]] = kv[1]

    def extra_repr(self):
        return '\n'.join(_param_line(k, p, lambda t: t.type()) for k, p in self.items())

    def __call__(self, *args, **kwargs):
        raise RuntimeError('ParameterDict should not be called.')
