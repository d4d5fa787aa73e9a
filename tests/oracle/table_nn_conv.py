"""Oracle entries: convolutions, transposed convolutions, unfold/fold (ember/_ops/nn_conv.py)."""
from .harness import Op, Sample, arr

F = ('float32', 'float64')


def _fn(name):
    def call(lib, *args, **kwargs):
        return getattr(lib.nn.functional, name)(*args, **kwargs)
    return call


def _s(rng, dt, xs, ws, bias=True, desc='', **kw):
    args = (arr(rng, xs, dt), arr(rng, ws, dt))
    if bias:
        oc = ws[0] if not kw.pop('transposed', False) else ws[1] * kw.get('groups', 1)
        args += (arr(rng, (oc,), dt),)
    else:
        kw.pop('transposed', None)
    return Sample(args, kw, desc=desc)


def _conv1d(rng, dt):
    return [_s(rng, dt, (2, 3, 7), (4, 3, 3), desc='basic'),
            _s(rng, dt, (1, 4, 9), (6, 2, 2), stride=2, padding=1, groups=2, desc='groups'),
            _s(rng, dt, (3, 2, 8), (2, 2, 3), bias=False, dilation=2, padding=2,
               desc='dilation-nobias'),
            _s(rng, dt, (2, 6), (3, 2, 3), padding='same', desc='unbatched-same'),
            _s(rng, dt, (1, 2, 6), (3, 2, 4), padding='same', dilation=1, desc='same-even'),
            _s(rng, dt, (2, 2, 5), (3, 2, 5), padding='valid', desc='valid-full'),
            _s(rng, dt, (2, 3, 10), (3, 1, 3), groups=3, stride=3, desc='depthwise')]


def _conv2d(rng, dt):
    return [_s(rng, dt, (2, 3, 6, 5), (4, 3, 3, 3), desc='basic'),
            _s(rng, dt, (1, 1, 7, 7), (2, 1, 3, 2), stride=(2, 1), padding=(1, 0), desc='stride'),
            _s(rng, dt, (2, 4, 7, 6), (6, 2, 3, 3), groups=2, dilation=(2, 1), padding=1,
               desc='groups-dilation'),
            _s(rng, dt, (2, 5, 5), (3, 2, 3, 3), padding='same', desc='unbatched-same'),
            _s(rng, dt, (1, 2, 5, 6), (3, 2, 2, 4), bias=False, padding='same',
               desc='same-even'),
            _s(rng, dt, (2, 2, 8, 8), (3, 2, 3, 3), stride=3, desc='stride3'),
            _s(rng, dt, (1, 3, 4, 4), (3, 1, 2, 2), groups=3, stride=2, padding=1,
               desc='depthwise'),
            _s(rng, dt, (2, 3, 4, 4), (5, 3, 1, 1), desc='1x1'),
            _s(rng, dt, (0, 2, 5, 5), (3, 2, 3, 3), desc='empty-batch')]


def _conv3d(rng, dt):
    return [_s(rng, dt, (2, 2, 4, 5, 4), (3, 2, 2, 3, 2), desc='basic'),
            _s(rng, dt, (1, 2, 5, 5, 5), (4, 1, 3, 3, 3), stride=2, padding=1, groups=2,
               desc='groups-stride'),
            _s(rng, dt, (2, 4, 4, 4), (2, 2, 2, 2, 2), bias=False, padding='same',
               dilation=(1, 2, 1), desc='unbatched-same')]


def _convt1d(rng, dt):
    return [_s(rng, dt, (2, 3, 5), (3, 2, 3), transposed=True, desc='basic'),
            _s(rng, dt, (1, 4, 4), (4, 3, 3), transposed=True, stride=2, padding=1,
               output_padding=1, groups=2, desc='groups-outpad'),
            _s(rng, dt, (2, 4), (2, 3, 2), transposed=True, dilation=2, stride=3,
               desc='unbatched-dilation'),
            _s(rng, dt, (2, 2, 3), (2, 2, 3), bias=False, transposed=True, stride=1,
               dilation=2, output_padding=1, desc='outpad-via-dilation')]


