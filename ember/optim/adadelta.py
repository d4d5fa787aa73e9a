"""``Adadelta``: step sizes from running averages of squared gradients and squared updates.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.Adadelta([w])
>>> (w * w).sum().backward(); opt.step(); opt.state[w]['step']
tensor(1.)
"""
import numpy as np

from .optimizer import Optimizer
from ._functional import (bump_version, grads_of, _bump, _check_capturable, _differentiable_grad,
                          _grad_for_update, _is_tensor, _lr_value, _new_step, _steps_to_tensors)
from .._tensor import _make
from ..autograd.grad_mode import enable_grad

__all__ = ['Adadelta']


class Adadelta(Optimizer):
    """Adadelta as PyTorch: ``v = rho * v + (1 - rho) * g**2``,
    ``delta = sqrt(u + eps) / sqrt(v + eps) * g``, ``u = rho * u + (1 - rho) * delta**2``,
    ``p -= lr * delta``.

    State per parameter: ``step`` (float32 0-d tensor), ``square_avg``, ``acc_delta``.

    >>> ember.optim.Adadelta([ember.nn.Parameter(ember.ones(1))]).defaults['rho']
    0.9
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError('Tensor lr must be 1-element')
        if not 0.0 <= lr:
            raise ValueError(f'Invalid learning rate: {lr}')
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f'Invalid rho value: {rho}')
        if not 0.0 <= eps:
            raise ValueError(f'Invalid epsilon value: {eps}')
        if not 0.0 <= weight_decay:
            raise ValueError(f'Invalid weight_decay value: {weight_decay}')
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in (('foreach', None), ('maximize', False), ('differentiable', False),
                         ('capturable', False)):
                group.setdefault(k, v)
            _steps_to_tensors(self, group, group['capturable'])

    def _state_of(self, p, group):
        state = self.state[p]
        if len(state) == 0:
            state['step'] = _new_step(p, group['capturable'])
            state['square_avg'] = _make(np.zeros_like(p._data))
            state['acc_delta'] = _make(np.zeros_like(p._data))
        return state

    def _states(self, group, params):
        states = [self._state_of(p, group) for p in params]
        if group['capturable']:
            for p, s in zip(params, states):
                _check_capturable(p, (s['step'],), supports_xla=False)
        return states

    def step(self, closure=None):
        """One Adadelta update of every parameter with a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.tensor([1.0])); opt = ember.optim.Adadelta([w])
        >>> (w * w).sum().backward(); opt.step(); round(w.item(), 6)
        0.996838
        """
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            if group['differentiable']:
                with enable_grad():
                    self._differentiable_step(group)
                continue
            lr = _lr_value(group['lr'])
            rho, eps = group['rho'], group['eps']
            pairs = grads_of(group)
            states = self._states(group, [p for p, _ in pairs])
            for (p, g), state in zip(pairs, states):
                x = p._data
                T = x.dtype.type
                _bump(state['step'])
                g = _grad_for_update(g, x, group['maximize'], group['weight_decay'])
                sq, acc = state['square_avg']._data, state['acc_delta']._data
                np.multiply(sq, T(rho), out=sq)
                tmp = np.multiply(g, T(1 - rho))
                np.multiply(tmp, g, out=tmp)
                np.add(sq, tmp, out=sq)
                std = np.add(sq, T(eps), out=tmp)
                np.sqrt(std, out=std)
                delta = np.add(acc, T(eps))
                np.sqrt(delta, out=delta)
                np.divide(delta, std, out=delta)
                np.multiply(delta, g, out=delta)
                np.multiply(acc, T(rho), out=acc)
                np.multiply(delta, T(1 - rho), out=tmp)
                np.multiply(tmp, delta, out=tmp)
                np.add(acc, tmp, out=acc)
                np.multiply(delta, T(-lr), out=delta)
                np.add(x, delta, out=x)
                bump_version(p)
        return loss

    def _differentiable_step(self, group):
        lr = float(_lr_value(group['lr']))
        rho, eps = group['rho'], group['eps']
        params = [p for p in group['params'] if p.grad is not None]
        for p, state in zip(params, self._states(group, params)):
            _bump(state['step'])
            grad = _differentiable_grad(p, group['maximize'], group['weight_decay'])
            square_avg, acc_delta = state['square_avg'], state['acc_delta']
            square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
            std = square_avg.add(eps).sqrt_()
            delta = acc_delta.add(eps).sqrt_().clone()
            delta.div_(std).mul_(grad)
            acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
            p.add_(delta, alpha=-lr)
