"""default_collate and default_convert against torch.utils.data 2.13: the same output
structure, container types, dtypes and values for every supported input kind, and the same
errors for ragged or unsupported batches."""
import collections
import types

import numpy as np
import pytest

import ember
from ember.utils import data as ed
from ember.utils.data import _collate

torch = pytest.importorskip('torch')
from torch.utils import data as td  # noqa: E402

Point = collections.namedtuple('Point', ['x', 'y'])


class FrozenMap(collections.abc.Mapping):
    """An immutable mapping whose constructor takes a dict."""
    def __init__(self, d):
        self._d = dict(d)

    def __getitem__(self, k):
        return self._d[k]

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)


class NoArgMap(FrozenMap):
    """A mapping that cannot be rebuilt from a dict: collation falls back to a plain dict."""
    def __init__(self, *a):
        if a:
            raise TypeError('no arguments')
        super().__init__({'a': 1, 'b': 2.5})


class Pair(collections.abc.Sequence):
    """An immutable sequence built from a list."""
    def __init__(self, items):
        self._items = list(items)

    def __getitem__(self, i):
        return self._items[i]

    def __len__(self):
        return len(self._items)


def _same(a, b):
    """ember output vs torch output: same container types, dtypes, shapes and values."""
    if isinstance(b, torch.Tensor):
        assert isinstance(a, ember.Tensor), (type(a), b)
        assert str(a.dtype) == str(b.dtype), (a.dtype, b.dtype)
        assert tuple(a.shape) == tuple(b.shape)
        assert a.tolist() == b.tolist()
        return
    if isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and a.dtype == b.dtype
        assert a.tolist() == b.tolist()
        return
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(b, collections.abc.Mapping):
        assert list(a) == list(b)
        for k in b:
            _same(a[k], b[k])
    elif isinstance(b, (str, bytes)) or not isinstance(b, collections.abc.Sequence):
        assert a == b
    else:
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)


