"""Variable-length sequences: ``pad_sequence``, ``PackedSequence`` and the packing helpers of
``torch.nn.utils.rnn``.

>>> a, b = ember.ones(3), ember.full((1,), 2.0)
>>> ember.nn.utils.rnn.pad_sequence([a, b], batch_first=True)
tensor([[1., 1., 1.],
        [2., 0., 0.]])
"""
from collections import namedtuple
from collections.abc import Iterable

import numpy as np

from ..._tensor import Tensor

__all__ = ['PackedSequence', 'invert_permutation', 'pack_padded_sequence', 'pad_packed_sequence',
           'pad_sequence', 'unpad_sequence', 'pack_sequence', 'unpack_sequence']


def _ember():
    import ember
    return ember


def _bind(optional, fn):
    return None if optional is None else fn(optional)


class PackedSequence(namedtuple('PackedSequence_',
                                ['data', 'batch_sizes', 'sorted_indices', 'unsorted_indices'])):
    """The packed form of a batch of sequences (time-major ``data`` plus ``batch_sizes``).

    Build one with :func:`pack_sequence` or :func:`pack_padded_sequence`.

    >>> p = ember.nn.utils.rnn.pack_sequence([ember.ones(2), ember.ones(1)]); p.batch_sizes
    tensor([2, 1])
    """

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(data, batch_sizes,
                                                                 sorted_indices,
                                                                 unsorted_indices))

    def pin_memory(self):
        return type(self)(self.data.pin_memory(), self.batch_sizes,
                          _bind(self.sorted_indices, lambda t: t.pin_memory()),
                          _bind(self.unsorted_indices, lambda t: t.pin_memory()))

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        non_blocking = kwargs.get('non_blocking', False)

        def call_to(t):
            return t.to(data.device, non_blocking=non_blocking)
        return type(self)(data, self.batch_sizes, _bind(self.sorted_indices, call_to),
                          _bind(self.unsorted_indices, call_to))

    def cuda(self, *args, **kwargs):
        kwargs.setdefault('device', 'cuda')
        if args:
            kwargs['device'] = args[0] if not isinstance(args[0], int) else f'cuda:{args[0]}'
        return self.to(**kwargs)

    def cpu(self, *args, **kwargs):
        return self.to(device='cpu', **kwargs)

    def double(self):
        return self.to(dtype=_ember().double)

    def float(self):
        return self.to(dtype=_ember().float)

    def half(self):
        return self.to(dtype=_ember().half)

    def long(self):
        return self.to(dtype=_ember().long)

    def int(self):
        return self.to(dtype=_ember().int)

    def short(self):
        return self.to(dtype=_ember().short)

    def char(self):
        return self.to(dtype=_ember().int8)

    def byte(self):
        return self.to(dtype=_ember().uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return self.data.is_pinned()


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None,
                               unsorted_indices=None):
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        if batch_sizes.device.type != 'cpu':
            raise ValueError(
                'batch_sizes should always be on CPU. Instances of PackedSequence should never '
                'be created manually. They should be instantiated by functions like '
                'pack_sequence and pack_padded_sequences in nn.utils.rnn. '
                'https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence')
        return data, batch_sizes, sorted_indices, unsorted_indices
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError('Expected data to be a list or tuple of length 2')
    return data[0], data[1], sorted_indices, unsorted_indices


