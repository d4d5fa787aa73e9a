"""Oracle entries: embedding, embedding_renorm_, one_hot (ember/_ops/nn_embedding.py),
F.embedding_bag (ember/_ops/nn_embedding_bag.py) and the
distance functions cosine_similarity, pairwise_distance, pdist (ember/_ops/nn_distance.py).

Embedding samples cover padding_idx (positive and negative), scale_grad_by_freq (whose
second-order gradient PyTorch computes without the scaling; ember does the same), repeated
indices, int32 indices, 0-d and empty index tensors. ``max_norm`` rewrites the weight in place,
so finite differences cannot be used there (gradcheck off). pdist has no second-order
gradient in PyTorch, nor has embedding_bag (its first gradient carries no graph there).
"""
import numpy as np

from .harness import Op, Sample, arr


def _F(name):
    return lambda lib, *a, **k: getattr(lib.nn.functional, name)(*a, **k)


def _idx(rng, shape, n, dtype=np.int64):
    return rng.integers(0, n, size=shape).astype(dtype)


def _emb_samples(rng, dt):
    w = arr(rng, (7, 3), dt)
    return [
        Sample((_idx(rng, (2, 4), 7), w), desc='2d'),
        Sample((np.array([1, 1, 3, 1, 6]), w), desc='repeated'),
        Sample((_idx(rng, (3,), 7, np.int32), w), desc='int32'),
        Sample((np.array(4), w), desc='0d'),
        Sample((np.zeros((0, 2), np.int64), w), desc='empty'),
        Sample((_idx(rng, (2, 2, 2), 7), arr(rng, (7, 5), dt, noncontig=True)),
               desc='3d-noncontig-weight'),
    ]


def _emb_not_true_gradient(rng, dt):
    # padding rows get no gradient and scale_grad_by_freq rescales it on purpose: both differ
    # from finite differences by design
    w = arr(rng, (7, 3), dt)
    return [
        Sample((np.array([1, 1, 3, 1, 6]), w), dict(padding_idx=1), desc='padding'),
        Sample((np.array([[0, 6], [6, 2]]), w), dict(padding_idx=-1), desc='padding-neg'),
        Sample((np.array([2, 2, 5, 2, 0, 5]), w), dict(scale_grad_by_freq=True),
               desc='freq'),
        Sample((np.array([2, 2, 5, 0]), w), dict(padding_idx=2, scale_grad_by_freq=True),
               desc='freq-padding'),
    ]


def _emb_max_norm(rng, dt):
    w = arr(rng, (6, 4), dt)
    return [
        Sample((np.array([0, 2, 2, 5]), w), dict(max_norm=1.0), desc='max_norm'),
        Sample((np.array([[1, 3], [3, 4]]), w), dict(max_norm=1.5, norm_type=1.0),
               desc='max_norm-p1'),
        Sample((np.array([1, 0]), w), dict(max_norm=0.7, norm_type=float('inf'),
                                           padding_idx=0), desc='max_norm-inf-padding'),
        Sample((np.array([4, 5]), w * 0.1), dict(max_norm=5.0), desc='max_norm-noop'),
    ]


def _emb_top(rng, dt):
    w = arr(rng, (5, 3), dt)
    return [Sample((w, np.array([1, 2, 2])), desc='plain'),
            Sample((w, np.array([[1, 0], [4, 1]]), -1, False, False), desc='all-args')]


def _emb_top_special(rng, dt):
    w = arr(rng, (5, 3), dt)
    return [Sample((w, np.array([[1, 0], [4, 1]]), 1), desc='padding'),
            Sample((w, np.array([3, 3, 0]), -1, True), desc='freq')]


def _renorm(rng, dt):
    w = arr(rng, (5, 4), dt)
    return [Sample((w, np.array([0, 1, 1, 4]), 1.0, 2.0), desc='p2'),
            Sample((w, np.array([[2], [3]]), 0.5, 1.0), desc='p1'),
            Sample((w, np.array([], np.int64), 0.5, 2.0), desc='empty')]


