"""NumPy kernels that draw random numbers exactly as PyTorch 2.13 does on CPU.

Every function takes an :class:`ember.random.Generator` and returns a new
C-ordered NumPy array. The rules (which words are drawn, in which order, and
the exact floating-point arithmetic) are those of ``shared/spec/rng.md``; the
section numbers in the comments refer to it. Values are produced in the order
PyTorch fills the output, which is C order for contiguous tensors (memory
order for a non-contiguous one: the caller scatters them).

``CAPABILITY`` selects which PyTorch CPU kernels to emulate: ``'avx2'`` (the
default; what every x86 CPU since 2013 runs, AVX512 included) or
``'default'`` (PyTorch started with ``ATEN_CPU_CAPABILITY=default``: no fused
multiply-add). See spec section 3. Set it on this package; the kernels read it
at each call.

The kernels live by family: :mod:`.fma` (fused multiply-add emulation),
:mod:`.continuous` (uniform, exponential, log-normal, Cauchy), :mod:`.normal`,
:mod:`.integers` (randint, random_, randperm) and :mod:`.discrete` (Bernoulli,
dropout, geometric, Poisson, multinomial).

Example::

    >>> from ember.random import Generator
    >>> normal(Generator().manual_seed(0), (3,), 'float32')
    array([ 1.5409961, -0.2934289, -2.1787894], dtype=float32)
"""

__all__ = ['CAPABILITY', 'fma32', 'fma64', 'uniform', 'normal', 'normal_tensor', 'randint',
           'random_', 'randperm', 'bernoulli_scalar', 'bernoulli_tensor', 'dropout_mask',
           'exponential', 'geometric', 'log_normal', 'cauchy', 'poisson', 'multinomial']

CAPABILITY = 'avx2'

from ._common import _float_digits                                  # noqa: E402,F401
from .fma import fma32, fma64                                               # noqa: E402
from .normal import normal, normal_tensor                                   # noqa: E402
from .continuous import uniform, exponential, log_normal, cauchy            # noqa: E402
from .integers import randint, random_, randperm                            # noqa: E402
from .discrete import (bernoulli_scalar, bernoulli_tensor, dropout_mask,    # noqa: E402
                       geometric, poisson, multinomial)
