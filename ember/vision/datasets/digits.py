"""``Digits``: the UCI handwritten digits shipped inside ember, so everything works offline.

The data is the copy bundled with scikit-learn of the UCI "Optical Recognition of Handwritten
Digits" test set: 1,797 images of 8 x 8 pixels with values 0..16, labels 0..9.
Source: E. Alpaydin, C. Kaynak, UCI Machine Learning Repository,
https://doi.org/10.24432/C50P49, licensed CC BY 4.0 (see ``_data/README.md``).

>>> train, test = Digits(train=True), Digits(train=False)
>>> len(train), len(test), train.classes[:3]
(1437, 360, ['0', '1', '2'])
"""
import gzip
import importlib.resources
import io

import numpy as np

import ember
from .vision import VisionDataset

__all__ = ['Digits']

_N_TRAIN = 1437  # 80% of 1,797 (rounded down); the other 360 rows are the test split
_cache = {}


def _load_all():
    """(images uint8 N x 8 x 8 scaled to 0..255, labels int64 N, train row indices, test row
    indices), parsed once per process."""
    if not _cache:
        resource = importlib.resources.files(__package__).joinpath('_data', 'digits.csv.gz')
        table = np.loadtxt(io.BytesIO(gzip.decompress(resource.read_bytes())), delimiter=',',
                           dtype=np.int64)
        if table.shape != (1797, 65):
            raise RuntimeError(f'The bundled digits.csv.gz has shape {table.shape}, expected '
                               '(1797, 65); the ember installation is damaged, reinstall ember.')
        # 0..16 -> 0..255 as round(v * 255 / 16) (ties are never hit except 127.5 -> 128).
        scale = np.rint(np.arange(17) * 255.0 / 16.0).astype(np.uint8)
        images = scale[table[:, :64]].reshape(-1, 8, 8)
        labels = table[:, 64].copy()
        # The fixed split: its own generator, seeded 0, never the global (ember or NumPy) RNG.
        perm = np.random.default_rng(0).permutation(len(table))
        _cache['all'] = (images, labels, np.sort(perm[:_N_TRAIN]), np.sort(perm[_N_TRAIN:]))
    return _cache['all']


class Digits(VisionDataset):
    """The 1,797 UCI handwritten digits (8 x 8 grey images, labels 0..9), bundled with ember.

    Args:
        root: accepted for symmetry with the other datasets and ignored (the data ships inside
            ember; nothing is read from or written to disk).
        train: the 1,437 training images, or the 360 test images.
        transform: applied to each image; target_transform: applied to each label.
        download: accepted and ignored (nothing to download).

    The split is fixed: a permutation of the 1,797 rows from
    ``numpy.random.default_rng(0)`` (its own generator, so ``ember.manual_seed`` and NumPy's
    global seed never change it); its first 1,437 rows (in file order) are the training set,
    the other 360 the test set. Every class appears in both.

    ``dataset[i]`` is ``(image, label)``: ``image`` is an 8 x 8 uint8 **NumPy array** (pixel
    values scaled from 0..16 to 0..255 as ``round(v * 255 / 16)``), so the dataset needs only
    NumPy and ``transforms.ToTensor()`` turns it into a 1 x 8 x 8 float tensor in [0, 1];
    ``label`` is an int. ``data`` is the uint8 tensor N x 8 x 8 of those images, ``targets``
    the int64 tensor of labels.

    >>> ds = Digits(train=False)
    >>> img, label = ds[0]
    >>> img.shape, img.dtype.name, int(img.max()) <= 255, label in range(10)
    ((8, 8), 'uint8', True, True)
    >>> ds.data.shape, ds.targets.dtype
    (torch.Size([360, 8, 8]), torch.int64)
    """

    classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']

    def __init__(self, root=None, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        images, labels, train_idx, test_idx = _load_all()
        rows = train_idx if train else test_idx
        self.data = ember.from_numpy(images[rows])
        self.targets = ember.from_numpy(labels[rows])

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def __getitem__(self, index):
        data, targets = self.data, self.targets
        img = (data.numpy() if isinstance(data, ember.Tensor) else np.asarray(data))[index].copy()
        target = int((targets.numpy() if isinstance(targets, ember.Tensor) else targets)[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"
