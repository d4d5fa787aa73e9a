"""The indexing family (ember/_ops/indexing.py, gather_scatter.py, index_ops.py, masked.py,
search.py): views and memory sharing, x[key] = v semantics, in-place variants, grad_fn names
and PyTorch's errors for bad indices (values and gradients are compared with torch in
tests/oracle/table_indexing.py)."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def both(fn):
    """Run ``fn(lib)`` for ember and torch; returns (ember_result, torch_result)."""
    return fn(ember), fn(torch)


def same_error(fn, exc):
    """Both libraries raise ``exc`` and ember's message starts like torch's."""
    with pytest.raises(exc) as te:
        fn(torch)
    with pytest.raises(exc) as ee:
        fn(ember)
    t = str(te.value)
    assert str(ee.value).startswith(t[:40]), (str(ee.value), t)
    return ee.value


# ------------------------------------------------------------------------ views
def test_basic_indexing_returns_views_sharing_memory_and_version():
    x = ember.arange(12.).reshape(3, 4)
    for key in (0, (slice(None), 1), slice(1, None), None, Ellipsis, (0, 1), (Ellipsis, None)):
        v = x[key]
        assert v._base is x._base or v._base is x
        v0 = v._version
        x.add_(1)
        assert v._version == v0 + 1
    row = x[1]
    row[2] = -5
    assert x[1, 2].item() == -5


def test_writes_reach_numpy_memory():
    a = np.zeros((3, 4), np.float32)
    t = ember.from_numpy(a)
    t[1] = 2
    t[:, 0] = ember.tensor([7., 8., 9.])
    t[t > 8] = -1
    t[[0, 2], [3, 3]] = 4
    np.testing.assert_array_equal(a, t.numpy())
    assert a[2, 0] == -1 and a[0, 3] == 4 and a[1, 1] == 2


def test_advanced_indexing_copies():
    x = ember.arange(6.)
    y = x[[0, 1]]
    y[0] = 100
    assert x[0].item() == 0
    z = x[x > 2]
    z[0] = 100
    assert x.max().item() == 5 if hasattr(x, 'max') else True


def test_zero_dim_int_tensor_is_a_select_view():
    x = ember.arange(6.).reshape(2, 3).requires_grad_()
    y = x[ember.tensor(1)]
    assert y.grad_fn.name() == 'SelectBackward0' and y.shape == (3,)
    z = x[ember.tensor([1])]
    assert z.grad_fn.name() == 'IndexBackward0' and z.shape == (1, 3)


@pytest.mark.parametrize('key,name', [
    ('x[0]', 'SelectBackward0'), ('x[1:]', 'SliceBackward0'), ('x[:, 0]', 'SelectBackward0'),
    ('x[None]', 'UnsqueezeBackward0'), ('x[...]', 'AliasBackward0'), ('x[:]', 'SliceBackward0'),
    ('x[:, :]', 'AliasBackward0'), ('x[:, 0:100]', 'AliasBackward0'), ('x[:, -4:]', 'SliceBackward0'),
    ('x[[0, 1]]', 'IndexBackward0'), ('x[x > 0]', 'IndexBackward0'), ('x[True]', 'IndexBackward0'),
    ('x[0, ..., None]', 'UnsqueezeBackward0'), ('x[None, 0]', 'SelectBackward0'),
])
def test_grad_fn_names(key, name):
    for lib in (ember, torch):
        x = lib.ones(3, 4, requires_grad=True)
        fn = eval(key, {'x': x})
        got = fn.grad_fn.name()
        assert got == name, (lib.__name__, key, got)


def test_separated_advanced_indices_layout():
    a = np.arange(60.).reshape(3, 4, 5)
    for key in ('[0, 1], :, [1, 2]', '0, :, [1, 2]', ':, [0, 1], None, [1, 2]', '1, ..., [0, 1]',
                '[0, 1], None, [1, 2]'):
        e, t = both(lambda lib: eval(f'x[{key}]', {'x': lib.tensor(a)}))
        assert tuple(e.shape) == tuple(t.shape), key
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_sequence_as_tuple_warns_like_torch():
    x = ember.arange(12.).reshape(3, 4)
    with pytest.warns(UserWarning, match='non-tuple sequence'):
        y = x[[[0, 1], [1, 2]]]
    assert y.tolist() == [1.0, 6.0]


# ------------------------------------------------------------------------ getitem errors
@pytest.mark.parametrize('expr,exc', [
    ('x[5]', IndexError), ('x[-4]', IndexError), ('x[:, 7]', IndexError), ('x[[5]]', IndexError),
    ('x[:, [7]]', IndexError), ('x[0, 0, 0]', IndexError), ('x[1.5]', IndexError),
    ('x[L.tensor([1.])]', IndexError), ('x[L.tensor([True, False])]', IndexError),
    ('x[::-1]', ValueError), ('x[::0]', ValueError), ('s[0]', IndexError), ('s[1:]', IndexError),
    ('x[[1, 2], [1, 2, 3]]', IndexError), ('x[L.tensor([1], dtype=L.int8)]', IndexError),
    ('x[0, 7]', IndexError), ('x[None, 0, 7]', IndexError),
])
def test_getitem_errors(expr, exc):
    same_error(lambda L: eval(expr, {'L': L, 'x': L.arange(12.).reshape(3, 4),
                                     's': L.tensor(3.)}), exc)


# ------------------------------------------------------------------------ setitem
def test_setitem_leaf_requires_grad_raises():
    x = ember.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match='a view of a leaf Variable that requires grad'):
        x[0] = 1
    with pytest.raises(RuntimeError, match='^a leaf Variable that requires grad'):
        x[[0]] = 1
    with ember.no_grad():
        x[0] = 1
    assert x.tolist() == [1.0, 0.0, 0.0] and x.is_leaf


def test_setitem_makes_graph_and_grads_match_torch():
    def run(lib):
        x = lib.arange(12., dtype=lib.float64).reshape(3, 4).requires_grad_()
        v = lib.tensor([1., 2., 3., 4.], dtype=lib.float64, requires_grad=True)
        y = x * 2
        y[0] = v
        y[[1, 2], [0, 3]] = v[:2] * 3
        y[y > 20] = 0
        name = y.grad_fn.name()
        (y * y).sum().backward()
        return name, y.tolist(), x.grad.tolist(), v.grad.tolist()
    e, t = both(run)
    assert e == t


def test_setitem_value_requiring_grad_into_plain_tensor():
    def run(lib):
        out = lib.zeros(2, 3)
        w = lib.tensor([1., 2., 3.], requires_grad=True)
        out[1] = w * 2
        (out.sum() * 3).backward()
        return out.grad_fn.name(), w.grad.tolist()
    e, t = both(run)
    assert e == t


def test_setitem_casts_and_broadcasts():
    def run(lib):
        x = lib.zeros(3, 4, dtype=lib.int64)
        x[0] = 2.7
        x[1] = lib.tensor([1.9, 2.1, -3.5, 4.])
        x[2, 1:] = lib.tensor([[5]])
        b = lib.zeros(3, dtype=lib.bool)
        b[1] = 2
        return x.tolist(), b.tolist()
    e, t = both(run)
    assert e == t


@pytest.mark.parametrize('stmt,exc', [
    ('x[0] = [1, 2, 3, 4]', TypeError), ('x[0] = np.array([1., 2, 3, 4])', TypeError),
    ('x[0] = None', TypeError), ('x[0] = L.ones(3)', RuntimeError),
    ('x[0] = L.ones(2, 4)', RuntimeError), ('x[[0, 1]] = L.ones(3)', RuntimeError),
    ('x[5] = 1', IndexError), ('x[[5]] = 1', IndexError), ('i[0] = 300', RuntimeError),
    ('i[0] = float("nan")', RuntimeError), ('x[1.5] = 1', IndexError),
])
def test_setitem_errors(stmt, exc):
    def run(L):
        env = {'L': L, 'np': np, 'x': L.zeros(3, 4), 'i': L.zeros(3, dtype=L.int8)}
        exec(stmt, env)
    same_error(run, exc)


def test_setitem_false_index_is_a_noop():
    x = ember.zeros(3)
    x[False] = 1
    assert x.tolist() == [0.0, 0.0, 0.0] and x._version == 0


def test_setitem_overlapping_value():
    def run(lib, stmt):
        x = lib.arange(6.)
        exec(stmt, {'x': x})
        return x.tolist()
    for stmt in ('x[0] = x[0]', 'x[:2] = x[2:4]', 'x[1:] = x[1:]', 'x[::2] = x[1::2]',
                 'x[1:3] = x[0]', 'x[...] = x', 'x[[0, 1]] = x[[1, 0]]', 'x[1:] = x[:-1].clone()'):
        assert run(ember, stmt) == run(torch, stmt), stmt
    for stmt in ('x[1:] = x[:-1]', 'x[[1, 2]] = x[:2]', 'x[x > 2] = x[:2]'):
        same_error(lambda L: run(L, stmt), RuntimeError)


def test_setitem_on_expanded_tensor_is_an_error():
    x = ember.zeros(3).expand(2, 3)
    with pytest.raises(RuntimeError, match='clone'):
        x[0, 1] = 1


# ------------------------------------------------------------------------ backward details
def test_index_backward_accumulates_duplicates():
    x = ember.zeros(4, 2, requires_grad=True)
    x[ember.tensor([0, 0, 3, 0])].sum().backward()
    assert x.grad[:, 0].tolist() == [3.0, 0.0, 0.0, 1.0]


def test_second_order_through_indexing():
    def run(lib):
        x = lib.tensor([1., 2., 3.], dtype=lib.float64, requires_grad=True)
        y = (x[[0, 0, 2]] ** 3).sum() + (x[1:] ** 2).sum()
        g, = lib.autograd.grad(y, x, create_graph=True)
        g2, = lib.autograd.grad(g.sum(), x)
        return g.tolist(), g2.tolist()
    e, t = both(run)
    assert e == t


def test_scatter_reduce_src_larger_than_index_gradcheck():
    # PyTorch's own backward rejects this case; ember pads the gradient with zeros
    x = ember.rand(3, 4, dtype=ember.float64, requires_grad=True)
    src = ember.rand(4, 5, dtype=ember.float64, requires_grad=True)
    idx = ember.tensor([[0, 1, 2, 0], [2, 2, 1, 0]])
    for reduce in ('sum', 'mean', 'amax', 'prod'):
        assert ember.autograd.gradcheck(
            lambda a, b: ember.scatter_reduce(a, 0, idx, b, reduce), (x, src))
    assert ember.autograd.gradcheck(lambda a, b: ember.scatter(a, 0, idx[:, :3] * 0 + ember.tensor(
        [[0, 1, 2], [1, 2, 0]]), b), (x, src))


def test_scatter_with_reduce_has_no_derivative():
    x = ember.zeros(3, requires_grad=True)
    with pytest.warns(UserWarning, match='deprecated'):
        y = ember.scatter(x, 0, ember.tensor([0]), ember.tensor([1.]), reduce='add')
    assert 'NotImplemented' in y.grad_fn.name()
    with pytest.raises(RuntimeError, match='derivative for aten::scatter is not implemented'):
        y.sum().backward()


# ------------------------------------------------------------------------ in-place variants
def test_inplace_variants_write_in_place_and_bump_version():
    x = ember.zeros(3, 4)
    buf = x.numpy()
    idx = ember.tensor([[0, 1, 2, 0]])
    calls = [lambda: x.scatter_(0, idx, 1.), lambda: x.scatter_add_(0, idx, ember.ones(1, 4)),
             lambda: x.scatter_reduce_(0, idx, ember.ones(1, 4), 'amax'),
             lambda: x.index_add_(1, ember.tensor([1, 1]), ember.ones(3, 2)),
             lambda: x.index_fill_(0, ember.tensor([2]), 5.),
             lambda: x.index_copy_(0, ember.tensor([1]), ember.ones(1, 4)),
             lambda: x.index_put_((ember.tensor([0]), ember.tensor([3])), ember.tensor(9.)),
             lambda: x.masked_fill_(x > 4, -1.),
             lambda: x.masked_scatter_(x < 0, ember.arange(12.)),
             lambda: x.put_(ember.tensor([11]), ember.tensor([8.]))]
    for i, c in enumerate(calls):
        assert c() is x
        assert x._version == i + 1
    t = torch.zeros(3, 4)
    ti = torch.tensor([[0, 1, 2, 0]])
    t.scatter_(0, ti, 1.).scatter_add_(0, ti, torch.ones(1, 4))
    t.scatter_reduce_(0, ti, torch.ones(1, 4), 'amax')
    t.index_add_(1, torch.tensor([1, 1]), torch.ones(3, 2)).index_fill_(0, torch.tensor([2]), 5.)
    t.index_copy_(0, torch.tensor([1]), torch.ones(1, 4))
    t.index_put_((torch.tensor([0]), torch.tensor([3])), torch.tensor(9.))
    t.masked_fill_(t > 4, -1.).masked_scatter_(t < 0, torch.arange(12.))
    t.put_(torch.tensor([11]), torch.tensor([8.]))
    np.testing.assert_array_equal(buf, t.numpy())


def test_inplace_on_leaf_requiring_grad_raises():
    x = ember.zeros(3, requires_grad=True)
    for c in (lambda: x.masked_fill_(ember.tensor([True, False, True]), 1.),
              lambda: x.index_fill_(0, ember.tensor([0]), 1.),
              lambda: x.scatter_(0, ember.tensor([0]), 1.),
              lambda: x.index_put_((ember.tensor([0]),), ember.tensor(1.))):
        with pytest.raises(RuntimeError, match='leaf Variable that requires grad'):
            c()


def test_inplace_graph_grad_fn_names():
    def run(lib):
        names = []
        m = lib.tensor([True, False, True, False])
        i = lib.tensor([[0, 1, 2, 0]])
        for f in (lambda x: x.masked_fill_(m, 1.), lambda x: x.scatter_(0, i, 2.),
                  lambda x: x.index_add_(0, lib.tensor([0]), lib.ones(1, 4)),
                  lambda x: x.index_put_((lib.tensor([0]),), lib.tensor(1.)),
                  lambda x: x.put_(lib.tensor([0]), lib.ones(1))):
            x = lib.ones(3, 4, requires_grad=True).clone()
            f(x)
            names.append(x.grad_fn.name())
        return names
    e, t = both(run)
    assert e == t


# ------------------------------------------------------------------------ function errors
X = 'L.arange(12.).reshape(3, 4)'
ERRORS = [
    (f'L.gather({X}, 0, L.tensor([[7]]))', RuntimeError),
    (f'L.gather({X}, 1, L.tensor([[-1]]))', RuntimeError),
    (f'L.gather({X}, 0, L.tensor([0]))', RuntimeError),
    (f'L.gather({X}, 0, L.zeros(4, 5, dtype=L.long))', RuntimeError),
    (f'L.gather({X}, 2, L.tensor([[0]]))', IndexError),
    (f'L.gather({X}, 0, L.tensor([[0.]]))', RuntimeError),
    (f'L.scatter({X}, 0, L.tensor([[5]]), L.ones(2, 2))', RuntimeError),
    (f'L.scatter({X}, 0, L.tensor([[0]]), L.ones(2, 2, dtype=L.float64))', RuntimeError),
    (f'L.scatter({X}, 0, L.tensor([[0, 1], [1, 0]]), L.ones(1, 1))', RuntimeError),
    (f'L.scatter({X}, 0, L.tensor([[0]]), L.ones(2, 2), reduce="foo")', RuntimeError),
    (f'L.scatter_add({X}, 0, L.tensor([[0.]]), L.ones(2, 2))', RuntimeError),
    (f'L.scatter_reduce({X}, 0, L.tensor([[0]]), L.ones(2, 2), "foo")', RuntimeError),
    (f'L.index_select({X}, 0, L.tensor([5]))', IndexError),
    (f'L.index_select({X}, 0, L.tensor([-1]))', IndexError),
    (f'L.index_select({X}, 0, L.tensor([[0]]))', IndexError),
    (f'L.index_select({X}, 0, L.tensor([0.]))', RuntimeError),
    (f'L.index_add({X}, 0, L.tensor([0, 0]), L.ones(2, 3))', RuntimeError),
    (f'L.index_add({X}, 0, L.tensor([5, 0]), L.ones(2, 4))', RuntimeError),
    (f'L.index_add({X}, 0, L.tensor([0]), L.ones(1, 4, dtype=L.float64))', RuntimeError),
    (f'L.index_add({X}, 0, L.tensor([0, 1]), L.ones(1, 4))', RuntimeError),
    (f'L.index_add({X}, 1, L.tensor(1), L.ones(3))', RuntimeError),
    (f'L.index_fill({X}, 1, L.tensor([0, 2]), L.tensor([-1.]))', RuntimeError),
    (f'L.index_fill({X}, 1, L.tensor([7]), 1)', IndexError),
    (f'L.index_fill({X}, 1, L.tensor([0]).int(), 1)', IndexError),
    (f'L.index_copy({X}, 0, L.tensor([2, 0]), L.ones(2, 3))', RuntimeError),
    (f'L.index_copy({X}, 0, L.tensor([2, 9]), L.ones(2, 4))', IndexError),
    (f'L.index_copy({X}, 0, L.tensor([2, 0]).int(), L.ones(2, 4))', RuntimeError),
    (f'L.index_put({X}, (L.tensor([0]),), L.ones(2, 4))', RuntimeError),
    (f'L.index_put({X}, (L.tensor([9]),), L.tensor(1.))', IndexError),
    (f'L.index_put({X}, (L.tensor([0.]),), L.tensor(1.))', IndexError),
    (f'L.index_put({X}, (L.tensor([0]),) * 3, L.tensor(1.))', IndexError),
    (f'L.index_put({X}, (L.tensor([0]),), L.tensor(5, dtype=L.float64))', RuntimeError),
    (f'L.index_put({X}, (L.tensor([0]),), 5.)', TypeError),
    (f'L.masked_fill({X}, L.tensor([1., 0, 1, 0]), 1)', RuntimeError),
    (f'L.masked_fill({X}, L.ones(4, dtype=L.bool), L.tensor([-1.]))', RuntimeError),
    (f'L.masked_fill({X}, L.ones(3, dtype=L.bool), 1)', RuntimeError),
    ('L.zeros(4).masked_fill_(L.ones(2, 4, dtype=L.bool), 1)', RuntimeError),
    ('L.masked_fill(L.zeros(4, dtype=L.int8), L.ones(4, dtype=L.bool), 300)', RuntimeError),
    (f'L.masked_scatter({X}, L.ones(4, dtype=L.bool), L.arange(3.))', RuntimeError),
    (f'L.masked_scatter({X}, L.ones(4, dtype=L.bool), L.arange(12.).double())', RuntimeError),
    (f'L.masked_select({X}, L.ones(4))', RuntimeError),
    (f'L.take({X}, L.tensor([12]))', IndexError),
    (f'L.take({X}, L.tensor([1]).int())', RuntimeError),
    (f'{X}.put(L.tensor([0, 13]), L.tensor([1., 2.]))', IndexError),
    (f'{X}.put_(L.tensor([0, 1]), L.tensor([1.]))', IndexError),
    (f'L.take_along_dim({X}, L.tensor([[0, 1]]), dim=0)', RuntimeError),
    (f'L.take_along_dim({X}, L.tensor([[[0]]]), dim=1)', RuntimeError),
    (f'L.take_along_dim({X}, L.tensor([[0]]).int(), dim=1)', RuntimeError),
    (f'L.take_along_dim({X}, L.zeros(2, 1, dtype=L.long), 1)', RuntimeError),
    (f'L.masked_select({X}, L.ones(3, dtype=L.bool))', RuntimeError),
    (f'L.masked_scatter({X}, L.ones(3, dtype=L.bool), L.ones(12))', RuntimeError),
    (f'{X}.masked_fill_(L.ones(3, dtype=L.bool), 1)', RuntimeError),
    (f'{X}.masked_scatter_(L.ones(3, dtype=L.bool), L.ones(12))', RuntimeError),
    ('L.searchsorted(L.tensor([1., 3]), L.tensor([2.]), side="left", right=True)', RuntimeError),
    ('L.searchsorted(L.tensor([1., 3]), L.tensor([2.]), side="foo")', RuntimeError),
    ('L.searchsorted(L.tensor([[1., 3], [2, 4]]), L.tensor([2., 3.]))', RuntimeError),
    ('L.searchsorted(L.tensor([[1., 3]]), 3.)', RuntimeError),
    ('L.searchsorted(L.tensor(1.), L.tensor([2.]))', RuntimeError),
    ('L.searchsorted(L.tensor([1., 3]), L.tensor([2.]), sorter=L.tensor([0, 5]))', RuntimeError),
    ('L.bucketize(L.tensor([3.]), L.tensor([[1., 2]]))', RuntimeError),
    ('L.histc(L.tensor([1, 2]), bins=4)', NotImplementedError),
    ('L.histc(L.tensor([1., 2]), bins=4, min=3, max=0)', RuntimeError),
    ('L.histc(L.tensor([1., 2]), bins=0)', RuntimeError),
    ('L.histc(L.tensor([1., float("inf")]), bins=3)', RuntimeError),
    ('L.bincount(L.tensor([0, -1]))', RuntimeError),
    ('L.bincount(L.tensor([[0, 1]]))', RuntimeError),
    ('L.bincount(L.tensor([0., 1]))', NotImplementedError),
    ('L.bincount(L.tensor([0, 1]), weights=L.tensor([1.]))', RuntimeError),
    ('L.bincount(L.tensor([0, 1]), minlength=-1)', RuntimeError),
]


@pytest.mark.parametrize('expr,exc', ERRORS, ids=[e[0][:60] for e in ERRORS])
def test_function_errors(expr, exc):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        same_error(lambda L: eval(expr, {'L': L}), exc)


def test_nonzero_and_friends_match_torch():
    a = np.array([[0, 1.5, 0], [2, 0, -1]], np.float32)
    e, t = both(lambda L: (L.nonzero(L.tensor(a)).tolist(),
                           [v.tolist() for v in L.nonzero(L.tensor(a), as_tuple=True)],
                           L.argwhere(L.tensor(a)).tolist(),
                           [v.tolist() for v in L.tensor(0.).nonzero(as_tuple=True)],
                           tuple(L.tensor(5.).nonzero().shape)))
    assert e == t


def test_bincount_with_grad_weights_is_not_differentiable():
    w = ember.tensor([1., 2.], requires_grad=True)
    r = ember.bincount(ember.tensor([0, 1]), weights=w)
    assert 'NotImplemented' in r.grad_fn.name()


# ------------------------------------------------------------------------ writes through views
def test_rebase_view_gives_torch_gradients(monkeypatch):
    """``rebase_view`` is the helper ``_base._rebase_view`` can delegate to (x[0] += v)."""
    import ember._ops._base as B
    from ember._ops.indexing import rebase_view
    monkeypatch.setattr(B, '_rebase_view', rebase_view)

    def run(lib):
        x = lib.arange(12., dtype=lib.float64).reshape(3, 4).requires_grad_()
        v = lib.tensor([1., 2., 3., 4.], dtype=lib.float64, requires_grad=True)
        y = x.clone()
        y[0] += v
        c = y[:, 1]
        c.add_(v[:3] * 3)
        z = y.t()[2]
        z[1:] = v[:2] * 5
        ((y * y).sum() + c.sum()).backward()
        name = y.grad_fn.name()
        return y.tolist(), x.grad.tolist(), v.grad.tolist(), name
    e, t = both(run)
    assert e == t

    leaf = ember.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match='view of a leaf Variable'):
        rebase_view(leaf[1:], None)


def test_scatter_add_inplace_with_number_is_a_type_error():
    with pytest.raises(TypeError, match='must be Tensor'):
        ember.zeros(3).scatter_add_(0, ember.tensor([0]), 1.0)
