"""Every public op against torch 2.13: forward, backward, gradcheck, second order.

The table lives in ``tests/oracle/table_*.py`` (one module per op family, each with a
list ``OPS``). ``test_every_public_op_has_an_entry`` fails when ember exports an op that
no entry covers.
"""
import contextlib
import importlib
import pathlib

import numpy as np
import pytest

torch = pytest.importorskip('torch')
import ember  # noqa: E402

from .harness import (build, flatten_out, assert_same, tolerances, grad_indices,  # noqa: E402
                      strict_numpy_warnings)

_HERE = pathlib.Path(__file__).parent
TABLE = []
for _p in sorted(_HERE.glob('table_*.py')):
    TABLE.extend(importlib.import_module(f'tests.oracle.{_p.stem}').OPS)

# Public names that are not operators on tensor data (checked elsewhere or trivial).
NOT_OPS = {
    'Tensor', 'Size', 'dtype', 'device', 'Generator', 'is_tensor', 'is_storage', 'numel',
    'is_floating_point', 'is_nonzero', 'is_same_size', 'empty', 'empty_like', 'empty_strided',
    'frombuffer', 'from_numpy', 'as_tensor', 'asarray', 'scalar_tensor', 'set_printoptions',
    'get_printoptions', 'typename', 'compile',
}


def _cases(kind):
    out = []
    for op in TABLE:
        for dt in op.dtypes:
            if kind != 'forward' and (not op.differentiable or dt not in ('float32', 'float64')):
                continue
            if kind in ('gradcheck', 'gradgrad') and (dt != 'float64' or not getattr(op, kind)):
                continue
            out.append(pytest.param(op, dt, id=f'{op.name}-{dt}'))
    return out


def _strict(lib):
    """ember's calls must not let a NumPy RuntimeWarning out; torch's run as they are."""
    return strict_numpy_warnings() if lib is ember else contextlib.nullcontext()


def _run_both(op, sample, differentiable):
    results = []
    for lib in (ember, torch):
        if op.random:
            lib.manual_seed(0)
        args, kwargs, gi = build(lib, sample, differentiable)
        with _strict(lib):
            out = op.run(lib, *args, **kwargs)
        results.append((args, kwargs, gi, out))
    return results


@pytest.mark.parametrize('op,dtype', _cases('forward'))
def test_forward(op, dtype):
    rng = np.random.default_rng(0)
    atol, rtol = tolerances(op, dtype)
    for sample in op.samples(rng, dtype):
        (_, _, _, eo), (_, _, _, to) = _run_both(op, sample, False)
        what = f'{op.name}[{sample.desc}] forward'
        if 'forward' in op.warnings_only:
            continue
        if op.compare is not None:
            op.compare(eo, to)
            continue
        eo_l, to_l = flatten_out(eo), flatten_out(to)
        assert len(eo_l) == len(to_l), f'{what}: {len(eo_l)} outputs vs torch {len(to_l)}'
        for i, (e, t) in enumerate(zip(eo_l, to_l)):
            assert_same(e, t, atol, rtol, f'{what} output {i}')


def _grad_outputs(rng, outs, nondiff):
    ws = []
    for i, o in enumerate(outs):
        if i in nondiff or not hasattr(o, 'dtype') or not o.dtype.is_floating_point:
            ws.append(None)
        else:
            ws.append(rng.standard_normal(tuple(o.shape)).astype(str(o.dtype).split('.')[-1]))
    return ws


def _backward(lib, op, outs, ws, args, gi, create_graph=False):
    total = None
    with _strict(lib):
        for o, w in zip(outs, ws):
            if w is None or not o.requires_grad:
                continue
            term = (o * lib.tensor(w)).sum()
            total = term if total is None else total + term
    inputs = [args[i] for i in sorted(gi)]
    if total is None:
        return None, inputs
    with _strict(lib):
        grads = lib.autograd.grad(total, inputs, allow_unused=True, create_graph=create_graph)
    return grads, inputs


