"""Higher-level autograd helpers on whole functions: jacobian, hessian, vjp, jvp, hvp, vhp.

Everything is built on :func:`ember.autograd.grad`; forward-mode products (``jvp``, ``hvp``)
use the double-backward trick, as ``torch.autograd.functional`` does.

>>> from ember.autograd.functional import jacobian
>>> jacobian(lambda x: x ** 2, ember.tensor([1., 2.]))
tensor([[2., 0.],
        [0., 4.]])
"""
from .grad_mode import enable_grad, set_grad_enabled, is_grad_enabled

__all__ = ['vjp', 'jvp', 'jacobian', 'hessian', 'hvp', 'vhp']


def _tensor_type():
    from .._tensor import Tensor
    return Tensor


def _as_tuple(value, arg_name, fn_name):
    """(was_a_tuple, tuple_of_tensors); anything else than Tensors raises TypeError."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    Tensor = _tensor_type()
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = (f'the value at index {i} has type {type(el)}' if is_tuple
                     else f'the given {arg_name} has type {type(el)}')
            raise TypeError(f'The {arg_name} given to {fn_name} must be either a Tensor or a '
                            f'tuple of Tensors but {where}.')
    return is_tuple, items


def _unpack(res, was_tuple):
    """Undo :func:`_as_tuple`: ``was_tuple`` is a bool, or (outer, inner) for nested results."""
    if isinstance(was_tuple, tuple):
        outer, inner = was_tuple
        if not inner:
            res = tuple(el[0] for el in res)
        return res if outer else res[0]
    return res if was_tuple else res[0]


def _preprocess(inputs, create_graph, need_graph):
    """Fresh tensors for the user function: a differentiable view when the caller wants a
    graph through the inputs, else detached copies that require grad if ``need_graph``."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad
                 else t.detach().requires_grad_(need_graph) for t in inputs)


def _postprocess(values, create_graph):
    if create_graph:
        return values
    if isinstance(values[0], _tensor_type()):
        return tuple(t.detach() for t in values)
    return tuple(_postprocess(v, create_graph) for v in values)


def _validate_v(v, other, other_is_tuple):
    if len(other) != len(v):
        if other_is_tuple:
            raise RuntimeError(f'v is a tuple of invalid length: should be {len(other)} but '
                               f'got {len(v)}.')
        raise RuntimeError('The given v should contain a single Tensor.')
    for i, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.size() != el_other.size():
            prefix = f'Entry {i} in ' if other_is_tuple else ''
            raise RuntimeError(f'{prefix}v has invalid size: should be {el_other.size()} but '
                               f'got {el_v.size()}.')


_NOT_DIFFERENTIABLE = {
    'hessian': ('The hessian of the user-provided function with respect to input {i} is '
                'independent of the input. This is not allowed in strict mode. You should '
                'ensure that your function is thrice differentiable and that the hessian '
                'depends on the inputs.'),
    'jacobian': ('While computing the hessian, found that the jacobian of the user-provided '
                 'function with respect to input {i} is independent of the input. This is not '
                 'allowed in strict mode. You should ensure that your function is twice '
                 'differentiable and that the jacobian depends on the inputs (this would be '
                 'violated by a linear function for example).'),
    'grad_inputs': ('The gradient with respect to input {i} is independent of the inputs of '
                    'the user-provided function. This is not allowed in strict mode.'),
    'outputs': ('Output {i} of the user-provided function does not require gradients. The '
                'outputs must be computed in a differentiable manner from the input when '
                'running in strict mode.'),
}


def _check_requires_grad(values, kind, strict):
    """In strict mode, every value must exist and carry a graph (``kind`` picks the message)."""
    if not strict:
        return
    for i, t in enumerate(values):
        if t is None:
            raise RuntimeError(f'The output of the user-provided function is independent of '
                               f'input {i}. This is not allowed in strict mode.')
        if not t.requires_grad:
            raise RuntimeError(_NOT_DIFFERENTIABLE[kind].format(i=i))


def _grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """``autograd.grad`` that skips outputs without a graph and allows unused inputs."""
    from . import grad
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gouts = zip(*pairs)
    return grad(outs, inputs, gouts, allow_unused=True, create_graph=create_graph,
                retain_graph=retain_graph)


_MISSING = {
    'back': ('The output of the user-provided function is independent of input {i}. This is '
             'not allowed in strict mode.'),
    'back_trick': ('The gradient with respect to the input is independent of entry {i} in the '
                   'grad_outputs when using the double backward trick to compute forward mode '
                   'gradients. This is not allowed in strict mode.'),
    'double_back': ('The jacobian of the user-provided function is independent of input {i}. '
                    'This is not allowed in strict mode.'),
    'double_back_trick': ('The hessian of the user-provided function is independent of entry '
                          '{i} in the grad_jacobian. This is not allowed in strict mode as it '
                          'prevents from using the double backward trick to replace forward '
                          'mode AD.'),
}


