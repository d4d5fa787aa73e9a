"""Bad input to convolutions, padding and fold/unfold: PyTorch's exception type and first
sentence, plus ember's hint (shapes, the likely fix)."""
import re

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402


def _unordered_sets(msg):
    """The message with the items of any printed ``{...}`` set sorted (a set's print order
    depends on the hash seed of the process that compiled it)."""
    return re.sub(r'\{([^{}]*)\}', lambda m: '{' + ', '.join(sorted(m.group(1).split(', '))) + '}',
                  msg)


def _raises_like_torch(fn):
    """Run ``fn(lib)`` on torch and ember; both raise the same type and ember's message
    starts with torch's. Returns ember's message."""
    with pytest.raises(Exception) as tinfo:
        fn(torch)
    with pytest.raises(type(tinfo.value)) as einfo:
        fn(ember)
    tmsg, emsg = _unordered_sets(str(tinfo.value)), _unordered_sets(str(einfo.value))
    assert emsg.startswith(tmsg.split('\n')[0]), f'\n ember: {emsg}\n torch: {tmsg}'
    return emsg


def _t(lib, *shape, dtype=None):
    return lib.ones(*shape, dtype=getattr(lib, dtype) if dtype else None)


# ---- the three the issue lists --------------------------------------------------------------
def test_wrong_channel_count():
    msg = _raises_like_torch(lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 28, 28),
                                                                  _t(lib, 6, 3, 5, 5)))
    assert 'in_channels=1' in msg


def test_wrong_channel_count_names_the_layer():
    def run(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Conv2d(1, 6, 5), lib.nn.ReLU(), lib.nn.Conv2d(3, 16, 5))
        return model(_t(lib, 2, 1, 28, 28))
    msg = _raises_like_torch(run)
    assert 'model.2' in msg


def test_channels_last_image_hint():
    msg = _raises_like_torch(lambda lib: lib.nn.Conv2d(3, 8, 3)(_t(lib, 2, 32, 32, 3)))
    assert 'permute(0, 3, 1, 2)' in msg


@pytest.mark.parametrize('fname,d,shape', [('conv2d', 2, (28, 28)), ('conv1d', 1, (5,)),
                                           ('conv3d', 3, (2, 1, 3, 3, 3, 3)),
                                           ('conv2d', 2, (1, 1, 1, 5, 5))])
def test_wrong_input_rank(fname, d, shape):
    def run(lib):
        w = _t(lib, 2, 1, *(3,) * d)
        return getattr(lib.nn.functional, fname)(_t(lib, *shape), w)
    msg = _raises_like_torch(run)
    assert 'unsqueeze(0)' in msg or 'squeeze()' in msg


def test_wrong_input_rank_hint_shapes():
    msg = _raises_like_torch(lambda lib: lib.nn.functional.conv2d(_t(lib, 28, 28),
                                                                  _t(lib, 6, 1, 5, 5)))
    assert '[1, 28, 28]' in msg and '[1, 1, 28, 28]' in msg


def test_conv_transpose_wrong_rank():
    _raises_like_torch(lambda lib: lib.nn.functional.conv_transpose2d(_t(lib, 8, 8),
                                                                      _t(lib, 4, 4, 3, 3)))


def test_kernel_larger_than_input():
    msg = _raises_like_torch(lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 3, 3),
                                                                  _t(lib, 6, 1, 5, 5)))
    assert '[3, 3]' in msg


def test_kernel_larger_than_input_dilated():
    _raises_like_torch(lambda lib: lib.nn.functional.conv1d(_t(lib, 1, 1, 4), _t(lib, 6, 1, 3),
                                                            dilation=2))


def test_kernel_larger_than_shrunk_feature_map():
    def run(lib):
        lib.manual_seed(0)
        nn = lib.nn
        model = nn.Sequential(nn.Conv2d(1, 4, 5), nn.Conv2d(4, 4, 5), nn.Conv2d(4, 4, 5))
        return model(_t(lib, 1, 1, 12, 12))
    assert 'model.2' in _raises_like_torch(run)


