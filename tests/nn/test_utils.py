"""ember.nn.utils against torch.nn.utils: clipping, vector conversion, weight/spectral norm and
the rnn sequence helpers."""
import math
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def _params(lib, seed, shapes, dtype='float32', grad_scale=1.0, nonfinite=None):
    rng = np.random.default_rng(seed)
    out = []
    for k, shape in enumerate(shapes):
        p = lib.nn.Parameter(lib.tensor(rng.standard_normal(shape).astype(dtype)))
        g = (rng.standard_normal(shape) * grad_scale).astype(dtype)
        if nonfinite is not None and k == 0:
            g.flat[0] = nonfinite
        if k != 1:          # the second parameter has no gradient
            p.grad = lib.tensor(g)
        out.append(p)
    return out


SHAPES = [(3, 4), (5,), (2, 3, 3), (7,), ()]


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('norm_type', [2, 2.0, 1, 3.5, 0.5, float('inf'), 'inf', -float('inf')])
@pytest.mark.parametrize('max_norm', [0.5, 100.0])
@pytest.mark.parametrize('foreach', [None, False, True])
def test_clip_grad_norm(norm_type, max_norm, dtype, foreach):
    res = []
    for lib in (torch, ember):
        ps = _params(lib, 0, SHAPES, dtype)
        total = lib.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type, foreach=foreach)
        res.append((total, [None if p.grad is None else p.grad.numpy() for p in ps]))
    (tt, tg), (et, eg) = res
    assert isinstance(et, ember.Tensor) and et.shape == () and str(et.dtype) == str(tt.dtype)
    np.testing.assert_allclose(et.numpy(), tt.numpy(), rtol=2e-6 if dtype == 'float32' else 1e-13)
    for a, b in zip(tg, eg):
        if a is None:
            assert b is None
        else:
            np.testing.assert_allclose(b, a, rtol=2e-6 if dtype == 'float32' else 1e-13,
                                       atol=1e-7)


def test_clip_grad_norm_scales_exactly_like_torch():
    """The 2-norm path: total norm and the clipped gradients are bitwise PyTorch's."""
    res = []
    for lib in (torch, ember):
        ps = _params(lib, 3, [(4, 3), (2,), (3,)], 'float32')
        res.append((lib.nn.utils.clip_grad_norm_(ps, 1.0).numpy(),
                    [p.grad.numpy() for p in ps if p.grad is not None]))
    assert np.array_equal(res[0][0], res[1][0])
    for a, b in zip(res[0][1], res[1][1]):
        assert np.array_equal(a, b)


def test_clip_grad_norm_single_tensor_and_generator():
    for lib in (torch, ember):
        p = lib.nn.Parameter(lib.zeros(2))
        p.grad = lib.tensor([3.0, 4.0])
        assert float(lib.nn.utils.clip_grad_norm_(p, 1.0)) == 5.0
        np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-6)
        lin = lib.nn.Linear(3, 2)
        lin(lib.ones(1, 3)).sum().backward()
        assert float(lib.nn.utils.clip_grad_norm_(lin.parameters(), 1e3)) > 0
    with pytest.warns(UserWarning, match='`parameters` is an empty generator'):
        total = ember.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    assert float(total) == 0.0 and total.dtype == ember.float32
    # no gradients at all: the norm is 0 and nothing changes
    assert float(ember.nn.utils.clip_grad_norm_([ember.nn.Parameter(ember.ones(2))], 1.0)) == 0.0


@pytest.mark.parametrize('bad', [float('nan'), float('inf')])
def test_clip_grad_norm_nonfinite(bad):
    msgs = []
    for lib in (torch, ember):
        ps = _params(lib, 1, SHAPES, nonfinite=bad)
        with pytest.raises(RuntimeError) as ex:
            lib.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
        msgs.append(str(ex.value))
        # without the flag: scaled anyway, as PyTorch does
        ps = _params(lib, 1, SHAPES, nonfinite=bad)
        total = lib.nn.utils.clip_grad_norm_(ps, 1.0)
        msgs.append((float(total), [p.grad.numpy() for p in ps if p.grad is not None]))
    assert msgs[2] == msgs[0]
    assert msgs[0].startswith('The total norm of order 2.0 for gradients from `parameters` is '
                              'non-finite, so it cannot be clipped.')
    t, e = msgs[1], msgs[3]
    assert (math.isnan(t[0]) and math.isnan(e[0])) or t[0] == e[0]
    for a, b in zip(t[1], e[1]):
        np.testing.assert_array_equal(a, b)


