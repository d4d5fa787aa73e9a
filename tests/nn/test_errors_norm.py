"""Bad input to the normalization, dropout, embedding and distance layers: ember raises
PyTorch's exception type with PyTorch's first sentence, then says what PyTorch leaves out
(channel counts, the index and the table size, the shapes, which layer)."""
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
    """Run ``fn(lib)`` on torch and ember: same exception type, ember's message starts with
    PyTorch's first sentence. Returns ember's exception."""
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


def _bn_channels(lib):
    return lib.nn.BatchNorm1d(4)(lib.ones(2, 3))


def _bn_f_channels(lib):
    return F(lib).batch_norm(lib.ones(2, 3, 5), lib.zeros(4), lib.ones(4), training=True)


def _bn_weight(lib):
    return F(lib).batch_norm(lib.ones(2, 3), None, None, lib.ones(2), training=True)


CASES = {
    'bn-channels-module': _bn_channels,
    'bn-channels-functional': _bn_f_channels,
    'bn-channels-weight': _bn_weight,
    'bn-channels-eval': lambda lib: lib.nn.BatchNorm2d(4).eval()(lib.ones(1, 3, 2, 2)),
    'bn1d-rank': lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 3, 4, 5)),
    'bn2d-rank': lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(2, 3, 4)),
    'bn3d-rank': lambda lib: lib.nn.BatchNorm3d(3)(lib.ones(2, 3, 4, 4)),
    'bn-batch1-module': lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(1, 3)),
    'bn-batch1-functional': lambda lib: F(lib).batch_norm(lib.ones(1, 3, 1), None, None,
                                                          training=True),
    'bn-batch1-2d-module': lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(1, 3, 1, 1)),
    'bn-eval-no-stats': lambda lib: F(lib).batch_norm(lib.ones(2, 3), None, None),
    'bn-one-stat': lambda lib: F(lib).batch_norm(lib.ones(2, 3), lib.zeros(3), None,
                                                 training=True),
    'bn-eps': lambda lib: F(lib).batch_norm(lib.ones(2, 3), None, None, training=True, eps=0.),
    'bn-int-input': lambda lib: F(lib).batch_norm(lib.ones(2, 3, dtype=lib.int64), None, None,
                                                  training=True),
    'bn-mixed-dtype': lambda lib: F(lib).batch_norm(lib.ones(2, 3, dtype=lib.float64), None,
                                                    None, lib.ones(3), training=True),
    'instancenorm-rank': lambda lib: lib.nn.InstanceNorm2d(3)(lib.ones(2, 3)),
    'instancenorm-affine-channels': lambda lib: lib.nn.InstanceNorm1d(4, affine=True)(
        lib.ones(2, 3, 5)),
    'instancenorm-spatial1': lambda lib: F(lib).instance_norm(lib.ones(2, 3, 1)),
    'layernorm-shape': lambda lib: lib.nn.LayerNorm(4)(lib.ones(2, 3)),
    'layernorm-weight-shape': lambda lib: F(lib).layer_norm(lib.ones(2, 3), (3,), lib.ones(4)),
    'groupnorm-divisible': lambda lib: F(lib).group_norm(lib.ones(2, 6, 4), 4),
    'groupnorm-ctor': lambda lib: lib.nn.GroupNorm(4, 6),
    'groupnorm-rank': lambda lib: F(lib).group_norm(lib.ones(6), 2),
    'groupnorm-weight': lambda lib: F(lib).group_norm(lib.ones(2, 6, 4), 3, lib.ones(3)),
    'lrn-rank': lambda lib: F(lib).local_response_norm(lib.ones(2, 3), 2),
    'dropout-p': lambda lib: F(lib).dropout(lib.ones(3), 1.5),
    'dropout-module-p': lambda lib: lib.nn.Dropout(-0.1),
    'alpha-dropout-p': lambda lib: F(lib).alpha_dropout(lib.ones(3), 2.0, True),
    'dropout1d-rank': lambda lib: F(lib).dropout1d(lib.ones(2, 3, 4, 5)),
    'feature-dropout-1d': lambda lib: lib.feature_dropout(lib.ones(3), 0.5, True),
    'embedding-index-range': lambda lib: lib.nn.Embedding(10, 3)(lib.tensor([[1, 10]])),
    'embedding-index-negative': lambda lib: F(lib).embedding(lib.tensor([-1]), lib.ones(5, 2)),
    'embedding-float-index': lambda lib: F(lib).embedding(lib.tensor([1.]), lib.ones(5, 2)),
    'embedding-weight-1d': lambda lib: F(lib).embedding(lib.tensor([1]), lib.ones(5)),
    'embedding-padding-range': lambda lib: lib.nn.Embedding(5, 2, padding_idx=5),
    'embedding-padding-negative': lambda lib: F(lib).embedding(lib.tensor([1]),
                                                               lib.ones(5, 2), padding_idx=-6),
    'embedding-weight-shape': lambda lib: lib.nn.Embedding(5, 2, _weight=lib.ones(4, 2)),
    'embedding-pretrained-1d': lambda lib: lib.nn.Embedding.from_pretrained(lib.ones(4)),
    'embedding-renorm-range': lambda lib: F(lib).embedding(lib.tensor([7]), lib.ones(5, 2),
                                                           max_norm=1.0),
    'one-hot-dtype': lambda lib: F(lib).one_hot(lib.tensor([1, 2], dtype=lib.int32)),
    'one-hot-negative': lambda lib: F(lib).one_hot(lib.tensor([1, -1])),
    'one-hot-too-small': lambda lib: F(lib).one_hot(lib.tensor([1, 3]), 3),
    'one-hot-empty': lambda lib: F(lib).one_hot(lib.tensor([], dtype=lib.int64)),
    'cosine-int': lambda lib: F(lib).cosine_similarity(lib.tensor([1, 2]), lib.tensor([3, 4]),
                                                       0),
    'cosine-shapes': lambda lib: F(lib).cosine_similarity(lib.ones(3, 4), lib.ones(2, 4)),
    'pdist-rank': lambda lib: F(lib).pdist(lib.ones(3)),
    'pdist-negative-p': lambda lib: lib.pdist(lib.ones(3, 2), -1.),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_same_error_as_torch(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        _same_error(CASES[name])


def test_batch_norm_channel_message_says_what_to_fix():
    err = _same_error(_bn_channels)
    msg = str(err)
    assert 'running_mean should contain 3 elements not 4' in msg
    assert 'the input has 3 channels' in msg and 'num_features=3' in msg
    assert 'BatchNorm1d(4' in msg                        # which layer raised it


def test_batch_norm_channel_message_names_the_submodule():
    def run(lib):
        model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(5))
        return model(lib.ones(4, 2))
    err = _same_error(run)
    assert 'model.1' in str(err)


