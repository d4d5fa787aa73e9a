"""``ember.vision.transforms`` classes (torchvision.transforms, v1 API): conversions, crops,
flips, resizing and padding here; rotation, affine, colour, blur and erasing in
``_transforms_random`` (re-exported).

Random choices use ember's global generator with exactly torchvision's calls, so after
``ember.manual_seed(s)`` the crops, flips and angles are those torchvision picks after
``torch.manual_seed(s)``.

>>> T = ember.vision.transforms
>>> T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])
Compose(
    ToTensor()
    Normalize(mean=(0.5,), std=(0.5,))
)
"""
import math
import numbers
import warnings
from collections.abc import Sequence

import ember
from ember.nn import Module

from . import functional as F
from .functional import InterpolationMode, _interpolation_modes_from_int

__all__ = ['Compose', 'ToTensor', 'PILToTensor', 'ConvertImageDtype', 'ToPILImage', 'Normalize',
           'Resize', 'CenterCrop', 'Pad', 'Lambda', 'RandomApply', 'RandomChoice', 'RandomOrder',
           'RandomCrop', 'RandomHorizontalFlip', 'RandomVerticalFlip', 'RandomResizedCrop',
           'FiveCrop', 'TenCrop', 'InterpolationMode']


def _setup_size(size, error_msg):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


def _check_sequence_input(x, name, req_sizes):
    msg = req_sizes[0] if len(req_sizes) < 2 else ' or '.join([str(s) for s in req_sizes])
    if not isinstance(x, Sequence):
        raise TypeError(f'{name} should be a sequence of length {msg}.')
    if len(x) not in req_sizes:
        raise ValueError(f'{name} should be a sequence of length {msg}.')


def _setup_angle(x, name, req_sizes=(2,)):
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f'If {name} is a single number, it must be positive.')
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


def _interp(interpolation):
    return _interpolation_modes_from_int(interpolation) if isinstance(interpolation, int) \
        else interpolation


