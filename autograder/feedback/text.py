"""Evidence in plain English text: what ``output`` says for a failed check.

One function per record, so each renderer (terminal, Gradescope, later HTML and Korean)
builds its words from the same data.
"""

from __future__ import annotations

from ..results import Evidence


def evidence_text(evidence: Evidence) -> str:
    lines = []
    if evidence.call and evidence.observed:
        expected = f", expected {evidence.expected}" if evidence.expected else ""
        lines.append(f"{evidence.call} {evidence.says} {evidence.observed}{expected}.")
    elif evidence.observed:
        expected = f"; expected {evidence.expected}" if evidence.expected else ""
        lines.append(f"Observed {evidence.observed}{expected}.")
    lines.append(f"The rule: {evidence.rule}")
    if evidence.diagnosis is not None:
        lines.append(f"This is a known mistake: {evidence.diagnosis.hint}")
    lines.extend(evidence.notes)
    return "\n".join(lines)
