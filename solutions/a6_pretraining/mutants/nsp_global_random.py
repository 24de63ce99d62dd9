"""Flips the coins with the random module's global functions instead of the rng argument.

Loses: nsp_rate
Hint: flip the coins and make the choices with the rng argument (rng.random(),
  rng.choice(...)), not with random.random() / random.choice() of the random module.
"""

import random as _global_random

_reference_make_nsp_examples = make_nsp_examples


def make_nsp_examples(documents, rng):
    return _reference_make_nsp_examples(documents, _global_random)