def test_get_total_norm_and_clip_grads_with_norm():
    res = []
    for lib in (torch, ember):
        ps = _params(lib, 2, SHAPES)
        grads = [p.grad for p in ps if p.grad is not None]
        total = lib.nn.utils.get_total_norm(grads, norm_type=3.0)
        lib.nn.utils.clip_grads_with_norm_(ps, 0.7, total)
        res.append((total.numpy(), [g.numpy() for g in grads],
                    lib.nn.utils.get_total_norm([]).numpy()))
    np.testing.assert_allclose(res[1][0], res[0][0], rtol=2e-6)
    for a, b in zip(res[0][1], res[1][1]):
        np.testing.assert_allclose(b, a, rtol=2e-6)
    assert res[1][2] == res[0][2] == 0.0


def test_clip_grad_norm_deprecated_alias():
    p = ember.nn.Parameter(ember.zeros(2))
    p.grad = ember.tensor([3.0, 4.0])
    with pytest.warns(FutureWarning, match=r'`torch.nn.utils.clip_grad_norm` is now deprecated'):
        assert float(ember.nn.utils.clip_grad_norm(p, 10.0)) == 5.0


@pytest.mark.parametrize('clip', [0.1, 1, 2.5])
def test_clip_grad_value(clip):
    res = []
    for lib in (torch, ember):
        ps = _params(lib, 4, SHAPES, grad_scale=2.0)
        out = lib.nn.utils.clip_grad_value_(ps, clip)
        res.append((out, [None if p.grad is None else p.grad.numpy() for p in ps]))
    assert res[1][0] is None and res[0][0] is None
    for a, b in zip(res[0][1], res[1][1]):
        assert (a is None and b is None) or np.array_equal(a, b)
    p = ember.nn.Parameter(ember.zeros(3))
    p.grad = ember.tensor([-5.0, 0.0, 5.0])
    ember.nn.utils.clip_grad_value_(p, 1)
    assert p.grad.tolist() == [-1.0, 0.0, 1.0]


def test_parameters_to_vector_roundtrip():
    res = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Linear(4, 2))
        vec = lib.nn.utils.parameters_to_vector(model.parameters())
        res.append((vec.detach().numpy().copy(), vec.grad_fn.name()))
        new = lib.arange(float(vec.numel()))
        lib.nn.utils.vector_to_parameters(new, model.parameters())
        res.append([p.detach().numpy().copy() for p in model.parameters()])
        new.mul_(2)                         # the parameters are views of ``new``
        res.append([p.detach().numpy().copy() for p in model.parameters()])
        res.append([type(p).__name__ for p in model.parameters()])
    n = len(res) // 2
    assert np.array_equal(res[0][0], res[n][0]) and res[0][1] == res[n][1] == 'CatBackward0'
    for t, e in zip(res[1:n], res[n + 1:]):
        if isinstance(t[0], str):
            assert t == e
        else:
            for a, b in zip(t, e):
                assert np.array_equal(a, b)


def test_vector_to_parameters_errors():
    with pytest.raises(TypeError, match=r'expected torch.Tensor, but got: list'):
        ember.nn.utils.vector_to_parameters([1.0, 2.0], [ember.nn.Parameter(ember.zeros(2))])
    with pytest.raises(TypeError, match=r'expected torch.Tensor, but got: numpy.ndarray'):
        ember.nn.utils.vector_to_parameters(np.zeros(2), [ember.nn.Parameter(ember.zeros(2))])


def _pair_linear(seed, fin=5, fout=3, dtype='float32'):
    torch.manual_seed(seed)
    t = torch.nn.Linear(fin, fout, dtype=getattr(torch, dtype))
    e = ember.nn.Linear(fin, fout, dtype=getattr(ember, dtype))
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return t, e


def _check_forward_backward(t, e, x, rtol, names):
    tx = torch.tensor(x, requires_grad=True)
    ex = ember.tensor(x, requires_grad=True)
    to, eo = t(tx), e(ex)
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=rtol)
    w = np.linspace(-1, 1, to.numel()).reshape(tuple(to.shape)).astype(x.dtype)
    (to * torch.tensor(w)).sum().backward()
    (eo * ember.tensor(w)).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=rtol)
    tp, ep = dict(t.named_parameters()), dict(e.named_parameters())
    assert list(tp) == list(ep) == names
    for k in names:
        np.testing.assert_allclose(ep[k].grad.numpy(), tp[k].grad.numpy(), rtol=rtol, atol=rtol,
                                   err_msg=k)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('dim', [0, 1, None, -1])
