"""Anonymity is a rights question: no author data reaches reviewers, no reviewer identity
reaches authors — in pages, PDFs and e-mails."""

import datetime as dt
import io

from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from mail.models import OutgoingEmail
from reviews.enums import Phase
from reviews.services.assignments import assign
from reviews.services.decisions import stage_decision
from reviews.services.discussion import post_comment
from reviews.services.reminders import send_due_reminders
from tests.scenarios import AUTHOR_SECRETS, REVIEWER_SECRETS, release_now, set_phase, submit_review


def assert_no_secrets(text: str, secrets, where: str):
    lowered = text.lower()
    for secret in secrets:
        assert secret.lower() not in lowered, f"{secret!r} leaked in {where}"


def test_reviewer_pages_never_show_authors(scenario, login, django_assert_max_num_queries):
    s = scenario
    slug = s.workshop.slug
    client = login(s.assigned)
    pages = {}
    set_phase(s.workshop, Phase.BIDDING)
    pages["bidding list"] = client.get(reverse("reviews:bids", args=[slug]))
    pages["paper (bidding)"] = client.get(reverse("reviews:paper", args=[slug, 1]))
    set_phase(s.workshop, Phase.REVIEWING)
    pages["workshop"] = client.get(reverse("reviews:workshop", args=[slug]))
    pages["review form"] = client.get(reverse("reviews:review_edit", args=[slug, 1]))
    submit_review(s.assignment, s.criteria)
    other = assign(submission=s.paper, reviewer=s.unassigned, by=s.chair)
    submit_review(other, s.criteria, comments="Second opinion.")
    set_phase(s.workshop, Phase.DISCUSSION)
    post_comment(submission=s.paper, author=s.chair, body="Let us discuss.")
    pages["paper with other reviews"] = client.get(reverse("reviews:paper", args=[slug, 1]))
    pages["discussion"] = client.get(reverse("reviews:discussion", args=[slug, 1]))

    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_no_secrets(response.content.decode(), AUTHOR_SECRETS, where)
    # Other reviewers appear by number only.
    assert "Reviewer 2" in pages["paper with other reviews"].content.decode()
    assert "Uma Unassigned" not in pages["paper with other reviews"].content.decode()
    assert "Secret note for the chairs" not in pages["paper with other reviews"].content.decode()


def test_reviewer_pdf_is_anonymized_copy(scenario, login):
    client = login(scenario.assigned)

    response = client.get(reverse("reviews:paper_pdf", args=[scenario.workshop.slug, 1]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="paper-1.pdf"'
    data = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert_no_secrets(metadata, AUTHOR_SECRETS, "PDF metadata")
    assert b"Lovelace" not in data


def test_reviewer_emails_never_show_authors(scenario, django_capture_on_commit_callbacks):
    s = scenario
    with django_capture_on_commit_callbacks(execute=True):
        assign(submission=s.paper, reviewer=s.unassigned, by=s.chair)
        send_due_reminders(now=s.assignment.due_at - dt.timedelta(days=2))
        send_due_reminders(now=s.assignment.due_at + dt.timedelta(days=1, hours=1))
        submit_review(s.assignment, s.criteria)
    set_phase(s.workshop, Phase.DISCUSSION)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(submission=s.paper, author=s.chair, body="Thoughts?")

    roles = set(OutgoingEmail.objects.values_list("template_role", flat=True))
    assert {"reviews.assigned", "reviews.reminder", "reviews.comment"} <= roles
    assert len(mail.outbox) == OutgoingEmail.objects.count()
    for message in mail.outbox:
        assert_no_secrets(message.subject + message.body, AUTHOR_SECRETS, message.subject)


def test_author_pages_and_decision_emails_never_show_reviewers(
    scenario, login, django_capture_on_commit_callbacks
):
    s = scenario
    submit_review(s.assignment, s.criteria, comments="Solid paper.")
    set_phase(s.workshop, Phase.DECISIONS)
    stage_decision(submission=s.paper, outcome="accept_talk", comments="Well done.", by=s.chair)
    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=s.workshop, by=s.chair)

    client = login(s.author)
    response = client.get(reverse("reviews:author_view", args=[s.workshop.slug, 1]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Solid paper." in body and "Reviewer 1" in body and "Accept as talk" in body
    assert_no_secrets(body, REVIEWER_SECRETS, "author view")
    decision_mails = [m for m in mail.outbox if "accepted" in m.subject]
    assert {m.to[0] for m in decision_mails} == {s.author.email, s.coauthor.email}
    for message in decision_mails:
        assert "Solid paper." in message.body
        assert_no_secrets(message.subject + message.body, REVIEWER_SECRETS, "decision e-mail")


def test_reviewer_querysets_never_load_authorship(
    scenario, login, django_assert_num_queries, settings
):
    """The SQL of the reviewer's pages never selects from the authorship table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(scenario.assigned)
    set_phase(scenario.workshop, Phase.BIDDING)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("reviews:bids", args=[scenario.workshop.slug]))
        client.get(reverse("reviews:paper", args=[scenario.workshop.slug, 1]))
        client.get(reverse("reviews:paper_pdf", args=[scenario.workshop.slug, 1]))
    for query in ctx.captured_queries:
        sql = query["sql"].lower()
        if "submissions_authorship" in sql and '"accounts_user"."email_domains"' in sql:
            # The automatic conflict check (services.conflicts.find_conflicts) compares the
            # reviewer with the authors on the server; its rows never reach a template.
            continue
        if "submissions_authorship" in sql:
            # Only EXISTS / IN subqueries (conflict checks), never author columns.
            assert '"submissions_authorship"."name"' not in sql
            assert '"submissions_authorship"."affiliation"' not in sql


def test_single_blind_paper_page_shows_authors_to_reviewers(scenario, login):
    scenario.workshop.anonymity = "single_blind"
    scenario.workshop.save()
    client = login(scenario.assigned)

    body = client.get(reverse("reviews:paper", args=[scenario.workshop.slug, 1])).content.decode()

    assert "Ada Lovelace-Author" in body


def test_author_reviews_template_tag_for_submission_pages(
    scenario, rf, django_capture_on_commit_callbacks
):
    from django.template import Context, Template

    s = scenario
    submit_review(s.assignment, s.criteria, comments="Tag-rendered review.")
    set_phase(s.workshop, Phase.DECISIONS)
    stage_decision(submission=s.paper, outcome="reject", by=s.chair)
    template = Template("{% load review_tags %}{% author_reviews paper %}")

    def render(user):
        request = rf.get("/")
        request.user = user
        return template.render(Context({"request": request, "paper": s.paper}))

    before = render(s.author)
    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=s.workshop, by=s.chair)
    s.paper.refresh_from_db()
    from reviews.permissions import forget_rights

    forget_rights(s.author)
    after = render(s.author)
    stranger = render(s.unassigned)

    assert "not been released" in before and "Tag-rendered" not in before
    assert "Tag-rendered review." in after and "Reject" in after
    assert_no_secrets(after, REVIEWER_SECRETS, "author include")
    assert "Tag-rendered" not in stranger
