"""Oracle entries: joining operators (ember/_ops/joining.py).

The tensors to join are passed as separate sample arguments (so each can require grad)
and packed into the list by the call.
"""
from .harness import Op
from .table_shape import ALL, FI, S, arr


def _packed(name):
    """``lib.<name>([t0, t1, ...], **kwargs)``; ``nc=True`` transposes 2-d inputs first."""
    def call(lib, *ts, nc=False, **kwargs):
        if nc:
            ts = [t.transpose(-1, -2) if t.dim() >= 2 else t for t in ts]
        return getattr(lib, name)(list(ts), **kwargs)
    return call


def _varargs(name):
    def call(lib, *ts, **kwargs):
        return getattr(lib, name)(*ts, **kwargs)
    return call


def _cat(rng, dt):
    return [S(arr(rng, (2, 3), dt), arr(rng, (1, 3), dt), desc='dim0'),
            S(arr(rng, (2, 3), dt), arr(rng, (2, 1), dt), arr(rng, (2, 2), dt), dim=1,
              desc='dim1'),
            S(arr(rng, (2, 3, 2), dt), arr(rng, (2, 3, 1), dt), dim=-1, desc='neg'),
            S(arr(rng, (3,), dt), arr(rng, (0,), dt), arr(rng, (2,), dt), desc='1d-empty'),
            S(arr(rng, (2, 3), dt), arr(rng, (0,), dt), dim=1, desc='legacy-skip'),
            S(arr(rng, (0,), dt), arr(rng, (0,), dt), desc='all-empty'),
            S(arr(rng, (0, 3), dt), arr(rng, (2, 3), dt), desc='empty-2d'),
            S(arr(rng, (3,), dt), desc='single'),
            S(arr(rng, (3, 2), dt), arr(rng, (3, 2), dt), dim=1, nc=True, desc='noncontig')]


def _stack(rng, dt):
    return [S(arr(rng, (2, 3), dt), arr(rng, (2, 3), dt), desc='dim0'),
            S(arr(rng, (2, 3), dt), arr(rng, (2, 3), dt), arr(rng, (2, 3), dt), dim=2,
              desc='last'),
            S(arr(rng, (2, 3), dt), arr(rng, (2, 3), dt), dim=-2, desc='neg'),
            S(arr(rng, (), dt), arr(rng, (), dt), desc='0d'),
            S(arr(rng, (0, 2), dt), arr(rng, (0, 2), dt), dim=1, desc='empty'),
            S(arr(rng, (3, 2), dt), arr(rng, (3, 2), dt), dim=1, nc=True, desc='noncontig')]


def _hv(rng, dt):
    return [S(arr(rng, (3,), dt), arr(rng, (2,), dt), desc='1d'),
            S(arr(rng, (2, 3), dt), arr(rng, (2, 3), dt), desc='2d'),
            S(arr(rng, (), dt), arr(rng, (), dt), desc='0d'),
            S(arr(rng, (2, 3, 2), dt), arr(rng, (2, 3, 2), dt), desc='3d'),
            S(arr(rng, (3, 2), dt), arr(rng, (3, 2), dt), nc=True, desc='noncontig')]


def _vstack(rng, dt):
    return _hv(rng, dt)[1:] + [S(arr(rng, (3,), dt), arr(rng, (2, 3), dt), desc='1d-2d')]


def _hstack(rng, dt):
    return _hv(rng, dt) + [S(arr(rng, (2,), dt), arr(rng, (), dt), desc='1d-0d')]


def _dstack(rng, dt):
    return [S(arr(rng, (3,), dt), arr(rng, (3,), dt), desc='1d'),
            S(arr(rng, (2, 3), dt), arr(rng, (2, 3), dt), desc='2d'),
            S(arr(rng, (), dt), arr(rng, (), dt), desc='0d'),
            S(arr(rng, (2, 3, 2), dt), arr(rng, (2, 3, 1), dt), desc='3d'),
            S(arr(rng, (3, 2), dt), arr(rng, (3, 2), dt), nc=True, desc='noncontig')]


def _column_stack(rng, dt):
    return [S(arr(rng, (3,), dt), arr(rng, (3,), dt), desc='1d'),
            S(arr(rng, (3, 2), dt), arr(rng, (3,), dt), desc='2d-1d'),
            S(arr(rng, (), dt), arr(rng, (), dt), desc='0d'),
            S(arr(rng, (2, 3, 2), dt), arr(rng, (2, 1, 2), dt), desc='3d'),
            S(arr(rng, (3, 2), dt), arr(rng, (3, 2), dt), nc=True, desc='noncontig')]


