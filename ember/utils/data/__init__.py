"""``ember.utils.data``: datasets, samplers, collation and the DataLoader, as torch.utils.data.

>>> from ember.utils.data import TensorDataset
"""
__all__ = []