def _renorm_call(lib, w, idx, max_norm, norm_type):
    out = lib.embedding_renorm_(w, idx, max_norm, norm_type)
    assert out is w
    return out


def _one_hot(rng, dt):
    return [Sample((np.array([0, 3, 1]),), desc='infer'),
            Sample((np.array([[1, 0], [2, 2]]),), dict(num_classes=4), desc='2d-4'),
            Sample((np.array(2),), dict(num_classes=3), desc='0d'),
            Sample((np.zeros((0,), np.int64), 5), desc='empty')]


# ---- embedding_bag: (input, weight, offsets, max_norm, norm_type, scale_grad_by_freq, mode,
# sparse, per_sample_weights, include_last_offset, padding_idx); positional so that
# per_sample_weights gets a gradient
def _bag(idx, w, offsets=None, mode='mean', psw=None, last=False, padding=None, freq=False,
         max_norm=None, norm_type=2.0):
    return (idx, w, offsets, max_norm, norm_type, freq, mode, False, psw, last, padding)


def _bag_samples(rng, dt):
    w = arr(rng, (7, 3), dt)
    flat = np.array([1, 2, 4, 4, 3, 6, 0, 2])
    offs = np.array([0, 2, 2, 5])
    out = []
    for mode in ('sum', 'mean', 'max'):
        out += [Sample(_bag(flat, w, offs, mode), desc=f'{mode}-offsets-empty-bag'),
                Sample(_bag(_idx(rng, (3, 4), 7), w, mode=mode), desc=f'{mode}-2d'),
                Sample(_bag(flat, w, np.array([0, 3, 8]), mode, last=True),
                       desc=f'{mode}-include_last_offset'),
                Sample(_bag(flat, w, offs, mode, padding=2), desc=f'{mode}-padding'),
                Sample(_bag(np.array([[5, 0], [0, 0]]), w, mode=mode, padding=-7),
                       desc=f'{mode}-padding-neg-whole-bag')]
    out += [Sample(_bag(flat, w, offs, 'sum', psw=arr(rng, (8,), dt)), desc='per_sample_weights'),
            Sample(_bag(_idx(rng, (2, 3), 7), w, mode='sum', psw=arr(rng, (2, 3), dt),
                        padding=3), desc='per_sample_weights-2d-padding'),
            # offsets[-1] == len(input): torch's float64 path ignores an earlier last offset when
            # per_sample_weights are given (its float32 path does not)
            Sample(_bag(flat, w, np.array([0, 4, 8]), 'sum', psw=arr(rng, (8,), dt), last=True),
                   desc='per_sample_weights-last-offset'),
            Sample(_bag(flat.astype(np.int32), arr(rng, (7, 4), dt, noncontig=True),
                        offs.astype(np.int32)), desc='int32-noncontig'),
            Sample(_bag(np.zeros((0,), np.int64), w, np.array([0, 0])), desc='empty-input'),
            Sample((flat, w, offs), dict(mode='sum'), desc='kwargs')]
    return out


def _bag_not_true_gradient(rng, dt):
    w = arr(rng, (6, 4), dt)
    idx = np.array([0, 2, 2, 5, 2, 1])
    offs = np.array([0, 3])
    return [Sample(_bag(idx, w, offs, 'mean', freq=True), desc='freq-mean'),
            Sample(_bag(idx, w, offs, 'sum', freq=True, padding=5), desc='freq-sum-padding'),
            Sample(_bag(idx, w, offs, 'max', max_norm=1.0), desc='max_norm-max'),
            Sample(_bag(idx, w, offs, 'sum', max_norm=1.5, norm_type=1.0), desc='max_norm-p1')]


