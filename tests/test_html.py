"""HTML feedback pages: what a student may read, what an instructor reads, and that a
page is one self-contained, escaped file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from autograder.feedback.html import past_due, render_index, render_report, safe_file_name, write_reports
from autograder.pipeline import grade
from autograder.results import Diagnosis, Evidence, GradeResult, TestResult
from conftest import ROOT

UTC = dt.timezone.utc
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Page(HTMLParser):
    """The elements of a page: each one's tag, attributes and text (entities decoded)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "classes": (dict(attrs).get("class") or "").split(), "text": []}
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"].append(data)

    def texts(self, cls: str) -> list[str]:
        """The text of every element of class ``cls``, whitespace squeezed."""
        return [" ".join("".join(e["text"]).split()) for e in self.elements if cls in e["classes"]]

    def attribute(self, name: str) -> list[str]:
        return [e["attrs"][name] or "" for e in self.elements if name in e["attrs"]]


def squeeze(text: str) -> str:
    return " ".join(text.split())


def assert_self_contained(page: str) -> None:
    parsed = _Page(page)
    for value in parsed.attribute("src") + parsed.attribute("href"):
        assert "http" not in value.lower() and not value.startswith("//"), f"an external address: {value}"
    assert not any(e["tag"] in ("script", "link", "img", "iframe", "object") for e in parsed.elements)
    assert "url(" not in page and "@import" not in page
    viewport = [e for e in parsed.elements if e["tag"] == "meta" and e["attrs"].get("name") == "viewport"]
    assert viewport and "width=device-width" in viewport[0]["attrs"]["content"]


# -- results built by hand --------------------------------------------------------------------------


def a_test(name: str, *, concept: str = "counting", status: str = "passed", score: float | None = None,
           max_score: float = 1.0, output: str = "", visibility: str = "visible", evidence: Evidence | None = None,
           grader_error: str = "") -> TestResult:
    return TestResult(
        name=name, test=f"a4/graders/test_x.py::{name.replace(' ', '_')}", concept=concept,
        concept_title=concept.replace("_", " ").title(), status=status,
        score=(max_score if status == "passed" else 0.0) if score is None else score, max_score=max_score,
        output=output, visibility=visibility, duration=0.01, evidence=evidence, grader_error=grader_error,
    )


def a_result(tests: list[TestResult], *, student: str = "dana", output: str = "",
             status: str = "graded") -> GradeResult:
    return GradeResult(
        assignment="a4_bleu", submission=f"/submissions/{student}", student=student, content_hash="c0ffee",
        status=status, score=sum(t.score for t in tests), max_score=sum(t.max_score for t in tests), tests=tests,
        output=output, execution_time=1.5, seed="5eed", grader_hash="9a9a", started_at="2027-03-01T10:00:00+00:00",
        finished_at="2027-03-01T10:00:02+00:00",
    )


EVIDENCE = Evidence(
    rule="at most max(2, 1) = 2 of the hypothesis's 'the's match",
    call="modified_precision(['the'] * 4, refs, 1)", observed="(3, 4)", expected="(2, 4)",
    diagnosis=Diagnosis("clip_by_sum", "Clips by the summed count.",
                        "the clip limit is the largest count in ONE reference"),
    notes=["This check ran with a correct ngrams in place of yours."],
)


# -- a real graded submission ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bob(course) -> GradeResult:
    """A4 graded once for this module: bob's code makes two known mistakes."""
    return grade(course.assignment("a4_bleu"), ROOT / "examples/a4_bleu/bob")


def test_a_graded_submission_shows_its_concepts_and_the_evidence_of_each_failure(bob):
    page = render_report(bob)
    parsed = _Page(page)
    assert_self_contained(page)
    assert bob.student in parsed.texts("summary")[0] and bob.assignment in page
    shown = [t for t in bob.tests if t.visibility in ("visible", "after_due_date")]
    for title in {t.concept_title for t in shown}:
        assert any(title in text for text in parsed.texts("concept-head")), title
    failed = [t for t in shown if t.status == "failed"]
    assert failed and all(t.evidence for t in failed), "bob's failures are expected to carry evidence"
    calls, observed, expected = parsed.texts("call"), parsed.texts("observed"), parsed.texts("expected")
    rules, hints = parsed.texts("rule"), parsed.texts("hint")
    for test in failed:
        evidence = test.evidence
        assert any(squeeze(evidence.call) in text for text in calls), test.name
        assert any(squeeze(evidence.observed) in text for text in observed), test.name
        assert any(squeeze(evidence.expected) in text for text in expected), test.name
        assert any(squeeze(evidence.rule) in text for text in rules), test.name
        assert any(squeeze(evidence.diagnosis.hint) in text and "known mistake" in text for text in hints), test.name
    assert len(parsed.texts("test")) == len(shown)
    assert len(parsed.texts("hint")) == len(failed)


