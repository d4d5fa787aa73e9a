"""Helpers shared by the distributions (as ``torch.distributions.utils``).

>>> import ember
>>> loc, scale = broadcast_all(ember.zeros(2), 1.0)
>>> scale
tensor([1., 1.])
"""
import numbers

import ember

__all__ = ['broadcast_all', 'logits_to_probs', 'probs_to_logits', 'clamp_probs',
           'lazy_property', 'euler_constant']

euler_constant = 0.57721566490153286060  # the Euler-Mascheroni constant


def broadcast_all(*values):
    """Broadcast numbers and tensors to one shape; numbers become tensors of the first
    tensor's dtype (or the default dtype).

    >>> [v.shape for v in broadcast_all(ember.zeros(3, 1), ember.zeros(2))]
    [torch.Size([3, 2]), torch.Size([3, 2])]
    """
    if not all(isinstance(v, (ember.Tensor, numbers.Number)) for v in values):
        raise ValueError('Input arguments must all be instances of numbers.Number, '
                         'torch.Tensor or objects implementing __torch_function__.')
    if all(isinstance(v, ember.Tensor) for v in values):
        return ember.broadcast_tensors(*values)
    like = next((v for v in values if isinstance(v, ember.Tensor)), None)
    dtype = ember.get_default_dtype() if like is None else like.dtype
    tensors = [v if isinstance(v, ember.Tensor) else ember.tensor(v, dtype=dtype)
               for v in values]
    return ember.broadcast_tensors(*tensors)


def _standard_normal(shape, dtype, device=None):
    """Standard normal draws of ``shape`` (``empty(shape).normal_()``, as torch)."""
    return ember.empty(shape, dtype=dtype).normal_()


def _sum_rightmost(value, dim):
    """Sum out the ``dim`` rightmost dimensions of ``value``."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.dim() - dim]) + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: sigmoid for binary, softmax over the last dim otherwise.

    >>> logits_to_probs(ember.tensor([0.0, 0.0]))
    tensor([0.5000, 0.5000])
    """
    if is_binary:
        return ember.sigmoid(logits)
    return logits.softmax(-1)


def clamp_probs(probs):
    """Clamp probabilities into ``[eps, 1 - eps]`` of their dtype.

    >>> clamp_probs(ember.tensor([0.0, 1.0]))
    tensor([1.1921e-07, 1.0000e+00])
    """
    eps = ember.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities (clamped first): ``log p - log1p(-p)`` for binary, ``log p``
    otherwise.

    >>> probs_to_logits(ember.tensor([0.5]), is_binary=True)
    tensor([0.])
    """
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ember.log(ps_clamped) - ember.log1p(-ps_clamped)
    return ember.log(ps_clamped)


class lazy_property:
    """A property computed on first access (with gradients enabled) and then stored on the
    instance, e.g. ``probs`` of a distribution built from ``logits``.

    >>> class A:
    ...     @lazy_property
    ...     def x(self):
    ...         return 3
    >>> A().x
    3
    """

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with ember.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def _batch_mv(bmat, bvec):
    """Batched matrix-vector product with broadcasting."""
    return ember.matmul(bmat, bvec.unsqueeze(-1)).squeeze(-1)

