"""Late work: the policy's arithmetic, its validation, extensions, submission times from
manifests and file dates, and the penalty recorded on a result."""

import datetime as dt
import os
import zipfile
from pathlib import Path

import pytest

from autograder import late
from autograder.i18n import Catalogue, Translator
from autograder.late import LateError, LatePolicy, parse_time, penalty
from autograder.messages import prose
from autograder.results import GradeResult
from autograder.spec import Assignment, SpecError

UTC = dt.timezone.utc
DUE = dt.datetime(2027, 3, 1, 23, 59, tzinfo=UTC)


def policy(**fields):
    return LatePolicy.from_mapping(fields, where="assignment.yaml: late_policy")


def after(**delta):
    return DUE + dt.timedelta(**delta)


# --------------------------------------------------------------------------- arithmetic


def test_on_time_costs_nothing():
    found = penalty(policy(penalty="10%"), DUE, DUE)
    assert (found.fraction, found.days_late, found.kind) == (0.0, 0.0, late.ON_TIME)


def test_every_started_day_counts_whole():
    rule = policy(penalty="10%")
    assert penalty(rule, DUE, after(minutes=1)).fraction == pytest.approx(0.1)
    assert penalty(rule, DUE, after(days=1)).units == 1
    found = penalty(rule, DUE, after(days=1, minutes=1))
    assert (found.units, found.fraction, found.reason) == (2, pytest.approx(0.2), "late by 2 days")
    assert found.days_late == pytest.approx(1.0, abs=0.01)


def test_per_hour_and_a_fraction():
    rule = policy(penalty=0.02, per="hour")
    found = penalty(rule, DUE, after(minutes=90))
    assert (found.units, found.per, found.fraction) == (2, "hour", pytest.approx(0.04))


def test_the_grace_period_forgives_but_does_not_move_the_due_date():
    rule = policy(penalty="10%", grace="15m")
    assert penalty(rule, DUE, after(minutes=15)).kind == late.GRACE
    assert penalty(rule, DUE, after(minutes=15)).fraction == 0
    found = penalty(rule, DUE, after(minutes=16))
    assert (found.kind, found.units, found.fraction) == (late.LATE, 1, pytest.approx(0.1))
    assert penalty(policy(penalty="10%", grace="2h"), DUE, after(hours=2, seconds=1)).units == 1


def test_the_cap_limits_the_total():
    found = penalty(policy(penalty="10%", cap="30%"), DUE, after(days=7))
    assert found.fraction == pytest.approx(0.3)
    assert found.reason == "late by 7 days (capped at 30%)"
    assert penalty(policy(penalty="10%", cap="30%"), DUE, after(days=2)).reason == "late by 2 days"


def test_no_credit_after_the_hard_deadline():
    rule = policy(penalty="10%", until="2027-03-03T23:59Z")
    assert penalty(rule, DUE, after(days=2)).fraction == pytest.approx(0.2)
    found = penalty(rule, DUE, after(days=2, seconds=1))
    assert (found.fraction, found.kind) == (1.0, late.CLOSED)


def test_an_extension_moves_the_due_date_and_the_hard_deadline():
    rule = policy(penalty="10%", until="2027-03-03T23:59Z")
    new_due = after(days=3)
    moved, due = late.extended(rule, DUE, new_due)
    assert due == new_due and moved.until == after(days=5)
    assert penalty(moved, due, after(days=3)).fraction == 0
    assert penalty(moved, due, after(days=4)).fraction == pytest.approx(0.1)
    assert penalty(moved, due, after(days=5, seconds=1)).kind == late.CLOSED
    assert late.extended(rule, DUE, None) == (rule, DUE)


