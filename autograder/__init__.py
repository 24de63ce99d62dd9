"""Sandboxed, rubric-driven grading for a deep-learning NLP course.

In a notebook, ``from autograder import check; check("a4_bleu")`` runs the public tests on
the notebook's code (see :mod:`autograder.jupyter`); it is imported on first use, so that
``import autograder`` stays light in the sandbox's student processes.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "check":
        from .jupyter import check

        return check
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")
