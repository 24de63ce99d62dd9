"""Recognising a known mistake: what would each mutant have answered to the same call?

The reference and every mutant (reference + the mutant's definitions) are run here, in the
trusted grading process: they are instructor code. When a check fails, the student's
answer is compared with each mutant's answer to the same call; a mutant that answers
exactly what the student answered (where the reference answers otherwise) is the
diagnosis, and its ``Hint:`` is what the student reads. When none matches, there is no
hint: the evidence speaks alone.

The reference's functions are also the trusted versions a grader injects into student
code (:func:`autograder.toolkit.trusted`), so that a concept is graded on its own.
"""

from __future__ import annotations

import copy
import functools
import logging
import sys
import types
from pathlib import Path
from typing import Any, Callable

from ..mutants import Mutant, load_all
from ..results import Diagnosis

log = logging.getLogger(__name__)


class Mistakes:
    """The reference and the known mistakes of one assignment, loaded as modules here."""

    def __init__(self, solution_dir: Path | None):
        self.solution_dir = solution_dir
        self.mutants: list[Mutant] = []
        self.sources: dict[str, str] = {}
        self.modules: dict[str, types.ModuleType] = {}
        self._reach: dict[tuple[str, str], frozenset[str] | None] = {}
        if solution_dir is None or not (solution_dir / "reference").is_dir():
            return
        references = sorted((solution_dir / "reference").glob("*.py"))
        self.sources = {path.name: path.read_text(encoding="utf-8") for path in references}
        default = references[0].name if references else ""
        self.mutants = [m for m in load_all(solution_dir / "mutants", default) if m.module in self.sources]

    @classmethod
    def of(cls, solution_dir: Path | None) -> "Mistakes":
        """One library per solutions folder and process (the files are read once)."""
        return _cached(str(solution_dir) if solution_dir else "")

    @property
    def available(self) -> bool:
        """False where the solutions are not at hand (a student's ``check``)."""
        return bool(self.sources)

    def reference(self, module: str) -> types.ModuleType:
        """The reference module (``bleu`` or ``bleu.py``), run in this process."""
        name = module if module.endswith(".py") else module + ".py"
        return self._module(name, "")

    def _module(self, filename: str, extra: str) -> types.ModuleType:
        key = f"{filename}\0{extra}"
        if key not in self.modules:
            # Registered under a private name while it runs: dataclasses (with postponed
            # annotations) look their module up in sys.modules.
            name = f"_autograder_mistakes_{id(self)}_{len(self.modules)}_{Path(filename).stem}"
            module = types.ModuleType(name)
            module.__dict__["__autograder_file__"] = filename
            sys.modules[name] = module
            source = self.sources[filename] + ("\n\n" + extra if extra else "")
            exec(compile(source, f"<{self.solution_dir.name if self.solution_dir else ''}/{filename}>", "exec"),
                 module.__dict__)
            self.modules[key] = module
        return self.modules[key]

    def diagnose(self, call: Any, observed: Any, *, normalize: Callable[[Any], Any] = lambda v: v,
                 same: Callable[[Any, Any], bool] = lambda a, b: a == b) -> Diagnosis | None:
        """The known mistake that answers ``call`` exactly as the student did (and
        differently from the reference), or None. When several different mistakes answer
        alike, the evidence does not say which one it is: no diagnosis."""
        if not self.available or not self.mutants:
            return None
        filename = self._module_of(call.function)
        if filename is None:
            return None
        correct = self._answer(self.reference(filename), call)
        found: list[Mutant] = []
        for mutant in self._candidates(filename, call.function):
            answer = self._answer(self._module(filename, mutant.source), call)
            if answer is _FAILED:
                continue
            try:
                answer = normalize(answer)
                matches = same(observed, answer) and (correct is _FAILED or not same(normalize(correct), answer))
            except Exception:  # a mutant's answer of another shape: not this mistake
                continue
            if matches:
                found.append(mutant)
        return _only(found)

    def recognise(self, function: str, behaves_like: Callable[[types.ModuleType], bool]) -> Diagnosis | None:
        """The first known mistake whose module ``behaves_like`` the student's code (and
        whose reference does not), for checks that compare more than an answer: what
        a call did to its arguments, or the rate of a random outcome."""
        filename = self._module_of(function) if self.available else None
        if filename is None:
            return None
        try:
            if behaves_like(self.reference(filename)):
                return None
        except Exception:
            pass
        found = []
        for mutant in self._candidates(filename, function):
            try:
                if behaves_like(self._module(filename, mutant.source)):
                    found.append(mutant)
            except Exception as exc:  # this mistake cannot run here: not the one
                log.debug("mutant %s could not be compared: %s", mutant.name, exc)
        return _only(found)

    def _candidates(self, filename: str, function: str) -> list[Mutant]:
        """The mistakes with a hint that could change what ``function`` does: those that
        redefine a name its code reaches. The others run the reference's code for it and
        answer as the reference does, so they cannot be the diagnosis (and running them,
        say training a tokenizer 50 times, would only take time)."""
        reached = self._reached(filename, function)
        return [m for m in self.mutants if m.hint and m.module == filename
                and (m.redefines is None or reached is None or m.redefines & reached)]

    def _reached(self, filename: str, function: str) -> frozenset[str] | None:
        """The module-level names the code of ``function`` reads, followed through the
        module's functions and classes (None when it is not a function or class here).
        Names read only through ``getattr(module, ...)`` or ``globals()`` are not seen; no
        reference grades with those."""
        key = (filename, function)
        if key not in self._reach:
            namespace = self.reference(filename).__dict__
            seen: set[str] = set()
            todo = [function]
            while todo:
                name = todo.pop()
                if name in seen or name not in namespace:
                    continue
                seen.add(name)
                for code in _codes(namespace[name]):
                    todo += [n for n in _names(code) if n in namespace and n not in seen]
                obj = namespace[name]
                if isinstance(obj, type):
                    todo += [base.__name__ for base in obj.__mro__[1:]]
            self._reach[key] = frozenset(seen) if function in seen else None
        return self._reach[key]

    def _module_of(self, function: str) -> str | None:
        for filename in self.sources:
            if callable(getattr(self.reference(filename), function, None)):
                return filename
        return None

    def _answer(self, module: types.ModuleType, call: Any) -> Any:
        """What ``module`` answers to ``call``, with the same functions replaced by
        trusted (reference) ones as in the student's run."""
        namespace = module.__dict__
        replaced = {name: namespace[name] for name in call.trusted if name in namespace}
        reference = self.reference(_filename_of(module, self.sources))
        try:
            for name in replaced:
                namespace[name] = getattr(reference, name)
            function = namespace.get(call.function)
            return function(*copy.deepcopy(call.args), **copy.deepcopy(call.kwargs))
        except Exception as exc:  # the mistake fails on this input: it cannot be the student's answer
            log.debug("mutant of %s raised %s", call.function, exc)
            return _FAILED
        finally:
            namespace.update(replaced)


