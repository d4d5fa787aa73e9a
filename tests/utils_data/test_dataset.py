"""Datasets and their combinators against torch.utils.data 2.13 (same samples, lengths,
errors)."""
import warnings

import numpy as np
import pytest

import ember
from ember.utils import data as ed

torch = pytest.importorskip('torch')
from torch.utils import data as td  # noqa: E402


def _same(a, b):
    """ember sample vs torch sample: same structure, dtypes and values."""
    if isinstance(b, torch.Tensor):
        assert isinstance(a, ember.Tensor)
        assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
        assert a.tolist() == b.tolist()
    elif isinstance(b, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(b, dict):
        assert type(a) is type(b) and list(a) == list(b)
        for k in b:
            _same(a[k], b[k])
    else:
        assert a == b


def _pair(n=5):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n) % 2
    return (ember.tensor(x), ember.tensor(y)), (torch.tensor(x), torch.tensor(y))


class _Squares:
    """A plain object dataset, for both libraries."""
    def __init__(self, base, n):
        self.base, self.n = base, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return (self.base + i) ** 2


def _stream(mod, items):
    class S(mod.IterableDataset):
        def __iter__(self):
            return iter(items)

        def __len__(self):
            return len(items)
    return S()


def test_tensor_dataset():
    (xe, ye), (xt, yt) = _pair()
    de, dt = ed.TensorDataset(xe, ye), td.TensorDataset(xt, yt)
    assert len(de) == len(dt) == 5
    for i in [0, 3, -1, slice(1, 4), [4, 0]]:
        _same(de[i], dt[i])
    assert de.tensors[0] is xe
    _same(ed.TensorDataset(xe)[2], td.TensorDataset(xt)[2])
    assert isinstance(de, ed.Dataset)


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match=r'Size mismatch between tensors.*\(3,\).*\(4, 2\)'):
        ed.TensorDataset(ember.zeros(3), ember.zeros(4, 2))


def test_dataset_base():
    with pytest.raises(NotImplementedError, match='Subclasses of Dataset should implement '
                                                  '__getitem__.'):
        ed.Dataset()[0]
    with pytest.raises(TypeError):
        len(ed.Dataset())
    assert ed.Dataset[int] is not None


def test_concat_dataset():
    parts = [[1, 2], [3], [4, 5, 6]]
    de, dt = ed.ConcatDataset(parts), td.ConcatDataset(parts)
    assert len(de) == len(dt) == 6
    assert de.cumulative_sizes == dt.cumulative_sizes == [2, 3, 6]
    assert ed.ConcatDataset.cumsum(parts) == td.ConcatDataset.cumsum(parts)
    assert [de[i] for i in range(-6, 6)] == [dt[i] for i in range(-6, 6)]
    with pytest.warns(FutureWarning, match='renamed to `cumulative_sizes`'):
        assert de.cummulative_sizes == [2, 3, 6]
    assert ed.ConcatDataset(iter([[1], [2]])).datasets == [[1], [2]]


def test_concat_dataset_with_empty_and_errors():
    de, dt = ed.ConcatDataset([[], [1, 2], []]), td.ConcatDataset([[], [1, 2], []])
    assert [de[i] for i in range(2)] == [dt[i] for i in range(2)]
    with pytest.raises(ValueError, match='absolute value of index should not exceed dataset '
                                         'length'):
        de[-3]
    with pytest.raises(IndexError):
        de[2]
    with pytest.raises(AssertionError, match='datasets should not be an empty iterable'):
        ed.ConcatDataset([])
    with pytest.raises(AssertionError, match='ConcatDataset does not support IterableDataset'):
        ed.ConcatDataset([[1], _stream(ed, [1])])


def test_add_operators():
    a, b = _Squares(0, 3), _Squares(10, 2)

    class E(ed.Dataset):
        def __init__(self, d): self.d = d
        def __len__(self): return len(self.d)
        def __getitem__(self, i): return self.d[i]

    class T(td.Dataset):
        def __init__(self, d): self.d = d
        def __len__(self): return len(self.d)
        def __getitem__(self, i): return self.d[i]

    ce, ct = E(a) + E(b), T(a) + T(b)
    assert isinstance(ce, ed.ConcatDataset)
    assert [ce[i] for i in range(len(ce))] == [ct[i] for i in range(len(ct))]
    ce2 = ce + E(a)            # nests, as in PyTorch
    assert len(ce2) == 8 and len(ce2.datasets) == 2
    se, st = _stream(ed, [1, 2]) + _stream(ed, [3]), _stream(td, [1, 2]) + _stream(td, [3])
    assert isinstance(se, ed.ChainDataset)
    assert list(se) == list(st) == [1, 2, 3] and len(se) == len(st) == 3


