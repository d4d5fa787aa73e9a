"""Oracle entries: the indexing family (ember/_ops/indexing.py, gather_scatter.py, index_ops.py,
masked.py and search.py).

Index tensors are passed as int64/bool NumPy arrays (the harness turns them into tensors of
each library); keys and in-place calls are built inside the ``call`` functions. Samples that
write into a tensor use distinct positions where PyTorch leaves the winner of a duplicate
write unspecified (scatter, index_copy, index_put without accumulate, x[idx] = v).
"""
import numpy as np

from .harness import Op, Sample, arr as _arr

FI = ('float32', 'float64', 'int64')
ALL = ('float32', 'float64', 'int64', 'bool')


def arr(rng, shape, dtype='float32', **kw):
    return np.asarray(_arr(rng, shape, dtype, **kw))


def S(*args, desc='', grad=None, **kwargs):
    return Sample(args, kwargs, desc=desc, grad=grad)


_SRC_LARGER = (0,)     # PyTorch's backward rejects a src larger than index: only input's grad


def I(*v):
    return np.array(v, dtype=np.int64)


def _nc(x, nc):
    return x.transpose(-1, -2) if nc else x


def _distinct(rng, n, size, cols):
    """An (n, cols) int64 index with distinct entries in every column (values < size)."""
    return np.stack([rng.permutation(size)[:n] for _ in range(cols)], axis=1).astype(np.int64)


# ---------------------------------------------------------------------------- x[key] (indexing.py)
_GET_KEYS = {
    'int': lambda x: x[1],
    'neg-int': lambda x: x[-1],
    'slice': lambda x: x[1:],
    'step': lambda x: x[::2],
    'col': lambda x: x[:, 0],
    'none': lambda x: x[None],
    'ellipsis-int': lambda x: x[..., 1],
    'mixed-basic': lambda x: x[1:3, None, -1],
    'alias': lambda x: x[:, :],
    'scalar': lambda x: x[0, 1],
    'list': lambda x: x[[0, 2, 0]],
    'lists': lambda x: x[[0, 1], [1, 2]],
    'separated': lambda x: x[[0, 1], :, [1, 0]] if x.ndim == 3 else x[[0, 1], [1, 0]],
    'int-then-list': lambda x: x[0, :, [1, 0]] if x.ndim == 3 else x[0, [1, 0]],
    'slice-list': lambda x: x[1:, [0, 0, 2]],
    'bool-scalar': lambda x: x[True],
    'bool-false': lambda x: x[False],
}


def _getitem(rng, dt):
    out = []
    for name, key in _GET_KEYS.items():
        shape = (3, 4, 2) if name in ('separated', 'int-then-list') else (3, 4)
        out.append(S(arr(rng, shape, dt), key=key, desc=name))
    out.append(S(arr(rng, (4, 3), dt), key=lambda x: x[1:, 0], nc=True, desc='noncontig'))
    out.append(S(arr(rng, (), dt), key=lambda x: x[None, ...], desc='0d'))
    out.append(S(arr(rng, (0, 3), dt), key=lambda x: x[:, 1], desc='empty'))
    return out


def _getitem_tensor(rng, dt):
    x = arr(rng, (4, 3), dt)
    return [S(x, I(2, 0, 2, 3), key=lambda x, i: x[i], desc='idx-dup'),
            S(x, I(1), key=lambda x, i: x[i[0]], desc='0d-tensor'),
            S(x, np.array([[0, 1], [3, 3]]), key=lambda x, i: x[:, i % 3], desc='2d-idx'),
            S(x, arr(rng, (4, 3), 'bool'), key=lambda x, m: x[m], desc='mask'),
            S(x, np.array([True, False, True, True]), key=lambda x, m: x[m, 1:], desc='row-mask'),
            S(arr(rng, (2, 3, 4), dt), I(0, 1), I(2, 0),
              key=lambda x, i, j: x[i, :, j], desc='separated-tensors'),
            S(arr(rng, (2, 3, 4), dt), np.array([True, False, True]), I(3, 0),
              key=lambda x, m, j: x[:, m, j], desc='mask-and-idx')]


def _call_key(lib, x, *idx, key, nc=False):
    return key(_nc(x, nc), *idx)


# ------------------------------------------------------------- x[key] = v, index_put (indexing.py)
def _set_call(lib, x, v, *idx, key, nc=False):
    y = _nc(x, nc).clone()
    key(y, v, *idx)
    return y


def _set(k):
    def f(y, v, *idx):
        y[k(*idx) if callable(k) else k] = v
    return f


