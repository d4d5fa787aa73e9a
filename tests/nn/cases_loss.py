"""Module cases: every loss layer of torch.nn.modules.loss."""
import sys

import numpy as np

from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr

_TRAIN = ('train',)


def _lib(nn):
    return sys.modules[nn.__name__.split('.')[0]]


def _t(nn, values):
    return _lib(nn).tensor(values)


def _pair(shape, target=None):
    def gen(rng, dt):
        y = arr(rng, shape, dt) if target is None else target(rng, dt)
        return arr(rng, shape, dt), y
    return gen


def _classes(n, c, extra=(), ignore=None):
    def gen(rng, dt):
        t = rng.integers(0, c, size=(n,) + extra)
        if ignore is not None:
            t.reshape(-1)[::3] = ignore
        return arr(rng, (n, c) + extra, dt), t.astype(np.int64)
    return gen


def _probs(shape):
    def gen(rng, dt):
        return arr(rng, shape, dt, low=0.05, high=0.95), rng.random(shape).astype(dt)
    return gen


def _pm1(shape):
    def gen(rng, dt):
        return arr(rng, shape, dt), np.where(rng.random(shape) > 0.5, 1.0, -1.0).astype(dt)
    return gen


def _log_probs(rng, dt, shape):
    x = rng.standard_normal(shape)
    return (x - np.log(np.exp(x).sum(-1, keepdims=True))).astype(dt)


def _ctc_inputs(rng, dt):
    lp = _log_probs(rng, dt, (6, 2, 5))
    return lp, np.array([[1, 2, 2], [3, 4, 0]]), np.array([6, 5]), np.array([3, 2])


def _triplet(rng, dt):
    return tuple(arr(rng, (4, 3), dt) for _ in range(3))


def _multilabel(rng, dt):
    return arr(rng, (3, 4), dt, low=-1, high=1), np.array([[3, 0, -1, 1], [0, 1, 2, 3],
                                                            [-1, 2, 1, 0]])


def _gaussian(rng, dt):
    return (arr(rng, (4, 3), dt), arr(rng, (4, 3), dt), arr(rng, (4, 3), dt, positive=True))


def _cosine(rng, dt):
    return arr(rng, (4, 3), dt), arr(rng, (4, 3), dt), np.array([1, -1, 1, -1])


def _ranking(rng, dt):
    return (arr(rng, (5,), dt), arr(rng, (5,), dt),
            np.where(rng.random(5) > 0.5, 1.0, -1.0).astype(dt))


def _linear_ce(rng, dt):
    return arr(rng, (5, 4), dt), rng.integers(0, 3, 5)


def _sq_distance(a, b):
    return (a - b).pow(2).sum(-1)


def _nll2d(nn):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)
        return nn.NLLLoss2d()


def _case(name, build, inputs, desc='', **kw):
    kw.setdefault('modes', _TRAIN)
    return ModuleCase(name, build, inputs, desc=desc, **kw)


