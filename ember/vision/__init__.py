"""``ember.vision``: what torchvision gives a beginner (transforms and datasets).

Images go through the optional ``pillow`` extra (``pip install "ember[vision]"``).

>>> from ember.vision import transforms, datasets
"""
from . import transforms, datasets

__all__ = ['transforms', 'datasets']
