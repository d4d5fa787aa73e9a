"""Recurrent layers: ``RNN`` (tanh/relu), ``LSTM`` (with optional projection), ``GRU`` and the
single-step cells ``RNNCell``, ``LSTMCell``, ``GRUCell``.

Parameters, their names and order, gate order (LSTM ``i, f, g, o``; GRU ``r, z, n``), default
initialization and every option are PyTorch's. Each direction of each layer runs as one fused
operation (``ember._ops.nn_rnn``): one matrix product for the input projections of the whole
sequence, one per step for the hidden path, and a backward pass through time on whole arrays.

>>> lstm = ember.nn.LSTM(10, 20, num_layers=2)
>>> out, (h, c) = lstm(ember.randn(5, 3, 10))
>>> out.shape, h.shape, c.shape
(torch.Size([5, 3, 20]), torch.Size([2, 3, 20]), torch.Size([2, 3, 20]))
"""
import math
import numbers
import warnings
import weakref

from ..._tensor import Tensor
from ... import empty, zeros, stack, cat
from ..._ops.nn_rnn import rnn_layer
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ['RNNBase', 'RNN', 'LSTM', 'GRU', 'RNNCellBase', 'RNNCell', 'LSTMCell', 'GRUCell']

_GATES = {'LSTM': 4, 'GRU': 3, 'RNN_TANH': 1, 'RNN_RELU': 1}
_PACKED = []


def _packed_type():
    if not _PACKED:
        from ..utils.rnn import PackedSequence
        _PACKED.append(PackedSequence)
    return _PACKED[0]


def _apply_permutation(tensor, permutation, dim=1):
    return tensor.index_select(dim, permutation)


def _type_name(t):
    return {'float32': 'Float', 'float64': 'Double', 'float16': 'Half',
            'bfloat16': 'BFloat16'}.get(str(t.dtype).split('.')[-1], str(t.dtype))


def _uniform_reset(module):
    """PyTorch's recurrent init: every parameter uniform in ``±1/sqrt(hidden_size)``."""
    stdv = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -stdv, stdv)


