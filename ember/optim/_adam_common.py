"""What the Adam family shares: checks, state scalars, the kernel runner, BLAS axpy/scal.

Every optimizer here is written the same way: ``step`` walks a group's parameters once in
Python (state initialisation, the step counter, the scalar coefficients of the update) and
hands ``(arrays, scalars)`` per parameter to an elementwise *kernel* that updates the arrays in
place with ``out=`` and a few preallocated scratch buffers. :func:`run_kernel` runs a kernel
over a whole group; when the group is big it cuts the group into equal contiguous ranges, one
per thread (NumPy and the BLAS release the GIL, so the ranges run in parallel like PyTorch's
intra-op threads). ``OMP_NUM_THREADS`` sets the thread count, as for PyTorch; each group
times both ways now and then and keeps the faster.

:func:`axpy_`, :func:`axpby_` and :func:`scal_` (``y += a * x``, ``y = a * x + b * y``,
``x *= a``) make one pass through NumPy's own bundled OpenBLAS when it is there (found next
to NumPy, called through ctypes: no new dependency), and fall back to NumPy otherwise;
``axpby`` rounds exactly as the NumPy fallback does, so both paths give the same bits.

>>> import numpy as np
>>> y = np.ones(3); _ = axpy_(y, np.arange(3.0), 2.0); y
array([1., 3., 5.])
"""
import ctypes
import os
import threading
import time

import numpy as np

from .._tensor import Tensor, _make
from .. import _dtype as D
from .. import _threads

__all__ = ['check_adam_args', 'hyper', 'new_step', 'fix_step', 'run_kernel', 'scratch',
           'axpy_', 'axpby_', 'momentum_', 'scal_', 'require_dense']


