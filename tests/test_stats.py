"""``autograder stats``: a cohort's numbers from hand-made results, and how they are shown."""

from __future__ import annotations

import argparse
import io
import re

import pytest
from rich.console import Console

from autograder.feedback.html import render_index, safe_file_name, write_reports
from autograder.gradebook import Gradebook
from autograder.i18n import english
from autograder.results import PRINTED, Diagnosis, Evidence, GradeResult, TestResult
from autograder.spec import Course
from autograder.stats import (attempts_between, cohort_stats, latest_attempts, parse_when, register,
                              render_stats_html, render_stats_terminal, stats_page)
from conftest import TEST_COURSE
from test_html import _Page, assert_self_contained

TIMEOUT = ("brevity_penalty did not finish in time (the time limit of this test ran out): "
           "look for an infinite loop or very slow code")
CRASH = "while running brevity_penalty, the process was terminated by SIGKILL (killed: often the memory or CPU limit)"
GRADER_NODE = "a4_bleu/graders/test_secret_grader.py::test_brevity"
GRADER_ERROR = "NameError: name 'oracle_secret' is not defined (test_secret_grader.py:42)"
ATTACK = "<script>alert('x')</script>"


def mistake(name: str) -> Evidence:
    return Evidence(rule="at most 2 of the 'the's match", call="modified_precision(hyp, refs, 1)",
                    observed=f"(3, 4) from {name}", expected="(2, 4)",
                    diagnosis=Diagnosis(name, f"{name} described.", f"{name}: look at the clip."))


def a_check(title: str, concept: str, *, failed: bool = False, evidence: Evidence | None = None, output: str = "",
            max_score: float = 1.0, **extra) -> TestResult:
    status = "failed" if failed else "passed"
    return TestResult(
        name=title, test=f"a4_bleu/graders/test_x.py::{title.replace(' ', '_')}", concept=concept,
        concept_title={"precision": "Modified precision", "brevity": "Brevity penalty"}[concept], status=status,
        score=max_score if status == "passed" else 0.0, max_score=max_score,
        output=output or (f"{title} failed." if failed else ""), visibility=extra.pop("visibility", "visible"),
        duration=0.01, evidence=evidence, **extra,
    )


def attempt(student: str, when: str, *, clipped: Evidence | bool | None = None, empty: Evidence | bool | None = None,
            brevity: str | None = None, status: str = "graded", output: str = "") -> GradeResult:
    """An attempt at a 4-point A4: "counts clipped" (2) and "empty input" (1) in precision,
    a hidden "brevity penalty" (1); a check fails when given evidence, True or an output."""
    def check(title: str, concept: str, failing, points: float = 1.0, **extra) -> TestResult:
        evidence = failing if isinstance(failing, Evidence) else None
        output = failing if isinstance(failing, str) else ""
        return a_check(title, concept, failed=bool(failing), evidence=evidence, output=output, max_score=points,
                       **extra)

    tests = [] if status == "rejected" else [
        check("counts clipped", "precision", clipped, 2.0),
        check("empty input", "precision", empty),
        check("brevity penalty", "brevity", brevity, visibility="hidden"),
    ]
    for test in tests:
        if test.concept == "brevity":  # a hidden grader's node id: never shown
            test.test = GRADER_NODE
    return GradeResult(
        assignment="a4_bleu", submission=f"/subs/{student}", student=student, content_hash=f"{student}{when}",
        status=status, score=sum(t.score for t in tests), max_score=4.0, tests=tests, output=output,
        execution_time=1.0, seed="5eed", grader_hash="9a9a", started_at=when, finished_at=when,
    )


