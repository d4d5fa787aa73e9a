"""Convolution layers: ``Conv1d/2d/3d`` and ``ConvTranspose1d/2d/3d``.

Parameters are created and initialised as PyTorch does (Kaiming-uniform weight with
``a=sqrt(5)``, bias uniform in ``±1/sqrt(fan_in)``), consuming the same random numbers.

>>> ember.nn.Conv2d(1, 6, 5)
Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
"""
import math

from ... import empty
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d',
           'ConvTranspose3d']

def _ntuple(v, n):
    if isinstance(v, (tuple, list)) or (hasattr(v, '__iter__') and not isinstance(v, str)):
        return tuple(v)
    return (v,) * n


class _ConvNd(Module):
    """Shared parameter handling of the convolution layers."""

    _dims = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 transposed, output_padding, groups, bias, padding_mode, device=None,
                 dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError('groups must be a positive integer')
        if in_channels % groups != 0:
            raise ValueError('in_channels must be divisible by groups')
        if out_channels % groups != 0:
            raise ValueError('out_channels must be divisible by groups')
        if isinstance(padding, str):
            if padding not in ('same', 'valid'):
                valid = {'same', 'valid'}
                raise ValueError(f'Invalid padding string {padding!r}, should be one of {valid}')
            if padding == 'same' and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        valid_modes = {'zeros', 'reflect', 'replicate', 'circular'}   # printed as PyTorch's
        if padding_mode not in valid_modes:
            raise ValueError(f'padding_mode must be one of {valid_modes}, but got '
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        # the amounts F.pad takes (last dim first) for the non-zero padding modes
        rev = []
        for i in reversed(range(len(kernel_size))):
            if isinstance(padding, str):
                total = dilation[i] * (kernel_size[i] - 1) if padding == 'same' else 0
                rev += [total // 2, total - total // 2]
            else:
                rev += [padding[i], padding[i]]
        self._reversed_padding_repeated_twice = rev
        shape = ((in_channels, out_channels // groups) if transposed else
                 (out_channels, in_channels // groups)) + tuple(kernel_size)
        self.weight = Parameter(empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self):
        """Kaiming-uniform weight (a=sqrt(5)); bias uniform in ``±1/sqrt(fan_in)``."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = (f'{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, '
             f'stride={self.stride}')
        if self.padding != (0,) * len(self.padding):
            s += f', padding={self.padding}'
        if self.dilation != (1,) * len(self.dilation):
            s += f', dilation={self.dilation}'
        if self.output_padding != (0,) * len(self.output_padding):
            s += f', output_padding={self.output_padding}'
        if self.groups != 1:
            s += f', groups={self.groups}'
        if self.bias is None:
            s += ', bias=False'
        if self.padding_mode != 'zeros':
            s += f', padding_mode={self.padding_mode}'
        return s

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, 'padding_mode'):
            self.padding_mode = 'zeros'


class _Conv(_ConvNd):
    _fn = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode='zeros', device=None, dtype=None):
        n = self._dims
        super().__init__(in_channels, out_channels, _ntuple(kernel_size, n), _ntuple(stride, n),
                         padding if isinstance(padding, str) else _ntuple(padding, n),
                         _ntuple(dilation, n), False, _ntuple(0, n), groups, bias, padding_mode,
                         device=device, dtype=dtype)

    def _conv_forward(self, input, weight, bias):
        fn = type(self)._fn
        if self.padding_mode != 'zeros':
            return fn(F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode),
                      weight, bias, self.stride, (0,) * self._dims, self.dilation, self.groups)
        return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-D convolution over (N, C, L) or (C, L) inputs.

    >>> ember.nn.Conv1d(2, 4, 3, padding='same')(ember.ones(1, 2, 5)).shape
    torch.Size([1, 4, 5])
    """
    _dims = 1
    _fn = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """2-D convolution over (N, C, H, W) or (C, H, W) inputs.

    ``padding`` may be an int, a pair, ``'valid'`` or ``'same'``; ``padding_mode`` is
    ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.

    >>> ember.nn.Conv2d(3, 8, 3, stride=2, padding=1)(ember.ones(2, 3, 32, 32)).shape
    torch.Size([2, 8, 16, 16])
    """
    _dims = 2
    _fn = staticmethod(F.conv2d)


class Conv3d(_Conv):
    """3-D convolution over (N, C, D, H, W) or (C, D, H, W) inputs.

    >>> ember.nn.Conv3d(1, 2, 3, padding=1)(ember.ones(1, 1, 4, 4, 4)).shape
    torch.Size([1, 2, 4, 4, 4])
    """
    _dims = 3
    _fn = staticmethod(F.conv3d)


class _ConvTransposeNd(_ConvNd):
    _fn = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros',
                 device=None, dtype=None):
        if padding_mode != 'zeros':
            raise ValueError(f'Only "zeros" padding mode is supported for '
                             f'{self.__class__.__name__}')
        n = self._dims
        super().__init__(in_channels, out_channels, _ntuple(kernel_size, n), _ntuple(stride, n),
                         _ntuple(padding, n), _ntuple(dilation, n), True,
                         _ntuple(output_padding, n), groups, bias, padding_mode, device=device,
                         dtype=dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size,
                        num_spatial_dims, dilation=None):
        if output_size is None:
            return list(_ntuple(self.output_padding, 1))
        batched = input.dim() == num_spatial_dims + 2
        lead = 2 if batched else 1
        if len(output_size) == lead + num_spatial_dims:
            output_size = output_size[lead:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f'ConvTranspose{num_spatial_dims}D: for {input.dim()}D input, '
                             f'output_size must have {num_spatial_dims} or '
                             f'{lead + num_spatial_dims} elements (got {len(output_size)})')
        mins, maxs = [], []
        for d in range(num_spatial_dims):
            size = ((input.size(d + lead) - 1) * stride[d] - 2 * padding[d]
                    + (dilation[d] if dilation is not None else 1) * (kernel_size[d] - 1) + 1)
            mins.append(size)
            maxs.append(size + stride[d] - 1)
        for i, size in enumerate(output_size):
            if size < mins[i] or size > maxs[i]:
                raise ValueError(f'requested an output size of {output_size}, but valid sizes '
                                 f'range from {mins} to {maxs} (for an input of '
                                 f'{input.size()[2:]})')
        return [output_size[d] - mins[d] for d in range(num_spatial_dims)]

    def forward(self, input, output_size=None):
        if self.padding_mode != 'zeros':
            raise ValueError(f'Only `zeros` padding mode is supported for '
                             f'{self.__class__.__name__}')
        n = self._dims
        output_padding = self._output_padding(input, output_size, self.stride, self.padding,
                                              self.kernel_size, n, self.dilation)
        return type(self)._fn(input, self.weight, self.bias, self.stride, self.padding,
                              output_padding, self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution (the gradient of Conv1d with respect to its input).

    >>> ember.nn.ConvTranspose1d(4, 2, 3, stride=2)(ember.ones(1, 4, 5)).shape
    torch.Size([1, 2, 11])
    """
    _dims = 1
    _fn = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution; ``forward(input, output_size=None)`` picks the
    output padding that gives ``output_size``.

    >>> up = ember.nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1)
    >>> up(ember.ones(1, 8, 5, 5), output_size=[10, 10]).shape
    torch.Size([1, 4, 10, 10])
    """
    _dims = 2
    _fn = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """Transposed 3-D convolution.

    >>> ember.nn.ConvTranspose3d(2, 1, 2, stride=2)(ember.ones(1, 2, 2, 2, 2)).shape
    torch.Size([1, 1, 4, 4, 4])
    """
    _dims = 3
    _fn = staticmethod(F.conv_transpose3d)
