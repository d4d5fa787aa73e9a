"""``ember.utils.data``: datasets, samplers, collation and the DataLoader, as torch.utils.data.

>>> import ember.utils.data
"""
__all__ = []