_FAILED = object()


def _codes(obj: Any) -> list[types.CodeType]:
    """The code objects a module-level function or class runs (a class: its methods,
    properties, static and class methods)."""
    if isinstance(obj, types.FunctionType):
        return [obj.__code__]
    if not isinstance(obj, type):
        return []
    codes = []
    for member in vars(obj).values():
        for part in (member, getattr(member, "__func__", None), getattr(member, "fget", None),
                     getattr(member, "fset", None)):
            if isinstance(part, types.FunctionType):
                codes.append(part.__code__)
    return codes


def _names(code: types.CodeType) -> set[str]:
    """Every global or attribute name a code object and the code nested in it read."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _only(found: list[Mutant]) -> Diagnosis | None:
    """The one mistake the evidence points at; None when it fits several that give
    different advice (mutants sharing one hint are the same mistake written twice)."""
    if not found or len({m.hint for m in found}) > 1:
        if len(found) > 1:
            log.debug("ambiguous diagnosis: %s", ", ".join(m.name for m in found))
        return None
    return Diagnosis(found[0].name, found[0].description, found[0].hint)


def _filename_of(module: types.ModuleType, sources: dict[str, str]) -> str:
    return module.__dict__.get("__autograder_file__") or next(iter(sources))


@functools.lru_cache(maxsize=16)
def _cached(solution_dir: str) -> Mistakes:
    return Mistakes(Path(solution_dir) if solution_dir else None)
