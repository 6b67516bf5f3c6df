"""A chair who is also an author of a paper is treated like a conflicted chair everywhere: no
staged decision, no reviews, no reviewer names, no release, no mail about it."""

import pytest
from django.urls import reverse

from mail.models import OutgoingEmail
from reviews.enums import Phase
from reviews.models import Decision
from reviews.permissions import excluded_submission_ids, paper_rights
from reviews.services.decisions import stage_decision, staged_decisions
from tests import factories as base
from tests.scenarios import REVIEWER_NAME, release_now, set_phase, submit_review


@pytest.fixture(params=["account", "email"])
def author_chair(request, scenario):
    """A chair listed as an author of paper #1, by account or by address only."""
    chair = base.member(
        scenario.workshop, "chair", full_name="Alma Author-Chair", email="alma@chairs3.example"
    )
    base.AuthorshipFactory(
        submission=scenario.paper,
        user=chair if request.param == "account" else None,
        name=chair.full_name,
        email=chair.email.upper() if request.param == "email" else chair.email,
        order=5,
    )
    return chair


@pytest.fixture
def staged(scenario):
    s = scenario
    submit_review(s.assignment, s.criteria, comments="A careful review.")
    set_phase(s.workshop, Phase.DECISIONS)
    stage_decision(submission=s.paper, outcome="accept_talk", comments="Staged!", by=s.chair)
    stage_decision(submission=s.other_paper, outcome="reject", by=s.chair)
    return s


def test_excluded_ids_are_conflicts_and_authored_papers(scenario, author_chair):
    assert set(excluded_submission_ids(author_chair, scenario.workshop)) == {scenario.paper.pk}
    assert set(excluded_submission_ids(scenario.conflicted_chair, scenario.workshop)) == {
        scenario.paper.pk
    }
    assert not set(excluded_submission_ids(scenario.chair, scenario.workshop))


def test_author_chair_cannot_see_nor_release_staged_decision(staged, author_chair):
    assert [d.submission_id for d in staged_decisions(staged.workshop, author_chair)] == [
        staged.other_paper.pk
    ]

    release = release_now(workshop=staged.workshop, by=author_chair)

    assert list(release.decisions.values_list("submission_id", flat=True)) == [
        staged.other_paper.pk
    ]
    assert Decision.objects.get(submission=staged.paper).released_at is None


def test_author_chair_pages_show_nothing_of_the_paper(staged, author_chair, login):
    client = login(author_chair)
    slug = staged.workshop.slug

    pages = {
        name: client.get(reverse(f"reviews:{name}", args=[slug]))
        for name in ("manage", "decisions", "conflicts", "outbox")
    }
    templates = client.get(reverse("reviews:templates", args=[slug]) + "?outcome=accept_talk")

    for name, response in {**pages, "templates": templates}.items():
        body = response.content.decode()
        assert response.status_code == 200, name
        assert "Robust training under label noise" not in body, name
        assert "Staged!" not in body and "A careful review." not in body, name
        if name in ("decisions", "outbox"):  # other pages list the whole committee
            assert REVIEWER_NAME not in body, name
    assert client.get(reverse("reviews:manage_paper", args=[slug, 1])).status_code == 404
    assert client.get(reverse("reviews:paper", args=[slug, 1])).status_code == 404
    assert not paper_rights(author_chair, staged.paper).can_see_reviews


def test_outbox_hides_mail_about_authored_paper(
    staged, author_chair, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=staged.workshop, by=staged.chair)
    assert OutgoingEmail.objects.filter(idempotency_key__contains=f":{staged.paper.pk}:").exists()

    body = login(author_chair).get(reverse("reviews:outbox", args=[staged.workshop.slug]))

    assert "Robust training" not in body.content.decode()


def test_reviewer_loads_leave_out_papers_the_chair_may_not_see(staged, author_chair):
    from reviews.services.dashboard import reviewer_rows

    rows = {r.pk: r for r in reviewer_rows(staged.workshop, user=author_chair)}
    mine = {r.pk: r for r in reviewer_rows(staged.workshop, user=staged.chair)}

    assert rows[staged.assigned.pk].assigned == 0
    assert mine[staged.assigned.pk].assigned == 1
