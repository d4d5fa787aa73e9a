"""``vmap``: map a function over a batch dimension by running it once per slice and stacking.

Slicing (``select``) and ``stack`` are differentiable, so vmap composes with the autodiff
transforms both ways (``vmap(grad(f))``, ``grad(lambda x: vmap(f)(x).sum())``).

Randomness: ``'error'`` raises when ``func`` draws from the default generator (ember swaps
the default generator for a guard while ``func`` runs; an explicit ``generator=`` is not
checked); ``'same'`` rewinds the default generator before each slice, so every slice sees
the same numbers; ``'different'`` draws slice after slice, so the numbers differ per slice
but are not the ones PyTorch's batched draw gives.

>>> ember.func.vmap(lambda row: row.sum())(ember.tensor([[1., 2.], [3., 4.]]))
tensor([3., 7.])
"""
import contextlib
import functools

from . import _tree

_RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please either "
                 "use the 'same' or 'different' randomness flags on vmap or perform the "
                 "randomness operation out of vmap")


class _RandomnessGuard:
    """Stands in for the default generator in randomness='error' mode: any use raises."""

    def __getattr__(self, name):
        raise RuntimeError(_RANDOM_ERROR)


def _name(func):
    if hasattr(func, '__name__'):
        return func.__name__
    if isinstance(func, functools.partial):
        return f'functools.partial({_name(func.func)}, ...)'
    return repr(func)


def _is_dim(value):
    return value is None or isinstance(value, int)


def vmap(func, in_dims=0, out_dims=0, randomness='error', *, chunk_size=None):
    """Vectorise ``func`` over dimension ``in_dims`` of its inputs (an int, None, or a tree
    matching the arguments), putting the batch dimension at ``out_dims`` of the outputs.

    >>> x = ember.tensor([[1., 2.], [3., 4.]])
    >>> ember.func.vmap(lambda a, b: a * b, in_dims=(1, None))(x, ember.tensor(10.))
    tensor([[10., 30.],
            [20., 40.]])
    """
    if randomness not in ('error', 'different', 'same'):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    name = _name(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        flat_args, args_spec, flat_dims, size = _mapped_inputs(name, in_dims, args)
        results = []
        with _randomness(randomness) as before_slice:
            for b in range(size):
                before_slice()
                sliced = [a if d is None else a.select(d, b) for a, d in zip(flat_args, flat_dims)]
                results.append(func(*_tree.unflatten(sliced, args_spec), **kwargs))
        return _stack_outputs(name, results, out_dims)
    return wrapper


def _mapped_inputs(name, in_dims, args):
    from .._tensor import Tensor
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(f'vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` '
                         'to be int or a (potentially nested) tuple matching the structure of '
                         f'inputs, got: {type(in_dims)}.')
    if not args:
        raise ValueError(f'vmap({name})(<inputs>): got no inputs. Maybe you forgot to add '
                         'inputs, or you are trying to vmap over a function with no inputs. '
                         'The latter is unsupported.')
    flat_args, args_spec = _tree.flatten(args)
    prefix = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
    try:
        flat_dims = _tree.broadcast_prefix(prefix, args, _is_dim)
    except ValueError:
        raise ValueError(f'vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not '
                         'compatible with the structure of `inputs`. in_dims has structure '
                         f'{_tree.flatten(in_dims)[1]} but inputs has structure {args_spec}.'
                         ) from None
    sizes = []
    for i, (arg, dim) in enumerate(zip(flat_args, flat_dims)):
        if dim is None:
            continue
        where = f'vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={dim} for '
        if not isinstance(arg, Tensor):
            raise ValueError(f'{where}an input but the input is of type {type(arg)}. We cannot '
                             'vmap over non-Tensor arguments, please use None as the respective '
                             'in_dim')
        nd = arg.dim()
        if not -nd <= dim < nd:
            raise ValueError(f'{where}some input, but that input is a Tensor of dimensionality '
                             f'{nd} so expected in_dim to satisfy -{nd} <= in_dim < {nd}.')
        flat_dims[i] = dim % nd
        sizes.append(arg.shape[dim])
    if not sizes:
        raise ValueError('vmap: Expected at least one Tensor to vmap over')
    if any(s != sizes[0] for s in sizes):
        raise ValueError('vmap: Expected all tensors to have the same size in the mapped '
                         f'dimension, got sizes {sizes} for the mapped dimension')
    return flat_args, args_spec, flat_dims, sizes[0]


@contextlib.contextmanager
def _randomness(mode):
    """Yields the callable to run before each slice."""
    from .. import random as _random
    if mode == 'different':
        yield lambda: None
        return
    saved = _random.default_generator
    if mode == 'error':
        _random.default_generator = _RandomnessGuard()
        try:
            yield lambda: None
        finally:
            _random.default_generator = saved
        return
    state = saved.get_state()        # 'same': every slice starts from the same state
    yield lambda: saved.set_state(state)


def _stack_outputs(name, results, out_dims):
    from .._tensor import Tensor
    from .._ops.joining import stack
    flat_first, out_spec = _tree.flatten(results[0])
    per_slice = [_tree.flatten(r)[0] for r in results]
    if not (_is_dim(out_dims) or isinstance(out_dims, (tuple, list))):
        raise ValueError(f'vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an int, '
                         'None or a python collection of ints representing where in the '
                         'outputs the vmapped dimension should appear.')
    prefix = out_dims
    if isinstance(out_dims, tuple) and not isinstance(results[0], tuple):
        prefix = out_dims[0] if len(out_dims) == 1 else out_dims
    try:
        flat_dims = _tree.broadcast_prefix(prefix, results[0], _is_dim)
    except ValueError:
        raise ValueError(f'vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not '
                         'compatible with the structure of `outputs`. out_dims has structure '
                         f'{_tree.flatten(out_dims)[1]} but outputs has structure {out_spec}.'
                         ) from None
    stacked = []
    for i, dim in enumerate(flat_dims):
        if dim is None:
            stacked.append(flat_first[i])
            continue
        column = [leaves[i] for leaves in per_slice]
        if not isinstance(column[0], Tensor):
            raise ValueError(f'vmap({name}, ...): `{name}` must only return Tensors, got type '
                             f'{type(column[0])}. Did you mean to set out_dims= to None for '
                             'output?')
        stacked.append(stack(column, dim))
    return _tree.unflatten(stacked, out_spec)
