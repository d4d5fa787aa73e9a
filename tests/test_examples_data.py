"""The data/vision examples run with small settings and print real results.

Each example runs in a subprocess; the tests read its output: losses go down, accuracies pass a
threshold, the hand-written linear regression finds W = 2, b = 0 (the numbers the study notes
print), and the examples written in plain PyTorch (linear regression by hand, gradient
accumulation) print the same numbers when run with ``import torch`` instead of ember.
The MNIST branches run on small fake IDX files written under a temporary root.
"""
import gzip
import os
import pathlib
import re
import struct
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).parent.parent
EXAMPLES = ROOT / 'examples'
TIMEOUT = 120


def run_example(name, *args, ok=True, code=None):
    """Run examples/<name> (or ``python -c code`` when given) and return the CompletedProcess."""
    cmd = [sys.executable] + (['-c', code] if code is not None else [str(EXAMPLES / name)])
    proc = subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True,
                          cwd=str(ROOT), timeout=TIMEOUT)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def as_torch(source):
    """The example's source with every ember import replaced by the torch one."""
    out = (source.replace('import ember as torch\n', 'import torch\n')
           .replace('from ember import ', 'from torch import ')
           .replace('from ember.utils.data import ', 'from torch.utils.data import '))
    assert not re.search(r'^\s*(import|from) ember', out, re.M), 'an ember import is left'
    return out


def field(lines, name):
    """The float printed after ``name`` on each line that has it."""
    pat = re.compile(re.escape(name) + r'\s+(-?\d+\.\d+)')
    return [float(m.group(1)) for m in map(pat.search, lines) if m]


# ---- 1. linear regression by hand -----------------------------------------------------------
BY_HAND = EXAMPLES / 'linear_regression_by_hand.py'

# What the study notes (seed 001) print for this program, epochs 0..1900.
SEED_LINES = """\
Epoch    0/2000 W: 0.187, b: 0.080 Cost: 18.666666
Epoch  100/2000 W: 1.746, b: 0.578 Cost: 0.048171
Epoch  200/2000 W: 1.800, b: 0.454 Cost: 0.029767
Epoch 1000/2000 W: 1.971, b: 0.066 Cost: 0.000633
Epoch 1900/2000 W: 1.997, b: 0.008 Cost: 0.000008""".splitlines()


def test_linear_regression_by_hand_learns_w2_b0():
    out = run_example(BY_HAND.name).stdout.splitlines()
    epochs = [line for line in out if line.startswith('Epoch')]
    assert len(epochs) == 21
    for line in SEED_LINES:
        assert line in epochs
    costs = field(epochs, 'Cost:')
    assert all(a > b for a, b in zip(costs, costs[1:]))
    w, b = map(float, re.search(r'learned W = (\S+), b = (\S+) ', '\n'.join(out)).groups())
    assert abs(w - 2) < 0.005 and abs(b) < 0.01
    pred = float(next(line for line in out if line.startswith('prediction')).split()[-1])
    assert abs(pred - 8) < 0.01
    assert out[-3:] == ['without zero_(): w.grad = 2.0', 'without zero_(): w.grad = 4.0',
                        'without zero_(): w.grad = 6.0']


def test_linear_regression_by_hand_options():
    out = run_example(BY_HAND.name, '--epochs', 50, '--lr', 0.05, '--print-every', 10).stdout
    epochs = [line for line in out.splitlines() if line.startswith('Epoch')]
    assert [line.split('/')[0] for line in epochs] == [
        'Epoch    0', 'Epoch   10', 'Epoch   20', 'Epoch   30', 'Epoch   40', 'Epoch   50']
    assert epochs[0].endswith('Cost: 18.666666')


def test_linear_regression_by_hand_matches_torch():
    pytest.importorskip('torch')
    args = ['--epochs', '1000', '--print-every', '50']
    ours = run_example(BY_HAND.name, *args).stdout
    theirs = run_example(None, *args, code=as_torch(BY_HAND.read_text())).stdout
    assert len(ours.splitlines()) == 21 + 5
    assert ours == theirs  # elementwise float32 math: identical digits


# ---- 2./3. MLP and CNN on Digits, and on MNIST when the files exist --------------------------
def test_mlp_digits():
    out = run_example('mlp_digits.py', '--epochs', 5, '--lr', 0.003).stdout.splitlines()
    assert out[0] == 'digits: 1437 training images, 360 test images, 8x8 pixels'
    assert 'Linear(in_features=64, out_features=128, bias=True)' in '\n'.join(out)
    losses = field(out, 'train loss')
    assert len(losses) == 5 and all(a > b for a, b in zip(losses, losses[1:]))
    assert losses[-1] < 0.4 * losses[0]
    assert out[-1].startswith('final test accuracy:')
    assert float(out[-1].split()[-1]) > 0.93