# Each case builds the batch with a library module (ember or torch), so tensors exist in both.
CASES = {
    'float32 vectors': lambda T: [T.tensor([1.5, 2.]), T.tensor([3., 4.25])],
    'scalar tensors': lambda T: [T.tensor(1), T.tensor(7), T.tensor(-2)],
    'matrices': lambda T: [T.arange(6.).reshape(2, 3), T.ones(2, 3)],
    'bool tensors': lambda T: [T.tensor([True, False]), T.tensor([False, False])],
    'float64 and float16': lambda T: [T.tensor([1.], dtype=T.float64),
                                      T.tensor([2.], dtype=T.float16).double()],
    'mixed tensor dtypes': lambda T: [T.tensor([1, 2]), T.tensor([0.5, 1.5])],
    'float32 and float64 tensors': lambda T: [T.tensor([1.]), T.tensor([2.], dtype=T.float64)],
    'single sample': lambda T: [T.tensor([[1, 2]])],
    'non-contiguous tensors': lambda T: [T.arange(6).reshape(2, 3).t(), T.ones(3, 2).long()],
    'numpy float32': lambda T: [np.array([1., 2.], np.float32), np.array([3., 4.], np.float32)],
    'numpy float64 0-d': lambda T: [np.array(1.5), np.array(2.5)],
    'numpy int32 2-d': lambda T: [np.arange(4, dtype=np.int32).reshape(2, 2)] * 3,
    'numpy uint8 and bool': lambda T: [(np.arange(3, dtype=np.uint8), np.array([True]))] * 2,
    'numpy mixed dtypes': lambda T: [np.array([1, 2], np.int64), np.array([.5, 1.], np.float32)],
    'numpy strided': lambda T: [np.arange(8.)[::2], np.arange(4.)],
    'numpy float32 scalars': lambda T: [np.float32(1.5), np.float32(2)],
    'numpy float64 scalars': lambda T: [np.float64(1.5), np.float64(2)],
    'numpy int scalars': lambda T: [np.int64(3), np.int64(-4)],
    'numpy mixed int scalars': lambda T: [np.int32(3), np.int64(-4)],
    'numpy uint8/int8 scalars': lambda T: [np.uint8(3), np.int8(-4)],
    'numpy int64/float32 scalars': lambda T: [np.int64(3), np.float32(0.5)],
    'numpy float16/int64 scalars': lambda T: [np.float16(1.5), np.int64(2)],
    'numpy bool scalars': lambda T: [np.bool_(True), np.bool_(False)],
    'python floats': lambda T: [0.1, 2.5, -1e300],
    'python ints': lambda T: [1, 2, -3, 2**62],
    'python bools': lambda T: [True, False],
    'ints then float': lambda T: [1, 2.5],
    'float then int': lambda T: [2.5, 1],
    'int then bool': lambda T: [1, True],
    'strings': lambda T: ['a', 'bc'],
    'bytes': lambda T: [b'a', b'bc'],
    'numpy strings': lambda T: [np.str_('a'), np.str_('b')],
    'dicts': lambda T: [{'x': T.tensor([1.]), 'y': 1, 'z': 'a'},
                        {'x': T.tensor([2.]), 'y': 2, 'z': 'b'}],
    'nested dicts': lambda T: [{'a': {'b': [1, 2.5]}, 'c': (T.tensor(0), 1.)}] * 2,
    'ordered dicts': lambda T: [collections.OrderedDict([('b', 1), ('a', 2.)])] * 2,
    'defaultdicts': lambda T: [collections.defaultdict(int, {'n': 1}),
                               collections.defaultdict(int, {'n': 5})],
    'mapping proxy': lambda T: [types.MappingProxyType({'k': 1})] * 2,
    'frozen mapping': lambda T: [FrozenMap({'k': 1.5}), FrozenMap({'k': 2.5})],
    'mapping without dict constructor': lambda T: [NoArgMap(), NoArgMap()],
    'namedtuples': lambda T: [Point(T.tensor([1.]), 1), Point(T.tensor([2.]), 2)],
    'namedtuple of strings': lambda T: [Point('a', b'x'), Point('b', b'y')],
    'tuples': lambda T: [(T.tensor([1, 2]), 0), (T.tensor([3, 4]), 1)],
    'lists': lambda T: [[0, 1], [2, 3]],
    'nested lists': lambda T: [[[1, 2], (3., 'a')], [[4, 5], (6., 'b')]],
    'immutable sequence': lambda T: [Pair([1, 2.]), Pair([3, 4.])],
    'ranges': lambda T: [range(2), range(3, 5)],
    'dataset style': lambda T: [(np.zeros((1, 2, 2), np.float32), 3)] * 4,
}


@pytest.mark.parametrize('name', list(CASES))
def test_default_collate_matches_torch(name):
    make = CASES[name]
    _same(ed.default_collate(make(ember)), td.default_collate(make(torch)))


@pytest.mark.parametrize('name', list(CASES))
def test_default_convert_matches_torch(name):
    make = CASES[name]
    for sample_e, sample_t in zip(make(ember), make(torch)):
        _same(ed.default_convert(sample_e), td.default_convert(sample_t))


@pytest.mark.parametrize('value', [
    np.array([1, 2]), np.array(['a', 'b']), np.array([b'a']), np.array([None, 1], dtype=object),
    np.float32(2.5), np.int16(3), np.bool_(False), np.str_('s'), 3, 2.5, 'text', None,
    {'a': np.arange(2.)}, Point(np.array(0), 1), (np.array([1.]), 2), [np.array(3), 'x'],
    range(3), types.MappingProxyType({'m': np.int64(1)}), Pair([np.float64(1.)])])
def test_default_convert_values(value):
    _same(ed.default_convert(value), td.default_convert(value))


def test_default_convert_keeps_tensors_and_shares_numpy_memory():
    t = ember.tensor([1., 2.])
    assert ed.default_convert(t) is t
    a = np.zeros(3, np.float32)
    out = ed.default_convert(a)
    a[0] = 5
    assert out.tolist() == [5., 0., 0.]


def test_collated_tensors_are_fresh_contiguous_copies():
    xs = [ember.tensor([1., 2.]), ember.tensor([3., 4.])]
    out = ed.default_collate(xs)
    out[0, 0] = 9
    assert xs[0].tolist() == [1., 2.]
    assert out.is_contiguous()
    arrays = [np.array([1., 2.], np.float32)] * 2
    out = ed.default_collate(arrays)
    out[1, 1] = 0
    assert arrays[1].tolist() == [1., 2.]