def invert_permutation(permutation):
    """The inverse of a permutation tensor (``None`` stays ``None``).

    >>> ember.nn.utils.rnn.invert_permutation(ember.tensor([2, 0, 1]))
    tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    E = _ember()
    output = E.empty_like(permutation)
    output.scatter_(0, permutation, E.arange(0, permutation.numel(), device=permutation.device))
    return output


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side='right'):
    """Stack tensors of shape ``(L_i, *)`` into ``(max L, B, *)`` (or ``(B, max L, *)`` with
    ``batch_first``), filling with ``padding_value`` on ``padding_side`` ('right' or 'left').

    The result has the first sequence's dtype; gradients flow back to every sequence.

    >>> ember.nn.utils.rnn.pad_sequence([ember.ones(2), ember.ones(1)], padding_side='left')
    tensor([[1., 0.],
            [1., 1.]])
    """
    if not isinstance(sequences, Iterable):
        raise RuntimeError('pad_sequence: Expected iterable for input sequences, but got arg of '
                           f'type: {type(sequences)}')
    sequences = tuple(sequences)
    if len(sequences) == 0:
        raise RuntimeError('received an empty list of sequences (pad_sequence needs at least '
                           'one tensor)')
    if padding_side not in ('left', 'right'):
        raise RuntimeError('Expected padding_side to be one of left or right, but got '
                           f'{padding_side}.')
    first = sequences[0]
    if first.dim() == 0:
        raise RuntimeError('ArrayRef: invalid slice, N = 1; size = 0 (pad_sequence needs '
                           'tensors with at least one dimension, the sequence length)')
    trailing = tuple(first.shape[1:])
    lengths = []
    for i, seq in enumerate(sequences):
        if seq.dim() == 0:
            raise RuntimeError(f'sequence {i} is a 0-d tensor: pad_sequence needs tensors of '
                               'shape (L, *), the first dimension being the sequence length')
        lengths.append(seq.shape[0])
        if tuple(seq.shape[1:]) != trailing:
            _check_copy_broadcast((seq.shape[0],) + trailing, tuple(seq.shape), i)
    n, max_len = len(sequences), max(lengths)
    E = _ember()
    if batch_first:
        out = E.full((n, max_len) + trailing, padding_value, dtype=first.dtype,
                     device=first.device)
    else:
        out = E.full((max_len, n) + trailing, padding_value, dtype=first.dtype,
                     device=first.device)
    left = padding_side == 'left'
    for i, (s, length) in enumerate(zip(sequences, lengths)):
        start = max_len - length if left else 0
        if batch_first:
            out[i, start:start + length] = s
        else:
            out[start:start + length, i] = s
    return out


def _check_copy_broadcast(target, src, i):
    """PyTorch copies each sequence into its slot with broadcasting; same check and message."""
    nd = max(len(target), len(src))
    a = (1,) * (nd - len(target)) + target
    b = (1,) * (nd - len(src)) + src
    for d in range(nd - 1, -1, -1):
        if a[d] != b[d] and b[d] != 1:
            raise RuntimeError(
                f'The size of tensor a ({a[d]}) must match the size of tensor b ({b[d]}) at '
                f'non-singleton dimension {d} (sequence {i} has shape {src}, but every sequence '
                f'must be (L, *{target[1:]}) like the first)')
    if len(src) > len(target):
        raise RuntimeError(f'sequence {i} has shape {src}, which cannot be copied into a slot '
                           f'of shape {target}')


def _check_lengths(lengths):
    if lengths.dim() != 1 or lengths.device.type != 'cpu' or lengths.dtype != _ember().int64:
        kind = {'int64': 'Long', 'int32': 'Int'}.get(str(lengths.dtype).split('.')[-1],
                                                      str(lengths.dtype))
        raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got "
                           f'{lengths.dim()}D {lengths.device.type} {kind} tensor')


def _pack_padded(input, lengths, batch_first):
    _check_lengths(lengths)
    if batch_first:
        input = input.transpose(0, 1)
    if input.numel() == 0:
        raise RuntimeError('Cannot pack empty tensors.')
    batch_size = input.size(1)
    lens = np.asarray(lengths.tolist(), dtype=np.int64)
    if lens.shape[0] != batch_size:
        raise RuntimeError(f'Expected `len(lengths)` to be equal to batch_size, but got '
                           f'{lens.shape[0]} (batch_size={batch_size})')
    if lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element "
                           "in 'lengths' that is <= 0")
    if np.any(lens[1:] > lens[:-1]):
        raise RuntimeError(
            '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. '
            'You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to '
            'sidestep this requirement if you do not need ONNX exportability.')
    if lens[0] > input.size(0):
        raise RuntimeError(f'the longest length in `lengths` is {int(lens[0])} but the padded '
                           f'input has only {input.size(0)} time steps (shape '
                           f'{tuple(input.shape)}, batch_first={batch_first})')
    steps = np.arange(int(lens[0]))
    batch_sizes = (lens[None, :] > steps[:, None]).sum(1)
    mask = lens[None, :] > steps[:, None]                  # (T, B), time-major like the data
    t_idx, b_idx = np.nonzero(mask)
    E = _ember()
    data = input[E.as_tensor(t_idx, device=input.device), E.as_tensor(b_idx, device=input.device)]
    return data, E.as_tensor(batch_sizes.astype(np.int64))


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch ``(T, B, *)`` (or ``(B, T, *)``) given each sequence's length.

    With ``enforce_sorted=True`` the lengths must be in decreasing order; otherwise the batch is
    sorted first and ``sorted_indices`` records the order.

    >>> x = ember.tensor([[1, 2], [3, 0]])
    >>> ember.nn.utils.rnn.pack_padded_sequence(x, [2, 1], batch_first=True).data
    tensor([1, 3, 2])
    """
    E = _ember()
    if not isinstance(lengths, Tensor):
        lengths = E.as_tensor(lengths, dtype=E.int64, device='cpu')
    else:
        lengths = lengths.to(dtype=E.int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = E.sort(lengths, descending=True)
        sorted_indices = sorted_indices.to(input.device)
        batch_dim = 0 if batch_first else 1
        input = input.index_select(batch_dim, sorted_indices)
    data, batch_sizes = _pack_padded(input, lengths, batch_first)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of :func:`pack_padded_sequence`: the padded batch and the lengths.

    >>> p = ember.nn.utils.rnn.pack_sequence([ember.tensor([1, 2]), ember.tensor([3])])
    >>> ember.nn.utils.rnn.pad_packed_sequence(p, batch_first=True)
    (tensor([[1, 2],
            [3, 0]]), tensor([2, 1]))
    """
    E = _ember()
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError('Expected total_length to be at least the length of the longest '
                             f'sequence in input, but got total_length={total_length} and max '
                             f'sequence length being {max_seq_length}')
        max_seq_length = total_length
    data = sequence.data
    bs = np.asarray(sequence.batch_sizes.tolist(), dtype=np.int64)
    max_batch = int(bs[0]) if bs.size else 0
    mask = np.arange(max_batch)[None, :] < bs[:, None]     # (T, B)
    lengths = mask.sum(0).astype(np.int64)
    # every (t, b) position points at its row of ``data``; padding points at an extra row
    index = np.full((max_seq_length, max_batch), data.shape[0], dtype=np.int64)
    index[:bs.shape[0]][mask] = np.arange(int(bs.sum()))
    pad_row = E.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype,
                     device=data.device)
    padded = E.cat([data, pad_row])[E.as_tensor(index, device=data.device)]
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = E.as_tensor(lengths)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is not None:
        batch_dim = 0 if batch_first else 1
        return padded.index_select(batch_dim, unsorted_indices), lengths[unsorted_indices.cpu()]
    return padded, lengths


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of sequences of the given lengths.

    (Without ``batch_first`` PyTorch transposes ``padded_sequences`` in place; so does this.)

    >>> x = ember.tensor([[1, 2], [3, 0]])
    >>> ember.nn.utils.rnn.unpad_sequence(x, ember.tensor([2, 1]), batch_first=True)
    [tensor([1, 2]), tensor([3])]
    """
    E = _ember()
    unpadded_sequences = []
    if not batch_first:
        padded_sequences.transpose_(0, 1)
    max_length = padded_sequences.shape[1]
    idx = E.arange(max_length, device=lengths.device)
    if len(padded_sequences) != len(lengths):
        which = 'shorter' if len(lengths) < len(padded_sequences) else 'longer'
        raise ValueError(f'zip() argument 2 is {which} than argument 1 ({len(padded_sequences)} '
                         f'sequences but {len(lengths)} lengths)')
    for seq, length in zip(padded_sequences, lengths):
        unpadded_sequences.append(seq[idx < length])
    return unpadded_sequences


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences of shape ``(L_i, *)`` (sorted by decreasing length unless
    ``enforce_sorted=False``).

    >>> ember.nn.utils.rnn.pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4])]).data
    tensor([1, 4, 2, 3])
    """
    E = _ember()
    lengths = E.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """Inverse of :func:`pack_sequence`: the list of sequences.

    >>> p = ember.nn.utils.rnn.pack_sequence([ember.tensor([1, 2]), ember.tensor([3])])
    >>> ember.nn.utils.rnn.unpack_sequence(p)
    [tensor([1, 2]), tensor([3])]
    """
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
