"""Oracle entries: interpolate/upsample, grid_sample, affine_grid (ember/_ops/nn_sampling.py)
and pixel/channel shuffles (ember/_ops/nn_pixel.py)."""
import warnings

from .harness import Op, Sample, arr

F = ('float32', 'float64')
FI = F + ('int64',)


def _fn(name, **fixed):
    def call(lib, *args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')          # the deprecated upsample* spellings
            return getattr(lib.nn.functional, name)(*args, **kwargs, **fixed)
    return call


def _interp(rng, dt):
    x3, x4, x5 = (arr(rng, s, dt) for s in ((2, 3, 5), (2, 2, 5, 4), (1, 2, 3, 4, 3)))
    out = []
    for mode, x in (('nearest', x3), ('nearest', x4), ('nearest', x5), ('nearest-exact', x3),
                    ('nearest-exact', x4), ('nearest-exact', x5), ('area', x3), ('area', x4),
                    ('area', x5)):
        d = f'{mode}-{x.ndim}d'
        out += [Sample((x,), {'scale_factor': 2, 'mode': mode}, desc=f'{d}-x2'),
                Sample((x,), {'scale_factor': 1.7, 'mode': mode}, desc=f'{d}-x1.7'),
                Sample((x,), {'scale_factor': 0.6, 'mode': mode}, desc=f'{d}-x0.6'),
                Sample((x,), {'size': 7, 'mode': mode}, desc=f'{d}-size7'),
                Sample((x,), {'scale_factor': 1.7, 'mode': mode, 'recompute_scale_factor': True},
                       desc=f'{d}-recompute')]
    for mode, x in (('linear', x3), ('bilinear', x4), ('bicubic', x4), ('trilinear', x5)):
        for ac in (False, True):
            d = f'{mode}-ac{int(ac)}'
            out += [Sample((x,), {'scale_factor': 2, 'mode': mode, 'align_corners': ac},
                           desc=f'{d}-x2'),
                    Sample((x,), {'scale_factor': 1.7, 'mode': mode, 'align_corners': ac},
                           desc=f'{d}-x1.7'),
                    Sample((x,), {'scale_factor': 0.6, 'mode': mode, 'align_corners': ac},
                           desc=f'{d}-x0.6'),
                    Sample((x,), {'size': 3, 'mode': mode, 'align_corners': ac},
                           desc=f'{d}-size3')]
    out += [Sample((x4,), {'size': (7, 3), 'mode': 'bilinear'}, desc='bilinear-size-tuple'),
            Sample((x4,), {'scale_factor': (2, 0.5), 'mode': 'bicubic'}, desc='bicubic-scales'),
            Sample((x4,), {'size': (1, 1), 'mode': 'bilinear', 'align_corners': True},
                   desc='bilinear-to-1x1'),
            Sample((arr(rng, (1, 1, 2, 3), dt),), {'size': (5, 4)}, desc='nearest-batch1')]
    return out


def _nearest_ints(rng, dt):
    x = arr(rng, (1, 2, 3, 4), 'float64', positive=True, high=250.0).astype(dt)
    return [Sample((x,), {'scale_factor': 2}, desc='uint8'),
            Sample((x,), {'size': (5, 3), 'mode': 'nearest-exact'}, desc='uint8-exact')]


def _upsample(rng, dt):
    x = arr(rng, (2, 2, 3, 4), dt)
    return [Sample((x,), {'scale_factor': 2}, desc='nearest'),
            Sample((x,), {'size': (5, 7), 'mode': 'bilinear', 'align_corners': False},
                   desc='bilinear'),
            Sample((x,), {'size': 5, 'mode': 'bicubic', 'align_corners': True}, desc='bicubic')]


def _upsample_fixed(rng, dt):
    x = arr(rng, (2, 2, 3, 4), dt)
    return [Sample((x,), {'scale_factor': 2}, desc='scale'),
            Sample((x,), {'size': (5, 6)}, desc='size')]


def _grid(rng, dt, n):
    return arr(rng, (2,) + (3, 4, 2)[:n] + (n,), dt, low=-1.3, high=1.3)


def _grid_samples(mode):
    def samples(rng, dt):
        out = []
        for pm in ('zeros', 'border', 'reflection'):
            for ac in (False, True):
                out.append(Sample((arr(rng, (2, 3, 4, 5), dt), _grid(rng, dt, 2)),
                                  {'mode': mode, 'padding_mode': pm, 'align_corners': ac},
                                  desc=f'2d-{pm}-ac{int(ac)}'))
        if mode != 'bicubic':
            out.append(Sample((arr(rng, (2, 2, 3, 4, 3), dt), _grid(rng, dt, 3)),
                              {'mode': mode, 'padding_mode': 'zeros', 'align_corners': False},
                              desc='3d-zeros'))
            out.append(Sample((arr(rng, (2, 2, 3, 4, 3), dt), _grid(rng, dt, 3)),
                              {'mode': mode, 'padding_mode': 'reflection',
                               'align_corners': True}, desc='3d-reflection'))
        out.append(Sample((arr(rng, (1, 1, 1, 4), dt), _grid(rng, dt, 2)[:1]),
                          {'mode': mode, 'padding_mode': 'reflection', 'align_corners': True},
                          desc='unit-height'))
        return out
    return samples


def _grid_sampler(n):
    def samples(rng, dt):
        x = arr(rng, (2, 2) + (3, 4, 3)[:n], dt)
        out = [Sample((x, _grid(rng, dt, n), 0, 1, False), desc='bilinear-border'),
               Sample((x, _grid(rng, dt, n), 0, 2, True), desc='bilinear-reflection'),
               Sample((x, _grid(rng, dt, n), 0, 0, True), desc='bilinear-zeros')]
        if n == 2:
            out.append(Sample((x, _grid(rng, dt, n), 2, 1, False), desc='bicubic-border'))
        return out
    return samples


def _affine(rng, dt):
    return [Sample((arr(rng, (2, 2, 3), dt), (2, 3, 4, 5)), {'align_corners': False},
                   desc='2d'),
            Sample((arr(rng, (2, 2, 3), dt), [2, 1, 3, 1]), {'align_corners': True},
                   desc='2d-ac-list'),
            Sample((arr(rng, (1, 3, 4), dt), (1, 2, 2, 3, 4)), {'align_corners': False},
                   desc='3d'),
            Sample((arr(rng, (1, 3, 4), dt), (1, 1, 3, 2, 2)), {'align_corners': True},
                   desc='3d-ac')]


def _affine_gen(rng, dt):
    return [Sample((arr(rng, (2, 2, 3), dt), [2, 3, 4, 5], False), desc='2d'),
            Sample((arr(rng, (1, 3, 4), dt), [1, 2, 2, 3, 4], True), desc='3d-ac')]


def _pixel_shuffle(rng, dt):
    return [Sample((arr(rng, (2, 8, 3, 2), dt), 2), desc='basic'),
            Sample((arr(rng, (9, 2, 2), dt), 3), desc='unbatched'),
            Sample((arr(rng, (2, 1, 4, 2, 3), dt), 2), desc='5d'),
            Sample((arr(rng, (1, 3, 2, 2), dt), 1), desc='factor1')]


def _pixel_unshuffle(rng, dt):
    return [Sample((arr(rng, (2, 2, 4, 6), dt), 2), desc='basic'),
            Sample((arr(rng, (1, 6, 3), dt), 3), desc='unbatched'),
            Sample((arr(rng, (2, 1, 1, 4, 2), dt), 2), desc='5d')]


def _channel_shuffle(rng, dt):
    return [Sample((arr(rng, (2, 6, 3, 2), dt), 3), desc='basic'),
            Sample((arr(rng, (2, 6, 3), dt), 2), desc='3d'),
            Sample((arr(rng, (1, 4, 2, 2, 2), dt), 4), desc='5d-groups=C'),
            Sample((arr(rng, (2, 4, 3), dt), 1), desc='one-group')]


OPS = [
    Op('F.interpolate', _interp, call=_fn('interpolate'), atol=2e-5),
    Op('F.interpolate_uint8', _nearest_ints, call=_fn('interpolate'), dtypes=('uint8',),
       differentiable=False),
    Op('F.upsample', _upsample, call=_fn('upsample')),
    Op('F.upsample_nearest', _upsample_fixed, call=_fn('upsample_nearest')),
    Op('F.upsample_bilinear', _upsample_fixed, call=_fn('upsample_bilinear')),
    Op('F.grid_sample', _grid_samples('bilinear'), call=_fn('grid_sample'), atol=2e-5),
    Op('F.grid_sample_nearest', _grid_samples('nearest'), call=_fn('grid_sample'),
       gradgrad=False),
    Op('F.grid_sample_bicubic', _grid_samples('bicubic'), call=_fn('grid_sample'), atol=2e-5),
    Op('grid_sampler', _grid_sampler(2), covers=('grid_sampler_2d',)),
    Op('grid_sampler_2d', _grid_sampler(2)),
    Op('grid_sampler_3d', _grid_sampler(3)),
    Op('F.affine_grid', _affine, call=_fn('affine_grid')),
    Op('affine_grid_generator', _affine_gen),
    Op('pixel_shuffle', _pixel_shuffle, dtypes=FI, covers=('F.pixel_shuffle',)),
    Op('pixel_unshuffle', _pixel_unshuffle, dtypes=FI, covers=('F.pixel_unshuffle',)),
    Op('channel_shuffle', _channel_shuffle, dtypes=FI, covers=('F.channel_shuffle',)),
    Op('native_channel_shuffle', _channel_shuffle, dtypes=FI, differentiable=False,
       covers=('F.native_channel_shuffle',)),
]
