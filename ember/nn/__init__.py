"""``ember.nn``: modules, layers, losses, ``functional``, ``init`` and ``utils``.

>>> model = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.ReLU())
>>> model
Sequential(
  (0): Linear(in_features=2, out_features=3, bias=True)
  (1): ReLU()
)
"""
from .parameter import Parameter, Buffer, UninitializedParameter, UninitializedBuffer
from . import modules
from .modules import *  # noqa: F401,F403
from . import functional, init, utils

__all__ = ['Parameter', 'Buffer', 'UninitializedParameter', 'UninitializedBuffer', 'functional',
           'init', 'utils'] + \
    modules.__all__
