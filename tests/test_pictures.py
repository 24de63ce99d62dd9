"""Pictures in the HTML feedback: A2's attention matrix drawn as an inline SVG, nothing
drawn (and nothing raised) for a malformed record, strings escaped, a withheld check's
picture withheld with it, and the page still one self-contained file."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from autograder.feedback import pictures
from autograder.feedback.html import render_report
from autograder.feedback.pictures import PICTURES, attention_svg, pictures_for
from autograder.results import GradeResult, TestResult
from conftest import ROOT

SOURCE = ["the", "seventeenth", "of", "may", "2026"]
OUTPUT = ["2", "0", "2", "6", "-", "0", "5", "-", "1", "7", "</s>"]


def weights(rows: int, columns: int) -> list[list[float | None]]:
    """A plausible attention matrix: each row sums to 1, its peak moving along the source."""
    matrix = []
    for r in range(rows):
        raw = [math.exp(-abs(c - r * columns / rows)) for c in range(columns)]
        matrix.append([round(x / sum(raw), 4) for x in raw])
    return matrix


def record(source=SOURCE, output=OUTPUT, matrix=None) -> dict:
    return {"source": list(source), "output": list(output),
            "weights": weights(len(output), len(source)) if matrix is None else matrix}


def a_test(name: str = "AttnSeq2Seq: translates held-out dates", *, status: str = "failed",
           visibility: str = "visible", data: dict | None = None) -> TestResult:
    return TestResult(
        name=name, test=f"a2/graders/test_training.py::{name.replace(' ', '_')}", concept="training",
        concept_title="Training", status=status, score=1.0 if status == "passed" else 0.0, max_score=1.0,
        output="", visibility=visibility, duration=0.1, data={} if data is None else data,
    )


def a_result(*tests: TestResult) -> GradeResult:
    return GradeResult(
        assignment="a2_attention", submission="s.zip", student="김민준", content_hash="c", status="graded",
        score=sum(t.score for t in tests), max_score=sum(t.max_score for t in tests), tests=list(tests), output="",
        execution_time=1.0, seed="1", grader_hash="g", started_at="", finished_at="",
    )


class _Elements(HTMLParser):
    """Each element's tag, attributes and own text (entities decoded)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, list[str]]] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), []))

    def handle_data(self, data):
        if self.elements:
            self.elements[-1][2].append(data)

    def texts(self, tag: str) -> list[str]:
        return ["".join(text).strip() for t, _, text in self.elements if t == tag]

    def tags(self) -> list[str]:
        return [t for t, _, _ in self.elements]


def assert_self_contained(page: str) -> None:
    assert "http://" not in page and "https://" not in page
    assert "url(" not in page and "data:" not in page
    parsed = _Elements(page)
    assert not set(parsed.tags()) & {"script", "image", "img", "iframe", "object", "foreignobject", "link"}
    for _, attrs, _ in parsed.elements:
        assert not any(name.startswith("on") for name in attrs), attrs
        for name in ("href", "xlink:href", "src"):
            assert attrs.get(name) is None or attrs[name].startswith("#"), attrs


# -- the drawing -----------------------------------------------------------------------------------


def test_a_valid_attention_record_makes_one_svg_with_the_tokens_as_text():
    source = [*SOURCE, "서울"]
    test = a_test(data={"attention": record(source=source, matrix=[row + [None] for row in weights(11, 5)]),
                        "training": {"exact_match": 0.4, "char_accuracy": 0.8, "threshold": 0.83}})
    [(caption, svg)] = pictures_for(test)  # the training record makes none
    assert caption and "attention" in caption
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>") and svg.count("<svg") == 1
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<style" not in svg and "<metadata" not in svg
    texts = _Elements(svg).texts("text")
    for token in [*source, *OUTPUT]:
        assert token in texts, token  # as <text>, not glyph outlines: Hangul too
    assert "Your model's attention on a held-out date" in texts
    assert "<image" not in svg and "url(" not in svg  # vector only, nothing the page's CSP would block
    assert len(svg) < 60_000, len(svg)


