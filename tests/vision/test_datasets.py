"""ember.vision.datasets: IDX reading, MNIST-family datasets, download paths, Digits, VisionDataset.

No test touches the network: the URL opener is replaced, or the mirror is a local file:// folder.
"""
import gzip
import hashlib
import os
import pathlib
import struct
import sys
import urllib.error

import numpy as np
import pytest

import ember
from ember.utils.data import dataset as data_dataset
from ember.vision import datasets
from ember.vision.datasets import (MNIST, FashionMNIST, KMNIST, Digits, VisionDataset, mnist,
                                   utils as dutils)
from ember.vision.datasets.vision import StandardTransform

_CODES = {'u1': 8, 'i1': 9, 'i2': 11, 'i4': 12, 'f4': 13, 'f8': 14}
_STRUCT = {'u1': 'B', 'i1': 'b', 'i2': 'h', 'i4': 'i', 'f4': 'f', 'f8': 'd'}


class Fn:
    """A tiny Lambda-like transform with a repr (independent of ember.vision.transforms)."""

    def __init__(self, f, name):
        self.f, self.name = f, name

    def __call__(self, x):
        return self.f(x)

    def __repr__(self):
        return f'Fn({self.name})'


def idx_bytes(arr):
    """IDX encoding written by hand with struct (independent of the reader)."""
    arr = np.asarray(arr)
    kind = arr.dtype.str[1:]
    head = struct.pack('>BBBB', 0, 0, _CODES[kind], arr.ndim)
    head += struct.pack('>' + 'I' * arr.ndim, *arr.shape)
    body = struct.pack('>' + _STRUCT[kind] * arr.size, *arr.ravel().tolist())
    return head + body


def write_idx(path, arr, gz=False):
    data = idx_bytes(arr)
    path = str(path)
    if gz:
        with gzip.open(path, 'wb') as f:
            f.write(data)
    else:
        with open(path, 'wb') as f:
            f.write(data)
    return path


def struct_parse(path):
    """Reference IDX parser with struct only."""
    raw = open(path, 'rb').read()
    if path.endswith('.gz'):
        raw = gzip.decompress(raw)
    _, _, code, nd = struct.unpack('>BBBB', raw[:4])
    shape = struct.unpack('>' + 'I' * nd, raw[4:4 + 4 * nd])
    kind = {v: k for k, v in _CODES.items()}[code]
    n = int(np.prod(shape))
    vals = struct.unpack('>' + _STRUCT[kind] * n, raw[4 + 4 * nd:])
    return np.array(vals, dtype=kind).reshape(shape)


# ---------------------------------------------------------------------------------------------
# IDX parsing
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('gz', [False, True])
@pytest.mark.parametrize('kind,shape', [('u1', (7,)), ('u1', (3, 4, 5)), ('i1', (2, 3)),
                                        ('i2', (4, 3)), ('i4', (2, 2, 2)), ('f4', (5,)),
                                        ('f8', (2, 3))])
def test_read_idx_matches_struct_reference(tmp_path, gz, kind, shape):
    rng = np.random.default_rng(hash((kind, shape)) % 1000)
    if kind[0] == 'f':
        arr = rng.standard_normal(shape).astype(kind)
    else:
        info = np.iinfo(kind)
        arr = rng.integers(info.min, info.max, size=shape, endpoint=True).astype(kind)
    path = write_idx(tmp_path / ('x.idx' + ('.gz' if gz else '')), arr, gz=gz)
    t = mnist.read_sn3_pascalvincent_tensor(path)
    ref = struct_parse(path)
    got = t.numpy()
    assert got.shape == ref.shape == shape
    assert got.dtype == ref.dtype and got.dtype.isnative
    np.testing.assert_array_equal(got, ref)
    np.testing.assert_array_equal(got, arr)
    assert got.flags.writeable  # a tensor that can be modified in place


