"""Bad input to pooling, unpooling, interpolation, grid sampling and pixel/channel shuffles:
PyTorch's exception type and first sentence, plus ember's hint (shapes, the likely fix)."""
import warnings

import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402


def _raises_like_torch(fn):
    """Run ``fn(lib)`` on torch and ember; both raise the same type and ember's message
    starts with torch's first line. Returns ember's message."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(Exception) as tinfo:
            fn(torch)
        with pytest.raises(type(tinfo.value)) as einfo:
            fn(ember)
    tmsg, emsg = str(tinfo.value), str(einfo.value)
    assert emsg.startswith(tmsg.split('\n')[0]), f'\n ember: {emsg}\n torch: {tmsg}'
    return emsg


def _t(lib, *shape, grad=False, dtype=None):
    t = lib.ones(*shape, dtype=getattr(lib, dtype) if dtype else None)
    return t.requires_grad_() if grad else t


def _F(lib):
    return lib.nn.functional


# ---- the ones the issue lists: rank, output too small, padding too large ---------------------
@pytest.mark.parametrize('fname,shape', [
    ('max_pool2d', (4, 4)), ('max_pool2d', (1, 1, 1, 4, 4)), ('max_pool3d', (4, 4, 4)),
    ('max_pool1d', (1, 1, 4, 4)), ('max_pool1d', (4,)), ('avg_pool1d', (1, 1, 5, 5)),
    ('avg_pool1d', (5,)), ('avg_pool2d', (1, 1, 1, 5, 5)), ('avg_pool2d', (5, 5)),
    ('avg_pool3d', (5, 5, 5)), ('adaptive_avg_pool2d', (5, 5)), ('adaptive_avg_pool1d', (5,)),
    ('adaptive_max_pool2d', (5, 5)), ('adaptive_max_pool1d', (5,)),
    ('adaptive_avg_pool3d', (1, 4, 4)), ('adaptive_max_pool3d', (1, 4, 4)),
])
def test_wrong_input_rank(fname, shape):
    arg = 2
    _raises_like_torch(lambda lib: getattr(_F(lib), fname)(_t(lib, *shape), arg))


def test_wrong_rank_message_gives_the_shape():
    msg = _raises_like_torch(lambda lib: _F(lib).max_pool2d(_t(lib, 28, 28), 2))
    assert '[28, 28]' in msg


@pytest.mark.parametrize('fname,shape,kw', [
    ('max_pool2d', (1, 2, 2), {'kernel_size': 3}),
    ('max_pool2d', (1, 1, 5, 5), {'kernel_size': 3, 'dilation': 3}),
    ('max_pool3d', (1, 2, 2, 2), {'kernel_size': 3}),
    ('avg_pool2d', (1, 2, 2), {'kernel_size': 3}),
    ('avg_pool1d', (1, 2), {'kernel_size': 3}),
    ('avg_pool3d', (1, 2, 2, 2), {'kernel_size': 3}),
    ('max_pool1d', (1, 2), {'kernel_size': 3}),
    ('max_pool1d', (1, 2), {'kernel_size': 3, 'return_indices': True}),
    ('lp_pool2d', (1, 4, 4), {'norm_type': 2, 'kernel_size': 5}),
])
def test_output_too_small(fname, shape, kw):
    _raises_like_torch(lambda lib: getattr(_F(lib), fname)(_t(lib, *shape), **kw))


def test_output_too_small_message():
    msg = _raises_like_torch(lambda lib: _F(lib).max_pool2d(_t(lib, 1, 2, 2), 3))
    assert msg.startswith('Given input size: (1x2x2). Calculated output size: (1x0x0). '
                          'Output size is too small')
    assert 'kernel_size=[3, 3]' in msg


def test_output_too_small_with_grad_path():
    _raises_like_torch(lambda lib: _F(lib).max_pool1d(_t(lib, 1, 2, grad=True), 3))


@pytest.mark.parametrize('fname,shape,kw', [
    ('max_pool2d', (1, 5, 5), {'kernel_size': 2, 'padding': 2}),
    ('max_pool3d', (1, 5, 5, 5), {'kernel_size': 2, 'padding': 2}),
    ('avg_pool2d', (1, 5, 5), {'kernel_size': 2, 'padding': 2}),
    ('avg_pool1d', (1, 5), {'kernel_size': 2, 'padding': 2}),
    ('avg_pool3d', (1, 5, 5, 5), {'kernel_size': 2, 'padding': 2}),
    ('max_pool1d', (1, 5), {'kernel_size': 2, 'padding': 2}),
    ('max_pool1d', (1, 5), {'kernel_size': 2, 'padding': 2, 'return_indices': True}),
])
def test_padding_too_large(fname, shape, kw):
    _raises_like_torch(lambda lib: getattr(_F(lib), fname)(_t(lib, *shape), **kw))


def test_padding_too_large_message():
    msg = _raises_like_torch(lambda lib: _F(lib).max_pool2d(_t(lib, 1, 5, 5), 2, padding=2))
    assert msg.startswith('pad should be at most half of effective kernel size, but got pad=2, '
                          'kernel_size=2 and dilation=1')


def test_module_error_same_as_functional():
    _raises_like_torch(lambda lib: lib.nn.MaxPool2d(3)(_t(lib, 1, 1, 2, 2)))


# ---- argument checks -------------------------------------------------------------------------
@pytest.mark.parametrize('fname,args,kw', [
    ('max_pool2d', (0,), {}), ('max_pool2d', (2,), {'stride': 0}),
    ('max_pool2d', (2,), {'dilation': 0}), ('max_pool2d', (-1, 1), {}),
    ('max_pool2d', (2, 1, -1), {}), ('max_pool2d', (2, -1), {}),
    ('max_pool2d', ((2, 2, 2),), {}), ('max_pool2d', (2, (1, 1, 1)), {}),
    ('max_pool2d', (2, 2, (1, 1, 1)), {}), ('max_pool2d', (2, 2, 0, (1, 1, 1)), {}),
    ('max_pool2d', (2.0,), {}), ('max_pool3d', (0, 1), {}), ('max_pool3d', (2, 1, 0, 0), {}),
    ('avg_pool2d', (0,), {}), ('avg_pool2d', (2,), {'divisor_override': 0}),
    ('avg_pool2d', ((2, 2, 2),), {}), ('avg_pool3d', (2, 2, (1, 1)), {}),
    ('avg_pool1d', ((2, 2),), {}),
])
def test_bad_pool_arguments(fname, args, kw):
    shape = (1, 1, 6, 6, 6) if fname.endswith('3d') else (1, 1, 6, 6)
    if fname.endswith('1d'):
        shape = (1, 6)
    _raises_like_torch(lambda lib: getattr(_F(lib), fname)(_t(lib, *shape), *args, **kw))


@pytest.mark.parametrize('args', [(0, 1), (2, 0), (2, 1, -1), (2, 1, 0, 0), ((2, 2),)])
def test_bad_max_pool1d_arguments(args):
    _raises_like_torch(lambda lib: _F(lib).max_pool1d(_t(lib, 1, 6), *args))


def test_empty_non_batch_dims():
    _raises_like_torch(lambda lib: _F(lib).max_pool2d(_t(lib, 1, 0, 5, 5), 2))
    _raises_like_torch(lambda lib: _F(lib).adaptive_avg_pool2d(_t(lib, 1, 0, 6), 2))
    _raises_like_torch(lambda lib: _F(lib).adaptive_max_pool2d(_t(lib, 1, 0, 6), 2))


@pytest.mark.parametrize('fname,size', [
    ('adaptive_avg_pool2d', -1), ('adaptive_avg_pool2d', (2,)), ('adaptive_avg_pool1d', (2, 3)),
    ('adaptive_avg_pool1d', 2.0),
])
def test_bad_adaptive_output_size(fname, size):
    shape = (1, 4, 4) if fname.endswith('2d') else (1, 4)
    _raises_like_torch(lambda lib: getattr(_F(lib), fname)(_t(lib, *shape), size))


def test_integer_input_where_pytorch_has_no_kernel():
    _raises_like_torch(lambda lib: _F(lib).adaptive_avg_pool2d(_t(lib, 1, 4, 4, dtype='long'),
                                                               2))
    _raises_like_torch(lambda lib: _F(lib).max_pool1d(_t(lib, 1, 4, dtype='long'), 2))
    _raises_like_torch(lambda lib: _F(lib).max_pool2d(_t(lib, 1, 4, 4, dtype='bool'), 2))


# ---- max_unpool ------------------------------------------------------------------------------
def _pooled(lib, shape=(1, 1, 4, 4)):
    x = lib.arange(float(lib.ones(*shape).numel())).reshape(*shape)
    return _F(lib).max_pool2d(x, 2, return_indices=True)


@pytest.mark.parametrize('case', ['rank2', 'rank5', 'idx-shape', 'idx-float', 'idx-range',
                                  'idx-neg', 'out-size', 'out-size-len'])
def test_bad_max_unpool(case):
    def run(lib):
        v, i = _pooled(lib)
        F = _F(lib)
        if case == 'rank2':
            return F.max_unpool2d(v[0, 0], i[0, 0], 2)
        if case == 'rank5':
            return F.max_unpool2d(v[None], i[None], 2)
        if case == 'idx-shape':
            return F.max_unpool2d(v, i[..., :1], 2)
        if case == 'idx-float':
            return F.max_unpool2d(v, i.float(), 2)
        if case == 'idx-range':
            return F.max_unpool2d(v, i + 100, 2)
        if case == 'idx-neg':
            return F.max_unpool2d(v, i - 100, 2)
        if case == 'out-size':
            return F.max_unpool2d(v, i, 2, output_size=(9, 9))
        return F.max_unpool2d(v, i, 2, output_size=(5, 5, 5))
    _raises_like_torch(run)


def test_bad_max_unpool_1d_3d():
    def run1(lib):
        v, i = _F(lib).max_pool1d(lib.arange(4.).reshape(1, 4), 2, return_indices=True)
        return _F(lib).max_unpool1d(v, i + 3, 2)

    def run3(lib):
        v, i = _F(lib).max_pool3d(lib.arange(64.).reshape(1, 1, 4, 4, 4), 2, return_indices=True)
        return _F(lib).max_unpool3d(v[0], i[0, 0], 2)
    _raises_like_torch(run1)
    _raises_like_torch(run3)


# ---- interpolate -----------------------------------------------------------------------------
@pytest.mark.parametrize('shape,kw', [
    ((1, 2, 4, 4), {'size': 0}), ((1, 2, 4, 4), {'size': (0, 2), 'mode': 'bilinear'}),
    ((1, 2, 4, 4), {'scale_factor': 0.1}), ((1, 2, 4, 4), {'scale_factor': -1}),
    ((4, 4), {'size': 2}), ((4, 4), {'size': (2, 2)}), ((1, 2, 4, 4), {'size': 2,
                                                                       'scale_factor': 2}),
    ((1, 2, 4, 4), {}), ((1, 2, 4, 4), {'size': 2, 'align_corners': True}),
    ((1, 2, 4, 4), {'size': 2, 'mode': 'foo'}), ((1, 2, 4, 4), {'size': (2., 3)}),
    ((1, 2, 4, 4), {'size': 2, 'recompute_scale_factor': True}),
    ((1, 2, 4, 4), {'size': 2, 'antialias': True}),
    ((1, 2, 4, 4), {'scale_factor': (2, 2, 2)}), ((1, 0, 4, 4), {'scale_factor': 2}),
    ((1, 1, 0, 4), {'size': 3}), ((1, 2, 4), {'size': 3, 'mode': 'bilinear'}),
    ((1, 2, 4, 4), {'size': 3, 'mode': 'linear'}), ((1, 2, 4, 4), {'size': 3, 'mode': 'trilinear'}),
    ((1, 2, 4, 4, 4), {'size': 3, 'mode': 'bicubic'}),
    ((1, 2, 4, 4), {'size': 3, 'mode': 'bilinear', 'dtype': 'long'}),
])
def test_bad_interpolate(shape, kw):
    kw = dict(kw)
    dtype = kw.pop('dtype', None)
    _raises_like_torch(lambda lib: _F(lib).interpolate(_t(lib, *shape, dtype=dtype), **kw))


def test_antialias_is_not_supported():
    with pytest.raises(NotImplementedError, match='antialias'):
        _F(ember).interpolate(ember.ones(1, 1, 4, 4), size=2, mode='bilinear', antialias=True)


# ---- grid_sample / affine_grid ---------------------------------------------------------------
@pytest.mark.parametrize('case', ['dtype', 'dims', 'batch', 'last', 'empty', 'mode', 'pad',
                                  'bicubic-5d', 'long'])
def test_bad_grid_sample(case):
    def run(lib):
        x, g = _t(lib, 1, 2, 4, 4), lib.zeros(1, 3, 3, 2)
        F = _F(lib)
        kw = {'align_corners': False}
        if case == 'dtype':
            return F.grid_sample(x, g.double(), **kw)
        if case == 'dims':
            return F.grid_sample(x, lib.zeros(1, 3, 3, 3, 2), **kw)
        if case == 'batch':
            return F.grid_sample(x, lib.zeros(2, 3, 3, 2), **kw)
        if case == 'last':
            return F.grid_sample(x, lib.zeros(1, 3, 3, 3), **kw)
        if case == 'empty':
            return F.grid_sample(_t(lib, 1, 2, 0, 4), g, **kw)
        if case == 'mode':
            return F.grid_sample(x, g, mode='linear', **kw)
        if case == 'pad':
            return F.grid_sample(x, g, padding_mode='const', **kw)
        if case == 'bicubic-5d':
            return F.grid_sample(_t(lib, 1, 2, 4, 4, 4), lib.zeros(1, 3, 3, 3, 3), mode='bicubic',
                                 **kw)
        return F.grid_sample(x.long(), g.long(), **kw)
    _raises_like_torch(run)


@pytest.mark.parametrize('case', ['int', 'shape', 'size3', 'size0', 'batch'])
def test_bad_affine_grid(case):
    def run(lib):
        F = _F(lib)
        kw = {'align_corners': False}
        if case == 'int':
            return F.affine_grid(lib.zeros(1, 2, 3, dtype=lib.long), (1, 1, 3, 3), **kw)
        if case == 'shape':
            return F.affine_grid(lib.zeros(1, 3, 3), (1, 1, 3, 3), **kw)
        if case == 'size3':
            return F.affine_grid(lib.zeros(1, 2, 3), (1, 3, 3), **kw)
        if case == 'size0':
            return F.affine_grid(lib.zeros(1, 2, 3), (1, 1, 0, 3), **kw)
        return F.affine_grid(lib.zeros(2, 2, 3), (1, 1, 3, 3), **kw)
    _raises_like_torch(run)


def test_align_corners_default_warns():
    for fn in (lambda: _F(ember).grid_sample(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2)),
               lambda: _F(ember).affine_grid(ember.zeros(1, 2, 3), (1, 1, 2, 2))):
        with pytest.warns(UserWarning, match='align_corners=False since 1.3.0'):
            fn()


# ---- pixel / channel shuffle -----------------------------------------------------------------
@pytest.mark.parametrize('fname,shape,arg', [
    ('pixel_shuffle', (4, 4), 2), ('pixel_shuffle', (1, 8, 4, 4), 0),
    ('pixel_shuffle', (1, 5, 4, 4), 2), ('pixel_shuffle', (1, 8, 4, 4), 2.0),
    ('pixel_unshuffle', (4, 4), 2), ('pixel_unshuffle', (1, 1, 4, 4), -1),
    ('pixel_unshuffle', (1, 1, 5, 4), 2), ('pixel_unshuffle', (1, 1, 4, 5), 2),
    ('channel_shuffle', (4, 4), 2), ('channel_shuffle', (1, 8, 4, 4), 0),
    ('channel_shuffle', (1, 8, 4, 4), 3), ('native_channel_shuffle', (1, 8, 4), 3),
])
def test_bad_shuffle(fname, shape, arg):
    _raises_like_torch(lambda lib: getattr(_F(lib), fname)(_t(lib, *shape), arg))


def test_pixel_shuffle_hint_names_the_channels():
    msg = _raises_like_torch(lambda lib: _F(lib).pixel_shuffle(_t(lib, 1, 5, 4, 4), 2))
    assert 'has 5 channels' in msg


def test_native_channel_shuffle_has_no_derivative():
    def run(lib):
        x = _t(lib, 1, 4, 2, grad=True)
        _F(lib).native_channel_shuffle(x, 2).sum().backward()
    _raises_like_torch(run)


# ---- fractional max pooling ------------------------------------------------------------------
@pytest.mark.parametrize('case', ['too-large-h', 'too-large-w', 'rank2', 'rank5', 'no-size',
                                  'ratio3', 'samples-dim', 'samples-c', 'samples-n',
                                  'samples-size2', 'empty-c', '3d-too-large', '3d-rank6'])
def test_bad_fractional_max_pool(case):
    def run(lib):
        F = _F(lib)
        x = _t(lib, 2, 3, 7, 6)
        if case == 'too-large-h':
            return F.fractional_max_pool2d(x, 4, output_size=5)
        if case == 'too-large-w':
            return F.fractional_max_pool2d(x, 3, output_size=(3, 5))
        if case == 'rank2':
            return F.fractional_max_pool2d(_t(lib, 4, 4), 2, output_size=2)
        if case == 'rank5':
            return F.fractional_max_pool2d(_t(lib, 1, 1, 1, 4, 4), 2, output_size=2)
        if case == 'no-size':
            return F.fractional_max_pool2d(x, 2)
        if case == 'ratio3':
            return F.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.5, 0.5))
        if case == 'samples-dim':
            return F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=lib.rand(2, 3))
        if case == 'samples-c':
            return F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=lib.rand(2, 2, 2))
        if case == 'samples-n':
            return F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=lib.rand(1, 3, 2))
        if case == 'samples-size2':
            return F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=lib.rand(2, 3, 3))
        if case == 'empty-c':
            return F.fractional_max_pool2d(_t(lib, 1, 0, 4, 4), 2, output_size=2)
        if case == '3d-too-large':
            return F.fractional_max_pool3d(_t(lib, 1, 4, 4, 4), 2, output_size=3)
        return F.fractional_max_pool3d(_t(lib, 1, 1, 1, 4, 4, 4), 2, output_size=2)
    _raises_like_torch(run)


@pytest.mark.parametrize('build', [
    lambda nn: nn.FractionalMaxPool2d(2), lambda nn: nn.FractionalMaxPool2d(2, 3, 0.5),
    lambda nn: nn.FractionalMaxPool2d(2, output_ratio=1.5),
    lambda nn: nn.FractionalMaxPool3d(0, 3)])
def test_bad_fractional_max_pool_module(build):
    _raises_like_torch(lambda lib: build(lib.nn))
