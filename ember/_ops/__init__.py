"""Every operator, one module per family. Each module lists its public functions in
``__all__`` (exported as ``ember.<name>``) and its Tensor methods in ``METHODS``; this
package attaches the methods to Tensor once, at import.
"""
import importlib

from .._tensor import Tensor

MODULES = ['arith', 'pointwise', 'comparison', 'conversion', 'creation', 'shape', 'reduction']
_OPTIONAL = ['binary', 'indexing', 'joining', 'linalg', 'random_ops']


def _load():
    mods = [importlib.import_module(f'.{m}', __name__) for m in MODULES]
    for name in _OPTIONAL:
        try:
            mods.append(importlib.import_module(f'.{name}', __name__))
        except ModuleNotFoundError as e:
            if e.name != f'{__name__}.{name}':
                raise
    for mod in mods:
        for attr, fn in getattr(mod, 'METHODS', {}).items():
            setattr(Tensor, attr, fn)
    return mods


modules = _load()
