"""JUnit XML for CI dashboards: the counts add up, failures say what the student reads,
nothing withheld leaks to a student, and the file parses whatever the student printed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from autograder.feedback.junit import to_junit, write_junit, xml_safe
from autograder.feedback.text import evidence_text
from autograder.feedback.text import test_text as student_text
from autograder.i18n import Catalogue, Translator, translator
from autograder.results import (
    ERROR,
    PRINTED,
    REJECTED,
    SKIPPED,
    Diagnosis,
    Evidence,
    GradeResult,
    TestResult,
)

GRADERS_FAULT = ("Grading failed — not your fault; your instructor has been told. This check broke in the "
                 "graders' own code and counts for nothing until it is regraded.")
EVIDENCE = Evidence(
    rule="at most max(2, 1) = 2 of the hypothesis's 'the's match",
    call="modified_precision(['the'] * 4, refs, 1)", observed="(3, 4)", expected="(2, 4)",
    diagnosis=Diagnosis("clip_by_sum", "Clips by the summed count.",
                        "the clip limit is the largest count in ONE reference"),
)


def a_test(name: str, *, concept: str = "counting", status: str = "passed", max_score: float = 1.0,
           output: str = "", visibility: str = "visible", evidence: Evidence | None = None,
           grader_error: str = "") -> TestResult:
    return TestResult(
        name=name, test=f"a4/graders/test_secret_grader.py::{name.replace(' ', '_')}", concept=concept,
        concept_title=concept.title(), status=status, score=max_score if status == "passed" else 0.0,
        max_score=max_score, output=output, visibility=visibility, duration=0.25, evidence=evidence,
        grader_error=grader_error,
    )


def a_result(tests: list[TestResult], *, student: str = "dana", output: str = "",
             status: str = "graded") -> GradeResult:
    return GradeResult(
        assignment="a4_bleu", submission=f"/submissions/{student}", student=student, content_hash="c0ffee",
        status=status, score=sum(t.score for t in tests), max_score=sum(t.max_score for t in tests) or 10.0,
        tests=tests, output=output, execution_time=1.5, seed="5eed", grader_hash="9a9a",
        started_at="2027-03-01T10:00:00+00:00", finished_at="2027-03-01T10:00:02+00:00",
    )


def written(tmp_path: Path, results: list[GradeResult], **options) -> tuple[JUnitXml, str]:
    """The file write_junit makes, read back with junitparser, and its text."""
    path = tmp_path / "reports" / "junit.xml"
    write_junit(results, path, **options)
    return JUnitXml.fromfile(str(path)), path.read_text(encoding="utf-8")


def cases(suite) -> dict[str, object]:
    return {case.name: case for case in suite}


def case_properties(case) -> dict[str, str]:
    """A test case's properties (junitparser reads only a suite's)."""
    return {p.get("name"): p.get("value") for p in case._elem.iter("property")}


FAILED = a_test("Clipping by the largest reference count", status="failed", max_score=2.0, evidence=EVIDENCE,
                output=evidence_text(EVIDENCE) + "\n\n" + PRINTED + "debugging 3 4")


def test_one_suite_per_attempt_with_the_right_counts_time_and_properties(tmp_path):
    graded = a_result([a_test("Unigram precision"), FAILED,
                       a_test("Brevity penalty", concept="brevity", status="error", output=GRADERS_FAULT,
                              grader_error="NameError: name 'oracle' is not defined (test_secret_grader.py:42)")],
                      status=ERROR)
    again = a_result([a_test("Unigram precision")])  # the same student graded twice: two suites
    document, _ = written(tmp_path, [graded, again])
    suites = list(document)
    assert [s.name for s in suites] == ["a4_bleu/dana", "a4_bleu/dana"]
    first = suites[0]
    assert (first.tests, first.failures, first.errors, first.skipped) == (3, 1, 1, 0)
    assert (suites[1].tests, suites[1].failures, suites[1].errors) == (1, 0, 0)
    assert (document.tests, document.failures, document.errors) == (4, 1, 1)
    assert first.time == 1.5 and first.timestamp == "2027-03-01T10:00:00+00:00"
    assert {p.name: p.value for p in first.properties()} == {
        "submission": "/submissions/dana", "score": "1", "max_score": "4", "status": "error", "grader_hash": "9a9a"}
    by_name = cases(first)
    assert by_name["Unigram precision"].is_passed and by_name["Unigram precision"].classname == "a4_bleu.counting"
    assert by_name["Brevity penalty"].classname == "a4_bleu.brevity" and by_name["Brevity penalty"].time == 0.25


def test_a_failure_carries_exactly_what_the_student_reads_and_no_grader_source(tmp_path):
    document, text = written(tmp_path, [a_result([FAILED])])
    case = cases(next(iter(document)))[FAILED.name]
    [failure] = case.result
    assert isinstance(failure, Failure) and failure.type == "failed"
    assert failure.text == student_text(FAILED) and "The rule: at most max(2, 1)" in failure.text
    assert "the largest count in ONE reference" in failure.text and "debugging 3 4" in failure.text
    assert failure.message == student_text(FAILED).splitlines()[0]
    assert "test_secret_grader" not in text, "the grader's file is instructor material"
    assert case_properties(case) == {"score": "0", "max_score": "2"}


def test_a_check_that_broke_in_the_graders_is_an_error_without_the_exception(tmp_path):
    broken = a_test("Brevity penalty", status="error", output=GRADERS_FAULT,
                    grader_error="NameError: name 'oracle' is not defined (test_secret_grader.py:42)")
    for audience in ("student", "instructor"):
        document, text = written(tmp_path, [a_result([broken], status=ERROR)], audience=audience)
        [error] = cases(next(iter(document)))["Brevity penalty"].result
        assert isinstance(error, Error) and error.text == GRADERS_FAULT
        assert "NameError" not in text and "oracle" not in text


@pytest.mark.parametrize("status, output", [
    (REJECTED, "Your submission could not be graded: bleu.py is missing"),
    (ERROR, "Grading failed — not your fault; your instructor has been told (the worker died)."),
])
def test_an_attempt_that_was_not_graded_is_one_error_holding_its_output(tmp_path, status, output):
    document, _ = written(tmp_path, [a_result([], status=status, output=output)])
    suite = next(iter(document))
    assert (suite.tests, suite.failures, suite.errors) == (1, 0, 1)
    [case] = list(suite)
    [error] = case.result
    assert isinstance(error, Error) and error.type == status and error.text == output and error.message == output
    assert {p.name: p.value for p in suite.properties()}["status"] == status


def test_a_submission_resume_skipped_is_a_skipped_case(tmp_path):
    document, _ = written(tmp_path, [a_result([], status=SKIPPED)])
    suite = next(iter(document))
    assert (suite.tests, suite.skipped, suite.errors) == (1, 1, 0)
    assert isinstance(next(iter(suite)).result[0], Skipped)


WITHHELD = [
    a_test("Secret hidden title", concept="secret_concept", status="failed", max_score=3.0, visibility="hidden",
           output="hidden rule: the zero-length corner case", evidence=Evidence(rule="hidden rule: zero-length")),
    a_test("Published-later title", concept="secret_concept", visibility="after_published"),
    a_test("After-due title", concept="late_concept", status="failed", visibility="after_due_date",
           output="after-due output"),
]


def test_a_student_learns_only_pass_fail_and_points_of_withheld_checks(tmp_path):
    result = a_result([a_test("Unigram precision"), *WITHHELD])
    document, text = written(tmp_path, [result], due="2999-01-01")
    for secret in ("Secret hidden title", "secret_concept", "hidden rule", "zero-length", "Published-later",
                   "After-due", "after-due output", "late_concept"):
        assert secret not in text, secret
    suite = next(iter(document))
    assert (suite.tests, suite.failures, suite.errors) == (4, 2, 0), "the counts still add up"
    by_name = cases(suite)
    assert set(by_name) == {"Unigram precision", "hidden check 1", "hidden check 2", "hidden check 3"}
    first = by_name["hidden check 1"]
    assert first.classname == "a4_bleu" and first.is_failure and first.result[0].text is None
    assert case_properties(first) == {"score": "0", "max_score": "3"}
    assert by_name["hidden check 2"].is_passed


def test_the_due_date_and_the_instructor_audience_show_what_is_withheld(tmp_path):
    result = a_result(WITHHELD)
    _, after_due = written(tmp_path, [result], due="2027-03-01", now=dt.datetime(2027, 3, 2, tzinfo=dt.timezone.utc))
    assert "After-due title" in after_due and "after-due output" in after_due and "Secret hidden title" not in after_due
    document, text = written(tmp_path, [result], audience="instructor", due="2999-01-01")
    assert "Secret hidden title" in text and "zero-length corner case" in text and "a4_bleu.secret_concept" in text
    visibility = {case.name: case_properties(case).get("visibility") for case in next(iter(document))}
    assert visibility["Secret hidden title"] == "hidden"
    with pytest.raises(ValueError, match="audience"):
        to_junit([result], audience="staff")


def test_public_tests_read_the_same_for_either_audience():
    result = a_result([a_test("Unigram precision"), FAILED])
    assert to_junit([result]).tostring() == to_junit([result], audience="instructor").tostring()


def test_control_characters_a_student_printed_never_break_the_file(tmp_path):
    noisy = "\x1b[31mred\x1b[0m\x00\x07 tab\tok\x0c \ud800 \ufffe done"
    failed = a_test("Unigram precision", status="failed", output="wrong\n" + PRINTED + noisy)
    rejected = a_result([], status=REJECTED, output=f"Your submission could not be graded: {noisy}")
    document, text = written(tmp_path, [a_result([failed], student="eve\x08", output=noisy), rejected])
    ElementTree.parse(tmp_path / "reports" / "junit.xml")  # the standard library's parser accepts it too
    [failure] = cases(next(iter(document)))["Unigram precision"].result
    assert "\\x1b[31mred\\x1b[0m\\x00\\x07 tab\tok\\x0c \\ud800 \\ufffe done" in failure.text
    assert next(iter(document)).name == "a4_bleu/eve\\x08"
    assert "\\x00" in text and "\x00" not in text
    assert xml_safe("한국어 \U0001f600 ok\n") == "한국어 \U0001f600 ok\n"


def test_korean_text_round_trips(tmp_path):
    title = "Clipping by the largest reference count"
    failed = a_test(title, status="failed", evidence=Evidence(rule="at most 2 match"),
                    output="at most 2 match\n" + PRINTED + "출력: 안녕하세요")
    hidden = a_test("Secret", visibility="hidden", status="failed")
    ours = Catalogue([(title, "가장 큰 참조 개수로 자르기"), ("at most 2 match", "최대 2개만 일치")])
    korean = Translator("ko", [ours, *translator("ko").catalogues])
    document, text = written(tmp_path, [a_result([failed, hidden], student="김민준")], tr=korean)
    suite = next(iter(document))
    assert suite.name == "a4_bleu/김민준"
    by_name = cases(suite)
    [failure] = by_name["가장 큰 참조 개수로 자르기"].result
    assert failure.text == student_text(failed, korean)
    assert "최대 2개만 일치" in failure.text and "출력: 안녕하세요" in failure.text
    assert text.startswith("<?xml") and "utf-8" in text.splitlines()[0].lower()
