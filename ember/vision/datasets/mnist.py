"""MNIST, FashionMNIST and KMNIST read from the standard IDX files (``torchvision.datasets.mnist``).

The files live in ``root/<ClassName>/raw/`` (``train-images-idx3-ubyte``,
``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``), each
either as is or gzipped (``.gz``, read directly). ``download=True`` fetches them from
torchvision's mirrors; on a machine without network it fails with an error that names the
files and the folder to put them in.

>>> MNIST.classes[:2], FashionMNIST.classes[0], KMNIST.classes[0]
(['0 - zero', '1 - one'], 'T-shirt/top', 'o')
"""
import gzip
import os
import warnings

import numpy as np

import ember
from .utils import _IntegrityError, _pil_image, check_integrity, download_and_extract_archive
from .vision import VisionDataset

__all__ = ['MNIST', 'FashionMNIST', 'KMNIST', 'read_sn3_pascalvincent_tensor', 'read_image_file',
           'read_label_file']

# IDX type codes (third byte of the magic number) -> big-endian NumPy dtype.
SN3_PASCALVINCENT_TYPEMAP = {
    8: np.dtype('u1'),
    9: np.dtype('i1'),
    11: np.dtype('>i2'),
    12: np.dtype('>i4'),
    13: np.dtype('>f4'),
    14: np.dtype('>f8'),
}


def _read_bytes(path):
    path = os.fspath(path)
    opener = gzip.open if path.endswith('.gz') else open
    try:
        with opener(path, 'rb') as f:
            return f.read()
    except (EOFError, gzip.BadGzipFile, OSError) as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise RuntimeError(f'Could not read IDX file {path}: {e}. The file is corrupt or '
                           'truncated; delete it and download it again.') from e


