import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from mail import services
from mail.models import EmailState, OutgoingEmail
from mail.services import MAX_RETRIES
from mail.tasks import send_email, send_emails
from tests.mail.backends import FlakyBackend

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def undelivered(monkeypatch):
    """Rows stay queued: the delivery tasks (one row, or a batch) are recorded instead of run
    (nothing reaches a broker); the list holds the row ids handed over, in order."""
    queued = []
    monkeypatch.setattr(send_email, "delay", queued.append)
    monkeypatch.setattr(send_emails, "delay", queued.extend)
    return queued


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


def _due(email_id):
    """Let the backoff of a row run out, as time would."""
    OutgoingEmail.objects.filter(pk=email_id).update(retry_at=timezone.now())


def test_deliver_transient_failure_records_attempt_and_backoff(settings, undelivered):
    settings.EMAIL_BACKEND = "tests.mail.backends.DisconnectingBackend"
    email = _queue()

    before = timezone.now()
    services.deliver(email.pk)

    email.refresh_from_db()
    assert email.state == EmailState.QUEUED
    assert email.attempts == 1
    assert "SMTPServerDisconnected" in email.error
    # Retried a minute later by the sweep, not at once.
    assert (
        before + dt.timedelta(seconds=59)
        < email.retry_at
        < timezone.now() + dt.timedelta(seconds=61)
    )
    assert services.requeue_stuck() == 0


def test_transient_failures_back_off_then_give_up_and_mark_failed(settings, undelivered):
    settings.EMAIL_BACKEND = "tests.mail.backends.DisconnectingBackend"
    email = _queue()
    waits = []

    for _ in range(MAX_RETRIES + 1):
        start = timezone.now()
        send_email.apply(args=[email.pk])
        email.refresh_from_db()
        if email.state == EmailState.QUEUED:
            waits.append(round((email.retry_at - start).total_seconds() / 60))
            _due(email.pk)

    assert waits == [1, 2, 4, 8, 16]
    assert email.state == EmailState.FAILED
    assert email.attempts == MAX_RETRIES + 1
    assert "gave up" in email.error
    send_email.apply(args=[email.pk])  # a stray task changes nothing
    assert OutgoingEmail.objects.get(pk=email.pk).attempts == MAX_RETRIES + 1


def test_retry_after_hang_up_delivers_once_when_due(settings, undelivered):
    settings.EMAIL_BACKEND = "tests.mail.backends.FlakyBackend"
    FlakyBackend.failures_left = 1
    email = _queue()

    send_email.apply(args=[email.pk])
    assert services.requeue_stuck() == 0  # backing off
    _due(email.pk)
    undelivered_now = list(undelivered)
    assert services.requeue_stuck() == 1
    assert len(undelivered) == len(undelivered_now) + 1  # handed to the broker again
    send_email.apply(args=[undelivered[-1]])

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
    services.resend(OutgoingEmail.objects.get(pk=email.pk))  # and a stray resend

    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get().attempts == 1


def test_requeue_stuck_sends_rows_whose_task_was_lost(monkeypatch, undelivered):
    old = _queue("event:old:ada@example.org")  # the broker "lost" both tasks at commit time
    recent = _queue("event:new:ada@example.org")
    OutgoingEmail.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=2)
    )
    monkeypatch.undo()  # the broker is back: tasks run (eagerly, in tests)

    count = services.requeue_stuck()

    assert count == 1
    assert OutgoingEmail.objects.get(pk=old.pk).state == EmailState.SENT
    assert OutgoingEmail.objects.get(pk=recent.pk).state == EmailState.QUEUED
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_requeue_stuck_does_not_publish_a_backlog_again_at_every_run(undelivered):
    email = _queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=2)
    )

    assert services.requeue_stuck() == 1
    assert services.requeue_stuck() == 0  # its task is in the queue now
    later = timezone.now() + dt.timedelta(seconds=61)
    assert services.requeue_stuck(now=later) == 1  # still not taken a minute later: again
    assert undelivered == [email.pk] * 3  # at commit, then twice by the sweep


