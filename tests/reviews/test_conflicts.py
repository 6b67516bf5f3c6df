"""Conflicts of interest: detection (authorship, co-authorship, domain, affiliation), chairs'
overrides, authors' and reviewers' declarations, and their effect on rights."""

import pytest
from django.urls import reverse

from reviews.enums import AssignmentState, ConflictSource, Phase
from reviews.models import Assignment, Bid, Conflict
from reviews.permissions import paper_rights
from reviews.services import ReviewFlowError
from reviews.services.assignments import assign
from reviews.services.bidding import set_bid
from reviews.services.conflicts import detect_conflicts, normalize_affiliation
from tests import factories as base
from tests.reviews.conftest import reopen
from tests.scenarios import set_phase, submit_review


def reviewer(workshop, **kwargs):
    return base.member(workshop, "reviewer", **kwargs)


def sources(submission, user):
    return set(
        Conflict.objects.active()
        .filter(submission=submission, user=user)
        .values_list("source", flat=True)
    )


def test_detects_reviewer_who_is_an_author_by_account_or_address(scenario):
    by_user = reviewer(scenario.workshop, email="x1@elsewhere.example", affiliation="")
    by_email = reviewer(scenario.workshop, email="writer-x@elsewhere2.example", affiliation="")
    base.AuthorshipFactory(submission=scenario.other_paper, user=by_user, email="alias@e3.example")
    base.AuthorshipFactory(submission=scenario.other_paper, email="Writer-X@elsewhere2.example")

    detect_conflicts(scenario.workshop)

    assert sources(scenario.other_paper, by_user) == {ConflictSource.AUTO_AUTHOR}
    assert sources(scenario.other_paper, by_email) == {ConflictSource.AUTO_AUTHOR}


def test_detects_shared_institution_domain_including_subdomains(scenario):
    same = reviewer(scenario.workshop, email="eve@anon-institute.edu", affiliation="")
    sub = reviewer(scenario.workshop, email="sam@cs.coauthor-lab.org", affiliation="")
    listed = reviewer(
        scenario.workshop, email="lu@gmail.com", email_domains="anon-institute.edu", affiliation=""
    )

    detect_conflicts(scenario.workshop)

    for user in (same, sub, listed):
        assert sources(scenario.paper, user) == {ConflictSource.AUTO_DOMAIN}
        assert not sources(scenario.other_paper, user)


def test_public_mail_domains_are_not_conflicts(scenario):
    base.AuthorshipFactory(
        submission=scenario.other_paper, email="someone@gmail.com", affiliation=""
    )
    user = reviewer(scenario.workshop, email="other@gmail.com", affiliation="")

    detect_conflicts(scenario.workshop)

    assert not sources(scenario.other_paper, user)


def test_detects_same_normalized_affiliation(scenario):
    user = reviewer(
        scenario.workshop, email="z@zz.example", affiliation="  the ANON Institute of secrets. "
    )

    detect_conflicts(scenario.workshop)

    assert sources(scenario.paper, user) == {ConflictSource.AUTO_AFFILIATION}


def test_normalize_affiliation():
    assert normalize_affiliation("Université de Montréal") == normalize_affiliation(
        "universite montreal"
    )
    assert normalize_affiliation("Univ. of Maryland") == "university maryland"


def test_detects_coauthors_of_another_submission(scenario):
    # Uma co-authors a third paper with Bob, an author of paper #1.
    third = base.SubmissionFactory(workshop=scenario.workshop, number=3, submitted=True)
    base.AuthorshipFactory(
        submission=third, user=scenario.unassigned, email=scenario.unassigned.email
    )
    base.AuthorshipFactory(submission=third, user=scenario.coauthor, email=scenario.coauthor.email)

    detect_conflicts(scenario.workshop)

    assert sources(scenario.paper, scenario.unassigned) == {ConflictSource.AUTO_COAUTHOR}
    assert sources(third, scenario.unassigned) == {ConflictSource.AUTO_AUTHOR}


def test_detection_is_idempotent_and_respects_dismissals(scenario, django_assert_max_num_queries):
    user = reviewer(scenario.workshop, email="eve@anon-institute.edu", affiliation="")
    assert detect_conflicts(scenario.workshop) == 1
    Conflict.objects.filter(user=user).update(dismissed_at="2026-01-01T00:00Z")

    assert detect_conflicts(scenario.workshop) == 0
    assert not sources(scenario.paper, user)


def test_detection_uses_constant_queries(scenario, django_assert_num_queries):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            detect_conflicts(scenario.workshop)
        return len(ctx.captured_queries)

    def grow(start, n):
        for i in range(start, start + n):
            paper = base.SubmissionFactory(
                workshop=scenario.workshop, number=10 + i, submitted=True
            )
            base.AuthorshipFactory(submission=paper, email=f"p{i}@anon-institute.edu")
            reviewer(scenario.workshop, email=f"r{i}@anon-institute.edu")

    grow(0, 1)
    few = count()
    grow(1, 6)
    many = count()

    assert many == few


