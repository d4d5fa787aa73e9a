"""Lazy modules: layers whose input size is read from the first batch they see.

``LazyModuleMixin`` holds :class:`~ember.nn.UninitializedParameter` placeholders until the
first forward pass, when ``initialize_parameters`` materializes them from the input's shape,
initializes them exactly as the regular layer does (the same random draws as PyTorch), and
the module turns into its ``cls_to_become`` (``LazyLinear`` into ``Linear``, ...). Loading a
state dict into a lazy module materializes the placeholders from the checkpoint's shapes.

>>> _ = ember.manual_seed(0)
>>> layer = ember.nn.LazyLinear(3)
>>> layer
LazyLinear(in_features=0, out_features=3, bias=True)
>>> layer(ember.ones(2, 5)).shape, layer
(torch.Size([2, 3]), Linear(in_features=5, out_features=3, bias=True))
"""
import itertools

from ... import no_grad, tensor, long
from ..parameter import UninitializedParameter, UninitializedBuffer, is_lazy
from .batchnorm import _NormBase, BatchNorm1d, BatchNorm2d, BatchNorm3d
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .linear import Linear

__all__ = ['LazyModuleMixin', 'LazyLinear', 'LazyConv1d', 'LazyConv2d', 'LazyConv3d',
           'LazyConvTranspose1d', 'LazyConvTranspose2d', 'LazyConvTranspose3d',
           'LazyBatchNorm1d', 'LazyBatchNorm2d', 'LazyBatchNorm3d', 'LazyInstanceNorm1d',
           'LazyInstanceNorm2d', 'LazyInstanceNorm3d']


class LazyModuleMixin:
    """Mixin for modules whose parameters are shaped at the first forward pass.

    A subclass implements ``initialize_parameters(*forward_args)`` (materialize each
    placeholder, then ``reset_parameters()``) and may set ``cls_to_become``.

    >>> lin = ember.nn.LazyLinear(2)
    >>> lin.has_uninitialized_params()
    True
    """
    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters,
                                                               with_kwargs=True)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        # placeholders go in as they are (detach() would be an operation on missing data)
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = (param if keep_vars or is_lazy(param)
                                              else param.detach())
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars or is_lazy(buf) else buf.detach()

    def _lazy_load_hook(self, state_dict, prefix, local_metadata, strict, missing_keys,
                        unexpected_keys, error_msgs):
        for name, param in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if param is not None and key in state_dict and is_lazy(param):
                value = state_dict[key]
                if not is_lazy(value):
                    with no_grad():
                        param.materialize(value.shape)

    def initialize_parameters(self, *args, **kwargs):
        """Materialize the placeholders from the forward arguments (subclasses)."""
        raise NotImplementedError(
            f'initialize_parameters is not implemented for {self.__class__.__name__}')

    def has_uninitialized_params(self):
        """Whether a parameter or buffer of this module is still a placeholder."""
        return any(is_lazy(t) for t in itertools.chain(self._parameters.values(),
                                                        self._buffers.values()))

    def _infer_parameters(self, module, args, kwargs=None):
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f'module {self._get_name()} has not been fully initialized')
        module._initialize_hook.remove()
        module._load_hook.remove()
        delattr(module, '_initialize_hook')
        delattr(module, '_load_hook')
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _replicate_for_data_parallel(self):
        raise RuntimeError("Modules with uninitialized parameters can't be used with "
                           '`DataParallel`. Run a dummy forward pass to correctly initialize the '
                           'modules')


class LazyLinear(LazyModuleMixin, Linear):
    """A :class:`Linear` layer whose ``in_features`` is ``input.shape[-1]`` of the first batch.

    >>> ember.nn.LazyLinear(4, bias=False)(ember.ones(3, 2)).shape
    torch.Size([3, 4])
    """
    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:          # materialized by load_state_dict
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f'The in_features inferred from input: {input.shape[-1]} is '
                                     'not equal to in_features from self.weight: '
                                     f'{self.weight.shape[-1]}')
            self.in_features = input.shape[-1]


