"""Assignments and rubrics: YAML files turned into validated objects.

A course is a folder holding ``assignments/<id>/`` (what students receive, described by
``assignment.yaml``) and ``solutions/<id>/`` (instructor-only: ``rubric.yaml``, the
hidden ``graders/``, the ``reference/`` answer and ``mutants/``). Every mistake in a YAML
file is reported as a :class:`SpecError` naming the file and the field.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .sandbox.limits import Limits

if TYPE_CHECKING:
    from .late import LatePolicy

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


class SpecError(Exception):
    """An instructor-side file is missing or malformed."""


def _load_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise SpecError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise SpecError(f"{path}: the top level must be a mapping of fields")
    return data


class _Fields:
    """Reads typed fields out of one YAML mapping, naming file and field in every error."""

    def __init__(self, path: Path, data: dict, prefix: str = ""):
        self.path, self.data, self.prefix = path, data, prefix

    def fail(self, field: str, problem: str) -> SpecError:
        return SpecError(f"{self.path}: {self.prefix}{field}: {problem}")

    def only(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                raise self.fail(str(key), f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def get(self, field: str, kind: type | tuple, default: Any = ..., check=None, need: str = "") -> Any:
        if field not in self.data:
            if default is ...:
                raise self.fail(field, "is required")
            return default
        value = self.data[field]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(field, f"must be {need or kind}, got {value!r}")
        if not isinstance(value, kind) or (check is not None and not check(value)):
            raise self.fail(field, f"must be {need or kind}, got {value!r}")
        return value


def _is_weight(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _is_test_entry(entry: Any) -> bool:
    """A pattern; a one-entry mapping {pattern: positive weight}; or {pattern: {weight,
    requires, visibility}}."""
    if isinstance(entry, str):
        return True
    if isinstance(entry, dict) and len(entry) == 1:
        (pattern, options), = entry.items()
        if not isinstance(pattern, str):
            return False
        if _is_weight(options):
            return True
        return isinstance(options, dict) and set(options) <= {"weight", "requires", "visibility"} \
            and _is_weight(options.get("weight", 1)) \
            and _is_pattern_list(options.get("requires", [])) \
            and options.get("visibility", "visible") in VISIBILITIES
    return False


def _is_pattern_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


@dataclasses.dataclass(frozen=True)
class TestRule:
    """How one test pattern of a concept is scored."""

    __test__ = False  # not a pytest test class

    pattern: str
    weight: float = 1.0
    requires: tuple[str, ...] = ()
    """Test name patterns that must all pass for this test to pay (no points for a
    function that does nothing: an "empty input" check requires the ordinary case)."""
    visibility: str | None = None
    """Overrides the concept's visibility for these tests (a hidden re-check of a
    visible concept)."""

    @classmethod
    def parse(cls, entry: Any, concept_requires: tuple[str, ...]) -> "TestRule":
        if isinstance(entry, str):
            return cls(entry, requires=concept_requires)
        (pattern, options), = entry.items()
        if not isinstance(options, dict):
            return cls(pattern, float(options), concept_requires)
        return cls(pattern, float(options.get("weight", 1)), concept_requires + tuple(options.get("requires", [])),
                   options.get("visibility"))


@dataclasses.dataclass(frozen=True)
class Concept:
    id: str
    title: str
    points: float
    visibility: str
    tests: tuple[str, ...]
    timeout: float | None
    weights: tuple[float, ...] = ()
    """One weight per pattern in ``tests`` (default 1): the concept's points are shared by
    its tests in proportion to the weight of the pattern each test matches."""
    rules: tuple[TestRule, ...] = ()
    functions: tuple[str, ...] = ()
    """The student functions this concept grades: where another concept's test ran with a
    correct version of one of them, its feedback says whether the student's own passes."""
    lecture: str = ""
    """The lecture section that teaches the concept ("6강 BLEU score [19:30]"), shown to a
    student who lost points in it."""

    def matches(self, test_name: str) -> bool:
        return any(fnmatch.fnmatchcase(test_name, pattern) for pattern in self.tests)

    def rule(self, test_name: str) -> TestRule:
        for pattern, rule in zip(self.tests, self.rules or [TestRule(p) for p in self.tests]):
            if fnmatch.fnmatchcase(test_name, pattern):
                return rule
        return TestRule(test_name, 0.0)

    def weight(self, test_name: str) -> float:
        for pattern, weight in zip(self.tests, self.weights or (1.0,) * len(self.tests)):
            if fnmatch.fnmatchcase(test_name, pattern):
                return weight
        return 0.0

    def visibility_for(self, test_name: str) -> str:
        return self.rule(test_name).visibility or self.visibility


