"""The tensor side of ``ember.vision.transforms.functional`` (torchvision's ``_functional_tensor``).

Images are ember tensors shaped (..., C, H, W). Everything is written with ember's own ops,
so gradients flow (e.g. ``Normalize`` inside a model) and CuPy tensors stay on the GPU; the
arithmetic (dtypes, truncation versus rounding, clamping) is torchvision's.

>>> from ember.vision.transforms import _functional_tensor as F_t
>>> F_t.hflip(ember.tensor([[[1, 2, 3]]]))
tensor([[[3, 2, 1]]])
"""
import ember
from ember._tensor import Tensor

_INT_DTYPES = None


def _assert_image_tensor(img):
    if img.ndim < 2:
        raise TypeError(f'Tensor is not a torch image. An image tensor needs at least 2 '
                        f'dimensions (..., H, W); got shape {tuple(img.shape)}.')


def get_dimensions(img):
    _assert_image_tensor(img)
    shape = img.shape
    return [1 if len(shape) == 2 else shape[-3], shape[-2], shape[-1]]


def get_image_size(img):
    _assert_image_tensor(img)
    return [img.shape[-1], img.shape[-2]]


def get_image_num_channels(img):
    _assert_image_tensor(img)
    return 1 if img.ndim == 2 else img.shape[-3]


def _max_value(dtype):
    if dtype == ember.uint8:
        return 255
    if dtype == ember.int8:
        return 127
    if dtype == ember.int16:
        return 32767
    if dtype == ember.int32:
        return 2147483647
    if dtype == ember.int64:
        return 9223372036854775807
    return 1        # floating point images live in [0, 1]


def _int_dtypes():
    global _INT_DTYPES
    if _INT_DTYPES is None:
        _INT_DTYPES = (ember.uint8, ember.int8, ember.int16, ember.int32, ember.int64)
    return _INT_DTYPES


def _assert_channels(img, permitted):
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(f'Input image tensor permitted channel values are {permitted}, but found '
                        f'{c} (shape {tuple(img.shape)}; channels are dimension -3)')


def convert_image_dtype(image, dtype=None):
    dtype = ember.float32 if dtype is None else dtype
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if ((image.dtype == ember.float32 and dtype in (ember.int32, ember.int64))
                or (image.dtype == ember.float64 and dtype == ember.int64)):
            raise RuntimeError(f'The cast from {image.dtype} to {dtype} cannot be performed '
                               'safely.')
        # max + 1 - eps spreads [0, 1] evenly over the integer range (torchvision's choice)
        return image.mul(float(_max_value(dtype)) + 1.0 - 1e-3).to(dtype)
    input_max = float(_max_value(image.dtype))
    if dtype.is_floating_point:
        return image.to(dtype) / input_max
    output_max = float(_max_value(dtype))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return ember.div(image, factor, rounding_mode='floor').to(dtype)
    factor = int((output_max + 1) // (input_max + 1))
    return image.to(dtype) * factor


def vflip(img):
    _assert_image_tensor(img)
    return img.flip(-2)


def hflip(img):
    _assert_image_tensor(img)
    return img.flip(-1)


def crop(img, top, left, height, width):
    _assert_image_tensor(img)
    _, h, w = get_dimensions(img)
    right = left + width
    bottom = top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding_ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                        max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        return pad(img[..., max(top, 0):bottom, max(left, 0):right], padding_ltrb, fill=0)
    return img[..., top:bottom, left:right]


def rgb_to_grayscale(img, num_output_channels=1):
    if img.ndim < 3:
        raise TypeError(f'Input image tensor should have at least 3 dimensions, but found '
                        f'{img.ndim}')
    _assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError('num_output_channels should be either 1 or 3')
    if img.shape[-3] == 3:
        r, g, b = img.unbind(dim=-3)
        # ITU-R 601-2 luma with torchvision's tensor weights (0.2989, not PIL's 0.299)
        l_img = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(dim=-3)
    else:
        l_img = img.clone()
    if num_output_channels == 3:
        return l_img.expand(img.shape)
    return l_img


def _blend(img1, img2, ratio):
    ratio = float(ratio)
    bound = _max_value(img1.dtype)
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def adjust_brightness(img, brightness_factor):
    if brightness_factor < 0:
        raise ValueError(f'brightness_factor ({brightness_factor}) is not non-negative.')
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    return _blend(img, ember.zeros_like(img), brightness_factor)


def adjust_contrast(img, contrast_factor):
    if contrast_factor < 0:
        raise ValueError(f'contrast_factor ({contrast_factor}) is not non-negative.')
    _assert_image_tensor(img)
    _assert_channels(img, [3, 1])
    c = get_dimensions(img)[0]
    dtype = img.dtype if img.is_floating_point() else ember.float32
    gray = rgb_to_grayscale(img) if c == 3 else img
    mean = ember.mean(gray.to(dtype), dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, contrast_factor)


def adjust_saturation(img, saturation_factor):
    if saturation_factor < 0:
        raise ValueError(f'saturation_factor ({saturation_factor}) is not non-negative.')
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:        # as PIL: nothing to saturate
        return img
    return _blend(img, rgb_to_grayscale(img), saturation_factor)


def _rgb2hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = ember.max(img, dim=-3).values
    minc = ember.min(img, dim=-3).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = ember.ones_like(maxc)
    s = cr / ember.where(eqc, ones, maxc)
    cr_divisor = ember.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - g) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = ember.fmod(((hr + hg + hb) / 6.0 + 1.0), 1.0)
    return ember.stack((h, s, maxc), dim=-3)


