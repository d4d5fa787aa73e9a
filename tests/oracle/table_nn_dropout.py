"""Oracle entries: dropout family (ember/_ops/nn_dropout.py).

Every entry is ``random=True`` (both libraries are seeded with ``manual_seed(0)`` before each
call) and also returns the next default-generator word, so the masks must be PyTorch's bit
for bit and consume exactly as many random numbers. Samples cover p = 0, 1 and values in
between, training on and off, float32 and float64, several ranks (and an empty tensor).
In-place forms run on ``x * 1`` so the leaf input still receives a gradient.
"""
from .harness import Op, Sample, arr


def _probe(fn):
    def call(lib, *a, **k):
        out = fn(lib, *a, **k)
        probe = lib.empty((), dtype=lib.int64).random_()
        return (out, probe) if not isinstance(out, tuple) else out + (probe,)
    return call


def _F(name, inplace=False):
    if inplace:
        return _probe(lambda lib, x, *a, **k: getattr(lib.nn.functional, name)(
            x * 1, *a, inplace=True, **k))
    return _probe(lambda lib, *a, **k: getattr(lib.nn.functional, name)(*a, **k))


def _top(name, inplace=False):
    if inplace:
        return _probe(lambda lib, x, *a: getattr(lib, name)(x * 1, *a))
    return _probe(lambda lib, *a: getattr(lib, name)(*a))


def _samples(shapes, ps=(0.0, 0.2, 0.5, 1.0), training=True):
    def gen(rng, dt):
        out = []
        for shape in shapes:
            x = arr(rng, shape, dt)
            for p in ps:
                out.append(Sample((x, p, training), desc=f'{shape}-p{p}'))
        out.append(Sample((arr(rng, shapes[-1], dt), 0.5, False), desc='eval'))
        return out
    return gen


def _kw_samples(shapes, ps=(0.0, 0.3, 1.0)):
    def gen(rng, dt):
        out = []
        for shape in shapes:
            x = arr(rng, shape, dt)
            for p in ps:
                out.append(Sample((x,), dict(p=p, training=True), desc=f'{shape}-p{p}'))
        out.append(Sample((arr(rng, shapes[0], dt),), dict(p=0.5, training=False),
                          desc='eval'))
        return out
    return gen


def _big(rng, dt):
    return [Sample((arr(rng, (40, 50), dt), 0.1, True), desc='2000-p0.1'),
            Sample((arr(rng, (0, 3), dt), 0.5, True), desc='empty')]


def _defaults(rng, dt):
    x = arr(rng, (3, 4), dt)
    return [Sample((x,), desc='defaults')]


def _permuted(name):
    # PyTorch draws the mask into empty_like(input), i.e. in the input's memory order
    return _probe(lambda lib, x, *a: getattr(lib, name)(x.permute(2, 0, 1)[..., ::2], *a))


_ALL = ((7,), (3, 4), (2, 3, 4), (2, 2, 3, 3))
_FEAT = ((3, 4), (2, 3, 4), (2, 2, 3, 3), (2, 2, 1, 2, 2))

OPS = [
    Op('dropout', _samples(_ALL), call=_top('dropout'), random=True, nondiff_outputs=(1,),
       covers=('F.dropout',)),
    Op('F.dropout', _kw_samples(_ALL), call=_F('dropout'), random=True, nondiff_outputs=(1,)),
    Op('F.dropout_defaults', _defaults, call=_F('dropout'), random=True, nondiff_outputs=(1,),
       covers=('F.dropout',)),
    Op('F.dropout_inplace', _kw_samples(_ALL[1:]), call=_F('dropout', True), random=True,
       nondiff_outputs=(1,), covers=('F.dropout',)),
    Op('dropout_big', _big, call=_top('dropout'), random=True, nondiff_outputs=(1,),
       covers=('dropout',)),
    Op('dropout_permuted', _samples(((3, 4, 5),), ps=(0.5,)), call=_permuted('dropout'),
       random=True, nondiff_outputs=(1,), covers=('dropout',)),
    Op('alpha_dropout_permuted', _samples(((3, 4, 5),), ps=(0.5,)),
       call=_permuted('alpha_dropout'), random=True, nondiff_outputs=(1,),
       covers=('alpha_dropout',)),
    Op('dropout_', _samples(_ALL[1:3]), call=_top('dropout_', True), random=True,
       nondiff_outputs=(1,)),
    Op('alpha_dropout', _samples(_ALL), call=_top('alpha_dropout'), random=True,
       nondiff_outputs=(1,), covers=('F.alpha_dropout',)),
    Op('F.alpha_dropout', _kw_samples(_ALL[:2]), call=_F('alpha_dropout'), random=True,
       nondiff_outputs=(1,)),
    Op('F.alpha_dropout_inplace', _kw_samples(_ALL[1:3]), call=_F('alpha_dropout', True),
       random=True, nondiff_outputs=(1,), covers=('F.alpha_dropout',)),
    Op('alpha_dropout_', _samples(_ALL[1:3]), call=_top('alpha_dropout_', True), random=True,
       nondiff_outputs=(1,)),
    Op('feature_dropout', _samples(_FEAT), call=_top('feature_dropout'), random=True,
       nondiff_outputs=(1,)),
    Op('feature_dropout_', _samples(_FEAT[:2]), call=_top('feature_dropout_', True),
       random=True, nondiff_outputs=(1,)),
    Op('feature_alpha_dropout', _samples(_FEAT), call=_top('feature_alpha_dropout'),
       random=True, nondiff_outputs=(1,), covers=('F.feature_alpha_dropout',)),
    Op('F.feature_alpha_dropout', _kw_samples(_FEAT[:2]), call=_F('feature_alpha_dropout'),
       random=True, nondiff_outputs=(1,)),
    Op('feature_alpha_dropout_', _samples(_FEAT[:2]), call=_top('feature_alpha_dropout_', True),
       random=True, nondiff_outputs=(1,)),
    Op('F.dropout1d', _kw_samples(((3, 4), (2, 3, 4))), call=_F('dropout1d'), random=True,
       nondiff_outputs=(1,)),
    Op('F.dropout1d_inplace', _kw_samples(((3, 4), (2, 3, 4))), call=_F('dropout1d', True),
       random=True, nondiff_outputs=(1,), covers=('F.dropout1d',)),
    Op('F.dropout2d', _kw_samples(((2, 3, 2, 2), (1, 4, 3, 1))), call=_F('dropout2d'),
       random=True, nondiff_outputs=(1,)),
    Op('F.dropout2d_inplace', _kw_samples(((2, 3, 2, 2),)), call=_F('dropout2d', True),
       random=True, nondiff_outputs=(1,), covers=('F.dropout2d',)),
    Op('F.dropout3d', _kw_samples(((2, 3, 2, 1, 2), (3, 2, 2, 2))), call=_F('dropout3d'),
       random=True, nondiff_outputs=(1,)),
    Op('F.dropout3d_inplace', _kw_samples(((3, 2, 2, 2),)), call=_F('dropout3d', True),
       random=True, nondiff_outputs=(1,), covers=('F.dropout3d',)),
    Op('native_dropout', _samples(((3, 4), (2, 3, 4)), ps=(0.0, 0.4)),
       call=_top('native_dropout'), random=True, nondiff_outputs=(1, 2)),
]
