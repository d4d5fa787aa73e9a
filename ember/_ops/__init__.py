"""Every operator, one module per family. Each module lists its public functions in
``__all__`` (exported as ``ember.<name>``) and its Tensor methods in ``METHODS``; this
package attaches the methods to Tensor once, at import.

Modules load in the order below, then any other public module of this package in name
order; a later module's METHODS entry wins over an earlier one with the same name.
"""
import importlib
import pkgutil

from .._tensor import Tensor

_FIRST = ['arith', 'pointwise', 'comparison', 'conversion', 'creation', 'shape', 'reduction']


def _names():
    found = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith('_'))
    return _FIRST + [n for n in found if n not in _FIRST]


def _load():
    mods = [importlib.import_module(f'.{name}', __name__) for name in _names()]
    for mod in mods:
        for attr, fn in getattr(mod, 'METHODS', {}).items():
            setattr(Tensor, attr, fn)
    return mods


modules = _load()
