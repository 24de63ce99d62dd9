import pytest

from autograder.toolkit import Call, expect_equal, expect_raises, number, sequence


def test_add(toy, rng, mistakes):
    """add: random integers"""
    for _ in range(20):
        call = Call("add", rng.randint(-100, 100), rng.randint(-100, 100))
        expect_equal(call.run(toy), sum(call.args), call, rule="add(a, b) is a + b", mistakes=mistakes)


@pytest.mark.parametrize("factor", [0.5, 2.0])
def test_scale(toy, factor, mistakes):
    """scale: multiplies every value"""
    call = Call("scale", [1.0, 2.0], factor)
    got = [number(v, call) for v in sequence(call.run(toy), call, 2)]
    expect_equal(got, [factor, 2 * factor], call, rule="every value is multiplied by the factor", mistakes=mistakes)


def test_scale_negative(toy, mistakes):
    """scale: a negative factor is a ValueError"""
    expect_raises(ValueError, toy.scale, Call("scale", [1.0], -1.0), rule="a negative factor is refused",
                  mistakes=mistakes)


def test_apply_twice(toy, record):
    """apply_twice: calls back into the grader"""
    calls = []

    def grader_function(x):
        calls.append(x)
        return x * 3

    assert toy.apply_twice(grader_function, 2) == 18, "apply_twice(f, 2) with f(x)=3x should be 18"
    record("calls", calls)
    assert calls == [2, 6], f"f should be called with 2 then 6, was called with {calls}"
