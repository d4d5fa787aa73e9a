"""``ember.vision.datasets``: MNIST-style IDX datasets, image folders and the bundled Digits
(what ``torchvision.datasets`` gives a beginner).

>>> from ember.vision import datasets
>>> len(datasets.Digits(train=True)), len(datasets.Digits(train=False))
(1437, 360)
"""
from .vision import VisionDataset, StandardTransform
from .mnist import MNIST, FashionMNIST, KMNIST
from .folder import DatasetFolder, ImageFolder
from .digits import Digits
from . import utils

__all__ = ['VisionDataset', 'MNIST', 'FashionMNIST', 'KMNIST', 'DatasetFolder', 'ImageFolder',
           'Digits']
