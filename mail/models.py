from django.conf import settings
from django.db import models


class EmailState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmail(models.Model):
    """One e-mail to one recipient: written as a row first, then delivered by a Celery task.

    ``idempotency_key`` names the event and the recipient (``"decision:42:release:3:ada@x.org"``):
    queueing the same key twice returns the existing row, so a retried task or a re-run of a
    bulk send never mails anyone twice.
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
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workshop", "state"])]
        verbose_name = "outgoing e-mail"

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