def test_a_real_hidden_check_is_out_of_the_students_page_and_in_the_instructors(bob):
    hidden = [t for t in bob.tests if t.visibility == "hidden"]
    assert hidden, "a4_bleu is expected to have hidden checks"
    student, instructor = render_report(bob), render_report(bob, audience="instructor")
    for test in hidden:
        assert squeeze(test.name) not in squeeze(_text(student))
        assert squeeze(test.name) in squeeze(_text(instructor))
    assert "hidden until grading is published" in student
    assert len(_Page(instructor).texts("test")) == len(bob.tests)


def _text(page: str) -> str:
    """What a reader sees: the text of the page's body."""
    return " ".join(" ".join("".join(e["text"]).split()) for e in _Page(page).elements if e["tag"] == "body")


# -- visibility ------------------------------------------------------------------------------------


SECRET = "ZQX-HIDDEN-7731"


def test_hidden_checks_leave_no_trace_for_a_student():
    tests = [
        a_test("counts bigrams", max_score=1.0),
        a_test(f"hidden {SECRET} title", status="failed", max_score=3.0, visibility="hidden",
               output=f"output {SECRET}", evidence=dataclasses.replace(EVIDENCE, call=f"f('{SECRET}')")),
        a_test(f"published {SECRET} title", status="failed", max_score=5.0, visibility="after_published",
               output=f"output {SECRET}"),
        a_test(f"all hidden {SECRET}", concept=f"secret_{SECRET}", max_score=2.0, visibility="hidden"),
    ]
    result = a_result(tests)
    student = render_report(result)
    assert SECRET not in student and SECRET.lower() not in student.lower()
    assert "hidden until grading is published" in student
    # No points of a withheld check either: the score counts the shown checks only.
    assert _Page(student).texts("score") == ["1 / 1"]
    assert all(text.endswith("1 / 1") for text in _Page(student).texts("concept-head"))

    instructor = render_report(result, audience="instructor")
    assert instructor.count(SECRET) >= 5  # titles, output, call, concept
    assert _Page(instructor).texts("score") == ["3 / 11"]  # a passed hidden check counts here
    badges = _Page(instructor).texts("visibility")
    assert badges.count("hidden") == 2 and badges.count("shown once grading is published") == 1
    assert "hidden until grading is published" not in instructor


def test_nothing_hidden_says_nothing_about_hidden_checks():
    page = render_report(a_result([a_test("counts bigrams")]))
    assert "hidden" not in _text(page).lower() and not _Page(page).texts("withheld")


@pytest.mark.parametrize("due, now, shown", [
    (None, dt.datetime(2027, 3, 1, tzinfo=UTC), True),
    ("2027-03-01", dt.datetime(2027, 2, 28, 23, tzinfo=UTC), False),
    ("2027-03-01", dt.datetime(2027, 3, 1, 23, 59, tzinfo=UTC), False),  # a date is due at its end
    ("2027-03-01", dt.datetime(2027, 3, 2, 0, 0, 1, tzinfo=UTC), True),
    ("2027-03-01T09:00", dt.datetime(2027, 3, 1, 8, 59, tzinfo=UTC), False),
    ("2027-03-01T09:00", dt.datetime(2027, 3, 1, 9, 1, tzinfo=UTC), True),
    ("2027-03-01T09:00+02:00", dt.datetime(2027, 3, 1, 7, 30, tzinfo=UTC), True),
    ("2027-03-01T09:00", dt.datetime(2027, 3, 1, 9, 1), True),  # both without a zone
])
def test_after_due_date_checks_are_shown_only_past_the_due_date(due, now, shown):
    marker = "AFTER-DUE-4411"
    result = a_result([a_test("counts bigrams"),
                       a_test(f"random sentences {marker}", status="failed", output=f"wrong {marker}",
                              visibility="after_due_date")])
    page = render_report(result, now=now, due=due)
    assert (marker in page) is shown
    assert ("shown after the due date" in page) is (not shown)
    assert past_due(due, now) is shown
    assert marker in render_report(result, audience="instructor", now=now, due=due)


