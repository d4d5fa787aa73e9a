"""Mixed-precision training on the CPU: autocast (bfloat16) and a GradScaler, on Digits.

Mixed precision keeps the weights in float32 but runs the heavy math (the Linear layers'
matrix products) in a 16-bit dtype inside ``with torch.autocast('cpu', dtype=...)``:

  * matmuls, convolutions, RNNs and attention take 16-bit inputs and give 16-bit outputs
    (half the memory per activation, and faster on hardware with 16-bit units);
  * losses, softmax and big reductions still run in float32, because they need its range and
    precision: ``nn.CrossEntropyLoss`` gets bfloat16 logits and returns a float32 loss;
  * the backward pass needs no autocast: each gradient comes back in its tensor's own dtype,
    so the float32 weights get float32 gradients and the optimizer updates them in float32.

``GradScaler`` multiplies the loss by a large factor before ``backward()`` so small gradients do
not underflow to zero in 16 bits, then divides them back before the optimizer step (and skips a
step whose gradients overflowed). bfloat16 has float32's range, so with bfloat16 the scaler is
not strictly needed, but it costs almost nothing and the same loop then works for float16.

bfloat16 in ember needs the optional ``ml_dtypes`` package (``pip install "ember[bfloat16]"``).
Without it this example does not stop: it prints a note and trains with float16 autocast
instead, which needs no extra package and is exactly where the GradScaler earns its keep.
``--dtype float16`` chooses float16 directly.

The code is plain PyTorch with ``import ember as torch``: with ``import torch`` it trains the
same way (the Digits data ships with ember, so that one import stays). Each epoch prints the
training loss and the test accuracy; first it shows the dtypes autocast produced.

Run:  python examples/mixed_precision.py [--epochs 8] [--dtype bfloat16] [--lr 0.003]
"""
import argparse

import ember as torch
from ember import nn, optim
from ember.utils.data import DataLoader, TensorDataset
from ember.vision.datasets import Digits      # bundled data; keep this import under PyTorch

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--epochs', type=int, default=8)
parser.add_argument('--batch-size', type=int, default=64)
parser.add_argument('--lr', type=float, default=0.003, help='Adam learning rate')
parser.add_argument('--hidden', type=int, default=128, help='hidden layer width')
parser.add_argument('--dtype', choices=['bfloat16', 'float16'], default='bfloat16',
                    help='the 16-bit dtype autocast computes in')
parser.add_argument('--seed', type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)

# ---- the 16-bit dtype: bfloat16 if this installation has it, else float16 --------------------
amp_dtype = getattr(torch, args.dtype)
try:
    torch.zeros(1, dtype=amp_dtype)
except RuntimeError as e:           # ember without ml_dtypes: bfloat16 is not available
    print(f'note: {e}; using float16 autocast instead')
    amp_dtype = torch.float16


# ---- data: 8x8 digit images as flat float32 vectors, normalised ------------------------------
def load(train):
    dataset = Digits(train=train)
    images = torch.from_numpy(dataset.data.numpy()).float().flatten(1) / 255
    labels = torch.from_numpy(dataset.targets.numpy())
    return (images - 0.3) / 0.37, labels


train_x, train_y = load(train=True)
test_x, test_y = load(train=False)
train_loader = DataLoader(TensorDataset(train_x, train_y), batch_size=args.batch_size,
                          shuffle=True)
print(f'digits: {len(train_x)} training and {len(test_x)} test images; autocast dtype {amp_dtype}')

# ---- model, loss, optimizer and the gradient scaler ------------------------------------------
model = nn.Sequential(nn.Linear(64, args.hidden), nn.ReLU(), nn.Linear(args.hidden, 10))
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=args.lr)
scaler = torch.amp.GradScaler('cpu')

# What autocast does to the dtypes (look, don't train):
with torch.no_grad(), torch.autocast('cpu', dtype=amp_dtype):
    logits = model(train_x[:4])
    print(f'inside autocast: parameters {model[0].weight.dtype}, logits {logits.dtype}, '
          f'loss {criterion(logits, train_y[:4]).dtype}')


def accuracy(x, y):
    model.eval()
    with torch.no_grad(), torch.autocast('cpu', dtype=amp_dtype):
        predicted = model(x).argmax(dim=1)
    model.train()
    return (predicted == y).float().mean().item()


# ---- training --------------------------------------------------------------------------------
for epoch in range(args.epochs):
    total, count = 0.0, 0
    for images, labels in train_loader:
        optimizer.zero_grad()
        with torch.autocast('cpu', dtype=amp_dtype):   # forward pass and loss in autocast
            loss = criterion(model(images), labels)      # a float32 loss from 16-bit logits
        scaler.scale(loss).backward()                    # backward outside autocast
        scaler.step(optimizer)                           # unscales; skips inf/nan steps
        scaler.update()                                  # adapts the scale factor
        total += loss.item() * len(labels)
        count += len(labels)
    print(f'epoch {epoch + 1:2d}  train loss {total / count:.4f}  '
          f'test accuracy {accuracy(test_x, test_y):.4f}  scale {scaler.get_scale():.0f}')

print(f'final test accuracy: {accuracy(test_x, test_y):.4f}')
