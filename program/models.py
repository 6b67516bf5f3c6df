"""A workshop's program: sessions in rooms, with talks, posters, invited talks and breaks."""

from django.db import models
from django.db.models import F, Q


class Program(models.Model):
    """Whether the program is public, and its version for concurrent edits."""

    workshop = models.OneToOneField(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="program"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"Program of {self.workshop}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class SessionKind(models.TextChoices):
    TALKS = "talks", "Paper talks"
    POSTERS = "posters", "Poster session"
    INVITED = "invited", "Invited talk"
    PANEL = "panel", "Panel"
    BREAK = "break", "Break"
    OTHER = "other", "Other"


class Session(models.Model):
    """A block of the workshop day in one room or stream, in the workshop's time zone."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="program_sessions"
    )
    kind = models.CharField(max_length=10, choices=SessionKind, default=SessionKind.TALKS)
    title = models.CharField(max_length=300)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.CharField("room or stream", max_length=200, blank=True)
    description = models.TextField(blank=True)
    people = models.ManyToManyField(
        "workshops.Person",
        blank=True,
        related_name="program_sessions",
        help_text="Invited speakers, panelists or the session chair.",
    )
    # iCalendar SEQUENCE: grows whenever the time or the room changes.
    sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency of the session's edit page (workshops.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["starts_at", "room", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Slot(models.Model):
    """One paper (talk or poster) or item of a session, in order."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    submission = models.ForeignKey(
        "submissions.Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="program_slots",
    )
    title = models.CharField(max_length=300, blank=True, help_text="For an item without a paper.")
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session", "order", "pk"]

    def __str__(self) -> str:
        return self.title or str(self.submission)
