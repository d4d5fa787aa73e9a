"""Learner-style PyTorch programs run twice, once on real PyTorch and once on ember,
and must print exactly the same thing (or raise the same exception type).

Each program is a short snippet of the kind tutorials and study notes show: it uses
``torch.`` and prints several values, reprs, shapes and dtypes.
"""
import contextlib
import io

import pytest

import ember

real_torch = pytest.importorskip('torch')


def run(program, lib):
    """Run ``program`` with ``torch`` bound to ``lib``; return (stdout, exception or None)."""
    buf = io.StringIO()
    error = None
    with contextlib.redirect_stdout(buf):
        try:
            exec(program, {'torch': lib})
        except Exception as e:  # noqa: BLE001 - compared with PyTorch's below
            error = e
    return buf.getvalue(), error


PROGRAMS = {}

PROGRAMS['create_1d_2d'] = '''
t = torch.FloatTensor([0., 1., 2., 3., 4., 5., 6.])
print(t)
print(t.dim())
print(t.shape)
print(t.size())
print(t[0], t[1], t[-1])
print(t[2:5], t[4:-1])
print(t[:2], t[3:])
m = torch.FloatTensor([[1., 2., 3.], [4., 5., 6.], [7., 8., 9.], [10., 11., 12.]])
print(m)
print(m.dim(), m.size())
print(m[:, 1])
print(m[:, 1].size())
print(m[:, :-1])
'''

PROGRAMS['tensor_dtypes'] = '''
a = torch.tensor([1, 2, 3])
b = torch.tensor([1.0, 2.0, 3.0])
c = torch.tensor([True, False])
d = torch.tensor([1, 2], dtype=torch.float64)
e = torch.tensor(3.5)
for x in (a, b, c, d, e):
    print(x, x.dtype, x.shape, x.ndim)
print(torch.LongTensor([1, 2]), torch.ByteTensor([1, 2]))
print(torch.IntTensor([1, 2]).dtype)
print(torch.get_default_dtype())
'''

PROGRAMS['creation_funcs'] = '''
print(torch.zeros(2, 3))
print(torch.ones(3))
print(torch.zeros((2, 2), dtype=torch.int64))
print(torch.full((2, 3), 7))
print(torch.full((2,), 1.5))
print(torch.eye(3))
print(torch.eye(2, 3))
print(torch.arange(5))
print(torch.arange(1, 10, 2))
print(torch.arange(0, 1, 0.25))
print(torch.arange(5.0))
print(torch.empty(0))
print(torch.zeros(0, 3))
x = torch.tensor([[1, 2], [3, 4]])
print(torch.zeros_like(x), torch.ones_like(x, dtype=torch.float32))
print(torch.full_like(x, 9))
'''

PROGRAMS['broadcasting'] = '''
m1 = torch.FloatTensor([[3, 3]])
m2 = torch.FloatTensor([[2, 2]])
print(m1 + m2)
m1 = torch.FloatTensor([[1, 2]])
m2 = torch.FloatTensor([3])
print(m1 + m2)
m1 = torch.FloatTensor([[1, 2]])
m2 = torch.FloatTensor([[3], [4]])
print(m1 + m2)
print((m1 + m2).shape)
print(torch.ones(3, 1, 2) * torch.arange(4).view(4, 1))
'''

PROGRAMS['mul_vs_matmul'] = '''
m1 = torch.FloatTensor([[1, 2], [3, 4]])
m2 = torch.FloatTensor([[1], [2]])
print('Shape of Matrix 1: ', m1.shape)
print('Shape of Matrix 2: ', m2.shape)
print(m1.matmul(m2))
print(m1 * m2)
print(m1.mul(m2))
print(m1 @ m1)
print(torch.mm(m1, m1.t()))
print(torch.dot(torch.tensor([1., 2.]), torch.tensor([3., 4.])))
print(torch.mv(m1, torch.tensor([1., 1.])))
b = torch.arange(24.).view(2, 3, 4)
c = torch.arange(8.).view(2, 4, 1)
print(torch.bmm(b, c))
print(torch.matmul(b, torch.ones(4)))
'''

PROGRAMS['mean_sum'] = '''
t = torch.FloatTensor([[1, 2], [3, 4]])
print(t.mean())
print(t.mean(dim=0))
print(t.mean(dim=1))
print(t.mean(dim=-1))
print(t.sum())
print(t.sum(dim=0))
print(t.sum(dim=1, keepdim=True))
print(t.sum(-1))
t = torch.LongTensor([1, 2])
try:
    print(t.mean())
except Exception as exc:
    print(type(exc).__name__)
print(t.sum(), t.sum().dtype)
'''

PROGRAMS['max_argmax'] = '''
t = torch.FloatTensor([[1, 2], [3, 4]])
print(t.max())
print(t.max(dim=0))
print('Max: ', t.max(dim=0)[0])
print('Argmax: ', t.max(dim=0)[1])
print(t.max(dim=1))
print(t.max(dim=-1))
print(t.argmax(), t.argmax(dim=1))
print(t.min(dim=0, keepdim=True))
values, indices = torch.max(t, 1)
print(values, indices)
print(torch.max(t, torch.tensor([[2., 2.], [2., 5.]])))
print(t.argmin(dim=0))
'''

PROGRAMS['view_reshape'] = '''
import numpy as np
t = np.array([[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]])
ft = torch.FloatTensor(t)
print(ft.shape)
print(ft.view([-1, 3]))
print(ft.view([-1, 3]).shape)
print(ft.view([-1, 1, 3]))
print(ft.view([-1, 1, 3]).shape)
print(ft.reshape(4, 3))
print(ft.reshape(-1))
print(ft.flatten(), ft.flatten(1))
'''

PROGRAMS['squeeze_unsqueeze'] = '''
ft = torch.FloatTensor([[0], [1], [2]])
print(ft)
print(ft.shape)
print(ft.squeeze())
print(ft.squeeze().shape)
ft = torch.Tensor([0, 1, 2])
print(ft.shape)
print(ft.unsqueeze(0))
print(ft.unsqueeze(0).shape)
print(ft.view(1, -1))
print(ft.unsqueeze(1))
print(ft.unsqueeze(-1).shape)
print(torch.zeros(1, 2, 1, 3).squeeze(0).shape, torch.zeros(1, 2, 1, 3).squeeze(2).shape)
'''

PROGRAMS['type_casting'] = '''
lt = torch.LongTensor([1, 2, 3, 4])
print(lt)
print(lt.float())
bt = torch.ByteTensor([True, False, False, True])
print(bt)
print(bt.long())
print(bt.float())
print(lt.to(torch.float64))
print(lt.double(), lt.int(), lt.short(), lt.half().dtype)
print(lt.type(torch.float32))
print(lt.type())
print(torch.tensor([1.7, -1.7]).long())
print(lt.bool())
'''

PROGRAMS['concatenate_stack'] = '''
x = torch.FloatTensor([[1, 2], [3, 4]])
y = torch.FloatTensor([[5, 6], [7, 8]])
print(torch.cat([x, y], dim=0))
print(torch.cat([x, y], dim=1))
x = torch.FloatTensor([1, 4])
y = torch.FloatTensor([2, 5])
z = torch.FloatTensor([3, 6])
print(torch.stack([x, y, z]))
print(torch.stack([x, y, z], dim=1))
print(torch.cat([x.unsqueeze(0), y.unsqueeze(0), z.unsqueeze(0)], dim=0))
print(torch.hstack([x, y]), torch.vstack([x, y]))
'''

PROGRAMS['ones_zeros_like'] = '''
x = torch.FloatTensor([[0, 1, 2], [2, 1, 0]])
print(x)
print(torch.ones_like(x))
print(torch.zeros_like(x))
'''

PROGRAMS['inplace'] = '''
x = torch.FloatTensor([[1, 2], [3, 4]])
print(x.mul(2.))
print(x)
print(x.mul_(2.))
print(x)
x.add_(1)
print(x)
x.sub_(torch.ones(2))
print(x)
x.div_(2)
print(x)
x.zero_()
print(x)
x.fill_(3.5)
print(x)
y = torch.arange(4)
y += 10
print(y)
y *= 2
print(y)
'''

PROGRAMS['split_chunk'] = '''
x = torch.arange(10)
print(x.split(3))
print(torch.split(x, [2, 3, 5]))
print(x.chunk(3))
print(torch.chunk(x, 4))
m = torch.arange(12).view(3, 4)
print(m.split(2, dim=1))
print(m.chunk(2, dim=0))
a, b = m.unbind(1)[:2]
print(a, b)
print(torch.tensor_split(x, 3))
'''

PROGRAMS['permute_transpose'] = '''
x = torch.arange(24).view(2, 3, 4)
print(x.permute(2, 0, 1).shape)
print(x.permute(2, 0, 1))
print(x.transpose(0, 1))
print(x.transpose(1, 2).is_contiguous())
print(x.transpose(1, 2).contiguous().view(-1))
print(x.t() if x.dim() == 2 else x.mT.shape)
m = torch.arange(6).view(2, 3)
print(m.t(), m.T)
print(torch.swapaxes(x, 0, 2).shape)
print(x.movedim(0, -1).shape)
try:
    x.transpose(1, 2).view(-1)
except RuntimeError as e:
    print('RuntimeError')
'''

