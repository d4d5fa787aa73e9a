"""``SGD``: stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8000], requires_grad=True)
"""
import numpy as np

from .optimizer import Optimizer
from ._functional import bump_version, check_lr, grads_of
from ._adam_common import axpby_, axpy_, momentum_, scratch
from .._tensor import _make

__all__ = ['SGD']


class SGD(Optimizer):
    """``p -= lr * g`` with optional momentum buffer ``b = momentum * b + (1 - dampening) * g``.

    Follows PyTorch's update order exactly (weight decay added to the gradient, momentum
    buffer initialised to the first gradient, Nesterov look-ahead).

    >>> ember.optim.SGD([ember.nn.Parameter(ember.ones(1))]).defaults['lr']
    0.001
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f'Invalid momentum value: {momentum}')
        if weight_decay < 0.0:
            raise ValueError(f'Invalid weight_decay value: {weight_decay}')
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError('Nesterov momentum requires a momentum and zero dampening')
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault('nesterov', False)
            group.setdefault('maximize', False)
            group.setdefault('foreach', None)
            group.setdefault('differentiable', False)
            group.setdefault('fused', None)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.tensor([2.0])); opt = ember.optim.SGD([w], lr=0.5)
        >>> (w * w).sum().backward(); opt.step(); w.item()
        0.0
        """
        loss = self._closure_loss(closure)
        cache = self.__dict__.setdefault('_scratch', {})
        state_of = self.state
        for group in self.param_groups:
            lr, momentum = float(group['lr']), group['momentum']
            dampening, wd = group['dampening'], group['weight_decay']
            nesterov, maximize = group['nesterov'], group['maximize']
            for p, g in grads_of(group):
                x = p._data
                sign = -1.0 if maximize else 1.0      # the gradient used is sign * g
                if wd != 0:
                    # PyTorch: (-g if maximize else g) + wd * x, here in a scratch array
                    t = scratch(cache, 'wd', x, 1)[0]
                    np.multiply(x, wd, out=t)
                    (np.subtract if maximize else np.add)(t, g, out=t)
                    g, sign = t, 1.0
                if momentum == 0:
                    axpy_(x, g, -lr * sign, cache)
                    bump_version(p)
                    continue
                state = state_of[p]
                buf = state.get('momentum_buffer')
                alpha = sign * (1 - dampening)
                if buf is None:                       # a copy of the gradient
                    buf = state['momentum_buffer'] = _make(np.multiply(g, sign))
                    if not nesterov:
                        axpy_(x, buf._data, -lr, cache)
                elif nesterov:
                    # buf.mul_(momentum).add_(g, alpha=1 - dampening), in one pass
                    axpby_(buf._data, g, alpha, momentum)
                    bump_version(buf)
                else:
                    momentum_(x, g, buf._data, momentum, alpha, -lr)   # both passes
                    bump_version(buf)
                if nesterov:
                    # p -= lr * (g + momentum * buf), as two one-pass updates
                    axpy_(x, g, -lr * sign, cache)
                    axpy_(x, buf._data, -lr * momentum, cache)
                bump_version(p)
        return loss
