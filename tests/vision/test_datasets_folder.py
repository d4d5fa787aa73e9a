"""ember.vision.datasets.folder: DatasetFolder / ImageFolder on temporary folders of small PNGs."""
import os
import sys

import numpy as np
import pytest

from ember.vision.datasets import DatasetFolder, ImageFolder, folder

Image = pytest.importorskip('PIL.Image')


def rgb(seed, size=(3, 2)):
    return np.random.default_rng(seed).integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)


@pytest.fixture
def tree(tmp_path):
    """root/{dog,cat,bird}; cat has a nested folder; various extensions and image modes."""
    root = tmp_path / 'root'
    expected = {}  # path -> RGB array after pil_loader
    (root / 'dog').mkdir(parents=True)
    (root / 'cat' / 'inner').mkdir(parents=True)
    (root / 'bird').mkdir()

    def save_rgb(rel, seed):
        arr = rgb(seed)
        Image.fromarray(arr).save(root / rel)
        expected[str(root / rel)] = arr

    save_rgb('dog/b.png', 1)
    save_rgb('dog/a.PNG', 2)            # upper-case extension is accepted
    save_rgb('cat/z.png', 3)
    save_rgb('cat/inner/y.png', 4)      # nested files count for their class
    save_rgb('bird/only.bmp', 5)
    grey = np.arange(6, dtype=np.uint8).reshape(2, 3) * 40
    Image.fromarray(grey).save(root / 'bird' / 'grey.png')   # mode 'L' -> converted to RGB
    expected[str(root / 'bird' / 'grey.png')] = np.repeat(grey[:, :, None], 3, axis=2)
    rgba = np.dstack([rgb(6), np.full((2, 3), 128, np.uint8)])
    Image.fromarray(rgba).save(root / 'bird' / 'rgba.png')   # mode 'RGBA' -> alpha dropped
    expected[str(root / 'bird' / 'rgba.png')] = rgba[:, :, :3]
    (root / 'dog' / 'notes.txt').write_text('not an image')
    (root / 'README').write_text('a file at the top level is not a class')
    return root, expected


def test_image_folder_classes_samples_and_pixels(tree):
    root, expected = tree
    ds = ImageFolder(str(root))
    assert ds.classes == ['bird', 'cat', 'dog']
    assert ds.class_to_idx == {'bird': 0, 'cat': 1, 'dog': 2}
    r = str(root)
    assert ds.samples == [
        (os.path.join(r, 'bird', 'grey.png'), 0),
        (os.path.join(r, 'bird', 'only.bmp'), 0),
        (os.path.join(r, 'bird', 'rgba.png'), 0),
        (os.path.join(r, 'cat', 'z.png'), 1),
        (os.path.join(r, 'cat', 'inner', 'y.png'), 1),
        (os.path.join(r, 'dog', 'a.PNG'), 2),
        (os.path.join(r, 'dog', 'b.png'), 2),
    ]
    assert ds.imgs is ds.samples
    assert ds.targets == [0, 0, 0, 1, 1, 2, 2]
    assert ds.extensions == folder.IMG_EXTENSIONS
    assert len(ds) == 7
    for i, (path, target) in enumerate(ds.samples):
        img, t = ds[i]
        assert isinstance(img, Image.Image) and img.mode == 'RGB' and img.size == (3, 2)
        np.testing.assert_array_equal(np.asarray(img), expected[path])
        assert t == target
    assert repr(ds) == f'Dataset ImageFolder\n    Number of datapoints: 7\n    Root location: {r}'


def test_image_folder_transforms_and_custom_loader(tree):
    root, expected = tree
    ds = ImageFolder(root, transform=lambda im: np.asarray(im).sum(),
                     target_transform=lambda t: -t)
    assert ds[6] == (expected[str(root / 'dog' / 'b.png')].sum(), -2)
    calls = []
    ds = ImageFolder(root, loader=lambda p: calls.append(p) or os.path.basename(p))
    assert ds[3] == ('z.png', 1) and calls == [str(root / 'cat' / 'z.png')]


