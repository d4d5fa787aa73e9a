"""The op side of automatic mixed precision: autocast state and the three cast policies.

An op that autocast changes starts with one cheap test and hands itself to a policy::

    def mm(input, mat2, *, out=None):
        if AUTOCAST.on:
            return lower_precision(mm, input, mat2, out=out)
        ...

``lower_precision`` (matmuls, convolutions, attention, RNNs) rounds eligible inputs to the
autocast dtype, computes in float32 and rounds the result once, as PyTorch's CPU kernels do
(float32 accumulation). ``full_precision`` (losses, reductions that need range) casts
float16/bfloat16 inputs up to float32. ``promote`` (cat, stack, index_copy) casts to the
widest floating input dtype. "Eligible" is PyTorch's rule: a floating tensor, not float64, on
a device whose autocast is enabled. The casts are ordinary differentiable ``to`` calls, so
gradients reach float32 leaves in float32. The op runs with autocast switched off, so the ops
it calls internally are not cast again (PyTorch excludes its autocast key the same way).

>>> AUTOCAST.on
False
"""
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import STATE as GRAD

__all__ = []


class AutocastState:
    """Per-device enabled flags and dtypes, the nesting depth and the weight-cast cache.
    ``on`` is the one flag ops test: true while autocast is enabled on any device."""
    __slots__ = ('on', 'enabled', 'dtype', 'cache_enabled', 'nesting', 'cache')

    def __init__(self):
        self.on = False
        self.enabled = {'cpu': False, 'cuda': False}
        self.dtype = {'cpu': D.bfloat16, 'cuda': D.float16}
        self.cache_enabled = True
        self.nesting = 0
        self.cache = {}

    def refresh(self):
        self.on = any(self.enabled.values())


AUTOCAST = AutocastState()
_LOWER = (np.dtype(np.float16), D.bfloat16.np if D.HAS_BFLOAT16 else None)


def _device_type(t):
    return 'cpu' if t._data.__class__ is np.ndarray else 'cuda'


def _eligible_device(t):
    """The device type whose autocast applies to ``t``, or None (not a float, float64, or
    autocast off on its device)."""
    if not isinstance(t, Tensor):
        return None
    kind = t._data.dtype
    if kind == np.float64 or not D._BY_NP[kind].is_floating_point:
        return None
    dev = _device_type(t)
    return dev if AUTOCAST.enabled.get(dev) else None


def _cached_cast(t, make):
    """``make(t)``, cached for leaves that require grad (weights) while the cache is on, so
    a weight used twice in one region is cast once, as PyTorch does. A cast made under
    ``no_grad`` is not stored: it has no graph, and a later use with grad enabled in the same
    region must still reach the weight."""
    if not (AUTOCAST.cache_enabled and t._rg and t.grad_fn is None):
        return make(t)
    key = (id(t), make)
    hit = AUTOCAST.cache.get(key)
    if hit is None or hit[0] is not t:
        if not GRAD.enabled:
            return make(t)
        hit = AUTOCAST.cache[key] = (t, make(t))
    return hit[1]


def _map_tensors(fn, value):
    """``fn`` applied to every Tensor in ``value`` (a Tensor, or a list/tuple of them)."""
    if isinstance(value, Tensor):
        return fn(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return type(value)(_map_tensors(fn, v) for v in value)
    return value


def _run_plain(op, args, kwargs):
    """``op`` with autocast switched off for its duration (nested ops are not recast)."""
    AUTOCAST.on = False
    try:
        return op(*args, **kwargs)
    finally:
        AUTOCAST.refresh()


def _round_to(dtype):
    def cast(t):
        # round to the low dtype, then compute in float32 on the rounded values
        return t.to(dtype).to(D.float32)
    return cast


_ROUNDERS = {}


def lower_precision(op, *args, **kwargs):
    """Run ``op`` in the autocast dtype: eligible inputs are rounded to it, the math runs in
    float32 on the rounded values and float32 results are rounded once at the end."""
    return _lower_precision(op, args, kwargs, round_outputs=True)


def lower_precision_inputs(op, *args, **kwargs):
    """``lower_precision`` that leaves float32 results as they are: for composite ops whose
    low-precision pieces meet float32 state in PyTorch, so that the result is float32 (GRU)."""
    return _lower_precision(op, args, kwargs, round_outputs=False)


def _has_out(kwargs):
    """Whether the call writes into ``out=``: PyTorch's autocast leaves out= variants alone
    (the op runs in its inputs' dtypes and writes into, and returns, ``out`` itself)."""
    return kwargs.get('out') is not None


def _lower_precision(op, args, kwargs, round_outputs):
    if _has_out(kwargs):
        return _run_plain(op, args, kwargs)
    target = None
    for a in args:
        for t in (a if isinstance(a, (list, tuple)) else (a,)):
            dev = _eligible_device(t)
            if dev is not None:
                target = AUTOCAST.dtype[dev]
                break
        if target is not None:
            break
    if target is None:
        return _run_plain(op, args, kwargs)
    rounder = _ROUNDERS.get(target)
    if rounder is None:
        rounder = _ROUNDERS[target] = _round_to(target)

    def cast_in(t):
        return _cached_cast(t, rounder) if _eligible_device(t) is not None else t

    def cast_out(t):
        return t.to(target) if t.dtype is D.float32 else t

    out = _run_plain(op, [_map_tensors(cast_in, a) for a in args], kwargs)
    return _map_tensors(cast_out, out) if round_outputs else out


def _up(t):
    return t.to(D.float32)


def full_precision(op, *args, **kwargs):
    """Run ``op`` in float32: eligible float16/bfloat16 inputs are cast up first."""
    def cast_in(t):
        if t._data.dtype in _LOWER and _eligible_device(t) is not None:
            return _cached_cast(t, _up)
        return t
    if _has_out(kwargs):
        return _run_plain(op, args, kwargs)
    return _run_plain(op, [_map_tensors(cast_in, a) for a in args], kwargs)


def promote(op, *args, **kwargs):
    """Run ``op`` with its eligible floating inputs cast to the widest of their dtypes."""
    if _has_out(kwargs):
        return _run_plain(op, args, kwargs)
    found = []
    _map_tensors(lambda t: found.append(t) if _eligible_device(t) is not None else None, args)
    widest = None
    for t in found:
        widest = t.dtype if widest is None else D.promote_types(widest, t.dtype)
    if widest is None or all(t.dtype is widest for t in found):
        return _run_plain(op, args, kwargs)

    def cast_in(t):
        return t.to(widest) if _eligible_device(t) is not None and t.dtype is not widest else t
    return _run_plain(op, [_map_tensors(cast_in, a) for a in args], kwargs)


def clear_cache():
    AUTOCAST.cache.clear()
