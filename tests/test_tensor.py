"""Tensor basics against PyTorch: creation and dtype inference, promotion, conversion,
Python protocols, devices, legacy constructors and printing."""
import copy
import pickle

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')

DTYPES = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64']


def same(e, t):
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())


@pytest.mark.parametrize('data', [[1, 2], [1., 2.], [True, False], [[1], [2.5]], 3, 2.5, True,
                                  [], [[]], [[1, 2], [3, 4]], [True, 2]])
def test_tensor_dtype_inference(data):
    same(ember.tensor(data), torch.tensor(data))


@pytest.mark.parametrize('np_dtype', ['float64', 'float32', 'int32', 'int64', 'uint8', 'bool',
                                      'float16', 'int16', 'int8'])
def test_tensor_from_numpy_keeps_dtype(np_dtype):
    a = np.arange(6).reshape(2, 3).astype(np_dtype)
    same(ember.tensor(a), torch.tensor(a))
    same(ember.from_numpy(a), torch.from_numpy(a))
    same(ember.as_tensor(a), torch.as_tensor(a))


def test_from_numpy_shares_memory():
    a = np.zeros(3, dtype=np.float32)
    t = ember.from_numpy(a)
    a[1] = 7
    assert t.tolist() == [0.0, 7.0, 0.0]
    t.add_(1)
    assert a.tolist() == [1.0, 8.0, 1.0]
    assert ember.as_tensor(a).numpy() is a


def test_unsupported_numpy_dtype():
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.uint16"):
        ember.from_numpy(np.zeros(2, np.uint16))


def test_ragged_data_raises():
    with pytest.raises(ValueError, match='expected sequence of length 2 at dim 1'):
        ember.tensor([[1, 2], [3]])


@pytest.mark.parametrize('a', DTYPES)
@pytest.mark.parametrize('b', DTYPES + ['py_int', 'py_float', 'py_bool', '0d_float64', '0d_int64'])
def test_promotion_matches_torch(a, b):
    def make(lib, d, base):
        if d == 'py_int':
            return 3
        if d == 'py_float':
            return 2.5
        if d == 'py_bool':
            return True
        if d.startswith('0d_'):
            return lib.tensor(1, dtype=getattr(lib, d[3:]))
        return lib.ones(2, dtype=getattr(lib, d)) * 1 if d != 'bool' else lib.ones(2, dtype=lib.bool)

    for op in ('add', 'mul', 'div', 'eq'):
        if op == 'add' and a == 'bool' and b == 'bool':
            pass
        ta, tb = make(torch, a, 0), make(torch, b, 1)
        ea, eb = make(ember, a, 0), make(ember, b, 1)
        try:
            t = getattr(torch, op)(ta, tb)
        except RuntimeError:
            continue
        e = getattr(ember, op)(ea, eb)
        assert str(e.dtype) == str(t.dtype), f'{op}({a}, {b}): ember {e.dtype} torch {t.dtype}'
        assert str(ember.result_type(ea, eb)) == str(torch.result_type(ta, tb))


@pytest.mark.parametrize('a', DTYPES)
@pytest.mark.parametrize('b', DTYPES)
def test_promote_types_and_can_cast(a, b):
    ea, eb = getattr(ember, a), getattr(ember, b)
    ta, tb = getattr(torch, a), getattr(torch, b)
    assert str(ember.promote_types(ea, eb)) == str(torch.promote_types(ta, tb))
    assert ember.can_cast(ea, eb) == torch.can_cast(ta, tb)


def test_default_dtype():
    assert ember.get_default_dtype() is ember.float32
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.tensor([1.5]).dtype is ember.float64
        assert ember.zeros(1).dtype is ember.float64
        assert (ember.tensor([1]) * 0.5).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    with pytest.raises(TypeError):
        ember.set_default_dtype(ember.int64)