def test_read_image_and_label_file(tmp_path):
    imgs = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    labels = np.array([3, 9], dtype=np.uint8)
    x = mnist.read_image_file(write_idx(tmp_path / 'i', imgs))
    y = mnist.read_label_file(write_idx(tmp_path / 'l', labels))
    assert x.dtype == ember.uint8 and tuple(x.shape) == (2, 3, 4)
    assert y.dtype == ember.int64 and y.tolist() == [3, 9]
    np.testing.assert_array_equal(x.numpy(), imgs)
    with pytest.raises(ValueError, match='x should have 3 dimension instead of 1'):
        mnist.read_image_file(tmp_path / 'l')
    with pytest.raises(ValueError, match='x should have 1 dimension instead of 3'):
        mnist.read_label_file(tmp_path / 'i')
    with pytest.raises(TypeError, match='x should be of dtype torch.uint8 instead of torch.int32'):
        mnist.read_label_file(write_idx(tmp_path / 'l32', labels.astype('>i4')))


def test_read_idx_corrupt_and_truncated(tmp_path):
    good = idx_bytes(np.zeros((2, 3, 3), np.uint8))
    cases = {
        'badmagic': (b'\x12\x34' + good[2:], 'not an IDX file: its magic number is 0x12340803'),
        'badtype': (good[:2] + b'\x07' + good[3:], 'magic number is 0x00000703'),
        'badndim': (good[:3] + b'\x00' + good[4:], 'magic number is 0x00000800'),
        'tiny': (good[:3], 'truncated: it has 3 bytes'),
        'shorthead': (good[:9], 'truncated: its header needs 16 bytes'),
        'shortdata': (good[:-1], r'truncated: its header says shape \(2, 3, 3\)'),
        'longdata': (good + b'\x00', 'longer than its header says'),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(RuntimeError, match=message) as info:
            mnist.read_sn3_pascalvincent_tensor(path)
        assert str(path) in str(info.value)
        assert 'download it again' in str(info.value)
    # A truncated .gz stream
    path = tmp_path / 'cut.gz'
    path.write_bytes(gzip.compress(good)[:-12])
    with pytest.raises(RuntimeError, match='Could not read IDX file .*cut.gz'):
        mnist.read_sn3_pascalvincent_tensor(path)
    with pytest.raises(FileNotFoundError):
        mnist.read_sn3_pascalvincent_tensor(tmp_path / 'absent')


# ---------------------------------------------------------------------------------------------
# MNIST family
# ---------------------------------------------------------------------------------------------
def make_split(raw, prefix, n, seed, gz_images=False, gz_labels=False):
    rng = np.random.default_rng(seed)
    imgs = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    img_name = f'{prefix}-images-idx3-ubyte' + ('.gz' if gz_images else '')
    lab_name = f'{prefix}-labels-idx1-ubyte' + ('.gz' if gz_labels else '')
    write_idx(raw / img_name, imgs, gz=gz_images)
    write_idx(raw / lab_name, labels, gz=gz_labels)
    return imgs, labels


@pytest.fixture
def mnist_root(tmp_path):
    out = {}
    for cls in ('MNIST', 'FashionMNIST', 'KMNIST'):
        raw = tmp_path / cls / 'raw'
        raw.mkdir(parents=True)
        out[cls] = (make_split(raw, 'train', 5, 1, gz_images=True),
                    make_split(raw, 't10k', 3, 2, gz_labels=True))
    return tmp_path, out


@pytest.mark.parametrize('cls,classes', [
    (MNIST, ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six',
             '7 - seven', '8 - eight', '9 - nine']),
    (FashionMNIST, ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
                    'Sneaker', 'Bag', 'Ankle boot']),
    (KMNIST, ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo']),
])
def test_mnist_family_items(mnist_root, cls, classes):
    Image = pytest.importorskip('PIL.Image')
    root, files = mnist_root
    for train, (imgs, labels) in zip((True, False), files[cls.__name__]):
        ds = cls(str(root), train=train)
        assert isinstance(ds, data_dataset.Dataset) and isinstance(ds, VisionDataset)
        assert len(ds) == len(imgs)
        assert ds.data.dtype == ember.uint8 and tuple(ds.data.shape) == imgs.shape
        assert ds.targets.dtype == ember.int64 and ds.targets.tolist() == labels.tolist()
        np.testing.assert_array_equal(ds.data.numpy(), imgs)
        assert ds.classes == classes
        assert ds.class_to_idx == {c: i for i, c in enumerate(classes)}
        for i in range(len(ds)):
            img, target = ds[i]
            assert isinstance(img, Image.Image) and img.mode == 'L' and img.size == (28, 28)
            np.testing.assert_array_equal(np.asarray(img), imgs[i])
            assert type(target) is int and target == labels[i]
        assert ds.raw_folder == os.path.join(str(root), cls.__name__, 'raw')
        split = 'Train' if train else 'Test'
        assert repr(ds) == (f'Dataset {cls.__name__}\n    Number of datapoints: {len(imgs)}\n'
                            f'    Root location: {root}\n    Split: {split}')


