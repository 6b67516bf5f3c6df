"""The workshop's activity log: one row per change to a paper's or the workshop's state.

Rows are written only through ``activity.services.record`` and never changed afterwards.
"""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    """What area of the workshop an entry is about (the log's filter)."""

    SUBMISSION = "submission", "Submissions"
    COMMITTEE = "committee", "Committee"
    PHASE = "phase", "Review phase"
    CONFLICT = "conflict", "Conflicts"
    BID = "bid", "Bids"
    ASSIGNMENT = "assignment", "Assignments"
    REVIEW = "review", "Reviews"
    DECISION = "decision", "Decisions"
    CAMERA_READY = "camera_ready", "Camera-ready"
    TERMS = "terms", "Publication terms"
    PROGRAM = "program", "Program"
    SETTINGS = "settings", "Settings and call"
    MAIL = "mail", "E-mail"
    TAG = "tag", "Tags"


class EntryQuerySet(models.QuerySet):
    def for_workshop(self, workshop):
        return self.filter(workshop=workshop)


class Entry(models.Model):
    """Who did what, when, and what changed (``changes``: ``{field: [before, after]}``)."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="activity"
    )
    submission = models.ForeignKey(
        "submissions.Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="log_entries",
        help_text="Set on every entry about one paper: a chair with a conflict never sees it.",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind)
    action = models.CharField(max_length=40, help_text='A short verb code, e.g. "released".')
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    message = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["workshop", "-created_at"]),
            models.Index(fields=["workshop", "kind", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.action}"

    @property
    def label(self) -> str:
        """The action in words: the submissions' own vocabulary, else the code made readable."""
        if self.kind == Kind.SUBMISSION:
            from submissions.enums import ActivityAction

            if self.action in ActivityAction.values:
                return ActivityAction(self.action).label
        return self.action.replace("_", " ").capitalize()

    @property
    def change_rows(self) -> list[tuple[str, object, object]]:
        """``changes`` as ``(field, before, after)`` rows, in the recorded order."""
        rows = []
        for name, pair in (self.changes or {}).items():
            before, after = (
                (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            )
            rows.append((name.replace("_", " "), before, after))
        return rows
