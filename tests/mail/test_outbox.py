import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from mail import services
from mail.models import EmailState, OutgoingEmail
from mail.tasks import MAX_RETRIES, send_email
from tests.mail.backends import FlakyBackend

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def undelivered(monkeypatch):
    """Rows stay queued: the delivery task is recorded instead of run (nothing reaches a broker)."""
    queued = []
    monkeypatch.setattr(send_email, "delay", queued.append)
    return queued


@pytest.fixture(autouse=True)
def retries_run_eagerly(monkeypatch):
    """Let eager retries run through instead of surfacing Celery's Retry exception."""
    monkeypatch.setitem(send_email.app.conf, "task_eager_propagates", False)


def _queue(key="event:1:ada@example.org"):
    with transaction.atomic():
        return services.queue_email(
            recipient="ada@example.org", subject="Hello", body="Body text", key=key
        )


def test_queue_email_same_key_twice_sends_one_message():
    first = _queue()
    second = _queue()

    assert first.pk == second.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get().state == EmailState.SENT


def test_deliver_transient_failure_records_attempt_and_error(settings, undelivered):
    settings.EMAIL_BACKEND = "tests.mail.backends.DisconnectingBackend"
    email = _queue()

    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.deliver(email.pk)

    email.refresh_from_db()
    assert email.state == EmailState.QUEUED
    assert email.attempts == 1
    assert "SMTPServerDisconnected" in email.error


def test_send_email_task_gives_up_after_retries_and_marks_failed(settings, undelivered):
    settings.EMAIL_BACKEND = "tests.mail.backends.DisconnectingBackend"
    email = _queue()

    send_email.apply(args=[email.pk])  # eager mode runs each retry at once, without backoff

    email.refresh_from_db()
    assert email.state == EmailState.FAILED
    assert email.attempts == MAX_RETRIES + 1
    assert "gave up" in email.error


def test_send_email_task_retry_after_hang_up_delivers_once(settings, undelivered):
    settings.EMAIL_BACKEND = "tests.mail.backends.FlakyBackend"
    FlakyBackend.failures_left = 1
    email = _queue()

    send_email.apply(args=[email.pk])

    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert email.attempts == 2
    assert email.error == ""
    assert len(mail.outbox) == 1


def test_deliver_refused_recipient_fails_without_retry(settings, undelivered):
    settings.EMAIL_BACKEND = "tests.mail.backends.RefusingBackend"
    email = _queue()

    services.deliver(email.pk)

    email.refresh_from_db()
    assert email.state == EmailState.FAILED
    assert email.attempts == 1
    assert "SMTPRecipientsRefused" in email.error


def test_deliver_sent_row_is_not_sent_again():
    email = _queue()
    assert len(mail.outbox) == 1

    services.deliver(email.pk)  # a redelivered task after the worker died

    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get().attempts == 1


def test_requeue_stuck_sends_rows_whose_task_was_lost(monkeypatch, undelivered):
    old = _queue("event:old:ada@example.org")  # the broker "lost" both tasks at commit time
    recent = _queue("event:new:ada@example.org")
    OutgoingEmail.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    monkeypatch.undo()  # the broker is back: tasks run (eagerly, in tests)

    count = services.requeue_stuck()

    assert count == 1
    assert OutgoingEmail.objects.get(pk=old.pk).state == EmailState.SENT
    assert OutgoingEmail.objects.get(pk=recent.pk).state == EmailState.QUEUED
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_resend_failed_row_delivers_it(settings):
    settings.EMAIL_BACKEND = "tests.mail.backends.RefusingBackend"
    email = _queue()
    assert OutgoingEmail.objects.get(pk=email.pk).state == EmailState.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with transaction.atomic():
        services.resend(OutgoingEmail.objects.get(pk=email.pk))

    assert OutgoingEmail.objects.get(pk=email.pk).state == EmailState.SENT
    assert len(mail.outbox) == 1
