"""nn.upsampling layers (being written)."""
__all__ = []
