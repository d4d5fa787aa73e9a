"""Bad input to the activations, softmax family and attention: ember raises PyTorch's
exception type with PyTorch's first sentence (and may add a hint after it)."""
import warnings

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


CASES = {
    'softmax-dim-out-of-range': lambda lib: lib.softmax(lib.ones(2, 3), 5),
    'log_softmax-dim-out-of-range': lambda lib: lib.log_softmax(lib.ones(2, 3), -3),
    'F.softmax-dim-out-of-range': lambda lib: F(lib).softmax(lib.ones(4), dim=1),
    'softmax-method-dim': lambda lib: lib.ones(2, 3).softmax(2),
    'softmax-float-dim': lambda lib: lib.softmax(lib.ones(2, 3), 1.5),
    'softmax-not-a-tensor': lambda lib: lib.softmax([1.0, 2.0], 0),
    'softmax-long-lastdim': lambda lib: lib.softmax(lib.ones(3, dtype=lib.long), 0),
    'softmax-long-dim0': lambda lib: lib.softmax(lib.ones(2, 3, dtype=lib.long), 0),
    'log_softmax-long-dim0': lambda lib: lib.log_softmax(lib.ones(2, 3, dtype=lib.long), 0),
    'softmax-bool': lambda lib: lib.softmax(lib.ones(2, 3, dtype=lib.bool), 1),
    'softmin-long': lambda lib: F(lib).softmin(lib.ones(2, 3, dtype=lib.long), 1),
    'prelu-num-parameters': lambda lib: F(lib).prelu(lib.ones(2, 4), lib.ones(3)),
    'PReLU-num-parameters': lambda lib: lib.nn.PReLU(3)(lib.ones(2, 4)),
    'PReLU-1d-input': lambda lib: lib.nn.PReLU(4)(lib.ones(4)),
    'prelu-2d-weight': lambda lib: F(lib).prelu(lib.ones(2, 4), lib.ones(2, 2)),
    'prelu-dtype': lambda lib: F(lib).prelu(lib.ones(2, 3, dtype=lib.float64), lib.ones(1)),
    'prelu-long': lambda lib: F(lib).prelu(lib.ones(2, 3, dtype=lib.long),
                                            lib.ones(1, dtype=lib.long)),
    'glu-odd': lambda lib: F(lib).glu(lib.ones(2, 3), 1),
    'glu-scalar': lambda lib: F(lib).glu(lib.tensor(1.0)),
    'glu-dim': lambda lib: F(lib).glu(lib.ones(2, 4), 2),
    'glu-long': lambda lib: F(lib).glu(lib.ones(2, 4, dtype=lib.long)),
    'gelu-approximate': lambda lib: F(lib).gelu(lib.ones(2), approximate='fast'),
    'gelu-long': lambda lib: F(lib).gelu(lib.ones(2, dtype=lib.long)),
    'celu-alpha-0': lambda lib: F(lib).celu(lib.ones(2), 0.0),
    'hardtanh-min-gt-max': lambda lib: F(lib).hardtanh(lib.ones(2), 2.0, 1.0),
    'Hardtanh-min-ge-max': lambda lib: lib.nn.Hardtanh(1.0, 1.0),
    'hardtanh-bool': lambda lib: F(lib).hardtanh(lib.ones(2, dtype=lib.bool)),
    'softshrink-negative': lambda lib: F(lib).softshrink(lib.ones(2), -1.0),
    'softshrink-negative-f64': lambda lib: F(lib).softshrink(lib.ones(2, dtype=lib.float64),
                                                               -0.5),
    'rrelu-bounds': lambda lib: F(lib).rrelu(lib.ones(2), 0.5, 0.1, True),
    'rrelu-half-training': lambda lib: F(lib).rrelu(lib.ones(2, dtype=lib.half), training=True),
    'rrelu-long': lambda lib: F(lib).rrelu(lib.ones(2, dtype=lib.long)),
    'elu-long': lambda lib: F(lib).elu(lib.ones(2, dtype=lib.long)),
    'selu-long': lambda lib: lib.selu(lib.ones(2, dtype=lib.long)),
    'elu-not-a-tensor': lambda lib: F(lib).elu(3.0),
    'leaky_relu-long': lambda lib: F(lib).leaky_relu(lib.ones(2, dtype=lib.long)),
    'silu-long': lambda lib: F(lib).silu(lib.ones(2, dtype=lib.long)),
    'mish-long': lambda lib: F(lib).mish(lib.ones(2, dtype=lib.long)),
    'softplus-long': lambda lib: F(lib).softplus(lib.ones(2, dtype=lib.long)),
    'logsigmoid-long': lambda lib: F(lib).logsigmoid(lib.ones(2, dtype=lib.long)),
    'hardsigmoid-long': lambda lib: F(lib).hardsigmoid(lib.ones(2, dtype=lib.long)),
    'hardswish-long': lambda lib: F(lib).hardswish(lib.ones(2, dtype=lib.long)),
    'hardshrink-long': lambda lib: lib.hardshrink(lib.ones(2, dtype=lib.long)),
    'softshrink-long': lambda lib: F(lib).softshrink(lib.ones(2, dtype=lib.long)),
    'threshold-bool': lambda lib: F(lib).threshold(lib.ones(2, dtype=lib.bool), 0.0, 1.0),
    'Softmax2d-2d': lambda lib: lib.nn.Softmax2d()(lib.ones(2, 3)),
    'sdpa-causal-and-mask': lambda lib: F(lib).scaled_dot_product_attention(
        lib.ones(3, 4), lib.ones(3, 4), lib.ones(3, 4), attn_mask=lib.ones(3, 3),
        is_causal=True),
    'sdpa-gqa-heads': lambda lib: F(lib).scaled_dot_product_attention(
        lib.ones(1, 4, 3, 5), lib.ones(1, 3, 3, 5), lib.ones(1, 3, 3, 5), enable_gqa=True),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_bad_input(name):
    _same_error(CASES[name])


@pytest.mark.parametrize('name', ['relu_', 'elu_', 'selu_', 'celu_', 'leaky_relu_', 'rrelu_',
                                  'hardtanh_', 'threshold_'])
def test_inplace_on_leaf_requiring_grad(name):
    def call(lib):
        x = lib.ones(3, requires_grad=True)
        fn = getattr(F(lib), name)
        return fn(x, 0.5, 1.0) if name == 'threshold_' else fn(x)
    _same_error(call)


@pytest.mark.parametrize('name', ['relu', 'silu', 'mish', 'hardsigmoid', 'hardswish', 'elu',
                                  'selu', 'celu', 'leaky_relu', 'hardtanh', 'relu6'])
def test_inplace_flag_on_leaf_requiring_grad(name):
    _same_error(lambda lib: getattr(F(lib), name)(lib.ones(3, requires_grad=True),
                                                   inplace=True))


def test_inplace_leaky_relu_negative_slope_backward():
    def call(lib):
        x = lib.ones(3, requires_grad=True)
        F(lib).leaky_relu_(x * 1, -0.1).sum().backward()
    _same_error(call)


def test_saved_input_modified_in_place():
    """The input elu saved for its backward is changed in place: backward refuses, as PyTorch
    (the engine's message; compared up to its colon)."""
    errors = []
    for lib in (torch, ember):
        x = lib.ones(3, requires_grad=True)
        h = x * 1
        z = F(lib).elu(h)
        h.mul_(2)
        with pytest.raises(RuntimeError) as e:
            z.sum().backward()
        errors.append(str(e.value).split(':')[0])
    assert errors[0] == errors[1]


@pytest.mark.parametrize('name', ['softmax', 'log_softmax', 'softmin'])
def test_implicit_dim_warns(name):
    for lib in (torch, ember):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            getattr(F(lib), name)(lib.ones(2, 3))
        msgs = [str(m.message) for m in w if issubclass(m.category, UserWarning)]
        assert msgs == [f'Implicit dimension choice for {name} has been deprecated. Change the '
                        'call to include dim=X as an argument.'], (lib.__name__, msgs)


def test_gumbel_softmax_eps_deprecated():
    with pytest.warns(UserWarning, match='`eps` parameter is deprecated'):
        F(ember).gumbel_softmax(ember.ones(2, 3), eps=1e-5)


def test_hardtanh_deprecated_keywords():
    with pytest.warns(FutureWarning, match='`min_value` is deprecated'):
        m = ember.nn.Hardtanh(min_value=-2.0)
    assert repr(m) == 'Hardtanh(min_val=-2.0, max_val=1.0)'
