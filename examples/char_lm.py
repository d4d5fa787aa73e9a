"""A character-level language model: an LSTM learns to write like a few old poems.

The text ships with ember (``ember/_resources/poems.txt``, public domain), so this runs
offline. Each step trains on a batch of random windows of the text to predict every next
character; the loss goes down from about ln(vocabulary) and the model then writes a sample.

Run: ``python examples/char_lm.py [--steps 300]``. The model and training code are plain
PyTorch: with ``import torch`` / ``from torch import nn`` it trains the same way there.
"""
import argparse
import math

import ember as torch
from ember import nn
from ember._resources import read_text


class CharLSTM(nn.Module):
    """Embedding -> LSTM -> Linear: the next-character logits at every position."""

    def __init__(self, vocab, embed=32, hidden=128, layers=1):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


def batches(data, seq_len, batch_size, generator):
    """Random windows of the encoded text: inputs and the same windows shifted by one."""
    starts = torch.randint(0, len(data) - seq_len - 1, (batch_size,), generator=generator)
    offsets = torch.arange(seq_len + 1)
    windows = data[starts[:, None] + offsets]
    return windows[:, :-1], windows[:, 1:]


@torch.no_grad()
def sample(model, stoi, itos, prompt, length, temperature=0.8):
    """Continue ``prompt`` one character at a time, feeding the LSTM state forward."""
    model.eval()
    x = torch.tensor([[stoi[c] for c in prompt]])
    logits, state = model(x)
    out = list(prompt)
    for _ in range(length):
        probs = torch.softmax(logits[0, -1] / temperature, dim=0)
        nxt = int(torch.multinomial(probs, 1))
        out.append(itos[nxt])
        logits, state = model(torch.tensor([[nxt]]), state)
    model.train()
    return ''.join(out)


def main(steps=300, seq_len=64, batch_size=32, print_every=50, sample_len=200):
    torch.manual_seed(0)
    text = read_text('poems.txt')
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = dict(enumerate(chars))
    data = torch.tensor([stoi[c] for c in text])
    print(f'text: {len(text)} characters, vocabulary {len(chars)} '
          f'(uniform guess: loss {math.log(len(chars)):.3f})')

    model = CharLSTM(len(chars))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(1)
    for step in range(1, steps + 1):
        x, y = batches(data, seq_len, batch_size, gen)
        logits, _ = model(x)
        loss = loss_fn(logits.reshape(-1, len(chars)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % print_every == 0 or step == 1:
            print(f'step {step:4d}  loss {loss.item():.3f}')
    print('sample:')
    print(sample(model, stoi, itos, 'The ', sample_len))


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--steps', type=int, default=300)
    parser.add_argument('--print-every', type=int, default=50)
    parser.add_argument('--sample-len', type=int, default=200)
    args = parser.parse_args()
    main(steps=args.steps, print_every=args.print_every, sample_len=args.sample_len)
