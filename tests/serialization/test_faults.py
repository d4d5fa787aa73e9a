"""Damaged files raise a clear error naming the file; interrupted saves keep the old file."""
import io
import os
import pickle
import zipfile

import numpy as np
import pytest

import ember
from ember.serialization import CheckpointError
from tests.serialization.helpers import record_span, rewrite_records


def _good_bytes():
    buf = io.BytesIO()
    ember.save({'w': ember.arange(1000.), 'b': ember.ones(3, dtype=ember.int64)}, buf)
    return buf.getvalue()


def _load_bytes(tmp_path, data, name='ckpt.pt'):
    path = tmp_path / name
    path.write_bytes(data)
    return ember.load(path)


@pytest.mark.parametrize('keep', [0.5, 0.9, -1, -22, 100])
def test_truncated_file(tmp_path, keep):
    data = _good_bytes()
    cut = data[:int(len(data) * keep)] if isinstance(keep, float) else data[:keep]
    with pytest.raises(CheckpointError, match=r"'.*ckpt\.pt' is truncated") as info:
        _load_bytes(tmp_path, cut)
    assert isinstance(info.value, RuntimeError)


def test_corrupt_zip_directory(tmp_path):
    data = bytearray(_good_bytes())
    central = data.rfind(b'PK\x01\x02')
    data[central:central + 4] = b'XXXX'
    with pytest.raises(CheckpointError, match='ckpt.pt.*(truncated or corrupt|corrupt)'):
        _load_bytes(tmp_path, bytes(data))


def test_directory_pointing_at_garbage(tmp_path):
    data = bytearray(_good_bytes())
    start, _ = record_span(bytes(data), 'data/0')
    header = data.rfind(b'PK\x03\x04', 0, start)
    data[header:header + 4] = b'\x00\x00\x00\x00'
    with pytest.raises(CheckpointError, match='not a record header|corrupt'):
        _load_bytes(tmp_path, bytes(data))