def cohort() -> list[GradeResult]:
    """Oldest first per student, as the gradebook gives them."""
    return [
        attempt("ada", "2027-03-01T09:00:00+00:00", clipped=mistake("max_of_all"), brevity=CRASH),
        attempt("ada", "2027-03-02T09:00:00+00:00"),
        attempt("bob", "2027-03-01T12:00:00+00:00", clipped=mistake("max_of_all"), empty=mistake("max_of_all"),
                brevity="the penalty is 1 when the hypothesis is longer\n\n" + PRINTED + TIMEOUT),
        attempt("cy", "2027-03-01T12:00:00+00:00", clipped=mistake("sum_clip"), brevity=TIMEOUT),
        attempt("dee", "2027-03-01T12:00:00+00:00", clipped=mistake("sum_clip")),
        attempt(ATTACK, "2027-03-01T12:00:00+00:00", status="rejected",
                output=f"Your submission could not be graded: no bleu.py in {ATTACK}.zip"),
        errored("fay", "2027-03-01T12:00:00+00:00"),
    ]


def errored(student: str, when: str) -> GradeResult:
    result = attempt(student, when)
    broken = result.tests[2]
    broken.status, broken.score, broken.grader_error = "error", 0.0, GRADER_ERROR
    broken.output = "Grading failed — not your fault; your instructor has been told."
    spoofed = result.tests[0]  # a traceback line from the student's own code says anything it likes
    spoofed.status, spoofed.score = "failed", 0.0
    spoofed.output = ("modified_precision raised RuntimeError: stop\nWhere it happened in your code:\n"
                      "  raise RuntimeError('the process exited') # did not finish in time")
    result.status, result.score = "error", 1.0
    result.output = "Grading failed — not your fault; your instructor has been told. 1 of 3 checks broke."
    return result


# -- the numbers ---------------------------------------------------------------------------------


def test_the_latest_attempt_per_student_counts_and_ungraded_ones_are_left_out_of_the_scores():
    stats = cohort_stats(latest_attempts(cohort()))
    assert (stats.attempts, stats.students) == (6, 6)
    assert stats.counts == {"graded": 4, "rejected": 1, "error": 1}
    assert stats.mean == pytest.approx((4 + 0 + 1 + 2) / 4) and stats.median == pytest.approx(1.5)
    precision, brevity = stats.concepts
    assert (precision.id, precision.title, precision.points, precision.submissions) == (
        "precision", "Modified precision", 3.0, 4)
    assert precision.mean == pytest.approx((3 + 0 + 1 + 1) / 4) and precision.best == 3.0
    assert precision.full == pytest.approx(1 / 4)
    assert (brevity.mean, brevity.best, brevity.full) == (pytest.approx(0.5), 1.0, pytest.approx(0.5))


def test_every_attempt_counts_with_all_attempts():
    stats = cohort_stats(cohort())
    assert stats.attempts == 7 and stats.students == 6 and stats.counts["graded"] == 5
    assert stats.concepts[0].full == pytest.approx(1 / 5)


def test_known_mistakes_are_ranked_by_submissions_and_counted_once_per_submission():
    precision = cohort_stats(latest_attempts(cohort())).concepts[0]
    # bob's max_of_all (seen first, two tests) counts once; sum_clip (cy, dee) twice
    assert [(m.mistake, m.submissions) for m in precision.mistakes] == [("sum_clip", 2), ("max_of_all", 1)]
    top = precision.mistakes[0]
    assert (top.description, top.hint) == ("sum_clip described.", "sum_clip: look at the clip.")
    assert top.sample(english()) == "modified_precision(hyp, refs, 1) returned (3, 4) from sum_clip, expected (2, 4)."
    # with ada's first attempt, max_of_all ties with sum_clip: the tie goes by name
    everything = cohort_stats(cohort()).concepts[0]
    assert [(m.mistake, m.submissions) for m in everything.mistakes] == [("max_of_all", 2), ("sum_clip", 2)]
    assert cohort_stats(latest_attempts(cohort())).concepts[1].mistakes == []


def test_failure_rates_per_test_highest_first():
    stats = cohort_stats(latest_attempts(cohort()))
    assert [(t.title, t.concept, t.failed, t.graded) for t in stats.tests] == [
        ("counts clipped", "precision", 3, 4), ("brevity penalty", "brevity", 2, 4), ("empty input", "precision", 1, 4)]
    assert stats.tests[0].failure_rate == pytest.approx(0.75)


