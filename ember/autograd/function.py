"""Custom differentiable operations: subclass ``Function`` with static forward/backward.

>>> class Square(ember.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x * x
...     @staticmethod
...     def backward(ctx, grad):
...         (x,) = ctx.saved_tensors
...         return 2 * x * grad
>>> Square.apply(ember.tensor([3.], requires_grad=True))
tensor([9.], grad_fn=<SquareBackward>)
"""
import functools

from .grad_mode import STATE
from . import engine
from .._dtype import FLOATING


class FunctionCtx:
    """The ``ctx`` passed to forward and backward: saves tensors and flags between them.

    >>> class Scale(ember.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x, k):
    ...         ctx.k = k                # any attribute travels to backward
    ...         return x * k
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         return grad * ctx.k, None
    >>> x = ember.ones(2, requires_grad=True)
    >>> Scale.apply(x, 3.).sum().backward()
    >>> x.grad
    tensor([3., 3.])
    """

    def __init__(self):
        self.to_save = ()
        self.needs_input_grad = ()
        self.materialize_grads = True
        self._non_diff = ()
        self._dirty = ()
        self._node = None

    def save_for_backward(self, *tensors):
        """Keep tensors for backward (checked for later in-place changes)."""
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        self.to_save_forward = tensors

    @property
    def saved_tensors(self):
        if self._node is None:
            return tuple(self.to_save)
        return tuple(self._node.saved())

    saved_variables = saved_tensors

    def mark_non_differentiable(self, *tensors):
        """Declare outputs that have no gradient (e.g. indices)."""
        self._non_diff = tensors

    def mark_dirty(self, *tensors):
        """Declare inputs that forward modified in place."""
        self._dirty = tensors

    def set_materialize_grads(self, value):
        """Whether missing output gradients reach backward as zeros (True) or None."""
        self.materialize_grads = bool(value)


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_name = name + 'Backward'


class Function(metaclass=_FunctionMeta):
    """Base class for custom autograd operations; call them with ``MyFn.apply(...)``.

    >>> class Cube(ember.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         x, = ctx.saved_tensors
    ...         return grad * 3 * x ** 2
    >>> x = ember.tensor([1., 2.], requires_grad=True)
    >>> Cube.apply(x).sum().backward()
    >>> x.grad
    tensor([ 3., 12.])
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError('You must implement the forward function for custom '
                                  'autograd.Function.')

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError('You must implement either the backward or vjp method for '
                                  'your custom autograd.Function to use it with backward mode AD.')

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        return None

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        from .._ops.shape import view_of
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
        prev = STATE.enabled
        STATE.enabled = False
        try:
            if cls.setup_context is not Function.setup_context:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        finally:
            STATE.enabled = prev
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        needs = prev and any(ctx.needs_input_grad)
        if not needs:
            return outputs
        dirty = {id(t) for t in ctx._dirty}
        non_diff = {id(t) for t in ctx._non_diff}
        inputs = {id(a) for a in args if isinstance(a, Tensor)}
        fixed = []
        for o in outs:
            if isinstance(o, Tensor) and id(o) in inputs and id(o) not in dirty:
                o = view_of(o, o._data)
            fixed.append(o)
        n_out = len(fixed)
        materialize = ctx.materialize_grads
        tensor_outs = [o if isinstance(o, Tensor) else None for o in fixed]

        def run_backward(node, *grads):
            if materialize:
                grads = tuple(g if g is not None or o is None else o.new_zeros(o.shape)
                              for g, o in zip(grads, tensor_outs))
            res = cls.backward(ctx, *grads)
            if not isinstance(res, tuple):
                res = (res,)
            if len(res) < len(args):
                raise RuntimeError(f'function {cls._backward_name} returned an incorrect number '
                                   f'of gradients (expected {len(args)}, got {len(res)})')
            return res[:len(args)]

        first = None
        for o in fixed:
            if isinstance(o, Tensor):
                first = o
                break
        # record() wires edges/saved tensors onto one output; then share the node
        tmp = engine._make(first._data if first is not None else None)
        engine.record(tmp, cls._backward_name, run_backward, args, ctx.to_save or None)
        node = tmp.grad_fn
        node._n_out = n_out
        ctx._node = node
        for i, o in enumerate(fixed):
            if isinstance(o, Tensor) and id(o) not in non_diff and o._data.dtype in FLOATING:
                o.grad_fn, o._rg, o._out_nr = node, True, i
                if id(o) in dirty:
                    from .._ops._base import bump_version
                    bump_version(o)
        return fixed[0] if single else tuple(fixed)


def once_differentiable(fn):
    """Decorator for a backward that is not itself differentiable (runs under no_grad).

    >>> class Double(ember.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         return x * 2
    ...     @staticmethod
    ...     @ember.autograd.function.once_differentiable
    ...     def backward(ctx, grad):
    ...         return grad * 2
    >>> x = ember.ones(2, requires_grad=True)
    >>> Double.apply(x).sum().backward()
    >>> x.grad
    tensor([2., 2.])
    """
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        prev = STATE.enabled
        STATE.enabled = False
        try:
            return fn(ctx, *args)
        finally:
            STATE.enabled = prev
    return wrapper
