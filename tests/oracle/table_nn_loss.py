"""Oracle entries: loss functions (ember/_ops/nn_loss.py and its _nn_loss_* helpers)."""
import numpy as np

from .harness import Op, Sample, arr


def _F(name):
    return lambda lib, *a, **k: getattr(lib.nn.functional, name)(*a, **k)


def _reductions(make, desc=''):
    """The same arguments under the three reductions."""
    out = []
    for r in ('mean', 'sum', 'none'):
        args, kw = make()
        out.append(Sample(args, dict(kw, reduction=r), desc=f'{desc}{r}'))
    return out


def _pm1(rng, shape, dtype):
    return np.where(rng.random(shape) > 0.5, 1.0, -1.0).astype(dtype)


# ---- regression -------------------------------------------------------------------------------
def _regression(rng, dtype, extra=()):
    x, y = arr(rng, (3, 4), dtype), arr(rng, (3, 4), dtype)
    out = _reductions(lambda: ((x, y), dict(extra)))
    out += [Sample((arr(rng, (5,), dtype), arr(rng, (5,), dtype)), dict(extra), desc='1d'),
            Sample((arr(rng, (), dtype), arr(rng, (), dtype)), dict(extra), desc='0d'),
            Sample((arr(rng, (2, 3, 2), dtype, noncontig=True), arr(rng, (2, 3, 2), dtype)),
                   dict(extra, reduction='sum'), desc='3d-noncontig')]
    return out


def _weighted(rng, dtype, extra=()):
    x, y = arr(rng, (3, 4), dtype), arr(rng, (3, 4), dtype)
    w = arr(rng, (3, 4), dtype, positive=True)
    return _reductions(lambda: ((x, y), dict(extra, weight=w)), 'weight-')


def _l1(rng, dtype):
    return _regression(rng, dtype) + _weighted(rng, dtype)


def _mse(rng, dtype):
    out = _regression(rng, dtype) + _weighted(rng, dtype)
    out.append(Sample((arr(rng, (3,), dtype), np.array([1, 0, 2])), desc='long-target'))
    out.append(Sample((arr(rng, (2, 3), dtype), arr(rng, (2, 3), 'float64')), desc='promote',
                      grad=(0,)))
    return out


def _smooth_l1(rng, dtype):
    out = _regression(rng, dtype, {'beta': 0.7})
    x, y = arr(rng, (4, 3), dtype), arr(rng, (4, 3), dtype)
    out += [Sample((x, y), {'beta': 0.0}, desc='beta0'),
            Sample((x, y), {'beta': 2.5, 'reduction': 'none'}, desc='beta2.5'),
            Sample((arr(rng, (3,), dtype), np.array([1, 0, 2])), desc='long-target')]
    return out


def _huber(rng, dtype):
    out = _regression(rng, dtype, {'delta': 0.6}) + _weighted(rng, dtype, {'delta': 1.3})
    out.append(Sample((arr(rng, (4, 3), dtype), arr(rng, (4, 3), dtype)),
                      {'delta': 3.0, 'reduction': 'none'}, desc='delta3'))
    return out


# ---- nll / cross entropy -----------------------------------------------------------------
def _targets(rng, n, c, ignore=None, shape=None):
    t = rng.integers(0, c, size=shape if shape is not None else (n,))
    if ignore is not None:
        t.reshape(-1)[::3] = ignore
    return t.astype(np.int64)


