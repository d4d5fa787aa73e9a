"""Automatic mixed precision: :class:`autocast` regions and loss scaling with
:class:`GradScaler` (PyTorch's ``torch.amp``).

>>> ember.amp.autocast is ember.autocast and ember.amp.GradScaler is ember.GradScaler
True
"""
from .autocast_mode import autocast, custom_fwd, custom_bwd, is_autocast_available
from .grad_scaler import GradScaler
from . import autocast_mode, grad_scaler

__all__ = ['autocast', 'custom_fwd', 'custom_bwd', 'GradScaler', 'is_autocast_available']