def test_times_without_an_offset_are_read_in_the_policys_zone():
    seoul = policy(timezone="Asia/Seoul").zone
    assert parse_time("2027-03-01T23:59", seoul) == dt.datetime(2027, 3, 1, 14, 59, tzinfo=UTC)
    assert parse_time("2027-03-01T23:59Z", seoul) == DUE
    assert parse_time("2027-03-01", UTC, end_of_day=True) > parse_time("2027-03-01T23:59:59Z")
    assert parse_time("2027-03-01", UTC) == dt.datetime(2027, 3, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="not an ISO date"):
        parse_time("March 1st")


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("fields, problem", [
    ({"penalty": "150%"}, r"late_policy\.penalty: must be a fraction from 0 to 1"),
    ({"penalty": 2}, r"late_policy\.penalty: must be a fraction"),
    ({"per": "week"}, r"late_policy\.per: must be one of day, hour"),
    ({"grace": "soon"}, r"late_policy\.grace: must be a duration such as 15m"),
    ({"cap": True}, r"late_policy\.cap: must be a fraction"),
    ({"until": "tomorrow"}, r"late_policy\.until: 'tomorrow' is not an ISO date"),
    ({"timezone": "Mars/Olympus"}, r"late_policy\.timezone: must be a time zone name"),
    ({"penalties": "10%"}, r"late_policy\.penalties: unknown field \(allowed: cap, grace"),
])
def test_a_bad_policy_names_its_field(fields, problem):
    with pytest.raises(ValueError, match=problem):
        policy(**fields)


def write_assignment(folder: Path, extra: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "assignment.yaml").write_text("id: toy\nfiles: [toy.py]\n" + extra, encoding="utf-8")
    return folder


def test_assignment_yaml_reads_the_late_policy(tmp_path):
    folder = write_assignment(tmp_path / "toy", "due: 2027-03-01T23:59\nlate_policy:\n  penalty: 10%\n"
                                                "  cap: 0.5\n  grace: 30m\n  until: 2027-03-05\n"
                                                "  timezone: Asia/Seoul\n")
    loaded = Assignment.load(folder)
    assert loaded.late_policy == LatePolicy(penalty=0.1, cap=0.5, grace=dt.timedelta(minutes=30),
                                            until=parse_time("2027-03-05", policy(timezone="Asia/Seoul").zone,
                                                             end_of_day=True), timezone="Asia/Seoul")
    assert Assignment.load(write_assignment(tmp_path / "plain", "due: 2027-03-01\n")).late_policy is None


@pytest.mark.parametrize("extra, problem", [
    ("late_policy:\n  penalty: 10%\n", "late_policy: a late policy needs a due date"),
    ("due: soon\nlate_policy:\n  penalty: 10%\n", "due: 'soon' is not an ISO date"),
    ("due: 2027-03-01\nlate_policy:\n  until: 2027-02-01\n", "late_policy.until: the hard deadline"),
    ("due: 2027-03-01\nlate_policy:\n  penalty: lots\n", "late_policy.penalty: must be a fraction"),
    ("due: 2027-03-01\nlate_policy: 10%\n", "late_policy: must be a mapping"),
])
def test_a_bad_late_policy_in_assignment_yaml_is_a_spec_error(tmp_path, extra, problem):
    folder = write_assignment(tmp_path / "toy", extra)
    with pytest.raises(SpecError) as caught:
        Assignment.load(folder)
    assert str(caught.value).startswith(str(folder / "assignment.yaml"))
    assert problem in str(caught.value)


# --------------------------------------------------------------------------- the result


def a_result(score=17.0, status="graded", output=""):
    return GradeResult("toy", "/subs/alice.zip", "alice", "h", status, score, 20.0, [], output, 0.1, "s", "g",
                       "2027-03-03T00:00:00+00:00", "2027-03-03T00:00:05+00:00")


def an_assignment(tmp_path, extra="late_policy:\n  penalty: 10%\n  until: 2027-03-05T23:59Z\n"):
    return Assignment.load(write_assignment(tmp_path / "toy", "due: 2027-03-01T23:59Z\n" + extra))


def test_a_late_result_keeps_its_raw_score_and_says_what_it_cost(tmp_path):
    result = late.apply(a_result(output="Your code printed a warning."), an_assignment(tmp_path),
                        after(days=1, hours=2))
    assert (result.raw_score, result.score, result.penalty) == (17.0, 13.0, pytest.approx(0.2))
    assert result.submitted_at == "2027-03-03T01:59:00+00:00"
    sentence = "Submitted 2 days late: 20% late penalty (13 of 17 points kept)."
    assert result.penalty_reason == sentence
    assert result.output == sentence + "\n\nYour code printed a warning."


