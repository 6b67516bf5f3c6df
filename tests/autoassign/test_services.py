"""The automatic assignment's services: solve from the database, keep, fill gaps, commit."""

import pytest

from mail.models import OutgoingEmail
from reviews.enums import AssignmentSource, AssignmentState
from reviews.models import Assignment, AssignmentRun, ProposedPair, RunState
from reviews.services.auto_assign import (
    AutoAssignError,
    RunParams,
    add_pair,
    commit_run,
    create_run,
    remove_pair,
)
from submissions.enums import SubmissionState
from tests.factories import (
    AssignmentFactory,
    AuthorshipFactory,
    ReviewerProfileFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def run_for(venue, **params) -> AssignmentRun:
    params.setdefault("reviewers_per_paper", 2)
    params.setdefault("max_load", 3)
    run = create_run(venue.workshop, by=venue.chair, params=RunParams(**params))
    from reviews.services.auto_assign import execute_run

    execute_run(run.pk)  # the task runs on commit; run it now inside the test transaction
    run.refresh_from_db()
    return run


def pairs_of(run) -> set[tuple[int, int]]:
    return set(ProposedPair.objects.filter(run=run).values_list("submission_id", "reviewer_id"))


def assert_no_conflicted_pair(venue, pairs):
    for paper, reviewer in venue.conflicts:
        assert (paper.pk, reviewer.pk) not in pairs


def test_run_proposes_every_paper_its_reviewers(venue):
    run = run_for(venue)

    assert run.state == RunState.DONE, run.message
    assert run.progress == 100
    pairs = pairs_of(run)
    assert len(pairs) == 12
    for paper in venue.papers:
        assert sum(1 for s, _ in pairs if s == paper.pk) == 2
    assert run.result["is_optimal"] is True
    assert run.result["objective"] == pytest.approx(run.result["dual_bound"])


def test_run_never_proposes_conflicts(venue):
    run = run_for(venue)

    assert_no_conflicted_pair(venue, pairs_of(run))


def test_run_respects_max_load(venue):
    run = run_for(venue, max_load=3)

    loads = {}
    for _, reviewer in pairs_of(run):
        loads[reviewer] = loads.get(reviewer, 0) + 1
    assert max(loads.values()) <= 3


def test_run_follows_the_eager_bid(venue):
    run = run_for(venue)

    pair = ProposedPair.objects.get(
        run=run, submission=venue.papers[0], reviewer=venue.reviewers[0]
    )
    assert pair.explanation["bid_preference"] == "eager"
    assert pair.explanation["bid"] == pytest.approx(1.0)


def test_commit_creates_assignments_and_one_email_each(venue):
    run = run_for(venue)

    outcome = commit_run(run, by=venue.chair)

    assert outcome.created == 12
    assignments = Assignment.objects.filter(submission__workshop=venue.workshop)
    assert assignments.count() == 12
    assert set(assignments.values_list("source", flat=True)) == {AssignmentSource.AUTOMATIC}
    assert all(a.due_at is not None for a in assignments)
    assert OutgoingEmail.objects.filter(template_role="reviews.assigned").count() == 12
    run.refresh_from_db()
    assert run.state == RunState.COMMITTED


def test_commit_twice_is_refused(venue):
    run = run_for(venue)
    commit_run(run, by=venue.chair)

    with pytest.raises(AutoAssignError):
        commit_run(run, by=venue.chair)

    assert Assignment.objects.filter(submission__workshop=venue.workshop).count() == 12
    assert OutgoingEmail.objects.count() == 12


def test_rerun_keeps_assignments_and_fills_a_declined_gap(venue):
    first = run_for(venue)
    commit_run(first, by=venue.chair)
    declined = Assignment.objects.filter(submission=venue.papers[2]).first()
    declined.state = AssignmentState.DECLINED
    declined.save()

    second = run_for(venue)

    new = ProposedPair.objects.filter(run=second, is_locked=False)
    assert list(new.values_list("submission_id", flat=True)) == [venue.papers[2].pk]
    assert new.get().reviewer_id != declined.reviewer_id
    assert ProposedPair.objects.filter(run=second, is_locked=True).count() == 11
    commit_run(second, by=venue.chair)
    assert OutgoingEmail.objects.count() == 13


def test_rerun_after_withdrawal_frees_the_reviewers(venue):
    first = run_for(venue, max_load=3)
    commit_run(first, by=venue.chair)
    withdrawn = venue.papers[5]
    withdrawn.state = SubmissionState.WITHDRAWN
    withdrawn.save()

    second = run_for(venue, max_load=3)

    assert second.result["n_papers"] == 5
    assert not ProposedPair.objects.filter(run=second, submission=withdrawn).exists()
    assert ProposedPair.objects.filter(run=second, is_locked=False).count() == 0


def test_existing_manual_assignment_is_locked(venue):
    paper, reviewer = venue.papers[3], venue.reviewers[4]
    AssignmentFactory(submission=paper, reviewer=reviewer, ordinal=1)

    run = run_for(venue)

    assert ProposedPair.objects.get(run=run, submission=paper, reviewer=reviewer).is_locked
    outcome = commit_run(run, by=venue.chair)
    assert outcome.created == 11
    ordinals = sorted(Assignment.objects.filter(submission=paper).values_list("ordinal", flat=True))
    assert ordinals == [1, 2]


def test_add_pair_refuses_a_conflict(venue):
    run = run_for(venue)
    paper, reviewer = venue.conflicts[0]

    with pytest.raises(AutoAssignError, match="conflict"):
        add_pair(run, submission=paper, reviewer=reviewer, by=venue.chair)


def test_remove_then_add_pair(venue):
    run = run_for(venue)
    pair = (
        ProposedPair.objects.filter(run=run, submission=venue.papers[0])
        .exclude(reviewer=venue.reviewers[0])
        .first()
    )
    remove_pair(run, pair, by=venue.chair)
    added = add_pair(run, submission=venue.papers[0], reviewer=pair.reviewer, by=venue.chair)

    assert added.edited_by_chair
    commit_run(run, by=venue.chair)
    assert Assignment.objects.get(submission=venue.papers[0], reviewer=pair.reviewer).source == (
        AssignmentSource.MANUAL
    )


def test_infeasible_run_reports_the_short_papers(venue):
    run = run_for(venue, reviewers_per_paper=3, max_load=1)

    assert run.state == RunState.DONE
    report = run.result["infeasibility"]
    assert report["short_papers"]
    assert report["messages"]
    assert run.result["is_feasible"] is False


def test_reassignment_after_unassign_is_notified_again(venue):
    first = run_for(venue)
    commit_run(first, by=venue.chair)
    removed = Assignment.objects.filter(submission=venue.papers[4]).first()
    removed.delete()

    second = run_for(venue)
    commit_run(second, by=venue.chair)

    assert Assignment.objects.filter(submission=venue.papers[4]).count() == 2
    assert OutgoingEmail.objects.count() == 13


def test_profile_limits_override_the_defaults(venue):
    busy = venue.reviewers[3]
    ReviewerProfileFactory(workshop=venue.workshop, user=busy, max_papers=1)

    run = run_for(venue, max_load=4)

    assert ProposedPair.objects.filter(run=run, reviewer=busy).count() <= 1
    assert run.result["limits"][str(busy.pk)] == [0, 1]


def test_reviewer_at_max_gets_no_new_paper(venue):
    full = venue.reviewers[4]
    for paper in venue.papers[:3]:
        AssignmentFactory(submission=paper, reviewer=full, ordinal=1)

    run = run_for(venue, max_load=3)

    assert not ProposedPair.objects.filter(run=run, reviewer=full, is_locked=False).exists()
    assert ProposedPair.objects.filter(run=run, reviewer=full, is_locked=True).count() == 3


def test_topic_and_text_signals_explain_the_score(venue):
    topic = TopicFactory(workshop=venue.workshop, name="Backdoor attacks")
    paper = venue.papers[5]
    paper.topics.add(topic)
    paper.abstract = "Backdoor poisoning of graph neural networks with clean-label triggers."
    paper.save()
    expert = venue.reviewers[3]
    profile = ReviewerProfileFactory(
        workshop=venue.workshop,
        user=expert,
        expertise="I study backdoor poisoning and triggers in graph neural networks.",
    )
    profile.topics.add(topic)

    run = run_for(venue)

    pair = ProposedPair.objects.get(run=run, submission=paper, reviewer=expert)
    assert pair.explanation["topic"] == pytest.approx(1.0)
    assert pair.explanation["text"] > 0.1
    assert pair.score == pytest.approx(
        pair.explanation["topic"] + pair.explanation["text"], abs=1e-3
    )


def test_author_on_the_committee_is_never_proposed(venue):
    reviewer = venue.reviewers[0]
    AuthorshipFactory(submission=venue.papers[2], email=reviewer.email.upper())

    run = run_for(venue)

    assert not ProposedPair.objects.filter(
        run=run, submission=venue.papers[2], reviewer=reviewer
    ).exists()


def test_task_records_progress_and_result(venue, django_capture_on_commit_callbacks):
    from reviews.auto_assign_tasks import run_auto_assignment

    assert run_auto_assignment.name == "reviews.run_auto_assignment"
    with django_capture_on_commit_callbacks(execute=True):
        run = create_run(venue.workshop, by=venue.chair, params=RunParams(reviewers_per_paper=2))
    run.refresh_from_db()

    assert run.state == RunState.DONE
    assert (run.progress, run.message) == (100, "Proposal ready")
    assert run.started_at and run.finished_at
    assert set(run.result["timings"]) >= {"load", "score", "solve", "save"}
    assert run_auto_assignment.delay(run.pk).get() == RunState.DONE  # idempotent re-delivery


def test_large_venue_mode_uses_signal_pairs_and_fillers(venue, monkeypatch):
    """Beyond ALL_PAIRS_LIMIT only pairs with a signal are candidates, plus zero-score fillers
    for papers with too few; the result is still complete and conflict-free."""
    from reviews.services import auto_assign

    monkeypatch.setattr(auto_assign.scoring, "ALL_PAIRS_LIMIT", 1)

    run = run_for(venue)

    assert run.state == RunState.DONE, run.message
    assert run.result["is_feasible"] is True
    assert ProposedPair.objects.filter(run=run).count() == 12
    assert_no_conflicted_pair(venue, pairs_of(run))
    assert ProposedPair.objects.filter(
        run=run, submission=venue.papers[0], reviewer=venue.reviewers[0]
    ).exists()


def test_bulk_insert_skips_existing_idempotency_keys(venue):
    from reviews.services.auto_assign import bulk_insert

    OutgoingEmail.objects.create(
        recipient="a@example.org", subject="old", body="old", idempotency_key="k:1"
    )

    bulk_insert(
        OutgoingEmail,
        {
            "recipient": ["a@example.org", "b@example.org"],
            "subject": ["new", "new"],
            "body": ["line 1\nline 2\twith tab \\ backslash", "x"],
            "idempotency_key": ["k:1", "k:2"],
            "workshop_id": venue.workshop.pk,
        },
        ignore_conflicts_on="idempotency_key",
    )

    assert OutgoingEmail.objects.get(idempotency_key="k:1").subject == "old"
    added = OutgoingEmail.objects.get(idempotency_key="k:2")
    assert added.workshop_id == venue.workshop.pk
    assert added.state == "queued"
    assert added.created_at is not None
    assert OutgoingEmail.objects.get(idempotency_key="k:1").body == "old"
    bulk_insert(
        OutgoingEmail,
        {
            "recipient": ["c@example.org"],
            "subject": ["s"],
            "idempotency_key": ["k:3"],
            "body": ["line 1\nline 2\twith tab \\ backslash"],
        },
    )
    assert OutgoingEmail.objects.get(idempotency_key="k:3").body == (
        "line 1\nline 2\twith tab \\ backslash"
    )


def test_run_never_proposes_an_undetected_affiliation_conflict(venue):
    reviewer = venue.reviewers[3]
    reviewer.affiliation = "Rhine Institute of Technology"
    reviewer.save(update_fields=["affiliation"])
    paper = venue.papers[2]
    AuthorshipFactory(submission=paper, affiliation="Rhine Institute of Technology")

    run = run_for(venue)

    assert run.state == RunState.DONE, run.message
    assert (paper.pk, reviewer.pk) not in pairs_of(run)
