"""``ember.nn.functional``: every layer, activation and loss as a function.

The definitions live next to their backward in ``ember._ops.nn_*`` (one module per family);
each of those modules lists its functional names in ``FUNCTIONAL`` (a list of its own
names, or a dict name -> function where ``F``'s signature differs from the top-level op's),
and this module re-exports them, so ``F.conv2d`` and ``ember.conv2d`` are the same function.

>>> import ember.nn.functional as F
>>> F.relu(ember.tensor([-1., 2.]))
tensor([0., 2.])
"""
from .. import _ops

__all__ = []


def _gather():
    for mod in _ops.modules:
        if mod.__name__.rsplit('.', 1)[-1].startswith('nn_'):
            names = getattr(mod, 'FUNCTIONAL', ())
            pairs = names.items() if isinstance(names, dict) else (
                (n, getattr(mod, n)) for n in names)
            for name, fn in pairs:
                globals()[name] = fn
                __all__.append(name)


_gather()
