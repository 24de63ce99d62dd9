"""Graders: the three ValueError cases of the contract."""


def expect_value_error(function, call, why, *args):
    try:
        result = function(*args)
    except ValueError:
        return
    raise AssertionError(f"{call} did not raise ValueError (it returned {type(result).__name__}): {why}")


def test_validation_heads(tf):
    """ValueError: MultiHeadAttention with d_model not divisible by num_heads"""
    expect_value_error(tf.MultiHeadAttention, "MultiHeadAttention(10, 3)",
                       "10 dims cannot be split into 3 equal heads", 10, 3)


def test_validation_odd_d_model(tf):
    """ValueError: sinusoidal_positional_encoding with an odd d_model"""
    expect_value_error(tf.sinusoidal_positional_encoding, "sinusoidal_positional_encoding(10, 5)",
                       "columns come in (sin, cos) pairs, so d_model must be even", 10, 5)


def test_validation_step(tf):
    """ValueError: noam_lr with step < 1"""
    expect_value_error(tf.noam_lr, "noam_lr(0, 512, 4000)", "steps count from 1 (step^-0.5 is undefined at 0)", 0, 512, 4000)
