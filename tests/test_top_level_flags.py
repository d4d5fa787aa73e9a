"""Top-level flags and helpers of the torch namespace, against torch 2.13."""
import pytest
torch = pytest.importorskip('torch')
import ember

def test_deterministic_flag_as_torch():
    for lib in (torch, ember):
        assert lib.are_deterministic_algorithms_enabled() is False
        lib.use_deterministic_algorithms(True, warn_only=True)
        assert lib.are_deterministic_algorithms_enabled() is True
        assert lib.is_deterministic_algorithms_warn_only_enabled() is True
        lib.use_deterministic_algorithms(False)
        assert lib.are_deterministic_algorithms_enabled() is False
        assert lib.is_deterministic_algorithms_warn_only_enabled() is False

def test_typename_as_torch():
    for e, t in [(ember.zeros(1), torch.zeros(1)), (3, 3), ('a', 'a')]:
        assert ember.typename(e) == torch.typename(t)
