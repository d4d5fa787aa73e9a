"""ember.vision.transforms geometry: flips, crops, padding, resizing, rotation and affine.

Expected pixels are computed by hand on small images, or with the torch op torchvision's
tensor backend calls (``interpolate``, ``grid_sample``); PIL and tensor paths are compared
where torchvision's agree.
"""
import math

import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

torch = pytest.importorskip('torch')
Image = pytest.importorskip('PIL.Image')

IM = T.InterpolationMode


def _np(t):
    return t.detach().numpy()


def _img3x4():
    return np.arange(12, dtype=np.uint8).reshape(3, 4)


def _both(a):
    """The same uint8 image as a PIL image and a (C, H, W) ember tensor."""
    t = ember.from_numpy(a[None] if a.ndim == 2 else a.transpose(2, 0, 1).copy())
    return Image.fromarray(a), t


def _pil_np(img):
    a = np.array(img)
    return a[None] if a.ndim == 2 else a.transpose(2, 0, 1)


# ---- flips and crops --------------------------------------------------------------------------

def test_flips_hand_computed_pil_and_tensor():
    pil, t = _both(_img3x4())
    h = [[3, 2, 1, 0], [7, 6, 5, 4], [11, 10, 9, 8]]
    v = [[8, 9, 10, 11], [4, 5, 6, 7], [0, 1, 2, 3]]
    assert F.hflip(t).tolist() == [h] and np.array(F.hflip(pil)).tolist() == h
    assert F.vflip(t).tolist() == [v] and np.array(F.vflip(pil)).tolist() == v
    assert T.RandomHorizontalFlip(p=1.0)(t).tolist() == [h]
    assert T.RandomVerticalFlip(p=1.0)(t).tolist() == [v]
    assert T.RandomHorizontalFlip(p=0.0)(t) is t
    batch = ember.stack([t, t + 1])
    assert F.hflip(batch)[1].tolist() == [[[x + 1 for x in row] for row in h]]


def test_crop_inside_and_outside_the_image():
    pil, t = _both(_img3x4())
    assert F.crop(t, 1, 1, 2, 2).tolist() == [[[5, 6], [9, 10]]]
    out = F.crop(t, -1, 2, 3, 3)        # one row above, one column past the right edge: zeros
    expected = [[0, 0, 0], [2, 3, 0], [6, 7, 0]]
    assert out.tolist() == [expected]
    assert np.array(F.crop(pil, -1, 2, 3, 3)).tolist() == expected


@pytest.mark.parametrize('size', [2, (1, 3), (3, 4), (5, 6), (4, 3)])
def test_center_crop_matches_pil_and_hand_values(size):
    pil, t = _both(_img3x4())
    out = T.CenterCrop(size)(t)
    np.testing.assert_array_equal(_np(out), _pil_np(T.CenterCrop(size)(pil)))
    if size == 2:        # top = round(0.5) = 0, left = round(1.0) = 1
        assert out.tolist() == [[[1, 2], [5, 6]]]
    if size == (5, 6):   # padded by (1, 1, 1, 1) with zeros
        assert out.tolist()[0][0] == [0] * 6 and out.tolist()[0][1] == [0, 0, 1, 2, 3, 0]


# ---- padding ----------------------------------------------------------------------------------

@pytest.mark.parametrize('mode, expected', [
    ('constant', [9, 9, 1, 2, 3, 4, 9, 9]),
    ('edge', [1, 1, 1, 2, 3, 4, 4, 4]),
    ('reflect', [3, 2, 1, 2, 3, 4, 3, 2]),
    ('symmetric', [2, 1, 1, 2, 3, 4, 4, 3]),
])
def test_pad_modes_torchvision_doc_example(mode, expected):
    row = np.array([[1, 2, 3, 4]], dtype=np.uint8)
    pil, t = _both(row)
    out = F.pad(t, [2, 0], fill=9, padding_mode=mode)
    assert out.dtype == ember.uint8 and out.tolist() == [[expected]]
    assert np.array(F.pad(pil, [2, 0], fill=9, padding_mode=mode)).tolist() == [expected]
    f = F.pad(t.float(), [2, 0], fill=9, padding_mode=mode)
    assert f.dtype == ember.float32 and f.tolist() == [[[float(x) for x in expected]]]