def test_claimed_row_is_left_alone_until_its_lease_runs_out(undelivered):
    """A worker died after the relay accepted the message, before marking it sent: the
    row stays "sending"; its copies all carry one Message-ID."""
    email = _queue()
    claimed = services.claim(email.pk)  # the dead worker's attempt
    assert claimed.state == EmailState.SENDING
    first_id = claimed.message_id

    assert services.claim(email.pk) is None  # a redelivered task while the lease runs
    services.deliver(email.pk)
    assert mail.outbox == []
    assert services.requeue_stuck() == 0

    after_lease = timezone.now() + services.lease() + dt.timedelta(seconds=1)
    assert services.requeue_stuck(now=after_lease) == 1
    assert OutgoingEmail.objects.get(pk=email.pk).state == EmailState.QUEUED  # given back
    services.deliver(undelivered[-1])

    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert email.attempts == 2
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [first_id]


def test_message_id_is_derived_from_the_row_and_never_changes(settings, undelivered):
    settings.SITE_URL = "https://cfp.example.org/"
    email = _queue("event:9:ada@example.org")
    claimed = services.claim(email.pk)
    assert claimed.message_id.startswith(f"<outbox-{email.pk}.")
    assert claimed.message_id.endswith("@cfp.example.org>")

    settings.SITE_URL = "https://elsewhere.example.net"  # moved: the row keeps its identity
    OutgoingEmail.objects.filter(pk=email.pk).update(retry_at=timezone.now())
    services.deliver(email.pk)

    assert OutgoingEmail.objects.get(pk=email.pk).message_id == claimed.message_id
    assert mail.outbox[0].message()["Message-ID"] == claimed.message_id


def test_stale_attempt_cannot_overwrite_the_outcome_of_a_newer_one(settings, undelivered):
    email = _queue()
    stale = services.claim(email.pk)
    OutgoingEmail.objects.filter(pk=email.pk).update(retry_at=timezone.now())  # lease over
    services.deliver(email.pk)  # the newer attempt delivers
    assert OutgoingEmail.objects.get(pk=email.pk).state == EmailState.SENT

    services._attempt_failed(stale, ConnectionError("the stale worker's socket broke"))

    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert email.error == ""


@pytest.fixture
def broker_down(monkeypatch):
    """Celery publishes to a port where no broker listens (connection refused)."""
    from config.celery import app

    # Celery prefers the environment's CELERY_BROKER_URL to its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)
    reset_pools()
    yield
    monkeypatch.undo()
    app.conf.update(saved)
    reset_pools()


def test_publishing_with_the_broker_down_keeps_the_row_queued(broker_down, caplog):
    email = _queue()  # commits; the publish after commit fails, and nothing is raised

    assert OutgoingEmail.objects.get(pk=email.pk).state == EmailState.QUEUED
    assert "a sweep will pick the work up" in caplog.text


def test_resend_failed_row_delivers_it(settings):
    settings.EMAIL_BACKEND = "tests.mail.backends.RefusingBackend"
    email = _queue()
    assert OutgoingEmail.objects.get(pk=email.pk).state == EmailState.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with transaction.atomic():
        services.resend(OutgoingEmail.objects.get(pk=email.pk))

    assert OutgoingEmail.objects.get(pk=email.pk).state == EmailState.SENT
    assert len(mail.outbox) == 1


def test_resend_leaves_a_row_being_sent_alone(undelivered):
    email = _queue()
    services.claim(email.pk)

    assert services.resend(OutgoingEmail.objects.get(pk=email.pk)) is False
    assert OutgoingEmail.objects.get(pk=email.pk).state == EmailState.SENDING


# --- Bulk sends: queued at once, sent in batches ------------------------------------------------


def _letters(n, prefix="bulk:1"):
    return [
        {
            "recipient": f"author{i}@example.org",
            "subject": f"Decision on paper #{i}",
            "body": "Dear author,\n\nthe decision is in.\n",
            "key": f"{prefix}:{i}:author{i}@example.org",
        }
        for i in range(n)
    ]


