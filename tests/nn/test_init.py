"""ember.nn.init against torch.nn.init: the same values bit for bit after manual_seed, the same
number of random words consumed, and the same errors."""
import math
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')

SHAPES = [(3, 4), (5, 2), (7, 20), (30, 40), (4, 6, 3), (16, 3, 3, 3), (2, 3, 2, 2, 2)]
DTYPES = ['float32', 'float64']


def _run(call, shape, dtype, seed=0, fill=None):
    """Apply ``call(init, tensor)`` in both libraries after manual_seed(seed); return both arrays
    and whether the next random draw agrees (i.e. the same number of words was consumed)."""
    out = []
    for lib in (torch, ember):
        lib.manual_seed(seed)
        t = lib.empty(shape, dtype=getattr(lib, dtype))
        if fill is not None:
            t.fill_(fill)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            r = call(lib.nn.init, t)
        assert r is t, 'init functions return the tensor they were given'
        out.append((t.detach().numpy().copy(), lib.rand(3, dtype=lib.float64).numpy()))
    (tt, tn), (et, en) = out
    return tt, et, np.array_equal(tn, en)


RANDOM = {
    'uniform_': lambda I, t: I.uniform_(t, -2.0, 3.0),
    'uniform_default': lambda I, t: I.uniform_(t),
    'normal_': lambda I, t: I.normal_(t, 0.5, 2.0),
    'normal_default': lambda I, t: I.normal_(t),
    'trunc_normal_': lambda I, t: I.trunc_normal_(t),
    'trunc_normal_small_std': lambda I, t: I.trunc_normal_(t, std=0.02),
    'trunc_normal_narrow': lambda I, t: I.trunc_normal_(t, 0.0, 1.0, 1.5, 3.0),
    'trunc_normal_shifted': lambda I, t: I.trunc_normal_(t, 1.0, 0.5, -1.0, 0.5),
    'xavier_uniform_': lambda I, t: I.xavier_uniform_(t),
    'xavier_uniform_gain': lambda I, t: I.xavier_uniform_(t, gain=I.calculate_gain('relu')),
    'xavier_normal_': lambda I, t: I.xavier_normal_(t, gain=2.0),
    'kaiming_uniform_': lambda I, t: I.kaiming_uniform_(t),
    'kaiming_uniform_sqrt5': lambda I, t: I.kaiming_uniform_(t, a=math.sqrt(5)),
    'kaiming_uniform_fan_out': lambda I, t: I.kaiming_uniform_(t, mode='fan_out',
                                                             nonlinearity='relu'),
    'kaiming_normal_': lambda I, t: I.kaiming_normal_(t),
    'kaiming_normal_tanh': lambda I, t: I.kaiming_normal_(t, a=0.3, mode='FAN_OUT',
                                                        nonlinearity='tanh'),
    'kaiming_normal_selu': lambda I, t: I.kaiming_normal_(t, nonlinearity='selu'),
}


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape', SHAPES, ids=str)
@pytest.mark.parametrize('name', list(RANDOM))
def test_random_init_bit_exact(name, shape, dtype):
    for seed in (0, 7):
        t, e, same_next = _run(RANDOM[name], shape, dtype, seed)
        assert t.dtype == e.dtype and t.shape == e.shape
        assert np.array_equal(t, e), f'{name}{shape} {dtype} seed {seed}: values differ'
        assert same_next, f'{name}: a different number of random words was consumed'


