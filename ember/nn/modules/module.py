"""nn.Module (being written)."""


class Module:
    pass
