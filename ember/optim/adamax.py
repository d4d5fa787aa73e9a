"""``Adamax``: Adam with the infinity norm in place of the second moment.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.Adamax([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.9000], requires_grad=True)
"""
import numpy as np

from .optimizer import Optimizer
from ._adam_common import (axpby_, check_adam_args, fix_step, hyper, new_step, require_dense,
                           run_kernel)
from ._functional import bump_version
from .._ops._base import check_inplace
from .._tensor import _make

__all__ = ['Adamax']


def _adamax_kernel(arrs, scr, sc):
    """One Adamax update (arrays: p, grad, exp_avg, exp_inf), in PyTorch's order."""
    p, g, m, u = arrs
    t1, t2 = scr()
    b1, w1, b2, eps, k, wd, neg = sc
    if wd:
        np.multiply(p, wd, out=t1)
        (np.subtract if neg else np.add)(t1, g, out=t1)
        g = t1
    axpby_(m, g, w1, b1, t2)
    np.multiply(u, b2, out=u)
    np.abs(g, out=t2)
    np.add(t2, eps, out=t2)
    np.maximum(u, t2, out=u)
    np.divide(m, u, out=t2)
    axpby_(p, t2, k, 1, t2)


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, section 7): ``u = max(beta2 * u, |g| + eps)``,
    ``p -= lr / (1 - beta1^t) * m / u``.

    >>> w = ember.nn.Parameter(ember.ones(2))
    >>> ember.optim.Adamax([w]).defaults['lr']
    0.002
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in (('foreach', None), ('maximize', False),
                               ('differentiable', False), ('capturable', False)):
                group.setdefault(key, value)
        fix_step(self)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.tensor([2.0])); opt = ember.optim.Adamax([w], lr=0.5)
        >>> (w * w).sum().backward(); opt.step(); w.item()
        1.5
        """
        loss = self._closure_loss(closure)
        cache = self.__dict__.setdefault('_scratch', {})
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            lr, eps, wd = hyper(group['lr']), group['eps'], group['weight_decay']
            maximize = group['maximize']
            w1 = 1.0 - beta1
            items = []
            for p in group['params']:
                g = p.grad
                if g is None:
                    continue
                require_dense(g, 'Adamax')
                if group['differentiable']:
                    check_inplace(p, 'Adamax.step')
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = new_step()
                    state['exp_avg'] = _make(np.zeros_like(p._data))
                    state['exp_inf'] = _make(np.zeros_like(p._data))
                st = state['step']._data
                st += 1
                clr = float(lr / (1 - beta1 ** float(st)))
                items.append(((p._data, g._data, state['exp_avg']._data,
                               state['exp_inf']._data),
                              (beta1, -w1 if maximize and not wd else w1, beta2, eps, -clr,
                               wd, maximize)))
                bump_version(p)
            if items:
                run_kernel(cache, _adamax_kernel, items, 2, cost=0.6)
        return loss
