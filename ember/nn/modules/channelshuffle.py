"""nn.channelshuffle layers (being written)."""
__all__ = []
