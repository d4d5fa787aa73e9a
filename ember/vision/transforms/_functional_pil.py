"""The PIL side of ``ember.vision.transforms.functional`` (as torchvision's ``_functional_pil``).

Pillow is an optional extra: it is imported only when a PIL image is actually handled, so
NumPy-only programs (``ToTensor`` on arrays, the bundled Digits dataset) never need it.

>>> from ember.vision.transforms import _functional_pil as F_pil
>>> F_pil._is_pil_image(object())
False
"""
import numbers
import sys

import numpy as np

_EXTRA_HINT = 'pip install "ember[vision]"'


def _pil():
    """Import ``PIL.Image`` (the optional pillow extra) or say how to install it."""
    try:
        from PIL import Image
    except ImportError as e:                     # pragma: no cover - pillow is installed here
        raise ImportError('PIL images need the optional pillow package, which is not installed. '
                          f'Install it with: {_EXTRA_HINT}') from e
    return Image


def _is_pil_image(img):
    # A PIL image can only exist if PIL.Image was imported: no import needed to check.
    mod = sys.modules.get('PIL.Image')
    return mod is not None and isinstance(img, mod.Image)


def _check(img):
    if not _is_pil_image(img):
        raise TypeError(f'img should be PIL Image. Got {type(img)}')


def get_dimensions(img):
    if _is_pil_image(img):
        width, height = img.size
        return [len(img.getbands()), height, width]
    raise TypeError(f'Unexpected type {type(img)}. Expected a PIL Image or an ember Tensor '
                    'image of shape (..., C, H, W); convert a NumPy array with '
                    'transforms.ToTensor() first.')


def get_image_size(img):
    if _is_pil_image(img):
        return list(img.size)
    raise TypeError(f'Unexpected type {type(img)}. Expected a PIL Image or an ember Tensor.')


def get_image_num_channels(img):
    if _is_pil_image(img):
        return len(img.getbands())
    raise TypeError(f'Unexpected type {type(img)}. Expected a PIL Image or an ember Tensor.')


def hflip(img):
    _check(img)
    return img.transpose(_pil().FLIP_LEFT_RIGHT)


def vflip(img):
    _check(img)
    return img.transpose(_pil().FLIP_TOP_BOTTOM)


def _enhance(img, kind, factor):
    _check(img)
    from PIL import ImageEnhance
    return getattr(ImageEnhance, kind)(img).enhance(factor)


def adjust_brightness(img, brightness_factor):
    return _enhance(img, 'Brightness', brightness_factor)


def adjust_contrast(img, contrast_factor):
    return _enhance(img, 'Contrast', contrast_factor)


def adjust_saturation(img, saturation_factor):
    return _enhance(img, 'Color', saturation_factor)


def adjust_hue(img, hue_factor):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f'hue_factor ({hue_factor}) is not in [-0.5, 0.5].')
    _check(img)
    Image = _pil()
    mode = img.mode
    if mode in {'L', '1', 'I', 'F'}:
        return img
    h, s, v = img.convert('HSV').split()
    np_h = np.array(h, dtype=np.uint8)
    np_h += np.int32(hue_factor * 255).astype(np.uint8)     # wraps around, as intended
    h = Image.fromarray(np_h, 'L')
    return Image.merge('HSV', (h, s, v)).convert(mode)


def _parse_fill(fill, img, name='fillcolor'):
    channels = get_image_num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and channels > 1:
        fill = tuple([fill] * channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * channels
        elif len(fill) != channels:
            raise ValueError("The number of elements in 'fill' does not match the number of "
                             f'channels of the image ({len(fill)} != {channels})')
        fill = tuple(fill)
    if img.mode != 'F':
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def pad(img, padding, fill=0, padding_mode='constant'):
    _check(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError('Got inappropriate padding arg')
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError('Got inappropriate fill arg')
    if not isinstance(padding_mode, str):
        raise TypeError('Got inappropriate padding_mode arg')
    if isinstance(padding, list):
        padding = tuple(padding)
    if isinstance(padding, tuple) and len(padding) not in (1, 2, 4):
        raise ValueError('Padding must be an int or a 1, 2, or 4 element tuple, not a '
                         f'{len(padding)} element tuple')
    if isinstance(padding, tuple) and len(padding) == 1:
        padding = padding[0]
    if padding_mode not in ('constant', 'edge', 'reflect', 'symmetric'):
        raise ValueError('Padding mode should be either constant, edge, reflect or symmetric')
    Image = _pil()
    if padding_mode == 'constant':
        from PIL import ImageOps
        opts = _parse_fill(fill, img, name='fill')
        if img.mode == 'P':
            palette = img.getpalette()
            out = ImageOps.expand(img, border=padding, **opts)
            out.putpalette(palette)
            return out
        return ImageOps.expand(img, border=padding, **opts)
    if isinstance(padding, numbers.Number):
        left = top = right = bottom = padding
    elif len(padding) == 2:
        left = right = padding[0]
        top = bottom = padding[1]
    else:
        left, top, right, bottom = padding
    p = [left, top, right, bottom]
    crop = [-min(v, 0) for v in p]
    if any(crop):
        img = img.crop((crop[0], crop[1], img.width - crop[2], img.height - crop[3]))
    left, top, right, bottom = [max(v, 0) for v in p]
    palette = img.getpalette() if img.mode == 'P' else None
    arr = np.asarray(img)
    widths = ((top, bottom), (left, right)) + ((0, 0),) * (arr.ndim - 2)
    out = Image.fromarray(np.pad(arr, widths, mode=padding_mode))
    if palette is not None:
        out.putpalette(palette)
    return out


def crop(img, top, left, height, width):
    _check(img)
    return img.crop((left, top, left + width, top + height))


def resize(img, size, interpolation=2):
    _check(img)
    if not (isinstance(size, list) and len(size) == 2):
        raise TypeError(f'Got inappropriate size arg: {size}')
    return img.resize(tuple(size[::-1]), interpolation)


def affine(img, matrix, interpolation=0, fill=None):
    _check(img)
    opts = _parse_fill(fill, img)
    return img.transform(img.size, _pil().AFFINE, matrix, interpolation, **opts)


def rotate(img, angle, interpolation=0, expand=False, center=None, fill=None):
    _check(img)
    opts = _parse_fill(fill, img)
    return img.rotate(angle, interpolation, expand, center, **opts)


def to_grayscale(img, num_output_channels):
    _check(img)
    if num_output_channels == 1:
        return img.convert('L')
    if num_output_channels == 3:
        g = np.array(img.convert('L'), dtype=np.uint8)
        return _pil().fromarray(np.dstack([g, g, g]), 'RGB')
    raise ValueError('num_output_channels should be either 1 or 3')