def test_mnist_transforms_repr_pathlib_and_deprecated_names(mnist_root):
    root, files = mnist_root
    imgs, labels = files['MNIST'][1]
    to_array = Fn(lambda im: np.asarray(im, dtype=np.float32) / 255, 'to_array')
    plus = Fn(lambda t: t + 100, 'plus100')
    ds = MNIST(pathlib.Path(root), train=False, transform=to_array, target_transform=plus)
    img, target = ds[2]
    np.testing.assert_allclose(img, imgs[2] / np.float32(255))
    assert target == labels[2] + 100
    assert ds[-1][1] == labels[-1] + 100
    assert repr(ds) == ('Dataset MNIST\n    Number of datapoints: 3\n'
                        f'    Root location: {root}\n    Split: Test\n'
                        '    StandardTransform\nTransform: Fn(to_array)\n'
                        'Target transform: Fn(plus100)')
    with pytest.warns(UserWarning, match='test_labels has been renamed targets'):
        assert ds.test_labels is ds.targets
    with pytest.warns(UserWarning, match='train_data has been renamed data'):
        assert ds.train_data is ds.data


def test_mnist_prefers_uncompressed_file(mnist_root):
    root, files = mnist_root
    raw = root / 'MNIST' / 'raw'
    imgs = np.full((5, 28, 28), 7, np.uint8)
    write_idx(raw / 'train-images-idx3-ubyte', imgs)  # next to the .gz written by the fixture
    np.testing.assert_array_equal(MNIST(root).data.numpy(), imgs)


def test_mnist_without_pillow_returns_numpy(mnist_root, monkeypatch):
    root, files = mnist_root
    imgs, labels = files['KMNIST'][0]
    monkeypatch.setitem(sys.modules, 'PIL', None)
    monkeypatch.setitem(sys.modules, 'PIL.Image', None)
    ds = KMNIST(root)
    img, target = ds[1]
    assert isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.shape == (28, 28)
    np.testing.assert_array_equal(img, imgs[1])
    img[:] = 0  # a copy: the dataset is unchanged
    np.testing.assert_array_equal(ds.data.numpy()[1], imgs[1])
    assert target == labels[1]


def test_mnist_image_label_count_mismatch(tmp_path):
    raw = tmp_path / 'MNIST' / 'raw'
    raw.mkdir(parents=True)
    write_idx(raw / 'train-images-idx3-ubyte', np.zeros((4, 28, 28), np.uint8))
    write_idx(raw / 'train-labels-idx1-ubyte', np.zeros(3, np.uint8))
    with pytest.raises(RuntimeError, match='holds 4 images but train-labels-idx1-ubyte holds 3'):
        MNIST(tmp_path)