def test_crashes_timeouts_rejections_and_failed_gradings_are_listed_with_their_reason():
    problems = cohort_stats(latest_attempts(cohort())).problems
    assert [(p.kind, p.student) for p in problems] == [("rejected", ATTACK), ("error", "fay"), ("timeout", "cy")]
    rejected, error, timeout = problems
    assert rejected.reason.startswith("Your submission could not be graded: no bleu.py")
    assert error.tests == ["brevity penalty"] and "1 of 3 checks broke" in error.reason
    assert timeout.reason == TIMEOUT and timeout.tests == ["brevity penalty"]
    # what bob's code printed is not what grading said: no timeout for bob
    everything = cohort_stats(cohort()).problems
    assert [(p.kind, p.student) for p in everything][-2:] == [("timeout", "cy"), ("crash", "ada")]
    assert everything[-1].reason == CRASH


def test_the_period_is_chosen_before_the_latest_attempt():
    until_first_day = latest_attempts(attempts_between(cohort(), until=parse_when("2027-03-01", end=True)))
    ada = [r for r in until_first_day if r.student == "ada"]
    assert len(until_first_day) == 6 and ada[0].finished_at.startswith("2027-03-01")
    since_second_day = attempts_between(cohort(), since=parse_when("2027-03-02"))
    assert [r.student for r in since_second_day] == ["ada"]
    assert attempts_between([attempt("old", "")], since=parse_when("2020-01-01")) == []
    with pytest.raises(ValueError, match="not an ISO date"):
        parse_when("March 1st")


# -- rendering -----------------------------------------------------------------------------------


def test_the_terminal_reads_at_80_columns_with_identifiers_whole():
    console = Console(width=80, record=True, file=io.StringIO(), highlight=False)
    render_stats_terminal(console, cohort_stats(cohort()), "a4_bleu", all_attempts=True)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    for word in ("sum_clip", "max_of_all", "[precision]", "counts clipped", "80%", "timed out", "crashed",
                 "every attempt", "Hint: sum_clip: look at the clip."):
        assert word in " ".join(text.split()), word
    assert "test_secret_grader" not in text and "oracle_secret" not in text and "a4_bleu/graders" not in text


def test_tests_nobody_failed_are_counted_not_listed():
    dee = [r for r in cohort() if r.student == "dee"]
    console = Console(width=80, record=True, file=io.StringIO(), highlight=False)
    render_stats_terminal(console, cohort_stats(dee), "a4_bleu")
    text = " ".join(console.export_text().split())
    assert "counts clipped precision 1 / 1 100%" in text and "empty input" not in text
    assert "2 other test(s) passed in every graded submission." in text
    page = render_stats_html(cohort_stats(dee), "a4_bleu")
    assert "empty input" not in page and "2 other test(s) passed in every graded submission." in page


def test_the_page_is_self_contained_escaped_and_shows_no_grader_source():
    stats = cohort_stats(latest_attempts(cohort()))
    page = render_stats_html(stats, f"a4 {ATTACK}", index_href="index.html")
    assert_self_contained(page)
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "test_secret_grader" not in page and "oracle_secret" not in page and "a4_bleu/graders" not in page
    parsed = _Page(page)
    assert parsed.attribute("href") == ["index.html"]
    assert [" ".join(t.split()) for t in parsed.texts("mistake-line")] == [
        "2 × sum_clip: sum_clip described.", "1 × max_of_all: max_of_all described."]
    widths = [re.search(r"width: ([\d.]+)%", e["attrs"]["style"]).group(1)
              for e in parsed.elements if "fail" in e["classes"]]
    assert widths == ["75.0", "50.0", "25.0"]
    assert [b for b in parsed.texts("badge")] == ["rejected", "grading failed", "timed out"]


# -- the verb ------------------------------------------------------------------------------------


