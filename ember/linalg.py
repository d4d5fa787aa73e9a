"""ember.linalg: norms, solvers and decompositions (torch.linalg)."""
__all__ = []
