"""The README's demo (examples/linear_regression.py) prints exactly what it prints on PyTorch."""
import pathlib
import subprocess
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).parent.parent / 'examples' / 'linear_regression.py'


def test_linear_regression_example_matches_torch():
    pytest.importorskip('torch')
    src = EXAMPLE.read_text()
    torch_src = src.replace('import ember as torch\nfrom ember import nn, optim',
                            'import torch\nfrom torch import nn, optim')
    assert torch_src != src
    root = str(EXAMPLE.parent.parent)
    ours = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True,
                          cwd=root, check=True).stdout
    theirs = subprocess.run([sys.executable, '-c', torch_src], capture_output=True, text=True,
                            check=True).stdout
    assert len(ours.splitlines()) == 23
    assert ours == theirs
