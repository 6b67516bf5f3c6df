from django.conf import settings
from django.db import models

from ..enums import AssignmentSource, AssignmentState


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=AssignmentState.ACTIVE)


class Assignment(models.Model):
    """A reviewer assigned to a paper. ``ordinal`` is the stable "Reviewer N" of that paper.

    Created through ``reviews.services.assignments.assign``, which refuses conflicted pairs.
    """

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    ordinal = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=AssignmentSource, default="manual")
    state = models.CharField(max_length=10, choices=AssignmentState, default="active")
    decline_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"], name="assignment_unique_reviewer"
            ),
            models.UniqueConstraint(
                fields=["submission", "ordinal"], name="assignment_unique_ordinal"
            ),
            models.CheckConstraint(condition=models.Q(ordinal__gte=1), name="assignment_ordinal"),
            models.CheckConstraint(
                condition=models.Q(source__in=AssignmentSource.values),
                name="assignment_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=AssignmentState.values),
                name="assignment_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "state"])]

    def __str__(self) -> str:
        return f"Reviewer {self.ordinal} of {self.submission}"

    @property
    def label(self) -> str:
        return f"Reviewer {self.ordinal}"

    @property
    def is_active(self) -> bool:
        return self.state == AssignmentState.ACTIVE
