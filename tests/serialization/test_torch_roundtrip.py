"""ember writes what torch 2.13 reads and reads what torch writes, values bit-identical."""
import collections
import io
import struct
import zipfile

import numpy as np
import pytest

import ember
from tests.serialization.helpers import assert_same_object, record_span

torch = pytest.importorskip('torch')

DTYPES = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64']
if ember._dtype.HAS_BFLOAT16:
    DTYPES.append('bfloat16')


def _values(dtype, shape, rng):
    """Values of every kind for a dtype: extremes, and NaN/inf/-0.0 for floats."""
    n = int(np.prod(shape))
    if dtype == 'bool':
        return rng.integers(0, 2, n).astype(bool).reshape(shape)
    if dtype in ('float16', 'float32', 'float64', 'bfloat16'):
        a = rng.standard_normal(n) * 100
        special = [np.nan, np.inf, -np.inf, -0.0, 1e-30]
        a[:min(n, 5)] = special[:min(n, 5)]
        return a.reshape(shape)
    info = np.iinfo(dtype)
    a = rng.integers(info.min, info.max, n, endpoint=True, dtype=dtype)
    a[:min(n, 2)] = [info.min, info.max][:min(n, 2)]
    return a.reshape(shape)


def _pair(dtype, shape, rng):
    """The same tensor in ember and torch. bfloat16 is rounded from float32 by ember and
    torch gets the same bits (torch's own rounding of NaN depends on its vector width)."""
    vals = _values(dtype, shape, rng)
    if dtype == 'bfloat16':
        e = ember.tensor(vals.astype(np.float32)).to(ember.bfloat16)
        raw = np.ascontiguousarray(e.numpy()).view(np.int16)
        return e, torch.from_numpy(raw.copy()).view(torch.bfloat16).reshape(shape)
    return ember.tensor(vals, dtype=getattr(ember, dtype)), \
        torch.tensor(vals, dtype=getattr(torch, dtype))


def _zoo(lib_index):
    """Tensors of every dtype: 0-d, empty, 3-d and non-contiguous views sharing storage."""
    rng = np.random.default_rng(7)
    out = {}
    for dt in DTYPES:
        pairs = [_pair(dt, s, rng) for s in [(), (0,), (0, 3), (2, 3, 4)]]
        t = [p[lib_index] for p in pairs]
        base = t[3]
        out[dt] = {'scalar': t[0], 'empty': t[1], 'empty2d': t[2], 'full': base,
                   'transposed': base.transpose(0, 2), 'slice': base[1, :, 1:3],
                   'strided': base[:, ::2], 'row': base[1]}
    return out


def _torch_roundtrip(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    return buf.getvalue()


def _ember_bytes(obj, **kw):
    buf = io.BytesIO()
    ember.save(obj, buf, **kw)
    return buf.getvalue()


@pytest.mark.parametrize('protocol', [2, 3, 4, 5])
def test_ember_saves_torch_loads(protocol):
    # torch's weights-only unpickler has no FRAME opcode: protocols 4 and 5 need
    # weights_only=False in torch itself, for its own files too
    got = torch.load(io.BytesIO(_ember_bytes(_zoo(0), pickle_protocol=protocol)),
                     weights_only=protocol <= 3)
    assert_same_object(got, _zoo(1))


@pytest.mark.parametrize('protocol', [2, 4, 5])
def test_torch_saves_ember_loads_any_protocol(protocol):
    obj = _zoo(1)['int16']
    assert_same_object(ember.load(io.BytesIO(_torch_roundtrip(obj, pickle_protocol=protocol))),
                       obj)


def test_torch_saves_ember_loads():
    got = ember.load(io.BytesIO(_torch_roundtrip(_zoo(1))))
    assert_same_object(got, _zoo(1))


@pytest.mark.parametrize('writer', ['ember', 'torch'])
def test_shared_storage_stays_shared(writer):
    obj_e, obj_t = _zoo(0)['float32'], _zoo(1)['float32']
    data = _ember_bytes(obj_e) if writer == 'ember' else _torch_roundtrip(obj_t)
    assert len([n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if '/data/' in n]) == 4
    t = torch.load(io.BytesIO(data))
    e = ember.load(io.BytesIO(data))
    for got, lib in ((t, torch), (e, ember)):
        with lib.no_grad():
            got['full'][1, 0, 2] = 1234.5
        assert float(got['transposed'][2, 0, 1]) == 1234.5
        assert float(got['slice'][0, 1]) == 1234.5
        assert float(got['row'][0, 2]) == 1234.5
    ptr = t['full'].untyped_storage().data_ptr()
    assert all(t[k].untyped_storage().data_ptr() == ptr for k in ('transposed', 'slice', 'row'))
    assert t['slice'].storage_offset() == 13 and t['slice'].stride() == (4, 1)


def test_same_tensor_twice_is_one_object():
    x = ember.ones(3)
    got = ember.load(io.BytesIO(_ember_bytes([x, x, {'again': x}])))
    assert got[0] is got[1] is got[2]['again']
    tgot = torch.load(io.BytesIO(_ember_bytes([x, x])))
    assert tgot[0] is tgot[1]


def _model(nn):
    return nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten(),
                         nn.Linear(12, 5), nn.LayerNorm(5), nn.Embedding(4, 2) if False else
                         nn.Identity(), nn.Linear(5, 2))


