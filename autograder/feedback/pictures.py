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

Every visible string (titles, axis labels, legends, the ``aria-label``, the caption) goes
through the ``_`` a drawing is given, a gettext-style translator: each message is written
as a literal (``_("precision of {n}-grams").format(n=n)``: the template is translated,
then filled in) so that extraction tools find it; captions are marked with :func:`N_`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import re
import sys
import threading
import unicodedata
import warnings
from typing import Any, Callable, Iterator

from ..results import TestResult

__all__ = ["CAPTIONS", "PICTURES", "Translate", "attention_svg", "beam_steps_svg", "bleu_precisions_svg",
           "bucket_padding_svg", "distillation_temperature_svg", "masked_attention_svg", "mlm_rates_svg",
           "pictures_for"]

MAX_OUTPUT_TOKENS = 40
"""Rows of an attention matrix drawn at most (the A2 grader keeps 20); more is not drawn."""
MAX_SOURCE_TOKENS = 60
"""Columns of an attention matrix drawn at most; more is not drawn."""
MAX_LABEL = 14
"""Characters of a token shown on an axis; a longer one is cut with an ellipsis."""
COLOR_LEVELS = 20
"""Steps of the colour scale: few enough that the colorbar stays vector (matplotlib
rasterises one of 50 steps or more) and small."""

MAX_COUNT = 10**9
"""The largest count (of tokens, n-grams, positions) a record may hold."""
MAX_MAGNITUDE = 1e9
"""The largest size of a number a record may hold (a loss, a penalty)."""
MAX_SENTENCES = 4
"""Sentences of the corpus under a BLEU picture."""
MAX_REFERENCES = 4
"""References per sentence under a BLEU picture."""
MAX_TEXT = 80
"""Characters of a sentence shown under a picture; a longer one is cut with an ellipsis."""
BLEU_ORDERS = 4
"""The n-gram orders of a BLEU picture: 1 to 4, as corpus BLEU's default max_n."""
MAX_RATE = 100.0
"""The largest rate an ``mlm_rates`` record may hold (an estimated selection rate of a
wrong solution can exceed 1)."""
MAX_BATCHES = 80
"""Batches drawn per batching in a padding picture (the A1 grader keeps the most padded)."""
MAX_STEPS = 14
"""Calls of a step function a beam table shows."""
MAX_BEAM = 12
"""Hypotheses per step a beam table shows."""
MAX_HYPOTHESIS_TOKENS = 14
"""Tokens of one hypothesis a beam table shows."""
MAX_TOKEN_ID = 10**6
"""The largest token id a beam table accepts."""
MAX_POINTS = 12
"""Temperatures of a distillation picture."""

YOURS = "#0969da"
"""The student's own numbers, in every picture."""
CORRECT = "#8c959f"
"""What a correct solution gives (and the crosses over blank cells)."""
INK = "#24292f"
WRONG = "#cf222e"
"""The student's numbers where they differ from a correct solution's."""

Translate = Callable[[str], str]
"""A gettext-style translator: an English message in, the reader's language out."""


def N_(message: str) -> str:
    """Marks ``message`` for extraction without translating it (gettext_noop): it is
    translated where it is shown."""
    return message


def _untranslated(message: str) -> str:
    return message


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


def _text(value: str, most: int = MAX_TEXT) -> str:
    """A sentence as shown under a picture: non-printable characters spelled out, cut to ``most``."""
    value = value[: most + 1]
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return text if len(text) <= most else text[: most - 1] + "…"


def _count(value: Any) -> int | None:
    """A whole number from 0 to MAX_COUNT (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        return None
    return value


def _real(value: Any, low: float = -MAX_MAGNITUDE, high: float = MAX_MAGNITUDE) -> float | None:
    """A finite number from ``low`` to ``high`` (not a bool) as a float, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) and low <= value <= high else None


_BAD = object()
"""What :func:`_optional` gives for a value that is neither None nor valid."""


def _optional(value: Any, parse: Callable[[Any], Any]) -> Any:
    """None for None (the student gave no answer), ``parse(value)`` when valid, else :data:`_BAD`."""
    if value is None:
        return None
    parsed = parse(value)
    return _BAD if parsed is None else parsed


def _list(value: Any, most: int, least: int = 1) -> list | None:
    """``value`` if it is a list of ``least`` to ``most`` items, else None."""
    return value if isinstance(value, list) and least <= len(value) <= most else None


def _strings(value: Any, most: int) -> list[str] | None:
    items = _list(value, most)
    return [_text(s) for s in items] if items is not None and all(isinstance(s, str) for s in items) else None


def _tokens(value: Any, most: int, least: int = 1) -> list[int] | None:
    """A list of token ids (0 to MAX_TOKEN_ID), else None."""
    items = _list(value, most, least)
    if items is None or any(isinstance(t, bool) or not isinstance(t, int) or not 0 <= t <= MAX_TOKEN_ID
                            for t in items):
        return None
    return list(items)


# -- turning a matplotlib figure into an inline <svg> ------------------------------------------


