"""The graders' toolkit: checks that fail with evidence, recognise known mistakes and grade
each concept on its own.

A grader test uses the ``student`` fixture for the student's module and the ``mistakes``
fixture for the assignment's reference and mutants (both given by the grading plugin)::

    from autograder.toolkit import Call, expect_equal, sequence, trusted

    def test_clipping_one_reference(student, mistakes):
        \"\"\"Clipping: the limit is the largest count in any ONE reference\"\"\"
        bleu = student.module("bleu")
        call = Call("modified_precision", ["the"] * 4, [["the", "cat", "the"], ["the", "dog"]], 1)
        with trusted(bleu, mistakes, "ngrams"):          # a wrong ngrams is charged elsewhere
            got = tuple(sequence(call.run(bleu), call, 2))
        expect_equal(got, (2, 4), call, rule="an n-gram is credited at most as often as it "
                     "occurs in any one reference", mistakes=mistakes, normalize=tuple)

What each piece is for:

- :class:`Call` renders a call as the student would type it and remembers its arguments;
  :func:`describe` renders a value in a line; :func:`number`, :func:`integer`,
  :func:`sequence`, :func:`counter` turn what came back into plain values or fail saying
  what came back instead; :func:`instance` insists on an object of the student's (a
  ``Vocab``, a model) before a grader reads its attributes; :func:`sizes` orders generated cases smallest first;
  :func:`run_together` makes many generated calls in one round trip before they are checked.
- :func:`expect_equal`, :func:`expect_close`, :func:`expect_numbers_close`,
  :func:`expect_tensor_close` (``torch.testing``), :func:`expect_raises`, and :func:`fail`
  for anything else, raise :class:`CheckFailed` with an
  :class:`~autograder.results.Evidence`: the call, observed, expected, the rule. Given
  ``mistakes``, they ask each mutant what it answers to the same call; a match becomes the
  diagnosis, with the mutant's ``Hint:``. No hint is shown that the evidence does not
  support.
- :func:`trusted` replaces student functions by the reference's (run in the grading
  process, reached by callback) for a block, so one mistake costs its own concept once.
- :func:`expect_unchanged` / :func:`call_watching` catch arguments changed in place.
- :func:`expect_rate` and :func:`acceptance` check random behaviour with a stated
  false-failure probability; a :class:`Seeded` call re-makes its :class:`SeededRandom` /
  :func:`seeded_generator` arguments in the student process, so the student's code and the
  known mistakes flip the same coins.
- ``record(name, data)`` (a fixture) attaches JSON data to the test for pictures;
  :func:`~autograder.toolkit.pictures.drawn_after` makes the calls a picture needs after
  the checks without touching the verdict.
- :mod:`~autograder.toolkit.memo` keeps an expensive outcome (a trained model's
  translations) for the same code and secret seed, within one grading process.
"""

from .checks import (
    CheckFailed, close, expect_close, expect_equal, expect_numbers_close, expect_raises, expect_tensor_close, fail,
    first_difference,
)
from . import memo
from .mistakes import Mistakes
from .stats import FALSE_FAILURE, acceptance, expect_rate
from .trusted import call_watching, expect_unchanged, trusted
from .seeded import Seeded, SeededRandom, seeded_generator
from .values import Call, counter, describe, instance, integer, number, run_together, sequence, sizes

__all__ = [
    "FALSE_FAILURE", "Call", "CheckFailed", "Mistakes", "Seeded", "SeededRandom", "acceptance", "call_watching",
    "close", "counter", "describe", "expect_close", "expect_equal", "expect_numbers_close", "expect_raises",
    "expect_rate", "expect_tensor_close", "expect_unchanged", "fail", "first_difference", "instance", "integer",
    "memo", "number", "run_together", "seeded_generator", "sequence", "sizes", "trusted",
]