PROGRAMS['comparisons'] = '''
a = torch.tensor([1, 5, 3, 7])
b = torch.tensor([4, 5, 2, 8])
print(a > b, a >= b, a == b, a != b, a < 3)
print(torch.eq(a, b), torch.gt(a, 4))
print((a > 2) & (a < 7), (a < 2) | (a > 6), ~(a > 2))
print(torch.logical_and(a > 2, b > 2), torch.logical_not(a > 2))
print(torch.equal(a, a.clone()), torch.equal(a, b))
print(torch.allclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9])))
print(torch.isclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1])))
print(torch.where(a > b, a, b))
print(torch.where(a > 3, a, 0))
print((a > 3).sum(), (a > 3).float().mean())
print(torch.any(a > 6), torch.all(a > 0))
'''

PROGRAMS['indexing_advanced'] = '''
x = torch.arange(20).view(4, 5)
print(x[1])
print(x[1, 2], x[1][2])
print(x[:, 0])
print(x[1:3, 2:])
print(x[::2])
print(x[..., -1])
print(x[None].shape, x[:, None].shape)
print(x[[0, 2]])
print(x[[0, 2], [1, 3]])
print(x[x > 10])
print(x[torch.tensor([True, False, True, False])])
idx = torch.tensor([3, 0])
print(x[idx])
print(x[:, idx])
print(x[-1, -1].item())
'''

PROGRAMS['index_assign'] = '''
x = torch.zeros(3, 4)
x[0] = 1
x[1, 2] = 5
x[:, -1] = torch.tensor([7., 8., 9.])
print(x)
x[x > 4] = -1
print(x)
x[[0, 2], [0, 1]] = 3.5
print(x)
y = torch.arange(10)
y[2:5] = 0
print(y)
y[y % 2 == 1] *= 10
print(y)
z = torch.zeros(2, 3, dtype=torch.int64)
z[0, :] = torch.tensor([1, 2, 3])
print(z)
v = x[0]
v[0] = 100
print(x)
'''

PROGRAMS['autograd_basic'] = '''
w = torch.tensor(2.0, requires_grad=True)
y = w ** 2
z = 2 * y + 5
z.backward()
print('수식을 w로 미분한 값 : {}'.format(w.grad))
print(w, y, z)
print(y.grad_fn.name(), z.grad_fn.name())
print(w.is_leaf, y.is_leaf, y.requires_grad)
'''

PROGRAMS['linear_regression_steps'] = '''
x_train = torch.FloatTensor([[1], [2], [3]])
y_train = torch.FloatTensor([[2], [4], [6]])
W = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.01
for epoch in range(1001):
    hypothesis = x_train * W + b
    cost = torch.mean((hypothesis - y_train) ** 2)
    if W.grad is not None:
        W.grad.zero_()
        b.grad.zero_()
    cost.backward()
    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
    if epoch % 100 == 0:
        print('Epoch {:4d}/{} W: {:.3f}, b: {:.3f} Cost: {:.6f}'.format(
            epoch, 1000, W.item(), b.item(), cost.item()))
print(W, b)
print(hypothesis)
print(cost)
'''

PROGRAMS['logistic_manual'] = '''
torch.manual_seed(1)
x_data = [[1, 2], [2, 3], [3, 1], [4, 3], [5, 3], [6, 2]]
y_data = [[0], [0], [0], [1], [1], [1]]
x_train = torch.FloatTensor(x_data)
y_train = torch.FloatTensor(y_data)
W = torch.zeros((2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
hypothesis = 1 / (1 + torch.exp(-(x_train.matmul(W) + b)))
print(hypothesis)
print(torch.sigmoid(x_train.matmul(W) + b))
losses = -(y_train * torch.log(hypothesis) + (1 - y_train) * torch.log(1 - hypothesis))
print(losses)
cost = losses.mean()
print(cost)
for epoch in range(201):
    hypothesis = torch.sigmoid(x_train.matmul(W) + b)
    cost = -(y_train * torch.log(hypothesis) + (1 - y_train) * torch.log(1 - hypothesis)).mean()
    cost.backward()
    with torch.no_grad():
        W -= 1 * W.grad
        b -= 1 * b.grad
        W.grad.zero_(); b.grad.zero_()
    if epoch % 50 == 0:
        print('Epoch {:4d}/{} Cost: {:.6f}'.format(epoch, 200, cost.item()))
prediction = hypothesis >= torch.FloatTensor([0.5])
print(prediction)
print(W, b)
'''

PROGRAMS['softmax_manual'] = '''
z = torch.FloatTensor([1, 2, 3])
hypothesis = torch.exp(z) / torch.exp(z).sum()
print(hypothesis)
print(hypothesis.sum())
torch.manual_seed(1)
z = torch.rand(3, 5, requires_grad=True)
hypothesis = torch.exp(z) / torch.exp(z).sum(dim=1, keepdim=True)
print(hypothesis)
y = torch.randint(5, (3,)).long()
print(y)
y_one_hot = torch.zeros_like(hypothesis)
print(y_one_hot.scatter_(1, y.unsqueeze(1), 1))
cost = (y_one_hot * -torch.log(hypothesis)).sum(dim=1).mean()
print(cost)
print(z - torch.logsumexp(z, dim=1, keepdim=True))
cost.backward()
print(z.grad)
'''

PROGRAMS['seed_rand'] = '''
torch.manual_seed(3)
print('랜덤 시드가 3일 때')
for i in range(1, 3):
    print(torch.rand(1))
torch.manual_seed(5)
for i in range(1, 3):
    print(torch.rand(1))
torch.manual_seed(3)
print(torch.rand(1))
print(torch.randn(2, 3))
print(torch.randint(0, 10, (3, 3)))
print(torch.randperm(8))
print(torch.normal(0.0, 1.0, size=(2, 2)))
print(torch.rand(2, 2, dtype=torch.float64))
'''

PROGRAMS['randn_stats'] = '''
torch.manual_seed(0)
x = torch.randn(1000)
print(f'{x.mean():.4f} {x.std():.4f}')
print(x.mean(), x.std(), x.var())
print(x.max(), x.min(), x.argmax(), x.argmin())
print(x[:5])
m = torch.randn(4, 5)
print(m.std(dim=0), m.std(dim=1, keepdim=True))
print(m.var(dim=1, unbiased=False))
print(torch.std_mean(m, dim=0))
'''

PROGRAMS['big_print'] = '''
torch.manual_seed(0)
print(torch.arange(2000))
print(torch.rand(100, 100))
print(torch.arange(1200.).view(30, 40))
print(torch.randn(3, 4, 5))
print(torch.arange(10000).view(100, 100))
'''

PROGRAMS['print_float_formats'] = '''
print(torch.tensor([1e-5, 1.0, 1e5]))
print(torch.tensor([1e-10, 1e10]))
print(torch.tensor([0.1, 0.25, 100.5]))
print(torch.tensor([123456789.0]))
print(torch.tensor([1.0, 2.0, 3.0]))
print(torch.tensor([float('nan'), float('inf'), -float('inf'), 1.5]))
print(torch.tensor([1.0, 2.0], dtype=torch.float64))
print(torch.tensor([1.123456789], dtype=torch.float64))
print(torch.tensor(0.1 + 0.2, dtype=torch.float64))
print(torch.tensor([-0.0, 0.0]))
print(torch.tensor([1e-3, 2e-3]))
print(torch.tensor([[1.5, -2.25], [1000.0, 0.001]]))
print(torch.tensor(3))
print(torch.tensor([], dtype=torch.int64))
print(torch.zeros(2, 0))
print(torch.tensor([True, False]))
print(torch.tensor([[-1, 20], [300, -4000]]))
print(torch.tensor([1, 2], dtype=torch.int32))
print(torch.tensor([1.5, 2], dtype=torch.float16))
'''

PROGRAMS['item_tolist_numpy'] = '''
x = torch.tensor([[1.5, 2.5], [3.5, 4.5]])
print(x.tolist())
print(x[0, 0].item(), type(x[0, 0].item()))
print(torch.tensor(7).item(), type(torch.tensor(7).item()))
print(torch.tensor(True).item())
n = x.numpy()
print(n, n.dtype, type(n))
n[0, 0] = 100
print(x)
import numpy as np
a = np.array([1, 2, 3])
t = torch.from_numpy(a)
print(t, t.dtype)
a[0] = -1
print(t)
print(torch.tensor(a), torch.as_tensor(a).dtype)
print(torch.tensor(np.float32(2.5)))
print(torch.tensor(np.arange(4.0)))
print(torch.arange(3).tolist(), torch.tensor(5.0).tolist())
try:
    torch.arange(3).item()
except Exception as e:
    print(type(e).__name__)
'''

