"""Queueing and delivering e-mail through the outbox.

Delivery of one row (``deliver``) happens in three steps, so that a worker killed at any point
can cause at most a copy of the same message, never a different one:

1. claim: one committed UPDATE moves the row to "sending" with a fresh attempt id and a lease
   (``retry_at``); a row already sending under a live lease is left alone;
2. send over SMTP, outside any transaction, with the row's own ``Message-ID``;
3. mark it sent (or back to queued after a transient error, with backoff; or failed).

A worker killed between the relay's acceptance and step 3 leaves the row "sending"; once the
lease runs out, the sweep (``requeue_stuck``, run by beat every ``MAIL_SWEEP_SECONDS``) hands
it to a worker again and it is sent again with the same ``Message-ID``. See docs/delivery.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
import socket
import uuid
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from config.dispatch import publish, publish_on_commit

from .models import EmailState, OutgoingEmail

logger = logging.getLogger(__name__)

SEND_TASK = "mail.send_email"

# Errors worth retrying: the mail server is down or busy, not the message is wrong.
TRANSIENT_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPDataError,
    smtplib.SMTPHeloError,
    ConnectionError,
    socket.timeout,
    TimeoutError,
)

# Transient failures are retried this many times, after 1, 2, 4, 8 and 16 minutes.
MAX_RETRIES = 5
RETRY_BASE = dt.timedelta(minutes=1)


def lease() -> dt.timedelta:
    """How long a claimed attempt owns its row; longer than one SMTP conversation may take."""
    return dt.timedelta(seconds=settings.MAIL_LEASE_SECONDS)


def requeue_after() -> dt.timedelta:
    """How long a queued row may wait for its task before the sweep publishes it again."""
    return dt.timedelta(seconds=settings.MAIL_REQUEUE_AFTER_SECONDS)


def queue_email(
    *,
    recipient: str,
    subject: str,
    body: str,
    key: str,
    workshop=None,
    user=None,
    template_role: str = "",
    reply_to: str = "",
) -> OutgoingEmail:
    """Record an e-mail once per ``key`` and schedule its delivery after the transaction commits.

    Returns the existing row when the key was queued before (nothing is sent again).
    """
    existing = OutgoingEmail.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                recipient=recipient,
                subject=subject[:300],
                body=body,
                idempotency_key=key,
                workshop=workshop,
                user=user,
                template_role=template_role,
                reply_to=reply_to,
            )
    except IntegrityError:
        # Two workers raced on the same key: the other one's row wins.
        return OutgoingEmail.objects.get(idempotency_key=key)
    publish_on_commit(SEND_TASK, email.pk)
    return email


def message_id_for(email: OutgoingEmail) -> str:
    """The row's ``Message-ID``: derived from the row alone, the same for every attempt."""
    digest = hashlib.sha256(email.idempotency_key.encode()).hexdigest()[:12]
    return f"<outbox-{email.pk}.{digest}@{_message_id_domain()}>"


def _message_id_domain() -> str:
    host = urlsplit(settings.SITE_URL).hostname or ""
    if not host:
        host = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return host or "localhost"


def claim(email_id: int) -> OutgoingEmail | None:
    """Take the row for one delivery attempt, committed before any SMTP traffic.

    Claimable: a queued row, or a row left "sending" whose lease ran out (its worker died).
    Returns the claimed row (with its fixed ``message_id``), or None when it is sent, failed,
    or being sent by a live attempt.
    """
    now = timezone.now()
    attempt = uuid.uuid4().hex
    claimable = Q(state=EmailState.QUEUED) | Q(state=EmailState.SENDING, retry_at__lte=now)
    with transaction.atomic():
        claimed = (
            OutgoingEmail.objects.filter(claimable, pk=email_id).update(
                state=EmailState.SENDING,
                attempt_id=attempt,
                retry_at=now + lease(),
                attempts=F("attempts") + 1,
            )
            == 1
        )
        if not claimed:
            return None
        email = OutgoingEmail.objects.get(pk=email_id)
        if not email.message_id:
            email.message_id = message_id_for(email)
            email.save(update_fields=["message_id"])
    return email