CASES = [
    _case('L1Loss', lambda nn: nn.L1Loss(), _pair((3, 4))),
    _case('L1Loss', lambda nn: nn.L1Loss(reduction='none'), _pair((3, 4)), desc='none'),
    _case('MSELoss', lambda nn: nn.MSELoss(), _pair((3, 4))),
    _case('MSELoss', lambda nn: nn.MSELoss(reduction='sum'), _pair((5,)), desc='sum'),
    _case('SmoothL1Loss', lambda nn: nn.SmoothL1Loss(beta=0.5), _pair((3, 4))),
    _case('HuberLoss', lambda nn: nn.HuberLoss(delta=0.7, reduction='none'), _pair((3, 4))),
    _case('CrossEntropyLoss', lambda nn: nn.CrossEntropyLoss(), _classes(6, 4)),
    _case('CrossEntropyLoss',
          lambda nn: nn.CrossEntropyLoss(weight=_t(nn, [1.0, 2.0, 0.5, 1.5]), ignore_index=1,
                                         label_smoothing=0.1),
          _classes(6, 4), desc='weight-ignore-smoothing'),
    _case('CrossEntropyLoss', lambda nn: nn.CrossEntropyLoss(reduction='none'),
          _classes(2, 3, extra=(2, 2), ignore=-100), desc='4d-none'),
    _case('CrossEntropyLoss', lambda nn: nn.CrossEntropyLoss(),
          lambda rng, dt: (arr(rng, (3, 4), dt), rng.random((3, 4)).astype(dt)),
          desc='probabilities'),
    _case('NLLLoss', lambda nn: nn.NLLLoss(), _classes(6, 4)),
    _case('NLLLoss', lambda nn: nn.NLLLoss(weight=_t(nn, [1.0, 2.0, 0.5, 1.5]),
                                           reduction='sum'),
          _classes(6, 4, extra=(3,), ignore=-100), desc='3d-weight'),
    _case('NLLLoss2d', _nll2d, _classes(2, 3, extra=(2, 2))),
    _case('BCELoss', lambda nn: nn.BCELoss(), _probs((3, 4))),
    _case('BCELoss', lambda nn: nn.BCELoss(weight=_t(nn, [1.0, 2.0, 0.5, 1.5])), _probs((3, 4)),
          desc='weight', grad=(0,)),
    _case('BCEWithLogitsLoss', lambda nn: nn.BCEWithLogitsLoss(),
          lambda rng, dt: (arr(rng, (3, 4), dt), rng.random((3, 4)).astype(dt))),
    _case('BCEWithLogitsLoss',
          lambda nn: nn.BCEWithLogitsLoss(weight=_t(nn, [1.0, 2.0, 0.5, 1.5]),
                                          pos_weight=_t(nn, [3.0, 1.0, 0.5, 2.0])),
          lambda rng, dt: (arr(rng, (3, 4), dt), rng.random((3, 4)).astype(dt)),
          desc='weights'),
    _case('KLDivLoss', lambda nn: nn.KLDivLoss(reduction='batchmean'),
          lambda rng, dt: (_log_probs(rng, dt, (3, 4)), rng.random((3, 4)).astype(dt) + 0.01)),
    _case('KLDivLoss', lambda nn: nn.KLDivLoss(reduction='sum', log_target=True),
          lambda rng, dt: (_log_probs(rng, dt, (3, 4)), _log_probs(rng, dt, (3, 4))),
          desc='log-target'),
    _case('PoissonNLLLoss', lambda nn: nn.PoissonNLLLoss(),
          lambda rng, dt: (arr(rng, (3, 4), dt), rng.integers(0, 5, (3, 4)).astype(dt))),
    _case('PoissonNLLLoss', lambda nn: nn.PoissonNLLLoss(log_input=False, full=True),
          lambda rng, dt: (arr(rng, (3, 4), dt, positive=True),
                           rng.integers(0, 5, (3, 4)).astype(dt)), desc='full', grad=(0,)),
    _case('GaussianNLLLoss', lambda nn: nn.GaussianNLLLoss(full=True), _gaussian),
    _case('CosineEmbeddingLoss', lambda nn: nn.CosineEmbeddingLoss(margin=0.2), _cosine),
    _case('MarginRankingLoss', lambda nn: nn.MarginRankingLoss(margin=0.3), _ranking),
    _case('HingeEmbeddingLoss', lambda nn: nn.HingeEmbeddingLoss(margin=0.5), _pm1((3, 4))),
    _case('SoftMarginLoss', lambda nn: nn.SoftMarginLoss(), _pm1((3, 4)), grad=(0,)),
    _case('MultiLabelSoftMarginLoss',
          lambda nn: nn.MultiLabelSoftMarginLoss(weight=_t(nn, [1.0, 2.0, 0.5, 1.5])),
          lambda rng, dt: (arr(rng, (3, 4), dt), (rng.random((3, 4)) > 0.5).astype(dt))),
    _case('MultiMarginLoss', lambda nn: nn.MultiMarginLoss(),
          lambda rng, dt: (arr(rng, (4, 5), dt, low=-1, high=1), rng.integers(0, 5, 4))),
    _case('MultiMarginLoss',
          lambda nn: nn.MultiMarginLoss(p=2, margin=0.5, weight=_t(nn, [1.0, 2.0, 0.5, 1.5, 1.0])),
          lambda rng, dt: (arr(rng, (4, 5), dt, low=-1, high=1), rng.integers(0, 5, 4)),
          desc='p2-weight'),
    _case('MultiLabelMarginLoss', lambda nn: nn.MultiLabelMarginLoss(), _multilabel),
    _case('TripletMarginLoss', lambda nn: nn.TripletMarginLoss(margin=0.5, swap=True), _triplet),
    _case('TripletMarginWithDistanceLoss', lambda nn: nn.TripletMarginWithDistanceLoss(),
          _triplet),
    _case('TripletMarginWithDistanceLoss',
          lambda nn: nn.TripletMarginWithDistanceLoss(distance_function=_sq_distance, margin=2.0,
                                                      reduction='none'),
          _triplet, desc='custom-distance'),
    _case('CTCLoss', lambda nn: nn.CTCLoss(), _ctc_inputs),
    _case('CTCLoss', lambda nn: nn.CTCLoss(blank=4, reduction='sum', zero_infinity=True),
          lambda rng, dt: (_log_probs(rng, dt, (4, 2, 5)), np.array([[1, 1, 1], [2, 3, 0]]),
                           np.array([4, 4]), np.array([3, 2])), desc='zero-infinity'),
    _case('LinearCrossEntropyLoss', lambda nn: nn.LinearCrossEntropyLoss(4, 3), _linear_ce),
    _case('LinearCrossEntropyLoss',
          lambda nn: nn.LinearCrossEntropyLoss(4, 3, bias=True, label_smoothing=0.1,
                                               reduction='sum'),
          _linear_ce, desc='bias-smoothing'),
]