def _read_idx_array(path):
    """Parse an IDX ("SN3 Pascal Vincent") file into a native-endian NumPy array."""
    data = _read_bytes(path)
    fix = 'delete it and download it again (or pass download=True).'
    if len(data) < 4:
        raise RuntimeError(f'IDX file {path} is truncated: it has {len(data)} bytes, fewer than the '
                           f'4-byte magic number; {fix}')
    zero0, zero1, code, nd = data[0], data[1], data[2], data[3]
    if zero0 != 0 or zero1 != 0 or code not in SN3_PASCALVINCENT_TYPEMAP or not 1 <= nd <= 3:
        raise RuntimeError(f'{path} is not an IDX file: its magic number is 0x{data[:4].hex()}, '
                           'expected 0x0000TTDD with type code TT in 08, 09, 0b, 0c, 0d, 0e and 1 to '
                           f'3 dimensions DD (e.g. 0x00000803 for images, 0x00000801 for labels); '
                           f'the file is corrupt or of another format; {fix}')
    header = 4 * (nd + 1)
    if len(data) < header:
        raise RuntimeError(f'IDX file {path} is truncated: its header needs {header} bytes for {nd} '
                           f'dimension sizes, the file has {len(data)}; {fix}')
    shape = tuple(int(s) for s in np.frombuffer(data, dtype='>u4', count=nd, offset=4))
    dtype = SN3_PASCALVINCENT_TYPEMAP[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    got = len(data) - header
    if got != expected:
        what = 'truncated' if got < expected else 'corrupt (longer than its header says)'
        raise RuntimeError(f'IDX file {path} is {what}: its header says shape {shape} of {dtype.name} '
                           f'({expected} bytes of data), but it has {got} bytes after the {header}-byte '
                           f'header; {fix}')
    arr = np.frombuffer(bytearray(data), dtype=dtype, offset=header)  # bytearray: writable
    if dtype.itemsize > 1:
        arr = arr.astype(dtype.newbyteorder('='))
    return arr.reshape(shape)


def read_sn3_pascalvincent_tensor(path, strict=True):
    """Read an IDX file (raw or ``.gz``) into a tensor of its stored dtype and shape.

    The magic number (``0x0000TTDD``: type code TT, DD dimensions), the big-endian sizes and
    the data length are checked; a corrupt or truncated file raises a RuntimeError naming it.

    >>> import os, struct, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), 'x-idx1-ubyte')
    >>> with open(p, 'wb') as f:
    ...     _ = f.write(struct.pack('>BBBBI', 0, 0, 8, 1, 3) + bytes([7, 8, 9]))
    >>> read_sn3_pascalvincent_tensor(p)
    tensor([7, 8, 9], dtype=torch.uint8)
    """
    return ember.from_numpy(_read_idx_array(path))


def read_label_file(path):
    """Read an IDX label file: a 1-D uint8 IDX array returned as an int64 tensor.

    >>> import os, struct, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), 'labels-idx1-ubyte')
    >>> with open(p, 'wb') as f:
    ...     _ = f.write(struct.pack('>BBBBI', 0, 0, 8, 1, 2) + bytes([5, 0]))
    >>> read_label_file(p)
    tensor([5, 0])
    """
    x = _read_idx_array(path)
    if x.dtype != np.uint8:
        raise TypeError(f'x should be of dtype torch.uint8 instead of torch.{_torch_name(x.dtype)} '
                        f'(reading labels from {path})')
    if x.ndim != 1:
        raise ValueError(f'x should have 1 dimension instead of {x.ndim} (reading labels from '
                         f'{path}; is it an image file?)')
    return ember.from_numpy(x.astype(np.int64))


def read_image_file(path):
    """Read an IDX image file: a 3-D (N x H x W) uint8 tensor.

    >>> import os, struct, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), 'images-idx3-ubyte')
    >>> with open(p, 'wb') as f:
    ...     _ = f.write(struct.pack('>BBBBIII', 0, 0, 8, 3, 1, 2, 2) + bytes([0, 1, 2, 3]))
    >>> read_image_file(p)
    tensor([[[0, 1],
             [2, 3]]], dtype=torch.uint8)
    """
    x = _read_idx_array(path)
    if x.dtype != np.uint8:
        raise TypeError(f'x should be of dtype torch.uint8 instead of torch.{_torch_name(x.dtype)} '
                        f'(reading images from {path})')
    if x.ndim != 3:
        raise ValueError(f'x should have 3 dimension instead of {x.ndim} (reading images from '
                         f'{path}; is it a label file?)')
    return ember.from_numpy(x)


def _torch_name(dtype):
    return {'i1': 'int8', 'i2': 'int16', 'i4': 'int32', 'f4': 'float32', 'f8': 'float64'}.get(
        np.dtype(dtype).str[1:], np.dtype(dtype).name)


class MNIST(VisionDataset):
    """The `MNIST <http://yann.lecun.com/exdb/mnist/>`_ digits, read from IDX files.

    Args:
        root: folder holding ``MNIST/raw/train-images-idx3-ubyte`` etc. (each file may also be
            gzipped: ``train-images-idx3-ubyte.gz`` is read directly).
        train: the 60,000 training images (``train-*``) or the 10,000 test images (``t10k-*``).
        transform: applied to each image; target_transform: applied to each label.
        download: fetch the files from torchvision's mirrors (MD5-checked, then un-gzipped)
            when they are absent; on failure the error names the files and the folder.

    Attributes: ``data`` (uint8 tensor N x 28 x 28), ``targets`` (int64 tensor N),
    ``classes``, ``class_to_idx``. ``dataset[i]`` is ``(image, int label)``: the image is a
    PIL image of mode ``'L'`` as in torchvision; **without pillow** it is the 28 x 28 uint8
    NumPy array instead, which ``transforms.ToTensor()`` turns into the same 1 x 28 x 28
    float tensor. Unlike torchvision, only the requested split's two files must be present.

    >>> MNIST('no-such-folder', train=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    RuntimeError: Dataset not found. You can use download=True to download it. MNIST (train=False) reads these files from the folder .../no-such-folder/MNIST/raw:
        t10k-images-idx3-ubyte  (or t10k-images-idx3-ubyte.gz)  [missing]
        t10k-labels-idx1-ubyte  (or t10k-labels-idx1-ubyte.gz)  [missing]
    Download them (e.g. from https://ossci-datasets.s3.amazonaws.com/mnist/) and place them there, or pass download=True.
    """

    mirrors = [
        'https://ossci-datasets.s3.amazonaws.com/mnist/',
        'http://yann.lecun.com/exdb/mnist/',
    ]
    resources = [
        ('train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873'),
        ('train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432'),
        ('t10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3'),
        ('t10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c'),
    ]
    training_file = 'training.pt'
    test_file = 'test.pt'
    classes = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six',
               '7 - seven', '8 - eight', '9 - nine']

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if self._check_legacy_exist():
            self.data, self.targets = self._load_legacy_data()
            return
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError('Dataset not found. You can use download=True to download it. '
                               + self._where_message())
        self.data, self.targets = self._load_data()

    # -- files -----------------------------------------------------------------------------
    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, 'raw')

    @property
    def processed_folder(self):
        return os.path.join(self.root, self.__class__.__name__, 'processed')

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def _split_files(self):
        prefix = 'train' if self.train else 't10k'
        return [f'{prefix}-images-idx3-ubyte', f'{prefix}-labels-idx1-ubyte']

    def _find_file(self, name):
        """The path of ``name`` in raw_folder, or of its ``.gz`` form; None when neither exists."""
        for candidate in (name, name + '.gz'):
            path = os.path.join(self.raw_folder, candidate)
            if check_integrity(path):
                return path
        return None

    def _check_exists(self):
        return all(self._find_file(name) is not None for name in self._split_files())

    def _where_message(self):
        folder = os.path.abspath(self.raw_folder)
        lines = []
        for name in self._split_files():
            state = 'found' if self._find_file(name) is not None else 'missing'
            lines.append(f'    {name}  (or {name}.gz)  [{state}]')
        return (f'{self.__class__.__name__} (train={self.train}) reads these files from the folder '
                f'{folder}:\n' + '\n'.join(lines) + '\nDownload them (e.g. from '
                f'{self.mirrors[0]}) and place them there, or pass download=True.')

    def _check_legacy_exist(self):
        if not os.path.exists(self.processed_folder):
            return False
        return all(check_integrity(os.path.join(self.processed_folder, file))
                   for file in (self.training_file, self.test_file))

    def _load_legacy_data(self):
        # Old torchvision releases cached (data, targets) as a torch checkpoint.
        data_file = self.training_file if self.train else self.test_file
        return ember.load(os.path.join(self.processed_folder, data_file), weights_only=True)

    def _load_data(self):
        image_file, label_file = self._split_files()
        data = read_image_file(self._find_file(image_file))
        targets = read_label_file(self._find_file(label_file))
        if data.shape[0] != targets.shape[0]:
            raise RuntimeError(f'{self.__class__.__name__}: {image_file} holds {data.shape[0]} images '
                               f'but {label_file} holds {targets.shape[0]} labels (folder '
                               f'{os.path.abspath(self.raw_folder)}); one of the files is wrong.')
        return data, targets

    def download(self):
        """Download the IDX files if they are absent (torchvision's mirrors, MD5-checked, un-gzipped).

        >>> MNIST.download  # doctest: +ELLIPSIS
        <function MNIST.download at ...>
        """
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            if check_integrity(os.path.join(self.raw_folder, os.path.splitext(filename)[0])):
                continue
            errors = []
            for mirror in self.mirrors:
                url = f'{mirror}{filename}'
                try:
                    print(f'Downloading {url}')
                    download_and_extract_archive(url, download_root=self.raw_folder,
                                                 filename=filename, md5=md5)
                except (OSError, _IntegrityError) as error:  # URLError is an OSError
                    print(f'Failed to download (trying next):\n{error}')
                    errors.append(f'    {url}: {error}')
                    continue
                finally:
                    print()
                break
            else:
                names = ', '.join(name for name, _ in self.resources)
                raise RuntimeError(
                    f'Error downloading {filename}. Every mirror failed (this machine may be '
                    'offline):\n' + '\n'.join(errors) + '\n'
                    f'Download the files yourself ({names}; gzipped or not) and place them in the '
                    f'folder {os.path.abspath(self.raw_folder)}, then create the dataset again.')

    # -- items -----------------------------------------------------------------------------
    def __getitem__(self, index):
        data, targets = self.data, self.targets
        img = (data.numpy() if isinstance(data, ember.Tensor) else np.asarray(data))[index]
        target = int((targets.numpy() if isinstance(targets, ember.Tensor) else targets)[index])
        Image = _pil_image()
        img = Image.fromarray(img) if Image is not None else img.copy()
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        split = 'Train' if self.train is True else 'Test'
        return f'Split: {split}'

    # -- deprecated names (as torchvision) ---------------------------------------------------
    @property
    def train_labels(self):
        warnings.warn('train_labels has been renamed targets')
        return self.targets

    @property
    def test_labels(self):
        warnings.warn('test_labels has been renamed targets')
        return self.targets

    @property
    def train_data(self):
        warnings.warn('train_data has been renamed data')
        return self.data

    @property
    def test_data(self):
        warnings.warn('test_data has been renamed data')
        return self.data


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_: same files and
    arguments as :class:`MNIST`, read from ``root/FashionMNIST/raw/``.

    >>> FashionMNIST.classes[-1]
    'Ankle boot'
    """

    mirrors = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/']
    resources = [
        ('train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'),
        ('train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'),
        ('t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'),
        ('t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310'),
    ]
    classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker',
               'Bag', 'Ankle boot']


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_: same files and arguments as
    :class:`MNIST`, read from ``root/KMNIST/raw/``.

    >>> KMNIST.classes[:3]
    ['o', 'ki', 'su']
    """

    mirrors = ['http://codh.rois.ac.jp/kmnist/dataset/kmnist/']
    resources = [
        ('train-images-idx3-ubyte.gz', 'bdb82020997e1d708af4cf47b453dcf7'),
        ('train-labels-idx1-ubyte.gz', 'e144d726b3acfaa3e44228e80efcd344'),
        ('t10k-images-idx3-ubyte.gz', '5c965bf0a639b31b8f53240b1b52f4d7'),
        ('t10k-labels-idx1-ubyte.gz', '7320c461ea6c1c855c0b718fb2a4b134'),
    ]
    classes = ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo']
