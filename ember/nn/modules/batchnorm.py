"""nn.batchnorm layers (being written)."""
__all__ = []
