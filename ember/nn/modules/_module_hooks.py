"""Module calls with hooks (forward pre/post, full backward) and error annotation.

``Module.__call__`` runs ``forward`` directly when no hook is registered; this file holds the
slower path and the code that tells a user which submodule an error came from.

>>> m = ember.nn.Linear(2, 1)
>>> _ = m.register_forward_hook(lambda mod, args, out: out * 0 + 1)
>>> m(ember.ones(2))
tensor([1.], grad_fn=<AddBackward0>)
"""
from collections import OrderedDict
import warnings

from ..._tensor import Tensor
from ...autograd.function import Function

__all__ = ['call_with_hooks', 'annotate_error', 'global_hooks']


class _GlobalDict(OrderedDict):
    """A global hook registry that keeps ``global_hooks.any`` current."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        global_hooks.refresh()

    def pop(self, key, *default):
        out = super().pop(key, *default)
        global_hooks.refresh()
        return out


class _GlobalHooks:
    def __init__(self):
        self.dicts = {k: _GlobalDict() for k in
                      ('forward_pre', 'forward', 'full_backward', 'full_backward_pre')}
        self.any = False

    def refresh(self):
        self.any = any(self.dicts.values())


global_hooks = _GlobalHooks()


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def call_with_hooks(module, args, kwargs):
    """Run ``module.forward`` with its (and the global) forward and backward hooks."""
    g = global_hooks.dicts
    kw_pre = module._forward_pre_hooks_with_kwargs
    for hid, hook in list(g['forward_pre'].items()) + list(module._forward_pre_hooks.items()):
        if hid in kw_pre:
            res = hook(module, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError('forward pre-hook must return None or a tuple of '
                                       f'(new_args, new_kwargs), but got {res}.')
                args, kwargs = res
        else:
            res = hook(module, args)
            if res is not None:
                args = _as_tuple(res)
    backward_hooks = list(g['full_backward'].values()) + list(module._backward_hooks.values())
    backward_pre = (list(g['full_backward_pre'].values())
                    + list(module._backward_pre_hooks.values()))
    state = None
    if backward_hooks or backward_pre:
        state = _BackwardHookState(module, backward_hooks, backward_pre)
        args = state.wrap_inputs(args)
    called = False
    try:
        output = module.forward(*args, **kwargs)
        kw_post = module._forward_hooks_with_kwargs
        for hid, hook in list(g['forward'].items()) + list(module._forward_hooks.items()):
            res = (hook(module, args, kwargs, output) if hid in kw_post
                   else hook(module, args, output))
            if res is not None:
                output = res
        called = True
    except (RuntimeError, ValueError, IndexError, TypeError, NotImplementedError) as exc:
        annotate_error(exc, module)
        raise
    finally:
        if not called:
            for hid in module._forward_hooks_always_called:
                hook = module._forward_hooks.get(hid)
                if hook is not None:
                    try:
                        hook(module, args, None)
                    except Exception:       # the original error is the one to report
                        pass
    if state is not None:
        output = state.wrap_outputs(output)
    return output


class BackwardHookFunction(Function):
    """Identity whose node marks where a module's inputs/outputs enter the graph."""

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[a for a in args if not a.requires_grad])
        return args

    @staticmethod
    def backward(ctx, *grads):
        return grads


class _BackwardHookState:
    """Gathers grad_output at the module's outputs and grad_input at its inputs."""

    def __init__(self, module, hooks, pre_hooks):
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_positions = []

    def _tensor_positions(self, values):
        return [i for i, v in enumerate(values) if isinstance(v, Tensor)]

    def wrap_inputs(self, args):
        pos = self._tensor_positions(args)
        self.n_inputs = len(pos)
        self.input_positions = pos
        if not any(args[i].requires_grad for i in pos):
            self.grad_inputs_unreachable = True
            return args
        wrapped = BackwardHookFunction.apply(*[args[i] for i in pos])
        wrapped = _as_tuple(wrapped)
        args = list(args)
        for i, w in zip(pos, wrapped):
            args[i] = w
        node = next((w.grad_fn for w in wrapped if w.grad_fn is not None), None)
        if node is not None:
            node.register_hook(self._input_hook)
        return tuple(args)

    def wrap_outputs(self, output):
        single = not isinstance(output, tuple)
        outs = _as_tuple(output)
        pos = self._tensor_positions(outs)
        if not any(outs[i].requires_grad for i in pos):
            return output
        wrapped = _as_tuple(BackwardHookFunction.apply(*[outs[i] for i in pos]))
        outs = list(outs)
        for i, w in zip(pos, wrapped):
            outs[i] = w
        node = next((w.grad_fn for w in wrapped if w.grad_fn is not None), None)
        if node is not None:
            node.register_prehook(self._output_prehook)
        return outs[0] if single else tuple(outs)

    def _output_prehook(self, grad_outputs):
        grads = tuple(grad_outputs)
        for hook in self.pre_hooks:
            res = hook(self.module, grads)
            if res is not None:
                grads = _as_tuple(res)
        self.grad_outputs = grads
        if self.n_inputs == 0 or self.grad_inputs_unreachable:
            if self.hooks:
                warnings.warn('Full backward hook is firing when gradients are computed with '
                              'respect to module outputs since no inputs require gradients. See '
                              'https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html'
                              '#torch.nn.Module.register_full_backward_hook for more details.',
                              stacklevel=5)
            for hook in self.hooks:
                hook(self.module, (None,) * max(self.n_inputs, 1), grads)
        return grads

    grad_inputs_unreachable = False

    def _input_hook(self, grad_inputs, _grad_outputs):
        grads = tuple(grad_inputs)
        for hook in self.hooks:
            res = hook(self.module, grads, self.grad_outputs)
            if res is not None:
                res = _as_tuple(res)
                if len(res) != len(grads):
                    raise RuntimeError(f'Backward hook returned an invalid number of grad_input, '
                                       f'got {len(res)}, but expected {len(grads)}')
                grads = res
        return grads


# ---- which submodule failed ---------------------------------------------------------------------
def _child_path(parent, child):
    if parent is child:
        return ''
    for name, mod in parent.named_modules(remove_duplicate=False):
        if mod is child:
            return name
    return None


def annotate_error(exc, module):
    """Append to ``exc``'s message which (sub)module of the called model raised it.

    Called at every module level while the exception propagates, so the outermost call
    gives the full dotted path, e.g. ``model.classifier.0``.
    """
    if not exc.args or not isinstance(exc.args[0], str):
        return
    d = exc.__dict__
    chain = d.get('_ember_chain')
    if chain is None:
        d['_ember_chain'] = chain = [module]
        d['_ember_message'] = exc.args[0]
        d['_ember_path'] = ''
    else:
        sub = _child_path(module, chain[-1])
        if sub is None:
            return
        chain.append(module)
        d['_ember_path'] = sub + ('.' + d['_ember_path'] if d['_ember_path'] else '')
    inner = chain[0]
    path = d['_ember_path']
    desc = repr(inner).split('\n')[0] if not inner._modules else inner._get_name()
    where = (f'model.{path}: {desc}, where model is the {module._get_name()} you called'
             if path else desc)
    exc.args = (f'{d["_ember_message"]}\n  (raised in {where})',) + exc.args[1:]
