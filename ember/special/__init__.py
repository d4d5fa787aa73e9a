"""``ember.special``: special functions, as ``torch.special``."""
