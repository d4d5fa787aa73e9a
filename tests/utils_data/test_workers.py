"""DataLoader worker processes: same batches as num_workers=0 and as torch 2.13, worker
seeding, get_worker_info, IterableDataset sharding, the spawn start method, and faults (a
worker raising, killed, a timeout, an early break) ending with a clear error and no process
left behind.

Every test runs under a hard timeout and checks afterwards that no child process is left.
torch is imported inside the tests, not at module level: workers started with 'spawn'
import this module to unpickle its datasets, and need not pay for torch.
"""
import gc
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import ember
from ember.utils.data import DataLoader, Dataset, TensorDataset, get_worker_info

HARD_TIMEOUT = 60
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

pytestmark = pytest.mark.skipif(not hasattr(signal, 'setitimer'),
                                reason='needs POSIX signals for the hard timeout')


@pytest.fixture(autouse=True)
def no_leftover_process():
    """A hard timeout per test, then: every worker process has ended."""
    def on_alarm(signum, frame):
        raise TimeoutError(f'test still running after {HARD_TIMEOUT} s')
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, HARD_TIMEOUT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    gc.collect()
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.02)
    left = multiprocessing.active_children()
    for p in left:
        p.kill()
    assert not left, f'worker processes left running: {left}'


@pytest.fixture
def torch():
    return pytest.importorskip('torch')


def both_seeded(torch, seed):
    ember.manual_seed(seed)
    torch.manual_seed(seed)


# -------------------------------------------------------------------------- datasets
class Squares(Dataset):
    """Module level, so 'spawn' workers can unpickle it."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i * i


class WhoLoads(Dataset):
    """Each sample: its index, the loading worker's id and its process id."""

    def __len__(self):
        return 12

    def __getitem__(self, i):
        info = get_worker_info()
        return i, -1 if info is None else info.id, os.getpid()


class Augment(Dataset):
    """Random 'augmentations' drawn from the library's, Python's and NumPy's generators."""

    def __init__(self, lib, n=8):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return (self.lib.rand(2).tolist(), random.random(), float(np.random.rand()),
                get_worker_info_of(self.lib))


def get_worker_info_of(lib):
    info = (lib.utils.data.get_worker_info)()
    return None if info is None else (info.id, info.num_workers, info.seed)


class Faulty(Dataset):
    """Misbehaves at one index: 'raise', 'key', 'kill', 'segfault' or 'sleep'."""

    def __init__(self, how, at, n=10):
        self.how, self.at, self.n = how, at, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.at:
            if self.how == 'raise':
                raise ValueError(f'bad sample {i}')
            if self.how == 'key':
                return {}['missing']
            if self.how == 'kill':
                os.kill(os.getpid(), signal.SIGKILL)
            if self.how == 'segfault':
                import ctypes
                import faulthandler
                faulthandler.disable()      # pytest's handler would print the C stack
                ctypes.string_at(0)
            if self.how == 'sleep':
                time.sleep(1.0)
        return i


def _make_shards(lib):
    """An IterableDataset class of ``lib`` over [start, end) that splits the range between
    workers (or gives each worker all of it, ``split=False``)."""
    class _Shards(lib.utils.data.IterableDataset):
        def __init__(self, start, end, split=True):
            self.start, self.end, self.split = start, end, split

        def __iter__(self):
            info = lib.utils.data.get_worker_info()
            if info is None or not self.split:
                return iter(range(self.start, self.end))
            per = -(-(self.end - self.start) // info.num_workers)
            lo = self.start + info.id * per
            return iter(range(lo, min(lo + per, self.end)))
    return _Shards


# ---------------------------------------------------------------- same batches as torch
def test_two_workers_give_the_batches_of_zero_workers_and_torch(torch):
    x = ember.arange(60.0).reshape(20, 3)
    y = ember.arange(20)
    ds = TensorDataset(x, y)

    def epochs(num_workers):
        ember.manual_seed(7)
        loader = DataLoader(ds, batch_size=3, shuffle=True, num_workers=num_workers)
        out = [[(bx.tolist(), by.tolist()) for bx, by in loader] for _ in range(3)]
        return out, ember.rand(2).tolist()

    assert epochs(2) == epochs(0)

    torch.manual_seed(7)
    tds = torch.utils.data.TensorDataset(torch.arange(60.0).reshape(20, 3), torch.arange(20))
    tloader = torch.utils.data.DataLoader(tds, batch_size=3, shuffle=True, num_workers=2)
    want = [[(bx.tolist(), by.tolist()) for bx, by in tloader] for _ in range(3)]
    assert epochs(2) == (want, torch.rand(2).tolist())


def test_workers_share_the_load_round_robin():
    batches = list(DataLoader(WhoLoads(), batch_size=2, num_workers=2))
    assert [b[0].tolist() for b in batches] == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9],
                                                [10, 11]]
    assert [b[1].tolist() for b in batches] == [[0, 0], [1, 1]] * 3
    assert len({int(b[2][0]) for b in batches}) == 2 and os.getpid() not in \
        {int(b[2][0]) for b in batches}


