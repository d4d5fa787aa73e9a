"""ember: a deep-learning framework on NumPy with PyTorch's API.

>>> import ember as torch
>>> _ = torch.manual_seed(0); torch.rand(2)
tensor([0.4963, 0.7682])
"""
import builtins
import math as _math

from . import _dtype
from ._dtype import (dtype, bool, uint8, int8, int16, int32, int64, float16, float32, float64,
                     bfloat16, half, float, double, short, int, long, get_default_dtype,
                     set_default_dtype, promote_types, result_type, can_cast, finfo, iinfo)
from ._device import device
from ._tensor import (Tensor, Size, FloatTensor, DoubleTensor, HalfTensor, LongTensor,
                      IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor)
from . import autograd
from .autograd import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled
from .autograd.anomaly_mode import is_anomaly_enabled, is_anomaly_check_nan_enabled
from . import _ops
from ._printing import set_printoptions, get_printoptions
from ._threads import get_num_threads, set_num_threads

for _mod in _ops.modules:
    for _name in getattr(_mod, '__all__', ()):
        globals()[_name] = getattr(_mod, _name)
del _mod, _name

from . import random
from .random import (manual_seed, seed, initial_seed, get_rng_state, set_rng_state, Generator,
                     default_generator)
from . import cuda, cpu
from . import amp
from .amp import autocast, GradScaler
from .amp.autocast_mode import (
    is_autocast_enabled, set_autocast_enabled, get_autocast_dtype, set_autocast_dtype,
    get_autocast_cpu_dtype, get_autocast_gpu_dtype, is_autocast_cpu_enabled,
    set_autocast_cpu_enabled, set_autocast_cpu_dtype, clear_autocast_cache,
    is_autocast_cache_enabled, set_autocast_cache_enabled, autocast_increment_nesting,
    autocast_decrement_nesting)
from . import linalg
from . import backends
from ._ops.reduction import return_types

strided = 'torch.strided'
pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan
newaxis = None
__version__ = '0.1.0'


def is_storage(obj):
    """Whether ``obj`` is a storage object; ember tensors own NumPy arrays, not storages.

    >>> ember.is_storage(ember.zeros(1))
    False
    """
    return False


def typename(obj):
    """The PyTorch type name of a tensor ('torch.FloatTensor') or a Python object.

    >>> ember.typename(ember.zeros(1)), ember.typename(3)
    ('torch.FloatTensor', 'int')
    """
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module == 'builtins' else module + '.' + name


def set_default_tensor_type(t):
    """Legacy: set the default float dtype from a tensor type (e.g. DoubleTensor).

    >>> ember.set_default_tensor_type(ember.DoubleTensor); ember.tensor([1.]).dtype
    torch.float64
    >>> ember.set_default_tensor_type(ember.FloatTensor)
    """
    set_default_dtype(t._legacy_dtype if hasattr(t, '_legacy_dtype') else Tensor(0).type(t).dtype)


_deterministic = {'mode': False, 'warn_only': False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Record the flag PyTorch uses to demand deterministic kernels. ember's CPU ops are
    deterministic already, so nothing else changes.

    >>> ember.use_deterministic_algorithms(True); ember.are_deterministic_algorithms_enabled()
    True
    >>> ember.use_deterministic_algorithms(False)
    """
    _deterministic.update(mode=builtins.bool(mode), warn_only=builtins.bool(warn_only))


def are_deterministic_algorithms_enabled():
    """The flag ``use_deterministic_algorithms`` set (False by default, as in PyTorch).

    >>> ember.are_deterministic_algorithms_enabled()
    False
    """
    return _deterministic['mode']


def is_deterministic_algorithms_warn_only_enabled():
    """The ``warn_only`` flag ``use_deterministic_algorithms`` set.

    >>> ember.is_deterministic_algorithms_warn_only_enabled()
    False
    """
    return _deterministic['warn_only']


def compile(model=None, **kwargs):
    """Returns the model (or function) unchanged: ember has no compiler, so code written for
    ``torch.compile`` runs eagerly.

    >>> f = ember.compile(lambda x: x * 2); f(ember.tensor([1., 2.]))
    tensor([2., 4.])
    """
    if model is None:
        return lambda m: m
    return model


from . import utils  # noqa: E402
from . import nn  # noqa: E402  (layers need the namespace above)
from . import optim  # noqa: E402
from . import serialization  # noqa: E402
from . import distributions, func, special, testing  # noqa: E402
from .serialization import save, load  # noqa: E402
