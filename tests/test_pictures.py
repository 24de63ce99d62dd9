"""Pictures in the HTML feedback: each record drawn as an inline SVG (A2's attention, A5's
masked weights, A1's padding, A3's beam, A4's precisions, A6's rates, A7's temperature
curve), nothing drawn (and nothing raised) for a malformed record, every visible word
passed through the translator as a literal, strings escaped, a withheld check's picture
withheld with it, and the page still one self-contained file."""

from __future__ import annotations

import ast
import copy
import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder.feedback import pictures
from autograder.feedback.html import render_report
from autograder.feedback.pictures import CAPTIONS, PICTURES, attention_svg, pictures_for
from autograder.results import GradeResult, TestResult
from conftest import ROOT

SOURCE = ["the", "seventeenth", "of", "may", "2026"]


def english(message: str) -> str:
    return message


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
    assert attention_svg(record(matrix=matrix), english) is not None
    assert attention_svg(record(matrix=[[None] * len(SOURCE) for _ in OUTPUT]), english) is not None


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
    assert attention_svg(bad, english) is None
    assert pictures_for(a_test(data={"attention": bad})) == []


def test_a_drawing_that_raises_costs_its_picture_only(monkeypatch):
    def broken(_record, _):
        raise RuntimeError("a bug in a drawing")

    monkeypatch.setitem(PICTURES, "attention", broken)
    monkeypatch.setitem(PICTURES, "also_broken", lambda _record, _: "<b>not an svg</b>")
    monkeypatch.setitem(PICTURES, "sneaky", lambda _record, _: '<svg onload="steal()"><g/></svg>')
    monkeypatch.setitem(PICTURES, "sneakier", lambda _record, _: '<svg><image href="data:image/png;base64,AA"/></svg>')
    test = a_test(data={"attention": record(), "also_broken": 1, "sneaky": 1, "sneakier": 1})
    assert pictures_for(test) == []
    assert "<svg" not in render_report(a_result(test))


def test_long_and_strange_tokens_are_shown_short_and_spelled_out():
    source = ["x" * 10_000, "a\nb", "", "$\\frac{$", "ok"]
    svg = attention_svg(record(source=source, matrix=weights(len(OUTPUT), len(source))), english)
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
              "assert pictures.attention_svg({'source': ['a'], 'output': ['b'], 'weights': [[1.0]]}, str)\n"
              "import matplotlib\n"
              "assert matplotlib.get_backend().lower() == 'agg', matplotlib.get_backend()\n"
              "assert 'matplotlib.pyplot' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
    from matplotlib import pyplot
    before = pyplot.get_fignums()
    assert attention_svg(record(), english) is not None
    assert pyplot.get_fignums() == before


def test_masked_attention_crosses_out_what_the_mask_forbids():
    from autograder.feedback.pictures import masked_attention_svg

    record = {"source": ["k0", "k1", "k2"], "output": ["q0", "q1"], "weights": [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]],
              "allowed": [[True, False, False], [True, True, False]]}
    svg = masked_attention_svg(record, english)
    assert svg is not None and svg.startswith("<svg") and "k2" in svg and "q1" in svg
    assert "Crossed-out cells are masked" in svg
    for broken in ({**record, "allowed": [[True, False, False]]}, {**record, "allowed": [[1, 0, 0], [1, 1, 0]]},
                   {**record, "allowed": None}, {k: v for k, v in record.items() if k != "allowed"}):
        assert masked_attention_svg(broken, english) is None


# -- the other assignments' pictures: good records ---------------------------------------------------


def bleu_record() -> dict:
    return {"hypotheses": ["the the cat sat on the mat", "a dog in the garden"],
            "references": [["the cat sat on the mat", "there is a cat on the mat"], ["a dog is playing in the garden"]],
            "yours": {"matches": [12, 8, 5, 3], "totals": [12, 10, 8, 6], "brevity_penalty": 1.154},
            "sacrebleu": {"matches": [11, 8, 5, 3], "totals": [12, 10, 8, 6], "brevity_penalty": 0.8465}}


def mlm_record() -> dict:
    def rate(kind, observed, low, high, target):
        return {"kind": kind, "observed": observed, "low": low, "high": high, "target": target, "n": 90_000}

    return {"rates": [rate("selected", 0.1497, 0.1452, 0.1549, 0.15), rate("mask", 0.8003, 0.7951, 0.8051, 0.8001),
                      rate("random", 0.05, 0.0961, 0.1036, 0.0998), rate("kept", 0.1004, 0.0964, 0.1039, 0.1001)]}


