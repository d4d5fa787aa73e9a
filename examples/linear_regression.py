"""Linear regression the PyTorch-tutorial way, with ember standing in for torch.

Run: python examples/linear_regression.py
"""
import ember as torch

torch.manual_seed(1)

x_train = torch.FloatTensor([[1], [2], [3]])
y_train = torch.FloatTensor([[1], [2], [3]])

W = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.01

nb_epochs = 2000
for epoch in range(nb_epochs + 1):
    hypothesis = x_train * W + b
    cost = torch.mean((hypothesis - y_train) ** 2)
    W.grad = None
    b.grad = None
    cost.backward()
    with torch.no_grad():      # plain gradient descent: what optim.SGD does
        W -= lr * W.grad
        b -= lr * b.grad
    if epoch % 100 == 0:
        print('Epoch {:4d}/{} W: {:.3f}, b: {:.3f} Cost: {:.6f}'.format(
            epoch, nb_epochs, W.item(), b.item(), cost.item()))
