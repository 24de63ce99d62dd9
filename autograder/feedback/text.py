"""Evidence as plain text: what ``output`` says for a failed check.

One function per record, so each renderer (terminal, Gradescope, HTML) builds its words
from the same data, in the reader's language (:mod:`autograder.i18n`).
"""

from __future__ import annotations

from ..i18n import Translator, english
from ..results import PRINTED, Evidence, TestResult


def evidence_text(evidence: Evidence, tr: Translator | None = None) -> str:
    tr = tr or english()
    observed, expected = tr.value(evidence.observed), tr.value(evidence.expected)
    lines = []
    if evidence.call and evidence.observed and evidence.says == "returned":
        if evidence.expected:
            lines.append(tr("{call} returned {observed}, expected {expected}.").format(
                call=evidence.call, observed=observed, expected=expected))
        else:
            lines.append(tr("{call} returned {observed}.").format(call=evidence.call, observed=observed))
    elif evidence.call and evidence.observed:
        says = tr.value(evidence.says)
        if evidence.expected:
            lines.append(tr("{call} {says} {observed}, expected {expected}.").format(
                call=evidence.call, says=says, observed=observed, expected=expected))
        else:
            lines.append(tr("{call} {says} {observed}.").format(call=evidence.call, says=says, observed=observed))
    elif evidence.observed:
        if evidence.expected:
            lines.append(tr("Observed {observed}; expected {expected}.").format(observed=observed, expected=expected))
        else:
            lines.append(tr("Observed {observed}.").format(observed=observed))
    lines.append(tr("The rule: {rule}").format(rule=tr.text(evidence.rule)))
    if evidence.diagnosis is not None:
        lines.append(tr("This is a known mistake: {hint}").format(hint=tr.text(evidence.diagnosis.hint)))
    lines.extend(tr.text(note) for note in evidence.notes)
    return "\n".join(lines)


def test_text(test: TestResult, tr: Translator | None = None) -> str:
    """What a failed test says, in the reader's language: made again from its evidence
    where it has some (the stored text is that evidence in English, then what the
    student's code printed), else its stored output translated."""
    tr = tr or english()
    if tr.english or test.evidence is None:
        return output_text(test.output, tr)
    printed = printed_text(test)
    text = evidence_text(test.evidence, tr)
    return text + ("\n\n" + tr("Your code printed:") + "\n" + printed if printed else "")


def printed_text(test: TestResult) -> str:
    """What the student's code printed, from the end of a failed check's output (where
    attempts graded before notes came first may have notes after it: those are left out,
    the evidence holds them)."""
    if test.evidence is None or PRINTED not in test.output:
        return ""
    printed = test.output.split(PRINTED, 1)[1]
    for note in test.evidence.notes:
        if printed.endswith("\n" + note):
            printed = printed[: -len(note) - 1]
    return printed.rstrip()


def output_text(output: str, tr: Translator | None = None) -> str:
    """A stored output (a test's, or the attempt's) in the reader's language: its messages
    translated, what the student's code printed left exactly as it was printed."""
    tr = tr or english()
    if tr.english or not output:
        return output
    head, marker, printed = output.partition(PRINTED)
    text = tr.text(head.rstrip("\n")) if head.strip() else ""
    if not marker:
        return text
    return (text + "\n\n" if text else "") + tr("Your code printed:") + "\n" + printed


def visibility_text(visibility: str, tr: Translator | None = None) -> str:
    """Who may see a check, in the reader's language (instructors' views mark withheld ones)."""
    tr = tr or english()
    words = {"hidden": tr("hidden"), "after_due_date": tr("shown after the due date"),
             "after_published": tr("shown once grading is published")}
    return words.get(visibility, visibility.replace("_", " "))