def _class_samples(rng, dtype, prob=False):
    c = 5
    x = arr(rng, (6, c), dtype)
    t = _targets(rng, 6, c)
    w = arr(rng, (c,), dtype, positive=True)
    out = _reductions(lambda: ((x, t), {}))
    out += _reductions(lambda: ((x, t), {'weight': w}), 'weight-')
    ti = _targets(rng, 6, c, ignore=-100)
    out += _reductions(lambda: ((x, ti), {'weight': w}), 'ignore-')
    out += [Sample((x, _targets(rng, 6, c, ignore=2)), {'ignore_index': 2}, desc='ignore2'),
            Sample((arr(rng, (c,), dtype), np.array(3)), desc='unbatched'),
            Sample((arr(rng, (c,), dtype), np.array(1)), {'reduction': 'none'},
                   desc='unbatched-none'),
            Sample((arr(rng, (1, c), dtype), np.array([4])), desc='batch1'),
            Sample((arr(rng, (40, 3), dtype), _targets(rng, 40, 3)), desc='batch40'),
            Sample((arr(rng, (37, 3), dtype), _targets(rng, 37, 3, ignore=-100)),
                   {'weight': arr(rng, (3,), dtype, positive=True)}, desc='batch37-ignore'),
            Sample((arr(rng, (2, c, 3), dtype), _targets(rng, 0, c, shape=(2, 3))),
                   desc='3d-mean'),
            Sample((arr(rng, (2, c, 3), dtype), _targets(rng, 0, c, shape=(2, 3))),
                   {'reduction': 'none'}, desc='3d-none'),
            Sample((arr(rng, (2, c, 2, 3), dtype),
                    _targets(rng, 0, c, shape=(2, 2, 3), ignore=-100)),
                   {'weight': w}, desc='4d-weight-ignore'),
            Sample((arr(rng, (2, c, 2, 3), dtype), _targets(rng, 0, c, shape=(2, 2, 3))),
                   {'reduction': 'none'}, desc='4d-none'),
            Sample((arr(rng, (2, 3, 2, 2, 2), dtype), _targets(rng, 0, 3, shape=(2, 2, 2, 2))),
                   {'reduction': 'sum'}, desc='5d-sum'),
            Sample((x, t.astype(np.uint8)), desc='uint8-target')]
    return out


def _cross_entropy(rng, dtype):
    c = 5
    out = _class_samples(rng, dtype)
    x = arr(rng, (6, c), dtype)
    t = _targets(rng, 6, c, ignore=-100)
    w = arr(rng, (c,), dtype, positive=True)
    p = rng.random((6, c)).astype(dtype)
    p /= p.sum(1, keepdims=True)
    out += _reductions(lambda: ((x, t), {'label_smoothing': 0.2}), 'smooth-')
    out += _reductions(lambda: ((x, t), {'label_smoothing': 0.1, 'weight': w}), 'smooth-w-')
    out += _reductions(lambda: ((x, p), {}), 'prob-')
    out += _reductions(lambda: ((x, p), {'weight': w, 'label_smoothing': 0.3}), 'prob-w-ls-')
    out += [Sample((arr(rng, (c,), dtype), p[0]), desc='prob-unbatched'),
            Sample((arr(rng, (2, c, 3), dtype), rng.random((2, c, 3)).astype(dtype)),
                   {'reduction': 'none'}, desc='prob-3d'),
            Sample((arr(rng, (2, c, 3), dtype), _targets(rng, 0, c, shape=(2, 3), ignore=-100)),
                   {'label_smoothing': 0.15, 'weight': w}, desc='smooth-3d'),
            Sample((arr(rng, (3, c), dtype), _targets(rng, 3, c)),
                   {'label_smoothing': 0.1, 'reduction': 'none'}, desc='smooth-none'),
            Sample((x, t), {'label_smoothing': -0.5}, desc='negative-smoothing')]
    return out


def _nll(rng, dtype):
    out = _class_samples(rng, dtype)
    out += [Sample((arr(rng, (2, 3), dtype), np.array([-100, -100])), desc='all-ignored',
                   grad=()),
            Sample((arr(rng, (0, 3), dtype), np.zeros(0, np.int64)), desc='empty', grad=()),
            Sample((arr(rng, (0, 3), dtype), np.zeros(0, np.int64)), {'reduction': 'sum'},
                   desc='empty-sum', grad=())]
    return out


def _linear_ce(rng, dtype):
    x = arr(rng, (4, 3), dtype)
    w = arr(rng, (5, 3), dtype)
    t = _targets(rng, 4, 5)
    return [Sample((x, w, t), desc='plain'),
            Sample((x, w, t), {'linear_bias': arr(rng, (5,), dtype), 'reduction': 'none',
                               'label_smoothing': 0.1}, desc='bias-none'),
            Sample((x, arr(rng, (5, 2, 3), dtype), _targets(rng, 0, 5, shape=(4, 2))),
                   {'ignore_index': 1}, desc='kdim'),
            Sample((x[0], w, np.array(2)), desc='unbatched')]


