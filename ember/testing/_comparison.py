"""``assert_close``: compare tensors, numbers and nested containers as ``torch.testing``.

Inputs are split into pairs (sequences item by item, mappings key by key), each pair is
compared (None, booleans, numbers, tensor-likes), and the first failure is raised with
PyTorch's message.

>>> assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.0 + 1e-7]))
"""
import cmath
import collections.abc
import contextlib
import warnings

import numpy as np

from .._tensor import Tensor
from .. import _dtype

__all__ = ['assert_close', 'assert_allclose']

# (rtol, atol) per dtype name; dtypes not listed (integers, bool) compare exactly
_DTYPE_PRECISIONS = {
    'float16': (0.001, 1e-5), 'bfloat16': (0.016, 1e-5), 'float32': (1.3e-6, 1e-5),
    'float64': (1e-7, 1e-7), 'complex32': (0.001, 1e-5), 'complex64': (1.3e-6, 1e-5),
    'complex128': (1e-7, 1e-7)}
_NUMBER_DTYPES = {int: 'int64', float: 'float64', complex: 'complex128'}


class _Failure(Exception):
    """A comparison failure: the exception type to raise, its message and the item's path."""

    def __init__(self, kind, msg, path=()):
        super().__init__(msg)
        self.kind, self.msg, self.path = kind, msg, path

    def to_error(self, msg=None):
        if isinstance(msg, str):
            return self.kind(msg)
        text = self.msg
        if self.path:
            text += ('\n\nThe failure occurred for item '
                     + ''.join(str([item]) for item in self.path))
        return self.kind(msg(text) if callable(msg) else text)


def _dtype_name(dt):
    return str(dt).rsplit('.', 1)[-1]


def _tolerances(dtype_names, rtol, atol, path, table=_DTYPE_PRECISIONS):
    if (rtol is None) ^ (atol is None):
        raise _Failure(ValueError, "Both 'rtol' and 'atol' must be either specified or "
                       f"omitted, but got no {'rtol' if rtol is None else 'atol'}.", path)
    if rtol is not None:
        return rtol, atol
    rtols, atols = zip(*[table.get(name, (0.0, 0.0)) for name in dtype_names])
    return max(rtols), max(atols)


