"""ember.vision.transforms: conversions, Normalize, Compose/Lambda, reprs and bad input.

torchvision cannot be installed next to this torch build, so expected values are computed by
hand (or with plain torch ops where torchvision's math is one torch call).
"""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

torch = pytest.importorskip('torch')
Image = pytest.importorskip('PIL.Image')


def _np(t):
    return t.detach().numpy()


# ---- ToTensor / PILToTensor / ToPILImage / ConvertImageDtype ---------------------------------

def test_to_tensor_numpy_uint8_scales_like_torch():
    a = np.arange(24, dtype=np.uint8).reshape(2, 4, 3) * 10
    t = T.ToTensor()(a)
    assert t.shape == (3, 2, 4) and t.dtype == ember.float32
    expected = torch.from_numpy(a.transpose(2, 0, 1).copy()).to(torch.float32).div(255)
    np.testing.assert_array_equal(_np(t), expected.numpy())
    assert t.is_contiguous()


def test_to_tensor_numpy_2d_and_other_dtypes_keep_values():
    g = np.array([[0, 128, 255]], dtype=np.uint8)
    np.testing.assert_array_equal(_np(F.to_tensor(g)),
                                  np.array([[[0.0, 128 / 255, 1.0]]], np.float32))
    f = np.array([[[0.5], [2.0]]], dtype=np.float64)          # (H, W, C) = (1, 2, 1)
    t = F.to_tensor(f)
    assert t.dtype == ember.float64 and t.tolist() == [[[0.5, 2.0]]]
    i = np.array([[7, -3]], dtype=np.int64)
    assert F.to_tensor(i).dtype == ember.int64 and F.to_tensor(i).tolist() == [[[7, -3]]]


def test_to_tensor_follows_default_dtype():
    ember.set_default_dtype(ember.float64)
    try:
        assert F.to_tensor(np.zeros((2, 2), np.uint8)).dtype == ember.float64
    finally:
        ember.set_default_dtype(ember.float32)


def test_to_tensor_pil_modes():
    rgb = Image.fromarray(np.array([[[255, 0, 51], [0, 102, 0]]], dtype=np.uint8))
    np.testing.assert_allclose(_np(F.to_tensor(rgb)),
                               [[[1.0, 0.0]], [[0.0, 0.4]], [[0.2, 0.0]]], rtol=0, atol=1e-7)
    one = Image.fromarray(np.array([[True, False]]))            # mode '1' -> 0 or 1.0
    assert one.mode == '1' and F.to_tensor(one).tolist() == [[[1.0, 0.0]]]
    fimg = Image.fromarray(np.array([[1.5, -2.0]], dtype=np.float32))   # mode 'F', unscaled
    t = F.to_tensor(fimg)
    assert t.dtype == ember.float32 and t.tolist() == [[[1.5, -2.0]]]
    iimg = Image.fromarray(np.array([[70000, 3]], dtype=np.int32))      # mode 'I'
    assert F.to_tensor(iimg).dtype == ember.int32 and F.to_tensor(iimg).tolist() == [[[70000, 3]]]


def test_pil_to_tensor_keeps_dtype_and_layout():
    a = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    t = T.PILToTensor()(Image.fromarray(a))
    assert t.dtype == ember.uint8 and t.shape == (3, 2, 2)
    np.testing.assert_array_equal(_np(t), a.transpose(2, 0, 1))
    g = T.PILToTensor()(Image.fromarray(a[:, :, 0]))
    assert g.shape == (1, 2, 2)


