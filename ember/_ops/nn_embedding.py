"""Embedding lookup (``embedding``, ``embedding_renorm_``) and ``one_hot``.

``embedding(input, weight)`` gathers rows of ``weight`` (EmbeddingBackward0). Its gradient
scatters the output gradient back into a zero ``(num_embeddings, dim)`` matrix, skipping
``padding_idx`` and dividing by each index's count with ``scale_grad_by_freq``; that scatter
is itself an operator whose gradient is a lookup again, so every order works. As in PyTorch,
the second-order gradient ignores ``scale_grad_by_freq``.

>>> w = ember.tensor([[0., 0.], [1., 2.], [3., 4.]])
>>> ember.nn.functional.embedding(ember.tensor([2, 1]), w)
tensor([[3., 4.],
        [1., 2.]])
"""
import inspect

from ._base import Tensor, wrap, record, xp_of, np, bump_version
from ._elementwise import not_a_tensor, quietly
from .._dtype import FLOATING

__all__ = ['embedding', 'embedding_renorm_']
METHODS = {}
FUNCTIONAL = ['embedding', 'one_hot']

_TYPE_NAMES = {'float32': 'FloatTensor', 'float64': 'DoubleTensor', 'float16': 'HalfTensor',
               'int16': 'ShortTensor', 'int8': 'CharTensor', 'uint8': 'ByteTensor',
               'bool': 'BoolTensor', 'int32': 'IntTensor', 'int64': 'LongTensor'}


def _check_indices(indices, op, arg='#1 \'indices\''):
    if not isinstance(indices, Tensor):
        raise not_a_tensor(indices, op, 'indices')
    idx = indices._data
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            f'Expected tensor for argument {arg} to have one of the following scalar types: '
            f'Long, Int; but got torch.{_TYPE_NAMES.get(idx.dtype.name, idx.dtype.name)} '
            f'instead (while checking arguments for {op}) (indices must be whole numbers: '
            'use .long())')
    return idx


def _check_weight(weight, op):
    if not isinstance(weight, Tensor):
        raise not_a_tensor(weight, op, 'weight')
    if weight._data.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D (got shape {list(weight._data.shape)}; "
                           f'{op} needs a (num_embeddings, embedding_dim) matrix)')
    return weight._data


def _out_of_range(idx, n):
    bad = idx[(idx < 0) | (idx >= n)]
    v = int(bad.reshape(-1)[0])
    return IndexError(
        f'index out of range in self (index {v} with num_embeddings={n}: valid indices are '
        f'0..{n - 1}; make the Embedding larger or map the ids into range)')


def _embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """PyTorch's ``torch.embedding``: padding_idx -1 means none."""
    if sparse:
        raise NotImplementedError('embedding(sparse=True): ember has no sparse tensors; use '
                                  'sparse=False (the dense gradient has the same values)')
    w = _check_weight(weight, 'embedding')
    idx = _check_indices(indices, 'embedding')
    n = w.shape[0]
    if idx.size:
        if idx.min() < 0 or idx.max() >= n:
            raise _out_of_range(idx, n)
    res = wrap(w.take(idx, axis=0) if idx.ndim else w[int(idx)].copy())
    if weight._rg:
        record(res, 'EmbeddingBackward0', _embedding_backward, (weight, indices), (indices,),
               ctx=(n, padding_idx, scale_grad_by_freq))
    return res


def _embedding_backward(node, grad):
    (indices,) = node.saved()
    n, padding_idx, scale = node.ctx
    return _dense_backward(grad, indices, n, padding_idx, scale), None


def _dense_backward(grad, indices, num_weights, padding_idx, scale_grad_by_freq):
    """The weight gradient of an embedding lookup (EmbeddingDenseBackwardBackward0)."""
    g = grad._data
    xp = xp_of(g)
    d = g.shape[-1]
    g2 = g.reshape(-1, d)
    idx = indices._data.reshape(-1)
    if padding_idx >= 0:
        keep = idx != padding_idx
        if not keep.all():
            g2 = g2[keep]
            idx = idx[keep]
    if scale_grad_by_freq and idx.size:
        counts = xp.bincount(indices._data.reshape(-1), minlength=num_weights)
        g2 = g2 * (1.0 / counts[idx]).astype(g.dtype)[:, None]
    out = xp.zeros((num_weights, d), g.dtype)
    if idx.size and d:
        # one flat add.at over element positions: NumPy's fast 1-d path (5x the 2-d one),
        # accumulating repeated rows in order
        flat = (idx.astype(np.int64)[:, None] * d + xp.arange(d)).reshape(-1)
        xp.add.at(out.reshape(-1), flat, g2.reshape(-1))
    res = wrap(out)
    if grad._rg:
        record(res, 'EmbeddingDenseBackwardBackward0', _dense_backward_backward, (grad,),
               (indices,), ctx=(num_weights, padding_idx))
    return res


def _dense_backward_backward(node, gg):
    (indices,) = node.saved()
    n, padding_idx = node.ctx
    return _lookup_masked(gg, indices, n, padding_idx)


def _lookup_masked(weight, indices, n, padding_idx):
    """Rows of ``weight`` at ``indices``, zero where the index is ``padding_idx``."""
    w = weight._data
    idx = indices._data
    out = w.take(idx, axis=0)
    if padding_idx >= 0:
        out[idx == padding_idx] = 0
    res = wrap(out)
    if weight._rg:
        record(res, 'EmbeddingBackward0', _lookup_masked_backward, (weight,), (indices,),
               ctx=(n, padding_idx))
    return res