@pytest.mark.parametrize('op,dtype', _cases('backward'))
def test_backward(op, dtype):
    rng = np.random.default_rng(1)
    atol, rtol = tolerances(op, dtype)
    for sample in op.samples(rng, dtype):
        if not grad_indices(sample):
            continue
        (ea, _, gi, eo), (ta, _, _, to) = _run_both(op, sample, True)
        eo_l, to_l = flatten_out(eo), flatten_out(to)
        ws = _grad_outputs(np.random.default_rng(2), to_l, op.nondiff_outputs)
        tg, _ = _backward(torch, op, to_l, ws, ta, gi)
        eg, _ = _backward(ember, op, eo_l, ws, ea, gi)
        if tg is None or 'backward' in op.warnings_only:
            continue
        assert eg is not None, f'{op.name}[{sample.desc}]: ember output does not require grad'
        _assert_grads(eg, tg, [f'{op.name}[{sample.desc}] grad of input {i}' for i in sorted(gi)],
                      op.grad_atol or atol * 10, rtol * 10)


def _assert_grads(ember_grads, torch_grads, whats, atol, rtol):
    """Gradients agree; where torch has none, ember has none or zeros."""
    for e, t, what in zip(ember_grads, torch_grads, whats):
        if t is None:
            assert e is None or not np.any(to_numpy(e)), what
        else:
            assert e is not None, f'{what}: ember gave no gradient'
            assert_same(e, t, atol, rtol, what)


def to_numpy(t):
    return t.detach().numpy(force=True)      # torch may return a ZeroTensor


@pytest.mark.parametrize('op,dtype', _cases('gradcheck'))
def test_gradcheck(op, dtype):
    rng = np.random.default_rng(3)
    for sample in op.samples(rng, dtype):
        gi = grad_indices(sample)
        if not gi or any(np.asarray(a).size == 0 for a in sample.args if isinstance(a, np.ndarray)):
            continue
        args, kwargs, gi = build(ember, sample, True)

        def fn(*a):
            if op.random:
                ember.manual_seed(0)
            outs = flatten_out(op.run(ember, *a, **kwargs))
            return tuple(o for i, o in enumerate(outs)
                         if i not in op.nondiff_outputs and o.dtype.is_floating_point)
        with strict_numpy_warnings():
            ok = ember.autograd.gradcheck(fn, tuple(args), eps=1e-6, atol=1e-5, rtol=1e-3)
        assert ok, f'{op.name}[{sample.desc}]'


@pytest.mark.parametrize('op,dtype', _cases('gradgrad'))
def test_second_order(op, dtype):
    rng = np.random.default_rng(4)
    for sample in op.samples(rng, dtype):
        if not grad_indices(sample):
            continue
        (ea, _, gi, eo), (ta, _, _, to) = _run_both(op, sample, True)
        eo_l, to_l = flatten_out(eo), flatten_out(to)
        ws = _grad_outputs(np.random.default_rng(5), to_l, op.nondiff_outputs)
        tg, tin = _backward(torch, op, to_l, ws, ta, gi, create_graph=True)
        eg, ein = _backward(ember, op, eo_l, ws, ea, gi, create_graph=True)
        if tg is None:
            continue
        vs = [None if g is None else np.random.default_rng(6).standard_normal(tuple(g.shape))
              for g in tg]

        def second(lib, grads, inputs):
            total = None
            with _strict(lib):
                for g, v in zip(grads, vs):
                    if g is None or v is None or not g.requires_grad:
                        continue
                    term = (g * lib.tensor(v, dtype=g.dtype)).sum()
                    total = term if total is None else total + term
                if total is None:
                    return None
                return lib.autograd.grad(total, inputs, allow_unused=True)
        t2 = second(torch, tg, tin)
        e2 = second(ember, eg, ein)
        if t2 is None or 'second_order' in op.warnings_only:
            continue
        assert e2 is not None, f'{op.name}[{sample.desc}]: ember first gradient has no graph'
        _assert_grads(e2, t2, [f'{op.name}[{sample.desc}] second-order grad of input {k}'
                               for k in range(len(t2))], 1e-8, 1e-7)


def _public_ops():
    names = set()
    for mod in ember._ops.modules:
        names.update(getattr(mod, '__all__', ()))
    if hasattr(ember, 'linalg'):
        names.update(f'linalg.{n}' for n in getattr(ember.linalg, '__all__', ()))
    # nn.functional names that are not also top-level ops are covered as 'F.<name>'
    import ember.nn.functional as F
    names.update(f'F.{n}' for n in F.__all__
                 if getattr(ember, n, None) is not getattr(F, n))
    return names - NOT_OPS


def test_every_public_op_has_an_entry():
    covered = set()
    for op in TABLE:
        covered.add(op.name)
        covered.update(op.covers)
    missing = sorted(_public_ops() - covered)
    assert not missing, f'public ops without an oracle table entry: {missing}'
