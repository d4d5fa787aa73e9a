"""nn.distance layers (being written)."""
__all__ = []
