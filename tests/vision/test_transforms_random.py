"""Random transforms draw from ember's generator exactly as torchvision draws from torch's.

torchvision cannot be installed here, so each test re-implements torchvision's draw sequence
with torch calls (the same calls, in the same order) and checks that after
``ember.manual_seed(s)`` / ``torch.manual_seed(s)`` the parameters, and the generator state
afterwards, are identical.
"""
import math

import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

torch = pytest.importorskip('torch')
Image = pytest.importorskip('PIL.Image')

SEEDS = [0, 1, 7, 42, 1234]


def _seed(s):
    ember.manual_seed(s)
    torch.manual_seed(s)


def _same_state():
    """Both generators are at the same place: their next draws agree."""
    return ember.empty((), dtype=ember.int64).random_().item() == \
        torch.empty((), dtype=torch.int64).random_().item()


# ---- torchvision's draw sequences, written with torch -------------------------------------------

def tv_random_crop(h, w, th, tw):
    if w == tw and h == th:
        return 0, 0, h, w
    i = torch.randint(0, h - th + 1, size=(1,)).item()
    j = torch.randint(0, w - tw + 1, size=(1,)).item()
    return i, j, th, tw


def tv_random_resized_crop(height, width, scale, ratio):
    area = height * width
    log_ratio = torch.log(torch.tensor(ratio))
    for _ in range(10):
        target_area = area * torch.empty(1).uniform_(scale[0], scale[1]).item()
        aspect_ratio = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        w = int(round(math.sqrt(target_area * aspect_ratio)))
        h = int(round(math.sqrt(target_area / aspect_ratio)))
        if 0 < w <= width and 0 < h <= height:
            i = torch.randint(0, height - h + 1, size=(1,)).item()
            j = torch.randint(0, width - w + 1, size=(1,)).item()
            return i, j, h, w
    in_ratio = float(width) / float(height)
    if in_ratio < min(ratio):
        w = width
        h = int(round(w / min(ratio)))
    elif in_ratio > max(ratio):
        h = height
        w = int(round(h * max(ratio)))
    else:
        w, h = width, height
    return (height - h) // 2, (width - w) // 2, h, w


def tv_rotation(degrees):
    return float(torch.empty(1).uniform_(float(degrees[0]), float(degrees[1])).item())


def tv_affine(degrees, translate, scale_ranges, shears, img_size):
    angle = float(torch.empty(1).uniform_(float(degrees[0]), float(degrees[1])).item())
    if translate is not None:
        max_dx = float(translate[0] * img_size[0])
        max_dy = float(translate[1] * img_size[1])
        tx = int(round(torch.empty(1).uniform_(-max_dx, max_dx).item()))
        ty = int(round(torch.empty(1).uniform_(-max_dy, max_dy).item()))
        translations = (tx, ty)
    else:
        translations = (0, 0)
    scale = 1.0
    if scale_ranges is not None:
        scale = float(torch.empty(1).uniform_(scale_ranges[0], scale_ranges[1]).item())
    shear_x = shear_y = 0.0
    if shears is not None:
        shear_x = float(torch.empty(1).uniform_(shears[0], shears[1]).item())
        if len(shears) == 4:
            shear_y = float(torch.empty(1).uniform_(shears[2], shears[3]).item())
    return angle, translations, scale, (shear_x, shear_y)


def tv_color_jitter(b, c, s, h):
    fn_idx = torch.randperm(4)
    b = None if b is None else float(torch.empty(1).uniform_(b[0], b[1]))
    c = None if c is None else float(torch.empty(1).uniform_(c[0], c[1]))
    s = None if s is None else float(torch.empty(1).uniform_(s[0], s[1]))
    h = None if h is None else float(torch.empty(1).uniform_(h[0], h[1]))
    return fn_idx.tolist(), b, c, s, h


