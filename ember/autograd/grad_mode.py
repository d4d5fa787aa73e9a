"""Grad-mode switches: no_grad, enable_grad, set_grad_enabled, inference_mode.

>>> x = ember.ones(2, requires_grad=True)
>>> with ember.no_grad():
...     y = x * 2          # records no graph
>>> y.requires_grad
False
"""
import functools


class _GradState:
    __slots__ = ('enabled', 'anomaly', 'anomaly_check_nan')

    def __init__(self):
        self.enabled = True
        self.anomaly = False
        self.anomaly_check_nan = True


STATE = _GradState()


def is_grad_enabled():
    """Whether operations currently record a graph.

    >>> ember.is_grad_enabled()
    True
    """
    return STATE.enabled


class _Mode:
    """Base of the grad-mode context managers; each also works as a decorator."""
    _target = True

    def __enter__(self):
        self._prev = STATE.enabled
        STATE.enabled = self._target
        return None

    def __exit__(self, *exc):
        STATE.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__._fresh(self):
                return fn(*args, **kwargs)
        return wrapper

    def _fresh(self):
        return self.__class__()

    def clone(self):
        return self._fresh()


class no_grad(_Mode):
    """Context manager / decorator that disables graph recording.

    >>> w = ember.ones(2, requires_grad=True); (w * w).sum().backward()
    >>> with ember.no_grad():
    ...     w -= 0.1 * w.grad
    >>> w
    tensor([0.8000, 0.8000], requires_grad=True)
    """
    _target = False

    def __init__(self, orig_func=None):
        pass


class enable_grad(_Mode):
    """Context manager / decorator that re-enables graph recording inside ``no_grad``.

    >>> x = ember.ones(2, requires_grad=True)
    >>> with ember.no_grad():
    ...     with ember.enable_grad():
    ...         y = x * 2   # recorded
    >>> y.requires_grad
    True
    """
    _target = True

    def __init__(self, orig_func=None):
        pass


class set_grad_enabled(_Mode):
    """Set grad mode on or off; works as a function, context manager or decorator.

    >>> x = ember.ones(2, requires_grad=True)
    >>> with ember.set_grad_enabled(False):
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    def __init__(self, mode):
        self._target = bool(mode)
        self._prev = STATE.enabled
        STATE.enabled = self._target

    def __enter__(self):
        return None

    def _fresh(self):
        return set_grad_enabled(self._target)


class inference_mode(_Mode):
    """Like ``no_grad`` (ember has no separate inference tensors).

    >>> model = ember.nn.Linear(2, 1)
    >>> with ember.inference_mode():
    ...     y = model(ember.ones(2))
    >>> y.requires_grad
    False
    """

    def __init__(self, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            raise TypeError('use @ember.inference_mode() with parentheses')
        self._target = not mode

    def _fresh(self):
        return inference_mode(not self._target)