PROGRAMS['fstring_0d'] = '''
loss = torch.tensor(0.123456)
print(f'loss: {loss:.4f}')
print(f'{loss}')
print('{:.2f}'.format(torch.tensor(3.14159)))
print(f'{torch.tensor(5):d}' if False else f'{torch.tensor(5)}')
print(f'{torch.tensor(2.5).item():.3e}')
print(str(torch.tensor(1.0)), repr(torch.tensor([1, 2])))
print(float(torch.tensor(2.5)), int(torch.tensor(3.9)), bool(torch.tensor(0.0)))
print(round(torch.tensor(2.567).item(), 2))
acc = (torch.tensor([1, 2, 3]) == torch.tensor([1, 0, 3])).float().mean()
print(f'Accuracy: {acc * 100:.2f}%')
print('{:.4f}'.format(acc))
'''

PROGRAMS['no_grad_detach'] = '''
x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
print(y)
print(y.grad_fn.name())
z = y * y * 3
out = z.mean()
print(z, out)
out.backward()
print(x.grad)
print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
print(x.requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())
print(torch.is_grad_enabled())
'''

PROGRAMS['requires_grad_toggle'] = '''
a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn.name())
x = torch.tensor([1., 2.])
print(x.requires_grad, x.grad, x.grad_fn)
'''

PROGRAMS['grad_fn_names'] = '''
x = torch.tensor([1., 2., 3.], requires_grad=True)
ops = [x + 1, x - 1, x * 2, x / 2, x ** 2, -x, x.exp(), x.log(), x.sin(), x.cos(),
       x.tanh(), x.sigmoid(), x.relu(), x.sqrt(), x.abs(), x.sum(), x.mean(),
       x.view(3, 1), x.reshape(1, 3), x.unsqueeze(0), x[0], x[1:], x.max(), x.clamp(0, 2),
       torch.cat([x, x]), torch.stack([x, x]), x.t(), x.expand(2, 3), x.pow(3), 1 / x,
       2 - x, x @ x, x.unsqueeze(1) @ x.unsqueeze(0), x.std(), x.var(), x.prod(), x.norm(),
       x.logsumexp(0), x.cumsum(0), x.flip(0), x.repeat(2), x.squeeze(),
       x.clone(), x.exp2(), x.log1p(), x.rsqrt(), x.reciprocal(), x.floor(), torch.where(x > 1, x, 0.)]
for o in ops:
    print(o.grad_fn.name() if hasattr(o.grad_fn, 'name') else None, o)
'''

PROGRAMS['backward_chain'] = '''
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
w = torch.tensor([[0.5], [-0.5]], requires_grad=True)
b = torch.tensor(0.1, requires_grad=True)
y = (x @ w + b).tanh()
loss = (y ** 2).sum()
print(y, loss)
loss.backward()
print(x.grad)
print(w.grad)
print(b.grad)
'''

PROGRAMS['grad_accumulation'] = '''
w = torch.tensor(2.0, requires_grad=True)
for epoch in range(3):
    z = 2 * w
    z.backward()
    print('수식을 w로 미분한 값 : {}'.format(w.grad))
w.grad.zero_()
print(w.grad)
w.grad = None
print(w.grad)
'''

PROGRAMS['backward_vector'] = '''
x = torch.randn(3, requires_grad=True) if False else torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)
try:
    (x * 2).backward()
except RuntimeError as e:
    print('RuntimeError')
'''

PROGRAMS['retain_graph_error'] = '''
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * x).sum()
y.backward(retain_graph=True)
print(x.grad)
y.backward()
print(x.grad)
z = (x.exp()).sum()
z.backward()
try:
    z.backward()
except RuntimeError as e:
    print('RuntimeError')
print(x.grad)
'''

PROGRAMS['retain_grad_hooks'] = '''
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x * 2
y.retain_grad()
z = (y ** 2).sum()
h = x.register_hook(lambda g: print('hook', g))
y.register_hook(lambda g: g * 10)
z.backward()
print(y.grad)
print(x.grad)
h.remove()
x.grad = None
(x * 3).sum().backward()
print(x.grad)
print(y.is_leaf, y.retains_grad if hasattr(y, 'retains_grad') else None)
'''

PROGRAMS['higher_order'] = '''
x = torch.tensor(3.0, requires_grad=True)
y = x ** 3
dy, = torch.autograd.grad(y, x, create_graph=True)
print(dy)
d2y, = torch.autograd.grad(dy, x, create_graph=True)
print(d2y)
d3y, = torch.autograd.grad(d2y, x)
print(d3y)
x = torch.tensor([1., 2.], requires_grad=True)
y = (x.sin() * x).sum()
g = torch.autograd.grad(y, x, create_graph=True)[0]
print(g)
g.sum().backward()
print(x.grad)
'''

PROGRAMS['detach_data'] = '''
a = torch.tensor([1., 2., 3.], requires_grad=True)
b = a.detach()
b[0] = 10
print(a)
c = a.data
print(c, c.requires_grad)
out = a.sigmoid()
d = out.detach()
print(d, out)
print(a.detach().numpy())
try:
    a.numpy()
except RuntimeError:
    print('RuntimeError')
print(a.clone().detach().requires_grad_(True))
'''

PROGRAMS['inplace_leaf_error'] = '''
w = torch.ones(3, requires_grad=True)
try:
    w += 1
except RuntimeError:
    print('RuntimeError')
with torch.no_grad():
    w += 1
print(w)
x = torch.tensor([1., 2.], requires_grad=True)
y = x.exp()
y.add_(1)
try:
    y.sum().backward()
except RuntimeError:
    print('RuntimeError inplace')
print(y)
'''

PROGRAMS['dtype_promotion'] = '''
i = torch.tensor([1, 2, 3])
f = torch.tensor([0.5, 1.5, 2.5])
d = torch.tensor([1.0], dtype=torch.float64)
b = torch.tensor([True, False, True])
print((i + f).dtype, (i * 2.5).dtype, (i + 1).dtype, (f + d).dtype, (b + b).dtype, (b + 1).dtype)
print(i / 2, (i / 2).dtype)
print(i // 2, i % 2)
print(torch.tensor([-7, 7]) // 2, torch.tensor([-7, 7]) % 3)
print(torch.tensor([-7.5, 7.5]) // 2, torch.tensor([-7.5, 7.5]) % 2)
print(i * True, (i.float() + torch.tensor(1, dtype=torch.int64)).dtype)
print(torch.tensor([1, 2], dtype=torch.int32) + torch.tensor(5), (torch.tensor([1, 2], dtype=torch.int32) + 5).dtype)
print(torch.tensor([1, 2], dtype=torch.uint8) + torch.tensor([1, 2], dtype=torch.int8))
print(torch.tensor(2) ** 3, torch.tensor(2) ** -1.0, 2 ** torch.tensor([1, 2]))
print(torch.tensor([1., 2.]) ** 0.5, torch.tensor([4, 9]).sqrt())
print(torch.result_type(i, 1.0), torch.promote_types(torch.int32, torch.float32))
print(torch.tensor([3]).true_divide(2), torch.div(torch.tensor([7, -7]), 2, rounding_mode='floor'))
print(torch.div(torch.tensor([7, -7]), 2, rounding_mode='trunc'))
'''

PROGRAMS['math_funcs'] = '''
x = torch.tensor([-2.5, -1.0, 0.0, 0.5, 1.7])
print(x.abs(), x.neg(), x.sign())
print(x.floor(), x.ceil(), x.round(), x.trunc(), x.frac())
print(torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5])))
print(torch.round(torch.tensor([1.2345, 2.3456]), decimals=2))
print(x.clamp(min=0), x.clamp(-1, 1), x.clamp(max=0.5))
print(torch.exp(x), torch.log(x.abs() + 1))
print(torch.sqrt(x.abs()), torch.rsqrt(x.abs() + 1))
print(torch.sin(x), torch.cos(x), torch.tan(x))
print(torch.tanh(x), torch.sigmoid(x), torch.relu(x))
print(torch.log2(torch.tensor([1., 2., 8.])), torch.log10(torch.tensor([1., 100.])))
print(torch.pow(x, 2), torch.square(x))
print(torch.maximum(x, torch.zeros(5)), torch.minimum(x, torch.zeros(5)))
print(torch.log(torch.tensor([0.0, -1.0])))
print(torch.tensor([1.0, 2.0]) / 0, torch.tensor([0.0]) / 0)
print(torch.atan2(torch.tensor([1.0]), torch.tensor([-1.0])), torch.erf(torch.tensor([0.5])))
print(torch.lerp(torch.tensor([0., 10.]), torch.tensor([10., 20.]), 0.3))
'''

