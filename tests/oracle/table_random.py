"""Oracle entries: random sampling (ember/_ops/random_ops.py, random_inplace.py and
random_distributions.py).

Every entry has ``random=True``: the harness calls ``manual_seed(0)`` on both libraries before
each call, and ``compare=exact`` demands the same dtype, shape and bytes (PyTorch's CPU
generator is reproduced bit for bit, spec/rng.md). Samples cover the normal kernel's two
paths (fewer / at least 16 elements), non-contiguous targets (filled in memory order),
0-d and empty tensors, float32/float64 (and float16, integer dtypes where meaningful),
and ``generator=`` objects.
"""
import numpy as np

from .harness import Op, Sample, arr

FLOATS = ('float32', 'float64')
SIZES = [(), (1,), (3,), (15,), (16,), (17,), (2, 3, 4), (0, 3)]


def exact(e, t):
    """Bit-exact comparison of (possibly several) outputs."""
    es = list(e) if isinstance(e, (tuple, list)) else [e]
    ts = list(t) if isinstance(t, (tuple, list)) else [t]
    assert len(es) == len(ts)
    for a, b in zip(es, ts):
        assert str(a.dtype) == str(b.dtype), f'dtype {a.dtype} != torch {b.dtype}'
        assert tuple(a.shape) == tuple(b.shape), f'shape {tuple(a.shape)} != {tuple(b.shape)}'
        an = np.ascontiguousarray(a.detach().numpy())
        bn = np.ascontiguousarray(b.detach().numpy())
        assert an.tobytes() == bn.tobytes(), f'values differ:\n{an}\nvs torch\n{bn}'
        if a.numel() > 1:       # the layout (strides of the dims that have one)
            sa = [s for s, n in zip(a.stride(), a.shape) if n > 1]
            sb = [s for s, n in zip(b.stride(), b.shape) if n > 1]
            assert sa == sb, f'strides {a.stride()} != torch {b.stride()}'


def _with_probe(fn):
    """Also return the next default-generator word: the op must consume exactly torch's."""
    def call(lib, *args, **kwargs):
        out = fn(lib, *args, **kwargs)
        probe = lib.empty((), dtype=lib.int64).random_()
        return (out, probe) if not isinstance(out, tuple) else out + (probe,)
    return call


def R(name, call, samples, dtypes=FLOATS, differentiable=False, covers=()):
    # gradcheck=False: PyTorch defines the gradient of a sample w.r.t. its parameters as zero
    # (no reparameterisation), while finite differences of a re-seeded sample see mean + std*z.
    # The backward test still compares ember's (zero) gradients and grad_fn with torch's.
    return Op(name, samples, call=_with_probe(call), dtypes=dtypes, random=True, compare=exact,
              differentiable=differentiable, covers=covers, gradcheck=False, gradgrad=False)


def _gen(lib, seed=5):
    return lib.Generator().manual_seed(seed)


# ---------------------------------------------------------------- samples
def _sizes(rng, dtype):
    return [Sample((s, dtype), desc=f'size{s}') for s in SIZES]


def _sizes_small(rng, dtype):
    return [Sample((s, dtype), desc=f'size{s}') for s in ((), (3,), (17,), (2, 0))]


def _target(rng, dtype):
    """Arrays to fill (their values do not matter); the call makes views of them."""
    return [Sample((np.asarray(arr(rng, s, dtype)),), desc=f'{s}')
            for s in ((), (5,), (2, 3), (4, 8), (0, 2))]


def _target2d(rng, dtype):
    return [Sample((arr(rng, s, dtype),), desc=f'{s}') for s in ((4, 8), (3, 5), (6, 3))]


def _probs(rng, dtype):
    return [Sample((rng.uniform(0, 1, s).astype(dtype),), desc=f'{s}')
            for s in ((), (7,), (20,), (3, 5), (0,))]


def _probs2d(rng, dtype):
    p = rng.uniform(0, 1, (4, 6)).astype(dtype)
    p[1, 2] = 0
    return [Sample((rng.uniform(0, 1, (7,)).astype(dtype),), desc='1d'),
            Sample((p,), desc='2d')]


def _rates(rng, dtype):
    return [Sample((rng.uniform(0, 5, (6,)).astype(dtype),), desc='small'),
            Sample((rng.uniform(10, 200, (2, 3)).astype(dtype),), desc='large'),
            Sample((np.array([0.0, 0.5, 12.0], dtype=dtype),), desc='mixed'),
            Sample((np.zeros((0,), dtype=dtype),), desc='empty')]


