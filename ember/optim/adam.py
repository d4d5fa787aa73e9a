"""``Adam``: adaptive moment estimation (with AMSGrad, maximize and decoupled weight decay).

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.Adam([w], lr=0.1)
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
from .._tensor import Tensor, _make

__all__ = ['Adam']


def _adam_kernel(arrs, scr, sc):
    """One Adam update of ``p`` (arrays: p, grad, exp_avg, exp_avg_sq[, max_exp_avg_sq]).

    PyTorch's order: weight decay, moments, ``denom = sqrt(v) / c + eps`` and
    ``p -= step_size * m / denom``, written as ``p += k * m / (sqrt(v) + eps * c)`` with
    ``k = -step_size * c`` (the same value, one pass fewer).
    """
    p, g, m, v = arrs[0], arrs[1], arrs[2], arrs[3]
    t1, t2 = scr()
    b1, w1, b2, w2, eps_c, k, wd, decay, neg = sc
    if decay != 1.0:
        np.multiply(p, decay, out=p)
    if wd:
        np.multiply(p, wd, out=t1)
        (np.subtract if neg else np.add)(t1, g, out=t1)
        g = t1
    axpby_(m, g, w1, b1, t2)
    np.multiply(g, g, out=t2)
    axpby_(v, t2, w2, b2, t2)
    if len(arrs) > 4:
        v = np.maximum(arrs[4], v, out=arrs[4])
    np.sqrt(v, out=t1)
    np.add(t1, eps_c, out=t1)
    np.divide(m, t1, out=t1)
    axpby_(p, t1, k, 1, t1)


def _squeeze(b):
    return b.squeeze() if isinstance(b, Tensor) and b.dim() != 0 else b


def _sqrt(x):
    # PyTorch takes a tensor's ``** 0.5`` as sqrt; a Python float goes through pow
    return np.sqrt(x) if isinstance(x, np.generic) else x ** 0.5


class Adam(Optimizer):
    """Adam (Kingma & Ba): ``m`` and ``v`` running averages of the gradient and its square,
    bias-corrected step ``lr * m_hat / (sqrt(v_hat) + eps)``.

    ``amsgrad`` keeps the running maximum of ``v``; ``maximize`` ascends; ``weight_decay`` is
    L2 added to the gradient, or AdamW's decay of the weights with
    ``decoupled_weight_decay=True``. ``foreach``/``capturable``/``differentiable``/``fused``
    are accepted and stored (they select device kernels in PyTorch).

    >>> w = ember.nn.Parameter(ember.ones(2))
    >>> ember.optim.Adam([w]).defaults['betas']
    (0.9, 0.999)
    """

    _kernel = staticmethod(_adam_kernel)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError('lr as a Tensor is not supported for capturable=False and '
                             'foreach=True')
        check_adam_args(lr, betas, eps, weight_decay)
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError('betas must be either both floats or both Tensors '
                             f'(got {type(betas[0]).__name__} and {type(betas[1]).__name__}; '
                             'write 0.0 rather than 0)')
        for i, b in enumerate(betas):
            if isinstance(b, Tensor):
                if not capturable and foreach:
                    raise ValueError(f'betas[{i}] as a Tensor is not supported for '
                                     'capturable=False and foreach=True')
                if b.numel() != 1:
                    raise ValueError(f'Tensor betas[{i}] must be 1-element')
        betas = tuple(_squeeze(b) for b in betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError('`fused` does not support `differentiable`')
            if foreach:
                raise RuntimeError('`fused` and `foreach` cannot be `True` together.')

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in (('amsgrad', False), ('maximize', False), ('foreach', None),
                               ('capturable', False), ('differentiable', False),
                               ('decoupled_weight_decay', False), ('fused', None)):
                group.setdefault(key, value)
        fix_step(self)

    def _items(self, group):
        """Initialise state and compute each parameter's step scalars (PyTorch's order)."""
        beta1, beta2 = group['betas']
        b1, b2 = hyper(beta1), hyper(beta2)
        lr, eps = hyper(group['lr']), group['eps']
        wd = group['weight_decay']
        amsgrad, maximize = group['amsgrad'], group['maximize']
        decoupled = group['decoupled_weight_decay']
        step32 = group['fused']                 # fused steps count in float32
        differentiable = group['differentiable']
        w1 = 1.0 - float(b1)
        w2 = float(1 - b2)
        decay = float(1 - lr * wd) if decoupled and wd != 0 else 1.0
        coupled = wd if wd != 0 and not decoupled else 0
        w1s = -w1 if maximize and not coupled else w1
        b1f, b2f = float(b1), float(b2)
        items = []
        state_of = self.state
        for p in group['params']:
            g = p.grad
            if g is None:
                continue
            require_dense(g, 'Adam')
            if differentiable:
                check_inplace(p, 'Adam.step')
            state = state_of[p]
            if len(state) == 0:
                state['step'] = _make(np.zeros((), np.float32)) if step32 else new_step()
                state['exp_avg'] = _make(np.zeros_like(p._data))
                state['exp_avg_sq'] = _make(np.zeros_like(p._data))
                if amsgrad:
                    state['max_exp_avg_sq'] = _make(np.zeros_like(p._data))
            st = state['step']._data
            st += 1
            step = float(st)
            bc1 = 1 - b1 ** step
            bc2 = 1 - b2 ** step
            # a number over a tensor is ``tensor.reciprocal() * number`` in PyTorch
            step_size = float(lr / bc1 if isinstance(lr, np.generic) or
                              not isinstance(bc1, np.generic) else (1 / bc1) * lr)
            c = float(_sqrt(bc2))
            arrs = (p._data, g._data, state['exp_avg']._data, state['exp_avg_sq']._data)
            if amsgrad:
                arrs += (state['max_exp_avg_sq']._data,)
            items.append((arrs, (b1f, w1s, b2f, w2, eps * c, -step_size * c, coupled, decay,
                                 maximize)))
            bump_version(p)
        return items

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.tensor([2.0])); opt = ember.optim.Adam([w], lr=0.5)
        >>> (w * w).sum().backward(); opt.step(); w.item()
        1.5
        """
        loss = self._closure_loss(closure)
        cache = self.__dict__.setdefault('_scratch', {})
        for group in self.param_groups:
            items = self._items(group)
            if items:
                run_kernel(cache, self._kernel, items, 2, cost=0.8)
        return loss
