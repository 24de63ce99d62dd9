"""The graders' toolkit, end to end on the kit course (tests/kit_course): evidence,
diagnoses from the known mistakes, trusted stand-ins, dependencies, statistics."""

import textwrap
from pathlib import Path

import pytest

from autograder.feedback.gradescope import to_gradescope
from autograder.pipeline import grade
from autograder.spec import Course
from autograder.toolkit import Call, acceptance, describe

KIT = Path(__file__).parent / "kit_course"
REFERENCE = (KIT / "solutions/kit/reference/kit.py").read_text()


@pytest.fixture(scope="module")
def kit():
    return Course(KIT).assignment("kit")


def submit(tmp_path, kit, source, name="student"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "kit.py").write_text(textwrap.dedent(source))
    return grade(kit, folder)


def by_test(result):
    return {t.test.split("::")[-1]: t for t in result.tests}


def test_the_reference_earns_everything(kit, tmp_path):
    result = submit(tmp_path, kit, REFERENCE)
    assert result.score == result.max_score == 6, [t.output for t in result.tests if t.status != "passed"]


def test_a_known_mistake_is_named_with_its_hint(kit, tmp_path):
    result = submit(tmp_path, kit, REFERENCE + "\ndef count(tokens):\n    return Counter(tokens[1:])\n")
    failed = by_test(result)["test_count_sentence"]
    assert failed.status == "failed"
    evidence = failed.evidence
    assert evidence.call == "count(['x', 'a', 'b', 'a'])"
    assert evidence.observed == "{'a': 2, 'b': 1}" and evidence.expected == "{'x': 1, 'a': 2, 'b': 1}"
    assert evidence.rule == "every token is counted as often as it occurs"
    assert evidence.diagnosis.mistake == "count_skips_first"
    assert "does your loop start at 1?" in failed.output
    json_test = next(t for t in to_gradescope(result)["tests"] if t["name"] == failed.name)
    assert json_test["evidence"]["diagnosis"]["mistake"] == "count_skips_first"


def test_an_unknown_mistake_gets_the_evidence_and_no_borrowed_hint(kit, tmp_path):
    result = submit(tmp_path, kit, REFERENCE + "\ndef count(tokens):\n    return Counter(tokens + ['zzz'])\n")
    failed = by_test(result)["test_count_sentence"]
    assert failed.evidence.diagnosis is None
    assert "known mistake" not in failed.output and "loop start" not in failed.output
    assert "'zzz': 1" in failed.output and "The rule: every token is counted" in failed.output


def test_a_wrong_upstream_function_is_charged_once(kit, tmp_path):
    """share uses count: graded with a correct count, a wrong count costs only counting."""
    result = submit(tmp_path, kit, REFERENCE + "\ndef count(tokens):\n    return Counter(tokens[1:])\n")
    scores = result.concept_scores()
    assert scores["sharing"] == (2, 2), "share was graded with a correct count"
    assert scores["counting"][0] < 2


def test_downstream_feedback_says_where_the_student_version_stands(kit, tmp_path):
    source = REFERENCE + textwrap.dedent("""
        def count(tokens):
            return Counter(tokens[1:])

        def share(tokens, token):
            return count(tokens)[token] / len(set(tokens)) if tokens else 0.0
        """)
    result = submit(tmp_path, kit, source)
    failed = by_test(result)["test_share_sentences"]
    assert failed.evidence.diagnosis.mistake == "share_of_distinct"
    assert "divide by len(tokens)" in failed.output
    assert "This check ran with a correct count in place of yours.\nYour count loses points in 'Counting tokens'." \
        in failed.output


def test_a_check_that_a_do_nothing_function_passes_pays_only_with_the_ordinary_case(kit, tmp_path):
    result = submit(tmp_path, kit, REFERENCE + "\ndef count(tokens):\n    return Counter()\n")
    empty = by_test(result)["test_count_empty"]
    assert empty.status == "failed" and empty.score == 0
    assert "pays only when 'Counting: a sentence with repeats' passes" in empty.output
    assert result.concept_scores()["counting"] == (0, 2)


