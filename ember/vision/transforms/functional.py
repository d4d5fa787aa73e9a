"""``ember.vision.transforms.functional``: the functions behind the transforms (torchvision's
``torchvision.transforms.functional``).

Each function takes a PIL image (pillow extra: ``pip install "ember[vision]"``) or an ember
tensor image shaped (..., C, H, W) and returns the same kind, with torchvision's results.

>>> import ember.vision.transforms.functional as F
>>> F.hflip(ember.tensor([[[1., 2.], [3., 4.]]]))
tensor([[[2., 1.],
         [4., 3.]]])
"""
import numbers
import warnings
from enum import Enum

import ember
from ember._tensor import Tensor

from . import _functional_pil as F_pil, _functional_tensor as F_t, _geometry, _resize
from ._conversion import pil_to_tensor, to_pil_image, to_tensor

__all__ = ['InterpolationMode', 'get_dimensions', 'get_image_size', 'get_image_num_channels',
           'to_tensor', 'pil_to_tensor', 'convert_image_dtype', 'to_pil_image', 'normalize',
           'resize', 'pad', 'crop', 'center_crop', 'resized_crop', 'hflip', 'vflip', 'rotate',
           'five_crop', 'ten_crop',
           'affine', 'to_grayscale', 'rgb_to_grayscale', 'adjust_brightness', 'adjust_contrast',
           'adjust_saturation', 'adjust_hue', 'gaussian_blur', 'erase']


class InterpolationMode(Enum):
    """Interpolation modes: ``nearest``, ``nearest-exact``, ``bilinear``, ``bicubic`` (tensors
    and PIL) and ``box``, ``hamming``, ``lanczos`` (PIL only).

    >>> InterpolationMode.BILINEAR.value
    'bilinear'
    """
    NEAREST = 'nearest'
    NEAREST_EXACT = 'nearest-exact'
    BILINEAR = 'bilinear'
    BICUBIC = 'bicubic'
    BOX = 'box'
    HAMMING = 'hamming'
    LANCZOS = 'lanczos'


def _interpolation_modes_from_int(i):
    modes = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR,
             3: InterpolationMode.BICUBIC, 4: InterpolationMode.BOX,
             5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}
    return modes[i]


pil_modes_mapping = {InterpolationMode.NEAREST: 0, InterpolationMode.BILINEAR: 2,
                     InterpolationMode.BICUBIC: 3, InterpolationMode.NEAREST_EXACT: 0,
                     InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
                     InterpolationMode.LANCZOS: 1}

_is_pil_image = F_pil._is_pil_image


def _check_interpolation(interpolation):
    if isinstance(interpolation, int):
        return _interpolation_modes_from_int(interpolation)
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError('Argument interpolation should be a InterpolationMode or a corresponding '
                        f'Pillow integer constant, got {interpolation!r} (e.g. use '
                        'InterpolationMode.BILINEAR)')
    return interpolation


def get_dimensions(img):
    """``[channels, height, width]`` of a PIL image or a (..., C, H, W) tensor.

    >>> get_dimensions(ember.zeros(3, 4, 5))
    [3, 4, 5]
    """
    if isinstance(img, Tensor):
        return F_t.get_dimensions(img)
    return F_pil.get_dimensions(img)


def get_image_size(img):
    """``[width, height]`` of an image.

    >>> get_image_size(ember.zeros(3, 4, 5))
    [5, 4]
    """
    if isinstance(img, Tensor):
        return F_t.get_image_size(img)
    return F_pil.get_image_size(img)


def get_image_num_channels(img):
    """The number of channels of an image.

    >>> get_image_num_channels(ember.zeros(3, 4, 5))
    3
    """
    if isinstance(img, Tensor):
        return F_t.get_image_num_channels(img)
    return F_pil.get_image_num_channels(img)


def convert_image_dtype(image, dtype=None):
    """Convert a tensor image to ``dtype`` and rescale its values (float images are in [0, 1],
    integer images in [0, max of the dtype]).

    >>> convert_image_dtype(ember.tensor([[[0, 255]]], dtype=ember.uint8), ember.float32)
    tensor([[[0., 1.]]])
    """
    if not isinstance(image, Tensor):
        raise TypeError(f'Input img should be Tensor Image, got {type(image)}')
    return F_t.convert_image_dtype(image, ember.float32 if dtype is None else dtype)