def test_to_pil_image_round_trips_and_modes():
    a = np.arange(12, dtype=np.uint8).reshape(3, 2, 2)
    img = T.ToPILImage()(ember.from_numpy(a))
    assert img.mode == 'RGB' and img.size == (2, 2)
    np.testing.assert_array_equal(np.array(img), a.transpose(1, 2, 0))
    assert F.to_pil_image(ember.from_numpy(a[:1])).mode == 'L'
    assert F.to_pil_image(ember.from_numpy(a[:2])).mode == 'LA'
    assert F.to_pil_image(ember.zeros(4, 2, 2, dtype=ember.uint8)).mode == 'RGBA'
    # float: times 255 then truncated (0.999 * 255 = 254.7 -> 254)
    f = F.to_pil_image(ember.tensor([[[0.0, 0.999], [1.0, 0.5]]]))
    assert f.mode == 'L' and np.array(f).tolist() == [[0, 254], [255, 127]]
    assert F.to_pil_image(ember.tensor([[[0.25]]]), mode='F').getpixel((0, 0)) == 0.25
    assert F.to_pil_image(np.zeros((2, 3), np.int32)).mode == 'I'
    assert F.to_pil_image(np.zeros((2, 3, 3), np.uint8), mode='HSV').mode == 'HSV'


def test_to_pil_image_errors():
    with pytest.raises(TypeError, match='pic should be Tensor or ndarray'):
        F.to_pil_image([[1, 2]])
    with pytest.raises(ValueError, match='pic should be 2/3 dimensional'):
        F.to_pil_image(ember.zeros(1, 1, 2, 2))
    with pytest.raises(ValueError, match='pic should not have > 4 channels'):
        F.to_pil_image(np.zeros((2, 2, 5), np.uint8))
    with pytest.raises(ValueError, match=r'Incorrect mode \(RGB\) supplied'):
        F.to_pil_image(np.zeros((2, 2), np.uint8), mode='RGB')
    with pytest.raises(ValueError, match='Only modes'):
        F.to_pil_image(np.zeros((2, 2, 3), np.uint8), mode='L')
    with pytest.raises(TypeError, match='Input type int64 is not supported'):
        F.to_pil_image(np.zeros((2, 2, 3), np.int64))


@pytest.mark.parametrize('src, dst, values, expected', [
    (ember.uint8, ember.float32, [0, 51, 255], [0.0, 0.2, 1.0]),
    (ember.float32, ember.uint8, [0.0, 0.5, 1.0], [0, 127, 255]),
    (ember.float64, ember.int32, [0.0, 1.0], [0, 2147483647]),
    (ember.uint8, ember.int16, [0, 1, 255], [0, 128, 32640]),
    (ember.int16, ember.uint8, [0, 255, 32767], [0, 1, 255]),
    (ember.int32, ember.int64, [1, -1], [4294967298, -4294967298]),
    (ember.float32, ember.float64, [0.25], [0.25]),
])
def test_convert_image_dtype(src, dst, values, expected):
    t = ember.tensor(values, dtype=src).view(1, 1, -1)
    out = T.ConvertImageDtype(dst)(t)
    assert out.dtype == dst
    # the same arithmetic with torch ops
    tt = torch.tensor(values, dtype=getattr(torch, src.name))
    np.testing.assert_allclose(out.flatten().tolist(), expected, rtol=1e-7)
    assert F.convert_image_dtype(t, src) is t
    if src == ember.uint8 and dst == ember.float32:
        np.testing.assert_array_equal(_np(out).ravel(), (tt.to(torch.float32) / 255.0).numpy())


def test_convert_image_dtype_unsafe_and_bad_input():
    with pytest.raises(RuntimeError, match='The cast from torch.float32 to torch.int64 cannot be '
                                           'performed safely'):
        F.convert_image_dtype(ember.zeros(1, 1, 1), ember.int64)
    with pytest.raises(RuntimeError, match='cannot be performed safely'):
        F.convert_image_dtype(ember.zeros(1, 1, 1, dtype=ember.float64), ember.int64)
    with pytest.raises(TypeError, match='Input img should be Tensor Image'):
        F.convert_image_dtype(np.zeros((1, 1, 1)), ember.float32)


# ---- Normalize --------------------------------------------------------------------------------