def test_dtype_aliases_and_reprs():
    assert ember.float is ember.float32 and ember.double is ember.float64
    assert ember.half is ember.float16 and ember.long is ember.int64
    assert ember.int is ember.int32 and ember.short is ember.int16
    assert repr(ember.float32) == 'torch.float32'
    assert ember.finfo(ember.float32).eps == torch.finfo(torch.float32).eps
    assert ember.iinfo(ember.int8).max == 127


@pytest.mark.parametrize('fn,args', [('zeros', (2, 3)), ('ones', ((2, 3),)), ('eye', (3,)),
                                     ('eye', (2, 4)), ('arange', (5,)), ('arange', (1, 4, 0.5)),
                                     ('arange', (0, -3, -1)), ('arange', (0.0, 1.0, 0.1)),
                                     ('linspace', (0, 1, 7)), ('linspace', (-3.5, 10, 11)),
                                     ('logspace', (0, 3, 4)), ('full', ((2,), 7)),
                                     ('full', ((2, 2), 1.5)), ('full', ((1,), True))])
def test_creation_matches_torch(fn, args):
    e, t = getattr(ember, fn)(*args), getattr(torch, fn)(*args)
    assert str(e.dtype) == str(t.dtype)
    # linspace may differ from PyTorch's vectorised kernel in the last bit
    np.testing.assert_allclose(e.numpy().astype(np.float64), t.numpy().astype(np.float64),
                               rtol=1e-6 if fn == 'linspace' else 1e-7, atol=1e-7)


def test_like_functions():
    base = ember.ones(2, 3, dtype=ember.int32)
    assert ember.zeros_like(base).dtype is ember.int32
    assert ember.ones_like(base, dtype=ember.float64).dtype is ember.float64
    assert ember.full_like(base, 4).tolist() == [[4] * 3] * 2
    assert ember.empty_like(base).shape == (2, 3)
    assert base.new_zeros(2).dtype is ember.int32
    assert base.new_tensor([1.5]).dtype is ember.int32
    assert base.new_full((1,), 2).tolist() == [2]


def test_legacy_constructors():
    assert repr(ember.Tensor([[5]])) == repr(torch.Tensor([[5]]))
    assert ember.Tensor(2, 3).shape == (2, 3)
    assert ember.Tensor().shape == (0,)
    for name in ('FloatTensor', 'LongTensor', 'DoubleTensor', 'BoolTensor', 'IntTensor'):
        e, t = getattr(ember, name)([1, 0]), getattr(torch, name)([1, 0])
        same(e, t)
        assert isinstance(e, getattr(ember, name)) and isinstance(e, ember.Tensor)
    assert not isinstance(ember.ones(1), ember.LongTensor)
    assert ember.ones(1).type() == 'torch.FloatTensor'
    assert ember.ones(1).type(ember.int64).dtype is ember.int64
    assert ember.ones(1).type('torch.DoubleTensor').dtype is ember.float64


def test_tensor_attributes():
    def info(lib):
        t = lib.arange(6.).reshape(2, 3)
        return (tuple(t.shape), t.size(), t.size(-1), t.dim(), t.ndim, t.numel(),
                t.stride(), t.is_contiguous(), t.t().is_contiguous(), t.t().stride(),
                t.element_size(), t.is_floating_point(), str(t.device), t.is_cuda,
                tuple(t.T.shape), tuple(t.mT.shape), len(t), t.nelement())
    assert info(ember) == info(torch)


def test_size_object():
    s = ember.zeros(2, 3).shape
    assert repr(s) == 'torch.Size([2, 3])' and s == (2, 3) and s.numel() == 6
    assert repr(s[1:]) == 'torch.Size([3])'


