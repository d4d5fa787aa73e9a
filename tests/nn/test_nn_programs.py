"""Learner-style nn programs run on PyTorch and on ember must print exactly the same."""
import pytest

import ember
from tests.test_tutorial_programs import run

real_torch = pytest.importorskip('torch')

HEADER = '''
nn = torch.nn
F = torch.nn.functional
'''

PROGRAMS = {}

PROGRAMS['mnist_cnn_class'] = '''
torch.manual_seed(1)
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.dropout = nn.Dropout(0.25)
        self.fc1 = nn.Linear(16 * 6 * 6, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        return F.log_softmax(self.fc2(x), dim=1)

model = Net()
print(model)
x = torch.randn(4, 1, 28, 28)
y = torch.tensor([3, 1, 4, 1])
out = model(x)
loss = F.nll_loss(out, y)
print(out.shape, f'{loss.item():.4f}')
loss.backward()
print(f'{model.conv1.weight.grad.abs().sum().item():.3f}')
print(model.bn1.running_mean[:3], model.bn1.num_batches_tracked)
model.eval()
with torch.no_grad():
    print(model(x).argmax(dim=1))
print(sum(p.numel() for p in model.parameters() if p.requires_grad))
for name, p in model.named_parameters():
    print(name, p.size())
print(model.state_dict().keys())
'''

PROGRAMS['softmax_cross_entropy_by_hand'] = '''
torch.manual_seed(1)
z = torch.FloatTensor([1, 2, 3])
hypothesis = F.softmax(z, dim=0)
print(hypothesis, hypothesis.sum())
z = torch.rand(3, 5, requires_grad=True)
hypothesis = F.softmax(z, dim=1)
print(hypothesis)
y = torch.randint(5, (3,)).long()
print(y)
y_one_hot = torch.zeros_like(hypothesis)
y_one_hot.scatter_(1, y.unsqueeze(1), 1)
print(y_one_hot)
cost = (y_one_hot * -torch.log(hypothesis)).sum(dim=1).mean()
print(cost)
print(F.log_softmax(z, dim=1))
print((y_one_hot * -F.log_softmax(z, dim=1)).sum(dim=1).mean())
print(F.nll_loss(F.log_softmax(z, dim=1), y))
print(F.cross_entropy(z, y))
print(F.one_hot(y, num_classes=5))
'''

PROGRAMS['sequential_xor_training'] = '''
torch.manual_seed(777)
X = torch.FloatTensor([[0, 0], [0, 1], [1, 0], [1, 1]])
Y = torch.FloatTensor([[0], [1], [1], [0]])
model = nn.Sequential(nn.Linear(2, 10, bias=True), nn.Sigmoid(),
                      nn.Linear(10, 1, bias=True), nn.Sigmoid())
criterion = torch.nn.BCELoss()
print(model)
for step in range(301):
    model.zero_grad()
    hypothesis = model(X)
    cost = criterion(hypothesis, Y)
    cost.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= 1.0 * p.grad
    if step % 100 == 0:
        print(step, f'{cost.item():.5f}')
with torch.no_grad():
    hypothesis = model(X)
    predicted = (hypothesis > 0.5).float()
    print((predicted == Y).float().mean().item())
'''

PROGRAMS['dropout_and_batchnorm_modes'] = '''
torch.manual_seed(0)
drop = nn.Dropout(p=0.5)
x = torch.ones(2, 8)
print(drop(x))
drop.eval()
print(drop(x))
bn = nn.BatchNorm1d(3)
for _ in range(3):
    bn(torch.randn(5, 3) * 2 + 1)
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn.eval()
print(bn(torch.ones(2, 3)))
print(bn)
print(nn.LayerNorm(4)(torch.arange(8.).view(2, 4)))
'''

PROGRAMS['module_containers_and_hooks'] = '''
torch.manual_seed(0)
layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
heads = nn.ModuleDict({'a': nn.Linear(4, 2), 'b': nn.Linear(4, 1)})
print(layers)
print(heads)
shapes = []
h = layers[0].register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape)))
x = torch.randn(2, 4)
for layer in layers:
    x = torch.tanh(layer(x))
print(shapes, heads['a'](x).shape)
h.remove()
print(nn.Sequential(*layers)[1:])
print(list(dict(heads.named_parameters()).keys()))
'''

PROGRAMS['init_and_parameters'] = '''
torch.manual_seed(3)
lin = nn.Linear(3, 2)
print(lin.weight)
print(lin.bias)
nn.init.xavier_uniform_(lin.weight)
nn.init.zeros_(lin.bias)
print(lin.weight, lin.bias)
conv = nn.Conv2d(2, 3, 3)
nn.init.kaiming_normal_(conv.weight, mode='fan_out', nonlinearity='relu')
print(conv.weight[0, 0])
emb = nn.Embedding(5, 2, padding_idx=0)
print(emb.weight)
print(emb(torch.tensor([[0, 2], [4, 3]])))
'''

PROGRAMS['error_wrong_in_features'] = '''
model = nn.Sequential(nn.Linear(784, 10))
model(torch.zeros(2, 1, 28, 28))
'''

PROGRAMS['error_conv_channels'] = '''
conv = nn.Conv2d(3, 6, 5)
conv(torch.zeros(1, 1, 28, 28))
'''

PROGRAMS['error_target_out_of_bounds'] = '''
F.cross_entropy(torch.zeros(2, 10), torch.tensor([1, 12]))
'''


@pytest.mark.parametrize('name', sorted(PROGRAMS))
def test_nn_program_prints_what_pytorch_prints(name):
    program = HEADER + PROGRAMS[name]
    expected, expected_error = run(program, real_torch)
    got, error = run(program, ember)
    assert got == expected
    if expected_error is None:
        assert error is None, f'ember raised {error!r}; PyTorch did not'
    else:
        assert type(error) is type(expected_error), (
            f'PyTorch raised {expected_error!r}, ember raised {error!r}')
        first = str(expected_error).split('\n')[0]
        assert str(error).startswith(first.split(' (')[0]), (str(error), first)
