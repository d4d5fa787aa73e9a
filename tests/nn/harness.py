"""The module oracle: build the same layer in ember and torch 2.13 and compare everything.

A :class:`ModuleCase` names a layer, how to build it (``build(nn) -> module``) and its inputs
(``inputs(rng, dtype) -> tuple of numpy arrays``). For each case, dtype and mode (train/eval)
the test copies torch's parameters and buffers into the ember module, then compares
``repr``, the output, the gradients of every input and parameter, and the buffers after the
forward pass (BatchNorm's running statistics, ...).
"""
import dataclasses
from typing import Callable, Optional

import numpy as np

from tests.oracle.harness import assert_same, flatten_out, to_numpy

FLOATS = ('float32', 'float64')


@dataclasses.dataclass
class ModuleCase:
    name: str
    build: Callable
    inputs: Callable
    desc: str = ''
    modes: tuple = ('train', 'eval')
    dtypes: tuple = FLOATS
    grad: Optional[tuple] = None      # indices of inputs requiring grad (default: float inputs)
    random: bool = False              # manual_seed(0) in both libraries before forward
    atol: float = 1e-5
    rtol: float = 1.3e-6
    grad_atol: Optional[float] = None
    call: Optional[Callable] = None   # call(module, *inputs) -> output

    @property
    def id(self):
        return f'{self.name}-{self.desc}' if self.desc else self.name


def tolerances(case, dtype):
    if dtype == 'float64':
        return 1e-10, 1e-9
    return case.atol, case.rtol


def build_pair(case, dtype):
    """The case's module in ember and in torch, with torch's parameters and buffers in both."""
    import ember
    import torch
    mods = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        m = case.build(lib.nn)
        if dtype == 'float64':
            m = m.double()
        mods.append(m)
    em, tm = mods
    state = {k: ember.tensor(np.array(to_numpy(v))) for k, v in tm.state_dict().items()}
    em.load_state_dict(state)
    return em, tm


def make_inputs(lib, arrays, grad):
    out = []
    for i, a in enumerate(arrays):
        if isinstance(a, np.ndarray):
            t = lib.tensor(a)
            if i in grad:
                t.requires_grad_(True)
            out.append(t)
        else:
            out.append(a)
    return out


def run_case(case, dtype):
    """Compare ember with torch for one case and dtype (raises AssertionError on mismatch)."""
    import ember
    import torch
    em, tm = build_pair(case, dtype)
    assert repr(em) == repr(tm), f'repr differs:\n{em!r}\n!=\n{tm!r}'
    atol, rtol = tolerances(case, dtype)
    gatol = case.grad_atol if case.grad_atol is not None and dtype == 'float32' else atol
    rng = np.random.default_rng(0)
    arrays = case.inputs(rng, dtype)
    grad = case.grad if case.grad is not None else tuple(
        i for i, a in enumerate(arrays) if isinstance(a, np.ndarray) and a.dtype.kind == 'f')
    for mode in case.modes:
        results = []
        for lib, m in ((ember, em), (torch, tm)):
            m.train(mode == 'train')
            inputs = make_inputs(lib, arrays, grad)
            if case.random:
                lib.manual_seed(0)
            out = case.call(m, *inputs) if case.call else m(*inputs)
            results.append((inputs, out))
        (ei, eo), (ti, to) = results
        what = f'{case.id} [{dtype}, {mode}]'
        eouts, touts = flatten_out(eo), flatten_out(to)
        assert len(eouts) == len(touts), f'{what}: {len(eouts)} outputs != {len(touts)}'
        for k, (e, t) in enumerate(zip(eouts, touts)):
            assert_same(e, t, atol, rtol, f'{what} output {k}')
        _compare_grads(ember, torch, em, tm, ei, ti, eouts, touts, rng, gatol, rtol, what)
        es, ts = em.state_dict(), tm.state_dict()
        assert list(es) == list(ts), f'{what}: state_dict keys {list(es)} != {list(ts)}'
        for k in ts:
            assert_same(es[k], ts[k], atol, rtol, f'{what} state {k}')


def _compare_grads(ember, torch, em, tm, ei, ti, eouts, touts, rng, atol, rtol, what):
    pairs = [(e, t) for e, t in zip(eouts, touts)
             if hasattr(t, 'requires_grad') and t.requires_grad]
    if not pairs:
        return
    for p in list(em.parameters()) + [x for x in ei if hasattr(x, 'grad')]:
        p.grad = None
    for p in list(tm.parameters()) + [x for x in ti if hasattr(x, 'grad')]:
        p.grad = None
    weights = [rng.standard_normal(tuple(t.shape)) for _, t in pairs]
    for lib, side in ((ember, 0), (torch, 1)):
        loss = sum((pair[side] * lib.tensor(w, dtype=pair[side].dtype)).sum()
                   for pair, w in zip(pairs, weights))
        loss.backward()
    for k, (e, t) in enumerate(zip(ei, ti)):
        if hasattr(t, 'grad') and t.requires_grad:
            if t.grad is None:
                assert e.grad is None, f'{what}: input {k} grad should be None'
            else:
                assert_same(e.grad, t.grad, atol, rtol, f'{what} grad of input {k}')
    eparams, tparams = dict(em.named_parameters()), dict(tm.named_parameters())
    assert list(eparams) == list(tparams), f'{what}: parameters {list(eparams)} != {list(tparams)}'
    for name, tp in tparams.items():
        ep = eparams[name]
        if tp.grad is None:
            assert ep.grad is None, f'{what}: grad of {name} should be None'
        else:
            assert ep.grad is not None, f'{what}: grad of {name} missing'
            assert_same(ep.grad, tp.grad, atol, rtol, f'{what} grad of {name}')
