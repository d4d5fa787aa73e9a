"""``Rprop``: resilient backpropagation, per-element step sizes driven by gradient signs.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.Rprop([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.9000], requires_grad=True)
"""
import numpy as np

from .optimizer import Optimizer
from ._functional import (bump_version, grads_of, _bump, _check_capturable, _is_tensor, _lr_value,
                          _new_step, _steps_to_tensors)
from .._tensor import _make
from .._ops._base import xp_of
from ..autograd.grad_mode import enable_grad

__all__ = ['Rprop']


class Rprop(Optimizer):
    """Rprop as PyTorch: where ``g * prev > 0`` the step size grows by ``etas[1]``, where it
    is ``< 0`` it shrinks by ``etas[0]`` and that gradient is treated as zero; step sizes stay
    within ``step_sizes``; ``p -= sign(g) * step_size``.

    State per parameter: ``step`` (float32 0-d tensor), ``prev``, ``step_size``.

    >>> ember.optim.Rprop([ember.nn.Parameter(ember.ones(1))]).defaults['etas']
    (0.5, 1.2)
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError('Tensor lr must be 1-element')
        if not 0.0 <= lr:
            raise ValueError(f'Invalid learning rate: {lr}')
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f'Invalid eta values: {etas[0]}, {etas[1]}')
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
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
            state['prev'] = _make(np.zeros_like(p._data))
            state['step_size'] = _make(np.full_like(p.grad._data, _lr_value(group['lr'])))
        if group['capturable']:
            _check_capturable(p, (state['step'],))
        return state

    def step(self, closure=None):
        """One Rprop update of every parameter with a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.tensor([1.0])); opt = ember.optim.Rprop([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); opt.state[w]['prev']
        tensor([2.])
        """
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            etaminus, etaplus = group['etas']
            lo, hi = group['step_sizes']
            if group['differentiable']:
                with enable_grad():
                    self._differentiable_step(group, etaminus, etaplus, lo, hi)
                continue
            maximize = group['maximize']
            for p, g in grads_of(group):
                x = p._data
                T = x.dtype.type
                xp = xp_of(x)
                state = self._state_of(p, group)
                _bump(state['step'])
                prev, size = state['prev']._data, state['step_size']._data
                sign = np.multiply(g, prev)
                if maximize:
                    np.negative(sign, out=sign)
                np.sign(sign, out=sign)
                flip = sign < 0
                sign[sign > 0] = T(etaplus)
                sign[flip] = T(etaminus)
                sign[sign == 0] = 1
                np.multiply(size, sign, out=size)
                xp.clip(size, T(lo), T(hi), out=size)
                # the gradient is zero where its sign flipped; prev keeps it for the next step
                if maximize:
                    np.negative(g, out=prev)
                else:
                    np.copyto(prev, g)
                prev[flip] = 0
                np.sign(prev, out=sign)
                np.multiply(sign, size, out=sign)
                np.subtract(x, sign, out=x)
                bump_version(p)
        return loss

    def _differentiable_step(self, group, etaminus, etaplus, lo, hi):
        from .. import where
        for p in group['params']:
            if p.grad is None:
                continue
            state = self._state_of(p, group)
            grad = -p.grad if group['maximize'] else p.grad
            prev, step_size = state['prev'], state['step_size']
            _bump(state['step'])
            sign = grad.mul(prev.clone()).sign()
            sign = where(sign.gt(0), etaplus, sign)
            sign = where(sign.lt(0), etaminus, sign)
            sign = where(sign.eq(0), 1.0, sign)
            step_size.mul_(sign).clamp_(lo, hi)
            grad = where(sign.eq(etaminus), 0.0, grad)
            p.addcmul_(grad.sign(), step_size, value=-1)
            prev.copy_(grad)