def _convt2d(rng, dt):
    return [_s(rng, dt, (2, 3, 4, 3), (3, 2, 3, 3), transposed=True, desc='basic'),
            _s(rng, dt, (1, 2, 3, 4), (2, 3, 3, 2), transposed=True, stride=(2, 3),
               padding=(1, 0), output_padding=(1, 2), desc='stride-outpad'),
            _s(rng, dt, (2, 4, 3, 3), (4, 1, 2, 2), transposed=True, groups=2, dilation=2,
               desc='groups-dilation'),
            _s(rng, dt, (2, 3, 3), (2, 2, 2, 2), bias=False, transposed=True, stride=2,
               desc='unbatched'),
            _s(rng, dt, (1, 2, 2, 2), (2, 3, 4, 4), transposed=True, stride=2, padding=1,
               desc='dcgan')]


def _convt3d(rng, dt):
    return [_s(rng, dt, (1, 2, 3, 2, 3), (2, 2, 2, 2, 2), transposed=True, stride=2,
               padding=1, output_padding=1, desc='basic'),
            _s(rng, dt, (2, 2, 2, 2), (2, 1, 2, 1, 2), transposed=True, groups=2,
               desc='unbatched-groups')]


def _convolution(rng, dt):
    return [Sample((arr(rng, (2, 2, 5, 5), dt), arr(rng, (3, 2, 3, 3), dt), arr(rng, (3,), dt),
                    [2, 1], [1, 0], [1, 1], False, [0, 0], 1), desc='conv'),
            Sample((arr(rng, (1, 2, 3), dt), arr(rng, (2, 2, 3), dt), None, [2], [1], [1], True,
                    [1], 1), desc='transposed')]


def _conv_tbc(rng, dt):
    return [Sample((arr(rng, (5, 2, 3), dt), arr(rng, (3, 3, 4), dt), arr(rng, (4,), dt), 1),
                   desc='pad1'),
            Sample((arr(rng, (4, 1, 2), dt), arr(rng, (2, 2, 3), dt), arr(rng, (3,), dt)),
                   desc='nopad')]


def _unfold(rng, dt):
    return [Sample((arr(rng, (2, 3, 4, 5), dt), 2), desc='basic'),
            Sample((arr(rng, (1, 2, 6, 6), dt), (2, 3)), dict(dilation=(2, 1), padding=1,
                                                              stride=(2, 1)), desc='all-args'),
            Sample((arr(rng, (2, 5, 5), dt), 3), dict(stride=2), desc='unbatched')]


def _fold(rng, dt):
    return [Sample((arr(rng, (2, 12, 12), dt), (4, 5), 2), desc='basic'),
            Sample((arr(rng, (1, 12, 9), dt), (6, 6), (2, 3)),
                   dict(dilation=(2, 1), padding=1, stride=(2, 2)), desc='all-args'),
            Sample((arr(rng, (18, 4), dt), 5, 3), dict(stride=2), desc='unbatched')]


OPS = [
    Op('conv1d', _conv1d, covers=('F.conv1d',), atol=2e-5),
    Op('conv2d', _conv2d, covers=('F.conv2d',), atol=2e-5),
    Op('conv3d', _conv3d, covers=('F.conv3d',), atol=2e-5),
    Op('conv_transpose1d', _convt1d, covers=('F.conv_transpose1d',), atol=2e-5),
    Op('conv_transpose2d', _convt2d, covers=('F.conv_transpose2d',), atol=2e-5),
    Op('conv_transpose3d', _convt3d, covers=('F.conv_transpose3d',), atol=2e-5),
    Op('convolution', _convolution, atol=2e-5),
    Op('conv_tbc', _conv_tbc, covers=('F.conv_tbc',), atol=2e-5),
    Op('F.unfold', _unfold, call=_fn('unfold')),
    Op('F.fold', _fold, call=_fn('fold')),
]
