"""``VisionDataset``: the base class of ember's vision datasets (``torchvision.datasets.vision``).

>>> class Two(VisionDataset):
...     def __len__(self): return 2
...     def __getitem__(self, i): return i, i
>>> print(Two('data', transform=abs))
Dataset Two
    Number of datapoints: 2
    Root location: data
    StandardTransform
Transform: <built-in function abs>
"""
import os

from ember.utils.data.dataset import Dataset

__all__ = ['VisionDataset', 'StandardTransform']


class VisionDataset(Dataset):
    """Base class for vision datasets: stores ``root``, ``transform``, ``target_transform`` and
    ``transforms`` (a callable on ``(input, target)``) and prints as torchvision does.

    ``transforms`` and ``transform``/``target_transform`` are mutually exclusive; passing the
    latter wraps them in a :class:`StandardTransform`. Subclasses define ``__getitem__`` and
    ``__len__`` and may add lines to the repr with ``extra_repr``.

    >>> class One(VisionDataset):
    ...     def __len__(self): return 1
    >>> print(One(None))
    Dataset One
        Number of datapoints: 1
    """

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        has_transforms = transforms is not None
        has_separate_transform = transform is not None or target_transform is not None
        if has_transforms and has_separate_transform:
            raise ValueError('Only transforms or transform/target_transform can be passed as '
                             'argument. transforms takes (input, target) together; pass either it '
                             'alone, or transform and/or target_transform.')
        self.transform = transform
        self.target_transform = target_transform
        if has_separate_transform:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def __repr__(self):
        head = 'Dataset ' + self.__class__.__name__
        body = [f'Number of datapoints: {self.__len__()}']
        if self.root is not None:
            body.append(f'Root location: {self.root}')
        body += self.extra_repr().splitlines()
        if getattr(self, 'transforms', None) is not None:
            body += [repr(self.transforms)]
        return '\n'.join([head] + [' ' * self._repr_indent + line for line in body])

    def _format_transform_repr(self, transform, head):
        return _format_transform_repr(transform, head)

    def extra_repr(self):
        """Extra lines for the repr (one per line of the returned string); empty by default.

        >>> VisionDataset().extra_repr()
        ''
        """
        return ''


def _format_transform_repr(transform, head):
    lines = repr(transform).splitlines()
    return [f'{head}{lines[0]}'] + [' ' * len(head) + line for line in lines[1:]]


class StandardTransform:
    """Applies ``transform`` to the input and ``target_transform`` to the target.

    >>> StandardTransform(abs, str)(-2, 3)
    (2, '3')
    """

    def __init__(self, transform=None, target_transform=None):
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def _format_transform_repr(self, transform, head):
        return _format_transform_repr(transform, head)

    def __repr__(self):
        body = [self.__class__.__name__]
        if self.transform is not None:
            body += _format_transform_repr(self.transform, 'Transform: ')
        if self.target_transform is not None:
            body += _format_transform_repr(self.target_transform, 'Target transform: ')
        return '\n'.join(body)