def tv_erasing(c, img_h, img_w, scale, ratio, value):
    area = img_h * img_w
    log_ratio = torch.log(torch.tensor(ratio))
    for _ in range(10):
        erase_area = area * torch.empty(1).uniform_(scale[0], scale[1]).item()
        aspect_ratio = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        h = int(round(math.sqrt(erase_area * aspect_ratio)))
        w = int(round(math.sqrt(erase_area / aspect_ratio)))
        if not (h < img_h and w < img_w):
            continue
        if value is None:
            v = torch.empty([c, h, w], dtype=torch.float32).normal_()
        else:
            v = torch.tensor(value)[:, None, None]
        i = torch.randint(0, img_h - h + 1, size=(1,)).item()
        j = torch.randint(0, img_w - w + 1, size=(1,)).item()
        return i, j, h, w, v
    return 0, 0, img_h, img_w, None


# ---- get_params ---------------------------------------------------------------------------------

@pytest.mark.parametrize('seed', SEEDS)
def test_random_crop_get_params(seed):
    img = ember.zeros(3, 32, 28)
    _seed(seed)
    for size in [(24, 24), (32, 28), (1, 5), (30, 2)]:
        assert T.RandomCrop.get_params(img, size) == tv_random_crop(32, 28, *size)
    assert _same_state()
    pil = Image.new('RGB', (28, 32))
    _seed(seed)
    assert T.RandomCrop.get_params(pil, (10, 10)) == tv_random_crop(32, 28, 10, 10)


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('scale, ratio', [((0.08, 1.0), (3 / 4, 4 / 3)), ((0.5, 0.9), (0.2, 5.0)),
                                          ((0.9, 1.0), (2.0, 3.0)), ((1.5, 2.0), (3 / 4, 4 / 3)),
                                          ((1.5, 2.0), (2.0, 3.0)), ((1.5, 2.0), (0.2, 0.3))])
def test_random_resized_crop_get_params(seed, scale, ratio):
    img = ember.zeros(1, 40, 30)
    _seed(seed)
    for _ in range(5):
        assert T.RandomResizedCrop.get_params(img, scale, ratio) == \
            tv_random_resized_crop(40, 30, scale, ratio)
    assert _same_state()


@pytest.mark.parametrize('seed', SEEDS)
def test_rotation_blur_and_affine_get_params(seed):
    _seed(seed)
    assert T.RandomRotation.get_params([-30.0, 45.0]) == tv_rotation([-30.0, 45.0])
    assert T.GaussianBlur.get_params(0.1, 2.0) == torch.empty(1).uniform_(0.1, 2.0).item()
    for args in [([-10.0, 10.0], None, None, None, [32, 24]),
                 ([0.0, 0.0], (0.1, 0.3), (0.8, 1.2), [-5.0, 5.0], [32, 24]),
                 ([-90.0, 90.0], (0.5, 0.5), None, [-5.0, 5.0, -2.0, 8.0], [7, 11])]:
        assert T.RandomAffine.get_params(*args) == tv_affine(*args)
    assert _same_state()


@pytest.mark.parametrize('seed', SEEDS)
def test_color_jitter_get_params(seed):
    cj = T.ColorJitter(brightness=0.4, contrast=(0.5, 1.5), saturation=0.3, hue=0.1)
    _seed(seed)
    fn_idx, b, c, s, h = cj.get_params(cj.brightness, cj.contrast, cj.saturation, cj.hue)
    assert (fn_idx.tolist(), b, c, s, h) == tv_color_jitter((0.6, 1.4), (0.5, 1.5),
                                                            (0.7, 1.3), (-0.1, 0.1))
    # disabled adjustments draw nothing (but the permutation is always drawn)
    fn_idx, b, c, s, h = cj.get_params(None, (0.9, 1.1), None, None)
    assert (fn_idx.tolist(), b, c, s, h) == tv_color_jitter(None, (0.9, 1.1), None, None)
    assert _same_state()


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('value', [None, [0.5], [1.0, 2.0, 3.0]])
def test_random_erasing_get_params(seed, value):
    img = ember.zeros(3, 20, 16)
    _seed(seed)
    for scale, ratio in [((0.02, 0.33), (0.3, 3.3)), ((0.5, 0.9), (0.5, 2.0)),
                         ((0.95, 1.0), (1.0, 1.0))]:
        i, j, h, w, v = T.RandomErasing.get_params(img, scale, ratio, value)
        ti, tj, th, tw, tv = tv_erasing(3, 20, 16, scale, ratio, value)
        assert (i, j, h, w) == (ti, tj, th, tw)
        if tv is None:
            assert v is img                       # every try failed: the image itself
        else:
            assert v.dtype == ember.float32 and v.shape == tuple(tv.shape)
            np.testing.assert_array_equal(v.numpy(), tv.numpy())
    assert _same_state()