def test_weight_norm_linear(dim, dtype):
    t, e = _pair_linear(0, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)
        torch.nn.utils.weight_norm(t, dim=dim)
    with pytest.warns(FutureWarning, match='`torch.nn.utils.weight_norm` is deprecated'):
        ember.nn.utils.weight_norm(e, dim=dim)
    assert e.weight_g.shape == t.weight_g.shape and e.weight_v.shape == t.weight_v.shape
    rtol = 1e-5 if dtype == 'float32' else 1e-12
    np.testing.assert_allclose(e.weight_g.detach().numpy(), t.weight_g.detach().numpy(),
                               rtol=rtol)
    assert np.array_equal(e.weight_v.detach().numpy(), t.weight_v.detach().numpy())
    x = np.random.default_rng(1).standard_normal((4, 5)).astype(dtype)
    _check_forward_backward(t, e, x, rtol, ['bias', 'weight_g', 'weight_v'])
    assert [k for k in e.state_dict()] == [k for k in t.state_dict()]
    # remove: weight is a plain Parameter again, with the same value
    torch.nn.utils.remove_weight_norm(t)
    ember.nn.utils.remove_weight_norm(e)
    assert isinstance(e.weight, ember.nn.Parameter) and list(dict(e.named_parameters())) == \
        list(dict(t.named_parameters()))
    np.testing.assert_allclose(e.weight.detach().numpy(), t.weight.detach().numpy(), rtol=rtol)
    assert len(e._forward_pre_hooks) == 0


def test_weight_norm_errors():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)
        m = ember.nn.utils.weight_norm(ember.nn.Linear(2, 2))
        with pytest.raises(RuntimeError, match='Cannot register two weight_norm hooks on the '
                                               'same parameter weight'):
            ember.nn.utils.weight_norm(m)
        with pytest.raises(ValueError, match="weight_norm of 'bias' not found in Linear"):
            ember.nn.utils.remove_weight_norm(m, 'bias')