def test_normalize_values_and_out_of_place():
    x = ember.tensor([[[0.0, 0.5, 1.0]], [[0.2, 0.4, 0.6]]])
    out = T.Normalize(mean=(0.5, 0.4), std=(0.5, 0.2))(x)
    tx = torch.tensor(x.tolist())
    expected = tx.sub(torch.tensor([0.5, 0.4]).view(-1, 1, 1)).div(torch.tensor([0.5, 0.2])
                                                                     .view(-1, 1, 1))
    np.testing.assert_array_equal(_np(out), expected.numpy())
    assert x.tolist()[0][0] == [0.0, 0.5, 1.0]            # input untouched


def test_normalize_inplace_and_batched():
    x = ember.ones(2, 3, 2, 2)
    out = F.normalize(x, [1.0, 0.0, 0.5], [1.0, 2.0, 0.5], inplace=True)
    assert out is x
    np.testing.assert_array_equal(_np(x)[:, :, 0, 0], [[0.0, 0.5, 1.0]] * 2)


def test_normalize_gradient_flows():
    x = ember.ones(1, 2, 2, requires_grad=True)
    T.Normalize((0.5,), (0.25,))(x).sum().backward()
    np.testing.assert_array_equal(_np(x.grad), np.full((1, 2, 2), 4.0))


def test_normalize_errors():
    with pytest.raises(TypeError, match='img should be Tensor Image'):
        F.normalize(np.zeros((1, 2, 2)), [0.0], [1.0])
    with pytest.raises(TypeError, match='Input tensor should be a float tensor. Got torch.uint8'):
        F.normalize(ember.zeros(1, 2, 2, dtype=ember.uint8), [0.0], [1.0])
    with pytest.raises(ValueError, match=r'Expected tensor to be a tensor image of size '
                                         r'\(\.\.\., C, H, W\)'):
        F.normalize(ember.zeros(2, 2), [0.0], [1.0])
    with pytest.raises(ValueError, match='std evaluated to zero after conversion to '
                                         'torch.float32'):
        F.normalize(ember.zeros(1, 2, 2), [0.0], [0.0])


# ---- Compose, Lambda, repr --------------------------------------------------------------------

def test_compose_applies_in_order_and_lambda():
    pipeline = T.Compose([T.ToTensor(), T.Lambda(lambda t: t * 2), T.Normalize((1.0,), (1.0,))])
    out = pipeline(np.array([[255, 0]], dtype=np.uint8))
    assert out.tolist() == [[[1.0, -1.0]]]
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)