# ---- distances ---------------------------------------------------------------------------------
def _cos(rng, dt):
    z = arr(rng, (2, 4), dt)
    z[1] = 0
    return [Sample((arr(rng, (3, 4), dt), arr(rng, (3, 4), dt)), desc='dim1'),
            Sample((arr(rng, (2, 3, 4), dt), arr(rng, (3, 4), dt)), dict(dim=-1),
                   desc='bcast-last'),
            Sample((arr(rng, (4,), dt), arr(rng, (4,), dt), 0), desc='1d'),
            Sample((arr(rng, (3, 5), dt, noncontig=True), arr(rng, (1, 5), dt)),
                   dict(dim=0, eps=1e-3), desc='dim0-eps'),
            Sample((z, arr(rng, (2, 4), dt)), desc='zero-row', grad=(1,))]


def _pairwise(rng, dt):
    return [Sample((arr(rng, (3, 4), dt), arr(rng, (3, 4), dt)), desc='p2'),
            Sample((arr(rng, (3, 4), dt), arr(rng, (4,), dt)), dict(p=1.0), desc='p1-bcast'),
            Sample((arr(rng, (2, 3, 4), dt), arr(rng, (2, 3, 4), dt)),
                   dict(p=3.0, keepdim=True), desc='p3-keepdim'),
            Sample((arr(rng, (3, 4), dt), arr(rng, (3, 4), dt), float('inf')), desc='inf'),
            Sample((arr(rng, (5,), dt), arr(rng, (5,), dt)), dict(eps=1e-3), desc='1d-eps')]


def _pdist(rng, dt):
    out = []
    for p in (2.0, 1.0, 3.0, 1.5, 0.5, float('inf')):
        out.append(Sample((arr(rng, (5, 3), dt),), dict(p=p), desc=f'p{p}'))
    x = arr(rng, (4, 2), dt)
    x[3] = x[0]
    out += [Sample((x,), desc='equal-rows', grad=()),
            Sample((arr(rng, (1, 3), dt),), desc='one-row'),
            Sample((arr(rng, (4, 3), dt),), dict(p=0.0), desc='p0')]
    return out


def _pdist_equal(rng, dt):
    x = arr(rng, (4, 2), dt)
    x[3] = x[0]
    return [Sample((x,), desc='equal-rows-p2'), Sample((x,), dict(p=1.0), desc='equal-rows-p1')]


OPS = [
    Op('F.embedding', _emb_samples, call=_F('embedding')),
    Op('F.embedding_max_norm', _emb_max_norm, call=_F('embedding'), gradcheck=False,
       covers=('F.embedding',)),
    Op('F.embedding_special', _emb_not_true_gradient, call=_F('embedding'), gradcheck=False,
       covers=('F.embedding',)),
    Op('embedding', _emb_top),
    Op('embedding_special', _emb_top_special, call=lambda lib, *a: lib.embedding(*a),
       gradcheck=False, covers=('embedding',)),
    Op('embedding_renorm_', _renorm, call=_renorm_call, differentiable=False),
    Op('F.one_hot', _one_hot, call=_F('one_hot'), dtypes=('int64',), differentiable=False),
    Op('F.embedding_bag', _bag_samples, call=_F('embedding_bag'), gradgrad=False),
    Op('F.embedding_bag_special', _bag_not_true_gradient, call=_F('embedding_bag'),
       gradcheck=False, gradgrad=False, covers=('F.embedding_bag',)),
    Op('cosine_similarity', _cos, covers=('F.cosine_similarity',)),
    Op('pairwise_distance', _pairwise, covers=('F.pairwise_distance',)),
    Op('pdist', _pdist, covers=('F.pdist',), gradgrad=False),
    # duplicate rows: distance 0, where the gradient is defined as 0 (not differentiable)
    Op('pdist_equal_rows', _pdist_equal, call=lambda lib, *a, **k: lib.pdist(*a, **k),
       gradcheck=False, gradgrad=False, covers=('pdist',)),
]
