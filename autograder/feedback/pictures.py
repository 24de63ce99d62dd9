"""Pictures in the feedback: small inline SVG drawings made from what a test recorded.

A grader records plain data beside its verdict (``record("attention", {...})`` ends up in
``TestResult.data["attention"]``). :data:`PICTURES` maps such a record's name to a function
that draws it and returns one ``<svg>...</svg>`` element ready to be inlined in an HTML page,
or None when the record is not something it can draw. Part of that data comes from the
student's process, so a drawing function checks every shape and type and never raises
(:func:`pictures_for` also catches anything that slips through): a malformed record just
has no picture.

The SVG is self-contained and inert, so the report stays one file under its
Content-Security-Policy (``default-src 'none'``):

- everything is vector (no embedded raster image, which would be a ``data:`` URL the
  policy blocks), text stays text (``svg.fonttype = "none"``: no embedded glyphs, and
  Hangul or any other script is drawn by the reader's own fonts), and matplotlib's SVG
  writer escapes every string it writes (a token ``<script>`` becomes ``&lt;script&gt;``);
- no XML header, doctype, metadata, namespace URLs, ``<style>`` element (its rules would
  apply to the whole page) nor ``url(#...)`` references (no clip paths, no hatch patterns:
  blank cells are crossed by drawn lines);
- the ids the writer makes are prefixed per picture, so two pictures on one page never
  share one;
- :func:`pictures_for` passes on only an SVG made of the elements a drawing of ours has
  (``svg g defs path use text tspan``), without event attributes, ``url(...)`` or
  ``javascript:``, since the HTML renderer marks it safe.

matplotlib is imported inside the drawing functions only: the renderers that import this
module stay light, and a page without pictures never loads it. A drawing uses the
object-oriented API (``matplotlib.figure.Figure``, as matplotlib advises for servers), not
pyplot: no global figure manager to leak figures into, nothing to close, no GUI backend.
The Agg backend is still selected when pyplot has not been imported yet, so that nothing
later in the process opens a window; when it has, the caller's backend is left alone
(switching it would close the caller's figures).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import sys
import threading
import warnings
from typing import Any, Callable

from ..results import TestResult

__all__ = ["CAPTIONS", "PICTURES", "attention_svg", "masked_attention_svg", "pictures_for"]

MAX_OUTPUT_TOKENS = 40
"""Rows of an attention matrix drawn at most (the A2 grader keeps 20); more is not drawn."""
MAX_SOURCE_TOKENS = 60
"""Columns of an attention matrix drawn at most; more is not drawn."""
MAX_LABEL = 14
"""Characters of a token shown on an axis; a longer one is cut with an ellipsis."""
COLOR_LEVELS = 20
"""Steps of the colour scale: few enough that the colorbar stays vector (matplotlib
rasterises one of 50 steps or more) and small."""

_lock = threading.Lock()
"""matplotlib's pyplot state and rcParams are global: one drawing at a time."""


# -- validating what a test recorded ------------------------------------------------------------


