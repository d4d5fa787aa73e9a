"""ember.testing against torch.testing 2.13: assert_close's verdicts and error messages
(tensors, NumPy arrays, Python scalars, sequences, mappings, msg), make_tensor's values after
manual_seed, and assert_allclose."""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402


def _outcome(fn):
    """(exception type name, message with library names normalised) or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', FutureWarning)
            fn()
    except Exception as e:   # noqa: BLE001 - the type is part of what is compared
        text = str(e).replace('ember._tensor.Tensor', 'torch.Tensor').replace('ember.', 'torch.')
        return type(e).__name__, text
    return None


def same_outcome(make):
    """``make(lib)`` returns a thunk; both libraries must pass, or fail alike."""
    want = _outcome(make(torch))
    got = _outcome(make(ember))
    assert got == want
    return want


def t(lib, data, dtype=None):
    return lib.tensor(data, dtype=getattr(lib, dtype) if dtype else None)


CASES = {
    'equal': lambda lib: (t(lib, [1.0, 2.0]), t(lib, [1.0, 2.0])),
    'within-default-float32': lambda lib: (t(lib, [1.0, 2.0]), t(lib, [1.0, 2.0 + 2e-6])),
    'not-close-float32': lambda lib: (t(lib, [1.0, 2.0, 3.0]), t(lib, [1.0, 2.5, 3.0])),
    'not-close-float64': lambda lib: (t(lib, [[1.0, 2.0], [3.0, 4.0]], 'float64'),
                                      t(lib, [[1.0, 2.0001], [3.1, 4.0]], 'float64')),
    'expected-zero': lambda lib: (t(lib, [0.5, 0.0]), t(lib, [0.0, 0.0])),
    'int-exact': lambda lib: (t(lib, [1, 2, 3]), t(lib, [1, 5, 3])),
    'int-equal': lambda lib: (t(lib, [1, 2, 3]), t(lib, [1, 2, 3])),
    'bool': lambda lib: (t(lib, [True, False]), t(lib, [True, True])),
    'float16': lambda lib: (t(lib, [1.0, 2.0], 'float16'), t(lib, [1.0, 2.01], 'float16')),
    'nan': lambda lib: (t(lib, [1.0, float('nan')]), t(lib, [1.0, float('nan')])),
    'nan-vs-number': lambda lib: (t(lib, [1.0, float('nan')]), t(lib, [1.0, 2.0])),
    'inf': lambda lib: (t(lib, [float('inf'), 1.0]), t(lib, [float('inf'), 1.0])),
    'inf-sign': lambda lib: (t(lib, [float('inf')]), t(lib, [float('-inf')])),
    'scalar-tensor': lambda lib: (t(lib, 1.5), t(lib, 1.0)),
    'shape': lambda lib: (t(lib, [1.0, 2.0]), t(lib, [1.0, 2.0, 3.0])),
    'dtype': lambda lib: (t(lib, [1.0]), t(lib, [1.0], 'float64')),
    'python-floats': lambda lib: (1.0, 1.1),
    'python-floats-close': lambda lib: (1.0, 1.0 + 1e-9),
    'python-int-float': lambda lib: (1, 1.0),
    'python-complex': lambda lib: (1 + 1j, 1 + 2j),
    'python-zero': lambda lib: (0.5, 0.0),
    'python-bools': lambda lib: (True, False),
    'numpy-bool': lambda lib: (np.bool_(True), True),
    'numpy-scalar': lambda lib: (np.float32(1.0), np.float32(1.5)),
    'none': lambda lib: (None, None),
    'none-mismatch': lambda lib: (None, 1.0),
    'numpy-arrays': lambda lib: (np.array([1.0, 2.0]), np.array([1.0, 2.1])),
    'numpy-arrays-dtype': lambda lib: (np.array([1.0], np.float32), np.array([1.0])),
    'tensor-vs-numpy': lambda lib: (t(lib, [1.0]), np.array([1.0], np.float32)),
    'tensor-vs-float': lambda lib: (t(lib, 1.0), 1.0),
    'list': lambda lib: ([t(lib, [1.0]), 2.0], [t(lib, [1.0]), 2.5]),
    'nested-list': lambda lib: ([[t(lib, [1.0])], (t(lib, [2.0]),)],
                                [[t(lib, [1.0])], (t(lib, [2.5]),)]),
    'list-length': lambda lib: ([1.0, 2.0], [1.0]),
    'dict': lambda lib: ({'a': t(lib, [1.0]), 'b': 2}, {'a': t(lib, [1.5]), 'b': 2}),
    'dict-keys': lambda lib: ({'a': 1, 'b': 2}, {'a': 1, 'c': 2}),
    'strings': lambda lib: ('a', 'a'),
    'large-2d': lambda lib: (t(lib, np.arange(12.0).reshape(3, 4)),
                             t(lib, np.arange(12.0).reshape(3, 4) * 1.01)),
    'param-vs-tensor': lambda lib: (lib.nn.Parameter(t(lib, [1.0])), t(lib, [1.0])),
}

OPTIONS = {
    'rtol-atol': dict(rtol=0.1, atol=0.0),
    'exact': dict(rtol=0, atol=0),
    'rtol-only': dict(rtol=0.1),
    'no-dtype': dict(check_dtype=False),
    'equal-nan': dict(equal_nan=True),
    'no-subclasses': dict(allow_subclasses=False),
    'msg-str': dict(msg='custom message'),
    'msg-callable': dict(msg=lambda m: 'PREFIX ' + m.upper()),
    'stride': dict(check_stride=True),
}


@pytest.mark.parametrize('case', list(CASES))
def test_assert_close_default_options(case):
    same_outcome(lambda lib: lambda: lib.testing.assert_close(*CASES[case](lib)))


@pytest.mark.parametrize('option', list(OPTIONS))
@pytest.mark.parametrize('case', ['not-close-float32', 'dtype', 'nan', 'python-floats',
                                  'int-exact', 'dict', 'param-vs-tensor', 'list-length',
                                  'shape', 'python-int-float'])
def test_assert_close_options(case, option):
    same_outcome(lambda lib: lambda: lib.testing.assert_close(*CASES[case](lib),
                                                              **OPTIONS[option]))


def test_known_message_text():
    """The message from the task's example, spelled out."""
    kind, text = same_outcome(lambda lib: lambda: lib.testing.assert_close(
        t(lib, [1.0, 2.0, 3.0]), t(lib, [1.0, 2.5, 3.0])))
    assert kind == 'AssertionError'
    assert text.startswith('Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\n'
                           'Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 '
                           'allowed)\n')


