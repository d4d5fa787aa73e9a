"""``ember.vision.transforms``: image transforms with torchvision.transforms' (v1) API.

Transforms take PIL images (optional pillow extra: ``pip install "ember[vision]"``) or ember
tensor images shaped (..., C, H, W); ``ToTensor`` also takes NumPy arrays without pillow.
Random transforms draw from ember's generator exactly as torchvision draws from torch's.

>>> from ember.vision import transforms
>>> t = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
>>> t(np.array([[0, 255]], dtype=np.uint8))
tensor([[[-1.,  1.]]])
"""
from . import functional
from .functional import InterpolationMode  # noqa: F401
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _all

__all__ = list(_all) + ['functional']