@dataclasses.dataclass(frozen=True)
class Rubric:
    path: Path
    title: str
    default_timeout: float
    concepts: tuple[Concept, ...]
    assignment: str = ""
    """The id the rubric says it belongs to (``validate`` checks it against assignment.yaml's)."""

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.concepts)

    def concept_for(self, test_name: str) -> Concept:
        matching = [c for c in self.concepts if c.matches(test_name)]
        if len(matching) != 1:
            found = ", ".join(c.id for c in matching) or "none"
            raise SpecError(f"{self.path}: test {test_name!r} must match exactly one concept (matches: {found})")
        return matching[0]

    def timeout_for(self, test_name: str) -> float:
        for concept in self.concepts:
            if concept.matches(test_name):
                return concept.timeout or self.default_timeout
        return self.default_timeout

    @classmethod
    def load(cls, path: Path) -> "Rubric":
        fields = _Fields(path, _load_yaml(path))
        fields.only({"assignment", "title", "default_timeout", "concepts"})
        positive = dict(check=lambda v: v > 0, need="a positive number")
        title = fields.get("title", str, "")
        default_timeout = float(fields.get("default_timeout", (int, float), 10, **positive))
        raw = fields.get("concepts", dict, check=bool, need="a non-empty mapping of concept ids")
        concepts = []
        for concept_id, body in raw.items():
            if not isinstance(body, dict):
                raise fields.fail(f"concepts.{concept_id}", "must be a mapping")
            sub = _Fields(path, body, f"concepts.{concept_id}.")
            sub.only({"title", "points", "visibility", "tests", "timeout", "requires", "functions", "lecture"})
            tests = sub.get("tests", list, check=lambda v: v and all(_is_test_entry(t) for t in v),
                            need="a non-empty list of test name patterns, {pattern: weight} or {pattern: "
                                 "{weight, requires, visibility}} entries")
            concept_requires = tuple(sub.get("requires", list, [], check=_is_pattern_list,
                                             need="a list of test name patterns"))
            functions = tuple(sub.get("functions", list, [], check=_is_pattern_list,
                                      need="a list of function names"))
            rules = [TestRule.parse(t, concept_requires) for t in tests]
            patterns = [rule.pattern for rule in rules]
            weights = [rule.weight for rule in rules]
            concepts.append(Concept(
                id=str(concept_id),
                title=sub.get("title", str, str(concept_id)),
                points=float(sub.get("points", (int, float), **positive)),
                visibility=sub.get("visibility", str, "visible", check=lambda v: v in VISIBILITIES,
                                   need=f"one of {', '.join(VISIBILITIES)}"),
                tests=tuple(patterns),
                weights=tuple(weights),
                rules=tuple(rules),
                functions=functions,
                lecture=sub.get("lecture", str, ""),
                timeout=float(sub.get("timeout", (int, float), 0, check=lambda v: v >= 0, need="a positive number")) or None,
            ))
        return cls(path=path, title=title, default_timeout=default_timeout, concepts=tuple(concepts),
                   assignment=str(fields.get("assignment", (str, int), "")))

    @classmethod
    def one_point_per_test(cls, test_names: list[str], timeout: float) -> "Rubric":
        """The rubric of the public tests: every test is its own concept, all visible."""
        concepts = tuple(Concept(n, n, 1.0, "visible", (n,), None) for n in dict.fromkeys(test_names))
        return cls(path=Path("<public tests>"), title="", default_timeout=timeout, concepts=concepts)