def _setitem(rng, dt):
    return [S(arr(rng, (3, 4), dt), arr(rng, (4,), dt), key=_set(1), desc='row'),
            S(arr(rng, (3, 4), dt), arr(rng, (3,), dt), key=_set((slice(None), 2)), desc='col'),
            S(arr(rng, (3, 4), dt), arr(rng, (1, 2), dt), key=_set((slice(1, None), slice(None, 2))),
              desc='block-bcast'),
            S(arr(rng, (3, 4), dt), arr(rng, (), dt), key=_set(Ellipsis), desc='fill-0d'),
            S(arr(rng, (3, 4), dt), arr(rng, (3, 4), dt), key=_set(slice(None)), desc='copy-all'),
            S(arr(rng, (3, 4), dt), arr(rng, (2, 4), dt), I(2, 0), key=_set(lambda i: i),
              desc='idx'),
            S(arr(rng, (3, 4), dt), arr(rng, (2,), dt), I(2, 0), I(1, 3),
              key=_set(lambda i, j: (i, j)), desc='idx-pairs'),
            S(arr(rng, (3, 4), dt), arr(rng, (), dt), np.array([[True, False, True, False]] * 3),
              key=_set(lambda m: m), desc='mask-scalar'),
            S(arr(rng, (3, 4), dt), arr(rng, (2, 2), dt), I(0, 3),
              key=_set(lambda i: (slice(1, None), i)), desc='slice-idx'),
            S(arr(rng, (4, 3), dt), arr(rng, (4,), dt), key=_set(0), nc=True, desc='noncontig'),
            S(arr(rng, (3, 4), dt), 2.5, key=_set((0, slice(1, 3))), desc='number')]


def _index_put(rng, dt):
    return [S(arr(rng, (3, 4), dt), (I(2, 0),), arr(rng, (2, 4), dt), desc='rows'),
            S(arr(rng, (3, 4), dt), (I(0, 0, 2), I(1, 1, 3)), arr(rng, (3,), dt), True,
              desc='accumulate-dup'),
            S(arr(rng, (3, 4), dt), (I(1, 2), I(0, 3)), arr(rng, (), dt), desc='bcast-value'),
            S(arr(rng, (3, 4), dt), (np.array([True, False, True]),), arr(rng, (4,), dt),
              accumulate=True, desc='mask')]


def _index_put_call(lib, x, idx, v, *a, **kw):
    return lib.index_put(x, tuple(idx), v, *a, **kw)


# ------------------------------------------------------------ gather / scatter (gather_scatter.py)
def _gather(rng, dt):
    x = arr(rng, (3, 4), dt)
    return [S(x, 0, rng.integers(0, 3, (2, 4)), desc='dim0'),
            S(x, 1, rng.integers(0, 4, (3, 5)), desc='dim1-dup'),
            S(x, -1, rng.integers(0, 4, (2, 2)), desc='smaller'),
            S(arr(rng, (2, 3, 4), dt), 1, rng.integers(0, 3, (2, 2, 4)), desc='3d'),
            S(arr(rng, (), dt), 0, np.array(0), desc='0d'),
            S(x, 0, np.zeros((0, 4), np.int64), desc='empty'),
            S(arr(rng, (4, 3), dt), 0, rng.integers(0, 3, (3, 4)), nc=True, desc='noncontig')]


def _gather_call(lib, x, dim, idx, nc=False):
    return lib.gather(_nc(x, nc), dim, idx)


def _scatter(rng, dt):
    return [S(arr(rng, (3, 4), dt), 0, _distinct(rng, 2, 3, 4), arr(rng, (2, 4), dt), desc='dim0'),
            S(arr(rng, (3, 4), dt), 1, _distinct(rng, 3, 4, 3).T.copy(), arr(rng, (3, 3), dt),
              desc='dim1'),
            S(arr(rng, (3, 4), dt), 0, _distinct(rng, 2, 3, 2), arr(rng, (3, 3), dt),
              desc='src-larger', grad=_SRC_LARGER),
            S(arr(rng, (), dt), 0, np.array(0), arr(rng, (), dt), desc='0d'),
            S(arr(rng, (3, 4), dt), 0, np.zeros((0, 4), np.int64), arr(rng, (1, 4), dt),
              desc='empty')]


def _scatter_value(rng, dt):
    v = 2.5 if np.dtype(dt).kind == 'f' else 7
    return [S(arr(rng, (3, 4), dt), 0, rng.integers(0, 3, (2, 4)), value=v, desc='value-kw'),
            S(arr(rng, (3, 4), dt), 1, rng.integers(0, 4, (3, 2)), v, desc='value-pos')]


