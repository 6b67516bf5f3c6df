"""Committee management: every member listed with their load, removal through a confirmation
that lists the open assignments (all or nothing), role changes, co-chairs, constant queries."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.enums import InvitationState
from reviews.models import Assignment, CommitteeChange, Review
from reviews.services import ReviewFlowError
from reviews.services.members import committee_members, remove_member, set_roles
from tests import factories as base
from tests.scenarios import submit_review
from workshops.enums import MemberRole
from workshops.models import Membership


def committee_url(s):
    return reverse("reviews:committee", args=[s.workshop.slug])


def roles_of(s, user):
    return set(
        Membership.objects.filter(workshop=s.workshop, user=user).values_list("role", flat=True)
    )


def test_the_page_lists_every_member_with_invitation_load_done_and_late(scenario, login):
    s = scenario
    # Rita: one review in, one late on paper #2.
    submit_review(s.assignment, s.criteria)
    base.AssignmentFactory(
        submission=s.other_paper,
        reviewer=s.assigned,
        ordinal=1,
        due_at=timezone.now() - dt.timedelta(days=1),
    )

    html = login(s.chair).get(committee_url(s)).content.decode()

    for person in (s.chair, s.conflicted_chair, s.assigned, s.unassigned, s.conflicted_reviewer):
        assert person.email in html
    rows = {r.user.pk: r for r in committee_members(s.workshop, viewer=s.chair)}
    assert len(rows) == 5
    assert (rows[s.assigned.pk].assigned, rows[s.assigned.pk].submitted) == (2, 1)
    assert rows[s.assigned.pk].late == 1
    assert rows[s.chair.pk].role_label == "Chair"


def test_counts_leave_out_papers_the_viewer_is_conflicted_with(scenario):
    s = scenario
    rows = {r.user.pk: r for r in committee_members(s.workshop, viewer=s.conflicted_chair)}

    assert rows[s.assigned.pk].assigned == 0  # their only paper is the chair's conflict


def test_invitation_state_is_shown_per_member(scenario):
    s = scenario
    from reviews.models import ReviewerInvitation

    ReviewerInvitation.objects.create(
        workshop=s.workshop,
        email=s.unassigned.email.upper(),
        state=InvitationState.ACCEPTED,
        user=s.unassigned,
    )

    rows = {r.user.pk: r for r in committee_members(s.workshop, viewer=s.chair)}

    assert rows[s.unassigned.pk].invitation == "Accepted"
    assert rows[s.assigned.pk].invitation == ""


def test_the_example_address_in_the_help_text_is_shown_not_eaten(scenario, login):
    html = login(scenario.chair).get(committee_url(scenario)).content.decode()

    assert "&lt;ada@example.org&gt;" in html
    assert "<ada@example.org>" not in html


def test_removal_confirmation_lists_open_assignments_and_changes_nothing(scenario, login):
    s = scenario
    url = reverse("reviews:member_remove", args=[s.workshop.slug, s.assigned.pk])

    html = login(s.chair).get(url).content.decode()

    assert "1 open assignment" in html
    assert "#1 Robust training under label noise" in html
    assert roles_of(s, s.assigned) == {MemberRole.REVIEWER}
    assert Assignment.objects.filter(reviewer=s.assigned).count() == 1


def test_removal_releases_open_assignments_keeps_reviews_and_logs(scenario, login):
    s = scenario
    submit_review(s.assignment, s.criteria)
    open_one = base.AssignmentFactory(submission=s.other_paper, reviewer=s.assigned, ordinal=1)
    url = reverse("reviews:member_remove", args=[s.workshop.slug, s.assigned.pk])

    response = login(s.chair).post(url, follow=True)

    assert roles_of(s, s.assigned) == set()
    assert not Assignment.objects.filter(pk=open_one.pk).exists()
    assert Review.objects.filter(assignment=s.assignment).exists()
    assert "Papers that need another reviewer: #2" in response.content.decode()
    change = CommitteeChange.objects.get()
    assert (change.action, change.created_by, change.user) == ("removed", s.chair, s.assigned)
    assert "1 open assignment(s) released" in change.detail


def test_removal_is_all_or_nothing(scenario, monkeypatch):
    s = scenario

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("reviews.services.members._log", broken)
    with pytest.raises(RuntimeError):
        remove_member(s.workshop, s.assigned, by=s.chair)

    assert roles_of(s, s.assigned) == {MemberRole.REVIEWER}
    assert Assignment.objects.filter(pk=s.assignment.pk).exists()


def test_the_last_chair_cannot_be_removed_nor_demoted(scenario):
    s = scenario
    Membership.objects.filter(user=s.conflicted_chair).delete()

    with pytest.raises(ReviewFlowError):
        remove_member(s.workshop, s.chair, by=s.chair)
    with pytest.raises(ReviewFlowError):
        set_roles(s.workshop, s.chair, "reviewer", by=s.chair)
    assert roles_of(s, s.chair) == {MemberRole.CHAIR}


def test_role_change_makes_a_reviewer_a_chair_and_back(scenario, login):
    s = scenario
    client = login(s.chair)
    url = reverse("reviews:member_role", args=[s.workshop.slug, s.unassigned.pk])

    client.post(url, {"role": "both"})
    both = roles_of(s, s.unassigned)
    client.post(url, {"role": "reviewer"})

    assert both == {MemberRole.CHAIR, MemberRole.REVIEWER}
    assert roles_of(s, s.unassigned) == {MemberRole.REVIEWER}
    assert list(CommitteeChange.objects.values_list("action", flat=True)) == ["roles", "roles"]


def test_adding_a_co_chair_needs_an_account_and_tells_them(
    scenario, login, django_capture_on_commit_callbacks
):
    s = scenario
    newcomer = base.UserFactory(email="nina@chairs3.example")
    client = login(s.chair)
    url = reverse("reviews:chair_add", args=[s.workshop.slug])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "NINA@chairs3.example"})
        unknown = client.post(url, {"email": "nobody@nowhere.example"}, follow=True)

    assert roles_of(s, newcomer) == {MemberRole.CHAIR}
    assert [m.to for m in mail.outbox] == [["nina@chairs3.example"]]
    assert "sign up on this site first" in unknown.content.decode()


@pytest.mark.parametrize("role", ["assigned", "author", "conflicted_reviewer"])
def test_only_chairs_manage_members(scenario, login, role):
    s = scenario
    client = login(s.user(role))

    responses = [
        client.get(reverse("reviews:member_remove", args=[s.workshop.slug, s.unassigned.pk])),
        client.post(reverse("reviews:member_remove", args=[s.workshop.slug, s.unassigned.pk])),
        client.post(
            reverse("reviews:member_role", args=[s.workshop.slug, s.unassigned.pk]),
            {"role": "chair"},
        ),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert roles_of(s, s.unassigned) == {MemberRole.REVIEWER}


def test_the_committee_page_runs_a_constant_number_of_queries(scenario, login):
    s = scenario
    client = login(s.chair)
    client.get(committee_url(s))  # warm caches (session, site)
    with CaptureQueriesContext(connection) as few:
        client.get(committee_url(s))
    for i in range(12):
        reviewer = base.member(s.workshop, "reviewer", email=f"extra{i}@reviewers9.example")
        base.AssignmentFactory(submission=s.other_paper, reviewer=reviewer, ordinal=10 + i)
    with CaptureQueriesContext(connection) as many:
        client.get(committee_url(s))

    assert len(many) == len(few), [q["sql"] for q in many]
