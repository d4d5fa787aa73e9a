"""``ember.utils``: hooks, data loading (``ember.utils.data``) and activation checkpointing
(``ember.utils.checkpoint``)."""
from . import hooks, data, checkpoint