def normalize(tensor, mean, std, inplace=False):
    """``(tensor - mean) / std`` per channel of a float (..., C, H, W) tensor image.

    >>> normalize(ember.ones(1, 1, 2), [0.5], [0.5])
    tensor([[[1., 1.]]])
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f'img should be Tensor Image. Got {type(tensor)}. Apply '
                        'transforms.ToTensor() before Normalize.')
    return F_t.normalize(tensor, mean=mean, std=std, inplace=inplace)


def _compute_resized_output_size(image_size, size, max_size=None):
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if len(size) == 1:          # only the smaller edge is given
        requested_short = size[0]
        new_short, new_long = requested_short, int(requested_short * long / short)
        if max_size is not None:
            if max_size <= requested_short:
                raise ValueError(f'max_size = {max_size} must be strictly greater than the '
                                 f'requested size for the smaller edge size = {size}')
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        new_w, new_h = size[1], size[0]
    return [new_h, new_w]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or an int for the smaller edge keeping the aspect ratio).

    >>> resize(ember.ones(1, 2, 4), 4).shape
    torch.Size([1, 4, 8])
    """
    interpolation = _check_interpolation(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError('Size must be an int or a 1 or 2 element tuple/list, not a '
                             f'{len(size)} element tuple/list')
        if max_size is not None and len(size) != 1:
            raise ValueError('max_size should only be passed if size specifies the length of the '
                             'smaller edge, i.e. size should be an int or a sequence of length 1 '
                             'in torchscript mode.')
    elif not isinstance(size, int):
        raise TypeError(f'Size should be int or sequence. Got {type(size)}')
    _, image_height, image_width = get_dimensions(img)
    if isinstance(size, int):
        size = [size]
    output_size = _compute_resized_output_size((image_height, image_width), size, max_size)
    if [image_height, image_width] == output_size:
        return img
    if not isinstance(img, Tensor):
        if antialias is False:
            warnings.warn('Anti-alias option is always applied for PIL Image input. Argument '
                          'antialias is ignored.')
        return F_pil.resize(img, size=output_size, interpolation=pil_modes_mapping[interpolation])
    if interpolation.value not in ('nearest', 'nearest-exact', 'bilinear', 'bicubic'):
        raise NotImplementedError(f'Input Error: tensor images support the modes nearest | '
                                  f'nearest-exact | bilinear | bicubic (got {interpolation.value})'
                                  '; box, hamming and lanczos need a PIL image')
    return _resize.resize(img, size=output_size, interpolation=interpolation.value,
                          antialias=antialias)


def pad(img, padding, fill=0, padding_mode='constant'):
    """Pad each border (int: all; (lr, tb); or (left, top, right, bottom)) in mode constant,
    edge, reflect or symmetric.

    >>> pad(ember.tensor([[[1, 2, 3]]]), [2, 0], padding_mode='symmetric')
    tensor([[[2, 1, 1, 2, 3, 3, 2]]])
    """
    if not isinstance(img, Tensor):
        return F_pil.pad(img, padding=padding, fill=fill, padding_mode=padding_mode)
    return F_t.pad(img, padding=padding, fill=fill, padding_mode=padding_mode)


def crop(img, top, left, height, width):
    """The ``height`` x ``width`` box whose top-left corner is (``top``, ``left``); parts
    outside the image are zero.

    >>> crop(ember.arange(9).view(1, 3, 3), 1, 1, 2, 2)
    tensor([[[4, 5],
             [7, 8]]])
    """
    if not isinstance(img, Tensor):
        return F_pil.crop(img, top, left, height, width)
    return F_t.crop(img, top, left, height, width)


def center_crop(img, output_size):
    """The central ``output_size`` box (zero padded when the image is smaller).

    >>> center_crop(ember.arange(16).view(1, 4, 4), 2)
    tensor([[[ 5,  6],
             [ 9, 10]]])
    """
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding_ltrb = [
            (crop_width - image_width) // 2 if crop_width > image_width else 0,
            (crop_height - image_height) // 2 if crop_height > image_height else 0,
            (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
            (crop_height - image_height + 1) // 2 if crop_height > image_height else 0,
        ]
        img = pad(img, padding_ltrb, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR,
                 antialias=True):
    """``crop`` then ``resize`` to ``size``.

    >>> resized_crop(ember.ones(1, 4, 4), 0, 0, 2, 2, [4, 4]).shape
    torch.Size([1, 4, 4])
    """
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def hflip(img):
    """Mirror left-right.

    >>> hflip(ember.tensor([[[1, 2]]]))
    tensor([[[2, 1]]])
    """
    if not isinstance(img, Tensor):
        return F_pil.hflip(img)
    return F_t.hflip(img)


def vflip(img):
    """Mirror top-bottom.

    >>> vflip(ember.tensor([[[1], [2]]]))
    tensor([[[2],
             [1]]])
    """
    if not isinstance(img, Tensor):
        return F_pil.vflip(img)
    return F_t.vflip(img)


def five_crop(img, size):
    """The four corner crops and the central crop: (top-left, top-right, bottom-left,
    bottom-right, center).

    >>> [c.tolist() for c in five_crop(ember.arange(9).view(1, 3, 3), 1)]
    [[[[0]]], [[[2]]], [[[6]]], [[[8]]], [[[4]]]]
    """
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError('Please provide only two dimensions (h, w) for size.')
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = size
    if crop_width > image_width or crop_height > image_height:
        raise ValueError(f'Requested crop size {size} is bigger than input size '
                         f'{(image_height, image_width)}')
    tl = crop(img, 0, 0, crop_height, crop_width)
    tr = crop(img, 0, image_width - crop_width, crop_height, crop_width)
    bl = crop(img, image_height - crop_height, 0, crop_height, crop_width)
    br = crop(img, image_height - crop_height, image_width - crop_width, crop_height, crop_width)
    return tl, tr, bl, br, center_crop(img, [crop_height, crop_width])


def ten_crop(img, size, vertical_flip=False):
    """``five_crop`` of the image, then of its horizontally (or vertically) flipped copy.

    >>> len(ten_crop(ember.zeros(1, 4, 4), 2))
    10
    """
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError('Please provide only two dimensions (h, w) for size.')
    first_five = five_crop(img, size)
    img = vflip(img) if vertical_flip else hflip(img)
    return first_five + five_crop(img, size)


def _check_fill(fill):
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError('Argument fill should be either int, float, tuple or list')


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None,
           fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (default: the middle).

    >>> rotate(ember.tensor([[[1., 2.], [3., 4.]]]), 90.0)
    tensor([[[2., 4.],
             [1., 3.]]])
    """
    interpolation = _check_interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError('Argument angle should be int or float')
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError('Argument center should be a sequence')
    _check_fill(fill)
    if not isinstance(img, Tensor):
        return F_pil.rotate(img, angle=angle, interpolation=pil_modes_mapping[interpolation],
                            expand=expand, center=center, fill=fill)
    center_f = [0.0, 0.0]
    if center is not None:
        _, height, width = get_dimensions(img)
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    # the tensor path rotates the sampling grid, hence -angle
    matrix = _geometry.inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return _geometry.rotate(img, matrix=matrix, interpolation=interpolation.value,
                            expand=expand, fill=fill)


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
           fill=None, center=None):
    """Rotate by ``angle`` (clockwise), scale, shear (degrees) and translate (pixels),
    keeping the centre fixed.

    >>> affine(ember.tensor([[[1., 2., 3.]]]), 0.0, [1, 0], 1.0, [0.0, 0.0])
    tensor([[[0., 1., 2.]]])
    """
    interpolation = _check_interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError('Argument angle should be int or float')
    if not isinstance(translate, (list, tuple)):
        raise TypeError('Argument translate should be a sequence')
    if len(translate) != 2:
        raise ValueError('Argument translate should be a sequence of length 2')
    if scale <= 0.0:
        raise ValueError('Argument scale should be positive')
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError('Shear should be either a single value or a sequence of two values')
    _check_fill(fill)
    angle = float(angle)
    translate = list(translate)
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f'Shear should be a sequence containing two values. Got {shear}')
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError('Argument center should be a sequence')
    _, height, width = get_dimensions(img)
    if not isinstance(img, Tensor):
        if center is None:
            center = [width * 0.5, height * 0.5]
        matrix = _geometry.inverse_affine_matrix(center, angle, translate, scale, shear)
        return F_pil.affine(img, matrix=matrix, interpolation=pil_modes_mapping[interpolation],
                            fill=fill)
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    translate_f = [1.0 * t for t in translate]
    matrix = _geometry.inverse_affine_matrix(center_f, angle, translate_f, scale, shear)
    return _geometry.affine(img, matrix=matrix, interpolation=interpolation.value, fill=fill)


def to_grayscale(img, num_output_channels=1):
    """Grayscale version of a PIL image of any mode (PIL only; use ``rgb_to_grayscale`` for
    tensors).

    >>> from PIL import Image
    >>> to_grayscale(Image.new('RGB', (1, 1), (255, 0, 0))).getpixel((0, 0))
    76
    """
    if _is_pil_image(img):
        return F_pil.to_grayscale(img, num_output_channels)
    raise TypeError(f'Input should be PIL Image, got {type(img)}; for tensors use '
                    'rgb_to_grayscale')


def rgb_to_grayscale(img, num_output_channels=1):
    """Luma of an RGB image: PIL uses 0.299/0.587/0.114 (rounded), tensors 0.2989/0.587/0.114
    (truncated back to an integer dtype), as torchvision.

    >>> rgb_to_grayscale(ember.tensor([[[1.]], [[0.]], [[0.]]]))
    tensor([[[0.2989]]])
    """
    if not isinstance(img, Tensor):
        return F_pil.to_grayscale(img, num_output_channels)
    return F_t.rgb_to_grayscale(img, num_output_channels)


def adjust_brightness(img, brightness_factor):
    """Multiply by ``brightness_factor`` (clamped to the image range).

    >>> adjust_brightness(ember.tensor([[[0.2, 0.8]]]), 2.0)
    tensor([[[0.4000, 1.0000]]])
    """
    if not isinstance(img, Tensor):
        return F_pil.adjust_brightness(img, brightness_factor)
    return F_t.adjust_brightness(img, brightness_factor)


def adjust_contrast(img, contrast_factor):
    """Blend with the mean gray level: ``factor * img + (1 - factor) * mean``.

    >>> adjust_contrast(ember.tensor([[[0.2, 0.8]]]), 0.0)
    tensor([[[0.5000, 0.5000]]])
    """
    if not isinstance(img, Tensor):
        return F_pil.adjust_contrast(img, contrast_factor)
    return F_t.adjust_contrast(img, contrast_factor)


def adjust_saturation(img, saturation_factor):
    """Blend with the grayscale image: ``factor * img + (1 - factor) * gray``.

    >>> adjust_saturation(ember.tensor([[[1.]], [[0.]], [[0.]]]), 0.0).flatten()
    tensor([0.2989, 0.2989, 0.2989])
    """
    if not isinstance(img, Tensor):
        return F_pil.adjust_saturation(img, saturation_factor)
    return F_t.adjust_saturation(img, saturation_factor)


def adjust_hue(img, hue_factor):
    """Shift the hue by ``hue_factor`` (in [-0.5, 0.5], a fraction of the colour circle).

    >>> adjust_hue(ember.tensor([[[1.]], [[0.]], [[0.]]]), 1 / 3).flatten()
    tensor([0., 1., 0.])
    """
    if not isinstance(img, Tensor):
        return F_pil.adjust_hue(img, hue_factor)
    return F_t.adjust_hue(img, hue_factor)


def erase(img, i, j, h, w, v, inplace=False):
    """Set the box (``i``, ``j``, ``h``, ``w``) of a tensor image to ``v``.

    >>> erase(ember.ones(1, 2, 2), 0, 0, 1, 1, ember.tensor(0.))
    tensor([[[0., 1.],
             [1., 1.]]])
    """
    if not isinstance(img, Tensor):
        raise TypeError(f'img should be Tensor Image. Got {type(img)}. RandomErasing and erase '
                        'work on tensors: put them after ToTensor().')
    return F_t.erase(img, i, j, h, w, v, inplace=inplace)


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a Gaussian kernel (odd ``kernel_size``; ``sigma`` defaults to
    ``0.3 * ((k - 1) * 0.5 - 1) + 0.8``), reflecting at the borders.

    >>> gaussian_blur(ember.ones(1, 3, 3), 3, 1.0)
    tensor([[[1., 1., 1.],
             [1., 1., 1.],
             [1., 1., 1.]]])
    """
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f'kernel_size should be int or a sequence of integers. Got '
                        f'{type(kernel_size)}')
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f'If kernel_size is a sequence its length should be 2. Got '
                         f'{len(kernel_size)}')
    for ksize in kernel_size:
        if ksize % 2 == 0 or ksize < 0:
            raise ValueError(f'kernel_size should have odd and positive integers. Got '
                             f'{kernel_size}')
    if sigma is None:
        sigma = [ksize * 0.15 + 0.35 for ksize in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f'sigma should be either float or sequence of floats. Got {type(sigma)}')
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f'If sigma is a sequence, its length should be 2. Got {len(sigma)}')
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f'sigma should have positive values. Got {sigma}')
    t_img = img
    if not isinstance(img, Tensor):
        if not _is_pil_image(img):
            raise TypeError(f'img should be PIL Image or Tensor. Got {type(img)}')
        t_img = pil_to_tensor(img)
    output = F_t.gaussian_blur(t_img, kernel_size, sigma)
    if not isinstance(img, Tensor):
        output = to_pil_image(output, mode=img.mode)
    return output
