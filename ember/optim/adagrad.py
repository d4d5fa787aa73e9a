"""``Adagrad``: per-element learning rates from the running sum of squared gradients.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.Adagrad([w], lr=0.5)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.5000], requires_grad=True)
"""
import numpy as np

from .optimizer import Optimizer
from ._functional import (bump_version, grads_of, _bump, _differentiable_grad, _grad_for_update,
                          _is_tensor, _lr_value, _new_step)
from .._tensor import _make
from ..autograd.grad_mode import enable_grad

__all__ = ['Adagrad']


class Adagrad(Optimizer):
    """Adagrad as PyTorch: ``s += g**2``, ``p -= clr * g / (sqrt(s) + eps)`` with
    ``clr = lr / (1 + (step - 1) * lr_decay)``.

    As in PyTorch the state (``step``: float32 0-d tensor, ``sum`` filled with
    ``initial_accumulator_value``) is created in the constructor for every parameter.
    ``fused=True`` is accepted and runs the same arithmetic.

    >>> w = ember.nn.Parameter(ember.ones(2))
    >>> ember.optim.Adagrad([w], initial_accumulator_value=0.1).state[w]['sum']
    tensor([0.1000, 0.1000])
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError('Tensor lr must be 1-element')
        if not 0.0 <= lr:
            raise ValueError(f'Invalid learning rate: {lr}')
        if not 0.0 <= lr_decay:
            raise ValueError(f'Invalid lr_decay value: {lr_decay}')
        if not 0.0 <= weight_decay:
            raise ValueError(f'Invalid weight_decay value: {weight_decay}')
        if not 0.0 <= initial_accumulator_value:
            raise ValueError('Invalid initial_accumulator_value value: '
                             f'{initial_accumulator_value}')
        if not 0.0 <= eps:
            raise ValueError(f'Invalid epsilon value: {eps}')
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError('`fused` does not support `differentiable`')
            if foreach:
                raise RuntimeError('`fused` and `foreach` cannot be `True` together.')
        for group in self.param_groups:
            for p in group['params']:
                self._new_state(p, group, initial_accumulator_value)

    def _new_state(self, p, group, init):
        state = self.state[p]
        state['step'] = _new_step(p, bool(group['fused']))
        state['sum'] = _make(np.full_like(p._data, init))
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in (('foreach', None), ('maximize', False), ('differentiable', False),
                         ('fused', None)):
                group.setdefault(k, v)
            for p in group['params']:
                s = self.state.get(p)
                if s and 'step' in s and not _is_tensor(s['step']):
                    t = _new_step(p, bool(group['fused']))
                    t._data[...] = float(s['step'])
                    s['step'] = t

    def share_memory(self):
        """Calls ``share_memory_()`` on the state sums (for multiprocessing, as PyTorch).

        >>> ember.optim.Adagrad([ember.nn.Parameter(ember.ones(1))]).share_memory()
        """
        for group in self.param_groups:
            for p in group['params']:
                self.state[p]['sum'].share_memory_()

    def _state_of(self, p, group):
        state = self.state[p]
        if len(state) == 0:     # a parameter added later: PyTorch uses the defaults' value
            state = self._new_state(p, group, self.defaults['initial_accumulator_value'])
        return state

    def step(self, closure=None):
        """One Adagrad update of every parameter with a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.tensor([1.0])); opt = ember.optim.Adagrad([w])
        >>> (w * w).sum().backward(); opt.step(); opt.state[w]['sum']
        tensor([4.])
        """
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _lr_value(group['lr'])
            lr_decay, eps = group['lr_decay'], group['eps']
            if group['differentiable']:
                with enable_grad():
                    self._differentiable_step(group, lr)
                continue
            for p, g in grads_of(group):
                x = p._data
                T = x.dtype.type
                state = self._state_of(p, group)
                step = state['step']
                _bump(step)
                g = _grad_for_update(g, x, group['maximize'], group['weight_decay'])
                clr = lr / (1 + (float(step._data) - 1) * lr_decay)
                s = state['sum']._data
                tmp = np.multiply(g, g)
                np.add(s, tmp, out=s)
                std = np.sqrt(s, out=tmp)
                np.add(std, T(eps), out=std)
                np.divide(np.multiply(g, T(-clr)), std, out=std)
                np.add(x, std, out=x)
                bump_version(p)
        return loss

    def _differentiable_step(self, group, lr):
        for p in group['params']:
            if p.grad is None:
                continue
            state = self._state_of(p, group)
            _bump(state['step'])
            grad = _differentiable_grad(p, group['maximize'], group['weight_decay'])
            clr = lr / (1 + (float(state['step']._data) - 1) * group['lr_decay'])
            state_sum = state['sum']
            state_sum.addcmul_(grad, grad, value=1)
            std = state_sum.sqrt() + group['eps']
            p.addcdiv_(grad, std, value=-float(clr))
