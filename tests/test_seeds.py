"""The seed documents' programs (tests/data/seeds, copies of the study notes) run on ember
and must print exactly what the documents print.

Each test runs a program from a notebook cell of a seed and compares its output with the
lines the seed shows after that cell.
"""
import contextlib
import io
import pathlib

import ember

SEEDS = pathlib.Path(__file__).parent / 'data' / 'seeds'
LINEAR_REGRESSION = SEEDS / '001_e7a531c01e9e73ef.txt'


def printed(program):
    """Run ``program`` with ``torch`` bound to ember; return its stdout lines."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(program, {'torch': ember})
    return buf.getvalue().rstrip('\n').split('\n')


def seed_output(path, cell, first_line, n_lines):
    """The ``n_lines`` lines the seed prints for cell ``In [cell]:``, starting at the line
    that equals ``first_line`` after the cell's marker."""
    lines = path.read_text(encoding='utf-8').split('\n')
    start = lines.index(f'In [{cell}]:')
    for i in range(start, len(lines)):
        if lines[i].rstrip() == first_line:
            return [ln.rstrip() for ln in lines[i:i + n_lines]]
    raise AssertionError(f'{first_line!r} is not printed after cell {cell} of {path.name}')


def check(path, cell, program):
    out = printed(program)
    assert out == seed_output(path, cell, out[0], len(out))


def test_printing_training_data():
    check(LINEAR_REGRESSION, 4, '''
x_train = torch.FloatTensor([[1], [2], [3]])
y_train = torch.FloatTensor([[2], [4], [6]])
print(x_train)
print(x_train.shape)
print(y_train)
print(y_train.shape)
''')


def test_printing_parameters_and_grad_fn():
    program = '''
x_train = torch.FloatTensor([[1], [2], [3]])
y_train = torch.FloatTensor([[2], [4], [6]])
W = torch.zeros(1, requires_grad=True)
print(W)
b = torch.zeros(1, requires_grad=True)
hypothesis = x_train * W + b
print(hypothesis)
cost = torch.mean((hypothesis - y_train) ** 2)
print(cost)
'''
    out = printed(program)
    assert out[0] == seed_output(LINEAR_REGRESSION, 5, out[0], 1)[0]
    assert out[1:5] == seed_output(LINEAR_REGRESSION, 7, out[1], 3) + [out[4]]
    assert out[4] == seed_output(LINEAR_REGRESSION, 8, out[4], 1)[0]
    assert out[4] == 'tensor(18.6667, grad_fn=<MeanBackward0>)'


def test_gradient_accumulation_demo():
    check(LINEAR_REGRESSION, 14, '''
w = torch.tensor(2.0, requires_grad=True)

nb_epochs = 20
for epoch in range(nb_epochs + 1):

  z = 2*w

  z.backward()
  print('수식을 w로 미분한 값 : {}'.format(w.grad))
''')


def test_manual_seed_rand_demo():
    check(LINEAR_REGRESSION, 16, '''
torch.manual_seed(3)
print('랜덤 시드가 3일 때')
for i in range(1,3):
  print(torch.rand(1))

torch.manual_seed(5)
print('랜덤 시드가 5일 때')
for i in range(1,3):
  print(torch.rand(1))

torch.manual_seed(3)
print('랜덤 시드가 다시 3일 때')
for i in range(1,3):
  print(torch.rand(1))
''')


def test_pow_sum_backward_is_two_x():
    """Seed 003 §5.1.2: y = x.pow(2).sum(); y.backward() gives dy/dx = 2x."""
    text = (SEEDS / '003_0b848a13e8f12049.txt').read_text(encoding='utf-8')
    assert 'y = x.pow(2).sum()' in text and 'dy/dx = 2x' in text
    ember.manual_seed(0)
    x = ember.randn(2, 2, requires_grad=True)
    y = x.pow(2).sum()
    y.backward()
    assert x.grad.tolist() == (2 * x).tolist()
    assert y.grad_fn.name() == 'SumBackward0'
    assert x.grad.shape == x.shape


SEED_LINEAR_MODEL = '''
torch.manual_seed(777)
X = torch.FloatTensor([[1], [2], [3]])
Y = torch.FloatTensor([[1], [2], [3]])
model = torch.nn.Linear(1, 1, bias=True)
print(model.weight, model.bias)
criterion = torch.nn.MSELoss()
for step in range(2001):
    model.zero_grad()
    hypothesis = model(X)
    cost = criterion(hypothesis, Y)
    cost.backward()
    with torch.no_grad():                  # optimizer.step() of optim.SGD(lr=0.01)
        for p in model.parameters():
            p.add_(p.grad, alpha=-0.01)
    if step % 20 == 0:                     # the log format of the seeds' regression runs
        print('Epoch {:4d}/2000 W: {:.3f}, b: {:.3f} Cost: {:.6f}'.format(
            step, model.weight.item(), model.bias.item(), cost.item()))
print(model(torch.autograd.Variable(torch.Tensor([[5]]))))
print(model.weight.grad, model.bias.grad)
'''


def test_seed_linear_model_with_manual_seed_777_prints_what_torch_prints():
    """Seed 000's nn.Linear(1, 1) regression (SGD's update written out: optim is issue 4)."""
    import pytest
    torch = pytest.importorskip('torch')
    out = printed(SEED_LINEAR_MODEL)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(SEED_LINEAR_MODEL, {'torch': torch})
    expected = buf.getvalue().rstrip('\n').split('\n')
    assert 'tensor([[-0.8362]], requires_grad=True)' in '\n'.join(out[:3])
    assert out == expected