# ---- binary cross entropy -----------------------------------------------------------------------
def _bce(rng, dtype):
    x = arr(rng, (3, 4), dtype, low=0.05, high=0.95)
    y = rng.uniform(0.01, 0.99, (3, 4)).astype(dtype)
    w = arr(rng, (4,), dtype, positive=True)
    out = _reductions(lambda: ((x, y), {}))
    out += _reductions(lambda: ((x, y), {'weight': w}), 'weight-')
    out += [Sample((arr(rng, (), dtype, low=0.1, high=0.9), np.array(1.0, dtype)), desc='0d',
                   grad=(0,)),
            Sample((arr(rng, (5,), dtype, low=0.1, high=0.9),
                    (rng.random(5) > 0.5).astype(dtype)), desc='labels', grad=(0,)),
            Sample((np.array([0.0, 1.0, 0.5], dtype), np.array([1.0, 0.0, 0.5], dtype)),
                   {'reduction': 'none'}, desc='clamped-logs', grad=())]
    return out


def _bce_logits(rng, dtype):
    x = arr(rng, (3, 4), dtype, low=-4, high=4)
    y = rng.random((3, 4)).astype(dtype)
    w = arr(rng, (3, 4), dtype, positive=True)
    pw = arr(rng, (4,), dtype, positive=True)
    out = _reductions(lambda: ((x, y), {}))
    out += _reductions(lambda: ((x, y), {'weight': w, 'pos_weight': pw}), 'weights-')
    out += [Sample((x, y), {'pos_weight': pw}, desc='pos_weight'),
            Sample((np.array([-80.0, 80.0, 0.0], dtype), np.array([1.0, 0.0, 1.0], dtype)),
                   {'reduction': 'none'}, desc='extreme'),
            Sample((arr(rng, (), dtype), np.array(1.0, dtype)), desc='0d')]
    return out


def _bce_logits_top(rng, dtype):
    x, y = arr(rng, (3, 4), dtype), rng.random((3, 4)).astype(dtype)
    pw = arr(rng, (4,), dtype, positive=True)
    return [Sample((x, y, None, pw, 2), desc='pos-weight-sum', grad=(0, 1)),
            Sample((x, y), {'reduction': 0}, desc='none'),
            Sample((x, y), desc='default-mean')]


# ---- kl / poisson / gaussian --------------------------------------------------------------------
def _kl(rng, dtype):
    x = np.log(rng.random((3, 4)) + 0.1).astype(dtype)
    p = rng.random((3, 4)).astype(dtype)
    p[0, 0] = 0.0
    lt = np.log(rng.random((3, 4)) + 0.1).astype(dtype)
    return [Sample((x, p), {'reduction': 'batchmean'}, desc='batchmean', grad=(0,)),
            Sample((x, p + 0.05), {'reduction': 'sum'}, desc='sum'),
            Sample((x, p), {'reduction': 'none'}, desc='none', grad=(0,)),
            Sample((x, lt), {'reduction': 'batchmean', 'log_target': True}, desc='log-target'),
            Sample((x, lt), {'reduction': 'none', 'log_target': True}, desc='log-target-none'),
            Sample((np.array(x[0, 0]), np.array(p[1, 1])), {'reduction': 'batchmean'},
                   desc='0d-batchmean')]


def _kl_top(rng, dtype):
    x = np.log(rng.random((3, 4)) + 0.1).astype(dtype)
    p = rng.random((3, 4)).astype(dtype) + 0.05
    return [Sample((x, p, 1), desc='mean'),
            Sample((x, p, 2), desc='sum'),
            Sample((x, p), {'reduction': 0, 'log_target': True}, desc='log-target')]


def _poisson(rng, dtype):
    x = arr(rng, (3, 4), dtype)
    y = rng.integers(0, 5, size=(3, 4)).astype(dtype)
    xp = arr(rng, (3, 4), dtype, positive=True)
    out = _reductions(lambda: ((x, y), {}))
    out += [Sample((xp, y), {'log_input': False}, desc='probs'),
            Sample((x, y), {'full': True, 'reduction': 'none'}, desc='full', grad=(0,)),
            Sample((xp, y), {'log_input': False, 'full': True, 'eps': 1e-3}, desc='probs-full',
                   grad=(0,))]
    return out


