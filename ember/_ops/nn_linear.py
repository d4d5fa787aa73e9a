"""``F.linear`` and ``F.bilinear``: affine maps, built from ``addmm``/``matmul`` as PyTorch
does (so grad_fn names match: AddmmBackward0 for a 2-D input with bias).

>>> import ember.nn.functional as F
>>> F.linear(ember.ones(2, 3), ember.ones(4, 3), ember.zeros(4)).shape
torch.Size([2, 4])
"""
import math

from ._base import Tensor, wrap, record
from ._elementwise import quiet
from ._autocast import AUTOCAST, lower_precision
from .fused_products import addmm
from .products import matmul, mm

__all__ = ['bilinear']
FUNCTIONAL = ['linear', 'bilinear']


def _shape_hint(x, w):
    """PyTorch's message for a feature mismatch, plus what the user most likely has to do."""
    in_features = w.shape[1]
    got = x.shape[-1] if x.ndim else 1
    rows = math.prod(x.shape[:-1]) if x.ndim > 1 else 1
    msg = (f'mat1 and mat2 shapes cannot be multiplied ({rows}x{got} and '
           f'{in_features}x{w.shape[0]})\n  the input has shape {list(x.shape)}: its last '
           f'dimension ({got}) must equal in_features={in_features}')
    if x.ndim > 2 and math.prod(x.shape[1:]) == in_features:
        msg += (f'; {in_features} = {"*".join(map(str, x.shape[1:]))}: did you forget to '
                'flatten? Use x.flatten(1) or nn.Flatten() before this layer.')
    else:
        msg += '; check the previous layer\'s output size or the data\'s feature count.'
    return RuntimeError(msg)


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, the affine map of ``nn.Linear``.

    >>> import ember.nn.functional as F
    >>> F.linear(ember.tensor([[1., 2.]]), ember.tensor([[1., 1.]]), ember.tensor([0.5]))
    tensor([[3.5000]])
    """
    if AUTOCAST.on:
        return lower_precision(linear, input, weight, bias)
    x = input._data
    w = weight._data
    if w.ndim == 2 and x.ndim and x.shape[-1] != w.shape[1]:
        raise _shape_hint(x, w)
    if bias is None:
        return matmul(input, weight.t())
    if x.ndim == 2:
        b = bias._data
        if (w.ndim == 2 and b.ndim == 1 and x.dtype is w.dtype is b.dtype
                and b.shape[0] == w.shape[0]):
            try:
                out = x @ w.T
                out += b
            except RuntimeWarning:      # inf * 0 with warnings as errors: see _elementwise.quiet
                out = quiet(_affine, x, w, b)
            if out.dtype is not x.dtype:        # bfloat16: accumulated in float32, round once
                out = out.astype(x.dtype)
            return record(wrap(out), 'AddmmBackward0', _linear_backward, (bias, input, weight),
                          (input, weight), save_if=(2, 1))
        return addmm(bias, input, weight.t())
    if x.ndim == 0 or w.ndim != 2:
        return matmul(input, weight.t()) + bias
    flat = input.reshape(-1, x.shape[-1])
    return addmm(bias, flat, weight.t()).view(*x.shape[:-1], w.shape[0])


def _affine(x, w, b):
    """``x @ w.T + b`` on arrays (linear's fast path)."""
    out = x @ w.T
    out += b
    return out


def _linear_backward(node, grad):
    """Gradients of ``x @ W.T + b`` in the layouts of b, x and W (so .grad is contiguous)."""
    x, w = node.saved()
    need_b, need_x, need_w = (e is not None for e in node.next)
    return (grad.sum(0) if need_b else None,
            mm(grad, w) if need_x else None,
            mm(grad.t(), x) if need_w else None)


def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = input1 @ weight[o] @ input2 + bias[o]``.

    >>> import ember.nn.functional as F
    >>> F.bilinear(ember.ones(2, 3), ember.ones(2, 4), ember.ones(5, 3, 4)).shape
    torch.Size([2, 5])
    """
    if not isinstance(input1, Tensor) or not isinstance(input2, Tensor):
        raise TypeError('bilinear(): input1 and input2 must be Tensors')
    x1, x2, w = input1._data, input2._data, weight._data
    if w.ndim != 3:
        raise RuntimeError(f'bilinear(): weight must be 3-dimensional, got {w.ndim}')
    if x1.shape[:-1] != x2.shape[:-1]:
        raise RuntimeError('bilinear(): input batch dimensions do not match: got '
                           f'{list(x1.shape[:-1])} and {list(x2.shape[:-1])}')
    if x1.shape[-1] != w.shape[1] or x2.shape[-1] != w.shape[2]:
        raise RuntimeError(f'bilinear(): input sizes do not match weight: input1 has '
                           f'{x1.shape[-1]} features, input2 {x2.shape[-1]}, weight is '
                           f'{list(w.shape)} (out, in1, in2)')
    out, in1, in2 = w.shape
    lead = x1.shape[:-1]
    a = input1.reshape(-1, in1)
    b = input2.reshape(-1, in2)
    # (n, in1) @ (in1, out*in2) -> (n, out, in2), then contract in2 with input2
    t = matmul(a, weight.permute(1, 0, 2).reshape(in1, out * in2)).view(-1, out, in2)
    y = matmul(t, b.unsqueeze(-1)).squeeze(-1)
    if bias is not None:
        y = y + bias
    return y.view(*lead, out)
