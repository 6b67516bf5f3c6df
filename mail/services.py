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

Bulk sends (a decision release: thousands of letters) go through ``queue_emails`` and
``deliver_many``: rows inserted in one statement per chunk, one broker message per batch of
``MAIL_BATCH_SIZE`` rows, and a batch claimed in one UPDATE and sent over one SMTP connection,
with the same three steps and the same ``Message-ID`` per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
import socket
import time
import uuid
from collections.abc import Iterable, Sequence
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from config.dispatch import publish, publish_on_commit

from .models import EmailState, OutgoingEmail

logger = logging.getLogger(__name__)

SEND_TASK = "mail.send_email"
SEND_BATCH_TASK = "mail.send_emails"

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


def batch_size() -> int:
    """Rows per delivery task of a bulk send (one broker message, one SMTP connection)."""
    return max(1, settings.MAIL_BATCH_SIZE)


def publish_batches(ids: Sequence[int], *, on_commit: bool = True) -> int:
    """Hand ``ids`` to the workers in batches of ``batch_size()`` rows, one broker message each
    (after the current transaction commits, unless ``on_commit`` is False). Publishing a row
    twice is harmless: the claim decides. Returns the number of rows handed over (all of them
    on commit; those whose batch reached the broker otherwise)."""
    size = batch_size()
    handed = 0
    for start in range(0, len(ids), size):
        batch = list(ids[start : start + size])
        if on_commit:
            publish_on_commit(SEND_BATCH_TASK, batch)
            handed += len(batch)
        elif publish(SEND_BATCH_TASK, batch):
            handed += len(batch)
    return handed