def test_item_tolist_and_python_protocols():
    t = ember.tensor([[1.5, 2.0]])
    assert t.tolist() == [[1.5, 2.0]]
    assert ember.tensor(3).item() == 3 and isinstance(ember.tensor(3).item(), int)
    assert float(ember.tensor([2.5])) == 2.5 and int(ember.tensor(7.9)) == 7
    assert [1, 2, 3][ember.tensor(1)] == 2
    assert bool(ember.tensor([1])) and not bool(ember.tensor(0.))
    assert '{:.2f}'.format(ember.tensor(2.0)) == '2.00'
    assert '{}'.format(ember.tensor(2.0)) == '2.0'
    with pytest.raises(RuntimeError, match='ambiguous'):
        bool(ember.tensor([1, 2]))
    with pytest.raises(RuntimeError, match='cannot be converted to Scalar'):
        ember.tensor([1, 2]).item()
    with pytest.raises(TypeError):
        len(ember.tensor(1))
    rows = [r.tolist() for r in ember.tensor([[1, 2], [3, 4]])]
    assert rows == [[1, 2], [3, 4]]
    assert np.asarray(ember.tensor([1, 2])).tolist() == [1, 2]


def test_numpy_requires_detach():
    t = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match='detach'):
        t.numpy()
    assert t.detach().numpy().tolist() == [1.0, 1.0]


def test_to_and_casts():
    t = ember.tensor([1.7, -2.2], requires_grad=True)
    assert t.to(ember.float32) is t
    for name in ('float', 'double', 'half', 'long', 'int', 'short', 'bool'):
        e, r = getattr(t.detach(), name)(), getattr(torch.tensor([1.7, -2.2]), name)()
        same(e, r)
    d = t.double()
    assert d.grad_fn.name() == 'ToCopyBackward0'
    d.sum().backward()
    assert t.grad.dtype is ember.float32
    assert t.to('cpu') is t and t.cpu() is t
    assert t.to(ember.zeros(1, dtype=ember.float64)).dtype is ember.float64
    assert t.to('cpu', ember.float16).dtype is ember.float16


def test_cuda_without_cupy_says_how_to_get_it():
    if ember.cuda.is_available():
        pytest.skip('a GPU is present')
    with pytest.raises(RuntimeError, match='CuPy'):
        ember.ones(2).cuda()
    with pytest.raises(RuntimeError, match='CuPy'):
        ember.zeros(2, device='cuda')
    assert ember.cuda.device_count() == 0


def test_device_objects():
    assert repr(ember.device('cpu')) == repr(torch.device('cpu'))
    assert repr(ember.device('cuda:1')) == repr(torch.device('cuda:1'))
    assert str(ember.device('cuda', 0)) == 'cuda:0'
    assert ember.device('cpu') == 'cpu'
    assert ember.ones(1).device == ember.device('cpu')


def test_clone_and_contiguous():
    x = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    c = x.clone()
    assert c.grad_fn.name() == 'CloneBackward0'
    assert x.contiguous() is x
    tt = x.t().contiguous()
    assert tt.is_contiguous() and tt.tolist() == [[1., 3.], [2., 4.]]


def test_copy_fill_zero_inplace():
    a = ember.zeros(2, 2)
    a.copy_(ember.tensor([1, 2]))
    assert a.tolist() == [[1., 2.], [1., 2.]]
    a.fill_(5)
    assert a.tolist() == [[5.] * 2] * 2
    a.zero_()
    assert a.sum().item() == 0
    assert a._version == 3


def test_repr_matches_torch():
    def reprs(lib):
        x = lib.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        return [repr(x), repr(x * 2), repr((x * 2).sum()), repr(lib.arange(3)),
                repr(lib.tensor([1, 2], dtype=lib.int32)), repr(lib.zeros(2, dtype=lib.float64)),
                repr(lib.tensor(3.5)), repr(lib.tensor([True]))]
    assert reprs(ember) == reprs(torch)


def test_pickle_and_deepcopy():
    t = ember.tensor([1., 2.], requires_grad=True)
    u = pickle.loads(pickle.dumps(t))
    assert u.tolist() == [1.0, 2.0] and u.requires_grad
    d = copy.deepcopy(t)
    assert d.tolist() == t.tolist() and d.requires_grad and d._data is not t._data


def test_data_attribute():
    w = ember.tensor([1., 2.], requires_grad=True)
    d = w.data
    assert not d.requires_grad
    d.mul_(2)                        # allowed: .data is outside the graph
    assert w.tolist() == [2.0, 4.0]
    w.data = ember.tensor([7., 8.])
    assert w.tolist() == [7.0, 8.0] and w.requires_grad