def test_stride_mismatch():
    same_outcome(lambda lib: lambda: lib.testing.assert_close(
        lib.ones(2, 3).t(), lib.ones(3, 2), check_stride=True))
    same_outcome(lambda lib: lambda: lib.testing.assert_close(
        lib.ones(2, 3).t(), lib.ones(3, 2)))


def test_random_tensors_verdicts_and_messages():
    rng = np.random.default_rng(0)
    for _ in range(20):
        a = rng.standard_normal((3, 5)).astype(np.float32)
        b = a + rng.standard_normal((3, 5)).astype(np.float32) * 10.0 ** rng.integers(-8, -2)
        same_outcome(lambda lib: lambda: lib.testing.assert_close(t(lib, a), t(lib, b)))


# ---- make_tensor -------------------------------------------------------------------------------
MAKE = [
    dict(shape=(3, 4), dtype='float32'), dict(shape=(5,), dtype='float64'),
    dict(shape=(2, 3), dtype='float16'), dict(shape=(6,), dtype='int64'),
    dict(shape=(6,), dtype='int8'), dict(shape=(6,), dtype='uint8'),
    dict(shape=(4, 2), dtype='int32'), dict(shape=(7,), dtype='bool'),
    dict(shape=(3, 4), dtype='float32', low=0.5, high=2.0),
    dict(shape=(5,), dtype='int64', low=-3, high=3),
    dict(shape=(5,), dtype='uint8', low=-100, high=300),
    dict(shape=(2, 3), dtype='float32', noncontiguous=True),
    dict(shape=(8,), dtype='int16', low=-1, high=2, exclude_zero=True),
    dict(shape=(4,), dtype='float64', requires_grad=True),
    dict(shape=([2, 3],), dtype='float32'),
    dict(shape=(3,), dtype='float32', low=-3.4e38, high=3.4e38),
    dict(shape=(), dtype='float32'),
]


@pytest.mark.parametrize('spec', MAKE, ids=str)
def test_make_tensor_same_numbers(spec):
    spec = dict(spec)
    shape = spec.pop('shape')
    dtype = spec.pop('dtype')
    out = []
    for lib in (ember, torch):
        lib.manual_seed(3)
        out.append(lib.testing.make_tensor(*shape, dtype=getattr(lib, dtype), device='cpu',
                                           **spec))
    e, w = out
    assert str(e.dtype) == str(w.dtype) and tuple(e.shape) == tuple(w.shape)
    assert e.requires_grad == w.requires_grad
    assert e.is_contiguous() == w.is_contiguous()
    np.testing.assert_array_equal(e.detach().numpy(), w.detach().numpy())


@pytest.mark.parametrize('kwargs', [
    dict(dtype='float32', low=2.0, high=1.0), dict(dtype='float32', low=float('nan')),
    dict(dtype='uint8', low=300, high=400), dict(dtype='int64', requires_grad=True),
    dict(dtype='complex64'),
], ids=str)
def test_make_tensor_errors(kwargs):
    def make(lib):
        kw = dict(kwargs)
        kw['dtype'] = getattr(lib, kw['dtype'], None) or kw['dtype']
        return lambda: lib.testing.make_tensor(2, 2, device='cpu', **kw)
    if not hasattr(ember, kwargs['dtype']):
        with pytest.raises(TypeError):
            make(ember)()
        return
    assert same_outcome(make) is not None


def test_make_tensor_noncontiguous_and_memory_format_exclusive():
    with pytest.raises(ValueError, match='mutually exclusive'):
        ember.testing.make_tensor(2, dtype=ember.float32, device='cpu', noncontiguous=True,
                                  memory_format=object())


def test_make_tensor_low_equals_high_warns():
    for lib in (ember, torch):
        with pytest.warns(FutureWarning, match='low==high'):
            lib.testing.make_tensor(2, dtype=lib.float32, device='cpu', low=1.0, high=1.0)


# ---- assert_allclose ---------------------------------------------------------------------------
@pytest.mark.parametrize('args', [
    lambda lib: (t(lib, [1.0]), [1.00001]), lambda lib: (t(lib, [1.0]), [1.1]),
    lambda lib: ([1.0, float('nan')], [1.0, float('nan')]),
    lambda lib: (t(lib, [1.0], 'float64'), t(lib, [1.0 + 1e-6])),
])
def test_assert_allclose(args):
    same_outcome(lambda lib: lambda: lib.testing.assert_allclose(*args(lib)))
    with pytest.warns(FutureWarning, match='deprecated'):
        ember.testing.assert_allclose(1.0, 1.0)


def test_public_names():
    assert set(ember.testing.__all__) == {'assert_close', 'make_tensor', 'assert_allclose'}