def test_mnist_missing_files_error(tmp_path):
    raw = tmp_path / 'FashionMNIST' / 'raw'
    raw.mkdir(parents=True)
    write_idx(raw / 'train-labels-idx1-ubyte', np.zeros(2, np.uint8))
    with pytest.raises(RuntimeError) as info:
        FashionMNIST(str(tmp_path))
    msg = str(info.value)
    assert msg.startswith('Dataset not found. You can use download=True to download it')
    assert os.path.abspath(str(raw)) in msg
    assert 'train-images-idx3-ubyte  (or train-images-idx3-ubyte.gz)  [missing]' in msg
    assert 'train-labels-idx1-ubyte  (or train-labels-idx1-ubyte.gz)  [found]' in msg
    with pytest.raises(RuntimeError, match='t10k-images-idx3-ubyte'):
        MNIST(str(tmp_path), train=False)


def test_mnist_offline_download_error(tmp_path, monkeypatch, capsys):
    calls = []

    def offline(url, timeout):
        calls.append(url)
        raise urllib.error.URLError('[Errno -3] Temporary failure in name resolution')

    monkeypatch.setattr(dutils, '_urlopen', offline)
    with pytest.raises(RuntimeError) as info:
        MNIST(tmp_path, download=True)
    msg = str(info.value)
    raw = os.path.abspath(str(tmp_path / 'MNIST' / 'raw'))
    assert msg.startswith('Error downloading train-images-idx3-ubyte.gz')
    assert raw in msg and 'offline' in msg
    for name, _ in MNIST.resources:
        assert name in msg
    assert calls == [m + 'train-images-idx3-ubyte.gz' for m in MNIST.mirrors]
    assert os.listdir(raw) == []  # no half-written files left behind
    out = capsys.readouterr().out
    assert 'Downloading https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz' in out
    assert 'Failed to download (trying next)' in out


def make_mirror(tmp_path, seed=5):
    """A local mirror folder of gzipped IDX files, and the (filename, md5) resources list."""
    mirror = tmp_path / 'mirror'
    mirror.mkdir()
    arrays = {}
    resources = []
    for prefix, n in (('train', 4), ('t10k', 2)):
        rng = np.random.default_rng(seed + n)
        arrays[prefix] = (rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8),
                          rng.integers(0, 10, size=n, dtype=np.uint8))
        for kind, arr in zip(('images-idx3', 'labels-idx1'), arrays[prefix]):
            name = f'{prefix}-{kind}-ubyte.gz'
            write_idx(mirror / name, arr, gz=True)
            resources.append((name, hashlib.md5((mirror / name).read_bytes()).hexdigest()))
    return mirror, resources, arrays


def test_mnist_download_from_local_mirror(tmp_path, monkeypatch, capsys):
    mirror, resources, arrays = make_mirror(tmp_path)
    dead = 'file://' + str(tmp_path / 'no-such-mirror') + '/'
    monkeypatch.setattr(KMNIST, 'mirrors', [dead, mirror.as_uri() + '/'])
    monkeypatch.setattr(KMNIST, 'resources', resources)
    root = tmp_path / 'root'
    ds = KMNIST(root, train=True, download=True)
    np.testing.assert_array_equal(ds.data.numpy(), arrays['train'][0])
    assert ds.targets.tolist() == arrays['train'][1].tolist()
    raw = root / 'KMNIST' / 'raw'
    names = sorted(os.listdir(raw))
    assert names == sorted([n for n, _ in resources] + [n[:-3] for n, _ in resources])
    assert (raw / 't10k-images-idx3-ubyte').read_bytes() == gzip.decompress(
        (mirror / 't10k-images-idx3-ubyte.gz').read_bytes())
    out = capsys.readouterr().out
    assert 'Failed to download (trying next)' in out and 'Extracting' in out

    # Present files are never downloaded again.
    def no_network(url, timeout):
        raise AssertionError('network used')

    monkeypatch.setattr(dutils, '_urlopen', no_network)
    test = KMNIST(root, train=False, download=True)
    np.testing.assert_array_equal(test.data.numpy(), arrays['t10k'][0])


