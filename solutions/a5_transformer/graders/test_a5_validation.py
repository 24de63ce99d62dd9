"""Graders: the three ValueError cases of the contract."""

from autograder.remote import StudentError
from autograder.toolkit import Call, expect_raises, fail


def raises_value_error(function, call, rule, mistakes):
    try:
        expect_raises(ValueError, function, call, rule=rule, mistakes=mistakes)
    except StudentError as exc:  # another exception than ValueError
        raise fail(rule, call, f"{exc.type_name or 'an exception'}: {exc.message}", "to raise ValueError") from None


def test_validation_heads(tf, mistakes):
    """ValueError: MultiHeadAttention with a d_model that num_heads does not divide"""
    call = Call("MultiHeadAttention", 10, 3)
    raises_value_error(tf.MultiHeadAttention, call, "MultiHeadAttention(d_model, num_heads) raises ValueError when "
                       "num_heads does not divide d_model (10 dims cannot be split into 3 equal heads)", mistakes)


def test_validation_odd_d_model(tf, mistakes):
    """ValueError: sinusoidal_positional_encoding with an odd d_model"""
    call = Call("sinusoidal_positional_encoding", 10, 5)
    raises_value_error(tf.sinusoidal_positional_encoding, call, "sinusoidal_positional_encoding raises ValueError "
                       "for an odd d_model (columns come in (sin, cos) pairs)", mistakes)


def test_validation_step(tf, mistakes):
    """ValueError: noam_lr with step < 1"""
    call = Call("noam_lr", 0, 512, 4000)
    raises_value_error(tf.noam_lr, call, "noam_lr raises ValueError for step < 1 (steps count from 1; step^-0.5 is "
                       "undefined at 0)", mistakes)