def _poisson_top(rng, dtype):
    x = arr(rng, (3, 4), dtype)
    y = rng.integers(0, 5, size=(3, 4)).astype(dtype)
    return [Sample((x, y, True, False, 1e-8, 1), desc='mean'),
            Sample((arr(rng, (3, 4), dtype, positive=True), y, False, True, 1e-6, 0), desc='none',
                   grad=(0,))]


def _gaussian(rng, dtype):
    x, y = arr(rng, (4, 3), dtype), arr(rng, (4, 3), dtype)
    v = arr(rng, (4, 3), dtype, positive=True)
    return [Sample((x, y, v), desc='full-shape'),
            Sample((x, y, v[:, 0]), {'reduction': 'sum'}, desc='one-dim-short'),
            Sample((x, y, v[:, :1]), {'reduction': 'none', 'full': True}, desc='broadcast-dim'),
            Sample((x, y, 0.7), desc='float-var'),
            Sample((x, y, np.full((4, 3), 1e-8, dtype)), {'eps': 1e-3}, desc='clamped',
                   grad=(0, 1))]


# ---- margin / embedding -----------------------------------------------------------------------
def _soft_margin(rng, dtype):
    x, y = arr(rng, (3, 4), dtype), _pm1(rng, (3, 4), dtype)
    return [Sample(s.args, s.kwargs, grad=(0,), desc=s.desc)
            for s in _reductions(lambda: ((x, y), {}))] + \
        [Sample((arr(rng, (5,), dtype), np.array([1, -1, 1, 1, -1])), grad=(0,),
                desc='long-target')]


def _multilabel_soft_margin(rng, dtype):
    x = arr(rng, (3, 4), dtype)
    y = (rng.random((3, 4)) > 0.5).astype(dtype)
    w = arr(rng, (4,), dtype, positive=True)
    out = _reductions(lambda: ((x, y), {}))
    out.append(Sample((x, y), {'weight': w}, desc='weight'))
    out.append(Sample((arr(rng, (4,), dtype), y[0]), desc='1d'))
    return out


def _multi_margin(rng, dtype):
    x = arr(rng, (4, 5), dtype, low=-1, high=1)
    t = _targets(rng, 4, 5)
    w = arr(rng, (5,), dtype, positive=True)
    out = _reductions(lambda: ((x, t), {}))
    out += _reductions(lambda: ((x, t), {'p': 2, 'margin': 0.7, 'weight': w}), 'p2-')
    out += [Sample((arr(rng, (5,), dtype, low=-1, high=1), np.array(2)), desc='unbatched'),
            Sample((arr(rng, (5,), dtype, low=-1, high=1), np.array([3])),
                   {'reduction': 'none'}, desc='1d-none')]
    return out


def _multilabel_margin(rng, dtype):
    x = arr(rng, (3, 4), dtype, low=-1, high=1)
    t = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [-1, 2, 1, 0]])
    out = _reductions(lambda: ((x, t), {}))
    out += [Sample((arr(rng, (4,), dtype, low=-1, high=1), np.array([2, 2, 0, -1])),
                   desc='1d-repeated'),
            Sample((arr(rng, (4,), dtype, low=-1, high=1), np.array([1, -1, 0, 0])),
                   {'reduction': 'none'}, desc='1d-none')]
    return out


def _hinge(rng, dtype):
    x, y = arr(rng, (3, 4), dtype), _pm1(rng, (3, 4), dtype)
    return _reductions(lambda: ((x, y), {'margin': 0.8}))


def _hinge_top(rng, dtype):
    x, y = arr(rng, (3, 4), dtype), _pm1(rng, (3, 4), dtype)
    return [Sample((x, y, 1.5, 2), desc='sum'), Sample((x, y), {'reduction': 0}, desc='none')]