def test_gradescope_json_carries_the_time_and_the_raw_score_of_a_late_result(tmp_path):
    from autograder.feedback.gradescope import to_gradescope

    late_one = to_gradescope(late.apply(a_result(), an_assignment(tmp_path), after(days=1, hours=2)))
    assert (late_one["score"], late_one["raw_score"], late_one["late_penalty"]) == (13.0, 17.0, pytest.approx(0.2))
    assert late_one["submitted_at"] == "2027-03-03T01:59:00+00:00"
    assert late_one["output"].startswith("Submitted 2 days late")
    assert not {"raw_score", "late_penalty", "submitted_at"} & set(to_gradescope(a_result()))


def test_the_report_page_states_the_penalty_at_the_top(tmp_path):
    from autograder.feedback.html import render_report

    page = render_report(late.apply(a_result(), an_assignment(tmp_path), after(days=1, hours=2)))
    assert "About the whole submission" in page and "Submitted 2 days late: 20% late penalty" in page
    assert "About the whole submission" not in render_report(a_result(output="bleu.py could not be imported"))


def test_penalties_never_go_below_zero_and_end_at_the_hard_deadline(tmp_path):
    low = late.apply(a_result(score=1.0), an_assignment(tmp_path), after(days=3))
    assert low.score == 0.0 and low.raw_score == 1.0
    closed = late.apply(a_result(), an_assignment(tmp_path), after(days=4, minutes=1))
    assert (closed.score, closed.penalty) == (0.0, 1.0)
    assert closed.output == "Submitted after the hard deadline: no credit (17 points earned, 0 kept)."


def test_on_time_extended_rejected_and_policy_free_results(tmp_path):
    on_time = late.apply(a_result(), an_assignment(tmp_path), DUE)
    assert (on_time.score, on_time.raw_score, on_time.penalty, on_time.output) == (17.0, 17.0, 0.0, "")
    extended = late.apply(a_result(), an_assignment(tmp_path), after(hours=5), extension=after(days=1))
    assert extended.score == 17.0
    rejected = late.apply(a_result(0.0, status="rejected", output="no toy.py"), an_assignment(tmp_path), after(days=2))
    assert (rejected.raw_score, rejected.output) == (None, "no toy.py")
    assert rejected.submitted_at == "2027-03-03T23:59:00+00:00"
    free = late.apply(a_result(), an_assignment(tmp_path, extra=""), after(days=2))
    assert (free.score, free.raw_score, free.submitted_at) == (17.0, None, "2027-03-03T23:59:00+00:00")
    unknown = late.apply(a_result(), an_assignment(tmp_path), None)
    assert (unknown.score, unknown.raw_score, unknown.submitted_at) == (17.0, None, "")


def test_every_sentence_is_a_stored_message_the_renderers_translate(tmp_path):
    templates = [m.id for m in prose(Path(late.__file__).with_name("late_notice.py"), Path(late.__file__).parent)]
    assert len(templates) == 6
    shouty = Translator("ko", [Catalogue((t, t.upper().replace("{UNITS}", "{units}").replace("{PERCENT}", "{percent}")
                                          .replace("{KEPT_POINTS}", "{kept_points}")
                                          .replace("{RAW_POINTS}", "{raw_points}")) for t in templates)])
    rules = [policy(penalty="10%"), policy(penalty="5%", per="hour"), policy(grace="1h"),
             policy(until="2027-03-02T00:00Z")]
    for rule, when in [(rules[0], after(hours=1)), (rules[0], after(days=2)), (rules[1], after(minutes=30)),
                       (rules[1], after(hours=3)), (rules[2], after(minutes=30)), (rules[3], after(days=1))]:
        sentence = late.message(penalty(rule, DUE, when), 17, 12.5)
        assert shouty.text(sentence) == sentence.upper(), sentence
    assert not shouty.missing


# --------------------------------------------------------------------------- files and times


