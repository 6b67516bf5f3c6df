"""A chair who conflicts with a paper sees nothing of it and changes nothing about it, through
any path of the automatic assignment: the proposal CSV, hand edits and the commit."""

import csv
import io

import pytest
from django.urls import reverse

from reviews.models import Assignment, AssignmentRun, ProposedPair, RunState
from reviews.services.auto_assign import (
    AutoAssignError,
    RunParams,
    add_pair,
    commit_run,
    create_run,
    execute_run,
    remove_pair,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def conflicted_chair(venue):
    """A second chair of the venue, with a recorded conflict on paper 1."""
    chair = factories.member(venue.workshop, "chair", full_name="Connie Conflicted")
    factories.ConflictFactory(submission=venue.papers[0], user=chair, source="chair")
    return chair


@pytest.fixture
def done_run(venue):
    run = create_run(venue.workshop, by=venue.chair, params=RunParams(reviewers_per_paper=2))
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.state == RunState.DONE, run.message
    assert ProposedPair.objects.filter(run=run, submission=venue.papers[0]).exists()
    return run


def csv_papers(response) -> set[int]:
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    return {int(row["paper"]) for row in rows}


def test_proposal_csv_leaves_out_the_papers_the_chair_conflicts_with(
    client, venue, conflicted_chair, done_run
):
    url = reverse("autoassign:csv", args=[venue.workshop.slug, done_run.pk])

    client.force_login(conflicted_chair)
    theirs = csv_papers(client.get(url))
    client.force_login(venue.chair)
    everyone = csv_papers(client.get(url))

    assert everyone == {1, 2, 3, 4, 5, 6}
    assert theirs == {2, 3, 4, 5, 6}


def test_proposal_csv_leaves_out_the_chairs_own_paper(client, venue, done_run):
    factories.AuthorshipFactory(
        submission=venue.papers[2], user=venue.chair, email=venue.chair.email, order=0
    )
    client.force_login(venue.chair)

    papers = csv_papers(
        client.get(reverse("autoassign:csv", args=[venue.workshop.slug, done_run.pk]))
    )

    assert 3 not in papers


def test_commit_by_a_conflicted_chair_leaves_that_paper_to_another_chair(
    client, venue, conflicted_chair, done_run, django_capture_on_commit_callbacks
):
    paper = venue.papers[0]
    proposed_for_paper = ProposedPair.objects.filter(
        run=done_run, submission=paper, is_locked=False
    ).count()
    client.force_login(conflicted_chair)
    commit_url = reverse("autoassign:commit", args=[venue.workshop.slug, done_run.pk])

    confirm = " ".join(client.get(commit_url).content.decode().split())
    assert f"<strong>{12 - proposed_for_paper}</strong> new assignments" in confirm
    assert (
        f"<strong>{proposed_for_paper}</strong> proposed assignments on papers you have a "
        "conflict with" in confirm
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(commit_url, follow=True)

    html = " ".join(response.content.decode().split())
    assert not Assignment.objects.filter(submission=paper).exists()
    assert Assignment.objects.filter(submission__workshop=venue.workshop).count() == 10
    assert (
        f"{proposed_for_paper} proposed assignments on papers you have a conflict with were left "
        "for another chair" in html
    )
    done_run.refresh_from_db()
    assert done_run.state == RunState.COMMITTED
    assert done_run.result["commit_left_for_other_chairs"] == proposed_for_paper

    # Another chair runs again: the assignments made are kept, only paper 1 is filled.
    client.force_login(venue.chair)
    with django_capture_on_commit_callbacks(execute=True):
        rerun = create_run(venue.workshop, by=venue.chair, params=RunParams(reviewers_per_paper=2))
    rerun.refresh_from_db()
    outcome = commit_run(rerun, by=venue.chair)
    assert outcome.created == 2
    assert outcome.left_for_other_chairs == 0
    assert Assignment.objects.filter(submission=paper).count() == 2


def test_commit_service_refuses_the_chairs_own_paper(venue, done_run):
    factories.AuthorshipFactory(
        submission=venue.papers[1], user=venue.chair, email=venue.chair.email, order=0
    )

    outcome = commit_run(done_run, by=venue.chair)

    assert not Assignment.objects.filter(submission=venue.papers[1]).exists()
    assert (
        outcome.left_for_other_chairs
        == ProposedPair.objects.filter(
            run=done_run, submission=venue.papers[1], is_locked=False
        ).count()
        > 0
    )


def test_commit_from_the_command_line_commits_every_pair(venue, conflicted_chair, done_run):
    outcome = commit_run(done_run, by=None)

    assert outcome.left_for_other_chairs == 0
    assert Assignment.objects.filter(submission=venue.papers[0]).count() == 2


def test_hand_edits_by_a_conflicted_chair_are_refused_by_the_service(
    venue, conflicted_chair, done_run
):
    paper = venue.papers[0]
    pair = ProposedPair.objects.filter(run=done_run, submission=paper).first()
    free = next(
        r
        for r in venue.reviewers
        if not ProposedPair.objects.filter(run=done_run, submission=paper, reviewer=r).exists()
        and (paper, r) not in venue.conflicts
    )

    with pytest.raises(AutoAssignError, match="not part of the proposal"):
        remove_pair(done_run, pair, by=conflicted_chair)
    with pytest.raises(AutoAssignError, match="There is no paper #1"):
        add_pair(done_run, submission=paper, reviewer=free, by=conflicted_chair)

    assert ProposedPair.objects.filter(pk=pair.pk).exists()
    assert not ProposedPair.objects.filter(run=done_run, submission=paper, reviewer=free).exists()


def test_hand_edits_by_a_conflicted_chair_are_refused_by_the_pages(
    client, venue, conflicted_chair, done_run
):
    paper = venue.papers[0]
    pair = ProposedPair.objects.filter(run=done_run, submission=paper).first()
    client.force_login(conflicted_chair)
    slug = venue.workshop.slug

    removed = client.post(reverse("autoassign:pair_remove", args=[slug, done_run.pk, pair.pk]))
    added = client.post(
        reverse("autoassign:pair_add", args=[slug, done_run.pk]),
        {"number": 1, "reviewer": venue.reviewers[3].pk},
        follow=True,
    )

    assert removed.status_code == 404
    assert "There is no paper #1 to assign" in added.content.decode()
    assert ProposedPair.objects.filter(pk=pair.pk).exists()
    assert ProposedPair.objects.filter(run=done_run, submission=paper).count() == 2
    page = client.get(reverse("autoassign:run", args=[slug, done_run.pk])).content.decode()
    assert "Paper 1<" not in page and "#1:" not in page
    assert AssignmentRun.objects.count() == 1
