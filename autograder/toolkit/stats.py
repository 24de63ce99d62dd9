"""Checking random behaviour with a stated false-failure probability.

A rate observed over ``n`` independent draws is accepted when it lies in the central
interval of Binomial(n, p) that holds all but ``false_failure`` of the probability
(exact quantiles from ``scipy.stats.binom``). A correct implementation therefore fails a
check with probability at most ``false_failure``; graders state it in their docstrings.
"""

from __future__ import annotations

from ..results import Evidence
from .checks import CheckFailed

FALSE_FAILURE = 1e-6
"""Default probability that a correct implementation fails one rate check."""


def acceptance(n: int, p: float, false_failure: float = FALSE_FAILURE) -> tuple[int, int]:
    """[lo, hi] counts with P(X < lo) + P(X > hi) <= false_failure for X ~ Binomial(n, p)."""
    from scipy.stats import binom  # imported on first use: most graders never need it

    if n <= 0:
        return 0, 0
    lo = int(binom.ppf(false_failure / 2, n, p))
    hi = int(binom.isf(false_failure / 2, n, p))
    return lo, hi


def expect_rate(count: int, n: int, p: float, *, what: str, rule: str, call: str = "",
                false_failure: float = FALSE_FAILURE, notes: list[str] | tuple[str, ...] = ()) -> None:
    """``count`` successes out of ``n`` must be a plausible draw of Binomial(n, p)."""
    lo, hi = acceptance(n, p, false_failure)
    if lo <= count <= hi:
        return
    raise CheckFailed(Evidence(
        rule=rule, call=call,
        observed=f"{what} {count} of {n} times ({count / max(n, 1):.2%})",
        expected=f"about {p:.2%}: between {lo} and {hi} of {n} "
                 f"(a correct solution falls outside with probability below {false_failure:g})",
        notes=list(notes)))
