from django.conf import settings
from django.db import models


class EmailState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmail(models.Model):
    """One e-mail to one recipient: written as a row first, then delivered by a Celery task.

    ``idempotency_key`` names the event and the recipient (``"decision:42:release:3:ada@x.org"``):
    queueing the same key twice returns the existing row, so a retried task or a re-run of a
    bulk send never mails anyone twice.

    Delivery claims the row first (state "sending", a fresh ``attempt_id`` and a lease until
    ``retry_at``, committed), then talks to the mail server outside any transaction, then marks
    it sent. Every attempt carries the same ``message_id``, so a crash between the relay's
    acceptance and the mark can cause at most a copy that mail servers and clients collapse,
    never a second distinct message. ``retry_at`` is when the sweep (``requeue_stuck``) hands
    an unsent row to a worker again: when the lease of a claimed attempt runs out, after the
    backoff of a failed one; a queued row without it is swept a short while after queueing.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    recipient = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    reply_to = models.EmailField(blank=True)
    template_role = models.CharField(
        max_length=60,
        blank=True,
        help_text="The kind of message, e.g. submission.confirmation.",
    )
    idempotency_key = models.CharField(max_length=255, unique=True)
    state = models.CharField(max_length=10, choices=EmailState, default=EmailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    attempt_id = models.CharField(max_length=32, blank=True, default="")
    retry_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(
        max_length=255, blank=True, default="", help_text="The same for every attempt."
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workshop", "state"]),
            models.Index(fields=["state", "retry_at"], name="mail_outbox_sweep_idx"),
        ]
        verbose_name = "outgoing e-mail"

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
