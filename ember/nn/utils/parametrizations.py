"""``parametrizations``: weight normalization, spectral normalization and orthogonal matrices
written as parametrizations (``torch.nn.utils.parametrizations``), on top of
:mod:`ember.nn.utils.parametrize`.

Each function registers a small module (``_WeightNorm``, ``_SpectralNorm``, ``_Orthogonal``) on
``module.parametrizations.<name>``; the module's class becomes ``Parametrized<Class>`` and
``module.<name>`` is recomputed from the stored originals on every access.

>>> m = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(3, 2))
>>> [n for n, _ in m.named_parameters()]
['bias', 'parametrizations.weight.original0', 'parametrizations.weight.original1']
"""
import math
from enum import Enum, auto
from fractions import Fraction

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..modules.module import Module
from . import parametrize
from .weight_norm import _norm_except_dim, _weight_norm

__all__ = ['orthogonal', 'spectral_norm', 'weight_norm']


def _ember():
    import ember
    return ember


# ------------------------------------------------------------------ matrix functions
# ``matrix_exp`` and ``householder_product`` written with ember's differentiable ops (matmul,
# linalg.solve, indexing), so gradients and higher-order gradients come from their backwards.

def _pade_coefficients(m):
    # b_j = (2m - j)! m! / ((2m)! j! (m - j)!), scaled so that b_m = 1
    c = [Fraction(math.factorial(2 * m - j) * math.factorial(m),
                  math.factorial(2 * m) * math.factorial(j) * math.factorial(m - j))
         for j in range(m + 1)]
    return tuple(float(x / c[m]) for x in c)


# (degree, largest 1-norm for which the [m/m] Pade approximant is accurate to double precision)
_PADE = tuple((m, theta, _pade_coefficients(m)) for m, theta in (
    (3, 1.495585217958292e-2), (5, 2.539398330063230e-1), (7, 9.504178996162932e-1),
    (9, 2.097847961257068e0), (13, 5.371920351148152e0)))