@pytest.mark.parametrize('dtype', DTYPES)
def test_generator_argument(dtype):
    """``generator=`` draws from that generator and leaves the default one alone."""
    for name in ('uniform_', 'normal_', 'trunc_normal_', 'xavier_uniform_', 'xavier_normal_',
                 'kaiming_uniform_', 'kaiming_normal_', 'orthogonal_'):
        res = []
        for lib in (torch, ember):
            lib.manual_seed(3)
            g = lib.Generator().manual_seed(11)
            t = lib.empty(6, 5, dtype=getattr(lib, dtype))
            getattr(lib.nn.init, name)(t, generator=g)
            res.append((t.numpy(), lib.rand(4).numpy(), lib.rand(2, generator=g).numpy()))
        (tv, tn, tg), (ev, en, eg) = res
        if name == 'orthogonal_':
            np.testing.assert_allclose(ev, tv, rtol=0, atol=1e-5 if dtype == 'float32' else 1e-13)
        else:
            assert np.array_equal(tv, ev), name
        assert np.array_equal(tn, en), f'{name}: the default generator was used'
        assert np.array_equal(tg, eg), f'{name}: a different number of words was drawn from g'


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape', SHAPES + [(6, 6), (1, 5), (5, 1)], ids=str)
def test_orthogonal(shape, dtype):
    """Same normal draws and the same QR + sign fix; LAPACK (MKL in torch, OpenBLAS in NumPy)
    may differ in the last bits, so the values are compared to a few ulps."""
    t, e, same_next = _run(lambda I, x: I.orthogonal_(x, gain=1.5), shape, dtype)
    assert same_next
    atol = 2e-6 if dtype == 'float32' else 4e-15
    np.testing.assert_allclose(e, t, rtol=0, atol=atol)
    rows = shape[0]
    m = e.reshape(rows, -1)
    gram = m @ m.T if rows <= m.shape[1] else m.T @ m
    np.testing.assert_allclose(gram, 2.25 * np.eye(gram.shape[0]), atol=1e-5)


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('sparsity', [0.1, 0.3, 0.5, 1.0])
def test_sparse(sparsity, dtype):
    for shape in [(10, 6), (3, 7), (1, 4)]:
        t, e, same_next = _run(lambda I, x: I.sparse_(x, sparsity, std=0.5), shape, dtype)
        assert np.array_equal(t, e) and same_next


def test_sparse_generator_only_for_normals():
    """torch uses ``generator`` for the normals but the default generator for the randperms."""
    res = []
    for lib in (torch, ember):
        lib.manual_seed(5)
        g = lib.Generator().manual_seed(9)
        t = lib.nn.init.sparse_(lib.empty(6, 4), 0.5, generator=g)
        res.append((t.numpy(), lib.rand(3).numpy()))
    assert np.array_equal(res[0][0], res[1][0]) and np.array_equal(res[0][1], res[1][1])


@pytest.mark.parametrize('dtype', DTYPES)
def test_deterministic_fills(dtype):
    for call in (lambda I, t: I.constant_(t, 0.3), lambda I, t: I.ones_(t),
                 lambda I, t: I.zeros_(t), lambda I, t: I.constant_(t, -2)):
        for shape in [(3, 4), (2, 3, 4), (5,)]:
            t, e, same_next = _run(call, shape, dtype, fill=7.0)
            assert np.array_equal(t, e) and same_next


@pytest.mark.parametrize('shape', [(3, 3), (2, 5), (5, 2), (1, 1), (0, 3)], ids=str)
def test_eye(shape):
    t, e, _ = _run(lambda I, x: I.eye_(x), shape, 'float32', fill=5.0)
    assert np.array_equal(t, e)


@pytest.mark.parametrize('shape,groups', [((4, 4, 3), 1), ((6, 2, 3, 3), 2), ((4, 6, 3, 3), 1),
                                          ((6, 4, 3, 3), 3), ((2, 2, 3, 4, 5), 1),
                                          ((4, 1, 2, 2), 4), ((6, 3, 3, 3, 3), 2)], ids=str)
def test_dirac(shape, groups):
    t, e, _ = _run(lambda I, x: I.dirac_(x, groups=groups), shape, 'float32', fill=5.0)
    assert np.array_equal(t, e)


def test_dirac_is_identity_convolution():
    w = ember.nn.init.dirac_(ember.empty(3, 3, 3, 3))
    x = ember.randn(1, 3, 5, 5)
    assert np.array_equal(np.einsum('oihw,nihw->no', w.numpy(), x.numpy()[:, :, 1:4, 1:4]),
                          x.numpy()[:, :, 2, 2])


@pytest.mark.parametrize('args', [('linear',), ('conv1d',), ('conv2d',), ('conv3d',),
                                  ('conv_transpose1d',), ('conv_transpose2d',),
                                  ('conv_transpose3d',), ('sigmoid',), ('tanh',), ('relu',),
                                  ('leaky_relu',), ('leaky_relu', 0.2), ('leaky_relu', 3),
                                  ('leaky_relu', math.sqrt(5)), ('selu',), ('relu', 'ignored')],
                         ids=str)
def test_calculate_gain(args):
    t = torch.nn.init.calculate_gain(*args)
    e = ember.nn.init.calculate_gain(*args)
    assert e == t and type(e) is type(t)


