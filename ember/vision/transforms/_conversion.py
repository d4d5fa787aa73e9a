"""PIL image / NumPy array / tensor conversions of ``ember.vision.transforms.functional``.

``to_tensor`` on NumPy arrays needs only NumPy; the PIL functions import pillow lazily.

>>> from ember.vision.transforms._conversion import to_tensor
>>> to_tensor(np.zeros((2, 3), np.uint8)).shape
torch.Size([1, 2, 3])
"""
import sys

import numpy as np

import ember
from ember._tensor import Tensor

from . import _functional_pil as F_pil

_is_pil_image = F_pil._is_pil_image


def to_tensor(pic):
    """A PIL image or an (H, W) / (H, W, C) NumPy array as a (C, H, W) tensor; uint8 data
    (and 8-bit PIL modes) is scaled to float in [0, 1], other dtypes keep their values.
    Works on NumPy arrays without pillow.

    >>> to_tensor(np.array([[0, 255]], dtype=np.uint8))
    tensor([[[0., 1.]]])
    """
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f'pic should be 2/3 dimensional. Got {pic.ndim} dimensions. '
                             'ToTensor takes one (H, W) or (H, W, C) image; for a batch, '
                             'convert each image or use ember.from_numpy.')
        if pic.ndim == 2:
            pic = pic[:, :, None]
        arr = np.ascontiguousarray(pic.transpose((2, 0, 1)))
        if arr.dtype == np.uint8:
            out = arr.astype(ember.get_default_dtype().np)
            out /= 255
            return ember.from_numpy(out)
        return ember.from_numpy(arr)
    if not _is_pil_image(pic):
        raise TypeError(f'pic should be PIL Image or ndarray. Got {type(pic)}')
    mode_to_nptype = {'I': np.int32, 'I;16' if sys.byteorder == 'little' else 'I;16B': np.int16,
                      'F': np.float32}
    arr = np.array(pic, mode_to_nptype.get(pic.mode, np.uint8), copy=True)
    if pic.mode == '1':
        arr = 255 * arr
    arr = arr.reshape(pic.size[1], pic.size[0], F_pil.get_image_num_channels(pic))
    arr = np.ascontiguousarray(arr.transpose((2, 0, 1)))
    if arr.dtype == np.uint8:
        out = arr.astype(ember.get_default_dtype().np)
        out /= 255
        return ember.from_numpy(out)
    return ember.from_numpy(arr)


def pil_to_tensor(pic):
    """A PIL image as a (C, H, W) tensor of the same type (uint8 stays uint8, no scaling).

    >>> from PIL import Image
    >>> pil_to_tensor(Image.new('L', (2, 1), 7))
    tensor([[[7, 7]]], dtype=torch.uint8)
    """
    if not _is_pil_image(pic):
        raise TypeError(f'pic should be PIL Image. Got {type(pic)}')
    arr = np.array(pic, copy=True)
    arr = arr.reshape(pic.size[1], pic.size[0], F_pil.get_image_num_channels(pic))
    return ember.from_numpy(arr).permute((2, 0, 1))


def to_pil_image(pic, mode=None):
    """A (C, H, W) tensor or an (H, W, C) array as a PIL image; float data is multiplied by
    255 and truncated to uint8 unless ``mode='F'``.

    >>> to_pil_image(ember.zeros(3, 2, 4)).size
    (4, 2)
    """
    if isinstance(pic, Tensor):
        if pic.ndim == 3:
            pic = pic.permute((1, 2, 0))
        pic = pic.numpy(force=True)
    elif not isinstance(pic, np.ndarray):
        raise TypeError(f'pic should be Tensor or ndarray. Got {type(pic)}.')
    if pic.ndim == 2:
        pic = np.expand_dims(pic, 2)
    if pic.ndim != 3:
        raise ValueError(f'pic should be 2/3 dimensional. Got {pic.ndim} dimensions.')
    if pic.shape[-1] > 4:
        raise ValueError(f'pic should not have > 4 channels. Got {pic.shape[-1]} channels. '
                         'Tensors are (C, H, W), NumPy arrays (H, W, C).')
    npimg = pic
    if np.issubdtype(npimg.dtype, np.floating) and mode != 'F':
        npimg = (npimg * 255).astype(np.uint8)
    if npimg.shape[2] == 1:
        expected = None
        npimg = npimg[:, :, 0]
        if npimg.dtype == np.uint8:
            expected = 'L'
        elif npimg.dtype == np.int16:
            expected = 'I;16' if sys.byteorder == 'little' else 'I;16B'
        elif npimg.dtype == np.int32:
            expected = 'I'
        elif npimg.dtype == np.float32:
            expected = 'F'
        if mode is not None and mode != expected:
            raise ValueError(f'Incorrect mode ({mode}) supplied for input type {npimg.dtype}. '
                             f'Should be {expected}')
        mode = expected
    elif npimg.shape[2] == 2:
        if mode is not None and mode not in ['LA']:
            raise ValueError("Only modes ['LA'] are supported for 2D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = 'LA'
    elif npimg.shape[2] == 4:
        if mode is not None and mode not in ['RGBA', 'CMYK', 'RGBX']:
            raise ValueError("Only modes ['RGBA', 'CMYK', 'RGBX'] are supported for 4D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = 'RGBA'
    else:
        if mode is not None and mode not in ['RGB', 'YCbCr', 'HSV']:
            raise ValueError("Only modes ['RGB', 'YCbCr', 'HSV'] are supported for 3D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = 'RGB'
    if mode is None:
        raise TypeError(f'Input type {npimg.dtype} is not supported')
    return F_pil._pil().fromarray(npimg, mode=mode)
