"""Activation layers: ``ReLU``, ``GELU``, ``Softmax`` and the rest of
``torch.nn.modules.activation`` (the math lives in ``ember._ops.nn_activation``).

>>> ember.nn.LeakyReLU(0.2)
LeakyReLU(negative_slope=0.2)
>>> ember.nn.Softmax(dim=1)(ember.tensor([[1., 1.]]))
tensor([[0.5000, 0.5000]])
"""
import warnings

from ... import empty
from .. import functional as F
from ..._ops.pointwise import sigmoid as _sigmoid, tanh as _tanh
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ['Threshold', 'ReLU', 'RReLU', 'Hardtanh', 'ReLU6', 'Sigmoid', 'Hardsigmoid', 'Tanh',
           'SiLU', 'Mish', 'Hardswish', 'ELU', 'CELU', 'SELU', 'GLU', 'GELU', 'Hardshrink',
           'LeakyReLU', 'LogSigmoid', 'Softplus', 'Softshrink', 'PReLU', 'Softsign',
           'Tanhshrink', 'Softmin', 'Softmax', 'Softmax2d', 'LogSoftmax']


def _inplace_repr(inplace, lead=''):
    if not inplace:
        return lead
    return f'{lead}, inplace=True' if lead else 'inplace=True'


class _InplaceModule(Module):
    """An activation whose only option is ``inplace`` (shown by ``repr`` when True)."""
    __constants__ = ['inplace']

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class Threshold(Module):
    """``value`` where ``input <= threshold``, else ``input``.

    >>> ember.nn.Threshold(0.1, 20)(ember.tensor([0., 1.]))
    tensor([20.,  1.])
    """
    __constants__ = ['threshold', 'value', 'inplace']

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace, f'threshold={self.threshold}, value={self.value}')


class ReLU(_InplaceModule):
    """``max(0, x)`` elementwise.

    >>> ember.nn.ReLU()(ember.tensor([-1., 2.]))
    tensor([0., 2.])
    """

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)


class RReLU(Module):
    """Randomized leaky ReLU: random negative slopes in ``[lower, upper]`` while training,
    their mean in eval mode.

    >>> ember.nn.RReLU().eval()(ember.tensor([-3., 2.]))
    tensor([-0.6875,  2.0000])
    """
    __constants__ = ['lower', 'upper', 'inplace']

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace, f'lower={self.lower}, upper={self.upper}')


class Hardtanh(Module):
    """Clamp to ``[min_val, max_val]``.

    >>> ember.nn.Hardtanh(-2., 2.)
    Hardtanh(min_val=-2.0, max_val=2.0)
    """
    __constants__ = ['min_val', 'max_val', 'inplace']

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None,
                 max_value=None):
        super().__init__()
        if min_value is not None:
            warnings.warn('keyword argument `min_value` is deprecated and renamed to `min_val`',
                          FutureWarning, stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn('keyword argument `max_value` is deprecated and renamed to `max_val`',
                          FutureWarning, stacklevel=2)
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(f'max_val ({self.max_val}) must be greater than min_val '
                                 f'({self.min_val})')

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace, f'min_val={self.min_val}, max_val={self.max_val}')


class ReLU6(Hardtanh):
    """``min(max(0, x), 6)``.

    >>> ember.nn.ReLU6()(ember.tensor([-1., 7.]))
    tensor([0., 6.])
    """

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class Sigmoid(Module):
    """``1 / (1 + exp(-x))``.

    >>> ember.nn.Sigmoid()(ember.tensor([0.]))
    tensor([0.5000])
    """

    def forward(self, input):
        return _sigmoid(input)


class Hardsigmoid(_InplaceModule):
    """``relu6(x + 3) / 6``.

    >>> ember.nn.Hardsigmoid()(ember.tensor([0.]))
    tensor([0.5000])
    """

    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)

    def extra_repr(self):            # PyTorch does not show inplace here
        return ''


class Tanh(Module):
    """Hyperbolic tangent.

    >>> ember.nn.Tanh()(ember.tensor([0.]))
    tensor([0.])
    """

    def forward(self, input):
        return _tanh(input)


class SiLU(_InplaceModule):
    """``x * sigmoid(x)``.

    >>> ember.nn.SiLU()(ember.tensor([1.]))
    tensor([0.7311])
    """

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)


class Mish(_InplaceModule):
    """``x * tanh(softplus(x))``.

    >>> ember.nn.Mish()(ember.tensor([1.]))
    tensor([0.8651])
    """

    def forward(self, input):
        return F.mish(input, inplace=self.inplace)


class Hardswish(_InplaceModule):
    """``x * relu6(x + 3) / 6``.

    >>> ember.nn.Hardswish()(ember.tensor([1.]))
    tensor([0.6667])
    """

    def forward(self, input):
        return F.hardswish(input, self.inplace)

    def extra_repr(self):            # PyTorch does not show inplace here
        return ''