def test_cnn_digits():
    out = run_example('cnn_digits.py', '--epochs', 4, '--lr', 0.005).stdout.splitlines()
    assert out[0] == 'digits: 1437 training images, 360 test images, 8x8 pixels'
    assert 'Conv2d(16, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))' in '\n'.join(out)
    assert '6090 parameters' in out
    train, test = field(out, 'train loss'), field(out, 'test loss')
    assert len(train) == 4 and all(a > b for a, b in zip(train, train[1:]))
    assert test[-1] < 0.5 * test[0]
    assert float(out[-1].split()[-1]) > 0.95


def write_idx(path, array, gz):
    """An IDX file (unsigned bytes) as the MNIST files are: magic 0x0000080N, sizes, data."""
    data = struct.pack('>I', 0x0800 + array.ndim) + struct.pack(f'>{array.ndim}I', *array.shape)
    data += array.astype(np.uint8).tobytes()
    if gz:
        path, data = path + '.gz', gzip.compress(data)
    with open(path, 'wb') as f:
        f.write(data)


def fake_mnist(root, n_train=300, n_test=100):
    """Fake 28x28 'digits': noise plus a bright 8x4 bar whose place gives the label."""
    raw = os.path.join(root, 'MNIST', 'raw')
    os.makedirs(raw)
    rng = np.random.default_rng(0)
    for prefix, n in (('train', n_train), ('t10k', n_test)):
        labels = rng.integers(0, 10, n)
        images = rng.integers(0, 60, (n, 28, 28))
        for i, c in enumerate(labels):
            row, col = 3 + (c // 5) * 12, 1 + (c % 5) * 5
            images[i, row:row + 8, col:col + 4] = 255
        write_idx(os.path.join(raw, f'{prefix}-images-idx3-ubyte'), images, gz=prefix == 't10k')
        write_idx(os.path.join(raw, f'{prefix}-labels-idx1-ubyte'), labels, gz=False)


@pytest.mark.parametrize('name, epochs, parameters', [('mlp_digits.py', 3, None),
                                                      ('cnn_digits.py', 2, '20490 parameters')])
def test_mnist_branch_reads_idx_files(tmp_path, name, epochs, parameters):
    fake_mnist(str(tmp_path))
    out = run_example(name, '--dataset', 'mnist', '--data', tmp_path,
                      '--epochs', epochs).stdout.splitlines()
    assert out[0] == 'mnist: 300 training images, 100 test images, 28x28 pixels'
    text = '\n'.join(out)
    if parameters:
        assert parameters in out and 'in_features=1568' in text  # 32 * 7 * 7
    else:
        assert 'Linear(in_features=784, out_features=128, bias=True)' in text
    losses = field(out, 'train loss')
    assert len(losses) == epochs and losses[-1] < 0.5 * losses[0]
    assert float(out[-1].split()[-1]) > 0.9


@pytest.mark.parametrize('name', ['mlp_digits.py', 'cnn_digits.py'])
def test_mnist_branch_without_files_fails_clearly(tmp_path, name):
    proc = run_example(name, '--dataset', 'mnist', '--data', tmp_path / 'nothing', ok=False)
    assert proc.returncode == 1
    assert proc.stdout == ''
    err = proc.stderr
    assert err.startswith(f"MNIST files not found under --data '{tmp_path / 'nothing'}'")
    assert 'train-images-idx3-ubyte' in err and 'train-labels-idx1-ubyte' in err
    assert str(tmp_path / 'nothing' / 'MNIST' / 'raw') in err
    assert f'run the Digits version: python examples/{name}' in err
    assert 'Traceback' not in err


# ---- 4. custom Dataset over PNG folders -----------------------------------------------------
def test_custom_dataset_with_workers(tmp_path):
    pytest.importorskip('PIL')
    out = run_example('custom_dataset.py', '--per-class', 40, '--epochs', 4, '--workers', 2,
                      '--root', tmp_path).stdout.splitlines()
    assert out[0] == f'wrote 400 training and 350 test PNG files under {tmp_path}'
    assert out[1] == ("classes ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']; one item: "
                      "image (1, 16, 16) torch.float32, label 0")
    for split, n in (('train', 400), ('test', 350)):
        folders = sorted(p.name for p in (tmp_path / split).iterdir())
        assert folders == [str(c) for c in range(10)]
        assert sum(len(list((tmp_path / split / c).glob('*.png'))) for c in folders) == n
    losses = field(out, 'train loss')
    assert len(losses) == 4 and all(a > b for a, b in zip(losses, losses[1:]))
    assert out[-1].startswith('test accuracy:') and float(out[-1].split()[-1]) > 0.8


def test_custom_dataset_temporary_folder_is_removed():
    pytest.importorskip('PIL')
    out = run_example('custom_dataset.py', '--per-class', 10, '--epochs', 1,
                      '--workers', 0).stdout.splitlines()
    folder = out[0].rsplit(' under ', 1)[1]
    assert out[0].startswith('wrote 100 training and 100 test PNG files')
    assert not os.path.exists(folder)


def test_custom_dataset_without_pillow_names_the_extra():
    code = ('import sys, runpy; sys.modules["PIL"] = None; '
            f'runpy.run_path({str(EXAMPLES / "custom_dataset.py")!r}, run_name="__main__")')
    proc = run_example(None, code=code, ok=False)
    assert proc.returncode == 1
    assert 'pillow, which is not installed' in proc.stderr
    assert 'pip install "ember[vision]"' in proc.stderr


# ---- 5. gradient accumulation, clipping, StepLR ----------------------------------------------
GRAD_ACC = EXAMPLES / 'grad_accumulation.py'
GRAD_ACC_ARGS = ['--epochs', '6', '--samples', '600', '--step-size', '2', '--gamma', '0.5']


def test_grad_accumulation():
    out = run_example(GRAD_ACC.name, *GRAD_ACC_ARGS).stdout.splitlines()
    assert out[0] == ('500 training samples, batches of 16, 4 batches per step '
                      '(effective batch 64)')
    epochs = [line for line in out if line.startswith('epoch')]
    assert len(epochs) == 6
    assert field(epochs, 'lr') == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]   # StepLR
    losses = field(epochs, 'loss')
    assert all(a > b for a, b in zip(losses, losses[1:])) and losses[-1] < 0.3 * losses[0]
    # 500 samples / 16 = 32 batches (the last one short) -> 8 optimizer steps per epoch
    steps = [re.search(r'clipped (\d+)/(\d+) steps', line).groups() for line in epochs]
    assert all(total == '8' for _, total in steps)
    norms = field(epochs, 'grad norm max')
    clipped = [int(c) for c, _ in steps]
    # a step is clipped exactly when its norm exceeds --max-norm 0.5
    assert clipped[0] > 0 and norms[0] > 0.5
    assert all(c == 0 for c, n in zip(clipped, norms) if n <= 0.5)
    assert float(out[-1].split()[-1]) > 0.85


