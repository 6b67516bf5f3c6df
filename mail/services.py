"""Queueing and delivering e-mail through the outbox."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import EmailState, OutgoingEmail

logger = logging.getLogger(__name__)

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
    from .tasks import send_email

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
    transaction.on_commit(lambda: send_email.delay(email.pk))
    return email


def deliver(email_id: int) -> OutgoingEmail:
    """Send one queued row. Raises a transient error for the task to retry; others mark it failed.

    The row is locked while sending, so two workers holding the same task (a redelivery after a
    worker died) cannot both send it. A transient failure is recorded after the lock's
    transaction ends, so the attempt and its error survive the re-raise.
    """
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
            if email.state == EmailState.SENT:
                return email
            email.attempts += 1
            try:
                _message(email).send(fail_silently=False)
            except TRANSIENT_ERRORS:
                raise
            except Exception as exc:  # a permanent failure: bad address, refused recipient...
                logger.exception("E-mail %s failed permanently", email.pk)
                email.state = EmailState.FAILED
                email.error = f"{type(exc).__name__}: {exc}"
                email.save(update_fields=["attempts", "error", "state"])
                return email
            email.state = EmailState.SENT
            email.sent_at = timezone.now()
            email.error = ""
            email.save(update_fields=["attempts", "error", "state", "sent_at"])
            return email
    except TRANSIENT_ERRORS as exc:
        OutgoingEmail.objects.filter(pk=email_id).exclude(state=EmailState.SENT).update(
            attempts=F("attempts") + 1, error=f"{type(exc).__name__}: {exc}"
        )
        raise


def _message(email: OutgoingEmail) -> EmailMessage:
    return EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"X-Outbox-Id": str(email.pk)},
    )


def requeue_stuck(*, older_than: dt.timedelta = dt.timedelta(minutes=15)) -> int:
    """Hand queued rows whose task was lost (broker down at commit, worker killed) to Celery again.

    Delivery is idempotent (a sent row is never sent twice), so re-queueing a row whose task is
    merely slow costs one no-op task.
    """
    from .tasks import send_email

    cutoff = timezone.now() - older_than
    ids = list(
        OutgoingEmail.objects.filter(state=EmailState.QUEUED, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    for email_id in ids:
        send_email.delay(email_id)
    return len(ids)


def mark_failed(email_id: int, error: str) -> None:
    OutgoingEmail.objects.filter(pk=email_id).exclude(state=EmailState.SENT).update(
        state=EmailState.FAILED, error=error
    )


def resend(email: OutgoingEmail) -> None:
    """Put a failed e-mail back in the queue (a chair's "resend" button)."""
    from .tasks import send_email

    if email.state == EmailState.SENT:
        return
    # A chair may also push a row that has sat queued (its task lost); see requeue_stuck.
    OutgoingEmail.objects.filter(pk=email.pk).update(state=EmailState.QUEUED, error="")
    transaction.on_commit(lambda: send_email.delay(email.pk))
