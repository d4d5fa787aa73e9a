"""Linear regression the PyTorch-tutorial way, with ember standing in for torch.

Run: python examples/linear_regression.py
"""
import ember as torch
from ember import nn, optim

torch.manual_seed(777)

x_train = torch.FloatTensor([[1], [2], [3]])
y_train = torch.FloatTensor([[2], [4], [6]])

model = nn.Linear(1, 1)
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)

nb_epochs = 2000
for epoch in range(nb_epochs + 1):
    hypothesis = model(x_train)
    cost = criterion(hypothesis, y_train)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    if epoch % 100 == 0:
        print('Epoch {:4d}/{} W: {:.3f}, b: {:.3f} Cost: {:.6f}'.format(
            epoch, nb_epochs, model.weight.item(), model.bias.item(), cost.item()))

print(model(torch.FloatTensor([[4.0]])))     # close to 8
print(model)