def deliver(email_id: int) -> OutgoingEmail | None:
    """Claim one row, send it, and record the outcome; safe to call any number of times.

    A transient failure puts the row back in the queue with a backoff (the sweep hands it over
    again when it is due) and marks it failed after ``MAX_RETRIES`` retries; a permanent one
    (refused recipient...) marks it failed at once.
    """
    email = claim(email_id)
    if email is None:
        return OutgoingEmail.objects.filter(pk=email_id).first()
    try:
        _message(email).send(fail_silently=False)
    except TRANSIENT_ERRORS as exc:
        _attempt_failed(email, exc)
    except Exception as exc:  # a permanent failure: bad address, refused recipient...
        logger.exception("E-mail %s failed permanently", email.pk)
        _close_attempt(email, state=EmailState.FAILED, error=f"{type(exc).__name__}: {exc}")
    else:
        # The relay accepted the message: that is the truth, whichever attempt holds the row
        # now (a slow attempt whose lease ran out still delivered its copy).
        with transaction.atomic():
            marked = (
                OutgoingEmail.objects.filter(pk=email.pk)
                .exclude(state=EmailState.SENT)
                .update(state=EmailState.SENT, sent_at=timezone.now(), error="", retry_at=None)
            )
            if marked:
                from activity.mail import record_sent

                record_sent(email)
    email.refresh_from_db()
    return email


def _attempt_failed(email: OutgoingEmail, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"
    retries = email.attempts - 1
    if retries >= MAX_RETRIES:
        logger.warning("E-mail %s: gave up after %s retries: %s", email.pk, retries, error)
        _close_attempt(
            email, state=EmailState.FAILED, error=f"gave up after {retries} retries: {error}"
        )
        return
    logger.info("E-mail %s: transient failure, retried later: %s", email.pk, error)
    _close_attempt(
        email,
        state=EmailState.QUEUED,
        error=error,
        retry_at=timezone.now() + RETRY_BASE * 2**retries,
    )


def _close_attempt(email: OutgoingEmail, *, state: str, error: str, retry_at=None) -> None:
    """Record a failed attempt, unless another attempt has taken the row since."""
    OutgoingEmail.objects.filter(
        pk=email.pk, state=EmailState.SENDING, attempt_id=email.attempt_id
    ).update(state=state, error=error, retry_at=retry_at)


def _message(email: OutgoingEmail) -> EmailMessage:
    return EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"Message-ID": email.message_id, "X-Outbox-Id": str(email.pk)},
    )


def due_for_sweep(now: dt.datetime) -> Q:
    """Rows a worker should look at again: queued rows whose task seems lost (published more
    than ``MAIL_REQUEUE_AFTER_SECONDS`` ago), queued rows whose backoff is over, and rows left
    "sending" by an attempt whose lease ran out."""
    return Q(
        state=EmailState.QUEUED, retry_at__isnull=True, created_at__lte=now - requeue_after()
    ) | Q(state__in=[EmailState.QUEUED, EmailState.SENDING], retry_at__lte=now)


def requeue_stuck(*, limit: int = 1000, now: dt.datetime | None = None) -> int:
    """Hand rows whose delivery is due and not running to Celery again (beat, every
    ``MAIL_SWEEP_SECONDS``): their task was lost (broker down at commit, worker killed), their
    backoff is over, or their attempt's worker died.

    Cheap and safe to run concurrently: one bounded, indexed select, one update that puts
    the rows (back) in the queue and pushes their next sweep ``MAIL_REQUEUE_AFTER_SECONDS``
    ahead (so a backlog is not published again at every run), then one publish per row.
    Publishing a row twice is harmless: the claim decides which task sends it. Returns the
    number of rows handed over.
    """
    now = now or timezone.now()
    due = due_for_sweep(now)
    ids = list(
        OutgoingEmail.objects.filter(due).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    # Expired attempts give their rows back to the queue; every row handed over is looked at
    # again only if its task has not claimed it within MAIL_REQUEUE_AFTER_SECONDS.
    OutgoingEmail.objects.filter(due, pk__in=ids).update(
        state=EmailState.QUEUED, retry_at=now + requeue_after()
    )
    published = sum(publish(SEND_TASK, email_id) for email_id in ids)
    if published < len(ids):
        logger.warning(
            "Sweep: %s of %s e-mails could not be published", len(ids) - published, len(ids)
        )
    return published


def resend(email: OutgoingEmail) -> bool:
    """Put a failed (or stuck) e-mail back in the queue (a chair's "resend" button) with a
    fresh series of retries. A row being sent by a live attempt is left alone, and a sent row
    is never sent again. Returns whether the row was queued again."""
    now = timezone.now()
    requeued = (
        OutgoingEmail.objects.filter(pk=email.pk)
        .filter(
            Q(state__in=[EmailState.FAILED, EmailState.QUEUED])
            | Q(state=EmailState.SENDING, retry_at__lte=now)
        )
        .update(state=EmailState.QUEUED, error="", attempts=0, retry_at=None)
    )
    if requeued:
        publish_on_commit(SEND_TASK, email.pk)
    return bool(requeued)
