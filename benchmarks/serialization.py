"""Saving and loading a 100 MB state_dict, ember vs PyTorch (issue 5: load ratio <= 1.0).

Both libraries load the same file (written by PyTorch), and each saves its own state_dict.
Run: ``python benchmarks/serialization.py`` (and with ``OMP_NUM_THREADS=1
OPENBLAS_NUM_THREADS=1`` for the single-thread comparison).
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))

from _timing import compare  # noqa: E402

LAYERS = 25                      # 25 x (1024 x 1024 + 1024) float32 = 100 MB


def state_dict(lib):
    rng = np.random.default_rng(0)
    sd = {}
    for i in range(LAYERS):
        sd[f'layer{i}.weight'] = lib.tensor(rng.standard_normal((1024, 1024), dtype=np.float32))
        sd[f'layer{i}.bias'] = lib.tensor(rng.standard_normal(1024, dtype=np.float32))
    return sd


def main():
    import ember
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, 'state.pt')
    try:
        import torch
        torch.save(state_dict(torch), path)
    except ImportError:
        ember.save(state_dict(ember), path)
    mb = os.path.getsize(path) / 1e6

    def load(lib):
        return lambda: lib.load(path, weights_only=True)
    compare(f'load a {mb:.0f} MB state_dict (file written by PyTorch)', load, number=1,
            repeat=9, unit='ms')

    def load_mmap(lib):
        return lambda: lib.load(path, mmap=True)
    compare(f'load with mmap=True ({mb:.0f} MB)', load_mmap, number=1, repeat=9, unit='ms')

    def save(lib):
        sd = state_dict(lib)
        out = os.path.join(folder, f'out_{lib.__name__}.pt')
        return lambda: lib.save(sd, out)
    compare(f'save a {mb:.0f} MB state_dict (to a path, atomic for ember)', save, number=1,
            repeat=5, unit='ms')
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    os.rmdir(folder)


if __name__ == '__main__':
    main()
