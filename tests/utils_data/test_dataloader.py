"""DataLoader in the main process (num_workers=0) against torch 2.13: sample order for a
seed, the random stream after each epoch, batching, len(), argument checks and messages.
Worker processes are tested in test_workers.py."""
import collections
import json
import os
import warnings

import numpy as np
import pytest

import ember
from ember.utils.data import (BatchSampler, DataLoader, Dataset, IterableDataset, Subset,
                              SequentialSampler, TensorDataset, get_worker_info)

torch = pytest.importorskip('torch')
tdata = torch.utils.data

SPEC = os.path.join(os.path.dirname(__file__), os.pardir, 'data', 'rng_vectors.json')


def batches(loader):
    return [b.tolist() for b in loader]


def both_seeded(seed):
    ember.manual_seed(seed)
    torch.manual_seed(seed)


def same_stream():
    """The default generators of both libraries are at the same point."""
    return ember.rand(3).tolist() == torch.rand(3).tolist()


# ------------------------------------------------------------------------- sample order
@pytest.mark.parametrize('seed', [0, 1, 42])
@pytest.mark.parametrize('n,batch_size,drop_last', [(10, 4, False), (23, 5, True), (7, 1, False)])
def test_shuffle_order_matches_torch_over_epochs(seed, n, batch_size, drop_last):
    both_seeded(seed)
    ours = DataLoader(range(n), batch_size=batch_size, shuffle=True, drop_last=drop_last)
    theirs = tdata.DataLoader(range(n), batch_size=batch_size, shuffle=True,
                              drop_last=drop_last)
    for _ in range(3):
        assert batches(ours) == batches(theirs)
        assert same_stream()          # base seed + sampler seed drawn as torch draws them


@pytest.mark.parametrize('seed', [0, 5])
def test_shuffle_with_generator_matches_torch(seed):
    both_seeded(123)
    ours = DataLoader(range(12), batch_size=5, shuffle=True,
                      generator=ember.Generator().manual_seed(seed))
    theirs = tdata.DataLoader(range(12), batch_size=5, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    for _ in range(3):
        assert batches(ours) == batches(theirs)
    assert same_stream()              # the global generator was not touched


def test_golden_vectors_of_the_rng_spec():
    with open(SPEC) as f:                 # tests/data/ holds a copy of spec/rng_vectors.json
        cases = [c for c in json.load(f)['cases'] if c['op'] == 'dataloader']
    assert cases
    for case in cases:
        ember.manual_seed(case['seed'])
        p = case['params']
        gen = None
        if 'loader_generator_seed' in p:
            gen = ember.Generator().manual_seed(p['loader_generator_seed'])
        loader = DataLoader(range(p['n']), shuffle=True, batch_size=p['batch_size'],
                            generator=gen)
        got = [batches(loader) for _ in range(p['epochs'])]
        assert got == case['result']['epochs'], case['id']
        probe = ember.empty((), dtype=ember.int64).random_().item()
        assert probe == case['probe_after'], case['id']


def test_draw_order_at_iterator_creation():
    # torch draws the base seed when the iterator is made, the sampler seed at the first
    # batch: a draw in between must land at the same place in both streams.
    both_seeded(3)
    it, tit = iter(DataLoader(range(9), batch_size=3, shuffle=True)), \
        iter(tdata.DataLoader(range(9), batch_size=3, shuffle=True))
    assert same_stream()
    assert next(it).tolist() == next(tit).tolist()
    assert same_stream()
    # an unshuffled loader still draws the base seed
    iter(DataLoader(range(3)))
    iter(tdata.DataLoader(range(3)))
    assert same_stream()


def test_random_sampler_options_through_loader():
    from ember.utils.data import RandomSampler
    both_seeded(9)
    ours = DataLoader(range(10), batch_size=3,
                      sampler=RandomSampler(range(10), replacement=True, num_samples=14))
    theirs = tdata.DataLoader(range(10), batch_size=3,
                              sampler=tdata.RandomSampler(range(10), replacement=True,
                                                          num_samples=14))
    for _ in range(2):
        assert batches(ours) == batches(theirs)
    assert same_stream()


# ----------------------------------------------------------------------------- batching
def test_tensor_dataset_batches_equal_torch():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((50, 3, 2)).astype(np.float32), rng.integers(0, 5, 50)
    both_seeded(1)
    ours = DataLoader(TensorDataset(ember.from_numpy(x), ember.from_numpy(y)), batch_size=8,
                      shuffle=True)
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                              batch_size=8, shuffle=True)
    for _ in range(2):
        got, want = list(ours), list(theirs)
        assert len(got) == len(want) == 7
        for (gx, gy), (wx, wy) in zip(got, want):
            assert isinstance(gx, ember.Tensor) and gx.dtype == ember.float32
            assert gy.dtype == ember.int64
            np.testing.assert_array_equal(gx.numpy(), wx.numpy())
            np.testing.assert_array_equal(gy.numpy(), wy.numpy())
    assert type(got[0]) is type(want[0]) is list


