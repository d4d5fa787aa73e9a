"""Reverse-mode transforms: grad, grad_and_value, vjp, jacrev, jacfwd, hessian.

They run ``func`` on fresh differentiable copies of the chosen arguments and call
:func:`ember.autograd.grad`. Inside another transform (or when an argument already requires
grad) the gradients keep their graph, so transforms compose: ``jacrev(jacrev(f))``.

>>> ember.func.grad(lambda x: (x ** 2).sum())(ember.tensor([1., 2.]))
tensor([2., 4.])
"""
import functools

from ..autograd.grad_mode import enable_grad, STATE
from . import _tree

_nesting = [0]     # how many transforms are running func right now


def _validate_argnum(argnum, num_args):
    if not isinstance(argnum, int):
        raise RuntimeError(f'argnum must be int, got: {type(argnum)}')
    if 0 <= argnum < num_args:
        return argnum
    if -num_args <= argnum < 0:
        return argnum + num_args
    raise RuntimeError(f'Got argnum={argnum}, but only {num_args} positional inputs')


def _positions(argnums, num_args):
    if isinstance(argnums, int):
        return [_validate_argnum(argnums, num_args)]
    if isinstance(argnums, tuple):
        if not argnums:
            raise RuntimeError('argnums must be non-empty')
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(f'argnums elements must be unique, got {argnums}')
        return [_validate_argnum(a, num_args) for a in argnums]
    raise RuntimeError(f'argnums must be int or Tuple[int, ...], got: {type(argnums)}')


def _differentiable(leaf):
    from .._tensor import Tensor
    if not isinstance(leaf, Tensor):
        raise ValueError(f'Thing passed to transform API must be Tensor, got {type(leaf)}')
    # connected to the caller's graph when it has one, else a fresh leaf
    return leaf.view_as(leaf) if leaf.requires_grad else leaf.detach().requires_grad_()


class _Call:
    """One run of ``func`` with the arguments at ``positions`` made differentiable.

    ``diff_leaves`` are the tensors to differentiate by, ``specs`` the tree of each chosen
    argument, ``create_graph`` whether results keep their graph (nested or graph inputs).
    """

    def __init__(self, func, args, kwargs, positions):
        args = list(args)
        self.specs = []
        self.diff_leaves = []
        has_graph = False
        for p in positions:
            leaves, spec = _tree.flatten(args[p])
            fresh = [_differentiable(t) for t in leaves]
            has_graph = has_graph or any(t.requires_grad for t in leaves)
            self.specs.append(spec)
            self.diff_leaves.extend(fresh)
            args[p] = _tree.unflatten(fresh, spec)
        self.create_graph = STATE.enabled and (_nesting[0] > 0 or has_graph)
        _nesting[0] += 1
        try:
            self.output = func(*args, **kwargs)
        finally:
            _nesting[0] -= 1

    def split_aux(self, api):
        if not (isinstance(self.output, tuple) and len(self.output) == 2):
            raise RuntimeError(f'{api}: output of function f should be a tuple: (output, aux) '
                               'if has_aux is True')
        self.output, aux = self.output
        return self.finish(aux)

    def finish(self, tree):
        """Cut results loose from this call's fresh inputs unless a graph is wanted."""
        if self.create_graph:
            return tree
        from .._tensor import Tensor
        leaves, spec = _tree.flatten(tree)
        return _tree.unflatten([t.detach() if isinstance(t, Tensor) else t for t in leaves],
                               spec)

    def grads(self, outputs, cotangents, retain_graph=False):
        """d(outputs . cotangents)/d(diff_leaves); zeros for leaves the outputs ignore."""
        from ..autograd import grad
        from .._ops.creation import zeros_like
        pairs = [(o, c) for o, c in zip(outputs, cotangents) if o.requires_grad]
        if pairs:
            outs, cots = zip(*pairs)
            res = grad(outs, self.diff_leaves, cots, retain_graph=retain_graph,
                       create_graph=self.create_graph, allow_unused=True)
        else:
            res = (None,) * len(self.diff_leaves)
        return [zeros_like(t) if g is None else g for g, t in zip(res, self.diff_leaves)]

    def per_argument(self, values, single):
        """Regroup one value per diff leaf into the chosen arguments' trees."""
        trees, start = [], 0
        for spec in self.specs:
            n = spec.num_leaves
            trees.append(_tree.unflatten(values[start:start + n], spec))
            start += n
        return trees[0] if single else tuple(trees)