def test_is_valid_file_and_extensions(tree):
    root, _ = tree
    ds = ImageFolder(root, is_valid_file=lambda p: p.endswith('.png'))
    assert [os.path.basename(p) for p, _ in ds.samples] == ['grey.png', 'rgba.png', 'z.png',
                                                            'y.png', 'b.png']
    assert ds.extensions is None
    ds = DatasetFolder(root, loader=lambda p: open(p).read(), extensions=('.txt',),
                       allow_empty=True)
    assert ds.samples == [(str(root / 'dog' / 'notes.txt'), 2)] and ds[0] == ('not an image', 2)
    assert ds.classes == ['bird', 'cat', 'dog']
    ds = DatasetFolder(root, loader=len, extensions='.bmp', allow_empty=True)
    assert [t for _, t in ds.samples] == [0]
    with pytest.raises(ValueError, match='Both extensions and is_valid_file cannot be None or not '
                                         'None at the same time'):
        DatasetFolder(root, loader=len)
    with pytest.raises(ValueError, match='Both extensions and is_valid_file'):
        DatasetFolder(root, loader=len, extensions='.png', is_valid_file=bool)


def test_numpy_dataset_folder(tmp_path):
    for cls, vals in (('neg', [-1, -2]), ('pos', [3])):
        (tmp_path / cls).mkdir()
        for k, v in enumerate(vals):
            np.save(tmp_path / cls / f'{k}.npy', np.full(2, v))
    ds = DatasetFolder(tmp_path, loader=np.load, extensions=('.npy',))
    got = [(x.tolist(), y) for x, y in (ds[i] for i in range(len(ds)))]
    assert got == [([-1, -1], 0), ([-2, -2], 0), ([3, 3], 1)]


def test_folder_errors(tree, tmp_path):
    root, _ = tree
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder in "):
        ImageFolder(empty)
    (root / 'empty_class').mkdir()
    with pytest.raises(FileNotFoundError) as info:
        ImageFolder(root)
    msg = str(info.value)
    assert msg.startswith('Found no valid file for the classes empty_class. Supported extensions '
                          'are: .jpg, .jpeg, .png, .ppm, .bmp, .pgm, .tif, .tiff, .webp')
    assert 'allow_empty=True' in msg
    # extensions must be lower case: file names are lower-cased before matching (as torchvision)
    with pytest.raises(FileNotFoundError, match='Found no valid file for the classes bird, '
                                                'cat, dog, empty_class. Supported extensions are: .PNG'):
        DatasetFolder(root, loader=len, extensions='.PNG')
    with pytest.raises(FileNotFoundError, match=r'classes bird, cat, dog, empty_class\. Looked'):
        DatasetFolder(root, loader=len, is_valid_file=lambda p: False)
    ds = ImageFolder(root, allow_empty=True)
    assert ds.classes == ['bird', 'cat', 'dog', 'empty_class'] and len(ds) == 7
    with pytest.raises(FileNotFoundError):
        ImageFolder(tmp_path / 'does-not-exist')
    with pytest.raises(ValueError, match="'class_to_index' must have at least one entry"):
        folder.make_dataset(str(root), {}, extensions='.png')
    with pytest.raises(ValueError, match='The class_to_idx parameter cannot be None.'):
        DatasetFolder.make_dataset(str(root), None, extensions='.png')


def test_make_dataset_and_find_classes_functions(tree):
    root, _ = tree
    classes, class_to_idx = folder.find_classes(root)
    assert classes == ['bird', 'cat', 'dog']
    subset = folder.make_dataset(str(root), {'dog': 0}, extensions=folder.IMG_EXTENSIONS)
    assert [(os.path.basename(p), c) for p, c in subset] == [('a.PNG', 0), ('b.png', 0)]

    class OnlyCats(ImageFolder):
        def find_classes(self, directory):
            return ['cat'], {'cat': 5}

    ds = OnlyCats(root)
    assert ds.classes == ['cat'] and ds.targets == [5, 5]
    assert folder.is_image_file('X.WEBP') and not folder.is_image_file('x.gif')


def test_pil_loader_without_pillow(tree, monkeypatch):
    root, _ = tree
    monkeypatch.setitem(sys.modules, 'PIL', None)
    monkeypatch.setitem(sys.modules, 'PIL.Image', None)
    ds = ImageFolder(root)  # listing the files needs no pillow
    with pytest.raises(ImportError, match=r'pip install "ember\[vision\]"'):
        ds[0]