def _scatter_reduce_legacy(rng, dt):
    return [S(arr(rng, (3, 4), dt), 0, rng.integers(0, 3, (3, 4)), arr(rng, (3, 4), dt),
              reduce='add', desc='add'),
            S(arr(rng, (3, 4), dt), 0, rng.integers(0, 3, (3, 4)), arr(rng, (3, 4), dt),
              reduce='multiply', desc='multiply'),
            S(arr(rng, (3, 4), dt), 1, rng.integers(0, 4, (3, 4)), value=2, reduce='add',
              desc='value-add')]


def _scatter_add(rng, dt):
    return [S(arr(rng, (3, 4), dt), 0, rng.integers(0, 3, (5, 4)), arr(rng, (5, 4), dt),
              desc='dup'),
            S(arr(rng, (3, 4), dt), -1, rng.integers(0, 4, (2, 3)), arr(rng, (3, 3), dt),
              desc='src-larger', grad=_SRC_LARGER),
            S(arr(rng, (2, 3, 4), dt), 1, rng.integers(0, 3, (2, 3, 4)), arr(rng, (2, 3, 4), dt),
              desc='3d'),
            S(arr(rng, (), dt), 0, np.array(0), arr(rng, (), dt), desc='0d')]


def _scatter_reduce(rng, dt):
    out = []
    for reduce in ('sum', 'prod', 'mean', 'amax', 'amin'):
        pos = reduce == 'prod'
        for inc in (True, False):
            d = f'{reduce}-{"self" if inc else "noself"}'
            out.append(S(arr(rng, (3, 4), dt, positive=pos), 0, rng.integers(0, 3, (5, 4)),
                         arr(rng, (5, 4), dt, positive=pos), reduce, include_self=inc,
                         desc=d + '-dup'))
            out.append(S(arr(rng, (2, 5), dt, positive=pos), 1, rng.integers(0, 5, (2, 3)),
                         arr(rng, (2, 4), dt, positive=pos), reduce, include_self=inc,
                         desc=d + '-dim1-src-larger', grad=()))   # torch's backward fails
    return out


def _take_along_dim(rng, dt):
    return [S(arr(rng, (3, 4), dt), rng.integers(0, 4, (3, 2)), 1, desc='dim1'),
            S(arr(rng, (3, 4), dt), rng.integers(0, 3, (2, 1)), 0, desc='bcast'),
            S(arr(rng, (3, 4), dt), I(0, 11, 5), desc='flat'),
            S(arr(rng, (3, 4), dt), np.array([[-1], [0], [2]]), -1, desc='neg')]


# ----------------------------------------------------------- index_* and take / put (index_ops.py)
def _index_select(rng, dt):
    x = arr(rng, (3, 4), dt)
    return [S(x, 0, I(2, 0, 2), desc='dim0-dup'),
            S(x, 1, I(3), desc='dim1'),
            S(x, -1, np.array(1), desc='0d-index'),
            S(x, 0, np.array([1, 0], np.int32), desc='int32'),
            S(arr(rng, (), dt), 0, I(0), desc='0d'),
            S(x, 1, np.zeros(0, np.int64), desc='empty')]


def _index_add(rng, dt):
    return [S(arr(rng, (3, 4), dt), 0, I(0, 2, 0), arr(rng, (3, 4), dt), desc='dup'),
            S(arr(rng, (3, 4), dt), 1, I(3, 1), arr(rng, (3, 2), dt), alpha=2, desc='alpha'),
            S(arr(rng, (3, 4), dt), 1, np.array(1), arr(rng, (3, 1), dt), desc='0d-index'),
            S(arr(rng, (), dt), 0, np.array(0), arr(rng, (), dt), desc='0d')]


def _index_fill(rng, dt):
    v = -1.5 if np.dtype(dt).kind == 'f' else 3
    return [S(arr(rng, (3, 4), dt), 1, I(0, 2), v, desc='number'),
            S(arr(rng, (3, 4), dt), 0, I(-1), v, desc='neg-index'),
            S(arr(rng, (3, 4), dt), 0, I(1, 1), arr(rng, (), dt), desc='tensor-value'),
            S(arr(rng, (), dt), 0, np.array(0), v, desc='0d')]


def _index_copy(rng, dt):
    return [S(arr(rng, (3, 4), dt), 0, I(2, 0), arr(rng, (2, 4), dt), desc='dim0'),
            S(arr(rng, (3, 4), dt), -1, I(1, 3, 0), arr(rng, (3, 3), dt), desc='dim1'),
            S(arr(rng, (), dt), 0, I(0), arr(rng, (), dt), desc='0d')]


