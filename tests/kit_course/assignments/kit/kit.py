"""Kit module: fill in the functions."""

from __future__ import annotations

from collections import Counter


def count(tokens: list[str]) -> Counter:
    """How often each token occurs."""
    raise NotImplementedError


def share(tokens: list[str], token: str) -> float:
    """The fraction of ``tokens`` equal to ``token`` (0.0 for no tokens); uses ``count``."""
    raise NotImplementedError


def sort_in_place(values: list[int]) -> list[int]:
    """A sorted copy of values; values itself is left as it was."""
    raise NotImplementedError


def coin(generator, n: int) -> list[int]:
    """n draws of 1 with probability 0.3 (else 0), from generator.random()."""
    raise NotImplementedError