def test_fans():
    for shape in [(3, 4), (5, 2, 3), (16, 3, 3, 3), (2, 3, 2, 2, 2), (0, 4)]:
        assert ember.nn.init._calculate_fan_in_and_fan_out(ember.empty(shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
        for mode in ('fan_in', 'fan_out', 'Fan_In'):
            assert ember.nn.init._calculate_correct_fan(ember.empty(shape), mode) == \
                torch.nn.init._calculate_correct_fan(torch.empty(shape), mode)


def _same_error(call, kind=ValueError):
    with pytest.raises(kind) as te:
        call(torch)
    with pytest.raises(kind) as ee:
        call(ember)
    tmsg, emsg = str(te.value), str(ee.value)
    assert emsg.startswith(tmsg.split('(')[0].rstrip(' .')), (tmsg, emsg)
    return emsg


@pytest.mark.parametrize('fn', ['xavier_uniform_', 'xavier_normal_', 'kaiming_uniform_',
                                'kaiming_normal_'])
def test_fan_error_on_1d(fn):
    msg = _same_error(lambda lib: getattr(lib.nn.init, fn)(lib.empty(5)))
    assert msg.startswith('Fan in and fan out can not be computed for tensor with fewer than '
                          '2 dimensions')
    assert '(5,)' in msg


def test_errors():
    _same_error(lambda lib: lib.nn.init.calculate_gain('softmax'))
    _same_error(lambda lib: lib.nn.init.calculate_gain('leaky_relu', True))
    _same_error(lambda lib: lib.nn.init.calculate_gain('leaky_relu', '0.1'))
    _same_error(lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(3, 3), mode='fan_avg'))
    _same_error(lambda lib: lib.nn.init.eye_(lib.empty(3, 3, 3)))
    _same_error(lambda lib: lib.nn.init.dirac_(lib.empty(3, 3)))
    _same_error(lambda lib: lib.nn.init.dirac_(lib.empty(3, 3, 3), groups=2))
    _same_error(lambda lib: lib.nn.init.orthogonal_(lib.empty(3)))
    _same_error(lambda lib: lib.nn.init.sparse_(lib.empty(3, 3, 3), 0.1))


def test_zero_element_kaiming_warns_and_draws_nothing():
    for fn in ('kaiming_uniform_', 'kaiming_normal_'):
        ember.manual_seed(0)
        with pytest.warns(UserWarning, match='Initializing zero-element tensors is a no-op'):
            getattr(ember.nn.init, fn)(ember.empty(0, 3))
        torch.manual_seed(0)
        assert np.array_equal(ember.rand(3).numpy(), torch.rand(3).numpy())


def test_trunc_normal_warns_far_mean():
    with pytest.warns(UserWarning, match='mean is more than 2 std from'):
        ember.nn.init.trunc_normal_(ember.empty(10), mean=10.0)


@pytest.mark.parametrize('name', ['uniform', 'normal', 'constant', 'eye', 'dirac',
                                  'xavier_uniform', 'xavier_normal', 'kaiming_uniform',
                                  'kaiming_normal', 'orthogonal', 'sparse'])
def test_deprecated_aliases(name):
    args = {'constant': (0.5,), 'sparse': (0.2,)}.get(name, ())
    shape = (3, 3, 3) if name == 'dirac' else (4, 3)
    res = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        with pytest.warns(FutureWarning) as rec:
            t = getattr(lib.nn.init, name)(lib.zeros(shape), *args)
        res.append((t.numpy(), str(rec[0].message)))
    assert res[1][1] == res[0][1] == f'`nn.init.{name}` is now deprecated in favor of ' \
                                     f'`nn.init.{name}_`.'
    np.testing.assert_allclose(res[1][0], res[0][0], rtol=0, atol=2e-6)
    assert getattr(ember.nn.init, name).__name__ == name


def test_all_names_match_torch():
    assert sorted(ember.nn.init.__all__) == sorted(torch.nn.init.__all__)
    import inspect
    for name in torch.nn.init.__all__ + ['_calculate_fan_in_and_fan_out',
                                         '_calculate_correct_fan']:
        tf, ef = getattr(torch.nn.init, name), getattr(ember.nn.init, name)
        if name.endswith('_'):
            tp = [(p.name, p.default) for p in inspect.signature(tf).parameters.values()]
            ep = [(p.name, p.default) for p in inspect.signature(ef).parameters.values()]
            assert ep == tp, name


def test_no_grad_and_leaf_parameters():
    """Init functions work on leaf tensors that require grad (Parameters) and record no graph."""
    p = ember.nn.Parameter(ember.empty(3, 4))
    for fn in (lambda t: ember.nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
               ember.nn.init.orthogonal_, ember.nn.init.trunc_normal_, ember.nn.init.zeros_,
               ember.nn.init.eye_, lambda t: ember.nn.init.sparse_(t, 0.5)):
        out = fn(p)
        assert out is p and p.grad_fn is None and p.is_leaf and p.requires_grad
