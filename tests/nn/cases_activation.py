"""Module cases: every layer of nn.modules.activation (in-place forms run on ``x * 1`` so the
leaf input still gets a gradient; inputs keep away from the kinks)."""
import numpy as np

from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr


def _x(*shape, kinks=(0.0,), low=-3.0, high=3.0):
    def gen(rng, dt):
        a = arr(rng, shape, dt, low=low, high=high)
        for k in kinks:
            near = np.abs(a - k) < 0.06
            a[near] += 0.12
        return (a,)
    return gen


def _inplace(m, x):
    return m(x * 1)


def _case(name, build, inputs=None, desc='', **kw):
    return ModuleCase(name, build, inputs or _x(3, 4), desc=desc, **kw)


CASES = [
    _case('Threshold', lambda nn: nn.Threshold(0.1, 20.0), _x(3, 4, kinks=(0.1,))),
    _case('Threshold', lambda nn: nn.Threshold(0.1, 20.0, inplace=True), _x(3, 4, kinks=(0.1,)),
          desc='inplace', call=_inplace),
    _case('ReLU', lambda nn: nn.ReLU(), _x(2, 3, 4)),
    _case('ReLU', lambda nn: nn.ReLU(inplace=True), desc='inplace', call=_inplace),
    _case('RReLU', lambda nn: nn.RReLU(), _x(4, 5), random=True),
    _case('RReLU', lambda nn: nn.RReLU(0.1, 0.3, inplace=True), _x(4, 5), desc='inplace',
          random=True, call=_inplace),
    _case('Hardtanh', lambda nn: nn.Hardtanh(), _x(3, 4, kinks=(-1.0, 1.0))),
    _case('Hardtanh', lambda nn: nn.Hardtanh(-0.5, 2.0, inplace=True),
          _x(3, 4, kinks=(-0.5, 2.0)), desc='args-inplace', call=_inplace),
    _case('ReLU6', lambda nn: nn.ReLU6(), _x(3, 4, kinks=(0.0, 6.0), low=-2, high=8)),
    _case('ReLU6', lambda nn: nn.ReLU6(inplace=True), _x(3, 4, kinks=(0.0, 6.0), low=-2, high=8),
          desc='inplace', call=_inplace),
    _case('Sigmoid', lambda nn: nn.Sigmoid()),
    _case('Hardsigmoid', lambda nn: nn.Hardsigmoid(), _x(3, 4, kinks=(-3.0, 3.0), low=-5, high=5)),
    _case('Hardsigmoid', lambda nn: nn.Hardsigmoid(inplace=True),
          _x(3, 4, kinks=(-3.0, 3.0), low=-5, high=5), desc='inplace', call=_inplace),
    _case('Tanh', lambda nn: nn.Tanh()),
    _case('SiLU', lambda nn: nn.SiLU()),
    _case('SiLU', lambda nn: nn.SiLU(inplace=True), desc='inplace', call=_inplace),
    _case('Mish', lambda nn: nn.Mish()),
    _case('Mish', lambda nn: nn.Mish(inplace=True), desc='inplace', call=_inplace),
    _case('Hardswish', lambda nn: nn.Hardswish(), _x(3, 4, kinks=(-3.0, 3.0), low=-5, high=5)),
    _case('Hardswish', lambda nn: nn.Hardswish(inplace=True),
          _x(3, 4, kinks=(-3.0, 3.0), low=-5, high=5), desc='inplace', call=_inplace),
    _case('ELU', lambda nn: nn.ELU()),
    _case('ELU', lambda nn: nn.ELU(alpha=0.5, inplace=True), desc='inplace', call=_inplace),
    _case('CELU', lambda nn: nn.CELU(alpha=2.0)),
    _case('CELU', lambda nn: nn.CELU(inplace=True), desc='inplace', call=_inplace),
    _case('SELU', lambda nn: nn.SELU()),
    _case('SELU', lambda nn: nn.SELU(inplace=True), desc='inplace', call=_inplace),
    _case('GLU', lambda nn: nn.GLU(), _x(3, 4)),
    _case('GLU', lambda nn: nn.GLU(dim=0), _x(4, 3), desc='dim0'),
    _case('GELU', lambda nn: nn.GELU()),
    _case('GELU', lambda nn: nn.GELU(approximate='tanh'), desc='tanh'),
    _case('Hardshrink', lambda nn: nn.Hardshrink(), _x(3, 4, kinks=(-0.5, 0.5))),
    _case('Hardshrink', lambda nn: nn.Hardshrink(1.0), _x(3, 4, kinks=(-1.0, 1.0)), desc='1.0'),
    _case('LeakyReLU', lambda nn: nn.LeakyReLU()),
    _case('LeakyReLU', lambda nn: nn.LeakyReLU(0.2, inplace=True), desc='inplace',
          call=_inplace),
    _case('LogSigmoid', lambda nn: nn.LogSigmoid()),
    _case('Softplus', lambda nn: nn.Softplus()),
    _case('Softplus', lambda nn: nn.Softplus(beta=2.0, threshold=3.0), _x(3, 4, kinks=(1.5,)),
          desc='args'),
    _case('Softshrink', lambda nn: nn.Softshrink(), _x(3, 4, kinks=(-0.5, 0.5))),
    _case('Softshrink', lambda nn: nn.Softshrink(1), _x(3, 4, kinks=(-1.0, 1.0)), desc='int'),
    _case('PReLU', lambda nn: nn.PReLU(), _x(2, 3, 4)),
    _case('PReLU', lambda nn: nn.PReLU(3, init=0.1), _x(2, 3, 4), desc='channels'),
    _case('PReLU', lambda nn: nn.PReLU(3), _x(2, 3, 2, 2), desc='4d'),
    _case('Softsign', lambda nn: nn.Softsign()),
    _case('Tanhshrink', lambda nn: nn.Tanhshrink()),
    _case('Softmin', lambda nn: nn.Softmin(dim=1)),
    _case('Softmax', lambda nn: nn.Softmax(dim=1)),
    _case('Softmax', lambda nn: nn.Softmax(dim=-1), _x(2, 3, 5), desc='last'),
    _case('Softmax', lambda nn: nn.Softmax(0), _x(4, 3), desc='dim0'),
    _case('Softmax2d', lambda nn: nn.Softmax2d(), _x(2, 3, 2, 2)),
    _case('Softmax2d', lambda nn: nn.Softmax2d(), _x(3, 2, 2), desc='3d'),
    _case('LogSoftmax', lambda nn: nn.LogSoftmax(dim=1)),
    _case('LogSoftmax', lambda nn: nn.LogSoftmax(dim=0), _x(4, 3), desc='dim0'),
]
