"""An MLP (multi-layer perceptron) classifying handwritten digits, the notes' full workflow:

    1. data        a Dataset + transforms, wrapped in DataLoaders that deliver mini-batches
    2. model       nn.Sequential: Flatten -> Linear -> ReLU -> Linear (10 class scores)
    3. loss        nn.CrossEntropyLoss (softmax + negative log-likelihood in one)
    4. optimizer   optim.Adam
    5. training    for each batch: zero_grad() -> forward -> loss -> backward() -> step()
    6. evaluation  model.eval() + torch.no_grad(), then accuracy on the test set

By default it trains on Digits, the 1,797 8x8 UCI handwritten digits bundled with ember, so it
runs offline in seconds. With ``--dataset mnist`` it trains the same MLP on MNIST (28x28),
read from the IDX files under ``--data`` (``<data>/MNIST/raw/train-images-idx3-ubyte`` etc.,
gzipped or not); nothing is downloaded, and when the files are missing it says which ones and
exits with status 1.

Run:  python examples/mlp_digits.py [--epochs 10] [--batch-size 64] [--lr 0.001]
      python examples/mlp_digits.py --dataset mnist --data ./data
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
parser.add_argument('--batch-size', type=int, default=64)
parser.add_argument('--lr', type=float, default=0.001, help='Adam learning rate')
parser.add_argument('--hidden', type=int, default=128, help='hidden layer width')
parser.add_argument('--seed', type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)  # same seed -> same initial weights, same shuffling, same result

# ---- 1. data -------------------------------------------------------------------------------
# ToTensor: uint8 image (H x W) -> float tensor (1 x H x W) in [0, 1];
# Normalize: (x - mean) / std per channel, so inputs are centred around 0.
if args.dataset == 'digits':
    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize((0.3,), (0.37,))])
    train_set = datasets.Digits(train=True, transform=transform)
    test_set = datasets.Digits(train=False, transform=transform)
    image_size = 8
else:
    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize((0.1307,), (0.3081,))])
    try:
        train_set = datasets.MNIST(args.data, train=True, download=False, transform=transform)
        test_set = datasets.MNIST(args.data, train=False, download=False, transform=transform)
    except RuntimeError as e:
        # This example only reads local files; fetch them once (with network access) by
        # running datasets.MNIST(args.data, download=True), or copy them there yourself.
        sys.exit(f'MNIST files not found under --data {args.data!r}, so --dataset mnist cannot '
                 f'run.\n{e}\n'
                 'Without the files, run the Digits version: python examples/mlp_digits.py')
    image_size = 28

print(f'{args.dataset}: {len(train_set)} training images, {len(test_set)} test images, '
      f'{image_size}x{image_size} pixels')

# The DataLoader cuts the dataset into mini-batches; shuffle=True gives a new order each epoch.
train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
test_loader = DataLoader(test_set, batch_size=256)

# ---- 2. model ------------------------------------------------------------------------------
model = nn.Sequential(
    nn.Flatten(),                                   # (N, 1, H, W) -> (N, H*W)
    nn.Linear(image_size * image_size, args.hidden),
    nn.ReLU(),
    nn.Linear(args.hidden, 10),                     # one score (logit) per class 0..9
)
print(model)

# ---- 3. loss and 4. optimizer ---------------------------------------------------------------
criterion = nn.CrossEntropyLoss()                   # takes raw logits and integer labels
optimizer = optim.Adam(model.parameters(), lr=args.lr)


def evaluate(loader):
    """Accuracy of the model on every batch of ``loader``."""
    model.eval()                                    # evaluation mode (matters for Dropout/BatchNorm)
    correct = total = 0
    with torch.no_grad():                           # no graph: faster, less memory
        for images, labels in loader:
            predicted = model(images).argmax(dim=1)  # the class with the highest score
            correct += (predicted == labels).sum().item()
            total += labels.size(0)
    return correct / total


# ---- 5. training loop ----------------------------------------------------------------------
for epoch in range(1, args.epochs + 1):
    model.train()                                   # training mode
    running_loss = 0.0
    for images, labels in train_loader:
        optimizer.zero_grad()                       # clear last step's gradients
        outputs = model(images)                     # forward
        loss = criterion(outputs, labels)           # how wrong are we?
        loss.backward()                             # gradients of loss w.r.t. every parameter
        optimizer.step()                            # update the parameters
        running_loss += loss.item() * labels.size(0)
    train_loss = running_loss / len(train_set)
    # ---- 6. evaluation after each epoch ------------------------------------------------------
    print(f'epoch {epoch:2d}/{args.epochs}  train loss {train_loss:.4f}  '
          f'test accuracy {evaluate(test_loader):.4f}')

print(f'final test accuracy: {evaluate(test_loader):.4f}')