def test_reprs_match_torchvision_format():
    cases = [
        (T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))]),
         'Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.5,))\n)'),
        (T.ToTensor(), 'ToTensor()'),
        (T.PILToTensor(), 'PILToTensor()'),
        (T.ToPILImage(), 'ToPILImage()'),
        (T.ToPILImage('RGB'), 'ToPILImage(mode=RGB)'),
        (T.ConvertImageDtype(ember.float32), 'ConvertImageDtype()'),
        (T.Lambda(abs), 'Lambda()'),
        (T.Resize(32), 'Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)'),
        (T.Resize((8, 4), interpolation=T.InterpolationMode.NEAREST, antialias=False),
         'Resize(size=(8, 4), interpolation=nearest, max_size=None, antialias=False)'),
        (T.CenterCrop(10), 'CenterCrop(size=(10, 10))'),
        (T.CenterCrop([5]), 'CenterCrop(size=(5, 5))'),
        (T.RandomCrop(32, padding=4), 'RandomCrop(size=(32, 32), padding=4)'),
        (T.RandomCrop((3, 5)), 'RandomCrop(size=(3, 5), padding=None)'),
        (T.RandomHorizontalFlip(), 'RandomHorizontalFlip(p=0.5)'),
        (T.RandomVerticalFlip(0.3), 'RandomVerticalFlip(p=0.3)'),
        (T.RandomResizedCrop(224), 'RandomResizedCrop(size=(224, 224), scale=(0.08, 1.0), '
                                   'ratio=(0.75, 1.3333), interpolation=bilinear, '
                                   'antialias=True)'),
        (T.RandomRotation(30), 'RandomRotation(degrees=[-30.0, 30.0], interpolation=nearest, '
                               'expand=False, fill=0)'),
        (T.RandomRotation((0, 90), expand=True, center=(1, 2), fill=1),
         'RandomRotation(degrees=[0.0, 90.0], interpolation=nearest, expand=True, '
         'center=(1, 2), fill=1)'),
        (T.RandomAffine(10), 'RandomAffine(degrees=[-10.0, 10.0])'),
        (T.RandomAffine(0, translate=(0.1, 0.2), scale=(0.9, 1.1), shear=5,
                        interpolation=T.InterpolationMode.BILINEAR, fill=3),
         'RandomAffine(degrees=[0.0, 0.0], translate=(0.1, 0.2), scale=(0.9, 1.1), '
         'shear=[-5.0, 5.0], interpolation=bilinear, fill=3)'),
        (T.ColorJitter(brightness=0.5, hue=0.1),
         'ColorJitter(brightness=(0.5, 1.5), contrast=None, saturation=None, hue=(-0.1, 0.1))'),
        (T.Grayscale(), 'Grayscale(num_output_channels=1)'),
        (T.RandomGrayscale(0.2), 'RandomGrayscale(p=0.2)'),
        (T.Pad(2), 'Pad(padding=2, fill=0, padding_mode=constant)'),
        (T.Pad([1, 2], fill=(1, 2, 3), padding_mode='reflect'),
         'Pad(padding=[1, 2], fill=(1, 2, 3), padding_mode=reflect)'),
        (T.GaussianBlur(3), 'GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))'),
        (T.GaussianBlur((3, 5), 1.5), 'GaussianBlur(kernel_size=(3, 5), sigma=(1.5, 1.5))'),
        (T.RandomErasing(), 'RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), '
                            'value=0, inplace=False)'),
        (T.RandomErasing(value='random', inplace=True),
         'RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=random, '
         'inplace=True)'),
        (T.RandomApply([T.Grayscale()], p=0.3),
         'RandomApply(\n    p=0.3\n    Grayscale(num_output_channels=1)\n)'),
        (T.RandomChoice([T.ToTensor()]), 'RandomChoice(\n    ToTensor()\n)(p=None)'),
        (T.RandomOrder([T.ToTensor()]), 'RandomOrder(\n    ToTensor()\n)'),
    ]
    for t, expected in cases:
        assert repr(t) == expected


def test_transforms_are_modules_where_torchvision_has_modules():
    assert isinstance(T.Normalize((0.5,), (0.5,)), ember.nn.Module)
    assert isinstance(T.RandomCrop(3), ember.nn.Module)
    assert not isinstance(T.ToTensor(), ember.nn.Module)
    seq = ember.nn.Sequential(T.Normalize((0.5,), (0.5,)), T.CenterCrop(1))
    assert seq(ember.ones(1, 3, 3)).tolist() == [[[1.0]]]


def test_interpolation_mode_and_int_constants():
    assert T.InterpolationMode('bicubic') is T.InterpolationMode.BICUBIC
    assert T.Resize(4, interpolation=0).interpolation is T.InterpolationMode.NEAREST
    assert T.RandomRotation(1, interpolation=2).interpolation is T.InterpolationMode.BILINEAR
    assert F.resize(ember.ones(1, 2, 2), [4, 4], interpolation=3).shape == (1, 4, 4)
    with pytest.raises(TypeError, match='Argument interpolation should be a InterpolationMode'):
        F.resize(ember.ones(1, 2, 2), [4, 4], interpolation='bilinear')


# ---- bad input --------------------------------------------------------------------------------

def test_non_image_inputs():
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray. Got <class 'list'>"):
        T.ToTensor()([[1, 2]])
    with pytest.raises(ValueError, match='pic should be 2/3 dimensional. Got 4 dimensions.'):
        T.ToTensor()(np.zeros((1, 2, 2, 3), np.uint8))
    with pytest.raises(TypeError, match="pic should be PIL Image. Got <class 'numpy.ndarray'>"):
        T.PILToTensor()(np.zeros((2, 2), np.uint8))
    with pytest.raises(TypeError, match="Unexpected type <class 'numpy.ndarray'>"):
        T.CenterCrop(2)(np.zeros((4, 4), np.uint8))
    with pytest.raises(TypeError, match="img should be PIL Image. Got <class 'list'>"):
        T.RandomHorizontalFlip(p=1.0)([1, 2])
    with pytest.raises(TypeError, match='Tensor is not a torch image'):
        F.hflip(ember.zeros(3))


