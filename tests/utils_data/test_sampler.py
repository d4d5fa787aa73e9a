"""Samplers, DistributedSampler and random_split against torch.utils.data 2.13: the same
indices for the same seed over several passes, and the default generator left where
PyTorch leaves it."""
import itertools
import warnings

import pytest

import ember
from ember.utils import data as ed

torch = pytest.importorskip('torch')
from torch.utils import data as td  # noqa: E402

SEEDS = [0, 1, 42, 2**32 + 5]
EPOCHS = 3


def _gens(seed):
    """Matching (ember, torch) generators, or (None, None) to use the global ones."""
    if seed is None:
        return None, None
    return ember.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


def _same_stream(make, seed, use_gen, epochs=EPOCHS):
    """Seed both libraries, build a sampler with ``make(lib, generator)``, iterate several
    passes, compare; then compare the global RNG position via rand(3)."""
    ember.manual_seed(seed)
    torch.manual_seed(seed)
    ge, gt = _gens(seed + 7) if use_gen else (None, None)
    se, st = make(ed, ember, ge), make(td, torch, gt)
    assert len(se) == len(st)
    for _ in range(epochs):
        assert list(se) == list(st)
    assert ember.rand(3).tolist() == torch.rand(3).tolist()
    if use_gen:
        assert ember.rand(2, generator=ge).tolist() == torch.rand(2, generator=gt).tolist()


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('use_gen', [False, True])
@pytest.mark.parametrize('replacement,num_samples,n', [
    (False, None, 10), (False, None, 1), (False, 25, 10), (False, 20, 10), (False, 3, 10),
    (True, None, 10), (True, 70, 5), (True, 64, 9), (True, 5, 100)])
def test_random_sampler(seed, use_gen, replacement, num_samples, n):
    _same_stream(lambda m, lib, g: m.RandomSampler(range(n), replacement=replacement,
                                                   num_samples=num_samples, generator=g),
                 seed, use_gen)


@pytest.mark.parametrize('replacement', [False, True])
def test_random_sampler_partial_passes_continue_the_stream(replacement):
    """Breaking out of a pass early and starting a new one consumes what PyTorch consumes."""
    ember.manual_seed(3)
    torch.manual_seed(3)
    se = ed.RandomSampler(range(50), replacement=replacement, num_samples=70)
    st = td.RandomSampler(range(50), replacement=replacement, num_samples=70)
    for k in (0, 1, 33, 40, 70):
        assert list(itertools.islice(iter(se), k)) == list(itertools.islice(iter(st), k))
    ie, it = iter(se), iter(st)
    assert next(ie) == next(it)
    assert list(se) == list(st)          # a second pass started while the first is open
    assert list(ie) == list(it)          # the first continues on its own generator
    assert ember.rand(3).tolist() == torch.rand(3).tolist()


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('use_gen', [False, True])
def test_subset_random_sampler(seed, use_gen):
    idx = [3, 9, 4, 17, 0, 11, 5]
    _same_stream(lambda m, lib, g: m.SubsetRandomSampler(idx, generator=g), seed, use_gen)


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('use_gen', [False, True])
@pytest.mark.parametrize('replacement,num_samples', [(True, 1), (True, 13), (True, 100),
                                                     (False, 1), (False, 4), (False, 6)])
def test_weighted_random_sampler(seed, use_gen, replacement, num_samples):
    w = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    _same_stream(lambda m, lib, g: m.WeightedRandomSampler(w, num_samples, replacement, g),
                 seed, use_gen)


def test_weighted_random_sampler_weight_kinds():
    ember.manual_seed(5)
    torch.manual_seed(5)
    for w_e, w_t in [(ember.tensor([1, 2, 3]), torch.tensor([1, 2, 3])), ((1, 0, 2), (1, 0, 2))]:
        se, st = ed.WeightedRandomSampler(w_e, 8), td.WeightedRandomSampler(w_t, 8)
        assert se.weights.dtype == ember.float64
        assert list(se) == list(st)


@pytest.mark.parametrize('seed', SEEDS[:2])
@pytest.mark.parametrize('drop_last', [False, True])
@pytest.mark.parametrize('batch_size', [1, 3, 4, 11])
def test_batch_sampler(seed, drop_last, batch_size):
    _same_stream(lambda m, lib, g: m.BatchSampler(m.RandomSampler(range(10)), batch_size,
                                                  drop_last), seed, False)
    assert list(ed.BatchSampler(range(10), batch_size, drop_last)) == \
        list(td.BatchSampler(range(10), batch_size, drop_last))


