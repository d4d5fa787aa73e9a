"""nn.activation layers (being written)."""
__all__ = []
