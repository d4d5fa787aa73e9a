"""ember.GradScaler against torch 2.13 on 'cpu', and the seed notes' torch.cuda.amp snippet."""
import subprocess
import sys

import pytest

import ember

torch = pytest.importorskip('torch')

SEED = '''
import warnings
warnings.simplefilter('always')
import {lib} as torch
from torch.cuda.amp import autocast, GradScaler
torch.manual_seed(0)
model = torch.nn.Linear(3, 2)
criterion = torch.nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
data, target = torch.randn(4, 3), torch.randn(4, 2)
with warnings.catch_warnings(record=True) as caught:
    scaler = GradScaler()
    with autocast():
        output = model(data)
        loss = criterion(output, target)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
print([w.category.__name__ for w in caught])
print(['deprecated' in str(w.message) or 'not available' in str(w.message) for w in caught])
print(output.dtype, loss, model.weight)
print(scaler.get_scale(), scaler.is_enabled(), scaler.state_dict())
'''


def test_seed_snippet_prints_what_torch_prints():
    outs = [subprocess.run([sys.executable, '-c', SEED.format(lib=lib)], capture_output=True,
                           text=True, timeout=120) for lib in ('torch', 'ember')]
    assert outs[1].returncode == 0, outs[1].stderr
    assert outs[1].stdout == outs[0].stdout
    assert "'FutureWarning', 'UserWarning', 'FutureWarning', 'UserWarning'" in outs[0].stdout


def _setup(lib, scale=4.0, **kw):
    lib.manual_seed(0)
    model = lib.nn.Linear(3, 2)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    return model, opt, lib.amp.GradScaler('cpu', init_scale=scale, **kw)


def _iteration(lib, model, opt, scaler, x, poison=False, clip=None):
    opt.zero_grad()
    scaler.scale(model(x).pow(2).mean()).backward()
    if poison:
        model.weight.grad[0, 0] = float('inf')
    if clip is not None:
        scaler.unscale_(opt)
        lib.nn.utils.clip_grad_norm_(model.parameters(), clip)
    scaler.step(opt)
    scaler.update()
    return scaler.get_scale(), scaler._get_growth_tracker(), model.weight.detach().tolist()


def test_growth_backoff_skip_and_clip_as_torch():
    plan = [{}, {}, {'poison': True}, {}, {'clip': 0.05}, {}, {}]
    runs = []
    for lib in (torch, ember):
        model, opt, scaler = _setup(lib, growth_interval=2, growth_factor=3.0,
                                    backoff_factor=0.25)
        x = lib.tensor([[1., 2., 3.], [0.5, -1., 2.]])
        runs.append([_iteration(lib, model, opt, scaler, x, **p) for p in plan])
    for (ts, tt, tw), (es, et, ew) in zip(*runs):
        assert (es, et) == (ts, tt)
        assert sum(ew, []) == pytest.approx(sum(tw, []), rel=1e-6, abs=1e-7)


def test_scale_nested_and_state_dict_round_trip():
    for lib in (torch, ember):
        s = lib.amp.GradScaler('cpu', init_scale=8.)
        out = s.scale([lib.tensor(1.), (lib.tensor([2., 3.]), lib.tensor(0.5))])
        assert isinstance(out, list) and isinstance(out[1], tuple)
        assert out[1][0].tolist() == [16., 24.] and out[1][1].item() == 4.
        assert s.get_scale() == 8.0
    model, opt, scaler = _setup(ember, growth_interval=3)
    _iteration(ember, model, opt, scaler, ember.ones(2, 3))
    sd = scaler.state_dict()
    assert sd == {'scale': 4.0, 'growth_factor': 2.0, 'backoff_factor': 0.5,
                  'growth_interval': 3, '_growth_tracker': 1}
    other = ember.GradScaler('cpu')
    other.load_state_dict(sd)
    assert other.state_dict() == sd
    assert (other.get_growth_factor(), other.get_backoff_factor(),
            other.get_growth_interval()) == (2.0, 0.5, 3)
    with pytest.raises(RuntimeError, match='state dict is empty'):
        other.load_state_dict({})
    ts = torch.amp.GradScaler('cpu', init_scale=4.)
    ts.scale(torch.tensor(1.))
    ts.update(new_scale=2.0)
    es = ember.amp.GradScaler('cpu', init_scale=4.)
    es.scale(ember.tensor(1.))
    es.update(new_scale=2.0)
    assert es.get_scale() == ts.get_scale()


def _errors(lib):
    seen = []

    def catch(fn):
        try:
            fn()
            seen.append(None)
        except Exception as ex:      # noqa: BLE001 - the exception type is what we compare
            seen.append(type(ex).__name__)
    model, opt, scaler = _setup(lib)
    catch(lambda: scaler.step(opt))                     # no scale() yet
    catch(lambda: scaler.scale('loss'))
    scaler.scale(model(lib.ones(1, 3)).sum()).backward()
    scaler.unscale_(opt)
    catch(lambda: scaler.unscale_(opt))
    scaler.step(opt)
    catch(lambda: scaler.step(opt))
    catch(lambda: scaler.unscale_(opt))
    catch(lambda: scaler.step(opt, closure=lambda: 0))
    catch(lambda: lib.amp.GradScaler('cpu', growth_factor=0.5))
    scaler.update()
    catch(lambda: scaler.update())                      # no inf checks recorded
    return seen


def test_misuse_errors_as_torch():
    assert _errors(ember) == _errors(torch)
    model, opt, scaler = _setup(ember)
    scaler.scale(model(ember.ones(1, 3)).sum()).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match='already been called'):
        scaler.unscale_(opt)


def test_disabled_scaler_and_deprecated_aliases():
    for lib in (torch, ember):
        with pytest.warns(FutureWarning, match='deprecated'):
            s = lib.cpu.amp.GradScaler(init_scale=2.)
        assert s.is_enabled() and s.get_scale() == 2.0
        with pytest.warns(FutureWarning, match='deprecated'):
            with lib.cpu.amp.autocast():
                assert repr(lib.mm(lib.ones(1, 1), lib.ones(1, 1)).dtype) == 'torch.bfloat16'
        off = lib.amp.GradScaler('cpu', enabled=False)
        t = lib.tensor(3.)
        assert off.scale(t) is t and off.get_scale() == 1.0 and off.state_dict() == {}
    assert (ember.cpu.is_available(), ember.cpu.device_count(), ember.cpu.current_device()) == \
        (torch.cpu.is_available(), torch.cpu.device_count(), torch.cpu.current_device())