def _margin_ranking(rng, dtype):
    a, b, y = arr(rng, (6,), dtype), arr(rng, (6,), dtype), _pm1(rng, (6,), dtype)
    return _reductions(lambda: ((a, b, y), {'margin': 0.3}))


def _margin_ranking_top(rng, dtype):
    a, b, y = arr(rng, (6,), dtype), arr(rng, (6,), dtype), _pm1(rng, (6,), dtype)
    return [Sample((a, b, y, 0.5, 0), desc='none'), Sample((a, b, y), desc='mean')]


def _cosine(rng, dtype):
    a, b = arr(rng, (4, 3), dtype), arr(rng, (4, 3), dtype)
    y = np.array([1, -1, 1, -1])
    out = _reductions(lambda: ((a, b, y), {'margin': 0.2}))
    out += [Sample((a[0], b[0], np.array(-1)), {'margin': -0.5}, desc='0d-target')]
    return out


def _cosine_top(rng, dtype):
    a, b = arr(rng, (4, 3), dtype), arr(rng, (4, 3), dtype)
    return [Sample((a, b, np.array([1, -1, 1, -1]), 0.1, 2), desc='sum'),
            Sample((a, b, np.array([1, 1, -1, -1])), {'reduction': 0}, desc='none')]


def _triplet(rng, dtype):
    a, p, n = (arr(rng, (4, 3), dtype) for _ in range(3))
    out = _reductions(lambda: ((a, p, n), {}))
    out += [Sample((a, p, n), {'p': 1, 'swap': True, 'margin': 2.0}, desc='p1-swap'),
            Sample((a, p, n), {'eps': 0.1, 'margin': 0.5, 'reduction': 'none'}, desc='eps'),
            Sample((a[0], p[0], n[0]), {'p': 3}, desc='1d-p3')]
    return out


def _triplet_top(rng, dtype):
    a, p, n = (arr(rng, (4, 3), dtype) for _ in range(3))
    return [Sample((a, p, n, 1.0, 2, 1e-6, False, 0), desc='none'),
            Sample((a, p, n), {'swap': True, 'reduction': 2}, desc='swap-sum'),
            Sample((a, p, n), desc='mean')]


def _triplet_distance(rng, dtype):
    a, p, n = (arr(rng, (4, 3), dtype) for _ in range(3))

    def sq(x, y):
        return (x - y).pow(2).sum(-1)
    return [Sample((a, p, n), desc='default'),
            Sample((a, p, n), {'distance_function': sq, 'swap': True, 'reduction': 'none'},
                   desc='custom-swap'),
            Sample((a, p, n), {'margin': 3.0, 'reduction': 'sum'}, desc='sum')]


# ---- ctc ----------------------------------------------------------------------------------------
def _ctc(rng, dtype):
    T, N, C = 6, 3, 5
    x = arr(rng, (T, N, C), dtype)
    padded = np.array([[1, 2, 2], [3, 1, 0], [4, 4, 4]])
    tl = np.array([3, 2, 1])
    il = np.array([6, 5, 4])
    concat = np.concatenate([padded[i, :tl[i]] for i in range(N)])
    out = _reductions(lambda: ((x, padded, il, tl), {}), 'padded-')
    out += [Sample((x, concat, tuple(il.tolist()), tuple(tl.tolist())), {'reduction': 'sum'},
                   desc='concat-tuples'),
            Sample((x, np.where(padded == 4, 0, padded), il, tl), {'blank': 4, 'reduction': 'none'},
                   desc='blank4'),
            Sample((x, np.array([[1, 1, 1, 1, 1], [2, 3, 2, 3, 1], [1, 2, 3, 4, 1]]),
                    np.array([3, 6, 6]), np.array([5, 5, 0])),
                   {'zero_infinity': True, 'reduction': 'none'}, desc='zero-infinity'),
            Sample((x[:, 0], np.array([1, 3]), np.array(5), np.array(2)), desc='unbatched'),
            Sample((x[:, :1], np.array([[2, 2]]), [6], [2]), {'reduction': 'none'},
                   desc='repeat-labels')]
    return out


