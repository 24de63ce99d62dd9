"""The HTML reports in a real browser: headless Chromium draws them, and the screenshots
are looked at: not blank, the picture drawn, Hangul drawn as Hangul (not as the empty
boxes a browser draws for characters no font has), and no hidden check's words on the page.

Chromium and a font with Hangul are Debian packages (``chromium``, ``fonts-noto-cjk``) that
``.ci/browser`` installs; where either is missing these tests skip and say which.
"""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from autograder.feedback.html import render_index, render_report
from autograder.i18n import translator

PIL = pytest.importorskip("PIL.Image", reason="Pillow (matplotlib's dependency) reads the screenshots")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--force-device-scale-factor=1"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")



def _chromium_path() -> str | None:
    """Looked up when a test runs, not when the file is collected: ``.ci/browser`` may still
    be installing it while the first tests run."""
    return next((path for name in ("chromium", "chromium-browser", "google-chrome") if (path := shutil.which(name))),
                None)


@pytest.fixture(autouse=True)
def chromium_installed():
    if _chromium_path() is None:
        pytest.skip("no Chromium (Debian's chromium package; .ci/browser installs it)")


def _hangul_font() -> bool:
    try:
        listed = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(listed.strip())


def _chromium(args: list[str], page: Path) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="autograder-chromium-") as profile:
        return subprocess.run([_chromium_path(), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                              capture_output=True, text=True, timeout=180)


def screenshot(page: Path, width: int = 1000, height: int = 3000):
    """The page as Chromium draws it, as an RGB image."""
    png = page.with_suffix(".png")
    done = _chromium([f"--window-size={width},{height}", f"--screenshot={png}"], page)
    assert png.exists(), f"Chromium made no screenshot: {done.stderr[-2000:]}"
    return PIL.open(png).convert("RGB")


def dom(page: Path) -> str:
    """The page's document after Chromium loaded it."""
    done = _chromium(["--dump-dom"], page)
    assert "<html" in done.stdout, f"Chromium printed no document: {done.stderr[-2000:]}"
    return done.stdout


def pixels(image) -> list:
    """The image's pixels in order (Pillow 12 renamed ``getdata``)."""
    flat = getattr(image, "get_flattened_data", None)
    return list(flat() if flat else image.getdata())


def ink(image) -> float:
    """The share of pixels that are not (nearly) white."""
    values = pixels(image.convert("L"))
    return sum(p < 235 for p in values) / len(values)


def colours(image) -> int:
    return len(image.getcolors(maxcolors=1 << 20) or [])


def write(folder: Path, name: str, html: str) -> Path:
    path = folder / name
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def a2_failing(course, validated):
    """A2 graded from a known mistake (the mask is never applied): some checks fail, the
    training check records the attention picture. From ``validate``'s run (shared with the
    assignment tests), as a student named in Hangul."""
    assignment = course.assignment("a2_attention")
    [check] = [c for c in validated("a2_attention") if c.kind == "mutant" and c.name == "no_masking"]
    result = dataclasses.replace(check.result, student="김민준")
    assert result.status == "graded" and 0 < result.score < result.max_score
    return assignment, result


def test_a_failing_a2_report_in_korean_draws_its_picture_and_hangul_and_hides_what_is_hidden(a2_failing, tmp_path):
    if not _hangul_font():
        pytest.skip("no font with Hangul (Debian's fonts-noto-cjk; .ci/browser installs it)")
    assignment, result = a2_failing
    # Hidden here: a failed check that no other check's feedback names (one another check
    # requires is named in that check's feedback when it is visible).
    failed = [t for t in result.tests if t.status == "failed"
              and not any(t.name in other.output for other in result.tests if other is not t)]
    assert failed and any("attention" in t.data for t in result.tests)
    hidden = dataclasses.replace(failed[0], visibility="hidden")
    result = dataclasses.replace(result, tests=[hidden if t is failed[0] else t for t in result.tests])
    tr = translator("ko", [assignment.solution_dir, assignment.directory])
    html = render_report(result, tr=tr)
    assert not tr.missing, f"shown in English: {sorted(tr.missing)[:5]}"
    page = write(tmp_path, "report.html", html)

    document = dom(page)
    assert 'lang="ko"' in document and len(HANGUL.findall(document)) > 200
    for secret in (hidden.name, tr.title(hidden.name), hidden.output[:60], tr.text(hidden.output)[:60]):
        assert secret not in document, f"a hidden check shows on the page: {secret!r}"

    image = screenshot(page)
    assert ink(image) > 0.03 and colours(image) > 50, "the report is blank"

    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg, "the report has no picture"
    picture = screenshot(write(tmp_path, "picture.html", f'<!doctype html><html lang="ko"><body style="margin:0;'
                                                         f'background:#fff">{svg.group(0)}</body></html>'), 900, 900)
    viridis_yellow = sum(1 for r, g, b in pixels(picture) if r > 200 and g > 190 and b < 90)
    viridis_purple = sum(1 for r, g, b in pixels(picture) if r < 90 and g < 40 and b > 60)
    assert ink(picture) > 0.05 and (viridis_yellow or viridis_purple), "the attention heatmap was not drawn"


def test_hangul_is_drawn_with_glyphs_not_empty_boxes(tmp_path):
    if not _hangul_font():
        pytest.skip("no font with Hangul (Debian's fonts-noto-cjk; .ci/browser installs it)")

    def drawn(text: str, name: str):
        return screenshot(write(tmp_path, name, f'<!doctype html><html lang="ko"><meta charset="utf-8"><body '
                                                f'style="margin:20px;background:#fff"><p style="font-size:64px;'
                                                f'margin:0">{text}</p></body></html>'), 700, 160)

    one, other = drawn("개념별 점수", "a.html"), drawn("복습 강의", "b.html")
    boxes = drawn("\ue000\ue001\ue002 \ue003\ue004", "c.html")  # private use: no font has them, boxes are drawn
    assert ink(one) > 0.01 and ink(other) > 0.01
    assert one.tobytes() != other.tobytes(), "two different Korean phrases look the same: empty boxes?"
    assert one.tobytes() != boxes.tobytes() and other.tobytes() != boxes.tobytes()


def test_an_a4_batch_index_in_english(validated, tmp_path):
    results = [c.result for c in validated("a4_bleu")]  # the reference, variants, stub and mutants as a cohort
    page = write(tmp_path, "index.html", render_index(results, "a4_bleu", translator("en")))
    document = dom(page)
    assert 'lang="en"' in document and not HANGUL.search(document)
    for name in {r.student for r in results}:
        assert html.escape(name, quote=False) in document
    assert "Per concept" in document and "Scores" in document
    image = screenshot(page, 1000, 2000)
    assert ink(image) > 0.03 and colours(image) > 20, "the index is blank"
    bars = sum(1 for r, g, b in pixels(image) if b > 150 and r < 120)  # the histogram's blue bars
    assert bars > 100, "the histogram has no bars"