@pytest.mark.parametrize('mode', ['constant', 'edge', 'reflect', 'symmetric'])
@pytest.mark.parametrize('padding', [1, [1, 2], (2, 1, 0, 2), [-1, 1, 1, 0]])
def test_pad_pil_and_tensor_agree(mode, padding):
    rgb = np.arange(3 * 4 * 3, dtype=np.uint8).reshape(3, 4, 3)
    pil, t = _both(rgb)
    out = T.Pad(padding, fill=7, padding_mode=mode)(t)
    np.testing.assert_array_equal(_np(out), _pil_np(T.Pad(padding, fill=7,
                                                           padding_mode=mode)(pil)))


def test_pad_constant_batched_and_fill_per_channel_pil():
    t = ember.ones(2, 3, 1, 1)
    out = F.pad(t, (1, 0, 0, 0), fill=0.5)
    assert out.shape == (2, 3, 1, 2) and out[1, 2].tolist() == [[0.5, 1.0]]
    pil = Image.new('RGB', (1, 1), (1, 2, 3))
    assert np.array(F.pad(pil, 1, fill=(9, 8, 7)))[0, 0].tolist() == [9, 8, 7]


def test_pad_errors():
    t = ember.ones(1, 2, 2)
    with pytest.raises(TypeError, match='Got inappropriate padding arg'):
        T.Pad('1')
    with pytest.raises(TypeError, match='Got inappropriate fill arg'):
        T.Pad(1, fill='x')
    with pytest.raises(ValueError, match='Padding mode should be either constant, edge, reflect '
                                         'or symmetric'):
        T.Pad(1, padding_mode='wrap')
    with pytest.raises(ValueError, match='Padding must be an int or a 1, 2, or 4 element tuple, '
                                         'not a 3 element tuple'):
        T.Pad((1, 2, 3))
    with pytest.raises(ValueError, match='Padding must be an int or a 1, 2, or 4 element tuple'):
        F.pad(t, [1, 2, 3])
    with pytest.raises(TypeError, match='Got inappropriate fill arg'):
        F.pad(t, 1, fill=(1, 2))


# ---- resizing ---------------------------------------------------------------------------------

