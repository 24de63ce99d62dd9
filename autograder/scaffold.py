"""``autograder new``: an assignment's files, written so that ``validate`` runs at once.

Every file is a skeleton in the shape the framework expects (see
``docs/writing-an-assignment.md``); every place the instructor must fill in says ``TODO``,
and ``validate`` refuses to pass while one is left, so it doubles as the to-do list. The
public tests need no conftest: the ``student`` fixture comes from the grading plugin under
``autograder check`` and from :mod:`autograder.public` under plain pytest.

Written by hand rather than from a template engine: the files are short, and the code
that writes them is the one place that knows both the layout and the toolkit's calls.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import textwrap
from pathlib import Path


def snake(name: str) -> str:
    """``FactorizedEmbedding`` -> ``factorized_embedding`` (file, concept and test names)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class ScaffoldError(Exception):
    """The names given cannot make an assignment (or it exists already)."""


@dataclasses.dataclass(frozen=True)
class Function:
    name: str
    params: str
    """As typed in a ``def`` line, without ``self``: ``"logits, k=5"``."""

    @property
    def call_args(self) -> list[str]:
        tree = ast.parse(f"def f({self.params}): pass").body[0]
        assert isinstance(tree, ast.FunctionDef), "parsed from a def line"
        return [a.arg for a in tree.args.posonlyargs + tree.args.args]


def parse_functions(text: str, default: str = "x") -> list[Function]:
    """``"softmax(logits, temperature=1.0), top_k"`` -> functions; a bare name takes
    ``default`` (a class's ``__init__`` takes nothing but self)."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    functions = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        name, _, rest = item.partition("(")
        name, params = name.strip(), (rest[:-1] if rest.endswith(")") else rest + "(").strip() if rest else default
        if not name.isidentifier():
            raise ScaffoldError(f"{name!r} is not a Python name")
        try:
            ast.parse(f"def {name}({params}): pass")
        except SyntaxError:
            raise ScaffoldError(f"{item!r}: the parameters are not valid Python") from None
        functions.append(Function(name, params))
    return functions


def create(root: Path, assignment_id: str, module: str, functions: list[Function],
           classes: list[Function] = ()) -> list[Path]:  # type: ignore[assignment]
    """Write the files under ``root`` (the course folder); return their paths."""
    if not assignment_id.replace("-", "_").isidentifier():
        raise ScaffoldError(f"{assignment_id!r}: an assignment id is letters, digits and _ (it names folders)")
    if not module.isidentifier():
        raise ScaffoldError(f"{module!r} is not a module name")
    if not functions and not classes:
        raise ScaffoldError("name at least one function (--functions) or class (--classes)")
    student, solution = root / "assignments" / assignment_id, root / "solutions" / assignment_id
    for folder in (student, solution):
        if folder.exists():
            raise ScaffoldError(f"{folder} exists already: nothing was written")
    names = [f.name for f in functions] + [c.name for c in classes]
    stub = _stub(assignment_id, module, functions, classes)
    files = {
        student / "assignment.yaml": _assignment_yaml(assignment_id, module),
        student / f"{module}.py": stub,
        student / "README.md": _readme(assignment_id, module, names),
        student / "README.ko.md": _readme_ko(assignment_id, module, names),
        student / "tests" / f"test_{module}_public.py": _public_tests(assignment_id, module, names),
        solution / "rubric.yaml": _rubric(assignment_id, names),
        solution / "reference" / f"{module}.py": stub.replace(
            '"""', '"""The model answer (instructors only). TODO: write it.\n\n', 1),
        solution / "mutants" / "README.md": _mutants_readme(module, names[0]),
        **{solution / "graders" / f"test_{snake(name)}.py": _grader(module, name) for name in names},
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def _assignment_yaml(assignment_id: str, module: str) -> str:
    return textwrap.dedent(f"""\
        id: {assignment_id}
        title: "{assignment_id}"   # TODO: the title students see
        files: [{module}.py]       # what a submission must contain; the first .py is the graded module
        timeout: 10                # seconds per PUBLIC test (hidden tests: rubric.yaml's default_timeout)
        limits:
          memory_mb: 2048          # the student process's memory (RLIMIT_DATA)
        # due: 2027-03-01          # optional; after_due_date tests are shown after it
        """)


def _stub(assignment_id: str, module: str, functions: list[Function], classes: list[Function]) -> str:
    parts = [f'"""{assignment_id}: TODO one line on what students build in {module}.py.\n\n'
             f'Fill in every ``raise NotImplementedError``; ``autograder check {assignment_id} .`` runs the\n'
             'public tests.\n"""\n']
    for function in functions:
        parts.append(textwrap.dedent(f'''

            def {function.name}({function.params}):
                """TODO: what {function.name} takes (types, shapes) and returns, and its edge cases.

                TODO: a small example, worked by hand.
                """
                raise NotImplementedError
            '''))
    for cls in classes:
        params = cls.params
        parts.append(textwrap.dedent(f'''

            class {cls.name}:
                """TODO: what a {cls.name} is for, and what its methods do."""

                def __init__(self{", " + params if params else ""}):
                    raise NotImplementedError
            '''))
    return "".join(parts)


