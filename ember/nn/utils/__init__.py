"""``ember.nn.utils``: gradient clipping, parameter/vector conversion, weight and spectral
normalization, the ``rnn`` sequence helpers, conv/linear + BatchNorm fusion, ``skip_init`` and
``stateless.functional_call``.

>>> lin = ember.nn.Linear(3, 1); lin(ember.ones(2, 3)).sum().backward()
>>> float(ember.nn.utils.clip_grad_norm_(lin.parameters(), 0.1)) > 0
True
"""
from . import parametrize, rnn
from . import parametrizations
from . import fusion, init, stateless
from .fusion import (fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval,
                     fuse_linear_bn_weights)
from .init import skip_init
from .clip_grad import (clip_grad_norm, clip_grad_norm_, clip_grad_value_,
                        clip_grads_with_norm_, get_total_norm)
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__all__ = ['clip_grad_norm', 'clip_grad_norm_', 'clip_grads_with_norm_', 'clip_grad_value_',
           'fuse_conv_bn_eval', 'fuse_conv_bn_weights', 'fuse_linear_bn_eval',
           'fuse_linear_bn_weights', 'fusion', 'init', 'skip_init', 'stateless',
           'get_total_norm', 'parameters_to_vector', 'parametrizations', 'parametrize',
           'remove_spectral_norm', 'remove_weight_norm', 'rnn', 'spectral_norm',
           'vector_to_parameters', 'weight_norm']
