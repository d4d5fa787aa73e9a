"""``InstanceNorm1d``, ``InstanceNorm2d`` and ``InstanceNorm3d``: each channel of each sample
normalized over its own spatial positions. By default no affine parameters and no running
statistics (``affine=False, track_running_stats=False``), as in PyTorch; inputs may omit the
batch dimension.

>>> ember.nn.InstanceNorm1d(1)(ember.tensor([[[1., 3.]]]))
tensor([[[-1.0000,  1.0000]]])
"""
import warnings

from .. import functional as F
from .batchnorm import _NormBase

__all__ = ['InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d']


class _InstanceNorm(_NormBase):
    _no_batch_dim = None
    _dims = ''

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats,
                         device=device, dtype=dtype, bias=bias)

    def _check_input_dim(self, input):
        nd = self._no_batch_dim
        if input.dim() not in (nd, nd + 1):
            raise ValueError(f'expected {nd}D or {nd + 1}D input (got {input.dim()}D input) '
                             f'({type(self).__name__} takes {self._dims} input, with or '
                             'without the batch dimension N)')

    def _apply_instance_norm(self, input):
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight,
                               self.bias, self.training or not self.track_running_stats,
                               self.momentum if self.momentum is not None else 0.0, self.eps)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get('version', None)
        if version is None and not self.track_running_stats:
            keys = [prefix + n for n in ('running_mean', 'running_var') if prefix + n in state_dict]
            if keys:
                klass = type(self).__name__
                names = ' and '.join(f'"{k}"' for k in keys)
                error_msgs.append(
                    f'Unexpected running stats buffer(s) {names} for {klass} with '
                    'track_running_stats=False. If state_dict is a checkpoint saved before '
                    f'0.4.0, this may be expected because {klass} does not track running stats '
                    'by default since 0.4.0. Please remove these keys from state_dict. If the '
                    'running stats are actually needed, instead set track_running_stats=True '
                    f'in {klass} to enable them. See the documentation of {klass} for details.')
                for k in keys:
                    state_dict.pop(k)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def forward(self, input):
        self._check_input_dim(input)
        feature_dim = input.dim() - self._no_batch_dim
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(
                    f"expected input's size at dim={feature_dim} to match num_features "
                    f'({self.num_features}), but got: {input.size(feature_dim)}. (input shape '
                    f'{list(input.shape)}; build the layer with num_features='
                    f'{input.size(feature_dim)})')
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. "
                          'You can silence this warning by not passing in num_features, '
                          'which is not used because affine=False', stacklevel=2)
        if input.dim() == self._no_batch_dim:
            return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._apply_instance_norm(input)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of ``(N, C, L)`` or ``(C, L)`` input.

    >>> ember.nn.InstanceNorm1d(3)
    InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)
    """
    _no_batch_dim = 2
    _dims = '(N, C, L)'


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of ``(N, C, H, W)`` or ``(C, H, W)`` input.

    >>> ember.nn.InstanceNorm2d(2, affine=True)(ember.ones(1, 2, 3, 3)).shape
    torch.Size([1, 2, 3, 3])
    """
    _no_batch_dim = 3
    _dims = '(N, C, H, W)'


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    >>> ember.nn.InstanceNorm3d(2)(ember.ones(2, 2, 2, 2)).shape
    torch.Size([2, 2, 2, 2])
    """
    _no_batch_dim = 4
    _dims = '(N, C, D, H, W)'