class ELU(Module):
    """``x`` where positive, else ``alpha * (exp(x) - 1)``.

    >>> ember.nn.ELU(alpha=0.5)
    ELU(alpha=0.5)
    """
    __constants__ = ['alpha', 'inplace']

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace, f'alpha={self.alpha}')


class CELU(Module):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    >>> ember.nn.CELU()
    CELU(alpha=1.0)
    """
    __constants__ = ['alpha', 'inplace']

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace, f'alpha={self.alpha}')


class SELU(_InplaceModule):
    """Self-normalising ELU (fixed ``alpha`` and ``scale``).

    >>> ember.nn.SELU()(ember.tensor([1.]))
    tensor([1.0507])
    """

    def forward(self, input):
        return F.selu(input, self.inplace)


class GLU(Module):
    """Gated linear unit over ``dim``: ``a * sigmoid(b)`` for the two halves ``a, b``.

    >>> ember.nn.GLU()(ember.tensor([1., 0.]))
    tensor([0.5000])
    """
    __constants__ = ['dim']

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f'dim={self.dim}'


class GELU(Module):
    """``x * Phi(x)``; ``approximate='tanh'`` for the tanh approximation.

    >>> ember.nn.GELU()
    GELU(approximate='none')
    """
    __constants__ = ['approximate']

    def __init__(self, approximate='none'):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f'approximate={self.approximate!r}'


class Hardshrink(Module):
    """``0`` where ``|x| <= lambd``, else ``x``.

    >>> ember.nn.Hardshrink()
    Hardshrink(0.5)
    """
    __constants__ = ['lambd']

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.hardshrink(input, self.lambd)

    def extra_repr(self):
        return f'{self.lambd}'


class LeakyReLU(Module):
    """``x`` where positive, else ``negative_slope * x``.

    >>> ember.nn.LeakyReLU()
    LeakyReLU(negative_slope=0.01)
    """
    __constants__ = ['inplace', 'negative_slope']

    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace, f'negative_slope={self.negative_slope}')


class LogSigmoid(Module):
    """``log(sigmoid(x))``.

    >>> ember.nn.LogSigmoid()(ember.tensor([0.]))
    tensor([-0.6931])
    """

    def forward(self, input):
        return F.logsigmoid(input)


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta`` (linear above ``threshold``).

    >>> ember.nn.Softplus()
    Softplus(beta=1.0, threshold=20.0)
    """
    __constants__ = ['beta', 'threshold']

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f'beta={self.beta}, threshold={self.threshold}'


class Softshrink(Module):
    """Shrink toward zero by ``lambd``.

    >>> ember.nn.Softshrink(1.)
    Softshrink(1.0)
    """
    __constants__ = ['lambd']

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.softshrink(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class PReLU(Module):
    """Leaky ReLU with a learnable slope (one, or one per channel), initialised to ``init``.

    >>> m = ember.nn.PReLU(3)
    >>> m
    PReLU(num_parameters=3)
    >>> m.weight
    Parameter containing:
    tensor([0.2500, 0.2500, 0.2500], requires_grad=True)
    """
    __constants__ = ['num_parameters']

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        """Fill the weight with ``init`` (draws no random numbers)."""
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f'num_parameters={self.num_parameters}'


class Softsign(Module):
    """``x / (1 + |x|)``.

    >>> ember.nn.Softsign()(ember.tensor([1.]))
    tensor([0.5000])
    """

    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    """``x - tanh(x)``.

    >>> ember.nn.Tanhshrink()(ember.tensor([0.]))
    tensor([0.])
    """

    def forward(self, input):
        return F.tanhshrink(input)


class _SoftmaxBase(Module):
    __constants__ = ['dim']

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, 'dim'):
            self.dim = None

    def extra_repr(self):
        return f'dim={self.dim}'


class Softmin(_SoftmaxBase):
    """``softmax(-x)`` over ``dim``.

    >>> ember.nn.Softmin(dim=0)(ember.tensor([0., 0.]))
    tensor([0.5000, 0.5000])
    """

    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)


class Softmax(_SoftmaxBase):
    """``exp(x) / exp(x).sum(dim)``.

    >>> ember.nn.Softmax(dim=1)
    Softmax(dim=1)
    """

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)


class Softmax2d(Module):
    """Softmax over the channels of a ``(N, C, H, W)`` or ``(C, H, W)`` input.

    >>> ember.nn.Softmax2d()(ember.zeros(2, 1, 1)).flatten()
    tensor([0.5000, 0.5000])
    """

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f'Softmax2d: expected input to be 3D or 4D, got {input.dim()}D '
                             f'instead (shape {list(input.shape)}; Softmax2d expects (N, C, H, '
                             'W) or (C, H, W))')
        return F.softmax(input, -3, _stacklevel=5)


class LogSoftmax(_SoftmaxBase):
    """``log(softmax(x))`` over ``dim``, computed stably.

    >>> ember.nn.LogSoftmax(dim=0)(ember.tensor([0., 0.]))
    tensor([-0.6931, -0.6931])
    """

    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)