def test_batch_of_one_message_has_the_fix():
    msg = str(_same_error(CASES['bn-batch1-module']))
    assert 'torch.Size([1, 3])' in msg and 'model.eval()' in msg


def test_rank_message_lists_the_layouts():
    msg = str(_same_error(CASES['bn2d-rank']))
    assert 'expected 4D input (got 3D input)' in msg and 'BatchNorm1d' in msg


def test_embedding_out_of_range_message_has_the_index():
    msg = str(_same_error(CASES['embedding-index-range']))
    assert 'index 10' in msg and 'num_embeddings=10' in msg


def test_eval_batch_of_one_is_fine():
    bn = ember.nn.BatchNorm1d(3).eval()
    out = bn(ember.ones(1, 3))
    assert out.shape == (1, 3)


def test_dropout_eval_returns_the_input_itself():
    x = ember.ones(3, requires_grad=True)
    assert ember.nn.functional.dropout(x, 0.5, training=False) is x
    assert ember.nn.functional.dropout(x, 0.0) is x
    assert ember.nn.Dropout().eval()(x) is x


def test_dropout2d_on_3d_input_warns_as_torch():
    with pytest.warns(UserWarning, match='dropout2d: Received a 3D input'):
        ember.nn.functional.dropout2d(ember.ones(2, 3, 4))


def test_instance_norm_channel_mismatch_without_affine_warns():
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        ember.nn.InstanceNorm1d(4)(ember.ones(2, 3, 5))


def test_embedding_padding_row_gets_no_gradient():
    emb = ember.nn.Embedding(4, 2, padding_idx=1)
    assert not emb.weight[1].detach().numpy().any()
    emb(ember.tensor([1, 2, 1])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy(), [[0, 0], [0, 0], [1, 1], [0, 0]])


def test_embedding_sparse_is_refused_clearly():
    emb = ember.nn.Embedding(4, 2, sparse=True)
    with pytest.raises(NotImplementedError, match='sparse'):
        emb(ember.tensor([1]))


def test_batch_norm_state_dict_keys_and_counter_dtype():
    bn = ember.nn.BatchNorm2d(3)
    sd = bn.state_dict()
    assert list(sd) == ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    assert sd['num_batches_tracked'].dtype == ember.int64 and sd['num_batches_tracked'].dim() == 0
    bn(ember.ones(2, 3, 2, 2))
    assert int(bn.num_batches_tracked) == 1
    bn.reset_running_stats()
    assert int(bn.num_batches_tracked) == 0


def test_batch_norm_loads_a_checkpoint_without_the_counter():
    bn = ember.nn.BatchNorm1d(2)
    sd = bn.state_dict()
    del sd['num_batches_tracked']
    sd._metadata[''] = {'version': 1}
    assert bn.load_state_dict(sd).missing_keys == []
