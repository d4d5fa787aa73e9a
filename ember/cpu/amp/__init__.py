"""Deprecated ``torch.cpu.amp``: use ``ember.amp`` with ``'cpu'``.

>>> ember.cpu.amp.autocast.__name__
'autocast'
"""
from ...amp._deprecated import CpuAutocast as autocast, CpuGradScaler as GradScaler

__all__ = ['autocast', 'GradScaler']
