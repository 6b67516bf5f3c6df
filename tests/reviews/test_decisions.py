"""Staged decisions, bulk release, exactly-once notification, templates and previews."""

from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from mail.models import OutgoingEmail
from reviews.enums import Phase
from reviews.models import Decision, DecisionRelease, DecisionTemplate
from reviews.services import ReviewFlowError
from reviews.services.decisions import (
    notification_key,
    render_decision_email,
    stage_decision,
)
from reviews.services.templating import render_template, validate_template
from reviews.tasks import send_decision_notifications
from submissions.models import Submission
from tests import factories as base
from tests.scenarios import release_now, set_phase, submit_review


@pytest.fixture
def decided(scenario):
    """Both papers decided (staged) in the decisions phase: 2 + 1 authors."""
    s = scenario
    submit_review(s.assignment, s.criteria)
    set_phase(s.workshop, Phase.DECISIONS)
    stage_decision(submission=s.paper, outcome="accept_poster", comments="Good.", by=s.chair)
    stage_decision(submission=s.other_paper, outcome="reject", by=s.chair)
    return s


def test_release_sets_states_and_notifies_each_author_once(
    decided, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        release = release_now(workshop=decided.workshop, by=decided.chair)

    assert Submission.objects.get(pk=decided.paper.pk).state == "accepted"
    assert Submission.objects.get(pk=decided.other_paper.pk).state == "rejected"
    assert Decision.objects.filter(release=release, released_at__isnull=False).count() == 2
    rows = OutgoingEmail.objects.filter(template_role__startswith="reviews.decision")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        [decided.author.email, decided.coauthor.email, decided.unrelated_author.email]
    )
    assert len(mail.outbox) == 3
    assert DecisionRelease.objects.get(pk=release.pk).notified_at is not None
    key = notification_key(release.pk, decided.paper.pk, decided.author.email)
    assert rows.filter(idempotency_key=key).count() == 1