def test_out_of_range_weights_and_blank_rows_are_still_drawn():
    matrix = weights(len(OUTPUT), len(SOURCE))
    matrix[0] = [None] * len(SOURCE)
    matrix[1][0], matrix[2][0] = 3.5, -0.5  # an unnormalised attention: the scale's ends, the colorbar marked
    assert attention_svg(record(matrix=matrix)) is not None
    assert attention_svg(record(matrix=[[None] * len(SOURCE) for _ in OUTPUT])) is not None


HUGE = 10_000


@pytest.mark.parametrize("bad", [
    None, "attention", 3, [], {}, {"source": SOURCE, "output": OUTPUT},
    record(matrix=[row[:-1] for row in weights(len(OUTPUT), len(SOURCE))]),               # short rows
    record(matrix=[*weights(len(OUTPUT), len(SOURCE))[:-1], [0.1] * (len(SOURCE) + 1)]),  # one long row
    record(matrix=weights(len(OUTPUT) - 1, len(SOURCE))),                                 # a row missing
    record(matrix=[[str(x) for x in row] for row in weights(len(OUTPUT), len(SOURCE))]),  # strings
    record(matrix=[[math.nan] * len(SOURCE)] + weights(len(OUTPUT) - 1, len(SOURCE))),    # NaN
    record(matrix=[[math.inf] * len(SOURCE)] + weights(len(OUTPUT) - 1, len(SOURCE))),
    record(matrix=[[True] * len(SOURCE)] + weights(len(OUTPUT) - 1, len(SOURCE))),
    record(matrix=[[[0.5]] * len(SOURCE)] + weights(len(OUTPUT) - 1, len(SOURCE))),
    record(matrix=["0.1 0.2"] * len(OUTPUT)),
    {"source": "the seventeenth of may", "output": OUTPUT, "weights": weights(len(OUTPUT), 4)},
    record(source=[*SOURCE[:-1], 2026]),                                                   # a token not a string
    record(output=[*OUTPUT[:-1], None]),
    record(source=[], output=[], matrix=[]),
    record(source=["w"] * HUGE, output=OUTPUT, matrix=[[0.0] * HUGE] * len(OUTPUT)),        # huge
    record(source=SOURCE, output=["x"] * HUGE, matrix=[[0.0] * len(SOURCE)] * HUGE),
], ids=lambda value: type(value).__name__)
def test_a_malformed_record_makes_no_picture_and_raises_nothing(bad):
    assert attention_svg(bad) is None
    assert pictures_for(a_test(data={"attention": bad})) == []


def test_a_drawing_that_raises_costs_its_picture_only(monkeypatch):
    def broken(_record):
        raise RuntimeError("a bug in a drawing")

    monkeypatch.setitem(PICTURES, "attention", broken)
    monkeypatch.setitem(PICTURES, "also_broken", lambda _record: "<b>not an svg</b>")
    monkeypatch.setitem(PICTURES, "sneaky", lambda _record: '<svg onload="steal()"><g/></svg>')
    monkeypatch.setitem(PICTURES, "sneakier", lambda _record: '<svg><image href="data:image/png;base64,AA"/></svg>')
    test = a_test(data={"attention": record(), "also_broken": 1, "sneaky": 1, "sneakier": 1})
    assert pictures_for(test) == []
    assert "<svg" not in render_report(a_result(test))


def test_long_and_strange_tokens_are_shown_short_and_spelled_out():
    source = ["x" * 10_000, "a\nb", "", "$\\frac{$", "ok"]
    svg = attention_svg(record(source=source, matrix=weights(len(OUTPUT), len(source))))
    assert svg is not None
    texts = _Elements(svg).texts("text")
    assert "x" * (pictures.MAX_LABEL - 1) + "…" in texts and "a\\nb" in texts and "''" in texts
    assert "$\\frac{$" in texts  # not read as mathtext


