"""Bad input to the losses: ember raises PyTorch's exception type with PyTorch's first
sentence and adds the shapes and the likely fix; warnings and the legacy reduction flags
behave as PyTorch's."""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402


def _first_sentence(msg):
    msg = msg.split('\n')[0].strip()
    cut = msg.find('. ')
    return msg if cut < 0 else msg[:cut + 1]


def _same_error(fn):
    """Run ``fn(lib)`` on torch and ember; both raise the same type, ember's message starts
    with PyTorch's first sentence."""
    with pytest.raises(Exception) as t:
        fn(torch)
    with pytest.raises(Exception) as e:
        fn(ember)
    assert type(e.value) is type(t.value), (type(e.value), e.value, type(t.value), t.value)
    first = _first_sentence(str(t.value))
    assert str(e.value).startswith(first), (str(e.value), first)
    return e.value


def F(lib):
    return lib.nn.functional


def _x(lib, *shape, dtype=None):
    g = np.random.default_rng(0)
    return lib.tensor(g.standard_normal(shape).astype(np.float32), dtype=dtype)


def _p(lib, *shape):
    return lib.tensor(np.random.default_rng(1).uniform(0.1, 0.9, shape).astype(np.float32))


def _bwd(lib, fn):
    x = _x(lib, 3).requires_grad_()
    fn(lib, x).backward()


def _double_bwd(lib, fn, x):
    x = x.requires_grad_()
    g, = lib.autograd.grad(fn(lib, x), x, create_graph=True)
    g.sum().backward()


_LP = np.log(np.full((4, 2, 3), 1 / 3, np.float32))

