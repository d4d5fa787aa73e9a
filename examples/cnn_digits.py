"""A small CNN (convolutional neural network) classifying handwritten digits.

Same workflow as ``mlp_digits.py`` (data -> model -> loss -> optimizer -> training loop ->
evaluation), with the model written as an ``nn.Module`` subclass: two blocks of
Conv2d -> ReLU -> MaxPool2d that look at small neighbourhoods of pixels, then a Linear layer.
Images travel as NCHW tensors: (batch N, channels C, height H, width W).

By default it trains on Digits (1,797 8x8 images bundled with ember: offline, seconds).
``--dataset mnist`` trains the same CNN on MNIST (28x28) from the IDX files under ``--data``
(``<data>/MNIST/raw/``); when they are missing it says which ones and exits with status 1.

Run:  python examples/cnn_digits.py [--epochs 10] [--batch-size 32] [--lr 0.002]
      python examples/cnn_digits.py --dataset mnist --data ./data
"""
import argparse
import sys

import ember as torch
from ember import nn, optim
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--dataset', choices=['digits', 'mnist'], default='digits')
parser.add_argument('--data', default='./data', help='folder holding MNIST/raw/ (for --dataset mnist)')
parser.add_argument('--epochs', type=int, default=10)
parser.add_argument('--batch-size', type=int, default=32)
parser.add_argument('--lr', type=float, default=0.002, help='Adam learning rate')
parser.add_argument('--seed', type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)

# ---- 1. data -------------------------------------------------------------------------------
def make_transform(mean, std):
    # image -> 1 x H x W float tensor in [0, 1] -> centred around 0
    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((mean,), (std,))])


if args.dataset == 'digits':
    transform, image_size = make_transform(0.3, 0.37), 8
    train_set = datasets.Digits(train=True, transform=transform)
    test_set = datasets.Digits(train=False, transform=transform)
else:
    transform, image_size = make_transform(0.1307, 0.3081), 28
    try:
        train_set = datasets.MNIST(args.data, train=True, download=False, transform=transform)
        test_set = datasets.MNIST(args.data, train=False, download=False, transform=transform)
    except RuntimeError as e:
        # This example only reads local files; fetch them once (with network access) by
        # running datasets.MNIST(args.data, download=True), or copy them there yourself.
        sys.exit(f'MNIST files not found under --data {args.data!r}, so --dataset mnist cannot '
                 f'run.\n{e}\n'
                 'Without the files, run the Digits version: python examples/cnn_digits.py')

print(f'{args.dataset}: {len(train_set)} training images, {len(test_set)} test images, '
      f'{image_size}x{image_size} pixels')

train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
test_loader = DataLoader(test_set, batch_size=256)


# ---- 2. model ------------------------------------------------------------------------------
class CNN(nn.Module):
    def __init__(self, image_size):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1),   # (N, 1, H, W)  -> (N, 16, H, W)
            nn.ReLU(),
            nn.MaxPool2d(2),                              # -> (N, 16, H/2, W/2)
            nn.Conv2d(16, 32, kernel_size=3, padding=1),  # -> (N, 32, H/2, W/2)
            nn.ReLU(),
            nn.MaxPool2d(2),                              # -> (N, 32, H/4, W/4)
        )
        side = image_size // 4                            # 8 -> 2, 28 -> 7
        self.classifier = nn.Linear(32 * side * side, 10)

    def forward(self, x):
        x = self.features(x)
        x = x.view(x.size(0), -1)                         # flatten to (N, 32 * side * side)
        return self.classifier(x)


model = CNN(image_size)
print(model)
n_params = sum(p.numel() for p in model.parameters())
print(f'{n_params} parameters')

# ---- 3. loss and 4. optimizer ---------------------------------------------------------------
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=args.lr)


def evaluate(loader):
    """(mean loss, accuracy) of the model over ``loader``, without building a graph."""
    model.eval()                                          # evaluation mode
    total_loss, correct, total = 0.0, 0, 0
    with torch.no_grad():                                 # no gradients needed to evaluate
        for images, labels in loader:
            outputs = model(images)
            total_loss += criterion(outputs, labels).item() * labels.size(0)
            correct += (outputs.argmax(dim=1) == labels).sum().item()
            total += labels.size(0)
    return total_loss / total, correct / total


# ---- 5. training loop ----------------------------------------------------------------------
for epoch in range(1, args.epochs + 1):
    model.train()                                         # back to training mode
    running_loss = 0.0
    for images, labels in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * labels.size(0)
    # ---- 6. evaluation -----------------------------------------------------------------------
    test_loss, test_acc = evaluate(test_loader)
    print(f'epoch {epoch:2d}/{args.epochs}  train loss {running_loss / len(train_set):.4f}  '
          f'test loss {test_loss:.4f}  test accuracy {test_acc:.4f}')

print(f'final test accuracy: {test_acc:.4f}' if args.epochs else 'no training (--epochs 0)')
