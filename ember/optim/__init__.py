"""``ember.optim``: optimizers and learning-rate schedulers, as ``torch.optim``.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8000], requires_grad=True)
"""
from .optimizer import Optimizer
from . import optimizer
from .sgd import SGD

__all__ = ['Optimizer', 'SGD']
