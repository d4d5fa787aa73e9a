"""F.embedding_bag / nn.EmbeddingBag reject bad input with torch 2.13's exception types."""
import inspect

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402

_W = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
_IDX = np.array([1, 2, 4, 4, 3])
_OFFS = np.array([0, 2, 2])

BAD = [
    (dict(input=_IDX), 'offsets has to be a 1D Tensor but got None'),
    (dict(input=_IDX, offsets=np.array([1, 2])), 'offsets[0] has to be 0'),
    (dict(input=_IDX, offsets=np.array([0, 7])), "can not be greater than input's length"),
    (dict(input=_IDX, offsets=_OFFS, mode='max', per_sample_weights=np.ones(5, np.float32)),
     "only supported for mode='sum'"),
    (dict(input=_IDX, offsets=_OFFS, mode='bad'), 'mode has to be one of sum, mean or max'),
    (dict(input=np.array([[1, 2]]), offsets=_OFFS), 'offsets has to be None'),
    (dict(input=_IDX, offsets=_OFFS, per_sample_weights=np.ones(4, np.float32)),
     'must have the same shape as the input'),
    (dict(input=_IDX, offsets=_OFFS, mode='max', scale_grad_by_freq=True),
     'max mode does not support scaling'),
    (dict(input=_IDX.astype(np.float32), offsets=_OFFS), "argument #1 'indices'"),
    (dict(input=np.array([1, 9]), offsets=_OFFS[:1]), 'which is not in the valid range [0, 5)'),
    (dict(input=_IDX, offsets=_OFFS, padding_idx=7), 'padding_idx must be within'),
    (dict(input=_IDX, offsets=np.array([[0]])), 'offsets has to be a 1D Tensor'),
    (dict(input=np.ones((2, 2, 2), np.int64)), 'input has to be 1D or 2D Tensor'),
    (dict(input=_IDX, offsets=_OFFS, weight=_W[0]), 'weight has to be a 2D Tensor'),
]


def _call(lib, kw):
    kw = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    kw.setdefault('weight', lib.tensor(_W))
    return lib.nn.functional.embedding_bag(**kw)


@pytest.mark.parametrize('kw,msg', BAD, ids=[m[:30] for _, m in BAD])
def test_same_exception_as_torch(kw, msg):
    with pytest.raises(Exception) as te:
        _call(torch, kw)
    with pytest.raises(type(te.value)) as ee:
        _call(ember, kw)
    assert msg in str(te.value) and msg in str(ee.value)


@pytest.mark.parametrize('kw', [dict(padding_idx=5), dict(padding_idx=-6),
                                dict(_weight=np.zeros((2, 2), np.float32))])
def test_module_constructor_errors(kw):
    for lib in (torch, ember):
        if '_weight' in kw:
            kw['_weight'] = lib.tensor(np.asarray(kw['_weight']))
        with pytest.raises(AssertionError):
            lib.nn.EmbeddingBag(5, 3, **kw)


def test_signatures_match():
    for name in ('__init__', 'forward', 'from_pretrained'):
        assert str(inspect.signature(getattr(ember.nn.EmbeddingBag, name))).replace(
            ' ', '') == _strip(inspect.signature(getattr(torch.nn.EmbeddingBag, name)))
    assert list(inspect.signature(ember.nn.functional.embedding_bag).parameters) == list(
        inspect.signature(torch.nn.functional.embedding_bag).parameters)


def _strip(sig):
    """torch's signature without annotations."""
    empty = inspect.Parameter.empty
    params = [p.replace(annotation=empty) for p in sig.parameters.values()]
    return str(sig.replace(parameters=params, return_annotation=empty)).replace(' ', '')