def _hsv2rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = ember.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=ember.int32) % 6
    p = ember.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = ember.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = ember.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    # the sector i (0..5) picks one of six (r, g, b) arrangements of (v, p, q, t)
    table = ember.stack((ember.stack((v, q, p, p, t, v), dim=-3),
                         ember.stack((t, v, v, q, p, p), dim=-3),
                         ember.stack((p, p, t, v, v, q), dim=-3)), dim=-4)
    index = i.to(ember.int64).unsqueeze(-3).unsqueeze(-3).expand(
        *table.shape[:-3], 1, *table.shape[-2:])
    return ember.gather(table, -3, index).squeeze(-3)


def adjust_hue(img, hue_factor):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f'hue_factor ({hue_factor}) is not in [-0.5, 0.5].')
    if not isinstance(img, Tensor):
        raise TypeError('Input img should be Tensor image')
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:        # as PIL
        return img
    orig_dtype = img.dtype
    img = convert_image_dtype(img, ember.float32)
    h, s, v = _rgb2hsv(img).unbind(dim=-3)
    h = (h + hue_factor) % 1.0
    return convert_image_dtype(_hsv2rgb(ember.stack((h, s, v), dim=-3)), orig_dtype)


def _pad_symmetric(img, padding):
    # padding is (left, right, top, bottom); negative amounts crop first
    if min(padding) < 0:
        cl, cr, ct, cb = [-min(x, 0) for x in padding]
        img = img[..., ct:img.shape[-2] - cb, cl:img.shape[-1] - cr]
        padding = [max(x, 0) for x in padding]
    h, w = img.shape[-2], img.shape[-1]
    x_idx = list(range(padding[0] - 1, -1, -1)) + list(range(w)) + \
        [w - 1 - i for i in range(padding[1])]
    y_idx = list(range(padding[2] - 1, -1, -1)) + list(range(h)) + \
        [h - 1 - i for i in range(padding[3])]
    if max(padding[0], padding[1]) > w or max(padding[2], padding[3]) > h:
        raise IndexError(f'symmetric padding {padding} (left, right, top, bottom) reaches past '
                         f'the image ({h}x{w}): each side can mirror at most the whole image')
    rows = ember.tensor(y_idx)
    cols = ember.tensor(x_idx)
    return img[..., rows[:, None], cols[None, :]]


def _parse_pad_padding(padding):
    if isinstance(padding, int):
        return [padding] * 4
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[0], padding[1], padding[1]]
    return [padding[0], padding[2], padding[1], padding[3]]


def pad(img, padding, fill=0, padding_mode='constant'):
    _assert_image_tensor(img)
    if fill is None:
        fill = 0
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError('Got inappropriate padding arg')
    if not isinstance(fill, (int, float)):
        raise TypeError('Got inappropriate fill arg')
    if not isinstance(padding_mode, str):
        raise TypeError('Got inappropriate padding_mode arg')
    if isinstance(padding, (list, tuple)) and len(padding) not in (1, 2, 4):
        raise ValueError('Padding must be an int or a 1, 2, or 4 element tuple, not a '
                         f'{len(padding)} element tuple')
    if padding_mode not in ('constant', 'edge', 'reflect', 'symmetric'):
        raise ValueError('Padding mode should be either constant, edge, reflect or symmetric')
    p = _parse_pad_padding(list(padding) if isinstance(padding, tuple) else padding)
    if padding_mode == 'symmetric':
        return _pad_symmetric(img, p)
    mode = 'replicate' if padding_mode == 'edge' else padding_mode
    shape = img.shape
    if mode != 'constant' and img.ndim > 4:     # fold extra leading dims into the batch
        img = img.reshape(-1, *shape[-3:])
    need_squeeze = img.ndim < 4
    if need_squeeze:
        img = img.unsqueeze(dim=0)
    out_dtype = img.dtype
    need_cast = mode != 'constant' and out_dtype not in (ember.float32, ember.float64)
    if need_cast:
        img = img.to(ember.float32)
    if mode == 'constant':
        img = ember.nn.functional.pad(img, p, mode=mode, value=float(fill))
    else:
        img = ember.nn.functional.pad(img, p, mode=mode)
    if need_squeeze:
        img = img.squeeze(dim=0)
    if need_cast:
        img = img.to(out_dtype)
    if len(shape) > 4 and img.ndim != len(shape):
        img = img.reshape(*shape[:-2], *img.shape[-2:])
    return img