def stats_parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser()
    verbs = main.add_subparsers(dest="verb", required=True)
    register(lambda name, help: verbs.add_parser(name, help=help))
    return main


def test_register_adds_a_working_verb(tmp_path, capsys):
    book = tmp_path / "gb.db"
    with Gradebook.open(str(book)) as gradebook:
        for result in cohort():
            gradebook.record(result)
    course = Course(TEST_COURSE)
    args = stats_parser().parse_args(["stats", "a4_bleu", "--gradebook", str(book), "--html", str(tmp_path / "out"),
                                      "--until", "2027-03-01"])
    assert args.run(args, course) == 0
    out, err = capsys.readouterr()
    text = " ".join(out.split())
    assert "6 attempt(s) by 6 student(s), each student's latest attempt" in text
    assert "crashed" in text and "SIGKILL" in text  # ada's first attempt is her latest by then
    page = tmp_path / "out" / "a4_bleu" / "stats.html"
    assert f"wrote {page}" in " ".join(err.split()) and "max_of_all" in page.read_text(encoding="utf-8")

    args = stats_parser().parse_args(["stats", "a4_bleu", "--gradebook", str(book), "--all-attempts"])
    assert args.run(args, course) == 0 and "7 attempt(s)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        stats_parser().parse_args(["stats", "a4_bleu", "--latest", "--all-attempts"])
    with pytest.raises(SystemExit):
        stats_parser().parse_args(["stats", "a4_bleu", "--since", "yesterday"])


def test_the_verb_refuses_a_missing_gradebook_or_assignment(tmp_path):
    from autograder.cli import UsageError  # the command line is what catches it

    course = Course(TEST_COURSE)
    args = stats_parser().parse_args(["stats", "a4_bleu", "--gradebook", str(tmp_path / "none.db")])
    with pytest.raises(UsageError, match="there is no gradebook"):
        args.run(args, course)
    assert not (tmp_path / "none.db").exists()
    with Gradebook.open(str(tmp_path / "gb.db")) as gradebook:
        gradebook.record(cohort()[0])
    args = stats_parser().parse_args(["stats", "a9", "--gradebook", str(tmp_path / "gb.db")])
    with pytest.raises(UsageError, match="assignments in it: a4_bleu"):
        args.run(args, course)
    args = stats_parser().parse_args(["stats", "a4_bleu", "--gradebook", str(tmp_path / "gb.db"),
                                      "--since", "2030-01-01"])
    with pytest.raises(UsageError, match="finished in that period"):
        args.run(args, course)


# -- beside the batch's index --------------------------------------------------------------------


def test_the_index_links_the_statistics_written_beside_it(tmp_path):
    results = latest_attempts(cohort())
    assert "stats.html" not in render_index(results, "a4_bleu")  # every existing call is unchanged
    assert _Page(render_index(results, "a4_bleu", stats_href="stats.html")).attribute("href").count("stats.html") == 1
    assert safe_file_name("stats") == "stats_" and safe_file_name("Stats") == "Stats_"

    plain = write_reports(results, tmp_path / "plain")
    assert not (tmp_path / "plain/a4_bleu/stats.html").exists()
    assert "stats.html" not in plain[-1].read_text(encoding="utf-8")

    written = write_reports(results + [attempt("stats", "2027-03-01T12:00:00+00:00")], tmp_path / "both",
                            audience="instructor", stats=stats_page())
    folder = tmp_path / "both" / "a4_bleu"
    assert written[-2:] == [folder / "index.html", folder / "stats.html"]
    assert (folder / "stats_.html").exists()  # the student named "stats" keeps their own page
    index = _Page(written[-2].read_text(encoding="utf-8"))
    assert "stats.html" in index.attribute("href") and "stats_.html" in index.attribute("href")
    page = written[-1].read_text(encoding="utf-8")
    assert_self_contained(page)
    assert _Page(page).attribute("href") == ["index.html"] and "sum_clip" in page
