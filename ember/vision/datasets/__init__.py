"""``ember.vision.datasets``: MNIST-style IDX datasets, image folders and the bundled Digits."""
__all__ = []
