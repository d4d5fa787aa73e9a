"""Random containers of transforms (torchvision v1): RandomApply, RandomChoice, RandomOrder.

``RandomApply`` draws from ember's generator like torchvision; ``RandomChoice`` and
``RandomOrder`` use Python's ``random`` module, as torchvision does.

>>> from ember.vision.transforms import RandomApply, Lambda
>>> RandomApply([Lambda(abs)], p=1.0)(-3)
3
"""
import random
from collections.abc import Sequence

import ember
from ember.nn import Module


class RandomTransforms:
    """Base class for a list of transforms applied with randomness."""

    def __init__(self, transforms):
        if not isinstance(transforms, Sequence):
            raise TypeError('Argument transforms should be a sequence')
        self.transforms = transforms

    def __call__(self, *args, **kwargs):
        raise NotImplementedError()

    def __repr__(self):
        s = self.__class__.__name__ + '('
        for t in self.transforms:
            s += '\n' + f'    {t}'
        return s + '\n)'


class RandomApply(Module):
    """Apply all ``transforms`` with probability ``p`` (one ``ember.rand(1)`` draw).

    >>> RandomApply([ember.vision.transforms.Lambda(abs)], p=1.0)(-3)
    3
    """

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, img):
        if self.p < ember.rand(1):
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        s = self.__class__.__name__ + '('
        s += f'\n    p={self.p}'
        for t in self.transforms:
            s += '\n' + f'    {t}'
        return s + '\n)'


class RandomOrder(RandomTransforms):
    """Apply the transforms in a random order (Python's ``random``, as torchvision).

    >>> RandomOrder([ember.vision.transforms.Lambda(abs)])(-2)
    2
    """

    def __call__(self, img):
        order = list(range(len(self.transforms)))
        random.shuffle(order)
        for i in order:
            img = self.transforms[i](img)
        return img


class RandomChoice(RandomTransforms):
    """Apply one transform picked at random (weights ``p``; Python's ``random``, as torchvision).

    >>> RandomChoice([ember.vision.transforms.Lambda(abs)])(-2)
    2
    """

    def __init__(self, transforms, p=None):
        super().__init__(transforms)
        if p is not None and not isinstance(p, Sequence):
            raise TypeError('Argument p should be a sequence')
        self.p = p

    def __call__(self, *args):
        t = random.choices(self.transforms, weights=self.p)[0]
        return t(*args)

    def __repr__(self):
        return f'{super().__repr__()}(p={self.p})'