def test_notification_task_run_twice_sends_nothing_more(
    decided, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        release = release_now(workshop=decided.workshop, by=decided.chair)
    with django_capture_on_commit_callbacks(execute=True):
        send_decision_notifications.delay(release.pk)
        send_decision_notifications.delay(release.pk)

    assert OutgoingEmail.objects.filter(template_role__startswith="reviews.decision").count() == 3
    assert len(mail.outbox) == 3


def test_notification_task_crash_midway_then_rerun_sends_each_once(
    decided, django_capture_on_commit_callbacks
):
    import reviews.services.decisions as decisions

    real = decisions.queue_emails
    calls = {"n": 0}

    def flaky(rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("worker died")
        return real(rows)

    # One paper's letters per chunk: the worker dies while queueing the second paper's.
    with (
        mock.patch.object(decisions, "NOTIFY_CHUNK", 1),
        mock.patch.object(decisions, "queue_emails", side_effect=flaky),
    ):
        with pytest.raises((ConnectionError, Retry)):
            with django_capture_on_commit_callbacks(execute=True):
                release = release_now(workshop=decided.workshop, by=decided.chair)
    release = DecisionRelease.objects.get()
    # Paper #1's two authors were queued (and committed) before the crash.
    assert OutgoingEmail.objects.filter(template_role__startswith="reviews.decision").count() == 2
    assert release.notified_at is None

    with django_capture_on_commit_callbacks(execute=True):
        send_decision_notifications.delay(release.pk)

    rows = OutgoingEmail.objects.filter(template_role__startswith="reviews.decision")
    assert rows.count() == 3
    assert len({r.idempotency_key for r in rows}) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(rows.values_list("recipient", flat=True))
    assert DecisionRelease.objects.get(pk=release.pk).notified_at is not None


def test_release_is_refused_before_decisions_phase(decided):
    set_phase(decided.workshop, Phase.REVIEWING)

    with pytest.raises(ReviewFlowError):
        release_now(workshop=decided.workshop, by=decided.chair)

    assert not DecisionRelease.objects.exists()
    assert Submission.objects.get(pk=decided.paper.pk).state == "submitted"


def test_conflicted_chair_cannot_decide_nor_release_the_paper(decided):
    with pytest.raises(ReviewFlowError):
        stage_decision(submission=decided.paper, outcome="reject", by=decided.conflicted_chair)

    release = release_now(workshop=decided.workshop, by=decided.conflicted_chair)

    # The conflicted chair released only the paper they may see; the other stays staged.
    assert list(release.decisions.values_list("submission_id", flat=True)) == [
        decided.other_paper.pk
    ]
    assert Decision.objects.get(submission=decided.paper).released_at is None
    assert Decision.objects.get(submission=decided.paper).outcome == "accept_poster"


def test_outcome_not_offered_by_workshop_is_refused(decided):
    with pytest.raises(ReviewFlowError):
        stage_decision(submission=decided.paper, outcome="accept_virtual_talk", by=decided.chair)

    assert Decision.objects.get(submission=decided.paper).outcome == "accept_poster"


def test_released_decision_cannot_be_changed(decided, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=decided.workshop, by=decided.chair)

    with pytest.raises(ReviewFlowError):
        stage_decision(submission=decided.paper, outcome="reject", by=decided.chair)


def test_author_cannot_read_reviews_before_release(decided, login):
    client = login(decided.author)

    response = client.get(reverse("reviews:author_view", args=[decided.workshop.slug, 1]))
    paper_page = client.get(reverse("reviews:paper", args=[decided.workshop.slug, 1]))

    assert response.status_code == 200
    assert "not been released" in response.content.decode()
    assert "Nice work." not in response.content.decode()
    assert "Good." not in response.content.decode()
    assert paper_page.status_code == 404


def test_posting_to_the_decisions_page_releases_nothing(decided, login):
    client = login(decided.chair)

    response = client.post(reverse("reviews:decisions", args=[decided.workshop.slug]))

    assert response.status_code == 405
    assert DecisionRelease.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0


# --- Templates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Hello {name}", "{title.__class__}", "{reviews[0]}", "{title!r}", "{number:>10}", "{"],
)
def test_template_validation_refuses_unknown_or_unsafe_placeholders(text):
    with pytest.raises(ValidationError):
        validate_template(text)


def test_template_renders_known_placeholders_and_literal_braces():
    text = "Dear {author_name}, #{number} {{not a field}}"

    assert render_template(text, {"author_name": "Ada", "number": "3"}) == (
        "Dear Ada, #3 {not a field}"
    )


def test_template_page_refuses_unknown_placeholder(decided, login):
    client = login(decided.chair)

    response = client.post(
        reverse("reviews:templates", args=[decided.workshop.slug]) + "?outcome=reject",
        {"outcome": "reject", "subject": "Decision", "body": "Dear {first_name}"},
    )

    assert response.status_code == 200
    assert "Unknown placeholder" in response.content.decode()
    assert not DecisionTemplate.objects.exists()


def test_template_page_saves_and_previews_for_real_recipient(decided, login):
    client = login(decided.chair)
    url = reverse("reviews:templates", args=[decided.workshop.slug])

    client.post(
        url + "?outcome=accept_poster",
        {
            "outcome": "accept_poster",
            "subject": "Yes: {title}",
            "body": "Dear {author_name}, {outcome} at {workshop}.\n{reviews}",
        },
    )
    response = client.get(url + "?outcome=accept_poster")

    body = response.content.decode()
    assert DecisionTemplate.objects.get(outcome="accept_poster").subject == "Yes: {title}"
    assert "Dear Ada Lovelace-Author, Accept as poster at WRL 2026." in body
    assert "Nice work." in body  # the reviews placeholder


def test_custom_template_used_in_notification(decided, django_capture_on_commit_callbacks):
    DecisionTemplate.objects.create(
        workshop=decided.workshop, outcome="reject", subject="Sorry #{number}", body="{title}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=decided.workshop, by=decided.chair)

    reject = [m for m in mail.outbox if "Sorry" in m.subject]
    assert len(reject) == 1
    assert reject[0].subject == "[WRL 2026] Sorry #2"
    # A template without {paper_url} still gets the link to the paper and its reviews.
    assert reject[0].body == (
        "Poisoning at scale\n\nYour paper and its reviews: "
        f"https://cfp.example.org/submissions/{decided.workshop.slug}/2/\n"
    )


def test_render_decision_email_has_no_confidential_note(decided):
    decision = Decision.objects.select_related("submission__workshop").get(submission=decided.paper)
    author = decided.paper.authors.first()

    subject, body = render_decision_email(decision, author)

    assert "Secret note" not in body
    assert "Reviewer 1" in body
    assert "Good." in body


def test_decision_for_unreviewable_paper_is_not_released(decided):
    base.SubmissionFactory(workshop=decided.workshop, number=3, submitted=True, state="withdrawn")

    release = release_now(workshop=decided.workshop, by=decided.chair)

    assert release.decisions.count() == 2


# --- Release recovery and phases -------------------------------------------------------------


def test_lost_notification_is_queued_again_by_the_beat_task(
    decided, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from reviews.schedule import BEAT_SCHEDULE
    from reviews.tasks import renotify_pending_releases

    # The broker was down at commit: the notification task never ran.
    release = release_now(workshop=decided.workshop, by=decided.chair)
    assert DecisionRelease.objects.get(pk=release.pk).notified_at is None
    DecisionRelease.objects.filter(pk=release.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=30)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert renotify_pending_releases.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert renotify_pending_releases.delay().get() == 0

    assert DecisionRelease.objects.get(pk=release.pk).notified_at is not None
    assert OutgoingEmail.objects.filter(template_role__startswith="reviews.decision").count() == 3
    assert len(mail.outbox) == 3
    assert "reviews.renotify_pending_releases" in {e["task"] for e in BEAT_SCHEDULE.values()}


def test_release_whose_notification_progresses_is_not_started_twice(decided):
    import datetime as dt

    from django.utils import timezone

    from reviews.services.decisions import renotify_pending_releases

    release = release_now(workshop=decided.workshop, by=decided.chair)
    DecisionRelease.objects.filter(pk=release.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    OutgoingEmail.objects.create(  # the running notification queued a letter just now
        workshop=decided.workshop,
        recipient="a@example.org",
        subject="s",
        body="b",
        idempotency_key=f"decision:{release.pk}:1:a@example.org",
        template_role="reviews.decision.accept",
    )
    assert renotify_pending_releases() == 0

    # No sign of life for a minute (its worker was killed): started again.
    later = timezone.now() + dt.timedelta(seconds=61)
    with mock.patch("reviews.tasks.send_decision_notifications.delay") as delay:
        assert renotify_pending_releases(now=later) == 1
    delay.assert_called_once_with(release.pk)


def test_decisions_page_shows_notification_status(decided, login):
    release = release_now(workshop=decided.workshop, by=decided.chair)
    client = login(decided.chair)

    pending = client.get(reverse("reviews:decisions", args=[decided.workshop.slug]))
    from reviews.services.decisions import notify_release

    notify_release(release.pk)
    OutgoingEmail.objects.filter(recipient=decided.author.email).update(state="failed")
    done = client.get(reverse("reviews:decisions", args=[decided.workshop.slug]))

    assert "Pending" in pending.content.decode()
    body = done.content.decode()
    assert "Queued" in body and "?state=failed" in body


def test_partial_release_keeps_the_phase_and_undecided_papers_in_discussion(decided):
    from reviews.permissions import review_settings

    Decision.objects.filter(submission=decided.other_paper).delete()

    release_now(workshop=decided.workshop, by=decided.chair)

    decided.workshop.refresh_from_db()
    assert review_settings(decided.workshop).phase == Phase.DECISIONS


def test_full_release_moves_to_notified(decided):
    from reviews.permissions import forget_settings, review_settings

    release_now(workshop=decided.workshop, by=decided.chair)

    forget_settings(decided.workshop)
    assert review_settings(decided.workshop).phase == Phase.NOTIFIED


def test_author_sees_reviews_of_released_paper_in_any_phase(decided, login):
    Decision.objects.filter(submission=decided.other_paper).delete()
    release_now(workshop=decided.workshop, by=decided.chair)
    set_phase(decided.workshop, Phase.DISCUSSION)

    body = login(decided.author).get(
        reverse("reviews:author_view", args=[decided.workshop.slug, 1])
    )

    assert "Nice work." in body.content.decode()


def test_template_preview_without_a_decision_uses_a_sample_paper(decided, login):
    client = login(decided.chair)

    response = client.get(
        reverse("reviews:templates", args=[decided.workshop.slug]) + "?outcome=accept_talk"
    )

    assert "Accept as talk" in response.content.decode()
    assert not Decision.objects.filter(outcome="accept_talk").exists()
    assert response.context["preview"] is not None