def test_sequential_sampler():
    assert list(ed.SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert len(ed.SequentialSampler('abc')) == 3
    assert list(ed.SequentialSampler([])) == []


@pytest.mark.parametrize('n', [0, 1, 3, 10, 11, 12, 17])
@pytest.mark.parametrize('replicas', [1, 2, 3, 4, 8])
@pytest.mark.parametrize('drop_last', [False, True])
@pytest.mark.parametrize('shuffle', [False, True])
def test_distributed_sampler(n, replicas, drop_last, shuffle):
    ember.manual_seed(0)
    torch.manual_seed(0)
    for rank in range(replicas):
        se = ed.DistributedSampler(range(n), replicas, rank, shuffle=shuffle, seed=n + 3,
                                   drop_last=drop_last)
        st = td.DistributedSampler(range(n), replicas, rank, shuffle=shuffle, seed=n + 3,
                                   drop_last=drop_last)
        assert (len(se), se.num_samples, se.total_size) == (len(st), st.num_samples,
                                                            st.total_size)
        for epoch in (0, 1, 5):
            se.set_epoch(epoch)
            st.set_epoch(epoch)
            assert list(se) == list(st)
            assert list(se) == list(st)
    # the global generator is untouched
    assert ember.rand(3).tolist() == torch.rand(3).tolist()


def test_distributed_sampler_errors():
    with pytest.raises(ValueError, match='Default process group has not been initialized.*'
                                         'num_replicas and rank'):
        ed.DistributedSampler(range(4))
    with pytest.raises(ValueError, match='pass them explicitly'):
        ed.DistributedSampler(range(4), num_replicas=2)
    with pytest.raises(ValueError, match=r'Invalid rank 2, rank should be in the interval '
                                         r'\[0, 1\]'):
        ed.DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match='Invalid rank -1'):
        ed.DistributedSampler(range(4), num_replicas=2, rank=-1)


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('use_gen', [False, True])
@pytest.mark.parametrize('n,lengths', [(10, [3, 7]), (10, [10]), (10, [0.3, 0.7]),
                                       (30, [0.3, 0.3, 0.4]), (11, [0.5, 0.5]),
                                       (7, [0.25, 0.25, 0.25, 0.25]), (5, [2, 0, 3])])
def test_random_split(seed, use_gen, n, lengths):
    ember.manual_seed(seed)
    torch.manual_seed(seed)
    ge, gt = _gens(seed + 1) if use_gen else (None, None)
    for _ in range(EPOCHS):
        if use_gen:
            pe, pt = ed.random_split(range(n), lengths, ge), td.random_split(range(n), lengths, gt)
        else:
            pe, pt = ed.random_split(range(n), lengths), td.random_split(range(n), lengths)
        assert [s.indices for s in pe] == [s.indices for s in pt]
        assert [list(s) for s in pe] == [list(s) for s in pt]
        assert all(isinstance(s, ed.Subset) for s in pe)
    assert ember.rand(3).tolist() == torch.rand(3).tolist()


def test_random_split_default_generator_argument():
    ember.manual_seed(4)
    torch.manual_seed(4)
    pe = ed.random_split(range(6), [2, 4], generator=ember.default_generator)
    pt = td.random_split(range(6), [2, 4], generator=torch.default_generator)
    assert [s.indices for s in pe] == [s.indices for s in pt]


def test_random_split_warnings_and_errors():
    with pytest.warns(UserWarning, match='Length of split at index 2 is 0'):
        parts = ed.random_split(range(2), [0.5, 0.5, 0.0])
    assert [len(p) for p in parts] == [1, 1, 0]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ed.random_split(range(4), [0.5, 0.5])
    with pytest.raises(ValueError, match='Sum of input lengths does not equal the length of '
                                         'the input dataset!'):
        ed.random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match='Sum of input lengths does not equal'):
        ed.random_split(range(10), [0.5, 0.6])
    with pytest.raises(ValueError, match='Fraction at index 0 is not between 0 and 1'):
        ed.random_split(range(10), [1.5, -0.5])


def test_sampler_argument_errors():
    with pytest.raises(TypeError, match='replacement should be a boolean value, but got '
                                        'replacement=1'):
        ed.RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match='num_samples should be a positive integer value, but '
                                         'got num_samples=0'):
        ed.RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match='num_samples=0.*empty'):
        ed.RandomSampler([])
    with pytest.raises(ValueError, match='num_samples=2.0'):
        ed.RandomSampler(range(3), num_samples=2.0)
    with pytest.raises(ValueError, match='num_samples should be a positive integer value, but '
                                         'got num_samples=True'):
        ed.WeightedRandomSampler([1., 2.], True)
    with pytest.raises(ValueError, match='replacement should be a boolean value, but got '
                                         'replacement=0'):
        ed.WeightedRandomSampler([1., 2.], 2, replacement=0)
    with pytest.raises(ValueError, match=r'weights should be a 1d sequence but given weights '
                                         r'have shape \(2, 1\)'):
        ed.WeightedRandomSampler([[1.], [2.]], 2)
    with pytest.raises(ValueError, match='batch_size should be a positive integer value, but '
                                         'got batch_size=0'):
        ed.BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match='batch_size=True'):
        ed.BatchSampler(range(3), True, False)
    with pytest.raises(ValueError, match='drop_last should be a boolean value, but got '
                                         'drop_last=None'):
        ed.BatchSampler(range(3), 2, None)
    with pytest.raises(NotImplementedError):
        iter(ed.Sampler())
    with pytest.raises(TypeError):
        len(ed.Sampler())


def test_lengths_follow_pytorch():
    for n, bs, dl in [(10, 3, False), (10, 3, True), (9, 3, True), (0, 2, False)]:
        assert len(ed.BatchSampler(range(n), bs, dl)) == len(td.BatchSampler(range(n), bs, dl))
    data = list(range(4))
    s = ed.RandomSampler(data)
    data.append(4)                        # the length follows the data source
    assert len(s) == s.num_samples == 5
    assert len(ed.RandomSampler(range(3), True, 7)) == 7
    assert len(ed.SubsetRandomSampler([1, 5])) == 2
    assert len(ed.WeightedRandomSampler([1., 1.], 9)) == 9
    assert isinstance(ed.RandomSampler(range(2)), ed.Sampler)
    assert ed.Sampler[int] is not None     # generic, like torch's