def _ctc_raw(rng, dtype):
    """log_probs not from a log_softmax: PyTorch's gradient formula, compared as is."""
    T, N, C = 5, 2, 4
    x = np.log(rng.random((T, N, C)) * 0.5 + 0.05).astype(dtype)
    return [Sample((x, np.array([[1, 2], [3, 3]]), np.array([5, 4]), np.array([2, 2])),
                   desc='raw'),
            Sample((x, np.array([1, 2, 3]), (5, 5), (2, 1)), {'reduction': 'none'},
                   desc='raw-none'),
            Sample((x, np.array([[1, 3], [3, 3]]), np.array([5, 3]), np.array([2, 1])),
                   {'blank': 3}, desc='label-equals-blank')]


def _ctc_call(lib, x, *a, **k):
    return lib.nn.functional.ctc_loss(x.log_softmax(-1), *a, **k)


def _ctc_top_call(lib, x, t, il, tl, *a, **k):
    return lib.ctc_loss(x.log_softmax(-1), t, il, tl, *a, **k)


def _ctc_top(rng, dtype):
    x = arr(rng, (5, 2, 4), dtype)
    return [Sample((x, np.array([[1, 2], [3, 3]]), np.array([5, 4]), np.array([2, 1]), 0, 2),
                   desc='sum'),
            Sample((x, np.array([[1, 2], [3, 3]]), (5, 5), (2, 2), 1, 0, True), desc='none')]


OPS = [
    Op('F.l1_loss', _l1, call=_F('l1_loss')),
    Op('F.mse_loss', _mse, call=_F('mse_loss')),
    Op('F.smooth_l1_loss', _smooth_l1, call=_F('smooth_l1_loss')),
    Op('F.huber_loss', _huber, call=_F('huber_loss')),
    Op('F.cross_entropy', _cross_entropy, call=_F('cross_entropy')),
    Op('F.nll_loss', _nll, call=_F('nll_loss')),
    Op('F.linear_cross_entropy', _linear_ce, call=_F('linear_cross_entropy')),
    Op('F.binary_cross_entropy', _bce, call=_F('binary_cross_entropy')),
    Op('F.binary_cross_entropy_with_logits', _bce_logits,
       call=_F('binary_cross_entropy_with_logits')),
    Op('binary_cross_entropy_with_logits', _bce_logits_top),
    Op('F.kl_div', _kl, call=_F('kl_div')),
    Op('kl_div', _kl_top),
    Op('F.poisson_nll_loss', _poisson, call=_F('poisson_nll_loss')),
    Op('poisson_nll_loss', _poisson_top),
    Op('F.gaussian_nll_loss', _gaussian, call=_F('gaussian_nll_loss')),
    Op('F.soft_margin_loss', _soft_margin, call=_F('soft_margin_loss')),
    Op('F.multilabel_soft_margin_loss', _multilabel_soft_margin,
       call=_F('multilabel_soft_margin_loss')),
    Op('F.multi_margin_loss', _multi_margin, call=_F('multi_margin_loss'), gradgrad=False),
    Op('F.multilabel_margin_loss', _multilabel_margin, call=_F('multilabel_margin_loss'),
       gradgrad=False),
    Op('F.hinge_embedding_loss', _hinge, call=_F('hinge_embedding_loss')),
    Op('hinge_embedding_loss', _hinge_top),
    Op('F.margin_ranking_loss', _margin_ranking, call=_F('margin_ranking_loss')),
    Op('margin_ranking_loss', _margin_ranking_top),
    Op('F.cosine_embedding_loss', _cosine, call=_F('cosine_embedding_loss')),
    Op('cosine_embedding_loss', _cosine_top),
    Op('F.triplet_margin_loss', _triplet, call=_F('triplet_margin_loss')),
    Op('triplet_margin_loss', _triplet_top),
    Op('F.triplet_margin_with_distance_loss', _triplet_distance,
       call=_F('triplet_margin_with_distance_loss')),
    Op('F.ctc_loss', _ctc, call=_ctc_call, gradgrad=False),
    Op('F.ctc_loss[raw-log-probs]', _ctc_raw, call=_F('ctc_loss'), gradcheck=False,
       gradgrad=False),
    Op('ctc_loss', _ctc_top, call=_ctc_top_call, gradgrad=False),
]
