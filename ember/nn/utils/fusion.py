"""Fold an eval-mode BatchNorm into the convolution or linear layer before it.

In eval mode BatchNorm is the affine map ``(x - mean) * w / sqrt(var + eps) + b``; folding it
into the preceding layer's weight and bias gives one layer with the same output.

>>> conv, bn = ember.nn.Conv2d(2, 3, 1).eval(), ember.nn.BatchNorm2d(3).eval()
>>> x = ember.randn(1, 2, 4, 4)
>>> bool(ember.allclose(fuse_conv_bn_eval(conv, bn)(x), bn(conv(x)), atol=1e-6))
True
"""
import copy

from ... import rsqrt, zeros_like, ones_like
from ..parameter import Parameter

__all__ = ['fuse_conv_bn_eval', 'fuse_conv_bn_weights', 'fuse_linear_bn_eval',
           'fuse_linear_bn_weights']


def _check_eval(layer, bn):
    if layer.training or bn.training:
        raise AssertionError('Fusion only for eval! (call .eval() on both modules first)')
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError('bn.running_mean and bn.running_var must not be None')


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of ``conv`` (eval mode) whose output equals ``bn(conv(x))`` for ``bn`` in eval
    mode; ``transpose=True`` for a transposed convolution (output channels on dim 1).

    >>> fused = fuse_conv_bn_eval(ember.nn.Conv1d(1, 2, 1).eval(), ember.nn.BatchNorm1d(2).eval())
    >>> fused.bias.shape
    torch.Size([2])
    """
    _check_eval(conv, bn)
    fused = copy.deepcopy(conv)
    fused.weight, fused.bias = fuse_conv_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias,
        transpose)
    return fused


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """The ``(weight, bias)`` Parameters of a convolution followed by a BatchNorm with running
    statistics ``bn_rm``/``bn_rv`` and affine ``bn_w``/``bn_b`` (None: identity).

    >>> w, b = fuse_conv_bn_weights(ember.ones(1, 1, 1), None, ember.zeros(1), ember.ones(1),
    ...                             0., None, None)
    >>> w.flatten().tolist(), b.tolist()
    ([1.0], [0.0])
    """
    weight_dtype = conv_w.dtype
    bias_dtype = conv_b.dtype if conv_b is not None else weight_dtype
    if conv_b is None:
        conv_b = zeros_like(bn_rm)
    if bn_w is None:
        bn_w = ones_like(bn_rm)
    if bn_b is None:
        bn_b = zeros_like(bn_rm)
    inv_std = rsqrt(bn_rv + bn_eps)
    lead = [1, -1] if transpose else [-1, 1]
    scale = (bn_w * inv_std).reshape(lead + [1] * (conv_w.dim() - 2))
    fused_w = (conv_w * scale).to(dtype=weight_dtype)
    fused_b = ((conv_b - bn_rm) * inv_std * bn_w + bn_b).to(dtype=bias_dtype)
    return Parameter(fused_w, conv_w.requires_grad), Parameter(fused_b, conv_b.requires_grad)


def fuse_linear_bn_eval(linear, bn):
    """A copy of ``linear`` (eval mode) whose output equals ``bn(linear(x))`` for ``bn`` in
    eval mode (``bn.num_features`` is ``out_features`` or 1).

    >>> fused = fuse_linear_bn_eval(ember.nn.Linear(3, 2).eval(), ember.nn.BatchNorm1d(2).eval())
    >>> fused
    Linear(in_features=3, out_features=2, bias=True)
    """
    _check_eval(linear, bn)
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise AssertionError(
            'To fuse, linear.out_features == bn.num_features or bn.num_features == 1, got '
            f'linear.out_features={linear.out_features} and bn.num_features={bn.num_features}')
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    return fused


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """The ``(weight, bias)`` Parameters of a Linear layer followed by a BatchNorm.

    >>> w, b = fuse_linear_bn_weights(ember.ones(1, 2), None, ember.zeros(1), ember.full((1,), 4.),
    ...                               0., ember.ones(1), ember.zeros(1))
    >>> w.data
    tensor([[0.5000, 0.5000]])
    """
    weight_dtype = linear_w.dtype
    bias_dtype = linear_b.dtype if linear_b is not None else weight_dtype
    if linear_b is None:
        linear_b = zeros_like(bn_rm)
    scale = bn_w * rsqrt(bn_rv + bn_eps)
    fused_w = linear_w * scale.unsqueeze(-1).to(dtype=weight_dtype)
    fused_b = ((linear_b - bn_rm) * scale + bn_b).to(dtype=bias_dtype)
    return Parameter(fused_w, linear_w.requires_grad), Parameter(fused_b, linear_b.requires_grad)
