"""Gradient clipping: ``clip_grad_norm_``, ``clip_grad_value_``, ``get_total_norm`` and
``clip_grads_with_norm_``, computed as PyTorch computes them.

The total norm is the norm of the per-gradient norms; the clip coefficient is
``max_norm / (total_norm + 1e-6)`` clamped to at most 1, and every gradient is multiplied by it
in place.

>>> w = ember.nn.Parameter(ember.ones(4)); w.grad = ember.full((4,), 3.0)
>>> ember.nn.utils.clip_grad_norm_([w], max_norm=1.0)
tensor(6.)
>>> w.grad
tensor([0.5000, 0.5000, 0.5000, 0.5000])
"""
import functools
import types
import warnings

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad

__all__ = ['clip_grad_norm', 'clip_grad_norm_', 'clip_grad_value_']


def _no_grad(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with no_grad():
            return func(*args, **kwargs)
    return wrapper


def _group_by_device_and_dtype(tensors):
    groups = {}
    for t in tensors:
        groups.setdefault((str(t.device), t.dtype), []).append(t)
    return groups


@_no_grad
def _get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The ``norm_type`` norm of all ``tensors`` together (the norm of their norms).

    >>> ember.nn.utils.get_total_norm([ember.tensor([3.0]), ember.tensor([4.0])])
    tensor(5.)
    """
    import ember
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return ember.tensor(0.0)
    first_device = tensors[0].device
    norms = []
    vector_norm = ember.linalg.vector_norm
    for group in _group_by_device_and_dtype(tensors).values():
        norms.extend(vector_norm(g, norm_type) for g in group)
    total_norm = vector_norm(ember.stack([n.to(first_device) for n in norms]), norm_type)
    if error_if_nonfinite and bool(total_norm.isnan() | total_norm.isinf()):
        raise RuntimeError(
            f'The total norm of order {norm_type} for gradients from `parameters` is non-finite, '
            'so it cannot be clipped. To disable this error and scale the gradients by the '
            'non-finite norm anyway, set `error_if_nonfinite=False`')
    return total_norm


@_no_grad
def _clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients of ``parameters`` by ``min(1, max_norm / (total_norm + 1e-6))``.

    >>> w = ember.nn.Parameter(ember.ones(2)); w.grad = ember.tensor([3.0, 4.0])
    >>> ember.nn.utils.clip_grads_with_norm_([w], 1.0, ember.tensor(5.0)); w.grad
    tensor([0.6000, 0.8000])
    """
    import ember
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if len(grads) == 0:
        return
    clip_coef = max_norm / (total_norm + 1e-6)
    clip_coef_clamped = ember.clamp(clip_coef, max=1.0)
    for (device, _), group in _group_by_device_and_dtype(grads).items():
        coef = clip_coef_clamped.to(device)
        for g in group:
            g.mul_(coef)


@_no_grad
def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale the gradients of ``parameters`` so that their total norm is at most ``max_norm``.

    Returns the total norm of the gradients before clipping (a tensor). ``norm_type`` may be
    ``float('inf')``. With ``error_if_nonfinite=True`` a nan/inf total norm raises.

    >>> w = ember.nn.Parameter(ember.zeros(2)); w.grad = ember.tensor([3.0, -4.0])
    >>> ember.nn.utils.clip_grad_norm_(w, 1.0, norm_type='inf')
    tensor(4.)
    >>> w.grad
    tensor([ 0.7500, -1.0000])
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and len(parameters) == 0:
            warnings.warn('`parameters` is an empty generator, no gradient clipping will occur.',
                          stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = _get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    _clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of :func:`clip_grad_norm_` (warns FutureWarning).

    >>> import warnings; warnings.simplefilter('ignore', FutureWarning)
    >>> ember.nn.utils.clip_grad_norm([], 1.0)
    tensor(0.)
    """
    warnings.warn('`torch.nn.utils.clip_grad_norm` is now deprecated in favor of '
                  '`torch.nn.utils.clip_grad_norm_`.', FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@_no_grad
def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient of ``parameters`` in place to ``[-clip_value, clip_value]``.

    >>> w = ember.nn.Parameter(ember.zeros(3)); w.grad = ember.tensor([-2.0, 0.5, 3.0])
    >>> ember.nn.utils.clip_grad_value_(w, 1.0); w.grad
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    grads = [p.grad for p in parameters if p.grad is not None]
    for group in _group_by_device_and_dtype(grads).values():
        for grad in group:
            grad.clamp_(min=-clip_value, max=clip_value)


get_total_norm = _get_total_norm
clip_grads_with_norm_ = _clip_grads_with_norm_
