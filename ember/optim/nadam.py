"""``NAdam``: Adam with Nesterov momentum (Dozat), with momentum decay and optional decoupled
weight decay.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.NAdam([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8944], requires_grad=True)
"""
import numpy as np

from .optimizer import Optimizer
from ._adam_common import (axpby_, check_adam_args, fix_step, hyper, new_step, require_dense,
                           run_kernel)
from ._functional import bump_version
from .._ops._base import check_inplace
from .._tensor import _make

__all__ = ['NAdam']


def _nadam_kernel(arrs, scr, sc):
    """One NAdam update (arrays: p, grad, exp_avg, exp_avg_sq), in PyTorch's order:
    ``p += c_grad * g / denom + c_avg * m / denom`` with ``denom = sqrt(v / bc2) + eps``."""
    p, g, m, v = arrs
    t1, t2 = scr()
    b1, w1, b2, w2, bc2, eps, c_grad, c_avg, wd, decay, neg = sc
    if decay != 1.0:
        np.multiply(p, decay, out=p)
    if wd:
        np.multiply(p, wd, out=t1)
        (np.subtract if neg else np.add)(t1, g, out=t1)
        g = t1
    axpby_(m, g, w1, b1, t2)
    np.multiply(g, g, out=t2)
    axpby_(v, t2, w2, b2, t2)
    np.divide(v, bc2, out=t2)
    np.sqrt(t2, out=t2)
    np.add(t2, eps, out=t2)
    np.divide(g, t2, out=t1)
    axpby_(p, t1, c_grad, 1, t1)
    np.divide(m, t2, out=t1)
    axpby_(p, t1, c_avg, 1, t1)


class NAdam(Optimizer):
    """NAdam: the momentum ``mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))`` and
    its running product weight the gradient and the first moment of a Nesterov step.

    >>> w = ember.nn.Parameter(ember.ones(2))
    >>> ember.optim.NAdam([w]).defaults['momentum_decay']
    0.004
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        check_adam_args(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f'Invalid momentum_decay value: {momentum_decay}')
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in (('maximize', False), ('foreach', None), ('capturable', False),
                               ('differentiable', False), ('decoupled_weight_decay', False)):
                group.setdefault(key, value)
        fix_step(self, ('step', 'mu_product'))

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.tensor([2.0])); opt = ember.optim.NAdam([w], lr=0.5)
        >>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)
        1.4718
        """
        loss = self._closure_loss(closure)
        cache = self.__dict__.setdefault('_scratch', {})
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            lr, eps, wd = hyper(group['lr']), group['eps'], group['weight_decay']
            maximize, decoupled = group['maximize'], group['decoupled_weight_decay']
            momentum_decay = group['momentum_decay']
            decay = float(1 - lr * wd) if decoupled and wd != 0 else 1.0
            coupled = wd if wd != 0 and not decoupled else 0
            flip = maximize and not coupled
            w1 = 1.0 - beta1
            items = []
            for p in group['params']:
                g = p.grad
                if g is None:
                    continue
                require_dense(g, 'NAdam')
                if group['differentiable']:
                    check_inplace(p, 'NAdam.step')
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = new_step()
                    state['mu_product'] = new_step(1.0)
                    state['exp_avg'] = _make(np.zeros_like(p._data))
                    state['exp_avg_sq'] = _make(np.zeros_like(p._data))
                st = state['step']._data
                st += 1
                step = float(st)
                bc2 = 1 - beta2 ** step
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                mp = state['mu_product']._data
                np.multiply(mp, mu, out=mp)
                mu_product = float(mp)
                c_grad = float(-lr * (1.0 - mu) / (1.0 - mu_product))
                c_avg = float((-lr * mu_next) / (1.0 - mu_product * mu_next))
                items.append(((p._data, g._data, state['exp_avg']._data,
                               state['exp_avg_sq']._data),
                              (beta1, -w1 if flip else w1, beta2, 1 - beta2, bc2, eps,
                               -c_grad if flip else c_grad, c_avg, coupled, decay,
                               maximize)))
                bump_version(p)
            if items:
                run_kernel(cache, _nadam_kernel, items, 2, cost=1.0)
        return loss
