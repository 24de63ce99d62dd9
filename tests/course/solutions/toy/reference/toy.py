def add(a, b):
    return a + b


def scale(values, factor):
    if factor < 0:
        raise ValueError("factor must be non-negative")
    return [v * factor for v in values]


def apply_twice(function, x):
    return function(function(x))
