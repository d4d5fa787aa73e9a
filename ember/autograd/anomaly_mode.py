"""Anomaly detection: record where each op was called and fail on NaN gradients.

>>> x = ember.tensor([-1.], requires_grad=True)
>>> with ember.autograd.detect_anomaly():  # doctest: +ELLIPSIS
...     x.sqrt().sum().backward()
Traceback (most recent call last):
RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output...
"""
import warnings

from .grad_mode import STATE


def is_anomaly_enabled():
    """Whether anomaly detection is on.

    >>> ember.is_anomaly_enabled()
    False
    """
    return STATE.anomaly


def is_anomaly_check_nan_enabled():
    """Whether anomaly detection also checks backward results for NaN.

    >>> ember.is_anomaly_check_nan_enabled()
    True
    """
    return STATE.anomaly_check_nan


class detect_anomaly:
    """Context manager (or decorator) turning anomaly detection on.

    The error for a NaN gradient names the backward function and shows the stack of the
    forward call that created it.

    >>> x = ember.tensor([1.], requires_grad=True)
    >>> with ember.autograd.detect_anomaly():
    ...     (x * 2).sum().backward()
    >>> x.grad
    tensor([2.])
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn('Anomaly Detection has been enabled. This mode will increase the runtime '
                      'and should only be enabled for debugging.', stacklevel=2)

    def __enter__(self):
        self.prev = STATE.anomaly
        self.prev_nan = STATE.anomaly_check_nan
        STATE.anomaly = True
        STATE.anomaly_check_nan = self.check_nan

    def __exit__(self, *exc):
        STATE.anomaly = self.prev
        STATE.anomaly_check_nan = self.prev_nan
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with self:
                return fn(*a, **k)
        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off (as a function call or a context manager).

    >>> _ = ember.autograd.set_detect_anomaly(True); ember.autograd.is_anomaly_enabled()
    True
    >>> _ = ember.autograd.set_detect_anomaly(False)
    """

    def __init__(self, mode, check_nan=True):
        self.prev = STATE.anomaly
        self.prev_nan = STATE.anomaly_check_nan
        STATE.anomaly = bool(mode)
        STATE.anomaly_check_nan = check_nan

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        STATE.anomaly = self.prev
        STATE.anomaly_check_nan = self.prev_nan
        return False
