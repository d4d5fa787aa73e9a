"""``ember.optim``: optimizers and learning-rate schedulers, as ``torch.optim``.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8000], requires_grad=True)
"""
import importlib

from .optimizer import Optimizer
from . import optimizer
from .sgd import SGD

# one module per optimizer, as torch.optim; loaded on first use
_MODULES = {'Adam': 'adam', 'AdamW': 'adamw', 'Adamax': 'adamax', 'NAdam': 'nadam',
            'RAdam': 'radam', 'RMSprop': 'rmsprop', 'Adagrad': 'adagrad',
            'Adadelta': 'adadelta', 'ASGD': 'asgd', 'Rprop': 'rprop', 'SparseAdam': 'sparse_adam',
            'LBFGS': 'lbfgs', 'lr_scheduler': 'lr_scheduler'}

__all__ = ['Optimizer', 'SGD'] + list(_MODULES)


def __getattr__(name):
    if name in _MODULES:
        mod = importlib.import_module(f'.{_MODULES[name]}', __name__)
        value = mod if name == 'lr_scheduler' else getattr(mod, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ember.optim' has no attribute '{name}'")
