"""Area chairs (meta-reviewers): their papers, their meta-reviews and their requests."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..enums import AssignmentSource, DecisionOutcome, MetaReviewState


class AreaChairAssignment(models.Model):
    """An area chair in charge of a paper. Created through the assignment services, which
    refuse conflicted pairs, like reviewer assignments."""

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="area_chair_assignments"
    )
    area_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area_chair_assignments"
    )
    source = models.CharField(
        max_length=10, choices=AssignmentSource, default=AssignmentSource.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "area_chair"], name="ac_assignment_unique"
            ),
            models.CheckConstraint(
                condition=Q(source__in=AssignmentSource.values),
                name="ac_assignment_source_valid",
            ),
        ]
        indexes = [models.Index(fields=["area_chair", "submission"])]

    def __str__(self) -> str:
        return f"Area chair of {self.submission}"


class MetaReview(models.Model):
    """An area chair's meta-review: a recommendation, text for the authors (signed "Area
    chair", never a name) and a note only the chairs read."""

    assignment = models.OneToOneField(
        AreaChairAssignment, on_delete=models.CASCADE, related_name="meta_review"
    )
    state = models.CharField(max_length=10, choices=MetaReviewState, default=MetaReviewState.DRAFT)
    recommendation = models.CharField(
        max_length=24,
        choices=DecisionOutcome,
        blank=True,
        help_text="The outcome the area chair recommends to the chairs.",
    )
    comments = models.TextField("meta-review for the authors", blank=True)
    confidential_note = models.TextField("confidential note to the chairs", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Moves on at every save of its edit page: a page loaded before refuses to "
        "overwrite it (workshops.concurrency).",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state=MetaReviewState.DRAFT)
                | Q(state=MetaReviewState.SUBMITTED, submitted_at__isnull=False)
                & ~Q(recommendation=""),
                name="metareview_submitted_complete",
            ),
            models.CheckConstraint(
                condition=Q(recommendation="") | Q(recommendation__in=DecisionOutcome.values),
                name="metareview_recommendation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Meta-review of {self.assignment.submission}"

    @property
    def is_submitted(self) -> bool:
        return self.state == MetaReviewState.SUBMITTED


class EmergencyReviewerRequest(models.Model):
    """An area chair asks the chairs for one more (emergency) reviewer on a paper."""

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="emergency_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Emergency reviewer for {self.submission}"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None
