"""Deprecated ``torch.cuda.amp``: use ``ember.amp`` with ``'cuda'``.

>>> ember.cuda.amp.GradScaler.__name__
'GradScaler'
"""
from ...amp._deprecated import (CudaAutocast as autocast, CudaGradScaler as GradScaler,
                                cuda_custom_fwd as custom_fwd, cuda_custom_bwd as custom_bwd)

__all__ = ['autocast', 'custom_bwd', 'custom_fwd', 'GradScaler']