class Compose:
    """Apply transforms one after the other.

    >>> Compose([Lambda(lambda x: x + 1), Lambda(lambda x: x * 2)])(3)
    8
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        s = self.__class__.__name__ + '('
        for t in self.transforms:
            s += '\n' + f'    {t}'
        return s + '\n)'


class ToTensor:
    """PIL image or (H, W[, C]) NumPy array -> float (C, H, W) tensor; uint8 scaled to [0, 1].

    >>> ToTensor()(np.full((2, 2), 255, dtype=np.uint8)).shape
    torch.Size([1, 2, 2])
    """

    def __call__(self, pic):
        return F.to_tensor(pic)

    def __repr__(self):
        return f'{self.__class__.__name__}()'


class PILToTensor:
    """PIL image -> (C, H, W) tensor of the same dtype, unscaled.

    >>> PILToTensor()
    PILToTensor()
    """

    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def __repr__(self):
        return f'{self.__class__.__name__}()'


class ConvertImageDtype(Module):
    """Convert a tensor image to ``dtype``, rescaling values (e.g. uint8 255 -> float 1.0).

    >>> ConvertImageDtype(ember.float32)(ember.tensor([[[255]]], dtype=ember.uint8))
    tensor([[[1.]]])
    """

    def __init__(self, dtype):
        super().__init__()
        self.dtype = dtype

    def forward(self, image):
        return F.convert_image_dtype(image, self.dtype)


class ToPILImage:
    """(C, H, W) tensor or (H, W, C) array -> PIL image (mode guessed from the channels).

    >>> ToPILImage(mode='RGB')
    ToPILImage(mode=RGB)
    """

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        s = self.__class__.__name__ + '('
        if self.mode is not None:
            s += f'mode={self.mode}'
        return s + ')'


class Normalize(Module):
    """``(x - mean[c]) / std[c]`` per channel of a float tensor image.

    >>> Normalize((0.5,), (0.5,))(ember.tensor([[[0.0, 1.0]]]))
    tensor([[[-1.,  1.]]])
    """

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self):
        return f'{self.__class__.__name__}(mean={self.mean}, std={self.std})'


class Resize(Module):
    """Resize to ``size`` ((h, w), or an int for the smaller edge), optionally capping the
    longer edge at ``max_size``; tensors are antialiased by default, as in torchvision.

    >>> Resize(16)
    Resize(size=16, interpolation=bilinear, max_size=None, antialias=True)
    """

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
        super().__init__()
        if not isinstance(size, (int, Sequence)):
            raise TypeError(f'Size should be int or sequence. Got {type(size)}')
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError('If size is a sequence, it should have 1 or 2 values')
        self.size = size
        self.max_size = max_size
        self.interpolation = _interp(interpolation)
        self.antialias = antialias

    def forward(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        return (f'{self.__class__.__name__}(size={self.size}, interpolation='
                f'{self.interpolation.value}, max_size={self.max_size}, '
                f'antialias={self.antialias})')


class CenterCrop(Module):
    """Crop the central ``size`` box (int -> square), zero padding small images.

    >>> CenterCrop(2)(ember.arange(16).view(1, 4, 4))
    tensor([[[ 5,  6],
             [ 9, 10]]])
    """

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg='Please provide only two dimensions (h, w) for '
                                               'size.')

    def forward(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self):
        return f'{self.__class__.__name__}(size={self.size})'


class Pad(Module):
    """Pad the borders: ``padding`` int, (lr, tb) or (l, t, r, b); ``padding_mode`` constant
    (with ``fill``), edge, reflect or symmetric.

    >>> Pad(1, padding_mode='edge')(ember.tensor([[[1, 2]]]))
    tensor([[[1, 1, 2, 2],
             [1, 1, 2, 2],
             [1, 1, 2, 2]]])
    """

    def __init__(self, padding, fill=0, padding_mode='constant'):
        super().__init__()
        if not isinstance(padding, (numbers.Number, tuple, list)):
            raise TypeError('Got inappropriate padding arg')
        if not isinstance(fill, (numbers.Number, tuple, list)):
            raise TypeError('Got inappropriate fill arg')
        if padding_mode not in ('constant', 'edge', 'reflect', 'symmetric'):
            raise ValueError('Padding mode should be either constant, edge, reflect or symmetric')
        if isinstance(padding, Sequence) and len(padding) not in (1, 2, 4):
            raise ValueError('Padding must be an int or a 1, 2, or 4 element tuple, not a '
                             f'{len(padding)} element tuple')
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self):
        return (f'{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, '
                f'padding_mode={self.padding_mode})')


class Lambda:
    """Wrap any function as a transform.

    >>> Lambda(lambda x: x * 2)(21)
    42
    """

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f'Argument lambd should be callable, got {repr(type(lambd).__name__)}')
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f'{self.__class__.__name__}()'


class RandomCrop(Module):
    """Crop a random ``size`` box, after optional ``padding`` (and ``pad_if_needed`` for
    images smaller than ``size``).

    >>> RandomCrop(32, padding=4)
    RandomCrop(size=(32, 32), padding=4)
    """

    @staticmethod
    def get_params(img, output_size):
        """Random (top, left, height, width) of a crop of ``output_size`` (two ``randint``
        draws, none when the crop is the whole image)."""
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f'Required crop size {(th, tw)} is larger than input image size '
                             f'{(h, w)}. Pass padding=... or pad_if_needed=True to RandomCrop.')
        if w == tw and h == th:
            return 0, 0, h, w
        i = ember.randint(0, h - th + 1, size=(1,)).item()
        j = ember.randint(0, w - tw + 1, size=(1,)).item()
        return i, j, th, tw

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode='constant'):
        super().__init__()
        self.size = tuple(_setup_size(size, error_msg='Please provide only two dimensions (h, w) '
                                                      'for size.'))
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def __repr__(self):
        return f'{self.__class__.__name__}(size={self.size}, padding={self.padding})'


class RandomHorizontalFlip(Module):
    """Mirror left-right with probability ``p`` (one ``ember.rand(1)`` draw per call).

    >>> RandomHorizontalFlip(p=1.0)(ember.tensor([[[1, 2]]]))
    tensor([[[2, 1]]])
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        if ember.rand(1) < self.p:
            return F.hflip(img)
        return img

    def __repr__(self):
        return f'{self.__class__.__name__}(p={self.p})'