def _meshgrid(rng, dt):
    return [S(arr(rng, (3,), dt), arr(rng, (2,), dt), indexing='ij', desc='ij'),
            S(arr(rng, (3,), dt), arr(rng, (2,), dt), arr(rng, (4,), dt), indexing='xy',
              desc='xy'),
            S(arr(rng, (3,), dt), indexing='xy', desc='one'),
            S(arr(rng, (), dt), arr(rng, (2,), dt), indexing='ij', desc='0d'),
            S(arr(rng, (0,), dt), arr(rng, (2,), dt), indexing='xy', desc='empty')]


def _block_diag(rng, dt):
    return [S(arr(rng, (2, 3), dt), arr(rng, (1, 1), dt), desc='2d'),
            S(arr(rng, (), dt), arr(rng, (3,), dt), arr(rng, (2, 2), dt), desc='0d-1d-2d'),
            S(arr(rng, (0, 2), dt), arr(rng, (2, 0), dt), arr(rng, (1, 2), dt), desc='empty'),
            S(desc='none')]


def _cartesian_prod(rng, dt):
    return [S(arr(rng, (3,), dt), arr(rng, (2,), dt), desc='two'),
            S(arr(rng, (2,), dt), arr(rng, (2,), dt), arr(rng, (3,), dt), desc='three'),
            S(arr(rng, (3,), dt), desc='one'),
            S(arr(rng, (3,), dt), arr(rng, (0,), dt), desc='empty')]


def _combinations(rng, dt):
    return [S(arr(rng, (4,), dt), desc='pairs'), S(arr(rng, (4,), dt), 3, desc='triples'),
            S(arr(rng, (3,), dt), 2, True, desc='replacement'),
            S(arr(rng, (3,), dt), r=1, desc='r1'), S(arr(rng, (3,), dt), 0, desc='r0'),
            S(arr(rng, (2,), dt), 3, desc='r-too-big'),
            S(arr(rng, (3,), dt), 4, with_replacement=True, desc='rep-big')]


def _mixed(rng, dt):
    other = 'float64' if dt == 'float32' else 'float32' if dt == 'float64' else 'int32'
    return [S(arr(rng, (2, 3), dt), arr(rng, (2, 3), other), desc='mixed-dtype'),
            S(arr(rng, (2, 3), 'int64'), arr(rng, (2, 3), dt), desc='int-float')]


# Mixed dtypes: promotion in the forward and the gradient cast back to each input's dtype.
# No gradcheck: a float32 input cannot be checked by finite differences at float64 precision.
MIXED = dict(dtypes=('float32', 'float64', 'int64'), gradcheck=False)

OPS = [
    Op('cat', _cat, call=_packed('cat'), dtypes=ALL, covers=('concat', 'concatenate')),
    Op('concat', _cat, call=_packed('concat')),
    Op('concatenate', _cat, call=_packed('concatenate')),
    Op('cat_tuple', lambda rng, dt: [S(arr(rng, (2, 3), dt), arr(rng, (2, 3), dt))],
       call=lambda lib, a, b: lib.cat((a, b), dim=1)),
    Op('stack', _stack, call=_packed('stack'), dtypes=ALL),
    Op('hstack', _hstack, call=_packed('hstack'), dtypes=ALL),
    Op('vstack', _vstack, call=_packed('vstack'), dtypes=ALL),
    Op('row_stack', _vstack, call=_packed('row_stack'), dtypes=FI),
    Op('dstack', _dstack, call=_packed('dstack'), dtypes=ALL),
    Op('column_stack', _column_stack, call=_packed('column_stack'), dtypes=ALL),
    Op('meshgrid', _meshgrid, call=_varargs('meshgrid'), dtypes=ALL),
    Op('meshgrid_list', lambda rng, dt: [S(arr(rng, (3,), dt), arr(rng, (2,), dt))],
       call=lambda lib, a, b: lib.meshgrid([a, b], indexing='xy')),
    Op('block_diag', _block_diag, call=_varargs('block_diag'), dtypes=ALL),
    Op('cartesian_prod', _cartesian_prod, call=_varargs('cartesian_prod'), dtypes=ALL),
    Op('combinations', _combinations, dtypes=FI),
    Op('cat_mixed', _mixed, call=_packed('cat'), **MIXED),
    Op('stack_mixed', _mixed, call=_packed('stack'), **MIXED),
    Op('block_diag_mixed', _mixed, call=_varargs('block_diag'), **MIXED),
]