def _mean_std(rng, dtype):
    m = lambda s: arr(rng, s, dtype)                                  # noqa: E731
    sd = lambda s: arr(rng, s, dtype, positive=True)                  # noqa: E731
    return [Sample((m((5,)), sd((5,))), desc='small'),
            Sample((m((20,)), sd((20,))), desc='vectorised'),
            Sample((m((3, 1)), sd((1, 6))), desc='bcast'),
            Sample((m(()), sd((4, 5))), desc='0d-mean'),
            Sample((m((4, 6)), sd((4, 6))), desc='2d')]


def _mean_only(rng, dtype):
    return [Sample((arr(rng, s, dtype), 0.7), desc=f'{s}') for s in ((5,), (20,), (3, 7), ())]


def _std_only(rng, dtype):
    return [Sample((0.25, arr(rng, s, dtype, positive=True)), desc=f'{s}')
            for s in ((5,), (20,), (3, 7), ())]


def _like_inputs(rng, dtype):
    return [Sample((arr(rng, s, dtype),), desc=f'{s}') for s in ((), (5,), (16,), (3, 7))]


def _ints(rng, dtype):
    return [Sample((s, dtype), desc=f'size{s}') for s in ((), (5,), (3, 4))]


# ---------------------------------------------------------------- views
def _t(x):
    """A transposed (non-contiguous) view of a 2-d tensor; other tensors unchanged."""
    return x.t() if x.dim() == 2 else x


def _cols(x):
    """Every other column: non-contiguous and not dense."""
    return x[:, ::2] if x.dim() == 2 else x