@dataclasses.dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    files: tuple[str, ...]
    directory: Path
    solution_dir: Path | None
    limits: Limits
    public_timeout: float
    due: str | None
    late_policy: "LatePolicy | None" = None
    """How late work is charged (:mod:`autograder.late`); None: it is not."""

    @property
    def modules(self) -> tuple[str, ...]:
        return tuple(Path(f).stem for f in self.files if f.endswith(".py"))

    @property
    def public_tests(self) -> Path:
        return self.directory / "tests"

    def _solution(self, *parts: str) -> Path:
        if self.solution_dir is None:
            raise SpecError(f"{self.id}: instructor files (solutions/{self.id}/) are not available here")
        return self.solution_dir.joinpath(*parts)

    @property
    def graders(self) -> Path:
        return self._solution("graders")

    @property
    def reference(self) -> Path:
        return self._solution("reference")

    @property
    def mutants(self) -> Path:
        return self._solution("mutants")

    def rubric(self) -> Rubric:
        return Rubric.load(self._solution("rubric.yaml"))

    def grader_hash(self) -> str:
        """Identifies the grading material: regrading with changed graders is a new attempt."""
        digest = hashlib.sha256()
        paths = [self.directory / "assignment.yaml"]
        if self.solution_dir is not None:
            paths += [self.solution_dir / "rubric.yaml", *sorted(self.graders.rglob("*.py")),
                      *sorted((self.solution_dir / "support").rglob("*.py"))]
        for path in paths:
            if path.is_file():
                digest.update(str(path.relative_to(path.parents[1])).encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]

    @classmethod
    def load(cls, directory: Path, solution_dir: Path | None = None) -> "Assignment":
        path = directory / "assignment.yaml"
        fields = _Fields(path, _load_yaml(path))
        fields.only({"id", "title", "files", "limits", "timeout", "due", "late_policy"})
        files = fields.get("files", list, check=lambda v: v and all(isinstance(f, str) and "/" not in f for f in v),
                           need="a non-empty list of file names")
        try:
            limits = Limits.from_mapping(fields.get("limits", dict, {}), where=f"{path}: limits")
        except ValueError as exc:
            raise SpecError(str(exc)) from None
        solution = solution_dir if solution_dir is not None and solution_dir.is_dir() else None
        due = str(fields.data["due"]) if fields.data.get("due") is not None else None
        late_policy = None
        if "late_policy" in fields.data:
            from .late import LatePolicy  # late.py's errors are SpecErrors: it imports this module

            try:
                late_policy = LatePolicy.from_mapping(fields.data["late_policy"], where=f"{path}: late_policy")
                late_policy.check_due(due, where=f"{path}: late_policy")
            except ValueError as exc:
                raise SpecError(str(exc)) from None
        return cls(
            id=fields.get("id", str, directory.name),
            title=fields.get("title", str, directory.name),
            files=tuple(files),
            directory=directory,
            solution_dir=solution,
            limits=limits,
            public_timeout=float(fields.get("timeout", (int, float), 10, check=lambda v: v > 0, need="a positive number")),
            due=due,
            late_policy=late_policy,
        )


class Course:
    """A folder with ``assignments/`` and (for instructors) ``solutions/``."""

    def __init__(self, root: Path):
        self.root = root

    @classmethod
    def locate(cls, explicit: str | None = None) -> "Course":
        """--course, then $AUTOGRADER_COURSE, then the current folder, then this checkout."""
        candidates = [explicit, os.environ.get("AUTOGRADER_COURSE"), os.getcwd(), str(Path(__file__).parents[1])]
        for candidate in candidates:
            if candidate and (Path(candidate) / "assignments").is_dir():
                return cls(Path(candidate).resolve())
        raise SpecError("no course found: run inside a folder with assignments/ or pass --course")

    def assignment_ids(self) -> list[str]:
        return sorted(p.parent.name for p in (self.root / "assignments").glob("*/assignment.yaml"))

    def assignment(self, name: str) -> Assignment:
        """An assignment by id, or by the path of a released assignment folder."""
        as_path = Path(name)
        if (as_path / "assignment.yaml").is_file() and not (self.root / "assignments" / name).is_dir():
            return Assignment.load(as_path.resolve())
        directory = self.root / "assignments" / name
        if not (directory / "assignment.yaml").is_file():
            known = ", ".join(self.assignment_ids()) or "none"
            raise SpecError(f"unknown assignment {name!r} (known: {known})")
        return Assignment.load(directory, self.root / "solutions" / name)