def test_a_bad_due_date_or_audience_is_refused():
    result = a_result([a_test("counts bigrams")])
    with pytest.raises(ValueError, match="ISO date"):
        render_report(result, due="next friday")
    with pytest.raises(ValueError, match="audience"):
        render_report(result, audience="everyone")


# -- what a failed check says ----------------------------------------------------------------------


ATTACK = "<script>alert('pwned')</script>"


def test_students_text_is_escaped_everywhere():
    evil = dataclasses.replace(EVIDENCE, observed=ATTACK, call=f"f({ATTACK!r})", notes=[ATTACK])
    result = a_result([
        a_test(f"title {ATTACK}", status="failed", output=f"Your code printed:\n{ATTACK}"),
        a_test("with evidence", status="failed", evidence=evil, output=f"x\n\nYour code printed:\n{ATTACK}"),
    ], student=f"eve{ATTACK}", output=ATTACK)
    for page in (render_report(result), render_report(result, audience="instructor"), render_index([result], ATTACK)):
        assert "<script" not in page.lower()
        assert "&lt;script&gt;" in page
        assert_self_contained(page)
    student = render_report(result)
    assert ATTACK in _Page(student).texts("observed")[0]
    assert any(ATTACK in text for text in _Page(student).texts("printed"))


def test_a_failure_without_evidence_shows_its_output_as_preformatted_text():
    traceback = ("Traceback (most recent call last):\n  File \"bleu.py\", line 12, in ngrams\n"
                 "TypeError: unhashable type: 'list'")
    page = render_report(a_result([a_test("counts bigrams", status="failed", output=traceback)]))
    pres = [e for e in _Page(page).elements if e["tag"] == "pre"]
    assert any("".join(e["text"]) == traceback for e in pres), "the output is kept whole, lines and indentation"


def test_the_evidence_shows_the_verb_and_what_the_code_printed_once():
    evidence = dataclasses.replace(EVIDENCE, says="called step with", diagnosis=None, notes=["Case 3 of 10."])
    output = "train(model) called step with lr=0.1\n\nYour code printed:\nepoch 1 loss 2.3\nCase 3 of 10."
    page = render_report(a_result([a_test("steps once per batch", status="failed", evidence=evidence,
                                          output=output)]))
    parsed = _Page(page)
    assert parsed.texts("observed")[0].startswith("called step with")
    [printed] = parsed.texts("printed")
    assert printed.startswith("Your code printed") and printed.endswith("epoch 1 loss 2.3")  # the note once, below
    assert parsed.texts("notes") == ["Case 3 of 10."]
    assert not parsed.texts("hint")


def test_a_rejected_submission_shows_why():
    result = GradeResult.failure("a4_bleu", "/submissions/mallory.zip", "mallory", "the zip holds no bleu.py",
                                 "9a9a", status="rejected", max_score=17)
    page = render_report(result)
    parsed = _Page(page)
    assert any("the zip holds no bleu.py" in text for text in parsed.texts("box-rejected"))
    assert "not graded" in parsed.texts("status-rejected")
    assert_self_contained(page)


def test_an_import_failure_is_stated_once_above_the_checks():
    problem = ("bleu.py could not be imported:\n  File \"bleu.py\", line 3\n    def ngrams(\n"
               "SyntaxError: '(' was never closed")
    tests = [a_test("counts bigrams", status="failed", output="could not run: bleu.py could not be imported")]
    page = render_report(a_result(tests, output=problem))
    assert page.count("SyntaxError") == 1
    assert any("SyntaxError" in text for text in _Page(page).texts("box-graded"))


