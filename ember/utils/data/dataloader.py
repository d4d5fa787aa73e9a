"""``DataLoader``: batches from a dataset, in the main process or in worker processes.

The same arguments, checks, errors and sample order as ``torch.utils.data.DataLoader``:
every iterator first draws a 64-bit base seed from the loader's ``generator`` (or the
default generator), then the sampler draws its own (``RandomSampler``), so the indices and
the global random stream after an epoch equal PyTorch's for the same seed.

>>> from ember.utils.data import DataLoader
>>> ember.manual_seed(0)
<torch._C.Generator object at ...>
>>> [b.tolist() for b in DataLoader(range(10), batch_size=4, shuffle=True)]
[[6, 7, 1, 4], [2, 0, 9, 8], [3, 5]]
"""
import itertools
import multiprocessing
import multiprocessing.connection
import multiprocessing.util  # noqa: F401  (its atexit hook must be registered before ours)
import atexit
import os
import types
import warnings

from . import _worker
from ._collate import default_collate, default_convert
from ._loader_fetch import _DatasetKind, create_fetcher
from ._loader_guard import check_main_guard
from ._worker import MP_STATUS_CHECK_INTERVAL, ExceptionWrapper, get_worker_info
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ['DataLoader', 'get_worker_info', 'default_collate', 'default_convert']

_python_exiting = False


def _set_python_exiting():
    global _python_exiting
    _python_exiting = True


atexit.register(_set_python_exiting)


class _InfiniteConstantSampler(Sampler):
    """The sampler of an IterableDataset: ``None`` forever (the dataset picks the samples)."""

    def __iter__(self):
        while True:
            yield None


def _cpu_count():
    if hasattr(os, 'sched_getaffinity'):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


