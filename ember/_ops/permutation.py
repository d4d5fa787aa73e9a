"""Dim-reordering views: transpose, permute, t, movedim and the matrix-transpose
properties (``.T``, ``.mT``, ``.H``, ``.mH``, ``adjoint``), plus their in-place forms.

Every result is a view sharing memory with its input.

>>> ember.zeros(2, 3, 4).permute(2, 0, 1).shape
torch.Size([4, 2, 3])
"""
import operator
import warnings

from ._base import norm_dim
from ._shape_helpers import _dims_arg, _meta_inplace
from .shape import view_of

__all__ = ['transpose', 'swapaxes', 'swapdims', 'permute', 't', 'adjoint', 'movedim',
           'moveaxis']

_index = operator.index


# ------------------------------------------------------------------ transpose / permute
def transpose(input, dim0, dim1):
    """Swap two dims (a view).

    >>> ember.zeros(2, 3).transpose(0, 1).shape
    torch.Size([3, 2])
    """
    x = input._data
    a, b = norm_dim(dim0, x.ndim), norm_dim(dim1, x.ndim)
    return view_of(input, x.swapaxes(a, b) if x.ndim else x.view(), 'TransposeBackward0',
                   _transpose_backward, (a, b))


def _transpose_backward(node, grad):
    a, b = node.ctx
    return transpose(grad, a, b)


swapaxes = swapdims = transpose


def t(input):
    """Transpose a matrix (0-d and 1-d tensors come back unchanged, as views).

    >>> ember.zeros(2, 3).t().shape
    torch.Size([3, 2])
    """
    x = input._data
    if x.ndim > 2:
        raise RuntimeError(f't() expects a tensor with <= 2 dimensions, but self is {x.ndim}D '
                           '(use .transpose(dim0, dim1) or .mT for batches of matrices)')
    return view_of(input, x.T, 'TBackward0', _t_backward)


def _t_backward(node, grad):
    return t(grad)


def permute(input, *dims_args, dims=None):
    """Reorder the dims (a view).

    >>> ember.zeros(2, 3, 4).permute(2, 0, 1).shape
    torch.Size([4, 2, 3])
    """
    x = input._data
    dims = _dims_arg(dims_args if dims is None else (dims,), 'permute')
    try:
        if len(dims) != x.ndim:
            raise ValueError
        arr = x.transpose(dims)
    except ValueError:                   # numpy.AxisError is a ValueError
        _check_permutation(dims, x.ndim)
        raise
    return view_of(input, arr, 'PermuteBackward0', _permute_backward, dims)


def _check_permutation(dims, n):
    if len(dims) != n:
        raise RuntimeError(f'permute(sparse_coo): number of dimensions in the tensor input does '
                           f'not match the length of the desired ordering of dimensions i.e. '
                           f'input.dim() = {n} is not equal to len(dims) = {len(dims)}')
    dims = [norm_dim(d, n) for d in dims]
    if len(set(dims)) != len(dims):
        raise RuntimeError('permute(): duplicate dims are not allowed.')


def _permute_backward(node, grad):
    n = len(node.ctx)
    inv = [0] * n
    for i, d in enumerate(node.ctx):
        inv[d % n] = i
    return permute(grad, inv)


def movedim(input, source, destination):
    """Move dims ``source`` to positions ``destination`` (ints or tuples); a view.

    >>> ember.zeros(2, 3, 4).movedim(0, -1).shape
    torch.Size([3, 4, 2])
    """
    n = input._data.ndim
    src = list(source) if isinstance(source, (tuple, list)) else [source]
    dst = list(destination) if isinstance(destination, (tuple, list)) else [destination]
    if len(src) != len(dst):
        raise RuntimeError(f'movedim: Invalid source or destination dims: source ({src} dims) '
                           f'should contain the same number of dims as destination ({dst} dims)')
    s = [norm_dim(_index(d), n) for d in src]
    e = [norm_dim(_index(d), n) for d in dst]
    if len(set(s)) != len(s):
        raise RuntimeError(f'movedim: repeated dim in `source` ({src})')
    if len(set(e)) != len(e):
        raise RuntimeError(f'movedim: repeated dim in `destination` ({dst})')
    order = [d for d in range(n) if d not in s]
    for to, frm in sorted(zip(e, s)):
        order.insert(to, frm)
    return permute(input, order)


moveaxis = movedim


