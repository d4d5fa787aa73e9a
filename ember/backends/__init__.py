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