def test_queue_emails_twice_queues_and_sends_each_key_once():
    with transaction.atomic():
        first = services.queue_emails(_letters(3))
    with transaction.atomic():  # a rerun (or a double POST) with one more letter
        second = services.queue_emails(_letters(4))

    assert len(first) == 3
    assert len(second) == 1
    assert OutgoingEmail.objects.count() == 4
    assert sorted(m.to[0] for m in mail.outbox) == [f"author{i}@example.org" for i in range(4)]
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {EmailState.SENT}


def test_queue_emails_hands_rows_over_in_batches_after_commit(settings, undelivered, monkeypatch):
    settings.MAIL_BATCH_SIZE = 2
    batches = []
    monkeypatch.setattr(send_emails, "delay", batches.append)
    with transaction.atomic():
        ids = services.queue_emails(_letters(5))
        assert batches == []  # nothing reaches the broker before the commit

    assert batches == [ids[0:2], ids[2:4], ids[4:5]]


def test_a_batch_goes_over_one_connection_with_one_message_id_per_row(settings, undelivered):
    settings.EMAIL_BACKEND = "tests.mail.backends.CountingBackend"
    from tests.mail.backends import CountingBackend

    CountingBackend.opened = 0
    with transaction.atomic():
        ids = services.queue_emails(_letters(5))

    outcome = services.deliver_many(ids)

    assert outcome["sent"] == 5
    assert CountingBackend.opened == 1
    rows = {e.pk: e for e in OutgoingEmail.objects.all()}
    assert {e.state for e in rows.values()} == {EmailState.SENT}
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        e.message_id for e in rows.values()
    )
    assert services.deliver_many(ids)["skipped"] == 5  # a redelivered task sends nothing
    assert len(mail.outbox) == 5


def test_a_batch_leaves_rows_held_by_a_live_attempt_alone(undelivered):
    with transaction.atomic():
        ids = services.queue_emails(_letters(3))
    held = services.claim(ids[1])  # another worker is sending this one

    outcome = services.deliver_many(ids)

    assert outcome == {"sent": 2, "retry": 0, "failed": 0, "skipped": 1}
    assert sorted(m.to[0] for m in mail.outbox) == ["author0@example.org", "author2@example.org"]
    row = OutgoingEmail.objects.get(pk=ids[1])
    assert (row.state, row.attempt_id) == (EmailState.SENDING, held.attempt_id)


def test_a_batch_that_cannot_reach_the_relay_puts_every_row_back_with_a_backoff(
    settings, undelivered
):
    settings.EMAIL_BACKEND = "tests.mail.backends.UnreachableBackend"
    with transaction.atomic():
        ids = services.queue_emails(_letters(3))
    before = timezone.now()

    outcome = services.deliver_many(ids)

    assert outcome["retry"] == 3
    for row in OutgoingEmail.objects.all():
        assert row.state == EmailState.QUEUED
        assert row.attempts == 1
        assert "Connection refused" in row.error
        assert row.retry_at >= before + dt.timedelta(seconds=59)
    assert services.requeue_stuck() == 0  # not before the backoff is over


def test_a_transient_error_in_a_batch_retries_that_row_only(settings, undelivered):
    settings.EMAIL_BACKEND = "tests.mail.backends.FlakyBackend"
    FlakyBackend.failures_left = 1
    with transaction.atomic():
        ids = services.queue_emails(_letters(3))

    outcome = services.deliver_many(ids)

    assert outcome == {"sent": 2, "retry": 1, "failed": 0, "skipped": 0}
    first = OutgoingEmail.objects.get(pk=ids[0])
    assert (first.state, first.attempts) == (EmailState.QUEUED, 1)
    assert "SMTPServerDisconnected" in first.error
    assert len(mail.outbox) == 2


def test_the_sweep_hands_rows_over_in_batches(settings, undelivered, monkeypatch):
    settings.MAIL_BATCH_SIZE = 2
    with transaction.atomic():
        ids = services.queue_emails(_letters(3))
    OutgoingEmail.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    batches = []
    monkeypatch.setattr(send_emails, "delay", batches.append)

    assert services.requeue_stuck() == 3
    assert batches == [ids[0:2], ids[2:3]]
