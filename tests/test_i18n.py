"""Korean and English feedback: choosing the language, translating stored messages, and
catalogues that leave no visible message untranslated."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from autograder import messages
from autograder.feedback.gradescope import to_gradescope
from autograder.feedback.text import evidence_text, output_text
from autograder.i18n import Catalogue, Translator, choose_language, translator
from autograder.results import Diagnosis, Evidence, GradeResult, TestResult
from autograder.results import PRINTED
from autograder.spec import Course

ROOT = Path(__file__).resolve().parents[1]


# -- choosing the language -----------------------------------------------------------------------


@pytest.mark.parametrize("requested, env, want", [
    ("ko", {"AUTOGRADER_LANG": "en"}, "ko"),
    (None, {"AUTOGRADER_LANG": "ko", "LANG": "en_US.UTF-8"}, "ko"),
    (None, {"LANG": "ko_KR.UTF-8"}, "ko"),
    (None, {"LC_ALL": "ko_KR.UTF-8", "LANG": "en_GB.UTF-8"}, "ko"),
    (None, {"LANG": "C.UTF-8"}, "en"),
    (None, {"AUTOGRADER_LANG": "fr", "LANG": "ko_KR"}, "ko"),
    (None, {}, "en"),
])
def test_the_language_comes_from_the_option_then_the_environment_then_the_locale(monkeypatch, requested, env, want):
    for name in ("AUTOGRADER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("locale.getlocale", lambda *a: (None, None))
    assert choose_language(requested) == want


# -- translating what grading stored -------------------------------------------------------------


def korean(*entries: tuple[str, str]) -> Translator:
    return Translator("ko", [Catalogue(entries)])


def test_a_template_puts_the_values_where_the_translation_wants_them():
    tr = korean(("a sentence of {n} tokens has {n - 1} bigrams", "{n}개 토큰 문장의 바이그램은 {n - 1}개입니다"))
    assert tr.text("a sentence of 5 tokens has 4 bigrams") == "5개 토큰 문장의 바이그램은 4개입니다"
    assert not tr.missing


def test_a_value_that_is_itself_a_message_is_translated_too():
    tr = korean(("Your {f} loses points in '{title}'.", "{f} 함수는 '{title}'에서 점수를 잃습니다."),
                ("Brevity penalty", "브레비티 페널티"))
    assert tr.text("Your ngrams loses points in 'Brevity penalty'.") == "ngrams 함수는 '브레비티 페널티'에서 점수를 잃습니다."


def test_literal_braces_and_surrounding_whitespace_survive():
    tr = korean(("{{x}} is {y} here", "{{x}}는 여기서 {y}"))
    assert tr.text("  {x} is 3 here\n") == "  {x}는 여기서 3\n"


def test_a_message_without_a_translation_is_shown_in_english_and_reported():
    tr = korean(("Vocabulary", "어휘 사전"))
    assert tr.text("nobody translated this sentence\n\nVocabulary") == "nobody translated this sentence\n\n어휘 사전"
    assert tr.missing == {"nobody translated this sentence"}


def test_a_template_needs_words_of_its_own_to_claim_a_message():
    tr = korean(("{a}: {b}", "{b}: {a}"), ("x", "y"))
    assert tr.text("left: right") == "left: right"
    assert tr.missing == {"left: right"}


def test_english_changes_nothing_and_reports_nothing():
    tr = translator("en")
    assert tr.text("anything at all") == "anything at all" and tr("The rule: {rule}") == "The rule: {rule}"
    assert not tr.missing


def test_a_test_title_keeps_its_case_id():
    tr = korean(("Brevity penalty: random lengths", "브레비티 페널티: 임의의 길이"))
    assert tr.title("Brevity penalty: random lengths [case-2]") == "브레비티 페널티: 임의의 길이 [case-2]"


def test_what_the_students_code_printed_is_never_translated():
    tr = korean(("The rule: {rule}", "규칙: {rule}"), ("Your code printed:", "코드가 출력한 내용:"),
                ("n must be at least 1", "n은 1 이상이어야 합니다"))
    output = "The rule: n must be at least 1\n\n" + PRINTED + "The rule: n must be at least 1"
    assert output_text(output, tr) == "규칙: n은 1 이상이어야 합니다\n\n코드가 출력한 내용:\nThe rule: n must be at least 1"


def test_evidence_is_written_in_the_readers_language():
    tr = korean(("{call} returned {observed}, expected {expected}.", "{call}의 반환값: {observed} (기대값: {expected})."),
                ("The rule: {rule}", "규칙: {rule}"),
                ("This is a known mistake: {hint}", "자주 하는 실수입니다: {hint}"),
                ("n must be at least 1", "n은 1 이상이어야 합니다"), ("check n first", "n을 먼저 확인하세요"))
    evidence = Evidence("n must be at least 1", "ngrams([], 0)", "[]", "ValueError",
                        diagnosis=Diagnosis("no_check", "does not check n", "check n first"))
    assert evidence_text(evidence, tr) == ("ngrams([], 0)의 반환값: [] (기대값: ValueError).\n규칙: n은 1 이상이어야 합니다\n"
                                           "자주 하는 실수입니다: n을 먼저 확인하세요")
    assert evidence_text(evidence) == ("ngrams([], 0) returned [], expected ValueError.\nThe rule: n must be at least 1\n"
                                       "This is a known mistake: check n first")


def test_gradescope_json_says_its_language_and_keeps_english_names():
    test = TestResult(name="Counting", test="t::a", concept="c", concept_title="Counting", status="failed",
                      score=0.0, max_score=1.0, output="The rule: n must be at least 1", visibility="visible",
                      duration=0.0)
    result = GradeResult(assignment="a4_bleu", submission="s", student="kim", content_hash="", status="graded",
                         score=0.0, max_score=1.0, tests=[test], output="", execution_time=0.0, seed="",
                         grader_hash="", started_at="", finished_at="")
    tr = korean(("The rule: {rule}", "규칙: {rule}"), ("n must be at least 1", "n은 1 이상"), ("Counting", "세기"))
    data = json.loads(json.dumps(to_gradescope(result, tr), ensure_ascii=False))
    assert data["language"] == "ko" and data["tests"][0]["output"] == "규칙: n은 1 이상"
    assert data["tests"][0]["name"] == "Counting" and data["tests"][0]["title"] == "세기"
    assert to_gradescope(result)["language"] == "en"


# -- finding the messages ------------------------------------------------------------------------


def test_f_strings_become_templates_named_after_their_expressions(tmp_path):
    source = tmp_path / "test_x.py"
    source.write_text(textwrap.dedent('''
        """Module docstring is for instructors."""
        RULE = "every n-gram is counted once"

        def test_counts(student):
            """Counting n-grams: the simple case"""
            n = 3
            fail(f"a sentence of {n} tokens has {n - 1:d} bigrams {{literally}}", call=Call("ngrams", [1], n))
            record("attention", {"source": "not a message here"})
            assert student.module("bleu") is not None, "bleu.py must define ngrams"
        '''), encoding="utf-8")
    found = {m.id for m in messages.prose(source, tmp_path)}
    assert found == {"Counting n-grams: the simple case", "every n-gram is counted once",
                     "a sentence of {n} tokens has {n - 1:d} bigrams {{literally}}", "bleu.py must define ngrams"}


def test_a_changed_message_is_reported_until_translated(tmp_path):
    found = [messages.Message("one sentence here", ("x.py", 1)), messages.Message("{n} words in all", ("x.py", 2))]
    assert messages.update(tmp_path, found, "ko", "demo") == (2, 0)
    assert [m.id for m in messages.missing(tmp_path, found, "ko")] == ["one sentence here", "{n} words in all"]
    path = messages.catalogue_path(tmp_path, "ko")
    path.write_text(path.read_text(encoding="utf-8").replace('msgid "one sentence here"\nmsgstr ""',
                                                             'msgid "one sentence here"\nmsgstr "한 문장"')
                    .replace('msgid "{n} words in all"\nmsgstr ""', 'msgid "{n} words in all"\nmsgstr "모두 {m} 단어"'),
                    encoding="utf-8")
    assert [m.id for m in messages.missing(tmp_path, found, "ko")] == []
    [problem] = messages.problems(tmp_path, "ko")
    assert "lost {n}" in problem and "unknown {m}" in problem
    changed = [found[0], messages.Message("{n} words in total", ("x.py", 2))]
    assert messages.update(tmp_path, changed, "ko", "demo") == (1, 1)
    assert [m.id for m in messages.missing(tmp_path, changed, "ko")] == ["{n} words in total"]


# -- the course's catalogues are complete ---------------------------------------------------------


def _catalogues():
    course = Course.locate(str(ROOT))
    yield "autograder", messages.FRAMEWORK, messages.framework_messages
    for assignment_id in course.assignment_ids():
        assignment = course.assignment(assignment_id)
        yield assignment_id, assignment.solution_dir, lambda a=assignment: messages.solution_messages(a)
        yield assignment_id + " (public)", assignment.directory, lambda a=assignment: messages.public_messages(a)


@pytest.mark.parametrize("name, folder, found", list(_catalogues()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_visible_message_has_a_korean_translation(name, folder, found):
    lacking = messages.missing(folder, found(), "ko")
    assert not lacking, (f"{name}: {len(lacking)} message(s) without a Korean translation (run `autograder "
                         f"translations --update`, then translate): "
                         + "; ".join(f"{m.where[0]}:{m.where[1]} {m.id[:80]!r}" for m in lacking[:10]))
    assert not messages.problems(folder, "ko")


def test_gradescope_summary_names_no_withheld_concept():
    def test(concept, visibility):
        return TestResult(name=f"{concept} check", test=f"t::{concept}", concept=concept, concept_title=concept,
                          status="failed", score=0.0, max_score=1.0, output="", visibility=visibility, duration=0.0)

    result = GradeResult(assignment="a4_bleu", submission="s", student="kim", content_hash="", status="graded",
                         score=0.0, max_score=2.0, tests=[test("counting", "visible"), test("secret_corpus", "hidden")],
                         output="", execution_time=0.0, seed="", grader_hash="", started_at="", finished_at="")
    output = to_gradescope(result)["output"]
    assert "counting: 0 / 1" in output and "secret_corpus" not in output