def test_mnist_download_md5_mismatch(tmp_path, monkeypatch, capsys):
    mirror, resources, _ = make_mirror(tmp_path)
    resources[0] = (resources[0][0], '0' * 32)
    monkeypatch.setattr(MNIST, 'mirrors', [mirror.as_uri() + '/'])
    monkeypatch.setattr(MNIST, 'resources', resources)
    with pytest.raises(RuntimeError) as info:
        MNIST(tmp_path / 'root', download=True)
    msg = str(info.value)
    assert msg.startswith('Error downloading train-images-idx3-ubyte.gz')
    assert 'File not found or corrupted.' in msg and '0' * 32 in msg


def test_mnist_legacy_processed_files(tmp_path):
    torch = pytest.importorskip('torch')
    proc = tmp_path / 'MNIST' / 'processed'
    proc.mkdir(parents=True)
    data = torch.arange(2 * 28 * 28).reshape(2, 28, 28).to(torch.uint8)
    torch.save((data, torch.tensor([4, 2])), proc / 'training.pt')
    torch.save((data[:1], torch.tensor([8])), proc / 'test.pt')
    ds = MNIST(tmp_path)
    assert ds.targets.tolist() == [4, 2] and ds.data.dtype == ember.uint8
    np.testing.assert_array_equal(ds.data.numpy(), data.numpy())
    assert MNIST(tmp_path, train=False).targets.tolist() == [8]


# ---------------------------------------------------------------------------------------------
# download / integrity helpers
# ---------------------------------------------------------------------------------------------
def test_download_url_and_extract(tmp_path, capsys):
    src = tmp_path / 'src'
    src.mkdir()
    payload = b'ember' * 1000
    (src / 'blob.bin.gz').write_bytes(gzip.compress(payload))
    md5 = hashlib.md5((src / 'blob.bin.gz').read_bytes()).hexdigest()
    dst = tmp_path / 'dst'
    dutils.download_and_extract_archive((src / 'blob.bin.gz').as_uri(), dst, md5=md5)
    assert (dst / 'blob.bin').read_bytes() == payload
    assert dutils.check_integrity(dst / 'blob.bin.gz', md5)
    dutils.download_url('file:///nonexistent/blob.bin.gz', dst, md5=md5)  # already verified
    assert 'Using downloaded and verified file' in capsys.readouterr().out
    with pytest.raises(urllib.error.URLError):
        dutils.download_url('file:///nonexistent/other.gz', dst)
    assert not (dst / 'other.gz.part').exists()
    with pytest.raises(RuntimeError, match='Archive type of .* is not supported'):
        dutils.extract_archive(dst / 'blob.bin')


# ---------------------------------------------------------------------------------------------
# VisionDataset
# ---------------------------------------------------------------------------------------------
class Tiny(VisionDataset):
    def __len__(self):
        return 3

    def extra_repr(self):
        return 'Kind: tiny\nSize: small'


def test_vision_dataset_base():
    ds = Tiny('~/somewhere', transform=Fn(abs, 'abs'))
    assert ds.root == os.path.expanduser('~/somewhere')
    assert isinstance(ds.transforms, StandardTransform)
    assert ds.transforms(-2, -3) == (2, -3)
    assert repr(ds) == (f'Dataset Tiny\n    Number of datapoints: 3\n    Root location: '
                        f'{ds.root}\n    Kind: tiny\n    Size: small\n    StandardTransform\n'
                        'Transform: Fn(abs)')
    both = Tiny(None, transforms=lambda x, y: (y, x))
    assert both.transform is None and both.transforms(1, 2) == (2, 1)
    with pytest.raises(ValueError, match='Only transforms or transform/target_transform can be '
                                         'passed as argument'):
        Tiny(None, transforms=lambda x, y: (x, y), target_transform=abs)
    with pytest.raises(NotImplementedError):
        VisionDataset()[0]


