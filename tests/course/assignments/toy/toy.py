"""Toy module: fill in the functions."""


def add(a: int, b: int) -> int:
    """Return a + b."""
    raise NotImplementedError


def scale(values: list[float], factor: float) -> list[float]:
    """Return every value multiplied by factor; raise ValueError if factor is negative."""
    raise NotImplementedError


def apply_twice(function, x):
    """Return function(function(x)): the function is supplied by the caller."""
    raise NotImplementedError
