"""All layers, one module per family as in ``torch.nn.modules``."""
from .module import Module
from . import (container, linear, flatten, activation, conv, padding, fold, pooling, upsampling,
               pixelshuffle, channelshuffle, batchnorm, normalization, instancenorm, dropout,
               sparse, distance, loss)
from . import attention, transformer
from . import rnn
from . import lazy
from . import adaptive

_FAMILIES = (container, linear, flatten, activation, conv, padding, fold, pooling, upsampling,
             pixelshuffle, channelshuffle, batchnorm, normalization, instancenorm, dropout,
             sparse, distance, loss)
_FAMILIES += (attention, transformer)
_FAMILIES += (rnn,)
_FAMILIES += (lazy,)
_FAMILIES += (adaptive,)

__all__ = ['Module']
for _fam in _FAMILIES:
    for _name in _fam.__all__:
        globals()[_name] = getattr(_fam, _name)
        __all__.append(_name)