PROGRAMS['size_object'] = '''
x = torch.zeros(2, 3, 4)
s = x.size()
print(s, type(s).__name__, len(s), s[0], s[-1], s[1:])
print(s == (2, 3, 4), list(s), tuple(s))
print(x.shape[1], x.size(1), x.size(-1))
print(x.numel(), s.numel(), x.nelement())
print(torch.Size([2, 3]))
print(torch.Size([]), torch.tensor(1).shape, torch.tensor(1).dim())
print(x.view(s[0], -1).shape)
print(torch.zeros(s).shape, torch.ones(*s).shape)
print(x.stride(), x.transpose(0, 2).stride())
print(x.element_size(), x.dtype.is_floating_point, x.is_floating_point())
print(x.ndimension(), x.dim())
'''

PROGRAMS['shape_errors'] = '''
a = torch.ones(2, 3)
b = torch.ones(4, 5)
for fn in (lambda: a + b, lambda: a @ b, lambda: a.view(4, 2), lambda: torch.cat([a, b]),
           lambda: a[5], lambda: a.sum(dim=3), lambda: torch.stack([a, b]), lambda: a.reshape(7),
           lambda: a.permute(0, 0), lambda: a.transpose(0, 5), lambda: torch.mm(a, a),
           lambda: a.squeeze(4), lambda: torch.tensor([1, 2]) + torch.tensor([1, 2, 3]),
           lambda: a.expand(3, 3), lambda: a.split(0), lambda: torch.zeros(2, 2)[:, 3],
           lambda: torch.tensor([[1, 2], [3]]), lambda: torch.arange(3).float().mean(dim=2),
           lambda: torch.ones(2).backward()):
    try:
        fn()
        print('no error')
    except Exception as e:
        print(type(e).__name__)
'''

PROGRAMS['expand_repeat'] = '''
x = torch.tensor([[1], [2], [3]])
print(x.expand(3, 4))
print(x.expand(-1, 2))
print(x.repeat(1, 3))
print(x.repeat(2, 2))
print(torch.tensor([1, 2]).repeat(3))
print(x.expand_as(torch.zeros(3, 2)))
print(torch.tensor([1, 2, 3]).repeat_interleave(2))
print(torch.repeat_interleave(x, torch.tensor([1, 0, 2]), dim=0))
print(torch.tile(torch.tensor([1, 2]), (2, 2)))
'''

PROGRAMS['cumulative_sort'] = '''
x = torch.tensor([3, 1, 4, 1, 5, 9, 2, 6])
print(x.cumsum(0), x.cumprod(0))
print(torch.sort(x))
print(torch.sort(x, descending=True))
print(x.argsort())
print(torch.topk(x, 3))
print(torch.topk(x.float(), 2, largest=False))
print(torch.unique(x), torch.unique(x, return_counts=True))
print(x.flip(0), torch.flip(x.view(2, 4), [0, 1]))
print(torch.kthvalue(x, 2))
print(x.median(), x.float().median())
print(x.view(2, 4).cummax(1))
print(torch.msort(x.view(2, 4)))
print(torch.bincount(x), torch.histc(x.float(), bins=4, min=0, max=9))
print(torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([2, 6])))
'''

PROGRAMS['reductions_dims'] = '''
x = torch.arange(24, dtype=torch.float32).view(2, 3, 4)
print(x.sum(dim=(0, 2)), x.sum(dim=[1, 2], keepdim=True).shape)
print(x.mean(dim=(-1, -2)))
print(x.max(dim=1).values, x.max(dim=1).indices)
print(x.prod(dim=2))
print(x.std(dim=2), x.var(dim=0, keepdim=True))
print(x.amax(dim=(0, 1)), x.amin(dim=-1))
print(x.norm(), x.norm(dim=2), x.norm(p=1))
print(torch.norm(x, dim=1, keepdim=True).shape)
print(x.logsumexp(dim=2))
print(x.any(), (x > 22).any(dim=2), (x >= 0).all(dim=0))
print(x.count_nonzero(), torch.count_nonzero(x, dim=1))
print(x.sum(dim=0).dtype, torch.arange(5).sum(), torch.arange(5).prod(), torch.tensor([True, True]).sum())
print(torch.mean(x, 1, True).shape)
print(x.nansum(), torch.tensor([1., float('nan')]).nanmean())
m = torch.tensor([[1., 5.], [7., 3.]])
print(torch.max(m, dim=1, keepdim=True))
print(m.sum(0, dtype=torch.float64))
'''

PROGRAMS['std_mean_int_errors'] = '''
x = torch.tensor([1., 2., 3., 4.])
print(x.std(), x.std(unbiased=False), x.std(correction=0), x.var(correction=2))
print(torch.var_mean(x))
print(torch.tensor([5.0]).std())
print(torch.tensor([]).sum(), torch.tensor([]).mean(), torch.tensor([]).prod())
try:
    torch.tensor([]).max()
except Exception as e:
    print(type(e).__name__)
try:
    torch.tensor([1, 2]).std()
except Exception as e:
    print(type(e).__name__)
'''

PROGRAMS['random_gen'] = '''
torch.manual_seed(42)
print(torch.rand(3))
print(torch.randn(2, 2))
print(torch.randint(10, (5,)))
print(torch.randint(3, 7, (2, 3)))
print(torch.randperm(5))
print(torch.rand(2, 3).uniform_(-1, 1))
print(torch.empty(3).normal_(mean=5, std=0.1))
print(torch.normal(torch.zeros(3), torch.ones(3)))
print(torch.normal(2.0, 3.0, (2,)))
print(torch.bernoulli(torch.full((6,), 0.5)))
print(torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 4, replacement=True))
print(torch.rand_like(torch.zeros(2)), torch.randn_like(torch.zeros(2)))
print(torch.randint_like(torch.zeros(3), 5))
g = torch.Generator().manual_seed(7)
print(torch.rand(2, generator=g), torch.randn(2, generator=g))
print(torch.initial_seed())
state = torch.get_rng_state()
a = torch.rand(2)
torch.set_rng_state(state)
print(torch.equal(a, torch.rand(2)))
'''

PROGRAMS['random_big'] = '''
torch.manual_seed(2024)
x = torch.randn(64, 10)
print(x.mean(), x.std(), x.sum(dim=0))
y = torch.rand(1000)
print((y > 0.5).sum(), y.max(), y.argmax())
print(torch.randint(0, 100, (20,)))
print(torch.randperm(30))
w = torch.randn(3, 5, dtype=torch.float64)
print(w)
z = torch.randn(17)
print(z)
print(torch.randn(5) * 0.01)
'''

PROGRAMS['printing_int_big'] = '''
print(torch.arange(1001))
print(torch.arange(-5, 5) * 1000000)
print(torch.arange(6).view(2, 3) * 123456789)
print(torch.tensor([1, -1]) * 10 ** 15)
print(torch.zeros(3, 1001, dtype=torch.int64))
print(torch.ones(2, 2, 2, 2))
print(torch.arange(60).view(3, 4, 5))
print(torch.tensor([[True, False], [False, True]]))
print(torch.tensor([[[1.5]]]))
'''

PROGRAMS['printing_floats_mixed'] = '''
print(torch.tensor([0.0001, 0.001]))
print(torch.tensor([1e-4, 1e4]))
print(torch.tensor([12345.678, 0.5]))
print(torch.tensor([1e8, 1.0]))
print(torch.tensor([99999.0, 1.5]))
print(torch.tensor([1e16, 1.0]))
print(torch.tensor([[0.1234, 5.6], [789.0, -0.0001]]))
print(torch.tensor([2.0, 4.0, float('nan')]))
print(torch.tensor([float('inf'), 1e-5]))
print(torch.tensor([1.0, float('inf')]))
print(torch.tensor([1, 2.5], dtype=torch.float64) / 3)
print(torch.tensor(1e-7), torch.tensor(123456.0), torch.tensor(-0.5))
print(torch.tensor([1e-300], dtype=torch.float64), torch.tensor([1e300], dtype=torch.float64))
print(torch.arange(0, 2, 0.1))
print(torch.full((2, 3), 1 / 3, dtype=torch.float64))
print(torch.tensor([100.0, 200.0]), torch.tensor([1000000.0, 2.0]))
print(torch.tensor([0.5]).half(), torch.tensor([1.1, 2.2], dtype=torch.float16))
'''

PROGRAMS['printing_requires_grad'] = '''
w = torch.randn(1) if False else torch.tensor([0.25])
w.requires_grad_()
print(w)
print(torch.zeros(2, 3, requires_grad=True))
print(torch.ones(3, dtype=torch.float64, requires_grad=True))
print(torch.tensor(5.0, requires_grad=True) * 2)
big = torch.arange(2000.).requires_grad_()
print(big * 1)
print(torch.arange(12.).view(3, 4).requires_grad_().sum(dim=1))
x = torch.tensor([1.0, 2.0], requires_grad=True)
print(x.detach(), x.data)
print(x[0], x[:1])
with torch.no_grad():
    print(x * 2)
print(torch.tensor([[1e-5, 1.0]], requires_grad=True).mean(1))
print(torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True) ** 2)
'''

