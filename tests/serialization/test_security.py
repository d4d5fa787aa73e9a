"""Weights-only loading (the default) refuses every global that is not a tensor, container or
primitive value, and executes nothing from the file."""
import collections
import io
import os
import pickle
import sys

import numpy as np
import pytest

import ember
from tests.serialization.helpers import rewrite_records


def _checkpoint_with_pickle(payload):
    """A valid checkpoint whose ``data.pkl`` is ``payload``."""
    buf = io.BytesIO()
    ember.save({'w': ember.ones(2)}, buf)
    return rewrite_records(buf.getvalue(),
                           lambda name, data: payload if name.endswith('data.pkl') else data)


class _Reduce:
    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def _marker_command(path):
    return f'echo pwned > {path}'


def _payloads(marker):
    """Malicious pickles in several encodings; each would create ``marker`` if executed."""
    cmd = _marker_command(marker)
    code = f'open({str(marker)!r}, "w").write("pwned")'
    out = {
        'os.system': pickle.dumps({'x': _Reduce(os.system, cmd)}, protocol=2),
        'eval': pickle.dumps(_Reduce(eval, code), protocol=2),
        'exec': pickle.dumps(_Reduce(exec, code), protocol=4),
        'builtins.__import__': pickle.dumps(_Reduce(__import__, 'this'), protocol=3),
        # hand-written opcodes: GLOBAL, INST and STACK_GLOBAL forms
        'GLOBAL posix.system': b'\x80\x02cposix\nsystem\nX' + _u(cmd) + b'\x85R.',
        'INST subprocess.call': b'(X' + _u(cmd) + b'X\x05\x00\x00\x00shellI01\nisubprocess\n'
                                b'getoutput\n.',
        'STACK_GLOBAL builtins.eval': b'\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c'
                                      + bytes([len(code)]) + code.encode() + b'\x85R.',
    }
    return out


def _u(s):
    b = s.encode()
    return len(b).to_bytes(4, 'little') + b


LIVE = ['os.system', 'eval', 'exec', 'GLOBAL posix.system', 'STACK_GLOBAL builtins.eval']


@pytest.mark.skipif(os.name != 'posix', reason='the payloads use a POSIX shell')
@pytest.mark.parametrize('kind', LIVE)
def test_payloads_are_live(kind, tmp_path):
    """The payloads really run when unpickled without restrictions (so the refusal matters)."""
    marker = tmp_path / 'marker'
    pickle.loads(_payloads(marker)[kind])
    assert marker.exists()


@pytest.mark.parametrize('kind', list(_payloads('x')))
def test_malicious_pickle_is_refused_and_not_run(kind, tmp_path):
    marker = tmp_path / 'marker'
    path = tmp_path / 'evil.pt'
    path.write_bytes(_checkpoint_with_pickle(_payloads(marker)[kind]))
    with pytest.raises(pickle.UnpicklingError, match='Weights only load failed') as info:
        ember.load(path)
    msg = str(info.value)
    assert 'weights_only=False' in msg and 'add_safe_globals' in msg and 'evil.pt' in msg
    assert not marker.exists(), 'the malicious payload ran'


