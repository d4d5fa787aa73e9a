"""Activation checkpointing: trade compute for memory by recomputing a block in backward.

``checkpoint(fn, *args)`` runs ``fn`` without recording its graph (its intermediate
activations are freed at once) and runs it again, with gradients on, when the backward pass
reaches it. The random state is saved and restored around the recomputation, so dropout
draws the same mask twice.

>>> lin = ember.nn.Linear(3, 2)
>>> x = ember.ones(4, 3, requires_grad=True)
>>> y = checkpoint(lin, x, use_reentrant=False)
>>> y.sum().backward(); x.grad.shape, lin.weight.grad.shape
(torch.Size([4, 3]), torch.Size([2, 3]))
"""
import contextlib
import warnings

from .. import autograd, enable_grad
from .._tensor import Tensor
from ..random import fork_rng, get_rng_state, set_rng_state

__all__ = ['checkpoint', 'checkpoint_sequential', 'noop_context_fn']


def noop_context_fn():
    """The default ``context_fn``: no context around the forward pass or the recomputation.

    >>> x = ember.ones(2, requires_grad=True)
    >>> cp = ember.utils.checkpoint
    >>> cp.checkpoint(ember.sin, x, use_reentrant=False, context_fn=cp.noop_context_fn).shape
    torch.Size([2])
    """
    return contextlib.nullcontext(), contextlib.nullcontext()


def _module_parameters(function):
    """The parameters ``function`` visibly uses (a Module, a bound method of one, or a
    segment of ``checkpoint_sequential``)."""
    from ..nn.modules.module import Module
    owner = function if isinstance(function, Module) else getattr(function, '__self__', None)
    owners = [owner] if isinstance(owner, Module) else getattr(function, 'modules', [])
    return [p for m in owners if isinstance(m, Module) for p in m.parameters()
            if p.requires_grad]


class CheckpointFunction(autograd.Function):
    """Runs ``run_function`` without a graph; backward recomputes it and back-propagates.

    The first ``n_args`` Function inputs are the call's arguments (their gradients are
    returned); the rest are parameters passed only so that the output requires grad when
    they do (their gradients accumulate through the recomputed graph, as every other leaf's).
    """

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, context_fn, n_args, *inputs):
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        ctx.recompute_context = None
        ctx.rng_state = get_rng_state() if preserve_rng_state else None
        args = inputs[:n_args]
        ctx.args = [a if not isinstance(a, Tensor) else None for a in args]
        ctx.tensor_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[args[i] for i in ctx.tensor_positions])
        ctx.n_extra = len(inputs) - n_args
        forward_context, ctx.recompute_context = context_fn()
        with forward_context:
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        args = list(ctx.args)
        detached = []
        for i, t in zip(ctx.tensor_positions, ctx.saved_tensors):
            d = t.detach()
            d.requires_grad_(t.requires_grad)
            args[i] = d
            detached.append(d)
        with fork_rng(enabled=ctx.preserve_rng_state):
            if ctx.preserve_rng_state:
                set_rng_state(ctx.rng_state)
            with enable_grad(), ctx.recompute_context:
                outputs = ctx.run_function(*args)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError('none of output has requires_grad=True, this checkpoint() is not '
                               'necessary')
        autograd.backward([o for o, _ in pairs], [g for _, g in pairs])
        arg_grads = [None] * len(ctx.args)
        for i, d in zip(ctx.tensor_positions, detached):
            arg_grads[i] = d.grad
        return (None, None, None, None) + tuple(arg_grads) + (None,) * ctx.n_extra


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check='default', debug=False, early_stop=True, **kwargs):
    """``function(*args, **kwargs)`` without keeping its activations: they are recomputed in
    backward (with the same random numbers unless ``preserve_rng_state=False``).

    Pass ``use_reentrant`` explicitly (PyTorch warns when it is omitted and then uses
    ``True``). ``use_reentrant=True`` takes no keyword arguments for ``function`` and gives
    gradients only when an input requires grad; ``use_reentrant=False`` also takes
    ``kwargs`` and ``context_fn``, and a Module's parameters get gradients even when no input
    requires grad. In both variants the recomputed graph is walked with ``.backward()``;
    ``autograd.grad`` reaches the arguments, while other leaves (parameters, captured
    tensors) accumulate into their ``.grad``.

    >>> drop = ember.nn.Dropout(0.5)
    >>> x = ember.ones(6, requires_grad=True)
    >>> y = checkpoint(drop, x, use_reentrant=False); y.sum().backward()
    >>> bool((x.grad == y.detach()).all())      # the same mask in the recomputation
    True
    """
    if use_reentrant is None:
        warnings.warn(
            'torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. '
            'Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an '
            'exception. use_reentrant=False is recommended, but if you need to preserve the '
            'current default behavior, you can pass use_reentrant=True. Refer to docs for more '
            'details on the differences between the two variants.', stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop('preserve_rng_state', True)
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError('Passing `context_fn` or `debug` is only supported when '
                             'use_reentrant=False.')
        if kwargs:
            raise ValueError('Unexpected keyword arguments: ' + ','.join(kwargs))
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            warnings.warn('None of the inputs have requires_grad=True. Gradients will be None',
                          stacklevel=2)
        return CheckpointFunction.apply(function, preserve, noop_context_fn, len(args), *args)
    if determinism_check not in ('default', 'none'):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got "
                         f'{determinism_check}')
    run = function
    if kwargs:
        def run(*a):
            return function(*a, **kwargs)
    return CheckpointFunction.apply(run, preserve, context_fn, len(args), *args,
                                    *_module_parameters(function))


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run a Sequential (or list of modules) in ``segments`` chunks, checkpointing all chunks
    but the last.

    >>> seq = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.ReLU(), ember.nn.Linear(2, 1))
    >>> checkpoint_sequential(seq, 2, ember.ones(3, 2), use_reentrant=False).shape
    torch.Size([3, 1])
    """
    if use_reentrant is None:
        warnings.warn(
            'torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be '
            'passed explicitly. In version 2.9 we will raise an exception if use_reentrant is '
            'not passed. use_reentrant=False is recommended, but if you need to preserve the '
            'current default behavior, you can pass use_reentrant=True. Refer to docs for more '
            'details on the differences between the two variants.', stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop('preserve_rng_state', True)
    if kwargs:
        raise ValueError('Unexpected keyword arguments: ' + ','.join(kwargs))
    from ..nn.modules.container import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(_run_range(functions, start, end), input,
                           use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return _run_range(functions, end + 1, len(functions) - 1)(input)


def _run_range(functions, start, end):
    def forward(input):
        for j in range(start, end + 1):
            input = functions[j](input)
        return input
    forward.modules = functions[start:end + 1]
    return forward
