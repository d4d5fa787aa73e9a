"""Linear regression by hand: raw tensors, autograd, and a gradient step you write yourself.

This is the study notes' first model, H(x) = W * x + b fitted to x = [1, 2, 3], y = [2, 4, 6],
without nn.Linear and without an optimizer, so every part of a training step is visible:

    1. data        x_train, y_train as float tensors
    2. model       W and b: tensors created with requires_grad=True (autograd tracks them)
    3. loss        the mean squared error, written out: mean((H(x) - y) ** 2)
    4. backward    cost.backward() fills W.grad and b.grad
    5. update      W -= lr * W.grad under torch.no_grad() (the update itself is not tracked)
    6. zero grads  W.grad.zero_(): PyTorch *adds* new gradients to .grad, so reset them

The answer is W = 2, b = 0; after 2000 epochs it prints W close to 2 and b close to 0.
The last lines show why step 6 matters: without zeroing, gradients pile up.

The code is plain PyTorch with ``import ember as torch``; with ``import torch`` it prints the
same numbers.

Run:  python examples/linear_regression_by_hand.py [--epochs 2000] [--lr 0.01] [--print-every 100]
(``examples/linear_regression.py`` is the same model with nn.Linear and optim.SGD.)
"""
import argparse

import ember as torch

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--epochs', type=int, default=2000, help='number of gradient steps')
parser.add_argument('--lr', type=float, default=0.01, help='learning rate')
parser.add_argument('--print-every', type=int, default=100, help='print every N epochs')
args = parser.parse_args()

# 1. data: three points on the line y = 2x
x_train = torch.FloatTensor([[1], [2], [3]])
y_train = torch.FloatTensor([[2], [4], [6]])

# 2. the model's parameters, starting at 0; requires_grad=True asks autograd to track them
W = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)

nb_epochs = args.epochs
for epoch in range(nb_epochs + 1):
    # forward: the hypothesis H(x) = Wx + b (broadcast over the 3 rows)
    hypothesis = x_train * W + b

    # 3. cost: mean squared error
    cost = torch.mean((hypothesis - y_train) ** 2)

    # 4. backward: d(cost)/dW and d(cost)/db land in W.grad and b.grad
    cost.backward()

    # 5. gradient descent step, W <- W - lr * dcost/dW. Under no_grad() so that the update
    #    is not recorded in the graph (W and b stay leaf tensors).
    with torch.no_grad():
        W -= args.lr * W.grad
        b -= args.lr * b.grad

    # 6. reset the gradients, or the next backward() adds to them (optimizer.zero_grad() does this)
    W.grad.zero_()
    b.grad.zero_()

    if epoch % args.print_every == 0:
        print('Epoch {:4d}/{} W: {:.3f}, b: {:.3f} Cost: {:.6f}'.format(
            epoch, nb_epochs, W.item(), b.item(), cost.item()))

print('learned W = {:.4f}, b = {:.4f} (the answer is W = 2, b = 0)'.format(W.item(), b.item()))
# the trained model predicts H(4) = 4W + b, close to 8
with torch.no_grad():
    print('prediction for x = 4: {:.4f}'.format((4 * W + b).item()))

# Why step 6? Gradients accumulate: differentiating z = 2w three times without zeroing
# gives 2, then 4, then 6 in w.grad.
w = torch.tensor(2.0, requires_grad=True)
for step in range(3):
    z = 2 * w
    z.backward()
    print('without zero_(): w.grad = {}'.format(w.grad.item()))
