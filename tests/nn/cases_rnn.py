"""Module cases: RNN (tanh/relu), LSTM (incl. proj_size), GRU and the three cells.

Each case compares outputs, final states and the gradients of the input, the initial states
and every parameter with torch 2.13 (same weights): batch_first both ways, bidirectional,
2-3 layers, dropout between layers (``random=True``: the masks come from the global generator
in PyTorch's order), projections, unbatched input, given initial states and packed sequences of
unequal lengths (``enforce_sorted`` True and False; the output is also padded back).
"""
import importlib

from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr

_GRAD_ATOL = 2e-5


def _lib(m):
    return importlib.import_module(type(m).__module__.split('.')[0])


def _x(*shape):
    return lambda rng, dt: (arr(rng, shape, dt),)


def _xs(*shapes):
    return lambda rng, dt: tuple(arr(rng, s, dt) for s in shapes)


def _lstm_state(m, x, h, c):
    return m(x, (h, c))


def _packed(lengths, enforce_sorted=True, batch_first=False, state=None):
    """call(): pack the padded input, run the module, return the packed output, the output
    padded back (lengths too) and the final states."""
    def call(m, x, *states):
        rnn = _lib(m).nn.utils.rnn
        lens = _lib(m).tensor(lengths)
        p = rnn.pack_padded_sequence(x, lens, batch_first=batch_first,
                                     enforce_sorted=enforce_sorted)
        if states:
            hx = states[0] if len(states) == 1 else tuple(states)
            out, hn = m(p, hx)
        else:
            out, hn = m(p)
        return out, rnn.pad_packed_sequence(out, batch_first=batch_first), hn
    return call


def _case(name, build, inputs, desc, **kw):
    kw.setdefault('grad_atol', _GRAD_ATOL)
    return ModuleCase(name, build, inputs, desc=desc, **kw)


_RNN = [
    _case('RNN', lambda nn: nn.RNN(3, 4), _x(5, 2, 3), 'default'),
    _case('RNN', lambda nn: nn.RNN(3, 4, 2, nonlinearity='relu'), _x(4, 3, 3), 'relu-2layers'),
    _case('RNN', lambda nn: nn.RNN(3, 4, 2, 'relu'), _x(4, 3, 3),
          'relu-positional'),
    _case('RNN', lambda nn: nn.RNN(3, 4, batch_first=True, bidirectional=True), _x(2, 5, 3),
          'batch_first-bi'),
    _case('RNN', lambda nn: nn.RNN(3, 4, bias=False, num_layers=2), _x(3, 2, 3), 'nobias'),
    _case('RNN', lambda nn: nn.RNN(3, 4, num_layers=2, bidirectional=True),
          _xs((4, 2, 3), (4, 2, 4)), 'h0'),
    _case('RNN', lambda nn: nn.RNN(3, 4), _xs((5, 3), (1, 4)), 'unbatched-h0'),
    _case('RNN', lambda nn: nn.RNN(3, 4, batch_first=True), _x(5, 3), 'unbatched-batch_first'),
    _case('RNN', lambda nn: nn.RNN(3, 4, num_layers=3, dropout=0.5), _x(4, 3, 3),
          'dropout', random=True),
    _case('RNN', lambda nn: nn.RNN(2, 3, bidirectional=True, nonlinearity='relu'),
          _x(4, 3, 2), 'packed-bi', call=_packed([4, 2, 1])),
    _case('RNN', lambda nn: nn.RNN(2, 3, num_layers=2), _xs((4, 3, 2), (2, 3, 3)),
          'packed-unsorted-h0', call=_packed([2, 4, 1], enforce_sorted=False)),
]