# ---- checks and scalars ------------------------------------------------------------------
def check_adam_args(lr, betas, eps, weight_decay):
    """PyTorch's hyper-parameter checks shared by Adam, AdamW, Adamax, NAdam and RAdam."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError('Tensor lr must be 1-element')
    if not 0.0 <= lr:
        raise ValueError(f'Invalid learning rate: {lr}')
    if not 0.0 <= eps:
        raise ValueError(f'Invalid epsilon value: {eps}')
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f'Invalid beta parameter at index 0: {betas[0]}')
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f'Invalid beta parameter at index 1: {betas[1]}')
    if not 0.0 <= weight_decay:
        raise ValueError(f'Invalid weight_decay value: {weight_decay}')


def hyper(x):
    """A hyper-parameter for the step arithmetic: a Tensor becomes a NumPy scalar of its dtype
    (so ``lr / bias_correction`` rounds to float32 as PyTorch's tensor arithmetic does under
    NumPy 2's scalar rules); numbers pass through."""
    if isinstance(x, Tensor):
        return x._data.reshape(())[()]
    return x


def _step_dtype():
    """PyTorch's ``_get_scalar_dtype()``: float64 when that is the default dtype, else float32."""
    return np.float64 if D.get_default_dtype().np == np.float64 else np.float32


def new_step(value=0.0):
    """A fresh 0-d ``step`` (or ``mu_product``) tensor as PyTorch makes it."""
    return _make(np.array(value, dtype=_step_dtype()))


def fix_step(optimizer, keys=('step',)):
    """``__setstate__`` helper: numbers saved by old versions become 0-d state tensors."""
    for group in optimizer.param_groups:
        for p in group['params']:
            st = optimizer.state.get(p)
            if st:
                for key in keys:
                    if key in st and not isinstance(st[key], Tensor):
                        st[key] = new_step(float(st[key]))


def require_dense(grad, name):
    """PyTorch's error for a sparse gradient."""
    if getattr(grad, 'is_sparse', False):
        raise RuntimeError(f'{name} does not support sparse gradients'
                           + (', please consider SparseAdam instead' if name == 'Adam' else ''))


_PAR_MIN = 1 << 17          # elements below which one thread is faster than waking another


class _Workers:
    """Persistent helper threads; ``run(jobs)`` runs ``jobs[0]`` here and the rest on them.

    Each helper waits on its own lock (a lock hand-off wakes a thread faster than a queue).
    """

    def __init__(self, n):
        self.pid = os.getpid()
        self.broken = False
        self.lock = threading.Lock()
        self.jobs = [None] * n
        self.errors = [None] * n
        self.go = [threading.Lock() for _ in range(n)]
        self.done = [threading.Lock() for _ in range(n)]
        self.tids = [None] * n
        self.avoid = None           # the CPU the helpers are kept off (the caller's)
        try:
            self.cpus = os.sched_getaffinity(0) if _getcpu is not None else set()
        except (AttributeError, OSError):
            self.cpus = set()
        for i in range(n):
            self.go[i].acquire()
            self.done[i].acquire()
            threading.Thread(target=self._serve, args=(i,), daemon=True,
                             name='ember-optim').start()
        # how long a helper takes to start and to hand back: the calling thread does this
        # much more work than each helper so that it is the last to finish (no wake-up wait)
        noop = [lambda: None] * (n + 1)
        times = []
        for _ in range(25):
            t = time.perf_counter()
            self.run(noop)
            times.append(time.perf_counter() - t)
        self.latency = sorted(times[5:])[len(times[5:]) // 2]

    def _serve(self, i):
        self.tids[i] = threading.get_native_id()
        go, done = self.go[i], self.done[i]
        while True:
            go.acquire()
            try:
                self.jobs[i]()
                self.errors[i] = None
            except BaseException as e:  # handed to the caller
                self.errors[i] = e
            self.jobs[i] = None
            done.release()

    def _pin(self):
        """Hold the calling thread on its CPU and the helpers off it for one ``run``; returns
        the caller's affinity to restore. (Linux wakes a thread on its waker's CPU, and short
        steps then often leave the caller and a helper sharing one CPU.)"""
        here = _getcpu()
        if here not in self.cpus:
            return None
        try:
            mine = os.sched_getaffinity(0)
            if here != self.avoid and None not in self.tids:
                for tid in self.tids:
                    os.sched_setaffinity(tid, self.cpus - {here})
                self.avoid = here
            os.sched_setaffinity(0, {here})
            return mine
        except OSError:
            self.cpus = set()
            return None

    def run(self, jobs):
        helpers = len(jobs) - 1
        mine = self._pin() if len(self.cpus) > 1 and helpers else None
        try:
            self._run(jobs, helpers)
        finally:
            if mine is not None:
                os.sched_setaffinity(0, mine)

    def _run(self, jobs, helpers):
        for i in range(helpers):
            self.jobs[i] = jobs[i + 1]
            self.go[i].release()
        error = None
        try:
            jobs[0]()
        except BaseException as e:
            error = e
        try:
            for i in range(helpers):
                self.done[i].acquire()
                error = error or self.errors[i]
        except BaseException:       # interrupted while helpers work: start afresh next time
            self.broken = True
            raise
        if error is not None:
            raise error


_workers = None


def _load_getcpu():
    try:
        fn = ctypes.CDLL(None).sched_getcpu
        fn.restype = ctypes.c_int
        fn.argtypes = []
        return fn if fn() >= 0 else None
    except (OSError, AttributeError, TypeError):
        return None


_getcpu = _load_getcpu()


def _pool():
    global _workers
    if _workers is None or _workers.pid != os.getpid() or \
            len(_workers.go) < _threads.count - 1 or _workers.broken:
        _workers = _Workers(_threads.count - 1)     # none yet, forked, too few or interrupted
    return _workers


def scratch(cache, key, like, count):
    """``count`` scratch arrays shaped like ``like`` from ``cache`` (grown, never shrunk)."""
    n, dtype = like.size, like.dtype
    bufs = cache.get((key, dtype))
    if bufs is None or len(bufs) < count or bufs[0].size < n:
        from .._ops._base import xp_of
        xp = xp_of(like)
        bufs = cache[(key, dtype)] = [xp.empty(n, dtype) for _ in range(count)]
    shape = like.shape
    return [b[:n].reshape(shape) for b in bufs[:count]]


def _run_part(cache, key, kernel, part, count):
    for arrs, sc in part:
        kernel(arrs, lambda: scratch(cache, key, arrs[0], count), sc)


def _split(items, parts, lead=0):
    """Cut the items' elements into ``parts`` contiguous ranges of equal size (the first one
    ``lead`` elements longer: the calling thread starts while the others are waking up)."""
    items = sorted(items, key=lambda item: item[0][0].size)   # big ones split, at the end
    total = sum(arrs[0].size for arrs, _ in items)
    lead = min(lead, total // parts)
    share = (total - lead) / parts
    bounds = [int(lead + share * (k + 1)) for k in range(parts - 1)] + [total]
    out = [[] for _ in range(parts)]
    pos = k = 0
    last = parts - 1
    for arrs, sc in items:
        n = arrs[0].size
        lo = 0
        flats = None
        while lo < n:
            while k < last and bounds[k] <= pos + lo:
                k += 1
            hi = n if k == last else min(n, bounds[k] - pos)
            if lo == 0 and (hi == n or not all(a.flags.c_contiguous for a in arrs)):
                out[k].append((arrs, sc))
                break
            if flats is None:
                flats = [a.reshape(-1) for a in arrs]
            out[k].append((tuple(f[lo:hi] for f in flats), sc))
            lo = hi
        pos += n
    for part in out:        # big first: long GIL-free calls let the other threads start
        part.reverse()
    return out


_PROBE = 100       # every this many big steps, time both modes again ...
_SAMPLES = 3       # ... this many times each


def run_kernel(cache, kernel, items, count, cost=1.0):
    """Apply ``kernel(arrays, scratch, scalars)`` to every ``(arrays, scalars)`` item.

    ``scratch()`` gives ``count`` scratch arrays shaped like ``arrays[0]`` from ``cache``, a
    dict the optimizer keeps. Big groups are split over ``OMP_NUM_THREADS`` threads by
    element ranges (every kernel is elementwise, so a range of a parameter is updated like
    the whole); ``cost`` (about ns per element) sizes the extra share of the calling thread,
    which starts while the others wake up.

    Whether threads pay depends on what else runs: right after a matrix product, NumPy's
    BLAS threads still spin on the other cores and a helper thread has to share one. So both
    modes are timed (again every ``_PROBE`` calls) and the faster is used.

    >>> import numpy as np
    >>> def double(arrs, scratch, sc): np.multiply(arrs[0], sc, out=arrs[0])
    >>> x = np.ones(3); run_kernel({}, double, [((x,), 2.0)], 0); x
    array([2., 2., 2.])
    """
    total = sum(arrs[0].size for arrs, _ in items)
    threads = _threads.count
    if threads < 2 or total < _PAR_MIN or items[0][0][0].__class__ is not np.ndarray:
        _run_part(cache, 0, kernel, items, count)
        return
    tune = cache.get(('tune', total))
    if tune is None:       # calls, then the times per element of the last probes of each mode
        tune = cache[('tune', total)] = [0, [], []]
    phase = tune[0] % _PROBE
    tune[0] += 1
    if phase < 2 * _SAMPLES:
        threaded = phase < _SAMPLES
        if phase % _SAMPLES == 0:
            tune[2 - threaded] = []
    else:
        threaded = min(tune[1] or [1.0]) <= min(tune[2] or [1.0])
    pool = _pool()
    if threaded and not pool.lock.acquire(blocking=False):
        threaded = False
    start = time.perf_counter()
    if threaded:
        try:
            parts = _split(items, threads, int(pool.latency * 1e9 / cost))
            pool.run([lambda k=k, part=part: _run_part(cache, k, kernel, part, count)
                      for k, part in enumerate(parts)])
        finally:
            pool.lock.release()
    else:
        _run_part(cache, 0, kernel, items, count)
    if phase < 2 * _SAMPLES:
        tune[2 - threaded].append((time.perf_counter() - start) / total)


# ---- BLAS axpy / axpby / scal ---------------------------------------------------------------
_ROUTINES = ('axpy', 'axpby', 'scal')


def _load_blas():
    """``{'saxpy', 'daxpy', 'saxpby', ...}`` from the OpenBLAS NumPy ships with, or None."""
    if os.environ.get('EMBER_NO_BLAS'):
        return None
    for lib in _threads.openblas_libraries():
        for prefix, suffix, cint in (('scipy_cblas_', '64_', ctypes.c_int64),
                                     ('cblas_', '64_', ctypes.c_int64),
                                     ('scipy_cblas_', '', ctypes.c_int),
                                     ('cblas_', '', ctypes.c_int)):
            try:
                fns = {t + name: getattr(lib, prefix + t + name + suffix)
                       for name in _ROUTINES for t in 'sd'}
            except AttributeError:
                continue
            vp = ctypes.c_void_p
            for t, real in (('s', ctypes.c_float), ('d', ctypes.c_double)):
                fns[t + 'axpy'].argtypes = [cint, real, vp, cint, vp, cint]
                fns[t + 'axpby'].argtypes = [cint, real, vp, cint, real, vp, cint]
                fns[t + 'scal'].argtypes = [cint, real, vp, cint]
                for name in _ROUTINES:
                    fns[t + name].restype = None
            fns['max_n'] = 2 ** 62 if cint is ctypes.c_int64 else 2 ** 31 - 1
            if _blas_works(fns):
                return fns
    return None


def _blas_works(fns):
    """Check the routines on small arrays (axpby must round like ``a * x + b * y`` in NumPy)."""
    try:
        for dt, t in ((np.float32, 's'), (np.float64, 'd')):
            x = np.linspace(-1, 3, 7).astype(dt)
            y = np.linspace(2, -1, 7).astype(dt)
            want = dt(0.1) * x + dt(0.9) * y
            fns[t + 'axpby'](7, 0.1, x.ctypes.data, 1, 0.9, y.ctypes.data, 1)
            if not np.array_equal(y, want):
                return False
            fns[t + 'axpy'](7, 2.0, x.ctypes.data, 1, y.ctypes.data, 1)
            fns[t + 'scal'](7, 0.5, y.ctypes.data, 1)
            if not np.allclose(y, (want + 2 * x) / 2, rtol=1e-6, atol=0):
                return False
        return True
    except Exception:
        return False


_UNSET = object()
_BLAS = _UNSET                   # loaded on first use
_BLAS_MIN = 1024                 # smaller arrays: NumPy's calls cost no more than ctypes'
_BLAS_KIND = {np.dtype(np.float32): 's', np.dtype(np.float64): 'd'}
_ndarray = np.ndarray
_c_char = ctypes.c_char
_addressof = ctypes.addressof


def _ptr(a):
    """The address of a contiguous array's first element (cheaper than ``a.ctypes.data``)."""
    try:
        return _addressof(_c_char.from_buffer(a))
    except (TypeError, ValueError, BufferError):      # read-only or otherwise not exportable
        return a.ctypes.data


def _blas_fn(name, y, x=None):
    """The BLAS routine ``name`` for these arrays (same float dtype, contiguous, big), or None."""
    global _BLAS
    blas = _BLAS
    if blas is _UNSET:
        blas = _BLAS = _load_blas()
    if blas is None or y.__class__ is not _ndarray or y.size < _BLAS_MIN:
        return None
    flags = y.flags
    if not (flags.c_contiguous and flags.aligned) or y.size > blas['max_n']:
        return None
    kind = _BLAS_KIND.get(y.dtype)
    if kind is None:
        return None
    if x is not None:
        if x.__class__ is not _ndarray or x.dtype != y.dtype or x.shape != y.shape:
            return None
        flags = x.flags
        if not (flags.c_contiguous and flags.aligned):
            return None
    return blas[kind + name]


def axpy_(y, x, alpha, cache=None):
    """``y += alpha * x`` in place: one BLAS pass when possible, else two NumPy passes with a
    scratch array from ``cache`` (a dict the caller keeps; None allocates).

    >>> import numpy as np
    >>> y = np.zeros(2, np.float32); _ = axpy_(y, np.ones(2, np.float32), -0.5); y
    array([-0.5, -0.5], dtype=float32)
    """
    fn = _blas_fn('axpy', y, x)
    if fn is not None:
        fn(y.size, alpha, _ptr(x), 1, _ptr(y), 1)
        return y
    if alpha == 1.0:
        return np.add(y, x, out=y)
    if alpha == -1.0:
        return np.subtract(y, x, out=y)
    tmp = None if cache is None or x.shape != y.shape else scratch(cache, 'axpy', x, 1)[0]
    tmp = np.multiply(x, alpha, out=tmp)
    return np.add(y, tmp, out=y)


def axpby_(y, x, alpha, beta, tmp=None):
    """``y = alpha * x + beta * y`` in place, each product rounded before the sum (PyTorch's
    ``y.mul_(beta).add_(x, alpha=alpha)``): one BLAS pass when possible, else NumPy with the
    scratch array ``tmp`` (may be ``x`` itself when ``x`` may be overwritten; a callable
    returning scratch arrays: the last one is used).

    >>> import numpy as np
    >>> y = np.ones(2); _ = axpby_(y, np.full(2, 3.0), 0.5, 0.25); y
    array([1.75, 1.75])
    """
    fn = _blas_fn('axpby', y, x) if alpha != 0 and beta != 0 else None
    if fn is not None:
        fn(y.size, alpha, _ptr(x), 1, beta, _ptr(y), 1)
        return y
    if beta != 1:
        np.multiply(y, beta, out=y)
    if alpha == 1:
        return np.add(y, x, out=y)
    if callable(tmp):
        tmp = tmp()[-1]
    return np.add(y, np.multiply(x, alpha, out=tmp), out=y)


def momentum_(x, g, buf, momentum, alpha, step):
    """SGD's ``buf = momentum * buf + alpha * g`` then ``x += step * buf``: one single-thread
    BLAS ``axpby`` pass (it has no threaded version) and one threaded ``axpy`` pass.

    >>> import numpy as np
    >>> x, b = np.zeros(2), np.ones(2); _ = momentum_(x, np.ones(2), b, 0.5, 1.0, -0.1); x, b
    (array([-0.15, -0.15]), array([1.5, 1.5]))
    """
    fn = _blas_fn('axpby', buf, g) if alpha != 0 and momentum != 0 else None
    if fn is None or x.__class__ is not _ndarray or x.dtype != buf.dtype \
            or x.shape != buf.shape or not x.flags.c_contiguous:
        axpby_(buf, g, alpha, momentum)
        return axpy_(x, buf, step)
    pb = _ptr(buf)
    n = buf.size
    fn(n, alpha, _ptr(g), 1, momentum, pb, 1)
    _BLAS['saxpy' if fn is _BLAS['saxpby'] else 'daxpy'](n, step, pb, 1, _ptr(x), 1)
    return x


def scal_(x, alpha):
    """``x *= alpha`` in place.

    >>> import numpy as np
    >>> x = np.ones(2); _ = scal_(x, 3.0); x
    array([3., 3.])
    """
    alpha = float(alpha)
    fn = _blas_fn('scal', x) if alpha == alpha and alpha != 0.0 else None   # 0 * nan = nan
    if fn is not None:
        fn(x.size, alpha, _ptr(x), 1)
        return x
    return np.multiply(x, alpha, out=x)