def _label(token: str) -> str:
    """A token as an axis label: non-printable characters spelled out, cut to MAX_LABEL."""
    token = token[: MAX_LABEL + 1]
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in token)
    if not text.strip():
        text = repr(token)  # "" or blanks: show the quotes
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _number(value: Any) -> float | None | bool:
    """A weight as a float, None for a blank cell, or False when it is not a weight."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    value = float(value)
    return value if math.isfinite(value) else False


def _attention_matrix(record: Any) -> tuple[list[str], list[str], list[list[float | None]]] | None:
    """(source labels, output labels, rows of weights) from an ``attention`` record, or None
    unless it is a dict of two non-empty lists of strings and one row of numbers (or None)
    per output token, each as long as the source."""
    if not isinstance(record, dict):
        return None
    source, output, weights = record.get("source"), record.get("output"), record.get("weights")
    if not (isinstance(source, list) and isinstance(output, list) and isinstance(weights, list)):
        return None
    if not (0 < len(source) <= MAX_SOURCE_TOKENS and 0 < len(output) <= MAX_OUTPUT_TOKENS
            and len(weights) == len(output)):
        return None
    if not all(isinstance(t, str) for t in source) or not all(isinstance(t, str) for t in output):
        return None
    rows: list[list[float | None]] = []
    for row in weights:
        if not isinstance(row, list) or len(row) != len(source):
            return None
        numbers = [_number(x) for x in row]
        if any(x is False for x in numbers):
            return None
        rows.append(numbers)  # type: ignore[arg-type]
    return [_label(t) for t in source], [_label(t) for t in output], rows


# -- turning a matplotlib figure into an inline <svg> ------------------------------------------


_RC = {
    "svg.fonttype": "none",          # text as <text>, not paths: small, and any script renders
    "svg.image_inline": True,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # its metrics lay the figure out; the reader's fonts draw it
    "font.size": 9,
    "axes.unicode_minus": False,
    "text.usetex": False,
}


_TAG = re.compile(r"<[^<>]*>")
_ELEMENTS = {"svg", "g", "defs", "path", "use", "text", "tspan"}
"""What a drawing of ours is made of; anything else means the SVG is not inlined."""


def _path(data: str) -> str:
    """A path's data with its coordinates to 0.01 pt and its whitespace squeezed (smaller,
    the same drawing)."""
    data = re.sub(r"-?\d+\.\d+", lambda m: f"{float(m.group(0)):.2f}".rstrip("0").rstrip("."), data)
    return " ".join(data.split())


def _in_tags(svg: str, edit: Callable[[str], str]) -> str:
    """``svg`` with ``edit`` applied to each tag, never to text (a token's text may hold
    ``id="..."`` too; matplotlib escapes ``<`` and ``>`` in text and attributes)."""
    return _TAG.sub(lambda m: edit(m.group(0)), svg)


def _checked(svg: str) -> bool:
    """Whether ``svg`` is made of our elements only: no script, image, foreign object, event
    attribute, ``url(...)`` or stray ``<`` in its text."""
    for tag in _TAG.findall(svg):
        name = re.match(r"</?([\w:-]+)", tag)
        if name is None or name.group(1) not in _ELEMENTS:
            return False
        lowered = tag.lower()
        if re.search(r"\son\w*\s*=", lowered) or "url(" in lowered or "javascript:" in lowered:
            return False
    return "<" not in _TAG.sub("", svg)


def _inline(svg: str, label: str) -> str | None:
    """matplotlib's SVG document as one element to inline in HTML (see the module's notes),
    or None if it holds anything but our drawing's elements."""
    start = svg.find("<svg")
    if start < 0:
        return None
    svg = svg[start:].strip()
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<style[^<>]*>[^<]*</style>\s*", "", svg)
    svg = _in_tags(svg, lambda tag: re.sub(r'\s+(xmlns(:\w+)?|version)="[^"]*"', "", tag) if tag.startswith("<svg")
                   else tag)
    svg = _in_tags(svg, lambda tag: re.sub(r'\sd="([^"]*)"', lambda m: f' d="{_path(m.group(1))}"', tag))
    used = {m for tag in _TAG.findall(svg) for m in re.findall(r'\s(?:xlink:)?href="#([^"]+)"', tag)}
    svg = _in_tags(svg, lambda tag: re.sub(r'\s+id="([^"]+)"', lambda m: m.group(0) if m.group(1) in used else "",
                                           tag))
    svg = re.sub(r"<defs>\s*</defs>\s*", "", svg)
    if not _checked(svg):
        return None
    escaped = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    return svg.replace("<svg", f'<svg role="img" aria-label="{escaped}"', 1)


def _scoped(svg: str, *names: str) -> str:
    """``svg`` with every id (and every reference to one) prefixed by a short hash of
    ``names``: matplotlib names its markers after their shape, so two pictures on one page
    would otherwise define the same ids."""
    prefix = "p" + hashlib.sha256("\0".join(names).encode("utf-8", "replace")).hexdigest()[:8]
    return _in_tags(svg, lambda tag: re.sub(r'(\sid="|\s(?:xlink:)?href="#)([^"]+)"', rf'\1{prefix}-\2"', tag))


# -- the pictures --------------------------------------------------------------------------------


ATTENTION_TITLE = "Your model's attention on a held-out date"
MASKED_TITLE = "Your attention weights under the mask"


def attention_svg(record: Any) -> str | None:
    """The ``attention`` record (``{"source": [...], "output": [...], "weights": [[...], ...]}``)
    as a heatmap: output tokens down, source tokens across, weights 0..1 on a colour scale
    (out-of-range ones at its ends, the colorbar marked), blank cells (None) crossed out."""
    matrix = _attention_matrix(record)
    if matrix is None:
        return None
    source, output, rows = matrix
    crossed = [(r, c) for r in range(len(output)) for c in range(len(source)) if rows[r][c] is None]
    blanks = " Crossed-out cells have no weight." if crossed else ""
    label = (f"Heatmap: {len(output)} output tokens by {len(source)} source tokens; each cell is how much "
             f"attention the model paid to a source token while writing an output token.{blanks}")
    return _heatmap(rows, output, source, crossed, ATTENTION_TITLE, "source tokens (what the model reads)",
                    "output tokens (what it wrote)", label)


def masked_attention_svg(record: Any) -> str | None:
    """The ``masked_attention`` record (an ``attention`` record whose labels are query and
    key positions, plus ``allowed``: one row of booleans per query, False where the mask
    forbids the key) as a heatmap with every forbidden cell crossed out: a correct
    attention is exactly 0 (dark) under every cross."""
    matrix = _attention_matrix(record)
    allowed = record.get("allowed") if isinstance(record, dict) else None
    if matrix is None or not isinstance(allowed, list) or len(allowed) != len(matrix[1]):
        return None
    keys, queries, rows = matrix
    if not all(isinstance(row, list) and len(row) == len(keys) and all(isinstance(x, bool) for x in row)
               for row in allowed):
        return None
    crossed = [(r, c) for r in range(len(queries)) for c in range(len(keys)) if not allowed[r][c]]
    label = (f"Heatmap: {len(queries)} queries by {len(keys)} keys; each cell is the weight a query gives a key. "
             "Crossed-out cells are masked: their weight should be exactly 0.")
    return _heatmap(rows, queries, keys, crossed, MASKED_TITLE, "keys", "queries", label)


