"""Datasets of files sorted into one folder per class (``torchvision.datasets.folder``).

::

    root/cat/001.png
    root/cat/002.png
    root/dog/xyz.png

gives ``classes == ['cat', 'dog']``, ``class_to_idx == {'cat': 0, 'dog': 1}`` and
``samples == [('root/cat/001.png', 0), ('root/cat/002.png', 0), ('root/dog/xyz.png', 1)]``.
Images are opened with pillow (``pip install "ember[vision]"``), imported on first use.

>>> has_file_allowed_extension('a/B.PNG', IMG_EXTENSIONS), is_image_file('notes.txt')
(True, False)
"""
import os

from .utils import _require_pil_image
from .vision import VisionDataset

__all__ = ['DatasetFolder', 'ImageFolder', 'IMG_EXTENSIONS', 'default_loader', 'pil_loader',
           'find_classes', 'make_dataset', 'has_file_allowed_extension', 'is_image_file']

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp')


def has_file_allowed_extension(filename, extensions):
    """True when ``filename`` (lower-cased) ends with one of ``extensions`` (a str or a tuple).

    >>> has_file_allowed_extension('x.JPG', ('.jpg', '.png'))
    True
    """
    return filename.lower().endswith(extensions if isinstance(extensions, str) else tuple(extensions))


def is_image_file(filename):
    """True when ``filename`` has one of :data:`IMG_EXTENSIONS`.

    >>> is_image_file('photo.jpeg')
    True
    """
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory):
    """The sorted names of the sub-folders of ``directory`` and a ``{name: index}`` dict.

    >>> import os, tempfile
    >>> d = tempfile.mkdtemp(); os.mkdir(os.path.join(d, 'dog')); os.mkdir(os.path.join(d, 'cat'))
    >>> find_classes(d)
    (['cat', 'dog'], {'cat': 0, 'dog': 1})
    """
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}. Put each class's "
                                'files in their own sub-folder: root/<class name>/<file>.')
    class_to_idx = {cls_name: i for i, cls_name in enumerate(classes)}
    return classes, class_to_idx


def make_dataset(directory, class_to_idx=None, extensions=None, is_valid_file=None,
                 allow_empty=False):
    """The ``(path, class_index)`` pairs under ``directory``: classes in sorted order, each
    class folder walked recursively (following links) in sorted order, keeping the files that
    have one of ``extensions`` or pass ``is_valid_file(path)`` (exactly one of the two).

    >>> import os, tempfile
    >>> d = tempfile.mkdtemp(); os.mkdir(os.path.join(d, 'a'))
    >>> open(os.path.join(d, 'a', 'x.txt'), 'w').close()
    >>> [(os.path.basename(p), c) for p, c in make_dataset(d, extensions='.txt')]
    [('x.txt', 0)]
    """
    directory = os.path.expanduser(directory)
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    elif not class_to_idx:
        raise ValueError("'class_to_index' must have at least one entry to collect any samples.")

    both_none = extensions is None and is_valid_file is None
    both_something = extensions is not None and is_valid_file is not None
    if both_none or both_something:
        raise ValueError('Both extensions and is_valid_file cannot be None or not None at the same '
                         'time. Pass exactly one of them (ImageFolder passes IMG_EXTENSIONS unless '
                         'you give is_valid_file).')
    if extensions is not None:
        exts = extensions if isinstance(extensions, str) else tuple(extensions)

        def is_valid_file(x):
            return x.lower().endswith(exts)

    instances = []
    available_classes = set()
    for target_class in sorted(class_to_idx.keys()):
        class_index = class_to_idx[target_class]
        target_dir = os.path.join(directory, target_class)
        if not os.path.isdir(target_dir):
            continue
        for root, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
            for fname in sorted(fnames):
                path = os.path.join(root, fname)
                if is_valid_file(path):
                    instances.append((path, class_index))
                    available_classes.add(target_class)

    empty_classes = set(class_to_idx.keys()) - available_classes
    if empty_classes and not allow_empty:
        msg = f"Found no valid file for the classes {', '.join(sorted(empty_classes))}. "
        if extensions is not None:
            msg += ('Supported extensions are: '
                    f"{extensions if isinstance(extensions, str) else ', '.join(extensions)}. ")
        msg += (f'Looked in {directory}: every class folder needs at least one valid file (pass '
                'allow_empty=True to keep empty classes).')
        raise FileNotFoundError(msg)
    return instances