CASES = {
    # class indices
    'ce-target-out-of-range': lambda lib: F(lib).cross_entropy(_x(lib, 3, 10),
                                                                lib.tensor([1, 12, 2])),
    'ce-target-negative': lambda lib: F(lib).cross_entropy(_x(lib, 3, 10),
                                                            lib.tensor([1, -1, 2])),
    'nll-target-out-of-range': lambda lib: F(lib).nll_loss(_x(lib, 3, 4), lib.tensor([0, 4, 1])),
    'nll-4d-target-out-of-range': lambda lib: F(lib).nll_loss(
        _x(lib, 2, 3, 2, 2), lib.full((2, 2, 2), 7)),
    'ce-unbatched-out-of-range': lambda lib: F(lib).cross_entropy(_x(lib, 3), lib.tensor(3)),
    'ce-float-class-target': lambda lib: F(lib).cross_entropy(_x(lib, 3, 4),
                                                               lib.tensor([1., 0., 2.])),
    'ce-int32-class-target': lambda lib: F(lib).cross_entropy(
        _x(lib, 3, 4), lib.tensor([1, 0, 2], dtype=lib.int32)),
    'ce-long-probabilities': lambda lib: F(lib).cross_entropy(
        _x(lib, 3, 4), lib.ones(3, 4, dtype=lib.long)),
    'ce-batch-mismatch': lambda lib: F(lib).cross_entropy(_x(lib, 4, 10),
                                                           lib.tensor([1, 0, 2])),
    'nll-batch-mismatch': lambda lib: F(lib).nll_loss(_x(lib, 4, 10), lib.tensor([1, 0, 2])),
    'CrossEntropyLoss-batch-mismatch': lambda lib: lib.nn.CrossEntropyLoss()(
        _x(lib, 4, 10), lib.tensor([1, 0, 2])),
    'ce-2d-target': lambda lib: F(lib).cross_entropy(_x(lib, 3, 4), lib.zeros(3, 1,
                                                                             dtype=lib.long)),
    'ce-3d-target-size': lambda lib: F(lib).cross_entropy(_x(lib, 2, 4, 5),
                                                           lib.zeros(2, 6, dtype=lib.long)),
    'ce-4d-target-size': lambda lib: F(lib).cross_entropy(_x(lib, 2, 4, 5, 5),
                                                           lib.zeros(2, 5, 6, dtype=lib.long)),
    'ce-4d-target-dims': lambda lib: F(lib).cross_entropy(_x(lib, 2, 4, 5, 5),
                                                           lib.zeros(2, 25, dtype=lib.long)),
    'nll-1d-input-2-targets': lambda lib: F(lib).nll_loss(_x(lib, 4), lib.tensor([0, 1])),
    'nll-0d-input': lambda lib: F(lib).nll_loss(lib.tensor(1.), lib.tensor(0)),
    'ce-weight-size': lambda lib: F(lib).cross_entropy(_x(lib, 3, 4), lib.tensor([1, 0, 2]),
                                                       weight=lib.ones(3)),
    'ce-weight-dtype': lambda lib: F(lib).cross_entropy(_x(lib, 3, 4), lib.tensor([1, 0, 2]),
                                                        weight=lib.ones(4, dtype=lib.float64)),
    'ce-probabilities-ignore-index': lambda lib: F(lib).cross_entropy(
        _x(lib, 3, 4), _p(lib, 3, 4), ignore_index=1),
    'ce-label-smoothing-gt-1': lambda lib: F(lib).cross_entropy(
        _x(lib, 3, 4), lib.tensor([1, 0, 2]), label_smoothing=1.5),
    'ce-bad-reduction': lambda lib: F(lib).cross_entropy(_x(lib, 3, 4), lib.tensor([1, 0, 2]),
                                                         reduction='avg'),
    'ce-int-reduction': lambda lib: F(lib).mse_loss(_x(lib, 3), _x(lib, 3), reduction=1),
    'ce-long-input': lambda lib: F(lib).cross_entropy(lib.ones(3, 4, dtype=lib.long),
                                                      lib.tensor([1, 0, 2])),
    'nll-long-input': lambda lib: F(lib).nll_loss(lib.ones(3, 4, dtype=lib.long),
                                                  lib.tensor([1, 0, 2])),
    'nll-weight-requires-grad': lambda lib: F(lib).nll_loss(
        _x(lib, 3, 4).requires_grad_(), lib.tensor([1, 0, 2]),
        weight=lib.ones(4, requires_grad=True)),
    # binary cross entropy
    'bce-long-target': lambda lib: F(lib).binary_cross_entropy(_p(lib, 3),
                                                               lib.tensor([1, 0, 1])),
    'bce-double-target': lambda lib: F(lib).binary_cross_entropy(
        _p(lib, 3), lib.tensor([1., 0., 1.], dtype=lib.float64)),
    'bce-input-above-1': lambda lib: F(lib).binary_cross_entropy(lib.tensor([1.5, 0.2]),
                                                                 lib.tensor([1., 0.])),
    'bce-input-negative': lambda lib: F(lib).binary_cross_entropy(lib.tensor([-0.5, 0.2]),
                                                                  lib.tensor([1., 0.])),
    'bce-input-nan': lambda lib: F(lib).binary_cross_entropy(lib.tensor([float('nan'), 0.2]),
                                                             lib.tensor([1., 0.])),
    'BCELoss-logits': lambda lib: lib.nn.BCELoss()(_x(lib, 4) * 3, lib.ones(4)),
    'bce-target-above-1': lambda lib: F(lib).binary_cross_entropy(lib.tensor([0.5, 0.2]),
                                                                  lib.tensor([1.5, 0.])),
    'bce-shape': lambda lib: F(lib).binary_cross_entropy(_p(lib, 3, 1), _p(lib, 3)),
    'bce-weight-shape': lambda lib: F(lib).binary_cross_entropy(_p(lib, 2, 3), _p(lib, 2, 3),
                                                                weight=lib.ones(2)),
    'bce-long-input': lambda lib: F(lib).binary_cross_entropy(lib.ones(3, dtype=lib.long),
                                                              lib.ones(3, dtype=lib.long)),
    'bce-weight-requires-grad': lambda lib: F(lib).binary_cross_entropy(
        _p(lib, 3).requires_grad_(), _p(lib, 3), weight=lib.ones(3, requires_grad=True)),
    'bcel-long-target': lambda lib: F(lib).binary_cross_entropy_with_logits(
        _x(lib, 3), lib.tensor([1, 0, 1])),
    'bcel-bool-target': lambda lib: F(lib).binary_cross_entropy_with_logits(
        _x(lib, 3), lib.tensor([True, False, True])),
    'bcel-shape': lambda lib: F(lib).binary_cross_entropy_with_logits(_x(lib, 3, 1),
                                                                      _p(lib, 3)),
    'bcel-long-input': lambda lib: F(lib).binary_cross_entropy_with_logits(
        lib.ones(3, dtype=lib.long), _p(lib, 3)),
    'bcel-pos-weight-requires-grad': lambda lib: F(lib).binary_cross_entropy_with_logits(
        _x(lib, 3), _p(lib, 3), pos_weight=lib.ones(3, requires_grad=True)),
    # regression
    'mse-both-long': lambda lib: F(lib).mse_loss(lib.tensor([1, 2, 3]), lib.tensor([1, 0, 1])),
    'mse-not-broadcastable': lambda lib: F(lib).mse_loss(_x(lib, 3), _x(lib, 4)),
    'l1-both-long': lambda lib: F(lib).l1_loss(lib.tensor([1, 2, 3]), lib.tensor([1, 0, 1])),
    'mse-weight-shape': lambda lib: F(lib).mse_loss(_x(lib, 3), _x(lib, 3), weight=lib.ones(2)),
    'smooth-l1-negative-beta': lambda lib: F(lib).smooth_l1_loss(_x(lib, 3), _x(lib, 3),
                                                                 beta=-1.0),
    'huber-zero-delta': lambda lib: F(lib).huber_loss(_x(lib, 3), _x(lib, 3), delta=0.0),
    'huber-long-target-backward': lambda lib: _bwd(
        lib, lambda lib, x: F(lib).huber_loss(x, lib.tensor([1, 0, 1]))),
    'HuberLoss-delta-type': lambda lib: lib.nn.HuberLoss(delta='1'),
    # kl / poisson / gaussian
    'kl-long': lambda lib: F(lib).kl_div(_x(lib, 3), lib.tensor([1, 0, 1]), reduction='sum'),
    'poisson-bad-reduction': lambda lib: F(lib).poisson_nll_loss(_x(lib, 3), _x(lib, 3),
                                                                 reduction='avg'),
    'gaussian-negative-var': lambda lib: F(lib).gaussian_nll_loss(_x(lib, 3), _x(lib, 3),
                                                                  -lib.ones(3)),
    'gaussian-negative-float-var': lambda lib: F(lib).gaussian_nll_loss(_x(lib, 3), _x(lib, 3),
                                                                        -1.0),
    'gaussian-var-size': lambda lib: F(lib).gaussian_nll_loss(_x(lib, 4, 3), _x(lib, 4, 3),
                                                              lib.ones(2, 2)),
    'gaussian-bad-reduction': lambda lib: F(lib).gaussian_nll_loss(_x(lib, 3), _x(lib, 3),
                                                                   lib.ones(3), reduction='x'),
    # margin losses
    'multi-margin-target-out-of-range': lambda lib: F(lib).multi_margin_loss(
        _x(lib, 1, 3), lib.tensor([5])),
    'multi-margin-float-target': lambda lib: F(lib).multi_margin_loss(_x(lib, 1, 3),
                                                                      lib.tensor([1.])),
    'multi-margin-p3': lambda lib: F(lib).multi_margin_loss(_x(lib, 1, 3), lib.tensor([1]),
                                                            p=3),
    'multi-margin-weight-2d': lambda lib: F(lib).multi_margin_loss(
        _x(lib, 1, 3), lib.tensor([1]), weight=lib.ones(3, 1)),
    'multi-margin-target-size': lambda lib: F(lib).multi_margin_loss(_x(lib, 2, 3),
                                                                     lib.tensor([1])),
    'multi-margin-empty': lambda lib: F(lib).multi_margin_loss(_x(lib, 2, 0),
                                                               lib.zeros(2, dtype=lib.long)),
    'MultiMarginLoss-p3': lambda lib: lib.nn.MultiMarginLoss(p=3),
    'MultiMarginLoss-weight-2d': lambda lib: lib.nn.MultiMarginLoss(weight=lib.ones(2, 2)),
    'multilabel-margin-out-of-range': lambda lib: F(lib).multilabel_margin_loss(
        _x(lib, 1, 3), lib.tensor([[5, 0, -1]])),
    'multilabel-margin-float-target': lambda lib: F(lib).multilabel_margin_loss(
        _x(lib, 1, 3), lib.tensor([[1., 0, -1]])),
    'multilabel-margin-target-size': lambda lib: F(lib).multilabel_margin_loss(
        _x(lib, 2, 3), lib.tensor([[1, 0, -1]])),
    'soft-margin-target-requires-grad': lambda lib: F(lib).soft_margin_loss(
        _x(lib, 3), _x(lib, 3).requires_grad_()),
    'margin-ranking-dims': lambda lib: F(lib).margin_ranking_loss(_x(lib, 3), _x(lib, 3),
                                                                  _x(lib, 1, 3)),
    'cosine-2d-target': lambda lib: F(lib).cosine_embedding_loss(_x(lib, 2, 3), _x(lib, 2, 3),
                                                                 lib.ones(2, 1)),
    'cosine-1d-target-1d-inputs': lambda lib: F(lib).cosine_embedding_loss(
        _x(lib, 3), _x(lib, 3), lib.ones(3)),
    'cosine-0d-target-2d-inputs': lambda lib: F(lib).cosine_embedding_loss(
        _x(lib, 2, 3), _x(lib, 2, 3), lib.tensor(1.)),
    'triplet-margin-zero': lambda lib: F(lib).triplet_margin_loss(_x(lib, 2, 3), _x(lib, 2, 3),
                                                                  _x(lib, 2, 3), margin=0.0),
    'triplet-dims': lambda lib: F(lib).triplet_margin_loss(_x(lib, 2, 3), _x(lib, 2, 3),
                                                           _x(lib, 3)),
    'TripletMarginLoss-margin': lambda lib: lib.nn.TripletMarginLoss(margin=-1.0),
    'triplet-distance-reduction': lambda lib: F(lib).triplet_margin_with_distance_loss(
        _x(lib, 2, 3), _x(lib, 2, 3), _x(lib, 2, 3), reduction='avg'),
    'triplet-distance-dims': lambda lib: F(lib).triplet_margin_with_distance_loss(
        _x(lib, 2, 3), _x(lib, 2, 3), _x(lib, 3)),
    'TripletMarginWithDistanceLoss-margin': lambda lib: lib.nn.TripletMarginWithDistanceLoss(
        margin=0),
    # ctc
    'ctc-input-length-too-long': lambda lib: F(lib).ctc_loss(
        lib.tensor(_LP), lib.tensor([[1, 2], [1, 1]]), [5, 4], [2, 2]),
    'ctc-negative-target-length': lambda lib: F(lib).ctc_loss(
        lib.tensor(_LP), lib.tensor([[1, 2], [1, 1]]), [4, 4], [2, -1]),
    'ctc-target-lengths-size': lambda lib: F(lib).ctc_loss(
        lib.tensor(_LP), lib.tensor([[1, 2], [1, 1]]), [4, 4], [2]),
    'ctc-input-lengths-size': lambda lib: F(lib).ctc_loss(
        lib.tensor(_LP), lib.tensor([[1, 2], [1, 1]]), [4], [2, 2]),
    'ctc-padded-too-short': lambda lib: F(lib).ctc_loss(
        lib.tensor(_LP), lib.tensor([[1, 2], [1, 1]]), [4, 4], [3, 2]),
    'ctc-concatenated-size': lambda lib: F(lib).ctc_loss(
        lib.tensor(_LP), lib.tensor([1, 2, 1]), [4, 4], [2, 2]),
    'ctc-blank-out-of-range': lambda lib: F(lib).ctc_loss(
        lib.tensor(_LP), lib.tensor([[1, 2], [1, 1]]), [4, 4], [2, 2], blank=3),
    'ctc-float-lengths': lambda lib: F(lib).ctc_loss(
        lib.tensor(_LP), lib.tensor([[1, 2], [1, 1]]), lib.tensor([4., 4.]), lib.tensor([2, 2])),
    'ctc-4d-log-probs': lambda lib: F(lib).ctc_loss(
        lib.tensor(_LP)[None], lib.tensor([[1, 2], [1, 1]]), [4, 4], [2, 2]),
    'ctc-3d-targets': lambda lib: F(lib).ctc_loss(
        lib.tensor(_LP), lib.ones(2, 2, 1, dtype=lib.long), [4, 4], [2, 2]),
    # double backward where PyTorch has none
    'multi-margin-double-backward': lambda lib: _double_bwd(
        lib, lambda lib, x: F(lib).multi_margin_loss(x, lib.tensor([1, 0])), _x(lib, 2, 3)),
    'multilabel-margin-double-backward': lambda lib: _double_bwd(
        lib, lambda lib, x: F(lib).multilabel_margin_loss(x, lib.tensor([[1, -1, 0]])),
        _x(lib, 1, 3)),
    'ctc-double-backward': lambda lib: _double_bwd(
        lib, lambda lib, x: F(lib).ctc_loss(x, lib.tensor([[1, 2], [1, 1]]), [4, 4], [2, 2]),
        lib.tensor(_LP)),
    # the torch.xxx spellings take the reduction as an int
    'torch.kl_div-string-reduction': lambda lib: lib.kl_div(_x(lib, 3), _x(lib, 3),
                                                            reduction='sum'),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_same_error(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        _same_error(CASES[name])


# ---- the hints ember adds ---------------------------------------------------------------------------
def _message(fn):
    with pytest.raises(Exception) as e:
        fn(ember)
    return str(e.value)


def test_out_of_range_target_names_the_classes():
    msg = _message(CASES['ce-target-out-of-range'])
    assert msg.startswith('Target 12 is out of bounds.')
    assert 'outputs 10 classes' in msg and '[3, 10]' in msg and '[0, 9]' in msg


def test_float_class_target_hint():
    assert 'target.long()' in _message(CASES['ce-float-class-target'])


def test_batch_mismatch_shows_shapes():
    msg = _message(CASES['ce-batch-mismatch'])
    assert msg.startswith('Expected input batch_size (4) to match target batch_size (3).')
    assert '[4, 10]' in msg and '[3]' in msg


def test_bce_int_target_hint():
    assert 'target.float()' in _message(CASES['bce-long-target'])
    assert 'target.float()' in _message(CASES['bcel-long-target'])


def test_bce_range_hint():
    msg = _message(CASES['BCELoss-logits'])
    assert msg.startswith('all elements of input should be between 0 and 1')
    assert 'BCEWithLogitsLoss' in msg and 'sigmoid' in msg


def test_mse_shape_warning():
    msgs = []
    for lib in (torch, ember):
        with pytest.warns(UserWarning) as rec:
            out = F(lib).mse_loss(_x(lib, 3, 1), _x(lib, 3))
        msgs.append([str(w.message) for w in rec])
        assert tuple(out.shape) == ()
    assert msgs[0] == msgs[1]
    assert msgs[1][0].startswith('Using a target size (torch.Size([3])) that is different to '
                                 'the input size (torch.Size([3, 1])).')


@pytest.mark.parametrize('fn', ['l1_loss', 'smooth_l1_loss', 'huber_loss'])
def test_shape_warning_other_regressions(fn):
    with pytest.warns(UserWarning, match='Using a target size'):
        getattr(F(ember), fn)(_x(ember, 2, 1), _x(ember, 2))


def test_mse_with_long_target_works_as_torch():
    vals = []
    for lib in (torch, ember):
        x = _x(lib, 3).requires_grad_()
        loss = F(lib).mse_loss(x, lib.tensor([1, 0, 1]))
        loss.backward()
        vals.append((loss.item(), x.grad.numpy().copy()))
    assert abs(vals[0][0] - vals[1][0]) < 1e-6
    np.testing.assert_allclose(vals[0][1], vals[1][1], rtol=1e-6)


# ---- reductions: legacy flags, warnings ------------------------------------------------------------
_LEGACY = [(None, False), (False, None), (True, False), (False, True), (True, True),
           (None, True), (True, None)]


@pytest.mark.parametrize('size_average,reduce', _LEGACY)
def test_legacy_reduction_flags(size_average, reduce):
    for name, args in (('mse_loss', lambda lib: (_x(lib, 2, 3), _x(lib, 2, 3))),
                       ('cross_entropy', lambda lib: (_x(lib, 3, 4), lib.tensor([1, 0, 2]))),
                       ('kl_div', lambda lib: (_x(lib, 2, 3), _p(lib, 2, 3))),
                       ('multi_margin_loss', lambda lib: (_x(lib, 3, 4), lib.tensor([1, 0, 2])))):
        outs, msgs = [], []
        for lib in (torch, ember):
            with pytest.warns(UserWarning) as rec:
                out = getattr(F(lib), name)(*args(lib), size_average=size_average, reduce=reduce)
            outs.append(out)
            msgs.append([str(w.message) for w in rec])
        assert msgs[0] == msgs[1], name
        assert tuple(outs[0].shape) == tuple(outs[1].shape), name
        np.testing.assert_allclose(outs[1].numpy(), outs[0].numpy(), rtol=1e-6, err_msg=name)


def test_legacy_flags_in_modules():
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match="reduction='sum'"):
            assert lib.nn.MSELoss(size_average=False).reduction == 'sum'
        with pytest.warns(UserWarning, match="reduction='none'"):
            assert lib.nn.NLLLoss(reduce=False).reduction == 'none'


def test_kl_div_mean_warning():
    msgs = []
    for lib in (torch, ember):
        with pytest.warns(UserWarning) as rec:
            F(lib).kl_div(_x(lib, 2, 3), _p(lib, 2, 3))
        msgs.append([str(w.message) for w in rec])
    assert msgs[0] == msgs[1]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        F(ember).kl_div(_x(ember, 2, 3), _p(ember, 2, 3), reduction='batchmean')
        ember.kl_div(_x(ember, 2, 3), _p(ember, 2, 3), 1)


def test_nllloss2d_is_deprecated():
    for lib in (torch, ember):
        with pytest.warns(FutureWarning, match='`NLLLoss2d` has been deprecated'):
            lib.nn.NLLLoss2d()


def test_elementwise_mean_is_deprecated():
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match='elementwise_mean'):
            F(lib).mse_loss(_x(lib, 3), _x(lib, 3), reduction='elementwise_mean')


