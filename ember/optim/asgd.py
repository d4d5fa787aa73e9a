"""``ASGD``: averaged stochastic gradient descent (Polyak-Ruppert averaging in ``ax``).

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.ASGD([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8000], requires_grad=True)
"""
import numpy as np

from .optimizer import Optimizer
from ._functional import (bump_version, grads_of, _as, _bump, _check_capturable, _grad_for_update,
                          _is_tensor, _lr_value, _new_step)
from .._tensor import _make
from .._ops._base import default_float, xp_of
from ..autograd.grad_mode import enable_grad

__all__ = ['ASGD']


class ASGD(Optimizer):
    """ASGD as PyTorch: ``p = p * (1 - lambd * eta) - eta * g``; ``ax`` averages the
    iterates once ``step > t0``; ``eta = lr / (1 + lambd * lr * step) ** alpha``.

    State per parameter: ``step``, ``eta``, ``mu`` (float32 0-d tensors) and ``ax``.

    >>> ember.optim.ASGD([ember.nn.Parameter(ember.ones(1))]).defaults['t0']
    1000000.0
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError('Tensor lr must be 1-element')
        if not 0.0 <= lr:
            raise ValueError(f'Invalid learning rate: {lr}')
        if not 0.0 <= weight_decay:
            raise ValueError(f'Invalid weight_decay value: {weight_decay}')
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in (('foreach', None), ('maximize', False), ('differentiable', False),
                         ('capturable', False)):
                group.setdefault(k, v)
            for p in group['params']:
                s = self.state.get(p)
                if not s:
                    continue
                for key in ('step', 'eta', 'mu'):
                    if key in s and not _is_tensor(s[key]):
                        t = _new_step(p, True)
                        t._data[...] = float(s[key])
                        s[key] = t

    def _state_of(self, p, group):
        state = self.state[p]
        if len(state) == 0:
            xp = xp_of(p._data)
            state['step'] = _new_step(p, True)
            state['eta'] = _make(xp.asarray(_lr_value(group['lr']), dtype=np.float32))
            state['mu'] = _make(xp.ones((), dtype=np.float32))
            state['ax'] = _make(np.zeros_like(p._data))
        return state

    def step(self, closure=None):
        """One ASGD update of every parameter with a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.tensor([1.0])); opt = ember.optim.ASGD([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); opt.state[w]['ax']
        tensor([0.8000])
        """
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _lr_value(group['lr'])
            lambd, alpha, t0 = group['lambd'], group['alpha'], group['t0']
            capturable = group['capturable']
            if group['differentiable']:
                with enable_grad():
                    self._differentiable_step(group, lr)
                continue
            for p, g in grads_of(group):
                x = p._data
                T = x.dtype.type
                state = self._state_of(p, group)
                g = _grad_for_update(g, x, group['maximize'], 0)
                step, eta, mu = state['step'], state['eta'], state['mu']
                if capturable:
                    _check_capturable(p, (mu, eta, step),
                                      'params, mus, etas, and state_steps')
                _bump(step)
                wd = group['weight_decay']
                if wd != 0:
                    t = np.multiply(x, T(wd))
                    g = np.add(g, t, out=t)
                ax = state['ax']._data
                e, m = eta._data, mu._data
                if group['foreach']:
                    # PyTorch's multi-tensor form: p -= eta * (g + lambd * p); ax += mu * (p - ax)
                    tmp = np.multiply(x, T(lambd))
                    np.add(g, tmp, out=tmp)
                    np.multiply(tmp, T(-1), out=tmp)
                    np.multiply(tmp, _as(T, e[()]), out=tmp)
                    np.add(x, tmp, out=x)
                    _average(x, ax, m, tmp)
                elif capturable:
                    # 0-d tensor arithmetic in the dtype of eta / mu / step, as PyTorch
                    np.multiply(x, _as(T, 1 - lambd * e[()]), out=x)
                    tmp = np.multiply(g, T(-1))
                    np.multiply(tmp, _as(T, e[()]), out=tmp)
                    np.add(x, tmp, out=x)
                    _average(x, ax, m, tmp)
                else:
                    ev = float(e)
                    np.multiply(x, T(1 - lambd * ev), out=x)
                    tmp = np.multiply(g, T(-ev))
                    np.add(x, tmp, out=x)
                    if float(m) != 1:
                        _average(x, ax, m, tmp)
                    else:
                        np.copyto(ax, x)
                if group['foreach']:
                    _next_eta_mu_foreach(step, eta, mu, lr, lambd, alpha, t0, capturable)
                else:
                    _next_eta_mu(step, eta, mu, lr, lambd, alpha, t0, capturable)
                bump_version(p)
        return loss

    def _differentiable_step(self, group, lr):
        lambd, alpha, t0 = group['lambd'], group['alpha'], group['t0']
        for p in group['params']:
            if p.grad is None:
                continue
            state = self._state_of(p, group)
            grad = -p.grad if group['maximize'] else p.grad
            step, eta, mu, ax = state['step'], state['eta'], state['mu'], state['ax']
            if group['capturable']:
                _check_capturable(p, (mu, eta, step), 'params, mus, etas, and state_steps')
            _bump(step)
            if group['weight_decay'] != 0:
                grad = grad.add(p, alpha=group['weight_decay'])
            if group['capturable']:
                p.mul_(1 - lambd * eta)
                p.addcmul_(grad, eta, value=-1)
            else:
                ev = eta.item()
                p.mul_(1 - lambd * ev)
                p.add_(grad, alpha=-ev)
            if group['capturable'] or mu.item() != 1:
                ax.add_(p.sub(ax).mul_(mu))
            else:
                ax.copy_(p)
            _next_eta_mu(step, eta, mu, lr, lambd, alpha, t0, group['capturable'])


def _next_eta_mu(step, eta, mu, lr, lambd, alpha, t0, capturable):
    """``eta = lr / (1 + lambd * lr * step) ** alpha`` and ``mu = 1 / max(1, step - t0)``:
    in Python floats, or (capturable) in the step tensor's float32 as PyTorch's tensor ops."""
    e, m = eta._data, mu._data
    if capturable:
        s = step._data[()]
        base = (1 + lambd * lr * s) ** alpha
        # a number divided by a tensor is reciprocal() * number in PyTorch
        e[...] = lr / base if isinstance(lr, np.generic) else np.reciprocal(base) * lr
        m[...] = np.reciprocal(np.maximum(s - t0, np.ones_like(s))) * 1
    else:
        # torch.as_tensor(number): rounded to the default dtype even when eta is float64
        to_default = default_float().type
        s = float(step._data)
        e[...] = to_default(lr / ((1 + lambd * lr * s) ** alpha))
        m[...] = to_default(1 / max(1, s - t0))


def _next_eta_mu_foreach(step, eta, mu, lr, lambd, alpha, t0, capturable):
    """PyTorch's multi-tensor ASGD: eta from the float32 step tensor's arithmetic."""
    e, m = eta._data, mu._data
    s = step._data[()]
    if capturable:
        m[...] = np.reciprocal(np.maximum(s - t0, 1.0))
        e[...] = np.reciprocal((s * lambd * lr + 1) ** alpha) * lr
    else:
        base = (1 + lambd * lr * s) ** alpha
        e[...] = lr / base if isinstance(lr, np.generic) else np.reciprocal(base) * lr
        m[...] = default_float().type(1 / max(1, float(s) - t0))


def _average(x, ax, mu, tmp):
    """``ax += (x - ax) * mu`` (``mu``: the 0-d state array)."""
    np.subtract(x, ax, out=tmp)
    np.multiply(tmp, _as(x.dtype.type, mu[()]), out=tmp)
    np.add(ax, tmp, out=ax)