def test_per_test_visibility(kit, tmp_path):
    tests = by_test(submit(tmp_path, kit, REFERENCE))
    assert tests["test_share_recheck"].visibility == "after_due_date"
    assert tests["test_share_sentences"].visibility == "visible"


def test_changes_to_an_argument_are_caught(kit, tmp_path):
    result = submit(tmp_path, kit, REFERENCE + "\ndef sort_in_place(values):\n    values.sort()\n    return values\n")
    failed = by_test(result)["test_sort_leaves_argument"]
    assert failed.status == "failed"
    assert failed.evidence.observed == "argument 1 changed in place"
    assert "they were: [3, 1, 2]" in failed.output


def test_rates_are_checked_with_a_stated_false_failure_probability(kit, tmp_path):
    lo, hi = acceptance(4000, 0.3, 1e-6)
    assert lo < 1200 < hi and hi - lo < 300
    result = submit(tmp_path, kit, REFERENCE + "\ndef coin(generator, n):\n"
                                               "    return [1 if generator.random() < 0.5 else 0 for _ in range(n)]\n")
    failed = by_test(result)["test_coin_rate"]
    assert failed.status == "failed" and "between" in failed.evidence.expected
    assert "probability below 1e-06" in failed.output


def test_describe_and_calls():
    assert str(Call("f", [1, 2], "x", k=0.5)) == "f([1, 2], 'x', k=0.5)"
    assert describe(1 / 3) == "0.333333" and describe(100.0) == "100.0" and describe(1e-7) == "1e-07"
    assert describe("x" * 400).endswith("...") and len(describe("x" * 400)) < 320
    torch = pytest.importorskip("torch")
    assert describe(torch.tensor([[1.0, 0.5]])) == "Tensor(shape=[1, 2], dtype=float32, values [1.0, 0.5])"


def test_public_checks_run_without_the_solutions(kit, tmp_path):
    """A student's check has no solutions: no mistakes library, no trusted stand-ins."""
    from autograder.toolkit import Mistakes

    assert not Mistakes.of(None).available
    folder = tmp_path / "public"
    folder.mkdir()
    (folder / "kit.py").write_text(REFERENCE)
    result = grade(kit, folder, public=True)
    assert result.score == result.max_score == 1


def _kit_copy(tmp_path):
    import shutil

    course = tmp_path / "course"
    shutil.copytree(KIT, course)
    return course


def _validate(course):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "validate", "kit",
                           "--jobs", "1"], capture_output=True, text=True, timeout=900,
                          env={**__import__("os").environ, "COLUMNS": "200"})


def test_validate_catches_free_points_a_double_charge_and_a_mistake_it_cannot_name(tmp_path):
    course = _kit_copy(tmp_path)
    rubric = course / "solutions/kit/rubric.yaml"
    rubric.write_text(rubric.read_text().replace("test_count_empty: {requires: [test_count_sentence]}",
                                                 "test_count_empty"))
    graders = course / "solutions/kit/graders/test_kit.py"
    graders.write_text(graders.read_text().replace('with trusted(kit, mistakes, "count"):', "if True:"))
    mutant = course / "solutions/kit/mutants/sorts_in_place.py"
    mutant.write_text(mutant.read_text().replace("Hint: values.sort() changes the caller's list; "
                                                 "sorted(values) makes a new one.\n", ""))
    run = _validate(course)
    assert run.returncode == 1
    out = " ".join(run.stdout.split())
    assert "do-nothing: returns Counter()" in out and "paid: Counting: no tokens give an empty Counter" in out
    assert "also loses sharing (one mistake is charged in its own concepts only)" in out
    assert "no 'Hint:' line" in out
    assert "mutant: coin_half 5 / 6 loses coins; lost 17% of the marks: coins 1 of 1" in out


