"""The area chair's workspace: the papers page and its query count, the paper page, reminders to
late reviewers, and emergency reviewer requests the chairs see and mark handled."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.models import Entry
from mail.models import OutgoingEmail
from reviews.enums import Phase
from reviews.models import AreaChairAssignment, AuthorResponse, EmergencyReviewerRequest
from reviews.services.meta_reviews import MetaReviewInput, save_meta_review
from tests import factories as base
from tests.scenarios import AUTHOR_SECRETS, REVIEWER_NAME, set_phase, submit_review

AC_NAME = "Alma Areachair"


@pytest.fixture
def ac(scenario):
    user = base.member(scenario.workshop, "area_chair", full_name=AC_NAME, email="alma@ac.example")
    AreaChairAssignment.objects.create(submission=scenario.paper, area_chair=user)
    return user


def papers_url(s):
    return reverse("reviews:ac_papers", args=[s.workshop.slug])


def paper_url(s, name="ac_paper"):
    return reverse(f"reviews:{name}", args=[s.workshop.slug, s.paper.number])


def late_assignment(s, name="Larry Late"):
    reviewer = base.member(s.workshop, "reviewer", full_name=name)
    return base.AssignmentFactory(
        submission=s.paper,
        reviewer=reviewer,
        ordinal=2 if name == "Larry Late" else 3,
        due_at=timezone.now() - dt.timedelta(days=2),
    )


def test_papers_page_shows_progress_response_and_meta_review_state(scenario, ac, login):
    late = late_assignment(scenario)
    AuthorResponse.objects.create(
        submission=scenario.paper, text="Thanks.", submitted_at=timezone.now()
    )
    save_meta_review(
        submission=scenario.paper,
        user=ac,
        data=MetaReviewInput(recommendation="reject"),
        submit=False,
    )
    client = login(ac)
    response = client.get(papers_url(scenario))
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert (row.submitted, row.assigned, row.late) == (0, 2, 1)
    assert row.next_due == scenario.assignment.due_at
    assert row.response_arrived
    assert row.meta_state == "draft"
    body = response.content.decode()
    assert REVIEWER_NAME in body and late.reviewer.full_name in body
    assert "1 late" in body and "Arrived" in body and "Draft" in body
    for secret in AUTHOR_SECRETS:
        assert secret not in body
    # The reviews home links the area chair to it.
    assert papers_url(scenario) in client.get(reverse("reviews:home")).content.decode()


def _add_papers(s, ac, start, n, reviewers):
    for i in range(start, start + n):
        paper = base.SubmissionFactory(workshop=s.workshop, number=100 + i, submitted=True)
        base.AuthorshipFactory(submission=paper)
        AreaChairAssignment.objects.create(submission=paper, area_chair=ac)
        for ordinal, reviewer in enumerate(reviewers, start=1):
            a = base.AssignmentFactory(submission=paper, reviewer=reviewer, ordinal=ordinal)
            if ordinal == 1:
                submit_review(a, s.criteria)
        if i % 2:
            AuthorResponse.objects.create(submission=paper, text="R", submitted_at=timezone.now())


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_papers_page_queries_constant_at_3_and_30_papers(scenario, ac, login):
    reviewers = [base.member(scenario.workshop, "reviewer") for _ in range(3)]
    AreaChairAssignment.objects.filter(area_chair=ac).delete()
    _add_papers(scenario, ac, 0, 3, reviewers)
    client = login(ac)
    few, response = _count(client, papers_url(scenario))
    assert len(response.context["rows"]) == 3

    _add_papers(scenario, ac, 3, 27, reviewers)
    many, response = _count(client, papers_url(scenario))
    assert len(response.context["rows"]) == 30
    assert many == few


def test_paper_page_shows_reviews_with_names_and_progress(scenario, ac, login):
    submit_review(scenario.assignment, scenario.criteria)
    late_assignment(scenario)
    client = login(ac)
    body = client.get(paper_url(scenario)).content.decode()
    assert REVIEWER_NAME in body  # reviewer names of their paper
    assert "Nice work." in body  # the submitted review
    assert "Secret note for the chairs" not in body
    assert "Late" in body
    for secret in AUTHOR_SECRETS:
        assert secret not in body


def test_in_a_single_blind_call_the_area_chair_sees_the_authors(scenario, ac, login):
    scenario.workshop.anonymity = "single_blind"
    scenario.workshop.save()
    client = login(ac)
    assert AUTHOR_SECRETS[0] in client.get(paper_url(scenario)).content.decode()


def test_remind_late_reviewers_once_per_reminder_logged(scenario, ac, login):
    late = late_assignment(scenario)
    other_late = late_assignment(scenario, "Lena Later")
    submit_review(other_late, scenario.criteria)  # submitted: not late any more
    client = login(ac)
    page = client.get(paper_url(scenario))
    token = page.context["reminder_token"]

    for _ in range(2):  # a double post
        assert client.post(paper_url(scenario, "ac_remind"), {"token": token}).status_code == 302
    reminders = OutgoingEmail.objects.filter(template_role="reviews.reminder")
    assert list(reminders.values_list("recipient", flat=True)) == [late.reviewer.email]
    assert "Overdue review" in reminders.get().subject
    assert Entry.objects.filter(submission=scenario.paper, action="reminded").count() == 1

    # A new reminder (a page opened again) sends one more.
    token = client.get(paper_url(scenario)).context["reminder_token"]
    client.post(paper_url(scenario, "ac_remind"), {"token": token})
    assert reminders.count() == 2
    # A forged token is refused.
    client.post(paper_url(scenario, "ac_remind"), {"token": "not-a-token"})
    assert reminders.count() == 2


def test_emergency_request_mails_the_chairs_once_and_they_mark_it_handled(scenario, ac, login):
    client = login(ac)
    for _ in range(2):  # a double post
        response = client.post(paper_url(scenario, "ac_emergency"), {"reason": "Reviewer left."})
        assert response.status_code == 302
    request = EmergencyReviewerRequest.objects.get()
    assert request.is_open and request.requested_by == ac
    mails = OutgoingEmail.objects.filter(template_role="reviews.emergency_request")
    # Mailed to the chair; never to the chair conflicted with the paper.
    assert list(mails.values_list("recipient", flat=True)) == [scenario.chair.email]
    assert "Reviewer left." in mails.get().body
    assert Entry.objects.filter(action="emergency_requested").count() == 1
    assert "the request is open" in client.get(paper_url(scenario)).content.decode()

    chair = login(scenario.chair)
    overview = chair.get(reverse("workshops:manage", args=[scenario.workshop.slug]))
    dashboard = chair.get(reverse("reviews:manage", args=[scenario.workshop.slug]))
    manage_paper = chair.get(paper_url(scenario, "manage_paper"))
    for page in (overview, dashboard, manage_paper):
        body = page.content.decode()
        assert "Emergency reviewer request" in body and "Reviewer left." in body

    conflicted = login(scenario.conflicted_chair)
    body = conflicted.get(reverse("reviews:manage", args=[scenario.workshop.slug])).content
    assert b"Reviewer left." not in body
    handled = paper_url(scenario, "emergency_handled")
    assert conflicted.post(handled, {"request": request.pk}).status_code == 404
    request.refresh_from_db()
    assert request.is_open

    chair = login(scenario.chair)
    response = chair.post(handled, {"request": request.pk})
    assert response.status_code == 302
    chair.post(handled, {"request": request.pk})
    request.refresh_from_db()
    assert not request.is_open and request.handled_by == scenario.chair
    assert Entry.objects.filter(action="emergency_handled").count() == 1
    body = chair.get(reverse("reviews:manage", args=[scenario.workshop.slug])).content.decode()
    assert "Reviewer left." not in body
    # A bad id is a bad request, not an error page.
    assert chair.post(handled, {"request": "x"}).status_code == 400


def test_emergency_request_key_is_tied_to_the_paper(scenario, ac):
    from activity.mail import paper_of
    from reviews.services.ac_workspace import request_emergency_reviewer

    request_emergency_reviewer(submission=scenario.paper, by=ac, reason="")
    mail = OutgoingEmail.objects.get(template_role="reviews.emergency_request")
    assert paper_of(mail) == scenario.paper.pk


def test_reviewer_reminders_and_requests_refused_for_others(scenario, ac, login):
    late_assignment(scenario)
    client = login(scenario.assigned)
    assert client.post(paper_url(scenario, "ac_remind"), {"token": "a" * 32}).status_code == 404
    assert client.post(paper_url(scenario, "ac_emergency")).status_code == 404
    assert not OutgoingEmail.objects.filter(template_role="reviews.reminder").exists()
    assert not EmergencyReviewerRequest.objects.exists()


def test_area_chair_reads_reviews_from_the_reviewing_phase_on(scenario, ac, login):
    submit_review(scenario.assignment, scenario.criteria)
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(ac)
    body = client.get(paper_url(scenario)).content.decode()
    assert "Nice work." not in body
    set_phase(scenario.workshop, Phase.REVIEWING)
    body = client.get(paper_url(scenario)).content.decode()
    assert "Nice work." in body


def _papers_with_meta_reviews(s, start, n, reviewer):
    for i in range(start, start + n):
        paper = base.SubmissionFactory(workshop=s.workshop, number=200 + i, submitted=True)
        base.AuthorshipFactory(submission=paper)
        area_chair = base.member(s.workshop, "area_chair")
        AreaChairAssignment.objects.create(submission=paper, area_chair=area_chair)
        a = base.AssignmentFactory(submission=paper, reviewer=reviewer, ordinal=1)
        submit_review(a, s.criteria)
        save_meta_review(
            submission=paper,
            user=area_chair,
            data=MetaReviewInput(recommendation="reject", confidential_note="n"),
            submit=True,
        )


@pytest.mark.parametrize("name", ["reviews:decisions", "reviews:manage", "workshops:manage"])
def test_chair_pages_with_recommendations_queries_constant(scenario, login, name):
    set_phase(scenario.workshop, Phase.DISCUSSION)
    url = reverse(name, args=[scenario.workshop.slug])
    if name == "reviews:manage":
        url += "?cols=ac"  # the optional column of the area chair's recommendation
    _papers_with_meta_reviews(scenario, 0, 2, scenario.assigned)
    client = login(scenario.chair)
    few, response = _count(client, url)
    _papers_with_meta_reviews(scenario, 2, 8, scenario.assigned)
    many, response = _count(client, url)
    assert many == few
    if name != "workshops:manage":
        assert response.content.decode().count("<td>Reject</td>") == 10
