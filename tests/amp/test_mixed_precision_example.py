"""examples/mixed_precision.py runs with small settings: autocast gives bfloat16 logits and a
float32 loss, the loss goes down, the test accuracy is high, the same program under PyTorch
prints the same numbers (to float32/bfloat16 rounding), and without ml_dtypes it falls back to
float16 with a note."""
import ast
import re

import pytest

import ember
from tests.test_examples_data import EXAMPLES, as_torch, field, run_example

NAME = 'mixed_precision.py'
SOURCE = (EXAMPLES / NAME).read_text()
ARGS = ['--epochs', '3']
DATA_IMPORT = 'from ember.vision.datasets import Digits'
needs_bf16 = pytest.mark.skipif(not ember._dtype.HAS_BFLOAT16, reason='needs ml_dtypes')


def torch_source():
    """The example with ``import torch``; the bundled Digits data still comes from ember."""
    assert DATA_IMPORT in SOURCE
    return as_torch(SOURCE.replace(DATA_IMPORT, '#DATA#')).replace('#DATA#', DATA_IMPORT)


def check_training(lines, dtype, epochs):
    assert lines[-epochs - 3] == (f'digits: 1437 training and 360 test images; '
                                  f'autocast dtype torch.{dtype}')
    assert lines[-epochs - 2] == (f'inside autocast: parameters torch.float32, '
                                  f'logits torch.{dtype}, loss torch.float32')
    losses = field(lines, 'train loss')
    assert len(losses) == epochs
    assert all(a > b for a, b in zip(losses, losses[1:])), losses
    assert lines[-1].startswith('final test accuracy:')
    return losses, float(lines[-1].split()[-1])


@needs_bf16
def test_bfloat16_training_learns():
    lines = run_example(NAME, *ARGS).stdout.splitlines()
    assert len(lines) == 6
    losses, acc = check_training(lines, 'bfloat16', 3)
    assert losses[-1] < 0.25 * losses[0]
    assert acc > 0.93
    assert re.findall(r'scale (\d+)$', '\n'.join(lines), re.M) == ['65536'] * 3  # no backoff


@needs_bf16
def test_same_numbers_under_torch():
    pytest.importorskip('torch')
    ours = run_example(NAME, *ARGS).stdout.splitlines()
    theirs = run_example(None, *ARGS, code=torch_source()).stdout.splitlines()
    assert len(ours) == len(theirs) == 6
    number = re.compile(r'-?\d+\.\d+')
    for a, b in zip(ours, theirs):
        # Same text and the same numbers up to float32 summation order in the bfloat16-rounded
        # matmuls (measured: losses differ by <= 1e-4); accuracy on 360 images within 1 image.
        assert number.sub('#', a) == number.sub('#', b), (a, b)
        for name, tol in (('train loss', 1e-3), ('test accuracy', 1 / 360 + 1e-6)):
            for x, y in zip(field([a], name), field([b], name)):
                assert abs(x - y) <= tol, (name, a, b)


def test_without_ml_dtypes_falls_back_to_float16():
    code = ('import sys, runpy; sys.modules["ml_dtypes"] = None; '
            f'runpy.run_path({str(EXAMPLES / NAME)!r}, run_name="__main__")')
    lines = run_example(None, '--epochs', 2, code=code).stdout.splitlines()
    assert lines[0] == ('note: bfloat16 needs the optional ml_dtypes package: '
                        'pip install "ember[bfloat16]"; using float16 autocast instead')
    _, acc = check_training(lines, 'float16', 2)
    assert acc > 0.9


def test_docstring_and_help():
    doc = ast.get_docstring(ast.parse(SOURCE))
    assert 'Run:' in doc and f'python examples/{NAME}' in doc
    proc = run_example(NAME, '--help')
    assert proc.stdout.startswith('usage:') and '--dtype {bfloat16,float16}' in proc.stdout
    assert doc.splitlines()[0] in ' '.join(proc.stdout.split())
