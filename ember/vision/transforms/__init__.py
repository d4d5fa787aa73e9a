"""``ember.vision.transforms``: image transforms as torchvision.transforms."""
__all__ = []
