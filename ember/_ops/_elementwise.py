"""What the elementwise modules share (arith, power, pointwise, binary, clamp, comparison).

:func:`quiet` runs NumPy without floating-point warnings (PyTorch never warns),
:func:`broadcast_call` turns NumPy's broadcasting ValueError into PyTorch's RuntimeError,
:func:`write_out` implements ``out=``, :func:`apply_inplace` makes ``x.op_()`` from ``op``,
and the helpers below build PyTorch's error messages.

>>> broadcast_call('add', np.add, np.ones(2), np.ones(3))
Traceback (most recent call last):
RuntimeError: The size of tensor a (2) must match the size of tensor b (3) at non-singleton ...
"""
import functools
import warnings

from ._base import Tensor, wrap, record, STATE, xp_of, check_inplace, inplace_result, \
    bump_version, np
from .. import _dtype as D
from .._dtype import kind_of, BF16_NP
from ._inplace_examples import EXAMPLES as INPLACE_EXAMPLES

try:
    # NumPy >= 2 keeps its floating-point error state in a context variable; setting it
    # directly costs ~0.2 us where ``with np.errstate(...)`` costs ~1 us per call.
    from numpy._core._ufunc_config import _extobj_contextvar as _ERRSTATE
    from numpy._core.umath import _make_extobj
    _IGNORE = _make_extobj(all='ignore')
except (ImportError, AttributeError, TypeError):          # pragma: no cover - older NumPy
    class _ERRSTATE:
        """The context variable's set/reset, done with ``np.seterr``."""
        @staticmethod
        def set(_):
            return np.seterr(all='ignore')

        @staticmethod
        def reset(old):
            np.seterr(**old)
    _IGNORE = None


def quiet(fn, *args):
    """``fn(*args)`` with NumPy's floating-point warnings off (inf/nan results are silent,
    as in PyTorch)."""
    token = _ERRSTATE.set(_IGNORE)
    try:
        return fn(*args)
    finally:
        _ERRSTATE.reset(token)


class quietly:
    """``with quietly():`` runs a block of NumPy calls without floating-point warnings; the
    context-manager form of :func:`quiet` (~0.3 us, where ``np.errstate`` costs ~0.7 us)."""
    __slots__ = ('_token',)

    def __enter__(self):
        self._token = _ERRSTATE.set(_IGNORE)

    def __exit__(self, *exc):
        _ERRSTATE.reset(self._token)


def quieted(fn):
    """Decorator: ``fn`` (a kernel of many NumPy calls) runs under :func:`quietly`."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        with quietly():
            return fn(*args, **kwargs)
    return run


# The hot ops (add, sub, mul, sum, mean, ...) call NumPy without ``quiet``; inf/nan/overflow there
# must not print NumPy's RuntimeWarnings either (PyTorch never warns). This filter only matches
# warnings raised from these modules and costs nothing per call. Where the user's filters turn
# warnings into errors (``simplefilter('error')`` comes before this filter), those ops catch the
# RuntimeWarning and redo the call under ``quiet``, so the price is paid only when it warned.
warnings.filterwarnings(
    'ignore', category=RuntimeWarning,
    module=r'ember\._ops\.(arith|power|binary|clamp|pointwise|comparison|reduction|_cascade|'
           r'_linalg_common|shape|nn_linear)$')


def quiet_backward(fn):
    """Run a backward formula without NumPy warnings (its masked-out branches may compute
    0 * inf or 0 / 0 that ``where`` then discards)."""
    def run(node, grad):
        return quiet(fn, node, grad)
    run.__name__ = fn.__name__
    return run


def broadcast_call(op, fn, *arrays, silent=False):
    """``fn(*arrays)``, raising PyTorch's RuntimeError for shapes that do not broadcast
    (NumPy raises ValueError); ``silent=True`` runs it under :func:`quiet`.

    The hottest ops (add, sub, mul, div, pow, where, comparisons) inline this try/except
    instead: a call costs ~0.1 us.
    """
    token = _ERRSTATE.set(_IGNORE) if silent else None      # quiet's work, without its call
    try:
        return fn(*arrays)
    except ValueError:
        raise broadcast_error(op, *arrays) from None
    finally:
        if token is not None:
            _ERRSTATE.reset(token)


def result_kind(xa, xb):
    """dtype kind ('b', 'i', 'u', 'f') of a binary op's result, given ``operands``' output."""
    d = getattr(xa, 'dtype', None)
    return kind_of(d if d is not None else xb.dtype)


def float_operands(xa, xb):
    """``operands``' output with integer and bool arrays cast to the default float dtype (for
    ops whose integer inputs give a float result: atan2, copysign, xlogy, ...)."""
    if result_kind(xa, xb) != 'f':
        f = D._default[0].np
        xa = xa.astype(f) if hasattr(xa, 'astype') else xa
        xb = xb.astype(f) if hasattr(xb, 'astype') else xb
    return xa, xb


# ---- PyTorch's messages --------------------------------------------------------------
_TNAMES = {np.dtype(k): v for k, v in (
    ('bool', 'Bool'), ('uint8', 'Byte'), ('int8', 'Char'), ('int16', 'Short'), ('int32', 'Int'),
    ('int64', 'Long'), ('float16', 'Half'), ('float32', 'Float'), ('float64', 'Double'),
    ('uint16', 'UInt16'), ('uint32', 'UInt32'), ('uint64', 'UInt64'))}
if BF16_NP is not None:
    _TNAMES[BF16_NP] = 'BFloat16'


def tname(dtype):
    """PyTorch's scalar-type name of a NumPy dtype ('Float', 'Long', ...), used in messages."""
    return _TNAMES.get(np.dtype(dtype), str(dtype))