def test_tensor_dtypes_survive_the_pipe():
    ds = TensorDataset(ember.arange(6, dtype=ember.float64), ember.arange(6, dtype=ember.int32),
                       ember.tensor([True, False] * 3))
    got = list(DataLoader(ds, batch_size=4, num_workers=1))
    want = list(DataLoader(ds, batch_size=4))
    for g, w in zip(got, want):
        for a, b in zip(g, w):
            assert a.dtype == b.dtype and a.tolist() == b.tolist()


# ------------------------------------------------------------------------- seeding
def test_worker_seeding_matches_torch_differs_per_worker_repeats_per_run(torch):
    def run(lib):
        lib.manual_seed(3)
        loader = lib.utils.data.DataLoader(Augment(lib), batch_size=2, num_workers=2,
                                           collate_fn=list)
        return [sample for batch in loader for sample in batch]

    ours = run(ember)
    assert ours == run(torch)                     # ember, random and NumPy streams, seeds
    assert ours == run(ember)                     # the same across runs
    by_worker = {}
    for sample in ours:
        by_worker.setdefault(sample[3][0], []).append(sample[:3])
    assert sorted(by_worker) == [0, 1]
    first0, first1 = by_worker[0][0], by_worker[1][0]
    assert first0[0] != first1[0] and first0[1] != first1[1] and first0[2] != first1[2]
    seeds = {s[3][0]: s[3][2] for s in ours}
    assert seeds[1] == seeds[0] + 1               # base seed + worker id
    ember.manual_seed(4)
    other = [s for b in DataLoader(Augment(ember), batch_size=2, num_workers=2,
                                   collate_fn=list) for s in b]
    assert other[0][:3] != ours[0][:3]            # another seed, other augmentations


def _tag_worker(worker_id):
    get_worker_info().dataset.tag = 100 + worker_id


class Tagged(Dataset):
    tag = None

    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = get_worker_info()
        return (self.tag, info.id, info.num_workers, info.dataset is self,
                ember.get_num_threads())


def test_get_worker_info_and_worker_init_fn():
    ds = Tagged()
    rows = [s for b in DataLoader(ds, batch_size=1, num_workers=2, worker_init_fn=_tag_worker,
                                  collate_fn=list) for s in b]
    assert rows == [(100, 0, 2, True, 1), (101, 1, 2, True, 1)] * 2
    assert ds.tag is None                          # the workers changed their own copies
    assert get_worker_info() is None


# ------------------------------------------------------------------- iterable datasets
def test_iterable_dataset_split_by_worker_id_matches_torch(torch):
    ours = [b.tolist() for b in DataLoader(_make_shards(ember)(3, 14), batch_size=2,
                                           num_workers=2)]
    theirs = [b.tolist() for b in torch.utils.data.DataLoader(
        _make_shards(torch)(3, 14), batch_size=2, num_workers=2)]
    assert ours == theirs
    assert sorted(v for b in ours for v in b) == list(range(3, 14))
    single = [b.tolist() for b in DataLoader(_make_shards(ember)(3, 14), batch_size=2)]
    assert sorted(v for b in single for v in b) == list(range(3, 14))


