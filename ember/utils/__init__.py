"""``ember.utils``: hooks and data loading (``ember.utils.data``)."""
from . import hooks, data
