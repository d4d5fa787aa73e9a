"""``AdamW``: Adam with decoupled weight decay (Loshchilov & Hutter), as ``torch.optim.AdamW``.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.AdamW([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8990], requires_grad=True)
"""
from .adam import Adam

__all__ = ['AdamW']


class AdamW(Adam):
    """Adam whose weight decay shrinks the weights (``p *= 1 - lr * weight_decay``) instead of
    adding to the gradient; ``weight_decay`` defaults to 0.01.

    >>> w = ember.nn.Parameter(ember.ones(2))
    >>> ember.optim.AdamW([w]).param_groups[0]['decoupled_weight_decay']
    True
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group['decoupled_weight_decay'] = True