def test_arbitrary_import_is_not_performed(tmp_path, monkeypatch):
    """A GLOBAL naming a module with import side effects does not import it."""
    marker = tmp_path / 'imported'
    (tmp_path / 'ember_evil_mod.py').write_text(f'open({str(marker)!r}, "w").write("x")\nf = 1\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    payload = b'\x80\x02cember_evil_mod\nf\n.'
    path = tmp_path / 'evil.pt'
    path.write_bytes(_checkpoint_with_pickle(payload))
    with pytest.raises(pickle.UnpicklingError, match='ember_evil_mod.f'):
        ember.load(path)
    assert not marker.exists() and 'ember_evil_mod' not in sys.modules


def test_extension_registry_opcodes_go_through_the_check(tmp_path):
    import copyreg
    copyreg.add_extension('posix', 'system', 0xEB1)
    try:
        payload = b'\x80\x02\x83' + (0xEB1).to_bytes(2, 'little') + b'X\x04\x00\x00\x00true\x85R.'
        with pytest.raises(pickle.UnpicklingError, match='posix.system'):
            ember.load(io.BytesIO(_checkpoint_with_pickle(payload)))
    finally:
        copyreg.remove_extension('posix', 'system', 0xEB1)


def test_torch_written_malicious_file_is_refused(tmp_path):
    torch = pytest.importorskip('torch')
    marker = tmp_path / 'marker'
    path = tmp_path / 'evil.pt'
    torch.save({'w': torch.ones(2), 'evil': _Reduce(os.system, _marker_command(marker))}, path)
    with pytest.raises(pickle.UnpicklingError, match='posix.system|nt.system'):
        ember.load(path)
    assert not marker.exists()


def test_ember_written_object_needs_weights_only_false(tmp_path):
    path = tmp_path / 'model.pt'
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU())
    ember.save(model, path)
    with pytest.raises(pickle.UnpicklingError, match='ember.nn.modules.container.Sequential'):
        ember.load(path)
    loaded = ember.load(path, weights_only=False)
    x = ember.randn(4, 3)
    assert repr(loaded) == repr(model)
    assert np.array_equal(loaded(x).detach().numpy(), model(x).detach().numpy())
    assert isinstance(loaded[0].weight, ember.nn.Parameter)


def test_add_safe_globals_and_context_manager():
    buf = io.BytesIO()
    ember.save({'d': collections.defaultdict(int, a=1)}, buf)
    data = buf.getvalue()
    assert ember.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == \
        ['builtins.int', 'collections.defaultdict']       # as torch reports it
    with pytest.raises(pickle.UnpicklingError):
        ember.load(io.BytesIO(data))
    with ember.serialization.safe_globals([collections.defaultdict]):
        with pytest.raises(pickle.UnpicklingError, match='builtins.int'):
            ember.load(io.BytesIO(data))
        with ember.serialization.safe_globals([int]):
            assert ember.load(io.BytesIO(data))['d'] == {'a': 1}
            assert ember.serialization.get_safe_globals() == [collections.defaultdict, int]
    assert ember.serialization.get_safe_globals() == []
    with pytest.raises(pickle.UnpicklingError):
        ember.load(io.BytesIO(data))
    ember.serialization.add_safe_globals([(collections.defaultdict, 'collections.defaultdict'),
                                          int])
    try:
        assert ember.load(io.BytesIO(data))['d']['a'] == 1
    finally:
        ember.serialization.clear_safe_globals()
    assert ember.serialization.get_safe_globals() == []


def test_numpy_arrays_need_allowlisting_as_in_torch():
    buf = io.BytesIO()
    ember.save({'n': np.arange(3)}, buf)
    unsafe = ember.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(buf.getvalue()))
    assert any(name.endswith('_reconstruct') for name in unsafe) and 'numpy.ndarray' in unsafe
    with pytest.raises(pickle.UnpicklingError, match='_reconstruct'):
        ember.load(io.BytesIO(buf.getvalue()))
    got = ember.load(io.BytesIO(buf.getvalue()), weights_only=False)
    assert got['n'].tolist() == [0, 1, 2]


def test_pickle_module_with_weights_only_is_refused():
    with pytest.raises(RuntimeError, match='explicit pickle_module'):
        ember.load(io.BytesIO(b''), pickle_module=pickle, weights_only=True)


@pytest.mark.parametrize('kind', LIVE)
def test_malicious_legacy_stream_runs_nothing(kind, tmp_path):
    """Non-zip files go through the legacy reader: its header pickles admit no globals, and
    a malicious object pickle after a valid header is refused like in a zip file."""
    marker = tmp_path / 'marker'
    payload = _payloads(marker)[kind]
    path = tmp_path / 'evil.pt'
    path.write_bytes(payload)                      # malicious pickle in place of the magic
    with pytest.raises(Exception):
        ember.load(path)
    header = b''.join(pickle.dumps(v, protocol=2) for v in
                      (0x1950a86a20f9469cfc6c, 1001, {'little_endian': True}))
    path.write_bytes(header + payload)
    with pytest.raises(pickle.UnpicklingError, match='Weights only load failed'):
        ember.load(path)
    assert not marker.exists()