def test_extensions_from_yaml_or_csv(tmp_path):
    (tmp_path / "ext.yaml").write_text("alice: 2027-03-04T23:59\nbob: 2027-03-05\n", encoding="utf-8")
    found = late.load_extensions(tmp_path / "ext.yaml")
    assert found["alice"] == dt.datetime(2027, 3, 4, 23, 59, tzinfo=UTC)
    assert found["bob"] > dt.datetime(2027, 3, 5, 23, 59, 59, tzinfo=UTC)
    (tmp_path / "ext.csv").write_text("Student,Due\nalice,2027-03-04T23:59+09:00\n", encoding="utf-8")
    assert late.load_extensions(tmp_path / "ext.csv") == {"alice": dt.datetime(2027, 3, 4, 14, 59, tzinfo=UTC)}
    (tmp_path / "bad.csv").write_text("student,due\nalice,2027-03-04\nalice,2027-03-05\n", encoding="utf-8")
    with pytest.raises(LateError, match=r"bad\.csv: line 3: alice appears twice"):
        late.load_extensions(tmp_path / "bad.csv")
    (tmp_path / "cols.csv").write_text("name,when\nalice,2027-03-04\n", encoding="utf-8")
    with pytest.raises(LateError, match="needs the columns student and due"):
        late.load_extensions(tmp_path / "cols.csv")
    assert issubclass(LateError, SpecError)  # the CLI answers with exit code 2


def make_zip(path: Path, when: tuple) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("toy/toy.py", date_time=when), "x = 1\n")
        archive.writestr(zipfile.ZipInfo("toy/notes.txt", date_time=(2027, 2, 1, 0, 0, 0)), "hi\n")
    return path


def test_file_dates_zip_members_then_folders_then_files(tmp_path):
    archive = make_zip(tmp_path / "alice.zip", (2027, 3, 2, 8, 30, 0))
    os.utime(archive, (0, 1_900_000_000))
    assert late.metadata_time(archive) == dt.datetime(2027, 3, 2, 8, 30, tzinfo=UTC)
    assert late.metadata_time(archive, policy(timezone="Asia/Seoul").zone) == dt.datetime(2027, 3, 1, 23, 30,
                                                                                          tzinfo=UTC)
    folder = tmp_path / "bob"
    (folder / "__pycache__").mkdir(parents=True)
    (folder / "toy.py").write_text("x = 1\n")
    (folder / "__pycache__" / "toy.pyc").write_bytes(b"")
    os.utime(folder / "toy.py", (0, 1_800_000_000))
    os.utime(folder / "__pycache__" / "toy.pyc", (0, 1_900_000_000))
    assert late.metadata_time(folder) == dt.datetime.fromtimestamp(1_800_000_000, UTC)
    broken = tmp_path / "carol.zip"
    broken.write_bytes(b"not a zip")
    os.utime(broken, (0, 1_700_000_000))
    assert late.metadata_time(broken) == dt.datetime.fromtimestamp(1_700_000_000, UTC)
    assert late.metadata_time(tmp_path / "nobody.zip") is None


def test_the_order_of_precedence(tmp_path):
    sources = [make_zip(tmp_path / "alice.zip", (2027, 3, 2, 0, 0, 0)), make_zip(tmp_path / "bob.zip",
                                                                                (2027, 3, 3, 0, 0, 0))]
    manifest = {"alice": DUE}
    times, origins = late.submission_times(sources, ["alice", "bob"], manifest=manifest)
    assert times == [DUE, dt.datetime(2027, 3, 3, tzinfo=UTC)] and origins == ["manifest", "file date"]
    times, origins = late.submission_times(sources, ["alice", "bob"], given=after(days=9), manifest=manifest)
    assert times == [after(days=9)] * 2 and origins == ["--submitted-at"] * 2