def _matrix_exp(A):
    """``exp(A)`` of a (batch of) square matrices: scaling and squaring with a Pade approximant
    (Higham 2005), differentiable through ember's ops."""
    ember = _ember()
    n = A.size(-1)
    norm1 = float(A.detach().abs().sum(-2).amax()) if A.numel() else 0.0  # max 1-norm
    for m, theta, b in _PADE:
        if norm1 <= theta:
            s = 0
            break
    else:
        s = max(0, math.ceil(math.log2(norm1 / theta)))
    if s:
        A = A / (2.0 ** s)
    eye = ember.eye(n, dtype=A.dtype, device=A.device)
    A2 = A @ A
    if m == 13:
        A4 = A2 @ A2
        A6 = A4 @ A2
        U = A @ (A6 @ (b[13] * A6 + b[11] * A4 + b[9] * A2)
                 + b[7] * A6 + b[5] * A4 + b[3] * A2 + b[1] * eye)
        V = A6 @ (b[12] * A6 + b[10] * A4 + b[8] * A2) + b[6] * A6 + b[4] * A4 + b[2] * A2 \
            + b[0] * eye
    else:
        powers = [eye, A2]
        for _ in range(2, m // 2 + 1):
            powers.append(powers[-1] @ A2)
        odd = b[1] * eye
        even = b[0] * eye
        for j in range(1, m // 2 + 1):
            odd = odd + b[2 * j + 1] * powers[j]
            even = even + b[2 * j] * powers[j]
        U = A @ odd
        V = even
    R = ember.linalg.solve(V - U, V + U)
    for _ in range(s):
        R = R @ R
    return R


def _householder_product(A, tau):
    """``H_1 H_2 ... H_k`` (first ``k`` columns) with ``H_i = I - tau_i v_i v_i^T`` and ``v_i`` the
    ``i``-th column of ``A`` below the diagonal with a unit diagonal entry
    (``torch.linalg.householder_product``), differentiable through ember's ops."""
    ember = _ember()
    n, k = A.size(-2), A.size(-1)
    eye = ember.eye(n, k, dtype=A.dtype, device=A.device)
    V = A.tril(-1) + eye
    Vt = V * tau.unsqueeze(-2)
    VT = V.mT
    Q = eye.expand(*A.shape[:-2], n, k)
    for i in range(k - 1, -1, -1):
        Q = Q - Vt[..., :, i:i + 1] @ (VT[..., i:i + 1, :] @ Q)
    return Q


def _geqrf(A):
    """LAPACK ``geqrf`` of a (batch of) matrices on the backend (no gradient): the reflectors below
    the diagonal, R on and above it, and ``tau``."""
    from ..._tensor import _make
    from ..._device import xp_of
    data = A._data
    xp = xp_of(data)
    h, tau = xp.linalg.qr(data, mode='raw')
    return _make(xp.ascontiguousarray(xp.swapaxes(h, -1, -2))), _make(tau)


def _is_orthogonal(Q, eps=None):
    ember = _ember()
    n, k = Q.size(-2), Q.size(-1)
    Id = ember.eye(k, dtype=Q.dtype, device=Q.device)
    eps = 10.0 * n * ember.finfo(Q.dtype).eps
    return ember.allclose(Q.mH @ Q, Id, atol=eps)


def _make_orthogonal(A):
    """The Q factor of a tall ``A = QR`` whose ``R`` has a non-negative diagonal."""
    X, tau = _geqrf(A)
    Q = _householder_product(X, tau)
    return Q * X.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


# ------------------------------------------------------------------ orthogonal
class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    """The parametrization behind :func:`orthogonal`.

    >>> _Orthogonal(ember.eye(2), _OrthMaps.cayley)
    _Orthogonal()
    """

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError('The householder parametrization does not support complex tensors.')
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer('base', None)

    def forward(self, X):
        ember = _ember()
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:
                X = ember.cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mH
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = _matrix_exp(A)
            else:
                Id = ember.eye(n, dtype=A.dtype, device=A.device)
                Q = ember.linalg.solve(Id - 0.5 * A, Id + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            # the diagonal of X holds the signs +-1; no gradient flows to it
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, 'base'):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q):
        with no_grad():
            return self._right_inverse(Q)

    def _right_inverse(self, Q):
        ember = _ember()
        if Q.shape != self.shape:
            raise ValueError(f'Expected a matrix or batch of matrices of shape {self.shape}. '
                             f'Got a tensor of shape {Q.shape}.')
        Q_init = Q
        n, k = Q.size(-2), Q.size(-1)
        transpose = n < k
        if transpose:
            Q = Q.mT
            n, k = k, n
        if not hasattr(self, 'base'):
            if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                raise NotImplementedError('It is not possible to assign to the matrix exponential '
                                          'or the Cayley parametrizations when '
                                          'use_trivialization=False.')
            A, tau = _geqrf(Q)
            # keep the signs of diag(R) on the diagonal (flipped where no reflection was used)
            d = A.diagonal(dim1=-2, dim2=-1)
            d.sign_()
            flip = (tau == 0.0)
            if bool(flip.any()):
                d.copy_(ember.where(flip, -d, d))
            return A.mT if transpose else A
        if n == k:
            Q = _make_orthogonal(Q) if not _is_orthogonal(Q) else Q.clone()
        else:
            N = ember.randn(*(Q.size()[:-2] + (n, n - k)), dtype=Q.dtype, device=Q.device)
            Q = _make_orthogonal(ember.cat([Q, N], dim=-1))
        self.base = Q
        neg_Id = ember.zeros_like(Q_init)
        neg_Id.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_Id


def orthogonal(module, name='weight', orthogonal_map=None, *, use_trivialization=True):
    """Make ``module.<name>`` an orthogonal matrix (orthonormal columns if tall, rows if wide),
    or a batch of them.

    ``orthogonal_map``: ``"matrix_exp"`` (default for square), ``"cayley"`` or ``"householder"``
    (default otherwise). With ``use_trivialization=True`` the current orthogonal point is kept in
    ``module.parametrizations.<name>[0].base``.

    >>> m = ember.nn.utils.parametrizations.orthogonal(ember.nn.Linear(3, 3))
    >>> bool(ember.allclose(m.weight @ m.weight.T, ember.eye(3), atol=1e-5))
    True
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError('Expected a matrix or batch of matrices. '
                         f'Got a tensor of {weight.ndim} dimensions. (orthogonal needs a weight '
                         f'of shape (..., m, n); {name} has shape {tuple(weight.shape)})')
    if orthogonal_map is None:
        orthogonal_map = ('matrix_exp' if weight.size(-2) == weight.size(-1)
                          or weight.is_complex() else 'householder')
    orth_enum = getattr(_OrthMaps, orthogonal_map, None) \
        if isinstance(orthogonal_map, str) else None
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f'Got: {orthogonal_map}')
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


# ------------------------------------------------------------------ weight norm
class _WeightNorm(Module):
    """The parametrization behind :func:`weight_norm`: ``(g, v) -> g * v / ||v||``.

    >>> _WeightNorm(None).dim
    -1
    """

    def __init__(self, dim=0):
        super().__init__()
        if dim is None:
            dim = -1
        self.dim = dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return _norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name='weight', dim=0):
    """Reparametrize ``module.<name>`` as ``g * v / ||v||``: ``g`` (the norms, stored as
    ``parametrizations.<name>.original0``) and ``v`` (the direction, ``original1``).

    ``dim`` keeps its own norm; ``dim=None`` uses one norm for the whole tensor. Old
    ``<name>_g``/``<name>_v`` state dicts still load.

    >>> m = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(4, 2))
    >>> m.parametrizations.weight.original0.shape
    torch.Size([2, 1])
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(state_dict, prefix, local_metadata, strict, missing_keys,
                                 unexpected_keys, error_msgs):
        g_key = f'{prefix}{name}_g'
        v_key = f'{prefix}{name}_v'
        if g_key in state_dict and v_key in state_dict:
            original0 = state_dict.pop(g_key)
            original1 = state_dict.pop(v_key)
            state_dict[f'{prefix}parametrizations.{name}.original0'] = original0
            state_dict[f'{prefix}parametrizations.{name}.original1'] = original1

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


