"""nn.padding layers (being written)."""
__all__ = []
