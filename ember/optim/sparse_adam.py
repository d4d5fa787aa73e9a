"""``SparseAdam``: Adam that updates only the rows whose gradient is present.

PyTorch's SparseAdam takes sparse-layout gradients (``nn.Embedding(sparse=True)``) and
raises for dense ones. ember has no sparse layout, so it takes the dense gradient and treats
the rows (entries along dim 0; elements of a 1-d or 0-d parameter) that hold a nonzero value
as the gradient's materialized entries: the moments and parameter entries of those rows get
SparseAdam's update, every other row is left untouched. For an embedding table that is what
PyTorch does with the sparse gradient of ``Embedding(sparse=True)`` (a looked-up row whose
gradient is exactly zero everywhere is the one difference: PyTorch would decay its moments).

>>> w = ember.nn.Parameter(ember.ones(3, 2))
>>> opt = ember.optim.SparseAdam([w], lr=0.1)
>>> w.grad = ember.tensor([[0., 0.], [1., 2.], [0., 0.]]); opt.step(); w
Parameter containing:
tensor([[1.0000, 1.0000],
        [0.9000, 0.9000],
        [1.0000, 1.0000]], requires_grad=True)
"""
import math

import numpy as np

from .optimizer import Optimizer
from ._functional import (bump_version, _is_tensor, _lr_value)
from .._tensor import _make
from .._ops._base import xp_of

__all__ = ['SparseAdam']


class SparseAdam(Optimizer):
    """Masked Adam: only the rows with a nonzero gradient move (see the module docstring).

    State per parameter: ``step`` (a Python int, as PyTorch), ``exp_avg``, ``exp_avg_sq``.

    >>> ember.optim.SparseAdam([ember.nn.Parameter(ember.ones(1))]).defaults['betas']
    (0.9, 0.999)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError('Tensor lr must be 1-element')
        if not 0.0 < lr:
            raise ValueError(f'Invalid learning rate: {lr}')
        if not 0.0 < eps:
            raise ValueError(f'Invalid epsilon value: {eps}')
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f'Invalid beta parameter at index 0: {betas[0]}')
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f'Invalid beta parameter at index 1: {betas[1]}')
        defaults = dict(lr=lr, betas=betas, eps=eps, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One SparseAdam update of the rows that have a gradient; returns the closure's loss.

        >>> w = ember.nn.Parameter(ember.ones(2)); opt = ember.optim.SparseAdam([w])
        >>> w.grad = ember.tensor([0., 3.]); opt.step(); opt.state[w]['step']
        1
        """
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            eps, lr = group['eps'], _lr_value(group['lr'])
            maximize = group.get('maximize', False)
            for p in group['params']:
                if p.grad is None:
                    continue
                x, g = p._data, p.grad._data
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = 0
                    state['exp_avg'] = _make(np.zeros_like(x))
                    state['exp_avg_sq'] = _make(np.zeros_like(x))
                state['step'] += 1
                self._update(x, g, state, lr, beta1, beta2, eps, maximize)
                bump_version(p)
        return loss

    @staticmethod
    def _update(x, g, state, lr, beta1, beta2, eps, maximize):
        T = x.dtype.type
        m, v = state['exp_avg']._data, state['exp_avg_sq']._data
        if x.ndim == 0:     # a 0-d parameter is one row
            x, g, m, v = x.reshape(1), g.reshape(1), m.reshape(1), v.reshape(1)
        rows = None
        hit = g.reshape(g.shape[0], -1).any(axis=1) if g.ndim > 1 else g != 0
        if not hit.all():
            rows = xp_of(g).flatnonzero(hit)
            if rows.size == 0:
                return
            g = g[rows]
        if maximize:
            g = np.negative(g)
        old_m = m if rows is None else m[rows]
        old_v = v if rows is None else v[rows]
        # old += (1 - b) * (new - old), then the numerator/denominator from the same sums
        dm = np.subtract(g, old_m)
        np.multiply(dm, T(1 - beta1), out=dm)
        dv = np.multiply(g, g)
        np.subtract(dv, old_v, out=dv)
        np.multiply(dv, T(1 - beta2), out=dv)
        np.add(dm, old_m, out=dm)
        np.add(dv, old_v, out=dv)
        if rows is None:
            np.copyto(m, dm)
            np.copyto(v, dv)
        else:
            m[rows] = dm
            v[rows] = dv
        np.sqrt(dv, out=dv)
        np.add(dv, T(eps), out=dv)
        step = state['step']
        bias1, bias2 = 1 - beta1 ** step, 1 - beta2 ** step
        step_size = lr * math.sqrt(bias2) / bias1
        np.divide(dm, dv, out=dm)
        np.multiply(dm, T(-step_size), out=dm)
        if rows is None:
            np.add(x, dm, out=x)
        else:
            x[rows] += dm
