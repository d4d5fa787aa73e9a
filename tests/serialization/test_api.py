"""ember.load's arguments: file kinds, map_location, mmap; and ember works without torch."""
import io
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember
from tests.serialization.helpers import rewrite_records


def _bytes(obj):
    buf = io.BytesIO()
    ember.save(obj, buf)
    return buf.getvalue()


class _Stream(io.RawIOBase):
    """A readable/writable stream that cannot seek (a pipe, a socket)."""

    def __init__(self, data=b''):
        self._buf = io.BytesIO(data)

    def readable(self):
        return True

    def writable(self):
        return True

    def seekable(self):
        return False

    def readinto(self, b):
        return self._buf.readinto(b)

    def write(self, b):
        return self._buf.write(b)


def test_paths_and_file_objects(tmp_path):
    obj = {'w': ember.arange(4.)}
    for target in (str(tmp_path / 'a.pt'), tmp_path / 'b.pth'):
        ember.save(obj, target)
        assert ember.load(target)['w'].tolist() == [0.0, 1.0, 2.0, 3.0]
        assert ember.load(pathlib.Path(target))['w'].tolist() == [0.0, 1.0, 2.0, 3.0]
    with open(tmp_path / 'c.pt', 'wb') as fh:
        ember.save(obj, fh)
    with open(tmp_path / 'c.pt', 'rb') as fh:
        assert ember.load(fh)['w'].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert ember.load(_Stream(_bytes(obj)))['w'].tolist() == [0.0, 1.0, 2.0, 3.0]
    stream = _Stream()
    ember.save(obj, stream)
    assert ember.load(io.BytesIO(stream._buf.getvalue()))['w'].tolist() == [0.0, 1.0, 2.0, 3.0]


def test_checkpoint_after_other_bytes_in_a_file():
    """Loading starts at the file object's current position, as torch.load does."""
    buf = io.BytesIO()
    buf.write(b'header bytes')
    ember.save(ember.ones(2), buf)
    buf.seek(len(b'header bytes'))
    assert ember.load(buf).tolist() == [1.0, 1.0]


def test_bad_file_argument():
    with pytest.raises(AttributeError, match="file-like object with a 'write' attribute"):
        ember.save(ember.ones(1), 42)
    with pytest.raises(AttributeError, match="file-like object with a 'read' attribute"):
        ember.load(42)


def _cuda_checkpoint():
    """A checkpoint whose storage location is 'cuda:1' (as a GPU machine would write it)."""
    def relocate(name, payload):
        if name.endswith('data.pkl'):
            return payload.replace(b'X\x03\x00\x00\x00cpu', b'X\x06\x00\x00\x00cuda:1')
        return payload
    return rewrite_records(_bytes({'w': ember.arange(3.)}), relocate)


@pytest.mark.skipif(ember.cuda.is_available(), reason='checks the CPU-only error')
def test_cuda_checkpoint_on_cpu_machine_names_map_location():
    with pytest.raises(RuntimeError, match=r"map_location=torch.device\('cpu'\)"):
        ember.load(io.BytesIO(_cuda_checkpoint()))


@pytest.mark.parametrize('where', ['cpu', ember.device('cpu'), {'cuda:1': 'cpu'},
                                   lambda storage, loc: storage,
                                   lambda storage, loc: storage.cpu(),
                                   lambda storage, loc: None if loc == 'cpu' else storage])
def test_map_location_forms(where):
    got = ember.load(io.BytesIO(_cuda_checkpoint()), map_location=where)
    assert got['w'].tolist() == [0.0, 1.0, 2.0] and got['w'].device == ember.device('cpu')


def test_map_location_callable_sees_storage_and_location():
    seen = []

    def record(storage, location):
        seen.append((location, storage.nbytes(), str(storage.device)))
        return storage
    ember.load(io.BytesIO(_cuda_checkpoint()), map_location=record)
    assert seen == [('cuda:1', 12, 'cpu')]


def test_map_location_rejects_other_types():
    with pytest.raises(ValueError, match='map_location'):
        ember.load(io.BytesIO(_bytes(ember.ones(1))), map_location=3.5)
    with pytest.raises(TypeError, match='map_location must return a storage'):
        ember.load(io.BytesIO(_bytes(ember.ones(1))), map_location=lambda s, loc: 'cpu')


def test_mmap_maps_storages_copy_on_write(tmp_path):
    path = tmp_path / 'm.pt'
    a = np.arange(10000, dtype=np.float32)
    ember.save({'a': ember.tensor(a), 'b': ember.ones(2, dtype=ember.int16)}, path)
    before = path.read_bytes()
    got = ember.load(path, mmap=True)
    assert np.array_equal(got['a'].numpy(), a) and got['b'].tolist() == [1, 1]
    got['a'][0] = 42.0                             # private mapping: the file is untouched
    assert float(got['a'][0]) == 42.0 and path.read_bytes() == before
    assert type(got['a'].numpy()) is np.ndarray
    with open(path, 'rb') as fh:
        assert ember.load(fh, mmap=True)['a'].numpy()[9999] == 9999.0
    with pytest.raises(ValueError, match='mmap'):
        ember.load(io.BytesIO(before), mmap=True)


def test_loaded_tensors_train(tmp_path):
    """Loaded parameters are ordinary leaves: gradients and optimizers work on them."""
    ember.manual_seed(0)
    model = ember.nn.Linear(3, 1)
    path = tmp_path / 'lin.pt'
    ember.save(model.state_dict(), path)
    fresh = ember.nn.Linear(3, 1)
    fresh.load_state_dict(ember.load(path))
    opt = ember.optim.SGD(fresh.parameters(), lr=0.1)
    fresh(ember.ones(2, 3)).sum().backward()
    opt.step()
    assert fresh.weight.grad.tolist() == [[2.0, 2.0, 2.0]]
    assert np.allclose(fresh.weight.detach().numpy(), model.weight.detach().numpy() - 0.2)


def test_unknown_load_keyword():
    with pytest.raises(TypeError, match='unexpected keyword'):
        ember.load(io.BytesIO(_bytes(1)), bogus=1)


def test_works_without_torch_installed(tmp_path):
    """ember's save/load never import torch: run them with torch made unimportable."""
    script = textwrap.dedent(f'''
        import sys
        sys.modules['torch'] = None               # any "import torch" now fails
        import ember
        path = {str(tmp_path / 'x.pt')!r}
        net = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.BatchNorm1d(3))
        ember.save({{'model': net.state_dict(), 'step': 3}}, path)
        back = ember.load(path)
        net.load_state_dict(back['model'])
        print(sorted(back['model']), back['step'])
    ''')
    out = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True,
                         cwd=str(pathlib.Path(__file__).parents[2]), timeout=120)
    assert out.returncode == 0, out.stderr
    assert "'1.num_batches_tracked'" in out.stdout and out.stdout.strip().endswith('3')
