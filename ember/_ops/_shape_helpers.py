"""Argument parsing shared by the shape families (shape, permutation, splitting,
rearranging, diagonals, joining), so that PyTorch's messages for a bad int, shape, dim list or
tensor list are written once; and the wrapper that makes ``squeeze_``, ``transpose_`` ... out
of their out-of-place forms."""
import operator

from ._base import Tensor, STATE, norm_dim, bump_version, check_inplace

_index = operator.index


def _as_int(v, op, arg, pos):
    """``v`` as a Python int (ints, NumPy ints, one-element integer tensors), else
    PyTorch's TypeError."""
    try:
        return _index(v)
    except TypeError:
        raise TypeError(f"{op}(): argument '{arg}' (position {pos}) must be int, not "
                        f'{type(v).__name__}') from None


def _shape_args(shape, op='view'):
    """The int tuple of ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(torch.Size)``."""
    if len(shape) == 1 and shape[0].__class__ is not int and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    try:
        return tuple(map(_index, shape))
    except TypeError:
        for i, s in enumerate(shape):
            try:
                _index(s)
            except TypeError:
                raise TypeError(f"{op}(): argument 'size' (position 1) must be tuple of ints, "
                                f'but found element of type {type(s).__name__} at pos {i}'
                                ) from None
        raise


def _dims_arg(dims, op):
    """``f(0, 1)``, ``f((0, 1))``, ``f([0, 1])`` or ``f(0)`` -> tuple of ints."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    try:
        return tuple(map(_index, dims))
    except TypeError:
        raise TypeError(f"{op}(): argument 'dims' must be tuple of ints, not "
                        f'{type(dims).__name__}') from None


def _norm_dims(dims, ndim):
    """Wrapped dims (sorted), with PyTorch's message for a repeated dim."""
    out = []
    for d in dims:
        w = norm_dim(_index(d), ndim)
        if w in out:
            raise RuntimeError(f'dim {w} appears multiple times in the list of dims')
        out.append(w)
    return tuple(sorted(out))


def _tensor_list(tensors, op):
    """The list of Tensors of a ``tensors`` argument, with PyTorch's TypeErrors."""
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        'Tensor')
    if not isinstance(tensors, (tuple, list)):
        tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f'expected Tensor as element {i} in argument 0, but got '
                            f'{type(t).__name__}')
    return tensors


def _type_word(np_dtype):
    """PyTorch's name of a dtype in messages ('Long', 'Float', ...)."""
    return _TYPE_WORDS.get(str(np_dtype), str(np_dtype))


_TYPE_WORDS = {'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char',
               'uint8': 'Byte', 'bool': 'Bool', 'float32': 'Float', 'float64': 'Double',
               'float16': 'Half', 'bfloat16': 'BFloat16'}


def _write_out(out, res):
    """Copy ``res`` into the ``out=`` tensor and return ``out``."""
    from .arith import _write_out as write    # imported on use: arith loads other op modules
    return write(out, res)


# ------------------------------------------------------------------ in-place shape changes
def _meta_inplace(fn, name, grad_name, example=''):
    """``x.squeeze_()`` and friends: ``x`` itself takes the new shape (same memory).
    ``example`` is the doctest line of the generated docstring."""
    def op_(self, *args, **kwargs):
        check_inplace(self, name)
        res = fn(self, *args, **kwargs)
        self._data = res._data
        bump_version(self)
        node = res.grad_fn
        if node is not None and STATE.enabled:
            node._name = grad_name
            self.grad_fn = node
            self._rg = True
            self._out_nr = 0
        return self
    op_.__name__ = name
    op_.__doc__ = f'In-place ``{fn.__name__}``: changes the shape of ``self`` and returns it.'
    if example:
        op_.__doc__ += f'\n\n    >>> {example}\n    '
    return op_