class _LazyConvXdMixin(LazyModuleMixin):
    """Shared by the lazy convolutions: ``in_channels`` is read from the input."""

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError('in_channels must be divisible by groups')
            if self.transposed:
                shape = (self.in_channels, self.out_channels // self.groups)
            else:
                shape = (self.out_channels, self.in_channels // self.groups)
            self.weight.materialize(shape + tuple(self.kernel_size))
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()

    def _get_in_channels(self, input):
        unbatched = self._dims + 1
        if input.dim() not in (unbatched, unbatched + 1):
            raise RuntimeError(f'Expected {unbatched}D (unbatched) or {unbatched + 1}D (batched) '
                               f'input to {self.__class__.__name__}, but got input of size: '
                               f'{input.shape}')
        return input.shape[1] if input.dim() == unbatched + 1 else input.shape[0]

    def _get_num_spatial_dims(self):
        return self._dims


def _lazy_conv():
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode='zeros', device=None, dtype=None):
        LazyModuleMixin.__init__(self, 0, 0, kernel_size, stride, padding, dilation, groups,
                                 False, padding_mode, device=device, dtype=dtype)
        _placeholders(self, out_channels, bias, device, dtype)
    return __init__


def _lazy_conv_transpose():
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None):
        LazyModuleMixin.__init__(self, 0, 0, kernel_size, stride, padding, output_padding,
                                 groups, False, dilation, padding_mode, device=device,
                                 dtype=dtype)
        _placeholders(self, out_channels, bias, device, dtype)
    return __init__


def _placeholders(conv, out_channels, bias, device, dtype):
    conv.weight = UninitializedParameter(device=device, dtype=dtype)
    conv.out_channels = out_channels
    if bias:
        conv.bias = UninitializedParameter(device=device, dtype=dtype)


def _make_lazy_conv(regular, transposed):
    name = f'Lazy{regular.__name__}'
    doc = (f"""A :class:`{regular.__name__}` whose ``in_channels`` is read from the first batch
    (``input.shape[1]``, or ``input.shape[0]`` for an unbatched input).

    >>> ember.nn.{name}(4, 3)
    {name}(0, 4, kernel_size={(3,) * regular._dims}, stride={(1,) * regular._dims})
    """)
    init = (_lazy_conv_transpose if transposed else _lazy_conv)()
    return type(name, (_LazyConvXdMixin, regular), {
        '__init__': init, 'cls_to_become': regular, '__doc__': doc, '__module__': __name__,
        '__qualname__': name})


LazyConv1d = _make_lazy_conv(Conv1d, False)
LazyConv2d = _make_lazy_conv(Conv2d, False)
LazyConv3d = _make_lazy_conv(Conv3d, False)
LazyConvTranspose1d = _make_lazy_conv(ConvTranspose1d, True)
LazyConvTranspose2d = _make_lazy_conv(ConvTranspose2d, True)
LazyConvTranspose3d = _make_lazy_conv(ConvTranspose3d, True)


class _LazyNormBase(LazyModuleMixin, _NormBase):
    """Shared by the lazy batch and instance norms: ``num_features`` is ``input.shape[1]``
    (as in PyTorch, also for an unbatched instance-norm input)."""

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__(0, eps, momentum, False, False, device=device, dtype=dtype, bias=False)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = tensor(0, dtype=long, device=device)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            if self.affine:
                self.weight.materialize((self.num_features,))
                if self.bias is not None:
                    self.bias.materialize((self.num_features,))
            if self.track_running_stats:
                self.running_mean.materialize((self.num_features,))
                self.running_var.materialize((self.num_features,))
            self.reset_parameters()


def _make_lazy_norm(regular):
    name = f'Lazy{regular.__name__}'
    doc = (f"""A :class:`{regular.__name__}` whose ``num_features`` is read from the first
    batch (``input.shape[1]``). Affine parameters and running statistics are on by default.

    >>> ember.nn.{name}()
    {name}(0, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """)
    return type(name, (_LazyNormBase, regular), {
        'cls_to_become': regular, '__doc__': doc, '__module__': __name__, '__qualname__': name})


LazyBatchNorm1d = _make_lazy_norm(BatchNorm1d)
LazyBatchNorm2d = _make_lazy_norm(BatchNorm2d)
LazyBatchNorm3d = _make_lazy_norm(BatchNorm3d)
LazyInstanceNorm1d = _make_lazy_norm(InstanceNorm1d)
LazyInstanceNorm2d = _make_lazy_norm(InstanceNorm2d)
LazyInstanceNorm3d = _make_lazy_norm(InstanceNorm3d)
