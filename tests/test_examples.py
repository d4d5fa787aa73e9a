"""The examples run: the README demo prints what PyTorch prints; checkpoints cross over."""
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


CHECKPOINT = EXAMPLE.parent / 'checkpoint_exchange.py'


def test_checkpoint_exchange_example(tmp_path):
    pytest.importorskip('torch')
    out = subprocess.run([sys.executable, str(CHECKPOINT), str(tmp_path)], capture_output=True,
                         text=True, cwd=str(EXAMPLE.parent.parent), check=True).stdout
    lines = out.splitlines()
    assert lines[0].startswith('ember: trained') and 'train accuracy 1.000' in lines[0]
    assert lines[2] == 'PyTorch: loaded, same predictions as ember: True'
    assert lines[3] == 'ember: reloaded from_torch.pt, identical outputs: True'
    assert (tmp_path / 'classifier.pt').exists() and (tmp_path / 'from_torch.pt').exists()


def test_checkpoint_exchange_example_without_torch(tmp_path):
    code = ('import sys, runpy; sys.modules["torch"] = None; '
            f'sys.argv = ["x", {str(tmp_path)!r}]; '
            f'runpy.run_path({str(CHECKPOINT)!r}, run_name="__main__")')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         cwd=str(EXAMPLE.parent.parent), check=True).stdout
    assert 'PyTorch is not installed' in out
    assert out.splitlines()[-1] == 'ember: reloaded classifier.pt, identical outputs: True'


CHAR_LM = EXAMPLE.parent / 'char_lm.py'


def _losses(out):
    return [float(line.split()[-1]) for line in out.splitlines() if line.startswith('step')]


def test_char_lm_example_learns_and_matches_torch():
    args = ['--steps', '40', '--print-every', '10', '--sample-len', '60']
    out = subprocess.run([sys.executable, str(CHAR_LM)] + args, capture_output=True, text=True,
                         cwd=str(EXAMPLE.parent.parent), check=True).stdout
    losses = _losses(out)
    assert len(losses) == 5 and losses[0] > 4.0 and losses[-1] < losses[0] - 1.0
    sample = out.split('sample:\n', 1)[1]
    assert sample.startswith('The ') and len(sample.rstrip('\n')) >= 60
    pytest.importorskip('torch')
    src = CHAR_LM.read_text().replace('import ember as torch\nfrom ember import nn',
                                      'import torch\nfrom torch import nn')
    theirs = subprocess.run([sys.executable, '-c', src] + args, capture_output=True, text=True,
                            cwd=str(EXAMPLE.parent.parent), check=True).stdout
    assert out.splitlines()[0] == theirs.splitlines()[0]
    for a, b in zip(losses, _losses(theirs)):
        assert abs(a - b) < 2e-3, (losses, _losses(theirs))
