"""``Muon``: momentum SGD whose update is orthogonalised by a Newton-Schulz iteration.

>>> w = ember.nn.Parameter(ember.eye(2))
>>> opt = ember.optim.Muon([w], lr=0.1, weight_decay=0.0)
>>> w.grad = ember.tensor([[1.0, 0.0], [0.0, 2.0]]); opt.step(); w
Parameter containing:
tensor([[0.8883, 0.0000],
        [0.0000, 0.9309]], requires_grad=True)
"""
import math

import numpy as np

from .optimizer import Optimizer
from ._functional import bump_version, _is_tensor, _lerp_, _lr_value
from .._tensor import _make

__all__ = ['Muon']

EPS = 1e-7
DEFAULT_A = 3.4445
DEFAULT_B = -4.7750
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5


def _bfloat16(a):
    """Round a float32 array to bfloat16 precision (nearest, ties to even), kept as float32.

    PyTorch runs Muon's Newton-Schulz iteration in bfloat16; ember needs no bfloat16 dtype
    for it: it rounds float32 results where PyTorch's bfloat16 kernels round theirs.
    ``a`` (a fresh float32 array) is rounded in place.
    """
    a = np.ascontiguousarray(a, dtype=np.float32)
    bits = a.view(np.uint32)
    lsb = np.right_shift(bits, 16)
    np.bitwise_and(lsb, 1, out=lsb)
    lsb += 0x7FFF
    bits += lsb
    bits &= np.uint32(0xFFFF0000)
    return a


def _addmm(c, a, b, beta, alpha=1.0):
    """``beta * c + alpha * (a @ b)`` with one bfloat16 rounding, as PyTorch's CPU addmm."""
    f = np.float32
    return _bfloat16(f(beta) * c + f(alpha) * np.matmul(a, b))


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    """``ns_steps`` quintic Newton-Schulz iterations towards ``U V^T`` of ``grad = U S V^T``.

    >>> _zeropower_via_newtonschulz(np.eye(2) * 3, (DEFAULT_A, DEFAULT_B, DEFAULT_C), 5, EPS)
    array([[1.125, 0.   ],
           [0.   , 1.125]], dtype=float32)
    """
    if ns_steps >= 100:
        raise ValueError('Number of steps must be less than 100 for computational efficiency')
    if grad.ndim != 2:
        raise ValueError('Input tensor gradient must be a 2D matrix')
    if len(ns_coefficients) != 3:
        raise ValueError('Coefficients must be a tuple of exactly 3 values')
    a, b, c = ns_coefficients
    x = _bfloat16(grad.astype(np.float32))  # a copy: grad is not touched
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    norm = _bfloat16(np.sqrt([np.sum(x * x, dtype=np.float32)]))[0]
    x = _bfloat16(x / max(norm, _bfloat16(np.array([eps], np.float32))[0]))
    for _ in range(ns_steps):
        gram = _bfloat16(np.matmul(x, x.T))
        gram_update = _addmm(gram, gram, gram, beta=b, alpha=c)
        x = _addmm(x, gram_update, x, beta=a)
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, param_shape):
    """The learning rate scaled so the orthogonalised update's RMS suits the matrix shape."""
    rows, cols = param_shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == 'original':
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == 'match_rms_adamw':
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio


class Muon(Optimizer):
    """Muon as PyTorch 2.13: ``B = momentum * B + (1 - momentum) * g`` (a lerp), the update
    ``g.lerp(B, momentum)`` (Nesterov) or ``B`` orthogonalised by ``ns_steps`` Newton-Schulz
    iterations (in bfloat16 precision, as PyTorch), then ``p *= 1 - lr * weight_decay`` and
    ``p -= adjusted_lr * update``. Only 2-D parameters.

    >>> ember.optim.Muon([ember.nn.Parameter(ember.ones(2, 2))]).defaults['momentum']
    0.95
    """

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS,
                 ns_steps=DEFAULT_NS_STEPS, adjust_lr_fn=None):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError('Tensor lr must be 1-element')
        if not 0.0 <= lr:
            raise ValueError(f'Learning rate should be >= 0 but is: {lr}')
        if not 0.0 <= momentum:
            raise ValueError(f'momentum should be >= 0 but is: {momentum}')
        if not 0.0 <= weight_decay:
            raise ValueError(f'weight decay should be >= 0 but is: {weight_decay}')
        if adjust_lr_fn is not None and adjust_lr_fn not in ['original', 'match_rms_adamw']:
            raise ValueError(f'Adjust learning rate function {adjust_lr_fn} is not supported')
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                        adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group['params']:
                if p.ndim != 2:
                    raise ValueError('Muon only supports 2D parameters whereas we found a '
                                     f'parameter with size: {p.size()} (optimize biases, '
                                     'embeddings and other non-2D parameters with e.g. AdamW)')

    def step(self, closure=None):
        """One Muon update of every parameter with a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.ones(2, 2)); opt = ember.optim.Muon([w])
        >>> w.grad = ember.ones(2, 2); opt.step(); opt.state[w]['momentum_buffer']
        tensor([[0.0500, 0.0500],
                [0.0500, 0.0500]])
        """
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _lr_value(group['lr'])  # a Tensor lr stays float32 as in torch
            for p in group['params']:
                if p.grad is None:
                    continue
                if p.is_complex():
                    raise RuntimeError('Muon does not support complex parameters')
                if getattr(p.grad, 'is_sparse', False):
                    raise RuntimeError('Muon does not support sparse gradients')
                self._update(p, group, lr)
        return loss

    def _update(self, p, group, lr):
        g = p.grad._data
        if g.ndim != 2:
            raise ValueError('Param gradient must be a 2D matrix')
        state = self.state[p]
        if 'momentum_buffer' not in state:
            state['momentum_buffer'] = _make(np.zeros_like(g))
        buf = state['momentum_buffer']._data
        momentum = group['momentum']
        _lerp_(buf, g, 1 - momentum, np.empty_like(buf))
        if group['nesterov']:
            update = g.copy()
            _lerp_(update, buf, momentum, np.empty_like(buf))
        else:
            update = buf
        update = _zeropower_via_newtonschulz(update, group['ns_coefficients'],
                                             group['ns_steps'], group['eps'])
        x = p._data
        T = x.dtype.type
        adjusted_lr = _adjust_lr(lr, group['adjust_lr_fn'], x.shape)
        np.multiply(x, T(1 - lr * group['weight_decay']), out=x)
        np.add(x, np.multiply(update.astype(x.dtype), T(-adjusted_lr)), out=x)
        bump_version(p)
