"""ember.vision.transforms colour ops: grayscale, brightness, contrast, saturation, hue,
Gaussian blur and erasing, against hand-computed values and torch ops."""
import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

torch = pytest.importorskip('torch')
Image = pytest.importorskip('PIL.Image')


def _np(t):
    return t.detach().numpy()


def _rgb_u8():
    return np.array([[[100, 150, 200], [255, 0, 0], [10, 20, 30]],
                     [[0, 0, 0], [255, 255, 255], [90, 60, 30]]], dtype=np.uint8)   # (H, W, 3)


def _chw(a):
    return ember.from_numpy(a.transpose(2, 0, 1).copy())


# ---- grayscale --------------------------------------------------------------------------------

def test_pil_grayscale_uses_itu_601_weights():
    img = Image.fromarray(_rgb_u8())
    g = np.array(T.Grayscale()(img)).astype(float)
    a = _rgb_u8().astype(float)
    expected = np.floor(0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2] + 0.5)
    np.testing.assert_array_equal(g, expected)       # (100, 150, 200) -> 140.75 -> 141
    assert g[0, 0] == 141
    g3 = T.Grayscale(num_output_channels=3)(img)
    assert g3.mode == 'RGB' and np.array(g3)[0, 0].tolist() == [141, 141, 141]


def test_tensor_grayscale_weights_and_truncation():
    t = _chw(_rgb_u8())
    g = T.Grayscale()(t)
    assert g.shape == (1, 2, 3) and g.dtype == ember.uint8
    r, gg, b = torch.from_numpy(_rgb_u8().transpose(2, 0, 1).copy()).unbind(0)
    ref = (0.2989 * r + 0.587 * gg + 0.114 * b).to(torch.uint8)
    np.testing.assert_array_equal(_np(g)[0], ref.numpy())
    assert g.tolist()[0][0][0] == 140                 # 140.74 is truncated, not rounded
    f = F.rgb_to_grayscale(ember.tensor([[[1.0]], [[0.5]], [[0.25]]]))
    np.testing.assert_array_equal(_np(f), np.float32(0.2989) * np.float32(1.0)
                                  + np.float32(0.587) * np.float32(0.5)
                                  + np.float32(0.114) * np.float32(0.25))
    g3 = T.Grayscale(3)(t)
    assert g3.shape == (3, 2, 3) and (g3[0] == g3[2]).all()
    one = ember.ones(1, 2, 2)
    assert T.Grayscale(3)(one).shape == (1, 2, 2)     # torchvision keeps 1-channel images
    batch = ember.stack([t, t])
    assert T.Grayscale()(batch).shape == (2, 1, 2, 3)


def test_grayscale_errors():
    with pytest.raises(TypeError, match='Input image tensor permitted channel values are '
                                        r'\[1, 3\], but found 4'):
        F.rgb_to_grayscale(ember.zeros(4, 2, 2))
    with pytest.raises(TypeError, match='Input image tensor should have at least 3 dimensions, '
                                        'but found 2'):
        F.rgb_to_grayscale(ember.zeros(2, 2))
    with pytest.raises(ValueError, match='num_output_channels should be either 1 or 3'):
        F.rgb_to_grayscale(ember.zeros(3, 2, 2), 2)
    with pytest.raises(TypeError, match='Input should be PIL Image'):
        F.to_grayscale(ember.zeros(3, 2, 2))


# ---- brightness / contrast / saturation -------------------------------------------------------

def test_adjust_brightness_float_and_uint8():
    f = F.adjust_brightness(ember.tensor([[[0.2, 0.8]]]), 1.5)
    np.testing.assert_array_equal(_np(f), [[[np.float32(1.5) * np.float32(0.2), 1.0]]])
    u = F.adjust_brightness(ember.tensor([[[100, 200, 101]]], dtype=ember.uint8), 1.3)
    assert u.dtype == ember.uint8 and u.tolist() == [[[130, 255, 131]]]   # 131.3 truncated
    assert F.adjust_brightness(ember.tensor([[[0.5]]]), 0.0).tolist() == [[[0.0]]]
    pil = Image.fromarray(_rgb_u8())
    p = np.array(F.adjust_brightness(pil, 1.3)).astype(int).transpose(2, 0, 1)
    e = _np(F.adjust_brightness(_chw(_rgb_u8()), 1.3)).astype(int)
    assert np.abs(p - e).max() <= 1
    with pytest.raises(ValueError, match=r'brightness_factor \(-1\) is not non-negative.'):
        F.adjust_brightness(ember.ones(1, 1, 1), -1)