# ---- other argument errors ------------------------------------------------------------------
@pytest.mark.parametrize('kwargs', [dict(groups=3), dict(groups=4), dict(groups=0),
                                    dict(stride=0), dict(padding=-1), dict(dilation=0),
                                    dict(stride=2, padding='same'), dict(padding='foo'),
                                    dict(stride=(1, 1, 1)), dict(padding=(1, 2, 3))])
def test_conv_argument_errors(kwargs):
    _raises_like_torch(lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 4, 8, 8),
                                                            _t(lib, 6, 2, 3, 3), **kwargs))


def test_bias_size():
    _raises_like_torch(lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 4, 8, 8),
                                                            _t(lib, 6, 4, 3, 3),
                                                            bias=_t(lib, 5)))


def test_weight_rank():
    _raises_like_torch(lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 8, 8), _t(lib, 6, 1)))
    _raises_like_torch(lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 8, 8),
                                                            _t(lib, 6, 1, 5)))


@pytest.mark.parametrize('wd,bd', [('float64', None), (None, 'float64')])
def test_dtype_mismatch(wd, bd):
    msg = _raises_like_torch(lambda lib: lib.nn.functional.conv2d(
        _t(lib, 1, 2, 4, 4), _t(lib, 3, 2, 3, 3, dtype=wd), _t(lib, 3, dtype=bd)))
    assert '.to(' in msg or '.float()' in msg


def test_bool_conv():
    _raises_like_torch(lambda lib: lib.nn.functional.conv2d(
        _t(lib, 1, 1, 3, 3, dtype='bool'), _t(lib, 2, 1, 3, 3, dtype='bool')))


def test_integer_conv_works_as_torch():
    x = np.arange(16).reshape(1, 1, 4, 4)
    w = np.ones((2, 1, 3, 3), np.int64)
    e = ember.nn.functional.conv2d(ember.tensor(x), ember.tensor(w))
    t = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w))
    assert e.dtype == ember.int64 and e.tolist() == t.tolist()


@pytest.mark.parametrize('kwargs', [dict(output_padding=1), dict(stride=2, output_padding=2),
                                    dict(padding=5), dict(groups=3), dict(output_padding=-1)])
def test_conv_transpose_argument_errors(kwargs):
    _raises_like_torch(lambda lib: lib.nn.functional.conv_transpose2d(
        _t(lib, 1, 4, 2, 2), _t(lib, 4, 2, 3, 3), **kwargs))


def test_conv_transpose_channels():
    _raises_like_torch(lambda lib: lib.nn.functional.conv_transpose2d(_t(lib, 1, 4, 8, 8),
                                                                      _t(lib, 3, 4, 3, 3)))


# ---- module constructor errors -------------------------------------------------------------
@pytest.mark.parametrize('kwargs', [dict(groups=0), dict(groups=2, in_channels=3),
                                    dict(groups=2, out_channels=3), dict(padding='full'),
                                    dict(padding='same', stride=2), dict(padding_mode='zero')])
def test_conv_module_errors(kwargs):
    args = dict(in_channels=4, out_channels=4, kernel_size=3)
    args.update(kwargs)
    _raises_like_torch(lambda lib: lib.nn.Conv2d(**args))


def test_conv_transpose_module_errors():
    _raises_like_torch(lambda lib: lib.nn.ConvTranspose2d(2, 2, 3, padding_mode='reflect'))

    def bad_size(lib):
        lib.manual_seed(0)
        return lib.nn.ConvTranspose2d(2, 2, 3, stride=2)(_t(lib, 1, 2, 4, 4), output_size=[20, 20])
    _raises_like_torch(bad_size)

    def bad_len(lib):
        lib.manual_seed(0)
        return lib.nn.ConvTranspose2d(2, 2, 3, stride=2)(_t(lib, 1, 2, 4, 4), output_size=[9])
    _raises_like_torch(bad_len)