# ------------------------------------------------------------------ matrix transposes
def _warn(msg, stacklevel=3):
    # stacklevel 3: the line that called the op (or read the property) that warns
    warnings.warn(msg, UserWarning, stacklevel=stacklevel)


def _T(input):
    """``x.T``: the dims in reverse order (deprecated by PyTorch for other than 2-d).

    >>> ember.zeros(2, 3).T.shape
    torch.Size([3, 2])
    """
    n = input._data.ndim
    if n != 2:
        if n == 0:
            _warn('Tensor.T is deprecated on 0-D tensors. This function is the identity in these '
                  'cases.')
        else:
            _warn('The use of `x.T` on tensors of dimension other than 2 to reverse their shape is '
                  'deprecated and it will throw an error in a future release. Consider `x.mT` to '
                  'transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` '
                  'to reverse the dimensions of a tensor.')
    return permute(input, tuple(range(n - 1, -1, -1)))


def _matrix_transpose(input, name, zero_d_warning):
    """``transpose(-2, -1)`` for ``.mT``, ``.mH`` and ``adjoint()``: PyTorch's warning and the
    identity on 0-d tensors, an error on 1-d ones."""
    n = input._data.ndim
    if n < 2:
        if n == 0:
            _warn(zero_d_warning, stacklevel=4)
            return input
        raise RuntimeError(f'{name} is only supported on matrices or batches of matrices. Got '
                           '1-D tensor.')
    return transpose(input, -2, -1)


def _mT(input):
    """``x.mT``: each matrix of a batch transposed.

    >>> ember.zeros(5, 2, 3).mT.shape
    torch.Size([5, 3, 2])
    """
    return _matrix_transpose(input, 'tensor.mT', 'Tensor.mT is deprecated on 0-D tensors. This '
                             'function is the identity in these cases.')


def _mH(input):
    """``x.mH``: each matrix of a batch conjugate-transposed (real tensors: ``x.mT``).

    >>> ember.zeros(5, 2, 3).mH.shape
    torch.Size([5, 3, 2])
    """
    return _matrix_transpose(input, 'tensor.mH', 'Tensor.mH is deprecated on 0-D tensors. '
                             'Consider using x.conj().')


def _H(input):
    """``x.H``: the conjugate transpose of a matrix (real tensors: ``x.T``).

    >>> ember.zeros(2, 3).H.shape
    torch.Size([3, 2])
    """
    n = input._data.ndim
    if n == 0:
        _warn('Tensor.H is deprecated on 0-D tensors. Consider using x.conj().')
        return input
    if n != 2:
        hint = ' For batches of matrices, consider using tensor.mH' if n > 2 else ''
        raise RuntimeError(f'tensor.H is only supported on matrices (2-D tensors). Got {n}-D '
                           f'tensor.{hint}')
    return transpose(input, 0, 1)


def adjoint(input):
    """The conjugate transpose of the last two dims (for real tensors: ``transpose(-2, -1)``).

    >>> ember.zeros(2, 3).adjoint().shape
    torch.Size([3, 2])
    """
    return _matrix_transpose(input, 'tensor.adjoint()', 'adjoint() is deprecated on 0-D '
                             'tensors. Consider using x.conj().')


# ------------------------------------------------------------------ in-place forms
def _swapped(op):
    return f'ember.zeros(2, 3).{op}(0, 1).shape\n    torch.Size([3, 2])'


transpose_ = _meta_inplace(transpose, 'transpose_', 'TransposeBackward1', _swapped('transpose_'))
swapaxes_ = _meta_inplace(transpose, 'swapaxes_', 'TransposeBackward1', _swapped('swapaxes_'))
swapdims_ = _meta_inplace(transpose, 'swapdims_', 'TransposeBackward1', _swapped('swapdims_'))
t_ = _meta_inplace(t, 't_', 'TBackward1', 'ember.zeros(2, 3).t_().shape\n    torch.Size([3, 2])')


METHODS = {'transpose': transpose, 'swapaxes': swapaxes, 'swapdims': swapdims, 't': t,
           'permute': permute, 'adjoint': adjoint, 'movedim': movedim, 'moveaxis': moveaxis,
           'transpose_': transpose_, 'swapaxes_': swapaxes_, 'swapdims_': swapdims_, 't_': t_,
           'T': property(_T), 'mT': property(_mT), 'mH': property(_mH), 'H': property(_H)}