def padding_record() -> dict:
    return {"samples": 120, "batch_size": 16, "max_pad_len": 4, "batchings": {
        "yours": {"pads": [51, 38, 30, 22, 10, 4, 0], "batches": 9, "padding": 155, "cells": 5079},
        "random": {"pads": [790, 710, 670, 640, 630, 520, 520, 280], "batches": 8, "padding": 4760, "cells": 9544},
        "in_order": {"pads": [700, 650, 610, 600, 590, 560, 500, 376], "batches": 8, "padding": 4586, "cells": 9352}}}


def beam_record() -> dict:
    def hyps(*pairs):
        return [{"tokens": list(tokens), "logprob": logprob} for tokens, logprob in pairs]

    return {"sos": 2, "eos": 3, "beam_size": 2, "max_len": 3, "steps": [
        {"yours": [2], "correct": hyps(((), 0.0))},
        {"yours": [4, 6], "correct": hyps(((6,), -0.98), ((4,), -1.62))},
        {"yours": [5, 6], "correct": hyps(((6, 5), -1.35), ((4, 5), -2.23))},
        {"yours": [1], "correct": None}],
        "returned": {"yours": hyps(((6, 6, 1), -2.9)),
                     "correct": hyps(((6, 5, 3), -1.86), ((4, 5, 3), -2.74))}}


def temperature_record() -> dict:
    return {"alpha": 1.0, "temperatures": [0.5, 1.0, 2.0, 4.0, 8.0, 16.0],
            "correct": [0.357, 0.695, 0.812, 0.764, 0.709, 0.677],
            "kl_only": [1.428, 0.695, 0.203, 0.0477, 0.0111, 0.00264],
            "yours": [1.428, 0.695, 0.203, None, 0.0111, 1e6]}


GOOD = {"bleu_precisions": bleu_record, "mlm_rates": mlm_record, "bucket_padding": padding_record,
        "beam_steps": beam_record, "distillation_temperature": temperature_record}
"""A drawable record of every picture added beside A2's and A5's."""
TITLES = {"bleu_precisions": "Your n-gram precisions and brevity penalty beside sacrebleu's",
          "mlm_rates": "The rates of your masked-LM corruption",
          "bucket_padding": "Padding with your bucketing and without: 120 samples, batch_size 16, max_pad_len 4",
          "beam_steps": "What your beam search kept at each step (beam_size 2, max_len 3)",
          "distillation_temperature": "Your distillation loss as the temperature grows"}
SHOWN = {"bleu_precisions": ["11/12", "12/12", "1.154", "0.847", "brevity penalty", "3-gram precision",
                             "sentence 1: “the the cat sat on the mat”"],
         "mlm_rates": ["yours 5.00%; a correct one gives 9.61% to 10.36%", "[MASK], of the selected tokens"],
         "bucket_padding": ["3.1% (155 of 5079 tokens)", "your batches: 9 batches", "batches in corpus order"],
         "beam_steps": ["4, 6", "<sos> 6 5   (-1.350)", "6 5 <eos>   (-1.860)", "no call", "you returned"],
         "distillation_temperature": ["correct: T² × KL", "the KL alone (without T²)", "16"]}
"""Texts each picture must show (titles aside)."""


def texts_of(svg: str) -> list[str]:
    """What a reader sees: each <text>'s words (multi-line ones line by line)."""
    return [line for text in _Elements(svg).texts("text") for line in text.splitlines()]


@pytest.mark.parametrize("name", sorted(GOOD))
def test_each_picture_is_drawn_from_a_good_record(name):
    svg = PICTURES[name](GOOD[name](), english)
    assert svg is not None and svg.startswith("<svg") and svg.count("<svg") == 1
    assert pictures._checked(svg) and "<style" not in svg and "url(" not in svg and "clip-path" not in svg and "clipPath" not in svg
    texts = texts_of(svg)
    assert TITLES[name] in texts
    for shown in SHOWN[name]:
        assert shown in texts, (shown, texts)
    assert len(svg) < 60_000, len(svg)
    [(caption, scoped)] = pictures_for(a_test(data={name: GOOD[name]()}))
    assert caption == CAPTIONS[name] and scoped.startswith("<svg")


def test_where_yours_differ_is_said_in_the_label():
    """The aria-label names what differs, so a reader without the picture learns it too."""
    def label(name, record):
        return re.search(r'aria-label="([^"]*)"', PICTURES[name](record, english)).group(1)

    assert "Yours differ in: 1-gram precision, brevity penalty." in label("bleu_precisions", bleu_record())
    same = bleu_record()
    same["yours"] = copy.deepcopy(same["sacrebleu"])
    assert "Yours equal sacrebleu's everywhere." in label("bleu_precisions", same)
    assert "Outside the range: a random id, of the selected tokens." in label("mlm_rates", mlm_record())
    assert "Your search first differs at call 3." in label("beam_steps", beam_record())
    assert "Yours differ at T = 0.5, 2, 8, 16." in label("distillation_temperature", temperature_record())