def test_bad_sizes_and_degrees():
    with pytest.raises(ValueError, match=r'Please provide only two dimensions \(h, w\) for size'):
        T.CenterCrop((1, 2, 3))
    with pytest.raises(ValueError, match=r'Please provide only two dimensions \(h, w\) for size'):
        T.RandomCrop([1, 2, 3])
    with pytest.raises(TypeError, match="Size should be int or sequence. Got <class 'float'>"):
        T.Resize(2.5)
    with pytest.raises(ValueError, match='If size is a sequence, it should have 1 or 2 values'):
        T.Resize((1, 2, 3))
    with pytest.raises(ValueError, match='Size must be an int or a 1 or 2 element tuple/list, '
                                         'not a 3 element tuple/list'):
        F.resize(ember.ones(1, 2, 2), [1, 2, 3])
    with pytest.raises(ValueError, match='max_size should only be passed if size specifies'):
        F.resize(ember.ones(1, 2, 2), [4, 4], max_size=5)
    with pytest.raises(ValueError, match='max_size = 4 must be strictly greater than the '
                                         'requested size for the smaller edge size = \\[4\\]'):
        F.resize(ember.ones(1, 2, 2), 4, max_size=4)
    with pytest.raises(ValueError, match='If degrees is a single number, it must be positive.'):
        T.RandomRotation(-5)
    with pytest.raises(ValueError, match='degrees should be a sequence of length 2.'):
        T.RandomRotation([1, 2, 3])
    with pytest.raises(TypeError, match='degrees should be a sequence of length 2.'):
        T.RandomAffine({1, 2})
    with pytest.raises(ValueError, match='shear should be a sequence of length 2 or 4.'):
        T.RandomAffine(0, shear=[1, 2, 3])
    with pytest.raises(ValueError, match='translation values should be between 0 and 1'):
        T.RandomAffine(0, translate=(0.5, 1.5))
    with pytest.raises(ValueError, match='scale values should be positive'):
        T.RandomAffine(0, scale=(0.0, 1.0))
    with pytest.raises(TypeError, match='center should be a sequence of length 2.'):
        T.RandomRotation(5, center=3)
    with pytest.raises(TypeError, match='Fill should be either a sequence or a number.'):
        T.RandomRotation(5, fill={1})


def test_pillow_is_optional_for_numpy_pipelines():
    code = textwrap.dedent('''
        import sys
        sys.modules['PIL'] = None          # make "import PIL" fail
        import numpy as np
        import ember
        from ember.vision import transforms as T
        t = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,)), T.RandomHorizontalFlip()])
        out = t(np.zeros((8, 8), np.uint8))
        assert out.shape == (1, 8, 8)
        try:
            T.ToPILImage()(out)
        except ImportError as e:
            assert 'pip install "ember[vision]"' in str(e), e
            print('ok')
    ''')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == 'ok'


def test_transforms_pickle_for_worker_processes():
    import pickle
    pipeline = T.Compose([T.RandomResizedCrop(8), T.RandomHorizontalFlip(),
                          T.ColorJitter(0.1, 0.1, 0.1, 0.1), T.RandomRotation(5),
                          T.RandomAffine(5, interpolation=T.InterpolationMode.BILINEAR),
                          T.GaussianBlur(3), T.ToTensor(), T.Normalize((0.5,), (0.5,)),
                          T.RandomErasing(), T.ConvertImageDtype(ember.float64), T.Pad(1),
                          T.CenterCrop(3), T.Resize(4), T.FiveCrop(2)])
    copy = pickle.loads(pickle.dumps(pipeline))
    assert repr(copy) == repr(pipeline)
    assert copy.transforms[4].interpolation is T.InterpolationMode.BILINEAR
