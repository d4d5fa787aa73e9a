"""Module cases: Embedding (padding_idx, max_norm, scale_grad_by_freq, from_pretrained),
EmbeddingBag (modes, offsets, 2-D input, per_sample_weights, include_last_offset, padding_idx,
max_norm, from_pretrained), CosineSimilarity and PairwiseDistance.

Index inputs are int64 arrays (no gradient); the weight gradient and the weight after the
forward pass (``max_norm`` rescales rows in place) are compared by the harness.
"""
import numpy as np

from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr


def _idx(*rows):
    return lambda rng, dt: (np.array(rows, dtype=np.int64),)


def _two(s1, s2):
    return lambda rng, dt: (arr(rng, s1, dt), arr(rng, s2, dt))


def _pretrained(nn):
    w = nn.Embedding(4, 3).weight.detach() * 2
    return nn.Embedding.from_pretrained(w, freeze=False, padding_idx=1)


def _bags(idx, offsets=None, weights=False):
    def make(rng, dt):
        out = (np.array(idx, dtype=np.int64),)
        if offsets is not None or weights:
            out += (None if offsets is None else np.array(offsets, dtype=np.int64),)
        if weights:
            out += (rng.standard_normal(np.shape(idx)).astype(dt),)
        return out
    return make


def _bag_pretrained(nn):
    w = nn.EmbeddingBag(5, 3).weight.detach() * 3
    return nn.EmbeddingBag.from_pretrained(w, freeze=False, mode='max', padding_idx=0)


_FLAT, _OFFS = [1, 2, 4, 5, 4, 3, 2, 9], [0, 3, 3, 6]

CASES = [
    ModuleCase('Embedding', lambda nn: nn.Embedding(10, 3), _idx([1, 2, 4, 5], [4, 3, 2, 9]),
               desc='2d-indices'),
    ModuleCase('Embedding', lambda nn: nn.Embedding(10, 3, padding_idx=0),
               _idx([0, 2, 0, 5]), desc='padding'),
    ModuleCase('Embedding', lambda nn: nn.Embedding(6, 2, padding_idx=-1),
               _idx([5, 5, 1]), desc='padding-negative'),
    ModuleCase('Embedding', lambda nn: nn.Embedding(5, 4, max_norm=1.0), _idx([0, 1, 1, 3]),
               desc='max_norm'),
    ModuleCase('Embedding', lambda nn: nn.Embedding(5, 4, max_norm=1.5, norm_type=1.0),
               _idx([[2, 4], [4, 0]]), desc='max_norm-p1'),
    ModuleCase('Embedding', lambda nn: nn.Embedding(5, 2, scale_grad_by_freq=True),
               _idx([3, 3, 1, 3]), desc='scale_grad_by_freq'),
    ModuleCase('Embedding', lambda nn: nn.Embedding(7, 3), lambda rng, dt: (np.array(4),),
               desc='0d-index'),
    ModuleCase('Embedding', _pretrained, _idx([0, 1, 3]), desc='from_pretrained'),
    ModuleCase('Embedding', lambda nn: nn.Embedding.from_pretrained(
        nn.Embedding(3, 2).weight.detach()), _idx([2, 0]), desc='from_pretrained-frozen'),
    ModuleCase('EmbeddingBag', lambda nn: nn.EmbeddingBag(10, 3), _bags(_FLAT, _OFFS),
               desc='mean-offsets'),
    ModuleCase('EmbeddingBag', lambda nn: nn.EmbeddingBag(10, 3, mode='sum'),
               _bags([[1, 2, 4], [4, 3, 9]]), desc='sum-2d'),
    ModuleCase('EmbeddingBag', lambda nn: nn.EmbeddingBag(10, 4, mode='max', padding_idx=4),
               _bags(_FLAT, _OFFS), desc='max-padding'),
    ModuleCase('EmbeddingBag', lambda nn: nn.EmbeddingBag(10, 3, mode='sum'),
               _bags(_FLAT, _OFFS, weights=True), desc='per_sample_weights'),
    ModuleCase('EmbeddingBag', lambda nn: nn.EmbeddingBag(10, 2, include_last_offset=True,
                                                          padding_idx=-1),
               _bags(_FLAT, [0, 2, 8]), desc='include_last_offset-padding'),
    ModuleCase('EmbeddingBag', lambda nn: nn.EmbeddingBag(10, 3, max_norm=1.0, norm_type=1.5,
                                                          scale_grad_by_freq=True),
               _bags([[2, 2], [7, 0]]), desc='max_norm-freq'),
    ModuleCase('EmbeddingBag', _bag_pretrained, _bags([[0, 1, 2], [4, 0, 0]]),
               desc='from_pretrained-max'),
    ModuleCase('CosineSimilarity', lambda nn: nn.CosineSimilarity(), _two((3, 4), (3, 4)),
               desc='default'),
    ModuleCase('CosineSimilarity', lambda nn: nn.CosineSimilarity(dim=0, eps=1e-3),
               _two((4, 2), (4, 1)), desc='dim0-bcast'),
    ModuleCase('PairwiseDistance', lambda nn: nn.PairwiseDistance(), _two((3, 4), (3, 4)),
               desc='default'),
    ModuleCase('PairwiseDistance', lambda nn: nn.PairwiseDistance(p=1.0, keepdim=True),
               _two((2, 3, 4), (4,)), desc='p1-keepdim'),
]