def test_grad_accumulation_matches_torch():
    pytest.importorskip('torch')
    ours = run_example(GRAD_ACC.name, *GRAD_ACC_ARGS).stdout.splitlines()
    theirs = run_example(None, *GRAD_ACC_ARGS, code=as_torch(GRAD_ACC.read_text())).stdout
    theirs = theirs.splitlines()
    assert len(ours) == len(theirs) == 8
    assert ours[0] == theirs[0]
    number = re.compile(r'-?\d+\.\d+')
    for a, b in zip(ours[1:], theirs[1:]):
        # Same text (so the same clipped/steps counts), and the same numbers up to float32
        # summation order (matmul, mean): losses and norms within 2e-3, lr exactly, accuracy on
        # 100 samples within one sample.
        assert number.sub('#', a) == number.sub('#', b), (a, b)
        for name, tol in (('loss', 2e-3), ('lr', 0), ('grad norm max', 2e-3),
                          ('accuracy', 0.0101)):
            for x, y in zip(field([a], name), field([b], name)):
                assert abs(x - y) <= tol, (name, a, b)


# ---- every example: a docstring saying what it shows and how to run it; --help works -----------
@pytest.mark.parametrize('name', ['linear_regression_by_hand.py', 'mlp_digits.py', 'cnn_digits.py',
                                  'custom_dataset.py', 'grad_accumulation.py'])
def test_example_docstring_and_help(name):
    import ast
    doc = ast.get_docstring(ast.parse((EXAMPLES / name).read_text()))
    assert doc and 'Run:' in doc and f'python examples/{name}' in doc
    if name == 'custom_dataset.py':
        pytest.importorskip('PIL')
    proc = run_example(name, '--help')
    assert proc.stdout.startswith('usage:') and '--epochs' in proc.stdout
    assert doc.splitlines()[0] in ' '.join(proc.stdout.split())
