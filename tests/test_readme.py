"""README.md and README.ko.md say what is true: the quick-start lines, the same code in both
languages, and the tour (data -> model -> loss -> optimizer -> training -> evaluation -> saving)
runs as one program, prints what its comments say, and prints what PyTorch prints."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# file -> (quick-start heading, tour heading, link to the other language)
READMES = {
    'README.md': ('## Quick start', '## A tour', '[한국어](README.ko.md)'),
    'README.ko.md': ('## 빠른 시작', '## 둘러보기', '[English](README.md)'),
}
QUICK_START = ['pip install . && python -m ember.demo',
               'pip install ".[test]" && python -m pytest -q']
FENCE = re.compile(r'^```(\w*)\n(.*?)^```$', re.S | re.M)
EPOCHS_LINE = 'epochs = 10\n'
IMPORTS = ('import ember as torch\n'
           'from ember import nn, optim\n'
           'from ember.utils.data import DataLoader\n'
           'from ember.vision import datasets, transforms\n')
TRANSFORM_LINE = ('transform = transforms.Compose([transforms.ToTensor(), '
                  'transforms.Normalize((0.5,), (0.5,))])\n')


def _text(name):
    return (ROOT / name).read_text(encoding='utf-8')


def _blocks(text, lang=None):
    """The fenced code blocks of ``text`` as (language, body), in order."""
    return [(tag, body) for tag, body in FENCE.findall(text) if lang is None or tag == lang]


def _section(text, heading):
    """From the level-2 ``heading`` to the next level-2 heading."""
    start = text.index('\n' + heading + '\n')
    end = text.find('\n## ', start + 1)
    return text[start:] if end == -1 else text[start:end]


def _tour(name, epochs=2):
    code = '\n'.join(body for _, body in _blocks(_section(_text(name), READMES[name][1]),
                                                  'python'))
    assert code.startswith(IMPORTS) and code.count(EPOCHS_LINE) == 1, \
        'the tour must start with its imports and set `epochs = 10` once'
    return code.replace(EPOCHS_LINE, f'epochs = {epochs}\n')


def _run(code, cwd):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          cwd=str(cwd), env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize('name', sorted(READMES))
def test_quick_start_is_the_two_lines(name):
    blocks = _blocks(_section(_text(name), READMES[name][0]), 'bash')
    assert blocks and blocks[0][1].splitlines() == QUICK_START


def test_ci_runs_the_readme_test_command():
    assert QUICK_START[1] in (ROOT / '.ci' / 'run').read_text()


@pytest.mark.parametrize('name', sorted(READMES))
def test_links_to_the_other_language_at_the_top(name):
    assert READMES[name][2] in '\n'.join(_text(name).splitlines()[:4])


def test_korean_code_blocks_are_the_english_ones():
    english, korean = _blocks(_text('README.md')), _blocks(_text('README.ko.md'))
    assert len(english) == len(korean)
    for i, (a, b) in enumerate(zip(english, korean)):
        assert a == b, f'code block {i} differs between README.md and README.ko.md'
    assert _tour('README.md') == _tour('README.ko.md')


def _expected_prints(code):
    """The ``# ...`` comments on the tour's ``print(...)`` lines: what each prints."""
    return [m.group(1) for m in re.finditer(r'^\s*print\(.*\)\s+# (.+)$', code, re.M)]


def test_tour_runs_and_prints_what_it_says(tmp_path):
    code = _tour('README.md', epochs=2)
    out = _run(code, tmp_path).splitlines()
    expected = _expected_prints(code)
    assert len(expected) == 4
    rest = iter(out)
    for line in expected:       # each commented print appears, in order
        assert any(got == line for got in rest), (line, out)
    assert [line for line in out if line.startswith('epoch ')][-1].startswith('epoch 2/2  loss ')
    accuracy = [line for line in out if line.startswith('test accuracy: ')]
    assert len(accuracy) == 1 and re.fullmatch(r'test accuracy: \d+\.\d%', accuracy[0])
    assert float(accuracy[0].split()[-1][:-1]) > 80
    assert (tmp_path / 'model.pt').exists()


def test_tour_checkpoint_is_pytorch_format(tmp_path):
    torch = pytest.importorskip('torch')
    _run(_tour('README.md', epochs=1), tmp_path)
    state = torch.load(tmp_path / 'model.pt')
    assert {k: tuple(v.shape) for k, v in state.items()} == {
        'features.0.weight': (16, 1, 3, 3), 'features.0.bias': (16,),
        'features.3.weight': (32, 16, 3, 3), 'features.3.bias': (32,),
        'classifier.weight': (10, 128), 'classifier.bias': (10,)}


# The tour under PyTorch: torchvision has no Digits (and is not installable here), so Digits
# and the README's transform (ToTensor then Normalize((0.5,), (0.5,))) are written in torch,
# as torchvision computes them: uint8 -> float / 255, then (x - 0.5) / 0.5.
TORCH_PRELUDE = '''
import torch
from torch import nn, optim
from torch.utils.data import DataLoader, Dataset
from ember.vision.datasets import Digits as _EmberDigits


class _Digits(Dataset):
    def __init__(self, train, transform):
        ds = _EmberDigits(train=train)
        self.images, self.labels = ds.data.numpy(), ds.targets.numpy()

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        x = torch.from_numpy(self.images[i].copy()).unsqueeze(0).float().div(255)
        return x.sub(0.5).div(0.5), int(self.labels[i])


class datasets:
    Digits = _Digits


class transforms:
    Compose = ToTensor = Normalize = staticmethod(lambda *args: None)
'''


def test_tour_prints_what_pytorch_prints(tmp_path):
    pytest.importorskip('torch')
    code = _tour('README.md', epochs=2)
    assert code.count(TRANSFORM_LINE) == 1, 'the PyTorch stand-in assumes this transform'
    ours = _run(code, tmp_path)
    (tmp_path / 'torch').mkdir()
    theirs = _run(TORCH_PRELUDE + code[len(IMPORTS):], tmp_path / 'torch')
    assert ours == theirs


def test_other_python_blocks_match_pytorch(tmp_path):
    text = _text('README.md')
    tour = _section(text, READMES['README.md'][1])
    blocks = [body for _, body in _blocks(text.replace(tour, ''), 'python')]
    assert blocks
    for body in blocks:
        ours = _run(body, tmp_path)
        if _has_torch():
            assert body.startswith('import ember as torch\n')
            assert ours == _run(body.replace('import ember as torch\n', 'import torch\n', 1),
                                tmp_path)


def _has_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True
