"""ember's first-run demo: train a small convolutional network to read handwritten digits.

Usage::

    python -m ember.demo                     # 20 epochs, a few seconds on a laptop
    python -m ember.demo --epochs 3 --out runs/digits --no-plot
    python -m ember.demo --help

It is an ordinary PyTorch-style training program, written with ember:

1. **data**: ``ember.vision.datasets.Digits``, 1,797 handwritten digits of 8 x 8 pixels that
   ship inside ember (no download), split into 1,437 training and 360 test images, fed in
   shuffled mini-batches by a ``DataLoader``;
2. **model**: ``DigitsCNN`` below (two convolutions, max-pooling, two linear layers);
3. **loss and optimizer**: cross-entropy, and Adam with a cosine learning-rate schedule;
4. **training loop**: forward, loss, ``zero_grad()``, ``backward()``, ``step()``, one progress
   bar per epoch (tqdm when it is installed, a plain line otherwise);
5. **evaluation**: ``model.eval()`` and ``ember.no_grad()`` on the test images;
6. **saving**: ``ember.save(model.state_dict(), path)``, plus a PNG of the loss and accuracy
   curves when matplotlib is installed (``pip install ".[train]"`` in ember's folder gives
   tqdm and matplotlib).

Load the saved weights into a fresh model with::

    from ember.demo import DigitsCNN
    model = DigitsCNN()
    model.load_state_dict(ember.load('ember_digits_cnn.pt'))

>>> model = DigitsCNN()
>>> model(ember.zeros(2, 1, 8, 8)).shape
torch.Size([2, 10])
"""
import argparse
import os
import sys
import time

import ember
from ember import nn
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms

__all__ = ['DigitsCNN', 'main']

WEIGHTS_FILE = 'ember_digits_cnn.pt'
PLOT_FILE = 'ember_digits_curves.png'


class DigitsCNN(nn.Module):
    """A small CNN for 1 x 8 x 8 digit images: Conv-ReLU-Conv-ReLU-MaxPool-Flatten-Linear-ReLU-
    Dropout-Linear, giving 10 class scores (logits) per image.

    >>> DigitsCNN()(ember.zeros(1, 1, 8, 8)).shape
    torch.Size([1, 10])
    """

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)    # 1 x 8 x 8  -> 16 x 8 x 8
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)   # 16 x 8 x 8 -> 32 x 8 x 8
        self.pool = nn.MaxPool2d(2)                                # 32 x 8 x 8 -> 32 x 4 x 4
        self.flatten = nn.Flatten()                                # 32 x 4 x 4 -> 512
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.dropout = nn.Dropout(0.25)
        self.fc2 = nn.Linear(64, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.flatten(self.pool(x))
        x = self.dropout(self.relu(self.fc1(x)))
        return self.fc2(x)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m ember.demo',
        description='Train a small CNN on the handwritten digits bundled with ember, report its '
                    'test accuracy and save its weights (and a plot of the training curves).')
    parser.add_argument('--epochs', type=int, default=20, help='passes over the training set '
                        '(default: %(default)s)')
    parser.add_argument('--batch-size', type=int, default=32, help='images per mini-batch '
                        '(default: %(default)s)')
    parser.add_argument('--lr', type=float, default=3e-3, help='starting learning rate of Adam '
                        '(default: %(default)s)')
    parser.add_argument('--seed', type=int, default=0, help='random seed; the same seed gives '
                        'the same run (default: %(default)s)')
    parser.add_argument('--out', default='.', help='folder for the weights and the plot, '
                        'created if needed (default: the current folder)')
    parser.add_argument('--no-plot', action='store_true', help='do not write the PNG of the '
                        'training curves even when matplotlib is installed')
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1 or args.lr <= 0:
        parser.error('--epochs and --batch-size must be at least 1 and --lr positive')
    return args


# ---------------------------------------------------------------------------------------------
# Progress display. In a terminal: a live bar during each epoch (tqdm's when tqdm is installed,
# else a plain one rewritten in place with '\r'), replaced at the end of the epoch by a summary
# line. When the output goes to a file or a CI log: just the summary line, one per epoch.

class _PlainBar:
    """A minimal stand-in for tqdm: ``update()`` after each batch, ``close()`` after the epoch."""

    def __init__(self, total, desc, live):
        self.total, self.desc, self.live = total, desc, live
        self.n, self.postfix = 0, ''

    def set_postfix_str(self, text, refresh=True):
        self.postfix = text

    def update(self, n=1):
        self.n += n
        if self.live:
            done = 30 * self.n // self.total
            bar = '#' * done + '.' * (30 - done)
            sys.stdout.write(f'\r{self.desc}: [{bar}] {self.n}/{self.total} {self.postfix}')
            sys.stdout.flush()

    def close(self):
        if self.live:                       # blank out the live line for the summary
            sys.stdout.write('\r' + ' ' * 78 + '\r')


def progress_bar(total, desc):
    """A progress bar over ``total`` batches; tqdm is imported only when it is needed."""
    if not sys.stdout.isatty():
        return _PlainBar(total, desc, live=False)
    try:
        from tqdm import tqdm
    except ImportError:
        return _PlainBar(total, desc, live=True)
    return tqdm(total=total, desc=desc, unit='batch', file=sys.stdout, leave=False)


# ---------------------------------------------------------------------------------------------
# Training and evaluation

