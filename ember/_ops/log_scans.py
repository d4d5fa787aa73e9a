"""logcumsumexp: the running ``log(sum(exp(x)))`` along a dim, computed without overflow
(a running logaddexp). Its backward splits the gradient by sign and uses logcumsumexp again,
so it never forms ``exp`` of a large number and differentiates to any order.

>>> ember.logcumsumexp(ember.tensor([0., 0., 0.]), dim=0)
tensor([0.0000, 0.6931, 1.0986])
"""
from ._base import wrap, record, xp_of, np
from ._elementwise import write_out, quiet, quiet_backward, need_tensor, not_implemented_for
from ._reduce_helpers import _dim1
from .binary import where
from .._dtype import FLOATING

__all__ = ['logcumsumexp']


def logcumsumexp(input, dim, *, out=None):
    """``log(cumsum(exp(input), dim))``, computed stably.

    >>> ember.logcumsumexp(ember.tensor([-1000., 0.]), dim=0)
    tensor([-1000.,     0.])
    """
    need_tensor(input, 'logcumsumexp', 'input', 1)
    x = input._data
    if x.dtype not in FLOATING:
        raise not_implemented_for('logcumsumexp_out_cpu', x.dtype)
    axis = _dim1(x, dim, 'logcumsumexp')
    if x.ndim == 0 or x.size == 0:
        r = x.copy()
    else:
        r = quiet(xp_of(x).logaddexp.accumulate, x, axis)
    res = wrap(r)
    if out is not None:
        return write_out(out, res, (input,), 'logcumsumexp')
    return record(res, 'LogcumsumexpBackward0', _logcumsumexp_backward, (input,), (input,),
                  ctx=axis, save_output=True)


def _reverse_logcumsumexp(t, axis):
    return logcumsumexp(t.flip(axis), axis).flip(axis)


@quiet_backward
def _logcumsumexp_backward(node, grad):
    x, y = node.saved()
    axis = node.ctx
    if x._data.ndim == 0 or x._data.size == 0:
        return grad
    # d/dx_k = sum_{j>=k} g_j exp(x_k - y_j); summing positive and negative g separately in
    # log space keeps every exp bounded. The dtype's lowest finite value stands for log(0).
    lowest = float(np.finfo(x._data.dtype).min)
    log_abs = grad.abs().log()
    log_pos = where(grad > 0, log_abs, lowest)
    log_neg = where(grad < 0, log_abs, lowest)
    return ((_reverse_logcumsumexp(log_pos - y, axis) + x).exp()
            - (_reverse_logcumsumexp(log_neg - y, axis) + x).exp())


METHODS = {'logcumsumexp': logcumsumexp}
