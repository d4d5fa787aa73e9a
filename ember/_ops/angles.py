"""Angle conversions: deg2rad and rad2deg (integer inputs give the default float dtype).

>>> ember.rad2deg(ember.tensor([3.141592653589793]))
tensor([180.])
"""
import math

from ._base import default_float
from ._elementwise import inplace_method, need_tensor, write_out
from .._dtype import FLOATING

__all__ = ['deg2rad', 'deg2rad_', 'rad2deg', 'rad2deg_']


def _scale(name, factor, doc):
    def op(input, *, out=None):
        need_tensor(input, name, 'input', 1)
        x = input if input._data.dtype in FLOATING else input.to(default_float())
        res = x * factor
        if out is not None:
            return write_out(out, res, (input,), name)
        return res
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


deg2rad = _scale('deg2rad', math.pi / 180, """Degrees to radians.

    >>> ember.deg2rad(ember.tensor([180, 90]))
    tensor([3.1416, 1.5708])
    """)
rad2deg = _scale('rad2deg', 180 / math.pi, """Radians to degrees.

    >>> ember.rad2deg(ember.tensor([1.5707963]))
    tensor([90.])
    """)
deg2rad_ = inplace_method(deg2rad, 'deg2rad_')
rad2deg_ = inplace_method(rad2deg, 'rad2deg_')

METHODS = {'deg2rad': deg2rad, 'deg2rad_': deg2rad_, 'rad2deg': rad2deg, 'rad2deg_': rad2deg_}