def test_a_student_who_gave_no_answer_still_gets_a_picture():
    """None where the student's call gave no number: drawn as '?', the rest as usual."""
    record = bleu_record()
    record["yours"] = {"matches": [None, 8, 5, 3], "totals": [None, 10, 8, 6], "brevity_penalty": None}
    texts = texts_of(PICTURES["bleu_precisions"](record, english))
    assert texts.count("?") == 2 and "8/10" in texts
    unreadable = beam_record()
    unreadable["returned"]["yours"] = None
    assert "nothing readable" in texts_of(PICTURES["beam_steps"](unreadable, english))


def changed(make, path, value):
    """``make()`` with the item at ``path`` (keys and indices) replaced by ``value``, or
    removed when ``value`` is REMOVE."""
    record = make()
    *parents, last = path
    holder = record
    for key in parents:
        holder = holder[key]
    if value is REMOVE:
        del holder[last]
    else:
        holder[last] = value
    return record


REMOVE = object()
MALFORMED = [
    *[(name, bad) for name in GOOD for bad in (None, [], {}, "record", 3)],
    ("bleu_precisions", changed(bleu_record, ["yours", "matches"], [12, 8, 5])),
    ("bleu_precisions", changed(bleu_record, ["yours", "matches", 0], math.nan)),
    ("bleu_precisions", changed(bleu_record, ["yours", "matches", 0], True)),
    ("bleu_precisions", changed(bleu_record, ["yours", "totals", 1], -1)),
    ("bleu_precisions", changed(bleu_record, ["yours", "brevity_penalty"], math.inf)),
    ("bleu_precisions", changed(bleu_record, ["yours", "brevity_penalty"], "0.8")),
    ("bleu_precisions", changed(bleu_record, ["sacrebleu", "brevity_penalty"], None)),
    ("bleu_precisions", changed(bleu_record, ["hypotheses"], ["a"] * 10_000)),
    ("bleu_precisions", changed(bleu_record, ["references"], [["a"]])),
    ("bleu_precisions", changed(bleu_record, ["references", 0], "the cat")),
    ("mlm_rates", changed(mlm_record, ["rates", 0, "observed"], math.nan)),
    ("mlm_rates", changed(mlm_record, ["rates", 0, "low"], 0.5)),
    ("mlm_rates", changed(mlm_record, ["rates", 1, "kind"], "selected")),
    ("mlm_rates", changed(mlm_record, ["rates", 1, "kind"], "<script>")),
    ("mlm_rates", changed(mlm_record, ["rates", 2, "n"], 2.5)),
    ("mlm_rates", changed(mlm_record, ["rates", 3, "target"], 3.0)),
    ("mlm_rates", changed(mlm_record, ["rates", 3, "high"], REMOVE)),
    ("mlm_rates", changed(mlm_record, ["rates"], mlm_record()["rates"] * 2)),
    ("bucket_padding", changed(padding_record, ["batchings", "random"], REMOVE)),
    ("bucket_padding", changed(padding_record, ["batchings", "yours", "pads"], [1] * 10_000)),
    ("bucket_padding", changed(padding_record, ["batchings", "yours", "pads", 0], -3)),
    ("bucket_padding", changed(padding_record, ["batchings", "yours", "padding"], 10**12)),
    ("bucket_padding", changed(padding_record, ["batchings", "yours", "cells"], 0)),
    ("bucket_padding", changed(padding_record, ["batchings", "yours", "batches"], 2)),
    ("bucket_padding", changed(padding_record, ["batch_size"], 0)),
    ("bucket_padding", changed(padding_record, ["samples"], "120")),
    ("beam_steps", changed(beam_record, ["steps"], [{"yours": [2], "correct": None}] * 1_000)),
    ("beam_steps", changed(beam_record, ["steps", 1, "yours"], [4, -6])),
    ("beam_steps", changed(beam_record, ["steps", 1, "yours"], [4, 6.0])),
    ("beam_steps", changed(beam_record, ["steps", 1, "correct", 0, "logprob"], math.nan)),
    ("beam_steps", changed(beam_record, ["steps", 1, "correct", 0, "tokens"], "6")),
    ("beam_steps", changed(beam_record, ["returned", "yours", 0, "tokens"], [1] * 10_000)),
    ("beam_steps", changed(beam_record, ["returned", "correct"], None)),
    ("beam_steps", changed(beam_record, ["eos"], None)),
    ("distillation_temperature", changed(temperature_record, ["temperatures", 1], 0.5)),
    ("distillation_temperature", changed(temperature_record, ["temperatures", 0], -1.0)),
    ("distillation_temperature", changed(temperature_record, ["yours"], [1.0])),
    ("distillation_temperature", changed(temperature_record, ["yours", 0], math.inf)),
    ("distillation_temperature", changed(temperature_record, ["correct", 0], None)),
    ("distillation_temperature", changed(temperature_record, ["kl_only", 0], "1.4")),
    ("distillation_temperature", changed(temperature_record, ["alpha"], 2.0)),
    ("distillation_temperature", {**temperature_record(), "temperatures": [float(t) for t in range(1, 1_000)]}),
]


