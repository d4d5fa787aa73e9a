"""``ember.testing``: assert_close and make_tensor, as ``torch.testing``.

>>> ember.testing.assert_close(ember.tensor([1.0]), ember.tensor([1.0 + 1e-7]))
>>> _ = ember.manual_seed(0); ember.testing.make_tensor(3, dtype=ember.int64, device='cpu')
tensor([ 6, -5, -9])
"""
from ._comparison import assert_close, assert_allclose
from ._creation import make_tensor

__all__ = ['assert_close', 'assert_allclose', 'make_tensor']
