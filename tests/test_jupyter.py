"""Checking from inside Jupyter: the notebook's cells as a module, the HTML table, and
one real run in a kernel."""

from __future__ import annotations

import ast
import time

import pytest

from autograder.i18n import translator
from autograder.jupyter import CheckReport, clean_cell, module_cells, notebook_cells, render_html, render_text
from autograder.results import Evidence, GradeResult, TestResult

from conftest import REFERENCE_TOY, TEST_COURSE


def a_test(name: str, status: str = "passed", output: str = "", evidence: Evidence | None = None) -> TestResult:
    return TestResult(name=name, test=f"toy/tests/test_x.py::{name}", concept="c", concept_title="C", status=status,
                      score=1.0 if status == "passed" else 0.0, max_score=1.0, output=output, visibility="visible",
                      duration=0.01, evidence=evidence)


def a_result(tests: list[TestResult], status: str = "graded", output: str = "") -> GradeResult:
    return GradeResult(assignment="toy", submission="/tmp/notebook.ipynb", student="notebook", content_hash="c0",
                       status=status, score=sum(t.score for t in tests), max_score=sum(t.max_score for t in tests),
                       tests=tests, output=output, execution_time=1.0, seed="5eed", grader_hash="9a",
                       started_at="2027-03-01T10:00:00+00:00", finished_at="2027-03-01T10:00:01+00:00")


# -- the cells as plain Python ----------------------------------------------------------------------


def test_line_magics_and_shell_escapes_are_left_out_and_code_kept_as_written():
    cell = "%matplotlib inline\nimport math\n!pip install x\nx = 1  # comment\nfiles = !ls\n"
    assert clean_cell(cell) == "import math\nx = 1  # comment\n"


def test_a_cell_magic_is_left_out_whole():
    assert clean_cell("%%bash\necho hi\nx = 1\n") == ""
    assert clean_cell("  %%capture\nprint(1)\n") == ""


def test_a_block_that_held_only_a_magic_stays_python():
    cleaned = clean_cell("def f():\n    !echo hi\n    return 1\nif True:\n    %time y = 2\n")
    ast.parse(cleaned)
    assert cleaned == "def f():\n    return 1\nif True:\n    pass\n"


def test_magic_looking_text_inside_a_string_is_kept():
    cell = 'doc = """\n!not a shell escape\n%not a magic\n"""\n'
    assert clean_cell(cell) == cell


def test_the_autograder_is_left_out_of_the_module_across_cells():
    cells = ["from autograder.jupyter import check\ndef add(a, b):\n    return a + b\n",
             "report = check('toy')\nprint(report.passed)\ndef uses():\n    return report\nz = 3\n",
             "print(report.result.score)\nw = 4\n", "%load_ext autograder.jupyter", "%autograde toy --lang ko"]
    cleaned = module_cells(cells)
    assert cleaned == ["def add(a, b):\n    return a + b\n", "z = 3\n", "w = 4\n", "", ""]


def test_cells_come_from_a_notebook_file(tmp_path):
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# title"),
                                               nbformat.v4.new_code_cell("x = 1"),
                                               nbformat.v4.new_code_cell("%ls")])
    nbformat.write(notebook, str(tmp_path / "n.ipynb"))
    assert notebook_cells(tmp_path / "n.ipynb") == ["x = 1", "%ls"]


# -- the table --------------------------------------------------------------------------------------


def test_the_table_escapes_titles_and_feedback():
    result = a_result([a_test("<script>alert(1)</script>"),
                       a_test("b & c", status="failed", output='add(1, 2) returned "<b>4</b>"')])
    html = render_html(result)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "b &amp; c" in html
    assert "&lt;b&gt;4&lt;/b&gt;" in html and "<b>4</b>" not in html
    assert html.count("✓") == 1 and html.count("✗") == 1
    assert "1 of 2 public tests pass." in html
    report = CheckReport(result=result, html=html, text=render_text(result))
    assert report._repr_html_() == html and not report.passed
    assert "✗ b & c" in repr(report) and all(len(line) <= 80 for line in repr(report).splitlines())


def test_a_passing_check_says_the_hidden_tests_check_more():
    html = render_html(a_result([a_test("add: small numbers")]))
    assert "1 of 1 public tests pass." in html and "The hidden tests check more cases" in html


def test_a_rejected_notebook_shows_why_and_no_table():
    html = render_html(a_result([], status="rejected", output="notebook.ipynb is not a readable <notebook>"))
    assert "<table" not in html and "is not a readable &lt;notebook&gt;" in html


def test_the_table_in_korean_has_every_word_of_its_own_translated():
    tr = translator("ko", [TEST_COURSE / "assignments" / "toy"])
    html = render_html(a_result([a_test("add: small numbers"), a_test("scale", status="failed", output="wrong")]), tr)
    assert 'lang="ko"' in html
    assert "공개 테스트 2개 중 1개를 통과했습니다." in html  # {passed} of {total} public tests pass.
    assert "검사" in html and 'title="실패"' in html and 'title="통과"' in html
    assert tr.missing <= {"add: small numbers", "scale", "wrong"}, tr.missing


# -- one real run in a kernel -----------------------------------------------------------------------


def _kernel(tmp_path, monkeypatch) -> str:
    """A kernel spec for this interpreter, in a temporary folder: the notebook runs with
    the autograder this test imports, whatever kernels the machine has."""
    ipykernel = pytest.importorskip("ipykernel.kernelspec", reason="ipykernel is needed to run a notebook")
    pytest.importorskip("nbclient", reason="nbclient is needed to run a notebook")
    ipykernel.install(kernel_name="autograder-test", prefix=str(tmp_path / "kernel"))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "kernel" / "share" / "jupyter"))
    monkeypatch.setenv("AUTOGRADER_LANG", "en")
    return "autograder-test"


def _html(cell) -> str:
    shown = [o for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
    assert shown, cell.outputs
    return shown[-1].data["text/html"]


def test_check_in_a_running_notebook_grades_the_cells_run_so_far(tmp_path, monkeypatch):
    import nbclient
    import nbformat

    kernel = _kernel(tmp_path, monkeypatch)
    toy = TEST_COURSE / "assignments" / "toy"
    broken = REFERENCE_TOY.replace("return a + b", "return a - b")
    cells = [
        nbformat.v4.new_code_cell("!echo preparing\n" + broken),
        nbformat.v4.new_code_cell("%%bash\necho a bash cell\n"),
        nbformat.v4.new_code_cell(f"from autograder.jupyter import check; check({str(toy)!r})"),
        nbformat.v4.new_code_cell("def add(a, b):\n    return a + b  # fixed\n"),
        nbformat.v4.new_code_cell(f"%load_ext autograder.jupyter\n%autograde {toy} --lang ko"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    started = time.monotonic()
    nbclient.NotebookClient(notebook, kernel_name=kernel, timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    elapsed = time.monotonic() - started

    first = _html(notebook.cells[2])
    assert "0 of 1 public tests pass." in first and "✗" in first and "add: small numbers" in first
    assert "<pre" in first and "add(1, 2) should be 3" in first
    second = _html(notebook.cells[4])  # the redefinition counts; the check cell is not run again
    assert 'lang="ko"' in second and "✓" in second and "✗" not in second
    assert "공개 테스트 1개 중 1개를 통과했습니다." in second
    assert elapsed < 60, f"the notebook took {elapsed:.0f} s"