def _heatmap(rows: list[list[float | None]], down: list[str], across: list[str], crossed: list[tuple[int, int]],
             title: str, xlabel: str, ylabel: str, label: str) -> str | None:
    """Rows of weights as a 0..1 heatmap (labels down and across), ``crossed`` cells
    crossed out, as an inline ``<svg>`` described by ``label``."""
    import numpy as np
    import matplotlib
    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    values = np.ma.masked_invalid(np.array([[np.nan if x is None else x for x in row] for row in rows], dtype=float))
    low, high = values.min(), values.max()
    below, above = bool(low is not np.ma.masked and low < 0), bool(high is not np.ma.masked and high > 1)
    extend = "both" if below and above else "min" if below else "max" if above else "neither"
    n_out, n_src = len(down), len(across)
    width = min(11.0, 2.4 + 0.42 * n_src)
    height = min(11.0, 1.5 + 0.3 * n_out)
    with _lock, matplotlib.rc_context(_RC), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs DejaVu Sans lacks (Hangul, ...): the browser draws them
        fig = Figure(figsize=(width, height), layout="constrained")
        try:
            ax = fig.add_subplot()
            cmap = matplotlib.colormaps["viridis"].resampled(COLOR_LEVELS)
            mesh = ax.pcolormesh(values, cmap=cmap, vmin=0.0, vmax=1.0, edgecolors="white", linewidth=0.6)
            mesh.set_clip_on(False)
            if crossed:
                lines = [[(c + 0.2, r + 0.2), (c + 0.8, r + 0.8)] for r, c in crossed]
                lines += [[(c + 0.2, r + 0.8), (c + 0.8, r + 0.2)] for r, c in crossed]
                ax.add_collection(LineCollection(lines, colors="#8c959f", linewidths=0.8, clip_on=False))
            ax.set_xlim(0, n_src)
            ax.set_ylim(n_out, 0)  # the first row on top
            ax.set_xticks(np.arange(n_src) + 0.5, across, rotation=45 if n_src > 4 else 0,
                          ha="right" if n_src > 4 else "center", rotation_mode="anchor", parse_math=False)
            ax.set_yticks(np.arange(n_out) + 0.5, down, parse_math=False)
            ax.tick_params(length=0)
            for spine in ax.spines.values():
                spine.set_visible(False)
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.set_title(title, fontsize=10)
            ax.set_aspect("equal")
            bar = fig.colorbar(mesh, ax=ax, extend=extend, shrink=min(1.0, max(0.5, n_out / 12)), aspect=15)
            bar.set_label("attention weight")
            bar.set_ticks([0, 0.25, 0.5, 0.75, 1])
            bar.outline.set_visible(False)
            for artist in [bar.solids, *getattr(bar, "_extend_patches", [])]:
                if artist is not None:
                    artist.set_clip_on(False)
                    artist.set_rasterized(False)
            text = io.StringIO()
            fig.savefig(text, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            fig.clear()  # not registered with pyplot: nothing else holds it
    return _inline(text.getvalue(), label)


PICTURES: dict[str, Callable[[Any], str | None]] = {
    "attention": attention_svg,
    "masked_attention": masked_attention_svg,
}
"""A test's record name -> a function drawing it as an inline ``<svg>`` (None: not drawable)."""

CAPTIONS: dict[str, str] = {
    "attention": ("Each row is a token your model wrote for a date it never saw in training, each column a word "
                  "of that date; the brighter a cell, the more attention the model paid to that word while "
                  "writing that token. A model that learned to align looks at the day, month and year words "
                  "in turn. A crossed-out cell, if any, had no weight recorded."),
    "masked_attention": ("Your weights for the batch row and head of this check that the mask hides most "
                         "of: each row a query, each column a key. The mask forbids the crossed-out cells, so they must be exactly "
                         "0 (the darkest colour), and each row's other weights sum to 1."),
}
"""What a picture shows, in a sentence or three for its ``<figcaption>``."""


def pictures_for(test: TestResult) -> list[tuple[str, str]]:
    """(caption, inline ``<svg>``) for every record of ``test`` that :data:`PICTURES` can
    draw, in the registry's order. Never raises: a record that cannot be drawn is skipped."""
    data = getattr(test, "data", None)
    if not isinstance(data, dict):
        return []
    pictures = []
    for name, draw in PICTURES.items():
        if name not in data:
            continue
        try:
            svg = draw(data[name])
        except Exception:  # noqa: BLE001 - a picture is a decoration: never break a report for one
            continue
        if isinstance(svg, str) and svg.startswith("<svg") and _checked(svg):
            pictures.append((CAPTIONS.get(name, ""), _scoped(svg, str(getattr(test, "test", "")), name)))
    return pictures