def grad_and_value(func, argnums=0, has_aux=False):
    """Like :func:`grad`, returning ``(gradient, value)`` (``(gradient, (value, aux))`` with
    ``has_aux``).

    >>> ember.func.grad_and_value(lambda x: (x ** 2).sum())(ember.tensor([3.]))
    (tensor([6.]), tensor(9.))
    """
    from .._tensor import Tensor

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        api = 'grad_and_value(f)(*args)'
        with enable_grad():
            call = _Call(func, args, kwargs, _positions(argnums, len(args)))
            aux = call.split_aux(api) if has_aux else None
            out = call.output
            if not isinstance(out, Tensor):
                raise RuntimeError(f'{api}: Expected f(*args) to return a Tensor, got '
                                   f'{type(out)}')
            if out.dim() != 0:
                raise RuntimeError(f'{api}: Expected f(*args) to return a scalar Tensor, got '
                                   f'tensor with {out.dim()} dims. Maybe you wanted to use the '
                                   'vjp or jacrev APIs instead?')
            grads = call.grads([out], [None])
        grads = call.per_argument(grads, isinstance(argnums, int))
        value = call.finish(out)
        return (grads, (value, aux)) if has_aux else (grads, value)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function computing the gradient of scalar ``func`` w.r.t. the argument(s) ``argnums``
    (an int, or a tuple giving a tuple of gradients). Arguments may be trees of tensors.

    >>> ember.func.grad(lambda x, y: (x * y).sum(), argnums=(0, 1))(ember.ones(2), ember.ones(2) * 3)
    (tensor([3., 3.]), tensor([1., 1.]))
    """
    g_and_v = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = g_and_v(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return wrapper


def vjp(func, *primals, has_aux=False):
    """``(func(*primals), vjp_fn)`` (plus ``aux``); ``vjp_fn(cotangents)`` returns one
    gradient per primal, as a tuple.

    >>> out, fn = ember.func.vjp(lambda x: x * 2, ember.tensor([1., 2.]))
    >>> fn(ember.tensor([1., 10.]))
    (tensor([ 2., 20.]),)
    """
    from .._tensor import Tensor
    api = 'vjp(f, *primals)'
    with enable_grad():
        call = _Call(func, primals, {}, range(len(primals)))
        aux = call.split_aux(api) if has_aux else None
        out_leaves, out_spec = _tree.flatten(call.output)
        for o in out_leaves:
            if not isinstance(o, Tensor):
                raise RuntimeError(f'{api}: expected f(*primals) to return only tensors, got '
                                   f'unsupported type {type(o)}')
            if not o.is_floating_point():
                raise RuntimeError('vjp(f, ...): All outputs of f must be floating-point or '
                                   f'complex Tensors, got Tensor with dtype {o.dtype}')

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        cot_leaves, cot_spec = _tree.flatten(cotangents)
        if cot_spec != out_spec:
            raise RuntimeError('Expected pytree structure of cotangents to be the same as '
                               'pytree structure of outputs to the function. cotangents: '
                               f'{cot_spec}, primal output: {out_spec}')
        with enable_grad():
            grads = call.grads(out_leaves, cot_leaves, retain_graph=retain_graph)
        return call.per_argument(grads, single=False)

    output = call.finish(call.output)
    return (output, vjp_fn, aux) if has_aux else (output, vjp_fn)


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """A function computing the Jacobian of ``func`` w.r.t. ``argnums`` by reverse mode: for
    each output, a tensor of shape ``output.shape + input.shape`` (tuples for tuple argnums).

    >>> ember.func.jacrev(lambda x: x ** 2)(ember.tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError('jacrev: `chunk_size` should be greater than 0.')
    return _jacobian_transform(func, argnums, has_aux, 'jacrev(f, argnums)')


def jacfwd(func, argnums=0, has_aux=False, *, randomness='error'):
    """The Jacobian as :func:`jacrev` gives it (ember computes it by reverse mode too).

    >>> ember.func.jacfwd(lambda x: x.sin())(ember.zeros(2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    if randomness not in ('error', 'different', 'same'):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    return _jacobian_transform(func, argnums, has_aux, 'jacfwd(f, argnums)')


def _jacobian_transform(func, argnums, has_aux, api):
    from .._tensor import Tensor
    from ..autograd.functional import _jacobian_rows

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with enable_grad():
            call = _Call(func, args, kwargs, _positions(argnums, len(args)))
            aux = call.split_aux(api) if has_aux else None
            out_leaves, out_spec = _tree.flatten(call.output)
            jac_leaves = []
            for i, out in enumerate(out_leaves):
                if not isinstance(out, Tensor):
                    raise RuntimeError(f'{api}: Expected f to return only tensors, got '
                                       f'unsupported type {type(out)}')
                rows = _jacobian_rows(i, out, call.diff_leaves, call.create_graph, False)
                jac_leaves.append(call.per_argument(list(rows), isinstance(argnums, int)))
        jac = _tree.unflatten(jac_leaves, out_spec)
        return (jac, aux) if has_aux else jac
    return wrapper


def hessian(func, argnums=0):
    """The Hessian of scalar ``func`` w.r.t. ``argnums``: ``jacfwd(jacrev(func))``.

    >>> ember.func.hessian(lambda x: (x ** 3).sum())(ember.tensor([1., 2.]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