def train_one_epoch(model, loader, loss_fn, optimizer, bar):
    """One pass over ``loader``; returns (mean loss, accuracy) on the training batches."""
    model.train()                           # Dropout active
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        logits = model(images)
        loss = loss_fn(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        total_loss += loss.item() * len(labels)
        correct += (logits.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
        bar.set_postfix_str(f'loss {total_loss / seen:.4f}', refresh=False)
        bar.update()
    return total_loss / seen, correct / seen


def evaluate(model, loader, loss_fn):
    """Returns (mean loss, number correct, number of images) over ``loader``."""
    model.eval()                            # Dropout off
    total_loss, correct, seen = 0.0, 0, 0
    with ember.no_grad():                   # no graph: faster, less memory
        for images, labels in loader:
            logits = model(images)
            total_loss += loss_fn(logits, labels).item() * len(labels)
            correct += (logits.argmax(dim=1) == labels).sum().item()
            seen += len(labels)
    return total_loss / seen, correct, seen


def save_plot(history, path):
    """Writes the loss and accuracy curves to ``path`` with matplotlib's Agg backend; returns
    False (and writes nothing) when matplotlib is not installed."""
    try:
        # A bare Figure renders with the non-interactive Agg backend: no window, no global
        # pyplot state, works on a headless machine.
        from matplotlib.figure import Figure
    except ImportError:
        return False
    epochs = range(1, len(history['train_loss']) + 1)
    fig = Figure(figsize=(10, 4))
    ax_loss, ax_acc = fig.subplots(1, 2)
    ax_loss.plot(epochs, history['train_loss'], 'o-', label='train')
    ax_loss.plot(epochs, history['test_loss'], 'o-', label='test')
    ax_loss.set(title='Cross-entropy loss', xlabel='epoch', ylabel='loss')
    ax_acc.plot(epochs, [100 * a for a in history['train_acc']], 'o-', label='train')
    ax_acc.plot(epochs, [100 * a for a in history['test_acc']], 'o-', label='test')
    ax_acc.set(title='Accuracy', xlabel='epoch', ylabel='accuracy (%)')
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle('ember demo: DigitsCNN on Digits')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


def main(argv=None):
    """Runs the demo with command-line arguments ``argv`` (default: ``sys.argv[1:]``) and
    returns the final test accuracy (a float in [0, 1])."""
    args = parse_args(argv)
    start = time.perf_counter()
    ember.manual_seed(args.seed)            # same seed -> same weights, batches and dropout

    # 1. Data: NumPy 8 x 8 uint8 images -> 1 x 8 x 8 float tensors in [0, 1].
    to_tensor = transforms.ToTensor()
    train_set = datasets.Digits(train=True, transform=to_tensor)
    test_set = datasets.Digits(train=False, transform=to_tensor)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)

    # 2.-3. Model, loss, optimizer.
    model = DigitsCNN()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = ember.optim.Adam(model.parameters(), lr=args.lr)
    # The learning rate glides from lr down to 0 along a half cosine over the epochs: big
    # steps early, small steps at the end for a steady final model.
    scheduler = ember.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)

    n_params = sum(p.numel() for p in model.parameters())
    print('ember demo: a small convolutional network learns to read handwritten digits')
    print(f'  data:  Digits (ships with ember): {len(train_set):,} training and '
          f'{len(test_set):,} test images, 8x8 pixels')
    print(f'  model: DigitsCNN, Conv-ReLU-Conv-ReLU-MaxPool-Linear-ReLU-Dropout-Linear, '
          f'{n_params:,} weights')
    print(f'  train: {args.epochs} epochs of Adam (lr {args.lr:g}, cosine schedule), '
          f'batch size {args.batch_size}, seed {args.seed}')
    print(flush=True)

    # 4. Training loop, with the test accuracy after every epoch for the curves.
    history = {'train_loss': [], 'train_acc': [], 'test_loss': [], 'test_acc': []}
    width = len(str(args.epochs))
    for epoch in range(1, args.epochs + 1):
        tic = time.perf_counter()
        bar = progress_bar(len(train_loader), f'epoch {epoch:{width}}/{args.epochs}')
        train_loss, train_acc = train_one_epoch(model, train_loader, loss_fn, optimizer, bar)
        scheduler.step()
        # 5. Evaluation: model.eval() and ember.no_grad() inside.
        test_loss, correct, total = evaluate(model, test_loader, loss_fn)
        for key, value in zip(history, (train_loss, train_acc, test_loss, correct / total)):
            history[key].append(value)
        bar.close()
        print(f'epoch {epoch:{width}}/{args.epochs}: train loss {train_loss:.4f}  '
              f'train acc {100 * train_acc:5.1f}%  test acc {100 * correct / total:5.1f}%  '
              f'({time.perf_counter() - tic:.1f} s)', flush=True)

    accuracy = correct / total
    print(f'\nTest accuracy: {100 * accuracy:.2f}% ({correct}/{total} test images correct), '
          f'trained in {time.perf_counter() - start:.1f} s')

    # 6. Save the weights (and the curves).
    os.makedirs(args.out, exist_ok=True)
    weights_path = os.path.normpath(os.path.join(args.out, WEIGHTS_FILE))
    plot_path = os.path.normpath(os.path.join(args.out, PLOT_FILE))
    ember.save(model.state_dict(), weights_path)
    print(f'\nSaved the trained weights to {weights_path}')
    if not args.no_plot:
        if save_plot(history, plot_path):
            print(f'Saved the loss and accuracy curves to {plot_path}')
        else:
            print('(pip install matplotlib -- or pip install ".[train]" in ember\'s folder -- to '
                  'also get a plot of the loss and accuracy curves)')
    print('Load the weights into a fresh model with:\n'
          '    import ember\n'
          '    from ember.demo import DigitsCNN\n'
          '    model = DigitsCNN()\n'
          f'    model.load_state_dict(ember.load({weights_path!r}))')
    return accuracy


if __name__ == '__main__':
    main()
