"""``ember.utils``: hooks (data loading arrives with ember.utils.data)."""
from . import hooks
