"""Mail to groups: exactly the expected recipients, once (a double POST sends nothing more),
the preview is what is sent, placeholders respect anonymity, conflicted chairs are kept out."""

import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mail.models import OutgoingEmail
from messaging.models import GroupMessage, GroupMessageRecipient
from messaging.services import recipients_for
from publication.models import CameraReady
from reviews.enums import Phase
from reviews.services.decisions import stage_decision
from submissions.enums import FileKind
from tests import factories as base
from tests.scenarios import release_now, set_phase, submit_review


def url(s):
    return reverse("messaging:compose", args=[s.workshop.slug])


def post(client, s, **data):
    data.setdefault("key", str(uuid.uuid4()))
    data.setdefault("action", "send")
    return client.post(url(s), data, follow=True)


def group_emails():
    return OutgoingEmail.objects.filter(template_role__startswith="messaging.")


def sent_to():
    return sorted(m.to[0] for m in mail.outbox)


@pytest.fixture
def decided(scenario, django_capture_on_commit_callbacks):
    """Paper #1 accepted (two authors), paper #2 rejected (one author), released."""
    s = scenario
    submit_review(s.assignment, s.criteria)
    set_phase(s.workshop, Phase.DECISIONS)
    stage_decision(submission=s.paper, outcome="accept_poster", by=s.chair)
    stage_decision(submission=s.other_paper, outcome="reject", by=s.chair)
    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=s.workshop, by=s.chair)
    mail.outbox.clear()
    return s


@pytest.mark.parametrize(
    "group, expected",
    [
        ("accepted", ["author", "coauthor"]),
        ("rejected", ["unrelated_author"]),
        ("authors", ["author", "coauthor", "unrelated_author"]),
        ("undecided", []),
        ("camera_missing", ["author", "coauthor"]),
        ("reviewers", ["assigned", "conflicted_reviewer", "unassigned"]),
    ],
)
def test_each_group_gets_exactly_its_people_once(decided, group, expected):
    people = recipients_for(decided.workshop, decided.chair, group, subject="Hi", body="Hi")

    assert sorted(r.email for r in people) == sorted(
        getattr(decided, who).email for who in expected
    )


def test_a_camera_ready_takes_the_paper_out_of_the_camera_ready_group(decided):
    # The camera-ready table's rule: a final PDF alone is not a complete camera-ready, the
    # authors must also confirm the final metadata (and accept the terms, when there are any).
    base.SubmissionFileFactory(submission=decided.paper, kind=FileKind.CAMERA_READY, version=1)
    assert recipients_for(decided.workshop, decided.chair, "camera_missing") != []
    CameraReady.objects.create(submission=decided.paper, confirmed_at=timezone.now())

    assert recipients_for(decided.workshop, decided.chair, "camera_missing") == []


def test_reviewers_with_missing_reviews(scenario):
    s = scenario
    base.AssignmentFactory(submission=s.other_paper, reviewer=s.unassigned, ordinal=1)
    submit_review(s.assignment, s.criteria)

    people = recipients_for(s.workshop, s.chair, "reviews_missing")

    assert [(r.email, r.values["missing_reviews"]) for r in people] == [(s.unassigned.email, "1")]


def test_sending_queues_one_email_per_recipient_and_a_double_post_sends_nothing_more(
    decided, login, django_capture_on_commit_callbacks
):
    client = login(decided.chair)
    key = str(uuid.uuid4())
    data = {"key": key, "group": "accepted", "subject": "Registration", "body": "Dear {name}"}

    with django_capture_on_commit_callbacks(execute=True):
        post(client, decided, **data)
        again = post(client, decided, **data)

    assert sent_to() == sorted([decided.author.email, decided.coauthor.email])
    assert GroupMessage.objects.count() == 1
    assert GroupMessageRecipient.objects.filter(outgoing__isnull=False).count() == 2
    assert "already sent; nothing was sent again" in again.content.decode()
    body = {m.to[0]: m.body for m in mail.outbox}
    assert body[decided.author.email] == f"Dear {decided.author.full_name}"
    assert all(m.subject == "[WRL 2026] Registration" for m in mail.outbox)
    # The history lists the message and whom it went to.
    history = client.get(url(decided)).content.decode()
    assert "Registration" in history
    detail = client.get(
        reverse("messaging:message", args=[decided.workshop.slug, GroupMessage.objects.get().pk])
    ).content.decode()
    assert decided.author.email in detail and decided.coauthor.email in detail


