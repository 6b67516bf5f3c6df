from django.conf import settings
from django.db import models
from django.db.models import Q

from ..enums import DecisionOutcome


class DecisionRelease(models.Model):
    """Decisions released together; the notification task works through one release by id."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="decision_releases"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When every author's e-mail of this release was queued."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Release {self.pk} of {self.workshop}"


class Decision(models.Model):
    """A chair's outcome for a paper, staged until released with others."""

    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(max_length=24, choices=DecisionOutcome)
    comments = models.TextField(
        "meta-review / comments to the authors", blank=True, help_text="Sent to the authors."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    release = models.ForeignKey(
        DecisionRelease,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values), name="decision_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(release__isnull=True, released_at__isnull=True)
                | Q(release__isnull=False, released_at__isnull=False),
                name="decision_released_with_release",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission}: {self.get_outcome_display()}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class DecisionTemplate(models.Model):
    """The e-mail sent to authors for one outcome, with {placeholders} (see services.templating)."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="decision_templates"
    )
    outcome = models.CharField(max_length=24, choices=DecisionOutcome)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workshop", "outcome"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "outcome"], name="template_unique_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} template of {self.workshop}"


class DecisionCorrection(models.Model):
    """A released decision changed afterwards; its authors get one follow-up letter each."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="corrections")
    from_outcome = models.CharField(max_length=24, choices=DecisionOutcome)
    to_outcome = models.CharField(max_length=24, choices=DecisionOutcome)
    comments_changed = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Correction of {self.decision}"
