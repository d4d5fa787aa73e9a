"""nn.pixelshuffle layers (being written)."""
__all__ = []
