"""AdaptiveLogSoftmaxWithLoss against torch 2.13: construction (parameters drawn after
``manual_seed``), forward output/loss/gradients, log_prob, every predict branch and errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def _pair(*args, **kw):
    """The same layer built in ember and torch after ``manual_seed(0)`` (no state copied)."""
    mods = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        mods.append(lib.nn.AdaptiveLogSoftmaxWithLoss(*args, **kw))
    return mods


def _np(t):
    return t.detach().numpy()


def _inputs(shape, targets, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return ((ember.tensor(x, requires_grad=True), ember.tensor(targets)),
            (torch.tensor(x, requires_grad=True), torch.tensor(targets)))


@pytest.mark.parametrize('kw', [dict(), dict(div_value=2.0, head_bias=True)])
def test_parameters_drawn_as_torch(kw):
    em, tm = _pair(64, 20, [5, 10, 15], **kw)
    assert repr(em) == repr(tm)
    es, ts = em.state_dict(), tm.state_dict()
    assert list(es) == list(ts)
    for k in ts:
        assert str(es[k].dtype) == str(ts[k].dtype), k
        np.testing.assert_allclose(_np(es[k]), _np(ts[k]), rtol=1e-6, atol=0, err_msg=k)
    for attr in ('in_features', 'n_classes', 'cutoffs', 'div_value', 'head_bias',
                 'shortlist_size', 'n_clusters', 'head_size'):
        assert getattr(em, attr) == getattr(tm, attr), attr


def test_dtype_argument():
    ember.manual_seed(0)
    em = ember.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, dtype=ember.float64)
    torch.manual_seed(0)
    tm = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, dtype=torch.float64)
    for (k, e), t in zip(em.state_dict().items(), tm.state_dict().values()):
        assert e.dtype == ember.float64, k
        np.testing.assert_allclose(_np(e), _np(t), rtol=1e-12, err_msg=k)
    x = np.random.default_rng(2).standard_normal((3, 8))
    eo = em(ember.tensor(x), ember.tensor([1, 5, 9]))
    to = tm(torch.tensor(x), torch.tensor([1, 5, 9]))
    assert eo.output.dtype == ember.float64
    np.testing.assert_allclose(_np(eo.output), _np(to.output), rtol=1e-12)


def test_reset_parameters_redraws_as_torch():
    em, tm = _pair(8, 10, [3, 6], div_value=2.0, head_bias=True)
    ember.manual_seed(5)
    torch.manual_seed(5)
    em.reset_parameters()
    tm.reset_parameters()
    for (k, e), t in zip(em.state_dict().items(), tm.state_dict().values()):
        np.testing.assert_allclose(_np(e), _np(t), rtol=1e-6, err_msg=k)


def test_forward_output_loss_and_gradients():
    em, tm = _pair(16, 20, [5, 10, 15], div_value=2.0)
    targets = [0, 19, 7, 4, 12, 15, 9, 3]
    (ex, et), (tx, tt) = _inputs((8, 16), targets)
    eo, to = em(ex, et), tm(tx, tt)
    assert type(eo).__name__ == '_ASMoutput' and eo._fields == ('output', 'loss')
    assert repr(eo) == repr(to)
    np.testing.assert_allclose(_np(eo.output), _np(to.output), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(eo.loss), _np(to.loss), rtol=1e-5)
    eo.loss.backward()
    to.loss.backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-7)
    for (k, ep), tp in zip(em.named_parameters(), tm.parameters()):
        np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-7,
                                   err_msg=k)


def test_loss_is_mean_nll_of_log_prob():
    em, _ = _pair(8, 10, [3, 6], div_value=2.0)
    (ex, et), _ = _inputs((5, 8), [0, 3, 6, 9, 2])
    full = em.log_prob(ex)
    picked = full.gather(1, et.unsqueeze(1)).squeeze(1)
    out = em(ex, et)
    np.testing.assert_allclose(_np(out.output), _np(picked), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(out.loss), -_np(picked).mean(), rtol=1e-5)
    np.testing.assert_allclose(np.exp(_np(full)).sum(1), np.ones(5), rtol=1e-5)


def test_unbatched_matches_torch():
    em, tm = _pair(8, 10, [3, 6], div_value=2.0)
    x = np.random.default_rng(1).standard_normal(8).astype(np.float32)
    eo, to = em(ember.tensor(x), ember.tensor(7)), tm(torch.tensor(x), torch.tensor(7))
    assert tuple(eo.output.shape) == tuple(to.output.shape) == ()
    np.testing.assert_allclose(_np(eo.output), _np(to.output), rtol=1e-5)
    np.testing.assert_allclose(_np(eo.loss), _np(to.loss), rtol=1e-5)


def test_log_prob_matches_torch():
    em, tm = _pair(16, 20, [5, 10, 15], div_value=2.0, head_bias=True)
    (ex, _), (tx, _) = _inputs((6, 16), [0] * 6, seed=3)
    el, tl = em.log_prob(ex), tm.log_prob(tx)
    assert repr(el.grad_fn.name()) == repr(tl.grad_fn.name())
    np.testing.assert_allclose(_np(el), _np(tl), rtol=1e-5, atol=1e-6)


def _steer_head(mods, branch):
    """Edit the head so its argmax lands in the shortlist, in a tail cluster, or in both."""
    with torch.no_grad(), ember.no_grad():
        for m in mods:
            if branch == 'all-shortlist':
                m.head.bias[0] = 50.0
            elif branch == 'all-tail':
                m.head.bias[4] = 50.0         # column 4 = the first cluster
            elif branch == 'mixed':           # the sign of feature 0 picks column 0 or 4
                m.head.weight[0, 0] = -100.0
                m.head.weight[4, 0] = 100.0


@pytest.mark.parametrize('branch', ['natural', 'all-shortlist', 'all-tail', 'mixed'])
def test_predict_every_branch(branch):
    em, tm = _pair(8, 10, [4, 7], div_value=2.0, head_bias=True)
    _steer_head((em, tm), branch)
    x = np.random.default_rng(4).standard_normal((10, 8)).astype(np.float32)
    x[:, 0] = np.where(np.arange(10) % 2 == 0, -1.0, 1.0)
    ex, tx = ember.tensor(x), torch.tensor(x)
    head_best = em.head(ex).argmax(1).numpy()
    in_tail = head_best >= em.shortlist_size
    expected_tail = {'all-shortlist': [False], 'all-tail': [True], 'mixed': [False, True]}
    if branch in expected_tail:
        assert sorted(set(in_tail.tolist())) == expected_tail[branch]
    ep, tp = em.predict(ex), tm.predict(tx)
    assert ep.dtype == ember.int64
    np.testing.assert_array_equal(ep.numpy(), tp.numpy())
    np.testing.assert_array_equal(ep.numpy(), em.log_prob(ex).argmax(1).numpy())


@pytest.mark.parametrize('cutoffs', [[], [5, 3], [3, 3], [0, 4], [3, 10], [2.5, 4]],
                         ids=['empty', 'unsorted', 'duplicate', 'zero', 'too-large', 'float'])
def test_bad_cutoffs_raise_value_error(cutoffs):
    with pytest.raises(ValueError) as te:
        torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)
    with pytest.raises(ValueError) as ee:
        ember.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)
    assert str(ee.value).startswith(str(te.value))


@pytest.mark.parametrize('x_shape,target', [
    ((4, 8), [0, 1, 2]),            # batch sizes differ
    ((4, 2, 8), [0, 1, 2, 3]),      # 1D target with 3D input
    ((4, 8), 3),                    # 0D target with 2D input
    ((2, 8), [[0, 1], [1, 0]]),     # multi-target
    ((3, 8), [0, 10, 2]),           # target too large
    ((3, 8), [0, -1, 2]),           # negative target
])
def test_bad_forward_arguments_raise_runtime_error(x_shape, target):
    em, tm = _pair(8, 10, [3, 6], div_value=2.0)
    x = np.zeros(x_shape, dtype=np.float32)
    with pytest.raises(RuntimeError) as te:
        tm(torch.tensor(x), torch.tensor(target))
    with pytest.raises(RuntimeError) as ee:
        em(ember.tensor(x), ember.tensor(target))
    assert str(ee.value).startswith(str(te.value)), (str(ee.value), str(te.value))