# ---------------------------------------------------------------- entries
OPS = [
    # factories
    R('rand', lambda lib, s, dt: lib.rand(*(s or (s,)), dtype=getattr(lib, dt)), _sizes,
      dtypes=FLOATS + ('float16',)),
    R('rand_size_kw', lambda lib, s, dt: lib.rand(size=s, dtype=getattr(lib, dt)), _sizes_small),
    R('rand_generator', lambda lib, s, dt: lib.rand(s, dtype=getattr(lib, dt),
                                                    generator=_gen(lib)), _sizes_small),
    R('randn', lambda lib, s, dt: lib.randn(*(s or (s,)), dtype=getattr(lib, dt)), _sizes,
      dtypes=FLOATS + ('float16',)),
    R('randn_generator', lambda lib, s, dt: lib.randn(s, dtype=getattr(lib, dt),
                                                      generator=_gen(lib)), _sizes),
    R('randn_out', lambda lib, s, dt: lib.randn(s, out=lib.empty(s, dtype=getattr(lib, dt))),
      _sizes_small),
    R('randint', lambda lib, s, dt: lib.randint(-3, 1 << 30, s, dtype=getattr(lib, dt)), _ints,
      dtypes=('int64', 'float64')),
    R('randint_high', lambda lib, s, dt: lib.randint(10, s, dtype=getattr(lib, dt)), _ints,
      dtypes=('int64', 'int32', 'uint8', 'float32')),
    R('randint_generator', lambda lib, s, dt: lib.randint(3, 10, size=s, generator=_gen(lib)),
      _ints, dtypes=('int64',)),
    R('randperm', lambda lib, n, dt: lib.randperm(n, dtype=getattr(lib, dt)),
      lambda rng, dt: [Sample((n, dt), desc=str(n)) for n in (0, 1, 2, 10, 100)],
      dtypes=('int64', 'int32', 'float32')),
    R('randperm_generator', lambda lib, n: lib.randperm(n, generator=_gen(lib)),
      lambda rng, dt: [Sample((n,), desc=str(n)) for n in (5, 50)], dtypes=('int64',)),
    # normal: the four overloads
    R('normal', lambda lib, m, s: lib.normal(m, s), _mean_std, differentiable=True),
    R('normal_tensor_float', lambda lib, m, s: lib.normal(m, s), _mean_only,
      differentiable=True),
    R('normal_float_tensor', lambda lib, m, s: lib.normal(m, s), _std_only, differentiable=True),
    R('normal_float_float', lambda lib, s, dt: lib.normal(-1.5, 0.3, s, dtype=getattr(lib, dt)),
      _sizes),
    R('normal_generator', lambda lib, m, s: lib.normal(m, s, generator=_gen(lib)), _mean_std),
    R('normal_mean_only', lambda lib, m, s: lib.normal(m), _mean_only),
    # bernoulli / multinomial / poisson
    R('bernoulli', lambda lib, p: lib.bernoulli(p), _probs, differentiable=True),
    R('bernoulli_p', lambda lib, p: lib.bernoulli(p, 0.3), _probs),
    R('bernoulli_method', lambda lib, p: p.bernoulli(generator=_gen(lib)), _probs),
    R('multinomial', lambda lib, p: (lib.multinomial(p, 1), lib.multinomial(p, 3),
                                     lib.multinomial(p, 5, True), lib.multinomial(p, 1, True)),
      _probs2d),
    R('multinomial_method', lambda lib, p: p.multinomial(4, replacement=True,
                                                         generator=_gen(lib)), _probs2d),
    R('multinomial_noncontig', lambda lib, p: lib.multinomial(_t(p), 2), _probs2d),
    R('poisson', lambda lib, r: lib.poisson(r), _rates, differentiable=True),
    R('poisson_generator', lambda lib, r: lib.poisson(r, _gen(lib)), _rates),
    # *_like (dtype, layout and values)
    R('rand_like', lambda lib, x: lib.rand_like(x), _like_inputs),
    R('rand_like_noncontig', lambda lib, x: (lib.rand_like(_t(x)), lib.rand_like(_cols(x))),
      _target2d),
    R('randn_like', lambda lib, x: lib.randn_like(x, dtype=lib.float64), _like_inputs),
    R('randn_like_noncontig', lambda lib, x: lib.randn_like(_t(x), generator=_gen(lib)),
      _target2d),
    R('randint_like', lambda lib, x: (lib.randint_like(x, 10), lib.randint_like(x, -5, 5),
                                      lib.randint_like(x, high=7, dtype=lib.int64)),
      _like_inputs, dtypes=FLOATS + ('int32',)),
    # in-place fills, contiguous and in memory order through views
    R('uniform_', lambda lib, x: (x.clone().uniform_(), x.clone().uniform_(-0.3, 2.5),
                                  _t(x.clone()).uniform_(1, 2), _cols(x.clone()).uniform_()),
      _target, dtypes=FLOATS + ('float16',)),
    R('normal_', lambda lib, x: (x.clone().normal_(), x.clone().normal_(0.5, 3.0),
                                 _t(x.clone()).normal_(1, 2), _cols(x.clone()).normal_()),
      _target, dtypes=FLOATS + ('float16',)),
    R('random_', lambda lib, x: (x.clone().random_(), x.clone().random_(7),
                                 x.clone().random_(-4, 9), x.clone().random_(3, None),
                                 _t(x.clone()).random_(100)),
      _target, dtypes=FLOATS + ('int64', 'int32', 'int16')),
    R('random_unsigned', lambda lib, x: (x.clone().random_(), x.clone().random_(7),
                                         x.clone().random_(4, 9), x.clone().random_(3, None),
                                         _t(x.clone()).random_(100)), _target, dtypes=('uint8',)),
    R('random_full_range', lambda lib, x: x.clone().random_(-(1 << 63), None), _target,
      dtypes=('int64', 'float64')),
    R('random_bool', lambda lib, x: (x.clone().random_(), x.clone().random_(2)), _target,
      dtypes=('bool',)),
    R('exponential_', lambda lib, x: (x.clone().exponential_(), x.clone().exponential_(2.5),
                                      _t(x.clone()).exponential_(0.5)), _target),
    R('bernoulli_', lambda lib, x: (x.clone().bernoulli_(), x.clone().bernoulli_(0.2),
                                    _t(x.clone()).bernoulli_(0.7)),
      _target, dtypes=FLOATS + ('int64', 'bool')),
    R('bernoulli_tensor_p', lambda lib, x: (
        x.clone().bernoulli_(lib.full(tuple(x.shape), 0.3)),
        _t(x.clone()).bernoulli_(lib.rand(_t(x).shape, dtype=lib.float64)),
        x.clone().bernoulli_(lib.full(tuple(x.shape)[-1:], 0.6))), _target2d),
    R('geometric_', lambda lib, x: (x.clone().geometric_(0.3), _t(x.clone()).geometric_(0.05)),
      _target, dtypes=FLOATS + ('int64',)),
    R('log_normal_', lambda lib, x: (x.clone().log_normal_(), x.clone().log_normal_(0.2, 0.5),
                                     _t(x.clone()).log_normal_()), _target),
    R('cauchy_', lambda lib, x: (x.clone().cauchy_(), x.clone().cauchy_(-1.0, 0.3),
                                 _t(x.clone()).cauchy_()), _target),
    R('inplace_generator', lambda lib, x: (
        x.clone().uniform_(generator=_gen(lib, 1)), x.clone().normal_(generator=_gen(lib, 2)),
        x.clone().random_(5, generator=_gen(lib, 3)),
        x.clone().exponential_(generator=_gen(lib, 4)),
        x.clone().bernoulli_(0.4, generator=_gen(lib, 5)),
        x.clone().geometric_(0.4, generator=_gen(lib, 6)),
        x.clone().log_normal_(generator=_gen(lib, 7)),
        x.clone().cauchy_(generator=_gen(lib, 8))), _target),
    # a fill of a non-leaf tensor in the graph: PyTorch's gradient through it is zero
    R('inplace_nonleaf', lambda lib, x: (x * 2).uniform_() + (x * 3).normal_(), _target,
      differentiable=True),
]