def test_tensor_dataset_fast_path_equals_per_sample_collate():
    x = ember.arange(40.0).reshape(10, 4)
    y = ember.arange(10)
    ds = TensorDataset(x, y)
    fast = list(DataLoader(ds, batch_size=3))
    slow = list(DataLoader(ds, batch_size=3,
                           collate_fn=lambda b: ember.utils.data.default_collate(b)))
    for a, b in zip(fast, slow):
        assert all(ember.equal(p, q) for p, q in zip(a, b))
    # a Subset (what random_split returns) of a TensorDataset, nested
    sub = Subset(Subset(ds, [9, 7, 5, 3, 1]), [4, 0, 2])
    (sx, sy), = list(DataLoader(sub, batch_size=3))
    assert sy.tolist() == [1, 9, 5]
    assert ember.equal(sx, x[[1, 9, 5]])


def test_tensor_dataset_requiring_grad_takes_the_stacking_path():
    w = ember.ones(4, 2, requires_grad=True)
    (b,) = next(iter(DataLoader(TensorDataset(w), batch_size=2)))
    tw = torch.ones(4, 2, requires_grad=True)
    (tb,) = next(iter(tdata.DataLoader(tdata.TensorDataset(tw), batch_size=2)))
    assert b.grad_fn.name() == tb.grad_fn.name() == 'StackBackward0'


def test_structures_collated_like_torch():
    class Pairs:
        def __init__(self, lib):
            self.lib = lib

        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {'x': np.full(2, i, dtype=np.float32), 'y': i, 'name': f's{i}',
                    'p': (float(i), self.lib.tensor([i, -i]))}

    got = next(iter(DataLoader(Pairs(ember), batch_size=3)))
    want = next(iter(tdata.DataLoader(Pairs(torch), batch_size=3)))
    assert got.keys() == want.keys()
    np.testing.assert_array_equal(got['x'].numpy(), want['x'].numpy())
    assert got['y'].tolist() == want['y'].tolist() and got['y'].dtype == ember.int64
    assert got['name'] == want['name'] == ['s0', 's1', 's2']
    assert got['p'][0].dtype == ember.float64 and want['p'][0].dtype == torch.float64
    assert got['p'][1].tolist() == want['p'][1].tolist()


def test_batch_size_none_disables_batching():
    ours = list(DataLoader(np.arange(4, dtype=np.int32), batch_size=None))
    theirs = list(tdata.DataLoader(np.arange(4, dtype=np.int32), batch_size=None))
    assert [t.tolist() for t in ours] == [t.tolist() for t in theirs] == [0, 1, 2, 3]
    assert ours[0].dtype == ember.int32 and ours[0].dim() == 0
    loader = DataLoader(range(4), batch_size=None)
    assert loader.batch_sampler is None and len(loader) == 4


def test_custom_sampler_batch_sampler_and_collate():
    assert batches(DataLoader(range(10), sampler=[9, 8, 7, 1], batch_size=3)) == \
        [[9, 8, 7], [1]]
    bs = BatchSampler(SequentialSampler(range(7)), 3, drop_last=True)
    loader = DataLoader(range(7), batch_sampler=bs)
    assert loader.batch_size is None and loader.drop_last is False
    assert batches(loader) == [[0, 1, 2], [3, 4, 5]] and len(loader) == 2
    assert list(DataLoader(range(5), batch_size=2, collate_fn=lambda b: sum(b))) == [1, 5, 4]
    assert batches(DataLoader(range(10), batch_sampler=[[1, 2], [5]])) == [[1, 2], [5]]


class _GetItems(Dataset):
    def __init__(self):
        self.calls = []

    def __len__(self):
        return 6

    def __getitem__(self, i):
        raise AssertionError('__getitems__ should be used')

    def __getitems__(self, indices):
        self.calls.append(list(indices))
        return [i * 10 for i in indices]


