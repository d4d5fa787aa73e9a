"""The multivariate normal with a low-rank plus diagonal covariance ``W W^T + D``.

Log-densities, entropies and KL terms never form the ``n x n`` covariance: the Woodbury
identity and the matrix determinant lemma reduce them to the ``m x m`` "capacitance"
matrix ``C = I + W^T D^-1 W`` (m the rank).
"""
import math

import ember
from . import constraints
from ._location_scale import _CenteredAtLoc
from .distribution import Distribution
from .multivariate_normal import _batch_mahalanobis
from .utils import lazy_property, _batch_mv, _standard_normal

__all__ = ['LowRankMultivariateNormal']


def _plus_identity(K):
    """``K + I`` for a batch of square matrices."""
    return K + ember.eye(K.size(-1), dtype=K.dtype)


def _batch_capacitance_tril(W, D):
    """The lower Cholesky factor of ``I + W^T D^-1 W`` (batches of ``W`` and vectors ``D``)."""
    Wt_Dinv = W.mT / D.unsqueeze(-2)
    return ember.linalg.cholesky(_plus_identity(ember.matmul(Wt_Dinv, W)))


def _batch_lowrank_logdet(W, D, capacitance_tril):
    """``log det(W W^T + D) = log det(C) + log det(D)`` (matrix determinant lemma)."""
    return (2 * capacitance_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
            + D.log().sum(-1))


def _batch_lowrank_mahalanobis(W, D, x, capacitance_tril):
    """``x^T (W W^T + D)^-1 x`` by the Woodbury identity
    ``(W W^T + D)^-1 = D^-1 - D^-1 W C^-1 W^T D^-1``."""
    Wt_Dinv = W.mT / D.unsqueeze(-2)
    term1 = (x.pow(2) / D).sum(-1)
    return term1 - _batch_mahalanobis(capacitance_tril, _batch_mv(Wt_Dinv, x))


class LowRankMultivariateNormal(_CenteredAtLoc, Distribution):
    """Multivariate normal with mean ``loc`` and covariance
    ``cov_factor @ cov_factor.mT + diag(cov_diag)``: ``cov_factor`` is
    ``batch_shape + (n, rank)``, ``cov_diag`` (positive) is ``batch_shape + (n,)``.

    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> m = LowRankMultivariateNormal(ember.zeros(2), ember.tensor([[1.0], [0.0]]),
    ...                               ember.ones(2))
    >>> m.sample()
    tensor([ 1.2476, -2.1788])
    >>> m.log_prob(ember.zeros(2))
    tensor(-2.1845)
    """
    arg_constraints = {'loc': constraints.real_vector,
                       'cov_factor': constraints.independent(constraints.real, 2),
                       'cov_diag': constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        if loc.dim() < 1:
            raise ValueError('loc must be at least one-dimensional.')
        event_shape = loc.shape[-1:]
        if cov_factor.dim() < 2:
            raise ValueError('cov_factor must be at least two-dimensional, with optional '
                             'leading batch dimensions')
        if cov_factor.shape[-2:-1] != event_shape:
            raise ValueError(f'cov_factor must be a batch of matrices with shape '
                             f'{event_shape[0]} x m')
        if cov_diag.shape[-1:] != event_shape:
            raise ValueError(f'cov_diag must be a batch of vectors with shape {event_shape}')
        try:
            loc_, self.cov_factor, cov_diag_ = ember.broadcast_tensors(
                loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1))
        except RuntimeError as e:
            raise ValueError(f'Incompatible batch shapes: loc {loc.shape}, cov_factor '
                             f'{cov_factor.shape}, cov_diag {cov_diag.shape}') from e
        self.loc = loc_[..., 0]
        self.cov_diag = cov_diag_[..., 0]
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        self._capacitance_tril = _batch_capacitance_tril(cov_factor, cov_diag)
        super().__init__(self.loc.shape[:-1], event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        loc_shape = ember.Size(batch_shape) + self.event_shape
        return self._expanded(
            LowRankMultivariateNormal, batch_shape, _instance,
            loc=self.loc.expand(loc_shape), cov_diag=self.cov_diag.expand(loc_shape),
            cov_factor=self.cov_factor.expand(loc_shape + self.cov_factor.shape[-1:]),
            _unbroadcasted_cov_factor=self._unbroadcasted_cov_factor,
            _unbroadcasted_cov_diag=self._unbroadcasted_cov_diag,
            _capacitance_tril=self._capacitance_tril)

    def _matrix_shape(self):
        return self._batch_shape + self._event_shape + self._event_shape

    @lazy_property
    def variance(self):
        return ((self._unbroadcasted_cov_factor.pow(2).sum(-1) + self._unbroadcasted_cov_diag)
                .expand(self._batch_shape + self._event_shape))

    @lazy_property
    def scale_tril(self):
        # D^1/2 chol(I + D^-1/2 W W^T D^-1/2): the Cholesky factor of W W^T + D, computed on
        # a matrix whose condition number the diagonal does not inflate
        D_sqrt = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        Dinvsqrt_W = self._unbroadcasted_cov_factor / D_sqrt
        K = _plus_identity(ember.matmul(Dinvsqrt_W, Dinvsqrt_W.mT))
        return (D_sqrt * ember.linalg.cholesky(K)).expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        W = self._unbroadcasted_cov_factor
        cov = ember.matmul(W, W.mT) + ember.diag_embed(self._unbroadcasted_cov_diag)
        return cov.expand(self._matrix_shape())

    def _woodbury_factor(self):
        """``A = L^-1 W^T D^-1`` (``L`` the capacitance Cholesky factor), so that the
        precision matrix is ``D^-1 - A^T A``."""
        Wt_Dinv = self._unbroadcasted_cov_factor.mT / self._unbroadcasted_cov_diag.unsqueeze(-2)
        return ember.linalg.solve_triangular(self._capacitance_tril, Wt_Dinv, upper=False)

    @lazy_property
    def precision_matrix(self):
        A = self._woodbury_factor()
        precision = ember.diag_embed(self._unbroadcasted_cov_diag.reciprocal()) - A.mT @ A
        return precision.expand(self._matrix_shape())

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        eps_W = _standard_normal(shape[:-1] + self.cov_factor.shape[-1:], dtype=self.loc.dtype)
        eps_D = _standard_normal(shape, dtype=self.loc.dtype)
        return (self.loc + _batch_mv(self._unbroadcasted_cov_factor, eps_W)
                + self._unbroadcasted_cov_diag.sqrt() * eps_D)

    def _log_det(self):
        return _batch_lowrank_logdet(self._unbroadcasted_cov_factor,
                                     self._unbroadcasted_cov_diag, self._capacitance_tril)

    def _mahalanobis(self, diff):
        """The squared Mahalanobis distance of ``diff`` under this covariance."""
        return _batch_lowrank_mahalanobis(self._unbroadcasted_cov_factor,
                                          self._unbroadcasted_cov_diag, diff,
                                          self._capacitance_tril)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        M = self._mahalanobis(value - self.loc)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + self._log_det() + M)

    def entropy(self):
        H = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._log_det())
        return H if len(self._batch_shape) == 0 else H.expand(self._batch_shape)