def _mismatch_msg(identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    exact = rtol == 0 and atol == 0
    if callable(identifier):
        identifier = identifier('Tensor-likes' if abs_idx is not None else 'Scalars')
    lines = [f"{identifier} are not {'equal' if exact else 'close'}!", '']
    if extra:
        lines.append(extra.strip())
    for kind, diff, idx, tol in (('absolute', abs_diff, abs_idx, atol),
                                 ('relative', rel_diff, rel_idx, rtol)):
        line = (f'{kind.title()} difference: {diff}' if idx is None
                else f'Greatest {kind} difference: {diff} at index {idx}')
        lines.append(line if exact else f'{line} (up to {tol} allowed)')
    return '\n'.join(lines).strip()


def _scalar_mismatch_msg(actual, expected, rtol, atol, identifier='Scalars'):
    abs_diff = abs(actual - expected)
    rel_diff = float('inf') if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg(identifier, f'Expected {expected} but got {actual}.', abs_diff, None,
                         atol, rel_diff, None, rtol)


# ---- pairs --------------------------------------------------------------------------------
def _compare_none(actual, expected, path, **_):
    if not (actual is None and expected is None):
        raise _Failure(AssertionError, f'None mismatch: {actual} is not {expected}', path)


def _compare_bool(actual, expected, path, **_):
    actual, expected = bool(actual), bool(expected)
    if actual is not expected:
        raise _Failure(AssertionError, f'Booleans mismatch: {actual} is not {expected}', path)


def _compare_number(actual, expected, path, rtol=None, atol=None, equal_nan=False,
                    check_dtype=False, **_):
    actual, expected = (x.item() if isinstance(x, np.number) else x for x in (actual, expected))
    rtol, atol = _tolerances([_NUMBER_DTYPES[type(x)] for x in (actual, expected)],
                             rtol, atol, path)
    if check_dtype and type(actual) is not type(expected):
        raise _Failure(AssertionError, f'The (d)types do not match: {type(actual)} != '
                       f'{type(expected)}.', path)
    if actual == expected:
        return
    if equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
        return
    abs_diff = abs(actual - expected)
    if cmath.isfinite(abs_diff) and abs_diff <= atol + rtol * abs(expected):
        return
    raise _Failure(AssertionError, _scalar_mismatch_msg(actual, expected, rtol, atol), path)


def _as_tensor(x):
    if isinstance(x, Tensor):
        return x
    from .._ops.creation import as_tensor
    return as_tensor(x)


def _tensor_like(actual, expected, allow_subclasses=True, **_):
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        return False
    if not allow_subclasses and type(actual) is not type(expected):
        return False
    try:
        _as_tensor(actual), _as_tensor(expected)
    except Exception:
        return False
    return True


def _compare_tensor_like(actual, expected, path, allow_subclasses=True, rtol=None, atol=None,
                         equal_nan=False, check_device=True, check_dtype=True,
                         check_layout=True, check_stride=False, **_):
    actual, expected = _as_tensor(actual), _as_tensor(expected)
    rtol, atol = _tolerances([_dtype_name(actual.dtype), _dtype_name(expected.dtype)],
                             rtol, atol, path)

    def mismatch(name, a, e):
        raise _Failure(AssertionError, f"The values for attribute '{name}' do not match: "
                       f'{a} != {e}.', path)
    if actual.shape != expected.shape:
        mismatch('shape', actual.shape, expected.shape)
    layout_a, layout_e = getattr(actual, 'layout', None), getattr(expected, 'layout', None)
    if layout_a != layout_e:
        if check_layout:
            mismatch('layout', layout_a, layout_e)
    elif check_stride and actual.stride() != expected.stride():
        mismatch('stride()', actual.stride(), expected.stride())
    if check_device and actual.device != expected.device:
        mismatch('device', actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        mismatch('dtype', actual.dtype, expected.dtype)
    msg = _values_mismatch(actual, expected, rtol, atol, equal_nan)
    if msg is not None:
        raise _Failure(AssertionError, msg, path)


def _host(t):
    return np.asarray(t.detach().cpu().numpy())


def _values_mismatch(actual, expected, rtol, atol, equal_nan, identifier='Tensor-likes'):
    """None when close (``torch.isclose`` everywhere), else PyTorch's mismatch message."""
    a, e = _host(actual), _host(expected)
    if a.dtype != e.dtype:
        common = _dtype.promote_types(actual.dtype, expected.dtype)
        a, e = a.astype(common.np), e.astype(common.np)
    matches = _isclose(a, e, rtol, atol, equal_nan)
    if matches.all():
        return None
    if a.ndim == 0:
        return _scalar_mismatch_msg(a.item(), e.item(), rtol, atol,
                                    'Scalars' if identifier == 'Tensor-likes' else identifier)
    total = matches.size
    wrong = total - int(matches.sum())
    extra = f'Mismatched elements: {wrong} / {total} ({wrong / total:.1%})'
    a, e, matches = a.ravel(), e.ravel(), matches.ravel()
    if a.dtype.kind in 'biu':
        a, e = a.astype(np.int64), e.astype(np.int64)
    with np.errstate(all='ignore'):
        abs_diff = np.abs(a - e)
        abs_diff[matches] = 0
        rel_diff = _true_divide(abs_diff, np.abs(e))
        rel_diff[matches] = 0
    i, j = int(np.argmax(abs_diff)), int(np.argmax(rel_diff))
    return _mismatch_msg(identifier, extra, abs_diff[i].item(), _index(i, actual.shape), atol,
                         rel_diff[j].item(), _index(j, actual.shape), rtol)


def _index(flat, shape):
    return tuple(int(k) for k in np.unravel_index(flat, tuple(shape)))


def _true_divide(a, b):
    """``a / b`` as torch divides: integers give the default float dtype."""
    if a.dtype.kind in 'biu':
        return np.true_divide(a, b, dtype=_dtype.get_default_dtype().np)
    return np.true_divide(a, b)


def _isclose(a, e, rtol, atol, equal_nan):
    """``torch.isclose`` on host arrays (computed in their own dtype)."""
    close = a == e
    if a.dtype.kind in 'fc' and equal_nan:
        close |= np.isnan(a) & np.isnan(e)
    if rtol == 0 and atol == 0:
        return close
    if a.dtype.kind not in 'fc':
        a, e = a.astype(np.float64), e.astype(np.float64)
    T = np.abs(a.ravel()[:0]).dtype.type     # the real dtype the tolerances are computed in
    with np.errstate(all='ignore'):
        allowed = T(atol) + np.abs(T(rtol) * e)
        diff = np.abs(a - e)
        close |= np.isfinite(diff) & (diff <= allowed)
    return close


_NUMBER = (int, float, complex, np.number)
# (accepts, compare) in PyTorch's order: the first kind that accepts a leaf pair compares it
_PAIRS = (
    (lambda a, e, **_: a is None or e is None, _compare_none),
    (lambda a, e, **_: all(isinstance(x, (bool, np.bool_)) for x in (a, e)), _compare_bool),
    (lambda a, e, **_: all(isinstance(x, _NUMBER) for x in (a, e)), _compare_number),
    (_tensor_like, _compare_tensor_like),
)
_WITH_TOLERANCES = (_compare_number, _compare_tensor_like)


def _is_sequence(x):
    return isinstance(x, collections.abc.Sequence) and not isinstance(x, str)


def _pairs(actual, expected, path, options):
    """``(compare, actual, expected, path)`` for every leaf pair, containers unpacked."""
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Failure(AssertionError, 'The length of the sequences mismatch: '
                           f'{len(actual)} != {len(expected)}', path)
        out = []
        for i in range(len(actual)):
            out += _pairs(actual[i], expected[i], (*path, i), options)
        return out
    if isinstance(actual, collections.abc.Mapping) and \
            isinstance(expected, collections.abc.Mapping):
        keys_a, keys_e = set(actual.keys()), set(expected.keys())
        if keys_a != keys_e:
            raise _Failure(AssertionError, 'The keys of the mappings do not match:\n'
                           f'Missing keys in the actual mapping: {sorted(keys_e - keys_a)}\n'
                           'Additional keys in the actual mapping: '
                           f'{sorted(keys_a - keys_e)}', path)
        keys = keys_a
        with contextlib.suppress(Exception):
            keys = sorted(keys)
        out = []
        for k in keys:
            out += _pairs(actual[k], expected[k], (*path, k), options)
        return out
    for accepts, compare in _PAIRS:
        if accepts(actual, expected, **options):
            rtol, atol = options['rtol'], options['atol']
            if compare in _WITH_TOLERANCES and (rtol is None) ^ (atol is None):
                _tolerances([], rtol, atol, path)   # raises while pairing, as torch
            return [(compare, actual, expected, path)]
    raise _Failure(TypeError, 'No comparison pair was able to handle inputs of type '
                   f'{type(actual)} and {type(expected)}.', path)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Raise ``AssertionError`` unless ``actual`` and ``expected`` are close:
    ``|actual - expected| <= atol + rtol * |expected|`` elementwise, with the same shape
    (and dtype, device, layout unless told otherwise). Default tolerances depend on the
    dtype (float32: rtol 1.3e-6, atol 1e-5; float64: 1e-7, 1e-7; integers: exact).
    Works on tensors, NumPy arrays, Python numbers and sequences/mappings of them.
    ``msg`` (a string, or a callable given the generated message) replaces the message.

    >>> assert_close(ember.tensor([1.0, 2.0, 3.0]), ember.tensor([1.0, 2.5, 3.0]))
    Traceback (most recent call last):
    ...
    AssertionError: Tensor-likes are not close!
    <BLANKLINE>
    Mismatched elements: 1 / 3 (33.3%)
    Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)
    Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)
    """
    __tracebackhide__ = True
    options = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol,
                   equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype,
                   check_layout=check_layout, check_stride=check_stride)
    try:
        pairs = _pairs(actual, expected, (), options)
    except _Failure as failure:
        raise failure.to_error() from None
    for compare, a, e, path in pairs:
        try:
            compare(a, e, path, **options)
        except _Failure as failure:
            raise failure.to_error(msg) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=''):
    """Deprecated since PyTorch 1.12 (use :func:`assert_close`); kept as PyTorch keeps it:
    non-tensors become tensors, looser default tolerances, dtypes not checked.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter('ignore')
    ...     assert_allclose(ember.tensor([1.0]), [1.00001])
    """
    warnings.warn('`torch.testing.assert_allclose()` is deprecated since 1.12 and will be '
                  'removed in a future release. Please use `torch.testing.assert_close()` '
                  'instead. You can find detailed upgrade instructions in '
                  'https://github.com/pytorch/pytorch/issues/61844.', FutureWarning,
                  stacklevel=2)
    from .._ops.creation import tensor
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = _tolerances(
            [_dtype_name(actual.dtype), _dtype_name(expected.dtype)], None, None, (),
            {'float16': (1e-3, 1e-3), 'float32': (1e-4, 1e-5), 'float64': (1e-5, 1e-8)})
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)
