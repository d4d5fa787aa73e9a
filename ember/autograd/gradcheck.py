"""Finite-difference checks of backward formulas (use float64 inputs).

>>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
>>> ember.autograd.gradcheck(ember.sin, (x,))
True
"""
import numpy as np


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients differ."""


def _tuple(x):
    from .._tensor import Tensor
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _numerical_jacobian(fn, inputs, i, eps):
    """Columns d(outputs)/d(inputs[i][j]) by central differences."""
    data = inputs[i]._data
    cols = []
    for j in range(data.size):
        idx = np.unravel_index(j, data.shape)
        orig = data[idx]
        data[idx] = orig + eps
        plus = [o._data.astype(np.float64).ravel().copy() for o in _tuple(fn(*inputs))]
        data[idx] = orig - eps
        minus = [o._data.astype(np.float64).ravel().copy() for o in _tuple(fn(*inputs))]
        data[idx] = orig
        cols.append(np.concatenate([(p - m) / (2 * eps) for p, m in zip(plus, minus)]))
    return np.stack(cols, axis=1) if cols else np.zeros((0, 0))


def _analytical_jacobian(fn, inputs, diff_idx):
    from . import grad
    outs = list(_tuple(fn(*inputs)))
    sizes = [o._data.size for o in outs]
    total = sum(sizes)
    jac = {i: np.zeros((total, inputs[i]._data.size)) for i in diff_idx}
    row = 0
    for o, n in zip(outs, sizes):
        for k in range(n):
            if not o._rg:
                row += 1
                continue
            go = np.zeros(o._data.shape, o._data.dtype)
            go.reshape(-1)[k] = 1
            from .._tensor import _make
            gs = grad([o], [inputs[i] for i in diff_idx], [_make(go)], retain_graph=True,
                      allow_unused=True)
            for i, g in zip(diff_idx, gs):
                if g is not None:
                    jac[i][row] = g._data.astype(np.float64).ravel()
            row += 1
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """Compare autograd's gradients of ``func`` at ``inputs`` with finite differences.

    Returns True, or raises GradcheckError (or returns False when raise_exception=False).

    >>> x = ember.tensor([0.5, 1.5], dtype=ember.float64, requires_grad=True)
    >>> ember.autograd.gradcheck(ember.sin, (x,))
    True
    """
    inputs = _tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if getattr(x, '_rg', False)]
    for i in diff_idx:
        if inputs[i]._data.dtype != np.float64:
            import warnings
            warnings.warn('Input #%d requires gradient and is not a double precision floating '
                          'point. This check will likely fail if all the inputs are not of '
                          'double precision floating point. ' % i)
    analytical = _analytical_jacobian(func, inputs, diff_idx)
    for i in diff_idx:
        num = _numerical_jacobian(func, inputs, i, eps)
        ana = analytical[i]
        if num.shape != ana.shape or not np.allclose(ana, num, rtol=rtol, atol=atol):
            msg = (f'Jacobian mismatch for output 0 with respect to input {i},\n'
                   f'numerical:{num}\nanalytical:{ana}\n')
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """Check second derivatives: gradcheck of the function ``inputs -> grad(func(inputs))``.

    >>> x = ember.tensor([0.5, 1.5], dtype=ember.float64, requires_grad=True)
    >>> ember.autograd.gradgradcheck(ember.sin, (x,))
    True
    """
    from . import grad
    from .._tensor import _make
    inputs = _tuple(inputs)
    outs = _tuple(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(_make(rng.standard_normal(o._data.shape)).requires_grad_()
                             for o in outs)
    grad_outputs = _tuple(grad_outputs)
    n = len(inputs)

    def first_grads(*args):
        ins, gos = args[:n], args[n:]
        o = _tuple(func(*ins))
        d = [x for x in ins if getattr(x, '_rg', False)]
        gs = grad(o, d, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