def _cast_squeeze_in(img, req_dtypes):
    need_squeeze = img.ndim < 4
    if need_squeeze:
        img = img.unsqueeze(dim=0)
    out_dtype = img.dtype
    need_cast = out_dtype not in req_dtypes
    if need_cast:
        img = img.to(req_dtypes[0])
    return img, need_cast, need_squeeze, out_dtype


def _cast_squeeze_out(img, need_cast, need_squeeze, out_dtype):
    if need_squeeze:
        img = img.squeeze(dim=0)
    if need_cast:
        if out_dtype in _int_dtypes():
            img = ember.round(img)          # round before casting back to integers
        img = img.to(out_dtype)
    return img


def normalize(tensor, mean, std, inplace=False):
    _assert_image_tensor(tensor)
    if not tensor.is_floating_point():
        raise TypeError(f'Input tensor should be a float tensor. Got {tensor.dtype}. Convert '
                        'the image first, e.g. with transforms.ToTensor() or '
                        'ConvertImageDtype(torch.float32).')
    if tensor.ndim < 3:
        raise ValueError('Expected tensor to be a tensor image of size (..., C, H, W). Got '
                         f'tensor.size() = {tensor.size()}')
    if not inplace:
        tensor = tensor.clone()
    dtype = tensor.dtype
    mean = ember.as_tensor(mean, dtype=dtype, device=tensor.device)
    std = ember.as_tensor(std, dtype=dtype, device=tensor.device)
    if (std == 0).any():
        raise ValueError(f'std evaluated to zero after conversion to {dtype}, leading to '
                         'division by zero.')
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


def erase(img, i, j, h, w, v, inplace=False):
    _assert_image_tensor(img)
    if not inplace:
        img = img.clone()
    img[..., i:i + h, j:j + w] = v
    return img


def _get_gaussian_kernel1d(kernel_size, sigma, dtype, device):
    half = (kernel_size - 1) * 0.5
    x = ember.linspace(-half, half, steps=kernel_size, dtype=dtype, device=device)
    pdf = ember.exp(-0.5 * (x / sigma).pow(2))
    return pdf / pdf.sum()


def _get_gaussian_kernel2d(kernel_size, sigma, dtype, device):
    kx = _get_gaussian_kernel1d(kernel_size[0], sigma[0], dtype, device)
    ky = _get_gaussian_kernel1d(kernel_size[1], sigma[1], dtype, device)
    return ember.mm(ky[:, None], kx[None, :])


def gaussian_blur(img, kernel_size, sigma):
    if not isinstance(img, Tensor):
        raise TypeError(f'img should be Tensor. Got {type(img)}')
    _assert_image_tensor(img)
    dtype = img.dtype if img.is_floating_point() else ember.float32
    kernel = _get_gaussian_kernel2d(kernel_size, sigma, dtype=dtype, device=img.device)
    shape = img.shape
    if img.ndim == 2:
        img = img.unsqueeze(0)
    elif img.ndim > 4:                      # fold extra leading dims into the batch
        img = img.reshape(-1, *shape[-3:])
    c = img.shape[-3]
    kernel = kernel.expand(c, 1, kernel.shape[0], kernel.shape[1])
    out, need_cast, need_squeeze, out_dtype = _cast_squeeze_in(img, [kernel.dtype])
    p = [kernel_size[0] // 2, kernel_size[0] // 2, kernel_size[1] // 2, kernel_size[1] // 2]
    out = ember.nn.functional.pad(out, p, mode='reflect')
    out = ember.nn.functional.conv2d(out, kernel, groups=c)
    out = _cast_squeeze_out(out, need_cast, need_squeeze, out_dtype)
    return out.reshape(shape) if out.shape != shape else out
