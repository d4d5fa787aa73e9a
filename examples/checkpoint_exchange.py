"""Move a trained model between ember and PyTorch through a checkpoint file.

ember trains a small classifier, saves its state_dict with ``ember.save``, and the same
architecture is rebuilt and loaded in PyTorch (when PyTorch is installed) and back in a
fresh ember model. Both frameworks read the other's files without the other installed:
the file format is PyTorch's own.

Run: ``python examples/checkpoint_exchange.py [folder]``
"""
import os
import sys
import tempfile

import ember
from ember import nn, optim


def build(nn):
    """The same architecture in either framework (pass ``ember.nn`` or ``torch.nn``)."""
    return nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))


def train_in_ember(steps=200):
    ember.manual_seed(0)
    x = ember.randn(96, 4)
    y = (x[:, 0] > 0).long() + (x[:, 1] > 0.5).long()       # three classes
    model = build(nn)
    opt = optim.Adam(model.parameters(), lr=0.05)
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    model.eval()
    return model, x, y, float(loss)


def main(folder):
    model, x, y, loss = train_in_ember()
    with ember.no_grad():
        acc = (model(x).argmax(1) == y).float().mean().item()
    print(f'ember: trained, loss {loss:.4f}, train accuracy {acc:.3f}')
    path = os.path.join(folder, 'classifier.pt')
    ember.save({'model': model.state_dict(), 'accuracy': acc}, path)
    print(f'saved {os.path.basename(path)} ({os.path.getsize(path)} bytes)')

    try:
        import torch
    except ImportError:
        print('PyTorch is not installed: skipping the PyTorch side')
    else:
        checkpoint = torch.load(path, weights_only=True)      # PyTorch reads ember's file
        twin = build(torch.nn).eval()
        twin.load_state_dict(checkpoint['model'])
        with torch.no_grad():
            logits = twin(torch.tensor(x.numpy()))
        same = bool((logits.argmax(1).numpy() == model(x).argmax(1).numpy()).all())
        print(f'PyTorch: loaded, same predictions as ember: {same}')
        back = os.path.join(folder, 'from_torch.pt')
        torch.save({'model': twin.state_dict()}, back)        # ... and writes one for ember
        path = back

    fresh = build(nn).eval()
    fresh.load_state_dict(ember.load(path)['model'])
    with ember.no_grad():
        same = bool((fresh(x) == model(x)).all())
    print(f'ember: reloaded {os.path.basename(path)}, identical outputs: {same}')


if __name__ == '__main__':
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(tmp)
