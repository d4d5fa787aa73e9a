"""ember.utils.checkpoint (activation checkpointing) against torch 2.13: gradients equal to the
plain forward's, dropout recomputed with the same mask, use_reentrant warnings and errors."""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402
from tests.oracle.harness import assert_same  # noqa: E402


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Tanh(), lib.nn.Dropout(0.3),
                             lib.nn.Linear(8, 3))


_X = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)


def _run(lib, call, x_grad=True):
    model = _model(lib)
    x = lib.tensor(_X, requires_grad=x_grad)
    lib.manual_seed(1)
    out = call(lib, model, x)
    out.pow(2).sum().backward()
    return [out, x.grad] + [p.grad for p in model.parameters()]


@pytest.mark.parametrize('reentrant', [True, False])
def test_gradients_match_plain_forward_and_torch(reentrant):
    def ckpt(lib, m, x):
        return lib.utils.checkpoint.checkpoint(m, x, use_reentrant=reentrant)
    plain = _run(ember, lambda lib, m, x: m(x))
    mine, theirs = _run(ember, ckpt), _run(torch, ckpt)
    for e, p, t in zip(mine, plain, theirs):
        assert_same(e, t, 1e-5, 1e-5, 'vs torch')
        assert_same(e, p.detach() if hasattr(p, 'detach') else p, 1e-6, 1e-6, 'vs plain')


def test_rng_not_preserved_changes_the_mask():
    def ckpt(lib, m, x):
        return lib.utils.checkpoint.checkpoint(m, x, use_reentrant=False,
                                               preserve_rng_state=False)
    mine, theirs = _run(ember, ckpt), _run(torch, ckpt)
    for e, t in zip(mine, theirs):      # both draw a fresh mask in the recomputation
        assert_same(e, t, 1e-5, 1e-5, 'preserve_rng_state=False')


def test_non_reentrant_params_without_input_grad_and_kwargs():
    def ckpt(lib, m, x):
        return lib.utils.checkpoint.checkpoint(m, x, use_reentrant=False)
    mine, theirs = _run(ember, ckpt, x_grad=False), _run(torch, ckpt, x_grad=False)
    assert mine[1] is None and theirs[1] is None
    for e, t in zip(mine[2:], theirs[2:]):
        assert_same(e, t, 1e-5, 1e-5, 'param grads')
    outs = []
    for lib in (ember, torch):
        a = lib.tensor(_X, requires_grad=True)
        out = lib.utils.checkpoint.checkpoint(lambda t, scale: (t * scale).sin(), a,
                                              use_reentrant=False, scale=2.0)
        out.sum().backward()
        outs.append(a.grad)
    assert_same(outs[0], outs[1], 1e-6, 1e-6, 'kwargs')


def test_checkpoint_sequential():
    def seq(lib, m, x):
        return lib.utils.checkpoint.checkpoint_sequential(m, 2, x, use_reentrant=False)
    for e, t in zip(_run(ember, seq), _run(torch, seq)):
        assert_same(e, t, 1e-5, 1e-5, 'checkpoint_sequential')


def _messages(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        out = fn()
    return out, [(w.category, str(w.message)) for w in caught]


def test_warnings_and_errors_as_torch():
    for call in (
            lambda lib, x: lib.utils.checkpoint.checkpoint(lib.nn.Linear(2, 2), x),
            lambda lib, x: lib.utils.checkpoint.checkpoint_sequential(
                lib.nn.Sequential(lib.nn.Linear(2, 2)), 1, x),
            lambda lib, x: lib.utils.checkpoint.checkpoint(lib.nn.Linear(2, 2),
                                                           x.detach(), use_reentrant=True)):
        results = [_messages(lambda: call(lib, lib.ones(1, 2, requires_grad=True)))
                   for lib in (ember, torch)]
        assert results[0][1] == results[1][1]
        assert results[0][0].requires_grad == results[1][0].requires_grad
    out, _ = _messages(lambda: ember.utils.checkpoint.checkpoint(
        ember.nn.Linear(2, 2), ember.ones(1, 2, requires_grad=True)))
    assert out.grad_fn.name() == 'CheckpointFunctionBackward'
    for lib in (ember, torch):
        lin, x = lib.nn.Linear(2, 2), lib.ones(1, 2, requires_grad=True)
        with pytest.raises(ValueError, match='Unexpected keyword arguments: foo'):
            lib.utils.checkpoint.checkpoint(lin, x, use_reentrant=True, foo=1)
        with pytest.raises(ValueError, match='Unexpected keyword arguments: foo'):
            lib.utils.checkpoint.checkpoint_sequential(lib.nn.Sequential(lin), 1, x,
                                                       use_reentrant=True, foo=1)
        with pytest.raises(ValueError, match='only supported when use_reentrant=False'):
            lib.utils.checkpoint.checkpoint(lin, x, use_reentrant=True, debug=True)