def test_broadcast_shape_mismatch_names_both_shapes():
    with pytest.raises((RuntimeError, ValueError)) as err:
        ember.ones(2, 3) + ember.ones(4)
    assert isinstance(err.value, RuntimeError)
    assert '(3)' in str(err.value) and '(4)' in str(err.value)


def test_backends_flags_used_by_tutorials():
    ember.backends.cudnn.deterministic = True
    ember.backends.cudnn.benchmark = False
    assert ember.backends.mps.is_available() is torch.backends.mps.is_available() is False
    assert ember.backends.cudnn.deterministic


def test_cuda_manual_seed_leaves_cpu_stream_alone():
    ember.manual_seed(1)
    torch.manual_seed(1)
    ember.cuda.manual_seed_all(5)
    torch.cuda.manual_seed_all(5)
    assert ember.rand(3).tolist() == torch.rand(3).tolist()


def test_set_num_threads_round_trip_and_errors():
    """``set_num_threads`` changes what ``get_num_threads`` reports (and OpenBLAS's count);
    non-positive counts raise PyTorch's error."""
    before = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        a = ember.ones(64, 64)
        assert float((a @ a)[0, 0]) == 64.0
    finally:
        ember.set_num_threads(before)
    assert ember.get_num_threads() == before
    for bad in (0, -2, 1.5, True):
        with pytest.raises(RuntimeError, match='set_num_threads expects a positive integer'):
            ember.set_num_threads(bad)


@pytest.mark.parametrize('make', ['tensor', 'as_tensor'])
def test_dtype_inference_with_numpy_scalars_matches_torch(make):
    """NumPy scalars keep their dtype and combine with Python numbers by type promotion."""
    torch = pytest.importorskip('torch')
    cases = [np.int16(3), np.uint8(7), np.bool_(True), np.float64(2), [np.uint8(1), np.int8(2)],
             [np.float32(1), 2], [2, np.float32(1)], [np.int16(1), np.int16(2)],
             [True, np.uint8(3)], [2.5, np.float64(1)], [np.float16(1), 2.5], [np.int32(1), 2.5],
             [[1, 2], [3, 4]], [1.5, 2], [True, 2], [[np.int8(1)], [np.int8(2)]]]
    for v in cases:
        t, e = getattr(torch, make)(v), getattr(ember, make)(v)
        assert str(e.dtype) == str(t.dtype), (v, e.dtype, t.dtype)
        assert e.tolist() == t.tolist(), v


def test_integer_past_int64_raises_instead_of_wrapping():
    with pytest.raises(ValueError, match='Overflow when unpacking long long'):
        ember.tensor([2 ** 63])
    assert ember.tensor([2 ** 63 - 1]).tolist() == [2 ** 63 - 1]


def test_bfloat16_without_ml_dtypes_raises_naming_the_extra():
    """Without the optional ml_dtypes package, dtype=ember.bfloat16 must not quietly become
    the default dtype: every use raises an error naming the extra."""
    import subprocess
    import sys
    code = ("import sys; sys.modules['ml_dtypes'] = None\n"
            "import ember\n"
            "assert repr(ember.bfloat16) == 'torch.bfloat16'\n"
            "calls = [lambda: ember.zeros(2, dtype=ember.bfloat16),\n"
            "         lambda: ember.tensor([1.], dtype=ember.bfloat16),\n"
            "         lambda: ember.ones(2).to(ember.bfloat16), lambda: ember.ones(2).bfloat16(),\n"
            "         lambda: ember.nn.Linear(2, 2, dtype=ember.bfloat16)]\n"
            "for call in calls:\n"
            "    try:\n"
            "        call()\n"
            "    except RuntimeError as ex:\n"
            "        assert 'pip install \"ember[bfloat16]\"' in str(ex), ex\n"
            "    else:\n"
            "        raise AssertionError('no error')\n"
            "print('ok')\n")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == 'ok'