@pytest.mark.parametrize('seed', [0, 5])
@pytest.mark.parametrize('n_iter', [1, 3])
def test_spectral_norm_linear(seed, n_iter):
    res = []
    for lib in (torch, ember):
        lib.manual_seed(seed)
        m = lib.nn.utils.spectral_norm(lib.nn.Linear(5, 3), n_power_iterations=n_iter)
        res.append(m)
    t, e = res
    # u and v are drawn with normal_ after the Linear's own init: identical draws
    np.testing.assert_allclose(e.weight_u.numpy(), t.weight_u.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(e.weight_v.numpy(), t.weight_v.numpy(), rtol=1e-6, atol=1e-7)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    x = np.random.default_rng(seed).standard_normal((4, 5)).astype('float32')
    for _ in range(3):      # training mode: the power iteration updates u and v every call
        for m in (t, e):
            m.zero_grad()
        _check_forward_backward(t, e, x, 2e-5, ['bias', 'weight_orig'])
        np.testing.assert_allclose(e.weight_u.numpy(), t.weight_u.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(e.weight_v.numpy(), t.weight_v.numpy(), rtol=1e-5, atol=1e-6)
    t.eval()
    e.eval()
    u = e.weight_u.numpy().copy()
    for m in (t, e):
        m.zero_grad()
    _check_forward_backward(t, e, x, 2e-5, ['bias', 'weight_orig'])
    assert np.array_equal(u, e.weight_u.numpy()), 'eval mode must not update u'
    md = e.state_dict()._metadata['']
    assert md == t.state_dict()._metadata[''] == {'version': 1,
                                                 'spectral_norm': {'weight.version': 1}}
    torch.nn.utils.remove_spectral_norm(t)
    ember.nn.utils.remove_spectral_norm(e)
    np.testing.assert_allclose(e.weight.detach().numpy(), t.weight.detach().numpy(), rtol=2e-5)
    assert list(e.state_dict()) == list(t.state_dict()) == ['bias', 'weight']


def test_spectral_norm_state_dict_roundtrip():
    ember.manual_seed(0)
    a = ember.nn.utils.spectral_norm(ember.nn.Linear(4, 3))
    a(ember.ones(1, 4))
    ember.manual_seed(1)
    b = ember.nn.utils.spectral_norm(ember.nn.Linear(4, 3))
    b.load_state_dict(a.state_dict())
    for k, v in a.state_dict().items():
        assert np.array_equal(b.state_dict()[k].numpy(), v.numpy()), k


def test_spectral_norm_errors():
    with pytest.raises(ValueError, match='Expected n_power_iterations to be positive, but got '
                                         'n_power_iterations=0'):
        ember.nn.utils.spectral_norm(ember.nn.Linear(2, 2), n_power_iterations=0)
    m = ember.nn.utils.spectral_norm(ember.nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match='Cannot register two spectral_norm hooks'):
        ember.nn.utils.spectral_norm(m)
    with pytest.raises(ValueError, match="spectral_norm of 'bias' not found in Linear"):
        ember.nn.utils.remove_spectral_norm(m, 'bias')
    with pytest.raises(ValueError, match='`SpectralNorm` cannot be applied as parameter `bias` '
                                         'is None'):
        ember.nn.utils.spectral_norm(ember.nn.Linear(2, 2, bias=False), name='bias')


# ----------------------------------------------------------------------------- rnn helpers
def _seqs(lib, lengths, trailing=(2,), dtype='float32', requires_grad=False):
    rng = np.random.default_rng(sum(lengths))
    return [lib.tensor(rng.standard_normal((n,) + trailing).astype(dtype),
                       requires_grad=requires_grad) for n in lengths]


@pytest.mark.parametrize('batch_first', [False, True])
@pytest.mark.parametrize('padding_side', ['right', 'left'])
@pytest.mark.parametrize('lengths,trailing', [([3, 1, 2], (2,)), ([1], ()), ([2, 4], (2, 3)),
                                              ([0, 2], (2,))], ids=str)
def test_pad_sequence(lengths, trailing, batch_first, padding_side):
    res = []
    for lib in (torch, ember):
        seqs = _seqs(lib, lengths, trailing, requires_grad=True)
        out = lib.nn.utils.rnn.pad_sequence(seqs, batch_first=batch_first, padding_value=-1.5,
                                            padding_side=padding_side)
        w = lib.tensor(np.arange(out.numel(), dtype=np.float32).reshape(tuple(out.shape)))
        (out * w).sum().backward()
        res.append((out.detach().numpy(), [s.grad.numpy() for s in seqs],
                    out.grad_fn.name()))
    assert np.array_equal(res[0][0], res[1][0])
    for a, b in zip(res[0][1], res[1][1]):
        assert np.array_equal(a, b)
    assert res[0][2] == res[1][2]


def test_pad_sequence_dtypes_and_iterables():
    for lib in (torch, ember):
        a = lib.nn.utils.rnn.pad_sequence([lib.ones(2, dtype=lib.int64), lib.ones(3)])
        assert str(a.dtype).endswith('int64') and tuple(a.shape) == (3, 2)
        b = lib.nn.utils.rnn.pad_sequence(lib.ones(3, 2))
        assert tuple(b.shape) == (2, 3)
        c = lib.nn.utils.rnn.pad_sequence((lib.ones(n) for n in (1, 2)), batch_first=True)
        assert c.tolist() == [[1.0, 0.0], [1.0, 1.0]]
    assert ember.nn.utils.rnn.pad_sequence([ember.ones(2, 3), ember.ones(1, 1)]).shape == (2, 2, 3)


def _same_error(call, kind=RuntimeError):
    msgs = []
    for lib in (torch, ember):
        with pytest.raises(kind) as ex:
            call(lib)
        msgs.append(str(ex.value))
    first = msgs[0].split(' (')[0]
    assert msgs[1].startswith(first), msgs
    return msgs[1]


def test_rnn_errors():
    R = lambda lib: lib.nn.utils.rnn  # noqa: E731
    _same_error(lambda lib: R(lib).pad_sequence([]))
    _same_error(lambda lib: R(lib).pad_sequence(5))
    _same_error(lambda lib: R(lib).pad_sequence([lib.ones(2)], padding_side='up'))
    msg = _same_error(lambda lib: R(lib).pad_sequence([lib.ones(2, 3), lib.ones(2, 4)]))
    assert '(2, 4)' in msg
    _same_error(lambda lib: R(lib).pack_padded_sequence(lib.ones(3, 2), [3, 2, 1]))
    _same_error(lambda lib: R(lib).pack_padded_sequence(lib.ones(3, 2), [2, 3]))
    _same_error(lambda lib: R(lib).pack_padded_sequence(lib.ones(3, 2), [3, 0]))
    _same_error(lambda lib: R(lib).pack_padded_sequence(lib.ones(0, 2), [3, 0]))
    _same_error(lambda lib: R(lib).pack_padded_sequence(lib.ones(3, 2), lib.tensor([[3, 2]])))
    _same_error(lambda lib: R(lib).pad_packed_sequence(
        R(lib).pack_sequence([lib.ones(3), lib.ones(2)]), total_length=2), ValueError)
    # PyTorch reads past the end of the input here; ember refuses
    with pytest.raises(RuntimeError, match='the longest length in `lengths` is 4'):
        ember.nn.utils.rnn.pack_padded_sequence(ember.ones(3, 2), [4, 1])


@pytest.mark.parametrize('batch_first', [False, True])
@pytest.mark.parametrize('enforce_sorted,lengths', [(True, [4, 2, 2, 1]), (False, [2, 4, 1, 2]),
                                                    (False, [3, 3, 1])], ids=str)
def test_pack_and_pad_packed(lengths, enforce_sorted, batch_first):
    res = []
    for lib in (torch, ember):
        R = lib.nn.utils.rnn
        seqs = _seqs(lib, lengths, (3,), requires_grad=True)
        padded = R.pad_sequence(seqs, batch_first=batch_first)
        packed = R.pack_padded_sequence(padded, lib.tensor(lengths), batch_first=batch_first,
                                        enforce_sorted=enforce_sorted)
        out, lens = R.pad_packed_sequence(packed, batch_first=batch_first, padding_value=9.0,
                                          total_length=6)
        w = lib.tensor(np.arange(out.numel(), dtype=np.float32).reshape(tuple(out.shape)))
        (out * w).sum().backward()
        ps = R.pack_sequence(seqs, enforce_sorted=enforce_sorted)
        un = R.unpack_sequence(ps)
        unp = R.unpad_sequence(padded.detach().clone(), lib.tensor(lengths),
                               batch_first=batch_first)
        res.append(dict(
            data=packed.data.detach().numpy(), bs=packed.batch_sizes.numpy(),
            si=None if packed.sorted_indices is None else packed.sorted_indices.numpy(),
            ui=None if packed.unsorted_indices is None else packed.unsorted_indices.numpy(),
            out=out.detach().numpy(), lens=lens.numpy(), grads=[s.grad.numpy() for s in seqs],
            ps=ps.data.detach().numpy(), un=[u.detach().numpy() for u in un],
            unp=[u.numpy() for u in unp], ldt=str(lens.dtype), bdt=str(packed.batch_sizes.dtype)))
    t, e = res
    for k in t:
        if isinstance(t[k], list):
            assert len(t[k]) == len(e[k]) and all(np.array_equal(a, b)
                                                  for a, b in zip(t[k], e[k])), k
        elif t[k] is None:
            assert e[k] is None, k
        else:
            assert np.array_equal(t[k], e[k]), k


def test_packed_sequence_object():
    p = ember.nn.utils.rnn.pack_sequence([ember.ones(2), ember.ones(1)], enforce_sorted=False)
    assert isinstance(p, tuple) and p._fields == ('data', 'batch_sizes', 'sorted_indices',
                                                   'unsorted_indices')
    q = p.double()
    assert q.data.dtype == ember.float64 and q.batch_sizes is p.batch_sizes
    assert p.to(ember.float32) is p
    assert ember.nn.utils.rnn.invert_permutation(None) is None
    r = ember.nn.utils.rnn.PackedSequence(p.data, p.batch_sizes, p.sorted_indices)
    assert r.unsorted_indices.tolist() == p.unsorted_indices.tolist()


def test_utils_namespace():
    import ember.nn.utils.rnn as rnn_mod
    assert rnn_mod is ember.nn.utils.rnn
    for name in ['clip_grad_norm', 'clip_grad_norm_', 'clip_grads_with_norm_', 'clip_grad_value_',
                 'get_total_norm', 'parameters_to_vector', 'vector_to_parameters', 'weight_norm',
                 'remove_weight_norm', 'spectral_norm', 'remove_spectral_norm', 'rnn']:
        assert hasattr(ember.nn.utils, name), name
    assert sorted(ember.nn.utils.rnn.__all__) == sorted(torch.nn.utils.rnn.__all__)


# ----------------------------------------------------------------------------- parametrize
def _param_classes(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, X):
            return X.triu()

    class Scale(lib.nn.Module):
        def __init__(self, s):
            super().__init__()
            self.s = s

        def forward(self, X):
            return X * self.s

        def right_inverse(self, X):
            return X / self.s

    class Split(lib.nn.Module):          # right_inverse returns two tensors
        def forward(self, A, B):
            return A + B

        def right_inverse(self, X):
            return X * 0.25, X * 0.75

    return Symmetric, Scale, Split


def test_parametrize_against_torch():
    res = []
    for lib in (torch, ember):
        P = lib.nn.utils.parametrize
        Symmetric, Scale, Split = _param_classes(lib)
        lib.manual_seed(0)
        m = lib.nn.Linear(3, 3)
        P.register_parametrization(m, 'weight', Symmetric())
        P.register_parametrization(m, 'weight', Scale(2.0))
        P.register_parametrization(m, 'bias', Split())
        info = [type(m).__name__, P.is_parametrized(m), P.is_parametrized(m, 'weight'),
                P.is_parametrized(m, 'other'), P.type_before_parametrizations(m).__name__,
                [n for n, _ in m.named_parameters()], list(m.state_dict())]
        x = lib.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
        out = m(x)
        out.sum().backward()
        grads = [p.grad.numpy().copy() for p in m.parameters()]
        with P.cached():
            same = m.weight is m.weight
        m.weight = lib.eye(3)          # goes through right_inverse: original = eye / 2
        orig = m.parametrizations.weight.original.detach().numpy().copy()
        P.remove_parametrizations(m, 'weight')
        P.remove_parametrizations(m, 'bias', leave_parametrized=True)
        after = [type(m).__name__, [n for n, _ in m.named_parameters()],
                 hasattr(m, 'parametrizations')]
        res.append((info, out.detach().numpy(), grads, same, orig, after,
                    m.weight.detach().numpy(), m.bias.detach().numpy()))
    t, e = res
    assert e[0] == t[0]
    np.testing.assert_allclose(e[1], t[1], rtol=1e-6)
    for a, b in zip(t[2], e[2]):
        np.testing.assert_allclose(b, a, rtol=1e-6)
    assert e[3] is t[3] is True
    np.testing.assert_array_equal(e[4], t[4])
    assert e[5] == t[5]
    np.testing.assert_allclose(e[6], t[6], rtol=1e-6)
    np.testing.assert_allclose(e[7], t[7], rtol=1e-6)


def test_parametrize_errors():
    _, _, Split = _param_classes(ember)
    P = ember.nn.utils.parametrize

    class Bad(ember.nn.Module):
        def forward(self, X):
            return X[0]

    with pytest.raises(ValueError, match='Registering a parametrization may not change the '
                                         'shape of the tensor'):
        P.register_parametrization(ember.nn.Linear(2, 2), 'weight', Bad())
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized "
                                         "element with name 'nope'"):
        P.register_parametrization(ember.nn.Linear(2, 2), 'nope', Bad())
    with pytest.raises(ValueError, match='does not have a parametrization on weight'):
        P.remove_parametrizations(ember.nn.Linear(2, 2), 'weight')
    m = P.register_parametrization(ember.nn.Linear(2, 2), 'bias', Split())
    with pytest.raises(ValueError, match='Cannot leave unparametrized'):
        P.remove_parametrizations(m, 'bias', leave_parametrized=False)
    with pytest.raises(ValueError, match='ParametrizationList requires one or more modules.'):
        P.ParametrizationList([], ember.ones(2))


@pytest.mark.parametrize('kind', ['Conv2d', 'ConvTranspose2d'])
def test_weight_and_spectral_norm_on_convs(kind):
    """weight_norm (dim=0) and spectral_norm (dim 1 for transposed convs) on conv weights."""
    if not hasattr(ember.nn, kind):
        pytest.skip(f'ember.nn.{kind} is not implemented yet')
    x = np.random.default_rng(0).standard_normal((2, 4, 6, 6)).astype('float32')
    res = []
    for lib in (torch, ember):
        lib.manual_seed(3)
        a = getattr(lib.nn, kind)(4, 6, 3)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', FutureWarning)
            lib.nn.utils.weight_norm(a)
        b = lib.nn.utils.spectral_norm(getattr(lib.nn, kind)(4, 6, 3))
        xi = lib.tensor(x)
        (a(xi).sum() + b(xi).square().sum()).backward()
        res.append([a.weight_g.grad.numpy(), a.weight_v.grad.numpy(), b.weight_orig.grad.numpy(),
                    b.weight_u.numpy(), b.weight_v.numpy(), a(xi).detach().numpy(),
                    b(xi).detach().numpy()])
    for k, (t, e) in enumerate(zip(*res)):
        np.testing.assert_allclose(e, t, rtol=2e-4, atol=2e-5, err_msg=str(k))
