"""The oracle harness: run one table entry on ember and on torch 2.13 and compare.

A table entry (:class:`Op`) names a public op, how to call it on a library
(``call(lib, *args, **kwargs)``, default ``getattr(lib, name)``), and a sample generator
``samples(rng, dtype) -> [Sample, ...]`` giving NumPy arrays / Python values. Arrays
become tensors of each library; float arrays listed in ``Sample.grad`` require grad.

Checks per sample: forward values/dtype/shape; backward (input gradients of
``sum(out * w)`` for a random ``w``); gradcheck in float64; second-order gradients.
ember's side of every check runs under :func:`strict_numpy_warnings`: PyTorch computes
``inf - inf``, ``0 * inf``, ``log(-1)`` or an overflow silently, so a NumPy RuntimeWarning
escaping an ember op is a bug.
"""
import contextlib
import dataclasses
import warnings
from typing import Callable, Optional

import numpy as np

FLOATS = ('float32', 'float64')


@dataclasses.dataclass
class Sample:
    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    grad: tuple = None          # indices of args that require grad (default: float arrays)
    desc: str = ''


@dataclasses.dataclass
class Op:
    name: str
    samples: Callable
    call: Optional[Callable] = None
    dtypes: tuple = FLOATS
    differentiable: bool = True
    gradcheck: bool = True
    gradgrad: bool = True
    atol: float = 1e-5
    rtol: float = 1.3e-6
    grad_atol: float = None
    random: bool = False        # compare after manual_seed (bit-exact RNG)
    covers: tuple = ()          # other public names this entry also exercises
    compare: Optional[Callable] = None   # custom compare(ember_out, torch_out)
    nondiff_outputs: tuple = ()  # output indices without gradient (e.g. indices)
    # checks ('forward', 'backward', 'second_order') that run ember's side for NumPy warnings
    # only, without comparing values (known nan/inf differences from torch at special values)
    warnings_only: tuple = ()

    def run(self, lib, *args, **kwargs):
        if self.call is not None:
            return self.call(lib, *args, **kwargs)
        return getattr(lib, self.name)(*args, **kwargs)


@contextlib.contextmanager
def strict_numpy_warnings():
    """Turn any RuntimeWarning (NumPy's overflow / invalid value / divide by zero) into an
    error for the duration of the block."""
    with warnings.catch_warnings():
        warnings.simplefilter('error', RuntimeWarning)
        yield


# ---------------------------------------------------------------- sample helpers
def arr(rng, shape, dtype='float32', low=-2.0, high=2.0, positive=False, noncontig=False):
    """A random array; ``noncontig`` returns a transposed (non-contiguous) view."""
    if dtype == 'bool':
        a = np.asarray(rng.random(shape) > 0.5)
    elif np.dtype(dtype).kind in 'iu':
        lo = 0 if np.dtype(dtype).kind == 'u' or positive else -5
        a = rng.integers(lo, 6, size=shape).astype(dtype)
    else:
        lo = 0.1 if positive else low
        a = rng.uniform(lo, high, size=shape).astype(dtype)
    if noncontig and a.ndim >= 2:
        a = np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
    return a


def unary_samples(positive=False, low=-2.0, high=2.0):
    """Shapes covering 0-d, 1-d, 2-d, 3-d, empty and non-contiguous inputs."""
    def gen(rng, dtype):
        kw = dict(dtype=dtype, positive=positive, low=low, high=high)
        return [Sample((arr(rng, (), **kw),), desc='0d'),
                Sample((arr(rng, (5,), **kw),), desc='1d'),
                Sample((arr(rng, (3, 4), **kw),), desc='2d'),
                Sample((arr(rng, (2, 3, 4), noncontig=True, **kw),), desc='3d-noncontig'),
                Sample((arr(rng, (0, 3), **kw),), desc='empty')]
    return gen


def binary_samples(positive=False, low=-2.0, high=2.0, scalar=True, rhs_positive=None):
    """Broadcasting pairs plus tensor-scalar forms."""
    rp = positive if rhs_positive is None else rhs_positive

    def gen(rng, dtype):
        a = dict(dtype=dtype, positive=positive, low=low, high=high)
        b = dict(dtype=dtype, positive=rp, low=low, high=high)
        out = [Sample((arr(rng, (3, 4), **a), arr(rng, (3, 4), **b)), desc='same'),
               Sample((arr(rng, (2, 3, 4), **a), arr(rng, (4,), **b)), desc='bcast'),
               Sample((arr(rng, (3, 1), **a), arr(rng, (1, 4), **b)), desc='outer-bcast'),
               Sample((arr(rng, (), **a), arr(rng, (3,), **b)), desc='0d-1d'),
               Sample((arr(rng, (3, 4), noncontig=True, **a), arr(rng, (3, 4), **b)),
                      desc='noncontig'),
               Sample((arr(rng, (0, 4), **a), arr(rng, (4,), **b)), desc='empty')]
        if scalar:
            s = 1.5 if np.dtype(dtype).kind == 'f' else 2
            out.append(Sample((arr(rng, (3,), **a), s), desc='scalar'))
        return out
    return gen


# ---------------------------------------------------------------- conversion
def to_lib(lib, value, requires_grad):
    if isinstance(value, np.ndarray):
        t = lib.tensor(value)
        if requires_grad:
            t.requires_grad_(True)
        return t
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
        return type(value)(to_lib(lib, v, requires_grad) for v in value)
    return value


def grad_indices(sample):
    if sample.grad is not None:
        return set(sample.grad)
    return {i for i, a in enumerate(sample.args)
            if isinstance(a, np.ndarray) and a.dtype.kind == 'f'}


def build(lib, sample, differentiable):
    gi = grad_indices(sample) if differentiable else set()
    args = [to_lib(lib, a, i in gi) for i, a in enumerate(sample.args)]
    kwargs = {k: to_lib(lib, v, False) for k, v in sample.kwargs.items()}
    return args, kwargs, gi


def flatten_out(out):
    """Tensors of an op's result in order (tuples, named tuples, lists)."""
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(flatten_out(o))
        return res
    return [out]


def to_numpy(t):
    if hasattr(t, 'detach'):
        return np.asarray(t.detach().cpu().numpy(force=True))
    return t


def assert_same(e, t, atol, rtol, what):
    if hasattr(t, 'dtype') and hasattr(t, 'shape') and not isinstance(t, np.ndarray):
        assert str(e.dtype) == str(t.dtype), f'{what}: dtype {e.dtype} != torch {t.dtype}'
        assert tuple(e.shape) == tuple(t.shape), f'{what}: shape {tuple(e.shape)} != torch {tuple(t.shape)}'
        ea, ta = to_numpy(e), to_numpy(t)
        if ta.dtype.kind in 'biu':
            np.testing.assert_array_equal(ea, ta, err_msg=what)
        else:
            np.testing.assert_allclose(ea.astype(np.float64), ta.astype(np.float64), atol=atol,
                                       rtol=rtol, equal_nan=True, err_msg=what)
    else:
        if isinstance(t, float):
            assert abs(e - t) <= atol + rtol * abs(t) or (e != e and t != t), f'{what}: {e} != {t}'
        else:
            assert e == t, f'{what}: {e!r} != torch {t!r}'


def tolerances(op, dtype):
    if dtype == 'float64':
        return 1e-10, 1e-9
    if dtype == 'float16':
        return 1e-2, 1e-2
    return op.atol, op.rtol
