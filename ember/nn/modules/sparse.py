"""nn.sparse layers (being written)."""
__all__ = []
