"""nn.flatten (being written)."""
__all__ = []
