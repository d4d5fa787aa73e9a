"""``Adafactor``: Adam-like steps with factored second moments (row and column means).

>>> w = ember.nn.Parameter(ember.tensor([1.0, 2.0]))
>>> opt = ember.optim.Adafactor([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8419, 1.8419], requires_grad=True)
"""
import math

import numpy as np

from .optimizer import Optimizer
from ._functional import bump_version, _bump, _is_tensor, _lerp_, _lr_value, _new_step
from ._functional import _steps_to_tensors
from .._tensor import _make

__all__ = ['Adafactor']


def _rms(a):
    """Root mean square of an array, as a Python float (PyTorch's ``norm / sqrt(numel)``)."""
    return float(np.sqrt(np.sum(np.square(a, dtype=np.float64)))) / math.sqrt(a.size)


class Adafactor(Optimizer):
    """Adafactor as PyTorch 2.13 implements it.

    For parameters with two or more dimensions the second moment is kept as a row factor
    (``row_var``, mean over the last dim) and a column factor (``col_var``, mean over the
    second-to-last dim); vectors keep a full ``variance``. With ``t`` the step:
    ``1 - beta2_t = t ** beta2_decay``, ``rho_t = min(lr, 1/sqrt(t))``, the step size is
    ``max(eps[1], RMS(p)) * rho_t``, the update ``g / max(sqrt(V), eps[0])`` is clipped to
    RMS ``d``, and ``weight_decay`` is decoupled (``p *= 1 - lr * weight_decay``).
    ``eps[0]=None`` means the machine epsilon of the parameter's dtype.

    >>> w = ember.nn.Parameter(ember.ones(2, 3))
    >>> opt = ember.optim.Adafactor([w]); w.grad = ember.ones(2, 3); opt.step()
    >>> sorted(opt.state[w])
    ['col_var', 'row_var', 'step']
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError('Tensor lr must be 1-element')
        if not 0.0 <= lr:
            raise ValueError(f'Learning rate should be >= 0 but is: {lr}')
        if not 0.0 >= beta2_decay:
            raise ValueError(f'beta2_decay should be <= 0 but is: {beta2_decay}')
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f'epsilon1 should be >= 0 but is: {eps[0]}')
        if not 0.0 <= eps[1]:
            raise ValueError(f'epsilon2 should be >= 0 but is: {eps[1]}')
        if not 1.0 <= d:
            raise ValueError(f'Clipping threshold d should be >= 1 but is: {d}')
        if not 0.0 <= weight_decay:
            raise ValueError(f'weight_decay should be >= 0 but is: {weight_decay}')
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                        weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault('foreach', None)
            _steps_to_tensors(self, group, False)

    def _state_of(self, p, g):
        state = self.state[p]
        if len(state) == 0:
            state['step'] = _new_step(p, False)
            if g.ndim > 1:
                state['row_var'] = _make(np.zeros(g.shape[:-1] + (1,), g.dtype))
                state['col_var'] = _make(np.zeros(g.shape[:-2] + (1,) + g.shape[-1:], g.dtype))
            else:
                state['variance'] = _make(np.zeros_like(g))
        return state

    def step(self, closure=None):
        """One Adafactor update of every parameter with a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.ones(3)); opt = ember.optim.Adafactor([w])
        >>> w.grad = ember.ones(3); opt.step(); opt.state[w]['variance']
        tensor([1., 1., 1.])
        """
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _lr_value(group['lr'])  # a Tensor lr stays float32 as in torch
            eps1, eps2 = group['eps']
            for p in group['params']:
                if p.grad is None:
                    continue
                if p.is_complex():
                    raise RuntimeError('Adafactor does not support complex parameters')
                if getattr(p.grad, 'is_sparse', False):
                    raise RuntimeError('Adafactor does not support sparse gradients')
                if eps1 is None:    # as torch: fixed by the first parameter of the group
                    eps1 = float(np.finfo(p._data.dtype).eps)
                self._update(p, group, lr, eps1, eps2)
        return loss

    def _update(self, p, group, lr, eps1, eps2):
        x = p._data
        T = x.dtype.type
        g = p.grad._data
        state = self._state_of(p, g)
        if group['maximize']:
            g = np.negative(g)
        _bump(state['step'])
        t = float(state['step']._data)
        one_minus_beta2 = t ** group['beta2_decay']
        rho = min(lr, 1 / t ** 0.5)
        alpha = max(eps2, float(T(_rms(x)))) * rho
        if group['weight_decay'] != 0:
            np.multiply(x, T(1 - lr * group['weight_decay']), out=x)
        if g.ndim > 1:
            row_var, col_var = state['row_var']._data, state['col_var']._data
            square = np.multiply(g, g)
            row_mean = np.divide(np.sum(square, axis=-1, keepdims=True), T(g.shape[-1]))
            _lerp_(row_var, row_mean, one_minus_beta2, np.empty_like(row_var))
            col_mean = np.divide(np.sum(square, axis=-2, keepdims=True), T(g.shape[-2]))
            _lerp_(col_var, col_mean, one_minus_beta2, np.empty_like(col_var))
            var = np.matmul(row_var, col_var)
            np.divide(var, np.maximum(np.mean(row_var, axis=-2, keepdims=True), T(eps1)),
                      out=var)
        else:
            variance = state['variance']._data
            _lerp_(variance, np.multiply(g, g), one_minus_beta2, np.empty_like(variance))
            var = variance.copy()
        update = np.maximum(var, T(eps1 * eps1), out=var)
        np.sqrt(update, out=update)
        np.divide(g, update, out=update)
        denom = max(1.0, float(T(_rms(update))) / group['d'])
        np.multiply(update, T(-alpha / denom), out=update)
        np.add(x, update, out=x)
        bump_version(p)