PROGRAMS['linspace_logspace_simple'] = '''
print(torch.linspace(0, 1, 5))
print(torch.linspace(-1, 1, 3))
print(torch.linspace(0, 10, 11))
print(torch.logspace(0, 2, 3))
print(torch.arange(-1, 1, 0.5))
print(torch.arange(10, 0, -3))
print(torch.arange(0, 5, dtype=torch.float64))
'''

PROGRAMS['clone_copy_views'] = '''
a = torch.arange(6).view(2, 3)
b = a.clone()
b[0, 0] = 100
print(a, b)
v = a.view(3, 2)
v[0, 0] = -1
print(a)
t = a.t()
t[2, 1] = 42
print(a)
s = a[:, 1]
s.fill_(7)
print(a)
c = torch.empty(2, 3, dtype=torch.int64)
c.copy_(a)
print(c)
print(a.data_ptr() == v.data_ptr(), a.is_contiguous(), t.is_contiguous())
r = a.reshape(6)
r[5] = 55
print(a)
x = torch.zeros(4)
x[1:3].add_(5)
print(x)
x.unsqueeze(0)[0, 0] = 9
print(x)
'''

PROGRAMS['masked_ops'] = '''
x = torch.tensor([[1., -2., 3.], [-4., 5., -6.]])
mask = x > 0
print(mask)
print(x.masked_fill(mask, 0.))
print(x.masked_fill(~mask, float('-inf')))
print(torch.masked_select(x, mask))
x.masked_fill_(x < -3, -3)
print(x)
print(torch.nonzero(x > 0))
print(torch.nonzero(x > 0, as_tuple=True))
print(x.where(x > 0, torch.zeros_like(x)))
print(torch.clamp_min(x, 0), torch.clamp(x, max=2))
print(x.argwhere() if hasattr(x, 'argwhere') else None)
'''

PROGRAMS['gather_scatter'] = '''
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
idx = torch.tensor([[2, 0], [1, 1]])
print(torch.gather(x, 1, idx))
print(x.gather(0, torch.tensor([[1, 0, 1]])))
z = torch.zeros(3, 5)
print(z.scatter(1, torch.tensor([[0], [2], [4]]), 1.0))
print(z.scatter_(0, torch.tensor([[0, 1, 2, 0, 1]]), torch.ones(1, 5)))
labels = torch.tensor([0, 2, 1, 2])
one_hot = torch.zeros(4, 3).scatter_(1, labels.unsqueeze(1), 1)
print(one_hot)
print(torch.zeros(5).index_add_(0, torch.tensor([0, 0, 3]), torch.tensor([1., 2., 3.])))
print(torch.zeros(5).scatter_add(0, torch.tensor([1, 1, 4]), torch.tensor([1., 1., 1.])))
print(x.index_select(1, torch.tensor([0, 2])))
print(torch.take(x, torch.tensor([0, 5])))
print(x.index_fill(1, torch.tensor([1]), -1))
'''

PROGRAMS['outer_einsum_linalg'] = '''
a = torch.tensor([1., 2., 3.])
b = torch.tensor([4., 5.])
print(torch.outer(a, b))
print(torch.einsum('i,j->ij', a, b))
m = torch.tensor([[2., 1.], [1., 3.]])
print(torch.einsum('ij,jk->ik', m, m))
print(torch.einsum('ii->', m), m.trace(), m.diag(), torch.diag(a))
print(torch.det(m), torch.inverse(m))
print(torch.linalg.norm(m), torch.linalg.inv(m))
print(torch.tril(torch.ones(3, 3)), torch.triu(torch.ones(3, 3), diagonal=1))
print(torch.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.]), dim=0))
print(torch.kron(torch.eye(2), m))
print(torch.tensordot(torch.ones(2, 3), torch.ones(3, 4), dims=1))
print(torch.addmm(torch.zeros(2, 2), m, m, beta=0.5, alpha=2))
print(torch.linalg.matrix_rank(m), torch.linalg.solve(m, torch.tensor([1., 2.])))
'''

PROGRAMS['autograd_matmul_broadcast'] = '''
x = torch.ones(4, 3, requires_grad=True)
w = torch.full((3, 2), 0.5, requires_grad=True)
b = torch.tensor([1., -1.], requires_grad=True)
y = x @ w + b
loss = (y * y).mean()
print(y)
print(loss)
loss.backward()
print(x.grad, w.grad, b.grad, sep='\\n')
a = torch.tensor([[1.], [2.]], requires_grad=True)
c = torch.tensor([3., 4., 5.], requires_grad=True)
(a * c).sum().backward()
print(a.grad, c.grad)
'''

PROGRAMS['autograd_indexing_grad'] = '''
x = torch.arange(6., requires_grad=True)
y = x[1:4] * 2 + x[[0, 0, 5]]
print(y)
y.sum().backward()
print(x.grad)
x.grad = None
m = x.view(2, 3)
m[:, 1].sum().backward()
print(x.grad)
z = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
out = z[z > 1.5].sum()
out.backward()
print(out, z.grad)
'''

PROGRAMS['autograd_reductions_grad'] = '''
x = torch.tensor([[1., 5., 3.], [4., 2., 6.]], requires_grad=True)
for f in (lambda t: t.max(), lambda t: t.max(dim=1)[0].sum(), lambda t: t.mean(dim=0).sum(),
          lambda t: t.std(), lambda t: t.var(dim=1).sum(), lambda t: t.prod(), lambda t: t.norm(),
          lambda t: t.logsumexp(dim=1).sum(), lambda t: t.cumsum(1).sum(), lambda t: t.amax(1).sum(),
          lambda t: t.sort(dim=1)[0][:, 0].sum(), lambda t: (t ** 2).sum().sqrt(),
          lambda t: t.abs().min()):
    x.grad = None
    out = f(x)
    out.backward()
    print(out, x.grad)
'''

PROGRAMS['autograd_shapes_grad'] = '''
x = torch.arange(1., 7., requires_grad=True)
parts = [x.view(2, 3).t(), x.reshape(3, 2).permute(1, 0), x.unsqueeze(0).expand(2, 6),
         torch.cat([x, x * 2]), torch.stack([x, -x], 1), x.view(2, 3).transpose(0, 1).contiguous(),
         x.repeat(2), x.flip(0), x.view(2, 3)[:, ::2], x.split(2)[1], x.chunk(3)[2], x.view(3, 2).unbind(1)[0],
         x.view(1, 6, 1).squeeze(), x.view(2, 3).flatten()]
for p in parts:
    x.grad = None
    (p * torch.arange(p.numel(), dtype=torch.float32).view(p.shape)).sum().backward()
    print(p.grad_fn.name(), x.grad)
'''

PROGRAMS['autograd_no_grad_decorator'] = '''
@torch.no_grad()
def predict(w, x):
    return x * w

w = torch.tensor([2.0], requires_grad=True)
p = predict(w, torch.tensor([3.0]))
print(p, p.requires_grad)
with torch.enable_grad():
    print((w * 2).requires_grad)
with torch.no_grad():
    with torch.enable_grad():
        q = w * 3
    print(q.requires_grad, q)
torch.set_grad_enabled(False)
print((w * 2).requires_grad, torch.is_grad_enabled())
torch.set_grad_enabled(True)
print((w * 2).requires_grad)
with torch.inference_mode():
    r = w * 4
print(r.requires_grad)
'''

PROGRAMS['autograd_grad_function'] = '''
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = torch.tensor([0.5, 0.5, 0.5], requires_grad=True)
z = (x * y).sum() + (x ** 2).sum()
gx, gy = torch.autograd.grad(z, [x, y])
print(gx, gy)
print(x.grad)
z2 = (x * 3).sum()
print(torch.autograd.grad(z2, x, retain_graph=True))
out = x * 2
print(torch.autograd.grad(out, x, grad_outputs=torch.ones(3)))
try:
    torch.autograd.grad((x * 2).sum(), [x, torch.tensor([1.0], requires_grad=True)])
except RuntimeError:
    print('RuntimeError')
print(torch.autograd.grad((x * 2).sum(), [x, torch.tensor([1.0], requires_grad=True)], allow_unused=True))
'''

PROGRAMS['hessian_style'] = '''
x = torch.tensor([1.0, 2.0], requires_grad=True)
f = x[0] ** 2 * x[1] + x[1] ** 3
g = torch.autograd.grad(f, x, create_graph=True)[0]
print(g)
rows = []
for i in range(2):
    rows.append(torch.autograd.grad(g[i], x, retain_graph=True)[0])
print(torch.stack(rows))
y = torch.tensor(0.5, requires_grad=True)
t = torch.tanh(y)
d1 = torch.autograd.grad(t, y, create_graph=True)[0]
d2 = torch.autograd.grad(d1, y, create_graph=True)[0]
print(d1.detach(), d2.detach(), d1.requires_grad, d2.requires_grad)
d2.backward()
print(y.grad)
'''