def _fill_in_zeros(grads, refs, strict, create_graph, stage):
    """Replace missing gradients by zeros shaped like ``refs`` (or raise in strict mode)."""
    from .._ops.creation import zeros_like
    res = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_MISSING[stage].format(i=i))
            g = zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = 'hessian' if 'double' in stage else 'jacobian'
            raise RuntimeError(f'The {what} of the user-provided function is independent of '
                               f'input {i}. This is not allowed in strict mode when '
                               'create_graph=True.')
        res.append(g)
    return tuple(res)


def _v_or_scalar(v, refs, refs_are_tuple, create_graph, fn_name, what):
    """Check ``v`` against ``refs``; None is only allowed for a single one-element ref."""
    if v is not None:
        _, v = _as_tuple(v, 'v', fn_name)
        v = _preprocess(v, create_graph, need_graph=False)
        _validate_v(v, refs, refs_are_tuple)
        return v
    if len(refs) != 1 or refs[0].nelement() != 1:
        raise RuntimeError(f'The vector v can only be None if {what} a single Tensor with a '
                           'single element.')
    return None


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``: the vector-Jacobian product at ``inputs``.

    >>> from ember.autograd.functional import vjp
    >>> vjp(lambda x: x * 3, ember.tensor([1., 2.]), ember.tensor([1., 1.]))
    (tensor([3., 6.]), tensor([3., 3.]))
    """
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, 'inputs', 'vjp')
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        outputs_tuple, outputs = _as_tuple(outputs, 'outputs of the user-provided function',
                                           'vjp')
        _check_requires_grad(outputs, 'outputs', strict)
        v = _v_or_scalar(v, outputs, outputs_tuple, create_graph, 'vjp',
                         'the user-provided function returns')
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, 'back')
    return (_unpack(_postprocess(outputs, create_graph), outputs_tuple),
            _unpack(_postprocess(result, create_graph), inputs_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``: the Jacobian-vector product, by the double-backward trick.

    >>> from ember.autograd.functional import jvp
    >>> jvp(lambda x: x ** 2, ember.tensor([1., 2.]), ember.tensor([1., 1.]))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    from .._ops.creation import zeros_like
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, 'inputs', 'jvp')
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _v_or_scalar(v, inputs, inputs_tuple, create_graph, 'jvp',
                         'the input to the user-provided function is')
        outputs = func(*inputs)
        outputs_tuple, outputs = _as_tuple(outputs, 'outputs of the user-provided function',
                                           'jvp')
        _check_requires_grad(outputs, 'outputs', strict)
        # The backward is linear in grad_outputs, so their value (zeros) never shows up in
        # the result: only their graph does.
        grad_outputs = tuple(zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, 'grad_inputs', strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grad(grad_inputs, grad_outputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, outputs, strict, create_graph, 'back_trick')
    return (_unpack(_postprocess(outputs, create_graph), outputs_tuple),
            _unpack(_postprocess(result, create_graph), outputs_tuple))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy='reverse-mode'):
    """The Jacobian of ``func`` at ``inputs``: shape ``output.shape + input.shape``, nested
    ``[output][input]`` when either is a tuple. ``vectorize=True`` gives the same result
    (ember runs the same loop).

    >>> from ember.autograd.functional import jacobian
    >>> jacobian(lambda x, y: x * y, (ember.tensor([1., 2.]), ember.tensor([3., 4.])))
    (tensor([[3., 0.],
            [0., 4.]]), tensor([[1., 0.],
            [0., 2.]]))
    """
    if strategy not in ('forward-mode', 'reverse-mode'):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". '
                             'Hint: If your function has more outputs than inputs, '
                             '"forward-mode" tends to be more performant. Otherwise, prefer to '
                             'use "reverse-mode".')
    if strategy == 'forward-mode':
        if create_graph:
            raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` '
                                      'and `strategy="forward-mode"` are not supported together '
                                      '(yet). Please either set `create_graph=False` or '
                                      '`strategy="reverse-mode"`.')
        if strict:
            raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and '
                               '`strategy="forward-mode"` are not supported together (yet). '
                               'Please either set `strict=False` or `strategy="reverse-mode"`.')
        _as_tuple(inputs, 'inputs', 'jacobian')
        if not vectorize:
            raise NotImplementedError('Computing Jacobian using forward-AD or forward-over-'
                                      'reverse Hessian isonly implemented for `vectorize=True`.')
        # Same values by reverse mode; torch's forward-mode path nests its result in lists.
        jac = jacobian(func, inputs, vectorize=True)
        return _as_lists(jac) if isinstance(inputs, tuple) else jac
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, 'inputs', 'jacobian')
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        outputs_tuple, outputs = _as_tuple(outputs, 'outputs of the user-provided function',
                                           'jacobian')
        _check_requires_grad(outputs, 'outputs', strict)
        if vectorize and strict:
            raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and '
                               '`vectorized=True` are not supported together. Please either '
                               'set `strict=False` or `vectorize=False`.')
        jac = tuple(_jacobian_rows(i, out, inputs, create_graph, strict)
                    for i, out in enumerate(outputs))
        return _unpack(_postprocess(jac, create_graph), (outputs_tuple, inputs_tuple))


def _as_lists(nested):
    return [_as_lists(v) if isinstance(v, tuple) else v for v in nested]


def _jacobian_rows(i, out, inputs, create_graph, strict):
    """d out / d each input, one backward per element of ``out``."""
    from .._ops.creation import zeros_like
    from .._ops.joining import stack
    rows = tuple([] for _ in inputs)
    flat = out.reshape(-1)
    for j in range(out.nelement()):
        grads = _grad((flat[j],), inputs, retain_graph=True, create_graph=create_graph)
        for k, (g, inp) in enumerate(zip(grads, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(f'Output {i} of the user-provided function is '
                                       f'independent of input {k}. This is not allowed in '
                                       'strict mode.')
                g = zeros_like(inp)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(f'The jacobian of the user-provided function is independent '
                                   f'of input {i}. This is not allowed in strict mode when '
                                   'create_graph=True.')
            rows[k].append(g)
    if out.nelement() == 0:
        return tuple(out.new_zeros(tuple(out.shape) + tuple(inp.shape)) for inp in inputs)
    return tuple(stack(r, 0).view(tuple(out.shape) + tuple(inp.shape))
                 for r, inp in zip(rows, inputs))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy='reverse-mode'):
    """The Hessian of a scalar ``func`` at ``inputs`` (nested ``[input][input]`` for tuples).

    >>> from ember.autograd.functional import hessian
    >>> hessian(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    inputs_tuple, inputs = _as_tuple(inputs, 'inputs', 'hessian')
    if outer_jacobian_strategy not in ('forward-mode', 'reverse-mode'):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    Tensor = _tensor_type()

    def single_output(*inp):
        out = func(*inp)
        out_tuple, outs = _as_tuple(out, 'outputs of the user-provided function', 'hessian')
        _check_requires_grad(outs, 'outputs', strict)
        if out_tuple or not isinstance(out, Tensor):
            raise RuntimeError('The function given to hessian should return a single Tensor')
        if out.nelement() != 1:
            raise RuntimeError('The Tensor returned by the function given to hessian should '
                               'contain a single element')
        return out.squeeze()

    def jac_func(*inp):
        if outer_jacobian_strategy == 'forward-mode':
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(single_output, inp, create_graph=True)
        _check_requires_grad(jac, 'jacobian', strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack(res, (inputs_tuple, inputs_tuple))


def _scalar_output_and_grad(func, inputs, v, create_graph, strict, fn_name):
    """Shared start of vhp/hvp: run ``func``, check it is a one-element Tensor, and return
    (inputs, v, outputs, outputs_tuple, inputs_tuple, d out / d inputs with a graph)."""
    inputs_tuple, inputs = _as_tuple(inputs, 'inputs', fn_name)
    inputs = _preprocess(inputs, create_graph, need_graph=True)
    v = _v_or_scalar(v, inputs, inputs_tuple, create_graph, fn_name,
                     'the input to the user-provided function is')
    outputs = func(*inputs)
    outputs_tuple, outputs = _as_tuple(outputs, 'outputs of the user-provided function',
                                       fn_name)
    _check_requires_grad(outputs, 'outputs', strict)
    if outputs_tuple or not isinstance(outputs[0], _tensor_type()):
        raise RuntimeError(f'The function given to {fn_name} should return a single Tensor')
    if outputs[0].nelement() != 1:
        raise RuntimeError(f'The Tensor returned by the function given to {fn_name} should '
                           'contain a single element')
    jac = _grad(outputs, inputs, create_graph=True)
    _check_requires_grad(jac, 'jacobian', strict)
    return inputs, v, outputs, outputs_tuple, inputs_tuple, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)`` for a scalar function.

    >>> from ember.autograd.functional import vhp
    >>> vhp(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]), ember.tensor([1., 1.]))
    (tensor(9.), tensor([ 6., 12.]))
    """
    with enable_grad():
        inputs, v, outputs, outputs_tuple, inputs_tuple, jac = _scalar_output_and_grad(
            func, inputs, v, create_graph, strict, 'vhp')
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grad(jac, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, 'double_back')
    return (_unpack(_postprocess(outputs, create_graph), outputs_tuple),
            _unpack(_postprocess(result, create_graph), inputs_tuple))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)`` for a scalar function, by the double-backward trick.

    >>> from ember.autograd.functional import hvp
    >>> hvp(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]), ember.tensor([1., 1.]))
    (tensor(9.), tensor([ 6., 12.]))
    """
    from .._ops.creation import zeros_like
    with enable_grad():
        inputs, v, outputs, outputs_tuple, inputs_tuple, jac = _scalar_output_and_grad(
            func, inputs, v, create_graph, strict, 'hvp')
        grad_jac = tuple(zeros_like(t, requires_grad=True) for t in inputs)
        double_back = _grad(jac, inputs, grad_jac, create_graph=True)
        _check_requires_grad(jac, 'hessian', strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grad(double_back, grad_jac, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, 'double_back_trick')
    return (_unpack(_postprocess(outputs, create_graph), outputs_tuple),
            _unpack(_postprocess(result, create_graph), inputs_tuple))