def test_stale_automatic_conflicts_are_removed(scenario):
    user = reviewer(scenario.workshop, email="eve@stale.example", affiliation="")
    author = base.AuthorshipFactory(submission=scenario.other_paper, email="e2@stale.example")
    detect_conflicts(scenario.workshop)
    assert sources(scenario.other_paper, user) == {ConflictSource.AUTO_DOMAIN}

    author.delete()
    detect_conflicts(scenario.workshop)

    assert not sources(scenario.other_paper, user)


def test_conflicted_assignment_is_refused(scenario):
    with pytest.raises(ReviewFlowError, match="conflict"):
        assign(submission=scenario.paper, reviewer=scenario.conflicted_reviewer, by=scenario.chair)

    assert not Assignment.objects.filter(reviewer=scenario.conflicted_reviewer).exists()


def test_author_cannot_be_assigned_own_paper_even_without_recorded_conflict(scenario):
    base.MembershipFactory(workshop=scenario.workshop, user=scenario.author, role="reviewer")

    with pytest.raises(ReviewFlowError):
        assign(submission=scenario.paper, reviewer=scenario.author, by=scenario.chair)


def test_conflicted_assignment_refused_in_view_with_message(scenario, login):
    client = login(scenario.chair)

    response = client.post(
        reverse("reviews:manage_paper", args=[scenario.workshop.slug, 1]),
        {"action": "assign", "reviewer": scenario.conflicted_reviewer.pk},
        follow=True,
    )

    assert "conflict of interest" in response.content.decode()
    assert not Assignment.objects.filter(reviewer=scenario.conflicted_reviewer).exists()


def test_new_conflict_withdraws_existing_assignment(scenario):
    from reviews.services.conflicts import add_conflict

    add_conflict(
        submission=scenario.paper,
        user=scenario.assigned,
        source=ConflictSource.CHAIR,
        by=scenario.chair,
    )

    scenario.assignment.refresh_from_db()
    assert scenario.assignment.state == AssignmentState.DECLINED
    assert not paper_rights(scenario.assigned, scenario.paper).can_view_paper


def test_chair_adds_and_removes_conflict(scenario, login):
    client = login(scenario.chair)
    url = reverse("reviews:conflicts", args=[scenario.workshop.slug])

    client.post(
        url,
        {
            "action": "add",
            "submission": scenario.other_paper.pk,
            "user": scenario.unassigned.pk,
            "reason": "Former student",
        },
    )
    assert sources(scenario.other_paper, scenario.unassigned) == {ConflictSource.CHAIR}

    client.post(
        url,
        {"action": "remove", "submission": scenario.other_paper.pk, "user": scenario.unassigned.pk},
    )
    assert not sources(scenario.other_paper, scenario.unassigned)


def test_conflicted_chair_cannot_remove_own_conflict(scenario, login):
    client = login(scenario.conflicted_chair)

    response = client.post(
        reverse("reviews:conflicts", args=[scenario.workshop.slug]),
        {"action": "remove", "submission": scenario.paper.pk, "user": scenario.conflicted_chair.pk},
    )

    assert response.status_code == 404
    assert sources(scenario.paper, scenario.conflicted_chair) == {ConflictSource.CHAIR}


def test_conflicts_page_hides_conflicted_chairs_papers(scenario, login):
    client = login(scenario.conflicted_chair)

    body = client.get(reverse("reviews:conflicts", args=[scenario.workshop.slug])).content.decode()

    assert "Robust training under label noise" not in body


def test_author_declares_conflicts(scenario, login):
    reopen(scenario.paper)
    client = login(scenario.coauthor)

    client.post(
        reverse("reviews:author_conflicts", args=[scenario.workshop.slug, 1]),
        {"members": [scenario.unassigned.pk], "reason": "Advisor"},
    )

    assert ConflictSource.AUTHOR in sources(scenario.paper, scenario.unassigned)
    assert not paper_rights(scenario.unassigned, scenario.paper).can_view_paper


def test_reviewer_declares_conflict_by_bidding(scenario):
    set_phase(scenario.workshop, Phase.BIDDING)

    set_bid(reviewer=scenario.unassigned, submission=scenario.other_paper, preference="conflict")

    assert sources(scenario.other_paper, scenario.unassigned) == {ConflictSource.REVIEWER}
    assert Bid.objects.get(reviewer=scenario.unassigned).preference == "conflict"
    with pytest.raises(ReviewFlowError):
        set_bid(reviewer=scenario.unassigned, submission=scenario.other_paper, preference="eager")


@pytest.mark.parametrize(
    "role,visible",
    [
        ("conflicted_reviewer", False),
        ("conflicted_chair", False),
        ("chair", True),
        ("assigned", True),
    ],
)
def test_conflicts_hide_paper_reviews_and_discussion(scenario, role, visible):
    submit_review(scenario.assignment, scenario.criteria)
    set_phase(scenario.workshop, Phase.DISCUSSION)

    rights = paper_rights(scenario.user(role), scenario.paper)

    assert rights.can_view_paper is visible
    assert rights.can_read_discussion is visible
    assert rights.can_see_reviews is visible
    assert rights.is_conflicted is not visible


