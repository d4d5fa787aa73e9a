"""Mixins for distributions parameterised by exactly one of ``probs`` or ``logits``."""
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits


class _ProbsOrLogits:
    """Stores whichever of ``probs`` / ``logits`` was given (also as ``_param``) and derives
    the other on first use. ``_binary`` picks sigmoid / log-odds (Bernoulli-like) or
    softmax / log (Categorical-like) for the conversion."""
    _binary = True

    def _set_probs_or_logits(self, probs, logits, *others):
        """Broadcast the given parameter against ``others`` (e.g. ``total_count``), store it
        and return ``others`` broadcast and cast to its dtype."""
        if (probs is None) == (logits is None):
            raise ValueError('Either `probs` or `logits` must be specified, but not both.')
        name, given = ('probs', probs) if probs is not None else ('logits', logits)
        *others, param = broadcast_all(*others, given)
        setattr(self, name, param)
        self._param = param
        return [other.type_as(param) for other in others]

    def _expanded_probs_logits(self, param_shape):
        """The stored probs / logits expanded to ``param_shape`` (keyword arguments for
        ``Distribution._expanded``)."""
        params = {}
        for name in ('probs', 'logits'):
            if name in self.__dict__:
                params[name] = params['_param'] = self.__dict__[name].expand(param_shape)
        return params

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=self._binary)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=self._binary)

    @property
    def param_shape(self):
        return self._param.size()