# ---- the torch.xxx spellings -------------------------------------------------------------------------
def test_top_level_losses_default_to_no_reduction():
    x, y = (np.random.default_rng(2).standard_normal((3, 4)).astype(np.float32)
            for _ in range(2))
    for name, args in (('binary_cross_entropy_with_logits', (x, 1 / (1 + np.exp(-y)))),
                       ('kl_div', (x, np.exp(y))),
                       ('hinge_embedding_loss', (x, np.sign(y))),
                       ('margin_ranking_loss', (x[0], y[0], np.sign(y[1]))),
                       ('cosine_embedding_loss', (x, y, np.array([1, -1, 1]))),
                       ('triplet_margin_loss', (x, y, x * y))):
        outs = [getattr(lib, name)(*[lib.tensor(a) for a in args]) for lib in (torch, ember)]
        assert tuple(outs[0].shape) == tuple(outs[1].shape), name
        np.testing.assert_allclose(outs[1].numpy(), outs[0].numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=name)


def test_top_level_names_are_the_torch_spellings():
    from ember._ops.nn_loss import TOP_LEVEL
    for name, fn in TOP_LEVEL.items():
        assert getattr(ember, name) is fn
        assert getattr(ember.nn.functional, name) is not fn


def test_top_level_string_reduction_is_a_type_error():
    with pytest.raises(TypeError):
        torch.ctc_loss(torch.tensor(_LP), torch.tensor([[1, 2], [1, 1]]), [4, 4], [2, 2], 0,
                       'mean')
    with pytest.raises(TypeError, match="argument 'reduction' must be int, not str"):
        ember.ctc_loss(ember.tensor(_LP), ember.tensor([[1, 2], [1, 1]]), [4, 4], [2, 2], 0,
                       'mean')