# --- The automatic detection without a chair pressing "detect" ------------------------------


def _colleague(scenario):
    """A new reviewer from the author's institution (same affiliation), nothing recorded."""
    return reviewer(
        scenario.workshop,
        email="newbie@elsewhere9.example",
        affiliation="Anon Institute of Secrets",
    )


def test_new_reviewer_with_shared_affiliation_cannot_be_assigned(scenario):
    colleague = _colleague(scenario)
    assert not Conflict.objects.filter(user=colleague).exists()

    with pytest.raises(ReviewFlowError):
        assign(submission=scenario.paper, reviewer=colleague, by=scenario.chair)

    assert not Assignment.objects.filter(reviewer=colleague).exists()
    assert sources(scenario.paper, colleague) == {ConflictSource.AUTO_AFFILIATION}


def test_new_reviewer_with_shared_affiliation_cannot_bid_nor_see_paper_in_list(scenario, login):
    colleague = _colleague(scenario)
    set_phase(scenario.workshop, Phase.BIDDING)

    body = login(colleague).get(reverse("reviews:bids", args=[scenario.workshop.slug]))
    with pytest.raises(ReviewFlowError):
        set_bid(reviewer=colleague, submission=scenario.paper, preference="eager")

    assert "Robust training under label noise" not in body.content.decode()
    assert "Poisoning at scale" in body.content.decode()
    assert not Bid.objects.filter(reviewer=colleague).exists()


def test_dismissed_automatic_conflict_lets_the_chair_assign(scenario):
    colleague = _colleague(scenario)
    with pytest.raises(ReviewFlowError):
        assign(submission=scenario.paper, reviewer=colleague, by=scenario.chair)
    from reviews.services.conflicts import remove_conflict

    remove_conflict(submission=scenario.paper, user=colleague, by=scenario.chair)
    assignment = assign(submission=scenario.paper, reviewer=colleague, by=scenario.chair)

    assert assignment.is_active


def test_accepting_invitation_queues_detection(scenario, django_capture_on_commit_callbacks):
    from reviews.models import ReviewerInvitation
    from reviews.services.committee import accept_invitation

    newcomer = base.UserFactory(email="new@elsewhere8.example", affiliation="Coauthor Lab")
    invitation = ReviewerInvitation.objects.create(workshop=scenario.workshop, email=newcomer.email)

    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(invitation, newcomer)

    assert sources(scenario.paper, newcomer) == {ConflictSource.AUTO_AFFILIATION}


def test_changed_affiliation_queues_detection(scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scenario.unassigned.affiliation = "Anon Institute of Secrets"
        scenario.unassigned.save()

    assert sources(scenario.paper, scenario.unassigned) == {ConflictSource.AUTO_AFFILIATION}


def test_new_author_queues_detection(scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        base.AuthorshipFactory(
            submission=scenario.other_paper,
            name="A colleague",
            email="someone@reviewers2.example",  # Uma's institution
            affiliation="",
        )

    assert sources(scenario.other_paper, scenario.unassigned) == {ConflictSource.AUTO_DOMAIN}


# --- Authors' declarations -------------------------------------------------------------------


def test_author_cannot_declare_conflicts_after_the_deadline(scenario, login):
    client = login(scenario.author)
    url = reverse("reviews:author_conflicts", args=[scenario.workshop.slug, 1])

    page = client.get(url)
    client.post(url, {"members": [scenario.unassigned.pk], "reason": "Too late"})

    assert "write to the chairs" in page.content.decode().lower()
    assert ConflictSource.AUTHOR not in sources(scenario.paper, scenario.unassigned)


def test_author_cannot_declare_conflict_with_a_chair(scenario, login):
    reopen(scenario.paper)
    client = login(scenario.author)

    response = client.post(
        reverse("reviews:author_conflicts", args=[scenario.workshop.slug, 1]),
        {"members": [scenario.chair.pk, scenario.unassigned.pk]},
        follow=True,
    )

    assert not sources(scenario.paper, scenario.chair)
    assert ConflictSource.AUTHOR in sources(scenario.paper, scenario.unassigned)
    assert "chairs manage their own conflicts" in response.content.decode()


def test_new_conflict_never_declines_a_submitted_review_and_flags_it(scenario, login):
    submit_review(scenario.assignment, scenario.criteria)
    from reviews.services.conflicts import add_conflict

    add_conflict(
        submission=scenario.paper, user=scenario.assigned, source=ConflictSource.CHAIR, by=None
    )

    scenario.assignment.refresh_from_db()
    assert scenario.assignment.state == AssignmentState.ACTIVE
    body = login(scenario.chair).get(reverse("reviews:conflicts", args=[scenario.workshop.slug]))
    assert "Conflicts with a submitted review" in body.content.decode()