def _readme(assignment_id: str, module: str, names: list[str]) -> str:
    concepts = "\n".join(f"### {i}. {name}\n\nTODO: the concept, the rule, an example and the lecture section.\n"
                         for i, name in enumerate(names, 1))
    return (f"# {assignment_id}\n\nTODO: what students build and why it matters.\n\n"
            f"| file | what it is |\n|---|---|\n| `{module}.py` | the module to complete |\n"
            f"| `tests/test_{module}_public.py` | public tests with small fixed examples |\n\n"
            f"## Checking your work\n\n```bash\nautograder check {assignment_id} path/to/your/folder\n```\n\n"
            "runs the public tests against your module in a separate, sandboxed process. Plain `pytest`\n"
            "in your folder works too. More tests run when you submit.\n\n"
            f"## The concepts\n\n{concepts}")


def _readme_ko(assignment_id: str, module: str, names: list[str]) -> str:
    concepts = "\n".join(f"### {i}. {name}\n\nTODO: 개념, 규칙, 예시, 관련 강의 구간.\n"
                         for i, name in enumerate(names, 1))
    return (f"# {assignment_id}\n\nTODO: 이 과제에서 구현할 내용과 그 의미.\n\n"
            f"| 파일 | 내용 |\n|---|---|\n| `{module}.py` | 완성할 모듈 |\n"
            f"| `tests/test_{module}_public.py` | 작은 고정 예시로 된 공개 테스트 |\n\n"
            f"## 스스로 확인하기\n\n```bash\nautograder check {assignment_id} path/to/your/folder\n```\n\n"
            "공개 테스트를 분리된 샌드박스 프로세스에서 실행합니다. 폴더에서 `pytest`를 실행해도 됩니다.\n"
            "제출하면 더 많은 테스트가 실행됩니다.\n\n"
            f"## 개념\n\n{concepts}")


def _public_tests(assignment_id: str, module: str, names: list[str]) -> str:
    tests = "".join(textwrap.dedent(f'''

        def test_{snake(name)}_example(student):
            """{name}: TODO the rule this example shows, as a headline"""
            {module} = student.module("{module}")
            call = Call("{name}")  # TODO: the example's arguments
            expect_equal(call.run({module}), None, call, rule="TODO: what correct code does")  # TODO: its answer
        ''') for name in names)
    return (f'"""Public tests of {assignment_id}: ``autograder check {assignment_id} .`` runs them against your\n'
            f'{module}.py in a sandboxed process; plain ``pytest`` imports it directly."""\n\n'
            "from autograder.toolkit import Call, expect_equal\n" + tests)


def _grader(module: str, name: str) -> str:
    return textwrap.dedent(f'''\
        """Graders of {name}: each test checks one rule, on inputs a student cannot predict."""

        from autograder.toolkit import Call, expect_equal, sizes

        # TODO: fixed cases that each show one rule: (arguments, what a correct {name} returns).
        CASES = [
        ]


        def test_{snake(name)}_cases(student, mistakes):
            """{name}: TODO the rule these cases check, as a headline"""
            if not CASES:  # a grader error until written: validate names it, no submission earns a point
                raise NotImplementedError("CASES of test_{snake(name)}.py is empty")
            {module} = student.module("{module}")
            for args, want in CASES:
                call = Call("{name}", *args)
                expect_equal(call.run({module}), want, call, mistakes=mistakes,
                             rule="TODO: the rule, stated as what correct code does")


        def test_{snake(name)}_random(student, mistakes, rng):
            """{name}: TODO the rule, on random inputs from the secret seed"""
            {module} = student.module("{module}")
            for size in sizes(10, 50):  # smallest first: a student sees the smallest failing case
                args = ()  # TODO: an input of this size made with rng
                call = Call("{name}", *args)
                want = None  # TODO: an oracle written here from the contract (never the reference)
                expect_equal(call.run({module}), want, call, mistakes=mistakes,
                             rule="TODO: the rule, stated as what correct code does")
        ''')


def _rubric(assignment_id: str, names: list[str]) -> str:
    concepts = "".join(textwrap.dedent(f"""\
          {snake(name)}:
            title: "TODO: {name}, as the README names the concept"
            points: 1
            visibility: visible     # visible | hidden | after_due_date | after_published
            functions: [{name}]     # what this concept grades (trusted stand-ins elsewhere)
            tests:
              - test_{snake(name)}_cases
              # pays only when the ordinary cases pass (no free points for a do-nothing answer):
              - test_{snake(name)}_random: {{requires: [test_{snake(name)}_cases]}}
        """) for name in names)
    return (f"assignment: {assignment_id}   # the assignment's id (assignment.yaml's id)\n"
            f'title: "{assignment_id}"\n'
            "default_timeout: 10           # seconds per hidden test; a concept's timeout: overrides it\n"
            "concepts:\n" + textwrap.indent(concepts, "  "))


def _mutants_readme(module: str, first: str) -> str:
    return textwrap.dedent(f"""\
        # Known mistakes

        One file per mistake students really make (`<name>.py`), holding only the wrong
        definitions: it is appended to the reference, so the reference's other functions
        call them. Its docstring says which concepts it must lose and what the student who
        made it reads:

        ```python
        \"\"\"One line: what the mistake does.

        Loses: {snake(first)}
        Hint: what a student who made it should look at, stated as the rule (not as
          "you did X"); continuation lines are indented.
        \"\"\"


        def {first}(...):
            ...  # the reference's {first}, with the mistake
        ```

        `autograder validate` proves that each one loses the points of its `Loses:`
        concepts and no others, at most a third of the marks, and that a failed check
        recognises it; `autograder try <id> <name>` shows what its student reads.
        """)
