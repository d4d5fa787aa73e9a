"""What runs inside a DataLoader worker process: seeding, ``WorkerInfo`` and the loop.

A worker receives ``(task_id, indices)`` on its own index queue, fetches and collates the
batch, and puts ``(task_id, batch)`` on the queue shared by all workers. An exception is
caught, wrapped with its traceback (:class:`ExceptionWrapper`) and re-raised by the main
process. ``None`` on the index queue tells the worker to exit.

Seeding follows PyTorch: worker ``i`` of an iterator whose base seed is ``b`` calls
``ember.manual_seed(b + i)``, ``random.seed(b + i)`` and seeds NumPy's global generator
with four 32-bit words mixed from ``(i, b)`` by NumPy's ``SeedSequence`` (the words
``torch.utils.data`` computes), so a worker's random augmentations equal PyTorch's.

>>> get_worker_info() is None       # in the main process
True
"""
import multiprocessing.queues
import os
import pickle
import queue
import random
import sys
import traceback
from dataclasses import dataclass

MP_STATUS_CHECK_INTERVAL = 5.0
"""Seconds between checks that the other side of a queue is still alive (as torch)."""
_IDLE_POLL = 0.1
"""Seconds an idle worker waits for a task before it checks the shutdown event again."""

__all__ = ['WorkerInfo', 'get_worker_info']

_worker_info = None


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """Information about the DataLoader worker process this code runs in.

    ``id`` (0 to ``num_workers - 1``), ``num_workers``, ``seed`` (the seed this worker gave
    ``ember.manual_seed`` and ``random.seed``) and ``dataset`` (this process's copy).

    >>> info = WorkerInfo(id=0, num_workers=2, seed=7, dataset=None)
    >>> info.id, info.num_workers, info.seed
    (0, 2, 7)
    """
    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = 'multiprocessing'


def get_worker_info():
    """The :class:`WorkerInfo` of the current DataLoader worker, or ``None`` in the main process.

    An ``IterableDataset`` uses it to give each worker its own share of the data::

        def __iter__(self):
            info = ember.utils.data.get_worker_info()
            if info is None:                       # single-process loading
                return iter(range(self.start, self.end))
            return iter(range(self.start + info.id, self.end, info.num_workers))

    >>> ember.utils.data.get_worker_info() is None
    True
    """
    return _worker_info


def _numpy_seed(base_seed, worker_id):
    """The four 32-bit words that seed NumPy's global generator in worker ``worker_id``.

    >>> _numpy_seed(0, 0)
    [2968811710, 3677149159, 745650761, 2884920346]
    """
    import numpy as np
    entropy = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]
    return [int(w) for w in np.random.SeedSequence(entropy).generate_state(4)]


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """Sent by a worker whose copy of an IterableDataset is exhausted."""
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Sent to persistent workers at the start of a new epoch (they answer with it)."""
    seed: object = None


class _KeyErrorMessage(str):
    """A message whose repr is itself, so a re-raised KeyError prints its traceback readably."""
    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception and its formatted traceback, carried from a worker to the main process.

    >>> try:
    ...     raise ValueError('bad sample')
    ... except ValueError:
    ...     w = ExceptionWrapper(where='in DataLoader worker process 0')
    >>> try:
    ...     w.reraise()
    ... except ValueError as e:
    ...     print(str(e).splitlines()[0])
    Caught ValueError in DataLoader worker process 0.
    """

    def __init__(self, exc_info=None, where='in background'):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = ''.join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise the wrapped exception type with the worker's message and traceback."""
        msg = f'Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}'
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        elif getattr(self.exc_type, 'message', None):
            raise self.exc_type(message=msg)
        try:
            exc = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exc


class _ResultQueue(multiprocessing.queues.Queue):
    """The queue workers send batches on. A batch that cannot be pickled would be dropped
    by ``multiprocessing`` (its feeder thread only prints the error) and the main process
    would wait for it forever; here the error is sent in its place and re-raised there."""

    def _on_queue_feeder_error(self, e, obj):
        if not (isinstance(obj, tuple) and len(obj) == 2):
            return super()._on_queue_feeder_error(e, obj)
        idx, data = obj
        info = _worker_info
        where = (f'in DataLoader worker process {info.id if info else "?"} while sending a '
                 'batch to the main process (everything a dataset and collate_fn return must '
                 'be picklable)')
        if isinstance(data, ExceptionWrapper):      # e.g. an exception class defined locally
            wrapper = data
        else:
            wrapper = ExceptionWrapper((type(e), e, e.__traceback__), where=where)
        try:
            pickle.dumps(wrapper.exc_type)
        except Exception:
            wrapper.exc_type = RuntimeError        # the message still names the original
        self.put((idx, wrapper))


class _ManagerWatchdog:
    """Tells a worker whether the process that started it is still alive."""

    def __init__(self):
        self.manager_pid = os.getppid()
        self.manager_dead = False

    def is_alive(self):
        if not self.manager_dead:
            self.manager_dead = os.getppid() != self.manager_pid
        return not self.manager_dead


def _seed_worker(base_seed, worker_id):
    import ember
    seed = base_seed + worker_id
    random.seed(seed)
    ember.manual_seed(seed)
    try:
        import numpy as np
    except ImportError:     # pragma: no cover - numpy is a dependency
        return seed
    np.random.seed(_numpy_seed(base_seed, worker_id))
    return seed


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers,
                 persistent_workers):
    """The body of worker process ``worker_id`` (see the module docstring)."""
    from ._loader_fetch import create_fetcher
    global _worker_info
    try:
        import ember
        try:
            ember.set_num_threads(1)     # as torch: workers do not oversubscribe the cores
        except Exception:                # pragma: no cover - BLAS without a thread setter
            pass
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)

        init_exception = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(dataset_kind, dataset, auto_collation, collate_fn,
                                     drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=f'in DataLoader worker process {worker_id}')

        # `iteration_end`: this worker's IterableDataset copy is exhausted; it then only
        # waits for the final None (or a _ResumeIteration of persistent workers).
        iteration_end = False
        watchdog = _ManagerWatchdog()
        while watchdog.is_alive():
            try:
                r = index_queue.get(timeout=_IDLE_POLL)
            except queue.Empty:
                if done_event.is_set():
                    # Shutting down, and the final None may never come: when the main
                    # process's iterator dies in a reference cycle, the garbage collector
                    # closes the index queue's feeder thread before the iterator's __del__
                    # puts the None. Exit on the event alone.
                    break
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                fetcher = create_fetcher(dataset_kind, dataset, auto_collation, collate_fn,
                                         drop_last)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data = init_exception
                init_exception = None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and dataset_kind == 1:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(
                            where=f'in DataLoader worker process {worker_id}')
            data_queue.put((idx, data))
            del data, idx, index, r
    except KeyboardInterrupt:
        pass    # the main process gets its own KeyboardInterrupt
    if done_event.is_set():
        # The main process reads no more: do not block the exit flushing the queue.
        data_queue.cancel_join_thread()
        data_queue.close()