def _take(rng, dt):
    return [S(arr(rng, (3, 4), dt), np.array([[0, 11], [5, -1]]), desc='2d-neg'),
            S(arr(rng, (3, 4), dt), I(3, 3, 7), desc='dup'),
            S(arr(rng, (), dt), np.array(0), desc='0d'),
            S(arr(rng, (4, 3), dt), I(1, 2), nc=True, desc='noncontig')]


def _take_call(lib, x, idx, nc=False):
    return lib.take(_nc(x, nc), idx)


def _put(rng, dt):
    return [S(arr(rng, (3, 4), dt), I(0, 11, -2), arr(rng, (3,), dt), desc='distinct'),
            S(arr(rng, (3, 4), dt), np.array([[1, 1], [5, 1]]), arr(rng, (2, 2), dt), True,
              desc='accumulate')]


def _put_call(lib, x, idx, src, *a):
    return x.put(idx, src, *a)


# ---------------------------------------------------------------------------- masked_* (masked.py)
def _masked_fill(rng, dt):
    v = -1.5 if np.dtype(dt).kind == 'f' else 3
    return [S(arr(rng, (3, 4), dt), arr(rng, (3, 4), 'bool'), v, desc='same'),
            S(arr(rng, (3, 4), dt), arr(rng, (4,), 'bool'), v, desc='bcast-mask'),
            S(arr(rng, (4,), dt), arr(rng, (2, 4), 'bool'), v, desc='bcast-input'),
            S(arr(rng, (3, 4), dt), arr(rng, (3, 4), 'bool'), arr(rng, (), dt), desc='tensor-value'),
            S(arr(rng, (), dt), np.array(True), v, desc='0d'),
            S(arr(rng, (0, 4), dt), arr(rng, (4,), 'bool'), v, desc='empty')]


def _masked_scatter(rng, dt):
    return [S(arr(rng, (3, 4), dt), arr(rng, (3, 4), 'bool'), arr(rng, (3, 5), dt), desc='same'),
            S(arr(rng, (3, 4), dt), arr(rng, (4,), 'bool'), arr(rng, (12,), dt), desc='bcast'),
            S(arr(rng, (4,), dt), arr(rng, (2, 4), 'bool'), arr(rng, (8,), dt),
              desc='bcast-input')]


def _masked_select(rng, dt):
    return [S(arr(rng, (3, 4), dt), arr(rng, (3, 4), 'bool'), desc='same'),
            S(arr(rng, (3, 4), dt), arr(rng, (4,), 'bool'), desc='bcast-mask'),
            S(arr(rng, (4,), dt), arr(rng, (2, 4), 'bool'), desc='bcast-input'),
            S(arr(rng, (), dt), np.array(True), desc='0d')]


# ------------------------------------------------------------------ non-differentiable (search.py)
def _nonzero(rng, dt):
    return [S(arr(rng, (3, 4), dt) * (rng.random((3, 4)) > 0.5).astype(dt), desc='2d'),
            S(arr(rng, (5,), dt), desc='1d'),
            S(arr(rng, (), dt), desc='0d'),
            S(np.zeros((2, 0), dt), desc='empty'),
            S(np.zeros((2, 3), dt), as_tuple=True, desc='tuple-none'),
            S(arr(rng, (2, 3), dt), as_tuple=True, desc='tuple'),
            S(np.asarray(np.ones((), dt)), as_tuple=True, desc='tuple-0d')]


def _searchsorted(rng, dt):
    seq = np.sort(arr(rng, (6,), dt))
    return [S(seq, arr(rng, (2, 3), dt), desc='1d-seq'),
            S(seq, arr(rng, (4,), dt), right=True, desc='right'),
            S(seq, arr(rng, (4,), dt), side='right', out_int32=True, desc='side-int32'),
            S(np.sort(arr(rng, (2, 5), dt), axis=-1), arr(rng, (2, 3), dt), desc='batched'),
            S(seq, 1, desc='scalar'),
            S(seq[::-1].copy(), arr(rng, (3,), dt), sorter=np.arange(5, -1, -1), desc='sorter')]


def _bucketize(rng, dt):
    b = np.sort(arr(rng, (5,), dt))
    return [S(arr(rng, (2, 3), dt), b, desc='2d'),
            S(arr(rng, (4,), dt), b, right=True, desc='right'),
            S(arr(rng, (4,), dt), b, out_int32=True, desc='int32')]


