"""Run the same distribution code on ember and torch and compare the results."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def both(fn, seed=0):
    """``fn(lib)`` for lib in (ember, torch), each after ``manual_seed(seed)``; fn may also
    read ``lib.distributions``. Returns the two results."""
    out = []
    for lib in (ember, torch):
        lib.manual_seed(seed)
        out.append(fn(lib))
    return out


def _flat(x):
    return list(x) if isinstance(x, (tuple, list)) else [x]


def assert_same(e, t, exact=False, rtol=1e-5, atol=1e-6):
    """Same dtype, shape and values (bit for bit when ``exact``)."""
    for a, b in zip(_flat(e), _flat(t), strict=True):
        if not isinstance(b, torch.Tensor):
            assert a == b
            continue
        assert str(a.dtype) == str(b.dtype), (a.dtype, b.dtype)
        assert tuple(a.shape) == tuple(b.shape), (a.shape, b.shape)
        an, bn = a.detach().numpy(), b.detach().numpy()
        if exact:
            assert an.tobytes() == np.ascontiguousarray(bn).tobytes(), f'{an}\nvs torch\n{bn}'
        else:
            np.testing.assert_allclose(an, bn, rtol=rtol, atol=atol, equal_nan=True)


def check(fn, seed=0, **kw):
    """``assert_same`` on ``both(fn, seed)``."""
    e, t = both(fn, seed)
    assert_same(e, t, **kw)


def grads(fn, *arrays):
    """Gradients of ``fn(lib, *leaves).sum()`` w.r.t. leaves made from float64 ``arrays``,
    compared between ember and torch (after the same seed)."""
    res = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        leaves = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays]
        fn(lib, *leaves).sum().backward()
        res.append([leaf.grad for leaf in leaves])
    assert_same(*res, rtol=1e-6, atol=1e-9)


def same_error(fn, exc=ValueError):
    """``fn(lib)`` raises ``exc`` with the same message on ember and torch."""
    messages = []
    for lib in (ember, torch):
        with pytest.raises(exc) as info:
            fn(lib)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