def not_implemented_for(kernel, dtype):
    """PyTorch's error for a dtype a kernel has no implementation for."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{tname(dtype)}\'')


def broadcast_error(op, *xs):
    """PyTorch's RuntimeError for shapes that do not broadcast (instead of NumPy's ValueError)."""
    shapes = [tuple(getattr(x, 'shape', ())) for x in xs]
    listed = ', '.join(str(list(s)) for s in shapes)
    n = max(len(s) for s in shapes)
    for i in range(1, n + 1):
        sizes = [s[-i] for s in shapes if len(s) >= i and s[-i] != 1]
        if len(set(sizes)) > 1:
            k = [j for j, s in enumerate(shapes) if len(s) >= i and s[-i] != 1]
            names = 'abcdefgh'
            return RuntimeError(
                f'The size of tensor {names[k[0]]} ({sizes[0]}) must match the size of tensor '
                f'{names[k[1]]} ({sizes[1]}) at non-singleton dimension {n - i} (in {op}: shapes '
                f'{listed} do not broadcast)')
    return RuntimeError(f'{op}: shapes {listed} do not broadcast')


def not_a_tensor(x, op, arg='input', pos=1):
    """PyTorch's TypeError for a number (or list, ...) where the op only accepts a Tensor."""
    return TypeError(f"{op}(): argument '{arg}' (position {pos}) must be Tensor, not "
                     f'{type(x).__name__}')


def need_tensor(x, op, arg, pos):
    """Raise :func:`not_a_tensor`'s error unless ``x`` is a Tensor."""
    if not isinstance(x, Tensor):
        raise not_a_tensor(x, op, arg, pos)


# ---- gradients -----------------------------------------------------------------------------
def _no_derivative(node, *grads):
    raise RuntimeError(f'derivative for aten::{node.ctx} is not implemented')


def record_not_implemented(out, aten, inputs):
    """Mark ``out`` as PyTorch does for ops without a derivative (floor_divide, heaviside):
    it requires grad, and backward through it raises."""
    return record(out, 'torch::autograd::NotImplemented', _no_derivative, inputs, ctx=aten)


def zeros_for(node, i, like=None):
    """A zero gradient with input ``i``'s shape and dtype (PyTorch's ``zeros_like``), on the
    backend of ``like`` (a Tensor) when given."""
    shape, dtype = node.meta[i]
    xp = np if like is None else xp_of(like._data)
    return wrap(xp.zeros(shape, dtype))


def zero_backward(node, grad):
    """The backward of a step-like op (floor, round, rounded div): zero for every input."""
    return tuple(None if e is None else zeros_for(node, i, grad) for i, e in enumerate(node.next))


def pass_backward(node, grad):
    """The backward of an op whose derivative is 1 (its gradient passes through)."""
    return grad


# ---- out= and in-place --------------------------------------------------------------------
def write_out(out, res, inputs=(), op='op'):
    """Write ``res`` into the ``out=`` tensor (PyTorch's dtype check; resized if needed)."""
    if STATE.enabled and (out._rg or any(isinstance(t, Tensor) and t._rg for t in inputs)):
        raise RuntimeError(f"{op}(): functions with out=... arguments don't support automatic "
                           'differentiation, but one of the arguments requires grad.')
    arr, src = out._data, res._data
    if src.dtype != arr.dtype and not D.can_cast(D._BY_NP[src.dtype], D._BY_NP[arr.dtype]):
        raise RuntimeError(f"result type {tname(src.dtype)} can't be cast to the desired output "
                           f'type {tname(arr.dtype)}')
    if arr.shape != src.shape:
        out._data = src.astype(arr.dtype, copy=True)
    else:
        arr[...] = src
    bump_version(out)
    return out


def apply_inplace(t, fn, name, *args, **kwargs):
    """Run the out-of-place ``fn(t, *args)`` and write the result into ``t`` (PyTorch's
    ``x.op_()`` semantics: same memory, bumped version, new grad_fn)."""
    check_inplace(t, name)
    if STATE.enabled and (t._rg or any(isinstance(a, Tensor) and a._rg for a in args)):
        src = wrap(t._data.copy())          # the value before the write, for the backward
        src.grad_fn, src._rg, src._out_nr = t.grad_fn, t._rg, t._out_nr
        return inplace_result(t, fn(src, *args, **kwargs), name)
    prev = STATE.enabled
    STATE.enabled = False
    try:
        res = fn(t, *args, **kwargs)
    finally:
        STATE.enabled = prev
    return inplace_result(t, res, name)


def inplace_doc(fn_name, name, example=None):
    """The docstring of the in-place method ``Tensor.<name>`` of op ``fn_name``.

    ``example``: ``(args, printed result)`` of ``ember.tensor([1., 2.]).<name>(args)``;
    without it, the entry of ``_inplace_examples.EXAMPLES`` for ``name``, if any.
    """
    doc = (f'In-place ``{fn_name}``: writes the result into ``self`` (same memory, version '
           f'bumped) and returns it; ``t.{name}(*args)`` is like ``t = ember.{fn_name}(t, '
           f'*args)``, but in place.\n')
    if example is not None:
        example = ('[1., 2.]',) + tuple(example)
    else:
        example = INPLACE_EXAMPLES.get(name)
    if example is not None:
        given, args, printed = example
        printed = printed.replace('\n', '\n    ')
        doc += f'\n    >>> ember.tensor({given}).{name}({args})\n    {printed}\n    '
    return doc


def inplace_method(fn, name):
    """``Tensor.<name>`` (e.g. ``clamp_``): ``fn`` computed out of place, written into ``self``."""
    def op_(self, *args, **kwargs):
        return apply_inplace(self, fn, name, *args, **kwargs)
    op_.__name__ = name
    op_.__doc__ = inplace_doc(fn.__name__, name)
    return op_
