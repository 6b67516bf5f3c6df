from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .enums import FileKind, SubmissionState


class Submission(models.Model):
    """A paper submitted to a workshop; numbered per workshop (#1, #2, ...).

    State changes go through ``submissions.services`` only.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.PROTECT, related_name="submissions"
    )
    number = models.PositiveIntegerField()
    submission_type = models.ForeignKey(
        "workshops.SubmissionType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    title = models.CharField(max_length=300)
    abstract = models.TextField(blank=True)
    keywords = models.CharField(max_length=500, blank=True, help_text="Comma-separated.")
    topics = models.ManyToManyField("workshops.Topic", blank=True, related_name="submissions")
    state = models.CharField(max_length=14, choices=SubmissionState, default=SubmissionState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_submissions"
    )
    # Acknowledgements the call's policies require, recorded with the submission.
    ack_code_of_conduct = models.BooleanField(default=False)
    ack_code_of_ethics = models.BooleanField(default=False)
    ack_dual_submission = models.BooleanField(default=False)
    ack_anonymized = models.BooleanField(default=False)
    deadline_override = models.DateTimeField(
        null=True, blank=True, help_text="A later deadline granted to this submission by a chair."
    )
    desk_reject_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="submission_unique_number"),
        ]
        indexes = [models.Index(fields=["workshop", "state"])]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "submissions:detail", kwargs={"slug": self.workshop.slug, "number": self.number}
        )


class Authorship(models.Model):
    """One author of a submission, in order. ``user`` is set once the address has an account."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authors")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    affiliation = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
    )
    is_contact = models.BooleanField(default=False)

    class Meta:
        ordering = ["submission", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "email"], name="author_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def upload_path(instance: "SubmissionFile", filename: str) -> str:
    # Never the author's file name: it may identify them or carry path components.
    ext = "zip" if filename.lower().endswith(".zip") else "pdf"
    return (
        f"submissions/{instance.submission.workshop_id}/{instance.submission_id}/"
        f"{instance.kind}-v{instance.version}.{ext}"
    )


class SubmissionFile(models.Model):
    """One uploaded version of a file. Versions are never overwritten or deleted."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=14, choices=FileKind, default=FileKind.PAPER)
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=upload_path, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind", "version"], name="file_unique_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="file_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} {self.get_kind_display()} v{self.version}"