def test_iterable_dataset_full_copy_per_worker_matches_torch(torch):
    ours = [b.tolist() for b in DataLoader(_make_shards(ember)(0, 5, split=False),
                                           batch_size=2, num_workers=2, drop_last=True)]
    theirs = [b.tolist() for b in torch.utils.data.DataLoader(
        _make_shards(torch)(0, 5, split=False), batch_size=2, num_workers=2, drop_last=True)]
    assert ours == theirs == [[0, 1], [0, 1], [2, 3], [2, 3]]


# ------------------------------------------------------------------------------ faults
@pytest.mark.parametrize('how,exc', [('raise', ValueError), ('key', KeyError)])
def test_worker_exception_is_reraised_with_its_traceback(how, exc):
    loader = DataLoader(Faulty(how, at=3), batch_size=2, num_workers=2)
    it = iter(loader)
    assert next(it).tolist() == [0, 1]
    with pytest.raises(exc) as info:
        next(it)
    msg = str(info.value) if exc is not KeyError else info.value.args[0]
    assert msg.startswith(f'Caught {exc.__name__} in DataLoader worker process 1.\n'
                          'Original Traceback (most recent call last):')
    assert '__getitem__' in msg
    assert ('bad sample 3' if how == 'raise' else "KeyError: 'missing'") in msg
    del it


class Unpicklable(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        class LocalError(Exception):
            pass
        if i == 1:
            return lambda: i                   # a worker cannot send this back
        if i == 3:
            raise LocalError('local trouble')  # nor this exception type
        return i


def test_unpicklable_batch_or_exception_raises_instead_of_hanging():
    it = iter(DataLoader(Unpicklable(), batch_size=1, num_workers=2, collate_fn=list))
    assert next(it) == [0]
    with pytest.raises(AttributeError, match='Caught AttributeError in DataLoader worker '
                                             'process 1 while sending a batch to the main '
                                             r'process(.|\n)*pickle local object'):
        next(it)
    assert next(it) == [2]
    with pytest.raises(RuntimeError, match='Caught RuntimeError in DataLoader worker process 1'
                                           r'(.|\n)*LocalError: local trouble'):
        next(it)
    del it


def _failing_init(worker_id):
    raise RuntimeError(f'init failed in {worker_id}')


def test_worker_init_fn_exception_is_reraised():
    with pytest.raises(RuntimeError, match='Caught RuntimeError in DataLoader worker process 0'
                                           r'(.|\n)*init failed in 0'):
        list(DataLoader(Squares(4), num_workers=1, worker_init_fn=_failing_init))


@pytest.mark.parametrize('how,signum', [('kill', 9), ('segfault', 11)])
def test_killed_worker_raises_instead_of_hanging(how, signum):
    loader = DataLoader(Faulty(how, at=5), batch_size=2, num_workers=2)
    got = []
    with pytest.raises(RuntimeError, match=r'DataLoader worker \(pid\(s\) \d+\) exited '
                                           rf'unexpectedly \(worker 0 was killed by signal '
                                           rf'{signum}\)'):
        for b in loader:
            got.append(b.tolist())
    assert multiprocessing.active_children() == []      # the survivor was ended at once
    # batches already sent by the killed worker may or may not have reached the pipe
    assert got in ([], [[0, 1]], [[0, 1], [2, 3]])


def test_timeout_expires():
    loader = DataLoader(Faulty('sleep', at=0), batch_size=2, num_workers=1, timeout=0.2)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r'^DataLoader timed out after 0\.2 seconds$'):
        next(iter(loader))
    assert time.monotonic() - start < 5


def test_timeout_not_reached_yields_everything():
    loader = DataLoader(Squares(5), batch_size=2, num_workers=2, timeout=20)
    assert [b.tolist() for b in loader] == [[0, 1], [4, 9], [16]]


