"""Checking random behaviour with a stated false-failure probability.

A rate observed over ``n`` independent draws is accepted when it lies in the central
interval of Binomial(n, p) that holds all but ``false_failure`` of the probability
(exact quantiles from ``scipy.stats.binom``). A correct implementation therefore fails a
check with probability at most ``false_failure``; graders state it in their docstrings.
"""

from __future__ import annotations

import hashlib
import marshal
from types import ModuleType
from typing import Callable, Hashable

from ..results import Evidence
from .checks import CheckFailed
from . import memo
from .mistakes import Mistakes

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
                false_failure: float = FALSE_FAILURE, notes: list[str] | tuple[str, ...] = (),
                mistakes: Mistakes | None = None, function: str = "",
                rate_of: Callable[[ModuleType], float] | None = None, rate_key: Hashable = None) -> None:
    """``count`` successes out of ``n`` must be a plausible draw of Binomial(n, p).

    Given ``mistakes``, the student's ``function`` and ``rate_of`` (which measures the rate
    of a module's ``function`` here, in the trusted process, on many draws), a known
    mistake whose rate makes ``count`` plausible is the diagnosis.

    ``rate_of`` must depend on nothing of the module but the code of ``function`` itself:
    it is measured once per distinct code (the mistakes that leave ``function`` as the
    reference's share the reference's rate). With ``rate_key`` (say ``("forced", 0.5)``:
    what ``rate_of`` measures, when that does not depend on the submission) a rate is
    measured once per grading process and reused for later submissions."""
    lo, hi = acceptance(n, p, false_failure)
    if lo <= count <= hi:
        return
    diagnosis = None
    if mistakes is not None and rate_of is not None:
        measured: dict = {}

        def rate(module: ModuleType) -> float:
            code = getattr(getattr(module, function, None), "__code__", None)
            if code is None:
                return rate_of(module)
            if code not in measured:
                if rate_key is None:
                    measured[code] = rate_of(module)
                else:  # the code's digest, not the code object: memo entries travel back from the fork by pickle
                    key = ("rate", function, rate_key, hashlib.sha256(marshal.dumps(code)).hexdigest())
                    measured[code] = memo.remembered(key, lambda: rate_of(module))
            return measured[code]

        def plausible(module: ModuleType) -> bool:
            low, high = acceptance(n, min(max(rate(module), 0.0), 1.0), false_failure)
            return low <= count <= high

        diagnosis = mistakes.recognise(function, plausible)
    raise CheckFailed(Evidence(
        rule=rule, call=call, says="gave:",
        observed=f"{what} {count} of {n} times ({count / max(n, 1):.2%})",
        expected=f"about {p:.2%}: between {lo} and {hi} of {n} "
                 f"(a correct solution falls outside with probability below {false_failure:g})",
        diagnosis=diagnosis, notes=list(notes)))