def test_resize_nearest_2x_upsample_hand_computed():
    t = ember.tensor([[[1, 2], [3, 4]]], dtype=ember.uint8)
    out = F.resize(t, [4, 4], interpolation=IM.NEAREST)
    assert out.dtype == ember.uint8
    assert out.tolist() == [[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]
    pil = Image.fromarray(np.array([[1, 2], [3, 4]], np.uint8))
    assert np.array(F.resize(pil, [4, 4], interpolation=IM.NEAREST)).tolist() == out.tolist()[0]


@pytest.mark.parametrize('mode', [IM.NEAREST, IM.NEAREST_EXACT, IM.BILINEAR, IM.BICUBIC])
@pytest.mark.parametrize('antialias', [True, False])
def test_resize_constant_image_stays_constant(mode, antialias):
    t = ember.full((3, 7, 5), 0.25)
    out = F.resize(t, [4, 11], interpolation=mode, antialias=antialias)
    assert out.shape == (3, 4, 11)
    np.testing.assert_allclose(_np(out), 0.25, rtol=0, atol=1e-6)   # weights sum to 1 +- ulp
    u = F.resize(ember.full((1, 7, 5), 200, dtype=ember.uint8), [3, 9], interpolation=mode,
                 antialias=antialias)
    assert u.dtype == ember.uint8 and set(_np(u).ravel().tolist()) == {200}


def test_resize_int_size_keeps_aspect_and_max_size():
    t = ember.zeros(1, 10, 20)
    assert F.resize(t, 5).shape == (1, 5, 10)
    assert F.resize(t, [5]).shape == (1, 5, 10)
    assert T.Resize(7, max_size=12)(t).shape == (1, 6, 12)      # long edge capped, short scaled
    assert T.Resize((3, 4))(t).shape == (1, 3, 4)
    assert F.resize(t, [10, 20]) is t                           # no-op returns the input
    pil = Image.new('L', (20, 10))
    assert T.Resize(5)(pil).size == (10, 5)


@pytest.mark.parametrize('mode', ['bilinear', 'bicubic'])
@pytest.mark.parametrize('shape, size', [((3, 32, 32), [13, 29]), ((2, 3, 17, 9), [40, 20]),
                                         ((1, 28, 28), [8, 8]), ((3, 50, 40), [20, 31])])
def test_resize_antialias_bit_exact_with_torch_interpolate(mode, shape, size):
    rng = np.random.default_rng(sum(shape) + size[0])
    a = rng.integers(0, 256, shape).astype(np.uint8)
    x = torch.from_numpy(a).float()
    x4 = x if x.ndim == 4 else x[None]
    ref = torch.nn.functional.interpolate(x4, size=size, mode=mode, align_corners=False,
                                          antialias=True).reshape(*shape[:-2], *size)
    out = F.resize(ember.from_numpy(a.astype(np.float32)), size, interpolation=IM(mode))
    np.testing.assert_array_equal(_np(out), ref.numpy())
    # uint8 images go through float32, are rounded (and clamped for bicubic) and cast back
    ref8 = (ref.clamp(0, 255) if mode == 'bicubic' else ref).round().to(torch.uint8)
    out8 = F.resize(ember.from_numpy(a), size, interpolation=IM(mode))
    assert out8.dtype == ember.uint8
    np.testing.assert_array_equal(_np(out8), ref8.numpy())


@pytest.mark.parametrize('mode', ['nearest', 'nearest-exact', 'bilinear', 'bicubic'])
def test_resize_without_antialias_matches_torch_interpolate(mode):
    rng = np.random.default_rng(3)
    a = rng.random((2, 3, 9, 13)).astype(np.float32)
    align = False if mode in ('bilinear', 'bicubic') else None
    ref = torch.nn.functional.interpolate(torch.from_numpy(a), size=(5, 20), mode=mode,
                                          align_corners=align)
    out = F.resize(ember.from_numpy(a), [5, 20], interpolation=IM(mode), antialias=False)
    np.testing.assert_allclose(_np(out), ref.numpy(), rtol=0, atol=2e-6)


def test_resize_pil_and_tensor_are_close():
    rng = np.random.default_rng(5)
    a = rng.integers(0, 256, (30, 24, 3)).astype(np.uint8)
    pil, t = _both(a)
    for mode in (IM.BILINEAR, IM.BICUBIC):
        p = _pil_np(F.resize(pil, [11, 17], interpolation=mode)).astype(int)
        e = _np(F.resize(t, [11, 17], interpolation=mode)).astype(int)
        assert np.abs(p - e).max() <= 1


def test_resize_five_dims_and_grayscale_2d():
    t = ember.ones(2, 2, 1, 6, 6)
    assert F.resize(t, [3, 3]).shape == (2, 2, 1, 3, 3)
    assert F.resize(ember.ones(6, 6), [3, 2]).shape == (3, 2)


def test_resized_crop():
    t = ember.arange(16, dtype=ember.float32).view(1, 4, 4)
    out = F.resized_crop(t, 1, 1, 2, 2, [4, 4], interpolation=IM.NEAREST)
    assert out.tolist() == [[[5.0, 5.0, 6.0, 6.0], [5.0, 5.0, 6.0, 6.0],
                             [9.0, 9.0, 10.0, 10.0], [9.0, 9.0, 10.0, 10.0]]]


# ---- rotation and affine ----------------------------------------------------------------------

@pytest.mark.parametrize('n', [4, 5])
def test_rotate_90_square_equals_rot90(n):
    a = np.arange(2 * n * n, dtype=np.float32).reshape(2, n, n)
    t = ember.from_numpy(a)
    for angle, k in [(90.0, 1), (180.0, 2), (-90.0, -1), (270, 3)]:
        expected = torch.rot90(torch.from_numpy(a), k, dims=(-2, -1)).numpy()
        np.testing.assert_array_equal(_np(F.rotate(t, angle)), expected)
        np.testing.assert_array_equal(_np(F.rotate(t, angle, IM.BILINEAR)), expected)
    assert F.rotate(t, 0.0).tolist() == a.tolist()
    pil = Image.fromarray(a[0].astype(np.uint8))
    np.testing.assert_array_equal(np.array(F.rotate(pil, 90.0)), np.rot90(a[0]).astype(np.uint8))


def test_rotate_expand_shape_and_fill():
    t = ember.ones(1, 3, 4)
    # torchvision's tensor path shifts the rotated corners by the *input* centre before the
    # ceil/floor, so a 3x4 image rotated by 90 degrees with expand=True becomes 5x4
    assert F.rotate(t, 90.0, expand=True).shape == (1, 5, 4)
    assert F.rotate(ember.ones(1, 4, 4), 90.0, expand=True).shape == (1, 4, 4)
    assert F.rotate(ember.ones(1, 4, 4), 45.0, expand=True).shape == (1, 6, 6)
    filled = F.rotate(ember.ones(1, 4, 4), 45.0, fill=[0.5])
    assert _np(filled)[0, 0, 0] == 0.5 and _np(filled)[0, 2, 2] == 1.0
    pil = Image.new('L', (4, 3), 1)
    assert F.rotate(pil, 90.0, expand=True).size == (3, 4)


def _torch_grid_warp(img, matrix, mode, fill):
    """Reference: warp with torch ops (pixel centres relative to the image centre, mapped by
    the inverse matrix, normalised by the half size), fill outside."""
    c, h, w = img.shape
    ys, xs = torch.meshgrid(torch.arange(h) - h / 2 + 0.5, torch.arange(w) - w / 2 + 0.5,
                            indexing='ij')
    m = torch.tensor(matrix, dtype=torch.float64).view(2, 3)
    pts = torch.stack([xs, ys, torch.ones_like(xs)], -1).double() @ m.T
    grid = (pts / torch.tensor([w / 2, h / 2], dtype=torch.float64)).float()[None]
    if fill is None:
        return torch.nn.functional.grid_sample(img[None], grid, mode=mode, padding_mode='zeros',
                                               align_corners=False)[0]
    x = torch.cat([img, torch.ones(1, h, w)], 0)[None]
    out = torch.nn.functional.grid_sample(x, grid, mode=mode, padding_mode='zeros',
                                          align_corners=False)[0]
    mask = out[-1:]
    out = out[:-1]
    if mode == 'nearest':
        return torch.where(mask < 0.5, torch.tensor(fill), out)
    return out * mask + (1 - mask) * fill


@pytest.mark.parametrize('mode', ['nearest', 'bilinear'])
def test_rotate_arbitrary_angle_matches_grid_sample_reference(mode):
    rng = np.random.default_rng(7)
    a = rng.random((2, 7, 9)).astype(np.float32)
    out = F.rotate(ember.from_numpy(a), 30.0, interpolation=IM(mode), fill=[0.25, 0.25])
    rot = math.radians(30.0)            # the grid rotates by -angle
    matrix = [math.cos(rot), -math.sin(rot), 0.0, math.sin(rot), math.cos(rot), 0.0]
    ref = _torch_grid_warp(torch.from_numpy(a), matrix, mode, 0.25)
    np.testing.assert_allclose(_np(out), ref.numpy(), rtol=0, atol=1e-5)


def test_affine_integer_translation_shifts_with_zero_fill():
    a = np.arange(12, dtype=np.uint8).reshape(3, 4)
    pil, t = _both(a)
    out = F.affine(t, angle=0.0, translate=[1, 1], scale=1.0, shear=[0.0, 0.0])
    expected = [[0, 0, 0, 0], [0, 0, 1, 2], [0, 4, 5, 6]]
    assert out.dtype == ember.uint8 and out.tolist() == [expected]
    assert np.array(F.affine(pil, 0.0, [1, 1], 1.0, 0.0)).tolist() == expected


def test_affine_scale_about_center_matches_reference():
    rng = np.random.default_rng(8)
    a = rng.random((1, 6, 6)).astype(np.float32)
    out = F.affine(ember.from_numpy(a), 10.0, [1, -1], 1.2, [5.0, 3.0],
                   interpolation=IM.BILINEAR)
    from ember.vision.transforms._geometry import inverse_affine_matrix
    matrix = inverse_affine_matrix([0.0, 0.0], 10.0, [1.0, -1.0], 1.2, [5.0, 3.0])
    ref = _torch_grid_warp(torch.from_numpy(a), matrix, 'bilinear', None)
    np.testing.assert_allclose(_np(out), ref.numpy(), rtol=0, atol=1e-5)


def test_affine_and_rotate_errors():
    t = ember.ones(1, 4, 4)
    with pytest.raises(TypeError, match='Argument angle should be int or float'):
        F.rotate(t, '90')
    with pytest.raises(TypeError, match='Argument translate should be a sequence'):
        F.affine(t, 0.0, 1, 1.0, 0.0)
    with pytest.raises(ValueError, match='Argument translate should be a sequence of length 2'):
        F.affine(t, 0.0, [1], 1.0, 0.0)
    with pytest.raises(ValueError, match='Argument scale should be positive'):
        F.affine(t, 0.0, [0, 0], 0.0, 0.0)
    with pytest.raises(ValueError, match="Interpolation mode 'bicubic' is unsupported with "
                                         'Tensor input'):
        F.rotate(t, 10.0, interpolation=IM.BICUBIC)
    with pytest.raises(ValueError, match="The number of elements in 'fill' cannot broadcast"):
        F.rotate(t, 10.0, fill=[1.0, 2.0])


# ---- RandomCrop forward -----------------------------------------------------------------------

def test_random_crop_padding_and_pad_if_needed():
    t = ember.ones(1, 2, 2)
    out = T.RandomCrop(4, padding=1)(t)          # padded to 4x4: the only crop is all of it
    assert out.tolist() == [[[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]]]
    out = T.RandomCrop((3, 5), pad_if_needed=True, fill=2)(t)   # pads 3 each side of width
    assert out.shape == (1, 3, 5)
    assert T.RandomCrop(2)(t) is not None and T.RandomCrop(2)(t).tolist() == t.tolist()
    with pytest.raises(ValueError, match=r'Required crop size \(3, 3\) is larger than input '
                                         r'image size \(2, 2\)'):
        T.RandomCrop(3)(t)


def test_five_and_ten_crop():
    pil, t = _both(_img3x4())
    tl, tr, bl, br, center = T.FiveCrop(2)(t)
    assert [tl.tolist(), tr.tolist(), bl.tolist(), br.tolist(), center.tolist()] == [
        [[[0, 1], [4, 5]]], [[[2, 3], [6, 7]]], [[[4, 5], [8, 9]]], [[[6, 7], [10, 11]]],
        [[[1, 2], [5, 6]]]]
    crops = T.TenCrop((2, 3))(t)
    assert len(crops) == 10 and crops[5].tolist() == F.hflip(t)[..., :2, :3].tolist()
    vcrops = F.ten_crop(t, 2, vertical_flip=True)
    assert vcrops[5].tolist() == F.vflip(t)[..., :2, :2].tolist()
    for a, b in zip(T.TenCrop(2)(pil), T.TenCrop(2)(t)):
        np.testing.assert_array_equal(_pil_np(a), _np(b))
    assert repr(T.FiveCrop(3)) == 'FiveCrop(size=(3, 3))'
    with pytest.raises(ValueError, match=r'Requested crop size \(4, 4\) is bigger than input '
                                         r'size \(3, 4\)'):
        F.five_crop(t, 4)


@pytest.mark.parametrize('mode', ['bilinear', 'bicubic'])
def test_resize_antialias_gradient_matches_torch(mode):
    a = np.random.default_rng(11).random((1, 2, 9, 7)).astype(np.float32)
    x = ember.from_numpy(a.copy()).requires_grad_()
    y = F.resize(x, [4, 5], interpolation=IM(mode))
    (y * ember.arange(20.0).view(4, 5)).sum().backward()
    tx = torch.from_numpy(a.copy()).requires_grad_()
    ty = torch.nn.functional.interpolate(tx, size=(4, 5), mode=mode, align_corners=False,
                                         antialias=True)
    (ty * torch.arange(20.0).view(4, 5)).sum().backward()
    np.testing.assert_allclose(_np(y), ty.detach().numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(_np(x.grad), tx.grad.numpy(), rtol=0, atol=1e-5)


def test_resize_pil_only_modes():
    pil = Image.new('L', (8, 8), 3)
    assert F.resize(pil, [4, 4], interpolation=IM.LANCZOS).size == (4, 4)
    with pytest.raises(NotImplementedError, match='got lanczos'):
        F.resize(ember.ones(1, 8, 8), [4, 4], interpolation=IM.LANCZOS)


@pytest.mark.parametrize('mode', ['constant', 'edge', 'reflect', 'symmetric'])
def test_pad_five_dim_batches_pad_only_height_and_width(mode):
    x = ember.rand(2, 2, 3, 4, 5)
    out = F.pad(x, [1, 2], padding_mode=mode)
    assert out.shape == (2, 2, 3, 8, 7)
    np.testing.assert_array_equal(_np(out)[1, 0], _np(F.pad(x[1, 0], [1, 2], padding_mode=mode)))