def test_dating_finds_the_manifest_beside_the_submissions(tmp_path):
    assignment = an_assignment(tmp_path)
    batch = tmp_path / "batch"
    batch.mkdir()
    sources = [make_zip(batch / "alice.zip", (2027, 3, 9, 0, 0, 0)), make_zip(batch / "bob.zip", (2027, 3, 9, 0, 0, 0))]
    (batch / "submissions.csv").write_text("student,submitted_at\nalice,2027-03-01T20:00Z\n", encoding="utf-8")
    (tmp_path / "ext.yaml").write_text("bob: 2027-03-10\n", encoding="utf-8")
    found = late.dating(assignment, sources, extensions=str(tmp_path / "ext.yaml"))
    assert found.times == [dt.datetime(2027, 3, 1, 20, tzinfo=UTC), dt.datetime(2027, 3, 9, tzinfo=UTC)]
    assert found.origins == ["manifest", "file date"] and found.manifests == [batch / "submissions.csv"]
    assert set(found.extensions) == {"bob"}
    notes = found.notes()
    assert notes[0] == f"Submission times from {batch / 'submissions.csv'}"
    assert notes[1].startswith("1 submission time(s) taken from file dates")
    given = late.dating(assignment, sources, students=["dora", None], submitted_at="2027-03-02T10:00")
    assert given.times == [dt.datetime(2027, 3, 2, 10, tzinfo=UTC)] * 2 and given.manifests == []
    with pytest.raises(LateError, match="--submitted-at: 'yesterday' is not an ISO date"):
        late.dating(assignment, sources, submitted_at="yesterday")
    (batch / "manifest.csv").write_text("student,submitted_at\nalice,2027-03-01\n", encoding="utf-8")
    with pytest.raises(LateError, match="alice is also in another manifest"):
        late.dating(assignment, sources)
    (tmp_path / "m.csv").write_text("student,submitted_at\nbob,later\n", encoding="utf-8")
    with pytest.raises(LateError, match=r"m\.csv: line 2: 'later' is not an ISO date"):
        late.dating(assignment, sources, manifest=str(tmp_path / "m.csv"))


def test_the_grade_options_parse():
    import argparse

    parser = argparse.ArgumentParser()
    late.add_grade_arguments(parser)
    args = parser.parse_args(["--submitted-at", "2027-03-02T10:00", "--extensions", "e.yaml", "--manifest", "m.csv"])
    assert (args.submitted_at, args.extensions, args.manifest) == ("2027-03-02T10:00", "e.yaml", "m.csv")


def test_a_batch_charges_the_penalty_before_recording(tmp_path, monkeypatch):
    """grade_many applies the policy in the trusted process as each result arrives, so the
    gradebook keeps the raw score, the time and the sentence."""
    from autograder import batch
    from autograder.gradebook import Gradebook

    assignment = an_assignment(tmp_path)

    def graded(assignment, source, *, student, **options):
        return GradeResult("toy", str(source), student, f"h-{student}", "graded", 17.0, 20.0, [], "", 0.1, "s", "g",
                           "", "")

    monkeypatch.setattr(batch, "grade", graded)
    sources = [tmp_path / "alice.zip", tmp_path / "bob.zip"]
    with Gradebook(str(tmp_path / "gb.db")) as book:
        results = batch.grade_many(assignment, sources, gradebook=book, submitted_at=[after(days=2), after(days=2)],
                                   extensions={"bob": after(days=3)})
        stored = {r.student: r for r in book.results()}
    assert [r.score for r in results] == [13.0, 17.0]
    assert (stored["alice"].raw_score, stored["alice"].score, stored["alice"].submitted_at) == (
        17.0, 13.0, "2027-03-03T23:59:00+00:00")
    assert stored["alice"].output.startswith("Submitted 2 days late: 20% late penalty (13 of 17 points kept).")
    assert (stored["bob"].score, stored["bob"].penalty, stored["bob"].penalty_reason) == (17.0, 0.0, "")
    untimed = batch.grade_many(assignment, sources[:1])
    assert (untimed[0].score, untimed[0].raw_score) == (17.0, None)


def test_reports_read_the_due_date_in_the_policys_timezone(tmp_path):
    from autograder.feedback.html import past_due

    seoul = Assignment.load(write_assignment(tmp_path / "seoul", "due: 2027-03-01T23:59\n"
                                                                 "late_policy:\n  penalty: 10%\n  timezone: Asia/Seoul\n"))
    assert late.due_instant(seoul) == "2027-03-01T23:59:00+09:00"
    assert past_due(late.due_instant(seoul), dt.datetime(2027, 3, 1, 15, 0, tzinfo=dt.timezone.utc))  # 00:00 in Seoul
    assert not past_due(late.due_instant(seoul), dt.datetime(2027, 3, 1, 14, 58, tzinfo=dt.timezone.utc))
    plain = an_assignment(tmp_path / "plain", "")
    assert late.due_instant(plain) == plain.due