def test_early_break_and_garbage_collection_leave_no_process():
    loader = DataLoader(Squares(40), batch_size=2, num_workers=2)
    for _ in loader:
        break
    it = iter(loader)
    next(it)
    del it
    gc.collect()
    assert multiprocessing.active_children() == []
    assert [b.tolist() for b in loader][:2] == [[0, 1], [4, 9]]     # and it still works
    assert multiprocessing.active_children() == []


def test_persistent_workers_live_across_epochs_and_end_with_the_loader(torch):
    def epochs(lib, dataset):
        lib.manual_seed(11)
        loader = lib.utils.data.DataLoader(dataset, batch_size=3, shuffle=True,
                                           num_workers=2, persistent_workers=True)
        e1 = list(loader)
        for _ in loader:        # an epoch broken early: the next one still starts clean
            break
        e3 = list(loader)
        return loader, e1, e3, lib.rand(2).tolist()

    loader, e1, e3, after = epochs(ember, WhoLoads())
    pids1, pids3 = {int(b[2][0]) for b in e1}, {int(b[2][0]) for b in e3}
    assert pids1 == pids3 and len(pids1) == 2
    assert len(multiprocessing.active_children()) == 2
    # torch draws the base seed once per persistent iterator, the sampler seed every epoch
    tloader, t1, t3, tafter = epochs(torch, WhoLoads())
    assert [b[0].tolist() for b in e1] == [b[0].tolist() for b in t1]
    assert [b[0].tolist() for b in e3] == [b[0].tolist() for b in t3]
    assert after == tafter
    del tloader
    del loader
    gc.collect()
    assert multiprocessing.active_children() == []


def test_prefetch_factor_batches_in_flight():
    it = iter(DataLoader(Squares(40), batch_size=1, num_workers=2, prefetch_factor=3))
    assert it._send_idx == 6 and it._tasks_outstanding == 6
    assert next(it).tolist() == [0]
    assert it._send_idx == 7
    del it


def test_out_of_order_yields_every_batch():
    got = [b.tolist() for b in DataLoader(Squares(11), batch_size=2, num_workers=2,
                                          in_order=False)]
    assert sorted(got) == sorted([[0, 1], [4, 9], [16, 25], [36, 49], [64, 81], [100]])


# ------------------------------------------------------------------------ start methods
def test_spawn_start_method_with_an_importable_dataset():
    loader = DataLoader(Squares(6), batch_size=2, num_workers=2,
                        multiprocessing_context='spawn')
    assert [b.tolist() for b in loader] == [[0, 1], [4, 9], [16, 25]]


def test_context_object_is_accepted():
    ctx = multiprocessing.get_context('fork')
    assert [b.tolist() for b in DataLoader(Squares(3), batch_size=3, num_workers=1,
                                           multiprocessing_context=ctx)] == [[0, 1, 4]]


def test_spawn_with_an_unpicklable_collate_fn_says_why():
    loader = DataLoader(Squares(4), num_workers=1, multiprocessing_context='spawn',
                        collate_fn=lambda b: b)
    with pytest.raises(Exception) as info:
        iter(loader)
    notes = ' '.join(getattr(info.value, '__notes__', []))
    assert 'define them at module level' in notes


def test_missing_main_guard_is_reported_clearly(tmp_path):
    script = tmp_path / 'train.py'
    script.write_text(textwrap.dedent('''\
        from ember.utils.data import DataLoader, Dataset

        class Data(Dataset):
            def __len__(self):
                return 4

            def __getitem__(self, i):
                return i

        loader = DataLoader(Data(), batch_size=2, num_workers=2,
                            multiprocessing_context='spawn')
        for batch in loader:
            print(batch)
        '''))
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=HARD_TIMEOUT - 10, env=env, cwd=str(tmp_path))
    assert proc.returncode != 0
    assert 'RuntimeError: DataLoader worker processes cannot be started from the top level' \
        in proc.stderr
    assert "line 12 of" in proc.stderr and "if __name__ == '__main__':" in proc.stderr
    assert 'bootstrapping phase' in proc.stderr     # names the error it spares the user
