"""KL divergences with the low-rank multivariate normal (the pairs ``torch.distributions``
registers: low-rank with low-rank, and either way with :class:`MultivariateNormal`).
The trace term ``tr(Sigma_q^-1 Sigma_p)`` is expanded with the Woodbury identity
``Sigma_q^-1 = D^-1 - A^T A`` (see ``LowRankMultivariateNormal._woodbury_factor``), so no
``n x n`` covariance of a low-rank side is ever formed.

>>> import ember
>>> from ember.distributions import LowRankMultivariateNormal, kl_divergence
>>> p = LowRankMultivariateNormal(ember.zeros(2), ember.tensor([[1.0], [0.0]]), ember.ones(2))
>>> q = LowRankMultivariateNormal(ember.ones(2), ember.tensor([[0.0], [1.0]]), ember.ones(2))
>>> kl_divergence(p, q)
tensor(1.)
"""
import ember
from .kl import register_kl, _batch_trace_XXT, _trace_tril_solve
from .lowrank_multivariate_normal import LowRankMultivariateNormal
from .multivariate_normal import MultivariateNormal, _batch_mahalanobis


def _check_event_shapes(p, q, what):
    if p.event_shape != q.event_shape:
        raise ValueError(f'KL-divergence between two {what} with different event shapes '
                         f'cannot be computed (got {tuple(p.event_shape)} and '
                         f'{tuple(q.event_shape)})')


def _gaussian_kl(p, log_det_p, log_det_q, trace, mahalanobis):
    """``KL = (log det S_q - log det S_p + tr(S_q^-1 S_p) + M - n) / 2``."""
    return 0.5 * ((log_det_q - log_det_p) + trace + mahalanobis - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrankmultivariatenormal_lowrankmultivariatenormal(p, q):
    _check_event_shapes(p, q, 'Low Rank Multivariate Normals')
    pW, pD = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag
    qD = q._unbroadcasted_cov_diag
    A = q._woodbury_factor()
    # tr((D_q^-1 - A^T A)(D_p + W_p W_p^T)), one product at a time
    trace = ((pD / qD).sum(-1) + _batch_trace_XXT(pW * qD.rsqrt().unsqueeze(-1))
             - _batch_trace_XXT(A * pD.sqrt().unsqueeze(-2))
             - _batch_trace_XXT(A.matmul(pW)))
    return _gaussian_kl(p, p._log_det(), q._log_det(), trace, q._mahalanobis(q.loc - p.loc))


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_multivariatenormal_lowrankmultivariatenormal(p, q):
    _check_event_shapes(p, q, '(Low Rank) Multivariate Normals')
    p_tril = p._unbroadcasted_scale_tril
    A = q._woodbury_factor()
    trace = (_batch_trace_XXT(p_tril * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1))
             - _batch_trace_XXT(A.matmul(p_tril)))
    return _gaussian_kl(p, 2 * p._half_log_det(), q._log_det(), trace,
                        q._mahalanobis(q.loc - p.loc))


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrankmultivariatenormal_multivariatenormal(p, q):
    _check_event_shapes(p, q, '(Low Rank) Multivariate Normals')
    q_tril = q._unbroadcasted_scale_tril
    trace = (_trace_tril_solve(q_tril, p._unbroadcasted_cov_factor)
             + _trace_tril_solve(q_tril, ember.diag_embed(p._unbroadcasted_cov_diag.sqrt())))
    return _gaussian_kl(p, p._log_det(), 2 * q._half_log_det(), trace,
                        _batch_mahalanobis(q_tril, q.loc - p.loc))