_RC = {
    "svg.fonttype": "none",          # text as <text>, not paths: small, and any script renders
    "svg.image_inline": True,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # its metrics lay the figure out; the reader's fonts draw it
    "font.size": 9,
    "axes.unicode_minus": False,
    "text.usetex": False,
    "text.parse_math": False,        # a token or a translation holding "$" stays text
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


@contextlib.contextmanager
def _figure(width: float, height: float) -> Iterator[Any]:
    """A constrained-layout ``Figure`` drawn under :data:`_RC`, one at a time, cleared after."""
    import matplotlib
    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with _lock, matplotlib.rc_context(_RC), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs DejaVu Sans lacks (Hangul, ...): the browser draws them
        fig = Figure(figsize=(width, height), layout="constrained")
        try:
            yield fig
        finally:
            fig.clear()  # not registered with pyplot: nothing else holds it


def _svg_of(fig: Any) -> str:
    """The figure as an SVG document, every artist unclipped: a clip path is a ``url(#...)``
    reference, which :func:`_checked` refuses (the drawings keep their data inside the axes)."""
    for artist in fig.findobj():
        artist.set_clip_on(False)
    text = io.StringIO()
    fig.savefig(text, format="svg", metadata={"Date": None, "Creator": None})
    return text.getvalue()


def _plain_axes(ax: Any, *keep: str) -> None:
    """Hide the spines not in ``keep`` (a chart reads better without a box)."""
    for side, spine in ax.spines.items():
        spine.set_visible(side in keep)


# -- attention (A2, A5) --------------------------------------------------------------------------


def attention_svg(record: Any, _: Translate) -> str | None:
    """The ``attention`` record (``{"source": [...], "output": [...], "weights": [[...], ...]}``)
    as a heatmap: output tokens down, source tokens across, weights 0..1 on a colour scale
    (out-of-range ones at its ends, the colorbar marked), blank cells (None) crossed out."""
    matrix = _attention_matrix(record)
    if matrix is None:
        return None
    source, output, rows = matrix
    crossed = [(r, c) for r in range(len(output)) for c in range(len(source)) if rows[r][c] is None]
    label = _("Heatmap: {rows} output tokens by {columns} source tokens; each cell is how much attention the model "
              "paid to a source token while writing an output token.").format(rows=len(output), columns=len(source))
    if crossed:
        label += " " + _("Crossed-out cells have no weight.")
    return _heatmap(rows, output, source, crossed, _("Your model's attention on a held-out date"),
                    _("source tokens (what the model reads)"), _("output tokens (what it wrote)"),
                    _("attention weight"), label)


def masked_attention_svg(record: Any, _: Translate) -> str | None:
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
    label = _("Heatmap: {rows} queries by {columns} keys; each cell is the weight a query gives a key. Crossed-out "
              "cells are masked: their weight should be exactly 0.").format(rows=len(queries), columns=len(keys))
    return _heatmap(rows, queries, keys, crossed, _("Your attention weights under the mask"), _("keys"),
                    _("queries"), _("attention weight"), label)


def _heatmap(rows: list[list[float | None]], down: list[str], across: list[str], crossed: list[tuple[int, int]],
             title: str, xlabel: str, ylabel: str, bar_label: str, label: str) -> str | None:
    """Rows of weights as a 0..1 heatmap (labels down and across), ``crossed`` cells
    crossed out, as an inline ``<svg>`` described by ``label`` (every string translated)."""
    import numpy as np
    import matplotlib
    from matplotlib.collections import LineCollection

    values = np.ma.masked_invalid(np.array([[np.nan if x is None else x for x in row] for row in rows], dtype=float))
    low, high = values.min(), values.max()
    below, above = bool(low is not np.ma.masked and low < 0), bool(high is not np.ma.masked and high > 1)
    extend = "both" if below and above else "min" if below else "max" if above else "neither"
    n_out, n_src = len(down), len(across)
    width = min(11.0, 2.4 + 0.42 * n_src)
    height = min(11.0, 1.5 + 0.3 * n_out)
    with _figure(width, height) as fig:
        ax = fig.add_subplot()
        cmap = matplotlib.colormaps["viridis"].resampled(COLOR_LEVELS)
        mesh = ax.pcolormesh(values, cmap=cmap, vmin=0.0, vmax=1.0, edgecolors="white", linewidth=0.6)
        if crossed:
            lines = [[(c + 0.2, r + 0.2), (c + 0.8, r + 0.8)] for r, c in crossed]
            lines += [[(c + 0.2, r + 0.8), (c + 0.8, r + 0.2)] for r, c in crossed]
            ax.add_collection(LineCollection(lines, colors=CORRECT, linewidths=0.8))
        ax.set_xlim(0, n_src)
        ax.set_ylim(n_out, 0)  # the first row on top
        ax.set_xticks(np.arange(n_src) + 0.5, across, rotation=45 if n_src > 4 else 0,
                      ha="right" if n_src > 4 else "center", rotation_mode="anchor")
        ax.set_yticks(np.arange(n_out) + 0.5, down)
        ax.tick_params(length=0)
        _plain_axes(ax)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        ax.set_aspect("equal")
        bar = fig.colorbar(mesh, ax=ax, extend=extend, shrink=min(1.0, max(0.5, n_out / 12)), aspect=15)
        bar.set_label(bar_label)
        bar.set_ticks([0, 0.25, 0.5, 0.75, 1])
        bar.outline.set_visible(False)
        for artist in [bar.solids, *getattr(bar, "_extend_patches", [])]:
            if artist is not None:
                artist.set_rasterized(False)
        svg = _svg_of(fig)
    return _inline(svg, label)


# -- BLEU's parts (A4) ---------------------------------------------------------------------------


def _bleu_side(side: Any, answers_may_be_missing: bool) -> tuple[list[float | None], list[str], float | None] | None:
    """(precision per order, "matches/n-grams" per order, brevity penalty) of one side of a
    ``bleu_precisions`` record; a missing answer (None) is allowed on the student's side only."""
    if not isinstance(side, dict):
        return None
    matches, totals = side.get("matches"), side.get("totals")
    if not (isinstance(matches, list) and isinstance(totals, list) and len(matches) == len(totals) == BLEU_ORDERS):
        return None
    precisions: list[float | None] = []
    counts: list[str] = []
    for m, t in zip(matches, totals):
        m, t = _optional(m, _count), _optional(t, _count)
        if m is _BAD or t is _BAD or ((m is None or t is None) and not answers_may_be_missing):
            return None
        if m is None or t is None:
            precisions.append(None)
            counts.append("?")
        else:
            precisions.append(m / t if t else 0.0)
            counts.append(f"{m}/{t}")
    penalty = _optional(side.get("brevity_penalty"), _real)
    if penalty is _BAD or (penalty is None and not answers_may_be_missing):
        return None
    return precisions, counts, penalty


def _bleu_record(record: Any) -> tuple[tuple, tuple, list[str], list[list[str]]] | None:
    """(the student's side, sacrebleu's side, hypotheses, references per hypothesis) of a
    ``bleu_precisions`` record, or None."""
    if not isinstance(record, dict):
        return None
    yours, oracle = _bleu_side(record.get("yours"), True), _bleu_side(record.get("sacrebleu"), False)
    hypotheses = _strings(record.get("hypotheses"), MAX_SENTENCES)
    references = _list(record.get("references"), MAX_SENTENCES)
    if yours is None or oracle is None or hypotheses is None or references is None:
        return None
    refs = [_strings(r, MAX_REFERENCES) for r in references]
    if len(refs) != len(hypotheses) or any(r is None for r in refs):
        return None
    return yours, oracle, hypotheses, refs  # type: ignore[return-value]


def _differs(mine: float | None, right: float) -> bool:
    return mine is None or abs(mine - right) > 1e-6


def bleu_precisions_svg(record: Any, _: Translate) -> str | None:
    """The ``bleu_precisions`` record as grouped bars: the corpus's clipped precision of each
    order 1..4 and its brevity penalty, from the student's ``modified_precision`` and
    ``brevity_penalty`` beside sacrebleu's, "matches/n-grams" above each precision, the
    student's label red where it differs; the corpus written underneath.

    The record: ``{"hypotheses": [str], "references": [[str]] (per hypothesis), "yours":
    {"matches": [4 ints or None], "totals": [...], "brevity_penalty": float or None},
    "sacrebleu": {the same, no None}}``."""
    parsed = _bleu_record(record)
    if parsed is None:
        return None
    (mine, mine_counts, mine_penalty), (right, right_counts, right_penalty), hypotheses, references = parsed
    groups = [_("{n}-gram precision").format(n=n) for n in range(1, BLEU_ORDERS + 1)] + [_("brevity penalty")]
    values = [[*mine, mine_penalty], [*right, right_penalty]]
    texts = [[*mine_counts, "?" if mine_penalty is None else f"{mine_penalty:.3f}"],
             [*right_counts, f"{right_penalty:.3f}"]]
    wrong = [_differs(a, b) for a, b in zip(values[0], values[1])]  # type: ignore[arg-type]
    corpus = []
    for number, (hypothesis, refs) in enumerate(zip(hypotheses, references), start=1):
        corpus.append(_("sentence {number}: “{hypothesis}”").format(number=number, hypothesis=hypothesis))
        quoted = " | ".join(f"“{r}”" for r in refs)
        corpus.append("    " + _("its references: {references}").format(references=quoted))
    label = _("Bar chart: the clipped precision of 1- to 4-grams and the brevity penalty of a small corpus, from "
              "your modified_precision and brevity_penalty beside sacrebleu's.")
    if any(wrong):
        label += " " + _("Yours differ in: {parts}.").format(parts=", ".join(g for g, w in zip(groups, wrong) if w))
    else:
        label += " " + _("Yours equal sacrebleu's everywhere.")
    return _grouped_bars(groups, values, texts, wrong, [_("yours"), _("sacrebleu (correct)")], corpus,
                         _("Your n-gram precisions and brevity penalty beside sacrebleu's"), label)


def _grouped_bars(groups: list[str], values: list[list[float | None]], texts: list[list[str]], wrong: list[bool],
                  names: list[str], notes: list[str], title: str, label: str) -> str | None:
    """Two bars per group (the student's first), each labelled with its text, the student's
    red where ``wrong``; ``notes`` as lines of small text under the chart."""
    import numpy as np

    numbers = [v for side in values for v in side if v is not None]
    top = min(max([1.0, *numbers]) * 1.2, 2.4)
    bottom = max(min([0.0, *numbers]) * 1.2, -1.2)
    with _figure(7.6, 3.3 + 0.17 * len(notes)) as fig:
        grid = fig.add_gridspec(2, 1, height_ratios=[3.0, 0.17 * len(notes) + 0.05])
        ax, below = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
        x = np.arange(len(groups))
        for side, (offset, colour) in enumerate(((-0.2, YOURS), (0.2, CORRECT))):
            heights = [0.0 if v is None else min(max(v, bottom), top) for v in values[side]]
            ax.bar(x + offset, heights, width=0.38, color=colour, label=names[side])
            for i, (height, text) in enumerate(zip(heights, texts[side])):
                red = side == 0 and wrong[i]
                ax.text(x[i] + offset, max(height, 0.0) + 0.02 * (top - bottom), text, ha="center", va="bottom",
                        fontsize=7, color=WRONG if red else INK, fontweight="bold" if red else "normal")
        ax.axhline(0.0, color=INK, linewidth=0.8)
        ax.set_ylim(bottom, top)
        ax.set_xticks(x, groups)
        ax.tick_params(axis="x", length=0)
        ax.grid(axis="y", color="#eaeef2", linewidth=0.6)
        ax.set_axisbelow(True)
        _plain_axes(ax, "left")
        ax.legend(ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
        fig.suptitle(title, fontsize=10)
        below.axis("off")
        below.text(0.0, 1.0, "\n".join(notes), ha="left", va="top", fontsize=7.5, color=INK, linespacing=1.5,
                   transform=below.transAxes)
        svg = _svg_of(fig)
    return _inline(svg, label)


# -- masked-LM rates (A6) ------------------------------------------------------------------------


MLM_KINDS = ("selected", "mask", "random", "kept")
"""The rates of an ``mlm_rates`` record, in the order they are drawn."""


def _mlm_rates(record: Any) -> list[dict[str, Any]] | None:
    """The rates of an ``mlm_rates`` record in :data:`MLM_KINDS` order, or None unless each
    is ``{"kind", "observed", "low", "high", "target", "n"}`` with low <= high and no kind twice."""
    rates = _list(record.get("rates"), len(MLM_KINDS)) if isinstance(record, dict) else None
    if rates is None or not all(isinstance(rate, dict) for rate in rates):
        return None
    parsed = {}
    for rate in rates:
        kind = rate.get("kind")
        values = {key: _real(rate.get(key), 0.0, MAX_RATE) for key in ("observed", "low", "high")}
        target, n = _real(rate.get("target"), 0.0, 1.0), _count(rate.get("n"))
        if kind not in MLM_KINDS or kind in parsed or None in values.values() or target is None or n is None:
            return None
        if values["low"] > values["high"]:
            return None
        parsed[kind] = {"kind": kind, **values, "target": target, "n": n}
    return [parsed[kind] for kind in MLM_KINDS if kind in parsed]


def _percent(value: float) -> str:
    return f"{value:.2%}"


def mlm_rates_svg(record: Any, _: Translate) -> str | None:
    """The ``mlm_rates`` record as one row per rate (selection, [MASK], random id, kept):
    the student's observed rate as a dot (red outside the range), the range a correct
    solution falls in as a band, the target as a dashed line; each row on its own scale.

    The record: ``{"rates": [{"kind": "selected" | "mask" | "random" | "kept", "observed",
    "low", "high": rates, "target": the rule's rate, "n": positions counted}]}``."""
    rates = _mlm_rates(record)
    if rates is None:
        return None
    from matplotlib.lines import Line2D
    from matplotlib.ticker import PercentFormatter

    names = {"selected": _("selected, of the non-special tokens"), "mask": _("[MASK], of the selected tokens"),
             "random": _("a random id, of the selected tokens"), "kept": _("kept, of the selected tokens")}
    outside = [names[r["kind"]] for r in rates if not r["low"] <= r["observed"] <= r["high"]]
    label = _("Your masked-LM corruption: for each rate, the rate your mask_tokens gave, the range a correct "
              "solution falls in and the target.")
    if outside:
        label += " " + _("Outside the range: {rates}.").format(rates=", ".join(outside))
    with _figure(7.2, 1.0 + 0.95 * len(rates)) as fig:
        axes = fig.subplots(len(rates), 1, squeeze=False)[:, 0]
        for ax, rate in zip(axes, rates):
            inside = rate["low"] <= rate["observed"] <= rate["high"]
            ends = [rate["low"], rate["high"], rate["target"], rate["observed"]]
            pad = max((max(ends) - min(ends)) * 0.2, 0.002)
            ax.set_xlim(max(0.0, min(ends) - pad), max(ends) + pad)
            ax.set_ylim(-1, 1)
            ax.plot([rate["low"], rate["high"]], [0, 0], color="#d0d7de", linewidth=9, solid_capstyle="butt")
            ax.axvline(rate["target"], color=INK, linestyle=(0, (3, 2)), linewidth=1.2)
            ax.plot([rate["observed"]], [0], marker="o", markersize=8, linestyle="none",
                    color=YOURS if inside else WRONG)
            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
            ax.set_yticks([])
            ax.tick_params(axis="x", labelsize=8)
            _plain_axes(ax, "bottom")
            ax.set_title(names[rate["kind"]], loc="left", fontsize=9)
            ax.set_title(_("yours {observed}; a correct one gives {low} to {high}").format(
                observed=_percent(rate["observed"]), low=_percent(rate["low"]), high=_percent(rate["high"])),
                loc="right", fontsize=8, color=INK if inside else WRONG)
        handles = [Line2D([], [], marker="o", markersize=7, linestyle="none", color=YOURS),
                   Line2D([], [], color="#d0d7de", linewidth=7),
                   Line2D([], [], color=INK, linestyle=(0, (3, 2)), linewidth=1.2)]
        fig.legend(handles, [_("your rate"), _("where a correct solution lands"), _("the target rate")],
                   loc="outside lower center", ncols=3, frameon=False, fontsize=8)
        fig.suptitle(_("The rates of your masked-LM corruption"), fontsize=10)
        svg = _svg_of(fig)
    return _inline(svg, label)


# -- padding with and without bucketing (A1) --------------------------------------------------------


PADDING_KINDS = ("yours", "random", "in_order")
"""The batchings of a ``bucket_padding`` record: the student's, random batches and batches
in corpus order (both of batch_size)."""


def _batching(value: Any) -> dict[str, Any] | None:
    """``{"pads": [padding tokens of each batch], "batches", "padding", "cells"}`` with the
    padding no more than the cells, or None."""
    if not isinstance(value, dict):
        return None
    pads = _list(value.get("pads"), MAX_BATCHES)
    numbers = {key: _count(value.get(key)) for key in ("batches", "padding", "cells")}
    if pads is None or None in numbers.values() or any(_count(p) is None for p in pads):
        return None
    if not (len(pads) <= numbers["batches"] and 0 < numbers["cells"] and numbers["padding"] <= numbers["cells"]):
        return None
    return {"pads": sorted(pads, reverse=True), **numbers}


def _padding_record(record: Any) -> tuple[dict[str, int], dict[str, dict[str, Any]]] | None:
    """(``{"samples", "batch_size", "max_pad_len"}``, the batchings by kind) of a
    ``bucket_padding`` record, or None."""
    if not isinstance(record, dict) or not isinstance(record.get("batchings"), dict):
        return None
    sizes = {key: _count(record.get(key)) for key in ("samples", "batch_size", "max_pad_len")}
    batchings = {kind: _batching(record["batchings"].get(kind)) for kind in PADDING_KINDS}
    if None in sizes.values() or None in batchings.values() or not sizes["samples"] or not sizes["batch_size"]:
        return None
    return sizes, batchings  # type: ignore[return-value]


def bucket_padding_svg(record: Any, _: Translate) -> str | None:
    """The ``bucket_padding`` record as two charts: each batch's padding tokens, most padded
    first, for the student's batches beside random ones of batch_size; and the share of the
    padded batch tensors that is padding for the student's batches, random ones and ones in
    corpus order.

    The record: ``{"samples", "batch_size", "max_pad_len": ints, "batchings": {"yours" |
    "random" | "in_order": {"pads": [ints], "batches", "padding", "cells": ints}}}``."""
    parsed = _padding_record(record)
    if parsed is None:
        return None
    import numpy as np

    sizes, batchings = parsed
    names = {"yours": _("your batches"), "random": _("random batches"), "in_order": _("batches in corpus order")}
    shares = {kind: b["padding"] / b["cells"] for kind, b in batchings.items()}
    label = _("Bar charts of padding: your bucketed batches need {yours} padding, random batches of the same size "
              "{random}, batches in corpus order {in_order}.").format(
        **{kind: f"{share:.0%}" for kind, share in shares.items()})
    most = max(len(batchings["yours"]["pads"]), len(batchings["random"]["pads"]), 1)
    with _figure(9.0, 3.4) as fig:
        left, right = fig.subplots(1, 2, width_ratios=[1.7, 1.0])
        for kind, offset, colour in (("yours", -0.2, YOURS), ("random", 0.2, CORRECT)):
            pads = batchings[kind]["pads"]
            left.bar(np.arange(len(pads)) + offset, pads, width=0.4, color=colour,
                     label=_("{batching}: {count} batches").format(batching=names[kind],
                                                                    count=batchings[kind]["batches"]))
        left.set_xlim(-0.8, most - 0.2)
        left.set_xticks([])
        left.set_xlabel(_("batches, most padded first"))
        left.set_ylabel(_("padding tokens (source + target)"))
        left.set_title(_("Padding in each batch"), fontsize=9)
        left.legend(frameon=False, fontsize=8)
        _plain_axes(left, "left", "bottom")
        kinds = list(PADDING_KINDS)
        rows = np.arange(len(kinds))[::-1]  # yours on top
        values = [shares[kind] for kind in kinds]
        right.barh(rows, values, color=[YOURS, CORRECT, CORRECT], height=0.6)
        for row, kind in zip(rows, kinds):
            right.text(shares[kind], row, " " + _("{share} ({padding} of {cells} tokens)").format(
                share=f"{shares[kind]:.1%}", padding=batchings[kind]["padding"], cells=batchings[kind]["cells"]),
                va="center", ha="left", fontsize=7.5, color=INK)
        right.set_xlim(0, max(max(values), 0.01) * 2.1)
        right.set_yticks(rows, [names[kind] for kind in kinds])
        right.set_xticks([])
        right.tick_params(axis="y", length=0)
        right.set_title(_("Share of the batch tensors that is padding"), fontsize=9)
        _plain_axes(right, "left")
        fig.suptitle(_("Padding with your bucketing and without: {samples} samples, batch_size {batch_size}, "
                       "max_pad_len {max_pad_len}").format(**sizes), fontsize=10)
        svg = _svg_of(fig)
    return _inline(svg, label)


# -- beam search step by step (A3) ------------------------------------------------------------------


CHAR_INCHES = 0.072
"""About the width of one character at the table's 8 pt (DejaVu Sans), to size its columns;
a wide one (Hangul, CJK) counts twice."""
LINE_INCHES = 0.2
"""The height of one line of the table."""


def _columns(line: str) -> int:
    """The width of ``line`` in narrow characters: a wide one (Hangul, CJK) counts as two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _hypotheses(value: Any) -> list[tuple[list[int], float]] | None:
    """``[{"tokens": [ints], "logprob": float}]`` as (tokens, logprob) pairs, or None."""
    items = _list(value, MAX_BEAM, least=0)
    if items is None or not all(isinstance(h, dict) for h in items):
        return None
    parsed = [(_tokens(h.get("tokens"), MAX_HYPOTHESIS_TOKENS, least=0), _real(h.get("logprob"))) for h in items]
    return None if any(t is None or lp is None for t, lp in parsed) else parsed  # type: ignore[return-value]


def _beam_record(record: Any) -> dict[str, Any] | None:
    """A ``beam_steps`` record with its steps and returned hypotheses parsed, or None."""
    if not isinstance(record, dict):
        return None
    numbers = {key: _count(record.get(key)) for key in ("sos", "eos", "beam_size", "max_len")}
    steps = _list(record.get("steps"), MAX_STEPS)
    returned = record.get("returned")
    if None in numbers.values() or steps is None or not isinstance(returned, dict):
        return None
    parsed_steps = []
    for step in steps:
        if not isinstance(step, dict):
            return None
        fed, live = _optional(step.get("yours"), lambda v: _tokens(v, MAX_BEAM)), _optional(step.get("correct"),
                                                                                              _hypotheses)
        if fed is _BAD or live is _BAD:
            return None
        parsed_steps.append((fed, live))
    yours, correct = _optional(returned.get("yours"), _hypotheses), _hypotheses(returned.get("correct"))
    if yours is _BAD or correct is None:
        return None
    return {**numbers, "steps": parsed_steps, "yours": yours, "correct": correct}


def beam_steps_svg(record: Any, _: Translate) -> str | None:
    """The ``beam_steps`` record as a table: per call of the step function, the last tokens
    the student's beam search fed it beside those a correct beam feeds and that beam's live
    hypotheses (logprob), a wrong row in red; then the hypotheses returned, both sides.

    The record: ``{"sos", "eos", "beam_size", "max_len": ints, "steps": [{"yours": [last
    tokens] or None (no such call), "correct": [{"tokens": [prefix], "logprob"}] or None}],
    "returned": {"yours": [{"tokens", "logprob"}] or None, "correct": [...]}}``."""
    beam = _beam_record(record)
    if beam is None:
        return None
    sos, eos = beam["sos"], beam["eos"]

    def token(t: int) -> str:
        return "<sos>" if t == sos else "<eos>" if t == eos else str(t)

    def hypothesis(tokens: list[int], logprob: float, start: bool) -> str:
        return " ".join(([token(sos)] if start else []) + [token(t) for t in tokens]) + f"   ({logprob:.3f})"

    rows: list[tuple[list[str], bool]] = []  # (cells, wrong)
    first_wrong = None
    for number, (fed, live) in enumerate(beam["steps"], start=1):
        feeds = None if live is None else sorted(tokens[-1] if tokens else sos for tokens, _lp in live)
        wrong = fed is None or feeds is None or sorted(fed) != feeds
        if wrong and first_wrong is None:
            first_wrong = number
        rows.append(([f"{number}  {'✗' if wrong else '✓'}",
                      _("no call") if fed is None else ", ".join(token(t) for t in sorted(fed)),
                      _("no call") if feeds is None else ", ".join(token(t) for t in feeds),
                      "\n".join(hypothesis(tokens, lp, True) for tokens, lp in live or [])], wrong))
    yours_returned = beam["yours"]
    returned_wrong = yours_returned is None or ({tuple(t) for t, _lp in yours_returned}
                                                != {tuple(t) for t, _lp in beam["correct"]})
    yours_text = _("nothing readable") if yours_returned is None else (
        "\n".join(hypothesis(t, lp, False) for t, lp in yours_returned) or _("nothing"))
    correct_text = "\n".join(hypothesis(t, lp, False) for t, lp in beam["correct"]) or _("nothing")
    header = [_("call"), _("your search fed step"), _("a correct beam feeds"),
              _("the correct beam's live hypotheses (logprob)")]
    footer = ["", _("you returned"), _("a correct beam returns"), ""]
    label = _("Table: at each call of the step function, the last tokens your beam_search fed it beside those a "
              "correct beam search feeds; then the hypotheses returned.")
    if first_wrong is not None:
        label += " " + _("Your search first differs at call {number}.").format(number=first_wrong)
    elif returned_wrong:
        label += " " + _("Your search returns other hypotheses.")
    title = _("What your beam search kept at each step (beam_size {beam_size}, max_len {max_len})").format(
        beam_size=beam["beam_size"], max_len=beam["max_len"])
    return _table(header, rows, footer, (["", yours_text, correct_text, ""], returned_wrong), title, label)


def _table(header: list[str], rows: list[tuple[list[str], bool]], footer: list[str],
           last: tuple[list[str], bool], title: str, label: str) -> str | None:
    """A text table drawn with matplotlib: a header, rows (red where wrong), a second header
    and one last row whose third cell may run on into the fourth column."""
    def width(cell: str) -> int:
        return max((_columns(line) for line in cell.split("\n")), default=0)

    widths = [max(width(cells[column]) for cells, _wrong in [(header, False), *rows, (footer, False)])
              for column in range(4)]
    widths[2] = max(widths[2], width(last[0][2]) - widths[3])
    widths[1] = max(widths[1], width(last[0][1]))
    starts = [0.1]
    for width in widths[:-1]:
        starts.append(starts[-1] + width * CHAR_INCHES + 0.3)
    total_width = starts[-1] + widths[-1] * CHAR_INCHES + 0.2
    sections = [(header, False, True), *[(cells, wrong, False) for cells, wrong in rows], (footer, False, True),
                (*last, False)]
    heights = [max(cell.count("\n") + 1 for cell in cells) * LINE_INCHES + 0.08 for cells, _w, _h in sections]
    total_height = sum(heights) + 0.1
    with _figure(min(total_width, 16.0), total_height + 0.45) as fig:
        ax = fig.add_subplot()
        ax.set_xlim(0, total_width)
        ax.set_ylim(total_height, 0)
        ax.axis("off")
        y = 0.05
        for (cells, wrong, heading), height in zip(sections, heights):
            if heading:
                ax.plot([0, total_width], [y + height, y + height], color=INK, linewidth=0.7)
            for start, cell in zip(starts, cells):
                ax.text(start, y + 0.04, cell, ha="left", va="top", fontsize=8, linespacing=1.45,
                        color=WRONG if wrong else INK, fontweight="bold" if heading else "normal")
            y += height
        fig.suptitle(title, fontsize=10)
        svg = _svg_of(fig)
    return _inline(svg, label)


# -- the distillation loss against the temperature (A7) -------------------------------------------


def _temperature_record(record: Any) -> dict[str, Any] | None:
    """A ``distillation_temperature`` record with its curves checked, or None: increasing
    positive temperatures, one correct value and one KL-alone value per temperature, and
    one of the student's per temperature (None where there was no number)."""
    if not isinstance(record, dict):
        return None
    temperatures = _list(record.get("temperatures"), MAX_POINTS, least=2)
    alpha = _real(record.get("alpha"), 0.0, 1.0)
    if temperatures is None or alpha is None:
        return None
    ts = [_real(t, 1e-3, 1e3) for t in temperatures]
    if None in ts or any(a >= b for a, b in zip(ts, ts[1:])):  # type: ignore[operator]
        return None
    curves = {}
    for key in ("correct", "kl_only", "yours"):
        values = _list(record.get(key), len(ts), least=len(ts))
        if values is None:
            return None
        parsed = [_optional(v, _real) for v in values] if key == "yours" else [_real(v) for v in values]
        if any(v is _BAD for v in parsed) or (key != "yours" and None in parsed):
            return None
        curves[key] = parsed
    return {"alpha": alpha, "temperatures": ts, **curves}


def distillation_temperature_svg(record: Any, _: Translate) -> str | None:
    """The ``distillation_temperature`` record as curves against the temperature (log
    scale): the student's loss, the correct T² × KL, and the KL alone, which shrinks about
    like 1/T²; the student's points red where they differ from the correct ones.

    The record: ``{"alpha": float, "temperatures": [floats], "yours": [float or None],
    "correct": [floats], "kl_only": [floats]}``."""
    curve = _temperature_record(record)
    if curve is None:
        return None
    ts, correct, kl_only = curve["temperatures"], curve["correct"], curve["kl_only"]
    known = [(t, y, c) for t, y, c in zip(ts, curve["yours"], correct) if y is not None]
    wrong = [abs(y - c) > 1e-3 * max(1.0, abs(c)) for _t, y, c in known]
    low, high = min([0.0, *correct, *kl_only]), max([*correct, *kl_only])
    span = max(high - low, 1e-6)
    bottom, top = low - 0.08 * span, high + 0.15 * span
    bottom = min(bottom, max(min((y for _t, y, _c in known), default=bottom), low - 3 * span))
    top = max(top, min(max((y for _t, y, _c in known), default=top), high + 3 * span))
    label = _("Line chart: the loss your distillation_loss returns with alpha = {alpha} at temperatures {first} to "
              "{last}, beside the correct T² × KL and the KL alone.").format(
        alpha=f"{curve['alpha']:g}", first=f"{ts[0]:g}", last=f"{ts[-1]:g}")
    if any(wrong):
        label += " " + _("Yours differ at T = {temperatures}.").format(
            temperatures=", ".join(f"{t:g}" for (t, _y, _c), w in zip(known, wrong) if w))
    with _figure(6.4, 3.4) as fig:
        ax = fig.add_subplot()
        ax.set_xscale("log", base=2)
        ax.plot(ts, kl_only, linestyle=":", marker="s", markersize=4, color=CORRECT,
                label=_("the KL alone (without T²)"))
        ax.plot(ts, correct, linestyle="-", marker="o", markersize=4, color=INK, label=_("correct: T² × KL"))
        if known:
            xs = [t for t, _y, _c in known]
            ys = [min(max(y, bottom), top) for _t, y, _c in known]
            ax.plot(xs, ys, linestyle="-", linewidth=1.6, color=YOURS, alpha=0.85, label=_("your distillation_loss"))
            for marker, keep in (("o", lambda y: bottom < y < top), ("^", lambda y: y >= top),
                                 ("v", lambda y: y <= bottom)):  # a triangle: beyond the chart's edge
                points = [(x, y, w) for x, y, w in zip(xs, ys, wrong) if keep(y)]
                if points:
                    ax.scatter([x for x, _y, _w in points], [y for _x, y, _w in points], s=30, zorder=3,
                               marker=marker, color=[WRONG if w else YOURS for _x, _y, w in points])
        ax.set_ylim(bottom, top)
        ax.set_xlim(ts[0] / 1.3, ts[-1] * 1.3)
        ax.set_xticks(ts, [f"{t:g}" for t in ts])
        ax.minorticks_off()
        ax.grid(color="#eaeef2", linewidth=0.6)
        ax.set_axisbelow(True)
        _plain_axes(ax, "left", "bottom")
        ax.set_xlabel(_("temperature T"))
        ax.set_ylabel(_("loss at alpha = {alpha}").format(alpha=f"{curve['alpha']:g}"))
        ax.legend(frameon=False, fontsize=8)
        ax.set_title(_("Your distillation loss as the temperature grows"), fontsize=10)
        svg = _svg_of(fig)
    return _inline(svg, label)


# -- the registry ----------------------------------------------------------------------------------


PICTURES: dict[str, Callable[[Any, Translate], str | None]] = {
    "attention": attention_svg,
    "masked_attention": masked_attention_svg,
    "bucket_padding": bucket_padding_svg,
    "beam_steps": beam_steps_svg,
    "bleu_precisions": bleu_precisions_svg,
    "mlm_rates": mlm_rates_svg,
    "distillation_temperature": distillation_temperature_svg,
}
"""A test's record name -> a function drawing it (with a translator) as an inline ``<svg>``
(None: not drawable)."""

CAPTIONS: dict[str, str] = {
    "attention": N_("Each row is a token your model wrote for a date it never saw in training, each column a word "
                    "of that date; the brighter a cell, the more attention the model paid to that word while "
                    "writing that token. A model that learned to align looks at the day, month and year words "
                    "in turn. A crossed-out cell, if any, had no weight recorded."),
    "masked_attention": N_("Your weights for the batch row and head of this check that the mask hides most of: each "
                           "row a query, each column a key. The mask forbids the crossed-out cells, so they must be "
                           "exactly 0 (the darkest colour), and each row's other weights sum to 1."),
    "bucket_padding": N_("The padding your bucketed_batch_indices leaves on the lengths of this check, beside random "
                         "batches and batches in corpus order of the same batch_size: on the left, the padding "
                         "tokens each batch needs (source and target padded to the batch's longest), most padded "
                         "first; on the right, the share of all the padded batch tensors that is padding. Grouping "
                         "similar lengths is what makes bucketed batches cheap."),
    "beam_steps": N_("Each row is one call of the step function: the last token of each live hypothesis your "
                     "beam_search fed it, beside what a correct beam search feeds and that beam's live hypotheses "
                     "with their log-probabilities. A red row is a call where your search fed step other tokens "
                     "than a correct one; the last rows compare the hypotheses returned (<eos> ends a finished "
                     "one)."),
    "bleu_precisions": N_("On the small corpus written under the chart: the clipped precision of each n-gram order "
                          "(clipped matches summed over the sentences, divided by the n-grams summed; the counts "
                          "are above the bars) and the brevity penalty of the summed lengths, from your "
                          "modified_precision and brevity_penalty beside sacrebleu's. A red label is where yours "
                          "differ."),
    "mlm_rates": N_("How your mask_tokens corrupted the batches of this check. Selected: the share of non-special "
                    "tokens that changed at mlm_probability 0.15, divided by the share that changes when every "
                    "token is selected. [MASK], random id and kept: the shares of the selected tokens at "
                    "mlm_probability 1.0. The dashed line is the target (15%, then 80/10/10), the grey band where "
                    "a correct solution lands but for a chance in a million; a red dot is outside it."),
    "distillation_temperature": N_("Your distillation_loss on one fixed batch with alpha = 1 (the soft term only), "
                                   "at temperatures from 0.5 to 16, beside the correct T² × KL(teacher ‖ student). "
                                   "Softening both distributions by T shrinks their KL about like 1/T² (the dotted "
                                   "line); the factor T² keeps the soft term, and its gradients, the same size at "
                                   "every temperature. A red point differs from the correct value."),
}
"""What a picture shows, in a sentence or three for its ``<figcaption>`` (translated where
it is shown)."""


def pictures_for(test: TestResult, _: Translate = _untranslated) -> list[tuple[str, str]]:
    """(caption, inline ``<svg>``) for every record of ``test`` that :data:`PICTURES` can
    draw, in the registry's order, in the language of ``_``. Never raises: a record that
    cannot be drawn is skipped."""
    data = getattr(test, "data", None)
    if not isinstance(data, dict):
        return []
    pictures = []
    for name, draw in PICTURES.items():
        if name not in data:
            continue
        try:
            svg = draw(data[name], _)
            caption = _(CAPTIONS[name]) if CAPTIONS.get(name) else ""  # gettext("") is the catalogue's header
        except Exception:  # noqa: BLE001 - a picture is a decoration: never break a report for one
            continue
        if isinstance(svg, str) and svg.startswith("<svg") and _checked(svg) and isinstance(caption, str):
            pictures.append((caption, _scoped(svg, str(getattr(test, "test", "")), name)))
    return pictures
