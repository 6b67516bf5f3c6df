"""A chair's message to a group of people (authors, reviewers, a hand-picked list), with the
outbox row of each recipient: what was sent to whom."""

import uuid

from django.conf import settings
from django.db import models


class Group(models.TextChoices):
    ALL_AUTHORS = "authors", "All authors (submitted papers)"
    ACCEPTED = "accepted", "Authors of accepted papers"
    REJECTED = "rejected", "Authors of rejected papers"
    UNDECIDED = "undecided", "Authors of papers without a released decision"
    CAMERA_READY_MISSING = "camera_missing", "Authors of accepted papers without a camera-ready"
    REVIEWERS = "reviewers", "All reviewers"
    REVIEWS_MISSING = "reviews_missing", "Reviewers with missing reviews"
    PICKED = "picked", "A hand-picked list"


class GroupMessage(models.Model):
    """One message as composed; ``key`` is fixed when the form is opened, so posting the same
    form twice finds this row and sends nothing again."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="group_messages"
    )
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.CharField(max_length=16, choices=Group)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workshop", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_group_display()})"


class GroupMessageRecipient(models.Model):
    """One e-mail of a message: to whom, about which paper (per-paper messages), and its
    outbox row."""

    message = models.ForeignKey(GroupMessage, on_delete=models.CASCADE, related_name="recipients")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submission = models.ForeignKey(
        "submissions.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outgoing = models.OneToOneField(
        "mail.OutgoingEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["message", "email", "pk"]

    def __str__(self) -> str:
        return f"{self.email} ← {self.message}"
