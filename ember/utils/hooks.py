"""``RemovableHandle``: what ``register_*_hook`` returns; ``remove()`` unregisters the hook.

>>> hooks = {}
>>> h = RemovableHandle(hooks); hooks[h.id] = print
>>> h.remove(); hooks
{}
"""
import itertools

__all__ = ['RemovableHandle']


class RemovableHandle:
    """Removes its hook from the dicts it was registered in; usable as a context manager.

    >>> m = ember.nn.Linear(1, 1)
    >>> with m.register_forward_hook(lambda mod, i, o: None):
    ...     _ = m(ember.ones(1))
    """
    _ids = itertools.count()

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dicts = [hooks_dict]
        self.id = next(RemovableHandle._ids)
        if extra_dict is not None:
            self.hooks_dicts += list(extra_dict) if isinstance(extra_dict, (list, tuple)) \
                else [extra_dict]

    def remove(self):
        """Unregister the hook (a second call does nothing)."""
        for d in self.hooks_dicts:
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