class DataLoader:
    """Combines a dataset and a sampler, and iterates over batches of the dataset.

    Map-style and iterable-style datasets, single- or multi-process loading, automatic
    batching (``batch_size``) or none (``batch_size=None``), as ``torch.utils.data.DataLoader``.

    Args:
        dataset: the dataset to load from.
        batch_size (int, optional): samples per batch (default 1); ``None`` disables batching.
        shuffle (bool, optional): reshuffle every epoch (a ``RandomSampler`` on ``generator``).
        sampler (Sampler or Iterable, optional): the order of the samples (not with ``shuffle``).
        batch_sampler (Sampler or Iterable, optional): yields lists of indices; excludes
            ``batch_size``, ``shuffle``, ``sampler`` and ``drop_last``.
        num_workers (int, optional): worker processes (0: load in the main process).
        collate_fn (Callable, optional): merges a list of samples into a batch.
        pin_memory (bool, optional): accepted; a no-op (ember tensors live in ordinary memory).
        drop_last (bool, optional): drop the last, incomplete batch.
        timeout (float, optional): seconds to wait for a batch from the workers (0: forever).
        worker_init_fn (Callable, optional): called as ``worker_init_fn(worker_id)`` in each
            worker after it is seeded.
        multiprocessing_context (str or context, optional): ``'fork'``, ``'spawn'``,
            ``'forkserver'`` or a ``multiprocessing`` context (default: the platform's).
        generator (Generator, optional): draws the workers' base seed and the shuffle order.
        prefetch_factor (int, optional): batches loaded in advance per worker (default 2
            with workers).
        persistent_workers (bool, optional): keep the workers between epochs.
        pin_memory_device (str, optional): deprecated, as in torch.
        in_order (bool, optional): with workers, ``False`` yields batches as they are ready.

    >>> from ember.utils.data import TensorDataset
    >>> ds = TensorDataset(ember.arange(10.0).reshape(5, 2), ember.arange(5))
    >>> loader = DataLoader(ds, batch_size=2)
    >>> len(loader)
    3
    >>> x, y = next(iter(loader))
    >>> x
    tensor([[0., 1.],
            [2., 3.]])
    >>> y
    tensor([0, 1])
    """

    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device='',
                 in_order=True):
        if num_workers < 0:
            raise ValueError('num_workers option should be non-negative; '
                             'use num_workers=0 to disable multiprocessing.')
        if timeout < 0:
            raise ValueError(f'timeout option should be non-negative (got timeout={timeout})')
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                'prefetch_factor option could only be specified in multiprocessing.'
                'let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor '
                'to None.')
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError('prefetch_factor option should be non-negative '
                             f'(got prefetch_factor={prefetch_factor})')
        if persistent_workers and num_workers == 0:
            raise ValueError('persistent_workers option needs num_workers > 0 '
                             '(there are no worker processes to keep with num_workers=0)')

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            # An IterableDataset picks its own samples: no sampler, no shuffle.
            if shuffle not in {False, None}:
                raise ValueError('DataLoader with IterableDataset: expected unspecified shuffle '
                                 f'option, but got shuffle={shuffle}. An IterableDataset '
                                 'yields samples in its own order; shuffle inside its __iter__.')
            if sampler is not None:
                raise ValueError('DataLoader with IterableDataset: expected unspecified sampler '
                                 f'option, but got sampler={sampler}')
            elif batch_sampler is not None:
                raise ValueError('DataLoader with IterableDataset: expected unspecified '
                                 f'batch_sampler option, but got batch_sampler={batch_sampler}')
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError('sampler option is mutually exclusive with shuffle. '
                             'Pass shuffle=False (a RandomSampler or SubsetRandomSampler '
                             'shuffles by itself).')
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError('batch_sampler option is mutually exclusive with batch_size, '
                                 'shuffle, sampler, and drop_last. The batch_sampler already '
                                 'decides the batches: leave those at their defaults.')
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError('batch_size=None option disables auto-batching and is mutually '
                                 'exclusive with drop_last')

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator

        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None
        self.check_worker_number_rationality()

    __class_getitem__ = classmethod(types.GenericAlias)

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, multiprocessing_context):
        if multiprocessing_context is not None:
            if self.num_workers > 0:
                if isinstance(multiprocessing_context, str):
                    valid = multiprocessing.get_all_start_methods()
                    if multiprocessing_context not in valid:
                        raise ValueError(
                            'multiprocessing_context option should specify a valid start '
                            f'method in {valid!r}, but got '
                            f'multiprocessing_context={multiprocessing_context!r}')
                    multiprocessing_context = multiprocessing.get_context(
                        multiprocessing_context)
                if not isinstance(multiprocessing_context, multiprocessing.context.BaseContext):
                    raise TypeError(
                        'multiprocessing_context option should be a valid context object or a '
                        'string specifying the start method, but got '
                        f'multiprocessing_context={multiprocessing_context}')
            else:
                raise ValueError(
                    'multiprocessing_context can only be used with multi-process loading '
                    f'(num_workers > 0), but got num_workers={self.num_workers}')
        self.__multiprocessing_context = multiprocessing_context

    def __setattr__(self, attr, val):
        if self.__initialized and attr in ('batch_size', 'batch_sampler', 'sampler',
                                           'drop_last', 'dataset', 'persistent_workers'):
            raise ValueError(f'{attr} attribute should not be set after '
                             f'{self.__class__.__name__} is initialized. Create a new '
                             f'{self.__class__.__name__} instead.')
        super().__setattr__(attr, val)

    def __iter__(self):
        """A new iterator per epoch; with ``persistent_workers`` the same one, reset."""
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        """Number of batches: the length of the (batch) sampler, or for an IterableDataset
        with ``__len__`` its length divided by ``batch_size`` (rounded as ``drop_last``)."""
        if self._dataset_kind == _DatasetKind.Iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                if self.drop_last:
                    length = length // self.batch_size
                else:
                    length = -(-length // self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self):
        """Warn (as torch) when ``num_workers`` exceeds the CPUs this process may use."""
        if not self.num_workers:
            return
        suggest = _cpu_count()
        if suggest is None or self.num_workers > suggest:
            cpuset = hasattr(os, 'sched_getaffinity')
            if suggest is not None:
                detail = (f'Our suggested max number of worker in current system is {suggest}'
                          f"{'' if cpuset else ' (`cpuset` is not taken into account)'}, which "
                          'is smaller than what this DataLoader is going to create.')
            else:
                detail = ('DataLoader is not able to compute a suggested max number of worker '
                          'in current system.')
            warnings.warn(
                f'This DataLoader will create {self.num_workers} worker processes in total. '
                f'{detail} Please be aware that excessive worker creation might get DataLoader '
                'running slow or even freeze, lower the worker number to avoid potential '
                'slowness/freeze if necessary.', stacklevel=2)


class _BaseDataLoaderIter:
    def __init__(self, loader):
        import ember
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn('pin_memory_device is deprecated, the current accelerator will be used '
                          f"as the device,ignore pin_memory_device='{loader.pin_memory_device}'.",
                          stacklevel=3)
        if loader.pin_memory and not ember.cuda.is_available():
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=3)
        self._pin_memory = False     # ember's host tensors are not pinned: always a no-op
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        # torch draws this at every iterator creation, before the sampler draws its seed.
        self._base_seed = ember.empty((), dtype=ember.int64).random_(
            generator=loader.generator).item()
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)

    def _next_data(self):
        raise NotImplementedError

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if (self._IterableDataset_len_called is not None
                and self._dataset_kind == _DatasetKind.Iterable
                and self._num_yielded > self._IterableDataset_len_called):
            msg = (f'Length of IterableDataset {self._dataset} was reported to be '
                   f'{self._IterableDataset_len_called}(when accessing len(dataloader)), but '
                   f'{self._num_yielded} samples have been fetched. ')
            if self._num_workers > 0:
                msg += ('For multiprocessing data-loading, this could be caused by not properly '
                        'configuring the IterableDataset replica at each worker: split the work '
                        'with ember.utils.data.get_worker_info() in its __iter__.')
            warnings.warn(msg, stacklevel=2)
        return data

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f'{self.__class__.__name__} cannot be pickled')


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        if self._timeout != 0:
            raise AssertionError(
                '_SingleProcessDataLoaderIter requires timeout == 0 (timeout applies to worker '
                'processes only: set num_workers > 0 or leave timeout=0)')
        self._dataset_fetcher = create_fetcher(self._dataset_kind, self._dataset,
                                               self._auto_collation, self._collate_fn,
                                               self._drop_last)
        self._fetch = self._dataset_fetcher.fetch

    def __next__(self):
        # The hot path of num_workers=0, kept flat (the base class adds the length warning).
        if self._dataset_kind == _DatasetKind.Iterable:
            return super().__next__()
        data = self._fetch(next(self._sampler_iter))
        self._num_yielded += 1
        return data

    def _next_data(self):
        return self._fetch(self._next_index())


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Batches loaded by ``num_workers`` processes, yielded in sampler order.

    Task ``k`` (the k-th batch of indices) goes to worker ``k % num_workers``; results come
    back on one shared queue and are reordered (``in_order=True``). While waiting, the main
    process also watches each worker's process sentinel, so a worker that dies raises an
    error at once instead of hanging. See ``_worker.py`` for the worker side.
    """

    def __init__(self, loader):
        # Before anything else is set up: __del__ must cope with a partial object.
        self._shutdown = True
        self._workers = []
        self._index_queues = []
        self._owner_pid = os.getpid()
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        if self._num_workers <= 0:
            raise AssertionError('num_workers must be greater than 0 for '
                                 'MultiProcessingDataLoaderIter')
        if self._prefetch_factor <= 0:
            raise AssertionError('prefetch_factor must be greater than 0 for '
                                 'MultiProcessingDataLoaderIter')
        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._start_method = ctx.get_start_method()
        if self._start_method != 'fork':
            check_main_guard(self._start_method)
        self._worker_init_fn = loader.worker_init_fn
        self._worker_result_queue = _worker._ResultQueue(ctx=ctx)
        self._workers_done_event = ctx.Event()
        self._shutdown = False
        for i in range(self._num_workers):
            index_queue = ctx.Queue()
            index_queue.cancel_join_thread()
            w = ctx.Process(target=_worker._worker_loop, args=(
                self._dataset_kind, self._dataset, index_queue, self._worker_result_queue,
                self._workers_done_event, self._auto_collation, self._collate_fn,
                self._drop_last, self._base_seed, self._worker_init_fn, i, self._num_workers,
                self._persistent_workers))
            w.daemon = True
            try:
                w.start()
            except Exception as e:
                if self._start_method != 'fork' and hasattr(e, 'add_note'):
                    e.add_note(
                        f"DataLoader workers started with the '{self._start_method}' start "
                        'method receive the dataset, collate_fn and worker_init_fn by pickling: '
                        'define them at module level (no lambdas or local functions).')
                raise
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._data_queue = self._worker_result_queue
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0            # task id of the next batch of indices sent
        self._rcvd_idx = 0            # task id of the next batch to yield
        # task id -> (worker_id,) while outstanding, (worker_id, data) once it came early
        self._task_info = {}
        self._tasks_outstanding = 0
        # False: this worker has no more work this epoch (its IterableDataset is exhausted)
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            for q in self._index_queues:
                q.put(_worker._ResumeIteration())
            pending = self._num_workers
            while pending > 0:
                idx, data = self._get_data()
                if isinstance(idx, _worker._ResumeIteration):
                    pending -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_get_data(self, timeout=MP_STATUS_CHECK_INTERVAL):
        """``(True, item)`` from the result queue, or ``(False, None)`` after ``timeout``
        seconds; raises at once if a worker that still had work has died."""
        reader = self._data_queue._reader
        watched = {w.sentinel: i for i, w in enumerate(self._workers)
                   if self._workers_status[i]}
        ready = multiprocessing.connection.wait([reader, *watched], timeout)
        if reader in ready:
            return True, self._data_queue.get()
        failed = [i for s, i in watched.items() if s in ready or not self._workers[i].is_alive()]
        if failed:
            for i in failed:
                self._mark_worker_as_unavailable(i)
                self._workers[i].join(timeout=1.0)     # reap it: its exit code says why
            pids = ', '.join(str(self._workers[i].pid) for i in failed)
            msg = f'DataLoader worker (pid(s) {pids}) exited unexpectedly'
            codes = [self._workers[i].exitcode for i in failed]
            detail = []
            for i in failed:
                code = self._workers[i].exitcode
                if code is not None and code < 0:
                    detail.append(f'worker {i} was killed by signal {-code}')
                elif code is not None:
                    detail.append(f'worker {i} exited with code {code}')
            if detail:
                msg += f" ({'; '.join(detail)})"
            if self._start_method != 'fork' and 1 in codes:
                msg += (f". With the '{self._start_method}' start method a worker fails like "
                        'this when it cannot import the main module or unpickle the dataset: '
                        "keep the code that iterates the DataLoader under `if __name__ == "
                        "'__main__':` and define the dataset at module level")
            # The epoch cannot be completed: end the other workers now rather than when
            # the iterator is collected (an exception kept alive would keep them running).
            self._shutdown_workers()
            raise RuntimeError(msg)
        return False, None

    def _get_data(self):
        if self._timeout > 0:
            success, data = self._try_get_data(self._timeout)
            if success:
                return data
            raise RuntimeError(f'DataLoader timed out after {self._timeout} seconds')
        while True:
            success, data = self._try_get_data()
            if success:
                return data

    def _next_data(self):
        while True:
            # Skip tasks of workers that ended (exhausted IterableDataset) without data.
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info:
                    if len(info) == 2 or self._workers_status[info[0]]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration

            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:                       # it arrived earlier, out of order
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                return self._process_data(info[1], info[0])

            assert not self._shutdown and self._tasks_outstanding > 0
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._dataset_kind == _DatasetKind.Iterable and \
                    isinstance(data, _worker._IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                if not self._in_order:
                    worker_id = self._task_info.pop(idx)[0]
                    return self._process_data(data, worker_id)
                self._task_info[idx] += (data,)
            else:
                worker_id = self._task_info.pop(idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    def _try_put_index(self):
        max_tasks = self._prefetch_factor * self._num_workers
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):       # the next worker that still has work
            worker_queue_idx = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_queue_idx]:
                if self._in_order:
                    break
                if self._workers_num_tasks[worker_queue_idx] < \
                        max_tasks // sum(self._workers_status):
                    break
        else:
            return
        self._index_queues[worker_queue_idx].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_queue_idx,)
        self._workers_num_tasks[worker_queue_idx] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data, worker_idx):
        self._workers_num_tasks[worker_idx] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id, shutdown=False):
        # No more tasks for this worker; the None makes it exit (joined at shutdown).
        self._index_queues[worker_id].put(None)
        status = getattr(self, '_workers_status', None)    # None: failed while starting
        if status is not None:
            status[worker_id] = False

    def _shutdown_workers(self):
        if _python_exiting or self._shutdown or os.getpid() != self._owner_pid:
            return      # at exit, multiprocessing terminates the daemonic workers itself
        self._shutdown = True
        try:
            self._workers_done_event.set()
            status = getattr(self, '_workers_status', None) or [True] * len(self._workers)
            for worker_id in range(len(self._workers)):     # only those started
                if self._persistent_workers or status[worker_id]:
                    self._mark_worker_as_unavailable(worker_id, shutdown=True)
            for w in self._workers:
                w.join(timeout=MP_STATUS_CHECK_INTERVAL)
            for q in self._index_queues:
                q.cancel_join_thread()
                q.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=MP_STATUS_CHECK_INTERVAL)
            q = getattr(self, '_worker_result_queue', None)
            if q is not None:
                q.cancel_join_thread()
                q.close()

    def __del__(self):
        try:
            self._shutdown_workers()
        except Exception:      # pragma: no cover - interpreter teardown
            pass