def test_validate_repeat_grades_the_correct_solutions_with_fresh_seeds(tmp_path):
    course = _kit_copy(tmp_path)
    (course / "solutions/kit/variants").mkdir()
    (course / "solutions/kit/variants/loops.py").write_text(textwrap.dedent("""
        from collections import Counter

        def count(tokens):
            counts = Counter()
            for token in tokens:
                counts[token] += 1
            return counts

        def share(tokens, token):
            return sum(t == token for t in tokens) / len(tokens) if tokens else 0.0

        def sort_in_place(values):
            return sorted(list(values))

        def coin(generator, n):
            return [int(generator.random() < 0.3) for _ in range(n)]
        """))
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "validate", "kit",
                          "--repeat", "3", "--jobs", "1"], capture_output=True, text=True, timeout=900,
                         env={**__import__("os").environ, "COLUMNS": "200"})
    assert run.returncode == 0, run.stdout
    assert "variant: loops" in run.stdout and "full marks 3 times" in run.stdout


@pytest.mark.parametrize("returns", [None, "0.0", "Counter()"])
def test_do_nothing_submissions_import_and_do_nothing(returns):
    """Made from every stub of the course (they all start with a docstring and a
    ``from __future__`` import, which must stay first)."""
    import types

    from autograder.validate import do_nothing_source

    course = Path(__file__).resolve().parents[1]
    stubs = [KIT / "assignments/kit/kit.py", *sorted(course.glob("assignments/*/*.py"))]
    import sys

    for stub in stubs:
        module = sys.modules[f"_do_nothing_{stub.stem}"] = types.ModuleType(f"_do_nothing_{stub.stem}")
        try:  # registered while it runs: its dataclasses look the module up
            exec(compile(do_nothing_source(stub.read_text(), returns), str(stub), "exec"), module.__dict__)
        finally:
            del sys.modules[module.__name__]
    kit = types.ModuleType("kit")
    exec(compile(do_nothing_source((KIT / "assignments/kit/kit.py").read_text(), returns), "kit", "exec"), kit.__dict__)
    assert kit.share(["a"], "a") == (["a"] if returns is None else eval(returns, kit.__dict__))


def test_validate_grades_stub_do_nothing_and_mutants_on_the_reference_s_inputs(tmp_path):
    from autograder.validate import validate

    course = Course(_kit_copy(tmp_path))
    checks = validate(course.assignment("kit"), repeat=2)
    by_kind = {}
    for check in checks:
        by_kind.setdefault(check.kind, []).append(check.result.seed)
    first_round = by_kind["reference"][0]
    assert by_kind["stub"] == [first_round] and set(by_kind["mutant"]) == {first_round}
    assert set(by_kind["do-nothing"]) == {first_round}


def test_memo_keeps_an_outcome_per_key_and_never_a_failure():
    from autograder.toolkit import memo

    calls = []

    def compute(value):
        calls.append(value)
        return value

    key = ("test", object())
    assert memo.remembered(key, lambda: compute(1)) == 1
    assert memo.remembered(key, lambda: compute(2)) == 1 and calls == [1]

    def broken():
        calls.append("broken")
        raise RuntimeError("no")

    other = ("test", object())
    for _ in range(2):
        with pytest.raises(RuntimeError):
            memo.remembered(other, broken)
    assert calls == [1, "broken", "broken"]
    for index in range(memo.SIZE):  # the oldest outcome makes room
        memo.remembered(("fill", index), lambda: None)
    assert memo.remembered(key, lambda: compute(3)) == 3