# ---- transforms' forward draws ------------------------------------------------------------------

@pytest.mark.parametrize('seed', SEEDS)
def test_flips_draw_one_rand_each(seed):
    t = ember.arange(6, dtype=ember.float32).view(1, 2, 3)
    hflip, vflip = T.RandomHorizontalFlip(), T.RandomVerticalFlip(p=0.7)
    _seed(seed)
    for _ in range(8):
        out = vflip(hflip(t))
        expected = t
        if torch.rand(1) < 0.5:
            expected = F.hflip(expected)
        if torch.rand(1) < 0.7:
            expected = F.vflip(expected)
        assert out.tolist() == expected.tolist()
    assert _same_state()


@pytest.mark.parametrize('seed', SEEDS)
def test_random_crop_forward_with_padding(seed):
    t = ember.arange(25, dtype=ember.float32).view(1, 5, 5)
    crop = T.RandomCrop(5, padding=2, padding_mode='reflect')
    _seed(seed)
    out = crop(t)
    i, j, h, w = tv_random_crop(9, 9, 5, 5)
    expected = F.crop(F.pad(t, 2, padding_mode='reflect'), i, j, h, w)
    assert out.tolist() == expected.tolist()
    assert _same_state()


@pytest.mark.parametrize('seed', SEEDS)
def test_random_resized_crop_forward(seed):
    rng = np.random.default_rng(seed)
    t = ember.from_numpy(rng.random((3, 24, 20)).astype(np.float32))
    rrc = T.RandomResizedCrop((8, 6))
    _seed(seed)
    out = rrc(t)
    i, j, h, w = tv_random_resized_crop(24, 20, (0.08, 1.0), (3 / 4, 4 / 3))
    np.testing.assert_array_equal(out.numpy(), F.resized_crop(t, i, j, h, w, [8, 6]).numpy())
    assert out.shape == (3, 8, 6) and _same_state()


@pytest.mark.parametrize('seed', SEEDS)
def test_rotation_and_affine_forward(seed):
    t = ember.arange(36, dtype=ember.float32).view(1, 6, 6)
    _seed(seed)
    out = T.RandomRotation(45, fill=1)(t)
    angle = tv_rotation([-45.0, 45.0])
    assert out.tolist() == F.rotate(t, angle, fill=[1.0]).tolist()
    aff = T.RandomAffine(20, translate=(0.2, 0.1), scale=(0.9, 1.1), shear=(-4, 4, -2, 2))
    out = aff(t)
    params = tv_affine([-20.0, 20.0], (0.2, 0.1), (0.9, 1.1), [-4.0, 4.0, -2.0, 2.0], [6, 6])
    assert out.tolist() == F.affine(t, *params, fill=[0.0]).tolist()
    assert _same_state()


@pytest.mark.parametrize('seed', SEEDS)
def test_color_jitter_forward_applies_in_drawn_order(seed):
    rng = np.random.default_rng(seed)
    t = ember.from_numpy(rng.random((3, 4, 5)).astype(np.float32))
    cj = T.ColorJitter(0.5, 0.5, 0.5, 0.2)
    _seed(seed)
    out = cj(t)
    order, b, c, s, h = tv_color_jitter((0.5, 1.5), (0.5, 1.5), (0.5, 1.5), (-0.2, 0.2))
    fns = {0: lambda x: F.adjust_brightness(x, b), 1: lambda x: F.adjust_contrast(x, c),
           2: lambda x: F.adjust_saturation(x, s), 3: lambda x: F.adjust_hue(x, h)}
    expected = t
    for k in order:
        expected = fns[k](expected)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
    assert _same_state()


