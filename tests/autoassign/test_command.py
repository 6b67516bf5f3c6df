"""``manage.py assign_reviewers`` in CSV mode and in database mode."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from mail.models import OutgoingEmail
from reviews.models import Assignment, AssignmentRun, RunState


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_mode_writes_the_assignment_and_summary(tmp_path):
    scores = tmp_path / "scores.csv"
    scores.write_text(
        "paper,reviewer,score\n"
        + "".join(
            f"P{p},r{r}@x.org,{(p * 7 + r * 3) % 10 / 10}\n" for p in range(6) for r in range(4)
        )
    )
    (tmp_path / "conflicts.csv").write_text("paper,reviewer\nP0,r0@x.org\nP1,r1@x.org\n")
    (tmp_path / "loads.csv").write_text("reviewer,min_load,max_load\nr3@x.org,1,2\n")
    out, summary = tmp_path / "out.csv", tmp_path / "summary.json"

    call_command(
        "assign_reviewers",
        scores=scores,
        conflicts=tmp_path / "conflicts.csv",
        loads=tmp_path / "loads.csv",
        reviewers_per_paper=2,
        max_load=4,
        output=out,
        summary=summary,
    )

    rows = read_csv(out)
    assert len(rows) == 12
    pairs = {(row["paper"], row["reviewer"]) for row in rows}
    assert ("P0", "r0@x.org") not in pairs and ("P1", "r1@x.org") not in pairs
    assert sum(1 for _, r in pairs if r == "r3@x.org") <= 2
    data = json.loads(summary.read_text())
    assert data["is_optimal"] is True
    assert data["objective"] == pytest.approx(data["dual_bound"])


def test_csv_mode_refuses_commit(tmp_path):
    scores = tmp_path / "scores.csv"
    scores.write_text("P1,a@x.org,1\n")

    with pytest.raises(CommandError):
        call_command("assign_reviewers", scores=scores, commit=True)


@pytest.mark.django_db
def test_database_mode_writes_csv_and_commits(venue, tmp_path, capsys):
    out = tmp_path / "out.csv"

    call_command(
        "assign_reviewers",
        workshop=venue.workshop.slug,
        reviewers_per_paper=2,
        max_load=3,
        output=out,
        commit=True,
    )

    rows = read_csv(out)
    assert len(rows) == 12
    run = AssignmentRun.objects.get()
    assert run.state == RunState.COMMITTED
    assert Assignment.objects.count() == 12
    assert OutgoingEmail.objects.count() == 12
    for paper, reviewer in venue.conflicts:
        assert not Assignment.objects.filter(submission=paper, reviewer=reviewer).exists()
    assert "proven optimal" in capsys.readouterr().out


@pytest.mark.django_db
def test_database_mode_imports_scores_and_reports_bad_lines(venue, tmp_path):
    scores = tmp_path / "tpms.csv"
    scores.write_text("1,nobody@example.org,0.5\n")

    with pytest.raises(CommandError, match="Line 1: nobody@example.org is not a reviewer"):
        call_command("assign_reviewers", workshop=venue.workshop.slug, import_scores=scores)


@pytest.mark.django_db
def test_unknown_workshop_is_an_error():
    with pytest.raises(CommandError, match="No workshop"):
        call_command("assign_reviewers", workshop="nope")
