"""Array-level helpers shared by the optimizers: in-place updates on parameters' arrays.

Optimizers work on the backend arrays directly (their step runs under no_grad and needs no
graph), update in place with ``out=``, and bump each parameter's version counter so autograd
still notices a parameter saved for backward that changed.

>>> import numpy as np
>>> p = ember.ones(2); _ = add_scaled_(p._data, np.ones(2, np.float32), -0.5); p
tensor([0.5000, 0.5000])
"""
import numpy as np

from .._ops._base import bump_version, xp_of
from .._tensor import Tensor, _make

__all__ = ['add_scaled_', 'bump_version', 'check_lr', 'scalar', 'grads_of']


def scalar(x, like):
    """A hyper-parameter as a scalar of ``like``'s dtype (how PyTorch casts ``alpha``)."""
    if isinstance(x, Tensor):
        x = x.item()
    return like.dtype.type(x)


def add_scaled_(target, source, alpha, tmp=None):
    """``target += alpha * source`` in place (``tmp``: optional scratch array)."""
    if alpha == 1:
        np.add(target, source, out=target)
        return target
    tmp = np.multiply(source, scalar(alpha, target), out=tmp)
    np.add(target, tmp, out=target)
    return target


def check_lr(lr):
    """PyTorch's learning-rate checks."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError('Tensor lr must be 1-element')
    if lr < 0.0:
        raise ValueError(f'Invalid learning rate: {lr}')


def grads_of(group):
    """``(param, grad array)`` for the group's parameters that have a gradient."""
    out = []
    for p in group['params']:
        g = p.grad
        if g is not None:
            if g.is_sparse if hasattr(g, 'is_sparse') else False:
                raise RuntimeError('sparse gradients are not supported')
            out.append((p, g._data))
    return out


# ---- shared by the element-wise optimizers (RMSprop, Adagrad, Adadelta, ASGD, Rprop, ...) --
def _capturable_supported_devices():
    """Device types where ``capturable=True`` may run (PyTorch's list; ember has 'cuda')."""
    return ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']


def _check_capturable(p, steps, what='params and state_steps', supports_xla=True):
    """PyTorch's AssertionError when ``capturable=True`` state is not on a capturable device."""
    devices = _capturable_supported_devices()
    if not supports_xla:
        devices = [d for d in devices if d != 'xla']
    kind = p.device.type
    if kind in devices and all(s.device.type == kind for s in steps):
        return
    raise AssertionError(
        f'If capturable=True, {what} must be on supported devices: {devices}. '
        f"(the parameter is on '{kind}'; capturable=True is for CUDA graphs: leave it False "
        'on the CPU)')


def _new_step(p, on_device):
    """The ``step`` counter: a float32 0-d tensor (on the parameter's device if asked)."""
    xp = xp_of(p._data) if on_device else np
    return _make(xp.zeros((), dtype=np.float32))


def _lr_value(lr):
    """``lr`` as the kernels see it: a Tensor lr is a 0-d number of its own dtype."""
    if isinstance(lr, Tensor):
        a = lr._data
        if a.__class__ is not np.ndarray:
            a = a.get()
        return a.reshape(())[()]
    return lr


def _as(T, v):
    """Scalar ``v`` (Python, NumPy or a CuPy 0-d array) as a NumPy scalar of type ``T``."""
    if hasattr(v, '__cuda_array_interface__'):
        v = v.item()
    return T(v)


def _grad_for_update(g, x, maximize, weight_decay):
    """``-g`` if maximizing, plus ``weight_decay * x``; a new array when anything changes."""
    if maximize:
        g = np.negative(g)
    if weight_decay != 0:
        t = np.multiply(x, x.dtype.type(weight_decay))
        g = np.add(g, t, out=t)
    return g


def _lerp_(a, end, weight, tmp):
    """``a.lerp_(end, weight)`` with PyTorch's two formulas (small and large weights)."""
    T = a.dtype.type
    np.subtract(end, a, out=tmp)
    if abs(weight) < 0.5:
        np.multiply(tmp, T(weight), out=tmp)
        np.add(a, tmp, out=a)
    else:
        np.multiply(tmp, T(1) - T(weight), out=tmp)
        np.subtract(end, tmp, out=a)


def _differentiable_grad(p, maximize, weight_decay):
    grad = p.grad
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad.add(p, alpha=weight_decay)
    return grad


def _bump(step):
    a = step._data
    np.add(a, 1, out=a)


def _is_tensor(x):
    return isinstance(x, Tensor)


def _steps_to_tensors(opt, group, on_device):
    """Old checkpoints stored ``step`` as a number: make it a float32 0-d tensor."""
    for p in group['params']:
        s = opt.state.get(p)
        if s and 'step' in s and not _is_tensor(s['step']):
            t = _new_step(p, on_device)
            t._data[...] = float(s['step'])
            s['step'] = t