def _trained_torch_model():
    torch.manual_seed(3)
    m = _model(torch.nn)
    opt = torch.optim.Adam(m.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    x = torch.randn(4, 1, 4, 4)
    for _ in range(3):
        opt.zero_grad()
        m(x).pow(2).mean().backward()
        opt.step()
        sched.step()
    return m, opt, sched, x


def test_pytorch_trained_model_loads_into_ember(tmp_path):
    m, opt, sched, x = _trained_torch_model()
    path = tmp_path / 'model.pt'
    torch.save(m.state_dict(), path)
    e = _model(ember.nn)
    sd = ember.load(path)
    assert sd['1.num_batches_tracked'].dtype == ember.int64
    assert int(sd['1.num_batches_tracked']) == 3
    e.load_state_dict(sd)
    m.eval(), e.eval()
    with torch.no_grad():
        want = m(x).numpy()
    got = e(ember.tensor(x.numpy())).detach().numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert_same_object(e.state_dict(), m.state_dict())


def test_ember_model_loads_into_pytorch(tmp_path):
    ember.manual_seed(5)
    e = _model(ember.nn)
    e(ember.randn(4, 1, 4, 4))                    # moves BatchNorm's running statistics
    path = tmp_path / 'model.pth'
    ember.save(e.state_dict(), str(path))
    m = _model(torch.nn)
    m.load_state_dict(torch.load(path, weights_only=True))
    assert_same_object(m.state_dict(), e.state_dict())
    assert int(m[1].num_batches_tracked) == 1


def test_optimizer_and_scheduler_state_dicts_both_ways():
    m, opt, sched, _ = _trained_torch_model()
    state = {'optimizer': opt.state_dict(), 'scheduler': sched.state_dict(), 'epoch': 3}
    loaded = ember.load(io.BytesIO(_torch_roundtrip(state)))
    assert_same_object(loaded, state)
    e = _model(ember.nn)
    e.load_state_dict(ember.load(io.BytesIO(_torch_roundtrip(m.state_dict()))))
    eopt = ember.optim.Adam(e.parameters(), lr=0.01)
    eopt.load_state_dict(loaded['optimizer'])
    esched = ember.optim.lr_scheduler.StepLR(eopt, step_size=2, gamma=0.5)
    esched.load_state_dict(loaded['scheduler'])
    assert eopt.param_groups[0]['lr'] == opt.param_groups[0]['lr']
    # and back: ember's optimizer state, read by torch, resumes a torch optimizer
    back = torch.load(io.BytesIO(_ember_bytes({'optimizer': eopt.state_dict(),
                                               'scheduler': esched.state_dict()})))
    assert_same_object(back['optimizer'], opt.state_dict())
    opt2 = torch.optim.Adam(m.parameters(), lr=0.01)
    opt2.load_state_dict(back['optimizer'])
    assert_same_object(opt2.state_dict(), opt.state_dict())


def test_nested_containers_numbers_and_strings():
    def build(lib):
        return {'list': [1, 2.5, -3, True, None, 'text', 'ü→'],
                'tuple': (lib.zeros(2), (1, (2, lib.ones(1, dtype=lib.int64)))),
                'od': collections.OrderedDict([('b', 1), ('a', [lib.arange(3)])]),
                'bytes': b'\x00\xff', 'set': {1, 2}, 'complex': 1 + 2j, 'big': 2 ** 70,
                'float': float('inf'), 'dtype': lib.float16, 'device': lib.device('cpu'),
                'size': lib.Size([2, 3]), 'param': lib.nn.Parameter(lib.ones(2)),
                'frozen': lib.nn.Parameter(lib.ones(2), requires_grad=False),
                'leaf': lib.ones(2, requires_grad=True)}
    got_t = torch.load(io.BytesIO(_ember_bytes(build(ember))), weights_only=True)
    assert_same_object(got_t, build(torch))
    got_e = ember.load(io.BytesIO(_torch_roundtrip(build(torch))))
    assert_same_object(got_e, build(torch))
    assert isinstance(got_e['size'], ember.Size) and got_e['dtype'] is ember.float16
    assert isinstance(got_e['param'], ember.nn.Parameter) and got_e['param'].requires_grad
    assert not got_e['frozen'].requires_grad


def test_non_leaf_tensor_saves_its_values():
    x = ember.ones(2, requires_grad=True)
    y = x * 3
    got = torch.load(io.BytesIO(_ember_bytes(y)))
    assert got.tolist() == [3.0, 3.0] and got.requires_grad and got.is_leaf


def test_file_layout_matches_torch(tmp_path):
    """Record names, order and 64-byte data alignment as PyTorch writes them."""
    path = tmp_path / 'ckpt.pt'
    ember.save({'a': ember.ones(3), 'b': ember.zeros(5, dtype=ember.int64)}, path)
    tpath = tmp_path / 'tckpt.pt'
    torch.save({'a': torch.ones(3), 'b': torch.zeros(5, dtype=torch.int64)}, tpath)
    data = path.read_bytes()
    names = zipfile.ZipFile(path).namelist()
    tnames = [n.replace('tckpt/', 'ckpt/') for n in zipfile.ZipFile(tpath).namelist()]
    assert names == tnames
    for name in names:
        start, _ = record_span(data, name)
        assert start % 64 == 0, f'{name} starts at {start}'
    z = zipfile.ZipFile(path)
    assert z.read('ckpt/byteorder') == b'little' and z.read('ckpt/version') == b'3\n'
    assert struct.unpack('<3f', z.read('ckpt/data/0')) == (1.0, 1.0, 1.0)


def test_file_object_gets_archive_prefix():
    names = zipfile.ZipFile(io.BytesIO(_ember_bytes(ember.ones(1)))).namelist()
    assert names[0] == 'archive/data.pkl'


def test_pickled_torch_module_gets_a_clear_error(tmp_path):
    path = tmp_path / 'whole.pt'
    torch.save(torch.nn.Linear(2, 1), path)
    with pytest.raises(Exception, match='Weights only load failed'):
        ember.load(path)
    with pytest.raises(RuntimeError, match=r'torch.nn.modules.linear.Linear.*state_dict\(\)'):
        ember.load(path, weights_only=False)


@pytest.mark.parametrize('dtype', ['complex64', 'uint16'])
def test_dtype_ember_lacks_is_named(dtype):
    buf = io.BytesIO()
    torch.save({'z': torch.zeros(2, dtype=getattr(torch, dtype))}, buf)
    buf.seek(0)
    with pytest.raises(NotImplementedError, match='dtype ember does not support'):
        ember.load(buf)


def test_legacy_stream_both_ways(tmp_path):
    """torch.save(..., _use_new_zipfile_serialization=False): the pre-1.6 stream format."""
    obj_t, obj_e = _zoo(1)['int32'], _zoo(0)['int32']
    buf = io.BytesIO()
    torch.save(obj_t, buf, _use_new_zipfile_serialization=False)
    got = ember.load(io.BytesIO(buf.getvalue()))
    assert_same_object(got, obj_t)
    with ember.no_grad():
        got['full'][0, 0, 0] = 7
    assert int(got['transposed'][0, 0, 0]) == 7          # shared storage stays shared
    path = tmp_path / 'legacy.pt'
    ember.save(obj_e, path, _use_new_zipfile_serialization=False)
    assert path.read_bytes()[:2] == b'\x80\x02' and not zipfile.is_zipfile(path)
    assert_same_object(torch.load(path, weights_only=True), obj_t)
    assert_same_object(ember.load(path), obj_t)
    with pytest.raises(RuntimeError, match='mmap can only be used'):
        ember.load(path, mmap=True)
