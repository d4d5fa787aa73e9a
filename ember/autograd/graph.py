"""The autograd graph seen from Python: the Node type of ``grad_fn``, hooks on the tensors
saved for backward, multi-tensor gradient hooks, and ``increment_version``.

>>> x = ember.tensor([1., 2.], requires_grad=True)
>>> with saved_tensors_hooks(lambda t: t * 1, lambda t: t):
...     y = (x * x).sum()
>>> y.backward(); x.grad
tensor([2., 4.])
"""
import abc
import threading

from . import engine

__all__ = ['Node', 'saved_tensors_hooks', 'save_on_cpu', 'disable_saved_tensors_hooks',
           'register_multi_grad_hook', 'increment_version']


class Node(abc.ABC):
    """The abstract type of every ``grad_fn`` (and of the AccumulateGrad of a leaf):
    ``isinstance(t.grad_fn, Node)``. Nodes have ``name()``, ``next_functions``,
    ``metadata``, ``register_hook`` and ``register_prehook``.

    >>> isinstance((ember.ones(1, requires_grad=True) * 2).grad_fn, Node)
    True
    """

    @abc.abstractmethod
    def name(self):
        """The node's name, e.g. ``'MulBackward0'``."""

    @property
    @abc.abstractmethod
    def next_functions(self):
        """``((node, output_nr), ...)`` for the node's inputs."""


Node.register(engine.Node)
Node.register(engine.AccumulateGrad)


class saved_tensors_hooks:
    """Within this context, every tensor an operation saves for backward is replaced by
    ``pack_hook(tensor)``, and backward gets ``unpack_hook(packed)`` back instead.

    >>> x = ember.tensor([3.], requires_grad=True)
    >>> with saved_tensors_hooks(lambda t: t.detach().numpy().copy(), ember.from_numpy):
    ...     y = x * x
    >>> y.backward(); x.grad
    tensor([6.])
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _disabled_message[0] is not None:
            raise RuntimeError(_disabled_message[0])
        stack = engine.saved_tensors_hooks_stack
        engine.saved_tensors_hooks_stack = (stack or []) + [(self.pack_hook, self.unpack_hook)]
        return self

    def __exit__(self, *exc):
        stack = engine.saved_tensors_hooks_stack[:-1]
        engine.saved_tensors_hooks_stack = stack or None


class save_on_cpu(saved_tensors_hooks):
    """Keep the tensors saved for backward on the CPU (pinned if asked) and move them back to
    their device for backward; on a CPU-only program it stores copies.

    >>> x = ember.tensor([2.], requires_grad=True)
    >>> with save_on_cpu():
    ...     y = x ** 3
    >>> y.backward(); x.grad
    tensor([12.])
    """

    def __init__(self, pin_memory=False, device_type='cuda'):
        def pack(tensor):
            return tensor.device, tensor.detach().to('cpu', copy=True)

        def unpack(packed):
            device, tensor = packed
            return tensor.to(device)
        super().__init__(pack, unpack)


_disabled_message = [None]


class disable_saved_tensors_hooks:
    """Within this context, entering :class:`saved_tensors_hooks` raises RuntimeError with
    ``error_message`` (for code that cannot work with them).

    >>> with disable_saved_tensors_hooks('not here'):
    ...     saved_tensors_hooks(lambda t: t, lambda t: t).__enter__()
    Traceback (most recent call last):
    RuntimeError: not here
    """

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        self._prev = _disabled_message[0]
        _disabled_message[0] = self.error_message

    def __exit__(self, *exc):
        _disabled_message[0] = self._prev


def increment_version(tensor):
    """Mark ``tensor`` (or each of a list of tensors) as modified in place, so backward
    refuses to use an earlier saved copy of it.

    >>> t = ember.ones(1); v = t._version; increment_version(t); t._version - v
    1
    """
    from .._ops._base import bump_version
    from .._tensor import Tensor
    for t in ([tensor] if isinstance(tensor, Tensor) else tensor):
        bump_version(t)


class _MultiHandle:
    __slots__ = ('handles',)

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for h in self.handles:
            h.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _will_receive(tensor, running):
    """Whether the running pass (an ``engine.BackwardPass``) has yet to deliver a gradient to
    ``tensor``."""
    if running is None:
        return False
    vertex = tensor.grad_fn if tensor.grad_fn is not None else tensor
    key = id(vertex)
    if running.useful is not None and key not in running.useful:
        return False
    if running.vertex is vertex:      # a sibling output of the node running its hooks
        return vertex.__class__ is engine.Node and running.grads[tensor._out_nr] is not None
    return running.deps.get(key, 0) > 0 or any(v is vertex for v in running.ready)


def register_multi_grad_hook(tensors, fn, *, mode='all'):
    """Call ``fn`` once per backward pass for a group of tensors.

    ``mode='all'``: after the gradients of all of them have been computed in this pass,
    ``fn(grads)`` with None for those the pass does not reach. ``mode='any'``: ``fn(grad)``
    with the first gradient computed among them.

    >>> a = ember.ones(2, requires_grad=True); b = ember.ones(2, requires_grad=True)
    >>> seen = []
    >>> h = register_multi_grad_hook((a, b), lambda gs: seen.append([g is None for g in gs]))
    >>> (a * 2).sum().backward(); seen
    [[False, True]]
    """
    if mode not in ('all', 'any'):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    lock = threading.Lock()
    state = {'pass': None, 'grads': None}

    def new_pass(running):
        # kept alive here, so a later pass cannot be confused with this one
        if state['pass'] is not running or state['grads'] is None:
            state['pass'] = running
            state['grads'] = [None] * len(tensors)
            state['done'] = False
            return True
        return False

    def make_hook(i):
        def hook(grad):
            running = engine.current_pass()
            with lock:
                fresh = new_pass(running)
                if mode == 'any':
                    if fresh:
                        fn(grad)
                    elif running is None:
                        state['grads'] = None
                    return None
                state['grads'][i] = grad
                pending = [j for j, t in enumerate(tensors) if state['grads'][j] is None
                           and j != i and _will_receive(t, running)]
                if not pending and not state['done']:
                    state['done'] = True
                    grads = state['grads']
                    state['grads'] = None
                    fn(tuple(grads))
            return None
        return hook

    return _MultiHandle([t.register_hook(make_hook(i)) for i, t in enumerate(tensors)
                         if t.requires_grad])
