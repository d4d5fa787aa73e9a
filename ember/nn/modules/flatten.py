"""``Flatten`` and ``Unflatten``.

>>> ember.nn.Flatten()(ember.ones(2, 1, 28, 28)).shape
torch.Size([2, 784])
"""
from .module import Module

__all__ = ['Flatten', 'Unflatten']


class Flatten(Module):
    """Flattens dims ``start_dim..end_dim`` into one (keeps the batch dim by default).

    >>> ember.nn.Flatten(0)(ember.ones(2, 3)).shape
    torch.Size([6])
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f'start_dim={self.start_dim}, end_dim={self.end_dim}'


class Unflatten(Module):
    """Splits dimension ``dim`` into ``unflattened_size``.

    >>> ember.nn.Unflatten(1, (2, 5))(ember.ones(3, 10)).shape
    torch.Size([3, 2, 5])
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, int):
            if not isinstance(unflattened_size, (tuple, list)) or not all(
                    isinstance(s, int) for s in unflattened_size):
                raise TypeError('unflattened_size must be tuple of ints, but found type '
                                f'{type(unflattened_size).__name__}')
        elif isinstance(dim, str):
            raise TypeError('Named tensors are not supported: dim must be an int')
        else:
            raise TypeError('invalid argument type for dim parameter')
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f'dim={self.dim}, unflattened_size={self.unflattened_size}'
