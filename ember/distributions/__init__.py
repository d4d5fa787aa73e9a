"""``ember.distributions``: probability distributions, as ``torch.distributions``."""