def test_adjust_contrast_blends_with_mean_gray():
    f = F.adjust_contrast(ember.tensor([[[0.2, 0.8]]]), 0.0)
    np.testing.assert_allclose(_np(f), 0.5, rtol=1e-7)
    f = F.adjust_contrast(ember.tensor([[[0.2, 0.8]]]), 2.0)
    np.testing.assert_allclose(_np(f), [[[0.0, 1.0]]], atol=1e-7)      # clamped to [0, 1]
    t = torch.from_numpy(_rgb_u8().transpose(2, 0, 1).copy())
    r, g, b = t.unbind(0)
    gray = (0.2989 * r + 0.587 * g + 0.114 * b).to(torch.uint8).to(torch.float32)
    mean = gray.mean()
    ref = (0.7 * t + (1.0 - 0.7) * mean).clamp(0, 255).to(torch.uint8)
    out = F.adjust_contrast(_chw(_rgb_u8()), 0.7)
    np.testing.assert_array_equal(_np(out), ref.numpy())
    pil = Image.fromarray(_rgb_u8())
    p = np.array(F.adjust_contrast(pil, 0.7)).astype(int).transpose(2, 0, 1)
    assert np.abs(p - _np(out).astype(int)).max() <= 2
    with pytest.raises(ValueError, match=r'contrast_factor \(-0.5\) is not non-negative.'):
        F.adjust_contrast(ember.ones(1, 1, 1), -0.5)


def test_adjust_saturation():
    t = ember.tensor([[[1.0]], [[0.5]], [[0.25]]])
    gray = F.rgb_to_grayscale(t)
    out = F.adjust_saturation(t, 0.0)
    np.testing.assert_array_equal(_np(out), np.broadcast_to(_np(gray), (3, 1, 1)))
    np.testing.assert_allclose(_np(F.adjust_saturation(t, 1.0)), _np(t), atol=1e-7)
    two = F.adjust_saturation(t, 2.0)
    np.testing.assert_allclose(_np(two).ravel(),
                               np.clip(2 * _np(t).ravel() - _np(gray).ravel(), 0, 1), atol=1e-6)
    one = ember.ones(1, 2, 2)
    assert F.adjust_saturation(one, 0.3) is one
    pil = Image.fromarray(_rgb_u8())
    p = np.array(F.adjust_saturation(pil, 0.4)).astype(int).transpose(2, 0, 1)
    e = _np(F.adjust_saturation(_chw(_rgb_u8()), 0.4)).astype(int)
    assert np.abs(p - e).max() <= 2


# ---- hue --------------------------------------------------------------------------------------

@pytest.mark.parametrize('rgb, factor, expected', [
    ((1.0, 0.0, 0.0), 1 / 3, (0.0, 1.0, 0.0)),        # red -> green
    ((1.0, 0.0, 0.0), -1 / 3, (0.0, 0.0, 1.0)),       # red -> blue
    ((1.0, 0.0, 0.0), 0.5, (0.0, 1.0, 1.0)),          # red -> cyan
    ((0.0, 0.5, 0.0), 1 / 6, (0.0, 0.5, 0.5)),        # green -> cyan at half value
    ((0.4, 0.4, 0.4), 0.25, (0.4, 0.4, 0.4)),         # gray has no hue
])
def test_adjust_hue_hand_computed(rgb, factor, expected):
    t = ember.tensor(rgb).view(3, 1, 1)
    out = F.adjust_hue(t, factor)
    np.testing.assert_allclose(_np(out).ravel(), expected, atol=1e-6)


def test_adjust_hue_uint8_identity_batch_and_pil():
    t = _chw(_rgb_u8())
    out = F.adjust_hue(t, 0.0)
    assert out.dtype == ember.uint8
    assert np.abs(_np(out).astype(int) - _rgb_u8().transpose(2, 0, 1)).max() <= 1
    batch = ember.stack([t.float() / 255, t.float() / 255])
    assert F.adjust_hue(batch, 0.1).shape == (2, 3, 2, 3)
    one = ember.ones(1, 2, 2)
    assert F.adjust_hue(one, 0.2) is one
    pil = Image.fromarray(_rgb_u8())
    p = np.array(F.adjust_hue(pil, 0.2)).astype(int).transpose(2, 0, 1)
    e = _np(F.adjust_hue(t, 0.2)).astype(int)
    assert np.abs(p - e).mean() < 3
    assert F.adjust_hue(Image.new('L', (1, 1)), 0.2).mode == 'L'
    with pytest.raises(ValueError, match=r'hue_factor \(0.6\) is not in \[-0.5, 0.5\].'):
        F.adjust_hue(t, 0.6)