class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: parameters, checks, ``flatten_parameters``.

    >>> ember.nn.GRU(4, 8, num_layers=2, bidirectional=True).all_weights[1][0].shape
    torch.Size([24, 4])
    """
    __constants__ = ['mode', 'input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first',
                     'dropout', 'bidirectional', 'proj_size']
    __jit_unused_properties__ = ['all_weights']

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        factory_kwargs = {'device': device, 'dtype': dtype}
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        self._flat_weight_refs = []
        num_directions = 2 if bidirectional else 1
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):
            raise ValueError('dropout should be a number in range [0, 1] representing the '
                             'probability of an element being zeroed')
        if dropout > 0 and num_layers == 1:
            warnings.warn('dropout option adds dropout after all but last recurrent layer, so '
                          'non-zero dropout expects num_layers greater than 1, but got '
                          f'dropout={dropout} and num_layers={num_layers}', stacklevel=2)
        if not isinstance(bias, bool):
            raise TypeError(f'bias should be of type bool, got: {type(bias).__name__}')
        if not isinstance(batch_first, bool):
            raise TypeError(f'batch_first should be of type bool, got: '
                            f'{type(batch_first).__name__}')
        if not isinstance(input_size, int):
            raise TypeError(f'input_size should be of type int, got: {type(input_size).__name__}')
        if input_size <= 0:
            raise ValueError('input_size must be greater than zero')
        if not isinstance(hidden_size, int):
            raise TypeError(f'hidden_size should be of type int, got: '
                            f'{type(hidden_size).__name__}')
        if hidden_size <= 0:
            raise ValueError('hidden_size must be greater than zero')
        if num_layers <= 0:
            raise ValueError('num_layers must be greater than zero')
        if proj_size < 0:
            raise ValueError('proj_size should be a positive integer or zero to disable '
                             'projections')
        if proj_size >= hidden_size:
            raise ValueError('proj_size has to be smaller than hidden_size')
        if mode not in _GATES:
            raise ValueError('Unrecognized RNN mode: ' + mode)
        gate_size = _GATES[mode] * hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
                params = [empty((gate_size, layer_input_size), **factory_kwargs),
                          empty((gate_size, real_hidden_size), **factory_kwargs)]
                names = ['weight_ih_l{}{}', 'weight_hh_l{}{}']
                if bias:
                    params += [empty(gate_size, **factory_kwargs),
                               empty(gate_size, **factory_kwargs)]
                    names += ['bias_ih_l{}{}', 'bias_hh_l{}{}']
                if proj_size > 0:
                    params.append(empty((proj_size, hidden_size), **factory_kwargs))
                    names.append('weight_hr_l{}{}')
                suffix = '_reverse' if direction == 1 else ''
                names = [n.format(layer, suffix) for n in names]
                for name, p in zip(names, params):
                    setattr(self, name, Parameter(p))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self._init_flat_weights()
        self.reset_parameters()

    def _init_flat_weights(self):
        self._flat_weights = [getattr(self, wn) if hasattr(self, wn) else None
                              for wn in self._flat_weights_names]
        self._flat_weight_refs = [weakref.ref(w) if w is not None else None
                                  for w in self._flat_weights]
        self.flatten_parameters()

    def __setattr__(self, attr, value):
        if attr in self.__dict__.get('_flat_weights_names', ()):
            # keep _flat_weights up to date when a weight is replaced (self.weight_hh_l0 = ...)
            self._flat_weights[self._flat_weights_names.index(attr)] = value
        super().__setattr__(attr, value)

    def flatten_parameters(self):
        """A no-op (PyTorch repacks weights for cuDNN here; ember has nothing to repack).

        >>> ember.nn.LSTM(2, 3).flatten_parameters()
        """
        return None

    def _apply(self, fn, recurse=True):
        self._flat_weight_refs = []
        ret = super()._apply(fn, recurse)
        self._init_flat_weights()
        return ret

    def reset_parameters(self):
        """Every weight and bias uniform in ``±1/sqrt(hidden_size)``, in parameter order."""
        _uniform_reset(self)

    # ---- checks (PyTorch's messages) ---------------------------------------------------------
    def check_input(self, input, batch_sizes):
        w = self._flat_weights[0]
        if input.dtype != w.dtype:
            raise ValueError(f'RNN input dtype ({input.dtype}) does not match weight dtype '
                             f'({w.dtype}). Convert input: input.to({w.dtype}), or convert '
                             f'model: model.to({input.dtype})')
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(f'input must have {expected_input_dim} dimensions, got '
                               f'{input.dim()}')
        if self.input_size != input.size(-1):
            raise RuntimeError(f'input.size(-1) must be equal to input_size. Expected '
                               f'{self.input_size}, got {input.size(-1)} (the last dimension of '
                               f'the input holds the features; input shape '
                               f'{tuple(input.shape)}, batch_first={self.batch_first})')

    def get_expected_hidden_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, size)

    def check_hidden_size(self, hx, expected_hidden_size,
                          msg='Expected hidden size {}, got {}'):
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())) +
                               ' (initial states are (num_layers * num_directions, batch, '
                               'hidden); the batch is dim 1 even with batch_first=True)')

    def _check_state_dtype(self, input, hx):
        if hx.dtype != input.dtype:
            raise RuntimeError(f'mat1 and mat2 must have the same dtype, but got '
                               f'{_type_name(hx)} and {_type_name(input)} (the initial state '
                               f'is {hx.dtype} but the input is {input.dtype})')

    def _weights_have_changed(self):
        for ref, name in zip(self._flat_weight_refs, self._flat_weights_names):
            weight = getattr(self, name) if hasattr(self, name) else None
            if weight is not None and ref is not None and ref() is not weight:
                return True
        return False

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        expected_hidden_size = self.get_expected_hidden_size(input, batch_sizes)
        self.check_hidden_size(hidden, expected_hidden_size)
        self._check_state_dtype(input, hidden)

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return _apply_permutation(hx, permutation)

    def extra_repr(self):
        s = f'{self.input_size}, {self.hidden_size}'
        if self.proj_size != 0:
            s += f', proj_size={self.proj_size}'
        if self.num_layers != 1:
            s += f', num_layers={self.num_layers}'
        if self.bias is not True:
            s += f', bias={self.bias}'
        if self.batch_first is not False:
            s += f', batch_first={self.batch_first}'
        if self.dropout != 0:
            s += f', dropout={self.dropout}'
        if self.bidirectional is not False:
            s += f', bidirectional={self.bidirectional}'
        return s

    def _update_flat_weights(self):
        if self._weights_have_changed():
            self._init_flat_weights()

    def __getstate__(self):
        self._update_flat_weights()
        state = self.__dict__.copy()
        state.pop('_flat_weight_refs', None)
        return state

    def __setstate__(self, d):
        super().__setstate__(d)
        if 'all_weights' in d:
            self._all_weights = d['all_weights']
        if 'proj_size' not in d:
            self.proj_size = 0
        self._flat_weights = [getattr(self, wn) if hasattr(self, wn) else None
                              for wn in self._flat_weights_names]
        self._flat_weight_refs = [weakref.ref(w) if w is not None else None
                                  for w in self._flat_weights]

    @property
    def all_weights(self):
        """The parameters grouped per layer and direction, as lists in PyTorch's order."""
        return [[getattr(self, weight) for weight in weights] for weights in self._all_weights]

    # ---- the computation ---------------------------------------------------------------------
    def _fast_weights(self):
        """``_flat_weights``, refreshed if a weight was swapped behind our back."""
        fw = self._flat_weights
        d = self.__dict__
        params = d['_parameters']
        for i, name in enumerate(self._flat_weights_names):
            w = params[name] if name in params else d.get(name)
            if w is not fw[i]:
                self._init_flat_weights()
                return self._flat_weights
        return fw

    def _run(self, x, batch_sizes, hx, cx):
        """Stack the layers over time-major ``x`` (or packed data); returns the last layer's
        output and the final states ``(L * D, B, H)`` (``c_n`` None unless LSTM)."""
        weights = self._fast_weights()
        mode = self.mode
        D = 2 if self.bidirectional else 1
        L = self.num_layers
        k = len(weights) // (L * D)
        bias = self.bias
        proj = self.proj_size > 0
        hs = hx.unbind(0) if hx is not None else None
        cs = cx.unbind(0) if cx is not None else None
        h_n, c_n = [], []
        p = self.dropout
        drop = p != 0 and self.training
        for layer in range(L):
            ys = []
            for d in range(D):
                idx = layer * D + d
                w = weights[idx * k:(idx + 1) * k]
                if bias:
                    b_ih, b_hh = w[2], w[3]
                else:
                    b_ih = b_hh = None
                w_hr = w[-1] if proj else None
                y, h, c = rnn_layer(mode, x, hs[idx] if hs is not None else None,
                                    cs[idx] if cs is not None else None, w[0], w[1], b_ih, b_hh,
                                    w_hr, batch_sizes, d == 1)
                ys.append(y)
                h_n.append(h)
                if c is not None:
                    c_n.append(c)
            x = ys[0] if D == 1 else cat(ys, -1)
            if drop and layer < L - 1:
                x = F.dropout(x, p, True)
        return x, stack(h_n), (stack(c_n) if c_n else None)

    def _forward(self, input, hx):
        """The shared forward of RNN and GRU (LSTM overrides for its two states)."""
        name = 'RNN' if self.mode.startswith('RNN') else self.mode
        PackedSequence = _packed_type()
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices, unsorted_indices = input
            bs = tuple(batch_sizes.tolist())
            if hx is not None:
                hx = self.permute_hidden(hx, sorted_indices)
                self.check_forward_args(data, hx, batch_sizes)
            else:
                self.check_input(data, batch_sizes)
            out, h_n, _ = self._run(data, bs, hx, None)
            return (PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices),
                    self.permute_hidden(h_n, unsorted_indices))
        dim = input.dim()
        if dim not in (2, 3):
            extra = ' tensor' if name == 'RNN' else ''
            raise ValueError(f'{name}: Expected input to be 2D or 3D, got {dim}D{extra} instead')
        is_batched = dim == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f'For unbatched 2-D input, hx should also be 2-D but got '
                                       f'{hx.dim()}-D tensor')
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError(f'For batched 3-D input, hx should also be 3-D but got '
                               f'{hx.dim()}-D tensor')
        if hx is not None:
            self.check_forward_args(input, hx, None)
        else:
            self.check_input(input, None)
        x = input.transpose(0, 1) if self.batch_first else input
        _check_length(x)
        out, h_n, _ = self._run(x, None, hx, None)
        if self.batch_first:
            out = out.transpose(0, 1)
        if not is_batched:
            out = out.squeeze(batch_dim)
            h_n = h_n.squeeze(1)
        return out, h_n