class RandomVerticalFlip(Module):
    """Mirror top-bottom with probability ``p`` (one ``ember.rand(1)`` draw per call).

    >>> RandomVerticalFlip(p=0.0)(ember.tensor([[[1], [2]]]))
    tensor([[[1],
             [2]]])
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        if ember.rand(1) < self.p:
            return F.vflip(img)
        return img

    def __repr__(self):
        return f'{self.__class__.__name__}(p={self.p})'


def _area_ratio_draws(area, scale, ratio, tries=10):
    """torchvision's draws for a random box, one pair per try: an area uniform in
    ``scale * area``, then an aspect ratio log-uniform in ``ratio`` (drawn lazily, so a caller
    that stops early draws no more).

    >>> _ = ember.manual_seed(0)
    >>> [round(a, 2) for a in next(_area_ratio_draws(64, (0.5, 1.0), (1.0, 1.0)))]
    [47.88, 1.0]
    """
    log_ratio = ember.log(ember.tensor(ratio)).tolist()
    for _ in range(tries):
        target_area = area * ember.empty(1).uniform_(scale[0], scale[1]).item()
        aspect_ratio = ember.exp(ember.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        yield target_area, aspect_ratio


class RandomResizedCrop(Module):
    """Crop a random area (``scale`` of the image) with a random aspect ratio (``ratio``,
    drawn log-uniformly), then resize it to ``size``.

    >>> RandomResizedCrop(32).size, RandomResizedCrop(32).ratio
    ((32, 32), (0.75, 1.3333333333333333))
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.size = _setup_size(size, error_msg='Please provide only two dimensions (h, w) for '
                                               'size.')
        if not isinstance(scale, Sequence):
            raise TypeError('Scale should be a sequence')
        if not isinstance(ratio, Sequence):
            raise TypeError('Ratio should be a sequence')
        if (scale[0] > scale[1]) or (ratio[0] > ratio[1]):
            warnings.warn('Scale and ratio should be of kind (min, max)')
        self.interpolation = _interp(interpolation)
        self.antialias = antialias
        self.scale = scale
        self.ratio = ratio

    @staticmethod
    def get_params(img, scale, ratio):
        """Random (top, left, height, width): up to 10 tries of (area, log-ratio) uniform
        draws, then two ``randint`` draws for the position; a central crop if all fail."""
        _, height, width = F.get_dimensions(img)
        area = height * width
        for target_area, aspect_ratio in _area_ratio_draws(area, scale, ratio):
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                i = ember.randint(0, height - h + 1, size=(1,)).item()
                j = ember.randint(0, width - w + 1, size=(1,)).item()
                return i, j, h, w
        in_ratio = float(width) / float(height)       # fallback: central crop
        if in_ratio < min(ratio):
            w = width
            h = int(round(w / min(ratio)))
        elif in_ratio > max(ratio):
            h = height
            w = int(round(h * max(ratio)))
        else:
            w = width
            h = height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation,
                              antialias=self.antialias)

    def __repr__(self):
        s = f'{self.__class__.__name__}(size={self.size}'
        s += f', scale={tuple(round(v, 4) for v in self.scale)}'
        s += f', ratio={tuple(round(r, 4) for r in self.ratio)}'
        s += f', interpolation={self.interpolation.value}'
        return s + f', antialias={self.antialias})'


class FiveCrop(Module):
    """The four corner crops and the central crop (a tuple of 5 images).

    >>> len(FiveCrop(2)(ember.zeros(1, 4, 4)))
    5
    """

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg='Please provide only two dimensions (h, w) for '
                                               'size.')

    def forward(self, img):
        return F.five_crop(img, self.size)

    def __repr__(self):
        return f'{self.__class__.__name__}(size={self.size})'


class TenCrop(Module):
    """``FiveCrop`` of the image and of its flipped copy (a tuple of 10 images).

    >>> TenCrop(2, vertical_flip=True)
    TenCrop(size=(2, 2), vertical_flip=True)
    """

    def __init__(self, size, vertical_flip=False):
        super().__init__()
        self.size = _setup_size(size, error_msg='Please provide only two dimensions (h, w) for '
                                               'size.')
        self.vertical_flip = vertical_flip

    def forward(self, img):
        return F.ten_crop(img, self.size, self.vertical_flip)

    def __repr__(self):
        return f'{self.__class__.__name__}(size={self.size}, vertical_flip={self.vertical_flip})'


from ._transforms_containers import (RandomApply, RandomChoice, RandomOrder,  # noqa: E402
                                     RandomTransforms)
from ._transforms_random import (ColorJitter, GaussianBlur, Grayscale, RandomAffine,  # noqa: E402
                                 RandomErasing, RandomGrayscale, RandomRotation)

__all__ += ['RandomRotation', 'RandomAffine', 'ColorJitter', 'Grayscale', 'RandomGrayscale',
            'GaussianBlur', 'RandomErasing']
