"""``AdaptiveLogSoftmaxWithLoss``: the adaptive softmax of Grave et al. (2016).

Frequent classes (the *shortlist*) are scored by a ``head`` layer; rarer classes are grouped
into clusters, each scored by a cheap two-layer ``tail`` projection that is only evaluated for
the rows whose target lies in that cluster.

>>> ember.nn.AdaptiveLogSoftmaxWithLoss(16, 100, cutoffs=[10, 50]).head
Linear(in_features=16, out_features=12, bias=False)
"""
from collections import namedtuple

from ... import argmax
from .. import functional as F
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

__all__ = ['AdaptiveLogSoftmaxWithLoss']

_ASMoutput = namedtuple('_ASMoutput', ['output', 'loss'])


def _checked_cutoffs(cutoffs, n_classes):
    cutoffs = list(cutoffs)
    if not cutoffs:
        raise ValueError('cutoffs should be a sequence of length larger than 0')
    valid = (cutoffs == sorted(cutoffs) and min(cutoffs) > 0 and max(cutoffs) <= n_classes - 1
             and len(set(cutoffs)) == len(cutoffs) and all(int(c) == c for c in cutoffs))
    if not valid:
        raise ValueError('cutoffs should be a sequence of unique, positive integers sorted in an '
                         'increasing order, where each value is between 1 and n_classes-1 '
                         f'(got cutoffs={cutoffs} for n_classes={n_classes})')
    return cutoffs


class AdaptiveLogSoftmaxWithLoss(Module):
    """Efficient softmax approximation for many classes sorted by frequency (class 0 most common).

    ``cutoffs`` splits the classes into a shortlist ``[0, cutoffs[0])`` and clusters
    ``[cutoffs[i], cutoffs[i+1])``. Cluster ``i`` is projected down to
    ``in_features // div_value ** (i + 1)`` features before its output layer.

    ``forward(input, target)`` returns ``_ASMoutput(output, loss)``: the log-probability of
    each target and the mean negative log-likelihood. ``log_prob(input)`` gives the full
    ``(N, n_classes)`` log-distribution and ``predict(input)`` its argmax.

    >>> _ = ember.manual_seed(0)
    >>> asm = ember.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs=[4, 8], div_value=2.0)
    >>> out = asm(ember.randn(3, 8), ember.tensor([0, 5, 9]))
    >>> out.output.shape, out.loss.shape
    (torch.Size([3]), torch.Size([]))
    >>> asm.log_prob(ember.randn(2, 8)).exp().sum(1)
    tensor([1.0000, 1.0000], grad_fn=<SumBackward1>)
    """

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False,
                 device=None, dtype=None):
        super().__init__()
        cutoffs = _checked_cutoffs(cutoffs, n_classes)
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        factory = {'device': device, 'dtype': dtype}
        self.head = Linear(in_features, self.head_size, bias=head_bias, **factory)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, **factory),
                                        Linear(hidden, size, bias=False, **factory)))

    def reset_parameters(self):
        """Re-draw every weight as at construction."""
        self.head.reset_parameters()
        for projection, output_layer in self.tail:
            projection.reset_parameters()
            output_layer.reset_parameters()

    def _check_forward_args(self, input, target):
        if target.dim() == 1:
            if input.size(0) != target.size(0):
                raise RuntimeError('Input and target should have the same size in the batch '
                                   f'dimension. Got input {tuple(input.shape)} and target '
                                   f'{tuple(target.shape)}.')
            if input.dim() != 2:
                raise RuntimeError('1D target tensor expects 2D input tensors, but found inputs '
                                   f'with size {input.size()}')
        elif target.dim() == 0:
            if input.dim() != 1:
                raise RuntimeError('0D target tensor expects 1D input tensors, but found inputs '
                                   f'with size {input.size()}')
        else:
            raise RuntimeError('0D or 1D target tensor expected, multi-target not supported '
                               f'(got target of size {target.size()})')
        if target.numel() and (target.min() < 0 or target.max() >= self.n_classes):
            raise RuntimeError(f'Target values should be in [0, {self.n_classes - 1}], but '
                               f'values in range [{target.min().item()}, '
                               f'{target.max().item()}] were found. ')

    def forward(self, input, target):
        """``_ASMoutput(output, loss)`` for ``input`` ``(N, in_features)`` and ``target`` ``(N,)``
        (or unbatched ``(in_features,)`` and ``()``)."""
        self._check_forward_args(input, target)
        batched = target.dim() == 1
        if not batched:
            input, target = input.unsqueeze(0), target.unsqueeze(0)
        batch_size = target.size(0)
        # output collects each row's log-probability inside its cluster; head_index is the
        # head column to add: the class itself (shortlist) or the cluster's column.
        output = input.new_zeros(batch_size)
        head_index = target.clone()
        for i in range(self.n_clusters):
            low, high = self.cutoffs[i], self.cutoffs[i + 1]
            in_cluster = (target >= low) & (target < high)
            rows = in_cluster.nonzero().flatten()
            if rows.numel() == 0:
                continue
            head_index.index_fill_(0, rows, self.shortlist_size + i)
            cluster_logprob = F.log_softmax(self.tail[i](input.index_select(0, rows)), dim=1)
            local_target = (target[in_cluster] - low).unsqueeze(1)
            output.index_copy_(0, rows, cluster_logprob.gather(1, local_target).squeeze(1))
        head_logprob = F.log_softmax(self.head(input), dim=1)
        output += head_logprob.gather(1, head_index.unsqueeze(1)).squeeze(1)
        loss = (-output).mean()
        if not batched:
            output = output.squeeze(0)
        return _ASMoutput(output, loss)

    def _full_log_prob(self, input, head_output):
        """Log-probabilities of all classes from the input and the head's output."""
        out = input.new_empty((head_output.size(0), self.n_classes))
        head_logprob = F.log_softmax(head_output, dim=1)
        out[:, :self.shortlist_size] = head_logprob[:, :self.shortlist_size]
        for i in range(self.n_clusters):
            cluster_logprob = F.log_softmax(self.tail[i](input), dim=1)
            cluster_column = head_logprob[:, self.shortlist_size + i].unsqueeze(1)
            out[:, self.cutoffs[i]:self.cutoffs[i + 1]] = cluster_logprob + cluster_column
        return out

    def log_prob(self, input):
        """Log-probabilities ``(N, n_classes)`` of every class for ``input`` ``(N, in_features)``.

        >>> _ = ember.manual_seed(0)
        >>> asm = ember.nn.AdaptiveLogSoftmaxWithLoss(4, 6, cutoffs=[3])
        >>> asm.log_prob(ember.randn(2, 4)).shape
        torch.Size([2, 6])
        """
        return self._full_log_prob(input, self.head(input))

    def predict(self, input):
        """The most likely class ``(N,)`` for each row; same as ``log_prob(input).argmax(1)`` but
        skips the tails for rows whose best head score is a shortlist class.

        >>> _ = ember.manual_seed(0)
        >>> asm = ember.nn.AdaptiveLogSoftmaxWithLoss(4, 6, cutoffs=[3])
        >>> x = ember.randn(5, 4)
        >>> bool((asm.predict(x) == asm.log_prob(x).argmax(1)).all())
        True
        """
        head_output = self.head(input)
        best = argmax(head_output, dim=1)
        needs_tail = best >= self.shortlist_size
        if not needs_tail.any():
            return best
        if needs_tail.all():
            return argmax(self._full_log_prob(input, head_output), dim=1)
        full = self._full_log_prob(input[needs_tail], head_output[needs_tail])
        best[needs_tail] = argmax(full, dim=1)
        return best