@pytest.mark.parametrize("name, bad", MALFORMED, ids=lambda value: value if isinstance(value, str) else None)
def test_a_malformed_record_of_any_picture_makes_none(name, bad):
    assert PICTURES[name](bad, english) is None
    assert pictures_for(a_test(data={name: bad})) == []


def test_the_malformed_records_differ_from_good_ones_only_where_meant():
    """Each malformed record is drawable but for its one change (else it proves nothing)."""
    for name, make in GOOD.items():
        assert PICTURES[name](make(), english) is not None
    assert changed(bleu_record, ["yours", "brevity_penalty"], 0.5)["yours"]["brevity_penalty"] == 0.5
    assert "high" not in changed(mlm_record, ["rates", 3, "high"], REMOVE)["rates"][3]


# -- every visible word through the translator, as a literal ------------------------------------------


def marked(message: str) -> str:
    """A translator that brackets what it translates, so untranslated words stand out."""
    return f"‹{message}›"


DATA = {"attention": set(SOURCE) | set(OUTPUT), "masked_attention": {"k0", "k1", "k2", "q0", "q1"},
        "beam_steps": set()}
"""Words a picture shows as data (tokens), not as messages."""


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_every_word_of_a_picture_goes_through_the_translator(name):
    masked = {"source": ["k0", "k1", "k2"], "output": ["q0", "q1"], "weights": [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]],
              "allowed": [[True, False, False], [True, True, False]]}
    good = {**{k: make() for k, make in GOOD.items()}, "attention": record(), "masked_attention": masked}
    [(caption, svg)] = pictures_for(a_test(data={name: good[name]}), marked)
    assert caption == marked(CAPTIONS[name])
    assert re.search(r'aria-label="‹[^"]*›"', svg)
    for text in texts_of(svg):
        words = re.sub(r"<sos>|<eos>|\d|[-−.,%()×²]|\s", "", text)
        if len(words) > 1 and text not in DATA.get(name, set()):
            assert "‹" in text or "›" in text, (name, text)


def test_translations_are_literals_so_that_they_can_be_extracted():
    """``_("...")`` and ``N_("...")`` only ever wrap a string literal (formatted after
    translating); the one exception is the caption looked up in CAPTIONS."""
    tree = ast.parse(Path(pictures.__file__).read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")]
    assert len(calls) > 50
    for call in calls:
        [argument] = call.args
        literal = isinstance(argument, ast.Constant) and isinstance(argument.value, str)
        lookup = ast.unparse(argument) == "CAPTIONS[name]"
        assert literal or lookup, f"line {call.lineno}: _({ast.unparse(argument)})"
    assert set(CAPTIONS) == set(PICTURES)


def test_an_empty_caption_is_not_looked_up(monkeypatch):
    """gettext('') is the catalogue's header, never a caption."""
    monkeypatch.setitem(CAPTIONS, "bleu_precisions", "")
    [(caption, _svg)] = pictures_for(a_test(data={"bleu_precisions": bleu_record()}), marked)
    assert caption == ""


# -- what A4's graders record, end to end --------------------------------------------------------------


def test_a4_records_the_students_own_precisions_beside_sacrebleus(course, tmp_path):
    """The clipping test of a student who does not clip records their unclipped unigram
    matches (12 of 12, sacrebleu 11 of 12) and their correct brevity penalty, and still
    passes: the picture's calls change no verdict."""
    from autograder.mutants import Mutant
    from autograder.pipeline import grade

    assignment = course.assignment("a4_bleu")
    mutant = Mutant.load(assignment.solution_dir / "mutants" / "no_clipping.py", "bleu.py")
    result = grade(assignment, mutant.build(assignment.solution_dir / "reference", tmp_path / "no_clipping"))
    [test] = [t for t in result.tests if "bleu_precisions" in t.data]
    assert test.name.startswith("Clipping: (matches, total) of a hypothesis without repeated words")
    assert test.status == "passed"
    data = test.data["bleu_precisions"]
    assert data["yours"]["matches"][0] == data["yours"]["totals"][0] == 12
    assert data["sacrebleu"]["matches"][0] == 11
    assert data["yours"]["brevity_penalty"] == pytest.approx(data["sacrebleu"]["brevity_penalty"])
    [(_caption, svg)] = pictures_for(test)
    assert "Yours differ in: 1-gram precision." in svg