def test_flipped_byte_in_tensor_data_is_detected(tmp_path):
    data = bytearray(_good_bytes())
    start, end = record_span(bytes(data), 'data/0')
    data[(start + end) // 2] ^= 0x40
    with pytest.raises(CheckpointError, match="data/0.*CRC-32"):
        _load_bytes(tmp_path, bytes(data))


def test_flipped_byte_in_big_record_is_detected(tmp_path):
    """Large records are checked on a worker thread; the error still surfaces."""
    buf = io.BytesIO()
    ember.save({'big': ember.zeros(1 << 19), 'small': ember.ones(2)}, buf)
    data = bytearray(buf.getvalue())
    start, end = record_span(bytes(data), 'data/0')
    data[end - 3] ^= 0x01
    with pytest.raises(CheckpointError, match='CRC-32'):
        _load_bytes(tmp_path, bytes(data))


def test_flipped_byte_in_pickle_is_detected(tmp_path):
    data = bytearray(_good_bytes())
    start, end = record_span(bytes(data), 'data.pkl')
    data[start + 10] ^= 0xff
    with pytest.raises(CheckpointError, match='data.pkl.*corrupt'):
        _load_bytes(tmp_path, bytes(data))


def test_wrong_magic(tmp_path):
    with pytest.raises(CheckpointError, match=r"not a PyTorch/ember checkpoint.*starts with "
                                              r"b'GIF8'"):
        _load_bytes(tmp_path, b'GIF89a' + bytes(100))


def test_empty_file(tmp_path):
    with pytest.raises(EOFError, match='ckpt.pt is empty|empty'):
        _load_bytes(tmp_path, b'')


@pytest.mark.parametrize('keep', [0.3, 0.8, -1])
def test_truncated_legacy_stream(tmp_path, keep):
    buf = io.BytesIO()
    ember.save({'w': ember.arange(100.)}, buf, _use_new_zipfile_serialization=False)
    data = buf.getvalue()
    cut = data[:int(len(data) * keep)] if isinstance(keep, float) else data[:keep]
    with pytest.raises((CheckpointError, EOFError, pickle.UnpicklingError),
                       match='truncated|corrupt|ran out|Ran out'):
        _load_bytes(tmp_path, cut)


def test_record_size_disagreeing_with_pickle(tmp_path):
    data = rewrite_records(_good_bytes(), lambda name, payload:
                           payload[:-8] if name.endswith('data/1') else payload)
    with pytest.raises(CheckpointError, match=r"data/1.*16 bytes.*3 x int64 = 24 bytes"):
        _load_bytes(tmp_path, data)


def test_missing_record(tmp_path):
    src = zipfile.ZipFile(io.BytesIO(_good_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as dst:
        for info in src.infolist():
            if not info.filename.endswith('data/1'):
                dst.writestr(info.filename, src.read(info))
    with pytest.raises(CheckpointError, match='has no record archive/data/1'):
        _load_bytes(tmp_path, out.getvalue())


def test_tensor_view_past_its_storage(tmp_path):
    """A pickle claiming more elements than the storage holds is refused, not read."""
    def grow(name, payload):
        if name.endswith('data.pkl'):
            return payload.replace(b'K\x03\x85', b'K\x09\x85')   # size (3,) -> (9,)
        return payload
    with pytest.raises(CheckpointError, match='reaches past the end of its storage'):
        _load_bytes(tmp_path, rewrite_records(_good_bytes(), grow))


def test_not_a_zip_pickle_garbage(tmp_path):
    data = rewrite_records(_good_bytes(), lambda name, payload:
                           b'\x80\x02}q\x00(X' if name.endswith('data.pkl') else payload)
    with pytest.raises((CheckpointError, pickle.UnpicklingError, EOFError)):
        _load_bytes(tmp_path, data)


# ---- atomic saving ----------------------------------------------------------------------
def _folder_state(folder):
    return sorted(os.listdir(folder))


class _Exploding:
    def __reduce__(self):
        raise RuntimeError('boom while pickling')


def test_exception_while_pickling_keeps_old_file(tmp_path):
    path = tmp_path / 'model.pt'
    ember.save({'v': ember.ones(3)}, path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match='boom'):
        ember.save({'v': ember.zeros(3), 'bad': _Exploding()}, path)
    assert path.read_bytes() == before
    assert _folder_state(tmp_path) == ['model.pt']
    assert ember.load(path)['v'].tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize('exc', [OSError('disk full'), KeyboardInterrupt()])
def test_interruption_while_writing_keeps_old_file(tmp_path, monkeypatch, exc):
    path = tmp_path / 'model.pt'
    ember.save({'v': ember.ones(3)}, path)
    before = path.read_bytes()
    from ember import _checkpoint_zip
    real = _checkpoint_zip.RecordWriter.write
    calls = []

    def failing(self, name, data):
        calls.append(name)
        if name.startswith('data/'):           # after the pickle, midway through the tensors
            raise exc
        return real(self, name, data)
    monkeypatch.setattr(_checkpoint_zip.RecordWriter, 'write', failing)
    with pytest.raises(type(exc)):
        ember.save({'v': ember.zeros(3)}, path)
    assert 'data.pkl' in calls
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert _folder_state(tmp_path) == ['model.pt']


def test_interruption_before_rename_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / 'model.pt'
    ember.save(ember.ones(2), path)
    before = path.read_bytes()

    def no_rename(src, dst):
        raise OSError('power cut')
    monkeypatch.setattr(os, 'replace', no_rename)
    with pytest.raises(OSError, match='power cut'):
        ember.save(ember.zeros(2), path)
    monkeypatch.undo()
    assert path.read_bytes() == before and _folder_state(tmp_path) == ['model.pt']


def test_save_replaces_atomically_and_keeps_permissions_sane(tmp_path):
    path = tmp_path / 'model.pt'
    ember.save(ember.ones(2), path)
    ember.save(ember.zeros(2), path)
    assert ember.load(path).tolist() == [0.0, 0.0]
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_missing_parent_directory(tmp_path):
    with pytest.raises(RuntimeError, match='Parent directory .*nowhere does not exist'):
        ember.save(ember.ones(1), tmp_path / 'nowhere' / 'x.pt')


def test_different_dtype_views_of_one_memory_are_refused():
    x = ember.ones(4)
    with pytest.raises(RuntimeError, match='Cannot save multiple tensors or storages that view '
                                           'the same data as different types'):
        ember.save([x, x.view(ember.int32)], io.BytesIO())


def test_values_survive_byte_for_byte(tmp_path):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((64, 33)).astype(np.float32)
    path = tmp_path / 'a.pt'
    ember.save(ember.tensor(a), path)
    assert np.array_equal(ember.load(path).numpy(), a)


def test_zip64_records_stay_aligned_and_readable(tmp_path, monkeypatch):
    """Records past 2 GB get zip64 headers; checked here by lowering the threshold."""
    from ember import _checkpoint_zip
    monkeypatch.setattr(_checkpoint_zip, 'ZIP64_FROM', 16)
    path = tmp_path / 'big.pt'
    obj = {'w': ember.arange(100.), 'b': ember.ones(3, dtype=ember.int64)}
    ember.save(obj, path)
    data = path.read_bytes()
    for name in ('data/0', 'data/1', 'data.pkl'):
        start, _ = record_span(data, name)
        assert start % 64 == 0, name
    assert ember.load(path)['w'].tolist() == list(map(float, range(100)))
    torch = pytest.importorskip('torch')
    assert torch.load(path)['b'].tolist() == [1, 1, 1]


def test_bfloat16_without_ml_dtypes_names_the_extra(tmp_path, monkeypatch):
    torch = pytest.importorskip('torch')
    path = tmp_path / 'bf.pt'
    torch.save({'w': torch.ones(2, dtype=torch.bfloat16)}, path)
    from ember import _checkpoint_unpickle
    allowed = {k: v for k, v in _checkpoint_unpickle.allowed_globals().items()
               if 'BFloat16' not in k and k != 'torch.bfloat16'}
    monkeypatch.setattr(_checkpoint_unpickle, 'allowed_globals', lambda: allowed)
    with pytest.raises(NotImplementedError, match=r'ml_dtypes.*ember\[bfloat16\]'):
        ember.load(path)