def test_paper_placeholders_send_one_email_per_paper(decided, django_capture_on_commit_callbacks):
    # The author of paper #1 also wrote paper #2.
    base.AuthorshipFactory(
        submission=decided.other_paper,
        user=decided.author,
        name=decided.author.full_name,
        email=decided.author.email,
        order=1,
    )
    from messaging.services import send_message

    with django_capture_on_commit_callbacks(execute=True):
        send_message(
            workshop=decided.workshop,
            by=decided.chair,
            key=uuid.uuid4(),
            group="authors",
            subject="About #{paper_number}",
            body="{paper_title}: {paper_url}",
        )
        send_message(
            workshop=decided.workshop,
            by=decided.chair,
            key=uuid.uuid4(),
            group="authors",
            subject="Workshop news",
            body="Hello {name}",
        )

    per_paper = sorted(m.subject for m in mail.outbox if m.to == [decided.author.email])
    assert per_paper == [
        "[WRL 2026] About #1",
        "[WRL 2026] About #2",
        "[WRL 2026] Workshop news",
    ]
    assert len(mail.outbox) == 4 + 3  # 4 author-paper pairs, then 3 distinct people


def test_the_preview_is_what_is_sent(decided, login, django_capture_on_commit_callbacks):
    client = login(decided.chair)
    data = {
        "key": str(uuid.uuid4()),
        "group": "accepted",
        "subject": "Poster for #{paper_number}",
        "body": "Dear {name}, bring the poster of “{paper_title}” to {workshop}.\n{paper_url}",
    }
    token = f"{decided.coauthor.email}|{decided.paper.pk}"

    preview = client.post(url(decided), {**data, "action": "preview", "preview_for": token})
    shown = preview.context["preview"]
    with django_capture_on_commit_callbacks(execute=True):
        post(client, decided, **data)

    assert shown["to"].email == decided.coauthor.email
    row = group_emails().get(recipient=decided.coauthor.email)
    assert (row.subject, row.body) == (shown["subject"], shown["body"])
    assert "Send to 2 recipients" in preview.content.decode()


def test_reviewer_mail_cannot_name_papers_or_authors(decided, login):
    client = login(decided.chair)

    response = post(
        client, decided, group="reviewers", subject="Hi", body="Your paper {paper_title}"
    )

    assert "Unknown placeholder {paper_title}" in response.content.decode()
    assert GroupMessage.objects.count() == 0
    assert group_emails().count() == 0


def test_a_conflicted_chair_never_writes_to_the_authors_of_their_conflict(decided, login):
    s = decided
    client = login(s.conflicted_chair)
    author_of_1 = s.paper.authors.get(email=s.author.email)

    page = client.get(url(s)).content.decode()
    everyone = recipients_for(s.workshop, s.conflicted_chair, "authors")
    response = post(client, s, group="picked", picked=[f"a{author_of_1.pk}"], subject="x", body="x")

    assert [r.email for r in everyone] == [s.unrelated_author.email]
    assert s.author.email not in page
    assert "is not one of the available choices" in response.content.decode()
    assert group_emails().count() == 0


def test_hand_picked_list_gets_exactly_the_picked_people(
    decided, login, django_capture_on_commit_callbacks
):
    s = decided
    client = login(s.chair)
    other_author = s.other_paper.authors.get()

    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            s,
            group="picked",
            picked=[f"u{s.unassigned.pk}", f"a{other_author.pk}"],
            subject="Hello {name}",
            body="Hi",
        )

    assert sent_to() == sorted([s.unassigned.email, s.unrelated_author.email])


@pytest.mark.parametrize("role", ["assigned", "author"])
def test_only_chairs_mail_groups(decided, login, role):
    client = login(decided.user(role))

    assert client.get(url(decided)).status_code == 404
    assert post(client, decided, group="authors", subject="x", body="x").status_code == 404
    assert group_emails().count() == 0


def test_the_compose_page_preselects_no_group(decided, login):
    html = login(decided.chair).get(url(decided)).content.decode()

    select = re.search(r'<select name="group".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\w*)" selected', select) == [""]
