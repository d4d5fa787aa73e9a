"""``RAdam``: rectified Adam (Liu et al.), with optional decoupled weight decay.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.RAdam([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8000], requires_grad=True)
"""
import numpy as np

from .optimizer import Optimizer
from ._adam_common import (axpby_, check_adam_args, fix_step, hyper, new_step, require_dense,
                           run_kernel)
from ._functional import bump_version
from .._ops._base import check_inplace
from .._tensor import _make

__all__ = ['RAdam']


def _radam_kernel(arrs, scr, sc):
    """One RAdam update (arrays: p, grad, exp_avg, exp_avg_sq), in PyTorch's order.

    ``k`` folds ``lr``, the bias corrections and the rectification into one coefficient;
    ``adaptive`` is False in the first steps, where the update is plain momentum.
    """
    p, g, m, v = arrs
    t1, t2 = scr()
    b1, w1, b2, w2, eps, k, adaptive, wd, decay, neg = sc
    if decay != 1.0:
        np.multiply(p, decay, out=p)
    if wd:
        np.multiply(p, wd, out=t1)
        (np.subtract if neg else np.add)(t1, g, out=t1)
        g = t1
    axpby_(m, g, w1, b1, t2)
    np.multiply(g, g, out=t2)
    axpby_(v, t2, w2, b2, t2)
    if adaptive:
        np.sqrt(v, out=t1)
        np.add(t1, eps, out=t1)
        np.divide(m, t1, out=t1)
        axpby_(p, t1, k, 1, t1)
    else:
        axpby_(p, m, k, 1, t2)


class RAdam(Optimizer):
    """RAdam: Adam whose adaptive step is switched on (and rectified) once the variance of
    the adaptive learning rate is tractable (``rho_t > 5``); before that, SGD with momentum.

    >>> w = ember.nn.Parameter(ember.ones(2))
    >>> ember.optim.RAdam([w], decoupled_weight_decay=True).defaults['decoupled_weight_decay']
    True
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in (('foreach', None), ('maximize', False),
                               ('differentiable', False), ('decoupled_weight_decay', False),
                               ('capturable', False)):
                group.setdefault(key, value)
        fix_step(self)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.tensor([2.0])); opt = ember.optim.RAdam([w], lr=0.5)
        >>> (w * w).sum().backward(); opt.step(); w.item()
        0.0
        """
        loss = self._closure_loss(closure)
        cache = self.__dict__.setdefault('_scratch', {})
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            lr, eps, wd = hyper(group['lr']), group['eps'], group['weight_decay']
            maximize, decoupled = group['maximize'], group['decoupled_weight_decay']
            decay = float(1 - lr * wd) if decoupled and wd != 0 else 1.0
            coupled = wd if wd != 0 and not decoupled else 0
            w1 = 1.0 - beta1
            w1s = -w1 if maximize and not coupled else w1
            rho_inf = 2 / (1 - beta2) - 1
            items = []
            for p in group['params']:
                g = p.grad
                if g is None:
                    continue
                require_dense(g, 'RAdam')
                if group['differentiable']:
                    check_inplace(p, 'RAdam.step')
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = new_step()
                    state['exp_avg'] = _make(np.zeros_like(p._data))
                    state['exp_avg_sq'] = _make(np.zeros_like(p._data))
                st = state['step']._data
                st += 1
                step = float(st)
                bc1 = 1 - beta1 ** step
                bc2 = 1 - beta2 ** step
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bc2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                            / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    k = -float(lr) * bc2 ** 0.5 * rect / bc1
                else:
                    k = -float(lr) / bc1
                items.append(((p._data, g._data, state['exp_avg']._data,
                               state['exp_avg_sq']._data),
                              (beta1, w1s, beta2, 1 - beta2, eps, k, rho_t > 5.0, coupled,
                               decay, maximize)))
                bump_version(p)
            if items:
                run_kernel(cache, _radam_kernel, items, 2, cost=0.8)
        return loss
