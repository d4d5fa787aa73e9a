"""``BatchNorm1d``, ``BatchNorm2d`` and ``BatchNorm3d`` (and their shared base ``_NormBase``,
also used by the InstanceNorm layers).

In training mode a batch-norm layer normalizes each channel with the batch's mean and
(biased) variance and updates its running estimates in place:
``running = (1 - momentum) * running + momentum * batch_stat`` with the unbiased variance,
or the cumulative average ``1 / num_batches_tracked`` when ``momentum=None``. In eval mode it
uses the running estimates.

>>> bn = ember.nn.BatchNorm1d(2)
>>> bn(ember.tensor([[1., 2.], [3., 6.]]))
tensor([[-1.0000, -1.0000],
        [ 1.0000,  1.0000]], grad_fn=<NativeBatchNormBackward0>)
>>> bn.running_mean
tensor([0.2000, 0.4000])
"""
from ... import empty, zeros, ones, tensor, long
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d']


class _NormBase(Module):
    """Parameters, buffers, ``reset_parameters`` and ``extra_repr`` of the batch- and
    instance-norm layers (PyTorch's registration order: weight, bias, running_mean,
    running_var, num_batches_tracked)."""
    _version = 2
    __constants__ = ['track_running_stats', 'momentum', 'eps', 'num_features', 'affine']

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = Parameter(empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter('bias', None)
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)
        if self.track_running_stats:
            self.register_buffer('running_mean', zeros(num_features, device=device, dtype=dtype))
            self.register_buffer('running_var', ones(num_features, device=device, dtype=dtype))
            self.register_buffer('num_batches_tracked', tensor(0, dtype=long, device=device))
        else:
            self.register_buffer('running_mean', None)
            self.register_buffer('running_var', None)
            self.register_buffer('num_batches_tracked', None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        """Reset the running statistics; weight 1 and bias 0."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self):
        return (f'{self.num_features}, eps={self.eps}, momentum={self.momentum}, '
                f'affine={self.affine}, bias={self.bias is not None}, '
                f'track_running_stats={self.track_running_stats}')

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get('version', None)
        if (version is None or version < 2) and self.track_running_stats:
            key = prefix + 'num_batches_tracked'
            if key not in state_dict:         # checkpoints from before the counter existed
                state_dict[key] = (self.num_batches_tracked
                                   if self.num_batches_tracked is not None
                                   else tensor(0, dtype=long))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


def _dim_error(layer, expected, got, layout):
    return ValueError(f'expected {expected} input (got {got}D input) ({layer} normalizes '
                      f'{layout} input; use BatchNorm1d for (N, C) or (N, C, L), BatchNorm2d '
                      'for (N, C, H, W), BatchNorm3d for (N, C, D, H, W))')


class _BatchNorm(_NormBase):
    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:         # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        if self.training:
            bn_training = True
        else:
            bn_training = self.running_mean is None and self.running_var is None
        use_stats = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if use_stats else None,
                            self.running_var if use_stats else None, self.weight, self.bias,
                            bn_training, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalization over a ``(N, C)`` or ``(N, C, L)`` input.

    >>> ember.nn.BatchNorm1d(16)
    BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise _dim_error('BatchNorm1d', '2D or 3D', input.dim(), '(N, C) or (N, C, L)')


class BatchNorm2d(_BatchNorm):
    """Batch normalization over a ``(N, C, H, W)`` input, per channel.

    >>> ember.nn.BatchNorm2d(3)(ember.ones(2, 3, 4, 4)).shape
    torch.Size([2, 3, 4, 4])
    """

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise _dim_error('BatchNorm2d', '4D', input.dim(), '(N, C, H, W)')


class BatchNorm3d(_BatchNorm):
    """Batch normalization over a ``(N, C, D, H, W)`` input, per channel.

    >>> ember.nn.BatchNorm3d(2, momentum=None).momentum is None
    True
    """

    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise _dim_error('BatchNorm3d', '5D', input.dim(), '(N, C, D, H, W)')
