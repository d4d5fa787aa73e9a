"""nn.fold layers (being written)."""
__all__ = []
