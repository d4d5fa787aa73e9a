"""nn.container (being written)."""
__all__ = []
