"""nn.instancenorm layers (being written)."""
__all__ = []