PROGRAMS['leaf_grad_warnings'] = '''
import warnings
warnings.simplefilter('ignore')
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
z = y.sum()
z.backward()
print(y.grad)
print(x.grad)
print(y.is_leaf, z.is_leaf, x.is_leaf)
print(torch.tensor([1.]).is_leaf)
print(x.detach().is_leaf, (x * 1).detach().requires_grad)
'''

PROGRAMS['gradient_descent_quadratic'] = '''
x = torch.tensor([5.0, -3.0], requires_grad=True)
for i in range(50):
    loss = (x ** 2).sum() + 3 * x[0] - x[1]
    loss.backward()
    with torch.no_grad():
        x -= 0.1 * x.grad
    x.grad.zero_()
    if i % 10 == 0:
        print(i, loss.item(), x)
print(x, loss)
'''

PROGRAMS['numpy_interop'] = '''
import numpy as np
a = np.array([[1.0, 2.0], [3.0, 4.0]])
t = torch.from_numpy(a)
print(t, t.dtype)
print(torch.FloatTensor(a), torch.tensor(a, dtype=torch.float32))
print(t.float().numpy().dtype)
x = torch.tensor(np.array([1, 2, 3], dtype=np.int32))
print(x, x.dtype)
print(torch.tensor([np.float64(1.5), 2]))
print(torch.tensor(np.zeros((2, 0))))
print(np.asarray(torch.arange(3)))
print(torch.tensor([1.5]).numpy().tolist())
print(t.sum().numpy(), type(t.sum().item()))
print(torch.as_tensor([1, 2, 3], dtype=torch.float32))
b = np.array([True, False])
print(torch.from_numpy(b))
print(torch.tensor([[1, 2], [3, 4]]).numpy().T)
'''

PROGRAMS['tolist_types'] = '''
print(torch.tensor([[1, 2], [3, 4]]).tolist())
print(torch.tensor([0.1, 0.2]).tolist())
print(torch.tensor([0.1, 0.2], dtype=torch.float64).tolist())
print(torch.tensor([True, False]).tolist())
print(torch.tensor(2.5).tolist(), torch.zeros(2, 0).tolist())
print([type(v).__name__ for v in torch.tensor([1, 2]).tolist()])
print(torch.tensor([1 / 3]).item(), torch.tensor(1 / 3, dtype=torch.float64).item())
print(torch.tensor([1.]).item())
for row in torch.arange(6).view(3, 2):
    print(row, row.tolist())
print(list(torch.tensor([1, 2, 3])))
print(len(torch.zeros(4, 2)))
'''

PROGRAMS['python_operators'] = '''
x = torch.tensor([1.0, 2.0, 3.0])
print(x + 1, 1 + x, x - 1, 1 - x, x * 2, 2 * x, x / 2, 2 / x, x ** 2, 2 ** x)
print(-x, +x, abs(-x), x // 2, x % 2, 7 % x, 7 // x)
print(x @ x)
y = torch.tensor([1, 2, 3])
print(y & 1, y | 4, y ^ 1, ~y, y << 1, y >> 1)
print(x > 1.5, x.lt(2), x.le(2), x.ge(2), x.ne(2))
print(sum(torch.tensor([1, 2, 3])), max(torch.tensor([3, 1])))
print(2 in torch.tensor([1, 2, 3]), 5 in torch.tensor([1, 2, 3]))
print(hash(x) == hash(x), x is x.view_as(x))
'''

PROGRAMS['bool_ctx_errors'] = '''
try:
    if torch.tensor([1, 2]):
        pass
except RuntimeError:
    print('RuntimeError')
print(bool(torch.tensor([5])), bool(torch.tensor(0)))
if torch.tensor(3) > 2:
    print('yes')
try:
    int(torch.tensor([1, 2]))
except Exception as e:
    print(type(e).__name__)
try:
    float(torch.zeros(2, 2))
except Exception as e:
    print(type(e).__name__)
print(int(torch.tensor([7])), float(torch.tensor([[2.5]])))
try:
    torch.tensor([1.0], requires_grad=True).item()
    print('ok')
except Exception as e:
    print(type(e).__name__)
try:
    torch.tensor([1, 2], requires_grad=True)
except Exception as e:
    print(type(e).__name__)
'''

PROGRAMS['tensor_attributes'] = '''
t = torch.rand(3, 4) if False else torch.ones(3, 4)
print(f"Shape of tensor: {t.shape}")
print(f"Datatype of tensor: {t.dtype}")
print(f"Device tensor is stored on: {t.device}")
print(t.device.type, t.is_cuda, t.requires_grad, t.is_leaf, t.grad_fn)
print(torch.cuda.is_available() in (True, False))
print(t.to('cpu').device, t.cpu().dtype)
print(torch.device('cpu'), repr(torch.device('cpu')))
print(torch.float32, torch.float, torch.double, torch.long, torch.int, torch.bool, torch.uint8)
print(torch.float32 == torch.float, torch.int64 is torch.long, str(torch.float64))
print(torch.float16.itemsize if hasattr(torch.float16, 'itemsize') else 2, torch.finfo(torch.float32).eps)
print(torch.iinfo(torch.int32).max, torch.finfo(torch.float64).max)
print(torch.is_tensor(t), torch.is_tensor([1]), torch.numel(t), isinstance(t, torch.Tensor))
'''

PROGRAMS['quickstart_ops'] = '''
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
print(x_data)
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \\n {x_ones} \\n")
x_rand = torch.full_like(x_data, 2, dtype=torch.float)
print(f"Random Tensor: \\n {x_rand} \\n")
shape = (2, 3,)
print(f"Zeros Tensor: \\n {torch.zeros(shape)}")
tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1, y3)
z1 = tensor * tensor
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(z3)
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
print(f"{tensor} \\n")
tensor.add_(5)
print(tensor)
t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
'''

PROGRAMS['korean_notes_basics'] = '''
# 1차원 텐서
t = torch.FloatTensor([0., 1., 2., 3., 4., 5., 6.])
print('t.dim() =', t.dim(), '/ t.shape =', t.shape)
print('슬라이싱:', t[1:-1])
# 2차원 텐서
t2 = torch.FloatTensor([[1., 2., 3.], [4., 5., 6.]])
print('t2 크기 :', t2.size())
print('첫 번째 열 :', t2[:, 0])
print('합계 :', t2.sum(), '평균 :', t2.mean())
print('dim=0 최대 :', t2.max(dim=0))
# 3차원 텐서
t3 = torch.arange(12).view(2, 2, 3)
print('t3 :', t3)
print('t3 크기 :', t3.shape)
print('t3[1, :, 2] :', t3[1, :, 2])
'''

PROGRAMS['batch_matmul_shapes'] = '''
A = torch.arange(2 * 3 * 4, dtype=torch.float32).view(2, 3, 4)
B = torch.arange(2 * 4 * 5, dtype=torch.float32).view(2, 4, 5)
C = A @ B
print(C.shape)
print(C)
print(torch.matmul(A, torch.ones(4, 1)).shape)
print(torch.matmul(torch.ones(4), B).shape)
print(torch.matmul(torch.ones(3, 1, 2, 4), B).shape)
v = torch.arange(3.)
print(v @ torch.arange(9.).view(3, 3))
print(torch.arange(9.).view(3, 3) @ v)
print(torch.einsum('bij,bjk->bik', A, B).shape)
print(torch.baddbmm(torch.zeros(2, 3, 5), A, B).sum())
'''

PROGRAMS['images_channels'] = '''
torch.manual_seed(0)
img = torch.randint(0, 256, (2, 3, 4, 4), dtype=torch.uint8)
print(img.dtype, img.shape)
x = img.float() / 255
print(x.mean(dim=(0, 2, 3)))
print(x.permute(0, 2, 3, 1).shape)
print(x.view(2, -1).shape, x.flatten(start_dim=1).shape)
print(img[0, 0])
print(x[0, :, 0, 0])
mean = torch.tensor([0.5, 0.5, 0.5]).view(1, 3, 1, 1)
std = torch.tensor([0.25, 0.25, 0.25]).view(1, 3, 1, 1)
y = (x - mean) / std
print(y.shape, y.amax(), y.amin())
print(img.sum(), img.max(), img.to(torch.int32).sum())
'''

PROGRAMS['integer_ops'] = '''
a = torch.tensor([10, -3, 7, 0])
print(a.abs(), a.sign(), a.neg(), a.clamp(-1, 5))
print(a * a, a - 100, a.pow(2), a ** 0)
print(a.float().mean(), a.sum(), a.max(), a.min(), a.argmax())
print(a.cumsum(0), a.prod())
print(torch.tensor([5, 3]) / torch.tensor([2, 2]))
print(torch.tensor([5], dtype=torch.int32) * 2.5)
print(torch.tensor([250], dtype=torch.uint8) + torch.tensor([10], dtype=torch.uint8))
print(torch.tensor([127], dtype=torch.int8) + 1)
print(torch.remainder(torch.tensor([-3, 3]), 2), torch.fmod(torch.tensor([-3, 3]), 2))
print(torch.tensor([2, 3]).bitwise_and(torch.tensor([3, 1])))
print(a.to(torch.bool), a.double())
print(a.sort().values, a.topk(2).indices)
'''