def test_a_check_the_graders_broke_is_not_the_students_fault():
    fault = ("Grading failed — not your fault; your instructor has been told. This check broke in the graders' "
             "own code and counts for nothing until it is regraded.")
    internal = "NameError: name 'refs' is not defined (test_x.py:42) INTERNAL-5521"
    tests = [a_test("counts bigrams"), a_test("clips repeats", status="error", output=fault, grader_error=internal)]
    student = render_report(a_result(tests))
    parsed = _Page(student)
    [broken] = [e for e in parsed.elements if "error" in e["classes"] and e["tag"] == "li"]
    text = squeeze("".join(broken["text"]))
    assert "Not your fault" in text and "not your fault" in text and "–/1" in text
    assert "INTERNAL-5521" not in student
    assert "not final" in student
    assert "INTERNAL-5521" in render_report(a_result(tests), audience="instructor")


# -- the batch -------------------------------------------------------------------------------------


def batch() -> list[GradeResult]:
    def attempt(student: str, lost: set[str]) -> GradeResult:
        return a_result([
            a_test("counts bigrams", status="failed" if "counting" in lost else "passed"),
            a_test("clips repeats", concept="clipping", max_score=2.0,
                   status="failed" if "clipping" in lost else "passed"),
        ], student=student)

    return [
        attempt("alice", set()), attempt("bob", {"clipping"}), attempt("Carol Smith", {"counting", "clipping"}),
        attempt("../../etc/passwd", {"counting"}), attempt("index", set()),
        attempt("a b", set()), attempt("a_b", set()),  # one file name: the second gets "-2"
        GradeResult.failure("a4_bleu", "/submissions/mallory", "mallory", "no bleu.py", "9a9a", status="rejected",
                            max_score=3),
    ]


def test_the_index_links_every_student_and_tables_the_concepts_and_scores():
    results = batch()
    page = render_index(results, "A4: BLEU")
    parsed = _Page(page)
    assert_self_contained(page)
    links = {e["attrs"]["href"]: "".join(e["text"]) for e in parsed.elements if e["tag"] == "a"}
    assert sorted(links.values()) == sorted(r.student for r in results)
    assert len(set(links)) == len(results) and all(h.endswith(".html") and "/" not in h for h in links)
    assert "index.html" not in links
    rows = {squeeze(text) for text in parsed.texts("concepts")}
    table = " ".join(rows)
    # Over the 7 graded: counting full for 5 of 7, clipping for 5 of 7; rejected left out.
    assert "Counting" in table and "Clipping" in table and "71%" in table
    assert "0.7143 / 1" in table and "1.429 / 2" in table
    bars = parsed.texts("bar-count")
    assert len(bars) == 10 and sum(map(int, bars)) == 7
    assert bars[-1] == "4" and bars[3] == "1" and bars[0] == "1" and bars[6] == "1"  # 3/3 x4, 1/3, 0/3, 2/3
    assert "no bleu.py" in page and "clipping" in " ".join(parsed.texts("notes-cell"))


def test_write_reports_writes_a_page_per_student_and_an_index_in_the_assignments_folder(tmp_path):
    results = batch()
    paths = write_reports(results, tmp_path, due="2027-03-01", now=dt.datetime(2027, 3, 2, tzinfo=UTC))
    folder = tmp_path / "a4_bleu"
    assert all(path.parent == folder for path in paths), "no name escapes the folder"
    assert len(paths) == len(results) + 1 and len(set(paths)) == len(paths)
    assert paths[-1] == folder / "index.html" and "<h1>a4_bleu</h1>" in paths[-1].read_text(encoding="utf-8")
    index = _Page(paths[-1].read_text(encoding="utf-8"))
    for element in index.elements:
        if element["tag"] == "a":
            target = folder / element["attrs"]["href"]
            assert target.is_file(), element["attrs"]["href"]
            assert f"<h1>{_escape(''.join(element['text']))}</h1>" in target.read_text(encoding="utf-8")
    for path in paths:
        assert_self_contained(path.read_text(encoding="utf-8"))


def _escape(text: str) -> str:
    from markupsafe import escape
    return str(escape(text))


@pytest.mark.parametrize("name, safe", [
    ("alice", "alice"), ("Carol Smith", "Carol_Smith"), ("../../etc/passwd", "etc_passwd"), ("index", "index_"),
    ("김철수", "김철수"), ("...", "student"), ("a/b\\c:d", "a_b_c_d"), ("김" * 200, "김" * 40),
])
def test_file_names_are_safe(name, safe):
    assert safe_file_name(name) == safe
    assert re.fullmatch(r"[\w.-]+", safe) and not safe.startswith(".")
