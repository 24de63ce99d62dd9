"""The sentence a late student reads above their tests.

It is stored with the attempt in English and translated when rendered, like intake's and
the sandbox's messages, so this module is one of :data:`autograder.messages.STORED`:
everything here with words in it is a message to translate, and nothing else is here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .late import Penalty


def number(value: float) -> str:
    """Points and percents as people write them: 13.6, 14, 12.5."""
    return f"{round(value, 2):g}"


def message(found: "Penalty", raw: float, kept: float) -> str:
    """What the penalty ``found`` did to a raw score (empty when on time)."""
    raw_points, kept_points, units, percent = number(raw), number(kept), found.units, number(found.fraction * 100)
    if found.kind == "grace":
        return "Submitted after the due date but within the grace period: no late penalty."
    if found.kind == "closed":
        return f"Submitted after the hard deadline: no credit ({raw_points} points earned, 0 kept)."
    if found.kind != "late":
        return ""
    if found.per == "hour":
        if units == 1:
            return f"Submitted 1 hour late: {percent}% late penalty ({kept_points} of {raw_points} points kept)."
        return f"Submitted {units} hours late: {percent}% late penalty ({kept_points} of {raw_points} points kept)."
    if units == 1:
        return f"Submitted 1 day late: {percent}% late penalty ({kept_points} of {raw_points} points kept)."
    return f"Submitted {units} days late: {percent}% late penalty ({kept_points} of {raw_points} points kept)."
