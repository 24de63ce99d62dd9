"""Optional parts of the install, and the one line that says which one is missing.

The core install grades, checks and reports. Heavier parts are extras of the package:
``nbgrader`` (nbgrader itself, which pulls in Jupyter's server and nbconvert, to grade into
an nbgrader course and run its notebooks), ``cluster`` (Dask, to grade on a cluster) and
``postgres`` (a PostgreSQL gradebook's driver); ``all`` is every one of them. A command that
needs a missing one stops with a message naming the extra to install.
"""

from __future__ import annotations

import importlib.util

__all__ = ["EXTRAS", "MissingExtra", "require"]

PACKAGE = "nlp-autograder"

EXTRAS: dict[str, tuple[str, ...]] = {
    "nbgrader": ("nbgrader", "nbclient", "ipykernel"),
    "cluster": ("dask", "distributed"),
    "postgres": ("psycopg",),
}
"""Each extra and the modules it provides (what is looked for)."""


class MissingExtra(Exception):
    """A command needs an extra that is not installed."""


def missing(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be imported here."""
    absent = []
    for module in EXTRAS[extra]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a module set to None in sys.modules, or a broken one
            found = False
        if not found:
            absent.append(module)
    return absent


def require(extra: str, what: str) -> None:
    """Raise :class:`MissingExtra` unless every module of ``extra`` is installed; ``what``
    names the command or option that needs it."""
    absent = missing(extra)
    if absent:
        raise MissingExtra(f"{what} needs the {extra} extra ({', '.join(absent)} not installed): "
                           f"pip install '{PACKAGE}[{extra}]'")