def _lookup_masked_backward(node, grad):
    (indices,) = node.saved()
    n, padding_idx = node.ctx
    return _dense_backward(grad, indices, n, padding_idx, False)


def embedding_renorm_(input, indices, max_norm, norm_type):
    """Rescale in place the rows of ``input`` named in ``indices`` whose ``norm_type``-norm
    exceeds ``max_norm`` to norm ``max_norm`` (PyTorch's ``torch.embedding_renorm_``).

    >>> w = ember.tensor([[3., 4.], [0.3, 0.4]])
    >>> ember.embedding_renorm_(w, ember.tensor([0, 1]), 1.0, 2.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    w = input._data
    if w.ndim != 2:
        raise RuntimeError(f'embedding_renorm_(): Expected 2-dimensional tensor, but got '
                           f'{w.ndim}-dimensional tensor for argument #1 \'self\' (while '
                           'checking arguments for embedding_renorm_)')
    idx = _check_indices(indices, 'embedding_renorm_', "#2 'indices'")
    xp = xp_of(w)
    rows = xp.unique(idx.reshape(-1))
    if rows.size == 0:
        return input
    n = w.shape[0]
    if rows[0] < 0 or rows[-1] >= n:
        v = int(rows[0] if rows[0] < 0 else rows[-1])
        raise IndexError(f'select(): index {v} out of range for tensor of size '
                         f'[{n}, {w.shape[1]}] at dimension 0 (embedding with max_norm: valid '
                         f'indices are 0..{n - 1})')
    sel = w[rows]
    with quietly():             # an inf row: its norm is inf and the row becomes nan, silently
        norms = _row_norms(sel, float(norm_type)).astype(w.dtype).astype(np.float64)
        big = norms > max_norm
        if big.any():
            scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
            w[rows[big]] = sel[big] * scale[:, None]
        bump_version(input)
    return input


def _row_norms(a, p):
    a = np.abs(a.astype(np.float64))
    if p == 2:
        return np.sqrt(np.einsum('ij,ij->i', a, a))
    if p == 1:
        return a.sum(1)
    if p == float('inf'):
        return a.max(1) if a.shape[1] else np.zeros(a.shape[0])
    if p == float('-inf'):
        return a.min(1) if a.shape[1] else np.full(a.shape[0], np.inf)
    if p == 0:
        return (a != 0).sum(1).astype(np.float64)
    return (a ** p).sum(1) ** (1.0 / p)


def _f_embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False):
    if not isinstance(weight, Tensor):
        raise not_a_tensor(weight, 'embedding', 'weight')
    if sparse:                      # before max_norm touches the weight
        return _embedding(weight, input, -1, scale_grad_by_freq, sparse)
    if padding_idx is not None:
        n = weight.shape[0] if weight.dim() else 0
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError(f'Padding_idx must be within num_embeddings (got '
                                     f'padding_idx={padding_idx} with num_embeddings={n})')
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError(f'Padding_idx must be within num_embeddings (got '
                                     f'padding_idx={padding_idx} with num_embeddings={n})')
            padding_idx = n + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        input = input.contiguous()
        embedding_renorm_(weight, input, max_norm, norm_type)
    return _embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


def embedding(*args, **kwargs):
    """Look up rows of an embedding matrix.

    ``F.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
    scale_grad_by_freq=False, sparse=False)``: ``input`` holds integer indices, the result
    has shape ``input.shape + (embedding_dim,)``. PyTorch's top-level
    ``torch.embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False,
    sparse=False)`` (weight first) is recognised by its float first argument.
    ``padding_idx`` rows get no gradient; ``max_norm`` renormalizes the looked-up rows of
    ``weight`` in place first.

    >>> ember.nn.functional.embedding(ember.tensor([1]), ember.tensor([[0., 1.], [2., 3.]]))
    tensor([[2., 3.]])
    """
    if 'indices' in kwargs or (len(args) >= 2 and isinstance(args[0], Tensor)
                               and isinstance(args[1], Tensor)
                               and args[0]._data.dtype in FLOATING
                               and args[1]._data.dtype.kind in 'iu'):
        return _embedding(*args, **kwargs)
    return _f_embedding(*args, **kwargs)


embedding.__signature__ = inspect.signature(_f_embedding)


def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding: ``tensor.shape + (num_classes,)`` with a 1 at each class
    index; ``num_classes=-1`` uses ``tensor.max() + 1``.

    >>> ember.nn.functional.one_hot(ember.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if not isinstance(tensor, Tensor):
        raise not_a_tensor(tensor, 'one_hot', 'tensor')
    idx = tensor._data
    xp = xp_of(idx)
    if idx.dtype != np.int64:
        raise RuntimeError('one_hot is only applicable to index tensor of type LongTensor. '
                           f'(got {idx.dtype.name}: convert the class indices with .long())')
    num_classes = int(num_classes)
    if idx.size == 0:
        if num_classes <= 0:
            raise RuntimeError('Can not infer total number of classes from empty tensor. '
                               '(pass num_classes explicitly)')
        return wrap(xp.zeros(idx.shape + (num_classes,), np.int64))
    lo, hi = int(idx.min()), int(idx.max())
    if lo < 0:
        raise RuntimeError(f'Class values must be non-negative. (found {lo})')
    if num_classes == -1:
        num_classes = hi + 1
    elif num_classes <= hi:
        raise RuntimeError(f'Class values must be smaller than num_classes. (found class {hi} '
                           f'with num_classes={num_classes})')
    out = xp.zeros(idx.shape + (num_classes,), np.int64)
    xp.put_along_axis(out, idx[..., None], 1, axis=-1)
    return wrap(out)
