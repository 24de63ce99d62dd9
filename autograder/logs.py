"""Where the framework's own messages go: ``logging`` to standard error, set up once per
process (the CLI, and each worker of a local pool).

Framework failures are logged with their traceback. Without ``--debug`` the traceback is
left out of what is printed (one line each, saying how to see it); student feedback never
contains one either way.
"""

from __future__ import annotations

import logging
import sys


class _Tracebacks(logging.Filter):
    """Drops tracebacks from records unless they are wanted."""

    def __init__(self, keep: bool):
        super().__init__()
        self.keep = keep

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.keep and record.exc_info:
            record.exc_info, record.exc_text = None, None
            record.msg = f"{record.msg} (--debug shows the traceback)"
        return True


class _Once(logging.Filter):
    """Says each broken grader check once per process: a batch (or ``validate``) meets the
    same broken check in every submission, and each result says so itself."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name != "autograder.testing":
            return True
        message = record.getMessage()
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


def configure(level: int, *, rich: bool = True) -> None:
    """Log at ``level`` (DEBUG keeps tracebacks) to standard error, through rich's handler
    in a terminal session, plainly in a pool worker."""
    handler: logging.Handler
    if rich:
        from rich.console import Console
        from rich.logging import RichHandler

        debug = level <= logging.DEBUG
        handler = RichHandler(console=Console(stderr=True, highlight=False), show_time=debug, show_path=debug,
                              markup=False, rich_tracebacks=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_Once())
    handler.addFilter(_Tracebacks(keep=level <= logging.DEBUG))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in ("distributed", "asyncio"):  # their INFO lines are about themselves
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def level_of(verbose: bool, debug: bool) -> int:
    return logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