def _histc(rng, dt):
    return [S(arr(rng, (20,), dt), desc='default'),
            S(arr(rng, (4, 5), dt), bins=4, desc='2d-bins'),
            S(arr(rng, (20,), dt), 5, -1, 1, desc='range'),
            S(np.array([0., 1, 2, 3, 2.9999, 3.0001, -1e-4], dt), bins=3, min=0, max=3,
              desc='edges'),
            S(np.ones(3, dt), bins=4, desc='constant'),
            S(np.zeros(0, dt), bins=3, desc='empty')]


def _bincount(rng, dt):
    x = rng.integers(0, 6, 10)
    return [S(x, desc='counts'),
            S(x, minlength=9, desc='minlength'),
            S(x, arr(rng, (10,), 'float32'), desc='weights-f32'),
            S(x, weights=arr(rng, (10,), 'float64'), desc='weights-f64'),
            S(x.astype(np.int32), desc='int32'),
            S(np.zeros(0, np.int64), minlength=3, desc='empty')]


# ------------------------------------------------------------------------------- in-place variants
def _inplace(name):
    def call(lib, x, *args, **kwargs):
        y = x.clone()
        r = getattr(y, name)(*args, **kwargs)
        assert r is y
        return y
    return call


OPS = [
    Op('getitem', _getitem, call=_call_key, dtypes=ALL),
    Op('getitem_tensor', _getitem_tensor, call=_call_key, dtypes=FI),
    Op('setitem', _setitem, call=_set_call, dtypes=FI),
    Op('index_put', _index_put, call=_index_put_call, dtypes=FI),
    Op('index_put_', _index_put, dtypes=FI,
       call=lambda lib, x, idx, *a, **k: _inplace('index_put_')(lib, x, tuple(idx), *a, **k)),
    Op('gather', _gather, call=_gather_call, dtypes=ALL),
    Op('scatter', _scatter, dtypes=FI),
    Op('scatter_value', _scatter_value, call=lambda lib, *a, **k: lib.scatter(*a, **k), dtypes=FI),
    # reduce= makes PyTorch record a NotImplemented node: no backward to compare
    Op('scatter_legacy_reduce', _scatter_reduce_legacy,
       call=lambda lib, *a, **k: lib.scatter(*a, **k), dtypes=FI, differentiable=False),
    Op('scatter_add', _scatter_add, dtypes=FI),
    Op('scatter_', _scatter, call=_inplace('scatter_'), dtypes=FI),
    Op('scatter_add_', _scatter_add, call=_inplace('scatter_add_'), dtypes=FI),
    Op('scatter_reduce', _scatter_reduce, dtypes=FI),
    Op('scatter_reduce_', _scatter_reduce, call=_inplace('scatter_reduce_'), dtypes=FI),
    Op('take_along_dim', _take_along_dim, dtypes=FI),
    Op('index_select', _index_select, dtypes=ALL),
    Op('index_add', _index_add, dtypes=FI),
    Op('index_add_', _index_add, call=_inplace('index_add_'), dtypes=FI),
    Op('index_fill', _index_fill, dtypes=FI),
    Op('index_fill_', _index_fill, call=_inplace('index_fill_'), dtypes=FI),
    Op('index_copy', _index_copy, dtypes=FI),
    Op('index_copy_', _index_copy, call=_inplace('index_copy_'), dtypes=FI),
    Op('masked_fill', _masked_fill, dtypes=ALL),
    Op('masked_fill_', lambda rng, dt: [s for s in _masked_fill(rng, dt) if 'input' not in s.desc],
       call=_inplace('masked_fill_'), dtypes=FI),
    Op('masked_scatter', _masked_scatter, dtypes=ALL),
    Op('masked_scatter_', lambda rng, dt: _masked_scatter(rng, dt)[:2],
       call=_inplace('masked_scatter_'), dtypes=FI),
    Op('masked_select', _masked_select, dtypes=ALL),
    Op('take', _take, call=_take_call, dtypes=ALL),
    Op('put', _put, call=_put_call, dtypes=FI),
    Op('put_', _put, call=_inplace('put_'), dtypes=FI),
    Op('nonzero', _nonzero, dtypes=ALL, differentiable=False),
    Op('argwhere', lambda rng, dt: [s for s in _nonzero(rng, dt) if 'tuple' not in s.desc],
       dtypes=ALL, differentiable=False),
    Op('searchsorted', _searchsorted, dtypes=('float32', 'float64', 'int64'),
       differentiable=False),
    Op('bucketize', _bucketize, dtypes=('float32', 'float64', 'int64'), differentiable=False),
    Op('histc', _histc, differentiable=False),
    Op('bincount', _bincount, dtypes=('int64',), differentiable=False),
]
