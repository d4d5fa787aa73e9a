"""Shape and joining operators: view semantics (shared memory and version counters),
copies, in-place shape changes, grad_fn names, warnings and errors, checked against torch."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def _pair(shape=(2, 3, 4), dtype=np.float32, requires_grad=False):
    a = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
    return (ember.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def _env(lib):
    def t(shape, dtype=np.float32):
        return lib.tensor(np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape))
    return {'torch': lib, 'x': t((2, 3, 4)), 'm': t((3, 3)), 'v': t((4,)),
            's': lib.tensor(1.), 'e': t((0,)), 'i16': t((3,), np.int16)}


# ---------------------------------------------------------------- view semantics
def test_view_write_is_seen_by_base_and_back():
    x = ember.arange(6.)
    v = x.view(2, 3)
    v.mul_(2)
    assert x.tolist() == [0., 2., 4., 6., 8., 10.]
    x.add_(1)
    assert v.tolist() == [[1., 3., 5.], [7., 9., 11.]]
    assert v._base is x and v._version == x._version == 2


def test_view_of_view_has_the_root_as_base():
    x = ember.zeros(2, 3)
    w = x.view(6).view(3, 2).t()
    assert w._base is x
    w.add_(1)
    assert x.sum().item() == 6 and x._version == w._version == 1


@pytest.mark.parametrize('expr', [
    'x.view(-1)', 'x.reshape(4, 6)', 'x.transpose(0, 2)', 'x.permute(2, 0, 1)', 'x[0].t()',
    'x.unsqueeze(1)', 'x.unsqueeze(0).squeeze(0)', 'x.flatten(0, 1)', 'x.unflatten(2, (2, 2))',
    'x.narrow(1, 1, 2)', 'x.select(2, 1)', 'x.unbind(1)[2]', 'x.split(2, 2)[1]',
    'x.chunk(3, 1)[1]', 'x.tensor_split(3, 2)[0]', 'x.movedim(0, -1)', 'x.diagonal(0, 1, 2)',
    'x.mT', 'x.swapaxes(0, 1)', 'x.ravel()', 'x.hsplit(3)[1]', 'torch.atleast_3d(x[0])',
    'x.view_as(x.view(4, 6))', 'x.expand(1, 2, 3, 4)', 'x[0].T', 'x[0].adjoint()',
    'x.split_with_sizes([1, 3], 2)[1]', 'torch.meshgrid(x[0, 0], indexing="ij")[0]',
    'x.unfold(2, 2, 2)', 'x.unfold(1, 1, 2)'])
def test_inplace_through_view_matches_torch(expr):
    results = []
    for lib in (ember, torch):
        env = _env(lib)
        v = eval(expr, env)
        v.mul_(-1)
        v.add_(0.5)
        x = env['x']
        results.append((x.numpy().copy(), v.numpy().copy(), x._version, v._version,
                        v._base is x))
    (ex, ev, exv, evv, eb), (tx, tv, txv, tvv, tb) = results
    np.testing.assert_array_equal(ex, tx)
    np.testing.assert_array_equal(ev, tv)
    assert (exv, evv, eb) == (txv, tvv, tb)


@pytest.mark.parametrize('expr', [
    'x.flip(0)', 'x.roll(1, 0)', 'x.rot90()', 'x.repeat(1, 1, 1)', 'x.tile((1,))',
    'torch.cat([x, x])', 'torch.stack([x])', 'x.narrow_copy(1, 0, 2)', 'x.tril()',
    'x[0].diag()', 'x.transpose(0, 2).reshape(-1)', 'x.transpose(0, 2).flatten()',
    'x.repeat_interleave(1)', 'x.flip(())', 'x.rot90(0)'])
def test_copies_do_not_share_memory(expr):
    for lib in (ember, torch):
        env = _env(lib)
        x = env['x']
        before = x.numpy().copy()
        c = eval(expr, env)
        c.add_(100)
        np.testing.assert_array_equal(x.numpy(), before)
        assert x._version == 0


def test_view_of_noncontiguous_raises_and_reshape_copies():
    for lib in (ember, torch):
        xt = lib.arange(6.).view(2, 3).t()
        with pytest.raises(RuntimeError, match='view size is not compatible'):
            xt.view(-1)
        r = xt.reshape(-1)
        assert r.tolist() == [0., 3., 1., 4., 2., 5.]
        r.add_(1)
        assert xt.tolist() == [[0., 3.], [1., 4.], [2., 5.]]


def test_view_splitting_a_dim_of_noncontiguous_is_allowed():
    x = ember.arange(12.).view(3, 4).t()            # (4, 3), strides (1, 4)
    v = x.view(2, 2, 3)
    assert v._base is not None
    tx = torch.arange(12.).view(3, 4).t()
    np.testing.assert_array_equal(v.numpy(), tx.view(2, 2, 3).numpy())


def test_expanded_tensor_rejects_inplace_writes():
    v = ember.zeros(3).expand(2, 3)
    with pytest.raises(RuntimeError):
        v.add_(1)
    assert ember.zeros(3).expand(1, 3).add_(1).tolist() == [[1., 1., 1.]]


def test_view_dtype_shares_memory_without_grad():
    for lib in (ember, torch):
        x = lib.ones(2, 2, requires_grad=True)
        y = x.detach().view(lib.int32)
        assert y.dtype == lib.int32 and y.shape == (2, 2)
        assert not x.view(lib.int32).requires_grad
        z = lib.zeros(4)
        z.view(lib.int32).add_(1)
        assert z[0].item() > 0 and z._version == 1


def test_iter_is_unbind():
    x = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    rows = list(x)
    assert [r.tolist() for r in rows] == [[1., 2.], [3., 4.]]
    assert rows[1].grad_fn.name() == 'UnbindBackward0' and rows[1].output_nr == 1
    (rows[1] * 3).sum().backward()
    assert x.grad.tolist() == [[0., 0.], [3., 3.]]
    assert [r.item() for r in ember.tensor([5, 6])] == [5, 6]
    with pytest.raises(TypeError):
        iter(ember.tensor(1.))


def test_cat_gradient_of_skipped_legacy_empty_input():
    a = ember.ones(2, 2, requires_grad=True)
    e = ember.zeros(0, requires_grad=True)
    ember.cat([a, e], 1).sum().backward()
    assert e.grad.shape == (0,) and a.grad.tolist() == [[1., 1.], [1., 1.]]


def test_split_partial_use_and_double_backward():
    x = ember.tensor([1., 2., 3., 4., 5.], requires_grad=True)
    a, b, c = x.split(2)
    (b * b).sum().backward(create_graph=True)
    assert x.grad.tolist() == [0., 0., 6., 8., 0.]
    g = x.grad
    x.grad = None
    g.sum().backward()
    assert x.grad.tolist() == [0., 0., 2., 2., 0.]


# ---------------------------------------------------------------- in-place shape changes
@pytest.mark.parametrize('expr,name', [
    ('y.squeeze_()', 'SqueezeBackward3'), ('y.squeeze_(1)', 'SqueezeBackward4'),
    ('y.squeeze_((1,))', 'SqueezeBackward5'), ('y.unsqueeze_(0)', 'UnsqueezeBackward1'),
    ('y.transpose_(0, 2)', 'TransposeBackward1'), ('y.swapaxes_(0, 1)', 'TransposeBackward1'),
    ('y.swapdims_(0, 1)', 'TransposeBackward1'), ('y.tril_()', 'TrilBackward0'),
    ('y.triu_(1)', 'TriuBackward0')])
def test_inplace_shape_ops(expr, name):
    out = []
    for lib in (ember, torch):
        x = lib.tensor(np.arange(6, dtype=np.float32).reshape(2, 1, 3), requires_grad=True)
        y = x * 1
        r = eval(expr, {'y': y})
        assert r is y
        w = lib.tensor(np.arange(y.numel(), dtype=np.float32).reshape(tuple(y.shape)))
        (y * w).sum().backward()
        out.append((tuple(y.shape), y.grad_fn.name(), y._version, x.grad.numpy().copy()))
    assert out[0][:3] == out[1][:3]
    assert out[0][1] == name
    np.testing.assert_array_equal(out[0][3], out[1][3])


def test_t_inplace_and_leaf_error():
    y = ember.ones(2, 3) * 1
    y.t_()
    assert y.shape == (3, 2)
    leaf = ember.ones(2, requires_grad=True)
    for op in ('squeeze_', 'unsqueeze_', 't_'):
        with pytest.raises(RuntimeError, match='leaf Variable'):
            getattr(leaf, op)(*(() if op != 'unsqueeze_' else (0,)))


# ---------------------------------------------------------------- grad_fn names
@pytest.mark.parametrize('expr', [
    'x.view(-1)', 'x.reshape(6, 4)', 'x.transpose(0, 1).reshape(-1)', 'x.flatten()',
    'x.unflatten(2, (2, 2))', 'x.unsqueeze(0).squeeze()', 'x.unsqueeze(0).squeeze(0)',
    'x.unsqueeze(0).squeeze((0, 1))', 'x.movedim(0, 2)', 'torch.atleast_1d(s)',
    'torch.atleast_2d(v)', 'torch.atleast_3d(m)', 'x.narrow(1, 0, 2)', 'x.narrow_copy(1, 0, 2)',
    'x.select(1, 0)', 'x.unbind(1)[2]', 'x.split(2, 2)[1]', 'x.split([1, 3], 2)[0]',
    'x.chunk(2, 2)[0]', 'x.tensor_split(3, 2)[2]', 'x.hsplit(3)[0]', 'x.flip(0)', 'x.roll(1, 0)',
    'm.rot90()', 'm.diagonal()', 'm.diag()', 'v.diag()', 'v.diag_embed()', 'v.diagflat()',
    'm.tril()', 'm.triu(1)', 'm.repeat(2, 1)', 'm.repeat_interleave(2)',
    'm.repeat_interleave(torch.tensor([1, 2, 0]), 0)', 'm.tile(2)', 'torch.cat([m, m])',
    'torch.stack([m, m])', 'torch.hstack([m, m])', 'torch.vstack([v, v])',
    'torch.dstack([m, m])', 'torch.column_stack([v, v])',
    'torch.meshgrid(v, v, indexing="ij")[1]', 'torch.block_diag(m, v)',
    'torch.cartesian_prod(v, v)', 'torch.combinations(v)', 'v.expand(2, 4)', 'v.expand_as(x)',
    'm.T', 'x.mT', 'm.adjoint()', 'm.H', 'x.mH', 'x.sum_to_size(1, 3, 1)',
    'x.unsafe_split(2, 2)[0]', 'x.permute(2, 0, 1)', 'm.t()', 's.t()', 'v.T',
    'torch.broadcast_tensors(v, x)[0]', 'x.swapdims(0, 2)', 's.transpose(0, -1)',
    'x.ravel()', 'x.transpose(0, 2).ravel()', 'x.unfold(2, 2, 1)'])
def test_grad_fn_names(expr):
    names = []
    for lib in (ember, torch):
        r = np.random.default_rng(0)
        env = {'torch': lib}
        for k, shape in (('x', (2, 3, 4)), ('m', (3, 3)), ('v', (4,)), ('s', ())):
            env[k] = lib.tensor(r.standard_normal(shape).astype(np.float32), requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            out = eval(expr, env)
        names.append((out.grad_fn.name() if out.grad_fn is not None else None, out.output_nr))
    assert names[0] == names[1]


# ---------------------------------------------------------------- warnings
def test_meshgrid_warns_without_indexing():
    v = ember.tensor([1., 2.])
    with pytest.warns(UserWarning, match='indexing argument'):
        g = ember.meshgrid(v, v)
    assert g[0].tolist() == [[1., 1.], [2., 2.]]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ember.meshgrid(v, v, indexing='xy')


def test_T_warns_on_non_matrices():
    with pytest.warns(UserWarning, match='deprecated'):
        assert ember.zeros(2, 3, 4).T.shape == (4, 3, 2)
    with pytest.warns(UserWarning, match='0-D'):
        ember.tensor(1.).mT


# ---------------------------------------------------------------- errors
ERRORS = [
    'x.view(5)', 'x.view(-1, -1)', 'x.view(-2, 12)', 'x.transpose(0, 1).view(-1)',
    'x.view(0, -1)', 'torch.zeros(0, 3).view(-1, 0)', 'torch.zeros(3).view(torch.int64)',
    'torch.zeros(3, 2).t().view(torch.int16)', 'i16.view(torch.float32)',
    'torch.zeros((), dtype=torch.int16).view(torch.float32)', 'x.reshape(5, 5)',
    'x.flatten(2, 1)', 'x.flatten(3)', 'x.unflatten(1, (2, 2))', 'x.unflatten(1, ())',
    'x.squeeze(3)', 'x.squeeze((0, 0))', 'x.unsqueeze(4)', 'x.unsqueeze(-5)',
    'x.transpose(0, 3)', 'x.t()', 'x.permute(0, 1)', 'x.permute(0, 1, 1)', 'x.permute(0, 1, 3)',
    'v.mT', 'v.mH', 'v.H', 'x.H', 'v.adjoint()', 'v.expand(3)', 'v.expand(2, 3)',
    'v.expand(-1, 4)', 'x.expand(3, 4)', 'v.expand(2, -2)', 'v.expand_as(m)',
    'torch.broadcast_to(v, (3,))', 'x.sum_to_size(3)', 'x.sum_to_size(2, 3, 4, 1)',
    'x.movedim(0, 3)', 'x.movedim((0, 1), (1,))', 'x.movedim((0, 0), (1, 2))',
    'x.movedim((0, 1), (1, 1))', 'torch.broadcast_tensors(v, m)',
    'torch.broadcast_shapes((3,), (4,))', 'torch.broadcast_shapes((2, -1),)',
    'torch.broadcast_shapes(2.0)', 'x.narrow(1, 2, 2)', 'x.narrow(1, 4, 0)', 'x.narrow(1, -4, 1)',
    'x.narrow(1, 0, -1)', 'x.narrow(3, 0, 1)', 's.narrow(0, 0, 1)', 'x.select(1, 3)',
    'x.select(3, 0)', 's.select(0, 0)', 'x.select(0, 1.5)', 's.unbind()', 'x.unbind(3)',
    'x.split(0)', 'x.split(-1)', 'x.split([1, 2], 2)', 'x.split([2, -1, 3], 2)', 'x.chunk(0)',
    'x.chunk(-1)', 'x.tensor_split(0)', 'x.tensor_split(torch.tensor([[1]]), 2)',
    'x.tensor_split(torch.tensor([1.]), 2)', 's.tensor_split(2)', 'v.hsplit(3)', 's.hsplit(1)',
    'v.vsplit(2)', 'm.dsplit(1)', 'x.dsplit(3)', 'x.flip(0, 0)', 'x.flip(3)', 'x.roll(1, 3)',
    'x.roll((1, 2), (0,))', 'x.roll((1, 2))', 'x.roll((), ())', 'v.rot90(1, (0,))', 'v.rot90()',
    'm.rot90(1, (0, 0))', 'm.rot90(1, (0, 2))', 'm.rot90(1, (0, -2))', 'm.diagonal(0, 0, 0)',
    's.diag()', 'x.diag()', 's.diag_embed()', 'v.diag_embed(0, 0, 0)', 'v.tril()', 's.triu()',
    'torch.tril(m, 1.5)', 'v.fliplr()', 's.flipud()', 'm.repeat(2)', 'm.repeat(-1, 2)',
    'm.repeat()', 'm.repeat_interleave(-1)', 'm.repeat_interleave(torch.tensor([1, 2]), 0)',
    'm.repeat_interleave(torch.tensor([1, -2, 1]), 0)',
    'm.repeat_interleave(torch.tensor([1., 2, 1]), 0)',
    'm.repeat_interleave(torch.tensor([[1, 2, 1]]), 0)', 'm.repeat_interleave(2, 0, output_size=5)',
    'm.repeat_interleave(torch.tensor([1, 2, 1]), 0, output_size=3)',
    'torch.repeat_interleave(torch.tensor([[1, 2]]))', 's.repeat_interleave(3, 0)', 'm.tile(-1)',
    'torch.cat([m, x])', 'torch.cat([m, v])', 'torch.cat([torch.zeros(2, 2), torch.zeros(2, 3)])',
    'torch.cat([torch.zeros(2, 2), torch.zeros(3, 3)], 1)', 'torch.cat([m, torch.zeros(3, 0)])',
    'torch.cat([])', 'torch.cat([s, s])', 'torch.cat([m, m], 2)', 'torch.cat(m)',
    'torch.cat([m, 1])', 'torch.cat([m, m], dim=1.5)',
    'torch.cat([torch.zeros(0), torch.zeros(2, 2), torch.zeros(3)])', 'torch.stack([])',
    'torch.stack([m, v])', 'torch.stack([m, m], 3)', 'torch.stack(m)', 'torch.stack([m, 3])',
    'torch.hstack([])', 'torch.vstack([])', 'torch.dstack([])', 'torch.column_stack([])',
    'torch.column_stack([s, v])', 'torch.meshgrid(indexing="ij")',
    'torch.meshgrid(m, indexing="ij")', 'torch.meshgrid(v, v, indexing="foo")',
    'torch.meshgrid(v, v.double(), indexing="ij")', 'torch.block_diag(x)',
    'torch.cartesian_prod()', 'torch.cartesian_prod(m)', 'torch.cartesian_prod(s)',
    'torch.cartesian_prod(v, v.double())', 'torch.combinations(m)', 'torch.combinations(v, -1)',
    'torch.atleast_1d(1.0)', 'torch.broadcast_tensors(v, 1)', 'x.unfold(2, 5, 1)',
    'x.unfold(2, 2, 0)', 'x.unfold(2, -1, 1)', 'x.unfold(3, 1, 1)', 's.unfold(0, 2, 1)',
]


@pytest.mark.parametrize('expr', ERRORS)
def test_errors_match_torch(expr):
    caught = []
    for lib in (torch, ember):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            try:
                eval(expr, _env(lib))
            except Exception as e:       # noqa: BLE001 - comparing exception types is the test
                caught.append(e)
            else:
                caught.append(None)
    t, e = caught
    assert t is not None, 'torch accepts this: fix the test'
    assert e is not None, f'ember accepted {expr!r}; torch raised {type(t).__name__}: {t}'
    assert type(e) is type(t), f'{type(e).__name__}: {e}  vs torch {type(t).__name__}: {t}'
    head = str(t).split('\n')[0]
    if not head.startswith(('unflatten got an unexpected', 'view() received',
                            "cat(): argument 'dim'", 'atleast_1d() received')):
        assert str(e).startswith(head[:60]), f'{e}\n  vs torch: {head}'


def test_error_messages_help_learners():
    with pytest.raises(RuntimeError, match=r"shape '\[5\]' is invalid for input of size 24"):
        ember.zeros(2, 3, 4).view(5)
    with pytest.raises(RuntimeError, match=r'Use \.reshape'):
        ember.zeros(2, 3).t().view(-1)
    with pytest.raises(RuntimeError, match='Sizes of tensors must match except in dimension 1. '
                       'Expected size 2 but got size 3 for tensor number 1 in the list.'):
        ember.cat([ember.zeros(2, 2), ember.zeros(3, 3)], 1)


@pytest.mark.parametrize('expr', [
    'xt.roll(1, 0)', 'xt.roll(1)', 'xt.roll((1, 1), (0, 1))', 'xt.flip(0)', 'xt.flip(())',
    'xt.rot90()', 'xt.rot90(2)', 'xt.rot90(3)', 'm.rot90()', 'xt.tril()', 'xt.repeat(1, 1)',
    'xt.repeat(2, 1)', 'torch.cat([xt, xt])', 'torch.cat([xt])', 'torch.stack([xt, xt])',
    'xt.tile((1,))', 'xt.repeat_interleave(2, 0)', 'ss.flip(0)', 'ss.rot90()',
    'torch.hstack([xt, xt])', 'xt.narrow_copy(0, 0, 2)', 'xt.unfold(0, 2, 1)'])
def test_result_layout_matches_torch(expr):
    """Copies of transposed inputs get torch's strides, so a later .view() behaves alike."""
    got = []
    for lib in (torch, ember):
        xt = lib.tensor(np.arange(12.).reshape(4, 3)).t()[:3]
        ss = lib.tensor(np.arange(24.).reshape(4, 6))[:, ::2]
        m = lib.tensor(np.arange(12.).reshape(3, 4))
        o = eval(expr, {'torch': lib, 'xt': xt, 'ss': ss, 'm': m})
        got.append((o.is_contiguous(), tuple(o.stride()), o.tolist()))
    assert got[0] == got[1]
