"""Sandboxed, rubric-driven grading for a deep-learning NLP course."""

__version__ = "0.1.0"
