"""``LBFGS``: limited-memory BFGS over all parameters flattened into one vector.

``step(closure)`` runs up to ``max_iter`` quasi-Newton iterations, each re-evaluating the
closure (several times per step; with ``line_search_fn='strong_wolfe'`` a strong-Wolfe line
search picks the step length).

>>> w = ember.nn.Parameter(ember.tensor([1.0, -2.0]))
>>> opt = ember.optim.LBFGS([w])
>>> def closure():
...     opt.zero_grad(); loss = ((w - 3) ** 2).sum(); loss.backward(); return loss
>>> _ = opt.step(closure); w
Parameter containing:
tensor([3.0000, 3.0000], requires_grad=True)
"""
import numpy as np

from .optimizer import Optimizer
from ._functional import (bump_version, _as, _is_tensor, _lr_value)
from .._tensor import Tensor, _make
from .._ops._base import xp_of

__all__ = ['LBFGS']

# The algorithm works on backend arrays. Scalars (dot products, step lengths) are NumPy
# scalars of the parameters' dtype, which combine with Python numbers exactly as PyTorch's
# 0-d tensors do (a Python float takes the tensor's dtype); where PyTorch keeps a Python
# number (losses, ``t = lr``) so does this code, and the state holds the same types.


def _rdiv(num, den):
    """``num / den``; a number over a tensor is ``den.reciprocal() * num`` in PyTorch."""
    if isinstance(den, (np.generic, np.ndarray)) or hasattr(den, '__cuda_array_interface__'):
        return np.reciprocal(den) * num
    return num / den


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimizer of the cubic through ``(x1, f1, g1)`` and ``(x2, f2, g2)``, within bounds.

    >>> float(_cubic_interpolate(0.0, 1.0, np.float64(-2.0), 1.0, 1.0, np.float64(2.0)))
    0.5
    """
    if bounds is None:
        lo, hi = (x1, x2) if x1 <= x2 else (x2, x1)
    else:
        lo, hi = bounds
    d1 = g1 + g2 - _rdiv(3 * (f1 - f2), x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(pos, lo), hi)


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                  max_ls=25):
    """Line search for a step ``t`` along ``d`` meeting the strong Wolfe conditions.

    ``obj_func(x, t, d) -> (loss, flat_grad)`` evaluates at ``x + t * d``. Returns
    ``(f_new, g_new, t, evaluations)``. Bracketing phase, then zoom by cubic interpolation.
    """
    d_norm = np.abs(d).max()
    f_new, g_new = obj_func(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        # sufficient decrease fails (or no progress): the minimum is bracketed
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:       # strong curvature condition holds: done
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:                    # the slope turned: bracketed
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        # extrapolate
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        t_prev, t = t, _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                                          bounds=(min_step, max_step))
        f_prev, g_prev, gtd_prev = f_new, g_new, gtd_new
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom: shrink the bracket until a point meets the conditions
    insuf_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        # keep away from the bracket's ends unless the last step made progress
        top, bottom = max(bracket), min(bracket)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:
            if insuf_progress or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new
            bracket_g[low], bracket_gtd[low] = g_new, gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


def _unwrap(v):
    """State value -> working value (tensors to arrays, 0-d ones to NumPy scalars)."""
    if isinstance(v, Tensor):
        a = v._data
        return a[()] if a.ndim == 0 and a.__class__ is np.ndarray else a
    if isinstance(v, list):
        return [_unwrap(x) for x in v]
    return v


def _wrap(v):
    """Working value -> state value (arrays and NumPy scalars become tensors)."""
    if isinstance(v, (np.ndarray, np.generic)) or hasattr(v, '__cuda_array_interface__'):
        return _make(v)
    if isinstance(v, list):
        return [_wrap(x) for x in v]
    return v


class LBFGS(Optimizer):
    """L-BFGS as PyTorch (after minFunc): one parameter group; the state lives on the first
    parameter (``func_evals``, ``n_iter``, ``d``, ``t``, ``old_dirs``, ``old_stps``, ``ro``,
    ``H_diag``, ``prev_flat_grad``, ``prev_loss``, ``al``).

    ``max_eval`` defaults to ``max_iter * 5 // 4``; ``line_search_fn`` is None (fixed step
    ``lr``) or ``'strong_wolfe'``.

    >>> ember.optim.LBFGS([ember.nn.Parameter(ember.ones(1))]).defaults['max_eval']
    25
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError('Tensor lr must be 1-element')
        if not 0.0 <= lr:
            raise ValueError(f'Invalid learning rate: {lr}')
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                        history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]['params']
        self._numel_cache = None

    def _numel(self):
        if self._numel_cache is None:
            self._numel_cache = sum(p.numel() for p in self._params)
        return self._numel_cache

    def _gather_flat_grad(self):
        parts = []
        for p in self._params:
            g = p.grad
            parts.append(np.zeros(p._data.size, p._data.dtype) if g is None
                         else g._data.reshape(-1))
        return xp_of(parts[0]).concatenate(parts)

    def _add_grad(self, step_size, update):
        offset = 0
        for p in self._params:
            x = p._data
            n = x.size
            tmp = np.multiply(update[offset:offset + n].reshape(x.shape),
                              _as(x.dtype.type, step_size))
            np.add(x, tmp, out=x)
            bump_version(p)
            offset += n
        if offset != self._numel():
            raise AssertionError(f'Expected offset {offset} to equal {self._numel()}')

    def _set_param(self, arrays):
        for p, a in zip(self._params, arrays):
            np.copyto(p._data, a)
            bump_version(p)

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        loss = float(self._closure_loss(closure))
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    def step(self, closure):
        """Run up to ``max_iter`` L-BFGS iterations; returns the closure's first loss.

        >>> w = ember.nn.Parameter(ember.tensor([0.0])); opt = ember.optim.LBFGS([w], max_iter=2)
        >>> def closure():
        ...     opt.zero_grad(); loss = ((w - 1) ** 2).sum(); loss.backward(); return loss
        >>> opt.step(closure)
        tensor(1., grad_fn=<SumBackward0>)
        """
        group = self.param_groups[0]
        lr = _lr_value(group['lr'])
        max_iter, max_eval = group['max_iter'], group['max_eval']
        tolerance_grad, tolerance_change = group['tolerance_grad'], group['tolerance_change']
        line_search_fn, history_size = group['line_search_fn'], group['history_size']

        state = self.state[self._params[0]]
        state.setdefault('func_evals', 0)
        state.setdefault('n_iter', 0)

        orig_loss = self._closure_loss(closure)
        loss = float(orig_loss)
        current_evals = 1
        state['func_evals'] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:    # already optimal
            return orig_loss
        T = flat_grad.dtype.type

        d, t = _unwrap(state.get('d')), _unwrap(state.get('t'))
        old_dirs, old_stps = _unwrap(state.get('old_dirs')), _unwrap(state.get('old_stps'))
        ro, H_diag = _unwrap(state.get('ro')), _unwrap(state.get('H_diag'))
        prev_flat_grad, prev_loss = _unwrap(state.get('prev_flat_grad')), state.get('prev_loss')
        al = _unwrap(state.get('al'))
        tmp = None
        opt_cond = False

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state['n_iter'] += 1
            # ---- the descent direction
            if state['n_iter'] == 1:
                d = np.negative(flat_grad)
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = np.subtract(flat_grad, prev_flat_grad)
                s = np.multiply(d, _as(T, t))
                ys = y.dot(s)
                if ys > 1e-10:      # keep the pair only when the curvature is positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(_rdiv(1.0, ys))
                    H_diag = ys / y.dot(y)
                if al is None:      # created here, so the state keys keep PyTorch's order
                    al = state['al'] = [None] * history_size
                # two-loop recursion: d = -H * g
                tmp = np.empty_like(flat_grad) if tmp is None else tmp
                q = np.negative(flat_grad)
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    np.add(q, np.multiply(old_dirs[i], _as(T, -al[i]), out=tmp), out=q)
                d = r = np.multiply(q, H_diag)
                for i in range(len(old_dirs)):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    np.add(r, np.multiply(old_stps[i], _as(T, al[i] - be_i), out=tmp), out=r)
            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.copy()
            else:
                np.copyto(prev_flat_grad, flat_grad)
            prev_loss = loss
            # ---- the step length
            if state['n_iter'] == 1:
                t = min(1.0, _rdiv(1.0, np.abs(flat_grad).sum())) * lr
            else:
                t = lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:     # not a descent direction
                break
            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != 'strong_wolfe':
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p._data.copy() for p in self._params]

                def obj_func(x, t, d):
                    return self._directional_evaluate(closure, x, t, d)
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    obj_func, x_init, t, d, loss, flat_grad, gtd,
                    max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                if n_iter != max_iter:
                    loss = float(self._closure_loss(closure))
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state['func_evals'] += ls_func_evals
            # ---- stopping conditions
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(np.multiply(d, _as(T, t))).max() <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state['d'], state['t'] = _wrap(d), _wrap(t)
        state['old_dirs'], state['old_stps'] = _wrap(old_dirs), _wrap(old_stps)
        state['ro'], state['H_diag'] = _wrap(ro), _wrap(H_diag)
        state['prev_flat_grad'], state['prev_loss'] = _wrap(prev_flat_grad), prev_loss
        if al is not None:
            state['al'] = _wrap(al)
        return orig_loss