class DatasetFolder(VisionDataset):
    """A dataset of files arranged ``root/<class>/<file>``, loaded with ``loader(path)``.

    Args:
        root: the folder holding one sub-folder per class.
        loader: turns a file path into a sample.
        extensions: the accepted file endings (lower case), e.g. ``('.npy',)``; give either
            this or ``is_valid_file``.
        transform / target_transform: applied to each sample / class index.
        is_valid_file: ``is_valid_file(path) -> bool`` choosing the files to keep.
        allow_empty: accept class folders without any valid file.

    Attributes: ``classes`` (sorted folder names), ``class_to_idx``, ``samples`` (list of
    ``(path, class_index)``), ``targets`` (the class indices), ``loader``, ``extensions``.

    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> for c in ('b', 'a'):
    ...     os.mkdir(os.path.join(d, c))
    ...     with open(os.path.join(d, c, 'x.txt'), 'w') as f:
    ...         _ = f.write(c * 3)
    >>> ds = DatasetFolder(d, loader=lambda p: open(p).read(), extensions=('.txt',))
    >>> ds.classes, ds[0], ds[1], len(ds)
    (['a', 'b'], ('aaa', 0), ('bbb', 1), 2)
    """

    def __init__(self, root, loader, extensions=None, transform=None, target_transform=None,
                 is_valid_file=None, allow_empty=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(self.root, class_to_idx=class_to_idx, extensions=extensions,
                                    is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.samples = samples
        self.targets = [s[1] for s in samples]

    @staticmethod
    def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None,
                     allow_empty=False):
        """The ``(path, class_index)`` list; override to read samples from elsewhere.

        >>> DatasetFolder.make_dataset('.', None)
        Traceback (most recent call last):
        ValueError: The class_to_idx parameter cannot be None.
        """
        if class_to_idx is None:
            raise ValueError('The class_to_idx parameter cannot be None.')
        return make_dataset(directory, class_to_idx, extensions=extensions,
                            is_valid_file=is_valid_file, allow_empty=allow_empty)

    def find_classes(self, directory):
        """``(classes, class_to_idx)`` from the sub-folders of ``directory``; override to
        choose a subset of classes or another layout.

        >>> DatasetFolder.find_classes  # doctest: +ELLIPSIS
        <function DatasetFolder.find_classes at ...>
        """
        return find_classes(directory)

    def __getitem__(self, index):
        path, target = self.samples[index]
        sample = self.loader(path)
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __len__(self):
        return len(self.samples)


def pil_loader(path):
    """Open an image file with pillow and convert it to RGB.

    >>> import os, tempfile
    >>> from PIL import Image
    >>> path = os.path.join(tempfile.mkdtemp(), 'grey.png')
    >>> Image.new('L', (4, 3), 200).save(path)
    >>> img = pil_loader(path)
    >>> img.mode, img.size, img.getpixel((0, 0))
    ('RGB', (4, 3), (200, 200, 200))
    """
    Image = _require_pil_image('Loading image files')
    with open(path, 'rb') as f:
        img = Image.open(f)
        return img.convert('RGB')


def default_loader(path):
    """The loader ImageFolder uses by default: :func:`pil_loader` (an RGB PIL image).

    >>> default_loader is not pil_loader and default_loader.__name__
    'default_loader'
    """
    return pil_loader(path)


class ImageFolder(DatasetFolder):
    """A :class:`DatasetFolder` of images (:data:`IMG_EXTENSIONS`) loaded as RGB PIL images.

    ``imgs`` is another name for ``samples``. Needs pillow (``pip install "ember[vision]"``)
    unless you pass your own ``loader``.

    >>> import os, tempfile
    >>> from PIL import Image
    >>> root = tempfile.mkdtemp()
    >>> for name in ('rose', 'daisy'):
    ...     os.mkdir(os.path.join(root, name))
    ...     Image.new('RGB', (5, 4)).save(os.path.join(root, name, '1.png'))
    >>> ds = ImageFolder(root)
    >>> ds.classes, ds.targets, ds[1]  # doctest: +ELLIPSIS
    (['daisy', 'rose'], [0, 1], (<PIL.Image.Image image mode=RGB size=5x4 at ...>, 1))
    """

    def __init__(self, root, transform=None, target_transform=None, loader=default_loader,
                 is_valid_file=None, allow_empty=False):
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None,
                         transform=transform, target_transform=target_transform,
                         is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.imgs = self.samples
