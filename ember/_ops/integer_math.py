"""Number theory on integer tensors: gcd and lcm (elementwise, broadcasting).

>>> ember.gcd(ember.tensor([12, -18, 0]), ember.tensor([8, 12, 0]))
tensor([4, 6, 0])
"""
from ._base import wrap, operands, xp_of
from ._elementwise import inplace_method, need_tensor, write_out, not_implemented_for, \
    broadcast_call, result_kind

__all__ = ['gcd', 'gcd_', 'lcm', 'lcm_']


def _integer_op(name, ufunc_name, doc):
    def op(input, other, *, out=None):
        need_tensor(input, name, 'input', 1)
        need_tensor(other, name, 'other', 2)
        xa, xb = operands(input, other, name)
        if result_kind(xa, xb) not in 'iu':
            raise not_implemented_for(f'{name}_cpu', xa.dtype)
        res = wrap(broadcast_call(name, getattr(xp_of(xa), ufunc_name), xa, xb, silent=True))
        if out is not None:
            return write_out(out, res, (), name)
        return res
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


gcd = _integer_op('gcd', 'gcd', """Greatest common divisor (non-negative; gcd(0, 0) = 0).

    >>> ember.gcd(ember.tensor([9, 10]), ember.tensor([6, 4]))
    tensor([3, 2])
    """)
lcm = _integer_op('lcm', 'lcm', """Least common multiple (non-negative; 0 if either is 0).

    >>> ember.lcm(ember.tensor([4, -6]), ember.tensor([6, 4]))
    tensor([12, 12])
    """)
gcd_ = inplace_method(gcd, 'gcd_')
lcm_ = inplace_method(lcm, 'lcm_')

METHODS = {'gcd': gcd, 'gcd_': gcd_, 'lcm': lcm, 'lcm_': lcm_}
