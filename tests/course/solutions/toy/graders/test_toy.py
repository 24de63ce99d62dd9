import pytest

from autograder.testing import as_float


def test_add(toy, rng):
    """add: random integers"""
    for _ in range(20):
        a, b = rng.randint(-100, 100), rng.randint(-100, 100)
        got = toy.add(a, b)
        assert got == a + b, f"add({a}, {b}) returned {got!r}, expected {a + b}"


@pytest.mark.parametrize("factor", [0.5, 2.0])
def test_scale(toy, factor):
    """scale: multiplies every value"""
    got = toy.scale([1.0, 2.0], factor)
    assert [as_float(v, "scale(...)[i]") for v in got] == [factor, 2 * factor], f"scale([1.0, 2.0], {factor}) returned {got!r}"


def test_scale_negative(toy):
    """scale: a negative factor is a ValueError"""
    with pytest.raises(ValueError):
        toy.scale([1.0], -1.0)


def test_apply_twice(toy, record):
    """apply_twice: calls back into the grader"""
    calls = []

    def grader_function(x):
        calls.append(x)
        return x * 3

    assert toy.apply_twice(grader_function, 2) == 18, "apply_twice(f, 2) with f(x)=3x should be 18"
    record("calls", calls)
    assert calls == [2, 6], f"f should be called with 2 then 6, was called with {calls}"