def queue_emails(rows: Iterable[dict], *, chunk: int = 1000) -> list[int]:
    """Record many e-mails at once, each once per key, and schedule their delivery in batches
    after the transaction commits: the bulk ``queue_email``.

    Each row takes ``queue_email``'s keyword arguments (``key`` is the idempotency key). Keys
    already in the outbox are skipped (a rerun, a double POST, two workers at once: the insert
    is ``ON CONFLICT DO NOTHING`` on the unique key), so nothing is queued twice. A few queries
    per ``chunk`` rows, whatever their number; the caller's transaction (if any) holds them
    all. Returns the ids of the rows this call queued.
    """
    rows = list(rows)
    queued: list[int] = []
    with transaction.atomic():
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            keys = [row["key"] for row in part]
            existing = set(
                OutgoingEmail.objects.filter(idempotency_key__in=keys).values_list(
                    "idempotency_key", flat=True
                )
            )
            new = {}
            for row in part:
                if row["key"] in existing or row["key"] in new:
                    continue
                new[row["key"]] = OutgoingEmail(
                    recipient=row["recipient"],
                    subject=row["subject"][:300],
                    body=row["body"],
                    idempotency_key=row["key"],
                    workshop=row.get("workshop"),
                    user_id=row.get("user_id", getattr(row.get("user"), "pk", None)),
                    template_role=row.get("template_role", ""),
                    reply_to=row.get("reply_to", ""),
                )
            if not new:
                continue
            OutgoingEmail.objects.bulk_create(new.values(), ignore_conflicts=True)
            # Rows queued by a concurrent call between the two queries are handed over too:
            # harmless, the claim decides which task sends them.
            queued += (
                OutgoingEmail.objects.filter(idempotency_key__in=list(new), state=EmailState.QUEUED)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        publish_batches(queued)
    return queued


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


def claim_many(ids: Sequence[int]) -> list[OutgoingEmail]:
    """``claim`` for a batch: one committed UPDATE takes every claimable row of ``ids`` under
    one fresh attempt id and lease, and fixes the ``Message-ID`` of those that have none yet.
    Rows sent, failed or held by a live attempt are left out. Returns the claimed rows."""
    if not ids:
        return []
    now = timezone.now()
    attempt = uuid.uuid4().hex
    claimable = Q(state=EmailState.QUEUED) | Q(state=EmailState.SENDING, retry_at__lte=now)
    with transaction.atomic():
        count = OutgoingEmail.objects.filter(claimable, pk__in=list(ids)).update(
            state=EmailState.SENDING,
            attempt_id=attempt,
            retry_at=now + lease(),
            attempts=F("attempts") + 1,
        )
        if not count:
            return []
        emails = list(
            OutgoingEmail.objects.filter(pk__in=list(ids), attempt_id=attempt).order_by("pk")
        )
        fresh = [email for email in emails if not email.message_id]
        for email in fresh:
            email.message_id = message_id_for(email)
        if fresh:
            OutgoingEmail.objects.bulk_update(fresh, ["message_id"])
    return emails


# A batch records the rows the relay accepted after every MARK_EVERY_ROWS of them, and at least
# every MARK_EVERY_SECONDS, so a worker killed in mid-batch leaves at most that many accepted
# rows unmarked: each is sent again, under its one Message-ID, once its lease runs out
# (docs/delivery.md). Marking every row on its own would cost a transaction per message.
MARK_EVERY_SECONDS = 0.2
MARK_EVERY_ROWS = 25


def deliver_many(ids: Sequence[int]) -> dict[str, int]:
    """Claim a batch of rows, send them over one SMTP connection, record each outcome; safe to
    call any number of times, from any number of workers.

    Each row goes through the same steps as ``deliver``: claimed (committed) before any SMTP
    traffic, sent with its own ``Message-ID``, then marked sent (accepted rows are recorded in
    groups, at least every ``MARK_EVERY_SECONDS``), put back with a backoff after a transient
    error, or failed. A batch whose sending outlasts half the lease renews the lease of the rows
    it still holds, and leaves out any it no longer holds. When the relay cannot be reached, the
    rest of the batch is put back with a backoff at once. Returns counts by outcome.
    """
    emails = claim_many(ids)
    outcome = {"sent": 0, "retry": 0, "failed": 0, "skipped": len(ids) - len(emails)}
    if not emails:
        return outcome
    attempt = emails[0].attempt_id
    claimed_at = time.monotonic()
    renew_after = lease().total_seconds() / 2
    held: set[int] | None = None  # after a renewal: the rows this attempt still holds
    accepted: list[OutgoingEmail] = []
    last_mark = time.monotonic()
    connection = get_connection(fail_silently=False)
    opened = False
    try:
        for index, email in enumerate(emails):
            if time.monotonic() - claimed_at > renew_after:
                held = _renew_lease([e.pk for e in emails[index:]], attempt)
                claimed_at = time.monotonic()
            if held is not None and email.pk not in held:
                outcome["skipped"] += 1  # its lease ran out and another attempt took it
                continue
            try:
                if not opened:
                    connection.open()
                    opened = True
            except TRANSIENT_ERRORS as exc:
                # The relay is down or unreachable: no row of the batch can go now.
                rest = emails[index:]
                for other in rest:
                    _attempt_failed(other, exc)
                outcome["retry"] += len(rest)
                break
            try:
                connection.send_messages([_message(email)])
            except TRANSIENT_ERRORS as exc:
                _attempt_failed(email, exc)
                outcome["retry"] += 1
                opened = _close_quietly(connection)
            except Exception as exc:  # a permanent failure: bad address, refused recipient...
                logger.exception("E-mail %s failed permanently", email.pk)
                _close_attempt(email, state=EmailState.FAILED, error=f"{type(exc).__name__}: {exc}")
                outcome["failed"] += 1
                opened = _close_quietly(connection)
            else:
                accepted.append(email)
                now = time.monotonic()
                if len(accepted) >= MARK_EVERY_ROWS or now - last_mark >= MARK_EVERY_SECONDS:
                    outcome["sent"] += _mark_sent(accepted)
                    accepted, last_mark = [], now
    finally:
        if accepted:
            outcome["sent"] += _mark_sent(accepted)
        if opened:
            _close_quietly(connection)
    return outcome


def _renew_lease(ids: list[int], attempt: str) -> set[int]:
    """Extend the lease of the rows of ``ids`` this attempt still holds; returns their ids."""
    with transaction.atomic():
        held = set(
            OutgoingEmail.objects.filter(
                pk__in=ids, state=EmailState.SENDING, attempt_id=attempt
            ).values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=held, attempt_id=attempt).update(
            retry_at=timezone.now() + lease()
        )
    return held


def _mark_sent(emails: list[OutgoingEmail]) -> int:
    """Mark the rows the relay accepted as sent (whichever attempt holds them now: the letters
    went out) and log them, in one transaction. Returns how many were newly marked."""
    from activity.mail import record_sent_many

    with transaction.atomic():
        ids = set(
            OutgoingEmail.objects.select_for_update()
            .filter(pk__in=[e.pk for e in emails])
            .exclude(state=EmailState.SENT)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        OutgoingEmail.objects.filter(pk__in=ids).update(
            state=EmailState.SENT, sent_at=timezone.now(), error="", retry_at=None
        )
        record_sent_many([e for e in emails if e.pk in ids])
    return len(ids)


def _close_quietly(connection) -> bool:
    """Close an SMTP connection that may be broken; returns False (it is closed)."""
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a broken connection may fail to say goodbye
        pass
    return False


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
    ahead (so a backlog is not published again at every run), then one publish per batch of
    ``MAIL_BATCH_SIZE`` rows.
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
    published = publish_batches(ids, on_commit=False)
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