# ---- modules: buffers and state_dict -----------------------------------------------------------------
def test_weight_buffers_in_state_dict():
    for build in (lambda lib: lib.nn.BCEWithLogitsLoss(weight=lib.ones(3),
                                                       pos_weight=lib.full((3,), 2.0)),
                  lambda lib: lib.nn.BCEWithLogitsLoss(pos_weight=lib.ones(3)),
                  lambda lib: lib.nn.CrossEntropyLoss(weight=lib.ones(3)),
                  lambda lib: lib.nn.NLLLoss(),
                  lambda lib: lib.nn.MultiMarginLoss(weight=lib.ones(3))):
        ts, es = build(torch).state_dict(), build(ember).state_dict()
        assert list(ts) == list(es)
        for k in ts:
            np.testing.assert_array_equal(ts[k].numpy(), es[k].numpy())
        assert [n for n, _ in build(ember).named_buffers()] == \
            [n for n, _ in build(torch).named_buffers()]


def test_loss_module_reprs():
    for build in (lambda lib: lib.nn.CrossEntropyLoss(weight=lib.ones(3), label_smoothing=0.1),
                  lambda lib: lib.nn.MSELoss(), lambda lib: lib.nn.CTCLoss(blank=2),
                  lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=2.0),
                  lambda lib: lib.nn.LinearCrossEntropyLoss(4, 3, out_features=(2,), bias=True,
                                                            reduction='sum', ignore_index=1),
                  lambda lib: lib.nn.LinearCrossEntropyLoss(
                      4, 3, options=lib.nn.LinearCrossEntropyOptions()),
                  lambda lib: lib.nn.HuberLoss(delta=2)):
        assert repr(build(ember)) == repr(build(torch))


