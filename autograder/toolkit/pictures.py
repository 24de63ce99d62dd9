"""Data for the reports' pictures, gathered without ever deciding a verdict.

A picture may need calls of its own (the student's precisions on a fixed corpus, a loss at
several temperatures) made after the test's checks: :func:`drawn_after` runs them whether
the checks passed or failed, keeps whatever the checks raised, swallows whatever the
picture raises, and makes no call once the student's process has crashed or run out of
time (it would only crash or time out again).
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

from ..remote import StudentCrash, StudentTimeout

__all__ = ["drawn_after"]


@contextlib.contextmanager
def drawn_after(make_picture: Callable[[], Any]) -> Iterator[None]:
    """``with drawn_after(lambda: record("name", picture(...))):`` around a test's checks."""
    try:
        yield
    except (StudentCrash, StudentTimeout):
        raise
    except Exception:
        _quietly(make_picture)
        raise
    _quietly(make_picture)


def _quietly(function: Callable[[], Any]) -> None:
    try:
        function()
    except Exception:  # noqa: BLE001 - a picture is a decoration: it never decides a verdict
        pass
