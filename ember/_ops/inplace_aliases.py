"""Top-level forms of Tensor methods: ``ember.exp_(t)`` is ``t.exp_()`` (same definition,
looked up on Tensor at call time), plus fill, is_complex, is_signed, and the Tensor methods
cumsum_ / cumprod_.

>>> t = ember.tensor([0., 1.])
>>> ember.exp_(t) is t, t
(True, tensor([1.0000, 2.7183]))
"""
from ._base import Tensor, wrap, xp_of, as_tensor_arg
from .binary import where
from ._elementwise import inplace_method, need_tensor
from .cumulative import cumsum, cumprod
from ._inplace_examples import EXAMPLES

_METHOD_FORMS = (
    'abs_', 'acos_', 'acosh_', 'asin_', 'asinh_', 'atan_', 'atanh_', 'arccos_', 'arccosh_',
    'arcsin_', 'arcsinh_', 'arctan_', 'arctanh_', 'ceil_', 'clamp_', 'clamp_max_', 'clamp_min_',
    'clip_', 'cos_', 'cosh_', 'erf_', 'erfc_', 'exp2_', 'exp_', 'expm1_', 'fill_', 'fix_',
    'floor_', 'frac_', 'i0_', 'log10_', 'log1p_', 'log2_', 'log_', 'logit_', 'nan_to_num_',
    'neg_', 'negative_', 'reciprocal_', 'round_', 'rsqrt_', 'sigmoid_', 'sin_', 'sinc_',
    'sinh_', 'sqrt_', 'square_', 'tan_', 'tanh_', 'trunc_', 'xlogy_', 'zero_', 'detach',
    'detach_', 'addmv_', 'is_signed')


# forms whose method has no entry in EXAMPLES (not in-place math, or not a ``_`` method)
_OWN_EXAMPLES = {
    'fill_': ('[1., 2.]', '5.', 'tensor([5., 5.])'),
    'zero_': ('[1., 2.]', '', 'tensor([0., 0.])'),
    'detach': ('[1.], requires_grad=True', '', 'tensor([1.])'),
    'detach_': ('[1.], requires_grad=True', '', 'tensor([1.])'),
    'is_signed': ('[1], dtype=ember.uint8', '', 'False'),
}


def _method_form(name):
    def fn(input, *args, **kwargs):
        need_tensor(input, name, 'input', 1)
        return getattr(Tensor, name)(input, *args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f'``ember.{name}(t, ...)`` is ``t.{name}(...)``; see ``Tensor.{name}``.\n'
    example = EXAMPLES.get(name) or _OWN_EXAMPLES.get(name)
    if example is not None:                 # the method's example, in the function form
        data, args, printed = example
        call = f'ember.{name}(ember.tensor({data}){", " + args if args else ""})'
        fn.__doc__ += f'\n    >>> {call}\n    ' + printed.replace('\n', '\n    ') + '\n    '
    return fn


for _name in _METHOD_FORMS:
    globals()[_name] = _method_form(_name)
del _name


def fill(input, value):
    """A new tensor of ``input``'s shape and dtype filled with ``value`` (out-of-place
    ``fill_``; differentiable in a tensor ``value``).

    >>> ember.fill(ember.tensor([1., 2.]), 7)
    tensor([7., 7.])
    """
    need_tensor(input, 'fill', 'input', 1)
    x = input._data
    fill_value = as_tensor_arg(value, input).to(input.dtype)
    # like PyTorch: the result is on the graph of both, with a zero gradient for ``input``
    return where(wrap(xp_of(x).ones(x.shape, bool)), fill_value, input)


def is_complex(input):
    """Whether ``input`` has a complex dtype: ember has none, so always False.

    >>> ember.is_complex(ember.tensor([1.]))
    False
    """
    need_tensor(input, 'is_complex', 'input', 1)
    return False


__all__ = list(_METHOD_FORMS) + ['fill', 'is_complex']
METHODS = {'cumsum_': inplace_method(cumsum, 'cumsum_'),
           'cumprod_': inplace_method(cumprod, 'cumprod_')}