# ---- graph structure: PyTorch's grad_fn names ------------------------------------------------------
def _xg(lib, *shape, low=None):
    a = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    if low is not None:
        a = np.abs(a) % 0.8 + low
    return lib.tensor(a).requires_grad_()


_GRAPHS = {
    'l1': lambda lib, r: F(lib).l1_loss(_xg(lib, 3, 4), _x(lib, 3, 4), reduction=r),
    'l1-weight': lambda lib, r: F(lib).l1_loss(_xg(lib, 3, 4), _x(lib, 3, 4), reduction=r,
                                               weight=_p(lib, 3, 4)),
    'mse': lambda lib, r: F(lib).mse_loss(_xg(lib, 3, 4), _x(lib, 3, 4), reduction=r),
    'smooth_l1': lambda lib, r: F(lib).smooth_l1_loss(_xg(lib, 3, 4), _x(lib, 3, 4),
                                                      reduction=r),
    'smooth_l1-beta0': lambda lib, r: F(lib).smooth_l1_loss(_xg(lib, 3, 4), _x(lib, 3, 4),
                                                            reduction=r, beta=0.0),
    'huber': lambda lib, r: F(lib).huber_loss(_xg(lib, 3, 4), _x(lib, 3, 4), reduction=r),
    'cross_entropy': lambda lib, r: F(lib).cross_entropy(_xg(lib, 3, 4), lib.tensor([1, 0, 3]),
                                                         reduction=r),
    'cross_entropy-3d': lambda lib, r: F(lib).cross_entropy(
        _xg(lib, 2, 4, 3), lib.tensor([[1, 0, 3], [2, 2, 0]]), reduction=r),
    'cross_entropy-smoothing': lambda lib, r: F(lib).cross_entropy(
        _xg(lib, 3, 4), lib.tensor([1, 0, 3]), reduction=r, label_smoothing=0.1),
    'cross_entropy-probabilities': lambda lib, r: F(lib).cross_entropy(
        _xg(lib, 3, 4), _p(lib, 3, 4), reduction=r),
    'nll-4d': lambda lib, r: F(lib).nll_loss(_xg(lib, 2, 4, 2, 2),
                                             lib.zeros(2, 2, 2, dtype=lib.long), reduction=r),
    'bce': lambda lib, r: F(lib).binary_cross_entropy(_xg(lib, 3, 4, low=0.1), _p(lib, 3, 4),
                                                      reduction=r),
    'bce_with_logits': lambda lib, r: F(lib).binary_cross_entropy_with_logits(
        _xg(lib, 3, 4), _p(lib, 3, 4), reduction=r, pos_weight=lib.ones(4)),
    'kl_div': lambda lib, r: F(lib).kl_div(_xg(lib, 3, 4), _p(lib, 3, 4),
                                           reduction='batchmean' if r == 'mean' else r),
    'kl_div-log-target': lambda lib, r: F(lib).kl_div(
        _xg(lib, 3, 4), _x(lib, 3, 4), reduction='batchmean' if r == 'mean' else r,
        log_target=True),
    'poisson': lambda lib, r: F(lib).poisson_nll_loss(_xg(lib, 3, 4), _p(lib, 3, 4) * 3,
                                                      reduction=r, full=True),
    'gaussian': lambda lib, r: F(lib).gaussian_nll_loss(_xg(lib, 3, 4), _x(lib, 3, 4),
                                                        _p(lib, 3, 4), reduction=r),
    'cosine': lambda lib, r: F(lib).cosine_embedding_loss(
        _xg(lib, 3, 4), _x(lib, 3, 4), lib.tensor([1, -1, 1]), reduction=r),
    'margin_ranking': lambda lib, r: F(lib).margin_ranking_loss(
        _xg(lib, 4), _x(lib, 4), lib.tensor([1., -1., 1., 1.]), reduction=r),
    'hinge': lambda lib, r: F(lib).hinge_embedding_loss(_xg(lib, 3, 4), _x(lib, 3, 4).sign(),
                                                        reduction=r),
    'soft_margin': lambda lib, r: F(lib).soft_margin_loss(_xg(lib, 3, 4), _x(lib, 3, 4).sign(),
                                                          reduction=r),
    'multilabel_soft_margin': lambda lib, r: F(lib).multilabel_soft_margin_loss(
        _xg(lib, 3, 4), _p(lib, 3, 4).round(), reduction=r),
    'multi_margin': lambda lib, r: F(lib).multi_margin_loss(_xg(lib, 3, 4),
                                                            lib.tensor([1, 0, 3]), reduction=r),
    'multilabel_margin': lambda lib, r: F(lib).multilabel_margin_loss(
        _xg(lib, 3, 4), lib.tensor([[1, 2, -1, 0]] * 3), reduction=r),
    'triplet': lambda lib, r: F(lib).triplet_margin_loss(_xg(lib, 3, 4), _x(lib, 3, 4),
                                                         _p(lib, 3, 4), reduction=r),
    'ctc': lambda lib, r: F(lib).ctc_loss(lib.tensor(_LP).requires_grad_(),
                                          lib.tensor([[1, 2], [1, 1]]), [4, 4], [2, 2],
                                          reduction=r),
    'ctc-zero-infinity': lambda lib, r: F(lib).ctc_loss(
        lib.tensor(_LP).requires_grad_(), lib.tensor([[1, 2], [1, 1]]), [4, 4], [2, 2],
        reduction=r, zero_infinity=True),
}


def _names(fn):
    out = []
    stack = [fn]
    while stack and len(out) < 6:
        f = stack.pop(0)
        if f is None:
            continue
        out.append(f.name())
        stack.extend(n for n, _ in getattr(f, 'next_functions', ()))
    return out


@pytest.mark.parametrize('reduction', ['none', 'mean', 'sum'])
@pytest.mark.parametrize('name', sorted(_GRAPHS))
def test_grad_fn_names(name, reduction):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        t = _GRAPHS[name](torch, reduction)
        e = _GRAPHS[name](ember, reduction)
    assert e.grad_fn.name() == t.grad_fn.name()
    assert _names(e.grad_fn)[:3] == _names(t.grad_fn)[:3]