PROGRAMS['where_clamp_training_style'] = '''
preds = torch.tensor([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3]])
labels = torch.tensor([1, 0, 2, 2])
pred_cls = preds.argmax(dim=1)
print(pred_cls)
correct = (pred_cls == labels).sum().item()
print(correct, correct / len(labels))
print(f'Accuracy: {100 * correct / labels.size(0):.1f}%')
_, predicted = torch.max(preds, 1)
print(predicted, (predicted == labels).float().mean())
conf = torch.zeros(3, 3, dtype=torch.int64)
for t, p in zip(labels, pred_cls):
    conf[t, p] += 1
print(conf)
print(preds[torch.arange(4), labels])
print(-preds[torch.arange(4), labels].log().mean())
'''

PROGRAMS['nll_manual'] = '''
logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], requires_grad=True)
target = torch.tensor([0, 1])
exp = logits.exp()
probs = exp / exp.sum(dim=1, keepdim=True)
print(probs)
loss = -probs[range(2), target].log().mean()
print(loss)
loss.backward()
print(logits.grad)
lse = logits.logsumexp(dim=1)
print(lse)
print((lse - logits.gather(1, target.view(-1, 1)).squeeze(1)).mean())
'''

PROGRAMS['stack_vs_cat_dims'] = '''
a = torch.arange(6).view(2, 3)
b = torch.arange(6, 12).view(2, 3)
for d in (0, 1, 2, -1):
    print(d, torch.stack([a, b], dim=d).shape)
for d in (0, 1, -1):
    print(d, torch.cat((a, b), d).shape)
print(torch.cat([a, torch.empty(0, 3, dtype=torch.int64)]))
print(torch.cat([a.float(), b.double()]).dtype)
print(torch.dstack([a, b]).shape, torch.column_stack([torch.arange(3), torch.arange(3)]))
print(torch.stack((a, b)).sum(0))
print(torch.concat([a, b], dim=1), torch.concatenate([a, b]))
'''

PROGRAMS['squeeze_edge'] = '''
x = torch.zeros(1, 3, 1)
print(x.squeeze(1).shape, x.squeeze((0, 2)).shape, x.squeeze(-1).shape)
print(x.unsqueeze(3).shape, x.unsqueeze(-4).shape)
print(torch.tensor(5.).unsqueeze(0), torch.tensor([5.]).squeeze(), torch.tensor([5.]).squeeze().dim())
print(x[..., 0].shape, x[0, ..., 0], x[:, :, None, 0].shape)
try:
    x.unsqueeze(5)
except IndexError:
    print('IndexError')
print(torch.atleast_2d(torch.tensor(1.)).shape, x.view(-1).shape, x.numel())
'''

PROGRAMS['inplace_version_autograd'] = '''
a = torch.tensor([1., 2., 3.], requires_grad=True)
b = a * 2
c = b.sigmoid()
b.mul_(3)
print(b)
try:
    c.sum().backward()
    print(a.grad)
except RuntimeError:
    print('RuntimeError')
d = a * 2
e = d * 5
d.add_(1)
e.sum().backward()
print(a.grad)
f = a.clone()
f[0] = 10
f.sum().backward()
print(a.grad, f.grad_fn.name())
'''

PROGRAMS['zero_grad_loop'] = '''
torch.manual_seed(1)
x = torch.randn(10, 1)
y = 3 * x + 2
W = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
for epoch in range(200):
    pred = x * W + b
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        W.sub_(0.1 * W.grad)
        b.sub_(0.1 * b.grad)
        W.grad.zero_()
        b.grad.zero_()
    if epoch % 40 == 0:
        print(f'epoch {epoch:3d} loss {loss.item():.6f} W {W.item():.4f} b {b.item():.4f}')
print(W, b)
'''

PROGRAMS['random_choice_shuffle'] = '''
torch.manual_seed(10)
data = torch.arange(10) * 10
perm = torch.randperm(10)
print(perm, data[perm])
idx = torch.randint(0, 10, (4,))
print(idx, data[idx])
print(torch.rand(3) < 0.5)
noise = torch.randn(2, 3) * 0.1 + 1
print(noise)
print(torch.randn(1).item())
print(torch.rand(1).item())
batch = data[perm[:3]]
print(batch, batch.float().mean())
print(torch.randint(5, (2, 2), dtype=torch.int32))
print(torch.randn(4, dtype=torch.float64))
'''

PROGRAMS['chunk_split_uneven'] = '''
x = torch.arange(7)
print(x.chunk(3), len(x.chunk(3)))
print(x.chunk(4))
print(x.split([1, 6]))
print(torch.arange(6).chunk(4))
print(torch.arange(12).view(3, 4).split(3, dim=1))
print(torch.arange(12).view(3, 4).tensor_split([1, 3], dim=1))
for i, c in enumerate(torch.arange(10).split(4)):
    print(i, c, c.shape)
'''

PROGRAMS['view_semantics'] = '''
x = torch.arange(12)
y = x.view(3, 4)
z = y[1:, 2:]
print(z, z.is_contiguous(), z.shape, z.stride())
z += 100
print(x)
print(y.T.reshape(-1))
print(y.view(-1, 6), y.view(2, 2, 3).shape)
try:
    y.view(5, -1)
except RuntimeError:
    print('RuntimeError')
w = y.unflatten(1, (2, 2))
print(w.shape)
print(torch.narrow(x, 0, 2, 3), x.unfold(0, 4, 4))
print(y.view(torch.int32).shape if False else y.view_as(torch.zeros(6, 2)).shape)
'''

PROGRAMS['print_options_default'] = '''
x = torch.tensor([1.23456789, 2.3456789])
print(x)
print(torch.tensor([[1.0, -1.0], [0.5, -0.25]]))
print(torch.tensor([0.1, 0.2, 0.3]) * 3)
print(torch.tensor([1, 2, 3]) * 0.1)
print(torch.ones(3) / 3)
print(torch.tensor([1000.0, 0.001]))
print(torch.tensor([10000.0, 0.0001]))
print(torch.tensor([[1e-8, 1.0], [2.0, 3.0]]))
print(torch.tensor([3.0e+38, -3.0e+38]))
print(torch.tensor([5e-45]))
print(torch.tensor([0.0, 0.0]))
print(torch.tensor([-1.0, -2.0]))
print(torch.tensor([1.5, float('nan')]), torch.tensor([float('nan')]))
print(torch.tensor([1, 2, 3], dtype=torch.float64) * 1.1)
'''

PROGRAMS['print_wide_rows'] = '''
print(torch.arange(30.) / 7)
print(torch.arange(40))
print(torch.arange(25.).view(5, 5) * 1000.5)
print(torch.arange(100.).view(2, 50))
print(torch.linspace(0, 1, 20))
print(torch.arange(20, dtype=torch.float64) * 1e-3)
print(torch.arange(-15, 15).view(3, 10))
'''

PROGRAMS['print_summarize_variants'] = '''
print(torch.zeros(1001))
print(torch.ones(1001, dtype=torch.int64))
print(torch.arange(1500.).view(3, 500))
print(torch.arange(4000).view(2, 2, 1000))
print(torch.arange(2000, dtype=torch.float64) / 3)
print(torch.zeros(1001, dtype=torch.bool))
print(torch.arange(1001.).requires_grad_() * 2)
print(torch.arange(24000.).view(40, 600))
'''

PROGRAMS['grad_of_views_inplace'] = '''
x = torch.zeros(3, requires_grad=True)
y = x.clone()
y[1] = 5
y.sum().backward()
print(y, x.grad)
w = torch.ones(2, 2, requires_grad=True)
v = w * 1
v[0].mul_(3)
print(v)
v.sum().backward()
print(w.grad)
'''

PROGRAMS['detach_stop_gradient'] = '''
x = torch.tensor([2.0], requires_grad=True)
y = x ** 2
z = y.detach() * x
z.backward()
print(x.grad)
x.grad.zero_()
u = x * 3
u2 = u.detach()
u2.requires_grad = True
(u2 * x).sum().backward()
print(x.grad, u2.grad)
print(torch.tensor([1.]).requires_grad_(False).requires_grad)
'''

PROGRAMS['register_hook_modify'] = '''
x = torch.tensor([1., 2., 3.], requires_grad=True)
x.register_hook(lambda g: g * 2)
y = (x * x).sum()
y.backward()
print(x.grad)
a = torch.tensor(1.0, requires_grad=True)
b = a * 3
b.register_hook(lambda g: print('b grad', g))
c = b * b
c.backward()
print(a.grad)
grads = []
p = torch.ones(2, requires_grad=True)
q = p * 4
q.register_hook(grads.append)
q.sum().backward()
print(grads)
'''

