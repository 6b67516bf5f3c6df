from django.conf import settings
from django.db import models

from ..enums import ConflictSource


class ConflictQuerySet(models.QuerySet):
    def active(self):
        return self.filter(dismissed_at__isnull=True)


class Conflict(models.Model):
    """A conflict of interest between a committee member and a paper, with where it came from.

    One row per source; a pair is conflicted while any of its rows is not dismissed. A chair
    "removes" a conflict by dismissing its rows, so automatic detection does not bring it back.
    """

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="conflicts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    source = models.CharField(max_length=20, choices=ConflictSource)
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConflictQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "user", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "user", "source"], name="conflict_unique_source"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=ConflictSource.values), name="conflict_source_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "submission"])]

    def __str__(self) -> str:
        return f"{self.user} × {self.submission} ({self.get_source_display()})"

    @property
    def is_active(self) -> bool:
        return self.dismissed_at is None
