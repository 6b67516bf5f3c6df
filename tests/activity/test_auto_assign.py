"""Committing an automatic assignment run: one summary entry without a paper, one entry per
paper naming its new reviewers (so a conflicted chair reads nothing about that paper)."""

import pytest

from activity.models import Entry, Kind
from activity.queries import visible_entries
from reviews.models import Assignment, RunState
from reviews.services.auto_assign import RunParams, commit_run, create_run, execute_run
from tests import factories
from tests.autoassign.conftest import make_venue

pytestmark = pytest.mark.django_db


def test_a_committed_run_is_logged_per_paper_and_once_for_the_run(
    django_capture_on_commit_callbacks,
):
    venue = make_venue()
    other_chair = factories.member(venue.workshop, "chair", full_name="Connie Conflicted")
    factories.ConflictFactory(submission=venue.papers[0], user=other_chair, source="chair")
    run = create_run(venue.workshop, by=venue.chair, params=RunParams(reviewers_per_paper=2))
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.state == RunState.DONE
    with django_capture_on_commit_callbacks(execute=True):
        outcome = commit_run(run, by=venue.chair)

    entries = Entry.objects.filter(workshop=venue.workshop, kind=Kind.ASSIGNMENT)
    per_paper = entries.filter(action="assigned")
    assert per_paper.count() == len(venue.papers)
    assert outcome.created == Assignment.objects.filter(submission__workshop=venue.workshop).count()
    first = per_paper.get(submission=venue.papers[0])
    names = {a.reviewer.full_name for a in Assignment.objects.filter(submission=venue.papers[0])}
    assert set(first.changes["reviewers"][1]) == names
    (summary,) = entries.filter(action="run_committed")
    assert summary.submission is None and f"{outcome.created} assignment(s)" in summary.message
    # The conflicted chair's view of the log leaves out the paper's entry.
    seen = visible_entries(other_chair, venue.workshop).filter(kind=Kind.ASSIGNMENT)
    assert first not in seen and summary in seen and seen.count() == len(venue.papers)
