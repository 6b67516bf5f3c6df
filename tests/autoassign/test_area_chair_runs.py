"""Area-chair runs: the same engine and signals as reviewer runs, with area-chair loads,
assignments and demand (``area_chairs_per_paper``); proven optimal; committed like them."""

import itertools

import pytest
from django.urls import reverse

from activity.models import Entry
from mail.models import OutgoingEmail
from reviews.models import AreaChairAssignment, Assignment, ProposedPair, RunState
from reviews.permissions import review_settings
from reviews.services.area_chairs import assign_area_chair
from reviews.services.auto_assign import (
    AutoAssignError,
    RunParams,
    add_pair,
    commit_run,
    create_run,
    execute_run,
    pair_score,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def acs(venue):
    """Three area chairs beside the five reviewers: X eager on paper 1, Y conflicted with paper
    2 (recorded), Z bids "conflict" on paper 3; X may chair at most 2 papers."""
    x, y, z = (
        factories.member(venue.workshop, "area_chair", full_name=f"Area chair {n}") for n in "XYZ"
    )
    factories.ReviewerProfileFactory(workshop=venue.workshop, user=x, ac_max_papers=2)
    factories.BidFactory(submission=venue.papers[0], reviewer=x, preference="eager")
    factories.ConflictFactory(submission=venue.papers[1], user=y, source="chair")
    factories.BidFactory(submission=venue.papers[2], reviewer=z, preference="conflict")
    return x, y, z


def ac_run(venue, **params):
    params.setdefault("max_load", 3)
    params.setdefault("role", "area_chair")
    run = create_run(venue.workshop, by=venue.chair, params=RunParams(**params))
    execute_run(run.pk)
    run.refresh_from_db()
    return run


def pairs_of(run):
    return set(ProposedPair.objects.filter(run=run).values_list("submission_id", "reviewer_id"))


def test_area_chair_run_gives_each_paper_its_area_chairs_within_loads(venue, acs):
    x, y, z = acs
    run = ac_run(venue)

    assert run.state == RunState.DONE, run.message
    pairs = pairs_of(run)
    # Demand: the workshop's one area chair per paper (whatever the form said).
    assert run.params["reviewers_per_paper"] == 1
    assert len(pairs) == len(venue.papers)
    assert {uid for _, uid in pairs} <= {x.pk, y.pk, z.pk}  # never a reviewer
    loads = {u.pk: sum(1 for _, uid in pairs if uid == u.pk) for u in acs}
    assert loads[x.pk] <= 2  # the area-chair maximum of the profile
    assert max(loads.values()) <= 3  # the run's default maximum
    assert (venue.papers[1].pk, y.pk) not in pairs  # recorded conflict
    assert (venue.papers[2].pk, z.pk) not in pairs  # "conflict" bid
    assert (venue.papers[0].pk, x.pk) in pairs  # the eager bid
    assert run.result["is_optimal"] is True
    assert run.result["objective"] == pytest.approx(run.result["dual_bound"])


def test_area_chair_run_is_optimal_by_exhaustive_search(venue, acs):
    """With bids and topics only (text weight 0), no assignment respecting the loads and
    conflicts scores more than the run's: checked over every feasible one."""
    x, y, z = acs
    topic = factories.TopicFactory(workshop=venue.workshop, name="Robustness")
    for paper in venue.papers[3:]:
        paper.topics.add(topic)
    profile = factories.ReviewerProfileFactory(workshop=venue.workshop, user=y, ac_max_papers=3)
    profile.topics.add(topic)
    factories.BidFactory(submission=venue.papers[4], reviewer=z, preference="willing")
    factories.BidFactory(submission=venue.papers[5], reviewer=x, preference="not_willing")
    run = ac_run(
        venue, max_load=3, weights={"bid": 1.0, "topic": 1.0, "text": 0.0, "imported": 1.0}
    )

    limits = {x.pk: 2, y.pk: 3, z.pk: 3}
    forbidden = {(venue.papers[1].pk, y.pk), (venue.papers[2].pk, z.pk)}
    score = {(p.pk, u.pk): pair_score(run, p, u)[0] for p in venue.papers for u in acs}
    best = None
    for choice in itertools.product(acs, repeat=len(venue.papers)):
        pairs = [(p.pk, u.pk) for p, u in zip(venue.papers, choice, strict=True)]
        if any(pair in forbidden for pair in pairs):
            continue
        if any(sum(1 for _, uid in pairs if uid == u) > limit for u, limit in limits.items()):
            continue
        total = sum(score[pair] for pair in pairs)
        best = total if best is None else max(best, total)

    proposed = sum(score[pair] for pair in pairs_of(run))
    assert run.result["is_optimal"] is True
    assert proposed == pytest.approx(best)
    assert run.result["objective"] == pytest.approx(best)


def test_area_chair_run_keeps_existing_area_chairs_and_fills_gaps(venue, acs):
    x, y, z = acs
    assign_area_chair(submission=venue.papers[3], area_chair=z, by=venue.chair, notify=False)

    run = ac_run(venue)

    locked = set(
        ProposedPair.objects.filter(run=run, is_locked=True).values_list(
            "submission_id", "reviewer_id"
        )
    )
    assert locked == {(venue.papers[3].pk, z.pk)}
    assert sum(1 for s, _ in pairs_of(run) if s == venue.papers[3].pk) == 1


def test_area_chair_run_never_proposes_a_papers_own_reviewer(venue, acs):
    x, y, z = acs
    factories.MembershipFactory(workshop=venue.workshop, user=x, role="reviewer")
    factories.AssignmentFactory(submission=venue.papers[0], reviewer=x, ordinal=1)

    run = ac_run(venue)

    assert (venue.papers[0].pk, x.pk) not in pairs_of(run)


def test_commit_creates_area_chair_rows_logged_and_notified_once(venue, acs):
    run = ac_run(venue)
    proposed = pairs_of(run)

    outcome = commit_run(run, by=venue.chair)

    rows = set(AreaChairAssignment.objects.values_list("submission_id", "area_chair_id"))
    assert rows == proposed and outcome.created == len(proposed)
    assert not Assignment.objects.exists()  # no reviewer assignment made
    emails = OutgoingEmail.objects.filter(idempotency_key__startswith="area-chair-assignment:")
    assert emails.count() == len(proposed) == outcome.emails
    assert all("area chair" in e.body for e in emails)
    assert Entry.objects.filter(action="assigned", message__startswith="Area chair").count() == (
        len(venue.papers)
    )
    with pytest.raises(AutoAssignError):
        commit_run(run, by=venue.chair)


def test_commit_skips_a_pair_that_became_conflicted(venue, acs):
    run = ac_run(venue)
    submission_id, user_id = sorted(pairs_of(run))[0]
    paper = next(p for p in venue.papers if p.pk == submission_id)
    user = next(u for u in acs if u.pk == user_id)
    factories.ConflictFactory(submission=paper, user=user, source="chair")

    outcome = commit_run(run, by=venue.chair)

    assert len(outcome.skipped) == 1
    assert not AreaChairAssignment.objects.filter(
        submission_id=submission_id, area_chair_id=user_id
    ).exists()


def test_add_pair_by_hand_refuses_reviewers_and_conflicts(venue, acs):
    x, y, z = acs
    run = ac_run(venue)
    ProposedPair.objects.filter(run=run, submission=venue.papers[1]).delete()

    with pytest.raises(AutoAssignError, match="not an area chair"):
        add_pair(run, submission=venue.papers[1], reviewer=venue.reviewers[0], by=venue.chair)
    with pytest.raises(AutoAssignError, match="conflict"):
        add_pair(run, submission=venue.papers[1], reviewer=y, by=venue.chair)
    pair = add_pair(run, submission=venue.papers[1], reviewer=z, by=venue.chair)
    assert pair.edited_by_chair


def test_no_area_chairs_fails_the_run_with_a_reason(venue):
    run = ac_run(venue)

    assert run.state == RunState.FAILED
    assert "no area chairs" in run.message


def test_demand_follows_the_workshop_setting(venue, acs):
    settings = review_settings(venue.workshop)
    settings.area_chairs_per_paper = 2
    settings.save()

    run = ac_run(venue, max_load=4)

    assert run.params["reviewers_per_paper"] == 2
    pairs = pairs_of(run)
    # 6 papers × 2 = 12 slots; X holds at most 2, Y and Z at most 4 each: 10 fillable at most.
    assert len(pairs) <= 10
    assert run.result["is_optimal"] is True


def test_chair_starts_an_area_chair_run_from_the_page(venue, acs, client):
    client.force_login(venue.chair)
    url = reverse("autoassign:index", args=[venue.workshop.slug])

    page = client.get(url + "?role=area_chair").content.decode()
    response = client.post(
        url,
        {
            "role": "area_chair",
            "reviewers_per_paper": 1,
            "min_load": 0,
            "max_load": 3,
            "use_profile_loads": "on",
            "weight_bid": 1,
            "weight_topic": 1,
            "weight_text": 1,
            "weight_imported": 1,
        },
    )

    assert '<option value="area_chair" selected' in page
    assert response.status_code == 302
    from reviews.models import AssignmentRun

    run = AssignmentRun.objects.get()
    assert run.params["role"] == "area_chair"
    execute_run(run.pk)
    detail = client.get(reverse("autoassign:run", args=[venue.workshop.slug, run.pk]))
    body = detail.content.decode()
    assert "Area-chair assignment run" in body and "Area chair X" in body