def test_circular_pad_module_rank():
    _raises_like_torch(lambda lib: lib.nn.CircularPad2d(1)(_t(lib, 5, 5)))


# ---- padding --------------------------------------------------------------------------------
@pytest.mark.parametrize('shape,pad,kw', [
    ((2, 3, 4, 5), [1], {}),
    ((2, 3, 4, 5), [1] * 10, {}),
    ((2, 3, 4, 5), [-3, -3], {}),
    ((2, 3, 4, 5), [1, 1], dict(mode='reflect')),
    ((2, 3, 5), [5, 1], dict(mode='reflect')),
    ((2, 3, 5, 5), [1, 1, 5, 1], dict(mode='reflect')),
    ((2, 3, 5), [1, 1], dict(mode='foo')),
    ((2, 3, 5), [1, 1], dict(mode='reflect', value=1.)),
    ((2, 3, 5), [6, 1], dict(mode='circular')),
    ((2, 3, 5), [-3, -3], dict(mode='circular')),
    ((2, 0, 5), [1, 1], dict(mode='reflect')),
    ((2, 3, 3), [-2, -1], dict(mode='replicate')),
    ((5,), [1, 1, 1, 1], {}),
])
def test_pad_errors(shape, pad, kw):
    _raises_like_torch(lambda lib: lib.nn.functional.pad(_t(lib, *shape), pad, **kw))


def test_pad_argument_types():
    _raises_like_torch(lambda lib: lib.nn.functional.pad(_t(lib, 2, 3), (1.5, 1)))
    _raises_like_torch(lambda lib: lib.nn.functional.pad(_t(lib, 2, 3), 1))


def test_replicate_bool():
    _raises_like_torch(lambda lib: lib.nn.functional.pad(_t(lib, 1, 5, dtype='bool'), (1, 1),
                                                         mode='replicate'))


def test_pad_keeps_dtype_and_truncates_value():
    for mode in ('constant',):
        e = ember.nn.functional.pad(ember.ones(1, 3, dtype=ember.int64), (1, 1), mode=mode,
                                    value=-2.5)
        t = torch.nn.functional.pad(torch.ones(1, 3, dtype=torch.int64), (1, 1), mode=mode,
                                    value=-2.5)
        assert e.dtype == ember.int64 and e.tolist() == t.tolist()


# ---- fold / unfold --------------------------------------------------------------------------
@pytest.mark.parametrize('shape,args,kw', [
    ((1, 2, 4, 4, 4), (2,), {}), ((1, 2, 4, 4), (5,), {}), ((1, 2, 4, 4), (0,), {}),
    ((1, 2, 4, 4), (2,), dict(stride=0)), ((1, 2, 4, 4), (2,), dict(padding=-1)),
    ((1, 2, 4, 4), (2,), dict(dilation=0)), ((1, 0, 4, 4), (2,), {}),
    ((1, 2, 4, 4), ((2, 2, 2),), {}), ((4, 4), (2,), {}),
])
def test_unfold_errors(shape, args, kw):
    _raises_like_torch(lambda lib: lib.nn.functional.unfold(_t(lib, *shape), *args, **kw))


@pytest.mark.parametrize('shape,args', [
    ((1, 8, 9), ((4, 4), 3)), ((1, 8, 10), ((4, 4), 2)), ((1, 8, 9), ((4, 4, 4), 2)),
    ((1, 8, 9, 1), ((4, 4), 2)), ((1, 8, 9), ((1, 1), 2)),
])
def test_fold_errors(shape, args):
    _raises_like_torch(lambda lib: lib.nn.functional.fold(_t(lib, *shape), *args))


def test_unfold_integer_not_implemented():
    _raises_like_torch(lambda lib: lib.nn.functional.unfold(_t(lib, 1, 2, 4, 4, dtype='int64'),
                                                            2))