# ---- Gaussian blur ----------------------------------------------------------------------------

def _torch_blur(x, ksize, sigma):
    def k1(k, s):
        half = (k - 1) * 0.5
        pdf = torch.exp(-0.5 * (torch.linspace(-half, half, steps=k) / s).pow(2))
        return pdf / pdf.sum()
    kernel = torch.mm(k1(ksize[1], sigma[1])[:, None], k1(ksize[0], sigma[0])[None, :])
    c = x.shape[-3]
    kernel = kernel.expand(c, 1, *kernel.shape)
    p = [ksize[0] // 2, ksize[0] // 2, ksize[1] // 2, ksize[1] // 2]
    y = torch.nn.functional.pad(x[None], p, mode='reflect')
    return torch.nn.functional.conv2d(y, kernel, groups=c)[0]


def test_gaussian_blur_matches_torch_conv():
    rng = np.random.default_rng(2)
    a = rng.random((3, 9, 11)).astype(np.float32)
    out = F.gaussian_blur(ember.from_numpy(a), [3, 5], [0.8, 1.7])
    ref = _torch_blur(torch.from_numpy(a), [3, 5], [0.8, 1.7])
    np.testing.assert_allclose(_np(out), ref.numpy(), rtol=0, atol=2e-6)
    u = rng.integers(0, 256, (1, 6, 7)).astype(np.uint8)
    out8 = F.gaussian_blur(ember.from_numpy(u), 3)          # default sigma 0.8
    ref8 = _torch_blur(torch.from_numpy(u).float(), [3, 3], [0.8, 0.8]).round()
    assert out8.dtype == ember.uint8
    assert np.abs(_np(out8).astype(int) - ref8.numpy().astype(int)).max() <= 1
    assert F.gaussian_blur(ember.full((2, 3, 5, 5), 0.5), 5, 2.0).shape == (2, 3, 5, 5)
    np.testing.assert_allclose(_np(F.gaussian_blur(ember.full((1, 5, 5), 0.5), 5, 2.0)), 0.5,
                               atol=1e-6)


def test_gaussian_blur_pil_goes_through_tensor_path():
    a = np.arange(30, dtype=np.uint8).reshape(5, 6) * 8
    out = F.gaussian_blur(Image.fromarray(a), 3, 1.0)
    assert out.mode == 'L'
    ref = F.gaussian_blur(ember.from_numpy(a[None]), 3, 1.0)
    np.testing.assert_array_equal(np.array(out), _np(ref)[0])


def test_gaussian_blur_errors():
    t = ember.ones(1, 5, 5)
    with pytest.raises(ValueError, match='Kernel size value should be an odd and positive number'):
        T.GaussianBlur(4)
    with pytest.raises(ValueError, match='If sigma is a single number, it must be positive.'):
        T.GaussianBlur(3, sigma=0)
    with pytest.raises(ValueError, match=r'sigma values should be positive and of the form '
                                         r'\(min, max\)'):
        T.GaussianBlur(3, sigma=(2.0, 1.0))
    with pytest.raises(ValueError, match='kernel_size should have odd and positive integers'):
        F.gaussian_blur(t, [3, 4])
    with pytest.raises(TypeError, match='kernel_size should be int or a sequence of integers'):
        F.gaussian_blur(t, 3.0)
    with pytest.raises(ValueError, match='sigma should have positive values'):
        F.gaussian_blur(t, 3, -1.0)


# ---- erase ------------------------------------------------------------------------------------

def test_erase_box_and_inplace():
    t = ember.ones(2, 3, 4)
    out = F.erase(t, 1, 2, 2, 1, ember.tensor([5.0, 7.0])[:, None, None])
    expected = np.ones((2, 3, 4), np.float32)
    expected[0, 1:3, 2:3] = 5.0
    expected[1, 1:3, 2:3] = 7.0
    np.testing.assert_array_equal(_np(out), expected)
    assert t.sum().item() == 24.0                     # not in place
    same = F.erase(t, 0, 0, 1, 1, ember.tensor(0.0), inplace=True)
    assert same is t and t[0, 0, 0].item() == 0.0
    with pytest.raises(TypeError, match='img should be Tensor Image'):
        F.erase(Image.new('L', (2, 2)), 0, 0, 1, 1, ember.tensor(0.0))