def test_chain_dataset():
    ce = ed.ChainDataset([_stream(ed, 'ab'), _stream(ed, []), _stream(ed, 'c')])
    ct = td.ChainDataset([_stream(td, 'ab'), _stream(td, []), _stream(td, 'c')])
    assert list(ce) == list(ct) == ['a', 'b', 'c']
    assert len(ce) == len(ct) == 3
    assert isinstance(ce, ed.IterableDataset)
    bad = ed.ChainDataset([_stream(ed, 'a'), [1, 2]])
    it = iter(bad)
    assert next(it) == 'a'
    with pytest.raises(AssertionError, match='ChainDataset only supports IterableDataset'):
        next(it)
    with pytest.raises(AssertionError, match='ChainDataset only supports IterableDataset'):
        len(bad)


def test_subset():
    (xe, ye), (xt, yt) = _pair(6)
    de, dt = ed.TensorDataset(xe, ye), td.TensorDataset(xt, yt)
    se, st = ed.Subset(de, [5, 0, 2]), td.Subset(dt, [5, 0, 2])
    assert len(se) == len(st) == 3
    for i in range(-3, 3):
        _same(se[i], st[i])
    _same(se.__getitems__([2, 0]), st.__getitems__([2, 0]))
    # list indexing goes to the dataset with a list of indices
    assert ed.Subset(np.arange(10) * 2, [3, 4])[[1, 0]].tolist() == [8, 6]
    # a nested __getitems__ is used
    class Batched(ed.Dataset):
        def __getitems__(self, idx):
            return ['batch', idx]
    assert ed.Subset(Batched(), [7, 8, 9]).__getitems__([2, 0]) == ['batch', [9, 7]]
    with pytest.raises(IndexError):
        se[3]


def test_subset_subclass_must_override_getitems():
    class Bad(ed.Subset):
        def __getitem__(self, i):
            return 0

    class Good(Bad):
        def __getitems__(self, idx):
            return [0 for _ in idx]

    with pytest.raises(NotImplementedError, match='Bad overrides __getitem__ but not '
                                                  '__getitems__'):
        Bad([1, 2], [0])
    assert Good([1, 2], [0]).__getitems__([0]) == [0]


def test_stack_dataset():
    (xe, ye), (xt, yt) = _pair(4)
    words = ['a', 'b', 'c', 'd']
    te, tt = ed.StackDataset(xe, ye, words), td.StackDataset(xt, yt, words)
    de, dt = ed.StackDataset(x=xe, w=words), td.StackDataset(x=xt, w=words)
    assert len(te) == len(tt) == len(de) == 4
    for i in range(4):
        _same(te[i], tt[i])
        _same(de[i], dt[i])
    for idx in ([3, 1], [0], []):
        _same(te.__getitems__(idx), tt.__getitems__(idx))
        _same(de.__getitems__(idx), dt.__getitems__(idx))
    # nested datasets with __getitems__ (a Subset) are asked for the whole batch
    sub = ed.Subset(ed.TensorDataset(xe), [3, 2, 1, 0])
    _same(ed.StackDataset(sub, words).__getitems__([0, 2]),
          td.StackDataset(td.Subset(td.TensorDataset(xt), [3, 2, 1, 0]), words)
          .__getitems__([0, 2]))


def test_stack_dataset_errors():
    with pytest.raises(ValueError, match='Supported either ``tuple``- .* but both types are '
                                         'given'):
        ed.StackDataset([1], x=[1])
    with pytest.raises(ValueError, match='At least one dataset should be passed'):
        ed.StackDataset()
    with pytest.raises(ValueError, match=r'Size mismatch between datasets.*\[2, 3\]'):
        ed.StackDataset([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match='Size mismatch between datasets'):
        ed.StackDataset(a=[1, 2], b=[1])

    class Short(ed.Dataset):
        def __len__(self): return 3
        def __getitems__(self, idx): return [0]
    with pytest.raises(ValueError, match="Nested dataset's output size mismatch. Expected 2, "
                                         'got 1'):
        ed.StackDataset(Short(), [1, 2, 3]).__getitems__([0, 1])
    with pytest.raises(ValueError, match="Nested dataset's output size mismatch"):
        ed.StackDataset(a=Short()).__getitems__([0, 1])


def test_iterable_dataset_has_no_getitem_protocol():
    s = _stream(ed, [1, 2])
    assert list(s) == [1, 2]
    with pytest.raises(NotImplementedError):
        s[0]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert isinstance(s, ed.Dataset)