def _check_length(x):
    if x.shape[0] == 0:
        raise RuntimeError('Expected sequence length to be larger than 0 in RNN')


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or ``relu``).

    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None)``;
    ``forward(input, hx=None)`` returns ``(output, h_n)``.

    >>> rnn = ember.nn.RNN(4, 3, nonlinearity='relu')
    >>> out, h = rnn(ember.ones(6, 2, 4)); out.shape, h.shape
    (torch.Size([6, 2, 3]), torch.Size([1, 2, 3]))
    """

    def __init__(self, *args, **kwargs):
        if 'proj_size' in kwargs:
            raise ValueError('proj_size argument is only supported for LSTM, not RNN or GRU')
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop('nonlinearity', 'tanh')
        if self.nonlinearity == 'tanh':
            mode = 'RNN_TANH'
        elif self.nonlinearity == 'relu':
            mode = 'RNN_RELU'
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' "
                             "or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class LSTM(RNNBase):
    """Long short-term memory; gates ``i, f, g, o`` in that order in the weight rows.

    ``LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0, device=None, dtype=None)``; ``forward(input, hx=None)``
    with ``hx = (h_0, c_0)`` returns ``(output, (h_n, c_n))``. With ``proj_size > 0`` the
    hidden state is projected to ``proj_size`` features by ``weight_hr``.

    >>> lstm = ember.nn.LSTM(4, 6, proj_size=2, batch_first=True)
    >>> out, (h, c) = lstm(ember.ones(3, 5, 4)); out.shape, h.shape, c.shape
    (torch.Size([3, 5, 2]), torch.Size([1, 3, 2]), torch.Size([1, 3, 6]))
    """

    def __init__(self, *args, **kwargs):
        super().__init__('LSTM', *args, **kwargs)

    def get_expected_cell_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               'Expected hidden[0] size {}, got {}')
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               'Expected hidden[1] size {}, got {}')
        self._check_state_dtype(input, hidden[0])
        self._check_state_dtype(input, hidden[1])

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return _apply_permutation(hx[0], permutation), _apply_permutation(hx[1], permutation)

    def forward(self, input, hx=None):
        PackedSequence = _packed_type()
        if hx is not None:
            _check_pair(hx)
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices, unsorted_indices = input
            bs = tuple(batch_sizes.tolist())
            if hx is not None:
                hx = self.permute_hidden(hx, sorted_indices)
                self.check_forward_args(data, hx, batch_sizes)
                h0, c0 = hx
            else:
                self.check_input(data, batch_sizes)
                h0 = c0 = None
            out, h_n, c_n = self._run(data, bs, h0, c0)
            return (PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices),
                    self.permute_hidden((h_n, c_n), unsorted_indices))
        dim = input.dim()
        if dim not in (2, 3):
            raise ValueError(f'LSTM: Expected input to be 2D or 3D, got {dim}D instead')
        is_batched = dim == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
        if hx is None:
            self.check_input(input, None)
            h0 = c0 = None
        else:
            if is_batched:
                if hx[0].dim() != 3 or hx[1].dim() != 3:
                    raise RuntimeError('For batched 3-D input, hx and cx should also be 3-D but '
                                       f'got ({hx[0].dim()}-D, {hx[1].dim()}-D) tensors')
            else:
                if hx[0].dim() != 2 or hx[1].dim() != 2:
                    raise RuntimeError('For unbatched 2-D input, hx and cx should also be 2-D '
                                       f'but got ({hx[0].dim()}-D, {hx[1].dim()}-D) tensors')
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
            self.check_forward_args(input, hx, None)
            h0, c0 = hx
        x = input.transpose(0, 1) if self.batch_first else input
        _check_length(x)
        out, h_n, c_n = self._run(x, None, h0, c0)
        if self.batch_first:
            out = out.transpose(0, 1)
        if not is_batched:
            return out.squeeze(batch_dim), (h_n.squeeze(1), c_n.squeeze(1))
        return out, (h_n, c_n)


def _check_pair(hx):
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        got = (f'a Tensor of shape {tuple(hx.shape)}' if isinstance(hx, Tensor)
               else f'{len(hx)} tensors' if isinstance(hx, (tuple, list)) else type(hx).__name__)
        raise IndexError(f'index 1 is out of range: LSTM expects hx as a tuple (h_0, c_0) of '
                         f'two tensors, got {got}')


class GRU(RNNBase):
    """Gated recurrent unit; gates ``r, z, n`` in the weight rows, with PyTorch's
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and ``h' = (1 - z) * n + z * h``.

    ``GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, device=None, dtype=None)``; ``forward(input, hx=None)`` returns
    ``(output, h_n)``.

    >>> gru = ember.nn.GRU(4, 3, bidirectional=True)
    >>> out, h = gru(ember.ones(6, 4)); out.shape, h.shape
    (torch.Size([6, 6]), torch.Size([2, 3]))
    """

    def __init__(self, *args, **kwargs):
        if 'proj_size' in kwargs:
            raise ValueError('proj_size argument is only supported for LSTM, not RNN or GRU')
        super().__init__('GRU', *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


# ------------------------------------------------------------------------------------- cells
class RNNCellBase(Module):
    """What the cells share: ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``.

    >>> ember.nn.GRUCell(2, 3).weight_hh.shape
    torch.Size([9, 3])
    """
    __constants__ = ['input_size', 'hidden_size', 'bias']

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        factory_kwargs = {'device': device, 'dtype': dtype}
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size),
                                         **factory_kwargs))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size),
                                         **factory_kwargs))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, **factory_kwargs))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, **factory_kwargs))
        else:
            self.register_parameter('bias_ih', None)
            self.register_parameter('bias_hh', None)
        self.reset_parameters()

    def extra_repr(self):
        s = f'{self.input_size}, {self.hidden_size}'
        if 'bias' in self.__dict__ and self.bias is not True:
            s += f', bias={self.bias}'
        if 'nonlinearity' in self.__dict__ and self.nonlinearity != 'tanh':
            s += f', nonlinearity={self.nonlinearity}'
        return s

    def reset_parameters(self):
        """Every weight and bias uniform in ``±1/sqrt(hidden_size)``, in parameter order."""
        _uniform_reset(self)

    def _check(self, input, hx):
        """PyTorch's size checks of a cell's input and states (hx: a tuple of states)."""
        if input.size(1) != self.input_size:
            raise RuntimeError(f'input has inconsistent input_size: got {input.size(1)} '
                               f'expected {self.input_size}')
        for i, h in enumerate(hx):
            if input.size(0) != h.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{i} "
                                   f'batch size {h.size(0)}')
            if h.size(1) != self.hidden_size:
                raise RuntimeError(f'hidden{i} has inconsistent hidden_size: got {h.size(1)}, '
                                   f'expected {self.hidden_size}')
        w = self.weight_ih
        for t in (input,) + tuple(hx):
            if t.dtype != w.dtype:
                raise RuntimeError(f'mat1 and mat2 must have the same dtype, but got '
                                   f'{_type_name(t)} and {_type_name(w)} (convert the input and '
                                   f'state with .to({w.dtype}) or the cell with .to({t.dtype}))')


def _zeros_state(cell, input):
    return zeros(input.size(0), cell.hidden_size, dtype=input.dtype, device=input.device)


def _dims(name, input, hx):
    if input.dim() not in (1, 2):
        raise ValueError(f'{name}: Expected input to be 1D or 2D, got {input.dim()}D instead')
    if hx is not None and hx.dim() not in (1, 2):
        raise ValueError(f'{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead')


def _batched_single_state(cell, name, input, hx):
    """RNNCell/GRUCell inputs as a batch: ``(input, hx, is_batched)`` with unbatched (1-D)
    tensors given a batch dimension and a missing ``hx`` as zeros."""
    _dims(name, input, hx)
    is_batched = input.dim() == 2
    if not is_batched:
        input = input.unsqueeze(0)
    if hx is None:
        hx = _zeros_state(cell, input)
    elif not is_batched:
        hx = hx.unsqueeze(0)
    return input, hx, is_batched


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu).

    >>> cell = ember.nn.RNNCell(3, 2)
    >>> cell(ember.ones(4, 3)).shape
    torch.Size([4, 2])
    """
    __constants__ = ['input_size', 'hidden_size', 'bias', 'nonlinearity']

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity='tanh', device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, hx, is_batched = _batched_single_state(self, 'RNNCell', input, hx)
        if self.nonlinearity not in ('tanh', 'relu'):
            raise RuntimeError(f'Unknown nonlinearity: {self.nonlinearity}')
        self._check(input, (hx,))
        pre = F.linear(input, self.weight_ih, self.bias_ih) + F.linear(hx, self.weight_hh,
                                                                       self.bias_hh)
        ret = pre.tanh() if self.nonlinearity == 'tanh' else F.relu(pre)
        return ret if is_batched else ret.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: returns ``(h', c')`` from input and ``(h, c)`` (zeros when omitted).

    >>> cell = ember.nn.LSTMCell(3, 2)
    >>> h, c = cell(ember.ones(4, 3)); h.shape, c.shape
    (torch.Size([4, 2]), torch.Size([4, 2]))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        if input.dim() not in (1, 2):
            raise ValueError(f'LSTMCell: Expected input to be 1D or 2D, got {input.dim()}D '
                             'instead')
        if hx is not None:
            if isinstance(hx, Tensor):
                raise TypeError("lstm_cell(): argument 'hx' (position 2) must be tuple of "
                                'Tensors, not Tensor (pass (h_0, c_0))')
            for idx, value in enumerate(hx):
                if value.dim() not in (1, 2):
                    raise ValueError(f'LSTMCell: Expected hx[{idx}] to be 1D or 2D, got '
                                     f'{value.dim()}D instead')
            if len(hx) != 2:
                raise RuntimeError('lstm_cell expects two hidden states')
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            z = _zeros_state(self, input)
            hx = (z, z)
        elif not is_batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        self._check(input, tuple(hx))
        gates = F.linear(input, self.weight_ih, self.bias_ih) + F.linear(hx[0], self.weight_hh,
                                                                         self.bias_hh)
        i, f, g, o = gates.chunk(4, 1)
        c = f.sigmoid() * hx[1] + i.sigmoid() * g.tanh()
        h = o.sigmoid() * c.tanh()
        if not is_batched:
            return h.squeeze(0), c.squeeze(0)
        return h, c


class GRUCell(RNNCellBase):
    """One GRU step: ``h' = (1 - z) * n + z * h`` with PyTorch's gates ``r, z, n``.

    >>> cell = ember.nn.GRUCell(3, 2)
    >>> cell(ember.ones(3)).shape
    torch.Size([2])
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        input, hx, is_batched = _batched_single_state(self, 'GRUCell', input, hx)
        self._check(input, (hx,))
        ir, iz, inn = F.linear(input, self.weight_ih, self.bias_ih).chunk(3, 1)
        hr, hz, hn = F.linear(hx, self.weight_hh, self.bias_hh).chunk(3, 1)
        r = (ir + hr).sigmoid()
        z = (iz + hz).sigmoid()
        n = (inn + r * hn).tanh()
        return (hx - n) * z + n if is_batched else ((hx - n) * z + n).squeeze(0)
