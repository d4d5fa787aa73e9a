"""``RMSprop``: divide the gradient by a running root mean square of recent gradients.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.RMSprop([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([5.9605e-08], requires_grad=True)
"""
import numpy as np

from .optimizer import Optimizer
from ._functional import (bump_version, grads_of, _check_capturable, _new_step, _lr_value,
                          _grad_for_update, _lerp_, _differentiable_grad, _bump, _is_tensor,
                          _steps_to_tensors)
from .._tensor import _make
from ..autograd.grad_mode import enable_grad

__all__ = ['RMSprop']


class RMSprop(Optimizer):
    """RMSprop as PyTorch: ``v = alpha * v + (1 - alpha) * g**2``,
    ``p -= lr * g / (sqrt(v) + eps)``.

    ``centered`` subtracts the squared running mean of the gradient from ``v``; ``momentum``
    keeps a buffer ``b = momentum * b + g / (sqrt(v) + eps)`` and steps ``p -= lr * b``.
    State per parameter: ``step`` (float32 0-d tensor), ``square_avg``, and
    ``momentum_buffer`` / ``grad_avg`` when used.

    >>> ember.optim.RMSprop([ember.nn.Parameter(ember.ones(1))]).defaults['alpha']
    0.99
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError('Tensor lr must be 1-element')
        if not 0.0 <= lr:
            raise ValueError(f'Invalid learning rate: {lr}')
        if not 0.0 <= eps:
            raise ValueError(f'Invalid epsilon value: {eps}')
        if not 0.0 <= momentum:
            raise ValueError(f'Invalid momentum value: {momentum}')
        if not 0.0 <= weight_decay:
            raise ValueError(f'Invalid weight_decay value: {weight_decay}')
        if not 0.0 <= alpha:
            raise ValueError(f'Invalid alpha value: {alpha}')
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in (('momentum', 0), ('centered', False), ('foreach', None),
                         ('maximize', False), ('differentiable', False), ('capturable', False)):
                group.setdefault(k, v)
            _steps_to_tensors(self, group, group['capturable'])

    def _init_state(self, p, group):
        state = self.state[p]
        if len(state) == 0:
            state['step'] = _new_step(p, group['capturable'])
            state['square_avg'] = _make(np.zeros_like(p._data))
            if group['momentum'] > 0:
                state['momentum_buffer'] = _make(np.zeros_like(p._data))
            if group['centered']:
                state['grad_avg'] = _make(np.zeros_like(p._data))
        if group['capturable']:
            _check_capturable(p, (state['step'],))
        return state

    def step(self, closure=None):
        """One RMSprop update of every parameter with a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.tensor([1.0])); opt = ember.optim.RMSprop([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); opt.state[w]['step']
        tensor(1.)
        """
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            if group['differentiable']:
                with enable_grad():
                    self._differentiable_step(group)
                continue
            lr = _lr_value(group['lr'])
            alpha, eps, momentum = group['alpha'], group['eps'], group['momentum']
            centered = group['centered']
            for p, g in grads_of(group):
                x = p._data
                T = x.dtype.type
                state = self._init_state(p, group)
                g = _grad_for_update(g, x, group['maximize'], group['weight_decay'])
                _bump(state['step'])
                sq = state['square_avg']._data
                np.multiply(sq, T(alpha), out=sq)
                tmp = np.multiply(g, T(1 - alpha))
                np.multiply(tmp, g, out=tmp)
                np.add(sq, tmp, out=sq)
                if centered:
                    ga = state['grad_avg']._data
                    _lerp_(ga, g, 1 - alpha, tmp)
                    np.multiply(ga, ga, out=tmp)
                    np.subtract(sq, tmp, out=tmp)
                    avg = np.sqrt(tmp, out=tmp)
                else:
                    avg = np.sqrt(sq, out=tmp)
                np.add(avg, T(eps), out=avg)
                if momentum > 0:
                    buf = state['momentum_buffer']._data
                    np.multiply(buf, T(momentum), out=buf)
                    np.divide(g, avg, out=avg)
                    np.add(buf, avg, out=buf)
                    np.multiply(buf, T(-lr), out=avg)
                else:
                    np.divide(np.multiply(g, T(-lr)), avg, out=avg)
                np.add(x, avg, out=x)
                bump_version(p)
        return loss

    # The same update written with ember's differentiable ops (differentiable=True).
    def _differentiable_step(self, group):
        lr = _lr_value(group['lr'])
        alpha, eps, momentum = group['alpha'], group['eps'], group['momentum']
        for p in group['params']:
            if p.grad is None:
                continue
            state = self._init_state(p, group)
            grad = _differentiable_grad(p, group['maximize'], group['weight_decay'])
            _bump(state['step'])
            square_avg = state['square_avg']
            square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
            if group['centered']:
                grad_avg = state['grad_avg']
                grad_avg.lerp_(grad, 1 - alpha)
                avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
            else:
                avg = square_avg.sqrt()
            avg = avg.add(eps)
            if momentum > 0:
                buf = state['momentum_buffer']
                buf.mul_(momentum).addcdiv_(grad, avg)
                p.add_(buf, alpha=-float(lr))
            else:
                p.addcdiv_(grad, avg, value=-float(lr))