# ---------------------------------------------------------------------------------------------
# Digits
# ---------------------------------------------------------------------------------------------
def _digits_csv():
    here = pathlib.Path(datasets.__file__).parent / '_data' / 'digits.csv.gz'
    return np.loadtxt(gzip.open(here), delimiter=',', dtype=np.int64)


def test_digits_split_sizes_values_and_rows():
    table = _digits_csv()
    train, test = Digits(), Digits(train=False)
    assert (len(train), len(test)) == (1437, 360)
    for ds, n in ((train, 1437), (test, 360)):
        assert ds.data.dtype == ember.uint8 and tuple(ds.data.shape) == (n, 8, 8)
        assert ds.targets.dtype == ember.int64 and tuple(ds.targets.shape) == (n,)
        assert sorted(set(ds.targets.tolist())) == list(range(10))
        assert ds.classes == [str(i) for i in range(10)]
        assert ds.class_to_idx == {str(i): i for i in range(10)}
        assert int(ds.data.min()) == 0 and int(ds.data.max()) == 255
    # The documented split: default_rng(0).permutation, first 1437 rows (sorted) train.
    perm = np.random.default_rng(0).permutation(1797)
    train_rows, test_rows = np.sort(perm[:1437]), np.sort(perm[1437:])
    assert train_rows[:8].tolist() == [0, 2, 5, 8, 10, 11, 12, 13]
    assert test_rows[:8].tolist() == [1, 3, 4, 6, 7, 9, 14, 16]
    assert not set(train_rows) & set(test_rows)
    assert test.targets[:10].tolist() == [1, 3, 4, 6, 7, 9, 4, 6, 9, 0]
    assert train.targets.tolist() == table[train_rows, 64].tolist()
    assert test.targets.tolist() == table[test_rows, 64].tolist()
    scaled = np.array([round(v * 255 / 16) for v in range(17)])
    np.testing.assert_array_equal(train.data.numpy(), scaled[table[train_rows, :64]].reshape(-1, 8, 8))
    np.testing.assert_array_equal(test.data.numpy(), scaled[table[test_rows, :64]].reshape(-1, 8, 8))
    assert train.data.numpy()[0, 0].tolist() == [0, 0, 80, 207, 143, 16, 0, 0]


def test_digits_items_transforms_and_repr():
    ds = Digits(root='ignored', train=False, download=True,
                transform=Fn(lambda a: a.astype(np.float32) / 255, 'scale'),
                target_transform=Fn(str, 'str'))
    img, label = ds[5]
    assert img.dtype == np.float32 and img.shape == (8, 8) and 0 <= img.min() <= img.max() <= 1
    assert label == str(int(ds.targets[5]))
    raw = Digits(train=False)
    a, y = raw[5]
    assert isinstance(a, np.ndarray) and a.dtype == np.uint8 and type(y) is int
    a[:] = 1  # a copy
    assert int(raw.data[5].sum()) != 64
    assert repr(raw) == 'Dataset Digits\n    Number of datapoints: 360\n    Split: Test'
    assert repr(Digits(root='here')).startswith('Dataset Digits\n    Number of datapoints: 1437\n'
                                                '    Root location: here\n    Split: Train')


def test_digits_split_independent_of_seeds():
    ember.manual_seed(0)
    np.random.seed(0)
    a = Digits().targets.tolist()
    ember.manual_seed(123)
    np.random.seed(99)
    ember.rand(5)
    np.random.rand(3)
    from ember.vision.datasets import digits
    digits._cache.clear()  # force the split to be recomputed under the other seeds
    b = Digits().targets.tolist()
    assert a == b
    assert Digits(train=False).targets.tolist() == Digits(train=False).targets.tolist()