# ------------------------------------------------------------------ spectral norm
class _SpectralNorm(Module):
    """The parametrization behind :func:`spectral_norm`: ``W -> W / sigma(W)`` with ``sigma``
    estimated by power iteration on the buffers ``_u`` and ``_v``.

    >>> _ = ember.manual_seed(0)
    >>> _SpectralNorm(ember.eye(2))._u.shape
    torch.Size([2])
    """

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f'Dimension out of range (expected to be in range of '
                             f'[-{ndim}, {ndim - 1}] but got {dim})')
        if n_power_iterations <= 0:
            raise ValueError('Expected n_power_iterations to be positive, but got '
                             f'n_power_iterations={n_power_iterations}')
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            F = _ember().nn.functional
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            with no_grad():
                u = weight_mat.new_empty(h).normal_(0, 1)
                v = weight_mat.new_empty(w).normal_(0, 1)
                self.register_buffer('_u', F.normalize(u, dim=0, eps=self.eps))
                self.register_buffer('_v', F.normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if weight.ndim <= 1:
            raise AssertionError(f'Expected weight to have more than 1 dimension, got '
                                 f'{weight.ndim}')
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        # u and v are updated in place (they are buffers), then cloned by forward
        ember = _ember()
        F = ember.nn.functional
        with no_grad():
            weight_mat = weight_mat.detach()
            for _ in range(n_power_iterations):
                F.normalize(ember.mv(weight_mat, self._v), dim=0, eps=self.eps, out=self._u)
                F.normalize(ember.mv(weight_mat.mH, self._u), dim=0, eps=self.eps, out=self._v)

    def forward(self, weight):
        ember = _ember()
        if weight.ndim == 1:
            return ember.nn.functional.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u = self._u.clone()
        v = self._v.clone()
        sigma = ember.vdot(u, ember.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def _transposed_conv_types():
    from .. import modules
    return tuple(c for c in (getattr(modules, n, None) for n in
                             ('ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d'))
                 if isinstance(c, type))


def spectral_norm(module, name='weight', n_power_iterations=1, eps=1e-12, dim=None):
    """Divide ``module.<name>`` by its largest singular value, estimated by power iteration
    (``n_power_iterations`` steps on every access in training mode; 15 at registration).

    ``dim`` (the output dimension) defaults to 1 for transposed convolutions and 0 otherwise.

    >>> _ = ember.manual_seed(0)
    >>> m = ember.nn.utils.parametrizations.spectral_norm(ember.nn.Linear(3, 3))
    >>> [n for n, _ in m.named_buffers()]
    ['parametrizations.weight.0._u', 'parametrizations.weight.0._v']
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if isinstance(module, _transposed_conv_types()) else 0
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