# -- on the page -----------------------------------------------------------------------------------


def test_a_script_token_is_escaped_and_the_page_stays_self_contained():
    source = ["<script>", "&amp;", '"x"', "</svg>", "may"]
    test = a_test(data={"attention": record(source=source)})
    for audience in ("student", "instructor"):
        page = render_report(a_result(test, a_test("passes", status="passed")), audience=audience)
        assert "<script" not in page.lower()
        assert "&lt;script&gt;" in page and "&amp;amp;" in page and "&lt;/svg&gt;" in page
        assert "<figure" in page and "<figcaption>" in page
        assert_self_contained(page)
        texts = _Elements(page).texts("text")  # what a reader sees
        assert all(token in texts for token in source)


def test_passed_and_failed_tests_show_their_pictures_errors_do_not():
    data = {"attention": record()}
    passed, failed = a_test("passed one", status="passed", data=data), a_test("failed one", data=data)
    broken = a_test("broken one", status="error", data=data)
    page = render_report(a_result(passed, failed, broken), audience="instructor")
    assert page.count("<figure") == 2 and page.count("<svg") == 2
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "two pictures define the same id"
    for reference in re.findall(r'href="#([^"]+)"', page):
        assert reference in ids


def test_a_withheld_test_has_no_picture_on_a_students_page():
    shown = a_test("shown", status="passed", data={"attention": record(source=["SHOWN", *SOURCE[1:]])})
    hidden = a_test("hidden", visibility="hidden", data={"attention": record(source=["SECRET", *SOURCE[1:]])})
    later = a_test("later", visibility="after_due_date", data={"attention": record(source=["LATER", *SOURCE[1:]])})
    result = a_result(shown, hidden, later)
    student = render_report(result, due="2999-01-01")
    assert "SHOWN" in student and "SECRET" not in student and "LATER" not in student
    assert student.count("<svg") == 1
    instructor = render_report(result, audience="instructor", due="2999-01-01")
    assert all(token in instructor for token in ("SHOWN", "SECRET", "LATER")) and instructor.count("<svg") == 3


def test_no_figure_without_a_drawable_record():
    page = render_report(a_result(a_test(data={"training": {"exact_match": 0.9, "char_accuracy": 0.97,
                                                            "threshold": 0.83}})))
    assert "<figure" not in page and "<svg" not in page


def test_matplotlib_is_loaded_only_to_draw_and_leaves_no_figure_open():
    script = ("import sys\n"
              "from autograder.feedback.html import render_report\n"
              "from autograder.feedback import pictures\n"
              "assert 'matplotlib' not in sys.modules\n"
              "assert pictures.attention_svg({'source': ['a'], 'output': ['b'], 'weights': [[1.0]]})\n"
              "import matplotlib\n"
              "assert matplotlib.get_backend().lower() == 'agg', matplotlib.get_backend()\n"
              "assert 'matplotlib.pyplot' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
    from matplotlib import pyplot
    before = pyplot.get_fignums()
    assert attention_svg(record()) is not None
    assert pyplot.get_fignums() == before


def test_masked_attention_crosses_out_what_the_mask_forbids():
    from autograder.feedback.pictures import masked_attention_svg

    record = {"source": ["k0", "k1", "k2"], "output": ["q0", "q1"], "weights": [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]],
              "allowed": [[True, False, False], [True, True, False]]}
    svg = masked_attention_svg(record)
    assert svg is not None and svg.startswith("<svg") and "k2" in svg and "q1" in svg
    assert "Crossed-out cells are masked" in svg
    for broken in ({**record, "allowed": [[True, False, False]]}, {**record, "allowed": [[1, 0, 0], [1, 1, 0]]},
                   {**record, "allowed": None}, {k: v for k, v in record.items() if k != "allowed"}):
        assert masked_attention_svg(broken) is None
