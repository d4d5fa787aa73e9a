"""``ember.optim``: optimizers and learning-rate schedulers, as ``torch.optim``.

One module per optimizer, as in torch; ``lr_scheduler`` holds the schedulers.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8000], requires_grad=True)
"""
from . import optimizer, lr_scheduler
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam
from .adamw import AdamW
from .adamax import Adamax
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .adagrad import Adagrad
from .adadelta import Adadelta
from .asgd import ASGD
from .rprop import Rprop
from .sparse_adam import SparseAdam
from .lbfgs import LBFGS
from ._adafactor import Adafactor
from ._muon import Muon
from . import swa_utils

__all__ = ['Optimizer', 'SGD', 'Adam', 'AdamW', 'Adamax', 'NAdam', 'RAdam', 'RMSprop',
           'Adagrad', 'Adadelta', 'ASGD', 'Rprop', 'SparseAdam', 'LBFGS', 'Adafactor',
           'Muon', 'lr_scheduler', 'swa_utils']
