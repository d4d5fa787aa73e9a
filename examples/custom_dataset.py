"""Your own Dataset: reading image files from class folders, with a transform pipeline.

Real projects keep images as files, one folder per class:

    root/0/0001.png   root/0/0007.png ...
    root/1/0002.png   ...

This example first writes such folders (PNG files made from the bundled Digits images, so it
runs offline), then reads them back with a hand-written ``Dataset`` subclass:

    __init__     find the files and their labels (the folder name is the class)
    __len__      how many samples there are
    __getitem__  open one image, apply the transforms, return (image tensor, label)

The transform pipeline resizes each 8x8 image to 16x16, rotates it by a random small angle
(data augmentation: a new variant every epoch), and turns it into a normalised tensor. A
``DataLoader`` with ``num_workers=2`` opens and transforms the images in two worker processes
while the main process trains. Worker processes need the ``if __name__ == '__main__':`` guard
at the bottom of this file (with the 'spawn' start method each worker re-imports this file).

Needs pillow, the optional extra:  pip install "ember[vision]"

Run:  python examples/custom_dataset.py [--epochs 8] [--workers 2] [--per-class 0] [--root DIR]
"""
import argparse
import os
import sys
import tempfile

try:
    from PIL import Image
except ImportError:
    sys.exit('This example reads and writes PNG files with pillow, which is not installed.\n'
             'Install the optional extra:  pip install "ember[vision]"')

import ember as torch
from ember import nn, optim
from ember.utils.data import Dataset, DataLoader
from ember.vision import datasets, transforms


class FolderImages(Dataset):
    """Images stored as ``root/<class name>/<file>.png``; the label is the class's index."""

    def __init__(self, root, transform=None):
        self.transform = transform
        self.classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}
        # Only the paths are kept in memory; each image is read when it is asked for.
        self.samples = []
        for name in self.classes:
            folder = os.path.join(root, name)
            for file in sorted(os.listdir(folder)):
                if file.endswith('.png'):
                    self.samples.append((os.path.join(folder, file), self.class_to_idx[name]))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        path, label = self.samples[index]
        with Image.open(path) as f:
            image = f.convert('L')          # 'L': one grey channel
        if self.transform is not None:
            image = self.transform(image)
        return image, label


def write_digit_pngs(root, train, per_class):
    """Save Digits images as root/<label>/<index>.png (at most per_class per label if > 0)."""
    digits = datasets.Digits(train=train)
    written = [0] * 10
    for i in range(len(digits)):
        image, label = digits[i]             # image: an 8x8 uint8 NumPy array
        if per_class and written[label] >= per_class:
            continue
        os.makedirs(os.path.join(root, str(label)), exist_ok=True)
        Image.fromarray(image).save(os.path.join(root, str(label), f'{i:04d}.png'))
        written[label] += 1
    return sum(written)


def run(args, root):
    n_train = write_digit_pngs(os.path.join(root, 'train'), True, args.per_class)
    n_test = write_digit_pngs(os.path.join(root, 'test'), False, args.per_class)
    print(f'wrote {n_train} training and {n_test} test PNG files under {root}')

    # ---- the transform pipelines -------------------------------------------------------------
    # Training: random augmentation, so every epoch sees slightly different images. (No
    # horizontal flip here: a mirrored 2 or 7 is not a 2 or 7 any more.)
    train_transform = transforms.Compose([
        transforms.Resize(16),                  # PIL image 8x8 -> 16x16
        transforms.RandomRotation(10),          # rotate by a random angle in [-10, 10] degrees
        transforms.ToTensor(),                  # PIL image -> float tensor 1x16x16 in [0, 1]
        transforms.Normalize((0.3,), (0.37,)),  # (x - mean) / std
    ])
    # Evaluation: the same steps without the randomness.
    test_transform = transforms.Compose([
        transforms.Resize(16),
        transforms.ToTensor(),
        transforms.Normalize((0.3,), (0.37,)),
    ])

    train_set = FolderImages(os.path.join(root, 'train'), transform=train_transform)
    test_set = FolderImages(os.path.join(root, 'test'), transform=test_transform)
    image, label = train_set[0]
    print(f'classes {train_set.classes}; one item: image {tuple(image.shape)} {image.dtype}, '
          f'label {label}')

    # num_workers=2: two processes load batches in parallel (same batches, same order as 0);
    # persistent_workers keeps them alive between epochs instead of starting new ones.
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True, num_workers=args.workers,
                              persistent_workers=args.workers > 0)
    test_loader = DataLoader(test_set, batch_size=128, num_workers=args.workers)

    model = nn.Sequential(
        nn.Flatten(),
        nn.Linear(16 * 16, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)

    for epoch in range(1, args.epochs + 1):
        model.train()
        running_loss = 0.0
        for images, labels in train_loader:    # images: (32, 1, 16, 16), labels: (32,)
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item() * labels.size(0)
        print(f'epoch {epoch:2d}/{args.epochs}  train loss {running_loss / len(train_set):.4f}')

    model.eval()
    correct = 0
    with torch.no_grad():
        for images, labels in test_loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
    print(f'test accuracy: {correct / len(test_set):.4f}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--epochs', type=int, default=8)
    parser.add_argument('--lr', type=float, default=0.002, help='Adam learning rate')
    parser.add_argument('--workers', type=int, default=2, help='DataLoader worker processes')
    parser.add_argument('--per-class', type=int, default=0,
                        help='write at most this many images per class (0: all of them)')
    parser.add_argument('--root', default=None,
                        help='folder to write the PNG files to and keep (default: a temporary '
                             'folder, deleted at the end)')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    if args.root is not None:
        run(args, args.root)
    else:
        with tempfile.TemporaryDirectory() as root:
            run(args, root)


# The guard: worker processes may import this file again; only the real start runs main().
if __name__ == '__main__':
    main()
