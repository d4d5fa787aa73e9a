"""Oracle entries: creation and copy ops (ember/_ops/creation.py, conversion.py)."""
from .harness import Op, Sample, arr, unary_samples


def _fixed(*samples):
    return lambda rng, dtype: [Sample(args, kw, desc=d) for args, kw, d in samples]


def _with_dtype(fn):
    """Call ``fn(lib, *args, dtype=lib.<name>)`` where the sample passes the dtype name."""
    def call(lib, *args, dtype=None, **kw):
        if dtype is not None:
            kw['dtype'] = getattr(lib, dtype)
        return getattr(lib, fn)(*args, **kw)
    return call


SIZES = _fixed(((2, 3), {}, '2d'), ((0,), {}, 'empty'), (((),), {}, '0d'), ((4,), {'dtype': 'int64'}, 'int'),
               ((2, 2), {'dtype': 'float64'}, 'f64'), ((3,), {'dtype': 'bool'}, 'bool'))
LIKE = lambda rng, dtype: [Sample((arr(rng, (2, 3), 'float32'),), desc='f32'),
                           Sample((arr(rng, (4,), 'int32'),), desc='int32'),
                           Sample((arr(rng, (0, 2), 'float64'),), desc='empty'),
                           Sample((arr(rng, (3,), 'float32'),), {'dtype': 'float64'}, desc='dtype')]

OPS = [
    Op('zeros', SIZES, call=_with_dtype('zeros'), differentiable=False, dtypes=('float32',)),
    Op('ones', SIZES, call=_with_dtype('ones'), differentiable=False, dtypes=('float32',)),
    Op('full', _fixed((((2, 3), 1.5), {}, 'float'), (((2,), 7), {}, 'int'), (((1, 2), True), {}, 'bool'),
                      (((3,), 2), {'dtype': 'float64'}, 'dtype')),
       call=_with_dtype('full'), differentiable=False, dtypes=('float32',)),
    Op('eye', _fixed(((3,), {}, 'square'), ((2, 4), {}, 'rect'), ((0,), {}, 'empty'),
                     ((3,), {'dtype': 'int64'}, 'int')),
       call=_with_dtype('eye'), differentiable=False, dtypes=('float32',)),
    Op('arange', _fixed(((5,), {}, 'int'), ((1, 4, 0.5), {}, 'float-step'), ((0, -3, -1), {}, 'neg'),
                        ((0.0, 1.0, 0.1), {}, 'float'), ((10,), {'dtype': 'float64'}, 'dtype'),
                        ((2, 2), {}, 'empty')),
       call=_with_dtype('arange'), differentiable=False, dtypes=('float32',)),
    Op('range', _fixed(((1, 4), {}, 'basic'), ((0, 1, 0.25), {}, 'step')),
       call=lambda lib, *a: lib.range(*a) if lib.__name__ == 'ember' else _torch_range(lib, *a),
       differentiable=False, dtypes=('float32',)),
    Op('linspace', _fixed(((0, 1, 5), {}, 'basic'), ((-2, 3, 1), {}, 'one'), ((3, -3, 7), {}, 'desc'),
                          ((0, 10, 0), {}, 'zero'), ((0, 1, 4), {'dtype': 'float64'}, 'f64')),
       call=_with_dtype('linspace'), differentiable=False, dtypes=('float32',), rtol=1e-6),
    Op('logspace', _fixed(((0, 3, 4), {}, 'basic'), ((0, 1, 3), {'base': 2.0}, 'base2'),
                          ((-1, 1, 5), {'dtype': 'float64'}, 'f64')),
       call=_with_dtype('logspace'), differentiable=False, dtypes=('float32',), rtol=1e-6),
    Op('tensor', _fixed((([[1, 2], [3, 4]],), {}, 'ints'), (([1.5, 2.5],), {}, 'floats'),
                        (([True, False],), {}, 'bools'), ((3.0,), {}, 'scalar'), (([],), {}, 'empty'),
                        (([1, 2],), {'dtype': 'float64'}, 'dtype')),
       call=_with_dtype('tensor'), differentiable=False, dtypes=('float32',)),
    Op('zeros_like', LIKE, call=_with_dtype('zeros_like'), differentiable=False, dtypes=('float32',)),
    Op('ones_like', LIKE, call=_with_dtype('ones_like'), differentiable=False, dtypes=('float32',)),
    Op('full_like', lambda rng, dt: [Sample((arr(rng, (2, 3), 'float32'), 2.5), desc='f32'),
                                     Sample((arr(rng, (3,), 'int64'), 7), desc='int')],
       call=_with_dtype('full_like'), differentiable=False, dtypes=('float32',)),
    Op('clone', unary_samples(), covers=('contiguous',)),
    Op('contiguous', unary_samples(), call=lambda lib, x: (x.t() if x.dim() == 2 else x).contiguous()),
    Op('fill_', unary_samples(), call=lambda lib, x: (x * 1).fill_(2.5), gradcheck=False,
       gradgrad=False),
    Op('copy_', lambda rng, dt: [Sample((arr(rng, (2, 3), dt), arr(rng, (3,), dt)), desc='bcast')],
       call=lambda lib, x, y: (x * 1).copy_(y)),
    Op('to', unary_samples(), call=lambda lib, x: x.to(lib.float64) * 1),
]


def _torch_range(lib, *a):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return lib.range(*a)