_LSTM = [
    _case('LSTM', lambda nn: nn.LSTM(3, 4), _x(5, 2, 3), 'default'),
    _case('LSTM', lambda nn: nn.LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True),
          _x(2, 5, 3), 'batch_first-bi-2layers'),
    _case('LSTM', lambda nn: nn.LSTM(3, 5, proj_size=2), _x(4, 2, 3), 'proj'),
    _case('LSTM', lambda nn: nn.LSTM(3, 5, num_layers=2, proj_size=3, bidirectional=True),
          _xs((4, 2, 3), (4, 2, 3), (4, 2, 5)), 'proj-bi-states', call=_lstm_state),
    _case('LSTM', lambda nn: nn.LSTM(3, 4, bias=False), _x(4, 2, 3), 'nobias'),
    _case('LSTM', lambda nn: nn.LSTM(3, 4, num_layers=2), _xs((4, 3, 3), (2, 3, 4), (2, 3, 4)),
          'states', call=_lstm_state),
    _case('LSTM', lambda nn: nn.LSTM(3, 4, batch_first=True),
          _xs((5, 3), (1, 4), (1, 4)), 'unbatched-states', call=_lstm_state),
    _case('LSTM', lambda nn: nn.LSTM(3, 4, bidirectional=True), _x(5, 3), 'unbatched-bi'),
    _case('LSTM', lambda nn: nn.LSTM(3, 4, num_layers=3, dropout=0.3, bidirectional=True),
          _x(4, 2, 3), 'dropout', random=True),
    _case('LSTM', lambda nn: nn.LSTM(2, 3, bidirectional=True), _x(5, 4, 2), 'packed-bi',
          call=_packed([5, 3, 3, 1])),
    _case('LSTM', lambda nn: nn.LSTM(2, 4, num_layers=2, proj_size=2, batch_first=True,
                                     bidirectional=True),
          _xs((4, 5, 2), (4, 4, 2), (4, 4, 4)), 'packed-unsorted-proj-states',
          call=_packed([2, 5, 1, 3], enforce_sorted=False, batch_first=True)),
    _case('LSTM', lambda nn: nn.LSTM(2, 3, num_layers=2, dropout=0.5), _x(4, 3, 2),
          'packed-dropout', random=True, call=_packed([4, 4, 2])),
]

_GRU = [
    _case('GRU', lambda nn: nn.GRU(3, 4), _x(5, 2, 3), 'default'),
    _case('GRU', lambda nn: nn.GRU(3, 4, num_layers=2, batch_first=True, bidirectional=True),
          _x(2, 4, 3), 'batch_first-bi-2layers'),
    _case('GRU', lambda nn: nn.GRU(3, 4, bias=False), _x(4, 2, 3), 'nobias'),
    _case('GRU', lambda nn: nn.GRU(3, 4, num_layers=2), _xs((4, 3, 3), (2, 3, 4)), 'h0'),
    _case('GRU', lambda nn: nn.GRU(3, 4, bidirectional=True), _xs((5, 3), (2, 4)),
          'unbatched-h0'),
    _case('GRU', lambda nn: nn.GRU(3, 4, num_layers=3, dropout=0.4), _x(4, 2, 3), 'dropout',
          random=True),
    _case('GRU', lambda nn: nn.GRU(2, 3, bidirectional=True), _x(4, 3, 2), 'packed-bi',
          call=_packed([4, 3, 2])),
    _case('GRU', lambda nn: nn.GRU(2, 3, num_layers=2, bidirectional=True, batch_first=True),
          _xs((3, 4, 2), (4, 3, 3)), 'packed-unsorted-h0',
          call=_packed([1, 4, 2], enforce_sorted=False, batch_first=True)),
]

_CELLS = [
    _case('RNNCell', lambda nn: nn.RNNCell(3, 4), _x(2, 3), 'default'),
    _case('RNNCell', lambda nn: nn.RNNCell(3, 4, nonlinearity='relu'), _xs((2, 3), (2, 4)),
          'relu-hx'),
    _case('RNNCell', lambda nn: nn.RNNCell(3, 4, bias=False), _xs((3,), (4,)),
          'nobias-unbatched'),
    _case('LSTMCell', lambda nn: nn.LSTMCell(3, 4), _x(2, 3), 'default'),
    _case('LSTMCell', lambda nn: nn.LSTMCell(3, 4), _xs((2, 3), (2, 4), (2, 4)), 'hx',
          call=_lstm_state),
    _case('LSTMCell', lambda nn: nn.LSTMCell(3, 4, bias=False), _xs((3,), (4,), (4,)),
          'nobias-unbatched', call=_lstm_state),
    _case('GRUCell', lambda nn: nn.GRUCell(3, 4), _x(2, 3), 'default'),
    _case('GRUCell', lambda nn: nn.GRUCell(3, 4), _xs((2, 3), (2, 4)), 'hx'),
    _case('GRUCell', lambda nn: nn.GRUCell(3, 4, bias=False), _xs((3,), (4,)),
          'nobias-unbatched'),
]

# the base classes can be built directly (PyTorch exports them too); their forward is the
# subclasses', so the case uses the parameters they create
_BASES = [
    _case('RNNBase', lambda nn: nn.RNNBase('GRU', 3, 2, bidirectional=True), _x(4, 3), 'gru',
          call=lambda m, x: x @ m.weight_ih_l0_reverse.T + m.bias_hh_l0),
    _case('RNNCellBase', lambda nn: nn.RNNCellBase(3, 2, True, 2), _x(4, 3), 'chunks2',
          call=lambda m, x: x @ m.weight_ih.T + m.bias_ih),
]

CASES = _RNN + _LSTM + _GRU + _CELLS + _BASES
