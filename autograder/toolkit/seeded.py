"""Calls whose random generators live in the student process.

A ``torch.Generator`` or a ``random.Random`` cannot cross to the student process (it is not
data). A :class:`Seeded` call holds grader-side generators made from a seed
(:class:`SeededGenerator`, :class:`SeededRandom`); when it runs against the student, each
is re-made there from the same seed, and when a known mistake is asked the same question
(here, in the grading process) it gets the grader-side one. So the student's code and
every mistake flip the same coins, and the call is shown as the student would type it:
``mask_tokens(ids, special, generator=torch.Generator().manual_seed(7))``.
"""

from __future__ import annotations

import random
from typing import Any

from .values import Call


class SeededRandom(random.Random):
    """``random.Random(seed)``, shown as such in a call; a copy keeps its state."""

    def __init__(self, seed: int = 0):
        super().__init__(seed)
        self.seed_value = seed

    def __repr__(self) -> str:
        return f"random.Random({self.seed_value})"

    def __deepcopy__(self, memo: dict) -> "SeededRandom":
        twin = SeededRandom(self.seed_value)
        twin.setstate(self.getstate())
        return twin


def seeded_generator(seed: int) -> Any:
    """``torch.Generator().manual_seed(seed)``, shown as such in a call (torch is imported
    only by assignments that use it)."""
    return _generator_class()(seed)


_GENERATOR: type | None = None


def _generator_class() -> type:
    global _GENERATOR
    if _GENERATOR is None:
        import torch

        class SeededGenerator(torch.Generator):
            def __new__(cls, seed: int) -> "SeededGenerator":
                generator = super().__new__(cls)
                generator.manual_seed(seed)
                return generator

            def __init__(self, seed: int):
                pass

            def __repr__(self) -> str:
                return f"torch.Generator().manual_seed({self.initial_seed()})"

        _GENERATOR = SeededGenerator
    return _GENERATOR


class Seeded(Call):
    """A call whose seeded generators are re-made in the student's process when it runs."""

    def __init__(self, student: Any, function: str, *args: Any, **kwargs: Any):
        super().__init__(function, *args, **kwargs)
        self.student = student

    def _twin(self, value: Any) -> Any:
        if _GENERATOR is not None and isinstance(value, _GENERATOR):
            return self.student.module("torch").Generator().manual_seed(value.initial_seed())
        if isinstance(value, SeededRandom):
            return self.student.module("random").Random(value.seed_value)
        return value

    def run(self, module: Any) -> Any:
        saved = self.args, self.kwargs
        self.args = tuple(self._twin(v) for v in saved[0])
        self.kwargs = {k: self._twin(v) for k, v in saved[1].items()}
        try:
            return super().run(module)
        finally:
            self.args, self.kwargs = saved