def test_code_digest_reads_code_not_docstrings_or_replaced_definitions(tmp_path):
    from autograder.toolkit.memo import code_digest

    def digest(source, **kwargs):
        (tmp_path / "m.py").write_text(textwrap.dedent(source))
        return code_digest(tmp_path, ["m.py"], **kwargs)

    base = digest("def f():\n    return 1\n\ndef g():\n    return 2\n", ignoring=["g"])
    assert base == digest('"""doc"""\n# a comment\ndef f():\n    return 1\n\ndef g():\n    return 3\n', ignoring=["g"])
    assert base != digest("def f():\n    return 2\n\ndef g():\n    return 2\n", ignoring=["g"])
    assert base != digest("def f():\n    return 1\n\ndef g():\n    return 3\n")
    assert digest("def f(:\n") is None
    assert code_digest(tmp_path, ["missing.py"]) is None


def test_a_diagnosis_runs_only_the_mistakes_that_can_change_the_function(tmp_path):
    from autograder.toolkit import Mistakes

    solutions = tmp_path / "solutions"
    (solutions / "reference").mkdir(parents=True)
    (solutions / "mutants").mkdir()
    (solutions / "reference/m.py").write_text(textwrap.dedent("""
        def helper(x):
            return x + 1

        class Box:
            def value(self, x):
                return helper(x)

        def g(x):
            return Box().value(x) * 2

        def f(x):
            return x
        """))
    mutants = {
        "helper_wrong": "def helper(x):\n    return x + 2\n",
        "f_wrong": "def f(x):\n    return -x\n",
        "patches_at_import": "import math\nmath.tau = math.tau\n",
    }
    for name, body in mutants.items():
        (solutions / f"mutants/{name}.py").write_text(f'"""{name}\n\nLoses: c\nHint: {name}\n"""\n{body}')
    library = Mistakes(solutions)
    assert {m.name for m in library._candidates("m.py", "g")} == {"helper_wrong", "patches_at_import"}
    assert {m.name for m in library._candidates("m.py", "f")} == {"f_wrong", "patches_at_import"}
    assert library.diagnose(Call("g", 1), 6).mistake == "helper_wrong"


def test_a_failure_about_a_property_says_what_was_observed_in_its_own_words():
    from autograder.feedback.text import evidence_text
    from autograder.toolkit import fail

    evidence = fail("the gradient is summed over every pass", "encoder(x).sum().backward()", "a zero gradient",
                    "the summed gradient", says="left the layer with").evidence
    assert evidence_text(evidence).splitlines()[0] == (
        "encoder(x).sum().backward() left the layer with a zero gradient, expected the summed gradient.")


def test_a_seeded_call_is_shown_as_typed_and_copies_keep_the_state():
    import copy
    import random

    from autograder.toolkit import Seeded, SeededRandom, seeded_generator

    rng = SeededRandom(7)
    rng.random()
    twin = copy.deepcopy(rng)
    assert twin.random() == rng.random() and twin.seed_value == 7
    call = Seeded(None, "make_sop_examples", [["a"]], SeededRandom(3), generator=seeded_generator(5))
    assert str(call) == ("make_sop_examples([['a']], random.Random(3), "
                         "generator=torch.Generator().manual_seed(5))")
    assert random.Random(3).random() == SeededRandom(3).random()


def test_a_required_check_that_is_withheld_is_not_named(tmp_path):
    from autograder.results import Verdict
    from autograder.scoring import score_verdicts
    from autograder.spec import Rubric

    (tmp_path / "rubric.yaml").write_text(
        "concepts:\n  counting:\n    points: 2\n    tests:\n      - test_secret: {visibility: hidden}\n"
        "      - test_empty: {requires: [test_secret]}\n", encoding="utf-8")
    verdicts = [Verdict("t::test_secret", "test_secret", "Counting: the secret corpus", False, message="wrong"),
                Verdict("t::test_empty", "test_empty", "Counting: empty", True)]
    empty = {r.test: r for r in score_verdicts(verdicts, Rubric.load(tmp_path / "rubric.yaml"))}["t::test_empty"]
    assert "pays only when 'a hidden check' passes" in empty.output and "secret" not in empty.output
