"""Automatic differentiation: backward, grad, Function, grad modes, gradcheck, anomaly mode.

>>> x = ember.tensor([2.], requires_grad=True)
>>> ember.autograd.grad((x ** 3).sum(), x)
(tensor([12.]),)
"""
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                        is_grad_enabled, STATE)
from . import engine
from .engine import Node
from .function import Function, FunctionCtx, once_differentiable
from .anomaly_mode import (detect_anomaly, set_detect_anomaly, is_anomaly_enabled,
                           is_anomaly_check_nan_enabled)
from .gradcheck import gradcheck, gradgradcheck
from . import functional, graph
from .._dtype import FLOATING


def _make_grads(outputs, grads, op):
    from .._tensor import Tensor, _make
    import numpy as np
    res = []
    for out, g in zip(outputs, grads):
        if g is None:
            if out._data.size != 1:
                raise RuntimeError('grad can be implicitly created only for scalar outputs '
                                   f'(the output has shape {list(out.shape)}; pass gradient= '
                                   'of the same shape, or reduce it first, e.g. loss.sum())')
            if out._data.dtype not in FLOATING:
                raise RuntimeError('grad can be implicitly created only for real scalar outputs '
                                   f'but got {out.dtype}')
            from .._device import xp_of
            g = _make(xp_of(out._data).ones(out._data.shape, out._data.dtype))
        elif not isinstance(g, Tensor):
            g = _make(np.asarray(g, dtype=out._data.dtype))
        elif g._data.shape != out._data.shape:
            raise RuntimeError(f'Mismatch in shape: grad_output[0] has a shape of '
                               f'{g.shape} and output[0] has a shape of {out.shape}.')
        res.append(g)
    return res


def _as_list(x):
    from .._tensor import Tensor
    if x is None:
        return None
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _check_roots(outputs):
    for i, out in enumerate(outputs):
        if not out._rg:
            raise RuntimeError(f'element {i} of tensors does not require grad and does not have a '
                               'grad_fn (did you forget requires_grad=True on the inputs, or run '
                               'the forward pass under torch.no_grad()?)')


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaves) into the leaves' ``.grad``.

    >>> x = ember.tensor([1., 2.], requires_grad=True)
    >>> ember.autograd.backward([(x * x).sum()]); x.grad
    tensor([2., 4.])
    """
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors if grad_tensors is not None else grad_variables)
    if grads is None:
        grads = [None] * len(tensors)
    _check_roots(tensors)
    grads = _make_grads(tensors, grads, 'backward')
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_list(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    engine.run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` w.r.t. ``inputs`` (returned, not accumulated).

    >>> x = ember.tensor([1., 2.], requires_grad=True)
    >>> ember.autograd.grad((x * x).sum(), x)
    (tensor([2., 4.]),)
    """
    outputs = _as_list(outputs)
    inputs_l = _as_list(inputs)
    grads = _as_list(grad_outputs)
    if grads is None:
        grads = [None] * len(outputs)
    _check_roots(outputs)
    for t in inputs_l:
        if not t._rg:
            raise RuntimeError('One of the differentiated Tensors does not require grad')
    grads = _make_grads(outputs, grads, 'grad')
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    res = engine.run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs_l,
                              capture=True, allow_unused=allow_unused)
    if materialize_grads:
        from .._ops.creation import zeros_like
        res = tuple(zeros_like(t) if g is None else g for t, g in zip(inputs_l, res))
    return res


def Variable(data, requires_grad=False, volatile=False):
    """Legacy ``Variable(t)``: returns ``t`` itself (optionally setting requires_grad).

    >>> ember.autograd.Variable(ember.tensor([1.]))
    tensor([1.])
    """
    from .._tensor import Tensor
    if not isinstance(data, Tensor):
        raise TypeError(f'Variable data has to be a tensor, but got {type(data).__name__}')
    if requires_grad:
        data.requires_grad_(True)
    return data


__all__ = ['backward', 'grad', 'Variable', 'Function', 'FunctionCtx', 'no_grad', 'enable_grad',
           'set_grad_enabled', 'inference_mode', 'is_grad_enabled', 'gradcheck',
           'gradgradcheck', 'detect_anomaly', 'set_detect_anomaly', 'once_differentiable']