def test_collate_keeps_the_graph_for_tensors_requiring_grad():
    w = ember.tensor([1., 2.], requires_grad=True)
    out = ed.default_collate([w, w * 2])
    assert out.grad_fn.name() == 'StackBackward0'
    out.sum().backward()
    assert w.grad.tolist() == [3., 3.]
    with ember.no_grad():
        assert ed.default_collate([w, w]).grad_fn is None


def test_mutable_containers_keep_their_type_and_extra_attributes():
    class Tagged(dict):
        pass
    a, b = Tagged(x=1), Tagged(x=2)
    a.tag = 'first'
    out = ed.default_collate([a, b])
    assert type(out) is Tagged and out.tag == 'first' and out['x'].tolist() == [1, 2]

    class TaggedList(list):
        pass
    out = ed.default_collate([TaggedList([1, 2.]), TaggedList([3, 4.])])
    assert type(out) is TaggedList and out[1].dtype == ember.float64


def _errors(batch_e, batch_t):
    with pytest.raises(Exception) as info_t:
        td.default_collate(batch_t)
    with pytest.raises(type(info_t.value)) as info_e:
        ed.default_collate(batch_e)
    return str(info_e.value), str(info_t.value)


@pytest.mark.parametrize('make', [
    lambda T: [[1, 2], [1]],
    lambda T: [(1, 2, 3), (1, 2)],
    lambda T: [T.zeros(2), T.zeros(3)],
    lambda T: [T.zeros(2, 3), T.zeros(3, 2)],
    lambda T: [T.zeros(2), 1],
    lambda T: [T.tensor(1.), None],
    lambda T: [np.zeros(2), np.zeros(3)],
    lambda T: [np.zeros(2), np.zeros((2, 1))],
    lambda T: [None, None],
    lambda T: [object()],
    lambda T: [{1, 2}, {3, 4}],
    lambda T: [np.array(['a']), np.array(['b'])],
    lambda T: [np.array([b'a']), np.array([b'b'])],
    lambda T: [np.zeros(2, dtype=object)] * 2,
    lambda T: [{'a': [1, 2]}, {'a': [3]}],
], ids=['ragged lists', 'ragged tuples', 'ragged vectors', 'ragged matrices', 'tensor and int',
        'tensor and None', 'ragged arrays', 'arrays of different rank', 'None', 'object', 'sets',
        'unicode arrays', 'bytes arrays', 'object arrays', 'ragged inside dict'])
def test_errors_match_torch(make):
    msg_e, msg_t = _errors(make(ember), make(torch))
    # PyTorch's first sentence, then ember may add detail
    assert msg_e.startswith(msg_t.split(' (')[0].rstrip('.')), (msg_e, msg_t)


def test_ragged_error_names_the_lengths():
    with pytest.raises(RuntimeError, match=r'each element in list of batch should be of equal '
                                           r'size \(got lengths \[1, 2\]'):
        ed.default_collate([[1, 2], [1]])
    with pytest.raises(RuntimeError, match=r'stack expects each tensor to be equal size, but '
                                           r'got \[2\] at entry 0 and \[3\] at entry 1'):
        ed.default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy "
                                        "arrays, numbers, dicts or lists; found <class "
                                        "'NoneType'>"):
        ed.default_collate([None])


def test_collate_with_a_custom_map():
    def tensor_sum(batch, *, collate_fn_map):
        return sum(t.sum().item() for t in batch)
    batch = [(ember.tensor([1., 2.]), 1), (ember.tensor([3.]), 2)]
    out = _collate.collate(batch, collate_fn_map={ember.Tensor: tensor_sum, int: _collate.collate_int_fn})
    assert out[0] == 6.0 and out[1].tolist() == [1, 2]
    with pytest.raises(TypeError, match="default_collate: batch must contain .*found <class 'int'>"):
        _collate.collate(batch, collate_fn_map={ember.Tensor: tensor_sum})
    # the default map is the one default_collate uses, and can be extended like PyTorch's
    assert _collate.default_collate_fn_map[float] is _collate.collate_float_fn
