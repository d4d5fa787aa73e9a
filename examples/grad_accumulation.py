"""Gradient accumulation, gradient clipping and a learning-rate scheduler (StepLR).

Three training tricks from the notes, on a small synthetic classification problem:

  * gradient accumulation: a big batch may not fit in memory, so take k small batches, call
    backward() on each (gradients add up in .grad) and step the optimizer once every k batches.
    Dividing each loss by k makes the summed gradient the mean over the k batches, the same
    as one batch k times as large.
  * gradient clipping: nn.utils.clip_grad_norm_(model.parameters(), max_norm) rescales all
    gradients together when their overall (L2) norm exceeds max_norm, so one bad batch
    cannot throw the weights far away. It returns the norm before clipping.
  * StepLR: multiply the learning rate by gamma every step_size epochs (scheduler.step() once
    per epoch, after the optimizer steps), for finer steps near the end.

Each epoch prints the training loss, the learning rate it used, the largest gradient norm seen,
how many optimizer steps were clipped, and the accuracy on held-out data.

The code is plain PyTorch with ``import ember as torch``; with ``import torch`` it prints the
same numbers (up to float32 rounding in the last digits).

Run:  python examples/grad_accumulation.py [--epochs 12] [--accumulation-steps 4]
      [--batch-size 16] [--max-norm 0.5] [--step-size 4] [--gamma 0.5]
"""
import argparse

import ember as torch
from ember import nn, optim
from ember.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--epochs', type=int, default=12)
parser.add_argument('--batch-size', type=int, default=16, help='size of one small batch')
parser.add_argument('--accumulation-steps', type=int, default=4,
                    help='small batches per optimizer step (effective batch = k * batch size)')
parser.add_argument('--lr', type=float, default=0.1)
parser.add_argument('--max-norm', type=float, default=0.5, help='gradient clipping threshold')
parser.add_argument('--step-size', type=int, default=4, help='StepLR: decay every N epochs')
parser.add_argument('--gamma', type=float, default=0.5, help='StepLR: decay factor')
parser.add_argument('--samples', type=int, default=1200)
parser.add_argument('--seed', type=int, default=0)
args = parser.parse_args()

torch.manual_seed(args.seed)

# ---- data: 20 features; the label (0, 1 or 2) is decided by a hidden random linear "teacher" --
n_features, n_classes = 20, 3
X = torch.randn(args.samples, n_features)
teacher = torch.randn(n_features, n_classes)
y = (X @ teacher).argmax(dim=1)
n_train = args.samples * 5 // 6
train_set = TensorDataset(X[:n_train], y[:n_train])
test_X, test_y = X[n_train:], y[n_train:]
train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
k = args.accumulation_steps
print(f'{n_train} training samples, batches of {args.batch_size}, {k} batches per step '
      f'(effective batch {k * args.batch_size})')

# ---- model, loss, optimizer, scheduler -----------------------------------------------------
model = nn.Sequential(nn.Linear(n_features, 64), nn.ReLU(), nn.Linear(64, n_classes))
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=args.step_size, gamma=args.gamma)

# ---- training loop with accumulation ---------------------------------------------------------
for epoch in range(1, args.epochs + 1):
    model.train()
    lr = optimizer.param_groups[0]['lr']        # the rate used during this epoch
    total_loss, max_grad_norm, steps, clipped = 0.0, 0.0, 0, 0
    optimizer.zero_grad()
    for i, (inputs, targets) in enumerate(train_loader):
        loss = criterion(model(inputs), targets)
        (loss / k).backward()                   # gradients add up in .grad across k batches
        total_loss += loss.item() * targets.size(0)
        # step every k batches, and once more for a last, incomplete group of the epoch
        if (i + 1) % k == 0 or i + 1 == len(train_loader):
            grad_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=args.max_norm)
            max_grad_norm = max(max_grad_norm, grad_norm.item())
            steps += 1
            clipped += grad_norm.item() > args.max_norm   # this step's gradients were scaled down
            optimizer.step()
            optimizer.zero_grad()
    scheduler.step()                            # once per epoch: lr *= gamma every step_size

    model.eval()
    with torch.no_grad():
        accuracy = (model(test_X).argmax(dim=1) == test_y).float().mean().item()
    print(f'epoch {epoch:2d}/{args.epochs}  loss {total_loss / n_train:.4f}  lr {lr:.4f}  '
          f'grad norm max {max_grad_norm:.3f} (clipped {clipped}/{steps} steps)  '
          f'test accuracy {accuracy:.4f}')

print(f'final test accuracy: {accuracy:.4f}')