def test_getitems_is_used_for_batches():
    ds = _GetItems()
    assert batches(DataLoader(ds, batch_size=4)) == [[0, 10, 20, 30], [40, 50]]
    assert ds.calls == [[0, 1, 2, 3], [4, 5]]


def test_len():
    assert len(DataLoader(range(10), batch_size=3)) == 4
    assert len(DataLoader(range(10), batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(range(10), batch_size=3, shuffle=True)) == 4
    assert len(iter(DataLoader(range(10), batch_size=3))) == 4

    class Sized(IterableDataset):
        def __iter__(self):
            return iter(range(10))

        def __len__(self):
            return 10

    class Unsized(IterableDataset):
        def __iter__(self):
            return iter(range(3))

    assert len(DataLoader(Sized(), batch_size=4)) == 3
    assert len(DataLoader(Sized(), batch_size=4, drop_last=True)) == 2
    assert len(DataLoader(Sized(), batch_size=None)) == 10
    with pytest.raises(TypeError):
        len(DataLoader(Unsized()))


# ------------------------------------------------------------------- iterable datasets
class _Count(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


def test_iterable_dataset_batches():
    assert batches(DataLoader(_Count(7), batch_size=3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert batches(DataLoader(_Count(7), batch_size=3, drop_last=True)) == \
        [[0, 1, 2], [3, 4, 5]]
    assert list(DataLoader(_Count(3), batch_size=None)) == [0, 1, 2]
    assert batches(DataLoader(_Count(7), batch_size=3, shuffle=False)) == \
        [[0, 1, 2], [3, 4, 5], [6]]


def test_iterable_dataset_longer_than_its_len_warns():
    class Liar(_Count):
        def __len__(self):
            return 2

    loader = DataLoader(Liar(4), batch_size=None)
    assert len(loader) == 2
    with pytest.warns(UserWarning, match='was reported to be 2'):
        list(loader)


def test_get_worker_info_is_none_in_main_process():
    seen = []

    class Probe(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            seen.append(get_worker_info())
            return i

    list(DataLoader(Probe()))
    assert seen == [None, None]


# ------------------------------------------------------------------ argument checking
def _error(fn):
    try:
        fn()
    except Exception as e:      # noqa: BLE001 - we compare the type and the message
        return type(e), str(e)
    return None, None


ARG_CASES = [
    ('negative workers', lambda L, ds: L(ds, num_workers=-1)),
    ('negative timeout', lambda L, ds: L(ds, timeout=-1)),
    ('prefetch without workers', lambda L, ds: L(ds, prefetch_factor=2)),
    ('negative prefetch', lambda L, ds: L(ds, num_workers=1, prefetch_factor=-1)),
    ('persistent without workers', lambda L, ds: L(ds, persistent_workers=True)),
    ('sampler and shuffle', lambda L, ds: L(ds, sampler=[0, 1], shuffle=True)),
    ('batch_sampler and batch_size', lambda L, ds: L(ds, batch_sampler=[[0]], batch_size=2)),
    ('batch_sampler and shuffle', lambda L, ds: L(ds, batch_sampler=[[0]], shuffle=True)),
    ('batch_sampler and sampler', lambda L, ds: L(ds, batch_sampler=[[0]], sampler=[0])),
    ('batch_sampler and drop_last', lambda L, ds: L(ds, batch_sampler=[[0]], drop_last=True)),
    ('no batch with drop_last', lambda L, ds: L(ds, batch_size=None, drop_last=True)),
    ('bad start method', lambda L, ds: L(ds, num_workers=1, multiprocessing_context='nope')),
    ('bad context type', lambda L, ds: L(ds, num_workers=1, multiprocessing_context=3)),
    ('context without workers', lambda L, ds: L(ds, multiprocessing_context='fork')),
    ('bad batch_size', lambda L, ds: L(ds, batch_size=0)),
    ('bad drop_last', lambda L, ds: L(ds, drop_last=1)),
]


@pytest.mark.parametrize('name,make', ARG_CASES, ids=[c[0] for c in ARG_CASES])
def test_argument_errors_match_torch(name, make):
    ours = _error(lambda: make(DataLoader, range(4)))
    theirs = _error(lambda: make(tdata.DataLoader, range(4)))
    assert theirs[0] is not None
    assert ours[0] is theirs[0]
    first = theirs[1].split('. ')[0]
    assert ours[1].startswith(first), (ours[1], theirs[1])


ITER_CASES = [
    ('shuffle', lambda L, ds: L(ds, shuffle=True)),
    ('sampler', lambda L, ds: L(ds, sampler=[0])),
    ('batch_sampler', lambda L, ds: L(ds, batch_sampler=[[0]])),
]


@pytest.mark.parametrize('name,make', ITER_CASES, ids=[c[0] for c in ITER_CASES])
def test_iterable_dataset_argument_errors_match_torch(name, make):
    class TCount(tdata.IterableDataset):
        def __iter__(self):
            return iter(range(3))

    ours = _error(lambda: make(DataLoader, _Count(3)))
    theirs = _error(lambda: make(tdata.DataLoader, TCount()))
    assert ours[0] is theirs[0] is ValueError
    assert ours[1].split('=')[0] == theirs[1].split('=')[0]


def test_attributes_frozen_after_init():
    loader = DataLoader(range(3))
    tloader = tdata.DataLoader(range(3))
    for attr in ('batch_size', 'batch_sampler', 'sampler', 'drop_last', 'dataset',
                 'persistent_workers'):
        ours = _error(lambda: setattr(loader, attr, None))
        theirs = _error(lambda: setattr(tloader, attr, None))
        assert ours[0] is theirs[0] is ValueError
        assert ours[1].startswith(theirs[1])
    loader.num_workers = 0         # other attributes stay writable, as in torch


def test_timeout_without_workers_is_torchs_assertion():
    ours = _error(lambda: iter(DataLoader(range(3), timeout=1)))
    theirs = _error(lambda: iter(tdata.DataLoader(range(3), timeout=1)))
    assert ours[0] is theirs[0] is AssertionError
    assert ours[1].startswith(theirs[1])


def test_defaults_and_attributes():
    loader = DataLoader(range(5))
    tloader = tdata.DataLoader(range(5))
    for attr in ('batch_size', 'num_workers', 'pin_memory', 'drop_last', 'timeout',
                 'prefetch_factor', 'persistent_workers', 'in_order', 'pin_memory_device',
                 'multiprocessing_context', 'generator', 'worker_init_fn'):
        assert getattr(loader, attr) == getattr(tloader, attr), attr
    assert type(loader.sampler).__name__ == 'SequentialSampler'
    assert type(loader.batch_sampler).__name__ == 'BatchSampler'
    assert loader.collate_fn is ember.utils.data.default_collate
    assert DataLoader(range(5), batch_size=None).collate_fn is ember.utils.data.default_convert
    assert DataLoader(range(5), num_workers=1).prefetch_factor == 2
    assert DataLoader[int] is not None
    ctx = DataLoader(range(5), num_workers=1, multiprocessing_context='spawn')
    assert ctx.multiprocessing_context.get_start_method() == 'spawn'


def test_pin_memory_warns_without_accelerator():
    ours = DataLoader(range(4), batch_size=2, pin_memory=True)
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no "
                                         'accelerator is found'):
        assert batches(ours) == [[0, 1], [2, 3]]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        list(DataLoader(range(4), batch_size=2, pin_memory=True, pin_memory_device='cuda'))
    assert any('pin_memory_device is deprecated' in str(x.message) for x in w)


def test_too_many_workers_warns_like_torch():
    with pytest.warns(UserWarning, match='This DataLoader will create 4096 worker processes '
                                         'in total'):
        DataLoader(range(3), num_workers=4096)


def test_iterator_cannot_be_pickled():
    import pickle
    with pytest.raises(NotImplementedError, match='cannot be pickled'):
        pickle.dumps(iter(DataLoader(range(3))))


def test_named_tuple_samples():
    Point = collections.namedtuple('Point', 'x y')

    class Pts(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return Point(i, ember.tensor(float(i)))

    b = next(iter(DataLoader(Pts(), batch_size=4)))
    assert type(b) is Point and b.x.tolist() == [0, 1, 2, 3]
    assert b.y.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_main_guard_detection_on_sources():
    import ast

    from ember.utils.data._loader_guard import _guarded

    src = ("import x\n"                                        # 1
           "run()\n"                                           # 2
           "if __name__ == '__main__':\n"                      # 3
           "    run()\n"                                       # 4
           "if '__main__' == __name__ and fast:\n"             # 5
           "    run()\n"                                       # 6
           "if __name__ != \"__main__\":\n"                    # 7
           "    run()\n"                                       # 8
           "else:\n"                                           # 9
           "    run()\n"                                       # 10
           "with ctx:\n"                                       # 11
           "    run()\n")                                      # 12
    body = ast.parse(src).body
    assert [_guarded(body, line) for line in (2, 4, 6, 8, 10, 12)] == \
        [False, True, True, False, True, False]