@pytest.mark.parametrize('seed', SEEDS)
def test_random_erasing_forward(seed):
    t = ember.ones(3, 10, 12)
    erase = T.RandomErasing(p=0.6, value='random')
    _seed(seed)
    for _ in range(4):
        out = erase(t)
        if torch.rand(1) < 0.6:
            i, j, h, w, v = tv_erasing(3, 10, 12, (0.02, 0.33), (0.3, 3.3), None)
            expected = t.numpy().copy()
            if v is not None:
                expected[:, i:i + h, j:j + w] = v.numpy()
            np.testing.assert_array_equal(out.numpy(), expected)
        else:
            assert out is t
    assert _same_state()


@pytest.mark.parametrize('seed', SEEDS)
def test_gaussian_blur_grayscale_and_apply_forward(seed):
    t = ember.from_numpy(np.random.default_rng(seed).random((3, 7, 7)).astype(np.float32))
    _seed(seed)
    out = T.GaussianBlur(3, sigma=(0.5, 1.5))(t)
    sigma = torch.empty(1).uniform_(0.5, 1.5).item()
    np.testing.assert_array_equal(out.numpy(), F.gaussian_blur(t, [3, 3], [sigma, sigma]).numpy())
    out = T.RandomGrayscale(p=0.5)(t)
    assert out.shape == (3, 7, 7)
    expected = F.rgb_to_grayscale(t, 3) if torch.rand(1) < 0.5 else t
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
    out = T.RandomApply([T.Lambda(lambda x: x * 0)], p=0.5)(t)
    expected = t if 0.5 < torch.rand(1) else t * 0
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
    assert _same_state()


def test_pipeline_is_reproducible_after_manual_seed():
    rng = np.random.default_rng(0)
    img = Image.fromarray(rng.integers(0, 256, (20, 24, 3)).astype(np.uint8))
    pipeline = T.Compose([T.RandomResizedCrop(12), T.RandomHorizontalFlip(),
                          T.ColorJitter(0.3, 0.3, 0.3, 0.05), T.RandomRotation(10),
                          T.ToTensor(), T.Normalize((0.5,) * 3, (0.5,) * 3),
                          T.RandomErasing(p=1.0)])
    ember.manual_seed(3)
    first = [pipeline(img).numpy() for _ in range(3)]
    ember.manual_seed(3)
    second = [pipeline(img).numpy() for _ in range(3)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])


def test_random_transform_errors():
    with pytest.raises(ValueError, match='If brightness is a single number, it must be non '
                                         'negative.'):
        T.ColorJitter(brightness=-0.1)
    with pytest.raises(ValueError, match=r'hue values should be between \(-0.5, 0.5\), but got '
                                         r'\[-0.6, 0.6\]'):
        T.ColorJitter(hue=0.6)
    with pytest.raises(TypeError, match='contrast should be a single number or a list/tuple with '
                                        'length 2.'):
        T.ColorJitter(contrast=[1, 2, 3])
    with pytest.raises(TypeError, match='Argument value should be either a number or str or a '
                                        'sequence'):
        T.RandomErasing(value={1})
    with pytest.raises(ValueError, match="If value is str, it should be 'random'"):
        T.RandomErasing(value='zeros')
    with pytest.raises(ValueError, match='Scale should be between 0 and 1'):
        T.RandomErasing(scale=(0.1, 1.5))
    with pytest.raises(ValueError, match='Random erasing probability should be between 0 and 1'):
        T.RandomErasing(p=1.5)
    with pytest.raises(TypeError, match='Scale should be a sequence'):
        T.RandomResizedCrop(8, scale=0.5)
    with pytest.warns(UserWarning, match=r'Scale and ratio should be of kind \(min, max\)'):
        T.RandomResizedCrop(8, ratio=(2.0, 1.0))
    ember.manual_seed(0)
    with pytest.raises(ValueError, match='If value is a sequence, it should have either a single '
                                         'value or 3'):
        T.RandomErasing(p=1.0, value=(1, 2))(ember.zeros(3, 8, 8))
    with pytest.raises(TypeError, match='img should be Tensor Image'):
        T.RandomErasing(p=1.0)(Image.new('RGB', (4, 4)))
