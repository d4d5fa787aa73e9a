"""``torch.backends`` flags that tutorials set (cudnn, mps, cpu); ember accepts and reports
them, they change nothing (ember's kernels are deterministic).

>>> ember.backends.cudnn.deterministic = True
>>> ember.backends.mps.is_available()
False
"""
import types

cudnn = types.SimpleNamespace(enabled=True, benchmark=False, deterministic=False,
                              allow_tf32=True, is_available=lambda: False,
                              version=lambda: None)
mps = types.SimpleNamespace(is_available=lambda: False, is_built=lambda: False)
cpu = types.SimpleNamespace(get_cpu_capability=lambda: 'DEFAULT')
cuda = types.SimpleNamespace(matmul=types.SimpleNamespace(allow_tf32=False),
                             is_built=lambda: False)


class _MhaFlags:
    """``torch.backends.mha``: whether MultiheadAttention/TransformerEncoderLayer take
    PyTorch's inference fast path (whose numbers ember reproduces).

    >>> ember.backends.mha.get_fastpath_enabled()
    True
    """

    def __init__(self):
        self._enabled = True

    def get_fastpath_enabled(self):
        return self._enabled

    def set_fastpath_enabled(self, value):
        self._enabled = bool(value)


mha = _MhaFlags()