PROGRAMS['float64_pipeline'] = '''
torch.set_default_dtype(torch.float64)
x = torch.tensor([1.0, 2.0, 3.0])
print(x, x.dtype)
print(torch.zeros(2), torch.arange(3.0), torch.ones(1) / 3)
print(torch.tensor([1, 2]) * 0.5)
print(torch.randn(2).dtype, torch.rand(1).dtype)
print(torch.tensor(1 / 3))
torch.set_default_dtype(torch.float32)
print(torch.tensor([1.0]).dtype, torch.get_default_dtype())
d = torch.tensor([0.1, 0.2], dtype=torch.float64)
print(d, d.sum(), d.mean(), d.sum().item())
print(d.float(), d.float().double())
print(torch.tensor([1 / 3], dtype=torch.float64) * 3)
print(torch.tensor([1e-20, 1e20], dtype=torch.float64))
print(torch.tensor(2, dtype=torch.float64).sqrt())
'''

PROGRAMS['empty_and_zero_size'] = '''
e = torch.empty(0, 4)
print(e, e.shape, e.numel(), e.sum(dim=0), e.sum(dim=1))
print(torch.tensor([]), torch.tensor([]).dtype, torch.tensor([[]]).shape)
print(torch.zeros(0).sum(), torch.ones(0, dtype=torch.int64).sum())
print(torch.cat([torch.tensor([]), torch.tensor([1.])]))
print(torch.arange(0), torch.arange(5)[5:], torch.arange(5)[torch.tensor([], dtype=torch.long)])
print(torch.zeros(2, 0, 3), torch.zeros(2, 0, 3).mean())
print(torch.empty(3, 0).tolist(), e.T.shape, e.view(-1).shape)
x = torch.arange(4.)
print(x[x > 10], (x > 10).any(), (x > 10).all(), torch.tensor([], dtype=torch.bool).all())
'''

PROGRAMS['comparison_dtypes'] = '''
a = torch.tensor([1, 2, 3])
b = torch.tensor([1.0, 2.5, 3.0])
print(a == b, a < b, a.eq(2), a == 2.0)
print(torch.tensor([True, False]) == torch.tensor([1, 0]))
print(torch.tensor([float('nan')]) == torch.tensor([float('nan')]))
print(torch.isnan(torch.tensor([1.0, float('nan')])), torch.isinf(torch.tensor([float('inf'), 1.0])))
print(torch.isfinite(torch.tensor([1.0, float('inf'), float('nan')])))
print(torch.eq(a, a).all().item(), torch.ne(a, 2).sum())
print(torch.max(a, b.long()), torch.maximum(a.float(), b))
print((a > 1).dtype, (a > 1).int(), (a > 1).long().sum())
print(torch.logical_or(torch.tensor([0, 1]), torch.tensor([0, 0])), torch.logical_xor(torch.tensor([True]), torch.tensor([True])))
print(torch.clamp(b, min=torch.tensor([2.0, 2.0, 2.0])))
'''

PROGRAMS['fstring_formats'] = '''
v = torch.tensor(2.718281828)
print(f'{v:.2f} {v:8.3f} {v:e} {v:g} {v:+.1f}')
print('%.3f' % v.item(), '{:>10.4f}|'.format(v))
print(f'{torch.tensor(10)}', f'{torch.tensor(10):5d}' if False else f'{torch.tensor(10).item():5d}')
print(f'{torch.tensor([1.5, 2.5])}')
print('{}'.format(torch.tensor([[1, 2]])))
print(str(torch.tensor(0.1)), str(torch.tensor(0.1, dtype=torch.float64)))
print(f'{torch.tensor(1e-8):.2e}', f'{torch.tensor(True)}')
print(f'{torch.tensor(3.0)!r}', f'{torch.tensor(7)!s}')
l = torch.tensor(0.6931)
print('loss=' + str(l.item()), 'loss=%s' % l)
'''

PROGRAMS['torch_functions_vs_methods'] = '''
x = torch.tensor([[1., -2.], [3., -4.]])
print(torch.abs(x), x.abs())
print(torch.sum(x, 0), x.sum(0))
print(torch.mean(x, dim=1, keepdim=True))
print(torch.transpose(x, 0, 1), torch.t(x))
print(torch.reshape(x, (4,)), torch.flatten(x), torch.squeeze(x.unsqueeze(0)))
print(torch.add(x, 1, alpha=2), torch.sub(x, x, alpha=0.5), torch.mul(x, -1), torch.div(x, 2))
print(torch.neg(x), torch.argmax(x), torch.numel(x))
print(torch.clone(x), torch.zeros_like(x).add_(x, alpha=3))
print(torch.addcmul(x, x, x, value=0.5), torch.addcdiv(x, x, x + 10, value=2))
'''

PROGRAMS['long_range_arange_float'] = '''
print(torch.arange(0, 1, 0.1))
print(torch.arange(0, 1, 0.1).shape)
print(torch.arange(1.5, 4.5))
print(torch.arange(0, 10, 3.3))
print(torch.arange(-3, 3, 1.5))
print(torch.arange(5, dtype=torch.float32) / 4)
print(torch.arange(10).float().view(2, 5) / 10)
'''

PROGRAMS['autograd_mse_by_hand'] = '''
x = torch.arange(1., 6.).view(-1, 1)
y = 2 * x + 1
w = torch.tensor([[0.5]], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)
for i in range(5):
    y_hat = x @ w + b
    loss = ((y_hat - y) ** 2).mean()
    loss.backward()
    print(i, loss, w.grad, b.grad)
    with torch.no_grad():
        w -= 0.01 * w.grad
        b -= 0.01 * b.grad
    w.grad = None
    b.grad = None
print(w, b)
'''

PROGRAMS['inplace_saved_scalar_ops'] = '''
a = torch.tensor([1., 2., 3.], requires_grad=True)
d = a * 2
e = d * 5 + d / 4
d.add_(1)
e.sum().backward()
print(d, e)
print(a.grad)
g = a * 3
h = g * g
g.zero_()
try:
    h.sum().backward()
except RuntimeError:
    print('RuntimeError')
'''

PROGRAMS['scalar_conversion_errors'] = '''
for t in (torch.tensor([1, 2]), torch.zeros(2, 2), torch.tensor([])):
    for f in (int, float, bool):
        try:
            print(f(t))
        except Exception as e:
            print(f.__name__, type(e).__name__)
print(int(torch.tensor(3.7)), float(torch.tensor([[1]])), bool(torch.tensor([0.0])))
try:
    [1, 2, 3][torch.tensor(1.0)]
except TypeError:
    print('TypeError')
print([1, 2, 3][torch.tensor(2)])
'''

PROGRAMS['float64_from_lists'] = '''
x = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64)
print(x, x.sum(), x.tolist())
print(torch.tensor(1 / 3, dtype=torch.float64).item())
print(torch.tensor([[1e-300, 1e300]], dtype=torch.double))
print(torch.tensor([0.1], dtype=torch.float16).item(), torch.tensor([0.1], dtype=torch.float32).item())
print(torch.DoubleTensor([0.1, 0.7]).tolist(), torch.tensor([2.5, -3.7], dtype=torch.int32))
print(torch.tensor([1.5], dtype=torch.bool), torch.tensor(16777217.0, dtype=torch.float64).item())
'''

PROGRAMS['log_funcs_exact'] = '''
x = torch.tensor([1., 10., 100., 1000., 0.1, 0.01])
print(torch.log10(x), x.log10().sum())
print(torch.log2(torch.tensor([1., 2., 4., 1024., 0.5])))
print(torch.log(torch.tensor([1.0])), torch.exp(torch.tensor([0.0])))
print(torch.tensor([100, 1000]).log10(), torch.tensor([100.], dtype=torch.float64).log10())
'''

PROGRAMS['copy_slices_grad'] = '''
w = torch.tensor([1., 2., 3.], requires_grad=True)
out = torch.zeros(2, 3)
out[1] = w * 2
print(out)
print(out.grad_fn.name())
(out.sum() * 3).backward()
print(w.grad)
y = w * 1
y[0:2].mul_(10)
print(y, y.grad_fn.name())
'''

PROGRAMS['unbind_iteration'] = '''
m = torch.arange(6.).view(3, 2)
for i, row in enumerate(m):
    print(i, row, row.sum())
x, y = m.T
print(x, y)
a, b, c = m
print(a + b + c)
print([t.item() for t in m.flatten()])
print(dict(zip(['a', 'b'], torch.tensor([1, 2]).tolist())))
print(sorted(torch.tensor([3, 1, 2]).tolist()), max(torch.tensor([3., 9., 1.])).item())
'''


@pytest.mark.parametrize('name', sorted(PROGRAMS))
def test_program_prints_what_pytorch_prints(name):
    program = PROGRAMS[name]
    expected, expected_error = run(program, real_torch)
    got, error = run(program, ember)
    assert got == expected
    if expected_error is None:
        assert error is None, f'ember raised {error!r}; PyTorch did not'
    else:
        assert type(error) is type(expected_error), (
            f'PyTorch raised {expected_error!r}, ember raised {error!r}')
